"""What the import wizard tells the assessor about a workbook before importing it (pytest-qt, offscreen),
driven by clicks on its buttons: a sheet hidden in Excel is named and left unread, on the status line too; a form
naming another unit than the one chosen is asked about before importing; rows that will count under no base (a
base the unit has not registered, none where it has several) are listed. Every workbook is a
real .xlsx written with openpyxl; screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import openpyxl  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from core.common.messages import render  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, keep_answering, shot_over, stop_answering  # noqa: E402
from tests.import_support import UNITS, monthly_file, roster_file  # noqa: E402
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
    unread = "注意：1 个工作表在 Excel 中是隐藏的，未读取（“2021年”），其中的人员不会导入"
    assert unread in dialog.status.text() and dialog.notes_box.title() == "提示（隐藏的工作表未读取）"
    shot_over(window, dialog, "import-preview-hidden-sheet")
    dialog.close()


def test_a_file_passing_the_check_with_hidden_sheets_says_on_its_status_line_they_were_not_read(qtbot, year,
                                                                                               tmp_path):
    window = year
    sheets = {"花名册": arrivals_rows([arrival(i) for i in range(4)]),
              "2021年": arrivals_rows([arrival(i) for i in range(30, 33)]),
              "备用": arrivals_rows([arrival(i) for i in range(40, 42)])}
    path = write_workbook(tmp_path / "花名册.xlsx", sheets)
    wb = openpyxl.load_workbook(path)
    wb["2021年"].sheet_state = "hidden"
    wb["备用"].sheet_state = "veryHidden"
    wb.save(path)
    dialog = checked_by_click(qtbot, window, path)
    assert dialog.preview.importable and not dialog.preview.problems
    status = dialog.status.text()
    assert status.startswith("已读取的 4 行均无问题，可以导入。") and "检查通过" not in status
    assert "注意：2 个工作表在 Excel 中是隐藏的，未读取（“2021年”、“备用”），其中的人员不会导入" in status
    assert "#a35200" in dialog.status.styleSheet()  # told in the colour of what to heed, not the green of a pass
    assert dialog.notes_box.title() == "提示（隐藏的工作表未读取）"
    shot_over(window, dialog, "import-preview-hidden-sheets-passing")
    dialog.close()
    clean = checked_by_click(qtbot, window, write_workbook(tmp_path / "干净.xlsx", {"花名册": sheets["花名册"]}))
    assert clean.status.text() == "检查通过：4 行均无问题，可以导入。"
    clean.close()


def form_of_unit(tmp_path, unit_line: str, name: str = "附件2.xlsx"):
    """A roster on the program's own form layout: its title, then the unit line in A3, then the header."""
    rows = [["“乐业吴江”就业协作联盟组织进吴人员花名册"], [unit_line, "", "", "", "", "考核年度：2022年"]]
    return write_workbook(tmp_path / name, {"附件2 人员花名册": rows + arrivals_rows([arrival(i) for i in range(3)])},
                          title="附件2", title_rows=1, merge_title=False)


def test_a_form_naming_another_unit_is_asked_about_before_importing_and_refused_unless_confirmed(qtbot, year,
                                                                                                 tmp_path):
    window = year
    path = form_of_unit(tmp_path, f"运营单位（盖章）：{UNITS[1]}")
    dialog = checked_by_click(qtbot, window, path)
    assert dialog.preview.importable and not dialog.preview.problems
    said = (f"工作表“附件2 人员花名册”的 A3 单元格写明运营单位为“{UNITS[1]}”，而本次是导入到“{UNITS[0]}”："
            "请核对是否选错了文件或运营单位")
    assert dialog.heed_box.isVisible() and dialog.heed_box.title() == "导入前请核对"
    assert [dialog.heed.item(i).text() for i in range(dialog.heed.count())] == [said]
    assert "表中写明的运营单位不是所选的" in dialog.status.text() and "检查通过" not in dialog.status.text()
    shot_over(window, dialog, "import-preview-form-of-another-unit")

    def look_and_cancel(box):
        assert said in box.text() and f"仍要导入到“{UNITS[0]}”吗？" in box.text()
        shot_over(window, box, "import-question-form-of-another-unit")
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    state = answer_modal(QMessageBox, look_and_cancel)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert dialog.imported_id is None and not window.session.imports()
    assert dialog.status.text().startswith("未导入")

    state = answer_modal(QMessageBox, lambda box: qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes),
                                                                   Qt.MouseButton.LeftButton))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert dialog.imported_id is not None and "已导入 3 行" in dialog.status.text()
    assert [s.rows for s in window.session.imports()] == [3]
    dialog.close()


