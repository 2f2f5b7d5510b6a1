"""The year file's tables: the schema of each version, and the forward migrations that take a file
from one version to the next, each returning what it changed for the audit trail."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.store import audit
from core.store.edit import now_text
from core.store.files import APPLICATION_ID, DATASET_FORMAT, PROGRAM_VERSION, SCHEMA_VERSION

if TYPE_CHECKING:
    from core.scoring.rules import RuleSet
    from core.store.audit_check import Reference

SCHEMA_V1 = """
CREATE TABLE rule_sets (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    stored_at TEXT NOT NULL
);
CREATE TABLE meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    format TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    year INTEGER NOT NULL,
    rule_set_id TEXT NOT NULL REFERENCES rule_sets(id),
    created_at TEXT NOT NULL,
    program_version TEXT NOT NULL
);
CREATE TABLE assessors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name <> ''),
    role TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL
);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    name TEXT NOT NULL UNIQUE,
    credit_code TEXT NOT NULL UNIQUE,
    new_member INTEGER NOT NULL DEFAULT 0 CHECK (new_member IN (0, 1)),
    facts_final INTEGER NOT NULL DEFAULT 0 CHECK (facts_final IN (0, 1)),
    contact_person TEXT NOT NULL DEFAULT '',
    platform_rating TEXT,                     -- exact: "43/10"; NULL when there is none
    insured_workers INTEGER NOT NULL DEFAULT 0 CHECK (insured_workers >= 0)
);
CREATE TABLE unit_kinds (
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (unit_id, kind)
);
CREATE TABLE licences (
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    PRIMARY KEY (unit_id, kind)
);
CREATE TABLE bases (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    agreement_date TEXT NOT NULL,
    people INTEGER NOT NULL DEFAULT 0,
    retained INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX bases_by_unit ON bases(unit_id, position);
CREATE TABLE trips (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    date TEXT NOT NULL,
    place TEXT NOT NULL,
    mode TEXT NOT NULL,
    enterprises INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX trips_by_unit ON trips(unit_id, position);
CREATE TABLE trip_evaluations (
    trip_id INTEGER NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    PRIMARY KEY (trip_id, position)
);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    date TEXT NOT NULL,
    enterprise TEXT NOT NULL,
    stars INTEGER NOT NULL
);
CREATE INDEX deliveries_by_unit ON deliveries(unit_id, position);
-- One row per evidence item ticked: clause-level (base_id and trip_id NULL) or for one base/trip.
CREATE TABLE evidence_ticks (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    clause_id TEXT NOT NULL,
    base_id INTEGER REFERENCES bases(id) ON DELETE CASCADE,
    trip_id INTEGER REFERENCES trips(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    seen INTEGER NOT NULL CHECK (seen IN (0, 1)),
    ticked_by INTEGER NOT NULL REFERENCES assessors(id),
    ticked_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    CHECK (base_id IS NULL OR trip_id IS NULL)
);
CREATE UNIQUE INDEX ticks_of_unit ON evidence_ticks(unit_id, clause_id, item) WHERE base_id IS NULL AND trip_id IS NULL;
CREATE UNIQUE INDEX ticks_of_base ON evidence_ticks(base_id, item) WHERE base_id IS NOT NULL;
CREATE UNIQUE INDEX ticks_of_trip ON evidence_ticks(trip_id, item) WHERE trip_id IS NOT NULL;
CREATE TABLE management (
    unit_id INTEGER PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    awarded TEXT,                             -- exact fraction text; NULL: not awarded
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE negatives (
    unit_id INTEGER PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    major_incident INTEGER NOT NULL DEFAULT 0 CHECK (major_incident IN (0, 1)),
    collective_disputes_lost INTEGER NOT NULL DEFAULT 0,
    individual_disputes_lost INTEGER NOT NULL DEFAULT 0,
    complaints INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE credit_grades (
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    grade TEXT NOT NULL,
    PRIMARY KEY (unit_id, kind)
);
CREATE TABLE cancelled_licences (
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (unit_id, kind)
);
CREATE TABLE grade_quotas (
    grade TEXT PRIMARY KEY,
    count INTEGER NOT NULL CHECK (count >= 0)
);
CREATE TABLE grade_promotions (
    id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    grade TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX promotions_by_unit ON grade_promotions(unit_id);
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,
    clause_id TEXT,
    base_id INTEGER REFERENCES bases(id) ON DELETE SET NULL,
    trip_id INTEGER REFERENCES trips(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    added_by INTEGER NOT NULL REFERENCES assessors(id),
    added_at TEXT NOT NULL
);
CREATE INDEX attachments_by_unit ON attachments(unit_id);
CREATE INDEX attachments_by_base ON attachments(base_id);
CREATE INDEX attachments_by_trip ON attachments(trip_id);
-- The people behind the counts (imported from the annex rosters and lists; import comes later).
CREATE TABLE roster_entries (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('arrival', 'trainee', 'intern')),
    name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    base_id INTEGER REFERENCES bases(id) ON DELETE SET NULL,
    base_name TEXT NOT NULL DEFAULT '',
    employer TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    first_insured_date TEXT,
    months_enrolled INTEGER,
    source TEXT NOT NULL DEFAULT ''           -- file and row it was read from
);
CREATE INDEX roster_by_id_number ON roster_entries(id_number);
CREATE INDEX roster_by_unit ON roster_entries(unit_id, kind);
CREATE INDEX roster_by_base ON roster_entries(base_id);
CREATE TABLE monthly_report_entries (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    month TEXT NOT NULL,                      -- YYYY-MM of the monthly delivery report
    name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    employer TEXT NOT NULL DEFAULT '',
    base_name TEXT NOT NULL DEFAULT '',
    arrival_date TEXT,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX monthly_by_id_number ON monthly_report_entries(id_number);
CREATE INDEX monthly_by_unit ON monthly_report_entries(unit_id, month);
CREATE TABLE traineeship_list (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('trainee', 'intern')),
    employer TEXT NOT NULL DEFAULT '',
    school TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    end_date TEXT,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX traineeship_by_id_number ON traineeship_list(id_number);
CREATE TABLE platform_delivery_records (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,
    date TEXT NOT NULL,
    enterprise TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    id_number TEXT,
    stars INTEGER,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX platform_by_id_number ON platform_delivery_records(id_number);
CREATE INDEX platform_by_unit ON platform_delivery_records(unit_id);
""" + audit.CREATE_SQL


def _migrate_1_to_2(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any]]:
    """Attachments get a description ("photos of the Guiyang job fair, March")."""
    import sqlite_utils  # only needed for schema work; keeps opening fast
    sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)["attachments"].add_column(
        "description", str, not_null_default="")
    return [("schema", "attachments", "description", None, "TEXT NOT NULL DEFAULT ''")]


SCHEMA_V3_SIGNING = (
    # Handwritten signatures (PNG from the signature pad) for the lines of the PDF documents.
    """CREATE TABLE signatures (
        id INTEGER PRIMARY KEY,
        unit_id INTEGER REFERENCES units(id) ON DELETE CASCADE,   -- NULL: the year summary
        document TEXT NOT NULL CHECK (document IN ('record', 'sheet', 'summary')),
        role TEXT NOT NULL CHECK (role IN ('assessor', 'representative', 'reviewer')),
        name TEXT NOT NULL CHECK (name <> ''),
        title TEXT NOT NULL DEFAULT '',                          -- e.g. 考核组长
        signed_at TEXT NOT NULL,
        png BLOB NOT NULL,
        sha256 TEXT NOT NULL,
        added_by INTEGER REFERENCES assessors(id)
    )""",
    "CREATE INDEX signatures_by_unit ON signatures(unit_id, document)",
    # Certificates this year's PDFs were signed with (SHA-256 of the DER certificate, lowercase hex).
    """CREATE TABLE certificates (
        fingerprint TEXT PRIMARY KEY,
        subject TEXT NOT NULL,
        added_at TEXT NOT NULL
    )""",
    # Each signed score sheet of a unit; the version printed on it.
    """CREATE TABLE sheet_versions (
        id INTEGER PRIMARY KEY,
        unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        signed_at TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        pdf_sha256 TEXT NOT NULL,
        UNIQUE (unit_id, version)
    )""",
    # A unit whose score sheet is signed: its facts are locked until reopened with a reason.
    """CREATE TABLE unit_locks (
        unit_id INTEGER PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        locked_at TEXT NOT NULL
    )""",
)


def _migrate_2_to_3(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any]]:
    """Signed PDF sheets (issue 6): handwritten signatures, known certificates, signed sheet versions
    and unit locks. Statement by statement: executescript would commit the migration's transaction."""
    for statement in SCHEMA_V3_SIGNING:
        conn.execute(statement)
    return [("schema", table, None, None, "CREATE TABLE")
            for table in ("signatures", "certificates", "sheet_versions", "unit_locks")]


CLAUSE_NOTES_SQL = """CREATE TABLE IF NOT EXISTS clause_notes (
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    clause_id TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (unit_id, clause_id)
)"""

# Schema 4 (issue 5): the people imported from Excel, where they came from, and what they feed.
SCHEMA_V4_PEOPLE = (
    # Where a base's people/retained (clauses 2.1, 2.2 and 4.2's denominator) come from: typed by hand
    # (only paper exists) or the counts matched from the imported rosters (core/people/tables.py).
    "ALTER TABLE bases ADD COLUMN count_source TEXT NOT NULL DEFAULT 'hand' "
    "CHECK (count_source IN ('hand', 'roster'))",
    # Each imported workbook ("source"): importing the same source again replaces its rows (see
    # Dataset.import_people for what "the same" is); the people rows go with it (ON DELETE CASCADE).
    """CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,                                     -- resources/excel/import-kinds.toml
        unit_id INTEGER REFERENCES units(id) ON DELETE CASCADE, -- NULL: a list for the whole year
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,                                   -- of the file's bytes
        rows INTEGER NOT NULL CHECK (rows >= 0),
        replaced_rows INTEGER NOT NULL DEFAULT 0,               -- rows of the sources it replaced
        mapping TEXT NOT NULL DEFAULT '',                       -- JSON of the column mapping used, '' if none
        imported_at TEXT NOT NULL,
        imported_by INTEGER REFERENCES assessors(id)
    )""",
    "CREATE INDEX imports_by_source ON imports(kind, unit_id)",
    # The assessor's decision on a person two units claim: who the person counts for, and why.
    """CREATE TABLE conflict_assignments (
        id_number TEXT PRIMARY KEY,
        unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        reason TEXT NOT NULL CHECK (reason <> ''),
        assigned_by INTEGER REFERENCES assessors(id),
        assigned_at TEXT NOT NULL
    )""",
    # What the rosters carry beyond schema 1's columns; sheet and row locate the person in the file.
    # months_enrolled holds the insured months (arrivals) or the traineeship/internship months.
    "ALTER TABLE roster_entries ADD COLUMN import_id INTEGER REFERENCES imports(id) ON DELETE CASCADE",
    "ALTER TABLE roster_entries ADD COLUMN gender TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE roster_entries ADD COLUMN phone TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE roster_entries ADD COLUMN arrival_date TEXT",
    "ALTER TABLE roster_entries ADD COLUMN leave_date TEXT",
    "ALTER TABLE roster_entries ADD COLUMN end_date TEXT",
    "ALTER TABLE roster_entries ADD COLUMN sheet TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE roster_entries ADD COLUMN sheet_row INTEGER",
    "CREATE INDEX roster_by_import ON roster_entries(import_id)",
    # base_id is never set (a person's base is resolved by name when matching, so renaming a base
    # keeps its people), and the people are read import by import: these indexes only slowed every
    # insert down.
    "DROP INDEX roster_by_base",
    "DROP INDEX roster_by_unit",
    # The monthly reports: rebuilt because a report's month may be unknown (a sheet named neither by
    # month nor with a month column), which schema 1 did not allow.
    "ALTER TABLE monthly_report_entries RENAME TO monthly_report_entries_v3",
    "DROP INDEX monthly_by_id_number",
    "DROP INDEX monthly_by_unit",
    """CREATE TABLE monthly_report_entries (
        id INTEGER PRIMARY KEY,
        unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        import_id INTEGER REFERENCES imports(id) ON DELETE CASCADE,
        month TEXT,                               -- YYYY-MM of the monthly delivery report; NULL: unknown
        name TEXT NOT NULL,
        id_number TEXT NOT NULL,
        employer TEXT NOT NULL DEFAULT '',
        base_name TEXT NOT NULL DEFAULT '',
        arrival_date TEXT,
        phone TEXT NOT NULL DEFAULT '',
        sheet TEXT NOT NULL DEFAULT '',
        sheet_row INTEGER,
        source TEXT NOT NULL DEFAULT ''
    )""",
    "INSERT INTO monthly_report_entries (id, unit_id, month, name, id_number, employer, base_name, arrival_date, "
    "source) SELECT id, unit_id, month, name, id_number, employer, base_name, arrival_date, source "
    "FROM monthly_report_entries_v3",
    "DROP TABLE monthly_report_entries_v3",
    "CREATE INDEX monthly_by_id_number ON monthly_report_entries(id_number)",
    "CREATE INDEX monthly_by_import ON monthly_report_entries(import_id)",
    # The district list: the unit it names (as written) and the months of traineeship.
    "ALTER TABLE traineeship_list ADD COLUMN import_id INTEGER REFERENCES imports(id) ON DELETE CASCADE",
    "ALTER TABLE traineeship_list ADD COLUMN unit_name TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE traineeship_list ADD COLUMN placement_months INTEGER",
    "ALTER TABLE traineeship_list ADD COLUMN sheet TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE traineeship_list ADD COLUMN sheet_row INTEGER",
    "CREATE INDEX traineeship_by_import ON traineeship_list(import_id)",
    # The platform's delivery export names units as written; unit_id is set when a unit has that name.
    "ALTER TABLE platform_delivery_records ADD COLUMN import_id INTEGER REFERENCES imports(id) ON DELETE CASCADE",
    "ALTER TABLE platform_delivery_records ADD COLUMN unit_name TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE platform_delivery_records ADD COLUMN sheet TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE platform_delivery_records ADD COLUMN sheet_row INTEGER",
    "CREATE INDEX platform_by_import ON platform_delivery_records(import_id)",
    # The platform's composite rating of each unit (exact fraction text, e.g. "87/20").
    """CREATE TABLE platform_ratings (
        id INTEGER PRIMARY KEY,
        import_id INTEGER REFERENCES imports(id) ON DELETE CASCADE,
        unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,
        unit_name TEXT NOT NULL,
        rating TEXT NOT NULL,
        sheet TEXT NOT NULL DEFAULT '',
        sheet_row INTEGER,
        source TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX platform_ratings_by_import ON platform_ratings(import_id)",
)


def _migrate_3_to_4(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any]]:
    """The Excel import (issue 5): imported sources, conflict assignments, the people tables' new
    columns, each base's count source; and the clause notes, which schema 3 files may already have
    (the desktop used to make the table with the first note). Statement by statement: executescript
    would commit the migration's transaction."""
    had_notes = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'clause_notes'").fetchone()
    conn.execute(CLAUSE_NOTES_SQL)
    for statement in SCHEMA_V4_PEOPLE:
        conn.execute(statement)
    changed = [] if had_notes else [("schema", "clause_notes", None, None, "CREATE TABLE")]
    changed += [("schema", table, None, None, "CREATE TABLE")
                for table in ("imports", "conflict_assignments", "platform_ratings")]
    changed += [("schema", "bases", "count_source", None, "TEXT NOT NULL DEFAULT 'hand'")]
    changed += [("schema", table, None, None, "ALTER TABLE")
                for table in ("roster_entries", "monthly_report_entries", "traineeship_list",
                              "platform_delivery_records")]
    return changed


# Schema 5: where each unit's 3.1 deliveries and 3.2 composite rating come from: typed by hand (the
# default, so a year keeps its scores) or the platform's exports imported into the dataset (core/people/platform.py).
SCHEMA_V5_PLATFORM_SOURCE = ("ALTER TABLE units ADD COLUMN platform_source TEXT NOT NULL DEFAULT 'hand' "
                             "CHECK (platform_source IN ('hand', 'platform'))")


def _migrate_4_to_5(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any]]:
    """Each unit's choice of where 3.1 and 3.2 take their figures from (as schema 4 added each base's
    count source): a column with a default, so every unit of an older file keeps its typed figures."""
    conn.execute(SCHEMA_V5_PLATFORM_SOURCE)
    return [("schema", "units", "platform_source", None, "TEXT NOT NULL DEFAULT 'hand'")]


def _migrate_5_to_6(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any, str]]:
    """No change of tables: the trail learns the content hash of the people each import wrote (and of
    rows written before imports were recorded), which imports now record themselves, and the clause
    notes an older desktop wrote unaudited, so that from here on the file can be proved from the
    trail (core/store/audit_check.py)."""
    from core.people.records import KIND_TABLE, PEOPLE_TABLES
    from core.store.audit_check import LEGACY, content_sha256
    attested: list[tuple[str, str, str | None, Any, Any, str]] = [
        ("attest", "imports", None, None, content_sha256(conn, KIND_TABLE[kind], "import_id = ?", (import_id,)),
         str(import_id))
        for import_id, kind in conn.execute("SELECT id, kind FROM imports ORDER BY id").fetchall() if kind in KIND_TABLE]
    for table in PEOPLE_TABLES:
        if conn.execute(f"SELECT 1 FROM {table} WHERE import_id IS NULL LIMIT 1").fetchone():
            attested.append(("attest", table, None, None, content_sha256(conn, table, "import_id IS NULL"), LEGACY))
    # The desktop of schema 3 wrote its first clause notes without an audit row: recorded as they are.
    audited = {r[0] for r in conn.execute("SELECT record_id FROM audit WHERE table_name = 'clause_notes'")}
    for unit_id, clause_id, note in conn.execute("SELECT unit_id, clause_id, note FROM clause_notes ORDER BY rowid"):
        if f"{unit_id}/{clause_id}" not in audited:
            attested.append(("attest", "clause_notes", None, None,
                             {"unit_id": unit_id, "clause_id": clause_id, "note": note}, f"{unit_id}/{clause_id}"))
    return attested


# Schema 7: the year file a year was continued from (新建年度 从上一年度继续, core/years/continuation.py): where
# it was, its bytes' SHA-256 and its audit head then (which still names it after it was edited or moved),
# its year and rule set, and how many units came across. One row at most; none for a year begun empty.
SCHEMA_V7_CONTINUED_FROM = """CREATE TABLE continued_from (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    year INTEGER NOT NULL,
    rule_set_id TEXT NOT NULL,
    path TEXT NOT NULL,                       -- absolute, as it was when the year was continued
    file_sha256 TEXT NOT NULL,                -- of the file's bytes then
    audit_seq INTEGER NOT NULL,               -- the file's audit head then: row number and hash
    audit_hash TEXT NOT NULL,
    units INTEGER NOT NULL CHECK (units >= 0),
    continued_at TEXT NOT NULL
)"""


def _migrate_6_to_7(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any]]:
    """Where a year came from: the previous year's file it was continued from."""
    conn.execute(SCHEMA_V7_CONTINUED_FROM)
    return [("schema", "continued_from", None, None, "CREATE TABLE")]


# Schema 8: a base's agreement date, a trip's date and a delivery's date and stars may be NULL: not typed
# yet. A record added on a clause page starts without them and does not count until they are typed.
SCHEMA_V8_UNFILLED = {"bases": ("agreement_date TEXT NOT NULL", "agreement_date TEXT"),
                      "trips": ("date TEXT NOT NULL", "date TEXT"),
                      "deliveries": ("date TEXT NOT NULL", "date TEXT", "stars INTEGER NOT NULL", "stars INTEGER")}


def _migrate_7_to_8(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any]]:
    """The record columns lose NOT NULL. SQLite cannot alter a column; for dropping NOT NULL its manual
    gives this way (ALTER TABLE, "making other kinds of table schema changes"): the tables' own text is
    rewritten in place, their rows, ids and the ticks that refer to them stay as they are."""
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    changed: list[tuple[str, str, str | None, Any, Any]] = []
    try:
        for table, replacements in SCHEMA_V8_UNFILLED.items():
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (table,)).fetchone()[0]
            for old, new in zip(replacements[::2], replacements[1::2], strict=True):
                if old not in sql:
                    raise sqlite3.DatabaseError(f"unexpected schema of {table}: {sql}")
                sql = sql.replace(old, new)
                changed.append(("schema", table, new.split()[0], old, new))
            conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    return changed


# Schema 9: of a school base's people and retained, how many are trainees (就业见习; the rest are interns, 岗位实习),
# since only trainees need the district's traineeship list (2.1). NULL: not told apart, as every base of an older
# file: all its people then need the evidence of both, which is how they were scored before (Base.effective_trainees).
SCHEMA_V9_TRAINEES = ("ALTER TABLE bases ADD COLUMN trainees INTEGER CHECK (trainees >= 0)",
                      "ALTER TABLE bases ADD COLUMN trainees_retained INTEGER CHECK (trainees_retained >= 0)")


def _migrate_8_to_9(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any]]:
    """Each base's trainees among its people and retained: columns without a value, so every base of an older
    file keeps its people counted as they were (not told apart) until the assessor types the split."""
    for statement in SCHEMA_V9_TRAINEES:
        conn.execute(statement)
    return [("schema", "bases", column, None, "INTEGER") for column in ("trainees", "trainees_retained")]


# Schema 10: a roster row's 备注 as the unit wrote it (附件2, 附件4), free text; '' where the roster had none, as
# every row of an older file. An import's content hash leaves it out while it is '' (audit_check.LATER_COLUMNS),
# so the hashes the trail holds of older imports still prove their rows.
SCHEMA_V10_REMARKS = "ALTER TABLE roster_entries ADD COLUMN remarks TEXT NOT NULL DEFAULT ''"


def _migrate_9_to_10(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any]]:
    """The rosters' 备注: a column with an empty default, so the people of an older file stay as they were."""
    conn.execute(SCHEMA_V10_REMARKS)
    return [("schema", "roster_entries", "remarks", None, "TEXT NOT NULL DEFAULT ''")]


