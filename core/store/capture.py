"""Exact captures of records for undo (the Dataset's captures): every stored row of a removed unit,
base, trip, delivery, attachment, promotion or signature, put back with its original ids (later undo
steps refer to those ids), and one record's raw row to know a field's old value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.store.edit import Edit, _Tx
from core.store.people_edits import _restored_import

if TYPE_CHECKING:
    from core.people.tables import ImportSnapshot
    from core.store.dataset import DatasetCore as _Core
else:
    _Core = object  # a plain mixin at run time; to the type checker each part builds on the core


@dataclass(frozen=True)
class Snapshot:
    """Rows captured by Dataset.capture: (table, rows) in an order that satisfies the foreign keys,
    attachment links to put back, and the units the rows belong to."""
    rows: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]
    attachment_links: tuple[tuple[int, dict[str, Any]], ...] = ()
    units: tuple[int, ...] = ()
    imports: tuple[ImportSnapshot, ...] = ()  # a unit's imported sources with their rows (capture_import)


# A unit's tables after `units`, parents before children (the foreign keys).
UNIT_CAPTURE_TABLES = ("unit_kinds", "licences", "bases", "trips", "trip_evaluations", "deliveries", "evidence_ticks",
                       "management", "negatives", "credit_grades", "cancelled_licences", "grade_promotions",
                       "clause_notes", "signatures", "sheet_versions", "conflict_assignments")
CAPTURE_TABLES = ("bases", "trips", "deliveries", "grade_promotions", "evidence_ticks")


class Captures(_Core):
    """The Dataset's captures and restores."""

    def row(self, table: str, record_id: int) -> dict[str, Any] | None:
        """One record of a table with an `id` column, as {column: stored value} (blobs left out)."""
        if table not in CAPTURE_TABLES and table not in ("units", "attachments"):
            raise ValueError(f"no rows of {table}")
        cursor = self._conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
        found = cursor.fetchone()
        if found is None:
            return None
        return {d[0]: v for d, v in zip(cursor.description, found, strict=True) if d[0] not in ("data", "png")}

    def capture(self, *, unit_id: int | None = None, base_id: int | None = None, trip_id: int | None = None,
                delivery_id: int | None = None, attachment_id: int | None = None,
                promotion_id: int | None = None, signature_id: int | None = None) -> Snapshot:
        """Every stored row of one record and what hangs on it (a unit: all its tables, and its imported
        sources with their rows), to restore it exactly after a removal. Attachments of a removed unit,
        base or trip stay in the file with their link cleared (ON DELETE SET NULL), so only the links are
        kept and put back."""
        conn = self._conn
        rows: list[tuple[str, tuple[dict[str, Any], ...]]] = []
        links: list[tuple[int, dict[str, Any]]] = []
        imports: tuple[ImportSnapshot, ...] = ()

        def take(table: str, where: str, params: Sequence[Any]) -> None:
            cursor = conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY rowid", tuple(params))
            names = [d[0] for d in cursor.description]
            found = tuple(dict(zip(names, r, strict=True)) for r in cursor)
            if found:
                rows.append((table, found))

        def take_links(where: str, params: Sequence[Any]) -> None:
            for aid, uid, bid, tid in conn.execute(
                    f"SELECT id, unit_id, base_id, trip_id FROM attachments WHERE {where}", tuple(params)):
                links.append((aid, {"unit_id": uid, "base_id": bid, "trip_id": tid}))

        units: tuple[int, ...] = ()
        if unit_id is not None:
            units = (unit_id,)
            take("units", "id = ?", (unit_id,))
            for table in UNIT_CAPTURE_TABLES:
                if table == "trip_evaluations":
                    take(table, "trip_id IN (SELECT id FROM trips WHERE unit_id = ?)", (unit_id,))
                else:
                    take(table, "unit_id = ?", (unit_id,))
            take_links("unit_id = ?", (unit_id,))
            if self.schema_version >= 4:  # a unit's rosters and monthly reports go and come back with it
                from core.people.tables import capture_import
                imports = tuple(s for s in (capture_import(self._conn, i) for i, in conn.execute(
                    "SELECT id FROM imports WHERE unit_id = ? ORDER BY id", (unit_id,))) if s is not None)
        elif base_id is not None:
            owner = self._conn.execute("SELECT unit_id FROM bases WHERE id = ?", (base_id,)).fetchone()
            units = (owner[0],) if owner else ()
            take("bases", "id = ?", (base_id,))
            take("evidence_ticks", "base_id = ?", (base_id,))
            take_links("base_id = ?", (base_id,))
        elif trip_id is not None:
            owner = self._conn.execute("SELECT unit_id FROM trips WHERE id = ?", (trip_id,)).fetchone()
            units = (owner[0],) if owner else ()
            take("trips", "id = ?", (trip_id,))
            take("trip_evaluations", "trip_id = ?", (trip_id,))
            take("evidence_ticks", "trip_id = ?", (trip_id,))
            take_links("trip_id = ?", (trip_id,))
        elif delivery_id is not None:
            take("deliveries", "id = ?", (delivery_id,))
            units = tuple(r["unit_id"] for _, found in rows for r in found)
        elif attachment_id is not None:
            take("attachments", "id = ?", (attachment_id,))
        elif promotion_id is not None:
            take("grade_promotions", "id = ?", (promotion_id,))
        elif signature_id is not None:
            take("signatures", "id = ?", (signature_id,))
        return Snapshot(tuple(rows), tuple(links), tuple(u for u in units if u is not None), imports)

    def restore(self, by: int, snapshot: Snapshot, reason: str | None = None) -> Edit:
        """Put captured rows back with their original ids, as one audited edit (validated like any edit)."""
        def change(tx: _Tx) -> None:
            for table, found in snapshot.rows:
                for values in found:
                    tx.insert(table, values, hidden=("data", "png"))
                if table in ("units", "grade_promotions", "unit_kinds"):
                    tx.year_level = True
            for attachment, link in snapshot.attachment_links:
                if self._conn.execute("SELECT 1 FROM attachments WHERE id = ?", (attachment,)).fetchone():
                    tx.update("attachments", {"id": attachment}, link)
            if snapshot.imports:
                from core.people.tables import restore_import
                for source in snapshot.imports:  # one summary audit row each, as importing writes
                    restore_import(self._conn, source)
                    tx.log_summary("insert", "imports", str(source.import_id), _restored_import(self._conn, source))
            for uid in snapshot.units:
                tx.touch(uid)
        return self._edit(by, reason, change)
