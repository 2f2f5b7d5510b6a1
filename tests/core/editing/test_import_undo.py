"""What the desktop does with imported people, without the desktop: an import (also one that replaced
an earlier one), a removed import, an assignment and a count source are undone and redone exactly
through the session; a check's problems become a located list (values as written, ID numbers
masked in the exported .xlsx/.csv unless asked); the annex forms' inputs."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from core.editing.session import Session
from core.excel.check import check_read, check_workbook
from core.excel.problems import problem_rows, split_location, write_problem_list
from core.excel.read import read_workbook
from core.excel.write import annex_inputs
from core.people.tables import file_sha256
from tests.builders import RULES
from tests.import_support import UNITS, contents, district_file, monthly_file, roster_file
from tests.xlsx_builders import arrival, arrivals_rows, person_id, write_workbook

HEADERS = ("工作表", "行", "列", "单元格内容", "问题")


def without_audit(ds) -> dict:
    return {table: rows for table, rows in contents(ds).items() if table not in ("audit", "sqlite_sequence")}


def session_import(session: Session, kind: str, path, unit: str | None = UNITS[0]):
    checked = check_workbook(path, kind, session.rules)
    assert checked.ok, [p.text() for p in checked.problems]
    unit_id = None if unit is None else session.unit_id(unit)
    edit = session.import_people(f"导入 {path.name}", checked, file_sha256(path), unit_id)
    assert edit.ok, edit.problems
    return edit


def test_an_import_that_replaced_another_is_undone_and_redone_exactly(ds, tmp_path):
    session = Session(ds, 1)
    seen = []
    session.listeners.append(seen.append)
    first = session_import(session, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(5)], "甲.xlsx"))
    monthly = session_import(session, "monthly_reports", monthly_file(tmp_path, [arrival(i) for i in range(8)]))
    assert seen == [None, None]  # who counts may change for every unit: the whole year is read again
    before = without_audit(ds)
    second = session_import(session, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(3, 8)], "乙.xlsx"))
    assert [s.id for s in ds.imports()] == [monthly.id, second.id] and first.id != second.id
    after = without_audit(ds)

    step, edit = session.undo("撤销")
    assert edit.ok and step is not None
    assert without_audit(ds) == before  # the first roster is back with its ids, the second gone
    assert session.match().unit(UNITS[0]).arrivals == 5
    step, edit = session.redo("重做")
    assert edit.ok
    assert without_audit(ds) == after
    assert session.match().unit(UNITS[0]).arrivals == 5 and {p.id_number for p in session.match().unit(UNITS[0]).people} \
        == {person_id(i) for i in range(3, 8)}
    assert ds.verify_audit() is None
    actions = [(e.action, e.record_id) for e in ds.audit_entries("imports") if e.action != "schema"]
    assert actions[-4:] == [("delete", str(second.id)), ("insert", str(first.id)),
                            ("delete", str(first.id)), ("insert", str(second.id))]


def test_a_removed_import_comes_back_with_its_ids(ds, tmp_path):
    session = Session(ds, 1)
    edit = session_import(session, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(4)]))
    before = without_audit(ds)
    assert session.remove_import("删除本次导入", edit.id).ok
    assert ds.imports() == [] and ds._conn.execute("SELECT count(*) FROM roster_entries").fetchone()[0] == 0
    assert session.undo("撤销")[1].ok
    assert without_audit(ds) == before
    assert session.redo("重做")[1].ok and ds.imports() == []
    assert not session.remove_import("删除本次导入", edit.id).ok  # already gone: core says so


def test_an_import_into_a_locked_unit_is_refused_and_undo_of_nothing_is_not_pushed(ds, tmp_path):
    session = Session(ds, 1)
    path = roster_file(tmp_path, [arrival(0)])
    checked = check_workbook(path, "arrivals", RULES)
    assert not session.import_people("导入", checked, file_sha256(path), None).ok  # a roster needs a unit
    assert not session.history.can_undo


def test_an_assignment_is_undone_to_the_earlier_decision(ds, tmp_path):
    session = Session(ds, 1)
    people = [arrival(i) for i in range(4)]
    for unit in UNITS[:2]:
        session_import(session, "arrivals", roster_file(tmp_path, people, f"{unit}.xlsx"), unit)
        session_import(session, "monthly_reports", monthly_file(tmp_path, people, f"{unit}-送工.xlsx"), unit)
    counts = lambda: tuple(session.match().unit(u).arrivals for u in UNITS[:2])  # noqa: E731
    assert counts() == (0, 0) and len(session.match().conflicts) == 4
    a, b = session.unit_id(UNITS[0]), session.unit_id(UNITS[1])
    assert not session.assign_person("确认归属", person_id(0), a, "  ").ok  # a reason is required
    assert session.assign_person("确认归属", person_id(0), a, "社保记录显示由甲单位输送").ok
    assert counts() == (1, 0)
    assert session.assign_person("改为乙单位", person_id(0), b, "复核后改判").ok
    assert counts() == (0, 1)
    session.undo("撤销")
    assert counts() == (1, 0)
    assert ds.assignments()[0].reason == "社保记录显示由甲单位输送"
    session.undo("撤销")
    assert counts() == (0, 0) and ds.assignments() == []
    session.redo("重做")
    assert counts() == (1, 0)


def test_the_count_source_of_a_unit_or_one_base_is_undone(ds, tmp_path):
    session = Session(ds, 1)
    unit_id = session.unit_id(UNITS[0])
    base_ids = session.base_ids(unit_id)
    assert session.update_base("按名单核对", unit_id, base_ids[0], count_source="roster").ok
    assert session.set_count_source("全部按名单核对", unit_id, "roster").ok
    assert set(session.count_sources(unit_id).values()) == {"roster"}
    session.undo("撤销")
    assert session.count_sources(unit_id) == {b: ("roster" if b == base_ids[0] else "hand") for b in base_ids}
    assert session.set_count_source("手工录入", unit_id, "hand", base_ids[:1]).ok
    assert set(session.count_sources(unit_id).values()) == {"hand"}
    session.undo("撤销")
    assert session.count_sources(unit_id)[base_ids[0]] == "roster"


# ------------------------------------------------------------------ the problem list

def bad_roster(tmp_path):
    people = [arrival(0), arrival(1, 身份证号码=person_id(1)[:17] + ("0" if person_id(1)[17] != "0" else "1")),
              arrival(2, 首次参保日期="2022年13月1日"), arrival(3, 身份证号码=5.20601199505e17), arrival(0)]
    return write_workbook(tmp_path / "有问题.xlsx", {"花名册": arrivals_rows(people)}, title="花名册", title_rows=2)


def test_every_problem_is_located_with_the_value_as_written(tmp_path):
    path = bad_roster(tmp_path)
    read = read_workbook(path, "arrivals")
    checked = check_read(read, RULES)
    rows = problem_rows(checked, read)
    assert [(r.sheet, r.row, r.column, r.letter, r.message.code) for r in rows] == [
        ("花名册", 5, "身份证号码", "D", "excel.id_check_digit"),
        ("花名册", 6, "首次参保日期", "H", "excel.bad_date"),
        ("花名册", 7, "身份证号码", "D", "excel.id_as_number"),
        ("花名册", 8, "身份证号码", "D", "excel.duplicate_row")]
    assert rows[0].value == person_id(1)[:17] + rows[0].value[17] and rows[1].value == "2022年13月1日"
    assert rows[2].value == "520601199505000000"  # as Excel's formula bar shows the number
    assert [r.id_column for r in rows] == [True, False, True, True]
    masked = rows[0].masked()
    assert masked.value == person_id(1)[:6] + "********" + rows[0].value[-4:]
    assert person_id(1)[6:14] not in masked.text and masked.text.startswith("身份证号码校验位错误")
    assert rows[1].masked() == rows[1]  # nothing ID-shaped in it: unchanged
    assert split_location("3月!花名册!12") == ("3月!花名册", 12) and split_location("花名册") == ("花名册", None)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_exported_problem_list_masks_id_numbers_unless_asked(tmp_path, suffix):
    path = bad_roster(tmp_path)
    read = read_workbook(path, "arrivals")
    rows = problem_rows(check_read(read, RULES), read)

    def read_back(target):
        if suffix == ".csv":
            with open(target, encoding="utf-8-sig", newline="") as f:
                return list(csv.reader(f))
        ws = openpyxl.load_workbook(target).active
        assert ws["A1"].value == "有问题.xlsx 的问题清单"
        return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(min_row=2, values_only=True)]

    masked = read_back(write_problem_list(rows, tmp_path / f"问题{suffix}", HEADERS, title="有问题.xlsx 的问题清单"))
    full = read_back(write_problem_list(rows, tmp_path / f"完整{suffix}", HEADERS, title="有问题.xlsx 的问题清单",
                                         show_full_id_numbers=True))
    assert masked[0] == list(HEADERS) and full[0] == list(HEADERS)
    assert len(masked) == len(full) == 1 + len(rows)
    assert [r[:3] for r in masked[1:]] == [["花名册", str(r.row), r.column_text] for r in rows]
    everything = "".join("".join(r) for r in masked)
    assert person_id(1)[:17] not in everything and person_id(0) not in everything
    assert person_id(1)[:17] in "".join(full[1]) and person_id(0) in full[4][4]
    assert masked[2][3] == "2022年13月1日"
    assert write_problem_list(rows, tmp_path / f"取消{suffix}", HEADERS, cancelled=lambda: True) is None
    assert not (tmp_path / f"取消{suffix}").exists() and not list(tmp_path.glob(".*.part"))


def test_the_annex_forms_take_the_confirmed_people_and_the_counts_as_scored(ds, tmp_path):
    session = Session(ds, 1)
    people = [arrival(i) for i in range(4)]
    session_import(session, "arrivals", roster_file(tmp_path, people + [arrival(9, 首次参保日期=dt.date(2021, 5, 1))]))
    session_import(session, "monthly_reports", monthly_file(tmp_path, people))
    unit_id = session.unit_id(UNITS[0])
    unit, matched = session.unit(unit_id), session.match().unit(UNITS[0])
    records, counts = annex_inputs(2, unit, matched)
    assert sorted(p.id_number for p in records) == sorted(person_id(i) for i in range(4))
    assert annex_inputs(4, unit, matched)[0] == [] and annex_inputs(2, unit, None)[0] == []
    assert [(c.base, c.people) for c in counts] == [(b.name, b.people) for b in unit.bases]


# ------------------------------------------------------------------ a layout to map

def test_an_unrecognised_layout_asks_about_its_header_row_with_a_sample_of_each_column(tmp_path):
    from core.excel.mapping import mapping_key, mapping_question
    headers = ["编号", "员工名", "证件", "工作单位", "参保起始", "来源地"]
    rows = [headers] + [[k + 1, f"人员{k}", person_id(k), "吴江精密电子有限公司", dt.date(2022, 3, 1), "铜仁劳务基地"]
                        for k in range(3)]
    path = write_workbook(tmp_path / "名单.xlsx", {"名单": rows}, title="2022年输送人员", title_rows=2)
    read = read_workbook(path, "arrivals")
    assert read.needs_mapping
    question = mapping_question(path, read)
    # not the title, not a person's row (whose 来源地 cell names a base): the header row
    assert [(c.letter, c.header, c.sample) for c in question.choices] == [
        ("A", "编号", "1"), ("B", "员工名", "人员0"), ("C", "证件", person_id(0)[:6] + "********" + person_id(0)[-4:]), ("D", "工作单位", "吴江精密电子有限公司"),
        ("E", "参保起始", "2022-03-01"), ("F", "来源地", "铜仁劳务基地")]
    assert question.found == {} and question.missing == ("name", "id_number", "employer", "first_insured_date")
    assert question.key == mapping_key("arrivals", [" 编号", "员工名 ", "证件", "工作单位", "参保起始", "来源地"])
    assert question.key != mapping_key("placements", headers) and question.key != mapping_key("arrivals", headers[:-1])
    mapping = {"name": "员工名", "id_number": "证件", "employer": "工作单位", "first_insured_date": "参保起始"}
    again = read_workbook(path, "arrivals", mapping=mapping)
    assert not again.needs_mapping and mapping_question(path, again) is None
    assert len(check_read(again, RULES).records) == 3
    # a recognised required field keeps its row and is offered as found
    rows[0][1] = "姓名"
    path = write_workbook(tmp_path / "名单2.xlsx", {"名单": rows})
    question = mapping_question(path, read_workbook(path, "arrivals"))
    assert question.found == {"name": "姓名"} and question.choices[1].sample == "人员0"


def session_write(session: Session, kind: str, path, unit: str | None = UNITS[0]):
    """An import as the desktop makes it (Session.import_people_write, its edit run at once)."""
    checked = check_workbook(path, kind, session.rules)
    assert checked.ok, [p.text() for p in checked.problems]
    unit_id = None if unit is None else session.unit_id(unit)
    edit = session.import_people_write(f"导入 {path.name}", checked, file_sha256(path), unit_id).now()
    assert edit.ok, edit.problems
    return edit


def test_importing_the_same_people_again_keeps_final_and_other_people_withdraw_it(ds, tmp_path):
    from core.common.messages import render
    session = Session(ds, 1)
    uid = session.unit_id(UNITS[0])
    roster = roster_file(tmp_path, [arrival(i) for i in range(5)])
    session_write(session, "arrivals", roster)
    assert session.mark_final("定稿", [uid], True).ok
    again = session_write(session, "arrivals", roster)
    assert again.unfinalized == () and again.same_people and session.unit(uid).facts_final
    assert ds.imports()[0].replaced_rows == 5  # replaced all the same, audited as an import
    assert render(session.final_withdrawn(again)) == "与上次导入的内容相同，数据未改动，定稿保持不变。"
    assert session.undo("撤销")[1].unfinalized == () and session.unit(uid).facts_final
    assert session.redo("重做")[1].unfinalized == () and session.unit(uid).facts_final

    other = session_write(session, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(1, 6)]))
    assert other.unfinalized == (uid,) and not other.same_people and not session.unit(uid).facts_final
    assert session.undo("撤销")[1].ok and session.unit(uid).facts_final  # the undo marks it again

    # a list of the whole year: the same again changes no unit scored from it, another list does
    assert session.set_count_source("名单核对", uid, "roster").ok
    listed = district_file(tmp_path, [(1, 7), (2, 6)])
    session_write(session, "traineeship_list", listed, None)
    assert session.mark_final("定稿", [uid], True).ok and session.unit(uid).facts_final
    assert session_write(session, "traineeship_list", listed, None).unfinalized == ()
    assert session.unit(uid).facts_final
    changed = session_write(session, "traineeship_list", district_file(tmp_path, [(1, 7), (2, 5)]), None)
    assert changed.unfinalized == (uid,) and not session.unit(uid).facts_final
    assert ds.verify_audit() is None


def test_an_undone_import_is_told_in_the_change_history_by_its_file_and_unit(ds, tmp_path):
    """修改记录 of an import taken back names the file and the unit, as the import's own line does (a tester saw
    "删除导入的名单“”" with no unit)."""
    from core.common.messages import render
    session = Session(ds, 1)
    session_import(session, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(4)], "附件2-甲.xlsx"))
    step, edit = session.undo("撤销")
    assert edit.ok and step is not None
    removed = [c for c in session.changes() if "删除" in render(c.what)]
    assert removed, [render(c.what) for c in session.changes()]
    assert all("附件2-甲.xlsx" in render(c.what) for c in removed), [render(c.what) for c in removed]
    assert all(c.unit == UNITS[0] for c in removed), [c.unit for c in removed]
