"""Signatures, certificates and locks (schema 3; core/pdf/export.py): handwritten signatures for the
PDF documents, the certificates the year's PDFs were signed with, the signed versions of each unit's
score sheet, and the lock a signed sheet puts on the unit's facts until it is reopened with a reason
(both audited)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.store.edit import Edit, _Rejected, _Tx, now_text
from core.store.sheet_figures import FIGURES_KEY, SignedFigures, read_signed_figures

if TYPE_CHECKING:
    from core.store.dataset import DatasetCore as _Core
else:
    _Core = object  # a plain mixin at run time; to the type checker each part builds on the core


SIGNATURE_DOCUMENTS = ("record", "sheet", "summary")
SIGNATURE_ROLES = ("assessor", "representative", "reviewer")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def is_png(data: bytes) -> bool:
    """A PNG with a header chunk and a non-empty picture (what the signature pad stores)."""
    if not isinstance(data, (bytes, bytearray)) or len(data) < 33 or not data.startswith(PNG_MAGIC):
        return False
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return data[12:16] == b"IHDR" and width > 0 and height > 0


def normal_fingerprint(fingerprint: str) -> str:
    """A certificate fingerprint as stored: lowercase hex, no separators."""
    return "".join(c for c in fingerprint.lower() if c in "0123456789abcdef")


@dataclass(frozen=True)
class Signature:
    """A signature on a document of the year (a record, a score sheet or the summary)."""
    id: int
    unit_id: int | None
    document: str
    role: str
    name: str
    title: str
    signed_at: str
    png: bytes = field(repr=False)
    sha256: str = ""


@dataclass(frozen=True)
class KnownCertificate:
    """A signing certificate the year file trusts, by its fingerprint."""
    fingerprint: str
    subject: str
    added_at: str


@dataclass(frozen=True)
class SheetVersion:
    """A signed version of a unit's score sheet: when, with which certificate, and the PDF's hash."""
    unit_id: int
    version: int
    signed_at: str
    fingerprint: str
    pdf_sha256: str


@dataclass(frozen=True)
class UnitLock:
    """A unit locked by its signed score sheet: its facts cannot change until it is unlocked."""
    unit_id: int
    version: int
    locked_at: str


class SignaturesAndLocks(_Core):
    """The Dataset's signatures, certificates, signed sheet versions and unit locks."""

    def _refuse_if_locked(self, tx: _Tx, unit_id: int) -> None:
        """Called by the edit path for every unit an edit requires or touches."""
        if tx.ignore_locks or unit_id in tx.lock_checked or self.schema_version < 3:
            return
        tx.lock_checked.add(unit_id)
        row = self._conn.execute("SELECT u.name, l.version FROM unit_locks l JOIN units u ON u.id = l.unit_id "
                                 "WHERE l.unit_id = ?", (unit_id,)).fetchone()
        if row is not None:
            raise _Rejected(self._problem("dataset.unit_locked", unit=row[0], version=row[1]))

    def add_signature(self, by: int | None, document: str, role: str, name: str, png: bytes, *,
                      unit_id: int | None = None, title: str = "", signed_at: str | None = None,
                      reason: str | None = None) -> Edit:
        """Store a handwritten signature (PNG from the signature pad) for a signature line: document
        'record' or 'sheet' of unit_id, or 'summary' (unit_id None); role 'assessor', 'representative'
        or 'reviewer'. The newest signature of a (document, role, name) is the one drawn. Allowed on a
        locked unit: a signature is not a fact."""
        def change(tx: _Tx) -> int:
            problems = []
            if document not in SIGNATURE_DOCUMENTS:
                problems.append(self._problem("dataset.signature_document", field="document", value=document))
            if role not in SIGNATURE_ROLES:
                problems.append(self._problem("dataset.signature_role", field="role", value=role))
            if not name.strip():
                problems.append(self._problem("dataset.signature_name_empty", field="name"))
            if not is_png(png):
                problems.append(self._problem("dataset.signature_not_png", field="png"))
            if (unit_id is None) != (document == "summary"):
                problems.append(self._problem("dataset.signature_unit", field="unit_id"))
            if problems:
                raise _Rejected(*problems)
            if unit_id is not None:
                self._require_unit(unit_id)
            return tx.insert("signatures", {
                "unit_id": unit_id, "document": document, "role": role, "name": name.strip(), "title": title,
                "signed_at": signed_at or now_text(), "png": sqlite3.Binary(png),
                "sha256": hashlib.sha256(png).hexdigest(), "added_by": by}, hidden=("png",))
        return self._edit(by, reason, change)

    def remove_signature(self, by: int | None, signature_id: int, reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            if not tx.delete("signatures", {"id": signature_id}):
                raise _Rejected(self._problem("dataset.no_record", table="signatures", id=signature_id))
        return self._edit(by, reason, change)

    def signatures(self, unit_id: int | None = None, document: str | None = None) -> list[Signature]:
        """The stored signatures of a unit (None: of the year summary), oldest first."""
        sql = ("SELECT id, unit_id, document, role, name, title, signed_at, png, sha256 FROM signatures "
               "WHERE unit_id IS ?" + (" AND document = ?" if document else "") + " ORDER BY signed_at, id")
        rows = self._conn.execute(sql, (unit_id, document) if document else (unit_id,))
        return [Signature(sid, unit, doc, role, name, title, signed_at, bytes(png), sha256)
                for sid, unit, doc, role, name, title, signed_at, png, sha256 in rows]

    def add_certificate(self, by: int | None, fingerprint: str, subject: str,
                        reason: str | None = None) -> Edit:
        """Register a signing certificate (SHA-256 fingerprint) as known to this year; no change if known."""
        fingerprint = normal_fingerprint(fingerprint)

        def change(tx: _Tx) -> None:
            if self.known_certificate(fingerprint) is None:
                tx.insert("certificates", {"fingerprint": fingerprint, "subject": subject, "added_at": now_text()})
        return self._edit(by, reason, change)

    def certificates(self) -> list[KnownCertificate]:
        return [KnownCertificate(*row) for row in self._conn.execute(
            "SELECT fingerprint, subject, added_at FROM certificates ORDER BY added_at, fingerprint")]

    def known_certificate(self, fingerprint: str) -> KnownCertificate | None:
        row = self._conn.execute("SELECT fingerprint, subject, added_at FROM certificates WHERE fingerprint = ?",
                                 (normal_fingerprint(fingerprint),)).fetchone()
        return None if row is None else KnownCertificate(*row)

    def unit_lock(self, unit_id: int) -> UnitLock | None:
        """The lock a signed score sheet put on the unit's facts, or None when they can be edited."""
        row = self._conn.execute("SELECT unit_id, version, locked_at FROM unit_locks WHERE unit_id = ?",
                                 (unit_id,)).fetchone()
        return None if row is None else UnitLock(*row)

    def sheet_versions(self, unit_id: int) -> list[SheetVersion]:
        return [SheetVersion(*row) for row in self._conn.execute(
            "SELECT unit_id, version, signed_at, fingerprint, pdf_sha256 FROM sheet_versions WHERE unit_id = ? "
            "ORDER BY version", (unit_id,))]

    def signed_sheet(self, pdf_sha256: str) -> SheetVersion | None:
        """The signed sheet version the year recorded with exactly these bytes (their SHA-256), or None (also for a
        year file of a schema before the sheets' bytes were recorded)."""
        if self.schema_version < 3:
            return None
        row = self._conn.execute("SELECT unit_id, version, signed_at, fingerprint, pdf_sha256 FROM sheet_versions "
                                 "WHERE pdf_sha256 = ? ORDER BY id DESC LIMIT 1", (pdf_sha256.lower(),)).fetchone()
        return None if row is None else SheetVersion(*row)

    def signed_figures(self, unit_id: int, version: int) -> SignedFigures | None:
        """What the unit's signed sheet `version` said (None: not recorded with it)."""
        return read_signed_figures(self, unit_id, version)

    def next_sheet_version(self, unit_id: int) -> int:
        """The version number the unit's next score sheet carries (1 + the signed versions so far)."""
        return self._conn.execute("SELECT coalesce(max(version), 0) + 1 FROM sheet_versions WHERE unit_id = ?",
                                  (unit_id,)).fetchone()[0]

    def finalize_unit(self, by: int | None, unit_id: int, version: int, fingerprint: str, subject: str,
                      pdf_sha256: str, reason: str | None = None, figures: Mapping[str, Any] | None = None) -> Edit:
        """Record a signed score sheet as `version` and lock the unit's facts (a locked unit's facts are
        final, so facts_final is set too); the certificate becomes known to the year. One edit. `figures`
        (core/store/sheet_figures.py) are what the sheet says, kept in the audit row of its version."""
        fingerprint = normal_fingerprint(fingerprint)

        def change(tx: _Tx) -> int:
            tx.ignore_locks = True
            self._require_unit(unit_id)
            expected = self.next_sheet_version(unit_id)
            if version != expected:
                raise _Rejected(self._problem("dataset.sheet_version_taken", version=version, expected=expected))
            at = now_text()
            new_id = tx.insert("sheet_versions", {"unit_id": unit_id, "version": version, "signed_at": at,
                                                  "fingerprint": fingerprint, "pdf_sha256": pdf_sha256},
                               attested={FIGURES_KEY: dict(figures)} if figures else None)
            tx.update("units", {"id": unit_id}, {"facts_final": 1})
            if self.unit_lock(unit_id) is None:
                tx.insert("unit_locks", {"unit_id": unit_id, "version": version, "locked_at": at})
            else:
                tx.update("unit_locks", {"unit_id": unit_id}, {"version": version, "locked_at": at})
            if self.known_certificate(fingerprint) is None:
                tx.insert("certificates", {"fingerprint": fingerprint, "subject": subject, "added_at": at})
            tx.touch(unit_id)
            return new_id
        return self._edit(by, reason, change)

    def reopen_unit(self, by: int | None, unit_id: int, reason: str) -> Edit:
        """Unlock a unit's facts after its sheet was signed; the reason is required and audited. The
        next score sheet carries a new version number."""
        def change(tx: _Tx) -> None:
            tx.ignore_locks = True
            name = self._require_unit(unit_id)
            if not (reason or "").strip():
                raise _Rejected(self._problem("dataset.reopen_reason_required", field="reason"))
            if not tx.delete("unit_locks", {"unit_id": unit_id}):
                raise _Rejected(self._problem("dataset.unit_not_locked", unit=name))
        return self._edit(by, reason, change)
