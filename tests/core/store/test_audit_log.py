"""The year's audit trail read for people (core/store/audit_log.py): edits made through the session and merged
from field copies, each told with when, who (whose copy, who merged it), unit, page, old → new in the page's words
and why; filtered by unit, page and assessor; no internal id shown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from core.common.messages import render
from core.editing.session import Session
from core.store.audit_log import cells, changes_of, line
from core.store.dataset import Dataset
from core.teamwork.field_copy import make_field_copy
from core.teamwork.merge import merge_copy
from tests.teamwork_support import complaints_three_ways, copy_with_edits, year_in_the_field

LEAD = 1


@pytest.fixture
def year(tmp_path) -> Path:
    return year_in_the_field(tmp_path / "2022.wjkh")


def lines(ds: Dataset, **filters) -> list[str]:
    return [render(line(c)) for c in changes_of(ds, **filters)]


def test_edits_through_the_session_are_told_in_the_words_of_the_pages(year):
    with Dataset.open(year, backups=False) as ds:
        before = len(changes_of(ds))
        s = Session(ds, LEAD)
        uid = s.unit_ids[0]
        name = s.unit(uid).name
        bid = s.base_ids(uid)[0]
        assert s.set_negatives("负面", uid, complaints=3).ok
        tick = ds.evidence_tick(uid, "1.3", "annual_plan")
        seen = not (tick is not None and tick["seen"])
        assert s.tick("勾选", uid, "1.3", "annual_plan", seen).ok
        assert s.update_base("日期", uid, bid, agreement_date=dt.date(2022, 7, 7)).ok
        assert s.update_base("人数", uid, bid, people=99).ok
        assert s.add_trip("加活动", uid, dt.date(2022, 5, 5), "昆明", "online", 6).ok
        assert s.remove_base("删基地", uid, bid).ok
        assert s.add_attachment("附件", uid, "1.1", b"\x89PNG fake", "协议.png").ok
        changes = changes_of(ds)[before:]
        told = [render(line(c)) for c in changes]
    assert told[7].split("　")[4] == f"添加单位“{name}”第 1.1 条的附件“协议.png”"  # not who added it, by number
    changes, told = changes[:7], told[:7]
    assert len(changes) == 7 and all(c.who == "组长王" for c in changes)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", c.when) for c in changes)
    assert {c.unit for c in changes} == {name}
    assert [c.page for c in changes] == ["五", "1.3", "1.1", "2.1", "1.2", "1.1", "1.1"]  # the base goes with its tick
    assert told[0].endswith(f"五 负面影响　单位“{name}”的负面情形的“评价周期内被投诉（次）”：0 → 3")
    assert "1.3 " in told[1] and "依据“" in told[1]
    assert told[1].endswith("的“已查验”：否 → 是" if seen else "的“已查验”：是 → 否")
    assert "的“协议签订日期”：" in told[2] and told[2].endswith("→ 2022-07-07")
    assert told[3].endswith("的“人数”：60 → 99")
    assert "添加单位" in told[4] and "昆明" in told[4] and "线上" in told[4]
    assert told[5].split("　")[4].startswith(f"删除单位“{name}”第 1.1 条基地“贵州铜仁劳务基地”的依据“")
    assert told[6].split("　")[4].startswith(f"删除单位“{name}”的基地“贵州铜仁劳务基地”：协议签订日期 2022-07-07、")
    assert "人数 99" in told[6] and "类型 劳务基地" in told[6] and "labour" not in told[6]


def test_the_columns_do_not_say_again_the_unit_their_unit_column_names(year):
    """修改内容 beside 单位 (the view's and the sheet's columns): a record of the unit without its name; the unit's
    own fields as 本单位's; the unit under a name it no longer has (an edit before it was renamed) keeps it."""
    with Dataset.open(year, backups=False) as ds:
        before = len(changes_of(ds))
        s = Session(ds, LEAD)
        uid = s.unit_ids[0]
        old_name = s.unit(uid).name
        bid = s.base_ids(uid)[0]
        assert s.set_insured_workers("投保", uid, 40).ok
        assert s.update_unit("改名", uid, name="吴江新名人力资源有限公司").ok
        assert s.set_negatives("负面", uid, complaints=3).ok
        assert s.update_base("人数", uid, bid, people=99).ok
        assert s.add_trip("加活动", uid, dt.date(2022, 5, 5), "昆明", "online", 6).ok
        assert s.remove_base("删基地", uid, bid).ok
        assert s.add_attachment("附件", uid, "1.1", b"\x89PNG fake", "协议.png").ok
        every = changes_of(ds)
        shown = [cells(c) for c in every[before:]]
        first = cells(every[0])
        told = [render(line(c)) for c in every[before:]]
    assert {row[2] for row in shown} == {"吴江新名人力资源有限公司"}
    assert shown[0][4] == f"单位“{old_name}”的“投保人数”"  # named as it was then: the column names it as it is now
    assert shown[1][4] == "本单位的“名称”" and shown[1][5:7] == (old_name, "吴江新名人力资源有限公司")
    assert shown[2][4] == "负面情形的“评价周期内被投诉（次）”"
    assert shown[3][4] == "基地“贵州铜仁劳务基地”的“人数”"
    assert shown[4][4] == "添加赴外招聘“2022-05-05 昆明”"
    assert shown[5][4].startswith("删除第 1.1 条基地“贵州铜仁劳务基地”的依据“")
    assert shown[6][4] == "删除基地“贵州铜仁劳务基地”"
    assert shown[7][4] == "添加第 1.1 条的附件“协议.png”"
    assert first[2] == "" and first[4].startswith("导入年度数据")  # the year's facts at once: no unit, told whole
    # a line, with no 单位 column, says it all
    assert told[2].endswith("　单位“吴江新名人力资源有限公司”的负面情形的“评价周期内被投诉（次）”：0 → 3")


