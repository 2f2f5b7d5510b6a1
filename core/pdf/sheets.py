"""The three PDF documents of an assessment, A4 portrait, built with reportlab's platypus:

1. 现场核查记录 `onsite_record`: one unit and one visit; per clause the facts recorded and every
   evidence item seen / not seen with its note, the negative facts, the attachments with their
   SHA-256, and signature lines for the assessors and the unit's representative;
2. 考核评分表 `score_sheet`: one unit; per clause points, bonus, deduction and a short explanation,
   section subtotals, deductions, total, status with reasons, grade, the readings applied, the
   version, and signature lines for the assessors and the reviewer;
3. 考核结果汇总表 `year_summary`: every unit ranked with its clause points, totals, status, grade,
   the quotas used and the ties resolved.

Every page carries a header (title, unit, year) and a footer (第 X 页 共 Y 页, generation time,
the dataset's and the rule set's short hashes); ranking points that are still provisional are
marked and the pages carry a 暂定 watermark. Tables repeat their header row when they split
across pages; long names wrap inside their cell. Every text comes from the message catalogue.

The functions here take plain values (rule set, scored year, facts, evidence lines …) and return
the PDF bytes with the place reserved for the visible cryptographic signature; core/pdf/export.py
gathers those values from the dataset, and core/pdf/signing.py signs the bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any, Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.common.document_titles import title_of
from core.common.messages import Msg, format_number, render
from core.pdf.fonts import PLAIN_EQUIVALENTS, Fonts
from core.pdf.kinsoku import ChineseParagraph
from core.scoring.assessment import reading_text
from core.scoring.engine import PROMOTION_NOTES, UnitResult, YearResult
from core.scoring.facts import Unit
from core.scoring.report import (
    NO_VERDICT,
    clause_cell,
    e_settled_note,
    full_marks_cell,
    grade_decision_lines,
    settled_line,
    tie_flag,
)
from core.scoring.rules import RuleSet
from core.years.standing import standing

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 16 * mm
MARGIN_TOP = 25 * mm  # room for the header
MARGIN_BOTTOM = 17 * mm  # room for the footer
# The audit head every document carries: printed in the footer (the row number and the hash's first
# characters) and whole in the document's keywords, inside the bytes a signature covers.
ANCHOR_KEYWORD = "leye-audit-head"
AUDIT_HASH_SHOWN = 16
WIDTH = PAGE_WIDTH - 2 * MARGIN_X
GRID = colors.Color(0.35, 0.35, 0.35)
SHADE = colors.Color(0.92, 0.92, 0.92)
SECTION_SHADE = colors.Color(0.96, 0.96, 0.96)
ALERT = colors.Color(0.65, 0.05, 0.05)
MUTED = colors.Color(0.35, 0.35, 0.35)

RECORD, SHEET, SUMMARY = "record", "sheet", "summary"


def t(code: str, **params: Any) -> str:
    return render(Msg.of(code, **params))


# Text drawn straight on the canvas (headers, footers, signature lines) has no paragraph to set a sign its
# face lacks in another face (core/pdf/fonts.py's glyph_fallback): such signs are drawn as their plain equivalent.
SUBSTITUTES = str.maketrans(PLAIN_EQUIVALENTS)


def plain(text: str) -> str:
    return str(text).translate(SUBSTITUTES)


def x(text: str) -> str:
    """Text made safe for a reportlab Paragraph (no-break spaces as spaces the line may break at)."""
    return escape(str(text).replace("\u00a0", " ")).replace("\n", "<br/>")


# ------------------------------------------------------------------ values the documents are made of

@dataclass(frozen=True)
class PageFacts:
    """What every page of a document prints in its header and footer."""
    title: str
    unit: str  # the unit's name, or the "all units" text of the summary
    year: int
    generated_at: dt.datetime
    audit_hash: str  # the hash of the audit trail's last row: the dataset's state the document shows
    rule_set_hash: str  # short SHA-256 of the rule set
    watermark: str = ""  # drawn across every page when not empty (暂定)
    audit_seq: int = 0  # the number of the audit trail's last row
    field_copy: str = ""  # made in a field copy: its mark, as the keyword core/pdf/anchors.py reads back

    @property
    def anchor(self) -> str:
        """The audit head as the document carries it in its metadata (core/pdf/anchors.py reads it back)."""
        return f"{ANCHOR_KEYWORD} {self.audit_seq} {self.audit_hash}"

    @property
    def keywords(self) -> list[str]:
        """The document's keywords: the audit head, and the field copy's mark when made in one."""
        return [self.anchor, self.field_copy] if self.field_copy else [self.anchor]


@dataclass(frozen=True)
class HandSignature:
    """A handwritten signature as stored: PNG bytes, who signed in what role, and when (ISO text)."""
    png: bytes = field(repr=False)
    name: str
    role: str
    signed_at: str


@dataclass(frozen=True)
class SignLine:
    """One signature line: its role ('assessor', 'representative', 'reviewer'), the person's name and
    title when known (blank lines are signed by hand on paper), and the stored signature if any."""
    role: str
    name: str = ""
    title: str = ""
    signature: HandSignature | None = None


@dataclass(frozen=True)
class ElectronicSignature:
    """The certificate a document is about to be signed with (printed on it)."""
    subject: str
    fingerprint: str  # SHA-256, colon-separated upper-case pairs


@dataclass(frozen=True)
class EvidenceLine:
    clause_id: str
    item: str  # the evidence item's label
    subject: str  # the base or trip it belongs to ('' for clause-level evidence)
    state: str  # 'seen', 'not_seen' or 'none' (not ticked)
    note: str = ""
    by: str = ""  # who ticked it
    at: str = ""  # when (display text)


@dataclass(frozen=True)
class AttachmentLine:
    name: str
    clause_id: str
    description: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Visit:
    date: str = ""  # blank: filled in by hand
    place: str = ""
    assessors: tuple[str, ...] = ()
    representative: str = ""


@dataclass(frozen=True)
class Built:
    """A built document: the PDF, its page count, and where the visible signature field goes
    (page index, (x1, y1, x2, y2) in points) when one was reserved."""
    pdf: bytes
    pages: int
    signature_box: tuple[int, tuple[float, float, float, float]] | None = None


# ------------------------------------------------------------------ styles

@dataclass(frozen=True)
class Styles:
    fonts: Fonts
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_small: ParagraphStyle
    head_cell: ParagraphStyle
    alert: ParagraphStyle
    cell_alert: ParagraphStyle
    cell_right_alert: ParagraphStyle


@lru_cache(maxsize=8)
def styles(fonts: Fonts) -> Styles:
    body, head = fonts.body, fonts.heading

    def style(name: str, font: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw)

    return Styles(
        fonts=fonts,
        title=style("title", head, 17, 22, alignment=TA_CENTER, spaceAfter=2),
        subtitle=style("subtitle", body, 9, 12, alignment=TA_CENTER, textColor=MUTED, spaceAfter=8),
        heading=style("heading", head, 11, 15, spaceBefore=8, spaceAfter=4),
        subheading=style("subheading", head, 9.5, 13, spaceBefore=6, spaceAfter=2),
        body=style("body", body, 9, 13),
        small=style("small", body, 7.5, 10),
        cell=style("cell", body, 8, 10.5),
        cell_bold=style("cell_bold", head, 8, 10.5),
        cell_center=style("cell_center", body, 8, 10.5, alignment=TA_CENTER),
        cell_right=style("cell_right", body, 8, 10.5, alignment=TA_RIGHT),
        cell_small=style("cell_small", body, 7, 9),
        head_cell=style("head_cell", head, 8, 10.5, alignment=TA_CENTER),
        alert=style("alert", head, 8.5, 12, textColor=ALERT, spaceBefore=3, spaceAfter=3),
        cell_alert=style("cell_alert", body, 8, 10.5, alignment=TA_CENTER, textColor=ALERT),
        cell_right_alert=style("cell_right_alert", body, 8, 10.5, alignment=TA_RIGHT, textColor=ALERT),
    )


def p(text: str, style: ParagraphStyle) -> ChineseParagraph:
    return ChineseParagraph(x(text), style)


def h(text: str, s: Styles) -> list:
    """A section heading, moved to the next page rather than left alone at the bottom of one."""
    return [CondPageBreak(28 * mm), p(text, s.heading)]


def grid_style(s: Styles, header_rows: int = 1, *extra: tuple) -> TableStyle:
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), s.fonts.body),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header_rows:
        commands += [("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE),
                     ("FONTNAME", (0, 0), (-1, header_rows - 1), s.fonts.heading)]
    return TableStyle(commands + list(extra))


def info_table(s: Styles, rows: Sequence[Sequence[tuple[str, str]]]) -> Table:
    """Label/value pairs, two pairs per row (a row with one pair spans the width)."""
    widths = [26 * mm, WIDTH / 2 - 26 * mm, 26 * mm, WIDTH / 2 - 26 * mm]
    data, extra = [], [("BACKGROUND", (0, 0), (0, -1), SHADE)]
    for i, row in enumerate(rows):
        cells: list[Any] = []
        for label, value in row:
            cells += [p(label, s.cell_bold), p(value, s.cell)]
        if len(row) == 1:
            cells += ["", ""]
            extra.append(("SPAN", (1, i), (3, i)))
        else:
            extra.append(("BACKGROUND", (2, i), (2, i), SHADE))
        data.append(cells)
    return Table(data, colWidths=widths, style=grid_style(s, 0, *extra))


# ------------------------------------------------------------------ pages: header, footer, watermark

class PagedCanvas(rl_canvas.Canvas):
    """Keeps every page until the end, so the footer can say 共 Y 页 (one pass, no second build).
    `footer(canvas, total)` replaces the documents' footer and watermark (the annex forms)."""

    def __init__(self, *args: Any, page: PageFacts | None, fonts: Fonts,
                 footer: Callable[[rl_canvas.Canvas, int], None] | None = None, **kwargs: Any):
        kwargs.update(initialFontName=fonts.body, initialFontSize=10)  # no unembedded Helvetica
        super().__init__(*args, **kwargs)
        self._facts = page
        self._fonts = fonts
        self._footer = footer
        self._kept: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._kept.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._kept)
        for state in self._kept:
            self.__dict__.update(state)
            if self._footer is not None:
                self._footer(self, total)
                rl_canvas.Canvas.showPage(self)
                continue
            if self._facts.watermark:
                draw_watermark(self, self._facts.watermark, self._fonts)
            draw_footer(self, self._facts, self._fonts, total)
            rl_canvas.Canvas.showPage(self)
        rl_canvas.Canvas.save(self)


