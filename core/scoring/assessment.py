"""The guided assessment, clause by clause: which pages there are, what each page edits, and each
clause's progress (not started / incomplete evidence / done). Plain Python: the desktop (ui/) only
shows what this module decides.

A page is one clause of the rule set, in the rule set's order, then the negative-findings page (五).
What a page edits follows from the clause's formula, never from its id, so another year's rule set
with other clause ids gets the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from core.common.messages import Msg, render
from core.scoring.facts import Unit
from core.scoring.formulas import ClauseResult
from core.scoring.rules import Clause, EvidenceItem, RuleSet

NOT_STARTED, INCOMPLETE, DONE = "not_started", "incomplete", "done"

# Record editors a page can show.
BASES, TRIPS, DELIVERIES = "bases", "trips", "deliveries"
# Single-value editors.
PLATFORM_RATING, MANAGEMENT, INSURED_WORKERS, NEGATIVE = "platform_rating", "management", "insured_workers", "negative"

# Base columns: name, type, region, agreement_date, count_source, people, retained, and "evidence:<item>".
BASE_FACTS = ("name", "type", "region", "agreement_date", "people", "retained")


@dataclass(frozen=True)
class Page:
    """One page of the guided assessment."""
    id: str  # the clause id, or the negative section's id (五)
    title: str
    clause: Clause | None  # None for the negative-findings page
    editors: tuple[str, ...]  # what the page edits, in order (see the constants above)
    base_columns: tuple[str, ...] = ()  # bases table columns shown
    base_editable: tuple[str, ...] = ()  # of those, the ones edited on this page
    records_added_here: bool = False  # bases/trips/deliveries are added and removed on this page
    clause_evidence: tuple[EvidenceItem, ...] = ()  # a checkbox each
    record_evidence: tuple[EvidenceItem, ...] = ()  # a checkbox per base or trip
    count_source: bool = False  # the page shows where the people counts come from (rosters or typed)
    platform_source: bool = False  # the page shows where 3.1/3.2's figures come from (platform export or typed)


def pages(rules: RuleSet) -> tuple[Page, ...]:
    """Every page, in the order the assessor walks them."""
    result = []
    for clause in rules.clauses:
        result.append(_page(rules, clause))
    result.append(Page(rules.negative.id, rules.negative.title, None, (NEGATIVE,)))
    return tuple(result)


def _page(rules: RuleSet, clause: Clause) -> Page:
    f = clause.formula
    common = dict(id=clause.id, title=clause.title, clause=clause, clause_evidence=clause.evidence,
                  record_evidence=clause.record_evidence)
    record_columns = tuple(f"evidence:{item.id}" for item in clause.record_evidence)
    if f == "bases":
        return Page(editors=(BASES,), base_columns=("name",) + record_columns + ("agreement_date", "type", "region"),
                    base_editable=("name", "type", "region", "agreement_date") + record_columns,
                    records_added_here=True, **common)
    if f == "trips":
        return Page(editors=(TRIPS,), records_added_here=True, **common)
    if f == "people_ranked":
        return Page(editors=(BASES,), base_columns=("name", "type", "agreement_date", "count_source", "people"),
                    base_editable=("people", "count_source"), count_source=True, **common)
    if f == "retention_ranked":
        return Page(editors=(BASES,), base_columns=("name", "type", "count_source", "people", "retained"),
                    base_editable=("retained", "count_source"), count_source=True, **common)
    if f == "deliveries":
        return Page(editors=(DELIVERIES,), records_added_here=True, platform_source=True, **common)
    if f == "rating_ranked":
        return Page(editors=(PLATFORM_RATING,), platform_source=True, **common)
    if f == "assessor_awarded":
        return Page(editors=(MANAGEMENT,), **common)
    if f == "insurance":  # its denominator is the arrivals of the labour bases
        return Page(editors=(INSURED_WORKERS,), count_source=True, **common)
    return Page(editors=(), **common)  # all_evidence: the checkboxes are the facts


def page_readings(rules: RuleSet, page: Page) -> tuple[tuple[str, str], ...]:
    """(name, description) of every reading that applies on the page (the clause's and its
    section's grade readings are not clause readings)."""
    if page.clause is None:
        return ()
    return tuple((name, reading_text(rules, name)) for name in page.clause.readings)


def reading_text(rules: RuleSet, name: str, separator: str = "\n　") -> str:
    """A reading as the assessor and the score sheet see it: its description, or for a switchable reading
    the choice in force and, after `separator`, every other choice (each described in Chinese)."""
    reading = rules.readings[name]
    if not reading.choices:
        return reading.description
    lines = [render(Msg.of("reading.chosen", description=reading.description))]
    lines += [render(Msg.of("reading.other", description=c.description)) for c in reading.choices
              if c.value != reading.value]
    return separator.join(lines)


def section_text(rules: RuleSet, page: Page) -> str:
    """The section's own text, which applies to every clause of it (e.g. 二's new-member rule)."""
    if page.clause is None:
        return ""
    return next((s.text for s in rules.sections if s.id == page.clause.section), "")


# ------------------------------------------------------------------ progress

@dataclass(frozen=True)
class MissingTick:
    """An evidence item the clause needs and that is not ticked as seen."""
    item: EvidenceItem
    record: str = ""  # the base's name or the trip's date and place; "" for a clause-level item


def required_evidence(rules: RuleSet, unit: Unit, clause: Clause) -> list[tuple[str, EvidenceItem, bool]]:
    """(record, item, seen) for every evidence item the clause needs for the unit's facts.

    Clause-level items are needed always, except where they confirm facts the unit does not have:
    2.1's arrivals items only with labour-base people, its placements items only with school-base
    people, 2.2's items only with retained people, 3.1's with deliveries, 3.2's with a rating and
    4.2's with insured workers. Record items are needed for every base (1.1) or trip (1.2)."""
    f, p = clause.formula, clause.params
    ticks = unit.evidence.get(clause.id, {})
    result: list[tuple[str, EvidenceItem, bool]] = []
    by_id = {item.id: item for item in clause.evidence}

    def clause_items(ids: Iterable[str]) -> None:
        for item_id in ids:
            result.append(("", by_id[item_id], bool(ticks.get(item_id, False))))

    if f == "bases":
        for base in unit.bases:
            for item in clause.record_evidence:
                result.append((base.name, item, bool(base.evidence.get(item.id, False))))
    elif f == "trips":
        for trip in unit.trips:
            for item in clause.record_evidence:
                result.append((f"{trip.date.isoformat()} {trip.place}", item, bool(trip.evidence.get(item.id, False))))
    elif f == "people_ranked":
        if any(b.people for b in unit.bases if b.type == "labour"):
            clause_items(p["arrivals_evidence"])
        if any(b.people for b in unit.bases if b.type == "school"):
            clause_items(p["placements_evidence"])
    elif f == "retention_ranked":
        if any(b.retained for b in unit.bases):
            clause_items(clause.evidence_ids)
    elif f == "deliveries":
        if unit.deliveries:
            clause_items(clause.evidence_ids)
    elif f == "rating_ranked":
        if unit.platform_rating is not None:
            clause_items(clause.evidence_ids)
    elif f == "insurance":
        if unit.insured_workers:
            clause_items(clause.evidence_ids)
    else:  # all_evidence, assessor_awarded: every item
        clause_items(clause.evidence_ids)
    return result


def missing_ticks(rules: RuleSet, unit: Unit, clause: Clause) -> list[MissingTick]:
    return [MissingTick(item, record) for record, item, seen in required_evidence(rules, unit, clause) if not seen]


def has_facts(unit: Unit, clause: Clause) -> bool:
    """Has anything the clause reads been entered (apart from evidence ticks)?"""
    f = clause.formula
    if f == "bases":
        return bool(unit.bases)
    if f == "trips":
        return bool(unit.trips)
    if f == "people_ranked":
        return any(b.people for b in unit.bases)
    if f == "retention_ranked":
        return any(b.retained for b in unit.bases)
    if f == "deliveries":
        return bool(unit.deliveries)
    if f == "rating_ranked":
        return unit.platform_rating is not None
    if f == "assessor_awarded":
        return unit.management.awarded is not None or bool(unit.management.reason)
    if f == "insurance":
        return bool(unit.insured_workers)
    return False


def has_ticks(unit: Unit, clause: Clause) -> bool:
    """Has the assessor ticked (or unticked) any of the clause's evidence?"""
    if unit.evidence.get(clause.id):
        return True
    if clause.formula == "bases":
        return any(b.evidence for b in unit.bases)
    if clause.formula == "trips":
        return any(t.evidence for t in unit.trips)
    return False


def clause_progress(rules: RuleSet, unit: Unit, clause: Clause, note: str = "") -> str:
    """NOT_STARTED: nothing entered, ticked or noted for the clause. INCOMPLETE: something is, but an
    evidence item the clause needs is not ticked as seen. DONE: every needed item is ticked (a note
    alone marks a clause with nothing to record as done)."""
    if not (has_facts(unit, clause) or has_ticks(unit, clause) or note.strip()):
        return NOT_STARTED
    for _, _, seen in required_evidence(rules, unit, clause):
        if not seen:
            return INCOMPLETE
    return DONE


def unit_progress(rules: RuleSet, unit: Unit, notes: dict[str, str] | None = None) -> dict[str, str]:
    """Every clause's progress for one unit, {clause id: state}."""
    notes = notes or {}
    return {c.id: clause_progress(rules, unit, c, notes.get(c.id, "")) for c in rules.clauses}


def negative_entered(unit: Unit) -> bool:
    """Has any negative finding been recorded for the unit?"""
    n = unit.negative
    return bool(n.major_incident or n.licences_cancelled or n.credit_grades or n.collective_disputes_lost
                or n.individual_disputes_lost or n.complaints)


# ------------------------------------------------------------------ per-record verdicts

RECORD_FACTS = ("bases.base", "trips.trip", "deliveries.delivery", "people.base")


def record_verdicts(result: ClauseResult) -> list[Msg]:
    """The verdict on each record (base, trip or delivery) in the clause's explanation, in the
    order of the unit's records: verdict.counted, or why it is not counted. Builds the explanation."""
    return [m.param("verdict") for m in result.explanation.facts if m.code in RECORD_FACTS]


def counted(verdict: Msg) -> bool:
    return verdict.code == "verdict.counted"
