"""A large worksheet is read in pieces on two threads (core/excel/pieces.py): the cells are exactly
those of reading it whole, whatever the sheet holds, and a sheet that cannot be cut exactly is read
whole. Here every sheet counts as large, so small real workbooks are cut."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from pathlib import Path

import pytest

from core.excel import pieces, readers
from core.excel.limits import SheetLimits
from core.excel.read import read_workbook
from tests.xlsx_builders import (
    arrival,
    arrivals_rows,
    generate_monthly,
    generate_roster,
    with_shared_strings,
    write_workbook,
)

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def cut_every_sheet(monkeypatch):
    """Every sheet is cut, on any machine; the pieces read are counted."""
    monkeypatch.setattr(pieces, "CUT_FROM", 1)
    monkeypatch.setattr(pieces, "cores", lambda: 2)
    read = []
    real = pieces.read_piece

    def counted(book, sheet):
        read.append(sheet)
        return real(book, sheet)
    monkeypatch.setattr(pieces, "read_piece", counted)
    return read


def cells(path: Path, cut: bool) -> list[tuple[str, list[list]]]:
    if not cut:
        return readers._calamine_sheets(path)  # no limits checked here: never cut
    with SheetLimits(path) as limits:
        return readers._calamine_sheets(path, limits)


def edited(source: Path, target: Path, edit) -> Path:
    """A copy of the workbook whose first sheet's XML is edit(xml)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, edit(data) if info.filename == SHEET else data)
    return target


def test_a_roster_read_in_pieces_has_the_cells_of_the_whole(tmp_path, monkeypatch, cut_every_sheet):
    path = generate_roster(tmp_path / "roster.xlsx", 400)
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    assert cells(path, cut=True) == cells(path, cut=False)
    assert cut_every_sheet == ["花名册"] * pieces.PIECES
    assert list(temporary.iterdir()) == []  # the pieces' workbooks are gone


def test_pieces_a_killed_import_left_are_removed_by_the_next_cut(tmp_path, monkeypatch, cut_every_sheet):
    import os
    import time
    path = generate_roster(tmp_path / "roster.xlsx", 50)
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    left = temporary / (pieces.FOLDER_PREFIX + "killed")
    (left / "xl").mkdir(parents=True)
    (left / "xl" / "sheet1.xml").write_text("<row>320500199001011234</row>")
    hour_ago = time.time() - 3600
    os.utime(left, (hour_ago, hour_ago))
    busy = temporary / (pieces.FOLDER_PREFIX + "another-import-now")
    busy.mkdir()
    assert cells(path, cut=True) == cells(path, cut=False)
    assert list(temporary.iterdir()) == [busy]  # the stale one is gone; one in use is left alone


def test_shared_strings_dates_titles_gaps_and_ragged_rows(tmp_path, cut_every_sheet):
    rows = arrivals_rows([arrival(i) for i in range(60)])
    rows[40] = rows[40] + ["", "", "备注：后补材料"]  # a note far to the right, in the second half only
    rows[20:23] = [[], [], []]  # blank lines inside the table
    path = with_shared_strings(write_workbook(tmp_path / "inline.xlsx", {"花名册": rows, "第二页": rows[:30]},
                                              title="“乐业吴江”就业协作联盟组织进吴人员花名册", title_rows=2),
                               tmp_path / "roster.xlsx")
    assert b't="s"' in zipfile.ZipFile(path).read(SHEET)
    whole = cells(path, cut=False)
    assert cells(path, cut=True) == whole
    assert len(cut_every_sheet) == 2 * pieces.PIECES
    grid = dict(whole)["花名册"]
    assert len({len(row) for row in grid}) == 1 and grid[42][-1] == "备注：后补材料"
    assert any(isinstance(v, dt.date) for v in grid[5])


def test_a_sheet_starting_below_and_right_of_a1(tmp_path, cut_every_sheet):
    path = write_workbook(tmp_path / "offset.xlsx", {"表": [[None] * 3 + [f"r{r}c{c}" for c in range(4)]
                                                            for r in range(50)]})
    path = edited(path, tmp_path / "lower.xlsx", lambda xml: re.sub(
        rb'r="([A-Z]+)(\d+)"', lambda m: b'r="%s%d"' % (m[1], int(m[2]) + 7), re.sub(
            rb'<row r="(\d+)"', lambda m: b'<row r="%d"' % (int(m[1]) + 7), xml)))
    whole = cells(path, cut=False)
    assert cells(path, cut=True) == whole and len(cut_every_sheet) == pieces.PIECES
    assert dict(whole)["表"][7][:4] == ["", "", "", "r0c0"]


def test_rows_without_numbers_are_not_cut(tmp_path, cut_every_sheet):
    path = write_workbook(tmp_path / "roster.xlsx", {"花名册": arrivals_rows([arrival(i) for i in range(30)])})
    bare = edited(path, tmp_path / "bare.xlsx", lambda xml: re.sub(rb'<row r="\d+"', b"<row", xml, count=5))
    assert cells(bare, cut=True) == cells(bare, cut=False)
    assert cut_every_sheet == []


