"""Chinese line breaking in the printed documents (core/pdf/kinsoku.py): no printed line starts with closing
punctuation or ends with opening punctuation, read back from real PDFs with pdftotext."""

import ast
import dataclasses
import html
import re
import subprocess
from pathlib import Path

import pytest

from core.pdf.annex import annex_pdf
from core.pdf.export import Exporter
from core.pdf.fonts import cjk_fonts
from core.pdf.kinsoku import line_ends
from core.scoring.rules import load_rule_set
from core.store.dataset import Dataset
from tests.core.pdf.test_pdf import demo_dataset, render_pages
from tests.core.people.test_matching import arrival_record, placement
from tests.dataset_support import ROOT

RULES = load_rule_set()
# the marks GB/T 15834 keeps off the start and the end of a line (written out here, apart from the code)
CLOSING = set("，。、；：！？）》」』】〕…%％”’,.;:!?)")
OPENING = set("（《「『【〔“‘(")


@pytest.fixture(scope="module")
def fonts():
    found, problems = cjk_fonts()
    assert found is not None, problems
    return found


@dataclasses.dataclass(frozen=True)
class Line:
    page: int
    x: float  # left
    y: float  # top
    text: str


def printed_lines(pdf: Path) -> list[Line]:
    """Every printed line as pdftotext finds it, page by page; the diagonal 暂定 watermark is left out."""
    out = subprocess.run(["pdftotext", "-nodiag", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True,
                         text=True, encoding="utf-8").stdout
    return [Line(page, float(x), float(y), " ".join(html.unescape(w) for w in re.findall(r"<word [^>]*>([^<]*)</word>",
                                                                                          words)))
            for page, body in enumerate(re.findall(r"<page [^>]*>(.*?)</page>", out, re.S), 1)
            for x, y, words in re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', body, re.S)]


def badly_broken(lines: list[Line]) -> list[str]:
    """The lines that start with closing punctuation or end with opening punctuation."""
    texts = [line.text.strip() for line in lines]
    return [text for text in texts if text and (text[0] in CLOSING or text[-1] in OPENING)]


def cell(lines: list[Line], text: str) -> list[Line]:
    """The printed lines of a left-aligned paragraph that holds exactly `text`: one below the other, each
    starting where the first one does."""
    def flat(s: str) -> str:
        return "".join(s.split())
    for first in lines:
        found = [first]
        while flat(text).startswith(flat("".join(f.text for f in found))) and len(found) < 20:
            if flat("".join(f.text for f in found)) == flat(text):
                return found
            below = [f for f in lines if f.page == first.page and abs(f.x - first.x) < 0.5
                     and 0 < f.y - found[-1].y < 20]
            if not below:
                break
            found.append(min(below, key=lambda f: f.y))
    raise AssertionError(f"{text} is not printed as one paragraph")


def test_the_roster_remark_that_broke_badly_keeps_its_punctuation_with_its_words(tmp_path, fonts):
    remark = "转正后换岗（见补充说明），2022年12月起在吴江分公司"
    built = annex_pdf(2, RULES, "吴江人力资源服务有限公司", fonts=fonts, year=2022,
                      records=[arrival_record(1, remarks=remark)])
    path = tmp_path / "roster.pdf"
    path.write_bytes(built.pdf)
    lines = [line.text for line in cell(printed_lines(path), remark)]
    # it printed 转正后换岗（ / 见补充说明） / ，2022年12 / …; now the brackets go to the next line with a character,
    # and the year with its 年
    assert lines[:4] == ["转正后换岗", "（见补充说", "明），", "2022年12月"], lines
    assert "".join(lines) == remark  # the same text, broken elsewhere
    render_pages(path, "test-kinsoku-roster")


REMARKS = [
    "试用期满，已转正；社保：吴江，公积金：苏州（园区），待核。",
    "因家庭原因（父母在外地）离职，于2023年1月返回，已重新入职（原岗位）。",
    "已离职，待补证明，原单位已盖章，社保已转出，公积金未转，档案在人才中心，下月复核，如有变动另行报送。",
    "《劳动合同》已续签（三年），见“补充说明”第2条；原件存档。",
]
EMPLOYERS = [
    "苏州工业园区（吴江）精密机械（集团）有限公司（第二分公司）",
    "吴江经济技术开发区（同里镇）“乐业”人力资源服务（苏州）有限公司",
    "中国石化销售股份有限公司江苏苏州吴江石油分公司（盛泽加油站）",
    "苏州市吴江区盛泽镇〔2022〕年度“先进”纺织（丝绸）有限责任公司",
]


@pytest.mark.parametrize("annex, make", [(2, arrival_record), (4, placement)])
def test_no_roster_cell_starts_a_line_with_closing_or_ends_one_with_opening_punctuation(tmp_path, fonts, annex,
                                                                                        make):
    """Remarks full of commas and brackets in the narrow 备注 column, long employers' names with brackets."""
    records = [dataclasses.replace(make(i + 1), remarks=remark, employer=employer)
               for i, (remark, employer) in enumerate(zip(REMARKS, EMPLOYERS, strict=True))]
    built = annex_pdf(annex, RULES, "吴江人力资源服务有限公司", fonts=fonts, year=2022, records=records)
    path = tmp_path / f"annex{annex}.pdf"
    path.write_bytes(built.pdf)
    printed = printed_lines(path)
    for text in REMARKS + EMPLOYERS:
        lines = cell(printed, text)
        assert len(lines) > 1 and not badly_broken(lines), lines  # they wrap, and wrap well
    assert not badly_broken(printed)
    render_pages(path, f"test-kinsoku-annex{annex}")


@pytest.mark.parametrize("kind", ["sheet", "record", "summary"])
def test_score_sheets_records_and_the_summary_break_their_explanations_well(tmp_path, kind):
    """The demo year's documents: the 计分说明 of a score sheet printed '，最低5，得13分' and '：“以下”包括本数）'
    at the start of a line, the record '…实习4人）（' at the end of one."""
    with Dataset.open(demo_dataset(tmp_path), read_only=True) as ds:
        exporter = Exporter(ds)
        units = [u.name for u in ds.year().units]
        made = getattr(exporter, kind)
        built = [exporter.summary()] if kind == "summary" else [made(u) for u in (units[0], units[3])]
    for i, (done, problems) in enumerate(built):
        assert done is not None and not problems
        path = tmp_path / f"{kind}{i}.pdf"
        path.write_bytes(done.pdf)
        lines = printed_lines(path)
        assert len(lines) > 50 and not badly_broken(lines), badly_broken(lines)
        render_pages(path, f"test-kinsoku-{kind}{i}")


# ------------------------------------------------------------------ the rule itself

def lines_of(text: str, width: float, wide: float = 1.0) -> list[str]:
    """`text` broken into lines `width` wide: Chinese characters 1 wide, Latin ones 0.5."""
    widths = [wide if ord(ch) >= 0x2E80 else 0.5 for ch in text]
    ends = line_ends(text, widths, [width])
    return [text[a:b] for a, b in zip([0, *ends], ends, strict=False)]


def test_a_break_moves_back_so_punctuation_stays_with_its_words():
    assert lines_of("转正后换岗（见补充说明），2022年12月起在吴江分公司", 6) == [
        "转正后换岗", "（见补充说", "明），2022年", "12月起在吴江", "分公司"]
    assert lines_of("甲乙丙丁。戊", 4) == ["甲乙丙", "丁。戊"]  # a full line: the stop goes down with 丁
    assert lines_of("甲乙丙丁。戊", 4.5) == ["甲乙丙丁。", "戊"]  # its inked half fits: it ends the line half-width
    assert lines_of("甲乙丙丁），戊", 4.5) == ["甲乙丙", "丁），戊"]  # two closing marks: both go down
    assert lines_of("甲乙丙“丁戊”", 4) == ["甲乙丙", "“丁戊”"]
    assert lines_of("甲乙丙……丁", 3) == ["甲乙", "丙……丁"]  # 省略号 whole, and never first
    assert lines_of("（（（（（（", 3) == ["（（（", "（（（"]  # nowhere allowed: cut where the line is full


def test_latin_words_and_numbers_stay_whole_when_they_fit():
    assert lines_of("离职，于2023年1月返回", 4.5) == ["离职，于", "2023年1月", "返回"]
    assert lines_of("编号ABCDEFGHIJKL", 3) == ["编号", "ABCDEF", "GHIJKL"]  # longer than a line: cut
    assert lines_of("得分 15 - 1 × (8 - 1)，最低 5", 5) == ["得分 15 - ", "1 × (8 - ", "1)，最低 5"]  # at spaces
    assert lines_of("丙甲\u00a0乙", 2.5) == ["丙", "甲\u00a0乙"]  # a no-break space holds both sides


def test_a_written_line_break_ends_its_line():
    assert lines_of("甲乙\n丙丁戊己", 3) == ["甲乙\n", "丙丁戊", "己"]


def test_every_paragraph_the_pdfs_print_breaks_its_lines_by_the_rule():
    """core/pdf builds its paragraphs with ChineseParagraph (through layout.p), never reportlab's own."""
    for path in sorted((ROOT / "core" / "pdf").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    for alias in node.names}
        if path.name != "kinsoku.py":
            assert not {name for module, name in imported if (module or "").startswith("reportlab")
                        and name in ("Paragraph", "XPreformatted", "Preformatted")}, path.name


def split_from_their_units(lines: list[Line]) -> list[tuple[str, str]]:
    """Pairs of a line that ends with a number and the line printed under it that starts with a unit."""
    units = set("人个家次分元月年%％")
    split = []
    for line in lines:
        if not line.text.strip() or not line.text.strip()[-1].isdigit():
            continue
        below = [f for f in lines if f.page == line.page and abs(f.x - line.x) < 0.5 and 0 < f.y - line.y < 20]
        if below and (nxt := min(below, key=lambda f: f.y).text.strip()) and nxt[0] in units:
            split.append((line.text, nxt))
    return split


def test_a_number_and_its_unit_are_printed_on_one_line(tmp_path):
    """The demo year's score sheets printed '…须不低于 50' above '人：达到门槛…' and '…× 0.08' above '分，得 3 分';
    and '…得 5 分；… 15' above '- 1 × (11 - 1)，最低 5…'."""
    with Dataset.open(demo_dataset(tmp_path), read_only=True) as ds:
        exporter = Exporter(ds)
        built = [exporter.sheet(u.name) for u in ds.year().units]
    checked = 0
    for i, (done, problems) in enumerate(built):
        assert done is not None and not problems
        path = tmp_path / f"sheet{i}.pdf"
        path.write_bytes(done.pdf)
        lines = printed_lines(path)
        assert not split_from_their_units(lines), split_from_their_units(lines)
        # and a formula's sign ends its line (the sheet printed a line starting '− 1)，最低 5，得 14.5 分')
        assert not [line.text for line in lines if line.text.strip()[:1] in "\u2212×÷=+-"]
        checked += sum(1 for line in lines if re.search(r"\d ?[人家分]", line.text))
    assert checked > 100  # numbers with units were printed (and none of them apart)
    render_pages(tmp_path / "sheet8.pdf", "test-kinsoku-units")


def test_a_number_keeps_the_unit_written_after_it():
    assert lines_of("须不低于 50 人：达到门槛", 5) == ["须不低于 ", "50 人：达", "到门槛"]
    assert lines_of("差 0 个百分点 × 0.08 分，得 3 分", 6.5) == ["差 0 个百分", "点 × 0.08 分，", "得 3 分"]
    assert lines_of("于2023年1月返回", 3.5) == ["于", "2023年", "1月返回"]
    assert lines_of("共 13 家单位", 2.5) == ["共 ", "13 家", "单位"]
    assert lines_of("甲 12 分乙", 1.5) == ["甲 ", "12 ", "分", "乙"]  # a line too narrow for both: cut


def test_a_formula_breaks_after_its_signs():
    """The sheet printed 排第 8 名：25 − 1.5 × (8 / − 1)：a line started with the minus sign (and could with ×)."""
    formula = "名：25 \u2212 1.5 × (8 \u2212 1)，最低 5"
    assert lines_of(formula, 4) == ["名：25 \u2212 ", "1.5 × ", "(8 \u2212 1)，", "最低 5"]
    assert lines_of(formula, 6) == ["名：25 \u2212 ", "1.5 × (8 \u2212 ", "1)，最低 5"]
    assert lines_of("比例 × 人数", 2) == ["比", "例 × ", "人数"]
    assert lines_of("参保 78 人 + 见习", 4) == ["参保 ", "78 人 + ", "见习"]
