"""A base, trip or delivery whose required facts are not typed yet (no date, no name or place or
enterprise, no stars) never counts, says which fact is missing, keeps its clause from 已完成, and
passes through the exchange format as null and ""."""

from __future__ import annotations

import dataclasses

from core.common.messages import render
from core.scoring.assessment import DONE, INCOMPLETE, clause_progress
from core.scoring.bound_formulas import bound
from core.scoring.facts import Base, Delivery, Trip, parse_year, unfilled, year_to_json
from core.scoring.formulas import confirmed_people
from tests.builders import RULES, base, clause, delivery, evidence, make_unit, make_year, score, trip


def facts_text(result) -> str:
    return "\n".join(render(m) for m in result.explanation.facts)


def test_the_required_facts_of_each_record():
    assert unfilled(Base("", "labour", None)) == ("name", "agreement_date")
    assert unfilled(Trip(None, "", "offline", 5)) == ("date", "place")
    assert unfilled(Delivery(None, "", None)) == ("date", "enterprise", "stars")
    assert unfilled(base()) == unfilled(trip()) == unfilled(delivery()) == ()


def test_a_base_without_a_date_or_name_does_not_count_and_says_which_is_missing():
    undated = dataclasses.replace(base("云南昭通劳务协作基地"), agreement_date=None)
    unnamed = dataclasses.replace(base(), name="")
    full = base("贵州铜仁劳务基地")
    result = clause(score(make_unit("甲", bases=(undated, unnamed, full))), "甲", "1.1")
    assert result.net == 4  # the full one only
    text = facts_text(result)
    assert "云南昭通劳务协作基地（劳务基地，协议日期 未填写）：不计入（协议签订日期未填写）" in text
    assert "（名称未填写）（劳务基地，协议日期 2022-06-01）：不计入（基地名称未填写）" in text
    assert "贵州铜仁劳务基地（劳务基地，协议日期 2022-06-01）：计入" in text


def test_a_new_members_undated_base_brings_no_people():
    undated = dataclasses.replace(base(people=30), agreement_date=None)
    people_ranked = bound(RULES.clause("2.1"), RULES)  # a recompute's count of the same people
    new_member = make_unit("甲", new_member=True, bases=(undated,), evidence=evidence(["2.1"]))
    assert confirmed_people(RULES, new_member).arrivals == people_ranked(new_member).value == 0
    old_member = make_unit("乙", bases=(undated,), evidence=evidence(["2.1"]))
    # all an old member's bases count
    assert confirmed_people(RULES, old_member).arrivals == people_ranked(old_member).value == 30


def test_a_trip_without_date_or_place_does_not_count():
    result = clause(score(make_unit("甲", trips=(Trip(None, "", "offline", 6, trip().evidence),))), "甲", "1.2")
    assert result.net == 0
    assert "（日期未填写） （地点未填写）" in facts_text(result)
    assert "不计入（活动日期未填写、活动地点未填写）" in facts_text(result)


def test_a_delivery_without_date_enterprise_or_stars_does_not_count():
    unit = make_unit("甲", deliveries=(Delivery(None, "", None), dataclasses.replace(delivery(), stars=None),
                                       delivery()), evidence=evidence(["3.1"]))
    result = clause(score(unit), "甲", "3.1")
    assert result.net == 5
    text = facts_text(result)
    assert "（日期未填写） （企业未填写）（评分未填写）：不计入（输送日期未填写、缺工企业未填写、企业评分未填写）" \
        in text
    assert "2022-06-01 缺工企业（评分未填写）：不计入（企业评分未填写）" in text
    assert "2022-06-01 缺工企业（5 星）：计入" in text


def test_a_clause_with_a_record_not_filled_in_is_not_done():
    rules = RULES
    ticked = make_unit("甲", bases=(base(),))
    assert clause_progress(rules, ticked, rules.clause("1.1")) == DONE
    undated = make_unit("甲", bases=(dataclasses.replace(base(), agreement_date=None),))
    assert clause_progress(rules, undated, rules.clause("1.1")) == INCOMPLETE
    delivery_unrated = make_unit("甲", deliveries=(dataclasses.replace(delivery(), stars=None),),
                                 evidence=evidence(["3.1"]))
    assert clause_progress(rules, delivery_unrated, rules.clause("3.1")) == INCOMPLETE


def test_records_not_filled_in_go_through_the_exchange_format_as_null_and_empty():
    unit = make_unit("甲", bases=(Base("", "labour", None),), trips=(Trip(None, "", "online", 0),),
                     deliveries=(Delivery(None, "", None),))
    year = make_year(unit)
    data = year_to_json(year)
    assert data["units"][0]["bases"][0]["agreement_date"] is None and data["units"][0]["bases"][0]["name"] == ""
    assert data["units"][0]["deliveries"][0] == {"date": None, "enterprise": "", "stars": None}
    again, problems = parse_year(data, RULES)
    assert problems == [] and again == year
