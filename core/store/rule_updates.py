"""A year's stored rule set beside the program's newer one of the same id: which readings the year's
rule set predates, and adopting the newer rule set as an audited change of the year.

A year file keeps the rule set it was created with (its law): later versions of the program's rule
sets never change a past result by themselves. When the program's copy brings a reading the stored
one lacks (e.g. 3.2's `rating_threshold`), the clause page says so, and the administrator may adopt
the newer rule set, with a reason, in one audited edit.
"""

from __future__ import annotations

from core.common.messages import Msg
from core.common.problems import Problem
from core.scoring.facts import parse_year, year_to_json
from core.scoring.formulas import test_words
from core.scoring.rules import Reading, RuleSet
from core.store.dataset import Dataset, Edit


def newer_readings(stored: RuleSet, program: RuleSet | None) -> dict[str, tuple[Reading, ...]]:
    """Clause id -> the readings the program's rule set of the same id shows beside that clause and the
    stored rule set does not define (empty when there is no newer rule set)."""
    if program is None or program.id != stored.id or program.sha256 == stored.sha256:
        return {}
    found = {}
    for clause in program.clauses:
        missing = tuple(program.readings[name] for name in clause.readings if name not in stored.readings)
        if missing:
            found[clause.id] = missing
    return found


def newer_reading_notice(stored: RuleSet, program: RuleSet | None, clause_id: str) -> Msg | None:
    """What the clause page says when the program's rule set brings readings for this clause that the
    year's stored rule set predates: each new reading, and the test the year is still scored with."""
    readings = newer_readings(stored, program).get(clause_id)
    if not readings:
        return None
    assert program is not None
    kept = []
    try:
        stored_clause = stored.clause(clause_id)
    except KeyError:
        stored_clause = None
    for key, threshold in program.clause(clause_id).thresholds.items():
        old = stored_clause.thresholds.get(key) if stored_clause is not None else None
        if old is not None and threshold.reading in {r.name for r in readings}:
            kept.append(Msg.of("rules.stored_threshold", test=test_words(old.test), value=old.value))
    return Msg.of("rules.newer_reading", description=[Msg.of("rules.quoted", text=r.description) for r in readings],
                  stored=kept or [Msg.of("rules.stored_as_is")])


def adopt_program_rule_set(ds: Dataset, by: int | None, reason: str) -> Edit:
    """Make the program's rule set of the year's id the year's rule set. Refused, with nothing written,
    without a reason, when there is no different rule set to adopt, while a unit's score sheet is
    signed (its facts are locked: reopen it first), or when a fact of the year is not valid under the
    newer rule set."""
    def refused(code: str, field: str = "", **params) -> Edit:
        return Edit(problems=(Problem(ds.path.name, "$", field, Msg.of(code, **params)),))

    program = ds.program_rule_set()
    stored = ds.rule_set()
    if program is None or program.sha256 == stored.sha256:
        return refused("rules.adopt_nothing_newer", id=stored.id)
    if not (reason or "").strip():
        return refused("rules.adopt_reason_required", field="reason")
    units = ds.year(as_entered=True).units  # in the order of unit_ids
    locked = [unit.name for uid, unit in zip(ds.unit_ids(), units, strict=True) if ds.unit_lock(uid) is not None] \
        if ds.schema_version >= 3 else []
    if locked:
        return refused("rules.adopt_units_locked", units="、".join(locked))
    year = ds.year(as_entered=True)
    _, problems = parse_year(year_to_json(year), program, source=ds.path.name)
    if problems:
        return Edit(problems=tuple(problems))
    return ds.replace_rule_set(by, program, reason.strip())
