"""A new year on the command line, empty or continued from the last year's file, and the previous year's
grades beside this year's. Registered by cli/commands.py.

    python main.py new-year --to 2023年度考核.wjkh --from 2022年度考核.wjkh [--rules 名称|文号|FILE.toml]
                            [--assessor 张三 --role 角色]
    python main.py new-year --to 2023年度考核.wjkh --year 2023 [--rules 名称|文号|FILE.toml] [--assessor 张三]

Failures print one sentence on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.common.messages import Msg, format_number, render
from core.scoring.engine import YearResult
from core.scoring.rule_library import known_rule_sets, named, read_file
from core.scoring.rules import RuleSet
from core.store.dataset import create_file, year_file_name_refusal
from core.store.files import DatasetError
from core.years.continuation import Origin, continue_year, read_previous
from core.years.history import find_origin, previous_result

EXIT_BAD_INPUT = 2


def say(code: str, **params) -> str:
    return render(Msg.of(code, **params))


def known() -> list[RuleSet]:
    return [k.rules for k in known_rule_sets()]


def chosen_rule_set(wanted: str | None, year: int | None) -> RuleSet | Msg:
    """--rules (a rule set's id or a TOML file) or the known rule set of the year (core/scoring/rule_library.py:
    the program's and those imported into the profile folder); else why not."""
    if wanted and Path(wanted).suffix.lower() == ".toml":
        rules, problems = read_file(Path(wanted))
        return rules if rules is not None else Msg.of("years.rules_unreadable", file=wanted, problem=problems[0])
    candidates = [k.rules for k in named(wanted)] if wanted else [r for r in known() if r.year == year]
    if not candidates:
        return Msg.of("cli.rule_set_not_found", id=wanted) if wanted else Msg.of("years.no_rule_set", year=year)
    return max(candidates, key=lambda r: r.issued)


def command_new_year(args: argparse.Namespace) -> int:
    target = Path(args.to)
    assessor = args.assessor or "数据导入"
    refusal = year_file_name_refusal(target)
    if refusal is not None:
        return refuse(refusal)
    if not target.parent.is_dir():
        return refuse(Msg.of("years.folder_missing", folder=str(target.parent), file=target.name))
    try:
        if args.previous is None:
            rules = chosen_rule_set(args.rules, args.year or max((r.year for r in known()), default=None))
            if isinstance(rules, Msg):
                return refuse(rules)
            if args.year is not None and rules.year != args.year:
                return refuse(Msg.of("years.rules_of_other_year", year=args.year, rules_year=rules.year,
                                     title=rules.title))
            problems = create_file(target, rules, assessor, args.role)
            if problems:
                return refuse(problems[0].message)
            print(say("dataset.imported", file=str(target), year=rules.year, units=0, title=rules.title))
            return 0
        previous = read_previous(Path(args.previous))
        rules = chosen_rule_set(args.rules, args.year or previous.year + 1)
        if isinstance(rules, Msg):
            return refuse(rules)
        if args.year is not None and rules.year != args.year:  # --rules named a rule set of another year
            return refuse(Msg.of("years.rules_of_other_year", year=args.year, rules_year=rules.year, title=rules.title))
        if rules.year <= previous.year:
            return refuse(Msg.of("years.not_later", year=rules.year, previous=previous.year))
        problems = continue_year(previous, target, rules, assessor, args.role)
    except DatasetError as exc:
        return refuse(exc.msg)
    if problems:
        print(say("cli.problems", source=target.name, count=len(problems)), file=sys.stderr)
        for problem in problems:
            print("  " + problem.text(), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(say("years.continued", year=previous.year, previous=previous.path.name, new_year=rules.year,
              file=str(target), units=len(previous.units)))
    print(say("years.rules_used", title=rules.title, document=rules.document or "—"))
    for left in previous.left_out:
        print(say("years.continued_left_out", name=left.name, reason=render(left.reason)))
    for warning in previous.warnings():
        print(render(warning))
    return 0


def refuse(msg: Msg) -> int:
    print(render(msg), file=sys.stderr)
    return EXIT_BAD_INPUT


def previous_lines(origin: Origin | None, result: YearResult, credit_codes: dict[str, str], known: list[Path],
                   not_started: frozenset[str] = frozenset(), under_way: frozenset[str] = frozenset()) -> list[str]:
    """What `score` prints after a continued year's table: each unit's grade and total of the year it
    came from, matched by credit code (or why they cannot be shown). As on the desktop, a unit not
    assessed yet (in either year) has no grade, and one whose result may still change is marked 暂定."""
    if origin is None:
        return []
    found = find_origin(origin, known)
    lines = [""]
    if found.notice is not None:
        lines.append(render(found.notice))
    if found.file is None:
        return lines
    lines.append(say("years.previous_heading", year=found.file.year, file=str(found.file.path)))  # by its folder too
    for unit in result.units:
        before = found.file.records.get(credit_codes[unit.name])
        if unit.name in not_started:
            current = say("standing.not_started")
        else:
            current = say("years.current_value_provisional" if unit.name in under_way else "years.current_value",
                          total=format_number(unit.total), grade=unit.grade)
        lines.append(say("years.previous_line", unit=unit.name, current=current, previous=previous_result(before)))
    return lines


def register(commands: argparse._SubParsersAction) -> None:
    new = commands.add_parser("new-year", help="新建年度数据文件：空白，或从上一年度继续（运营单位作为原有成员带入）")
    new.add_argument("--to", required=True, help="要创建的数据文件（.wjkh）；已存在时不覆盖")
    new.add_argument("--from", dest="previous", metavar="PREVIOUS",
                     help="上一年度的数据文件：其运营单位（统一社会信用代码、类型、许可证、联系人、基地及签约日期）作为原有成员带入，"
                          "人数、赴外招聘、依据查验、得分、签名和名单不带入")
    new.add_argument("--year", type=int,
                     help="考核年度；省略时为上一年度的下一年（无 --from 时为程序自带细则的最新年度）")
    new.add_argument("--rules", help="考核细则：细则名称、文号或细则文件（TOML）；省略时用该年度发布最晚的细则"
                                            "（程序自带的和经考核细则管理导入的之中）")
    new.add_argument("--assessor", help="创建人姓名（记入审计记录）；省略时记为“数据导入”")
    new.add_argument("--role", default="", help="创建人角色")
    new.set_defaults(run=command_new_year)


COMMANDS = ("new-year",)
