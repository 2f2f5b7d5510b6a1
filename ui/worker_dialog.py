"""A dialog whose work runs in a worker (ui/worker.py): the progress dialog with its 取消, the choices
held still while the work runs, a failure told in one Chinese sentence, and the work stopped when the
dialog closes. Each dialog keeps only its choices and what it says when the work is done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QLabel, QProgressDialog, QWidget

from core.common import os_errors
from core.common.messages import Msg, render
from ui import faults
from ui.worker import Worker, progress_dialog

GOOD, BAD, NEUTRAL = "#1b7f3b", "#b00020", "#555"
def fault_sentence(exc: BaseException, failing: str) -> str:
    """A worker's failure as one sentence: core's own message, why the system refused a file, or an
    internal error (its details logged); `failing` says what failed (导出失败, 打印失败 …)."""
    msg = getattr(exc, "msg", None)
    if isinstance(msg, Msg):
        return render(msg)
    if isinstance(exc, OSError):
        return QCoreApplication.translate("WorkerDialog", "{failing}：{detail}").format(
            failing=failing, detail=render(os_errors.reason(exc)))
    return faults.sentence(exc, failing)


class WorkerDialog(QDialog):
    failing = ""  # what a failure's sentence starts with, e.g. 导出失败

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.worker: Worker | None = None
        self.progress: QProgressDialog | None = None
        self.status = QLabel()  # each dialog places it
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.running

    def run(self, work: Callable[..., Any], *args: Any, label: str, status: str = "",
            done: Callable[[Any], None] = lambda _: None, cancelled: Callable[[Any], None] | None = None,
            produced: Callable[[Any], None] | None = None) -> Worker:
        """Start `work(job, *args)` in a worker behind a progress dialog (`label`) and show `status`; when it
        ends the choices are free again, then `done` (or `cancelled`, when 取消 stopped it) gets its result."""
        self.worker = worker = Worker(work, *args, parent=self)
        worker.done.connect(lambda result: self._ended(done, result))
        worker.cancelled.connect(lambda result: self._ended(cancelled or done, result))
        worker.failed.connect(self._failed)
        if produced is not None:
            worker.produced.connect(produced)
        self.progress = progress_dialog(self, label, worker)
        self.set_busy(True)
        if status:
            self.show_status(status, NEUTRAL)
        worker.start()
        return worker

    def set_busy(self, busy: bool) -> None:
        """Hold the choices still while the work runs (each dialog says which)."""

    def fault_text(self, exc: BaseException) -> str:
        return fault_sentence(exc, self.failing)

    def _ended(self, then: Callable[[Any], None], result: Any) -> None:
        self.set_busy(False)
        then(result)

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.tell_failure(self.fault_text(exc))

    def tell_failure(self, text: str) -> None:
        self.show_status(text, BAD)

    def show_status(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

    def reject(self) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.stop()
        super().reject()
