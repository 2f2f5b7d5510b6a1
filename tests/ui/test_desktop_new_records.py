"""A record added with a clause page's button (添加基地, 添加赴外招聘, 添加输送记录) has none of the facts it
needs until they are typed, and does not count until they are: the explanation says which fact is
still to be filled in and the clause is not 已完成."""

from __future__ import annotations

from core.scoring.assessment import BASES, DELIVERIES, DONE, INCOMPLETE, TRIPS
from tests.desktop_support import NEW_UNIT, new_unit_record, tick_cell
from tests.ui.test_desktop import click, expected_points, shot
from tests.ui.test_desktop_day import type_into_cell


def row_texts(model, row: int) -> dict[str, str]:
    return {column: model.index(row, i).data() for i, column in enumerate(model.columns)}


def test_a_new_base_counts_only_once_its_name_and_agreement_date_are_typed(qtbot, window, tmp_path):
    page, uid, model, view = new_unit_record(qtbot, window, tmp_path, "1.1", "添加基地", BASES)
    session = window.session
    base = session.unit(uid).bases[0]
    assert (base.name, base.agreement_date) == ("", None)
    shown = row_texts(model, 0)
    assert shown["name"] == "未填写" and shown["agreement_date"] == "未填写"

    tick_cell(qtbot, view, 0, model.columns.index("evidence:agreement"))  # the agreement seen, nothing typed
    assert session.unit(uid).bases[0].evidence == {"agreement": True}
    result = session.clause_result(uid, "1.1")
    assert result.net == 0 and page.points_label.text() == expected_points(window, NEW_UNIT, "1.1") == "0 分"
    explanation = page.explanation.toPlainText()
    assert "不计入（基地名称未填写、协议签订日期未填写）" in explanation and "：计入" not in explanation
    assert "基地名称未填写" in row_texts(model, 0)["verdict"]
    assert session.progress(uid)["1.1"] == INCOMPLETE
    shot(window, "new-records-1.1-added-and-ticked")

    columns = model.columns
    type_into_cell(qtbot, view, 0, columns.index("name"), "云南昭通劳务协作基地", chinese=True)
    assert session.clause_result(uid, "1.1").net == 0  # the date is still to be typed
    assert "不计入（协议签订日期未填写）" in page.explanation.toPlainText()
    type_into_cell(qtbot, view, 0, columns.index("agreement_date"), "2022/3/15")
    base = session.unit(uid).bases[0]
    assert (base.name, base.agreement_date.isoformat()) == ("云南昭通劳务协作基地", "2022-03-15")
    assert session.clause_result(uid, "1.1").net > 0
    assert page.points_label.text() == expected_points(window, NEW_UNIT, "1.1")
    assert "云南昭通劳务协作基地（劳务基地，协议日期 2022-03-15）：计入" in page.explanation.toPlainText()
    assert session.progress(uid)["1.1"] == DONE
    shot(window, "new-records-1.1-typed")


def test_a_new_delivery_has_no_date_enterprise_or_stars_and_counts_once_they_are_typed(qtbot, window, tmp_path):
    page, uid, model, view = new_unit_record(qtbot, window, tmp_path, "3.1", "添加输送记录", DELIVERIES)
    session = window.session
    delivery = session.unit(uid).deliveries[0]
    assert (delivery.date, delivery.enterprise, delivery.stars) == (None, "", None)
    assert [row_texts(model, 0)[c] for c in ("date", "enterprise", "stars")] == ["未填写"] * 3
    for box in page.evidence_boxes.values():  # 用工速递系统内部统计已核对
        click(qtbot, box)
    assert session.clause_result(uid, "3.1").net == 0 and page.points_label.text() == "0 分"
    assert "不计入（输送日期未填写、缺工企业未填写、企业评分未填写）" in page.explanation.toPlainText()
    assert session.progress(uid)["3.1"] == INCOMPLETE and page.progress_label.text() != "已完成"
    shot(window, "new-records-3.1-added-and-ticked")

    columns = model.columns
    type_into_cell(qtbot, view, 0, columns.index("date"), "2022年4月11日", chinese=True)
    type_into_cell(qtbot, view, 0, columns.index("enterprise"), "吴江瑞丰光电科技有限公司", chinese=True)
    assert session.clause_result(uid, "3.1").net == 0
    type_into_cell(qtbot, view, 0, columns.index("stars"), "5")
    delivery = session.unit(uid).deliveries[0]
    assert (delivery.date.isoformat(), delivery.enterprise, delivery.stars) == (
        "2022-04-11", "吴江瑞丰光电科技有限公司", 5)
    assert session.clause_result(uid, "3.1").net > 0
    assert page.points_label.text() == expected_points(window, NEW_UNIT, "3.1")
    assert "2022-04-11 吴江瑞丰光电科技有限公司（5 星）：计入" in page.explanation.toPlainText()
    assert session.progress(uid)["3.1"] == DONE
    shot(window, "new-records-3.1-typed")


def test_a_new_trip_has_no_date_or_place_until_typed(qtbot, window, tmp_path):
    page, uid, model, _ = new_unit_record(qtbot, window, tmp_path, "1.2", "添加赴外招聘", TRIPS)
    session = window.session
    trip = session.unit(uid).trips[0]
    assert (trip.date, trip.place) == (None, "")
    assert row_texts(model, 0)["date"] == "未填写" and row_texts(model, 0)["place"] == "未填写"
    assert session.clause_result(uid, "1.2").net == 0
    assert "活动日期未填写、活动地点未填写" in page.explanation.toPlainText()
    assert session.progress(uid)["1.2"] == INCOMPLETE
