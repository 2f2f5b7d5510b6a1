"""Cells the import read without a word: a month that disagrees with its sheet's name or lies outside the year is a
problem of its row; a row hidden in Excel, and cells typed in full-width forms, are read and said in a note."""

import datetime as dt

import openpyxl

from core.common.dates import parse_date
from core.common.messages import render
from core.excel.check import check_workbook
from core.excel.row_checks import HIDDEN_NOTES_PER_SHEET, single_month_name
from core.scoring.rules import load_rule_set
from tests.xlsx_builders import person_id, write_workbook

RULES = load_rule_set()  # the 2022 assessment year
TODAY = dt.date(2023, 3, 1)
HEADERS = ["姓名", "身份证号码", "用工单位", "首次参保日期", "参保月数"]


def check(path, kind="arrivals"):
    return check_workbook(path, kind, RULES, today=TODAY)


def texts(items):
    return [p.text() for p in items]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ------------------------------------------------------------------ months

def test_a_month_that_disagrees_with_the_sheets_name_is_a_problem_of_its_row(tmp_path):
    rows = [["姓名", "身份证号码", "月份"], ["张三", person_id(1), "3月"], ["李四", person_id(2), "4月"],
            ["王五", person_id(3), ""]]
    result = check(write_workbook(tmp_path / "m.xlsx", {"3月": rows}), "monthly_reports")
    assert [(r.name, r.month) for r in result.records] == [("张三", dt.date(2022, 3, 1)), ("王五", dt.date(2022, 3, 1))]
    assert [(p.location, p.field, p.message.code) for p in result.problems] == [
        ("3月!3", "月份", "excel.month_sheet_differs")]
    assert texts(result.problems) == [
        "m.xlsx：3月 第 3 行“月份”：月份“4月”是2022年4月，与工作表名称“3月”所示的2022年3月不一致；"
        "请核对哪一个对，更正后重新检查，或不导入此行"]


def test_a_sheet_named_for_several_months_holds_any_of_them(tmp_path):
    rows = [["姓名", "身份证号码", "月份"], ["张三", person_id(1), "1月"], ["李四", person_id(2), "2022年2月"]]
    others = [rows[0], ["王五", person_id(3), "1月"], ["赵六", person_id(4), "2月"]]
    path = write_workbook(tmp_path / "q.xlsx", {"2022年1-3月": rows, "3月（第2批）": others})
    result = check(path, "monthly_reports")
    assert result.ok and len(result.records) == 4
    assert single_month_name("２０２２年３月", dt.date(2022, 3, 1)) == dt.date(2022, 3, 1)
    assert single_month_name("202203送工信息", dt.date(2022, 3, 1)) == dt.date(2022, 3, 1)


def test_a_month_outside_the_assessment_year_is_a_problem_of_its_row(tmp_path):
    rows = [["姓名", "身份证号码", "月份"], ["张三", person_id(1), "2021年12月"], ["李四", person_id(2), "2022年12月"],
            ["王五", person_id(3), dt.date(2023, 1, 5)]]
    result = check(write_workbook(tmp_path / "y.xlsx", {"汇总": rows}), "monthly_reports")
    assert [r.name for r in result.records] == ["李四"]
    assert [(p.location, p.field, p.message.code) for p in result.problems] == [
        ("汇总!2", "月份", "excel.month_outside_period"), ("汇总!4", "月份", "excel.month_outside_period")]
    assert texts(result.problems)[0] == (
        "y.xlsx：汇总 第 2 行“月份”：月份“2021年12月”是2021年12月，不在考核年度（2022-01-01 至 2022-12-31）内；"
        "请核对是否录错年份，更正后重新检查，或不导入此行")


def test_a_sheet_named_for_a_month_outside_the_year_is_a_problem_of_each_row(tmp_path):
    rows = [["姓名", "身份证号码"], ["张三", person_id(1)], ["李四", person_id(2)]]
    result = check(write_workbook(tmp_path / "s.xlsx", {"2021年12月": rows, "2022年1月": rows}), "monthly_reports")
    assert [(r.sheet, r.name) for r in result.records] == [("2022年1月", "张三"), ("2022年1月", "李四")]
    assert [(p.location, p.message.code) for p in result.problems] == [
        ("2021年12月!2", "excel.sheet_month_outside_period"), ("2021年12月!3", "excel.sheet_month_outside_period")]
    assert "按工作表名称“2021年12月”应记为2021年12月，不在考核年度（2022-01-01 至 2022-12-31）内" in texts(
        result.problems)[0]


