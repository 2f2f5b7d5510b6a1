"""One small pure function per clause formula.

Each takes the clause (with its parameters), the rule set (for readings) and one unit's facts,
and returns the clause's points with the explanation of how they were reached. Ranking
clauses are split in two: a per-unit measure here, and core/scoring/ranking.py over all units.
core/scoring/kinds.py says which function each formula uses.
No number from the rules appears here: they all come from `clause.params`, `clause.points`
and the readings.

A recompute of a whole year runs their bound versions instead (core/scoring/bound_formulas.py): the
numbers only, with a recipe for the explanation that runs the formula here when someone reads it. It
therefore builds no message, and tests/core/scoring/test_properties.py checks that both give the same
numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from core.common.messages import Msg
from core.scoring.facts import COUNTS_BY_HAND, FIGURES_BY_HAND, Base, Delivery, Trip, Unit, trip_label, unfilled

if TYPE_CHECKING:  # the rule set's loader asks core/scoring/kinds.py, which names these functions
    from core.scoring.rules import Clause, RuleSet

ZERO = 0  # points are ints where the rules allow, Fractions where they need them
Number = int | Fraction


def exact_sum(values: list[Number] | tuple[Number, ...]) -> Number:
    """sum(values) exactly as adding them one by one gives it (an int unless some value is a Fraction), with
    one Fraction made at the end instead of one per addition (Fraction arithmetic is slow Python)."""
    whole = 0
    numerator, denominator, fractional = 0, 1, False
    for value in values:
        if value.__class__ is int:
            whole += value
        else:
            fractional = True
            n, d = value.numerator, value.denominator
            if d == denominator:
                numerator += n
            else:
                numerator, denominator = numerator * d + n * denominator, denominator * d
    return Fraction(numerator + whole * denominator, denominator) if fractional else whole


class Explanation(NamedTuple):
    """Why a clause scored what it did."""
    facts: tuple[Msg, ...] = ()  # the facts the clause used
    missing: tuple[Msg, ...] = ()  # evidence not ticked, and what it cost
    readings: tuple[str, ...] = ()  # names of the readings applied
    steps: tuple[Msg, ...] = ()  # how the points follow from the facts
    # what the assessor should see before relying on the points that is not evidence costing them: each note
    # says what it does to the score (an evaluation form not seen, a score awaiting its reason …)
    notes: tuple[Msg, ...] = ()


class ClauseResult(NamedTuple):
    """One clause of one unit. A NamedTuple: immutable, and cheap to make 10,000 times per recompute."""
    clause_id: str
    points: Number
    bonus: Number = ZERO
    deduction: Number = ZERO
    net: Number = ZERO  # points + bonus - deduction, after any clause floor
    provisional: bool = False
    rank: int | None = None
    ranked_among: int | None = None
    value: Number | None = None  # the ranking value, for ranking clauses
    # The explanation, or the recipe for it, (function, *arguments): a recompute of the year
    # leaves recipes, and reading `explanation` runs the formula again.
    why: Explanation | tuple = Explanation()

    @property
    def explanation(self) -> Explanation:
        why = self.why
        return why if isinstance(why, Explanation) else why[0](*why[1:])


Formula = Callable[..., ClauseResult]


def explained(formula: Formula, clause: Clause, rules: RuleSet, unit: Unit) -> Explanation:
    """The explanation of a bound formula's result (its recipe): the formula run again."""
    return formula(clause, rules, unit).explanation


def clause_net(points: Number, bonus: Number = ZERO, deduction: Number = ZERO,
               floor: Number | None = None) -> Number:
    """points + bonus - deduction, never below the clause's floor (adding a zero is skipped: Fraction is slow)."""
    net = points
    if bonus:
        net += bonus
    if deduction:
        net -= deduction
    if floor is not None and net < floor:
        net = floor
    return net


def _result(clause: Clause, points: Number, bonus: Number = ZERO, deduction: Number = ZERO,
            floor: Number | None = None, facts=(), missing=(), steps=(), notes=()) -> ClauseResult:
    """An explained result (the bound formulas make theirs without this)."""
    net = clause_net(points, bonus, deduction, floor)
    why = Explanation(tuple(facts), tuple(missing), clause.readings, tuple(steps), tuple(notes))
    return ClauseResult(clause.id, points, bonus, deduction, net, False, None, None, None, why)




