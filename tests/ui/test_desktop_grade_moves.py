"""等级评定 as the administrator uses it on the demo year (rules-2022.md 六): the C place the tie promotion
left free is filled only when a qualified unit is moved into it, chosen in the table, with a reason typed
in; the page says who filled it and why; undo and redo; an unqualified unit and a full grade refused."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox  # noqa: E402

from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from tests.ui.test_desktop import shot, type_chinese  # noqa: E402

NEXT = "苏州同里英桥人力资源有限公司"  # 85.5, the best qualified unit below C
REASON = "考核工作小组会议决定由英桥递补C级空余名额"


def open_grades(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    tabs = window.workspace.tabs
    bar = tabs.tabBar()
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "等级评定")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    QApplication.processEvents()
    return window.workspace.grade_view


def click_row(qtbot, grades, name: str) -> None:
    row = next(r for r, u in enumerate(grades.session.result.units) if u.name == name)
    rect = grades.view.visualRect(grades.model.index(row, 1))
    qtbot.mouseClick(grades.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [i.row() for i in grades.view.selectionModel().selectedRows()] == [row]


def refusal(qtbot, window, grades) -> tuple[str, str]:
    window.quiet_problems = False
    seen: dict[str, str] = {}

    def read(box: QMessageBox) -> None:
        seen.update(title=box.windowTitle(), text=box.text())
        shot_over(window, box, "grade-move-refused")
        box.accept()

    state = answer_modal(QMessageBox, read)
    qtbot.mouseClick(grades.promote_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    window.quiet_problems = True
    return seen["title"], seen["text"]


def test_the_free_c_place_is_filled_by_moving_the_next_unit_with_a_reason(qtbot, window, tmp_path):
    from ui.dialogs import PromoteDialog
    grades = open_grades(qtbot, window, tmp_path)
    session = window.session
    assert session.result.unit(NEXT).grade == "D"
    assert "C级：上限 3 家（参评 13 家 × 30%），已用 2 家，尚余 1 个名额未用（不自动递补" in grades.quota_note.text()
    assert grades.promote_button.text() == "上调所选单位…"
    click_row(qtbot, grades, NEXT)

    def answer(dialog: PromoteDialog) -> None:
        assert [dialog.grade.itemText(i) for i in range(dialog.grade.count())] == ["C级"]  # the one free place
        assert not dialog.passed_over.isVisible()  # no unit of a higher total stays below
        type_chinese(dialog.reason, REASON)
        shot_over(window, dialog, "grade-move-dialog")
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)

    state = answer_modal(PromoteDialog, answer)
    qtbot.mouseClick(grades.promote_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    QApplication.processEvents()
    assert session.result.unit(NEXT).grade == "C"
    assert session.ds.audit_entries("grade_promotions")[-1].new_value
    note = grades.quota_note.text()
    assert f"C级：上限 3 家（参评 13 家 × 30%），已用 3 家（其中 {NEXT} 由考核人员调入）" in note
    assert "尚余" not in note
    assert f"{NEXT}（总分 85.5）由考核人员调入 C 级空余名额，理由：{REASON}" in grades.ties.text()
    row = next(r for r, u in enumerate(session.result.units) if u.name == NEXT)
    assert grades.model.index(row, 4).data() == "C"
    assert f"考核人员调入 C 级空余名额，理由：{REASON}" in grades.model.index(row, 5).data()
    assert [grades.promotions.item(i).text() for i in range(grades.promotions.count())][-1] == \
        f"{NEXT} 上调为 C 级：{REASON}"
    shot(window, "grade-move-done")

    # C is full now: the next D unit cannot be moved, and neither can an unqualified one
    click_row(qtbot, grades, "苏州横扇启航人力资源有限公司")
    assert refusal(qtbot, window, grades) == (
        "不能上调", "苏州横扇启航人力资源有限公司 为 D 级，其上各级名额均已用满，没有可调入的空余名额，不能上调。")
    click_row(qtbot, grades, "苏州七都太湖汇才人力资源有限公司")
    assert refusal(qtbot, window, grades) == (
        "不能上调", "苏州七都太湖汇才人力资源有限公司 考核不合格，定为 E 级，不能上调。")

    window.undo.undo_action.trigger()
    assert session.result.unit(NEXT).grade == "D"
    assert "尚余 1 个名额未用" in grades.quota_note.text() and REASON not in grades.ties.text()
    window.undo.redo_action.trigger()
    assert session.result.unit(NEXT).grade == "C" and REASON in grades.ties.text()


def test_moving_a_unit_over_a_better_total_says_so_before_it_is_done(qtbot, window, tmp_path):
    from ui.dialogs import PromoteDialog
    grades = open_grades(qtbot, window, tmp_path)
    click_row(qtbot, grades, "苏州横扇启航人力资源有限公司")  # 77, below 英桥's 85.5
    seen: dict[str, str] = {}

    def answer(dialog: PromoteDialog) -> None:
        seen["warning"] = dialog.passed_over.text() if dialog.passed_over.isVisible() else ""
        shot_over(window, dialog, "grade-move-passes-over")
        dialog.reject()

    state = answer_modal(PromoteDialog, answer)
    qtbot.mouseClick(grades.promote_button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    check_answered(state)
    assert seen["warning"] == f"注意：总分更高的 {NEXT} 的等级低于所选等级，调入后仍在其下。"
    assert window.session.result.unit("苏州横扇启航人力资源有限公司").grade == "D"


def test_the_page_says_the_tie_was_settled_and_how_until_the_promotion_is_withdrawn(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QPushButton
    zhenze, lili = "苏州震泽聚才人力资源服务有限公司", "苏州黎里禾源劳务派遣有限公司"
    grades = open_grades(qtbot, window, tmp_path)  # the demo records 震泽聚才's promotion within the tie

    def notes(name: str) -> str:  # the 说明 column
        row = next(r for r, u in enumerate(grades.session.result.units) if u.name == name)
        return grades.model.index(row, 5).data()

    def flags(name: str) -> str:  # the year table's 提示 column
        from ui.year_models import YearTableModel
        model = YearTableModel(grades.session)
        row = next(r for r, u in enumerate(grades.session.result.units) if u.name == name)
        return model.index(row, model.headers.index("提示")).data()

    text = grades.ties.text()
    assert text.startswith(f"并列已定：总分 97.5 的 {zhenze}、{lili} 跨越 B/C 名额边界，"
                           f"考核人员已将 {zhenze} 上调为 B 级（理由：")
    assert text.split("\n")[0].endswith(f"，{lili} 仍为 C 级。") and "暂定为" not in text
    tie = "总分 97.5 有 2 家并列，跨越 B/C 名额边界，"
    assert notes(zhenze).startswith(tie + "由考核人员定夺；考核人员上调为 B 级，理由：")
    assert notes(lili) == tie + f"考核人员已将 {zhenze} 上调为 B 级，本单位仍为 C 级"
    assert flags(zhenze) == "并列已定 已上调" and flags(lili) == "并列已定"
    shot(window, "grade-tie-settled")

    grades.promotions.setCurrentRow(0)
    withdraw = next(b for b in grades.findChildren(QPushButton) if b.text() == "撤回所选上调")
    qtbot.mouseClick(withdraw, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert grades.session.result.unit(zhenze).grade == "C"
    assert grades.ties.text().startswith(f"并列提示：总分 97.5 的 {zhenze}、{lili} 跨越 B/C 名额边界，均暂定为 C 级")
    assert notes(zhenze) == notes(lili) == tie + "均定为 C 级，可填写理由上调"
    assert flags(zhenze) == flags(lili) == "并列待定"
    shot(window, "grade-tie-pending")


ZHENZE = "苏州震泽聚才人力资源服务有限公司"  # moved to B within the tie at 97.5 with 黎里
LILI = "苏州黎里禾源劳务派遣有限公司"


def test_a_move_whose_tie_is_gone_is_told_in_the_unit_s_own_note(qtbot, window, tmp_path):
    """黎里's 4.1 raised from 6 to 9: the tie at 97.5 is gone, 黎里 takes the second B place and 震泽's recorded move
    to B no longer applies. 震泽's 说明 in 等级评定 says so and why (before: empty; only the page's top said it)."""
    from fractions import Fraction
    grades = open_grades(qtbot, window, tmp_path)
    session = window.session
    assert session.result.unit(ZHENZE).grade == "B"
    lili = session.unit_id(LILI)
    reason = session.unit(lili).management.reason
    assert session.set_management("修改组织管理评定分", lili, Fraction(9), reason).ok
    QApplication.processEvents()
    assert session.result.unit(ZHENZE).grade == "C"
    row = next(r for r, u in enumerate(session.result.units) if u.name == ZHENZE)
    note = grades.model.data(grades.model.index(row, 5))
    assert note.startswith(f"考核人员所记上调为 B 级未生效：B 级名额 2 个已满，{ZHENZE} 不能上调（所记理由："), note
    click_row(qtbot, grades, ZHENZE)
    shot(window, "grades-move-no-longer-applies")