def draw_header(canv: rl_canvas.Canvas, page: PageFacts, s: Styles) -> None:
    canv.saveState()
    top = PAGE_HEIGHT - 10 * mm
    canv.setFont(s.fonts.heading, 10.5)
    canv.drawString(MARGIN_X, top - 10, plain(page.title))
    canv.setFont(s.fonts.body, 8.5)
    canv.drawString(MARGIN_X, top - 21, plain(t("pdf.header.year", year=page.year)))
    # The unit's name may be long: it wraps (right-aligned) in the space beside the title.
    unit = p(t("pdf.header.unit", unit=page.unit),
             ParagraphStyle("hdr", fontName=s.fonts.body, fontSize=8.5, leading=10.5, alignment=TA_RIGHT,
                            wordWrap="CJK"))
    width = WIDTH * 0.62
    _, height = unit.wrap(width, 30)
    unit.drawOn(canv, PAGE_WIDTH - MARGIN_X - width, top - 2 - height)
    canv.setStrokeColor(GRID)
    canv.setLineWidth(0.6)
    line = PAGE_HEIGHT - MARGIN_TOP + 3 * mm
    canv.line(MARGIN_X, line, PAGE_WIDTH - MARGIN_X, line)
    canv.restoreState()


def draw_footer(canv: rl_canvas.Canvas, page: PageFacts, fonts: Fonts, total: int) -> None:
    canv.saveState()
    y = MARGIN_BOTTOM - 9 * mm
    canv.setStrokeColor(GRID)
    canv.setLineWidth(0.6)
    canv.line(MARGIN_X, y + 10, PAGE_WIDTH - MARGIN_X, y + 10)
    canv.setFont(fonts.body, 7.5)
    canv.setFillColor(colors.black)
    canv.drawString(MARGIN_X, y, t("pdf.footer.generated", time=page.generated_at.strftime("%Y-%m-%d %H:%M"),
                                   rules=page.rule_set_hash))
    canv.drawCentredString(PAGE_WIDTH / 2, y, t("pdf.footer.page", page=canv.getPageNumber(), pages=total))
    canv.drawRightString(PAGE_WIDTH - MARGIN_X, y, t("pdf.footer.audit", seq=page.audit_seq,
                                                      hash=page.audit_hash[:AUDIT_HASH_SHOWN]))
    canv.restoreState()


