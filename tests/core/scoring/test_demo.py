"""The bundled demo year (resources/demo/demo-2022.json) must exercise every clause and edge.

Each test asserts on what the engine computes from the demo, not on totals written into the file,
so a test fails as soon as an edit to the demo stops covering its case.
"""

import json
import math
import re
from fractions import Fraction
from pathlib import Path

import pytest

from core.scoring.engine import QUALIFIED, REVOKED, UNQUALIFIED, score_year
from core.scoring.facts import load_year, parse_year, year_to_json
from core.scoring.formulas import confirmed_people, management_suggestion
from core.scoring.rules import load_rule_set
from tests import cli_support

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"


@pytest.fixture(scope="module")
def rules():
    return load_rule_set()


@pytest.fixture(scope="module")
def year(rules):
    loaded, problems = load_year(DEMO, rules)
    assert problems == [], [p.text() for p in problems]
    return loaded


@pytest.fixture(scope="module")
def result(rules, year):
    return score_year(rules, year)


def clause(rules, clause_id):
    return next(c for c in rules.clauses if c.id == clause_id)


def facts_unit(year, name):
    return next(u for u in year.units if u.name == name)


def record_verdicts(clause_result, code):
    """(fact message, verdict message, reason codes) for each record fact of a clause."""
    out = []
    for fact in clause_result.explanation.facts:
        if fact.code == code:
            verdict = fact.param("verdict")
            reasons = verdict.param("reasons") if verdict.code == "verdict.not_counted_because" else []
            out.append((fact, verdict, [r.code for r in reasons]))
    return out


def step_codes(clause_result):
    return [s.code for s in clause_result.explanation.steps]


# ------------------------------------------------------------------ the file itself

def test_demo_is_a_valid_year_of_12_to_14_units(rules, year):
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    assert (data["format"], data["format_version"], data["rule_set"]) == ("leye-wujiang-year", 1, rules.id)
    assert 12 <= len(year.units) <= 14
    for unit in year.units:
        assert unit.contact_person and unit.licence_numbers and unit.bases and unit.trips and unit.deliveries
        assert set(unit.licence_numbers) == set(unit.kinds)
    # the writer gives back the same year
    again, problems = parse_year(year_to_json(year), rules)
    assert problems == [] and again == year


# ------------------------------------------------------------------ 一

def test_11_bonus_cap_unseen_agreement_and_out_of_period_bases(rules, year, result):
    c11 = clause(rules, "1.1")
    bonuses = [u.clause("1.1").bonus for u in result.units]
    assert any(0 < b < c11.params["bonus_cap"] for b in bonuses), "a unit with a few bases beyond 3"
    assert c11.params["bonus_cap"] in bonuses, "a unit exactly at the 1.1 bonus cap"
    reasons = [r for u in result.units for _, _, rs in record_verdicts(u.clause("1.1"), "bases.base") for r in rs]
    assert "evidence.not_seen" in reasons, "a base whose agreement is not ticked as seen"
    assert "bases.out_of_period" in reasons, "a base signed before the assessment year"
    assert any(m.code == "missing.record" for u in result.units for m in u.clause("1.1").explanation.missing)


def test_11_existing_member_out_of_period_base_still_brings_people(rules, year):
    cases = [u for u in year.units if not u.new_member
             and any(not rules.in_period(b.agreement_date) and b.people for b in u.bases)]
    assert cases
    for unit in cases:
        assert confirmed_people(rules, unit).total == sum(b.people for b in unit.bases)


def test_new_member_out_of_period_base_does_not_count_in_21(rules, year, result):
    cases = [u for u in year.units if u.new_member
             and any(not rules.in_period(b.agreement_date) and b.people for b in u.bases)]
    assert cases, "a new member with a base signed before the year"
    for unit in cases:
        in_year = sum(b.people for b in unit.bases if rules.in_period(b.agreement_date))
        c21 = result.unit(unit.name).clause("2.1")
        assert c21.value == in_year < sum(b.people for b in unit.bases)
        assert any(f.param("verdict").code == "people.base_not_this_year"
                   for f in c21.explanation.facts if f.code in ("people.base", "people.base_typed"))


def test_12_online_limit_few_enterprises_unseen_filing(rules, result):
    online_counted = online_refused = False
    reasons = set()
    for unit in result.units:
        trips = record_verdicts(unit.clause("1.2"), "trips.trip")
        online = [(v, rs) for f, v, rs in trips if f.param("mode") == rules.trip_modes["online"]]
        if any(v.code == "verdict.counted" for v, _ in online) and any(
                "trips.online_beyond_limit" in rs for _, rs in online):
            online_counted = online_refused = True
        reasons.update(r for _, _, rs in trips for r in rs)
    assert online_counted and online_refused, "one unit: one online trip counted, a second one not"
    assert "trips.too_few_enterprises" in reasons
    assert "evidence.not_seen" in reasons, "a trip whose filing form was not seen"


