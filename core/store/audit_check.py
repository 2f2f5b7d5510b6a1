"""Proof of a year file from its audit trail: replaying the trail must give back every record the
file holds, and the trail must still hold every head it showed to a backup or a signed document.

Replay (`full_check`). Every edit writes its audit rows in its own transaction (core/store/dataset.py),
so the trail, applied from the first row, rebuilds each audited table exactly: an insert gives the
record (columns it did not name take the schema's default), an update one field, a delete removes
the record and what the foreign keys remove or clear with it (taken from the program's own schema,
never from the file's). The people imported in bulk are not audited one by one: each import's audit
row carries the SHA-256 of its rows as stored (`content_sha256`), which replay recomputes. Blobs
(attachments, handwritten signatures) are checked against the SHA-256 the trail recorded. Anything
the file holds that replay does not give, or gives otherwise, was changed outside the program and
is named: table, record and field, in the words of the bureau.

Schema (`check_triggers`, `check_columns`): the append-only triggers must be there as the program
made them, with no trigger added; every table must have the program's columns and defaults.

Anchors (`Anchor`, `check_anchor`): a chain head (row count and hash) kept outside the file — in
every backup and in every score sheet, printed and inside the signed bytes. The live trail must
still contain that row with that hash: otherwise it was cut or rewritten since.

`quick_check` is the part that runs when a year is opened: the triggers, the last row's link, the
row count and the newest anchor and every table no edit since that backup touched (all of them when
nothing was edited since) against the digest the backup noted (`facts_digest`; the people tables left to
the full check) — a few milliseconds, whatever the size of the year. A change made outside the program
to a table edited since the newest backup is left to the full check (核对数据文件, verify-audit).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from core.common.messages import Msg
from core.common.problems import Problem
from core.common.progress import Progress
from core.people.table_names import KIND_TABLE, PEOPLE_TABLES
from core.store import audit

# Tables the trail does not replay record by record: the people (proved per import) and the trail.
NOT_REPLAYED = frozenset(PEOPLE_TABLES) | {"audit"}
# Who and when of an update that the edit path sets without an audit row of their own: they are the
# update's own assessor and time.
STAMPS = {"evidence_ticks": ("ticked_by", "ticked_at"), "conflict_assignments": ("assigned_by", "assigned_at")}
BLOBS = {"attachments": "data", "signatures": "png"}
LEGACY = ""  # the record id of an attestation of the people rows written before imports were recorded


def content_sha256(conn: sqlite3.Connection, table: str, where: str, params: Iterable[Any] = ()) -> str:
    """SHA-256 of the rows `where` selects, as stored, in id order: each row a JSON array of its
    columns (made by SQLite; a column a foreign key clears with ON DELETE SET NULL is left out, as
    removing a unit changes it without an edit of the import), one row per line."""
    return hashlib.sha256(content_text(conn, table, where, params)).hexdigest()


# Columns a people table gained after the trail began to hold its imports' content hashes (schema 6), with the
# value they hold in every older row: a row's line leaves them out while they hold it, so the hash of an
# import written before them is the hash of its rows now.
LATER_COLUMNS: dict[str, dict[str, str]] = {"roster_entries": {"remarks": "''"},
                                             "monthly_report_entries": {"remarks": "''"}}


def content_text(conn: sqlite3.Connection, table: str, where: str, params: Iterable[Any] = ()) -> bytes:
    """What content_sha256 hashes (b"" for no rows). The text of rows selected in parts, in id order,
    joined by a line feed, is the text of them all."""
    columns = _content_columns(conn, table)
    line = f"json_array({', '.join(columns)})"
    later = {c: v for c, v in LATER_COLUMNS.get(table, {}).items() if c in columns}
    if later:
        held = " AND ".join(f"{c} IS {v}" for c, v in later.items())
        line = f"CASE WHEN {held} THEN json_array({', '.join(c for c in columns if c not in later)}) ELSE {line} END"
    (text,) = conn.execute(f"SELECT CAST(group_concat(line, char(10)) AS BLOB) FROM "
                           f"(SELECT {line} AS line FROM {table} WHERE {where} ORDER BY id)",
                           tuple(params)).fetchone()
    return text or b""


def facts_digest(conn: sqlite3.Connection) -> dict[str, str]:
    """SHA-256 of each audited table as stored (every column but the blobs, whose own hashes are
    columns), in rowid order, by table: what a backup notes beside its audit head, so that opening
    can tell in a few milliseconds whether a table changed since while the trail did not."""
    digests = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                 "ORDER BY name").fetchall():
        if table in NOT_REPLAYED:
            continue
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != BLOBS.get(table)]
        (text,) = conn.execute(f"SELECT CAST(group_concat(line, char(10)) AS BLOB) FROM "
                               f"(SELECT json_array({', '.join(columns)}) AS line FROM {table} ORDER BY rowid)").fetchone()
        digests[table] = hashlib.sha256(text or b"").hexdigest()[:32]
    return digests


def _content_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    cleared = {row[3] for row in conn.execute(f"PRAGMA foreign_key_list({table})") if row[6] == "SET NULL"}
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in cleared]


# ------------------------------------------------------------------ the program's schema

@dataclass(frozen=True)
class Reference:
    """What the program's own schema of a version says: each table's columns with their declared
    type, NOT NULL, default and key; the foreign keys; the triggers."""
    columns: Mapping[str, tuple[tuple, ...]]  # table -> PRAGMA table_info rows (minus cid)
    defaults: Mapping[str, Mapping[str, Any]]  # table -> column -> default value
    children: Mapping[str, tuple[tuple[str, str, str, str], ...]]  # parent -> (child, column, parent column, on delete)
    triggers: Mapping[str, str]  # name -> normalised SQL

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> "Reference":
        columns, defaults, children = {}, {}, {}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                     "ORDER BY name"):
            info = [tuple(r[1:]) for r in conn.execute(f"PRAGMA table_info({table})")]
            columns[table] = tuple(info)
            defaults[table] = {name: _literal(default) for name, _, _, default, _ in info}
            for _, _, parent, column, parent_column, _, on_delete, _ in conn.execute(f"PRAGMA foreign_key_list({table})"):
                children.setdefault(parent, []).append((table, column, parent_column or "id", on_delete))
        return cls(columns, defaults, {k: tuple(v) for k, v in children.items()}, triggers_of(conn))


def _literal(text: str | None) -> Any:
    """A column default as PRAGMA table_info gives it (SQL text) as a value."""
    if text is None or text.upper() == "NULL":
        return None
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    try:
        return int(text)
    except ValueError:
        return text


def _normal_sql(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def triggers_of(conn: sqlite3.Connection) -> dict[str, str]:
    return {name: _normal_sql(sql) for name, sql in
            conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}


_TRAIL_TRIGGERS: dict[str, str] = {}


def trail_triggers() -> dict[str, str]:
    """The triggers the program makes (those of core/store/audit.py), as normalised SQL."""
    if not _TRAIL_TRIGGERS:
        memory = sqlite3.connect(":memory:")
        memory.executescript(audit.CREATE_SQL)
        _TRAIL_TRIGGERS.update(triggers_of(memory))
        memory.close()
    return _TRAIL_TRIGGERS


# ------------------------------------------------------------------ naming records as a bureau does

def _word(code: str, **params: Any) -> Msg:
    return Msg.of(code, **params)


# The columns Namer.record names a record by (beside its unit): a value shown next to that name
# need not say them again.
NAMED_BY: dict[str, tuple[str, ...]] = {
    "units": ("name",), "bases": ("name",), "trips": ("date", "place"), "deliveries": ("date", "enterprise"),
    "evidence_ticks": ("clause_id", "item"), "credit_grades": ("kind",), "cancelled_licences": ("kind",),
    "unit_kinds": ("kind",), "licences": ("kind",), "grade_quotas": ("grade",), "grade_promotions": ("grade",),
    "attachments": ("name", "clause_id"), "signatures": ("name", "document", "role"), "sheet_versions": ("version",),
    "clause_notes": ("clause_id",), "imports": ("file_name",), "conflict_assignments": ("id_number",),
    "assessors": ("name",)}


@dataclass
class Namer:
    """Turns (table, record, field) into the words of the messages: 单位“某某”, 投保人数."""
    unit_names: dict[int, str]
    evidence_label: Callable[[str, str], str]  # (clause id, item id) -> label
    kind_label: Callable[[str], str]
    trips: dict[Any, Msg] = field(default_factory=dict)  # trip id -> the trip's words
    codes: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)  # (table, column) -> code -> words
    bases: dict[Any, str] = field(default_factory=dict)  # base id -> its name
    trip_labels: dict[Any, str] = field(default_factory=dict)  # trip id -> its date and place
    management_clause: tuple[str, str] = ("", "")  # the clause the management record is the award of: id, title
    sections: Mapping[str, str] = field(default_factory=dict)  # a page that is no clause (五): id -> title

    def learn(self, conn: sqlite3.Connection) -> Namer:
        """The names of the units, bases and trips a file holds, to name the records hanging on them (a name
        already known stays: what is learnt first is believed first)."""
        for unit_id, name in conn.execute("SELECT id, name FROM units"):
            self.unit_names.setdefault(unit_id, name)
        for base_id, name in conn.execute("SELECT id, name FROM bases"):
            self.bases.setdefault(base_id, name)
        for trip_id, unit_id, date, place in conn.execute("SELECT id, unit_id, date, place FROM trips"):
            self.learn_trip({"id": trip_id, "unit_id": unit_id, "date": date, "place": place})
        return self

    def learn_trip(self, trip: Mapping[str, Any]) -> None:
        trip_id = trip.get("id")
        self.trips.setdefault(trip_id, self.record("trips", trip))
        self.trip_labels.setdefault(trip_id, f"{trip.get('date') or ''} {trip.get('place') or ''}".strip())

    def value(self, value: Any, table: str, name: str) -> Any:
        """A stored value as a message shows it, a code (offline, labour, hand …) in the bureau's words."""
        words = self.codes.get((table, name))
        if (table, name) in EXACT and isinstance(value, str):
            try:
                return Fraction(value)  # "15/2" as the points it is: 7.5
            except (ValueError, ZeroDivisionError):
                return value
        return shown(words.get(value, value) if words is not None and isinstance(value, str) else value, table, name)

    def unit(self, unit_id: Any) -> str:
        return self.unit_names.get(unit_id, "") or "？"

    def _where(self, get: Callable[..., Any]) -> Msg | None:
        """Where a tick or an attachment belongs: its unit, clause, and base or trip (None: the year's own)."""
        if get("unit_id") is None:
            return None
        clause = get("clause_id")
        at: Msg | str = ""
        if get("base_id") is not None:
            at = _word("audit.where.base", base=self.bases.get(get("base_id")) or "？")
        elif get("trip_id") is not None:
            at = _word("audit.where.trip", trip=self.trip_labels.get(get("trip_id")) or "？")
        if clause:
            return _word("audit.where.clause", unit=self.unit(get("unit_id")), clause=clause, at=at)
        return _word("audit.where.unit", unit=self.unit(get("unit_id")), at=at)

    def record(self, table: str, row: Mapping[str, Any]) -> Msg:
        get = row.get
        unit = self.unit(get("unit_id"))
        if table == "units":
            return _word("audit.record.units", name=get("name") or self.unit(get("id")))
        if table == "bases":
            return _word("audit.record.bases", unit=unit, name=get("name", ""))
        if table == "trips":
            return _word("audit.record.trips", unit=unit, date=get("date") or "", place=get("place") or "")
        if table == "trip_evaluations":
            trip = self.trips.get(get("trip_id")) or _word("audit.table.trips")
            return _word("audit.record.trip_evaluations", trip=trip, n=(get("position") or 0) + 1)
        if table == "deliveries":
            return _word("audit.record.deliveries", unit=unit, date=get("date") or "",
                         enterprise=get("enterprise") or "")
        if table == "evidence_ticks":
            return _word("audit.record.evidence_ticks", where=self._where(get) or "",
                         item=self.evidence_label(get("clause_id", ""), get("item", "")))
        if table in ("credit_grades", "cancelled_licences", "unit_kinds", "licences"):
            return _word(f"audit.record.{table}", unit=unit, kind=self.kind_label(get("kind", "")))
        if table == "grade_quotas":
            return _word("audit.record.grade_quotas", grade=get("grade", ""))
        if table == "grade_promotions":
            return _word("audit.record.grade_promotions", unit=unit, grade=get("grade", ""))
        if table == "attachments":
            where = self._where(get)
            if where is None:
                return _word("audit.record.attachments", name=get("name", ""))
            return _word("audit.record.attachments_of", where=where, name=get("name", ""))
        if table == "signatures":
            document, role = get("document"), get("role")
            if document is None or role is None:  # known only in part (a record the trail gave in part)
                return _word("audit.record.signatures", name=get("name", ""))
            words = {"document": self.value(document, table, "document"), "role": self.value(role, table, "role"),
                     "name": get("name", "")}
            if get("unit_id") is None:
                return _word("audit.record.signatures_on", **words)
            return _word("audit.record.signatures_of", unit=unit, **words)
        if table == "certificates":
            return _word("audit.record.certificates", fingerprint=str(get("fingerprint", ""))[:16])
        if table == "sheet_versions":
            return _word("audit.record.sheet_versions", unit=unit, version=get("version", ""))
        if table == "clause_notes":
            clause = get("clause_id", "")
            if clause in self.sections:  # 五 is a section of the rules, not a 条
                return _word("audit.record.section_notes", unit=unit, section=clause, title=self.sections[clause])
            return _word("audit.record.clause_notes", unit=unit, clause=clause)
        if table == "imports":
            return _word("audit.record.imports", file=get("file_name", ""))
        if table == "conflict_assignments":
            from core.common.identifiers import mask_id_number
            return _word("audit.record.conflict_assignments", id=mask_id_number(str(get("id_number", ""))))
        if table == "assessors":
            return _word("audit.record.assessors", name=get("name", ""))
        if table == "management":
            clause, title = self.management_clause
            if clause:
                return _word("audit.record.management_clause", unit=unit, clause=clause, title=title)
            return _word("audit.record.management", unit=unit)
        if table in ("negatives", "unit_locks"):
            return _word(f"audit.record.{table}", unit=unit)
        return _word(f"audit.record.{table}")

    @staticmethod
    def field(table: str, name: str) -> Msg:
        return _word(f"audit.field.{table}.{name}")


