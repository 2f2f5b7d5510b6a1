"""Rule-set test cases as data: every tests/cases/<rule set id>/*.toml file holds cases of facts and the points
each clause must score under that rule set, the program's or the example (docs/rule-sets.md, "Test cases").
One test per case: the facts go through the year file's own checks (parse_year) and the whole engine (score_year).
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from core.common import tomlcache
from core.common.messages import Msg
from core.scoring.engine import score_year
from core.scoring.facts import FORMAT_NAME, FORMAT_VERSION, parse_year
from core.scoring.rules import RuleSet, load_rule_set, parse_rule_set
from tests.builders import credit_code
from tests.example_rules import RULE_SET_FILES

CASES_DIR = Path(__file__).resolve().parents[2] / "cases"
CLAUSE_FIELDS = ("points", "bonus", "deduction", "net", "rank", "ranked_among", "value", "provisional")
UNIT_FIELDS = ("total", "status", "grade", "rank", "deductions_total")
CASE_KEYS = {"name", "readings", "units", "expect", "quotas"}


def bundled_rule_sets() -> dict[str, RuleSet]:
    """The program's rule sets and the example 2023 one, by id."""
    found = {}
    for path in RULE_SET_FILES:
        rules = load_rule_set(path)
        found[rules.id] = rules
    return found


