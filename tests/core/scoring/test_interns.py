"""Clause 2.1's school people: a trainee (就业见习) counts only when the district's traineeship list is seen, an
intern (岗位实习) with 附件3 and 附件4 alone; the engine's fast scoring and the explained one agree, and a rule set
stored before the split (one placements_evidence list) reads as both groups needing all of it."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from core.common.messages import render
from core.scoring.bound_formulas import _bound_people
from core.scoring.engine import score_year
from core.scoring.facts import Base, Year
from core.scoring.formulas import confirmed_people
from core.scoring.rules import parse_rule_set
from tests.builders import IN_PERIOD, INTERNS_EVIDENCE, RULES, TRAINEES_EVIDENCE, evidence, make_unit, untick

SPLIT_PARAMS = 'trainees_evidence = ["annex3", "annex4", "district_list"], interns_evidence = ["annex3", "annex4"]'
OLD_PARAMS = 'placements_evidence = ["annex3", "annex4", "district_list"]'


def unit_with(school: Base, *unticked: str, name: str = "甲"):
    labour = Base("劳务基地", "labour", IN_PERIOD, {"agreement": True}, 40, 20)
    return make_unit(name, bases=(labour, school), evidence=untick(evidence(["2.1", "2.2"]), "2.1", *unticked))


def school(people: int = 20, retained: int = 10, trainees: int | None = 12, trainees_retained: int | None = 6):
    return Base("西部职院", "school", IN_PERIOD, {"agreement": True}, people, retained,
                trainees=trainees, trainees_retained=trainees_retained)


def test_the_rule_data_names_each_groups_evidence():
    assert tuple(TRAINEES_EVIDENCE) == ("annex3", "annex4", "district_list")
    assert tuple(INTERNS_EVIDENCE) == ("annex3", "annex4")
    assert "placements_evidence" not in RULES.clause("2.1").params


@pytest.mark.parametrize(("unticked", "placements", "retained"), [
    ((), 20, 10),  # all seen: trainees and interns
    (("district_list",), 8, 4),  # the interns count, the trainees wait for the district list
    (("annex4",), 0, 0),  # neither
    (("annex3", "district_list"), 0, 0),
])
def test_which_school_people_count(unticked, placements, retained):
    people = confirmed_people(RULES, unit_with(school(), *unticked))
    assert (people.arrivals, people.placements, people.placements_retained) == (40, placements, retained)


def test_the_district_list_unseen_the_explanation_says_how_many_of_each_count():
    unit = unit_with(school(), "district_list")
    result = score_year(RULES, Year(2022, RULES.id, (unit,))).unit("甲").clause("2.1")
    assert result.value == 48
    why = result.explanation
    lines = [render(m) for m in why.facts]
    assert lines[1] == ("西部职院（政校合作基地）：20 人（见习 12 人、实习 8 人），"
                        "其中满六个月 10 人（见习 6 人、实习 4 人）（人数为手工录入），"
                        "见习 12 人未确认（缺少与区人资中心核准的全区就业见习名单核对一致），实习 8 人计入")
    assert [render(m) for m in why.missing] == [
        "政校合作基地的见习 12 人未确认：缺少与区人资中心核准的全区就业见习名单核对一致"]
    assert render(why.steps[0]).startswith("确认进吴参保 40 人 + 见习（实习）8 人（见习 0 人、实习 8 人）= 48 人")


@pytest.mark.parametrize(("bases", "unticked", "total"), [
    ((school(),), (), "确认进吴参保 40 人 + 见习（实习）20 人（见习 12 人、实习 8 人）= 60 人，须不低于 50 人"),
    ((school(trainees=None, trainees_retained=None),), (), "确认进吴参保 40 人 + 见习（实习）20 人 = 60 人"),
    ((school(), dataclasses.replace(school(trainees=None, trainees_retained=None), name="苏州职院", people=3,
                                    retained=1)), (),
     "确认进吴参保 40 人 + 见习（实习）23 人（见习 12 人、实习 8 人、未区分 3 人）= 63 人"),
    # the base not told apart waits for the district list, the split one counts its interns
    ((school(), dataclasses.replace(school(trainees=None, trainees_retained=None), name="苏州职院", people=3,
                                    retained=1)), ("district_list",),
     "确认进吴参保 40 人 + 见习（实习）8 人（见习 0 人、实习 8 人）= 48 人"),
])
def test_the_total_line_says_how_many_trainees_and_interns_count_where_a_base_tells_them_apart(
        bases, unticked, total):
    labour = Base("劳务基地", "labour", IN_PERIOD, {"agreement": True}, 40, 20)
    unit = make_unit("甲", bases=(labour, *bases), evidence=untick(evidence(["2.1", "2.2"]), "2.1", *unticked))
    result = score_year(RULES, Year(2022, RULES.id, (unit,))).unit("甲").clause("2.1")
    assert render(result.explanation.steps[0]).startswith(total)


def test_a_base_not_told_apart_needs_everything_and_says_typing_the_split_helps():
    unit = unit_with(school(trainees=None, trainees_retained=None), "district_list")
    assert confirmed_people(RULES, unit).placements == 0  # as it was scored before the split
    line = render(confirmed_people(RULES, unit).facts[1])
    assert "未确认（缺少与区人资中心核准的全区就业见习名单核对一致），计入 0 人；未填写其中见习人数" in line
    # the split typed, the interns count
    assert confirmed_people(RULES, unit_with(school(trainees=12), "district_list")).placements == 8


def test_the_retained_trainees_not_typed_are_as_many_as_the_trainees_allow():
    assert school(trainees=4, trainees_retained=None).effective_trainees() == (4, 4)
    assert school(trainees=15, trainees_retained=None).effective_trainees() == (15, 10)
    assert school(trainees=None, trainees_retained=None).effective_trainees() == (20, 10)
    people = confirmed_people(RULES, unit_with(school(trainees=4, trainees_retained=None), "district_list"))
    assert (people.placements, people.placements_retained) == (16, 6)


@pytest.mark.parametrize("unticked", [(), ("district_list",), ("annex4",), ("annex1",), ("six_months_proof",)])
@pytest.mark.parametrize("split", [(12, 6), (0, 0), (20, 10), (None, None), (12, None)])
def test_the_fast_scoring_agrees_with_the_explained_one(unticked, split):
    base = school(trainees=split[0], trainees_retained=split[1])
    units = (unit_with(base, *[u for u in unticked if u != "six_months_proof"], name="甲"),
             unit_with(dataclasses.replace(base, people=60, retained=40, trainees=None, trainees_retained=None),
                       name="乙"))
    if "six_months_proof" in unticked:
        units = (dataclasses.replace(units[0], evidence=untick(units[0].evidence, "2.2", "six_months_proof")),
                 units[1])
    year = Year(2022, RULES.id, units)
    fast = score_year(RULES, year)
    for unit in units:
        people = confirmed_people(RULES, unit)
        assert fast.unit(unit.name).clause("2.1").value == people.total
        counted = _bound_people(RULES)(unit)
        assert (counted.trainees, counted.interns) == (people.trainees, people.interns)
        for clause_id in ("2.1", "2.2", "4.2"):
            assert fast.unit(unit.name).clause(clause_id).explanation is not None
    people = confirmed_people(RULES, units[0])
    assert fast.unit("甲").clause("2.2").value == (Fraction(people.retained ** 2, people.total) if people.total else 0)


def test_the_insurance_denominator_stays_the_labour_arrivals():
    unit = dataclasses.replace(unit_with(school(), "district_list"), insured_workers=20,
                               evidence={**evidence(["2.1", "2.2", "4.2"])})
    result = score_year(RULES, Year(2022, RULES.id, (unit,))).unit("甲").clause("4.2")
    assert result.explanation.facts[0].param("arrivals") == 40


def test_a_rule_set_stored_before_the_split_reads_as_both_groups_needing_all_of_it():
    assert RULES.source_text.count(SPLIT_PARAMS) == 1
    old = parse_rule_set(RULES.source_text.replace(SPLIT_PARAMS, OLD_PARAMS), stored=True)
    params = old.clause("2.1").params
    assert tuple(params["trainees_evidence"]) == tuple(params["interns_evidence"]) == (
        "annex3", "annex4", "district_list")
    assert "placements_evidence" not in params
    unit = unit_with(school(), "district_list")
    assert confirmed_people(old, unit).placements == 0  # as that year was scored: it keeps its result
    assert score_year(old, Year(2022, old.id, (unit,))).unit("甲").clause("2.1").value == 40


def test_a_new_years_rule_set_made_from_one_stored_before_the_split_names_both_lists():
    from core.scoring.rule_draft import RuleSetDraft
    old = parse_rule_set(RULES.source_text.replace(SPLIT_PARAMS, OLD_PARAMS), stored=True)
    draft = RuleSetDraft.next_year(old, [])
    params = next(c for c in draft.data["clauses"] if c["id"] == "2.1")["params"]
    assert "placements_evidence" not in params
    assert params["trainees_evidence"] == params["interns_evidence"] == ["annex3", "annex4", "district_list"]
    draft.set(("document",), "吴人社就〔2023〕3号")
    draft.set(("clauses", 3, "params", "interns_evidence"), ["annex3", "annex4"])
    rules, problems = draft.check()
    assert problems == [] and rules is not None
    assert tuple(rules.clause("2.1").params["interns_evidence"]) == ("annex3", "annex4")
    assert "interns_evidence = [" in draft.text() and "placements_evidence" not in draft.text()