# Columns holding an exact number as text ("15/2"): shown as the number.
EXACT = frozenset({("management", "awarded"), ("units", "platform_rating")})
# The codes of the handwritten signatures' columns, in the words the documents and the signature pad use.
SIGNATURE_CODES = {("signatures", "document"): ("record", "sheet", "summary"),
                   ("signatures", "role"): ("assessor", "representative", "reviewer")}


# Yes/no columns (CHECK … IN (0, 1)): shown as 是 / 否.
FLAGS = frozenset({("units", "new_member"), ("units", "facts_final"), ("evidence_ticks", "seen"),
                   ("negatives", "major_incident")})


# Records that are their one field: a clause's note is told as 第 1.3 条的备注, not 第 1.3 条的备注的“备注”.
NAMED_BY_THEIR_FIELD = frozenset({("clause_notes", "note")})


def namer_for(rules: Any) -> Namer:
    """A Namer with the rule set's words for evidence items, unit kinds, trip modes and base types."""
    from core.excel.kinds import import_spec
    labels = {(c.id, e.id): e.label for c in rules.clauses for e in (*c.evidence, *c.record_evidence)}
    kinds = import_spec().kinds
    codes = {("trips", "mode"): rules.trip_modes, ("bases", "type"): rules.base_types,
             ("imports", "kind"): {kind: spec.label for kind, spec in kinds.items()},
             **{(table, column): {code: _word(f"audit.code.{column}.{code}") for code in values}
                for table, column, values in (("bases", "count_source", ("hand", "roster")),
                                              ("units", "platform_source", ("hand", "platform")))},
             **{key: {code: _word(f"audit.code.{key[1]}.{code}") for code in values}
                for key, values in SIGNATURE_CODES.items()}}
    management = next(((c.id, c.title) for c in rules.clauses if "management" in c.kind.facts), ("", ""))
    return Namer({}, lambda clause, item: labels.get((clause, item), item), lambda kind: rules.unit_kinds.get(kind, kind),
                 codes=codes, management_clause=management, sections={rules.negative.id: rules.negative.title})


