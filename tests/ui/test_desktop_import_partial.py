"""A roster with one bad 身份证号 among good rows, in the import wizard as the assessor uses it (real
.xlsx files, real clicks on the wizard's buttons, the corrected value typed into the preview's cell
with real key events): 只导入无误的 4 行 stores exactly those rows, saves the row left out for the
unit and records the choice in the audit trail, and Ctrl+Z takes it out; or the cell is corrected in
the preview, 重新检查 finds no problem, and the import records the correction (file, row, column,
old → new). Screenshots at 1366×768 go to artifacts/screenshots/."""

from __future__ import annotations

import json
import os

import openpyxl

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QProgressDialog  # noqa: E402

from core.common.identifiers import mask_id_number  # noqa: E402
from core.people.tables import file_sha256  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from tests.import_support import roster_file  # noqa: E402
from tests.ui.test_desktop import type_chinese  # noqa: E402
from tests.ui.test_desktop_day import choose_file  # noqa: E402
from tests.ui.test_desktop_excel import uid_of, unchanged, year  # noqa: E402,F401  (a fixture)
from tests.xlsx_builders import arrival, person_id, person_name  # noqa: E402

BAD_ROW = 5  # the title row, the header row, persons 0 and 1, then person 2


def wrong_check_digit(i: int) -> str:
    number = person_id(i)
    return number[:17] + ("0" if number[17] != "0" else "1")


def five_with_one_bad(tmp_path):
    people = [arrival(i) for i in range(5)]
    people[2] = arrival(2, 身份证号码=wrong_check_digit(2))
    return roster_file(tmp_path, people)


def checked_wizard(qtbot, window, path, unit: int = 0):
    """The wizard opened from 数据 → 导入 Excel, the file chosen, 检查文件 clicked, the check done."""
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.set_file(path, "arrivals", uid_of(window, unit))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None and dialog.worker.wait(60)
    assert dialog.preview is not None
    return dialog


def stored_rows(window) -> list[tuple]:
    return window.session.ds._conn.execute(
        "SELECT sheet_row, name, id_number FROM roster_entries ORDER BY sheet_row").fetchall()


def audit(window, action: str) -> list:
    return [e for e in window.session.ds.audit_entries("imports") if e.action == action]


