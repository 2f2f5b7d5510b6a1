"""编辑 → 修改记录… and a clause page's 本条修改记录…: who changed what and when, newest first, with the field
copies merged named; filtered by unit, clause and assessor; 导出 Excel… read back; a long trail in a model."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from openpyxl import load_workbook  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QWidget  # noqa: E402

from core.store.dataset import Dataset, create_file  # noqa: E402
from core.teamwork.merge import merge_copy  # noqa: E402
from tests.builders import RULES  # noqa: E402
from tests.dataset_support import rich_year  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from tests.teamwork_support import complaints_three_ways, copy_with_edits, year_in_the_field  # noqa: E402
from tests.ui.test_desktop import SHOTS  # noqa: E402
from tests.ui.test_desktop_day import action, choose_file  # noqa: E402
from ui.audit_log import ChangesDialog  # noqa: E402

LEAD = 1
HEAD = ["时间", "考核人员", "单位", "条款", "修改内容", "原值", "新值", "理由"]


@pytest.fixture
def year(tmp_path) -> Path:
    """The tester's year: 组长王 set 3 complaints, 张三's field copy said 2, 李四's 6 (merged on a conflict)."""
    path = year_in_the_field(tmp_path / "2022.wjkh")
    complaints_three_ways(path, "以热线为准")
    return path


def rows(dialog: ChangesDialog) -> list[list[str]]:
    """The rows the view shows, once its reading of the trail is done."""
    deadline = time.monotonic() + 60
    while getattr(dialog, "reading", False) and time.monotonic() < deadline:  # none: read before the view opened
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)
    assert not getattr(dialog, "reading", False), "the changes were not read within a minute"
    model = dialog.view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_menu_shows_who_changed_what_newest_first_filters_and_exports(window, qtbot, year, tmp_path):
    assert window.open_dataset(year)
    session = window.session
    uid = session.unit_ids[0]
    name = session.unit(uid).name
    assert session.set_insured_workers("投保", uid, 77).ok  # an edit of the window's, after the merges
    target = tmp_path / "导出" / "修改记录.xlsx"
    target.parent.mkdir()
    seen: dict = {}

    def look(dialog: ChangesDialog) -> None:
        header = dialog.view.model()
        seen["head"] = [header.headerData(c, Qt.Orientation.Horizontal) for c in range(header.columnCount())]
        seen["all"] = rows(dialog)
        dialog.unit_box.setCurrentIndex(dialog.unit_box.findText(name))
        dialog.page_box.setCurrentIndex(dialog.page_box.findData("五"))
        seen["five"] = rows(dialog)
        dialog.view.selectRow(1)
        seen["detail"] = dialog.detail.text()
        seen["shot"] = shot_over(window, dialog, "changes-unit-five")
        seen["chooser"] = answer_modal(QFileDialog, choose_file(target))
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
        seen["said"] = dialog.status.text()
        dialog.who_box.setCurrentIndex(dialog.who_box.findText("张三"))
        seen["zhang"] = rows(dialog)
        dialog.reject()

    state = answer_modal(ChangesDialog, look)
    action(window, "修改记录…").trigger()
    check_answered(state)
    check_answered(seen["chooser"])
    assert seen["head"] == HEAD
    newest = seen["all"][0]
    assert newest[1:3] == ["组长王", name] and newest[3].startswith("4.2 ") and newest[4].endswith("的“投保人数”")
    assert newest[6] == "77"
    five = seen["five"]
    assert [r[1].split("（")[0] for r in five] == ["李四", "张三", "组长王"]  # newest first
    assert [(r[5], r[6]) for r in five] == [("2", "6"), ("3", "2"), ("0", "3")]
    assert five[1][1].startswith("张三（外业副本 张三.wjkh，组长王 ") and five[1][1].endswith(" 合并）")
    assert five[1][4] == "负面情形的“评价周期内被投诉（次）”" and five[1][3] == "五 负面影响"  # 单位 says whose
    assert five[1][2] == name and newest[4] == "本单位的“投保人数”"
    assert five[1][7] == "张三现场核实投诉2次为准"
    assert seen["detail"].startswith(five[1][0] + "　张三（外业副本 张三.wjkh，组长王 ")
    assert seen["detail"].endswith("“评价周期内被投诉（次）”：3 → 2　理由：张三现场核实投诉2次为准")
    assert five[0][7] == "李四核实12345热线6次（合并时的理由：以热线为准）"
    assert all(len(r[0]) == 19 for r in five)  # to the second
    assert seen["said"] == "已导出到 修改记录.xlsx。"
    assert seen["zhang"] and all(r[1].startswith("张三（") for r in seen["zhang"])
    sheet = load_workbook(target).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert values[0] == HEAD
    assert [[v or "" for v in row] for row in values[1:]] == five
    assert sheet["A1"].value == "2022 年度修改记录" and name in sheet["A2"].value


