"""The facts of one assessment year: immutable records, read from and written to the
exchange format (docs/dataset-format.md, resources/year.schema.json).

Reading never raises on bad input: it returns the problems found, each naming the JSON path
and the reason, and no year unless there were none.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from core.common.credit_codes import credit_code_problem
from core.common.messages import Msg, render
from core.common.problems import Problem

if TYPE_CHECKING:  # the rule set's loader knows the formulas, which read these facts
    from core.scoring.rules import RuleSet

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "resources" / "year.schema.json"
FORMAT_NAME = "leye-wujiang-year"
FORMAT_VERSION = 1
# Dates before this, or more than a year after the assessment period, are typing mistakes.
EARLIEST_DATE = dt.date(2000, 1, 1)

Ticks = Mapping[str, bool]
EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Base:
    """A unit's labour base or school cooperation base: its agreement, the people it brought and their evidence."""
    name: str
    type: str  # "labour" or "school"
    agreement_date: dt.date | None  # None (and a name of ""): not typed yet, see unfilled()
    evidence: Ticks = field(default_factory=lambda: EMPTY)
    people: int = 0  # confirmed first-time arrivals (labour) or trainees/interns (school)
    retained: int = 0  # of those, still there after six months
    region: str = ""
    # Where people/retained come from: COUNTS_BY_HAND (typed from paper) or COUNTS_FROM_ROSTERS (matched
    # from the rosters imported into the dataset, core/people/tables.py). Not part of the exchange format,
    # which carries the counts themselves.
    count_source: str = "hand"
    # Of a school base's people (and of its retained), how many are trainees (就业见习, confirmed only on the
    # district's traineeship list); the rest are interns (岗位实习). None: not told apart (a year file or an
    # exchange file from before the split), and all of them then need the evidence of both (effective_trainees).
    trainees: int | None = None
    trainees_retained: int | None = None

    def effective_trainees(self) -> tuple[int, int]:
        """(trainees, trainees retained) as scored: a split not given counts every person (and every retained)
        as a trainee, so that an older year keeps its scores; the retained trainees not given are as many of the
        retained as there are trainees."""
        trainees = self.people if self.trainees is None else min(self.trainees, self.people)
        retained = min(self.retained, trainees) if self.trainees_retained is None \
            else min(self.trainees_retained, self.retained, trainees)
        return trainees, retained


COUNTS_BY_HAND, COUNTS_FROM_ROSTERS = "hand", "roster"
COUNT_SOURCES = (COUNTS_BY_HAND, COUNTS_FROM_ROSTERS)


@dataclass(frozen=True)
class Trip:
    """A unit's recruitment trip: when, where, how, the enterprises it took, its evidence and evaluations."""
    date: dt.date | None  # None (and a place of ""): not typed yet, see unfilled()
    place: str
    mode: str  # "offline" or "online"
    enterprises: int
    evidence: Ticks = field(default_factory=lambda: EMPTY)
    evaluations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """A delivery of workers to an enterprise, with the enterprise's rating in stars."""
    date: dt.date | None  # None, "" and None: not typed yet, see unfilled()
    enterprise: str
    stars: int | None


# The facts a record needs before it can count. A record added on a clause page has none of them
# until they are typed (no placeholder a score could be taken from); the formulas do not count it
# and say which are missing.
REQUIRED_FACTS: Mapping[type, tuple[str, ...]] = MappingProxyType({
    Base: ("name", "agreement_date"), Trip: ("date", "place"), Delivery: ("date", "enterprise", "stars")})


def unfilled(record: Base | Trip | Delivery) -> tuple[str, ...]:
    """The required facts of a base, trip or delivery not typed yet (empty when it has them all)."""
    return tuple(name for name in REQUIRED_FACTS[type(record)] if getattr(record, name) in (None, ""))


def trip_label(trip: Trip) -> str:
    """A trip as the assessor names it, by date and place (either not typed yet said so)."""
    date = trip.date.isoformat() if trip.date else render(Msg.of("record.no_date"))
    return f"{date} {trip.place or render(Msg.of('record.no_place'))}"


# Where a unit's 3.1 deliveries and 3.2 composite rating come from: typed by hand, or the Labour
# Express platform's exports imported into the dataset (core/people/platform.py). Not part of the exchange
# format, which carries the figures themselves.
FIGURES_BY_HAND, FIGURES_FROM_PLATFORM = "hand", "platform"
PLATFORM_SOURCES = (FIGURES_BY_HAND, FIGURES_FROM_PLATFORM)