def shown(value: Any, table: str = "", name: str = "") -> Any:
    """A stored value as a message shows it."""
    if value is None or value == "":  # a text not filled in reads as one left empty
        return _word("audit.value.empty")
    if (table, name) in FLAGS and value in (0, 1):
        return _word("audit.value.yes" if value else "audit.value.no")
    if isinstance(value, Msg):  # a code in the bureau's words (Namer.value)
        return value
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


# ------------------------------------------------------------------ replay

@dataclass
class Replay:
    """The audited tables as the trail says they are: table -> record id -> {field: value}. Only the
    fields the trail gave are known (a record the trail created in part, such as the year's meta,
    keeps the others unknown); `contents` holds each import's recorded content hash."""
    reference: Reference
    tables: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    contents: dict[str, str | None] = field(default_factory=dict)
    legacy: dict[str, str] = field(default_factory=dict)  # people table -> hash of its rows without an import

    def __post_init__(self) -> None:
        self.tables = {t: {} for t in self.reference.columns if t not in NOT_REPLAYED}

    def apply(self, action: str, table: str, record_id: str, name: str | None, new_value: str | None,
              at: str, assessor_id: int | None) -> None:
        records = self.tables.get(table)
        try:
            new = None if new_value is None else json.loads(new_value)
        except ValueError:  # a row written outside the program; the chain names it
            new = None
        if action == "attest":  # what a migration recorded as it found it (core/store/dataset.py, schema 6)
            if table == "imports":
                self.contents[record_id] = new
            elif record_id == LEGACY:
                self.legacy[table] = new
            elif records is not None and isinstance(new, dict):
                self._insert(table, record_id, new)
            return
        if records is None:
            return
        if action == "create":
            records.setdefault(record_id, {}).update(new if isinstance(new, dict) else {})
        elif action in ("insert", "import"):
            self._insert(table, record_id, new if isinstance(new, dict) else {})
        elif action == "update":
            record = records.setdefault(record_id, {})
            record[name] = new
            if table in STAMPS:
                by, when = STAMPS[table]
                record[by], record[when] = assessor_id, at
        elif action == "delete":
            self.delete(table, record_id)
        elif action == "migrate":
            record = records.setdefault(record_id, {})
            record[name] = new
            record.pop("program_version", None)  # set by each migration without a row of its own

    def _insert(self, table: str, record_id: str, values: Mapping[str, Any]) -> None:
        defaults = self.reference.defaults[table]
        record = dict(defaults)
        record.update((k, v) for k, v in values.items() if k in defaults)
        if "id" in defaults and "id" not in values and record_id.isdigit():
            record["id"] = int(record_id)
        if table == "imports":  # the sources it replaced went first (the new one may take a freed id)
            for replaced in values.get("replaced") or ():
                if isinstance(replaced, dict):
                    self.delete("imports", str(replaced.get("id")))
            self.contents[record_id] = values.get("content_sha256")
        self.tables[table][record_id] = record

    def delete(self, table: str, record_id: str) -> None:
        record = self.tables[table].pop(record_id, None)
        if table == "imports":
            self.contents.pop(record_id, None)
        if record is None:
            return
        for child, column, parent_column, on_delete in self.reference.children.get(table, ()):
            if child in NOT_REPLAYED or on_delete not in ("CASCADE", "SET NULL"):
                continue
            key = record.get(parent_column)
            for child_id, child_record in list(self.tables[child].items()):
                if child_record.get(column) == key:
                    if on_delete == "CASCADE":
                        self.delete(child, child_id)
                    else:
                        child_record[column] = None


