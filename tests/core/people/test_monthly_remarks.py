"""A monthly report's 备注 (每月送工信息): the column is recognised by the rosters' header words, each row's remark
is imported as free text and kept with the report row in the year file (one audited import, undone as a whole),
read back with the row, carried by a field copy's merge; a year file of schema 10 gains the column when it opens,
its report rows keep their remarks empty and the trail still proves them; the remarks change no match or score."""

from __future__ import annotations

import datetime as dt
import sqlite3

from core.common.messages import render
from core.editing.session import Session
from core.excel.check import check_workbook
from core.excel.read import read_workbook
from core.people.tables import file_sha256, submissions
from core.scoring.engine import score_year
from core.store.dataset import Dataset, create_file
from core.store.files import SCHEMA_VERSION
from tests.builders import RULES
from tests.import_support import UNITS, imported, imported_as_before, roster_file, stored, year_with_bases
from tests.xlsx_builders import MONTHLY_HEADERS, arrival, person_id, write_workbook

REMARKS = ["已离职，待补离职证明", "", 3, "  转正后换岗\n（见补充说明）  "]
KEPT = ["已离职，待补离职证明", "", "3", "转正后换岗\n（见补充说明）"]


def report_rows(people, remarks=None, header: str = "备注") -> list[list]:
    """A monthly report's rows: the headers and a row of each person, with a 备注 column when `remarks` is given."""
    rows = [[*MONTHLY_HEADERS, *([header] if remarks is not None else [])]]
    for k, p in enumerate(people):
        row = [k + 1, p["姓名"], p["身份证号码"], p["用工单位"], p["劳务基地"], p["入职日期"], p["联系电话"]]
        rows.append(row + ([remarks[k]] if remarks is not None else []))
    return rows


def remarked_report(folder, header: str = "备注", name: str = "送工信息.xlsx"):
    people = [arrival(i) for i in range(len(REMARKS))]
    return write_workbook(folder / name, {"2022年3月": report_rows(people, REMARKS, header)})


def proved(ds) -> None:
    report = ds.check_audit()
    assert report.ok, [render(p.message) for p in report.problems]


def report_remarks(ds) -> list[str]:
    return [r["remarks"] for r in stored(ds, "monthly_report_entries")]


def test_the_remarks_column_of_a_monthly_report_is_recognised_and_checked(tmp_path):
    for header in ("备注", "备 注", "备注（说明情况）", "备注信息", "备注说明", "备注栏"):
        read = read_workbook(remarked_report(tmp_path, header), "monthly_reports")
        assert read.ok and read.tables[0].layout.column("remarks").index == len(MONTHLY_HEADERS), header
    checked = check_workbook(remarked_report(tmp_path), "monthly_reports", RULES)
    assert checked.ok and [r.remarks for r in checked.records] == KEPT
    assert {r.month for r in checked.records} == {dt.date(2022, 3, 1)}
    people = [arrival(i) for i in range(2)]  # one sheet a month, the remarks on one of them only
    both = write_workbook(tmp_path / "两个月.xlsx", {"2022年3月": report_rows(people, ["三月补报", ""]),
                                                    "2022年4月": report_rows(people)})
    checked = check_workbook(both, "monthly_reports", RULES)
    assert checked.ok and [(r.month.month, r.remarks) for r in checked.records] == [
        (3, "三月补报"), (3, ""), (4, ""), (4, "")]


def test_the_remarks_are_kept_with_each_report_row_read_back_and_undone_with_the_import(ds, tmp_path):
    session = Session(ds, 1)
    path = remarked_report(tmp_path)
    checked = check_workbook(path, "monthly_reports", RULES)
    assert session.import_people("导入", checked, file_sha256(path), session.unit_id(UNITS[0])).ok
    assert report_remarks(ds) == KEPT
    (submission,) = [s for s in submissions(ds._conn, ds._read_units(None)) if s.unit == UNITS[0]]
    assert [r.remarks for r in submission.monthly_reports] == KEPT
    proved(ds)

    ds._conn.execute("UPDATE monthly_report_entries SET remarks = '改过' WHERE remarks = '3'")  # changed outside
    assert not ds.check_audit().ok
    ds._conn.execute("UPDATE monthly_report_entries SET remarks = '3' WHERE remarks = '改过'")
    proved(ds)

    assert session.undo("撤销")[1].ok
    assert report_remarks(ds) == []
    assert session.redo("重做")[1].ok
    assert report_remarks(ds) == KEPT
    proved(ds)


def scores(ds) -> list:
    return [(u.name, [(c.clause_id, c.value, c.net) for c in u.clauses]) for u in score_year(RULES, ds.year()).units]