def test_a_merged_field_copy_names_whose_copy_it_was_who_merged_it_and_both_reasons(year):
    """The tester's 芦墟远帆: 组长王 0→3; 张三's copy 3→2 merged; 李四's copy 2→6 merged on a conflict."""
    uid = complaints_three_ways(year, "以热线记录为准")
    with Dataset.open(year, read_only=True) as ds:
        complaints = changes_of(ds, unit=uid, page="五")
        name = ds.unit(uid).name
        told = lines(ds, unit=uid, page="五")
    assert [(c.who, c.old, c.new, c.copy, c.merged_by) for c in complaints] == [
        ("组长王", 0, 3, "", ""), ("张三", 3, 2, "张三.wjkh", "组长王"), ("李四", 2, 6, "李四.wjkh", "组长王")]
    assert complaints[1].reason == "张三现场核实投诉2次为准" and complaints[2].reason == "李四核实12345热线6次"
    assert complaints[2].merge_reason == "以热线记录为准"
    when = complaints[1].merged_when
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", when)
    assert told[1].split("　", 1)[1] == (
        f"张三（外业副本 张三.wjkh，组长王 {when} 合并）　{name}　五 负面影响　"
        f"单位“{name}”的负面情形的“评价周期内被投诉（次）”：3 → 2　理由：张三现场核实投诉2次为准")
    assert told[2].endswith("理由：李四核实12345热线6次（合并时的理由：以热线记录为准）")


def test_a_conflict_kept_on_the_year_files_side_is_a_line_of_the_leads(year):
    folder = year.parent
    with Dataset.open(year, backups=False) as ds:
        uid = ds.unit_ids()[0]
        make_field_copy(ds, folder / "李四.wjkh", "李四", LEAD)
        assert ds.set_negatives(LEAD, uid, complaints=2).ok
    with Dataset.open(folder / "李四.wjkh", backups=False) as ds:
        assert ds.set_negatives(ds.assessor_id("李四"), ds.unit_ids()[0], complaints=6, reason="热线").ok
    with Dataset.open(year, backups=False) as ds, Dataset.open(folder / "李四.wjkh", read_only=True) as c:
        assert merge_copy(ds, c, "李四.wjkh", LEAD, choices={1: "mine"}, reason="以办公室为准")[1].ok
        last = changes_of(ds, unit=uid)[-1]
    assert (last.who, last.copy, last.reason) == ("组长王", "", "以办公室为准")
    assert render(last.what).startswith("合并外业副本时保留单位“")
    assert render(last.new) == "2（未采用外业副本 李四.wjkh 中 李四 改的 6）"


def test_a_copy_with_many_edits_merged_and_the_filters(year):
    copy = copy_with_edits(year, 12)
    with Dataset.open(year, backups=False) as ds, Dataset.open(copy, read_only=True) as c:
        assert merge_copy(ds, c, copy.name, LEAD)[1].ok
    with Dataset.open(year, read_only=True) as ds:
        every = changes_of(ds)
        field = changes_of(ds, who="张三")
        first = ds.unit_ids()[0]
        of_unit = changes_of(ds, unit=first)
        deliveries = changes_of(ds, unit=first, page="3.1")
    assert len(field) == 12 and all((c.copy, c.merged_by) == ("外业.wjkh", "组长王") for c in field)
    assert {c.page for c in field} == {"3.1", "4.2"}
    assert of_unit and all(c.unit_id == first for c in of_unit) and len(of_unit) < len(every)
    assert deliveries and all(c.page == "3.1" and c.unit_id == first for c in deliveries)
    assert sum(c.who == "张三" for c in deliveries) == 2  # edits 0 and 4 (8 sets its insured workers: 4.2)


def test_a_trip_s_evaluation_forms_counted_again_read_as_the_counts_the_assessor_changed(year):
    """1.2's 评价表份数 changed (差 raised on a trip of 好, 较好, 一般): one line of the counts before and after, as the
    page shows them, not each form deleted and added again, nor forms said to change that were not touched; the
    same counts in another order: no line."""
    with Dataset.open(year, backups=False) as ds:
        s = Session(ds, LEAD)
        uid = s.unit_ids[0]
        assert s.add_trip("加活动", uid, dt.date(2022, 5, 5), "昆明", "offline", 6).ok
        trip = s.trip_ids(uid)[-1]
        assert s.set_trip_evaluations("评价", uid, trip, ("好", "较好", "一般")).ok
        before = len(changes_of(ds))
        assert s.set_trip_evaluations("评价", uid, trip, ("好", "一般", "差", "差")).ok
        assert s.set_trip_evaluations("评价", uid, trip, ("差", "好", "差", "一般")).ok
        changes = changes_of(ds)[before:]
        told = [render(line(c)) for c in changes]
    assert len(told) == 1, told
    assert told[0].endswith("的赴外招聘“2022-05-05 昆明”的企业评价表份数：好 1 份、较好 1 份、一般 1 份 → "
                            "好 1 份、一般 1 份、差 2 份"), told[0]
    assert changes[0].page == "1.2" and changes[0].unit