def record_id(table: str, row: Mapping[str, Any]) -> str:
    keys = audit.KEYS.get(table)
    return str(row["id"]) if keys is None else "/".join(str(row[k]) for k in keys)


def _same(expected: Any, live: Any) -> bool:
    if expected == live:
        return True
    return expected is not None and live is not None and str(expected) == str(live)


# ------------------------------------------------------------------ the checks

@dataclass
class Report:
    """The outcome of a check: the trail's size and head, the first row that breaks the chain (None
    when the chain holds), and every problem found (Problem values, source = the file's name)."""
    count: int
    head: str
    broken: int | None
    problems: list[Problem]
    anchors: list["AnchorResult"] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.problems


def _problem(source: str, table: str, record: str, name: str, msg: Msg) -> Problem:
    return Problem(source, f"{table}/{record}" if record else table, name, msg)


def check_triggers(conn: sqlite3.Connection, source: str) -> list[Problem]:
    """The append-only triggers as the program made them, and no other trigger."""
    expected, found = trail_triggers(), triggers_of(conn)
    problems = [_problem(source, "audit", "", name, _word("audit.trigger_missing", guard=_word(f"audit.guard.{name}")))
                for name, sql in expected.items() if found.get(name) != sql]
    problems += [_problem(source, "audit", "", name, _word("audit.trigger_added", name=name))
                 for name in found if name not in expected]
    return problems


