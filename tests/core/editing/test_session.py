"""The desktop's working session (core/editing/session.py), its undo history (core/editing/undo.py) and the dataset
additions they use (notes, capture/restore): every edit saved at once, undone and redone exactly."""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction

import pytest

from core.editing.session import Session
from core.editing.undo import History, Step
from core.scoring.engine import score_year
from core.scoring.facts import year_to_json
from core.store.dataset import Dataset, Edit, create_file
from tests.builders import RULES, credit_code
from tests.dataset_support import rich_year


@pytest.fixture
def session(tmp_path):
    year = rich_year(4)
    assert create_file(tmp_path / "y.sqlite", RULES, "张三", year=year) == []
    ds = Dataset.open(tmp_path / "y.sqlite", backups=False)
    s = Session(ds, 1)
    yield s
    ds.close()


def state(s: Session) -> dict:
    return year_to_json(s.ds.year())


def test_session_scores_what_the_engine_scores(session):
    expected = score_year(RULES, session.ds.year())
    for uid in session.unit_ids:
        name = session.unit(uid).name
        assert session.unit_result(uid).total == expected.unit(name).total
        assert [c.net for c in session.unit_result(uid).clauses] == [c.net for c in expected.unit(name).clauses]


def test_every_edit_is_undone_and_redone_exactly(session):
    uid = session.unit_ids[0]
    bid = session.base_ids(uid)[0]
    tid = session.trip_ids(uid)[0]
    did = session.delivery_ids(uid)[0]
    plan_seen = session.ds.evidence_tick(uid, "1.3", "annual_plan")
    flipped = not (plan_seen is not None and plan_seen["seen"])  # a change (the same tick again is no step)
    edits = [
        lambda: session.tick("勾选", uid, "1.3", "annual_plan", flipped),
        lambda: session.tick_base("协议", uid, bid, "agreement", False),
        lambda: session.tick_trip("备案", uid, tid, "filing", None),
        lambda: session.update_unit("名称", uid, name="吴江新名称人力资源有限公司"),
        lambda: session.update_unit("类型", uid, kinds=["hr_service", "labour_dispatch"]),
        lambda: session.set_insured_workers("投保", uid, 7),
        lambda: session.set_platform_rating("评分", uid, Fraction(9, 2)),
        lambda: session.update_base("人数", uid, bid, people=99, agreement_date=dt.date(2022, 7, 7)),
        lambda: session.update_trip("企业", uid, tid, enterprises=3, place="遵义"),
        lambda: session.set_trip_evaluations("评价", uid, tid, ["好", "差", "差"]),
        lambda: session.update_delivery("星级", uid, did, stars=2),
        lambda: session.set_management("4.1", uid, Fraction(6), "会议纪要缺失"),
        lambda: session.set_negatives("负面", uid, complaints=6, major_incident=True),
        lambda: session.set_note("备注", uid, "1.1", "协议原件已核对"),
        lambda: session.add_base("加基地", uid, "新基地", "school", dt.date(2022, 3, 3), people=4),
        lambda: session.remove_base("删基地", uid, bid),
        lambda: session.add_trip("加活动", uid, dt.date(2022, 5, 5), "昆明", "online", 6),
        lambda: session.remove_trip("删活动", uid, tid),
        lambda: session.add_delivery("加输送", uid, dt.date(2022, 5, 6), "缺工企业", 5),
        lambda: session.remove_delivery("删输送", uid, did),
        lambda: session.add_attachment("附件", uid, "1.1", b"\x89PNG fake", "协议.png"),
        lambda: session.mark_final("定稿", session.unit_ids, True),
        lambda: session.set_grade_quotas("名额", {"A": 0}),
        lambda: session.add_unit("加单位", "吴江另一家人力资源有限公司", credit_code("另一家"), ["hr_service"]),
        lambda: session.remove_unit("删单位", session.unit_ids[1]),
    ]
    states = [state(session)]
    notes = [session.ds.clause_notes()]
    for run in edits:
        edit = run()
        assert edit.ok, edit.problems
        states.append(state(session))
        notes.append(session.ds.clause_notes())
    for i in range(len(edits), 0, -1):
        _, edit = session.undo("撤销")
        assert edit.ok, (i, edit.problems)
        assert state(session) == states[i - 1], f"undo of step {i}"
        assert session.ds.clause_notes() == notes[i - 1]
    assert not session.history.can_undo
    for i in range(1, len(edits) + 1):
        _, edit = session.redo("重做")
        assert edit.ok, (i, edit.problems)
        assert state(session) == states[i], f"redo of step {i}"
    assert session.ds.verify_audit() is None