def test_rows_without_numbers_in_the_last_piece_leave_the_sheet_to_be_read_whole(tmp_path, cut_every_sheet):
    path = write_workbook(tmp_path / "roster.xlsx", {"花名册": arrivals_rows([arrival(i) for i in range(30)])})

    def last_rows_bare(xml: bytes) -> bytes:
        tail = xml.rfind(b'<row r="29"')
        return xml[:tail] + re.sub(rb'<row r="\d+"', b"<row", xml[tail:])
    bare = edited(path, tmp_path / "bare.xlsx", last_rows_bare)
    assert cells(bare, cut=True) == cells(bare, cut=False)
    assert len(cut_every_sheet) < pieces.PIECES  # the last piece was never made; those made, read or not


def test_rows_out_of_order_across_the_cut_are_read_whole(tmp_path, cut_every_sheet):
    path = write_workbook(tmp_path / "roster.xlsx", {"花名册": arrivals_rows([arrival(i) for i in range(30)])})

    def last_row_first(xml: bytes) -> bytes:
        rows = re.findall(rb"<row .*?</row>", xml, re.S)
        return xml.replace(rows[-1], b"").replace(rows[0], rows[-1] + rows[0])
    shuffled = edited(path, tmp_path / "shuffled.xlsx", last_row_first)
    whole = cells(shuffled, cut=False)
    assert cells(shuffled, cut=True) == whole
    assert 2 <= len(cut_every_sheet) <= pieces.PIECES  # cut, read until two did not join (the others perhaps not)
    assert len(dict(whole)["花名册"]) == 31


def test_a_piece_the_reader_refuses_leaves_the_sheet_to_be_read_whole(tmp_path, monkeypatch, cut_every_sheet):
    def refuse(book, sheet):
        raise RuntimeError("not this piece")
    monkeypatch.setattr(pieces, "read_piece", refuse)
    path = generate_monthly(tmp_path / "monthly.xlsx", 300)
    assert cells(path, cut=True) == cells(path, cut=False)


def test_the_import_reads_the_same_records_either_way(tmp_path, monkeypatch):
    path = generate_roster(tmp_path / "roster.xlsx", 500)
    whole = read_workbook(path, "arrivals")
    monkeypatch.setattr(pieces, "CUT_FROM", 1)
    monkeypatch.setattr(pieces, "cores", lambda: 2)
    in_pieces = read_workbook(path, "arrivals")
    assert in_pieces == whole and in_pieces.ok and in_pieces.tables[0].data_rows == 500


def test_a_cut_sheet_leaves_nothing_behind_when_a_later_sheet_is_refused(tmp_path, monkeypatch, cut_every_sheet):
    """The first sheet is cut and being read when the second is over the row limit: the refusal is
    said, and the first sheet's pieces are gone at once (not when the collector finds their folder)."""
    from core.excel import limits
    from core.excel.read import read_workbook
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    header = ["姓名", "身份证号码", "性别", "联系电话", "基地名称", "用人单位", "到岗日期"]
    path = write_workbook(tmp_path / "two.xlsx", {
        "一": [header] + [[f"甲{i}", "", "男", "", "", "", ""] for i in range(10)],
        "二": [header] + [[f"乙{i}", "", "男", "", "", "", ""] for i in range(60)]})
    monkeypatch.setattr(limits, "MAX_ROWS", 30)
    result = read_workbook(path, "arrivals")
    assert result.problems  # the second sheet is refused, in Chinese, by its limit
    assert list(temporary.iterdir()) == []


def roster_of_three_hundred(tmp_path: Path) -> Path:
    """300 people with a bad ID number in a middle piece, a person of the first piece again in the last,
    and a note to the right of the table in the last piece only (it is wider than the others)."""
    people = [arrival(i) for i in range(300)]
    people[160] = arrival(160, 身份证号码="123")
    people[250] = dict(people[10])
    rows = arrivals_rows(people)
    rows[280] = rows[280] + ["", "", "备注：后补材料"]
    return write_workbook(tmp_path / "roster.xlsx", {"花名册": rows}, title="“乐业吴江”就业协作联盟组织进吴人员花名册",
                          title_rows=2)


def test_a_large_sheet_is_checked_as_its_pieces_come_and_as_if_read_whole(tmp_path, monkeypatch):
    from core.excel.check import check_workbook, read_and_check
    from tests.builders import RULES
    today = dt.date(2023, 3, 1)
    path = roster_of_three_hundred(tmp_path)
    whole = read_workbook(path, "arrivals"), check_workbook(path, "arrivals", RULES, today=today)  # not cut
    monkeypatch.setattr(pieces, "CUT_FROM", 1)
    monkeypatch.setattr(pieces, "cores", lambda: 2)
    given: list[tuple[int, int]] = []
    read = read_workbook(path, "arrivals", each_table=lambda table: given.append((id(table), len(table.grid))))
    assert read == whole[0]
    assert len(given) == pieces.PIECES and len({table for table, _ in given}) == 1  # one table, given as it grew
    assert given[0][1] < given[-1][1] == len(read.tables[0].grid)
    assert read_and_check(path, "arrivals", RULES, today=today) == whole
    assert {p.message.code for p in whole[1].problems} == {"excel.duplicate_row", "excel.id_length"}