@pytest.mark.parametrize("line", [f"运营单位（盖章）：　{UNITS[0]} ", f"运营单位(盖章):{UNITS[0].replace('（', '(')}",
                                  "运营单位（盖章）：", "运营单位（盖章）：______"])
def test_a_form_naming_the_chosen_unit_however_spaced_or_none_imports_without_a_question(qtbot, year, tmp_path, line):
    window = year
    dialog = checked_by_click(qtbot, window, form_of_unit(tmp_path, line))
    assert not dialog.year_notes.other_unit and not dialog.heed_box.isVisible()
    assert dialog.status.text().startswith("检查通过：3 行均无问题")
    asked = keep_answering(QMessageBox, lambda box: box.reject(), timeout=20)  # a question would be closed: no
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    stop_answering(asked)
    assert asked["seen"] == 0 and dialog.imported_id is not None
    dialog.close()


def test_a_row_naming_no_base_where_the_unit_has_several_is_listed_before_importing(qtbot, year, tmp_path):
    window = year
    people = [arrival(i) for i in range(5)]
    people[1]["劳务基地"] = ""  # the unit has three labour bases: which one?
    people[2]["劳务基地"] = "浙江某某基地"
    dialog = checked_by_click(qtbot, window, roster_file(tmp_path, people))
    assert dialog.preview.importable and not dialog.preview.problems
    assert dialog.heed_box.isVisible() and dialog.heed_box.title() == "导入前请核对（这些行可以导入，但导入后不计分）"
    assert [dialog.heed.item(i).text() for i in range(dialog.heed.count())] == [
        "花名册 第 4 行“劳务基地”：未填写基地，而该单位登记的劳务基地有 3 个：1 行（第 4 行）"
        "导入后不计入任何基地的人数，直到补填基地名称",
        "花名册 第 5 行“劳务基地”：基地“浙江某某基地”不是该单位登记的劳务基地：1 行（第 5 行）"
        "导入后不计入任何基地的人数，直到在本单位登记该基地或改正基地名称"]
    assert "其中 2 行未填基地或所填基地不是该单位登记的基地，导入后不计入基地人数" in dialog.status.text()
    shot_over(window, dialog, "import-preview-roster-blank-base")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "“导入前请核对”所列的 2 行已导入，但不计分" in dialog.status.text()
    unit = next(u for u in window.session.match().units if u.unit == UNITS[0])
    verdicts = {p.record.row: render(p.verdict) for p in unit.people}
    assert "未填写基地，而该单位登记的劳务基地有 3 个" in verdicts[4]  # as 人员核对 says after importing
    assert "基地“浙江某某基地”不是该单位登记的劳务基地" in verdicts[5] and "基地" not in verdicts[3]
    dialog.close()