def test_undo_is_audited_with_its_reason(session):
    uid = session.unit_ids[0]
    was = session.unit(uid).ticked("1.3", "annual_plan")
    session.tick("勾选年度计划", uid, "1.3", "annual_plan", not was)
    session.undo("撤销")
    reasons = [e.reason for e in session.ds.audit_entries("evidence_ticks")]
    assert reasons[-1] == "撤销：勾选年度计划"


def test_a_removed_unit_comes_back_with_its_id_signatures_and_attachment_links(session):
    uid = session.unit_ids[2]
    assert session.ds.add_attachment(1, b"scan", "scan.pdf", unit_id=uid, clause_id="2.1").ok
    session.set_note("备注", uid, "2.1", "花名册已盖章")
    before = state(session)
    assert session.remove_unit("删除", uid).ok
    assert uid not in session.unit_ids
    assert session.ds.attachments(uid) == []
    session.undo("撤销")
    assert state(session) == before and uid in session.unit_ids
    assert [a.name for a in session.ds.attachments(uid)] == ["scan.pdf"]
    assert session.note(uid, "2.1") == "花名册已盖章"
    assert session.unit_ids.index(uid) == 2  # same place in the year


def test_a_rejected_edit_changes_nothing_and_is_not_in_the_history(session):
    uid = session.unit_ids[0]
    before = state(session)
    edit = session.update_unit("错误代码", uid, credit_code="91320509MA1MXXXX01")
    assert not edit.ok and state(session) == before and not session.history.can_undo


def test_typing_into_one_field_is_one_undo_step(session):
    uid = session.unit_ids[0]
    old = session.unit(uid).insured_workers
    for value in (1, 12, 123):
        session.set_insured_workers("投保人数", uid, value)
    assert len(session.history.steps) == 1
    session.undo("撤销")
    assert session.unit(uid).insured_workers == old


def test_listeners_hear_which_units_changed(session):
    heard = []
    session.listeners.append(heard.append)
    uid = session.unit_ids[1]
    session.tick("勾选", uid, "4.3", "monthly_reports", True)
    session.set_grade_quotas("名额", {"A": 0})
    assert heard == [frozenset({uid}), None]


def test_history_merges_only_recent_steps_of_the_same_key():
    history = History(merge_seconds=1.0)
    undone = []
    history.push(Step("a", lambda r: (undone.append(1), Edit())[1], lambda r: Edit(), frozenset({1}), "k", at=0.0))
    history.push(Step("b", lambda r: (undone.append(2), Edit())[1], lambda r: Edit(), frozenset({2}), "k", at=0.5))
    assert len(history.steps) == 1 and history.steps[0].units == frozenset({1, 2})
    history.push(Step("c", lambda r: Edit(), lambda r: Edit(), None, "k", at=5.0))
    assert len(history.steps) == 2
    history.undo()
    history.undo()
    assert undone == [1] and not history.can_undo
    history.push(Step("d", lambda r: Edit(), lambda r: Edit(), None))
    assert not history.can_redo and history.undo_label == "d"


def test_notes_are_audited_and_checked(session):
    uid = session.unit_ids[0]
    assert session.ds.set_clause_note(1, uid, "8.8", "x").problems
    assert session.set_note("备注", uid, "五", "无投诉").ok
    assert session.ds.audit_entries("clause_notes")[-1].new_value
    assert session.set_note("备注", uid, "五", "").ok
    assert session.ds.clause_notes(uid) == {}


