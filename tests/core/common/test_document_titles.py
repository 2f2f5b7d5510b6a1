"""What a document the program wrote says it is (core/common/document_titles.py): an annex form's workbook and
its PDF name the same form, unit and year; any other file says nothing, whatever it holds."""

from pathlib import Path

from core.common.document_titles import read_title
from core.excel.annex_forms import annex_title
from core.excel.write import annex_form, summary_title, summary_workbook
from core.pdf.annex import annex_pdf
from core.pdf.fonts import cjk_fonts
from core.scoring.engine import score_year
from core.scoring.rules import load_rule_set
from tests.builders import make_unit, make_year

RULES = load_rule_set()
UNIT = "吴江<甲>&乙人力资源有限公司"  # written as XML in the workbook: read back as typed


def test_an_annex_forms_workbook_and_pdf_name_the_form_the_unit_and_the_year(tmp_path: Path):
    book = annex_form(2, tmp_path / "附件2.xlsx", RULES, UNIT, year=2022)
    assert read_title(book) == annex_title(2, UNIT, 2022) == f"附件2 人员花名册 {UNIT} 2022"
    fonts, problems = cjk_fonts()
    assert fonts is not None, problems
    pdf = tmp_path / "附件2.pdf"
    pdf.write_bytes(annex_pdf(2, RULES, UNIT, fonts=fonts, year=2022).pdf)
    assert read_title(pdf) == annex_title(2, UNIT, 2022)


def test_the_summary_workbook_names_the_year(tmp_path: Path):
    year = make_year(make_unit("甲"), make_unit("乙"))
    path = summary_workbook(RULES, score_year(RULES, year), {}, tmp_path / "汇总.xlsx")
    assert read_title(path) == summary_title(year.year) == f"考核汇总 {year.year}"


def test_any_other_file_says_nothing(tmp_path: Path):
    cases = {"空.xlsx": b"", "乱码.xlsx": b"PK\x03\x04garbage", "文本.pdf": b"%PDF-1.4 not really", "表.csv": b"a,b"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        assert read_title(tmp_path / name) is None, name
    assert read_title(tmp_path / "不存在.xlsx") is None
    (tmp_path / "文件夹.pdf").mkdir()
    assert read_title(tmp_path / "文件夹.pdf") is None
