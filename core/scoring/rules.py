"""Load and validate a rule set (resources/rules/*.toml) into immutable records.

A rule set is data: every number and every reading the engine uses comes from here. Loading
checks the whole file and reports every problem with its exact key path, so an administrator
editing a copy for another year is told what is wrong rather than getting a wrong score.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from core.common import tomlcache
from core.common.messages import Msg, render
from core.scoring.formulas import COMPARISONS
from core.scoring.kinds import CURVES, KINDS, RECORD_IDS, Kind, missing_dependencies
from core.scoring.rule_consistency import inconsistencies
from core.scoring.rule_formats import CURRENT_FORMAT, SUPPORTED_FORMATS, newer_format, upgraded

RULES_DIR = Path(__file__).resolve().parents[2] / "resources" / "rules"
DEFAULT_RULE_SET = RULES_DIR / "wujiang-2022.toml"
# Format 2 states every threshold with its comparison. Older formats (the rule sets stored in year
# files made before) are read through core/scoring/rule_formats.py's migrations.
TESTS = COMPARISONS

GRADE_READINGS: dict[str, Any] = {
    "quota_rounding": ("floor", "round", "ceil"),
    "unqualified_grade": str,
    "grade_below_quotas": str,
    "ranking_display_decimals": int,
}
# Readings the people matching (core/people/matching.py) consults, checked when a rule set gives them: rule sets
# stored before a reading was named lack it, and matching then applies READINGS_WHEN_ABSENT, what the program did.
MATCHING_READINGS: dict[str, Any] = {
    "conflicting_claims_count_for_none": bool,
    "months_counting": ("both_days", "elapsed"),
}
READINGS_WHEN_ABSENT: dict[str, Any] = {"conflicting_claims_count_for_none": True, "months_counting": "both_days"}
VETO_CONDITIONS = {"flag": ("fact",), "licence_cancelled": (), "credit_grade": ("kind", "grades"),
                   "total_below": ("threshold",)}
NEGATIVE_FLAGS = ("major_incident",)
CREDIT_SCALES = "credit_scales"  # the reading naming each licence kind's credit grades
NEGATIVE_COUNTS = ("collective_disputes_lost", "individual_disputes_lost", "complaints")


class RuleSetError(Exception):
    """The rule set file is unusable; `problems` lists every (key path, message)."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {path}: {message}" for path, message in problems)
        super().__init__(f"rule set {source} is invalid:\n{lines}")

    def at(self, source: str) -> RuleSetError:
        return RuleSetError(source, self.problems)


class NewerRuleSetFormat(RuleSetError):
    """The rule set is written in a format newer than this program reads."""

    def __init__(self, source: str, found: int):
        self.found = found
        super().__init__(source, [("format", f"format {found} is newer than this program reads "
                                             f"(formats {list(SUPPORTED_FORMATS)})")])

    def at(self, source: str) -> RuleSetError:
        return NewerRuleSetFormat(source, self.found)


@dataclass(frozen=True)
class EvidenceItem:
    """A piece of evidence a clause asks for, ticked when seen."""
    id: str
    label: str


@dataclass(frozen=True)
class ReadingChoice:
    """One of the values a switchable reading may take, with its Chinese description."""
    value: str
    description: str
    test: str | None = None  # the comparison this choice makes, for a threshold tested by the reading


@dataclass(frozen=True)
class Reading:
    """A reading of the rules (how a point of the text is applied): its value in force and the choices."""
    name: str
    value: Any
    description: str  # of the value in force
    choices: tuple[ReadingChoice, ...] = ()  # every value a switchable reading may take


@dataclass(frozen=True)
class Threshold:
    """A boundary of the rules with its comparison: a value passes when `value TEST threshold`
    holds (e.g. people >= 50). `reading` names the reading whose choice set the test, if any."""
    value: int | Fraction
    test: str
    reading: str | None = None

    def passes(self, value: int | Fraction) -> bool:
        return TESTS[self.test](value, self.value)

    def ratio_passes(self, numerator: int, denominator: int) -> bool:
        """passes(Fraction(numerator, denominator)) for a positive denominator, compared exactly in
        integers (cross-multiplied) without making the Fraction: a recompute asks it 2,000 times."""
        return TESTS[self.test](numerator * self.value.denominator, self.value.numerator * denominator)