def test_changing_the_assessor_adds_a_new_name_audited_and_reuses_a_known_one(session):
    assert session.assessor is not None and session.assessor.name == "张三"
    edit = session.change_assessor("李四", "考核组长")
    assert edit.ok and session.by == edit.id == session.ds.assessor_id("李四")
    assert (session.assessor.name, session.assessor.role) == ("李四", "考核组长")
    added = session.ds.audit_entries("assessors")[-1]
    assert added.assessor_id == 1  # recorded under who worked until then
    assert session.change_assessor("张三", "").ok and session.by == 1
    assert [a.name for a in session.assessors()] == ["张三", "李四"]
    refused = session.change_assessor("  ", "")
    assert not refused.ok and session.by == 1
    assert session.ds.verify_audit() is None


def test_a_change_to_a_unit_marked_final_withdraws_it_and_its_undo_marks_it_again(session):
    """定稿 means the data is settled: changing it withdraws 定稿 in the same edit; undoing the change, however
    many keystrokes it merged, makes the unit 定稿 again; redo withdraws it again."""
    uid = session.unit_ids[0]
    assert session.unit(uid).facts_final
    first = session.set_insured_workers("投保人数", uid, 7)
    assert first.unfinalized == (uid,) and not session.unit(uid).facts_final
    assert session.set_insured_workers("投保人数", uid, 71).unfinalized == ()  # the same typing: one step
    assert len(session.history.steps) == 1
    session.undo()
    assert session.unit(uid).facts_final and session.unit(uid).insured_workers != 71
    session.redo()
    assert not session.unit(uid).facts_final and session.unit(uid).insured_workers == 71
    trail = [e for e in session.ds.audit_entries("units", str(uid)) if e.field == "facts_final"]
    assert [(e.old_value, e.new_value) for e in trail] == [("1", "0"), ("0", "1"), ("1", "0")]


def test_a_note_or_an_attachment_leaves_a_units_final_as_it_is(session):
    """Remarks and supporting files are not the data that was settled: 定稿 stays; a tick is data."""
    uid = session.unit_ids[0]
    assert session.unit(uid).facts_final
    assert session.set_note("备注", uid, "4.2", "回执原件已查验").unfinalized == ()
    assert session.ds.add_attachment(1, b"photo", "现场.jpg", unit_id=uid, clause_id="4.2").unfinalized == ()
    assert session.unit(uid).facts_final and session.ds.unit(uid).facts_final
    seen = session.ds.evidence_tick(uid, "1.3", "annual_plan")
    flipped = not (seen is not None and seen["seen"])
    assert session.tick("勾选", uid, "1.3", "annual_plan", flipped).unfinalized == (uid,)


def test_an_edit_that_changes_nothing_leaves_final_as_it_is(session):
    uid = session.unit_ids[0]
    same = session.unit(uid).insured_workers
    assert session.ds.update_unit(1, uid, insured_workers=same).unfinalized == ()
    assert session.ds.update_unit(1, uid, insured_workers=same + 1).unfinalized == (uid,)  # a change does


def test_an_edit_that_changes_nothing_is_no_step_to_undo(session):
    """The same value saved again (an editor closed unchanged, a count retyped) writes nothing and leaves
    the undo history as it was: 撤销 takes back the last real change."""
    uid = session.unit_ids[0]
    assert session.set_insured_workers("投保人数", uid, 77).ok
    assert len(session.history.steps) == 1
    bid = session.base_ids(uid)[0]
    same = session.ds.row("bases", bid)["name"]
    edit = session.update_base("修改基地名称", uid, bid, name=same)
    assert edit.ok and edit.rows == 0 and len(session.history.steps) == 1
    assert session.history.steps[-1].label == "投保人数"



