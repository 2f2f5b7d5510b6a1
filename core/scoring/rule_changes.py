"""What changing a year's rule set for another changes: the clauses whose points or parameters differ, the
parts of the rules beside them that differ, and each unit's total and grade before and after."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from core.common.messages import Msg, render
from core.scoring.engine import QUALIFIED, UnitResult, score_year
from core.scoring.facts import Year
from core.scoring.formulas import test_words
from core.scoring.rule_problems import word
from core.scoring.rules import Clause, RuleSet


@dataclass(frozen=True)
class UnitChange:
    name: str
    total_before: Fraction
    total_after: Fraction
    grade_before: str
    grade_after: str
    status_before: str = QUALIFIED
    status_after: str = QUALIFIED


@dataclass(frozen=True)
class RuleChanges:
    """The differences between the year's rule set and the one that would replace it."""
    clauses: tuple[Msg, ...]  # one line per clause that scores differently
    others: tuple[Msg, ...]  # sections, negative impact, grades, readings that differ
    units: tuple[UnitChange, ...]  # only the units whose total or grade changes
    unit_count: int

    def lines(self) -> list[Msg]:
        """The changes as lines to show before the change is confirmed."""
        lines = [Msg.of("rules.changes.clauses_heading")] + list(self.clauses or [Msg.of("rules.changes.none")])
        lines += self.others
        lines.append(Msg.of("rules.changes.units_heading", changed=len(self.units), count=self.unit_count))
        lines += [Msg.of("rules.changes.unit", name=u.name, before=u.total_before, after=u.total_after,
                         grade_before=_grade(u.grade_before, u.status_before),
                         grade_after=_grade(u.grade_after, u.status_after))
                  for u in self.units]
        return lines

    def text(self) -> str:
        return "\n".join(render(line) for line in self.lines())


def _grade(grade: str, status: str) -> Msg:
    graded = Msg.of("rules.changes.grade", grade=grade) if grade else Msg.of("rules.changes.no_grade")
    return graded if status == QUALIFIED else Msg.of(f"rules.changes.{status}", grade=graded)


def _shown(clause: Clause, name: str) -> object:
    """A parameter as the rules say it: a threshold with its comparison, evidence by its label."""
    value = clause.params.get(name)
    threshold = clause.thresholds.get(name)
    if threshold is not None:
        return Msg.of("rules.changes.threshold", test=test_words(threshold.test), value=threshold.value)
    labels = {e.id: e.label for e in (*clause.evidence, *clause.record_evidence)}
    if isinstance(value, tuple):
        return "、".join(labels.get(v, str(v)) for v in value)
    if isinstance(value, str):
        return labels.get(value, value)
    return "—" if value is None else value


def _clause_change(old: Clause | None, new: Clause | None) -> Msg | None:
    if old is None or new is None:
        clause = new or old
        assert clause is not None
        return Msg.of("rules.changes.clause_added" if old is None else "rules.changes.clause_removed",
                      id=clause.id, title=clause.title, points=clause.points)
    parts = []
    if old.points != new.points:
        parts.append(Msg.of("rules.changes.value", name=word("ruleset.key.points", "points"),
                            before=old.points, after=new.points))
    for name in dict.fromkeys([*old.params, *new.params]):
        before, after = _shown(old, name), _shown(new, name)
        if before != after:
            parts.append(Msg.of("rules.changes.value", name=word(f"ruleset.param.{name}", name),
                                before=before, after=after))
    for changed, code in ((old.kind is not new.kind, "rules.changes.formula"),
                          (old.readings != new.readings, "rules.changes.readings"),
                          ((old.evidence, old.record_evidence) != (new.evidence, new.record_evidence),
                           "rules.changes.evidence")):
        if changed:
            parts.append(Msg.of(code))
    if not parts and old.text != new.text:
        parts.append(Msg.of("rules.changes.wording"))
    return Msg.of("rules.changes.clause", id=new.id, title=new.title, changes=parts) if parts else None


def rule_changes(year: Year, old: RuleSet, new: RuleSet) -> RuleChanges:
    """What replacing `old` by `new` changes for this year (its facts as scored under `old`)."""
    old_clauses = {c.id: c for c in old.clauses}
    new_clauses = {c.id: c for c in new.clauses}
    clauses = tuple(m for cid in dict.fromkeys([*old_clauses, *new_clauses])
                    if (m := _clause_change(old_clauses.get(cid), new_clauses.get(cid))) is not None)
    others = []
    if [(s.id, s.points) for s in old.sections] != [(s.id, s.points) for s in new.sections]:
        others.append(Msg.of("rules.changes.part", part=word("ruleset.key.sections", "sections")))
    if old.negative != new.negative:
        others.append(Msg.of("rules.changes.part", part=word("ruleset.key.negative", "negative")))
    if old.grades != new.grades:
        others.append(Msg.of("rules.changes.part", part=word("ruleset.key.grades", "grades")))
    if old.readings != new.readings:
        others.append(Msg.of("rules.changes.part", part=word("ruleset.key.readings", "readings")))
    before = {u.name: u for u in score_year(old, year).units}
    after = {u.name: u for u in score_year(new, replace(year, rule_set=new.id)).units}
    def seen(result: UnitResult) -> tuple[Fraction, str, str]:
        return result.total, result.grade, result.status

    pairs = [(before[u.name], after[u.name]) for u in year.units]
    units = tuple(UnitChange(was.name, was.total, now.total, was.grade, now.grade, was.status, now.status)
                  for was, now in pairs if seen(was) != seen(now))
    return RuleChanges(clauses, tuple(others), units, len(year.units))
