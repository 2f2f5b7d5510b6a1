"""The six annex forms (附件1–6) as printable PDF pages, built with the same reportlab layer as the
score sheets (core/pdf/sheets.py): A4, the rosters (附件2, 附件4) landscape, the others portrait.

Each form reads like its Excel version (core/excel/write.py) from the same definition
(core/excel/annex_forms.py): 附件N, the title, the unit and the year, the table with its header row
repeated on every page (the people, the school bases, the counts per base with their 合计, or ruled rows
to fill in by hand), the confirmation and signature/stamp lines, and 第 X 页 共 Y 页 at the foot of every page.
Blank rows are tall enough to write in. ID numbers are masked unless the caller asks otherwise.

    built = annex_pdf(2, rules, "苏州…有限公司", year=2022, records=people, fonts=fonts)
    Path("附件2.pdf").write_bytes(built.pdf)
"""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import partial
from typing import Any, Sequence

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer, Table

from core.excel.annex_forms import (
    ANNEX6_INFO,
    ANNEX6_ITEMS,
    LANDSCAPE,
    RECORD_FORMS,
    SEQ,
    annex_title,
    closing_lines,
    columns,
    count_totals,
    row_values,
)
from core.pdf.fonts import Fonts
from core.pdf.layout import PROGRAM, SHADE, Built, PagedCanvas, grid_style, p, plain, styles, t
from core.people.matching import BaseCount
from core.scoring.rules import RuleSet

MARGIN_X = 13 * mm  # as the Excel forms' print setup (0.5 inch), so both print alike
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 16 * mm  # room for 第 X 页 共 Y 页
BLANK_ROW = 7.5 * mm  # a ruled row to write in: 15 of them leave room on landscape A4 for a unit name on two lines


def page_size(annex: int) -> tuple[float, float]:
    return landscape(A4) if annex in LANDSCAPE else A4


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2%}"  # the only fraction of a form: 附件5's 稳定比例
    return str(value)


def annex_pdf(annex: int, rules: RuleSet, unit: str, *, fonts: Fonts, year: int | None = None,
              records: Sequence[Any] = (), counts: Sequence[BaseCount] = (), show_full_id_numbers: bool = False,
              blank_rows: int = 15) -> Built:
    """Form `annex` (1–6) of `unit` (records and counts as core.excel.write.annex_form takes them)."""
    if annex not in range(1, 7):
        raise ValueError(f"there is no annex {annex}; the rules have annexes 1–6")
    s = styles(fonts)
    size = page_size(annex)
    width = size[0] - 2 * MARGIN_X
    label = ParagraphStyle("annex_label", fontName=fonts.heading, fontSize=12, leading=15)
    title = ParagraphStyle("annex_title", fontName=fonts.heading, fontSize=16, leading=21, alignment=TA_CENTER,
                           spaceBefore=2, spaceAfter=6, wordWrap="CJK")
    line = ParagraphStyle("annex_line", fontName=fonts.body, fontSize=10.5, leading=14, wordWrap="CJK")
    line_right = ParagraphStyle("annex_line_right", parent=line, alignment=TA_RIGHT)
    story: list = [p(t("annex.label", number=annex), label), p(t(f"annex.{annex}.title"), title),
                   Table([[p(t("form.unit_line", unit=unit or ""), line),
                           p(t("form.year_line", year=year or rules.year), line_right)]],
                         colWidths=[width * 0.62, width * 0.38],
                         style=[("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]),
                   Spacer(1, 2 * mm)]
    if annex == 6:
        story.append(_evaluation_grid(rules, s, width))
    else:
        story.append(_records_table(annex, rules, s, width, list(records) if annex in RECORD_FORMS else [],
                                    list(counts) if annex == 5 else [], show_full_id_numbers, blank_rows))
    story.append(Spacer(1, 4 * mm))
    for n, text in enumerate(closing_lines(annex, rules, year)):
        # a space between the lines only: one after the last that no longer fit made an empty second page
        story += ([Spacer(1, 2 * mm)] if n else []) + [FormLine(text, fonts.body, 10.5)]

    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=size, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                          bottomMargin=MARGIN_BOTTOM, title=annex_title(annex, unit, year or rules.year),
                          subject=unit, creator=PROGRAM)
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, width, size[1] - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("form", frames=[frame], pagesize=size)])
    doc.build(story, canvasmaker=partial(PagedCanvas, page=None, fonts=fonts,
                                         footer=partial(_page_number, fonts=fonts, size=size)))
    return Built(out.getvalue(), doc.page)


DATE_PARTS = frozenset({"年", "月", "日"})


