"""Matching records into the confirmed counts of clauses 2.1, 2.2 and 4.2: every rule, the
cross-unit conflict and the assessor's assignment, counts per base feeding the engine."""

import dataclasses
import datetime as dt

import pytest

from core.common.messages import render
from core.excel.check import check_workbook
from core.people.matching import ARRIVAL, INTERN, TRAINEE, UnitSubmission, apply_counts, match, months_between
from core.people.records import ArrivalRecord, MonthlyReportRecord, PlacementRecord, TraineeListRecord
from core.scoring.rules import RuleSetError, load_rule_set, parse_rule_set
from tests.builders import base, evidence, make_unit, rules_with_reading, score
from tests.xlsx_builders import arrival, arrivals_rows, person_id, write_workbook

RULES = load_rule_set()
IN = dt.date(2022, 3, 1)


def arrival_record(i, unit_sheet="花名册", **overrides):
    values = dict(sheet=unit_sheet, row=i + 2, name=f"人员{i}", id_number=person_id(i), employer="某公司",
                  first_insured_date=IN, base="铜仁劳务基地", insured_months=8)
    values.update(overrides)
    return ArrivalRecord(**values)


def report(i, **overrides):
    values = dict(sheet="2022年3月", row=i + 2, name=f"人员{i}", id_number=person_id(i), month=IN)
    values.update(overrides)
    return MonthlyReportRecord(**values)


def placement(i, kind="trainee", **overrides):
    values = dict(sheet="学员", row=i + 2, name=f"学员{i}", id_number=person_id(i), employer="某公司",
                  placement_type=kind, base="铜仁职业技术学院", start_date=IN, placement_months=7)
    values.update(overrides)
    return PlacementRecord(**values)


def listed(i, **overrides):
    values = dict(sheet="名单", row=i + 2, name=f"学员{i}", id_number=person_id(i))
    values.update(overrides)
    return TraineeListRecord(**values)


def reasons(verdict):
    return [m.code for m in verdict.reasons]


def one(result, unit="甲"):
    return result.unit(unit)


# ------------------------------------------------------------------ arrivals

def test_an_arrival_on_the_roster_in_the_reports_and_insured_in_the_year_is_confirmed():
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1)], (), [report(1)])])
    unit = one(result)
    (person,) = unit.people
    assert person.confirmed and person.retained and person.reasons == () and person.kind == ARRIVAL
    assert (unit.arrivals, unit.arrivals_retained, unit.placements, unit.total) == (1, 1, 0, 1)
    assert render(person.verdict) == "计入"


def test_an_arrival_missing_from_the_monthly_reports_is_not_confirmed():
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1), arrival_record(2)], (), [report(1)])])
    unit = one(result)
    assert [p.confirmed for p in unit.people] == [True, False]
    assert reasons(unit.people[1]) == ["match.not_in_monthly_reports"]
    assert unit.unconfirmed() == (unit.people[1],)
    assert "不在该单位的每月送工信息中" in render(unit.people[1].verdict)


def test_a_person_reported_under_another_name_counts_with_a_note_on_that_person():
    roster = [arrival_record(1, name="李娜"), arrival_record(2, name="王 芳"), arrival_record(3, name="张伟")]
    reports = [report(1, name="汪芳", row=5), report(1, name="汪芳", row=9, sheet="2022年4月"),
               report(2, name="王芳"),  # the same name typed with a space: no note
               report(3, name="张玮"), report(3, name="张伟", sheet="2022年4月")]  # one month names them right
    li, wang, zhang = one(match(RULES, [UnitSubmission("甲", roster, (), reports)])).people
    assert li.confirmed and li.retained and li.reasons == ()  # the ID number is the key (rules-2022.md 2.1)
    assert [render(n) for n in li.notes] == [
        "每月送工信息中此身份证号码的姓名为“汪芳”（2022年3月 第 5 行），与花名册的“李娜”不同，请核对"]
    assert wang.notes == () and zhang.notes == ()
    two = one(match(RULES, [UnitSubmission("甲", [arrival_record(1, name="李娜")], (),
                                           [report(1, name="汪芳"), report(1, name="王娜", sheet="2022年4月")])]))
    assert render(two.people[0].notes[0]).startswith(
        "每月送工信息中此身份证号码的姓名为“汪芳”“王娜”（2022年3月 第 3 行）")


