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

Where things are: this module opens, reads and runs each edit as one transaction (DatasetCore);
each write of an edit and its audit row is core/store/edit.py; the edits by subject are the parts
Dataset is made of — the facts (fact_edits.py), attachments (attachments.py), signatures and locks
(signatures.py), the people behind the counts (people_edits.py), captures for undo (capture.py);
connecting and creations left behind are in files.py, the schema, creating and migrating in schema.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Self

from core.common import os_errors
from core.common.atomic import fsync_path
from core.common.messages import Msg
from core.common.problems import Problem
from core.common.progress import Progress
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
from core.store.attachments import Attachments
from core.store.backup import BackupRun
from core.store.capture import Captures
from core.store.edit import Edit, _Rejected, _Tx
from core.store.fact_edits import FactEdits
from core.store.files import (
    _HELD,
    SCHEMA_VERSION,
    Checked,
    DatasetError,
    FileInfo,
    _check_header,
    _connect_rw,
    _corrupt,
    _identity,
    _is_busy,
    _open_fault,
    _private_copy,
    _read_info,
    _remove_dead_creations,
    _sqlite_code,
    file_state,
    inspect,
    locked_error,
    open_here,
)
from core.store.people_edits import PeopleEdits
from core.store.schema import _create_schema, _migrate, reference_schema
from core.store.signatures import SignaturesAndLocks
from core.store.writable import why_not_writable

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from core.people.matching import MatchResult
    from core.people.platform import PlatformCheck
    from core.people.tables import KeptRecords
    from core.store.audit_check import Anchor
    from core.store.audit_check import Report as AuditReport

# A year file's own extension (the installers associate it with the program; .sqlite files, which
# other programs own, still open when chosen by hand).
YEAR_FILE_SUFFIX = ".wjkh"
YEAR_FILE_SUFFIXES = (YEAR_FILE_SUFFIX, ".sqlite")


def year_file_name_refusal(path: Path) -> Msg | None:
    """Why a new year file may not take this name (the desktop lists only its year files' extensions)."""
    if path.suffix.lower() in YEAR_FILE_SUFFIXES:
        return None
    return Msg.of("dataset.bad_suffix", file=path.name, suffix=YEAR_FILE_SUFFIX)
CANCEL_CHECK_STEPS = 10_000  # SQLite virtual-machine steps between two looks at a cancel (well under 1 ms)


@dataclass(frozen=True)
class Assessor:
    """An assessor recorded in the year file."""
    id: int
    name: str
    role: str




def program_rule_set(rule_set_id: str) -> RuleSet | None:
    """The program's own (bundled) rule set with this id, if any."""
    return rule_library.find(rule_set_id, bundled_only=True)


# ------------------------------------------------------------------ the dataset

# What went wrong in SQLite's words turned into the bureau's (its own text is English): by primary result code.
SQLITE_FAULTS = {sqlite3.SQLITE_IOERR: "dataset.fault.io", sqlite3.SQLITE_CORRUPT: "dataset.fault.corrupt",
                 sqlite3.SQLITE_NOTADB: "dataset.fault.corrupt", sqlite3.SQLITE_CANTOPEN: "dataset.fault.cant_open",
                 sqlite3.SQLITE_PERM: "dataset.fault.permission", sqlite3.SQLITE_AUTH: "dataset.fault.permission",
                 sqlite3.SQLITE_PROTOCOL: "dataset.fault.io", sqlite3.SQLITE_NOLFS: "dataset.fault.too_large",
                 sqlite3.SQLITE_TOOBIG: "dataset.fault.too_large"}


_TICK_COLUMNS = "unit_id, clause_id, base_id, trip_id, item, seen, id"
_FEW_UNITS = 200  # read through the indexes up to so many units (5 parameters each, well under SQLite's limit)


