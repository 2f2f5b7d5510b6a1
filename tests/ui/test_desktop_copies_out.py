"""The desktop and field copies not merged back: 文件 → 制作外业副本… keeps the copy in the year's trail, 文件 →
尚未合并的外业副本… lists it (whose, which file, when, which units) until 合并外业副本… brings it back, signing a
covered unit's score sheet warns in one sentence (and still signs), and 新建年度 from that year says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.store.dataset import Dataset
from tests.desktop_support import answer_modal, assert_trail_proves, check_answered, merge_through_menu, shot_over
from tests.ui.test_desktop import click, type_chinese
from tests.ui.test_desktop_day import action, choose_file
from tests.ui.test_desktop_teamwork import open_year
from ui.dialogs import NewYearDialog
from ui.field_copies import FieldCopyDialog
from ui.pdf_export import ExportDialog
from ui.pdf_kinds import ALL_SHEETS, SHEET


def box_says(window, name: str, seen: list[str]):
    def act(box: QMessageBox) -> None:
        seen.append(box.text())
        shot_over(window, box, name)
        box.button(QMessageBox.StandardButton.Ok).click()
    return act


def make_copy(window, qtbot, target: Path, rows: tuple[int, ...]) -> None:
    def fill(dialog: FieldCopyDialog) -> None:
        type_chinese(dialog.assessor.lineEdit(), "王五")
        qtbot.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
        for row in rows:
            dialog.units.setCurrentRow(row)
            qtbot.keyClick(dialog.units, Qt.Key.Key_Space)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    made: list[str] = []
    states = [answer_modal(FieldCopyDialog, fill), answer_modal(QFileDialog, choose_file(target)),
              answer_modal(QMessageBox, box_says(window, "copies-out-made", made))]
    action(window, "制作外业副本…").trigger()
    for state in states:
        check_answered(state)
    assert made and made[0].startswith(f"已制作外业副本 {target.name}：交给 王五")


def listed(window, name: str) -> str:
    seen: list[str] = []
    state = answer_modal(QMessageBox, box_says(window, name, seen))
    action(window, "尚未合并的外业副本…").trigger()
    check_answered(state)
    return seen[0]


def sign_note(window, qtbot, kind: str, shot: str = "") -> str:
    seen: list[str] = []

    def look(dialog: ExportDialog) -> None:
        dialog.kind_buttons[kind].click()
        if not dialog.sign.isChecked():
            dialog.sign.click()
        assert dialog.sign.isChecked()
        seen.append(dialog.sign_note.text())
        shot_over(window, dialog, shot or f"copies-out-sign-{kind}")
        dialog.reject()
    state = answer_modal(ExportDialog, look)
    window.pdf_actions.sheet_action.trigger()
    check_answered(state)
    return seen[0]


def test_a_copy_made_is_listed_warned_of_when_signing_and_gone_once_merged(window, qtbot, tmp_path):
    year = open_year(window, tmp_path)
    session = window.session
    covered, other = (session.unit(uid).name for uid in session.unit_ids[:2])
    assert listed(window, "copies-out-none") == "2022.wjkh 没有尚未合并回来的外业副本。"
    target = tmp_path / "2022-外业-王五.wjkh"  # the name the dialog suggests (chosen as typed, or kept)
    make_copy(window, qtbot, target, (0,))
    assert [(c.assessor, c.units, c.file_name, c.made_by) for c in session.copies_out()] == [
        ("王五", (covered,), target.name, "组长")]
    said = listed(window, "copies-out-listed").splitlines()
    assert said[0] == "2022.wjkh 有 1 份外业副本尚未合并回来："
    assert said[1].startswith(f"王五：{target.name}（") and said[1].endswith(f" 由 组长 制作，{covered}）")
    assert said[2] == "副本交回后，用“合并外业副本…”带入本年度；合并后即不再列出。"

    # signing the covered unit's sheet: warned, in one sentence, and still offered
    window.workspace.select_unit(session.unit_id(covered))
    note = sign_note(window, qtbot, SHEET, "copies-out-sign-warned")
    assert f"注意：王五的外业副本 {target.name}（" in note
    assert note.endswith("含本单位，尚未合并回来；本单位签名定稿后，"
                         "副本中对本单位的修改将不能带入（须先重新开放本单位）。")
    window.workspace.select_unit(session.unit_id(other))
    assert "外业副本" not in sign_note(window, qtbot, SHEET)
    assert "王五的外业副本" in sign_note(window, qtbot, ALL_SHEETS)

    # merged back: no longer out, nor warned of
    with Dataset.open(target, backups=False) as copy:
        assert copy.set_insured_workers(copy.assessor_id("王五"), copy.unit_id(covered), 77).ok
    merged: list[str] = []
    merge_through_menu(window, target, box_says(window, "copies-out-merged", merged),
                       lambda dialog: qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton))
    assert merged and merged[0].startswith(f"已把外业副本 {target.name} 合并到 {year.name}")
    assert session.copies_out() == []
    assert listed(window, "copies-out-after") == "2022.wjkh 没有尚未合并回来的外业副本。"
    window.workspace.select_unit(session.unit_id(covered))
    assert "外业副本" not in sign_note(window, qtbot, SHEET)
    assert_trail_proves(session)


def test_an_edit_before_a_copy_is_made_can_still_be_undone(window, qtbot, tmp_path):
    open_year(window, tmp_path)
    session = window.session
    uid = session.unit_ids[0]
    before = session.unit(uid).insured_workers
    assert session.set_insured_workers("修改投保人数", uid, 123).ok
    make_copy(window, qtbot, tmp_path / "2022-外业-王五.wjkh", (1,))
    assert len(session.copies_out()) == 1
    assert session.history.can_undo
    window.undo.undo_action.trigger()
    qtbot.waitUntil(lambda: session.unit(uid).insured_workers == before, timeout=5000)
    assert len(session.copies_out()) == 1  # the copy exists: its making is no step to undo


@pytest.mark.usefixtures("example_2023_imported")
def test_a_new_year_from_a_year_with_a_copy_out_says_so_in_the_dialog(window, qtbot, tmp_path):
    year = open_year(window, tmp_path)
    make_copy(window, qtbot, tmp_path / "2022-外业-王五.wjkh", (0, 1))
    window.close_dataset()
    window.settings.setValue("folder", str(tmp_path))
    seen: list[str] = []

    def act(dialog: NewYearDialog) -> None:
        click(qtbot, dialog.continue_box)
        chooser = answer_modal(QFileDialog, choose_file(year))
        qtbot.mouseClick(dialog.choose_previous, Qt.MouseButton.LeftButton)
        check_answered(chooser)
        qtbot.waitUntil(lambda: dialog.previous is not None, timeout=10000)
        qtbot.waitUntil(dialog.previous_warning.isVisible, timeout=5000)
        seen.append(dialog.previous_warning.text())
        shot_over(window, dialog, "copies-out-new-year")
        dialog.reject()
    state = answer_modal(NewYearDialog, act, timeout=30)
    qtbot.mouseClick(window.start.new_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    lines = seen[0].splitlines()
    assert lines[-1].startswith("注意：2022 年度有 1 份外业副本尚未合并回来：王五的外业副本 2022-外业-王五.wjkh（")
    assert lines[-1].endswith(" 制作）；副本中的修改还不在 2022.wjkh 中，新年度带入的单位信息不含这些修改。")


def test_a_copy_made_from_a_year_opened_read_only_is_made_and_said_to_be_unknown_to_it(window, qtbot, tmp_path):
    path = open_year(window, tmp_path)
    window.close_dataset()
    assert window.open_dataset(path, read_only=True) and window.session.read_only
    target = tmp_path / "2022-外业-王五.wjkh"
    seen: list[str] = []

    def fill(dialog: FieldCopyDialog) -> None:
        type_chinese(dialog.assessor.lineEdit(), "王五")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    states = [answer_modal(FieldCopyDialog, fill), answer_modal(QFileDialog, choose_file(target)),
              answer_modal(QMessageBox, box_says(window, "copies-out-read-only", seen))]
    action(window, "制作外业副本…").trigger()
    for state in states:
        check_answered(state)
    assert target.exists()
    assert seen[0].splitlines()[-1] == ("副本未记入年度文件 2022.wjkh（年度文件以只读方式打开），"
                                        "不会列在“尚未合并的外业副本”中。")
    assert window.session.copies_out() == []
