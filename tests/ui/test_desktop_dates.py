"""Typing a date into a table cell as a person does (F2, the keys, Enter): every usual way of writing
2022-10-15 stores exactly that date (Qt's date box once stored 2022/10/15 as 2022-04-10)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from core.common.dates import parse_date
from core.scoring.assessment import TRIPS
from tests.ui.test_desktop import type_chinese
from tests.ui.test_desktop_input_guard import open_demo_page


@pytest.mark.parametrize("typed", ["2022-10-15", "2022/10/15", "2022.10.15", "20221015", "2022年10月15日"])
def test_a_typed_date_is_stored_exactly(qtbot, window, tmp_path, typed):
    page = open_demo_page(window, tmp_path, "1.2")
    view, model = page.record_views[TRIPS], page.record_models[TRIPS]
    index = model.index(0, model.columns.index("date"))
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    if typed.isascii():
        qtbot.keyClicks(editor, typed)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
        type_chinese(editor, typed)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert window.session.unit(window.workspace.unit_id).trips[0].date == dt.date(2022, 10, 15)


def test_the_date_reading_refuses_what_is_no_date():
    assert parse_date("2022-02-30") is None
    assert parse_date("15/10/2022") is None
    assert parse_date(" 2022年3月1日 ") == dt.date(2022, 3, 1)


def test_tab_after_typing_in_a_new_row_moves_to_the_next_cell_of_that_row(qtbot, window, tmp_path):
    """Tab once jumped to row 1's first cell in edit mode, and the next keys replaced its name."""
    page = open_demo_page(window, tmp_path, "1.2")
    view, model = page.record_views[TRIPS], page.record_models[TRIPS]
    first_place = model.records()[0].place
    page.add_record(TRIPS)
    last = model.rowCount() - 1
    place = model.columns.index("place")
    view.setFocus()
    view.setCurrentIndex(model.index(last, place))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    type_chinese(editor, "河南省周口市")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert view.currentIndex().row() == last and view.currentIndex().column() == place + 1
    follower = QApplication.focusWidget()
    if isinstance(follower, QLineEdit):  # the next cell's editor takes the next keys, not row 1
        follower.selectAll()
        qtbot.keyClick(follower, Qt.Key.Key_Backspace)
        type_chinese(follower, "线上")
        qtbot.keyClick(follower, Qt.Key.Key_Escape)
    records = model.records()
    assert records[0].place == first_place
    assert records[last].place == "河南省周口市"


def test_the_trips_table_fits_1366_and_the_evaluations_of_the_chosen_trip_are_edited_below(qtbot, window, tmp_path):
    from tests.ui.test_desktop import shot
    page = open_demo_page(window, tmp_path, "1.2")
    view, model = page.record_views[TRIPS], page.record_models[TRIPS]
    QApplication.processEvents()
    assert view.horizontalScrollBar().maximum() == 0, "the trips table scrolls sideways at 1366 px"
    mode = model.columns.index("mode")
    assert view.columnWidth(mode) >= view.fontMetrics().horizontalAdvance("线下") + 20  # not cut to "纟"
    last = model.columns.index("verdict")
    assert view.columnViewportPosition(last) + 20 < view.viewport().width()  # 计分情况 in view
    shot(window, "clause-1.2-at-1366")
    spins = page.trip_evaluation_spins
    poor = spins["verdict_count:差"]
    assert not poor.isEnabled() or view.currentIndex().isValid()
    row = 0  # room for three more forms: the trip took more enterprises
    assert model.setData(model.index(row, model.columns.index("enterprises")), len(model.records()[row].evaluations) + 3,
                         Qt.ItemDataRole.EditRole)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(row, 1)).center())
    assert poor.isEnabled()
    stored = model.records()[row].evaluations.count("差")
    poor.setFocus()
    poor.selectAll()
    qtbot.keyClicks(poor.lineEdit(), str(stored + 3))
    qtbot.keyClick(poor, Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert model.records()[row].evaluations.count("差") == stored + 3  # saved to the chosen trip
    poor.setFocus()
    poor.selectAll()
    qtbot.keyClicks(poor.lineEdit(), "99")  # more forms than enterprises: refused, and the box says what is stored
    qtbot.keyClick(poor, Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert model.records()[row].evaluations.count("差") == stored + 3 and poor.value() == stored + 3
    trip = model.records()[row]
    named = f"赴外招聘“{trip.date.isoformat()} {trip.place}”的评价表"  # which trip: the table has several
    assert any("多于带队企业数" in t and named in t for t in window.last_problems), window.last_problems
    other = (row + 1) % model.rowCount()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(other, 1)).center())
    assert poor.value() == model.records()[other].evaluations.count("差")


def test_every_fact_table_fits_1366_without_sideways_scrolling(qtbot, window, tmp_path):
    from core.scoring.assessment import BASES
    page = open_demo_page(window, tmp_path, "1.1")
    for index in range(len(window.session.pages)):
        window.workspace.go_page(index)
        QApplication.processEvents()
        for kind, view in page.record_views.items():
            assert view.horizontalScrollBar().maximum() == 0, (window.session.pages[index].id, kind)
    window.workspace.go_page(0)
    QApplication.processEvents()
    model = page.record_models[BASES]
    name = model.index(0, model.columns.index("name"))
    assert name.data(Qt.ItemDataRole.ToolTipRole) == name.data()  # a name cut with "…" shows whole on hover
