"""Field copies merged back without losing an edit: two assessors on disjoint units, on different clauses
of one unit and on the same fact; a copy of a copy; merging twice; a copy edited after its merge;
attachments, signatures, imported people and locks; the copies that are refused; the command line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from core.common.messages import render
from core.scoring.facts import year_to_json
from core.scoring.rules import load_rule_set
from core.store.audit_log import changes_of
from core.store.dataset import Dataset, create_file
from core.store.files import DatasetError
from core.teamwork.field_copy import local_time, make_field_copy, marks
from core.teamwork.merge import MergeCancelled, merge_copy, merged_edits, merges
from core.teamwork.plan import (
    change_words,
    conflict_words,
    held_words,
    kept_words,
    plan_merge,
    withdrawal_words,
)
from tests.builders import RULES
from tests.dataset_support import rich_year, run
from tests.import_support import district_file, imported, roster_file
from tests.teamwork_support import edited_at, to_the_second
from tests.xlsx_builders import arrival

LEAD = 1
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture
def year(tmp_path) -> Path:
    """A year in the field: no unit's data 定稿 yet (what a change does to 定稿 is tested on its own below)."""
    path = tmp_path / "2022.wjkh"
    rich = rich_year(4)
    rich = replace(rich, units=tuple(replace(u, facts_final=False) for u in rich.units))
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich)
    return path


