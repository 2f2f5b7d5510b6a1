"""文件 → 恢复备份… and a file a restore kept aside that holds a change made outside the program: its row says
so, choosing it says so first, and the year restored from it is told changed outside on opening as any."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox  # noqa: E402

from core.store import backup, recovery  # noqa: E402
from core.store.dataset import Dataset  # noqa: E402
from tests.audit_tampers import build_year, copy_year  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, keep_answering, shot_over, stop_answering  # noqa: E402
from tests.ui.test_desktop_audit import press  # noqa: E402


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    return build_year(tmp_path_factory.mktemp("year"))




def kept_aside(year: Path, tmp_path: Path) -> tuple[Path, backup.BackupInfo, str]:
    """The year changed outside the program (a unit's 投保人数), then restored from its good backup: the changed
    file kept aside; and the changed unit's name."""
    path = copy_year(year, tmp_path)
    with Dataset.open(path, read_only=True) as ds:
        first = ds.unit_ids()[0]
    conn = sqlite3.connect(path)
    conn.execute("UPDATE units SET insured_workers = 999 WHERE id = ?", (first,))
    conn.commit()
    conn.close()
    with Dataset.open(path) as ds:
        assert ds.audit_problems  # found, as opening finds it
        ds.close(back_up=False)
    good = recovery.newest_trusted(path)
    assert good is not None
    recovery.restore(path, good.path)
    kept = next(b for b in backup.list_backups(path) if b.label == backup.LABEL_BEFORE_RESTORE)
    return path, kept, str(first)


def test_a_kept_aside_file_changed_outside_is_marked_warned_and_still_told_once_restored(qtbot, window, year,
                                                                                       tmp_path):
    from ui.restore_dialog import RestoreDialog
    path, kept, _ = kept_aside(year, tmp_path)
    assert window.open_dataset(path)
    assert not window.session.ds.audit_problems  # the good backup restored: nothing to tell
    seen: dict = {}

    def reopened(box: QMessageBox) -> None:
        seen["reopened"] = box.text()
        seen["reopened_details"] = box.detailedText()
        shot_over(window, box, "kept-aside-reopened")
        seen["told"] = answer_modal(QMessageBox, told)
        press("仍然打开")(box)

    def told(box: QMessageBox) -> None:
        seen["restored"] = box.text()
        box.accept()

    def confirm(box: QMessageBox) -> None:
        seen["undone"] = box.informativeText()
        seen["default"] = box.defaultButton().text()
        shot_over(window, box, "kept-aside-confirm")
        seen["reopen"] = answer_modal(QMessageBox, reopened)
        press("恢复")(box)

    def choose(dialog: RestoreDialog) -> None:
        table = dialog.table
        seen["rows"] = {table.item(r, 2).text(): (table.item(r, 1).text(), table.item(r, 1).toolTip())
                        for r in range(table.rowCount())}
        shot_over(window, dialog, "kept-aside-list")
        row = next(r for r, info in enumerate(dialog.backups) if info.name == kept.name)
        rect = table.visualItemRect(table.item(row, 1))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        seen["notice"] = dialog.notice.text()
        shot_over(window, dialog, "kept-aside-dialog")
        seen["confirm"] = answer_modal(QMessageBox, confirm)
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    state = answer_modal(RestoreDialog, choose, timeout=30)
    restore_action = next(a for a in window.findChildren(QAction) if a.text() == "恢复备份…")
    restore_action.trigger()
    check_answered(state)
    check_answered(seen["confirm"])
    check_answered(seen["reopen"])
    check_answered(seen["told"])

    what, tip = seen["rows"][kept.name]
    assert what.startswith("恢复前另存的文件（有程序外的改动）　"), what
    assert "运营单位在程序外被改动" in tip
    assert all("有程序外的改动" not in w for name, (w, _) in seen["rows"].items() if name != kept.name)
    assert seen["notice"].startswith("注意：这份文件有程序外的改动——运营单位在程序外被改动"), seen["notice"]
    assert seen["undone"] == seen["notice"] and seen["default"] == "取消"
    # the year restored from it: opening tells the change, as it tells any
    assert seen["reopened"] == f"年度数据文件 {path.name} 在本程序之外被改动过，其中的数据不可信。"
    assert "运营单位在程序外被改动" in seen["reopened_details"]
    assert window.session is not None and window.session.ds.audit_problems
    assert seen["restored"] == f"已用备份 {kept.name} 恢复数据文件 {path.name}。"


def test_with_no_year_open_restoring_a_year_held_elsewhere_is_refused_before_its_backups_are_listed(
        qtbot, window, year, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from tests.ui.test_desktop_day import action, choose_file
    path = copy_year(year, tmp_path)
    with Dataset.open(path, holder_name="组长王"):  # another window holds it
        state = answer_modal(QFileDialog, choose_file(path))
        listed = keep_answering(QDialog, lambda dialog: dialog.reject(), timeout=20)  # any list or question
        action(window, "恢复备份…").trigger()
        stop_answering(listed)
        check_answered(state)
        assert listed["seen"] == 0 and QApplication.activeModalWidget() is None  # no list of backups, no question
        assert window.session is None and window.last_problems_title == "未能恢复备份"
        assert window.last_problems[0].startswith(f"数据文件 {path.name} 正由 组长王（电脑 ")
    assert [b for b in backup.list_backups(path) if b.label] == []  # nothing kept aside: nothing restored
