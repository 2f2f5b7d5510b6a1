"""The annex forms as printable PDF pages (core/pdf/annex.py): rendered with pdftoppm and read back
with pdftotext, beside the Excel forms made from the same definition."""

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from core.excel.write import annex_form
from core.pdf.annex import annex_pdf
from core.pdf.fonts import cjk_fonts
from core.people.matching import BaseCount
from core.scoring.rules import load_rule_set
from tests.core.excel.test_xlsx_write import TITLES
from tests.core.pdf.test_pdf import ink, render_pages
from tests.core.people.test_matching import arrival_record

RULES = load_rule_set()
UNIT = "吴江人力资源服务有限公司"


@pytest.fixture(scope="module")
def fonts():
    found, problems = cjk_fonts()
    assert found is not None, problems
    return found


def write(tmp_path: Path, name: str, pdf: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def pdf_text(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-layout", *args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def page_sizes(path: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


@pytest.mark.parametrize("annex", [1, 2, 3, 4, 5, 6])
def test_every_annex_prints_as_its_official_form(tmp_path, fonts, annex):
    built = annex_pdf(annex, RULES, UNIT, fonts=fonts, year=2022)
    path = write(tmp_path, f"annex{annex}.pdf", built.pdf)
    text = pdf_text(path)
    flat = re.sub(r"\s+", "", text)
    assert flat.startswith(f"附件{annex}")
    assert f"“乐业吴江”就业协作联盟{TITLES[annex]}" in flat
    assert f"运营单位（盖章）：{UNIT}" in flat and "考核年度：2022年" in flat
    assert "序号" in flat and "第1页共1页" in flat and "{" not in text
    assert "盖章" in flat.split("序号", 1)[1]  # the stamp line below the table
    # the date to write in is never cut between its 年, 月 and 日 (it was on annex 5: 日期：__ / 年 __ 月 __ 日)
    dates = [line for line in text.splitlines() if "日期：" in line]
    assert dates and all(re.search(r"日期：\s+年\s+月\s+日\s*$", line) for line in dates), dates
    # the Excel form of the same annex has the same headers, in the same order
    ws = openpyxl.load_workbook(annex_form(annex, tmp_path / f"a{annex}.xlsx", RULES, UNIT, year=2022)).active
    header = next(r for r in range(1, 12) if ws.cell(row=r, column=1).value == "序号")
    headers = [str(c.value) for c in ws[header] if c.value]
    drawn = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True,
                                              capture_output=True, text=True).stdout)  # in the order drawn
    assert re.search(".*".join(map(re.escape, headers)), drawn), headers
    (width, height), = page_sizes(path)
    assert (round(width), round(height)) == ((842, 595) if annex in (2, 4) else (595, 842))  # A4, rosters landscape
    png, = render_pages(path, f"annex{annex}")
    assert ink(png) > 0.01


def test_a_long_roster_repeats_its_header_masks_ids_and_counts_its_pages(tmp_path, fonts):
    records = [arrival_record(i) for i in range(60)]
    built = annex_pdf(2, RULES, UNIT, fonts=fonts, year=2022, records=records)
    path = write(tmp_path, "roster.pdf", built.pdf)
    assert built.pages >= 3 and len(page_sizes(path)) == built.pages
    for page in range(1, built.pages + 1):
        text = pdf_text(path, "-f", str(page), "-l", str(page))
        assert "身份证号码" in text and f"第{page}页共{built.pages}页" in re.sub(r"\s+", "", text)
    everything = pdf_text(path)
    assert records[0].id_number not in everything
    assert records[0].id_number[:6] + "********" + records[0].id_number[-4:] in everything
    assert any(line.split()[:2] == ["60", records[59].name] for line in everything.splitlines())
    full = annex_pdf(2, RULES, UNIT, fonts=fonts, records=records, show_full_id_numbers=True)
    assert records[0].id_number in pdf_text(write(tmp_path, "full.pdf", full.pdf))


def test_annex_5_lists_the_counts_with_their_total(tmp_path, fonts):
    counts = [BaseCount("贵州思南劳务协作基地", "labour", 62, 32), BaseCount("", "labour", 38, 18)]
    path = write(tmp_path, "a5.pdf", annex_pdf(5, RULES, UNIT, fonts=fonts, counts=counts).pdf)
    lines = [" ".join(line.split()) for line in pdf_text(path).splitlines()]
    assert any(line.startswith("1 贵州思南劳务协作基地 劳务基地 62 32 51.61%") for line in lines), lines
    assert any("（未注明基地）" in line and "47.37%" in line for line in lines)
    assert any(line.startswith("合计 100 50 50.00%") for line in lines), lines


