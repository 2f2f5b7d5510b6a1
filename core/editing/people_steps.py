"""Who counts, changed as undoable steps: people imported from Excel, the assessor's assignments, each base's
count source, and the platform's statistics (3.1, 3.2) as a unit's source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from core.editing.session_base import SessionBase
from core.editing.undo import chain
from core.editing.writes import Write
from core.scoring.engine import UnitResult, YearScorer
from core.store.dataset import Edit
from core.store.left_out import LeftOut
from core.store.people_edits import Assignment, ImportedSource

if TYPE_CHECKING:  # the matching is loaded when first asked for: the first screen does not need it
    from core.people.matching import MatchResult, UnitMatch
    from core.people.platform import PlatformCheck


class PeopleSteps(SessionBase):
    """The edits of who counts, each an undoable step."""

    # ---------------------------------------------------------------- people from Excel

    # Who counts may change for every unit when one unit's roster, the district list or an
    # assignment changes (a person two units claim counts for neither): these edits re-read the
    # whole year (None), which the engine scores in milliseconds.

    def match(self) -> MatchResult:
        """Every unit's people, confirmed or not and why, and the conflicts (kept by the dataset
        until an edit changes them)."""
        return self.ds.match()

    def unit_match(self, unit_id: int) -> UnitMatch | None:
        """The unit's people as matched (None: nothing imported names them)."""
        return self.match().find(self.unit(unit_id).name)

    def imports(self, unit_id: int | None = None) -> list[ImportedSource]:
        return self.ds.imports(unit_id)

    def corrected_cells(self, import_ids: Sequence[int]) -> dict[int, list[tuple[str, str, str]]]:
        return self.ds.corrected_cells(import_ids)

    def left_out(self, import_ids: Sequence[int]) -> dict[int, LeftOut]:
        """The rows each of these imports left out, and why (Dataset.left_out)."""
        return self.ds.left_out(import_ids)

    def assignments(self) -> list[Assignment]:
        return self.ds.assignments()

    def report_remarks(self, unit_id: int) -> dict[str, list[tuple[str, str]]]:
        return self.ds.report_remarks(unit_id)

    def replaced_sources(self, kind: str, unit_id: int | None, file_name: str, sha256: str, *,
                         alongside: bool = False) -> list[ImportedSource]:
        return self.ds.replaced_sources(kind, unit_id, file_name, sha256, alongside=alongside)

    def import_people(self, label: str, checked: Any, sha256: str, unit_id: int | None,
                      mapping: Mapping[str, str | int] | None = None, *, skip_bad_rows: bool = False,
                      corrections: Sequence[Any] = (), alongside: bool = False) -> Edit:
        """Import a checked workbook (core.excel.check.CheckResult without problems, or with
        skip_bad_rows its rows without problems; corrections: core.excel.partial, see
        Dataset.import_people). Undo takes it out and puts back, exactly, the sources it replaced;
        redo puts it back with its original id."""
        return self.import_people_write(label, checked, sha256, unit_id, mapping, skip_bad_rows=skip_bad_rows,
                                        corrections=corrections, alongside=alongside).now()

    def import_people_write(self, label: str, checked: Any, sha256: str, unit_id: int | None,
                            mapping: Mapping[str, str | int] | None = None, *, skip_bad_rows: bool = False,
                            corrections: Sequence[Any] = (), alongside: bool = False) -> Write:
        """import_people as a slow Write (core.editing.writes): the desktop runs it on another thread."""
        made: dict[str, Any] = {}

        def do(reason: str | None) -> Edit:
            # the sources it replaces, captured with all their rows for the undo (on the writing thread)
            made["replaced"] = [self.ds.capture_import(s.id)
                                for s in self.ds.replaced_sources(checked.kind, unit_id, checked.source, sha256,
                                                                  alongside=alongside)]
            edit = self.ds.import_people(self.by, checked, sha256=sha256, unit_id=unit_id, mapping=mapping,
                                         reason=reason, skip_bad_rows=skip_bad_rows, corrections=corrections,
                                         alongside=alongside)
            if edit.ok:
                made["id"] = edit.id
            return edit

        def undo(reason: str | None) -> Edit:
            made["snapshot"] = self.ds.capture_import(made["id"])
            return self.ds.restore_imports(self.by, made["replaced"], remove=[made["id"]], reason=reason)

        def redo(reason: str | None) -> Edit:
            return self.ds.restore_imports(self.by, [made["snapshot"]],
                                           remove=[r.import_id for r in made["replaced"]], reason=reason)
        return self._step_write(label, do, undo, None, redo=redo, slow=True,
                                about=() if unit_id is None else (unit_id,))

    def remove_import(self, label: str, import_id: int) -> Edit:
        return self.remove_import_write(label, import_id).now()

    def remove_import_write(self, label: str, import_id: int) -> Write:
        """remove_import as a slow Write (core.editing.writes): its rows are captured for the undo first."""
        captured: dict[str, Any] = {}

        def do(reason: str | None) -> Edit:
            captured["snapshot"] = self.ds.capture_import(import_id)  # None when removed meanwhile: core says so
            return self.ds.remove_import(self.by, import_id, reason)
        unit = next((s.unit_id for s in self.ds.imports() if s.id == import_id), None)  # the edit's unit
        return self._step_write(label, do, lambda r: self.ds.restore_imports(self.by, [captured["snapshot"]], reason=r),
                                None, slow=True, about=() if unit is None else (unit,))

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
        bases = self._units[unit_id].bases
        return {bid: b.count_source for bid, b in zip(self.ds.base_ids(unit_id), bases, strict=False)}

    def set_count_source(self, label: str, unit_id: int, source: str, base_ids: Sequence[int] | None = None) -> Edit:
        """Where the people/retained of a unit's bases (all, or those given) come from: "hand" or "roster"."""
        old = self.count_sources(unit_id)
        ids = list(old) if base_ids is None else list(base_ids)

        def back(reason: str | None) -> Edit:
            return chain(*(lambda s=s: self.ds.set_count_source(self.by, unit_id, s,
                                                                [b for b in ids if old.get(b) == s], reason)
                           for s in sorted({old[b] for b in ids if b in old})))
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
