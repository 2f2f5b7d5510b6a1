"""An edit of the session split so that its slow part, the dataset's transaction, can run on another thread
while the window keeps answering; the session refuses every other edit until it is settled.

    write = session.import_people_write(label, checked, sha256, unit_id)
    refusal = write.begin()            # the session's thread: None, or the Edit saying another write runs
    edit = write.run(job_cancelled)    # any one thread at a time: the transaction (all or nothing)
    edit = write.finish(edit)          # the session's thread: the undo history, the scores read again
    edit = write.now()                 # the three in a row, on the caller's thread

The dataset's one connection is used by one thread at a time: the writing thread between begin() and
finish(), the session's thread otherwise (the desktop shows a modal progress dialog meanwhile and its
timers leave the year alone while `session.busy`). Cancelling before the commit interrupts the running
statement (a SQLite progress handler) and the dataset rolls the whole edit back; a cancel that comes
once the commit has started comes too late, and the edit stands whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.store.dataset import DatasetError, Edit

if TYPE_CHECKING:
    from core.editing.session_base import SessionBase


class Write:
    def __init__(self, session: SessionBase, label: str, write: Callable[[], Edit], settle: Callable[[Edit], None],
                 prepare: Callable[[], object] | None = None, *, slow: bool = False, step: Any = None):
        self.session = session
        self.label = label
        self.slow = slow  # it takes a while (seconds for 100,000 rows): the desktop runs it on another thread
        self.step = step  # the undo history's step it undoes or redoes
        self._write = write
        self._settle = settle
        self._prepare = prepare  # reading the write makes slow, done on the writing thread too (e.g. the match)
        self.cancelled = False  # the outcome was a cancel: nothing was written

    def begin(self) -> Edit | None:
        """Take the session for this write; the refusal when another write holds it."""
        if self.session.busy is not None:
            return self.session.busy_edit()
        self.session.busy = self.label
        return None

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> Edit:
        """The transaction; `cancelled` is asked while statements run, and a yes rolls everything back."""
        self.session.ds.cancel_when(cancelled)
        try:
            edit = self._write()
        except (sqlite3.Error, DatasetError):
            if not cancelled():
                raise
            edit = None
        finally:
            self.session.ds.cancel_when(None)
        if edit is None:
            self.cancelled = True
            return Edit(problems=(self.session.problem("session.write_cancelled", label=self.label),))
        if edit.ok and self._prepare is not None:
            self._prepare()
        return edit

    def finish(self, edit: Edit) -> Edit:
        """Give the session back and settle the edit (history, scores, listeners)."""
        self.session.busy = None
        if not self.cancelled:
            self._settle(edit)
        return edit

    def abandon(self) -> None:
        """The write never ran (its thread could not start): the session is free again."""
        self.session.busy = None

    def now(self) -> Edit:
        refusal = self.begin()
        if refusal is not None:
            return refusal
        try:
            edit = self.run()
        except BaseException:
            self.abandon()
            raise
        return self.finish(edit)

