"""This year's certain E on the desktop: the demo year opened, 八坼 still open, so the rankings are 暂定; 七都
(final, 41 points, 不合格 whatever 八坼 does) shows a plain E in the unit list, the year table, the grade view and
its overview, and where the pointer rests or the overview explains, says why it is not 暂定 — its total and
place still are. A qualified final unit's grade still waits on the others."""

from __future__ import annotations

from tests.core.pdf.test_pdf import demo_dataset
from tests.ui.test_desktop import shot
from tests.ui.test_desktop_standing import click_unit, entry, unit_row
from tests.ui.test_desktop_years import click_tab, hover_tooltip

QIDU, SONGLING = "苏州七都太湖汇才人力资源有限公司", "苏州松陵众信人力资源有限公司"
WHY = "不合格，已定稿：无论尚未定稿的其他运营单位数据如何变动，均为 E 级，不是暂定（总分和名次仍可能变动）"
OTHERS_OPEN = "暂定：尚有其他运营单位数据未定稿，排名类条款得分及等级可能变动"


def test_a_certain_e_of_this_year_says_why_it_is_not_provisional(qtbot, window, tmp_path):
    assert window.open_dataset(demo_dataset(tmp_path))
    ws, session = window.workspace, window.session
    qidu, songling = session.unit_id(QIDU), session.unit_id(SONGLING)
    assert qidu is not None and songling is not None
    click_unit(qtbot, ws, qidu)

    # the unit list: E级（不合格） and 已定稿; resting on it, why its E is certain
    assert entry(ws, qidu) == f"{QIDU}\n41 分 · E级（不合格） · 9/10 条 · 已定稿"
    tip = hover_tooltip(qtbot, ws.unit_list, unit_row(ws, qidu), "settled-e-01-unit-list-tip")
    assert tip.splitlines()[-1] == WHY and "等级可能变动" not in tip
    assert hover_tooltip(qtbot, ws.unit_list, unit_row(ws, songling),
                         "settled-e-01b-unit-list-tip-qualified").splitlines()[-1] == OTHERS_OPEN

    # 单位概览: its points still *, its total and place 暂定, its grade not
    click_tab(qtbot, window, "单位概览")
    summary = ws.overview.summary.text()
    assert "等级：E　考核进度：已定稿" in summary
    assert summary.splitlines()[-2:] == ["* 暂定：尚有运营单位数据未定稿，排名类条款得分及总分、名次可能变动。", WHY]
    assert "得分及等级可能变动" not in summary
    shot(window, "settled-e-02-overview")

    # 年度总表: the grade cell E, its tooltip why
    click_tab(qtbot, window, "年度总表")
    view = ws.year_view
    model = view.model
    grade_col = model.headers.index("等级")
    row = next(r for r in range(model.rowCount()) if model.unit_name(r) == QIDU)
    cell = view.proxy.mapFromSource(model.index(row, grade_col))
    assert cell.data() == "E"
    tip = hover_tooltip(qtbot, view.view, cell, "settled-e-03-year-table-tip")
    assert tip.splitlines() == ["运营单位考核总分低于60分的，当年度考核等次列为不合格。", WHY]
    other = next(r for r in range(model.rowCount()) if model.unit_name(r) == SONGLING)
    assert hover_tooltip(qtbot, view.view, view.proxy.mapFromSource(model.index(other, grade_col)),
                         "settled-e-03b-year-table-tip-qualified") == OTHERS_OPEN

    # 等级评定: the grade E, its tooltip why
    click_tab(qtbot, window, "等级评定")
    grades = ws.grade_view
    row = next(r for r in range(grades.model.rowCount()) if grades.model.index(r, 1).data() == QIDU)
    cell = grades.model.index(row, 4)
    assert cell.data() == "E"
    assert hover_tooltip(qtbot, grades.view, cell, "settled-e-04-grade-view-tip") == WHY
    other = next(r for r in range(grades.model.rowCount()) if grades.model.index(r, 1).data() == SONGLING)
    assert grades.model.index(other, 4).data(3) is None  # ToolTipRole: an A waiting on the others has no such note
    shot(window, "settled-e-04-grade-view")
