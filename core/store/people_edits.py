"""The people behind the counts (schema 4 and 5; core/people/tables.py): the rosters, monthly reports,
district list and platform exports imported from Excel, the assessor's assignments of people two
units claim, each base's count source (do clauses 2.1, 2.2 and 4.2 score the counts matched from the
rosters?) and each unit's platform source (do clauses 3.1 and 3.2 score the platform's exports?);
and import_workbook, which checks a workbook (core/excel) and imports its records in one edit."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.people.table_names import ROSTER_KINDS
from core.scoring.facts import Unit
from core.store import audit
from core.store.edit import Edit, _Rejected, _Tx
from core.store.left_out import LeftOut, left_out_of

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from core.excel.check import CheckResult
    from core.excel.partial import Correction
    from core.excel.read import ColumnMapping
    from core.people.matching import MatchResult
    from core.people.platform import PlatformCheck
    from core.people.tables import ImportSnapshot, KeptRecords
    from core.store.dataset import Dataset
    from core.store.dataset import DatasetCore as _Core
else:
    _Core = object  # a plain mixin at run time; to the type checker each part builds on the core


def _import_content(conn: sqlite3.Connection, import_id: int, kind: str) -> str:
    """What an import's audit row records of its people: the SHA-256 of its rows as stored."""
    from core.people.records import KIND_TABLE
    from core.store.audit_check import content_sha256
    return content_sha256(conn, KIND_TABLE[kind], "import_id = ?", (import_id,))


def _people_digest(conn: sqlite3.Connection, kind: str, import_ids: Sequence[int]) -> str:
    """SHA-256 of the people of these imports as stored, in id order, but for the keys tying them to their
    import (id, import_id): what two imports of the same people have alike."""
    import hashlib

    from core.people.records import KIND_TABLE
    table = KIND_TABLE[kind]
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in ("id", "import_id")]
    (text,) = conn.execute(f"SELECT CAST(group_concat(line, char(10)) AS BLOB) FROM "
                           f"(SELECT json_array({', '.join(columns)}) AS line FROM {table} "
                           "WHERE import_id IN (SELECT value FROM json_each(?)) ORDER BY id)",
                           (json.dumps(list(import_ids)),)).fetchone()
    return hashlib.sha256(text or b"").hexdigest()


def _restored_import(conn: sqlite3.Connection, snapshot: ImportSnapshot) -> dict[str, Any]:
    return {**snapshot.source, "content_sha256": _import_content(conn, snapshot.import_id, snapshot.source["kind"])}


def import_workbook(ds: Dataset, by: int | None, kind: str, path: str | Path, *, unit_id: int | None = None,
                    mapping: ColumnMapping | None = None, header_row: int | None = None,
                    reason: str | None = None, today: dt.date | None = None,
                    alongside: bool = False, other_unit: bool = False) -> tuple[CheckResult, Edit | None]:
    """Check a workbook against the dataset's rule set and, when it has no problem, import it (one
    edit, its rows written while the workbook is read: Dataset.read_and_import). Returns the check (the
    preview) and the edit, or None when the check found problems: then nothing was written.
    alongside: see replaced_sources. A form naming another unit is refused unless `other_unit`
    (Dataset.read_and_import)."""
    from core.common.bulk import gc_paused
    from core.excel.check import check_workbook
    from core.people.tables import file_sha256
    sha256 = file_sha256(path)  # before reading: the bytes checked are the bytes recorded
    with gc_paused():  # the records stay alive into the insert: no collector walking them meanwhile
        if sha256 is None:
            return check_workbook(path, kind, ds.rule_set(), mapping=mapping, header_row=header_row,
                                  today=today), None
        return ds.read_and_import(by, kind, path, sha256=sha256, unit_id=unit_id, mapping=mapping,
                                  header_row=header_row, reason=reason, today=today, alongside=alongside,
                                  other_unit=other_unit)


# The units a list of the whole year is scored into (the platform's exports into those scored from the
# platform; the district's traineeship list into those counting bases from rosters): importing it again,
# or taking it out, changes their data.
COUNTED_FROM = {
    "platform_deliveries": "SELECT id FROM units WHERE platform_source = 'platform'",
    "platform_ratings": "SELECT id FROM units WHERE platform_source = 'platform'",
    "traineeship_list": "SELECT DISTINCT unit_id FROM bases WHERE count_source = 'roster'",
}


