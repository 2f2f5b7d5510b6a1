"""Checking every row: ID numbers, dates in every Excel form, required fields, duplicates, skipped
rows, typed records; a 20,000-row file; hypothesis fuzzing of cell values and types."""

import dataclasses
import datetime as dt
import time
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.common.identifiers import id_check_char
from core.common.messages import render
from core.excel.check import check_read, check_workbook, read_and_check
from core.excel.kinds import import_spec
from core.excel.read import read_workbook
from core.people.records import RECORD_CLASSES, ArrivalRecord, MonthlyReportRecord, frozen_records, record_fields
from core.scoring.rules import load_rule_set
from tests.xlsx_builders import (
    ARRIVAL_HEADERS,
    arrival,
    arrivals_rows,
    generate_roster,
    person_id,
    valid_id,
    write_workbook,
)

RULES = load_rule_set()
TODAY = dt.date(2023, 3, 1)
HEADERS = ["姓名", "身份证号码", "用工单位", "首次参保日期", "参保月数"]


def check(path, kind="arrivals", **kwargs):
    return check_workbook(path, kind, RULES, today=TODAY, **kwargs)


def one_column(tmp_path, header, values, *, others=None, kind="arrivals"):
    """A roster whose `header` column holds `values` (one row each), the other columns valid."""
    others = others or {"姓名": "张三", "身份证号码": None, "用工单位": "某公司", "首次参保日期": dt.date(2022, 5, 1)}
    headers = list(dict.fromkeys([*others, header]))
    rows = [headers]
    for i, value in enumerate(values):
        row = {**others, "身份证号码": person_id(100 + i), header: value}
        rows.append([row[h] for h in headers])
    return check(write_workbook(tmp_path / "one.xlsx", {"名单": rows}), kind)


def by_row(result):
    return {int(p.location.split("!")[1]): p.message for p in result.problems}


# ------------------------------------------------------------------ records

def test_every_kind_has_a_record_class_with_its_fields():
    spec = import_spec()
    assert set(RECORD_CLASSES) == set(spec.kinds)
    for kind_id, kind in spec.kinds.items():
        assert set(record_fields(RECORD_CLASSES[kind_id])) == set(kind.fields), kind_id


def test_a_clean_roster_gives_typed_records(tmp_path):
    people = [arrival(i) for i in range(3)]
    result = check(write_workbook(tmp_path / "r.xlsx", {"花名册": arrivals_rows(people)}, title="花名册", title_rows=2))
    assert result.ok and result.rows_checked == 3 and result.rows_with_problems == 0
    first = result.records[0]
    assert first == ArrivalRecord(sheet="花名册", row=4, name=people[0]["姓名"], id_number=people[0]["身份证号码"],
                                  employer=people[0]["用工单位"], first_insured_date=people[0]["首次参保日期"],
                                  base=people[0]["劳务基地"], gender="女", phone="13900000000",
                                  arrival_date=people[0]["入职日期"], insured_months=6)
    assert isinstance(first.insured_months, int) and first.leave_date is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.name = "x"


def test_frozen_records_equal_ordinary_construction():
    rows = [("S", 2, "张三", person_id(1), "甲", None, "", "", "", None, None, None, "已离职")]
    made = frozen_records(ArrivalRecord, list(zip(*rows)), 1)
    assert made == [ArrivalRecord(*rows[0])] and hash(made[0]) == hash(ArrivalRecord(*rows[0]))


# ------------------------------------------------------------------ ID numbers

def test_id_numbers(tmp_path):
    good = valid_id(1)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    with_x = next(valid_id(n) for n in range(2, 200) if valid_id(n).endswith("X"))
    old, old_number = "320509950517201", "320509950517202"
    result = one_column(tmp_path, "身份证号码", [
        good,  # row 2: fine
        wrong_check,  # 3
        "320509199502300015",  # 4: 30 February
        float(good[:17] + "0"),  # 5: Excel made it a number
        "3.20509E+17",  # 6: scientific notation as text
        old,  # 7: 15 digits, converted
        float(old_number),  # 8: a 15-digit number is exact even as a number
        with_x.lower(),  # 9: lower-case x is fine
        "12345",  # 10
        "000000" + good[6:17] + id_check_char("000000" + good[6:17]),  # 11: no such area code
    ])
    problems = by_row(result)
    assert {row: m.code for row, m in problems.items()} == {
        3: "excel.id_check_digit", 4: "excel.id_birth_date", 5: "excel.id_as_number", 6: "excel.id_scientific",
        10: "excel.id_length", 11: "excel.id_area"}
    assert render(problems[11]).startswith("身份证号码前6位 000000 不是行政区划代码")
    assert problems[3].param("expected") == good[17]
    assert "第15位以后" in render(problems[5]) and "第15位以后" in render(problems[6])
    assert problems[5].param("value") == good[:15] + "000"  # as Excel shows it: 15 digits kept
    notes = {int(n.location.split("!")[1]): n.message for n in result.notes}
    assert set(notes) == {7, 8} and notes[7].code == "excel.id_converted"
    converted = old[:6] + "19" + old[6:]
    converted += id_check_char(converted)
    ids = {r.row: r.id_number for r in result.records}
    assert ids == {2: good, 7: converted, 8: notes[8].param("new"), 9: with_x}


