"""打印 and 打印预览 of the program's documents: one unit's 考核评分表 or 现场核查记录, one of its annex
forms (附件1–6), the year's 考核结果汇总表, every unit's score sheet at once, or a PDF file the program
exported (a signed score sheet prints as signed, stamp and all).

A printout is the same pages as the PDF the program exports: each document is built as that PDF in
memory (core/pdf/export.py, core/pdf/annex.py) and its pages are drawn by PDFium (core/pdf/pages.py)
onto Qt's printer, A4 and edge to edge (the PDF's own margins are the printout's), at the printer's
resolution up to 600 dpi, in bands of 128 rows: a page never needs its 140 MB at once, and each
drawing call is short (Qt's and PDFium's bindings keep Python's lock while they draw, so a long call
would stall the window's thread). 打印到文件 (Qt's PDF printer) draws nothing: the chosen pages are
copied from the documents' own PDFs (core/pdf/printout.py), their text still text. An annex form that
will print blank says why first. Qt's print dialog
chooses the printer, the pages (e.g. 1-3,5) and the copies; copies are made by the printer when its
driver can, else drawn again (collated or not, last page first when asked).

Building, rendering and printing run in workers (ui/worker.py) behind a progress dialog with 取消;
the preview's pages are rendered in the worker before the preview opens, so the preview only
places finished pictures. Printing from the preview's own 打印 button goes through the same worker.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QRectF, QTimer
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.common import os_errors
from core.common.atomic import write_atomically
from core.common.messages import Msg, render
from core.common.problems import Problem
from core.editing.session import Session
from core.excel.annex_forms import ANNEX_PEOPLE, annex_inputs, annex_title, blank_reason
from core.pdf.annex import annex_pdf
from core.pdf.export import Exporter
from core.pdf.pages import PdfPages
from core.pdf.printout import chosen_pages
from core.pdf.sheets import RECORD, SHEET, SUMMARY
from core.pdf.signing import carries_signature, quiet_libraries
from core.store.dataset import Dataset
from ui.dialogs import WARNING_COLOUR, safe_file_name, unit_chooser
from ui.worker import Job, Worker
from ui.worker_dialog import BAD, GOOD, NEUTRAL, WorkerDialog

ANNEX, ALL_SHEETS, PDF_FILE = "annex", "all_sheets", "pdf_file"
MAX_PRINT_DPI = 600  # an office laser printer's; a finer device gets 600-dpi pixels, each drawn 2 × 2 …
# 打印到文件 copies the documents' pages; the tests turn it off to see, through Qt's PDF printer, what a
# printer on paper is sent
COPY_TO_FILE = True
BAND_ROWS = 128  # rows of pixels drawn at a time (2.5 MB at 600 dpi): each drawing call is short
PREVIEW_DPI = 150
PREVIEW_BUDGET = 300 * 1024 * 1024  # bytes of pictures a preview keeps; a longer document is previewed coarser


@dataclass(frozen=True)
class Wanted:
    """One document to print; annex forms carry what they are filled from (read on the window's thread)."""
    kind: str  # record | sheet | summary | annex
    unit: str | None = None
    annex: int = 0
    show_full_id_numbers: bool = False
    records: tuple = ()
    counts: tuple = ()
    year: int | None = None
    path: str = ""  # a PDF file to print as it is


@dataclass
class Printable:
    title: str
    pdf: bytes = field(repr=False)
    sizes: list[tuple[float, float]]  # each page's width and height in points
    previews: list[QImage] = field(default_factory=list, repr=False)
    source: Path | None = None  # the PDF file printed as it is
    kind: str = ""  # what kind of document it is (考核评分表, 附件2 人员花名册 …), its unit left out


class PrintFailed(Exception):
    """The printer refused the job; the message is one Chinese sentence."""


# ------------------------------------------------------------------ building the documents (in a worker)

def prepare_job(job: Job, session: Session, wanted: Sequence[Wanted], preview: bool) -> tuple[list[Printable], list]:
    """Each wanted document as its PDF and page sizes (and, for a preview, its pages as pictures).
    Returns (printables, problems); stops at the first problem or when cancelled."""
    quiet_libraries()
    printables: list[Printable] = []
    exporter: Exporter | None = None
    copy: Dataset | None = None
    try:
        for index, want in enumerate(wanted):
            if job.cancelled:
                break
            job.progress(index, len(wanted), want.unit or Path(want.path).name)
            source = Path(want.path) if want.kind == PDF_FILE else None
            if source is not None:
                pdf, problem = read_pdf_file(source)
                if problem is not None:
                    return printables, [problem]
                kind = title = source.stem
            else:
                if exporter is None:
                    copy = job.call_in_main(session.scratch_copy)
                    exporter = Exporter(copy)
                built, problems = build_document(exporter, want)
                if problems or built is None:
                    return printables, problems
                pdf, kind, title = built
            pages = PdfPages(pdf)
            try:
                sizes = [pages.size(n) for n in range(len(pages))]
                printables.append(Printable(title, pdf, sizes, source=source, kind=kind))
            finally:
                pages.close()
        if preview and not job.cancelled:
            render_previews(job, printables)
    finally:
        if copy is not None:
            copy.close()
    job.progress(len(wanted), len(wanted), "")
    return printables, []


def build_document(exporter: Exporter, want: Wanted) -> tuple[tuple[bytes, str, str] | None, list]:
    """The program's document as PDF bytes, its kind (考核评分表, 附件2 人员花名册 …) and the title it carries
    (the kind, the unit and the year), or the problems that stopped it."""
    if want.kind == ANNEX:
        fonts, problems = exporter.fonts()
        if problems:
            return None, problems
        built = annex_pdf(want.annex, exporter.rules, want.unit or "", fonts=fonts, year=want.year,
                          records=want.records, counts=want.counts, show_full_id_numbers=want.show_full_id_numbers)
        return (built.pdf, render(Msg.of(f"annex.{want.annex}.sheet")),
                annex_title(want.annex, want.unit or "", want.year or exporter.rules.year)), []
    done, problems = exporter.export(want.kind, want.unit)
    if problems or done is None:
        return None, problems
    return (done.pdf, render(Msg.of(f"pdf.title.{want.kind}")), exporter.title(want.kind, want.unit)), []


def read_pdf_file(path: Path) -> tuple[bytes, Problem | None]:
    """The bytes of a PDF file to print, or the problem that names why it cannot be printed."""
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        return b"", Problem(path.name, "", "", Msg.of("print.file_unreadable", file=path.name,
                                                      detail=render(os_errors.reason(exc))))
    try:
        PdfPages(pdf).close()
    except Exception:  # PDFium says only "Data format error" (in English)
        return b"", Problem(path.name, "", "", Msg.of("print.not_a_pdf", file=path.name))
    return pdf, None


def page_text(n: int, total: int) -> str:
    return QCoreApplication.translate("Printing", "第 {n} / {total} 页").format(n=n, total=total)


def preview_dpi(sizes: Sequence[tuple[float, float]]) -> float:
    """PREVIEW_DPI, or less when the pages' pictures would take more than PREVIEW_BUDGET."""
    area = sum(w * h for w, h in sizes) / 72 / 72  # square inches
    fitting = math.sqrt(PREVIEW_BUDGET / 4 / area) if area else PREVIEW_DPI
    return max(72.0, min(PREVIEW_DPI, fitting))


def render_previews(job: Job, printables: list[Printable]) -> None:
    sizes = [size for p in printables for size in p.sizes]
    dpi = preview_dpi(sizes)
    done = 0
    for printable in printables:
        pages = PdfPages(printable.pdf)
        try:
            for number in range(len(pages)):
                if job.cancelled:
                    return
                job.progress(done, len(sizes), page_text(done + 1, len(sizes)))
                printable.previews.append(page_image(pages, number, dpi))
                done += 1
        finally:
            pages.close()


def page_image(pages: PdfPages, number: int, dpi: float) -> QImage:
    band = next(pages.bands(number, dpi, rows=1 << 30))
    return band_image(band)


def band_image(band) -> QImage:
    """The band's pixels as a QImage of its own (the band's memory is PDFium's and goes away)."""
    return QImage(band.pixels, band.width, band.height, band.stride, QImage.Format.Format_RGBX8888).copy()


# ------------------------------------------------------------------ the printer's pages

def page_sequence(total: int, wanted: Sequence[int] | None, copies: int, collate: bool,
                  last_first: bool) -> list[int]:
    """The page numbers (from 1) to draw, in order: the wanted pages (None: all), each copy after
    the other (collate) or each page `copies` times, last page first when asked."""
    pages = [n for n in range(1, total + 1) if wanted is None or n in wanted]
    if last_first:
        pages.reverse()
    if copies <= 1:
        return pages
    return pages * copies if collate else [n for n in pages for _ in range(copies)]


def printer_sequence(printer: QPrinter, total: int) -> list[int]:
    """page_sequence from what the print dialog set on the printer."""
    wanted = None
    if printer.printRange() == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            wanted = {n for n in range(1, total + 1) if ranges.contains(n)}
        elif printer.fromPage() > 0:
            wanted = set(range(printer.fromPage(), min(printer.toPage(), total) + 1))
    # a driver that makes copies itself gets each page once (Qt passes it the count)
    copies = 1 if printer.supportsMultipleCopies() else printer.copyCount()
    return page_sequence(total, wanted, copies, printer.collateCopies(),
                         printer.pageOrder() == QPrinter.PageOrder.LastPageFirst)


def page_target(printer: QPrinter, size_pt: tuple[float, float]) -> QRectF:
    """Where a page of this size goes on the paper, in the printer's pixels: at its own size from the
    paper's corner (A4 on A4), or shrunk to fit and centred on other paper."""
    resolution = printer.resolution()
    paper = printer.pageLayout().fullRectPixels(resolution)
    width, height = size_pt[0] / 72 * resolution, size_pt[1] / 72 * resolution
    scale = min(paper.width() / width, paper.height() / height)
    if scale >= 0.99:  # the same paper, give or take a pixel of rounding
        return QRectF(0, 0, width, height)
    width, height = width * scale, height * scale
    return QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height)


