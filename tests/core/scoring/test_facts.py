"""The exchange format: reading a year (schema first, then checks against the rule set), writing
it back, and the problems bad input gives — each with its exact JSON path, field and code."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.common.credit_codes import with_check_chars
from core.common.messages import catalogue, render
from core.scoring.engine import score_year
from core.scoring.facts import (
    Base,
    Delivery,
    Management,
    Negative,
    Promotion,
    Trip,
    Unit,
    Year,
    load_year,
    parse_year,
    year_to_json,
)
from core.scoring.rules import RuleSet, load_rule_set


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rule_set()


RULES = load_rule_set()  # for hypothesis tests, which cannot take function-scoped fixtures


def uscc(n: int) -> str:
    return with_check_chars(f"91320509MA{n:06d}")


def bad_check_digit(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + alphabet[(alphabet.index(code[17]) + 1) % len(alphabet)]


def header(**extra: Any) -> dict[str, Any]:
    return {"format": "leye-wujiang-year", "format_version": 1, "year": 2022, "rule_set": "wujiang-2022", **extra}


def minimal_unit(n: int = 1, **extra: Any) -> dict[str, Any]:
    return {"name": f"吴江第{n}人力资源有限公司", "credit_code": uscc(n), "kinds": ["hr_service"], "new_member": False,
            **extra}


def minimal_doc() -> dict[str, Any]:
    return header(units=[minimal_unit()])


def rich_doc() -> dict[str, Any]:
    """Every key of the format present, with non-default values: year_to_json gives it back as is."""
    return header(
        grade_quotas={"A": 0, "B": 0},
        grade_promotions=[{"unit": "苏州乙劳务派遣有限公司", "grade": "B", "reason": "并列，服务质量评价较高"}],
        units=[
            {
                "name": "吴江甲人力资源有限公司", "credit_code": uscc(11), "kinds": ["hr_service", "labour_dispatch"],
                "licence_numbers": {"hr_service": "（苏）人服证字〔2021〕第0509000123号",
                                    "labour_dispatch": "320509202100045"},
                "contact_person": "张三", "new_member": False, "facts_final": True,
                "bases": [
                    {"name": "贵州铜仁劳务基地", "type": "labour", "region": "贵州省铜仁市",
                     "agreement_date": "2022-03-15", "evidence": {"agreement": True}, "people": 48, "retained": 30},
                    {"name": "河南某职业学院", "type": "school", "agreement_date": "2021-11-02",
                     "evidence": {"agreement": False}, "people": 12, "retained": 12},
                ],
                "trips": [
                    {"date": "2022-04-08", "place": "贵州省遵义市", "mode": "offline", "enterprises": 6,
                     "evidence": {"filing": True, "photos": True}, "evaluations": ["好", "较好", "差"]},
                    {"date": "2022-06-20", "place": "线上招聘会", "mode": "online", "enterprises": 5,
                     "evidence": {"filing": True, "photos": False}, "evaluations": []},
                ],
                "evidence": {"1.3": {"annual_plan": True, "pre_trip_filings": True, "post_trip_photos": False},
                             "2.1": {"annex1": True, "annex2": True, "monthly_reports": True},
                             "4.1": {"documents": True, "minutes": False}},
                "deliveries": [{"date": "2022-05-06", "enterprise": "吴江某电子有限公司", "stars": 5},
                               {"date": "2023-01-10", "enterprise": "吴江某纺织有限公司", "stars": 3}],
                "platform_rating": 4.35,
                "management": {"awarded": 7.5, "reason": "会议纪要缺失，酌情扣分"},
                "insured_workers": 20,
                "negative": {"major_incident": False, "licences_cancelled": ["labour_dispatch"],
                             "credit_grades": {"hr_service": "B", "labour_dispatch": "C"},
                             "collective_disputes_lost": 1, "individual_disputes_lost": 2, "complaints": 6},
            },
            {
                "name": "苏州乙劳务派遣有限公司", "credit_code": uscc(12), "kinds": ["labour_dispatch"],
                "licence_numbers": {"labour_dispatch": "320509202200007"}, "contact_person": "李四",
                "new_member": True, "facts_final": False,
                "bases": [{"name": "云南昭通劳务基地", "type": "labour", "region": "云南省昭通市",
                           "agreement_date": "2022-08-01", "evidence": {"agreement": True}, "people": 0,
                           "retained": 0}],
                "trips": [], "evidence": {}, "deliveries": [], "platform_rating": 4,
                "management": {"awarded": 10}, "insured_workers": 0,
                "negative": {"major_incident": True, "licences_cancelled": [], "credit_grades": {},
                             "collective_disputes_lost": 0, "individual_disputes_lost": 0, "complaints": 0},
            },
        ],
    )


def normalised(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with every default the format implies written out, as year_to_json writes it."""
    doc = copy.deepcopy(doc)
    for key in ("grade_quotas", "grade_promotions"):
        if not doc.get(key):
            doc.pop(key, None)
    for unit in doc["units"]:
        for key in ("licence_numbers", "contact_person"):
            if not unit.get(key):
                unit.pop(key, None)
        unit.setdefault("facts_final", False)
        for b in unit.setdefault("bases", []):
            b.setdefault("evidence", {}), b.setdefault("people", 0), b.setdefault("retained", 0)
            if not b.get("region"):
                b.pop("region", None)
        for t in unit.setdefault("trips", []):
            t.setdefault("evidence", {}), t.setdefault("evaluations", [])
        unit.setdefault("evidence", {})
        unit.setdefault("deliveries", [])
        unit.setdefault("platform_rating", None)
        management = unit.setdefault("management", {})
        management.setdefault("awarded", None)
        if not management.get("reason"):
            management.pop("reason", None)
        unit.setdefault("insured_workers", 0)
        negative = unit.setdefault("negative", {})
        for key, default in (("major_incident", False), ("licences_cancelled", []), ("credit_grades", {}),
                             ("collective_disputes_lost", 0), ("individual_disputes_lost", 0), ("complaints", 0)):
            negative.setdefault(key, default)
    return doc


