"""The other years beside the open one, read off the window's thread: the last year's grades and totals for
the year table, and a unit's results across the year files the program knows (core/years/history.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from core.years.history import Found, History, YearsContext
    from ui.worker import Worker


class YearsReader(QObject):
    """Reads the year the open one came from once, and each unit's history when first asked for; the
    known files are the recent files at the time of asking. Where the open year stands (`context_of`,
    a few queries of the year file) is found when first needed, after the year is on screen."""
    previous_read = Signal(object)  # Found
    history_read = Signal(str)  # the credit code whose history is now known

    def __init__(self, context_of: Callable[[], YearsContext], known: Callable[[], list[str]],
                 parent: QObject | None = None):
        super().__init__(parent)
        self._context_of = context_of
        self.known = known
        self.previous: Found | None = None
        self.histories: dict[str, History] = {}
        self._asked: set[str] = set()
        self._workers: list[Worker] = []

    @cached_property
    def context(self) -> YearsContext:
        return self._context_of()

    @property
    def continued(self) -> bool:
        return self.context.origin is not None

    def read_previous(self) -> None:
        if not self.continued or self.previous is not None or "" in self._asked:
            return
        self._asked.add("")
        known, context = [Path(p) for p in self.known()], self.context  # found here, not in the worker
        self._start(lambda _job: context.previous(known), self._previous_done)

    def history(self, credit_code: str) -> History | None:
        """The unit's history when it was read; otherwise None, and it is read now (history_read tells)."""
        if credit_code in self.histories:
            return self.histories[credit_code]
        if credit_code not in self._asked:
            self._asked.add(credit_code)
            known, context = [Path(p) for p in self.known()], self.context  # found here, not in the worker
            self._start(lambda _job: context.history(credit_code, known),
                        lambda history: self._history_done(credit_code, history))
        return None

    def _start(self, work: Callable, done: Callable) -> None:
        from ui.worker import Worker
        worker = Worker(work, parent=self)
        worker.done.connect(done)
        worker.finished.connect(lambda: self._workers.remove(worker))
        self._workers.append(worker)
        worker.start()

    def _previous_done(self, found: Found) -> None:
        self.previous = found
        self.previous_read.emit(found)

    def _history_done(self, credit_code: str, history: History) -> None:
        self.histories[credit_code] = history
        self.history_read.emit(credit_code)

    def wait(self) -> None:
        """Until every read has ended (before the year closes, and in tests)."""
        for worker in list(self._workers):
            worker.wait()

    def stop(self) -> None:
        for worker in list(self._workers):
            worker.stop()
