"""Score a whole year: every clause of every unit, the cross-unit rankings, deductions, status
and grades. Pure: facts and rule set in, an immutable result out."""

from __future__ import annotations

import gc
from bisect import insort
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter
from typing import NamedTuple

from core.common.messages import Msg
from core.scoring.bound_formulas import bound, people_memo
from core.scoring.facts import Unit, Year
from core.scoring.formulas import ZERO, ClauseResult, exact_sum
from core.scoring.ranking import ranked_points, ranked_result, reranked
from core.scoring.rules import TESTS, RuleSet, Veto

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
    """Why a unit is unqualified (and whether it loses its standing as an operating unit): the veto and its text."""
    veto_id: str
    text: str
    revoked: bool


class UnitResult(NamedTuple):  # a NamedTuple: made 1,000 times per recompute, at a seventh of a dataclass's cost
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
    """A grade's quota: its cap from the rule set's share, the count in force, and how many have it."""
    grade: str
    cap: int  # from the rule set's share of the number assessed
    count: int  # the count in force (the administrator's, never above the cap)
    used: int


@dataclass(frozen=True)
class GradeTie:
    """Units tied at a quota boundary: the grade they could not all get and the one they got."""
    upper: str  # the grade the tied units could not all get
    lower: str  # the grade they all got instead
    total: Fraction
    units: tuple[str, ...]
    # what the administrator decided: (unit, grade, reason) of each tied unit raised within the tie
    raised: tuple[tuple[str, str, str], ...] = ()

    @property
    def settled(self) -> bool:
        """Whether the administrator has decided the tie by raising one of its units."""
        return bool(self.raised)

    @property
    def kept(self) -> tuple[str, ...]:
        """The tied units left at the lower grade."""
        raised = {unit for unit, _grade, _reason in self.raised}
        return tuple(n for n in self.units if n not in raised)


@dataclass(frozen=True)
class YearResult:
    """A year's scores: every unit's result, best first, the quotas, ties and refused promotions."""
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
        results.append(_new_tuple(DeductionResult, (d.id, count, points, d.text)))
    return tuple(results)


def veto_applies(veto: Veto, unit: Unit, total: Number) -> bool:
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


def unit_status(rules: RuleSet, unit: Unit, total: Number) -> tuple[str, tuple[StatusReason, ...]]:
    reasons: tuple[StatusReason, ...] = ()
    for v in rules.negative.vetoes:
        if v.unqualified and veto_applies(v, unit, total):
            reasons += (StatusReason(v.id, v.text, v.revoked),)
    if any(r.revoked for r in reasons):
        return REVOKED, reasons
    return (UNQUALIFIED if reasons else QUALIFIED), reasons


_new_tuple = tuple.__new__  # what a NamedTuple's constructor calls, without its Python frame


# ------------------------------------------------------------------ grades

# The notes of a grade the assessor raised: within a tie at a quota boundary, or into a place a grade left free.
PROMOTION_NOTES = frozenset({"grade.promoted", "grade.moved_into_free_place"})

def best_first(totals: dict[str, Number], statuses: dict[str, str]) -> list[str]:
    """The units in the year's order: qualified ones first, then by total, best first, then by name."""
    keyed = [_order_key(n, total, statuses[n]) for n, total in totals.items()]
    keyed.sort()
    return [key[3] for key in keyed]


def _order_key(name: str, total: Number, status: str) -> tuple[bool, float, Number, str]:
    # floats order almost every pair quickly; equal floats fall back to the exact total
    return (status != QUALIFIED, -float(total), -total, name)


