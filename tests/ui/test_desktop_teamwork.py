"""The desktop's 文件 → 制作外业副本… and 文件 → 合并外业副本…, driven through their real buttons: a copy of
two units for 张三, his edits in the field, an office edit of the same fact, the merge with the conflict
chosen and its reason typed, and a copy of another year file refused in one sentence."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QPushButton

from core.store.backup import backup_dir
from core.store.dataset import Dataset, create_file
from core.teamwork.field_copy import make_field_copy
from tests.builders import RULES
from tests.dataset_support import rich_year
from tests.desktop_support import (
    answer_modal,
    assert_trail_proves,
    check_answered,
    merge_through_menu,
    shot_over,
    tick_cell,
)
from tests.import_support import imported, roster_file
from tests.teamwork_support import edited_at
from tests.ui.test_desktop import shot, type_chinese
from tests.ui.test_desktop_day import action, choose_file
from tests.xlsx_builders import arrival
from ui.field_copies import FieldCopyDialog, MergeDialog


def open_year(window, tmp_path: Path) -> Path:
    """A year in the field: no unit's data 定稿 yet (a change merged into a 定稿 unit: tests/core/teamwork)."""
    path = tmp_path / "2022.wjkh"
    rich = rich_year(4)
    rich = replace(rich, units=tuple(replace(u, facts_final=False) for u in rich.units))
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich)
    assert window.open_dataset(path)
    return path


def text(model, row: int, column: int) -> str:
    return model.data(model.index(row, column))


def answer_box(window, name: str, expected: str, seen: list[str]):
    def act(box: QMessageBox) -> None:
        seen.append(box.text())
        assert expected in box.text(), box.text()
        shot_over(window, box, name)
        ok = box.button(QMessageBox.StandardButton.Ok)
        assert ok.text() == "确定"
        ok.click()
    return act


def test_a_field_copy_made_edited_and_merged_back_through_the_menus(window, qtbot, tmp_path):
    year = open_year(window, tmp_path)
    session = window.session
    first, second = (session.unit(uid).name for uid in session.unit_ids[:2])
    target = tmp_path / "张三的外业副本.wjkh"

    def fill(dialog: FieldCopyDialog) -> None:
        assert not dialog.ok_button.isEnabled()  # nobody named yet
        type_chinese(dialog.assessor.lineEdit(), "张三")
        qtbot.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
        assert not dialog.ok_button.isEnabled()  # no unit chosen
        for row in (0, 1):
            dialog.units.setCurrentRow(row)
            qtbot.keyClick(dialog.units, Qt.Key.Key_Space)
        assert dialog.values() == ("张三", [first, second])
        shot_over(window, dialog, "field-copy-dialog")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    made: list[str] = []
    states = [answer_modal(FieldCopyDialog, fill), answer_modal(QFileDialog, choose_file(target)),
              answer_modal(QMessageBox, answer_box(window, "field-copy-made", "已制作外业副本", made))]
    action(window, "制作外业副本…").trigger()
    for state in states:
        check_answered(state)
    assert made == [f"已制作外业副本 {target.name}：交给 张三，单位：{first}、{second}；在副本中所做的修改，"
                    "交回后用“合并外业副本”带入本年度。"]  # no row number of the trail: words an assessor uses

    # 张三 in the field: his laptop's copy of the year
    with Dataset.open(target, backups=False) as copy:
        who, units = copy.assessor_id("张三"), copy.unit_ids()
        assert copy.set_insured_workers(who, units[0], 71).ok
        assert copy.update_unit(who, units[1], contact_person="孙八").ok
        assert copy.add_attachment(who, b"scan", "基地协议.pdf", unit_id=units[1]).ok
        assert copy.set_clause_note(who, units[1], "1.3", "现场核对台账，照片齐全").ok
    # the office, meanwhile, types the same fact otherwise
    assert session.set_insured_workers("修改投保人数", session.unit_ids[0], 66).ok
    uid = session.unit_ids

    def choose(dialog: MergeDialog) -> None:
        changes, conflicts = dialog.changes.model(), dialog.conflicts.model()
        assert changes.rowCount() == 3 and conflicts.rowCount() == 1
        # the note's row: named with its clause, its value the note itself, read whole with the time
        (note,) = [r for r in range(3) if text(changes, r, 0).endswith("第 1.3 条的备注")]
        assert text(changes, note, 2) == "现场核对台账，照片齐全"
        metrics = dialog.changes.fontMetrics()
        for column in (2, 4):
            assert metrics.horizontalAdvance(text(changes, note, column)) < dialog.changes.columnWidth(column)
        for column in (1, 2):  # who and when under the conflict's values
            for line in text(conflicts, 0, column).splitlines():
                assert metrics.horizontalAdvance(line) < dialog.conflicts.columnWidth(column), line
        assert "投保人数" in text(conflicts, 0, 0)
        # who and when each side changed it, to the second as 修改记录 says an edit's time
        mine, theirs = edited_at(year, uid[0], "insured_workers"), edited_at(target, units[0], "insured_workers")
        assert text(conflicts, 0, 1) == f"66\n组长  {mine}" and text(conflicts, 0, 2) == f"71\n张三  {theirs}"
        (contact,) = [r for r in range(3) if text(changes, r, 0).endswith("的“联系人”")]
        assert text(changes, contact, 4) == edited_at(target, units[1], "contact_person")
        assert not dialog.merge_button.isEnabled()
        tick_cell(qtbot, dialog.conflicts, 0, 4)  # 采用外业副本的
        assert dialog.choices() == {1: "theirs"} and not dialog.merge_button.isEnabled()  # no reason yet
        type_chinese(dialog.reason, "张三现场核对了参保名单")
        assert dialog.merge_button.isEnabled()
        shot_over(window, dialog, "merge-dialog")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    merged: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done", "已把外业副本", merged), choose)
    # the two changes and the conflict taken from the copy, as verify-audit counts them
    assert merged[0].startswith(f"已把外业副本 {target.name} 合并到 {year.name}："
                                "带入 4 项修改（含 1 处冲突采用外业副本的），处理冲突 1 处。\n"
                                "合并前的年度文件已备份为 ")
    uid = session.unit_ids
    assert session.unit(uid[0]).insured_workers == 71 and session.unit(uid[1]).contact_person == "孙八"
    assert [a.name for a in session.attachments(uid[1])] == ["基地协议.pdf"]
    assert not session.history.can_undo  # the merge's way back is the backup taken before it
    assert_trail_proves(session)
    window.grab().save(str(Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "merged-year.png"))

    # merging it again: nothing new, said so
    again: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-nothing-new", "没有尚未合并的修改", again))

    # closed, the year is let go of: the merge's way back (编辑 → 撤销 a merge) held it for as long as the
    # program ran
    import weakref
    closed = weakref.ref(session)
    del session
    window.close_dataset()
    qtbot.waitUntil(lambda: closed() is None, timeout=5000)