class FormLine(Flowable):
    """A closing line such as '经办人（签字）：　　　　联系电话：　　　　': each run of blanks (U+3000) is a
    line to write on, as wide as the blanks; the line wraps between its fields, never inside one."""

    def __init__(self, text: str, font: str, size: float):
        super().__init__()
        self.font, self.size = font, size
        self.gap = size * 0.5  # after a line to write on, before the next label
        parts = re.split(r"(\u3000+)", plain(text))
        # (label, blank width) pairs; a label may be empty (the form starts with blanks)
        self.fields = [(parts[i], len(parts[i + 1]) * size if i + 1 < len(parts) else 0.0)
                       for i in range(0, len(parts), 2) if parts[i] or i + 1 < len(parts)]
        self.lines: list[list[tuple[str, float]]] = []

    def _width(self, field: tuple[str, float]) -> float:
        return stringWidth(field[0], self.font, self.size) + field[1] + (self.gap if field[1] else 0)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        groups: list[list[tuple[str, float]]] = []  # a date's 年, 月 and 日 stay with it: 日期：　年　月　日
        for field in self.fields:
            if groups and field[0] in DATE_PARTS:
                groups[-1].append(field)
            else:
                groups.append([field])
        self.lines, current, used = [], [], 0.0
        for group in groups:
            w = sum(self._width(field) for field in group)
            if current and used + w > available_width:
                self.lines.append(current)
                current, used = [], 0.0
            current += group
            used += w
        if current:
            self.lines.append(current)
        self.height = len(self.lines) * self.size * 2.2
        return available_width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFont(self.font, self.size)
        c.setLineWidth(0.5)
        y = self.height - self.size * 1.6
        for fields in self.lines:
            x0 = 0.0
            for label, blank in fields:
                c.drawString(x0, y, label)
                x0 += stringWidth(label, self.font, self.size)
                if blank:
                    c.line(x0 + 1, y - 2, x0 + blank - 1, y - 2)
                    x0 += blank + self.gap
            y -= self.size * 2.2


def _page_number(canv: rl_canvas.Canvas, total: int, *, fonts: Fonts, size: tuple[float, float]) -> None:
    canv.saveState()
    canv.setFont(fonts.body, 9)
    canv.drawCentredString(size[0] / 2, MARGIN_BOTTOM - 9 * mm,
                           t("pdf.footer.page", page=canv.getPageNumber(), pages=total))
    canv.restoreState()


def _records_table(annex: int, rules: RuleSet, s, width: float, records: list, counts: list, show_full: bool,
                   blank_rows: int) -> Table:
    """Forms 1–5: the header row (repeated on every page) and one row per record, or ruled blank rows."""
    form_columns = columns(annex, rules, show_full)
    head = ParagraphStyle("annex_head", parent=s.head_cell, fontSize=9, leading=11.5)
    cell = ParagraphStyle("annex_cell", parent=s.cell, fontSize=9, leading=11.5, alignment=TA_CENTER)
    cell_left = ParagraphStyle("annex_cell_left", parent=cell, alignment=TA_LEFT)
    data: list[list[Any]] = [[p(t(c.header), head) for c in form_columns]]
    filled = records or counts
    rows = len(filled) if filled else blank_rows
    for i in range(rows):
        values = row_values(form_columns, filled[i] if filled else None, i, show_full)
        data.append([p(cell_text(v), cell_left if isinstance(v, str) and len(v) > 8 else cell) for v in values])
    extra: list[tuple] = []
    if counts:
        people, retained, ratio = count_totals(counts)
        total = [t("form.total"), None, None, people, retained, ratio, None]
        data.append([p(cell_text(v), head) for v in total])
        extra += [("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), SHADE),
                  ("SPAN", (0, len(data) - 1), (2, len(data) - 1))]
    share = sum(c.width for c in form_columns)
    widths = [width * c.width / share for c in form_columns]
    heights = [None] + [None if filled else BLANK_ROW] * rows + ([None] if counts else [])
    return Table(data, colWidths=widths, rowHeights=heights, repeatRows=1,
                 style=grid_style(s, 1, ("TOPPADDING", (0, 1), (-1, -1), 4), ("BOTTOMPADDING", (0, 1), (-1, -1), 4),
                                  *extra))


def _evaluation_grid(rules: RuleSet, s, width: float) -> Table:
    """附件6: the trip and enterprise lines, the items × verdicts to tick, and the suggestions box."""
    verdicts = list(rules.evaluation_verdicts)
    head = ParagraphStyle("annex_head", parent=s.head_cell, fontSize=10, leading=13)
    cell = ParagraphStyle("annex_cell", parent=s.cell, fontSize=10, leading=13)
    box = ParagraphStyle("annex_box", parent=cell, fontSize=13, leading=15, alignment=TA_CENTER)
    n = 2 + len(verdicts)
    data: list[list[Any]] = []
    extra: list[tuple] = [("BACKGROUND", (0, 0), (1, len(ANNEX6_INFO) - 1), SHADE)]
    for code in ANNEX6_INFO:
        r = len(data)
        data.append([p(t(code), head), ""] + [""] * len(verdicts))
        extra += [("SPAN", (0, r), (1, r)), ("SPAN", (2, r), (n - 1, r))]
    header = len(data)
    data.append([p(t(SEQ), head), p(t("form.col.item"), head)] + [p(v, head) for v in verdicts])
    extra.append(("BACKGROUND", (0, header), (-1, header), SHADE))
    for i, code in enumerate(ANNEX6_ITEMS, start=1):
        style = head if code == ANNEX6_ITEMS[-1] else cell
        data.append([p(str(i), ParagraphStyle("seq", parent=style, alignment=TA_CENTER)), p(t(code), style)]
                    + [p("□", box) for _ in verdicts])
    r = len(data)
    data.append([p(t("form.suggestions"), head), ""] + [""] * len(verdicts))
    extra += [("SPAN", (1, r), (n - 1, r)), ("BACKGROUND", (0, r), (0, r), SHADE)]
    first, item = 20 * mm, 75 * mm
    widths = [first, item] + [(width - first - item) / len(verdicts)] * len(verdicts)
    heights = [10 * mm] * len(ANNEX6_INFO) + [9 * mm] + [10 * mm] * len(ANNEX6_ITEMS) + [40 * mm]
    return Table(data, colWidths=widths, rowHeights=heights, style=grid_style(s, 0, *extra))
