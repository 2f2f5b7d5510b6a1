"""A final unit whose 合格 could still turn with the others' data, on the desktop: the demo year opened, 八坼 still
open, so the rankings are 暂定; 北厍 (final, 61 points, its 2.1 at 10) would be 不合格 if its 2.1 fell to the floor:
its status and grade read 暂定 in the unit list, the year table, the grade view and its overview, and where the
pointer rests each says why. 松陵 (117.5, 合格 however the rankings move) stays plain."""

from __future__ import annotations

from tests.core.pdf.test_pdf import demo_dataset
from tests.ui.test_desktop import shot
from tests.ui.test_desktop_standing import click_unit, entry, unit_row
from tests.ui.test_desktop_years import click_tab, hover_tooltip

BEISHE, SONGLING = "苏州北厍恒源人力资源有限公司", "苏州松陵众信人力资源有限公司"
WHY = "合格（暂定）：本单位已定稿，但尚有其他运营单位数据未定稿，排名类条款得分的变动可能改变本单位的考核结果和等级"


def test_a_final_unit_whose_status_could_still_turn_reads_provisional_and_says_why(qtbot, window, tmp_path):
    assert window.open_dataset(demo_dataset(tmp_path))
    ws, session = window.workspace, window.session
    beishe, songling = session.unit_id(BEISHE), session.unit_id(SONGLING)
    assert beishe is not None and songling is not None
    click_unit(qtbot, ws, beishe)

    # the unit list: 暂定 beside its grade, 已定稿 all the same; resting on it, why
    assert entry(ws, beishe) == f"{BEISHE}\n61 分 · D级（暂定） · 9/10 条 · 已定稿"
    assert "暂定" not in entry(ws, songling)
    tip = hover_tooltip(qtbot, ws.unit_list, unit_row(ws, beishe), "status-open-01-unit-list-tip")
    assert tip.splitlines()[-1] == WHY

    # 单位概览: its status and grade 暂定, and why
    click_tab(qtbot, window, "单位概览")
    summary = ws.overview.summary.text()
    assert "考核结果：合格（暂定）　等级：D（暂定）　考核进度：已定稿" in summary, summary
    assert WHY + "。" in summary.splitlines()
    shot(window, "status-open-02-overview")

    # 年度总表: its status and grade cells 暂定, the tooltip why
    click_tab(qtbot, window, "年度总表")
    view = ws.year_view
    model = view.model
    status_col, grade_col = model.headers.index("状态"), model.headers.index("等级")
    row = next(r for r in range(model.rowCount()) if model.unit_name(r) == BEISHE)
    assert view.proxy.mapFromSource(model.index(row, status_col)).data() == "合格（暂定）"
    cell = view.proxy.mapFromSource(model.index(row, grade_col))
    assert cell.data() == "D（暂定）"
    assert hover_tooltip(qtbot, view.view, cell, "status-open-03-year-table-tip") == WHY
    other = next(r for r in range(model.rowCount()) if model.unit_name(r) == SONGLING)
    assert view.proxy.mapFromSource(model.index(other, status_col)).data() == "合格"

    # 等级评定: the grade 暂定, its tooltip why
    click_tab(qtbot, window, "等级评定")
    grades = ws.grade_view
    row = next(r for r in range(grades.model.rowCount()) if grades.model.index(r, 1).data() == BEISHE)
    cell = grades.model.index(row, 4)
    assert cell.data() == "D（暂定）"
    assert hover_tooltip(qtbot, grades.view, cell, "status-open-04-grade-view-tip") == WHY
    shot(window, "status-open-04-grade-view")
