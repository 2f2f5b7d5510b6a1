"""The engine follows the rule set's data, not numbers in code.

The same facts (a small year built here as exchange-format JSON, with `year` and `rule_set`
adapted) are scored under the bundled 2022 rule set and under tests/fixtures/rules-other.toml,
a copy with another id, another year and other numbers and readings everywhere. Expected
values come from an oracle written from docs/rules-2022.md that reads every number from the
parsed rule set, plus hand-computed literals for the other rule set. A hypothesis test then
edits single numbers and readings of the 2022 text at random and checks the engine still
agrees with the oracle.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import operator
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.common.credit_codes import with_check_chars
from core.scoring.engine import QUALIFIED, REVOKED, UNQUALIFIED, YearResult, score_year
from core.scoring.facts import parse_year
from core.scoring.rules import DEFAULT_RULE_SET, RuleSet, load_rule_set, parse_rule_set

OTHER_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "rules-other.toml"
TEXT_2022 = DEFAULT_RULE_SET.read_text(encoding="utf-8")
CLAUSE_IDS = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3"]


@pytest.fixture(scope="module")
def rules_2022() -> RuleSet:
    return load_rule_set()


@pytest.fixture(scope="module")
def rules_other() -> RuleSet:
    return load_rule_set(OTHER_PATH)


@pytest.fixture(scope="module", params=["2022", "other"])
def rules(request, rules_2022, rules_other) -> RuleSet:
    return rules_2022 if request.param == "2022" else rules_other


# ------------------------------------------------------------------ the facts

def uscc(n: int) -> str:
    return with_check_chars(f"91320509MA{n:06d}")


UNIT_EVIDENCE = {
    "1.3": ["annual_plan", "pre_trip_filings", "post_trip_photos"],
    "2.1": ["annex1", "annex2", "monthly_reports", "annex3", "annex4", "district_list"],
    "2.2": ["six_months_proof"],
    "3.1": ["platform_stats"],
    "3.2": ["platform_stats"],
    "4.1": ["documents", "minutes", "agreements", "rosters", "photos"],
    "4.2": ["insurer_documents"],
    "4.3": ["monthly_reports", "bases_clear", "headcounts_clear"],
}


def evidence(**unticked: list[str]) -> dict[str, dict[str, bool]]:
    """Every unit-level evidence item ticked, except those named as c1_3=[...] etc."""
    return {clause: {item: item not in unticked.get("c" + clause.replace(".", "_"), []) for item in items}
            for clause, items in UNIT_EVIDENCE.items()}


def base(name, kind, date, people, retained, seen=True):
    return {"name": name, "type": kind, "agreement_date": date, "evidence": {"agreement": seen},
            "people": people, "retained": retained}


def trip(date, mode, enterprises, evaluations, filing=True, photos=True):
    """A trip; its enterprises' evaluation forms (附件6) seen where the rule set has them (year_doc)."""
    return {"date": date, "place": "贵州省铜仁市", "mode": mode, "enterprises": enterprises,
            "evidence": {"filing": filing, "photos": photos}, "evaluations": evaluations}


def delivery(date, stars):
    return {"date": date, "enterprise": "吴江某制造企业", "stars": stars}


