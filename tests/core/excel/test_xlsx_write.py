"""The annex forms and the summary workbook, written and read back with openpyxl: titles, unit and
year, headers, borders, print setup, signature lines, ID masking; rosters read back by the importer."""

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from core.common.messages import catalogue, render
from core.excel.check import check_workbook
from core.excel.kinds import import_spec
from core.excel.write import annex_form, summary_workbook
from core.people.matching import UnitSubmission, match
from core.scoring.rules import load_rule_set
from tests.builders import base, evidence, make_unit, score
from tests.core.people.test_matching import arrival_record, listed, placement, report
from tests.xlsx_builders import arrival, arrivals_rows, person_id, write_workbook

RULES = load_rule_set()
ROOT = Path(__file__).resolve().parents[3]
MASKED = re.compile(r"^\d{6}\*{8}[\dX]{4}$")
TITLES = {1: "组织进吴人数确认表", 2: "组织进吴人员花名册", 3: "促成进吴实习、见习学员人数确认表",
          4: "促成进吴实习、见习学员花名册", 5: "组织进吴人数统计表", 6: "赴外招聘企业评价表"}


def sheet_text(ws):
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def header_row(ws, first_header):
    return next(r for r in range(1, 12) if ws.cell(row=r, column=1).value == first_header)


@pytest.mark.parametrize("annex", [1, 2, 3, 4, 5, 6])
def test_every_annex_is_an_official_form(tmp_path, annex):
    path = annex_form(annex, tmp_path / f"annex{annex}.xlsx", RULES, "吴江人力资源服务有限公司")
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == f"附件{annex}"
    assert ws["A2"].value == f"“乐业吴江”就业协作联盟{TITLES[annex]}"
    assert ws["A2"].font.bold and ws["A2"].font.size == 16
    assert any(str(r) .startswith("A2:") for r in ws.merged_cells.ranges)
    assert ws["A3"].value == "运营单位（盖章）：吴江人力资源服务有限公司"
    assert "考核年度：2022年" in sheet_text(ws)
    header = header_row(ws, "序号")
    cell = ws.cell(row=header, column=1)
    assert cell.font.bold and cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
    below = ws.cell(row=header + 1, column=2)
    assert below.border.top.style == "thin" and below.border.right.style == "thin"  # ruled rows to fill in
    assert ws.column_dimensions["B"].width >= 10
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows in (f"{header}:{header}", f"${header}:${header}")
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert "盖章" in sheet_text(ws).split("序号", 1)[1]  # a stamp line below the table
    assert "{" not in sheet_text(ws)


def test_annex_6_offers_the_rule_sets_verdicts(tmp_path):
    ws = openpyxl.load_workbook(annex_form(6, tmp_path / "a6.xlsx", RULES, "甲")).active
    header = header_row(ws, "序号")
    assert [ws.cell(row=header, column=c).value for c in range(3, 7)] == list(RULES.evaluation_verdicts)
    assert "总体评价" in sheet_text(ws)


def test_annex_2_from_records_masks_id_numbers_by_default(tmp_path):
    records = [arrival_record(i) for i in range(30)]
    ws = openpyxl.load_workbook(annex_form(2, tmp_path / "a2.xlsx", RULES, "甲", records=records)).active
    header = header_row(ws, "序号")
    headers = [ws.cell(row=header, column=c).value for c in range(1, 12)]
    id_column = headers.index("身份证号码") + 1
    ids = [ws.cell(row=header + 1 + i, column=id_column).value for i in range(30)]
    assert all(MASKED.match(v) for v in ids), ids[:3]
    assert ids[0] == records[0].id_number[:6] + "********" + records[0].id_number[-4:]
    assert ws.cell(row=header + 30, column=1).value == 30
    assert ws.cell(row=header + 1, column=headers.index("首次参保日期") + 1).value == dt.datetime(2022, 3, 1)
    assert not any(records[0].id_number in str(c.value) for row in ws.iter_rows() for c in row)


