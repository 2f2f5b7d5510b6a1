"""The example 2023 rule set (docs/examples/wujiang-2023.toml), which the program never offers: the tests
use it to prove that a new year's rules, other numbers and another clause, need no program update."""

from __future__ import annotations

from pathlib import Path

from core.scoring.rules import RULES_DIR

EXAMPLE_2023 = Path(__file__).resolve().parents[1] / "docs" / "examples" / "wujiang-2023.toml"
TEXT_2023 = EXAMPLE_2023.read_text(encoding="utf-8")
TITLE_2023 = "2023年“乐业吴江”就业协作联盟运营单位绩效考核细则（示例）"
# the rule sets every check of a rule set's content runs over: the program's, and the example
RULE_SET_FILES = [*sorted(RULES_DIR.glob("*.toml")), EXAMPLE_2023]