def parse_ok(doc: Any, rules: RuleSet) -> Year:
    year, problems = parse_year(doc, rules)
    assert problems == [], [(p.location, p.field, p.message) for p in problems]
    assert isinstance(year, Year)
    return year


def found(doc: Any, rules: RuleSet) -> list[tuple[str, str, str]]:
    year, problems = parse_year(doc, rules, source="year.json")
    assert year is None
    assert problems
    assert all(p.source == "year.json" for p in problems)
    return [(p.location, p.field, p.message.code) for p in problems]


# ------------------------------------------------------------------ valid input

def test_minimal_year_loads_with_defaults(rules):
    year = parse_ok(minimal_doc(), rules)
    assert (year.year, year.rule_set) == (2022, "wujiang-2022")
    assert dict(year.grade_quotas) == {} and year.grade_promotions == ()
    (unit,) = year.units
    assert unit == Unit(name="吴江第1人力资源有限公司", credit_code=uscc(1), kinds=("hr_service",))
    assert unit.bases == () and unit.trips == () and unit.deliveries == ()
    assert unit.platform_rating is None and unit.management == Management()
    assert unit.negative == Negative() and unit.facts_final is False
    assert year.all_final is False


def test_year_without_units_loads(rules):
    year = parse_ok(header(units=[]), rules)
    assert year.units == () and year.all_final is True


def test_rich_year_becomes_the_expected_records(rules):
    year = parse_ok(rich_doc(), rules)
    jia, yi = year.units
    assert jia.kinds == ("hr_service", "labour_dispatch")
    assert jia.bases[0] == Base("贵州铜仁劳务基地", "labour", dt.date(2022, 3, 15), {"agreement": True}, 48, 30,
                                "贵州省铜仁市")
    assert jia.trips[0] == Trip(dt.date(2022, 4, 8), "贵州省遵义市", "offline", 6, {"filing": True, "photos": True},
                                ("好", "较好", "差"))
    assert jia.deliveries[1] == Delivery(dt.date(2023, 1, 10), "吴江某纺织有限公司", 3)
    assert jia.platform_rating == Fraction(435, 100)  # exact, not the binary float
    assert jia.management == Management(Fraction(15, 2), "会议纪要缺失，酌情扣分")
    assert jia.ticked("1.3", "annual_plan") and not jia.ticked("1.3", "post_trip_photos")
    assert not jia.ticked("4.3", "monthly_reports")
    assert jia.negative.licences_cancelled == ("labour_dispatch",)
    assert dict(jia.negative.credit_grades) == {"hr_service": "B", "labour_dispatch": "C"}
    assert (jia.negative.collective_disputes_lost, jia.negative.individual_disputes_lost,
            jia.negative.complaints) == (1, 2, 6)
    assert yi.new_member and yi.negative.major_incident and yi.platform_rating == 4
    assert dict(year.grade_quotas) == {"A": 0, "B": 0}
    assert year.grade_promotions == (Promotion("苏州乙劳务派遣有限公司", "B", "并列，服务质量评价较高"),)


