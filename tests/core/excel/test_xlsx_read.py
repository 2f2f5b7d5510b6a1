"""Reading workbooks: file types, broken and encrypted files, header recognition, mappings.

Every workbook here is a real .xlsx written by openpyxl (or an .ods written by hand) into tmp_path, except
tests/fixtures/encrypted-roster.xlsx: a real password-protected workbook (password "wujiang";
an openpyxl workbook encrypted with msoffcrypto-tool's OOXMLFile.encrypt, agile encryption,
which neither openpyxl nor the standard library can write), and tests/fixtures/monthly-months-as-numbers.xls: an
old-format (BIFF8) 每月送工信息 of 56 rows, some of its months typed 2022.04 and stored as numbers (nothing here
writes .xls).
"""

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from core.common.messages import render
from core.excel import readers
from core.excel.kinds import import_spec, normalise_header
from core.excel.read import read_workbook
from core.excel.readers import sniff
from tests.ods_builders import write_ods
from tests.xlsx_builders import ARRIVAL_HEADERS, arrival, arrivals_rows, person_id, write_workbook

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def codes(result):
    return [p.message.code for p in result.problems]


def roster(tmp_path, name="roster.xlsx", n=3, **kwargs):
    return write_workbook(tmp_path / name, {"花名册": arrivals_rows(arrival(i) for i in range(n))}, **kwargs)


# ------------------------------------------------------------------ file types

def test_a_good_roster_is_read_with_calamine(tmp_path):
    result = read_workbook(roster(tmp_path), "arrivals")
    assert result.ok and result.reader == "calamine"
    (table,) = result.tables
    assert table.layout.header_row == 1 and table.data_rows == 3
    assert {c.field: c.letter for c in table.layout.columns}["id_number"] == "D"