def test_annex_2_shows_full_numbers_only_when_asked_and_reads_back(tmp_path):
    people = [arrival(i) for i in range(5)]
    roster = write_workbook(tmp_path / "in.xlsx", {"花名册": arrivals_rows(people)})
    records = check_workbook(roster, "arrivals", RULES).records
    path = annex_form(2, tmp_path / "a2.xlsx", RULES, "甲", records=records, show_full_id_numbers=True)
    back = check_workbook(path, "arrivals", RULES)
    assert back.ok, [p.text() for p in back.problems]
    strip = lambda r: (r.name, r.id_number, r.employer, r.base, r.first_insured_date, r.arrival_date,  # noqa: E731
                       r.insured_months, r.gender, r.phone)
    assert [strip(r) for r in back.records] == [strip(r) for r in records]
    masked = check_workbook(annex_form(2, tmp_path / "m.xlsx", RULES, "甲", records=records), "arrivals", RULES)
    assert {p.message.code for p in masked.problems} == {"excel.id_masked"}  # a masked form is no source


def test_annex_4_from_verdicts_reads_back(tmp_path):
    records = [placement(1), placement(2, kind="intern")]
    verdicts = match(RULES, [UnitSubmission("甲", (), records)], traineeship_list=[listed(1)]).unit("甲").people
    path = annex_form(4, tmp_path / "a4.xlsx", RULES, "甲", records=verdicts, show_full_id_numbers=True)
    back = check_workbook(path, "placements", RULES)
    assert back.ok, [p.text() for p in back.problems]
    assert [(r.id_number, r.placement_type, r.start_date, r.placement_months) for r in back.records] == [
        (r.id_number, r.placement_type, r.start_date, r.placement_months) for r in records]


def data_rows(ws, header: int) -> range:
    """The ruled rows under the header row, down to the first row of the closing lines."""
    last = header
    while ws.cell(row=last + 1, column=1).border.left.style == "thin":
        last += 1
    return range(header + 1, last + 1)


def column_of(ws, header: int, title: str) -> str:
    return next(c.column_letter for c in ws[header] if c.value == title)


@pytest.mark.parametrize("annex, records", [(2, []), (4, []), (2, [arrival_record(i) for i in range(3)]),
                                            (4, [placement(1), placement(2, kind="intern")])])
def test_the_id_number_column_of_the_rosters_is_text_in_every_row(tmp_path, annex, records):
    """The forms a unit fills in: an ID number typed into them stays text (Excel's 文本, '@'), in the ruled
    rows and in rows the clerk adds (the column's own format); the other columns keep theirs."""
    ws = openpyxl.load_workbook(annex_form(annex, tmp_path / "a.xlsx", RULES, "甲", records=records)).active
    header = header_row(ws, "序号")
    ids = column_of(ws, header, "身份证号码")
    rows = data_rows(ws, header)
    assert len(rows) == (len(records) or 15)
    assert [ws[f"{ids}{r}"].number_format for r in rows] == ["@"] * len(rows)
    assert ws.column_dimensions[ids].number_format == "@"
    assert ws[f"{ids}{header}"].value == "身份证号码"
    for other in ("姓名", "开始日期" if annex == 4 else "首次参保日期"):
        assert ws.column_dimensions[column_of(ws, header, other)].number_format == "General", other


@pytest.mark.parametrize("records", [[], [placement(1), placement(2, kind="intern")]])
def test_annex_4_offers_its_types_as_a_list_of_the_words_the_importer_reads(tmp_path, records):
    ws = openpyxl.load_workbook(annex_form(4, tmp_path / "a4.xlsx", RULES, "甲", records=records)).active
    header = header_row(ws, "序号")
    kind = column_of(ws, header, "类型")
    rows = data_rows(ws, header)
    (listed_,) = ws.data_validations.dataValidation
    assert listed_.type == "list" and listed_.formula1 == '"见习,实习"'
    assert str(listed_.sqref) == f"{kind}{rows[0]}:{kind}{rows[-1]}"
    assert listed_.showErrorMessage and listed_.allow_blank and "见习、实习" in listed_.error
    choices = import_spec().fields["placement_type"].choices
    assert "见习" in choices["trainee"] and "实习" in choices["intern"]
    form2 = openpyxl.load_workbook(annex_form(2, tmp_path / "a2.xlsx", RULES, "甲")).active
    assert not form2.data_validations.dataValidation