def test_problems_name_sheet_row_and_column_header(tmp_path):
    result = one_column(tmp_path, "公民身份号码", ["110105194912310021"],
                        others={"员工姓名": "张三", "企业名称": "甲", "参保日期": dt.date(2022, 5, 1)})
    (problem,) = result.problems
    assert (problem.source, problem.location, problem.field) == ("one.xlsx", "名单!2", "公民身份号码")
    assert problem.text().startswith("one.xlsx：名单 第 2 行“公民身份号码”：身份证号码校验位错误")


# ------------------------------------------------------------------ dates

@pytest.mark.parametrize("value", [
    dt.date(2022, 3, 1), dt.datetime(2022, 3, 1, 8, 30), 44621, 44621.5, 20220301, "2022.3.1", "2022年3月1日",
    "2022-03-01", "2022/3/1", "2022/03/01", "20220301", "2022-03-01 08:30:00", " 2022 年 3 月 1 日 ",
    "２０２２年３月１日", "2022-3-1T00:00", "2022年3月1号",
])
def test_every_date_form(tmp_path, value):
    result = one_column(tmp_path, "首次参保日期", [value])
    assert result.ok, [render(p.message) for p in result.problems]
    assert result.records[0].first_insured_date == dt.date(2022, 3, 1)


@pytest.mark.parametrize("value, code", [
    ("2022.13.1", "excel.bad_date"), ("2022年2月30日", "excel.bad_date"), ("昨天", "excel.bad_date"),
    ("22.3.1", "excel.bad_date"), (True, "excel.bad_date"), (dt.date(1975, 1, 1), "excel.date_out_of_bounds"),
    (dt.date(2030, 1, 1), "excel.date_out_of_bounds"), (3, "excel.date_out_of_bounds"),
    (-5, "excel.bad_date"), (dt.time(8, 0), "excel.time_not_date"),
])
def test_bad_dates(tmp_path, value, code):
    result = one_column(tmp_path, "首次参保日期", [value])
    assert [p.message.code for p in result.problems] == [code]
    assert result.records == ()


def test_dates_reversed(tmp_path):
    result = one_column(tmp_path, "离职日期", [dt.date(2022, 1, 1)])
    assert [p.message.code for p in result.problems] == ["excel.dates_reversed"]
    assert result.problems[0].field == "离职日期"


# ------------------------------------------------------------------ other types

@pytest.mark.parametrize("value, expected", [(7, 7), (7.0, 7), ("7", 7), ("7个月", 7), (" 7 ", 7)])
def test_integers(tmp_path, value, expected):
    result = one_column(tmp_path, "参保月数", [value])
    assert result.ok and result.records[0].insured_months == expected


@pytest.mark.parametrize("value, code", [(7.5, "excel.bad_integer"), ("七", "excel.bad_integer"),
                                         (-1, "excel.number_out_of_bounds"), (601, "excel.number_out_of_bounds"),
                                         (dt.date(2022, 1, 1), "excel.bad_integer")])
def test_bad_integers(tmp_path, value, code):
    problems = one_column(tmp_path, "参保月数", [value]).problems
    assert [p.message.code for p in problems] == [code]
    if value == -1:  # the field named in the sentence itself, not only in the place before it
        assert render(problems[0].message) == "参保月数为 -1，超出范围（0 至 600）"


def test_required_fields(tmp_path):
    result = one_column(tmp_path, "用工单位", ["", "   ", "甲"])
    assert {r: m.code for r, m in by_row(result).items()} == {2: "excel.required_missing", 3: "excel.required_missing"}
    assert [r.row for r in result.records] == [4]


