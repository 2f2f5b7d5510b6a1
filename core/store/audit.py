"""The audit trail of a dataset: append-only, hash-chained.

Every change to a dataset appends one row per changed field (or per inserted/deleted record)
to the `audit` table, in the same transaction as the change itself. Each row carries the hash
of the previous row: hash(n) = sha256(hash(n-1) + canonical JSON of row n). Changing, removing
or inserting a row anywhere but at the end breaks the chain from that row on; `verify` finds the
first broken row.

The table also refuses UPDATE and DELETE through triggers (see core/store/dataset.py), so the program
itself cannot rewrite history by mistake; the chain catches anyone who drops the triggers.

Limitation: cutting rows off the END of the trail leaves a valid shorter chain. Backups (and
the printed head hash of `verify-audit`) are the defence there.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
# Key columns of the tables whose records have no `id`: a row's record_id is their values joined by "/".
KEYS: dict[str, tuple[str, ...]] = {
    "unit_kinds": ("unit_id", "kind"), "licences": ("unit_id", "kind"), "credit_grades": ("unit_id", "kind"),
    "cancelled_licences": ("unit_id", "kind"), "trip_evaluations": ("trip_id", "position"),
    "management": ("unit_id",), "negatives": ("unit_id",), "grade_quotas": ("grade",), "meta": ("id",),
    "rule_sets": ("id",), "unit_locks": ("unit_id",), "certificates": ("fingerprint",),
    "clause_notes": ("unit_id", "clause_id"), "conflict_assignments": ("id_number",),
}
# Columns that make up a row's content, in the order they are stored; `hash` is computed over them.
COLUMNS = ("seq", "edit", "at", "assessor_id", "action", "table_name", "record_id", "field",
           "old_value", "new_value", "reason")

CREATE_SQL = """
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,          -- 1, 2, 3 … without gaps
    edit INTEGER NOT NULL,            -- rows written by one user edit (one transaction) share this
    at TEXT NOT NULL,                 -- UTC time, ISO 8601
    assessor_id INTEGER REFERENCES assessors(id),  -- NULL for the program itself (migrations)
    action TEXT NOT NULL,             -- insert, update, delete, migrate, create
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field TEXT,                       -- NULL when the whole record is meant
    old_value TEXT,                   -- JSON text, NULL when there was none
    new_value TEXT,                   -- JSON text, NULL when there is none now
    reason TEXT,
    hash TEXT NOT NULL
);
CREATE INDEX audit_by_record ON audit(table_name, record_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""


# One encoder for every row (json.dumps with options makes a new one per call: most of a check's time).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_row(conn: sqlite3.Connection, table: str, record_id: str) -> dict[str, Any]:
    """The record an audit row names (its table and record id), as its row in the file when it is still there,
    else its key's values alone (a record removed since, or a table of another version)."""
    keys = KEYS.get(table, ("id",))
    values = record_id.split("/") if len(keys) > 1 else [record_id]
    row: dict[str, Any] = {k: int(v) if v.isdigit() else v for k, v in zip(keys, values, strict=False)}
    try:
        cursor = conn.execute(f"SELECT * FROM {table} WHERE {' AND '.join(f'{k} = ?' for k in row)}",
                              list(row.values()))
        found = cursor.fetchone()
        if found is not None:
            row = dict(zip([d[0] for d in cursor.description], found, strict=True))
    except sqlite3.Error:
        pass
    return row


def canonical(row: dict[str, Any]) -> str:
    """The row's content as one canonical JSON text (sorted keys, no spaces, UTF-8 as is)."""
    return _CANONICAL.encode({name: row[name] for name in COLUMNS})


def chain_hash(previous: str, row: dict[str, Any]) -> str:
    return hashlib.sha256((previous + canonical(row)).encode("utf-8")).hexdigest()


def value_json(value: Any) -> str | None:
    """A field value as stored in old_value/new_value: JSON text, or NULL for 'nothing'."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class Entry:
    """One row of the audit trail."""
    seq: int
    edit: int
    at: str
    assessor_id: int | None
    action: str
    table_name: str
    record_id: str
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None
    hash: str


def head(conn: sqlite3.Connection) -> tuple[int, int, str]:
    """(last seq, last edit number, last hash) of the trail; (0, 0, GENESIS) when empty."""
    row = conn.execute("SELECT seq, edit, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, 0, GENESIS) if row is None else (row[0], row[1], row[2])


class Writer:
    """Appends rows to the trail inside the caller's transaction; `rollback()` forgets them."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.seq, self.edit, self.hash = head(conn)
        self._saved = (self.seq, self.edit, self.hash)

    def begin_edit(self) -> int:
        self._saved = (self.seq, self.edit, self.hash)
        self.edit += 1
        return self.edit

    def rollback(self) -> None:
        self.seq, self.edit, self.hash = self._saved

    def append(self, *, at: str, assessor_id: int | None, action: str, table_name: str, record_id: str,
               field: str | None = None, old_value: str | None = None, new_value: str | None = None,
               reason: str | None = None) -> int:
        row = {"seq": self.seq + 1, "edit": self.edit, "at": at, "assessor_id": assessor_id,
               "action": action, "table_name": table_name, "record_id": record_id, "field": field,
               "old_value": old_value, "new_value": new_value, "reason": reason}
        digest = chain_hash(self.hash, row)
        self.conn.execute(f"INSERT INTO audit ({', '.join(COLUMNS)}, hash) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})",
                          [row[c] for c in COLUMNS] + [digest])
        self.seq, self.hash = row["seq"], digest
        return self.seq


def entries(conn: sqlite3.Connection, table_name: str | None = None, record_id: str | None = None) -> Iterator[Entry]:
    sql = f"SELECT {', '.join(COLUMNS)}, hash FROM audit"
    params: list[Any] = []
    if table_name is not None:
        sql += " WHERE table_name = ?"
        params.append(table_name)
        if record_id is not None:
            sql += " AND record_id = ?"
            params.append(record_id)
    for row in conn.execute(sql + " ORDER BY seq", params):
        yield Entry(*row)


def verify(conn: sqlite3.Connection) -> int | None:
    """The seq of the first row that breaks the chain (altered, inserted, removed before it),
    or None when the whole trail is intact."""
    previous = GENESIS
    expected_seq = 1
    for values in conn.execute(f"SELECT {', '.join(COLUMNS)}, hash FROM audit ORDER BY seq"):
        row = dict(zip(COLUMNS, values))
        stored = values[-1]
        if row["seq"] != expected_seq or chain_hash(previous, row) != stored:
            return row["seq"]
        previous = stored
        expected_seq += 1
    return None