def test_12_poor_verdicts_cap_bonus(rules, result):
    c12 = clause(rules, "1.2")
    cap, per_poor = c12.params["deduction_cap_per_trip"], c12.params["deduction_per_poor"]
    trips = [(f, v) for u in result.units for f, v, _ in record_verdicts(u.clause("1.2"), "trips.trip")]
    counted = [f for f, v in trips if v.code == "verdict.counted"]
    assert any(0 < f.param("deduction") < cap for f in counted), "a counted trip with a few 差"
    left_out = [(f, r) for f, v in trips if v.code != "verdict.counted" for r in v.param("reasons")]
    assert any(f.param("poor") * per_poor > cap and r.code == "trips.no_gain" and r.param("deduction") == cap
               for f, r in left_out), "a trip with 6+ 差 would cost only the cap, more than it adds: left out"
    assert any(r.code == "trips.nothing_to_add" for _, r in left_out), "a trip beyond both caps left out for its 差"
    assert any(f.param("poor") and f.param("deduction") == 0 for f, v in trips if v.code != "verdict.counted"), \
        "a trip that does not count does not deduct either"
    bonuses = [u.clause("1.2").bonus for u in result.units]
    assert any(0 < b < c12.params["bonus_cap"] for b in bonuses)
    assert c12.params["bonus_cap"] in bonuses
    assert any(u.clause("1.2").deduction > 0 and u.clause("1.2").net < u.clause("1.2").points
               for u in result.units)


@pytest.mark.parametrize("clause_id", ["1.3", "4.3"])
def test_all_evidence_clauses_complete_and_incomplete(rules, result, clause_id):
    nets = {u.clause(clause_id).net for u in result.units}
    assert nets == {0, clause(rules, clause_id).points}


# ------------------------------------------------------------------ 二

def test_21_threshold_exact_50_tie_and_competition_ranking(rules, result):
    c21 = clause(rules, "2.1")
    p = c21.params
    ranked = [u.clause("2.1") for u in result.units if u.clause("2.1").rank is not None]
    assert len(ranked) >= 10
    assert any(c.value == p["min_people"] for c in ranked), "a unit with exactly the minimum"
    assert any(0 < u.clause("2.1").value < p["min_people"] and u.clause("2.1").net == 0 for u in result.units)
    values = sorted((c.value for c in ranked), reverse=True)
    tied = [v for v in set(values) if values.count(v) > 1]
    assert tied, "two qualifying units with the same headcount"
    for v in tied:
        tie_rank = 1 + sum(1 for x in values if x > v)
        after = [c for c in ranked if c.value < v]
        assert {c.rank for c in ranked if c.value == v} == {tie_rank}
        if after:
            next_one = max(after, key=lambda c: c.value)
            assert next_one.rank == tie_rank + values.count(v)  # competition, not dense
            assert next_one.net == max(p["floor"], p["top"] - p["step"] * (next_one.rank - 1))
    # with at most 14 units 2.1's floor (rank 15+) cannot bite; every ranked unit earns at least it
    assert all(c.net >= p["floor"] for c in ranked)


def test_22_exact_half_below_half_floor_and_a_different_leader(rules, year, result):
    p = clause(rules, "2.2").params
    ratios = {}
    for unit in year.units:
        people = confirmed_people(rules, unit)
        if people.total:
            ratios[unit.name] = Fraction(people.retained, people.total)
    half = [n for n, r in ratios.items() if r == p["min_ratio"]]
    assert half and all(result.unit(n).clause("2.2").rank is not None for n in half)
    below = [n for n, r in ratios.items() if 0 < r < p["min_ratio"]]
    assert below and all(result.unit(n).clause("2.2").net == 0 for n in below)
    clamped = [u for u in result.units if u.clause("2.2").rank is not None
               and p["top"] - p["step"] * (u.clause("2.2").rank - 1) < p["floor"]]
    assert clamped and all(u.clause("2.2").net == p["floor"] for u in clamped), "2.2's floor bites"
    leader = next(u for u in result.units if u.clause("2.2").rank == 1)
    assert leader.clause("2.2").net == p["top"]
    assert leader.clause("2.1").rank is None, "the 2.2 leader does not qualify in 2.1"
    leader_21 = next(u for u in result.units if u.clause("2.1").rank == 1)
    assert leader_21.name != leader.name


