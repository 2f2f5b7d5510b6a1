"""Removing a base or a trip asks first, naming it and what goes with it: a tester was asked only “确定删除第 1 行
记录吗？” of a trip with six 评价表 and three ticked evidence items, all of which the removal takes along."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from core.scoring.assessment import BASES, TRIPS
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop_input_guard import open_demo_page


def remove_first(qtbot, window, page, table: str, button_text: str, answer_with: QMessageBox.StandardButton) -> str:
    """Select the table's first row by a click, press the page's remove button, read the question, answer it."""
    view = page.record_views[table]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.model().index(0, 1)).center())
    asked: list[str] = []

    def answer(box: QMessageBox) -> None:
        asked.append(box.text())
        shot_over(window, box, f"remove-{table}-question")
        qtbot.mouseClick(box.button(answer_with), Qt.MouseButton.LeftButton)
    state = answer_modal(QMessageBox, answer)
    button = next(b for b in page.findChildren(QPushButton) if b.text() == button_text and b.isVisible())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    check_answered(state)
    QApplication.processEvents()
    return asked[0]


def test_removing_a_trip_names_it_and_its_forms_and_ticks_and_no_keeps_it(qtbot, window, tmp_path):
    page = open_demo_page(window, tmp_path, "1.2")
    session, uid = window.session, window.workspace.unit_id
    trips = session.trip_ids(uid)
    trip = session.unit(uid).trips[0]
    assert trip.evaluations and any(trip.evidence.values())
    seen = sum(1 for ticked in trip.evidence.values() if ticked)
    said = remove_first(qtbot, window, page, TRIPS, "删除所选活动", QMessageBox.StandardButton.No)
    assert said == (f"确定删除第 1 行的赴外招聘“{trip.date.isoformat()} {trip.place}”吗？其企业评价表 "
                    f"{len(trip.evaluations)} 份、已勾选查验的依据 {seen} 项一并删除。可用“撤销”恢复。"), said
    assert session.trip_ids(uid) == trips  # 否: nothing removed
    remove_first(qtbot, window, page, TRIPS, "删除所选活动", QMessageBox.StandardButton.Yes)
    assert session.trip_ids(uid) == trips[1:]


def test_removing_a_base_names_it_and_its_ticked_evidence(qtbot, window, tmp_path):
    page = open_demo_page(window, tmp_path, "1.1")
    session, uid = window.session, window.workspace.unit_id
    base = session.unit(uid).bases[0]
    said = remove_first(qtbot, window, page, BASES, "删除所选基地", QMessageBox.StandardButton.No)
    assert said == (f"确定删除第 1 行的基地“{base.name}”吗？已勾选查验的依据 1 项一并删除。可用“撤销”恢复。"), said