@dataclass(frozen=True)
class ImportedSource:
    """One imported workbook (Dataset.imports)."""
    id: int
    kind: str
    unit_id: int | None
    file_name: str
    sha256: str
    rows: int
    replaced_rows: int
    mapping: str
    imported_at: str
    imported_by: int | None

    @property
    def roster(self) -> bool:
        """A unit's roster (arrivals or placements): its bases' people are counted from it."""
        return self.kind in ROSTER_KINDS


@dataclass(frozen=True)
class Assignment:
    """The assessor's decision on a person several units claim (Dataset.assignments)."""
    id_number: str
    unit_id: int
    unit: str
    reason: str
    assigned_by: int | None
    assigned_at: str


@dataclass
class _Started:
    """An import begun in its edit (PeopleEdits._start_import): its id, unit, summary so far, the sources
    it replaced."""
    id: int
    unit_id: int | None
    unit_name: str | None
    summary: dict[str, Any]
    replaced: list[tuple[int, str, str, int]]
    replaced_people: str | None  # _people_digest of the replaced sources, when a 定稿 hangs on whether they change
    alongside: bool = False  # kept beside the unit's other lists of its kind (replaced_sources)


# Tables the people's match reads (Dataset.match): an edit writing one of them drops the kept match


class PeopleEdits(_Core):
    """The Dataset's imported people, assignments and the sources of the counted figures."""

    _matched: MatchResult | None = None  # the people's match, until an edit changes its inputs
    _kept: KeptRecords | None = None  # each import's records, read once (core.people.tables.submissions)

    def _kept_records(self) -> KeptRecords:
        if self._kept is None:
            self._kept = {}
        return self._kept

    def import_people(self, by: int | None, checked: CheckResult, *, sha256: str, unit_id: int | None = None,
                      mapping: Mapping[str, str | int] | None = None, reason: str | None = None,
                      skip_bad_rows: bool = False, corrections: Sequence[Correction] = (),
                      alongside: bool = False) -> Edit:
        """Import the records of a checked workbook (core.excel.check) as one source, in one edit: all
        its rows or none. Refused, with nothing written, when the check found any problem, when the kind
        needs a unit and none is given (or one is given for a list of the whole year), or when the unit
        is locked. Importing the same source again replaces its rows, as the kind's `scope` says
        (resources/excel/import-kinds.toml): a unit's roster, whatever the file is called; a file of
        monthly reports with the same name or the same bytes (SHA-256); a list of the whole year. The
        audit trail gets one summary row (kind, unit, file, SHA-256, rows, rows replaced), not a row per
        person. Edit.id is the new import's id.

        skip_bad_rows: the assessor chose to import the rows without problems alone (all of them or
        none) and leave the rows with problems out; refused when a problem belongs to no row or no row
        is good (core.excel.partial). The summary row then also says how many rows were left out and,
        for each, why. corrections: the cells the assessor corrected before the check
        (core.excel.partial.Correction), one audit row each (file!row.column, old → new). alongside: the
        unit's other lists of the kind stay (replaced_sources)."""
        from core.excel.partial import applied, left_out_audit, partial_refusal
        from core.people.tables import UNIT_KINDS, insert_records
        written: dict[str, str] = {}

        def change(tx: _Tx) -> int:
            written["at"] = tx.at
            if checked.problems and not skip_bad_rows:
                raise _Rejected(*checked.problems)
            if checked.problems and partial_refusal(checked):
                raise _Rejected(*partial_refusal(checked))
            started = self._start_import(tx, by, checked.kind, unit_id, checked.source, sha256, len(checked.records),
                                         mapping, alongside)
            conn = self._conn
            insert_records(conn, checked.kind, checked.records, import_id=started.id, unit_id=unit_id,
                           unit_ids=dict(conn.execute("SELECT name, id FROM units")))
            left_out = left_out_audit(checked)
            choice = {"left_out_rows": len(left_out), "left_out": left_out} if left_out else {}
            kept = applied(corrections, checked)
            if kept:
                choice["corrected_cells"] = len(kept)
            self._end_import(tx, started, choice, _import_content(conn, started.id, checked.kind))
            for c in kept:
                tx._log("correct", "imports", str(started.id), f"{checked.source}: {c.cell}", c.old, c.new)
            return started.id
        edit = self._edit(by, reason, change)
        if edit.id is not None and checked.kind in UNIT_KINDS:  # the next match need not read back what was written
            self._kept_records()[(edit.id, sha256, written["at"])] = checked.records
        return edit

    def read_and_import(self, by: int | None, kind: str, path: str | Path, *, sha256: str,
                        unit_id: int | None = None, mapping: ColumnMapping | None = None,
                        header_row: int | None = None, reason: str | None = None,
                        today: dt.date | None = None, alongside: bool = False,
                        other_unit: bool = False) -> tuple[CheckResult, Edit | None]:
        """Read and check a workbook (core.excel.check.read_and_check) and import its records as
        import_people does, in one go: each sheet's rows are written as soon as the sheet is checked,
        on a thread of their own, while the next sheets are read (core/store/people_writer.py). Returns
        the check and the edit, or None when the check found problems: then the edit is rolled back
        and nothing was written. A refusal before reading (no unit, a locked unit) is the edit's, with
        the check made anyway; so is a form naming another unit than the one imported into above its header
        (core/people/import_notes.py), unless `other_unit` says the assessor has accepted it."""
        from pathlib import Path

        from core.excel.check import check_workbook, read_and_check
        from core.people.import_notes import other_unit_notes
        from core.people.tables import UNIT_KINDS
        from core.store.people_writer import SheetRowsWriter
        rules = self.rule_set()
        found: dict[str, Any] = {}

        def change(tx: _Tx) -> int:
            found["at"] = tx.at
            started = self._start_import(tx, by, kind, unit_id, Path(path).name, sha256, 0, mapping, alongside)
            conn = self._conn
            writer = SheetRowsWriter(conn, kind, started.id, unit_id, dict(conn.execute("SELECT name, id FROM units")))
            try:
                _, checked = read_and_check(path, kind, rules, mapping=mapping, header_row=header_row, today=today,
                                            each_checked=writer.add)
            finally:
                writer.close()
            found["checked"] = checked
            if checked.problems:
                raise _Rejected(*checked.problems)
            naming_another = () if other_unit or started.unit_name is None else other_unit_notes(
                checked.unit_lines, started.unit_name, checked.source)
            if naming_another:
                raise _Rejected(*naming_another)
            content = writer.finish(checked.records)
            conn.execute("UPDATE imports SET rows = ? WHERE id = ?", (len(checked.records), started.id))
            started.summary["rows"] = len(checked.records)
            self._end_import(tx, started, {}, content)
            return started.id
        edit = self._edit(by, reason, change)
        checked = found.get("checked")
        if checked is None:  # refused before reading
            checked = check_workbook(path, kind, rules, mapping=mapping, header_row=header_row, today=today)
        if not checked.ok:
            return checked, None
        if edit.id is not None and kind in UNIT_KINDS:  # the next match need not read back what was just written
            self._kept_records()[(edit.id, sha256, found["at"])] = checked.records
        return checked, edit

    def _start_import(self, tx: _Tx, by: int | None, kind_id: str, unit_id: int | None, file_name: str,
                      sha256: str, rows: int, mapping: Mapping[str, str | int] | None,
                      alongside: bool = False) -> _Started:
        """An import's first steps in its edit: the unit checked, the sources it replaces taken out with
        their rows, and its `imports` row written (its id is the rows' import_id)."""
        from core.excel.kinds import import_spec
        from core.people.tables import KIND_TABLE
        kind = import_spec().kind(kind_id)
        if kind.scope == "year" and unit_id is not None:
            raise _Rejected(self._problem("dataset.import_year_list", field="unit", kind=kind.label))
        unit_name = None
        if kind.scope != "year":
            if unit_id is None:
                raise _Rejected(self._problem("dataset.import_needs_unit", field="unit", kind=kind.label))
            tx.require("units", unit_id)
            unit_name = self._require_unit(unit_id)
        conn = self._conn
        replaced = [(s.id, s.file_name, s.sha256, s.rows)
                    for s in self.replaced_sources(kind.id, unit_id, file_name, sha256, alongside=alongside)]
        replaced_people = (_people_digest(conn, kind.id, [r[0] for r in replaced])
                           if replaced and self._final_hangs_on(kind.id, unit_id) else None)
        for old_id, *_ in replaced:
            conn.execute(f"DELETE FROM {KIND_TABLE[kind.id]} WHERE import_id = ?", (old_id,))
            conn.execute("DELETE FROM imports WHERE id = ?", (old_id,))
        summary = {"kind": kind.id, "unit_id": unit_id, "file_name": file_name, "sha256": sha256,
                   "rows": rows, "replaced_rows": sum(r[3] for r in replaced),
                   "mapping": audit.value_json(dict(mapping)) if mapping else "", "imported_at": tx.at,
                   "imported_by": by}
        import_id = tx.fresh_id("imports")
        conn.execute(f"INSERT INTO imports (id, {', '.join(summary)}) VALUES (?, {', '.join('?' * len(summary))})",
                     [import_id, *summary.values()])
        return _Started(import_id, unit_id, unit_name, summary, replaced, replaced_people, alongside)

    def _end_import(self, tx: _Tx, started: _Started, choice: Mapping[str, Any], content_sha256: str) -> None:
        """An import's summary audit row, once its rows are written."""
        kept = {"alongside": True} if started.alongside else {}
        tx.log_summary("import", "imports", str(started.id), {
            **started.summary, "unit": started.unit_name, **kept, **choice, "content_sha256": content_sha256,
            "replaced": [{"id": i, "file_name": f, "sha256": s, "rows": n} for i, f, s, n in started.replaced]})
        kind = started.summary["kind"]
        if started.replaced_people is not None \
                and started.replaced_people == _people_digest(self._conn, kind, [started.id]):
            tx.same_people = True  # the same people as before: no unit's data changed, 定稿 stays
            return
        self._counted_from(tx, kind, started.unit_id)

    def _final_hangs_on(self, kind: str, unit_id: int | None) -> bool:
        """Whether a unit marked 定稿 would be so no more when a list of this kind (of this unit) changed."""
        if unit_id is not None:
            return bool(self.final_among([unit_id]))
        query = COUNTED_FROM.get(kind)
        return query is not None and bool(self.final_among(u for u, in self._conn.execute(query)))

    def replaced_sources(self, kind: str, unit_id: int | None, file_name: str,
                         sha256: str, *, alongside: bool = False) -> list[ImportedSource]:
        """The imported sources an import of this file would replace (see import_people). alongside: a unit's
        list kept beside the unit's other lists of its kind (a roster stamped by another employer) replaces only
        the same file imported before (same name, or the same bytes), as a file of monthly reports does."""
        from core.excel.kinds import import_spec
        scope = import_spec().kind(kind).scope
        where, params = " WHERE kind = ?", list[Any]([kind])
        if scope != "year":
            where, params = where + " AND unit_id IS ?", params + [unit_id]
        if scope == "file" or (scope == "unit" and alongside):
            where, params = where + " AND (file_name = ? OR sha256 = ?)", params + [file_name, sha256]
        return self._imports(where, params)

    def _counted_from(self, tx: _Tx, kind: str, unit_id: int | None) -> None:
        """A unit's own list changes that unit's data; a list of the whole year changes the data of the units
        scored from it (COUNTED_FROM), so each of them not signed and locked is 定稿 no more
        (Dataset._settle_final)."""
        if unit_id is not None:
            tx.touch(unit_id)
            return
        tx.data_units.update(self.units_counted_from(kind))

    def units_counted_from(self, kind: str) -> set[int]:
        """The units whose data a list of the whole year of this kind is part of (COUNTED_FROM), but those
        signed and locked."""
        query = COUNTED_FROM.get(kind)
        if query is None:
            return set()
        locked = ({u for u, in self._conn.execute("SELECT unit_id FROM unit_locks")}
                  if self.schema_version >= 3 else set())
        return {u for u, in self._conn.execute(query) if u not in locked}

    def remove_import(self, by: int | None, import_id: int, reason: str | None = None) -> Edit:
        """Take an imported source out with all its rows (one summary audit row)."""
        from core.people.tables import KIND_TABLE

        def change(tx: _Tx) -> None:
            found = self._conn.execute("SELECT kind, unit_id, file_name, sha256, rows FROM imports WHERE id = ?",
                                       (import_id,)).fetchone()
            if found is None:
                raise _Rejected(self._problem("dataset.no_record", table="imports", id=import_id))
            kind, unit_id, file_name, sha256, rows = found
            self._counted_from(tx, kind, unit_id)
            self._conn.execute(f"DELETE FROM {KIND_TABLE[kind]} WHERE import_id = ?", (import_id,))
            self._conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
            tx.log_summary("delete", "imports", str(import_id), {"kind": kind, "unit_id": unit_id,
                                                                  "file_name": file_name, "sha256": sha256,
                                                                  "rows": rows}, old=True)
        return self._edit(by, reason, change)

    def imports(self, unit_id: int | None = None) -> list[ImportedSource]:
        """The imported sources (of one unit, or all), oldest first."""
        return self._imports(*((" WHERE unit_id = ?", [unit_id]) if unit_id is not None else ("", [])))

    def report_remarks(self, unit_id: int) -> dict[str, list[tuple[str, str]]]:
        """The 备注 the unit's monthly reports give each person (by ID number): (month "YYYY-MM" or "", remark)
        in the order of the months, then of the rows; rows without a remark are left out."""
        found: dict[str, list[tuple[str, str]]] = {}
        for id_number, month, remarks in self._conn.execute(
                "SELECT id_number, coalesce(month, ''), remarks FROM monthly_report_entries "
                "WHERE unit_id = ? AND remarks != '' ORDER BY month, id", (unit_id,)):
            found.setdefault(id_number, []).append((month, remarks))
        return found

    def corrected_cells(self, import_ids: Sequence[int]) -> dict[int, list[tuple[str, str, str]]]:
        """The cells corrected in the preview before each of these imports, as its audit rows record them:
        (where, the file's value, the value imported), in the order corrected."""
        found: dict[int, list[tuple[str, str, str]]] = {}
        for record_id, field, old, new in self._conn.execute(
                "SELECT record_id, field, old_value, new_value FROM audit WHERE table_name = 'imports' "
                f"AND action = 'correct' AND record_id IN ({', '.join('?' * len(import_ids))}) ORDER BY seq",
                [str(i) for i in import_ids]):
            found.setdefault(int(record_id), []).append((field.split(": ", 1)[-1], json.loads(old), json.loads(new)))
        return found

    def left_out(self, import_ids: Sequence[int]) -> dict[int, LeftOut]:
        """The rows each of these imports left out (只导入无误的行), as its summary audit row records them: how
        many, and each one's sheet, row, column and problem (ID numbers masked); an import that left out
        nothing is not in the answer."""
        found: dict[int, LeftOut] = {}
        if not import_ids:
            return found
        for record_id, summary in self._conn.execute(
                "SELECT record_id, new_value FROM audit WHERE table_name = 'imports' AND action = 'import' "
                f"AND record_id IN ({', '.join('?' * len(import_ids))}) ORDER BY seq", [str(i) for i in import_ids]):
            told = json.loads(summary) if summary else None
            left = left_out_of(told) if isinstance(told, dict) else None
            if left is not None:
                found[int(record_id)] = left
        return found

    def rostered_units(self) -> set[int | None]:
        """The units a roster has been imported for."""
        return {s.unit_id for s in self.imports() if s.roster}

    def _imports(self, where: str, params: Sequence[Any]) -> list[ImportedSource]:
        return [ImportedSource(*row) for row in self._conn.execute(
            "SELECT id, kind, unit_id, file_name, sha256, rows, replaced_rows, mapping, imported_at, imported_by "
            f"FROM imports{where} ORDER BY id", list(params))]

    def assign_person(self, by: int | None, id_number: str, unit_id: int | None, reason: str) -> Edit:
        """The assessor's decision on a person several units claim: the person counts for `unit_id`
        (one of the claimants) and for no other unit; None withdraws the decision. The reason is
        required and kept with the decision. Refused when a claimant unit is locked."""
        from core.common.identifiers import normalise_id_number
        number = normalise_id_number(id_number)

        def change(tx: _Tx) -> None:
            if not (reason or "").strip():
                raise _Rejected(self._problem("dataset.assign_reason_required", field="reason"))
            claimants = [r[0] for r in self._conn.execute(
                "SELECT DISTINCT r.unit_id FROM roster_entries r JOIN units u ON u.id = r.unit_id "
                "WHERE r.id_number = ? ORDER BY u.position, u.id", (number,))]
            if not claimants:
                raise _Rejected(self._problem("dataset.assign_unknown_person", field="id_number", id=number))
            for claimant in claimants:
                tx.touch(claimant)
            key = {"id_number": number}
            exists = self._conn.execute("SELECT 1 FROM conflict_assignments WHERE id_number = ?", (number,)).fetchone()
            if unit_id is None:
                if not exists:
                    raise _Rejected(self._problem("dataset.assign_not_assigned", field="id_number", id=number))
                tx.delete("conflict_assignments", key)
                return
            if unit_id not in claimants:
                raise _Rejected(self._problem("match.assignment_not_a_claimant", field="unit",
                                              unit=self._require_unit(unit_id),
                                              claimants=[self._require_unit(u) for u in claimants]))
            values = {"unit_id": unit_id, "reason": reason.strip(), "assigned_by": by, "assigned_at": tx.at}
            if exists:
                tx.update("conflict_assignments", key, values, quiet=("assigned_by", "assigned_at"))
            else:
                tx.insert("conflict_assignments", {**key, **values})
        return self._edit(by, reason, change)

    def assignments(self) -> list[Assignment]:
        return [Assignment(*row) for row in self._conn.execute(
            "SELECT a.id_number, a.unit_id, u.name, a.reason, a.assigned_by, a.assigned_at "
            "FROM conflict_assignments a JOIN units u ON u.id = a.unit_id ORDER BY a.id_number")]

    def capture_import(self, import_id: int) -> ImportSnapshot | None:
        """An imported source with all its rows as stored (core.people.tables.capture_import), to put back later."""
        from core.people.tables import capture_import
        return capture_import(self._conn, import_id)

    def restore_imports(self, by: int | None, snapshots: Sequence[ImportSnapshot], *,
                        remove: Sequence[int] = (), reason: str | None = None) -> Edit:
        """Take the imports `remove` out and put captured imports back with their original ids, in one
        edit: the undo of an import that replaced earlier ones (or of a removal), and its redo. One
        summary audit row per import, as importing writes."""
        from core.people.tables import KIND_TABLE, restore_import

        def change(tx: _Tx) -> None:
            conn = self._conn
            changed: list[tuple[str, int | None]] = []  # the lists taken out and put back: whose data they change
            put_back = {(s.source["kind"], s.unit_id) for s in snapshots}
            removed = [conn.execute("SELECT kind, unit_id FROM imports WHERE id = ?", (i,)).fetchone() for i in remove]
            # the undo (or redo) of an import of the same people as those it replaced changes no unit's data
            same_list = next(iter(put_back)) if len(put_back) == 1 and {tuple(r) for r in removed if r} == put_back \
                else None
            people_before = (_people_digest(conn, same_list[0], list(remove))
                             if same_list and self._final_hangs_on(*same_list) else None)
            for import_id in remove:
                found = conn.execute("SELECT kind, unit_id, file_name, sha256, rows FROM imports WHERE id = ?",
                                     (import_id,)).fetchone()
                if found is None:
                    raise _Rejected(self._problem("dataset.no_record", table="imports", id=import_id))
                kind, unit_id, file_name, sha256, rows = found
                changed.append((kind, unit_id))
                conn.execute(f"DELETE FROM {KIND_TABLE[kind]} WHERE import_id = ?", (import_id,))
                conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
                tx.log_summary("delete", "imports", str(import_id), {"kind": kind, "unit_id": unit_id,
                                                                      "file_name": file_name, "sha256": sha256,
                                                                      "rows": rows}, old=True)
            for snapshot in snapshots:
                if snapshot.unit_id is not None:
                    tx.require("units", snapshot.unit_id)
                changed.append((snapshot.source["kind"], snapshot.unit_id))
                restore_import(conn, snapshot)
                tx.log_summary("insert", "imports", str(snapshot.import_id), _restored_import(conn, snapshot))
            if people_before is not None and people_before == _people_digest(
                    conn, snapshots[0].source["kind"], [s.import_id for s in snapshots]):
                tx.same_people = True
                return
            for kind, unit_id in changed:
                self._counted_from(tx, kind, unit_id)
        return self._edit(by, reason, change)

    def set_count_source(self, by: int | None, unit_id: int, source: str,
                         base_ids: Sequence[int] | None = None, reason: str | None = None) -> Edit:
        """Where the people/retained of a unit's bases (all, or those given) come from: "hand" (typed
        from paper) or "roster" (matched from the imported rosters). One edit, audited per base."""
        from core.scoring.facts import COUNT_SOURCES

        def change(tx: _Tx) -> None:
            if source not in COUNT_SOURCES:
                raise _Rejected(self._problem("dataset.count_source_unknown", field="count_source", value=source))
            tx.require("units", unit_id)
            ids = self.base_ids(unit_id) if base_ids is None else list(base_ids)
            if not ids:
                raise _Rejected(self._problem("dataset.unit_has_no_bases", unit=self._require_unit(unit_id)))
            for base_id in ids:
                if self._unit_of("bases", base_id) != unit_id:
                    raise _Rejected(self._problem("dataset.no_record", table="bases", id=base_id))
                tx.update("bases", {"id": base_id}, {"count_source": source})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def match(self) -> MatchResult:
        """Every unit's people matched (core/people/tables.py: the stored rosters, monthly reports, district
        list and assignments through core.people.matching.match); kept until an edit changes its inputs."""
        if self._matched is None:
            from core.people.tables import match_stored
            self._matched = match_stored(self._conn, self._rules, self._read_units(None), self._kept_records())
        return self._matched

    def counted(self, units: Sequence[Unit]) -> tuple[Unit, ...]:
        """The units with the matched counts on every base whose count source is the rosters."""
        from core.scoring.facts import COUNTS_FROM_ROSTERS
        if not any(b.count_source == COUNTS_FROM_ROSTERS for u in units for b in u.bases):
            return tuple(units)
        from core.people.matching import apply_counts
        result = self.match()
        matched = {u.unit: u for u in result.units}
        return tuple(apply_counts(u, matched[u.name], roster_bases_only=True)
                     if u.name in matched and any(b.count_source == COUNTS_FROM_ROSTERS for b in u.bases) else u
                     for u in units)

    # ---------------------------------------------------------------- the platform's statistics (schema 5)
    # Clauses 3.1 and 3.2 score the deliveries and composite rating typed by hand, or, per unit, the ones
    # of the platform's imported exports (core/people/platform.py links their records to the units by name).

    _platform: PlatformCheck | None = None  # the platform's records per unit, until an edit changes them

    def set_platform_source(self, by: int | None, unit_id: int, source: str,
                            reason: str | None = None) -> Edit:
        """Where a unit's 3.1 deliveries and 3.2 composite rating come from: "hand" (typed) or "platform"
        (the imported platform exports). One audited edit; the typed figures are kept either way."""
        from core.scoring.facts import PLATFORM_SOURCES

        def change(tx: _Tx) -> None:
            if source not in PLATFORM_SOURCES:
                raise _Rejected(self._problem("dataset.platform_source_unknown", field="platform_source",
                                              value=source))
            tx.require("units", unit_id)
            tx.update("units", {"id": unit_id}, {"platform_source": source})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def platform(self) -> PlatformCheck:
        """Every unit's records in the imported platform exports, the exports, and the records that name
        no unit of the year (problems); kept until an edit changes the imports or the unit names."""
        if self._platform is None:
            from core.people.platform import check, read_stored
            names = [r[0] for r in self._conn.execute("SELECT name FROM units ORDER BY position, id")]
            self._platform = check(read_stored(self._conn), names)
        return self._platform

    def with_platform(self, units: Sequence[Unit]) -> tuple[Unit, ...]:
        """The units with the platform's deliveries and rating where their platform source says so."""
        from core.scoring.facts import FIGURES_FROM_PLATFORM
        if not any(u.platform_source == FIGURES_FROM_PLATFORM for u in units):
            return tuple(units)
        from core.people.platform import apply_platform
        found = self.platform()
        return tuple(apply_platform(u, found) if u.platform_source == FIGURES_FROM_PLATFORM else u for u in units)

    def people_with_id_number(self, id_number: str) -> dict[str, list[dict[str, Any]]]:
        """Every row of the people tables with this ID number (uses the id_number indexes)."""
        found = {}
        for table in ("roster_entries", "monthly_report_entries", "traineeship_list", "platform_delivery_records"):
            cursor = self._conn.execute(f"SELECT * FROM {table} WHERE id_number = ?", (id_number,))
            names = [d[0] for d in cursor.description]
            found[table] = [dict(zip(names, row, strict=True)) for row in cursor]
        return found