def check_columns(conn: sqlite3.Connection, reference: Reference, namer_table: Callable[[str], Msg],
                  source: str) -> list[Problem]:
    problems = []
    for table, columns in reference.columns.items():
        found = tuple(tuple(r[1:]) for r in conn.execute(f"PRAGMA table_info({table})"))
        if found != columns:
            problems.append(_problem(source, table, "", "", _word("audit.schema_changed", table=namer_table(table))))
    return problems


def check_chain_tail(conn: sqlite3.Connection, source: str) -> tuple[int, str, list[Problem]]:
    """The trail's row count and head; the last row must link to the one before and the rows number
    1 … count without a gap (a row cut from the middle or the end is then caught by the anchors)."""
    last = conn.execute(f"SELECT {', '.join(audit.COLUMNS)}, hash FROM audit ORDER BY seq DESC LIMIT 2").fetchall()
    if not last:
        return 0, audit.GENESIS, []
    count = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    row = dict(zip(audit.COLUMNS, last[0]))
    previous = last[1][-1] if len(last) > 1 else audit.GENESIS
    problems = []
    if row["seq"] != count or audit.chain_hash(previous, row) != last[0][-1]:
        problems.append(_problem(source, "audit", str(row["seq"]), "", _word("audit.tail_broken", seq=row["seq"])))
    return count, last[0][-1], problems