def test_text_cells_of_other_types(tmp_path):
    result = one_column(tmp_path, "姓名", [12345, True])
    assert [r.name for r in result.records] == ["12345"]
    assert [p.message.code for p in result.problems] == ["excel.bad_text"]


def test_placements_type_and_dates(tmp_path):
    rows = [["姓名", "身份证号码", "实习单位", "类型", "开始日期", "结束日期"],
            ["甲", person_id(1), "某公司", "见习", "2022.3.1", "2022.9.30"],
            ["乙", person_id(2), "某公司", "岗位实习", dt.date(2022, 7, 1), None],
            ["丙", person_id(3), "某公司", "培训", dt.date(2022, 7, 1), None]]
    result = check(write_workbook(tmp_path / "p.xlsx", {"学员": rows}), "placements")
    assert [r.placement_type for r in result.records] == ["trainee", "intern"]
    assert result.records[0].end_date == dt.date(2022, 9, 30)
    (problem,) = result.problems
    assert problem.message.code == "excel.bad_choice" and problem.location == "学员!4"


def test_platform_exports(tmp_path):
    deliveries = [["运营单位", "企业名称", "完成日期", "企业评分"],
                  ["甲", "某公司", "2022-05-01", "★★★★"], ["甲", "某公司", dt.date(2022, 6, 1), 5.0],
                  ["乙", "某公司", dt.date(2022, 6, 1), "4星"], ["乙", "某公司", dt.date(2022, 6, 1), 6]]
    ratings = [["运营单位", "综合评分"], ["甲", 4.5], ["乙", "3.8分"], ["甲", 4.1], ["平均", None, 4.1]]
    path = write_workbook(tmp_path / "platform.xlsx", {"输送记录": deliveries, "综合评分": ratings})
    d = check(path, "platform_deliveries")
    assert [r.stars for r in d.records] == [4, 5, 4]
    assert [p.message.code for p in d.problems] == ["excel.number_out_of_bounds"]
    assert [n.message.code for n in d.notes] == ["excel.sheet_skipped"]
    r = check(path, "platform_ratings")
    assert [(x.unit, x.rating) for x in r.records] == [("甲", Fraction(9, 2)), ("乙", Fraction(19, 5))]
    assert [p.message.code for p in r.problems] == ["excel.duplicate_row"]  # the 平均 line below is no unit
    assert render(r.problems[0].message).endswith("：同一运营单位在本文件中出现两次")


# ------------------------------------------------------------------ duplicates and skipped rows

def test_the_same_person_twice_names_both_rows(tmp_path):
    people = [arrival(1), arrival(2), arrival(1, 联系电话="13900000000")]
    result = check(write_workbook(tmp_path / "d.xlsx", {"花名册": arrivals_rows(people)}))
    (problem,) = result.problems
    assert problem.location == "花名册!4" and problem.message.code == "excel.duplicate_row"
    assert (problem.message.param("sheet"), problem.message.param("row")) == ("花名册", 2)
    assert render(problem.message).endswith("：同一人员在本文件中出现两次")
    assert [r.row for r in result.records] == [2, 3]


def test_two_people_with_one_id_number_are_both_problems(tmp_path):
    """One ID number on rows naming different people: one of them was typed with the other's number, and the file
    cannot say which, so both rows are problems, each naming the other; a third row of either name is a duplicate
    of that name's row, a third name another pair. The same name written with spaces or a remark is one name."""
    number = person_id(1)
    people = [arrival(2, 姓名="何明", 身份证号码=number), arrival(1, 姓名="刘超"), arrival(3), arrival(1, 姓名="刘 超"),
              arrival(1, 姓名="何明（男）"), arrival(1, 姓名="张三")]
    result = check(write_workbook(tmp_path / "d.xlsx", {"花名册": arrivals_rows(people)}))
    assert [(p.location, p.field, p.message.code) for p in result.problems] == [
        ("花名册!2", "身份证号码", "excel.duplicate_names"), ("花名册!2", "身份证号码", "excel.duplicate_names"),
        ("花名册!3", "身份证号码", "excel.duplicate_names"), ("花名册!5", "身份证号码", "excel.duplicate_row"),
        ("花名册!6", "身份证号码", "excel.duplicate_row"), ("花名册!7", "身份证号码", "excel.duplicate_names")]
    masked = f"{number[:6]}********{number[-4:]}"
    texts = [render(p.message).replace(number, masked) for p in result.problems]
    assert texts[0] == texts[2] == f"第 2 行（何明）与第 3 行（刘超）身份证号码相同（{masked}），请核对哪一行填错"
    assert texts[1] == texts[5] == f"第 2 行（何明）与第 7 行（张三）身份证号码相同（{masked}），请核对哪一行填错"
    assert [p.message.param("row") for p in result.problems[3:5]] == [3, 2]  # 刘 超 is 刘超's, 何明（男） 何明's
    assert [r.row for r in result.records] == [4] and result.rows_with_problems == 5


