"""The session's ground: the open year as read and scored, the year file and who works on it, and the
machinery that makes every edit an undoable step (the edits themselves: core/editing/session.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.common.messages import Msg
from core.common.problems import Problem
from core.common.progress import Progress
from core.editing.undo import Apply, History, Step
from core.editing.writes import Write
from core.scoring.assessment import ClausesDone, Page, clauses_done, pages, unit_progress
from core.scoring.credit import off_scale
from core.scoring.engine import UnitResult, YearResult, YearScorer
from core.scoring.facts import Unit, Year
from core.scoring.formulas import ClauseResult
from core.scoring.report import moved_words, verdict_moves
from core.scoring.rules import RuleSet
from core.store.attachments import Attachment
from core.store.audit_log import Change, changes_aside, changes_of
from core.store.capture import Snapshot
from core.store.dataset import Dataset, Edit
from core.store.reads import Assessor
from core.store.sheet_figures import SignedFigures, figures_changed, signed_sheet_verdict
from core.store.signatures import Signature, UnitLock
from core.teamwork.handed import Handed, handed_of
from core.years.standing import Standing, e_settled_units, not_started_units, standing, under_way_units

if TYPE_CHECKING:  # loaded when first asked for: the first screen does not need them
    from core.pdf.provisional import ProvisionalSheet
    from core.store.audit_check import Anchor
    from core.store.backup import BackupRun
    from core.teamwork.origin import CarriedCopy
    from core.years.history import YearsContext

Listener = Callable[[frozenset[int] | None], None]


class SessionBase:
    """The open year as read and scored for one assessor, and the making of each edit into a step to undo."""

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
        self.verdicts_moved: Msg | None = None  # the other units' 考核结果 or 等级 the last edit (or its undo) moved
        self.verdicts_moved_by: Msg | None = None  # that edit, or its undo or redo, in words (“修改人数”, 撤销“…”)
        self.busy: str | None = None  # the label of an edit being written on another thread (Write)
        self.field_copy: Handed | None = handed_of(ds)  # a field copy: to whom, which units
        self._load()

    # ---------------------------------------------------------------- reading

    def _load(self) -> None:
        self.unit_ids: list[int] = self.ds.unit_ids()
        self.year: Year = self.ds.year()
        self._units: dict[int, Unit] = dict(zip(self.unit_ids, self.year.units, strict=False))
        self._notes: dict[tuple[int, str], str] = self.ds.clause_notes()
        self._locks: dict[int, UnitLock] = {}
        self._signed: dict[int, SignedFigures] = {}  # what each locked unit's signed sheet said
        for uid in self.unit_ids:
            self._read_lock(uid)
        self._score(whole=True)

    def _read_lock(self, unit_id: int) -> None:
        lock = self.ds.unit_lock(unit_id) if self.ds.schema_version >= 3 else None
        figures = None if lock is None else self.ds.signed_figures(unit_id, lock.version)
        if lock is None:
            self._locks.pop(unit_id, None)
        else:
            self._locks[unit_id] = lock
        if figures is None:
            self._signed.pop(unit_id, None)
        else:
            self._signed[unit_id] = figures

    def _score(self, whole: bool = False) -> None:
        scorer = getattr(self, "_scorer", None)
        if scorer is None or scorer.rules is not self.rules:  # a first score, or the year adopted other rules
            scorer = self._scorer = YearScorer(self.rules)
        self.result: YearResult = scorer.score(self.year) if whole else scorer.rescore(self.year)
        self._results = {u.name: u for u in self.result.units}
        self._rostered: set[int | None] | None = None  # read again when asked (an import may have changed it)
        # each unit's progress, worked out once per change: the clause page, the clause list and the
        # unit list each ask for the edited unit's after an edit (progress reads facts, notes and rosters,
        # all read again before this scoring)
        self._progress: dict[int, dict[str, str]] = {}

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

    def refresh(self, units: frozenset[int] | None, *, telling: Msg | None = None,
                about: frozenset[int] = frozenset()) -> None:
        """Read `units` again (None: the whole year) and score; `telling` (an edit's label, or its undo's or redo's):
        first work out what it did to the verdicts of the units other than those it changed or is `about`
        (verdicts_moved, verdicts_moved_by), for the listeners to say."""
        before = self.result
        if units is None:
            self._load()
        else:
            self._reload_units(units)
        self.verdicts_moved, self.verdicts_moved_by = None, telling
        if telling is not None:
            # an edit of one unit moves the others' ranking points and grades (a unit's people counted from its
            # roster can take another's 合格); units nobody has assessed yet show no verdict: not told
            edited = {self._units[u].name for u in (units or frozenset()) | about if u in self._units}
            moved = verdict_moves(before, self.result, edited)
            if moved:  # the stages asked only of an edit that moved someone's verdict
                waiting = self.not_started_and_under_way()[0]
                self.verdicts_moved = moved_words([m for m in moved if m[1].name not in waiting])
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
        """Each clause's progress for the unit (clause id -> state); shared by its askers, not to be changed."""
        known = self._progress.get(unit_id)
        if known is None:
            notes = {c: n for (uid, c), n in self._notes.items() if uid == unit_id}
            known = self._progress[unit_id] = unit_progress(self.rules, self._units[unit_id], notes,
                                                            not self.rosters_imported(unit_id))
        return known

    def not_done(self, unit_ids: Sequence[int]) -> list[tuple[str, ClausesDone]]:
        """Of these units, those with clauses not 已完成 (未开始 or 依据不全), as (name, how far it is):
        what marking their data 定稿 would settle before the assessment is through."""
        found = []
        for uid in unit_ids:
            notes = {c: n for (u, c), n in self._notes.items() if u == uid}
            progress = clauses_done(self.rules, self._units[uid], notes, not self.rosters_imported(uid))
            if progress.done < progress.total:
                found.append((self._units[uid].name, progress))
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

    def e_settled_units(self) -> frozenset[str]:
        """The names of the units whose E is certain though their result is provisional (core/years/standing.py)."""
        return e_settled_units(self.rules, self.year.units, self.result)

    def provisional_on_signing(self, names: Sequence[str]) -> list[ProvisionalSheet]:
        """The score sheets of `names` about to be signed, in that order, that would still be 暂定 when signed."""
        from core.pdf.provisional import provisional_on_signing  # when signing: not needed to start
        return provisional_on_signing(names, self.year, self.result,
                                      lambda name: (uid := self.unit_id(name)) is not None and self.locked(uid),
                                      self.rules)

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

    def credit_off_scale(self, unit_id: int) -> list[Msg]:
        """The unit's credit grades off their licence kind's scale, one sentence each (core/scoring/credit.py)."""
        return off_scale(self.rules, self._units[unit_id], self.program_rules)

    def signed_sheet_verdict(self, pdf_sha256: str) -> Msg | None:
        """Whether a signed score sheet (its bytes' SHA-256) still shows the unit's figures (None: not known)."""
        return signed_sheet_verdict(self.ds, pdf_sha256, self.result, self._decimals())

    def _decimals(self) -> int:
        return (self.rules.reading("ranking_display_decimals")
                if "ranking_display_decimals" in self.rules.readings else 2)

    def signed_sheet_change(self, unit_id: int) -> Msg | None:
        """A locked unit whose figures are no longer its signed sheet's (another unit's change moved a ranking
        clause): the sentence saying so, the way forward included; None when they agree or are not known."""
        signed = self._signed.get(unit_id)
        if signed is None:
            return None
        return figures_changed(signed, self.unit_result(unit_id), self._locks[unit_id].version + 1, self._decimals())

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

    def registered_certificates(self) -> list[tuple[str, str]]:
        """(fingerprint, subject) of the certificates this year's signed documents were signed with."""
        return [] if self.ds.schema_version < 3 else [(c.fingerprint, c.subject) for c in self.ds.certificates()]

    def signed_sheet(self, pdf_sha256: str) -> bool:
        """Did this year sign a score sheet with exactly these bytes (their SHA-256)?"""
        return self.ds.signed_sheet(pdf_sha256) is not None

    def trail_holds(self, seq: int, digest: str, copy: CarriedCopy | None = None,
                    document: str = "") -> tuple[bool | None, Msg]:
        """Does the audit trail still hold the head a document was made at? None: the document (named
        `document`) was made in a field copy (`copy`: the mark it carries), whose trail is not the year's."""
        from core.teamwork.origin import document_trail  # the merge's words: loaded when a document is checked
        return document_trail(self.ds, seq, digest, copy, document)

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

    def changes(self, *, unit: int | None = None, page: str | None = None, who: str | None = None) -> list[Change]:
        """The year's changes as its trail records them (core/store/audit_log.py), oldest first, filtered."""
        return changes_of(self.ds, unit=unit, page=page, who=who)

    def changes_aside(self) -> Callable[[Progress], list[Change] | None]:
        """The reading of every change of the year for another thread, made here (core/store/audit_log.py)."""
        return changes_aside(self.ds)

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
        self.history = History()  # the steps to undo (an import's rows among them) go now, as the year's caches do

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
                    merge_key: Any = None, redo: Apply | None = None, slow: bool = False,
                    about: Iterable[int] = ()) -> Write:
        """An edit that becomes a step of the undo history once written (core.editing.writes); `about`: the units
        it is the edit of when `units` is None (it changes the whole year: an import of a unit's roster)."""
        touched, of = None if units is None else frozenset(units), frozenset(about)

        def settle(edit: Edit) -> None:
            if edit.ok:
                if edit.rows:  # an edit that changed nothing (the same value again) is no step to undo
                    back = self._final_back(undo, edit.unfinalized)
                    self.history.push(Step(label, back, redo or do, touched, merge_key, slow=slow, about=of))
                self.unfinalized = edit.unfinalized
                self.refresh(touched, telling=Msg.of("session.edit_named", label=label), about=of)
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
            self.refresh(step.units, telling=Msg.of("session.undo_named", label=step.label), about=step.about)
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
            self.refresh(step.units, telling=Msg.of("session.redo_named", label=step.label), about=step.about)
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