@dataclass(frozen=True)
class Section:
    """A section of the rule set, with its points and text."""
    id: str
    title: str
    points: Fraction
    text: str


@dataclass(frozen=True)
class Clause:
    """A clause of the rule set: its text, formula, parameters, readings and the evidence it asks for."""
    id: str
    section: str
    title: str
    formula: str
    points: Fraction
    text: str
    readings: tuple[str, ...]
    evidence: tuple[EvidenceItem, ...]
    record_evidence: tuple[EvidenceItem, ...]
    params: Mapping[str, Any]  # a threshold's entry is its value; its comparison is in `thresholds`
    thresholds: Mapping[str, Threshold] = field(default_factory=lambda: MappingProxyType({}))

    @cached_property
    def kind(self) -> Kind:
        """What its formula is: parameters, function, page, evidence, ranking (core/scoring/kinds.py)."""
        return KINDS[self.formula]

    @cached_property
    def evidence_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.evidence)

    @cached_property
    def record_evidence_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.record_evidence)


@dataclass(frozen=True)
class Deduction:
    """A deduction of the negative section: the fact it counts and how much it takes off."""
    id: str
    fact: str
    text: str
    per_case: Fraction | None
    threshold: Threshold | None
    once: Fraction | None


@dataclass(frozen=True)
class Veto:
    """A veto of the negative section: the condition that rates a unit unqualified (and, when `revoked`, ends
    its standing as an operating unit)."""
    id: str
    condition: str
    text: str
    unqualified: bool
    revoked: bool
    fact: str | None = None
    kind: str | None = None
    grades: tuple[str, ...] = ()
    threshold: Threshold | None = None


@dataclass(frozen=True)
class Negative:
    """The negative section of the rule set: its deductions, vetoes and the floor of the total."""
    id: str
    title: str
    text: str
    total_floor: Fraction
    deductions: tuple[Deduction, ...]
    vetoes: tuple[Veto, ...]
    readings: tuple[str, ...] = ()  # shown on the 五 page


@dataclass(frozen=True)
class GradeRules:
    """How the grades are given: their order, each grade's share of the units, and the readings."""
    text: str
    order: tuple[str, ...]
    quota_share: Mapping[str, Fraction]
    readings: tuple[str, ...]
    quota_test: str = "<="  # a grade holds at most its quota


@dataclass(frozen=True)
class RuleSet:
    """A rule set (考核细则) as parsed: the year, its sections, clauses, negative section, grades and readings."""
    id: str
    title: str
    document: str
    issued: dt.date
    year: int
    period_start: dt.date
    period_end: dt.date
    unit_kinds: Mapping[str, str]
    base_types: Mapping[str, str]
    trip_modes: Mapping[str, str]
    evaluation_verdicts: tuple[str, ...]
    credit_grades: tuple[str, ...]
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...]
    negative: Negative
    grades: GradeRules
    readings: Mapping[str, Reading]
    source_text: str = field(repr=False)
    sha256: str
    format: int = CURRENT_FORMAT

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(clause_id)

    def reading(self, name: str) -> Any:
        return self.readings[name].value

    def credit_scale(self, kind: str) -> tuple[str, ...]:
        """The credit grades a licence of this kind can be given: the reading `credit_scales` names each kind's
        scale (a labour-dispatch agency's labour-security credit has no D); without it, `credit_grades`."""
        scales = self.reading("credit_scales") if CREDIT_SCALES in self.readings else {}
        return tuple(scales[kind]) if kind in scales else self.credit_grades

    def clause_entering(self, fact: str) -> Clause | None:
        """The first clause whose page enters this fact of a unit (kinds.FACTS: "people", "retained",
        "deliveries" …), or None."""
        return self._clause_entering.get(fact)

    def record_clause(self, records: str) -> Clause | None:
        """The clause whose record evidence is ticked per base (kinds.BASES) or per trip (kinds.TRIPS), or None."""
        return next((c for c in self.clauses if c.kind.records == records), None)

    @cached_property
    def ranking_clauses(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.kind.ranks)

    @cached_property
    def clause_indices_by_section(self) -> tuple[tuple[Section, tuple[int, ...]], ...]:
        return tuple((s, tuple(i for i, c in enumerate(self.clauses) if c.section == s.id)) for s in self.sections)

    @cached_property
    def _clause_entering(self) -> dict[str, Clause]:
        return {fact: c for c in reversed(self.clauses) for fact in c.kind.facts}  # the first clause wins

    def in_period(self, day: dt.date) -> bool:
        return self.period_start <= day <= self.period_end

    def quota_caps(self, assessed: int) -> dict[str, int]:
        """The most units each quota grade may hold when `assessed` units are assessed."""
        rounding = {"floor": math.floor, "ceil": math.ceil, "round": round}[self.reading("quota_rounding")]
        return {grade: int(rounding(share * assessed)) for grade, share in self.grades.quota_share.items()}


