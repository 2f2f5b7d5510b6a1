"""Backups of a dataset: consistent copies through SQLite's backup API, rotated, listed, restored.

Backups live beside the dataset in `<stem>.backups/`, one file per copy named
`<stem>-YYYYmmdd-HHMMSS.wjkh` (a `-2`, `-3` … suffix when two are taken in the same second).
A backup is a whole year file a user may open, so it carries the dataset's own year-file suffix
(`.wjkh`; `.sqlite` for a year kept as `.sqlite`); backups taken before they did are all `.sqlite`
and are listed, rotated and restored as well.
A copy is written to a `.part` file, made self-contained (rollback journal, no WAL), synced and
only then renamed, so a crash never leaves a half backup that looks whole. Rotation keeps a history
a bureau can go back to with the disk use bounded: the newest N backups, the first and the last of each
day of the last two weeks, and the last one before each of the newest imports, merges and changes of
rules (`rotate`). Restoring first keeps a copy of the file it replaces (`…-before-restore.wjkh`, or
`…-damaged.wjkh` when it cannot be read); rotation keeps the newest of those.
A backup says itself that it is one, wherever it is copied: its SQLite header's user version (which no table,
no audit row and no check of the year reads) holds a mark and the minute it was taken, set in the copy only;
a restore clears it in the file it puts in place. Backups taken before they were marked are told by their
place in the backups folder alone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.common.atomic import fsync_path

if TYPE_CHECKING:
    from core.store.audit_check import PeopleAsImported

DEFAULT_KEEP = 10
DEFAULT_INTERVAL_SECONDS = 10 * 60
SUFFIX = ".backups"
LABEL_BEFORE_RESTORE = "before-restore"
LABEL_DAMAGED = "damaged"


@dataclass(frozen=True)
class BackupInfo:
    """A backup file of a year file: when it was taken (from its name), why, and its size."""
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


# A backup's suffix is its dataset's (a year file's own, core/store/dataset.py YEAR_FILE_SUFFIXES, not
# imported: the dataset imports this module); the first is what a dataset of another name gets.
BACKUP_SUFFIXES = (".wjkh", ".sqlite")


def backup_suffix(dataset: Path) -> str:
    suffix = dataset.suffix.lower()
    return suffix if suffix in BACKUP_SUFFIXES else BACKUP_SUFFIXES[0]


def _pattern(stem: str) -> re.Pattern:
    suffixes = "|".join(re.escape(s) for s in BACKUP_SUFFIXES)
    return re.compile(rf"^{re.escape(stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?(?:-({LABEL_BEFORE_RESTORE}|{LABEL_DAMAGED}))?"
                      rf"(?:{suffixes})$", re.IGNORECASE)


def name_order(name: str) -> tuple[str, int] | None:
    """The second (YYYYmmdd-HHMMSS) and the number within it (1 for none) of a backup's name; None for a
    name of no backup."""
    match = re.match(rf"^.*-(\d{{8}}-\d{{6}})(?:-(\d+))?(?:-({LABEL_BEFORE_RESTORE}|{LABEL_DAMAGED}))?"
                     rf"(?:{'|'.join(re.escape(s) for s in BACKUP_SUFFIXES)})$", name, re.IGNORECASE)
    return (match.group(1), int(match.group(2) or 1)) if match else None


def _stamp_time(stamp: str) -> dt.datetime:
    """YYYYmmdd-HHMMSS (digits, as the name pattern ensures). Not strptime: its first call costs
    more than opening a year (it loads the locale machinery)."""
    return dt.datetime(int(stamp[0:4]), int(stamp[4:6]), int(stamp[6:8]), int(stamp[9:11]), int(stamp[11:13]),
                       int(stamp[13:15]))


def _free_name(folder: Path, dataset: Path, when: dt.datetime, label: str = "") -> Path:
    """A new name for a backup of `dataset` that sorts after every backup of the same second (so rotation keeps
    it), with the dataset's year-file suffix."""
    stem, suffix = dataset.stem, backup_suffix(dataset)
    stamp = when.strftime("%Y%m%d-%H%M%S")
    tail = f"-{label}" if label else ""
    pattern = _pattern(stem)
    taken = [int(m.group(2) or 1) for p in folder.iterdir() if (m := pattern.match(p.name)) and m.group(1) == stamp]
    n = max(taken, default=0) + 1
    return folder / (f"{stem}-{stamp}{tail}{suffix}" if n == 1 else f"{stem}-{stamp}-{n}{tail}{suffix}")


