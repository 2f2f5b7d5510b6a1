"""How far each unit's assessment has got, as the desktop says it: a unit nothing is recorded for shows as
未开始考核 (no place, status or grade) in the unit list, the overview, the year table and the grades; once
something is recorded its result is 暂定 until its data is final; an E says why in the unit list, the
full reasons in its tooltip; the clause list names the clauses before any unit is chosen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip

from tests.builders import RULES
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop import add_two_units, click, shot
from tests.ui.test_desktop_years import click_tab
from ui.models import ID_ROLE


def unit_row(ws, uid: int):
    return ws.unit_proxy.mapFromSource(ws.unit_model.index(ws.unit_model.row_of(uid)))


def entry(ws, uid: int) -> str:
    return unit_row(ws, uid).data()


def hover_tooltip(qtbot, view, index) -> str:
    """The tooltip Qt shows when the pointer rests on the item (a real help event on the list)."""
    pos = view.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=3000)
    text = QToolTip.text()
    QToolTip.hideText()
    return text


def click_unit(qtbot, ws, uid: int) -> None:
    rect = ws.unit_list.visualRect(unit_row(ws, uid))
    qtbot.mouseClick(ws.unit_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ws.unit_id == uid


def test_a_year_before_and_after_its_units_are_assessed(qtbot, window, tmp_path):
    assert window.create_year(tmp_path / "2022年度考核.wjkh", RULES, "张三", "考核组长")
    ws = window.workspace
    # no unit yet: the clause list names every clause, not bare numbers
    titles = [ws.navigator.item(row).text() for row in range(ws.navigator.count())]
    assert titles[0] == "1.1 建立劳务基地或政校合作基地" and titles[-1].startswith("五、负面影响")
    assert all(text.split(" ", 1)[0] == page.id and len(text) > len(page.id) + 1
               for text, page in zip(titles[:-1], window.session.pages, strict=False))
    shot(window, "standing-01-empty-year")

    first, second = add_two_units(window)
    count = len(RULES.clauses)
    for uid in (first, second):
        assert entry(ws, uid).endswith(f"\n未开始考核 · 0/{count} 条")
        assert "E级" not in entry(ws, uid) and "分" not in entry(ws, uid).split("\n")[1]
    click_unit(qtbot, ws, second)
    assert "未开始考核" in hover_tooltip(qtbot, ws.unit_list, unit_row(ws, second))

    # one evidence box ticked on a page: the first unit's assessment is under way, its result provisional
    click_unit(qtbot, ws, first)
    page_index = next(i for i, p in enumerate(window.session.pages) if p.clause_evidence)
    item_rect = ws.navigator.visualItemRect(ws.navigator.item(page_index))
    qtbot.mouseClick(ws.navigator.viewport(), Qt.MouseButton.LeftButton, pos=item_rect.center())
    assert ws.clause_page.page is window.session.pages[page_index]
    box = next(iter(ws.clause_page.evidence_boxes.values()))
    click(qtbot, box)
    ws.clause_page.pending.flush()
    assert box.isChecked()
    line = entry(ws, first).split("\n")[1]
    assert "E级（不合格，暂定）" in line and "未开始考核" not in line, line
    tip = hover_tooltip(qtbot, ws.unit_list, unit_row(ws, first))
    assert "考核结果：不合格" in tip and "运营单位考核总分低于60分" in tip and "本单位数据尚未定稿" in tip
    assert entry(ws, second).endswith("未开始考核 · 0/10 条")
    shot(window, "standing-02-under-way-and-not-started")
    # 显示 不合格: the unit under way, not the one nobody has assessed yet
    ws.show_combo.setFocus()
    qtbot.keyClick(ws.show_combo, Qt.Key.Key_End)  # 不合格 is the last choice
    assert ws.show_combo.currentText() == "不合格"
    assert [ws.unit_proxy.index(r, 0).data(ID_ROLE) for r in range(ws.unit_proxy.rowCount())] == [first]
    qtbot.keyClick(ws.show_combo, Qt.Key.Key_Home)
    assert ws.unit_proxy.rowCount() == 2

    # the year table: places, statuses and grades only for the unit under way, marked 暂定
    click_tab(qtbot, window, "年度总表")
    model = ws.year_view.model
    cols = [0, model.headers.index("状态"), model.headers.index("等级")]
    rows = {model.unit_name(r): [model.index(r, c).data() for c in cols] for r in range(model.rowCount())}
    names = {uid: window.session.unit(uid).name for uid in (first, second)}
    assert rows[names[second]] == ["—", "未开始考核", "—"]
    assert rows[names[first]][1:] == ["不合格（暂定）", "E（暂定）"]
    shot(window, "standing-03-year-table")
    click_tab(qtbot, window, "等级评定")
    grades = ws.grade_view.model
    shown = {grades.index(r, 1).data(): [grades.index(r, c).data() for c in (0, 3, 4, 5)]
             for r in range(grades.rowCount())}
    assert shown[names[second]] == ["—", "未开始考核", "—", ""]
    assert shown[names[first]][1:] == ["不合格（暂定）", "E（暂定）", "考核不合格，定为 E 级"]
    shot(window, "standing-03b-grades")

    # both units' data marked final in the year table (selected, then the button): no longer provisional
    click_tab(qtbot, window, "年度总表")
    ws.year_view.view.selectAll()
    asked: list[str] = []

    def mark_anyway(box: QMessageBox) -> None:  # nothing of theirs is 已完成: asked first, 取消 the default
        asked.append(box.text())
        assert box.defaultButton().text() == "取消"
        shot_over(window, box, "standing-03c-final-asked")
        next(b for b in box.buttons() if b.text() == "仍标记定稿").click()
    state = answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    qtbot.mouseClick(ws.year_view.final_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert not any(window.session.unit(uid).facts_final for uid in window.session.unit_ids)  # 取消: unchanged
    state = answer_modal(QMessageBox, mark_anyway)
    qtbot.mouseClick(ws.year_view.final_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert asked and all(f"{names[n]}（已完成 0/10 条）\n　　未开始：1.1、1.2、" in asked[0] for n in (first, second))
    rows = {model.unit_name(r): [model.index(r, c).data() for c in cols] for r in range(model.rowCount())}
    assert rows[names[first]][1:] == ["不合格", "E"] and rows[names[second]][1:] == ["不合格", "E"]
    click_tab(qtbot, window, "逐条考核")
    assert entry(ws, first).split("\n")[1] == "0 分 · E级（不合格） · 0/10 条 · 已定稿"
    click_tab(qtbot, window, "单位概览")
    assert "考核结果：不合格　等级：E　考核进度：已定稿" in ws.overview.summary.text()

    # the units removed again: the clause list names the clauses once more
    click_tab(qtbot, window, "逐条考核")
    for uid in (first, second):
        ws.select_unit(uid)
        assert window.remove_unit(confirm=False)
    assert ws.navigator.item(0).text() == "1.1 建立劳务基地或政校合作基地"


def test_the_unit_list_says_why_a_high_total_is_graded_e(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    ws, session = window.workspace, window.session
    by_name = {session.unit(uid).name: uid for uid in session.unit_ids}
    shengze, lianchuang = by_name["吴江盛泽锦程劳务派遣有限公司"], by_name["吴江开发区联创人力资源有限公司"]
    assert entry(ws, shengze).split("\n")[1] == "116.5 分 · E级（不合格） · 已定稿"
    assert entry(ws, lianchuang).split("\n")[1] == "82 分 · E级（取消资格） · 已定稿"
    # the entry is read whole at the window's usual size: nothing of it is cut off
    metrics = ws.unit_list.fontMetrics()
    for uid in session.unit_ids:
        rect = ws.unit_list.visualRect(unit_row(ws, uid))
        assert metrics.horizontalAdvance(entry(ws, uid).split("\n")[1]) < rect.width() - 12, entry(ws, uid)
    tip = hover_tooltip(qtbot, ws.unit_list, unit_row(ws, shengze))
    assert "劳动保障信用等级评价为C级的，当年度考核等次列为不合格" in tip
    # its own data is final; the rankings wait on another unit's, but no points they could give it lift it
    # out of 不合格: its E is certain, its total and place are not
    assert tip.splitlines()[-1] == ("不合格，已定稿：无论尚未定稿的其他运营单位数据如何变动，均为 E 级，不是暂定"
                                    "（总分和名次仍可能变动）")
    tip = hover_tooltip(qtbot, ws.unit_list, unit_row(ws, lianchuang))
    assert "重大社会影响事件" in tip and "取消运营单位资格" in tip
    shot(window, "standing-04-demo-unit-list")


def test_a_year_of_the_history_says_how_far_it_had_got():
    from fractions import Fraction
    from pathlib import Path

    from core.common.messages import render
    from core.years.history import UnitRecord, YearFile, history_entry
    from core.years.standing import FINAL, NOT_STARTED, UNDER_WAY

    def line(stage: str, provisional: bool) -> str:
        record = UnitRecord("甲", "code", Fraction(41), "E", "unqualified", 3, stage, provisional)
        return render(history_entry(YearFile(Path("/x/2023.wjkh"), 2023, "", 11, {"code": record}, None, ()), record))
    assert line(NOT_STARTED, True) == "2023 年度　未开始考核（2023.wjkh）"
    assert line(UNDER_WAY, True) == ("2023 年度　E 级（暂定）　41 分"
                                     "（考核进行中，结果暂定：不合格，第 3 名/共 11 家；2023.wjkh）")
    assert line(FINAL, True) == ("2023 年度　E 级（暂定）　41 分"
                                 "（尚有单位未定稿，结果暂定：不合格，第 3 名/共 11 家；2023.wjkh）")
    assert line(FINAL, False) == "2023 年度　E 级　41 分（不合格，第 3 名/共 11 家；2023.wjkh）"


def test_sorted_by_grade_a_unit_nobody_has_assessed_comes_after_the_graded(qtbot, window, tmp_path):
    """按等级 once put a unit not started among the E units, by its 0 points: it has no grade, so it comes last."""
    assert window.create_year(tmp_path / "2022年度考核.wjkh", RULES, "张三", "考核组长")
    ws = window.workspace
    first, second = add_two_units(window)
    click_unit(qtbot, ws, second)  # the second unit's assessment begins: one evidence box ticked
    page_index = next(i for i, p in enumerate(window.session.pages) if p.clause_evidence)
    item_rect = ws.navigator.visualItemRect(ws.navigator.item(page_index))
    qtbot.mouseClick(ws.navigator.viewport(), Qt.MouseButton.LeftButton, pos=item_rect.center())
    click(qtbot, next(iter(ws.clause_page.evidence_boxes.values())))
    ws.clause_page.pending.flush()
    ws.order_combo.setFocus()
    while ws.order_combo.currentText() != "按等级":
        qtbot.keyClick(ws.order_combo, Qt.Key.Key_Down)
    order = [ws.unit_proxy.index(r, 0).data(ID_ROLE) for r in range(ws.unit_proxy.rowCount())]
    assert order == [second, first]

