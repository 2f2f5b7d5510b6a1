"""Excel in the desktop, as the assessor uses it (pytest-qt, offscreen): the import wizard (check in a
worker, preview, import), a bad file's every problem with nothing written, an unrecognised layout
mapped once and recognised the next time, importing again, undo; 人员核对 with a conflict assigned;
the count source on the clause pages; the annex forms and the summary workbook with masked ID
numbers; cancelling a large check. Every workbook is a real .xlsx (tests/xlsx_builders.py), read
back with openpyxl. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import openpyxl
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton, QScrollArea  # noqa: E402

from core.common.identifiers import mask_id_number  # noqa: E402
from core.store.dataset import Dataset  # noqa: E402
from tests.builders import RULES  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from tests.import_support import UNITS, contents, monthly_file, roster_file, year_with_bases  # noqa: E402
from tests.ui.test_desktop import expected_points, set_cell, shot, type_chinese  # noqa: E402
from tests.xlsx_builders import (  # noqa: E402
    SCHOOL_BASES,
    arrival,
    arrivals_rows,
    cached_roster,
    person_id,
    person_name,
    write_workbook,
)


@pytest.fixture
def year(window, tmp_path):
    """A year of three units with bases (the first labour base of each typed as 60 people, 40 still
    there; the second unit's as 90), the evidence of 2.1 and 2.2 ticked for each, open in the window."""
    path = tmp_path / "2022年度.sqlite"
    with Dataset.create(path, RULES, "张三", backups=False) as ds:
        assert ds.import_year(1, year_with_bases()).ok
        assert ds.update_base(1, ds.base_ids(ds.unit_ids()[1])[0], people=90).ok
        for uid in ds.unit_ids():
            for clause in ("2.1", "2.2"):
                for item in RULES.clause(clause).evidence_ids:
                    assert ds.tick_evidence(1, uid, clause, item).ok
    assert window.open_dataset(path)
    return window


def uid_of(window, n: int) -> int:
    return window.session.unit_id(UNITS[n])


def unchanged(window) -> dict:
    return contents(window.session.ds)


def import_through_wizard(window, path: Path, kind: str, unit: int | None = 0, confirm: bool = False):
    """Open the wizard, check the file in its worker and import it; the dialog."""
    dialog = window.excel_actions.import_dialog(kind)
    dialog.show()
    dialog.set_file(path, kind, None if unit is None else uid_of(window, unit))
    worker = dialog.check()
    assert worker is not None and worker.wait(60)
    assert dialog.preview is not None and dialog.preview.importable, [r.text for r in dialog.preview.problems]
    assert dialog.import_button.isEnabled()
    assert dialog.import_(confirm=confirm)
    return dialog


def go_page(window, unit: int, clause_id: str):
    ws = window.workspace
    ws.select_unit(uid_of(window, unit))
    ws.go_page([p.id for p in window.session.pages].index(clause_id))
    return ws.clause_page


# ------------------------------------------------------------------ a good roster, end to end

def test_a_roster_imported_through_the_wizard_scores_2_1_on_the_clause_page_as_the_engine_does(qtbot, year, tmp_path):
    window = year
    page = go_page(window, 0, "2.1")
    typed = page.points_label.text()
    assert typed == expected_points(window, UNITS[0], "2.1")
    panel = page.source_panel
    assert panel is not None and panel.source_label.text() == "人数来源：手工录入"
    assert panel.import_button.isVisible() and panel.people_link.isVisible()

    people = [arrival(i) for i in range(100)]
    dialog = import_through_wizard(window, roster_file(tmp_path, people), "arrivals")
    p = dialog.preview
    assert (p.checked.rows_checked, len(p.checked.records), p.checked.rows_with_problems) == (100, 100, 0)
    assert "读取 100 行：无问题 100 行，有问题 0 行" in dialog.summary.text()
    recognised = {dialog.columns_table.item(r, 1).text(): dialog.columns_table.item(r, 3).text()
                  for r in range(dialog.columns_table.rowCount())}
    assert recognised["姓名"] == "姓名" and recognised["身份证号码"] == "身份证号码" and recognised["首次参保日期"] == "首次参保日期"
    assert "已导入 100 行" in dialog.status.text() and "仍为手工录入" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    dialog.close()
    import_through_wizard(window, monthly_file(tmp_path, people), "monthly_reports").close()
    assert page.points_label.text() == typed  # the bases still count the typed people

    panel = page.source_panel
    assert "已导入花名册 1 份" in panel.detail_label.text()
    panel.roster_button.click()
    page = window.workspace.clause_page
    assert page.source_panel.source_label.text() == "人数来源：名单核对（全部 5 个基地）"
    shown = page.points_label.text()
    assert shown == expected_points(window, UNITS[0], "2.1") and shown != typed  # 100 matched people: first, not second
    assert window.session.clause_result(uid_of(window, 0), "2.1").value == 100
    model = page.record_models["bases"]
    people_column = model.columns.index("people")
    assert not model.flags(model.index(0, people_column)) & Qt.ItemFlag.ItemIsEditable  # read-only
    assert model.data(model.index(0, model.columns.index("count_source"))) == "名单核对"
    assert "人数按导入的花名册核对" in page.explanation.toPlainText()  # the explanation says which source
    page.findChild(QScrollArea).ensureWidgetVisible(page.facts_box, 0, 0)
    shot(window, "clause-page-roster-source")

    # 2.2 and 4.2 say it too, and the link opens 人员核对 on the same unit
    for clause_id in ("2.2", "4.2"):
        page = go_page(window, 0, clause_id)
        assert page.source_panel.source_label.text().startswith("人数来源：名单核对")
        assert page.points_label.text() == expected_points(window, UNITS[0], clause_id)
    page.source_panel._people()
    view = window.excel_actions.people_view()
    assert window.workspace.tabs.currentWidget() is window.excel_actions.people_tab
    assert view.unit_combo.currentText() == UNITS[0] and view.people_model.rowCount() == 100


# ------------------------------------------------------------------ a bad file

def bad_people() -> list[dict]:
    wrong_digit = person_id(1)[:17] + ("0" if person_id(1)[17] != "0" else "1")
    return [arrival(0), arrival(1, 身份证号码=wrong_digit), arrival(2, 首次参保日期="2022年13月1日"),
            arrival(3, 身份证号码=5.20601199505e17), arrival(4, 姓名=""), arrival(5, 参保月数="六个月"),
            arrival(0, 联系电话="13900000000"), arrival(6, 身份证号码="32050919950517123")]


def test_a_bad_file_shows_every_problem_and_nothing_is_written(qtbot, year, tmp_path):
    window = year
    path = write_workbook(tmp_path / "附件2-有问题.xlsx", {"花名册": arrivals_rows(bad_people())},
                          title="组织进吴人员花名册", title_rows=1)
    before = unchanged(window)
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    dialog.set_file(path, "arrivals", uid_of(window, 0))
    assert dialog.check().wait(60)
    p = dialog.preview
    codes = [(r.row, r.column, r.message.code) for r in p.problems]
    assert codes == [(4, "身份证号码", "excel.id_check_digit"), (5, "首次参保日期", "excel.bad_date"),
                     (6, "身份证号码", "excel.id_as_number"), (7, "姓名", "excel.required_missing"),
                     (8, "参保月数", "excel.bad_integer"), (9, "身份证号码", "excel.duplicate_row"),
                     (10, "身份证号码", "excel.id_length")]
    model = dialog.problems_model
    assert model.rowCount() == len(p.problems) == 7
    shown = [[model.data(model.index(r, c)) for c in range(5)] for r in range(model.rowCount())]
    assert shown[1][:4] == ["花名册", "5", "首次参保日期（H）", "2022年13月1日"] and "不是有效日期" in shown[1][4]
    written = model.data(model.index(0, 3), Qt.ItemDataRole.EditRole)
    assert written == person_id(1)[:17] + written[17] and shown[0][3] == mask_id_number(written)  # masked on screen
    assert "读取 8 行：无问题 1 行，有问题 7 行" in dialog.summary.text()
    assert not dialog.import_button.isEnabled() and not dialog.import_()
    assert "未写入任何数据" in dialog.status.text()
    # sortable: by row, descending
    dialog.problems_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    rows = [model.data(model.index(r, 1)) for r in range(7)]
    assert rows == ["10", "9", "8", "7", "6", "5", "4"]
    shot_over(window, dialog, "excel-preview-problems")

    # the problem list for the unit: masked ID numbers unless asked
    worker = dialog.export_problems(tmp_path / "问题清单.xlsx")
    assert worker.wait(60)
    sheet = openpyxl.load_workbook(tmp_path / "问题清单.xlsx").active
    values = [[c for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(values) == 7 and values[1][:2] == ["花名册", 5]
    assert person_id(1)[:17] not in str(values) and mask_id_number(person_id(1))[:10] in str(values[0])
    assert "已导出" in dialog.status.text() and "未写入任何数据" in dialog.status.text()
    assert dialog.export_problems(tmp_path / "问题清单.csv").wait(60)
    assert (tmp_path / "问题清单.csv").read_text(encoding="utf-8-sig").count("\n") == 8
    assert unchanged(window) == before  # the dataset, audit trail included, exactly as it was


def test_the_problem_texts_on_screen_mask_id_numbers_unless_the_box_is_ticked(qtbot, year, tmp_path):
    """An assessor's laptop on site: with 问题清单显示完整身份证号 unticked (as every preview opens) the problem texts
    and the cells' contents on screen show ID numbers as the exported list does (first 6 and last 4); the sheet, row
    and column are named exactly, and a cell opened to be corrected in place holds its value as written. Ticking the
    box (a real click) shows the texts and cells in full; a new check starts unticked and masked again."""
    window = year
    path = write_workbook(tmp_path / "附件2-有问题.xlsx", {"花名册": arrivals_rows(bad_people())},
                          title="组织进吴人员花名册", title_rows=1)
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    dialog.set_file(path, "arrivals", uid_of(window, 0))
    assert dialog.check().wait(60)
    model = dialog.problems_model
    wrong_digit = bad_people()[1]["身份证号码"]
    duplicate = person_id(0)

    def shown() -> list[list[str]]:
        return [[model.data(model.index(r, c)) for c in range(5)] for r in range(model.rowCount())]
    rows = shown()
    assert not dialog.full_ids.isChecked()
    assert rows[0][:4] == ["花名册", "4", "身份证号码（D）", mask_id_number(wrong_digit)]  # named exactly, masked
    assert model.data(model.index(0, 3), Qt.ItemDataRole.EditRole) == wrong_digit  # corrected as written
    view = dialog.problems_view
    view.setCurrentIndex(model.index(0, 3))
    qtbot.keyClick(view, Qt.Key.Key_F2)  # the cell's editor, as the assessor opens it
    editor = next(w for w in view.findChildren(QLineEdit) if w.isVisible())
    assert editor.text() == wrong_digit
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert rows[0][4].startswith(f"身份证号码校验位错误：{mask_id_number(wrong_digit)}（"), rows[0][4]
    assert rows[5][:3] == ["花名册", "9", "身份证号码（D）"] and mask_id_number(duplicate) in rows[5][4], rows[5][4]
    texts = "\n".join(r[3] + r[4] for r in rows)
    assert wrong_digit not in texts and duplicate not in texts and person_id(6)[:17] not in texts, texts
    for column in (3, 4):
        assert wrong_digit not in model.data(model.index(0, column), Qt.ItemDataRole.ToolTipRole)
    shot_over(window, dialog, "excel-preview-problems-masked")
    # the exported list, as before: masked the same way
    assert dialog.export_problems(tmp_path / "问题清单.xlsx").wait(60)
    sheet = openpyxl.load_workbook(tmp_path / "问题清单.xlsx").active
    exported = [row[4] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert exported == [r[4] for r in rows]

    qtbot.mouseClick(dialog.full_ids, Qt.MouseButton.LeftButton)
    assert dialog.full_ids.isChecked()
    rows = shown()
    assert rows[0][4].startswith(f"身份证号码校验位错误：{wrong_digit}（") and duplicate in rows[5][4], rows
    assert rows[0][3] == wrong_digit
    shot_over(window, dialog, "excel-preview-problems-full-ids")
    assert dialog.recheck().wait(60)
    qtbot.waitUntil(lambda: not dialog.full_ids.isChecked())
    assert wrong_digit not in "\n".join(r[4] for r in shown())


# ------------------------------------------------------------------ an unrecognised layout

ODD_HEADERS = ("编号", "员工名", "证件", "工作单位", "参保起始", "来源地")


def odd_roster(folder: Path, people: range, name: str) -> Path:
    rows = [list(ODD_HEADERS)] + [[k + 1, person_name(i), person_id(i), "吴江精密电子有限公司",
                                   dt.date(2022, 3, 1 + i % 20), "铜仁劳务基地"] for k, i in enumerate(people)]
    return write_workbook(folder / name, {"名单": rows}, title="2022年输送人员", title_rows=1)


def test_an_unrecognised_layout_is_mapped_once_and_recognised_the_next_time(qtbot, year, tmp_path):
    from ui.excel_import import MappingDialog
    window = year
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    dialog.set_file(odd_roster(tmp_path, range(6), "甲.xlsx"), "arrivals", uid_of(window, 0))
    seen = {}

    def answer(mapping: MappingDialog) -> None:
        seen["choices"] = [c.header for c in mapping.question.choices]
        seen["ok_before"] = mapping.ok.isEnabled()
        for field_id, header in (("name", "员工名"), ("id_number", "证件"), ("employer", "工作单位"),
                                 ("first_insured_date", "参保起始"), ("base", "来源地")):
            mapping.choose(field_id, header)
        seen["sample"] = mapping.samples["id_number"].text()
        seen["ok_after"] = mapping.ok.isEnabled()
        shot_over(window, mapping, "excel-mapping-dialog")
        mapping.ok.click()

    asked = answer_modal(MappingDialog, answer)
    first = dialog.check()
    assert first.wait(60)
    check_answered(asked)
    assert dialog.worker is not first and dialog.worker.wait(60)  # checked again with the mapping
    assert seen["choices"] == list(ODD_HEADERS)
    assert seen["sample"] == mask_id_number(person_id(0))  # masked, as every preview shows it
    assert seen == {**seen, "ok_before": False, "ok_after": True}
    p = dialog.preview
    assert p.importable and p.mapping["id_number"] == "证件" and not p.remembered
    assert dialog.import_(confirm=False)
    assert window.session.match().unit(UNITS[0]).people[0].name == person_name(0)
    (source,) = window.session.imports(uid_of(window, 0))
    assert '"证件"' in source.mapping  # kept with the import (audited)
    dialog.close()

    # the next file with the same header cells: no question, the mapping is used by itself
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    dialog.set_file(odd_roster(tmp_path, range(10, 14), "乙.xlsx"), "arrivals", uid_of(window, 1))
    unexpected = answer_modal(MappingDialog, lambda d: d.reject(), timeout=3)
    assert dialog.check().wait(60)
    assert not unexpected["seen"]
    p = dialog.preview
    assert p.remembered and p.importable and p.mapping["first_insured_date"] == "参保起始"
    assert "上次为相同表头保存的列对应" in dialog.mapping_note.text()
    assert dialog.import_(confirm=False)


# ------------------------------------------------------------------ importing again, undo

def test_importing_the_same_roster_again_says_so_and_keeps_final(qtbot, year, tmp_path):
    window = year
    unit = uid_of(window, 0)
    roster = roster_file(tmp_path, [arrival(i) for i in range(5)], "花名册.xlsx")
    import_through_wizard(window, roster, "arrivals").close()
    assert window.session.mark_final("定稿", [unit], True).ok
    dialog = import_through_wizard(window, roster, "arrivals")
    assert "替换了原有的 5 行" in dialog.status.text()
    assert "与上次导入的内容相同，数据未改动，定稿保持不变。" in dialog.status.text()
    assert "取消其定稿" not in dialog.status.text() and window.session.unit(unit).facts_final
    shot(dialog, "import-same-roster-again")


def test_importing_a_roster_again_replaces_it_after_asking_and_undo_brings_the_first_back(qtbot, year, tmp_path):
    window = year
    unit = uid_of(window, 0)
    first = import_through_wizard(window, roster_file(tmp_path, [arrival(i) for i in range(5)], "第一次.xlsx"), "arrivals")
    first.close()
    stored = lambda: sorted(r[0] for r in window.session.ds._conn.execute(  # noqa: E731
        "SELECT id_number FROM roster_entries WHERE unit_id = ?", (unit,)))
    assert stored() == sorted(person_id(i) for i in range(5))

    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    dialog.set_file(roster_file(tmp_path, [arrival(i) for i in range(10, 17)], "第二次.xlsx"), "arrivals", unit)
    assert dialog.check().wait(60)
    assert "将替换已导入的 5 行（第一次.xlsx" in dialog.status.text()
    asked = {}

    def answer(box: QMessageBox) -> None:
        asked["text"] = box.text()
        box.button(QMessageBox.StandardButton.No).click()

    answer_modal(QMessageBox, answer)
    assert not dialog.import_()  # declined: nothing written
    assert "将删除已导入的 5 行（第一次.xlsx），换成本文件的 7 行" in asked["text"]
    assert stored() == sorted(person_id(i) for i in range(5))
    answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    assert dialog.import_()
    assert "替换了原有的 5 行" in dialog.status.text()
    assert stored() == sorted(person_id(i) for i in range(10, 17))
    (source,) = window.session.imports(unit)
    assert (source.file_name, source.rows, source.replaced_rows) == ("第二次.xlsx", 7, 5)

    # undo (Ctrl+Z): the first roster is back, exactly; undo again: no roster; redo twice: the second
    assert "导入" in window.undo.undo_action.text()
    window.undo.undo()
    assert stored() == sorted(person_id(i) for i in range(5))
    assert [s.file_name for s in window.session.imports(unit)] == ["第一次.xlsx"]
    window.undo.undo()
    assert stored() == [] and window.session.imports(unit) == []
    window.undo.redo()
    window.undo.redo()
    assert stored() == sorted(person_id(i) for i in range(10, 17))
    assert window.session.ds.verify_audit() is None

    # 删除本次导入 in 人员核对 (confirmed), undone by Ctrl+Z
    window.excel_actions.show_people()
    view = window.excel_actions.people_view()
    view.tabs.setCurrentWidget(view.imports_page)
    assert view.imports_model.rowCount() == 1 and view.imports_model.data(view.imports_model.index(0, 0)) == "第二次.xlsx"
    view.imports_view.selectRow(0)
    answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    assert view.remove_selected_import()
    assert stored() == [] and view.imports_model.rowCount() == 0
    window.undo.undo()
    assert stored() == sorted(person_id(i) for i in range(10, 17)) and view.imports_model.rowCount() == 1


def test_another_employers_roster_is_kept_beside_the_first_when_the_assessor_says_so(qtbot, year, tmp_path):
    """A unit hands in a roster per employer. Importing the second, the question offers 一并保留并导入 beside
    替换并导入 and 取消; chosen, both rosters stay, both count, and undo takes the second out alone. The same file
    imported again is not offered it: it can only replace itself."""
    window = year
    unit = uid_of(window, 0)
    import_through_wizard(window, roster_file(tmp_path, [arrival(i) for i in range(5)], "甲公司.xlsx"),
                          "arrivals").close()
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    dialog.set_file(roster_file(tmp_path, [arrival(i) for i in range(10, 13)], "乙公司.xlsx"), "arrivals", unit)
    assert dialog.check().wait(60)
    asked = {}

    def beside(box: QMessageBox) -> None:
        asked["text"], asked["buttons"] = box.text(), [b.text() for b in box.buttons()]
        shot(box, "import-roster-beside-question")
        next(b for b in box.buttons() if b.text() == "一并保留并导入").click()

    answer_modal(QMessageBox, beside)
    assert dialog.import_()
    assert sorted(asked["buttons"]) == sorted(["替换并导入", "取消", "一并保留并导入"])
    assert "另一家用人单位盖章的花名册" in asked["text"]
    assert [(s.file_name, s.rows) for s in window.session.imports(unit)] == [("甲公司.xlsx", 5), ("乙公司.xlsx", 3)]
    assert "替换了原有" not in dialog.status.text()
    dialog.close()
    window.undo.undo()
    assert [s.file_name for s in window.session.imports(unit)] == ["甲公司.xlsx"]
    again = window.excel_actions.import_dialog("arrivals")
    again.show()
    again.set_file(roster_file(tmp_path, [arrival(i) for i in range(2)], "甲公司.xlsx"), "arrivals", unit)
    assert again.check().wait(60)

    def replace(box: QMessageBox) -> None:
        asked["again"] = [b.text() for b in box.buttons()]
        box.button(QMessageBox.StandardButton.Yes).click()

    answer_modal(QMessageBox, replace)
    assert again.import_()
    assert sorted(asked["again"]) == sorted(["替换并导入", "取消"])
    assert [(s.file_name, s.rows) for s in window.session.imports(unit)] == [("甲公司.xlsx", 2)]


# ------------------------------------------------------------------ 人员核对: a conflict

def test_a_conflict_assigned_in_the_people_view_changes_both_units_counts(qtbot, year, tmp_path):
    window = year
    session = window.session
    shared = [arrival(0, 参保月数=11), arrival(1, 参保月数=10), arrival(2)]  # 2022-01-01, 2022-02-02: two digits
    for n, own in ((0, range(100, 104)), (1, range(200, 202))):
        people = shared + [arrival(i) for i in own]
        import_through_wizard(window, roster_file(tmp_path, people, f"{n}-附件2.xlsx"), "arrivals", n).close()
        import_through_wizard(window, monthly_file(tmp_path, people, f"{n}-送工.xlsx"), "monthly_reports", n).close()
        assert session.set_count_source("名单核对", uid_of(window, n), "roster").ok
    people = lambda n: session.unit(uid_of(window, n)).bases[0].people + sum(  # noqa: E731
        b.people for b in session.unit(uid_of(window, n)).bases[1:3])
    assert (people(0), people(1)) == (4, 2)  # the three people both claim count for neither

    ws = window.workspace
    ws.select_unit(uid_of(window, 0))
    window.excel_actions.show_people()
    view = window.excel_actions.people_view()
    assert "待确认归属 3 人" in view.counts.text() and "未确认 3 人" in view.counts.text()
    view.filter.setCurrentIndex(view.filter.findData("unconfirmed"))
    assert view.people_proxy.rowCount() == 3
    reason = view.people_proxy.data(view.people_proxy.index(0, 11))
    assert "同一人员还被" in reason and UNITS[1] in reason
    assert view.people_proxy.data(view.people_proxy.index(0, 2)) == mask_id_number(person_id(0))  # masked on screen
    view.filter.setCurrentIndex(view.filter.findData("all"))
    assert view.people_proxy.rowCount() == 7 and view.shown_label.text() == "显示 7 / 7 人"
    shot(window, "people-view-unit")
    view.people_view.sortByColumn(7, Qt.SortOrder.DescendingOrder)  # by months, the list sorting itself
    assert [view.people_proxy.data(view.people_proxy.index(r, 7)) for r in range(7)] == ["11", "10", "8", "7", "6", "5", "4"]
    view.tabs.setCurrentWidget(view.conflicts_page)
    assert view.conflicts_model.rowCount() == 3
    assert view.tabs.tabText(view.tabs.indexOf(view.conflicts_page)).startswith("多家单位申报（3 待确认")
    assert view.select_conflict(person_id(1))
    assert UNITS[0] in view.claims.text() and UNITS[1] in view.claims.text() and "第 4 行" in view.claims.text()
    shot(window, "people-view-conflict")

    from ui.people_view import AssignDialog

    def assign_to(unit: int, why: str):
        def act(dialog: AssignDialog) -> None:
            dialog.choose(uid_of(window, unit))
            assert not dialog.ok.isEnabled()  # a reason is required
            dialog.reason.setFocus()
            type_chinese(dialog.reason, why)
            assert dialog.ok.isEnabled()
            if unit == 0:
                shot_over(window, dialog, "people-assign-dialog")
            dialog.ok.click()
        return act

    answered = answer_modal(AssignDialog, assign_to(0, "社保缴费记录显示由甲单位输送"))
    assert view.assign_selected()
    check_answered(answered)
    assert (people(0), people(1)) == (5, 2)
    assert "归属 " + UNITS[0] in view.conflicts_model.data(view.conflicts_view.model().mapToSource(
        view.conflicts_view.currentIndex()).siblingAtColumn(3))
    assert window.workspace.clause_page.points_label.text() == expected_points(window, UNITS[0], window.workspace.clause_page.page.id)
    answer_modal(AssignDialog, assign_to(1, "复核后改判乙单位"))
    assert view.assign_selected()
    assert (people(0), people(1)) == (4, 3)  # both units' counts follow the decision
    entries = [e for e in session.ds.audit_entries("conflict_assignments")]
    assert entries and entries[-1].reason == "复核后改判乙单位"
    window.undo.undo()
    assert (people(0), people(1)) == (5, 2)
    window.undo.undo()
    assert (people(0), people(1)) == (4, 2)


# ------------------------------------------------------------------ the count source per base

def test_the_count_source_switches_per_base_in_the_table_and_for_the_unit(qtbot, year, tmp_path):
    window = year
    people = [arrival(i) for i in range(9)]
    import_through_wizard(window, roster_file(tmp_path, people), "arrivals").close()
    import_through_wizard(window, monthly_file(tmp_path, people), "monthly_reports").close()
    page = go_page(window, 0, "2.2")
    model = page.record_models["bases"]
    column = model.columns.index("count_source")
    assert model.data(model.index(0, column), Qt.ItemDataRole.UserRole + 1) == [("roster", "名单核对"), ("hand", "手工录入")]
    retained = model.columns.index("retained")
    assert model.flags(model.index(0, retained)) & Qt.ItemFlag.ItemIsEditable  # typed: editable
    set_cell(model, 0, "count_source", "roster")
    model = page.record_models["bases"]
    assert not model.flags(model.index(0, retained)) & Qt.ItemFlag.ItemIsEditable
    # of 铜仁's three people, the one first insured 2022-07-07 has five months by the year's end
    assert model.data(model.index(0, retained)) == 2 and model.data(model.index(1, retained)) == 0
    assert page.source_panel.source_label.text() == "人数来源：1 个基地名单核对，4 个基地手工录入"
    assert page.points_label.text() == expected_points(window, UNITS[0], "2.2")
    page.source_panel.hand_button.click()
    assert page.source_panel.source_label.text() == "人数来源：手工录入"
    assert page.record_models["bases"].data(model.index(0, retained)) == 40
    window.undo.undo()
    assert page.source_panel.source_label.text() == "人数来源：1 个基地名单核对，4 个基地手工录入"
    assert page.source_panel.roster_button.isEnabled() and page.source_panel.hand_button.isEnabled()


# ------------------------------------------------------------------ Excel out

def test_an_annex_form_and_the_summary_are_exported_with_masked_id_numbers_by_default(qtbot, year, tmp_path):
    window = year
    people = [arrival(i) for i in range(6)]
    import_through_wizard(window, roster_file(tmp_path, people), "arrivals").close()
    import_through_wizard(window, monthly_file(tmp_path, people[:4]), "monthly_reports").close()

    dialog = window.excel_actions.export_dialog("annex")
    dialog.show()
    assert dialog.annex_number() == 2 and dialog.unit.currentText() == UNITS[0]
    assert not dialog.full_ids.isChecked() and "个人敏感信息" in dialog.full_ids_why.text()
    assert "前6位和后4位" in dialog.full_ids_why.text() and "不会被记住" in dialog.full_ids_why.text()
    assert "列出该单位核对确认的 4 人" in dialog.contents.text()
    dialog.path.setText(str(tmp_path / "附件2.xlsx"))
    shot_over(window, dialog, "excel-export-annex")
    assert dialog.export().wait(60)
    assert dialog.written == tmp_path / "附件2.xlsx" and "身份证号已部分隐藏" in dialog.status.text()

    def ids(path: Path) -> list[str]:
        sheet = openpyxl.load_workbook(path).active
        return [str(v) for row in sheet.iter_rows(values_only=True) for v in row
                if isinstance(v, str) and len(v) == 18 and v[:6].isdigit()]

    assert sorted(ids(dialog.written)) == sorted(mask_id_number(person_id(i)) for i in range(4))
    dialog.full_ids.setChecked(True)
    dialog.path.setText(str(tmp_path / "附件2-完整.xlsx"))
    assert dialog.export().wait(60)
    assert sorted(ids(dialog.written)) == sorted(person_id(i) for i in range(4))
    assert "含完整身份证号" in dialog.status.text()
    dialog.close()
    assert not window.excel_actions.export_dialog("annex").full_ids.isChecked()  # never remembered

    # the form of counts: 5; a blank form: 1
    dialog = window.excel_actions.export_dialog("annex")
    dialog.annex.setCurrentIndex(dialog.annex.findData(5))
    assert not dialog.full_ids.isEnabled()
    dialog.path.setText(str(tmp_path / "附件5.xlsx"))
    assert dialog.export().wait(60) and dialog.written.exists()

    summary = window.excel_actions.export_dialog("summary")
    assert not summary.full_ids.isChecked()
    summary.path.setText(str(tmp_path / "汇总.xlsx"))
    assert summary.export().wait(60)
    book = openpyxl.load_workbook(summary.written)
    assert len(book.sheetnames) >= 2
    unconfirmed = [str(v) for ws in book.worksheets[1:] for row in ws.iter_rows(values_only=True) for v in row if v]
    assert mask_id_number(person_id(4)) in unconfirmed and person_id(4) not in unconfirmed
    assert not list(tmp_path.glob(".*.part"))


# ------------------------------------------------------------------ cancelling a large check

def test_cancelling_the_check_of_a_50000_row_roster_stops_it_and_writes_nothing(qtbot, year, tmp_path):
    window = year
    path = cached_roster(50_000)
    before = unchanged(window)
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    dialog.set_file(path, "arrivals", uid_of(window, 0))
    steps, ticks = [], []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    started = time.monotonic()
    worker = dialog.check()
    worker.progressed.connect(lambda done, total, text: steps.append(text))
    cancel = dialog.progress.findChild(QPushButton)
    QTimer.singleShot(50, cancel.click)  # 取消 on the progress dialog, while the workbook is being read
    assert worker.wait(120)
    elapsed = time.monotonic() - started
    timer.stop()
    assert steps and "正在逐行检查…" not in steps and "正在整理问题清单…" not in steps  # stopped after reading
    assert dialog.preview is None and dialog.stack.currentIndex() == 0
    assert dialog.choose_status.text() == "已取消检查，未写入任何数据。"
    assert len(ticks) >= 3, (len(ticks), elapsed)  # the window's own timer kept running
    assert unchanged(window) == before

    # the whole check, uninterrupted, for the measure
    started = time.monotonic()
    assert dialog.check().wait(120)
    checked_in = time.monotonic() - started
    assert dialog.preview.importable and dialog.preview.checked.rows_checked == 50_000
    started = time.monotonic()
    assert dialog.import_(confirm=False)
    print(f"\n50,000-row roster: cancelled after {elapsed:.2f} s; checked in {checked_in:.2f} s (worker); "
          f"imported in {dialog.import_seconds:.2f} s (written on another thread) "
          f"({time.monotonic() - started:.2f} s with the year re-scored and the page refreshed)")


# ------------------------------------------------------------------ 3.1 and 3.2 from the platform's exports

def test_the_platform_exports_imported_through_the_wizard_score_3_1_and_3_2_read_only(qtbot, year, tmp_path):
    from core.scoring.facts import Delivery
    from tests.core.people.test_platform import deliveries_file, ratings_file
    window = year
    session = window.session
    unit = uid_of(window, 0)
    for n in range(3):
        for clause_id in ("3.1", "3.2"):
            assert session.tick("依据", uid_of(window, n), clause_id, "platform_stats", True).ok
    assert session.add_delivery("添加输送记录", unit, dt.date(2022, 4, 1), "手工录入企业", 5).ok
    rows = [(UNITS[0], Delivery(dt.date(2022, 3, d), f"缺工企业{d}", 5)) for d in range(1, 7)]
    dialog = import_through_wizard(window, deliveries_file(tmp_path, rows), "platform_deliveries", unit=None)
    assert not dialog.unit.isVisible()  # a list of the whole year: no unit asked
    dialog.close()
    import_through_wizard(window, ratings_file(tmp_path, [(UNITS[0], 4.6), (UNITS[1], 4.2)]), "platform_ratings",
                          unit=None).close()

    page = go_page(window, 0, "3.1")
    panel = page.source_panel
    assert panel.source_label.text() == "数据来源：按手工录入计分" and "本单位输送记录 6 条" in panel.detail_label.text()
    typed = page.points_label.text()
    assert page.record_models["deliveries"].rowCount() == 1
    panel.platform_button.click()
    page = window.workspace.clause_page
    panel = page.source_panel
    assert panel.source_label.text() == "数据来源：按用工速递系统导出计分"
    model = page.record_models["deliveries"]
    assert model.rowCount() == 6 and model.data(model.index(0, 1)) == "缺工企业1"
    assert not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable  # the platform's records: read-only
    add = next(b for b in page.facts_box.findChildren(QPushButton) if b.text() == "添加输送记录")
    assert not add.isEnabled() and panel.hand_button.isEnabled()
    assert page.points_label.text() == expected_points(window, UNITS[0], "3.1") != typed
    page.findChild(QScrollArea).ensureWidgetVisible(page.facts_box, 0, 0)
    shot(window, "clause-page-platform-source")

    page = go_page(window, 0, "3.2")
    assert page.value_widgets["platform_rating"].value() == 4.6 and page.value_widgets["platform_rating"].isReadOnly()
    assert "本单位综合评分 4.6。" in page.source_panel.detail_label.text()  # as the explanation writes it (not 4.60)
    assert not page.value_widgets["has_rating"].isEnabled()
    assert page.points_label.text() == expected_points(window, UNITS[0], "3.2")
    window.undo.undo()  # back to the typed figures
    page = window.workspace.clause_page
    assert page.source_panel.source_label.text() == "数据来源：按手工录入计分"
    assert page.value_widgets["has_rating"].isEnabled() and not page.value_widgets["platform_rating"].isReadOnly()
    assert not page.value_widgets["has_rating"].isChecked()  # no typed rating: the platform's 4.6 is not shown
    go_page(window, 0, "3.1")
    assert window.workspace.clause_page.record_models["deliveries"].rowCount() == 1


def test_a_file_that_is_no_workbook_or_is_encrypted_is_named_and_nothing_is_written(qtbot, year, tmp_path):
    from tests.import_support import FIXTURES
    from ui.excel_import import MappingDialog
    window = year
    before = unchanged(window)
    text = tmp_path / "花名册.xlsx"
    text.write_text("姓名,身份证号码\n张三,320509199505170011\n", encoding="utf-8")
    blank = write_workbook(tmp_path / "空白.xlsx", {"Sheet1": [[None]]})
    odd = odd_roster(tmp_path, range(3), "表头认不出.xlsx")
    expected = {text: "不是 Excel 工作簿", FIXTURES / "encrypted-roster.xlsx": "设置了打开密码", blank: "没有数据",
                odd: "无法识别表头"}
    for path, words in expected.items():
        dialog = window.excel_actions.import_dialog("arrivals")
        dialog.show()
        dialog.set_file(path, "arrivals", uid_of(window, 0))
        declined = answer_modal(MappingDialog, lambda d: d.reject()) if path == odd else None
        assert dialog.check().wait(60)
        if declined is not None:
            check_answered(declined)  # asked which column is which, and declined
        assert words in dialog.status.text() and "未写入任何数据" in dialog.status.text(), dialog.status.text()
        assert not dialog.import_button.isEnabled() and not dialog.import_()
        if path == odd:
            assert dialog.mapping_button.text() == "指定列对应…" and dialog.mapping_button.isEnabled()
        dialog.close()
    assert unchanged(window) == before


def test_the_imports_list_sorts_row_counts_as_numbers(qtbot):
    from collections import namedtuple

    from ui.people_view import ImportsModel
    Source = namedtuple("Source", "id file_name kind unit_id rows replaced_rows imported_at imported_by")
    model = ImportsModel()
    model.set_sources([Source(1, "甲.xlsx", "arrivals", 1, 10, 0, "2022-03-02T09:00:00", 1),
                       Source(2, "乙.xlsx", "arrivals", 1, 9, 0, "2022-03-01T09:00:00", 1),
                       Source(3, "丙.xlsx", "monthly_reports", 1, 100, 0, "2022-03-03T09:00:00", 1)], {1: "张三"}, {1: "甲公司"})
    model.sort(3)
    assert [model.data(model.index(r, 3)) for r in range(3)] == ["9", "10", "100"]
    model.sort(5, Qt.SortOrder.DescendingOrder)
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["丙.xlsx", "甲.xlsx", "乙.xlsx"]


def test_the_annex_2_export_tells_a_roster_nobody_on_which_was_confirmed_from_no_roster(qtbot, year, tmp_path):
    window = year
    dialog = window.excel_actions.export_dialog("annex")
    dialog.show()
    assert dialog.annex_number() == 2 and "尚未导入花名册" in dialog.contents.text()
    dialog.close()
    people = [arrival(i) for i in range(3)]
    import_through_wizard(window, roster_file(tmp_path, people), "arrivals").close()  # no monthly reports: none confirmed
    dialog = window.excel_actions.export_dialog("annex")
    dialog.show()
    assert "3 人均未核对确认" in dialog.contents.text() and "尚未导入" not in dialog.contents.text()
    assert dialog.contents.text().endswith("，导出空白表供手工填写（已填好单位和年度）。")
    shot_over(window, dialog, "excel-export-annex-2-none-confirmed")


def test_the_annex_3_export_says_it_lists_the_school_bases_and_writes_them(qtbot, year, tmp_path):
    window = year
    dialog = window.excel_actions.export_dialog("annex")
    dialog.show()
    dialog.annex.setCurrentIndex(dialog.annex.findData(3))
    assert dialog.contents.text().startswith("列出该单位的 2 个政校合作基地及其见习、实习人数")
    assert "未区分见习、实习的基地，见习、实习两栏留空，备注写明共多少人" in dialog.contents.text()
    dialog.path.setText(str(tmp_path / "附件3.xlsx"))
    shot_over(window, dialog, "excel-export-annex-3")
    assert dialog.export().wait(60)
    sheet = openpyxl.load_workbook(dialog.written).active
    rows = [row[:6] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert rows == [(1, None, SCHOOL_BASES[0], None, None, 0), (2, None, SCHOOL_BASES[1], None, None, 0)]
    dialog.close()


def test_the_bases_beside_the_people_are_named_legibly_in_the_smallest_window(qtbot, year):  # noqa: F811
    """At 1024×768 (the smallest window) 各基地确认人数 once left its 基地 column some 15 pixels wide."""
    window = year
    window.resize(1024, 768)
    window.excel_actions.show_people()
    view = window.excel_actions.people_view()
    QApplication.processEvents()
    table = view.bases_table
    assert table.model().rowCount() > 0
    assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance("贵州黄平劳务")
    name = table.model().index(0, 0)
    assert table.model().data(name, Qt.ItemDataRole.ToolTipRole) == table.model().data(name)
    shot(window, "people-view-1024")


def test_the_people_view_notes_a_person_the_monthly_report_names_otherwise(qtbot, year, tmp_path):
    window = year
    people = [arrival(i) for i in range(4)]
    renamed = [dict(p) for p in people]
    renamed[2]["姓名"] = "汪芳"  # the same ID number under another name
    import_through_wizard(window, roster_file(tmp_path, people), "arrivals", 0).close()
    # reported in April, when all four had started (入职日期 January to April): the name the only difference
    import_through_wizard(window, monthly_file(tmp_path, renamed, month=4), "monthly_reports", 0).close()
    window.workspace.select_unit(uid_of(window, 0))
    window.excel_actions.show_people()
    view = window.excel_actions.people_view()
    assert "确认进吴 4 人" in view.counts.text()
    view.search.setFocus()
    type_chinese(view.search, people[2]["姓名"])
    assert view.people_proxy.rowCount() == 1
    assert view.people_proxy.data(view.people_proxy.index(0, 0)) == "确认"
    assert view.people_proxy.data(view.people_proxy.index(0, 11)) == (
        f"每月送工信息中此身份证号码的姓名为“汪芳”（2022年4月 第 4 行），与花名册的“{people[2]['姓名']}”不同，请核对")
    tip = view.people_proxy.data(view.people_proxy.index(0, 11), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("每月送工信息中此身份证号码的姓名为“汪芳”") and tip.endswith("请核对")  # the whole note
    shot(window, "people-view-name-differs")
    view.search.clear()
    others = [view.people_proxy.data(view.people_proxy.index(r, 11)) for r in range(view.people_proxy.rowCount())]
    assert len(others) == 4 and sum("请核对" in (o or "") for o in others) == 1


def test_a_school_bases_matched_trainees_are_shown_beside_its_people(qtbot, year, tmp_path):
    """The placements roster imported (three trainees on the district list, four interns) and its counts taken from
    the rosters: 人员核对 says how many of the unit's and of a school base's people are trainees."""
    from tests.import_support import district_file, placement, placements_file
    window = year
    rows = [placement(i) for i in (0, 2, 4)] + [placement(i, "实习") for i in (6, 8, 10, 12)]  # one school
    import_through_wizard(window, placements_file(tmp_path, rows), "placements").close()
    import_through_wizard(window, district_file(tmp_path, [(0, 7), (2, 7), (4, 7)]), "traineeship_list",
                          unit=None).close()
    window.workspace.select_unit(uid_of(window, 0))
    window.excel_actions.show_people()
    view = window.excel_actions.people_view()
    QApplication.processEvents()
    model = view.bases_table.model()
    found = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    row = found["铜仁职业技术学院"]
    assert (model.index(row, 1).data(), model.index(row, 2).data()) == ("7", "7")
    assert model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole) == (
        "其中见习 3 人、实习 4 人；满六个月见习 3 人、实习 4 人")
    assert not model.index(found["周口职业技术学院"], 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "见习 3 人、实习 4 人" in view.counts.text()
    shot(window, "people-view-trainees")
    session = window.session
    uid = uid_of(window, 0)
    assert session.set_count_source("名单核对", uid, "roster").ok
    school = next(b for b in session.unit(uid).bases if b.name == "铜仁职业技术学院")
    assert (school.people, school.trainees, school.count_source) == (7, 3, "roster")


def test_the_wizard_names_the_kinds_of_file_it_reads_and_reads_an_old_xls_renamed_xlsx(qtbot, year, tmp_path):
    from tests.import_support import FIXTURES
    window = year
    renamed = tmp_path / "送工信息.xlsx"
    renamed.write_bytes((FIXTURES / "monthly-months-as-numbers.xls").read_bytes())
    dialog = window.excel_actions.import_dialog("monthly_reports")
    dialog.show()
    assert all(kind in dialog.path.placeholderText() for kind in (".xlsx", ".xls", ".ods"))
    dialog.set_file(renamed, "monthly_reports", uid_of(window, 0))
    assert dialog.check().wait(60)
    assert dialog.preview is not None and dialog.preview.importable, dialog.status.text()
    assert dialog.import_button.isEnabled() and "旧版" not in dialog.status.text()
    dialog.close()
