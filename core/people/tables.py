"""The people tables of a dataset (schema 4): the records of a checked workbook (core/people/records.py)
written as rows of one import, and read back as the same records for core.people.matching.

Only core/store/people_edits.py calls the writing side, inside its edit transaction (Dataset.import_people);
the reading side builds what core.people.matching.match needs from the stored people: each unit's
submission (its rosters, its monthly reports, its bases), the district traineeship list and the
assessor's assignments of people two units claim.

Rows are written with plain `executemany` (platform-notes: ten times faster than sqlite-utils'
insert_all), one tuple per record built in one comprehension; the import's constants (unit,
import id, roster kind) are SQL literals rather than parameters, as binding is most of the cost.
Imported rows are located by import_id (the file, in `imports`), sheet and sheet_row; schema 1's
`source` column stays empty for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain, groupby
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping, Sequence

from core.common.bulk import gc_paused
from core.people.matching import MatchResult, UnitSubmission, match
from core.people.records import (
    KIND_TABLE,
    ArrivalRecord,
    MonthlyReportRecord,
    PlacementRecord,
    TraineeListRecord,
    frozen_records,
    with_file,
)
from core.scoring.facts import Unit
from core.scoring.rules import RuleSet


def _sql_int(value: int | None) -> str:
    return "NULL" if value is None else str(int(value))


class _Iso(dict):
    """date -> ISO text (None stays None), made once per distinct day: a year's rows share a few
    hundred days, and a dictionary lookup is a fraction of isoformat()."""

    def __missing__(self, day: dt.date | None) -> str | None:
        text = None if day is None else day.isoformat()
        self[day] = text
        return text


# ------------------------------------------------------------------ writing one import

def insert_records(conn: sqlite3.Connection, kind: str, records: Sequence[Any], *, import_id: int,
                   unit_id: int | None, unit_ids: Mapping[str, int]) -> int:
    """Write the records of one checked workbook (of import kind `kind`) as rows of import `import_id`;
    returns the row count. `unit_ids` (unit name -> id) links the platform exports' rows to the units
    they name."""
    with gc_paused(), _indexes_built_after(conn, KIND_TABLE[kind], len(records)):
        # gc paused: a tuple per record, the collector would walk all of them again and again
        return insert_rows(conn, kind, records, import_id, unit_id, unit_ids)


@contextmanager
def _indexes_built_after(conn: sqlite3.Connection, table: str, adding: int) -> Iterator[None]:
    """The table's indexes dropped before the rows are added and made again after, when worth it (drop_indexes)."""
    dropped = drop_indexes(conn, table, adding)
    yield
    make_indexes(conn, dropped)


def drop_indexes(conn: sqlite3.Connection, table: str, adding: int) -> list[str]:
    """When the rows about to be added are at least as many as the table holds, its indexes are dropped
    (in the caller's transaction) and their own SQL returned, for make_indexes after the rows, so the
    schema is the same to the letter: building an index over the rows in one sort costs a third of
    keeping it in order row by row. Into a fuller table the rows are added with the indexes kept ([])."""
    held = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT ?)", (adding + 1,)).fetchone()[0]
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                           "AND sql IS NOT NULL ORDER BY rowid", (table,)).fetchall() if held <= adding else []
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


def make_indexes(conn: sqlite3.Connection, dropped: Sequence[str]) -> None:
    for sql in dropped:
        conn.execute(sql)


