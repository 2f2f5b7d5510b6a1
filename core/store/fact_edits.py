"""The year's facts as the assessors edit them (the Dataset's edits by subject): units, their bases,
trips and deliveries, evidence ticks, management and negative facts, grade quotas and promotions, a
whole year at once, and the assessors' notes on clauses. Each edit is one transaction (Dataset._edit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from core.scoring.facts import Unit, Year
from core.store.edit import Edit, _db, _fraction_text, _Rejected, _Tx, now_text

if TYPE_CHECKING:
    from core.store.dataset import DatasetCore as _Core
else:
    _Core = object  # a plain mixin at run time; to the type checker each part builds on the core

UNIT_FIELDS = ("name", "credit_code", "new_member", "facts_final", "contact_person", "platform_rating",
               "insured_workers")
BASE_FIELDS = ("name", "type", "region", "agreement_date", "people", "retained", "count_source", "trainees",
               "trainees_retained")
TRIP_FIELDS = ("date", "place", "mode", "enterprises")
DELIVERY_FIELDS = ("date", "enterprise", "stars")


class FactEdits(_Core):
    """The Dataset's edits of the year's facts."""

    # ---------------------------------------------------------------- edits: assessors

    def add_assessor(self, by: int, name: str, role: str = "", reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> int:
            if not name.strip():
                raise _Rejected(self._problem("dataset.assessor_name_empty"))
            if self.assessor_id(name) is not None:
                raise _Rejected(self._problem("dataset.assessor_exists", name=name))
            return tx.insert("assessors", {"name": name, "role": role, "added_at": now_text()})
        return self._edit(by, reason, change)

    # ---------------------------------------------------------------- edits: units

    def _check_unique_unit(self, name: str | None, code: str | None, unit_id: int | None) -> None:
        for column, value, code_name in (("name", name, "fact.duplicate_name"),
                                         ("credit_code", code, "fact.duplicate_credit_code")):
            if value is None:
                continue
            other = self._conn.execute(f"SELECT name FROM units WHERE {column} = ? AND id IS NOT ?",
                                       (value, unit_id)).fetchone()
            if other is not None:
                index = self._unit_index(unit_id) if unit_id is not None else \
                    self._conn.execute("SELECT count(*) FROM units").fetchone()[0]
                here = f"$.units[{index}]"
                raise _Rejected(self._problem(code_name, here, column, other=other[0]))  # the unit by its name

    def add_unit(self, by: int, name: str, credit_code: str, kinds: Sequence[str], *, new_member: bool = False,
                 contact_person: str = "", licence_numbers: Mapping[str, str] | None = None,
                 reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> int:
            self._check_unique_unit(name, credit_code, None)
            position = self._conn.execute("SELECT coalesce(max(position), -1) + 1 FROM units").fetchone()[0]
            uid = tx.insert_unit(position, Unit(name, credit_code, tuple(kinds), new_member=new_member,
                                                contact_person=contact_person,
                                                licence_numbers=MappingProxyType(dict(licence_numbers or {}))))
            tx.year_level = True
            return uid
        return self._edit(by, reason, change)

    def update_unit(self, by: int, unit_id: int, reason: str | None = None, **changes: Any) -> Edit:
        """Change unit fields: name, credit_code, new_member, facts_final, contact_person,
        platform_rating, insured_workers, kinds (a list), licence_numbers (a mapping)."""
        unknown = set(changes) - set(UNIT_FIELDS) - {"kinds", "licence_numbers"}
        if unknown:
            raise TypeError(f"not unit fields: {sorted(unknown)}")

        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            self._check_unique_unit(changes.get("name"), changes.get("credit_code"), unit_id)
            plain = {k: _db(v) for k, v in changes.items() if k in UNIT_FIELDS}
            if plain:
                tx.update("units", {"id": unit_id}, plain)
            if "kinds" in changes:
                tx.replace_rows("unit_kinds", {"unit_id": unit_id},
                                [{"position": i, "kind": k} for i, k in enumerate(changes["kinds"])])
            if "licence_numbers" in changes:
                tx.replace_rows("licences", {"unit_id": unit_id},
                                [{"kind": k, "number": v} for k, v in changes["licence_numbers"].items()])
            tx.touch(unit_id)
            if {"name", "credit_code", "kinds"} & set(changes):
                tx.year_level = True
        return self._edit(by, reason, change)

    def set_unit_field(self, by: int, unit_id: int, field: str, value: Any, reason: str | None = None) -> Edit:
        return self.update_unit(by, unit_id, reason, **{field: value})

    def set_insured_workers(self, by: int, unit_id: int, count: int, reason: str | None = None) -> Edit:
        return self.update_unit(by, unit_id, reason, insured_workers=count)

    def set_platform_rating(self, by: int, unit_id: int, rating: Fraction | float | int | None,
                            reason: str | None = None) -> Edit:
        return self.update_unit(by, unit_id, reason, platform_rating=rating)

    def mark_final(self, by: int, unit_id: int, final: bool = True, reason: str | None = None) -> Edit:
        return self.update_unit(by, unit_id, reason, facts_final=final)

    def remove_unit(self, by: int, unit_id: int, reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            for base_id in self.base_ids(unit_id):
                tx.delete("evidence_ticks", {"base_id": base_id})
            for trip_id in self.trip_ids(unit_id):
                tx.delete("evidence_ticks", {"trip_id": trip_id})
                tx.delete("trip_evaluations", {"trip_id": trip_id})
            for table in ("evidence_ticks", "bases", "trips", "deliveries", "unit_kinds", "licences", "management",
                          "negatives", "credit_grades", "cancelled_licences", "grade_promotions",
                          "conflict_assignments", "imports"):  # an import's rows go with it (cascade)
                tx.delete(table, {"unit_id": unit_id})
            tx.delete("units", {"id": unit_id})
            tx.year_level = True
        return self._edit(by, reason, change)

    # ---------------------------------------------------------------- edits: bases, trips, deliveries

    def _add_child(self, by: int, table: str, unit_id: int, values: dict[str, Any],
                   reason: str | None) -> Edit:
        def change(tx: _Tx) -> int:
            tx.require("units", unit_id)
            position = self._conn.execute(f"SELECT coalesce(max(position), -1) + 1 FROM {table} WHERE unit_id = ?",
                                          (unit_id,)).fetchone()[0]
            new_id = tx.insert(table, {"unit_id": unit_id, "position": position,
                                       **{k: _db(v) for k, v in values.items()}})
            tx.touch(unit_id)
            return new_id
        return self._edit(by, reason, change)

    def _update_child(self, by: int, table: str, record_id: int, fields: Sequence[str],
                      changes: dict[str, Any], reason: str | None) -> Edit:
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"not {table} fields: {sorted(unknown)}")

        def change(tx: _Tx) -> None:
            unit_id = self._unit_of(table, record_id)
            tx.update(table, {"id": record_id}, {k: _db(v) for k, v in changes.items()})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def _remove_child(self, by: int, table: str, record_id: int, reason: str | None) -> Edit:
        def change(tx: _Tx) -> None:
            unit_id = self._unit_of(table, record_id)
            if table == "bases":
                tx.delete("evidence_ticks", {"base_id": record_id})
            if table == "trips":
                tx.delete("evidence_ticks", {"trip_id": record_id})
                tx.delete("trip_evaluations", {"trip_id": record_id})
            tx.delete(table, {"id": record_id})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def add_base(self, by: int, unit_id: int, name: str, type: str, agreement_date: dt.date | None, *,
                 people: int = 0, retained: int = 0, region: str = "", reason: str | None = None) -> Edit:
        return self._add_child(by, "bases", unit_id, {"name": name, "type": type, "region": region,
                                                      "agreement_date": agreement_date, "people": people,
                                                      "retained": retained}, reason)

    def update_base(self, by: int, base_id: int, reason: str | None = None, **changes: Any) -> Edit:
        return self._update_child(by, "bases", base_id, BASE_FIELDS, changes, reason)

    def remove_base(self, by: int, base_id: int, reason: str | None = None) -> Edit:
        return self._remove_child(by, "bases", base_id, reason)

    def add_trip(self, by: int, unit_id: int, date: dt.date | None, place: str, mode: str, enterprises: int,
                 reason: str | None = None) -> Edit:
        return self._add_child(by, "trips", unit_id, {"date": date, "place": place, "mode": mode,
                                                      "enterprises": enterprises}, reason)

    def update_trip(self, by: int, trip_id: int, reason: str | None = None, **changes: Any) -> Edit:
        return self._update_child(by, "trips", trip_id, TRIP_FIELDS, changes, reason)

    def remove_trip(self, by: int, trip_id: int, reason: str | None = None) -> Edit:
        return self._remove_child(by, "trips", trip_id, reason)

    def set_trip_evaluations(self, by: int, trip_id: int, verdicts: Sequence[str],
                             reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            unit_id = self._unit_of("trips", trip_id)
            tx.replace_rows("trip_evaluations", {"trip_id": trip_id},
                            [{"position": i, "verdict": v} for i, v in enumerate(verdicts)])
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def add_delivery(self, by: int, unit_id: int, date: dt.date | None, enterprise: str, stars: int | None,
                     reason: str | None = None) -> Edit:
        return self._add_child(by, "deliveries", unit_id, {"date": date, "enterprise": enterprise, "stars": stars},
                               reason)

    def update_delivery(self, by: int, delivery_id: int, reason: str | None = None, **changes: Any) -> Edit:
        return self._update_child(by, "deliveries", delivery_id, DELIVERY_FIELDS, changes, reason)

    def remove_delivery(self, by: int, delivery_id: int, reason: str | None = None) -> Edit:
        return self._remove_child(by, "deliveries", delivery_id, reason)

    # ---------------------------------------------------------------- edits: evidence

    def tick_evidence(self, by: int, unit_id: int, clause_id: str, item: str, seen: bool | None = True, *,
                      note: str = "", reason: str | None = None) -> Edit:
        """Tick a clause-level evidence item seen (True) or not seen (False); None clears the tick."""
        return self._edit(by, reason, lambda tx: tx.tick(unit_id, clause_id, None, None, item, seen, note))

    def tick_base_evidence(self, by: int, base_id: int, item: str, seen: bool | None = True, *, note: str = "",
                           reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.tick(self._unit_of("bases", base_id), self._record_clause("bases"), base_id, None, item, seen, note)
        return self._edit(by, reason, change)

    def tick_trip_evidence(self, by: int, trip_id: int, item: str, seen: bool | None = True, *, note: str = "",
                           reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.tick(self._unit_of("trips", trip_id), self._record_clause("trips"), None, trip_id, item, seen, note)
        return self._edit(by, reason, change)

    def _record_clause(self, records: str) -> str:
        """The clause whose record evidence is ticked per base ("bases") or per trip ("trips")."""
        clause = self._rules.record_clause(records)
        return clause.id if clause else records

    # ---------------------------------------------------------------- edits: management, negatives

    def set_management(self, by: int, unit_id: int, awarded: Fraction | float | int | None,
                       award_reason: str = "", reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            tx.update("management", {"unit_id": unit_id}, {"awarded": _fraction_text(awarded), "reason": award_reason})
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    def set_negatives(self, by: int, unit_id: int, *, major_incident: bool | None = None,
                      collective_disputes_lost: int | None = None, individual_disputes_lost: int | None = None,
                      complaints: int | None = None, licences_cancelled: Sequence[str] | None = None,
                      credit_grades: Mapping[str, str] | None = None, reason: str | None = None) -> Edit:
        """Set the negative facts given (those left None keep their value)."""
        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            values = {"major_incident": major_incident, "collective_disputes_lost": collective_disputes_lost,
                      "individual_disputes_lost": individual_disputes_lost, "complaints": complaints}
            plain = {k: _db(v) for k, v in values.items() if v is not None}
            if plain:
                tx.update("negatives", {"unit_id": unit_id}, plain)
            if licences_cancelled is not None:
                tx.replace_rows("cancelled_licences", {"unit_id": unit_id},
                                [{"position": i, "kind": k} for i, k in enumerate(licences_cancelled)])
            if credit_grades is not None:
                tx.replace_rows("credit_grades", {"unit_id": unit_id},
                                [{"kind": k, "grade": g} for k, g in credit_grades.items()])
            tx.touch(unit_id)
        return self._edit(by, reason, change)

    # ---------------------------------------------------------------- edits: grades

    def set_grade_quotas(self, by: int, quotas: Mapping[str, int], reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.replace_rows("grade_quotas", {}, [{"grade": g, "count": c} for g, c in quotas.items()])
            tx.year_level = True
        return self._edit(by, reason, change)

    def add_promotion(self, by: int, unit_id: int, grade: str, promotion_reason: str,
                      reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> int:
            tx.require("units", unit_id)
            position = self._conn.execute("SELECT coalesce(max(position), -1) + 1 FROM grade_promotions").fetchone()[0]
            tx.year_level = True
            return tx.insert("grade_promotions", {"position": position, "unit_id": unit_id, "grade": grade,
                                                  "reason": promotion_reason})
        return self._edit(by, reason, change)

    def remove_promotion(self, by: int, promotion_id: int, reason: str | None = None) -> Edit:
        def change(tx: _Tx) -> None:
            tx.require("grade_promotions", promotion_id)
            tx.delete("grade_promotions", {"id": promotion_id})
        return self._edit(by, reason, change)

    # ---------------------------------------------------------------- edits: a whole year

    def import_year(self, by: int, year: Year, reason: str | None = None) -> Edit:
        """Every fact of a year into this (empty) dataset, as one edit."""
        def change(tx: _Tx) -> None:
            if self._conn.execute("SELECT count(*) FROM units").fetchone()[0]:
                raise _Rejected(self._problem("dataset.not_empty"))
            if year.rule_set != self.rule_set_id or year.year != self.year_number:
                raise _Rejected(self._problem("fact.rule_set_mismatch", "$", "rule_set", found=year.rule_set,
                                              expected=self.rule_set_id))
            ids = {}
            for position, unit in enumerate(year.units):
                ids[unit.name] = tx.insert_unit(position, unit)
            for grade, count in year.grade_quotas.items():
                tx.insert("grade_quotas", {"grade": grade, "count": count})
            for position, promotion in enumerate(year.grade_promotions):
                if promotion.unit not in ids:
                    raise _Rejected(self._problem("fact.unknown_unit", f"$.grade_promotions[{position}]", "unit",
                                                  value=promotion.unit))
                tx.insert("grade_promotions", {"position": position, "unit_id": ids[promotion.unit],
                                               "grade": promotion.grade, "reason": promotion.reason})
            tx.year_level = True
        return self._edit(by, reason, change)
    def clause_notes(self, unit_id: int | None = None) -> dict[tuple[int, str], str]:
        """The assessor's notes, {(unit id, clause id): text}; of one unit or of all."""
        sql = "SELECT unit_id, clause_id, note FROM clause_notes"
        rows = self._conn.execute(sql + (" WHERE unit_id = ?" if unit_id is not None else ""),
                                  () if unit_id is None else (unit_id,))
        return {(uid, clause_id): note for uid, clause_id, note in rows}

    def noted_unit_names(self) -> frozenset[str]:
        """The names of the units with a note on one of their clauses (a note is something of the year
        recorded for the unit: core/years/standing.py)."""
        return frozenset(name for name, note in self._conn.execute(
            "SELECT u.name, n.note FROM clause_notes n JOIN units u ON u.id = n.unit_id") if note.strip())

    def set_clause_note(self, by: int, unit_id: int, clause_id: str, note: str,
                        reason: str | None = None) -> Edit:
        """Set (or with "" remove) the assessor's note on one clause of a unit."""
        def change(tx: _Tx) -> None:
            tx.require("units", unit_id)
            if clause_id not in {c.id for c in self._rules.clauses} | {self._rules.negative.id}:
                raise _Rejected(self._problem("fact.unknown_clause", field="clause_id",
                                              known=[c.id for c in self._rules.clauses]))
            key = {"unit_id": unit_id, "clause_id": clause_id}
            exists = self._conn.execute("SELECT 1 FROM clause_notes WHERE unit_id = ? AND clause_id = ?",
                                        (unit_id, clause_id)).fetchone()
            if not note:
                tx.delete("clause_notes", key)
            elif exists:
                tx.update("clause_notes", key, {"note": note})
            else:
                tx.insert("clause_notes", {**key, "note": note})
            tx.touch(unit_id, remark=True)
        return self._edit(by, reason, change)
    def promotions(self) -> list[tuple[int, int, str, str]]:
        """The grade promotions as (id, unit id, grade, reason), in order."""
        return list(self._conn.execute("SELECT id, unit_id, grade, reason FROM grade_promotions ORDER BY position, id"))
