"""The year's dataset: one SQLite file per assessment year.

    ds = Dataset.create("2022.sqlite", rules, assessor="张三", role="考核组长")
    edit = ds.add_unit(1, name=…, credit_code=…, kinds=["hr_service"])  # one edit, one transaction
    if not edit.ok: show(edit.problems)
    year = ds.year()          # core.scoring.facts.Year, scored with ds.rule_set() (the stored rule set)
    ds.close()

The file holds the year's facts in proper tables, the rule set the year is assessed under (its
full text and SHA-256: later edits of the program's rule sets never change a past year), the
assessors, attachments, the people behind the counts, and the hash-chained audit trail
(core/store/audit.py). Every edit is one `BEGIN IMMEDIATE … COMMIT` with its audit rows inside; an
edit that would leave facts the exchange format rejects is rolled back and returns the problems
(as values, like core.scoring.facts does). Faults — the file is not a dataset, corrupt, from a newer
program, open elsewhere, or a write fails — raise DatasetError carrying a Msg whose text names
the file and the problem in one sentence.

Opening never writes before the checks pass: header, whether the file, its folder, its disk can
be written at all (each refusal has its own sentence), then a read-only connection for
`PRAGMA integrity_check` and the schema version, and only then the read-write connection, which
takes an exclusive lock (locking_mode=EXCLUSIVE) that lives exactly as long as the process; a
note beside the file (core/store/holder.py) names who holds it. Opening read-only reads a private copy
in memory (core/store/snapshot.py): no lock, nothing created beside the file, whoever holds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import os
import sqlite3
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction
from glob import escape as glob_escape
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from core.common.messages import Msg
from core.common.problems import Problem
from core.scoring import rule_library
from core.scoring.facts import (
    FORMAT_NAME,
    FORMAT_VERSION,
    Base,
    Delivery,
    Management,
    Negative,
    Promotion,
    Trip,
    Unit,
    Year,
    parse_year,
    unit_to_json,
)
from core.scoring.rules import RuleSet, parse_rule_set
from core.store import audit, backup, holder, snapshot
from core.store.files import (
    _HELD,
    APPLICATION_ID,
    BUSY_TIMEOUT,
    DATASET_FORMAT,
    SCHEMA_VERSION,
    DatasetError,
    _check_header,
    _corrupt,
    _held_here,
    _identity,
    _is_busy,
    _read_info,
    _sqlite_code,
    inspect,
    locked_error,
)
from core.store.schema import MIGRATIONS, SCHEMA_V1
from core.store.writable import why_not_writable

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # imported when first used: opening a dataset does not need the Excel side
    from core.excel.check import CheckResult
    from core.excel.partial import Correction
    from core.people.matching import MatchResult
    from core.people.platform import PlatformCheck
    from core.people.tables import ImportSnapshot, KeptRecords
    from core.store.audit_check import Anchor, Reference
    from core.store.audit_check import Report as AuditReport

PROGRAM_VERSION = "0.1.0"
# A year file's own extension (the installers associate it with the program; .sqlite files, which
# other programs own, still open when chosen by hand).
YEAR_FILE_SUFFIX = ".wjkh"
YEAR_FILE_SUFFIXES = (YEAR_FILE_SUFFIX, ".sqlite")
CANCEL_CHECK_STEPS = 10_000  # SQLite virtual-machine steps between two looks at a cancel (well under 1 ms)

KEYS = audit.KEYS  # key columns of each table, for the audit's record id
UNIT_FIELDS = ("name", "credit_code", "new_member", "facts_final", "contact_person", "platform_rating",
               "insured_workers")
BASE_FIELDS = ("name", "type", "region", "agreement_date", "people", "retained", "count_source")
TRIP_FIELDS = ("date", "place", "mode", "enterprises")
DELIVERY_FIELDS = ("date", "enterprise", "stars")
NEGATIVE_COUNTS = ("collective_disputes_lost", "individual_disputes_lost", "complaints")


# ------------------------------------------------------------------ values

@dataclass(frozen=True)
class Edit:
    """The outcome of one edit: the new record's id when it made one, or the problems that stopped it
    (then nothing was written)."""
    id: int | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Assessor:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class Attachment:
    id: int
    name: str
    mime: str
    size: int
    sha256: str
    description: str
    unit_id: int | None
    clause_id: str | None
    base_id: int | None
    trip_id: int | None
    added_by: int
    added_at: str


class _Rejected(Exception):
    def __init__(self, *problems: Problem):
        self.problems = problems


def now_text() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def _fraction_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        value = Fraction(str(value))
    return str(Fraction(value))


def _db(value: Any) -> Any:
    """A Python value as stored: dates as ISO text, fractions exact as text, booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if isinstance(value, (Fraction, float)):
        return _fraction_text(value)
    return value


def program_rule_set(rule_set_id: str) -> RuleSet | None:
    """The program's own (bundled) rule set with this id, if any."""
    return rule_library.find(rule_set_id, bundled_only=True)


# ------------------------------------------------------------------ the dataset

