"""Rows and columns hidden in an .ods or a legacy .xls workbook: found in the file's own records, and said in the
check's notes as an .xlsx workbook's are.

The .ods files are written here (tests/ods_builders.py). tests/fixtures/hidden-parts.xls is a real BIFF8 workbook
written by xlwt 1.3 (which the project does not depend on): sheet "名单" with the headers 姓名, 身份证号码, 用工单位,
首次参保日期, 参保月数, 备用 and four people 人员0-3 (the ID numbers of tests.xlsx_builders.person_id(0-3), 某公司,
"2022-05-01", 6), its row 3 (人员1) and column D hidden; sheet "说明" with two lines, its row 2 and column B hidden:
    ws.row(2).hidden = True; ws.col(3).hidden = True; other.row(1).hidden = True; other.col(1).hidden = True
"""

import datetime as dt
import mmap
import random
import struct
import zipfile
from pathlib import Path

import pytest

from core.excel import ods_hidden as ods_module
from core.excel.check import check_workbook
from core.excel.limits import HiddenParts
from core.excel.ods_hidden import ods_hidden
from core.excel.xls_hidden import _workbook_stream, xls_hidden
from core.scoring.rules import load_rule_set
from tests.ods_builders import ods_table, write_ods, write_ods_tables
from tests.xlsx_builders import person_id

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "hidden-parts.xls"
RULES = load_rule_set()  # the 2022 assessment year
HEADERS = ["姓名", "身份证号码", "用工单位", "首次参保日期", "参保月数", "备用"]


def roster_rows():
    return [HEADERS] + [[f"人员{i}", person_id(i), "某公司", "2022-05-01", 6] for i in range(4)]


def roster_ods(path):
    """The fixture's workbook, as an .ods file."""
    return write_ods(path, {"名单": roster_rows(), "说明": [["填表说明"], ["第二行"]]},
                     hidden_rows={"名单": [3], "说明": [2]}, hidden_columns={"名单": [3], "说明": [1]})


def parts(found: HiddenParts):
    return found.rows, found.columns


# ------------------------------------------------------------------ the hidden parts found

def test_an_xls_workbooks_hidden_rows_and_columns_are_found_by_sheet():
    assert parts(xls_hidden(FIXTURE)) == ({"名单": (3,), "说明": (2,)}, {"名单": (3,), "说明": (1,)})


def test_an_ods_workbooks_hidden_rows_and_columns_are_found_by_sheet(tmp_path):
    assert parts(ods_hidden(roster_ods(tmp_path / "r.ods"))) == ({"名单": (3,), "说明": (2,)},
                                                                {"名单": (3,), "说明": (1,)})


ODS_LAYOUT = (
    '<table:table table:name="A&amp;B">'
    '<table:table-column table:number-columns-repeated="2"/>'
    '<table:table-column table:visibility="collapse" table:number-columns-repeated="3"/>'
    "<table:table-column/>"
    '<table:table-column table:visibility="collapse" table:number-columns-repeated="16378"/>'  # to the last, XFD
    "<table:table-header-rows>"
    '<table:table-row><table:table-cell office:value-type="string"><text:p>head</text:p></table:table-cell>'
    "</table:table-row>"
    '<table:table-row table:visibility="collapse"><table:table-cell office:value-type="string"><text:p>sub</text:p>'
    "</table:table-cell></table:table-row>"
    "</table:table-header-rows>"
    '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'  # rows 3-5
    '<table:table-row table:visibility="collapse"><table:table-cell table:number-columns-repeated="4"/>'
    "</table:table-row>"  # row 6: hidden, but blank
    "<table:table-row-group>"
    '<table:table-row table:visibility="filter" table:number-rows-repeated="2">'  # rows 7-8, by a filter
    '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
    "</table:table-row>"
    "<table:table-row><table:table-cell><table:table>"  # row 9: a table inside a cell is no sheet
    '<table:table-column table:visibility="collapse"/>'
    '<table:table-row table:visibility="collapse"><table:table-cell office:value-type="string"><text:p>x</text:p>'
    "</table:table-cell></table:table-row></table:table></table:table-cell></table:table-row>"
    "</table:table-row-group>"
    '<table:table-row table:visibility="collapse" table:number-rows-repeated="1048567"><table:table-cell/>'
    "</table:table-row>"  # the rest of the grid hidden, all blank
    "</table:table>"
    "<table:table table:name='二'>"
    '<table:table-row table:visibility="visible"><table:table-cell office:value-type="string"><text:p>y</text:p>'
    "</table:table-cell></table:table-row>"
    '<table:table-row table:visibility="collapse"><table:table-cell office:value-type="string"><text:p>z</text:p>'
    "</table:table-cell></table:table-row>"
    "</table:table>")


def test_ods_rows_and_columns_are_counted_with_their_repeats_groups_and_header_rows(tmp_path):
    """Repeated rows and columns count as many; rows in header rows and row groups count; a hidden blank row, and the
    rows of a table inside a cell, say nothing."""
    found = ods_hidden(write_ods_tables(tmp_path / "l.ods", ODS_LAYOUT))
    assert found.rows == {"A&B": (2, 7, 8), "二": (2,)}
    assert found.columns == {"A&B": (2, 3, 4, *range(6, 16384))}