def test_a_trainee_listed_by_the_district_under_another_name_counts_with_a_note():
    result = match(RULES, [UnitSubmission("甲", (), [placement(1, name="孙丽"), placement(2)])],
                   traineeship_list=[listed(1, name="孙莉", row=8), listed(2)])
    renamed, same = one(result).people
    assert renamed.confirmed and same.confirmed and same.notes == ()
    assert [render(n) for n in renamed.notes] == [
        "全区就业见习名单中此身份证号码的姓名为“孙莉”（名单 第 8 行），与单位申报名单中的“孙丽”不同，请核对"]


def test_only_the_units_own_reports_count():
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1)], (), ()),
                           UnitSubmission("乙", (), (), [report(1)])])
    assert reasons(one(result).people[0]) == ["match.not_in_monthly_reports"]


@pytest.mark.parametrize("insured, confirmed", [
    (dt.date(2021, 12, 31), False), (dt.date(2022, 1, 1), True), (dt.date(2022, 12, 31), True),
    (dt.date(2023, 1, 1), False)])
def test_first_insured_inside_the_assessment_period(insured, confirmed):
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1, first_insured_date=insured)], (), [report(1)])])
    person = one(result).people[0]
    assert person.confirmed is confirmed
    if not confirmed:
        assert reasons(person) == ["match.first_insured_out_of_period"]
        assert insured.isoformat() in render(person.reasons[0]) and "2022-01-01" in render(person.reasons[0])


def test_every_reason_is_given_at_once():
    record = arrival_record(1, first_insured_date=dt.date(2021, 5, 1))
    assert reasons(one(match(RULES, [UnitSubmission("甲", [record])])).people[0]) == [
        "match.not_in_monthly_reports", "match.first_insured_out_of_period"]


@pytest.mark.parametrize("overrides, retained, reason", [
    (dict(insured_months=6), True, None),
    (dict(insured_months=5), False, "match.months_short"),
    (dict(insured_months=None), False, "match.months_unknown"),
    (dict(insured_months=None, leave_date=dt.date(2022, 9, 1)), True, None),  # 1 March to 1 September
    ({"insured_months": None, "leave_date": dt.date(2022, 8, 31)}, True, None),  # March to August, both days counted
    ({"insured_months": None, "leave_date": dt.date(2022, 8, 30)}, False, "match.months_short"),
    ({"insured_months": 9, "leave_date": dt.date(2022, 5, 31)}, False, "match.months_short"),  # left after three
])
def test_still_insured_after_six_months(overrides, retained, reason):
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1, **overrides)], (), [report(1)])])
    person = one(result).people[0]
    assert person.confirmed and person.retained is retained
    assert [m.code for m in person.retention_reasons] == ([reason] if reason else [])
    assert one(result).arrivals_retained == int(retained)


def test_months_between_counts_both_days_as_a_roster_writes_a_period():
    assert months_between(dt.date(2022, 7, 1), dt.date(2022, 12, 31)) == 6  # 2022-07-01 至 2022-12-31: 六个月
    assert months_between(dt.date(2022, 3, 1), dt.date(2022, 8, 31)) == 6
    assert months_between(dt.date(2022, 3, 1), dt.date(2022, 8, 30)) == 5
    assert months_between(dt.date(2022, 1, 15), dt.date(2022, 7, 14)) == 6
    assert months_between(dt.date(2022, 1, 15), dt.date(2022, 7, 13)) == 5
    assert months_between(dt.date(2022, 11, 30), dt.date(2023, 5, 29)) == 6
    assert months_between(dt.date(2022, 1, 31), dt.date(2022, 7, 30)) == 6
    assert months_between(dt.date(2022, 1, 31), dt.date(2022, 7, 29)) == 5
    assert months_between(dt.date(2022, 5, 1), dt.date(2022, 5, 31)) == 1


