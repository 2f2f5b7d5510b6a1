"""How far a unit's assessment has got, so that a result nobody has assessed yet is never shown as a verdict.

A unit is NOT_STARTED while nothing of this year's assessment has been recorded for it: no count, trip,
delivery, rating, management finding, insured workers, negative finding, evidence tick or note, and its
data is not marked final. Its bases alone do not start it: a continued year brings every unit's bases
across (their agreements still to be seen), and a base counts only once its agreement is ticked as seen.
A unit is UNDER_WAY once something is recorded and until its data is marked final (signing a score
sheet marks it so), then FINAL. Its result is provisional while it is not final or while a ranking
clause is (other units' data not final yet): the total, status and grade may still change. A final unit
that is 不合格 or 取消资格 whatever the ranking clauses could still give it has its E for certain, though
its total and place may still move (e_settled); one whose 合格 or 不合格 could still turn, anywhere between the
least and the most its provisional ranking clauses could give it, has its status open (status_open): shown 暂定
like an unfinished unit's, while the other final units' results carry only the tables' * on those clauses.

The scores themselves are the engine's (core/scoring); this module only says how far they can be trusted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from core.scoring.assessment import has_ticks, negative_entered
from core.scoring.engine import QUALIFIED, UnitResult, YearResult, unit_status
from core.scoring.facts import Unit
from core.scoring.formulas import ZERO, Number
from core.scoring.kinds import FACTS
from core.scoring.ranking import rank_points
from core.scoring.rules import RuleSet

NOT_STARTED, UNDER_WAY, FINAL = "not_started", "under_way", "final"

# What a continued year brings across for every unit (core/years/continuation.py): not a sign of assessment.
CARRIED_FACTS = frozenset({"bases"})


@dataclass(frozen=True)
class Standing:
    """A unit's stage (NOT_STARTED, UNDER_WAY, FINAL), whether its result may still change, and whether its E
    is certain all the same (e_settled: final and 不合格 or 取消资格 whatever the others do)."""
    stage: str
    provisional: bool
    e_settled: bool = False
    status_open: bool = False  # final, but its 合格/不合格 may still turn with the other units' data

    @property
    def started(self) -> bool:
        return self.stage != NOT_STARTED

    @property
    def verdict_provisional(self) -> bool:
        """Are its status and grade shown 暂定? While its own data is not final, or when its status is open."""
        return self.stage != FINAL or self.status_open

    @property
    def grade_provisional(self) -> bool:
        """Could its grade still change? Not for an E that is certain, though its total and place may move."""
        return self.provisional and not self.e_settled


def unit_stage(rules: RuleSet, unit: Unit, noted: bool = False) -> str:
    """The unit's stage (see the module's text); `noted`: the assessor has written a note on one of its clauses."""
    if unit.facts_final:
        return FINAL
    recorded = (any(present(unit) for fact, present in FACTS.items() if fact not in CARRIED_FACTS)
                or negative_entered(unit)
                or any(has_ticks(unit, clause) for clause in rules.clauses)
                or noted)
    return UNDER_WAY if recorded else NOT_STARTED


def standing(rules: RuleSet, unit: Unit, result: UnitResult, noted: bool = False) -> Standing:
    stage = unit_stage(rules, unit, noted)
    provisional = stage != FINAL or any(c.provisional for c in result.clauses)
    if stage != FINAL or not provisional:
        return Standing(stage, provisional)
    return Standing(stage, provisional, e_settled(rules, unit, result, stage), status_open(rules, unit, result, stage))


def _ranking_reach(rules: RuleSet, result: UnitResult) -> tuple[Number, Number] | None:
    """How far the unit's provisional ranking clauses could still move its total, (down, up): each between its
    floor and the first place's points (a unit whose own figure does not qualify for a ranking stays at 0
    whatever the others do). None: a provisional clause that is no ranking one (how far, not known)."""
    down = up = ZERO
    for c in result.clauses:
        if not c.provisional or c.rank is None:
            continue
        clause = rules.clause(c.clause_id)
        if not clause.kind.ranks:
            return None
        floor = clause.params["floor"]
        up += max(ZERO, rank_points(clause, 1) - c.net, floor - c.net)
        down += max(ZERO, c.net - floor)
    return down, up


def e_settled(rules: RuleSet, unit: Unit, result: UnitResult, stage: str) -> bool:
    """Is the unit's E certain though its result is provisional? So when its own data is final and it is still
    不合格 (or 取消资格) at the most its provisional ranking clauses could give it (_ranking_reach). Its
    vetoes on its own data stand; a veto on the total is met at that highest total only if it is met at any
    lower one; and an unqualified unit takes no A–D place, whatever the administrator raises."""
    if stage != FINAL or result.status == QUALIFIED:
        return False
    reach = _ranking_reach(rules, result)
    return reach is not None and unit_status(rules, unit, result.total + reach[1])[0] != QUALIFIED


def status_open(rules: RuleSet, unit: Unit, result: UnitResult, stage: str) -> bool:
    """Could the final unit's 合格 or 不合格 still turn with the other units' data? So when its status at the least
    or at the most its provisional ranking clauses could give it (_ranking_reach) is not its status now (a unit
    at 59.5 whose 2.1 could rise again, one at 61 whose 2.1 could fall). Not known how far: open."""
    if stage != FINAL:
        return False
    reach = _ranking_reach(rules, result)
    if reach is None:
        return True
    down, up = reach
    return any(unit_status(rules, unit, result.total + moved)[0] != result.status
               for moved in (-down, up) if moved)


def e_settled_units(rules: RuleSet, units: Iterable[Unit], result: YearResult) -> frozenset[str]:
    """The names of the units whose result is provisional but whose E is certain (e_settled): their grade is
    shown plain, their total and place still 暂定."""
    results = {u.name: u for u in result.units}
    return frozenset(u.name for u in units if u.name in results
                     and standing(rules, u, results[u.name]).e_settled)


def status_open_units(rules: RuleSet, units: Iterable[Unit], result: YearResult) -> frozenset[str]:
    """The names of the final units whose 合格 or 不合格 may still turn with the other units' data (status_open):
    their status and grade are shown 暂定 as an unfinished unit's are."""
    results = {u.name: u for u in result.units}
    return frozenset(u.name for u in units if u.name in results
                     and standing(rules, u, results[u.name]).status_open)


def under_way_units(rules: RuleSet, units: Iterable[Unit], noted: Collection[str] = ()) -> frozenset[str]:
    """The names of the units begun but not final: their own total, place, status and grade are 暂定."""
    return frozenset(u.name for u in units if unit_stage(rules, u, u.name in noted) == UNDER_WAY)


def not_started_units(rules: RuleSet, units: Iterable[Unit], noted: Collection[str] = ()) -> frozenset[str]:
    """The names of the units nothing of the year is recorded for; `noted`: the names of units with a note."""
    return frozenset(u.name for u in units if unit_stage(rules, u, u.name in noted) == NOT_STARTED)
