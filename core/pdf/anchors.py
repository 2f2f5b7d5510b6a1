"""Anchors of a year's audit trail kept outside the year file, read back from a score sheet (PDF) or
a backup to check the trail against (`verify-audit --against FILE`, core/store/audit_check.py).

A document carries the head it was made at in its keywords (ANCHOR_KEYWORD of core/pdf/layout.py), inside
the bytes its signature covers: read only from a sheet whose signatures are intact (an unsigned one
is read with a warning — anyone can write one). An intact signature vouches for nothing by itself —
anyone can make a key under the leader's name — so a sheet signed by a certificate the year did not
register or this computer does not trust, or one the year has no record of signing, is named as such
beside the comparison (`signer_doubts`), never given as an all-clear. A document made in a field copy
carries the copy's mark there too: its head is the copy's, not the year's (core/teamwork/origin.py). A
backup carries its own trail: its head is the anchor, after its own chain is checked and it is seen to be
a backup of the same year.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import sqlite3
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.common.messages import Msg, render
from core.pdf.signing import Verification
from core.store import audit
from core.store.audit_check import Anchor
from core.teamwork.origin import COPY_KEYWORD, CarriedCopy

_KEYWORD = re.compile(r"leye-audit-head (\d+) ([0-9a-f]{64})")


@dataclass(frozen=True)
class Against:
    """What a file offers to check a trail against: the anchor, or why it cannot serve (`refusal`);
    `notes` are said beside the verdict (an unsigned sheet); `doubts` say why the sheet's signature cannot
    vouch for the trail (signer_doubts): with any, the comparison is no all-clear."""
    anchor: Anchor | None = None
    refusal: Msg | None = None
    notes: tuple[Msg, ...] = ()
    doubts: tuple[Msg, ...] = ()
    copy: CarriedCopy | None = None  # a document made in a field copy: the copy's mark it carries


@dataclass(frozen=True)
class DocumentHead:
    """The audit head a document was made at (row, hash), and the field copy's mark when made in one."""
    seq: int
    hash: str
    copy: CarriedCopy | None = None


_SHEET_REASON = re.compile(re.escape(render(Msg.of("pdf.reason.sheet", version="@@"))).replace("@@", r"(\d+)"))


def sheet_version_signed(reason: str) -> int | None:
    """The version a score sheet's signature says it finalised (its reason, pdf.reason.sheet), or None for
    another document (a record, the summary)."""
    found = _SHEET_REASON.fullmatch(reason.strip())
    return None if found is None else int(found.group(1))


def signer_doubts(checked: Verification, pdf_sha256: str,
                  signed_sheet: Callable[[str], bool] | None = None) -> tuple[Msg, ...]:
    """Why an intact signed document cannot vouch for the year (one sentence each): a signer whose certificate
    the year did not register (checked with `known`), or whom this computer does not trust (checked with
    `trusted`); a score sheet the year has no record of signing (`signed_sheet(sha256)`, when given). The
    command line's `verify-audit --against` and the desktop's verify card say the same."""
    doubts: list[Msg] = []
    for s in checked.signatures:
        if s.known is False:
            doubts.append(Msg.of("audit.doubt_unregistered", file=checked.file, signer=s.subject,
                                 fingerprint=s.fingerprint))
        if s.trusted is False:
            doubts.append(Msg.of("audit.doubt_untrusted", file=checked.file, signer=s.subject,
                                 fingerprint=s.fingerprint))
    version = sheet_version_signed(checked.signatures[-1].reason) if checked.signatures else None
    if signed_sheet is not None and version is not None and not signed_sheet(pdf_sha256):
        doubts.append(Msg.of("audit.doubt_not_signed_here", file=checked.file, version=version))
    return tuple(doubts)