def print_dpi(printer: QPrinter) -> float:
    """The printer's resolution, or a whole fraction of it not above MAX_PRINT_DPI (so each pixel
    covers whole printer dots)."""
    resolution = printer.resolution()
    return resolution / math.ceil(resolution / MAX_PRINT_DPI)


def print_job(job: Job, printer: QPrinter, printables: Sequence[Printable]) -> int:
    """Draw the chosen pages on the printer (in a worker: Qt allows painting on a QPrinter in another
    thread); returns the number of pages sent. A cancel stops between bands and aborts the job."""
    index = [(i, n) for i, p in enumerate(printables) for n in range(len(p.sizes))]
    sequence = printer_sequence(printer, len(index))
    painter = QPainter()
    if not sequence:
        return 0
    if COPY_TO_FILE and printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return print_to_file(job, printables, [index[number - 1] for number in sequence],
                             Path(printer.outputFileName()))
    if not painter.begin(printer):
        raise PrintFailed(QCoreApplication.translate(
            "Printing", "无法开始打印：打印机“{name}”不可用，请检查打印机或另选一台。").format(
            name=printer.printerName() or printer.outputFileName()))
    dpi = print_dpi(printer)
    opened: dict[int, PdfPages] = {}
    sent = 0
    try:
        for position, number in enumerate(sequence):
            if job.cancelled:
                printer.abort()
                return sent
            job.progress(position, len(sequence), page_text(position + 1, len(sequence)))
            which, page = index[number - 1]
            if which not in opened:
                opened[which] = PdfPages(printables[which].pdf)
            if position and not printer.newPage():
                raise PrintFailed(QCoreApplication.translate("Printing", "打印中断：打印机不再接收页面。"))
            target = page_target(printer, printables[which].sizes[page])
            for band in opened[which].bands(page, dpi, BAND_ROWS):
                if job.cancelled:
                    break
                scale = target.width() / band.width
                painter.drawImage(QRectF(target.x(), target.y() + band.top * scale, target.width(),
                                         band.height * scale), band_image(band))
            sent += 1
        job.progress(len(sequence), len(sequence), "")
    finally:
        for pages in opened.values():
            pages.close()
        if painter.isActive():
            painter.end()
    return sent