def test_a_sheet_whose_last_piece_does_not_join_is_checked_as_read_whole(tmp_path, monkeypatch, cut_every_sheet):
    from core.excel.check import check_workbook, read_and_check
    from tests.builders import RULES
    path = write_workbook(tmp_path / "roster.xlsx", {"花名册": arrivals_rows([arrival(i) for i in range(120)])})

    def a_first_row_moved_last(xml: bytes) -> bytes:  # the first pieces join; the last reaches back above them
        rows = re.findall(rb"<row .*?</row>", xml, re.S)
        return xml.replace(rows[5], b"").replace(rows[-1], rows[-1] + rows[5])
    shuffled = edited(path, tmp_path / "shuffled.xlsx", a_first_row_moved_last)
    monkeypatch.setattr(pieces, "cores", lambda: 1)  # read whole
    whole = read_workbook(shuffled, "arrivals"), check_workbook(shuffled, "arrivals", RULES)
    assert cut_every_sheet == []
    monkeypatch.setattr(pieces, "cores", lambda: 2)
    given: list[int] = []
    read = read_workbook(shuffled, "arrivals", each_table=lambda table: given.append(id(table)))
    assert read == whole[0] and len(set(given)) == 2  # the first pieces' table, then the sheet's read whole
    assert read_and_check(shuffled, "arrivals", RULES) == whole
    assert cut_every_sheet == ["花名册"] * pieces.PIECES * 2


def test_reading_is_given_up_between_pieces_when_cancelled_and_leaves_nothing_behind(tmp_path, monkeypatch,
                                                                                      cut_every_sheet):
    from core.excel.readers import ReadCancelled
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    path = generate_roster(tmp_path / "roster.xlsx", 400)
    given = []
    with pytest.raises(ReadCancelled):
        read_workbook(path, "arrivals", each_table=given.append, cancelled=lambda: len(given) >= 1)
    assert len(given) == 1  # the first piece's rows were given; the cancel was heard before the next
    assert list(temporary.iterdir()) == []


def test_the_slow_reader_hears_a_cancel_too(tmp_path, monkeypatch):
    from core.excel.readers import ReadCancelled

    def fail(path, limits=None, each=None, cancelled=None):
        raise RuntimeError("calamine cannot read this file")
    monkeypatch.setattr(readers, "_calamine_sheets", fail)
    path = generate_roster(tmp_path / "roster.xlsx", 50)
    with pytest.raises(ReadCancelled):
        read_workbook(path, "arrivals", cancelled=lambda: True)
    assert read_workbook(path, "arrivals", cancelled=lambda: False).reader == "openpyxl"


def test_reading_tells_its_progress_sheet_by_sheet_and_piece_by_piece(tmp_path, monkeypatch, cut_every_sheet):
    told: list[tuple[int, int]] = []
    read_workbook(generate_roster(tmp_path / "roster.xlsx", 400), "arrivals", progress=lambda *p: told.append(p))
    assert told == [(k, pieces.PIECES) for k in range(1, pieces.PIECES + 1)]
    monkeypatch.setattr(pieces, "CUT_FROM", 1 << 30)  # the months' sheets whole
    told.clear()
    monthly = generate_monthly(tmp_path / "monthly.xlsx", 120)
    read_workbook(monthly, "monthly_reports", progress=lambda *p: told.append(p))
    assert told == [(k, 12) for k in range(1, 13)]


def test_a_reading_that_fails_leaves_no_rows_to_the_collector(tmp_path, cut_every_sheet):
    """A sheet whose XML breaks off in its last piece: the rows of the pieces read before it are freed as
    the reading gives up (a slice at a time), not kept in reference cycles of frames and failures for the
    cyclic collector, whose pass over a hundred thousand rows would stop the window's thread."""
    import gc

    def broken(xml: bytes) -> bytes:
        return xml[:xml.find(b"<c ", len(xml) * 4 // 5) + 10] + b"</row></sheetData></worksheet>"
    path = edited(generate_roster(tmp_path / "roster.xlsx", 400), tmp_path / "broken.xlsx", broken)
    gc.collect()
    gc.disable()
    try:
        read = read_workbook(path, "arrivals")
        left = gc.collect()
    finally:
        gc.enable()
    assert [p.message.code for p in read.problems] == ["excel.corrupted"]
    assert len(cut_every_sheet) == pieces.PIECES
    assert left < 40  # the 300 rows of the first three pieces are not among them
