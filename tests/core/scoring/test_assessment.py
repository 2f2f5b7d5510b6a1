"""The guided assessment's pages and each clause's progress (core/scoring/assessment.py)."""

from __future__ import annotations

from core.scoring.assessment import (
    BASES,
    DELIVERIES,
    DONE,
    INCOMPLETE,
    INSURED_WORKERS,
    MANAGEMENT,
    NEGATIVE,
    NOT_STARTED,
    PLATFORM_RATING,
    TRIPS,
    clause_progress,
    missing_ticks,
    page_readings,
    pages,
    section_text,
    unit_progress,
)
from core.scoring.facts import Management
from tests.builders import RULES, base, delivery, evidence, make_unit, rules_with, strong_unit, trip


def test_one_page_per_clause_in_order_then_the_negative_page():
    all_pages = pages(RULES)
    assert [p.id for p in all_pages] == [c.id for c in RULES.clauses] + [RULES.negative.id]
    by_id = {p.id: p for p in all_pages}
    assert by_id["1.1"].editors == (BASES,) and by_id["1.1"].records_added_here
    assert "evidence:agreement" in by_id["1.1"].base_editable
    assert by_id["1.2"].editors == (TRIPS,) and [e.id for e in by_id["1.2"].record_evidence] == ["filing", "evaluations", "photos"]
    assert by_id["1.3"].editors == () and len(by_id["1.3"].clause_evidence) == 3
    assert by_id["2.1"].base_editable == ("people", "trainees", "count_source") and not by_id["2.1"].records_added_here
    assert by_id["2.2"].base_editable == ("retained", "trainees_retained", "count_source")
    assert [p.id for p in pages(RULES) if p.count_source] == ["2.1", "2.2", "4.2"]
    assert [p.id for p in pages(RULES) if p.platform_source] == ["3.1", "3.2"]
    assert by_id["3.1"].editors == (DELIVERIES,)
    assert by_id["3.2"].editors == (PLATFORM_RATING,)
    assert by_id["4.1"].editors == (MANAGEMENT,)
    assert by_id["4.2"].editors == (INSURED_WORKERS,)
    assert by_id[RULES.negative.id].editors == (NEGATIVE,) and by_id[RULES.negative.id].clause is None


def test_pages_follow_the_formula_not_the_clause_id():
    renamed = rules_with('id = "1.1"', 'id = "9.9"')
    page = next(p for p in pages(renamed) if p.id == "9.9")
    assert page.editors == (BASES,) and page.records_added_here


def test_readings_and_section_text_of_a_page():
    by_id = {p.id: p for p in pages(RULES)}
    names = [name for name, _ in page_readings(RULES, by_id["1.2"])]
    assert names == list(RULES.clause("1.2").readings)
    assert all(text for _, text in page_readings(RULES, by_id["1.2"]))
    assert "新入盟" in section_text(RULES, by_id["2.1"])
    assert section_text(RULES, by_id[RULES.negative.id]) == ""


def test_a_unit_with_nothing_is_not_started_everywhere():
    assert set(unit_progress(RULES, make_unit()).values()) == {NOT_STARTED}


def test_the_strong_unit_is_done_everywhere():
    progress = unit_progress(RULES, strong_unit(platform_rating=None))
    assert set(progress.values()) == {DONE}, progress


def test_an_unseen_base_agreement_makes_1_1_incomplete():
    unit = make_unit(bases=(base("甲"), base("乙", seen=False)))
    clause = RULES.clause("1.1")
    assert clause_progress(RULES, unit, clause) == INCOMPLETE
    assert [(m.record, m.item.id) for m in missing_ticks(RULES, unit, clause)] == [("乙", "agreement")]
    seen = make_unit(bases=(base("甲"), base("乙")))
    assert clause_progress(RULES, seen, clause) == DONE