def per_item_points(count: int, per_item: Number, cap: Number, bonus_per_item: Number,
                    bonus_cap: Number) -> tuple[Number, Number]:
    """Points for `count` items up to `cap`, then a bonus for each item beyond, up to `bonus_cap`."""
    needed = math.ceil(cap / per_item) if per_item else 0
    points = min(count * per_item, cap)
    bonus = min(max(0, count - needed) * bonus_per_item, bonus_cap)
    return points, bonus


def _missing_items(clause: Clause, unit: Unit, wanted: tuple[str, ...] | None = None) -> list[str]:
    ticks = unit.evidence.get(clause.id)
    ids = clause.evidence_ids if wanted is None else wanted
    if not ticks:
        return list(ids)
    return [item for item in ids if not ticks.get(item, False)]


def _verdict(reasons: list[Msg]) -> Msg:
    return Msg.of("verdict.not_counted_because", reasons=reasons) if reasons else Msg.of("verdict.counted")


def test_words(test: str) -> Msg:
    """The comparison of a threshold in the rules' own words (不低于 4, 高于 4 …)."""
    return Msg.of(f"test.{TEST_NAMES[test]}")


TEST_NAMES = {">=": "at_least", ">": "above", "<=": "at_most", "<": "below"}
COMPARISONS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}  # a threshold's test




def unfilled_reasons(record: Base | Trip | Delivery, table: str) -> list[Msg]:
    """A record's required facts not typed yet, each a reason it does not count."""
    return [Msg.of("record.unfilled", field=Msg.of(f"record.field.{table}.{name}")) for name in unfilled(record)]


def _shown(value: Any, unfilled_code: str = "record.unfilled_value") -> Any:
    """A record's fact for the explanation: a date as ISO text, one not typed yet in the words of the code."""
    if value is None or value == "":
        return Msg.of(unfilled_code)
    return value.isoformat() if isinstance(value, dt.date) else value


def _label(clause: Clause, item_id: str) -> str:
    for item in clause.evidence + clause.record_evidence:
        if item.id == item_id:
            return item.label
    return item_id


# ------------------------------------------------------------------ 1.1 bases

def base_out_of_period(rules: RuleSet, base: Base) -> bool:
    """A base whose agreement was signed outside the assessment year, under the reading that it then does not count
    in 1.1 (a base carried over from last year): no evidence makes it count, so none is asked for."""
    return bool(rules.reading("base_agreement_in_period") and base.agreement_date is not None
                and not rules.in_period(base.agreement_date))


def trip_out_of_period(rules: RuleSet, trip: Trip) -> bool:
    """A trip outside the assessment year, under the reading that it then does not count in 1.2."""
    return bool(rules.reading("trip_in_period") and trip.date is not None and not rules.in_period(trip.date))


def base_reasons(clause: Clause, rules: RuleSet, base: Base) -> list[Msg]:
    """Why one base does not score in 1.1 (empty when it does). Outside the year, that alone: its evidence is not
    asked for."""
    reasons = unfilled_reasons(base, "bases")
    if base_out_of_period(rules, base):
        assert base.agreement_date is not None
        return [*reasons, Msg.of("bases.out_of_period", date=base.agreement_date.isoformat())]
    if rules.reading("base_agreement_must_be_seen"):
        for item in clause.record_evidence:
            if not base.evidence.get(item.id, False):
                reasons.append(Msg.of("evidence.not_seen", item=item.label))
    return reasons