def print_to_file(job: Job, printables: Sequence[Printable], pages: list[tuple[int, int]], target: Path) -> int:
    """打印到文件: the chosen pages copied from the documents' PDFs (core/pdf/printout.py), written whole or
    not at all; the number of pages written."""
    job.progress(0, 1, page_text(1, len(pages)))
    data = chosen_pages([p.pdf for p in printables], pages, job_title(printables))
    if job.cancelled:
        return 0
    write_atomically(target, data)
    job.progress(1, 1, "")
    return len(pages)


def make_printer(printables: Sequence[Printable]) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    first = printables[0].sizes[0] if printables and printables[0].sizes else (595, 842)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if first[0] > first[1]
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF's pages carry their own margins
    printer.setDocName(job_title(printables))
    return printer


def job_title(printables: Sequence[Printable]) -> str:
    """What the printer's queue and a file printed to call the job: the document's own title, or the count."""
    if len(printables) == 1:
        return printables[0].title
    kinds = {p.kind for p in printables}
    if len(kinds) == 1 and all(p.source is None for p in printables):
        kind = kinds.pop()
        return QCoreApplication.translate("Printing", "{kind}（{n} 家单位）").format(kind=kind, n=len(printables))
    return QCoreApplication.translate("Printing", "打印件（{n} 份文件）").format(n=len(printables))