def draw_watermark(canv: rl_canvas.Canvas, text: str, fonts: Fonts) -> None:
    """Large diagonal text, translucent, over the whole page (visible through table shading)."""
    canv.saveState()
    canv.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.10))
    canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canv.rotate(40)
    canv.setFont(fonts.heading, 150)
    canv.drawCentredString(0, -50, plain(text))
    canv.setFont(fonts.heading, 22)
    canv.drawCentredString(0, -100, plain(t("pdf.watermark_note")))
    canv.restoreState()


PROGRAM = "乐业吴江 考核系统"  # the maker named in every document's properties


def build(story: list, page: PageFacts, fonts: Fonts, *, author: str = "", subject: str = "") -> Built:
    s = styles(fonts)
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                          bottomMargin=MARGIN_BOTTOM, title=title_of(page.title, page.unit, page.year),
                          author=author, subject=subject, creator=PROGRAM, keywords=page.keywords)
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=lambda c, d: draw_header(c, page, s))])
    fields = [f for f in _walk(story) if isinstance(f, SignatureField)]
    doc.build(story, canvasmaker=partial(PagedCanvas, page=page, fonts=fonts))
    box = fields[-1].box if fields else None
    return Built(out.getvalue(), doc.page, box)


def _walk(flowables: Sequence) -> Any:
    """Every flowable, including those inside KeepTogether groups."""
    for f in flowables:
        yield f
        inner = getattr(f, "_content", None)
        if isinstance(inner, (list, tuple)):
            yield from _walk(inner)


# ------------------------------------------------------------------ signatures drawn on the page

