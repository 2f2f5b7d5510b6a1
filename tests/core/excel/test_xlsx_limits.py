"""Workbooks that would exhaust the memory are refused with one sentence before they are read: a cell
far away (XFD1048576), more rows than Excel has, archives that unpack to far more than they weigh.
The bombs are made here, not kept in the repository; the reading runs in a child process under a
memory ceiling, where the unchecked reader aborted the whole program."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core.common.messages import render
from core.excel import limits as xlsx_limits
from core.excel.limits import check_xlsx
from tests.xlsx_builders import arrival, arrivals_rows, write_workbook

ROOT = Path(__file__).resolve().parents[3]
CEILING = 1536 << 20
COLUMNS = [bytes([c]) for c in b"ABCDEFGHIJKL"]  # the child's address space: far below what the bombs asked for


def roster(tmp_path: Path, name: str = "roster.xlsx") -> Path:
    return write_workbook(tmp_path / name, {"花名册": arrivals_rows([arrival(i) for i in range(5)])})


def with_sheet_xml(source: Path, target: Path, edit, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """A copy of the workbook whose sheet XML is edit(xml)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, edit(data) if info.filename == member else data)
    return target


def far_cell(tmp_path: Path) -> Path:
    return with_sheet_xml(roster(tmp_path), tmp_path / "far.xlsx", lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))


def read_in_child(path: Path) -> subprocess.CompletedProcess:
    script = (
        "import json, resource, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({CEILING}, {CEILING}))\n"
        "from core.excel.read import read_workbook\n"
        f"result = read_workbook({str(path)!r}, 'arrivals')\n"
        "print(json.dumps([p.text() for p in result.problems], ensure_ascii=False))\n")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)


def test_a_cell_at_xfd1048576_is_refused_under_a_memory_ceiling(tmp_path):
    path = far_cell(tmp_path)
    assert path.stat().st_size < 20_000
    done = read_in_child(path)
    assert done.returncode == 0, done.stderr[-2000:]
    [problem] = json.loads(done.stdout)
    assert "花名册" in problem and "跨约 171.8 亿个单元格（上限 3000 万个）" in problem and "另存后再导入" in problem