def printout_name(folder: Path, title: str) -> Path:
    """A file for 打印到文件 that does not exist yet: 「…-打印件.pdf」, numbered when that is taken (Qt
    would otherwise suggest the document's own name, which for a PDF file printed as it is is the file)."""
    stem = QCoreApplication.translate("Printing", "{title}-打印件").format(title=safe_file_name(title))
    candidate, number = folder / f"{stem}.pdf", 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{stem}（{number}）.pdf"
    return candidate


def suggest_file(printer: QPrinter, printables: Sequence[Printable], folder: Path) -> None:
    """With no printer installed Qt's dialog offers only 打印到文件（PDF）: suggest a new file (beside the
    PDF file printed, else in the year file's folder), never the document's own name."""
    if not QPrinterInfo.availablePrinters():
        source = printables[0].source if len(printables) == 1 else None
        where = source.parent if source is not None else folder
        printer.setOutputFileName(str(printout_name(where, source.stem if source else printer.docName())))


def refused_output(printer: QPrinter, printables: Sequence[Printable]) -> Msg | None:
    """Why printing to the file chosen would destroy a document: it is the PDF file being printed, a
    signed PDF (writing over it removes the signature) or no PDF at all (a year file, a workbook); None
    when the file may be written (it does not exist, or is an earlier unsigned printout)."""
    name = printer.outputFileName() if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat else ""
    if not name:
        return None
    target = Path(name)
    if not target.exists():
        return None
    for printable in printables:
        if printable.source is not None and printable.source.exists() and target.samefile(printable.source):
            return Msg.of("print.output_is_source", file=target.name)
    if not is_pdf_file(target):
        return Msg.of("print.output_not_pdf", file=target.name)
    if carries_signature(target):
        return Msg.of("print.output_is_signed", file=target.name)
    return None


def is_pdf_file(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(5) == b"%PDF-"
    except OSError:
        return False


def paint_previews(printer: QPrinter, printables: Sequence[Printable]) -> None:
    """The preview's pages: the pictures rendered beforehand, placed as the printout's pages."""
    painter = QPainter(printer)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)  # kept by the preview's recording
    first = True
    for printable in printables:
        for size, image in zip(printable.sizes, printable.previews):
            if not first:
                printer.newPage()
            first = False
            painter.drawImage(page_target(printer, size), image)
    painter.end()


def is_preview(printer: QPrinter) -> bool:
    """The preview dialog asks for pages with a recording paint engine; its 打印 button with the real one."""
    engine = printer.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


# ------------------------------------------------------------------ the dialog

