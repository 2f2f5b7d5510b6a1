"""The formulas of core/scoring/formulas.py bound to one clause of a rule set, for a recompute of a whole year:
each computes only the numbers, with everything the rule set fixes (readings, parameters, comparisons) looked
up once instead of once per unit, and leaves in its result the recipe of the explanation, which runs the
formula itself when someone reads it. tests/core/scoring/test_properties.py checks that both give the same
numbers."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from core.scoring.facts import Unit
from core.scoring.formulas import (
    COMPARISONS,
    ZERO,
    ClauseResult,
    Measure,
    Number,
    People,
    _trip_points,
    all_evidence,
    assessor_awarded,
    bases,
    clause_net,
    deliveries,
    explained,
    insurance,
    people_measure,
    per_item_points,
    place_trips,
    placements_evidence,
    rating_measure,
    retention_measure,
    school_groups,
    trips,
)

if TYPE_CHECKING:
    from core.scoring.rules import Clause, RuleSet, Threshold

_new_tuple = tuple.__new__  # what a NamedTuple's constructor calls, without its Python frame

# Inside one recompute (engine.score_year) three clauses ask for each unit's people; the
# engine opens a memo for the run so they are computed once. Outside a run nothing is kept.
people_memo: ContextVar[dict[int, People] | None] = ContextVar("people_memo", default=None)

BoundFormula = Callable[[Unit], Any]


def bound(clause: Clause, rules: RuleSet) -> BoundFormula:
    """The clause's formula without its explanation, for any unit: a ClauseResult (a Measure for a ranking one)."""
    return _BOUND[clause.kind.function](clause, rules)


def _comparison(threshold: Threshold) -> tuple[Callable[[Any, Any], bool], Number]:
    return COMPARISONS[threshold.test], threshold.value


def _seen(clause: Clause, wanted: tuple[str, ...] | None = None) -> Callable[[Unit], bool]:
    """Whether none of the items is unseen (`not _missing_items(clause, unit, wanted)`), as a function of the unit."""
    clause_id, items = clause.id, clause.evidence_ids if wanted is None else wanted
    if not items:
        return lambda unit: True
    if len(items) == 1:
        item = items[0]
        return lambda unit: bool((ticks := unit.evidence.get(clause_id)) and ticks.get(item))
    return lambda unit: bool((ticks := unit.evidence.get(clause_id)) and all(map(ticks.get, items)))


def _bound_bases(clause: Clause, rules: RuleSet) -> BoundFormula:
    p = clause.params
    in_period = rules.reading("base_agreement_in_period")
    must_be_seen = rules.reading("base_agreement_must_be_seen")
    start, end, items = rules.period_start, rules.period_end, clause.record_evidence_ids
    per_item, cap, bonus_per_item, bonus_cap = p["per_item"], clause.points, p["bonus_per_item"], p["bonus_cap"]
    clause_id = clause.id

    def score(unit: Unit) -> ClauseResult:
        counted = 0
        for b in unit.bases:  # the test of base_reasons
            day = b.agreement_date
            if day is not None and b.name and (not in_period or start <= day <= end) \
                    and (not must_be_seen or all(map(b.evidence.get, items))):
                counted += 1
        points, bonus = per_item_points(counted, per_item, cap, bonus_per_item, bonus_cap)
        return _new_tuple(ClauseResult, (clause_id, points, bonus, ZERO, points + bonus if bonus else points,
                                         False, None, None, None, (explained, bases, clause, rules, unit)))
    return score


