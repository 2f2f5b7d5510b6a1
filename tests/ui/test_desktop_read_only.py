"""One program per year file, on the desktop: a second window or program is told who holds the year
and may open it read-only; a year in a folder that may not be written is offered read-only too; the
read-only window says 只读 and does not invite edits."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QFileDialog, QMessageBox

from core.scoring.rules import load_rule_set
from core.store.dataset import create_file
from core.store.files import DatasetError
from tests.dataset_support import hold, rich_year
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop import shot
from ui.editors.base import COMMIT_DELAY_MS
from ui.main_window import MainWindow
from ui.pdf_export import ExportDialog


@pytest.fixture
def year(tmp_path) -> Path:
    folder = tmp_path / "年度"
    folder.mkdir()
    path = folder / "2022年度考核.wjkh"
    assert create_file(path, load_rule_set(), "张三", "考核组长", rich_year()) == []
    return path


def another_window(qtbot) -> MainWindow:
    other = MainWindow()
    other.quiet_problems = True
    qtbot.addWidget(other)
    other.resize(1366, 768)
    other.show()
    qtbot.waitExposed(other)
    return other


def click_button(qtbot, box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_second_window_is_told_who_holds_the_year_and_opens_it_read_only(qtbot, window, year):
    window.ask_assessor = lambda names, suggestion: ("张三", "")
    assert window.open_dataset(year)
    uid = window.session.unit_ids[0]
    second = another_window(qtbot)
    told = {}

    def answer(box: QMessageBox) -> None:
        told["text"] = box.text()
        assert [b.text() for b in box.buttons()] == ["只读打开", "取消"]
        shot_over(second, box, "read-only-offer-held")
        click_button(qtbot, box, "只读打开")
    state = answer_modal(QMessageBox, answer)
    assert second.open_dataset(year)
    check_answered(state)
    assert f"{year.name} 正由 张三（电脑 {socket.gethostname()}，自 " in told["text"], told["text"]
    assert told["text"].endswith("现在不能修改，可以只读方式查看。")

    session = second.session
    assert session.read_only and "（只读）" in second.windowTitle() and "只读" in second.status_file.text()
    assert not any(a.isEnabled() for a in second.unit_actions) and not second.assessor_action.isEnabled()
    assert not second.excel_actions.import_action.isEnabled()
    second.workspace.select_unit(uid)
    page = second.workspace.clause_page
    for index in range(len(session.pages)):  # the first page with a number box and an evidence tick
        second.workspace.go_page(index)
        spins = [s for s in page.facts_box.findChildren(QAbstractSpinBox) if s.isVisible()]
        ticks = [c for c in page.evidence_group.findChildren(QCheckBox) if c.isVisible()]
        if spins and ticks:
            break
    assert spins and ticks
    assert page.lock_banner.isVisible() and "只读方式打开" in page.lock_label.text()
    assert not page.reopen_button.isVisible()
    assert all(s.isReadOnly() for s in spins) and not any(c.isEnabled() for c in ticks)
    value = spins[0].value()
    spins[0].setFocus()
    qtbot.keyClick(spins[0], Qt.Key.Key_Up)  # a person trying: the box does not move
    assert spins[0].value() == value
    # Return in a read-only number box: Qt tells its value again; nothing is saved, and no box says why not
    boxes: list[str] = []
    state = answer_modal(QMessageBox, lambda box: (boxes.append(box.text()), box.reject()),
                         timeout=COMMIT_DELAY_MS / 1000 + 0.3)
    qtbot.mouseClick(spins[0].lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.keyClick(spins[0], Qt.Key.Key_Return)
    qtbot.wait(COMMIT_DELAY_MS + 600)  # past the typing pause and the watch
    assert not boxes and state["timed_out"], boxes
    assert spins[0].value() == value and not page.pending
    assert page.note_edit.isReadOnly() and not page.add_attachment_button.isEnabled()
    shot(second, "read-only-window")

    def look(dialog: ExportDialog) -> None:  # documents can be exported, but not signed (that records a version)
        assert not dialog.sign.isEnabled() and "不能签名定稿" in dialog.sign_note.text()
        shot_over(second, dialog, "read-only-export")
        dialog.reject()
    state = answer_modal(ExportDialog, look)
    second.pdf_actions.sheet_action.trigger()
    check_answered(state)
    with pytest.raises(DatasetError) as refused:  # what reaches the file anyway is refused in a sentence
        session.ds.update_unit(session.by, uid, insured_workers=1)
    assert str(refused.value) == f"数据文件 {year.name} 以只读方式打开，不能修改。"

    # the first window still holds the year and edits it; closing it lets the other edit
    assert window.session.ds.update_unit(window.session.by, uid, insured_workers=4321).ok
    second.close_dataset()
    window.close_dataset()
    assert not Path(f"{year}-holder").exists()
    assert second.open_dataset(year) and not second.session.read_only
    assert second.session.unit(uid).insured_workers == 4321
    second.close_dataset()


def test_a_year_held_by_another_program_can_be_left_alone(qtbot, window, year):
    with hold(year, "李四"):
        def answer(box: QMessageBox) -> None:
            assert "正由 李四（电脑 " in box.text()
            click_button(qtbot, box, "取消")
        state = answer_modal(QMessageBox, answer)
        assert not window.open_dataset(year)
        check_answered(state)
        assert window.session is None and not getattr(window, "last_problems", None)  # told once, not twice


@pytest.fixture
def unwritable_folder(year):
    """The year's folder refuses new files: permissions for a user, the immutable attribute for root
    (who may write whatever the permissions say)."""
    folder = year.parent
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        yield folder
        os.chmod(folder, 0o755)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a folder read-only for root here (chattr +i failed)")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def test_a_year_in_a_read_only_folder_is_offered_read_only(qtbot, window, year, unwritable_folder):
    before = sorted(p.name for p in unwritable_folder.iterdir())
    told = {}

    def answer(box: QMessageBox) -> None:
        told["text"] = box.text()
        shot_over(window, box, "read-only-offer-folder")
        click_button(qtbot, box, "只读打开")
    state = answer_modal(QMessageBox, answer)
    assert window.open_dataset(year)
    check_answered(state)
    assert "所在的文件夹" in told["text"] and "不允许写入" in told["text"] and "损坏" not in told["text"]
    assert window.session.read_only and len(window.session.unit_ids) == 6
    window.close_dataset()
    assert sorted(p.name for p in unwritable_folder.iterdir()) == before


def test_any_year_can_be_opened_read_only_from_the_file_menu(qtbot, window, year):
    """文件 → 只读打开…: last year looked at without a slip changing it. Nothing is written beside it (no
    holder's note, no backup), another window can still open it for editing, and its boxes take no input."""
    from tests.ui.test_desktop_day import action, choose_file
    before = sorted(p.name for p in year.parent.iterdir())
    chooser = answer_modal(QFileDialog, choose_file(year))
    action(window, "只读打开…").trigger()
    check_answered(chooser)
    qtbot.waitUntil(lambda: window.session is not None)
    session = window.session
    assert session.read_only and "（只读）" in window.windowTitle() and "只读" in window.status_file.text()
    page = window.workspace.clause_page
    assert page.lock_banner.isVisible() and "只读方式打开" in page.lock_label.text()
    qtbot.wait(300)  # the opening's settling (a read-write opening takes its backup then)
    assert sorted(p.name for p in year.parent.iterdir()) == before
    second = another_window(qtbot)
    second.ask_assessor = lambda names, suggestion: ("张三", "")
    assert second.open_dataset(year) and not second.session.read_only  # not taken from anyone
    shot(window, "read-only-from-the-menu")
    second.close_dataset()
    window.close_dataset()