def allocate_grades(rules: RuleSet, year: Year, totals: dict[str, Number], status: dict[str, str],
                    best: list[str] | None = None):
    """Grades by total within quotas; returns (grade by unit, notes by unit, quotas, ties, rejected).
    `best` is best_first(totals, status), when already known."""
    caps = rules.quota_caps(len(totals))
    counts = {g: min(cap, year.grade_quotas.get(g, cap)) for g, cap in caps.items()}
    qualified = [n for n in (best_first(totals, status) if best is None else best) if status[n] == QUALIFIED]
    grade_of: dict[str, str] = {}
    notes: dict[str, list[Msg]] = {n: [] for n in totals}
    tie_upper: dict[Number, str] = {}  # tied total -> the best grade the tie kept them from
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
    unqualified = rules.reading("unqualified_grade")
    unqualified_note = Msg.of("grade.unqualified", grade=unqualified)  # one for all (immutable)
    for n in totals:
        if status[n] != QUALIFIED:
            grade_of[n] = unqualified
            notes[n].append(unqualified_note)
    ties = []
    for tied_total, upper in tie_upper.items():
        tied = tuple(n for n in qualified if totals[n] == tied_total)
        lower = grade_of[tied[0]]  # a tie is never split, so all share one grade
        ties.append(GradeTie(upper, lower, tied_total, tied))
        for n in tied:
            notes[n].append(Msg.of("grade.tie", upper=upper, lower=lower, total=tied_total, count=len(tied)))
    rejected = []
    order = rules.grades.order
    raised_in: dict[Number, list[tuple[str, str, str]]] = {}  # tied total -> the units raised within that tie
    for promotion in year.grade_promotions:
        # A tied unit may be raised within its tie; any qualified unit may be moved up into a place a grade
        # has left free (rules-2022.md 六: "unless the administrator moves them"). Nothing fills a place by itself.
        tie = next((t for t in ties if promotion.unit in t.units), None)
        current = grade_of.get(promotion.unit)
        wanted = promotion.grade
        used = sum(1 for g in grade_of.values() if g == wanted)
        why = None
        if status.get(promotion.unit) != QUALIFIED:
            why = Msg.of("grade.promotion_unqualified", unit=promotion.unit, grade=wanted)
        elif wanted not in counts:
            why = Msg.of("grade.promotion_no_quota", unit=promotion.unit, grade=wanted)
        elif order.index(current) <= order.index(wanted):
            why = Msg.of("grade.promotion_already", unit=promotion.unit, grade=current)
        elif used >= counts[wanted]:
            why = Msg.of("grade.promotion_quota_full", unit=promotion.unit, grade=wanted, count=counts[wanted])
        if why is not None:
            rejected.append(why)
            if promotion.unit in notes:  # the unit's own line says its move stands recorded but does not apply
                notes[promotion.unit].append(Msg.of("grade.promotion_not_applied", grade=wanted,
                                                    reason=promotion.reason, why=why))
        else:
            grade_of[promotion.unit] = wanted
            within_tie = tie is not None and order.index(tie.upper) <= order.index(wanted)
            notes[promotion.unit].append(Msg.of("grade.promoted" if within_tie else "grade.moved_into_free_place",
                                                grade=wanted, reason=promotion.reason))
            if within_tie and tie is not None:
                raised_in.setdefault(tie.total, []).append((promotion.unit, wanted, promotion.reason))
    if raised_in:
        ties = [_settled(t, tuple(raised_in[t.total]), notes) if t.total in raised_in else t for t in ties]
    quotas = tuple(Quota(g, caps[g], counts[g], sum(1 for x in grade_of.values() if x == g)) for g in caps)
    return grade_of, notes, quotas, tuple(ties), tuple(rejected)


def _settled(tie: GradeTie, raised: tuple[tuple[str, str, str], ...], notes: dict[str, list[Msg]]) -> GradeTie:
    """The tie as the administrator decided it; each tied unit's note says so instead of 'all at the lower grade'."""
    tie = GradeTie(tie.upper, tie.lower, tie.total, tie.units, raised)
    decided = tuple(Msg.of("grade.tie_raised", unit=unit, grade=grade) for unit, grade, _reason in raised)
    for n in tie.units:
        settled = (Msg.of("grade.tie_settled", upper=tie.upper, lower=tie.lower, total=tie.total, count=len(tie.units))
                   if n in {unit for unit, _g, _r in raised} else
                   Msg.of("grade.tie_settled_kept", upper=tie.upper, lower=tie.lower, total=tie.total,
                          count=len(tie.units), decided=decided))
        notes[n] = [settled if m.code == "grade.tie" else m for m in notes[n]]
    return tie