def insert_rows(conn: sqlite3.Connection, kind: str, records: Sequence[Any], import_id: int, unit_id: int | None,
                unit_ids: Mapping[str, int]) -> int:
    """insert_records without the indexes' care, for a caller adding its records in parts (and the gc paused)."""
    imp, unit = _sql_int(import_id), _sql_int(unit_id)
    iso = _Iso()
    if kind == "arrivals":
        sql = (f"INSERT INTO roster_entries (unit_id, import_id, kind, name, id_number, gender, phone, base_name, "
               f"employer, arrival_date, first_insured_date, months_enrolled, leave_date, sheet, sheet_row, remarks) "
               f"VALUES ({unit}, {imp}, 'arrival', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        rows: Any = [(r.name, r.id_number, r.gender, r.phone, r.base, r.employer, iso[r.arrival_date],
                      iso[r.first_insured_date], r.insured_months, iso[r.leave_date], r.sheet, r.row, r.remarks)
                     for r in records]
    elif kind == "placements":
        sql = (f"INSERT INTO roster_entries (unit_id, import_id, kind, name, id_number, gender, phone, base_name, "
               f"employer, start_date, end_date, months_enrolled, sheet, sheet_row, remarks) "
               f"VALUES ({unit}, {imp}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        rows = [(r.placement_type, r.name, r.id_number, r.gender, r.phone, r.base, r.employer, iso[r.start_date],
                 iso[r.end_date], r.placement_months, r.sheet, r.row, r.remarks) for r in records]
    elif kind == "monthly_reports":
        sql = (f"INSERT INTO monthly_report_entries (unit_id, import_id, month, name, id_number, employer, "
               f"base_name, arrival_date, phone, sheet, sheet_row, remarks) "
               f"VALUES ({unit}, {imp}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        month = {m: None if m is None else m.isoformat()[:7] for m in {r.month for r in records}}
        rows = [(month[r.month], r.name, r.id_number, r.employer, r.base, iso[r.arrival_date], r.phone, r.sheet, r.row,
                 r.remarks) for r in records]
    elif kind == "traineeship_list":
        sql = (f"INSERT INTO traineeship_list (import_id, kind, name, id_number, employer, unit_name, start_date, "
               f"end_date, placement_months, sheet, sheet_row) VALUES ({imp}, 'trainee', ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        rows = [(r.name, r.id_number, r.employer, r.unit, iso[r.start_date], iso[r.end_date], r.placement_months,
                 r.sheet, r.row) for r in records]
    elif kind == "platform_deliveries":
        sql = (f"INSERT INTO platform_delivery_records (import_id, unit_id, unit_name, date, enterprise, stars, "
               f"sheet, sheet_row) VALUES ({imp}, ?, ?, ?, ?, ?, ?, ?)")
        rows = [(unit_ids.get(r.unit), r.unit, iso[r.delivery_date], r.employer, r.stars, r.sheet, r.row)
                for r in records]
    elif kind == "platform_ratings":
        sql = (f"INSERT INTO platform_ratings (import_id, unit_id, unit_name, rating, sheet, sheet_row) "
               f"VALUES ({imp}, ?, ?, ?, ?, ?)")
        rows = [(unit_ids.get(r.unit), r.unit, str(Fraction(r.rating)), r.sheet, r.row) for r in records]
    else:
        raise ValueError(f"unknown import kind {kind!r}")
    _insert_many(conn, sql, rows)
    return len(rows)


MOST_ROWS_PER_INSERT = 2000


