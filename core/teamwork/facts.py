"""The field copy's edits as facts both files can name: its trail rows after the two files part, each
record known by an identity that holds in both (the same id for a record both had, the copy row that
made a record the copy added, the natural key of a keyed record), and the year file's ids for them."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.store import audit, replay_edit
from core.store.audit_check import BLOBS, Namer, shown
from core.store.dataset import Dataset

MERGED = "merged"  # an audit row naming the copy rows a merged change came from
MERGE = "merge"  # the audit row of one merge: which copy, by whom, how much
RESOLVED = "resolve"  # the lead's choice on a conflict, with the reason
# Rows that are not edits of facts: marks, merges, migrations, the year's creation.
NOT_EDITS = frozenset({"field_copy", "field_copy_out", MERGED, MERGE, RESOLVED, "migrate", "schema", "attest", "create",
                       "correct"})
# The year's own records; assessors come across by name (core/teamwork adds those new here).
NOT_MERGED_TABLES = frozenset({"meta", "rule_sets", "audit", "assessors"})
# Who and when of a record the edit path stamps itself; never a fact of their own.
STAMPS = {"evidence_ticks": ("ticked_by", "ticked_at"), "conflict_assignments": ("assigned_by", "assigned_at")}
# A record edited on a locked unit only by signing (allowed on a locked unit).
SIGNING_TABLES = frozenset({"signatures", "sheet_versions", "certificates", "unit_locks"})
TICK_KEY = ("unit_id", "clause_id", "base_id", "trip_id", "item")
YEAR_LEVEL = frozenset({"units", "unit_kinds", "grade_quotas", "grade_promotions"})
REMARKS = frozenset({"clause_notes", "attachments", "signatures"})  # not a unit's data: its 定稿 stays

Ident = tuple


@dataclass(frozen=True)
class Row:
    seq: int
    edit: int
    at: str
    assessor_id: int | None
    action: str
    table: str
    record_id: str
    field: str | None
    old: str | None
    new: str | None
    reason: str | None
    hash: str


@dataclass
class Fact:
    """One fact the copy changed: a field of a record (field set) or the whole record (field None)."""
    table: str
    ident: Ident
    field: str | None
    rows: list[Row] = dataclasses.field(default_factory=list)
    state: str = ""  # apply, same, conflict, held, follows
    why: str = ""  # a conflict whose copy side cannot be taken: deleted_here, parent_gone, locked_here, duplicate
    number: int = 0  # a conflict's number, as the lead chooses by it
    outside: bool = False  # a change of a unit not handed over with the copy: the lead decides whether it comes
    outside_of: str = ""  # the assessor whose copy the unit was not handed over with (a copy of a copy: either)
    same_people: bool = False  # a list imported again with the people of those it replaces: no change of data
    rivals: tuple[int, ...] = ()  # an import in conflict: the lists this file imported since that it replaces
    # a field the copy changed of a record removed here that is known by what it is of (a tick, a note): taking
    # the copy's side makes the record again, as the copy has it
    restores: bool = False
    # a removal of a record that belongs to one the copy removed in conflict (a base's evidence tick, a trip's form):
    # it goes with that conflict's choice, not in by itself (state "follows")
    follows: Fact | None = None

    @property
    def first(self) -> int:
        return self.rows[0].seq

    @property
    def last(self) -> Row:
        return self.rows[-1]


# ------------------------------------------------------------------ reading the two trails

def trail_rows(conn: sqlite3.Connection, after: int) -> list[Row]:
    return [Row(*r) for r in conn.execute(
        f"SELECT {', '.join(audit.COLUMNS)}, hash FROM audit WHERE seq > ? ORDER BY seq", (after,))]


def common_prefix(mine: sqlite3.Connection, theirs: sqlite3.Connection) -> int:
    """The number of leading trail rows both files share (equal hashes: equal history)."""
    def hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
        row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else row[0]
    low, high = 0, min(audit.head(mine)[0], audit.head(theirs)[0])
    while low < high:  # the largest n whose row n agrees (a chain: agreeing at n agrees before n)
        middle = (low + high + 1) // 2
        if hash_at(mine, middle) == hash_at(theirs, middle):
            low = middle
        else:
            high = middle - 1
    return low


@dataclass
class _Merged:
    """What the year file already merged: copy rows by hash, and the records copy rows made."""
    rows: set[str] = dataclasses.field(default_factory=set)
    made: dict[str, int] = dataclasses.field(default_factory=dict)  # copy row that added a record -> id here


def _already_merged(conn: sqlite3.Connection) -> _Merged:
    merged = _Merged()
    for (value,) in conn.execute("SELECT new_value FROM audit WHERE action = ?", (MERGED,)):
        data = json.loads(value or "{}")
        merged.rows.update(data.get("rows", ()))
        for digest, record in (data.get("made") or {}).items():
            merged.made[digest] = record
    return merged


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


# ------------------------------------------------------------------ the plan

class Planner:
    def __init__(self, ds: Dataset, copy: Dataset):
        self.ds, self.copy = ds, copy
        self.y = replay_edit.connection(ds)
        self.c = replay_edit.connection(copy)
        self.fk: dict[str, dict[str, str]] = defaultdict(dict)
        self.cascade: dict[str, list[tuple[str, str]]] = defaultdict(list)  # parent -> (child, column)
        tables = [t for (t,) in self.y.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            for _, _, parent, column, _, _, on_delete, _ in self.y.execute(f"PRAGMA foreign_key_list({table})"):
                self.fk[table][column] = parent
                if on_delete == "CASCADE":
                    self.cascade[parent].append((table, column))
        self.columns = {t: [r[1] for r in self.y.execute(f"PRAGMA table_info({t})")] for t in tables}
        self.current: dict[str, dict[int, Ident]] = defaultdict(dict)  # table -> copy id -> ident
        self.copy_id: dict[Ident, int] = {}  # ident of an id-table record -> its id in the copy
        self.merged = _already_merged(self.y)
        self.new_ids: dict[str, int] = dict(self.merged.made)
        self.y_assessors: dict[str, int] = {name: i for i, name in self.y.execute("SELECT id, name FROM assessors")}
        self.c_assessors: dict[int, str] = dict(self.c.execute("SELECT id, name FROM assessors").fetchall())
        self.prefix = 0
        self.c_mark_assessor = ""  # who the copy was handed to
        self.replaced: dict[str, list[Ident | None]] = {}  # a copy's import row -> the sources it replaced
        self.kept_out: set[tuple[str, Ident]] = set()  # records new in the copy that cannot come in
        self.copy_hashes: set[str] | None = None  # the copy's own trail rows since the files parted (when asked)
        # a stored value as the lead reads it (the plan sets the rule set's Namer.value)
        self.shown: Callable[[Any, str, str], Any] = shown
        self.copy_namer: Namer | None = None  # names the copy's records (the plan sets it)

    # ---- identities: the same record in both files

    def columns_of(self, table: str) -> list[str]:
        if table not in self.columns:
            self.columns[table] = [r[1] for r in self.y.execute(f"PRAGMA table_info({table})")]
        return self.columns[table]

    def parent_ident(self, parent: str, value: Any) -> Ident | None:
        if value is None:
            return None
        return self.current[parent].get(int(value), ("y", int(value)))

    def _tick_values(self, row: Row) -> dict[str, Any] | None:
        for text in (row.new, row.old):
            data = loads(text)
            if isinstance(data, dict) and "item" in data:
                return data
        for conn in (self.c, self.y):
            found = _select(conn, "evidence_ticks", {"id": int(row.record_id)})
            if found is not None:
                return found
        return None

    def ident(self, row: Row) -> Ident | None:
        table = row.table
        keys = audit.KEYS.get(table)
        if table == "evidence_ticks":
            cid = int(row.record_id)
            if row.action != "insert" and cid in self.current[table]:
                return self.current[table][cid]
            values = self._tick_values(row)
            if values is None:
                return None
            tick: Ident = ("tick", tuple(self.parent_ident(self.fk[table][k], values.get(k)) if k in self.fk[table]
                                         else values.get(k) for k in TICK_KEY))
            self.current[table][cid] = tick
            return tick
        if keys is not None:
            parts = row.record_id.split("/")
            if len(parts) != len(keys):
                return None
            return ("key", tuple(self.parent_ident(self.fk[table][k], v) if k in self.fk[table]
                                 else (int(v) if k == "position" else v) for k, v in zip(keys, parts, strict=True)))
        cid = int(row.record_id)
        if row.action == "import":  # the sources it replaced, known before its own id (maybe one of theirs) is
            summary = loads(row.new) or {}
            self.replaced[row.hash] = [self.parent_ident(table, r["id"]) for r in summary.get("replaced") or ()]
        if row.action in ("insert", "import"):
            ident: Ident = ("new", row.hash)
            self.current[table][cid] = ident
        else:
            ident = self.current[table].get(cid, ("y", cid))
        self.copy_id[(table, ident)] = cid
        return ident

    def replaced_here(self, fact: Fact) -> set[int]:
        """The year file's ids of the sources a copy's import replaced there."""
        return {i for i in (self.y_id("imports", r) for r in self.replaced.get(fact.rows[0].hash, ())) if i is not None}

    def y_id(self, table: str, ident: Ident | None) -> int | None:
        """The record's id in the year file, or None when it has none (yet)."""
        if ident is None:
            return None
        if table == "assessors":
            cid = self.copy_id.get((table, ident), ident[1] if ident[0] == "y" else None)
            name = self.c_assessors.get(cid) if cid is not None else None
            return self.y_assessors.get(name) if name is not None else None
        if ident[0] == "y":
            found = self.y.execute(f"SELECT id FROM {table} WHERE id = ?", (ident[1],)).fetchone()
            return None if found is None else ident[1]
        if ident[0] == "new":
            return self.new_ids.get(ident[1])
        return None

    def y_key(self, table: str, ident: Ident) -> dict[str, Any] | None:
        """The record's key in the year file (its columns and values), or None when a part is missing."""
        if table == "evidence_ticks":
            where = self.natural_key(table, TICK_KEY, ident[1])
            if where is None:
                return None
            found = self.y.execute("SELECT id FROM evidence_ticks WHERE " + " AND ".join(f"{k} IS ?" for k in where),
                                   list(where.values())).fetchone()
            return None if found is None else {"id": found[0]}
        keys = audit.KEYS.get(table)
        if keys is not None:
            return self.natural_key(table, keys, ident[1])
        yid = self.y_id(table, ident)
        return None if yid is None else {"id": yid}

    def natural_key(self, table: str, keys: Iterable[str], values: Iterable[Any]) -> dict[str, Any] | None:
        where: dict[str, Any] = {}
        for k, v in zip(keys, values, strict=True):
            if k in self.fk[table]:
                if v is None:
                    where[k] = None
                    continue
                yid = self.y_id(self.fk[table][k], v)
                if yid is None:
                    return None
                where[k] = yid
            else:
                where[k] = v
        return where

    # ---- values

    def to_y(self, table: str, column: str, value: Any) -> Any:
        """A copy's stored value as the year file stores it (ids of other records translated)."""
        parent = self.fk[table].get(column)
        if parent is None or value is None:
            return value
        if parent == "assessors":
            name = self.c_assessors.get(int(value))
            return self.y_assessors.get(name) if name is not None else None
        return self.y_id(parent, self.parent_ident(parent, value))

    def comparable(self, table: str, values: Mapping[str, Any] | None, *, copy_side: bool) -> dict[str, Any] | None:
        if values is None:
            return None
        skip = {"id", BLOBS.get(table), *STAMPS.get(table, ())}
        return {k: audit.value_json(self.to_y(table, k, v) if copy_side else v)
                for k, v in values.items() if k not in skip and k in self.columns_of(table)}

    def theirs_row(self, fact: Fact) -> dict[str, Any] | None:
        if fact.last.action == "delete":
            return None
        table = fact.table
        if table == "evidence_ticks" or audit.KEYS.get(table) is None:
            cid = self.copy_id.get((table, fact.ident)) if table != "evidence_ticks" else int(fact.last.record_id)
            return None if cid is None else _select(self.c, table, {"id": cid})
        keys = audit.KEYS[table]
        return _select(self.c, table, dict(zip(keys, _typed(keys, fact.last.record_id.split("/")), strict=True)))

    def mine_row(self, fact: Fact) -> dict[str, Any] | None:
        key = self.y_key(fact.table, fact.ident)
        return None if key is None else _select(self.y, fact.table, key)


def _typed(keys: Iterable[str], values: Iterable[str]) -> list[Any]:
    return [int(v) if k in ("unit_id", "trip_id", "position", "id") else v for k, v in zip(keys, values, strict=True)]


def _select(conn: sqlite3.Connection, table: str, where: Mapping[str, Any]) -> dict[str, Any] | None:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE " + " AND ".join(f"{k} IS ?" for k in where),
                          list(where.values()))
    found = cursor.fetchone()
    return None if found is None else {d[0]: v for d, v in zip(cursor.description, found, strict=True)}

