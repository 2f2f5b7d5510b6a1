"""The year's dataset, one SQLite file per assessment year: opening it, backing it up and closing it, and
making a new one (Dataset, made of the parts named at the end).

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

Where things are: this module opens, backs up and closes the year file (DatasetCore) and makes a new
one; reading the year is core/store/reads.py; an edit, each write of it with its audit row and running
it as one transaction, is core/store/edit.py; the edits by subject are the other parts Dataset is made
of — the facts (fact_edits.py), attachments (attachments.py), signatures and locks (signatures.py), the
people behind the counts (people_edits.py), captures for undo (capture.py); connecting and creations
left behind are in files.py, the schema, creating and migrating in schema.py.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from core.common import os_errors
from core.common.atomic import fsync_path
from core.common.messages import Msg
from core.common.problems import Problem
from core.scoring.facts import Unit, Year
from core.scoring.rules import RuleSet, parse_rule_set
from core.store import audit, backup, holder, snapshot
from core.store.attachments import Attachments
from core.store.backup import BackupRun
from core.store.capture import Captures
from core.store.edit import Edit, Transactions, _Tx
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
from core.store.reads import Reads, program_rule_set
from core.store.schema import _create_schema, _migrate
from core.store.signatures import SignaturesAndLocks
from core.store.writable import why_not_writable

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from core.people.matching import MatchResult
    from core.people.platform import PlatformCheck
    from core.people.tables import KeptRecords

# A year file's own extension (the installers associate it with the program; .sqlite files, which
# other programs own, still open when chosen by hand).
YEAR_FILE_SUFFIX = ".wjkh"
YEAR_FILE_SUFFIXES = (YEAR_FILE_SUFFIX, ".sqlite")


def year_file_name_refusal(path: Path) -> Msg | None:
    """Why a new year file may not take this name (the desktop lists only its year files' extensions)."""
    if path.suffix.lower() in YEAR_FILE_SUFFIXES:
        return None
    return Msg.of("dataset.bad_suffix", file=path.name, suffix=YEAR_FILE_SUFFIX)


# ------------------------------------------------------------------ the dataset


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
    """An open dataset's core: opening and closing, and backups. Dataset (below) adds reading the year
    (core/store/reads.py), running each edit as one transaction (core/store/edit.py) and the edits by subject."""

    if TYPE_CHECKING:  # what the core asks of its parts (core/store/people_edits.py)
        _matched: MatchResult | None
        _kept: KeptRecords | None
        _platform: PlatformCheck | None

        def counted(self, units: Sequence[Unit]) -> tuple[Unit, ...]: ...

        def with_platform(self, units: Sequence[Unit]) -> tuple[Unit, ...]: ...

        def _refuse_if_locked(self, tx: _Tx, unit_id: int) -> None: ...  # core/store/signatures.py

        def _record_clause(self, records: str) -> str: ...  # core/store/fact_edits.py

        # reading (core/store/reads.py)
        def rule_set(self) -> RuleSet: ...

        def base_ids(self, unit_id: int) -> list[int]: ...

        def trip_ids(self, unit_id: int) -> list[int]: ...

        def assessor_id(self, name: str) -> int | None: ...

        def quick_audit_check(self) -> list[Problem]: ...

        def _read_units(self, unit_ids: Sequence[int] | None) -> list[tuple[int, Unit]]: ...

        # the edit as one transaction (core/store/edit.py)
        def _require_writable(self) -> None: ...

        def _fault(self, exc: sqlite3.Error) -> DatasetError: ...

        def _edit(self, assessor_id: int | None, reason: str | None, change: Callable[[_Tx], int | None]) -> Edit: ...

        def final_among(self, unit_ids: Iterable[int]) -> list[int]: ...

        def _problem(self, code: str, location: str = "$", field: str = "", **params: Any) -> Problem: ...

        def _require_unit(self, unit_id: int) -> str: ...

        def _unit_of(self, table: str, record_id: int) -> int: ...

        def _unit_index(self, unit_id: int) -> int: ...

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

    def _stat_identity(self) -> tuple[int, int] | None:
        return _identity(self.path)


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


class Dataset(FactEdits, Attachments, SignaturesAndLocks, PeopleEdits, Captures, Transactions, Reads,
              DatasetCore):
    """An open dataset. Not thread-safe: one Dataset per process, used from one thread at a time (a long
    edit may run on another thread while the first waits: core/editing/writes.py). The core
    (DatasetCore) opens, backs up and closes the file; Reads (core/store/reads.py) reads the year,
    Transactions (core/store/edit.py) runs each edit as one transaction; the edits by subject live in
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