def load_rule_set(path: str | Path = DEFAULT_RULE_SET, *, stored: bool = False) -> RuleSet:
    path = Path(path)
    return parse_rule_set(path.read_text(encoding="utf-8"), source=str(path), stored=stored)


def parse_rule_set(text: str, source: str = "<rule set>", *, stored: bool = False) -> RuleSet:
    """The rule set of a text. Format 1 (thresholds without their comparison) is read only as the
    rule set a year file stores (`stored`): a rule-set file to start a year with must state them, and
    its figures must agree with one another (core/scoring/rule_consistency.py)."""
    try:
        rules = _parse_rule_set(text)
    except RuleSetError as exc:
        raise exc.at(source) from None
    if rules.format < CURRENT_FORMAT and not stored:
        raise RuleSetError(source, [("format", f"format {rules.format} states thresholds without their comparison; "
                                               f"a rule set file must be format {CURRENT_FORMAT} (only a year file "
                                               "keeps the older rule set it was scored with)")])
    if not stored:  # a year file keeps the rule set it was made with, checked as it was then
        problems = inconsistencies(rules)
        if problems:
            raise RuleSetError(source, problems)
    return rules


# Opening a year reads the same text up to three times (the check before opening, the open dataset,
# the program's own copy to compare with): a RuleSet is immutable, so the first one is reused.
@lru_cache(maxsize=8)
def _parse_rule_set(text: str) -> RuleSet:
    try:
        data = tomlcache.loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError (tomllib is loaded only when a text is parsed)
        raise RuleSetError("", [("(file)", f"not valid TOML: {exc}")]) from None
    found = newer_format(data)
    if found is not None:
        raise NewerRuleSetFormat("", found)
    checker = _Checker()
    rule_set = checker.rule_set(upgraded(data), text)
    if checker.problems:
        raise RuleSetError("", checker.problems)
    assert rule_set is not None
    return rule_set


def _number(value: Any) -> int | Fraction:
    """Exact: a TOML 0.08 is 8/100, not the binary float's value. Whole numbers stay ints,
    which keeps most of the scoring arithmetic in fast integers."""
    exact = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    return int(exact) if exact.denominator == 1 else exact