def test_a_blank_annex_4_filled_in_as_a_clerk_does_reads_back(tmp_path):
    path = annex_form(4, tmp_path / "a4.xlsx", RULES, "甲")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = header_row(ws, "序号")
    at = {c.value: c.column for c in ws[header]}
    for i, kind in enumerate(("见习", "实习")):
        row = header + 1 + i
        for title, value in (("姓名", f"学员{i}"), ("身份证号码", person_id(i)),
                             ("院校（政校合作基地）", "铜仁职业技术学院"),
                             ("类型", kind), ("用人单位", "某公司"), ("开始日期", dt.datetime(2022, 3, 1)),
                             ("见习（实习）月数", 7)):
            ws.cell(row=row, column=at[title], value=value)
    wb.save(path)
    back = check_workbook(path, "placements", RULES)
    assert back.ok, [p.text() for p in back.problems]
    assert [(r.id_number, r.placement_type) for r in back.records] == [(person_id(0), "trainee"),
                                                                       (person_id(1), "intern")]


def test_a_masked_form_sent_back_says_where_its_numbers_came_from_and_how_to_export_them_whole(tmp_path):
    records = [arrival_record(i) for i in range(3)]
    back = check_workbook(annex_form(2, tmp_path / "m.xlsx", RULES, "甲", records=records), "arrivals", RULES)
    assert [p.message.code for p in back.problems] == ["excel.id_masked"] * 3
    text = back.problems[0].text()
    assert records[0].id_number[:6] + "********" + records[0].id_number[-4:] in text
    assert "从本程序导出的表格中照抄" in text and "--full-ids" in text and "“显示完整身份证号”" in text
    # the words it quotes are those of the export dialog and of the command line
    assert 'self.tr("显示完整身份证号")' in (ROOT / "ui" / "excel_export.py").read_text(encoding="utf-8")
    assert '"--full-ids"' in (ROOT / "cli" / "excel.py").read_text(encoding="utf-8")
    # a wrong number that merely holds a star is not taken for a masked one
    starred = arrival(0, 身份证号码="32050919950517*01X")
    other = write_workbook(tmp_path / "o.xlsx", {"花名册": arrivals_rows([starred])})
    assert [p.message.code for p in check_workbook(other, "arrivals", RULES).problems] == ["excel.id_characters"]


def test_annex_5_counts_per_base_with_a_total(tmp_path):
    bases = (base("铜仁劳务基地"), base("昭通劳务基地"))
    records = [arrival_record(1), arrival_record(2, insured_months=2), arrival_record(3, base="昭通劳务基地")]
    unit = match(RULES, [UnitSubmission("甲", records, (), [report(i) for i in (1, 2, 3)], bases=bases)]).unit("甲")
    ws = openpyxl.load_workbook(annex_form(5, tmp_path / "a5.xlsx", RULES, "甲", counts=unit.bases)).active
    header = header_row(ws, "序号")
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 7)] for r in range(header + 1, header + 4)]
    assert rows == [[1, "铜仁劳务基地", "劳务基地", 2, 1, 0.5], [2, "昭通劳务基地", "劳务基地", 1, 1, 1],
                    ["合计", None, None, 3, 2, pytest.approx(2 / 3)]]
    assert ws.cell(row=header + 1, column=6).number_format == "0.00%"


def test_an_unknown_annex(tmp_path):
    with pytest.raises(ValueError):
        annex_form(7, tmp_path / "x.xlsx", RULES, "甲")


# ------------------------------------------------------------------ the summary workbook