def _bound_trips(clause: Clause, rules: RuleSet) -> BoundFormula:
    p = clause.params
    poor, per_poor, trip_cap = p["poor_verdict"], p["deduction_per_poor"], p["deduction_cap_per_trip"]
    base_slots = int(p["base_trips"])
    floor = rules.reading("trip_clause_floor")
    online_max = min(rules.reading("online_trips_counted"), base_slots)
    in_period = rules.reading("trip_in_period")
    start, end = rules.period_start, rules.period_end
    enough, minimum = _comparison(clause.thresholds["min_enterprises"])
    required = tuple(rules.reading("trip_requires_evidence"))
    forms = p.get("evaluations_evidence")
    clause_id = clause.id

    # The placement depends only on the qualifying trips' costs: units share a few patterns of them
    placed: dict[tuple, tuple[Number, Number, Number, Number]] = {}

    def score(unit: Unit) -> ClauseResult:
        offline: list[Number] = []
        online: list[Number] = []
        for t in unit.trips:  # the tests of trip_reasons
            if (t.date is None or not t.place or (in_period and not start <= t.date <= end)
                    or not enough(t.enterprises, minimum) or not all(map(t.evidence.get, required))):
                continue
            # as trip_deductions: no 差 deducted while the evaluation forms are not seen
            cost = min(t.evaluations.count(poor) * per_poor, trip_cap) if not forms or t.evidence.get(forms) else ZERO
            if t.mode == "offline":
                offline.append(cost)
            elif t.mode == "online":
                online.append(cost)
        # as trips: the cheapest first (the trips' dates, which break ties there, leave the costs the same)
        offline.sort()
        online.sort()
        key = (*offline, None, *online[:online_max])
        known = placed.get(key)
        if known is None:
            online_costs = online[:online_max]
            offline_kept, online_kept = place_trips(p, clause, floor, offline, online_costs, base_slots)
            deduction: Number = sum(offline[:offline_kept]) + sum(online_costs[:online_kept])
            points, bonus, _ = _trip_points(p, clause, offline_kept + online_kept, base_slots)
            known = (points, bonus, deduction, clause_net(points, bonus, deduction, floor))
            if len(placed) < 4096:  # a bound on what a rule set's life keeps; patterns are few
                placed[key] = known
        return _new_tuple(ClauseResult, (clause_id, *known, False, None, None, None,
                                         (explained, trips, clause, rules, unit)))
    return score


def _bound_all_evidence(clause: Clause, rules: RuleSet) -> BoundFormula:
    seen, points, clause_id = _seen(clause), clause.points, clause.id

    def score(unit: Unit) -> ClauseResult:
        p = points if seen(unit) else ZERO
        return _new_tuple(ClauseResult, (clause_id, p, ZERO, ZERO, p, False, None, None, None,
                                         (explained, all_evidence, clause, rules, unit)))
    return score


def _bound_people(rules: RuleSet) -> Callable[[Unit], People]:
    """confirmed_people(rules, unit)'s counts as a function of the unit (kept in people_memo while it is open)."""
    people_clause, retention_clause = rules.clause_entering("people"), rules.clause_entering("retained")
    new_members_in_period = rules.reading("new_member_bases_signed_in_period")
    start, end = rules.period_start, rules.period_end
    arrivals_seen = _seen(people_clause, people_clause.params["arrivals_evidence"]) if people_clause else None
    school_seen = {group: _seen(people_clause, items) for group, items in placements_evidence(people_clause).items()} \
        if people_clause else None
    retained_seen = (_seen(retention_clause, retention_clause.params["retained_evidence"])
                     if retention_clause else None)

    def count(unit: Unit) -> People:
        memo = people_memo.get()
        if memo is not None:
            people = memo.get(id(unit))
            if people is not None:
                return people
        all_bases = not (unit.new_member and new_members_in_period)
        arrivals = arrivals_retained = 0
        groups: dict[str, list[int]] | None = None  # the school people by group: [people, retained]
        for base in unit.bases:
            day = base.agreement_date
            if all_bases or (day is not None and start <= day <= end):  # as base_eligible_for_people
                if base.type == "labour":
                    arrivals += base.people
                    arrivals_retained += base.retained
                    continue
                if groups is None:
                    groups = {"trainees": [0, 0], "interns": [0, 0], "placements": [0, 0]}
                for group, people_, retained_ in (school_groups(base) if base.type == "school"
                                                  else ((base.type, base.people, base.retained),)):
                    counts = groups[group]
                    counts[0] += people_
                    counts[1] += retained_
        if arrivals and arrivals_seen is not None and not arrivals_seen(unit):
            arrivals = arrivals_retained = 0
        placements = placements_retained = trainees = interns = 0
        if groups is not None:
            for group, (n, s) in groups.items():
                if n and (school_seen is None or school_seen[group](unit)):
                    placements += n
                    placements_retained += s
                    if group == "trainees":
                        trainees = n
                    elif group == "interns":
                        interns = n
        if retained_seen is not None and not retained_seen(unit):
            arrivals_retained = placements_retained = 0
        people = _new_tuple(People, (arrivals, arrivals_retained, placements, placements_retained, (), (), (), (), (),
                                     trainees, interns))
        if memo is not None:
            memo[id(unit)] = people
        return people
    return count


def _bound_people_measure(clause: Clause, rules: RuleSet) -> BoundFormula:
    people, (test, minimum) = _bound_people(rules), _comparison(clause.thresholds["min_people"])

    def measure(unit: Unit) -> Measure:
        counts = people(unit)
        n = counts[0] + counts[2]
        return _new_tuple(Measure, (n, test(n, minimum), (), (), (), ()))
    return measure


