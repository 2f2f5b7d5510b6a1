"""Recovering a year from its backups: the newest backup its own audit trail still vouches for, and
restoring a backup in place of the year file (the replaced file kept, a kill at any step leaving
either the old file or the new one whole)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from core.common.atomic import fsync_path
from core.store import backup as backups
from core.store.backup import (
    LABEL_BEFORE_RESTORE,
    LABEL_DAMAGED,
    BackupInfo,
    backup_dir,
    list_backups,
    restoring_name,
)
from core.store.files import DatasetError, inspect, is_locked, locked_error, newest_good, ro_uri

if TYPE_CHECKING:
    from core.scoring.rules import RuleSet


def newest_trusted(dataset: str | Path) -> BackupInfo | None:
    """The newest regular backup noted among the anchors that passes the checks of opening, its own audit
    trail included (the append-only triggers, the last row's link): what to offer when the year was
    changed outside the program."""
    from core.store.audit_check import quick_check
    noted = {line.name for line in backups.anchor_lines(dataset)}
    for info in list_backups(dataset):
        if info.label or (noted and info.name not in noted):  # not noted: copied from a year changed outside
            continue
        try:
            inspect(info.path)
            conn = sqlite3.connect(ro_uri(info.path), uri=True, isolation_level=None)
        except (DatasetError, sqlite3.Error):
            continue
        try:
            if not quick_check(conn, info.name, None):
                return info
        except sqlite3.Error:
            continue
        finally:
            conn.close()
    return None


def backup_rules(dataset: str | Path) -> RuleSet | None:
    """The rule set of the year's newest backup that opens, for naming what was done before each backup when
    the year file itself cannot be read; None when no backup opens."""
    from core.store.dataset import Dataset
    good = newest_good(dataset)
    if good is None:
        return None
    try:
        with Dataset.open(good.path, read_only=True) as ds:
            return ds.rule_set()
    except DatasetError:
        return None


def kept_name(dataset: str | Path, now: dt.datetime, damaged: bool = False) -> Path:
    """Where a restore at `now` keeps the file it replaces (so the question before it can name it); with
    `damaged`, where it keeps a file that cannot be read (as restore() names it)."""
    dataset = Path(dataset)
    folder = backup_dir(dataset)
    folder.mkdir(exist_ok=True)
    return backups._free_name(folder, dataset, now, LABEL_DAMAGED if damaged else LABEL_BEFORE_RESTORE)


def restore(dataset: str | Path, backup: str | Path, now: dt.datetime | None = None) -> Path | None:
    """Replace the dataset by a backup. The backup is checked first; the dataset must not be open
    anywhere. The replaced file is kept in the backup folder; returns where (None if there was none).
    Raises DatasetError (nothing changed) when the backup is not good or the dataset is in use."""
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
            kept = kept_name(dataset, now)
            source = sqlite3.connect(f"file:{dataset}?mode=ro", uri=True, isolation_level=None)
            try:
                backups.copy_database(source, kept)
            finally:
                source.close()
        else:
            kept = kept_name(dataset, now, damaged=True)
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
    # before the file arrives: a kill in between leaves the old file, whose trail holds this head too;
    # when the note cannot be written, the next backup notes the head again
    with contextlib.suppress(OSError):
        backups.record_anchor(dataset, part, now, restored=backup.name)
    os.replace(part, dataset)
    fsync_path(dataset.parent)
    return kept


def _fold_write_ahead_log(dataset: Path) -> None:
    """Move every committed transaction of the -wal file into the database file itself and empty
    the log, so that removing the log loses nothing (a restore killed after removing it once left
    the file without its last committed edits)."""
    conn = sqlite3.connect(dataset, isolation_level=None)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    if busy:
        raise locked_error(dataset)
    fsync_path(dataset)