# ------------------------------------------------------------------ a backup's own mark

MARK_TAG = 0x57  # the top byte of the user version of a backup; the minutes since MARK_EPOCH below it
MARK_EPOCH = dt.datetime(2020, 1, 1)
MARK_MINUTES = 0xFFFFFF
SQLITE_HEADER = b"SQLite format 3\x00"
# core/store/files.py APPLICATION_ID, not imported: that module imports this one
OUR_APPLICATION_ID = 0x4C59574A


def mark_value(taken_at: dt.datetime) -> int:
    """The user version that marks a copy as a backup taken at `taken_at` (local time, to the minute)."""
    minutes = int((taken_at - MARK_EPOCH).total_seconds() // 60)
    return MARK_TAG << 24 | max(0, min(minutes, MARK_MINUTES))


def read_mark(path: str | Path) -> dt.datetime | None:
    """When the backup `path` was taken, as its own mark says (read from the file's header, without opening it
    as a database); None for a file that carries no mark: a year file, a backup taken before backups were
    marked, any other file."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError:
        return None
    if len(head) < 100 or not head.startswith(SQLITE_HEADER):
        return None
    if int.from_bytes(head[68:72], "big") != OUR_APPLICATION_ID:
        return None
    value = int.from_bytes(head[60:64], "big")
    if value >> 24 != MARK_TAG:
        return None
    return MARK_EPOCH + dt.timedelta(minutes=value & MARK_MINUTES)


def clear_mark(path: Path) -> None:
    """Remove a backup's mark from `path` (the copy a restore is about to put in place of the year file): the
    year file it becomes is no backup. A file without a mark is left as it is, byte for byte."""
    if read_mark(path) is None:
        return
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA user_version = 0")
    finally:
        conn.close()


STEP_PAGES = 256  # copied per step on another thread: the owner's own statements wait at most one step


def copy_database(source: sqlite3.Connection, target: Path, step_pages: int = -1,
                  mark: dt.datetime | None = None) -> None:
    """A consistent, self-contained copy of an open database, written whole or not at all. With
    `step_pages` (on another thread than the source's owner) it copies that many pages at a time, so
    the owner's statements go on between steps; what the owner commits meanwhile is in the copy too.
    With `mark`, the copy is marked as a backup taken then (mark_value), before it takes its name."""
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        dest = sqlite3.connect(part, isolation_level=None)
        try:
            # The copy's own commit must not sync while it holds the source (the source would wait for
            # the disk): it is synced below, before it takes its name, as durably as before.
            dest.execute("PRAGMA journal_mode=OFF")
            dest.execute("PRAGMA synchronous=OFF")
            source.backup(dest, pages=step_pages, sleep=0.005)
            dest.execute("PRAGMA journal_mode=DELETE")
            if mark is not None:
                dest.execute(f"PRAGMA user_version = {mark_value(mark)}")
        finally:
            dest.close()
        fsync_path(part)
        os.replace(part, target)
        fsync_path(target.parent)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def make_backup(source: sqlite3.Connection, dataset: str | Path, keep: int = DEFAULT_KEEP,
                label: str = "", now: dt.datetime | None = None, step_pages: int = -1, note: bool = True) -> Path:
    """Copy the open dataset into its backup folder, note its audit head among the anchors (unless `note`
    is False: a year found changed outside the program, whose copy must not become what the next opening
    checks it against), and rotate; returns the new backup's path."""
    dataset = Path(dataset)
    folder = backup_dir(dataset)
    folder.mkdir(exist_ok=True)
    now = now or dt.datetime.now()
    target = _free_name(folder, dataset, now, label)
    copy_database(source, target, step_pages, mark=now)
    try:
        if note:
            record_anchor(dataset, target, now)
    except OSError:
        pass  # the copy is whole; only its note among the anchors is missing (the next backup writes one)
    if not label:
        rotate(dataset, keep, trail=target)
    return target


class BackupRun:
    """A backup claimed by the dataset's owner and copied on another thread (the desktop's backups), in
    steps so the owner's edits go on meanwhile. `run` copies (once); `error` is why it failed, if it did."""

    def __init__(self, source: sqlite3.Connection, dataset: Path, keep: int, opening: bool, note: bool = True):
        self.opening = opening  # the backup of opening: no write may reach the file before it is copied
        self.path: Path | None = None
        self.error: Exception | None = None
        self._source, self._dataset, self._keep, self._note = source, dataset, keep, note
        self._done = threading.Event()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> None:
        self._done.wait()

    def run(self) -> Path | None:
        try:
            self.path = make_backup(self._source, self._dataset, self._keep, step_pages=STEP_PAGES, note=self._note)
        except Exception as exc:  # noqa: BLE001 - on another thread: kept, told by backup_finished, never lost
            self.error = exc
        finally:
            self._done.set()
        return self.path


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
        if match:
            try:
                size = path.stat().st_size
            except OSError:  # removed meanwhile: the backup taken beside the work rotates old ones out
                continue
            if not path.is_file():
                continue
            taken = _stamp_time(match.group(1))
            found.append((taken, int(match.group(2) or 1), BackupInfo(path, taken, match.group(3) or "", size)))
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [info for _, _, info in found]


def backup_of(path: str | Path) -> tuple[Path, BackupInfo] | None:
    """The year file that `path` is a backup of, told by its place and name (`<stem>.backups/<stem>-YYYYmmdd-
    HHMMSS….wjkh`), with what its name says; None for any other file. The year file is the one beside the
    backups folder (a `.wjkh` or `.sqlite`, whichever is there; when neither is, the backup's own kind)."""
    path = Path(path)
    folder = path.parent
    if not folder.name.lower().endswith(SUFFIX) or len(folder.name) == len(SUFFIX):
        return None
    stem = folder.name[:-len(SUFFIX)]
    match = _pattern(stem).match(path.name)
    if match is None:
        return None
    beside = [folder.parent / (stem + suffix) for suffix in BACKUP_SUFFIXES]
    year = next((p for p in beside if p.is_file()), folder.parent / (stem + backup_suffix(path)))
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return year, BackupInfo(path, _stamp_time(match.group(1)), match.group(3) or "", size)


@dataclass(frozen=True)
class FoundBackup:
    """A file found to be a backup of a year file: by its place in the year's backups folder, or by its own mark
    wherever it lies (a copy on a USB stick, on the desktop)."""
    info: BackupInfo
    year_file: Path | None  # the year file beside its backups folder; None for a backup lying elsewhere
    year_name: str  # the year file's name: beside the folder, or as the backup's own name gives it ("" if renamed)
    year: int | None  # the year it holds (its own meta row); None when it cannot be read

    @property
    def in_folder(self) -> bool:
        return self.year_file is not None


def found_backup(path: str | Path) -> FoundBackup | None:
    """Whether `path` is a backup of a year file, and of which: told by its place and name (backup_of), else by the
    mark it carries (read_mark); None for a year file and any other file. A backup taken before backups were
    marked and copied out of its folder is not told."""
    path = Path(path)
    of = backup_of(path)
    taken = read_mark(path) if of is None else None
    if of is None and taken is None:
        return None
    year = year_in(path)
    if of is not None:
        return FoundBackup(of[1], of[0], of[0].name, year)
    assert taken is not None
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    suffixes = "|".join(re.escape(s) for s in BACKUP_SUFFIXES)
    match = re.match(rf"^(.+)-\d{{8}}-\d{{6}}(?:-\d+)?(?:-({LABEL_BEFORE_RESTORE}|{LABEL_DAMAGED}))?({suffixes})$",
                     path.name, re.IGNORECASE)
    year_name = match.group(1) + match.group(3).lower() if match else ""
    label = (match.group(2) or "").lower() if match else ""
    return FoundBackup(BackupInfo(path, taken, label, size), None, year_name, year)


def year_in(path: Path) -> int | None:
    """The year a year file (or a backup of one) holds, from its meta row, read-only; None when unreadable."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT year FROM meta WHERE id = 1").fetchone()
        return int(row[0]) if row is not None else None
    except (sqlite3.Error, TypeError, ValueError):
        return None
    finally:
        conn.close()


# What rotation keeps (beside the newest `keep`): a history a bureau can go back to, bounded — at most
# keep + 2 × DAYS_KEPT + BIG_STEPS_KEPT regular backups and LABELLED_KEPT copies kept by restores.
DAYS_KEPT = 14  # the first and the last backup of each day of the last two weeks: "as it was Tuesday morning"
BIG_STEPS_KEPT = 20  # the last backup before each of the newest imports, merges and changes of rules
LABELLED_KEPT = 10  # files replaced by a restore (before-restore, damaged): the newest
# An edit that changes much at once: the year as it was just before it is worth keeping longer.
BIG_STEP_SQL = ("SELECT min(seq) FROM audit WHERE seq > ? AND (action IN ('import', 'merge', 'migrate') "
                "OR table_name = 'rule_sets') GROUP BY edit ORDER BY 1 DESC LIMIT ?")


def rotate(dataset: str | Path, keep: int, today: dt.date | None = None, trail: Path | None = None) -> list[Path]:
    """Remove the regular backups rotation no longer keeps (the newest `keep`, the first and the last of
    each of the last DAYS_KEPT days, the last before each of the BIG_STEPS_KEPT newest imports, merges and
    changes of rules) and all but the newest LABELLED_KEPT files replaced by a restore; returns what was
    removed. The year's big steps are read from `trail` (the backup just taken: the open year file itself is
    locked by its owner)."""
    dataset = Path(dataset)
    clear_leftovers(dataset)
    found = list_backups(dataset)
    regular = [b for b in found if not b.label]
    kept = set(regular[:max(keep, 1)])
    if len(regular) > len(kept):
        since = (today or dt.date.today()) - dt.timedelta(days=DAYS_KEPT - 1)
        days: dict[dt.date, list[BackupInfo]] = {}
        for info in regular:
            if info.taken_at.date() >= since:
                days.setdefault(info.taken_at.date(), []).append(info)
        for of_day in days.values():  # newest first
            kept.update((of_day[0], of_day[-1]))
        kept |= _before_big_steps(dataset, trail or dataset, regular)
    removed = []
    for info in [b for b in regular if b not in kept] + [b for b in found if b.label][LABELLED_KEPT:]:
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def clear_leftovers(dataset: Path) -> None:
    """Remove what a killed backup or restore left beside the dataset (it is open: none of them runs)."""
    for suffix in BACKUP_SUFFIXES:
        for stale in backup_dir(dataset).glob(f"{glob_escape(dataset.stem)}-*{suffix}.part*"):
            stale.unlink(missing_ok=True)  # (with SQLite's log)
    restoring_name(dataset).unlink(missing_ok=True)


def _before_big_steps(dataset: Path, trail: Path, regular: list[BackupInfo]) -> set[BackupInfo]:
    """The newest backup taken before each of the year's newest big steps (read from the trail of the file
    `trail`), by the trail head each backup noted among the anchors."""
    heads = {line.name: line.seq for line in anchor_lines(dataset)}
    with_heads = [(heads[b.name], b) for b in regular if b.name in heads]  # newest first
    if not with_heads:
        return set()
    try:
        conn = sqlite3.connect(f"file:{trail}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return set()
    try:  # the steps no backup was taken before (the year's creation) need no place among those kept
        steps = [row[0] for row in conn.execute(BIG_STEP_SQL, (min(seq for seq, _ in with_heads), BIG_STEPS_KEPT))]
    except sqlite3.Error:
        return set()
    finally:
        conn.close()
    kept = set()
    for step in steps:
        before = max(((seq, b) for seq, b in with_heads if seq < step), key=lambda t: (t[0], t[1].taken_at),
                     default=None)
        if before is not None:
            kept.add(before[1])
    return kept


def restoring_name(dataset: Path) -> Path:
    """Where a restore writes the backup's copy before it replaces the dataset (hidden, beside it)."""
    return dataset.with_name(f".{dataset.name}.restoring")