def test_an_edit_says_which_other_units_verdicts_it_moved_and_a_quiet_refresh_forgets_it(tmp_path):
    """The demo year as a session: 八坼 (not final) given 210 people on its first base rises to first place in 2.1;
    同里英桥's grade goes D → C and 平望运河's C → D. The edit says both, in the year's order, and not 八坼 itself (its
    page shows it); its undo says them back; a refresh that is no edit says nothing."""
    from core.common.messages import render
    from tests.core.pdf.test_pdf import demo_dataset
    ds = Dataset.open(demo_dataset(tmp_path))
    s = Session(ds, 1)
    try:
        bachi = s.unit_id("苏州八坼新程人力资源有限公司")
        assert bachi is not None
        assert s.update_base("人数", bachi, s.base_ids(bachi)[0], people=210).ok
        assert s.verdicts_moved is not None
        assert render(s.verdicts_moved) == (
            "另有 2 家运营单位的考核结果或等级随之变动（排名类条款得分或等级名额变动）："
            "苏州同里英桥人力资源有限公司（D级 → C级）、吴江平望运河人才服务有限公司（C级 → D级）")
        assert s.undo()[1].ok and s.verdicts_moved is not None
        assert render(s.verdicts_moved).endswith(
            "：吴江平望运河人才服务有限公司（D级 → C级）、苏州同里英桥人力资源有限公司（C级 → D级）")
        s.refresh(None)
        assert s.verdicts_moved is None
    finally:
        s.close(back_up=False)


def test_moved_verdicts_says_a_status_and_a_grade_together_names_five_and_counts_the_rest():
    from core.common.messages import render
    from core.scoring.report import moved_verdicts
    before = score_year(RULES, rich_year())
    units = [u._replace(name=f"单位{i}", status="qualified", grade="B") for i, u in enumerate(before.units[:1] * 8)]
    was = dataclasses.replace(before, units=tuple(units))
    moved = [u._replace(status="unqualified", grade="E") if i % 2 == 0 else u._replace(grade="Z")
             for i, u in enumerate(units)]
    now = dataclasses.replace(before, units=tuple(moved))
    told = render(moved_verdicts(was, now, {"单位7"}))
    assert told.startswith("另有 7 家运营单位的考核结果或等级随之变动（排名类条款得分或等级名额变动）："
                           "单位0（合格 → 不合格，B级 → E级）、单位1（B级 → Z级）、单位2（"), told
    assert told.endswith("、单位4（合格 → 不合格，B级 → E级）等 7 家"), told
    assert moved_verdicts(was, was, set()) is None


def test_the_units_an_edit_of_the_whole_year_is_about_are_not_told_as_others(tmp_path):
    """An import changes the whole year (its refresh reads every unit) but is the edit of one unit: that unit's own
    verdict is on its page and in the import's result, not among the 另有 units. 八坼 given 60 people: 八坼 D → E,
    同里英桥 D → C, 平望运河 C → D."""
    from core.common.messages import Msg, render
    from tests.core.pdf.test_pdf import demo_dataset
    ds = Dataset.open(demo_dataset(tmp_path))
    s = Session(ds, 1)
    try:
        bachi = s.unit_id("苏州八坼新程人力资源有限公司")
        assert bachi is not None
        assert ds.update_base(1, s.base_ids(bachi)[0], people=60).ok
        s.refresh(None, telling=Msg.of("session.edit_named", label="导入花名册"), about=frozenset([bachi]))
        said = render(s.verdicts_moved)
        assert "苏州同里英桥人力资源有限公司（D级 → C级）" in said and "苏州八坼新程" not in said, said
        assert render(s.verdicts_moved_by) == "“导入花名册”"
        assert ds.update_base(1, s.base_ids(bachi)[0], people=48).ok
        s.refresh(None, telling=Msg.of("session.undo_named", label="导入花名册"))
        assert "苏州八坼新程人力资源有限公司（不合格 → 合格，E级 → D级）" in render(s.verdicts_moved)
    finally:
        s.close(back_up=False)
