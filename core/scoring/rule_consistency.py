"""Whether a rule set's figures agree with one another as the official rules define them: a section's
points are the sum of its clauses' full points (a bonus scores on top, a deduction comes off the total,
neither counts in a section's points), a ranking clause's first place earns exactly its points, and the
grade quotas, each a share of the units assessed, share out at most all of them."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from core.common.messages import Msg, format_number, render

if TYPE_CHECKING:
    from core.scoring.rules import RuleSet


def _say(code: str, **params: object) -> str:
    return render(Msg.of(code, **params))


def _percent(share: Fraction | int) -> str:
    return format_number(share * 100) + "%"


def inconsistencies(rules: RuleSet) -> list[tuple[str, str]]:
    """Every disagreement among the rule set's figures, as (key path, Chinese reason)."""
    problems: list[tuple[str, str]] = []
    for section in rules.sections:
        members = [c for c in rules.clauses if c.section == section.id]
        total = sum((c.points for c in members), Fraction(0))
        if total != section.points:
            if members:
                reason = _say("ruleset.reason.section_points", points=section.points, total=total,
                              clauses="、".join(c.id for c in members))
            else:
                reason = _say("ruleset.reason.section_without_clauses", points=section.points)
            problems.append((f"sections[{section.id}].points", reason))
    for clause in rules.ranking_clauses:
        p = clause.params
        full = 0 if p["as_bonus"] else p["top"]
        if clause.points != full:
            code = "ruleset.reason.bonus_ranking_points" if p["as_bonus"] else "ruleset.reason.ranking_points"
            problems.append((f"clauses[{clause.id}].points",
                             _say(code, points=clause.points, top=p["top"])))
        if p["floor"] > p["top"]:
            problems.append((f"clauses[{clause.id}].params.floor",
                             _say("ruleset.reason.floor_above_top", floor=p["floor"], top=p["top"])))
    shares = rules.grades.quota_share
    if sum(shares.values()) > 1:
        listed = "、".join(render(Msg.of("ruleset.at.quota_share", name=grade)) + _percent(share)
                          for grade, share in shares.items())
        problems.append(("grades.quota_share", _say("ruleset.reason.quota_total", shares=listed,
                                                    total=_percent(sum(shares.values())))))
    return problems
