"""Importing the rows without problems alone, and cells corrected before importing, without the
desktop: exactly the good rows are stored (all or none), the rows left out and why are in the audit
trail with the file's name and SHA-256 (ID numbers masked there), each correction is an audit row
(file!row.column, old → new) that proves the stored row against the unit's file, a problem of the
whole file still stops everything, the list for the unit holds the rows' own cells, and undo takes
such an import out as it does a whole one."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from core.common.identifiers import mask_id_number
from core.editing.session import Session
from core.excel.check import check_read, check_workbook
from core.excel.partial import (
    Correction,
    corrected,
    correction_for,
    left_out_rows,
    partial_refusal,
    read_and_check,
    write_left_out,
)
from core.excel.problems import problem_rows
from core.excel.read import read_workbook
from core.people.tables import file_sha256
from tests.builders import RULES
from tests.import_support import UNITS, contents, roster_file, stored
from tests.xlsx_builders import arrival, person_id, write_workbook

BAD_ROW = 5  # Excel row of person 2: a title row, the header row, then persons 0, 1, 2 …


def wrong_check_digit(i: int) -> str:
    number = person_id(i)
    return number[:17] + ("0" if number[17] != "0" else "1")


def five_with_one_bad(tmp_path, name: str = "附件2花名册.xlsx"):
    people = [arrival(i) for i in range(5)]
    people[2] = arrival(2, 身份证号码=wrong_check_digit(2))
    return roster_file(tmp_path, people, name)


def import_summary(ds) -> dict:
    return json.loads([e for e in ds.audit_entries("imports") if e.action == "import"][-1].new_value)


def proved(ds) -> None:
    """The full proof of the year file (the trail replayed against every table, the people's hashes)."""
    report = ds.check_audit()
    assert report.ok, [p.text() for p in report.problems]


def without_audit(ds) -> dict:
    return {t: rows for t, rows in contents(ds).items() if t not in ("audit", "sqlite_sequence")}


def test_the_good_rows_alone_are_imported_and_the_rows_left_out_are_audited(ds, tmp_path):
    path = five_with_one_bad(tmp_path)
    checked = check_workbook(path, "arrivals", RULES)
    assert (len(checked.records), checked.rows_with_problems) == (4, 1)
    unit_id = ds.unit_id(UNITS[0])
    before = contents(ds)
    refused = ds.import_people(1, checked, sha256=file_sha256(path), unit_id=unit_id)  # the whole file: refused
    assert not refused.ok and contents(ds) == before

    edit = ds.import_people(1, checked, sha256=file_sha256(path), unit_id=unit_id, skip_bad_rows=True)
    assert edit.ok, edit.problems
    rows = stored(ds, "roster_entries")
    assert [(r["sheet_row"], r["id_number"]) for r in rows] == [(3, person_id(0)), (4, person_id(1)),
                                                                (6, person_id(3)), (7, person_id(4))]
    assert ds.imports()[0].rows == 4
    summary = import_summary(ds)
    assert summary["file_name"] == path.name and summary["sha256"] == file_sha256(path)
    assert summary["rows"] == 4 and summary["left_out_rows"] == 1 and "corrected_cells" not in summary
    (row,) = summary["left_out"]
    assert (row["sheet"], row["row"]) == ("花名册", BAD_ROW)
    assert [(p["field"], p["code"]) for p in row["problems"]] == [("身份证号码", "excel.id_check_digit")]
    assert "校验位错误" in row["problems"][0]["text"]
    audit_text = json.dumps(summary, ensure_ascii=False)
    assert wrong_check_digit(2) not in audit_text and mask_id_number(wrong_check_digit(2)) in audit_text
    proved(ds)


def test_a_problem_of_the_whole_file_stops_even_the_good_rows(ds, tmp_path):
    path = write_workbook(tmp_path / "乱.xlsx", {"表": [["编号", "员工"], [1, "王伟"]]})
    checked = check_workbook(path, "arrivals", RULES)
    assert checked.problems and partial_refusal(checked)
    before = contents(ds)
    edit = ds.import_people(1, checked, sha256=file_sha256(path), unit_id=ds.unit_id(UNITS[0]), skip_bad_rows=True)
    assert not edit.ok and [p.message.code for p in edit.problems] == ["excel.layout_unrecognised"]
    assert contents(ds) == before


def test_a_file_whose_every_row_is_bad_has_no_good_rows_to_import(ds, tmp_path):
    path = roster_file(tmp_path, [arrival(0, 身份证号码=wrong_check_digit(0)), arrival(1, 首次参保日期="2022年13月1日")])
    checked = check_workbook(path, "arrivals", RULES)
    (refusal,) = partial_refusal(checked)
    assert refusal.message.code == "excel.no_good_rows" and "2 行都有问题" in refusal.text()
    assert not ds.import_people(1, checked, sha256=file_sha256(path), unit_id=ds.unit_id(UNITS[0]),
                                skip_bad_rows=True).ok


def test_a_corrected_cell_is_checked_again_stored_and_audited_old_to_new(ds, tmp_path):
    path = five_with_one_bad(tmp_path)
    read, checked = read_and_check(path, "arrivals", RULES)
    (problem,) = problem_rows(checked, read)
    assert (problem.row, problem.column, problem.letter, problem.value) == (BAD_ROW, "身份证号码", "D", wrong_check_digit(2))
    assert correction_for(problem, wrong_check_digit(2)) is None  # typing what the file holds corrects nothing
    still_wrong = correction_for(problem, "12345")
    assert still_wrong == Correction("花名册", BAD_ROW, 3, "身份证号码", wrong_check_digit(2), "12345")
    _, again = read_and_check(path, "arrivals", RULES, corrections=[still_wrong])
    assert [p.message.code for p in again.problems] == ["excel.id_length"]
    (problem,) = problem_rows(again, corrected(read, [still_wrong]))
    assert problem.value == "12345"
    fixed = correction_for(problem, person_id(2), still_wrong)
    assert fixed.old == wrong_check_digit(2) and fixed.new == person_id(2)  # the old value is still the file's
    _, good = read_and_check(path, "arrivals", RULES, corrections=[fixed])
    assert good.ok and len(good.records) == 5
    assert read.tables[0].grid[BAD_ROW - 1][3] == wrong_check_digit(2)  # what was read is not changed

    edit = ds.import_people(1, good, sha256=file_sha256(path), unit_id=ds.unit_id(UNITS[0]), corrections=[fixed])
    assert edit.ok, edit.problems
    assert [r["id_number"] for r in stored(ds, "roster_entries")] == [person_id(i) for i in range(5)]
    (entry,) = [e for e in ds.audit_entries("imports") if e.action == "correct"]
    assert entry.record_id == str(edit.id) and entry.field == f"{path.name}: 花名册 第 {BAD_ROW} 行“身份证号码”（D 列）"
    assert (json.loads(entry.old_value), json.loads(entry.new_value)) == (wrong_check_digit(2), person_id(2))
    assert import_summary(ds)["corrected_cells"] == 1 and "left_out" not in import_summary(ds)
    # provable: the file's cell at that place is the old value, the stored row holds the new one
    sheet = openpyxl.load_workbook(path)["花名册"]
    assert sheet[f"D{BAD_ROW}"].value == json.loads(entry.old_value)
    proved(ds)


def test_a_correction_outside_the_data_is_a_fault(tmp_path):
    read = read_workbook(five_with_one_bad(tmp_path), "arrivals")
    with pytest.raises(ValueError):
        corrected(read, [Correction("花名册", 2, 3, "身份证号码", "身份证号码", "x")])  # the header row
    with pytest.raises(ValueError):
        corrected(read, [Correction("别的表", 5, 3, "身份证号码", "", "x")])


def test_the_list_for_the_unit_holds_the_rows_own_cells_and_masks_id_numbers(tmp_path):
    people = [arrival(i) for i in range(5)]
    people[2] = arrival(2, 身份证号码=wrong_check_digit(2))
    people[4] = arrival(4, 首次参保日期="2022年13月1日")
    path = roster_file(tmp_path, people)
    read = read_workbook(path, "arrivals")
    checked = check_read(read, RULES)
    sheets, rows = left_out_rows(checked, read)
    assert [(r.sheet, r.row) for r in rows] == [("花名册", 5), ("花名册", 7)]
    out = write_left_out(sheets, rows, tmp_path / "未导入.xlsx", title="附件2花名册.xlsx 未导入的 2 行")
    ws = openpyxl.load_workbook(out)["花名册"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0][0] == "附件2花名册.xlsx 未导入的 2 行" and "原文件" in values[1][0]
    assert values[2] == ["原行号", "序号", "姓名", "性别", "身份证号码", "劳务基地", "用工单位", "入职日期", "首次参保日期",
                         "参保月数", "联系电话", "问题"]
    first, second = values[3], values[4]
    assert first[0] == 5 and first[2] == people[2]["姓名"] and first[4] == mask_id_number(wrong_check_digit(2))
    assert "身份证号码（D）：身份证号码校验位错误" in first[-1] and wrong_check_digit(2) not in str(values)
    assert second[0] == 7 and second[8] == "2022年13月1日" and second[4] == mask_id_number(person_id(4))
    assert ws["E4"].fill.fgColor.rgb.endswith("F8D7DA") and ws["I5"].fill.fgColor.rgb.endswith("F8D7DA")
    assert ws["B4"].fill.fgColor.rgb != ws["E4"].fill.fgColor.rgb  # only the bad cell is marked
    full = write_left_out(sheets, rows, tmp_path / "完整.xlsx", title="t", show_full_id_numbers=True)
    assert openpyxl.load_workbook(full)["花名册"]["E4"].value == wrong_check_digit(2)


def test_the_rows_left_out_keep_their_dates_and_numbers_and_come_back_as_the_unit_wrote_them(ds, tmp_path):
    """A date cell goes back to the unit as a date (with a date format), a number as a number, a text as
    text: the unit corrects the list and hands it back, and the program reads the same values again."""
    people = [arrival(i) for i in range(5)]
    people[2] = arrival(2, 身份证号码=wrong_check_digit(2), 首次参保日期=dt.datetime(2022, 3, 3, 0, 0))
    people[4] = arrival(4, 参保月数=700, 联系电话=13900000004, 姓名="王" + "长" * 70)  # a phone typed as a number
    path = roster_file(tmp_path, people)
    read = read_workbook(path, "arrivals")
    checked = check_read(read, RULES)
    edit = ds.import_people(1, checked, sha256=file_sha256(path), unit_id=ds.unit_id(UNITS[0]), skip_bad_rows=True)
    assert edit.ok, edit.problems
    out = write_left_out(*left_out_rows(checked, read), tmp_path / "未导入.xlsx", title="未导入的 2 行")

    ws = openpyxl.load_workbook(out)["花名册"]
    assert [ws[f"A{r}"].value for r in (4, 5)] == [5, 7]
    for r, person in ((4, people[2]), (5, people[4])):
        for letter, header in (("H", "入职日期"), ("I", "首次参保日期")):
            cell = ws[f"{letter}{r}"]
            assert cell.is_date and cell.value == dt.datetime.combine(person[header], dt.time()), cell.coordinate
            assert cell.number_format == "yyyy-mm-dd"
        assert ws[f"J{r}"].data_type == "n" and ws[f"J{r}"].value == person["参保月数"]
        assert ws[f"J{r}"].number_format == "General"
        assert ws[f"E{r}"].data_type == "s" and ws[f"E{r}"].number_format == "@"  # an ID number stays text
        assert ws[f"C{r}"].value == person["姓名"]  # a long name whole, not cut short
    assert ws["K4"].value == people[2]["联系电话"] and ws["K4"].number_format == "@"
    assert ws["K5"].value == 13900000004 and ws["K5"].data_type == "n"

    back = read_workbook(out, "arrivals")  # the program's own reader: the cells the unit's file held
    assert back.ok, [p.text() for p in back.problems]
    (table,), (first,) = back.tables, read.tables
    id_column = first.layout.column("id_number").index
    for r, original in ((4, 5), (5, 7)):
        again, before = table.grid[r - 1][1:11], first.grid[original - 1][:10]
        assert [v for i, v in enumerate(again) if i != id_column] == [v for i, v in enumerate(before) if i != id_column]

    ws["E4"] = person_id(2)  # the unit corrects the list (the masked ID numbers typed in full) and hands it back
    ws["E5"] = person_id(4)
    ws["J5"] = 7
    ws.parent.save(out)
    fixed = check_workbook(out, "arrivals", RULES)
    assert fixed.ok, [p.text() for p in fixed.problems]
    assert [(r.id_number, r.first_insured_date, r.insured_months) for r in fixed.records] == [
        (person_id(2), dt.date(2022, 3, 3), people[2]["参保月数"]), (person_id(4), people[4]["首次参保日期"], 7)]
    again = ds.import_people(1, fixed, sha256=file_sha256(out), unit_id=ds.unit_id(UNITS[0]), alongside=True)
    assert again.ok, again.problems
    assert sorted(r["id_number"] for r in stored(ds, "roster_entries")) == sorted(person_id(i) for i in range(5))
    proved(ds)


def test_a_month_left_out_goes_back_as_a_month_and_reads_back_as_the_same_month(tmp_path):
    rows = [["序号", "姓名", "身份证号码", "月份"], [1, "王伟", person_id(1), dt.date(2022, 3, 1)],
            [2, "李娜", wrong_check_digit(2), dt.date(2022, 4, 1)]]
    path = write_workbook(tmp_path / "送工信息.xlsx", {"送工": rows})
    read = read_workbook(path, "monthly_reports")
    checked = check_read(read, RULES)
    out = write_left_out(*left_out_rows(checked, read), tmp_path / "未导入.xlsx", title="t", show_full_id_numbers=True)
    ws = openpyxl.load_workbook(out)["送工"]
    assert ws["E4"].is_date and ws["E4"].value == dt.datetime(2022, 4, 1) and ws["E4"].number_format == "yyyy-mm"
    ws["D4"] = person_id(2)
    ws.parent.save(out)
    fixed = check_workbook(out, "monthly_reports", RULES)
    assert fixed.ok and [(r.id_number, r.month) for r in fixed.records] == [(person_id(2), dt.date(2022, 4, 1))]


def test_undo_takes_a_partial_import_out_and_redo_puts_it_back(ds, tmp_path):
    session = Session(ds, 1)
    first = roster_file(tmp_path, [arrival(i) for i in range(3)], "旧.xlsx")
    checked = check_workbook(first, "arrivals", RULES)
    assert session.import_people("导入", checked, file_sha256(first), session.unit_id(UNITS[0])).ok
    before = without_audit(ds)
    path = five_with_one_bad(tmp_path)
    checked = check_workbook(path, "arrivals", RULES)
    assert session.import_people("只导入无误的行", checked, file_sha256(path), session.unit_id(UNITS[0]),
                                 skip_bad_rows=True).ok
    after = without_audit(ds)
    assert len(stored(ds, "roster_entries")) == 4
    assert session.undo("撤销")[1].ok
    assert without_audit(ds) == before  # the earlier roster back, exactly
    assert session.redo("重做")[1].ok
    assert without_audit(ds) == after
    proved(ds)


def two_bad_of_six(tmp_path, name: str = "附件2花名册.xlsx"):
    people = [arrival(i) for i in range(6)]
    people[2] = arrival(2, 身份证号码=wrong_check_digit(2))
    people[4] = arrival(4, 首次参保日期="2022年13月1日")
    return roster_file(tmp_path, people, name)


def test_the_rows_left_out_are_read_back_with_the_import_and_told_by_the_audit_log(ds, tmp_path):
    """Afterwards, from the year file alone: which rows of which file an import left out and why (sheet, row,
    column, problem; the ID number masked), in the import's list and under its line of the audit log; an import
    of the whole file left out nothing; undo and redo keep it."""
    from core.common.messages import render
    from core.store.audit_log import changes_of, detail_lines, line
    from core.store.left_out import LeftOut, LeftOutProblem
    path = two_bad_of_six(tmp_path)
    unit_id = ds.unit_id(UNITS[0])
    session = Session(ds, 1)
    edit = session.import_people("导入", check_workbook(path, "arrivals", RULES), file_sha256(path), unit_id,
                                 skip_bad_rows=True)
    assert edit.ok, edit.problems
    (tmp_path / "另").mkdir()
    whole = roster_file(tmp_path / "另", [arrival(i) for i in range(3)])
    other = ds.import_people(1, check_workbook(whole, "arrivals", RULES), sha256=file_sha256(whole),
                             unit_id=ds.unit_id(UNITS[1]))
    assert other.ok, other.problems

    left = ds.left_out([edit.id, other.id])
    assert list(left) == [edit.id]  # the whole file left out nothing
    assert left[edit.id].rows == 2
    (first, second) = left[edit.id].problems
    assert (first.sheet, first.row, first.field) == ("花名册", BAD_ROW, "身份证号码")
    assert first.text.startswith("身份证号码校验位错误：" + mask_id_number(wrong_check_digit(2)))
    assert (second.sheet, second.row, second.field) == ("花名册", 7, "首次参保日期")
    assert second.text.startswith("不是有效日期：2022年13月1日")
    assert wrong_check_digit(2) not in repr(left)
    assert session.left_out([edit.id]) == left and ds.left_out([]) == {}
    assert isinstance(left[edit.id], LeftOut) and isinstance(first, LeftOutProblem)

    (change,) = [c for c in changes_of(ds, unit=unit_id) if f"导入名单“{path.name}”" in render(line(c))]
    assert render(line(change)).endswith(f"导入名单“{path.name}”，有问题的 2 行未导入")
    assert [render(d) for d in detail_lines(change)] == [
        f"　　未导入 花名册 第 {BAD_ROW} 行“身份证号码”：{first.text}",
        f"　　未导入 花名册 第 7 行“首次参保日期”：{second.text}"]
    (plain,) = [c for c in changes_of(ds, unit=ds.unit_id(UNITS[1])) if "导入名单" in render(line(c))]
    assert render(line(plain)).endswith(f"导入名单“{whole.name}”") and detail_lines(plain) == []

    assert session.undo()[1].ok and ds.imports(unit_id) == []
    assert session.redo()[1].ok and [s.id for s in ds.imports(unit_id)] == [edit.id]
    assert ds.left_out([edit.id]) == left
    proved(ds)


def test_an_import_made_in_a_field_copy_keeps_its_rows_left_out_once_merged(ds, tmp_path):
    from core.store.dataset import Dataset
    from core.teamwork.field_copy import make_field_copy
    from core.teamwork.merge import merge_copy
    copy_path = tmp_path / "李四.wjkh"
    make_field_copy(ds, copy_path, "李四", 1)
    path = two_bad_of_six(tmp_path)
    with Dataset.open(copy_path, backups=False) as copy:
        edit = copy.import_people(copy.assessor_id("李四"), check_workbook(path, "arrivals", RULES),
                                  sha256=file_sha256(path), unit_id=copy.unit_id(UNITS[0]), skip_bad_rows=True)
        assert edit.ok, edit.problems
        in_copy = copy.left_out([edit.id])[edit.id]
    with Dataset.open(copy_path, read_only=True) as copy:
        assert merge_copy(ds, copy, copy_path.name, 1)[1].ok
    (merged,) = ds.imports(ds.unit_id(UNITS[0]))
    assert ds.left_out([merged.id]) == {merged.id: in_copy} and in_copy.rows == 2 and len(in_copy.problems) == 2


def test_a_monthly_report_s_rows_left_out_are_read_back_by_its_month_s_sheet(ds, tmp_path):
    from tests.import_support import monthly_file
    people = [arrival(i) for i in range(4)]
    people[1] = arrival(1, 身份证号码=wrong_check_digit(1))
    path = monthly_file(tmp_path, people)
    edit = ds.import_people(1, check_workbook(path, "monthly_reports", RULES), sha256=file_sha256(path),
                            unit_id=ds.unit_id(UNITS[0]), skip_bad_rows=True)
    assert edit.ok, edit.problems
    left = ds.left_out([s.id for s in ds.imports(ds.unit_id(UNITS[0]))])
    (problem,) = left[edit.id].problems
    assert (left[edit.id].rows, problem.sheet, problem.row, problem.field) == (1, "2022年3月", 3, "身份证号码")
    assert mask_id_number(wrong_check_digit(1)) in problem.text and wrong_check_digit(1) not in problem.text


def test_two_people_with_one_id_number_are_both_left_out(ds, tmp_path):
    """何明 typed with 刘超's ID number above 刘超's own row: importing the good rows alone keeps neither (the file
    cannot say which row is wrong), and both go to the unit's list, each naming the other."""
    people = [arrival(i) for i in range(4)]
    people[1] = arrival(1, 姓名="何明", 身份证号码=person_id(2))
    people[2] = arrival(2, 姓名="刘超")
    path = roster_file(tmp_path, people)
    checked = check_workbook(path, "arrivals", RULES)
    assert (len(checked.records), checked.rows_with_problems) == (2, 2)
    edit = ds.import_people(1, checked, sha256=file_sha256(path), unit_id=ds.unit_id(UNITS[0]), skip_bad_rows=True)
    assert edit.ok, edit.problems
    assert [r["id_number"] for r in stored(ds, "roster_entries")] == [person_id(0), person_id(3)]
    assert import_summary(ds)["left_out_rows"] == 2
    read = read_workbook(path, "arrivals")
    _sheets, left = left_out_rows(checked, read)
    said = f"第 4 行（何明）与第 5 行（刘超）身份证号码相同（{person_id(2)}），请核对哪一行填错"
    assert [(r.row, r.cells[1], [p.text for p in r.problems]) for r in left] == [(4, "何明", [said]),
                                                                                 (5, "刘超", [said])]