def test_two_people_with_one_id_number_on_two_sheets(tmp_path):
    first = arrivals_rows([arrival(1, 姓名="何明"), arrival(2)])
    second = arrivals_rows([arrival(1, 姓名="刘超")])
    result = check(write_workbook(tmp_path / "d.xlsx", {"一": first, "二": second}))
    assert [p.location for p in result.problems] == ["一!2", "二!2"]
    assert render(result.problems[0].message) == render(result.problems[1].message) == (
        f"工作表“一”第 2 行（何明）与工作表“二”第 2 行（刘超）身份证号码相同（{person_id(1)}），请核对哪一行填错")
    assert [r.row for r in result.records] == [3] and result.rows_with_problems == 2


def test_duplicates_across_sheets(tmp_path):
    rows = arrivals_rows([arrival(1)])
    result = check(write_workbook(tmp_path / "d.xlsx", {"一": rows, "二": rows}))
    assert [(p.location, p.message.param("sheet")) for p in result.problems] == [("二!2", "一")]


def test_monthly_reports_repeat_people_across_months_but_not_within_one(tmp_path):
    sheet = [["姓名", "身份证号码", "用工单位"], ["张三", person_id(1), "甲"], ["李四", person_id(2), "甲"]]
    path = write_workbook(tmp_path / "m.xlsx", {"2022年3月": sheet, "4月": sheet + [["张三", person_id(1), "甲"]]})
    result = check(path, "monthly_reports")
    assert [r.month for r in result.records] == [dt.date(2022, 3, 1)] * 2 + [dt.date(2022, 4, 1)] * 2
    assert [(p.location, p.message.code) for p in result.problems] == [("4月!4", "excel.duplicate_row")]
    assert render(result.problems[0].message).endswith("：同一人员的同一月份在本文件中出现两次")
    assert isinstance(result.records[0], MonthlyReportRecord)


def test_monthly_reports_with_one_id_number_for_two_names_in_a_month(tmp_path):
    """ID number and month the same, names not: both rows told; another month of one of the names is no duplicate."""
    sheet = [["姓名", "身份证号码", "用工单位"], ["何明", person_id(1), "甲"], ["李四", person_id(2), "甲"],
             ["刘超", person_id(1), "甲"]]
    path = write_workbook(tmp_path / "m.xlsx", {"2022年3月": sheet, "4月": sheet[:2]})
    result = check(path, "monthly_reports")
    assert [p.location for p in result.problems] == ["2022年3月!2", "2022年3月!4"]
    assert render(result.problems[0].message) == (
        f"第 2 行（何明）与第 4 行（刘超）身份证号码和月份都相同（{person_id(1)}、2022-03），请核对哪一行填错")
    assert [(r.name, r.month.month) for r in result.records] == [("李四", 3), ("何明", 4)]


def test_month_column_and_sheet_without_month(tmp_path):
    rows = [["报送月份", "姓名", "身份证号码"], ["2022年5月", "张三", person_id(1)], [202206, "张三", person_id(1)],
            [dt.date(2022, 7, 15), "张三", person_id(1)], ["2022年13月", "李四", person_id(2)]]
    result = check(write_workbook(tmp_path / "m.xlsx", {"汇总": rows}), "monthly_reports")
    assert [r.month for r in result.records] == [dt.date(2022, 5, 1), dt.date(2022, 6, 1), dt.date(2022, 7, 1)]
    assert [p.message.code for p in result.problems] == ["excel.bad_month"]
    no_month = check(write_workbook(tmp_path / "n.xlsx", {"送工": [["姓名", "身份证号码"], ["张三", person_id(1)]]}),
                     "monthly_reports")
    assert no_month.ok and no_month.records[0].month is None
    assert [n.message.code for n in no_month.notes] == ["excel.month_unknown"]