# ------------------------------------------------------------------ anchors of the audit trail
# Every backup notes the head of the audit trail it holds (row count and hash) in one line of the
# anchors file beside the backups, which rotation never removes; a restore notes the head of what
# it brought back. The newest line is what the trail of the year file must still contain
# (core/store/audit_check.py): a trail cut or rewritten with the year file alone is found against it.

ANCHORS_SUFFIX = "-anchors.txt"


@dataclass(frozen=True)
class AnchorLine:
    """A backup's line in the anchors file: the audit head it copied, and its tables' digests."""
    taken_at: str  # local time, YYYY-mm-dd HH:MM:SS
    seq: int
    hash: str
    name: str  # the backup (or, after a restore, the backup restored)
    facts: dict[str, str] | None = None  # core.store.audit_check.facts_digest of the copy, table by table


def anchors_path(dataset: str | Path) -> Path:
    dataset = Path(dataset)
    return backup_dir(dataset) / f"{dataset.name}{ANCHORS_SUFFIX}"  # 2022.wjkh and 2022.sqlite apart


def trail_head(path: Path, with_facts: bool = False) -> tuple[int, str, dict[str, str] | None] | None:
    """(row count, hash of the last row, and when asked the digest of its tables) of a year file's
    audit trail, read-only; None if unreadable."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        facts = None
        if with_facts:
            from core.store.audit_check import facts_digest
            facts = facts_digest(conn)
        return (0, "0" * 64, facts) if row is None else (int(row[0]), str(row[1]), facts)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def record_anchor(dataset: Path, copy: Path, now: dt.datetime, restored: str = "") -> None:
    """Append the audit head of `copy` (a backup just written, or the copy a restore puts in place)
    and the digest of its tables."""
    found = trail_head(copy, with_facts=True)
    if found is None:
        return
    note_again(dataset, AnchorLine("", found[0], found[1], restored or copy.name, found[2]), now)


def note_again(dataset: Path, anchor: AnchorLine, now: dt.datetime) -> None:
    """Append `anchor` as noted at `now`: after restoring a file its own trail does not vouch for (changed
    outside the program), the anchor it was found wanting against stays the newest, so that opening the year
    tells the change as it tells any."""
    facts = json.dumps(anchor.facts, sort_keys=True, separators=(",", ":"))
    line = f"{now.strftime('%Y-%m-%d %H:%M:%S')}\t{anchor.seq}\t{anchor.hash}\t{anchor.name}\t{facts}\n"
    with open(anchors_path(dataset), "a", encoding="utf-8") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())


ANCHORS_TAIL = 64 * 1024  # the newest anchor is read from the file's end: it grows by a line per backup


def anchor_lines(dataset: str | Path, tail: int | None = None) -> list[AnchorLine]:
    """Every well-formed line of the anchors file (or of its last `tail` bytes), oldest first; a line
    torn by a crash is skipped."""
    try:
        with open(anchors_path(dataset), "rb") as f:
            if tail is not None:
                f.seek(max(0, f.seek(0, os.SEEK_END) - tail))
            data = f.read()
    except OSError:
        return []
    lines = data.decode("utf-8", errors="replace").splitlines()
    if tail is not None and len(data) >= tail:
        lines = lines[1:]  # the first line may be cut in the middle
    found = []
    for line in lines:
        parts = line.split("\t")
        if len(parts) in (4, 5) and parts[1].isdigit() and re.fullmatch(r"[0-9a-f]{64}", parts[2]):
            try:
                facts = json.loads(parts[4]) if len(parts) == 5 else None
            except ValueError:
                continue  # torn by a crash
            found.append(AnchorLine(parts[0], int(parts[1]), parts[2], parts[3],
                                    facts if isinstance(facts, dict) else None))
    return found


def newest_anchor(dataset: str | Path) -> AnchorLine | None:
    """The newest anchor: the anchors file's last line, else the newest backup's own head."""
    lines = anchor_lines(dataset, tail=ANCHORS_TAIL)
    if lines:
        return lines[-1]
    for info in list_backups(dataset):
        found = trail_head(info.path)
        if found is not None:
            return AnchorLine(info.taken_at.strftime("%Y-%m-%d %H:%M:%S"), found[0], found[1], info.name)
    return None


def people_from_backups(dataset: Path) -> PeopleAsImported:
    """An import's rows as imported, from the newest backup of the dataset whose copy of them still
    has the content hash the trail recorded (to name each person changed outside the program)."""
    from core.store.audit_check import content_sha256, read_only_uri

    def as_imported(import_id: int, table: str, recorded: str) -> list[dict[str, Any]] | None:
        for info in list_backups(dataset):
            try:
                conn = sqlite3.connect(read_only_uri(info.path), uri=True, isolation_level=None)
            except sqlite3.Error:
                continue
            try:
                if content_sha256(conn, table, "import_id = ?", (import_id,)) == recorded:
                    cursor = conn.execute(f"SELECT * FROM {table} WHERE import_id = ? ORDER BY id", (import_id,))
                    names = [d[0] for d in cursor.description]
                    return [dict(zip(names, row, strict=True)) for row in cursor]
            except sqlite3.Error:
                continue
            finally:
                conn.close()
        return None
    return as_imported
