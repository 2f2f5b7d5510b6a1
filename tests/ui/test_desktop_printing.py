"""打印 and 打印预览 as the assessor uses them (pytest-qt, offscreen): 文件 → 打印… (Ctrl+P) chooses the
document, Qt's print dialog (in Chinese) prints it to a PDF printer, and the printed pages are the
exported PDF's pages (page count, and the pictures compared pixel by pixel); page ranges and copies
chosen in the dialog are honoured; the preview shows every page; printing every unit's score sheet
runs in the background and keeps the window responsive. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog, QPrintPreviewWidget  # noqa: E402
from PySide6.QtWidgets import QApplication, QCheckBox, QDialogButtonBox, QLineEdit, QRadioButton, QSpinBox  # noqa: E402

from core.pdf.export import Exporter  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from ui import printing  # noqa: E402
from ui.printing import PrintDocumentsDialog, page_sequence  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "print"


@pytest.fixture(autouse=True)
def painted(monkeypatch):
    """打印到文件 as a printer on paper gets the pages (drawn in bands): what these tests look at. A PDF
    printed to file copies the documents' pages instead (test_a_blank_annex_form_…,
    tests/core/pdf/test_pdf_printout.py)."""
    monkeypatch.setattr(printing, "COPY_TO_FILE", False)


@pytest.fixture
def demo(window, tmp_path):
    """The demo year open in the window (13 units), the third unit chosen."""
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    window.workspace.select_unit(window.session.unit_ids[2])
    return window


def action(window, text: str):
    found = [a for a in window.findChildren(type(window.menuBar().actions()[0])) if a.text() == text]
    assert len(found) == 1, text
    return found[0]


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QApplication.processEvents()
        time.sleep(0.01)


def run_modal(kind: type, act, timeout: float = 60.0) -> dict:
    """answer_modal with a longer wait: the document is built before the print dialog opens."""
    return answer_modal(kind, act, timeout)


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def picture(pdf: Path, page: int, stem: str, dpi: int = 100) -> Path:
    """Page `page` of the PDF as a grey PNG under artifacts/print/ (for a person to look at too)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                    str(pdf), str(out)], check=True)
    return out.with_suffix(".png")


def difference(a: Path, b: Path) -> float:
    """The mean difference of two pictures of a page, 0 (same) … 1 (black on white), softened first: a
    printed page is a 600-dpi picture and the exported one is drawn from its text, so the strokes'
    anti-aliased edges differ a little everywhere (about 0.01), while another page differs by 0.05."""
    from PIL import Image, ImageChops, ImageFilter
    first, second = Image.open(a).convert("L"), Image.open(b).convert("L")
    # Qt's A4 is 595 × 842 points, reportlab's 595.28 × 841.89: a pixel more or less at the edge
    assert abs(first.width - second.width) <= 1 and abs(first.height - second.height) <= 1
    common = (0, 0, min(first.width, second.width), min(first.height, second.height))
    first, second = (image.crop(common).filter(ImageFilter.GaussianBlur(2)) for image in (first, second))
    histogram = ImageChops.difference(first, second).histogram()
    return sum(value * count for value, count in enumerate(histogram)) / 255 / (first.width * first.height)


def print_to_file(target: Path, *, pages: str = "", copies: int = 1, shot: str = "", window=None):
    """The act of answering Qt's print dialog: the file, the pages and copies typed in, then 打印."""
    def act(dialog: QPrintDialog) -> None:
        assert dialog.windowTitle() == "打印"
        if shot:
            shot_over(window, dialog, shot)
        dialog.findChild(QLineEdit, "filename").setText(str(target))
        if pages:
            dialog.findChild(QRadioButton, "pagesRadioButton").setChecked(True)
            dialog.findChild(QLineEdit, "pagesLineEdit").setText(pages)
        if copies != 1:
            dialog.findChild(QSpinBox, "copies").setValue(copies)
            dialog.findChild(QCheckBox, "collate").setChecked(True)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        assert ok.text().replace("&", "").startswith("打印")
        ok.click()
    return act


