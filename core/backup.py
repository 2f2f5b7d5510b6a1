"""Backups of a dataset: consistent copies through SQLite's backup API, rotated, listed, restored.

Backups live beside the dataset in `<stem>.backups/`, one file per copy named
`<stem>-YYYYmmdd-HHMMSS.sqlite` (a `-2`, `-3` … suffix when two are taken in the same second).
A copy is written to a `.part` file, made self-contained (rollback journal, no WAL), synced and
only then renamed, so a crash never leaves a half backup that looks whole. Rotation keeps the
newest N plain backups. Restoring first keeps a copy of the file it replaces
(`…-before-restore.sqlite`, or `…-damaged.sqlite` when it cannot be read), which rotation never
removes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

DEFAULT_KEEP = 10
DEFAULT_INTERVAL_SECONDS = 10 * 60
SUFFIX = ".backups"
LABEL_BEFORE_RESTORE = "before-restore"
LABEL_DAMAGED = "damaged"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime  # local time, from the name
    label: str  # "" for a regular backup, else before-restore / damaged
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def backup_dir(dataset: str | Path) -> Path:
    dataset = Path(dataset)
    return dataset.with_name(dataset.stem + SUFFIX)


def _pattern(stem: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?(?:-({LABEL_BEFORE_RESTORE}|{LABEL_DAMAGED}))?\.sqlite$")


def _stamp_time(stamp: str) -> dt.datetime:
    """YYYYmmdd-HHMMSS (digits, as the name pattern ensures). Not strptime: its first call costs
    more than opening a year (it loads the locale machinery)."""
    return dt.datetime(int(stamp[0:4]), int(stamp[4:6]), int(stamp[6:8]), int(stamp[9:11]), int(stamp[11:13]),
                       int(stamp[13:15]))


def fsync_path(path: Path) -> None:
    """Flush a file (or a directory entry list) to disk; directories cannot be opened on Windows."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _free_name(folder: Path, stem: str, when: dt.datetime, label: str = "") -> Path:
    """A new name that sorts after every backup of the same second (so rotation keeps it)."""
    stamp = when.strftime("%Y%m%d-%H%M%S")
    tail = f"-{label}" if label else ""
    pattern = _pattern(stem)
    taken = [int(m.group(2) or 1) for p in folder.iterdir() if (m := pattern.match(p.name)) and m.group(1) == stamp]
    n = max(taken, default=0) + 1
    return folder / (f"{stem}-{stamp}{tail}.sqlite" if n == 1 else f"{stem}-{stamp}-{n}{tail}.sqlite")


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """A consistent, self-contained copy of an open database, written whole or not at all."""
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        dest = sqlite3.connect(part, isolation_level=None)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        fsync_path(part)
        os.replace(part, target)
        fsync_path(target.parent)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def make_backup(source: sqlite3.Connection, dataset: str | Path, keep: int = DEFAULT_KEEP,
                label: str = "", now: dt.datetime | None = None) -> Path:
    """Copy the open dataset into its backup folder and rotate; returns the new backup's path."""
    dataset = Path(dataset)
    folder = backup_dir(dataset)
    folder.mkdir(exist_ok=True)
    target = _free_name(folder, dataset.stem, now or dt.datetime.now(), label)
    copy_database(source, target)
    if not label:
        rotate(dataset, keep)
    return target


def list_backups(dataset: str | Path) -> list[BackupInfo]:
    """Every backup of this dataset, newest first."""
    dataset = Path(dataset)
    folder = backup_dir(dataset)
    if not folder.is_dir():
        return []
    pattern = _pattern(dataset.stem)
    found = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            taken = _stamp_time(match.group(1))
            found.append((taken, int(match.group(2) or 1), BackupInfo(path, taken, match.group(3) or "",
                                                                   path.stat().st_size)))
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [info for _, _, info in found]


def rotate(dataset: str | Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` regular backups; returns what was removed."""
    folder = backup_dir(dataset)
    for stale in folder.glob(f"{Path(dataset).stem}-*.sqlite.part*"):  # left by a killed process (with SQLite's log)
        stale.unlink(missing_ok=True)
    restoring_name(Path(dataset)).unlink(missing_ok=True)  # a killed restore's copy (the dataset is open: none runs)
    regular = [b for b in list_backups(dataset) if not b.label]
    removed = []
    for info in regular[max(keep, 1):]:
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def newest_good(dataset: str | Path) -> BackupInfo | None:
    """The newest backup that opens as a dataset and passes the integrity check."""
    from core.dataset import DatasetError, inspect
    for info in list_backups(dataset):
        try:
            inspect(info.path)
        except DatasetError:
            continue
        return info
    return None


def restore(dataset: str | Path, backup: str | Path, now: dt.datetime | None = None) -> Path | None:
    """Replace the dataset by a backup. The backup is checked first; the dataset must not be open
    anywhere. The replaced file is kept in the backup folder; returns where (None if there was none).
    Raises DatasetError (nothing changed) when the backup is not good or the dataset is in use."""
    from core.dataset import DatasetError, inspect, is_locked, locked_error
    dataset, backup = Path(dataset), Path(backup)
    inspect(backup)  # raises with the backup's own problem
    now = now or dt.datetime.now()
    kept = None
    wal = Path(f"{dataset}-wal")
    shm = Path(f"{dataset}-shm")
    if dataset.exists():
        if is_locked(dataset):
            raise locked_error(dataset)
        folder = backup_dir(dataset)
        folder.mkdir(exist_ok=True)
        try:
            inspect(dataset)
            readable = True
        except DatasetError:
            readable = False
        if readable:
            kept = _free_name(folder, dataset.stem, now, LABEL_BEFORE_RESTORE)
            source = sqlite3.connect(f"file:{dataset}?mode=ro", uri=True, isolation_level=None)
            try:
                copy_database(source, kept)
            finally:
                source.close()
        else:
            kept = _free_name(folder, dataset.stem, now, LABEL_DAMAGED)
            shutil.copyfile(dataset, kept)
            if wal.exists():
                shutil.copyfile(wal, Path(f"{kept}-wal"))
            fsync_path(kept)
        if readable:
            _fold_write_ahead_log(dataset)
    part = restoring_name(dataset)
    part.unlink(missing_ok=True)  # left by a killed restore
    shutil.copyfile(backup, part)
    fsync_path(part)
    # The old write-ahead log must go before the new file arrives: applied to another file it would
    # corrupt it. It was folded into the file above, so a kill from here on leaves the old state whole.
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)
    os.replace(part, dataset)
    fsync_path(dataset.parent)
    return kept


def restoring_name(dataset: Path) -> Path:
    """Where a restore writes the backup's copy before it replaces the dataset (hidden, beside it)."""
    return dataset.with_name(f".{dataset.name}.restoring")


def _fold_write_ahead_log(dataset: Path) -> None:
    """Move every committed transaction of the -wal file into the database file itself and empty
    the log, so that removing the log loses nothing (a restore killed after removing it once left
    the file without its last committed edits)."""
    from core.dataset import locked_error
    conn = sqlite3.connect(dataset, isolation_level=None)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    if busy:
        raise locked_error(dataset)
    fsync_path(dataset)