# Schema 11: a monthly report row's 备注 as the unit wrote it (每月送工信息), free text; '' where the report had
# none, as every row of an older file. Left out of an import's content hash while it is '', as schema 10's.
SCHEMA_V11_REMARKS = "ALTER TABLE monthly_report_entries ADD COLUMN remarks TEXT NOT NULL DEFAULT ''"


def _migrate_10_to_11(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, Any, Any]]:
    """The monthly reports' 备注: a column with an empty default, so the reports of an older file stay as they were."""
    conn.execute(SCHEMA_V11_REMARKS)
    return [("schema", "monthly_report_entries", "remarks", None, "TEXT NOT NULL DEFAULT ''")]


# Forward migrations: MIGRATIONS[n] takes a file from schema version n to n + 1. Each returns
# what it changed (action, table, field, old, new[, record id]) for the audit trail.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], list]] = {1: _migrate_1_to_2, 2: _migrate_2_to_3,
                                                               3: _migrate_3_to_4, 4: _migrate_4_to_5,
                                                               5: _migrate_5_to_6, 6: _migrate_6_to_7,
                                                               7: _migrate_7_to_8, 8: _migrate_8_to_9,
                                                               9: _migrate_9_to_10, 10: _migrate_10_to_11}
assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION))


# ------------------------------------------------------------------ creating and migrating