def full_check(conn: sqlite3.Connection, reference: Reference, namer: Namer, source: str,
               progress: Progress | None = None,
               as_imported: PeopleAsImported | None = None) -> Report:
    """Every check: the chain row by row, the schema, the replay of every audited table against the
    live one, every import's people and every blob against the hashes the trail recorded. `progress`
    (done, total) may return False to stop early (the report then holds what was found so far)."""
    problems = check_triggers(conn, source)
    problems += check_columns(conn, reference, lambda t: _word(f"audit.table.{t}"), source)
    replay = Replay(reference)
    previous, expected, broken, count = audit.GENESIS, 1, None, 0
    total = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    chain_hash, columns = audit.chain_hash, audit.COLUMNS
    apply = replay.apply
    for values in conn.execute(f"SELECT {', '.join(columns)}, hash FROM audit ORDER BY seq"):
        row = dict(zip(columns, values))
        stored = values[-1]
        if broken is None and (row["seq"] != expected or chain_hash(previous, row) != stored):
            broken = row["seq"]
        previous = stored
        expected += 1
        count += 1
        apply(row["action"], row["table_name"], row["record_id"], row["field"], row["new_value"], row["at"],
              row["assessor_id"])
        if progress is not None and count % 5000 == 0 and progress(count, total) is False:
            return Report(count, previous, broken, problems)
    namer.unit_names.update({r["id"]: r.get("name") for r in replay.tables.get("units", {}).values()
                             if isinstance(r.get("id"), int)})
    problems += compare(conn, replay, namer, source)
    problems += check_people(conn, replay, source, as_imported)
    return Report(count, previous, broken, problems)


def compare(conn: sqlite3.Connection, replay: Replay, namer: Namer, source: str) -> list[Problem]:
    """The replayed tables against the live ones: records added, removed, fields changed; blobs and
    the stored rule set against their hashes."""
    problems: list[Problem] = []
    for trip in replay.tables.get("trips", {}).values():
        namer.learn_trip(trip)
    for base in replay.tables.get("bases", {}).values():
        namer.bases.setdefault(base.get("id"), base.get("name") or "")
    namer.learn(conn)  # what the trail does not name, as the file holds it
    for table, expected in replay.tables.items():
        blob = BLOBS.get(table)
        names = [c[0] for c in replay.reference.columns[table] if c[0] != blob]
        live: dict[str, dict[str, Any]] = {}
        for values in conn.execute(f"SELECT {', '.join(names)} FROM {table}"):
            row = dict(zip(names, values))
            live[record_id(table, row)] = row
        for rid, row in live.items():
            want = expected.get(rid)
            if want is None:
                problems.append(_problem(source, table, rid, "", _word("audit.added", record=namer.record(table, row))))
                continue
            for name, value in want.items():
                if name in row and name != blob and not _same(value, row[name]):
                    told = {"record": namer.record(table, {**row, **want}), "live": namer.value(row[name], table, name),
                            "expected": namer.value(value, table, name)}
                    problems.append(_problem(source, table, rid, name, _word(
                        "audit.changed_record", **told) if (table, name) in NAMED_BY_THEIR_FIELD else _word(
                        "audit.changed", field=namer.field(table, name), **told)))
        for rid, want in expected.items():
            if rid not in live:
                problems.append(_problem(source, table, rid, "", _word("audit.removed", record=namer.record(table, want))))
        if blob:
            for rid_value, digest, data in conn.execute(f"SELECT id, sha256, {blob} FROM {table}"):
                if hashlib.sha256(data or b"").hexdigest() != digest:
                    row = live.get(str(rid_value), {})
                    problems.append(_problem(source, table, str(rid_value), blob, _word(
                        "audit.blob_changed", record=namer.record(table, row))))
    for rule_set_id, digest, text in conn.execute("SELECT id, sha256, text FROM rule_sets"):
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
            problems.append(_problem(source, "rule_sets", rule_set_id, "text", _word("audit.rule_set_text")))
    return problems