def test_records_are_immutable(rules):
    year = parse_ok(rich_doc(), rules)
    with pytest.raises(Exception):
        year.units[0].name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        year.units[0].evidence["1.3"]["annual_plan"] = False  # type: ignore[index]


# ------------------------------------------------------------------ round trip

def test_rich_document_round_trips_exactly(rules):
    doc = rich_doc()
    out = year_to_json(parse_ok(doc, rules))
    assert out == doc
    assert json.loads(json.dumps(out, ensure_ascii=False)) == doc


@pytest.mark.parametrize("make", [minimal_doc, rich_doc, lambda: header(units=[])],
                         ids=["minimal", "rich", "no units"])
def test_written_year_reads_back_as_the_same_records(rules, make):
    year = parse_ok(make(), rules)
    again = parse_ok(json.loads(json.dumps(year_to_json(year))), rules)
    assert again == year


def test_sparse_document_is_written_with_its_defaults(rules):
    doc = header(units=[minimal_unit(1), minimal_unit(2, bases=[{"name": "基地", "type": "school",
                                                                   "agreement_date": "2022-02-02", "region": ""}],
                                                      trips=[{"date": "2022-02-03", "place": "安徽", "mode": "online",
                                                              "enterprises": 5}],
                                                      management={"reason": ""}, contact_person="")],
                 grade_quotas={}, grade_promotions=[])
    out = year_to_json(parse_ok(doc, rules))
    assert out == normalised(doc)
    assert out["units"][0]["negative"] == {"major_incident": False, "licences_cancelled": [], "credit_grades": {},
                                           "collective_disputes_lost": 0, "individual_disputes_lost": 0,
                                           "complaints": 0}
    assert out["units"][0]["management"] == {"awarded": None}
    assert "grade_quotas" not in out and "region" not in out["units"][1]["bases"][0]


# ------------------------------------------------------------------ one problem each

def at(doc: dict, *path: Any) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def change(*path: Any, value: Any = None, delete: bool = False) -> Callable[[dict], None]:
    def apply(doc: dict) -> None:
        parent = at(doc, *path[:-1])
        if delete:
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return apply


def two_units_same(key: str) -> Callable[[dict], None]:
    def apply(doc: dict) -> None:
        doc["units"][0][key] = doc["units"][1][key]
    return apply