def test_a_change_merged_into_a_unit_marked_final_withdraws_its_final_in_the_merge(tmp_path):
    """定稿 in the office, changed in the field: the merge brings the change in and, in the same edit, the
    unit is 定稿 no more (audited as the merge's own row); a unit the copy did not change stays 定稿."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    with Dataset.open(path, read_only=True) as ds:
        u = ds.unit_ids()
        assert [ds.unit(x).facts_final for x in u] == [True, False, True, True]
    a = copy_for(path, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    with Dataset.open(a, read_only=True) as ds:  # the copy's own change withdrew it there too
        assert not ds.unit(ds.unit_ids()[0]).facts_final
    with Dataset.open(path, backups=False) as ds:  # the office: unit 3 changed and marked 定稿 again
        third = ds.unit_ids()[2]
        assert ds.update_unit(LEAD, third, contact_person="周敏").unfinalized == (third,)
        assert ds.mark_final(LEAD, third).ok
    plan, edit = merge(path, a)
    assert edit.ok and not plan.conflicts
    with Dataset.open(path, read_only=True) as ds:
        u = ds.unit_ids()
        assert edit.unfinalized == (u[0],)  # the copy's own withdrawal came in: told as the merge's
        assert ds.unit(u[0]).insured_workers == 71
        assert [ds.unit(x).facts_final for x in u] == [False, False, True, True]
        [row] = [e for e in ds.audit_entries("units", str(u[0])) if e.field == "facts_final" and e.action == "update"]
        assert (row.old_value, row.new_value, row.assessor_id) == ("1", "0", ds.assessor_id("张三"))
    # 定稿 in the office only after the copy was made: the merge withdraws it itself, as the lead's
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[1], insured_workers=72))
    with Dataset.open(path, backups=False) as ds:
        assert ds.mark_final(LEAD, ds.unit_ids()[1]).ok
    plan, edit = merge(path, a, reason="外业核实")
    assert edit.ok and len(plan.changes) == 1 and edit.unfinalized == (u[1],)
    with Dataset.open(path, read_only=True) as ds:
        assert not ds.unit(u[1]).facts_final and ds.unit(u[1]).insured_workers == 72
        row = [e for e in ds.audit_entries("units", str(u[1])) if e.field == "facts_final"][-1]
        assert (row.old_value, row.new_value, row.assessor_id, row.reason) == ("1", "0", LEAD, "外业核实")


def test_the_copys_own_withdrawal_of_final_is_told_as_such_before_the_merge(tmp_path):
    """定稿 in the office, the unit's data changed in the field (which withdrew its 定稿 in the copy): the
    preview, the command line's and the desktop's, tells the withdrawal as what it is, not as a field
    going 是 → 否; a 定稿 the field assessor withdrew or marked by hand is told in words too."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    a = copy_for(path, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    field_edit(a, "张三", lambda ds, who, u: ds.mark_final(who, u[1]))
    field_edit(a, "张三", lambda ds, who, u: ds.mark_final(who, u[2], final=False))
    with Dataset.open(path, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    lines = [render(change_words(c)) for c in plan.changes]
    assert len(lines) == 4 and not any("数据已定稿" in line for line in lines), lines
    assert lines[1].startswith("单位“吴江第1人力资源有限公司”：外业副本修改了该单位的数据，同时取消了其定稿；"
                               "合并后年度文件中也将取消其定稿（张三，")
    assert lines[2].startswith("单位“吴江第2人力资源有限公司”：外业副本中把该单位的数据标记为已定稿；"
                               "合并后年度文件中也将标记定稿（张三，")
    assert lines[3].startswith("单位“吴江第3人力资源有限公司”：外业副本中取消了该单位的定稿；"
                               "合并后年度文件中也将取消其定稿（张三，")
    dry = run("merge", str(path), str(a), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "外业副本修改了该单位的数据，同时取消了其定稿" in dry.stdout and "数据已定稿" not in dry.stdout
    plan, edit = merge(path, a)
    assert edit.ok and edit.unfinalized == (1, 3)
    with Dataset.open(path, read_only=True) as ds:
        assert [ds.unit(x).facts_final for x in ds.unit_ids()] == [False, True, False, True]


def test_a_backup_after_a_merge_names_the_merge_and_restoring_one_before_it_undoes_it_as_one_step(tmp_path):
    """The merge wrote the copy's change and, last, the withdrawal of the unit's 定稿, each an edit of its own:
    `restore --list` names what was done before the backup as the merge, and restoring the backup taken
    before the merge says it undoes one step, the merge."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    a = copy_for(path, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[1], contact_person="孙八"))
    with Dataset.open(path, backups=False) as ds:
        assert ds.mark_final(LEAD, ds.unit_ids()[1]).ok  # 定稿 here after the copy was made: the merge withdraws it
    with Dataset.open(path):
        pass  # the backup of opening: the year before the merge
    done = run("merge", str(path), str(a))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "“吴江第1人力资源有限公司”、“吴江第2人力资源有限公司”的数据已改动，已取消其定稿。"
        "核对无误后，可用 ./run.sh mark-final 重新标记定稿。")
    with Dataset.open(path):
        pass  # the backup of opening: the year after the merge
    listing = run("restore", str(path), "--list")
    assert listing.returncode == 0, listing.stderr
    after, before = listing.stdout.splitlines()[:2]
    assert after.endswith("备份前最后的操作：合并外业副本 a.wjkh（张三 的外业副本，带入 3 项修改）"), after
    assert "备份前最后的操作：单位“吴江第2人力资源有限公司”的“数据已定稿”改为 是" in before
    oldest = before.split()[0]
    asked = run("restore", str(path), "--backup", oldest, stdin="n\n")
    assert asked.returncode == 1, asked.stderr
    lines = asked.stdout.splitlines()
    assert "恢复该备份将撤销其后所做的 1 次修改" in lines[0], lines
    assert lines[1].endswith("合并外业副本 a.wjkh（张三 的外业副本，带入 3 项修改）"), lines


@pytest.mark.parametrize("side", ["theirs", "mine"])
def test_a_unit_both_sides_changed_and_marked_final_again_ends_final_whichever_side_is_taken(tmp_path, side):
    """The office and 张三 each changed unit 3's insured workers (each change withdrew its 定稿) and each
    marked it 定稿 again: the conflict's side taken was marked 定稿 after its change, so the unit ends 定稿;
    the trail proves it (the copy's withdrawal and marking are noted merged). A unit the copy changed and
    marked 定稿 again while the office left it alone stays 定稿 as well."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    a = copy_for(path, "a.wjkh", "张三")

    def in_the_field(ds, who, u):
        for uid, value in ((u[2], 75), (u[3], 80)):
            assert ds.update_unit(who, uid, insured_workers=value).unfinalized == (uid,)
            assert ds.mark_final(who, uid).ok
    field_edit(a, "张三", in_the_field)
    with Dataset.open(path, backups=False) as ds:
        third = ds.unit_ids()[2]
        assert ds.update_unit(LEAD, third, insured_workers=76).unfinalized == (third,)
        assert ds.mark_final(LEAD, third).ok
    plan, edit = merge(path, a, {1: side}, "两边都已核对")
    assert edit.ok and [render(c.field) for c in plan.conflicts] == ["投保人数"]
    assert edit.unfinalized == ()
    with Dataset.open(path, read_only=True) as ds:
        u = ds.unit_ids()
        assert [ds.unit(x).facts_final for x in u] == [True, False, True, True]
        assert ds.unit(u[2]).insured_workers == (75 if side == "theirs" else 76)
        assert ds.unit(u[3]).insured_workers == 80
        [noted] = [json.loads(e.new_value) for e in ds.audit_entries("units", str(u[2]))
                   if e.action == "merged" and e.field == "facts_final"]
        assert len(noted["rows"]) == 2 and noted["kept"]  # the copy's withdrawal and its marking again
        assert ds.check_audit().ok


def test_a_final_the_merge_itself_withdraws_is_told_before_the_merge(tmp_path):
    """Units not 定稿 when the copy was made and marked 定稿 in the office since: one whose data was changed
    in the field (nothing withdrawn in the copy, where it was not 定稿) is told, before merging, to lose its
    定稿 in the merge, with who marked it here and when; one given only a note and an attachment in the field
    keeps its 定稿 and is not told."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    with Dataset.open(path, backups=False) as ds:
        u = ds.unit_ids()
        assert ds.mark_final(LEAD, u[3], final=False).ok
        assert [ds.unit(x).facts_final for x in u] == [True, False, True, False]
    a = copy_for(path, "a.wjkh", "张三")
    with Dataset.open(path, backups=False) as ds:  # 定稿 in the office after the copy was handed out
        assert ds.mark_final(LEAD, u[1]).ok and ds.mark_final(LEAD, u[3]).ok
        marked_at = ds.audit_entries("units", str(u[1]))[-1].at
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[1], insured_workers=72))
    field_edit(a, "张三", lambda ds, who, u: ds.set_clause_note(who, u[3], "4.3", "月报缺三月"))
    field_edit(a, "张三", lambda ds, who, u: ds.add_attachment(who, PNG, "现场.png", unit_id=u[3]))
    with Dataset.open(a, read_only=True) as copy:
        assert [copy.unit(x).facts_final for x in u] == [True, False, True, False]
    with Dataset.open(path, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    assert len(plan.changes) == 3 and not any(c.told for c in plan.changes)
    told = [render(withdrawal_words(w)) for w in plan.withdrawals]
    assert told == ["单位“吴江第2人力资源有限公司”：办公室在年度文件中已标记定稿（组长，"
                    f"{to_the_second(marked_at)}），外业副本修改了该单位的数据；合并带入这些修改后将取消其定稿，"
                    "核对数据后可重新标记定稿"]
    dry = run("merge", str(path), str(a), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"  {told[0]}\n" in dry.stdout and "吴江第4人力资源有限公司”：办公室" not in dry.stdout
    plan, edit = merge(path, a)
    assert edit.ok and edit.unfinalized == (u[1],)  # as told, no more, no less
    with Dataset.open(path, read_only=True) as ds:
        assert [ds.unit(x).facts_final for x in u] == [True, False, True, True]


def test_a_conflict_whose_copy_side_withdraws_a_final_says_so_before_the_choice(tmp_path):
    """A unit changed and then marked 定稿 in the office after the copy was made, the same fact changed in the
    field: the conflict says that taking the copy's side withdraws its 定稿 (who marked it, when); taken, it
    is withdrawn, kept, the unit stays 定稿; the unit is not told among the changes' withdrawals."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    a = copy_for(path, "a.wjkh", "张三")
    with Dataset.open(path, backups=False) as ds:
        u = ds.unit_ids()
        assert ds.update_unit(LEAD, u[1], insured_workers=60).ok and ds.mark_final(LEAD, u[1]).ok
        marked_at = ds.audit_entries("units", str(u[1]))[-1].at
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[1], insured_workers=72))
    with Dataset.open(path, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    assert not plan.changes and not plan.withdrawals and len(plan.conflicts) == 1
    lines = [render(line) for line in conflict_words(plan.conflicts[0])]
    assert lines[0] == "第 1 处冲突：单位“吴江第2人力资源有限公司”的“投保人数”"
    assert lines[-1] == (f"该单位在年度文件中已标记定稿（组长，{to_the_second(marked_at)}）："
                         "采用外业副本的一方将取消其定稿，核对数据后可重新标记定稿")
    dry = run("merge", str(path), str(a), "--dry-run")
    assert f"    {lines[-1]}\n" in dry.stdout, dry.stdout
    kept = tmp_path / "kept.wjkh"
    shutil.copy(path, kept)
    plan, edit = merge(path, a, choices={1: "theirs"}, reason="以现场为准")
    assert edit.ok and edit.unfinalized == (u[1],)
    plan, edit = merge(kept, a, choices={1: "mine"}, reason="以办公室为准")
    assert edit.ok and edit.unfinalized == ()
    with Dataset.open(kept, read_only=True) as ds:
        assert ds.unit(u[1]).facts_final and ds.unit(u[1]).insured_workers == 60


@pytest.mark.parametrize("side", ["mine", "theirs"])
def test_a_tick_withdrawn_in_the_office_and_set_in_the_field_comes_back_or_stays_withdrawn_as_chosen(year, side):
    # the same as the tick withdrawn then set in one file, or set then withdrawn: a tick is known by its unit,
    # clause and item, so setting it again makes it again
    with Dataset.open(year, backups=False) as ds:
        assert ds.tick_evidence(LEAD, ds.unit_ids()[1], "1.3", "annual_plan", False).ok
        assert ds.set_clause_note(LEAD, ds.unit_ids()[1], "1.3", "计划未盖章").ok
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.tick_evidence(who, u[1], "1.3", "annual_plan", True))
    field_edit(a, "张三", lambda ds, who, u: ds.set_clause_note(who, u[1], "1.3", "计划已补盖章"))
    with Dataset.open(year, backups=False) as ds:
        assert ds.tick_evidence(LEAD, ds.unit_ids()[1], "1.3", "annual_plan", None).ok
        assert ds.set_clause_note(LEAD, ds.unit_ids()[1], "1.3", "").ok
    plan, _ = merge(year, a)
    assert len(plan.conflicts) == 2 and all(c.can_take_theirs and c.why is None for c in plan.conflicts)
    tick = next(c for c in plan.conflicts if "依据" in render(c.what))
    note = next(c for c in plan.conflicts if c is not tick)
    # told as the note it is, not 第 1.3 条的备注的“备注” (found by a tester)
    assert render(note.what).endswith("第 1.3 条的备注") and note.field is None
    assert [render(line) for line in conflict_words(note)][0].endswith("第 1.3 条的备注")
    assert render(tick.mine.value) == "（无）" and tick.mine.who == "组长" and tick.theirs.who == "张三"
    assert render(tick.note) == "这一项在办公室已被清除；采用外业副本的一方将按副本重新填上"
    plan, edit = merge(year, a, {1: side, 2: side}, "以现场核对为准" if side == "theirs" else "办公室已撤回")
    assert edit.ok, edit.problems
    with Dataset.open(year, read_only=True) as ds:
        unit = ds.unit(ds.unit_ids()[1])
        assert unit.evidence.get("1.3", {}).get("annual_plan") is (True if side == "theirs" else None)
        assert ds.clause_notes().get((ds.unit_ids()[1], "1.3"), "") == ("计划已补盖章" if side == "theirs" else "")
        assert ds.check_audit().ok
    assert merge(year, a)[0].rows == 0  # merged: nothing new the next time


def test_a_tick_cleared_in_the_office_whose_seen_and_note_the_field_both_changed_can_only_stay_cleared(year):
    """Made again from the copy, the tick would bring both of the copy's fields whichever the lead chose for
    each: a record the copy changed in more than one field stays as the office left it."""
    with Dataset.open(year, backups=False) as ds:
        assert ds.tick_evidence(LEAD, ds.unit_ids()[1], "1.3", "annual_plan", False, note="未见原件").ok
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.tick_evidence(who, u[1], "1.3", "annual_plan", True, note="已补交"))
    with Dataset.open(year, backups=False) as ds:
        assert ds.tick_evidence(LEAD, ds.unit_ids()[1], "1.3", "annual_plan", None).ok
    plan, _ = merge(year, a)
    assert len(plan.conflicts) == 2 and not any(c.can_take_theirs for c in plan.conflicts)
    assert {render(c.why) for c in plan.conflicts} == {"这条记录在办公室已被删除"}


def copy_for(year: Path, name: str, assessor: str, units=None) -> Path:
    target = year.parent / name
    with Dataset.open(year, backups=False) as ds:
        make_field_copy(ds, target, assessor, LEAD, units)
    return target


def facts(ds: Dataset) -> dict:
    return year_to_json(ds.year(as_entered=True))


def merge(year: Path, copy: Path, choices=None, reason: str = "", by: int = LEAD):
    with Dataset.open(year, backups=False) as ds, Dataset.open(copy, read_only=True) as theirs:
        plan, edit = merge_copy(ds, theirs, copy.name, by, choices=choices, reason=reason)
        assert ds.check_audit().ok, [render(p.message) for p in ds.check_audit().problems]
        return plan, edit


def field_edit(copy: Path, assessor: str, change) -> None:
    with Dataset.open(copy, backups=False) as ds:
        who = ds.assessor_id(assessor)
        units = ds.unit_ids()
        edit = change(ds, who, units)
        assert edit is None or edit.ok, edit