@dataclass(frozen=True)
class Export:
    """An imported file some of a unit's figures were taken from (the dataset fills it in)."""
    file_name: str
    imported_at: str  # ISO 8601 with its UTC offset, as the dataset stores it
    rows_naming_no_unit: int = 0  # its rows whose unit name is no unit of the year: they count for none

    @property
    def local_time(self) -> str:
        """When it was imported, in the assessor's local time, to the minute."""
        try:
            return dt.datetime.fromisoformat(self.imported_at).astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return self.imported_at


@dataclass(frozen=True)
class Negative:
    """A unit's negative facts: an incident, cancelled licences, credit grades, disputes lost and complaints."""
    major_incident: bool = False
    licences_cancelled: tuple[str, ...] = ()
    credit_grades: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    collective_disputes_lost: int = 0
    individual_disputes_lost: int = 0
    complaints: int = 0


@dataclass(frozen=True)
class Management:
    """The management points the bureau awarded a unit (None: not yet), and why."""
    awarded: Fraction | None = None
    reason: str = ""


@dataclass(frozen=True)
class Unit:
    """An operating unit's facts for the year, as scored."""
    name: str
    credit_code: str
    kinds: tuple[str, ...]
    new_member: bool = False
    facts_final: bool = False
    bases: tuple[Base, ...] = ()
    trips: tuple[Trip, ...] = ()
    evidence: Mapping[str, Ticks] = field(default_factory=lambda: EMPTY)
    deliveries: tuple[Delivery, ...] = ()
    platform_rating: Fraction | None = None
    management: Management = field(default_factory=Management)
    insured_workers: int = 0
    negative: Negative = field(default_factory=Negative)
    licence_numbers: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    contact_person: str = ""
    platform_source: str = FIGURES_BY_HAND  # PLATFORM_SOURCES: where deliveries and platform_rating come from
    deliveries_export: Export | None = None  # the platform export the deliveries were taken from
    rating_export: Export | None = None  # the platform export the rating was taken from

    def ticked(self, clause_id: str, item_id: str) -> bool:
        return bool(self.evidence.get(clause_id, EMPTY).get(item_id, False))


@dataclass(frozen=True)
class Promotion:
    """A unit's grade raised over a tie at a quota boundary, with the reason."""
    unit: str
    grade: str
    reason: str


@dataclass(frozen=True)
class Year:
    """An assessment year's facts: its units, the grade quotas in force and the promotions."""
    year: int
    rule_set: str
    units: tuple[Unit, ...]
    grade_quotas: Mapping[str, int] = field(default_factory=lambda: EMPTY)
    grade_promotions: tuple[Promotion, ...] = ()

    @property
    def all_final(self) -> bool:
        return all(unit.facts_final for unit in self.units)


# ------------------------------------------------------------------ reading

@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def schema_validator():
    """The exchange format's validator. jsonschema is imported here, not at the top: it takes
    longer to import than the rest of core, and the desktop needs it only at the first edit.
    It checks the schema with its definitions written out in place: following a $ref takes jsonschema
    longer than checking what it names (a unit's facts, which every edit checks, in 0.9 ms instead of 1.5)."""
    from jsonschema import Draft202012Validator, validators
    whole = schema()
    plain = Draft202012Validator.VALIDATORS
    valid: set[tuple[int, str]] = set()  # (a part of the schema, a value's JSON) found valid

    def checked(validator: Any, value: Any, subschema: Any, remember: bool = True, **where: Any) -> Any:
        """validator.descend(value, subschema), not descending again into an array or object found valid
        against the same part of the schema before: an edit checks its unit anew, and only the record it
        changed is new. Whether a JSON value is valid depends on nothing else (the schema has no
        unevaluatedItems, unevaluatedProperties or dynamic reference)."""
        key = None
        if remember and isinstance(value, (dict, list)):
            try:
                key = (id(subschema), json.dumps(value, sort_keys=True, ensure_ascii=False))
            except (TypeError, ValueError):  # not JSON (a caller's mistake): checked as it is
                key = None
            if key in valid:
                return
        errors = list(validator.descend(value, subschema, **where))
        if not errors and key is not None:
            if len(valid) >= _MOST_VALID_KEPT:
                valid.clear()
            valid.add(key)
        yield from errors

    def items(validator: Any, items_schema: Any, instance: Any, parent: Any) -> Any:  # Draft 2020-12's, remembering
        if items_schema is False or parent.get("prefixItems") or not validator.is_type(instance, "array"):
            yield from plain["items"](validator, items_schema, instance, parent)
            return
        for index, item in enumerate(instance):
            yield from checked(validator, item, items_schema, path=index)

    def properties(validator: Any, properties: Any, instance: Any, parent: Any) -> Any:  # the same
        if not validator.is_type(instance, "object"):
            return
        for name, subschema in properties.items():
            if name in instance:
                value = instance[name]  # a list's items are remembered one by one: not the list again
                yield from checked(validator, value, subschema, not isinstance(value, list), path=name,
                                   schema_path=name)

    remembering = validators.extend(Draft202012Validator, {"items": items, "properties": properties})
    return remembering(_refs_in_place(whole, whole["$defs"]))


