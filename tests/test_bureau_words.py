"""What the assessor and the bureau read uses their words: no reading's description names an
internal value (dense, whole_points), and no document or desktop message shows a command line."""

import re
import tomllib
from pathlib import Path

from core.scoring.rules import load_rule_set
from tests.example_rules import RULE_SET_FILES

ROOT = Path(__file__).resolve().parent.parent


def test_reading_descriptions_have_no_internal_names():
    for path in RULE_SET_FILES:  # every rule set the program brings, and the example
        rules = load_rule_set(path)
        latin = {name: r.description for name, r in rules.readings.items()
                 if re.search(r"[A-Za-z_]{2,}", r.description)}
        assert latin == {}, path.name


def test_documents_and_shared_messages_show_no_command_line():
    messages = tomllib.loads((ROOT / "resources" / "messages" / "zh_CN.toml").read_text(encoding="utf-8"))
    flat = {}
    stack = [("", messages)]
    while stack:
        prefix, table = stack.pop()
        for key, value in table.items():
            if isinstance(value, dict):
                stack.append((f"{prefix}{key}.", value))
            else:
                flat[f"{prefix}{key}"] = value
    shown_everywhere = {k: v for k, v in flat.items() if k.startswith(("pdf.esign", "pdf.rule_set", "report.rule_set",
                                                                         "dataset."))}
    offending = {k: v for k, v in shown_everywhere.items() if re.search(r"python|main\.py|命令行|reopen|SHA-256 \{sha", v)}
    assert offending == {}


def test_one_word_for_the_trips_and_the_evidence_everywhere():
    """赴外招聘 and 依据查验, as the rules and the clause pages say (新建年度, new-year and the merge too): never
    外出招聘 or 佐证, nor 核验 for the evidence (核验 stays for a person's identity and for a signature)."""
    root = ROOT
    paths = [root / "resources" / "messages" / "zh_CN.toml", root / "main.py",
             *(p for folder in ("ui", "cli", "core") for p in (root / folder).rglob("*.py"))]
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        found += [(path.name, m.group()) for m in re.finditer("外出招聘|佐证", text)]
        found += [(path.name, text[m.start() - 12:m.end() + 2]) for m in re.finditer("核验", text)
                  if not any(w in text[m.start() - 12:m.end() + 2] for w in ("身份", "主管部门", "签名"))]
    assert found == []