def test_annex_6_offers_the_rule_sets_verdicts_to_tick(tmp_path, fonts):
    path = write(tmp_path, "a6.pdf", annex_pdf(6, RULES, UNIT, fonts=fonts).pdf)
    lines = [" ".join(line.split()) for line in pdf_text(path).splitlines()]
    assert "序号 评价项目 " + " ".join(RULES.evaluation_verdicts) in lines
    assert any(line.startswith("6 总体评价") and line.count("□") == len(RULES.evaluation_verdicts) for line in lines)


def test_why_a_form_comes_out_blank_is_one_reason_for_export_and_print():
    """core.excel.annex_forms.blank_reason: the words the Excel export and 打印 both show."""
    from core.common.messages import render
    from core.excel.annex_forms import blank_reason
    from core.people.matching import UnitSubmission, match
    from tests.builders import base, make_unit
    from tests.core.people.test_matching import report
    unit = make_unit("甲", bases=(base("甘肃通渭劳务协作基地", people=3),))
    assert render(blank_reason(2, unit, None)) == "该单位尚未导入花名册，表中没有可列出的人员"
    assert render(blank_reason(4, unit, None)) == "该单位尚未导入花名册，表中没有可列出的人员"
    assert render(blank_reason(3, unit, None)) == "该单位没有政校合作基地"
    assert blank_reason(5, unit, None) is None  # the counts per base
    assert render(blank_reason(5, make_unit("乙"), None)) == "该单位没有登记任何基地"
    assert blank_reason(1, unit, None) is None and blank_reason(6, unit, None) is None  # filled in by hand
    # three on the roster, none in the monthly reports: nobody confirmed, and the form says how many
    nobody = match(RULES, [UnitSubmission("甲", [arrival_record(i) for i in range(3)], (), [])]).unit("甲")
    assert render(blank_reason(2, unit, nobody)) == \
        "该单位导入的花名册中 3 人均未核对确认（原因见“人员核对”），表中不列出"
    assert render(blank_reason(4, unit, nobody)) == "该单位导入的花名册中没有本表所列类别的人员"  # no trainees on it
    one = match(RULES, [UnitSubmission("甲", [arrival_record(1)], (), [report(1)])]).unit("甲")
    assert blank_reason(2, unit, one) is None


@pytest.mark.parametrize("annex", [1, 2, 3, 4, 5])
def test_every_ruled_row_of_a_blank_form_is_whole_on_its_page_above_the_footer(tmp_path, fonts, annex):
    """Read back with pdftotext -bbox-layout: each of the 15 row numbers inside the page's margins and
    above 第 1 页 共 1 页 (a long unit name wraps its line and pushes the table down)."""
    import html
    long_name = "苏州市吴江区震泽镇聚才人力资源服务有限公司第二分公司（劳务派遣与职业介绍）"
    path = write(tmp_path, f"blank{annex}.pdf", annex_pdf(annex, RULES, long_name, fonts=fonts, year=2022).pdf)
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True,
                            text=True).stdout
    assert layout.count("<page ") == 1  # the blank form is one sheet of paper
    width, height = map(float, re.search(r'<page width="([\d.]+)" height="([\d.]+)"', layout).groups())
    words = [(float(x0), float(y0), float(x1), float(y1), html.unescape(text)) for x0, y0, x1, y1, text in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                        layout)]
    footer = min(y0 for x0, y0, x1, y1, text in words if text == "第")
    numbers = {text: (x0, y0, x1, y1) for x0, y0, x1, y1, text in words if text.isdigit() and x0 < 80}
    assert sorted(numbers, key=int) == [str(n) for n in range(1, 16)], sorted(numbers)
    for text, (x0, y0, x1, y1) in numbers.items():
        assert x0 >= 13 * 72 / 25.4 - 1 and x1 <= width and y0 >= 15 * 72 / 25.4, text  # the margins
        assert y1 <= height - 16 * 72 / 25.4 and y1 < footer, (text, y1, footer)
