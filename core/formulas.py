"""One small pure function per clause formula.

Each takes the clause (with its parameters), the rule set (for readings) and one unit's facts,
and returns the clause's points with the explanation of how they were reached. Ranking
clauses are split in two: a per-unit measure here, and `ranked_points` over all units.
No number from the rules appears here: they all come from `clause.params`, `clause.points`
and the readings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from core.facts import Base, Trip, Unit
from core.messages import Msg
from core.rules import Clause, RuleSet

ZERO = Fraction(0)


@dataclass(frozen=True)
class Explanation:
    facts: tuple[Msg, ...] = ()  # the facts the clause used
    missing: tuple[Msg, ...] = ()  # evidence not ticked, and what it cost
    readings: tuple[str, ...] = ()  # names of the readings applied
    steps: tuple[Msg, ...] = ()  # how the points follow from the facts


@dataclass(frozen=True)
class ClauseResult:
    clause_id: str
    points: Fraction
    bonus: Fraction = ZERO
    deduction: Fraction = ZERO
    net: Fraction = ZERO  # points + bonus - deduction, after any clause floor
    provisional: bool = False
    rank: int | None = None
    ranked_among: int | None = None
    value: Fraction | None = None  # the ranking value, for ranking clauses
    explanation: Explanation = field(default_factory=Explanation)


def _result(clause: Clause, points: Fraction, bonus: Fraction = ZERO, deduction: Fraction = ZERO,
            floor: Fraction | None = None, **explanation) -> ClauseResult:
    net = points + bonus - deduction
    if floor is not None:
        net = max(Fraction(floor), net)
    return ClauseResult(clause.id, points, bonus, deduction, net,
                        explanation=Explanation(readings=clause.readings, **explanation))


def per_item_points(count: int, per_item: Fraction, cap: Fraction, bonus_per_item: Fraction,
                    bonus_cap: Fraction) -> tuple[Fraction, Fraction]:
    """Points for `count` items up to `cap`, then a bonus for each item beyond, up to `bonus_cap`."""
    needed = math.ceil(cap / per_item) if per_item else 0
    points = min(count * per_item, cap)
    bonus = min(max(0, count - needed) * bonus_per_item, bonus_cap)
    return points, bonus


def _missing_items(clause: Clause, unit: Unit, wanted: tuple[str, ...] | None = None) -> list[str]:
    ids = clause.evidence_ids if wanted is None else wanted
    return [item for item in ids if not unit.ticked(clause.id, item)]


def _verdict(reasons: list[Msg]) -> Msg:
    return Msg.of("verdict.not_counted_because", reasons=reasons) if reasons else Msg.of("verdict.counted")


def _label(clause: Clause, item_id: str) -> str:
    for item in clause.evidence + clause.record_evidence:
        if item.id == item_id:
            return item.label
    return item_id


# ------------------------------------------------------------------ 1.1 bases

def base_counts(clause: Clause, rules: RuleSet, base: Base) -> tuple[bool, list[Msg]]:
    """Whether one base scores in 1.1, and why not."""
    reasons = []
    if rules.reading("base_agreement_in_period") and not rules.in_period(base.agreement_date):
        reasons.append(Msg.of("bases.out_of_period", date=base.agreement_date.isoformat()))
    if rules.reading("base_agreement_must_be_seen"):
        for item in clause.record_evidence:
            if not base.evidence.get(item.id, False):
                reasons.append(Msg.of("evidence.not_seen", item=item.label))
    return not reasons, reasons


def bases(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    p = clause.params
    facts, missing = [], []
    counted = 0
    for base in unit.bases:
        ok, reasons = base_counts(clause, rules, base)
        counted += ok
        kind = rules.base_types[base.type]
        facts.append(Msg.of("bases.base", name=base.name, kind=kind, date=base.agreement_date.isoformat(),
                            verdict=_verdict(reasons)))
        if any(r.code == "evidence.not_seen" for r in reasons):
            missing.append(Msg.of("missing.record", record=base.name, item=_label(clause, clause.record_evidence[0].id)))
    points, bonus = per_item_points(counted, p["per_item"], clause.points, p["bonus_per_item"], p["bonus_cap"])
    steps = [Msg.of("bases.steps", counted=counted, per_item=p["per_item"], points=points, bonus=bonus,
                    cap=clause.points, bonus_cap=p["bonus_cap"])]
    return _result(clause, points, bonus, facts=tuple(facts), missing=tuple(missing), steps=tuple(steps))


# ------------------------------------------------------------------ 1.2 trips

def poor_count(trip: Trip, poor_verdict: str) -> int:
    return sum(1 for verdict in trip.evaluations if verdict == poor_verdict)


def trip_qualifies(clause: Clause, rules: RuleSet, trip: Trip) -> list[Msg]:
    """Reasons a trip cannot count (empty when it qualifies)."""
    reasons = []
    if rules.reading("trip_in_period") and not rules.in_period(trip.date):
        reasons.append(Msg.of("trips.out_of_period"))
    if trip.enterprises < clause.params["min_enterprises"]:
        reasons.append(Msg.of("trips.too_few_enterprises", enterprises=trip.enterprises,
                              minimum=clause.params["min_enterprises"]))
    for item_id in rules.reading("trip_requires_evidence"):
        if not trip.evidence.get(item_id, False):
            reasons.append(Msg.of("evidence.not_seen", item=_label(clause, item_id)))
    return reasons


def trips(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    p = clause.params
    poor = p["poor_verdict"]
    base_slots_total = int(p["base_trips"])
    online_max = min(rules.reading("online_trips_counted"), base_slots_total)
    reasons = {i: trip_qualifies(clause, rules, t) for i, t in enumerate(unit.trips)}
    offline = [i for i, t in enumerate(unit.trips) if t.mode == "offline" and not reasons[i]]
    online = sorted((i for i, t in enumerate(unit.trips) if t.mode == "online" and not reasons[i]),
                    key=lambda i: (poor_count(unit.trips[i], poor), unit.trips[i].date))
    online_used, online_spare = online[:online_max], online[online_max:]
    counted = online_used + offline
    base_used = min(len(counted), base_slots_total)
    points = min(base_used * p["per_item"], clause.points)
    bonus = min((len(counted) - base_used) * p["bonus_per_item"], p["bonus_cap"])
    deduction = ZERO
    facts, missing = [], []
    for i, trip in enumerate(unit.trips):
        n_poor = poor_count(trip, poor)
        trip_deduction = min(n_poor * p["deduction_per_poor"], p["deduction_cap_per_trip"]) if i in counted else ZERO
        deduction += trip_deduction
        why = list(reasons[i])
        if i in online_spare:
            why.append(Msg.of("trips.online_beyond_limit", limit=online_max))
        facts.append(Msg.of("trips.trip", date=trip.date.isoformat(), place=trip.place,
                            mode=rules.trip_modes[trip.mode], enterprises=trip.enterprises, poor=n_poor,
                            deduction=trip_deduction, verdict=_verdict(why)))
        for reason in reasons[i]:
            if reason.code == "evidence.not_seen":
                missing.append(Msg.of("missing.record", record=f"{trip.date.isoformat()} {trip.place}",
                                      item=reason.param("item")))
    floor = Fraction(rules.reading("trip_clause_floor"))
    steps = [Msg.of("trips.steps", counted=len(counted), base_used=base_used, points=points,
                    extra=len(counted) - base_used, bonus=bonus, deduction=deduction,
                    net=max(floor, points + bonus - deduction))]
    return _result(clause, points, bonus, deduction, floor=floor, facts=tuple(facts),
                   missing=tuple(missing), steps=tuple(steps))


# ------------------------------------------------------------------ 1.3, 4.3 all evidence

def all_evidence(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    missing_ids = _missing_items(clause, unit)
    points = clause.points if not missing_ids else ZERO
    facts = [Msg.of("evidence.item", item=item.label,
                    verdict=Msg.of("verdict.seen" if unit.ticked(clause.id, item.id) else "verdict.not_seen"))
             for item in clause.evidence]
    missing = [Msg.of("missing.item", item=_label(clause, i)) for i in missing_ids]
    steps = [Msg.of("all_evidence.steps", ticked=len(clause.evidence) - len(missing_ids),
                    total=len(clause.evidence), points=points)]
    return _result(clause, points, facts=tuple(facts), missing=tuple(missing), steps=tuple(steps))


# ------------------------------------------------------------------ people (2.1, 2.2, 4.2)

@dataclass(frozen=True)
class People:
    arrivals: int  # confirmed labour-base arrivals
    arrivals_retained: int
    placements: int  # confirmed trainees and interns
    placements_retained: int
    facts: tuple[Msg, ...]
    missing_arrivals: tuple[Msg, ...]  # evidence that would confirm the arrivals
    missing_placements: tuple[Msg, ...]
    missing_retained: tuple[Msg, ...]

    @property
    def total(self) -> int:
        return self.arrivals + self.placements

    @property
    def retained(self) -> int:
        return self.arrivals_retained + self.placements_retained


def base_eligible_for_people(rules: RuleSet, unit: Unit, base: Base) -> bool:
    return not (unit.new_member and rules.reading("new_member_bases_signed_in_period")
                and not rules.in_period(base.agreement_date))


def confirmed_people(rules: RuleSet, unit: Unit) -> People:
    """The confirmed headcounts section 二 and clause 4.2 are computed from.

    Arrivals count only when clause 2.1's arrivals evidence is all ticked, placements only when
    its placements evidence is, and the six-month figures only when clause 2.2's evidence is.
    """
    people_clause = _clause_with(rules, "people_ranked")
    retention_clause = _clause_with(rules, "retention_ranked")
    facts = []
    missing: dict[str, list[Msg]] = {"labour": [], "school": [], "retained": []}
    sums = {"labour": [0, 0], "school": [0, 0]}
    for base in unit.bases:
        eligible = base_eligible_for_people(rules, unit, base)
        facts.append(Msg.of("people.base", name=base.name, kind=rules.base_types[base.type], people=base.people,
                            retained=base.retained,
                            verdict=Msg.of("verdict.counted" if eligible else "people.base_not_this_year")))
        if eligible:
            sums[base.type][0] += base.people
            sums[base.type][1] += base.retained
    groups = {}
    for kind, param in (("labour", "arrivals_evidence"), ("school", "placements_evidence")):
        unseen = _missing_items(people_clause, unit, people_clause.params[param]) if people_clause else []
        confirmed = not unseen
        if not confirmed and sums[kind][0]:
            missing[kind].extend(Msg.of("missing.people", kind=rules.base_types[kind], people=sums[kind][0],
                                  item=_label(people_clause, i)) for i in unseen)
        groups[kind] = sums[kind] if confirmed else [0, 0]
    retained_unseen = (_missing_items(retention_clause, unit, retention_clause.params["retained_evidence"])
                       if retention_clause else [])
    if retained_unseen:
        if groups["labour"][1] + groups["school"][1]:
            missing["retained"].extend(Msg.of("missing.retained", retained=groups["labour"][1] + groups["school"][1],
                                  item=_label(retention_clause, i)) for i in retained_unseen)
        groups["labour"][1] = groups["school"][1] = 0
    return People(groups["labour"][0], groups["labour"][1], groups["school"][0], groups["school"][1],
                  tuple(facts), tuple(missing["labour"]), tuple(missing["school"]), tuple(missing["retained"]))


def _clause_with(rules: RuleSet, formula: str) -> Clause | None:
    return next((c for c in rules.clauses if c.formula == formula), None)


# ------------------------------------------------------------------ ranking clauses (2.1, 2.2, 3.2)

@dataclass(frozen=True)
class Measure:
    """One unit's ranking value for a ranking clause, before the units are compared."""
    value: Fraction
    qualifies: bool
    facts: tuple[Msg, ...]
    missing: tuple[Msg, ...]
    steps: tuple[Msg, ...]