def test_a_sheet_checked_in_parts_is_checked_as_whole(tmp_path, monkeypatch):
    """Duplicates across the parts' edges (and the next sheet), bad cells, reversed dates, a 15-digit
    ID number's note, skipped rows: the same records, problems and notes, in the same order."""
    import core.excel.check as check_module
    people = [arrival(i) for i in range(12)]
    people[4] = arrival(1)  # a duplicate of a row in the part before
    people[5] = arrival(5, 入职日期="2022年13月1日")
    people[7] = arrival(7, 首次参保日期=dt.date(2022, 9, 1), 离职日期=dt.date(2022, 8, 1))
    people[8] = arrival(1, 姓名="三重")  # another person with that ID number: row 3 is told too
    people[9] = arrival(9, 身份证号码=person_id(9)[:6] + person_id(9)[8:17])  # 15 digits: noted
    people[11] = arrival(11, 性别="未知")  # noted, until 二's last row shows its ID number is another's too
    rows = arrivals_rows(people, headers=(*ARRIVAL_HEADERS, "离职日期"))
    rows[7:7] = [[], [None, "填表人：王五"]]
    path = write_workbook(tmp_path / "p.xlsx", {"花名册": rows, "二": arrivals_rows([arrival(10),
                                                                                 arrival(11, 姓名="另一人")])})
    whole = check(path)
    parts = []
    monkeypatch.setattr(check_module, "PART_ROWS", 3)
    in_parts = read_and_check(path, "arrivals", RULES, each_checked=parts.append)[1]
    assert [(p.location, p.message.code) for p in whole.problems] == [
        ("花名册!3", "excel.duplicate_names"), ("花名册!6", "excel.duplicate_row"), ("花名册!7", "excel.bad_date"),
        ("花名册!11", "excel.dates_reversed"), ("花名册!12", "excel.duplicate_names"),
        ("花名册!15", "excel.duplicate_names_sheets"), ("二!2", "excel.duplicate_row"),
        ("二!3", "excel.duplicate_names_sheets")]
    assert [n.location for n in whole.notes] == ["花名册!13"] and len(whole.records) == 6
    assert whole.rows_with_problems == 8
    assert (in_parts.records, in_parts.problems, in_parts.notes, in_parts.rows_checked, in_parts.rows_with_problems) \
        == (whole.records, whole.problems, whole.notes, whole.rows_checked, whole.rows_with_problems)
    clean = write_workbook(tmp_path / "c.xlsx", {"花名册": arrivals_rows([arrival(i) for i in range(8)])})
    parts.clear()
    checked = read_and_check(clean, "arrivals", RULES, each_checked=parts.append)[1]
    assert [len(p) for p in parts] == [3, 3, 2] and [r for p in parts for r in p] == list(checked.records)


def test_blank_footer_header_and_pre_numbered_rows_are_skipped(tmp_path):
    rows = arrivals_rows([arrival(1), arrival(2)])
    rows += [[], [3], [4], list(rows[0]), [None, "填表人：王五"], [None, "合计：2人"],
             ["单位负责人：", None, None, None, None, "盖章："]]
    result = check(write_workbook(tmp_path / "f.xlsx", {"花名册": rows}))
    assert result.ok and [r.row for r in result.records] == [2, 3] and result.rows_checked == 2


def test_a_form_with_only_footer_lines_has_no_rows(tmp_path):
    rows = arrivals_rows([]) + [[1], [2], [None, "填表人："]]
    result = check(write_workbook(tmp_path / "f.xlsx", {"花名册": rows}))
    assert [p.message.code for p in result.problems] == ["excel.no_rows"]


def test_a_person_missing_an_id_is_not_mistaken_for_a_footer(tmp_path):
    rows = arrivals_rows([arrival(1), arrival(2, 身份证号码="")])
    result = check(write_workbook(tmp_path / "f.xlsx", {"花名册": rows}))
    assert [(p.location, p.message.code) for p in result.problems] == [("花名册!3", "excel.required_missing")]


