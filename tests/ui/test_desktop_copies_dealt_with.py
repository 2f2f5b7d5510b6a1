"""The desktop and field copies the lead deals with: signing a unit's score sheet while a copy covering it is out
asks first (继续签名 / 取消, 取消 the default); a copy whose every change is then held back by the signed unit is
merged back all the same and listed no more; a copy of a copy merged straight leaves its middle copy listed with
words saying what came in and what it may still hold, and that copy handed back unchanged is merged back without
a question."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.store.dataset import Dataset
from core.teamwork.field_copy import make_field_copy
from tests.desktop_support import (
    answer_modal,
    assert_trail_proves,
    check_answered,
    keep_answering,
    merge_through_menu,
    shot_over,
    stop_answering,
)
from tests.ui.test_desktop_copies_out import box_says, listed, make_copy
from tests.ui.test_desktop_pdf import PASSWORD, make_key, profile, ready_to_sign  # noqa: F401 (a fixture)
from tests.ui.test_desktop_teamwork import open_year
from ui.field_copies import MergeDialog
from ui.pdf_export import ExportDialog

COPY_OUT = "外业副本尚未合并"


def sign_sheet(qtbot, window, target: Path, copy_out_answer) -> dict:
    """签章 → 导出考核评分表（PDF）… of the chosen unit, 用数字证书签名, the password typed, 导出: the question
    about a copy out answered by copy_out_answer(box, seen), any other question before signing with 仍然签名."""
    seen: dict = {"asked": []}

    def answer(box: QMessageBox) -> None:
        seen["asked"].append(box.windowTitle())
        if box.windowTitle() == COPY_OUT:
            copy_out_answer(box, seen)
        else:
            qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    def export(dialog: ExportDialog) -> None:
        ready_to_sign(qtbot, dialog, target)
        boxes = keep_answering(QMessageBox, answer)
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        if dialog.running:
            assert dialog.worker.wait(120)
        qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
        stop_answering(boxes)
        if "error" in boxes:
            raise boxes["error"]
        seen["status"] = dialog.status.text()
        dialog.reject()

    state = answer_modal(ExportDialog, export, timeout=180)
    window.pdf_actions.sheet_action.trigger()
    check_answered(state)
    return seen


def test_signing_with_a_copy_out_asks_and_a_copy_whose_changes_are_all_held_is_merged_back(
        window, qtbot, tmp_path, profile):  # noqa: F811
    year = open_year(window, tmp_path)
    session = window.session
    covered = session.unit_ids[0]
    name = session.unit(covered).name
    target = tmp_path / "2022-外业-王五.wjkh"
    make_copy(window, qtbot, target, (0,))
    with Dataset.open(target, backups=False) as copy:  # 王五 changes the unit in the field
        assert copy.set_insured_workers(copy.assessor_id("王五"), copy.unit_id(name), 77).ok
    before = session.unit(covered).insured_workers
    make_key(qtbot, window)
    window.workspace.select_unit(covered)

    def cancel_with_enter(box: QMessageBox, seen: dict) -> None:
        seen["text"] = box.text()
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
        assert sorted(b.text() for b in box.buttons()) == sorted(["继续签名", "取消"])
        shot_over(window, box, "copies-dealt-sign-asked")
        qtbot.keyClick(box, Qt.Key.Key_Return)

    out = tmp_path / "签名.pdf"
    seen = sign_sheet(qtbot, window, out, cancel_with_enter)
    assert COPY_OUT in seen["asked"]
    text = seen["text"]
    assert text.startswith(f"注意：王五的外业副本 {target.name}（") and text.endswith(
        "含本单位，尚未合并回来；本单位签名定稿后，副本中对本单位的修改将不能带入（须先重新开放本单位）。\n\n"
        "仍要签名定稿吗？选“取消”则不签名、不导出，可等外业副本合并回来后再签名。")
    assert seen["status"] == "已取消：未签名，未导出。"
    assert not out.exists() and not session.locked(covered)

    def go_on(box: QMessageBox, seen: dict) -> None:
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    seen = sign_sheet(qtbot, window, out, go_on)
    assert COPY_OUT in seen["asked"] and out.exists() and session.locked(covered), seen

    # the copy's only change is of the unit signed now: held back, and the copy is dealt with all the same
    def look(dialog: MergeDialog) -> None:
        assert dialog.changes.model().rowCount() == 0 and dialog.held.model().rowCount() == 1
        shot_over(window, dialog, "copies-dealt-merge-all-held")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    merged: list[str] = []
    merge_through_menu(window, target, box_says(window, "copies-dealt-merged-all-held", merged), look)
    assert merged[0].startswith(f"已把外业副本 {target.name} 合并到 {year.name}：带入 0 项修改，处理冲突 0 处。\n"
                                "另有 1 项修改没有带入：所属单位已签章定稿并锁定。")
    assert "这份外业副本已记为合并回来（没有带入的修改记在合并记录中），不再列为尚未合并。" in merged[0]
    assert session.unit(covered).insured_workers == before
    assert session.copies_out() == []
    assert listed(window, "copies-dealt-none-out") == "2022.wjkh 没有尚未合并回来的外业副本。"
    assert_trail_proves(session)


def test_a_copy_of_a_copy_merged_straight_leaves_its_middle_copy_listed_until_it_comes_back(window, qtbot, tmp_path):
    year = open_year(window, tmp_path)
    session = window.session
    middle, child = tmp_path / "2022-外业-王五.wjkh", tmp_path / "赵六.wjkh"
    make_copy(window, qtbot, middle, (0, 1))
    second = session.unit(session.unit_ids[1]).name
    with Dataset.open(middle, backups=False) as ds:  # 王五 hands 赵六 a copy of one of his units
        make_field_copy(ds, child, "赵六", ds.assessor_id("王五"), [second])
    with Dataset.open(child, backups=False) as ds:
        assert ds.set_insured_workers(ds.assessor_id("赵六"), ds.unit_id(second), 62).ok

    merged: list[str] = []
    merge_through_menu(window, child, box_says(window, "copies-dealt-child-merged", merged),
                       lambda dialog: qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton))
    assert merged[0].startswith(f"已把外业副本 {child.name} 合并到 {year.name}：带入 1 项修改")
    assert session.unit(session.unit_ids[1]).insured_workers == 62
    said = listed(window, "copies-dealt-middle-listed").splitlines()
    assert said[0] == "2022.wjkh 有 1 份外业副本尚未合并回来："
    assert said[1].startswith(f"王五：{middle.name}（")
    assert "——其中 " in said[1] and f"以前的修改已随赵六的外业副本 {child.name}（由这份副本制作）于 " in said[1]
    assert said[1].endswith("合并回来；此后在这份副本中所做的修改尚未带入，交回后合并即可（已带入的不会重复），"
                            "合并后即不再列出。")

    # 王五 hands his copy back with nothing of his own: merged back without a question, listed no more
    merged.clear()
    merge_through_menu(window, middle, box_says(window, "copies-dealt-middle-merged", merged))
    assert merged[0].startswith(f"外业副本 {middle.name} 中没有尚未合并的修改；{year.name} 已把它记为合并回来，"
                                "不再列为尚未合并。")
    assert session.copies_out() == []
    assert listed(window, "copies-dealt-all-in") == "2022.wjkh 没有尚未合并回来的外业副本。"
    assert_trail_proves(session)
