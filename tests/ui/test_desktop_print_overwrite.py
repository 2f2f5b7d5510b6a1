"""打印到文件 never writes over the document being printed nor over a signed PDF (pytest-qt, offscreen): the
signed score sheet lies beside the year file; 文件 → 打印… → 已导出的 PDF 文件 → 打印… suggests a new
「…-打印件.pdf」 beside it, and an output file that is the signed original (even after Qt's own 「已存在，
要覆盖吗？」 is answered 是) is refused in one sentence, the original byte for byte the same."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtPrintSupport import QPrintDialog, QPrinterInfo  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox  # noqa: E402

from core.pdf.export import Exporter  # noqa: E402
from core.pdf.signing import create_key, load_signer, verify_pdf  # noqa: E402
from core.store.dataset import Dataset  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from ui.printing import PDF_FILE, PrintDocumentsDialog  # noqa: E402

PASSWORD = "打印测试-2022"


@pytest.fixture
def signed_beside_the_year(window, tmp_path):
    """The demo year with one unit's score sheet signed into 评分表-签名.pdf in the year file's folder,
    the year open in the window."""
    from core.store.demo import ensure_demo
    year = ensure_demo(tmp_path, "演示考核人员")
    create_key(tmp_path / "张三.p12", "张三", PASSWORD)
    signer = load_signer(tmp_path / "张三.p12", PASSWORD)
    with Dataset.open(year) as ds:
        unit = ds.year().units[0].name
        done, problems = Exporter(ds).sheet(unit, signer=signer, assessor=ds.assessors()[0].name)
    assert not problems and done.signed
    signed = year.parent / "评分表-签名.pdf"
    signed.write_bytes(done.pdf)
    assert window.open_dataset(year)
    return signed


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def print_file_through_the_menu(qtbot, window, source: Path, answer) -> PrintDocumentsDialog:
    """文件 → 打印…, 已导出的 PDF 文件 = source, 打印…; Qt's print dialog answered by answer(dialog)."""
    seen: dict = {}

    def choose(chooser: PrintDocumentsDialog) -> None:
        seen["chooser"] = chooser
        chooser.kind_buttons[PDF_FILE].click()
        chooser.pdf_path.setText(str(source))
        seen["print"] = answer_modal(QPrintDialog, answer, timeout=60)
        qtbot.mouseClick(chooser.print_button, Qt.MouseButton.LeftButton)

    state = answer_modal(PrintDocumentsDialog, choose, timeout=60)
    closer = QTimer()  # the chooser stays open after printing: close it once it has said what happened
    closer.setInterval(20)
    closer.timeout.connect(lambda: seen.get("chooser") and not seen["chooser"].running
                           and seen["chooser"].status.text().startswith(("已打印", "未打印"))
                           and seen["chooser"].reject())
    closer.start()
    action = next(a for a in window.findChildren(type(window.menuBar().actions()[0])) if a.text() == "打印…")
    action.trigger()
    closer.stop()
    check_answered(state)
    check_answered(seen["print"])
    return seen["chooser"]


def press_print(dialog: QPrintDialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text().replace("&", "").startswith("打印")
    ok.click()


def test_print_to_file_suggests_a_new_file_and_never_overwrites_the_signed_original(qtbot, window,
                                                                                    signed_beside_the_year):
    signed = signed_beside_the_year
    original = sha256(signed)
    assert not QPrinterInfo.availablePrinters()  # Qt offers only 打印到文件（PDF）
    suggested: dict = {}

    def accept_the_suggestion(dialog: QPrintDialog) -> None:
        shot_over(window, dialog, "print-overwrite-01-suggested-printout")
        assert dialog.findChild(QLineEdit, "filename").text() == str(printout)
        press_print(dialog)

    printout = signed.parent / "评分表-签名-打印件.pdf"
    chooser = print_file_through_the_menu(qtbot, window, signed, accept_the_suggestion)
    assert chooser.status.text() == f"已打印到文件 {printout}（{chooser.pages_sent} 页）。"
    assert printout.is_file() and sha256(signed) == original
    assert pages_of(printout) == pages_of(signed) == chooser.pages_sent

    def answer_yes_to_overwrite(dialog: QPrintDialog) -> None:
        # a second printout is suggested under a new number; the assessor types the signed original instead
        assert dialog.findChild(QLineEdit, "filename").text() == str(signed.parent / "评分表-签名-打印件（2）.pdf")
        dialog.findChild(QLineEdit, "filename").setText(str(signed))
        suggested["overwrite"] = answer_modal(QMessageBox, lambda box: (
            shot_over(window, box, "print-overwrite-02-qt-asks"),
            box.button(QMessageBox.StandardButton.Yes).click()))
        press_print(dialog)

    chooser = print_file_through_the_menu(qtbot, window, signed, answer_yes_to_overwrite)
    check_answered(suggested["overwrite"])
    shot_over(window, chooser, "print-overwrite-03-refused")
    assert chooser.status.text() == ("未打印：输出文件 评分表-签名.pdf 就是正在打印的文件，打印到它会覆盖原件，"
                                     "请另选输出文件名。")
    assert chooser.pages_sent is None
    assert sha256(signed) == original and verify_pdf(signed.read_bytes()).intact


def test_printing_a_document_onto_a_signed_pdf_is_refused(qtbot, window, signed_beside_the_year):
    """Another PDF printed to a file that is a signed PDF: refused, the signed one untouched."""
    signed = signed_beside_the_year
    original = sha256(signed)
    draft = signed.parent / "草稿.pdf"
    with Dataset.open(window.session.file, read_only=True) as ds:
        done, _ = Exporter(ds).summary()
    draft.write_bytes(done.pdf)

    def onto_the_signed(dialog: QPrintDialog) -> None:
        dialog.findChild(QLineEdit, "filename").setText(str(signed))
        answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        press_print(dialog)

    chooser = print_file_through_the_menu(qtbot, window, draft, onto_the_signed)
    assert chooser.status.text() == ("未打印：输出文件 评分表-签名.pdf 是已签名的 PDF，覆盖它会毁掉其电子签名，"
                                     "请另选输出文件名。")
    assert sha256(signed) == original


def test_printing_onto_the_year_file_is_refused(qtbot, window, signed_beside_the_year):
    """The year file typed as the output file (Qt asks 覆盖吗, 是): refused, the year file untouched."""
    year = window.session.file
    original = sha256(year)

    def onto_the_year(dialog: QPrintDialog) -> None:
        dialog.findChild(QLineEdit, "filename").setText(str(year))
        answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        press_print(dialog)

    chooser = print_file_through_the_menu(qtbot, window, signed_beside_the_year, onto_the_year)
    assert chooser.status.text() == (f"未打印：输出文件 {year.name} 已存在且不是 PDF 文件，打印到它会覆盖其内容，"
                                     "请另选输出文件名。")
    assert sha256(year) == original