# ------------------------------------------------------------------ trainees and interns

def test_a_trainee_counts_only_on_the_district_list():
    result = match(RULES, [UnitSubmission("甲", (), [placement(1), placement(2)])], traineeship_list=[listed(1)])
    unit = one(result)
    assert [p.confirmed for p in unit.people] == [True, False]
    assert reasons(unit.people[1]) == ["match.not_on_district_list"] and unit.people[1].kind == TRAINEE
    assert (unit.placements, unit.placements_retained) == (1, 1)


def test_a_trainees_months_come_from_the_district_list_first():
    result = match(RULES, [UnitSubmission("甲", (), [placement(1, placement_months=9)])],
                   traineeship_list=[listed(1, start_date=dt.date(2022, 3, 1), end_date=dt.date(2022, 7, 1))])
    person = one(result).people[0]
    assert person.months == 4 and not person.retained


@pytest.mark.parametrize("start, confirmed, reason", [
    (dt.date(2022, 9, 1), True, None),
    (dt.date(2021, 9, 1), False, "match.internship_out_of_period"),
    (None, False, "match.internship_start_missing"),
])
def test_an_intern_counts_when_the_first_internship_started_in_the_year(start, confirmed, reason):
    result = match(RULES, [UnitSubmission("甲", (), [placement(1, kind=INTERN, start_date=start)])])
    person = one(result).people[0]
    assert person.kind == INTERN and person.confirmed is confirmed
    assert reasons(person) == ([reason] if reason else [])


def test_an_intern_needs_no_district_list_and_six_months_from_dates():
    record = placement(1, kind=INTERN, placement_months=None, start_date=dt.date(2022, 7, 1),
                       end_date=dt.date(2022, 12, 31))
    person = one(match(RULES, [UnitSubmission("甲", (), [record])])).people[0]
    assert person.confirmed and person.months == 6 and person.retained  # 2022-07-01 至 2022-12-31: 满六个月
    shorter = placement(1, kind=INTERN, placement_months=None, start_date=dt.date(2022, 7, 2),
                        end_date=dt.date(2022, 12, 31))
    person = one(match(RULES, [UnitSubmission("甲", (), [shorter])])).people[0]
    assert person.confirmed and person.months == 5 and not person.retained


def test_months_a_roster_gives_never_exceed_what_its_own_dates_allow_and_a_note_says_so():
    """A person who left after three months counts three, whatever the roster's 参保月数 says (a tester's row:
    首次参保 2022-03-01, 参保月数 9, 离职 2022-05-31); an intern's 月数 likewise against the internship's dates."""
    record = arrival_record(1, insured_months=9, leave_date=dt.date(2022, 5, 31))
    person = one(match(RULES, [UnitSubmission("甲", [record], (), [report(1)])])).people[0]
    assert person.confirmed and person.months == 3 and not person.retained
    assert [m.code for m in person.notes] == ["match.months_capped"]
    said = render(person.notes[0])
    assert "9 个月" in said and "3 个月" in said and "2022-05-31" in said
    kept = arrival_record(1, insured_months=6, leave_date=dt.date(2022, 12, 31))  # the dates allow ten: six kept
    person = one(match(RULES, [UnitSubmission("甲", [kept], (), [report(1)])])).people[0]
    assert person.months == 6 and person.retained and person.notes == ()
    intern = placement(1, kind=INTERN, placement_months=8, start_date=dt.date(2022, 7, 1),
                       end_date=dt.date(2022, 10, 31))
    person = one(match(RULES, [UnitSubmission("甲", (), [intern])])).people[0]
    assert person.months == 4 and not person.retained and [m.code for m in person.notes] == ["match.months_capped"]



