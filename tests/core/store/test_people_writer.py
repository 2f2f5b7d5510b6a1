"""An import's rows written while the workbook is still read (core/store/people_writer.py,
Dataset.read_and_import): the same rows, indexes and audit hash as importing a finished check, and
nothing written when the check or the writing fails."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from core.excel.check import check_workbook
from core.people.tables import file_sha256
from core.store import people_writer
from core.store.audit_check import content_sha256
from core.store.dataset import Dataset, DatasetError
from core.store.people_edits import import_workbook
from core.store.people_writer import SheetRowsWriter
from tests.builders import RULES
from tests.import_support import UNITS, contents, import_audit, stored, year_with_bases
from tests.xlsx_builders import MONTHLY_HEADERS, arrival, write_workbook


def months_file(folder: Path, sheets: dict[int, range], name: str = "送工信息.xlsx", bad_in: int | None = None) -> Path:
    """Monthly reports, one sheet per month, of the builders' people numbered as given; `bad_in`: that
    month's last row has a date no one can read."""
    books = {}
    for month, people in sheets.items():
        rows = [list(MONTHLY_HEADERS)]
        for k, i in enumerate(people):
            p = arrival(i)
            rows.append([k + 1, p["姓名"], p["身份证号码"], p["用工单位"], p["劳务基地"], p["入职日期"], p["联系电话"]])
        if month == bad_in:
            rows[-1][5] = "2022年13月45日"
        books[f"2022年{month}月"] = rows
    return write_workbook(folder / name, books)


MONTHS = {3: range(0, 40), 4: range(40, 45), 5: range(45, 130), 6: range(130, 131)}


def other_dataset(tmp_path: Path) -> Dataset:
    other = Dataset.create(tmp_path / "other.sqlite", RULES, "张三", backups=False)
    assert other.import_year(1, year_with_bases()).ok
    return other


def schema(ds: Dataset) -> list[tuple]:
    return ds._conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_rows_written_while_reading_are_those_of_importing_the_finished_check(ds, tmp_path):
    path = months_file(tmp_path, MONTHS)
    unit_id = ds.unit_id(UNITS[0])
    checked, edit = import_workbook(ds, 1, "monthly_reports", path, unit_id=unit_id)
    assert checked.ok and edit is not None and edit.ok
    with other_dataset(tmp_path) as other:
        again = check_workbook(path, "monthly_reports", RULES)
        assert other.import_people(1, again, sha256=file_sha256(path), unit_id=other.unit_id(UNITS[0])).ok
        assert stored(ds, "monthly_report_entries") == stored(other, "monthly_report_entries")
        assert len(stored(ds, "monthly_report_entries")) == sum(len(r) for r in MONTHS.values())
        assert schema(ds) == schema(other)  # the indexes dropped while writing are made again, to the letter
        (mine,), (theirs,) = import_audit(ds), import_audit(other)
        assert mine["content_sha256"] == theirs["content_sha256"] == content_sha256(
            ds._conn, "monthly_report_entries", "import_id = ?", (edit.id,))
        assert {k: v for k, v in mine.items() if k != "imported_at"} == {
            k: v for k, v in theirs.items() if k != "imported_at"}
        assert [(s.rows, s.file_name) for s in ds.imports()] == [(s.rows, s.file_name) for s in other.imports()]
    assert ds.verify_audit() is None and ds.check_audit().ok
    assert ds.match().unit(UNITS[0]) is not None


def test_replacing_an_import_while_reading_keeps_the_rows_of_the_others(ds, tmp_path):
    unit_id = ds.unit_id(UNITS[0])
    first = months_file(tmp_path, {3: range(0, 10)}, name="三月.xlsx")
    assert import_workbook(ds, 1, "monthly_reports", first, unit_id=unit_id)[1].ok
    second = months_file(tmp_path, MONTHS)
    _, edit = import_workbook(ds, 1, "monthly_reports", second, unit_id=unit_id)
    _, edit = import_workbook(ds, 1, "monthly_reports", second, unit_id=unit_id)  # the same file: replaces itself
    assert [(s.file_name, s.rows, s.replaced_rows) for s in ds.imports()] == [
        ("三月.xlsx", 10, 0), ("送工信息.xlsx", 131, 131)]
    assert json.loads(ds.audit_entries("imports")[-1].new_value)["content_sha256"] == content_sha256(
        ds._conn, "monthly_report_entries", "import_id = ?", (edit.id,))
    assert ds.verify_audit() is None and ds.check_audit().ok