def test_a_copy_of_another_year_file_is_refused_in_one_sentence(window, tmp_path):
    open_year(window, tmp_path)
    other = tmp_path / "other" / "2022.wjkh"
    other.parent.mkdir()
    assert not create_file(other, RULES, "王五", year=rich_year(2))
    with Dataset.open(other, backups=False) as ds:
        make_field_copy(ds, tmp_path / "别的年度文件的副本.wjkh", "王五", 1)
    merge_through_menu(window, tmp_path / "别的年度文件的副本.wjkh", None)
    assert window.last_problems == ["外业副本 别的年度文件的副本.wjkh 不是由年度文件 2022.wjkh 制作的"
                                    "（或该文件已恢复为制作副本之前的备份），不能合并。"]
    assert window.last_problems_title == "不能合并"  # a refusal, not an edit that was not saved


def test_a_long_merge_runs_beside_the_window_with_progress(window, qtbot, tmp_path, capsys):
    """600 field edits: the comparison and the merge run on another thread; the window's longest stall
    is printed (a shared machine's timing is not asserted)."""
    from core.editing import field_work
    from tests.stall_meter import StallMeter
    from tests.teamwork_support import copy_with_edits
    year = open_year(window, tmp_path)
    window.close_dataset()
    copy = copy_with_edits(year, 600)
    assert window.open_dataset(year)
    qtbot.wait(300)  # the window's events flow before the lead merges (the closed year's pages go, it is collected)
    actions = window.field_copies
    seen: list[str] = []
    plan = field_work.plan(field_work.material(window.session), copy)  # in the desktop, on a worker too
    with StallMeter() as meter:
        state = answer_modal(QMessageBox, lambda box: (seen.append(box.text()), box.accept()), timeout=120)
        edit = actions.write_merge(copy, {}, "", plan)
        check_answered(state)
    assert edit is not None and edit.ok and len(plan.changes) == 404 and "已把外业副本" in seen[0]
    with capsys.disabled():
        print(f"\nmerge of {len(plan.changes)} changes through the desktop: longest stall of the window "
              f"{meter.longest_ms:.0f} ms")


def test_a_field_change_of_a_unit_signed_meanwhile_waits_in_the_copy_until_the_unit_is_reopened(
        window, qtbot, tmp_path):
    """The office signs a unit's score sheet (locking it) while 赵敏 changes it in the field: the merge says
    why that change cannot come in and how many were left, and merging the copy again after unlocking the
    unit brings it in; nothing is lost on the way."""
    from ui.reopen import ReopenDialog
    year = open_year(window, tmp_path)
    session = window.session
    signed, other = session.unit_ids[:2]
    target = tmp_path / "外业-赵敏.wjkh"
    make_field_copy(session.ds, target, "赵敏", session.by, [session.unit(signed).name, session.unit(other).name])
    assert session.record_signed("sheet", signed, 1, "ef" * 32, "CN=组长", "01" * 32, "签章定稿").ok
    assert session.locked(signed)
    with Dataset.open(target, backups=False) as copy:
        who = copy.assessor_id("赵敏")
        assert copy.set_insured_workers(who, signed, 150).ok
        assert copy.set_clause_note(who, other, "1.3", "赵敏：补看基地协议").ok
    before = session.unit(signed).insured_workers

    def look(dialog: MergeDialog) -> None:
        assert dialog.conflicts.model().rowCount() == 0  # nothing to choose: the signed unit cannot take it now
        assert dialog.changes.model().rowCount() == 1
        held = dialog.held.model()
        assert dialog.held.isVisible() and held.rowCount() == 1
        assert "投保人数" in text(held, 0, 0) and text(held, 0, 2) == "150" and text(held, 0, 3) == "赵敏"
        assert text(held, 0, 5) == "该单位已签章定稿并锁定，须先解锁才能采用外业副本的修改"
        assert held.headerData(1, Qt.Orientation.Horizontal) == "年度文件中"
        assert "另有 1 项修改所属单位已签章定稿并锁定，暂不能带入" in dialog.findChild(QLabel).text()
        shot_over(window, dialog, "merge-dialog-held")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-held", "已把外业副本", said), look)
    assert said[0].startswith(f"已把外业副本 {target.name} 合并到 {year.name}：带入 1 项修改，处理冲突 0 处。\n"
                              "另有 1 项修改没有带入：所属单位已签章定稿并锁定。这些修改仍留在外业副本中，用“签章 → "
                              "解锁本单位（重新开放）…”解锁该单位后再次合并这份外业副本即可带入；这份外业副本已记为合并回来"
                              "（没有带入的修改记在合并记录中），不再列为尚未合并。\n"
                              "合并前的年度文件已备份为 ")
    assert session.unit(signed).insured_workers == before

    # the unit reopened through 签章 → 解锁本单位（重新开放）…, the same copy merged again brings the change
    window.workspace.select_unit(signed)

    def unlock(dialog: ReopenDialog) -> None:
        type_chinese(dialog.reason, "补录外业核实的参保人数")
        dialog.ok.click()
    state = answer_modal(ReopenDialog, unlock)
    window.pdf_actions.menu.aboutToShow.emit()  # the 签章 menu opened: its actions follow the chosen unit
    action(window, "解锁本单位（重新开放）…").trigger()
    check_answered(state)
    assert not session.locked(signed)

    def take(dialog: MergeDialog) -> None:
        changes = dialog.changes.model()
        assert changes.rowCount() == 1 and dialog.held.model().rowCount() == 0 and not dialog.held.isVisible()
        assert "投保人数" in text(changes, 0, 0) and text(changes, 0, 2) == "150"
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said.clear()
    merge_through_menu(window, target, answer_box(window, "merge-done-after-reopen", "已把外业副本", said), take)
    # signing had marked the unit 定稿 (reopening leaves that): the change brought in withdraws it, said so
    assert said[0].startswith(f"已把外业副本 {target.name} 合并到 {year.name}：带入 1 项修改，处理冲突 0 处。\n"
                              f"“{session.unit(signed).name}”的数据已改动，已取消其定稿。\n合并前的年度文件已备份为 ")
    assert not session.unit(signed).facts_final
    assert session.unit(signed).insured_workers == 150
    assert_trail_proves(session)