def competition_ranks(totals: dict[str, Number], statuses: dict[str, str] | None = None,
                      best: list[str] | None = None) -> dict[str, int]:
    """The year's 名次 by total (equal totals share the better place). Qualified units come first:
    a 不合格 or disqualified unit is placed after every qualified one, whatever its total, so it
    never shares or takes a place of the A–D order. `best` is best_first(totals, statuses), when known."""
    if statuses is None:
        statuses = dict.fromkeys(totals, QUALIFIED)
    place: dict[str, int] = {}
    previous: tuple | None = None
    first = 0
    for i, name in enumerate(best_first(totals, statuses) if best is None else best):
        key = (statuses[name] != QUALIFIED, totals[name])
        if key != previous:
            previous, first = key, i + 1
        place[name] = first
    return {n: place[n] for n in totals}


# ------------------------------------------------------------------ the year

_name = attrgetter("name")


def score_year(rules: RuleSet, year: Year) -> YearResult:
    return YearScorer(rules).score(year)


class _Unscored(NamedTuple):
    """One unit's scores before the units are compared for grades and places."""
    clauses: tuple[ClauseResult, ...]
    sections: tuple[SectionResult, ...]
    deductions: tuple[DeductionResult, ...]
    deductions_total: Number
    total: Number
    status: str
    status_reasons: tuple[StatusReason, ...]


class _UnitPlan:
    """What the rule set asks of each unit's clauses, deductions and vetoes, worked out once for a
    scorer rather than once per unit: each section's sums of its clauses, and the same results as
    `unit_deductions` and `unit_status`, with the deductions of a count met before and the vetoes' reasons re-used."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.sections = tuple((s.id, s.title, indices) for s, indices in rules.clause_indices_by_section)
        negative = rules.negative
        self.total_floor = negative.total_floor
        facts = tuple(d.fact for d in negative.deductions)
        self.deduction_counts = (attrgetter(*facts) if len(facts) > 1
                                 else (lambda n: tuple(getattr(n, f) for f in facts)))
        self.deductions: dict[tuple, tuple[tuple[DeductionResult, ...], Number]] = {}
        self.flags = tuple(v.fact for v in negative.vetoes
                           if v.unqualified and v.condition == "flag" and v.fact is not None)
        # a unit with no flag, licence cancelled or credit grade can meet only the vetoes on its total
        total_vetoes = [v for v in negative.vetoes if v.unqualified and v.condition == "total_below"]
        for v in total_vetoes:
            if v.threshold is None:  # the rule-set loader refuses this; reaching it is a fault
                raise ValueError(f"veto {v.id!r} tests the total but has no threshold")
        self.total_vetoes = tuple((TESTS[v.threshold.test], v.threshold.value, StatusReason(v.id, v.text, v.revoked))
                                  for v in total_vetoes if v.threshold is not None)

    def unit_deductions(self, unit: Unit) -> tuple[tuple[DeductionResult, ...], Number]:
        """The unit's deductions and their total; units with the same counts share them (immutable)."""
        counts = self.deduction_counts(unit.negative)
        known = self.deductions.get(counts)
        if known is None:
            deductions = unit_deductions(self.rules, unit)
            known = self.deductions[counts] = (deductions, exact_sum([d.points for d in deductions if d.points]))
        return known

    def status(self, unit: Unit, total: Number) -> tuple[str, tuple[StatusReason, ...]]:
        negative = unit.negative
        if negative.licences_cancelled or negative.credit_grades:
            return unit_status(self.rules, unit, total)
        for flag in self.flags:
            if getattr(negative, flag):
                return unit_status(self.rules, unit, total)
        reasons = tuple([reason for test, limit, reason in self.total_vetoes if test(total, limit)])
        if not reasons:
            return QUALIFIED, reasons
        return (REVOKED if any(r.revoked for r in reasons) else UNQUALIFIED), reasons

    def unscored(self, unit: Unit, clauses: tuple[ClauseResult, ...]) -> _Unscored:
        unit_sections = []
        net: Number = ZERO
        for section_id, title, indices in self.sections:
            points: Number = ZERO
            bonus: Number = ZERO
            deduction: Number = ZERO
            section_net: Number = ZERO
            for i in indices:
                r = clauses[i]
                points += r[1]
                section_net += r[4]
                if r[2]:  # bonuses and deductions are mostly zero: leaving them out spares Fraction additions
                    bonus += r[2]
                if r[3]:
                    deduction += r[3]
            unit_sections.append(_new_tuple(SectionResult, (section_id, title, points, bonus, deduction, section_net)))
            net += section_net
        deductions, deductions_total = self.unit_deductions(unit)
        total = max(self.total_floor, net - deductions_total if deductions_total else net)
        status, reasons = self.status(unit, total)
        return _new_tuple(_Unscored, (clauses, tuple(unit_sections), deductions, deductions_total, total, status,
                                      reasons))


