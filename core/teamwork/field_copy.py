"""Field copies: the year file handed to an assessor who works away from the office, in the same format,
marked in its own audit trail with who takes it, when, which units, and where the year's trail stood."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.common.messages import Msg
from core.store import backup, replay_edit
from core.store.dataset import Dataset
from core.store.edit import now_text
from core.store.files import DatasetError, _open_fault

MARK = "field_copy"  # the audit action of a copy's mark (a row of the year's own, table meta)


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


def marks(conn: sqlite3.Connection) -> list[CopyMark]:
    """The field-copy marks of a trail, oldest first (a copy of a copy carries both)."""
    found = []
    for seq, digest, value in conn.execute(
            "SELECT seq, hash, new_value FROM audit WHERE table_name = 'meta' AND record_id = '1' AND action = ? "
            "ORDER BY seq", (MARK,)):
        try:
            data = json.loads(value or "{}")
        except ValueError:
            continue
        units = data.get("units")
        found.append(CopyMark(seq, digest, str(data.get("assessor", "")), tuple(units) if units is not None else None,
                              str(data.get("made_at", "")), str(data.get("made_by", "")), int(data.get("base_seq", 0)),
                              str(data.get("base_hash", "")), str(data.get("file_name", "")),
                              str(data.get("year_file", ""))))
    return found


def sheet_signing_refused(conn: sqlite3.Connection, file_name: str) -> Msg | None:
    """Why a score sheet cannot be signed in this file: it is a field copy, and the office signs a unit's
    sheet (which locks the unit) in the year file once the copy is merged back; None when it is no copy."""
    found = marks(conn)
    if not found:
        return None  # a copy of a copy names the year file in its first mark
    return Msg.of("pdf.sign_in_field_copy", copy=file_name, year=found[0].year_file or "")


def make_field_copy(ds: Dataset, target: str | Path, assessor: str, by: int,
                    units: Sequence[str] | None = None) -> CopyMark:
    """Write a field copy of the open year to `target` (never replacing a file): the whole year as it is
    saved now, the assessor added to it when new, and its mark (assessor, units, when, by whom, the
    year's audit head). Every unit is kept so that rankings score as in the office; `units` names the
    ones the assessor takes. The copy appears whole or not at all."""
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
        return marks(check)[-1]
    finally:
        check.close()