def draw_signature(canv: rl_canvas.Canvas, png: bytes, x0: float, y0: float, width: float, height: float, *,
                   name: str, role: str, signed_at: str, font: str) -> None:
    """Draw a stored handwritten signature (PNG bytes) standing on the signature line at height y0,
    fitted into width × height above it (aspect kept), with the signer's name, role and time in
    small print under the line."""
    image = ImageReader(io.BytesIO(png))
    iw, ih = image.getSize()
    scale = min(width / iw, height / ih)
    w, h = iw * scale, ih * scale
    canv.drawImage(image, x0 + (width - w) / 2, y0 + 1, w, h, mask="auto")
    canv.saveState()
    canv.setFont(font, 6.5)
    canv.setFillColor(MUTED)
    caption = "　".join(part for part in (name, role, display_time(signed_at)) if part)
    canv.drawCentredString(x0 + width / 2, y0 - 8, plain(caption))
    canv.restoreState()


def display_time(iso: str) -> str:
    """An ISO timestamp (stored in UTC) as local time for print; other text unchanged."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


class SignatureRow(Flowable):
    """'考核人员（签名）：____  姓名：张三（考核组长）  日期' with the stored signature on the line."""

    LINE = 60 * mm

    def __init__(self, line: SignLine, s: Styles):
        super().__init__()
        self.line, self.s = line, s
        self.height = 17 * mm

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.height

    def draw(self) -> None:
        c, s, line = self.canv, self.s, self.line
        label = t(f"pdf.role.{line.role}")
        baseline = 6 * mm
        c.setFont(s.fonts.heading, 9)
        c.drawString(0, baseline + 2, plain(label + "："))
        x0 = max(c.stringWidth(label + "：", s.fonts.heading, 9) + 4, 40 * mm)  # the lines of a block align
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.6)
        c.line(x0, baseline, x0 + self.LINE, baseline)
        if line.signature is not None:
            sig = line.signature
            draw_signature(c, sig.png, x0, baseline, self.LINE, self.height - baseline - 1.5 * mm,
                           name=sig.name, role=sig.role or line.title, signed_at=sig.signed_at, font=s.fonts.body)
        right = x0 + self.LINE + 6 * mm
        c.setFont(s.fonts.body, 8.5)
        who = (t("pdf.sign.name_title", name=line.name, title=line.title) if line.name and line.title
               else t("pdf.sign.name", name=line.name or "　" * 6))
        c.drawString(right, baseline + 10, plain(who))
        when = (t("pdf.sign.signed_at", time=display_time(line.signature.signed_at)) if line.signature
                else t("pdf.sign.date_blank"))
        c.drawString(right, baseline - 1, plain(when))


class SignatureField(Flowable):
    """The box the visible cryptographic signature is stamped into; records its page and position."""

    def __init__(self, s: Styles, width: float = 92 * mm, height: float = 24 * mm):
        super().__init__()
        self.s = s
        self.width, self.height = width, height
        self.box: tuple[int, tuple[float, float, float, float]] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height + 12

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFont(self.s.fonts.heading, 8.5)
        c.drawString(0, self.height + 3, plain(t("pdf.esign.box")))
        c.setStrokeColor(MUTED)
        c.setDash(2, 2)
        c.setLineWidth(0.5)
        c.rect(0, 0, self.width, self.height)
        c.restoreState()
        x0, y0 = c.absolutePosition(0, 0)
        self.box = (c.getPageNumber() - 1, (x0 + 1, y0 + 1, x0 + self.width - 1, y0 + self.height - 1))


def signature_block(s: Styles, heading: str, lines: Sequence[SignLine],
                    electronic: ElectronicSignature | None) -> list:
    parts: list = [p(heading, s.heading)]  # kept together with the lines below
    parts += [SignatureRow(line, s) for line in lines]
    if electronic is not None:
        parts += [Spacer(1, 2 * mm),
                  p(t("pdf.esign.certificate", subject=electronic.subject, fingerprint=electronic.fingerprint),
                    s.small),
                  p(t("pdf.esign.note"), s.small), Spacer(1, 2 * mm), SignatureField(s)]
    else:
        parts.append(p(t("pdf.esign.unsigned"), s.small))
    return [CondPageBreak(60 * mm), KeepTogether(parts)]


# ------------------------------------------------------------------ shared pieces

def rule_set_text(rules: RuleSet) -> str:
    return t("pdf.rule_set", document=rules.document, id=rules.id, title=rules.title, sha=rules.sha256[:12])


def title_block(s: Styles, title: str, rules: RuleSet, year: int) -> list:
    return [p(title, s.title), p(t("pdf.subtitle", title=rules.title, document=rules.document, year=year),
                                 s.subtitle)]


def kinds_text(rules: RuleSet, unit: Unit) -> str:
    return "、".join(rules.unit_kinds.get(k, k) for k in unit.kinds)


def explanation_text(result, provisional_mark: str) -> str:
    e = result.explanation
    parts = [render(m) for m in e.steps] + [render(m) for m in e.missing] + [render(m) for m in e.notes]
    text = "；".join(parts)
    return text + (provisional_mark if result.provisional else "")


def size_text(size: int) -> str:
    if size < 1024:
        return t("pdf.size_bytes", size=size)
    if size < 1024 * 1024:
        return t("pdf.size_kb", size=format_number(size / 1024, 1))
    return t("pdf.size_mb", size=format_number(size / 1024 / 1024, 1))




def status_text(status: str) -> str:
    return t(f"status.{status}")


# ------------------------------------------------------------------ 1. 现场核查记录

STATE_CODES = {"seen": "verdict.seen", "not_seen": "verdict.not_seen", "none": "pdf.state.none"}


def onsite_record(rules: RuleSet, unit: Unit, unit_result: UnitResult, evidence: Sequence[EvidenceLine],
                  attachments: Sequence[AttachmentLine], visit: Visit, page: PageFacts, lines: Sequence[SignLine],
                  fonts: Fonts, electronic: ElectronicSignature | None = None) -> Built:
    s = styles(fonts)
    blank = "　" * 12
    story: list = title_block(s, page.title, rules, page.year)
    licences = "；".join(f"{rules.unit_kinds.get(k, k)} {n}" for k, n in unit.licence_numbers.items()) or "—"
    story.append(info_table(s, [
        [(t("pdf.field.unit"), unit.name)],
        [(t("pdf.field.credit_code"), unit.credit_code), (t("pdf.field.kinds"), kinds_text(rules, unit))],
        [(t("pdf.field.licences"), licences)],
        [(t("pdf.field.visit_date"), visit.date or blank), (t("pdf.field.place"), visit.place or blank)],
        [(t("pdf.field.assessors"), "、".join(visit.assessors) or blank),
         (t("pdf.field.representative"), visit.representative or blank)],
    ]))

    story += h(t("pdf.record.clauses"), s)
    by_clause: dict[str, list[EvidenceLine]] = {}
    for line in evidence:
        by_clause.setdefault(line.clause_id, []).append(line)
    widths = [46 * mm, 50 * mm, 16 * mm, 34 * mm]
    widths.append(WIDTH - sum(widths))
    for section in rules.sections:
        for clause in (c for c in rules.clauses if c.section == section.id):
            result = unit_result.clause(clause.id)
            block: list = [p(t("pdf.record.clause", id=clause.id, title=clause.title), s.subheading)]
            e = result.explanation  # a ranking clause may keep its fact (the rating) among its steps
            facts = [render(m) for m in e.facts] or [render(m) for m in e.steps if not m.code.startswith("ranking.")]
            block.append(p(t("pdf.record.facts"), s.cell_bold))
            for fact in facts or [t("pdf.record.no_facts")]:
                block.append(ChineseParagraph("·&nbsp;" + x(fact), s.cell))
            rows = by_clause.get(clause.id, [])
            if rows:
                data = [[p(t("pdf.col.evidence"), s.head_cell), p(t("pdf.col.subject"), s.head_cell),
                         p(t("pdf.col.state"), s.head_cell), p(t("pdf.col.note"), s.head_cell),
                         p(t("pdf.col.ticked"), s.head_cell)]]
                for line in rows:
                    state = t(STATE_CODES[line.state])
                    data.append([p(line.item, s.cell), p(line.subject or "—", s.cell),
                                 p(state, s.cell_center if line.state == "seen" else s.cell_alert),
                                 p(line.note, s.cell), p(" ".join(v for v in (line.by, line.at) if v), s.cell_small)])
                table = Table(data, colWidths=widths, repeatRows=1, style=grid_style(s))
                block.append(Spacer(1, 1.5 * mm))
                block.append(table)
            story.append(KeepTogether(block[:4]))  # the clause's title stays with its first facts
            story += block[4:]

    story += h(t("pdf.record.negative"), s)
    n = unit.negative
    grades = "、".join(t("pdf.negative.credit_item", kind=rules.unit_kinds.get(k, k), grade=g)
                      for k, g in n.credit_grades.items()) or t("pdf.none")
    cancelled = "、".join(rules.unit_kinds.get(k, k) for k in n.licences_cancelled) or t("pdf.none")
    negatives = [
        t("pdf.negative.major_incident", value=t("pdf.yes") if n.major_incident else t("pdf.no")),
        t("pdf.negative.collective", count=n.collective_disputes_lost),
        t("pdf.negative.individual", count=n.individual_disputes_lost),
        t("pdf.negative.complaints", count=n.complaints),
        t("pdf.negative.credit", grades=grades),
        t("pdf.negative.cancelled", kinds=cancelled),
    ]
    story += [ChineseParagraph("·&nbsp;" + x(line), s.cell) for line in negatives]

    story += h(t("pdf.record.attachments"), s)
    if attachments:
        data = [[p(t(f"pdf.col.{c}"), s.head_cell) for c in ("no", "file", "clause", "description", "size",
                                                             "sha256")]]
        for i, a in enumerate(attachments, start=1):
            data.append([p(str(i), s.cell_center), p(a.name, s.cell), p(a.clause_id or "—", s.cell_center),
                         p(a.description or "—", s.cell),
                         p(size_text(a.size), s.cell_right),
                         ChineseParagraph(x(a.sha256[:32]) + "<br/>" + x(a.sha256[32:]), s.cell_small)])
        widths = [9 * mm, 42 * mm, 12 * mm, 45 * mm, 17 * mm]
        widths.append(WIDTH - sum(widths))
        story.append(Table(data, colWidths=widths, repeatRows=1, style=grid_style(s)))
    else:
        story.append(p(t("pdf.record.no_attachments"), s.body))

    story += h(t("pdf.record.remarks"), s)
    story.append(Table([[""]] * 4, colWidths=[WIDTH], rowHeights=[7 * mm] * 4,
                       style=TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.body),
                                         ("LINEBELOW", (0, 0), (-1, -1), 0.4, MUTED)])))

    story += signature_block(s, t("pdf.record.signatures"), lines, electronic)
    return build(story, page, fonts, author="、".join(visit.assessors), subject=unit.name)


# ------------------------------------------------------------------ 2. 考核评分表

def version_word(draft: bool, version: int, locked_version: int | None) -> str:
    """第 n 版 when signed; an unsigned copy of the version a locked unit was signed as; else a draft."""
    if not draft:
        return "pdf.version"
    return "pdf.version_copy" if version == locked_version else "pdf.version_draft"


def score_sheet(rules: RuleSet, result: YearResult, unit: Unit, page: PageFacts, *, version: int, draft: bool,
                lines: Sequence[SignLine], fonts: Fonts, electronic: ElectronicSignature | None = None,
                locked_version: int | None = None, started: bool = True) -> Built:
    """`started`: something of the year is recorded for the unit (core/years/standing.py); before that the
    sheet gives it no place, status or grade."""
    s = styles(fonts)
    decimals = rules.reading("ranking_display_decimals")
    u = result.unit(unit.name)
    num = lambda value: format_number(value, decimals)  # noqa: E731
    story: list = title_block(s, page.title, rules, page.year)
    if locked_version is not None:
        state = t("pdf.final.locked", version=locked_version)
    else:
        state = t("pdf.final.yes") if unit.facts_final else t("pdf.final.no")
    story.append(info_table(s, [
        [(t("pdf.field.unit"), unit.name)],
        [(t("pdf.field.credit_code"), unit.credit_code), (t("pdf.field.kinds"), kinds_text(rules, unit))],
        [(t("pdf.field.member"), t("pdf.member.new") if unit.new_member else t("pdf.member.existing")),
         (t("pdf.field.final"), state)],
        [(t("pdf.field.rule_set"), rule_set_text(rules)),
         (t("pdf.field.version"), t(version_word(draft, version, locked_version), version=version))],
    ]))
    provisional_mark = t("pdf.provisional_mark")
    any_provisional = any(c.provisional for c in u.clauses)
    if any_provisional and standing(rules, unit, u).e_settled:  # its points and total 暂定, its E certain
        story.append(p(t("report.provisional_e_settled", settled=e_settled_note(u.status)), s.alert))
    elif any_provisional:
        story.append(p(t("report.provisional"), s.alert))

    story += h(t("pdf.sheet.clauses"), s)
    header = [p(t(f"pdf.col.{c}"), s.head_cell) for c in ("clause", "content", "full", "points", "bonus",
                                                          "deduction", "net", "explanation")]
    data: list[list[Any]] = [header]
    extra: list[tuple] = []
    for section, section_result in zip(rules.sections, u.sections):
        for clause in (c for c in rules.clauses if c.section == section.id):
            r = u.clause(clause.id)
            net = clause_cell(r, decimals)
            data.append([p(clause.id, s.cell_center), p(clause.title, s.cell),
                         p(full_marks_cell(clause, decimals), s.cell_right),
                         p(num(r.points), s.cell_right), p(num(r.bonus), s.cell_right),
                         p(num(r.deduction), s.cell_right),
                         p(net, s.cell_right_alert if r.provisional else s.cell_right),
                         p(explanation_text(r, provisional_mark), s.cell_small)])
        row = len(data)
        data.append([p(t("pdf.sheet.subtotal", id=section.id, title=section.title), s.cell_bold), "",
                     p(num(section.points), s.cell_right), p(num(section_result.points), s.cell_right),
                     p(num(section_result.bonus), s.cell_right), p(num(section_result.deduction), s.cell_right),
                     p(num(section_result.net), s.cell_right), ""])
        extra += [("SPAN", (0, row), (1, row)), ("BACKGROUND", (0, row), (-1, row), SECTION_SHADE)]
    row = len(data)
    sums = [sum(getattr(sr, f) for sr in u.sections) for f in ("points", "bonus", "deduction", "net")]
    data.append([p(t("pdf.sheet.sum"), s.cell_bold), "", p(num(sum(sec.points for sec in rules.sections)),
                                                           s.cell_right)]
                + [p(num(v), s.cell_right) for v in sums] + [""])
    extra += [("SPAN", (0, row), (1, row)), ("BACKGROUND", (0, row), (-1, row), SHADE)]
    widths = [10 * mm, 36 * mm, 11 * mm, 11 * mm, 11 * mm, 11 * mm, 13 * mm]
    widths.append(WIDTH - sum(widths))
    story.append(Table(data, colWidths=widths, repeatRows=1, style=grid_style(s, 1, *extra)))

    story += h(t("pdf.sheet.negative"), s)
    data = [[p(t("pdf.col.item"), s.head_cell), p(t("pdf.col.count"), s.head_cell),
             p(t("pdf.col.deduction"), s.head_cell)]]
    for d in u.deductions:
        data.append([p(d.text, s.cell), p(str(d.count), s.cell_center), p(num(d.points), s.cell_right)])
    data.append([p(t("pdf.sheet.deductions_total"), s.cell_bold), "", p(num(u.deductions_total), s.cell_right)])
    story.append(Table(data, colWidths=[WIDTH - 40 * mm, 20 * mm, 20 * mm], repeatRows=1,
                       style=grid_style(s, 1, ("SPAN", (0, len(data) - 1), (1, len(data) - 1)),
                                        ("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), SECTION_SHADE))))

    story += h(t("pdf.sheet.result"), s)
    heads = [t("pdf.col.sections_net"), t("pdf.col.deduction"), t("pdf.col.total"), t("pdf.col.status"),
             t("pdf.col.grade"), t("pdf.col.rank", count=len(result.units))]
    verdict = ([status_text(u.status), u.grade, str(u.rank)] if started
               else [t("standing.not_started"), NO_VERDICT, NO_VERDICT])
    values = [num(sums[3]), num(u.deductions_total), num(u.total), *verdict]
    big = ParagraphStyle("big", parent=s.cell_center, fontName=fonts.heading, fontSize=11, leading=14)
    story.append(Table([[p(h, s.head_cell) for h in heads], [p(v, big) for v in values]],
                       colWidths=[WIDTH / 6] * 6, style=grid_style(s)))
    notes = [] if started else [t("pdf.sheet.not_started")]
    for reason in u.status_reasons if started else ():
        notes.append(t("pdf.sheet.status_reason", status=status_text(u.status), reason=reason.text))
    for note in u.grade_notes if started else ():
        notes.append(t("pdf.sheet.grade_note", note=render(note)))
    for msg in result.rejected_promotions:
        if msg.param("unit") == unit.name:
            notes.append(t("pdf.sheet.grade_note", note=render(msg)))
    for note in notes:
        story.append(ChineseParagraph("·&nbsp;" + x(note), s.cell))

    story += h(t("pdf.sheet.readings"), s)
    applied: dict[str, list[str]] = {}
    for r in u.clauses:
        for name in r.explanation.readings:
            applied.setdefault(name, []).append(r.clause_id)
    for name in rules.grades.readings:
        applied.setdefault(name, []).append(t("pdf.grades"))
    for name, where in applied.items():
        reading = t("pdf.reading", clauses="、".join(where), description=reading_text(rules, name, ""))
        story.append(p(reading, s.small))

    story += signature_block(s, t("pdf.sheet.signatures"), lines, electronic)
    return build(story, page, fonts, author="、".join(line.name for line in lines if line.role == "assessor"),
                 subject=unit.name)


# ------------------------------------------------------------------ 3. 考核结果汇总表

def year_summary(rules: RuleSet, result: YearResult, page: PageFacts, *, lines: Sequence[SignLine], fonts: Fonts,
                 electronic: ElectronicSignature | None = None, not_started: Collection[str] = (),
                 under_way: Collection[str] = (), settled: Collection[str] = ()) -> Built:
    """`not_started`: the names of the units nothing of the year is recorded for: no place, status or grade;
    `under_way`: those begun whose data is not final: their status and grade marked 暂定, as everywhere;
    `settled`: those whose E is certain though the rankings are 暂定 (core/years/standing.py e_settled)."""
    s = styles(fonts)
    decimals = rules.reading("ranking_display_decimals")
    num = lambda value: format_number(value, decimals)  # noqa: E731
    story: list = title_block(s, page.title, rules, page.year)
    story.append(p(t("pdf.summary.basis", rules=rule_set_text(rules), count=len(result.units)), s.body))
    if result.provisional:
        story.append(p(t("report.provisional"), s.alert))
    story += h(t("pdf.summary.table"), s)

    tiny = ParagraphStyle("tiny", parent=s.cell, fontSize=7, leading=8.6)
    tiny_r = ParagraphStyle("tiny_r", parent=tiny, alignment=TA_RIGHT)
    tiny_c = ParagraphStyle("tiny_c", parent=tiny, alignment=TA_CENTER)
    tiny_h = ParagraphStyle("tiny_h", parent=s.head_cell, fontSize=7, leading=8.6)
    tiny_alert = ParagraphStyle("tiny_alert", parent=tiny_c, textColor=ALERT)
    clause_ids = [c.id for c in rules.clauses]
    header = ([t("report.rank"), t("report.unit")] + clause_ids
              + [t("report.deductions"), t("report.total"), t("report.status"), t("report.grade"),
                 t("report.flags")])
    data: list[list[Any]] = [[p(h, tiny_h) for h in header]]
    extra: list[tuple] = []
    for u in result.units:
        flags = [flag] if (flag := tie_flag(result, u.name)) else []
        if any(n.code in PROMOTION_NOTES for n in u.grade_notes):
            flags.append(t("report.flag_promoted"))
        started = u.name not in not_started
        row = [p(str(u.rank) if started else NO_VERDICT, tiny_c), p(u.name, tiny)]
        row += [p(clause_cell(u.clause(cid), decimals), tiny_r) for cid in clause_ids]
        # （暂定） on a line of its own: the narrow columns would break it inside
        mark = "<br/>" + x(f"（{t('standing.provisional')}）") if u.name in under_way else ""
        row += [p(num(u.deductions_total), tiny_r), p(num(u.total), tiny_r),
                ChineseParagraph(x(status_text(u.status)) + mark, tiny_c if u.status == "qualified" else tiny_alert)
                if started else p(t("standing.not_started"), tiny_c),
                ChineseParagraph(x(u.grade) + mark, tiny_c) if started else p(NO_VERDICT, tiny_c),
                p(" ".join(flags), tiny_c)]
        data.append(row)
    fixed = [7 * mm, 0] + [8.2 * mm] * len(clause_ids) + [9 * mm, 11 * mm, 14.5 * mm, 10.5 * mm, 12 * mm]
    fixed[1] = WIDTH - sum(fixed)
    extra += [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SECTION_SHADE]),
              ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    story.append(Table(data, colWidths=fixed, repeatRows=1, style=grid_style(s, 1, *extra)))
    if result.provisional:
        story.append(p(t("pdf.summary.star"), s.small))
    if settled:  # under the table its grades are in (a long list of names above it would push the table down)
        story.append(p(settled_line(result, frozenset(settled)), s.alert))

    story += h(t("pdf.summary.notes"), s)
    notes = []
    for u in result.units:
        for reason in u.status_reasons if u.name not in not_started else ():
            notes.append(t("report.status_reason", unit=u.name, status=status_text(u.status), reason=reason.text))
        for d in u.deductions:
            if d.points:
                notes.append(t("report.deduction", unit=u.name, count=d.count, points=d.points, rule=d.text))
    if not_started:
        waiting = "、".join(u.name for u in result.units if u.name in not_started)
        notes.append(t("pdf.summary.not_started", units=waiting))
    for note in notes or [t("pdf.summary.no_notes")]:
        story.append(ChineseParagraph("·&nbsp;" + x(note), s.cell))

    story += h(t("pdf.summary.quotas"), s)
    quotas = [[p(h, s.head_cell) for h in (t("pdf.col.grade"), t("pdf.col.quota_cap"), t("pdf.col.quota_count"),
                                            t("pdf.col.quota_used"))]]
    for q in result.quotas:
        quotas.append([p(q.grade, s.cell_center), p(str(q.cap), s.cell_center), p(str(q.count), s.cell_center),
                       p(str(q.used), s.cell_center)])
    counts = {g: sum(1 for u in result.units if u.grade == g and u.name not in not_started)
              for g in rules.grades.order}
    story.append(Table(quotas, colWidths=[WIDTH / 4] * 4, repeatRows=1, style=grid_style(s)))
    story.append(Spacer(1, 2 * mm))
    story.append(p(t("pdf.summary.grade_counts", assessed=len(result.units),
                     counts="；".join([t("pdf.summary.grade_count", grade=g, count=c) for g, c in counts.items()]
                                     + ([t("pdf.summary.not_started_count", count=len(not_started))]
                                        if not_started else []))),
                   s.cell))
    lines_out = grade_decision_lines(result)
    for line in lines_out or [t("pdf.summary.no_ties")]:
        story.append(ChineseParagraph("·&nbsp;" + x(line), s.cell))

    story += signature_block(s, t("pdf.summary.signatures"), lines, electronic)
    return build(story, page, fonts, author="、".join(line.name for line in lines if line.role == "assessor"),
                 subject=page.title)