def test_a_base_or_trip_outside_the_year_asks_for_no_evidence():
    """A tester's new year: last year's bases carried over showed 1.1 依据不全, asking for an agreement no tick could
    make count. A base or trip outside the assessment year is not counted, and its evidence is not asked for."""
    import datetime as dt
    last_year = dt.date(2021, 5, 1)
    unit = make_unit(bases=(base("甲"), base("旧", date=last_year, seen=False)))
    assert clause_progress(RULES, unit, RULES.clause("1.1")) == DONE
    assert missing_ticks(RULES, unit, RULES.clause("1.1")) == []
    trips = make_unit(trips=(trip(), trip(date=last_year, photos=False)))
    assert clause_progress(RULES, trips, RULES.clause("1.2")) == DONE
    # only last year's bases (a year started from the last): nothing of this year's assessment yet, not 已完成
    carried = make_unit(bases=(base("旧", date=last_year, seen=False),))
    assert clause_progress(RULES, carried, RULES.clause("1.1")) == NOT_STARTED
    assert clause_progress(RULES, carried, RULES.clause("1.1"), note="已核对：今年无新签基地") == DONE


def test_trip_evidence_is_per_trip():
    clause = RULES.clause("1.2")
    unit = make_unit(trips=(trip(), trip(photos=False)))
    assert clause_progress(RULES, unit, clause) == INCOMPLETE
    assert [m.item.id for m in missing_ticks(RULES, unit, clause)] == ["photos"]


def test_clause_level_evidence_partly_ticked_is_incomplete():
    clause = RULES.clause("1.3")
    unit = make_unit(evidence=evidence(only={"1.3": ["annual_plan"]}))
    assert clause_progress(RULES, unit, clause) == INCOMPLETE
    assert clause_progress(RULES, make_unit(evidence=evidence(["1.3"])), clause) == DONE


def test_2_1_needs_only_the_evidence_of_the_people_it_has():
    clause = RULES.clause("2.1")
    labour_only = make_unit(bases=(base(people=60),), evidence=evidence(only={"2.1": ["annex1", "annex2",
                                                                                     "monthly_reports"]}))
    assert clause_progress(RULES, labour_only, clause) == DONE
    with_school = make_unit(bases=(base(people=60), base("校", "school", people=5)),
                            evidence=labour_only.evidence)
    assert clause_progress(RULES, with_school, clause) == INCOMPLETE
    assert {m.item.id for m in missing_ticks(RULES, with_school, clause)} == {"annex3", "annex4", "district_list"}


def test_facts_without_evidence_count_as_started():
    assert clause_progress(RULES, make_unit(deliveries=(delivery(),)), RULES.clause("3.1")) == INCOMPLETE
    assert clause_progress(RULES, make_unit(insured_workers=3), RULES.clause("4.2")) == INCOMPLETE
    assert clause_progress(RULES, make_unit(management=Management(reason="x")), RULES.clause("4.1")) == INCOMPLETE


def test_an_award_awaiting_its_reason_keeps_4_1_from_done():
    clause, ticked = RULES.clause("4.1"), evidence(["4.1"])  # every item seen: the suggestion is 10
    assert clause_progress(RULES, make_unit(evidence=ticked), clause) == DONE
    assert clause_progress(RULES, make_unit(evidence=ticked, management=Management(8)), clause) == INCOMPLETE
    assert clause_progress(RULES, make_unit(evidence=ticked, management=Management(8, "  ")), clause) == INCOMPLETE
    assert clause_progress(RULES, make_unit(evidence=ticked, management=Management(8, "食宿未落实")), clause) == DONE
    assert clause_progress(RULES, make_unit(evidence=ticked, management=Management(10)), clause) == DONE


def test_a_note_alone_marks_a_clause_with_nothing_to_record_done():
    assert clause_progress(RULES, make_unit(), RULES.clause("3.1"), note="本年度无输送") == DONE
    assert clause_progress(RULES, make_unit(), RULES.clause("1.3"), note="缺年度计划") == INCOMPLETE
    assert clause_progress(RULES, make_unit(), RULES.clause("3.1"), note="  ") == NOT_STARTED


def test_record_verdicts_follow_the_records():
    from core.scoring.assessment import counted, record_verdicts
    from tests.builders import score
    unit = make_unit("甲", bases=(base("一"), base("二", seen=False)), trips=(trip(), trip(enterprises=3)),
                     deliveries=(delivery(), delivery(stars=2)), evidence=evidence(["3.1"]))
    result = score(unit).unit("甲")
    assert [counted(v) for v in record_verdicts(result.clause("1.1"))] == [True, False]
    assert [counted(v) for v in record_verdicts(result.clause("1.2"))] == [True, False]
    assert [counted(v) for v in record_verdicts(result.clause("3.1"))] == [True, False]
    assert len(record_verdicts(result.clause("2.1"))) == 2
