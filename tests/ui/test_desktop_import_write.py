"""The import wizard's 导入 and 编辑 → 撤销 of an import, written on another thread (ui/writing.py): the
window's events keep flowing while the rows are written, a progress dialog over the window says what is
written, other edits are refused meanwhile, and 取消 on that dialog leaves the year exactly as it was.
The write is held at a gate on its thread until the test has looked, so nothing depends on timing."""

from __future__ import annotations

import os
import threading

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QProgressDialog, QPushButton  # noqa: E402

import core.people.tables as tables  # noqa: E402
from core.common.messages import render  # noqa: E402
from tests.desktop_support import shot_over  # noqa: E402
from tests.import_support import roster_file  # noqa: E402
from tests.ui.test_desktop_excel import uid_of, unchanged, year  # noqa: E402,F401  (year: the fixture)
from tests.xlsx_builders import arrival  # noqa: E402


@pytest.fixture
def gate(monkeypatch):
    """Hold the writing thread at the start of `name` (a function of core.people.tables) until the test
    opens the gate; refuses to hold the window's thread (the write would then stop the window)."""
    opened = threading.Event()
    held_on: list[str] = []

    def hold(name: str) -> None:
        real = getattr(tables, name)

        def held(*args, **kwargs):
            held_on.append(threading.current_thread().name)
            if threading.current_thread() is not threading.main_thread():
                assert opened.wait(60)
            return real(*args, **kwargs)
        monkeypatch.setattr(tables, name, held)
    opened.hold, opened.held_on = hold, held_on  # type: ignore[attr-defined]
    return opened


def while_writing(window, owner, then) -> QTimer:
    """Every 10 ms on the window's thread: once a write is under way and its progress dialog is shown over
    `owner`, call then(progress dialog) once."""
    timer = QTimer()
    ticks = []

    def tick() -> None:
        ticks.append(window.session.busy)
        progress = next((d for d in owner.findChildren(QProgressDialog) if d.isVisible()), None)
        if window.session.busy is not None and progress is not None:
            timer.stop()
            then(progress)
    timer.timeout.connect(tick)
    timer.ticks = ticks  # type: ignore[attr-defined]
    timer.start(10)
    return timer


def checked_dialog(window, path):
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    dialog.set_file(path, "arrivals", uid_of(window, 0))
    assert dialog.check().wait(60) and dialog.preview.importable
    return dialog


@pytest.mark.usefixtures("year")  # the year open in the window
def test_the_import_is_written_while_the_window_answers_and_other_edits_are_refused(qtbot, window, tmp_path, gate):
    uid = uid_of(window, 0)
    insured = window.session.unit(uid).insured_workers
    dialog = checked_dialog(window, roster_file(tmp_path, [arrival(i) for i in range(500)]))
    gate.hold("insert_records")
    seen = {}

    def meanwhile(progress: QProgressDialog) -> None:
        seen["label"] = progress.labelText()
        seen["modal"] = progress.windowModality().name
        seen["refused"] = window.session.set_insured_workers("修改参保人数", uid, insured + 1)
        seen["shot"] = shot_over(dialog, progress, "import-writing")
        gate.set()
    timer = while_writing(window, dialog, meanwhile)
    assert dialog.import_(confirm=False)
    assert gate.held_on and "MainThread" not in gate.held_on  # written on another thread
    assert any(timer.ticks)  # the window's own timer ran while the write was under way
    assert seen["label"] == "正在写入 500 行（附件2花名册.xlsx）…"
    assert seen["modal"] == "WindowModal"
    assert render(seen["refused"].problems[0].message).startswith("正在写入“导入")
    assert window.session.busy is None and window.session.unit(uid).insured_workers == insured
    assert [s.rows for s in window.session.imports(uid)] == [500]
    assert "已导入 500 行" in dialog.status.text()
    assert window.session.ds.verify_audit() is None
    # and the window takes edits again
    assert window.session.set_insured_workers("修改参保人数", uid, insured + 1).ok


@pytest.mark.usefixtures("year")
def test_cancelling_the_write_on_its_progress_dialog_writes_nothing_and_the_import_can_be_asked_again(
        qtbot, window, tmp_path, gate):
    before = unchanged(window)
    dialog = checked_dialog(window, roster_file(tmp_path, [arrival(i) for i in range(3000)]))
    gate.hold("insert_records")

    def cancel(progress: QProgressDialog) -> None:
        progress.findChild(QPushButton).click()  # 取消
        gate.set()
    while_writing(window, dialog, cancel)
    assert not dialog.import_(confirm=False)
    assert dialog.status.text() == "已取消导入，未写入任何数据。"
    assert unchanged(window) == before  # every table, the audit trail too
    assert window.session.busy is None and not window.session.history.can_undo
    assert dialog.import_button.isEnabled()
    assert dialog.import_(confirm=False) and [s.rows for s in window.session.imports(uid_of(window, 0))] == [3000]


@pytest.mark.usefixtures("year")
def test_undo_of_an_import_is_written_with_progress_over_the_window_and_can_be_cancelled(qtbot, window, tmp_path, gate):
    uid = uid_of(window, 0)
    dialog = checked_dialog(window, roster_file(tmp_path, [arrival(i) for i in range(3000)]))
    assert dialog.import_(confirm=False)
    dialog.close()
    imported = unchanged(window)
    gate.hold("capture_import")
    seen = {}

    def cancel(progress: QProgressDialog) -> None:
        seen["label"] = progress.labelText()
        seen["shot"] = shot_over(window, progress, "import-undo-writing")
        progress.findChild(QPushButton).click()
        gate.set()
    while_writing(window, window, cancel)
    window.undo.undo_action.trigger()
    assert seen["label"] == "正在撤销\n导入组织进吴人员花名册（附件2）（附件2花名册.xlsx）…"
    assert unchanged(window) == imported and window.session.history.can_undo
    assert window.session.busy is None and window.undo.undo_action.isEnabled()

    gate.held_on.clear()
    window.undo.undo_action.trigger()  # not cancelled this time
    assert window.session.imports(uid) == [] and window.session.history.can_redo
    assert gate.held_on and "MainThread" not in gate.held_on
    window.undo.redo_action.trigger()
    assert [s.rows for s in window.session.imports(uid)] == [3000]
    assert window.session.ds.verify_audit() is None


@pytest.mark.usefixtures("year")
def test_removing_an_import_in_the_people_view_is_written_on_another_thread_and_undone(qtbot, window, tmp_path, gate):
    dialog = checked_dialog(window, roster_file(tmp_path, [arrival(i) for i in range(3000)]))
    assert dialog.import_(confirm=False)
    dialog.close()
    imported = unchanged(window)
    window.excel_actions.show_people()
    view = window.excel_actions.people_view()
    view.tabs.setCurrentWidget(view.imports_page)
    view.imports_view.selectRow(0)
    gate.hold("capture_import")
    seen = {}

    def look(progress: QProgressDialog) -> None:
        seen["label"] = progress.labelText()
        gate.set()
    while_writing(window, view, look)
    assert view.remove_selected_import(confirm=False)
    assert seen["label"] == "正在删除导入的“附件2花名册.xlsx”（3000 行）…"
    assert gate.held_on and "MainThread" not in gate.held_on
    assert window.session.imports(uid_of(window, 0)) == [] and view.imports_model.rowCount() == 0
    window.undo.undo_action.trigger()
    assert {t: r for t, r in unchanged(window).items() if t != "audit"} == {
        t: r for t, r in imported.items() if t != "audit"}
    assert view.imports_model.rowCount() == 1 and window.session.ds.verify_audit() is None