def test_reading_problems_pass_through(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    result = check(path)
    assert not result.ok and result.records == () and result.problems[0].message.code == "excel.wrong_type"


# ------------------------------------------------------------------ size

def test_a_20000_row_roster(tmp_path):
    path = generate_roster(tmp_path / "big.xlsx", 20_000)
    started = time.perf_counter()
    result = check(path)
    elapsed = time.perf_counter() - started
    assert result.ok and len(result.records) == 20_000 and result.records[-1].row == 20_003
    assert len({r.id_number for r in result.records}) == 20_000
    assert elapsed < 10, elapsed  # about 0.3 s on the development machine


# ------------------------------------------------------------------ fuzzing

GOOD_TEXT = st.one_of(st.text(alphabet="张王李赵明华伟芳甲乙丙 abcXYZ", min_size=1, max_size=8).filter(str.strip),
                      st.integers(-10**6, 10**6))
BAD_TEXT = st.sampled_from([True, False, "", "   "])


def id_cell(i):
    good = person_id(5000 + i)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    return st.one_of(st.just((good, True)), st.just((good.lower(), True)), st.just((" " + good + " ", True)),
                     st.sampled_from([(wrong, False), (float(good[:17] + "0"), False), ("3.2E+17", False),
                                      (good[:10], False), ("", False), (True, False), (dt.date(2022, 1, 1), False)]))


GOOD_DATE = st.one_of(st.dates(dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
                      st.dates(dt.date(2022, 1, 1), dt.date(2022, 12, 31)).map(lambda d: f"{d.year}.{d.month}.{d.day}"),
                      st.dates(dt.date(2022, 1, 1), dt.date(2022, 12, 31)).map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
                      st.integers(44562, 44926))
BAD_DATE = st.sampled_from(["2022.13.1", "明天", dt.date(1970, 1, 1), dt.date(2031, 1, 1), True, -3, "", 0.5])
# no more months than a 2022 date leaves to TODAY (a row with more is told: excel.months_past_today)
GOOD_MONTHS = st.one_of(st.integers(0, 2), st.integers(0, 2).map(lambda n: f"{n}个月"), st.just(""))
BAD_MONTHS = st.sampled_from([-1, 601, 2.5, "很久", dt.date(2022, 1, 1)])


def cell(good, bad):
    return st.one_of(good.map(lambda v: (v, True)), bad.map(lambda v: (v, False)))


@st.composite
def fuzzed_rows(draw):
    rows = []
    for i in range(draw(st.integers(1, 12))):
        row = [draw(cell(GOOD_TEXT, BAD_TEXT)), draw(id_cell(i)), draw(cell(GOOD_TEXT, BAD_TEXT)),
               draw(cell(GOOD_DATE, BAD_DATE)), draw(cell(GOOD_MONTHS, BAD_MONTHS))]
        rows.append(row)
    return rows


def blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=fuzzed_rows())
def test_fuzzed_cells_never_crash_and_every_bad_row_is_reported(tmp_path, rows):
    path = write_workbook(tmp_path / "fuzz.xlsx", {"名单": [HEADERS] + [[v for v, _ in row] for row in rows]})
    result = check(path)
    reported = {int(p.location.split("!")[1]) for p in result.problems}
    for i, row in enumerate(rows):
        excel_row = i + 2
        if all(blank(v) for v, _ in row):  # a blank line is no person
            assert excel_row not in reported
            continue
        if all(ok for _, ok in row):
            assert excel_row not in reported, (row, [p.text() for p in result.problems])
            assert any(r.row == excel_row for r in result.records)
        else:
            assert excel_row in reported, (row, [p.text() for p in result.records])
            assert not any(r.row == excel_row for r in result.records)
    for problem in result.problems:
        assert "{" not in render(problem.message)  # every message renders from the catalogue


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                                 st.floats(allow_nan=False, allow_infinity=False),
                                 st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
                                 .filter(lambda s: not s.startswith(("=", "#"))),
                                 st.dates(dt.date(1900, 1, 1), dt.date(9999, 12, 31)),
                                 st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31))),
                       min_size=6, max_size=6), kind=st.sampled_from(sorted(import_spec().kinds)))
def test_any_cell_of_any_type_in_any_kind_never_crashes(tmp_path, values, kind):
    spec = import_spec()
    headers = [next(iter(spec.fields[f].synonyms)) for f in spec.kinds[kind].fields]
    row = (values * 3)[:len(headers)]
    path = write_workbook(tmp_path / "any.xlsx", {"S": [headers, row, row]})
    result = check(path, kind)
    assert len(result.records) + result.rows_with_problems <= 2
    for p in result.problems + result.notes:
        render(p.message)


def test_each_sheet_checked_as_it_is_read_gives_what_checking_after_reading_gives(tmp_path, monkeypatch):
    from core.excel import pieces
    bad = arrivals_rows([arrival(1), arrival(2, 身份证号码="123"), arrival(3, 首次参保日期="2022-02-30")])
    path = write_workbook(tmp_path / "s.xlsx", {"一": bad, "填表说明": [["请如实填写"]], "空": [],
                                                "二": arrivals_rows([arrival(1), arrival(4)]), "三": bad})
    for cut in (False, True):  # each sheet whole, and in pieces
        monkeypatch.setattr(pieces, "CUT_FROM", 1 if cut else pieces.CUT_FROM)
        monkeypatch.setattr(pieces, "cores", lambda: 2)
        read, checked = read_and_check(path, "arrivals", RULES, today=TODAY)
        assert read == read_workbook(path, "arrivals")
        assert checked == check_read(read_workbook(path, "arrivals"), RULES, today=TODAY)
        assert {p.message.code for p in checked.problems} >= {"excel.duplicate_row", "excel.id_length"}
        assert [n.message.code for n in checked.notes] == ["excel.sheet_skipped"]


