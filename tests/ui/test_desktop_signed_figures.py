"""A score sheet signed 暂定 and then moved by another unit's change (pytest-qt, offscreen): the people of the
unit waited for typed into its base table, and the signed unit's page banner, the year table's 提示 and the
签章 → 校验 PDF 签名 card on the real signed PDF each say the sheet's total then and now and to sign a new
version."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.scoring.assessment import BASES
from tests.core.pdf.test_pdf import UNIT, demo_dataset, run
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.profile_support import profile_environ, use_profile
from tests.ui.test_desktop import shot
from tests.ui.test_desktop_day import type_into_cell
from tests.ui.test_desktop_pdf import drop

WAITING = "苏州八坼新程人力资源有限公司"  # the demo's one unit whose data is not final
PASSWORD = "得分-2022"


def raise_waiting_units_people(qtbot, window) -> None:
    """八坼 (its data not final) given 210 people on its first base on page 2.1, typed into the cell as a tester did:
    the other units' ranking points move."""
    session, ws = window.session, window.workspace
    waiting = session.unit_id(WAITING)
    ws.select_unit(waiting)
    ws.go_page(next(i for i, p in enumerate(session.pages) if p.id == "2.1"))
    QApplication.processEvents()
    page = ws.clause_page
    type_into_cell(qtbot, page.record_views[BASES], 0, page.record_models[BASES].columns.index("people"), "210")
    assert session.unit(waiting).bases[0].people == 210


def verify_card_rows(window, qtbot, pdf, row: str, shot_name: str) -> list[str]:
    """签章 → 校验 PDF 签名 with `pdf` dropped on it, as the assessor does: the texts of its cards' rows named `row`
    ("figures": 得分, "trail": 审计记录)."""
    from ui.pdf_verify import VerifyDialog
    seen: dict = {}

    def look(dialog: VerifyDialog) -> None:
        assert drop(dialog, [pdf]) and dialog.worker.wait(60)
        qtbot.waitUntil(lambda: bool(dialog.cards_widget.findChildren(type(dialog.drop), row)), timeout=30_000)
        seen[row] = [label.text() for label in dialog.cards_widget.findChildren(type(dialog.drop), row)]
        shot_over(window, dialog, shot_name)
        dialog.accept()

    state = answer_modal(VerifyDialog, look, timeout=90)
    window.pdf_actions.verify()
    check_answered(state)
    return seen[row]


def test_a_sheet_signed_provisional_and_moved_since_is_said_stale_where_the_assessor_looks(
        window, qtbot, tmp_path, monkeypatch):
    from core.pdf.signing import create_key
    use_profile(monkeypatch, tmp_path / "config")
    path = demo_dataset(tmp_path)
    key = tmp_path / "陈考核.p12"
    create_key(key, "陈考核", PASSWORD)
    sheet = tmp_path / "芦墟第1版.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(sheet), "--sign", str(key),
               "--yes", env={"LEYE_SIGN_PASSWORD": PASSWORD, **profile_environ(tmp_path / "config")})
    assert done.returncode == 0, done.stderr
    assert window.open_dataset(path)
    session, ws = window.session, window.workspace
    signed_uid = session.unit_id(UNIT)
    before = session.unit_result(signed_uid).total

    # 八坼's first base: 210 people typed in, as the tester did
    raise_waiting_units_people(qtbot, window)
    after = session.unit_result(signed_uid).total
    assert after != before
    old, new = f"{float(before):g}", f"{float(after):g}"

    # the signed unit's page
    ws.select_unit(signed_uid)
    ws.go_page(next(i for i, p in enumerate(session.pages) if p.id == "2.1"))
    QApplication.processEvents()
    banner = ws.clause_page.lock_label.text()
    assert banner.startswith("已签章定稿（第 1 版，")
    assert f"签名后得分已变动：第 1 版评分表签名时总分 {old}，现为 {new}（2.1 由 " in banner
    assert banner.endswith("请解锁本单位后签署新版评分表（第 2 版）。")
    shot(window, "signed-sheet-stale-page")

    # the year table's 提示
    tabs = ws.tabs
    bar = tabs.tabBar()
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "年度总表")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    QApplication.processEvents()
    year = ws.year_view
    table = year.view.model()
    flags = next(c for c in range(table.columnCount())
                 if table.headerData(c, Qt.Orientation.Horizontal) == "提示")
    row = next(r for r in range(table.rowCount()) if table.index(r, 1).data() == UNIT)
    assert table.index(row, flags).data() == f"签名后得分已变动（第 1 版签名时 {old}，现为 {new}），须解锁后签署第 2 版"
    data = next(c for c in range(table.columnCount()) if table.headerData(c, Qt.Orientation.Horizontal) == "数据")
    assert table.index(row, data).data() == "已签章"  # as the unit list says it (not 已定稿)
    assert table.index(row, flags).data(Qt.ItemDataRole.ToolTipRole) == banner.split("\n", 1)[1]
    others = [table.index(r, flags).data() or "" for r in range(table.rowCount()) if r != row]
    assert not any("签名后得分已变动" in text for text in others)
    year.view.scrollTo(table.index(row, flags))
    shot(window, "signed-sheet-stale-year-table")

    # 签章 → 校验 PDF 签名 on the signed PDF
    (text,) = verify_card_rows(window, qtbot, sheet, "figures", "signed-sheet-stale-verify")
    assert text.startswith(f"签名后得分已变动：第 1 版评分表签名时总分 {old}，现为 {new}（2.1 由 ")
    assert text == banner.split("\n", 1)[1]