def _migrate(conn: sqlite3.Connection, path: Path, version: int, make_backup: Callable[[], Any] | None) -> None:
    """Forward migrations up to SCHEMA_VERSION, each one transaction with its audit rows."""
    if make_backup is not None:
        make_backup()
    writer = audit.Writer(conn)
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            writer.begin_edit()
            at = now_text()
            for action, table, field, old, new, *record in MIGRATIONS[version](conn):
                writer.append(at=at, assessor_id=None, action=action, table_name=table,
                              record_id=record[0] if record else "", field=field, old_value=audit.value_json(old),
                              new_value=audit.value_json(new),
                              reason=f"migration {version}→{version + 1}")
            conn.execute("UPDATE meta SET schema_version = ?, program_version = ? WHERE id = 1",
                         (version + 1, PROGRAM_VERSION))
            writer.append(at=at, assessor_id=None, action="migrate", table_name="meta", record_id="1",
                          field="schema_version", old_value=audit.value_json(version),
                          new_value=audit.value_json(version + 1), reason=f"migration {version}→{version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            writer.rollback()
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        version += 1

def _create_schema(conn: sqlite3.Connection, rules: RuleSet, assessor: str, role: str, schema_version: int) -> None:
    at = now_text()
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.executescript("BEGIN IMMEDIATE;\n" + SCHEMA_V1)  # the transaction stays open until COMMIT below
    conn.execute("INSERT INTO rule_sets (id, sha256, text, stored_at) VALUES (?, ?, ?, ?)",
                 (rules.id, rules.sha256, rules.source_text, at))
    conn.execute("INSERT INTO meta (id, format, schema_version, year, rule_set_id, created_at, program_version) "
                 "VALUES (1, ?, 1, ?, ?, ?, ?)", (DATASET_FORMAT, rules.year, rules.id, at, PROGRAM_VERSION))
    conn.execute("INSERT INTO assessors (id, name, role, added_at) VALUES (1, ?, ?, ?)", (assessor, role, at))
    writer = audit.Writer(conn)
    writer.begin_edit()
    for table, record, values in (
            ("meta", "1", {"format": DATASET_FORMAT, "year": rules.year, "rule_set_id": rules.id,
                           "program_version": PROGRAM_VERSION}),
            ("rule_sets", rules.id, {"sha256": rules.sha256}),
            ("assessors", "1", {"name": assessor, "role": role})):
        writer.append(at=at, assessor_id=1, action="create", table_name=table, record_id=record,
                      new_value=audit.value_json(values))
    conn.execute("COMMIT")
    if schema_version < SCHEMA_VERSION:
        _migrate_to(conn, schema_version)
    else:
        _migrate(conn, Path(), 1, make_backup=None)



_REFERENCES: dict[int, Reference] = {}


def reference_schema(version: int) -> Reference:
    """The program's own schema of a version (made once in memory): what a file's schema must be,
    and the defaults and foreign keys the audit trail is replayed with."""
    if version not in _REFERENCES:
        from core.store.audit_check import Reference
        memory = sqlite3.connect(":memory:", isolation_level=None)
        try:
            memory.executescript(SCHEMA_V1)
            for step in range(1, version):
                MIGRATIONS[step](memory)
            _REFERENCES[version] = Reference.of(memory)
        finally:
            memory.close()
    return _REFERENCES[version]


def _migrate_to(conn: sqlite3.Connection, target: int) -> None:
    """Only for tests that need a file of an older schema: migrate a new file up to `target`."""
    version = 1
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        MIGRATIONS[version](conn)
        conn.execute("UPDATE meta SET schema_version = ? WHERE id = 1", (version + 1,))
        conn.execute("COMMIT")
        version += 1