def test_a_bad_row_in_a_later_sheet_leaves_the_year_as_it_was(ds, tmp_path, monkeypatch):
    handed = []
    add = SheetRowsWriter.add
    monkeypatch.setattr(SheetRowsWriter, "add", lambda self, records: (handed.append(len(records)), add(self, records)))
    before = contents(ds)
    path = months_file(tmp_path, MONTHS, bad_in=5)
    checked, edit = import_workbook(ds, 1, "monthly_reports", path, unit_id=ds.unit_id(UNITS[0]))
    assert edit is None and [p.location for p in checked.problems] == ["2022年5月!86"]
    assert handed == [40, 5]  # the sheets before the bad one were being written
    assert contents(ds) == before


def test_a_failure_while_writing_rolls_the_import_back(ds, tmp_path, monkeypatch):
    def failing(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setattr(people_writer, "insert_rows", failing)
    before = contents(ds)
    path = months_file(tmp_path, MONTHS)
    with pytest.raises(DatasetError):
        import_workbook(ds, 1, "monthly_reports", path, unit_id=ds.unit_id(UNITS[0]))
    assert contents(ds) == before
    monkeypatch.undo()
    assert import_workbook(ds, 1, "monthly_reports", path, unit_id=ds.unit_id(UNITS[0]))[1].ok


def test_records_other_than_those_written_replace_them(ds, tmp_path):
    """What was written while reading is replaced when the records in the end are others (the workbook
    read again by another reader)."""
    written = check_workbook(months_file(tmp_path, {3: range(0, 7)}, name="a.xlsx"), "monthly_reports", RULES)
    final = check_workbook(months_file(tmp_path, {3: range(20, 25), 4: range(30, 33)}, name="b.xlsx"),
                           "monthly_reports", RULES)
    conn = ds._conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        import_id = conn.execute("INSERT INTO imports (kind, unit_id, file_name, sha256, rows, imported_at) "
                                 "VALUES ('monthly_reports', ?, 'b.xlsx', 'x', 8, 't')",
                                 (ds.unit_id(UNITS[0]),)).lastrowid
        writer = SheetRowsWriter(conn, "monthly_reports", import_id, ds.unit_id(UNITS[0]), {})
        writer.add(written.records)
        digest = writer.finish(final.records)
        rows = conn.execute("SELECT name, sheet FROM monthly_report_entries WHERE import_id = ? ORDER BY id",
                            (import_id,)).fetchall()
        assert rows == [(r.name, r.sheet) for r in final.records]
        assert digest == content_sha256(conn, "monthly_report_entries", "import_id = ?", (import_id,))
    finally:
        conn.execute("ROLLBACK")


def test_a_large_roster_is_written_as_its_pieces_come_as_importing_the_finished_check(ds, tmp_path, monkeypatch):
    from core.excel import pieces
    from tests.xlsx_builders import arrivals_rows
    path = write_workbook(tmp_path / "花名册.xlsx", {"花名册": arrivals_rows([arrival(i) for i in range(200)])})
    handed = []
    add = SheetRowsWriter.add
    monkeypatch.setattr(SheetRowsWriter, "add", lambda self, records: (handed.append(len(records)), add(self, records)))
    monkeypatch.setattr(pieces, "CUT_FROM", 1)
    monkeypatch.setattr(pieces, "cores", lambda: 2)
    checked, edit = import_workbook(ds, 1, "arrivals", path, unit_id=ds.unit_id(UNITS[0]))
    assert edit is not None and edit.ok
    assert len(handed) == pieces.PIECES and sum(handed) == 200  # written piece by piece
    monkeypatch.undo()
    with other_dataset(tmp_path) as other:
        again = check_workbook(path, "arrivals", RULES)
        assert other.import_people(1, again, sha256=file_sha256(path), unit_id=other.unit_id(UNITS[0])).ok
        assert stored(ds, "roster_entries") == stored(other, "roster_entries")
        assert import_audit(ds)[0]["content_sha256"] == import_audit(other)[0]["content_sha256"]
    assert ds.verify_audit() is None and ds.check_audit().ok
