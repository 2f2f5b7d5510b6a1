"""The open year's backups copied on another thread: the backup of opening and the timer's due ones are
claimed by the session and copied in steps while the window (and its edits) go on; the status bar says
where each went, and a failure is said as a problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from core.common.messages import Msg
from core.editing.session import Session
from core.store.backup import BackupRun

if TYPE_CHECKING:
    from ui.worker import Job, Worker


def _copy(job: Job, run: BackupRun) -> Path | None:
    return run.run()


class Backups(QObject):
    """At most one backup copying at a time, for the session of the moment."""

    def __init__(self, parent: QObject, copied: Callable[[Path], None], failed: Callable[[Msg], None]):
        super().__init__(parent)
        self._copied, self._failed = copied, failed
        self._running: tuple[Session, BackupRun, Worker] | None = None

    @property
    def copying(self) -> bool:
        return self._running is not None

    def start(self, session: Session, *, opening: bool = False) -> bool:
        """Copy the session's due backup (or its backup of opening) now, if one is; True when started."""
        if self._running is not None:
            return False
        run = session.start_backup(opening=opening)
        if run is None:
            return False
        from ui.worker import Worker  # when first copying: the first screen does not need it

        worker = Worker(_copy, run, parent=self)
        self._running = (session, run, worker)
        worker.finished.connect(self._settle)  # run() keeps any failure for backup_finished to tell
        worker.start()
        return True

    def finish(self) -> None:
        """Wait for the backup copying now, however long it takes (closing the year: the copy needs
        nothing from this thread), then settle it."""
        if self._running is not None:
            _, run, worker = self._running
            run.wait()
            worker.wait()
            self._settle()

    def _settle(self) -> None:
        if self._running is None:
            return
        session, run, worker = self._running
        self._running = None
        worker.deleteLater()
        problem = session.backup_finished(run)
        if problem is not None:
            self._failed(problem)
        elif run.path is not None:
            self._copied(run.path)
