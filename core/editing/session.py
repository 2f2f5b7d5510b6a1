"""One assessor's working session on an open year: the facts, the scores, and every edit the desktop
makes, each saved at once and undoable. Plain Python (no Qt): the desktop adapts it.

    session = Session(Dataset.open(path), assessor_id)
    session.listeners.append(lambda units: …)  # after every change: the unit ids, or None for all
    edit = session.set_insured_workers("修改投保人数", unit_id, 105)
    session.undo("撤销"); session.redo("重做")

After an edit of one unit only that unit is read back and re-scored (core.scoring.engine.YearScorer): the
other units' scores change only where a ranking clause's order, a grade or a place moved.
Explanations stay lazy: only the clause page on screen asks for one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.common.messages import Msg
from core.common.problems import Problem
from core.editing.undo import Apply, History, Step, chain
from core.editing.writes import Write
from core.scoring.assessment import Page, clauses_done, pages, unit_progress
from core.scoring.engine import UnitResult, YearResult, YearScorer
from core.scoring.facts import Unit, Year
from core.scoring.formulas import ClauseResult
from core.scoring.rules import RuleSet
from core.store.attachments import Attachment
from core.store.capture import Snapshot
from core.store.dataset import Assessor, Dataset, Edit
from core.store.people_edits import Assignment, ImportedSource
from core.store.rule_updates import adopt_rule_set, adoptable, newer_reading_notice
from core.store.signatures import Signature, UnitLock
from core.teamwork.handed import Handed, handed_of
from core.years.standing import Standing, not_started_units, standing, under_way_units

if TYPE_CHECKING:  # the matching is loaded when first asked for: the first screen does not need it
    from core.pdf.provisional import ProvisionalSheet
    from core.people.matching import MatchResult
    from core.people.platform import PlatformCheck
    from core.store.audit_check import Anchor
    from core.store.backup import BackupRun
    from core.years.history import YearsContext

Listener = Callable[[frozenset[int] | None], None]


class Session:
    def __init__(self, ds: Dataset, assessor_id: int):
        self.ds = ds
        self.by = assessor_id
        self.rules: RuleSet = ds.rule_set()
        self.program_rules: RuleSet | None = ds.program_rule_set()  # the program's copy of the same id
        self.pages: tuple[Page, ...] = pages(self.rules)
        self.history = History()
        self.listeners: list[Listener] = []
        self.unfinalized: tuple[int, ...] = ()  # the units whose 定稿 the last edit withdrew (their data changed);
        # the window says so once and sets it back to ()
        self.busy: str | None = None  # the label of an edit being written on another thread (Write)
        self.field_copy: Handed | None = handed_of(ds)  # a field copy: to whom, which units
        self._load()

    # ---------------------------------------------------------------- reading

    def _load(self) -> None:
        self.unit_ids: list[int] = self.ds.unit_ids()
        self.year: Year = self.ds.year()
        self._units: dict[int, Unit] = dict(zip(self.unit_ids, self.year.units))
        self._notes: dict[tuple[int, str], str] = self.ds.clause_notes()
        self._locks: dict[int, UnitLock] = {}
        for uid in self.unit_ids:
            self._read_lock(uid)
        self._score(whole=True)

    def _read_lock(self, unit_id: int) -> None:
        lock = self.ds.unit_lock(unit_id) if self.ds.schema_version >= 3 else None
        if lock is None:
            self._locks.pop(unit_id, None)
        else:
            self._locks[unit_id] = lock

    def _score(self, whole: bool = False) -> None:
        scorer = getattr(self, "_scorer", None)
        if scorer is None or scorer.rules is not self.rules:  # a first score, or the year adopted other rules
            scorer = self._scorer = YearScorer(self.rules)
        self.result: YearResult = scorer.score(self.year) if whole else scorer.rescore(self.year)
        self._results = {u.name: u for u in self.result.units}
        self._rostered: set[int | None] | None = None  # read again when asked (an import may have changed it)

    def _reload_units(self, unit_ids: Iterable[int]) -> None:
        for uid in unit_ids:
            unit = self.ds.unit(uid)
            if unit is None:  # removed meanwhile: read everything
                self._load()
                return
            self._units[uid] = unit
            self._notes = {k: v for k, v in self._notes.items() if k[0] != uid}
            self._notes.update(self.ds.clause_notes(uid))
            self._read_lock(uid)
        self.year = replace(self.year, units=tuple(self._units[u] for u in self.unit_ids))
        self._score()

    def refresh(self, units: frozenset[int] | None) -> None:
        if units is None:
            self._load()
        else:
            self._reload_units(units)
        for listener in list(self.listeners):
            listener(units)

    def unit(self, unit_id: int) -> Unit:
        return self._units[unit_id]

    def unit_id(self, name: str) -> int | None:
        return next((uid for uid, u in self._units.items() if u.name == name), None)

    def unit_result(self, unit_id: int) -> UnitResult:
        return self._results[self._units[unit_id].name]

    def unit_results(self) -> list[UnitResult]:
        """Every unit's result, in the order of unit_ids."""
        results, units = self._results, self._units
        return [results[units[uid].name] for uid in self.unit_ids]

    def clause_result(self, unit_id: int, clause_id: str) -> ClauseResult:
        return self.unit_result(unit_id).clause(clause_id)

    def note(self, unit_id: int, clause_id: str) -> str:
        return self._notes.get((unit_id, clause_id), "")

    def progress(self, unit_id: int) -> dict[str, str]:
        notes = {c: n for (uid, c), n in self._notes.items() if uid == unit_id}
        return unit_progress(self.rules, self._units[unit_id], notes, not self.rosters_imported(unit_id))

    def not_done(self, unit_ids: Sequence[int]) -> list[tuple[str, int, int]]:
        """Of these units, those with clauses not 已完成 (未开始 or 依据不全), as (name, clauses done, clauses):
        what marking their data 定稿 would settle before the assessment is through."""
        found = []
        for uid in unit_ids:
            notes = {c: n for (u, c), n in self._notes.items() if u == uid}
            done, total = clauses_done(self.rules, self._units[uid], notes, not self.rosters_imported(uid))
            if done < total:
                found.append((self._units[uid].name, done, total))
        return found

    def rosters_imported(self, unit_id: int) -> bool:
        """Has a roster (arrivals or placements) of the unit been imported? Kept until the year is read again."""
        if self._rostered is None:
            self._rostered = self.ds.rostered_units()
        return unit_id in self._rostered

    def _noted(self) -> set[int]:
        """The units with a note on one of their clauses (a note starts a unit's assessment)."""
        notes = self._notes
        kept = getattr(self, "_noted_of", None)
        if kept is None or kept[0] is not notes:  # the notes were read again since
            kept = self._noted_of = (notes, {uid for (uid, _), note in notes.items() if note.strip()})
        return kept[1]

    def standing(self, unit_id: int) -> Standing:
        """How far the unit's assessment has got and whether its result may still change."""
        return standing(self.rules, self._units[unit_id], self.unit_result(unit_id), unit_id in self._noted())

    def not_started_and_under_way(self) -> tuple[frozenset[str], frozenset[str]]:
        """The names of the units nothing of the year is recorded for, and of those begun but not final."""
        noted, units = {self._units[uid].name for uid in self._noted() if uid in self._units}, self.year.units
        return not_started_units(self.rules, units, noted), under_way_units(self.rules, units, noted)

    def provisional_on_signing(self, names: Sequence[str]) -> list[ProvisionalSheet]:
        """The score sheets of `names` about to be signed, in that order, that would still be 暂定 when signed."""
        from core.pdf.provisional import provisional_on_signing  # when signing: not needed to start
        return provisional_on_signing(names, self.year, self.result,
                                      lambda name: (uid := self.unit_id(name)) is not None and self.locked(uid))

    def base_ids(self, unit_id: int) -> list[int]:
        return self.ds.base_ids(unit_id)

    def trip_ids(self, unit_id: int) -> list[int]:
        return self.ds.trip_ids(unit_id)

    def delivery_ids(self, unit_id: int) -> list[int]:
        return self.ds.delivery_ids(unit_id)

    def attachments(self, unit_id: int, clause_id: str | None = None) -> list[Attachment]:
        return [a for a in self.ds.attachments(unit_id) if clause_id is None or a.clause_id == clause_id]

    def promotions(self) -> list[tuple[int, int, str, str]]:
        return self.ds.promotions()

    def lock(self, unit_id: int) -> UnitLock | None:
        """The lock a signed score sheet put on the unit (its version), or None: the facts can be edited."""
        return self._locks.get(unit_id)

    def locked(self, unit_id: int) -> bool:
        return unit_id in self._locks

    @property
    def read_only(self) -> bool:
        """The year was opened read-only (held elsewhere, or where it cannot be written)."""
        return self.ds.read_only

    def editable(self, unit_id: int | None) -> bool:
        """Can the unit's facts be changed here: not opened read-only, not locked by a signed sheet, and in
        a field copy handed over with it (or chosen to change anyway, core/teamwork/handed.py)."""
        if self.read_only or unit_id is None:
            return not self.read_only
        return unit_id not in self._locks and (self.field_copy is None or self.field_copy.covers(unit_id))

    def outside_copy(self, unit_id: int | None) -> bool:
        """A unit of a field copy not handed over with it, not chosen to change anyway (looked at only)."""
        return unit_id is not None and self.field_copy is not None and not self.field_copy.covers(unit_id)

    def change_outside_copy(self, unit_id: int) -> None:
        """The assessor chose to change a unit not handed over with the field copy (asked once)."""
        if self.field_copy is not None:
            self.field_copy.chosen.add(unit_id)
            self.refresh(frozenset([unit_id]))

    def signatures(self, unit_id: int | None) -> list[Signature]:
        """The handwritten signatures stored for a unit's documents (None: for the year summary)."""
        return self.ds.signatures(unit_id) if self.ds.schema_version >= 3 else []

    def attachment_data(self, attachment_id: int) -> bytes:
        return self.ds.attachment_data(attachment_id)

    def save_attachment_as(self, attachment_id: int, target: str | Path) -> Path:
        """Write an attachment out byte-identical; a folder gets the attachment's own name."""
        return self.ds.export_attachment(attachment_id, target)

    def next_sheet_version(self, unit_id: int) -> int:
        return self.ds.next_sheet_version(unit_id)

    def known_fingerprints(self) -> frozenset[str] | None:
        """The fingerprints of the certificates this year's signed documents were signed with (None: a
        year file from before signing)."""
        if self.ds.schema_version < 3:
            return None
        return frozenset(c.fingerprint for c in self.ds.certificates())

    def trail_holds(self, seq: int, digest: str) -> tuple[bool, Msg]:
        """Does the audit trail still hold the head a document was made at?"""
        return self.ds.anchor_verdict(seq, digest)

    # ---------------------------------------------------------------- the year file and who works on it

    @property
    def file(self) -> Path:
        return Path(self.ds.path)

    @property
    def year_number(self) -> int:
        return self.ds.year_number

    def assessors(self) -> list[Assessor]:
        return self.ds.assessors()

    @property
    def assessor(self) -> Assessor | None:
        """Who is working now (None only in a file without assessors, opened read-only)."""
        return next((a for a in self.ds.assessors() if a.id == self.by), None)

    def change_assessor(self, name: str, role: str) -> Edit:
        """From now on `name` works on the year: added to the file (audited under who worked so far)
        when new, and named to whoever else tries to open the file."""
        found = self.ds.assessor_id(name)
        if found is None:
            edit = self.ds.add_assessor(self.by, name, role)
            if not edit.ok or edit.id is None:
                return edit
            found = edit.id
        self.by = found
        self.ds.set_holder_name(name)
        return Edit(found)

    def finish_opening(self) -> list[Msg]:
        """The backup of opening, taken once the window shows the year; its notices."""
        return self.ds.finish_opening()

    def backup_if_due(self) -> Path | None:
        return self.ds.backup_if_due()

    def start_backup(self, *, opening: bool = False) -> BackupRun | None:
        """The due backup (or the backup of opening), for another thread to copy while edits go on."""
        return self.ds.start_backup(opening=opening)

    def restore_notice(self, chosen: Path, kept: Path) -> list[Msg]:
        """What restoring the backup `chosen` over the year would undo, and that the file is kept as `kept`."""
        return self.ds.restore_notice(chosen, kept)

    def backup_finished(self, run: BackupRun) -> Msg | None:
        return self.ds.backup_finished(run)

    def scratch_copy(self) -> Dataset:
        """A private copy of the year in memory for work in another thread (made in this one)."""
        return self.ds.scratch_copy()

    def check_material(self) -> tuple[Dataset, list[Anchor]]:
        """What a full check of the year file works on in another thread: a private copy, and the newest
        backup's audit head to hold it against."""
        return self.ds.scratch_copy(), self.ds.newest_anchors()

    def close(self, back_up: bool = True) -> None:
        """Close the year, its last edits backed up unless `back_up` is False (a restore keeps it whole)."""
        self.ds.close(back_up)

    def years(self) -> YearsContext:
        """Where this year stands among the year files: its file, the last year's file it was continued
        from, and what names its own file and copies (core/years/history.py)."""
        from core.years.continuation import origin_of  # the other years: read once the year is on screen
        from core.years.history import YearsContext, first_audit_hash
        return YearsContext(Path(self.ds.path), origin_of(self.ds), (self.ds.year_number, first_audit_hash(self.ds)))

    # ---------------------------------------------------------------- the edit machinery

    def _apply(self, label: str, do: Apply, undo: Apply, units: Iterable[int] | None,
               merge_key: Any = None, redo: Apply | None = None) -> Edit:
        return self._step_write(label, do, undo, units, merge_key, redo).now()

    def _step_write(self, label: str, do: Apply, undo: Apply, units: Iterable[int] | None,
                    merge_key: Any = None, redo: Apply | None = None, slow: bool = False) -> Write:
        """An edit that becomes a step of the undo history once written (core.editing.writes)."""
        touched = None if units is None else frozenset(units)

        def settle(edit: Edit) -> None:
            if edit.ok:
                if edit.rows:  # an edit that changed nothing (the same value again) is no step to undo
                    back = self._final_back(undo, edit.unfinalized)
                    self.history.push(Step(label, back, redo or do, touched, merge_key, slow=slow))
                self.unfinalized = edit.unfinalized
                self.refresh(touched)
        return Write(self, label, lambda: do(None), settle, self._read_ahead if slow else None, slow=slow)

    def take_final_withdrawn(self) -> Msg | None:
        """What the last edit did to 定稿, told once: the units whose 定稿 it withdrew (their data changed)."""
        withdrawn, self.unfinalized = self.unfinalized, ()
        return self.final_withdrawn(Edit(unfinalized=withdrawn))

    def final_withdrawn(self, edit: Edit) -> Msg | None:
        """What to tell of the units whose 定稿 an edit withdrew (None: it withdrew none)."""
        return self.ds.final_withdrawn(edit)

    def _final_back(self, undo: Apply, unfinalized: tuple[int, ...]) -> Apply:
        """The undo of an edit that withdrew units' 定稿 (their data changed) marks them 定稿 again."""
        if not unfinalized:
            return undo

        def apply(reason: str | None) -> Edit:
            with self.ds.final_restored(unfinalized):
                return undo(reason)
        return apply

    def _read_ahead(self) -> None:
        """After a slow write, on its thread: what the window reads next and the write made slow to read
        (the people's match, the year as scored), so that reading it there takes no time."""
        self.ds.match()
        self.ds.year()

    def undo(self, reason: str | None = None) -> tuple[Step | None, Edit]:
        write = self.undo_write(reason)
        return (None, Edit()) if write is None else (write.step, write.now())

    def redo(self, reason: str | None = None) -> tuple[Step | None, Edit]:
        write = self.redo_write(reason)
        return (None, Edit()) if write is None else (write.step, write.now())

    def undo_write(self, reason: str | None = None) -> Write | None:
        """The undo of the last step, to run now or on another thread (Write.slow: it takes a while);
        None when there is nothing to undo. On failure (e.g. the unit is now locked) nothing moves."""
        if not self.history.can_undo:
            return None
        step = self.history.steps[self.history.position - 1]
        text = reason and f"{reason}：{step.label}"

        def settle(edit: Edit) -> None:
            self.history.undone(step, edit)
            self.refresh(step.units)
        return Write(self, text or step.label, lambda: step.undo(text), settle,
                     self._read_ahead if step.slow else None, slow=step.slow, step=step)

    def redo_write(self, reason: str | None = None) -> Write | None:
        if not self.history.can_redo:
            return None
        step = self.history.steps[self.history.position]
        text = reason and f"{reason}：{step.label}"

        def settle(edit: Edit) -> None:
            self.history.redone(step, edit)
            self.unfinalized = edit.unfinalized
            self.refresh(step.units)
        return Write(self, text or step.label, lambda: step.redo(text), settle,
                     self._read_ahead if step.slow else None, slow=step.slow, step=step)

    def busy_edit(self) -> Edit:
        """The refusal of an edit while another is being written (Write)."""
        return Edit(problems=(self.problem("session.busy", label=self.busy or ""),))

    def problem(self, code: str, **params: Any) -> Problem:
        return Problem(self.ds.path.name, "", "", Msg.of(code, **params))

    def _added(self, label: str, add: Callable[[], Edit], capture: Callable[[int], Snapshot],
               remove: Callable[[int, str | None], Edit], units: Iterable[int] | None) -> Edit:
        """An edit that makes a record: undo captures and removes it, redo restores it (same id)."""
        made: dict[str, Any] = {}

        def do(_: str | None) -> Edit:
            edit = add()
            if edit.ok:
                made["id"] = edit.id
            return edit

        def undo(reason: str | None) -> Edit:
            made["snapshot"] = capture(made["id"])
            return remove(made["id"], reason)

        def redo(reason: str | None) -> Edit:
            return self.ds.restore(self.by, made["snapshot"], reason)
        return self._apply(label, do, undo, units, redo=redo)

    def _removed(self, label: str, snapshot: Snapshot, remove: Callable[[str | None], Edit],
                 units: Iterable[int] | None) -> Edit:
        return self._apply(label, remove, lambda reason: self.ds.restore(self.by, snapshot, reason), units)

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

    def add_base(self, label: str, unit_id: int, name: str, type: str, agreement_date: dt.date | None,
                 **values: Any) -> Edit:
        return self._added(label, lambda: self.ds.add_base(self.by, unit_id, name, type, agreement_date, **values),
                           lambda bid: self.ds.capture(base_id=bid),
                           lambda bid, r: self.ds.remove_base(self.by, bid, r), [unit_id])

    def update_base(self, label: str, unit_id: int, base_id: int, **changes: Any) -> Edit:
        row = self.ds.row("bases", base_id) or {}
        old = {k: row.get(k) for k in changes}
        return self._apply(label, lambda r: self.ds.update_base(self.by, base_id, r, **changes),
                           lambda r: self.ds.update_base(self.by, base_id, r, **old), [unit_id],
                           merge_key=("base", base_id, tuple(sorted(changes))))

    def remove_base(self, label: str, unit_id: int, base_id: int) -> Edit:
        return self._removed(label, self.ds.capture(base_id=base_id),
                             lambda r: self.ds.remove_base(self.by, base_id, r), [unit_id])

    def add_trip(self, label: str, unit_id: int, date: dt.date | None, place: str, mode: str,
                 enterprises: int) -> Edit:
        return self._added(label, lambda: self.ds.add_trip(self.by, unit_id, date, place, mode, enterprises),
                           lambda tid: self.ds.capture(trip_id=tid),
                           lambda tid, r: self.ds.remove_trip(self.by, tid, r), [unit_id])

    def update_trip(self, label: str, unit_id: int, trip_id: int, **changes: Any) -> Edit:
        row = self.ds.row("trips", trip_id) or {}
        old = {k: row.get(k) for k in changes}
        return self._apply(label, lambda r: self.ds.update_trip(self.by, trip_id, r, **changes),
                           lambda r: self.ds.update_trip(self.by, trip_id, r, **old), [unit_id],
                           merge_key=("trip", trip_id, tuple(sorted(changes))))

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
        row = self.ds.row("deliveries", delivery_id) or {}
        old = {k: row.get(k) for k in changes}
        return self._apply(label, lambda r: self.ds.update_delivery(self.by, delivery_id, r, **changes),
                           lambda r: self.ds.update_delivery(self.by, delivery_id, r, **old), [unit_id],
                           merge_key=("delivery", delivery_id, tuple(sorted(changes))))

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
        old = {}
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

    # ---------------------------------------------------------------- signatures, signed sheets, reopening

    def add_signature(self, label: str, unit_id: int | None, document: str, role: str, name: str, png: bytes,
                      title: str = "") -> Edit:
        """A handwritten signature from the signature pad (allowed on a locked unit: it is not a fact)."""
        return self._added(label, lambda: self.ds.add_signature(self.by, document, role, name, png, unit_id=unit_id,
                                                                title=title),
                           lambda sid: self.ds.capture(signature_id=sid),
                           lambda sid, r: self.ds.remove_signature(self.by, sid, r), [])

    def remove_signature(self, label: str, signature_id: int) -> Edit:
        return self._removed(label, self.ds.capture(signature_id=signature_id),
                             lambda r: self.ds.remove_signature(self.by, signature_id, r), [])

    def record_signed(self, kind: str, unit_id: int | None, version: int | None, fingerprint: str, subject: str,
                      pdf_sha256: str, reason: str) -> Edit:
        """A document signed outside this dataset's connection (the export worker signs on a scratch
        copy): a score sheet finalizes and locks its unit as `version`; any signed document makes its
        certificate known to the year. Not undoable: the signed file exists."""
        if self.busy is not None:
            return self.busy_edit()
        if kind == "sheet":
            edit = self.ds.finalize_unit(self.by, unit_id, version, fingerprint, subject, pdf_sha256, reason)
        elif self.ds.known_certificate(fingerprint) is None:
            edit = self.ds.add_certificate(self.by, fingerprint, subject, reason)
        else:
            return Edit()
        if edit.ok:  # the unit's facts became final; the year is re-scored (its ranking clauses may settle)
            self.refresh(frozenset([unit_id]) if kind == "sheet" else frozenset())
        return edit

    def reopen(self, unit_id: int, reason: str) -> Edit:
        """Unlock a unit whose score sheet was signed; the reason is required and audited. Not undoable
        (locking again takes a newly signed sheet); earlier steps of the unit can be undone again."""
        if self.busy is not None:
            return self.busy_edit()
        edit = self.ds.reopen_unit(self.by, unit_id, reason)
        if edit.ok:
            self.refresh(frozenset([unit_id]))
        return edit

    # ---------------------------------------------------------------- the year's rule set

    def newer_reading_notice(self, clause_id: str) -> Msg | None:
        """What the clause's page says when the program's rule set brings a reading the year's predates."""
        return newer_reading_notice(self.rules, self.program_rules, clause_id)

    def rules_refusal(self, rules: RuleSet) -> Problem | None:
        """Why `rules` cannot become the year's rule set (another year's, or the one it stores), if so."""
        return adoptable(self.ds, rules)

    def may_adopt(self, rules: RuleSet) -> bool:
        """Can `rules` become the year's rule set here: the year is open for writing and nothing refuses it."""
        return not self.read_only and self.rules_refusal(rules) is None

    def adopt_rules(self, reason: str, rules: RuleSet | None = None) -> Edit:
        """Make `rules` (by default the program's newer rule set of the year's id) the year's (audited, with
        the reason; core.store.rule_updates). Not undoable: going back is another change of the year's
        rule set. The year is scored again."""
        if self.busy is not None:
            return self.busy_edit()
        edit = adopt_rule_set(self.ds, self.by, reason, rules)
        if edit.ok:
            self.rules = self.ds.rule_set()
            self.program_rules = self.ds.program_rule_set()
            self.pages = pages(self.rules)
            self.refresh(None)
        return edit

    # ---------------------------------------------------------------- people from Excel

    # Who counts may change for every unit when one unit's roster, the district list or an
    # assignment changes (a person two units claim counts for neither): these edits re-read the
    # whole year (None), which the engine scores in milliseconds.

    def match(self) -> MatchResult:
        """Every unit's people, confirmed or not and why, and the conflicts (kept by the dataset
        until an edit changes them)."""
        return self.ds.match()

    def imports(self, unit_id: int | None = None) -> list[ImportedSource]:
        return self.ds.imports(unit_id)

    def assignments(self) -> list[Assignment]:
        return self.ds.assignments()

    def replaced_sources(self, kind: str, unit_id: int | None, file_name: str, sha256: str) -> list[ImportedSource]:
        return self.ds.replaced_sources(kind, unit_id, file_name, sha256)

    def import_people(self, label: str, checked: Any, sha256: str, unit_id: int | None,
                      mapping: Mapping[str, str | int] | None = None, *, skip_bad_rows: bool = False,
                      corrections: Sequence[Any] = ()) -> Edit:
        """Import a checked workbook (core.excel.check.CheckResult without problems, or with
        skip_bad_rows its rows without problems; corrections: core.excel.partial, see
        Dataset.import_people). Undo takes it out and puts back, exactly, the sources it replaced;
        redo puts it back with its original id."""
        return self.import_people_write(label, checked, sha256, unit_id, mapping, skip_bad_rows=skip_bad_rows,
                                        corrections=corrections).now()

    def import_people_write(self, label: str, checked: Any, sha256: str, unit_id: int | None,
                            mapping: Mapping[str, str | int] | None = None, *, skip_bad_rows: bool = False,
                            corrections: Sequence[Any] = ()) -> Write:
        """import_people as a slow Write (core.editing.writes): the desktop runs it on another thread."""
        made: dict[str, Any] = {}

        def do(reason: str | None) -> Edit:
            # the sources it replaces, captured with all their rows for the undo (on the writing thread)
            made["replaced"] = [self.ds.capture_import(s.id)
                                for s in self.ds.replaced_sources(checked.kind, unit_id, checked.source, sha256)]
            edit = self.ds.import_people(self.by, checked, sha256=sha256, unit_id=unit_id, mapping=mapping,
                                         reason=reason, skip_bad_rows=skip_bad_rows, corrections=corrections)
            if edit.ok:
                made["id"] = edit.id
            return edit

        def undo(reason: str | None) -> Edit:
            made["snapshot"] = self.ds.capture_import(made["id"])
            return self.ds.restore_imports(self.by, made["replaced"], remove=[made["id"]], reason=reason)

        def redo(reason: str | None) -> Edit:
            return self.ds.restore_imports(self.by, [made["snapshot"]],
                                           remove=[r.import_id for r in made["replaced"]], reason=reason)
        return self._step_write(label, do, undo, None, redo=redo, slow=True)

    def remove_import(self, label: str, import_id: int) -> Edit:
        return self.remove_import_write(label, import_id).now()

    def remove_import_write(self, label: str, import_id: int) -> Write:
        """remove_import as a slow Write (core.editing.writes): its rows are captured for the undo first."""
        captured: dict[str, Any] = {}

        def do(reason: str | None) -> Edit:
            captured["snapshot"] = self.ds.capture_import(import_id)  # None when removed meanwhile: core says so
            return self.ds.remove_import(self.by, import_id, reason)
        return self._step_write(label, do, lambda r: self.ds.restore_imports(self.by, [captured["snapshot"]], reason=r),
                                None, slow=True)

    def assign_person(self, label: str, id_number: str, unit_id: int | None, reason: str) -> Edit:
        """The assessor's decision on a person several units claim (None withdraws it); the reason is
        required. Undo puts the earlier decision (or none) back."""
        from core.common.identifiers import normalise_id_number
        number = normalise_id_number(id_number)
        old = next((a for a in self.ds.assignments() if a.id_number == number), None)

        def back(undo_reason: str | None) -> Edit:
            if old is None:
                return self.ds.assign_person(self.by, number, None, undo_reason or label)
            return self.ds.assign_person(self.by, number, old.unit_id, old.reason)
        return self._apply(label, lambda r: self.ds.assign_person(self.by, number, unit_id, reason), back, None)

    def count_sources(self, unit_id: int) -> dict[int, str]:
        """Each base's count source as stored: base id -> "hand" or "roster"."""
        return {bid: b.count_source for bid, b in zip(self.ds.base_ids(unit_id), self._units[unit_id].bases)}

    def set_count_source(self, label: str, unit_id: int, source: str, base_ids: Sequence[int] | None = None) -> Edit:
        """Where the people/retained of a unit's bases (all, or those given) come from: "hand" or "roster"."""
        old = self.count_sources(unit_id)
        ids = list(old) if base_ids is None else list(base_ids)

        def back(reason: str | None) -> Edit:
            return chain(*(lambda s=s: self.ds.set_count_source(self.by, unit_id, s, [b for b in ids if old.get(b) == s],
                                                                reason)
                           for s in sorted({old.get(b) for b in ids if b in old})))
        return self._apply(label, lambda r: self.ds.set_count_source(self.by, unit_id, source, base_ids, r), back,
                           [unit_id])

    def result_with_source(self, unit_id: int, *, count_source: str | None = None,
                           base_ids: Sequence[int] | None = None, platform_source: str | None = None) -> UnitResult:
        """The unit's result were the count source of its bases (all, or base_ids), or its 3.1/3.2 source, the
        one given: what switching would do, told before switching (nothing is written; the other units as they
        stand)."""
        unit = self.ds.unit(unit_id, as_entered=True)
        assert unit is not None
        if count_source is not None:
            ids = self.ds.base_ids(unit_id)
            chosen = set(ids if base_ids is None else base_ids)
            unit = replace(unit, bases=tuple(replace(b, count_source=count_source) if bid in chosen else b
                                             for bid, b in zip(ids, unit.bases, strict=True)))
        if platform_source is not None:
            unit = replace(unit, platform_source=platform_source)
        unit = self.ds.with_platform(self.ds.counted((unit,)))[0]
        units = tuple(unit if uid == unit_id else self._units[uid] for uid in self.unit_ids)
        return YearScorer(self.rules).score(replace(self.year, units=units)).unit(unit.name)

    # ---------------------------------------------------------------- the platform's statistics (3.1, 3.2)

    def platform(self) -> PlatformCheck:
        """Each unit's records in the imported platform exports, and the records naming no unit (problems)."""
        return self.ds.platform()

    def platform_source(self, unit_id: int) -> str:
        """Where the unit's 3.1 deliveries and 3.2 rating come from: "hand" or "platform"."""
        return self._units[unit_id].platform_source

    def set_platform_source(self, label: str, unit_id: int, source: str) -> Edit:
        """Score the unit's 3.1/3.2 with the platform's figures ("platform") or the typed ones ("hand");
        undo puts the earlier choice back. Every unit is re-scored (3.2 ranks them all)."""
        old = self.platform_source(unit_id)
        if old == source:
            return Edit()
        return self._apply(label, lambda r: self.ds.set_platform_source(self.by, unit_id, source, r),
                           lambda r: self.ds.set_platform_source(self.by, unit_id, old, r), [unit_id])

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
