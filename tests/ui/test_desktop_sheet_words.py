"""The desktop and the printed 考核评分表 say the same thing (pytest-qt, offscreen, the demo year): a clause's 满分 in
the 单位概览 and in the sheet's 满分 column, and a clause's 计分过程 on its page and in the sheet's 计分说明, read
back from the real PDF with pdftotext."""

from __future__ import annotations

import html
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.pdf.export import Exporter  # noqa: E402
from tests.core.pdf.test_pdf import render_pages  # noqa: E402
from tests.ui.test_desktop import shot  # noqa: E402


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    text: str


def printed_words(pdf: Path) -> list[Word]:
    out = subprocess.run(["pdftotext", "-nodiag", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                         text=True, encoding="utf-8").stdout
    return [Word(page, float(x0), float(y0), float(x1), html.unescape(text))
            for page, body in enumerate(re.findall(r"<page [^>]*>(.*?)</page>", out, re.S), 1)
            for x0, y0, x1, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>'
                                                r'([^<]*)</word>', body)]


def full_marks_printed(pdf: Path, title: str) -> str:
    """What the sheet prints in the 满分 column on the row of the clause titled `title`."""
    words = printed_words(pdf)
    head = next(w for w in words if w.text == "满分")
    row = next(w for w in words if w.text == title)
    cell = [w for w in words if w.page == row.page and abs(w.y0 - row.y0) < 3 and head.x0 - 12 < w.x0 < head.x1 + 4]
    return " ".join(w.text for w in cell)


def click_unit(qtbot, window, name: str) -> None:
    """A click on the unit's row in the unit list."""
    ws = window.workspace
    uid = next(uid for uid in window.session.unit_ids if window.session.unit(uid).name == name)
    index = ws.unit_proxy.mapFromSource(ws.unit_model.index(ws.unit_model.row_of(uid)))
    ws.unit_list.scrollTo(index)
    qtbot.mouseClick(ws.unit_list.viewport(), Qt.MouseButton.LeftButton, pos=ws.unit_list.visualRect(index).center())
    assert ws.unit_id == uid


def click_tab(qtbot, tabs, text: str) -> None:
    bar = tabs.tabBar()
    at = next(i for i in range(tabs.count()) if tabs.tabText(i) == text)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(at).center())
    assert tabs.currentIndex() == at


@pytest.fixture
def demo(window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    return window


def test_a_bonus_only_clause_has_no_full_marks_on_the_screen_nor_on_the_sheet(qtbot, demo, tmp_path):
    """3.2 scores only as a bonus (平台综合评分加分, up to 10): the 单位概览 showed its 满分 as 0 where the sheet
    printed —; both show — now, and the clauses with full marks their points."""
    window, unit = demo, "苏州松陵众信人力资源有限公司"
    click_unit(qtbot, window, unit)
    click_tab(qtbot, window.workspace.tabs, "单位概览")
    overview = window.workspace.overview
    model = overview.view.model()
    assert model.headerData(2, Qt.Orientation.Horizontal) == "满分"
    shown = {model.index(r, 0).data(): model.index(r, 2).data() for r in range(model.rowCount())}
    assert shown["3.2"] == "—" and shown["2.1"] == "25" and shown["3.1"] == "20"
    QApplication.processEvents()
    shot(window, "sheet-words-overview")

    done, problems = Exporter(window.session.ds).sheet(unit)
    assert done is not None and not problems
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(done.pdf)
    assert full_marks_printed(pdf, "平台综合评分加分") == shown["3.2"]
    assert full_marks_printed(pdf, "进吴人员稳定情况") == shown["2.2"] == "15"
    render_pages(pdf, "sheet-words")


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-nodiag", "-raw", str(pdf), "-"], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("unit, page_id, said", [
    # the ranking's formula, with its minus signs: the sheet printed 25 - 1.5 × (2 - 1) with hyphens
    ("苏州松陵众信人力资源有限公司", "2.1",
     "在 11 家达标单位中排第 2 名：25 \u2212 1.5 × (2 \u2212 1)，最低 5，得 23.5 分"),
    # a trip's evidence not seen: both said …人力资源市场 的赴外招聘备案表
    ("苏州八坼新程人力资源有限公司", "1.2", "缺少依据：2022-08-13 贵州省黔东南州凯里市人力资源市场的赴外招聘备案表"),
])
def test_the_clause_page_and_the_sheet_explain_a_clause_in_the_same_words(qtbot, window, tmp_path, unit, page_id,
                                                                          said):
    from tests.ui.test_desktop_clause_words import explanation, open_unit_page
    page, _ = open_unit_page(qtbot, window, tmp_path, unit, page_id)
    on_screen = explanation(page)
    assert said in on_screen, on_screen
    shot(window, f"sheet-words-clause-{page_id}")

    done, problems = Exporter(window.session.ds).sheet(unit)
    assert done is not None and not problems
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(done.pdf)
    printed = pdf_text(pdf)
    assert flat(said) in flat(printed), printed  # as on the screen, the line breaks aside
    if "\u2212" in said:
        assert "-" not in re.sub(r"\d{4}-\d{2}-\d{2}", "", printed.split("计分说明")[1].split("一至四项合计")[0])
        render_pages(pdf, "sheet-words-minus")