def bases(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    p = clause.params
    facts, missing = [], []
    counted = 0
    for base in unit.bases:
        reasons = base_reasons(clause, rules, base)
        counted += not reasons
        facts.append(Msg.of("bases.base", name=_shown(base.name, "record.unnamed"), kind=rules.base_types[base.type],
                            date=_shown(base.agreement_date), verdict=_verdict(reasons)))
        if any(r.code == "evidence.not_seen" for r in reasons):
            missing.append(Msg.of("missing.record", record=_shown(base.name, "record.unnamed"),
                                  item=clause.record_evidence[0].label))
    points, bonus = per_item_points(counted, p["per_item"], clause.points, p["bonus_per_item"], p["bonus_cap"])
    steps = [Msg.of("bases.steps", counted=counted, per_item=p["per_item"], points=points, bonus=bonus,
                    cap=clause.points, bonus_cap=p["bonus_cap"])]
    return _result(clause, points, bonus, facts=facts, missing=missing, steps=steps)


# ------------------------------------------------------------------ 1.2 trips

def poor_count(trip: Trip, poor_verdict: str) -> int:
    return trip.evaluations.count(poor_verdict)


def trip_reasons(clause: Clause, rules: RuleSet, trip: Trip) -> list[Msg]:
    """Why a trip cannot count (empty when it qualifies). Outside the year, that alone: nothing else would make
    it count."""
    reasons = unfilled_reasons(trip, "trips")
    if trip_out_of_period(rules, trip):
        return [*reasons, Msg.of("trips.out_of_period")]
    enough = clause.thresholds["min_enterprises"]
    if not enough.passes(trip.enterprises):
        reasons.append(Msg.of("trips.too_few_enterprises", enterprises=trip.enterprises,
                              test=test_words(enough.test), minimum=enough.value))
    for item_id in rules.reading("trip_requires_evidence"):
        if not trip.evidence.get(item_id, False):
            reasons.append(Msg.of("evidence.not_seen", item=_label(clause, item_id)))
    return reasons


def _trip_points(p, clause: Clause, counted: int, base_slots: int) -> tuple[Number, Number, int]:
    base_used = min(counted, base_slots)
    points = min(base_used * p["per_item"], clause.points)
    bonus = min((counted - base_used) * p["bonus_per_item"], p["bonus_cap"])
    return points, bonus, base_used


def place_trips(p, clause: Clause, floor: Number | None, offline_costs: list, online_costs: list,
                base_slots: int) -> tuple[int, int]:
    """How many of the qualifying offline and online trips to count (each list their deductions, fewest
    first; the online ones at most as many as may count): the most points for the unit, deductions
    included; of placements earning as much, the one deducting least, then the one counting most. A trip
    is so left out only where counting it would cost at least what it adds (rules-2022.md 1.2)."""
    best_key: tuple | None = None
    best = (0, 0)
    online_deducted = 0
    for online in range(len(online_costs) + 1):
        if online:
            online_deducted += online_costs[online - 1]
        deducted = online_deducted
        for offline in range(len(offline_costs) + 1):
            if offline:
                deducted += offline_costs[offline - 1]
            points, bonus, _ = _trip_points(p, clause, online + offline, base_slots)
            key = (clause_net(points, bonus, deducted, floor), -deducted, online + offline)
            if best_key is None or key > best_key:
                best_key, best = key, (offline, online)
    return best


def trip_deductions(p, unit: Unit) -> list[Number]:
    """Each trip's deduction for its 差 evaluations, were it counted (at most the cap a trip): none while the
    enterprises' evaluation forms (附件6) are not seen, as an unseen form cannot prove a 差 (rules-2022.md 1.2)."""
    poor, per_poor, trip_cap = p["poor_verdict"], p["deduction_per_poor"], p["deduction_cap_per_trip"]
    forms = p.get("evaluations_evidence")
    return [min(t.evaluations.count(poor) * per_poor, trip_cap)  # as poor_count
            if not forms or t.evidence.get(forms, False) else ZERO for t in unit.trips]


def _cheapest_first(indices: list[int], deductions: list[Number], unit: Unit) -> list[int]:
    return sorted(indices, key=lambda i: (deductions[i], unit.trips[i].date, i))


def trips(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    p = clause.params
    poor = p["poor_verdict"]
    base_slots = int(p["base_trips"])
    floor = rules.reading("trip_clause_floor")
    online_max = min(rules.reading("online_trips_counted"), base_slots)
    reasons = [trip_reasons(clause, rules, t) for t in unit.trips]
    deductions = trip_deductions(p, unit)
    offline = _cheapest_first([i for i, t in enumerate(unit.trips) if t.mode == "offline" and not reasons[i]],
                              deductions, unit)
    online = _cheapest_first([i for i, t in enumerate(unit.trips) if t.mode == "online" and not reasons[i]],
                             deductions, unit)
    offline_kept, online_kept = place_trips(p, clause, floor, [deductions[i] for i in offline],
                                            [deductions[i] for i in online[:online_max]], base_slots)
    counted = set(offline[:offline_kept]) | set(online[:online_kept])
    points, bonus, base_used = _trip_points(p, clause, len(counted), base_slots)
    deduction = exact_sum([deductions[i] for i in counted])
    more_points, more_bonus, _ = _trip_points(p, clause, len(counted) + 1, base_slots)
    gain = more_points + more_bonus - points - bonus  # what one more trip would add
    facts, missing, notes = [], [], []
    left_out = []
    for i, trip in enumerate(unit.trips):
        why = list(reasons[i])
        if not why and i not in counted:  # a qualifying trip left out
            if i in online and online.index(i) >= online_max:
                why.append(Msg.of("trips.online_beyond_limit", limit=online_max))
            elif gain:
                why.append(Msg.of("trips.no_gain", gain=gain, deduction=deductions[i]))
            else:
                why.append(Msg.of("trips.nothing_to_add", deduction=deductions[i]))
            left_out.append(Msg.of("trips.left_out_trip", record=trip_label(trip), reason=why[0]))
        facts.append(Msg.of("trips.trip", date=_shown(trip.date, "record.no_date"),
                            place=_shown(trip.place, "record.no_place"),
                            mode=rules.trip_modes[trip.mode], enterprises=trip.enterprises,
                            poor=poor_count(trip, poor), deduction=deductions[i] if i in counted else 0,
                            verdict=_verdict(why)))
        missing += [Msg.of("missing.record", record=trip_label(trip),
                           item=r.param("item")) for r in reasons[i] if r.code == "evidence.not_seen"]
        # a counted trip's 差 verdicts rest on the enterprises' evaluation forms: unseen, the trip counts
        # and its 差 wait for them
        forms = p.get("evaluations_evidence")
        if forms and i in counted and not trip.evidence.get(forms, False):
            notes.append(Msg.of("trips.forms_unseen_poor" if poor_count(trip, poor) else "trips.forms_unseen",
                                record=trip_label(trip), item=_label(clause, forms), poor=poor_count(trip, poor)))
    steps = [Msg.of("trips.steps", counted=len(counted), base_used=base_used, points=points,
                    extra=len(counted) - base_used, bonus=bonus, deduction=deduction,
                    net=clause_net(points, bonus, deduction, floor))]
    if left_out:
        steps.append(Msg.of("trips.left_out", count=len(left_out), trips=left_out))
    return _result(clause, points, bonus, deduction, floor=floor,
                   facts=facts, missing=missing, steps=steps, notes=notes)


# ------------------------------------------------------------------ 1.3, 4.3 all evidence

def all_evidence(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    missing_ids = _missing_items(clause, unit)
    points = clause.points if not missing_ids else ZERO
    facts = [Msg.of("evidence.item", item=item.label,
                    verdict=Msg.of("verdict.not_seen" if item.id in missing_ids else "verdict.seen"))
             for item in clause.evidence]
    missing = [Msg.of("missing.item", item=_label(clause, i)) for i in missing_ids]
    steps = [Msg.of("all_evidence.steps", ticked=len(clause.evidence) - len(missing_ids),
                    total=len(clause.evidence), points=points)]
    return _result(clause, points, facts=facts, missing=missing, steps=steps)


# ------------------------------------------------------------------ people (2.1, 2.2, 4.2)

class People(NamedTuple):  # made once per unit per recompute: a NamedTuple is cheap to create
    arrivals: int  # confirmed labour-base arrivals
    arrivals_retained: int
    placements: int  # confirmed trainees and interns
    placements_retained: int
    facts: tuple[Msg, ...] = ()
    missing_arrivals: tuple[Msg, ...] = ()  # evidence that would confirm the arrivals
    missing_placements: tuple[Msg, ...] = ()
    missing_retained: tuple[Msg, ...] = ()
    notes: tuple[Msg, ...] = ()  # bases counted whose agreement 1.1 has not seen
    trainees: int = 0  # of the placements, those of school bases telling trainees and interns apart
    interns: int = 0

    @property
    def total(self) -> int:
        return self.arrivals + self.placements

    @property
    def retained(self) -> int:
        return self.arrivals_retained + self.placements_retained


def count_source(base: Base) -> Msg:
    """Where a base's people/retained come from, for the explanation: typed by hand, or matched
    from the imported rosters (the dataset decides per base, core/people/tables.py)."""
    return Msg.of(f"people.source_{base.count_source}")


def arrivals_source(rules: RuleSet, unit: Unit) -> Msg:
    """Where 4.2's denominator (the labour bases' arrivals) comes from."""
    sources = {b.count_source for b in unit.bases if b.type == "labour" and base_eligible_for_people(rules, unit, b)}
    if len(sources) > 1:
        return Msg.of("people.source_mixed")
    return Msg.of(f"people.source_{sources.pop() if sources else COUNTS_BY_HAND}")


def base_eligible_for_people(rules: RuleSet, unit: Unit, base: Base) -> bool:
    return not (unit.new_member and rules.reading("new_member_bases_signed_in_period")
                and (base.agreement_date is None or not rules.in_period(base.agreement_date)))


def school_groups(base: Base) -> tuple[tuple[str, int, int], ...]:
    """A school base's people as they need their evidence: ("trainees", people, retained) and ("interns", …) when
    the base tells them apart, else one ("placements", …) group needing the evidence of both (Base.trainees)."""
    if base.trainees is None:
        return (("placements", base.people, base.retained),)
    trainees, trainees_retained = base.effective_trainees()
    return (("trainees", trainees, trainees_retained),
            ("interns", base.people - trainees, base.retained - trainees_retained))


def placements_evidence(clause: Clause) -> dict[str, tuple[str, ...]]:
    """The 2.1 evidence each group of school people needs: trainees theirs, interns theirs, people not told
    apart both (in the clause's order)."""
    trainees, interns = clause.params["trainees_evidence"], clause.params["interns_evidence"]
    both = set(trainees) | set(interns)
    return {"trainees": tuple(trainees), "interns": tuple(interns),
            "placements": tuple(i for i in clause.evidence_ids if i in both)}


def confirmed_people(rules: RuleSet, unit: Unit) -> People:
    """The confirmed headcounts section 二 and clause 4.2 are computed from.

    Arrivals count only when clause 2.1's arrivals evidence is all ticked; of the school bases' people, the
    trainees only when the trainees' evidence is (附件3, 附件4 and the district's traineeship list), the interns
    when theirs is (附件3, 附件4), people not told apart only when both are; and the six-month figures only
    when clause 2.2's evidence is.
    """
    people_clause = rules.clause_entering("people")
    retention_clause = rules.clause_entering("retained")
    all_bases = not (unit.new_member and rules.reading("new_member_bases_signed_in_period"))
    eligible = [all_bases or (base.agreement_date is not None and rules.in_period(base.agreement_date))
                for base in unit.bases]  # as base_eligible_for_people
    # group -> [people, retained] of the eligible bases: labour arrivals, school trainees, interns, not told apart
    sums = {"labour": [0, 0], "trainees": [0, 0], "interns": [0, 0], "placements": [0, 0]}
    for base, counts in zip(unit.bases, eligible, strict=True):
        if not counts:
            continue
        groups_of = school_groups(base) if base.type == "school" else (("labour", base.people, base.retained),)
        for group, people, retained in groups_of:
            sums[group][0] += people
            sums[group][1] += retained
    wanted = {"labour": tuple(people_clause.params["arrivals_evidence"]), **placements_evidence(people_clause)} \
        if people_clause is not None else {}
    unseen = {group: _missing_items(people_clause, unit, wanted[group]) if people_clause is not None and sums[group][0]
              else [] for group in sums}
    school = rules.base_types.get("school", "school")
    missing_codes = {"labour": ("missing.people", rules.base_types.get("labour", "labour")),
                     "placements": ("missing.people", school),
                     "trainees": ("missing.trainees", school), "interns": ("missing.interns", school)}
    missing: dict[str, list[Msg]] = {"labour": [], "school": [], "retained": []}
    for group, items in unseen.items():
        code, kind = missing_codes[group]
        missing["labour" if group == "labour" else "school"] += [
            Msg.of(code, kind=kind, people=sums[group][0], item=_label(people_clause, i)) for i in items]
    counted = {group: [0, 0] if unseen[group] else sums[group] for group in sums}
    interns_need = wanted.get("interns", ())
    facts = [_base_fact(rules, people_clause, base, counts, unseen, interns_need)
             for base, counts in zip(unit.bases, eligible, strict=True)]
    if retention_clause is None:
        retained_unseen = []
    else:
        retained_unseen = _missing_items(retention_clause, unit, retention_clause.params["retained_evidence"])
    if retained_unseen:
        retained = sum(c[1] for c in counted.values())
        if retained:
            missing["retained"] += [Msg.of("missing.retained", retained=retained, item=_label(retention_clause, i))
                                    for i in retained_unseen]
        counted = {group: [c[0], 0] for group, c in counted.items()}
    placements = [counted[g] for g in ("trainees", "interns", "placements")]
    return People(counted["labour"][0], counted["labour"][1], sum(c[0] for c in placements),
                  sum(c[1] for c in placements), tuple(facts), tuple(missing["labour"]), tuple(missing["school"]),
                  tuple(missing["retained"]), agreements_unseen(rules, unit, eligible), counted["trainees"][0],
                  counted["interns"][0])


def _base_fact(rules: RuleSet, people_clause: Clause | None, base: Base, counts: bool,
               unseen: dict[str, list[str]], interns_need: tuple[str, ...]) -> Msg:
    """A base's line of the explanation: its people (a school base's trainees and interns, when told apart), where
    they come from, and how many count."""
    def items(group: str) -> list[str]:
        assert people_clause is not None  # a group has unseen items only when the rule set has the clause
        return [_label(people_clause, i) for i in unseen[group]]

    groups = school_groups(base) if base.type == "school" else (("labour", base.people, base.retained),)
    waiting = {group: people for group, people, _ in groups if people and unseen[group]}
    if not counts:
        verdict = Msg.of("people.base_not_this_year")
    elif not waiting:
        verdict = Msg.of("people.base_counted", people=base.people)
    elif len(groups) == 1:  # waiting for the evidence confirming them all
        # people not told apart, waiting only for what interns do not need: the split would let the interns count
        unsplit = groups[0][0] == "placements" and not set(unseen["placements"]) & set(interns_need)
        verdict = Msg.of("people.base_unsplit_unconfirmed" if unsplit else "people.base_unconfirmed",
                         people=base.people, items=items(groups[0][0]))
    else:
        (_, trainees, _), (_, interns, _) = groups
        if len(waiting) == 2:
            verdict = Msg.of("people.split_unconfirmed", trainees=trainees, interns=interns,
                             trainee_items=items("trainees"), intern_items=items("interns"))
        elif "trainees" in waiting:
            verdict = Msg.of("people.split_trainees_unconfirmed", trainees=trainees, interns=interns,
                             items=items("trainees"))
        else:
            verdict = Msg.of("people.split_interns_unconfirmed", trainees=trainees, interns=interns,
                             items=items("interns"))
    name, kind, source = _shown(base.name, "record.unnamed"), rules.base_types[base.type], count_source(base)
    typed = "_typed" if base.count_source == "hand" else ""
    if len(groups) == 2:
        (_, trainees, trainees_retained), (_, interns, interns_retained) = groups
        return Msg.of(f"people.base_split{typed}", name=name, kind=kind, people=base.people, trainees=trainees,
                      interns=interns, retained=base.retained, trainees_retained=trainees_retained,
                      interns_retained=interns_retained, source=source, verdict=verdict)
    # only a count matched from the rosters is 确认 (confirmed); a typed one is the unit's own figure
    return Msg.of(f"people.base{typed}", name=name, kind=kind, people=base.people, retained=base.retained,
                  source=source, verdict=verdict)


def agreements_unseen(rules: RuleSet, unit: Unit, eligible: list[bool]) -> tuple[Msg, ...]:
    """A note for each base whose people section 二 counts though 1.1 has not seen its agreement (rules-2022.md
    fixes that reading for 1.1 alone): the clause's result may hang on it."""
    bases_clause = rules.record_clause("bases")
    if bases_clause is None or not rules.reading("base_agreement_must_be_seen"):
        return ()
    return tuple(Msg.of("people.agreement_unseen", name=_shown(base.name, "record.unnamed"), item=item.label,
                        clause=bases_clause.id, people=base.people)
                 for base, counts in zip(unit.bases, eligible, strict=True) if counts and base.people
                 for item in bases_clause.record_evidence if not base.evidence.get(item.id, False))


# ------------------------------------------------------------------ ranking clauses (2.1, 2.2, 3.2)

class Measure(NamedTuple):
    """One unit's ranking value for a ranking clause, before the units are compared."""
    value: Number
    qualifies: bool
    facts: tuple[Msg, ...] = ()
    missing: tuple[Msg, ...] = ()
    steps: tuple[Msg, ...] = ()
    notes: tuple[Msg, ...] = ()


def people_measure(clause: Clause, rules: RuleSet, unit: Unit) -> Measure:
    people = confirmed_people(rules, unit)
    n = people.total
    threshold = clause.thresholds["min_people"]
    qualifies = threshold.passes(n)
    told_apart = people.trainees + people.interns
    # the placements as trainees and interns when the bases counted tell them apart, the rest 未区分
    code = "people.total" if not told_apart else \
        "people.total_split" if told_apart == people.placements else "people.total_mixed"
    step = Msg.of(code, arrivals=people.arrivals, placements=people.placements, trainees=people.trainees,
                  interns=people.interns, unsplit=people.placements - told_apart, total=n,
                  test=test_words(threshold.test), minimum=threshold.value,
                  verdict=Msg.of("verdict.pass" if qualifies else "verdict.below"))
    return Measure(n, qualifies, people.facts, people.missing_arrivals + people.missing_placements, (step,),
                   people.notes)


def retention_measure(clause: Clause, rules: RuleSet, unit: Unit) -> Measure:
    people = confirmed_people(rules, unit)
    n, s = people.total, people.retained
    threshold = clause.thresholds["min_ratio"]
    qualifies = n > 0 and threshold.ratio_passes(s, n)
    value = Fraction(s * s, n) if n else ZERO  # v = r × s
    ratio = Fraction(s, n) if n else ZERO
    step = Msg.of("retention.value", retained=s, total=n, ratio=ratio * 100, test=test_words(threshold.test),
                  minimum=threshold.value * 100,
                  value=value, verdict=Msg.of("verdict.pass" if qualifies else "verdict.below"))
    missing = people.missing_arrivals + people.missing_placements + people.missing_retained
    return Measure(value, qualifies, people.facts, missing, (step,), people.notes)


def rating_measure(clause: Clause, rules: RuleSet, unit: Unit) -> Measure:
    threshold = clause.thresholds["min_rating"]
    rating = unit.platform_rating
    unseen = _missing_items(clause, unit)
    if rating is None or unseen:
        missing = tuple(Msg.of("missing.item", item=_label(clause, i)) for i in unseen) if rating is not None else ()
        step = Msg.of("rating.none") if rating is None else Msg.of("rating.unseen", rating=rating)
        return Measure(ZERO, False, (), missing, (rating_source(unit), step))
    qualifies = threshold.passes(rating)
    step = Msg.of("rating.value", rating=rating, test=test_words(threshold.test), minimum=threshold.value,
                  verdict=Msg.of("verdict.pass" if qualifies else "verdict.below"))
    return Measure(rating, qualifies, (), (), (rating_source(unit), step))


def rating_source(unit: Unit) -> Msg:
    """Where 3.2's rating comes from, for the explanation: typed, or the platform export (file, when
    imported). A step, not a fact: a ranking clause keeps its figure among its steps."""
    if unit.platform_source == FIGURES_BY_HAND:
        return Msg.of("rating.source_hand")
    export = unit.rating_export
    if export is None:
        return Msg.of("rating.source_platform_none")
    return Msg.of("rating.source_platform", file=export.file_name, at=export.local_time)


# ------------------------------------------------------------------ 3.1 deliveries

def deliveries(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    p = clause.params
    unseen = _missing_items(clause, unit)
    in_period_only = rules.reading("delivery_in_period")
    stars = clause.thresholds["min_stars"]
    counted, facts = 0, []
    for d in unit.deliveries:
        reasons = unfilled_reasons(d, "deliveries")
        if in_period_only and d.date is not None and not rules.in_period(d.date):
            reasons.append(Msg.of("deliveries.out_of_period"))
        if d.stars is not None and not stars.passes(d.stars):
            reasons.append(Msg.of("deliveries.low_stars", test=test_words(stars.test), minimum=stars.value))
        if unseen:
            reasons.append(Msg.of("evidence.not_seen", item=_label(clause, unseen[0])))
        counted += not reasons
        facts.append(Msg.of("deliveries.delivery" if d.stars is not None else "deliveries.delivery_unrated",
                            date=_shown(d.date, "record.no_date"),
                            enterprise=_shown(d.enterprise, "record.no_enterprise"),
                            stars=d.stars,
                            verdict=_verdict(reasons)))
    points, bonus = per_item_points(counted, p["per_item"], clause.points, p["bonus_per_item"], p["bonus_cap"])
    missing = [Msg.of("missing.item", item=_label(clause, i)) for i in unseen] if unit.deliveries else []
    steps = [Msg.of("deliveries.steps", counted=counted, per_item=p["per_item"], points=points, bonus=bonus,
                    cap=clause.points, bonus_cap=p["bonus_cap"])]
    return _result(clause, points, bonus, facts=[deliveries_source(unit), *facts],
                   missing=missing, steps=steps)


def deliveries_source(unit: Unit) -> Msg:
    """Where 3.1's deliveries come from, for the explanation: typed, or the platform export (file, when
    imported), with how many there are."""
    if unit.platform_source == FIGURES_BY_HAND:
        return Msg.of("deliveries.source_hand", count=len(unit.deliveries))
    export = unit.deliveries_export
    if export is None:
        return Msg.of("deliveries.source_platform_none")
    if export.rows_naming_no_unit:
        return Msg.of("deliveries.source_platform_unmatched", count=len(unit.deliveries), file=export.file_name,
                      at=export.local_time, unmatched=export.rows_naming_no_unit)
    return Msg.of("deliveries.source_platform", count=len(unit.deliveries), file=export.file_name,
                  at=export.local_time)


# ------------------------------------------------------------------ 4.1 assessor-awarded

def management_suggestion(clause: Clause, unit: Unit) -> Number:
    ticked = len(clause.evidence) - len(_missing_items(clause, unit))
    if ticked == len(clause.evidence):
        return clause.points
    return min(ticked * clause.params["per_ticked_item"], clause.points)


def award_awaiting_reason(clause: Clause, unit: Unit) -> bool:
    """Has the assessor typed a score other than the suggestion without the reason it needs? It is then not
    applied (the suggestion is) until the reason is given, and the clause is not done."""
    awarded = unit.management.awarded
    return awarded is not None and not unit.management.reason.strip() \
        and awarded != management_suggestion(clause, unit)


def assessor_awarded(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    suggestion = management_suggestion(clause, unit)
    awarded, reason = unit.management.awarded, unit.management.reason.strip()
    if awarded is None or awarded == suggestion or not reason:
        points = suggestion
    else:
        points = awarded
    missing_ids = _missing_items(clause, unit)
    facts = [Msg.of("evidence.item", item=item.label,
                    verdict=Msg.of("verdict.not_seen" if item.id in missing_ids else "verdict.seen"))
             for item in clause.evidence]
    missing = [Msg.of("missing.item", item=_label(clause, i)) for i in missing_ids]
    if awarded is None or awarded == suggestion:
        step = Msg.of("management.suggested", points=suggestion)
    elif reason:
        step = Msg.of("management.awarded", points=awarded, suggestion=suggestion, reason=reason)
    else:
        step = Msg.of("management.no_reason", awarded=awarded, suggestion=suggestion)
    notes = [Msg.of("management.reason_needed", awarded=awarded, suggestion=suggestion)] \
        if award_awaiting_reason(clause, unit) else []
    return _result(clause, points, facts=facts, missing=missing, steps=[step], notes=notes)


# ------------------------------------------------------------------ 4.2 insurance

def insurance(clause: Clause, rules: RuleSet, unit: Unit) -> ClauseResult:
    p = clause.params
    people = confirmed_people(rules, unit)
    arrivals = people.arrivals
    unseen = _missing_items(clause, unit)
    insured = unit.insured_workers if not unseen else 0
    threshold = clause.thresholds["min_ratio"]
    short: Number = ZERO
    if arrivals == 0:
        points = ZERO
    elif threshold.ratio_passes(insured, arrivals):
        points = clause.points
    else:
        # the shortfall in percentage points over one denominator: whole points by integer division
        wanted = threshold.value
        numerator = (wanted.numerator * arrivals - wanted.denominator * insured) * 100
        denominator = wanted.denominator * arrivals
        if rules.reading("insurance_shortfall") == "whole_points":
            short = numerator // denominator
        else:
            short = Fraction(numerator, denominator)
        points = max(ZERO, clause.points - p["per_point_short"] * short)
    facts = [Msg.of("insurance.facts", insured=unit.insured_workers, arrivals=arrivals,
                    source=arrivals_source(rules, unit))]
    missing = [Msg.of("missing.item", item=_label(clause, i)) for i in unseen] + list(people.missing_arrivals)
    if arrivals == 0:
        steps = [Msg.of("insurance.no_arrivals")]
    else:
        steps = [Msg.of("insurance.steps", insured=insured, arrivals=arrivals,
                        ratio=Fraction(insured, arrivals) * 100, test=test_words(threshold.test),
                        minimum=threshold.value * 100, short=short,
                        per_point=p["per_point_short"], points=points)]
        if insured > arrivals:  # full points either way; a typed 200 for 20 must not pass unseen, nor be signed so
            steps.append(Msg.of("insurance.more_than_arrivals", insured=insured, arrivals=arrivals))
    return _result(clause, points, facts=facts, missing=missing, steps=steps)