def test_the_merge_dialog_tells_a_final_withdrawn_in_the_field_in_words(window, qtbot, tmp_path):
    """A unit 定稿 in the office whose data 孙琳 changed in the field (which withdrew its 定稿 there): the
    merge dialog says so in one sentence across the value columns, not as 数据已定稿 是 → 否."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    assert window.open_dataset(path)
    session = window.session
    first = session.unit_ids[0]
    assert session.unit(first).facts_final
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    with Dataset.open(target, backups=False) as copy:
        assert copy.set_insured_workers(copy.assessor_id("孙琳"), first, 71).unfinalized == (first,)

    def look(dialog: MergeDialog) -> None:
        changes = dialog.changes.model()
        assert changes.rowCount() == 2
        rows = [[text(changes, r, c) for c in range(5)] for r in range(2)]
        assert rows[0][:3] == [f"单位“{session.unit(first).name}”的“投保人数”", "50", "71"]
        assert rows[1][0] == (f"单位“{session.unit(first).name}”：外业副本修改了该单位的数据，同时取消了其定稿；"
                              "合并后年度文件中也将取消其定稿")
        assert rows[1][1:] == ["", "", "孙琳", rows[0][4]]
        assert dialog.changes.columnSpan(1, 0) == 3 and dialog.changes.columnSpan(0, 0) == 1
        assert dialog.changes.visualRect(changes.index(1, 0)).width() >= dialog.fontMetrics().horizontalAdvance(
            rows[1][0])  # read whole
        shot_over(window, dialog, "merge-dialog-final-withdrawn")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-final", "已把外业副本", said), look)
    assert f"“{session.unit(first).name}”的数据已改动，已取消其定稿。" in said[0]
    assert not session.unit(first).facts_final


def test_the_merge_dialog_tells_a_final_the_merge_itself_withdraws(window, qtbot, tmp_path):
    """Two units marked 定稿 in the office after the copy was handed out: one whose data 孙琳 changed in the
    field is told, whole, under the changes, to lose its 定稿 in the merge (who marked it, when, and that it
    can be marked again); the other, given only a note there, is not told and keeps its 定稿."""
    path = open_year(window, tmp_path)
    session = window.session
    first, second = session.unit_ids[:2]
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    assert session.mark_final("标记数据已定稿", [first, second], True).ok
    with Dataset.open(target, backups=False) as copy:
        who = copy.assessor_id("孙琳")
        assert copy.set_insured_workers(who, first, 71).ok and copy.set_clause_note(who, second, "4.3", "月报缺三月").ok
    name = session.unit(first).name

    def look(dialog: MergeDialog) -> None:
        assert dialog.changes.model().rowCount() == 2
        told = dialog.withdrawals.text()
        assert told.startswith(f"单位“{name}”：办公室在年度文件中已标记定稿（组长，") and told.endswith(
            "），外业副本修改了该单位的数据；合并带入这些修改后将取消其定稿，核对数据后可重新标记定稿"), told
        assert session.unit(second).name not in told and dialog.withdrawals.isVisible()
        room = dialog.withdrawals_area.viewport()
        assert dialog.withdrawals.heightForWidth(room.width()) <= room.height()  # read whole, not scrolled
        assert not dialog.withdrawals_area.verticalScrollBar().isVisible()
        shot_over(window, dialog, "merge-dialog-final-withdrawn-by-merge")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-final-by-merge", "已把外业副本", said), look)
    assert f"“{name}”的数据已改动，已取消其定稿。" in said[0]
    assert not session.unit(first).facts_final and session.unit(second).facts_final
    assert path.exists()


def test_many_finals_the_merge_withdraws_scroll_within_the_merge_dialog(window, qtbot, tmp_path):
    """Ten units marked 定稿 in the office after the copy was handed out, each changed in the field: their ten
    sentences scroll under the changes, six lines high, and the dialog stays within the screen."""
    path = tmp_path / "2022.wjkh"
    rich = rich_year(10)
    rich = replace(rich, units=tuple(replace(u, facts_final=False) for u in rich.units))
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich)
    assert window.open_dataset(path)
    session = window.session
    units = session.unit_ids
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    assert session.mark_final("标记数据已定稿", units, True).ok
    with Dataset.open(target, backups=False) as copy:
        for n, uid in enumerate(units):
            assert copy.set_insured_workers(copy.assessor_id("孙琳"), uid, 70 + n).ok

    def look(dialog: MergeDialog) -> None:
        assert len(dialog.withdrawals.text().split("\n")) == 10
        assert dialog.withdrawals_area.verticalScrollBar().isVisible()
        assert dialog.withdrawals_area.height() <= 6 * dialog.fontMetrics().lineSpacing() + 4
        assert dialog.frameGeometry().height() <= dialog.screen().availableGeometry().height()
        shot_over(window, dialog, "merge-dialog-many-finals-withdrawn")
        dialog.reject()

    merge_through_menu(window, target, None, look)
    assert all(session.unit(uid).facts_final for uid in units)  # not merged: nothing withdrawn


def test_a_conflict_whose_copy_side_withdraws_a_final_says_so_in_the_merge_dialog(window, qtbot, tmp_path):
    """The office changed a unit's 投保人数 and marked it 定稿 after the copy was handed out; 孙琳 changed
    the same 投保人数 in the field: the conflict says, whole under it, that taking the copy's side withdraws
    the 定稿; taken, the unit is 定稿 no more."""
    open_year(window, tmp_path)
    session = window.session
    first = session.unit_ids[0]
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    assert session.set_insured_workers("修改投保人数", first, 60).ok
    assert session.mark_final("标记数据已定稿", [first], True).ok
    with Dataset.open(target, backups=False) as copy:
        assert copy.set_insured_workers(copy.assessor_id("孙琳"), first, 71).ok

    def look(dialog: MergeDialog) -> None:
        assert dialog.changes.model().rowCount() == 0 and not dialog.withdrawals.isVisible()
        said = text(dialog.choice_model, 0, 0)
        assert said.startswith(f"1. 单位“{session.unit(first).name}”的“投保人数”\n该单位在年度文件中已标记定稿（组长，")
        assert said.endswith("）：采用外业副本的一方将取消其定稿，核对数据后可重新标记定稿")
        cell = dialog.conflicts.visualRect(dialog.choice_model.index(0, 0))
        needed = dialog.fontMetrics().boundingRect(QRect(0, 0, cell.width() - 8, 10**4),
                                                   Qt.TextFlag.TextWordWrap, said).height()
        assert cell.height() >= needed, (cell.height(), needed)  # read whole
        tick_cell(qtbot, dialog.conflicts, 0, 4)  # 采用外业副本的
        type_chinese(dialog.reason, "以现场核对为准")
        shot_over(window, dialog, "merge-dialog-conflict-withdraws-final")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-conflict-final", "已把外业副本", said), look)
    assert f"“{session.unit(first).name}”的数据已改动，已取消其定稿。" in said[0]
    assert not session.unit(first).facts_final and session.unit(first).insured_workers == 71


def test_a_final_taken_from_the_copy_over_a_figure_kept_from_the_office_ends_withdrawn(window, qtbot, tmp_path):
    """A unit 定稿 when handed out; 孙琳 changed its 投保人数 and marked it 定稿 again, the office changed the same
    figure (withdrawing its 定稿) and did not mark it again. The dialog tells the 定稿 conflict in words and that
    the copy's 定稿 holds only for the copy's data; keeping the office's figure and ticking the copy's 定稿
    ends with the office's figure and the unit NOT 定稿 (core/teamwork/vouched), which the message after the
    merge says."""
    open_year(window, tmp_path)
    session = window.session
    first = session.unit_ids[0]
    assert session.mark_final("标记数据已定稿", [first], True).ok
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    with Dataset.open(target, backups=False) as copy:
        who = copy.assessor_id("孙琳")
        assert copy.set_insured_workers(who, first, 70).ok and copy.mark_final(who, first).ok
    assert session.set_insured_workers("修改投保人数", first, 65).ok
    assert not session.unit(first).facts_final

    def look(dialog: MergeDialog) -> None:
        model = dialog.choice_model
        assert model.rowCount() == 2
        said = text(model, 1, 0)
        assert said == (f"2. 单位“{session.unit(first).name}”的数据是否定稿\n"
                        "外业副本的定稿只对外业副本的数据有效：第 1 处冲突保留年度文件的一方，"
                        "或年度文件在制作副本后另改过该单位的数据，合并后该单位都不是定稿，"
                        "核对数据后可重新标记定稿"), said
        assert text(model, 1, 1).startswith("未定稿\n组长") and text(model, 1, 2).startswith("已定稿\n孙琳")
        cell = dialog.conflicts.visualRect(model.index(1, 0))
        needed = dialog.fontMetrics().boundingRect(QRect(0, 0, cell.width() - 6, 10**4),
                                                   Qt.TextFlag.TextWordWrap, said).height()
        assert cell.height() >= needed, (cell.height(), needed)  # read whole
        tick_cell(qtbot, dialog.conflicts, 0, 3)  # 保留年度文件的 figure
        tick_cell(qtbot, dialog.conflicts, 1, 4)  # 采用外业副本的 定稿
        type_chinese(dialog.reason, "人数以办公室为准")
        shot_over(window, dialog, "merge-dialog-final-of-copy-data")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-final-of-copy-data", "已把外业副本", said), look)
    assert session.unit(first).insured_workers == 65 and not session.unit(first).facts_final
    # the message after the merge names it too (it was not 定稿 here before the merge: the copy's 定稿 was dropped)
    assert (f"处理冲突 2 处。\n“{session.unit(first).name}”在外业副本中标记了定稿，但合并后的数据与外业副本的不同"
            "（外业副本的定稿只对外业副本的数据有效），已取消其定稿。\n合并前的年度文件已备份为 ") in said[0], said


def test_the_merge_dialog_tells_a_roster_the_copy_imported_by_its_unit_and_the_lists_name(window, qtbot, tmp_path):
    """孙琳 imported a unit's 花名册 into her copy: the merge dialog tells it, across the row, by the unit, the
    file, the list's kind in the bureau's words and its rows; merged, the unit has that list."""
    open_year(window, tmp_path)
    session = window.session
    first = session.unit_ids[0]
    name = session.unit(first).name
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    roster = roster_file(tmp_path, [arrival(i, 劳务基地="贵州铜仁劳务基地") for i in range(5)])
    with Dataset.open(target, backups=False) as copy:
        imported(copy, "arrivals", roster, unit=name)

    def look(dialog: MergeDialog) -> None:
        changes = dialog.changes.model()
        assert changes.rowCount() == 1
        said = text(changes, 0, 0)
        assert said == f"单位“{name}”：外业副本导入的名单“{roster.name}”（组织进吴人员花名册（附件2），5 行）", said
        shot_over(window, dialog, "merge-dialog-roster")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-roster", "已把外业副本", said), look)
    assert [(s.file_name, s.rows) for s in session.ds.imports(first)] == [(roster.name, 5)]
    # 文件 → 恢复备份…, a backup before the merge chosen: the step it undoes is named as the merge, not its roster
    from ui.restore_dialog import RestoreDialog
    seen: dict[str, str] = {}

    def choose(dialog: RestoreDialog) -> None:
        table = dialog.table
        row = next(r for r in range(table.rowCount()) if "合并外业副本" not in table.item(r, 1).text())
        rect = table.visualItemRect(table.item(row, 1))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        seen["notice"] = dialog.notice.text()
        notice = dialog.notice
        qtbot.waitUntil(lambda: notice.height() >= notice.heightForWidth(notice.width()))  # read whole
        shot_over(window, dialog, "restore-dialog-before-merge")
        dialog.reject()

    state = answer_modal(RestoreDialog, choose)
    action(window, "恢复备份…").trigger()
    check_answered(state)
    assert "“外业-孙琳.wjkh”" not in seen["notice"] and "合并外业副本 外业-孙琳.wjkh（孙琳 的外业副本" in seen["notice"]
    assert roster.name not in seen["notice"], seen["notice"]


def test_a_merge_whose_copy_imported_the_same_roster_again_keeps_final_and_says_so(window, qtbot, tmp_path):
    """A unit 定稿 over its imported 花名册; 孙琳 imported the same 花名册 again in her copy. The merge dialog says,
    under the changes, in the words of a plain import of the same people, that the unit's 定稿 stays; merged, the
    outcome says it again and the unit is still 定稿."""
    path = tmp_path / "2022.wjkh"
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich_year(4))
    roster = roster_file(tmp_path, [arrival(i) for i in range(5)])
    with Dataset.open(path, backups=False) as ds:
        first = ds.unit_ids()[0]
        name = ds.unit(first).name
        imported(ds, "arrivals", roster, unit=name)
        assert ds.mark_final(1, first).ok
    assert window.open_dataset(path)
    session = window.session
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    with Dataset.open(target, backups=False) as copy:
        imported(copy, "arrivals", roster, unit=name)
    kept = f"单位“{name}”：与上次导入的内容相同，数据未改动，定稿保持不变。"

    def look(dialog: MergeDialog) -> None:
        changes = dialog.changes.model()
        assert changes.rowCount() == 1
        said = text(changes, 0, 0)
        assert said.endswith("，替换年度文件中的 1 份同类名单"), said
        cell = dialog.changes.visualRect(changes.index(0, 0))  # across the value columns, wrapped, read whole
        needed = dialog.fontMetrics().boundingRect(QRect(0, 0, cell.width() - 6, 10**4), Qt.TextFlag.TextWordWrap,
                                                   said).height()
        assert cell.height() >= needed, (cell.height(), needed)
        assert dialog.withdrawals.text() == kept and dialog.withdrawals.isVisible()
        shot_over(window, dialog, "merge-dialog-final-kept-same-people")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-final-kept", "已把外业副本", said), look)
    assert said[0].startswith(f"已把外业副本 {target.name} 合并到 {path.name}：带入 1 项修改，处理冲突 0 处。\n{kept}\n"
                              "合并前的年度文件已备份为 "), said
    assert session.unit(first).facts_final


def test_a_merge_is_undone_whole_by_edit_undo_while_nothing_was_edited_since(window, qtbot, tmp_path):
    """Straight after 合并, 编辑 → 撤销 合并外业副本 puts the year back exactly as it was before the merge (the
    backup the result names), and the copy's changes can be merged again; once something is edited after
    the merge, 撤销 undoes that edit, never the merge."""
    year = open_year(window, tmp_path)
    session = window.session
    first, second = session.unit_ids[:2]
    target = tmp_path / "外业-王芳.wjkh"
    make_field_copy(session.ds, target, "王芳", session.by, None)
    with Dataset.open(target, backups=False) as copy:
        who = copy.assessor_id("王芳")
        assert copy.set_insured_workers(who, first, 66).ok
        assert copy.set_clause_note(who, second, "1.3", "王芳：台账齐全").ok
    before = session.ds.audit_head()
    insured = session.unit(first).insured_workers
    undo = window.undo.undo_action
    assert not undo.isEnabled()

    said: list[str] = []

    def keep(box: QMessageBox) -> None:
        said.append(box.text())
        assert sorted(b.text() for b in box.buttons()) == sorted(["撤销这次合并", "确定"])
        shot_over(window, box, "merge-done-backup")
        box.button(QMessageBox.StandardButton.Ok).click()

    merge_through_menu(window, target, keep, lambda d: qtbot.mouseClick(d.merge_button, Qt.MouseButton.LeftButton))
    named = [b.name for b in backup_dir(year).iterdir() if b.name in said[0]]
    assert len(named) == 1, said  # the backup taken before merging, named by its file name
    assert said[0].startswith(f"已把外业副本 {target.name} 合并到 {year.name}：带入 2 项修改，处理冲突 0 处。\n"
                              f"合并前的年度文件已备份为 {named[0]}。")
    assert "“编辑 → 撤销 合并外业副本”" in said[0]
    assert session.unit(first).insured_workers == 66
    assert undo.isEnabled() and undo.text() == "撤销 合并外业副本"

    def confirm(box: QMessageBox) -> None:
        assert box.text().startswith(f"撤销合并外业副本 {target.name}：用合并前的备份 {named[0]} 恢复 {year.name}")
        shot_over(window, box, "merge-undo-confirm")
        [go] = [b for b in box.buttons() if b.text() == "撤销合并"]
        go.click()

    done: list[str] = []
    states = [answer_modal(QMessageBox, confirm),
              answer_modal(QMessageBox, answer_box(window, "merge-undone", "已撤销合并外业副本", done), timeout=30)]
    undo.trigger()
    for state in states:
        check_answered(state)
    session = window.session  # the year opened again, as it was before the merge
    assert session is not None and session.file == year
    assert session.ds.audit_head() == before and session.unit(first).insured_workers == insured
    assert not window.undo.undo_action.isEnabled()
    window.grab().save(str(Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "merge-undone.png"))

    # merged again, then an edit: 撤销 undoes the edit, and the merge stays
    merge_through_menu(window, target, lambda box: box.button(QMessageBox.StandardButton.Ok).click(),
                       lambda d: qtbot.mouseClick(d.merge_button, Qt.MouseButton.LeftButton))
    assert session.unit(first).insured_workers == 66
    assert session.set_insured_workers("修改参保人数", first, 67).ok
    window.edited()
    assert window.undo.undo_action.text() != "撤销 合并外业副本"
    window.undo.undo_action.trigger()
    assert session.unit(first).insured_workers == 66  # the edit undone; the merge kept
    assert not window.undo.undo_action.isEnabled()  # the trail moved on since the merge: no way back by 撤销


def test_an_opened_field_copy_says_so_marks_its_units_and_asks_once_before_another_unit_is_changed(
        window, qtbot, tmp_path):
    """王芳's copy opens with a banner naming her and her units, which the unit list shows bold; a unit not
    handed to her is only looked at until she chooses, once, to change it anyway."""
    from ui.field_copy_banner import FieldCopyBanner
    open_year(window, tmp_path)
    session = window.session
    other, mine, also_mine = session.unit_ids[:3]
    names = [session.unit(uid).name for uid in (other, mine, also_mine)]
    target = tmp_path / "外业-王芳.wjkh"
    make_field_copy(session.ds, target, "王芳", session.by, names[1:])
    window.close_dataset()
    suggested: list[str] = []  # who is working: the copy's own assessor is suggested, not the last one (组长)
    window.ask_assessor = lambda names, suggestion: (suggested.append(suggestion), (suggestion, ""))[1]
    assert window.open_dataset(target)
    workspace, session = window.workspace, window.session
    assert suggested == ["王芳"] and session.assessor.name == "王芳"
    banner = workspace.findChild(FieldCopyBanner)
    assert banner is not None and banner.isVisible()
    assert banner.label.text() == (f"外业副本：交给王芳的单位（单位列表中以粗体标出）：{names[1]}、{names[2]}。"
                                   "在此所做的修改合并回办公室的年度文件后生效；其他单位只供查看。")
    units = workspace.unit_list.model()
    bold = {units.data(units.index(row, 0), Qt.ItemDataRole.DisplayRole).split("\n")[0]:
            bool(units.data(units.index(row, 0), Qt.ItemDataRole.FontRole)
                 and units.data(units.index(row, 0), Qt.ItemDataRole.FontRole).bold())
            for row in range(units.rowCount())}
    assert [n for n, b in bold.items() if b] == names[1:]
    tip = units.data(units.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines()[:2] == [names[0], "不在交给王芳的外业副本中，只供查看"]
    window.grab().save(str(Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "field-copy-open.png"))

    page = workspace.clause_page
    workspace.select_unit(mine)  # hers: open to change, nothing in the way
    assert not page.lock_banner.isVisible() and not page.note_edit.isReadOnly()
    workspace.select_unit(other)
    assert page.lock_banner.isVisible() and page.note_edit.isReadOnly() and not page.reopen_button.isVisible()
    assert page.lock_label.text() == "本单位不在交给王芳的外业副本中，只供查看；如确需修改，点“仍要修改本单位…”。"
    window.grab().save(str(Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "field-copy-other.png"))

    asked: list[str] = []

    def answer(choice: str):
        def act(box: QMessageBox) -> None:
            asked.append(box.text())
            shot_over(window, box, "field-copy-ask-outside")
            [button] = [b for b in box.buttons() if b.text() == choice]
            button.click()
        return act

    state = answer_modal(QMessageBox, answer("不修改"))
    qtbot.mouseClick(page.outside_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert asked == [f"“{names[0]}”不在交给王芳的外业副本中。在这里修改它，合并回办公室时须由办公室逐项确认是否带入。"
                     "仍要修改这个单位吗？"]
    assert page.note_edit.isReadOnly() and session.outside_copy(other)
    state = answer_modal(QMessageBox, answer("仍要修改"))
    qtbot.mouseClick(page.outside_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert not page.lock_banner.isVisible() and not page.note_edit.isReadOnly()
    page.note_edit.setFocus()
    type_chinese(page.note_edit, "王芳：办公室电话嘱托顺带核对")
    page.pending.flush()
    assert session.note(other, page.page.id) == "王芳：办公室电话嘱托顺带核对"
    workspace.select_unit(mine)
    workspace.select_unit(other)  # asked once: still open to change, no question again
    assert not page.lock_banner.isVisible() and not page.note_edit.isReadOnly() and len(asked) == 2

    # the unit list's 编辑 on another unit not handed over asks too; 不修改 opens nothing
    fourth = session.unit_ids[3]
    workspace.select_unit(fourth)
    [edit_button] = [b for b in workspace.findChildren(QPushButton) if b.text() == "编辑"]
    state = answer_modal(QMessageBox, answer("不修改"))
    qtbot.mouseClick(edit_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert len(asked) == 3 and session.unit(fourth).name in asked[-1] and session.outside_copy(fourth)


def test_importing_a_roster_into_a_unit_not_handed_over_asks_as_changing_it_does(window, qtbot, tmp_path):
    """数据 → 导入 Excel into a unit of the year that was not handed over with the field copy: asked first, as a
    change on its page is; 不修改 imports nothing, 仍要修改 imports it (and the unit is then open to change)."""
    from tests.import_support import roster_file
    from tests.xlsx_builders import arrival
    open_year(window, tmp_path)
    session = window.session
    other, mine = session.unit_ids[:2]
    target = tmp_path / "外业-王芳.wjkh"
    make_field_copy(session.ds, target, "王芳", session.by, [session.unit(mine).name])
    window.close_dataset()
    assert window.open_dataset(target)
    session = window.session
    roster = roster_file(tmp_path, [arrival(i) for i in range(3)])
    asked: list[str] = []

    def answer(choice: str):
        def act(box: QMessageBox) -> None:
            asked.append(box.text())
            next(b for b in box.buttons() if b.text() == choice).click()
        return act

    def checked_wizard():
        dialog = window.excel_actions.import_dialog("arrivals")
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.set_file(roster, "arrivals", other)
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
        assert dialog.worker is not None and dialog.worker.wait(60)
        assert dialog.preview is not None and dialog.import_button.isEnabled()
        return dialog

    dialog = checked_wizard()
    state = answer_modal(QMessageBox, answer("不修改"))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert asked and "不在交给王芳的外业副本中" in asked[0]
    assert dialog.status.text() == "未导入：该单位不在交给您的外业副本中。" and not session.ds.imports(other)
    shot_over(window, dialog, "field-copy-import-outside-declined")
    dialog.reject()

    dialog = checked_wizard()
    state = answer_modal(QMessageBox, answer("仍要修改"))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert [s.rows for s in session.ds.imports(other)] == [3] and not session.outside_copy(other)
    assert dialog.status.text().startswith("已导入 3 行。")
    dialog.reject()


def test_a_change_too_long_for_its_column_is_wrapped_in_the_merge_dialog_not_cut(window, qtbot, tmp_path):
    """A long unit and base name then the field: the line is wrapped onto a second rather than cut before the
    field it names (单位“…”的基地“安…)."""
    open_year(window, tmp_path)
    session = window.session
    first = session.unit_ids[0]
    long_name = "苏州市吴江区芦墟镇远帆人力资源服务有限公司汾湖高新区分公司"
    assert session.ds.update_unit(session.by, first, name=long_name).ok
    base = session.ds.base_ids(first)[0]
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    with Dataset.open(target, backups=False) as copy:
        assert copy.update_base(copy.assessor_id("孙琳"), base, name="安徽省阜阳市临泉县劳务协作基地").ok
        assert copy.update_unit(copy.assessor_id("孙琳"), first, contact_person="孙八").ok

    def look(dialog: MergeDialog) -> None:
        changes, table = dialog.changes.model(), dialog.changes
        rows = [text(changes, r, 0) for r in range(changes.rowCount())]
        width, line = table.columnWidth(0), table.fontMetrics().lineSpacing()
        long_rows = [r for r, said in enumerate(rows) if table.fontMetrics().horizontalAdvance(said) > width]
        assert "的基地" in rows[long_rows[0]]  # the unit's and the base's names leave no room for the field
        assert all(table.rowHeight(r) >= 2 * line for r in long_rows)  # so wrapped onto two lines
        assert all(table.rowHeight(r) < 2 * line for r in range(len(rows)) if r not in long_rows)
        shot_over(window, dialog, "merge-dialog-long-change-wrapped")
        dialog.reject()

    merge_through_menu(window, target, None, look)


def test_a_tick_the_office_withdrew_and_the_field_set_comes_back_when_the_copys_side_is_taken(window, qtbot, tmp_path):
    """The office withdrew a tick of 1.3 after the copy was handed out; 孙琳 ticked it seen in the field: the
    conflict says the record was removed in the office and that the copy's side makes it again; taken, the
    tick is back as 孙琳 set it."""
    open_year(window, tmp_path)
    session = window.session
    first = session.unit_ids[0]
    assert session.tick("勾选依据", first, "1.3", "annual_plan", False).ok
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    assert session.tick("撤回勾选", first, "1.3", "annual_plan", None).ok
    with Dataset.open(target, backups=False) as copy:
        assert copy.tick_evidence(copy.assessor_id("孙琳"), first, "1.3", "annual_plan", True).ok

    def look(dialog: MergeDialog) -> None:
        said = text(dialog.choice_model, 0, 0)
        assert said.endswith("这一项在办公室已被清除；采用外业副本的一方将按副本重新填上"), said
        assert text(dialog.conflicts.model(), 0, 1).startswith("（无）\n组长")
        tick_cell(qtbot, dialog.conflicts, 0, 4)  # 采用外业副本的
        assert dialog.choices() == {1: "theirs"}
        type_chinese(dialog.reason, "现场已见年度计划")
        shot_over(window, dialog, "merge-dialog-tick-made-again")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-tick-made-again", "已把外业副本", said), look)
    assert session.unit(first).evidence["1.3"]["annual_plan"] is True


def test_the_merge_dialog_tells_a_trip_the_year_already_holds_alike(window, qtbot, tmp_path):
    """孙琳 enters in her copy a trip the year already holds (entered in the office): the dialog says, under the
    changes, that the year holds one alike and it may be one activity entered twice (it would score twice under
    1.2); it comes in all the same."""
    import datetime as dt
    path = open_year(window, tmp_path)
    session = window.session
    uid = session.unit_ids[0]
    trip = (dt.date(2022, 9, 15), "贵州思南县", "offline", 6)
    assert session.ds.add_trip(session.by, uid, *trip).ok
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    window.close_dataset()
    with Dataset.open(target, backups=False) as copy:
        assert copy.add_trip(copy.assessor_id("孙琳"), uid, *trip).ok
    assert window.open_dataset(path)
    name = window.session.unit(uid).name

    def look(dialog: MergeDialog) -> None:
        assert dialog.withdrawals_area.isVisible()
        assert dialog.withdrawals.text() == (f"单位“{name}”的赴外招聘“2022-09-15 贵州思南县”：年度文件中已有完全相同的"
                                             "一条，可能是同一次活动录入了两次；如是，请在合并后删除其中一条")
        shot_over(window, dialog, "merge-dialog-twin-trip")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-twin", "已把外业副本", said), look)
    assert [t.place for t in window.session.unit(uid).trips].count("贵州思南县") == 2


def test_keeping_the_offices_base_in_the_merge_dialog_keeps_its_tick(window, qtbot, tmp_path):
    """孙琳 removed a base in the field; the office changed its 协议签订日期. The conflict says what taking the copy's
    side also brings (the base's 已查验 tick removed); kept from the year file, the base keeps its tick and its
    points."""
    open_year(window, tmp_path)
    session = window.session
    first = session.unit_ids[0]
    base = session.ds.base_ids(first)[0]
    points = session.unit_result(first).total
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    assert session.update_base("修改协议签订日期", first, base, agreement_date=dt.date(2022, 7, 7)).ok
    with Dataset.open(target, backups=False) as copy:
        assert copy.remove_base(copy.assessor_id("孙琳"), copy.base_ids(first)[0]).ok

    def look(dialog: MergeDialog) -> None:
        assert dialog.changes.model().rowCount() == 0  # nothing comes in by itself
        said = text(dialog.choice_model, 0, 0)
        assert "选用外业副本的一方，还将一并带入：" in said and "基地协议" in said, said
        type_chinese(dialog.reason, "办公室已核实该基地")
        shot_over(window, dialog, "merge-dialog-base-tick-goes-with-base")
        qtbot.mouseClick(dialog.all_mine, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-base-kept", "已把外业副本", said), look)
    kept = session.unit(first).bases[0]
    assert kept.agreement_date == dt.date(2022, 7, 7) and kept.evidence.get("agreement") is True
    assert session.unit_result(first).total == points


def test_a_unit_out_in_a_field_copy_says_so_on_its_page_in_the_year_file(window, qtbot, tmp_path):
    """A tester edited 同里英桥 in the office while it was out with 李同事, and learnt of it only at the merge. Its
    page now says who holds it since when; a unit not handed over says nothing; merged back, the line goes."""
    open_year(window, tmp_path)
    session, ws = window.session, window.workspace
    first, second = session.unit_ids[0], session.unit_ids[1]
    target = tmp_path / "外业-李同事.wjkh"
    make_field_copy(session.ds, target, "李同事", session.by, [session.unit(first).name])
    ws.select_unit(second)
    QApplication.processEvents()
    page = ws.clause_page
    assert not page.lock_banner.isVisible()
    ws.select_unit(first)
    QApplication.processEvents()
    assert page.lock_banner.isVisible() and not page.reopen_button.isVisible()
    said = page.lock_label.text()
    assert said.startswith("本单位在交给李同事的外业副本中（") and "尚未合并回来" in said, said
    assert session.set_insured_workers("修改投保人数", first, 61).ok  # the office may still change it
    shot(window, "unit-out-in-a-field-copy")
    with Dataset.open(target, backups=False) as copy:
        assert copy.set_negatives(copy.assessor_id("李同事"), first, complaints=1).ok

    def take(dialog: MergeDialog) -> None:
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    merge_through_menu(window, target, answer_box(window, "merge-done-unit-out", "已把外业副本", []), take)
    ws.select_unit(second)
    ws.select_unit(first)
    QApplication.processEvents()
    assert not window.workspace.clause_page.lock_banner.isVisible()


def test_a_trip_conflict_taller_than_its_table_is_read_and_chosen_by_its_own_tick_box(window, qtbot, tmp_path):
    """孙琳 removed a 1.2 trip in the field; the office changed its 评价表 forms. The one conflict says all that goes
    with the trip: a row taller than the table. A tester could neither read its sides (in the middle of the row, out
    of view) nor tick a choice. The table scrolls by pixels, each cell's words and tick box at the row's top, and
    the empty table of changes gives its room to the conflicts; ticked by its own box, the year file's trip stays."""
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
    open_year(window, tmp_path)
    session = window.session
    first = session.unit_ids[0]
    trip = session.trip_ids(first)[0]
    assert session.ds.tick_trip_evidence(session.by, trip, "evaluations", True).ok
    target = tmp_path / "外业-孙琳.wjkh"
    make_field_copy(session.ds, target, "孙琳", session.by, None)
    assert session.ds.set_trip_evaluations(session.by, trip, ("好", "差", "差", "差", "较好", "一般")).ok
    with Dataset.open(target, backups=False) as copy:
        assert copy.remove_trip(copy.assessor_id("孙琳"), trip).ok

    def look(dialog: MergeDialog) -> None:
        table, model = dialog.conflicts, dialog.choice_model
        assert model.rowCount() == 1 and not dialog.changes.isVisible()
        dialog.resize(dialog.width(), 380)  # as on a lower screen than this one (the tester's table was 235 high)
        QApplication.processEvents()
        assert any(label.text() == "只在外业副本中修改、将直接带入的内容：无" for label in dialog.findChildren(QLabel))
        assert table.rowHeight(0) > table.viewport().height()  # the row is taller than the view
        table.verticalScrollBar().setValue(0)
        QApplication.processEvents()
        for column in (1, 2):  # each side's first line in view
            rect = table.visualRect(model.index(0, column))
            assert rect.top() + table.fontMetrics().lineSpacing() < table.viewport().height()
        shot_over(window, dialog, "merge-dialog-trip-conflict-top")
        def tick_box() -> QRect:  # where the style draws the row's 保留年度文件的 box (Qt centres it in the row)
            option = QStyleOptionViewItem()
            option.rect = table.visualRect(model.index(0, model.MINE))
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
            return table.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, table)
        assert not table.viewport().rect().contains(tick_box())  # below the view: per item, out of reach
        bar = table.verticalScrollBar()
        for _ in range(100):  # scrolled down to it, a step of the scroll bar at a time, as the wheel does
            if table.viewport().rect().contains(tick_box()):
                break
            bar.triggerAction(bar.SliderAction.SliderSingleStepAdd)
            QApplication.processEvents()
        box = tick_box()
        assert table.viewport().rect().contains(box), (box, table.viewport().rect())
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=box.center())
        QApplication.processEvents()
        assert dialog.choices() == {1: "mine"}
        table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())  # and the rest of it is read
        QApplication.processEvents()
        assert table.verticalScrollBar().maximum() > 0
        type_chinese(dialog.reason, "办公室已核实评价表")
        shot_over(window, dialog, "merge-dialog-trip-conflict-tall-row")
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    said: list[str] = []
    merge_through_menu(window, target, answer_box(window, "merge-done-trip-kept", "已把外业副本", said), look)
    assert trip in session.trip_ids(first) and len(session.unit(first).trips[0].evaluations) == 6
