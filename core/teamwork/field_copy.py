"""Field copies: the year file handed to an assessor who works away from the office, in the same format,
marked in its own audit trail with who takes it, when, which units, and where the year's trail stood."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from core.common.messages import Msg, render
from core.store import backup, replay_edit
from core.store.audit_log import local_time as to_the_second
from core.store.dataset import Dataset, Edit
from core.store.edit import now_text
from core.store.files import DatasetError, _open_fault

MARK = "field_copy"  # the audit action of a copy's mark (a row of the year's own, table meta)
HANDED_OUT = "field_copy_out"  # the audit action of the row the year file keeps of a copy made from it


@dataclass(frozen=True)
class CopyMark:
    """What a field copy's mark says; `seq`/`hash` are the mark's own row in the copy's trail."""
    seq: int
    hash: str
    assessor: str
    units: tuple[str, ...] | None  # None: the whole year
    made_at: str
    made_by: str
    base_seq: int  # the year's trail stood at this row when the copy was made
    base_hash: str
    file_name: str
    year_file: str = ""  # the name of the year file it was made from


def _told(value: str | None) -> dict | None:
    """What a trail row of the copies' own (a mark, a copy handed out, a merge) recorded; None for a row that is
    not such a record (passed over)."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def marks(conn: sqlite3.Connection) -> list[CopyMark]:
    """The field-copy marks of a trail, oldest first (a copy of a copy carries both)."""
    found = []
    for seq, digest, value in conn.execute(
            "SELECT seq, hash, new_value FROM audit WHERE table_name = 'meta' AND record_id = '1' AND action = ? "
            "ORDER BY seq", (MARK,)):
        data = _told(value)
        if data is None:
            continue
        units = data.get("units")
        found.append(CopyMark(seq, digest, str(data.get("assessor", "")), tuple(units) if units is not None else None,
                              str(data.get("made_at", "")), str(data.get("made_by", "")), int(data.get("base_seq", 0)),
                              str(data.get("base_hash", "")), str(data.get("file_name", "")),
                              str(data.get("year_file", ""))))
    return found


@dataclass(frozen=True)
class CarriedIn:
    """A copy made from a copy still out, merged here straight: it brought the changes made in the copy still
    out until it was made from it (`until`); the copy still out may hold changes of after."""
    file_name: str
    assessor: str
    until: str
    merged_at: str


@dataclass(frozen=True)
class CopyOut:
    """A field copy made from this file, as its trail recorded the making; `mark` is the copy's own mark's hash,
    which a merge of the copy records (core/teamwork/merge.py)."""
    mark: str
    assessor: str
    units: tuple[str, ...] | None  # None: the whole year
    made_at: str
    made_by: str
    file_name: str
    carried: tuple[CarriedIn, ...] = ()  # copies made from it merged here, which brought its changes until then

    def covers(self, unit: str) -> bool:
        return self.units is None or unit in self.units


def copies_made(conn: sqlite3.Connection) -> list[CopyOut]:
    """The field copies made from this file, oldest first. In a field copy, those made from it only: the rows of
    the year it was copied from stay in its trail before its own mark. A file made before copies were recorded
    knows none."""
    found = marks(conn)
    after = found[-1].seq if found else 0
    made = []
    for (value,) in conn.execute("SELECT new_value FROM audit WHERE table_name = 'meta' AND record_id = '1' "
                                 "AND action = ? AND seq > ? ORDER BY seq", (HANDED_OUT, after)):
        data = _told(value)
        if data is None:
            continue
        units = data.get("units")
        made.append(CopyOut(str(data.get("mark", "")), str(data.get("assessor", "")),
                            tuple(units) if isinstance(units, list) else None, str(data.get("made_at", "")),
                            str(data.get("made_by", "")), str(data.get("file_name", ""))))
    return made


def copies_out(conn: sqlite3.Connection) -> list[CopyOut]:
    """The field copies made from this file that no merge of theirs has come back into it yet, oldest first; each
    with the copies made from it that were merged here straight (their merge brought its changes until then)."""
    merged = set()
    carried: dict[str, list[CarriedIn]] = {}
    for value, at in conn.execute("SELECT new_value, at FROM audit WHERE table_name = 'meta' AND action = 'merge' "
                                  "ORDER BY seq"):
        data = _told(value)
        if data is None:
            continue
        merged.add(str(data.get("mark", "")))
        for link in data.get("through") or ():  # core/teamwork/merge.py: [the mark, its changes carried until]
            if isinstance(link, list) and len(link) == 2:
                carried.setdefault(str(link[0]), []).append(CarriedIn(
                    str(data.get("copy", "")), str(data.get("assessor", "")), str(link[1]), str(at)))
    return [replace(c, carried=tuple(carried.get(c.mark, ()))) for c in copies_made(conn) if c.mark not in merged]


def local_time(at: str) -> str:
    """A trail's UTC time as the assessor reads it: local, to the minute (when a copy was made or merged; an
    edit's own time, as a merge compares them, is edit_time's, to the second as the 修改记录 view has it)."""
    import datetime as dt
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at


def edit_time(at: str) -> str:
    """When an edit was made, as the 修改记录 view says it (local, to the second): what a merge shows of each side's
    change, so that two edits of one minute are told apart."""
    return to_the_second(at)


def copy_out_words(copy: CopyOut) -> Msg:
    """One copy still out, as a line of a listing: whose, which file, made when by whom, which units; and, when a
    copy made from it was merged here, that its changes until then are in and what it may still hold."""
    line = Msg.of("teamwork.copy_out_line", assessor=copy.assessor, copy=copy.file_name,
                  made_at=local_time(copy.made_at), made_by=copy.made_by or Msg.of("teamwork.someone"),
                  units=Msg.of("teamwork.whole_year") if copy.units is None else "、".join(copy.units))
    if not copy.carried:
        return line
    last = max(copy.carried, key=lambda c: c.until)
    return Msg.of("teamwork.copy_out_carried", line=line, until=local_time(last.until), assessor=last.assessor,
                  copy=last.file_name, merged_at=local_time(last.merged_at))


def signing_with_copies_out(conn: sqlite3.Connection, units: Sequence[str] | None) -> Msg | None:
    """What signing (定稿) these units' score sheets means while a field copy covering one of them is out (None:
    every unit), or None when none is: the copy's changes of a signed unit will not come in when it is merged."""
    out = [c for c in copies_out(conn) if units is None or any(c.covers(u) for u in units)]
    if not out:
        return None
    copies = "、".join(render(Msg.of("teamwork.copy_out_named", assessor=c.assessor, copy=c.file_name,
                                     made_at=local_time(c.made_at))) for c in out)
    code = "teamwork.sign_copy_out_unit" if units is not None and len(units) == 1 else "teamwork.sign_copy_out"
    return Msg.of(code, copies=copies)