def test_a_field_copy_is_the_year_in_the_same_format_marked_with_who_takes_it(year):
    copy = copy_for(year, "张三.wjkh", "张三", ["吴江第1人力资源有限公司"])
    with Dataset.open(copy, read_only=True) as ds, Dataset.open(year, read_only=True) as original:
        assert facts(ds) == facts(original)
        assert ds.check_audit().ok
        mark = marks(ds._conn)[-1]
        assert (mark.assessor, mark.units, mark.made_by) == ("张三", ("吴江第1人力资源有限公司",), "组长")
        # the year's trail stood there; its next row keeps the copy made (core/teamwork/field_copy.copies_out)
        assert mark.base_seq == original.audit_head()[0] - 1
        assert original._conn.execute("SELECT action FROM audit WHERE seq = ?", (original.audit_head()[0],)
                                      ).fetchone() == ("field_copy_out",)
        assert ds.assessor_id("张三") is not None
    with Dataset.open(year, backups=False) as ds:
        with pytest.raises(DatasetError) as refused:
            make_field_copy(ds, copy, "李四", LEAD)
        assert "已存在" in render(refused.value.msg)
        with pytest.raises(DatasetError) as unknown:
            make_field_copy(ds, year.parent / "x.wjkh", "李四", LEAD, ["没有这个单位"])
        assert render(unknown.value.msg) == "本年度没有名为“没有这个单位”的运营单位，外业副本没有制作。"
    assert not (year.parent / "x.wjkh").exists()


def test_two_assessors_on_disjoint_units_both_come_in_with_their_names_and_times(year):
    a, b = copy_for(year, "a.wjkh", "张三"), copy_for(year, "b.wjkh", "李四")
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    field_edit(a, "张三", lambda ds, who, u: ds.add_trip(who, u[0], dt.date(2022, 6, 1), "甘肃通渭", "offline", 7))
    field_edit(b, "李四", lambda ds, who, u: ds.update_base(who, ds.base_ids(u[1])[0], people=88))
    field_edit(b, "李四", lambda ds, who, u: ds.add_attachment(who, b"photo", "现场.jpg", unit_id=u[1]))
    with Dataset.open(year, backups=False) as ds:  # the office edits meanwhile, elsewhere
        assert ds.update_unit(LEAD, ds.unit_ids()[2], contact_person="周敏").ok
    plan, edit = merge(year, a)
    assert edit.ok and not plan.conflicts and len(plan.changes) == 2
    plan, edit = merge(year, b)
    assert edit.ok and not plan.conflicts and len(plan.changes) == 2
    with Dataset.open(year, read_only=True) as ds:
        u = ds.unit_ids()
        assert ds.unit(u[0]).insured_workers == 71
        assert [t.place for t in ds.unit(u[0]).trips][-1] == "甘肃通渭"
        assert ds.unit(u[1]).bases[0].people == 88
        assert ds.unit(u[2]).contact_person == "周敏"
        [photo] = ds.attachments(u[1])
        assert ds.attachment_data(photo.id) == b"photo" and photo.added_by == ds.assessor_id("李四")
        # every merged edit keeps the assessor and the time of the field
        rows = [e for e in ds.audit_entries("units", str(u[0])) if e.field == "insured_workers"]
        [row] = [e for e in rows if e.action == "update"]
        [came_from] = [json.loads(e.new_value) for e in rows if e.action == "merged"]
        with Dataset.open(a, read_only=True) as field_copy:
            [there] = [e for e in field_copy.audit_entries("units", str(u[0])) if e.field == "insured_workers"]
            assert (row.at, row.assessor_id) == (there.at, ds.assessor_id("张三"))
            assert (row.old_value, row.new_value) == (there.old_value, there.new_value)
            assert came_from["copy"] == "a.wjkh" and came_from["rows"] == [there.hash]
        assert [(m.copy, m.assessor, m.changes) for m in merges(ds)] == [("a.wjkh", "张三", 2), ("b.wjkh", "李四", 2)]
        assert merged_edits(ds) == 4
        assert ds.check_audit().ok


def test_one_unit_different_clauses_merge_without_a_conflict(year):
    a, b = copy_for(year, "a.wjkh", "张三"), copy_for(year, "b.wjkh", "李四")
    field_edit(a, "张三", lambda ds, who, u: ds.tick_evidence(who, u[0], "4.3", "monthly_reports", False))
    field_edit(a, "张三", lambda ds, who, u: ds.set_clause_note(who, u[0], "4.3", "月报缺三月"))
    field_edit(b, "李四", lambda ds, who, u: ds.set_management(who, u[0], 6, "会议纪要不全"))
    field_edit(b, "李四", lambda ds, who, u: ds.set_negatives(who, u[0], complaints=4))
    assert not merge(year, a)[0].conflicts
    plan, edit = merge(year, b)
    assert edit.ok and not plan.conflicts
    # each figure told in the words of the page it is typed on (a tester read 被投诉次数 beside the page's words)
    assert any("负面情形的“评价周期内被投诉（次）”" in render(change_words(c)) for c in plan.changes), \
        [render(change_words(c)) for c in plan.changes]
    with Dataset.open(year, read_only=True) as ds:
        unit = ds.unit(ds.unit_ids()[0])
        assert unit.evidence["4.3"]["monthly_reports"] is False
        assert ds.clause_notes(ds.unit_ids()[0]) == {(ds.unit_ids()[0], "4.3"): "月报缺三月"}
        assert unit.management.awarded == 6 and unit.negative.complaints == 4


def test_the_same_fact_edited_on_both_sides_is_a_conflict_the_lead_chooses_with_a_reason(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    with Dataset.open(year, backups=False) as ds:
        assert ds.update_unit(LEAD, ds.unit_ids()[0], insured_workers=66).ok
        before = ds.audit_head()
    plan, edit = merge(year, a)
    assert not edit.ok and edit.problems[0].message.code == "teamwork.choices_missing"
    [conflict] = plan.conflicts
    mine, theirs = conflict.mine, conflict.theirs
    assert (mine.value, mine.who, theirs.value, theirs.who) == (66, "组长", 71, "张三")
    assert (render(conflict.what), render(conflict.field)) == ("单位“吴江第1人力资源有限公司”", "投保人数")
    with Dataset.open(year, backups=False) as ds:
        assert ds.audit_head() == before  # nothing written
    assert merge(year, a, {1: "theirs"})[1].problems[0].message.code == "teamwork.reason_needed"
    plan, edit = merge(year, a, {1: "theirs"}, "张三现场核对了参保名单")
    assert edit.ok
    with Dataset.open(year, read_only=True) as ds:
        assert ds.unit(ds.unit_ids()[0]).insured_workers == 71
        [resolved] = [e for e in ds.audit_entries() if e.action == "resolve"]
        assert resolved.reason == "张三现场核对了参保名单" and resolved.assessor_id == LEAD
        assert json.loads(resolved.new_value)["took"] == "theirs"


def test_the_trainees_typed_in_the_field_come_in_and_the_same_split_typed_twice_is_a_conflict(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_base(who, ds.base_ids(u[0])[1], trainees=7))
    field_edit(a, "张三", lambda ds, who, u: ds.update_base(who, ds.base_ids(u[1])[1], trainees=5))
    with Dataset.open(year, backups=False) as ds:
        assert ds.update_base(LEAD, ds.base_ids(ds.unit_ids()[1])[1], trainees=4).ok
    plan, edit = merge(year, a)
    [conflict] = plan.conflicts
    assert (conflict.mine.value, conflict.theirs.value, render(conflict.field)) == (4, 5, "其中见习人数")
    plan, edit = merge(year, a, {1: "theirs"}, "张三现场核对了见习名单")
    assert edit.ok
    with Dataset.open(year, read_only=True) as ds:
        u = ds.unit_ids()
        assert [ds.unit(uid).bases[1].trainees for uid in u[:3]] == [7, 5, None]
        assert ds.check_audit().ok


def test_keeping_the_year_files_value_writes_nothing_over_it_and_the_copy_merges_no_more(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    with Dataset.open(year, backups=False) as ds:
        assert ds.update_unit(LEAD, ds.unit_ids()[0], insured_workers=66).ok
    assert merge(year, a, {1: "mine"}, "办公室的数字来自参保系统")[1].ok
    with Dataset.open(year, backups=False) as ds:
        assert ds.unit(ds.unit_ids()[0]).insured_workers == 66
        head = ds.audit_head()
    plan, edit = merge(year, a)
    assert edit.ok and plan.rows == 0
    with Dataset.open(year, backups=False) as ds:
        assert ds.audit_head() == head


def test_merging_the_same_copy_twice_changes_nothing_and_later_edits_merge_again(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.add_base(who, u[3], "河南周口劳务基地", "labour", dt.date(2022, 5, 5),
                                                         people=9))
    assert merge(year, a)[1].ok
    with Dataset.open(year, backups=False) as ds:
        head, before = ds.audit_head(), facts(ds)
    plan, edit = merge(year, a)
    assert edit.ok and plan.rows == 0 and not plan.changes
    with Dataset.open(year, backups=False) as ds:
        assert ds.audit_head() == head and facts(ds) == before
    # the assessor goes on in the copy: the base he added is edited, and only that comes in
    field_edit(a, "张三", lambda ds, who, u: ds.update_base(who, ds.base_ids(u[3])[-1], people=12, retained=3))
    plan, edit = merge(year, a)
    assert edit.ok and len(plan.changes) == 2
    with Dataset.open(year, read_only=True) as ds:
        bases = ds.unit(ds.unit_ids()[3]).bases
        assert [(b.name, b.people, b.retained) for b in bases].count(("河南周口劳务基地", 12, 3)) == 1


def test_a_copy_of_a_copy_brings_both_assessors_edits_once(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.add_delivery(who, u[0], dt.date(2022, 7, 1), "吴江精工", 5))
    with Dataset.open(a, backups=False) as ds:  # 张三 hands part of his work to 王五 on site
        make_field_copy(ds, a.parent / "c.wjkh", "王五", ds.assessor_id("张三"))
    c = a.parent / "c.wjkh"
    field_edit(c, "王五", lambda ds, who, u: ds.update_delivery(who, ds.delivery_ids(u[0])[-1], stars=4))
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[1], insured_workers=90))
    plan, edit = merge(year, c)
    assert edit.ok and not plan.conflicts
    plan, edit = merge(year, a)  # its delivery came in with the copy of it; only the later edit is new
    assert edit.ok and not plan.conflicts and len(plan.changes) == 1
    with Dataset.open(year, read_only=True) as ds:
        u = ds.unit_ids()
        added = [d for d in ds.unit(u[0]).deliveries if d.enterprise == "吴江精工"]
        assert [d.stars for d in added] == [4]
        assert ds.unit(u[1]).insured_workers == 90
        assert {m.assessor for m in merges(ds)} == {"王五", "张三"}


