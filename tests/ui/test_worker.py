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
