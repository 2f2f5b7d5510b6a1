"""What the import wizard tells the assessor about a workbook before importing it (pytest-qt, offscreen),
driven by clicks on its buttons: a sheet hidden in Excel is named and left unread. Every workbook is a
real .xlsx written with openpyxl; screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import openpyxl  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from tests.desktop_support import shot_over  # noqa: E402
from tests.ui import test_desktop_excel  # noqa: E402
from tests.ui.test_desktop_excel import uid_of  # noqa: E402
from tests.xlsx_builders import arrival, arrivals_rows, person_id, write_workbook  # noqa: E402

year = test_desktop_excel.year  # the fixture: three units with bases, open in the window


def checked_by_click(qtbot, window, path, kind="arrivals", unit=0):
    """The wizard with the file chosen and 检查文件 clicked; the preview on screen, nothing imported yet."""
    dialog = window.excel_actions.import_dialog(kind)
    dialog.show()
    dialog.set_file(path, kind, uid_of(window, unit))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None and dialog.worker.wait(60)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.stack.currentIndex() == 1, timeout=10_000)
    return dialog


def test_a_hidden_sheet_is_named_in_the_preview_and_its_rows_neither_counted_nor_listed(qtbot, year, tmp_path):
    window = year
    people = [arrival(i) for i in range(5)]
    people[4]["身份证号码"] = person_id(4)[:17] + ("0" if person_id(4)[17] != "0" else "1")
    path = write_workbook(tmp_path / "花名册.xlsx", {"花名册": arrivals_rows(people),
                                                     "2021年": arrivals_rows([arrival(i) for i in range(30, 33)])})
    wb = openpyxl.load_workbook(path)
    wb["2021年"].sheet_state = "hidden"
    wb.save(path)
    dialog = checked_by_click(qtbot, window, path)
    p = dialog.preview
    assert (p.checked.rows_checked, len(p.checked.records)) == (5, 4)
    assert {r.sheet for r in p.problems} == {"花名册"} and {s.sheet for s in p.left_out_sheets} == {"花名册"}
    assert dialog.notes_box.isVisible()
    notes = [dialog.notes.item(i).text() for i in range(dialog.notes.count())]
    assert notes == ["工作表“2021年”在 Excel 中是隐藏的，未读取；如其中的人员也要导入，请在 Excel 中取消隐藏后重新检查"]
    assert dialog.choice.partial_button.text().startswith("只导入无误的 4 行")
    shot_over(window, dialog, "import-preview-hidden-sheet")
    dialog.close()