def people_measure(clause: Clause, rules: RuleSet, unit: Unit) -> Measure:
    people = confirmed_people(rules, unit)
    n = people.total
    minimum = clause.params["min_people"]
    step = Msg.of("people.total", arrivals=people.arrivals, placements=people.placements, total=n,
                  minimum=minimum, verdict=Msg.of("verdict.pass" if n >= minimum else "verdict.below"))
    return Measure(Fraction(n), n >= minimum, people.facts, people.missing_arrivals + people.missing_placements,
                   (step,))


def retention_measure(clause: Clause, rules: RuleSet, unit: Unit) -> Measure:
    people = confirmed_people(rules, unit)
    n, s = people.total, people.retained
    minimum = clause.params["min_ratio"]
    ratio = Fraction(s, n) if n else ZERO
    qualifies = n > 0 and ratio >= minimum
    step = Msg.of("retention.value", retained=s, total=n, ratio=ratio * 100, minimum=minimum * 100,
                  value=ratio * s, verdict=Msg.of("verdict.pass" if qualifies else "verdict.below"))
    missing = people.missing_arrivals + people.missing_placements + people.missing_retained
    return Measure(ratio * s, qualifies, people.facts, missing, (step,))


def rating_measure(clause: Clause, rules: RuleSet, unit: Unit) -> Measure:
    minimum = clause.params["min_rating"]
    unseen = _missing_items(clause, unit)
    rating = unit.platform_rating
    missing = tuple(Msg.of("missing.item", item=_label(clause, i)) for i in unseen) if rating is not None else ()
    if rating is None or unseen:
        step = Msg.of("rating.none") if rating is None else Msg.of("rating.unseen", rating=rating)
        return Measure(ZERO, False, (), missing, (step,))
    qualifies = rating >= minimum
    step = Msg.of("rating.value", rating=rating, minimum=minimum,
                  verdict=Msg.of("verdict.pass" if qualifies else "verdict.below"))
    return Measure(rating, qualifies, (), missing, (step,))