def year_doc(rules: RuleSet) -> dict[str, Any]:
    """Five units whose facts exercise every clause; dates follow the rule set's year."""
    y = rules.year
    jia = {  # existing member, both licences; a bit of everything
        "name": "甲", "credit_code": uscc(1), "kinds": ["hr_service", "labour_dispatch"], "new_member": False,
        "facts_final": True,
        "bases": [base("B1", "labour", f"{y}-02-01", 40, 30), base("B2", "labour", f"{y}-03-01", 20, 10),
                  base("B3", "school", f"{y}-04-01", 15, 9), base("B4", "labour", f"{y}-05-01", 5, 1, seen=False),
                  base("B5", "labour", f"{y - 1}-06-01", 10, 5), base("B6", "school", f"{y}-07-01", 0, 0)],
        "trips": [trip(f"{y}-03-10", "offline", 6, ["差", "差", "好"]), trip(f"{y}-04-10", "offline", 5, ["差"] * 5),
                  trip(f"{y}-05-10", "online", 5, []), trip(f"{y}-06-10", "online", 6, ["差"]),
                  trip(f"{y}-07-10", "offline", 4, ["差"] * 4), trip(f"{y}-08-10", "offline", 7, [], photos=False),
                  trip(f"{y - 1}-11-20", "offline", 8, ["差"] * 3)],  # before the period: never counts
        "evidence": evidence(c4_1=["photos"]),
        "deliveries": [delivery(f"{y}-0{m}-01", s) for m, s in zip(range(1, 9), [5, 5, 5, 4, 4, 3, 3, 2])]
        + [delivery(f"{y - 1}-12-15", 5)],
        "platform_rating": 4.5, "insured_workers": 34,
        "negative": {"individual_disputes_lost": 1, "complaints": 3},
    }
    yi = {  # new member with a base signed the year before
        "name": "乙", "credit_code": uscc(2), "kinds": ["hr_service"], "new_member": True, "facts_final": True,
        "bases": [base("Q1", "labour", f"{y}-03-01", 30, 20), base("Q2", "labour", f"{y - 1}-11-01", 30, 25),
                  base("Q3", "school", f"{y}-06-01", 10, 4)],
        "evidence": evidence(c1_3=["post_trip_photos"]),
        "deliveries": [delivery(f"{y}-05-0{d}", 4) for d in range(1, 5)], "platform_rating": 4.5,
        "insured_workers": 20,
    }
    bing = {  # labour-dispatch unit with credit grade C
        "name": "丙", "credit_code": uscc(3), "kinds": ["labour_dispatch"], "new_member": False, "facts_final": True,
        "bases": [base("R1", "labour", f"{y}-01-05", 40, 20), base("R2", "labour", f"{y}-02-05", 10, 5),
                  base("R3", "labour", f"{y}-03-05", 10, 5)],
        "trips": [trip(f"{y}-03-10", "offline", 5, []), trip(f"{y}-09-10", "offline", 5, [])],
        "evidence": evidence(), "deliveries": [delivery(f"{y}-05-01", 3), delivery(f"{y}-06-01", 3)],
        "platform_rating": 3.8, "insured_workers": 30, "negative": {"credit_grades": {"labour_dispatch": "C"}},
    }
    ding = {  # total between the two rule sets' total_below thresholds
        "name": "丁", "credit_code": uscc(4), "kinds": ["hr_service"], "new_member": False, "facts_final": True,
        "bases": [base("S1", "labour", f"{y}-04-04", 55, 25)], "evidence": evidence(), "insured_workers": 0,
        "deliveries": [delivery(f"{y}-06-0{d}", 4) for d in range(1, 4)],
    }
    wu = {  # ties 甲 on 2.1
        "name": "戊", "credit_code": uscc(5), "kinds": ["hr_service"], "new_member": False, "facts_final": True,
        "bases": [base("T1", "labour", f"{y}-04-04", 90, 45)], "evidence": evidence(), "platform_rating": 4.0,
        "insured_workers": 45, "deliveries": [delivery(f"{y}-05-01", 4)],
    }
    forms = rules.clause("1.2").params.get("evaluations_evidence")
    for unit in (jia, yi, bing, ding, wu):
        for t in unit.get("trips", []) if forms else ():
            t["evidence"][forms] = True
    return {"format": "leye-wujiang-year", "format_version": 1, "year": y, "rule_set": rules.id,
            "units": [jia, yi, bing, ding, wu]}


def scored(rules: RuleSet, doc: dict[str, Any]) -> YearResult:
    year, problems = parse_year(doc, rules)
    assert problems == [], [p.text() for p in problems]
    return score_year(rules, year)


# ------------------------------------------------------------------ the oracle (docs/rules-2022.md)

# The oracle's own reading of a threshold's comparison (the engine's is core.scoring.rules.Threshold.passes).
OPERATORS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
TEST_NAMES = tuple(OPERATORS)


def passes(clause, key: str, value) -> bool:
    threshold = clause.thresholds[key]
    return OPERATORS[threshold.test](value, clause.params[key])


def num(value: Any) -> Fraction:
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def capped(count: int, per_item: Fraction, cap: Fraction, bonus_per_item: Fraction,
           bonus_cap: Fraction) -> tuple[Fraction, Fraction]:
    """per_item each up to cap; each item beyond the ones the cap needs earns the bonus, up to bonus_cap."""
    needed = math.ceil(cap / per_item)
    return min(count * per_item, cap), min(max(0, count - needed) * bonus_per_item, bonus_cap)


def rank_points(values: dict[str, Fraction], tie_rule: str, top, step, floor) -> dict[str, Fraction]:
    distinct = sorted(set(values.values()), reverse=True)
    points = {}
    for name, value in values.items():
        if tie_rule == "dense":
            rank = distinct.index(value) + 1
        else:
            rank = 1 + sum(1 for v in values.values() if v > value)
        points[name] = max(floor, top - step * (rank - 1))
    return points