def type_into_cell(qtbot, view, index, text: str) -> None:
    """Double-click the cell, replace its text with keys (Chinese through the input method), Enter."""
    view.scrollTo(index)
    where = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a double click: press, release,
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)  # then the second press
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), editor
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    if text.isascii():
        qtbot.keyClicks(editor, text)
    else:
        type_chinese(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


def correct_and_recheck(qtbot, dialog, text: str) -> None:
    """The first problem's cell typed over, 重新检查 clicked, the check done and its progress dialog closed."""
    type_into_cell(qtbot, dialog.problems_view, dialog.problems_model.index(0, 3), text)
    qtbot.mouseClick(dialog.choice.recheck_button, Qt.MouseButton.LeftButton)
    assert dialog.worker.wait(60)
    # on a busy machine the check outlasts the progress dialog's delay: once it closes, the focus goes back
    # to the button that started the check, so the keyboard part starts after that
    qtbot.waitUntil(lambda: not any(p.isVisible() for p in dialog.findChildren(QProgressDialog)))
    QApplication.processEvents()


def test_the_good_rows_are_imported_alone_the_bad_one_saved_for_the_unit_and_undone(qtbot, year, tmp_path):
    window = year
    path = five_with_one_bad(tmp_path)
    before = unchanged(window)
    dialog = checked_wizard(qtbot, window, path)
    choice = dialog.choice
    assert choice.isVisible() and choice.title() == "有问题的 1 行怎么办"
    assert choice.partial_button.isVisible() and choice.partial_button.isEnabled()
    assert choice.partial_button.text() == "只导入无误的 4 行（1 行有问题，另存问题清单交单位更正）"
    assert choice.correct_button.text() == "全部更正后再导入" and choice.correct_button.isEnabled()
    assert not choice.recheck_button.isEnabled() and not dialog.import_button.isEnabled()
    assert "可只导入无误的 4 行" in dialog.status.text()
    shot_over(window, dialog, "excel-import-choice")

    # 只导入无误的 4 行: where to save the row left out is asked first; cancelling imports nothing
    answer_modal(QFileDialog, lambda d: d.reject())
    qtbot.mouseClick(choice.partial_button, Qt.MouseButton.LeftButton)
    assert dialog.imported_id is None and unchanged(window) == before
    listed = tmp_path / "交单位更正.xlsx"
    asked = {}

    def save_as(d: QFileDialog) -> None:
        asked["offered"] = d.selectedFiles()
        d.selectFile(str(listed))
        d.accept()

    state = answer_modal(QFileDialog, save_as)
    qtbot.mouseClick(choice.partial_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert asked["offered"][0].endswith("附件2花名册-未导入的行.xlsx")
    assert dialog.export_worker is not None and dialog.export_worker.wait(60)

    # exactly the four good rows, all in one edit
    assert stored_rows(window) == [(r, person_name(i), person_id(i)) for r, i in ((3, 0), (4, 1), (6, 3), (7, 4))]
    (source,) = window.session.imports(uid_of(window, 0))
    assert (source.file_name, source.rows) == (path.name, 4)
    # the choice in the audit trail: how many rows were left out and why, the file's name and SHA-256
    summary = json.loads(audit(window, "import")[-1].new_value)
    assert (summary["file_name"], summary["sha256"], summary["rows"]) == (path.name, file_sha256(path), 4)
    assert summary["left_out_rows"] == 1
    assert summary["left_out"] == [{"sheet": "花名册", "row": BAD_ROW, "problems": [
        {"field": "身份证号码", "code": "excel.id_check_digit", "text": summary["left_out"][0]["problems"][0]["text"]}]}]
    assert "校验位错误" in summary["left_out"][0]["problems"][0]["text"]
    assert wrong_check_digit(2) not in json.dumps(summary, ensure_ascii=False)
    text = dialog.status.text()
    assert "已导入无误的 4 行；有问题的 1 行未导入（已记入审计）" in text and f"已另存到 {listed}" in text
    assert not choice.isVisible() and not dialog.import_button.isEnabled() and dialog.close_button.text() == "完成"
    shot_over(window, dialog, "excel-import-good-rows-imported")

    # the list the unit gets: its own row, under its own headers, the bad cell marked, ID masked
    ws = openpyxl.load_workbook(listed)["花名册"]
    assert ws["A3"].value == "原行号" and ws["E3"].value == "身份证号码" and ws["L3"].value == "问题"
    assert (ws["A4"].value, ws["C4"].value, ws["E4"].value) == (BAD_ROW, person_name(2), mask_id_number(wrong_check_digit(2)))
    assert "校验位错误" in ws["L4"].value and ws["E4"].fill.fgColor.rgb.endswith("F8D7DA")
    assert ws.max_row == 4
    dialog.close()

    # undone as a whole import is: Ctrl+Z takes the four rows out, redo puts them back
    assert "无误的 4 行" in window.undo.undo_action.text()
    window.undo.undo_action.trigger()
    assert stored_rows(window) == [] and window.session.imports(uid_of(window, 0)) == []
    window.undo.redo_action.trigger()
    assert len(stored_rows(window)) == 4
    assert window.session.ds.verify_audit() is None


def test_a_bad_cell_corrected_in_the_preview_is_checked_again_and_the_correction_audited(qtbot, year, tmp_path):
    window = year
    path = five_with_one_bad(tmp_path)
    before = unchanged(window)
    dialog = checked_wizard(qtbot, window, path)
    view, model = dialog.problems_view, dialog.problems_model
    (problem,) = model.rows
    index = model.index(0, 3)
    assert model.data(index, Qt.ItemDataRole.EditRole) == wrong_check_digit(2)  # as written, to be corrected
    assert model.data(index) == mask_id_number(wrong_check_digit(2)) and model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, 4)) & Qt.ItemFlag.ItemIsEditable  # the problem itself is not typed over

    type_into_cell(qtbot, view, index, person_id(2))
    assert model.data(index, Qt.ItemDataRole.EditRole) == person_id(2)
    assert model.data(index) == mask_id_number(person_id(2))  # on screen masked, as every ID number
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is not None  # marked as corrected
    tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert mask_id_number(wrong_check_digit(2)) in tip and wrong_check_digit(2) not in tip  # the file's value kept
    choice = dialog.choice
    assert choice.recheck_button.isEnabled() and not choice.partial_button.isEnabled()
    assert not dialog.import_button.isEnabled() and "请点“重新检查”" in dialog.status.text()
    assert unchanged(window) == before  # typing wrote nothing
    shot_over(window, dialog, "excel-import-cell-corrected")

    qtbot.mouseClick(choice.recheck_button, Qt.MouseButton.LeftButton)
    assert dialog.worker.wait(60)
    p = dialog.preview
    assert p.checked.ok and len(p.checked.records) == 5 and model.rowCount() == 0
    assert "无问题 5 行，有问题 0 行" in dialog.summary.text() and "检查通过" in dialog.status.text()
    notes = [dialog.notes.item(i).text() for i in range(dialog.notes.count())]
    # masked as the problems table has them (the full numbers only with 问题清单显示完整身份证号)
    assert (f"花名册 第 {BAD_ROW} 行“身份证号码”（D 列）：已由“{mask_id_number(wrong_check_digit(2))}”更正为"
            f"“{mask_id_number(person_id(2))}”（导入时记入审计）") in notes
    dialog.full_ids.setChecked(True)
    notes = [dialog.notes.item(i).text() for i in range(dialog.notes.count())]
    assert f"花名册 第 {BAD_ROW} 行“身份证号码”（D 列）：已由“{wrong_check_digit(2)}”更正为“{person_id(2)}”（导入时记入审计）" in notes
    dialog.full_ids.setChecked(False)
    assert not choice.isVisible() and dialog.import_button.isEnabled()
    shot_over(window, dialog, "excel-import-rechecked")

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert stored_rows(window) == [(r, person_name(i), person_id(i)) for r, i in zip(range(3, 8), range(5))]
    assert "已连同原值记入审计" in dialog.status.text()
    (entry,) = audit(window, "correct")
    assert entry.field == f"{path.name}: 花名册 第 {BAD_ROW} 行“身份证号码”（D 列）" and entry.record_id == str(dialog.imported_id)
    assert (json.loads(entry.old_value), json.loads(entry.new_value)) == (wrong_check_digit(2), person_id(2))
    summary = json.loads(audit(window, "import")[-1].new_value)
    assert summary["corrected_cells"] == 1 and summary["sha256"] == file_sha256(path) and "left_out" not in summary
    # provable against the unit's file: the cell named holds the old value, the stored row the new one
    assert openpyxl.load_workbook(path)["花名册"][f"D{BAD_ROW}"].value == wrong_check_digit(2)
    assert window.session.ds.verify_audit() is None