def test_the_summary_workbook(tmp_path):
    units = [make_unit("甲单位", bases=(base("铜仁劳务基地", people=80, retained=60),), evidence=evidence()),
             make_unit("乙单位", bases=(base("昭通劳务基地", people=55, retained=20),), evidence=evidence()),
             make_unit("丙/单位[三]", evidence=evidence())]
    result = score(*units)
    matched = match(RULES, [UnitSubmission("甲单位", [arrival_record(1), arrival_record(2)], (), [report(1)])])
    path = summary_workbook(RULES, result, matched.unconfirmed_by_unit(), tmp_path / "summary.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["考核汇总", "未确认-甲单位", "未确认-乙单位", "未确认-丙_单位_三_"]
    ws = wb["考核汇总"]
    assert "2022年度" in ws["A1"].value and ws["A1"].font.bold
    headers = [ws.cell(row=4, column=c).value or ws.cell(row=3, column=c).value  # merged down from row 3
               for c in range(1, ws.max_column + 1)]
    assert ws.cell(row=3, column=3).value == "一、年度指标完成情况"
    for clause in RULES.clauses:
        assert f"{clause.id} {clause.title}" in headers
    assert headers[:2] == ["排名", "运营单位"] and headers[-5:] == ["扣分", "总分", "状态", "等级", "备注"]
    rows = {ws.cell(row=r, column=2).value: r for r in range(5, 5 + len(units))}
    assert set(rows) == {u.name for u in units}
    for unit in result.units:
        r = rows[unit.name]
        assert ws.cell(row=r, column=1).value == unit.rank
        assert ws.cell(row=r, column=headers.index("总分") + 1).value == pytest.approx(float(unit.total))
        assert ws.cell(row=r, column=headers.index("等级") + 1).value == unit.grade
        assert ws.cell(row=r, column=headers.index("状态") + 1).value == render_status(unit.status)
        clause_col = headers.index(f"2.1 {RULES.clause('2.1').title}") + 1
        assert ws.cell(row=r, column=clause_col).value == pytest.approx(float(unit.clause("2.1").net))
        assert ws.cell(row=r, column=clause_col).border.left.style == "thin"
    assert ws.print_title_rows in ("3:4", "$3:$4") and int(ws.page_setup.paperSize) == 9
    assert "等级名额" in sheet_text(ws)

    people = wb["未确认-甲单位"]
    assert "甲单位" in people["A1"].value and "1 人" in people["A2"].value
    assert "只显示前6位和后4位" in people["A2"].value
    assert [people.cell(row=3, column=c).value for c in range(1, 9)] == [
        "序号", "姓名", "身份证号码", "类别", "基地名称", "用人单位", "所在位置", "未确认原因"]
    assert MASKED.match(people["C4"].value) and people["H4"].value == "不在该单位的每月送工信息中"
    assert people["G4"].value == "花名册 第 4 行"
    assert "无未确认人员" not in sheet_text(wb["未确认-乙单位"])  # no roster of 乙 matched: nothing confirmed
    assert "未导入该单位的花名册（附件2、附件4），无法逐人核对，此处不列人员；这不表示人员均已确认" \
        in sheet_text(wb["未确认-乙单位"])

    full = summary_workbook(RULES, result, matched.unconfirmed_by_unit(), tmp_path / "full.xlsx",
                            show_full_id_numbers=True)
    shown_whole = openpyxl.load_workbook(full)["未确认-甲单位"]
    assert shown_whole["C4"].value == arrival_record(2).id_number
    assert "完整显示" in shown_whole["A2"].value and "前6位" not in shown_whole["A2"].value  # says what it shows


def test_the_summary_tells_a_unit_with_nobody_unconfirmed_from_one_without_a_roster_and_lists_the_reported_only(
        tmp_path):
    units = [make_unit("甲单位", evidence=evidence()), make_unit("乙单位", evidence=evidence())]
    matched = match(RULES, [UnitSubmission("甲单位", [arrival_record(1)], (), [report(1), report(7), report(8),
                                                                           report(8, month=dt.date(2022, 4, 1))]),
                            UnitSubmission("乙单位", (), (), [report(9, employer="某公司", base="铜仁劳务基地")])])
    path = summary_workbook(RULES, score(*units), matched.unconfirmed_by_unit(), tmp_path / "summary.xlsx",
                            reported_only_by_unit=matched.reported_only_by_unit())
    wb = openpyxl.load_workbook(path)
    first, second = wb["未确认-甲单位"], wb["未确认-乙单位"]
    assert "无未确认人员" in sheet_text(first) and "未导入该单位的花名册" not in sheet_text(first)
    assert "未导入该单位的花名册" in sheet_text(second) and "无未确认人员" not in sheet_text(second)
    title = next(r for r in range(1, first.max_row + 1)
                 if "花名册中没有的人员" in str(first.cell(row=r, column=1).value))
    assert first.cell(row=title, column=1).value.startswith("每月送工信息中有、花名册中没有的人员 2 人")
    table = [[first.cell(row=r, column=c).value for c in range(1, 9)] for r in range(title + 1, title + 4)]
    assert table[0] == ["序号", "姓名", "身份证号码", "报送月份", "基地名称", "用人单位", "所在位置",
                        "其他单位的花名册"]
    assert [row[:2] + row[3:] for row in table[1:]] == [
        [1, "人员7", "2022年3月", None, None, "2022年3月 第 9 行", None],
        [2, "人员8", "2022年3月、2022年4月", None, None, "2022年3月 第 10 行等 2 行", None]]
    assert all(MASKED.match(row[2]) for row in table[1:])
    assert [second.cell(row=r, column=c).value for r in range(1, second.max_row + 1) for c in (2, 5, 6)
            if second.cell(row=r, column=2).value == "人员9"] == ["人员9", "铜仁劳务基地", "某公司"]
    full = openpyxl.load_workbook(summary_workbook(RULES, score(*units), matched.unconfirmed_by_unit(),
                                                   tmp_path / "full.xlsx", show_full_id_numbers=True,
                                                   reported_only_by_unit=matched.reported_only_by_unit()))
    assert person_id(7) in sheet_text(full["未确认-甲单位"]) and person_id(7) not in sheet_text(first)


def test_the_summary_counts_people_held_back_for_unseen_evidence(tmp_path):
    """Counts typed from paper have no list of people; held back for want of the district traineeship list
    check, they are unconfirmed all the same, and the unit's sheet says how many and why."""
    school = base("商丘职业技术学院政校合作基地", type="school", people=12, retained=8)
    unit = make_unit("丁单位", bases=(base("砀山劳务基地", people=58, retained=30), school),
                     evidence=evidence(except_={"2.1": ["district_list"]}))
    path = summary_workbook(RULES, score(unit), {}, tmp_path / "summary.xlsx")
    people = openpyxl.load_workbook(path)["未确认-丁单位"]
    text = sheet_text(people)
    assert people["A2"].value.startswith("共 12 人未确认")
    assert "政校合作基地输送的 12 人未确认：缺少与区人资中心核准的全区就业见习名单核对一致" in text
    assert "无未确认人员" not in text


def test_the_summary_counts_only_the_trainees_held_back_when_the_interns_are_told_apart(tmp_path):
    """A school base telling its 7 trainees from its 5 interns: without the district list the trainees are held
    back, the interns count; with 附件4 unseen too, both are, each counted once."""
    school = base("商丘职业技术学院政校合作基地", type="school", people=12, retained=8, trainees=7)
    unit = make_unit("丁单位", bases=(base("砀山劳务基地", people=58, retained=30), school),
                     evidence=evidence(except_={"2.1": ["district_list"]}))
    sheet = openpyxl.load_workbook(summary_workbook(RULES, score(unit), {}, tmp_path / "a.xlsx"))["未确认-丁单位"]
    text = sheet_text(sheet)
    assert sheet["A2"].value.startswith("共 7 人未确认")
    assert "政校合作基地的见习 7 人未确认：缺少与区人资中心核准的全区就业见习名单核对一致" in text
    assert "实习" not in text.replace("实习、见习", "")
    unit = make_unit("丁单位", bases=unit.bases, evidence=evidence(except_={"2.1": ["district_list", "annex4"]}))
    sheet = openpyxl.load_workbook(summary_workbook(RULES, score(unit), {}, tmp_path / "b.xlsx"))["未确认-丁单位"]
    text = sheet_text(sheet)
    assert sheet["A2"].value.startswith("共 12 人未确认")
    assert "政校合作基地的实习 5 人未确认：缺少附件4 促成进吴实习、见习学员花名册（用人单位盖章）" in text


def render_status(status):
    return render_code(f"status.{status}")


def render_code(code):
    from core.common.messages import Msg
    return render(Msg.of(code))


# ------------------------------------------------------------------ the catalogue

def test_every_message_code_of_the_excel_modules_is_in_the_catalogue():
    known = set(catalogue())
    used = set()
    for name in ("excel/read", "excel/check", "people/matching", "excel/write"):
        source = (ROOT / "core" / f"{name}.py").read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:Msg\.of|\bt)\(\s*"([a-z0-9_.]+)"', source))
    spec = import_spec()
    used |= {f"field.{f}" for f in spec.fields} | {f"kind.{k}" for k in spec.kinds}
    used |= {f"excel.type_{k}" for k in ("empty", "text", "html", "pdf", "word", "zip", "office", "unknown")}
    used |= {f"match.kind_{k}" for k in ("arrival", "trainee", "intern")}
    used |= {f"match.base_type_{k}" for k in RULES.base_types}
    used |= {f"annex.{n}.{part}" for n in range(1, 7) for part in ("title", "sheet")}
    used |= {"match.first_insured_out_of_period", "match.internship_out_of_period", "form.placement_trainee",
             "form.placement_intern"}
    assert sorted(used - known) == []


@pytest.mark.parametrize("annex", [2, 4])
def test_the_phone_column_is_text_so_a_long_number_or_a_landlines_0_stays_as_typed(tmp_path, annex):
    phones = ["13812345678", "051263001234", ""]
    made = arrival_record if annex == 2 else placement
    records = [made(i, phone=phone) for i, phone in enumerate(phones)]
    for given, name in ((records, "filled"), ((), "blank")):
        ws = openpyxl.load_workbook(annex_form(annex, tmp_path / f"a{annex}-{name}.xlsx", RULES, "甲",
                                               records=given)).active
        header = header_row(ws, "序号")
        headers = [ws.cell(row=header, column=c).value for c in range(1, ws.max_column + 1)]
        column = headers.index("联系电话") + 1
        cells = [ws.cell(row=header + 1 + i, column=column) for i in range(3)]
        assert all(c.number_format == "@" for c in cells), [c.number_format for c in cells]
        letter = openpyxl.utils.get_column_letter(column)
        assert ws.column_dimensions[letter].number_format == "@"  # the rows a clerk adds keep it
        if given:
            assert [c.value for c in cells] == ["13812345678", "051263001234", None]
            assert all(c.data_type == "s" for c in cells[:2])


def test_annex_6_takes_the_enterprise_contacts_phone_as_text(tmp_path):
    ws = openpyxl.load_workbook(annex_form(6, tmp_path / "a6.xlsx", RULES, "甲")).active
    row = next(r for r in range(1, 12) if ws.cell(row=r, column=1).value == "企业联系人及电话")
    assert ws.cell(row=row, column=3).number_format == "@"


@pytest.mark.parametrize("annex, make, kind", [(2, arrival_record, "arrivals"), (4, placement, "placements")])
def test_the_rosters_remarks_go_into_the_forms_备注_and_read_back(tmp_path, annex, make, kind):
    """附件2 and 附件4 carry each person's 备注 as the unit's roster wrote it; an ID number written in a
    remark is masked as the ID column is, unless the full numbers are asked for."""
    import dataclasses
    someone = person_id(77)
    remarks = ["已离职，待补离职证明", "", f"与 {someone} 同一基地"]
    records = [dataclasses.replace(make(i + 1), remarks=text) for i, text in enumerate(remarks)]
    masked = openpyxl.load_workbook(annex_form(annex, tmp_path / "m.xlsx", RULES, "甲", records=records)).active
    header = header_row(masked, "序号")
    column = column_of(masked, header, "备注")
    shown = [masked[f"{column}{header + 1 + i}"].value for i in range(3)]
    assert shown == ["已离职，待补离职证明", None, f"与 {someone[:6]}********{someone[-4:]} 同一基地"]
    whole = annex_form(annex, tmp_path / "w.xlsx", RULES, "甲", records=records, show_full_id_numbers=True)
    back = check_workbook(whole, kind, RULES)
    assert back.ok, [p.text() for p in back.problems]
    assert [r.remarks for r in back.records] == remarks


def test_a_row_is_as_tall_as_its_longest_wrapped_text(tmp_path):
    """Excel and WPS keep a row at the height the file sets: a roster's long 备注 or a long employer's name in a
    row of one line's height shows only its first line. Each record row is set tall enough for its texts."""
    import dataclasses

    from core.excel.write import LINE_HEIGHT, ROW_HEIGHT, text_lines
    remark = "转正后换岗（见补充说明），2022年12月起在吴江分公司"
    remarks = ["", remark, "离职\n待补证明\n已电话核实"]
    records = [dataclasses.replace(arrival_record(i + 1), remarks=text) for i, text in enumerate(remarks)]
    ws = openpyxl.load_workbook(annex_form(2, tmp_path / "a2.xlsx", RULES, "甲", records=records)).active
    header = header_row(ws, "序号")
    heights = [ws.row_dimensions[header + 1 + i].height for i in range(3)]
    assert heights[0] == ROW_HEIGHT
    width = ws.column_dimensions[column_of(ws, header, "备注")].width
    assert text_lines(remark, width) >= 4  # 26 Chinese characters, about five to a line of a 12-wide column
    assert heights[1] == ROW_HEIGHT + (text_lines(remark, width) - 1) * LINE_HEIGHT
    assert heights[2] == ROW_HEIGHT + 2 * LINE_HEIGHT  # three written lines
    assert text_lines("12345", 12) == 1 and text_lines("", 12) == 1
