"""The command line's grade decisions: raise a unit's grade (within its tie at a quota boundary, or into a
place a grade left free) with a reason, or withdraw it; audited as the desktop's 等级评定 does it."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from cli import excel as cli_excel
from cli.excel import fail, fail_year, say
from cli.reading import add_open_anyway, open_for_edit
from core.common.messages import render
from core.scoring.engine import PROMOTION_NOTES, score_year
from core.scoring.facts import Promotion
from core.store.files import DatasetError

EXIT_NOT_APPLIED = 1  # the quotas or the unit's status keep the raise from taking effect: nothing recorded


def command_promote(args: argparse.Namespace) -> int:
    try:
        with open_for_edit(Path(args.dataset), args.open_anyway) as ds:
            unit_id, by, why_not = cli_excel.unit_and_assessor(ds, args)
            if why_not:
                return fail(why_not)
            assert unit_id is not None and by is not None  # --unit is required; found, or why_not said why
            if args.withdraw:
                mine = [pid for pid, uid, _, _ in ds.promotions() if uid == unit_id]
                if not mine:
                    print(say("cli.promotion_none", unit=args.unit))
                    return 0
                for pid in mine:
                    edit = ds.remove_promotion(by, pid, args.reason)
                    if not edit.ok:
                        return fail("\n".join(render(p.message) for p in edit.problems))
            else:
                if not args.grade or not args.reason:
                    return fail(say("cli.promotion_needs", unit=args.unit))
                grade, year = args.grade.strip().upper().removesuffix("级"), ds.year()
                before = {render(m) for m in score_year(ds.rule_set(), year).rejected_promotions}
                asked = Promotion(args.unit, grade, args.reason)
                wanted = replace(year, grade_promotions=(*year.grade_promotions, asked))
                refused = [render(m) for m in score_year(ds.rule_set(), wanted).rejected_promotions
                           if render(m) not in before]
                if refused:  # said before anything is written: a decision that cannot take effect is not recorded
                    print("\n".join(refused), file=sys.stderr)
                    return EXIT_NOT_APPLIED
                edit = ds.add_promotion(by, unit_id, grade, args.reason.strip())
                if not edit.ok:
                    return fail("\n".join(render(p.message) for p in edit.problems))
            result = score_year(ds.rule_set(), ds.year())
    except DatasetError as exc:
        return fail_year(exc)
    unit = result.unit(args.unit)
    if args.withdraw:
        print(say("cli.promotion_withdrawn", unit=args.unit, grade=unit.grade))
        return 0
    note = next((n for n in reversed(unit.grade_notes) if n.code in PROMOTION_NOTES), None)
    print(say("cli.promotion_done", unit=args.unit, grade=unit.grade, note=render(note) if note else ""))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    pro = commands.add_parser("promote", help="上调运营单位的等级：跨名额边界的并列单位，或调入某一等级的空余名额"
                                              "（须填写理由，记入审计；程序不自动递补）；--withdraw 撤回")
    pro.add_argument("--unit", required=True, help="运营单位名称")
    pro.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    pro.add_argument("--grade", help="上调为的等级，如 C")
    pro.add_argument("--reason", help="理由（如考核工作小组会议决定；上调时必填，记入审计记录并印在考核结果上）")
    pro.add_argument("--withdraw", action="store_true", help="撤回该单位的上调")
    pro.add_argument("--assessor", help="操作人（年度文件中的考核人员）；只有一位考核人员时可省略")
    add_open_anyway(pro)
    pro.set_defaults(run=command_promote)


COMMANDS = ("promote",)