def test_records_both_sides_added_and_the_same_tick_agree_or_conflict(year):
    with Dataset.open(year, backups=False) as ds:  # not ticked either way when the copies are made
        for item in ("annual_plan", "pre_trip_filings"):
            assert ds.tick_evidence(LEAD, ds.unit_ids()[1], "1.3", item, None).ok
    a, b = copy_for(year, "a.wjkh", "张三"), copy_for(year, "b.wjkh", "李四")
    field_edit(a, "张三", lambda ds, who, u: ds.tick_evidence(who, u[1], "1.3", "annual_plan", True))
    field_edit(b, "李四", lambda ds, who, u: ds.tick_evidence(who, u[1], "1.3", "annual_plan", True))
    field_edit(a, "张三", lambda ds, who, u: ds.tick_evidence(who, u[1], "1.3", "pre_trip_filings", True))
    field_edit(b, "李四", lambda ds, who, u: ds.tick_evidence(who, u[1], "1.3", "pre_trip_filings", False))
    field_edit(a, "张三", lambda ds, who, u: ds.add_trip(who, u[1], dt.date(2022, 8, 1), "四川南充", "offline", 6))
    field_edit(b, "李四", lambda ds, who, u: ds.add_trip(who, u[1], dt.date(2022, 8, 2), "云南昭通", "offline", 5))
    assert merge(year, a)[1].ok
    plan, edit = merge(year, b)  # the same tick seen on both sides agrees; seen and not seen is a conflict
    [conflict] = plan.conflicts
    assert render(conflict.what) == "单位“吴江第2人力资源有限公司”第 1.3 条的依据“事前报备申请（备案表）齐全”"
    assert conflict.theirs.who == "李四" and conflict.mine.who == "张三"
    assert merge(year, b, {1: "mine"}, "以张三核对的为准")[1].ok
    with Dataset.open(year, read_only=True) as ds:
        unit = ds.unit(ds.unit_ids()[1])
        assert unit.evidence["1.3"]["annual_plan"] is True and unit.evidence["1.3"]["pre_trip_filings"] is True
        assert {"四川南充", "云南昭通"} <= {t.place for t in unit.trips}


def test_a_record_removed_in_the_office_and_edited_in_the_field_can_only_stay_removed(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_delivery(who, ds.delivery_ids(u[2])[0], stars=1))
    with Dataset.open(year, backups=False) as ds:
        assert ds.remove_delivery(LEAD, ds.delivery_ids(ds.unit_ids()[2])[0]).ok
    plan, edit = merge(year, a)
    [conflict] = plan.conflicts
    assert not conflict.can_take_theirs and render(conflict.why) == "这条记录在办公室已被删除"
    assert conflict.mine.who == "组长" and conflict.mine.when and conflict.theirs.who == "张三"
    assert merge(year, a, {1: "theirs"}, "x")[1].problems[0].message.code == "teamwork.theirs_impossible"
    assert merge(year, a, {1: "mine"}, "办公室核实该交付不成立")[1].ok
    with Dataset.open(year, read_only=True) as ds:  # 修改记录 names the removed delivery and its unit
        unit = ds.year().units[2].name
        kept = [c for c in changes_of(ds) if "合并外业副本时保留" in render(c.what)]
    assert len(kept) == 1 and kept[0].unit == unit, [(c.unit, render(c.what)) for c in kept]
    assert "“？”" not in render(kept[0].what) and "“”" not in render(kept[0].what), render(kept[0].what)


def test_imported_people_signatures_and_a_unit_signed_in_the_field_come_across_locked(year, tmp_path):
    a = copy_for(year, "a.wjkh", "张三")
    name = "吴江第1人力资源有限公司"
    people = [arrival(i, 劳务基地="贵州铜仁劳务基地") for i in range(5)]
    roster = roster_file(tmp_path, people)
    with Dataset.open(a, backups=False) as ds:
        who = ds.assessor_id("张三")
        imported(ds, "arrivals", roster, unit=name)
        uid = ds.unit_id(name)
        assert ds.add_signature(who, "sheet", "representative", "钱七", PNG, unit_id=uid).ok
        assert ds.finalize_unit(who, uid, 1, "ab" * 32, "CN=张三", "cd" * 32).ok
    plan, edit = merge(year, a)
    assert edit.ok, edit
    with Dataset.open(year, backups=False) as ds:
        uid = ds.unit_id(name)
        assert ds.unit_lock(uid) is not None and ds.sheet_versions(uid)[0].version == 1
        assert [s.name for s in ds.signatures(uid)] == ["钱七"] and ds.signatures(uid)[0].png == PNG
        [source] = ds.imports(uid)
        assert source.rows == 5 and source.file_name == roster.name
        assert ds.known_certificate("ab" * 32) is not None
        assert not ds.update_unit(LEAD, uid, insured_workers=1).ok  # signed in the field: stays locked
        assert ds.check_audit().ok


def test_an_edit_of_a_unit_signed_in_the_office_meanwhile_waits_for_it_to_be_reopened(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=72))
    with Dataset.open(year, backups=False) as ds:
        assert ds.finalize_unit(LEAD, ds.unit_ids()[0], 1, "ef" * 32, "CN=组长", "01" * 32).ok
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[1], insured_workers=73))
    plan, edit = merge(year, a)
    # no choice to make: the locked unit's change is held back, said why, and the other one comes in
    assert edit.ok and not plan.conflicts and len(plan.changes) == 1
    [held] = plan.held
    assert render(held_words(held)).endswith("——该单位已签章定稿并锁定，须先解锁才能采用外业副本的修改")
    with Dataset.open(year, read_only=True) as ds:
        assert [ds.unit(u).insured_workers for u in ds.unit_ids()[:2]] == [50, 73]
    again, edit = merge(year, a)  # still locked: still held, nothing written
    assert edit.ok and len(again.held) == 1 and not again.changes and again.rows == 1
    dry = run("merge", str(year), str(a), "--dry-run")  # the command line says so too
    assert dry.returncode == 0 and "另有 1 项修改所属单位已签章定稿并锁定，暂不能带入" in dry.stdout
    assert "暂不能带入：单位“吴江第1人力资源有限公司”的“投保人数”：年度文件中 50，外业副本改为 72" in dry.stdout
    assert "没有尚未合并的修改" not in dry.stdout
    with Dataset.open(year, backups=False) as ds:
        assert ds.reopen_unit(LEAD, ds.unit_ids()[0], "外业补录参保人数").ok
    reopened, edit = merge(year, a)  # reopened: the held change comes in now
    assert edit.ok and not reopened.held and len(reopened.changes) == 1 and not reopened.conflicts
    with Dataset.open(year, read_only=True) as ds:
        assert ds.unit(ds.unit_ids()[0]).insured_workers == 72
    assert merge(year, a)[0].rows == 0  # all merged now


