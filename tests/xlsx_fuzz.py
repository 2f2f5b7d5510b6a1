"""Malformed workbooks for the import's fuzz test (tests/core/excel/test_xlsx_fuzz.py), made on the spot from a
good workbook of every import kind: cut, flipped and rezipped archives, missing and broken parts, bad
XML, far cells and huge declared sizes, wrong values in every cell, formulas, dates out of range,
merged and hidden sheets, other file types under an .xlsx name, and the memory bombs. Nothing here
is kept as a file in the repository.

    from tests.xlsx_fuzz import all_cases
    for case in all_cases():
        case.make(folder / "x.xlsx")
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import openpyxl

from tests.import_support import LIST_HEADERS, PLACEMENT_HEADERS, UNITS, placement
from tests.xlsx_builders import MONTHLY_HEADERS, arrival, arrivals_rows, person_id, person_name

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KINDS = ("arrivals", "placements", "monthly_reports", "traineeship_list", "platform_deliveries", "platform_ratings")
SHEET = "xl/worksheets/sheet1.xml"


@dataclass(frozen=True)
class FuzzCase:
    """One workbook: `make(path)` writes it. `may_import`: odd but readable (merged title, hidden
    sheet, formulas with values…), so an import of all its rows is as right as a refusal; every other
    case must be refused. `bomb`: one of the memory bombs (its peak memory is reported)."""
    name: str
    kind: str
    make: Callable[[Path], None]
    may_import: bool = False
    bomb: bool = False


# ------------------------------------------------------------------ a good workbook of each kind

def good_rows(kind: str) -> tuple[str, list[list]]:
    """The sheet name and rows (header first) of a small valid workbook of the kind."""
    if kind == "arrivals":
        return "花名册", arrivals_rows([arrival(i) for i in range(5)])
    if kind == "placements":
        return "学员", [list(PLACEMENT_HEADERS)] + [[k + 1, *placement(k)] for k in range(5)]
    if kind == "monthly_reports":
        people = [arrival(i) for i in range(5)]
        return "2022年3月", [list(MONTHLY_HEADERS)] + [[k + 1, p["姓名"], p["身份证号码"], p["用工单位"], p["劳务基地"],
                                                      p["入职日期"], p["联系电话"]] for k, p in enumerate(people)]
    if kind == "traineeship_list":
        return "名单", [list(LIST_HEADERS)] + [[k + 1, person_name(k), person_id(k), "吴江精密电子有限公司", UNITS[0],
                                                dt.date(2022, 3, 1), dt.date(2022, 10, 31), 7] for k in range(5)]
    if kind == "platform_deliveries":
        return "输送记录", [["序号", "运营单位", "企业名称", "完成日期", "企业评分"]] + [
            [k + 1, UNITS[k % 3], f"缺工企业{k}", dt.date(2022, 3, k + 1), 5] for k in range(5)]
    if kind == "platform_ratings":
        return "综合评分", [["运营单位", "综合评分"]] + [[u, 4.5] for u in UNITS]
    raise ValueError(kind)


def book(sheets: dict[str, list[list]], *, edit: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    """The .xlsx bytes of the sheets (rows from row 1; None and '' leave a cell empty)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    ws.cell(row=r, column=c, value=value)
    if edit is not None:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@cache
def good_book(kind: str) -> bytes:
    """The kind's good workbook as Excel writes it: its texts in a shared-strings part."""
    name, rows = good_rows(kind)
    return shared_strings(book({name: rows}))


def shared_strings(data: bytes) -> bytes:
    """The workbook with the first sheet's inline texts moved into xl/sharedStrings.xml."""
    parts = members(data)
    parts["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2022-01-01T00:00:00Z",
                                        parts["docProps/core.xml"])
    texts: dict[bytes, int] = {}

    def shared(found: re.Match[bytes]) -> bytes:
        index = texts.setdefault(found[2], len(texts))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (found[1], index)
    parts[SHEET] = re.sub(rb'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>(.*?)</t></is></c>', shared, parts[SHEET])
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="%d" uniqueCount="%d">' % (len(texts), len(texts))
        + b"".join(b"<si><t>%s</t></si>" % t for t in texts) + b"</sst>")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml" Id="rId99"/></Relationships>'))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    return rezip(parts)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The parts as an archive, the same bytes on every run (fixed times: a flipped byte's place
    must fall on the same spot every time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2022, 1, 1, 0, 0, 0)), data, compress_type=method)
    return out.getvalue()