def verdicts(ds) -> list:
    return [(u.unit, u.arrivals, u.arrivals_retained, u.bases,
             [(p.id_number, p.kind, p.base, p.confirmed, p.retained, p.months, p.reasons, p.retention_reasons, p.notes)
              for p in u.people]) for u in ds.match().units]


def test_the_remarks_change_no_match_and_no_score(ds, tmp_path):
    unit_id = ds.unit_id(UNITS[0])
    for clause in ("2.1", "2.2", "4.2"):
        for item in RULES.clause(clause).evidence_ids:
            assert ds.tick_evidence(1, unit_id, clause, item).ok
    assert ds.set_count_source(1, unit_id, "roster", reason="花名册已导入并核对").ok
    people = [arrival(i) for i in range(10)]
    imported(ds, "arrivals", roster_file(tmp_path, people))
    reported = [*people[:6], arrival(7, 姓名="王小明")]  # three not reported, one under another name
    months = {"2022年3月": reported[:4], "2022年9月": reported}
    plain = write_workbook(tmp_path / "送工信息.xlsx", {m: report_rows(p) for m, p in months.items()})
    imported(ds, "monthly_reports", plain)
    before = scores(ds), verdicts(ds)
    assert not all(p.confirmed for p in ds.match().unit(UNITS[0]).people)

    words = ["已离职", "", "改派\n他厂", 12, "", "待核", "姓名以身份证为准"]
    remarked = write_workbook(tmp_path / "送工信息.xlsx", {m: report_rows(p, words[:len(p)])
                                                          for m, p in months.items()})
    imported(ds, "monthly_reports", remarked)  # the same file again: it replaces the one without remarks
    assert [s.rows for s in ds.imports(unit_id) if s.kind == "monthly_reports"] == [11]
    assert report_remarks(ds) == ["已离职", "", "改派\n他厂", "12", "已离职", "", "改派\n他厂", "12", "", "待核",
                                  "姓名以身份证为准"]
    assert (scores(ds), verdicts(ds)) == before


def test_a_field_copy_s_monthly_report_comes_back_with_its_remarks(tmp_path):
    from core.teamwork.field_copy import make_field_copy
    from core.teamwork.merge import merge_copy

    path = tmp_path / "2022.wjkh"
    assert create_file(path, RULES, "组长", role="考核组长", year=year_with_bases()) == []
    copy = tmp_path / "外业.wjkh"
    with Dataset.open(path, backups=False) as ds:
        make_field_copy(ds, copy, "张三", 1)
    with Dataset.open(copy, backups=False) as ds:
        imported(ds, "monthly_reports", remarked_report(tmp_path))
    with Dataset.open(path, backups=False) as ds, Dataset.open(copy, read_only=True) as theirs:
        plan, edit = merge_copy(ds, theirs, copy.name, 1)
        assert edit.ok and not plan.conflicts
        assert report_remarks(ds) == KEPT
        proved(ds)


def test_a_schema_10_file_gains_the_report_remarks_and_its_reports_are_still_proved(tmp_path):
    path = tmp_path / "v10.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases(), schema_version=10) == []
    conn = sqlite3.connect(path, isolation_level=None)  # an import as a schema 10 program wrote it
    assert "remarks" not in {r[1] for r in conn.execute("PRAGMA table_info(monthly_report_entries)")}
    conn.close()
    person = arrival(0)
    imported_as_before(path, "monthly_reports", "送工信息.xlsx", "monthly_report_entries",
                       "unit_id, import_id, month, name, id_number, base_name, employer, arrival_date, phone, sheet, "
                       "sheet_row", "?, 7, '2022-03', ?, ?, ?, ?, '2022-03-01', '', '2022年3月', ?",
                       lambda unit: [(unit, person["姓名"], person_id(i), person["劳务基地"], person["用工单位"], 2 + i)
                                     for i in range(2)])

    with Dataset.open(path, backups=False) as ds:
        assert ds.schema_version == SCHEMA_VERSION == 11
        migration = [e for e in ds.audit_entries() if e.reason == "migration 10→11"]
        assert {(e.table_name, e.field) for e in migration} == {("monthly_report_entries", "remarks"),
                                                                ("meta", "schema_version")}
        assert report_remarks(ds) == ["", ""]
        proved(ds)
        assert ds.verify_audit() is None
        imported(ds, "monthly_reports", remarked_report(tmp_path), unit=UNITS[1])
        assert report_remarks(ds) == ["", "", *KEPT]
        proved(ds)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE monthly_report_entries SET remarks = '补' WHERE import_id = 7 AND sheet_row = 2")
    conn.commit()
    conn.close()
    with Dataset.open(path, read_only=True) as ds:  # an old import's remark added outside the program is caught
        assert [p.message.code for p in ds.check_audit().problems] == ["audit.people_changed"]
