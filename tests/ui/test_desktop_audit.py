"""The desktop and changes made outside the program: opening a year whose trail was cut or whose
guards were dropped says so in one sentence and offers the newest good backup (restored for real
when taken); 文件 → 核对数据文件… runs the full proof in the background and names what changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QLabel, QMessageBox  # noqa: E402

from core.store import backup  # noqa: E402
from core.store.dataset import Dataset  # noqa: E402
from tests.audit_tampers import TAMPERS, build_year, copy_year  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from tests.profile_support import profile_environ, use_profile  # noqa: E402


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    return build_year(tmp_path_factory.mktemp("year"))


def press(name: str):
    def act(box: QMessageBox) -> None:
        button = next(b for b in box.buttons() if b.text() == name)
        button.click()
    return act


def test_opening_a_cut_year_says_so_and_restores_the_newest_good_backup(window, qtbot, year, tmp_path):
    path = copy_year(year, tmp_path)
    with Dataset.open(path, read_only=True) as ds:
        head = ds.audit_head()
    TAMPERS["last_50_rows_cut"].apply(path)
    seen = {}

    def look(box: QMessageBox) -> None:
        seen["text"], seen["advice"], seen["details"] = box.text(), box.informativeText(), box.detailedText()
        shot_over(window, box, "audit-changed-outside")
        seen["told"] = answer_modal(QMessageBox, lambda told: seen.update(kept=told.informativeText()) or told.accept())
        press("恢复该备份")(box)

    state = answer_modal(QMessageBox, look)
    assert window.open_dataset(path)
    check_answered(state)
    check_answered(seen["told"])
    assert seen["text"] == f"年度数据文件 {path.name} 在本程序之外被改动过，其中的数据不可信。"
    assert "建议恢复最近的完好备份" in seen["advice"] and "审计记录被截短" in seen["details"]
    assert window.session is not None and window.session.ds.audit_head() == head  # the restored year is open
    assert window.session.ds.audit_problems == []
    kept = [b for b in backup.list_backups(path) if b.label == backup.LABEL_BEFORE_RESTORE]
    assert kept and kept[0].name in seen["kept"]  # the changed file is kept beside the backups, and said so


def truncate(path: Path) -> None:
    """The year file cut short, as a copy broken off half way leaves it."""
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size - 4096)


def test_opening_a_damaged_year_offers_its_newest_good_backup_and_restores_it_from_the_desktop(
        window, qtbot, year, tmp_path):
    path = copy_year(year, tmp_path)
    with Dataset.open(path, read_only=True) as ds:
        head = ds.audit_head()
    truncate(path)
    damaged = path.read_bytes()
    newest = backup.list_backups(path)[0]
    seen = {}

    def look(box: QMessageBox) -> None:
        seen["title"], seen["text"], seen["advice"] = box.windowTitle(), box.text(), box.informativeText()
        seen["buttons"] = sorted(b.text() for b in box.buttons())
        seen["default"] = box.defaultButton().text()
        shot_over(window, box, "damaged-year-offer")
        seen["told"] = answer_modal(QMessageBox, lambda told: seen.update(
            restored=told.text(), kept=told.informativeText()) or shot_over(window, told, "damaged-year-restored")
            and told.accept())
        press("恢复该备份")(box)

    state = answer_modal(QMessageBox, look)
    assert window.open_dataset(path)
    check_answered(state)
    check_answered(seen["told"])
    assert seen["title"] == "数据文件已损坏"
    assert seen["text"] == f"数据文件 {path.name} 已损坏（文件被截断），不能打开，未作任何改动。"
    assert seen["buttons"] == ["取消", "恢复该备份"] and seen["default"] == "取消"
    assert f"建议恢复最近的完好备份 {newest.name}" in seen["advice"]
    kept = next(b for b in backup.list_backups(path) if b.label == backup.LABEL_DAMAGED)
    assert f"损坏的文件会另存为 {kept.name}" in seen["advice"]
    assert "命令" not in seen["text"] + seen["advice"] + seen["kept"]  # the desktop names no command
    assert window.session is not None and window.session.ds.audit_head() == head  # the backup is the open year
    assert kept.path.read_bytes() == damaged  # the damaged file kept whole, where the box said
    assert seen["kept"] == f"损坏的文件已另存为 {kept.name}（在备份文件夹“{kept.path.parent.name}”中）。"


def test_a_damaged_year_chosen_with_read_only_open_is_restored_and_shown_read_only(window, qtbot, year, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from tests.ui.test_desktop_day import action, choose_file
    path = copy_year(year, tmp_path)
    truncate(path)
    seen = {}

    def offer(box: QMessageBox) -> None:
        seen["told"] = answer_modal(QMessageBox, lambda told: told.accept())
        press("恢复该备份")(box)

    states = [answer_modal(QFileDialog, choose_file(path)), answer_modal(QMessageBox, offer)]
    action(window, "只读打开…").trigger()
    for state in states:
        check_answered(state)
    check_answered(seen["told"])
    assert window.session is not None and window.session.file == path
    assert window.session.read_only  # opened as it was asked to be
    assert [b for b in backup.list_backups(path) if b.label == backup.LABEL_DAMAGED]


def test_cancelling_the_offer_for_a_damaged_year_changes_nothing(window, qtbot, year, tmp_path):
    path = copy_year(year, tmp_path)
    truncate(path)
    damaged, before = path.read_bytes(), backup.list_backups(path)
    state = answer_modal(QMessageBox, press("取消"))
    assert not window.open_dataset(path)
    check_answered(state)
    assert window.session is None and path.read_bytes() == damaged
    assert backup.list_backups(path) == before


def test_with_no_year_open_the_file_menu_restores_a_damaged_year_from_the_backup_chosen(window, qtbot, year, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    from tests.ui.test_desktop_day import action, choose_file
    from ui.restore_dialog import RestoreDialog
    path = copy_year(year, tmp_path)
    truncate(path)
    damaged = path.read_bytes()
    found = backup.list_backups(path)
    wanted = found[1]  # not the newest: the assessor chooses
    with Dataset.open(wanted.path, read_only=True) as ds:
        head = ds.audit_head()
    restore_action = action(window, "恢复备份…")
    assert window.session is None and restore_action.isEnabled()
    seen = {}

    def confirm(box: QMessageBox) -> None:
        seen["question"], seen["undone"] = box.text(), box.informativeText()
        seen["default"] = box.defaultButton().text()
        shot_over(window, box, "damaged-year-menu-confirm")
        seen["told"] = answer_modal(QMessageBox, lambda told: seen.update(kept=told.informativeText()) or told.accept())
        press("恢复")(box)

    def choose(dialog: RestoreDialog) -> None:
        table = dialog.table
        seen["heading"] = dialog.findChildren(QLabel)[0].text()
        seen["rows"] = [table.item(r, 2).text() for r in range(table.rowCount())]
        seen["done"] = table.item(1, 1).text()
        row = next(r for r, info in enumerate(dialog.backups) if info.name == wanted.name)
        rect = table.visualItemRect(table.item(row, 1))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        seen["notice"] = dialog.notice.text()
        shot_over(window, dialog, "damaged-year-menu-dialog")
        seen["confirm"] = answer_modal(QMessageBox, confirm)
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    states = [answer_modal(QFileDialog, choose_file(path)), answer_modal(RestoreDialog, choose)]
    restore_action.trigger()
    for state in states:
        check_answered(state)
    check_answered(seen["confirm"])
    check_answered(seen["told"])
    assert seen["heading"] == f"{path.name} 已损坏，不能打开。以下是它的备份（最新的在前），选择一份用来恢复。"
    assert seen["rows"] == [b.name for b in found]
    assert seen["done"] and seen["done"] != "（无法读取）"  # what was done before each backup, named from the backups
    kept = next(b for b in backup.list_backups(path) if b.label == backup.LABEL_DAMAGED)
    assert f"损坏的文件会另存为 {kept.name}" in seen["notice"] and seen["undone"] == seen["notice"]
    assert wanted.taken_at.strftime("%Y-%m-%d %H:%M") in seen["notice"]
    assert seen["question"] == f"用备份 {wanted.name} 替换年度数据文件 {path.name}？" and seen["default"] == "取消"
    assert window.session is not None and window.session.ds.audit_head() == head  # the backup chosen is open
    assert kept.path.read_bytes() == damaged and kept.name in seen["kept"]


def test_with_no_year_open_the_file_menu_lists_a_readable_years_backups_with_what_a_restore_undoes(
        window, qtbot, year, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    from tests.ui.test_desktop_day import action, choose_file
    from ui.restore_dialog import RestoreDialog
    path = copy_year(year, tmp_path)
    whole = path.read_bytes()
    oldest = backup.list_backups(path)[-1]
    seen = {}

    def choose(dialog: RestoreDialog) -> None:
        seen["heading"] = dialog.findChildren(QLabel)[0].text()
        table = dialog.table
        rect = table.visualItemRect(table.item(len(dialog.backups) - 1, 1))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        seen["chosen"], seen["notice"] = dialog.chosen, dialog.notice.text()
        dialog.reject()  # 关闭

    states = [answer_modal(QFileDialog, choose_file(path)), answer_modal(RestoreDialog, choose)]
    action(window, "恢复备份…").trigger()
    for state in states:
        check_answered(state)
    assert seen["heading"].startswith(f"{path.name} 的备份（最新的在前）")
    assert seen["chosen"] == oldest.path and "恢复该备份将撤销其后所做的" in seen["notice"]
    assert "当前文件会另存为" in seen["notice"]
    assert window.session is None and path.read_bytes() == whole  # closed: nothing opened, nothing changed


def test_going_on_with_a_changed_year_takes_no_backup_over_the_good_ones(window, qtbot, year, tmp_path):
    path = copy_year(year, tmp_path)
    TAMPERS["triggers_dropped"].apply(path)
    before = [b.name for b in backup.list_backups(path)]
    state = answer_modal(QMessageBox, press("仍然打开"))
    assert window.open_dataset(path)
    check_answered(state)
    window._finish_opening()
    assert [b.name for b in backup.list_backups(path)] == before
    assert window.session.ds.audit_problems


def test_the_full_check_from_the_menu_names_a_changed_fact(window, qtbot, year, tmp_path):
    path = copy_year(year, tmp_path)
    with Dataset.open(path, backups=False) as ds:  # an edit after the last backup: the tables' digest
        assert ds.update_unit(1, ds.unit_ids()[1], contact_person="王芳").ok  # noted with it cannot serve
    TAMPERS["insured_workers"].apply(path)
    assert window.open_dataset(path)  # the quick check cannot see this fact: it opens quietly
    name = window.session.ds.year().units[0].name
    seen = {}

    def look(box: QMessageBox) -> None:
        seen["details"], seen["advice"] = box.detailedText(), box.informativeText()
        shot_over(window, box, "audit-full-check-found")
        press("仍然打开")(box)

    # The box once waited under the progress dialog, which showed itself over it when its delay ran out (the
    # worker now closes the dialog before handing on the outcome); the long waits only spare a loaded machine.
    from PySide6.QtWidgets import QApplication
    stray = QApplication.activeModalWidget()
    assert stray is None, f"a dialog left open by an earlier test sits over the window: {stray!r}"
    state = answer_modal(QMessageBox, look, timeout=180)
    window.audit_actions.check_action.trigger()
    qtbot.waitUntil(lambda: window.audit_actions.worker is None, timeout=180_000)
    # a check that failed says so only in the status bar here (quiet_problems): name it if no box came
    qtbot.waitUntil(lambda: state["seen"] or state["timed_out"], timeout=180_000)
    assert state["seen"], f"no box; the window said: {window.last_problems}; the wait: {state}"
    check_answered(state)
    assert f"单位“{name}”的“投保人数”在程序外被改为 99999" in seen["details"]
    opening, before = backup.list_backups(path)[:2]  # the backup of opening copied the change along
    assert before.name in seen["advice"] and opening.name not in seen["advice"]


def test_the_full_check_of_a_good_year_says_it_is_proved(window, qtbot, year, tmp_path):
    path = copy_year(year, tmp_path)
    assert window.open_dataset(path)
    seen = {}

    def look(box: QMessageBox) -> None:
        seen["text"], seen["more"] = box.text(), box.informativeText()
        shot_over(window, box, "audit-full-check-proved")
        box.accept()

    state = answer_modal(QMessageBox, look, timeout=180)  # as above: a loaded machine takes its time
    window.audit_actions.check_action.trigger()
    qtbot.waitUntil(lambda: state["seen"], timeout=180_000)
    check_answered(state)
    assert "能证明文件中的每项数据" in seen["text"] and "与备份" in seen["more"]
    assert window.audit_actions.last_report.ok


def test_the_verify_dialog_says_whether_the_open_year_still_holds_the_sheet_s_head(window, qtbot, tmp_path,
                                                                                   monkeypatch):
    from core.pdf.signing import create_key
    from tests.core.pdf.test_pdf import UNIT, demo_dataset, run
    from tests.ui.test_desktop_pdf import drop
    from ui.pdf_verify import VerifyDialog
    use_profile(monkeypatch, tmp_path / "config")
    path = demo_dataset(tmp_path)
    key = tmp_path / "张三.p12"
    create_key(key, "张三", "密码-2022")
    sheet = tmp_path / "sheet.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(sheet), "--sign", str(key),
               "--yes", env={"LEYE_SIGN_PASSWORD": "密码-2022", **profile_environ(tmp_path / "config")})
    assert done.returncode == 0, done.stderr
    assert window.open_dataset(path)
    seen = {}

    def look(dialog: VerifyDialog) -> None:
        assert drop(dialog, [sheet]) and dialog.worker.wait(60)
        seen["trail"] = [label.text() for label in dialog.cards_widget.findChildren(type(dialog.drop), "trail")]
        shot_over(window, dialog, "verify-dialog-audit-head")
        dialog.accept()

    state = answer_modal(VerifyDialog, look, timeout=90)
    window.pdf_actions.verify()
    check_answered(state)
    (text,) = seen["trail"]
    assert text.startswith("与该文件生成时一致：审计记录第 ") and "的校验值相同，此后又有" in text
    with Dataset.open(path, read_only=True) as ds:  # the verdict for a head the trail does not hold
        holds, msg = ds.anchor_verdict(ds.audit_head()[0] + 5, "0" * 64)
    assert not holds and msg.code == "audit.document_beyond"


def test_a_sheet_forged_under_the_leader_s_name_gets_no_green_audit_line_and_trusting_it_warns(window, qtbot, tmp_path,
                                                                                              monkeypatch):
    """Someone else's key under the signer's own name signs a unit's sheet from a copy of the year: the card's
    audit line is not green and names the certificate the year did not register, the one this computer does
    not trust and the sheet the year never signed; 信任此签名人的证书… shows both fingerprints (the one trusted
    here and registered in the year, and this one) with 取消 the default. The year's own sheet stays green."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QPushButton

    from core.pdf.signing import create_key, key_info
    from core.pdf.trust import trust_own_key, trusted
    from tests.core.pdf.test_pdf import UNIT, demo_dataset, run
    from tests.ui.test_desktop_pdf import drop
    from ui.pdf_verify import BAD, GOOD, VerifyDialog
    use_profile(monkeypatch, tmp_path / "config")
    password = "密码-2022"
    env = {"LEYE_SIGN_PASSWORD": password, **profile_environ(tmp_path / "config")}
    path = demo_dataset(tmp_path)
    key = tmp_path / "张三.p12"
    create_key(key, "张三", password, organisation="吴江区人社局")
    own = trust_own_key(key, password)
    genuine = tmp_path / "sheet.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(genuine), "--sign",
               str(key), "--yes", env=env)
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(path.read_bytes())
    forger = tmp_path / "elsewhere" / "张三.p12"
    create_key(forger, "张三", password, organisation="吴江区人社局")
    fake_fingerprint = key_info(forger, password).fingerprint
    fake = tmp_path / "fake.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(copy), "--unit", "苏州横扇启航人力资源有限公司",
               "--out", str(fake), "--sign", str(forger), "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert window.open_dataset(path)
    seen: dict = {}

    def answer_trust(box: QMessageBox) -> None:
        seen["box"] = box.text()
        seen["default_cancel"] = box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        shot_over(window, box, "verify-dialog-forged-trust-box")
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)

    def look(dialog: VerifyDialog) -> None:
        dialog.resize(1000, 740)
        assert drop(dialog, [genuine, fake]) and dialog.worker.wait(60)
        qtbot.waitUntil(lambda: len(dialog.cards_widget.findChildren(QLabel, "trail")) == 2, timeout=10000)
        seen["trail"] = [(label.text(), label.styleSheet())
                         for label in dialog.cards_widget.findChildren(QLabel, "trail")]
        qtbot.wait(300)  # the cards' wrapped lines laid out at the new size
        dialog.scroll_area.verticalScrollBar().setValue(dialog.scroll_area.verticalScrollBar().maximum())
        shot_over(window, dialog, "verify-dialog-forged-sheet")
        buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == "信任此签名人的证书…"]
        assert len(buttons) == 1  # the forger's card alone offers it
        state = answer_modal(QMessageBox, answer_trust, timeout=30)
        qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
        check_answered(state)
        dialog.accept()

    state = answer_modal(VerifyDialog, look, timeout=120)
    window.pdf_actions.verify()
    check_answered(state)
    (good_text, good_style), (fake_text, fake_style) = seen["trail"]
    assert GOOD in good_style and "签名" not in good_text  # the year's own sheet: the all-clear, alone
    assert BAD in fake_style and GOOD not in fake_style
    assert "fake.pdf 的签名证书不是本年度数据文件登记的证书" in fake_text
    assert "fake.pdf 的签名证书不在本机信任的证书中" in fake_text
    assert "本年度数据文件中没有签署过这份评分表（第 1 版）的记录" in fake_text
    box = seen["box"]
    assert ("注意：本机已经信任、本年度数据文件也登记了另一张以“张三”为名的证书，不是这一张。"
            f"那一张的证书指纹（SHA-256）：\n{own.fingerprint}\n") in box
    assert fake_fingerprint in box and seen["default_cancel"]
    assert [t.fingerprint for t in trusted()] == [own.fingerprint]  # 取消: the forger is not trusted


def test_a_damaged_file_met_elsewhere_on_the_desktop_is_said_with_the_menu_to_restore_it_never_a_command(
        window, qtbot, year, tmp_path):
    from tests.desktop_support import merge_through_menu
    path = copy_year(year, tmp_path)
    assert window.open_dataset(path)
    folder = tmp_path / "外业"
    folder.mkdir()
    copy = copy_year(year, folder)  # a file with good backups beside it, damaged
    truncate(copy)
    merge_through_menu(window, copy, None)
    said = window.last_problems[0]
    assert said.startswith(f"数据文件 {copy.name} 已损坏（文件被截断），未作任何改动；最近的完好备份是 ")
    assert "“文件 → 恢复备份…”" in said and "命令" not in said