def ranks(values: dict[str, Fraction], tie_rule: str) -> dict[str, int]:
    """Rank of each key, highest value first. competition: 1 + the number strictly ahead;
    dense: 1 + the number of distinct values strictly ahead."""
    ordered = sorted(set(values.values()), reverse=True)
    if tie_rule == "dense":
        position = {v: i + 1 for i, v in enumerate(ordered)}
    else:
        counts = sorted(values.values(), reverse=True)
        position = {}
        for i, v in enumerate(counts):
            position.setdefault(v, i + 1)
    return {key: position[value] for key, value in values.items()}


def ranked_points(clause: Clause, rules: RuleSet, measures: dict[str, Measure],
                  provisional: bool) -> dict[str, ClauseResult]:
    p = clause.params
    qualifying = {name: m.value for name, m in measures.items() if m.qualifies}
    rank_of = ranks(qualifying, rules.reading("tie_rule"))
    as_bonus = clause.formula == "rating_ranked"
    results = {}
    for name, m in measures.items():
        rank = rank_of.get(name)
        score = max(p["floor"], p["top"] - p["step"] * (rank - 1)) if rank is not None else ZERO
        steps = m.steps + ((Msg.of("ranking.rank", rank=rank, among=len(qualifying), top=p["top"], step=p["step"],
                                   floor=p["floor"], points=score),) if rank is not None
                           else (Msg.of("ranking.not_ranked"),))
        explanation = Explanation(m.facts, m.missing, clause.readings, steps)
        results[name] = ClauseResult(
            clause.id, ZERO if as_bonus else score, score if as_bonus else ZERO, ZERO, score,
            provisional=provisional, rank=rank, ranked_among=len(qualifying) if rank else None,
            value=m.value, explanation=explanation)
    return results


