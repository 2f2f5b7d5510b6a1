"""What a signed score sheet said — its total, status, grade and each clause's points — recorded in the audit
row of its signing, and whether the unit's figures now differ (a sheet signed while its ranking clauses were
暂定 goes out of date when another unit's facts change)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from core.common.messages import Msg, format_number

if TYPE_CHECKING:
    from core.scoring.engine import UnitResult, YearResult
    from core.store.dataset import DatasetCore

FIGURES_KEY = "signed_figures"  # beside the sheet_versions record's columns in its audit row


def figures_of(result: UnitResult) -> dict[str, Any]:
    """The figures of a unit's sheet as signed, exact (fractions as text), for its signing's audit row."""
    return {"total": str(result.total), "status": result.status, "grade": result.grade,
            "clauses": {c.clause_id: str(c.net) for c in result.clauses}}


@dataclass(frozen=True)
class SignedFigures:
    """A signed sheet's figures: its version, total, status, grade and clause points."""
    version: int
    total: Fraction
    status: str
    grade: str
    clauses: Mapping[str, Fraction]


def read_signed_figures(ds: DatasetCore, unit_id: int, version: int) -> SignedFigures | None:
    """The figures the unit's sheet `version` was signed with, or None: signed before they were recorded, or
    brought in by a field copy's merge (its signing's audit row stayed in the copy)."""
    row = ds._conn.execute("SELECT id FROM sheet_versions WHERE unit_id = ? AND version = ?",
                           (unit_id, version)).fetchone()
    if row is None:
        return None
    found = ds._conn.execute("SELECT new_value FROM audit WHERE table_name = 'sheet_versions' AND record_id = ? "
                             "AND action = 'insert' ORDER BY seq DESC LIMIT 1", (str(row[0]),)).fetchone()
    try:
        data = json.loads(found[0])[FIGURES_KEY] if found and found[0] else None
        if not isinstance(data, dict):
            return None
        return SignedFigures(version, Fraction(data["total"]), str(data["status"]), str(data["grade"]),
                             {str(k): Fraction(v) for k, v in data["clauses"].items()})
    except (ValueError, KeyError, TypeError, AttributeError):  # a row not written by this program: nothing said
        return None


def figures_changed(signed: SignedFigures, now: UnitResult, next_version: int, decimals: int = 2) -> Msg | None:
    """One sentence when the unit's figures are no longer the signed sheet's: the total then and now, the
    clauses, status and grade that moved, and the way forward (a new version); None when they agree."""
    moved = [Msg.of("sheet.figures_clause", clause=c.clause_id,
                    old=format_number(signed.clauses[c.clause_id], decimals), new=format_number(c.net, decimals))
             for c in now.clauses if c.clause_id in signed.clauses and signed.clauses[c.clause_id] != c.net]
    if signed.status != now.status:
        moved.append(Msg.of("sheet.figures_status", old=Msg.of(f"status.{signed.status}"),
                            new=Msg.of(f"status.{now.status}")))
    if signed.grade != now.grade:
        moved.append(Msg.of("sheet.figures_grade", old=signed.grade, new=now.grade))
    if signed.total == now.total and not moved:
        return None
    said = {"version": signed.version, "old": format_number(signed.total, decimals),
            "new": format_number(now.total, decimals), "next": next_version}
    if moved:
        return Msg.of("sheet.figures_changed", moved=moved, **said)
    return Msg.of("sheet.figures_changed_total", **said)


def signed_sheet_verdict(ds: DatasetCore, pdf_sha256: str, result: YearResult, decimals: int = 2) -> Msg | None:
    """For a signed score sheet's bytes (their SHA-256): whether its figures are still the year's — the change
    with the way forward, a later version signed since, or the same figures; None when the year did not sign
    these bytes or did not record what they said."""
    row = ds._conn.execute("SELECT s.unit_id, s.version, u.name FROM sheet_versions s JOIN units u ON u.id = s.unit_id "
                           "WHERE s.pdf_sha256 = ? ORDER BY s.id DESC LIMIT 1", (pdf_sha256.lower(),)).fetchone()
    if row is None:
        return None
    unit_id, version, name = row
    latest = ds._conn.execute("SELECT max(version) FROM sheet_versions WHERE unit_id = ?", (unit_id,)).fetchone()[0]
    if latest != version:
        return Msg.of("sheet.superseded", unit=name, version=version, latest=latest)
    signed = read_signed_figures(ds, unit_id, version)
    if signed is None:
        return None
    now = next(u for u in result.units if u.name == name)
    changed = figures_changed(signed, now, version + 1, decimals)
    return changed or Msg.of("sheet.figures_same", total=format_number(now.total, decimals))
