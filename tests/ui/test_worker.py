"""The worker's wait (tests and closing use it): the work may end, and its thread be deleted, in the very
events the wait lets through; the wait then says it ended instead of touching the deleted thread."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

from ui.worker import Worker


def test_waiting_for_work_that_ends_while_the_wait_lets_events_through(qtbot, monkeypatch):
    ended = []
    worker = Worker(lambda job: 42)
    worker.done.connect(ended.append)
    worker.start()
    assert worker._thread is not None and worker._thread.wait(10_000)  # the work is over (however busy the
    # machine): its thread's end waits in the event queue
    process = QCoreApplication.processEvents

    def events_and_deferred_deletes(*args):  # as a nested event loop may deliver them
        process(*args)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    monkeypatch.setattr(QCoreApplication, "processEvents", staticmethod(events_and_deferred_deletes))
    assert worker.wait(10)
    assert ended == [42] and not worker.running


def test_a_box_the_outcome_opens_is_never_covered_by_the_progress_dialog(qtbot):
    """Short work (ended before the progress dialog's delay) whose handler opens a box at once: the dialog
    used to show itself over that box when its delay ran out, waiting there with nothing left to do."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QProgressDialog

    from ui.worker import progress_dialog

    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    seen: list[str] = []

    def outcome(_result) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "结果", "核对完毕", QMessageBox.StandardButton.Ok, window)

        def look() -> None:  # well after the dialog's delay
            top = QApplication.activeModalWidget()
            seen.append(type(top).__name__)
            box.accept()
        QTimer.singleShot(600, look)
        box.exec()

    def work(job) -> int:
        job.progress(0, 3, "")  # the dialog's delay starts counting here
        return 1

    worker = Worker(work)
    worker.done.connect(outcome)
    progress_dialog(window, "正在核对…", worker, minimum_duration_ms=300)
    worker.start()
    qtbot.waitUntil(lambda: not worker.running, timeout=10_000)
    assert seen == ["QMessageBox"]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]


def test_while_a_worker_runs_the_window_takes_the_interpreter_back_quickly(qtbot):
    """Painting asks Python for every cell: while a worker held the interpreter each asking waited out its
    5 ms switch interval, and a 50,000-row import stopped the window some 100 ms. A worker runs with the
    interval at HANDOFF_SECONDS, set back when it ends."""
    import sys

    from core.common.bulk import HANDOFF_SECONDS
    before = sys.getswitchinterval()
    seen = []
    worker = Worker(lambda job: seen.append(sys.getswitchinterval()))
    worker.start()
    assert worker.wait(10)
    assert seen == [HANDOFF_SECONDS]
    assert sys.getswitchinterval() == before  # set back (another test's worker may still hold it lowered)