BAD = [
    # (name, change of rich_doc(), (location, field, code))
    ("unknown key at top level", change("colour", value="red"), ("$", "colour", "schema.unknown_key")),
    ("unknown key in a unit", change("units", 0, "colour", value=1), ("$.units[0]", "colour", "schema.unknown_key")),
    ("unknown key in a base", change("units", 0, "bases", 1, "colour", value=1),
     ("$.units[0].bases[1]", "colour", "schema.unknown_key")),
    ("unknown key in a trip", change("units", 0, "trips", 1, "colour", value=1),
     ("$.units[0].trips[1]", "colour", "schema.unknown_key")),
    ("unknown key in negative", change("units", 1, "negative", "fines", value=1),
     ("$.units[1].negative", "fines", "schema.unknown_key")),
    ("unknown licence kind in licence_numbers", change("units", 0, "licence_numbers", "bank", value="1"),
     ("$.units[0].licence_numbers", "bank", "schema.unknown_key")),
    ("grade quota key not a letter", change("grade_quotas", "AB", value=1), ("$.grade_quotas", "AB", "schema.unknown_key")),
    ("missing key at top level", change("units", delete=True), ("$", "units", "schema.required")),
    ("missing key in a unit", change("units", 1, "new_member", delete=True),
     ("$.units[1]", "new_member", "schema.required")),
    ("missing key in a base", change("units", 0, "bases", 0, "agreement_date", delete=True),
     ("$.units[0].bases[0]", "agreement_date", "schema.required")),
    ("missing key in a promotion", change("grade_promotions", 0, "reason", delete=True),
     ("$.grade_promotions[0]", "reason", "schema.required")),
    ("wrong type: boolean as text", change("units", 0, "new_member", value="yes"),
     ("$.units[0]", "new_member", "schema.type")),
    ("wrong type: count as text", change("units", 0, "bases", 0, "people", value="48"),
     ("$.units[0].bases[0]", "people", "schema.type")),
    ("wrong type: count as fraction", change("units", 0, "insured_workers", value=2.5),
     ("$.units[0]", "insured_workers", "schema.type")),
    ("wrong type: tick as text", change("units", 0, "evidence", "1.3", "annual_plan", value="是"),
     ('$.units[0].evidence["1.3"]', "annual_plan", "schema.type")),
    ("wrong type: units not a list", change("units", value={}), ("$", "units", "schema.type")),
    ("bad enum: trip mode", change("units", 0, "trips", 0, "mode", value="boat"),
     ("$.units[0].trips[0]", "mode", "schema.enum")),
    ("bad enum: base type", change("units", 0, "bases", 0, "type", value="factory"),
     ("$.units[0].bases[0]", "type", "schema.enum")),
    ("bad enum: unit kind", change("units", 1, "kinds", value=["bank"]), ("$.units[1].kinds[0]", "", "schema.enum")),
    ("wrong format name", change("format", value="excel"), ("$", "format", "schema.enum")),
    ("wrong format version", change("format_version", value=2), ("$", "format_version", "schema.enum")),
    ("stars 6", change("units", 0, "deliveries", 0, "stars", value=6),
     ("$.units[0].deliveries[0]", "stars", "schema.maximum")),
    ("platform rating above 5", change("units", 0, "platform_rating", value=5.5),
     ("$.units[0]", "platform_rating", "schema.maximum")),
    ("negative count", change("units", 0, "bases", 0, "retained", value=-1),
     ("$.units[0].bases[0]", "retained", "schema.minimum")),
    ("negative complaints", change("units", 1, "negative", "complaints", value=-2),
     ("$.units[1].negative", "complaints", "schema.minimum")),
    ("negative awarded score", change("units", 0, "management", "awarded", value=-1),
     ("$.units[0].management", "awarded", "schema.minimum")),
    ("no kinds", change("units", 1, "kinds", value=[]), ("$.units[1]", "kinds", "schema.minItems")),
    ("repeated kinds", change("units", 1, "kinds", value=["labour_dispatch", "labour_dispatch"]),
     ("$.units[1]", "kinds", "schema.unique")),
    ("empty name", change("units", 0, "name", value=""), ("$.units[0]", "name", "schema.minLength")),
    ("name too long", change("units", 0, "name", value="名" * 101), ("$.units[0]", "name", "schema.maxLength")),
    ("year before 2000", change("year", value=1999), ("$", "year", "schema.minimum")),
    ("date not YYYY-MM-DD", change("units", 0, "bases", 0, "agreement_date", value="2022/03/15"),
     ("$.units[0].bases[0]", "agreement_date", "schema.pattern")),
    ("credit code with a letter not used", change("units", 0, "credit_code", value="91320509MA1234567I"),
     ("$.units[0]", "credit_code", "schema.pattern")),
    ("bad date 2022-02-30", change("units", 0, "bases", 0, "agreement_date", value="2022-02-30"),
     ("$.units[0].bases[0]", "agreement_date", "fact.bad_date")),
    ("bad trip date", change("units", 0, "trips", 1, "date", value="2022-13-01"),
     ("$.units[0].trips[1]", "date", "fact.bad_date")),
    ("date out of bounds (1999)", change("units", 0, "deliveries", 1, "date", value="1999-05-01"),
     ("$.units[0].deliveries[1]", "date", "fact.date_out_of_bounds")),
    ("date out of bounds (after the period plus a year)", change("units", 0, "trips", 0, "date", value="2024-01-02"),
     ("$.units[0].trips[0]", "date", "fact.date_out_of_bounds")),
    ("bad credit code check digit", lambda d: d["units"][1].update(credit_code=bad_check_digit(uscc(12))),
     ("$.units[1]", "credit_code", "fact.bad_credit_code")),
    ("duplicate unit names", two_units_same("name"), ("$.units[1]", "name", "fact.duplicate_name")),
    ("duplicate credit codes", two_units_same("credit_code"), ("$.units[1]", "credit_code", "fact.duplicate_credit_code")),
    ("retained > people", change("units", 0, "bases", 0, "retained", value=49),
     ("$.units[0].bases[0]", "retained", "fact.retained_exceeds_people")),
    ("more evaluations than enterprises", change("units", 0, "trips", 1, "evaluations", value=["好"] * 6),
     ("$.units[0].trips[1]", "evaluations", "fact.more_evaluations_than_enterprises")),
    ("bad verdict", change("units", 0, "trips", 0, "evaluations", 1, value="很差"),
     ("$.units[0].trips[0].evaluations[1]", "", "fact.bad_verdict")),
    ("evidence id unknown for the clause", change("units", 0, "evidence", "1.3", "agreement", value=True),
     ('$.units[0].evidence["1.3"]', "agreement", "fact.unknown_evidence")),
    ("evidence id unknown for a base", change("units", 0, "bases", 0, "evidence", "photos", value=True),
     ("$.units[0].bases[0].evidence", "photos", "fact.unknown_evidence")),
    ("evidence id unknown for a trip", change("units", 0, "trips", 0, "evidence", "agreement", value=True),
     ("$.units[0].trips[0].evidence", "agreement", "fact.unknown_evidence")),
    ("unknown clause id in evidence", change("units", 1, "evidence", "5.1", value={"x": True}),
     ("$.units[1].evidence", "5.1", "fact.unknown_clause")),
    ("credit grade for a licence not held", change("units", 1, "negative", "credit_grades", value={"hr_service": "C"}),
     ("$.units[1].negative.credit_grades", "hr_service", "fact.licence_not_held")),
    ("cancelled licence not held", change("units", 1, "negative", "licences_cancelled", value=["hr_service"]),
     ("$.units[1].negative.licences_cancelled[0]", "", "fact.licence_not_held")),
    ("licence number for a licence not held", change("units", 1, "licence_numbers", "hr_service", value="1"),
     ("$.units[1].licence_numbers", "hr_service", "fact.licence_not_held")),
    ("credit grade not in the rule set", change("units", 0, "negative", "credit_grades", "hr_service", value="E"),
     ("$.units[0].negative.credit_grades", "hr_service", "fact.bad_credit_grade")),
    ("awarded above the clause's points", change("units", 1, "management", "awarded", value=10.5),
     ("$.units[1].management", "awarded", "fact.awarded_above_points")),
    ("grade quota above cap", change("grade_quotas", "B", value=2), ("$.grade_quotas", "B", "fact.quota_above_cap")),
    ("quota for a grade without a share", change("grade_quotas", "D", value=0),
     ("$.grade_quotas", "D", "fact.unknown_quota_grade")),
    ("promotion naming an unknown unit", change("grade_promotions", 0, "unit", value="不存在的公司"),
     ("$.grade_promotions[0]", "unit", "fact.unknown_unit")),
    ("promotion to an unknown grade", change("grade_promotions", 0, "grade", value="Z"),
     ("$.grade_promotions[0]", "grade", "fact.unknown_grade")),
    ("rule_set id mismatch", change("rule_set", value="wujiang-2023"), ("$", "rule_set", "fact.rule_set_mismatch")),
    ("year mismatch", change("year", value=2023), ("$", "year", "fact.year_mismatch")),
]