def test_a_base_name_written_otherwise_is_corrected_for_all_its_rows_in_the_preview(qtbot, year, tmp_path):
    """The unit wrote “浙江某某基地” on two rows for a base it registered under another name: the assessor
    picks the registered name under 导入前请核对, clicks 更正并重新检查, and those rows import counted
    under that base, the corrections listed and recorded as any corrected cell is."""
    window = year
    people = [arrival(i) for i in range(6)]
    people[1]["劳务基地"] = ""
    people[2]["劳务基地"] = people[4]["劳务基地"] = "浙江某某基地"
    people[5]["劳务基地"] = "周口"  # short for one registered base
    dialog = checked_by_click(qtbot, window, roster_file(tmp_path, people))
    assert dialog.rename_row.isVisible()
    offered = [dialog.rename_written.itemText(i) for i in range(dialog.rename_written.count())]
    assert offered == ["未填写基地（1 行）", "“浙江某某基地”（2 行）", "“周口”（1 行）"]
    dialog.rename_written.setCurrentIndex(2)  # the registered base holding what the row wrote is offered first
    assert "周口" in dialog.rename_to.currentText() and dialog.rename_button.isEnabled()
    dialog.rename_written.setCurrentIndex(1)
    registered = [dialog.rename_to.itemText(i) for i in range(dialog.rename_to.count())]
    assert len(registered) == 3 and "浙江某某基地" not in registered
    assert dialog.rename_to.currentIndex() == -1 and not dialog.rename_button.isEnabled()  # none guessed
    dialog.rename_to.setCurrentIndex(2)
    assert dialog.rename_button.isEnabled()
    chosen = registered[2]
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None and dialog.worker.wait(60)
    qtbot.waitUntil(lambda: dialog.preview is not None and len(dialog.preview.corrections) == 2, timeout=10_000)
    assert [dialog.heed.item(i).text() for i in range(dialog.heed.count())][:1] == [
        "花名册 第 4 行“劳务基地”：未填写基地，而该单位登记的劳务基地有 3 个：1 行（第 4 行）"
        "导入后不计入任何基地的人数，直到补填基地名称"]
    notes = [dialog.notes.item(i).text() for i in range(dialog.notes.count())]
    assert notes == [f"花名册 第 {row} 行“劳务基地”（E 列）：已由“浙江某某基地”更正为“{chosen}”（导入时记入审计）"
                     for row in (5, 7)]
    shot_over(window, dialog, "import-preview-base-renamed")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.imported_id is not None
    unit = next(u for u in window.session.match().units if u.unit == UNITS[0])
    bases = {p.record.row: p.record.base for p in unit.people}
    assert bases[5] == bases[7] == chosen
    verdicts = {p.record.row: render(p.verdict) for p in unit.people}
    assert "基地" not in verdicts[5] and "基地" not in verdicts[7] and "未填写基地" in verdicts[4]
    dialog.close()
    # after the dialog is gone, 人员核对's 导入记录 still tells what was corrected before the import
    view = window.excel_actions.people_view()
    view.refresh()
    imports = view.imports_model
    row = next(r for r in range(imports.rowCount()) if imports.data(imports.index(r, 0)) == "附件2花名册.xlsx")
    assert imports.data(imports.index(row, 7)) == "2 个单元格"
    assert imports.data(imports.index(row, 7), Qt.ItemDataRole.ToolTipRole) == "\n".join(
        f"花名册 第 {r} 行“劳务基地”（E 列）：“浙江某某基地”→“{chosen}”" for r in (5, 7))
    ws = window.workspace
    ws.tabs.setCurrentIndex(next(i for i in range(ws.tabs.count()) if ws.tabs.tabText(i) == "人员核对"))
    view.tabs.setCurrentWidget(view.imports_page)
    from tests.ui.test_desktop import SHOTS
    qtbot.waitUntil(view.isVisible)
    window.grab().save(str(SHOTS / "people-imports-corrected.png"))


def test_one_base_name_correction_chosen_by_mistake_is_taken_back_alone(qtbot, year, tmp_path):
    """Two names corrected, the second to the wrong base: the assessor selects its lines among the notes and
    clicks 撤回所选更正; those rows are checked again as the file has them, the other correction stays."""
    window = year
    people = [arrival(i) for i in range(6)]
    people[2]["劳务基地"] = people[4]["劳务基地"] = "浙江某某基地"
    people[5]["劳务基地"] = "周口"
    dialog = checked_by_click(qtbot, window, roster_file(tmp_path, people))
    assert not dialog.withdraw_button.isVisible()  # nothing corrected yet

    def correct(written: int, to: int, corrections: int) -> None:
        dialog.rename_written.setCurrentIndex(written)
        if to >= 0:
            dialog.rename_to.setCurrentIndex(to)
        qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.preview is not None and len(dialog.preview.corrections) == corrections,
                        timeout=20_000)
    correct(1, -1, 1)  # 周口: the registered base holding the name, offered first
    zhoukou = dialog.preview.corrections[0].new
    correct(0, 0, 3)  # 浙江某某基地 to the first registered base: a mistake
    notes = [dialog.notes.item(i).text() for i in range(dialog.notes.count())]
    wrong = [i for i, text in enumerate(notes) if "已由“浙江某某基地”更正为" in text]
    assert len(wrong) == 2 and dialog.withdraw_button.isVisible() and not dialog.withdraw_button.isEnabled()
    assert dialog.notes_box.title() == "提示和您的更正（选中更正可撤回）"  # not 已自动转换: the assessor's own
    for i in wrong:  # selected by clicks, the second with Ctrl held
        rect = dialog.notes.visualItemRect(dialog.notes.item(i))
        qtbot.mouseClick(dialog.notes.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier if i != wrong[0] else Qt.KeyboardModifier.NoModifier,
                         rect.center())
    assert dialog.withdraw_button.isEnabled()
    shot_over(window, dialog, "import-preview-correction-withdrawn-before")
    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None and len(dialog.preview.corrections) == 1, timeout=20_000)
    assert [c.new for c in dialog.preview.corrections] == [zhoukou]
    offered = [dialog.rename_written.itemText(i) for i in range(dialog.rename_written.count())]
    assert offered == ["“浙江某某基地”（2 行）"]  # to be corrected again, or imported as they are
    shot_over(window, dialog, "import-preview-correction-withdrawn")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.imported_id is not None and not dialog.withdraw_button.isVisible()
    unit = next(u for u in window.session.match().units if u.unit == UNITS[0])
    bases = {p.record.row: p.record.base for p in unit.people}
    assert bases[5] == bases[7] == "浙江某某基地" and bases[8] == zhoukou
    dialog.close()


