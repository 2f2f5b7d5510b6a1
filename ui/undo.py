"""Undo / redo actions (Ctrl+Z, Ctrl+Y) bound to the session's history (core/editing/undo.py)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from core.editing.session import Session
from core.editing.writes import Write
from ui.models import problems_text
from ui.writing import write_now


class UndoActions(QObject):
    """The two actions; their texts name the step ("撤销 勾选依据"), and they are enabled only
    when there is something to undo or redo."""

    def __init__(self, parent: QObject, report: Callable[[list[str]], None], before: Callable[[], None]):
        super().__init__(parent)
        self.session: Session | None = None
        self.report = report
        self.before = before  # saves what is still being typed, so it is undone too
        self.undo_action = QAction(self.tr("撤销"), parent)
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo_action = QAction(self.tr("重做"), parent)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.undo_action.triggered.connect(self.undo)
        self.redo_action.triggered.connect(self.redo)
        # a way back that is no step of the history (a merge, undone by the backup taken before it): its
        # label and how to take it, offered while the history has nothing to undo
        self.way_back: Callable[[], tuple[str, Callable[[], None]] | None] = lambda: None
        self.update()

    def set_session(self, session: Session | None) -> None:
        self.session = session
        self.update()

    def undo(self) -> None:
        self.before()
        if self.session is None:
            return
        if not self.session.history.can_undo:
            found = self.way_back()
            if found is not None:
                found[1]()
            return
        write = self.session.undo_write(self.tr("撤销"))
        if write is not None:
            self._write(write, self.tr("正在撤销\n{label}…").format(label=self.session.history.undo_label))

    def redo(self) -> None:
        self.before()
        if self.session is None or not self.session.history.can_redo:
            return
        write = self.session.redo_write(self.tr("重做"))
        if write is not None:
            self._write(write, self.tr("正在重做\n{label}…").format(label=self.session.history.redo_label))

    def _write(self, write: Write, text: str) -> None:
        """An undo of an import writes its rows back: on another thread, with progress (ui/writing.py)."""
        window = self.parent()
        assert isinstance(window, QWidget)
        edit = write_now(window, write, text)
        if not edit.ok and not write.cancelled:
            self.report(problems_text(edit))
        self.update()

    def update(self) -> None:
        history = None if self.session is None else self.session.history
        can_undo = bool(history and history.can_undo)
        can_redo = bool(history and history.can_redo)
        way_back = None if history is None or can_undo else self.way_back()
        self.undo_action.setEnabled(can_undo or way_back is not None)
        self.redo_action.setEnabled(can_redo)
        label = history.undo_label if history is not None and can_undo else way_back[0] if way_back else ""
        self.undo_action.setText(self.tr("撤销 {label}").format(label=label) if label else self.tr("撤销"))
        self.redo_action.setText(self.tr("重做 {label}").format(label=history.redo_label) if can_redo else self.tr("重做"))
