"""A unit's facts changed as undoable steps: the unit and its 定稿, evidence ticks and notes, bases, trips,
deliveries, management, negatives, attachments, and the year's grade quotas and promotions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from core.editing.session_base import SessionBase
from core.editing.undo import Apply
from core.store.dataset import Edit


class FactSteps(SessionBase):
    """The edits of the year's facts, each an undoable step."""

    # ---------------------------------------------------------------- units

    def add_unit(self, label: str, name: str, credit_code: str, kinds: Sequence[str], *, new_member: bool = False,
                 contact_person: str = "", licence_numbers: Mapping[str, str] | None = None) -> Edit:
        return self._added(
            label, lambda: self.ds.add_unit(self.by, name, credit_code, list(kinds), new_member=new_member,
                                            contact_person=contact_person, licence_numbers=licence_numbers),
            lambda uid: self.ds.capture(unit_id=uid), lambda uid, r: self.ds.remove_unit(self.by, uid, r), None)

    def update_unit(self, label: str, unit_id: int, merge: bool = False, **changes: Any) -> Edit:
        # the old values as stored: a unit scoring the platform's rating keeps its typed one underneath
        unit = self.ds.unit(unit_id, as_entered=True) or self._units[unit_id]
        old = {}
        for key in changes:
            value = getattr(unit, key)
            if key == "kinds":
                value = list(value)
            elif key == "licence_numbers":
                value = dict(value)
            old[key] = value
        units = [unit_id]
        year_level = bool({"name", "credit_code", "kinds"} & set(changes))
        return self._apply(label, lambda r: self.ds.update_unit(self.by, unit_id, r, **changes),
                           lambda r: self.ds.update_unit(self.by, unit_id, r, **old),
                           None if year_level else units,
                           merge_key=("unit", unit_id, tuple(sorted(changes))) if merge else None)

    def remove_unit(self, label: str, unit_id: int) -> Edit:
        snapshot = self.ds.capture(unit_id=unit_id)
        return self._removed(label, snapshot, lambda r: self.ds.remove_unit(self.by, unit_id, r), None)

    def set_insured_workers(self, label: str, unit_id: int, count: int) -> Edit:
        return self.update_unit(label, unit_id, merge=True, insured_workers=count)

    def set_platform_rating(self, label: str, unit_id: int, rating: Fraction | None) -> Edit:
        return self.update_unit(label, unit_id, merge=True, platform_rating=rating)

    def mark_final(self, label: str, unit_ids: Sequence[int], final: bool = True) -> Edit:
        old = {uid: self._units[uid].facts_final for uid in unit_ids}
        changing = [uid for uid in unit_ids if old[uid] != final]

        def run(values: Callable[[int], bool]) -> Apply:
            def apply(reason: str | None) -> Edit:
                edit = Edit()
                for uid in changing:
                    edit = self.ds.mark_final(self.by, uid, values(uid), reason)
                    if not edit.ok:
                        return edit
                return edit
            return apply
        if not changing:
            return Edit()
        return self._apply(label, run(lambda uid: final), run(lambda uid: old[uid]), changing)

    # ---------------------------------------------------------------- evidence and notes

    def _tick(self, label: str, unit_id: int, clause_id: str, item: str, seen: bool | None,
              base_id: int | None = None, trip_id: int | None = None) -> Edit:
        before = self.ds.evidence_tick(unit_id, clause_id, item, base_id=base_id, trip_id=trip_id)
        old_seen = None if before is None else before["seen"]
        old_note = "" if before is None else before["note"]

        def tick(value: bool | None, note: str) -> Apply:
            def apply(reason: str | None) -> Edit:
                if base_id is not None:
                    return self.ds.tick_base_evidence(self.by, base_id, item, value, note=note, reason=reason)
                if trip_id is not None:
                    return self.ds.tick_trip_evidence(self.by, trip_id, item, value, note=note, reason=reason)
                return self.ds.tick_evidence(self.by, unit_id, clause_id, item, value, note=note, reason=reason)
            return apply
        return self._apply(label, tick(seen, old_note), tick(old_seen, old_note), [unit_id])

    def tick(self, label: str, unit_id: int, clause_id: str, item: str, seen: bool | None) -> Edit:
        return self._tick(label, unit_id, clause_id, item, seen)

    def tick_base(self, label: str, unit_id: int, base_id: int, item: str, seen: bool | None) -> Edit:
        return self._tick(label, unit_id, self._record_clause("bases"), item, seen, base_id=base_id)

    def tick_trip(self, label: str, unit_id: int, trip_id: int, item: str, seen: bool | None) -> Edit:
        return self._tick(label, unit_id, self._record_clause("trips"), item, seen, trip_id=trip_id)

    def _record_clause(self, records: str) -> str:
        clause = self.rules.record_clause(records)
        return clause.id if clause else records

    def set_note(self, label: str, unit_id: int, clause_id: str, note: str) -> Edit:
        old = self.note(unit_id, clause_id)
        if old == note:
            return Edit()
        return self._apply(label, lambda r: self.ds.set_clause_note(self.by, unit_id, clause_id, note, r),
                           lambda r: self.ds.set_clause_note(self.by, unit_id, clause_id, old, r), [unit_id],
                           merge_key=("note", unit_id, clause_id))

    # ---------------------------------------------------------------- bases, trips, deliveries

    def _row_updated(self, label: str, unit_id: int, table: str, kind: str, row_id: int,
                     update: Callable[..., Edit], changes: dict[str, Any]) -> Edit:
        """Some fields of one of a unit's rows (a base, a trip, a delivery) changed by `update`
        (Dataset.update_base …); undo sets them back as they were, and typing on in the same fields merges."""
        row = self.ds.row(table, row_id) or {}
        old = {k: row.get(k) for k in changes}
        return self._apply(label, lambda r: update(self.by, row_id, r, **changes),
                           lambda r: update(self.by, row_id, r, **old), [unit_id],
                           merge_key=(kind, row_id, tuple(sorted(changes))))

    def add_base(self, label: str, unit_id: int, name: str, type: str, agreement_date: dt.date | None,
                 **values: Any) -> Edit:
        return self._added(label, lambda: self.ds.add_base(self.by, unit_id, name, type, agreement_date, **values),
                           lambda bid: self.ds.capture(base_id=bid),
                           lambda bid, r: self.ds.remove_base(self.by, bid, r), [unit_id])

    def update_base(self, label: str, unit_id: int, base_id: int, **changes: Any) -> Edit:
        return self._row_updated(label, unit_id, "bases", "base", base_id, self.ds.update_base, changes)

    def remove_base(self, label: str, unit_id: int, base_id: int) -> Edit:
        return self._removed(label, self.ds.capture(base_id=base_id),
                             lambda r: self.ds.remove_base(self.by, base_id, r), [unit_id])

    def add_trip(self, label: str, unit_id: int, date: dt.date | None, place: str, mode: str,
                 enterprises: int) -> Edit:
        return self._added(label, lambda: self.ds.add_trip(self.by, unit_id, date, place, mode, enterprises),
                           lambda tid: self.ds.capture(trip_id=tid),
                           lambda tid, r: self.ds.remove_trip(self.by, tid, r), [unit_id])

    def update_trip(self, label: str, unit_id: int, trip_id: int, **changes: Any) -> Edit:
        return self._row_updated(label, unit_id, "trips", "trip", trip_id, self.ds.update_trip, changes)

    def remove_trip(self, label: str, unit_id: int, trip_id: int) -> Edit:
        return self._removed(label, self.ds.capture(trip_id=trip_id),
                             lambda r: self.ds.remove_trip(self.by, trip_id, r), [unit_id])

    def trip_evaluations(self, trip_id: int) -> list[str]:
        rows = dict(self.ds.capture(trip_id=trip_id).rows).get("trip_evaluations", ())
        return [r["verdict"] for r in sorted(rows, key=lambda r: r["position"])]

    def set_trip_evaluations(self, label: str, unit_id: int, trip_id: int, verdicts: Sequence[str]) -> Edit:
        old = self.trip_evaluations(trip_id)
        new = list(verdicts)
        return self._apply(label, lambda r: self.ds.set_trip_evaluations(self.by, trip_id, new, r),
                           lambda r: self.ds.set_trip_evaluations(self.by, trip_id, old, r), [unit_id],
                           merge_key=("evaluations", trip_id))

    def add_delivery(self, label: str, unit_id: int, date: dt.date | None, enterprise: str,
                     stars: int | None) -> Edit:
        return self._added(label, lambda: self.ds.add_delivery(self.by, unit_id, date, enterprise, stars),
                           lambda did: self.ds.capture(delivery_id=did),
                           lambda did, r: self.ds.remove_delivery(self.by, did, r), [unit_id])

    def update_delivery(self, label: str, unit_id: int, delivery_id: int, **changes: Any) -> Edit:
        return self._row_updated(label, unit_id, "deliveries", "delivery", delivery_id, self.ds.update_delivery,
                                 changes)

    def remove_delivery(self, label: str, unit_id: int, delivery_id: int) -> Edit:
        return self._removed(label, self.ds.capture(delivery_id=delivery_id),
                             lambda r: self.ds.remove_delivery(self.by, delivery_id, r), [unit_id])

    # ---------------------------------------------------------------- management, negatives

    def set_management(self, label: str, unit_id: int, awarded: Fraction | None, reason: str) -> Edit:
        m = self._units[unit_id].management
        return self._apply(label, lambda r: self.ds.set_management(self.by, unit_id, awarded, reason, r),
                           lambda r: self.ds.set_management(self.by, unit_id, m.awarded, m.reason, r), [unit_id],
                           merge_key=("management", unit_id))

    def set_negatives(self, label: str, unit_id: int, **changes: Any) -> Edit:
        n = self._units[unit_id].negative
        old: dict[str, Any] = {}
        for key in changes:
            value = getattr(n, key)
            old[key] = list(value) if key == "licences_cancelled" else dict(value) if key == "credit_grades" else value
        return self._apply(label, lambda r: self.ds.set_negatives(self.by, unit_id, reason=r, **changes),
                           lambda r: self.ds.set_negatives(self.by, unit_id, reason=r, **old), [unit_id],
                           merge_key=("negative", unit_id, tuple(sorted(changes))))

    # ---------------------------------------------------------------- attachments

    def add_attachment(self, label: str, unit_id: int, clause_id: str | None, data: bytes, name: str,
                       mime: str | None = None, description: str = "") -> Edit:
        return self._added(label, lambda: self.ds.add_attachment(self.by, data, name, mime, unit_id=unit_id,
                                                                 clause_id=clause_id, description=description),
                           lambda aid: self.ds.capture(attachment_id=aid),
                           lambda aid, r: self.ds.remove_attachment(self.by, aid, r), [unit_id])

    def remove_attachment(self, label: str, unit_id: int, attachment_id: int) -> Edit:
        return self._removed(label, self.ds.capture(attachment_id=attachment_id),
                             lambda r: self.ds.remove_attachment(self.by, attachment_id, r), [unit_id])

    # ---------------------------------------------------------------- grades

    def quota_caps(self) -> dict[str, int]:
        return self.rules.quota_caps(len(self.year.units))

    def set_grade_quotas(self, label: str, quotas: Mapping[str, int]) -> Edit:
        old = dict(self.year.grade_quotas)
        new = dict(quotas)
        return self._apply(label, lambda r: self.ds.set_grade_quotas(self.by, new, r),
                           lambda r: self.ds.set_grade_quotas(self.by, old, r), None, merge_key=("quotas",))

    def add_promotion(self, label: str, unit_id: int, grade: str, reason: str) -> Edit:
        return self._added(label, lambda: self.ds.add_promotion(self.by, unit_id, grade, reason),
                           lambda pid: self.ds.capture(promotion_id=pid),
                           lambda pid, r: self.ds.remove_promotion(self.by, pid, r), None)

    def remove_promotion(self, label: str, promotion_id: int) -> Edit:
        return self._removed(label, self.ds.capture(promotion_id=promotion_id),
                             lambda r: self.ds.remove_promotion(self.by, promotion_id, r), None)