def exported(window, kind: str, tmp_path: Path) -> Path:
    """The same document through the PDF export, for comparison."""
    exporter = Exporter(window.session.ds)
    unit = window.session.unit(window.current_unit_id()).name
    done, problems = exporter.export(kind, None if kind == "summary" else unit)
    assert not problems
    path = tmp_path / f"exported-{kind}.pdf"
    path.write_bytes(done.pdf)
    return path


def print_through_the_menu(qtbot, window, kind: str, target: Path, *, shortcut: bool = False, **dialog) -> \
        PrintDocumentsDialog:
    seen: dict = {}

    def choose(chooser: PrintDocumentsDialog) -> None:
        seen["chooser"] = chooser
        assert chooser.windowTitle() == "打印" and chooser.unit.currentData() == window.current_unit_id()
        chooser.choose(kind)
        qtbot.mouseClick(chooser.print_button, qtbot_left())
        # Qt's print dialog opens once the document is built; the chooser stays open after printing
        seen["print"] = run_modal(QPrintDialog, print_to_file(target, window=window, **dialog))

    state = run_modal(PrintDocumentsDialog, choose)
    closer = QTimer()
    closer.setInterval(20)
    closer.timeout.connect(lambda: seen.get("chooser") and seen["chooser"].pages_sent is not None
                           and not seen["chooser"].worker.running and seen["chooser"].reject())
    closer.start()
    if shortcut:
        qtbot.keyClick(window, "P", modifier=qt_ctrl())
    else:
        action(window, "打印…").trigger()
    closer.stop()
    check_answered(state)
    check_answered(seen["print"])
    return seen["chooser"]


def qtbot_left():
    from PySide6.QtCore import Qt
    return Qt.MouseButton.LeftButton


def qt_ctrl():
    from PySide6.QtCore import Qt
    return Qt.KeyboardModifier.ControlModifier


# ------------------------------------------------------------------ the pages, without windows

def run_until_sent(window, seen: dict, text: str) -> None:
    """Trigger the menu action `text`; the chooser it opens (seen["chooser"]) is closed once it has sent
    its pages."""
    closer = QTimer()
    closer.setInterval(20)
    closer.timeout.connect(lambda: seen.get("chooser") and seen["chooser"].pages_sent is not None
                           and seen["chooser"].reject())
    closer.start()
    action(window, text).trigger()
    closer.stop()


def test_page_ranges_copies_and_order():
    assert page_sequence(4, None, 1, True, False) == [1, 2, 3, 4]
    assert page_sequence(5, {2, 3, 5}, 1, True, False) == [2, 3, 5]
    assert page_sequence(3, {1, 3}, 2, True, False) == [1, 3, 1, 3]
    assert page_sequence(3, {1, 3}, 2, False, False) == [1, 1, 3, 3]
    assert page_sequence(3, None, 1, True, True) == [3, 2, 1]
    assert page_sequence(3, {9}, 1, True, False) == []


# ------------------------------------------------------------------ through the window

def test_ctrl_p_prints_the_units_score_sheet_as_the_exported_pdf(qtbot, demo, tmp_path):
    printed = tmp_path / "printed-sheet.pdf"
    chooser = print_through_the_menu(qtbot, demo, "sheet", printed, shortcut=True, shot="print-dialog")
    reference = exported(demo, "sheet", tmp_path)
    assert chooser.pages_sent == pages_of(reference) == pages_of(printed) >= 2
    assert "已打印到文件" in chooser.status.text()
    # the printout is pictures of the pages: at 600 dpi (the PDF printer's 1200 dpi, each pixel 2 × 2)
    images = subprocess.run(["pdfimages", "-list", str(printed)], check=True, capture_output=True, text=True).stdout
    resolutions = {tuple(line.split()[12:14]) for line in images.splitlines()[2:]}
    assert resolutions == {("600", "600")}, resolutions
    for page in range(1, pages_of(reference) + 1):
        a = picture(printed, page, f"printed-sheet-{page}")
        b = picture(reference, page, f"exported-sheet-{page}")
        assert difference(a, b) < 0.02, page  # the same page, up to anti-aliasing (and the minute printed)
    assert difference(picture(printed, 1, "printed-sheet-1"), picture(reference, 2, "exported-sheet-2")) > 0.04


