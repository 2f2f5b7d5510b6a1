"""A roster's 备注 (附件2, 附件4): the column is recognised by its header, each person's remark is imported as
free text and kept with the person in the year file (one audited import, undone as a whole), read back with
the person for the 人员核对 view and `match`; a year file of schema 9 gains the column when it opens, its
people keep their remarks empty and the trail still proves them."""

from __future__ import annotations

import sqlite3

from core.common.messages import render
from core.editing.session import Session
from core.excel.check import check_workbook
from core.excel.read import read_workbook
from core.people.tables import file_sha256
from core.store.dataset import Dataset, create_file
from core.store.files import SCHEMA_VERSION
from tests.builders import RULES
from tests.import_support import (
    PLACEMENT_HEADERS,
    UNITS,
    imported,
    imported_as_before,
    placement,
    roster_file,
    stored,
    year_with_bases,
)
from tests.xlsx_builders import ARRIVAL_HEADERS, arrival, arrivals_rows, person_id, write_workbook

REMARKS = ["已离职，待补离职证明", "", 3, "  转正后换岗\n（见补充说明）  "]


def remarked_roster(folder, header: str = "备注"):
    people = [arrival(i, 备注=remark) for i, remark in enumerate(REMARKS)]
    rows = arrivals_rows(people, (*ARRIVAL_HEADERS, header))
    return write_workbook(folder / "附件2花名册.xlsx", {"花名册": rows}, title="组织进吴人员花名册", title_rows=1)


def proved(ds) -> None:
    report = ds.check_audit()
    assert report.ok, [render(p.message) for p in report.problems]


def remarks_by_id(ds, unit: str = UNITS[0]) -> dict[str, str]:
    (found,) = [u for u in ds.match().units if u.unit == unit]
    return {p.id_number: p.record.remarks for p in found.people}


def test_the_remarks_column_is_recognised_by_its_header_words(tmp_path):
    for header in ("备注", "备 注", "备注（说明情况）", "备注信息"):
        read = read_workbook(remarked_roster(tmp_path, header), "arrivals")
        assert read.ok and read.tables[0].layout.column("remarks").index == len(ARRIVAL_HEADERS), header
    checked = check_workbook(remarked_roster(tmp_path), "arrivals", RULES)
    assert checked.ok and [r.remarks for r in checked.records] == [
        "已离职，待补离职证明", "", "3", "转正后换岗\n（见补充说明）"]
    without = check_workbook(roster_file(tmp_path, [arrival(0)], "无备注.xlsx"), "arrivals", RULES)
    assert without.ok and without.records[0].remarks == ""


def test_the_remarks_are_kept_with_each_person_read_back_and_undone_with_the_import(ds, tmp_path):
    session = Session(ds, 1)
    checked, _ = imported(ds, "arrivals", remarked_roster(tmp_path))
    rows = stored(ds, "roster_entries")
    assert [r["remarks"] for r in rows] == ["已离职，待补离职证明", "", "3", "转正后换岗\n（见补充说明）"]
    assert remarks_by_id(ds) == {person_id(i): r.remarks for i, r in enumerate(checked.records)}
    placed = write_workbook(tmp_path / "附件4花名册.xlsx", {"学员": [[*PLACEMENT_HEADERS, "备注"],
                                                                [1, *placement(7), "学校推荐，已签三方协议"],
                                                                [2, *placement(8)]]})
    checked = check_workbook(placed, "placements", RULES)
    assert session.import_people("导入", checked, file_sha256(placed), session.unit_id(UNITS[1])).ok
    assert remarks_by_id(ds, UNITS[1]) == {person_id(7): "学校推荐，已签三方协议", person_id(8): ""}
    proved(ds)

    ds._conn.execute("UPDATE roster_entries SET remarks = '改过' WHERE remarks = '3'")  # changed outside the program
    assert not ds.check_audit().ok
    ds._conn.execute("UPDATE roster_entries SET remarks = '3' WHERE remarks = '改过'")
    proved(ds)

    assert session.undo("撤销")[1].ok  # nothing of the placements' remarks is left after undo
    assert remarks_by_id(ds, UNITS[1]) == {}
    assert session.redo("重做")[1].ok
    assert remarks_by_id(ds, UNITS[1])[person_id(7)] == "学校推荐，已签三方协议"
    proved(ds)


def test_a_schema_9_file_gains_the_remarks_and_its_people_are_still_proved(tmp_path):
    path = tmp_path / "v9.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases(), schema_version=9) == []
    conn = sqlite3.connect(path, isolation_level=None)  # an import as a schema 9 program wrote it
    assert "remarks" not in {r[1] for r in conn.execute("PRAGMA table_info(roster_entries)")}
    conn.close()
    person = arrival(0)
    imported_as_before(path, "arrivals", "花名册.xlsx", "roster_entries",
                       "unit_id, import_id, kind, name, id_number, base_name, employer, first_insured_date, sheet, "
                       "sheet_row", "?, 7, 'arrival', ?, ?, ?, ?, '2022-03-01', '花名册', ?",
                       lambda unit: [(unit, person["姓名"], person_id(i), person["劳务基地"], person["用工单位"], 3 + i)
                                     for i in range(2)])

    with Dataset.open(path, backups=False) as ds:
        assert ds.schema_version == SCHEMA_VERSION
        migration = [e for e in ds.audit_entries() if e.reason == "migration 9→10"]
        assert {(e.table_name, e.field) for e in migration} == {("roster_entries", "remarks"),
                                                                ("meta", "schema_version")}
        assert remarks_by_id(ds) == {person_id(0): "", person_id(1): ""}
        proved(ds)
        assert ds.verify_audit() is None
        imported(ds, "arrivals", remarked_roster(tmp_path), unit=UNITS[1])
        assert remarks_by_id(ds, UNITS[1])[person_id(0)] == "已离职，待补离职证明"
        assert remarks_by_id(ds) == {person_id(0): "", person_id(1): ""}
        proved(ds)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE roster_entries SET remarks = '补' WHERE import_id = 7 AND sheet_row = 3")
    conn.commit()
    conn.close()
    with Dataset.open(path, read_only=True) as ds:  # an old import's remark added outside the program is caught
        assert [p.message.code for p in ds.check_audit().problems] == ["audit.people_changed"]