# ------------------------------------------------------------------ 3.1 deliveries

def deliveries(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    p = clause.params
    unseen = _missing_items(clause, unit)
    counted, facts = 0, []
    for d in unit.deliveries:
        reasons = []
        if rules.reading("delivery_in_period") and not rules.in_period(d.date):
            reasons.append(Msg.of("deliveries.out_of_period"))
        if d.stars < p["min_stars"]:
            reasons.append(Msg.of("deliveries.low_stars", minimum=p["min_stars"]))
        ok = not reasons and not unseen
        counted += ok
        if unseen:
            reasons.append(Msg.of("evidence.not_seen", item=_label(clause, unseen[0])))
        facts.append(Msg.of("deliveries.delivery", date=d.date.isoformat(), enterprise=d.enterprise, stars=d.stars,
                            verdict=_verdict(reasons)))
    missing = tuple(Msg.of("missing.item", item=_label(clause, i)) for i in unseen) if unit.deliveries else ()
    points, bonus = per_item_points(counted, p["per_item"], clause.points, p["bonus_per_item"], p["bonus_cap"])
    steps = (Msg.of("deliveries.steps", counted=counted, per_item=p["per_item"], points=points, bonus=bonus,
                    cap=clause.points, bonus_cap=p["bonus_cap"]),)
    return _result(clause, points, bonus, facts=tuple(facts), missing=missing, steps=steps)


# ------------------------------------------------------------------ 4.1 assessor-awarded

def management_suggestion(clause: Clause, unit: Unit) -> Fraction:
    ticked = len(clause.evidence) - len(_missing_items(clause, unit))
    if ticked == len(clause.evidence):
        return clause.points
    return min(ticked * clause.params["per_ticked_item"], clause.points)


def assessor_awarded(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    suggestion = management_suggestion(clause, unit)
    awarded, reason = unit.management.awarded, unit.management.reason.strip()
    facts = [Msg.of("evidence.item", item=item.label,
                    verdict=Msg.of("verdict.seen" if unit.ticked(clause.id, item.id) else "verdict.not_seen"))
             for item in clause.evidence]
    missing = tuple(Msg.of("missing.item", item=_label(clause, i)) for i in _missing_items(clause, unit))
    if awarded is None or awarded == suggestion:
        points, step = suggestion, Msg.of("management.suggested", points=suggestion)
    elif reason:
        points, step = awarded, Msg.of("management.awarded", points=awarded, suggestion=suggestion, reason=reason)
    else:
        points, step = suggestion, Msg.of("management.no_reason", awarded=awarded, suggestion=suggestion)
    return _result(clause, points, facts=tuple(facts), missing=missing, steps=(step,))


# ------------------------------------------------------------------ 4.2 insurance

def insurance(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    p = clause.params
    people = confirmed_people(rules, unit)
    arrivals = people.arrivals
    unseen = _missing_items(clause, unit)
    insured = unit.insured_workers if not unseen else 0
    facts = (Msg.of("insurance.facts", insured=unit.insured_workers, arrivals=arrivals),)
    missing = tuple(Msg.of("missing.item", item=_label(clause, i)) for i in unseen) + people.missing_arrivals
    if arrivals == 0:
        return _result(clause, ZERO, facts=facts, missing=missing, steps=(Msg.of("insurance.no_arrivals"),))
    ratio = Fraction(insured, arrivals)
    if ratio >= p["min_ratio"]:
        points, short = clause.points, ZERO
    else:
        short = (p["min_ratio"] - ratio) * 100
        if rules.reading("insurance_shortfall") == "whole_points":
            short = Fraction(math.floor(short))
        points = max(ZERO, clause.points - p["per_point_short"] * short)
    steps = (Msg.of("insurance.steps", insured=insured, arrivals=arrivals, ratio=ratio * 100,
                    minimum=p["min_ratio"] * 100, short=short, per_point=p["per_point_short"], points=points),)
    return _result(clause, points, facts=facts, missing=missing, steps=steps)


# Formula name -> function. Absolute formulas return a ClauseResult; ranking formulas a Measure.
ABSOLUTE: dict[str, Callable[[Clause, RuleSet, Unit], ClauseResult]] = {
    "bases": bases, "trips": trips, "all_evidence": all_evidence, "deliveries": deliveries,
    "assessor_awarded": assessor_awarded, "insurance": insurance,
}
RANKED: dict[str, Callable[[Clause, RuleSet, Unit], Measure]] = {
    "people_ranked": people_measure, "retention_ranked": retention_measure, "rating_ranked": rating_measure,
}
