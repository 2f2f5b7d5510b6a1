"""4.2 as the assessor types it: more people insured than were confirmed brought in (200 typed for 20)
keeps its full points, as the rules give them, but the explanation beside the figure asks for it to be
checked, so a slip of the keyboard does not pass unseen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.test_desktop import shot
from tests.ui.test_desktop_input_guard import open_demo_page


def type_insured(qtbot, page, text: str) -> None:
    spin = page.value_widgets["insured_workers"]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    page.pending.flush()
    QApplication.processEvents()


def test_more_insured_than_arrivals_is_asked_to_be_checked_in_the_explanation(qtbot, window, tmp_path):
    page = open_demo_page(window, tmp_path, "4.2")
    unit_id = window.workspace.unit_id
    arrivals = window.session.clause_result(unit_id, "4.2").explanation.facts[0].param("arrivals")
    assert arrivals > 0
    type_insured(qtbot, page, str(arrivals))
    assert "请核对" not in page.explanation.toPlainText()

    type_insured(qtbot, page, str(arrivals * 10))
    assert window.session.unit(unit_id).insured_workers == arrivals * 10
    assert window.session.clause_result(unit_id, "4.2").net == 3
    text = page.explanation.toPlainText()
    assert (f"请核对：投保人数 {arrivals * 10} 人多于确认的进吴务工人员 {arrivals} 人"
            "（投保人数应只计本年度进吴的务工人员）") in text
    shot(window, "clause-4.2-more-insured-than-arrivals")
