"""The command line's team commands: `field-copy` (a field copy of the year for an assessor) and `merge`
(a field copy brought back into the year file, conflicts chosen by number)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import words as cli_words
from cli.launcher import command_name
from cli.reading import add_open_anyway, open_for_edit, open_read_only, open_to_copy
from core.common.messages import Msg, render
from core.store import replay_edit
from core.store.dataset import Dataset, Edit, year_file_name_refusal
from core.store.files import DatasetError
from core.teamwork.field_copy import copies_out, copy_out_words, local_time, make_field_copy
from core.teamwork.merge import finals_told, merge_copy, merged_edits, merges
from core.teamwork.plan import (
    MergePlan,
    change_words,
    conflict_words,
    held_words,
    kept_words,
    plan_merge,
    withdrawal_words,
)

EXIT_BAD_INPUT = 2
EXIT_CONFLICTS = 1


def _say(msg: Msg, err: bool = False) -> None:
    print(render(msg), file=sys.stderr if err else sys.stdout)


def _acting(ds: Dataset, name: str | None) -> int | None:
    """Who acts (--by), or the year's only assessor; None after saying why not."""
    if name:
        found = ds.assessor_id(name)
        if found is None:
            _say(Msg.of("pdf.assessor_unknown", name=name), err=True)
        return found
    if len(ds.assessors()) == 1:
        return ds.assessors()[0].id
    _say(Msg.of("teamwork.by_needed"), err=True)
    return None


def command_field_copy(args: argparse.Namespace) -> int:
    refusal = year_file_name_refusal(Path(args.to))
    if refusal is not None:
        _say(refusal, err=True)
        return EXIT_BAD_INPUT
    units = None
    if args.units:
        units = [u.strip() for u in args.units.replace("，", ",").split(",") if u.strip()]
    path, unrecorded = Path(args.year), None
    try:
        try:  # the year keeps the copy made (its copies not merged back are listed) when it can be written
            ds = open_for_edit(path, args.open_anyway)
        except DatasetError as exc:
            if not exc.read_only_possible:
                raise
            # held by another program (or not writable here): copied as last saved, which writes nothing to it
            ds, unrecorded = open_to_copy(path, args.open_anyway), exc.msg  # why the year cannot keep it
        with ds:
            by = _acting(ds, args.by)
            if by is None:
                return EXIT_BAD_INPUT
            mark = make_field_copy(ds, Path(args.to), args.assessor, by, units, record=unrecorded is None)
    except DatasetError as exc:
        _say(exc.msg, err=True)
        return EXIT_BAD_INPUT
    scope = Msg.of("teamwork.whole_year") if mark.units is None else Msg.of("teamwork.some_units", units=mark.units)
    _say(Msg.of("teamwork.copy_made", copy=args.to, assessor=mark.assessor, units=scope))
    if unrecorded is not None:
        _say(unrecorded, err=True)
        _say(Msg.of("teamwork.copy_not_recorded", file=path.name, problem=Msg.of("teamwork.year_not_writable")),
             err=True)
    return 0


def _show(plan: MergePlan) -> None:
    mark = plan.mark
    assert mark is not None
    _say(Msg.of("teamwork.plan_head", copy=plan.copy_name, assessor=mark.assessor, made_at=local_time(mark.made_at),
                changes=len(plan.changes), conflicts=len(plan.conflicts)))
    for change in plan.changes:
        _say(Msg.of("cli.indent", text=change_words(change)))
    for withdrawal in plan.withdrawals:
        _say(Msg.of("cli.indent", text=withdrawal_words(withdrawal)))
    for kept in plan.finals_kept:
        _say(Msg.of("cli.indent", text=kept_words(kept)))
    for twin in plan.twins:
        _say(Msg.of("cli.indent", text=twin))
    for conflict in plan.conflicts:
        for n, line in enumerate(conflict_words(conflict)):
            print(("  " if n == 0 else "    ") + render(line))
    if plan.held:
        _say(Msg.of("teamwork.plan_held", count=len(plan.held)))
        for change in plan.held:
            _say(Msg.of("cli.indent", text=held_words(change)))


