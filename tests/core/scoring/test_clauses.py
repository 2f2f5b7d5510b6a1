"""Clause edges of ../shared/rules-2022.md that are more than one case of facts and points: rankings over many
units, records' explanations, the status and vetoes. The plain facts → points cases of every clause are data, in
tests/cases/wujiang-2022/ (run by tests/core/scoring/test_cases.py).

Each test asserts the numbers (points, bonus, deduction, net, rank) exactly, as Fractions, and
that the explanation carries the message code an assessor would be shown.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from core.scoring import formulas
from core.scoring.engine import QUALIFIED, REVOKED, UNQUALIFIED
from core.scoring.facts import Negative, parse_year, year_to_json
from tests.builders import (
    RULES,
    base,
    clause,
    evidence,
    make_unit,
    make_year,
    people_unit,
    score,
    strong_unit,
    trip,
)

F = Fraction


def one(unit, clause_id, rules=RULES):
    """The result of one clause for a unit scored alone in its year."""
    return clause(score(unit, rules=rules), unit.name, clause_id)


def assert_numbers(result, points, bonus=0, deduction=0, net=None):
    assert (result.points, result.bonus, result.deduction, result.net) == (
        F(points), F(bonus), F(deduction), F(points + bonus - deduction if net is None else net))
    for value in (result.points, result.bonus, result.deduction, result.net):
        assert isinstance(value, (int, Fraction)) and not isinstance(value, bool)  # exact, never float


def step(result, code):
    return next(m for m in result.explanation.steps if m.code == code)


# ====================================================================== 1.2 trips


def test_1_2_counted_trip_without_its_evaluation_forms_seen_counts_and_its_poor_wait_for_them():
    """The 差 count comes from the enterprises' forms (附件6): unseen, the trip counts, nothing is deducted for
    its 差 until the forms are seen, and the clause notes the forms for that trip (and only for counted trips),
    not as evidence whose facts score nothing."""
    unseen = trip(enterprises=6, poor=2, forms_seen=False, place="遵义")
    result = one(make_unit(trips=(trip(), unseen, trip(enterprises=3, forms_seen=False, place="毕节"))), "1.2")
    assert_numbers(result, 8, 0, 0)
    assert result.explanation.missing == ()
    (note,) = result.explanation.notes
    assert (note.code, note.param("item"), note.param("record").split()[1], note.param("poor")) \
        == ("trips.forms_unseen_poor", "企业评价表（附件6）", "遵义", 2)
    seen = one(make_unit(trips=(trip(), trip(enterprises=6, poor=2, place="遵义"))), "1.2")
    assert_numbers(seen, 8, 0, 2)
    assert seen.explanation.missing == () and seen.explanation.notes == ()


# ====================================================================== 2.1 people brought

def people_points(*units, rules=RULES):
    result = score(*units, rules=rules)
    return {u.name: (clause(result, u.name, "2.1").points, clause(result, u.name, "2.1").rank) for u in units}


def test_2_1_exactly_50_people_last_of_16_earns_the_floor():
    units = [people_unit(f"单位{i:02}", 200 - i) for i in range(15)] + [people_unit("五十", 50)]
    points = people_points(*units)
    assert points["五十"] == (F(5), 16)


def test_2_1_each_rank_costs_1_5_until_the_floor_5():
    units = [people_unit(f"单位{i:02}", 300 - 10 * i) for i in range(17)]
    points = people_points(*units)
    expected = [max(F(5), 25 - F(3, 2) * k) for k in range(17)]
    assert [points[u.name] for u in units] == [(e, k + 1) for k, e in enumerate(expected)]
    assert points["单位13"] == (F(11, 2), 14)  # rank 14: 25 - 19.5 = 5.5
    assert points["单位14"] == (F(5), 15)  # rank 15: 25 - 21 = 4 -> floor 5
    assert points["单位16"] == (F(5), 17)


# ====================================================================== 2.2 retention

def retention(*units, rules=RULES):
    result = score(*units, rules=rules)
    return {u.name: clause(result, u.name, "2.2") for u in units}


def test_2_2_each_rank_costs_1_until_the_floor_5():
    units = [people_unit(f"单位{i:02}", 100, 100 - 2 * i) for i in range(13)]
    results = retention(*units)
    assert [results[u.name].points for u in units] == [max(F(5), F(15 - k)) for k in range(13)]
    assert results["单位10"].points == 5 and results["单位11"].points == 5 and results["单位12"].rank == 13


# ====================================================================== 3.2 platform rating bonus

def rated(name, rating, ticked=True):
    return make_unit(name, platform_rating=None if rating is None else F(rating),
                     evidence=evidence(["3.2"]) if ticked else {})


def ratings(*units, rules=RULES):
    result = score(*units, rules=rules)
    return {u.name: clause(result, u.name, "3.2") for u in units}


def test_3_2_goes_into_bonus_not_points():
    result = ratings(rated("甲", "4.5"))["甲"]
    assert_numbers(result, 0, 10)
    assert result.rank == 1
    sheet = score(rated("甲", "4.5")).unit("甲")
    section = next(s for s in sheet.sections if s.id == "三")
    assert section.points == 0 and section.bonus == 10 and section.net == 10
    assert sheet.total == 10


def test_3_2_ranking_10_9_8_and_floor_0_after_10_ranks():
    units = [rated(f"单位{i:02}", F(500 - 5 * i, 100)) for i in range(13)]
    results = ratings(*units)
    assert [results[u.name].bonus for u in units] == [F(10 - k) if k < 10 else F(0) for k in range(13)]
    assert [results[u.name].rank for u in units] == list(range(1, 14))
    assert all(results[u.name].points == 0 and results[u.name].net == results[u.name].bonus for u in units)


# ====================================================================== 4.1 management

MANAGEMENT_ITEMS = RULES.clause("4.1").evidence_ids


@pytest.mark.parametrize("k", range(len(MANAGEMENT_ITEMS) + 1))
def test_4_1_k_ticked_suggests_2k(k):
    """The suggestion the page shows beside the award (the points themselves: tests/cases/wujiang-2022)."""
    unit = make_unit(evidence=evidence(only={"4.1": MANAGEMENT_ITEMS[:k]}))
    assert formulas.management_suggestion(RULES.clause("4.1"), unit) == (10 if k == len(MANAGEMENT_ITEMS) else 2 * k)


# ====================================================================== 五 status (vetoes)

def status_of(unit):
    sheet = score(unit).unit(unit.name)
    return sheet.status, {r.veto_id: r.revoked for r in sheet.status_reasons}, sheet


def test_status_strong_unit_is_qualified():
    status, reasons, sheet = status_of(strong_unit())
    assert sheet.total == 100 and status == QUALIFIED and reasons == {}


def test_veto_major_incident_unqualified_and_revoked():
    status, reasons, sheet = status_of(strong_unit(negative=Negative(major_incident=True)))
    assert status == REVOKED and reasons == {"major_incident": True}
    assert sheet.grade == "E"


@pytest.mark.parametrize("kinds, cancelled", [
    (("hr_service",), ("hr_service",)),
    (("labour_dispatch",), ("labour_dispatch",)),
    (("hr_service", "labour_dispatch"), ("labour_dispatch",)),
])
def test_veto_licence_cancelled_revokes(kinds, cancelled):
    status, reasons, sheet = status_of(strong_unit(kinds=kinds, negative=Negative(licences_cancelled=cancelled)))
    assert status == REVOKED and reasons == {"licence_cancelled": True}
    assert sheet.grade == "E"


def test_veto_dispatch_credit_c_unqualified():
    unit = strong_unit(kinds=("labour_dispatch",), negative=Negative(credit_grades={"labour_dispatch": "C"}))
    status, reasons, sheet = status_of(unit)
    assert status == UNQUALIFIED and reasons == {"dispatch_credit_c": False}
    assert sheet.grade == "E"


def test_veto_hr_credit_c_unqualified():
    status, reasons, _ = status_of(strong_unit(negative=Negative(credit_grades={"hr_service": "C"})))
    assert status == UNQUALIFIED and reasons == {"hr_credit_c": False}


def test_veto_hr_credit_d_revoked():
    status, reasons, _ = status_of(strong_unit(negative=Negative(credit_grades={"hr_service": "D"})))
    assert status == REVOKED and reasons == {"hr_credit_d": True}


@pytest.mark.parametrize("grade", ["A", "B"])
def test_credit_grades_a_and_b_are_fine(grade):
    unit = strong_unit(kinds=("hr_service", "labour_dispatch"),
                       negative=Negative(credit_grades={"hr_service": grade, "labour_dispatch": grade}))
    assert status_of(unit)[0] == QUALIFIED


def test_dispatch_credit_d_is_not_in_the_table():
    # The table has no row for a labour-dispatch credit grade D; only C is named.
    unit = strong_unit(kinds=("labour_dispatch",), negative=Negative(credit_grades={"labour_dispatch": "D"}))
    assert status_of(unit)[0] == QUALIFIED


def test_unit_with_both_licences_dispatch_c_hr_b_is_unqualified():
    unit = strong_unit(kinds=("hr_service", "labour_dispatch"),
                       negative=Negative(credit_grades={"labour_dispatch": "C", "hr_service": "B"}))
    status, reasons, _ = status_of(unit)
    assert status == UNQUALIFIED and reasons == {"dispatch_credit_c": False}


def test_unit_with_both_licences_every_check_is_made():
    unit = strong_unit(kinds=("hr_service", "labour_dispatch"),
                       negative=Negative(credit_grades={"labour_dispatch": "C", "hr_service": "D"}))
    status, reasons, _ = status_of(unit)
    assert status == REVOKED and reasons == {"dispatch_credit_c": False, "hr_credit_d": True}


def test_veto_kinds_only_apply_to_kinds_held():
    # The loader refuses a credit grade or a cancelled licence for a kind the unit does not hold ...
    unit = strong_unit(kinds=("hr_service",), negative=Negative(credit_grades={"labour_dispatch": "C"},
                                                                licences_cancelled=("labour_dispatch",)))
    year, problems = parse_year(year_to_json(make_year(unit)), RULES)
    assert year is None
    assert {p.message.code for p in problems} == {"fact.licence_not_held"}
    # ... and the engine, given such facts anyway, applies a veto only to the kinds held.
    status, reasons, _ = status_of(unit)
    assert status == QUALIFIED and reasons == {}
    dispatch_only = strong_unit(kinds=("labour_dispatch",), negative=Negative(credit_grades={"hr_service": "D"}))
    assert status_of(dispatch_only)[0] == QUALIFIED


def test_total_exactly_60_is_qualified():
    # 100 - 40 = 60
    unit = strong_unit(negative=Negative(collective_disputes_lost=3, individual_disputes_lost=2))
    status, reasons, sheet = status_of(unit)
    assert sheet.total == 60 and status == QUALIFIED and reasons == {}


def test_total_below_60_is_unqualified():
    # 4.2 at 45.5 %: 97 + 2.64 - 40 = 59.64
    unit = strong_unit(insured_workers=91, bases=(base("劳务基地甲", people=200, retained=200), base("乙"), base("丙")),
                       negative=Negative(collective_disputes_lost=3, individual_disputes_lost=2))
    status, reasons, sheet = status_of(unit)
    assert sheet.total == Fraction(5964, 100)
    assert status == UNQUALIFIED and reasons == {"total_below_60": False}
    assert sheet.grade == "E"


def test_major_incident_with_low_total_lists_both_reasons():
    status, reasons, _ = status_of(make_unit("甲", negative=Negative(major_incident=True)))
    assert status == REVOKED and reasons == {"major_incident": True, "total_below_60": False}