def test_a_text_file_renamed_xlsx_is_the_wrong_type(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_text("姓名,身份证号码\n张三,11010519491231002X\n", encoding="utf-8")
    result = read_workbook(path, "arrivals")
    assert codes(result) == ["excel.wrong_type"]
    assert result.problems[0].message.param("found").code == "excel.type_text"
    assert "另存为" in render(result.problems[0].message)


@pytest.mark.parametrize("content, found", [
    (b"", "excel.type_empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "excel.type_pdf"),
    ("<html><table><tr><td>姓名</td></tr></table></html>".encode("gb18030"), "excel.type_html"),
    (bytes(range(256)) * 8, "excel.type_unknown"),
])
def test_other_wrong_types(tmp_path, content, found):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    result = read_workbook(path, "arrivals")
    assert codes(result) == ["excel.wrong_type"] and result.problems[0].message.param("found").code == found


def test_a_word_document_renamed_xlsx(tmp_path):
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    result = read_workbook(path, "arrivals")
    assert result.problems[0].message.param("found").code == "excel.type_word"


def test_a_truncated_workbook_is_corrupted(tmp_path):
    good = roster(tmp_path).read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(good[: len(good) // 2])
    result = read_workbook(path, "arrivals")
    assert codes(result) == ["excel.corrupted"]


def test_a_workbook_with_a_damaged_sheet_is_corrupted(tmp_path):
    good = roster(tmp_path)
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # the XML stops in the middle
            dst.writestr(item, data)
    result = read_workbook(path, "arrivals")
    assert codes(result) == ["excel.corrupted"]


def damaged_month(tmp_path: Path, damage) -> Path:
    """Monthly reports of three months whose second month's sheet XML is damage(xml)."""
    from tests.xlsx_builders import MONTHLY_HEADERS
    rows = [list(MONTHLY_HEADERS)] + [[1, "张三", person_id(1), "吴江某厂", "基地", dt.date(2022, 3, 2), "13900000000"]]
    good = write_workbook(tmp_path / "good.xlsx", {f"2022年{m}月": rows for m in (3, 4, 5)})
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, damage(data) if item.filename == "xl/worksheets/sheet2.xml" else data)
    return path


def test_a_sheet_whose_xml_stops_midway_is_named_without_a_second_reading(tmp_path, monkeypatch):
    """XML that is not well-formed is read by no reader: the sheet is named at once, not after openpyxl
    has read the whole workbook again to fail the same way (ten seconds for a 100,000-row roster)."""
    path = damaged_month(tmp_path, lambda xml: xml[: len(xml) // 2])
    tried = []
    monkeypatch.setattr(readers, "_openpyxl_sheets", lambda path: tried.append(path) or [])
    result = read_workbook(path, "monthly_reports")
    [problem] = result.problems
    assert problem.message.code == "excel.corrupted" and problem.location == "2022年4月" and tried == []
    assert "工作表“2022年4月”的内容残缺或格式不对" in render(problem.message)


def test_a_sheet_with_cells_no_reader_places_is_named_after_openpyxl_tried_too(tmp_path):
    path = damaged_month(tmp_path, lambda xml: xml.replace(b"</sheetData>", b'<row r="zz"><c r="??"><v>1</v></c></row>'
                                                                            b"</sheetData>"))
    [problem] = read_workbook(path, "monthly_reports").problems
    assert problem.message.code == "excel.corrupted" and problem.location == "2022年4月"
    assert "工作表“2022年4月”" in render(problem.message)


def test_a_real_encrypted_workbook(tmp_path):
    path = FIXTURES / "encrypted-roster.xlsx"
    assert sniff(path) == "encrypted"
    result = read_workbook(path, "arrivals")
    assert codes(result) == ["excel.encrypted"]


def test_a_fake_ole2_file_with_an_encrypted_package_stream(tmp_path):
    """What an encrypted workbook looks like to a reader: an OLE2 compound file (CFB) holding the
    streams EncryptionInfo and EncryptedPackage. Only the signature and the directory names are
    real here; the reader needs no more to say 'encrypted'."""
    path = tmp_path / "encrypted.xlsx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    names = b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    path.write_bytes(header + names + bytes(4096))
    assert codes(read_workbook(path, "arrivals")) == ["excel.encrypted"]


def test_an_ole2_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(2048))
    result = read_workbook(path, "arrivals")
    assert result.problems[0].message.param("found").code == "excel.type_office"


def a_workbook_of(kind: str, tmp_path: Path, name: str) -> Path:
    """A 每月送工信息 of 56 rows and a 合计 row as an .xls, an .ods or an .xlsx, under the name given."""
    old = FIXTURES / "monthly-months-as-numbers.xls"
    if kind == "xls":
        path = tmp_path / name
        path.write_bytes(old.read_bytes())
        return path
    rows = [["序号", "月份", "姓名", "身份证号"]] + [[i, "2022年3月", f"人员{i}", person_id(i)] for i in range(1, 57)]
    rows.append(["合计", "", "56人", ""])
    if kind == "ods":
        return write_ods(tmp_path / name, {"汇总": rows})
    return write_workbook(tmp_path / name, {"汇总": rows})


@pytest.mark.parametrize("kind, name", [("xls", "送工.xlsx"), ("xls", "送工.ods"), ("xls", "送工"), ("xls", "送工.XLS"),
                                        ("ods", "送工.xls"), ("ods", "送工.xlsx"), ("xlsx", "送工.xls"),
                                        ("xlsx", "送工.ods"), ("xls", "送工.xls"), ("ods", "送工.ods")])
def test_a_workbook_is_read_by_what_it_is_whatever_its_name(tmp_path, kind, name):
    path = a_workbook_of(kind, tmp_path, name)
    assert sniff(path) == kind
    result = read_workbook(path, "monthly_reports")
    assert result.ok and result.reader == "calamine", codes(result)
    assert sum(table.data_rows for table in result.tables) == 57


def test_openpyxl_reads_an_xlsx_named_otherwise_that_calamine_cannot(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("calamine cannot read this file")
    monkeypatch.setattr(readers, "_calamine_sheets", fail)
    result = read_workbook(a_workbook_of("xlsx", tmp_path, "送工.xls"), "monthly_reports")
    assert result.ok and result.reader == "openpyxl" and result.tables[0].data_rows == 57


def test_a_missing_file(tmp_path):
    assert codes(read_workbook(tmp_path / "nowhere.xlsx", "arrivals")) == ["excel.file_not_found"]


def test_an_empty_workbook(tmp_path):
    path = write_workbook(tmp_path / "empty.xlsx", {"Sheet1": [], "Sheet2": []})
    assert codes(read_workbook(path, "arrivals")) == ["excel.empty"]


def test_headers_without_rows(tmp_path):
    path = write_workbook(tmp_path / "headers.xlsx", {"花名册": [list(ARRIVAL_HEADERS)]})
    assert codes(read_workbook(path, "arrivals")) == ["excel.no_rows"]


def test_openpyxl_reads_what_calamine_cannot(tmp_path, monkeypatch):
    def fail(path, limits=None, each=None, cancelled=None):
        raise RuntimeError("calamine cannot read this file")
    monkeypatch.setattr(readers, "_calamine_sheets", fail)
    result = read_workbook(roster(tmp_path), "arrivals")
    assert result.ok and result.reader == "openpyxl" and result.tables[0].data_rows == 3


def test_an_unknown_kind_is_a_programming_fault(tmp_path):
    with pytest.raises(ValueError):
        read_workbook(roster(tmp_path), "no_such_kind")


# ------------------------------------------------------------------ finding the header

def test_headers_on_row_3_under_a_merged_title(tmp_path):
    path = roster(tmp_path, title="“乐业吴江”就业协作联盟组织进吴人员花名册", title_rows=2)
    result = read_workbook(path, "arrivals")
    assert result.ok
    assert result.tables[0].layout.header_row == 3
    assert [r for r, _ in result.tables[0].rows()] == [4, 5, 6]


def test_columns_in_any_order_with_synonyms(tmp_path):
    headers = ["首次参保时间", "企业名称", "序号", "公民身份号码", "员工姓名", "到岗日期", "在职月数", "输出地"]
    rows = [headers, [dt.date(2022, 3, 1), "吴江精密电子有限公司", 1, person_id(1), "张三", dt.date(2022, 3, 1), 7,
                      "铜仁"]]
    result = read_workbook(write_workbook(tmp_path / "shuffled.xlsx", {"名单": rows}), "arrivals")
    assert result.ok
    layout = result.tables[0].layout
    assert {c.field: c.letter for c in layout.columns} == {
        "name": "E", "id_number": "D", "employer": "B", "first_insured_date": "A", "base": "H",
        "arrival_date": "F", "insured_months": "G"}


@pytest.mark.parametrize("header", ["身份证号", "身份证号码", "公民身份号码", "证件号码", " 身份证\n号码 ", "身份证号码（必填）",
                                    "*身份证号码", "身份证号码:"])
def test_id_number_synonyms_and_decorations(tmp_path, header):
    rows = [["姓名", header, "用人单位", "参保日期"], ["张三", person_id(2), "某公司", dt.date(2022, 5, 1)]]
    result = read_workbook(write_workbook(tmp_path / "s.xlsx", {"S": rows}), "arrivals")
    assert result.ok, result.problems
    assert result.tables[0].layout.column("id_number").header == header.strip()


def test_a_two_row_header(tmp_path):
    rows = [["序号", "姓名", "身份证号码", "用工单位", "参保情况", None],
            [None, None, None, None, "首次参保日期", "参保月数"],
            [1, "张三", person_id(3), "某公司", dt.date(2022, 4, 1), 8]]
    result = read_workbook(write_workbook(tmp_path / "two.xlsx", {"S": rows}), "arrivals")
    assert result.ok
    assert result.tables[0].layout.header_row == 2
    assert result.tables[0].layout.column("insured_months").letter == "F"


def test_an_unrecognised_layout_lists_headers_found_and_fields_missing(tmp_path):
    rows = [["编号", "人员", "证件", "单位"], [1, "张三", person_id(4), "某公司"]]
    result = read_workbook(write_workbook(tmp_path / "odd.xlsx", {"S": rows}), "arrivals")
    assert codes(result) == ["excel.layout_unrecognised"] and result.needs_mapping
    msg = result.problems[0].message
    assert msg.param("headers") == ["编号", "人员", "证件", "单位"]
    assert [m.code for m in msg.param("missing")] == ["field.name", "field.id_number", "field.employer",
                                                      "field.first_insured_date"]
    text = render(msg)
    assert "姓名" in text and "编号" in text
    assert result.layouts[0].headers == ((0, "编号"), (1, "人员"), (2, "证件"), (3, "单位"))


def test_an_explicit_mapping_overrides_recognition(tmp_path):
    rows = [["编号", "人员", "证件", "单位", "时间"], [1, "张三", person_id(5), "某公司", "2022.3.1"]]
    path = write_workbook(tmp_path / "odd.xlsx", {"S": rows})
    result = read_workbook(path, "arrivals", mapping={"name": "人员", "id_number": "证件", "employer": 4,
                                                      "first_insured_date": "时间"})
    assert result.ok
    assert {c.field: c.index for c in result.tables[0].layout.columns} == {
        "name": 1, "id_number": 2, "employer": 3, "first_insured_date": 4}


def test_a_mapping_with_an_unknown_field(tmp_path):
    result = read_workbook(roster(tmp_path), "arrivals", mapping={"salary": "工资"})
    assert codes(result) == ["excel.mapping_unknown_field"]


def test_a_given_header_row(tmp_path):
    rows = [["姓名", "身份证号码", "用工单位", "参保日期"]] * 2 + [["张三", person_id(6), "某公司", dt.date(2022, 5, 1)]]
    result = read_workbook(write_workbook(tmp_path / "h.xlsx", {"S": rows}), "arrivals", header_row=2)
    assert result.tables[0].layout.header_row == 2


def test_a_second_column_for_the_same_field_is_noted(tmp_path):
    rows = [["姓名", "身份证号码", "用工单位", "参保日期", "首次参保日期"],
            ["张三", person_id(7), "某公司", dt.date(2022, 5, 1), dt.date(2022, 5, 1)]]
    result = read_workbook(write_workbook(tmp_path / "d.xlsx", {"S": rows}), "arrivals")
    assert result.ok
    assert [n.message.code for n in result.notes] == ["excel.duplicate_column"]


def test_monthly_reports_one_sheet_per_month_and_a_notes_sheet(tmp_path):
    month = [["姓名", "身份证号码", "用工单位"], ["张三", person_id(8), "某公司"]]
    path = write_workbook(tmp_path / "m.xlsx", {"2022年3月": month, "2022年4月": month,
                                                "说明": [["本表由运营单位每月报送"]]})
    result = read_workbook(path, "monthly_reports")
    assert result.ok
    assert [t.sheet for t in result.tables] == ["2022年3月", "2022年4月"]
    assert [n.message.code for n in result.notes] == ["excel.sheet_skipped"]


def test_only_the_sheets_asked_for(tmp_path):
    month = [["姓名", "身份证号码"], ["张三", person_id(9)]]
    path = write_workbook(tmp_path / "m.xlsx", {"3月": month, "4月": month})
    result = read_workbook(path, "monthly_reports", sheets=["4月", "5月"])
    assert [t.sheet for t in result.tables] == ["4月"]
    assert codes(result) == ["excel.sheet_not_found"]


def test_every_kind_is_recognised_from_its_usual_headers(tmp_path):
    spec = import_spec()
    for kind_id, kind in spec.kinds.items():
        headers = [next(iter(spec.fields[f].synonyms)) for f in kind.fields]
        rows = [headers, ["x"] * len(headers)]
        result = read_workbook(write_workbook(tmp_path / f"{kind_id}.xlsx", {"S": rows}), kind_id)
        assert result.ok, (kind_id, result.problems)


def test_normalise_header():
    assert normalise_header(" 身份证\n号码（必填）* ") == "身份证号码"
    assert normalise_header("见习（实习）月数") == "见习(实习)月数"
    assert normalise_header("ＩＤ") == "id"
    assert normalise_header(5) == ""


def hidden_sheet_roster(tmp_path, state="hidden"):
    """A roster of three with a second sheet the clerk hid (last year's list, with a 2022 date in it)."""
    import openpyxl
    path = write_workbook(tmp_path / "hidden.xlsx", {
        "花名册": arrivals_rows([arrival(i) for i in range(3)]),
        "2021年": arrivals_rows([arrival(i) for i in range(10, 12)])})
    wb = openpyxl.load_workbook(path)
    wb["2021年"].sheet_state = state
    wb.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_not_read_and_a_note_names_it(tmp_path, state):
    result = read_workbook(hidden_sheet_roster(tmp_path, state), "arrivals")
    assert result.ok and result.reader == "calamine"
    assert [t.sheet for t in result.tables] == ["花名册"] and [layout.sheet for layout in result.layouts] == ["花名册"]
    assert [n.text() for n in result.notes] == [
        "hidden.xlsx：工作表“2021年”在 Excel 中是隐藏的，未读取；如其中的人员也要导入，请在 Excel 中取消隐藏后重新检查"]


def test_openpyxl_leaves_a_hidden_sheet_unread_too(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("calamine cannot read this file")
    monkeypatch.setattr(readers, "_calamine_sheets", fail)
    result = read_workbook(hidden_sheet_roster(tmp_path), "arrivals")
    assert result.ok and result.reader == "openpyxl"
    assert [t.sheet for t in result.tables] == ["花名册"]
    assert [(n.message.code, n.message.param("sheet")) for n in result.notes] == [("excel.sheet_hidden", "2021年")]


def test_a_hidden_sheet_asked_for_by_name_is_said_hidden_not_missing(tmp_path):
    result = read_workbook(hidden_sheet_roster(tmp_path), "arrivals", sheets=["花名册", "2021年"])
    assert result.ok and [t.sheet for t in result.tables] == ["花名册"]
    assert [n.message.code for n in result.notes] == ["excel.sheet_hidden"]


def test_a_workbook_whose_only_rows_are_on_a_hidden_sheet_is_empty_and_says_where_they_are(tmp_path):
    import openpyxl
    path = write_workbook(tmp_path / "hidden.xlsx", {"Sheet1": [], "名单": arrivals_rows([arrival(1)])})
    wb = openpyxl.load_workbook(path)
    wb["名单"].sheet_state = "hidden"
    wb.save(path)
    result = read_workbook(path, "arrivals")
    assert codes(result) == ["excel.empty"] and [n.message.code for n in result.notes] == ["excel.sheet_hidden"]


def test_the_unit_a_form_names_above_its_header_is_read_as_written(tmp_path):
    rows = [["附件2"], ["运营单位（盖章）：吴江 乙人力资源有限公司（盖章）", "", "", "", "", "考核年度：2022年"]]
    path = write_workbook(tmp_path / "form.xlsx", {"附件2": rows + arrivals_rows([arrival(1)]),
                                                   "续": arrivals_rows([arrival(2)])})
    result = read_workbook(path, "arrivals")
    assert [(u.sheet, u.cell, u.written) for u in result.unit_lines] == [("附件2", "A2", "吴江 乙人力资源有限公司")]
    footer = arrivals_rows([arrival(1)]) + [["运营单位（盖章）：吴江乙人力资源有限公司"]]  # a signature line below
    assert read_workbook(write_workbook(tmp_path / "f.xlsx", {"S": footer}), "arrivals").unit_lines == ()