def test_a_clause_pages_button_opens_its_units_changes_on_it(window, qtbot, year):
    assert window.open_dataset(year)
    workspace = window.workspace
    uid = window.session.unit_ids[0]
    workspace.select_unit(uid)
    workspace.go_page(next(i for i, p in enumerate(window.session.pages) if p.id == "五"))
    seen: dict = {}

    def look(dialog: ChangesDialog) -> None:
        seen["filters"] = (dialog.unit_box.currentData(), dialog.page_box.currentData(), dialog.who_box.currentData())
        seen["rows"] = rows(dialog)
        dialog.reject()

    state = answer_modal(ChangesDialog, look)
    button = workspace.clause_page.changes_button
    assert button.isVisible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert button.window().grab().save(str(SHOTS / "changes-clause-button.png"))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert seen["filters"] == (uid, "五", None)
    assert [(r[5], r[6]) for r in seen["rows"]] == [("2", "6"), ("3", "2"), ("0", "3")]
    state = answer_modal(ChangesDialog, look)  # 单位 → 本单位修改记录…: every clause of the unit chosen
    action(window, "本单位修改记录…").trigger()
    check_answered(state)
    assert seen["filters"] == (uid, None, None)
    assert len(seen["rows"]) == 3 and seen["rows"][0][5:7] == ["2", "6"]  # its facts came in with the year's


