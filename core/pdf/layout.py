"""What every PDF document the program makes is built of: A4 pages with their header (title, unit, year),
footer (第 X 页 共 Y 页, generation time, the dataset's and the rule set's short hashes) and 暂定 watermark, the
styles, paragraphs and ruled tables, the handwritten and electronic signature lines, and `build`, which lays a
story out into the PDF bytes with the place for the visible cryptographic signature reserved.

The documents themselves are in core/pdf/sheets.py (the three of an assessment) and core/pdf/annex.py.
"""


from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any
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
from core.common.messages import Msg, render
from core.pdf.fonts import PLAIN_EQUIVALENTS, Fonts
from core.pdf.kinsoku import ChineseParagraph

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
