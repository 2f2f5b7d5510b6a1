"""A large year file is checked on another thread as it is opened (文件 → 打开…): its integrity check held the
window a few tenths of a second. The window answers meanwhile behind a progress dialog; a damaged file is told
as before; 取消 opens nothing."""

from __future__ import annotations

import os
import threading
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog, QPushButton

import ui.main_window as main_window
from core.store.demo import ensure_demo
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop_day import action, choose_file


def slow_check(monkeypatch, ran: list) -> None:
    real = main_window.check_ahead

    def check(path):
        ran.append(threading.get_ident())
        time.sleep(0.3)  # as a large file's integrity check takes
        return real(path)
    monkeypatch.setattr(main_window, "check_ahead", check)
    monkeypatch.setattr(main_window, "CHECK_ASIDE_BYTES", 0)  # the demo year stands for a large one


def watching(window, seen: list, picture: str = "open-large-year-checking") -> QTimer:
    """Ticks on the window's thread, noting the progress dialogs shown (the first one pictured)."""
    def tick() -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
        if shown and not any(seen):
            shot_over(window, shown[0], picture)
        seen.append(tuple(w.labelText() for w in shown))
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    return timer


def test_a_large_year_is_checked_beside_the_window_as_it_opens(qtbot, window, tmp_path, monkeypatch):
    (tmp_path / "年度").mkdir()
    year = ensure_demo(tmp_path / "年度", "演示考核人员")
    ran: list[int] = []
    slow_check(monkeypatch, ran)
    seen: list[tuple] = []
    timer = watching(window, seen)
    state = answer_modal(QFileDialog, choose_file(year))
    action(window, "打开…").trigger()
    check_answered(state)
    timer.stop()
    assert window.session is not None and window.session.file == year
    assert ran and ran[0] != threading.get_ident()  # on another thread
    shown = [labels for labels in seen if labels]
    assert len(shown) >= 10, len(shown)  # the window's timer kept ticking while it was checked
    assert shown[0] == (f"正在打开 {year.name}，检查文件是否完好…",)


def test_a_damaged_large_year_is_told_as_before_and_cancel_opens_nothing(qtbot, window, tmp_path, monkeypatch):
    from tests.core.store.test_dataset import scribble
    (tmp_path / "年度").mkdir()
    year = ensure_demo(tmp_path / "年度", "演示考核人员")
    damaged = tmp_path / "年度" / "损坏.wjkh"
    damaged.write_bytes(year.read_bytes())
    scribble(damaged)
    slow_check(monkeypatch, [])
    assert not window.open_dataset(damaged)
    assert window.session is None and window.last_problems == [  # in words, never SQLite's English
        f"数据文件 {damaged.name} 已损坏（文件内容无法读取），不能打开，未作任何改动。",
        "没有可恢复的完好备份，请向管理员报告。"]

    def cancel() -> None:  # its 取消 button clicked
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QProgressDialog) and dialog.isVisible():
                button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "取消")
                qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    QTimer.singleShot(100, cancel)
    assert not window.open_dataset(year)
    assert window.session is None and window.statusBar().currentMessage() == f"已取消打开 {year.name}。"
    assert os.path.exists(year)


def test_a_large_year_held_elsewhere_is_copied_and_checked_beside_the_window_for_reading(qtbot, window, tmp_path,
                                                                                        monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from tests.dataset_support import hold
    from tests.ui.test_desktop_read_only import another_window, click_button
    (tmp_path / "年度").mkdir()
    year = ensure_demo(tmp_path / "年度", "演示考核人员")
    real, ran = main_window.read_only_copy, []

    def copy(path, **how):
        ran.append(threading.get_ident())
        time.sleep(0.3)  # as a large file's copy and integrity check take
        return real(path, **how)
    monkeypatch.setattr(main_window, "read_only_copy", copy)
    monkeypatch.setattr(main_window, "CHECK_ASIDE_BYTES", 0)  # the demo year stands for a large one
    seen: list[tuple] = []
    watched: list[QTimer] = []

    def read_only(box: QMessageBox) -> None:  # watched from here: the opening for editing was checked first
        watched.append(watching(window, seen, "open-large-year-read-only-checking"))
        click_button(qtbot, box, "只读打开")
    with hold(year, "李四"):
        state = answer_modal(QMessageBox, read_only)
        assert window.open_dataset(year)
        check_answered(state)
        watched[0].stop()
    assert window.session is not None and window.session.read_only and len(window.session.unit_ids) == 13
    assert len(ran) == 1 and ran[0] != threading.get_ident()  # made on another thread
    shown = [labels for labels in seen if labels]
    assert len(shown) >= 10, len(shown)  # the window's timer kept ticking while it was copied and checked
    assert shown[0] == (f"正在打开 {year.name}，检查文件是否完好…",)

    # held by this program (another window): copied from the holding connection, on the window's thread
    window.close_dataset()
    assert window.open_dataset(year)
    second = another_window(qtbot)
    state = answer_modal(QMessageBox, lambda box: click_button(qtbot, box, "只读打开"))
    assert second.open_dataset(year)
    check_answered(state)
    assert second.session.read_only and len(second.session.unit_ids) == 13
    assert len(ran) == 1  # not copied on another thread
