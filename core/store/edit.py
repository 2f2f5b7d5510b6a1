"""One edit of the year file: its outcome (Edit), its refusal (_Rejected), its writes (_Tx), each
written with its audit row, and running it as one transaction (Transactions._edit, a part of
core.store.dataset.Dataset)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from core.common.messages import Msg
from core.common.problems import Problem
from core.scoring.facts import FORMAT_NAME, FORMAT_VERSION, Base, Unit, parse_year, unit_to_json
from core.store import audit
from core.store.files import DatasetError, _is_busy, _sqlite_code

if TYPE_CHECKING:
    from core.scoring.rules import RuleSet
    from core.store.dataset import DatasetCore
    from core.store.dataset import DatasetCore as _Core
else:
    _Core = object  # a plain mixin at run time; to the type checker each part builds on the core

KEYS = audit.KEYS  # key columns of each table, for the audit's record id
NEGATIVE_COUNTS = ("collective_disputes_lost", "individual_disputes_lost", "complaints")


@dataclass(frozen=True)
class Edit:
    """The outcome of one edit: the new record's id when it made one, or the problems that stopped it
    (then nothing was written)."""
    id: int | None = None
    problems: tuple[Problem, ...] = ()
    unfinalized: tuple[int, ...] = ()  # units whose 定稿 the edit withdrew: their data changed (Dataset._settle_final)
    rows: int = 0  # the audit rows it wrote: none, it changed nothing (and is no step to undo)
    same_people: bool = False  # an import whose people are those of the sources it replaced (定稿 kept)
    final_kept: tuple[int, ...] = ()  # a merge's units 定稿 whose lists came again with the same people (kept)
    final_dropped: tuple[int, ...] = ()  # a merge's units not 定稿 before whose copy's 定稿 it did not keep

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rejected(Exception):
    """Raised inside an edit to refuse it: the transaction is rolled back and the problems returned."""

    def __init__(self, *problems: Problem):
        self.problems = problems


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _fraction_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        value = Fraction(str(value))
    return str(Fraction(value))


def _db(value: Any) -> Any:
    """A Python value as stored: dates as ISO text, fractions exact as text, booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if isinstance(value, (Fraction, float)):
        return _fraction_text(value)
    return value


# Tables the people's match reads (Dataset.match): an edit writing one of them drops the kept match
# (of units and bases only the names and types matter: typing a base's counts keeps it).
MATCH_INPUTS = frozenset({"units", "bases", "imports", "conflict_assignments", "roster_entries",
                          "monthly_report_entries", "traineeship_list"})


