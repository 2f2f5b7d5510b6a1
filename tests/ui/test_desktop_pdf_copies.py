"""导出全部单位的考核评分表 after one unit's sheet was signed (which locked it): that unit comes out as a copy
of its signed version, named and marked so — never as a new draft number — and signing the whole year
again does not sign it a second time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.pdf.signing import verify_pdf
from tests.core.pdf.test_pdf import flat, render_pages, text_of
from tests.desktop_support import answer_modal, check_answered, keep_answering, shot_over, stop_answering
from tests.ui.test_desktop_pdf import PASSWORD, demo, export_dialog, make_key, profile  # noqa: F401 (fixtures)


def test_a_locked_unit_is_exported_as_its_signed_version(qtbot, demo, profile, tmp_path):  # noqa: F811
    window = demo
    session = window.session
    uid = window.current_unit_id()
    name = session.unit(uid).name
    make_key(qtbot, window)
    signed = export_dialog(window, "sheet", tmp_path / "签名.pdf", sign=True)
    qtbot.keyClicks(signed.password, PASSWORD)
    provisional = answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    assert signed.export().wait(120) and session.lock(uid).version == 1, signed.status.text()
    check_answered(provisional)
    signed.reject()

    # unsigned, one unit: the dialog says what comes out, and names the file as a copy of version 1
    one = export_dialog(window, "sheet", tmp_path / "x.pdf", sign=False)
    one._path_edited = False
    one._update()
    assert one.path.text().endswith(f"{name}-考核评分表-第1版（副本）.pdf")
    assert "已签名定稿并锁定（第 1 版）" in one.sign_note.text() and "副本" in one.sign_note.text()
    one.reject()

    # every unit, unsigned, through the 导出 button
    folder = tmp_path / "全部评分表"
    every = export_dialog(window, "all_sheets", folder, sign=False)
    qtbot.mouseClick(every.export_button, Qt.MouseButton.LeftButton)
    assert every.worker.wait(180) and not every.outcome.problems, every.status.text()
    names = sorted(p.name for p in folder.glob("*.pdf"))
    assert len(names) == len(session.unit_ids)
    assert f"{name}-考核评分表-第1版（副本）.pdf" in names
    assert not [n for n in names if "第2版" in n]
    assert sum(n.endswith("-第1版（草稿）.pdf") for n in names) == len(session.unit_ids) - 1
    copy = folder / f"{name}-考核评分表-第1版（副本）.pdf"
    text = flat(text_of(copy))
    assert "已签名定稿并锁定（第1版）" in text and "第1版（已签名定稿版本的副本，本件未签名）" in text
    assert "草稿" not in text
    assert render_pages(copy, "desktop-all-sheets-locked-copy")
    shot_over(window, every, "export-all-sheets-with-a-locked-unit")
    every.reject()

    # every unit, signed: the locked unit is not signed again (no version 2), and not asked about
    again = export_dialog(window, "all_sheets", tmp_path / "定稿", sign=True)
    assert "已签名锁定的单位不再另签" in again.sign_note.text()
    qtbot.keyClicks(again.password, PASSWORD)
    asked: list[str] = []

    def sign_anyway(box: QMessageBox) -> None:
        asked.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    state = keep_answering(QMessageBox, sign_anyway)  # clauses 依据不全, then the 暂定 ranking points
    qtbot.mouseClick(again.export_button, Qt.MouseButton.LeftButton)
    stop_answering(state)
    assert state["seen"] == 2 and "error" not in state
    assert again.worker.wait(300) and not again.outcome.problems, again.status.text()
    assert f"{name}：" not in asked[0]
    assert [v.version for v in session.ds.sheet_versions(uid)] == [1]
    copy = tmp_path / "定稿" / f"{name}-考核评分表-第1版（副本）.pdf"
    assert copy.is_file() and not verify_pdf(copy.read_bytes()).signatures
    assert all(session.locked(u) for u in session.unit_ids)
    again.reject()
