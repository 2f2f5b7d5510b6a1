"""The desktop and the year's backups: however the window is closed, the last edits are backed up, so a
change made outside the program before the next opening is told at once; restoring a backup says which
of the assessor's own edits it undoes and where the current file is kept; 文件 → 恢复备份… lists the
backups with what was done before each and restores one with the same care."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths, Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from core.store import backup  # noqa: E402
from core.store.dataset import Dataset  # noqa: E402
from tests.audit_tampers import build_year, copy_year  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from tests.ui.test_desktop import shot  # noqa: E402


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    return build_year(tmp_path_factory.mktemp("year"))


def new_window(qtbot, tmp_path):
    """Another main window, as the program started again (the `window` fixture's settings)."""
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from ui.main_window import MainWindow
    w = MainWindow()
    w.quiet_problems = True
    w.ask_assessor = lambda names, suggestion: (suggestion or names[0], "")
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


def press(name: str):
    def act(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text() == name).click()
    return act


def type_insured_workers(qtbot, window, unit_id: int, text: str, *, pause: bool = True) -> None:
    """4.2 of the unit, its 投保人数 typed over as an assessor does; with `pause`, the assessor then pauses
    (a typed value is saved after a short pause)."""
    workspace = window.workspace
    workspace.select_unit(unit_id)
    workspace.go_page([p.id for p in window.session.pages].index("4.2"))
    spin = workspace.clause_page.value_widgets["insured_workers"]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    if pause:
        qtbot.waitUntil(lambda: window.session.unit(unit_id).insured_workers == int(text), timeout=5000)


def change_outside(path: Path, unit_id: int, value: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE units SET insured_workers = ? WHERE id = ?", (value, unit_id))
    conn.commit()
    conn.close()


def wait_opened(qtbot, window) -> None:
    """The backup of opening copied (it is taken once the year is on screen)."""
    window._finish_opening()
    qtbot.waitUntil(lambda: not window.backups.copying, timeout=10000)


@pytest.mark.parametrize("how", ["window", "quit"])
def test_closing_the_window_backs_up_the_last_edits_and_a_later_outside_change_is_told(qtbot, window, year,
                                                                                     tmp_path, how):
    path = copy_year(year, tmp_path)
    assert window.open_dataset(path)
    wait_opened(qtbot, window)
    first, other = window.session.unit_ids[:2]
    type_insured_workers(qtbot, window, first, "66", pause=False)  # still in the box when the window closes
    if how == "window":
        window.close()  # the window's ×
    else:
        quit_action = next(a for a in window.findChildren(QAction) if a.text() == "退出")
        quit_action.trigger()  # 文件 → 退出 (Ctrl+Q)
    assert window.session is None
    newest = backup.list_backups(path)[0]
    with Dataset.open(newest.path, read_only=True) as copy:
        assert copy.unit(first).insured_workers == 66  # the last edit is in the newest backup

    change_outside(path, other, 999)
    seen = {}

    def look(box: QMessageBox) -> None:
        seen["text"], seen["details"] = box.text(), box.detailedText()
        press("仍然打开")(box)

    again = new_window(qtbot, tmp_path)
    state = answer_modal(QMessageBox, look)
    assert again.open_dataset(path)
    check_answered(state)
    assert seen["text"] == f"年度数据文件 {path.name} 在本程序之外被改动过，其中的数据不可信。"
    assert "运营单位在程序外被改动" in seen["details"]


def test_restoring_after_an_outside_change_says_which_own_edits_it_undoes_and_where_the_file_is_kept(
        qtbot, window, year, tmp_path):
    path = copy_year(year, tmp_path)
    with Dataset.open(path, read_only=True) as ds:
        first, other = ds.unit_ids()[:2]
        name = ds.unit(other).name
    change_outside(path, first, 999)
    state = answer_modal(QMessageBox, press("仍然打开"))
    assert window.open_dataset(path)
    check_answered(state)
    type_insured_workers(qtbot, window, other, "77")
    seen = {}

    def look(box: QMessageBox) -> None:
        seen["advice"] = box.informativeText()
        seen["default"] = box.defaultButton().text()
        shot_over(window, box, "backup-restore-after-outside-change")
        seen["told"] = answer_modal(QMessageBox, lambda told: seen.update(
            restored=told.text(), kept=told.informativeText()) or shot_over(window, told, "backup-restored-kept")
            and told.accept())
        press("恢复该备份")(box)

    state = answer_modal(QMessageBox, look, timeout=30)
    window.audit_actions.check_action.trigger()
    qtbot.waitUntil(lambda: state["seen"] or state["timed_out"], timeout=30000)
    check_answered(state)
    qtbot.waitUntil(lambda: seen["told"]["seen"] or seen["told"]["timed_out"], timeout=30000)
    check_answered(seen["told"])
    assert seen["default"] == "仍然打开"  # Enter does not undo the assessor's edits
    assert "恢复该备份将撤销其后所做的 1 次修改" in seen["advice"]
    assert f"单位“{name}”的“投保人数”改为 77" in seen["advice"]
    kept = next(b for b in backup.list_backups(path) if b.label == backup.LABEL_BEFORE_RESTORE)
    assert f"当前文件会另存为 {kept.name}" in seen["advice"]
    assert kept.name in seen["kept"] and "已用备份" in seen["restored"]
    assert window.session.unit(other).insured_workers != 77  # undone, as said
    with Dataset.open(kept.path, read_only=True) as copy:
        assert copy.unit(other).insured_workers == 77  # and kept where said


def test_restore_a_backup_from_the_file_menu(qtbot, window, year, tmp_path):
    from ui.restore_dialog import RestoreDialog
    path = copy_year(year, tmp_path)
    assert window.open_dataset(path)
    wait_opened(qtbot, window)
    first = window.session.unit_ids[0]
    name = window.session.unit(first).name
    type_insured_workers(qtbot, window, first, "66")
    found = backup.list_backups(path)
    oldest = found[-1]  # taken when the year was first opened, before the import and the 参保人数 edits
    seen = {}

    def told(box: QMessageBox) -> None:
        seen["restored"], seen["kept"] = box.text(), box.informativeText()
        box.accept()

    def confirm(box: QMessageBox) -> None:
        seen["question"], seen["undone"] = box.text(), box.informativeText()
        seen["default"] = box.defaultButton().text()
        shot_over(window, box, "backup-restore-confirm")
        seen["told"] = answer_modal(QMessageBox, told)
        press("恢复")(box)

    def choose(dialog: RestoreDialog) -> None:
        table = dialog.table
        seen["rows"] = [(table.item(r, 0).text(), table.item(r, 1).text(), table.item(r, 2).text())
                        for r in range(table.rowCount())]
        row = next(r for r, info in enumerate(dialog.backups) if info.name == oldest.name)
        rect = table.visualItemRect(table.item(row, 1))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        seen["notice"] = dialog.notice.text()
        seen["enter_closes"] = not dialog.restore_button.isDefault()
        shot_over(window, dialog, "backup-restore-dialog")
        seen["confirm"] = answer_modal(QMessageBox, confirm)
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    state = answer_modal(RestoreDialog, choose)
    restore_action = next(a for a in window.findChildren(QAction) if a.text() == "恢复备份…")
    restore_action.trigger()
    check_answered(state)
    check_answered(seen["confirm"])
    check_answered(seen["told"])
    assert [r[2] for r in seen["rows"]] == [b.name for b in found]  # every backup, newest first
    # the oldest: the year as made from its JSON file, told as such (not as one unit added)
    assert seen["rows"][-1][1].startswith(f"导入年度数据（{len(window.session.unit_ids)} 家单位，共 ")
    newest = seen["rows"][0]
    assert newest[0] == found[0].taken_at.strftime("%Y-%m-%d %H:%M:%S")
    assert f"单位“{name}”的“数据已定稿”改为 是" in newest[1]  # what was done just before it (the year's
    # last edits changed its 投保人数, which withdrew its 定稿; it was marked 定稿 again after them)
    assert seen["enter_closes"]
    assert "恢复该备份将撤销其后所做的" in seen["notice"] and f"单位“{name}”的“投保人数”改为 66" in seen["notice"]
    # an import it undoes is named, however long ago
    assert "较早的修改中包括：\n\u3000· " in seen["notice"] and "导入名单“附件2花名册.xlsx”" in seen["notice"]
    assert seen["default"] == "取消" and seen["undone"] == seen["notice"]
    kept = next(b for b in backup.list_backups(path) if b.label == backup.LABEL_BEFORE_RESTORE)
    assert kept.name in seen["notice"] and kept.name in seen["kept"] and oldest.name in seen["restored"]
    assert window.session is not None and window.session.unit(first).insured_workers != 66
    with Dataset.open(kept.path, read_only=True) as copy:
        assert copy.unit(first).insured_workers == 66


def open_through_menu(window, path: Path, box) -> dict:
    """文件 → 打开… on `path`, the box that follows answered by `box`."""
    from PySide6.QtWidgets import QFileDialog

    from tests.ui.test_desktop_day import action, choose_file
    states = [answer_modal(QFileDialog, choose_file(path)), answer_modal(QMessageBox, box)]
    action(window, "打开…").trigger()
    for state in states:
        check_answered(state)
    return states[1]


def test_opening_a_backup_says_whose_it_is_and_shows_it_read_only_never_editing_it(qtbot, window, year, tmp_path):
    path = copy_year(year, tmp_path)
    taken = backup.list_backups(path)[-1]
    before = taken.path.read_bytes()
    seen = {}

    def look(box: QMessageBox) -> None:
        seen["title"], seen["text"], seen["choices"] = box.windowTitle(), box.text(), box.informativeText()
        seen["buttons"] = [b.text() for b in box.buttons()]
        seen["default"] = box.defaultButton().text()
        shot_over(window, box, "backup-opened-offer")
        press("只读查看")(box)

    open_through_menu(window, taken.path, look)
    time = taken.taken_at.strftime("%Y-%m-%d %H:%M")
    assert seen["title"] == "这是备份"
    assert seen["text"] == f"{taken.name} 是年度数据文件 {path.name} 的备份（{time}），备份不能直接修改。"
    assert sorted(seen["buttons"]) == sorted(["只读查看", f"用它恢复 {path.name}…", "取消"])
    assert seen["default"] == "只读查看"
    assert window.session is not None and window.session.read_only and window.session.file == taken.path
    assert window.status_file.text().endswith(f"这是 {path.name} 的备份（{time}）：只读查看，不能修改")
    window.close_dataset()
    assert taken.path.read_bytes() == before  # the backup itself untouched
    assert not [p for p in taken.path.parent.iterdir() if p.is_dir()]  # and no backups of the backup


def test_a_backup_opened_with_the_menu_restores_its_year_after_saying_what_that_undoes(qtbot, window, year, tmp_path):
    path = copy_year(year, tmp_path)
    assert window.open_dataset(path)
    wait_opened(qtbot, window)
    first = window.session.unit_ids[0]
    type_insured_workers(qtbot, window, first, "66")
    oldest = backup.list_backups(path)[-1]
    with Dataset.open(oldest.path, read_only=True) as ds:
        head = ds.audit_head()
    seen = {}

    def confirm(box: QMessageBox) -> None:
        seen["question"], seen["undone"] = box.text(), box.informativeText()
        shot_over(window, box, "backup-opened-restore-confirm")
        seen["told"] = answer_modal(QMessageBox, lambda told: seen.update(kept=told.informativeText()) or told.accept())
        press("恢复")(box)

    def offer(box: QMessageBox) -> None:
        seen["confirm"] = answer_modal(QMessageBox, confirm)
        press(f"用它恢复 {path.name}…")(box)

    open_through_menu(window, oldest.path, offer)
    check_answered(seen["confirm"])
    check_answered(seen["told"])
    assert seen["question"] == f"用备份 {oldest.name} 替换年度数据文件 {path.name}？"
    assert "恢复该备份将撤销其后所做的" in seen["undone"] and "“投保人数”改为 66" in seen["undone"]
    kept = next(b for b in backup.list_backups(path) if b.label == backup.LABEL_BEFORE_RESTORE)
    assert kept.name in seen["undone"] and kept.name in seen["kept"]
    assert window.session is not None and window.session.file == path and not window.session.read_only
    assert window.session.ds.audit_head() == head  # the year is the backup's now
    assert window.session.unit(first).insured_workers != 66


def test_a_backup_copied_out_of_its_folder_opened_with_the_menu_is_still_told_a_backup(qtbot, window, year, tmp_path):
    (tmp_path / "单位").mkdir()
    path = copy_year(year, tmp_path / "单位")
    taken = backup.list_backups(path)[-1]
    usb = tmp_path / "U盘"
    usb.mkdir()
    copied = usb / taken.name
    copied.write_bytes(taken.path.read_bytes())
    before = copied.read_bytes()
    seen = {}

    def look(box: QMessageBox) -> None:
        seen["title"], seen["text"], seen["choices"] = box.windowTitle(), box.text(), box.informativeText()
        seen["buttons"] = [b.text() for b in box.buttons()]
        seen["default"] = box.defaultButton().text()
        shot_over(window, box, "backup-elsewhere-opened-offer")
        press("只读查看")(box)

    open_through_menu(window, copied, look)
    time = backup.read_mark(copied).strftime("%Y-%m-%d %H:%M")
    assert time == taken.taken_at.strftime("%Y-%m-%d %H:%M")
    assert seen["title"] == "这是备份"
    assert seen["text"] == (f"{copied.name} 是2022年度数据文件 {path.name} 的备份（{time}），"
                            "它不在该年度的备份文件夹中；"
                            "备份不能直接修改。")
    assert "只读查看：" in seen["choices"] and "用它恢复：选择要恢复的年度数据文件" in seen["choices"]
    assert sorted(seen["buttons"]) == sorted(["只读查看", "用它恢复…", "取消"])
    assert seen["default"] == "只读查看"
    assert window.session is not None and window.session.read_only and window.session.file == copied
    assert window.status_file.text() == f"2022年度　这是 {path.name} 的备份（{time}）：只读查看，不能修改"
    shot(window, "backup-elsewhere-read-only")
    window.close_dataset()
    assert copied.read_bytes() == before  # the backup itself untouched
    assert sorted(p.name for p in usb.iterdir()) == [copied.name]  # no backups of the backup beside it


def test_a_backup_kept_elsewhere_restores_the_year_file_the_assessor_chooses(qtbot, window, year, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from tests.ui.test_desktop_day import choose_file
    (tmp_path / "单位").mkdir()
    path = copy_year(year, tmp_path / "单位")
    oldest = backup.list_backups(path)[-1]
    usb = tmp_path / "U盘"
    usb.mkdir()
    copied = usb / "交接备份.wjkh"  # renamed on the way: only its own mark says it is a backup
    copied.write_bytes(oldest.path.read_bytes())
    with Dataset.open(copied, read_only=True) as ds:
        head = ds.audit_head()
    with Dataset.open(path, read_only=True) as ds:
        assert ds.audit_head() != head  # the year went on after the backup
    seen = {}

    def confirm(box: QMessageBox) -> None:
        seen["question"], seen["undone"] = box.text(), box.informativeText()
        shot_over(window, box, "backup-elsewhere-restore-confirm")
        seen["told"] = answer_modal(QMessageBox, lambda told: told.accept())
        press("恢复")(box)

    def pick(dialog: QFileDialog) -> None:
        seen["chooser"] = dialog.windowTitle()
        seen["confirm"] = answer_modal(QMessageBox, confirm)
        dialog.selectFile(str(path))
        shot_over(window, dialog, "backup-elsewhere-choose-year")
        choose_file(path)(dialog)

    def offer(box: QMessageBox) -> None:
        seen["text"] = box.text()
        seen["pick"] = answer_modal(QFileDialog, pick)
        press("用它恢复…")(box)

    open_through_menu(window, copied, offer)
    for state in ("pick", "confirm", "told"):
        check_answered(seen[state])
    assert seen["text"].startswith(f"{copied.name} 是2022年度数据文件的备份（")
    assert seen["chooser"] == f"选择要用备份 {copied.name} 恢复的2022年度数据文件"
    assert seen["question"] == f"用备份 {copied.name} 替换年度数据文件 {path.name}？"
    assert "恢复该备份将撤销其后所做的" in seen["undone"]
    assert window.session is not None and window.session.file == path and not window.session.read_only
    assert window.session.ds.audit_head() == head and window.session.ds.audit_problems == []
    assert backup.found_backup(path) is None  # the year it became is a year, not a backup
    assert any(b.label == backup.LABEL_BEFORE_RESTORE for b in backup.list_backups(path))