PeopleAsImported = Callable[[int, str, str], "list[dict[str, Any]] | None"]


def _person(row: Mapping[str, Any]) -> Msg:
    from core.common.identifiers import mask_id_number
    name = row.get("name") or row.get("unit_name") or ""
    if row.get("id_number"):
        name = f"{name}，{mask_id_number(str(row['id_number']))}"
    return _word("audit.person", sheet=row.get("sheet", ""), row=row.get("sheet_row") or "", name=name)


def people_differences(conn: sqlite3.Connection, table: str, import_id: int, file_name: str,
                       imported: list[dict[str, Any]], source: str) -> list[Problem]:
    """The people of one import against its rows as imported (from a backup whose copy still has
    the recorded content hash): each person changed, added or removed, named."""
    columns = _content_columns(conn, table)
    cursor = conn.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE import_id = ? ORDER BY id", (import_id,))
    live = {row[0]: dict(zip(columns, row)) for row in cursor}
    then = {row["id"]: row for row in imported}
    problems = []
    for rid, row in live.items():
        before = then.get(rid)
        if before is None:
            problems.append(_problem(source, table, str(rid), "", _word("audit.person_added", file=file_name,
                                                                        person=_person(row))))
            continue
        for name in columns:
            if not _same(before.get(name), row[name]) and (before.get(name) is not None or row[name] is not None):
                shown_live, shown_then = row[name], before.get(name)
                if name == "id_number":
                    from core.common.identifiers import mask_id_number
                    shown_live, shown_then = mask_id_number(str(shown_live)), mask_id_number(str(shown_then))
                problems.append(_problem(source, table, str(rid), name, _word(
                    "audit.person_changed", file=file_name, person=_person(before), field=_word(f"audit.field.{table}.{name}"),
                    live=shown(shown_live), expected=shown(shown_then))))
    for rid, row in then.items():
        if rid not in live:
            problems.append(_problem(source, table, str(rid), "", _word("audit.person_removed", file=file_name,
                                                                        person=_person(row))))
    return problems





def read_only_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(Path(path).absolute())) + "?mode=ro"


def check_people(conn: sqlite3.Connection, replay: Replay, source: str,
                 as_imported: PeopleAsImported | None = None) -> list[Problem]:
    """Each import's rows against the content hash its audit row recorded; rows of no import.
    `as_imported(import id, table, hash)` may give an import's rows as imported (from a backup), to
    name each person changed."""
    problems = []
    for import_id, kind, file_name, rows in conn.execute("SELECT id, kind, file_name, rows FROM imports ORDER BY id"):
        table = KIND_TABLE.get(kind)
        if table is None:
            continue  # an unknown kind is already told as a changed field of the import
        recorded = replay.contents.get(str(import_id))
        if recorded is None:
            if str(import_id) in replay.tables["imports"]:
                problems.append(_problem(source, "imports", str(import_id), "",
                                         _word("audit.people_unproved", file=file_name)))
            continue
        if content_sha256(conn, table, "import_id = ?", (import_id,)) != recorded:
            imported = as_imported(import_id, table, recorded) if as_imported is not None else None
            named = people_differences(conn, table, import_id, file_name, imported, source) if imported else []
            if named:
                problems += named
                continue
            count = conn.execute(f"SELECT count(*) FROM {table} WHERE import_id = ?", (import_id,)).fetchone()[0]
            problems.append(_problem(source, table, str(import_id), "", _word(
                "audit.people_changed", file=file_name, rows=rows, found=count)))
    for table in PEOPLE_TABLES:
        stray = conn.execute(f"SELECT count(*) FROM {table} WHERE import_id IS NOT NULL AND import_id NOT IN "
                             f"(SELECT id FROM imports)").fetchone()[0]
        if stray:
            problems.append(_problem(source, table, "", "", _word("audit.people_stray", table=_word(f"audit.table.{table}"),
                                                                  count=stray)))
        legacy = conn.execute(f"SELECT count(*) FROM {table} WHERE import_id IS NULL").fetchone()[0]
        if legacy and content_sha256(conn, table, "import_id IS NULL") != replay.legacy.get(table):
            problems.append(_problem(source, table, "", "", _word("audit.people_stray", table=_word(f"audit.table.{table}"),
                                                                  count=legacy)))
    return problems


# ------------------------------------------------------------------ anchors

