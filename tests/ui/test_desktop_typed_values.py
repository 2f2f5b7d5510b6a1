"""A value typed into a record cell that is no value of its kind (a date that is none, a rating of 9
stars) is refused with one sentence naming the row, the column and the value, shown where every
refused edit is shown (the 未保存 box and the status bar), and nothing is saved; an emptied date is
a date not typed yet."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from core.scoring.assessment import BASES, DELIVERIES
from tests.desktop_support import answer_modal, check_answered, new_unit_record
from tests.ui.test_desktop import shot
from tests.ui.test_desktop_day import type_into_cell


def test_a_date_that_is_none_is_refused_with_the_ways_a_date_is_written_and_nothing_is_saved(qtbot, window, tmp_path):
    page, uid, model, view = new_unit_record(qtbot, window, tmp_path, "1.1", "添加基地", BASES)
    session = window.session
    date_column = model.columns.index("agreement_date")
    type_into_cell(qtbot, view, 0, date_column, "2022-10-15")
    assert session.unit(uid).bases[0].agreement_date.isoformat() == "2022-10-15"
    window.statusBar().clearMessage()
    entries = len(session.ds.audit_entries())

    type_into_cell(qtbot, view, 0, date_column, "2022/13/40")
    sentence = "第 1 行的协议签订日期“2022/13/40”不是有效日期，可写作 2022-03-15、2022/3/15 或 2022年3月15日。"
    assert window.last_problems == [sentence] and window.last_problems_title == "未保存"
    assert window.statusBar().currentMessage() == sentence  # not 已自动保存
    assert session.unit(uid).bases[0].agreement_date.isoformat() == "2022-10-15"
    assert model.index(0, date_column).data() == "2022-10-15"
    assert len(session.ds.audit_entries()) == entries  # nothing saved
    shot(window, "new-records-bad-date-status")

    # as the assessor sees it: the warning box of every refused edit
    window.quiet_problems = False
    seen: dict[str, str] = {}

    def read(box) -> None:
        seen["text"] = box.text()
        shot(box, "new-records-bad-date-box")
        box.accept()
    state = answer_modal(QMessageBox, read)
    type_into_cell(qtbot, view, 0, date_column, "2022.2.30")
    check_answered(state)
    assert seen["text"] == sentence.replace("2022/13/40", "2022.2.30")
    assert session.unit(uid).bases[0].agreement_date.isoformat() == "2022-10-15"


def test_stars_out_of_range_are_refused_and_a_cleared_date_is_no_longer_typed(qtbot, window, tmp_path):
    page, uid, model, view = new_unit_record(qtbot, window, tmp_path, "3.1", "添加输送记录", DELIVERIES)
    session = window.session
    stars = model.columns.index("stars")
    type_into_cell(qtbot, view, 0, stars, "9")
    assert window.last_problems == ["第 1 行的企业评分（星）“9”不对：企业评分是 0 至 5 的整数星数。"]
    assert session.unit(uid).deliveries[0].stars is None
    type_into_cell(qtbot, view, 0, stars, "4")
    assert session.unit(uid).deliveries[0].stars == 4
    type_into_cell(qtbot, view, 0, stars, "7")  # in the number box a typed rating opens with
    assert window.last_problems == ["第 1 行的企业评分（星）“7”不对：企业评分是 0 至 5 的整数星数。"]
    assert session.unit(uid).deliveries[0].stars == 4

    date = model.columns.index("date")
    type_into_cell(qtbot, view, 0, date, "20220411")
    assert session.unit(uid).deliveries[0].date.isoformat() == "2022-04-11"
    type_into_cell(qtbot, view, 0, date, "")  # emptied: not typed (the delivery stops counting, and says why)
    assert session.unit(uid).deliveries[0].date is None
    assert "输送日期未填写" in page.explanation.toPlainText()
