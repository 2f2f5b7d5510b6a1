"""The command line's 修改记录 (audit-log): who changed what and when in a year file, one line a change, oldest
first, of a unit, a clause or an assessor when asked; --out writes them to Excel as the desktop's 导出 Excel… does."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import words as cli_words
from cli.excel import fail, fail_year, say
from cli.reading import open_read_only
from core.common.messages import render
from core.excel.changes import changes_workbook
from core.store.audit_log import cells, changes_of, detail_lines, line, pages_of
from core.store.files import DatasetError


def command_audit_log(args: argparse.Namespace) -> int:
    path = Path(args.dataset)
    try:
        with open_read_only(path) as ds:
            unit = ds.unit_id(args.unit) if args.unit else None
            if args.unit and unit is None:
                return fail(say("cli.no_unit", unit=args.unit, file=path.name))
            pages = pages_of(ds.rule_set())
            clause = (args.clause or "").strip().removeprefix("第").removesuffix("条").strip() or None
            if clause is not None and clause not in {page_id for page_id, _ in pages}:
                return fail(say("auditlog.no_page", page=clause, known="、".join(page_id for page_id, _ in pages)))
            changes = changes_of(ds, unit=unit, page=clause, who=args.assessor or None)
            year = ds.year_number
    except DatasetError as exc:
        return fail_year(exc)
    if args.out:
        scope = "　".join(part for part in (args.unit or "", clause or "", args.assessor or "",
                                            say("auditlog.count", count=len(changes))) if part)
        newest_first = [cells(c) for c in reversed(changes)]
        written = changes_workbook(newest_first, Path(args.out), year=year, scope=scope)
        print(say("dataset.exported", file=str(written)))
        return 0
    for change in changes:
        print(render(line(change)))
        for detail in detail_lines(change):  # an import's rows left out, under its line
            print(render(detail))
    print(say("auditlog.count", count=len(changes)) if changes else say("auditlog.none"))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    log = commands.add_parser("audit-log", help="修改记录：谁在何时把哪一项由什么改为什么、理由（含合并的外业副本）")
    cli_words.year_file_argument(log, "dataset", "年度数据文件（.wjkh）")
    log.add_argument("--unit", help="只列这家运营单位的修改")
    log.add_argument("--clause", help="只列这一条的修改，如 1.1，或 五（负面影响）")
    log.add_argument("--assessor", help="只列这位考核人员的修改")
    log.add_argument("--out", help="写入 Excel 工作簿（.xlsx），最新的在前")
    log.set_defaults(run=command_audit_log)


COMMANDS = ("audit-log",)