def edited(kind: str, member: str, edit: Callable[[bytes], bytes]) -> bytes:
    parts = members(good_book(kind))
    parts[member] = edit(parts.get(member, b""))
    return rezip(parts)


def without(kind: str, member: str) -> bytes:
    parts = members(good_book(kind))
    parts.pop(member, None)
    return rezip(parts)


def writes(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data() if callable(data) else data)
    return make


def before_sheet_data_end(extra: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"</sheetData>", extra + b"</sheetData>")


# ------------------------------------------------------------------ the archive and its parts

def archive_cases(kind: str) -> list[FuzzCase]:
    good = good_book(kind)
    cases = [FuzzCase(f"{kind}-good", kind, writes(good), may_import=True)]
    for share in (0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99):
        cases.append(FuzzCase(f"{kind}-cut-{share}", kind, writes(good[:int(len(good) * share)])))
    cases.append(FuzzCase(f"{kind}-cut-directory-end", kind, writes(good[:-22])))
    rng = random.Random(f"flip-{kind}")
    for n in range(4):
        flipped = bytearray(good)
        for _ in range(1 + n * 3):
            at = rng.randrange(len(flipped))
            flipped[at] ^= 1 << rng.randrange(8)
        cases.append(FuzzCase(f"{kind}-flipped-{n}", kind, writes(bytes(flipped)), may_import=True))
    for member in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", SHEET,
                   "xl/sharedStrings.xml", "xl/styles.xml"):
        cases.append(FuzzCase(f"{kind}-without-{member.rsplit('/', 1)[-1]}", kind, writes(lambda m=member: without(kind, m)),
                              may_import=member in ("[Content_Types].xml", "xl/styles.xml")))
    broken_xml = {
        "unclosed": lambda xml: xml[: len(xml) // 2],
        "garbage": lambda xml: b"\x00\xff\xfe garbage <<<" + xml,
        "wrong-encoding": lambda xml: b'<?xml version="1.0" encoding="EBCDIC-XX"?>' + xml.split(b"?>", 1)[-1],
        # the last shared text (the last row's phone) made an entity: a billion laughs, a file of the computer
        "laughs": lambda xml: (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lololololololololol">'
                               + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10)
                                          for i in range(9))
                               + b"]>" + last_text(xml.split(b"?>", 1)[-1], b"&lol8;")),
        "external-entity": lambda xml: (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                        + last_text(xml.split(b"?>", 1)[-1], b"&xxe;")),
    }
    for label, edit in broken_xml.items():
        for member in (SHEET, "xl/sharedStrings.xml", "xl/workbook.xml"):
            if label in ("laughs", "external-entity") and member != "xl/sharedStrings.xml":
                continue
            cases.append(FuzzCase(f"{kind}-{label}-{member.rsplit('/', 1)[-1]}", kind,
                                  writes(lambda m=member, e=edit: edited(kind, m, e)),
                                  may_import=label in ("laughs", "external-entity", "wrong-encoding")))
    cases += [
        FuzzCase(f"{kind}-stored-not-deflated", kind, writes(lambda: rezip(members(good), zipfile.ZIP_STORED)),
                 may_import=True),
        FuzzCase(f"{kind}-bzip2-members", kind, writes(lambda: rezip(members(good), zipfile.ZIP_BZIP2)), may_import=True),
        FuzzCase(f"{kind}-lzma-members", kind, writes(lambda: rezip(members(good), zipfile.ZIP_LZMA)), may_import=True),
        FuzzCase(f"{kind}-duplicate-member", kind, writes(lambda: duplicate_member(good)), may_import=True),
        FuzzCase(f"{kind}-member-outside", kind, writes(lambda: rezip({**members(good), "../../逃逸.xml": b"<x/>"})),
                 may_import=True),
        FuzzCase(f"{kind}-shared-string-missing", kind, writes(lambda: edited(kind, SHEET, lambda xml: xml[:xml.find(b'<row r="2"')]
                                                                                + xml[xml.find(b'<row r="2"'):].replace(b't="s"><v>', b't="s"><v>99999', 1)))),
        FuzzCase(f"{kind}-no-sheets", kind, writes(lambda: edited(kind, "xl/workbook.xml", lambda xml: xml.replace(
            xml[xml.find(b"<sheets>"):xml.find(b"</sheets>") + 9], b"<sheets/>") if b"<sheets>" in xml else xml))),
        FuzzCase(f"{kind}-sheet-points-nowhere", kind, writes(lambda: edited(
            kind, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(b"worksheets/sheet1.xml", b"worksheets/nowhere.xml")))),
    ]
    return cases