def test_the_reading_months_counting_elapsed_counts_the_months_between_the_dates():
    """The rule set's reading decides: with `elapsed`, 2022-07-01 至 2022-12-31 is five months (six from 2023-01-01),
    and the months a roster gives are capped by that count."""
    assert months_between(dt.date(2022, 7, 1), dt.date(2022, 12, 31), both_days=False) == 5
    assert months_between(dt.date(2022, 7, 1), dt.date(2023, 1, 1), both_days=False) == 6
    assert months_between(dt.date(2022, 1, 31), dt.date(2022, 7, 31), both_days=False) == 6
    elapsed = rules_with_reading("months_counting", '"elapsed"')
    record = placement(1, kind=INTERN, placement_months=None, start_date=dt.date(2022, 7, 1),
                       end_date=dt.date(2022, 12, 31))
    person = one(match(elapsed, [UnitSubmission("甲", (), [record])])).people[0]
    assert person.confirmed and person.months == 5 and not person.retained
    person = one(match(RULES, [UnitSubmission("甲", (), [record])])).people[0]
    assert person.months == 6 and person.retained
    left = arrival_record(1, insured_months=6, leave_date=dt.date(2022, 8, 31))  # 首次参保 2022-03-01
    person = one(match(elapsed, [UnitSubmission("甲", [left], (), [report(1)])])).people[0]
    assert person.months == 5 and not person.retained and [m.code for m in person.notes] == ["match.months_capped"]


def test_a_rule_set_without_the_reading_counts_both_days_and_a_wrong_value_is_refused():
    text = RULES.source_text
    start = text.index("[readings.months_counting]")
    without = text[:start] + text[text.index("[readings.", start + 1):]
    without = without.replace('"months_counting", ', "")
    older = parse_rule_set(without, source="<older>")
    assert "months_counting" not in older.readings
    record = placement(1, kind=INTERN, placement_months=None, start_date=dt.date(2022, 7, 1),
                       end_date=dt.date(2022, 12, 31))
    assert one(match(older, [UnitSubmission("甲", (), [record])])).people[0].months == 6
    with pytest.raises(RuleSetError) as raised:
        rules_with_reading("months_counting", '"rounded"')
    assert "readings.months_counting.value" in str(raised.value)

# ------------------------------------------------------------------ conflicts and assignments

def two_units():
    return [UnitSubmission("甲", [arrival_record(1, unit_sheet="甲花名册")], (), [report(1)]),
            UnitSubmission("乙", [arrival_record(1, unit_sheet="乙花名册", row=9)], (), [report(1)])]


def test_a_person_claimed_by_two_units_counts_for_neither():
    result = match(RULES, two_units())
    for unit in ("甲", "乙"):
        (person,) = one(result, unit).people
        assert not person.confirmed and reasons(person) == ["match.conflict"]
        assert one(result, unit).arrivals == 0
    (conflict,) = result.conflicts
    assert conflict.id_number == person_id(1) and conflict.units == ("甲", "乙") and conflict.assigned_to is None
    assert [(c.unit, c.sheet, c.row) for c in conflict.claims] == [("甲", "甲花名册", 3), ("乙", "乙花名册", 9)]
    text = render(one(result, "甲").people[0].reasons[0])
    assert "乙" in text and "乙花名册" in text and "第 9 行" in text


def test_the_assessors_assignment_decides():
    result = match(RULES, two_units(), assignments={person_id(1): "乙"})
    assert one(result, "乙").people[0].confirmed and one(result, "乙").arrivals == 1
    assert [m.code for m in one(result, "乙").people[0].notes] == ["match.assigned_here"]
    assert reasons(one(result, "甲").people[0]) == ["match.assigned_elsewhere"]
    assert result.conflicts[0].assigned_to == "乙" and result.problems == ()