def _choices(args: argparse.Namespace, plan: MergePlan) -> dict[int, str] | None:
    # --take-all theirs: the copy's side wherever it can be taken; a conflict that can only keep the year
    # file's side (a record removed here, a unit signed here meanwhile …) keeps it
    choices = {c.number: args.take_all if args.take_all == "mine" or c.can_take_theirs else "mine"
               for c in plan.conflicts} if args.take_all else {}
    chosen_here: dict[int, str] = {}  # by --take: a number given again must say the same
    for item in args.take or ():
        number, _, side = item.partition("=")
        if not number.strip().isdigit() or side.strip() not in ("mine", "theirs"):
            _say(Msg.of("teamwork.bad_take", value=item), err=True)
            return None
        wanted, side = int(number), side.strip()
        if wanted not in {c.number for c in plan.conflicts}:
            _say(Msg.of("teamwork.take_unknown", number=wanted, count=len(plan.conflicts)), err=True)
            return None
        if wanted in chosen_here and chosen_here[wanted] != side:
            _say(Msg.of("teamwork.take_twice", number=wanted), err=True)
            return None
        chosen_here[wanted] = choices[wanted] = side
    return choices


def command_merge(args: argparse.Namespace) -> int:
    year, copy_path = Path(args.year), Path(args.copy)
    if year.exists() and copy_path.exists() and year.resolve() == copy_path.resolve():
        _say(Msg.of("teamwork.into_itself", file=year.name), err=True)
        return EXIT_BAD_INPUT
    try:
        with Dataset.open(copy_path, read_only=True) as copy, (
                Dataset.open(year, read_only=True) if args.dry_run else open_for_edit(year, args.open_anyway)) as ds:
            if args.dry_run:
                plan = plan_merge(ds, copy, copy_path.name)
                if not plan.ok:
                    _say(plan.problems[0].message, err=True)
                    return EXIT_BAD_INPUT
                _show(plan)
                if not plan.rows:
                    _say(Msg.of("teamwork.nothing_new", copy=copy_path.name, file=year.name))
                if plan.conflicts and (args.take or args.take_all):  # the choices given, checked and summed up
                    choices = _choices(args, plan)
                    if choices is None:
                        return EXIT_BAD_INPUT
                    left = [c.number for c in plan.conflicts if c.number not in choices]
                    _say(Msg.of("teamwork.dry_run_choices_open" if left else "teamwork.dry_run_choices",
                                theirs=sum(v == "theirs" for v in choices.values()),
                                mine=sum(v == "mine" for v in choices.values()), open=len(left),
                                numbers="、".join(map(str, left))))
                elif plan.conflicts:
                    _say(Msg.of("teamwork.how_to_choose"))
                _say(Msg.of("teamwork.dry_run"))
                return 0
            by = _acting(ds, args.by)
            if by is None:
                return EXIT_BAD_INPUT
            plan = plan_merge(ds, copy, copy_path.name)
            if not plan.ok:
                _say(plan.problems[0].message, err=True)
                return EXIT_BAD_INPUT
            choices = _choices(args, plan)
            if choices is None:
                return EXIT_BAD_INPUT
            plan, edit = merge_copy(ds, copy, copy_path.name, by, choices=choices, reason=args.reason or "")
            finals = _finals_said(ds, edit)
    except DatasetError as exc:
        _say(exc.msg, err=True)
        return EXIT_BAD_INPUT
    if not edit.ok:
        codes = {p.message.code for p in edit.problems}
        if codes & {"teamwork.choices_missing", "teamwork.reason_needed"}:
            _show(plan)
            _say(Msg.of("teamwork.how_to_choose"), err=True)
        for problem in edit.problems:
            _say(problem.message, err=True)
        return EXIT_CONFLICTS if codes & {"teamwork.choices_missing", "teamwork.reason_needed"} else EXIT_BAD_INPUT
    if not plan.rows:  # a copy still out returned unchanged is recorded merged back all the same
        _say(Msg.of("teamwork.nothing_new_dealt" if edit.rows else "teamwork.nothing_new", copy=copy_path.name,
                    file=year.name))
        return 0
    _show(plan)
    _say(plan.merged_words(copy_path.name, year.name, choices))
    if plan.held:
        _say(Msg.of("teamwork.held", count=len(plan.held), how=Msg.of("teamwork.held_how_cli")))
    for said in finals:
        print(said)
    return 0


