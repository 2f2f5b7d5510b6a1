"""Start-up of the desktop: `main.py` with LEYE_EXIT_WHEN_SHOWN quits only once the open year has
been painted (what bench/bench_startup.py times), and starting the desktop on a year imports none
of the heavy packages the first screen does not need."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from core.dataset import create_file
from core.facts import load_year
from core.rules import load_rule_set

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
# Needed only by the command line, the Excel import and export, PDFs, signing or the tests.
HEAVY = ("jsonschema", "openpyxl", "reportlab", "pyhanko", "python_calamine", "sqlite_utils", "hypothesis",
         "cryptography", "fontTools", "PIL", "core.cli", "core.xlsx_read", "core.xlsx_check", "core.xlsx_write",
         "core.pdf_export", "core.pdf_sheets", "core.signing", "core.matching")


def desktop_env(home: Path) -> dict:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), "LEYE_EXIT_WHEN_SHOWN": "1"}


def report(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_main_quits_once_the_demo_year_is_painted(tmp_path):
    demo, problems = load_year(DEMO, load_rule_set())
    assert not problems
    for run in ("first run: creates the demo year", "second run: opens it"):
        done = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=desktop_env(tmp_path), capture_output=True,
                              text=True, encoding="utf-8", timeout=120)
        shown = report(done)
        assert shown["painted"] > shown["started"], run
        assert set(shown["phases"]) == {"qt", "modules", "app", "window", "open", "painted"}, run
        assert shown["shown"]["units"] == len(demo.units), run
        assert shown["shown"]["unit"].startswith(demo.units[0].name), run
        assert shown["shown"]["clause"].startswith("1.1"), run
        assert shown["shown"]["points"].endswith("分"), run


def test_opening_a_year_in_the_desktop_imports_nothing_heavy(tmp_path):
    rules = load_rule_set()
    year, problems = load_year(DEMO, rules)
    assert not problems
    path = tmp_path / "year.sqlite"
    assert create_file(path, rules, "张三", year=year) == []
    script = textwrap.dedent(f"""
        import sys
        sys.argv = ["main.py"]
        import main
        code = main.main([{str(path)!r}])
        print("LOADED", [name for name in {HEAVY!r} if name in sys.modules])
        sys.exit(code)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=desktop_env(tmp_path), capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert json.loads(lines[0])["shown"]["units"] == len(year.units)  # the year really was on screen
    assert lines[-1] == "LOADED []"
