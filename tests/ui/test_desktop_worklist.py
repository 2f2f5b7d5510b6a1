"""The unit list as a worklist on the demo year: filtered by where each unit stands, sorted by total,
grade or progress, and 下一个待办 (button, menu, Ctrl+J) jumping to the next clause not 已完成."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.scoring.assessment import DONE
from tests.ui.test_desktop import shot, type_chinese


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


def test_the_name_filter_finds_units_by_chinese_typed_through_the_input_method(qtbot, window, tmp_path):
    """按名称筛选 with Chinese committed by an input method (八坼, then 人力资源 with a full-width space typed in): the
    units whose names hold it, and only those; emptied, every unit again."""
    ws = open_demo(window, tmp_path)
    session = window.session
    everyone = listed(ws)
    ws.filter.setFocus()
    type_chinese(ws.filter, "八坼")
    QApplication.processEvents()
    assert [session.unit(u).name for u in listed(ws)] == ["苏州八坼新程人力资源有限公司"]
    shot(window, "unit-filter-chinese")
    ws.filter.clear()
    type_chinese(ws.filter, "人力\u3000资源")
    wanted = {u for u in everyone if "人力资源" in session.unit(u).name}
    assert set(listed(ws)) == wanted and 1 < len(wanted) < len(everyone)
    ws.filter.clear()
    assert listed(ws) == everyone


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


def test_an_edit_redraws_the_entries_it_moved_and_the_order_follows(qtbot, window, tmp_path):
    """An edit announces only the entries whose unit was edited or whose total, grade or status moved
    (a 1,000-unit year is not gone over for each edit), and those show and sort by the new figures."""
    from PySide6.QtWidgets import QSpinBox
    ws = open_demo(window, tmp_path)
    session = window.session
    choose(ws.order_combo, "按总分")
    model = ws.unit_model
    shown = {u: model.data(model.index(model.row_of(u))) for u in session.unit_ids}  # every entry drawn once
    announced: list[int] = []
    model.dataChanged.connect(lambda first, last: announced.extend(range(first.row(), last.row() + 1)))
    uid = listed(ws)[-1]  # the lowest total: raising its 4.2 moves it up
    ws.select_unit(uid)
    ws.go_page(next(i for i, p in enumerate(session.pages) if p.id == "4.2"))
    before = {u: session.unit_result(u) for u in session.unit_ids}
    spin = next(s for s in ws.clause_page.findChildren(QSpinBox) if s.isVisible() and s.suffix().strip() == "人")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "100000")
    ws.clause_page.pending.flush()
    assert session.unit(uid).insured_workers == 100000
    moved = {u for u in session.unit_ids if u == uid or (session.unit_result(u).total, session.unit_result(u).grade,
                                                         session.unit_result(u).status)
             != (before[u].total, before[u].grade, before[u].status)}
    assert {model.unit_id(r) for r in announced} == moved
    assert len(moved) < len(session.unit_ids)
    for u in session.unit_ids:
        text = model.data(model.index(model.row_of(u)))
        assert text == shown[u] or u in moved  # only the moved entries change
        assert model._text(u) == text  # each shows its unit as it now stands
    totals = [session.unit_result(u).total for u in listed(ws)]
    assert totals == sorted(totals, reverse=True)