def test_21_school_bases_with_and_without_their_trainees_told_apart(rules, year):
    """Bases that tell trainees from interns (one of interns only), and one that does not, waiting for the
    district's traineeship list: all its people wait with it, as before the split."""
    school = [(unit, b) for unit in year.units for b in unit.bases if b.type == "school" and b.people]
    split = [b for _, b in school if b.trainees is not None]
    assert any(b.trainees and b.trainees < b.people for b in split) and any(b.trainees == 0 for b in split)
    waiting = [(unit, b) for unit, b in school if b.trainees is None
               and not unit.evidence.get("2.1", {}).get("district_list", False)]
    assert waiting
    for unit, _ in waiting:
        verdicts = {m.param("verdict").code for m in confirmed_people(rules, unit).facts}
        assert "people.base_unsplit_unconfirmed" in verdicts


# ------------------------------------------------------------------ 三

def test_31_low_stars_out_of_period_bonus_and_cap(rules, result):
    p = clause(rules, "3.1").params
    reasons = {r for u in result.units for _, _, rs in record_verdicts(u.clause("3.1"), "deliveries.delivery")
               for r in rs}
    assert {"deliveries.low_stars", "deliveries.out_of_period"} <= reasons
    bonuses = [u.clause("3.1").bonus for u in result.units]
    assert any(0 < b < p["bonus_cap"] for b in bonuses)
    capped = [u for u in result.units if u.clause("3.1").bonus == p["bonus_cap"]]
    assert capped
    needed = math.ceil(clause(rules, "3.1").points / p["per_item"])
    for unit in capped:
        counted = sum(1 for _, v, _ in record_verdicts(unit.clause("3.1"), "deliveries.delivery")
                      if v.code == "verdict.counted")
        assert (counted - needed) * p["bonus_per_item"] > p["bonus_cap"], "more deliveries than the cap pays"


def test_32_low_rating_tie_and_missing(rules, year, result):
    p = clause(rules, "3.2").params
    low = [u for u in year.units if u.platform_rating is not None and u.platform_rating < p["min_rating"]]
    assert low and all(result.unit(u.name).clause("3.2").bonus == 0 for u in low)
    assert any(u.platform_rating is None and "rating.none" in step_codes(result.unit(u.name).clause("3.2"))
               for u in year.units)
    ranked = [u.clause("3.2") for u in result.units if u.clause("3.2").rank is not None]
    values = [c.value for c in ranked]
    tied = [c for c in ranked if values.count(c.value) > 1]
    assert len(tied) >= 2, "two ranked units with the same rating"
    assert len({c.rank for c in tied}) == 1 and len({c.bonus for c in tied}) == 1


# ------------------------------------------------------------------ 四

def test_41_awarded_with_and_without_reason(rules, year, result):
    c41 = clause(rules, "4.1")
    with_reason = without_reason = False
    for unit in year.units:
        awarded, suggestion = unit.management.awarded, management_suggestion(c41, unit)
        if awarded is None or awarded == suggestion:
            continue
        net = result.unit(unit.name).clause("4.1").net
        if unit.management.reason.strip():
            with_reason = True
            assert net == awarded and "management.awarded" in step_codes(result.unit(unit.name).clause("4.1"))
        else:
            without_reason = True
            assert net == suggestion and "management.no_reason" in step_codes(result.unit(unit.name).clause("4.1"))
    assert with_reason and without_reason


def test_42_exact_half_continuous_shortfall_and_no_arrivals(rules, year, result):
    c42 = clause(rules, "4.2")
    exact = shortfall = no_arrivals = False
    for unit in year.units:
        arrivals = confirmed_people(rules, unit).arrivals
        res = result.unit(unit.name).clause("4.2")
        if arrivals == 0:
            no_arrivals = no_arrivals or (res.net == 0 and "insurance.no_arrivals" in step_codes(res))
            continue
        ratio = Fraction(unit.insured_workers, arrivals)
        if ratio == c42.params["min_ratio"]:
            exact = exact or res.net == c42.points
        elif ratio < c42.params["min_ratio"]:
            short = (c42.params["min_ratio"] - ratio) * 100
            if short.denominator != 1:  # a fraction of a percentage point still costs
                shortfall = True
                assert res.net == c42.points - c42.params["per_point_short"] * short
    assert exact and shortfall and no_arrivals


# ------------------------------------------------------------------ 五, status, grades