@dataclass(frozen=True)
class Anchor:
    """A chain head kept outside the file: row `seq` had hash `hash` when `source` (a backup, a
    signed sheet) was made. `source` is a message naming it."""
    seq: int
    hash: str
    source: Msg
    trail: Any = None  # a backup's path: its whole trail can be compared row by row
    facts: Mapping[str, str] | None = None  # facts_digest of the file when its trail ended at this row


@dataclass(frozen=True)
class AnchorResult:
    """An anchor held against the live trail: the problem when the anchored row is gone or changed."""
    anchor: Anchor
    problem: Problem | None  # None: the trail still holds the anchored row
    later: int = 0  # rows added since the anchor
    first_difference: int | None = None  # against a backup's trail: the first row that differs


def check_anchor(conn: sqlite3.Connection, anchor: Anchor, source: str) -> AnchorResult:
    """Does the live trail still contain the anchored row with the anchored hash?"""
    if anchor.seq == 0:
        return AnchorResult(anchor, None, conn.execute("SELECT count(*) FROM audit").fetchone()[0])
    found = conn.execute("SELECT hash FROM audit WHERE seq = ?", (anchor.seq,)).fetchone()
    count = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    if found is None:
        return AnchorResult(anchor, _problem(source, "audit", str(anchor.seq), "", _word(
            "audit.anchor_cut", source=anchor.source, seq=anchor.seq, count=count)))
    if found[0] != anchor.hash:
        return AnchorResult(anchor, _problem(source, "audit", str(anchor.seq), "", _word(
            "audit.anchor_rewritten", source=anchor.source, seq=anchor.seq)))
    return AnchorResult(anchor, None, count - anchor.seq)


def first_difference(conn: sqlite3.Connection, other: sqlite3.Connection, upto: int) -> int | None:
    """The first seq (≤ upto) whose hash differs between two trails, or None when rows 1 … upto agree."""
    mine = conn.execute("SELECT seq, hash FROM audit WHERE seq <= ? ORDER BY seq", (upto,)).fetchall()
    theirs = other.execute("SELECT seq, hash FROM audit WHERE seq <= ? ORDER BY seq", (upto,)).fetchall()
    for n, (a, b) in enumerate(zip(mine, theirs), start=1):
        if a != b or a[0] != n:
            return n
    return None if len(mine) == len(theirs) else min(len(mine), len(theirs)) + 1


def first_difference_with(conn: sqlite3.Connection, other: Path, upto: int) -> int | None:
    """first_difference against the trail of another file (a backup); None when it cannot be read."""
    try:
        theirs = sqlite3.connect(read_only_uri(other), uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        return first_difference(conn, theirs, upto)
    except sqlite3.Error:
        return None
    finally:
        theirs.close()


def quick_check(conn: sqlite3.Connection, source: str, anchor: Anchor | None) -> list[Problem]:
    """What opening runs: the triggers, the last row's link and the count, the newest anchor and, against
    the digest it noted, every table no edit since touched."""
    problems = check_triggers(conn, source)
    _, _, tail = check_chain_tail(conn, source)
    problems += tail
    if anchor is not None:
        result = check_anchor(conn, anchor, source)
        if result.problem is not None:
            problems.append(result.problem)
        elif anchor.facts:  # every table no edit since the anchor touched is as it was then
            touched = tables_touched_since(conn, anchor.seq) if result.later else set()
            if touched is not None:
                found = facts_digest(conn)
                problems += [_problem(source, table, "", "", _word(
                    "audit.table_changed", table=_word(f"audit.table.{table}"), source=anchor.source))
                    for table, digest in anchor.facts.items()
                    if table not in touched and found.get(table, digest) != digest]
    return problems


def tables_touched_since(conn: sqlite3.Connection, seq: int) -> set[str] | None:
    """The tables the trail's rows after `seq` may have changed: those they name and, through the foreign
    keys, the tables under those they delete from (a deleted unit takes its records along; an import
    replaces older ones). None when a migration ran since (it may change any table)."""
    rows = conn.execute("SELECT DISTINCT action, table_name FROM audit WHERE seq > ?", (seq,)).fetchall()
    if any(action in ("migrate", "schema", "attest") for action, _ in rows):
        return None
    children: dict[str, set[str]] = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        for key in conn.execute(f"PRAGMA foreign_key_list({table})"):
            children.setdefault(key[2], set()).add(table)
    touched = {table for _, table in rows}
    waiting = [table for action, table in rows if action in ("delete", "import")]
    while waiting:
        for child in children.get(waiting.pop(), ()):
            if child not in touched:
                touched.add(child)
                waiting.append(child)
    return touched