def _finals_said(ds: Dataset, edit: Edit) -> list[str]:
    """The lines telling what the merge did to 定稿: the 定稿 withdrawn, with how to mark it again, then those kept."""
    withdrawn, kept = finals_told(ds, edit)
    lines = ["".join(map(render, withdrawn)) + render(Msg.of("cli.final_again", command=command_name()))] \
        if withdrawn else []
    return lines + [render(k) for k in kept]


def register(commands: argparse._SubParsersAction) -> None:
    copy = commands.add_parser("field-copy", help="制作外业副本：把年度文件（全部或部分单位）交给一位考核人员带到现场")
    cli_words.year_file_argument(copy, "year", "年度数据文件（.wjkh）")
    copy.add_argument("--to", required=True, help="外业副本文件（.wjkh）；已存在时不覆盖")
    copy.add_argument("--assessor", required=True, help="领取副本的考核人员姓名")
    copy.add_argument("--units", help="交给他的单位名称，逗号分隔；省略时为全部单位")
    copy.add_argument("--by", help="制作人（年度文件中的考核人员）；只有一位考核人员时可省略")
    add_open_anyway(copy)
    copy.set_defaults(run=command_field_copy)
    merge = commands.add_parser("merge", help="把外业副本合并回年度文件：列出带入的修改和每处冲突")
    cli_words.year_file_argument(merge, "year", "年度数据文件（.wjkh）")
    merge.add_argument("copy", help="外业副本（.wjkh）")
    merge.add_argument("--dry-run", action="store_true", help="只列出将带入的修改和冲突，不改动年度文件")
    merge.add_argument("--take", action="append", metavar="编号=mine|theirs",
                       help="第几处冲突保留哪一方：mine 年度文件，theirs 外业副本；可重复")
    merge.add_argument("--take-all", choices=("mine", "theirs"),
                       help="所有冲突都选这一方（theirs：凡能采用外业副本的都采用，只能保留年度文件的保留）")
    merge.add_argument("--reason", help="处理冲突的理由（有冲突时必填，记入审计记录）")
    merge.add_argument("--by", "--assessor", dest="by",
                       help="合并人（年度文件中的考核人员）；只有一位考核人员时可省略")
    add_open_anyway(merge)
    merge.set_defaults(run=command_merge)
    out = commands.add_parser("field-copies", help="列出从年度文件制作、尚未合并回来的外业副本")
    cli_words.year_file_argument(out, "year", "年度数据文件（.wjkh）")
    out.set_defaults(run=command_field_copies)


COMMANDS = ("field-copy", "merge", "field-copies")


def merge_lines(ds: Dataset) -> list[Msg]:
    """What verify-audit adds about field copies: each merge, and how many changes came from copies."""
    lines = []
    for m in merges(ds):
        lines.append(Msg.of("teamwork.merge_record_held" if m.held else "teamwork.merge_record", at=local_time(m.at),
                            by=m.by or Msg.of("teamwork.someone"), copy=m.copy, assessor=m.assessor,
                            changes=m.changes, conflicts=m.conflicts, held=len(m.held)))
        lines += [Msg.of("cli.indent", text=held) for held in m.held]
    if lines:
        lines.append(Msg.of("teamwork.merged_total", count=merged_edits(ds)))
    return lines + copies_out_lines(ds)


def copies_out_lines(ds: Dataset, none_said: bool = False) -> list[Msg]:
    """The field copies made from the year that have not been merged back: a heading and a line each (nothing,
    or with `none_said` one sentence, when there is none)."""
    out = copies_out(replay_edit.connection(ds))
    if not out:
        return [Msg.of("teamwork.no_copies_out", file=ds.path.name)] if none_said else []
    return [Msg.of("teamwork.copies_out_head", file=ds.path.name, count=len(out)),
            *(Msg.of("cli.indent", text=copy_out_words(c)) for c in out)]


def command_field_copies(args: argparse.Namespace) -> int:
    try:
        with open_read_only(Path(args.year)) as ds:
            lines = copies_out_lines(ds, none_said=True)
    except DatasetError as exc:
        _say(exc.msg, err=True)
        return EXIT_BAD_INPUT
    for line in lines:
        _say(line)
    return 0
