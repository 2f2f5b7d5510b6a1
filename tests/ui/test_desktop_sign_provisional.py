"""签章 → 导出考核评分表（PDF）… signed while another unit's data is not final (pytest-qt, offscreen): the assessor
is told first that the ranking clauses' points and the grade stay 暂定, naming the unit waited for, and
must confirm (Enter cancels); the signed sheet says 暂定. Signing the locked unit again gives a copy of
its signed version, not a second version, and asks nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.pdf.signing import verify_pdf
from tests.core.pdf.test_pdf import flat, render_pages, text_of
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop_pdf import PASSWORD, demo, make_key, profile, ready_to_sign  # noqa: F401 (fixtures)
from ui.pdf_export import ExportDialog

WAITING = "苏州八坼新程人力资源有限公司"  # the demo's one unit whose data is not final


def sign_through_the_menu(qtbot, window, target, answer_box=None) -> dict:
    """签章 → 导出考核评分表（PDF）…, 用数字证书签名, the password typed, 导出; a question answered by
    answer_box(box). Returns what was seen."""
    seen: dict = {}

    def export(dialog: ExportDialog) -> None:
        seen["dialog"] = dialog
        ready_to_sign(qtbot, dialog, target)
        seen["note"] = dialog.sign_note.text()
        if answer_box is not None:
            seen["box"] = answer_modal(QMessageBox, lambda box: answer_box(box, seen))
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        if dialog.running:
            assert dialog.worker.wait(120)
        qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
        seen["status"] = dialog.status.text()
        shot_over(window, dialog, f"sign-provisional-{target.stem}-done")
        dialog.reject()

    state = answer_modal(ExportDialog, export, timeout=180)
    window.pdf_actions.sheet_action.trigger()
    check_answered(state)
    if "box" in seen:
        check_answered(seen["box"])
    return seen


def test_signing_a_provisional_sheet_is_confirmed_first_and_a_locked_one_is_not_signed_again(
        qtbot, demo, profile, tmp_path):  # noqa: F811
    window = demo
    session = window.session
    uid = window.current_unit_id()
    name = session.unit(uid).name
    assert name != WAITING and not session.locked(uid)
    make_key(qtbot, window)

    def cancel_with_enter(box: QMessageBox, seen: dict) -> None:
        seen["title"], seen["text"] = box.windowTitle(), box.text()
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
        shot_over(window, box, "sign-provisional-warning")
        qtbot.keyClick(box, Qt.Key.Key_Return)

    out = tmp_path / "暂定签名.pdf"
    seen = sign_through_the_menu(qtbot, window, out, cancel_with_enter)
    assert seen["title"] == "排名类条款得分暂定"
    assert seen["text"] == (
        f"“{name}”签名后，排名类条款（2.1、2.2、3.2）得分及等级仍为暂定：尚有 1 家运营单位数据未定稿"
        f"（{WAITING}），签名的考核评分表将带“暂定”水印，日后这些单位定稿时得分和等级可能变动。\n\n"
        "仍要签名暂定的考核评分表吗？")
    assert seen["status"] == "已取消：未签名，未导出。"
    assert not out.exists() and not session.locked(uid) and not session.ds.sheet_versions(uid)

    def sign_anyway(box: QMessageBox, seen: dict) -> None:
        assert box.windowTitle() == "排名类条款得分暂定"
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    seen = sign_through_the_menu(qtbot, window, out, sign_anyway)
    assert "第 1 版" in seen["status"] and "已签名" in seen["status"], seen["status"]
    assert session.locked(uid) and [v.version for v in session.ds.sheet_versions(uid)] == [1]
    text = flat(text_of(out))
    assert "已签名定稿并锁定（第1版）" in text and "暂定：尚有运营单位数据未定稿" in text
    assert render_pages(out, "desktop-signed-provisional")

    # signing the locked, unchanged unit again: a copy of version 1, named and said so, nothing asked
    again = tmp_path / "再签.pdf"
    seen = sign_through_the_menu(qtbot, window, again)
    assert seen["note"] == ("本单位已签名定稿并锁定（第 1 版）：导出的是该版本的副本（未签名），不再签名；"
                            "如需重新签名，请先解锁（重新开放）。")
    assert "已签名定稿版本的副本" in seen["status"] and "已签名，" not in seen["status"], seen["status"]
    assert [v.version for v in session.ds.sheet_versions(uid)] == [1]
    assert not verify_pdf(again.read_bytes()).signatures
    assert "第1版（已签名定稿版本的副本，本件未签名）" in flat(text_of(again))


def test_signing_the_sheet_of_a_certain_e_says_its_grade_is_not_provisional(
        qtbot, demo, profile, tmp_path):  # noqa: F811
    from tests.ui.test_desktop_standing import click_unit
    window = demo
    qidu = window.session.unit_id("苏州七都太湖汇才人力资源有限公司")
    click_unit(qtbot, window.workspace, qidu)
    make_key(qtbot, window)

    def cancel_with_enter(box: QMessageBox, seen: dict) -> None:
        seen["text"] = box.text()
        shot_over(window, box, "sign-provisional-settled-e-warning")
        qtbot.keyClick(box, Qt.Key.Key_Return)

    def incomplete_then_provisional(box: QMessageBox, seen: dict) -> None:
        # first: its 4.3 lacks evidence (the demo's) — signed anyway; then the question of the rankings
        assert box.text().startswith("以下单位仍有条款未开始或依据不全"), box.text()
        seen["next"] = answer_modal(QMessageBox, lambda next_box: cancel_with_enter(next_box, seen))
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    out = tmp_path / "七都.pdf"
    seen = sign_through_the_menu(qtbot, window, out, incomplete_then_provisional)
    check_answered(seen["next"])
    # its points, total and place wait on 八坼; its E does not
    assert seen["text"] == (
        "“苏州七都太湖汇才人力资源有限公司”签名后，排名类条款（2.1、2.2、3.2）得分及总分、名次仍为暂定："
        f"尚有 1 家运营单位数据未定稿（{WAITING}），签名的考核评分表将带“暂定”水印，"
        "日后这些单位定稿时得分和总分可能变动；等级不是暂定：不合格，已定稿："
        "无论尚未定稿的其他运营单位数据如何变动，均为 E 级，不是暂定（总分和名次仍可能变动）。\n\n"
        "仍要签名暂定的考核评分表吗？")
    assert seen["status"] == "已取消：未签名，未导出。" and not out.exists()