def test_correct_everything_first_opens_each_bad_cell_and_a_chinese_name_is_typed(qtbot, year, tmp_path):
    window = year
    people = [arrival(i) for i in range(4)]
    people[1] = arrival(1, 姓名="")
    people[3] = arrival(3, 首次参保日期="2022年13月1日")
    path = roster_file(tmp_path, people)
    dialog = checked_wizard(qtbot, window, path)
    model, view, choice = dialog.problems_model, dialog.problems_view, dialog.choice
    assert [(r.row, r.column) for r in model.rows] == [(4, "姓名"), (6, "首次参保日期")]
    assert choice.partial_button.text() == "只导入无误的 2 行（2 行有问题，另存问题清单交单位更正）"

    qtbot.mouseClick(choice.correct_button, Qt.MouseButton.LeftButton)  # 全部更正后再导入: the first cell opens
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and view.currentIndex() == model.index(0, 3)
    assert "未写入任何数据" in dialog.status.text()
    shot_over(window, dialog, "excel-import-correct-everything")
    type_chinese(editor, "欧阳娜")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    type_into_cell(qtbot, view, model.index(1, 3), "2022-12-01")
    assert not choice.partial_button.isEnabled()  # the good rows may change: check again first
    qtbot.mouseClick(choice.recheck_button, Qt.MouseButton.LeftButton)
    assert dialog.worker.wait(60)
    assert dialog.preview.checked.ok and dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    stored = stored_rows(window)
    assert [r[1] for r in stored] == [person_name(0), "欧阳娜", person_name(2), person_name(3)]
    assert window.session.ds._conn.execute(
        "SELECT first_insured_date FROM roster_entries WHERE sheet_row = 6").fetchone()[0] == "2022-12-01"
    assert [(e.field.split(": ")[1], json.loads(e.old_value), json.loads(e.new_value)) for e in audit(window, "correct")] \
        == [("花名册 第 4 行“姓名”（B 列）", "", "欧阳娜"),
            ("花名册 第 6 行“首次参保日期”（H 列）", "2022年13月1日", "2022-12-01")]


