"""An assessor's day, scripted through the window as a person works it: open the year file through
文件→打开, add a unit with the 添加 button, walk it clause by clause with 下一条 (entering a base and a
trip by keyboard, typing Chinese through the input method, ticking every piece of evidence with the
mouse), import its roster through the wizard, make a signing key, export its signed score sheet,
print that signed file with Ctrl+P to a PDF printer, close the year and reopen it from the recent-files list: everything is still there, and the window
is back at the unit and clause the day ended on. A screenshot of each step goes to
artifacts/screenshots/day/ (run it under Xvfb with QT_QPA_PLATFORM=xcb for a real X server)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
)

from core.scoring.assessment import BASES, TRIPS  # noqa: E402
from tests.builders import credit_code  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, keep_answering, shot_over, stop_answering  # noqa: E402
from tests.profile_support import use_profile  # noqa: E402
from tests.ui.test_desktop import SHOTS, click, expected_points, type_chinese  # noqa: E402
from tests.xlsx_builders import LABOUR_BASES, arrival, arrivals_rows, write_workbook  # noqa: E402

NEW_UNIT = "吴江同里新程人力资源有限公司"
PASSWORD = "day-pass-2022"
DAY = SHOTS / "day"


@pytest.fixture
def profile(tmp_path, monkeypatch) -> Path:
    return use_profile(monkeypatch, tmp_path / "config")


def step(window, n: int, name: str) -> None:
    DAY.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    assert window.grab().save(str(DAY / f"{n:02d}-{name}.png"))


def button(parent, text: str) -> QPushButton:
    found = [b for b in parent.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) == 1, (text, [b.text() for b in parent.findChildren(QPushButton) if b.isVisible()])
    return found[0]


def action(window, text: str):
    # found among the window's children: asking an action for its menu() hands the menu's ownership
    # to Python, which deletes it with the wrapper (the 最近打开 menu vanished that way)
    found = [a for a in window.findChildren(QAction) if a.text().replace("&", "") == text]
    assert len(found) == 1, text
    return found[0]


def choose_file(path: Path):
    def act(dialog: QFileDialog) -> None:
        dialog.selectFile(str(path))
        dialog.accept()
    return act


def type_into_cell(qtbot, view, row: int, column: int, text: str, chinese: bool = False) -> None:
    """Click the cell, open its editor with F2, type, press Enter, as a person at the keyboard does."""
    index = view.model().index(row, column)
    window = view.window()
    if not window.isActiveWindow():  # offscreen Qt leaves no window active after a dialog closed
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    for _ in range(3):  # an editor that 添加 or Enter opened: leave it unchanged
        if view.state() != QAbstractItemView.State.EditingState:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        QApplication.processEvents()
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    # a click on the cell that is already current opens its editor by itself after the double-click
    # interval (Qt's SelectedClicked); otherwise F2 does
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    if view.state() != QAbstractItemView.State.EditingState:
        qtbot.keyClick(view, Qt.Key.Key_F2)
    assert view.state() == QAbstractItemView.State.EditingState
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not view, "no editor opened"
    if hasattr(editor, "selectAll"):
        editor.selectAll()
    if chinese:
        type_chinese(editor, text)
    elif text:
        qtbot.keyClicks(editor, text)
    else:  # the cell emptied
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


def tick_every_box(qtbot, page) -> None:
    for box in page.evidence_boxes.values():
        if box.isEnabled() and not box.isChecked():
            click(qtbot, box)
    for view in page.record_views.values():
        model = view.model()
        for row in range(model.rowCount()):
            for column, name in enumerate(model.columns):
                if name.startswith("evidence:") and model.index(row, column).data(Qt.ItemDataRole.CheckStateRole) \
                        != Qt.CheckState.Checked:
                    rect = view.visualRect(model.index(row, column))
                    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10,
                                                                                           rect.center().y()))
    QApplication.processEvents()


def test_an_assessors_day(qtbot, window, profile, tmp_path):
    from core.store.demo import ensure_demo
    from ui.dialogs import UnitDialog
    (tmp_path / "年度").mkdir()
    year_file = ensure_demo(tmp_path / "年度", "演示考核人员")
    step(window, 1, "start")

    # 1. open the year through 文件→打开…
    state = answer_modal(QFileDialog, choose_file(year_file))
    action(window, "打开…").trigger()
    check_answered(state)
    qtbot.waitUntil(lambda: window.session is not None)
    step(window, 2, "opened")

    # 2. add a unit with the 添加 button
    def fill(dialog: UnitDialog) -> None:
        type_chinese(dialog.name, NEW_UNIT)
        qtbot.keyClicks(dialog.code, credit_code("day"))
        click(qtbot, next(iter(dialog.kinds.values())))
        shot_over(window, dialog, "day/03-add-unit")
        qtbot.mouseClick(dialog.box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    state = answer_modal(UnitDialog, fill)
    panel = window.workspace.unit_list.parentWidget()
    qtbot.mouseClick(button(panel, "添加"), Qt.MouseButton.LeftButton)
    check_answered(state)
    session = window.session
    uid = session.unit_id(NEW_UNIT)
    assert uid is not None and window.current_unit_id() == uid
    ws = window.workspace
    page = ws.clause_page
    assert NEW_UNIT in page.unit_label.text()

    # 3. walk it clause by clause with 下一条, entering facts by keyboard and ticking every piece of evidence
    ws.go_page(0)
    QApplication.processEvents()
    visited = []
    while True:
        current = session.pages[ws.page_index]
        visited.append(current.id)
        if current.id == "1.1":
            qtbot.mouseClick(button(page, "添加基地"), Qt.MouseButton.LeftButton)
            view = page.record_views[BASES]
            columns = page.record_models[BASES].columns
            type_into_cell(qtbot, view, 0, columns.index("name"), LABOUR_BASES[0], chinese=True)
            type_into_cell(qtbot, view, 0, columns.index("agreement_date"), "2022/3/15")
            base = session.unit(uid).bases[0]
            assert base.name == LABOUR_BASES[0] and base.agreement_date.isoformat() == "2022-03-15"
        elif current.id == "1.2":
            for place in ("贵州省铜仁市", "河南省周口市"):
                qtbot.mouseClick(button(page, "添加赴外招聘"), Qt.MouseButton.LeftButton)
                view = page.record_views[TRIPS]
                columns = page.record_models[TRIPS].columns
                row = page.record_models[TRIPS].rowCount() - 1
                type_into_cell(qtbot, view, row, columns.index("place"), place, chinese=True)
                type_into_cell(qtbot, view, row, columns.index("enterprises"), "6")
                type_into_cell(qtbot, view, row, columns.index("date"), f"2022.{4 + row}.10")
            trips = session.unit(uid).trips
            assert [(t.place, t.enterprises, t.date.isoformat()) for t in trips] == [
                ("贵州省铜仁市", 6, "2022-04-10"), ("河南省周口市", 6, "2022-05-10")]
        elif current.id == "4.2":
            spin = page.value_widgets["insured_workers"]
            spin.setFocus()
            spin.selectAll()  # as a double-click on the 0 does
            qtbot.keyClicks(spin, "12")
            qtbot.keyClick(spin, Qt.Key.Key_Tab)
        tick_every_box(qtbot, page)
        if current.clause is not None:
            assert page.points_label.text() == expected_points(window, NEW_UNIT, current.id), current.id
        step(window, 10 + len(visited), f"clause-{current.id}")
        if not page.next_button.isEnabled():
            break
        qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert visited == [p.id for p in session.pages]
    unit = session.unit(uid)
    assert session.clause_result(uid, "1.2").net == 8 and unit.insured_workers == 12

    # 4. import its roster through the wizard (数据→导入 Excel…, 浏览…, 检查文件, 导入)
    people = [arrival(i, 劳务基地=LABOUR_BASES[0]) for i in range(20)]
    roster = write_workbook(tmp_path / "附件2花名册.xlsx", {"花名册": arrivals_rows(people)}, title="组织进吴人员花名册",
                            title_rows=1)

    def run_wizard(dialog) -> None:
        files = answer_modal(QFileDialog, choose_file(roster))
        qtbot.mouseClick(button(dialog, "浏览…"), Qt.MouseButton.LeftButton)
        check_answered(files)
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.preview is not None and dialog.import_button.isEnabled(), timeout=60000)
        shot_over(window, dialog, "day/30-import-preview")
        confirm = answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click()
                               if box.button(QMessageBox.StandardButton.Yes) else box.accept(), timeout=3)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "已导入 20 行" in dialog.status.text(), timeout=60000)
        stop_answering(confirm)  # the import may or may not ask (a first roster replaces none)
        shot_over(window, dialog, "day/31-imported")
        dialog.reject()
    from ui.excel_import import ImportDialog
    state = answer_modal(ImportDialog, run_wizard, timeout=120)
    action(window, "导入 Excel…").trigger()
    check_answered(state)
    assert [(i.kind, i.file_name, i.rows) for i in session.ds.imports(uid)] == [("arrivals", roster.name, 20)]

    # 5. make a signing key, then export the unit's score sheet signed (签章 menu)
    from ui.pdf_export import ExportDialog
    from ui.pdf_keys import KeysDialog, NewKeyDialog

    def new_key(dialog: NewKeyDialog) -> None:
        for field, text in ((dialog.name, "王考核"), (dialog.organisation, "吴江区人社局")):  # over what is offered
            field.selectAll()
            type_chinese(field, text)
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClicks(dialog.again, PASSWORD)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.info is not None, timeout=60000)

    def keys(dialog: KeysDialog) -> None:
        made = answer_modal(NewKeyDialog, new_key, timeout=60)
        qtbot.mouseClick(button(dialog, "新建密钥…"), Qt.MouseButton.LeftButton)
        check_answered(made)
        shot_over(window, dialog, "day/40-keys")
        dialog.accept()
    state = answer_modal(KeysDialog, keys, timeout=90)
    action(window, "签名密钥…").trigger()
    check_answered(state)

    sheet = tmp_path / "评分表.pdf"

    def export(dialog: ExportDialog) -> None:
        dialog.sign.setChecked(True)
        dialog.path.setText(str(sheet))
        dialog._path_edited = True
        dialog.password.setFocus()
        qtbot.keyClicks(dialog.password, PASSWORD)
        warned = keep_answering(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click()
                                if box.button(QMessageBox.StandardButton.Yes) else box.accept())
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: sheet.is_file() and "已签名" in dialog.status.text(), timeout=120000)
        stop_answering(warned)  # asked only when clauses still lack evidence or other units are not final
        shot_over(window, dialog, "day/41-signed")
        dialog.reject()
    state = answer_modal(ExportDialog, export, timeout=180)
    action(window, "导出考核评分表（PDF）…").trigger()
    check_answered(state)
    assert session.locked(uid)
    from core.pdf.signing import verify_pdf
    check = verify_pdf(sheet.read_bytes(), name=sheet.name, known=lambda fp: True)
    assert check.intact and check.signatures[0].signer == "王考核"
    step(window, 42, "locked")

    # 6. print the signed sheet as it is (Ctrl+P → 已导出的 PDF 文件, 浏览…, Qt's print dialog, a PDF
    # printer): the same pages as the signed PDF, its signature stamp included
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog

    from tests.ui.test_desktop_printing import difference, pages_of, picture, print_to_file
    from ui.printing import PDF_FILE, PrintDocumentsDialog
    printed = tmp_path / "打印的签名评分表.pdf"
    window.activateWindow()  # offscreen Qt leaves no window active after the export dialog closed
    qtbot.waitUntil(window.isActiveWindow)
    seen: dict = {}

    def choose(chooser: PrintDocumentsDialog) -> None:
        seen["chooser"] = chooser
        chooser.kind_buttons[PDF_FILE].click()
        files = answer_modal(QFileDialog, choose_file(sheet))
        qtbot.mouseClick(chooser.pdf_browse, Qt.MouseButton.LeftButton)
        check_answered(files)
        assert chooser.pdf_path.text() == str(sheet)
        shot_over(window, chooser, "day/43-print-choose")
        seen["print"] = answer_modal(QPrintDialog, print_to_file(printed, window=window, shot="day/44-print-dialog"),
                                     timeout=60)
        qtbot.mouseClick(chooser.print_button, Qt.MouseButton.LeftButton)
    state = answer_modal(PrintDocumentsDialog, choose, timeout=60)
    closer = QTimer()  # the chooser stays open after printing, as for a second copy: close it then
    closer.setInterval(20)
    closer.timeout.connect(lambda: seen.get("chooser") and seen["chooser"].pages_sent is not None
                           and not seen["chooser"].worker.running and seen["chooser"].reject())
    closer.start()
    qtbot.keyClick(window, "P", modifier=Qt.KeyboardModifier.ControlModifier)
    closer.stop()
    check_answered(state)
    check_answered(seen["print"])
    assert seen["chooser"].pages_sent == pages_of(sheet) == pages_of(printed)
    last = pages_of(sheet)  # the page with the signature stamp
    signed_page, printed_page = picture(sheet, last, "day-signed"), picture(printed, last, "day-printed")
    assert difference(signed_page, printed_page) < 0.03
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", "-f", str(last), "-l", str(last), str(printed),
                    str(DAY / "45-printed-signed-page")], check=True)

    # 7. close the year and reopen it from the start page's recent list
    action(window, "关闭年度").trigger()
    qtbot.waitUntil(lambda: window.session is None)
    step(window, 50, "closed")
    recent = window.start.recent
    item = next(recent.item(i) for i in range(recent.count()) if year_file.name in recent.item(i).text())
    rect = recent.visualItemRect(item)
    qtbot.mouseClick(recent.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(recent, Qt.Key.Key_Return)  # (QTest's double-click does not reach an item view offscreen)
    qtbot.waitUntil(lambda: window.session is not None)
    again = window.session
    uid = again.unit_id(NEW_UNIT)
    assert again.unit(uid).trips == unit.trips and again.unit(uid).bases[0].name == LABOUR_BASES[0]
    assert [i.rows for i in again.ds.imports(uid)] == [20] and again.locked(uid)
    # back where the day ended: the new unit, its last page
    assert window.current_unit_id() == uid and window.workspace.current_page().id == again.pages[-1].id
    assert NEW_UNIT in window.workspace.clause_page.unit_label.text()
    step(window, 51, "reopened")
    QSettings().sync()