def test_page_range_and_copies_from_the_print_dialog(qtbot, demo, tmp_path):
    printed = tmp_path / "printed-record.pdf"
    chooser = print_through_the_menu(qtbot, demo, "record", printed, pages="2-3", copies=2)
    reference = exported(demo, "record", tmp_path)
    assert pages_of(reference) >= 3
    assert chooser.pages_sent == pages_of(printed) == 4  # pages 2 and 3, twice, collated
    for printed_page, page in zip(range(1, 5), (2, 3, 2, 3)):
        a = picture(printed, printed_page, f"printed-record-{printed_page}")
        b = picture(reference, page, f"exported-record-{page}")
        assert difference(a, b) < 0.02, (printed_page, page)


def test_annex_form_prints_landscape_and_the_preview_shows_every_page(qtbot, demo, tmp_path):
    from core.pdf.annex import annex_pdf
    from core.pdf.fonts import cjk_fonts
    seen: dict = {}

    def look(preview: QPrintPreviewDialog) -> None:
        assert preview.windowTitle() == "打印预览"
        widget = preview.findChild(QPrintPreviewWidget)
        seen["pages"] = widget.pageCount()
        started = time.perf_counter()
        widget.updatePreview()  # what the preview does on every change of page setup: our pages are pictures
        seen["repaint"] = time.perf_counter() - started
        shot_over(demo, preview, "print-preview")
        preview.reject()

    def choose(chooser: PrintDocumentsDialog) -> None:
        seen["chooser"] = chooser
        assert chooser.preview_button.isDefault()
        chooser.choose("annex", 5)
        shot_over(demo, chooser, "print-choose")
        qtbot.mouseClick(chooser.preview_button, qtbot_left())
        seen["preview"] = run_modal(QPrintPreviewDialog, look)

    state = run_modal(PrintDocumentsDialog, choose)
    closer = QTimer()
    closer.setInterval(20)
    closer.timeout.connect(lambda: "pages" in seen and seen["chooser"].isVisible() and seen["chooser"].reject())
    closer.start()
    action(demo, "打印预览…").trigger()
    closer.stop()
    check_answered(state)
    check_answered(seen["preview"])
    fonts, _ = cjk_fonts()
    unit = demo.session.unit(demo.current_unit_id())
    reference = annex_pdf(5, demo.session.rules, unit.name, fonts=fonts, counts=seen["chooser"].wanted()[0].counts)
    assert seen["pages"] == reference.pages == len(seen["chooser"].printables[0].sizes)
    assert seen["repaint"] < 0.1, seen["repaint"]
    # the roster form is landscape, on the printer too
    seen.clear()
    printed = tmp_path / "printed-annex2.pdf"

    def choose_roster(chooser: PrintDocumentsDialog) -> None:
        seen["chooser"] = chooser
        chooser.choose("annex", 2)
        assert chooser.full_ids.isEnabled() and not chooser.full_ids.isChecked()
        qtbot.mouseClick(chooser.print_button, qtbot_left())
        seen["print"] = run_modal(QPrintDialog, print_to_file(printed))

    state = run_modal(PrintDocumentsDialog, choose_roster)
    closer.timeout.disconnect()
    closer.timeout.connect(lambda: seen.get("chooser") and seen["chooser"].pages_sent is not None
                           and seen["chooser"].reject())
    closer.start()
    action(demo, "打印…").trigger()
    closer.stop()
    check_answered(state)
    check_answered(seen["print"])
    info = subprocess.run(["pdfinfo", str(printed)], check=True, capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height and abs(width - 842) < 2 and abs(height - 595) < 2  # A4 landscape


def test_every_units_score_sheet_prints_in_the_background(qtbot, demo, tmp_path):
    from core.pdf.fonts import cjk_fonts
    # The CJK font is read once per program run, by the first document (reportlab's parser keeps
    # Python's lock for up to about 0.1 s on a busy machine): this test measures the printing itself.
    assert cjk_fonts()[0] is not None
    printed = tmp_path / "all-sheets.pdf"
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    seen: dict = {}

    def tick() -> None:  # while a worker builds or prints (opening a dialog is not part of the work)
        worker = seen["chooser"].worker if "chooser" in seen else None
        if worker is not None and worker.running:
            ticks.append(time.perf_counter())
        elif ticks and ticks[-1] is not None:
            ticks.append(None)

    timer.timeout.connect(tick)

    def choose(chooser: PrintDocumentsDialog) -> None:
        seen["chooser"] = chooser
        chooser.choose("all_sheets")
        assert not chooser.preview_button.isEnabled()
        qtbot.mouseClick(chooser.print_button, qtbot_left())
        seen["print"] = run_modal(QPrintDialog, print_to_file(printed), timeout=120)

    state = run_modal(PrintDocumentsDialog, choose)
    closer = QTimer()
    closer.setInterval(20)
    closer.timeout.connect(lambda: seen.get("chooser") and seen["chooser"].pages_sent is not None
                           and seen["chooser"].reject())
    closer.start()
    timer.start()
    action(demo, "打印…").trigger()
    timer.stop()
    closer.stop()
    check_answered(state)
    check_answered(seen["print"])
    units = len(demo.session.unit_ids)
    assert seen["chooser"].pages_sent == pages_of(printed) >= 2 * units
    gaps = [b - a for a, b in zip(ticks, ticks[1:]) if a is not None and b is not None]
    # the window kept turning while it built and printed (work on its thread would stop the timer); how
    # long its longest stall was is a measurement for bench/bench_stalls.py, not a test on a shared machine
    assert len(gaps) > 50, len(gaps)
    print(f"longest stall while printing: {max(gaps) * 1000:.0f} ms")


def test_printing_from_the_preview_and_cancelling_a_long_print(qtbot, demo, tmp_path):
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QProgressDialog, QPushButton
    printed = tmp_path / "from-preview.pdf"
    seen: dict = {}

    def press_print(preview: QPrintPreviewDialog) -> None:
        assert [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()] == []
        button = next(a for a in preview.findChildren(QAction) if a.text().replace("&", "") == "打印")
        seen["save"] = run_modal(QPrintDialog, print_to_file(printed))  # the preview's own print dialog
        button.trigger()

    def choose(chooser: PrintDocumentsDialog) -> None:
        seen["chooser"] = chooser
        chooser.choose("summary")
        qtbot.mouseClick(chooser.preview_button, qtbot_left())
        seen["preview"] = run_modal(QPrintPreviewDialog, press_print)

    state = run_modal(PrintDocumentsDialog, choose)
    run_until_sent(demo, seen, "打印预览…")
    for answered in (state, seen["preview"], seen["save"]):
        check_answered(answered)
    reference = exported(demo, "summary", tmp_path)
    assert seen["chooser"].pages_sent == pages_of(printed) == pages_of(reference)
    assert difference(picture(printed, 1, "printed-summary-1"), picture(reference, 1, "exported-summary-1")) < 0.02

    # every unit's score sheet, cancelled on its way: the chooser says so and the window is free again
    seen.clear()

    def cancel_when_printing() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QProgressDialog) and widget.labelText().startswith("正在打印") and widget.value() >= 3:
            seen["cancelled_at"] = widget.value()
            button = widget.findChild(QPushButton)
            assert button.text() == "取消"
            button.click()

    def choose_all(chooser: PrintDocumentsDialog) -> None:
        seen["chooser"] = chooser
        chooser.choose("all_sheets")
        qtbot.mouseClick(chooser.print_button, qtbot_left())
        seen["print"] = run_modal(QPrintDialog, print_to_file(tmp_path / "cancelled.pdf"), timeout=120)

    state = run_modal(PrintDocumentsDialog, choose_all)
    canceller = QTimer()
    canceller.setInterval(5)
    canceller.timeout.connect(cancel_when_printing)
    canceller.start()
    closer = QTimer()
    closer.setInterval(20)
    closer.timeout.connect(lambda: seen.get("chooser") and "已取消打印" in seen["chooser"].status.text()
                           and seen["chooser"].reject())
    closer.start()
    action(demo, "打印…").trigger()
    closer.stop()
    canceller.stop()
    check_answered(state)
    check_answered(seen["print"])
    assert "cancelled_at" in seen and seen["chooser"].pages_sent is None
    assert seen["chooser"].print_button.isEnabled()  # ready to print again
    sent = int(re.search(r"已发送 (\d+) 页", seen["chooser"].status.text())[1])
    assert seen["cancelled_at"] <= sent < 2 * len(demo.session.unit_ids)