class _Checker:
    """Walks the TOML tree, building records and collecting every problem with its key path."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self.format = CURRENT_FORMAT

    def fail(self, path: str, message: str) -> None:
        if (path, message) not in self.problems:  # several lookups may trip on one fault
            self.problems.append((path, message))

    def get(self, table: Any, key: str, path: str, kind: str, default: Any = ...) -> Any:
        here = f"{path}.{key}" if path else key
        if not isinstance(table, dict):
            self.fail(path, f"expected a table, found {table!r}")
            return None
        if key not in table:
            if default is ...:
                self.fail(here, "missing")
                return None
            return default
        value = table[key]
        ok = {
            "text": lambda v: isinstance(v, str) and v.strip() != "",
            "number": lambda v: (isinstance(v, (int, float)) and not isinstance(v, bool)
                                 and math.isfinite(v) and v >= 0),
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "bool": lambda v: isinstance(v, bool),
            "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
            "table": lambda v: isinstance(v, dict),
            "list": lambda v: isinstance(v, list),
            "texts": lambda v: isinstance(v, list) and all(isinstance(x, str) and x for x in v),
            "names": lambda v: isinstance(v, dict) and v != {} and all(isinstance(x, str) for x in v.values()),
        }[kind](value)
        if not ok:
            expected = {"text": "a non-empty string", "number": "a finite number ≥ 0", "int": "an integer",
                        "bool": "true or false", "date": "a date (YYYY-MM-DD)", "table": "a table",
                        "list": "an array", "texts": "an array of non-empty strings",
                        "names": "a non-empty table of strings"}[kind]
            self.fail(here, f"expected {expected}, found {value!r}")
            return None
        return _number(value) if kind == "number" else value

    def rule_set(self, data: dict, text: str) -> RuleSet | None:
        fmt = self.get(data, "format", "", "int")
        if fmt is not None and fmt not in SUPPORTED_FORMATS:
            self.fail("format", f"this program reads rule set formats {list(SUPPORTED_FORMATS)}, not {fmt}")
        elif fmt is not None:
            self.format = fmt
        known_top = {"format", "id", "title", "document", "issued", "year", "period_start",
                     "period_end", "unit_kinds", "base_types", "trip_modes", "evaluation_verdicts",
                     "credit_grades", "sections", "clauses", "negative", "grades", "readings"}
        for key in data:
            if key not in known_top:
                self.fail(key, "unknown key")
        readings = self.readings(data.get("readings"))
        sections = self.sections(data.get("sections"))
        entries = data.get("sections")
        # a section the file names is its clauses' section even when another of its items is faulty
        # (that item is the one problem told; its clauses are not blamed for it)
        section_ids = {s.id for s in sections} | {e["id"] for e in entries if isinstance(e, dict)
                                                  and isinstance(e.get("id"), str) and e["id"].strip()} \
            if isinstance(entries, list) else set()
        clauses = self.clauses(data.get("clauses"), section_ids, readings)
        period_start = self.get(data, "period_start", "", "date")
        period_end = self.get(data, "period_end", "", "date")
        if period_start and period_end and period_start > period_end:
            self.fail("period_end", "must not be before period_start")
        year = data.get("year")
        if (isinstance(year, int) and period_start and period_end and period_start <= period_end
                and not period_start.year <= year <= period_end.year):
            self.fail("year", "the year lies outside the assessment period")
        unit_kinds = self.get(data, "unit_kinds", "", "names")
        verdicts = self.get(data, "evaluation_verdicts", "", "texts")
        negative = self.negative(data.get("negative"), unit_kinds or {}, readings)
        grades = self.grades(data.get("grades"), readings)
        for clause in clauses:
            poor = clause.params.get("poor_verdict")
            if poor is not None and verdicts is not None and poor not in verdicts:
                self.fail(f"clauses[{clause.id}].params.poor_verdict",
                          f"{poor!r} is not one of evaluation_verdicts {verdicts}")
        values = dict(
            id=self.get(data, "id", "", "text"), title=self.get(data, "title", "", "text"),
            document=self.get(data, "document", "", "text"), issued=self.get(data, "issued", "", "date"),
            year=self.get(data, "year", "", "int"), period_start=period_start, period_end=period_end,
            unit_kinds=unit_kinds, base_types=self.get(data, "base_types", "", "names"),
            trip_modes=self.get(data, "trip_modes", "", "names"), evaluation_verdicts=verdicts,
            credit_grades=self.get(data, "credit_grades", "", "texts"),
        )
        self.check_credit_scales(readings, unit_kinds or {}, values["credit_grades"] or [], negative)
        for name, accepted in MATCHING_READINGS.items():
            if name in readings:
                self.check_reading(readings, name, accepted, "readings")
        modes = values["trip_modes"] or {}
        if values["trip_modes"] is not None and set(modes) != {"offline", "online"}:
            self.fail("trip_modes", "must name exactly the modes offline and online")
        if values["base_types"] is not None and set(values["base_types"]) != {"labour", "school"}:
            self.fail("base_types", "must name exactly the base types labour and school")
        if self.problems or negative is None or grades is None:
            return None
        return RuleSet(
            **{k: v for k, v in values.items() if k not in ("unit_kinds", "base_types", "trip_modes",
                                                          "evaluation_verdicts", "credit_grades")},
            unit_kinds=MappingProxyType(dict(unit_kinds)),
            base_types=MappingProxyType(dict(values["base_types"])),
            trip_modes=MappingProxyType(dict(modes)),
            evaluation_verdicts=tuple(verdicts), credit_grades=tuple(values["credit_grades"]),
            sections=tuple(sections), clauses=tuple(clauses), negative=negative, grades=grades,
            readings=MappingProxyType(readings), source_text=text,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), format=self.format,
        )

    def check_credit_scales(self, readings: dict[str, Reading], unit_kinds: Mapping[str, str],
                            grades: list[str], negative: Negative | None) -> None:
        """The reading `credit_scales`: each licence kind's grades, drawn from `credit_grades`; and a veto on
        a credit grade names only grades of its kind's scale."""
        path = f"readings.{CREDIT_SCALES}.value"
        scales = readings.get(CREDIT_SCALES)
        value = scales.value if scales is not None else {}
        if not isinstance(value, dict):
            self.fail(path, "expected a table: licence kind -> its credit grades")
            value = {}
        for kind, scale in value.items():
            if kind not in unit_kinds:
                self.fail(f"{path}.{kind}", f"unknown unit kind {kind!r}")
            if not isinstance(scale, list) or not scale or any(g not in grades for g in scale):
                self.fail(f"{path}.{kind}", f"expected a list of grades from credit_grades {grades}")
        for veto in negative.vetoes if negative is not None else ():
            if veto.condition == "credit_grade" and veto.kind in value and isinstance(value[veto.kind], list):
                for grade in veto.grades:
                    if grade not in value[veto.kind]:
                        self.fail(f"negative.vetoes[{veto.id}].grades",
                                  f"{grade!r} is not on the {veto.kind} credit scale {value[veto.kind]}")

    def readings(self, table: Any) -> dict[str, Reading]:
        if not isinstance(table, dict):
            self.fail("readings", "missing or not a table")
            return {}
        readings = {}
        for name, entry in table.items():
            path = f"readings.{name}"
            if not isinstance(entry, dict) or "value" not in entry:
                self.fail(path, "expected a table with value and description")
                continue
            for key in entry:
                if key not in ("value", "description", "choices"):
                    self.fail(f"{path}.{key}", "unknown key")
            choices = self.reading_choices(entry, path)
            chosen = next((c for c in choices if c.value == entry["value"]), None)
            if choices and chosen is None:
                self.fail(f"{path}.value", f"must be one of {[c.value for c in choices]}, found {entry['value']!r}")
            if choices and "description" not in entry:  # a switchable reading is described by its choices
                description = chosen.description if chosen else ""
            else:
                description = self.get(entry, "description", path, "text")
            readings[name] = Reading(name, entry["value"], description or "", choices)
        return readings

    def reading_choices(self, entry: dict, path: str) -> tuple[ReadingChoice, ...]:
        """A switchable reading's choices: {name = {description = "…", test = ">"}} (test optional)."""
        table = self.get(entry, "choices", path, "table", {})
        choices = []
        for value, choice in (table or {}).items():
            here = f"{path}.choices.{value}"
            for key in choice if isinstance(choice, dict) else ():
                if key not in ("description", "test"):
                    self.fail(f"{here}.{key}", "unknown key")
            description = self.get(choice, "description", here, "text")
            test = self.get(choice, "test", here, "text", None)
            if test is not None and test not in TESTS:
                self.fail(f"{here}.test", f"must be one of {list(TESTS)}, found {test!r}")
            if description:
                choices.append(ReadingChoice(value, description, test))
        return tuple(choices)

    def threshold(self, table: Any, key: str, path: str, readings: dict[str, Reading],
                  tests: tuple[str, ...] = tuple(TESTS)) -> Threshold | None:
        """A threshold: {value = N, test = ">="} or {value = N, test_by_reading = "name"} (the reading's
        chosen value gives the test)."""
        here = f"{path}.{key}"
        raw = table.get(key) if isinstance(table, dict) else None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            self.fail(here, f"a threshold needs its comparison: {{ value = {raw}, test = \">=\" }} "
                            f"(test: one of {', '.join(tests)})")
            return None
        entry = self.get(table, key, path, "table")
        if entry is None:
            return None
        for name in entry:
            if name not in ("value", "test", "test_by_reading"):
                self.fail(f"{here}.{name}", "unknown key")
        value = self.get(entry, "value", here, "number")
        test, by = entry.get("test"), entry.get("test_by_reading")
        if (test is None) == (by is None):
            self.fail(here, "give exactly one of test or test_by_reading")
            return None
        if test is not None:
            if test not in tests:
                self.fail(f"{here}.test", f"must be one of {list(tests)}, found {test!r}")
                return None
        else:
            reading = readings.get(by) if isinstance(by, str) else None
            if reading is None:
                self.fail(f"{here}.test_by_reading", f"names reading {by!r}, which [readings] does not define")
                return None
            if not reading.choices or any(c.test is None for c in reading.choices):
                self.fail(f"{here}.test_by_reading",
                          f"every choice of reading {by!r} must give a test, one of {list(tests)}")
                return None
            test = next((c.test for c in reading.choices if c.value == reading.value), None)
            if test not in tests:
                return None  # an unknown value or test is reported at the reading
        return None if value is None else Threshold(value, test, by)

    def check_reading(self, readings: dict[str, Reading], name: str, accepted: Any, path: str) -> None:
        if name not in readings:
            self.fail(path, f"needs reading {name!r}, which [readings] does not define")
            return
        value = readings[name].value
        if isinstance(accepted, tuple):
            if value not in accepted:
                self.fail(f"readings.{name}.value", f"must be one of {list(accepted)}, found {value!r}")
        elif accepted is int:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                self.fail(f"readings.{name}.value", f"expected an integer ≥ 0, found {value!r}")
        elif not isinstance(value, accepted):
            self.fail(f"readings.{name}.value", f"expected {accepted.__name__}, found {value!r}")

    def sections(self, entries: Any) -> list[Section]:
        if not isinstance(entries, list) or not entries:
            self.fail("sections", "missing or empty")
            return []
        sections = []
        for i, entry in enumerate(entries):
            path = f"sections[{i}]"
            section_id = self.get(entry, "id", path, "text")
            if section_id:
                path = f"sections[{section_id}]"  # named as the rules name it: 一 …
            values = (section_id, self.get(entry, "title", path, "text"),
                      self.get(entry, "points", path, "number"), self.get(entry, "text", path, "text", ""))
            if None not in values:
                sections.append(Section(*values))
        return sections

    def evidence_items(self, entry: dict, key: str, path: str) -> tuple[EvidenceItem, ...]:
        items = self.get(entry, key, path, "list", [])
        result = []
        for j, item in enumerate(items or []):
            here = f"{path}.{key}[{j}]"
            item_id, label = self.get(item, "id", here, "text"), self.get(item, "label", here, "text")
            if item_id and label:
                result.append(EvidenceItem(item_id, label))
        ids = [e.id for e in result]
        if len(ids) != len(set(ids)):
            self.fail(f"{path}.{key}", "evidence ids must be unique")
        return tuple(result)

    def clauses(self, entries: Any, section_ids: set[str], readings: dict[str, Reading]) -> list[Clause]:
        if not isinstance(entries, list) or not entries:
            self.fail("clauses", "missing or empty")
            return []
        clauses, seen = [], set()
        for i, entry in enumerate(entries):
            path = f"clauses[{i}]"
            clause_id = self.get(entry, "id", path, "text")
            if clause_id:
                path = f"clauses[{clause_id}]"
                if clause_id in seen:
                    self.fail(path, "duplicate clause id")
                seen.add(clause_id)
            section = self.get(entry, "section", path, "text")
            if section and section not in section_ids:
                self.fail(f"{path}.section", f"no section {section!r}")
            formula = self.get(entry, "formula", path, "text")
            if formula and formula not in KINDS:
                self.fail(f"{path}.formula", f"unknown formula {formula!r}; known: {sorted(KINDS)}")
                formula = None
            for key in entry if isinstance(entry, dict) else ():
                if key not in ("id", "section", "title", "formula", "points", "text", "readings",
                               "evidence", "record_evidence", "params"):
                    self.fail(f"{path}.{key}", "unknown key")
            evidence = self.evidence_items(entry, "evidence", path)
            record_evidence = self.evidence_items(entry, "record_evidence", path)
            clause_readings = self.get(entry, "readings", path, "texts", [])
            for name in clause_readings or ():
                if name not in readings:
                    self.fail(f"{path}.readings", f"names reading {name!r}, which [readings] does not define")
            params, thresholds = self.params(entry, path, formula, {e.id for e in evidence},
                                             {e.id for e in record_evidence}, readings)
            if formula:
                self.kind_needs(KINDS[formula], path, clause_id, readings, evidence, record_evidence)
            values = (clause_id, section, self.get(entry, "title", path, "text"), formula,
                      self.get(entry, "points", path, "number"), self.get(entry, "text", path, "text"))
            if None not in values and params is not None:
                for threshold in thresholds.values():
                    if threshold.reading and threshold.reading not in (clause_readings or ()):
                        self.fail(f"{path}.readings", f"must name reading {threshold.reading!r}, which sets "
                                                      "a threshold's test (the assessor sees it beside the clause)")
                clauses.append(Clause(*values, readings=tuple(clause_readings or ()), evidence=evidence,
                                      record_evidence=record_evidence, params=MappingProxyType(params),
                                      thresholds=MappingProxyType(thresholds)))
        if not self.problems:  # a clause whose figures rest on a clause of another kind the rule set lacks
            titles = {c.id: c.title for c in clauses}
            for missing in missing_dependencies(clauses):
                self.fail(f"clauses[{missing.clause}]", render(Msg.of(
                    "rules.clause_needs_kind", clause=missing.clause, title=titles[missing.clause],
                    needed=Msg.of(f"formula.{missing.needs}"))))
        return clauses

    def kind_needs(self, kind: Kind, path: str, clause_id: str, readings: dict[str, Reading],
                   evidence: tuple[EvidenceItem, ...], record_evidence: tuple[EvidenceItem, ...]) -> None:
        """The readings the clause's formula consults, and the evidence it cannot do without."""
        for name, accepted in kind.readings.items():
            if accepted == RECORD_IDS:
                self.check_reading(readings, name, list, f"{path}.formula")
                wanted = readings[name].value if name in readings else ()
                known = {e.id for e in record_evidence}
                for item in wanted if isinstance(wanted, list) else ():
                    if item not in known:
                        self.fail(f"readings.{name}.value",
                                  f"{item!r} is not a record_evidence id of clause {clause_id}")
            else:
                self.check_reading(readings, name, accepted, f"{path}.formula")
        if kind.needs_record_evidence and not record_evidence:
            self.fail(f"{path}.record_evidence", f"the {kind.name} formula needs at least one record_evidence item")
        if kind.needs_evidence and not evidence:
            self.fail(f"{path}.evidence", f"the {kind.name} formula needs at least one evidence item")

    def params(self, entry: Any, path: str, formula: str | None, evidence_ids: set[str],
               record_evidence_ids: set[str], readings: dict[str, Reading]
               ) -> tuple[dict | None, dict[str, Threshold]]:
        table = self.get(entry, "params", path, "table", {})
        if table is None or formula is None:
            return None, {}
        spec = KINDS[formula].params
        params: dict[str, Any] = {}
        thresholds: dict[str, Threshold] = {}
        for key in table:
            if key not in spec:
                self.fail(f"{path}.params.{key}", f"unknown parameter for formula {formula!r}")
        for key, kind in spec.items():
            here = f"{path}.params"
            if kind == "ids":
                ids = self.get(table, key, here, "texts")
                for item in ids or ():
                    if item not in evidence_ids:
                        self.fail(f"{here}.{key}", f"{item!r} is not an evidence id of this clause")
                params[key] = tuple(ids or ())
            elif kind == "record_id":
                # optional: year files keep the rule set they were made with, older ones lack it
                item = self.get(table, key, here, "text", None)
                if item is not None and item not in record_evidence_ids:
                    self.fail(f"{here}.{key}", f"{item!r} is not a record_evidence id of this clause")
                params[key] = item
            elif kind == "threshold":
                threshold = self.threshold(table, key, here, readings)
                params[key] = None if threshold is None else threshold.value
                if threshold is not None:
                    thresholds[key] = threshold
            elif kind == "curve":
                params[key] = self.get(table, key, here, "text")
                if params[key] is not None and params[key] not in CURVES:
                    self.fail(f"{here}.{key}", f"must be one of {sorted(CURVES)}, found {params[key]!r}")
            else:
                params[key] = self.get(table, key, here, kind)
        return params, thresholds

    def negative(self, table: Any, unit_kinds: Mapping[str, str], readings: dict[str, Reading]) -> Negative | None:
        path = "negative"
        if not isinstance(table, dict):
            self.fail(path, "missing or not a table")
            return None
        deductions = []
        for i, entry in enumerate(self.get(table, "deductions", path, "list", []) or []):
            here = f"{path}.deductions[{i}]"
            fact = self.get(entry, "fact", here, "text")
            if fact and fact not in NEGATIVE_COUNTS:
                self.fail(f"{here}.fact", f"unknown fact {fact!r}; known: {list(NEGATIVE_COUNTS)}")
            per_case = self.get(entry, "per_case", here, "number", None)
            once = self.get(entry, "once", here, "number", None)
            threshold = None
            if isinstance(entry, dict) and "threshold" in entry:
                threshold = self.threshold(entry, "threshold", here, readings)
            if (per_case is None) == (once is None):
                self.fail(here, "give exactly one of per_case or once")
            if once is not None and threshold is None:
                self.fail(f"{here}.threshold", "missing (a deduction made once needs a threshold)")
            deductions.append(Deduction(self.get(entry, "id", here, "text"), fact,
                                        self.get(entry, "text", here, "text"), per_case, threshold, once))
        vetoes = []
        for i, entry in enumerate(self.get(table, "vetoes", path, "list", []) or []):
            here = f"{path}.vetoes[{i}]"
            condition = self.get(entry, "condition", here, "text")
            if condition not in VETO_CONDITIONS:
                if condition:
                    self.fail(f"{here}.condition", f"unknown condition {condition!r}; known: {list(VETO_CONDITIONS)}")
                continue
            extra: dict[str, Any] = {}
            if condition == "flag":
                extra["fact"] = self.get(entry, "fact", here, "text")
                if extra["fact"] and extra["fact"] not in NEGATIVE_FLAGS:
                    self.fail(f"{here}.fact", f"unknown flag {extra['fact']!r}; known: {list(NEGATIVE_FLAGS)}")
            elif condition == "credit_grade":
                extra["kind"] = self.get(entry, "kind", here, "text")
                if extra["kind"] and extra["kind"] not in unit_kinds:
                    self.fail(f"{here}.kind", f"unknown unit kind {extra['kind']!r}")
                extra["grades"] = tuple(self.get(entry, "grades", here, "texts") or ())
            elif condition == "total_below":
                extra["threshold"] = self.threshold(entry, "threshold", here, readings)
            vetoes.append(Veto(self.get(entry, "id", here, "text"), condition, self.get(entry, "text", here, "text"),
                               self.get(entry, "unqualified", here, "bool"), self.get(entry, "revoked", here, "bool"),
                               **extra))
        negative_readings = tuple(self.get(table, "readings", path, "texts", []) or ())
        for name in negative_readings:
            if name not in readings:
                self.fail(f"{path}.readings", f"names reading {name!r}, which [readings] does not define")
        return Negative(self.get(table, "id", path, "text"), self.get(table, "title", path, "text"),
                        self.get(table, "text", path, "text"), self.get(table, "total_floor", path, "number"),
                        tuple(deductions), tuple(vetoes), negative_readings)

    def grades(self, table: Any, readings: dict[str, Reading]) -> GradeRules | None:
        path = "grades"
        if not isinstance(table, dict):
            self.fail(path, "missing or not a table")
            return None
        order = self.get(table, "order", path, "texts") or []
        shares = self.get(table, "quota_share", path, "table") or {}
        quota_share = {}
        for grade, share in shares.items():
            if grade not in order:
                self.fail(f"{path}.quota_share.{grade}", f"{grade!r} is not in grades.order")
            value = self.get(shares, grade, f"{path}.quota_share", "number")
            if value is not None and value > 1:
                self.fail(f"{path}.quota_share.{grade}", "a share is at most 1")
            quota_share[grade] = value
        if order and list(quota_share) != order[:len(quota_share)]:
            self.fail(f"{path}.quota_share", "quotas must be given for the best grades, in order")
        for name, accepted in GRADE_READINGS.items():
            self.check_reading(readings, name, accepted, f"{path}.readings")
        for name in ("unqualified_grade", "grade_below_quotas"):
            value = readings.get(name)
            if value is not None and value.value not in order:
                self.fail(f"readings.{name}.value", f"{value.value!r} is not in grades.order")
        # how the quotas' 不超过 is tested: the allocation knows only "at most"
        quota_test = self.get(table, "quota_test", path, "text")
        if quota_test is not None and quota_test != "<=":
            self.fail(f"{path}.quota_test", f"must be \"<=\" (a grade holds at most its quota), found {quota_test!r}")
        return GradeRules(self.get(table, "text", path, "text") or "", tuple(order),
                          MappingProxyType(quota_share),
                          tuple(self.get(table, "readings", path, "texts", []) or ()), quota_test or "<=")