def test_a_correction_still_wrong_stays_a_problem_and_a_withdrawn_one_needs_no_check(qtbot, year, tmp_path):
    window = year
    dialog = checked_wizard(qtbot, window, five_with_one_bad(tmp_path))
    model, view, choice = dialog.problems_model, dialog.problems_view, dialog.choice
    correct_and_recheck(qtbot, dialog, "12345")
    (row,) = model.rows
    assert row.message.code == "excel.id_length" and model.data(model.index(0, 3)) == "12345"
    assert not choice.recheck_button.isEnabled() and choice.partial_button.isEnabled()  # checked as corrected
    # by keyboard: the row chosen by its first cell, F2 opens the row's value cell
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(0, 0)).center())
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and view.currentIndex() == model.index(0, 3) and editor.text() == "12345"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    type_into_cell(qtbot, view, model.index(0, 3), wrong_check_digit(2))  # the file's value again: no correction
    assert model.corrections == {} and choice.recheck_button.isEnabled()
    qtbot.mouseClick(choice.recheck_button, Qt.MouseButton.LeftButton)
    assert dialog.worker.wait(60)
    assert dialog.preview.corrections == () and model.rows[0].message.code == "excel.id_check_digit"


def test_a_file_changed_after_the_check_is_not_imported_with_the_corrections(qtbot, year, tmp_path):
    window = year
    path = five_with_one_bad(tmp_path)
    before = unchanged(window)
    dialog = checked_wizard(qtbot, window, path)
    type_into_cell(qtbot, dialog.problems_view, dialog.problems_model.index(0, 3), person_id(2))
    roster_file(tmp_path, [arrival(i) for i in range(6)])  # the unit's file replaced meanwhile
    qtbot.mouseClick(dialog.choice.recheck_button, Qt.MouseButton.LeftButton)
    assert dialog.worker.wait(60)
    assert "文件在检查之后被修改过" in dialog.status.text() and not dialog.import_button.isEnabled()
    assert not dialog.choice.isVisible() and not dialog.import_good_rows(tmp_path / "x.xlsx")
    shot_over(window, dialog, "excel-import-file-changed")
    assert unchanged(window) == before


def test_the_problems_have_the_room_and_an_empty_notes_box_is_not_shown(qtbot, year, tmp_path):  # noqa: F811
    """Twelve bad rows at the dialog's usual size: at least seven are read without scrolling (five before), and
    the box of notes is left out when it would only say that there are none."""
    window = year
    people = [arrival(i, 身份证号码=wrong_check_digit(i)) for i in range(12)]
    dialog = checked_wizard(qtbot, window, roster_file(tmp_path, people))
    dialog.resize(1120, 690)
    QApplication.processEvents()
    assert dialog.problems_model.rowCount() == 12
    assert not dialog.notes_box.isVisible()
    view = dialog.problems_view
    shot_over(window, dialog, "excel-import-twelve-problems")
    assert view.viewport().height() // view.verticalHeader().defaultSectionSize() >= 7
    row = view.verticalHeader().defaultSectionSize()
    assert dialog.columns_table.isVisible() and dialog.columns_table.height() >= 4 * row
    dialog.close()