class _Tx:
    """The writes of one edit, each audited. Only the Dataset's edit methods use it."""

    def __init__(self, ds: DatasetCore, assessor_id: int | None, reason: str | None):
        self.ds = ds
        self.conn = ds._conn
        self.assessor_id = assessor_id
        self.reason = reason
        self.at = now_text()
        self.touched_units: set[int] = set()
        self.year_level = False
        self.ignore_locks = False  # only finalize/reopen set it (Dataset._refuse_if_locked)
        self.lock_checked: set[int] = set()
        self.match_inputs_changed = False  # see MATCH_INPUTS
        self.validated_units: dict[int, Any] = {}  # the touched units as the edit leaves them (Dataset._validate)
        self.rows_logged = 0  # audit rows written so far: none, nothing changed (and 定稿 stays)
        self.data_units: set[int] = set()  # the touched units whose data (not only a remark) the edit changes
        self.final_written: set[int] = set()  # units whose facts_final the edit itself sets (kept as set)
        self.unfinalized: list[int] = []  # units whose 定稿 the edit withdrew (Dataset._settle_final)
        self.final_settled = False  # the withdrawal is done already (a merge does it in a part of its own)
        self.same_people = False  # an import replaced sources by the same people (Edit.same_people)
        self._last_ids: dict[str, int] = {}  # fresh_id: the highest id each table has had, as far as this edit knows

    def touch(self, unit_id: int, *, remark: bool = False) -> None:
        """The edit changes the unit (checked against its lock, validated); a `remark` (a clause's note) is
        not its data, so it leaves the unit's 定稿 as it is (Dataset._settle_final)."""
        self.ds._refuse_if_locked(self, unit_id)
        self.touched_units.add(unit_id)
        if not remark:
            self.data_units.add(unit_id)

    def require(self, table: str, record_id: int) -> None:
        if self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (record_id,)).fetchone() is None:
            raise _Rejected(self.ds._problem("dataset.no_record", table=table, id=record_id))
        if table == "units":
            self.ds._refuse_if_locked(self, record_id)

    def _record_id(self, table: str, values: Mapping[str, Any], rowid: int | None = None) -> str:
        keys = KEYS.get(table)
        if keys is None:
            return str(values.get("id", rowid))
        return "/".join(str(values[k]) for k in keys)

    def _log(self, action: str, table: str, record_id: str, field: str | None = None, old: Any = None,
             new: Any = None) -> None:
        self.rows_logged += 1
        if table in MATCH_INPUTS and not (action == "update" and table in ("units", "bases")
                                          and field not in ("name", "type")):
            self.match_inputs_changed = True
        self.ds._audit.append(at=self.at, assessor_id=self.assessor_id, action=action, table_name=table,
                              record_id=record_id, field=field, old_value=audit.value_json(old),
                              new_value=audit.value_json(new), reason=self.reason)

    def log_summary(self, action: str, table: str, record_id: str, values: Mapping[str, Any], *,
                    old: bool = False) -> None:
        """One audit row standing for a bulk write (an import: its people are not audited one by one)."""
        self._log(action, table, record_id, None, values if old else None, None if old else values)

    def fresh_id(self, table: str) -> int:
        """An id the table has never had. SQLite gives a new row the last row's id + 1, so a record added after
        the last one was deleted would take the deleted one's id, and a field copy's change of the deleted record
        would then be merged into the new one (core/teamwork); the trail knows every id a table has had."""
        last = self._last_ids.get(table)
        if last is None:
            (stored,) = self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()
            last = stored or 0
        fresh = last + 1
        # ids above the last row's were had by records since removed (looked up by the trail's index: a
        # few steps at most, where reading the trail's every id of the table took milliseconds per edit)
        while self.conn.execute("SELECT 1 FROM audit WHERE table_name = ? AND record_id = ? LIMIT 1",
                                (table, str(fresh))).fetchone() is not None:
            fresh += 1
        self._last_ids[table] = fresh
        return fresh

    def insert(self, table: str, values: Mapping[str, Any], hidden: Iterable[str] = (),
               attested: Mapping[str, Any] | None = None) -> int:
        """Insert one record and audit it; `attested` is said beside its fields in the audit row only (what the
        record stands for that no column holds, e.g. a signed sheet's figures; replaying the trail skips it). A
        record known by its id (not by KEYS) and given none gets one its table never had (fresh_id)."""
        if "id" not in values and table not in KEYS:
            values = {"id": self.fresh_id(table), **values}
        columns = list(values)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [values[c] for c in columns])
        hide = set(hidden)
        shown = {k: v for k, v in values.items() if k not in hide}
        shown.update(attested or {})
        rowid = cursor.lastrowid
        assert rowid is not None  # an INSERT sets it
        if table == "units" and "facts_final" in values:
            self.final_written.add(rowid)
        self._log("insert", table, self._record_id(table, values, rowid), None, None, shown)
        return rowid

    def _select(self, table: str, where: Mapping[str, Any], columns: str = "*") -> tuple[list[str], list[tuple]]:
        clause = " AND ".join(f"{k} IS ?" for k in where) or "1"
        cursor = self.conn.execute(f"SELECT {columns} FROM {table} WHERE {clause} ORDER BY rowid", list(where.values()))
        return [d[0] for d in cursor.description], cursor.fetchall()

    def update(self, table: str, key: Mapping[str, Any], changes: Mapping[str, Any],
               quiet: Iterable[str] = ()) -> bool:
        """Set fields of one record; audits each field that really changes (except `quiet` ones)."""
        names, rows = self._select(table, key, ", ".join(changes))
        if not rows:
            raise _Rejected(self.ds._problem("dataset.no_record", table=table, id="/".join(map(str, key.values()))))
        if table == "units" and "facts_final" in changes:
            self.final_written.add(key.get("id", -1))
        old = dict(zip(names, rows[0], strict=True))
        changed = {k: v for k, v in changes.items() if old[k] != v or type(old[k]) is not type(v)}
        if not set(changed) - set(quiet):  # who/when alone is no change: it would go unaudited
            return False
        sets = ", ".join(f"{k} = ?" for k in changed)
        where = " AND ".join(f"{k} = ?" for k in key)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {where}", [*changed.values(), *key.values()])
        record_id = self._record_id(table, {**key, **old})
        for name, value in changed.items():
            if name not in set(quiet):
                self._log("update", table, record_id, name, old[name], value)
        return True

    def delete(self, table: str, where: Mapping[str, Any]) -> int:
        names, rows = self._select(table, where)
        if not rows:
            return 0
        clause = " AND ".join(f"{k} IS ?" for k in where) or "1"
        self.conn.execute(f"DELETE FROM {table} WHERE {clause}", list(where.values()))
        for row in rows:
            values = {k: v for k, v in zip(names, row, strict=True) if k != "data"}
            self._log("delete", table, self._record_id(table, values), None, values, None)
        return len(rows)

    def replace_rows(self, table: str, parent: Mapping[str, Any], rows: list[dict[str, Any]]) -> None:
        """Make a parent's child rows exactly `rows` (in order); audited only when they differ."""
        columns = list(rows[0]) if rows else None
        if columns is None:
            self.delete(table, parent)
            return
        names, existing = self._select(table, parent, ", ".join(columns))
        if [dict(zip(names, r, strict=True)) for r in existing] == rows:
            return
        self.delete(table, parent)
        for row in rows:
            self.insert(table, {**parent, **row})

    def tick(self, unit_id: int, clause_id: str, base_id: int | None, trip_id: int | None, item: str,
             seen: bool | None, note: str) -> None:
        self.require("units", unit_id)
        where = {"unit_id": unit_id, "clause_id": clause_id, "base_id": base_id, "trip_id": trip_id, "item": item}
        names, rows = self._select("evidence_ticks", where, "id")
        if seen is None:
            self.delete("evidence_ticks", where)
        elif rows:
            self.update("evidence_ticks", {"id": rows[0][0]},
                        {"seen": int(seen), "note": note, "ticked_by": self.assessor_id, "ticked_at": self.at},
                        quiet=("ticked_by", "ticked_at"))
        else:
            self.insert("evidence_ticks", {**where, "seen": int(seen), "ticked_by": self.assessor_id,
                                           "ticked_at": self.at, "note": note})
        self.touch(unit_id)

    def _split_of(self, base: Base) -> dict[str, int]:
        """A school base's trainees and retained trainees as typed (schema 9 on; a test's file of an older schema
        cannot hold them, and its bases are then not told apart)."""
        if self.ds.schema_version < 9:
            return {}
        return {k: v for k, v in (("trainees", base.trainees), ("trainees_retained", base.trainees_retained))
                if v is not None}

    def insert_unit(self, position: int, unit: Unit) -> int:
        uid = self.insert("units", {
            "position": position, "name": unit.name, "credit_code": unit.credit_code,
            "new_member": int(unit.new_member), "facts_final": int(unit.facts_final),
            "contact_person": unit.contact_person, "platform_rating": _fraction_text(unit.platform_rating),
            "insured_workers": unit.insured_workers})
        for i, kind in enumerate(unit.kinds):
            self.insert("unit_kinds", {"unit_id": uid, "position": i, "kind": kind})
        for kind, number in unit.licence_numbers.items():
            self.insert("licences", {"unit_id": uid, "kind": kind, "number": number})
        by, at = self.assessor_id, self.at
        for i, b in enumerate(unit.bases):
            base_id = self.insert("bases", {"unit_id": uid, "position": i, "name": b.name, "type": b.type,
                                            "region": b.region, "agreement_date": _db(b.agreement_date),
                                            "people": b.people, "retained": b.retained,
                                            **self._split_of(b)})
            for item, seen in b.evidence.items():
                self.insert("evidence_ticks", {"unit_id": uid, "clause_id": self.ds._record_clause("bases"),
                                               "base_id": base_id, "item": item, "seen": int(seen),
                                               "ticked_by": by, "ticked_at": at})
        for i, t in enumerate(unit.trips):
            trip_id = self.insert("trips", {"unit_id": uid, "position": i, "date": _db(t.date),
                                            "place": t.place, "mode": t.mode, "enterprises": t.enterprises})
            for item, seen in t.evidence.items():
                self.insert("evidence_ticks", {"unit_id": uid, "clause_id": self.ds._record_clause("trips"),
                                               "trip_id": trip_id, "item": item, "seen": int(seen),
                                               "ticked_by": by, "ticked_at": at})
            for j, verdict in enumerate(t.evaluations):
                self.insert("trip_evaluations", {"trip_id": trip_id, "position": j, "verdict": verdict})
        for clause_id, items in unit.evidence.items():
            for item, seen in items.items():
                self.insert("evidence_ticks", {"unit_id": uid, "clause_id": clause_id, "item": item,
                                               "seen": int(seen), "ticked_by": by, "ticked_at": at})
        for i, d in enumerate(unit.deliveries):
            self.insert("deliveries", {"unit_id": uid, "position": i, "date": _db(d.date),
                                       "enterprise": d.enterprise, "stars": d.stars})
        self.insert("management", {"unit_id": uid, "awarded": _fraction_text(unit.management.awarded),
                                   "reason": unit.management.reason})
        n = unit.negative
        self.insert("negatives", {"unit_id": uid, "major_incident": int(n.major_incident),
                                  **{k: getattr(n, k) for k in NEGATIVE_COUNTS}})
        for i, kind in enumerate(n.licences_cancelled):
            self.insert("cancelled_licences", {"unit_id": uid, "position": i, "kind": kind})
        for kind, grade in n.credit_grades.items():
            self.insert("credit_grades", {"unit_id": uid, "kind": kind, "grade": grade})
        self.touch(uid)
        return uid


