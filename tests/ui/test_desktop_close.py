"""Closing a year lets go of it: its session, file, facts, scores and pages are garbage once it is closed, freed by
the collector's next pass, not kept in memory until another year is opened (the 数据 menu kept the closed
year's pages, and through them the year)."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

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
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # the pages' deleteLater
    gc.collect()  # the collector's next pass (closing unfroze the year): nothing holds it any more
    alive = [type(ref()).__name__ for ref in kept if ref() is not None]
    assert not alive, alive
