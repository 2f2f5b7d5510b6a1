"""Score a whole year: every clause of every unit, the cross-unit rankings, deductions, status
and grades. Pure: facts and rule set in, an immutable result out."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from core.facts import Unit, Year
from core.formulas import ABSOLUTE, RANKED, ZERO, ClauseResult, people_memo, ranked_points
from core.messages import Msg
from core.rules import RuleSet, Veto

QUALIFIED, UNQUALIFIED, REVOKED = "qualified", "unqualified", "revoked"


# Records made thousands of times per recompute are NamedTuples (immutable, and cheap to create).
Number = int | Fraction


class SectionResult(NamedTuple):
    id: str
    title: str
    points: Number
    bonus: Number
    deduction: Number
    net: Number


class DeductionResult(NamedTuple):
    id: str
    count: int
    points: Number
    text: str


@dataclass(frozen=True)
class StatusReason:
    veto_id: str
    text: str
    revoked: bool


@dataclass(frozen=True)
class UnitResult:
    name: str
    clauses: tuple[ClauseResult, ...]
    sections: tuple[SectionResult, ...]
    deductions: tuple[DeductionResult, ...]
    deductions_total: Fraction
    total: Fraction
    status: str
    status_reasons: tuple[StatusReason, ...]
    rank: int
    grade: str
    grade_notes: tuple[Msg, ...]

    def clause(self, clause_id: str) -> ClauseResult:
        return next(c for c in self.clauses if c.clause_id == clause_id)


@dataclass(frozen=True)
class Quota:
    grade: str
    cap: int  # from the rule set's share of the number assessed
    count: int  # the count in force (the administrator's, never above the cap)
    used: int


@dataclass(frozen=True)
class GradeTie:
    upper: str  # the grade the tied units could not all get
    lower: str  # the grade they all got instead
    total: Fraction
    units: tuple[str, ...]


@dataclass(frozen=True)
class YearResult:
    rule_set_id: str
    year: int
    units: tuple[UnitResult, ...]  # best total first
    quotas: tuple[Quota, ...]
    ties: tuple[GradeTie, ...]
    rejected_promotions: tuple[Msg, ...]
    provisional: bool  # some ranking clause is provisional (not every unit's facts are final)

    def unit(self, name: str) -> UnitResult:
        return next(u for u in self.units if u.name == name)


# ------------------------------------------------------------------ per unit

def unit_deductions(rules: RuleSet, unit: Unit) -> tuple[DeductionResult, ...]:
    results = []
    for d in rules.negative.deductions:
        count = getattr(unit.negative, d.fact)
        if d.per_case is not None:
            points = d.per_case * count
        elif d.threshold is None:  # the rule-set loader refuses this; reaching it is a fault
            raise ValueError(f"deduction {d.id!r} is made once but has no threshold")
        else:
            points = d.once if d.threshold.passes(count) else ZERO
        results.append(DeductionResult(d.id, count, points, d.text))
    return tuple(results)


def veto_applies(veto: Veto, unit: Unit, total: Fraction) -> bool:
    negative = unit.negative
    if veto.condition == "flag":
        return bool(getattr(negative, veto.fact))
    if veto.condition == "licence_cancelled":
        return any(kind in unit.kinds for kind in negative.licences_cancelled)
    if veto.condition == "credit_grade":
        return veto.kind in unit.kinds and negative.credit_grades.get(veto.kind) in veto.grades
    if veto.condition == "total_below":
        if veto.threshold is None:  # the rule-set loader refuses this; reaching it is a fault
            raise ValueError(f"veto {veto.id!r} tests the total but has no threshold")
        return veto.threshold.passes(total)
    raise ValueError(f"unknown veto condition {veto.condition!r}")


def unit_status(rules: RuleSet, unit: Unit, total: Fraction) -> tuple[str, tuple[StatusReason, ...]]:
    reasons = tuple(StatusReason(v.id, v.text, v.revoked) for v in rules.negative.vetoes
                    if v.unqualified and veto_applies(v, unit, total))
    if any(r.revoked for r in reasons):
        return REVOKED, reasons
    return (UNQUALIFIED if reasons else QUALIFIED), reasons


def sections(rules: RuleSet, clauses: tuple[ClauseResult, ...]) -> tuple[SectionResult, ...]:
    results = []
    for section, indices in rules.clause_indices_by_section:
        points = bonus = deduction = net = ZERO
        for i in indices:
            r = clauses[i]
            points += r.points
            bonus += r.bonus
            deduction += r.deduction
            net += r.net
        results.append(SectionResult(section.id, section.title, points, bonus, deduction, net))
    return tuple(results)


# ------------------------------------------------------------------ grades

def allocate_grades(rules: RuleSet, year: Year, totals: dict[str, Fraction], status: dict[str, str]):
    """Grades by total within quotas; returns (grade by unit, notes by unit, quotas, ties, rejected)."""
    caps = rules.quota_caps(len(totals))
    counts = {g: min(cap, year.grade_quotas.get(g, cap)) for g, cap in caps.items()}
    qualified = sorted((n for n in totals if status[n] == QUALIFIED), key=lambda n: (-totals[n], n))
    grade_of: dict[str, str] = {}
    notes: dict[str, list[Msg]] = {n: [] for n in totals}
    tie_upper: dict[Fraction, str] = {}  # tied total -> the best grade the tie kept them from
    start = 0
    for grade in rules.grades.quota_share:
        group = qualified[start:start + counts[grade]]
        end = start + len(group)
        if group and end < len(qualified) and totals[group[-1]] == totals[qualified[end]]:
            tied_total = totals[group[-1]]
            group = [n for n in group if totals[n] != tied_total]
            tie_upper.setdefault(tied_total, grade)
        for n in group:
            grade_of[n] = grade
        start += len(group)
    below = rules.reading("grade_below_quotas")
    for n in qualified[start:]:
        grade_of[n] = below
    for n in totals:
        if status[n] != QUALIFIED:
            grade_of[n] = rules.reading("unqualified_grade")
            notes[n].append(Msg.of("grade.unqualified", grade=grade_of[n]))
    ties = []
    for tied_total, upper in tie_upper.items():
        tied = tuple(n for n in qualified if totals[n] == tied_total)
        lower = grade_of[tied[0]]  # a tie is never split, so all share one grade
        ties.append(GradeTie(upper, lower, tied_total, tied))
        for n in tied:
            notes[n].append(Msg.of("grade.tie", upper=upper, lower=lower, total=tied_total, count=len(tied)))
    rejected = []
    order = rules.grades.order
    for promotion in year.grade_promotions:
        tie = next((t for t in ties if promotion.unit in t.units), None)
        current = grade_of.get(promotion.unit)
        wanted = promotion.grade
        used = sum(1 for g in grade_of.values() if g == wanted)
        if (tie is None or wanted not in counts
                or not order.index(tie.upper) <= order.index(wanted) <= order.index(tie.lower)):
            rejected.append(Msg.of("grade.promotion_not_tied", unit=promotion.unit, grade=wanted))
        elif order.index(current) <= order.index(wanted):
            rejected.append(Msg.of("grade.promotion_already", unit=promotion.unit, grade=current))
        elif used >= counts[wanted]:
            rejected.append(Msg.of("grade.promotion_quota_full", unit=promotion.unit, grade=wanted,
                                   count=counts[wanted]))
        else:
            grade_of[promotion.unit] = wanted
            notes[promotion.unit].append(Msg.of("grade.promoted", grade=wanted, reason=promotion.reason))
    quotas = tuple(Quota(g, caps[g], counts[g], sum(1 for x in grade_of.values() if x == g)) for g in caps)
    return grade_of, notes, quotas, tuple(ties), tuple(rejected)


def competition_ranks(totals: dict[str, Fraction], statuses: dict[str, str] | None = None) -> dict[str, int]:
    """The year's 名次 by total (equal totals share the better place). Qualified units come first:
    a 不合格 or disqualified unit is placed after every qualified one, whatever its total, so it
    never shares or takes a place of the A–D order."""
    def key(name: str) -> tuple[bool, Fraction]:
        return (statuses is not None and statuses[name] != QUALIFIED, -totals[name])
    ordered = sorted(totals, key=key)
    first: dict[tuple[bool, Fraction], int] = {}
    for i, name in enumerate(ordered):
        first.setdefault(key(name), i + 1)
    return {n: first[key(n)] for n in totals}


# ------------------------------------------------------------------ the year

def score_year(rules: RuleSet, year: Year) -> YearResult:
    # Every object made here lives on in the result, so the cyclic collector would only rescan
    # them again and again (about half the time of a large year); it has nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    memo = people_memo.set({})  # the units are alive throughout, so their ids are stable keys
    try:
        return _score_year(rules, year)
    finally:
        people_memo.reset(memo)
        if collecting:
            gc.enable()


def _score_year(rules: RuleSet, year: Year) -> YearResult:
    provisional = rules.reading("ranking_provisional_until_final") and not year.all_final
    units_by_name = {u.name: u for u in year.units}
    by_clause: list[list[ClauseResult]] = []
    any_ranked = False
    for clause in rules.clauses:
        if clause.formula in RANKED:
            any_ranked = True
            measure = RANKED[clause.formula]
            measures = {u.name: measure(clause, rules, u, False) for u in year.units}
            ranked = ranked_points(clause, rules, measures, provisional, units_by_name)
            by_clause.append([ranked[u.name] for u in year.units])
        else:
            formula = ABSOLUTE[clause.formula]
            by_clause.append([formula(clause, rules, u, False) for u in year.units])
    floor = rules.negative.total_floor
    partial = {}
    for unit, clauses in zip(year.units, zip(*by_clause)):  # by clause -> by unit
        unit_sections = sections(rules, clauses)
        deductions = unit_deductions(rules, unit)
        deductions_total = sum(d.points for d in deductions)
        total = max(floor, sum(s.net for s in unit_sections) - deductions_total)
        status, reasons = unit_status(rules, unit, total)
        partial[unit.name] = (clauses, unit_sections, deductions, deductions_total, total, status, reasons)
    totals = {name: p[4] for name, p in partial.items()}
    statuses = {name: p[5] for name, p in partial.items()}
    grade_of, notes, quotas, ties, rejected = allocate_grades(rules, year, totals, statuses)
    rank_of = competition_ranks(totals, statuses)
    units = tuple(UnitResult(name, *partial[name], rank=rank_of[name], grade=grade_of[name],
                             grade_notes=tuple(notes[name]))
                  for name in sorted(partial, key=lambda n: (rank_of[n], n)))
    return YearResult(rules.id, year.year, units, quotas, ties, rejected, provisional and any_ranked)
