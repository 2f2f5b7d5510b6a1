"""How far a unit's assessment has got: not started while nothing of the year is recorded (bases a continued
year brought across do not start it), under way once something is, final when its data is; and the year
files read for the history carry it, so a new year is never read as everyone failed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.scoring.facts import Management, Negative
from core.years.continuation import continue_year, read_previous
from core.years.history import read_year_file
from core.years.standing import FINAL, NOT_STARTED, UNDER_WAY, standing, unit_stage
from tests.audit_tampers import build_year
from tests.builders import RULES, base, make_unit, score, trip
from tests.core.years.test_years import NEXT

UNTICKED_BASES = (replace(base("基地1"), evidence={}), replace(base("基地2"), evidence={}))


@pytest.mark.parametrize(("unit", "stage"), [
    (make_unit(), NOT_STARTED),
    (make_unit(bases=UNTICKED_BASES), NOT_STARTED),  # what a continued year brings across
    (make_unit(bases=(base("基地1", seen=False),)), UNDER_WAY),  # an agreement looked at and not seen
    (make_unit(bases=(base("基地1", people=3),)), UNDER_WAY),
    (make_unit(trips=(trip(),)), UNDER_WAY),
    (make_unit(insured_workers=12), UNDER_WAY),
    (make_unit(management=Management(awarded=8)), UNDER_WAY),
    (make_unit(negative=Negative(major_incident=True)), UNDER_WAY),
    (make_unit(evidence={"1.3": {"plan": True}}), UNDER_WAY),
    (make_unit(facts_final=True), FINAL),
])
def test_the_stage_follows_what_is_recorded(unit, stage):
    assert unit_stage(RULES, unit) == stage


def test_a_note_alone_starts_the_assessment():
    assert unit_stage(RULES, make_unit(), noted=True) == UNDER_WAY


def test_a_result_is_provisional_until_the_unit_and_the_rankings_are_final():
    result = score(make_unit("甲", facts_final=True), make_unit("乙"))
    first, second = result.unit("甲"), result.unit("乙")
    assert standing(RULES, make_unit("乙"), second).provisional
    # 甲 is final, but 乙 is not: the ranking clauses (and so 甲's grade) may still move
    assert standing(RULES, make_unit("甲", facts_final=True), first).provisional
    both = score(make_unit("甲", facts_final=True), make_unit("乙", facts_final=True))
    assert not standing(RULES, make_unit("甲", facts_final=True), both.unit("甲")).provisional


def test_a_continued_year_is_read_as_not_started_and_the_last_year_as_it_stands(tmp_path):
    last_year = build_year(tmp_path)
    target = tmp_path / "2023年度考核.wjkh"
    assert continue_year(read_previous(last_year), target, NEXT, "李四", "考核组长") == []
    new = read_year_file(target)
    assert new.records and all(r.stage == NOT_STARTED and r.provisional for r in new.records.values())
    old = read_year_file(last_year)
    stages = {r.stage for r in old.records.values()}
    assert FINAL in stages and stages <= {FINAL, UNDER_WAY}
    assert all(r.provisional for r in old.records.values())  # a unit of 2022 is not final yet


def test_the_session_names_the_units_not_started_and_under_way_as_their_stages_and_the_exporter_do(tmp_path):
    from core.editing.session import Session
    from core.pdf.export import Exporter
    from core.store.dataset import Dataset
    target = tmp_path / "2023年度考核.wjkh"
    assert continue_year(read_previous(build_year(tmp_path)), target, NEXT, "李四", "考核组长") == []
    with Dataset.open(target, backups=False) as ds:
        session = Session(ds, 1)
        noted, counted, final = session.unit_ids[:3]
        assert session.set_note("备注", noted, "1.1", "协议原件已核对").ok  # a note alone starts it
        assert session.set_insured_workers("投保", counted, 12).ok
        assert session.mark_final("定稿", [final]).ok
        waiting, under_way = session.not_started_and_under_way()
        name = {uid: session.unit(uid).name for uid in session.unit_ids}
        assert under_way == {name[noted], name[counted]}
        assert waiting == {name[uid] for uid in session.unit_ids[3:]}
        assert all(session.standing(uid).stage == NOT_STARTED for uid in session.unit_ids if name[uid] in waiting)
        exporter = Exporter(ds)
        assert (exporter.not_started(), exporter.under_way()) == (waiting, under_way)
        # the exporter works its units' stages out once per state of the year: a change it is told of counts
        begun = session.unit_ids[3]
        assert session.set_note("备注", begun, "1.1", "已电话联系").ok
        exporter.changed()
        waiting, under_way = session.not_started_and_under_way()
        assert name[begun] in under_way and name[begun] not in waiting
        assert (exporter.not_started(), exporter.under_way()) == (waiting, under_way)


BEICHE, BACHI = "苏州北厍恒源人力资源有限公司", "苏州八坼新程人力资源有限公司"
VETOED = {"吴江盛泽锦程劳务派遣有限公司": "不合格", "吴江开发区联创人力资源有限公司": "取消资格",
          "苏州桃源金梭人力资源有限公司": "取消资格"}
BELOW_60 = "苏州七都太湖汇才人力资源有限公司"  # 41 points; 2.2 at its first place's 15 would still leave it at 51


def test_a_final_unit_s_e_is_certain_while_the_rankings_are_provisional_unless_they_could_lift_it(tmp_path):
    from core.common.messages import render
    from core.store.dataset import Dataset
    from core.years.history import previous_grade_note, previous_result
    last_year = build_year(tmp_path)
    with Dataset.open(last_year) as ds:
        # 61 points, last of the rankings: five complaints take it to 56, under 60, but the first places of
        # 2.1 and 2.2 would bring it back over 60 — its E may still move
        beiche = ds.unit_id(BEICHE)
        assert beiche is not None and ds.set_negatives(1, beiche, complaints=5).ok
        assert ds.mark_final(1, beiche, reason="核对完毕").ok
        # a major incident is its own data, but that data is not final: its E may still move too
        bachi = ds.unit_id(BACHI)
        assert bachi is not None and ds.set_negatives(1, bachi, major_incident=True).ok
    records = {r.name: r for r in read_year_file(last_year).records.values()}
    assert all(r.provisional for r in records.values())  # 八坼 is not final: every ranking waits on it

    for name, status in {**VETOED, BELOW_60: "不合格"}.items():
        record = records[name]
        assert record.stage == FINAL and record.grade == "E" and record.e_settled and not record.grade_provisional
        assert render(previous_result(record, total=False)) == "E"
        # the total and place may still move through the ranking clauses: only they stay 暂定
        assert render(previous_result(record)).endswith(" 分（总分暂定）") and "E（暂定）" not in render(
            previous_result(record))
        assert render(previous_grade_note(record)) == (
            f"上一年度{status}，已定稿：无论尚未定稿的其他运营单位数据如何变动，均为 E 级，"
            "不是暂定（总分和名次仍可能变动）")
    assert float(records[BELOW_60].total) == 41

    for name, stage in ((BEICHE, FINAL), (BACHI, UNDER_WAY)):
        record = records[name]
        assert (record.stage, record.status, record.grade) == (stage, "unqualified" if name == BEICHE else "revoked",
                                                               "E")
        assert not record.e_settled and record.grade_provisional
        assert render(previous_result(record, total=False)) == "E（暂定）"
        assert render(previous_result(record)) == f"E 级（暂定） {render_total(record.total)} 分"
    assert float(records[BEICHE].total) == 56
    assert render(previous_grade_note(records[BEICHE])) == "暂定：尚有单位未定稿，上一年度的等级可能变动"
    assert render(previous_grade_note(records[BACHI])) == "暂定：考核进行中，上一年度的等级可能变动"
    # a qualified unit's grade waits on the others as before
    assert render(previous_result(records["苏州松陵众信人力资源有限公司"], total=False)) == "A（暂定）"


def render_total(total) -> str:
    from core.common.messages import format_number
    return format_number(total)