def test_an_edit_of_a_unit_not_handed_over_with_the_copy_asks_the_lead(year):
    a = copy_for(year, "a.wjkh", "张三", ["吴江第1人力资源有限公司"])
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[3], insured_workers=72))
    plan, edit = merge(year, a)
    assert len(plan.changes) == 1 and not edit.ok
    [conflict] = plan.conflicts
    assert conflict.can_take_theirs and render(conflict.note) == "这个单位不在交给张三的外业副本中；请确认是否带入"
    assert "吴江第4人力资源有限公司" in render(conflict.what)
    # the year file's side was not changed since the copy: said so, not as a change by someone unnamed
    mine_line = render(conflict_words(conflict)[1])
    assert "办公室未改动" in mine_line and "未记名" not in mine_line
    assert mine_line.endswith("（办公室未改动）"), mine_line  # no "，—" for a time there is none of
    assert merge(year, a, {1: "theirs"}, "组长电话确认过")[1].ok
    with Dataset.open(year, read_only=True) as ds:
        assert [ds.unit(u).insured_workers for u in ds.unit_ids()][::3] == [71, 72]


def test_a_cancelled_merge_writes_nothing(year):
    a = copy_for(year, "a.wjkh", "张三")
    with Dataset.open(a, backups=False) as ds:
        who = ds.assessor_id("张三")
        for n in range(120):
            assert ds.add_delivery(who, ds.unit_ids()[n % 4], dt.date(2022, 6, 1), f"现场企业{n}", 5).ok
    with Dataset.open(year, backups=False) as ds, Dataset.open(a, read_only=True) as theirs:
        head, before = ds.audit_head(), facts(ds)
        with pytest.raises(MergeCancelled):
            merge_copy(ds, theirs, a.name, LEAD, progress=lambda done, total: done < 100)
        assert ds.audit_head() == head and facts(ds) == before
        assert merge_copy(ds, theirs, a.name, LEAD)[1].ok  # the dataset goes on as before
        assert ds.check_audit().ok


def test_a_unit_added_on_both_sides_under_one_name_is_kept_out_with_what_hangs_on_it(year):
    a = copy_for(year, "a.wjkh", "张三")
    code = "91320509MA1X9K2T2B"
    field_edit(a, "张三", lambda ds, who, u: ds.add_unit(who, "吴江新入盟人力资源有限公司", code, ["hr_service"]))
    field_edit(a, "张三", lambda ds, who, u: ds.add_base(who, ds.unit_ids()[-1], "甘肃定西劳务基地", "labour",
                                                         dt.date(2022, 4, 1), people=5))
    with Dataset.open(year, backups=False) as ds:
        assert ds.add_unit(LEAD, "吴江新入盟人力资源有限公司", code, ["hr_service"]).ok
    plan, _ = merge(year, a)
    whys = [render(c.why) for c in plan.conflicts if c.why is not None]
    assert whys[0] == "年度文件中已有同名（或同一编号）的记录" and len(whys) >= 2  # its kinds, base …
    assert set(whys[1:]) == {"它所属的记录也只能保留年度文件的内容"}
    assert all(not c.can_take_theirs for c in plan.conflicts)
    assert merge(year, a, {c.number: "mine" for c in plan.conflicts}, "办公室已录入该单位")[1].ok


def other_year_file(tmp_path: Path, rules=RULES) -> Path:
    path = tmp_path / "other" / "2022.wjkh"
    path.parent.mkdir()
    assert not create_file(path, rules, "组长", year=rich_year(2) if rules is RULES else None)
    return path


def test_copies_of_another_year_file_rule_set_or_year_are_refused_in_one_sentence(year, tmp_path):
    with Dataset.open(other_year_file(tmp_path), backups=False) as ds:
        make_field_copy(ds, tmp_path / "foreign.wjkh", "张三", LEAD)
    plan, edit = merge(year, tmp_path / "foreign.wjkh")
    assert render(edit.problems[0].message) == ("外业副本 foreign.wjkh 不是由年度文件 2022.wjkh 制作的"
                                                "（或该文件已恢复为制作副本之前的备份），不能合并。")
    plain = tmp_path / "plain.wjkh"
    shutil.copy(year, plain)
    assert merge(year, plain)[1].problems[0].message.code == "teamwork.not_a_copy"
    other_rules = load_rule_set(Path(__file__).resolve().parents[2] / "fixtures" / "rules-other.toml")
    (tmp_path / "third").mkdir()
    assert not create_file(tmp_path / "third" / "y.wjkh", other_rules, "组长")
    with Dataset.open(tmp_path / "third" / "y.wjkh", backups=False) as ds:
        make_field_copy(ds, tmp_path / "third.wjkh", "张三", LEAD)
    code = merge(year, tmp_path / "third.wjkh")[1].problems[0].message.code
    assert code in ("teamwork.other_year", "teamwork.other_rule_set")


def test_the_command_line_lists_changes_and_conflicts_then_merges_by_choice(year):
    result = run("field-copy", str(year), "--to", str(year.parent / "a.wjkh"), "--assessor", "张三",
                 "--units", "吴江第1人力资源有限公司，吴江第2人力资源有限公司")
    assert result.returncode == 0, result.stderr
    assert "已制作外业副本" in result.stdout and "交给 张三" in result.stdout
    a = year.parent / "a.wjkh"
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[1], contact_person="孙八"))
    with Dataset.open(year, backups=False) as ds:
        assert ds.update_unit(LEAD, ds.unit_ids()[0], insured_workers=66).ok
    dry = run("merge", str(year), str(a), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "第 1 处冲突：单位“吴江第1人力资源有限公司”的“投保人数”" in dry.stdout
    # each side's time to the second, as 修改记录 (audit-log) says it: two edits of one minute told apart
    with Dataset.open(a, read_only=True) as copy:
        units = copy.unit_ids()
    mine, theirs = edited_at(year, units[0], "insured_workers"), edited_at(a, units[0], "insured_workers")
    assert f"年度文件：66（组长，{mine}）" in dry.stdout and f"外业副本：71（张三，{theirs}）" in dry.stdout, dry.stdout
    assert (f"单位“吴江第2人力资源有限公司”的“联系人”：王芳 → 孙八（张三，{edited_at(a, units[1], 'contact_person')}）"
            in dry.stdout), dry.stdout
    logged = run("audit-log", str(year))
    assert logged.returncode == 0 and mine in logged.stdout, logged.stdout
    assert "试运行" in dry.stdout
    unchosen = run("merge", str(year), str(a))
    assert unchosen.returncode == 1 and "--take 编号=mine" in unchosen.stderr
    bad = run("merge", str(year), str(a), "--take", "1=都要")
    assert bad.returncode == 2 and "--take 的写法" in bad.stderr
    done = run("merge", str(year), str(a), "--take", "1=theirs", "--reason", "现场核实")
    assert done.returncode == 0, done.stderr
    # the change and the conflict taken from the copy, as verify-audit counts them below
    said = "已把外业副本 a.wjkh 合并到 2022.wjkh：带入 2 项修改（含 1 处冲突采用外业副本的），处理冲突 1 处。"
    assert said in done.stdout
    again = run("merge", str(year), str(a), "--by", "组长")
    assert again.returncode == 0 and "没有尚未合并的修改" in again.stdout
    verified = run("verify-audit", str(year))
    assert verified.returncode == 0, verified.stdout
    assert "组长 合并了外业副本 a.wjkh（张三 的外业副本）：带入 2 项修改，冲突 1 处。" in verified.stdout
    assert "其中 2 项修改来自外业副本" in verified.stdout


def test_coded_values_are_shown_in_the_bureaus_words(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.add_trip(who, u[0], dt.date(2022, 9, 1), "贵州遵义", "offline", 7))
    dry = run("merge", str(year), str(a), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "方式 线下" in dry.stdout and "offline" not in dry.stdout


def test_the_command_line_refuses_choices_of_conflicts_that_are_not_there_or_contradict(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    with Dataset.open(year, backups=False) as ds:
        assert ds.update_unit(LEAD, ds.unit_ids()[0], insured_workers=66).ok
    before = year.read_bytes()
    tried = run("merge", str(year), str(a), "--dry-run", "--take", "1=theirs")  # a dry run sums the choices up
    assert tried.returncode == 0, tried.stderr
    assert "按所给的选择：1 处冲突采用外业副本，0 处保留年度文件，每处冲突都已选择。" in tried.stdout
    assert "请对每处冲突选择" not in tried.stdout
    wrong = run("merge", str(year), str(a), "--dry-run", "--take", "7=theirs")  # and checks them
    assert wrong.returncode == 2 and "没有第 7 处冲突（共 1 处）" in wrong.stderr
    for takes, said in ((["--take", "7=theirs"], "没有第 7 处冲突（共 1 处）"),
                        (["--take", "1=theirs", "--take", "1=mine"], "第 1 处冲突既选了")):
        done = run("merge", str(year), str(a), "--by", "组长", *takes, "--reason", "核对")
        assert done.returncode == 2 and said in done.stderr, done.stderr
    assert year.read_bytes() == before
    itself = run("merge", str(year), str(year), "--by", "组长")
    assert itself.returncode == 2 and "不能把" in itself.stderr and "合并到它自己" in itself.stderr


def test_take_all_theirs_keeps_the_year_files_side_only_where_the_copys_cannot_be_taken(year):
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_delivery(who, ds.delivery_ids(u[2])[0], stars=1))
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=71))
    with Dataset.open(year, backups=False) as ds:
        assert ds.remove_delivery(LEAD, ds.delivery_ids(ds.unit_ids()[2])[0]).ok
        assert ds.update_unit(LEAD, ds.unit_ids()[0], insured_workers=66).ok
        removed = len(ds.delivery_ids(ds.unit_ids()[2]))
    done = run("merge", str(year), str(a), "--by", "组长", "--take-all", "theirs", "--reason", "以现场核对为准")
    assert done.returncode == 0, done.stderr
    with Dataset.open(year, backups=False) as ds:
        assert ds.unit(ds.unit_ids()[0]).insured_workers == 71  # the copy's side where it can be taken
        assert len(ds.delivery_ids(ds.unit_ids()[2])) == removed  # the record removed in the office stays removed