def test_a_month_typed_with_a_dot_that_excel_stored_as_a_number_is_read_as_that_month(tmp_path):
    """2022.04 typed in Excel is the number 2022.04 (no exact binary number), 2022.10 the number 2022.1: a year near
    the assessment's and a month read one way only is that month, said in a note; 2022.1 is January or October."""
    cells = [2022.04, 2022.4, 2022 + 0.09, 2022.11, 2022.12, 2022.1, 2022.10, 2022.13, 2021.12]
    rows = [["姓名", "身份证号码", "月份"]] + [[f"人员{i}", person_id(i), cell] for i, cell in enumerate(cells)]
    result = check(write_workbook(tmp_path / "n.xlsx", {"汇总": rows}), "monthly_reports")
    assert [(r.name, r.month) for r in result.records] == [
        ("人员0", dt.date(2022, 4, 1)), ("人员1", dt.date(2022, 4, 1)), ("人员2", dt.date(2022, 9, 1)),
        ("人员3", dt.date(2022, 11, 1)), ("人员4", dt.date(2022, 12, 1))]
    assert [(n.location, n.field, n.message.code) for n in result.notes] == [
        (f"汇总!{row}", "月份", "excel.month_from_number") for row in range(2, 7)]
    assert texts(result.notes)[0] == "n.xlsx：汇总 第 2 行“月份”：月份“2022.04”被 Excel 存成了数字，已按2022年4月读取"
    assert [(p.location, p.message.code) for p in result.problems] == [
        ("汇总!7", "excel.month_number_ambiguous"), ("汇总!8", "excel.month_number_ambiguous"),
        ("汇总!9", "excel.bad_month"), ("汇总!10", "excel.month_outside_period")]
    assert texts(result.problems)[0] == (
        "n.xlsx：汇总 第 7 行“月份”：月份“2022.1”被 Excel 存成了数字，无法区分 2022年1月 与 2022年10月，"
        "请写作“2022年1月”或“2022年10月”")
    assert texts(result.problems)[2] == ("n.xlsx：汇总 第 9 行“月份”：不是有效月份：2022.13"
                                         "（可写作 2022年3月 或 2022-03）")
    assert "月份“2021.12”是2021年12月，不在考核年度" in texts(result.problems)[3]


def test_a_sheet_named_for_a_month_in_chinese_numerals_gives_its_rows_that_month(tmp_path):
    rows = [["姓名", "身份证号码", "月份"], ["张三", person_id(1), ""], ["李四", person_id(2), "6月"]]
    sheets = {"五月": rows, "十一月份": rows[:2], "十二月": rows[:2], "2022年一月": rows[:2]}
    result = check(write_workbook(tmp_path / "c.xlsx", sheets), "monthly_reports")
    assert [(r.sheet, r.month) for r in result.records] == [
        ("五月", dt.date(2022, 5, 1)), ("十一月份", dt.date(2022, 11, 1)), ("十二月", dt.date(2022, 12, 1)),
        ("2022年一月", dt.date(2022, 1, 1))]
    assert not any(n.message.code == "excel.month_unknown" for n in result.notes)
    assert texts(result.problems) == [
        "c.xlsx：五月 第 3 行“月份”：月份“6月”是2022年6月，与工作表名称“五月”所示的2022年5月不一致；"
        "请核对哪一个对，更正后重新检查，或不导入此行"]


def test_a_month_that_disagrees_with_the_sheets_name_is_said_once_where_the_words_say_it(tmp_path):
    rows = [["姓名", "身份证号码", "月份"], ["张三", person_id(1), "2022年6月"], ["李四", person_id(2), "6月"]]
    other = [rows[0], ["王五", person_id(3), "2022年6月"]]
    result = check(write_workbook(tmp_path / "w.xlsx", {"2022年5月": rows, "5月": other}), "monthly_reports")
    assert [p.text().split("；")[0] for p in result.problems] == [
        "w.xlsx：2022年5月 第 2 行“月份”：月份“2022年6月”与工作表名称“2022年5月”所示月份不一致",
        "w.xlsx：2022年5月 第 3 行“月份”：月份“6月”是2022年6月，与工作表名称“2022年5月”所示月份不一致",
        "w.xlsx：5月 第 2 行“月份”：月份“2022年6月”与工作表名称“5月”所示的2022年5月不一致"]


# ------------------------------------------------------------------ hidden rows

def hidden_rows_workbook(path, hidden, people=4):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(HEADERS)
    for i in range(people):
        ws.append([f"人员{i}", person_id(i), "某公司", dt.date(2022, 5, 1), 6])
    ws.append([])  # a blank row, hidden too: nothing to say
    for row in hidden:
        ws.row_dimensions[row].hidden = True
    wb.save(path)
    return path


