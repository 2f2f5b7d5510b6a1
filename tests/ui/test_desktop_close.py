"""Closing a year lets go of it: its session, file, facts, scores and pages are freed once its pages are deleted,
not kept in memory until another year is opened (the 数据 menu kept the closed year's pages, and through them
the year) or closed (the next opening froze it with the new year, out of the collector's reach)."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QEventLoop, QTimer

from core.store.demo import ensure_demo


def test_a_closed_year_is_let_go_of(window, qtbot, tmp_path):
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    session = window.session
    assert session.set_insured_workers("修改投保人数", session.unit_ids[0], 70).ok  # its undo history kept
    window.workspace.go_page(3)
    qtbot.waitUntil(lambda: not window.finish_timer.isActive() and not window.prepare_timer.isActive(),
                    timeout=20000)  # every page built
    kept = [weakref.ref(x) for x in (session, session.ds, session.result, session.year, window.workspace)]
    del session
    window.close_dataset()
    alive = lambda: [type(ref()).__name__ for ref in kept if ref() is not None]  # noqa: E731
    qtbot.waitUntil(lambda: not alive(), timeout=5000)  # its pages deleted at the loop's next turn, then collected


def test_a_year_closed_as_another_opens_is_freed_not_frozen_with_the_next(window, qtbot, tmp_path):
    """Its pages, deleted at the event loop's next turn, still held it when closing collected: the next opening
    then froze it with the new year, in memory until another year was closed."""
    year = ensure_demo(tmp_path, "演示考核人员")
    assert window.open_dataset(year)
    settled = lambda: not window.finish_timer.isActive() and not window.prepare_timer.isActive()  # noqa: E731
    qtbot.waitUntil(settled, timeout=20000)
    old = weakref.ref(window.session)
    assert window.open_dataset(year)  # the same file again: closed, then opened
    qtbot.waitUntil(settled, timeout=20000)  # the new year set up and frozen
    assert gc.get_freeze_count() > 0 and old() is None


def test_the_status_bar_says_nothing_of_a_closed_year(window, qtbot, tmp_path):
    """After 关闭年度 the bar still said “…的数据已改动，已取消其定稿。撤销这次修改即恢复定稿。” of the year
    closed, under the start page (found by a tester)."""
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    session = window.session
    uid = session.unit_ids[0]
    assert session.unit(uid).facts_final
    assert session.set_insured_workers("修改投保人数", uid, 70).ok
    assert "撤销这次修改即恢复定稿" in window.statusBar().currentMessage()
    window.close_dataset()
    assert window.statusBar().currentMessage() == ""



def test_a_nested_event_loop_after_closing_does_not_collect_before_the_pages_go(window, qtbot, tmp_path):
    """A nested event loop after closing (a restore's copy, a worker waited for) fires timers but puts the
    closed pages' deletion off: collected by a timer alone, the closed year was still held, then frozen with
    the next."""
    year = ensure_demo(tmp_path, "演示考核人员")
    assert window.open_dataset(year)
    settled = lambda: not window.finish_timer.isActive() and not window.prepare_timer.isActive()  # noqa: E731
    qtbot.waitUntil(settled, timeout=20000)
    old = weakref.ref(window.session)
    opened: list[bool] = []

    def close_wait_open() -> None:  # inside the event loop, as a menu's action runs
        window.close_dataset()
        nested = QEventLoop()
        QTimer.singleShot(100, nested.quit)
        nested.exec()
        opened.append(window.open_dataset(year))
    gc.disable()  # only the program's own collection frees it (an automatic one could run at any time)
    try:
        QTimer.singleShot(0, close_wait_open)
        qtbot.waitUntil(lambda: opened == [True] and settled(), timeout=20000)
        assert old() is None
    finally:
        gc.enable()


def test_the_dialogs_a_year_was_worked_in_do_not_keep_it_after_closing(window, qtbot, tmp_path):
    """A dialog opened from a menu and closed was kept as the window's child, and with it the year it was
    opened on (the import wizard with every row it checked): the closed year stayed in memory for good."""
    from PySide6.QtWidgets import QDialog

    from tests.desktop_support import answer_modal, check_answered
    from tests.ui.test_desktop_day import action
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    old = weakref.ref(window.session)
    opened = []
    for text in ("导入 Excel…", "导出考核评分表（PDF）…", "管理手写签名…"):
        state = answer_modal(QDialog, lambda dialog: opened.append(type(dialog).__name__) or dialog.reject())
        action(window, text).trigger()
        check_answered(state)
    from ui.excel_import import ImportDialog
    qtbot.waitUntil(lambda: not window.findChildren(ImportDialog), timeout=5000)  # the wizard goes at once
    window.close_dataset()
    qtbot.waitUntil(lambda: old() is None, timeout=5000)
    assert len(opened) == 3


def test_what_an_import_kept_goes_as_the_year_closes_without_a_collection(window, qtbot, tmp_path, monkeypatch):
    """The import wizard's checked rows (kept by its finished worker, it and its job a reference cycle), the
    people's match and the steps to undo were freed only by the full pass over every object that closing
    starts (a fifth of a second with a large year): they go as the year closes, by reference counting."""
    import types

    import ui.main_window as main_window
    from tests.ui.test_desktop_excel import import_through_wizard
    from tests.xlsx_builders import cached_roster
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    dialog = import_through_wizard(window, cached_roster(300), "arrivals")
    kept = {"checked rows": weakref.ref(dialog.preview), "match": weakref.ref(window.session.ds.match()),
            "its step to undo": weakref.ref(window.session.history.steps[-1])}
    dialog.close()
    dialog.deleteLater()
    del dialog
    monkeypatch.setattr(main_window, "gc", types.SimpleNamespace(freeze=gc.freeze, unfreeze=lambda: None,
                                                                 collect=lambda *args: 0))
    gc.disable()  # neither the program's collection nor an automatic one
    try:
        window.close_dataset()
        turn = QEventLoop()  # the closed pages and the wizard deleted
        QTimer.singleShot(100, turn.quit)
        turn.exec()
        assert [name for name, ref in kept.items() if ref() is not None] == []
    finally:
        gc.enable()


def test_closing_during_a_full_check_leaves_its_progress_dialog_to_it(window, qtbot, tmp_path, monkeypatch):
    """A progress dialog is hidden for its first moments: closing the year then deleted it with the closed
    dialogs, and the check's next progress reached a deleted dialog (程序内部错误)."""
    import time

    import ui.audit_actions as audit_actions
    real = audit_actions.full_check

    def slow_check(job, *args):
        time.sleep(0.3)  # the year is closed meanwhile
        job.progress(1, 2)  # as a large year's check reports its way
        return real(job, *args)
    monkeypatch.setattr(audit_actions, "full_check", slow_check)
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    window.audit_actions.check_action.trigger()
    window.close_dataset()
    qtbot.waitUntil(lambda: window.audit_actions.worker is None, timeout=30000)  # reported to its dialog, ended