def record_copy_made(ds: Dataset, by: int, mark: CopyMark) -> Edit:
    """The making of a field copy kept in this file's trail (to whom, which units, the copy's name, when, by
    whom), as one audited edit, so that the copy counts as out until a merge of it is recorded here."""
    units = list(mark.units) if mark.units is not None else None
    value = {"mark": mark.hash, "assessor": mark.assessor, "units": units,
             "made_at": mark.made_at, "made_by": mark.made_by, "file_name": mark.file_name}
    return replay_edit.mark(ds, by, HANDED_OUT, "1", value)


def sheet_signing_refused(conn: sqlite3.Connection, file_name: str) -> Msg | None:
    """Why a score sheet cannot be signed in this file: it is a field copy, and the office signs a unit's
    sheet (which locks the unit) in the year file once the copy is merged back; None when it is no copy."""
    found = marks(conn)
    if not found:
        return None  # a copy of a copy names the year file in its first mark
    return Msg.of("pdf.sign_in_field_copy", copy=file_name, year=found[0].year_file or "")


def make_field_copy(ds: Dataset, target: str | Path, assessor: str, by: int,
                    units: Sequence[str] | None = None, record: bool = True) -> CopyMark:
    """Write a field copy of the open year to `target` (never replacing a file): the whole year as it is
    saved now, the assessor added to it when new, and its mark (assessor, units, when, by whom, the
    year's audit head). Every unit is kept so that rankings score as in the office; `units` names the
    ones the assessor takes. The copy appears whole or not at all. With `record`, the making is kept in `ds`'s
    trail too (record_copy_made); the copy is taken back when that cannot be written. Without it (`ds` is a
    private copy of the open year) the caller records it in the year (core/editing/field_work.py)."""
    target = Path(target)
    if target.exists():
        raise DatasetError(Msg.of("dataset.exists", file=target.name))
    if not assessor.strip():
        raise DatasetError(Msg.of("teamwork.assessor_needed"))
    names = [name for (name,) in replay_edit.connection(ds).execute("SELECT name FROM units ORDER BY position, id")]
    if units is not None:
        unknown = [u for u in units if u not in names]
        if unknown:
            raise DatasetError(Msg.of("teamwork.unknown_unit", name=unknown[0]))
    made_by = next((a.name for a in ds.assessors() if a.id == by), "")
    part = target.with_name(f".{target.name}.{os.getpid()}.creating")
    source = replay_edit.connection(ds)
    try:
        conn = sqlite3.connect(part, isolation_level=None)
        try:
            source.backup(conn)
            conn.execute("PRAGMA user_version = 0")  # made from a backup viewed read-only: a field copy, no backup
            conn.execute("PRAGMA foreign_keys=ON")
            copy = replay_edit.adopt_connection(target, conn)
            seq, digest = copy.audit_head()
            if copy.assessor_id(assessor.strip()) is None:
                added = copy.add_assessor(by, assessor.strip(), reason=None)
                if not added.ok:
                    raise DatasetError(added.problems[0].message)
            value = {"assessor": assessor.strip(), "units": list(units) if units is not None else None,
                     "made_at": now_text(), "made_by": made_by, "base_seq": seq, "base_hash": digest,
                     "file_name": target.name, "year_file": ds.path.name}
            edit = replay_edit.mark(copy, by, MARK, "1", value)
            if not edit.ok:
                raise DatasetError(edit.problems[0].message)
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
        backup.fsync_path(part)
        try:
            os.link(part, target)
        except FileExistsError:
            raise DatasetError(Msg.of("dataset.exists", file=target.name)) from None
        except OSError:
            if target.exists():
                raise DatasetError(Msg.of("dataset.exists", file=target.name)) from None
            os.replace(part, target)
        backup.fsync_path(target.parent)
    except sqlite3.Error as exc:  # a folder that takes no new file, a full disk: in the catalogue's words
        raise _open_fault(target, exc) from None
    finally:
        for leftover in (part, Path(f"{part}-wal"), Path(f"{part}-shm"), Path(f"{part}-journal")):
            leftover.unlink(missing_ok=True)
    check = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        made = marks(check)[-1]
    finally:
        check.close()
    if record:
        try:
            kept = record_copy_made(ds, by, made)
        except BaseException:  # a copy the year does not know of is not handed out: taken back
            target.unlink(missing_ok=True)
            raise
        if not kept.ok:
            target.unlink(missing_ok=True)
            raise DatasetError(kept.problems[0].message)
    return made