def _bound_retention_measure(clause: Clause, rules: RuleSet) -> BoundFormula:
    people, (test, minimum) = _bound_people(rules), _comparison(clause.thresholds["min_ratio"])
    numerator, denominator = minimum.numerator, minimum.denominator

    def measure(unit: Unit) -> Measure:
        counts = people(unit)
        n, s = counts[0] + counts[2], counts[1] + counts[3]
        if not n:
            return _new_tuple(Measure, (ZERO, False, (), (), (), ()))
        # as Threshold.ratio_passes; v = r × s
        return _new_tuple(Measure, (Fraction(s * s, n), test(s * denominator, numerator * n), (), (), (), ()))
    return measure


def _bound_rating_measure(clause: Clause, rules: RuleSet) -> BoundFormula:
    seen, (test, minimum) = _seen(clause), _comparison(clause.thresholds["min_rating"])

    def measure(unit: Unit) -> Measure:
        rating = unit.platform_rating
        if rating is None or not seen(unit):
            return _new_tuple(Measure, (ZERO, False, (), (), (), ()))
        return _new_tuple(Measure, (rating, test(rating, minimum), (), (), (), ()))
    return measure


def _bound_deliveries(clause: Clause, rules: RuleSet) -> BoundFormula:
    p = clause.params
    seen = _seen(clause)
    in_period_only = rules.reading("delivery_in_period")
    start, end = rules.period_start, rules.period_end
    enough, minimum = _comparison(clause.thresholds["min_stars"])
    per_item, cap, bonus_per_item, bonus_cap = p["per_item"], clause.points, p["bonus_per_item"], p["bonus_cap"]
    clause_id = clause.id

    def score(unit: Unit) -> ClauseResult:
        counted = 0
        if unit.deliveries and seen(unit):
            for d in unit.deliveries:
                day, rating = d.date, d.stars
                if day is not None and rating is not None and d.enterprise and enough(rating, minimum) \
                        and (not in_period_only or start <= day <= end):
                    counted += 1
        points, bonus = per_item_points(counted, per_item, cap, bonus_per_item, bonus_cap)
        return _new_tuple(ClauseResult, (clause_id, points, bonus, ZERO, points + bonus if bonus else points,
                                         False, None, None, None, (explained, deliveries, clause, rules, unit)))
    return score


def _bound_assessor_awarded(clause: Clause, rules: RuleSet) -> BoundFormula:
    clause_id, ids, full, per_ticked = clause.id, clause.evidence_ids, clause.points, clause.params["per_ticked_item"]

    def score(unit: Unit) -> ClauseResult:
        ticks = unit.evidence.get(clause_id)
        ticked = sum(1 for item in ids if ticks.get(item, False)) if ticks else 0  # as management_suggestion
        suggestion = full if ticked == len(ids) else min(ticked * per_ticked, full)
        awarded = unit.management.awarded
        if awarded is None or awarded == suggestion or not unit.management.reason.strip():
            points = suggestion
        else:
            points = awarded
        return _new_tuple(ClauseResult, (clause_id, points, ZERO, ZERO, points, False, None, None, None,
                                         (explained, assessor_awarded, clause, rules, unit)))
    return score


def _bound_insurance(clause: Clause, rules: RuleSet) -> BoundFormula:
    people, seen = _bound_people(rules), _seen(clause)
    test, wanted = _comparison(clause.thresholds["min_ratio"])
    full, per_point = clause.points, clause.params["per_point_short"]
    whole_points = rules.reading("insurance_shortfall") == "whole_points"
    clause_id = clause.id

    def score(unit: Unit) -> ClauseResult:
        arrivals = people(unit)[0]
        points: Number
        if arrivals == 0:
            points = ZERO
        else:
            insured = unit.insured_workers if seen(unit) else 0
            if test(insured * wanted.denominator, wanted.numerator * arrivals):  # as Threshold.ratio_passes
                points = full
            else:  # as insurance
                numerator = (wanted.numerator * arrivals - wanted.denominator * insured) * 100
                denominator = wanted.denominator * arrivals
                short: Number = numerator // denominator if whole_points else Fraction(numerator, denominator)
                points = max(ZERO, full - per_point * short)
        return _new_tuple(ClauseResult, (clause_id, points, ZERO, ZERO, points, False, None, None, None,
                                         (explained, insurance, clause, rules, unit)))
    return score


_BOUND: dict[Callable[..., Any], Callable[[Clause, RuleSet], BoundFormula]] = {
    bases: _bound_bases, trips: _bound_trips, all_evidence: _bound_all_evidence,
    people_measure: _bound_people_measure, retention_measure: _bound_retention_measure,
    rating_measure: _bound_rating_measure, deliveries: _bound_deliveries,
    assessor_awarded: _bound_assessor_awarded, insurance: _bound_insurance,
}
