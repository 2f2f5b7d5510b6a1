"""Keeps facts from changing by accident: the mouse wheel never turns a number box or a drop-down,
even one the assessor has just typed into (it scrolls the page instead: scrolling on with the pointer
over the box once turned a typed 105 into 103, saved at once); the keyboard's arrows and the box's own
buttons still do. Ctrl+Z / Ctrl+Y undo and redo the year's last edit wherever the focus is, not the
text inside one box."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

WHEEL_SENSITIVE = (QAbstractSpinBox, QComboBox)
UNDO_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)
REDO_CTRL_Y = QKeySequence("Ctrl+Y")  # the window's 重做 takes it on every system


def wheel_target(widget: QWidget) -> QWidget | None:
    """The number box or drop-down this widget belongs to (a spin box's own line edit included)."""
    while widget is not None and not isinstance(widget, QAbstractScrollArea):
        if isinstance(widget, WHEEL_SENSITIVE):
            return widget
        widget = widget.parentWidget()
    return None


def scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    widget = widget.parentWidget()
    while widget is not None and not isinstance(widget, QAbstractScrollArea):
        widget = widget.parentWidget()
    return widget


class InputGuard(QObject):
    """Installed once on the application (ui/app.py)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, WHEEL_SENSITIVE):
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel alone never gives them focus
            return False
        if kind == QEvent.Type.Wheel and isinstance(watched, QWidget):
            box = wheel_target(watched)
            if box is None:  # (a drop-down's open list is a scroll area of its own: its wheel scrolls it)
                return False
            area = scroll_area_of(box)
            if area is not None:  # the page scrolls as if the box were not there
                assert isinstance(event, QWheelEvent)
                QApplication.sendEvent(area.viewport(), event)
            return True
        if kind == QEvent.Type.ShortcutOverride and QApplication.activeModalWidget() is None:
            assert isinstance(event, QKeyEvent)
            if any(event.matches(key) for key in UNDO_KEYS) or \
                    QKeySequence(event.keyCombination()) == REDO_CTRL_Y:
                event.ignore()  # not the box's own text undo: the window's 撤销 / 重做 shortcut fires
                return True
        return False


def install_input_guard(app: QApplication, shown: tuple[QWidget, ...] = ()) -> InputGuard:
    """Installed on the application; `shown` are windows already polished, whose number boxes and
    drop-downs get the focus policy the guard gives them when they are polished."""
    guard = InputGuard(app)
    app.installEventFilter(guard)
    for window in shown:
        for kind in WHEEL_SENSITIVE:
            for box in window.findChildren(kind):
                box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return guard
