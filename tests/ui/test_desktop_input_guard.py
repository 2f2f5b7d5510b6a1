"""The wheel and Ctrl+Z as a person uses them on the demo's 五 page at 1366×768: scrolling over a
number box scrolls the page and changes no fact, whether or not the assessor has clicked into it (three
notches once turned 非集体劳动争议败诉 from 0 to 3 and the unit from 合格 to 不合格; scrolling on after
typing once turned 105 into 103); Ctrl+Z inside a number box undoes the year's last edit."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.input_guard import scroll_area_of

FACT = "individual_disputes_lost"


def open_demo_page(window, tmp_path, page_id: str):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    ws = window.workspace
    ws.go_page(next(i for i, p in enumerate(window.session.pages) if p.id == page_id))
    QApplication.processEvents()
    return ws.clause_page


def wheel(widget, notches: int, at: QPoint | None = None) -> None:
    """Real wheel events over the widget (its middle, or the point `at` in it), entering as the window
    system's do: at its window, which hands each to the widget under the pointer."""
    top = widget.window()
    point = widget.mapTo(top, at if at is not None else QPoint(widget.width() // 2, widget.height() // 2))
    assert top.childAt(point) is widget  # on screen and not covered: what the pointer is over
    for _ in range(abs(notches)):
        QTest.wheelEvent(top.windowHandle(), QPointF(point), QPoint(0, 120 if notches > 0 else -120))


def test_the_wheel_over_a_number_box_scrolls_the_page_and_changes_nothing(qtbot, window, tmp_path):
    page = open_demo_page(window, tmp_path, "五")
    box = page.value_widgets[FACT]
    bar = scroll_area_of(box).verticalScrollBar()
    assert bar.maximum() > 0  # the page can scroll at 1366×768
    before_value, before_total = box.value(), window.session.result.units[0].total
    assert not box.hasFocus()
    for target, at in ((box.lineEdit(), None), (box, QPoint(box.width() - 6, box.height() // 4))):  # the text; the ▲
        for notches in (3, -3):
            bar.setValue(bar.maximum() // 2)
            QApplication.processEvents()
            middle = bar.value()
            wheel(target, notches, at)
            assert (bar.value() < middle) if notches > 0 else (bar.value() > middle)  # the page scrolled
    page.pending.flush()
    assert box.value() == before_value
    assert window.session.result.units[0].total == before_total
    assert not box.hasFocus()
    assert not window.session.history.can_undo  # nothing was saved

    bar.setValue(bar.maximum() // 2)
    QApplication.processEvents()
    qtbot.mouseClick(box.lineEdit(), Qt.MouseButton.LeftButton)  # clicked into and typed: scrolling on with the
    assert box.hasFocus()                                          # pointer over it still changes nothing
    wheel(box.lineEdit(), 2)
    wheel(box.lineEdit(), -1)
    page.pending.flush()
    assert box.value() == before_value and not window.session.history.can_undo
    qtbot.keyClick(box, Qt.Key.Key_Up)  # the keyboard's arrows still turn it
    page.pending.flush()
    assert box.value() == before_value + 1


def test_ctrl_z_inside_a_number_box_undoes_the_years_last_edit(qtbot, window, tmp_path):
    page = open_demo_page(window, tmp_path, "五")
    box = page.value_widgets[FACT]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    before = box.value()
    qtbot.mouseClick(box.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    page.pending.flush()
    assert box.value() == before + 1 and window.session.history.can_undo
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert box.value() == before
    assert window.session.history.can_redo
    qtbot.keyClick(box, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert box.value() == before + 1