def test_a_row_hidden_in_excel_is_read_and_said(tmp_path):
    result = check(hidden_rows_workbook(tmp_path / "h.xlsx", hidden=[3, 6]))
    assert result.ok and [r.name for r in result.records] == ["人员0", "人员1", "人员2", "人员3"]
    assert [(n.location, n.field, n.message.code) for n in result.notes] == [("名单!3", "姓名", "excel.row_hidden")]
    assert texts(result.notes) == ["h.xlsx：名单 第 3 行“姓名”：“人员1”这一行是隐藏的（打开文件时看不到），"
                                   "已照常读取；如此行不该报送，请运营单位删去后重新报送"]


def test_many_hidden_rows_are_said_one_by_one_then_counted(tmp_path):
    many = HIDDEN_NOTES_PER_SHEET + 5
    result = check(hidden_rows_workbook(tmp_path / "f.xlsx", hidden=range(2, many + 2), people=many + 3))
    assert result.ok and len(result.records) == many + 3
    codes = [n.message.code for n in result.notes]
    assert codes == ["excel.row_hidden"] * HIDDEN_NOTES_PER_SHEET + ["excel.rows_hidden_more"]
    assert render(result.notes[-1].message) == (f"除上面列出的 {HIDDEN_NOTES_PER_SHEET} 行外，"
                                                "本工作表另有 5 行是隐藏的，同样已照常读取")


def hidden_columns_workbook(path, hidden):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(HEADERS + ["备用"])
    for i in range(3):
        ws.append([f"人员{i}", person_id(i), "某公司", dt.date(2022, 5, 1), 6, ""])
    for letter in hidden:
        ws.column_dimensions[letter].hidden = True
    wb.save(path)
    return path


def test_a_column_hidden_in_excel_is_read_and_said_once(tmp_path):
    """The clerk (and the assessor opening the file) does not see the column; the program reads it all the same
    and says so at its header. A hidden column the program does not read (备用) is no concern."""
    result = check(hidden_columns_workbook(tmp_path / "c.xlsx", hidden=["D", "F"]))
    assert result.ok and [r.first_insured_date for r in result.records] == [dt.date(2022, 5, 1)] * 3
    assert [(n.location, n.field, n.message.code) for n in result.notes] == [
        ("名单!1", "首次参保日期", "excel.column_hidden")]
    assert texts(result.notes) == ["c.xlsx：名单 第 1 行“首次参保日期”：这一列（D 列）是隐藏的"
                                   "（打开文件时看不到），已照常读取；核对时请取消隐藏此列"]


def test_a_hidden_column_is_said_when_the_slow_reader_reads_the_workbook(tmp_path, monkeypatch):
    from core.excel import readers

    def fail(*args, **kwargs):
        raise RuntimeError("the fast reader cannot read this file")
    monkeypatch.setattr(readers, "_calamine_sheets", fail)
    result = check(hidden_columns_workbook(tmp_path / "s.xlsx", hidden=["B"]))
    assert result.reader == "openpyxl" and result.ok
    assert [(n.field, n.message.code) for n in result.notes] == [("身份证号码", "excel.column_hidden")]


def test_columns_hidden_as_a_range_up_to_the_sheets_last_are_found():
    from core.excel.limits import hidden_columns
    xml = (b'<worksheet><cols><col min="1" max="2" width="9"/><col customWidth="1" min="3" max="3" hidden="1"/>'
           b'<col min="7" max="16384" hidden="true"/></cols>'
           b'<sheetData><row r="1" hidden="1"/></sheetData></worksheet>')
    found = hidden_columns(xml)
    assert found[:2] == (2, 6) and found[-1] == 16383 and len(found) == 1 + 16384 - 6
    no_cols = b'<worksheet><sheetData><row r="1" hidden="1"><c r="A1"/></row></sheetData></worksheet>'
    assert hidden_columns(no_cols) == ()


# ------------------------------------------------------------------ full-width forms

