"""Score a whole year: every clause of every unit, the cross-unit rankings, deductions, status
and grades. Pure: facts and rule set in, an immutable result out."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from core.facts import Unit, Year
from core.formulas import ABSOLUTE, RANKED, ZERO, ClauseResult, Measure, ranked_points
from core.messages import Msg
from core.rules import RuleSet, Veto

QUALIFIED, UNQUALIFIED, REVOKED = "qualified", "unqualified", "revoked"


@dataclass(frozen=True)
class SectionResult:
    id: str
    title: str
    points: Fraction
    bonus: Fraction
    deduction: Fraction
    net: Fraction


@dataclass(frozen=True)
class DeductionResult:
    id: str
    count: int
    points: Fraction
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
        else:
            points = d.once if count >= d.threshold else ZERO
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
        return total < veto.threshold
    raise ValueError(f"unknown veto condition {veto.condition!r}")


def unit_status(rules: RuleSet, unit: Unit, total: Fraction) -> tuple[str, tuple[StatusReason, ...]]:
    reasons = tuple(StatusReason(v.id, v.text, v.revoked) for v in rules.negative.vetoes
                    if v.unqualified and veto_applies(v, unit, total))
    if any(r.revoked for r in reasons):
        return REVOKED, reasons
    return (UNQUALIFIED if reasons else QUALIFIED), reasons


def sections(rules: RuleSet, clauses: tuple[ClauseResult, ...]) -> tuple[SectionResult, ...]:
    by_section: dict[str, list[ClauseResult]] = {s.id: [] for s in rules.sections}
    for clause, result in zip(rules.clauses, clauses):
        by_section[clause.section].append(result)
    return tuple(SectionResult(s.id, s.title, sum((r.points for r in by_section[s.id]), ZERO),
                               sum((r.bonus for r in by_section[s.id]), ZERO),
                               sum((r.deduction for r in by_section[s.id]), ZERO),
                               sum((r.net for r in by_section[s.id]), ZERO)) for s in rules.sections)


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


def competition_ranks(totals: dict[str, Fraction]) -> dict[str, int]:
    ordered = sorted(totals.values(), reverse=True)
    first = {}
    for i, value in enumerate(ordered):
        first.setdefault(value, i + 1)
    return {n: first[v] for n, v in totals.items()}


# ------------------------------------------------------------------ the year

def score_year(rules: RuleSet, year: Year) -> YearResult:
    provisional = rules.reading("ranking_provisional_until_final") and not year.all_final
    by_clause: dict[str, dict[str, ClauseResult]] = {}
    any_ranked = False
    for clause in rules.clauses:
        if clause.formula in RANKED:
            any_ranked = True
            measure = RANKED[clause.formula]
            measures: dict[str, Measure] = {u.name: measure(clause, rules, u) for u in year.units}
            by_clause[clause.id] = ranked_points(clause, rules, measures, provisional)
        else:
            formula = ABSOLUTE[clause.formula]
            by_clause[clause.id] = {u.name: formula(clause, rules, u) for u in year.units}
    floor = rules.negative.total_floor
    partial = {}
    for unit in year.units:
        clauses = tuple(by_clause[c.id][unit.name] for c in rules.clauses)
        deductions = unit_deductions(rules, unit)
        deductions_total = sum((d.points for d in deductions), ZERO)
        total = max(floor, sum((c.net for c in clauses), ZERO) - deductions_total)
        status, reasons = unit_status(rules, unit, total)
        partial[unit.name] = (clauses, sections(rules, clauses), deductions, deductions_total, total, status, reasons)
    totals = {name: p[4] for name, p in partial.items()}
    statuses = {name: p[5] for name, p in partial.items()}
    grade_of, notes, quotas, ties, rejected = allocate_grades(rules, year, totals, statuses)
    rank_of = competition_ranks(totals)
    units = tuple(UnitResult(name, *partial[name], rank=rank_of[name], grade=grade_of[name],
                             grade_notes=tuple(notes[name]))
                  for name in sorted(partial, key=lambda n: (-totals[n], n)))
    return YearResult(rules.id, year.year, units, quotas, ties, rejected, provisional and any_ranked)