def test_the_tables_given_while_reading_are_those_read(tmp_path):
    rows = arrivals_rows([arrival(1)])
    path = write_workbook(tmp_path / "s.xlsx", {"一": rows, "二": arrivals_rows([arrival(2)]), "三": []})
    given = []
    read = read_workbook(path, "arrivals", each_table=given.append)
    assert len(given) == 2 and all(a is b for a, b in zip(given, read.tables, strict=True))


def test_a_fault_of_the_code_given_the_tables_is_not_taken_for_a_damaged_workbook(tmp_path):
    path = write_workbook(tmp_path / "s.xlsx", {"一": arrivals_rows([arrival(1)]), "二": arrivals_rows([arrival(2)])})

    def broken(table):
        raise KeyError("a fault of the program")
    with pytest.raises(KeyError):
        read_workbook(path, "arrivals", each_table=broken)


def test_someone_under_sixteen_on_the_day_is_a_problem_at_the_id_number(tmp_path):
    """劳动法 第十五条: nobody under 16 may be employed. A roster row's age is taken on its 入职日期 (else its
    首次参保日期); the day before the 16th birthday is too young, the birthday itself is not."""
    rows = [["姓名", "身份证号码", "用工单位", "入职日期", "首次参保日期"],
            ["甲", valid_id(1, dt.date(2010, 3, 1)), "某公司", dt.date(2022, 5, 1), dt.date(2022, 5, 1)],  # 12
            ["乙", valid_id(2, dt.date(2006, 6, 2)), "某公司", dt.date(2022, 6, 1), dt.date(2022, 7, 1)],  # a day short
            ["丙", valid_id(3, dt.date(2006, 6, 1)), "某公司", dt.date(2022, 6, 1), dt.date(2022, 6, 1)],  # 16 that day
            ["丁", valid_id(4, dt.date(2006, 6, 2)), "某公司", None, dt.date(2022, 6, 2)],  # by 首次参保日期: 16
            ["戊", valid_id(5, dt.date(1990, 1, 1)), "某公司", dt.date(2022, 6, 1), dt.date(2022, 6, 1)]]
    result = check(write_workbook(tmp_path / "roster.xlsx", {"花名册": rows}))
    problems = by_row(result)
    assert {row: m.code for row, m in problems.items()} == {2: "excel.under_minimum_age", 3: "excel.under_minimum_age"}
    assert render(problems[3]) == ("按身份证号码，此人生于 2006-06-02，到 2022-06-01 才 15 周岁，不满 16 周岁"
                                   "（劳动法禁止招用未满十六周岁的未成年人）；请核对身份证号码")
    assert [p.field for p in result.problems] == ["身份证号码", "身份证号码"]
    assert sorted(r.name for r in result.records) == ["丁", "丙", "戊"]


