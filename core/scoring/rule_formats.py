"""Rule-set file formats: which ones this program reads, and the migrations that bring an older rule set
(as a year file stores it) up to the current format before it is checked.

A year file keeps the rule set it was made with, word for word (its SHA-256 proves it), so an older
program's rule set is never rewritten: it is read through these migrations, each filling in what its
format did not state with the value the program applied then (docs/rule-sets.md, "Formats").
A program that adds a parameter raises CURRENT_FORMAT and adds the step that gives the old value.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from core.scoring.kinds import KINDS

CURRENT_FORMAT = 2
OLDEST_FORMAT = 1
SUPPORTED_FORMATS = tuple(range(OLDEST_FORMAT, CURRENT_FORMAT + 1))

# Format 1 stated thresholds as bare numbers; the program compared them so.
LEGACY_TESTS = {"min_enterprises": ">=", "min_people": ">=", "min_ratio": ">=", "min_stars": ">=",
                "min_rating": ">=", "deduction": ">=", "total_below": "<", "quota": "<="}

def _format_1_to_2(data: dict[str, Any]) -> None:
    """Thresholds take the comparisons the program applied to format 1: `>=` for every `min_*` and the
    complaints deduction, `<` for `total_below`, and grades are at most their quotas."""
    for clause in data.get("clauses") or ():
        params = clause.get("params") if isinstance(clause, dict) else None
        if not isinstance(params, dict):
            continue
        for key, value in params.items():
            if key in LEGACY_TESTS and _bare_number(value):
                params[key] = {"value": value, "test": LEGACY_TESTS[key]}
    negative = data.get("negative")
    if isinstance(negative, dict):
        for entry in negative.get("deductions") or ():
            if isinstance(entry, dict) and _bare_number(entry.get("threshold")):
                entry["threshold"] = {"value": entry["threshold"], "test": LEGACY_TESTS["deduction"]}
        for entry in negative.get("vetoes") or ():
            if isinstance(entry, dict) and _bare_number(entry.get("threshold")):
                entry["threshold"] = {"value": entry["threshold"], "test": LEGACY_TESTS["total_below"]}
    grades = data.get("grades")
    if isinstance(grades, dict):
        grades.setdefault("quota_test", LEGACY_TESTS["quota"])


# MIGRATIONS[n] brings format n to n + 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], None]] = {1: _format_1_to_2}


def _bare_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Before trainees and interns were told apart, 2.1 named one list of evidence for all the school bases' people
# (placements_evidence); each group needed all of it, which is what both lists say for such a rule set.
SPLIT_PARAMS = {"placements_evidence": ("trainees_evidence", "interns_evidence")}


def _split_parameters(params: dict[str, Any]) -> None:
    for old, new in SPLIT_PARAMS.items():
        if old in params and not any(key in params for key in new):
            value = params.pop(old)
            for key in new:
                params[key] = copy.deepcopy(value)


def split_parameters(data: dict[str, Any]) -> None:
    """Each parameter of one list for what is now told apart, in place, as the lists that tell it apart (a rule set
    made from an older one names them as the program now does)."""
    for clause in data.get("clauses") or ():
        if isinstance(clause, dict) and isinstance(clause.get("params"), dict):
            _split_parameters(clause["params"])


def _add_parameters(data: dict[str, Any]) -> None:
    split_parameters(data)
    for clause in data.get("clauses") or ():
        if not isinstance(clause, dict) or not isinstance(clause.get("params", {}), dict):
            continue
        kind = KINDS.get(clause.get("formula"))  # type: ignore[arg-type]
        if kind is not None and kind.defaults:  # parameters added to its formula after rule sets were stored
            params = clause.setdefault("params", {})
            for key, value in kind.defaults.items():
                params.setdefault(key, value)


def newer_format(data: dict[str, Any]) -> int | None:
    """The rule set's format when it is newer than this program reads, else None."""
    found = data.get("format") if isinstance(data, dict) else None
    if isinstance(found, int) and not isinstance(found, bool) and found > CURRENT_FORMAT:
        return found
    return None


def upgraded(data: dict[str, Any]) -> dict[str, Any]:
    """The parsed rule set brought to CURRENT_FORMAT (a copy; a format this program does not know is
    left as found, for the checker to name). Its `format` stays the one it was written in."""
    found = data.get("format")
    if not isinstance(found, int) or isinstance(found, bool) or found not in SUPPORTED_FORMATS:
        return data
    result = copy.deepcopy(data)
    for step in range(found, CURRENT_FORMAT):
        MIGRATIONS[step](result)
    _add_parameters(result)
    return result