def test_a_monthly_report_naming_a_roster_person_otherwise_is_listed_before_importing(qtbot, year, tmp_path):
    """The same ID number under 李某 on the roster and 汪芳 in the monthly report: one of the two was typed
    wrong. 人员核对 said so only after importing; the preview says it first (the person still counts)."""
    window = year
    people = [arrival(i) for i in range(4)]
    roster = checked_by_click(qtbot, window, roster_file(tmp_path, people))
    qtbot.mouseClick(roster.import_button, Qt.MouseButton.LeftButton)
    assert roster.imported_id is not None
    roster.close()
    reported = [dict(p) for p in people]
    reported[2]["姓名"] = "汪芳"
    dialog = checked_by_click(qtbot, window, monthly_file(tmp_path, reported), kind="monthly_reports")
    assert dialog.preview.importable and dialog.heed_box.isVisible() and dialog.heed_box.title() == "导入前请核对"
    assert [dialog.heed.item(i).text() for i in range(dialog.heed.count())] == [
        f"2022年3月 第 4 行“姓名”：姓名为“汪芳”，而花名册中此身份证号码的姓名为“{people[2]['姓名']}”："
        "请核对哪一处填错（仍按身份证号码计入）"]
    assert "其中 1 行的姓名与花名册中同一身份证号码的姓名不同" in dialog.status.text()
    shot_over(window, dialog, "import-preview-monthly-name-differs")
    dialog.close()


def test_every_problem_of_a_row_is_listed_in_the_preview(qtbot, year, tmp_path):
    """A trainee under 16 whose 类型 is also wrong: both problems listed, each at its cell with the value as
    written, not the age only once the type is corrected; the summary counts the row once."""
    import datetime as dt

    from core.common.identifiers import mask_id_number
    from tests.import_support import placement, placements_file
    from tests.xlsx_builders import valid_id
    window = year
    young = valid_id(7, dt.date(2008, 3, 1))
    rows = [placement(1), placement(2, "培训", 身份证号码=young), placement(3, "实习")]
    dialog = checked_by_click(qtbot, window, placements_file(tmp_path, rows), "placements")
    p = dialog.preview
    assert [(r.sheet, r.row, r.column, r.message.code) for r in p.problems] == [
        ("学员", 3, "身份证号码", "excel.under_minimum_age"), ("学员", 3, "类型", "excel.bad_choice")]
    model = dialog.problems_model
    shown = [[model.data(model.index(r, c)) for c in range(5)] for r in range(model.rowCount())]
    assert [row[:3] for row in shown] == [["学员", "3", "身份证号码（C）"], ["学员", "3", "类型（F）"]]
    assert shown[0][3] == mask_id_number(young) and "不满 16 周岁" in shown[0][4]  # masked as the preview opens
    assert shown[1][3] == "培训" and "取值“培训”无效" in shown[1][4]
    assert "有问题 1 行" in dialog.summary.text()
    shot_over(window, dialog, "import-preview-two-problems-one-row")
    dialog.close()