def test_a_value_set_back_in_one_copy_meets_another_copys_change_as_a_conflict(year):
    """张三 changes 参保人数 and sets it back; 李四 changes it: after 张三's copy is merged, 李四's change is
    a choice for the lead, not brought in silently over 张三's last word. The same for the office's own
    change set back."""
    a, b = copy_for(year, "a.wjkh", "张三"), copy_for(year, "b.wjkh", "李四")
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=72))
    field_edit(a, "张三", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=50))
    field_edit(b, "李四", lambda ds, who, u: ds.update_unit(who, u[0], insured_workers=73))
    plan, edit = merge(year, a)
    assert edit.ok and not plan.changes and not plan.conflicts
    plan, edit = merge(year, b)
    assert not edit.ok and not plan.changes
    [conflict] = plan.conflicts
    assert (conflict.mine.value, conflict.theirs.value) == (50, 73) and conflict.can_take_theirs
    assert merge(year, b, {1: "mine"}, "以张三最后核实的为准")[1].ok
    c = copy_for(year, "c.wjkh", "王五")
    field_edit(c, "王五", lambda ds, who, u: ds.update_unit(who, u[1], insured_workers=74))
    with Dataset.open(year, backups=False) as ds:
        uid = ds.unit_ids()[1]
        before = ds.unit(uid).insured_workers
        assert ds.update_unit(LEAD, uid, insured_workers=before + 10).ok
        assert ds.update_unit(LEAD, uid, insured_workers=before).ok
    plan, _ = merge(year, c)
    assert not plan.changes and [(x.mine.value, x.theirs.value) for x in plan.conflicts] == [(before, 74)]


def test_the_copys_final_holds_only_for_the_copys_data(tmp_path):
    """The rule: a merge leaves a unit 定稿 only when its data (facts and rosters) ends as a side that is 定稿
    over it had it: the copy's data where the copy marked it 定稿, or the year file's own data as it was before
    the merge where it was 定稿 here. Otherwise the merge withdraws the 定稿 it would carry in, in its own edit
    (audited, the lead's). So: unit 1, 定稿 when the copy was made, changed on both sides (the office did not
    mark it again, the field did): keeping the office's figure and taking the copy's 定稿 ends NOT 定稿; taking
    both of the copy's sides ends 定稿. Unit 2, not 定稿 anywhere, changed and marked 定稿 in the field while the
    office changed another of its facts: the copy's 定稿 comes in with no conflict, yet ends NOT 定稿."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    a = copy_for(path, "a.wjkh", "张三")

    def in_the_field(ds, who, u):
        assert ds.update_unit(who, u[0], insured_workers=70).unfinalized == (u[0],)
        assert ds.mark_final(who, u[0]).ok
        assert ds.update_unit(who, u[1], insured_workers=80).ok and ds.mark_final(who, u[1]).ok
    field_edit(a, "张三", in_the_field)
    with Dataset.open(path, backups=False) as ds:
        u = ds.unit_ids()
        assert ds.update_unit(LEAD, u[0], insured_workers=65).unfinalized == (u[0],)
        assert ds.update_unit(LEAD, u[1], contact_person="周敏").ok
    with Dataset.open(path, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    assert [render(c.field) if c.field else None for c in plan.conflicts] == ["投保人数", None]
    lines = [render(line) for line in conflict_words(plan.conflicts[1])]
    assert lines[0] == "第 2 处冲突：单位“吴江第1人力资源有限公司”的数据是否定稿", lines
    assert lines[1].startswith("年度文件：未定稿（组长，") and lines[2].startswith("外业副本：已定稿（张三，"), lines
    assert lines[-1] == ("外业副本的定稿只对外业副本的数据有效：第 1 处冲突保留年度文件的一方，或年度文件在制作副本后"
                         "另改过该单位的数据，合并后该单位都不是定稿，核对数据后可重新标记定稿"), lines
    dry = run("merge", str(path), str(a), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "数据已定稿" not in dry.stdout and f"    {lines[-1]}\n" in dry.stdout, dry.stdout
    both = tmp_path / "both.wjkh"
    shutil.copy(path, both)
    plan, edit = merge(path, a, {1: "mine", 2: "theirs"}, "人数以办公室为准")
    assert edit.ok
    with Dataset.open(path, read_only=True) as ds:
        assert ds.unit(u[0]).insured_workers == 65 and not ds.unit(u[0]).facts_final
        assert ds.unit(u[1]).insured_workers == 80 and ds.unit(u[1]).contact_person == "周敏"
        assert not ds.unit(u[1]).facts_final
        for uid in u[:2]:
            row = [e for e in ds.audit_entries("units", str(uid)) if e.field == "facts_final"][-1]
            assert (row.old_value, row.new_value, row.assessor_id, row.reason) == ("1", "0", LEAD, "人数以办公室为准")
    plan, edit = merge(both, a, {1: "theirs", 2: "theirs"}, "以现场为准")
    assert edit.ok
    with Dataset.open(both, read_only=True) as ds:
        assert ds.unit(u[0]).insured_workers == 70 and ds.unit(u[0]).facts_final


def test_restoring_the_backup_before_a_merge_that_brought_a_roster_names_the_merge(tmp_path):
    """The copy imported a roster and was merged: restoring the backup taken before the merge names the step
    it undoes as the merge (with the merge's time), not as the roster the merge brought in."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    a = copy_for(path, "a.wjkh", "张三")
    roster = roster_file(tmp_path, [arrival(i, 劳务基地="贵州铜仁劳务基地") for i in range(5)])
    with Dataset.open(a, backups=False) as ds:
        imported(ds, "arrivals", roster, unit="吴江第1人力资源有限公司")
    with Dataset.open(path):
        pass  # the backup of opening: the year before the merge
    done = run("merge", str(path), str(a))
    assert done.returncode == 0, done.stderr
    with Dataset.open(path, read_only=True) as ds:
        [(merged_at, brought)] = [(m.at, m.changes) for m in merges(ds)]
    listing = run("restore", str(path), "--list")
    assert listing.returncode == 0, listing.stderr
    [before] = [line for line in listing.stdout.splitlines() if "备份前最后的操作：合并" not in line][:1]
    asked = run("restore", str(path), "--backup", before.split()[0], stdin="n\n")
    assert asked.returncode == 1, asked.stderr
    lines = asked.stdout.splitlines()
    assert "恢复该备份将撤销其后所做的 1 次修改" in lines[0], (listing.stdout, lines)
    merge_line = f"{local_time(merged_at)}　合并外业副本 a.wjkh（张三 的外业副本，带入 {brought} 项修改）"
    assert lines[1].endswith(merge_line), lines
    assert not any(roster.name in line for line in lines), lines


def test_a_roster_the_copy_imported_is_told_by_its_unit_and_the_lists_name(tmp_path):
    """The merge preview tells a roster the copy imported by its unit, its file, the list's kind in the
    bureau's words and its rows (never the kind's internal name), and how many lists here it replaces; a list
    imported before the copy was made and replaced by the copy's (which took its freed id there) is replaced
    here too, with no conflict."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    unit = "吴江第1人力资源有限公司"
    with Dataset.open(path, backups=False) as ds:  # the list the copy's replaces, imported before it was made
        imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(3)], "办公室.xlsx"), unit=unit)
    a = copy_for(path, "a.wjkh", "张三")
    roster = roster_file(tmp_path, [arrival(i, 劳务基地="贵州铜仁劳务基地") for i in range(5)])
    with Dataset.open(a, backups=False) as ds:
        imported(ds, "arrivals", roster, unit=unit)
    dry = run("merge", str(path), str(a), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "arrivals" not in dry.stdout, dry.stdout
    assert (f"单位“{unit}”：外业副本导入的名单“{roster.name}”（组织进吴人员花名册（附件2），5 行），"
            "替换年度文件中的 1 份同类名单（组长，") in dry.stdout, dry.stdout
    plan, edit = merge(path, a)  # the list it replaced, imported before the copy was made, is no conflict
    assert edit.ok and not plan.conflicts
    with Dataset.open(path, read_only=True) as ds:
        assert [(s.file_name, s.rows) for s in ds.imports(ds.unit_id(unit))] == [(roster.name, 5)]


def test_a_merge_whose_copy_imported_the_same_roster_again_keeps_final_as_a_plain_import_does(tmp_path):
    """A unit 定稿 with its roster imported; in the field the same roster is imported again (the copy says, as
    a plain import does, that the data did not change and 定稿 stays). Merging that copy keeps the unit 定稿 and
    says so before and after in the plain import's words; a copy importing a roster of other people withdraws
    it, as a plain import does."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    unit = "吴江第1人力资源有限公司"
    roster = roster_file(tmp_path, [arrival(i) for i in range(5)])
    with Dataset.open(path, backups=False) as ds:
        imported(ds, "arrivals", roster, unit=unit)
        uid = ds.unit_id(unit)
        assert ds.mark_final(LEAD, uid).ok
    a = copy_for(path, "a.wjkh", "张三")
    b = copy_for(path, "b.wjkh", "李四")
    kept = "与上次导入的内容相同，数据未改动，定稿保持不变。"
    with Dataset.open(a, backups=False) as ds:
        _, again = imported(ds, "arrivals", roster, unit=unit)
        assert render(ds.final_withdrawn(again)) == kept and ds.unit(uid).facts_final
    with Dataset.open(path, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    assert len(plan.changes) == 1 and not plan.withdrawals and not plan.conflicts
    told = [render(kept_words(k)) for k in plan.finals_kept]
    assert told == [f"单位“{unit}”：{kept}"]
    dry = run("merge", str(path), str(a), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"  {told[0]}\n" in dry.stdout and "取消其定稿" not in dry.stdout, dry.stdout
    through_core = tmp_path / "core.wjkh"
    shutil.copy(path, through_core)
    done = run("merge", str(path), str(a))
    assert done.returncode == 0, done.stderr
    assert f"\n{told[0]}\n" in done.stdout and "取消" not in done.stdout, done.stdout
    with Dataset.open(path, read_only=True) as ds:
        assert ds.unit(uid).facts_final and [s.rows for s in ds.imports(uid)] == [5]
        merged_at = merges(ds)[0].at
        assert not [e for e in ds.audit_entries("units", str(uid)) if e.field == "facts_final" and e.at >= merged_at]
    plan, edit = merge(through_core, a)  # the core's edit names the unit kept 定稿, none withdrawn
    assert edit.ok and edit.final_kept == (uid,) and edit.unfinalized == ()
    # a roster of other people imported in the field: the merge withdraws 定稿, as a plain import does. The year
    # file holds copy a's roster now, imported after copy b was made: two rosters of the unit, the lead chooses
    with Dataset.open(b, backups=False) as ds:
        _, other = imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(1, 6)], "其他.xlsx"),
                            unit=unit)
        assert other.unfinalized == (uid,)
    with Dataset.open(path, read_only=True) as ds, Dataset.open(b, read_only=True) as copy:
        plan = plan_merge(ds, copy, b.name)
    [conflict] = plan.conflicts
    assert not plan.finals_kept and "导入的名单" in render(conflict.what)
    assert any("同时取消了其定稿" in render(change_words(c)) for c in plan.changes)
    plan, edit = merge(path, b, choices={1: "theirs"}, reason="以李四带回的花名册为准")
    assert edit.ok and edit.unfinalized == (uid,) and not edit.final_kept


