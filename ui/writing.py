"""A slow edit of the session (an import's rows, its undo and redo) written on another thread: the window
keeps answering, a window-modal progress dialog says what is being written and offers 取消 (which rolls the
whole edit back while it is not yet committed), and the caller gets the outcome once the edit is settled,
as if it had run on the caller's thread (core/editing/writes.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QWidget

from core.editing.writes import Write
from core.store.dataset import Edit
from ui.worker import Job, Worker, progress_dialog


@contextmanager
def kept_from_collector() -> Iterator[None]:
    """For bulk work on a worker's thread: no cyclic garbage collection while it runs, and what it made
    is then set aside from later collections (gc.freeze). A collection holds the interpreter for its
    whole pass, the window's thread too: one over the 50,000 records just made stops the window a tenth
    of a second or more, and nothing bulk work makes is in a reference cycle (reference counting frees it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _run(job: Job, write: Write) -> Edit:
    with kept_from_collector():
        return write.run(lambda: job.cancelled)


def write_now(parent: QWidget, write: Write, text: str) -> Edit:
    """Write and settle the edit; a slow one on another thread while the window's events flow."""
    if not write.slow:
        return write.now()
    refusal = write.begin()
    if refusal is not None:
        return refusal
    outcome: dict[str, object] = {}
    worker = Worker(_run, write, parent=parent)
    worker.done.connect(lambda edit: outcome.setdefault("edit", edit))
    worker.cancelled.connect(lambda edit: outcome.setdefault("edit", edit))  # cancelled too late: written whole
    worker.failed.connect(lambda exc: outcome.setdefault("error", exc))
    # shown at once: window-modal, it keeps clicks and keys from the year's pages while the write runs
    progress_dialog(parent, text, worker, minimum_duration_ms=0)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    try:
        worker.start()
    except BaseException:
        write.abandon()
        raise
    loop.exec()
    worker.deleteLater()
    if "error" in outcome:
        write.abandon()
        raise outcome["error"]  # type: ignore[misc]  # a fault, as when written on this thread
    edit = outcome["edit"]
    assert isinstance(edit, Edit)
    return write.finish(edit)
