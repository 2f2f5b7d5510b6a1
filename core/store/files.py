"""A year file checked before it is opened, read-only: is it one of ours, whole, readable by this
program, held by another window or program; and the newest backup that passes the same checks (what
a damaged file's message offers). Below both the dataset (core/store/dataset.py) and its backups."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import urllib.parse
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path
from typing import TYPE_CHECKING

from core.common.atomic import process_alive
from core.common.messages import Msg, render
from core.scoring.rule_formats import CURRENT_FORMAT
from core.scoring.rules import NewerRuleSetFormat, RuleSetError, parse_rule_set
from core.store import backup, holder, snapshot

if TYPE_CHECKING:
    from core.store.dataset import DatasetCore

log = logging.getLogger(__name__)

PROGRAM_VERSION = "0.1.0"
DATASET_FORMAT = "leye-wujiang-dataset"
APPLICATION_ID = 0x4C59574A  # "LYWJ" in the SQLite header: marks our files
SCHEMA_VERSION = 11
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT = 0.05  # seconds: a second instance is told at once, not after a wait
LOCKED_CODES = ("dataset.locked", "dataset.locked_by", "dataset.locked_on")
# Refusals to edit after which the year can still be opened read-only.
READ_ONLY_OFFERED = LOCKED_CODES + ("dataset.file_read_only", "dataset.folder_read_only", "dataset.mount_read_only",
                                    "dataset.disk_full_open")


class DatasetError(Exception):
    """A fault with the dataset file; `msg` renders as one sentence naming the file and the problem.
    `good_backup` is the newest backup that passes the checks, when the file is corrupt."""

    def __init__(self, msg: Msg, good_backup: Path | None = None):
        self.msg = msg
        self.good_backup = good_backup
        super().__init__(render(msg))

    @property
    def code(self) -> str:
        return self.msg.code

    @property
    def read_only_possible(self) -> bool:
        """The year cannot be edited here and now, but it can be opened read-only."""
        return self.code in READ_ONLY_OFFERED


@dataclass(frozen=True)
class FileInfo:
    """What the read-only checks found out about a dataset file."""
    schema_version: int
    year: int
    rule_set_id: str
    rule_set_sha256: str


def ro_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(Path(path).absolute())) + "?mode=ro"


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _is_busy(exc: BaseException) -> bool:
    return _sqlite_code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in str(exc)


# ------------------------------------------------------------------ checks before opening

# Files this process holds open read-write, by (device, inode). POSIX drops a process's locks on a
# file when the process closes ANY descriptor of it, so a second open in the same process must be
# refused from here, and a read-only one served from the holder's connection, without touching the
# file (reading its header would release the first lock).
_HELD: dict[tuple[int, int], DatasetCore] = {}


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def open_here(path: str | Path) -> bool:
    """Is the year open for editing in this program (another of its windows)?"""
    identity = _identity(Path(path))
    return identity is not None and identity in _HELD


def locked_error(path: Path) -> DatasetError:
    """The file is held by another window or program: who, on which computer, since when, when its
    note says so."""
    note = holder.current(path)
    if note is None:
        return DatasetError(Msg.of("dataset.locked", file=path.name))
    if note.name:
        return DatasetError(Msg.of("dataset.locked_by", file=path.name, name=note.name, machine=note.machine,
                                   since=note.since_text()))
    return DatasetError(Msg.of("dataset.locked_on", file=path.name, machine=note.machine, since=note.since_text()))


UNREADABLE = "文件内容无法读取"  # what a damaged file's SQLite error means to the bureau (its own words are English)


def _corrupt(path: Path, detail: str | BaseException) -> DatasetError:
    if isinstance(detail, BaseException):  # SQLite's English kept for whoever maintains the program, not shown
        log.warning("%s is damaged: %s", path, detail)
        detail = UNREADABLE
    good = newest_good(path)
    advice = (Msg.of("dataset.advice_backup", backup=good.name) if good else Msg.of("dataset.advice_no_backup"))
    return DatasetError(Msg.of("dataset.corrupt", file=path.name, detail=detail, advice=advice),
                        good.path if good else None)


def _check_header(path: Path) -> None:
    if not path.exists():
        raise DatasetError(Msg.of("dataset.not_found", file=path.name))
    if not path.is_file():
        raise DatasetError(Msg.of("dataset.not_dataset", file=path.name))
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except PermissionError:
        raise DatasetError(Msg.of("dataset.not_readable", file=path.name)) from None
    size = path.stat().st_size
    if head.startswith(SQLITE_MAGIC):
        if len(head) < 100:
            raise _corrupt(path, "文件被截断")
        page_size = int.from_bytes(head[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(head[28:32], "big")
        header_valid = head[24:28] == head[92:96]
        if header_valid and pages and size < pages * page_size and not Path(f"{path}-wal").exists():
            raise _corrupt(path, "文件被截断")
        return
    if head and SQLITE_MAGIC.startswith(head[:16]):
        raise _corrupt(path, "文件被截断")
    raise DatasetError(Msg.of("dataset.not_dataset", file=path.name))


def _read_info(conn: sqlite3.Connection, path: Path) -> FileInfo:
    """Checks a connected file is one of our datasets and readable by this program (no writes)."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise DatasetError(Msg.of("dataset.not_dataset", file=path.name))
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        raise _corrupt(path, "完整性检查未通过")
    try:
        row = conn.execute("SELECT format, schema_version, year, rule_set_id FROM meta WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        raise DatasetError(Msg.of("dataset.not_dataset", file=path.name)) from None
    if row is None or row[0] != DATASET_FORMAT:
        raise DatasetError(Msg.of("dataset.not_dataset", file=path.name))
    _, version, year, rule_set_id = row
    if version > SCHEMA_VERSION:
        raise DatasetError(Msg.of("dataset.newer_schema", file=path.name, version=version, supported=SCHEMA_VERSION))
    stored = conn.execute("SELECT sha256, text FROM rule_sets WHERE id = ?", (rule_set_id,)).fetchone()
    if stored is None or hashlib.sha256(stored[1].encode("utf-8")).hexdigest() != stored[0]:
        raise _corrupt(path, "所存考核细则缺失或被改动")
    try:
        rules = parse_rule_set(stored[1], source=f"{path.name}:rule_sets/{rule_set_id}", stored=True)
    except NewerRuleSetFormat as exc:
        raise DatasetError(Msg.of("dataset.rule_set_newer_format", file=path.name, found=exc.found,
                                  supported=CURRENT_FORMAT)) from None
    except RuleSetError as exc:
        where, what = exc.problems[0]
        # what the parser found is for developers (the log); the user needs to know what to do
        log.warning("stored rule set %s of %s unreadable: %s: %s", rule_set_id, path.name, where, what)
        raise DatasetError(Msg.of("dataset.rule_set_unreadable", file=path.name)) from None
    if rules.year != year:  # every date and figure would be checked against another year's rules
        raise DatasetError(Msg.of("dataset.rule_set_other_year", file=path.name, year=year, title=rules.title,
                                  rules_year=rules.year))
    return FileInfo(version, year, rule_set_id, stored[0])


def inspect(path: str | Path) -> FileInfo:
    """Run every check that opening runs, read-only; raises DatasetError with the first problem."""
    path = Path(path)
    if open_here(path):
        raise locked_error(path)
    _check_header(path)
    try:
        conn = sqlite3.connect(ro_uri(path), uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error:
        raise DatasetError(Msg.of("dataset.cannot_open", file=path.name)) from None
    try:
        return _read_info(conn, path)
    except sqlite3.Error as exc:
        if _is_busy(exc):
            raise locked_error(path) from None
        if _sqlite_code(exc) == sqlite3.SQLITE_NOTADB:
            raise DatasetError(Msg.of("dataset.not_dataset", file=path.name)) from None
        raise _corrupt(path, exc) from None
    finally:
        conn.close()


@dataclass(frozen=True)
class Checked:
    """A file found a dataset by `inspect`, and the state of its bytes then (the file and its write-ahead log:
    device, inode, size, modification time), so that opening it soon after need not check it again."""
    info: FileInfo
    state: tuple


def file_state(path: Path) -> tuple:
    def of(one: Path) -> tuple | None:
        try:
            st = os.stat(one)
        except OSError:
            return None
        return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns
    wal = of(Path(f"{path}-wal"))
    return of(path), wal if wal is not None and wal[2] else None  # an empty log (reading leaves one) is none


def check_ahead(path: str | Path) -> Checked:
    """`inspect`, for a caller that opens the file next: the checks can run on another thread, where the
    integrity check of a large year (a few tenths of a second) holds no window. Raises as `inspect` does."""
    path = Path(path)
    before = file_state(path)
    info = inspect(path)
    return Checked(info, before if file_state(path) == before else ())


def is_locked(path: str | Path) -> bool:
    """Is the dataset open (locked) in another connection or process?"""
    if open_here(path):
        return True
    try:
        conn = sqlite3.connect(ro_uri(Path(path)), uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return False
    except sqlite3.Error as exc:
        return _is_busy(exc)
    finally:
        conn.close()


def newest_good(dataset: str | Path) -> backup.BackupInfo | None:
    """The newest backup that opens as a dataset and passes the integrity check."""
    for info in backup.list_backups(dataset):
        try:
            inspect(info.path)
        except DatasetError:
            continue
        return info
    return None


# ------------------------------------------------------------------ connecting, and creations left behind

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
    # The file is this process's now, and its write-ahead index lives in this process's memory: the
    # shared-memory file a read-only check (inspect) left beside it serves no one and would stay there.
    with contextlib.suppress(OSError):  # e.g. another program still has it open: it is only a leftover
        Path(f"{path}-shm").unlink(missing_ok=True)
    return conn


def _private_copy(path: Path, *, elsewhere: bool = False) -> sqlite3.Connection:
    """An in-memory copy of the file as of now, read without locking it or writing beside it; in
    this process, from the connection that holds it (reading the file would drop its lock). elsewhere:
    made on a worker's thread (a year open in this program is not: its connection is the window's)."""
    identity = _identity(path)
    owner = _HELD.get(identity) if identity is not None else None
    if owner is not None and owner._conn is not None:
        if elsewhere:
            raise RuntimeError("a year open in this program is copied on the window's thread")
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
        return snapshot.connect_image(image)  # SQLite keeps its own copy
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

def _remove_dead_creations(path: Path) -> None:
    """Half-made copies of this year file (and their SQLite side files) left by a creation that was
    killed: ours, and those of processes that are gone. Another program creating it now keeps its own."""
    for leftover in path.parent.glob(f".{glob_escape(path.name)}.*.creating*"):
        pid = leftover.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and (int(pid) == os.getpid() or not process_alive(int(pid))):
            leftover.unlink(missing_ok=True)