def test_a_long_trail_opens_at_once_in_a_model(window, qtbot, tmp_path):
    """A year whose field copy brought in a thousand changes and more: the view is one model, the window opens
    it at once and scrolls to the oldest without making a widget per row."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长王", role="考核组长", year=rich_year(4))
    copy = copy_with_edits(path, 1500)
    with Dataset.open(path, backups=False) as ds, Dataset.open(copy, read_only=True) as c:
        assert merge_copy(ds, c, copy.name, LEAD)[1].ok
    assert window.open_dataset(path)
    seen: dict = {}

    def look(dialog: ChangesDialog) -> None:
        seen["opened"] = time.monotonic()
        seen["count"] = len(rows(dialog))
        dialog.view.scrollToBottom()
        seen["oldest"] = rows(dialog)[-1] if seen["count"] < 2000 else None
        seen["widgets"] = len(dialog.findChildren(QWidget))
        many = dialog.all_changes * 16  # some 16,000 rows: shown and scrolled through without a wait
        began = time.monotonic()
        dialog.model.set_changes(many)
        dialog.view.scrollToBottom()
        dialog.view.viewport().repaint()
        dialog.view.scrollToTop()
        dialog.view.viewport().repaint()
        seen["many"] = (dialog.model.rowCount(), time.monotonic() - began)
        dialog.reject()

    started = time.monotonic()
    state = answer_modal(ChangesDialog, look)
    action(window, "修改记录…").trigger()
    check_answered(state)
    assert seen["count"] > 1000
    assert seen["opened"] - started < 3.0
    assert seen["widgets"] < 70  # QWidget children: the dialog's own few (its reading line too), not one per row
    assert seen["oldest"][4].startswith("导入年度数据")
    assert seen["many"][0] > 15000 and seen["many"][1] < 0.5, seen["many"]


def test_a_year_opened_read_only_shows_its_changes(window, qtbot, year):
    """A year another window holds opens read-only: its changes can still be read, from the menu and the page."""
    from PySide6.QtWidgets import QMessageBox

    from tests.ui.test_desktop_read_only import another_window, click_button
    assert window.open_dataset(year)
    second = another_window(qtbot)
    state = answer_modal(QMessageBox, lambda box: click_button(qtbot, box, "只读打开"))
    assert second.open_dataset(year)
    check_answered(state)
    assert second.session.read_only
    seen: dict = {}

    def look(dialog: ChangesDialog) -> None:
        seen["rows"] = rows(dialog)
        dialog.reject()

    state = answer_modal(ChangesDialog, look)
    action(second, "修改记录…").trigger()
    check_answered(state)
    assert [(r[5], r[6]) for r in seen["rows"] if r[3] == "五 负面影响"] == [("2", "6"), ("3", "2"), ("0", "3")]
    uid = second.session.unit_ids[0]
    second.workspace.select_unit(uid)
    second.workspace.go_page(next(i for i, p in enumerate(second.session.pages) if p.id == "五"))
    button = second.workspace.clause_page.changes_button
    assert button.isEnabled() and button.isVisible()
    state = answer_modal(ChangesDialog, look)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert len(seen["rows"]) == 3


def held_reading(monkeypatch, session) -> threading.Event:
    """The view's reading of the trail, held at its first report of progress (its copy of the year begun) until
    the returned event is set; asked to stop meanwhile, it answers as the reading answers (it stops)."""
    go = threading.Event()
    real = getattr(session, "changes_aside", None)  # none: the trail read before the view opened, not held

    def aside():
        read = real()

        def held(progress):
            def report(done: int, total: int) -> bool:
                while not go.wait(0.01):
                    if progress(done, total) is False:
                        return False
                return progress(done, total)
            return read(report)
        return held
    monkeypatch.setattr(session, "changes_aside", aside, raising=False)  # raising: the reading before it was aside
    return go


def test_the_view_opens_and_answers_before_its_rows_are_read(window, qtbot, year, monkeypatch):
    """修改记录… opens at once saying it is reading, its filters answer meanwhile, and the rows come in filtered."""
    assert window.open_dataset(year)
    session = window.session
    name = session.unit(session.unit_ids[0]).name
    go = held_reading(monkeypatch, session)
    seen: dict = {}

    def look(dialog: ChangesDialog) -> None:
        seen["rows while read"] = dialog.view.model().rowCount()
        assert seen["rows while read"] == 0  # the view is open before its rows are read
        seen["reading"] = (dialog.reading, dialog.reading_label.isVisible(), dialog.reading_label.text(),
                           dialog.view.isVisible(), dialog.export_button.isEnabled())
        seen["shot reading"] = shot_over(window, dialog, "changes-reading")
        dialog.unit_box.setFocus()
        qtbot.keyClick(dialog.unit_box, Qt.Key.Key_Down)  # the filters answer while the trail is read
        seen["chosen"] = dialog.unit_box.currentText()
        seen["still reading"] = dialog.reading
        go.set()
        seen["rows"] = rows(dialog)
        seen["filled"] = (dialog.reading, dialog.reading_label.isVisible(), dialog.view.isVisible(),
                          dialog.export_button.isEnabled(), dialog.count_label.text())
        seen["shot filled"] = shot_over(window, dialog, "changes-filled")
        dialog.who_box.setCurrentIndex(dialog.who_box.findText("张三"))
        seen["zhang"] = rows(dialog)
        dialog.reject()

    state = answer_modal(ChangesDialog, look)
    action(window, "修改记录…").trigger()
    check_answered(state)
    assert seen["rows while read"] == 0
    assert seen["reading"] == (True, True, "正在读取修改记录…", False, False)
    assert seen["chosen"] == name and seen["still reading"]
    assert seen["rows"] and {r[2] for r in seen["rows"]} == {name}
    assert seen["filled"] == (False, False, True, True, f"共 {len(seen['rows'])} 条修改记录。")
    assert seen["zhang"] and all(r[1].startswith("张三（") and r[2] == name for r in seen["zhang"])


def test_closing_the_view_while_it_reads_stops_the_reading(window, qtbot, year, monkeypatch):
    """关闭 while the trail is read: the reading stops (no thread left, no failure told) and the year goes on."""
    assert window.open_dataset(year)
    session = window.session
    go = held_reading(monkeypatch, session)
    seen: dict = {}

    def look(dialog: ChangesDialog) -> None:
        reader = getattr(dialog, "reader", None)
        assert reader is not None and dialog.reading, "the view opened with its rows read"
        qtbot.waitUntil(lambda: reader.running)  # it begins once the view is drawn, and is held there
        seen["reading"] = reader.running
        for signal in ("done", "cancelled", "failed", "finished"):
            getattr(reader, signal).connect(lambda *_args, signal=signal: seen.setdefault("signals", []).append(signal))
        box = dialog.findChild(QDialogButtonBox)
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)
        seen["closed"] = (dialog.isVisible(), reader.running, dialog.reading_label.text())

    state = answer_modal(ChangesDialog, look)
    action(window, "修改记录…").trigger()
    check_answered(state)
    assert seen["reading"]
    # stopped: neither read to the end nor failed, and its thread ended (the worker's finished follows the thread's)
    assert seen["signals"] == ["cancelled", "finished"]
    assert seen["closed"] == (False, False, "正在读取修改记录…")
    assert not go.is_set()
    uid = session.unit_ids[0]
    assert session.set_insured_workers("投保", uid, 55).ok  # the year goes on, as written as before
    assert session.unit(uid).insured_workers == 55
