"""From the year's dataset to the PDF documents (core/pdf/sheets.py), signed when a key is given
(core/pdf/signing.py). Used by the command line and the desktop.

    exporter = Exporter(ds)                      # scores the year once; reuse it for many documents
    done, problems = exporter.sheet("苏州…有限公司", signer=signer, assessor="张三")
    Path("sheet.pdf").write_bytes(done.pdf)

A signed score sheet finalizes the unit: the dataset records the sheet's version, the SHA-256 of
the signed PDF and the certificate, marks the unit's facts final and locks them (edits are then
refused until `Dataset.reopen_unit` with a reason). Every score sheet prints its version: the
number of signed versions so far plus one, so after signing (or reopening) the next export
carries a new number — but the sheet of a locked unit is a copy of the version it was signed as,
marked so and unsigned even when a key is given (its facts cannot have changed since: signing it
again needs reopening first). Unsigned exports only read the dataset. A score sheet is never signed in a
field copy (the office signs it in the year file, after merging the copy back); a document made in a
field copy carries the copy's mark in its keywords, beside the audit head (core/pdf/anchors.py).

Problems (an unknown unit, no Chinese font, an assessor that cannot be told) come back as values;
faults of the dataset or the key raise DatasetError / SigningError.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from core.common.document_titles import title_of
from core.common.messages import Msg, render
from core.common.problems import Problem
from core.pdf.fonts import Fonts, cjk_fonts
from core.pdf.layout import Built, ElectronicSignature, HandSignature, PageFacts, SignLine, display_time
from core.pdf.provisional import ProvisionalSheet, provisional_on_signing
from core.pdf.sheets import (
    RECORD,
    SHEET,
    SUMMARY,
    AttachmentLine,
    EvidenceLine,
    Visit,
    onsite_record,
    score_sheet,
    year_summary,
)
from core.pdf.signing import KeySigner
from core.scoring.engine import YearResult, score_year
from core.scoring.facts import Year, trip_label
from core.scoring.kinds import BASES, TRIPS
from core.store import replay_edit
from core.store.dataset import Dataset
from core.store.sheet_figures import figures_changed, figures_of
from core.store.signatures import Signature
from core.teamwork.field_copy import CopyMark, marks, sheet_signing_refused, signing_with_copies_out
from core.teamwork.origin import COPY_KEYWORD
from core.years.standing import NOT_STARTED, e_settled_units, not_started_units, under_way_units, unit_stage

KINDS = (RECORD, SHEET, SUMMARY)


def t(code: str, **params) -> str:
    return render(Msg.of(code, **params))


@dataclass(frozen=True)
class Exported:
    kind: str
    pdf: bytes
    pages: int
    unit: str | None = None
    version: int | None = None  # score sheets: the version printed on it
    signed: bool = False
    fingerprint: str | None = None
    locked: bool = False  # the unit's facts are now locked (a signed score sheet)
    copy_of_signed: bool = False  # an unsigned copy of the version the unit's locked sheet was signed as
    figures: Mapping[str, Any] | None = None  # a signed score sheet: what it says (core/store/sheet_figures.py)
    moved_since_signed: bool = False  # a locked unit's sheet whose figures moved since: the data now, no copy


def export_title(kind: str, unit: str | None, units: int, year: int) -> str:
    """The title an export of `kind` (of `unit`; the summary of `units` units) carries in its properties."""
    shown = t("pdf.header.all_units", count=units) if kind == SUMMARY else unit or ""
    return title_of(t(f"pdf.title.{kind}"), shown, year)


class Exporter:
    """Builds the documents of one open dataset; scores the year once and again only after a change."""

    def __init__(self, ds: Dataset, *, fonts: Fonts | None = None, font: str | None = None,
                 now: Callable[[], dt.datetime] | None = None):
        self.ds = ds
        self.rules = ds.rule_set()
        self._fonts = fonts
        self._font_setting = font
        self.notices: list[Problem] = []
        self._now = now or (lambda: dt.datetime.now().astimezone())
        self._year: Year | None = None
        self._result: YearResult | None = None
        self._stages: tuple[frozenset[str], frozenset[str]] | None = None  # not started, under way
        self._assessors = None
        self._copy_mark: CopyMark | Literal[False] | None = None  # False: read, not a field copy

    # ---------------------------------------------------------------- shared

    def fonts(self) -> tuple[Fonts | None, list[Problem]]:
        if self._fonts is None:
            fonts, problems = cjk_fonts(self._font_setting)
            if fonts is None:
                return None, problems
            self._fonts, self.notices = fonts, problems
        return self._fonts, []

    def year(self) -> Year:
        if self._year is None:
            self._year = self.ds.year()
        return self._year

    def result(self) -> YearResult:
        if self._result is None:
            self._result = score_year(self.rules, self.year())
        return self._result

    def _unit_stages(self) -> tuple[frozenset[str], frozenset[str]]:
        """The names of the units not started and of those under way, worked out once per state of the year."""
        if self._stages is None:
            units, noted = self.year().units, self.ds.noted_unit_names()
            self._stages = not_started_units(self.rules, units, noted), under_way_units(self.rules, units, noted)
        return self._stages

    def not_started(self) -> frozenset[str]:
        """The names of the units nothing of the year is recorded for (core/years/standing.py)."""
        return self._unit_stages()[0]

    def under_way(self) -> frozenset[str]:
        """The names of the units begun whose data is not final (core/years/standing.py)."""
        return self._unit_stages()[1]

    def changed(self) -> None:
        """Forget the scored year and its units' stages (after the dataset changed)."""
        self._year = self._result = self._stages = None

    def title(self, kind: str, unit: str | None) -> str:
        """The title the export of `kind` (of `unit`) carries in its properties: its form, unit and year."""
        return export_title(kind, unit, len(self.result().units), self.rules.year)

    def page(self, kind: str, unit: str, watermark: bool) -> PageFacts:
        seq, digest = self.ds.audit_head()
        mark = self.copy_mark()
        carried = "" if mark is None else COPY_KEYWORD + " " + json.dumps(
            {"mark": mark.hash, "file": mark.file_name, "assessor": mark.assessor}, ensure_ascii=False)
        return PageFacts(t(f"pdf.title.{kind}"), unit, self.rules.year, self._now(), digest,
                         self.rules.sha256[:12], t("pdf.watermark") if watermark else "", seq, carried)

    def copy_mark(self) -> CopyMark | None:
        """The field copy's newest mark when the dataset is a field copy (read once), else None."""
        if self._copy_mark is None:
            found = marks(replay_edit.connection(self.ds))
            self._copy_mark = found[-1] if found else False
        return self._copy_mark or None

    def signing_refused(self, kind: str) -> Msg | None:
        """Why a document of `kind` cannot be signed here: a score sheet is signed (and its unit locked) by
        the office in the year file, never in a field copy; None when it can."""
        if kind != SHEET or self.copy_mark() is None:
            return None
        return sheet_signing_refused(replay_edit.connection(self.ds), self.ds.path.name)

    def _problem(self, code: str, **params) -> Problem:
        return Problem(self.ds.path.name, "", "", Msg.of(code, **params))

    def _unit(self, name: str | None):
        if not name:
            return None, None, [self._problem("pdf.unit_required")]
        unit_id = self.ds.unit_id(name)
        if unit_id is None:
            return None, None, [self._problem("cli.no_unit", file=self.ds.path.name, unit=name)]
        unit = next(u for u in self.year().units if u.name == name)
        return unit_id, unit, []

    def assessor_titles(self) -> dict[int, tuple[str, str]]:
        if self._assessors is None:
            self._assessors = {a.id: (a.name, a.role) for a in self.ds.assessors()}
        return self._assessors

    def assessor_for(self, name: str | None, signer: KeySigner | None) -> tuple[int | None, list[Problem]]:
        """The assessor an edit is recorded under: the one named, else the one the certificate names,
        else the only assessor of the year."""
        people = self.assessor_titles()
        if name:
            found = self.ds.assessor_id(name)
            return (found, []) if found is not None else (None, [self._problem("pdf.assessor_unknown", name=name)])
        if signer is not None:
            found = self.ds.assessor_id(signer.info.name)
            if found is not None:
                return found, []
        if len(people) == 1:
            return next(iter(people)), []
        return None, [self._problem("pdf.assessor_needed")]

    def sign_lines(self, unit_id: int | None, document: str, wanted: Sequence[tuple[str, Sequence[str]]]) -> list[SignLine]:
        """Signature lines for each (role, names): the named people first, then anyone else who signed
        in that role; a role nobody holds gets one blank line. The newest stored signature is drawn."""
        titles = {name: role for name, role in self.assessor_titles().values()}
        stored: dict[tuple[str, str], Signature] = {}
        for sig in self.ds.signatures(unit_id, document):
            stored[(sig.role, sig.name)] = sig  # oldest first: the newest wins
        lines = []
        for role, names in wanted:
            here = []
            for name in names:
                sig = stored.pop((role, name), None)
                title = (sig.title if sig and sig.title else titles.get(name, "")) if role != "representative" \
                    else (sig.title if sig else "")
                here.append(SignLine(role, name, title, _hand(sig)))
            for (r, name), sig in list(stored.items()):
                if r == role:
                    here.append(SignLine(role, name, sig.title, _hand(sig)))
                    del stored[(r, name)]
            lines += here or [SignLine(role)]
        return lines

    def _sign(self, built: Built, signer: KeySigner, fonts: Fonts, reason: str) -> bytes:
        return signer.sign(built.pdf, built.signature_box, fonts=fonts, reason=reason,
                           location=t("pdf.sign_location"))

    @staticmethod
    def _electronic(signer: KeySigner | None) -> ElectronicSignature | None:
        return None if signer is None else ElectronicSignature(signer.info.subject, signer.fingerprint)

    # ---------------------------------------------------------------- the unit's evidence, as seen on site

    def evidence_lines(self, unit_id: int, unit) -> tuple[list[EvidenceLine], list[int]]:
        """Every evidence item of every clause (per base and per trip where the rules say so), with
        its tick; and the ids of the assessors who ticked them."""
        names = self.assessor_titles()
        ds, lines, tickers = self.ds, [], []
        base_ids, trip_ids = ds.base_ids(unit_id), ds.trip_ids(unit_id)

        def line(clause, item, subject: str, **where) -> None:
            tick = ds.evidence_tick(unit_id, clause.id, item.id, **where)
            if tick is None:
                lines.append(EvidenceLine(clause.id, item.label, subject, "none"))
                return
            if tick["ticked_by"] not in tickers:
                tickers.append(tick["ticked_by"])
            lines.append(EvidenceLine(clause.id, item.label, subject, "seen" if tick["seen"] else "not_seen",
                                      tick["note"], names.get(tick["ticked_by"], ("", ""))[0],
                                      display_time(tick["ticked_at"])))

        for clause in self.rules.clauses:
            records = clause.kind.records
            if records == BASES:
                for base_id, base in zip(base_ids, unit.bases):
                    for item in clause.record_evidence:
                        line(clause, item, base.name or render(Msg.of("record.unnamed")), base_id=base_id)
            elif records == TRIPS:
                for trip_id, trip in zip(trip_ids, unit.trips):
                    for item in clause.record_evidence:
                        line(clause, item, trip_label(trip), trip_id=trip_id)
            for item in clause.evidence:
                line(clause, item, "")
        return lines, tickers

    def attachment_lines(self, unit_id: int) -> list[AttachmentLine]:
        record_clause = {r: c.id if (c := self.rules.record_clause(r)) else "" for r in (BASES, TRIPS)}
        result = []
        for a in self.ds.attachments(unit_id):
            clause = a.clause_id or (record_clause["bases"] if a.base_id else record_clause["trips"] if a.trip_id else "")
            result.append(AttachmentLine(a.name, clause, a.description, a.size, a.sha256))
        return result

    # ---------------------------------------------------------------- the three documents

    def record(self, unit_name: str | None, *, visit: Visit | None = None,
               signer: KeySigner | None = None) -> tuple[Exported | None, list[Problem]]:
        """现场核查记录 of one unit. Missing visit details: the assessors who ticked the evidence and the
        unit's contact person; date and place are left blank for the pen."""
        fonts, problems = self.fonts()
        unit_id, unit, unit_problems = self._unit(unit_name)
        if problems or unit_problems:
            return None, problems + unit_problems
        evidence, tickers = self.evidence_lines(unit_id, unit)
        people = self.assessor_titles()
        visit = visit or Visit()
        if not visit.assessors:
            ids = tickers or list(people)
            visit = replace(visit, assessors=tuple(people[i][0] for i in ids if i in people))
        if not visit.representative:
            visit = replace(visit, representative=unit.contact_person)
        lines = self.sign_lines(unit_id, RECORD, [("assessor", visit.assessors),
                                                  ("representative", [visit.representative] if visit.representative
                                                   else [])])
        built = onsite_record(self.rules, unit, self.result().unit(unit.name), evidence,
                              self.attachment_lines(unit_id), visit, self.page(RECORD, unit.name, False), lines,
                              fonts, self._electronic(signer))
        pdf = built.pdf if signer is None else self._sign(built, signer, fonts, t("pdf.reason.record"))
        if signer is not None:
            self._remember_certificate(signer)
        return Exported(RECORD, pdf, built.pages, unit.name, signed=signer is not None,
                        fingerprint=signer.fingerprint if signer else None), []

    def sheet(self, unit_name: str | None, *, signer: KeySigner | None = None,
              assessor: str | None = None) -> tuple[Exported | None, list[Problem]]:
        """考核评分表 of one unit. Signed, it finalizes the unit; a locked unit's is a copy of its signed
        version, never signed again (see the module's text)."""
        fonts, problems = self.fonts()
        unit_id, unit, unit_problems = self._unit(unit_name)
        if problems or unit_problems:
            return None, problems + unit_problems
        lock = self.ds.unit_lock(unit_id)
        if lock is not None:
            signer = None
        refused = self.signing_refused(SHEET) if signer is not None else None
        if refused is not None:
            return None, [Problem(self.ds.path.name, "", "", refused)]
        by = None
        if signer is not None:
            by, who = self.assessor_for(assessor, signer)
            if who:
                return None, who
        # unsigned, a locked unit's sheet is a copy of the version it was signed as (its facts cannot have
        # changed since); a draft or a signed sheet carries the next number
        version = lock.version if signer is None and lock is not None else self.ds.next_sheet_version(unit_id)
        result = self.result()
        if signer is not None and not unit.facts_final:
            # Signing locks the facts, which makes them final: the signed sheet says so.
            year = self.year()
            final = tuple(replace(u, facts_final=True) if u.name == unit.name else u for u in year.units)
            result = score_year(self.rules, replace(year, units=final))
            unit = replace(unit, facts_final=True)
        unit_result = result.unit(unit.name)
        tickers = self.evidence_lines(unit_id, unit)[1]
        people = self.assessor_titles()
        assessors = [people[i][0] for i in (tickers or list(people)) if i in people]
        lines = self.sign_lines(unit_id, SHEET, [("assessor", assessors), ("reviewer", [])])
        provisional = any(c.provisional for c in unit_result.clauses)
        started = unit_stage(self.rules, unit, unit.name in self.ds.noted_unit_names()) != NOT_STARTED
        # an unsigned copy of the signed version whose figures have moved since (another unit's facts changed its
        # ranking points): it says so, and is no copy of what was signed
        signed = self.ds.signed_figures(unit_id, lock.version) if signer is None and lock is not None else None
        since = (figures_changed(signed, unit_result, lock.version + 1, self.rules.reading("ranking_display_decimals"))
                 if signed is not None and lock is not None else None)
        built = score_sheet(self.rules, result, unit, self.page(SHEET, unit.name, provisional), version=version,
                            draft=signer is None, lines=lines, fonts=fonts, electronic=self._electronic(signer),
                            locked_version=version if signer is not None else (lock.version if lock else None),
                            started=started, since_signed=since)
        if signer is None:
            return Exported(SHEET, built.pdf, built.pages, unit.name, version,
                            copy_of_signed=lock is not None and since is None, moved_since_signed=since is not None), []
        pdf = self._sign(built, signer, fonts, t("pdf.reason.sheet", version=version))
        was_final = next(u for u in self.year().units if u.name == unit.name).facts_final
        figures = figures_of(unit_result)
        edit = self.ds.finalize_unit(by, unit_id, version, signer.fingerprint, signer.info.subject,
                                     hashlib.sha256(pdf).hexdigest(), reason=t("pdf.reason.sheet", version=version),
                                     figures=figures)
        if not edit.ok:
            return None, list(edit.problems)
        if not was_final:
            self.changed()
        return Exported(SHEET, pdf, built.pages, unit.name, version, True, signer.fingerprint, True,
                        figures=figures), []

    def provisional_on_signing(self, unit_name: str | None) -> ProvisionalSheet | None:
        """Why the unit's sheet signed now would be 暂定 (other units not final), or None: it would not,
        the unit is locked (not signed again) or unknown."""
        if unit_name is None:
            return None
        found = provisional_on_signing([unit_name], self.year(), self.result(), self._locked, self.rules)
        return found[0] if found else None

    def copies_out_on_signing(self, unit_name: str | None) -> Msg | None:
        """What signing the unit's sheet means while a field copy covering it has not been merged back (its
        changes of the unit will not come in), or None: none is out, or the unit is locked (not signed again)."""
        if unit_name is None or self._locked(unit_name):
            return None
        return signing_with_copies_out(replay_edit.connection(self.ds), [unit_name])

    def _locked(self, unit_name: str) -> bool:
        unit_id = self.ds.unit_id(unit_name)
        return unit_id is not None and self.ds.unit_lock(unit_id) is not None

    def summary(self, *, signer: KeySigner | None = None) -> tuple[Exported | None, list[Problem]]:
        """考核结果汇总表 of the year."""
        fonts, problems = self.fonts()
        if problems:
            return None, problems
        result = self.result()
        people = [name for name, _ in self.assessor_titles().values()]
        lines = self.sign_lines(None, SUMMARY, [("assessor", people), ("reviewer", [])])
        page = self.page(SUMMARY, t("pdf.header.all_units", count=len(result.units)), result.provisional)
        built = year_summary(self.rules, result, page, lines=lines, fonts=fonts, electronic=self._electronic(signer),
                             not_started=self.not_started(), under_way=self.under_way(),
                             settled=e_settled_units(self.rules, self.year().units, result))
        pdf = built.pdf if signer is None else self._sign(built, signer, fonts, t("pdf.reason.summary"))
        if signer is not None:
            self._remember_certificate(signer)
        return Exported(SUMMARY, pdf, built.pages, signed=signer is not None,
                        fingerprint=signer.fingerprint if signer else None), []

    def _remember_certificate(self, signer: KeySigner) -> None:
        """A record or summary signed: the certificate becomes known to the year (when writable)."""
        if not self.ds.read_only and self.ds.known_certificate(signer.fingerprint) is None:
            by = self.ds.assessor_id(signer.info.name)
            self.ds.add_certificate(by, signer.fingerprint, signer.info.subject)

    def export(self, kind: str, unit_name: str | None = None, **kwargs) -> tuple[Exported | None, list[Problem]]:
        if kind == RECORD:
            kwargs.pop("assessor", None)
            return self.record(unit_name, **kwargs)
        if kind == SHEET:
            kwargs.pop("visit", None)
            return self.sheet(unit_name, **kwargs)
        if kind == SUMMARY:
            kwargs.pop("assessor", None)
            kwargs.pop("visit", None)
            return self.summary(**kwargs)
        raise ValueError(f"unknown document kind {kind!r}")


def _hand(sig: Signature | None) -> HandSignature | None:
    return None if sig is None else HandSignature(sig.png, sig.name, sig.title, sig.signed_at)