def test_a_file_that_is_no_pdf_is_named_not_printed(tmp_path):
    from core.common.messages import render
    from ui.printing import read_pdf_file
    fake = tmp_path / "评分表.pdf"
    fake.write_bytes(b"PK\x03\x04 a workbook renamed")
    pdf, problem = read_pdf_file(fake)
    assert pdf == b"" and render(problem.message) == "文件 评分表.pdf 不是可以打印的 PDF 文件（可能已损坏），未打印。"
    pdf, problem = read_pdf_file(tmp_path / "没有.pdf")
    assert pdf == b"" and render(problem.message).startswith("无法读取文件 没有.pdf：")


def test_a_blank_annex_form_says_why_and_its_printout_is_whole_with_its_title(qtbot, demo, tmp_path, monkeypatch):
    """附件2 of a unit with no confirmed people prints blank: the chooser says why (in the words of the
    Excel export) before and while printing, and it still prints. The PDF printed to file is the form's own
    page, its text still text (pictures of it lost rows where two met: row 15's number came out cut at 80
    dpi), and its title reads without error (Qt's writer left it unclosed and wrote 服's 0x0D byte raw)."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QPainter

    from core.common.messages import Msg, render
    from tests.ui.test_desktop import SHOTS
    monkeypatch.setattr(printing, "COPY_TO_FILE", True)  # as the program prints to a file
    unit = demo.session.unit(demo.current_unit_id()).name
    assert "服" in unit  # U+670D: the byte 0x0D Qt wrote raw into the title
    printed = tmp_path / "blank-annex2.pdf"
    seen: dict = {}

    def in_print_dialog(dialog: QPrintDialog) -> None:
        seen["status"] = seen["chooser"].status.text()  # what the chooser says while Qt's dialog is open
        under, over = seen["chooser"].grab(), dialog.grab()  # Qt's dialog opens over the chooser's middle
        painter = QPainter(under)
        painter.drawPixmap((under.width() - over.width()) // 2, (under.height() - over.height()) // 2, over)
        painter.end()
        assert under.save(str(SHOTS / "print-blank-annex-while-printing.png"))
        print_to_file(printed, shot="print-blank-annex-dialog", window=demo)(dialog)

    def choose(chooser: PrintDocumentsDialog) -> None:
        seen["chooser"] = chooser
        assert "请注意" not in chooser.note.text()  # the score sheet: nothing to warn of
        radio = chooser.kind_buttons["annex"]  # clicked on its circle (the button is as wide as the box)
        qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
        assert chooser.annex.currentData() == 2
        seen["note"] = chooser.note.text()
        shot_over(demo, chooser, "print-blank-annex")
        chooser.annex.setCurrentIndex(chooser.annex.findData(5))  # the counts per base: not blank
        seen["note5"] = chooser.note.text()
        chooser.annex.setCurrentIndex(chooser.annex.findData(2))
        qtbot.mouseClick(chooser.print_button, Qt.MouseButton.LeftButton)
        seen["print"] = run_modal(QPrintDialog, in_print_dialog)

    state = run_modal(PrintDocumentsDialog, choose)
    run_until_sent(demo, seen, "打印…")
    check_answered(state)
    check_answered(seen["print"])
    # 1. why it is blank, in the Excel export's words, before printing and while the print dialog is open
    reason = render(Msg.of("annex.blank.no_roster"))
    assert seen["note"] == render(Msg.of("annex.blank.print", reason=reason))
    assert seen["note"].startswith("请注意：该单位尚未导入花名册") and "空白表" in seen["note"]
    assert "请注意" not in seen["note5"]
    assert "空白表" in seen["status"] and reason in seen["status"]
    assert seen["chooser"].pages_sent == pages_of(printed) == 1  # printed all the same
    # 2. the form's own page, its text still text (not pictures of it: where two met, a reader lost rows)
    images = subprocess.run(["pdfimages", "-list", str(printed)], check=True, capture_output=True,
                            text=True).stdout.splitlines()[2:]
    assert images == [], images
    picture(printed, 1, "printed-blank-annex2", dpi=80)
    # 3. the title, read without a complaint
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True)
    assert info.returncode == 0 and info.stderr == "", info.stderr[:300]
    assert unit in re.search(r"^Title:\s+(.*)$", info.stdout, re.M)[1]
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True)
    assert text.returncode == 0 and text.stderr == "", text.stderr[:300]
    assert unit in text.stdout and "15" in text.stdout.split()  # the last ruled row's number, whole


def test_a_print_job_is_named_by_its_document_or_its_kind_and_count(tmp_path):
    """The printer's queue and a file printed to called every job of several documents 考核评分表, annex
    forms and chosen PDF files too."""
    from ui.printing import Printable, job_title

    def made(kind: str, unit: str, source=None) -> Printable:
        return Printable(f"{kind} {unit}", b"", [], source=source, kind=kind)
    assert job_title([made("考核评分表", "甲")]) == "考核评分表 甲"
    assert job_title([made("考核评分表", "甲"), made("考核评分表", "乙")]) == "考核评分表（2 家单位）"
    assert job_title([made("附件2 人员花名册", "甲"), made("附件2 人员花名册", "乙"),
                      made("附件2 人员花名册", "丙")]) == "附件2 人员花名册（3 家单位）"
    assert job_title([made("考核评分表", "甲"), made("附件2 人员花名册", "甲")]) == "打印件（2 份文件）"
    assert job_title([made("a", "", tmp_path / "a.pdf"), made("b", "", tmp_path / "b.pdf")]) == "打印件（2 份文件）"


def test_a_printout_of_some_pages_carries_its_document_s_own_title(tmp_path):
    """Some pages of one document printed to a file were titled by the form and the unit alone; the
    whole document, copied as it is, keeps its own title with the year: both now read the same."""
    from core.common.document_titles import read_title
    from core.pdf.printout import chosen_pages
    from core.pdf.sheets import SHEET, SUMMARY
    from core.store.dataset import Dataset
    from tests.core.pdf.test_pdf import UNIT, demo_dataset
    from ui.printing import ANNEX, Printable, Wanted, build_document, job_title

    with Dataset.open(demo_dataset(tmp_path), backups=False) as ds:
        exporter = Exporter(ds)
        for want in (Wanted(SHEET, UNIT), Wanted(SUMMARY), Wanted(ANNEX, UNIT, annex=5, year=2022)):
            built, problems = build_document(exporter, want)
            assert not problems and built is not None
            pdf, kind, title = built
            whole, part = tmp_path / "whole.pdf", tmp_path / "part.pdf"
            whole.write_bytes(pdf)
            part.write_bytes(chosen_pages([pdf], [(0, 0)], job_title([Printable(title, pdf, [], kind=kind)])))
            assert read_title(part) == read_title(whole) == title, (kind, read_title(part), read_title(whole))
            assert title.endswith(" 2022") and (want.unit is None or want.unit in title)