def test_the_merges_message_names_every_unit_whose_final_it_withdrew_the_copys_too(tmp_path):
    """Unit 2, not 定稿 in the year file, changed and marked 定稿 in the field while the office changed another of
    its facts: the merge brings the copy's 定稿 in and withdraws it (its data is not the copy's). Unit 3, 定稿 here,
    changed in the field: its 定稿 is withdrawn. The command line's message after the merge names both, each in
    its words, with how to mark them again, as the audit trail records both withdrawals."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    a = copy_for(path, "a.wjkh", "张三")

    def in_the_field(ds, who, u):
        assert ds.update_unit(who, u[1], insured_workers=80).ok and ds.mark_final(who, u[1]).ok
        assert ds.update_unit(who, u[2], insured_workers=90).unfinalized == (u[2],)
    field_edit(a, "张三", in_the_field)
    with Dataset.open(path, backups=False) as ds:
        u = ds.unit_ids()
        assert ds.update_unit(LEAD, u[1], contact_person="周敏").ok
        assert [ds.unit(x).facts_final for x in u] == [True, False, True, True]
    through_core = tmp_path / "core.wjkh"
    shutil.copy(path, through_core)
    plan, edit = merge(through_core, a)
    assert edit.ok and not plan.conflicts and edit.unfinalized == (u[2],) and edit.final_dropped == (u[1],)
    done = run("merge", str(path), str(a))
    assert done.returncode == 0, done.stderr
    last = done.stdout.splitlines()[-1]
    assert last == ("“吴江第3人力资源有限公司”的数据已改动，已取消其定稿。"
                    "“吴江第2人力资源有限公司”在外业副本中标记了定稿，但合并后的数据与外业副本的不同（外业副本的定稿只对外业副本的数据有效），已取消其定稿。"
                    "核对无误后，可用 ./run.sh mark-final 重新标记定稿。"), done.stdout
    with Dataset.open(path, read_only=True) as ds:
        assert [ds.unit(x).facts_final for x in u] == [True, False, False, True]
        for uid in u[1:3]:  # the trail says the same
            assert [(e.old_value, e.new_value) for e in ds.audit_entries("units", str(uid))
                    if e.field == "facts_final" and e.action == "update"][-1] == ("1", "0")


def test_a_list_of_the_whole_year_merged_withdraws_or_keeps_final_as_importing_it_here_does(tmp_path):
    """A unit whose trainees are counted from the district's list, marked 定稿 in the office after two copies were
    handed out. One copy imported the same list again: merged, the unit stays 定稿, said as a plain import says
    it. The other imported a list of other people: the preview tells the unit's 定稿 withdrawn by the merge (who
    marked it, when), and the merge withdraws it, as importing that list here would."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    listed = district_file(tmp_path, [(1, 7), (2, 6)])
    with Dataset.open(path, backups=False) as ds:
        uid = ds.unit_ids()[0]
        assert ds.set_count_source(LEAD, uid, "roster").ok
        imported(ds, "traineeship_list", listed, unit=None)
    a = copy_for(path, "a.wjkh", "张三")
    b = copy_for(path, "b.wjkh", "李四")
    with Dataset.open(path, backups=False) as ds:
        assert ds.mark_final(LEAD, uid).ok
        name = ds.unit(uid).name
    with Dataset.open(a, backups=False) as ds:
        imported(ds, "traineeship_list", listed, unit=None)
    with Dataset.open(b, backups=False) as ds:
        imported(ds, "traineeship_list", district_file(tmp_path, [(3, 7), (4, 6)], "新名单.xlsx"), unit=None)
    with Dataset.open(path, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    assert not plan.withdrawals
    assert [render(kept_words(k)) for k in plan.finals_kept] == [
        f"单位“{name}”：与上次导入的内容相同，数据未改动，定稿保持不变。"]
    with_a = tmp_path / "with-a.wjkh"
    shutil.copy(path, with_a)
    plan, edit = merge(with_a, a)
    assert edit.ok and edit.unfinalized == () and edit.final_kept == (uid,)
    with Dataset.open(path, read_only=True) as ds, Dataset.open(b, read_only=True) as copy:
        plan = plan_merge(ds, copy, b.name)
    assert not plan.finals_kept
    assert [render(withdrawal_words(w)).split("（")[0] for w in plan.withdrawals] == [
        f"单位“{name}”：办公室在年度文件中已标记定稿"]
    plan, edit = merge(path, b)
    assert edit.ok and edit.unfinalized == (uid,)
    with Dataset.open(path, read_only=True) as ds:
        assert not ds.unit(uid).facts_final


def test_a_record_added_after_the_last_one_was_removed_never_takes_its_id_so_no_change_lands_on_it(year):
    """The office removed a unit's last base and signed a new one; the field had meanwhile typed the removed base's
    people. SQLite would give the new base the removed one's id, and the merge would offer the field's count as a
    change of the new base. Every record gets an id its table never had: the field's change is a conflict with
    the removal, which keeps the office's side, and the new base is untouched."""
    with Dataset.open(year, read_only=True) as ds:
        last, unit = ds._conn.execute("SELECT id, unit_id FROM bases ORDER BY id DESC LIMIT 1").fetchone()
        removed = ds._conn.execute("SELECT name FROM bases WHERE id = ?", (last,)).fetchone()[0]
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.update_base(who, last, people=77))
    with Dataset.open(year, backups=False) as ds:
        assert ds.remove_base(LEAD, last, reason="录入有误").ok
        assert ds.add_base(LEAD, unit, "新签劳务基地", "labour", dt.date(2022, 5, 1)).ok
        new = ds._conn.execute("SELECT id FROM bases WHERE name = '新签劳务基地'").fetchone()[0]
    assert new == last + 1
    plan, edit = merge(year, a, reason="办公室已删除该基地")
    [conflict] = plan.conflicts
    words = [render(line) for line in conflict_words(conflict)]
    assert f"的基地“{removed}”的“人数”" in words[0] and words[-1].endswith("这条记录在办公室已被删除"), words
    assert not conflict.can_take_theirs and not plan.changes
    with Dataset.open(year, read_only=True) as ds:
        assert ds._conn.execute("SELECT name, people FROM bases WHERE id = ?", (new,)).fetchone() == ("新签劳务基地", 0)
        assert ds._conn.execute("SELECT 1 FROM bases WHERE id = ?", (last,)).fetchone() is None
        assert ds.check_audit().ok