@pytest.mark.parametrize("name, mutate, expected", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gives_exactly_one_problem_at_its_path(rules, name, mutate, expected):
    doc = rich_doc()
    mutate(doc)
    assert found(doc, rules) == [expected]


@pytest.mark.parametrize("name, mutate, expected", BAD, ids=[b[0] for b in BAD])
def test_every_problem_renders_as_text_and_json(rules, name, mutate, expected):
    doc = rich_doc()
    mutate(doc)
    _, problems = parse_year(doc, rules, source="year.json")
    for problem in problems:
        assert problem.message.code in catalogue()
        text = problem.text()
        assert text.startswith(f"year.json：{problem.location}")
        assert not re.search(r"\{[a-z_]+\}", text), text
        json.dumps(problem.as_json(), ensure_ascii=False)


def test_quota_above_cap_problem_renders(rules):
    doc = rich_doc()
    doc["grade_quotas"]["B"] = 2
    _, problems = parse_year(doc, rules)
    assert "B级名额 2 超过上限 0" in problems[0].text()


def test_problem_parameters_say_what_is_wrong(rules):
    doc = rich_doc()
    doc["units"][0]["bases"][0]["retained"] = 49
    doc["units"][0]["trips"][0]["evaluations"][1] = "很差"
    doc["units"][1]["name"] = doc["units"][0]["name"]
    doc["grade_promotions"] = []
    doc["rule_set"] = "x"
    _, problems = parse_year(doc, rules)
    by_code = {p.message.code: p.message for p in problems}
    assert by_code["fact.retained_exceeds_people"].param("retained") == 49
    assert by_code["fact.retained_exceeds_people"].param("people") == 48
    assert by_code["fact.bad_verdict"].param("value") == "很差"
    assert by_code["fact.bad_verdict"].param("allowed") == ["好", "较好", "一般", "差"]
    assert by_code["fact.duplicate_name"].param("other") == doc["units"][0]["name"]  # by name, never a path
    name = doc["units"][0]["name"]
    assert render(by_code["fact.duplicate_name"]) == f"运营单位名称重复：已有一家运营单位名为“{name}”"
    assert by_code["fact.rule_set_mismatch"].param("expected") == "wujiang-2022"


def test_dates_at_the_bounds_are_accepted(rules):
    doc = rich_doc()
    doc["units"][0]["trips"][0]["date"] = "2000-01-01"
    doc["units"][0]["trips"][1]["date"] = "2024-01-01"  # period end + 366 days
    parse_ok(doc, rules)


def test_leap_day_is_a_date(rules):
    doc = rich_doc()
    doc["units"][0]["bases"][0]["agreement_date"] = "2020-02-29"
    parse_ok(doc, rules)
    doc["units"][0]["bases"][0]["agreement_date"] = "2022-02-29"
    assert found(doc, rules) == [("$.units[0].bases[0]", "agreement_date", "fact.bad_date")]


def test_input_that_is_not_an_object(rules):
    assert found([], rules) == [("$", "", "schema.type")]
    assert found("year", rules) == [("$", "", "schema.type")]


# ------------------------------------------------------------------ many problems at once

def test_many_schema_problems_are_reported_at_once(rules):
    doc = rich_doc()
    doc["colour"] = "red"
    doc["units"][0]["colour"] = 1
    doc["units"][0]["trips"][0]["mode"] = "boat"
    doc["units"][0]["deliveries"][0]["stars"] = 6
    doc["units"][0]["insured_workers"] = -1
    del doc["units"][1]["new_member"]
    doc["units"][1]["bases"][0]["people"] = "many"
    assert sorted(found(doc, rules)) == sorted([
        ("$", "colour", "schema.unknown_key"),
        ("$.units[0]", "colour", "schema.unknown_key"),
        ("$.units[0].trips[0]", "mode", "schema.enum"),
        ("$.units[0].deliveries[0]", "stars", "schema.maximum"),
        ("$.units[0]", "insured_workers", "schema.minimum"),
        ("$.units[1]", "new_member", "schema.required"),
        ("$.units[1].bases[0]", "people", "schema.type"),
    ])


def test_many_problems_found_against_the_rule_set_are_reported_at_once(rules):
    doc = rich_doc()
    doc["rule_set"] = "wujiang-2023"
    doc["units"][0]["bases"][0]["agreement_date"] = "2022-02-30"
    doc["units"][0]["bases"][1]["retained"] = 13
    doc["units"][0]["trips"][0]["evaluations"] = ["坏"] * 7
    doc["units"][0]["deliveries"][0]["date"] = "1999-01-01"
    doc["units"][0]["evidence"]["1.3"]["agreement"] = True
    doc["units"][0]["evidence"]["9.9"] = {}
    doc["units"][1]["name"] = doc["units"][0]["name"]
    doc["units"][1]["credit_code"] = bad_check_digit(uscc(12))
    doc["units"][1]["negative"]["credit_grades"] = {"hr_service": "D"}
    doc["grade_quotas"] = {"C": 9}
    doc["grade_promotions"][0]["unit"] = "不存在的公司"
    problems = found(doc, rules)
    assert sorted(problems) == sorted([
        ("$", "rule_set", "fact.rule_set_mismatch"),
        ("$.units[0].bases[0]", "agreement_date", "fact.bad_date"),
        ("$.units[0].bases[1]", "retained", "fact.retained_exceeds_people"),
        *[(f"$.units[0].trips[0].evaluations[{i}]", "", "fact.bad_verdict") for i in range(7)],
        ("$.units[0].trips[0]", "evaluations", "fact.more_evaluations_than_enterprises"),
        ("$.units[0].deliveries[0]", "date", "fact.date_out_of_bounds"),
        ('$.units[0].evidence["1.3"]', "agreement", "fact.unknown_evidence"),
        ("$.units[0].evidence", "9.9", "fact.unknown_clause"),
        ("$.units[1]", "credit_code", "fact.bad_credit_code"),
        ("$.units[1].negative.credit_grades", "hr_service", "fact.licence_not_held"),
        ("$.units[1]", "name", "fact.duplicate_name"),
        ("$.grade_quotas", "C", "fact.quota_above_cap"),
        ("$.grade_promotions[0]", "unit", "fact.unknown_unit"),
    ])


def test_rule_set_checks_wait_for_a_schema_valid_document(rules):
    """The two stages: schema problems are reported first; checks against the rule set run on a
    document the schema accepts (so the schema problem here hides the duplicate name)."""
    doc = rich_doc()
    doc["units"][1]["name"] = doc["units"][0]["name"]
    doc["units"][0]["trips"][0]["mode"] = "boat"
    assert found(doc, rules) == [("$.units[0].trips[0]", "mode", "schema.enum")]


# ------------------------------------------------------------------ files

def test_load_year_reads_a_file(tmp_path, rules):
    path = tmp_path / "2022.json"
    path.write_text(json.dumps(rich_doc(), ensure_ascii=False, indent=2), encoding="utf-8")
    year, problems = load_year(path, rules)
    assert problems == [] and year == parse_ok(rich_doc(), rules)


def test_invalid_json_syntax_names_the_line(tmp_path, rules):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "leye-wujiang-year",\n  "year": 2022,,\n}\n', encoding="utf-8")
    year, problems = load_year(path, rules)
    assert year is None
    (problem,) = problems
    assert (problem.source, problem.location, problem.field, problem.message.code) == \
        ("broken.json", "line 3", "", "json.syntax")
    assert problem.message.param("line") == 3 and problem.message.param("column") == 16
    assert "第3行" in problem.text()


