"""Photos, scans and PDFs kept inside the year file with their SHA-256 (the Dataset's attachments):
read back byte-identical, added and removed as audited edits."""

from __future__ import annotations

import hashlib
import mimetypes
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.common.atomic import write_atomically
from core.common.messages import Msg
from core.store.edit import Edit, _Rejected, _Tx, now_text
from core.store.files import DatasetError

if TYPE_CHECKING:
    from core.store.dataset import DatasetCore as _Core
else:
    _Core = object  # a plain mixin at run time; to the type checker each part builds on the core


@dataclass(frozen=True)
class Attachment:
    """A photo or scan kept in the year file, and what it is attached to (its bytes are read apart)."""
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


class Attachments(_Core):
    """The Dataset's attachments."""

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
        write_atomically(target, data)
        return target
    # ---------------------------------------------------------------- edits: attachments

    def add_attachment(self, by: int, data: bytes, name: str, mime: str | None = None, *,
                       unit_id: int | None = None, clause_id: str | None = None, base_id: int | None = None,
                       trip_id: int | None = None, description: str = "", reason: str | None = None) -> Edit:
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
    def remove_attachment(self, by: int, attachment_id: int, reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            if not tx.delete("attachments", {"id": attachment_id}):
                raise _Rejected(self._problem("dataset.no_record", table="attachments", id=attachment_id))
        return self._edit(by, reason, change)