RULE_SETS = bundled_rule_sets()


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*/*.toml"))


def all_cases() -> list[Any]:
    params = []
    for path in case_files():
        data = tomlcache.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data.get("cases", [])):
            label = f"{path.parent.name}/{path.stem}[{i}] {case.get('name', '')}"
            params.append(pytest.param(path.parent.name, case, id=label))
    return params


# ------------------------------------------------------------------ the facts of a case

def middle_of(rules: RuleSet) -> dt.date:
    return rules.period_start + (rules.period_end - rules.period_start) / 2


def repeated(records: list[dict]) -> list[dict]:
    """Records with `copies = N` made N times."""
    result = []
    for record in records:
        record = dict(record)
        for _ in range(record.pop("copies", 1)):
            result.append(dict(record))
    return result


def as_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def ticks_of(rules: RuleSet, wanted: Any) -> dict[str, dict[str, bool]]:
    """A unit's clause evidence: "all" (every item of every clause ticked), or {clause = "all" | {item = bool}}."""
    if wanted == "all":
        wanted = {c.id: "all" for c in rules.clauses}
    result = {}
    for clause_id, items in wanted.items():
        ids = rules.clause(clause_id).evidence_ids
        result[clause_id] = dict.fromkeys(ids, True) if items == "all" else dict(items)
    return {cid: t for cid, t in result.items() if t}


def unit_json(rules: RuleSet, unit: dict) -> dict:
    """A case's unit in the year file's exchange format, what the case leaves out filled in (see the docs)."""
    day = middle_of(rules)
    base_ticks = rules.record_clause("bases")
    trip_ticks = rules.record_clause("trips")
    result = {"credit_code": credit_code(unit["name"]), "kinds": ["hr_service"], "new_member": False, **unit}
    bases = []
    for i, b in enumerate(repeated(unit.get("bases", [])), start=1):
        evidence = dict.fromkeys(base_ticks.record_evidence_ids if base_ticks else (), True)
        evidence.update(b.pop("evidence", {}))
        bases.append({"name": f"基地{i}", "type": "labour", "agreement_date": day, "evidence": evidence, **b})
    trips = []
    for t in repeated(unit.get("trips", [])):
        evidence = dict.fromkeys(trip_ticks.record_evidence_ids if trip_ticks else (), True)
        evidence.update(t.pop("evidence", {}))
        enterprises = t.setdefault("enterprises", 5)
        poor = t.pop("poor", 0)
        evaluations = ["差"] * poor + ["好"] * max(0, enterprises - poor)
        trips.append({"date": day, "place": "外地", "mode": "offline", "evidence": evidence,
                      "evaluations": evaluations, **t})
    deliveries = [{"date": day, "enterprise": f"企业{i}", "stars": 5, **d}
                  for i, d in enumerate(repeated(unit.get("deliveries", [])), start=1)]
    result.update(bases=bases, trips=trips, deliveries=deliveries,
                  evidence=ticks_of(rules, unit.get("evidence", {})))
    return as_json(result)


def rules_for(rule_set_id: str, readings: dict[str, Any]) -> RuleSet:
    """The bundled rule set, with the case's readings (if any) set to other values."""
    rules = RULE_SETS[rule_set_id]
    text = rules.source_text
    for name, value in readings.items():
        literal = ("true" if value else "false") if isinstance(value, bool) else \
            f'"{value}"' if isinstance(value, str) else str(value)
        text, n = re.subn(rf"(\[readings\.{re.escape(name)}\]\s*\nvalue = )([^\n]*)",
                          lambda m, literal=literal: m.group(1) + literal, text)
        assert n == 1, f"the rule set has no reading {name}"
    return rules if not readings else parse_rule_set(text, source=f"{rule_set_id} with {readings}")


def exact(value: Any) -> Any:
    """An expected number as the engine keeps it: exact (0.1 is 1/10, not the float's value; "4/3" is 4/3)."""
    if isinstance(value, float) or (isinstance(value, str) and re.fullmatch(r"-?\d+/\d+", value)):
        return Fraction(str(value))
    return value


def codes_in(values: Any) -> set[str]:
    found = set()
    for value in values:
        if isinstance(value, Msg):
            found.add(value.code)
            found |= codes_in(v for _, v in value.params)
        elif isinstance(value, (list, tuple)):
            found |= codes_in(value)
    return found


def messages_in(values: Any) -> list[Msg]:
    """Every message among the values, each followed by the messages in its parameters (a trip's verdict …)."""
    found = []
    for value in values:
        if isinstance(value, Msg):
            found.append(value)
            found += messages_in(v for _, v in value.params)
        elif isinstance(value, (list, tuple)):
            found += messages_in(value)
    return found


# ------------------------------------------------------------------ the test

@pytest.mark.parametrize(("rule_set_id", "case"), all_cases())
def test_case(rule_set_id, case):
    assert set(case) <= CASE_KEYS, f"unknown keys {set(case) - CASE_KEYS}"
    rules = rules_for(rule_set_id, case.get("readings", {}))
    data = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "year": rules.year, "rule_set": rules.id,
            "units": [unit_json(rules, u) for u in case["units"]]}
    if "quotas" in case:
        data["grade_quotas"] = case["quotas"]
    year, problems = parse_year(data, rules, source=case["name"])
    assert problems == [], "the case's facts are not a valid year"
    result = score_year(rules, year)
    assert case["expect"], "a case expects something"
    for unit_name, expected in case["expect"].items():
        unit = result.unit(unit_name)
        for key, wanted in expected.items():
            if key == "deductions":  # 五: {deduction id = points}
                found = {d.id: d.points for d in unit.deductions}
                assert {d: found[d] for d in wanted} == {d: exact(v) for d, v in wanted.items()}, unit_name
                continue
            if key in UNIT_FIELDS:
                assert getattr(unit, key) == exact(wanted), f"{unit_name} {key}"
                continue
            clause = unit.clause(key)  # a clause id
            for field, value in wanted.items():
                why = clause.explanation
                if field == "codes":  # message codes the explanation must carry
                    assert set(value) <= codes_in((why.facts, why.missing, why.steps, why.notes)), \
                        f"{unit_name} {key}"
                elif field == "no_codes":
                    assert not set(value) & codes_in((why.facts, why.missing, why.steps, why.notes)), \
                        f"{unit_name} {key}"
                elif field == "missing":  # exactly these things missing (their codes)
                    assert sorted(m.code for m in why.missing) == sorted(value), f"{unit_name} {key} missing"
                elif field == "params":  # {code = {param = value}}: the first message of that code says so
                    for code, params in value.items():
                        said = messages_in((why.facts, why.missing, why.steps, why.notes))
                        message = next(m for m in said if m.code == code)
                        for name, wanted_param in params.items():
                            got = message.param(name)
                            got = got.code if isinstance(got, Msg) else got  # a message in a message: its code
                            assert got == exact(wanted_param), f"{unit_name} {key} {code}.{name}: {got}"
                else:
                    assert field in CLAUSE_FIELDS, f"unknown expectation {field}"
                    got = getattr(clause, field)
                    if field in ("rank", "ranked_among") and value is False:  # TOML has no null: no place
                        value = None
                    assert got == exact(value), f"{unit_name} {key} {field}: {got} != {value}"
                    assert not isinstance(got, float)  # points are exact, never floats


def test_every_bundled_rule_set_s_cases_are_found():
    """Each case directory names a known rule set (a typo would silently test nothing), and the 2022 rule set
    has cases for every clause."""
    assert {p.name for p in CASES_DIR.iterdir() if p.is_dir()} <= set(RULE_SETS)
    covered = set()
    for path in (CASES_DIR / "wujiang-2022").glob("*.toml"):
        for case in tomlcache.loads(path.read_text(encoding="utf-8"))["cases"]:
            for expected in case["expect"].values():
                covered |= {key for key in expected if key not in UNIT_FIELDS and key != "deductions"}
    assert covered >= {c.id for c in RULE_SETS["wujiang-2022"].clauses}


@pytest.mark.parametrize(("expect", "message"), [
    ({"1.1": {"points": 9}}, "1.1 points: 8 != 9"),
    ({"1.1": {"codes": ["bases.out_of_period"]}}, "甲 1.1"),
    ({"total": 100}, "甲 total"),
])
def test_a_wrong_expectation_fails(expect, message):
    """The runner can fail: a case expecting what the rules do not give is caught."""
    case = {"name": "wrong", "units": [{"name": "甲", "bases": [{"copies": 2}]}], "expect": {"甲": expect}}
    with pytest.raises(AssertionError, match=message):
        test_case("wujiang-2022", case)
