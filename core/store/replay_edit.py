"""Edits brought in from another copy of the year file, written as one transaction whose parts each
keep the assessor, time and reason they were made with there (core/teamwork merges field copies)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from core.common.problems import Problem
from core.store import audit
from core.store.dataset import Dataset
from core.store.edit import Edit, _Rejected, _Tx, now_text

T = TypeVar("T")


def connection(ds: Dataset) -> sqlite3.Connection:
    """The dataset's connection, for reading only (its tables and its trail)."""
    return ds._conn


def reject(*problems: Problem) -> None:
    """Refuse the whole replay: nothing of it is written."""
    raise _Rejected(*problems)


class Parts:
    """Hands out the parts of one replayed transaction: each part is one edit of the trail written
    with its own assessor, time and reason. Locks are the caller's to check."""

    def __init__(self, ds: Dataset, whole: _Tx):
        self.ds = ds
        self.whole = whole
        self.parts: list[_Tx] = []
        self.first_edit = ds._audit.edit  # the whole's own: the replay's edits run from it to its last
        self.closing: list[tuple[str, str, str, Any]] = []  # log_last's rows

    def part(self, assessor_id: int | None, at: str, reason: str | None) -> _Tx:
        self.ds._audit.begin_edit()
        tx = _Tx(self.ds, assessor_id, reason)
        tx.at = at
        tx.ignore_locks = True
        self.parts.append(tx)
        return tx

    def log(self, tx: _Tx, action: str, table: str, record_id: str, field: str | None, old: Any, new: Any) -> None:
        """An audit row of the replay's own (where an edit came from, a conflict's choice)."""
        tx._log(action, table, record_id, field, old, new)

    def log_last(self, action: str, table: str, record_id: str, new: Any) -> None:
        """An audit row of the whole replay written after all of it (the settling of 定稿 included), so that
        its last edit holds it: a backup taken after the replay names the replay by it (core/store/backup_story)."""
        self.closing.append((action, table, record_id, new))


def run(ds: Dataset, by: int | None, reason: str | None, apply: Callable[[Parts, _Tx], Any]) -> Edit:
    """Run `apply(parts, whole)` as one transaction: validated like any edit, committed whole or not
    at all (a fault, a refusal or a kill leaves the file as it was)."""
    def change(whole: _Tx) -> None:
        whole.ignore_locks = True
        parts = Parts(ds, whole)
        apply(parts, whole)
        for tx in parts.parts:
            whole.touched_units |= tx.touched_units
            whole.data_units |= tx.data_units
            whole.final_written |= tx.final_written
            whole.year_level = whole.year_level or tx.year_level
            whole.match_inputs_changed = whole.match_inputs_changed or tx.match_inputs_changed
        changed = whole.data_units - whole.final_written
        if ds.final_among(changed):  # 定稿 withdrawn in a part of the merge's own (Dataset._settle_final)
            settle = parts.part(by, now_text(), reason)
            ds._settle_final(settle, changed)
        whole.final_settled = True
        for action, table, record_id, new in parts.closing:
            whole._log(action, table, record_id, None, None, new)
        # told as withdrawn: every unit 定稿 before and not after, whether the parts brought in a copy's own
        # withdrawal or the merge withdrew it
        still = set(ds.final_among(final_before))
        whole.unfinalized = [u for u in final_before if u not in still]
        return None
    final_before = ds.final_among(ds.unit_ids())
    try:
        edit = ds._edit(by, reason, change)
    except BaseException:
        ds._audit = audit.Writer(ds._conn)  # several parts began: the head is read again from the file
        raise
    if not edit.ok:
        ds._audit = audit.Writer(ds._conn)
    return edit


def mark(ds: Dataset, by: int | None, action: str, record_id: str, value: Any, reason: str | None = None) -> Edit:
    """One edit whose only write is an audit row of the year's own (`meta`): a field copy's mark."""
    def change(tx: _Tx) -> None:
        tx._log(action, "meta", record_id, None, None, value)
    return ds._edit(by, reason, change)


def adopt_connection(path: Any, conn: sqlite3.Connection) -> Dataset:
    """A Dataset over a connection to a file that is still being made (not yet at `path`)."""
    ds = Dataset(path, conn, read_only=False, keep_backups=0, backup_interval=None)
    ds._identity = None
    ds._stat_identity = lambda: None  # type: ignore[method-assign]  # the file is not at its path yet
    return ds
