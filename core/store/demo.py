"""The demo year: a fictional 2022 year (resources/demo) made into a year file in the user's data folder
the first time the program starts without a year, so there is something to look at and try."""

from __future__ import annotations

from pathlib import Path

from core.scoring.facts import load_year
from core.store.dataset import create_file

DEMO_JSON = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo-2022.json"
DEMO_FILE_NAME = "2022年度考核（演示）.wjkh"


class DemoUnusable(Exception):
    """The bundled demo year cannot be read (a broken installation)."""


def ensure_demo(folder: Path, assessor: str) -> Path:
    """The demo year file in `folder`, made from resources/demo on first use."""
    target = folder / DEMO_FILE_NAME
    if not target.exists():
        from core.scoring.rule_library import rule_set_for
        rules = rule_set_for(DEMO_JSON, None)
        if rules is None:
            raise DemoUnusable(DEMO_JSON.name)
        year, problems = load_year(DEMO_JSON, rules)
        if problems:
            raise DemoUnusable(problems[0].text())
        made = create_file(target, rules, assessor, year=year)
        if made:
            raise DemoUnusable(made[0].text())
    return target