def read_against(path: Path, year: int, rule_set_ids: Collection[str], *, known: Callable[[str], bool] | None = None,
                 trusted: Sequence | None = None, signed_sheet: Callable[[str], bool] | None = None) -> Against:
    """The anchor a signed sheet or a backup of the year (`year`, scored by one of `rule_set_ids`: the
    year's rule set now or one it was scored by before a revision was adopted) holds. A sheet's signer is
    checked with `known` (the year's registered certificates), `trusted` (this computer's) and
    `signed_sheet` (the year recorded signing these bytes): what fails is in the Against's doubts."""
    try:
        with open(path, "rb") as f:
            start = f.read(16)
    except OSError:
        return Against(refusal=Msg.of("cli.file_not_found", path=str(path)))
    if start.startswith(b"%PDF"):
        return _of_sheet(path, known, trusted, signed_sheet)
    return _of_backup(path, year, rule_set_ids)


def _of_sheet(path: Path, known: Callable[[str], bool] | None, trusted: Sequence | None,
              signed_sheet: Callable[[str], bool] | None) -> Against:
    from core.pdf.signing import verify_pdf
    data = path.read_bytes()
    checked = verify_pdf(data, name=path.name, known=known, trusted=trusted)
    unsigned = any(p.message.code == "pdf.verify_unsigned" for p in checked.problems)
    if checked.problems and not unsigned:
        return Against(refusal=checked.problems[0].message)
    if not unsigned and not checked.intact:
        return Against(refusal=Msg.of("audit.against_modified", file=path.name))
    found = _keyword_anchor(data)
    if found is None:
        return Against(refusal=Msg.of("audit.against_no_anchor", file=path.name))
    seq, digest, copy = found.seq, found.hash, found.copy
    if unsigned:
        return Against(Anchor(seq, digest, Msg.of("audit.source.unsigned_sheet", file=path.name)),
                       notes=(Msg.of("audit.against_unsigned", file=path.name),), copy=copy)
    signed_at = checked.signatures[0].signed_at
    when = signed_at.astimezone().strftime("%Y-%m-%d %H:%M") if signed_at else "—"
    doubts = signer_doubts(checked, hashlib.sha256(data).hexdigest(), signed_sheet)
    source = Msg.of("audit.source.doubtful_sheet" if doubts else "audit.source.sheet", file=path.name, time=when)
    return Against(Anchor(seq, digest, source), doubts=doubts, copy=copy)


def keyword_anchor(data: bytes) -> DocumentHead | None:
    """The audit head a PDF of the program carries in its keywords (with the field copy's mark when made
    in one), or None."""
    return _keyword_anchor(data)


def _keyword_anchor(data: bytes) -> DocumentHead | None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    try:
        info = PdfFileReader(io.BytesIO(data), strict=False).trailer["/Info"]
        keywords = str(info.get("/Keywords", ""))
    except Exception:  # noqa: BLE001 - a PDF without readable metadata carries no anchor
        return None
    found = _KEYWORD.search(keywords)
    if found is None:
        return None
    return DocumentHead(int(found.group(1)), found.group(2), _carried_copy(keywords))


def _carried_copy(keywords: str) -> CarriedCopy | None:
    """The field copy's mark after COPY_KEYWORD (JSON), or None: not made in a field copy, or unreadable."""
    at = keywords.find(COPY_KEYWORD + " ")
    if at < 0:
        return None
    try:
        data, _ = json.JSONDecoder().raw_decode(keywords, at + len(COPY_KEYWORD) + 1)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("mark"), str):
        return None
    return CarriedCopy(data["mark"], str(data.get("file", "")), str(data.get("assessor", "")))


def _of_backup(path: Path, year: int, rule_set_ids: Collection[str]) -> Against:
    from core.store.files import DatasetError, inspect, ro_uri
    try:
        info = inspect(path)
    except DatasetError as exc:
        return Against(refusal=exc.msg)
    if info.year != year or info.rule_set_id not in rule_set_ids:
        return Against(refusal=Msg.of("audit.against_not_backup", file=path.name))
    conn = sqlite3.connect(ro_uri(path), uri=True, isolation_level=None)
    try:
        broken = audit.verify(conn)
        seq, _, digest = audit.head(conn)
    finally:
        conn.close()
    if broken is not None:
        return Against(refusal=Msg.of("audit.against_backup_broken", file=path.name, seq=broken))
    when = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return Against(Anchor(seq, digest, Msg.of("audit.source.backup", name=path.name, time=when), trail=path))
