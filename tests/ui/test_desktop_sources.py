"""Where a clause's figures come from, as the assessor meets it in the desktop (pytest-qt, offscreen): rows of
a platform export or a roster that would count for nothing are named in the import preview before importing,
and the 3.1 page says how many platform rows name no unit; choosing a source that holds nothing of the unit
(名单核对 without a roster, the platform without the unit's records) asks first, saying what the scores become,
and leaves the clauses 依据不全. Every workbook is a real .xlsx written and read
back; screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QComboBox, QMessageBox, QTableView  # noqa: E402

from core.common.messages import format_number as number  # noqa: E402
from core.common.messages import render  # noqa: E402
from core.scoring.assessment import DONE, INCOMPLETE  # noqa: E402
from core.scoring.facts import COUNTS_BY_HAND, COUNTS_FROM_ROSTERS, FIGURES_BY_HAND, FIGURES_FROM_PLATFORM, Delivery  # noqa: E402
from tests.core.people.test_platform import deliveries_file  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from tests.import_support import UNITS, roster_file  # noqa: E402
from tests.ui import test_desktop_excel  # noqa: E402
from tests.ui.test_desktop import shot  # noqa: E402
from tests.ui.test_desktop_excel import go_page, uid_of  # noqa: E402
from tests.xlsx_builders import arrival  # noqa: E402

year = test_desktop_excel.year  # the fixture: three units with bases, open in the window


def checked_dialog(window, path, kind, unit=None):
    """The import wizard with the file checked: the preview on screen, nothing imported yet."""
    dialog = window.excel_actions.import_dialog(kind)
    dialog.show()
    dialog.set_file(path, kind, None if unit is None else uid_of(window, unit))
    worker = dialog.check()
    assert worker is not None and worker.wait(60)
    assert dialog.preview is not None
    return dialog


# ------------------------------------------------------------------ platform rows naming no unit

def test_platform_rows_naming_no_unit_are_listed_before_importing_and_counted_on_the_3_1_page(qtbot, year, tmp_path):
    window = year
    session = window.session
    own = [(UNITS[0], Delivery(dt.date(2022, 3, d), f"缺工企业{d}", 5)) for d in range(1, 4)]
    odd = [("吴江甲人力资源有限公司（原甲劳务）", Delivery(dt.date(2022, 4, 1), "缺工企业4", 5)),
           ("吴江某某人力资源有限公司", Delivery(dt.date(2022, 4, 2), "缺工企业5", 5))]
    dialog = checked_dialog(window, deliveries_file(tmp_path, own + odd), "platform_deliveries")
    assert dialog.preview.importable and not dialog.preview.problems  # nothing wrong with the rows themselves
    assert dialog.heed_box.isVisible()
    notes = [dialog.heed.item(i).text() for i in range(dialog.heed.count())]
    assert len(notes) == 2, notes
    assert notes[0].startswith("输送记录 第 6 行“运营单位”：“吴江甲人力资源有限公司（原甲劳务）”不是本年度的运营单位")
    assert "可能是“吴江甲人力资源有限公司”" in notes[0]
    assert notes[1].startswith("输送记录 第 7 行“运营单位”：“吴江某某人力资源有限公司”") and "可能是" not in notes[1]
    status = dialog.status.text()
    assert "5 行均可导入" in status and "其中 2 行的运营单位名称不是本年度的运营单位，导入后不计入任何单位" in status
    assert "检查通过" not in status
    shot_over(window, dialog, "import-preview-platform-rows-naming-no-unit")
    assert dialog.import_(confirm=False)
    assert "“导入前请核对”所列的 2 行已导入，但不计分" in dialog.status.text()
    dialog.close()

    page = go_page(window, 0, "3.1")
    text = asked_and_answered(window, page.source_panel.platform_button, QMessageBox.StandardButton.Yes)
    assert "尚未导入用工速递系统的综合评分导出（3.2 无评分）" in text and "输送记录" not in text  # 3.1 has its rows
    page = window.workspace.clause_page
    detail = page.source_panel.detail_label.text()
    assert "本单位输送记录 3 条" in detail
    assert "该导出另有 2 条记录的运营单位名称不是本年度的运营单位，不计入任何单位" in detail
    assert "其中“吴江甲人力资源有限公司（原甲劳务）”（1 条）可能是本单位" in detail
    explained = [render(m) for m in session.clause_result(uid_of(window, 0), "3.1").explanation.facts]
    assert any("该导出另有 2 条记录的运营单位名称不是本年度的运营单位" in text for text in explained), explained
    shot(window, "clause-page-3-1-platform-rows-naming-no-unit")
    go_page(window, 1, "3.1")  # another unit: the count, but no name like its own
    detail = window.workspace.clause_page.source_panel.detail_label.text()
    assert "另有 2 条记录" in detail and "可能是本单位" not in detail


# ------------------------------------------------------------------ a source that holds nothing of the unit

def asked_and_answered(window, button, answer, shot_name: str | None = None) -> str:
    """Click the panel's button with the mouse and answer the question it asks; the question's text."""
    asked: dict = {}

    def act(box) -> None:
        asked["text"] = box.text()
        if shot_name:
            shot_over(window, box, shot_name)
        box.button(answer).click()
    state = answer_modal(QMessageBox, act)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    check_answered(state)
    return asked["text"]


def test_counts_from_rosters_without_a_roster_are_asked_first_and_leave_the_clauses_incomplete(qtbot, year):
    window = year
    session = window.session
    uid = uid_of(window, 0)
    assert session.unit(uid).facts_final or session.mark_final("标记数据已定稿", [uid]).ok
    before = session.unit_result(uid)
    assert session.progress(uid)["2.1"] == DONE and before.clause("2.1").net > 0
    page = go_page(window, 0, "2.1")
    assert "本单位尚未导入花名册" in page.source_panel.detail_label.text()
    text = asked_and_answered(window, page.source_panel.roster_button, QMessageBox.StandardButton.No,
                              "count-source-roster-without-roster-asked")
    assert "本单位尚未导入花名册：改为名单核对，各基地的人数都按 0 人计。" in text
    assert "本单位数据已定稿，改后将取消定稿。" in text  # marked 定稿 below, before the page was shown
    after = session.result_with_source(uid, count_source=COUNTS_FROM_ROSTERS)
    assert f"2.1 由 {number(before.clause('2.1').net)} 分变为 0 分" in text
    assert f"本单位总分由 {number(before.total)} 分、{before.grade}级" in text
    assert f"变为 {number(after.total)} 分" in text
    assert set(session.count_sources(uid).values()) == {COUNTS_BY_HAND}  # declined: nothing changed
    assert session.unit_result(uid).total == before.total

    page = window.workspace.clause_page
    asked_and_answered(window, page.source_panel.roster_button, QMessageBox.StandardButton.Yes)
    assert set(session.count_sources(uid).values()) == {COUNTS_FROM_ROSTERS}
    assert session.unit_result(uid).total == after.total < before.total  # as the question said
    progress = session.progress(uid)
    assert progress["2.1"] == progress["2.2"] == progress["4.2"] == INCOMPLETE
    page = window.workspace.clause_page
    assert page.progress_label.text() == "依据不全"
    assert "按名单核对的基地因此都按 0 人计，本条“依据不全”" in page.source_panel.detail_label.text()
    shot(window, "clause-page-2-1-roster-source-without-roster")
    window.undo.undo()
    assert session.progress(uid)["2.1"] == DONE


def test_3_1_from_the_platform_without_the_units_records_is_asked_first_and_incomplete(qtbot, year, tmp_path):
    window = year
    session = window.session
    uid = uid_of(window, 0)
    for clause_id in ("3.1", "3.2"):
        assert session.tick("依据", uid, clause_id, "platform_stats", True).ok
    for d in range(1, 5):
        assert session.add_delivery("添加输送记录", uid, dt.date(2022, 4, d), f"手工录入企业{d}", 5).ok
    others = [(UNITS[1], Delivery(dt.date(2022, 3, d), f"缺工企业{d}", 5)) for d in range(1, 4)]
    dialog = checked_dialog(window, deliveries_file(tmp_path, others), "platform_deliveries")
    assert dialog.import_(confirm=False)
    dialog.close()
    before = session.unit_result(uid)
    assert session.progress(uid)["3.1"] == DONE and before.clause("3.1").net == 20
    page = go_page(window, 0, "3.1")
    text = asked_and_answered(window, page.source_panel.platform_button, QMessageBox.StandardButton.No,
                              "platform-source-without-records-asked")
    assert "已导入的输送记录导出 用工速递输送记录.xlsx 中没有本单位的记录（3.1 按 0 条计）" in text
    assert "尚未导入用工速递系统的综合评分导出（3.2 无评分）" in text
    assert "3.1 由 20 分变为 0 分" in text and f"本单位总分由 {number(before.total)} 分" in text
    assert session.platform_source(uid) == FIGURES_BY_HAND and session.unit_result(uid).total == before.total

    page = window.workspace.clause_page
    asked_and_answered(window, page.source_panel.platform_button, QMessageBox.StandardButton.Yes)
    assert session.platform_source(uid) == FIGURES_FROM_PLATFORM
    assert session.unit_result(uid).clause("3.1").net == 0
    assert session.progress(uid)["3.1"] == INCOMPLETE
    page = window.workspace.clause_page
    assert page.progress_label.text() == "依据不全"
    assert "平台导出中没有本单位的输送记录，本条“依据不全”" in page.source_panel.detail_label.text()
    shot(window, "clause-page-3-1-platform-without-records")


# ------------------------------------------------------------------ roster rows naming an unregistered base

def test_roster_rows_naming_an_unregistered_base_are_noted_before_importing(qtbot, year, tmp_path):
    window = year
    people = [arrival(i) for i in range(5)]
    people += [arrival(i, 劳务基地="四川仪陇县劳务基地") for i in range(5, 8)]  # registered as none of the unit's
    people += [arrival(8, 劳务基地=" 铜仁 劳务基地")]  # a registered base, spaces aside: counts, no note
    dialog = checked_dialog(window, roster_file(tmp_path, people), "arrivals", unit=0)
    assert dialog.preview.importable and not dialog.preview.problems
    assert dialog.heed_box.isVisible()
    notes = [dialog.heed.item(i).text() for i in range(dialog.heed.count())]
    assert notes == ["花名册 第 8 行“劳务基地”：基地“四川仪陇县劳务基地”不是该单位登记的劳务基地："
                     "3 行（第 8、9、10 行）导入后不计入任何基地的人数，直到在本单位登记该基地或改正基地名称"], notes
    status = dialog.status.text()
    assert "9 行均可导入" in status
    assert "其中 3 行未填基地或所填基地不是该单位登记的基地，导入后不计入基地人数" in status
    shot_over(window, dialog, "import-preview-roster-unregistered-base")
    assert dialog.import_(confirm=False)
    assert "“导入前请核对”所列的 3 行已导入，但不计分" in dialog.status.text()
    dialog.close()

    other = checked_dialog(window, roster_file(tmp_path, people[:5], "第二份.xlsx"), "arrivals", unit=1)
    assert not other.heed_box.isVisible() and other.status.text().startswith("检查通过：5 行均无问题")


def test_one_base_switched_to_rosters_in_the_table_without_a_roster_is_asked_first(qtbot, year):
    window = year
    session = window.session
    uid = uid_of(window, 0)
    before = session.unit_result(uid)
    page = go_page(window, 0, "2.1")
    model = page.record_models["bases"]
    view = next(v for v in page.findChildren(QTableView) if v.model() is model)
    column = model.columns.index("count_source")

    def choose_rosters(answer) -> str:
        asked: dict = {}

        def act(box) -> None:
            asked["text"] = box.text()
            box.button(answer).click()
        state = answer_modal(QMessageBox, act)
        index = model.index(0, column)  # the base with the hand-typed 60 people
        view.setCurrentIndex(index)
        view.edit(index)
        combo = next(c for c in view.findChildren(QComboBox) if c.isVisible())
        QTest.keyClick(combo, Qt.Key.Key_Up)  # 名单核对, the first choice
        assert combo.currentData() == COUNTS_FROM_ROSTERS
        QTest.keyClick(combo, Qt.Key.Key_Return)  # the table commits the choice once the key is handled
        qtbot.waitUntil(lambda: state["seen"] or state["timed_out"], timeout=10_000)
        check_answered(state)
        return asked["text"]

    text = choose_rosters(QMessageBox.StandardButton.No)
    assert "本单位尚未导入花名册：改为名单核对，该基地的人数按 0 人计。" in text and "2.1 由" in text
    assert list(session.count_sources(uid).values())[0] == COUNTS_BY_HAND
    assert session.unit_result(uid).total == before.total
    choose_rosters(QMessageBox.StandardButton.Yes)
    assert list(session.count_sources(uid).values())[0] == COUNTS_FROM_ROSTERS
    assert session.progress(uid)["2.1"] == INCOMPLETE