CANCEL_CHECK_STEPS = 10_000  # SQLite virtual-machine steps between two looks at a cancel (well under 1 ms)

# What went wrong in SQLite's words turned into the bureau's (its own text is English): by primary result code.
SQLITE_FAULTS = {sqlite3.SQLITE_IOERR: "dataset.fault.io", sqlite3.SQLITE_CORRUPT: "dataset.fault.corrupt",
                 sqlite3.SQLITE_NOTADB: "dataset.fault.corrupt", sqlite3.SQLITE_CANTOPEN: "dataset.fault.cant_open",
                 sqlite3.SQLITE_PERM: "dataset.fault.permission", sqlite3.SQLITE_AUTH: "dataset.fault.permission",
                 sqlite3.SQLITE_PROTOCOL: "dataset.fault.io", sqlite3.SQLITE_NOLFS: "dataset.fault.too_large",
                 sqlite3.SQLITE_TOOBIG: "dataset.fault.too_large"}


class Transactions(_Core):
    """Running each edit of the year as one transaction: the checks before it writes, its audit rows, the
    validation of what it leaves (as the exchange format reads it), its 定稿 settled, its commit or rollback."""

    def _require_writable(self) -> None:
        if self._conn is None:
            raise DatasetError(Msg.of("dataset.closed", file=self.path.name))
        if self.read_only:
            raise DatasetError(Msg.of("dataset.opened_read_only", file=self.path.name))
        if not self.scratch and self._stat_identity() != self._identity:
            raise DatasetError(Msg.of("dataset.file_gone", file=self.path.name))
        if self._backup_pending:  # defer_backup: the copy of the year as opened comes before any write
            self.finish_opening()
        self._wait_for_backup(opening_only=True)  # the same, copied on another thread

    def _fault(self, exc: sqlite3.Error) -> DatasetError:
        code = _sqlite_code(exc)
        name = self.path.name
        if code == sqlite3.SQLITE_FULL:
            return DatasetError(Msg.of("dataset.disk_full", file=name))
        if code == sqlite3.SQLITE_READONLY:
            return DatasetError(Msg.of("dataset.read_only", file=name))
        if _is_busy(exc):
            return DatasetError(Msg.of("dataset.locked", file=name))
        return DatasetError(Msg.of("dataset.write_failed", file=name,
                                   detail=Msg.of(SQLITE_FAULTS.get(code or 0, "dataset.fault.other"))))

    def _edit(self, assessor_id: int | None, reason: str | None, change: Callable[[_Tx], int | None]) -> Edit:
        """Run one user edit as one transaction, audit rows included; validate before committing."""
        self._require_writable()
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._fault(exc) from None
        self._audit.begin_edit()
        tx = _Tx(self, assessor_id, reason or None)
        try:
            if assessor_id is not None and conn.execute("SELECT 1 FROM assessors WHERE id = ?",
                                                        (assessor_id,)).fetchone() is None:
                raise _Rejected(self._problem("dataset.unknown_assessor", id=assessor_id))
            new_id = change(tx)
            if not tx.final_settled and tx.rows_logged:  # an edit that changed nothing leaves 定稿 as it is
                self._settle_final(tx, tx.data_units - tx.final_written)
            problems = self._validate(tx)
            if problems:
                raise _Rejected(*problems)
            conn.set_progress_handler(None, 0)  # a cancel (cancel_when) from here on comes too late: the edit stands
            conn.execute("COMMIT")
            self._entered_after_edit = (conn.total_changes, tx.validated_units)
            self._edited_since_backup = True
            if tx.match_inputs_changed:  # the people's match is read again when next asked for
                self._matched = None
                self._platform = None  # so are the platform's records: their imports or the unit names changed
        except _Rejected as rejected:
            self._rollback()
            return Edit(problems=tuple(rejected.problems))
        except sqlite3.IntegrityError as exc:
            self._rollback()
            return Edit(problems=(self._problem("dataset.constraint", detail=str(exc)),))
        except sqlite3.Error as exc:
            self._rollback()
            raise self._fault(exc) from None
        except BaseException:
            self._rollback()
            raise
        if not self.backups_by_owner:
            self.backup_if_due()
        return Edit(id=new_id, unfinalized=tuple(tx.unfinalized), rows=tx.rows_logged, same_people=tx.same_people)

    def _settle_final(self, tx: _Tx, unit_ids: Iterable[int]) -> None:
        """A unit marked 定稿 whose data an edit changes is 定稿 no more, in the same edit (audited with it):
        its ranked figures and its grade may have moved. The edit that sets facts_final itself keeps what it
        sets; an undo puts back the 定稿 its edit withdrew (final_restored)."""
        back = self._final_back
        final = self._units_column("facts_final", unit_ids)
        for uid in sorted(final):  # a unit the edit removed is not there
            if uid in back:
                if not final[uid]:
                    tx.update("units", {"id": uid}, {"facts_final": 1})
            elif final[uid]:
                tx.update("units", {"id": uid}, {"facts_final": 0})
                tx.unfinalized.append(uid)

    def _units_column(self, column: str, unit_ids: Iterable[int]) -> dict[int, Any]:
        """{unit id: its `column`} of those of the units still there, in one query."""
        return dict(self._conn.execute(f"SELECT id, {column} FROM units WHERE id IN "
                                       "(SELECT value FROM json_each(?))", (json.dumps(list(unit_ids)),)))

    def final_among(self, unit_ids: Iterable[int]) -> list[int]:
        """Those of the units marked 定稿."""
        return sorted(uid for uid, final in self._units_column("facts_final", unit_ids).items() if final)

    def final_withdrawn(self, edit: Edit) -> Msg | None:
        """What to tell of the units whose 定稿 an edit withdrew (None: it withdrew none); of an import of the
        same people as those it replaced, that 定稿 stays."""
        if edit.same_people:
            return Msg.of("dataset.final_kept_same_people")
        names = self._units_column("name", edit.unfinalized)
        told = [names[uid] for uid in edit.unfinalized if uid in names]
        return Msg.of("dataset.final_withdrawn", units="、".join(f"“{n}”" for n in told)) if told else None

    @contextlib.contextmanager
    def final_restored(self, unit_ids: Iterable[int]) -> Iterator[None]:
        """Within: an edit touching these units marks them 定稿 again (the undo of an edit that withdrew it)."""
        self._final_back = frozenset(unit_ids)
        try:
            yield
        finally:
            self._final_back = frozenset()

    def cancel_when(self, cancelled: Callable[[], bool] | None) -> None:
        """Until the next edit ends, a statement stops once `cancelled()` says yes (the edit then fails and
        rolls back whole, as any failed write does; its commit is never stopped); None: never."""
        if cancelled is None:
            self._conn.set_progress_handler(None, 0)
        else:
            self._conn.set_progress_handler(lambda: 1 if cancelled() else 0, CANCEL_CHECK_STEPS)

    def _rollback(self) -> None:
        self._audit.rollback()
        self._conn.set_progress_handler(None, 0)  # a cancel must not stop the rollback itself
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # SQLite has already rolled back (e.g. after an I/O error)

    def _problem(self, code: str, location: str = "$", field: str = "", **params: Any) -> Problem:
        return Problem(self.path.name, location, field, Msg.of(code, **params))

    def _require_unit(self, unit_id: int) -> str:
        row = self._conn.execute("SELECT name FROM units WHERE id = ?", (unit_id,)).fetchone()
        if row is None:
            raise _Rejected(self._problem("dataset.no_record", table="units", id=unit_id))
        return row[0]

    def _unit_of(self, table: str, record_id: int) -> int:
        row = self._conn.execute(f"SELECT unit_id FROM {table} WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise _Rejected(self._problem("dataset.no_record", table=table, id=record_id))
        return row[0]

    def _unit_index(self, unit_id: int) -> int:
        return self._conn.execute("SELECT count(*) FROM units WHERE position < (SELECT position FROM units "
                                  "WHERE id = ?) OR (position = (SELECT position FROM units WHERE id = ?) AND id < ?)",
                                  (unit_id, unit_id, unit_id)).fetchone()[0]

    def _validate(self, tx: _Tx) -> list[Problem]:
        """The changed units (and the year level) checked exactly as the exchange format is read."""
        problems: list[Problem] = []
        head = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "year": self.year_number,
                "rule_set": self.rule_set_id}
        touched = list(tx.touched_units)
        for uid, unit in self._read_units(touched) if touched else []:
            tx.validated_units[uid] = unit
            _, found = parse_year({**head, "units": [unit_to_json(unit)]}, self._rules, source=self.path.name)
            if found:  # named by the unit's place in the year, as the exchange format's reading names it
                index = self._unit_index(uid)
                problems += [replace(p, location=p.location.replace("$.units[0]", f"$.units[{index}]", 1))
                             for p in found]
        if tx.year_level:
            stubs = [{"name": name, "credit_code": code,
                      "kinds": [k for k in (kinds or "").split("\x1f") if k] or ["?"], "new_member": False}
                     for name, code, kinds in self._conn.execute(
                         "SELECT u.name, u.credit_code, (SELECT group_concat(kind, char(31)) FROM unit_kinds k "
                         "WHERE k.unit_id = u.id) FROM units u ORDER BY position, id")]
            doc = {**head, "units": stubs}
            quotas = dict(self._conn.execute("SELECT grade, count FROM grade_quotas"))
            if quotas:
                doc["grade_quotas"] = quotas
            promotions = [{"unit": n, "grade": g, "reason": r} for n, g, r in self._conn.execute(
                "SELECT u.name, p.grade, p.reason FROM grade_promotions p JOIN units u ON u.id = p.unit_id "
                "ORDER BY p.position, p.id")]
            if promotions:
                doc["grade_promotions"] = promotions
            _, found = parse_year(doc, self._rules, source=self.path.name)
            problems += [p for p in found if not p.location.startswith("$.units")]
        return problems

    def replace_rule_set(self, by: int | None, rules: RuleSet, reason: str) -> Edit:
        """Make `rules` (a rule set of the year) the year's rule set, in one audited edit: the old and the
        new text and SHA-256 are kept in the audit trail (a rule set of another id is stored beside the
        one it replaces, and the year names it), so each result stays provable under the law it was scored
        with. Only core.store.rule_updates calls it, after its checks (reason given, no signed sheet, facts valid)."""
        def change(tx: _Tx) -> None:
            if rules.year != self.year_number:
                raise _Rejected(self._problem("rules.adopt_other_year", title=rules.title,
                                              year=rules.year, year_of_file=self.year_number))
            row = {"sha256": rules.sha256, "text": rules.source_text, "stored_at": tx.at}
            if tx.conn.execute("SELECT 1 FROM rule_sets WHERE id = ?", (rules.id,)).fetchone():
                tx.update("rule_sets", {"id": rules.id}, row, quiet=("stored_at",))
            else:
                tx.insert("rule_sets", {"id": rules.id, **row})
            tx.update("meta", {"id": 1}, {"rule_set_id": rules.id})
            tx.match_inputs_changed = True  # the matching reads the rule set's readings
        edit = self._edit(by, reason, change)
        if edit.ok:
            self._rules = rules
            self.rule_set_id = rules.id
        return edit