class PrintDocumentsDialog(WorkerDialog):
    """Which document to print (the current unit's are chosen first), then 打印… or 打印预览…."""

    def __init__(self, session: Session, unit_id: int | None, preview: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.failing = self.tr("打印失败")
        self.session = session
        self.printables: list[Printable] = []
        self.printer: QPrinter | None = None
        self.preview_dialog: QPrintPreviewDialog | None = None
        self.print_dialog: QPrintDialog | None = None
        self.pages_sent: int | None = None
        self._print_from_preview = False
        self.setWindowTitle(self.tr("打印"))
        layout = QVBoxLayout(self)
        box = QGroupBox(self.tr("文件"))
        rows = QVBoxLayout(box)
        self.kinds = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        self.annex = QComboBox()
        for n in range(1, 7):
            self.annex.addItem(self.tr("附件{n}　{title}").format(n=n, title=render(Msg.of(f"annex.{n}.title"))), n)
        self.annex.setCurrentIndex(1)
        for key, text in ((SHEET, self.tr("考核评分表（本单位）")), (RECORD, self.tr("现场核查记录（本单位）")),
                          (ANNEX, self.tr("附件表格（本单位）")), (SUMMARY, self.tr("考核结果汇总表（全年度）")),
                          (ALL_SHEETS, self.tr("全部单位的考核评分表")),
                          (PDF_FILE, self.tr("已导出的 PDF 文件（如已签名的考核评分表）"))):
            button = QRadioButton(text)
            self.kinds.addButton(button)
            self.kind_buttons[key] = button
            rows.addWidget(button)
            if key == ANNEX:
                annex_row = QHBoxLayout()
                annex_row.setContentsMargins(24, 0, 0, 0)
                annex_row.addWidget(self.annex, 1)
                rows.addLayout(annex_row)
            if key == PDF_FILE:
                file_row = QHBoxLayout()
                file_row.setContentsMargins(24, 0, 0, 0)
                self.pdf_path = QLineEdit()
                self.pdf_path.setPlaceholderText(self.tr("选择要打印的 PDF 文件"))
                self.pdf_browse = QPushButton(self.tr("浏览…"))
                self.pdf_browse.clicked.connect(lambda _=False: self.browse_pdf())
                file_row.addWidget(self.pdf_path, 1)
                file_row.addWidget(self.pdf_browse)
                rows.addLayout(file_row)
        unit_row, self.unit = unit_chooser(session, unit_id)
        rows.addLayout(unit_row)
        layout.addWidget(box)
        self.full_ids = QCheckBox(self.tr("显示完整身份证号（默认只显示前6位和后4位；此选项不会被记住）"))
        layout.addWidget(self.full_ids)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {NEUTRAL};")
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.preview_button = QPushButton(self.tr("打印预览…"))
        self.print_button = QPushButton(self.tr("打印…"))
        close = QPushButton(self.tr("关闭"))
        for button in (self.preview_button, self.print_button, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        (self.preview_button if preview else self.print_button).setDefault(True)
        self.preview_button.clicked.connect(lambda _=False: self.start(preview=True))
        self.print_button.clicked.connect(lambda _=False: self.start(preview=False))
        close.clicked.connect(self.reject)
        self.kind_buttons[SHEET if session.unit_ids else SUMMARY].setChecked(True)
        self.kinds.buttonToggled.connect(lambda *_: self._update())
        self.annex.currentIndexChanged.connect(lambda _: self._update())
        self.unit.currentIndexChanged.connect(lambda _: self._update())
        self._update()
        self.resize(620, self.sizeHint().height())

    # ---------------------------------------------------------------- choices

    def kind(self) -> str:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def choose(self, kind: str, annex: int | None = None) -> None:
        self.kind_buttons[kind].setChecked(True)
        if annex is not None:
            self.annex.setCurrentIndex(self.annex.findData(annex))

    def _update(self) -> None:
        kind, has_units = self.kind(), bool(self.session.unit_ids)
        for key in (SHEET, RECORD, ANNEX, ALL_SHEETS):
            self.kind_buttons[key].setEnabled(has_units)
        self.unit.setEnabled(kind in (SHEET, RECORD, ANNEX))
        self.annex.setEnabled(kind == ANNEX)
        self.pdf_path.setEnabled(kind == PDF_FILE)
        self.pdf_browse.setEnabled(kind == PDF_FILE)
        people = kind == ANNEX and self.annex.currentData() in ANNEX_PEOPLE
        self.full_ids.setEnabled(people)
        if not people:
            self.full_ids.setChecked(False)
        self.preview_button.setEnabled(kind != ALL_SHEETS)
        notes = {SHEET: self.tr("打印按当前数据生成的考核评分表（与导出的未签名 PDF 相同）；已签名的评分表请选“已导出的 PDF 文件”打印。"),
                 PDF_FILE: self.tr("按文件原样打印（已签名的评分表连同签名章一并打印）。"),
                 RECORD: self.tr("核查日期和地点留空，打印后手填。"),
                 ANNEX: self.tr("与导出的 Excel 附件表格内容相同；花名册（附件2、附件4）横向打印。"),
                 SUMMARY: self.tr("全部运营单位的得分、名次、考核结果与等级。"),
                 ALL_SHEETS: self.tr("每家单位的考核评分表依次打印（共 {n} 家）；可在打印对话框中选择页码范围。").format(
                     n=len(self.session.unit_ids))}
        reason = self.blank_reason() if kind == ANNEX else None
        if reason is None:
            self.note.setText(notes[kind])
            self.note.setStyleSheet(f"color: {NEUTRAL};")
        else:  # the form prints as its ruled blank rows: say why before the assessor prints it
            self.note.setText(render(Msg.of("annex.blank.print", reason=render(reason))))
            self.note.setStyleSheet(f"color: {WARNING_COLOUR};")

    def blank_reason(self) -> Msg | None:
        """Why the chosen annex form of the chosen unit prints blank, in the words the Excel export uses
        (core/excel/annex_forms.py); None when it lists something or there is no unit."""
        uid = self.unit.currentData()
        if uid is None or uid not in self.session.unit_ids:
            return None
        return blank_reason(self.annex.currentData(), self.session.unit(uid), self.session.unit_match(uid))

    def browse_pdf(self) -> None:
        folder = str(Path(self.pdf_path.text()).parent) if self.pdf_path.text() else str(self.session.file.parent)
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择要打印的 PDF 文件"), folder,
                                              self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.pdf_path.setText(path)

    def wanted(self) -> list[Wanted]:
        kind = self.kind()
        if kind == PDF_FILE:
            return [Wanted(PDF_FILE, path=self.pdf_path.text().strip())]
        if kind == SUMMARY:
            return [Wanted(SUMMARY)]
        if kind == ALL_SHEETS:
            return [Wanted(SHEET, self.session.unit(uid).name) for uid in self.session.unit_ids]
        unit = self.session.unit(self.unit.currentData())
        if kind != ANNEX:
            return [Wanted(kind, unit.name)]
        annex = self.annex.currentData()
        matched = self.session.unit_match(self.unit.currentData()) if annex in ANNEX_PEOPLE else None
        records, counts = annex_inputs(annex, unit, matched)
        return [Wanted(ANNEX, unit.name, annex, self.full_ids.isChecked() and annex in ANNEX_PEOPLE,
                       tuple(records), tuple(counts), self.session.year.year)]

    # ---------------------------------------------------------------- work

    def start(self, preview: bool) -> Worker | None:
        """Build the documents in a worker, then open the print dialog or the preview."""
        if self.running:
            return None
        if self.kind() not in (SUMMARY, PDF_FILE) and not self.session.unit_ids:
            self.show_status(self.tr("请先添加运营单位。"), BAD)
            return None
        if self.kind() == PDF_FILE and not self.pdf_path.text().strip():
            self.show_status(self.tr("请先选择要打印的 PDF 文件。"), BAD)
            return None
        self.printables = []
        self.pages_sent = None
        return self.run(prepare_job, self.session, self.wanted(), preview, label=self.tr("正在准备打印…"),
                        status=self.tr("正在准备…"), done=lambda result: self._prepared(result, preview),
                        cancelled=lambda _: self.show_status(self.tr("已取消，未打印。"), NEUTRAL))

    def set_busy(self, busy: bool) -> None:
        self.print_button.setEnabled(not busy)
        self.preview_button.setEnabled(not busy and self.kind() != ALL_SHEETS)

    def fault_text(self, exc: BaseException) -> str:
        return str(exc) if isinstance(exc, PrintFailed) else super().fault_text(exc)

    def _prepared(self, result: tuple[list[Printable], list], preview: bool) -> None:
        printables, problems = result
        if problems:
            self.show_status("\n".join(render(p.message) for p in problems), BAD)
            return
        self.printables = printables
        pages = sum(len(p.sizes) for p in printables)
        reason = self.blank_reason() if self.kind() == ANNEX else None
        if reason is None:
            self.show_status(self.tr("共 {pages} 页。").format(pages=pages), NEUTRAL)
        else:  # said again while Qt's print dialog is open over this one
            self.show_status(self.tr("共 {pages} 页（空白表）。").format(pages=pages) + render(reason) + "。",
                             WARNING_COLOUR)
        self.printer = make_printer(printables)
        suggest_file(self.printer, printables, self.session.file.parent)
        # once the worker has finished and its progress dialog has closed
        QTimer.singleShot(0, self.open_preview if preview else self.open_print_dialog)

    def open_print_dialog(self) -> None:
        pages = sum(len(p.sizes) for p in self.printables)
        dialog = QPrintDialog(self.printer, self)
        self.print_dialog = dialog
        dialog.setWindowTitle(self.tr("打印"))
        dialog.setMinMax(1, pages)
        dialog.setFromTo(1, pages)
        options = QAbstractPrintDialog.PrintDialogOption
        dialog.setOptions(options.PrintPageRange | options.PrintCollateCopies | options.PrintToFile
                          | options.PrintShowPageSize)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        self.print_dialog = None
        if accepted:
            self.run_print()
        else:
            self.show_status(self.tr("未打印。"), NEUTRAL)

    def open_preview(self) -> None:
        dialog = QPrintPreviewDialog(self.printer, self)
        self.preview_dialog = dialog
        dialog.setWindowTitle(self.tr("打印预览"))
        self._print_from_preview = False
        dialog.paintRequested.connect(self._paint_preview)
        window = self.parentWidget().window() if self.parentWidget() else self
        dialog.resize(min(1100, window.width()), min(900, window.height()))
        dialog.exec()
        self.preview_dialog = None
        if self._print_from_preview:
            self.run_print()

    def _paint_preview(self, printer: QPrinter) -> None:
        if is_preview(printer):
            paint_previews(printer, self.printables)
        else:  # its 打印 button, after its print dialog: printed by the worker once the preview closes
            self._print_from_preview = True

    def run_print(self) -> Worker | None:
        if self.printer is None:
            return None
        refusal = refused_output(self.printer, self.printables)
        if refusal is not None:
            self.show_status(render(refusal), BAD)
            return None
        return self.run(print_job, self.printer, self.printables, label=self.tr("正在打印…"),
                        status=self.tr("正在打印…"), done=self._printed, cancelled=self._print_cancelled)

    def _print_cancelled(self, sent: int) -> None:
        text = self.tr("已取消打印（已发送 {n} 页，打印机中已有的页面可能仍会打出）。").format(n=sent)
        self.show_status(text, NEUTRAL)

    def _printed(self, sent: int) -> None:
        self.pages_sent = sent
        printer = self.printer
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            where = self.tr("已打印到文件 {file}（{n} 页）。").format(file=printer.outputFileName(), n=sent)
        else:
            where = self.tr("已发送到打印机“{name}”（{n} 页）。").format(name=printer.printerName(), n=sent)
        self.show_status(where, GOOD)


def open_print(window: Any, preview: bool) -> None:
    """文件 → 打印… / 打印预览…: the choice of document for the window's current unit."""
    if window.session is None:
        return
    if window.workspace is not None:
        window.workspace.clause_page.pending.flush()  # a fact still being typed is printed too
    PrintDocumentsDialog(window.session, window.current_unit_id(), preview, window).exec()
