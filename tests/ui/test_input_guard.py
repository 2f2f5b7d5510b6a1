"""The input guard (ui/input_guard.py) on plain windows: it covers the windows already on screen when
it is installed (the desktop installs it after the first paint) and every window that gets the focus
later, with wheel events entering at the window as the window system's do; and it stays out of the
paint of ordinary widgets, where a filter on the whole application cost every switch 5–9 ms."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from ui.app import create_app
from ui.input_guard import InputGuard, install_input_guard


def boxed_page(top: QWidget) -> tuple[QSpinBox, QScrollArea]:
    """A number box in the middle of a page taller than its scroll area."""
    area = QScrollArea(top)
    QVBoxLayout(top).addWidget(area)
    inner = QWidget()
    column = QVBoxLayout(inner)
    for i in range(12):
        column.addWidget(QLabel(f"第 {i + 1} 行"))
    box = QSpinBox()
    box.setValue(5)
    column.addWidget(box)
    for i in range(40):
        column.addWidget(QLabel(f"第 {i + 13} 行"))
    area.setWidget(inner)
    top.resize(320, 400)
    return box, area


def wheel_down_over(box: QSpinBox) -> None:
    top = box.window()
    point = box.lineEdit().mapTo(top, QPoint(box.lineEdit().width() // 2, box.lineEdit().height() // 2))
    assert top.childAt(point) is box.lineEdit()
    QTest.wheelEvent(top.windowHandle(), QPointF(point), QPoint(0, -120))


def scrolled_not_turned(box: QSpinBox, area: QScrollArea) -> bool:
    bar = area.verticalScrollBar()
    bar.setValue(100)
    QApplication.processEvents()
    wheel_down_over(box)
    return box.value() == 5 and bar.value() > 100


def test_windows_on_screen_before_the_guard_are_covered(qtbot):
    app = create_app()
    ours = app._leye_input_guard
    ours.stop()  # as at start-up: the window is shown before any guard exists
    try:
        top = QWidget()
        qtbot.addWidget(top)
        box, area = boxed_page(top)
        top.show()
        qtbot.waitExposed(top)
        assert not scrolled_not_turned(box, area) and box.value() == 4  # unguarded: the wheel turns the box
        box.setValue(5)
        late = install_input_guard(app, (top,))
        assert scrolled_not_turned(box, area)
        late.stop()
    finally:
        app._leye_input_guard = install_input_guard(app)


def test_a_window_opened_later_is_covered_once_it_has_the_focus(qtbot):
    create_app()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    box, area = boxed_page(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is dialog.windowHandle())
    assert scrolled_not_turned(box, area)


def test_the_paint_of_an_ordinary_widget_never_reaches_the_guard(qtbot, monkeypatch):
    create_app()
    seen = []
    watch = InputGuard.eventFilter
    monkeypatch.setattr(InputGuard, "eventFilter", lambda self, watched, event: seen.append(watched) or
                        watch(self, watched, event))
    top = QWidget()
    qtbot.addWidget(top)
    label = QLabel("乐业吴江", top)
    top.show()
    top.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is top.windowHandle())
    seen.clear()
    for _ in range(3):
        label.repaint()
    assert label not in seen
    seen.clear()
    QTest.wheelEvent(top.windowHandle(), QPointF(5, 5), QPoint(0, -120))
    assert top.windowHandle() in seen  # the window's own input is watched