_MOST_VALID_KEPT = 50_000  # valid records remembered (a year's units and records are far fewer)


def _refs_in_place(node: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with every {"$ref": "#/$defs/name", ...} replaced by the definition (and its own keys; under
    allOf where they would clash), and without $defs. The year schema's definitions refer to no circle."""
    if isinstance(node, list):
        return [_refs_in_place(v, defs) for v in node]
    if not isinstance(node, dict):
        return node
    own = {k: _refs_in_place(v, defs) for k, v in node.items() if k not in ("$ref", "$defs")}
    ref = node.get("$ref")
    if ref is None:
        return own
    if not (isinstance(ref, str) and ref.startswith("#/$defs/")):
        raise ValueError(f"the year schema refers outside its definitions: {ref!r}")
    target = _refs_in_place(defs[ref.removeprefix("#/$defs/")], defs)
    if all(target.get(k, v) == v for k, v in own.items()):
        return {**target, **own}
    return {"allOf": [target], **own}


def load_year(path: str | Path, rule_set: RuleSet) -> tuple[Year | None, list[Problem]]:
    path = Path(path)
    try:
        # utf-8-sig: Windows editors often save UTF-8 with a byte-order mark.
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return None, [Problem(path.name, "$", "", Msg.of("json.not_utf8"))]
    except json.JSONDecodeError as exc:
        return None, [Problem(path.name, f"line {exc.lineno}", "", Msg.of("json.syntax", detail=exc.msg,
                                                                         line=exc.lineno, column=exc.colno))]
    return parse_year(data, rule_set, source=path.name)


def member(key: str) -> str:
    """`.key`, or `["2.1"]` for keys that are not plain names (clause ids contain dots)."""
    return f".{key}" if key.isidentifier() else f'["{key}"]'


def json_path(parts: Iterable[Any]) -> str:
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else member(part)
    return text


def _schema_problems(data: Any, source: str, validator: Any = None) -> list[Problem]:
    problems = []
    validator = validator or schema_validator()
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        parts = list(error.absolute_path)
        kind = error.validator
        instance = error.instance
        if kind == "required":
            for key in error.validator_value:
                if isinstance(instance, dict) and key not in instance:
                    problems.append(Problem(source, json_path(parts), key, Msg.of("schema.required")))
            continue
        if kind == "additionalProperties" and isinstance(instance, dict):
            known = set(error.schema.get("properties", {}))
            pattern_keys = error.schema.get("patternProperties", {})
            for key in instance:
                if key not in known and not any(re.search(p, key) for p in pattern_keys):
                    problems.append(Problem(source, json_path(parts), key, Msg.of("schema.unknown_key")))
            continue
        field_name = str(parts.pop()) if parts and isinstance(parts[-1], str) else ""
        location = json_path(parts)
        value = json.dumps(instance, ensure_ascii=False)[:60]
        if kind == "type":
            expected = error.validator_value
            names = [Msg.of(f"type.{t}") for t in (expected if isinstance(expected, list) else [expected])]
            msg = Msg.of("schema.type", expected=names, value=value)
        elif kind in ("enum", "const"):
            allowed = error.validator_value if kind == "enum" else [error.validator_value]
            msg = Msg.of("schema.enum", allowed=[json.dumps(a, ensure_ascii=False) for a in allowed], value=value)
        elif kind in ("minimum", "maximum", "minItems", "maxLength", "minLength"):
            msg = Msg.of(f"schema.{kind}", limit=error.validator_value, value=value)
        elif kind == "pattern":
            msg = Msg.of("schema.pattern", value=value)
        elif kind == "uniqueItems":
            msg = Msg.of("schema.unique", value=value)
        else:
            msg = Msg.of("schema.other", detail=error.message)
        problems.append(Problem(source, location, field_name, msg))
    return problems


def _whole_numbers_as_int(data: Any) -> Any:
    """JSON Schema counts 20.0 as an integer; make it one, so counts are ints downstream."""
    if isinstance(data, float) and data.is_integer():
        return int(data)
    if isinstance(data, dict):
        return {k: _whole_numbers_as_int(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_whole_numbers_as_int(v) for v in data]
    return data


def parse_year(data: Any, rule_set: RuleSet, source: str = "<json>") -> tuple[Year | None, list[Problem]]:
    data = _whole_numbers_as_int(data)
    problems = _schema_problems(data, source)
    if problems:
        return None, problems
    reader = _Reader(rule_set, source)
    year = reader.year(data)
    return (year if not reader.problems else None), reader.problems


class _Reader:
    """Turns schema-valid JSON into records, checking what a schema cannot say."""

    def __init__(self, rule_set: RuleSet, source: str):
        self.rules = rule_set
        self.source = source
        self.problems: list[Problem] = []
        self.latest_date = rule_set.period_end + dt.timedelta(days=366)
        base_clause, trip_clause = rule_set.record_clause("bases"), rule_set.record_clause("trips")
        self.base_evidence = set(base_clause.record_evidence_ids) if base_clause else set()
        self.trip_evidence = set(trip_clause.record_evidence_ids) if trip_clause else set()

    def fail(self, location: str, field_name: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(self.source, location, field_name, Msg.of(code, **params)))

    def date(self, text: str | None, location: str, field_name: str) -> dt.date | None:
        if text is None:  # not typed yet
            return None
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            self.fail(location, field_name, "fact.bad_date", value=text)
            return self.rules.period_start
        if not EARLIEST_DATE <= day <= self.latest_date:
            self.fail(location, field_name, "fact.date_out_of_bounds", value=text,
                      earliest=EARLIEST_DATE.isoformat(), latest=self.latest_date.isoformat())
        return day

    def ticks(self, ticks: Mapping[str, bool], known: set[str], location: str) -> Ticks:
        for item in ticks:
            if item not in known:
                self.fail(location, item, "fact.unknown_evidence", known=sorted(known))
        return _frozen(ticks)

    def year(self, data: dict) -> Year:
        if data["rule_set"] != self.rules.id:
            self.fail("$", "rule_set", "fact.rule_set_mismatch", found=data["rule_set"], expected=self.rules.id)
        if data["year"] != self.rules.year:
            self.fail("$", "year", "fact.year_mismatch", found=data["year"], expected=self.rules.year)
        units = tuple(self.unit(u, f"$.units[{i}]") for i, u in enumerate(data["units"]))
        seen_names: dict[str, int] = {}
        seen_codes: dict[str, int] = {}
        for i, unit in enumerate(units):
            for key, seen, code in ((unit.name, seen_names, "fact.duplicate_name"),
                                    (unit.credit_code, seen_codes, "fact.duplicate_credit_code")):
                if key in seen:
                    self.fail(f"$.units[{i}]", "name" if seen is seen_names else "credit_code", code,
                              other=units[seen[key]].name)  # the unit as the assessor knows it
                seen.setdefault(key, i)
        quotas = data.get("grade_quotas", {})
        for grade in quotas:
            if grade not in self.rules.grades.quota_share:
                self.fail("$.grade_quotas", grade, "fact.unknown_quota_grade",
                          known=list(self.rules.grades.quota_share))
        caps = self.rules.quota_caps(len(units))
        for grade, count in quotas.items():
            if grade in caps and count > caps[grade]:
                self.fail("$.grade_quotas", grade, "fact.quota_above_cap", grade=grade, count=count, cap=caps[grade],
                          assessed=len(units))
        promotions = []
        for i, entry in enumerate(data.get("grade_promotions", [])):
            location = f"$.grade_promotions[{i}]"
            if entry["unit"] not in seen_names:
                self.fail(location, "unit", "fact.unknown_unit", value=entry["unit"])
            if entry["grade"] not in self.rules.grades.order:
                self.fail(location, "grade", "fact.unknown_grade", value=entry["grade"])
            promotions.append(Promotion(entry["unit"], entry["grade"], entry["reason"]))
        return Year(data["year"], data["rule_set"], units, _frozen(quotas), tuple(promotions))

    def unit(self, data: dict, location: str) -> Unit:
        problem = credit_code_problem(data["credit_code"])
        if problem is not None:
            self.fail(location, "credit_code", "fact.bad_credit_code", value=data["credit_code"], problem=problem)
        kinds = tuple(data["kinds"])
        bases = []
        for i, b in enumerate(data.get("bases", [])):
            here = f"{location}.bases[{i}]"
            people, retained = b.get("people", 0), b.get("retained", 0)
            if retained > people:
                self.fail(here, "retained", "fact.retained_exceeds_people", retained=retained, people=people)
            trainees, trainees_retained = b.get("trainees"), b.get("trainees_retained")
            if trainees is not None and trainees > people:
                self.fail(here, "trainees", "fact.trainees_exceed_people", trainees=trainees, people=people)
            elif trainees_retained is not None and trainees_retained > retained:
                self.fail(here, "trainees_retained", "fact.trainees_exceed_retained",
                          trainees=trainees_retained, retained=retained)
            elif trainees_retained is not None and trainees is not None and trainees_retained > trainees:
                self.fail(here, "trainees_retained", "fact.trainees_retained_exceed_trainees",
                          retained=trainees_retained, trainees=trainees)
            elif trainees_retained is not None and trainees is not None \
                    and retained - trainees_retained > people - trainees:
                self.fail(here, "trainees_retained", "fact.interns_retained_exceed_interns",
                          retained=retained - trainees_retained, interns=people - trainees)
            bases.append(Base(b["name"], b["type"], self.date(b["agreement_date"], here, "agreement_date"),
                              self.ticks(b.get("evidence", {}), self.base_evidence, f"{here}.evidence"),
                              people, retained, b.get("region", ""), trainees=trainees,
                              trainees_retained=trainees_retained))
        trips = []
        for i, t in enumerate(data.get("trips", [])):
            here = f"{location}.trips[{i}]"
            evaluations = tuple(t.get("evaluations", []))
            for j, verdict in enumerate(evaluations):
                if verdict not in self.rules.evaluation_verdicts:
                    self.fail(f"{here}.evaluations[{j}]", "", "fact.bad_verdict", value=verdict,
                              allowed=list(self.rules.evaluation_verdicts))
            if len(evaluations) > t["enterprises"]:
                self.fail(here, "evaluations", "fact.more_evaluations_than_enterprises",  # which trip, by its name
                          trip=f"{t.get('date') or render(Msg.of('record.no_date'))} "
                               f"{t.get('place') or render(Msg.of('record.no_place'))}",
                          evaluations=len(evaluations), enterprises=t["enterprises"])
            trips.append(Trip(self.date(t["date"], here, "date"), t["place"], t["mode"], t["enterprises"],
                              self.ticks(t.get("evidence", {}), self.trip_evidence, f"{here}.evidence"),
                              evaluations))
        evidence = {}
        clause_evidence = {c.id: set(c.evidence_ids) for c in self.rules.clauses}
        for clause_id, ticks in data.get("evidence", {}).items():
            if clause_id not in clause_evidence:
                self.fail(f"{location}.evidence", clause_id, "fact.unknown_clause", known=list(clause_evidence))
                continue
            # Clause ids contain dots, so they are quoted in paths: $.units[0].evidence["2.1"].
            evidence[clause_id] = self.ticks(ticks, clause_evidence[clause_id], f'{location}.evidence["{clause_id}"]')
        deliveries = tuple(
            Delivery(self.date(d["date"], f"{location}.deliveries[{i}]", "date"), d["enterprise"], d["stars"])
            for i, d in enumerate(data.get("deliveries", [])))
        negative_data = data.get("negative", {})
        for i, kind in enumerate(negative_data.get("licences_cancelled", [])):
            if kind not in kinds:
                self.fail(f"{location}.negative.licences_cancelled[{i}]", "", "fact.licence_not_held", kind=kind)
        for kind, grade in negative_data.get("credit_grades", {}).items():
            if kind not in kinds:
                self.fail(f"{location}.negative.credit_grades", kind, "fact.licence_not_held", kind=kind)
            if grade not in self.rules.credit_scale(kind):
                self.fail(f"{location}.negative.credit_grades", kind, "fact.bad_credit_grade", value=grade,
                          allowed=list(self.rules.credit_scale(kind)))
        negative = Negative(
            major_incident=negative_data.get("major_incident", False),
            licences_cancelled=tuple(negative_data.get("licences_cancelled", [])),
            credit_grades=_frozen(negative_data.get("credit_grades")),
            collective_disputes_lost=negative_data.get("collective_disputes_lost", 0),
            individual_disputes_lost=negative_data.get("individual_disputes_lost", 0),
            complaints=negative_data.get("complaints", 0))
        management_data = data.get("management", {})
        awarded = management_data.get("awarded")
        if awarded is not None:
            awarded = _exact(awarded)
            limit = max((c.points for c in self.rules.clauses if "management" in c.kind.facts), default=0)
            if awarded > limit:
                self.fail(f"{location}.management", "awarded", "fact.awarded_above_points", value=awarded, limit=limit)
        rating = data.get("platform_rating")
        for kind in data.get("licence_numbers", {}):
            if kind not in kinds:
                self.fail(f"{location}.licence_numbers", kind, "fact.licence_not_held", kind=kind)
        return Unit(
            name=data["name"], credit_code=data["credit_code"], kinds=kinds, new_member=data["new_member"],
            facts_final=data.get("facts_final", False), bases=tuple(bases), trips=tuple(trips),
            evidence=_frozen(evidence), deliveries=deliveries,
            platform_rating=None if rating is None else _exact(rating),
            management=Management(awarded, management_data.get("reason", "")),
            insured_workers=data.get("insured_workers", 0), negative=negative,
            licence_numbers=_frozen(data.get("licence_numbers")), contact_person=data.get("contact_person", ""))


def _exact(number: int | float) -> Fraction:
    return Fraction(str(number)) if isinstance(number, float) else Fraction(number)


# ------------------------------------------------------------------ writing

def _date_json(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _number_json(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def year_to_json(year: Year) -> dict[str, Any]:
    """The exchange-format document of a year; parse_year(year_to_json(y)) == y."""
    data: dict[str, Any] = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                            "year": year.year, "rule_set": year.rule_set}
    if year.grade_quotas:
        data["grade_quotas"] = dict(year.grade_quotas)
    if year.grade_promotions:
        data["grade_promotions"] = [{"unit": p.unit, "grade": p.grade, "reason": p.reason}
                                    for p in year.grade_promotions]
    data["units"] = [unit_to_json(u) for u in year.units]
    return data


def unit_to_json(unit: Unit) -> dict[str, Any]:
    data: dict[str, Any] = {"name": unit.name, "credit_code": unit.credit_code, "kinds": list(unit.kinds)}
    if unit.licence_numbers:
        data["licence_numbers"] = dict(unit.licence_numbers)
    if unit.contact_person:
        data["contact_person"] = unit.contact_person
    data["new_member"] = unit.new_member
    data["facts_final"] = unit.facts_final
    data["bases"] = [{"name": b.name, "type": b.type, **({"region": b.region} if b.region else {}),
                      "agreement_date": _date_json(b.agreement_date), "evidence": dict(b.evidence),
                      "people": b.people, "retained": b.retained,
                      **({"trainees": b.trainees} if b.trainees is not None else {}),
                      **({"trainees_retained": b.trainees_retained} if b.trainees_retained is not None else {})}
                     for b in unit.bases]
    data["trips"] = [{"date": _date_json(t.date), "place": t.place, "mode": t.mode,
                      "enterprises": t.enterprises, "evidence": dict(t.evidence),
                      "evaluations": list(t.evaluations)} for t in unit.trips]
    data["evidence"] = {clause: dict(ticks) for clause, ticks in unit.evidence.items()}
    data["deliveries"] = [{"date": _date_json(d.date), "enterprise": d.enterprise, "stars": d.stars}
                          for d in unit.deliveries]
    data["platform_rating"] = None if unit.platform_rating is None else _number_json(unit.platform_rating)
    management: dict[str, Any] = {"awarded": None if unit.management.awarded is None
                                  else _number_json(unit.management.awarded)}
    if unit.management.reason:
        management["reason"] = unit.management.reason
    data["management"] = management
    data["insured_workers"] = unit.insured_workers
    n = unit.negative
    data["negative"] = {"major_incident": n.major_incident, "licences_cancelled": list(n.licences_cancelled),
                        "credit_grades": dict(n.credit_grades),
                        "collective_disputes_lost": n.collective_disputes_lost,
                        "individual_disputes_lost": n.individual_disputes_lost, "complaints": n.complaints}
    return data