def test_ods_content_is_read_a_piece_at_a_time_with_the_same_answer(tmp_path, monkeypatch):
    """A tag or a hidden row's cells cut between pieces are read whole (pieces of a few bytes cut every tag)."""
    many = ods_table("名单", [[f"人员{i}", i] for i in range(3000)], hidden_rows=[5, 1500, 3000], hidden_columns=[1])
    path = write_ods_tables(tmp_path / "p.ods", ODS_LAYOUT + many)
    whole = parts(ods_hidden(path))
    assert whole[0]["名单"] == (5, 1500, 3000) and whole[1]["名单"] == (1,)
    for size in (1, 7, 64, 1000):
        monkeypatch.setattr(ods_module, "PIECE_BYTES", size)
        assert parts(ods_hidden(path)) == whole, size


def compound_file(stream: bytes) -> bytes:
    """A compound file (version 3, 512-byte sectors) holding `stream`, under 4096 bytes, as "Workbook" in its mini
    stream: sector 0 the FAT, 1 the directory, 2 the mini FAT, then the mini stream (as Excel would never write it,
    but the format allows)."""
    end, free, nothing = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
    assert len(stream) < 4096
    mini = stream + b"\0" * (-len(stream) % 64)
    mini_sectors = len(mini) // 64
    mini_stream = mini + b"\0" * (-len(mini) % 512)
    big = len(mini_stream) // 512
    fat = [0xFFFFFFFD, end, end] + [3 + i + 1 for i in range(big - 1)] + [end]
    mini_fat = [i + 1 for i in range(mini_sectors - 1)] + [end]

    def table(entries):
        return struct.pack(f"<{len(entries)}I", *entries) + struct.pack("<I", free) * (128 - len(entries))

    def entry(name, kind, child, start, size):
        coded = (name + "\0").encode("utf-16-le")
        return (coded.ljust(64, b"\0") + struct.pack("<HBB3I", len(coded), kind, 1, nothing, nothing, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, 3, len(mini)) + entry("Workbook", 2, nothing, 0, len(stream))
                 + b"\0" * 256)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 2, 1, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    return header + table(fat) + directory + table(mini_fat) + mini_stream


def fixture_stream() -> bytes:
    """The fixture's workbook stream, without the zeros it is padded with."""
    with open(FIXTURE, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        stream = _workbook_stream(data)
    at = 0
    while stream[at:at + 4] != b"\0\0\0\0":  # each record: its type, the length of its body, the body
        at += 4 + struct.unpack_from("<H", stream, at + 2)[0]
    return stream[:at]


def test_a_small_workbook_stream_is_read_from_the_mini_stream(tmp_path):
    path = tmp_path / "mini.xls"
    path.write_bytes(compound_file(fixture_stream()))
    assert parts(xls_hidden(path)) == ({"名单": (3,), "说明": (2,)}, {"名单": (3,), "说明": (1,)})


def test_damaged_files_have_no_hidden_parts_and_raise_nothing(tmp_path):
    good_xls, good_ods = FIXTURE.read_bytes(), roster_ods(tmp_path / "r.ods").read_bytes()
    with zipfile.ZipFile(tmp_path / "r.ods") as archive:
        content = archive.read("content.xml")
    damaged = tmp_path / "d"
    for data in (b"", good_xls[:511], good_xls[:2000], good_xls[:-600], good_xls[:8] + b"\xff" * 600):
        damaged.write_bytes(data)
        assert parts(xls_hidden(damaged)) == ({}, {})
    for data in (b"", good_ods[:100], good_ods[:-30]):
        damaged.write_bytes(data)
        assert parts(ods_hidden(damaged)) == ({}, {})
    with zipfile.ZipFile(damaged, "w") as archive:  # content.xml cut short: a sheet not closed is not kept
        archive.writestr("content.xml", content[:content.index(b"</table:table>") + 2])
    assert parts(ods_hidden(damaged)) == ({}, {})
    chance = random.Random(7)
    for _ in range(300):  # bytes changed at random: an answer, never an exception
        data = bytearray(good_xls)
        for _ in range(chance.randint(1, 8)):
            data[chance.randrange(len(data))] = chance.randrange(256)
        damaged.write_bytes(bytes(data))
        assert isinstance(xls_hidden(damaged), HiddenParts)


# ------------------------------------------------------------------ the check's notes

def notes(path):
    result = check_workbook(path, "arrivals", RULES, today=dt.date(2023, 3, 1))
    assert result.ok and [r.name for r in result.records] == ["人员0", "人员1", "人员2", "人员3"]
    return [p.text() for p in result.notes if p.message.code in ("excel.row_hidden", "excel.column_hidden")]


@pytest.mark.parametrize("name", ["roster.xls", "roster.ods", "mini.xls"])
def test_the_check_notes_an_xls_or_ods_workbooks_hidden_rows_and_columns(tmp_path, name):
    """As for an .xlsx workbook: the row hidden (人员1) and the hidden column the program reads (D, 首次参保日期) are
    read and said; the hidden column it does not read, and the other sheet's (no roster), are no concern."""
    path = tmp_path / name
    if name == "roster.xls":
        path.write_bytes(FIXTURE.read_bytes())
    elif name == "mini.xls":
        path.write_bytes(compound_file(fixture_stream()))
    else:
        roster_ods(path)
    assert notes(path) == [
        f"{name}：名单 第 1 行“首次参保日期”：这一列（D 列）是隐藏的（打开文件时看不到），已照常读取；"
        "核对时请取消隐藏此列",
        f"{name}：名单 第 3 行“姓名”：“人员1”这一行是隐藏的（打开文件时看不到），已照常读取；如此行不该报送，"
        "请运营单位删去后重新报送"]