def test_empty_file_is_a_syntax_problem(tmp_path, rules):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    year, problems = load_year(path, rules)
    assert year is None and [p.message.code for p in problems] == ["json.syntax"]


def test_file_that_is_not_utf8(tmp_path, rules):
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps(rich_doc(), ensure_ascii=False).encode("gbk"))
    year, problems = load_year(path, rules)
    assert year is None
    assert [(p.source, p.location, p.field, p.message.code) for p in problems] == \
        [("gbk.json", "$", "", "json.not_utf8")]
    assert problems[0].text() == "gbk.json：$：文件不是 UTF-8 编码的 JSON 文本"


def test_file_with_schema_problems_names_the_file(tmp_path, rules):
    path = tmp_path / "y.json"
    doc = rich_doc()
    doc["colour"] = 1
    path.write_text(json.dumps(doc), encoding="utf-8")
    year, problems = load_year(path, rules)
    assert year is None and [(p.source, p.field) for p in problems] == [("y.json", "colour")]


# ------------------------------------------------------------------ integer-valued numbers

@pytest.mark.parametrize("where", ["insured_workers", "people", "grade_quotas"])
def test_integer_valued_float_counts_are_read_as_integers_or_rejected(rules, where):
    doc = rich_doc()
    doc["units"][0]["evidence"]["4.2"] = {"insurer_documents": True}
    if where == "insured_workers":
        doc["units"][0]["insured_workers"] = 20.0
    elif where == "people":
        doc["units"][0]["bases"][0]["people"] = 48.0
    else:
        doc = header(units=[minimal_unit(n) for n in range(1, 11)], grade_quotas={"C": 2.0})
    year, problems = parse_year(doc, rules)
    if year is None:
        assert problems  # rejected, with a problem: acceptable
        return
    score_year(rules, year)
    unit = year.units[0]
    assert isinstance(unit.insured_workers, int)
    assert all(isinstance(b.people, int) for b in unit.bases)
    assert all(isinstance(count, int) for count in year.grade_quotas.values())


