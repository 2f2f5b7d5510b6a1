"""Keeps facts from changing by accident: the mouse wheel never turns a number box or a drop-down,
even one the assessor has just typed into (it scrolls the page instead: scrolling on with the pointer
over the box once turned a typed 105 into 103, saved at once); the keyboard's arrows and the box's own
buttons still do. Ctrl+Z / Ctrl+Y undo and redo the year's last edit wherever the focus is, not the
text inside one box."""

from __future__ import annotations

from contextlib import suppress

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence, QWheelEvent, QWindow
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

WHEEL_SENSITIVE = (QAbstractSpinBox, QComboBox)
TYPING = (QAbstractSpinBox, QComboBox, QLineEdit, QTextEdit, QPlainTextEdit)  # each undoes its own typing
UNDO_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)
REDO_CTRL_Y = QKeySequence("Ctrl+Y")  # the window's 重做 takes it on every system
WHEEL = QEvent.Type.Wheel
SHORTCUT_OVERRIDE = QEvent.Type.ShortcutOverride


def wheel_target(widget: QWidget | None) -> QWidget | None:
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
    """Watches few objects, where the input arrives: each window (the wheel reaches a window before Qt
    hands it to the widget under the pointer) and the widget being typed into (Ctrl+Z is offered to it
    first). A filter on the whole application would see every paint of every widget; crossing into
    Python for each cost a switch of unit or clause 5–9 ms."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.app = app
        self._typing: QWidget | None = None
        self.stopped = False
        app.focusWindowChanged.connect(self.watch_window)
        app.focusChanged.connect(self._focus_moved)

    def stop(self) -> None:
        """Watches nothing more (the windows watched so far keep a filter that lets everything through)."""
        self.app.focusWindowChanged.disconnect(self.watch_window)
        self.app.focusChanged.disconnect(self._focus_moved)
        self._focus_moved(None, None)
        self.stopped = True

    def watch_window(self, window: QWindow | None) -> None:
        if window is not None:
            window.installEventFilter(self)  # (Qt keeps one entry per filter: watching twice is harmless)

    def _focus_moved(self, _old: QWidget | None, now: QWidget | None) -> None:
        if self._typing is not None:
            with suppress(RuntimeError):  # deleted meanwhile
                self._typing.removeEventFilter(self)
        self._typing = now if isinstance(now, TYPING) else None
        if self._typing is not None:
            self._typing.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.stopped:
            return False
        kind = event.type()
        if kind == WHEEL and isinstance(watched, QWindow):
            assert isinstance(event, QWheelEvent)
            return self._wheel(watched, event)
        if kind == SHORTCUT_OVERRIDE and QApplication.activeModalWidget() is None:
            assert isinstance(event, QKeyEvent)
            if any(event.matches(key) for key in UNDO_KEYS) or \
                    QKeySequence(event.keyCombination()) == REDO_CTRL_Y:
                event.ignore()  # not the box's own text undo: the window's 撤销 / 重做 shortcut fires
                return True
        return False

    @staticmethod
    def _wheel(window: QWindow, event: QWheelEvent) -> bool:
        """A wheel over a number box or drop-down goes to the page around it, as if the box were not there."""
        top = next((w for w in QApplication.topLevelWidgets() if w.windowHandle() is window), None)
        if top is None or QApplication.activePopupWidget() is not None:
            return False  # (an open drop-down's list is a window of its own: its wheel scrolls it)
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not top:
            return False  # Qt keeps it from a window behind the dialog
        box = wheel_target(top.childAt(event.position().toPoint()))
        if box is None:
            return False
        area = scroll_area_of(box)
        if area is not None:
            QApplication.sendEvent(area.viewport(), event)
        return True


def install_input_guard(app: QApplication, shown: tuple[QWidget, ...] = ()) -> InputGuard:
    """From now on, and for the windows of `shown`, already on screen (later ones as they get the focus)."""
    guard = InputGuard(app)
    for widget in shown:
        guard.watch_window(widget.window().windowHandle())
    guard.watch_window(app.focusWindow())
    guard._focus_moved(None, app.focusWidget())
    return guard
