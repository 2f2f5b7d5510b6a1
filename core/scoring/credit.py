"""Credit grades off their licence kind's scale (the reading `credit_scales`: a labour-dispatch agency's
labour-security credit has A, B and C only): the one sentence the 五 page, the file check and `score` say of
each. Such a grade matches no veto of the rules, so it is told, never quietly taken as 合格."""

from __future__ import annotations

from collections.abc import Iterable

from core.common.messages import Msg
from core.scoring.facts import Unit
from core.scoring.rules import CREDIT_SCALES, RuleSet


def scales_of(rules: RuleSet, program: RuleSet | None = None) -> RuleSet:
    """The rule set whose credit scales tell a grade off its scale: the year's own, or — for a year whose
    stored rules predate the reading — the program's copy of the same rules (told, never scored with)."""
    if CREDIT_SCALES in rules.readings or program is None or CREDIT_SCALES not in program.readings:
        return rules
    return program


def off_scale(rules: RuleSet, unit: Unit, program: RuleSet | None = None) -> list[Msg]:
    """One sentence for each of the unit's credit grades that is not on its licence kind's scale."""
    scales = scales_of(rules, program)
    said = []
    for kind, grade in unit.negative.credit_grades.items():
        scale = scales.credit_scale(kind)
        if grade not in scale:
            said.append(Msg.of("fact.credit_off_scale", unit=unit.name, kind=rules.unit_kinds.get(kind, kind),
                               grade=grade, scale=list(scale)))
    return said


def year_off_scale(rules: RuleSet, units: Iterable[Unit], program: RuleSet | None = None) -> list[Msg]:
    return [msg for unit in units for msg in off_scale(rules, unit, program)]
