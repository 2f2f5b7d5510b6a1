"""How far a unit's assessment has got, so that a result nobody has assessed yet is never shown as a verdict.

A unit is NOT_STARTED while nothing of this year's assessment has been recorded for it: no count, trip,
delivery, rating, management finding, insured workers, negative finding, evidence tick or note, and its
data is not marked final. Its bases alone do not start it: a continued year brings every unit's bases
across (their agreements still to be seen), and a base counts only once its agreement is ticked as seen.
A unit is UNDER_WAY once something is recorded and until its data is marked final (signing a score
sheet marks it so), then FINAL. Its result is provisional while it is not final or while a ranking
clause is (other units' data not final yet): the total, status and grade may still change. A final unit
that is 不合格 or 取消资格 whatever the ranking clauses could still give it has its E for certain, though
its total and place may still move (e_settled).

The scores themselves are the engine's (core/scoring); this module only says how far they can be trusted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from core.scoring.assessment import has_ticks, negative_entered
from core.scoring.engine import QUALIFIED, UnitResult, YearResult, unit_status
from core.scoring.facts import Unit
from core.scoring.formulas import ZERO
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

    @property
    def started(self) -> bool:
        return self.stage != NOT_STARTED

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
    return Standing(stage, provisional, provisional and e_settled(rules, unit, result, stage))


def e_settled(rules: RuleSet, unit: Unit, result: UnitResult, stage: str) -> bool:
    """Is the unit's E certain though its result is provisional? So when its own data is final and it is still
    不合格 (or 取消资格) at the most its provisional ranking clauses could give it: each at the first place's
    points (a unit whose own figure does not qualify for a ranking stays at 0 whatever the others do). Its
    vetoes on its own data stand; a veto on the total is met at that highest total only if it is met at any
    lower one; and an unqualified unit takes no A–D place, whatever the administrator raises."""
    if stage != FINAL or result.status == QUALIFIED:
        return False
    rise = ZERO
    for c in result.clauses:
        if not c.provisional or c.rank is None:
            continue
        clause = rules.clause(c.clause_id)
        if not clause.kind.ranks:  # only a ranking clause waits on the others; anything else: not known
            return False
        rise += max(ZERO, rank_points(clause, 1) - c.net, clause.params["floor"] - c.net)
    return unit_status(rules, unit, result.total + rise)[0] != QUALIFIED


def e_settled_units(rules: RuleSet, units: Iterable[Unit], result: YearResult) -> frozenset[str]:
    """The names of the units whose result is provisional but whose E is certain (e_settled): their grade is
    shown plain, their total and place still 暂定."""
    results = {u.name: u for u in result.units}
    return frozenset(u.name for u in units if u.name in results
                     and standing(rules, u, results[u.name]).e_settled)


def under_way_units(rules: RuleSet, units: Iterable[Unit], noted: Collection[str] = ()) -> frozenset[str]:
    """The names of the units begun but not final: their own total, place, status and grade are 暂定."""
    return frozenset(u.name for u in units if unit_stage(rules, u, u.name in noted) == UNDER_WAY)


def not_started_units(rules: RuleSet, units: Iterable[Unit], noted: Collection[str] = ()) -> frozenset[str]:
    """The names of the units nothing of the year is recorded for; `noted`: the names of units with a note."""
    return frozenset(u.name for u in units if unit_stage(rules, u, u.name in noted) == NOT_STARTED)
