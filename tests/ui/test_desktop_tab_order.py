"""The keyboard alone, as a clerk goes down a clause page with Tab: from the clause list into the facts, on
through the evidence, the note and the attachments; Tab in the note goes on instead of typing a tab into it
(34 tab characters were once saved as a unit's note and written into the trail)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.test_desktop_input_guard import open_demo_page


def tab_through(qtbot, start, presses: int) -> list:
    start.setFocus()
    QApplication.processEvents()
    seen = [QApplication.focusWidget()]
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    return seen


def test_tab_goes_down_the_page_facts_first_and_out_of_the_note(qtbot, window, tmp_path):
    page = open_demo_page(window, tmp_path, "4.2")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    box = next(iter(page.value_widgets.values()))
    seen = tab_through(qtbot, window.workspace.navigator, 40)
    inside = [w for w in seen if w is not None]
    facts = [i for i, w in enumerate(inside) if w is box or box.isAncestorOf(w)]
    note = [i for i, w in enumerate(inside) if w is page.note_edit]
    assert facts and note and facts[0] < note[0], [type(w).__name__ for w in inside]
    assert any(w is page.add_attachment_button for w in inside[note[0]:])  # past the note, on to the attachments
    assert "\t" not in page.note_edit.toPlainText()
    page.pending.flush()
    assert not window.session.history.can_undo  # going through the page saved nothing


def test_every_clause_page_orders_its_tabs_within_the_window(qtbot, window, tmp_path, qtlog):
    """A drop-down's list is a window of its own: it is no Tab stop of the page (ordering it made Qt say
    "setTabOrder: 'first' and 'second' must be in the same window" on every page with a drop-down)."""
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    workspace = window.workspace
    for uid in window.session.unit_ids[:3]:
        workspace.select_unit(uid)
        for index in range(len(window.session.pages)):
            workspace.go_page(index)
            QApplication.processEvents()
    said = [m.message for m in qtlog.records if "setTabOrder" in m.message]
    assert not said, said
