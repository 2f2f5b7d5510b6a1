"""新建年度 从上一年度继续 on the desktop, through the real buttons: the dialog, its file chooser answered,
the new year opened with last year's units; the year table's previous grades and totals, a unit's history,
and a moved or missing last year said in one sentence. The 2023 rules are the example, imported as a bureau's
issued rules are (the program brings none for 2023)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QToolTip

from core.store.dataset import Dataset
from tests.audit_tampers import build_year
from tests.core.years.test_years import NEXT, SETTLED_E, results_by_code
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop import click, shot, type_chinese
from tests.ui.test_desktop_day import choose_file
from ui.dialogs import NewYearDialog

pytestmark = pytest.mark.usefixtures("example_2023_imported")


def hover_tooltip(qtbot, view, index, name: str) -> str:
    """The tooltip Qt shows when the pointer rests on the cell (a real help event on the table), grabbed."""
    pos = view.visualRect(index).center()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=3000)
    label = next(w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible())
    shot(label, name)
    text = QToolTip.text()
    QToolTip.hideText()
    return text


def click_tab(qtbot, window, text: str) -> None:
    tabs = window.workspace.tabs
    bar = tabs.tabBar()
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == text)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def continue_through_the_dialog(qtbot, window, previous, screenshot: str | None = None) -> None:
    def act(dialog: NewYearDialog) -> None:
        assert not dialog.continue_box.isChecked() and not dialog.choose_previous.isEnabled()
        click(qtbot, dialog.continue_box)
        assert dialog.continue_box.isChecked() and dialog.error.text() == "请选择上一年度的数据文件。"
        chooser = answer_modal(QFileDialog, choose_file(previous))
        qtbot.mouseClick(dialog.choose_previous, Qt.MouseButton.LeftButton)
        check_answered(chooser)
        qtbot.waitUntil(lambda: dialog.previous is not None, timeout=10000)
        assert dialog.year.value() == 2023 and dialog.rules.currentData() == NEXT.id
        assert dialog.previous_note.text().startswith("2022 年度的 11 家运营单位将作为原有成员带入")
        assert dialog.previous_note.text().count("不带入：") == 2
        # the last year has units not final: said before the assessor confirms, not found later in the history
        with Dataset.open(previous, read_only=True) as ds:
            not_final = sum(1 for u in ds.year().units if not u.facts_final)
        assert dialog.previous_warning.isVisible()
        assert dialog.previous_warning.text().startswith(f"注意：2022 年度尚有 {not_final} 家运营单位数据未定稿（")
        assert "新年度的“历年考核”和“上年等级”将显示为暂定（已定稿且不合格或取消资格的单位除外：其 E 级不会再变）" in \
            dialog.previous_warning.text()
        type_chinese(dialog.assessor, "李四")
        ok = dialog.box.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled(), dialog.error.text()
        if screenshot:
            shot_over(window, dialog, screenshot)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    state = answer_modal(NewYearDialog, act, timeout=30)
    qtbot.mouseClick(window.start.new_button, Qt.MouseButton.LeftButton)
    check_answered(state)


def test_a_new_year_continued_from_last_year_through_the_dialog(qtbot, window, tmp_path):
    (tmp_path / "2022").mkdir()
    last_year = build_year(tmp_path / "2022")
    expected = results_by_code(last_year)
    with Dataset.open(last_year, read_only=True) as ds:
        final_last_year = {u.credit_code for u in ds.year().units if u.facts_final}
    assert 0 < len(final_last_year) < len(expected)
    window.settings.setValue("folder", str(tmp_path))

    continue_through_the_dialog(qtbot, window, last_year, "years-01-new-year-continued")
    target = tmp_path / "2023年度考核.wjkh"
    qtbot.waitUntil(lambda: window.session is not None)
    session = window.session
    assert session.ds.path == target and session.ds.year_number == 2023 and len(session.unit_ids) == 11
    assert all(not session.unit(uid).new_member and not session.unit(uid).trips for uid in session.unit_ids)

    # 年度总表: last year's grade and total beside this year's, by credit code
    click_tab(qtbot, window, "年度总表")
    view = window.workspace.year_view
    qtbot.waitUntil(lambda: "上年等级" in view.model.headers, timeout=10000)
    model = view.model
    grade_col, total_col = model.headers.index("上年等级"), model.headers.index("上年总分")
    assert model.headers.index("等级") + 1 == grade_col
    rank_col, status_col, this_grade_col = 0, model.headers.index("状态"), model.headers.index("等级")
    for row in range(model.rowCount()):
        code = session.unit(session.unit_id(model.unit_name(row))).credit_code
        grade, total = expected[code]
        # the last year has units not final: every grade there may still change (a final unit's through the
        # ranking clauses), 暂定 as its history and `score` say — but a final unit 不合格 whatever the others do
        # is E for certain, said so when the pointer rests on it
        tip = model.index(row, grade_col).data(Qt.ItemDataRole.ToolTipRole)
        if model.unit_name(row) in SETTLED_E:
            assert model.index(row, grade_col).data() == "E" and grade == "E"
            assert tip.startswith("上一年度不合格，已定稿：无论尚未定稿的其他运营单位数据如何变动，均为 E 级，"
                                  "不是暂定"), tip
        else:
            assert model.index(row, grade_col).data() == f"{grade}（暂定）"
            assert tip.startswith("暂定："), tip
        assert model.index(row, total_col).data() == format_total(total)
        # nothing assessed this year yet: no place, no verdict, no grade
        assert [model.index(row, c).data() for c in (rank_col, status_col, this_grade_col)] == ["—", "未开始考核", "—"]
    assert f"上一年度（2022 年度，{last_year}）的等级和总分按统一社会信用代码对应显示。" in view.note.text()
    shot(window, "years-02-year-table-previous")
    # the pointer resting on 七都's plain E says why it is not 暂定
    row = next(r for r in range(model.rowCount()) if model.unit_name(r) == "苏州七都太湖汇才人力资源有限公司")
    cell = view.proxy.mapFromSource(model.index(row, grade_col))
    assert hover_tooltip(qtbot, view.view, cell, "years-02b-settled-e-tip") == (
        "上一年度不合格，已定稿：无论尚未定稿的其他运营单位数据如何变动，均为 E 级，不是暂定（总分和名次仍可能变动）")

    # 单位概览: the unit's history across the year files
    click_tab(qtbot, window, "单位概览")
    overview = window.workspace.overview
    first = session.unit(window.workspace.unit_id)
    grade, total = expected[first.credit_code]
    qtbot.waitUntil(lambda: "正在读取" not in overview.history.text(), timeout=10000)
    assert overview.history.text().startswith(
        f"历年考核：\n2022 年度　{grade} 级（暂定）　{format_total(total)} 分（尚有单位未定稿，结果暂定：")
    assert last_year.name in overview.history.text()
    assert "考核进度：未开始考核" in overview.summary.text()
    assert "不合格" not in overview.summary.text() and "名次 " not in overview.summary.text()
    shot(window, "years-03-overview-history")
    # a unit whose 2022 E is certain: its history says so, with only its total and place still 暂定
    settled = window.session.unit_id("苏州七都太湖汇才人力资源有限公司")
    window.workspace.select_unit(settled)
    qtbot.waitUntil(lambda: "正在读取" not in overview.history.text()
                    and "E 级" in overview.history.text(), timeout=10000)
    assert overview.history.text().startswith(
        "历年考核：\n2022 年度　E 级　41 分（不合格，无论其他单位数据如何变动均为 E 级；"
        "尚有单位未定稿，总分和名次暂定：第 13 名/共 13 家；"), overview.history.text()
    assert "E 级（暂定）" not in overview.history.text()
    shot(window, "years-03c-overview-history-settled-e")

    # the last year's file: this year is in its units' history as not started, not as a verdict
    window.close_dataset()
    assert window.open_dataset(last_year)
    window.workspace.select_unit(window.session.unit_id(first.name))
    click_tab(qtbot, window, "单位概览")
    overview = window.workspace.overview
    qtbot.waitUntil(lambda: "正在读取" not in overview.history.text(), timeout=10000)
    assert overview.history.text() == f"历年考核：\n2023 年度　未开始考核（{target.name}）"
    shot(window, "years-03b-last-year-history-of-a-new-year")
    window.close_dataset()
    assert window.open_dataset(target)

    # the last year moved away: said in one sentence, the year still works
    window.close_dataset()
    moved = tmp_path / "归档" / last_year.name
    moved.parent.mkdir()
    shutil.move(last_year, moved)
    assert window.open_dataset(target)
    click_tab(qtbot, window, "年度总表")
    view = window.workspace.year_view
    qtbot.waitUntil(lambda: "正在读取" not in view.note.text(), timeout=10000)
    assert "上年等级" not in view.model.headers
    assert f"本年度由 2022 年度的数据文件 {last_year} 继续而来，该文件已不在原处" in view.note.text()
    shot(window, "years-04-year-table-previous-missing")
    click_tab(qtbot, window, "单位概览")
    overview = window.workspace.overview
    qtbot.waitUntil(lambda: "正在读取" not in overview.history.text(), timeout=10000)
    assert "该文件已不在原处" in overview.history.text()

    # opened once from where it is now, it is among the recent files: found there, and said so
    window.close_dataset()
    assert window.open_dataset(moved)
    window.close_dataset()
    assert window.open_dataset(target)
    click_tab(qtbot, window, "年度总表")
    view = window.workspace.year_view
    qtbot.waitUntil(lambda: "上年等级" in view.model.headers, timeout=10000)
    assert f"2022 年度的数据文件已从 {last_year} 移到 {moved}" in view.note.text()
    window.workspace.years.wait()


def test_a_file_that_is_not_a_year_file_is_refused_in_the_dialog(qtbot, window, tmp_path):
    not_a_year = tmp_path / "随便.wjkh"
    not_a_year.write_bytes(b"hello")

    def act(dialog: NewYearDialog) -> None:
        click(qtbot, dialog.continue_box)
        chooser = answer_modal(QFileDialog, choose_file(not_a_year))
        qtbot.mouseClick(dialog.choose_previous, Qt.MouseButton.LeftButton)
        check_answered(chooser)
        qtbot.waitUntil(lambda: not dialog.reader.running, timeout=10000)
        QApplication.processEvents()
        assert "随便.wjkh" in dialog.error.text()
        assert not dialog.box.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        shot_over(window, dialog, "years-05-new-year-not-a-year-file")
        dialog.reject()
    state = answer_modal(NewYearDialog, act, timeout=30)
    qtbot.mouseClick(window.start.new_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert window.session is None


def format_total(total) -> str:
    from core.common.messages import format_number
    return format_number(total)


def test_with_a_year_open_continuing_offers_that_year(qtbot, window, tmp_path):
    from tests.ui.test_desktop_day import action
    (tmp_path / "2022").mkdir()
    last_year = build_year(tmp_path / "2022")
    window.settings.setValue("folder", str(tmp_path))
    assert window.open_dataset(last_year)

    def act(dialog: NewYearDialog) -> None:
        click(qtbot, dialog.continue_box)  # the open year is offered at once
        assert dialog.previous is not None and dialog.previous_path.text() == str(last_year)
        assert dialog.year.value() == 2023 and dialog.error.text() == ""
        qtbot.wait(50)  # the dialog fits its rows once the notes are laid out
        note, warning = dialog.previous_note, dialog.previous_warning
        assert warning.geometry().top() - note.geometry().bottom() < 20  # no gap under the wrapped note
        shot_over(window, dialog, "years-06-new-year-from-the-open-year")
        qtbot.mouseClick(dialog.box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    state = answer_modal(NewYearDialog, act, timeout=30)
    action(window, "新建年度…").trigger()
    check_answered(state)
    qtbot.waitUntil(lambda: window.session is not None and window.session.year_number == 2023)
    assert window.session.file == last_year.parent / "2023年度考核.wjkh" and len(window.session.unit_ids) == 11
    click_tab(qtbot, window, "年度总表")
    qtbot.waitUntil(lambda: "上年等级" in window.workspace.year_view.model.headers, timeout=10000)
    window.workspace.years.wait()


def test_a_continued_year_opened_read_only_shows_last_year_too(qtbot, window, tmp_path):
    from core.scoring.rule_library import find
    from core.years.continuation import continue_year, read_previous
    (tmp_path / "2022").mkdir()
    last_year = build_year(tmp_path / "2022")
    target = tmp_path / "2023.wjkh"
    assert continue_year(read_previous(last_year), target, find(NEXT.id), "李四") == []
    assert window.open_dataset(target, read_only=True) and window.session.read_only
    click_tab(qtbot, window, "年度总表")
    view = window.workspace.year_view
    qtbot.waitUntil(lambda: "上年等级" in view.model.headers, timeout=10000)
    expected = results_by_code(last_year)
    column = view.model.headers.index("上年总分")
    name = view.model.unit_name(0)
    code = window.session.unit(window.session.unit_id(name)).credit_code
    assert view.model.index(0, column).data() == format_total(expected[code][1])
    window.workspace.years.wait()


def test_the_history_lists_a_year_once_and_tells_its_files_in_other_places_apart(qtbot, window, tmp_path):
    """Three 2022 files of the same name, made separately in three folders, all opened once: 历年考核 shows
    2022 once — the file this year was continued from, said so, with its folder — and the other two under
    其他位置的同一年度文件 with theirs (they once read as three identical lines)."""
    from core.scoring.rule_library import find
    from core.years.continuation import continue_year, read_previous
    from tests.cli.test_year_words import demo_year
    made = []
    for folder in ("甲科室", "乙科室", "丙科室"):
        (tmp_path / folder).mkdir()
        made.append(demo_year(tmp_path / folder))
    assert len({path.name for path in made}) == 1
    origin = made[1]
    target = tmp_path / "2023年度考核.wjkh"
    assert continue_year(read_previous(origin), target, find(NEXT.id), "李四") == []
    for path in made:  # each opened once: among the recent files, the year files the program knows
        assert window.open_dataset(path)
        window.close_dataset()
    assert window.open_dataset(target)
    click_tab(qtbot, window, "单位概览")
    overview = window.workspace.overview
    qtbot.waitUntil(lambda: "正在读取" not in overview.history.text(), timeout=10000)
    lines = overview.history.text().splitlines()
    assert lines[0] == "历年考核："
    assert [line for line in lines if line.startswith("2022 年度")] == [lines[1]]
    assert f"；{origin}）" in lines[1] and lines[1].endswith("——本年度由此文件继续"), lines
    assert lines[2] == "　其他位置的同一年度文件（2022 年度，另 2 个，不是上一行的文件）："
    assert [line.rsplit("；", 1)[-1] for line in lines[3:5]] == [f"{made[2]}）", f"{made[0]}）"]
    # under the heading, without a year of their own
    assert all(line.startswith("　　") and " 级" in line and "年度" not in line.split("；")[0]
               for line in lines[3:5]), lines
    assert len(lines) == 5
    shot(window, "years-07-history-same-year-elsewhere")
    window.workspace.years.wait()
