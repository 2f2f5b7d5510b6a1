"""A ranking clause across the units: each unit's measure (core/scoring/formulas.py) compared with the others',
its rank turned into points by the clause's curve (core/scoring/kinds.py), and each unit's result."""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

from core.common.messages import Msg
from core.scoring.facts import Unit
from core.scoring.formulas import ZERO, ClauseResult, Explanation, Measure, Number
from core.scoring.kinds import CURVES

if TYPE_CHECKING:
    from core.scoring.rules import Clause, RuleSet

_new_tuple = tuple.__new__


def rank_points(clause: Clause, rank: int) -> Number:
    """The points of a rank by the clause's curve and its top, step and floor."""
    p = clause.params
    return CURVES[p["curve"]](p["top"], p["step"], p["floor"], rank)


def _exact_order(value: Number) -> tuple[float, Number]:
    # Floats order almost every pair quickly; only equal floats fall back to the exact value.
    return (float(value), value)


def ranks(values: dict[str, Number], tie_rule: str) -> dict[str, int]:
    """Rank of each key, highest value first, values compared exactly. competition: 1 + the
    number strictly ahead; dense: 1 + the number of distinct values strictly ahead."""
    keyed = sorted(((_exact_order(v), k) for k, v in values.items()), reverse=True)
    result: dict[str, int] = {}
    place = distinct = 0
    previous = None
    for i, (order, key) in enumerate(keyed):
        if order != previous:  # float first: exact values are compared only when the floats are equal
            previous, distinct, place = order, distinct + 1, i + 1
        result[key] = distinct if tie_rule == "dense" else place
    return result


def ranked_points(clause: Clause, rules: RuleSet, measures: dict[str, Measure], provisional: bool,
                  units: dict[str, Unit] | None = None) -> dict[str, ClauseResult]:
    """Scores of a ranking clause from every unit's measure. With `units`, each result keeps
    the recipe of its explanation (re-measuring its unit) instead of the explanation."""
    qualifying = {name: m.value for name, m in measures.items() if m.qualifies}
    among = len(qualifying)
    rank_of = ranks(qualifying, rules.reading("tie_rule"))
    results = {}
    if units is None:
        for name, m in measures.items():
            rank = rank_of.get(name)
            score = rank_points(clause, rank) if rank is not None else ZERO
            results[name] = ranked_result(clause, rules, m, rank, among, score, provisional)
        return results
    # A recompute: every unit of the year, so ranked_result and rank_points are written out here
    p = clause.params
    clause_id, as_bonus, curve = clause.id, p["as_bonus"], CURVES[p["curve"]]
    top, step, floor = p["top"], p["step"], p["floor"]
    for name, m in measures.items():
        rank = rank_of.get(name)
        if rank is None:
            score, ranked_among = ZERO, None
        else:
            score, ranked_among = curve(top, step, floor, rank), among
        results[name] = _new_tuple(ClauseResult, (
            clause_id, ZERO if as_bonus else score, score if as_bonus else ZERO, ZERO, score, provisional, rank,
            ranked_among, m[0], (_ranked_explained, clause, rules, units[name], rank, ranked_among, score)))
    return results


def reranked(clause: Clause, rules: RuleSet, measures: dict[str, Measure], provisional: bool,
             units: dict[str, Unit], previous: dict[str, ClauseResult],
             edited: Container[str]) -> dict[str, ClauseResult]:
    """The results of a ranking clause that differ from `previous` once some units' measures moved:
    every edited unit's, and those whose rank, number ranked or provisional mark moved (the others'
    results, and so their explanations, are the same as before)."""
    qualifying = {name: m.value for name, m in measures.items() if m.qualifies}
    among = len(qualifying)
    rank_of = ranks(qualifying, rules.reading("tie_rule"))
    changed = {}
    for name, m in measures.items():
        rank, old = rank_of.get(name), previous[name]
        if (name not in edited and rank == old.rank and provisional == old.provisional
                and (rank is None or among == old.ranked_among)):
            continue
        score = rank_points(clause, rank) if rank is not None else ZERO
        changed[name] = ranked_result(clause, rules, m, rank, among, score, provisional, units[name])
    return changed


def ranked_result(clause: Clause, rules: RuleSet, m: Measure, rank: int | None, among: int, score: Number,
                  provisional: bool, unit: Unit | None = None) -> ClauseResult:
    """One unit's result of a ranking clause, once its rank among the units is known. With `unit`,
    it keeps the recipe of its explanation (re-measuring the unit) instead of the explanation."""
    why: Explanation | tuple
    if unit is None:
        why = ranked_explanation(clause, m, rank, among, score)
    else:
        # an unranked unit's explanation does not name the number ranked: its recipe leaves it out, so
        # a result stays the same (equal) when only other units' ranks moved
        why = (_ranked_explained, clause, rules, unit, rank, among if rank is not None else None, score)
    as_bonus = clause.params["as_bonus"]
    return _new_tuple(ClauseResult, (clause.id, ZERO if as_bonus else score, score if as_bonus else ZERO, ZERO,
                                     score, provisional, rank, among if rank is not None else None, m.value, why))


def ranked_explanation(clause: Clause, m: Measure, rank: int | None, among: int | None,
                       score: Number) -> Explanation:
    p = clause.params
    last = (Msg.of("ranking.rank", rank=rank, among=among, top=p["top"], step=p["step"], floor=p["floor"],
                   points=score) if rank is not None else Msg.of("ranking.not_ranked"))
    return Explanation(m.facts, m.missing, clause.readings, m.steps + (last,), m.notes)


def _ranked_explained(clause: Clause, rules: RuleSet, unit: Unit, rank: int | None, among: int | None,
                      score: Number) -> Explanation:
    return ranked_explanation(clause, clause.kind.function(clause, rules, unit), rank, among, score)
