"""The unit list as a worklist on the demo year: filtered by where each unit stands, sorted by total,
grade or progress, and 下一个待办 (button, menu, Ctrl+J) jumping to the next clause not 已完成."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.scoring.assessment import DONE


def open_demo(window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    return window.workspace


def listed(ws) -> list[int]:
    return [ws.unit_model.unit_id(ws.unit_proxy.mapToSource(ws.unit_proxy.index(r, 0)).row())
            for r in range(ws.unit_proxy.rowCount())]


def choose(combo, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))


def test_the_list_filters_and_sorts_as_chosen(qtbot, window, tmp_path):
    ws = open_demo(window, tmp_path)
    session = window.session
    everyone = listed(ws)
    choose(ws.show_combo, "不合格")
    failed = listed(ws)
    assert failed and set(failed) == {u for u in everyone if session.unit_result(u).status != "qualified"}
    choose(ws.show_combo, "有依据不全条款")
    assert set(listed(ws)) == {u for u in everyone if "incomplete" in session.progress(u).values()}
    choose(ws.show_combo, "全部单位")
    choose(ws.order_combo, "按总分")
    totals = [session.unit_result(u).total for u in listed(ws)]
    assert totals == sorted(totals, reverse=True) and len(totals) == len(everyone)
    choose(ws.order_combo, "按进度（少的在前）")
    done = [sum(v == DONE for v in session.progress(u).values()) for u in listed(ws)]
    assert done == sorted(done)
    assert ws.unit_list.currentIndex().isValid()  # the page's unit stays selected


def test_next_to_do_walks_every_clause_not_done_and_then_says_so(qtbot, window, tmp_path):
    ws = open_demo(window, tmp_path)
    session = window.session
    to_do = {(u, p) for u in session.unit_ids for p, state in session.progress(u).items() if state != DONE}
    assert to_do, "the demo has clauses not done"
    seen = set()
    qtbot.mouseClick(ws.clause_page.to_do_button, Qt.MouseButton.LeftButton)
    for _ in range(len(to_do) + 1):
        here = (ws.unit_id, ws.current_page().id)
        assert here in to_do, here
        assert ws.clause_page.unit_label.text().endswith(session.unit(ws.unit_id).name)
        if here in seen:
            break
        seen.add(here)
        next(a for a in window.nav_actions if a.text() == "下一个待办").trigger()
        QApplication.processEvents()
    assert seen == to_do
