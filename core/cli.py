"""The command line: plain Python, no Qt. `python main.py COMMAND …` lands here."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.engine import score_year
from core.facts import load_year
from core.messages import Msg, render
from core.report import ranking_table, year_result_json
from core.rules import RULES_DIR, RuleSet, load_rule_set

DEMO_YEAR = Path(__file__).resolve().parent.parent / "resources" / "demo" / "demo-2022.json"
EXIT_BAD_INPUT = 2


def say(code: str, **params) -> str:
    return render(Msg.of(code, **params))


def find_rule_set(rule_set_id: str) -> RuleSet | None:
    """The bundled rule set with this id, or None."""
    for path in sorted(RULES_DIR.glob("*.toml")):
        rules = load_rule_set(path)
        if rules.id == rule_set_id:
            return rules
    return None


def rule_set_for(year_file: Path, rules_file: str | None) -> RuleSet | None:
    if rules_file:
        return load_rule_set(rules_file)
    try:
        rule_set_id = json.loads(year_file.read_text(encoding="utf-8")).get("rule_set")
    except (ValueError, AttributeError):
        rule_set_id = None  # load_year reports the exact problem with the file
    if not isinstance(rule_set_id, str):
        return load_rule_set()
    return find_rule_set(rule_set_id)


def command_score(args: argparse.Namespace) -> int:
    path = Path(args.year)
    if not path.is_file():
        print(say("cli.file_not_found", path=str(path)), file=sys.stderr)
        return EXIT_BAD_INPUT
    rules = rule_set_for(path, args.rules)
    if rules is None:
        print(say("cli.rule_set_not_found", id=json.loads(path.read_text(encoding="utf-8"))["rule_set"]),
              file=sys.stderr)
        return EXIT_BAD_INPUT
    year, problems = load_year(path, rules)
    if problems:
        print(say("cli.problems", source=path.name, count=len(problems)), file=sys.stderr)
        for problem in problems:
            print("  " + problem.text(), file=sys.stderr)
        return EXIT_BAD_INPUT
    result = score_year(rules, year)
    if args.json:
        json.dump(year_result_json(rules, result), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(ranking_table(rules, result))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="main.py", description="乐业吴江 就业协作联盟运营单位绩效考核")
    commands = top.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="计算并打印一个年度的考核结果")
    score.add_argument("year", nargs="?", default=str(DEMO_YEAR), help="年度数据（JSON 交换格式）；省略时用演示年度")
    score.add_argument("--json", action="store_true", help="输出机器可读的 JSON（含每条的计分说明）")
    score.add_argument("--rules", help="考核细则文件（TOML）；省略时按数据中的 rule_set 编号查找")
    score.set_defaults(run=command_score)
    return top


COMMANDS = ("score",)


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
