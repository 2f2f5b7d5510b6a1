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

from collections.abc import Mapping
from typing import Any

from core.common.messages import Msg
from core.common.problems import Problem
from core.editing.fact_steps import FactSteps
from core.editing.people_steps import PeopleSteps
from core.scoring.assessment import pages
from core.scoring.rules import RuleSet
from core.store import replay_edit
from core.store.dataset import Edit
from core.store.rule_updates import adopt_rule_set, adoptable, newer_reading_notice
from core.teamwork.field_copy import (
    CopyMark,
    CopyOut,
    copies_out,
    record_copy_made,
    sheet_signing_refused,
    signing_with_copies_out,
)


class Session(FactSteps, PeopleSteps):
    """The open year for one assessor: what core/editing/session_base.py reads, the edits of
    core/editing/fact_steps.py and people_steps.py, and here signing, reopening and the year's rule set."""

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
                      pdf_sha256: str, reason: str, figures: Mapping[str, Any] | None = None) -> Edit:
        """A document signed outside this dataset's connection (the export worker signs on a scratch
        copy): a score sheet finalizes and locks its unit as `version`, keeping the `figures` it says
        (core/store/sheet_figures.py: what tells the sheet out of date later); any signed document makes its
        certificate known to the year. Not undoable: the signed file exists."""
        if self.busy is not None:
            return self.busy_edit()
        refused = self.sheet_signing_refused() if kind == "sheet" else None
        if refused is not None:
            return Edit(problems=(Problem(self.file.name, "", "", refused),))
        if kind == "sheet":
            edit = self.ds.finalize_unit(self.by, unit_id, version, fingerprint, subject, pdf_sha256, reason,
                                         figures=figures)
        elif self.ds.known_certificate(fingerprint) is None:
            edit = self.ds.add_certificate(self.by, fingerprint, subject, reason)
        else:
            return Edit()
        if edit.ok:  # the unit's facts became final; the year is re-scored (its ranking clauses may settle)
            self.refresh(frozenset([unit_id]) if kind == "sheet" else frozenset())
        return edit

    def record_field_copy(self, mark: CopyMark) -> Edit:
        """A field copy made from this year (on a private copy of it, core/editing/field_work.py) kept in its
        trail, so that it counts as out until merged back. Not undoable: the copy exists."""
        if self.busy is not None:
            return self.busy_edit()
        return record_copy_made(self.ds, self.by, mark)

    def copies_out(self) -> list[CopyOut]:
        """The field copies made from this year that have not been merged back, oldest first."""
        return copies_out(replay_edit.connection(self.ds))

    def copy_out_with(self, unit_id: int | None) -> CopyOut | None:
        """The field copy not merged back yet that holds the unit (the latest made), or None: what an edit of it
        here may meet at that copy's merge. A field copy itself says none (its own copies are its assessor's)."""
        if unit_id is None or self.field_copy is not None:
            return None
        name = self.unit(unit_id).name
        holding = [c for c in self.copies_out() if c.covers(name)]
        return holding[-1] if holding else None

    def signing_with_copies_out(self, unit_ids: list[int] | None) -> Msg | None:
        """What signing these units' sheets (None: every unit) means while a field copy covering one is out."""
        names = None if unit_ids is None else [self.unit(uid).name for uid in unit_ids]
        return signing_with_copies_out(replay_edit.connection(self.ds), names)

    def sheet_signing_refused(self) -> Msg | None:
        """Why no score sheet is signed here (a field copy: signed in the year file after the merge), or None."""
        if self.field_copy is None:
            return None
        return sheet_signing_refused(replay_edit.connection(self.ds), self.file.name)

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