def test_deductions(rules, year, result):
    ids = {d.id for u in result.units for d in u.deductions if d.points > 0}
    assert {"collective_dispute", "individual_dispute", "complaints"} <= ids


def test_vetoes_and_status(rules, year, result):
    by_veto = {}
    for unit in result.units:
        for reason in unit.status_reasons:
            by_veto.setdefault(reason.veto_id, set()).add(unit.name)
    assert {"dispatch_credit_c", "hr_credit_d", "total_below_60"} <= set(by_veto)
    assert all(result.unit(n).status == REVOKED for n in by_veto["hr_credit_d"])
    assert all(result.unit(n).status == UNQUALIFIED for n in by_veto["dispatch_credit_c"])
    severe = by_veto.get("major_incident", set()) | by_veto.get("licence_cancelled", set())
    assert severe and all(result.unit(n).status == REVOKED for n in severe)
    assert severe - by_veto["dispatch_credit_c"] - by_veto["hr_credit_d"] - by_veto["total_below_60"], \
        "a major incident or cancelled licence in a unit of its own"
    both = [u for u in year.units if set(u.kinds) == set(rules.unit_kinds)]
    assert both, "a unit holding both licences"
    assert all(u.grade == rules.reading("unqualified_grade") for u in result.units if u.status != QUALIFIED)


def test_grade_quotas_and_boundary_tie(rules, year, result):
    caps = rules.quota_caps(len(year.units))
    assert {q.grade: q.cap for q in result.quotas} == caps
    assert all(q.used <= q.count for q in result.quotas)
    assert result.ties, "tied totals straddling a quota boundary"
    qualified = [u for u in result.units if u.status == QUALIFIED]
    for tie in result.ties:
        totals = {result.unit(n).total for n in tie.units}
        assert totals == {tie.total} and len(tie.units) >= 2
        positions = [i for i, u in enumerate(qualified) if u.name in tie.units]
        assert positions == list(range(positions[0], positions[-1] + 1))
        upper_seats = sum(caps[g] for g in rules.grades.order[:rules.grades.order.index(tie.upper) + 1])
        assert positions[0] < upper_seats <= positions[-1], "the tie straddles the boundary"
        promoted = {p.unit for p in year.grade_promotions}
        for name in tie.units:
            expected = tie.upper if name in promoted else tie.lower
            assert result.unit(name).grade == expected
    assert year.grade_promotions, "the demo shows an accepted promotion of a tied unit"
    assert not result.rejected_promotions
    for promotion in year.grade_promotions:
        assert any(n.code == "grade.promoted" for n in result.unit(promotion.unit).grade_notes)


def test_provisional_until_all_final(year, result):
    finals = [u.facts_final for u in year.units]
    assert 0 < finals.count(False) < finals.count(True)
    assert result.provisional
    for unit in result.units:
        assert all(unit.clause(c).provisional for c in ("2.1", "2.2", "3.2"))
        assert not unit.clause("1.1").provisional


# ------------------------------------------------------------------ the command line on the demo

def run(*args):
    return cli_support.run(*args)


def test_cli_score_prints_every_unit(year):
    for args in (("score",), ("score", str(DEMO))):
        done = run(*args)
        assert done.returncode == 0, done.stderr
        for unit in year.units:
            assert unit.name in done.stdout
        assert "*" in done.stdout  # provisional ranking clauses are marked


def test_cli_json_has_every_clause_for_every_unit(rules, year):
    done = run("score", str(DEMO), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {u["name"] for u in data["units"]} == {u.name for u in year.units}
    ids = [c.id for c in rules.clauses]
    for unit in data["units"]:
        assert [c["id"] for c in unit["clauses"]] == ids
    assert data["provisional"] is True and data["ties"]


# ------------------------------------------------------------------ the example in docs/dataset-format.md

def test_documented_example_loads_and_scores_as_described(rules):
    text = (ROOT / "docs" / "dataset-format.md").read_text(encoding="utf-8")
    data = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    example, problems = parse_year(data, rules)
    assert problems == [], [p.text() for p in problems]
    unit = score_year(rules, example).units[0]
    nets = {c.clause_id: c.net for c in unit.clauses}
    assert nets == {"1.1": 4, "1.2": 7, "1.3": 5, "2.1": 25, "2.2": 15, "3.1": 5, "3.2": 10, "4.1": 9,
                    "4.2": 3 - Fraction(8, 100) * (50 - Fraction(2100, 46)), "4.3": 2}
    assert (unit.status, unit.grade) == (QUALIFIED, "D")
