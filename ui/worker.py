"""Long work off the window's thread, with progress and a working cancel; the window never freezes.

The work is a plain Python function (core code, no Qt) taking a `Job` first:

    def export_all(job: Job, units: list[str]) -> int:
        for i, name in enumerate(units):
            if job.cancelled:            # asked between steps: stop cleanly, leave nothing half-done
                break
            job.progress(i, len(units), name)
            path = …                     # the slow part, in the worker's thread
            job.produce(path)            # a partial result, delivered in order on the window's thread
            job.call_in_main(session.something, path)  # a short step that must run on the window's
                                         # thread (e.g. an edit of the open dataset); waits for it
        return len(units)

    worker = Worker(export_all, names, parent=dialog)
    worker.produced.connect(lambda path: …)
    worker.done.connect(lambda result: …)          # the function returned
    worker.failed.connect(lambda exc: …)           # it raised (the exception object)
    worker.cancelled.connect(lambda result: …)     # it returned after cancel() was asked
    progress = progress_dialog(dialog, "正在导出…", worker)   # modal to the window, 取消 cancels
    worker.start()

Every signal arrives on the window's thread. A worker runs once. Before its owner goes away call
`worker.stop()` (cancel and wait, keeping the window's events flowing so call_in_main cannot
deadlock); tests wait with `worker.wait()` the same way, or with qtbot.waitSignal(worker.finished).
Other modules (e.g. the Excel import) reuse it the same way.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from core.common.bulk import quick_handoffs


class Job:
    """What the work function sees: progress, cancel, partial results, calls into the window's thread."""

    def __init__(self, worker: "Worker"):
        self._worker = worker
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int, text: str = "") -> None:
        self._worker.progressed.emit(done, total, text)

    def produce(self, item: Any) -> None:
        self._worker.produced.emit(item)

    def call_in_main(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run fn on the window's thread and return its result (or raise its exception) here."""
        if threading.get_ident() == self._worker._main_thread:
            return fn(*args, **kwargs)
        box: dict[str, Any] = {}
        self._worker._call.emit((fn, args, kwargs, box))  # blocking-queued: returns when it ran
        if "error" in box:
            raise box["error"]
        return box.get("result")


class _Thread(QThread):
    def __init__(self, run: Callable[[], None]):
        super().__init__()
        self._run = run

    def run(self) -> None:
        self._run()


class Worker(QObject):
    progressed = Signal(int, int, str)  # done, total, text
    produced = Signal(object)
    done = Signal(object)  # the function's result
    failed = Signal(object)  # the exception it raised
    cancelled = Signal(object)  # its result, after cancel()
    ending = Signal()  # before any of the three above: a progress dialog closes first, so it never covers
    # a box that the outcome's own handler opens (the dialog would otherwise show itself over it)
    finished = Signal()  # after any of the three above
    _call = Signal(object)

    def __init__(self, fn: Callable[..., Any], *args: Any, parent: QObject | None = None, **kwargs: Any):
        super().__init__(parent)
        self.job = Job(self)
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._outcome: tuple[str, Any] | None = None
        self._thread: _Thread | None = None
        self.running = False
        self._main_thread = threading.get_ident()  # made on the window's thread
        self._call.connect(self._run_call, Qt.ConnectionType.BlockingQueuedConnection)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a worker runs once")
        self._thread = _Thread(self._body)
        self._thread.finished.connect(self._finish)
        self.running = True
        self._thread.start()

    def cancel(self) -> None:
        self.job._cancel.set()

    def _body(self) -> None:
        try:
            # the window's thread takes the interpreter back within half a millisecond, not 5: painting a view
            # asks Python for each cell, and each asking waited out the whole interval while this ran
            with quick_handoffs():
                self._outcome = ("done", self._fn(self.job, *self._args, **self._kwargs))
        except BaseException as exc:  # handed to the window's thread as a value: a worker never crashes the program
            self._outcome = ("failed", exc)

    @Slot(object)
    def _run_call(self, request) -> None:
        fn, args, kwargs, box = request
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:
            box["error"] = exc

    def _finish(self) -> None:
        if not self.running:
            return
        self.running = False
        kind, value = self._outcome or ("failed", RuntimeError("worker ended without an outcome"))
        if kind == "done" and self.job.cancelled:
            kind = "cancelled"
        # What the work was given and made goes now (it runs once): the worker and its job refer to each
        # other, a cycle only a full collection frees, and objects set aside by gc.freeze (ui.writing) are
        # not collected before the year closes
        self._fn = self._outcome = self._args = self._kwargs = None  # type: ignore[assignment]
        self.ending.emit()
        {"failed": self.failed, "cancelled": self.cancelled, "done": self.done}[kind].emit(value)
        self.finished.emit()
        self._thread.deleteLater()

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait for the end while the window's events keep flowing; True when it ended."""
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            # the events just processed may have ended the work and deleted its thread (deleteLater)
            if self.running and self._thread is not None and self._thread.wait(10):
                QCoreApplication.processEvents()  # deliver the queued finished signal
        return not self.running

    def stop(self, timeout: float = 60.0) -> bool:
        self.cancel()
        return self.wait(timeout)


def run_to_end(worker: Worker) -> dict[str, Any]:
    """Run the worker to its end while the window's events flow (a progress dialog keeps the pages from
    input); its outcome: "done", "cancelled" (each with the result) or "error" (the exception). Empty when
    the loop was ended otherwise (the program quitting)."""
    outcome: dict[str, Any] = {}
    worker.done.connect(lambda result: outcome.setdefault("done", result))
    worker.cancelled.connect(lambda result: outcome.setdefault("cancelled", result))
    worker.failed.connect(lambda exc: outcome.setdefault("error", exc))
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    worker.start()
    loop.exec()
    worker.deleteLater()
    return outcome


def progress_dialog(parent: QWidget, label: str, worker: Worker, minimum_duration_ms: int = 300) -> QProgressDialog:
    """A window-modal progress dialog driven by the worker; its 取消 button cancels the work, and the
    dialog closes when the work ends, before the outcome is handed on."""
    dialog = QProgressDialog(label, QCoreApplication.translate("Worker", "取消"), 0, 0, parent)
    dialog.setWindowTitle(QCoreApplication.translate("Worker", "请稍候"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(minimum_duration_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)

    def progressed(done: int, total: int, text: str) -> None:
        if dialog.maximum() != total:
            dialog.setMaximum(total)
        dialog.setValue(done)
        if text:
            dialog.setLabelText(QCoreApplication.translate("Worker", "{label}\n{text}").format(label=label, text=text))

    def cancel() -> None:
        worker.cancel()
        dialog.setLabelText(QCoreApplication.translate("Worker", "正在取消，当前这一项完成后停止…"))

    worker.progressed.connect(progressed)
    dialog.canceled.connect(cancel)
    worker.ending.connect(dialog.close)
    # Gone at once, not when the outcome has been handled: the outcome may open a box, and a dialog merely
    # closed can still show itself over it (a progress arriving late, or its own timer on a slow machine).
    worker.ending.connect(dialog.deleteLater)
    return dialog