def test_a_sheet_signed_in_the_window_is_said_stale_too(window, qtbot, tmp_path, monkeypatch):
    """Signed through 签章 → 导出考核评分表 (the export worker signs on a scratch copy, the window records it): the
    figures the sheet says are kept as the command line keeps them. Before, the window kept none, and the sheet was
    never said out of date however its unit's points moved."""
    from PySide6.QtWidgets import QMessageBox

    from tests.ui.test_desktop_pdf import PASSWORD as DESK_PASSWORD
    from tests.ui.test_desktop_pdf import export_dialog, make_key
    use_profile(monkeypatch, tmp_path / "config")
    path = demo_dataset(tmp_path)
    assert window.open_dataset(path)
    session, ws = window.session, window.workspace
    signed_uid = session.unit_id(UNIT)
    ws.select_unit(signed_uid)
    QApplication.processEvents()
    make_key(qtbot, window, "陈考核")
    out = tmp_path / "芦墟第1版.pdf"
    dialog = export_dialog(window, "sheet", out, sign=True)
    dialog.password.setFocus()
    qtbot.keyClicks(dialog.password, DESK_PASSWORD)
    provisional = answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    worker = dialog.export()
    check_answered(provisional)
    assert worker is not None and worker.wait(120), dialog.status.text()
    assert out.is_file() and "已签名" in dialog.status.text()
    dialog.close()
    assert session.ds.signed_figures(signed_uid, 1) is not None  # what the sheet says, kept
    before = session.unit_result(signed_uid).total

    raise_waiting_units_people(qtbot, window)
    after = session.unit_result(signed_uid).total
    assert after != before
    ws.select_unit(signed_uid)
    QApplication.processEvents()
    banner = ws.clause_page.lock_label.text()
    assert (f"签名后得分已变动：第 1 版评分表签名时总分 {float(before):g}，现为 {float(after):g}（2.1 由 "
            in banner), banner
    shot(window, "signed-in-window-sheet-stale-page")

    # exported again unsigned: the data now, and said so by the dialog, its file name and its result line
    copy = tmp_path / "芦墟当前.pdf"
    again = export_dialog(window, "sheet", copy, sign=False)
    assert "当前数据" in again.sheet_name(signed_uid, UNIT) and "副本" not in again.sheet_name(signed_uid, UNIT)
    assert "不是第 1 版的副本" in again.sign_note.text(), again.sign_note.text()
    worker = again.export()
    assert worker is not None and worker.wait(120), again.status.text()
    QApplication.processEvents()
    assert "不是该版本的副本" in again.status.text() and "已签名定稿版本的副本" not in again.status.text()
    shot_over(window, again, "export-dialog-sheet-moved-since-signed")
    again.close()


def test_the_verify_card_says_a_sheet_of_another_copy_of_the_year_is_not_this_years_without_accusing_it(
        window, qtbot, tmp_path, monkeypatch):
    import shutil

    from core.pdf.signing import create_key
    from core.store.dataset import Dataset
    use_profile(monkeypatch, tmp_path / "config")
    path = demo_dataset(tmp_path)
    other = tmp_path / "另一份.sqlite"
    shutil.copy(path, other)
    with Dataset.open(other) as ds:
        uid = ds.unit_id(WAITING)
        assert uid is not None and ds.update_base(1, ds.base_ids(uid)[0], people=60).ok
    key = tmp_path / "陈考核.p12"
    create_key(key, "陈考核", PASSWORD)
    sheet = tmp_path / "另一份签名.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(other), "--unit", UNIT, "--out", str(sheet), "--sign", str(key),
               "--yes", env={"LEYE_SIGN_PASSWORD": PASSWORD, **profile_environ(tmp_path / "config")})
    assert done.returncode == 0, done.stderr
    assert window.open_dataset(path)
    (text,) = verify_card_rows(window, qtbot, sheet, "trail", "verify-sheet-of-another-copy")
    assert "它不是由本年度数据文件生成的（可能来自另一份年度数据文件或其副本）" in text, text
    assert "本年度数据文件中没有签署过这份评分表（第 1 版）的记录" in text
    assert "审计记录被改写" not in text