def test_more_rows_than_excel_has_are_refused(tmp_path):
    rows = b"".join(b'<row r="%d"/>' % n for n in range(1, 1_200_001))
    path = with_sheet_xml(roster(tmp_path), tmp_path / "rows.xlsx",
                          lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"))
    found = check_xlsx(path)
    assert found is not None and found.what == "rows" and found.part == "花名册"
    done = read_in_child(path)
    assert done.returncode == 0 and "超过 Excel 的上限" in json.loads(done.stdout)[0]


def test_a_whitespace_or_shared_strings_bomb_is_refused_by_its_ratio(tmp_path):
    spaces = with_sheet_xml(roster(tmp_path), tmp_path / "spaces.xlsx",
                            lambda xml: xml.replace(b"</sheetData>", b" " * (60 << 20) + b"</sheetData>"))
    assert spaces.stat().st_size < 1 << 20
    found = check_xlsx(spaces)
    assert found is not None and found.what == "ratio" and found.found > 200
    done = read_in_child(spaces)
    assert done.returncode == 0 and "压缩比异常" in json.loads(done.stdout)[0]

    strings = b"<sst>" + b"<si><t>" + b"\xe5\xbc\xa0" * 50 + b"</t></si>" * 400_000 + b"</sst>"
    source = roster(tmp_path, "plain.xlsx")
    with zipfile.ZipFile(source) as old:
        member = next((n for n in old.namelist() if n.endswith("sharedStrings.xml")), None)
    bomb = tmp_path / "strings.xlsx"
    if member is None:  # the writer keeps strings inline: add the part
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
            for info in old.infolist():
                new.writestr(info.filename, old.read(info))
            new.writestr("xl/sharedStrings.xml", strings)
    else:
        with_sheet_xml(source, bomb, lambda _: strings, member=member)
    found = check_xlsx(bomb)
    assert found is not None and found.what == "ratio"


def test_the_unpacked_size_and_cell_limits(tmp_path, monkeypatch):
    path = roster(tmp_path)
    assert check_xlsx(path) is None
    monkeypatch.setattr(xlsx_limits, "MAX_UNPACKED_BYTES", 1000)
    assert check_xlsx(path).what == "unpacked"
    monkeypatch.undo()
    wide = with_sheet_xml(path, tmp_path / "wide.xlsx", lambda xml: xml.replace(
        b"</sheetData>", b'<row r="40000"><c r="ZZ40000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    found = check_xlsx(wide)  # 702 columns × 40,000 rows = 28 million cells: within, but 61 of them hold anything
    assert found is not None and (found.what, found.found, found.limit) == ("sparse", 702 * 40_000, 61)
    wider = with_sheet_xml(path, tmp_path / "wider.xlsx", lambda xml: xml.replace(
        b"</sheetData>", b'<row r="50000"><c r="ZZ50000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    found = check_xlsx(wider)
    assert found is not None and (found.what, found.found) == ("cells", 702 * 50_000)


def test_a_far_cell_within_excels_grid_is_refused_when_the_sheet_holds_almost_nothing(tmp_path):
    for far in (b'<row r="999999"><c r="Z999999"><v>1</v></c></row>',):
        at_end = with_sheet_xml(roster(tmp_path), tmp_path / "end.xlsx", lambda xml: xml.replace(
            b"</sheetData>", far + b"</sheetData>"))
        first = with_sheet_xml(roster(tmp_path), tmp_path / "first.xlsx", lambda xml: xml.replace(
            b"<sheetData>", b"<sheetData>" + far))  # out of order: the last row's number says nothing
        for path in (at_end, first):
            found = check_xlsx(path)
            assert found is not None and (found.what, found.found) == ("sparse", 26 * 999_999)
            assert "约 61 个单元格有内容" in render(found.message())


def test_a_large_sheet_is_read_when_the_file_holds_its_cells(tmp_path):
    """260,000 rows × 12 columns, every cell filled: beyond where the sparse check starts, not refused."""
    rows = b"".join(b'<row r="%d">' % n + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, n) for c in COLUMNS) + b"</row>"
                    for n in range(1, 260_001))
    path = with_sheet_xml(roster(tmp_path), tmp_path / "big.xlsx", lambda xml: xml[:xml.find(b"<sheetData>")]
                          + b"<sheetData>" + rows + b"</sheetData>" + xml[xml.find(b"</sheetData>") + 12:])
    assert check_xlsx(path) is None


@pytest.mark.parametrize("rows", [5, 3000])
def test_ordinary_rosters_pass(tmp_path, rows):
    path = write_workbook(tmp_path / "ok.xlsx", {"花名册": arrivals_rows([arrival(i) for i in range(rows)])})
    assert check_xlsx(path) is None


def test_a_tall_narrow_sheet_passes_and_one_far_column_in_it_is_still_refused(tmp_path):
    """150,000 rows in column A alone: the block (150,000 cells) is small, proved so by one search. A single
    cell further right (in Z or AA, at the end or first) makes the block 26 or 27 columns wide and
    almost empty: refused as before."""
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 150_001))

    def sheet(far: bytes = b"", first: bool = False) -> Path:
        data = far + rows if first else rows + far
        name = f"tall-{len(far)}-{first}.xlsx"
        return with_sheet_xml(roster(tmp_path), tmp_path / name, lambda xml: xml[:xml.find(b"<sheetData>")]
                              + b"<sheetData>" + data + b"</sheetData>" + xml[xml.find(b"</sheetData>") + 12:])

    assert check_xlsx(sheet()) is None
    for column, width in ((b"Z", 26), (b"AA", 27)):
        far = b'<row r="150000"><c r="%s150000"><v>1</v></c></row>' % column
        for first in (False, True):
            found = check_xlsx(sheet(far, first))
            assert found is not None and found.what == "sparse" and found.found >= width * 150_000


def test_a_far_cell_in_a_later_sheet_is_refused_before_it_is_read_while_the_earlier_ones_are(tmp_path):
    """Sheets too small to cut are checked by the threads reading them, each just before reading it."""
    sheets = {f"{month}月": arrivals_rows([arrival(i) for i in range(5)]) for month in range(3, 8)}
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    path = with_sheet_xml(write_workbook(tmp_path / "months.xlsx", sheets), tmp_path / "far.xlsx",
                          lambda xml: xml.replace(b"</sheetData>", far), member="xl/worksheets/sheet4.xml")
    done = read_in_child(path)
    assert done.returncode == 0, done.stderr[-2000:]
    [problem] = json.loads(done.stdout)
    assert "6月" in problem and "171.8 亿个单元格" in problem


def test_small_sheets_are_checked_by_the_threads_reading_them(tmp_path, monkeypatch):
    import threading

    from core.excel import pieces
    from core.excel.read import read_workbook
    monkeypatch.setattr(pieces, "cores", lambda: 2)  # as on any machine with a second core
    checked_on = []
    check_sheet = xlsx_limits._check_sheet

    def watched(part, xml):
        checked_on.append((part, threading.current_thread().name.split("_")[0]))
        return check_sheet(part, xml)
    monkeypatch.setattr(xlsx_limits, "_check_sheet", watched)
    sheets = {f"{month}月": arrivals_rows([arrival(i + 10 * month) for i in range(5)]) for month in range(3, 6)}
    result = read_workbook(write_workbook(tmp_path / "months.xlsx", sheets), "arrivals")
    assert result.ok and len(result.tables) == 3
    assert sorted(checked_on) == [("3月", "calamine"), ("4月", "calamine"), ("5月", "calamine")]