def rows_per_insert(conn: sqlite3.Connection, width: int) -> int:
    """How many rows of `width` parameters one INSERT statement takes: as many as this SQLite allows
    (999 parameters before 3.32, 32,766 after), up to MOST_ROWS_PER_INSERT."""
    return max(1, min(MOST_ROWS_PER_INSERT, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // max(1, width)))


def _insert_many(conn: sqlite3.Connection, sql: str, rows: Sequence[tuple]) -> None:
    """conn.executemany(sql, rows) for an INSERT of one VALUES (…) group, many rows to a statement: the
    same rows in the same order (so with the same ids), in a fraction of the time. A statement of one row
    spends most of its time running rather than on its row; and each statement lets go of the interpreter
    while SQLite writes and takes it back to bind the next, which, while another thread checks the next
    rows, waits up to the interpreter's switch interval (5 ms): few long statements, few waits."""
    if not rows:
        return
    head, values = sql.split(" VALUES ")
    per = rows_per_insert(conn, len(rows[0]))
    whole = len(rows) - len(rows) % per
    if whole:
        batches = [tuple(chain.from_iterable(rows[i:i + per])) for i in range(0, whole, per)]
        conn.executemany(f"{head} VALUES {', '.join([values] * per)}", batches)
    if whole < len(rows):
        conn.execute(f"{head} VALUES {', '.join([values] * (len(rows) - whole))}",
                     tuple(chain.from_iterable(rows[whole:])))


def file_sha256(path: str | Path) -> str | None:
    """SHA-256 of a file's bytes (what identifies an imported file), or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


# ------------------------------------------------------------------ an import taken out and put back

@dataclass(frozen=True)
class ImportSnapshot:
    """One imported source with every row it wrote, exactly as stored (ids included): what brings
    it back after it was replaced or removed (the desktop's undo). Taken by capture_import."""
    source: Mapping[str, Any]  # its `imports` row
    table: str  # the table its rows are in (KIND_TABLE)
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]

    @property
    def import_id(self) -> int:
        return self.source["id"]

    @property
    def unit_id(self) -> int | None:
        return self.source["unit_id"]


def capture_import(conn: sqlite3.Connection, import_id: int) -> ImportSnapshot | None:
    """The import and its rows, or None when there is no such import."""
    cursor = conn.execute("SELECT * FROM imports WHERE id = ?", (import_id,))
    found = cursor.fetchone()
    if found is None:
        return None
    source = dict(zip((d[0] for d in cursor.description), found))
    table = KIND_TABLE[source["kind"]]
    cursor = conn.execute(f"SELECT * FROM {table} WHERE import_id = ? ORDER BY id", (import_id,))
    return ImportSnapshot(MappingProxyType(source), table, tuple(d[0] for d in cursor.description),
                          tuple(cursor.fetchall()))


def restore_import(conn: sqlite3.Connection, snapshot: ImportSnapshot) -> int:
    """Write a captured import back with its original ids (inside the caller's transaction); the row count."""
    source = dict(snapshot.source)
    conn.execute(f"INSERT INTO imports ({', '.join(source)}) VALUES ({', '.join('?' * len(source))})",
                 list(source.values()))
    conn.executemany(f"INSERT INTO {snapshot.table} ({', '.join(snapshot.columns)}) "
                     f"VALUES ({', '.join('?' * len(snapshot.columns))})", snapshot.rows)
    return len(snapshot.rows)


# ------------------------------------------------------------------ reading back for matching

class _Days(dict):
    """ISO text -> date, parsed once per distinct day (a year's rows share a few hundred days)."""

    def __missing__(self, text: str | None) -> dt.date | None:
        day = None if text is None else dt.date.fromisoformat(text)
        self[text] = day
        return day


class _Months(dict):
    def __missing__(self, text: str | None) -> dt.date | None:
        month = None if text is None else dt.date.fromisoformat(text + "-01")
        self[text] = month
        return month


def _records(cls: type, rows: list[tuple], converters: Mapping[int, dict]) -> list:
    """Records of `cls` from rows whose columns are the record's fields in order; the columns in
    `converters` go through their dict (stored text -> date)."""
    if not rows:
        return []
    columns = [list(c) for c in zip(*rows)]
    for i, convert in converters.items():
        columns[i] = [convert[v] for v in columns[i]]
    return frozen_records(cls, columns, len(rows))


# What the records of each kind are read from: the SELECT list in the record's field order, the
# table and row filter, and the columns holding dates (as text) or months ("YYYY-MM").
_READ = {
    "arrivals": ("sheet, sheet_row, name, id_number, employer, first_insured_date, base_name, gender, phone, "
                 "arrival_date, months_enrolled, leave_date, remarks", "roster_entries", "kind = 'arrival'",
                 ArrivalRecord, (5, 9, 11), ()),
    "placements": ("sheet, sheet_row, name, id_number, employer, kind, base_name, gender, phone, start_date, end_date, "
                   "months_enrolled, remarks", "roster_entries", "kind IN ('trainee', 'intern')", PlacementRecord,
                   (9, 10), ()),
    "monthly_reports": ("sheet, sheet_row, name, id_number, month, employer, base_name, arrival_date, phone, remarks",
                        "monthly_report_entries", "1", MonthlyReportRecord, (7,), (4,)),
}
UNIT_KINDS = tuple(_READ)  # the imports that make a unit's submission


def _read(conn: sqlite3.Connection, kind: str, where: str, params: Sequence[Any], days: _Days, months: _Months,
          group_by_unit: bool = False) -> Any:
    """The records of `kind` in the rows `where` selects, in the order they were written; grouped
    by unit id ({unit id: records}) when asked."""
    columns, table, only, cls, day_columns, month_columns = _READ[kind]
    converters = {**{i: days for i in day_columns}, **{i: months for i in month_columns}}
    if not group_by_unit:
        rows = conn.execute(f"SELECT {columns} FROM {table} WHERE {only} AND {where} ORDER BY id", params).fetchall()
        return _records(cls, rows, converters)
    cursor = conn.execute(f"SELECT unit_id, {columns} FROM {table} WHERE {only} AND {where} ORDER BY unit_id, id",
                          params)
    return {unit_id: _records(cls, [r[1:] for r in rows], converters) for unit_id, rows in groupby(cursor, itemgetter(0))}


def traineeship_list(conn: sqlite3.Connection) -> list[TraineeListRecord]:
    rows = conn.execute("SELECT sheet, sheet_row, name, id_number, employer, unit_name, start_date, end_date, "
                        "placement_months FROM traineeship_list ORDER BY id").fetchall()
    days = _Days()
    return _records(TraineeListRecord, rows, {6: days, 7: days})


def assignments(conn: sqlite3.Connection) -> dict[str, str]:
    """The assessor's assignments: ID number -> the unit's name."""
    return dict(conn.execute("SELECT a.id_number, u.name FROM conflict_assignments a JOIN units u ON u.id = a.unit_id "
                             "ORDER BY a.id_number"))


# An import's records as read (or as just written), by (import id, SHA-256, imported at): the key
# of one import's content, as an import never changes (a new one replaces it) and an id set free
# by a removal may be taken again by another import.
KeptRecords = dict[tuple[int, str, str], Sequence]


def submissions(conn: sqlite3.Connection, units: Sequence[tuple[int, Unit]],
                kept: KeptRecords | None = None) -> list[UnitSubmission]:
    """Every unit's stored rosters and monthly reports, with the unit's bases (a person must name one).
    Rows written before imports were recorded (schema 3 and older) come first, then each import in
    order; a unit with several files of a kind has each row carry its file's name (record.file). `kept` saves
    reading an import again: its records are taken from there, and the ones
    read are put there (those of imports no longer stored are dropped)."""
    days, months = _Days(), _Months()
    found: dict[tuple[int, str], list] = {}
    for kind in UNIT_KINDS:
        for unit_id, records in _read(conn, kind, "import_id IS NULL", (), days, months, group_by_unit=True).items():
            found[(unit_id, kind)] = list(records)
    stored = set()
    imports = conn.execute("SELECT id, kind, unit_id, sha256, imported_at, file_name FROM imports "
                           "WHERE kind IN (?, ?, ?) ORDER BY id", UNIT_KINDS).fetchall()
    several = Counter((unit_id, kind) for _, kind, unit_id, *_ in imports)
    for import_id, kind, unit_id, sha256, at, file_name in imports:
        key = (import_id, sha256, at)
        stored.add(key)
        # a unit's files of one kind side by side (--alongside): each row says which file it is in
        file = file_name if several[(unit_id, kind)] > 1 else ""
        records = None if kept is None else kept.get(key)
        if records is None:
            records = _read(conn, kind, "import_id = ?", (import_id,), days, months)
        if records and records[0].file != file:
            records = with_file(records, file)
        if kept is not None:
            kept[key] = records
        found.setdefault((unit_id, kind), []).extend(records)
    if kept is not None:
        for key in set(kept) - stored:
            del kept[key]
    return [UnitSubmission(unit.name, found.get((uid, "arrivals"), ()), found.get((uid, "placements"), ()),
                           found.get((uid, "monthly_reports"), ()), unit.bases) for uid, unit in units]


def match_stored(conn: sqlite3.Connection, rules: RuleSet, units: Sequence[tuple[int, Unit]],
                 kept: KeptRecords | None = None) -> MatchResult:
    """core.people.matching.match over the people stored in the dataset (all units: a conflict spans units)."""
    with gc_paused():
        return match(rules, submissions(conn, units, kept), traineeship_list(conn), assignments(conn))