def test_a_list_of_the_whole_year_imported_in_the_office_and_in_the_field_is_a_conflict_that_says_what_it_withdraws(
        tmp_path):
    """After the copy was made, the office imported a district list (file 名单.xlsx) and marked the unit counted from
    it 定稿; the field imported another list of the same name. Before, the office's import took the id of the list
    it replaced, the merge took it for the one the copy replaced, and the copy's list replaced the office's without
    a question. Now it is a conflict: the year file's side names the office's list, who imported it and when, and
    taking the copy's side is said to withdraw the unit's 定稿 (who marked it); keeping the office's keeps both."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    with Dataset.open(path, backups=False) as ds:
        uid = ds.unit_ids()[0]
        assert ds.set_count_source(LEAD, uid, "roster").ok
        imported(ds, "traineeship_list", district_file(tmp_path, [(1, 7), (2, 6)]), unit=None)
        name = ds.unit(uid).name
    a = copy_for(path, "a.wjkh", "张三")
    office, field = tmp_path / "office", tmp_path / "field"
    office.mkdir()
    field.mkdir()
    with Dataset.open(path, backups=False) as ds:
        imported(ds, "traineeship_list", district_file(office, [(5, 7), (6, 6)], "名单.xlsx"), unit=None)
        assert ds.mark_final(LEAD, uid).ok
        [here] = ds.imports(None)
    with Dataset.open(a, backups=False) as ds:
        imported(ds, "traineeship_list", district_file(field, [(3, 7), (4, 6), (7, 8)], "名单.xlsx"), unit=None)
    with Dataset.open(path, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    assert not plan.changes and not plan.withdrawals
    [conflict] = plan.conflicts
    words = [render(line) for line in conflict_words(conflict)]
    assert words[0] == "第 1 处冲突：导入的名单“名单.xlsx”", words
    assert words[1] == ("年度文件：名单“名单.xlsx”：名单种类 区人资中心核准的全区就业见习名单、行数 2"
                        f"（组长，{to_the_second(here.imported_at)}）")
    assert words[2].startswith("外业副本：名单种类 区人资中心核准的全区就业见习名单、行数 3（")
    assert words[3].startswith(f"这份全年名单计入以下单位的人数，它们在年度文件中已标记定稿：单位“{name}”（组长，")
    assert words[3].endswith("采用外业副本的一方将取消其定稿，核对数据后可重新标记定稿")
    kept = tmp_path / "kept.wjkh"
    shutil.copy(path, kept)
    plan, edit = merge(kept, a, choices={1: "mine"}, reason="以办公室核对的名单为准")
    assert edit.ok and edit.unfinalized == ()
    with Dataset.open(kept, read_only=True) as ds:
        assert ds.unit(uid).facts_final and [(s.id, s.rows) for s in ds.imports(None)] == [(here.id, 2)]
    plan, edit = merge(path, a, choices={1: "theirs"}, reason="以外业核对的名单为准")
    assert edit.ok and edit.unfinalized == (uid,)
    with Dataset.open(path, read_only=True) as ds:
        assert not ds.unit(uid).facts_final and [s.rows for s in ds.imports(None)] == [3]


def test_a_roster_the_field_kept_beside_the_units_first_comes_in_beside_it_too(year, tmp_path):
    """The office imported the unit's first roster; the field imported another employer's roster alongside it.
    Merged, the year file has both, as the field had: the copy's roster replaces nothing here."""
    unit = "吴江第1人力资源有限公司"
    with Dataset.open(year, backups=False) as ds:
        imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(3)], "甲公司.xlsx"), unit=unit)
    a = copy_for(year, "a.wjkh", "张三")
    with Dataset.open(a, backups=False) as ds:
        imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(5, 9)], "乙公司.xlsx"), unit=unit,
                 alongside=True)
    plan, edit = merge(year, a)
    assert edit.ok and not plan.conflicts and len(plan.changes) == 1
    with Dataset.open(year, read_only=True) as ds:
        assert [(s.file_name, s.rows) for s in ds.imports(ds.unit_id(unit))] == [("甲公司.xlsx", 3), ("乙公司.xlsx", 4)]


def test_the_same_trip_entered_in_two_copies_is_told_as_likely_entered_twice(year):
    """张三 and 李四 both enter the trip to 贵州思南县 on 2022-09-15 in their copies. The second merge says the year
    already holds it alike (it would score twice under 1.2), in the plan the lead reads before merging and on the
    command line; it still comes in (it may be a second visit). A trip alike in all but its place is not told."""
    a, b = copy_for(year, "a.wjkh", "张三"), copy_for(year, "b.wjkh", "李四")
    trip = (dt.date(2022, 9, 15), "贵州思南县", "offline", 6)
    field_edit(a, "张三", lambda ds, who, u: ds.add_trip(who, u[1], *trip))
    field_edit(b, "李四", lambda ds, who, u: ds.add_trip(who, u[1], *trip))
    field_edit(b, "李四", lambda ds, who, u: ds.add_trip(who, u[1], dt.date(2022, 9, 15), "贵州印江县", "offline", 6))
    first, edit = merge(year, a)
    assert edit.ok and first.twins == []
    dry = run("merge", str(year), str(b), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    with Dataset.open(year, read_only=True) as ds, Dataset.open(b, read_only=True) as copy:
        unit = ds.unit(ds.unit_ids()[1]).name
        twins = [render(t) for t in plan_merge(ds, copy, b.name).twins]
    assert twins == [f"单位“{unit}”的赴外招聘“2022-09-15 贵州思南县”：年度文件中已有完全相同的一条，"
                     "可能是同一次活动录入了两次；如是，请在合并后删除其中一条"], twins
    assert twins[0] in dry.stdout and "贵州印江县”：年度文件中已有" not in dry.stdout
    second, edit = merge(year, b)
    assert edit.ok
    with Dataset.open(year, read_only=True) as ds:
        places = [t.place for t in ds.unit(ds.unit_ids()[1]).trips]
    assert places.count("贵州思南县") == 2 and "贵州印江县" in places


@pytest.mark.parametrize("side", ["mine", "theirs"])
def test_a_base_removed_in_the_field_and_changed_in_the_office_keeps_its_tick_when_the_office_side_is_kept(year, side):
    """A tester's 横扇启航: the copy removed a base, the office changed its 协议签订日期. Keeping the year file's base
    also kept its removal of the base's 已查验 tick, brought in by itself: the base stayed, 未查验, 1.1 fell by 4
    points. The tick now goes with the base's conflict, and the conflict says so."""
    a = copy_for(year, "a.wjkh", "张三")
    with Dataset.open(year, backups=False) as ds:
        uid = ds.unit_ids()[0]
        base = ds.base_ids(uid)[0]
        before = ds.year().units[0].bases[0]
        assert before.evidence.get("agreement") is True
        points = score_of(ds, uid)
    field_edit(a, "张三", lambda ds, who, u: ds.remove_base(who, ds.base_ids(u[0])[0]))
    with Dataset.open(year, backups=False) as ds:
        assert ds.update_base(LEAD, base, agreement_date=dt.date(2022, 7, 7)).ok
    plan = merge_plan(year, a)
    [conflict] = plan.conflicts
    assert plan.changes == []  # the tick's removal is not brought in by itself
    assert render(conflict.along).startswith("选用外业副本的一方，还将一并带入：")
    assert "基地协议" in render(conflict.along), render(conflict.along)
    assert "”：已查验 → （已删除）（" in render(conflict.along), render(conflict.along)  # the tick in its own words
    assert render(conflict.theirs.value) == "（已删除）"  # what the copy did, not an empty value
    _, edit = merge(year, a, {1: side}, "现场核实")
    assert edit.ok, edit.problems
    with Dataset.open(year, read_only=True) as ds:
        names = [b.name for b in ds.year().units[0].bases]
        if side == "mine":
            kept = ds.year().units[0].bases[0]
            assert kept.name == before.name and kept.agreement_date == dt.date(2022, 7, 7)
            assert kept.evidence.get("agreement") is True  # still 已查验
            assert score_of(ds, uid) == points
        else:
            assert before.name not in names
    assert merge(year, a)[0].conflicts == []  # merged: nothing comes again


def merge_plan(year: Path, copy: Path):
    with Dataset.open(year, backups=False) as ds, Dataset.open(copy, read_only=True) as theirs:
        return plan_merge(ds, theirs, copy.name)


def score_of(ds: Dataset, uid: int):
    from core.scoring.engine import score_year
    name = next(u.name for u in ds.year().units if ds.unit_id(u.name) == uid)
    return score_year(ds.rule_set(), ds.year()).unit(name).total