def test_a_row_left_out_after_a_wrong_correction_is_listed_with_the_file_s_own_problem(qtbot, year,  # noqa: F811
                                                                                       tmp_path):
    """The assessor types 12345 over the bad ID number, still wrong, then imports the good rows: the unit's
    list gives the row as its file holds it with the file's own problem (the check digit), not the length of
    a number the unit never wrote; the correction is neither applied nor audited, and the status says so."""
    window = year
    dialog = checked_wizard(qtbot, window, five_with_one_bad(tmp_path))
    model, choice = dialog.problems_model, dialog.choice
    correct_and_recheck(qtbot, dialog, "12345")
    assert model.rows[0].message.code == "excel.id_length"  # the assessor sees what the typed value lacks
    listed = tmp_path / "交单位更正.xlsx"
    state = answer_modal(QFileDialog, choose_file(listed))
    qtbot.mouseClick(choice.partial_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert dialog.export_worker is not None and dialog.export_worker.wait(60)
    ws = openpyxl.load_workbook(listed)["花名册"]
    assert (ws["A4"].value, ws["E4"].value) == (BAD_ROW, mask_id_number(wrong_check_digit(2)))
    assert "校验位错误" in ws["L4"].value and "12345" not in ws["L4"].value
    assert audit(window, "correct") == []
    summary = json.loads(audit(window, "import")[-1].new_value)
    assert "corrected_cells" not in summary and summary["left_out_rows"] == 1
    text = dialog.status.text()
    assert "已连同原值记入审计" not in text
    assert "另有 1 处更正所在的行仍有问题、未导入，这些更正未采用；问题清单按文件原有内容列出。" in text
    shot_over(window, dialog, "excel-import-wrong-correction-left-out")
    dialog.close()


def click_row(qtbot, table, row: int) -> None:
    """A click on the row's first cell, as the assessor chooses a row of a list."""
    where = table.visualRect(table.model().index(row, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)


def test_the_rows_left_out_are_shown_with_the_import_in_its_record_afterwards(qtbot, year, tmp_path):  # noqa: F811
    """Once the wizard is closed, 人员核对 → 导入记录 says how many rows the import left out and, the import chosen
    by a click, lists each one's sheet, row, column and problem from the audit trail, the ID number masked; after
    undo and redo too."""
    window = year
    people = [arrival(i) for i in range(6)]
    people[2] = arrival(2, 身份证号码=wrong_check_digit(2))
    people[4] = arrival(4, 首次参保日期="2022年13月1日")
    path = roster_file(tmp_path, people)
    dialog = checked_wizard(qtbot, window, path)
    state = answer_modal(QFileDialog, choose_file(tmp_path / "交单位更正.xlsx"))
    qtbot.mouseClick(dialog.choice.partial_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert dialog.export_worker is not None and dialog.export_worker.wait(60)
    assert "以后可在“人员核对”的“导入记录”中查看" in dialog.status.text()
    dialog.close()

    ws = window.workspace
    bar = ws.tabs.tabBar()
    people_tab = next(i for i in range(ws.tabs.count()) if ws.tabs.tabText(i) == "人员核对")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(people_tab).center())
    view = window.excel_actions.people_view()
    qtbot.waitUntil(view.isVisible)
    bar = view.tabs.tabBar()
    imports_tab = view.tabs.indexOf(view.imports_page)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(imports_tab).center())
    assert view.tabs.currentIndex() == imports_tab and view.tabs.tabText(imports_tab).startswith("导入记录")
    imports, table, pane = view.imports_model, view.imports_view, view.left_out_pane
    assert imports.headers[8] == "未导入的行"
    (row,) = [r for r in range(imports.rowCount()) if imports.data(imports.index(r, 0)) == path.name]
    assert imports.data(imports.index(row, 3)) == "4" and imports.data(imports.index(row, 8)) == "2 行"
    tip = imports.data(imports.index(row, 8), Qt.ItemDataRole.ToolTipRole)
    assert f"花名册 第 {BAD_ROW} 行“身份证号码”：身份证号码校验位错误" in tip and "花名册 第 7 行“首次参保日期”" in tip
    assert "选中上面的一次导入" in pane.heading.text() and pane.model.rowCount() == 0

    click_row(qtbot, table, row)
    assert view.selected_import().file_name == path.name and pane.view.isVisible()
    assert f"“{path.name}”只导入了无误的行；有问题的 2 行未导入" in pane.heading.text()
    shown = [[pane.model.data(pane.model.index(r, c)) for c in range(4)] for r in range(pane.model.rowCount())]
    assert [r[:3] for r in shown] == [["花名册", str(BAD_ROW), "身份证号码"], ["花名册", "7", "首次参保日期"]]
    assert "校验位错误" in shown[0][3] and mask_id_number(wrong_check_digit(2)) in shown[0][3]
    assert "不是有效日期：2022年13月1日" in shown[1][3]
    assert wrong_check_digit(2) not in str(shown) + tip
    from tests.ui.test_desktop import SHOTS
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    window.grab().save(str(SHOTS / "people-imports-left-out.png"))

    # 修改记录 says it on the import's line, and lists the rows in the line's tip
    from core.store.audit_log import changes_of
    from ui.audit_log import WHAT, ChangesModel
    changes = ChangesModel()
    changes.set_changes(changes_of(window.session.ds))
    (at,) = [r for r in range(changes.rowCount()) if path.name in changes.data(changes.index(r, WHAT))]
    assert changes.data(changes.index(at, WHAT)) == f"导入名单“{path.name}”，有问题的 2 行未导入"
    assert changes.data(changes.index(at, WHAT), Qt.ItemDataRole.ToolTipRole).splitlines()[1:] == tip.splitlines()

    # undone and redone (the import put back with its own id): still told, the same import still chosen
    window.undo.undo_action.trigger()
    assert imports.rowCount() == 0 and "选中上面的一次导入" in pane.heading.text()
    window.undo.redo_action.trigger()
    (row,) = [r for r in range(imports.rowCount()) if imports.data(imports.index(r, 0)) == path.name]
    assert imports.data(imports.index(row, 8)) == "2 行"
    click_row(qtbot, table, row)
    assert pane.model.rowCount() == 2