def test_an_assignment_to_a_unit_that_did_not_claim_the_person():
    result = match(RULES, two_units(), assignments={person_id(1): "丙", person_id(99): "丁"})
    assert [p.message.code for p in result.problems] == ["match.assignment_not_a_claimant",
                                                        "match.assignment_unknown_unit"]
    assert result.conflicts[0].assigned_to is None
    assert not one(result, "甲").people[0].confirmed and not one(result, "乙").people[0].confirmed


def test_a_conflict_between_a_roster_and_a_traineeship():
    subs = [UnitSubmission("甲", [arrival_record(1)], (), [report(1)]),
            UnitSubmission("乙", (), [placement(1)])]
    result = match(RULES, subs, traineeship_list=[listed(1)])
    assert [c.kind for c in result.conflicts[0].claims] == [ARRIVAL, TRAINEE]
    assert not any(p.confirmed for u in result.units for p in u.people)


def test_with_the_reading_off_both_units_count_the_person():
    rules = rules_with_reading("conflicting_claims_count_for_none", "false")
    result = match(rules, two_units())
    assert one(result, "甲").arrivals == one(result, "乙").arrivals == 1
    assert len(result.conflicts) == 1  # still listed for the assessor


def test_the_same_unit_claiming_a_person_twice_counts_once():
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1)], [placement(1)], [report(1)])],
                   traineeship_list=[listed(1)])
    unit = one(result)
    assert [p.confirmed for p in unit.people] == [True, False]
    assert reasons(unit.people[1]) == ["match.duplicate_in_unit"] and unit.total == 1


def test_several_submissions_of_one_unit_are_merged():
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1)]), UnitSubmission("甲", (), (), [report(1)])])
    assert len(result.units) == 1 and one(result).arrivals == 1 and result.conflicts == ()


# ------------------------------------------------------------------ bases and the engine

def test_counts_per_base_and_base_checks():
    bases = (base("铜仁劳务基地"), base("昭通劳务基地"), base("铜仁职业技术学院", "school"))
    records = [arrival_record(1), arrival_record(2, base="昭通劳务基地", insured_months=2),
               arrival_record(3, base="周口劳务基地"), arrival_record(4, base="")]
    result = match(RULES, [UnitSubmission("甲", records, [placement(5, base="")], [report(i) for i in range(1, 5)],
                                          bases=bases)], traineeship_list=[listed(5)])
    unit = one(result)
    assert [(b.base, b.type, b.people, b.retained) for b in unit.bases] == [
        ("铜仁劳务基地", "labour", 1, 1), ("昭通劳务基地", "labour", 1, 0), ("铜仁职业技术学院", "school", 1, 1)]
    by_row = {p.record.row: p for p in unit.people}
    assert reasons(by_row[5]) == ["match.base_unknown"]  # 周口 is not one of this unit's bases
    assert reasons(by_row[6]) == ["match.base_missing"]  # two labour bases: which one?
    assert by_row[7].confirmed and by_row[7].base == "铜仁职业技术学院"  # the only school base


def test_matched_counts_replace_the_hand_entered_ones_and_feed_the_engine():
    unit = make_unit("甲", bases=(base("铜仁劳务基地", people=999, retained=999), base("手填基地", people=3, retained=1)),
                     evidence=evidence(["2.1", "2.2", "4.2"]), insured_workers=30)
    records = [arrival_record(i) for i in range(60)]
    result = match(RULES, [UnitSubmission("甲", records, (), [report(i) for i in range(60)], bases=unit.bases)])
    updated = apply_counts(unit, one(result))
    assert [(b.name, b.people, b.retained) for b in updated.bases] == [("铜仁劳务基地", 60, 60), ("手填基地", 0, 0)]
    assert dataclasses.replace(updated, bases=unit.bases) == unit  # nothing else changed
    scored = score(updated).unit("甲")
    assert scored.clause("2.1").value == 60
    assert scored.clause("4.2").net == 3  # 30 insured of 60 confirmed arrivals: 50%