def test_full_width_digits_are_read_as_ascii_and_said_once_a_column(tmp_path):
    number = person_id(7)
    rows = [HEADERS, ["张三", full_width(number), "某公司", "２０２２－０３－０１", "６"],
            ["李四", person_id(8), "某公司", "２０２２．４．１", 6], ["王五", person_id(9), "某公司", "2022-05-01", 6]]
    result = check(write_workbook(tmp_path / "w.xlsx", {"名单": rows}))
    assert result.ok
    assert [(r.id_number, r.first_insured_date, r.insured_months) for r in result.records] == [
        (number, dt.date(2022, 3, 1), 6), (person_id(8), dt.date(2022, 4, 1), 6),
        (person_id(9), dt.date(2022, 5, 1), 6)]
    said = {n.field: n for n in result.notes}
    assert [n.message.code for n in result.notes] == ["excel.full_width", "excel.full_width_column", "excel.full_width"]
    assert said["首次参保日期"].text() == ("w.xlsx：名单 第 2 行“首次参保日期”：“２０２２－０３－０１”用全角字符书写，"
                                      "已按半角读作 2022-03-01；本列共有 2 个单元格用全角字符书写，均已按半角读取")
    masked = number[:6] + "********" + number[-4:]
    assert said["身份证号码"].text().endswith(f"用全角字符书写，已按半角读作 {masked}")
    assert number not in said["身份证号码"].text() and full_width(number) not in said["身份证号码"].text()


def test_digits_of_another_script_are_no_date():
    assert parse_date("٢٠٢٢-03-01") is None and parse_date("２０２２－０３－０１") == dt.date(2022, 3, 1)
    assert parse_date("２０２２年３月１日") == dt.date(2022, 3, 1)


def test_full_width_months(tmp_path):
    rows = [["姓名", "身份证号码", "月份"], ["张三", person_id(1), "２０２２－０３"], ["李四", person_id(2), "٣月"]]
    result = check(write_workbook(tmp_path / "f.xlsx", {"汇总": rows}), "monthly_reports")
    assert [(r.name, r.month) for r in result.records] == [("张三", dt.date(2022, 3, 1))]
    assert [(p.location, p.message.code) for p in result.problems] == [("汇总!3", "excel.bad_month")]
    assert [n.message.code for n in result.notes] == ["excel.full_width"]


def test_a_row_hidden_in_excel_is_said_when_the_slow_reader_reads_the_workbook(tmp_path, monkeypatch):
    from core.excel import readers

    def fail(*args, **kwargs):
        raise RuntimeError("the fast reader cannot read this file")
    monkeypatch.setattr(readers, "_calamine_sheets", fail)
    result = check(hidden_rows_workbook(tmp_path / "s.xlsx", hidden=[4]))
    assert result.reader == "openpyxl" and result.ok and len(result.records) == 4
    assert [(n.location, n.field, n.message.code) for n in result.notes] == [("名单!4", "姓名", "excel.row_hidden")]


# ------------------------------------------------------------------ 性别 and 联系电话

def test_a_gender_the_id_number_contradicts_or_no_gender_word_is_noted_and_the_row_read(tmp_path):
    """person_id(i)'s 17th digit is odd for an odd i: a man. Notes only: the rules count people by the ID number."""
    rows = [["姓名", "性别", "身份证号码", "首次参保日期", "用工单位"],
            ["张三", "男", person_id(1), "2022-03-01", "某公司"], ["李四", "男", person_id(2), "2022-03-01", "某公司"],
            ["王五", "女性", person_id(4), "2022-03-01", "某公司"],
            ["赵六", "未知", person_id(5), "2022-03-01", "某公司"],
            ["孙七", "", person_id(7), "2022-03-01", "某公司"], ["周八", "女", "320509", "2022-03-01", "某公司"],
            ["吴九", "M", person_id(9), "2022-03-01", "某公司"], ["郑十", "f", person_id(11), "2022-03-01", "某公司"]]
    result = check(write_workbook(tmp_path / "g.xlsx", {"花名册": rows}))
    assert [r.name for r in result.records] == ["张三", "李四", "王五", "赵六", "孙七", "吴九", "郑十"]
    assert [(p.location, p.field) for p in result.notes] == [("花名册!3", "性别"), ("花名册!5", "性别"),
                                                             ("花名册!9", "性别")]
    assert texts(result.notes) == [
        f"g.xlsx：花名册 第 3 行“性别”：性别为“男”，而身份证号码（{person_id(2)[:6]}********{person_id(2)[-4:]}）"
        "第 17 位表示女性，请核对性别或身份证号码",
        "g.xlsx：花名册 第 5 行“性别”：性别“未知”既不是“男”也不是“女”，请核对",
        f"g.xlsx：花名册 第 9 行“性别”：性别为“f”，而身份证号码（{person_id(11)[:6]}********{person_id(11)[-4:]}）"
        "第 17 位表示男性，请核对性别或身份证号码"]  # M and F read as 男 and 女, then checked
    assert [p.message.code for p in result.problems] == ["excel.id_length"]  # 周八: its own problem only


