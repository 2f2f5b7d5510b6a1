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
from core.common.messages import Msg
from core.common.problems import Problem
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


def reference_anchor(lines: list[backups.AnchorLine], info: BackupInfo) -> backups.AnchorLine | None:
    """What the trail of the backup `info` answers to among the anchors `lines` (oldest first): its own line when
    it was noted (a regular backup of a year found intact), else the newest line noted before it was taken —
    what opening checked the year against at that time (a file kept aside by a restore, a backup of a year
    found changed outside the program). None when there is none."""
    if not info.label:
        own = next((line for line in reversed(lines) if line.name == info.name), None)
        if own is not None:
            return own
    stamp = info.taken_at.strftime("%Y-%m-%d %H:%M:%S")
    return next((line for line in reversed(lines) if line.taken_at < stamp
                 or (line.taken_at == stamp and _taken_before(line.name, info.name))), None)


def _taken_before(noted: str, name: str) -> bool:
    """Whether the backup named `noted` was taken before the backup `name` of the same second (their names'
    numbers: `-2`, `-3` … in the order taken). The line a restore writes carries the second of the file it
    kept aside just before but names the backup restored: one of an earlier second is not before it."""
    a, b = backups.name_order(noted), backups.name_order(name)
    return a is not None and b is not None and a[0] == b[0] and a[1] < b[1]


def outside_changes(dataset: str | Path, found: list[BackupInfo] | None = None) -> dict[Path, list[Problem]]:
    """The backups of `dataset` (among `found`; all when None) in which the checks of opening find changes made
    outside the program, with those changes, in a few milliseconds each: the files a restore kept aside and the
    backups no anchor notes (taken of a year found changed), each against the anchor it answers to
    (reference_anchor). A noted backup is its own anchor and is not read; a file that cannot be read, or has
    no anchor to answer to, shows none."""
    lines = backups.anchor_lines(dataset)
    changed = {}
    for info in list_backups(dataset) if found is None else found:
        wanting = _wanting(lines, info)
        if wanting is not None:
            changed[info.path] = wanting[1]
    return changed


def _wanting(lines: list[backups.AnchorLine], info: BackupInfo) -> tuple[backups.AnchorLine, list[Problem]] | None:
    """The anchor the backup `info` answers to and the changes outside the program found against it; None
    when it shows none."""
    line = reference_anchor(lines, info)
    if line is None or (line.name == info.name and not info.label):
        return None
    problems = _checked_against(info, line)
    return (line, problems) if problems else None


def _checked_against(info: BackupInfo, line: backups.AnchorLine) -> list[Problem]:
    from core.store.audit_check import Anchor, quick_check
    try:
        conn = sqlite3.connect(ro_uri(info.path), uri=True, isolation_level=None)
    except sqlite3.Error:
        return []
    try:
        anchor = Anchor(line.seq, line.hash, Msg.of("audit.source.backup", name=line.name, time=line.taken_at),
                        facts=line.facts)
        return quick_check(conn, info.name, anchor)
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def backup_rules(dataset: str | Path) -> RuleSet | None:
    """The rule set of the year's newest backup that opens, for naming what was done before each backup when
    the year file itself cannot be read; None when no backup opens."""
    from core.scoring.rules import RuleSetError, parse_rule_set
    good = newest_good(dataset)
    if good is None:
        return None
    try:  # read as a year file reads its own (core/store/dataset.py), without opening it as a year
        conn = sqlite3.connect(ro_uri(good.path), uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        rule_set_id = conn.execute("SELECT rule_set_id FROM meta WHERE id = 1").fetchone()[0]
        text = conn.execute("SELECT text FROM rule_sets WHERE id = ?", (rule_set_id,)).fetchone()[0]
        return parse_rule_set(text, source=f"{good.path.name}:rule_sets/{rule_set_id}", stored=True)
    except (sqlite3.Error, TypeError, RuleSetError):
        return None
    finally:
        conn.close()


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
    refusal = other_year(dataset, backup)
    if refusal is not None:
        raise DatasetError(refusal)
    now = now or dt.datetime.now()
    wanting = _found_wanting(dataset, backup)  # what opening will say once it is the year file
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
                backups.copy_database(source, kept, mark=now)  # a copy of the year, told as a backup wherever it goes
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
    backups.clear_mark(part)  # the year file it becomes is no backup
    fsync_path(part)
    # The old write-ahead log must go before the new file arrives: applied to another file it would
    # corrupt it. It was folded into the file above, so a kill from here on leaves the old state whole.
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)
    # before the file arrives: a kill in between leaves the old file, whose trail holds this head too;
    # when the note cannot be written, the next backup notes the head again
    with contextlib.suppress(OSError):
        if wanting is None:
            backups.record_anchor(dataset, part, now, restored=backup.name)
        else:  # changed outside the program: opening the year must say so, as it did before the restore
            backups.note_again(dataset, wanting[0], now)
    os.replace(part, dataset)
    fsync_path(dataset.parent)
    return kept


def whose(found: backups.FoundBackup) -> Msg:
    """The year file a backup belongs to, in words: its year and name as far as they are known."""
    if found.year is not None and found.year_name:
        return Msg.of("backup.whose_named", year=str(found.year), name=found.year_name)
    if found.year is not None:
        return Msg.of("backup.whose_year", year=str(found.year))
    if found.year_name:
        return Msg.of("backup.whose_file", name=found.year_name)
    return Msg.of("backup.whose_unknown")


def backup_refusal(path: Path, program: str) -> Msg | None:
    """Why a command that writes to a year file does not write to `path`: it is a backup (found_backup), said with
    the year it belongs to and how to restore the year from it (`program` the command line's name); None for a
    file that is no backup."""
    found = backups.found_backup(path)
    if found is None:
        return None
    time = found.info.taken_at.strftime("%Y-%m-%d %H:%M")
    if found.year_file is not None:
        return Msg.of("cli.backup_refused", file=path.name, whose=whose(found), time=time,
                      year_file=found.year_file.name, program=program, year_path=str(found.year_file))
    return Msg.of("cli.backup_elsewhere_refused", file=path.name, whose=whose(found), time=time, program=program,
                  path=str(path))


def other_year(dataset: Path, backup: Path) -> Msg | None:
    """Why `backup` cannot be restored over the year file `dataset`: it holds another year (a backup chosen from
    elsewhere, e.g. copied to a USB stick, for a year file chosen by hand); None when it may be."""
    held, wanted = backups.year_in(backup), backups.year_in(dataset) if dataset.exists() else None
    if held is None or wanted is None or held == wanted:
        return None
    return Msg.of("backup.other_year", backup=backup.name, held=held, file=dataset.name, year=wanted)


def changes_in(dataset: str | Path, backup: str | Path) -> list[Problem]:
    """The changes made outside the program found in the backup `backup` of `dataset` (outside_changes); none
    for a file that is no backup of this year."""
    found = _found_wanting(Path(dataset), Path(backup))
    return found[1] if found is not None else []


def _found_wanting(dataset: Path, backup: Path) -> tuple[backups.AnchorLine, list[Problem]] | None:
    """The anchor a backup of `dataset` was found changed outside the program against and what was found, or
    None when it shows no such change (or is no backup of this year)."""
    found = backups.backup_of(backup)
    if found is None or found[0].resolve() != dataset.resolve():
        return None
    return _wanting(backups.anchor_lines(dataset), found[1])


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