def test_retention_months_come_from_the_rule_set_unless_given():
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1, insured_months=4)], (), [report(1)])],
                   retention_months=4)
    assert one(result).people[0].retained and result.retention_months == 4
    assert match(RULES, []).retention_months == 6


# ------------------------------------------------------------------ from real files

def test_from_real_workbooks(tmp_path):
    roster = write_workbook(tmp_path / "roster.xlsx",
                            {"花名册": arrivals_rows([arrival(i, 参保月数=3 + i) for i in range(4)])},
                            title="花名册", title_rows=2)
    monthly = write_workbook(tmp_path / "monthly.xlsx", {
        "2022年3月": [["姓名", "身份证号码", "用工单位"], ["a", person_id(0), "x"], ["b", person_id(1), "x"]],
        "2022年4月": [["姓名", "身份证号码", "用工单位"], ["c", person_id(2), "x"]]})
    arrivals = check_workbook(roster, "arrivals", RULES)
    reports = check_workbook(monthly, "monthly_reports", RULES)
    assert arrivals.ok and reports.ok
    unit = one(match(RULES, [UnitSubmission("甲", arrivals.records, (), reports.records)]))
    assert [p.confirmed for p in unit.people] == [True, True, True, False]
    assert [p.months for p in unit.people] == [3, 4, 5, 6]
    assert (unit.arrivals, unit.arrivals_retained) == (3, 0)  # the one with six months is not in the reports
    assert unit.unconfirmed()[0].record.row == 7


def test_matched_counts_tell_a_school_bases_trainees_from_its_interns():
    school = base("铜仁职业技术学院", "school", people=50)
    unit = make_unit("甲", bases=(base("铜仁劳务基地"), school),
                     evidence=evidence(["2.1", "2.2"], except_={"2.1": ["district_list"]}))
    records = [placement(i) for i in range(1, 4)]  # trainees: 1 and 2 on the district list, 3 not
    records += [placement(i, kind=INTERN) for i in range(4, 9)]  # five interns, one of them four months only
    records[-1] = placement(8, kind=INTERN, placement_months=4)
    result = match(RULES, [UnitSubmission("甲", (), records, bases=unit.bases)],
                   traineeship_list=[listed(1), listed(2)])
    found = one(result).base("铜仁职业技术学院")
    assert (found.people, found.retained, found.trainees, found.trainees_retained) == (7, 6, 2, 2)
    updated = apply_counts(unit, one(result))
    counted = updated.bases[1]
    assert (counted.people, counted.retained, counted.trainees, counted.trainees_retained, counted.count_source) == (
        7, 6, 2, 2, "roster")
    assert updated.bases[0].trainees is None  # a labour base has no trainees
    # the district list not ticked: the five interns count, the two trainees wait for it
    assert score(updated).unit("甲").clause("2.1").value == 5


# ------------------------------------------------------------------ what the monthly reports say otherwise

def note_codes(verdict):
    return [m.code for m in verdict.notes]