def last_text(strings: bytes, text: bytes) -> bytes:
    """The shared-strings part with its last text replaced."""
    return strings[:strings.rfind(b"<si>")] + b"<si><t>" + text + b"</t></si></sst>"


def duplicate_member(good: bytes) -> bytes:
    out = io.BytesIO()
    parts = members(good)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": that is the point
            archive.writestr(SHEET, b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                                    b'spreadsheetml/2006/main"><sheetData/></worksheet>')
    return out.getvalue()


# ------------------------------------------------------------------ the cells

def grid_cases(kind: str) -> list[FuzzCase]:
    name, rows = good_rows(kind)
    header, data = rows[0], rows[1:]
    width = len(header)

    def every_cell(value) -> Callable[[Path], None]:
        return writes(lambda: book({name: [header] + [[value] * width for _ in data]}))

    wrong = {"true": True, "negative": -7, "huge": 1e308, "tiny": 5e-324, "spaces": "   ", "question": "？？",
             "error": "#N/A", "long-text": "长" * 40_000, "control": "姓_x0001_名\x7f", "date-text": "二〇二二年十三月",
             "zero": 0, "date-far": dt.datetime(9999, 12, 31, 23, 59, 59), "date-1900": dt.date(1900, 1, 1),
             "time": dt.time(12, 30)}
    cases = [FuzzCase(f"{kind}-every-cell-{label}", kind, every_cell(value)) for label, value in wrong.items()]

    def with_formulas(cached: bool) -> bytes:
        def edit(wb: openpyxl.Workbook) -> None:
            ws = wb.active
            for r in range(2, len(rows) + 1):
                for c in range(1, width + 1):
                    ws.cell(row=r, column=c, value=f'=IF(1,"x{r}{c}",1/0)')
        data_ = book({name: [header]}, edit=edit)
        if not cached:
            return data_
        return edited_bytes(data_, SHEET, lambda xml: xml.replace(b"</f><v></v>", b"</f><v>1</v>").replace(b"</f><v/>", b"</f><v>1</v>"))
    cases += [FuzzCase(f"{kind}-formulas", kind, writes(lambda: with_formulas(False))),
              FuzzCase(f"{kind}-formulas-cached", kind, writes(lambda: with_formulas(True)))]

    date_columns = [c for c, h in enumerate(header) if "日期" in str(h)]
    for label, value in {"before-1900": -1, "day-zero": 0, "day-60": 60, "after-9999": 2958466, "far": 1e15,
                         "text-1899": "1899-12-31", "text-feb-30": "2022-02-30", "text-nonsense": "9999-99-99"}.items():
        if not date_columns:
            break
        bad = [list(r) for r in data]
        for r in bad:
            for c in date_columns:
                r[c] = value
        cases.append(FuzzCase(f"{kind}-date-{label}", kind, writes(lambda b=bad: book({name: [header] + b}))))

    def merged(wb: openpyxl.Workbook) -> None:
        wb.active.merge_cells(start_row=2, start_column=1, end_row=len(rows), end_column=width)
    cases.append(FuzzCase(f"{kind}-merged-data", kind, writes(lambda: book({name: rows}, edit=merged))))

    def title_merged(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        ws.insert_rows(1)
        ws.cell(row=1, column=1, value="报送表")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    cases.append(FuzzCase(f"{kind}-merged-title", kind, writes(lambda: book({name: rows}, edit=title_merged)),
                          may_import=True))

    def hidden(state: str) -> Callable[[openpyxl.Workbook], None]:
        def edit(wb: openpyxl.Workbook) -> None:
            wb[name].sheet_state = state
        return edit
    for state in ("hidden", "veryHidden"):
        cases.append(FuzzCase(f"{kind}-{state}-sheet", kind,
                              writes(lambda s=state: book({"说明": [["见另一工作表"]], name: rows}, edit=hidden(s))),
                              may_import=True))
    cases += [
        FuzzCase(f"{kind}-duplicate-headers", kind, writes(lambda: book({name: [header + header] + [r + r for r in data]})),
                 may_import=True),
        FuzzCase(f"{kind}-duplicate-rows", kind, writes(lambda: book({name: [header] + data + data})),
                 may_import=kind in ("platform_deliveries",)),
        FuzzCase(f"{kind}-headers-only", kind, writes(lambda: book({name: [header]}))),
        FuzzCase(f"{kind}-no-headers", kind, writes(lambda: book({name: data}))),
        FuzzCase(f"{kind}-blank-sheet", kind, writes(lambda: book({name: []}))),
        FuzzCase(f"{kind}-headers-shuffled-blank-rows", kind,
                 writes(lambda: book({name: [[], [], list(reversed(header))] + [list(reversed(r)) for r in data]})),
                 may_import=True),
    ]
    return cases


def edited_bytes(data: bytes, member: str, edit: Callable[[bytes], bytes]) -> bytes:
    parts = members(data)
    parts[member] = edit(parts[member])
    return rezip(parts)


# ------------------------------------------------------------------ places and sizes in the sheet XML

def place_cases(kind: str) -> list[FuzzCase]:
    def sheet_edit(label: str, edit: Callable[[bytes], bytes], may_import: bool = False) -> FuzzCase:
        return FuzzCase(f"{kind}-{label}", kind, writes(lambda: edited(kind, SHEET, edit)), may_import=may_import)

    return [
        sheet_edit("cell-at-XFD1048576", before_sheet_data_end(
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')),
        sheet_edit("declared-dimension-huge", lambda xml: re.sub(rb'<dimension ref="[^"]*"/>',
                                                                 b'<dimension ref="A1:XFD1048576"/>', xml), may_import=True),
        sheet_edit("row-beyond-excel", before_sheet_data_end(b'<row r="99999999999"><c r="A99999999999"><v>1</v></c></row>')),
        sheet_edit("row-zero", before_sheet_data_end(b'<row r="0"><c r="A0"><v>1</v></c></row>'), may_import=True),
        sheet_edit("row-negative", before_sheet_data_end(b'<row r="-5"><c r="A-5"><v>1</v></c></row>'), may_import=True),
        sheet_edit("rows-backwards", lambda xml: xml.replace(b'<row r="2"', b'<row r="9"', 1), may_import=True),
        sheet_edit("cell-reference-nonsense", lambda xml: xml.replace(b' r="B2"', b' r="ZZZZZ2"', 1)),
        sheet_edit("cell-reference-digits-first", lambda xml: xml.replace(b' r="B2"', b' r="2B"', 1), may_import=True),
        sheet_edit("column-beyond-excel", before_sheet_data_end(b'<row r="7"><c r="XFE7"><v>1</v></c></row>')),
        sheet_edit("wide-and-tall", before_sheet_data_end(b'<row r="60000"><c r="ZZ60000"><v>1</v></c></row>')),
        sheet_edit("bad-cell-type", lambda xml: xml.replace(b'<c r="B2" t="s">', b'<c r="B2" t="zz">', 1), may_import=True),
        sheet_edit("number-not-a-number", lambda xml: re.sub(rb'(<c r="A2"[^>]*>)<v>[^<]*</v>', rb'\1<v>NaN-abc</v>', xml, 1),
                   may_import=True),
        sheet_edit("nul-character", lambda xml: xml.replace(b"</sheetData>",
                                                            b'<row r="9"><c r="A9" t="inlineStr"><is><t>&#0;</t></is></c></row></sheetData>')),
        sheet_edit("many-empty-rows", before_sheet_data_end(b"".join(b'<row r="%d"/>' % n for n in range(10, 200_000))),
                   may_import=True),
    ]


# ------------------------------------------------------------------ other files under an .xlsx name

def ole2(stream_name: str) -> bytes:
    """The start of a compound file (what .xls and encrypted workbooks are) naming one stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE) + b"\x00" * 470
    entry = stream_name.encode("utf-16-le").ljust(64, b"\x00") + struct.pack("<H", len(stream_name) * 2 + 2)
    return header + entry.ljust(128, b"\x00") + bytes(1024)


def file_cases(kinds: tuple[str, ...]) -> list[FuzzCase]:
    rng = random.Random(13)
    name, rows = good_rows("arrivals")
    csv = "\n".join(",".join(str(v) for v in r) for r in rows)
    files: dict[str, Callable[[], bytes]] = {
        "empty": lambda: b"",
        "one-byte": lambda: b"P",
        "zip-magic-only": lambda: b"PK\x03\x04",
        "empty-zip": lambda: rezip({}),
        "random-1k": lambda: bytes(rng.randrange(256) for _ in range(1024)),
        "random-100k": lambda: random.Random(100).randbytes(100_000),
        "random-after-zip-magic": lambda: b"PK\x03\x04" + random.Random(4).randbytes(5000),
        "xls-renamed": lambda: ole2("Workbook"),
        "xls-old-renamed": lambda: ole2("Book"),
        "encrypted-ooxml": lambda: (FIXTURES / "encrypted-roster.xlsx").read_bytes(),
        "ole2-other": lambda: ole2("WordDocument"),
        "csv-utf8": lambda: csv.encode("utf-8"),
        "csv-utf8-bom": lambda: b"\xef\xbb\xbf" + csv.encode("utf-8"),
        "csv-gb18030": lambda: csv.encode("gb18030"),
        "csv-utf16": lambda: csv.encode("utf-16"),
        "html-table": lambda: ("<html><body><table><tr><td>" + "</td><td>".join(rows[0]) + "</td></tr></table></body></html>").encode(),
        "pdf": lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        "word": lambda: rezip({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"}),
        "ods": lambda: rezip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
        "xlsb": lambda: rezip({"xl/workbook.bin": random.Random(5).randbytes(300), "[Content_Types].xml": b"<Types/>"}),
        "plain-zip": lambda: rezip({"说明.txt": "不是工作簿".encode()}),
        "nested-zip": lambda: rezip({"inner.xlsx": good_book("arrivals")}),
        "zip-encrypted-flag": lambda: encrypted_flag(good_book("arrivals")),
        "utf8-garbage": lambda: "花名册\x00\x00".encode() * 300,
        "png": lambda: b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(400),
    }
    cases = []
    for n, (label, data) in enumerate(files.items()):
        kind = kinds[n % len(kinds)]
        cases.append(FuzzCase(f"{kind}-file-{label}", kind, writes(data)))
    return cases


def encrypted_flag(good: bytes) -> bytes:
    """The archive with every member marked as encrypted (general purpose flag bit 0)."""
    data = bytearray(good)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    return bytes(data)


# ------------------------------------------------------------------ the bombs

def with_raw_member(kind: str, member: str, head: bytes, body: tuple[bytes, int], tail: bytes,
                    declared_size: int | None = None) -> bytes:
    """The good workbook of the kind with `member` replaced by head + body (chunk × times) + tail,
    deflated into the archive by hand without ever existing unpacked: after a full flush the
    compressor starts afresh, so the chunk is packed once and its packed bytes repeated.
    `declared_size` writes a smaller size than the truth into the archive (a forged size)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk, times = body
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    packed_chunk = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    packed = start + packed_chunk * times + compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = declared_size if declared_size is not None else len(head) + len(chunk) * times + len(tail)
    parts = members(good_book(kind))
    parts.pop(member)
    return _append_member(rezip(parts), member, packed, size, crc)


def _append_member(archive: bytes, name: str, packed: bytes, size: int, crc: int) -> bytes:
    """The archive with one more deflated member, its local header, data and directory entry."""
    end = archive.rfind(b"PK\x05\x06")
    _, _, _, _, count, dir_size, dir_offset, _ = struct.unpack("<4sHHHHIIH", archive[end:end + 22])
    directory = archive[dir_offset:dir_offset + dir_size]
    body = archive[:dir_offset]
    encoded = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(packed), size, len(encoded), 0)
    offset = len(body)
    body += local + encoded + packed
    entry = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(packed), size,
                        len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    directory += entry
    tail = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count + 1, count + 1, len(directory), len(body), 0)
    return body + directory + tail


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def bomb_cases() -> list[FuzzCase]:
    kind = "arrivals"

    def tiny_rows() -> bytes:  # 3.76 million rows of one number each, about 10 MB packed
        rows = b"".join(b'<row><c><v>%d</v></c></row>' % n for n in range(3_760_000))
        parts = members(good_book(kind))
        parts[SHEET] = SHEET_HEAD + rows + SHEET_TAIL
        return rezip(parts)

    def dense_block() -> bytes:  # the most a sheet may span: 1,000,000 rows × 30 columns in a few MB
        rows = b"".join(b'<row r="%d"><c r="AD%d"><v>1</v></c></row>' % (n, n) for n in range(1, 1_000_001))
        parts = members(good_book(kind))
        parts[SHEET] = SHEET_HEAD + rows + SHEET_TAIL
        return rezip(parts)

    spaces = (b" " * (1 << 20), 2048)  # 2 GiB of white space in 2 MB
    strings = ((b"<si><t>" + "张".encode() * 2000 + b"</t></si>") * 500, 540)  # 1.6 GB of repeated shared strings
    return [
        FuzzCase("bomb-cell-at-XFD1048576", kind, writes(lambda: edited(kind, SHEET, before_sheet_data_end(
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'))), bomb=True),
        FuzzCase("bomb-cell-at-Z999999", kind, writes(lambda: edited(kind, SHEET, before_sheet_data_end(
            b'<row r="999999"><c r="Z999999" t="inlineStr"><is><t>x</t></is></c></row>'))), bomb=True),
        FuzzCase("bomb-cell-at-Z999999-first", kind, writes(lambda: edited(kind, SHEET, lambda xml: xml.replace(
            b"<sheetData>", b'<sheetData><row r="999999"><c r="Z999999"><v>1</v></c></row>'))), bomb=True),
        FuzzCase("bomb-3.76-million-rows", kind, writes(tiny_rows), bomb=True),
        FuzzCase("bomb-dense-block", kind, writes(dense_block), bomb=True),
        FuzzCase("bomb-whitespace", kind, writes(lambda: with_raw_member(kind, SHEET, SHEET_HEAD, spaces, SHEET_TAIL)),
                 bomb=True),
        FuzzCase("bomb-whitespace-forged-size", kind, writes(lambda: with_raw_member(
            kind, SHEET, SHEET_HEAD, spaces, SHEET_TAIL, declared_size=4096)), bomb=True),
        FuzzCase("bomb-shared-strings", kind, writes(lambda: with_raw_member(
            kind, "xl/sharedStrings.xml", b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                                          b'spreadsheetml/2006/main">', strings, b"</sst>")), bomb=True),
        FuzzCase("bomb-shared-strings-forged-size", kind, writes(lambda: with_raw_member(
            kind, "xl/sharedStrings.xml", b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                                          b'spreadsheetml/2006/main">', strings, b"</sst>", declared_size=900)), bomb=True),
    ]


# ------------------------------------------------------------------ all of them

@cache
def all_cases() -> dict[str, FuzzCase]:
    cases: list[FuzzCase] = []
    for kind in KINDS:
        cases += archive_cases(kind) + grid_cases(kind) + place_cases(kind)
    cases += file_cases(KINDS) + bomb_cases()
    found = {c.name: c for c in cases}
    assert len(found) == len(cases), "two fuzz cases share a name"
    return found