def test_a_phone_that_is_no_phone_number_is_noted(tmp_path):
    phones = ["13812345678", "0512-63012345", "（0512）6301 2345", "63012345", "+86 138 1234 5678",
              "13812345678、13987654321", "13812345678 13987654321", "400-820-8820", "0512-63012345转8001",
              "0512-63451234-801",
              13812345678, "1381234567", "138123456789", "电话未知", "1234"]
    rows = [["姓名", "身份证号码", "联系电话", "首次参保日期", "用工单位"]]
    rows += [[f"人员{i}", person_id(i), phone, "2022-03-01", "某公司"] for i, phone in enumerate(phones, start=1)]
    result = check(write_workbook(tmp_path / "p.xlsx", {"花名册": rows}))
    assert len(result.records) == len(phones)
    assert [p.location for p in result.notes] == [f"花名册!{row}" for row in (13, 14, 15, 16)]
    assert texts(result.notes)[0] == (
        "p.xlsx：花名册 第 13 行“联系电话”：联系电话“1381234567”既不是 11 位手机号码，也不像带区号的固定电话，请核对")


def test_many_doubtful_genders_are_noted_one_by_one_then_counted(tmp_path):
    """A column of 性别 written as codes: twenty notes, then one counting the rest of the sheet."""
    rows = [["姓名", "性别", "身份证号码", "首次参保日期", "用工单位"]]
    rows += [[f"人员{i}", "12"[i % 2], person_id(i), "2022-03-01", "某公司"] for i in range(1, 31)]
    result = check(write_workbook(tmp_path / "m.xlsx", {"花名册": rows}))
    assert len(result.records) == 30
    assert len(result.notes) == 21
    assert texts(result.notes)[-1] == ("m.xlsx：花名册：除上面列出的 20 处外，本工作表另有 10 处姓名、性别或联系电话"
                                       "需核对，已照常读取")


def test_a_name_with_spaces_inside_or_a_remark_in_brackets_is_noted(tmp_path):
    """“郭　桂英” (a full-width space lining the name up) is read as 郭桂英 and said; a remark in brackets is said and
    kept as written; a name in Latin letters keeps its space unsaid. Neither is a problem: people match by ID."""
    names = ["郭　桂英", "孙霞（女）", "王 小 明", "John Smith", "李四", "阿依古丽 · 买买提", "张三(已离职)"]
    rows = [["姓名", "身份证号码", "首次参保日期", "用工单位"]]
    rows += [[name, person_id(i), "2022-03-01", "某公司"] for i, name in enumerate(names, start=1)]
    result = check(write_workbook(tmp_path / "n.xlsx", {"花名册": rows}))
    assert result.ok
    assert [r.name for r in result.records] == ["郭桂英", "孙霞（女）", "王小明", "John Smith", "李四",
                                                "阿依古丽·买买提", "张三(已离职)"]
    assert [(n.location, n.field, n.message.code) for n in result.notes] == [
        ("花名册!2", "姓名", "excel.name_spaces"), ("花名册!3", "姓名", "excel.name_remark"),
        ("花名册!4", "姓名", "excel.name_spaces"), ("花名册!7", "姓名", "excel.name_spaces"),
        ("花名册!8", "姓名", "excel.name_remark")]
    assert texts(result.notes)[:2] == [
        "n.xlsx：花名册 第 2 行“姓名”：姓名“郭　桂英”中间有空格，已去掉空格读作“郭桂英”（人员按身份证号码核对）",
        "n.xlsx：花名册 第 3 行“姓名”：姓名“孙霞（女）”带有括号中的备注“（女）”，已照原样读取（人员按身份证号码核对）；"
        "姓名栏只填姓名，备注请填在备注栏"]


def test_many_names_to_check_are_noted_one_by_one_then_counted_with_the_other_cells(tmp_path):
    """Names share the sheet's twenty notes with 性别 and 联系电话; a row with a problem gets no note."""
    rows = [["姓名", "性别", "身份证号码", "首次参保日期", "用工单位"]]
    rows += [[f"人　员{i}", "12"[i % 2], person_id(i), "2022-03-01", "某公司"] for i in range(1, 16)]
    rows.append(["坏　行", "男", "123", "2022-03-01", "某公司"])
    result = check(write_workbook(tmp_path / "m.xlsx", {"花名册": rows}))
    assert len(result.records) == 15 and [p.location for p in result.problems] == ["花名册!17"]
    assert [n.location for n in result.notes[:3]] == ["花名册!2", "花名册!2", "花名册!3"]
    assert len(result.notes) == 21
    assert texts(result.notes)[-1] == ("m.xlsx：花名册：除上面列出的 20 处外，本工作表另有 10 处姓名、性别或联系电话"
                                       "需核对，已照常读取")