def test_an_arrival_whose_reports_name_another_employer_base_or_start_date_gets_notes_and_still_counts():
    roster = [arrival_record(i, arrival_date=IN) for i in (1, 2, 3)]
    reports = [report(1, employer="另一公司", base="铜仁 劳务基地", arrival_date=IN),  # the base spaced, the same
               report(2, employer="某公司", base="昭通劳务基地"),
               report(3, arrival_date=dt.date(2022, 3, 9))]
    unit = one(match(RULES, [UnitSubmission("甲", roster, (), reports)]))
    first, second, third = unit.people
    assert all(p.confirmed for p in unit.people) and unit.arrivals == 3 and unit.arrivals_retained == 3
    assert note_codes(first) == ["match.employer_differs_monthly_report"]
    assert render(first.notes[0]) == \
        "每月送工信息中此人的用工单位为“另一公司”（2022年3月 第 3 行），与花名册的“某公司”不同，请核对"
    assert note_codes(second) == ["match.base_differs_monthly_report"]
    assert render(second.notes[0]) == ("每月送工信息中此人的基地为“昭通劳务基地”（2022年3月 第 4 行），"
                                       "与花名册的“铜仁劳务基地”不同，请核对")
    assert [render(m) for m in third.notes] == [
        "每月送工信息中此人的入职日期为 2022-03-09（2022年3月 第 5 行），与花名册的 2022-03-01 不同，请核对"]

    # a blank cell on either side says nothing
    roster = [arrival_record(2, employer="")]
    reports = [report(2, employer="另一公司", base="", arrival_date=dt.date(2022, 3, 9))]
    unit = one(match(RULES, [UnitSubmission("甲", roster, (), reports)]))
    assert [note_codes(p) for p in unit.people] == [[]]


def test_every_report_row_of_a_person_is_compared_not_only_the_first():
    """A tester's 孙八: the May report as the roster has him, the June one with another name, employer, base and
    入职日期. Each difference is told, naming June's row (before: May's agreeing row hid them all)."""
    roster = [arrival_record(1, arrival_date=IN)]
    may, june = dt.date(2022, 5, 1), dt.date(2022, 6, 1)
    reports = [report(1, month=may, employer="某公司", base="铜仁劳务基地", arrival_date=IN),
               dataclasses.replace(report(1, month=june, employer="另一家电子有限公司", base="贵州从江劳务基地",
                                          arrival_date=dt.date(2022, 1, 15)), sheet="2022年6月", row=7,
                                   name="孙小八")]
    person = one(match(RULES, [UnitSubmission("甲", roster, (), reports)])).people[0]
    assert person.confirmed
    assert note_codes(person) == ["match.name_differs_monthly_report", "match.employer_differs_monthly_report",
                                  "match.base_differs_monthly_report", "match.arrival_date_differs_monthly_report"]
    assert all("2022年6月 第 7 行" in render(m) for m in person.notes), [render(m) for m in person.notes]
    assert "“另一家电子有限公司”" in render(person.notes[1]) and "某公司”不同" in render(person.notes[1])
    # both rows as the roster has him: nothing
    agreeing = [reports[0], dataclasses.replace(reports[0], month=june, sheet="2022年6月", row=7)]
    assert one(match(RULES, [UnitSubmission("甲", roster, (), agreeing)])).people[0].notes == ()


def test_an_arrival_reported_only_before_starting_or_after_leaving_gets_a_note():
    june, may = dt.date(2022, 6, 10), dt.date(2022, 5, 1)
    roster = [arrival_record(1, arrival_date=june, first_insured_date=june),
              arrival_record(2, first_insured_date=may),  # no 入职日期: 首次参保 with a month's grace
              arrival_record(3, first_insured_date=dt.date(2022, 4, 1)),
              arrival_record(4, first_insured_date=IN, leave_date=dt.date(2022, 2, 28), insured_months=None),
              arrival_record(5, arrival_date=june, first_insured_date=june)]
    reports = [report(1), report(1, month=dt.date(2022, 4, 1)), report(2), report(3),
               report(4, month=dt.date(2022, 1, 1)),
               report(4, month=dt.date(2022, 3, 1)), report(5), report(5, month=dt.date(2022, 6, 1))]
    first, second, third, fourth, fifth = one(match(RULES, [UnitSubmission("甲", roster, (), reports)])).people
    assert [render(m) for m in first.notes] == [
        "每月送工信息只在2022年3月、2022年4月报送此人，早于花名册的入职日期 2022-06-10，请核对"]
    assert [render(m) for m in second.notes] == [
        "每月送工信息只在2022年3月报送此人，早于花名册的首次参保日期 2022-05-01，请核对"]
    assert note_codes(third) == []  # reported the month before insured: the grace
    assert note_codes(fourth) == []  # reported in January, before leaving in February
    assert note_codes(fifth) == []  # reported in June too
    assert first.confirmed and second.confirmed


