"""五's credit grade of a labour-dispatch agency offers only the grades of its scale, A, B and C (pytest-qt,
offscreen); a year file from before the scales holding D for one shows that D as recorded, says in one
sentence on the page and in 文件 → 核对数据文件 that it is off the scale, and the grade chosen instead through
the drop-down replaces it (D cannot be chosen again)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.core.scoring.test_credit_scales import DISPATCH, SENTENCE, year_file_holding_d
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop import shot


def open_five(window, uid: int):
    ws = window.workspace
    ws.select_unit(uid)
    ws.go_page(next(i for i, p in enumerate(window.session.pages) if p.id == window.session.rules.negative.id))
    QApplication.processEvents()
    return ws.clause_page


def items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_a_dispatch_agency_is_offered_a_b_c_only(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    page = open_five(window, window.session.unit_id(DISPATCH))
    assert items(page.value_widgets["credit:labour_dispatch"]) == ["未评定", "A级", "B级", "C级"]
    assert items(page.value_widgets["credit:hr_service"]) == ["未评定", "A级", "B级", "C级", "D级"]
    assert not page.warning_label.isVisible()
    assert page.readings_box.isVisible() and "劳务派遣单位的劳动保障信用等级分A、B、C三级" in page.readings_label.text()
    shot(window, "credit-dispatch-scale-abc")


def test_a_d_recorded_before_the_scales_is_said_on_the_page_and_in_the_file_check_and_replaced(
        qtbot, window, tmp_path):
    path = year_file_holding_d(tmp_path / "2022.wjkh")
    assert window.open_dataset(path)
    session = window.session
    uid = session.unit_id(DISPATCH)
    page = open_five(window, uid)
    combo = page.value_widgets["credit:labour_dispatch"]
    assert items(combo) == ["未评定", "A级", "B级", "C级", "D级（不在评价等级中）"]
    assert combo.currentText() == "D级（不在评价等级中）"
    assert page.warning_label.isVisible() and page.warning_label.text() == SENTENCE
    shot(window, "credit-dispatch-d-off-scale")

    seen: dict[str, str] = {}

    def look(box: QMessageBox) -> None:
        seen["more"] = box.informativeText()
        shot_over(window, box, "credit-dispatch-d-file-check")
        box.accept()

    state = answer_modal(QMessageBox, look, timeout=180)
    window.audit_actions.check_action.trigger()
    qtbot.waitUntil(lambda: state["seen"], timeout=180_000)
    check_answered(state)
    assert SENTENCE in seen["more"].splitlines()

    # the grade assessed instead, chosen in the drop-down's list opened with the mouse, by the keyboard
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(combo.view().isVisible)
    for _ in range(2):  # D → C → B
        qtbot.keyClick(combo.view(), Qt.Key.Key_Up)
    qtbot.keyClick(combo.view(), Qt.Key.Key_Return)
    page.pending.flush()
    QApplication.processEvents()
    assert dict(session.unit(uid).negative.credit_grades) == {"labour_dispatch": "B"}
    assert items(combo) == ["未评定", "A级", "B级", "C级"] and combo.currentText() == "B级"
    assert not page.warning_label.isVisible()
    assert session.credit_off_scale(uid) == []
    shot(window, "credit-dispatch-b-chosen")
