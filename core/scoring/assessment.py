"""The guided assessment, clause by clause: which pages there are, what each page edits, and each
clause's progress (not started / incomplete evidence / done). Plain Python: the desktop (ui/) only
shows what this module decides.

A page is one clause of the rule set, in the rule set's order, then the negative-findings page (五).
What a page edits follows from the clause's formula (its kind, core/scoring/kinds.py), never from its id,
so another year's rule set with other clause ids gets the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.common.messages import Msg, render
from core.scoring.facts import (
    COUNTS_FROM_ROSTERS,
    FIGURES_FROM_PLATFORM,
    Base,
    Delivery,
    Trip,
    Unit,
    trip_label,
    unfilled,
)
from core.scoring.formulas import ClauseResult, base_out_of_period, trip_out_of_period
from core.scoring.kinds import (  # noqa: F401 (what a page edits: the desktop's editors are named so)
    BASES,
    DELIVERIES,
    FACTS,
    INSURED_WORKERS,
    MANAGEMENT,
    NEGATIVE,
    PLATFORM_RATING,
    RECORD_EVIDENCE,
    TRIPS,
)
from core.scoring.rules import Clause, EvidenceItem, RuleSet

NOT_STARTED, INCOMPLETE, DONE = "not_started", "incomplete", "done"

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
    spec = clause.kind.page
    record_columns = tuple(f"evidence:{item.id}" for item in clause.record_evidence)

    def columns(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(c for name in names for c in (record_columns if name == RECORD_EVIDENCE else (name,)))

    return Page(id=clause.id, title=clause.title, clause=clause, editors=spec.editors,
                base_columns=columns(spec.base_columns), base_editable=columns(spec.base_editable),
                records_added_here=spec.records_added_here, clause_evidence=clause.evidence,
                record_evidence=clause.record_evidence, count_source=spec.count_source,
                platform_source=spec.platform_source)


def page_readings(rules: RuleSet, page: Page) -> tuple[tuple[str, str], ...]:
    """(name, description) of every reading that applies on the page (the clause's, or on the 五 page the
    negative section's; the grade readings are not clause readings)."""
    if page.clause is None:
        names = rules.negative.readings if page.id == rules.negative.id else ()
        return tuple((name, reading_text(rules, name)) for name in names)
    return tuple((name, reading_text(rules, name)) for name in page.clause.readings)


def page_practice(page: Page) -> str:
    """How the program applies the page's formula where the official text leaves it a choice it makes one way only
    (1.2: the trips placed for the unit's most points), or ""."""
    kind = page.clause.kind if page.clause is not None else None
    return render(Msg.of(kind.practice)) if kind is not None and kind.practice else ""


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
    4.2's with insured workers. Record items are needed for every base (1.1) or trip (1.2) that could count: not
    for one outside the assessment year (a base carried over from last year), which no evidence makes count."""
    kind, p = clause.kind, clause.params
    ticks = unit.evidence.get(clause.id, {})
    result: list[tuple[str, EvidenceItem, bool]] = []
    by_id = {item.id: item for item in clause.evidence}
    if kind.records == BASES:
        for base in unit.bases:
            if base_out_of_period(rules, base):
                continue
            for item in clause.record_evidence:
                name = base.name or render(Msg.of("record.unnamed"))
                result.append((name, item, bool(base.evidence.get(item.id, False))))
    elif kind.records == TRIPS:
        for trip in unit.trips:
            if trip_out_of_period(rules, trip):
                continue
            for item in clause.record_evidence:
                result.append((trip_label(trip), item, bool(trip.evidence.get(item.id, False))))
    for need in kind.evidence:
        if need.when is None or FACTS[need.when](unit):
            for item_id in clause.evidence_ids if need.items is None else p[need.items]:
                result.append(("", by_id[item_id], bool(ticks.get(item_id, False))))
    return result


def missing_ticks(rules: RuleSet, unit: Unit, clause: Clause) -> list[MissingTick]:
    return [MissingTick(item, record) for record, item, seen in required_evidence(rules, unit, clause) if not seen]


def has_facts(unit: Unit, clause: Clause) -> bool:
    """Has anything the clause reads been entered (apart from evidence ticks)?"""
    return any(FACTS[fact](unit) for fact in clause.kind.facts)


def has_ticks(unit: Unit, clause: Clause) -> bool:
    """Has the assessor ticked (or unticked) any of the clause's evidence?"""
    if unit.evidence.get(clause.id):
        return True
    records = clause.kind.records
    if records == BASES:
        return any(b.evidence for b in unit.bases)
    if records == TRIPS:
        return any(t.evidence for t in unit.trips)
    return False


def unfilled_records(unit: Unit, clause: Clause) -> list[Base | Trip | Delivery]:
    """The clause's bases, trips or deliveries whose required facts are not all typed yet."""
    facts = clause.kind.facts
    records: tuple[Base | Trip | Delivery, ...] = (
        *(unit.bases if "bases" in facts else ()), *(unit.trips if "trips" in facts else ()),
        *(unit.deliveries if "deliveries" in facts else ()))
    return [record for record in records if unfilled(record)]


def source_absent(unit: Unit, clause: Clause, rosters_missing: bool = False) -> bool:
    """Does the clause count figures from a source that is not there: people counts from the rosters of a
    unit with no roster imported (rosters_missing), or 3.1's deliveries or 3.2's rating from the platform's
    exports that hold none of the unit's? Its figures are then zero for want of the source, not found zero."""
    spec = clause.kind.page
    if spec.count_source:
        return rosters_missing and any(b.count_source == COUNTS_FROM_ROSTERS for b in unit.bases)
    if spec.platform_source and unit.platform_source == FIGURES_FROM_PLATFORM:
        if DELIVERIES in spec.editors:
            return not unit.deliveries
        if PLATFORM_RATING in spec.editors:
            return unit.platform_rating is None
    return False


def clause_progress(rules: RuleSet, unit: Unit, clause: Clause, note: str = "", rosters_missing: bool = False) -> str:
    """NOT_STARTED: nothing entered, ticked or noted for the clause. INCOMPLETE: something is, but an
    evidence item the clause needs is not ticked as seen, one of its records lacks a fact it needs, something
    typed waits for more before it applies (4.1's award without its reason), or its
    figures come from a source that is not there (source_absent; rosters_missing: the unit has no roster
    imported). DONE: every needed item is ticked and every record filled in (a note alone marks a clause
    with nothing to record as done)."""
    if _only_outside_the_year(rules, unit, clause) and not (unit.evidence.get(clause.id) or note.strip()):
        return NOT_STARTED
    if not (has_facts(unit, clause) or has_ticks(unit, clause) or note.strip()):
        return NOT_STARTED
    if unfilled_records(unit, clause) or source_absent(unit, clause, rosters_missing):
        return INCOMPLETE
    if clause.kind.awaiting is not None and clause.kind.awaiting(clause, unit):
        return INCOMPLETE
    for _, _, seen in required_evidence(rules, unit, clause):
        if not seen:
            return INCOMPLETE
    return DONE


def _only_outside_the_year(rules: RuleSet, unit: Unit, clause: Clause) -> bool:
    """A clause of records (1.1's bases, 1.2's trips) holding none of this year's: last year's bases carried into a
    new year are not this year's assessment begun (nothing asks for their evidence: required_evidence)."""
    if clause.kind.records == BASES:
        return bool(unit.bases) and all(base_out_of_period(rules, base) for base in unit.bases)
    if clause.kind.records == TRIPS:
        return bool(unit.trips) and all(trip_out_of_period(rules, trip) for trip in unit.trips)
    return False


def unit_progress(rules: RuleSet, unit: Unit, notes: dict[str, str] | None = None,
                  rosters_missing: bool = False) -> dict[str, str]:
    """Every clause's progress for one unit, {clause id: state} (rosters_missing: no roster of it imported)."""
    notes = notes or {}
    return {c.id: clause_progress(rules, unit, c, notes.get(c.id, ""), rosters_missing) for c in rules.clauses}


@dataclass(frozen=True)
class ClausesDone:
    """How far a unit's assessment is: its clauses 已完成 of how many, and which are 未开始 or 依据不全."""
    done: int
    total: int
    not_started: tuple[str, ...]
    incomplete: tuple[str, ...]

    def not_done(self) -> Msg:
        """The clauses not 已完成, by state (未开始：2.2、3.1；依据不全：1.3)."""
        if self.not_started and self.incomplete:
            return Msg.of("progress.not_done_both", not_started=self.not_started, incomplete=self.incomplete)
        if self.not_started:
            return Msg.of("progress.not_done_not_started", not_started=self.not_started)
        return Msg.of("progress.not_done_incomplete", incomplete=self.incomplete)


def clauses_done(rules: RuleSet, unit: Unit, notes: dict[str, str] | None = None,
                 rosters_missing: bool = False) -> ClausesDone:
    """How many of the unit's clauses are 已完成, of how many, and which are not: fewer, and marking its
    data 定稿 settles it before its assessment is through (未开始 or 依据不全 clauses)."""
    states = unit_progress(rules, unit, notes, rosters_missing)
    return ClausesDone(sum(state == DONE for state in states.values()), len(states),
                       tuple(c for c, state in states.items() if state == NOT_STARTED),
                       tuple(c for c, state in states.items() if state == INCOMPLETE))


def negative_entered(unit: Unit) -> bool:
    """Has any negative finding been recorded for the unit?"""
    n = unit.negative
    return bool(n.major_incident or n.licences_cancelled or n.credit_grades or n.collective_disputes_lost
                or n.individual_disputes_lost or n.complaints)


# ------------------------------------------------------------------ per-record verdicts

RECORD_FACTS = ("bases.base", "trips.trip", "deliveries.delivery", "people.base", "people.base_typed",
                "people.base_split", "people.base_split_typed")


def record_verdicts(result: ClauseResult) -> list[Msg]:
    """The verdict on each record (base, trip or delivery) in the clause's explanation, in the
    order of the unit's records: verdict.counted, or why it is not counted. Builds the explanation."""
    return [m.param("verdict") for m in result.explanation.facts if m.code in RECORD_FACTS]


def counted(verdict: Msg) -> bool:
    """Whether the record counts: wholly, or a school base whose interns count while its trainees wait (or the
    other way round; its verdict says which)."""
    return verdict.code in ("verdict.counted", "people.base_counted", "people.split_trainees_unconfirmed",
                            "people.split_interns_unconfirmed")
