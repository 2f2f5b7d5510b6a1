"""Every clause edge written in ../shared/rules-2022.md, through score_year or the formula functions.

Each test asserts the numbers (points, bonus, deduction, net, rank) exactly, as Fractions, and
that the explanation carries the message code an assessor would be shown.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from core.scoring import formulas
from core.scoring.engine import QUALIFIED, REVOKED, UNQUALIFIED
from core.scoring.facts import Management, Negative, parse_year, year_to_json
from tests.builders import (
    AFTER_PERIOD,
    ARRIVALS_EVIDENCE,
    BEFORE_PERIOD,
    PLACEMENTS_EVIDENCE,
    RULES,
    base,
    bases,
    clause,
    codes,
    deliveries,
    delivery,
    evidence,
    make_unit,
    make_year,
    missing_codes,
    people_unit,
    rules_with_reading,
    score,
    strong_unit,
    trip,
    untick,
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


# ====================================================================== 1.1 bases

@pytest.mark.parametrize("count, points, bonus", [
    (0, 0, 0), (1, 4, 0), (2, 8, 0), (3, 12, 0), (4, 12, 4), (5, 12, 8), (6, 12, 12), (7, 12, 12), (9, 12, 12),
])
def test_1_1_four_points_per_base_cap_12_then_bonus_capped_at_12(count, points, bonus):
    result = one(make_unit(bases=bases(count)), "1.1")
    assert_numbers(result, points, bonus)
    assert "bases.steps" in codes(result)
    assert step(result, "bases.steps").param("counted") == count


def test_1_1_unseen_agreement_scores_nothing_and_is_listed_missing():
    unit = make_unit(bases=(base("甲"), base("乙"), base("丙", seen=False)))
    result = one(unit, "1.1")
    assert_numbers(result, 8)
    assert {"evidence.not_seen", "missing.record"} <= codes(result)
    [missing] = result.explanation.missing
    assert missing.code == "missing.record" and missing.param("record") == "丙"


@pytest.mark.parametrize("day, counts", [
    (dt.date(2022, 1, 1), True), (dt.date(2022, 12, 31), True),
    (BEFORE_PERIOD, False), (AFTER_PERIOD, False), (dt.date(2020, 6, 1), False),
])
def test_1_1_agreement_must_be_dated_inside_the_year(day, counts):
    result = one(make_unit(bases=(base(date=day),)), "1.1")
    assert_numbers(result, 4 if counts else 0)
    assert ("bases.out_of_period" in codes(result)) is (not counts)
    assert not result.explanation.missing  # the agreement was seen: nothing missing, just out of period


def test_1_1_school_and_labour_bases_count_alike():
    result = one(make_unit(bases=(base("甲", "labour"), base("乙", "school"), base("丙", "school"),
                                  base("丁", "labour"))), "1.1")
    assert_numbers(result, 12, 4)


# ====================================================================== 1.2 trips

def test_1_2_two_offline_trips_earn_8():
    assert_numbers(one(make_unit(trips=(trip(), trip())), "1.2"), 8)


def test_1_2_one_online_trip_counts_and_takes_a_base_slot():
    assert_numbers(one(make_unit(trips=(trip("online"),)), "1.2"), 4)
    assert_numbers(one(make_unit(trips=(trip("online"), trip("offline"))), "1.2"), 8)


def test_1_2_a_second_online_trip_counts_for_nothing():
    result = one(make_unit(trips=(trip("online"), trip("online"))), "1.2")
    assert_numbers(result, 4)
    assert "trips.online_beyond_limit" in codes(result)
    assert step(result, "trips.steps").param("counted") == 1


def test_1_2_two_offline_plus_one_online_is_8_plus_4():
    result = one(make_unit(trips=(trip("offline"), trip("offline"), trip("online"))), "1.2")
    assert_numbers(result, 8, 4)


def test_1_2_online_trips_never_earn_bonus():
    # 2 offline + 2 online: the first online fills a base slot, one offline is a bonus trip,
    # the second online counts for nothing.
    result = one(make_unit(trips=(trip("offline"), trip("offline"), trip("online"), trip("online"))), "1.2")
    assert_numbers(result, 8, 4)
    assert "trips.online_beyond_limit" in codes(result)
    # only online trips: a single base slot at most
    assert_numbers(one(make_unit(trips=(trip("online"),) * 3), "1.2"), 4)


def test_1_2_bonus_per_offline_trip_capped_at_8():
    assert_numbers(one(make_unit(trips=(trip(),) * 3), "1.2"), 8, 4)
    assert_numbers(one(make_unit(trips=(trip(),) * 4), "1.2"), 8, 8)
    assert_numbers(one(make_unit(trips=(trip(),) * 6), "1.2"), 8, 8)
    assert_numbers(one(make_unit(trips=(trip("online"),) + (trip(),) * 3), "1.2"), 8, 8)


def test_1_2_the_online_trip_kept_is_the_one_with_fewest_poor_evaluations():
    result = one(make_unit(trips=(trip("online", 6, poor=3), trip("online", 6, poor=0), trip())), "1.2")
    assert_numbers(result, 8, 0, 0)


@pytest.mark.parametrize("mode", ["offline", "online"])
def test_1_2_trip_under_5_enterprises_neither_scores_nor_deducts(mode):
    short = trip(mode, 4, poor=4)
    result = one(make_unit(trips=(trip(), trip(), short)), "1.2")
    assert_numbers(result, 8, 0, 0)
    assert "trips.too_few_enterprises" in codes(result)
    alone = one(make_unit(trips=(short,)), "1.2")
    assert_numbers(alone, 0, 0, 0)
    assert "trips.too_few_enterprises" in codes(alone)


def test_1_2_exactly_5_enterprises_counts():
    assert_numbers(one(make_unit(trips=(trip(enterprises=5),)), "1.2"), 4)


def test_1_2_each_poor_evaluation_costs_one_point():
    result = one(make_unit(trips=(trip(enterprises=6, poor=2), trip(enterprises=6, poor=1))), "1.2")
    assert_numbers(result, 8, 0, 3)


def test_1_2_deduction_capped_at_5_per_trip():
    result = one(make_unit(trips=(trip(enterprises=9, poor=7), trip(enterprises=9, poor=9))), "1.2")
    assert_numbers(result, 8, 0, 10, net=0)
    result = one(make_unit(trips=(trip(enterprises=9, poor=7), trip(), trip(), trip())), "1.2")
    assert_numbers(result, 8, 8, 5)


def test_1_2_only_poor_verdicts_deduct():
    evaluations = ("好", "较好", "一般", "一般", "好")
    result = one(make_unit(trips=(trip(evaluations=evaluations), trip())), "1.2")
    assert_numbers(result, 8, 0, 0)


def test_1_2_deductions_apply_to_bonus_trips():
    result = one(make_unit(trips=(trip(), trip(), trip(enterprises=6, poor=2), trip(enterprises=6, poor=3))), "1.2")
    assert_numbers(result, 8, 8, 5)


def test_1_2_deductions_apply_to_the_counted_online_trip():
    assert_numbers(one(make_unit(trips=(trip("online", 6, poor=2), trip())), "1.2"), 8, 0, 2)


def test_1_2_online_trip_left_out_when_its_deductions_outweigh_its_points():
    # most points: 8 with the two offline trips alone beats 8 + 4 − 5 with the online one
    result = one(make_unit(trips=(trip(), trip(), trip("online", 6, poor=5))), "1.2")
    assert_numbers(result, 8, 0, 0)
    assert "trips.online_no_gain" in codes(result)


def test_1_2_online_trip_used_when_it_still_gains():
    # 8 + 4 − 3 = 9 beats 8 without it
    assert_numbers(one(make_unit(trips=(trip(), trip(), trip("online", 6, poor=3))), "1.2"), 8, 4, 3)


def test_1_2_online_trip_that_adds_nothing_is_not_counted():
    # four offline trips already reach both caps: a clean online trip adds nothing and is left out
    result = one(make_unit(trips=(trip(), trip(), trip(), trip(), trip("online", 6, poor=1))), "1.2")
    assert_numbers(result, 8, 8, 0)


def test_1_2_spare_online_trip_does_not_deduct():
    result = one(make_unit(trips=(trip("online", 6, poor=0), trip("online", 6, poor=5))), "1.2")
    assert_numbers(result, 4, 0, 0)


def test_1_2_item_floor_is_0_net_never_negative():
    result = one(make_unit(trips=(trip(enterprises=5, poor=5),)), "1.2")
    assert result.points == 4 and result.bonus == 0 and result.deduction == 5
    assert result.net == 0
    assert step(result, "trips.steps").param("net") == 0
    result = one(make_unit(trips=(trip(enterprises=8, poor=8), trip(enterprises=8, poor=8))), "1.2")
    assert result.net == 0 and result.deduction == 10


@pytest.mark.parametrize("missing_item", ["filing", "photos"])
def test_1_2_trip_without_filing_or_photos_neither_scores_nor_deducts(missing_item):
    bad = trip(enterprises=6, poor=3, **{missing_item: False})
    result = one(make_unit(trips=(trip(), bad)), "1.2")
    assert_numbers(result, 4, 0, 0)
    assert {"evidence.not_seen", "missing.record"} <= codes(result)
    assert {"missing.record"} == missing_codes(result)


def test_1_2_counted_trip_without_its_evaluation_forms_seen_scores_but_lacks_evidence():
    """The 差 count comes from the enterprises' forms (附件6): unseen, the deduction stands as entered
    and the clause names the forms as missing for that trip (and only for counted trips)."""
    unseen = trip(enterprises=6, poor=2, forms_seen=False, place="遵义")
    result = one(make_unit(trips=(trip(), unseen, trip(enterprises=3, forms_seen=False, place="毕节"))), "1.2")
    assert_numbers(result, 8, 0, 2)
    missing = [m for m in result.explanation.missing if m.code == "missing.record"]
    assert [(m.param("item"), m.param("record").split()[1]) for m in missing] == [("企业评价表（附件6）", "遵义")]
    assert one(make_unit(trips=(trip(), trip(poor=2))), "1.2").explanation.missing == ()


def test_1_2_unseen_online_trip_does_not_use_the_online_allowance():
    result = one(make_unit(trips=(trip("online", filing=False), trip("online"))), "1.2")
    assert_numbers(result, 4)


# ====================================================================== 1.3 trip ledger

def test_1_3_all_ledger_evidence_gives_5():
    result = one(make_unit(evidence=evidence(["1.3"])), "1.3")
    assert_numbers(result, 5)
    assert "all_evidence.steps" in codes(result)


@pytest.mark.parametrize("item", RULES.clause("1.3").evidence_ids)
def test_1_3_is_all_or_nothing(item):
    result = one(make_unit(evidence=evidence(["1.3"], except_={"1.3": [item]})), "1.3")
    assert_numbers(result, 0)
    assert missing_codes(result) == {"missing.item"}


def test_1_3_nothing_ticked_gives_0():
    assert_numbers(one(make_unit(), "1.3"), 0)


@pytest.mark.parametrize("item", RULES.clause("4.3").evidence_ids)
def test_4_3_is_all_or_nothing_too(item):
    assert_numbers(one(make_unit(evidence=evidence(["4.3"])), "4.3"), 2)
    result = one(make_unit(evidence=evidence(["4.3"], except_={"4.3": [item]})), "4.3")
    assert_numbers(result, 0)
    assert "missing.item" in codes(result)


# ====================================================================== 2.1 people brought

def people_points(*units, rules=RULES):
    result = score(*units, rules=rules)
    return {u.name: (clause(result, u.name, "2.1").points, clause(result, u.name, "2.1").rank) for u in units}


def test_2_1_exactly_50_people_earns_at_least_the_floor():
    result = one(people_unit("甲", 50), "2.1")
    assert result.points == 25 and result.rank == 1 and result.value == 50
    assert_numbers(result, 25)
    # last of 16 qualifying units: the floor
    units = [people_unit(f"单位{i:02}", 200 - i) for i in range(15)] + [people_unit("五十", 50)]
    points = people_points(*units)
    assert points["五十"] == (F(5), 16)


def test_2_1_49_people_get_0_and_take_no_place():
    units = (people_unit("甲", 49), people_unit("乙", 60), people_unit("丙", 55))
    result = score(*units)
    below = clause(result, "甲", "2.1")
    assert_numbers(below, 0)
    assert below.rank is None and below.ranked_among is None
    assert {"ranking.not_ranked", "verdict.below"} <= codes(below)
    assert clause(result, "乙", "2.1").rank == 1 and clause(result, "乙", "2.1").points == 25
    assert clause(result, "丙", "2.1").rank == 2 and clause(result, "丙", "2.1").points == F(47, 2)
    assert clause(result, "丙", "2.1").ranked_among == 2


def test_2_1_each_rank_costs_1_5_until_the_floor_5():
    units = [people_unit(f"单位{i:02}", 300 - 10 * i) for i in range(17)]
    points = people_points(*units)
    expected = [max(F(5), 25 - F(3, 2) * k) for k in range(17)]
    assert [points[u.name] for u in units] == [(e, k + 1) for k, e in enumerate(expected)]
    assert points["单位13"] == (F(11, 2), 14)  # rank 14: 25 - 19.5 = 5.5
    assert points["单位14"] == (F(5), 15)  # rank 15: 25 - 21 = 4 -> floor 5
    assert points["单位16"] == (F(5), 17)


def test_2_1_ties_competition_25_25_22():
    points = people_points(people_unit("甲", 100), people_unit("乙", 100), people_unit("丙", 80))
    assert points == {"甲": (F(25), 1), "乙": (F(25), 1), "丙": (F(22), 3)}


def test_2_1_ties_dense_25_25_23_5():
    dense = rules_with_reading("tie_rule", '"dense"')
    assert dense.reading("tie_rule") == "dense"
    points = people_points(people_unit("甲", 100), people_unit("乙", 100), people_unit("丙", 80), rules=dense)
    assert points == {"甲": (F(25), 1), "乙": (F(25), 1), "丙": (F(47, 2), 2)}


def test_2_1_labour_arrivals_and_school_placements_add_up():
    unit = make_unit("甲", bases=(base("劳务", "labour", people=30), base("政校", "school", people=20)),
                     evidence=evidence(["2.1"]))
    result = one(unit, "2.1")
    assert result.value == 50 and result.points == 25
    total = step(result, "people.total")
    assert (total.param("arrivals"), total.param("placements"), total.param("total")) == (30, 20, 50)


def test_2_1_new_member_counts_only_bases_signed_this_year():
    facts = dict(bases=(base("旧基地", date=dt.date(2021, 5, 1), people=40), base("新基地", people=30)),
                 evidence=evidence(["2.1"]))
    new = make_unit("新成员", new_member=True, **facts)
    old = make_unit("老成员", new_member=False, **facts)
    result = score(new, old)
    new_result, old_result = clause(result, "新成员", "2.1"), clause(result, "老成员", "2.1")
    assert new_result.value == 30 and new_result.points == 0 and new_result.rank is None
    assert "people.base_not_this_year" in codes(new_result)
    assert old_result.value == 70 and old_result.points == 25 and old_result.rank == 1
    assert "people.base_not_this_year" not in codes(old_result)


@pytest.mark.parametrize("item", ARRIVALS_EVIDENCE)
def test_2_1_arrivals_not_confirmed_without_their_evidence(item):
    unit = make_unit("甲", bases=(base(people=60), base("政校", "school", people=10)),
                     evidence=evidence(["2.1"], except_={"2.1": [item]}))
    result = one(unit, "2.1")
    assert result.value == 10 and result.points == 0 and result.rank is None
    assert "missing.people" in missing_codes(result)


@pytest.mark.parametrize("item", PLACEMENTS_EVIDENCE)
def test_2_1_placements_not_confirmed_without_their_evidence(item):
    unit = make_unit("甲", bases=(base(people=30), base("政校", "school", people=30)),
                     evidence=evidence(["2.1"], except_={"2.1": [item]}))
    result = one(unit, "2.1")
    assert result.value == 30 and result.points == 0
    assert "missing.people" in missing_codes(result)


def test_2_1_nothing_ticked_nothing_confirmed():
    result = one(make_unit("甲", bases=(base(people=80),)), "2.1")
    assert result.value == 0 and result.points == 0
    assert "missing.people" in missing_codes(result)


def test_2_1_ranking_is_provisional_until_every_unit_is_final():
    draft = score(people_unit("甲", 60, facts_final=True), people_unit("乙", 70))
    assert draft.provisional and clause(draft, "甲", "2.1").provisional
    final = score(people_unit("甲", 60, facts_final=True), people_unit("乙", 70, facts_final=True))
    assert not final.provisional and not clause(final, "甲", "2.1").provisional


# ====================================================================== 2.2 retention

def retention(*units, rules=RULES):
    result = score(*units, rules=rules)
    return {u.name: clause(result, u.name, "2.2") for u in units}


def test_2_2_exactly_50_percent_qualifies():
    result = retention(people_unit("甲", 100, 50))["甲"]
    assert_numbers(result, 15)
    assert result.rank == 1 and result.value == 25  # r × S = 0.5 × 50
    assert "ranking.rank" in codes(result)


def test_2_2_just_below_50_percent_gets_0():
    for people, retained in ((100, 49), (101, 50), (1000, 499)):
        result = retention(people_unit("甲", people, retained), people_unit("乙", 100, 60))["甲"]
        assert_numbers(result, 0)
        assert result.rank is None
        assert {"ranking.not_ranked", "verdict.below"} <= codes(result)


def test_2_2_value_is_ratio_times_retained_at_full_precision():
    results = retention(people_unit("甲", 100, 60), people_unit("乙", 3, 2), people_unit("丙", 90, 57))
    assert results["甲"].value == 36
    assert results["乙"].value == F(4, 3)
    assert results["丙"].value == F(57 * 57, 90)  # 36.1
    assert (results["丙"].rank, results["丙"].points) == (1, 15)
    assert (results["甲"].rank, results["甲"].points) == (2, 14)
    assert (results["乙"].rank, results["乙"].points) == (3, 13)


def test_2_2_leader_may_be_a_unit_ineligible_in_2_1():
    small = people_unit("小", 40, 40)  # N < 50: 0 in 2.1, but r = 100 %, v = 40
    big = people_unit("大", 100, 60)  # v = 36
    result = score(small, big)
    assert clause(result, "小", "2.1").points == 0 and clause(result, "小", "2.1").rank is None
    assert clause(result, "小", "2.2").rank == 1 and clause(result, "小", "2.2").points == 15
    assert clause(result, "大", "2.1").rank == 1 and clause(result, "大", "2.1").points == 25
    assert clause(result, "大", "2.2").rank == 2 and clause(result, "大", "2.2").points == 14


def test_2_2_each_rank_costs_1_until_the_floor_5():
    units = [people_unit(f"单位{i:02}", 100, 100 - 2 * i) for i in range(13)]
    results = retention(*units)
    assert [results[u.name].points for u in units] == [max(F(5), F(15 - k)) for k in range(13)]
    assert results["单位10"].points == 5 and results["单位11"].points == 5 and results["单位12"].rank == 13


def test_2_2_ties_share_the_better_rank():
    results = retention(people_unit("甲", 100, 80), people_unit("乙", 100, 80), people_unit("丙", 100, 70))
    assert [(r.rank, r.points) for r in results.values()] == [(1, F(15)), (1, F(15)), (3, F(13))]


def test_2_2_retained_not_confirmed_without_six_months_proof():
    unit = people_unit("甲", 100, 80, evidence=evidence(["2.1"]))
    result = retention(unit)["甲"]
    assert_numbers(result, 0)
    assert result.value == 0 and result.rank is None
    assert "missing.retained" in missing_codes(result)


def test_2_2_no_people_is_not_ranked():
    result = retention(make_unit("甲"), people_unit("乙", 10, 10))["甲"]
    assert result.points == 0 and result.rank is None


# ====================================================================== 3.1 deliveries

@pytest.mark.parametrize("count, points, bonus", [
    (0, 0, 0), (1, 5, 0), (3, 15, 0), (4, 20, 0), (5, 20, 2), (7, 20, 6), (8, 20, 8), (9, 20, 10), (10, 20, 10),
    (20, 20, 10),
])
def test_3_1_five_points_per_delivery_cap_20_bonus_2_each_cap_10(count, points, bonus):
    result = one(make_unit(deliveries=deliveries(count), evidence=evidence(["3.1"])), "3.1")
    assert_numbers(result, points, bonus)
    assert "deliveries.steps" in codes(result)


@pytest.mark.parametrize("stars, counts", [(1, False), (3, False), (4, True), (5, True)])
def test_3_1_stars_below_4_do_not_count(stars, counts):
    result = one(make_unit(deliveries=(delivery(stars),), evidence=evidence(["3.1"])), "3.1")
    assert_numbers(result, 5 if counts else 0)
    assert ("deliveries.low_stars" in codes(result)) is (not counts)


@pytest.mark.parametrize("day, counts", [
    (dt.date(2022, 1, 1), True), (dt.date(2022, 12, 31), True), (BEFORE_PERIOD, False), (AFTER_PERIOD, False),
])
def test_3_1_out_of_period_deliveries_do_not_count(day, counts):
    result = one(make_unit(deliveries=(delivery(date=day),), evidence=evidence(["3.1"])), "3.1")
    assert_numbers(result, 5 if counts else 0)
    assert ("deliveries.out_of_period" in codes(result)) is (not counts)


def test_3_1_mixed_deliveries_only_good_ones_count():
    items = deliveries(5) + (delivery(3), delivery(date=BEFORE_PERIOD))
    assert_numbers(one(make_unit(deliveries=items, evidence=evidence(["3.1"])), "3.1"), 20, 2)


def test_3_1_platform_stats_not_ticked_gives_0():
    result = one(make_unit(deliveries=deliveries(6)), "3.1")
    assert_numbers(result, 0)
    assert "evidence.not_seen" in codes(result)
    assert missing_codes(result) == {"missing.item"}
    result = one(make_unit(deliveries=deliveries(6), evidence=evidence(["3.1"], except_={"3.1": ["platform_stats"]})),
                 "3.1")
    assert_numbers(result, 0)


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


AT_LEAST_4 = rules_with_reading("rating_threshold", '"at_least"')


@pytest.mark.parametrize("reading, rating, ranked", [
    ("above", "3.99", False), ("above", "4", False), ("above", "4.00", False), ("above", "4.01", True),
    ("at_least", "3.99", False), ("at_least", "4", True), ("at_least", "4.00", True), ("at_least", "4.01", True),
])
def test_3_2_boundary_at_4_under_each_reading(reading, rating, ranked):
    """综合评分4分以下的不享受加分: 以下 includes 4 (the default reading `above`); `at_least` ranks 4 itself."""
    rules = AT_LEAST_4 if reading == "at_least" else RULES
    assert rules.reading("rating_threshold") == reading
    result = ratings(rated("甲", rating), rules=rules)["甲"]
    assert (result.rank, result.bonus) == ((1, 10) if ranked else (None, 0))
    rating_step = step(result, "rating.value")
    assert rating_step.param("test").code == ("test.above" if reading == "above" else "test.at_least")
    assert rating_step.param("verdict").code == ("verdict.pass" if ranked else "verdict.below")


def test_3_2_a_unit_at_exactly_4_among_others_takes_no_place_by_default():
    units = (rated("甲", "4.5"), rated("乙", "4"), rated("丙", "4.01"), rated("丁", "3.99"), rated("戊", "4.2"))
    results = ratings(*units)
    assert {n: (r.rank, r.bonus) for n, r in results.items()} == {
        "甲": (1, 10), "戊": (2, 9), "丙": (3, 8), "乙": (None, 0), "丁": (None, 0)}
    assert {r.ranked_among for r in results.values() if r.rank} == {3}
    assert "ranking.not_ranked" in codes(results["乙"])
    results = ratings(*units, rules=AT_LEAST_4)  # the colloquial reading: 4 itself is ranked, last
    assert {n: (r.rank, r.bonus) for n, r in results.items()} == {
        "甲": (1, 10), "戊": (2, 9), "丙": (3, 8), "乙": (4, 7), "丁": (None, 0)}


def test_3_2_ranking_10_9_8_and_floor_0_after_10_ranks():
    units = [rated(f"单位{i:02}", F(500 - 5 * i, 100)) for i in range(13)]
    results = ratings(*units)
    assert [results[u.name].bonus for u in units] == [F(10 - k) if k < 10 else F(0) for k in range(13)]
    assert [results[u.name].rank for u in units] == list(range(1, 14))
    assert all(results[u.name].points == 0 and results[u.name].net == results[u.name].bonus for u in units)


def test_3_2_ties_competition():
    results = ratings(rated("甲", "4.8"), rated("乙", "4.8"), rated("丙", "4.5"))
    assert [(r.rank, r.bonus) for r in results.values()] == [(1, F(10)), (1, F(10)), (3, F(8))]


def test_3_2_and_2_2_ties_dense_reading():
    dense = rules_with_reading("tie_rule", '"dense"')
    result = score(rated("甲", "4.8"), rated("乙", "4.8"), rated("丙", "4.5"), rules=dense)
    assert [(clause(result, n, "3.2").rank, clause(result, n, "3.2").bonus) for n in "甲乙丙"] == [
        (1, F(10)), (1, F(10)), (2, F(9))]
    result = score(people_unit("甲", 100, 80), people_unit("乙", 100, 80), people_unit("丙", 100, 70), rules=dense)
    assert [(clause(result, n, "2.2").rank, clause(result, n, "2.2").points) for n in "甲乙丙"] == [
        (1, F(15)), (1, F(15)), (2, F(14))]


def test_3_2_values_compared_at_full_precision():
    results = ratings(rated("甲", "4.501"), rated("乙", "4.5"))
    assert (results["甲"].rank, results["乙"].rank) == (1, 2)


def test_3_2_rating_not_checked_against_platform_stats_is_not_ranked():
    results = ratings(rated("甲", "4.9", ticked=False), rated("乙", "4.5"))
    assert_numbers(results["甲"], 0, 0)
    assert results["甲"].rank is None
    assert "rating.unseen" in codes(results["甲"]) and "missing.item" in missing_codes(results["甲"])
    assert results["乙"].rank == 1 and results["乙"].bonus == 10


def test_3_2_no_rating_no_bonus():
    result = ratings(rated("甲", None))["甲"]
    assert_numbers(result, 0, 0)
    assert "rating.none" in codes(result)


# ====================================================================== 4.1 management

MANAGEMENT_ITEMS = RULES.clause("4.1").evidence_ids


def test_4_1_all_ticked_suggests_10():
    result = one(make_unit(evidence=evidence(["4.1"])), "4.1")
    assert_numbers(result, 10)
    assert "management.suggested" in codes(result)


@pytest.mark.parametrize("k", range(len(MANAGEMENT_ITEMS)))
def test_4_1_k_ticked_suggests_2k(k):
    unit = make_unit(evidence=evidence(only={"4.1": MANAGEMENT_ITEMS[:k]}))
    result = one(unit, "4.1")
    assert_numbers(result, 2 * k)
    assert formulas.management_suggestion(RULES.clause("4.1"), unit) == 2 * k
    assert "management.suggested" in codes(result)
    assert len(result.explanation.missing) == len(MANAGEMENT_ITEMS) - k


def test_4_1_awarded_different_with_reason_is_used():
    unit = make_unit(evidence=evidence(only={"4.1": MANAGEMENT_ITEMS[:2]}),
                     management=Management(F(7), "现场考察食宿安排良好"))
    result = one(unit, "4.1")
    assert_numbers(result, 7)
    assert "management.awarded" in codes(result)
    lower = make_unit(evidence=evidence(["4.1"]), management=Management(F(15, 2), "协议不全"))
    assert_numbers(one(lower, "4.1"), F(15, 2))


@pytest.mark.parametrize("reason", ["", "   "])
def test_4_1_awarded_without_reason_falls_back_to_suggestion(reason):
    unit = make_unit(evidence=evidence(only={"4.1": MANAGEMENT_ITEMS[:2]}), management=Management(F(9), reason))
    result = one(unit, "4.1")
    assert_numbers(result, 4)
    assert "management.no_reason" in codes(result)


def test_4_1_awarded_equal_to_suggestion_needs_no_reason():
    unit = make_unit(evidence=evidence(only={"4.1": MANAGEMENT_ITEMS[:3]}), management=Management(F(6)))
    result = one(unit, "4.1")
    assert_numbers(result, 6)
    assert "management.suggested" in codes(result)


# ====================================================================== 4.2 accident insurance

def insured_unit(arrivals, insured, *, placements=0, ticked=True, **overrides):
    bases_ = (base("劳务", "labour", people=arrivals),) + ((base("政校", "school", people=placements),)
                                                           if placements else ())
    ev = evidence(["2.1", "4.2"]) if ticked else evidence(["2.1"])
    values = dict(bases=bases_, evidence=ev, insured_workers=insured)
    values.update(overrides)
    return make_unit("甲", **values)


def test_4_2_exactly_50_percent_gives_3():
    result = one(insured_unit(200, 100), "4.2")
    assert_numbers(result, 3)
    assert step(result, "insurance.steps").param("short") == 0


def test_4_2_above_50_percent_gives_3():
    assert_numbers(one(insured_unit(200, 200), "4.2"), 3)
    assert_numbers(one(insured_unit(10, 30), "4.2"), 3)


def test_4_2_45_5_percent_gives_exactly_2_64():
    result = one(insured_unit(200, 91), "4.2")
    assert result.points == Fraction(66, 25)
    assert_numbers(result, Fraction(66, 25))
    assert step(result, "insurance.steps").param("short") == Fraction(9, 2)


def test_4_2_shortfall_is_continuous():
    assert one(insured_unit(1000, 499), "4.2").points == 3 - F(8, 100) * F(1, 10)  # 2.992
    assert one(insured_unit(3, 1), "4.2").points == 3 - F(8, 100) * (50 - F(100, 3))  # 33.3…% -> 1.666…


def test_4_2_floor_0_at_very_low_ratio():
    assert_numbers(one(insured_unit(100, 0), "4.2"), 0)  # 50 points short × 0.08 = 4 > 3
    assert_numbers(one(insured_unit(100, 12), "4.2"), 0)  # 38 short -> 3 - 3.04 < 0
    assert one(insured_unit(1000, 125), "4.2").points == 0  # 37.5 short -> exactly 0
    assert one(insured_unit(100, 13), "4.2").points == F(4, 100)  # 37 short -> 0.04


def test_4_2_no_arrivals_gives_0():
    result = one(insured_unit(0, 5), "4.2")
    assert_numbers(result, 0)
    assert "insurance.no_arrivals" in codes(result)
    assert_numbers(one(make_unit(evidence=evidence(["4.2"])), "4.2"), 0)


def test_4_2_denominator_excludes_interns():
    result = one(insured_unit(100, 50, placements=100), "4.2")
    assert_numbers(result, 3)
    assert step(result, "insurance.steps").param("arrivals") == 100
    only_school = make_unit("乙", bases=(base("政校", "school", people=100),), evidence=evidence(["2.1", "4.2"]),
                            insured_workers=100)
    result = one(only_school, "4.2")
    assert_numbers(result, 0)
    assert "insurance.no_arrivals" in codes(result)


def test_4_2_unconfirmed_arrivals_are_not_in_the_denominator():
    unit = insured_unit(100, 100, evidence=untick(evidence(["2.1", "4.2"]), "2.1", "annex2"))
    result = one(unit, "4.2")
    assert_numbers(result, 0)
    assert "insurance.no_arrivals" in codes(result)


def test_4_2_insurer_documents_not_ticked_treated_as_0_insured():
    result = one(insured_unit(100, 100, ticked=False), "4.2")
    assert_numbers(result, 0)
    assert step(result, "insurance.steps").param("insured") == 0
    assert "missing.item" in missing_codes(result)


def test_4_2_whole_points_reading():
    whole = rules_with_reading("insurance_shortfall", '"whole_points"')
    result = one(insured_unit(200, 91), "4.2", rules=whole)
    assert result.points == Fraction(67, 25)  # 4.5 short -> 4 whole points -> 3 - 0.32
    assert one(insured_unit(1000, 499), "4.2", rules=whole).points == 3  # 0.1 short -> 0 whole points
    assert one(insured_unit(100, 49), "4.2", rules=whole).points == F(292, 100)
    assert one(insured_unit(100, 0), "4.2", rules=whole).points == 0


# ====================================================================== 五 deductions

def deductions_of(unit):
    sheet = score(unit).unit(unit.name)
    return {d.id: d.points for d in sheet.deductions}, sheet


def test_5_collective_disputes_cost_10_each():
    found, sheet = deductions_of(strong_unit(negative=Negative(collective_disputes_lost=2)))
    assert found["collective_dispute"] == 20 and sheet.deductions_total == 20 and sheet.total == 80


def test_5_individual_disputes_cost_5_each():
    found, sheet = deductions_of(strong_unit(negative=Negative(individual_disputes_lost=3)))
    assert found["individual_dispute"] == 15 and sheet.total == 85


@pytest.mark.parametrize("complaints, points", [(0, 0), (4, 0), (5, 5), (6, 5), (9, 5), (30, 5)])
def test_5_five_or_more_complaints_cost_5_once(complaints, points):
    found, sheet = deductions_of(strong_unit(negative=Negative(complaints=complaints)))
    assert found["complaints"] == points and sheet.total == 100 - points


def test_5_deductions_add_up():
    found, sheet = deductions_of(strong_unit(negative=Negative(collective_disputes_lost=1,
                                                                individual_disputes_lost=1, complaints=5)))
    assert found == {"collective_dispute": 10, "individual_dispute": 5, "complaints": 5}
    assert sheet.deductions_total == 20 and sheet.total == 80


def test_5_total_never_below_0():
    unit = make_unit("甲", bases=bases(3), negative=Negative(collective_disputes_lost=2))
    found, sheet = deductions_of(unit)
    assert sheet.deductions_total == 20
    assert sheet.total == 0
    assert sheet.status == UNQUALIFIED


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
