"""What the import read without a word, as the assessor now sees it (pytest-qt, offscreen, 1366×768): a hidden row and
full-width cells among the preview's notes, a month its sheet's name denies among the problems; searches that find
full-width digits typed by a Chinese input method; the people view and the preview legible at 1366×768."""

from __future__ import annotations

import os

import openpyxl

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QRect, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QListWidget  # noqa: E402

from tests.desktop_support import shot_over  # noqa: E402
from tests.import_support import UNITS, roster_file  # noqa: E402
from tests.ui.test_desktop import shot, type_chinese  # noqa: E402
from tests.ui.test_desktop_excel import import_through_wizard, uid_of, year  # noqa: E402,F401  (year: the fixture)
from tests.xlsx_builders import MONTHLY_HEADERS, arrival, person_id, write_workbook  # noqa: E402


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def report_with_quiet_cells(folder):
    """A monthly report's sheet "3月": a row hidden in Excel, a date typed full-width, a row whose 月份 says 4月."""
    headers = list(MONTHLY_HEADERS) + ["月份"]
    rows = [headers]
    for k in range(6):
        p = arrival(k)
        rows.append([k + 1, p["姓名"], p["身份证号码"], p["用工单位"], p["劳务基地"],
                     "２０２２－０３－０１" if k == 1 else p["入职日期"], p["联系电话"], "4月" if k == 4 else "3月"])
    path = write_workbook(folder / "三月送工信息.xlsx", {"3月": rows})
    book = openpyxl.load_workbook(path)
    book["3月"].row_dimensions[4].hidden = True  # the third person
    book.save(path)
    return path


def type_keys(widget, text: str) -> None:
    """Each character as a key press and release carrying it (QTest.keyClicks refuses characters beyond Latin-1)."""
    for c in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, c))


def shown_whole(view, row: int, column: int) -> bool:
    """Whether the cell's text, wrapped at its column's width, fits the row's height (nothing cut off)."""
    text = view.model().data(view.model().index(row, column))
    width = view.columnWidth(column) - 8  # the cell's margins
    needed = view.fontMetrics().boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height()
    return view.wordWrap() and needed <= view.rowHeight(row)


def notes_shown(dialog) -> list[str]:
    notes: QListWidget = dialog.notes
    return [notes.item(i).text() for i in range(notes.count())]


def test_the_preview_says_a_hidden_row_and_full_width_cells_and_refuses_a_month_its_sheet_denies(
        qtbot, year, tmp_path):  # noqa: F811
    window = year
    dialog = window.excel_actions.import_dialog("monthly_reports")
    dialog.show()
    dialog.set_file(report_with_quiet_cells(tmp_path), "monthly_reports", uid_of(window, 0))
    QTest.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None and dialog.worker.wait(60)
    QApplication.processEvents()
    hidden_name = arrival(2)["姓名"]
    assert dialog.notes_box.isVisible()
    assert f"3月 第 4 行“姓名”：“{hidden_name}”这一行是隐藏的（打开文件时看不到），已照常读取；" \
           "如此行不该报送，请运营单位删去后重新报送" in notes_shown(dialog)
    assert "3月 第 3 行“入职日期”：“２０２２－０３－０１”用全角字符书写，已按半角读作 2022-03-01" in notes_shown(dialog)
    model = dialog.problems_model
    assert model.rowCount() == 1
    words = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert words[:4] == ["3月", "6", "月份（H）", "4月"]
    assert words[4].startswith("月份“4月”是2022年4月，与工作表名称“3月”所示的2022年3月不一致")
    assert dialog.choice.partial_button.isVisible()  # the assessor chooses: the other rows alone, or correct it
    assert shown_whole(dialog.problems_view, 0, 4)  # the whole sentence, wrapped, at 1366×768
    shot_over(window, dialog, "import-preview-quiet-cells-1366")
    # the notes are legible at 1366×768: each wraps whole within the list, none cut at its right edge
    notes = dialog.notes
    for i in range(notes.count()):
        rect = notes.visualItemRect(notes.item(i))
        assert rect.width() <= notes.viewport().width()
    assert notes.horizontalScrollBar().maximum() == 0
    dialog.close()


def test_full_width_digits_typed_in_the_people_search_find_the_id_number(qtbot, year, tmp_path):  # noqa: F811
    window = year
    people = [arrival(i) for i in range(5)]
    import_through_wizard(window, roster_file(tmp_path, people), "arrivals", 0).close()
    window.workspace.select_unit(uid_of(window, 0))
    window.excel_actions.show_people()
    view = window.excel_actions.people_view()
    wanted = people[3]["身份证号码"]
    assert wanted == person_id(3)
    view.search.setFocus()
    type_keys(view.search, full_width(wanted[-8:]))  # the digits as a Chinese input method types them
    QApplication.processEvents()
    assert view.search.text() == full_width(wanted[-8:])
    assert view.people_proxy.rowCount() == 1
    assert view.people_proxy.data(view.people_proxy.index(0, 1)) == people[3]["姓名"]
    reason = view.people_model.columnCount() - 1
    assert len(view.people_proxy.data(view.people_proxy.index(0, reason))) > 10
    assert shown_whole(view.people_view, 0, reason)  # the reason read whole at 1366×768
    shot(window, "people-view-full-width-search-1366")
    view.search.clear()
    type_chinese(view.search, full_width(wanted[:6]) + "　")  # committed by the input method, with its space
    assert view.people_proxy.rowCount() == sum(p["身份证号码"].startswith(wanted[:6]) for p in people)
    view.search.clear()
    assert view.people_proxy.rowCount() == 5


def test_the_unit_filter_finds_a_name_typed_with_an_input_methods_space(qtbot, year):  # noqa: F811
    window = year
    ws = window.workspace
    ws.filter.setFocus()
    type_keys(ws.filter, "吴江　乙")  # the ideographic space a Chinese input method types
    QApplication.processEvents()
    assert [ws.unit_proxy.index(r, 0).data(Qt.ItemDataRole.DisplayRole) for r in range(ws.unit_proxy.rowCount())]
    assert ws.unit_proxy.rowCount() == 1 and UNITS[1] in ws.unit_proxy.index(0, 0).data()
    ws.filter.clear()
    type_keys(ws.filter, "ｚｚｚ")
    assert ws.unit_proxy.rowCount() == 0


def test_the_preview_notes_a_gender_the_id_number_denies_and_a_phone_that_is_no_number(
        qtbot, year, tmp_path):  # noqa: F811
    """Read, not refused: the rules count people by their ID number; the assessor is asked to check the cells."""
    window = year
    people = [arrival(i) for i in range(1, 5)]
    people[1]["性别"] = "男"  # person 2's ID number says a woman
    people[2]["联系电话"] = "1391234567"  # a digit short
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    dialog.set_file(roster_file(tmp_path, people), "arrivals", uid_of(window, 0))
    QTest.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None and dialog.worker.wait(60)
    QApplication.processEvents()
    assert dialog.notes_box.isVisible() and dialog.problems_model.rowCount() == 0
    shown = notes_shown(dialog)
    assert any(n.endswith(f"“性别”：性别为“男”，而身份证号码（{person_id(2)[:6]}********{person_id(2)[-4:]}）"
                          "第 17 位表示女性，请核对性别或身份证号码") for n in shown), shown
    assert any(n.endswith("“联系电话”：联系电话“1391234567”既不是 11 位手机号码，也不像带区号的固定电话，请核对")
               for n in shown), shown
    shot_over(window, dialog, "import-preview-gender-phone-1366")
    dialog.close()
