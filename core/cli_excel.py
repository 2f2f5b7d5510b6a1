"""Command-line access to the Excel side: check a workbook a unit handed in (the preview of an
import) and write the annex forms. Registered by core/cli.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.dataset import DatasetError
from core.matching import BaseCount
from core.messages import Msg, render
from core.rules import load_rule_set
from core.xlsx_check import check_workbook
from core.xlsx_read import import_spec
from core.xlsx_write import annex_form

EXIT_BAD_INPUT = 2


def say(code: str, **params) -> str:
    return render(Msg.of(code, **params))


def command_check_xlsx(args: argparse.Namespace) -> int:
    from core.cli import open_read_only  # the shared opener (prints the dataset's notices)
    path = Path(args.file)
    if not path.is_file():
        print(say("cli.file_not_found", path=str(path)), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.dataset:
        try:
            with open_read_only(Path(args.dataset)) as ds:
                rules = ds.rule_set()
        except DatasetError as exc:
            print(render(exc.msg), file=sys.stderr)
            return EXIT_BAD_INPUT
    else:
        rules = load_rule_set(args.rules) if args.rules else load_rule_set()
    result = check_workbook(path, args.kind, rules)
    print(say("cli.xlsx_checked", source=path.name, kind=Msg.of(f"kind.{args.kind}"), rows=result.rows_checked,
              bad=result.rows_with_problems, records=len(result.records)))
    for note in result.notes:
        print("  " + note.text())
    for problem in result.problems:
        print("  " + problem.text(), file=sys.stderr)
    return EXIT_BAD_INPUT if result.problems else 0


def command_export_annex(args: argparse.Namespace) -> int:
    from core.cli import open_read_only
    try:
        with open_read_only(Path(args.dataset)) as ds:
            rules, year = ds.rule_set(), ds.year()
    except DatasetError as exc:
        print(render(exc.msg), file=sys.stderr)
        return EXIT_BAD_INPUT
    unit = next((u for u in year.units if u.name == args.unit), None)
    if unit is None:
        print(say("cli.no_unit", unit=args.unit, file=Path(args.dataset).name), file=sys.stderr)
        return EXIT_BAD_INPUT
    # 附件5 lists the unit's confirmed counts per base; until rosters are imported these are the
    # counts the assessor entered. Forms 2 and 4 list people, so they come out blank for hand filling.
    counts = [BaseCount(b.name, b.type, b.people, b.retained) for b in unit.bases]
    written = annex_form(args.annex, args.out, rules, unit.name, year=year.year, counts=counts,
                         show_full_id_numbers=args.full_ids)
    print(say("cli.annex_written", annex=args.annex, unit=unit.name, path=str(written)))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    kinds = list(import_spec().kinds)
    check = commands.add_parser("check-xlsx", help="检查运营单位报送的 Excel（导入前预览，列出每处问题）")
    check.add_argument("kind", choices=kinds, help="文件类型：" + "、".join(kinds))
    check.add_argument("file", help="Excel 文件（.xlsx）")
    source = check.add_mutually_exclusive_group()
    source.add_argument("--dataset", help="按此年度数据文件中保存的考核细则检查（考核年度、日期范围）")
    source.add_argument("--rules", help="考核细则文件（TOML）；省略时用程序自带的细则")
    check.set_defaults(run=command_check_xlsx)
    annex = commands.add_parser("export-annex", help="导出附件1–6 表格（Excel，A4 打印）")
    annex.add_argument("annex", type=int, choices=range(1, 7), help="附件编号 1–6")
    annex.add_argument("--dataset", required=True, help="年度数据文件（.sqlite）")
    annex.add_argument("--unit", required=True, help="运营单位名称")
    annex.add_argument("--out", required=True, help="输出文件（.xlsx）")
    annex.add_argument("--full-ids", action="store_true",
                       help="显示完整身份证号（默认只显示前6位和后4位；完整号码属个人敏感信息，仅在报送主管部门核验时使用）")
    annex.set_defaults(run=command_export_annex)


COMMANDS = ("check-xlsx", "export-annex")