def test_every_problem_of_a_row_is_told_at_once(tmp_path):
    """A trainee under 16 whose 类型 is also wrong is told both, each at its cell (not the age only once the type
    is corrected); reversed dates, a duplicate and an under-age ID number beside a wrong cell likewise. A row
    whose own date cannot be read is not checked for age (no day to be 16 on): only the date is told."""
    young = valid_id(1, dt.date(2008, 3, 1))
    rows = [["姓名", "身份证号码", "学校", "见习单位", "类型", "开始日期", "结束日期", "见习月数"],
            ["甲", young, "某学院", "某公司", "培训", dt.date(2022, 5, 1), dt.date(2022, 11, 30), 6],
            ["乙", valid_id(2), "某学院", "某公司", "见习", dt.date(2022, 9, 1), dt.date(2022, 3, 1), "六"],
            ["丙", valid_id(3, dt.date(2008, 4, 1)), "某学院", "某公司", "见习", "2022年13月1日", None, 6],
            ["甲", young, "某学院", "某公司", "实习", dt.date(2022, 5, 1), None, "x"]]
    result = check(write_workbook(tmp_path / "学员.xlsx", {"学员": rows}), "placements")
    assert [(p.location, p.field, p.message.code) for p in result.problems] == [
        ("学员!2", "身份证号码", "excel.under_minimum_age"), ("学员!2", "类型", "excel.bad_choice"),
        ("学员!3", "结束日期", "excel.dates_reversed"), ("学员!3", "见习月数", "excel.bad_integer"),
        ("学员!4", "开始日期", "excel.bad_date"),
        ("学员!5", "身份证号码", "excel.under_minimum_age"), ("学员!5", "身份证号码", "excel.duplicate_row"),
        ("学员!5", "见习月数", "excel.bad_integer")]
    assert [p.text() for p in result.problems[:2]] == [
        "学员.xlsx：学员 第 2 行“身份证号码”：按身份证号码，此人生于 2008-03-01，到 2022-05-01 才 14 周岁，不满 16 周岁"
        "（劳动法禁止招用未满十六周岁的未成年人）；请核对身份证号码",
        "学员.xlsx：学员 第 2 行“类型”：取值“培训”无效，应为 见习、实习 之一"]
    assert result.rows_with_problems == 4 and result.records == ()
    arrivals = [["姓名", "身份证号码", "用工单位", "首次参保日期", "参保月数", "离职日期"],
                ["甲", young, "某公司", dt.date(2022, 5, 1), "十二", dt.date(2022, 4, 1)]]
    result = check(write_workbook(tmp_path / "花名册.xlsx", {"花名册": arrivals}))
    assert [(p.field, p.message.code) for p in result.problems] == [
        ("身份证号码", "excel.under_minimum_age"), ("参保月数", "excel.bad_integer"),
        ("离职日期", "excel.dates_reversed")]


def test_a_monthly_report_without_a_date_takes_the_age_on_the_period_s_last_day(tmp_path):
    rows = [["姓名", "身份证号码"], ["甲", valid_id(1, dt.date(2007, 1, 1))],
            ["乙", valid_id(2, dt.date(2006, 12, 31))]]
    result = check(write_workbook(tmp_path / "2022年5月.xlsx", {"2022年5月": rows}), "monthly_reports")
    assert {row: m.code for row, m in by_row(result).items()} == {2: "excel.under_minimum_age"}
    assert by_row(result)[2].param("on") == "2022-12-31"


def test_more_months_than_there_have_been_since_the_start_are_told_when_no_end_date_is_given(tmp_path):
    """A tester's row: 首次参保 2022-11-01, 参保月数 12 and no 离职日期, read on 2023-02-10: three months at most, so
    a problem at 参保月数 (before, accepted and counted as 满 12 个月). Three months, a leave date (the matching counts
    to it), or a trainee's 见习月数 within its days pass; a trainee's 9 months from 2022-09-01 do not."""
    arrivals = [["姓名", "身份证号码", "用工单位", "首次参保日期", "参保月数", "离职日期"],
                ["甲", valid_id(1), "某公司", dt.date(2022, 11, 1), 12, None],
                ["乙", valid_id(2), "某公司", dt.date(2022, 11, 1), 3, None],
                ["丙", valid_id(3), "某公司", dt.date(2022, 11, 1), 12, dt.date(2022, 12, 31)]]
    path = write_workbook(tmp_path / "花名册.xlsx", {"花名册": arrivals})
    result = check_workbook(path, "arrivals", RULES, today=dt.date(2023, 2, 10))
    assert [(p.location, p.field, p.message.code) for p in result.problems] == [
        ("花名册!2", "参保月数", "excel.months_past_today")]
    assert result.problems[0].text() == ("花名册.xlsx：花名册 第 2 行“参保月数”：参保月数为 12 个月，但首次参保日期"
                                         "（2022-11-01）至今天（2023-02-10）只有 3 个月，又未填离职日期；请核对")
    assert not check_workbook(path, "arrivals", RULES, today=dt.date(2023, 11, 1)).problems  # a year on: possible
    placements = [["姓名", "身份证号码", "学校", "见习单位", "类型", "开始日期", "结束日期", "见习月数"],
                  ["丁", valid_id(4), "某学院", "某公司", "见习", dt.date(2022, 9, 1), None, 9],
                  ["戊", valid_id(5), "某学院", "某公司", "见习", dt.date(2022, 9, 1), None, 5]]
    path = write_workbook(tmp_path / "学员.xlsx", {"学员": placements})
    result = check_workbook(path, "placements", RULES, today=dt.date(2023, 2, 10))
    assert [(p.location, p.field) for p in result.problems] == [("学员!2", "见习月数")]