class Dataset:
    """An open dataset. Not thread-safe: one Dataset per process, used from one thread at a time (a long edit
    may run on another thread while the first waits: core/editing/writes.py)."""

    _backup_pending = False  # defer_backup: the backup of opening is still to be taken
    audit_problems: list[Problem] = []  # what the checks of opening found changed outside the program

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool, keep_backups: int,
                 backup_interval: float | None):
        self.path = path
        self._conn = conn
        self.read_only = read_only
        self.scratch = False  # an in-memory copy (scratch_copy): its edits never reach the file
        self.keep_backups = keep_backups
        self.backup_interval = backup_interval
        self.notices: list[Msg] = []
        self._last_backup = time.monotonic()
        self._edited_since_backup = False  # a timer's backup_if_due copies only what a backup lacks
        self._identity = self._stat_identity() if not read_only else None
        if self._identity is not None:
            _HELD[self._identity] = self
        row = conn.execute("SELECT year, rule_set_id, schema_version FROM meta WHERE id = 1").fetchone()
        self.year_number, self.rule_set_id, self.schema_version = row
        text = conn.execute("SELECT text FROM rule_sets WHERE id = ?", (self.rule_set_id,)).fetchone()[0]
        self._rules = parse_rule_set(text, source=f"{path.name}:rule_sets/{self.rule_set_id}", stored=True)
        self._audit = audit.Writer(conn)

    # ---------------------------------------------------------------- opening and closing

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, backups: bool = True,
             keep_backups: int = backup.DEFAULT_KEEP,
             backup_interval: float | None = backup.DEFAULT_INTERVAL_SECONDS,
             defer_backup: bool = False, holder_name: str = "") -> "Dataset":
        """Open a dataset after checking it. Read-write (the default) takes the file for this
        process (holder_name: who is working, for the note others are shown), migrates an older
        schema (after a backup) and backs up. read_only reads a private copy in memory as of
        opening and never writes, locks or creates anything beside the file; an older schema is
        migrated in that copy. defer_backup (the desktop): the backup waits for finish_opening(),
        or at the latest the first write."""
        path = Path(path)
        if read_only:
            conn = _private_copy(path)
            try:
                info = _read_info(conn, path)
                if info.schema_version < SCHEMA_VERSION:
                    _migrate(conn, path, info.schema_version, make_backup=None)
                ds = cls(path, conn, read_only=True, keep_backups=keep_backups, backup_interval=None)
            except sqlite3.Error as exc:
                conn.close()
                if _sqlite_code(exc) == sqlite3.SQLITE_NOTADB:
                    raise DatasetError(Msg.of("dataset.not_dataset", file=path.name)) from None
                raise _corrupt(path, str(exc)) from None
            except BaseException:
                conn.close()
                raise
        else:
            if _held_here(path):
                raise locked_error(path)
            _check_header(path)
            refusal = why_not_writable(path)
            if refusal is not None:
                raise DatasetError(refusal)
            info = inspect(path)
            conn = _connect_rw(path)
            try:
                version = conn.execute("SELECT schema_version FROM meta WHERE id = 1").fetchone()[0]
                if version > SCHEMA_VERSION:  # replaced between the check and the lock
                    raise DatasetError(Msg.of("dataset.newer_schema", file=path.name, version=version,
                                              supported=SCHEMA_VERSION))
                holder.write(path, holder_name)
                if version < SCHEMA_VERSION:
                    _migrate(conn, path, version,
                             make_backup=lambda: backup.make_backup(conn, path, keep_backups, label="") if backups else None)
                ds = cls(path, conn, read_only=False, keep_backups=keep_backups,
                         backup_interval=backup_interval if backups else None)
                ds.audit_problems = ds.quick_audit_check()
                if ds.audit_problems:  # told to the user; no backup of opening would push the good ones out
                    ds.notices.append(Msg.of("audit.open_changed", file=path.name))
                elif backups and defer_backup:
                    ds._backup_pending = True
                elif backups:
                    try:
                        ds.backup()
                    except DatasetError as exc:  # the year still opens; the user is told
                        ds.notices.append(exc.msg)
            except sqlite3.Error as exc:
                conn.close()
                holder.remove(path)
                raise _open_fault(path, exc) from None
            except BaseException:
                conn.close()
                holder.remove(path)
                raise
        program = program_rule_set(ds.rule_set_id)
        if program is not None and program.sha256 != info.rule_set_sha256:
            ds.notices.append(Msg.of("dataset.rule_set_differs", file=path.name, title=ds.rule_set().title,
                                     stored=info.rule_set_sha256[:12], program=program.sha256[:12]))
        return ds

    @classmethod
    def create(cls, path: str | Path, rules: RuleSet, assessor: str, role: str = "",
               **open_kwargs: Any) -> "Dataset":
        """A new, empty dataset for the rule set's year (refuses to replace an existing file)."""
        problems = create_file(path, rules, assessor, role)
        assert not problems, problems
        return cls.open(path, **open_kwargs)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None  # type: ignore[assignment]
            if self._identity is not None and _HELD.get(self._identity) is self:
                del _HELD[self._identity]
                holder.remove(self.path)

    def set_holder_name(self, name: str) -> None:
        """Who is working, as others are told when they try to open the file (the desktop asks
        after opening)."""
        if not self.read_only and not self.scratch and self._conn is not None:
            holder.rename(self.path, name)

    def scratch_copy(self) -> "Dataset":
        """A private copy of the dataset in memory that another thread may use (the desktop exports
        PDFs in a worker while this connection stays with the window). It reads like the file; its
        edits (a signed sheet's finalize) change only the copy, are never backed up, and the caller
        applies what must last to this dataset. Made in the thread that owns this dataset."""
        if self._conn is None:
            raise DatasetError(Msg.of("dataset.closed", file=self.path.name))
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            self._conn.backup(memory)
            memory.execute("PRAGMA foreign_keys=ON")
            copy = Dataset(self.path, memory, read_only=True, keep_backups=0, backup_interval=None)
        except sqlite3.Error as exc:
            memory.close()
            raise self._fault(exc) from None
        copy.read_only, copy.scratch = self.read_only, True
        return copy

    def __enter__(self) -> "Dataset":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---------------------------------------------------------------- reading

    def rule_set(self) -> RuleSet:
        """The rule set stored in the dataset: the one its year is assessed under."""
        return self._rules

    def program_rule_set(self) -> RuleSet | None:
        """The program's own rule set of the same id (to show beside the stored one when they differ)."""
        return program_rule_set(self.rule_set_id)

    def year(self, *, as_entered: bool = False) -> Year:
        """The year's facts as scored: a base whose count source is the rosters has the matched counts
        (see counted()), a unit whose platform source is the platform has the platform's deliveries and
        rating (see with_platform()). as_entered: every figure as typed by hand, as stored."""
        conn = self._conn
        units = tuple(unit for _, unit in self._read_units(None))
        if not as_entered:
            units = self.with_platform(self.counted(units))
        quotas = {grade: count for grade, count in conn.execute("SELECT grade, count FROM grade_quotas ORDER BY rowid")}
        promotions = tuple(Promotion(name, grade, reason) for name, grade, reason in conn.execute(
            "SELECT u.name, p.grade, p.reason FROM grade_promotions p JOIN units u ON u.id = p.unit_id "
            "ORDER BY p.position, p.id"))
        return Year(self.year_number, self.rule_set_id, units, MappingProxyType(quotas), promotions)

    def unit_ids(self) -> list[int]:
        return [row[0] for row in self._conn.execute("SELECT id FROM units ORDER BY position, id")]

    def unit_id(self, name: str) -> int | None:
        row = self._conn.execute("SELECT id FROM units WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def unit(self, unit_id: int, *, as_entered: bool = False) -> Unit | None:
        """One unit's facts as scored (as year() has them), or as entered."""
        found = self._read_units([unit_id])
        if not found:
            return None
        return found[0][1] if as_entered else self.with_platform(self.counted((found[0][1],)))[0]

    def base_ids(self, unit_id: int) -> list[int]:
        return [r[0] for r in self._conn.execute("SELECT id FROM bases WHERE unit_id = ? ORDER BY position, id", (unit_id,))]

    def trip_ids(self, unit_id: int) -> list[int]:
        return [r[0] for r in self._conn.execute("SELECT id FROM trips WHERE unit_id = ? ORDER BY position, id", (unit_id,))]

    def delivery_ids(self, unit_id: int) -> list[int]:
        return [r[0] for r in self._conn.execute("SELECT id FROM deliveries WHERE unit_id = ? ORDER BY position, id", (unit_id,))]

    def evidence_tick(self, unit_id: int, clause_id: str, item: str, *, base_id: int | None = None,
                      trip_id: int | None = None) -> dict[str, Any] | None:
        """Who ticked an evidence item, when, with what note: {seen, ticked_by, ticked_at, note}."""
        row = self._conn.execute(
            "SELECT seen, ticked_by, ticked_at, note FROM evidence_ticks WHERE unit_id = ? AND clause_id = ? "
            "AND item = ? AND base_id IS ? AND trip_id IS ?", (unit_id, clause_id, item, base_id, trip_id)).fetchone()
        return None if row is None else {"seen": bool(row[0]), "ticked_by": row[1], "ticked_at": row[2], "note": row[3]}

    def assessors(self) -> list[Assessor]:
        return [Assessor(*row) for row in self._conn.execute("SELECT id, name, role FROM assessors ORDER BY id")]

    def assessor_id(self, name: str) -> int | None:
        row = self._conn.execute("SELECT id FROM assessors WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def audit_entries(self, table_name: str | None = None, record_id: str | None = None) -> list[audit.Entry]:
        return list(audit.entries(self._conn, table_name, record_id))

    def verify_audit(self) -> int | None:
        """The seq of the first broken audit row, or None when the trail is intact."""
        return audit.verify(self._conn)

    def check_audit(self, progress: Callable[[int, int], bool] | None = None,
                    anchors: Sequence["Anchor"] | None = None) -> "AuditReport":
        """The full proof (core/store/audit_check.py): the chain, the schema, the trail replayed against
        every table, the people and blobs against their recorded hashes, and the trail against the
        anchors given (by default the newest backup's)."""
        from core.store.audit_check import check_anchor, first_difference_with, full_check, namer_for
        report = full_check(self._conn, reference_schema(self.schema_version), namer_for(self._rules), self.path.name,
                            progress, backup.people_from_backups(self.path))
        for anchor in (self.newest_anchors() if anchors is None else anchors):
            result = check_anchor(self._conn, anchor, self.path.name)
            if result.problem is not None and anchor.trail is not None:
                result = replace(result, first_difference=first_difference_with(self._conn, Path(anchor.trail),
                                                                                 anchor.seq))
            report.anchors.append(result)
            if result.problem is not None:
                report.problems.append(result.problem)
        return report

    def anchor_verdict(self, seq: int, digest: str) -> tuple[bool, Msg]:
        """Does the trail still hold row `seq` with hash `digest` (the head a document was made at)?
        (yes or no, the sentence saying so)."""
        from core.store.audit_check import Anchor, check_anchor
        source = Msg.of("audit.source.this_document")
        result = check_anchor(self._conn, Anchor(seq, digest, source), self.path.name)
        if result.problem is not None:
            return False, result.problem.message
        return True, Msg.of("audit.document_ok" if result.later else "audit.document_same", seq=seq, later=result.later)

    def quick_audit_check(self) -> list[Problem]:
        """What opening checks (milliseconds whatever the year's size): the append-only triggers, the
        last audit row's link and the row count, the newest backup's anchor and, when nothing was
        edited since that backup, every table against the digest it noted."""
        from core.store.audit_check import quick_check
        anchors = self.newest_anchors()
        return quick_check(self._conn, self.path.name, anchors[0] if anchors else None)

    def newest_anchors(self) -> list["Anchor"]:
        """The newest backup's audit head, as an anchor (none when the year has no backup)."""
        from core.store.audit_check import Anchor
        if self.scratch:
            return []
        line = backup.newest_anchor(self.path)
        if line is None:
            return []
        trail = backup.backup_dir(self.path) / line.name
        return [Anchor(line.seq, line.hash, Msg.of("audit.source.backup", name=line.name, time=line.taken_at),
                       trail=trail if trail.is_file() else None, facts=line.facts)]

    def audit_head(self) -> tuple[int, str]:
        seq, _, digest = audit.head(self._conn)
        return seq, digest

    def people_with_id_number(self, id_number: str) -> dict[str, list[dict[str, Any]]]:
        """Every row of the people tables with this ID number (uses the id_number indexes)."""
        found = {}
        for table in ("roster_entries", "monthly_report_entries", "traineeship_list", "platform_delivery_records"):
            cursor = self._conn.execute(f"SELECT * FROM {table} WHERE id_number = ?", (id_number,))
            names = [d[0] for d in cursor.description]
            found[table] = [dict(zip(names, row)) for row in cursor]
        return found

    def attachments(self, unit_id: int | None = None) -> list[Attachment]:
        sql = ("SELECT id, name, mime, size, sha256, description, unit_id, clause_id, base_id, trip_id, added_by, "
               "added_at FROM attachments")
        rows = self._conn.execute(sql + (" WHERE unit_id = ?" if unit_id is not None else "") + " ORDER BY id",
                                  () if unit_id is None else (unit_id,))
        return [Attachment(*row) for row in rows]

    def attachment_data(self, attachment_id: int) -> bytes:
        row = self._conn.execute("SELECT data, sha256, name FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
        if row is None:
            raise KeyError(attachment_id)
        data, digest, name = row
        if hashlib.sha256(data).hexdigest() != digest:
            raise DatasetError(Msg.of("dataset.attachment_damaged", file=self.path.name, name=name))
        return bytes(data)

    def export_attachment(self, attachment_id: int, target: str | Path) -> Path:
        """Write an attachment out byte-identical (checked against its SHA-256); a folder gets its name."""
        target = Path(target)
        data = self.attachment_data(attachment_id)
        if target.is_dir():
            name = self._conn.execute("SELECT name FROM attachments WHERE id = ?", (attachment_id,)).fetchone()[0]
            target = target / Path(name).name
        part = target.with_name(target.name + ".part")
        part.write_bytes(data)
        os.replace(part, target)
        return target

    def _read_units(self, unit_ids: Sequence[int] | None) -> list[tuple[int, Unit]]:
        """(id, Unit) in the year's order; all units, or those given. One query per table."""
        conn = self._conn
        if unit_ids is None:
            where, params = "", ()
        else:
            where, params = f" WHERE unit_id IN ({','.join('?' * len(unit_ids))})", tuple(unit_ids)
        unit_where = where.replace("unit_id", "id")

        def grouped(sql: str, key_index: int = 0) -> dict[Any, list[tuple]]:
            groups: dict[Any, list[tuple]] = {}
            for row in conn.execute(sql, params):
                groups.setdefault(row[key_index], []).append(row)
            return groups

        kinds = grouped(f"SELECT unit_id, kind FROM unit_kinds{where} ORDER BY unit_id, position")
        licences = grouped(f"SELECT unit_id, kind, number FROM licences{where} ORDER BY rowid")
        # count_source came with schema 4; create_file writes older test files through this object too
        source = "count_source" if self.schema_version >= 4 else "'hand'"
        base_rows = grouped(f"SELECT unit_id, id, name, type, agreement_date, people, retained, region, {source} "
                            f"FROM bases{where} ORDER BY unit_id, position, id")
        trip_rows = grouped(f"SELECT unit_id, id, date, place, mode, enterprises FROM trips{where} "
                            "ORDER BY unit_id, position, id")
        delivery_rows = grouped(f"SELECT unit_id, date, enterprise, stars FROM deliveries{where} "
                                "ORDER BY unit_id, position, id")
        ticks = grouped(f"SELECT unit_id, clause_id, base_id, trip_id, item, seen FROM evidence_ticks{where} ORDER BY id")
        evaluations = grouped(f"SELECT e.trip_id, e.verdict FROM trip_evaluations e JOIN trips t ON t.id = e.trip_id"
                              f"{where.replace('unit_id', 't.unit_id')} ORDER BY e.trip_id, e.position")
        management = {r[0]: r for r in conn.execute(f"SELECT unit_id, awarded, reason FROM management{where}", params)}
        negatives = {r[0]: r for r in conn.execute(
            f"SELECT unit_id, major_incident, collective_disputes_lost, individual_disputes_lost, complaints "
            f"FROM negatives{where}", params)}
        grades = grouped(f"SELECT unit_id, kind, grade FROM credit_grades{where} ORDER BY rowid")
        cancelled = grouped(f"SELECT unit_id, kind FROM cancelled_licences{where} ORDER BY unit_id, position")

        base_ticks: dict[int, dict[str, bool]] = {}
        trip_ticks: dict[int, dict[str, bool]] = {}
        unit_ticks: dict[int, dict[str, dict[str, bool]]] = {}
        for unit_id, rows in ticks.items():
            for _, clause_id, base_id, trip_id, item, seen in rows:
                if base_id is not None:
                    base_ticks.setdefault(base_id, {})[item] = bool(seen)
                elif trip_id is not None:
                    trip_ticks.setdefault(trip_id, {})[item] = bool(seen)
                else:
                    unit_ticks.setdefault(unit_id, {}).setdefault(clause_id, {})[item] = bool(seen)
        verdicts = {trip_id: tuple(r[1] for r in rows) for trip_id, rows in evaluations.items()}
        date = dt.date.fromisoformat
        result = []
        platform_source = "platform_source" if self.schema_version >= 5 else "'hand'"  # as count_source above
        for row in conn.execute(
                f"SELECT id, name, credit_code, new_member, facts_final, contact_person, platform_rating, "
                f"insured_workers, {platform_source} FROM units{unit_where} ORDER BY position, id", params):
            uid, name, code, new_member, final, contact, rating, insured, figures_from = row
            m = management.get(uid)
            n = negatives.get(uid)
            result.append((uid, Unit(
                name=name, credit_code=code, kinds=tuple(r[1] for r in kinds.get(uid, ())),
                new_member=bool(new_member), facts_final=bool(final),
                bases=tuple(Base(b[2], b[3], date(b[4]), MappingProxyType(base_ticks.get(b[1], {})), b[5], b[6], b[7],
                                 b[8]) for b in base_rows.get(uid, ())),
                trips=tuple(Trip(date(t[2]), t[3], t[4], t[5], MappingProxyType(trip_ticks.get(t[1], {})),
                                 verdicts.get(t[1], ())) for t in trip_rows.get(uid, ())),
                evidence=MappingProxyType({c: MappingProxyType(items) for c, items in unit_ticks.get(uid, {}).items()}),
                deliveries=tuple(Delivery(date(d[1]), d[2], d[3]) for d in delivery_rows.get(uid, ())),
                platform_rating=None if rating is None else Fraction(rating),
                management=Management(None if m is None or m[1] is None else Fraction(m[1]), "" if m is None else m[2]),
                insured_workers=insured,
                negative=Negative() if n is None else Negative(
                    major_incident=bool(n[1]), licences_cancelled=tuple(r[1] for r in cancelled.get(uid, ())),
                    credit_grades=MappingProxyType({r[1]: r[2] for r in grades.get(uid, ())}),
                    collective_disputes_lost=n[2], individual_disputes_lost=n[3], complaints=n[4]),
                licence_numbers=MappingProxyType({r[1]: r[2] for r in licences.get(uid, ())}),
                contact_person=contact, platform_source=figures_from)))
        return result

    # ---------------------------------------------------------------- backups

    def backup(self, label: str = "") -> Path:
        """A consistent copy into the backup folder now (then rotation)."""
        self._require_writable()
        try:
            target = backup.make_backup(self._conn, self.path, self.keep_backups, label=label)
        except (OSError, sqlite3.Error) as exc:
            raise DatasetError(Msg.of("dataset.backup_failed", file=self.path.name, detail=str(exc))) from None
        self._last_backup = time.monotonic()
        self._edited_since_backup = False
        return target

    def finish_opening(self) -> list[Msg]:
        """Take the backup of opening that defer_backup put off (the desktop calls this once the year
        is on screen; any write calls it first). Returns what the user should be told."""
        if not self._backup_pending or self._conn is None:
            return []
        self._backup_pending = False
        try:
            self.backup()
        except DatasetError as exc:  # the year stays open; the user is told
            self.notices.append(exc.msg)
            return [exc.msg]
        return []

    def backup_if_edited(self) -> Path | None:
        """Back up now when something was edited since the last backup (the desktop, closing a year:
        the next opening then finds the year exactly as the newest backup notes it)."""
        if self.backup_interval is None or self.read_only or self.scratch or not self._edited_since_backup:
            return None
        return self.backup()

    def backup_if_due(self) -> Path | None:
        """Back up when the interval has passed since the last backup and something was edited since
        (called after every edit, and by the desktop's timer so the last edits of a quiet spell are
        copied too; an unchanged file is never copied again, which would rotate older backups out)."""
        if self.backup_interval is None or self.read_only or not self._edited_since_backup:
            return None
        if time.monotonic() - self._last_backup < self.backup_interval:
            return None
        return self.backup()

    # ---------------------------------------------------------------- the edit machinery

    def _stat_identity(self) -> tuple[int, int] | None:
        return _identity(self.path)

    def _require_writable(self) -> None:
        if self._conn is None:
            raise DatasetError(Msg.of("dataset.closed", file=self.path.name))
        if self.read_only:
            raise DatasetError(Msg.of("dataset.opened_read_only", file=self.path.name))
        if not self.scratch and self._stat_identity() != self._identity:
            raise DatasetError(Msg.of("dataset.file_gone", file=self.path.name))
        if self._backup_pending:  # defer_backup: the copy of the year as opened comes before any write
            self.finish_opening()

    def _fault(self, exc: sqlite3.Error) -> DatasetError:
        code = _sqlite_code(exc)
        name = self.path.name
        if code == sqlite3.SQLITE_FULL:
            return DatasetError(Msg.of("dataset.disk_full", file=name))
        if code == sqlite3.SQLITE_READONLY:
            return DatasetError(Msg.of("dataset.read_only", file=name))
        if _is_busy(exc):
            return DatasetError(Msg.of("dataset.locked", file=name))
        return DatasetError(Msg.of("dataset.write_failed", file=name, detail=str(exc)))

    def _edit(self, assessor_id: int | None, reason: str | None, change: Callable[["_Tx"], int | None]) -> Edit:
        """Run one user edit as one transaction, audit rows included; validate before committing."""
        self._require_writable()
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._fault(exc) from None
        self._audit.begin_edit()
        tx = _Tx(self, assessor_id, reason or None)
        try:
            if assessor_id is not None and conn.execute("SELECT 1 FROM assessors WHERE id = ?",
                                                        (assessor_id,)).fetchone() is None:
                raise _Rejected(self._problem("dataset.unknown_assessor", id=assessor_id))
            new_id = change(tx)
            problems = self._validate(tx)
            if problems:
                raise _Rejected(*problems)
            conn.set_progress_handler(None, 0)  # a cancel (cancel_when) from here on comes too late: the edit stands
            conn.execute("COMMIT")
            self._edited_since_backup = True
            if tx.match_inputs_changed:  # the people's match is read again when next asked for
                self._matched = None
                self._platform = None  # so are the platform's records: their imports or the unit names changed
        except _Rejected as rejected:
            self._rollback()
            return Edit(problems=tuple(rejected.problems))
        except sqlite3.IntegrityError as exc:
            self._rollback()
            return Edit(problems=(self._problem("dataset.constraint", detail=str(exc)),))
        except sqlite3.Error as exc:
            self._rollback()
            raise self._fault(exc) from None
        except BaseException:
            self._rollback()
            raise
        self.backup_if_due()
        return Edit(id=new_id)

    def cancel_when(self, cancelled: Callable[[], bool] | None) -> None:
        """Until the next edit ends, a statement stops once `cancelled()` says yes (the edit then fails and
        rolls back whole, as any failed write does; its commit is never stopped); None: never."""
        if cancelled is None:
            self._conn.set_progress_handler(None, 0)
        else:
            self._conn.set_progress_handler(lambda: 1 if cancelled() else 0, CANCEL_CHECK_STEPS)

    def _rollback(self) -> None:
        self._audit.rollback()
        self._conn.set_progress_handler(None, 0)  # a cancel must not stop the rollback itself
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # SQLite has already rolled back (e.g. after an I/O error)

    def _problem(self, code: str, location: str = "$", field: str = "", **params: Any) -> Problem:
        return Problem(self.path.name, location, field, Msg.of(code, **params))

    def _unit_index(self, unit_id: int) -> int:
        return self._conn.execute("SELECT count(*) FROM units WHERE position < (SELECT position FROM units "
                                  "WHERE id = ?) OR (position = (SELECT position FROM units WHERE id = ?) AND id < ?)",
                                  (unit_id, unit_id, unit_id)).fetchone()[0]

    def _validate(self, tx: "_Tx") -> list[Problem]:
        """The changed units (and the year level) checked exactly as the exchange format is read."""
        problems: list[Problem] = []
        head = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "year": self.year_number,
                "rule_set": self.rule_set_id}
        touched = [uid for uid in tx.touched_units]
        for uid, unit in self._read_units(touched) if touched else []:
            _, found = parse_year({**head, "units": [unit_to_json(unit)]}, self._rules, source=self.path.name)
            index = self._unit_index(uid)
            problems += [replace(p, location=p.location.replace("$.units[0]", f"$.units[{index}]", 1)) for p in found]
        if tx.year_level:
            stubs = [{"name": name, "credit_code": code, "kinds": [k for k in (kinds or "").split("\x1f") if k] or ["?"],
                      "new_member": False}
                     for name, code, kinds in self._conn.execute(
                         "SELECT u.name, u.credit_code, (SELECT group_concat(kind, char(31)) FROM unit_kinds k "
                         "WHERE k.unit_id = u.id) FROM units u ORDER BY position, id")]
            doc = {**head, "units": stubs}
            quotas = dict(self._conn.execute("SELECT grade, count FROM grade_quotas"))
            if quotas:
                doc["grade_quotas"] = quotas
            promotions = [{"unit": n, "grade": g, "reason": r} for n, g, r in self._conn.execute(
                "SELECT u.name, p.grade, p.reason FROM grade_promotions p JOIN units u ON u.id = p.unit_id "
                "ORDER BY p.position, p.id")]
            if promotions:
                doc["grade_promotions"] = promotions
            _, found = parse_year(doc, self._rules, source=self.path.name)
            problems += [p for p in found if not p.location.startswith("$.units")]
        return problems

    # ---------------------------------------------------------------- edits: assessors

    def add_assessor(self, by: int, name: str, role: str = "", reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> int:
            if not name.strip():
                raise _Rejected(self._problem("dataset.assessor_name_empty"))
            if self.assessor_id(name) is not None:
                raise _Rejected(self._problem("dataset.assessor_exists", name=name))
            return tx.insert("assessors", {"name": name, "role": role, "added_at": now_text()})
        return self._edit(by, reason, change)

    # ---------------------------------------------------------------- edits: units

    def _check_unique_unit(self, name: str | None, code: str | None, unit_id: int | None) -> None:
        for column, value, code_name in (("name", name, "fact.duplicate_name"),
                                         ("credit_code", code, "fact.duplicate_credit_code")):
            if value is None:
                continue
            other = self._conn.execute(f"SELECT id FROM units WHERE {column} = ? AND id IS NOT ?",
                                       (value, unit_id)).fetchone()
            if other is not None:
                here = f"$.units[{self._unit_index(unit_id)}]" if unit_id is not None else f"$.units[{self._conn.execute('SELECT count(*) FROM units').fetchone()[0]}]"
                raise _Rejected(self._problem(code_name, here, column, other=f"$.units[{self._unit_index(other[0])}]"))

    def add_unit(self, by: int, name: str, credit_code: str, kinds: Sequence[str], *, new_member: bool = False,
                 contact_person: str = "", licence_numbers: Mapping[str, str] | None = None,
                 reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> int:
            self._check_unique_unit(name, credit_code, None)
            position = self._conn.execute("SELECT coalesce(max(position), -1) + 1 FROM units").fetchone()[0]
            uid = tx.insert_unit(position, Unit(name, credit_code, tuple(kinds), new_member=new_member,
                                                contact_person=contact_person,
                                                licence_numbers=MappingProxyType(dict(licence_numbers or {}))))
            tx.year_level = True
            return uid
        return self._edit(by, reason, change)

    def update_unit(self, by: int, unit_id: int, reason: str | None = None, **changes: Any) -> Edit:
        """Change unit fields: name, credit_code, new_member, facts_final, contact_person,
        platform_rating, insured_workers, kinds (a list), licence_numbers (a mapping)."""
        unknown = set(changes) - set(UNIT_FIELDS) - {"kinds", "licence_numbers"}
        if unknown:
            raise TypeError(f"not unit fields: {sorted(unknown)}")

        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            self._check_unique_unit(changes.get("name"), changes.get("credit_code"), unit_id)
            plain = {k: _db(v) for k, v in changes.items() if k in UNIT_FIELDS}
            if plain:
                tx.update("units", {"id": unit_id}, plain)
            if "kinds" in changes:
                tx.replace_rows("unit_kinds", {"unit_id": unit_id},
                                [{"position": i, "kind": k} for i, k in enumerate(changes["kinds"])])
            if "licence_numbers" in changes:
                tx.replace_rows("licences", {"unit_id": unit_id},
                                [{"kind": k, "number": v} for k, v in changes["licence_numbers"].items()])
            tx.touch(unit_id)
            if {"name", "credit_code", "kinds"} & set(changes):
                tx.year_level = True
        return self._edit(by, reason, change)

    def set_unit_field(self, by: int, unit_id: int, field: str, value: Any, reason: str | None = None) -> Edit:
        return self.update_unit(by, unit_id, reason, **{field: value})

    def set_insured_workers(self, by: int, unit_id: int, count: int, reason: str | None = None) -> Edit:
        return self.update_unit(by, unit_id, reason, insured_workers=count)

    def set_platform_rating(self, by: int, unit_id: int, rating: Fraction | float | int | None,
                            reason: str | None = None) -> Edit:
        return self.update_unit(by, unit_id, reason, platform_rating=rating)

    def mark_final(self, by: int, unit_id: int, final: bool = True, reason: str | None = None) -> Edit:
        return self.update_unit(by, unit_id, reason, facts_final=final)

    def remove_unit(self, by: int, unit_id: int, reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            for base_id in self.base_ids(unit_id):
                tx.delete("evidence_ticks", {"base_id": base_id})
            for trip_id in self.trip_ids(unit_id):
                tx.delete("evidence_ticks", {"trip_id": trip_id})
                tx.delete("trip_evaluations", {"trip_id": trip_id})
            for table in ("evidence_ticks", "bases", "trips", "deliveries", "unit_kinds", "licences", "management",
                          "negatives", "credit_grades", "cancelled_licences", "grade_promotions",
                          "conflict_assignments", "imports"):  # an import's rows go with it (cascade)
                tx.delete(table, {"unit_id": unit_id})
            tx.delete("units", {"id": unit_id})
            tx.year_level = True
        return self._edit(by, reason, change)

    # ---------------------------------------------------------------- edits: bases, trips, deliveries

    def _unit_of(self, table: str, record_id: int) -> int:
        row = self._conn.execute(f"SELECT unit_id FROM {table} WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise _Rejected(self._problem("dataset.no_record", table=table, id=record_id))
        return row[0]

    def _add_child(self, by: int, table: str, unit_id: int, values: dict[str, Any], reason: str | None) -> Edit:
        def change(tx: _Tx) -> int:
            tx.require("units", unit_id)
            position = self._conn.execute(f"SELECT coalesce(max(position), -1) + 1 FROM {table} WHERE unit_id = ?",
                                          (unit_id,)).fetchone()[0]
            new_id = tx.insert(table, {"unit_id": unit_id, "position": position, **{k: _db(v) for k, v in values.items()}})
            tx.touch(unit_id)
            return new_id
        return self._edit(by, reason, change)

    def _update_child(self, by: int, table: str, record_id: int, fields: Sequence[str], changes: dict[str, Any],
                      reason: str | None) -> Edit:
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"not {table} fields: {sorted(unknown)}")

        def change(tx: _Tx) -> None:
            unit_id = self._unit_of(table, record_id)
            tx.update(table, {"id": record_id}, {k: _db(v) for k, v in changes.items()})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def _remove_child(self, by: int, table: str, record_id: int, reason: str | None) -> Edit:
        def change(tx: _Tx) -> None:
            unit_id = self._unit_of(table, record_id)
            if table == "bases":
                tx.delete("evidence_ticks", {"base_id": record_id})
            if table == "trips":
                tx.delete("evidence_ticks", {"trip_id": record_id})
                tx.delete("trip_evaluations", {"trip_id": record_id})
            tx.delete(table, {"id": record_id})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def add_base(self, by: int, unit_id: int, name: str, type: str, agreement_date: dt.date, *, people: int = 0,
                 retained: int = 0, region: str = "", reason: str | None = None) -> Edit:
        return self._add_child(by, "bases", unit_id, {"name": name, "type": type, "region": region,
                                                      "agreement_date": agreement_date, "people": people,
                                                      "retained": retained}, reason)

    def update_base(self, by: int, base_id: int, reason: str | None = None, **changes: Any) -> Edit:
        return self._update_child(by, "bases", base_id, BASE_FIELDS, changes, reason)

    def remove_base(self, by: int, base_id: int, reason: str | None = None) -> Edit:
        return self._remove_child(by, "bases", base_id, reason)

    def add_trip(self, by: int, unit_id: int, date: dt.date, place: str, mode: str, enterprises: int,
                 reason: str | None = None) -> Edit:
        return self._add_child(by, "trips", unit_id, {"date": date, "place": place, "mode": mode,
                                                      "enterprises": enterprises}, reason)

    def update_trip(self, by: int, trip_id: int, reason: str | None = None, **changes: Any) -> Edit:
        return self._update_child(by, "trips", trip_id, TRIP_FIELDS, changes, reason)

    def remove_trip(self, by: int, trip_id: int, reason: str | None = None) -> Edit:
        return self._remove_child(by, "trips", trip_id, reason)

    def set_trip_evaluations(self, by: int, trip_id: int, verdicts: Sequence[str], reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            unit_id = self._unit_of("trips", trip_id)
            tx.replace_rows("trip_evaluations", {"trip_id": trip_id},
                            [{"position": i, "verdict": v} for i, v in enumerate(verdicts)])
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def add_delivery(self, by: int, unit_id: int, date: dt.date, enterprise: str, stars: int,
                     reason: str | None = None) -> Edit:
        return self._add_child(by, "deliveries", unit_id, {"date": date, "enterprise": enterprise, "stars": stars},
                               reason)

    def update_delivery(self, by: int, delivery_id: int, reason: str | None = None, **changes: Any) -> Edit:
        return self._update_child(by, "deliveries", delivery_id, DELIVERY_FIELDS, changes, reason)

    def remove_delivery(self, by: int, delivery_id: int, reason: str | None = None) -> Edit:
        return self._remove_child(by, "deliveries", delivery_id, reason)

    # ---------------------------------------------------------------- edits: evidence

    def tick_evidence(self, by: int, unit_id: int, clause_id: str, item: str, seen: bool | None = True, *,
                      note: str = "", reason: str | None = None) -> Edit:
        """Tick a clause-level evidence item seen (True) or not seen (False); None clears the tick."""
        return self._edit(by, reason, lambda tx: tx.tick(unit_id, clause_id, None, None, item, seen, note))

    def tick_base_evidence(self, by: int, base_id: int, item: str, seen: bool | None = True, *, note: str = "",
                           reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.tick(self._unit_of("bases", base_id), self._record_clause("bases"), base_id, None, item, seen, note)
        return self._edit(by, reason, change)

    def tick_trip_evidence(self, by: int, trip_id: int, item: str, seen: bool | None = True, *, note: str = "",
                           reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.tick(self._unit_of("trips", trip_id), self._record_clause("trips"), None, trip_id, item, seen, note)
        return self._edit(by, reason, change)

    def _record_clause(self, records: str) -> str:
        """The clause whose record evidence is ticked per base ("bases") or per trip ("trips")."""
        clause = self._rules.record_clause(records)
        return clause.id if clause else records

    # ---------------------------------------------------------------- edits: management, negatives

    def set_management(self, by: int, unit_id: int, awarded: Fraction | float | int | None, award_reason: str = "",
                       reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            tx.update("management", {"unit_id": unit_id}, {"awarded": _fraction_text(awarded), "reason": award_reason})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def set_negatives(self, by: int, unit_id: int, *, major_incident: bool | None = None,
                      collective_disputes_lost: int | None = None, individual_disputes_lost: int | None = None,
                      complaints: int | None = None, licences_cancelled: Sequence[str] | None = None,
                      credit_grades: Mapping[str, str] | None = None, reason: str | None = None) -> Edit:
        """Set the negative facts given (those left None keep their value)."""
        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            values = {"major_incident": major_incident, "collective_disputes_lost": collective_disputes_lost,
                      "individual_disputes_lost": individual_disputes_lost, "complaints": complaints}
            plain = {k: _db(v) for k, v in values.items() if v is not None}
            if plain:
                tx.update("negatives", {"unit_id": unit_id}, plain)
            if licences_cancelled is not None:
                tx.replace_rows("cancelled_licences", {"unit_id": unit_id},
                                [{"position": i, "kind": k} for i, k in enumerate(licences_cancelled)])
            if credit_grades is not None:
                tx.replace_rows("credit_grades", {"unit_id": unit_id},
                                [{"kind": k, "grade": g} for k, g in credit_grades.items()])
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    # ---------------------------------------------------------------- edits: grades

    def set_grade_quotas(self, by: int, quotas: Mapping[str, int], reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.replace_rows("grade_quotas", {}, [{"grade": g, "count": c} for g, c in quotas.items()])
            tx.year_level = True
        return self._edit(by, reason, change)

    def add_promotion(self, by: int, unit_id: int, grade: str, promotion_reason: str, reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> int:
            tx.require("units", unit_id)
            position = self._conn.execute("SELECT coalesce(max(position), -1) + 1 FROM grade_promotions").fetchone()[0]
            tx.year_level = True
            return tx.insert("grade_promotions", {"position": position, "unit_id": unit_id, "grade": grade,
                                                  "reason": promotion_reason})
        return self._edit(by, reason, change)

    def remove_promotion(self, by: int, promotion_id: int, reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.require("grade_promotions", promotion_id)
            tx.delete("grade_promotions", {"id": promotion_id})
        return self._edit(by, reason, change)

    # ---------------------------------------------------------------- edits: attachments

    def add_attachment(self, by: int, data: bytes, name: str, mime: str | None = None, *, unit_id: int | None = None,
                       clause_id: str | None = None, base_id: int | None = None, trip_id: int | None = None,
                       description: str = "", reason: str | None = None) -> Edit:
        """Store a photo, scan or PDF inside the dataset, with its SHA-256, name and type."""
        mime = mime or mimetypes.guess_type(name)[0] or "application/octet-stream"

        def change(tx: _Tx) -> int:
            owner = unit_id
            if base_id is not None:
                owner = self._unit_of("bases", base_id)
            if trip_id is not None:
                owner = self._unit_of("trips", trip_id)
            if owner is not None:
                tx.require("units", owner)
            return tx.insert("attachments", {
                "unit_id": owner, "clause_id": clause_id, "base_id": base_id, "trip_id": trip_id,
                "name": Path(name).name, "mime": mime, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                "data": sqlite3.Binary(data), "description": description, "added_by": by, "added_at": now_text()},
                hidden=("data",))
        return self._edit(by, reason, change)

    def add_attachment_file(self, by: int, path: str | Path, **kwargs: Any) -> Edit:
        path = Path(path)
        return self.add_attachment(by, path.read_bytes(), path.name, **kwargs)

    # ---------------------------------------------------------------- edits: a whole year

    def import_year(self, by: int, year: Year, reason: str | None = None) -> Edit:
        """Every fact of a year into this (empty) dataset, as one edit."""
        def change(tx: _Tx) -> None:
            if self._conn.execute("SELECT count(*) FROM units").fetchone()[0]:
                raise _Rejected(self._problem("dataset.not_empty"))
            if year.rule_set != self.rule_set_id or year.year != self.year_number:
                raise _Rejected(self._problem("fact.rule_set_mismatch", "$", "rule_set", found=year.rule_set,
                                              expected=self.rule_set_id))
            ids = {}
            for position, unit in enumerate(year.units):
                ids[unit.name] = tx.insert_unit(position, unit)
            for grade, count in year.grade_quotas.items():
                tx.insert("grade_quotas", {"grade": grade, "count": count})
            for position, promotion in enumerate(year.grade_promotions):
                if promotion.unit not in ids:
                    raise _Rejected(self._problem("fact.unknown_unit", f"$.grade_promotions[{position}]", "unit",
                                                  value=promotion.unit))
                tx.insert("grade_promotions", {"position": position, "unit_id": ids[promotion.unit],
                                               "grade": promotion.grade, "reason": promotion.reason})
            tx.year_level = True
        return self._edit(by, reason, change)

    # ---------------------------------------------------------------- signatures, certificates, locks (schema 3)
    # Issue 6 (core/pdf/export.py): handwritten signatures for the PDF documents, the certificates the
    # year's PDFs were signed with, the signed versions of each unit's score sheet, and the lock a signed
    # sheet puts on the unit's facts until it is reopened with a reason (both audited).

    def _refuse_if_locked(self, tx: "_Tx", unit_id: int) -> None:
        """Called by the edit path for every unit an edit requires or touches."""
        if tx.ignore_locks or unit_id in tx.lock_checked or self.schema_version < 3:
            return
        tx.lock_checked.add(unit_id)
        row = self._conn.execute("SELECT u.name, l.version FROM unit_locks l JOIN units u ON u.id = l.unit_id "
                                 "WHERE l.unit_id = ?", (unit_id,)).fetchone()
        if row is not None:
            raise _Rejected(self._problem("dataset.unit_locked", unit=row[0], version=row[1]))

    def _require_unit(self, unit_id: int) -> str:
        row = self._conn.execute("SELECT name FROM units WHERE id = ?", (unit_id,)).fetchone()
        if row is None:
            raise _Rejected(self._problem("dataset.no_record", table="units", id=unit_id))
        return row[0]

    def add_signature(self, by: int | None, document: str, role: str, name: str, png: bytes, *,
                      unit_id: int | None = None, title: str = "", signed_at: str | None = None,
                      reason: str | None = None) -> Edit:
        """Store a handwritten signature (PNG from the signature pad) for a signature line: document
        'record' or 'sheet' of unit_id, or 'summary' (unit_id None); role 'assessor', 'representative'
        or 'reviewer'. The newest signature of a (document, role, name) is the one drawn. Allowed on a
        locked unit: a signature is not a fact."""
        def change(tx: _Tx) -> int:
            problems = []
            if document not in SIGNATURE_DOCUMENTS:
                problems.append(self._problem("dataset.signature_document", field="document", value=document))
            if role not in SIGNATURE_ROLES:
                problems.append(self._problem("dataset.signature_role", field="role", value=role))
            if not name.strip():
                problems.append(self._problem("dataset.signature_name_empty", field="name"))
            if not is_png(png):
                problems.append(self._problem("dataset.signature_not_png", field="png"))
            if (unit_id is None) != (document == "summary"):
                problems.append(self._problem("dataset.signature_unit", field="unit_id"))
            if problems:
                raise _Rejected(*problems)
            if unit_id is not None:
                self._require_unit(unit_id)
            return tx.insert("signatures", {
                "unit_id": unit_id, "document": document, "role": role, "name": name.strip(), "title": title,
                "signed_at": signed_at or now_text(), "png": sqlite3.Binary(png),
                "sha256": hashlib.sha256(png).hexdigest(), "added_by": by}, hidden=("png",))
        return self._edit(by, reason, change)

    def remove_signature(self, by: int | None, signature_id: int, reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            if not tx.delete("signatures", {"id": signature_id}):
                raise _Rejected(self._problem("dataset.no_record", table="signatures", id=signature_id))
        return self._edit(by, reason, change)

    def signatures(self, unit_id: int | None = None, document: str | None = None) -> list["Signature"]:
        """The stored signatures of a unit (None: of the year summary), oldest first."""
        sql = ("SELECT id, unit_id, document, role, name, title, signed_at, png, sha256 FROM signatures "
               "WHERE unit_id IS ?" + (" AND document = ?" if document else "") + " ORDER BY signed_at, id")
        rows = self._conn.execute(sql, (unit_id, document) if document else (unit_id,))
        return [Signature(*row[:7], bytes(row[7]), row[8]) for row in rows]

    def add_certificate(self, by: int | None, fingerprint: str, subject: str, reason: str | None = None) -> Edit:
        """Register a signing certificate (SHA-256 fingerprint) as known to this year; no change if known."""
        fingerprint = normal_fingerprint(fingerprint)

        def change(tx: _Tx) -> None:
            if self.known_certificate(fingerprint) is None:
                tx.insert("certificates", {"fingerprint": fingerprint, "subject": subject, "added_at": now_text()})
        return self._edit(by, reason, change)

    def certificates(self) -> list["KnownCertificate"]:
        return [KnownCertificate(*row) for row in self._conn.execute(
            "SELECT fingerprint, subject, added_at FROM certificates ORDER BY added_at, fingerprint")]

    def known_certificate(self, fingerprint: str) -> "KnownCertificate | None":
        row = self._conn.execute("SELECT fingerprint, subject, added_at FROM certificates WHERE fingerprint = ?",
                                 (normal_fingerprint(fingerprint),)).fetchone()
        return None if row is None else KnownCertificate(*row)

    def unit_lock(self, unit_id: int) -> "UnitLock | None":
        """The lock a signed score sheet put on the unit's facts, or None when they can be edited."""
        row = self._conn.execute("SELECT unit_id, version, locked_at FROM unit_locks WHERE unit_id = ?",
                                 (unit_id,)).fetchone()
        return None if row is None else UnitLock(*row)

    def sheet_versions(self, unit_id: int) -> list["SheetVersion"]:
        return [SheetVersion(*row) for row in self._conn.execute(
            "SELECT unit_id, version, signed_at, fingerprint, pdf_sha256 FROM sheet_versions WHERE unit_id = ? "
            "ORDER BY version", (unit_id,))]

    def next_sheet_version(self, unit_id: int) -> int:
        """The version number the unit's next score sheet carries (1 + the signed versions so far)."""
        return self._conn.execute("SELECT coalesce(max(version), 0) + 1 FROM sheet_versions WHERE unit_id = ?",
                                  (unit_id,)).fetchone()[0]

    def finalize_unit(self, by: int | None, unit_id: int, version: int, fingerprint: str, subject: str,
                      pdf_sha256: str, reason: str | None = None) -> Edit:
        """Record a signed score sheet as `version` and lock the unit's facts (a locked unit's facts are
        final, so facts_final is set too); the certificate becomes known to the year. One edit."""
        fingerprint = normal_fingerprint(fingerprint)

        def change(tx: _Tx) -> int:
            tx.ignore_locks = True
            self._require_unit(unit_id)
            expected = self.next_sheet_version(unit_id)
            if version != expected:
                raise _Rejected(self._problem("dataset.sheet_version_taken", version=version, expected=expected))
            at = now_text()
            new_id = tx.insert("sheet_versions", {"unit_id": unit_id, "version": version, "signed_at": at,
                                                  "fingerprint": fingerprint, "pdf_sha256": pdf_sha256})
            tx.update("units", {"id": unit_id}, {"facts_final": 1})
            if self.unit_lock(unit_id) is None:
                tx.insert("unit_locks", {"unit_id": unit_id, "version": version, "locked_at": at})
            else:
                tx.update("unit_locks", {"unit_id": unit_id}, {"version": version, "locked_at": at})
            if self.known_certificate(fingerprint) is None:
                tx.insert("certificates", {"fingerprint": fingerprint, "subject": subject, "added_at": at})
            tx.touch(unit_id)
            return new_id
        return self._edit(by, reason, change)

    def reopen_unit(self, by: int | None, unit_id: int, reason: str) -> Edit:
        """Unlock a unit's facts after its sheet was signed; the reason is required and audited. The
        next score sheet carries a new version number."""
        def change(tx: _Tx) -> None:
            tx.ignore_locks = True
            name = self._require_unit(unit_id)
            if not (reason or "").strip():
                raise _Rejected(self._problem("dataset.reopen_reason_required", field="reason"))
            if not tx.delete("unit_locks", {"unit_id": unit_id}):
                raise _Rejected(self._problem("dataset.unit_not_locked", unit=name))
        return self._edit(by, reason, change)

    def replace_rule_set(self, by: int | None, rules: RuleSet, reason: str) -> Edit:
        """Make `rules` (same id) the year's rule set, in one audited edit: the old and the new text and
        SHA-256 are kept in the audit trail, so each result stays provable under the law it was scored
        with. Only core.store.rule_updates calls it, after its checks (reason given, no signed sheet, facts valid)."""
        def change(tx: _Tx) -> None:
            if rules.id != self.rule_set_id:
                raise _Rejected(self._problem("rules.adopt_other_id", id=rules.id, year_id=self.rule_set_id))
            tx.update("rule_sets", {"id": self.rule_set_id},
                      {"sha256": rules.sha256, "text": rules.source_text, "stored_at": tx.at}, quiet=("stored_at",))
            tx.match_inputs_changed = True  # the matching reads the rule set's readings
        edit = self._edit(by, reason, change)
        if edit.ok:
            self._rules = rules
        return edit

    # ---------------------------------------------------------------- people: imports, assignments, counts (schema 4)
    # Issue 5 (core/people/tables.py): the rosters, monthly reports, district list and platform exports imported
    # from Excel; the assessor's assignments of people two units claim; and each base's count source,
    # which decides whether clauses 2.1, 2.2 and 4.2 score the counts matched from the rosters.

    _matched: "MatchResult | None" = None  # the people's match, until an edit changes its inputs
    _kept: "KeptRecords | None" = None  # each import's records, read once (core.people.tables.submissions)

    def _kept_records(self) -> "KeptRecords":
        if self._kept is None:
            self._kept = {}
        return self._kept

    def import_people(self, by: int | None, checked: "CheckResult", *, sha256: str, unit_id: int | None = None,
                      mapping: Mapping[str, str | int] | None = None, reason: str | None = None,
                      skip_bad_rows: bool = False, corrections: Sequence["Correction"] = ()) -> Edit:
        """Import the records of a checked workbook (core.excel.check) as one source, in one edit: all
        its rows or none. Refused, with nothing written, when the check found any problem, when the kind
        needs a unit and none is given (or one is given for a list of the whole year), or when the unit
        is locked. Importing the same source again replaces its rows, as the kind's `scope` says
        (resources/excel/import-kinds.toml): a unit's roster, whatever the file is called; a file of
        monthly reports with the same name or the same bytes (SHA-256); a list of the whole year. The
        audit trail gets one summary row (kind, unit, file, SHA-256, rows, rows replaced), not a row per
        person. Edit.id is the new import's id.

        skip_bad_rows: the assessor chose to import the rows without problems alone (all of them or
        none) and leave the rows with problems out; refused when a problem belongs to no row or no row
        is good (core.excel.partial). The summary row then also says how many rows were left out and,
        for each, why. corrections: the cells the assessor corrected before the check
        (core.excel.partial.Correction), one audit row each (file!row.column, old → new)."""
        from core.excel.partial import left_out_audit, partial_refusal
        from core.excel.read import import_spec
        from core.people.tables import KIND_TABLE, UNIT_KINDS, insert_records
        kind = import_spec().kind(checked.kind)
        written: dict[str, str] = {}

        def change(tx: _Tx) -> int:
            written["at"] = tx.at
            if checked.problems and not skip_bad_rows:
                raise _Rejected(*checked.problems)
            if checked.problems and partial_refusal(checked):
                raise _Rejected(*partial_refusal(checked))
            if kind.scope == "year" and unit_id is not None:
                raise _Rejected(self._problem("dataset.import_year_list", field="unit", kind=kind.label))
            unit_name = None
            if kind.scope != "year":
                if unit_id is None:
                    raise _Rejected(self._problem("dataset.import_needs_unit", field="unit", kind=kind.label))
                tx.require("units", unit_id)
                unit_name = self._require_unit(unit_id)
            conn = self._conn
            replaced = [(s.id, s.file_name, s.sha256, s.rows)
                        for s in self.replaced_sources(kind.id, unit_id, checked.source, sha256)]
            for old_id, *_ in replaced:
                conn.execute(f"DELETE FROM {KIND_TABLE[kind.id]} WHERE import_id = ?", (old_id,))
                conn.execute("DELETE FROM imports WHERE id = ?", (old_id,))
            summary = {"kind": kind.id, "unit_id": unit_id, "file_name": checked.source, "sha256": sha256,
                       "rows": len(checked.records), "replaced_rows": sum(r[3] for r in replaced),
                       "mapping": audit.value_json(dict(mapping)) if mapping else "", "imported_at": tx.at,
                       "imported_by": by}
            import_id = conn.execute(f"INSERT INTO imports ({', '.join(summary)}) VALUES ({', '.join('?' * len(summary))})",
                                     list(summary.values())).lastrowid
            insert_records(conn, checked, import_id=import_id, unit_id=unit_id,
                           unit_ids=dict(conn.execute("SELECT name, id FROM units")))
            left_out = left_out_audit(checked)
            choice = {"left_out_rows": len(left_out), "left_out": left_out} if left_out else {}
            if corrections:
                choice["corrected_cells"] = len(corrections)
            tx.log_summary("import", "imports", str(import_id), {
                **summary, "unit": unit_name, **choice, "content_sha256": _import_content(conn, import_id, kind.id),
                "replaced": [{"id": i, "file_name": f, "sha256": s, "rows": n} for i, f, s, n in replaced]})
            for c in corrections:
                tx._log("correct", "imports", str(import_id), f"{checked.source}: {c.cell}", c.old, c.new)
            if unit_id is not None:
                tx.touch(unit_id)
            return import_id
        edit = self._edit(by, reason, change)
        if edit.ok and kind.id in UNIT_KINDS:  # the next match need not read back what was just written
            self._kept_records()[(edit.id, sha256, written["at"])] = checked.records
        return edit

    def replaced_sources(self, kind: str, unit_id: int | None, file_name: str, sha256: str) -> list["ImportedSource"]:
        """The imported sources an import of this file would replace (see import_people)."""
        from core.excel.read import import_spec
        scope = import_spec().kind(kind).scope
        where, params = " WHERE kind = ?", [kind]
        if scope != "year":
            where, params = where + " AND unit_id IS ?", params + [unit_id]
        if scope == "file":
            where, params = where + " AND (file_name = ? OR sha256 = ?)", params + [file_name, sha256]
        return self._imports(where, params)

    def remove_import(self, by: int | None, import_id: int, reason: str | None = None) -> Edit:
        """Take an imported source out with all its rows (one summary audit row)."""
        from core.people.tables import KIND_TABLE

        def change(tx: _Tx) -> None:
            found = self._conn.execute("SELECT kind, unit_id, file_name, sha256, rows FROM imports WHERE id = ?",
                                       (import_id,)).fetchone()
            if found is None:
                raise _Rejected(self._problem("dataset.no_record", table="imports", id=import_id))
            kind, unit_id, file_name, sha256, rows = found
            if unit_id is not None:
                tx.touch(unit_id)
            self._conn.execute(f"DELETE FROM {KIND_TABLE[kind]} WHERE import_id = ?", (import_id,))
            self._conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
            tx.log_summary("delete", "imports", str(import_id), {"kind": kind, "unit_id": unit_id,
                                                                  "file_name": file_name, "sha256": sha256,
                                                                  "rows": rows}, old=True)
        return self._edit(by, reason, change)

    def imports(self, unit_id: int | None = None) -> list["ImportedSource"]:
        """The imported sources (of one unit, or all), oldest first."""
        return self._imports(*((" WHERE unit_id = ?", [unit_id]) if unit_id is not None else ("", [])))

    def _imports(self, where: str, params: Sequence[Any]) -> list["ImportedSource"]:
        return [ImportedSource(*row) for row in self._conn.execute(
            "SELECT id, kind, unit_id, file_name, sha256, rows, replaced_rows, mapping, imported_at, imported_by "
            f"FROM imports{where} ORDER BY id", list(params))]

    def assign_person(self, by: int | None, id_number: str, unit_id: int | None, reason: str) -> Edit:
        """The assessor's decision on a person several units claim: the person counts for `unit_id`
        (one of the claimants) and for no other unit; None withdraws the decision. The reason is
        required and kept with the decision. Refused when a claimant unit is locked."""
        from core.common.identifiers import normalise_id_number
        number = normalise_id_number(id_number)

        def change(tx: _Tx) -> None:
            if not (reason or "").strip():
                raise _Rejected(self._problem("dataset.assign_reason_required", field="reason"))
            claimants = [r[0] for r in self._conn.execute(
                "SELECT DISTINCT r.unit_id FROM roster_entries r JOIN units u ON u.id = r.unit_id "
                "WHERE r.id_number = ? ORDER BY u.position, u.id", (number,))]
            if not claimants:
                raise _Rejected(self._problem("dataset.assign_unknown_person", field="id_number", id=number))
            for claimant in claimants:
                tx.touch(claimant)
            key = {"id_number": number}
            exists = self._conn.execute("SELECT 1 FROM conflict_assignments WHERE id_number = ?", (number,)).fetchone()
            if unit_id is None:
                if not exists:
                    raise _Rejected(self._problem("dataset.assign_not_assigned", field="id_number", id=number))
                tx.delete("conflict_assignments", key)
                return
            if unit_id not in claimants:
                raise _Rejected(self._problem("match.assignment_not_a_claimant", field="unit",
                                              unit=self._require_unit(unit_id),
                                              claimants=[self._require_unit(u) for u in claimants]))
            values = {"unit_id": unit_id, "reason": reason.strip(), "assigned_by": by, "assigned_at": tx.at}
            if exists:
                tx.update("conflict_assignments", key, values, quiet=("assigned_by", "assigned_at"))
            else:
                tx.insert("conflict_assignments", {**key, **values})
        return self._edit(by, reason, change)

    def assignments(self) -> list["Assignment"]:
        return [Assignment(*row) for row in self._conn.execute(
            "SELECT a.id_number, a.unit_id, u.name, a.reason, a.assigned_by, a.assigned_at "
            "FROM conflict_assignments a JOIN units u ON u.id = a.unit_id ORDER BY a.id_number")]

    def capture_import(self, import_id: int) -> "ImportSnapshot | None":
        """An imported source with all its rows as stored (core.people.tables.capture_import), to put back later."""
        from core.people.tables import capture_import
        return capture_import(self._conn, import_id)

    def restore_imports(self, by: int | None, snapshots: Sequence["ImportSnapshot"], *, remove: Sequence[int] = (),
                        reason: str | None = None) -> Edit:
        """Take the imports `remove` out and put captured imports back with their original ids, in one
        edit: the undo of an import that replaced earlier ones (or of a removal), and its redo. One
        summary audit row per import, as importing writes."""
        from core.people.tables import KIND_TABLE, restore_import

        def change(tx: _Tx) -> None:
            conn = self._conn
            for import_id in remove:
                found = conn.execute("SELECT kind, unit_id, file_name, sha256, rows FROM imports WHERE id = ?",
                                     (import_id,)).fetchone()
                if found is None:
                    raise _Rejected(self._problem("dataset.no_record", table="imports", id=import_id))
                kind, unit_id, file_name, sha256, rows = found
                if unit_id is not None:
                    tx.touch(unit_id)
                conn.execute(f"DELETE FROM {KIND_TABLE[kind]} WHERE import_id = ?", (import_id,))
                conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
                tx.log_summary("delete", "imports", str(import_id), {"kind": kind, "unit_id": unit_id,
                                                                      "file_name": file_name, "sha256": sha256,
                                                                      "rows": rows}, old=True)
            for snapshot in snapshots:
                if snapshot.unit_id is not None:
                    tx.require("units", snapshot.unit_id)
                    tx.touch(snapshot.unit_id)
                restore_import(conn, snapshot)
                tx.log_summary("insert", "imports", str(snapshot.import_id), _restored_import(conn, snapshot))
        return self._edit(by, reason, change)

    def set_count_source(self, by: int | None, unit_id: int, source: str, base_ids: Sequence[int] | None = None,
                         reason: str | None = None) -> Edit:
        """Where the people/retained of a unit's bases (all, or those given) come from: "hand" (typed
        from paper) or "roster" (matched from the imported rosters). One edit, audited per base."""
        from core.scoring.facts import COUNT_SOURCES

        def change(tx: _Tx) -> None:
            if source not in COUNT_SOURCES:
                raise _Rejected(self._problem("dataset.count_source_unknown", field="count_source", value=source))
            tx.require("units", unit_id)
            ids = self.base_ids(unit_id) if base_ids is None else list(base_ids)
            if not ids:
                raise _Rejected(self._problem("dataset.unit_has_no_bases", unit=self._require_unit(unit_id)))
            for base_id in ids:
                if self._unit_of("bases", base_id) != unit_id:
                    raise _Rejected(self._problem("dataset.no_record", table="bases", id=base_id))
                tx.update("bases", {"id": base_id}, {"count_source": source})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def match(self) -> "MatchResult":
        """Every unit's people matched (core/people/tables.py: the stored rosters, monthly reports, district
        list and assignments through core.people.matching.match); kept until an edit changes its inputs."""
        if self._matched is None:
            from core.people.tables import match_stored
            self._matched = match_stored(self._conn, self._rules, self._read_units(None), self._kept_records())
        return self._matched

    def counted(self, units: Sequence[Unit]) -> tuple[Unit, ...]:
        """The units with the matched counts on every base whose count source is the rosters."""
        from core.scoring.facts import COUNTS_FROM_ROSTERS
        if not any(b.count_source == COUNTS_FROM_ROSTERS for u in units for b in u.bases):
            return tuple(units)
        from core.people.matching import apply_counts
        result = self.match()
        matched = {u.unit: u for u in result.units}
        return tuple(apply_counts(u, matched[u.name], roster_bases_only=True)
                     if u.name in matched and any(b.count_source == COUNTS_FROM_ROSTERS for b in u.bases) else u
                     for u in units)

    # ---------------------------------------------------------------- the platform's statistics (schema 5)
    # Clauses 3.1 and 3.2 score the deliveries and composite rating typed by hand, or, per unit, the ones
    # of the platform's imported exports (core/people/platform.py links their records to the units by name).

    _platform: "PlatformCheck | None" = None  # the platform's records per unit, until an edit changes them

    def set_platform_source(self, by: int | None, unit_id: int, source: str, reason: str | None = None) -> Edit:
        """Where a unit's 3.1 deliveries and 3.2 composite rating come from: "hand" (typed) or "platform"
        (the imported platform exports). One audited edit; the typed figures are kept either way."""
        from core.scoring.facts import PLATFORM_SOURCES

        def change(tx: _Tx) -> None:
            if source not in PLATFORM_SOURCES:
                raise _Rejected(self._problem("dataset.platform_source_unknown", field="platform_source",
                                              value=source))
            tx.require("units", unit_id)
            tx.update("units", {"id": unit_id}, {"platform_source": source})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def platform(self) -> "PlatformCheck":
        """Every unit's records in the imported platform exports, the exports, and the records that name
        no unit of the year (problems); kept until an edit changes the imports or the unit names."""
        if self._platform is None:
            from core.people.platform import check, read_stored
            names = [r[0] for r in self._conn.execute("SELECT name FROM units ORDER BY position, id")]
            self._platform = check(read_stored(self._conn), names)
        return self._platform

    def with_platform(self, units: Sequence[Unit]) -> tuple[Unit, ...]:
        """The units with the platform's deliveries and rating where their platform source says so."""
        from core.scoring.facts import FIGURES_FROM_PLATFORM
        if not any(u.platform_source == FIGURES_FROM_PLATFORM for u in units):
            return tuple(units)
        from core.people.platform import apply_platform
        found = self.platform()
        return tuple(apply_platform(u, found) if u.platform_source == FIGURES_FROM_PLATFORM else u for u in units)


    # ---------------------------------------------------------------- desktop additions: notes, rows, undo
    # The desktop (ui/) needs a free-text note per clause of a unit, raw rows to know a field's old value,
    # attachment removal, and an exact capture/restore of records so undo can bring a removed unit, base,
    # trip, delivery or attachment back with its original ids (later undo steps refer to those ids).

    def clause_notes(self, unit_id: int | None = None) -> dict[tuple[int, str], str]:
        """The assessor's notes, {(unit id, clause id): text}; of one unit or of all."""
        sql = "SELECT unit_id, clause_id, note FROM clause_notes"
        rows = self._conn.execute(sql + (" WHERE unit_id = ?" if unit_id is not None else ""),
                                  () if unit_id is None else (unit_id,))
        return {(uid, clause_id): note for uid, clause_id, note in rows}

    def set_clause_note(self, by: int, unit_id: int, clause_id: str, note: str, reason: str | None = None) -> Edit:
        """Set (or with "" remove) the assessor's note on one clause of a unit."""
        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            if clause_id not in {c.id for c in self._rules.clauses} | {self._rules.negative.id}:
                raise _Rejected(self._problem("fact.unknown_clause", field="clause_id",
                                              known=[c.id for c in self._rules.clauses]))
            key = {"unit_id": unit_id, "clause_id": clause_id}
            exists = self._conn.execute("SELECT 1 FROM clause_notes WHERE unit_id = ? AND clause_id = ?",
                                        (unit_id, clause_id)).fetchone()
            if not note:
                tx.delete("clause_notes", key)
            elif exists:
                tx.update("clause_notes", key, {"note": note})
            else:
                tx.insert("clause_notes", {**key, "note": note})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def row(self, table: str, record_id: int) -> dict[str, Any] | None:
        """One record of a table with an `id` column, as {column: stored value} (blobs left out)."""
        if table not in CAPTURE_TABLES and table not in ("units", "attachments"):
            raise ValueError(f"no rows of {table}")
        cursor = self._conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
        found = cursor.fetchone()
        if found is None:
            return None
        return {d[0]: v for d, v in zip(cursor.description, found) if d[0] not in ("data", "png")}

    def promotions(self) -> list[tuple[int, int, str, str]]:
        """The grade promotions as (id, unit id, grade, reason), in order."""
        return list(self._conn.execute("SELECT id, unit_id, grade, reason FROM grade_promotions ORDER BY position, id"))

    def remove_attachment(self, by: int, attachment_id: int, reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            if not tx.delete("attachments", {"id": attachment_id}):
                raise _Rejected(self._problem("dataset.no_record", table="attachments", id=attachment_id))
        return self._edit(by, reason, change)

    def capture(self, *, unit_id: int | None = None, base_id: int | None = None, trip_id: int | None = None,
                delivery_id: int | None = None, attachment_id: int | None = None,
                promotion_id: int | None = None, signature_id: int | None = None) -> "Snapshot":
        """Every stored row of one record and what hangs on it (a unit: all its tables, and its imported
        sources with their rows), to restore it exactly after a removal. Attachments of a removed unit,
        base or trip stay in the file with their link cleared (ON DELETE SET NULL), so only the links are
        kept and put back."""
        conn = self._conn
        rows: list[tuple[str, tuple[dict[str, Any], ...]]] = []
        links: list[tuple[int, dict[str, Any]]] = []
        imports: tuple["ImportSnapshot", ...] = ()

        def take(table: str, where: str, params: Sequence[Any]) -> None:
            cursor = conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY rowid", tuple(params))
            names = [d[0] for d in cursor.description]
            found = tuple(dict(zip(names, r)) for r in cursor)
            if found:
                rows.append((table, found))

        def take_links(where: str, params: Sequence[Any]) -> None:
            for aid, uid, bid, tid in conn.execute(
                    f"SELECT id, unit_id, base_id, trip_id FROM attachments WHERE {where}", tuple(params)):
                links.append((aid, {"unit_id": uid, "base_id": bid, "trip_id": tid}))

        units: tuple[int, ...] = ()
        if unit_id is not None:
            units = (unit_id,)
            take("units", "id = ?", (unit_id,))
            for table in UNIT_CAPTURE_TABLES:
                if table == "trip_evaluations":
                    take(table, "trip_id IN (SELECT id FROM trips WHERE unit_id = ?)", (unit_id,))
                else:
                    take(table, "unit_id = ?", (unit_id,))
            take_links("unit_id = ?", (unit_id,))
            if self.schema_version >= 4:  # a unit's rosters and monthly reports go and come back with it
                imports = tuple(s for s in (self.capture_import(i) for i, in conn.execute(
                    "SELECT id FROM imports WHERE unit_id = ? ORDER BY id", (unit_id,))) if s is not None)
        elif base_id is not None:
            units = (self._conn.execute("SELECT unit_id FROM bases WHERE id = ?", (base_id,)).fetchone() or (None,))[:1]
            take("bases", "id = ?", (base_id,))
            take("evidence_ticks", "base_id = ?", (base_id,))
            take_links("base_id = ?", (base_id,))
        elif trip_id is not None:
            units = (self._conn.execute("SELECT unit_id FROM trips WHERE id = ?", (trip_id,)).fetchone() or (None,))[:1]
            take("trips", "id = ?", (trip_id,))
            take("trip_evaluations", "trip_id = ?", (trip_id,))
            take("evidence_ticks", "trip_id = ?", (trip_id,))
            take_links("trip_id = ?", (trip_id,))
        elif delivery_id is not None:
            take("deliveries", "id = ?", (delivery_id,))
            units = tuple(r["unit_id"] for _, found in rows for r in found)
        elif attachment_id is not None:
            take("attachments", "id = ?", (attachment_id,))
        elif promotion_id is not None:
            take("grade_promotions", "id = ?", (promotion_id,))
        elif signature_id is not None:
            take("signatures", "id = ?", (signature_id,))
        return Snapshot(tuple(rows), tuple(links), tuple(u for u in units if u is not None), imports)

    def restore(self, by: int, snapshot: "Snapshot", reason: str | None = None) -> Edit:
        """Put captured rows back with their original ids, as one audited edit (validated like any edit)."""
        def change(tx: _Tx) -> None:
            for table, found in snapshot.rows:
                for values in found:
                    tx.insert(table, values, hidden=("data", "png"))
                if table in ("units", "grade_promotions", "unit_kinds"):
                    tx.year_level = True
            for attachment, link in snapshot.attachment_links:
                if self._conn.execute("SELECT 1 FROM attachments WHERE id = ?", (attachment,)).fetchone():
                    tx.update("attachments", {"id": attachment}, link)
            if snapshot.imports:
                from core.people.tables import restore_import
                for source in snapshot.imports:  # one summary audit row each, as importing writes
                    restore_import(self._conn, source)
                    tx.log_summary("insert", "imports", str(source.import_id), _restored_import(self._conn, source))
            for uid in snapshot.units:
                tx.touch(uid)
        return self._edit(by, reason, change)


def _import_content(conn: sqlite3.Connection, import_id: int, kind: str) -> str:
    """What an import's audit row records of its people: the SHA-256 of its rows as stored."""
    from core.store.audit_check import KIND_TABLE, content_sha256
    return content_sha256(conn, KIND_TABLE[kind], "import_id = ?", (import_id,))


def _restored_import(conn: sqlite3.Connection, snapshot: "ImportSnapshot") -> dict[str, Any]:
    return {**snapshot.source, "content_sha256": _import_content(conn, snapshot.import_id, snapshot.source["kind"])}


@dataclass(frozen=True)
class ImportedSource:
    """One imported workbook (Dataset.imports)."""
    id: int
    kind: str
    unit_id: int | None
    file_name: str
    sha256: str
    rows: int
    replaced_rows: int
    mapping: str
    imported_at: str
    imported_by: int | None


@dataclass(frozen=True)
class Assignment:
    """The assessor's decision on a person several units claim (Dataset.assignments)."""
    id_number: str
    unit_id: int
    unit: str
    reason: str
    assigned_by: int | None
    assigned_at: str


# Tables the people's match reads (Dataset.match): an edit writing one of them drops the kept match
# (of units and bases only the names and types matter: typing a base's counts keeps it).
MATCH_INPUTS = frozenset({"units", "bases", "imports", "conflict_assignments", "roster_entries",
                          "monthly_report_entries", "traineeship_list"})


@dataclass(frozen=True)
class Snapshot:
    """Rows captured by Dataset.capture: (table, rows) in an order that satisfies the foreign keys,
    attachment links to put back, and the units the rows belong to."""
    rows: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]
    attachment_links: tuple[tuple[int, dict[str, Any]], ...] = ()
    units: tuple[int, ...] = ()
    imports: tuple["ImportSnapshot", ...] = ()  # a unit's imported sources with their rows (capture_import)


# A unit's tables after `units`, parents before children (the foreign keys).
UNIT_CAPTURE_TABLES = ("unit_kinds", "licences", "bases", "trips", "trip_evaluations", "deliveries", "evidence_ticks",
                       "management", "negatives", "credit_grades", "cancelled_licences", "grade_promotions",
                       "clause_notes", "signatures", "sheet_versions", "conflict_assignments")
CAPTURE_TABLES = ("bases", "trips", "deliveries", "grade_promotions", "evidence_ticks")


class _Tx:
    """The writes of one edit, each audited. Only the Dataset's edit methods use it."""

    def __init__(self, ds: Dataset, assessor_id: int | None, reason: str | None):
        self.ds = ds
        self.conn = ds._conn
        self.assessor_id = assessor_id
        self.reason = reason
        self.at = now_text()
        self.touched_units: set[int] = set()
        self.year_level = False
        self.ignore_locks = False  # only finalize/reopen set it (Dataset._refuse_if_locked)
        self.lock_checked: set[int] = set()
        self.match_inputs_changed = False  # see MATCH_INPUTS

    def touch(self, unit_id: int) -> None:
        self.ds._refuse_if_locked(self, unit_id)
        self.touched_units.add(unit_id)

    def require(self, table: str, record_id: int) -> None:
        if self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (record_id,)).fetchone() is None:
            raise _Rejected(self.ds._problem("dataset.no_record", table=table, id=record_id))
        if table == "units":
            self.ds._refuse_if_locked(self, record_id)

    def _record_id(self, table: str, values: Mapping[str, Any], rowid: int | None = None) -> str:
        keys = KEYS.get(table)
        if keys is None:
            return str(values["id"] if "id" in values else rowid)
        return "/".join(str(values[k]) for k in keys)

    def _log(self, action: str, table: str, record_id: str, field: str | None = None, old: Any = None,
             new: Any = None) -> None:
        if table in MATCH_INPUTS and not (action == "update" and table in ("units", "bases")
                                          and field not in ("name", "type")):
            self.match_inputs_changed = True
        self.ds._audit.append(at=self.at, assessor_id=self.assessor_id, action=action, table_name=table,
                              record_id=record_id, field=field, old_value=audit.value_json(old),
                              new_value=audit.value_json(new), reason=self.reason)

    def log_summary(self, action: str, table: str, record_id: str, values: Mapping[str, Any], *,
                    old: bool = False) -> None:
        """One audit row standing for a bulk write (an import: its people are not audited one by one)."""
        self._log(action, table, record_id, None, values if old else None, None if old else values)

    def insert(self, table: str, values: Mapping[str, Any], hidden: Iterable[str] = ()) -> int:
        columns = list(values)
        cursor = self.conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                                   [values[c] for c in columns])
        hide = set(hidden)
        shown = {k: v for k, v in values.items() if k not in hide}
        self._log("insert", table, self._record_id(table, values, cursor.lastrowid), None, None, shown)
        return cursor.lastrowid

    def _select(self, table: str, where: Mapping[str, Any], columns: str = "*") -> tuple[list[str], list[tuple]]:
        clause = " AND ".join(f"{k} IS ?" for k in where) or "1"
        cursor = self.conn.execute(f"SELECT {columns} FROM {table} WHERE {clause} ORDER BY rowid", list(where.values()))
        return [d[0] for d in cursor.description], cursor.fetchall()

    def update(self, table: str, key: Mapping[str, Any], changes: Mapping[str, Any],
               quiet: Iterable[str] = ()) -> bool:
        """Set fields of one record; audits each field that really changes (except `quiet` ones)."""
        names, rows = self._select(table, key, ", ".join(changes))
        if not rows:
            raise _Rejected(self.ds._problem("dataset.no_record", table=table, id="/".join(map(str, key.values()))))
        old = dict(zip(names, rows[0]))
        changed = {k: v for k, v in changes.items() if old[k] != v or type(old[k]) is not type(v)}
        if not set(changed) - set(quiet):  # who/when alone is no change: it would go unaudited
            return False
        sets = ", ".join(f"{k} = ?" for k in changed)
        where = " AND ".join(f"{k} = ?" for k in key)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {where}", [*changed.values(), *key.values()])
        record_id = self._record_id(table, {**key, **old})
        for name, value in changed.items():
            if name not in set(quiet):
                self._log("update", table, record_id, name, old[name], value)
        return True

    def delete(self, table: str, where: Mapping[str, Any]) -> int:
        names, rows = self._select(table, where)
        if not rows:
            return 0
        clause = " AND ".join(f"{k} IS ?" for k in where) or "1"
        self.conn.execute(f"DELETE FROM {table} WHERE {clause}", list(where.values()))
        for row in rows:
            values = {k: v for k, v in zip(names, row) if k != "data"}
            self._log("delete", table, self._record_id(table, values), None, values, None)
        return len(rows)

    def replace_rows(self, table: str, parent: Mapping[str, Any], rows: list[dict[str, Any]]) -> None:
        """Make a parent's child rows exactly `rows` (in order); audited only when they differ."""
        columns = list(rows[0]) if rows else None
        if columns is None:
            self.delete(table, parent)
            return
        names, existing = self._select(table, parent, ", ".join(columns))
        if [dict(zip(names, r)) for r in existing] == rows:
            return
        self.delete(table, parent)
        for row in rows:
            self.insert(table, {**parent, **row})

    def tick(self, unit_id: int, clause_id: str, base_id: int | None, trip_id: int | None, item: str,
             seen: bool | None, note: str) -> None:
        self.require("units", unit_id)
        where = {"unit_id": unit_id, "clause_id": clause_id, "base_id": base_id, "trip_id": trip_id, "item": item}
        names, rows = self._select("evidence_ticks", where, "id")
        if seen is None:
            self.delete("evidence_ticks", where)
        elif rows:
            self.update("evidence_ticks", {"id": rows[0][0]},
                        {"seen": int(seen), "note": note, "ticked_by": self.assessor_id, "ticked_at": self.at},
                        quiet=("ticked_by", "ticked_at"))
        else:
            self.insert("evidence_ticks", {**where, "seen": int(seen), "ticked_by": self.assessor_id,
                                           "ticked_at": self.at, "note": note})
        self.touch(unit_id)

    def insert_unit(self, position: int, unit: Unit) -> int:
        uid = self.insert("units", {
            "position": position, "name": unit.name, "credit_code": unit.credit_code,
            "new_member": int(unit.new_member), "facts_final": int(unit.facts_final),
            "contact_person": unit.contact_person, "platform_rating": _fraction_text(unit.platform_rating),
            "insured_workers": unit.insured_workers})
        for i, kind in enumerate(unit.kinds):
            self.insert("unit_kinds", {"unit_id": uid, "position": i, "kind": kind})
        for kind, number in unit.licence_numbers.items():
            self.insert("licences", {"unit_id": uid, "kind": kind, "number": number})
        by, at = self.assessor_id, self.at
        for i, b in enumerate(unit.bases):
            base_id = self.insert("bases", {"unit_id": uid, "position": i, "name": b.name, "type": b.type,
                                            "region": b.region, "agreement_date": b.agreement_date.isoformat(),
                                            "people": b.people, "retained": b.retained})
            for item, seen in b.evidence.items():
                self.insert("evidence_ticks", {"unit_id": uid, "clause_id": self.ds._record_clause("bases"),
                                               "base_id": base_id, "item": item, "seen": int(seen),
                                               "ticked_by": by, "ticked_at": at})
        for i, t in enumerate(unit.trips):
            trip_id = self.insert("trips", {"unit_id": uid, "position": i, "date": t.date.isoformat(),
                                            "place": t.place, "mode": t.mode, "enterprises": t.enterprises})
            for item, seen in t.evidence.items():
                self.insert("evidence_ticks", {"unit_id": uid, "clause_id": self.ds._record_clause("trips"),
                                               "trip_id": trip_id, "item": item, "seen": int(seen),
                                               "ticked_by": by, "ticked_at": at})
            for j, verdict in enumerate(t.evaluations):
                self.insert("trip_evaluations", {"trip_id": trip_id, "position": j, "verdict": verdict})
        for clause_id, items in unit.evidence.items():
            for item, seen in items.items():
                self.insert("evidence_ticks", {"unit_id": uid, "clause_id": clause_id, "item": item,
                                               "seen": int(seen), "ticked_by": by, "ticked_at": at})
        for i, d in enumerate(unit.deliveries):
            self.insert("deliveries", {"unit_id": uid, "position": i, "date": d.date.isoformat(),
                                       "enterprise": d.enterprise, "stars": d.stars})
        self.insert("management", {"unit_id": uid, "awarded": _fraction_text(unit.management.awarded),
                                   "reason": unit.management.reason})
        n = unit.negative
        self.insert("negatives", {"unit_id": uid, "major_incident": int(n.major_incident),
                                  **{k: getattr(n, k) for k in NEGATIVE_COUNTS}})
        for i, kind in enumerate(n.licences_cancelled):
            self.insert("cancelled_licences", {"unit_id": uid, "position": i, "kind": kind})
        for kind, grade in n.credit_grades.items():
            self.insert("credit_grades", {"unit_id": uid, "kind": kind, "grade": grade})
        self.touch(uid)
        return uid


# ------------------------------------------------------------------ creating, connecting, migrating

def _connect_rw(path: Path) -> sqlite3.Connection:
    """The read-write connection, holding the file exclusively for this process."""
    try:
        # used by one thread at a time, not always the one that opened it (see Dataset)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _open_fault(path, exc) from None
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("BEGIN IMMEDIATE")  # takes the lock now and keeps it until close
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.close()
        raise _open_fault(path, exc) from None
    return conn


def _private_copy(path: Path) -> sqlite3.Connection:
    """An in-memory copy of the file as of now, read without locking it or writing beside it; in
    this process, from the connection that holds it (reading the file would drop its lock)."""
    owner = _HELD.get(_identity(path)) if _identity(path) else None
    if owner is not None and owner._conn is not None:
        memory = sqlite3.connect(":memory:", isolation_level=None)
        owner._conn.backup(memory)
        return memory
    _check_header(path)
    try:
        image = snapshot.read_image(path)
    except PermissionError:
        raise DatasetError(Msg.of("dataset.not_readable", file=path.name)) from None
    except snapshot.Unsettled:
        raise DatasetError(Msg.of("dataset.unsettled", file=path.name)) from None
    except OSError:
        raise DatasetError(Msg.of("dataset.cannot_open", file=path.name)) from None
    try:
        return snapshot.connect_image(image)  # SQLite keeps its own copy; this one goes now
    except sqlite3.Error:
        raise DatasetError(Msg.of("dataset.not_dataset", file=path.name)) from None


def _open_fault(path: Path, exc: sqlite3.Error) -> DatasetError:
    code = _sqlite_code(exc)
    if _is_busy(exc):
        return locked_error(path)
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return DatasetError(Msg.of("dataset.read_only", file=path.name))
    if code == sqlite3.SQLITE_FULL:
        return DatasetError(Msg.of("dataset.disk_full", file=path.name))
    return DatasetError(Msg.of("dataset.cannot_open", file=path.name))


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
                              record_id=record[0] if record else "", field=field, old_value=audit.value_json(old), new_value=audit.value_json(new),
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


def _remove_dead_creations(path: Path) -> None:
    """Half-made copies of this year file (and their SQLite side files) left by a creation that was
    killed: ours, and those of processes that are gone. Another program creating it now keeps its own."""
    for leftover in path.parent.glob(f".{glob_escape(path.name)}.*.creating*"):
        pid = leftover.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and (int(pid) == os.getpid() or not holder.process_alive(int(pid))):
            leftover.unlink(missing_ok=True)


def create_file(path: str | Path, rules: RuleSet, assessor: str, role: str = "", year: Year | None = None,
                *, schema_version: int = SCHEMA_VERSION) -> list[Problem]:
    """Write a new dataset file for the rule set's year, with the first assessor and optionally a
    year's facts. The file appears whole or not at all; an existing file is never replaced.
    Returns the problems of the year's facts (then no file is made)."""
    path = Path(path)
    if path.exists():
        raise DatasetError(Msg.of("dataset.exists", file=path.name))
    part = path.with_name(f".{path.name}.{os.getpid()}.creating")
    _remove_dead_creations(path)
    try:
        conn = sqlite3.connect(part, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=OFF")  # a private file until it is synced and linked below
            _create_schema(conn, rules, assessor, role, schema_version)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            if year is not None:
                ds = Dataset(path, conn, read_only=False, keep_backups=0, backup_interval=None)
                ds._identity = None
                ds._stat_identity = lambda: None  # type: ignore[method-assign]  # path is not there yet
                edit = ds.import_year(1, year, reason="import")
                if not edit.ok:
                    return list(edit.problems)
            # main only: schema 4's table rebuild (ALTER TABLE … RENAME) opens the temp database, whose
            # checkpoint would fail with "database table is locked"
            conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()  # the last connection: the write-ahead log is folded in and removed
        backup.fsync_path(part)
        try:
            os.link(part, path)  # no-clobber, atomic
        except FileExistsError:
            raise DatasetError(Msg.of("dataset.exists", file=path.name)) from None
        except OSError:
            if path.exists():
                raise DatasetError(Msg.of("dataset.exists", file=path.name)) from None
            os.replace(part, path)  # a file system without hard links
        backup.fsync_path(path.parent)
        return []
    except sqlite3.Error as exc:
        raise _open_fault(path, exc) from None
    finally:
        for leftover in (part, Path(f"{part}-wal"), Path(f"{part}-shm"), Path(f"{part}-journal")):
            leftover.unlink(missing_ok=True)


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


def newest_proved_backup(path: str | Path, cancelled: Callable[[], bool] = lambda: False) -> "backup.BackupInfo | None":
    """The newest regular backup whose own audit trail proves its facts (the full check, without
    anchors): what to offer when the full check found the year changed outside the program — the
    backup of opening copied the change along, so the newest backup is not good enough."""
    for info in backup.list_backups(path):
        if info.label or cancelled():
            continue
        try:
            with Dataset.open(info.path, read_only=True) as copy:
                if copy.check_audit(anchors=[]).ok:
                    return info
        except DatasetError:
            continue
    return None


_REFERENCES: dict[int, "Reference"] = {}


def reference_schema(version: int) -> "Reference":
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


# ------------------------------------------------------------------ signatures and locks (schema 3)

SIGNATURE_DOCUMENTS = ("record", "sheet", "summary")
SIGNATURE_ROLES = ("assessor", "representative", "reviewer")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def is_png(data: bytes) -> bool:
    """A PNG with a header chunk and a non-empty picture (what the signature pad stores)."""
    if not isinstance(data, (bytes, bytearray)) or len(data) < 33 or not data.startswith(PNG_MAGIC):
        return False
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return data[12:16] == b"IHDR" and width > 0 and height > 0


def normal_fingerprint(fingerprint: str) -> str:
    """A certificate fingerprint as stored: lowercase hex, no separators."""
    return "".join(c for c in fingerprint.lower() if c in "0123456789abcdef")


@dataclass(frozen=True)
class Signature:
    id: int
    unit_id: int | None
    document: str
    role: str
    name: str
    title: str
    signed_at: str
    png: bytes = field(repr=False)
    sha256: str = ""


@dataclass(frozen=True)
class KnownCertificate:
    fingerprint: str
    subject: str
    added_at: str


@dataclass(frozen=True)
class SheetVersion:
    unit_id: int
    version: int
    signed_at: str
    fingerprint: str
    pdf_sha256: str


@dataclass(frozen=True)
class UnitLock:
    unit_id: int
    version: int
    locked_at: str