class YearScorer:
    """A year's scores kept from one edit to the next. `score` scores the whole year; `rescore`
    scores a year that differs from the last one scored in some units' facts, and re-does only
    what those units can change: their own clauses; a ranking clause (its formula ranks, per the
    rule set) for every unit only when an edited unit's ranked value or qualification moved, or
    whether the rankings are provisional did; grades and places only when a total or a status
    moved. Its result is always equal to a full `score_year`."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.result: YearResult | None = None
        self._year: Year | None = None
        self._units: dict[str, Unit] = {}  # the facts scored, by name
        # per clause of the rule set: None for an absolute clause, or [measures, results, among]
        self._ranked: list[list | None] = []
        self._provisional = False
        self._unscored: dict[str, _Unscored] = {}
        self._unit_results: dict[str, UnitResult] = {}
        self._positions: dict[str, int] = {}  # where each unit is in result.units
        self._order: list[tuple] = []  # every unit's _order_key, sorted: the order of result.units
        self._order_keys: dict[str, tuple] = {}
        self._plan = _UnitPlan(rules)
        self._formulas = tuple(bound(clause, rules) for clause in rules.clauses)  # without explanations

    def score(self, year: Year) -> YearResult:
        return self._run(self._score, year)

    def rescore(self, year: Year) -> YearResult:
        """The scores of `year`, re-using the last scores for every unit whose facts are the same
        objects as last time (a reloaded unit is a new object). Any other change scores it whole."""
        last = self._year
        if (last is None or year.year != last.year or year.grade_quotas != last.grade_quotas
                or year.grade_promotions != last.grade_promotions
                or list(map(_name, year.units)) != list(map(_name, last.units))):
            return self.score(year)
        return self._run(self._rescore, year)

    def _run(self, score, year: Year) -> YearResult:
        # Every object made here lives on in the result, so the cyclic collector would only rescan
        # them again and again (about half the time of a large year); it has nothing to free.
        collecting = gc.isenabled()
        gc.disable()
        memo = people_memo.set({})  # the units are alive throughout, so their ids are stable keys
        try:
            self.result = score(year)
            self._year = year
            return self.result
        except BaseException:
            self._year = None  # half-updated: the next year is scored whole
            raise
        finally:
            people_memo.reset(memo)
            if collecting:
                gc.enable()

    def _provisional_in(self, year: Year) -> bool:
        return self.rules.reading("ranking_provisional_until_final") and not year.all_final

    def _score(self, year: Year) -> YearResult:
        rules = self.rules
        provisional = self._provisional_in(year)
        units_by_name = {u.name: u for u in year.units}
        by_clause: list[list[ClauseResult]] = []
        self._ranked = []
        for clause, formula in zip(rules.clauses, self._formulas, strict=True):
            if clause.kind.ranks:
                measures = {u.name: formula(u) for u in year.units}
                ranked = ranked_points(clause, rules, measures, provisional, units_by_name)
                by_clause.append([ranked[u.name] for u in year.units])
                self._ranked.append([measures, ranked, sum(1 for m in measures.values() if m.qualifies)])
            else:
                by_clause.append(list(map(formula, year.units)))
                self._ranked.append(None)
        self._provisional = provisional
        self._units = units_by_name
        unscored = self._plan.unscored
        self._unscored = {unit.name: unscored(unit, clauses)  # by clause -> by unit
                          for unit, clauses in zip(year.units, zip(*by_clause), strict=True)}
        self._unit_results = {}
        self._order_keys = {name: _order_key(name, p.total, p.status) for name, p in self._unscored.items()}
        self._order = sorted(self._order_keys.values())
        return self._grade(year, provisional)

    def _rescore(self, year: Year) -> YearResult:
        rules, last, r = self.rules, self._units, self.result
        if r is None:
            return self._score(year)
        edited = {u.name: u for u in year.units if last[u.name] is not u}
        if not edited:
            return r
        last.update(edited)
        provisional = self._provisional_in(year)
        clauses_of = {name: list(self._unscored[name].clauses) for name in edited}
        points_moved: set[str] = set()  # units not edited whose points moved with a ranking
        for i, clause in enumerate(rules.clauses):
            state, formula = self._ranked[i], self._formulas[i]
            if state is None:
                for name, unit in edited.items():
                    clauses_of[name][i] = formula(unit)
                continue
            measures, results, among = state
            moved = provisional != self._provisional
            for name, unit in edited.items():
                m, old = formula(unit), measures[name]
                moved = moved or m.value != old.value or m.qualifies != old.qualifies
                measures[name] = m
            if not moved:  # every rank stays: only the edited units' results are made again
                for name, unit in edited.items():
                    old = results[name]
                    results[name] = clauses_of[name][i] = ranked_result(
                        clause, rules, measures[name], old.rank, among, old.net, provisional, unit)
                continue
            for name, result in reranked(clause, rules, measures, provisional, last, results, edited).items():
                old, results[name] = results[name], result
                if name not in clauses_of:
                    clauses_of[name] = list(self._unscored[name].clauses)
                clauses_of[name][i] = result
                if result[1:5] != old[1:5]:  # points, bonus, deduction, net
                    points_moved.add(name)
            state[2] = sum(1 for m in measures.values() if m.qualifies)
        self._provisional = provisional
        regrade = False
        for name, clauses in clauses_of.items():
            old = self._unscored[name]
            if name in edited or name in points_moved:
                new = self._plan.unscored(last[name], tuple(clauses))
                if new.total != old.total or new.status != old.status:
                    regrade = True  # the unit moves in the year's order: taken out and put back in its place
                    self._order.remove(self._order_keys[name])
                    self._order_keys[name] = key = _order_key(name, new.total, new.status)
                    insort(self._order, key)
            else:  # only a rank's "among" moved: the same points, sections and total
                new = old._replace(clauses=tuple(clauses))
            self._unscored[name] = new
            self._unit_results.pop(name, None)
        if regrade:
            return self._grade(year, provisional)
        units = list(r.units)
        for name in clauses_of:
            kept = units[self._positions[name]]
            units[self._positions[name]] = self._unit_result(name, kept.rank, kept.grade, kept.grade_notes)
        return YearResult(r.rule_set_id, r.year, tuple(units), r.quotas, r.ties, r.rejected_promotions,
                          provisional and any(s is not None for s in self._ranked))

    def _unit_result(self, name: str, rank: int, grade: str, notes: tuple[Msg, ...]) -> UnitResult:
        kept = self._unit_results.get(name)
        if kept is None or kept.rank != rank or kept.grade != grade or kept.grade_notes != notes:
            kept = self._unit_results[name] = _new_tuple(UnitResult, (name, *self._unscored[name], rank, grade, notes))
        return kept

    def _grade(self, year: Year, provisional: bool) -> YearResult:
        unscored = self._unscored
        totals = {name: p.total for name, p in unscored.items()}
        statuses = {name: p.status for name, p in unscored.items()}
        order = [key[3] for key in self._order]  # best_first(totals, statuses), so also by place, then name
        grade_of, notes, quotas, ties, rejected = allocate_grades(self.rules, year, totals, statuses, order)
        rank_of = competition_ranks(totals, statuses, order)
        units = tuple(self._unit_result(name, rank_of[name], grade_of[name], tuple(notes[name])) for name in order)
        self._positions = {u.name: i for i, u in enumerate(units)}
        any_ranked = any(s is not None for s in self._ranked)
        return YearResult(self.rules.id, year.year, units, quotas, ties, rejected, provisional and any_ranked)
