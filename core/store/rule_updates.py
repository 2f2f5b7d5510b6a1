"""A year's stored rule set beside the program's newer one of the same id: which readings the year's
rule set predates, and adopting another rule set of the year (the program's newer one, or a revision
the bureau issued) as an audited change of the year.

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
from core.scoring.rules import READINGS_WHEN_ABSENT, Reading, RuleSet
from core.store.dataset import Dataset, Edit

_NOT_APPLIED = object()  # a reading the program applies to no rule set that lacks it


def is_newer_program_rule_set(program: RuleSet | None, stored: RuleSet) -> bool:
    """Whether the program's rule set is a newer version of the stored one: the same id, other content,
    and not issued before it (a revision the bureau issued and the year adopted is newer than the
    program's copy)."""
    return program is not None and program.id == stored.id and program.sha256 != stored.sha256 \
        and program.issued >= stored.issued


def newer_readings(stored: RuleSet, program: RuleSet | None) -> dict[str, tuple[Reading, ...]]:
    """Clause id -> the readings the program's rule set of the same id shows beside that clause and the
    stored rule set does not define (empty when there is no newer rule set)."""
    if program is None or not is_newer_program_rule_set(program, stored):
        return {}
    found = {}
    for clause in program.clauses:
        # a reading the stored rule set lacks but is applied as the program's rule set states it changes nothing
        missing = tuple(program.readings[name] for name in clause.readings if name not in stored.readings
                        and READINGS_WHEN_ABSENT.get(name, _NOT_APPLIED) != program.readings[name].value)
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


def rule_set_named(rules: RuleSet) -> Msg:
    """A rule set as a user knows it: its title and 文号 (never its internal id)."""
    return Msg.of("rules.named", title=rules.title, document=rules.document)


def newer_program_rule_set(ds: Dataset) -> RuleSet | None:
    """The program's rule set of the year's id when it is newer than the stored one."""
    program = ds.program_rule_set()
    return program if is_newer_program_rule_set(program, ds.rule_set()) else None


def adoptable(ds: Dataset, rules: RuleSet | None) -> Problem | None:
    """Why `rules` cannot become the year's rule set (None: it can): none given, one of another year, or
    the very rule set the year already stores."""
    stored = ds.rule_set()
    if rules is None:
        return Problem(ds.path.name, "$", "", Msg.of("rules.adopt_nothing_newer", stored=rule_set_named(stored)))
    if rules.year != ds.year_number:
        return Problem(ds.path.name, "$", "rules", Msg.of(
            "rules.adopt_other_year", title=rules.title, year=rules.year, year_of_file=ds.year_number))
    if rules.sha256 == stored.sha256:
        return Problem(ds.path.name, "$", "rules", Msg.of("rules.adopt_same", stored=rule_set_named(stored)))
    return None


def adopt_rule_set(ds: Dataset, by: int | None, reason: str, rules: RuleSet | None = None) -> Edit:
    """Make `rules` (by default the program's rule set of the year's id: a newer version it brings) the
    year's rule set; a revised rule set of the same year the bureau issued may have another id. Refused,
    with nothing written, for a rule set of another year or the one already stored, without a reason,
    while a unit's score sheet is signed (its facts are locked: reopen it first), or when a fact of the
    year is not valid under the new rule set."""
    def refused(code: str, field: str = "", **params) -> Edit:
        return Edit(problems=(Problem(ds.path.name, "$", field, Msg.of(code, **params)),))

    rules = rules or newer_program_rule_set(ds)
    problem = adoptable(ds, rules)
    if problem is not None:
        return Edit(problems=(problem,))
    assert rules is not None
    if not (reason or "").strip():
        return refused("rules.adopt_reason_required", field="reason")
    units = ds.year(as_entered=True).units  # in the order of unit_ids
    locked = [unit.name for uid, unit in zip(ds.unit_ids(), units, strict=True) if ds.unit_lock(uid) is not None] \
        if ds.schema_version >= 3 else []
    if locked:
        return refused("rules.adopt_units_locked", units="、".join(locked))
    document = year_to_json(ds.year(as_entered=True))
    document["rule_set"] = rules.id
    _, problems = parse_year(document, rules, source=ds.path.name)
    if problems:
        return Edit(problems=tuple(problems))
    return ds.replace_rule_set(by, rules, reason.strip())