def oracle(rules: RuleSet, doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Clause nets, deductions, total and status of each unit, every number from `rules`."""
    c = {clause.id: clause for clause in rules.clauses}
    reading = rules.reading

    def in_period(text: str) -> bool:
        return rules.period_start <= dt.date.fromisoformat(text) <= rules.period_end

    def ticked(unit: dict, clause_id: str, item: str) -> bool:
        return unit.get("evidence", {}).get(clause_id, {}).get(item, False)

    out: dict[str, dict[str, Any]] = {}
    people: dict[str, tuple[int, int, int]] = {}  # arrivals, total N, retained S
    for u in doc["units"]:
        nets: dict[str, Fraction] = {}
        # 1.1
        p = c["1.1"].params
        n = sum(1 for b in u.get("bases", [])
                if (not reading("base_agreement_in_period") or in_period(b["agreement_date"]))
                and (not reading("base_agreement_must_be_seen") or b["evidence"].get("agreement", False)))
        nets["1.1"] = sum(capped(n, p["per_item"], c["1.1"].points, p["bonus_per_item"], p["bonus_cap"]))
        # 1.2
        p = c["1.2"].params

        def poor(t, p=p):  # an unseen evaluation form proves no 差
            forms = p.get("evaluations_evidence")
            return t.get("evaluations", []).count(p["poor_verdict"]) if not forms or t["evidence"].get(forms) else 0
        ok = [t for t in u.get("trips", []) if passes(c["1.2"], "min_enterprises", t["enterprises"])
              and (not reading("trip_in_period") or in_period(t["date"]))
              and all(t["evidence"].get(item, False) for item in reading("trip_requires_evidence"))]

        def net_with(counted):
            in_base = min(len(counted), p["base_trips"])
            points = min(in_base * p["per_item"], c["1.2"].points)
            bonus = min((len(counted) - in_base) * p["bonus_per_item"], p["bonus_cap"])
            deduction = sum((min(poor(t) * p["deduction_per_poor"], p["deduction_cap_per_trip"]) for t in counted),
                            Fraction(0))
            return points + bonus - deduction
        # most points: every choice of the trips to count, with no more online ones than allowed
        limit = min(reading("online_trips_counted"), int(p["base_trips"]))
        best = max(net_with(chosen) for size in range(len(ok) + 1) for chosen in itertools.combinations(ok, size)
                   if sum(t["mode"] == "online" for t in chosen) <= limit)
        nets["1.2"] = max(Fraction(reading("trip_clause_floor")), best)
        # 1.3, 4.3
        for clause_id in ("1.3", "4.3"):
            all_seen = all(ticked(u, clause_id, e.id) for e in c[clause_id].evidence)
            nets[clause_id] = c[clause_id].points if all_seen else Fraction(0)
        # people for 2.1, 2.2, 4.2
        sums = {"labour": [0, 0], "trainees": [0, 0], "interns": [0, 0], "unsplit": [0, 0]}
        for b in u.get("bases", []):
            if u["new_member"] and reading("new_member_bases_signed_in_period") and not in_period(b["agreement_date"]):
                continue
            people_, retained_ = b.get("people", 0), b.get("retained", 0)
            if b["type"] == "labour":
                groups = [("labour", people_, retained_)]
            elif "trainees" not in b:
                groups = [("unsplit", people_, retained_)]
            else:
                t_people = b["trainees"]
                t_retained = b.get("trainees_retained", min(retained_, t_people))
                groups = [("trainees", t_people, t_retained), ("interns", people_ - t_people, retained_ - t_retained)]
            for group, n, s in groups:
                sums[group][0] += n
                sums[group][1] += s
        params = c["2.1"].params
        needs = {"labour": params["arrivals_evidence"], "trainees": params["trainees_evidence"],
                 "interns": params["interns_evidence"],
                 "unsplit": [*params["trainees_evidence"], *params["interns_evidence"]]}
        ok = {group: all(ticked(u, "2.1", i) for i in items) for group, items in needs.items()}
        retained_ok = all(ticked(u, "2.2", i) for i in c["2.2"].params["retained_evidence"])
        arrivals = sums["labour"][0] if ok["labour"] else 0
        total = sum(sums[g][0] for g in sums if ok[g])
        retained = sum(sums[g][1] for g in sums if ok[g]) if retained_ok else 0
        people[u["name"]] = (arrivals, total, retained)
        # 3.1
        p = c["3.1"].params
        n = sum(1 for d in u.get("deliveries", [])
                if (not reading("delivery_in_period") or in_period(d["date"])) and passes(c["3.1"], "min_stars", d["stars"])
                and ticked(u, "3.1", "platform_stats"))
        nets["3.1"] = sum(capped(n, p["per_item"], c["3.1"].points, p["bonus_per_item"], p["bonus_cap"]))
        # 4.1 (no awarded score: the suggestion)
        k = sum(1 for e in c["4.1"].evidence if ticked(u, "4.1", e.id))
        nets["4.1"] = (c["4.1"].points if k == len(c["4.1"].evidence)
                       else min(k * c["4.1"].params["per_ticked_item"], c["4.1"].points))
        # 4.2
        p = c["4.2"].params
        insured = u.get("insured_workers", 0) if ticked(u, "4.2", "insurer_documents") else 0
        if arrivals == 0:
            nets["4.2"] = Fraction(0)
        elif passes(c["4.2"], "min_ratio", Fraction(insured, arrivals)):
            nets["4.2"] = c["4.2"].points
        else:
            short = (p["min_ratio"] - Fraction(insured, arrivals)) * 100
            if reading("insurance_shortfall") == "whole_points":
                short = Fraction(math.floor(short))
            nets["4.2"] = max(Fraction(0), c["4.2"].points - p["per_point_short"] * short)
        out[u["name"]] = {"nets": nets}
    # ranking clauses
    tie = reading("tie_rule")
    p = c["2.1"].params
    values = {name: Fraction(n) for name, (_, n, _) in people.items() if passes(c["2.1"], "min_people", n)}
    ranked = rank_points(values, tie, p["top"], p["step"], p["floor"])
    for name in out:
        out[name]["nets"]["2.1"] = ranked.get(name, Fraction(0))
    p = c["2.2"].params
    values = {name: Fraction(s, n) * s for name, (_, n, s) in people.items() if n and passes(c["2.2"], "min_ratio", Fraction(s, n))}
    ranked = rank_points(values, tie, p["top"], p["step"], p["floor"])
    for name in out:
        out[name]["nets"]["2.2"] = ranked.get(name, Fraction(0))
    p = c["3.2"].params
    values = {u["name"]: num(u["platform_rating"]) for u in doc["units"]
              if u.get("platform_rating") is not None and ticked(u, "3.2", "platform_stats")
              and passes(c["3.2"], "min_rating", num(u["platform_rating"]))}
    ranked = rank_points(values, tie, p["top"], p["step"], p["floor"])
    for name in out:
        out[name]["nets"]["3.2"] = ranked.get(name, Fraction(0))
    # deductions, total, status
    for u in doc["units"]:
        neg = u.get("negative", {})
        deductions = Fraction(0)
        for d in rules.negative.deductions:
            count = neg.get(d.fact, 0)
            deductions += d.per_case * count if d.per_case is not None else (d.once if OPERATORS[d.threshold.test](count, d.threshold.value) else 0)
        entry = out[u["name"]]
        entry["deductions"] = deductions
        entry["total"] = max(rules.negative.total_floor, sum(entry["nets"].values()) - deductions)
        unqualified = revoked = False
        for v in rules.negative.vetoes:
            applies = {
                "flag": lambda: bool(neg.get(v.fact, False)),
                "licence_cancelled": lambda: bool(set(neg.get("licences_cancelled", [])) & set(u["kinds"])),
                "credit_grade": lambda: v.kind in u["kinds"] and neg.get("credit_grades", {}).get(v.kind) in v.grades,
                "total_below": lambda: OPERATORS[v.threshold.test](entry["total"], v.threshold.value),
            }[v.condition]()
            if applies and v.unqualified:
                unqualified = True
                revoked = revoked or v.revoked
        entry["status"] = REVOKED if revoked else UNQUALIFIED if unqualified else QUALIFIED
    return out


def oracle_grades(rules: RuleSet, results: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Grades when no two qualified units tie (the tie reading is tested in test_grades.py)."""
    rounding = {"floor": math.floor, "ceil": math.ceil, "round": round}[rules.reading("quota_rounding")]
    qualified = sorted((n for n, r in results.items() if r["status"] == QUALIFIED), key=lambda n: -results[n]["total"])
    assert len({results[n]["total"] for n in qualified}) == len(qualified), "oracle_grades needs distinct totals"
    grades, start = {}, 0
    for grade, share in rules.grades.quota_share.items():
        count = int(rounding(share * len(results)))
        for name in qualified[start:start + count]:
            grades[name] = grade
        start += count
    for name in qualified[start:]:
        grades[name] = rules.reading("grade_below_quotas")
    for name, r in results.items():
        if r["status"] != QUALIFIED:
            grades[name] = rules.reading("unqualified_grade")
    return grades


def assert_matches_oracle(rules: RuleSet, doc: dict[str, Any], result: YearResult | None = None) -> None:
    result = result or scored(rules, doc)
    expected = oracle(rules, doc)
    assert {u.name for u in result.units} == set(expected)
    for unit in result.units:
        want = expected[unit.name]
        got = {c.clause_id: c.net for c in unit.clauses}
        assert got == want["nets"], unit.name
        assert unit.deductions_total == want["deductions"], unit.name
        assert unit.total == want["total"], unit.name
        assert unit.status == want["status"], unit.name


# ------------------------------------------------------------------ the other rule set itself

def test_other_rule_set_has_its_own_identity(rules_2022, rules_other):
    assert rules_other.id == "test-other" != rules_2022.id
    assert rules_other.year == 2023
    assert (rules_other.period_start, rules_other.period_end) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert rules_other.sha256 != rules_2022.sha256
    assert sum(s.points for s in rules_other.sections) == 100
    for section in rules_other.sections:
        assert sum(c.points for c in rules_other.clauses if c.section == section.id) == section.points


def test_other_rule_set_has_the_same_structure(rules_2022, rules_other):
    for mine, theirs in zip(rules_2022.clauses, rules_other.clauses, strict=True):
        assert (mine.id, mine.formula, mine.section) == (theirs.id, theirs.formula, theirs.section)
        assert mine.evidence_ids == theirs.evidence_ids
        assert set(mine.params) == set(theirs.params)
    assert set(rules_2022.readings) == set(rules_other.readings)


def test_other_rule_set_differs_in_every_number(rules_2022, rules_other):
    for mine, theirs in zip(rules_2022.clauses, rules_other.clauses):
        if mine.points:  # 3.2 is a pure bonus clause: 0 points in both
            assert mine.points != theirs.points, mine.id
        for key, value in mine.params.items():
            if isinstance(value, Fraction):
                assert theirs.params[key] != value, (mine.id, key)
    assert [s.points for s in rules_2022.sections] != [s.points for s in rules_other.sections]
    for mine, theirs in zip(rules_2022.negative.deductions, rules_other.negative.deductions):
        assert (mine.per_case, mine.threshold, mine.once) != (theirs.per_case, theirs.threshold, theirs.once)
    assert rules_2022.negative.vetoes[-1].threshold.value == 60 and rules_other.negative.vetoes[-1].threshold.value == 50
    for grade, share in rules_2022.grades.quota_share.items():
        assert rules_other.grades.quota_share[grade] != share or grade == "B"
    changed = {"base_agreement_must_be_seen", "online_trips_counted", "trip_requires_evidence",
               "new_member_bases_signed_in_period", "tie_rule", "insurance_shortfall", "quota_rounding",
               "rating_threshold", "months_counting"}
    for name in rules_2022.readings:
        differs = rules_2022.reading(name) != rules_other.reading(name)
        assert differs == (name in changed), name


# ------------------------------------------------------------------ the same facts, both rule sets

def test_facts_must_name_the_rule_set_they_are_scored_under(rules_2022, rules_other):
    year, problems = parse_year(year_doc(rules_2022), rules_other)
    assert year is None
    assert {(p.location, p.field, p.message.code) for p in problems} >= {
        ("$", "rule_set", "fact.rule_set_mismatch"), ("$", "year", "fact.year_mismatch")}


def test_result_names_its_rule_set(rules):
    result = scored(rules, year_doc(rules))
    assert (result.rule_set_id, result.year) == (rules.id, rules.year)
    assert result.provisional is False


def test_every_clause_total_and_status_follows_the_rule_set(rules):
    assert_matches_oracle(rules, year_doc(rules))


def test_grades_follow_the_quota_shares_and_rounding(rules):
    result = scored(rules, year_doc(rules))
    expected = oracle(rules, year_doc(rules))
    assert {u.name: u.grade for u in result.units} == oracle_grades(rules, expected)
    n = len(result.units)
    rounding = {"floor": math.floor, "ceil": math.ceil, "round": round}[rules.reading("quota_rounding")]
    assert {q.grade: q.cap for q in result.quotas} == {g: int(rounding(s * n))
                                                       for g, s in rules.grades.quota_share.items()}


# Hand-computed from tests/fixtures/rules-other.toml (see the comments for the working).
OTHER_NETS = {
    #       1.1  1.2 1.3 2.1 2.2            3.1 3.2 4.1 4.2                 4.3
    "甲": [21, 7, 4, 30, Fraction(23, 2), 19, 8, 6, Fraction(13, 5), 3],
    "乙": [10, 0, 0, 28, 12, 16, 8, 7, Fraction(7, 5), 3],
    "丙": [15, 6, 4, 26, 0, 8, 4, 7, 3, 3],
    "丁": [5, 0, 4, 24, 0, 12, 0, 7, 0, 3],
    "戊": [5, 0, 4, 30, 0, 4, 6, 7, 3, 3],
}
# 甲 1.1: 5 bases in 2023 (unseen agreements count: base_agreement_must_be_seen = false) → 15 + (5−3)×3 = 21.
# 甲 1.2: 6 trips qualify (≥3 firms, filing ticked; online_trips_counted = 2), placed for the most points:
#         the two online trips (差 0 and 1 × 2 = 2) and the clean offline one fill the 3 base slots: 9 − 2 = 7;
#         each of the three offline trips with 差 (2, 5, 4 × 2, capped at 3) would add 2 and cost 3: left out.
# 2.1 (dense, min 30, top 30, step 2, floor 6): 甲 90, 戊 90, 乙 70, 丙 60, 丁 55 → 30, 30, 28, 26, 24.
# 2.2 (min 60%, top 12, step 0.5): 乙 49/70 → 34.3, 甲 55/90 → 33.6 → 12, 11.5; 丙, 丁, 戊 at 50% or below → 0.
# 3.1: ≥3 stars: 甲 7 → 16 + 3; 丙 2 → 8; 丁 3 → 12.  3.2 (dense, ≥3.5): 4.5, 4.5, 4.0, 3.8 → 8, 8, 6, 4.
# 4.1: 甲 4 of 5 items × 1.5 = 6.  4.2 (60%, whole points × 0.1): 甲 34/75 = 45.3% → 14 points short → 2.6;
#      乙 20/60 (new member's old base counts) = 33.3% → 26 short → 1.4; 丙 30/60 = 50% → 10 short → 3.
OTHER_TOTALS = {"甲": Fraction(1051, 10), "乙": Fraction(427, 5), "丙": 76, "丁": 55, "戊": 62}
OTHER_DEDUCTIONS = {"甲": 7, "乙": 0, "丙": 0, "丁": 0, "戊": 0}  # 1 individual case × 3 + complaints ≥ 3 → 4
OTHER_STATUS = {"甲": QUALIFIED, "乙": QUALIFIED, "丙": UNQUALIFIED, "丁": QUALIFIED, "戊": QUALIFIED}
OTHER_GRADES = {"甲": "A", "乙": "B", "戊": "C", "丁": "D", "丙": "E"}  # ceil(0.2 × 5) = 1 of each

# 3.2 under 2022 (rating above 4): 甲, 乙 4.5 → 10, 10; 丙 3.8 and 戊 exactly 4.0 take no place.
# 1.2 under 2022: 甲's clean online trip and its offline one with 2 差 fill the base slots, 8 − 2 = 6; the
# offline one with 5 差 would add 4 and cost 5: left out.
TOTALS_2022 = {"甲": 104 + Fraction(197, 75), "乙": 65, "丙": 75, "丁": Fraction(113, 2), "戊": 68}
STATUS_2022 = {"甲": QUALIFIED, "乙": QUALIFIED, "丙": UNQUALIFIED, "丁": UNQUALIFIED, "戊": QUALIFIED}
GRADES_2022 = {"甲": "B", "戊": "C", "乙": "D", "丙": "E", "丁": "E"}  # floor: A 0, B 1, C 1


def test_other_rule_set_hand_computed(rules_other):
    result = scored(rules_other, year_doc(rules_other))
    for name, nets in OTHER_NETS.items():
        unit = result.unit(name)
        assert [c.net for c in unit.clauses] == nets, name
        assert unit.deductions_total == OTHER_DEDUCTIONS[name], name
        assert unit.total == OTHER_TOTALS[name], name
        assert unit.status == OTHER_STATUS[name], name
        assert unit.grade == OTHER_GRADES[name], name
    assert [u.name for u in result.units] == ["甲", "乙", "戊", "丁", "丙"]  # 丙 (不合格) after every qualified unit
    assert [u.rank for u in result.units] == [1, 2, 3, 4, 5]
    assert [(q.grade, q.cap) for q in result.quotas] == [("A", 1), ("B", 1), ("C", 1)]


def test_2022_rule_set_hand_computed(rules_2022):
    result = scored(rules_2022, year_doc(rules_2022))
    assert {u.name: u.total for u in result.units} == TOTALS_2022
    assert {u.name: u.status for u in result.units} == STATUS_2022
    assert {u.name: u.grade for u in result.units} == GRADES_2022
    rating = {u.name: u.clause("3.2") for u in result.units}
    assert [(rating[n].net, rating[n].rank) for n in ("甲", "乙", "戊")] == [(10, 1), (10, 1), (0, None)]
    assert rating["甲"].ranked_among == 2  # 戊 at exactly 4.00 is not among the ranked
    # 甲 4.2 under the continuous reading: 3 − 0.08 × (50 − 3400/75) = 3 − 0.08 × 14/3
    assert result.unit("甲").clause("4.2").net == 3 - Fraction(8, 100) * Fraction(14, 3)


def test_differences_between_the_rule_sets_follow_from_the_numbers(rules_2022, rules_other):
    old = scored(rules_2022, year_doc(rules_2022))
    new = scored(rules_other, year_doc(rules_other))
    # 1.1 for 丙 (3 bases): exactly the clause's points in each rule set
    assert old.unit("丙").clause("1.1").net == rules_2022.clause("1.1").points == 12
    assert new.unit("丙").clause("1.1").net == rules_other.clause("1.1").points == 15
    # 2.1: 甲 and 戊 tie for first; 丙 is third by competition rank, second distinct value by dense rank
    p_old, p_new = rules_2022.clause("2.1").params, rules_other.clause("2.1").params
    assert old.unit("丙").clause("2.1").net == p_old["top"] - 2 * p_old["step"] == 22
    assert new.unit("丙").clause("2.1").net == p_new["top"] - 2 * p_new["step"] == 26
    assert old.unit("乙").clause("2.1").net == 0  # 40 people < 50 (the pre-2022 base does not count)
    assert new.unit("乙").clause("2.1").net == p_new["top"] - p_new["step"]  # 70 people ≥ 30
    # 3.1: 丙's two 3-star deliveries count only where min_stars is 3
    assert old.unit("丙").clause("3.1").net == 0
    assert new.unit("丙").clause("3.1").net == 2 * rules_other.clause("3.1").params["per_item"]
    # total_below: 丁 is unqualified below 60, qualified at 55 ≥ 50
    assert old.unit("丁").status == UNQUALIFIED and new.unit("丁").status == QUALIFIED
    assert [r.veto_id for r in old.unit("丁").status_reasons] == ["total_below_60"]
    # deductions: 1 lost individual case; 3 complaints reach only the other rule set's threshold
    assert old.unit("甲").deductions_total == rules_2022.negative.deductions[1].per_case == 5
    assert new.unit("甲").deductions_total == rules_other.negative.deductions[1].per_case + \
        rules_other.negative.deductions[2].once == 7


# ------------------------------------------------------------------ one change at a time

def set_reading(text: str, name: str, value: str) -> str:
    new, count = re.subn(rf"(\[readings\.{name}\]\nvalue = ).*", lambda m: m.group(1) + value, text)
    assert count == 1, name
    return new


def set_section_points(text: str, section_id: str, points: Any) -> str:
    """`text` with one section's points changed."""
    new, count = re.subn(rf'(\[\[sections\]\]\nid = "{section_id}"\ntitle = "[^"]*"\npoints = )\S+',
                         lambda m: m.group(1) + str(points), text)
    assert count == 1, section_id
    return new


def set_param(text: str, clause_id: str, key: str, value: Any) -> str:
    """`text` with one number of one clause changed (key "points" for the clause's points)."""
    start = text.index(f'[[clauses]]\nid = "{clause_id}"')
    end = text.find("\n[", start + 1)
    block = text[start:end]
    literal = str(value)
    if key == "points":
        block, count = re.subn(r"(?m)^points = .*$", f"points = {literal}", block)
    elif f"{key} = {{ value = " in block:  # a threshold: its value changes, its comparison stays
        block, count = re.subn(rf"(?<=[{{ ]){key} = \{{ value = [^,}}]+", f"{key} = {{ value = {literal}", block)
    else:
        block, count = re.subn(rf"(?<=[{{ ]){key} = [^,}}]+", f"{key} = {literal}", block)
    assert count == 1, (clause_id, key)
    return text[:start] + block + text[end:]


SINGLE_CHANGES = [
    # (description, edit of the 2022 text, unit, clause, expected net)
    ("tie_rule dense gives 25, 25, 23.5", lambda t: set_reading(t, "tie_rule", '"dense"'), "丙", "2.1",
     Fraction(47, 2)),
    ("unseen agreements count", lambda t: set_reading(t, "base_agreement_must_be_seen", "false"), "甲", "1.1", 20),
    ("no online trip counts", lambda t: set_reading(t, "online_trips_counted", "0"), "甲", "1.2",
     4 - 2),  # the 4 − 5 trip left out
    ("whole-point insurance shortfall", lambda t: set_reading(t, "insurance_shortfall", '"whole_points"'), "甲", "4.2",
     Fraction(268, 100)),
    ("old bases of new members count", lambda t: set_reading(t, "new_member_bases_signed_in_period", "false"),
     "乙", "2.1", 22),
    ("1.1 per base 6", lambda t: set_param(t, "1.1", "per_item", 6), "甲", "1.1", 12 + 2 * 4),
    ("1.1 bonus cap 2", lambda t: set_param(t, "1.1", "bonus_cap", 2), "甲", "1.1", 12 + 2),
    ("1.2 min_enterprises 4", lambda t: set_param(t, "1.2", "min_enterprises", 4), "甲", "1.2",
     8 - 2),  # the 4 − 4 trip left out
    ("1.2 poor costs 2 each", lambda t: set_param(t, "1.2", "deduction_per_poor", 2), "甲", "1.2",
     4),  # the 4 − 4 trip left out
    ("3.1 min_stars 5", lambda t: set_param(t, "3.1", "min_stars", 5), "甲", "3.1", 15),
    ("3.1 clause points 25", lambda t: set_section_points(set_param(t, "3.1", "points", 25), "三", 25), "甲", "3.1",
     25),
    ("3.2 min rating 4.6", lambda t: set_param(t, "3.2", "min_rating", 4.6), "甲", "3.2", 0),
    ("3.2 rating at least 4.5 ranks 甲's 4.5", lambda t: set_reading(set_param(t, "3.2", "min_rating", 4.5),
                                                                     "rating_threshold", '"at_least"'), "甲", "3.2", 10),
    ("3.2 rating above 4.5 leaves 甲's 4.5 out", lambda t: set_param(t, "3.2", "min_rating", 4.5), "甲", "3.2", 0),
    ("2.1 at least 60 people ranks 丙's 60", lambda t: set_param(t, "2.1", "min_people", 60), "丙", "2.1", 22),
    ("2.1 above 60 people leaves 丙's 60 out", lambda t: t.replace('min_people = { value = 50, test = ">=" }',
                                                                   'min_people = { value = 60, test = ">" }'),
     "丙", "2.1", 0),
    ("4.1 per ticked item 3", lambda t: set_param(t, "4.1", "per_ticked_item", 3), "甲", "4.1", 10),
    ("4.2 per point 0.5", lambda t: set_param(t, "4.2", "per_point_short", 0.5), "甲", "4.2", Fraction(2, 3)),
]


@pytest.mark.parametrize("description, change, unit, clause_id, expected", SINGLE_CHANGES,
                         ids=[c[0] for c in SINGLE_CHANGES])
def test_changing_one_number_or_reading_changes_only_what_it_should(rules_2022, description, change, unit,
                                                                    clause_id, expected):
    rules = parse_rule_set(change(TEXT_2022))
    doc = year_doc(rules)
    result = scored(rules, doc)
    assert result.unit(unit).clause(clause_id).net == expected
    assert_matches_oracle(rules, doc, result)


def test_rankings_reach_the_floor_in_either_rule_set(rules):
    """Sixteen units with distinct headcounts: points fall by `step` per rank down to `floor`."""
    p = rules.clause("2.1").params
    doc = year_doc(rules)
    template = doc["units"][3]  # 丁: one labour base
    units = []
    for i in range(16):
        unit = dict(template, name=f"单位{i:02d}", credit_code=uscc(100 + i))
        people = int(p["min_people"]) + 3 * (15 - i) - 1  # the last one is one short of the threshold
        unit["bases"] = [dict(template["bases"][0], people=people, retained=people // 2)]
        units.append(unit)
    doc["units"] = units
    result = scored(rules, doc)
    points = [result.unit(f"单位{i:02d}").clause("2.1").net for i in range(16)]
    assert points[:15] == [max(p["floor"], p["top"] - p["step"] * i) for i in range(15)]
    assert points[-1] == 0
    assert points[14] == p["floor"]
    assert_matches_oracle(rules, doc, result)


# ------------------------------------------------------------------ random rule sets

def fraction_text(value: Fraction) -> str:
    return str(int(value)) if value.denominator == 1 else repr(float(value))


@st.composite
def edited_rule_sets(draw) -> str:
    halves = st.integers(0, 8).map(lambda n: Fraction(n, 2))
    text = TEXT_2022
    changes: list[tuple[str, str, Any]] = [
        ("1.1", "points", draw(st.integers(4, 16))),
        ("1.1", "per_item", draw(st.integers(1, 6))),
        ("1.1", "bonus_per_item", draw(st.integers(0, 6))),
        ("1.1", "bonus_cap", draw(st.integers(0, 15))),
        ("1.2", "per_item", draw(st.integers(1, 5))),
        ("1.2", "base_trips", draw(st.integers(1, 4))),
        ("1.2", "min_enterprises", draw(st.integers(1, 8))),
        ("1.2", "bonus_per_item", draw(st.integers(0, 5))),
        ("1.2", "bonus_cap", draw(st.integers(0, 10))),
        ("1.2", "deduction_per_poor", draw(halves)),
        ("1.2", "deduction_cap_per_trip", draw(st.integers(0, 6))),
        ("2.1", "min_people", draw(st.integers(0, 100))),
        ("2.1", "top", draw(st.integers(10, 30))),
        ("2.1", "step", draw(halves)),
        ("2.1", "floor", draw(st.integers(0, 8))),
        ("2.2", "min_ratio", draw(st.sampled_from(["0.3", "0.45", "0.5", "0.6", "0.75"]))),
        ("2.2", "top", draw(st.integers(10, 20))),
        ("2.2", "step", draw(halves)),
        ("3.1", "per_item", draw(st.integers(1, 6))),
        ("3.1", "min_stars", draw(st.integers(0, 5))),
        ("3.1", "bonus_cap", draw(st.integers(0, 10))),
        ("3.2", "min_rating", draw(st.sampled_from(["3", "3.8", "4", "4.5", "4.6"]))),
        ("3.2", "step", draw(halves)),
        ("4.1", "per_ticked_item", draw(halves)),
        ("4.2", "min_ratio", draw(st.sampled_from(["0.3", "0.5", "0.6", "0.8"]))),
        ("4.2", "per_point_short", draw(st.sampled_from(["0.05", "0.08", "0.1", "0.25"]))),
    ]
    # A valid rule set, as the rules define one: a ranking clause's points are its first place's, and a
    # section's points the sum of its clauses' (1.1's drawn points and 2.1's and 2.2's tops move 一 and 二).
    tops = {clause_id: value for clause_id, key, value in changes if key == "top"}
    changes += [("2.1", "points", tops["2.1"]), ("2.2", "points", tops["2.2"])]
    for clause_id, key, value in changes:
        text = set_param(text, clause_id, key, fraction_text(value) if isinstance(value, Fraction) else value)
    rules_points = {clause_id: value for clause_id, key, value in changes if key == "points"}
    text = set_section_points(text, "一", rules_points["1.1"] + 8 + 5)
    text = set_section_points(text, "二", rules_points["2.1"] + rules_points["2.2"])
    text = set_reading(text, "tie_rule", draw(st.sampled_from(['"competition"', '"dense"'])))
    text = set_reading(text, "rating_threshold", draw(st.sampled_from(['"above"', '"at_least"'])))
    for key in ("min_enterprises", "min_people", "min_stars"):  # any comparison the data may state
        test = draw(st.sampled_from(TEST_NAMES))
        text = re.sub(rf'({key} = \{{ value = [^,]+, test = )">="', lambda m: f'{m.group(1)}"{test}"', text)
    text = set_reading(text, "online_trips_counted", str(draw(st.integers(0, 3))))
    text = set_reading(text, "base_agreement_must_be_seen", draw(st.sampled_from(["true", "false"])))
    text = set_reading(text, "new_member_bases_signed_in_period", draw(st.sampled_from(["true", "false"])))
    text = set_reading(text, "insurance_shortfall", draw(st.sampled_from(['"continuous"', '"whole_points"'])))
    text = set_reading(text, "trip_requires_evidence",
                       draw(st.sampled_from(['["filing", "photos"]', '["filing"]', '["photos"]', "[]"])))
    text = text.replace("per_case = 10", f"per_case = {draw(st.integers(0, 12))}")
    text = text.replace('threshold = { value = 5, test = ">=" }',
                        f'threshold = {{ value = {draw(st.integers(0, 6))}, test = "{draw(st.sampled_from(TEST_NAMES))}" }}')
    text = text.replace('threshold = { value = 60, test = "<" }',
                        f'threshold = {{ value = {draw(st.integers(0, 110))}, test = "{draw(st.sampled_from(TEST_NAMES))}" }}')
    return text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_rule_sets())
def test_engine_agrees_with_the_oracle_under_random_numbers(text):
    rules = parse_rule_set(text)
    assert_matches_oracle(rules, year_doc(rules))