def test_an_arrival_reported_only_after_leaving_gets_a_note():
    roster = [arrival_record(1, leave_date=dt.date(2022, 2, 20), first_insured_date=dt.date(2022, 1, 5),
                             insured_months=None)]
    (person,) = one(match(RULES, [UnitSubmission("甲", roster, (), [report(1)])])).people
    assert [render(m) for m in person.notes] == [
        "每月送工信息只在2022年3月报送此人，晚于花名册的离职日期 2022-02-20，请核对"]


# ------------------------------------------------------------------ reported, on no roster

def test_the_people_reported_on_no_roster_are_listed_once_with_their_months():
    roster = [arrival_record(1)]
    trainees = [placement(2)]
    reports = [report(1), report(2), report(3), report(4, month=dt.date(2022, 5, 1)),
               report(3, month=dt.date(2022, 4, 1), row=9),
               report(4, month=None)]
    result = match(RULES, [UnitSubmission("甲", roster, trainees, reports), UnitSubmission("乙", [arrival_record(3)])])
    unit = one(result)
    assert [(p.id_number, p.months, p.rows) for p in unit.reported_only] == [
        (person_id(3), (IN, dt.date(2022, 4, 1)), 2), (person_id(4), (dt.date(2022, 5, 1),), 2)]
    assert [render(p.months_words) for p in unit.reported_only] == ["2022年3月、2022年4月", "2022年5月"]
    assert render(unit.reported_only[0].where) == "2022年3月 第 5 行等 2 行"
    assert unit.total == 1  # counted for nothing
    assert result.reported_only_by_unit() == {"甲": unit.reported_only}
    assert result.unit("乙").reported_only == ()


def test_a_person_reported_on_no_roster_of_the_unit_names_the_other_units_rostering_them():
    """甲 reports people 乙's and 丙's rosters claim: the assessor sees whose, beside each (a unit sending people
    another unit counts); one on no roster at all says so."""
    reports = [report(3), report(4), report(5)]
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1)], (), reports),
                           UnitSubmission("乙", [arrival_record(3), arrival_record(4)]),
                           UnitSubmission("丙", (), [placement(3)])])
    third, fourth, fifth = result.unit("甲").reported_only
    assert (third.elsewhere, fourth.elsewhere, fifth.elsewhere) == (("乙", "丙"), ("乙",), ())
    assert render(third.elsewhere_words) == "在乙、丙的花名册中"
    assert render(fifth.elsewhere_words) == "不在其他单位的花名册中"
    assert result.reported_only_by_unit()["甲"] == (third, fourth, fifth)
    # the other side: 乙's people its own reports do not name are told 甲's name them
    fourth_at_yi = next(p for p in result.unit("乙").people if p.id_number == person_id(4))
    assert [render(n) for n in fourth_at_yi.notes] == ["甲的每月送工信息中报送了此人，请核对归属"]
    assert not fourth_at_yi.confirmed  # a note only: 乙's own reports decide


def test_a_unit_without_a_roster_is_told_apart_from_one_with_nobody_unconfirmed():
    result = match(RULES, [UnitSubmission("甲", [arrival_record(1)], (), [report(1)]),
                           UnitSubmission("乙", (), (), [report(2)]), UnitSubmission("丙")])
    assert [u.has_roster for u in result.units] == [True, False, False]
    assert result.unconfirmed_by_unit() == {"甲": ()}  # 乙 and 丙: nothing could be confirmed or not
    assert [p.id_number for p in result.unit("乙").reported_only] == [person_id(2)]
