"""Every menu action of the main window, triggered as the assessor would (QAction.trigger() on the
demo year, the unit list's and each clause page's buttons clicked), with whatever dialog it opens
closed again: no Python exception (pytest-qt fails the test on one raised in a slot), no
程序内部错误, and the year file still intact afterwards."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QPushButton, QWidget

SKIPPED = {"退出", "关闭年度"}  # they end what the walk needs; closing is tested on its own below


def every_action(menu_owner) -> list[QAction]:
    # each menu found among the window's children by its action: asking an action for its menu() hands the
    # menu's ownership to Python, which deletes it with the wrapper (the 最近打开 menu vanished that way, and
    # closing the year then failed as it refreshed it)
    menu_of = {menu.menuAction(): menu for menu in menu_owner.findChildren(QMenu)}
    recent = getattr(menu_owner, "recent_menu", None)  # other years' files: opening one is not this walk's
    found = []
    stack = [menu_of[top] for top in reversed(menu_owner.menuBar().actions()) if top in menu_of]
    while stack:
        for action in stack.pop().actions():
            if action in menu_of:
                if menu_of[action] is not recent:
                    stack.append(menu_of[action])
            elif not action.isSeparator():
                found.append(action)
    return found


class DialogCloser:
    """Closes any modal dialog or message box as soon as it is open, and remembers its title."""

    def __init__(self):
        self.seen: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self.close_open)
        self.timer.start()

    def close_open(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            return
        self.seen.append(widget.windowTitle())
        if isinstance(widget, QMessageBox):
            button = widget.button(QMessageBox.StandardButton.No) or widget.button(QMessageBox.StandardButton.Cancel) \
                or widget.escapeButton() or widget.defaultButton()
            if button is not None:
                button.click()
                return
        if isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()


def test_every_menu_action_and_page_button_works(qtbot, window, tmp_path, monkeypatch):
    from core.store.demo import ensure_demo
    hooked = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: hooked.append(info[1]))
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    closer = DialogCloser()
    actions = [a for a in every_action(window) if a.text().replace("&", "") not in SKIPPED]
    assert len(actions) > 25, [a.text() for a in actions]
    triggered = []
    for action in actions:
        window.last_problems = []
        if action.isEnabled():
            action.trigger()
            QApplication.processEvents()
            triggered.append(action.text())
        assert not any("程序内部错误" in text for text in window.last_problems), (action.text(), window.last_problems)
        assert window.session is not None, f"{action.text()} closed the year"
    ws = window.workspace
    for index in range(len(window.session.pages)):  # each clause page's own buttons
        ws.go_page(index)
        QApplication.processEvents()
        page = ws.clause_page
        for button in page.findChildren(QPushButton):
            if button.isVisible() and button.isEnabled() and button.text() not in ("下一条 ▶", "◀ 上一条", "下一个待办"):
                window.last_problems = []
                button.click()
                QApplication.processEvents()
                assert not any("程序内部错误" in t for t in window.last_problems), (button.text(), window.last_problems)
        ws.go_page(index)
    closer.timer.stop()
    assert hooked == [], hooked
    assert len(triggered) > 20 and closer.seen  # the walk really opened dialogs
    # the 数据 and 签章 actions work as soon as a year is open (they once waited for their menu to be opened)
    assert {"导出考核评分表（PDF）…", "手写签名…", "导入 Excel…", "导出附件表格（Excel）…", "打印…", "打印预览…"} \
        <= set(triggered)
    assert window.session.ds.verify_audit() is None
    import weakref
    closed = weakref.ref(window.session)
    del ws, page  # this test's own references to the year's pages
    close = next(a for a in every_action(window) if a.text() == "关闭年度")
    close.trigger()
    assert window.session is None and isinstance(window.centralWidget(), QWidget)
    # nothing that was opened on the year keeps it (a dialog left the window's child held it for good)
    qtbot.waitUntil(lambda: closed() is None, timeout=5000)