def _ticks_of(units: int) -> str:
    """The evidence ticks of `units` units, in the order they were made, through the three partial indexes
    (a unit's, its bases', its trips'): no index has unit_id alone, and a plain `WHERE unit_id IN` reads
    the whole table (1.7 ms a unit in a 1,000-unit year, on every edit). Its parameters: the unit ids 5 times."""
    units_in = f"unit_id IN ({','.join('?' * units)})"
    return (f"SELECT {_TICK_COLUMNS} FROM evidence_ticks WHERE {units_in} AND base_id IS NULL AND trip_id IS NULL "
            f"UNION ALL SELECT {_TICK_COLUMNS} FROM evidence_ticks "
            f"WHERE base_id IN (SELECT id FROM bases WHERE {units_in}) AND {units_in} "
            f"UNION ALL SELECT {_TICK_COLUMNS} FROM evidence_ticks "
            f"WHERE trip_id IN (SELECT id FROM trips WHERE {units_in}) AND {units_in} ORDER BY id")


@dataclass(frozen=True)
class ReadOnlyCopy:
    """A read-only opening's private copy in memory (read_only_copy) and what its checks found: its
    connection, or for a copy made on another thread, its image, connected to by the thread opening it."""
    conn: sqlite3.Connection | None
    info: FileInfo
    image: bytes | None = None

    def connect(self) -> sqlite3.Connection:
        """The copy's connection, on this thread."""
        if self.conn is not None:
            return self.conn
        assert self.image is not None
        return snapshot.connect_image(self.image)

    def close(self) -> None:  # not opened after all
        if self.conn is not None:
            self.conn.close()


def read_only_copy(path: Path, *, elsewhere: bool = False) -> ReadOnlyCopy:
    """A read-only opening's private copy of the file in memory, checked (the integrity check included)
    and, from an older schema, migrated in the copy. Raises DatasetError. elsewhere: made on a worker's
    thread for Dataset.open on the window's (a large year's checks then hold no window), handed over as
    the copy's image, since a connection serves the thread that made it alone; not for a year open in
    this program (core.store.files.open_here), which is copied from the connection holding it."""
    conn = _private_copy(path, elsewhere=elsewhere)
    try:
        info = _read_info(conn, path)
        if info.schema_version < SCHEMA_VERSION:
            _migrate(conn, path, info.schema_version, make_backup=None)
        # handed over as bytes made here: serializing takes longer than connecting to them (30 ms / 11 MB)
        image = conn.serialize() if elsewhere else None
    except sqlite3.Error as exc:
        conn.close()
        if _sqlite_code(exc) == sqlite3.SQLITE_NOTADB:
            raise DatasetError(Msg.of("dataset.not_dataset", file=path.name)) from None
        raise _corrupt(path, exc) from None
    except BaseException:
        conn.close()
        raise
    if image is not None:
        conn.close()
        return ReadOnlyCopy(None, info, image)
    return ReadOnlyCopy(conn, info)


