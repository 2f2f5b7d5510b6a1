"""An import's rows written into the year a sheet at a time, on a thread of their own, while the next
sheets of the workbook are still read and checked (Dataset.read_and_import).

SQLite lets go of the interpreter while it writes, as the cell reader does while it parses, so the rows
are written in the time the reading spends waiting rather than after it. The SHA-256 of the rows as
stored (the audit's content_sha256) is made as they are written, from the text of each sheet's rows:
the texts of the parts joined by a line feed are the text of the whole (core.store.audit_check.content_text).
The thread only ever uses the connection while the edit's own thread waits for the reading or for it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from queue import SimpleQueue
from typing import Any

from core.people.records import KIND_TABLE
from core.people.tables import drop_indexes, insert_records, insert_rows, make_indexes
from core.store.audit_check import content_sha256, content_text

_DONE = None


class SheetRowsWriter:
    """Writes the records added to it, in order, as rows of one import, inside the caller's transaction;
    finish() waits for them and gives the SHA-256 of the rows as stored."""

    def __init__(self, conn: sqlite3.Connection, kind: str, import_id: int, unit_id: int | None,
                 unit_ids: Mapping[str, int]):
        self._conn, self._kind, self._table = conn, kind, KIND_TABLE[kind]
        self._import_id, self._unit_id, self._unit_ids = import_id, unit_id, unit_ids
        self._added: list[Sequence[Any]] = []
        self._queue: SimpleQueue[Sequence[Any] | None] = SimpleQueue()
        self._digest = hashlib.sha256()
        self._hashed_any = False
        self._hashed_up_to = conn.execute(f"SELECT max(id) FROM {self._table}").fetchone()[0] or 0
        self._dropped: list[str] | None = None  # the indexes' SQL, once the first records decided
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = threading.Thread(target=self._run, name="import-rows", daemon=True)
        self._thread.start()

    def add(self, records: Sequence[Any]) -> None:
        """Write these records after the ones added before (on the writing thread)."""
        if records:
            self._added.append(records)
            self._queue.put(records)

    def _run(self) -> None:
        while (records := self._queue.get()) is not _DONE:
            if self._failure is None:
                try:
                    self._write(records)
                except BaseException as exc:  # noqa: BLE001 - raised again in the edit's thread (finish)
                    self._failure = exc

    def _write(self, records: Sequence[Any]) -> None:
        if self._dropped is None:  # decided by the first sheet's rows: a table as full is kept indexed
            self._dropped = drop_indexes(self._conn, self._table, len(records))
        insert_rows(self._conn, self._kind, records, self._import_id, self._unit_id, self._unit_ids)
        (last,) = self._conn.execute(f"SELECT max(id) FROM {self._table}").fetchone()
        text = content_text(self._conn, self._table, "id > ? AND id <= ? AND import_id = ?",
                            (self._hashed_up_to, last, self._import_id))
        self._hashed_up_to = last
        if text:
            if self._hashed_any:
                self._digest.update(b"\n")
            self._digest.update(text)
            self._hashed_any = True

    def close(self) -> None:
        """Stop once what was added is written (or given up on a failure): the connection is the caller's again."""
        if self._thread is not None:
            self._queue.put(_DONE)
            self._thread.join()
            self._thread = None

    def finish(self, records: Sequence[Any]) -> str:
        """Wait for the rows, the indexes made again; `records` are all the import's records: when they are
        not those added (the workbook was read again by another reader), the rows written are replaced by
        them. The SHA-256 of the import's rows as stored."""
        self.close()
        if self._failure is not None:
            raise self._failure
        make_indexes(self._conn, self._dropped or [])
        if not self._added_are(records):
            self._conn.execute(f"DELETE FROM {self._table} WHERE import_id = ?", (self._import_id,))
            insert_records(self._conn, self._kind, records, import_id=self._import_id, unit_id=self._unit_id,
                           unit_ids=self._unit_ids)
            return content_sha256(self._conn, self._table, "import_id = ?", (self._import_id,))
        return self._digest.hexdigest()

    def _added_are(self, records: Sequence[Any]) -> bool:
        """Whether `records` are the records added, in order (each check makes its records anew, so the
        first and last of each part tell)."""
        at = 0
        for part in self._added:
            end = at + len(part)
            if end > len(records) or records[at] is not part[0] or records[end - 1] is not part[-1]:
                return False
            at = end
        return at == len(records)