# ------------------------------------------------------------------ fuzzing

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def containers(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths of every object and array in `value`."""
    found_paths = []
    if isinstance(value, dict):
        found_paths.append(path)
        for key, child in value.items():
            found_paths += containers(child, path + (key,))
    elif isinstance(value, list):
        found_paths.append(path)
        for i, child in enumerate(value):
            found_paths += containers(child, path + (i,))
    return found_paths


@st.composite
def mutated_documents(draw) -> Any:
    doc = rich_doc()
    for _ in range(draw(st.integers(1, 4))):
        if not isinstance(doc, (dict, list)):
            break
        path = draw(st.sampled_from(containers(doc)))
        target = at(doc, *path)
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        operation = draw(st.sampled_from(["delete", "replace", "add"] if keys else ["add"]))
        if operation == "add":
            if isinstance(target, dict):
                target[draw(st.text(max_size=10))] = draw(JSON_VALUES)
            else:
                target.append(draw(JSON_VALUES))
        else:
            key = draw(st.sampled_from(keys))
            if operation == "delete":
                del target[key]
            else:
                old_type = json_type(target[key])
                target[key] = draw(JSON_VALUES.filter(lambda v: json_type(v) != old_type))
    if draw(st.integers(0, 20)) == 0:  # now and then replace the whole document
        doc = draw(JSON_VALUES)
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_parse_year_never_raises_and_returns_a_year_or_problems(doc):
    year, problems = parse_year(doc, RULES)
    assert (year is None) != (problems == []), (year, problems)
    for problem in problems:
        assert problem.location.startswith("$")
        assert problem.message.code in catalogue()
    if year is not None:
        assert parse_year(year_to_json(year), RULES) == (year, [])


# ------------------------------------------------------------------ round trip of generated years

DATES = st.dates(dt.date(2021, 6, 1), dt.date(2023, 6, 30)).map(dt.date.isoformat)
TICKS = st.dictionaries(st.sampled_from(["annual_plan", "pre_trip_filings", "post_trip_photos"]), st.booleans())


@st.composite
def valid_units(draw, n: int) -> dict[str, Any]:
    kinds = draw(st.lists(st.sampled_from(["hr_service", "labour_dispatch"]), min_size=1, max_size=2, unique=True))
    bases = []
    for i in range(draw(st.integers(0, 3))):
        people = draw(st.integers(0, 200))
        bases.append({"name": f"基地{i}", "type": draw(st.sampled_from(["labour", "school"])),
                      "agreement_date": draw(DATES), "evidence": {"agreement": draw(st.booleans())},
                      "people": people, "retained": draw(st.integers(0, people)),
                      **({"region": draw(st.text(min_size=1, max_size=5))} if draw(st.booleans()) else {})})
    trips = []
    for _ in range(draw(st.integers(0, 3))):
        enterprises = draw(st.integers(0, 8))
        trips.append({"date": draw(DATES), "place": "外地", "mode": draw(st.sampled_from(["offline", "online"])),
                      "enterprises": enterprises,
                      "evidence": draw(st.dictionaries(st.sampled_from(["filing", "photos"]), st.booleans())),
                      "evaluations": draw(st.lists(st.sampled_from(["好", "较好", "一般", "差"]),
                                                   max_size=enterprises))})
    rating = draw(st.none() | st.integers(0, 500).map(lambda r: r / 100))
    awarded = draw(st.none() | st.integers(0, 20).map(lambda a: a / 2))
    return {
        "name": f"单位{n}", "credit_code": uscc(n), "kinds": kinds, "new_member": draw(st.booleans()),
        "facts_final": draw(st.booleans()), "bases": bases, "trips": trips,
        "evidence": {"1.3": draw(TICKS)}, "deliveries": [
            {"date": draw(DATES), "enterprise": "企业", "stars": draw(st.integers(0, 5))}
            for _ in range(draw(st.integers(0, 3)))],
        "platform_rating": rating, "management": {"awarded": awarded}, "insured_workers": draw(st.integers(0, 300)),
        "negative": {"major_incident": draw(st.booleans()),
                     "licences_cancelled": draw(st.lists(st.sampled_from(kinds), unique=True)),
                     "credit_grades": {k: draw(st.sampled_from(RULES.credit_scale(k)))  # each kind's own scale
                                       for k in draw(st.lists(st.sampled_from(kinds), unique=True))},
                     "collective_disputes_lost": draw(st.integers(0, 3)),
                     "individual_disputes_lost": draw(st.integers(0, 3)), "complaints": draw(st.integers(0, 9))},
    }


@st.composite
def valid_documents(draw) -> dict[str, Any]:
    count = draw(st.integers(0, 5))
    return header(units=[draw(valid_units(i + 1)) for i in range(count)])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_documents())
def test_generated_years_round_trip(doc):
    year = parse_ok(doc, RULES)
    out = year_to_json(year)
    assert out == normalised(doc)
    assert parse_year(json.loads(json.dumps(out)), RULES) == (year, [])
    score_year(RULES, year)  # and any valid year can be scored