class DatasetCore:
    """An open dataset's core: opening and closing, reading the facts, backups and the edit
    transaction. Dataset (below) adds the edits by subject."""

    if TYPE_CHECKING:  # what the core asks of its parts (core/store/people_edits.py)
        _matched: MatchResult | None
        _kept: KeptRecords | None
        _platform: PlatformCheck | None

        def counted(self, units: Sequence[Unit]) -> tuple[Unit, ...]: ...

        def with_platform(self, units: Sequence[Unit]) -> tuple[Unit, ...]: ...

        def _refuse_if_locked(self, tx: _Tx, unit_id: int) -> None: ...  # core/store/signatures.py

        def _record_clause(self, records: str) -> str: ...  # core/store/fact_edits.py

    _backup_pending = False  # defer_backup: the backup of opening is still to be taken
    as_newest_backup = False  # opening found the year exactly as its newest backup holds it
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
        self._backup_run: BackupRun | None = None  # start_backup's, while another thread copies it
        self.backups_by_owner = False  # defer_backup: edits leave the due backup to the owner's start_backup
        self._final_back: frozenset[int] = frozenset()  # final_restored: units an undo marks 定稿 again
        # the units the last edit touched, as it left them, while no write has followed (total_changes)
        self._entered_after_edit: tuple[int, dict[int, Unit]] = (-1, {})
        self._identity = self._stat_identity() if not read_only else None
        if self._identity is not None:
            _HELD[self._identity] = self
        row = conn.execute("SELECT year, rule_set_id, schema_version FROM meta WHERE id = 1").fetchone()
        self.year_number, self.rule_set_id, self.schema_version = row
        text = conn.execute("SELECT text FROM rule_sets WHERE id = ?", (self.rule_set_id,)).fetchone()[0]
        self._rules = parse_rule_set(text, source=f"{path.name}:rule_sets/{self.rule_set_id}", stored=True)
        self._audit = audit.Writer(conn)
        # the write-ahead log this connection writes (SQLite made it on the reads above): which file it is,
        # so that closing a year moved meanwhile removes that log and no other file come to bear its name
        self._wal_identity = _identity(Path(f"{path}-wal")) if self._identity is not None else None

    # ---------------------------------------------------------------- opening and closing

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, backups: bool = True,
             keep_backups: int = backup.DEFAULT_KEEP,
             backup_interval: float | None = backup.DEFAULT_INTERVAL_SECONDS,
             defer_backup: bool = False, holder_name: str = "", checked: Checked | None = None,
             copy: ReadOnlyCopy | None = None) -> Self:
        """Open a dataset after checking it. Read-write (the default) takes the file for this
        process (holder_name: who is working, for the note others are shown), migrates an older
        schema (after a backup) and backs up. read_only reads a private copy in memory as of
        opening and never writes, locks or creates anything beside the file; an older schema is
        migrated in that copy. defer_backup (the desktop): the backup waits for finish_opening(),
        or at the latest the first write. checked (core.store.files.check_ahead, just before; read-write
        opening only): the checks it ran are not run again while the file is as it was then. copy
        (read_only_copy, just before; read-only opening only): the private copy the dataset takes over."""
        path = Path(path)
        if read_only:
            if checked is not None:
                raise TypeError("a read-only opening makes its own checks: pass its copy")
            made = copy if copy is not None else read_only_copy(path)
            try:
                conn = made.connect()
            except sqlite3.Error as exc:
                raise _corrupt(path, exc) from None
            info = made.info
            try:
                ds = cls(path, conn, read_only=True, keep_backups=keep_backups, backup_interval=None)
            except sqlite3.Error as exc:
                conn.close()
                raise _corrupt(path, exc) from None
            except BaseException:
                conn.close()
                raise
        else:
            if open_here(path):
                raise locked_error(path)
            _check_header(path)
            refusal = why_not_writable(path)
            if refusal is not None:
                raise DatasetError(refusal)
            if copy is not None:
                raise TypeError("a read-write opening reads the file itself, not a copy")
            fresh = checked is not None and checked.state != () and checked.state == file_state(path)
            info = checked.info if checked is not None and fresh else inspect(path)
            conn = _connect_rw(path)
            try:
                version = conn.execute("SELECT schema_version FROM meta WHERE id = 1").fetchone()[0]
                if version > SCHEMA_VERSION:  # replaced between the check and the lock
                    raise DatasetError(Msg.of("dataset.newer_schema", file=path.name, version=version,
                                              supported=SCHEMA_VERSION))
                holder.write(path, holder_name)
                if version < SCHEMA_VERSION:
                    _migrate(conn, path, version,
                             make_backup=lambda: backup.make_backup(conn, path, keep_backups, label="")
                             if backups else None)
                ds = cls(path, conn, read_only=False, keep_backups=keep_backups,
                         backup_interval=backup_interval if backups else None)
                ds.audit_problems = ds.quick_audit_check()
                if ds.audit_problems:  # told to the user; no backup of opening would push the good ones out
                    ds.notices.append(Msg.of("audit.open_changed", file=path.name))
                elif backups and ds.as_newest_backup:  # no copy to take: what killed ones left goes
                    backup.clear_leftovers(path)
                    ds.backups_by_owner = defer_backup
                elif backups and defer_backup:
                    ds._backup_pending = True
                    ds.backups_by_owner = True
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
               **open_kwargs: Any) -> Self:
        """A new, empty dataset for the rule set's year (refuses to replace an existing file)."""
        problems = create_file(path, rules, assessor, role)
        assert not problems, problems
        return cls.open(path, **open_kwargs)

    def close(self, back_up: bool = True) -> None:
        """Close the year, its edits since the last backup backed up first (so the next opening finds it
        exactly as the newest backup notes it, and tells a change made outside the program meanwhile)
        unless `back_up` is False (a restore is about to keep the whole file instead)."""
        self._wait_for_backup()
        if self._conn is not None:
            try:
                if back_up:
                    self.backup_if_edited()
            except DatasetError:
                pass  # the edits are saved in the year file; only the extra copy is missing
            moved = self._moved()
            folded = moved and self._fold_in_log()
            self._conn.close()
            self._conn = None  # type: ignore[assignment]
            if folded:
                self._remove_log_left_behind()
            if self._identity is not None and _HELD.get(self._identity) is self:
                del _HELD[self._identity]
                holder.remove(self.path)
        # what it kept of the people (their match, each import's records, the platform's records) goes now,
        # not when whatever still holds the closed dataset in a reference cycle is collected: a pass over
        # every object (ui.main_window)
        self._matched = self._kept = self._platform = None

    def _moved(self) -> bool:
        """The year file this connection holds is no longer at its name (moved, renamed or deleted meanwhile)."""
        return (not self.read_only and not self.scratch and self._identity is not None
                and self._stat_identity() != self._identity)

    def _fold_in_log(self) -> bool:
        """The write-ahead log's committed edits written into the year file wherever it is now, and the log
        emptied: SQLite skips this on closing a file no longer at its name (its log is found by the name), so
        the edits would stay in a -wal beside the old name, missing from the user's file. Whether done."""
        try:
            busy, _pages, _done = self._conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as exc:
            log.warning("the log of %s, moved while open, could not be written into it: %s", self.path.name, exc)
            return False
        return not busy

    def _remove_log_left_behind(self) -> None:
        """The log the connection wrote, emptied into the moved year file, removed from beside the old name
        (only that file, and only empty: a log of another file now bearing the name is not ours)."""
        wal = Path(f"{self.path}-wal")
        try:
            if self._wal_identity is not None and _identity(wal) == self._wal_identity and wal.stat().st_size == 0:
                wal.unlink()
        except OSError as exc:
            log.warning("the emptied log beside %s could not be removed: %s", self.path.name, exc)

    def set_holder_name(self, name: str) -> None:
        """Who is working, as others are told when they try to open the file (the desktop asks
        after opening)."""
        if not self.read_only and not self.scratch and self._conn is not None:
            holder.rename(self.path, name)

    def scratch_copy(self) -> Dataset:
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---------------------------------------------------------------- reading

    def rule_set(self) -> RuleSet:
        """The rule set stored in the dataset: the one its year is assessed under."""
        return self._rules

    def rule_set_ids(self) -> list[str]:
        """The ids of the rule sets the year was scored by: its own now, and any it replaced."""
        return [row[0] for row in self._conn.execute("SELECT id FROM rule_sets ORDER BY rowid")]

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
        quotas = dict(conn.execute("SELECT grade, count FROM grade_quotas ORDER BY rowid"))
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
        changes, units = self._entered_after_edit
        entered = units.get(unit_id) if changes == self._conn.total_changes else None
        if entered is None:  # read it: the desktop reads a unit just edited (to score it) without the queries
            found = self._read_units([unit_id])
            if not found:
                return None
            entered = found[0][1]
        return entered if as_entered else self.with_platform(self.counted((entered,)))[0]

    def base_ids(self, unit_id: int) -> list[int]:
        return self._child_ids("bases", unit_id)

    def trip_ids(self, unit_id: int) -> list[int]:
        return self._child_ids("trips", unit_id)

    def delivery_ids(self, unit_id: int) -> list[int]:
        return self._child_ids("deliveries", unit_id)

    def _child_ids(self, table: str, unit_id: int) -> list[int]:
        return [r[0] for r in self._conn.execute(f"SELECT id FROM {table} WHERE unit_id = ? ORDER BY position, id",
                                                 (unit_id,))]

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

    def check_audit(self, progress: Progress | None = None,
                    anchors: Sequence[Anchor] | None = None) -> AuditReport:
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
        last audit row's link and the row count, the newest backup's anchor and every table no edit
        since that backup touched against the digest it noted."""
        from core.store.audit_check import quick_check
        anchors = self.newest_anchors()
        problems = quick_check(self._conn, self.path.name, anchors[0] if anchors else None)
        # the newest backup is still there and holds the year exactly (its trail head and every table's
        # digest): opening needs no copy of its own, which would only push older backups out
        self.as_newest_backup = (not problems and bool(anchors) and anchors[0].trail is not None
                                 and bool(anchors[0].facts) and (anchors[0].seq, anchors[0].hash) == self.audit_head())
        return problems

    def newest_anchors(self) -> list[Anchor]:
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

    def restore_notice(self, chosen: Path, kept: Path) -> list[Msg]:
        """What restoring the backup `chosen` over this year would undo, and that the current file is kept
        as `kept` (core/store/backup_story.py)."""
        from core.store.backup_story import restore_notice
        return restore_notice(self._conn, chosen, self.rule_set(), kept, year=self.path)

    def audit_head(self) -> tuple[int, str]:
        seq, _, digest = audit.head(self._conn)
        return seq, digest

    def _read_units(self, unit_ids: Sequence[int] | None) -> list[tuple[int, Unit]]:
        """(id, Unit) in the year's order; all units, or those given. One query per table."""
        conn = self._conn
        params: tuple[int, ...] = ()
        if unit_ids is None:
            where = ""
        else:
            where, params = f" WHERE unit_id IN ({','.join('?' * len(unit_ids))})", tuple(unit_ids)
        unit_where = where.replace("unit_id", "id")

        def grouped(sql: str, args: tuple = params) -> dict[Any, list[tuple]]:
            groups: dict[Any, list[tuple]] = {}
            for row in conn.execute(sql, args):
                groups.setdefault(row[0], []).append(row)
            return groups

        kinds = grouped(f"SELECT unit_id, kind FROM unit_kinds{where} ORDER BY unit_id, position")
        licences = grouped(f"SELECT unit_id, kind, number FROM licences{where} ORDER BY rowid")
        # count_source came with schema 4; create_file writes older test files through this object too
        source = "count_source" if self.schema_version >= 4 else "'hand'"
        split = "trainees, trainees_retained" if self.schema_version >= 9 else "NULL, NULL"  # schema 9: the split
        base_rows = grouped(f"SELECT unit_id, id, name, type, agreement_date, people, retained, region, {source}, "
                            f"{split} FROM bases{where} ORDER BY unit_id, position, id")
        trip_rows = grouped(f"SELECT unit_id, id, date, place, mode, enterprises FROM trips{where} "
                            "ORDER BY unit_id, position, id")
        delivery_rows = grouped(f"SELECT unit_id, date, enterprise, stars FROM deliveries{where} "
                                "ORDER BY unit_id, position, id")
        if unit_ids is None or len(unit_ids) > _FEW_UNITS:  # a scan of the table: cheaper than many lookups
            ticks = grouped(f"SELECT {_TICK_COLUMNS} FROM evidence_ticks{where} ORDER BY id")
        else:
            ticks = grouped(_ticks_of(len(unit_ids)), params * 5)
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
            for _, clause_id, base_id, trip_id, item, seen, _ in rows:
                if base_id is not None:
                    base_ticks.setdefault(base_id, {})[item] = bool(seen)
                elif trip_id is not None:
                    trip_ticks.setdefault(trip_id, {})[item] = bool(seen)
                else:
                    unit_ticks.setdefault(unit_id, {}).setdefault(clause_id, {})[item] = bool(seen)
        verdicts = {trip_id: tuple(r[1] for r in rows) for trip_id, rows in evaluations.items()}
        def date(text: str | None) -> dt.date | None:  # NULL: not typed yet
            return None if text is None else dt.date.fromisoformat(text)

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
                                 b[8], b[9], b[10]) for b in base_rows.get(uid, ())),
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
        self._wait_for_backup()
        self._require_writable()
        try:
            target = backup.make_backup(self._conn, self.path, self.keep_backups, label=label,
                                        note=not self.audit_problems)
        except (OSError, sqlite3.Error) as exc:
            raise DatasetError(self._backup_failure(exc)) from None
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
        """Back up now when something was edited since the last backup (closing a year: the next opening
        then finds the year exactly as the newest backup notes it)."""
        if self.backup_interval is None or self.read_only or self.scratch or not self._edited_since_backup:
            return None
        return self.backup()

    def start_backup(self, *, opening: bool = False) -> BackupRun | None:
        """The due backup (with opening: the backup of opening, put off by defer_backup), claimed here
        for its `run` to copy on another thread while this one goes on (always run it: close() waits
        for it); None when none is due or one is being copied. Hand it back to backup_finished on this
        thread. Meanwhile close() and backup() wait for it, and so does a write while it copies the
        year as opened."""
        if self._backup_run is not None and not self._backup_run.done:
            return None
        if opening:
            if not self._backup_pending or self._conn is None or self.read_only:
                return None
            self._backup_pending = False
        elif not self._backup_due():
            return None
        else:
            self._require_writable()
        self._backup_run = backup.BackupRun(self._conn, self.path, self.keep_backups, opening,
                                            note=not self.audit_problems)
        self._last_backup = time.monotonic()
        self._edited_since_backup = False  # edits from now on are for the next backup
        return self._backup_run

    def backup_finished(self, run: BackupRun) -> Msg | None:
        """What a backup copied on another thread means for the user: None when it is whole, else why not
        (the edits it should have copied are then copied by the next one)."""
        if self._backup_run is run and run.done:
            self._backup_run = None
        if run.error is None:
            return None
        self._edited_since_backup = True
        return self._backup_failure(run.error)

    def _backup_failure(self, exc: BaseException) -> Msg:
        """Why a backup failed, in the system's reasons as the bureau says them (磁盘已满 …)."""
        return Msg.of("dataset.backup_failed", file=self.path.name, detail=os_errors.reason(exc))

    def _wait_for_backup(self, opening_only: bool = False) -> None:
        run = self._backup_run
        if run is not None and (run.opening or not opening_only):
            run.wait()

    def _backup_due(self) -> bool:
        return (self.backup_interval is not None and not self.read_only and self._edited_since_backup
                and time.monotonic() - self._last_backup >= self.backup_interval)

    def backup_if_due(self) -> Path | None:
        """Back up when the interval has passed since the last backup and something was edited since
        (called after every edit, and by the desktop's timer so the last edits of a quiet spell are
        copied too; an unchanged file is never copied again, which would rotate older backups out)."""
        return self.backup() if self._backup_due() else None

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
        self._wait_for_backup(opening_only=True)  # the same, copied on another thread

    def _fault(self, exc: sqlite3.Error) -> DatasetError:
        code = _sqlite_code(exc)
        name = self.path.name
        if code == sqlite3.SQLITE_FULL:
            return DatasetError(Msg.of("dataset.disk_full", file=name))
        if code == sqlite3.SQLITE_READONLY:
            return DatasetError(Msg.of("dataset.read_only", file=name))
        if _is_busy(exc):
            return DatasetError(Msg.of("dataset.locked", file=name))
        return DatasetError(Msg.of("dataset.write_failed", file=name,
                                   detail=Msg.of(SQLITE_FAULTS.get(code or 0, "dataset.fault.other"))))

    def _edit(self, assessor_id: int | None, reason: str | None, change: Callable[[_Tx], int | None]) -> Edit:
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
            if not tx.final_settled and tx.rows_logged:  # an edit that changed nothing leaves 定稿 as it is
                self._settle_final(tx, tx.data_units - tx.final_written)
            problems = self._validate(tx)
            if problems:
                raise _Rejected(*problems)
            conn.set_progress_handler(None, 0)  # a cancel (cancel_when) from here on comes too late: the edit stands
            conn.execute("COMMIT")
            self._entered_after_edit = (conn.total_changes, tx.validated_units)
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
        if not self.backups_by_owner:
            self.backup_if_due()
        return Edit(id=new_id, unfinalized=tuple(tx.unfinalized), rows=tx.rows_logged, same_people=tx.same_people)

    def _settle_final(self, tx: _Tx, unit_ids: Iterable[int]) -> None:
        """A unit marked 定稿 whose data an edit changes is 定稿 no more, in the same edit (audited with it):
        its ranked figures and its grade may have moved. The edit that sets facts_final itself keeps what it
        sets; an undo puts back the 定稿 its edit withdrew (final_restored)."""
        back = self._final_back
        final = self._units_column("facts_final", unit_ids)
        for uid in sorted(final):  # a unit the edit removed is not there
            if uid in back:
                if not final[uid]:
                    tx.update("units", {"id": uid}, {"facts_final": 1})
            elif final[uid]:
                tx.update("units", {"id": uid}, {"facts_final": 0})
                tx.unfinalized.append(uid)

    def _units_column(self, column: str, unit_ids: Iterable[int]) -> dict[int, Any]:
        """{unit id: its `column`} of those of the units still there, in one query."""
        return dict(self._conn.execute(f"SELECT id, {column} FROM units WHERE id IN "
                                       "(SELECT value FROM json_each(?))", (json.dumps(list(unit_ids)),)))

    def final_among(self, unit_ids: Iterable[int]) -> list[int]:
        """Those of the units marked 定稿."""
        return sorted(uid for uid, final in self._units_column("facts_final", unit_ids).items() if final)

    def final_withdrawn(self, edit: Edit) -> Msg | None:
        """What to tell of the units whose 定稿 an edit withdrew (None: it withdrew none); of an import of the
        same people as those it replaced, that 定稿 stays."""
        if edit.same_people:
            return Msg.of("dataset.final_kept_same_people")
        names = self._units_column("name", edit.unfinalized)
        told = [names[uid] for uid in edit.unfinalized if uid in names]
        return Msg.of("dataset.final_withdrawn", units="、".join(f"“{n}”" for n in told)) if told else None

    @contextlib.contextmanager
    def final_restored(self, unit_ids: Iterable[int]) -> Iterator[None]:
        """Within: an edit touching these units marks them 定稿 again (the undo of an edit that withdrew it)."""
        self._final_back = frozenset(unit_ids)
        try:
            yield
        finally:
            self._final_back = frozenset()

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

    def _require_unit(self, unit_id: int) -> str:
        row = self._conn.execute("SELECT name FROM units WHERE id = ?", (unit_id,)).fetchone()
        if row is None:
            raise _Rejected(self._problem("dataset.no_record", table="units", id=unit_id))
        return row[0]

    def _unit_of(self, table: str, record_id: int) -> int:
        row = self._conn.execute(f"SELECT unit_id FROM {table} WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise _Rejected(self._problem("dataset.no_record", table=table, id=record_id))
        return row[0]

    def _unit_index(self, unit_id: int) -> int:
        return self._conn.execute("SELECT count(*) FROM units WHERE position < (SELECT position FROM units "
                                  "WHERE id = ?) OR (position = (SELECT position FROM units WHERE id = ?) AND id < ?)",
                                  (unit_id, unit_id, unit_id)).fetchone()[0]

    def _validate(self, tx: _Tx) -> list[Problem]:
        """The changed units (and the year level) checked exactly as the exchange format is read."""
        problems: list[Problem] = []
        head = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "year": self.year_number,
                "rule_set": self.rule_set_id}
        touched = list(tx.touched_units)
        for uid, unit in self._read_units(touched) if touched else []:
            tx.validated_units[uid] = unit
            _, found = parse_year({**head, "units": [unit_to_json(unit)]}, self._rules, source=self.path.name)
            if found:  # named by the unit's place in the year, as the exchange format's reading names it
                index = self._unit_index(uid)
                problems += [replace(p, location=p.location.replace("$.units[0]", f"$.units[{index}]", 1))
                             for p in found]
        if tx.year_level:
            stubs = [{"name": name, "credit_code": code,
                      "kinds": [k for k in (kinds or "").split("\x1f") if k] or ["?"], "new_member": False}
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

    def replace_rule_set(self, by: int | None, rules: RuleSet, reason: str) -> Edit:
        """Make `rules` (a rule set of the year) the year's rule set, in one audited edit: the old and the
        new text and SHA-256 are kept in the audit trail (a rule set of another id is stored beside the
        one it replaces, and the year names it), so each result stays provable under the law it was scored
        with. Only core.store.rule_updates calls it, after its checks (reason given, no signed sheet, facts valid)."""
        def change(tx: _Tx) -> None:
            if rules.year != self.year_number:
                raise _Rejected(self._problem("rules.adopt_other_year", title=rules.title,
                                              year=rules.year, year_of_file=self.year_number))
            row = {"sha256": rules.sha256, "text": rules.source_text, "stored_at": tx.at}
            if tx.conn.execute("SELECT 1 FROM rule_sets WHERE id = ?", (rules.id,)).fetchone():
                tx.update("rule_sets", {"id": rules.id}, row, quiet=("stored_at",))
            else:
                tx.insert("rule_sets", {"id": rules.id, **row})
            tx.update("meta", {"id": 1}, {"rule_set_id": rules.id})
            tx.match_inputs_changed = True  # the matching reads the rule set's readings
        edit = self._edit(by, reason, change)
        if edit.ok:
            self._rules = rules
            self.rule_set_id = rules.id
        return edit


class Dataset(FactEdits, Attachments, SignaturesAndLocks, PeopleEdits, Captures, DatasetCore):
    """An open dataset. Not thread-safe: one Dataset per process, used from one thread at a time (a long
    edit may run on another thread while the first waits: core/editing/writes.py). The core
    (DatasetCore) opens, reads and runs each edit as one transaction; the edits by subject live in
    core/store/fact_edits.py, attachments.py, signatures.py, people_edits.py and capture.py."""


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
        fsync_path(part)
        try:
            os.link(part, path)  # no-clobber, atomic
        except FileExistsError:
            raise DatasetError(Msg.of("dataset.exists", file=path.name)) from None
        except OSError:
            if path.exists():
                raise DatasetError(Msg.of("dataset.exists", file=path.name)) from None
            os.replace(part, path)  # a file system without hard links
        fsync_path(path.parent)
        return []
    except sqlite3.Error as exc:
        raise _open_fault(path, exc) from None
    finally:
        for leftover in (part, Path(f"{part}-wal"), Path(f"{part}-shm"), Path(f"{part}-journal")):
            leftover.unlink(missing_ok=True)


def newest_proved_backup(path: str | Path, cancelled: Callable[[], bool] = lambda: False) -> backup.BackupInfo | None:
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
        except (DatasetError, OSError):  # unreadable, or rotated out by a backup taken meanwhile: not one to offer
            continue
    return None


