"""Adding and removing a unit as the assessor does it: the 添加 / 删除 buttons, the 单位 menu and
Ctrl+Shift+N, each answered in the dialog it opens (a button's clicked(bool) once reached the slot
as an argument: 添加 crashed and 删除 removed without asking)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton

from tests.builders import credit_code
from tests.desktop_support import answer_modal, check_answered
from tests.ui.test_desktop import click, type_chinese
from ui.dialogs import UnitDialog

NAME = "吴江新建人力资源有限公司"


def new_year(window, tmp_path):
    from core.scoring.rules import RULES_DIR, load_rule_set
    from core.store.dataset import create_file
    path = tmp_path / "2022年度考核.wjkh"
    create_file(path, load_rule_set(RULES_DIR / "wujiang-2022.toml"), "李考核")
    assert window.open_dataset(path)
    return path


def fill_and_accept(qtbot, name: str, code: str):
    def act(dialog: UnitDialog) -> None:
        type_chinese(dialog.name, name)
        qtbot.keyClicks(dialog.code, code)
        click(qtbot, next(iter(dialog.kinds.values())))
        ok = dialog.box.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled(), dialog.error.text()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    return act


def unit_button(window, text: str) -> QPushButton:
    panel = window.workspace.unit_list.parentWidget()  # the unit list's panel, not the clause page's
    found = [b for b in panel.findChildren(QPushButton) if b.text() == text and b.parentWidget() is panel]
    assert len(found) == 1, text
    return found[0]


def unit_names(window) -> list[str]:
    return [window.session.unit(uid).name for uid in window.session.unit_ids]


def test_the_add_button_the_menu_and_the_shortcut_each_add_a_unit(qtbot, window, tmp_path):
    new_year(window, tmp_path)
    state = answer_modal(UnitDialog, fill_and_accept(qtbot, NAME, credit_code("button")))
    qtbot.mouseClick(unit_button(window, "添加"), Qt.MouseButton.LeftButton)
    check_answered(state)
    assert unit_names(window) == [NAME]

    action = next(a for a in window.unit_actions if a.text() == "添加运营单位…")
    state = answer_modal(UnitDialog, fill_and_accept(qtbot, NAME + "二", credit_code("menu")))
    action.trigger()
    check_answered(state)

    state = answer_modal(UnitDialog, fill_and_accept(qtbot, NAME + "三", credit_code("keys")))
    window.activateWindow()  # offscreen Qt leaves no window active once a dialog has closed
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.mouseClick(window.workspace.unit_list.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.workspace.unit_list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    check_answered(state)
    assert unit_names(window) == [NAME, NAME + "二", NAME + "三"]


def test_the_delete_button_asks_first_and_no_keeps_the_unit(qtbot, window, tmp_path):
    new_year(window, tmp_path)
    state = answer_modal(UnitDialog, fill_and_accept(qtbot, NAME, credit_code("keep")))
    qtbot.mouseClick(unit_button(window, "添加"), Qt.MouseButton.LeftButton)
    check_answered(state)

    asked = []

    def refuse(box: QMessageBox) -> None:
        asked.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    state = answer_modal(QMessageBox, refuse)
    qtbot.mouseClick(unit_button(window, "删除"), Qt.MouseButton.LeftButton)
    check_answered(state)
    assert NAME in asked[0] and unit_names(window) == [NAME]

    state = answer_modal(QMessageBox, lambda box: qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes),
                                                                   Qt.MouseButton.LeftButton))
    next(a for a in window.unit_actions if a.text() == "删除运营单位…").trigger()
    check_answered(state)
    assert unit_names(window) == []


def test_the_page_names_its_unit_and_the_list_keeps_it_selected_after_an_undone_removal(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    ws = window.workspace
    second = window.session.unit_ids[1]
    ws.select_unit(second)
    name = window.session.unit(second).name
    assert ws.clause_page.unit_label.text() == f"运营单位：{name}"
    assert window.remove_unit(confirm=False)
    shown = ws.clause_page.unit_id
    assert shown != second and ws.unit_list.currentIndex().data() is not None
    window.undo.undo_action.trigger()
    assert second in window.session.unit_ids
    current = ws.unit_list.currentIndex()
    assert current.isValid(), "the list lost its selection"
    shown_name = window.session.unit(ws.clause_page.unit_id).name
    assert ws.clause_page.unit_label.text() == f"运营单位：{shown_name}"
    assert shown_name in current.data()



def test_clicking_the_people_tab_shows_the_people_view(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    tabs = window.workspace.tabs
    bar = tabs.tabBar()
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "人员核对")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index
    lazy = tabs.widget(index)
    assert lazy.is_built() and lazy.view().isVisible()


def test_the_grade_view_says_when_a_place_stays_free_after_a_promotion(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    ws = window.workspace
    ws.tabs.setCurrentIndex(3)
    result = window.session.result
    free = {q.grade: q.count - q.used for q in result.quotas if q.used < q.count}
    note = ws.grade_view.quota_note.text()
    for grade, n in free.items():
        assert f"尚余 {n} 个名额未用" in note.split(f"{grade}级：")[1].split("\n")[0]
    assert free, "the demo's accepted promotion leaves a place of the lower grade free"


def test_each_clause_page_shows_its_own_official_text(qtbot, window, tmp_path):
    """3.2's bonus heading once left the previous clause's text on the page."""
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    ws = window.workspace
    for index, page in enumerate(window.session.pages):
        ws.go_page(index)
        if page.clause is not None:
            assert ws.clause_page.text_label.text() == page.clause.text, page.id
    three_two = [p.id for p in window.session.pages].index("3.2")
    ws.go_page(three_two)
    assert "加分项，最高加 10 分" in ws.clause_page.title_label.text()


def test_the_unit_dialog_names_the_credit_code_fault_as_it_is_typed(qtbot, window, tmp_path):
    """GB 32100-2015 checked as typed: the organisation code's own check character (17th) is named."""
    from tests.desktop_support import shot_over
    new_year(window, tmp_path)

    def act(dialog: UnitDialog) -> None:
        type_chinese(dialog.name, NAME)
        click(qtbot, next(iter(dialog.kinds.values())))
        ok = dialog.box.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.keyClicks(dialog.code, "91320509MA1MK3R493")  # 17th should be 0: GB 11714 of MA1MK3R4
        assert dialog.error.text() == ("统一社会信用代码第9至17位组织机构代码“MA1MK3R49”的校验码错误"
                                       "（按 GB 11714 最后一位应为 0），请核对。")
        assert not ok.isEnabled()
        shot_over(window, dialog, "unit-dialog-credit-code-organisation")
        dialog.code.clear()
        qtbot.keyClicks(dialog.code, "94320509MA1MK3R593")
        assert dialog.error.text().startswith("统一社会信用代码第2位机构类别代码“4”不是登记管理部门“9 工商”的机构类别")
        dialog.code.clear()
        qtbot.keyClicks(dialog.code, "91320509MA1MK3R593")
        assert dialog.error.text() == "" and ok.isEnabled()
        dialog.reject()

    state = answer_modal(UnitDialog, act)
    qtbot.mouseClick(unit_button(window, "添加"), Qt.MouseButton.LeftButton)
    check_answered(state)
