"""The PDF documents from the desktop, as the assessor uses them (pytest-qt, offscreen): sign on the
signature pad, make a key, export a signed score sheet (which locks the unit: the clause page turns
read-only until it is reopened with a reason), verify PDFs dropped on the verify dialog (intact and
modified), and cancel a bulk export midway. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QTimer, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage  # noqa: E402
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox, QPushButton  # noqa: E402

from core.pdf.export import Exporter  # noqa: E402
from core.pdf.sheets import RECORD, SHEET  # noqa: E402
from core.pdf.signing import key_info, load_signer, verify_pdf  # noqa: E402
from core.store.signatures import normal_fingerprint  # noqa: E402
from tests.core.pdf.test_signing import flip_inside_signed_range, rewritten_by_another_program  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, keep_answering, shot_over, stop_answering  # noqa: E402
from tests.profile_support import use_profile  # noqa: E402
from tests.ui.test_desktop import shot, type_chinese  # noqa: E402

PASSWORD = "desk-pass-2022"  # ASCII: typed with keyClicks


@pytest.fixture
def profile(tmp_path, monkeypatch) -> Path:
    """The user's profile and cache folders (keys live there) inside the test's folder."""
    return use_profile(monkeypatch, tmp_path / "config")


@pytest.fixture
def demo(window, tmp_path):
    """The demo year open in the window (13 units)."""
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    return window


def draw(qtbot, pad, points: list[tuple[int, int]]) -> None:
    """One stroke with the mouse: press, move through the points, release."""
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(pad, QPoint(x, y))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


def scrawl(qtbot, pad) -> None:
    """A name-like scrawl: three strokes."""
    draw(qtbot, pad, [(60 + i * 6, 110 + (18 if i % 4 < 2 else -18) + i) for i in range(30)])
    draw(qtbot, pad, [(150, 60), (160, 90), (172, 130), (185, 150), (200, 146)])
    draw(qtbot, pad, [(230 + i * 8, 100 - (i % 3) * 14) for i in range(20)])


def image_count(pdf: bytes) -> int:
    from pypdf import PdfReader
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        objects = page.get("/Resources", {}).get("/XObject", {}) or {}
        count += sum(1 for o in objects.values() if o.get_object().get("/Subtype") == "/Image")
    return count


def make_key(qtbot, parent, name: str = "张三") -> Path:
    from ui.pdf_keys import NewKeyDialog, preferred_key
    dialog = NewKeyDialog("", "", parent)
    dialog.show()
    type_chinese(dialog.name, name)
    type_chinese(dialog.organisation, "吴江区人社局")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.again, PASSWORD[:-1] + "X")
    assert not dialog.ok.isEnabled() and "不一致" in dialog.error.text()
    dialog.again.clear()
    qtbot.keyClicks(dialog.again, PASSWORD)
    assert dialog.ok.isEnabled() and dialog.where.text().endswith(f"keys{os.sep}{name}.p12")
    worker = dialog.make_key()
    assert worker is not None and worker.wait(60)
    assert dialog.info is not None and dialog.info.name == name
    assert preferred_key() == dialog.info.path
    return dialog.info.path


def export_dialog(window, kind: str, target: Path, sign: bool):
    from ui.pdf_export import ExportDialog
    dialog = ExportDialog(window.session, window.current_unit_id(), kind, window)
    dialog.show()
    dialog.sign.setChecked(sign)
    dialog.path.setText(str(target))
    dialog._path_edited = True
    return dialog


def ready_to_sign(qtbot, dialog, target: Path) -> None:
    """In an open export dialog, as the assessor does: 用数字证书签名 clicked on (when not yet), the key's
    password typed, the file named."""
    from PySide6.QtCore import QPoint, Qt
    if not dialog.sign.isChecked():
        qtbot.mouseClick(dialog.sign, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.sign.height() // 2))
    assert dialog.sign.isChecked()
    if dialog.password.isEnabled():
        qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.path.setText(str(target))
    dialog._path_edited = True


# ------------------------------------------------------------------ the signature pad

def test_the_title_filled_in_for_the_assessor_does_not_follow_another_name_typed(qtbot, window, tmp_path):
    """The pad fills in the working assessor's name and the title the year records for them; typing another
    signer's name over it takes that person's recorded title, or none, never the first one's; a title the
    assessor typed stays."""
    from core.scoring.rules import load_rule_set
    from core.store.dataset import Dataset, create_file
    from tests.dataset_support import rich_year
    from ui.signature_pad import SignatureDialog
    year = tmp_path / "2022.wjkh"
    assert create_file(year, load_rule_set(), "组长王", "考核组长", rich_year()) == []
    with Dataset.open(year, backups=False) as ds:
        assert ds.add_assessor(1, "李四", "考核组员").ok
    window.ask_assessor = lambda names, suggestion: ("组长王", "")
    assert window.open_dataset(year)
    dialog = SignatureDialog(window.session, window.current_unit_id(), "sheet", window)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert (dialog.name.text(), dialog.title.text()) == ("组长王", "考核组长")

    def retype(widget, text: str) -> None:  # the name selected and typed over, in Chinese
        widget.setFocus()
        widget.selectAll()
        type_chinese(widget, text)
    retype(dialog.name, "王建国")
    assert (dialog.name.text(), dialog.title.text()) == ("王建国", "")
    retype(dialog.name, "李四")
    assert dialog.title.text() == "考核组员"
    retype(dialog.name, "组长王")
    assert dialog.title.text() == "考核组长"
    retype(dialog.title, "副组长")
    retype(dialog.name, "王建国")
    assert (dialog.name.text(), dialog.title.text()) == ("王建国", "副组长")
    shot_over(window, dialog, "signature-pad-another-signer")
    dialog.reject()


def test_a_signature_drawn_on_the_pad_is_stored_undoable_and_drawn_into_the_pdf(qtbot, demo, tmp_path):
    from ui.signature_pad import SignatureDialog, SignaturesDialog
    window = demo
    session = window.session
    uid = window.current_unit_id()
    dialog = SignatureDialog(session, uid, "sheet", window)
    dialog.show()
    qtbot.waitExposed(dialog)
    pad = dialog.pad
    assert pad.is_empty() and not dialog.save_button.isEnabled()
    assert dialog.name.text() == "演示考核人员"  # the assessor's line: the session's assessor
    scrawl(qtbot, pad)
    assert len(pad.strokes) == 3 and len(pad.strokes[0].points) > 20
    dialog.undo_button.click()
    assert len(pad.strokes) == 2
    dialog.clear_button.click()
    assert pad.is_empty() and not dialog.save_button.isEnabled()
    scrawl(qtbot, pad)
    dialog.title.clear()
    type_chinese(dialog.title, "考核组长")
    shot_over(window, dialog, "signature-pad")
    png = pad.to_png()
    assert dialog.save()

    stored = session.signatures(uid)
    assert [(s.document, s.role, s.name, s.title) for s in stored] == [("sheet", "assessor", "演示考核人员", "考核组长")]
    image = QImage.fromData(stored[0].png)
    assert stored[0].png == png and image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0  # transparent background
    inked = sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
                if image.pixelColor(x, y).alpha() > 200)
    assert inked > 30
    assert any(e.table_name == "signatures" and e.action == "insert" for e in session.ds.audit_entries("signatures"))

    # undo and redo (the same record comes back)
    window.undo.undo()
    assert session.signatures(uid) == []
    window.undo.redo()
    assert [s.id for s in session.signatures(uid)] == [stored[0].id]

    # the score sheet exported from the app carries it
    out = tmp_path / "草稿.pdf"
    export = export_dialog(window, "sheet", out, sign=False)
    assert export.export().wait(60)
    assert out.is_file() and image_count(out.read_bytes()) >= 1
    assert "已导出" in export.status.text() and "第 1 版" in export.status.text()

    # the on-site record, with the visit typed in the dialog
    record = tmp_path / "核查记录.pdf"
    export.kind_buttons["record"].click()
    assert export.visit_box.isVisible()
    export.path.setText(str(record))
    export.visit_date.setText("2023-01-06")
    type_chinese(export.visit_place, "吴江区人社局三楼会议室")
    type_chinese(export.visit_representative, "张丽娟")
    shot_over(window, export, "export-dialog-record")
    assert export.height() <= 700  # fits a 1366×768 screen with the taskbar
    assert export.export().wait(60) and record.is_file(), export.status.text()
    from tests.core.pdf.test_pdf import flat, text_of
    text = flat(text_of(record))
    assert "2023-01-06" in text and "吴江区人社局三楼会议室" in text and "张丽娟" in text
    export.reject()

    # the manager lists it, shows it, removes it after confirmation (undoable)
    manager = SignaturesDialog(session, uid, window)
    manager.show()
    assert manager.table.rowCount() == 1 and manager.table.item(0, 2).text() == "演示考核人员"
    assert not manager.preview.pixmap().isNull()
    assert manager.remove_selected(confirm=False)
    assert manager.table.rowCount() == 0 and session.signatures(uid) == []
    window.undo.undo()
    assert len(session.signatures(uid)) == 1


# ------------------------------------------------------------------ keys, a signed sheet, the lock

def reopen_through_the_banner(qtbot, page, reason: str) -> None:
    """Click 解锁（重新开放）… on the banner and answer the dialog it opens (modal: driven by a timer)."""
    from ui.reopen import ReopenDialog
    seen = {}

    def answer(dialog: ReopenDialog) -> None:
        seen["ok_before"] = dialog.ok.isEnabled()
        dialog.reason.setFocus()
        type_chinese(dialog.reason, reason)
        seen["ok_after"] = dialog.ok.isEnabled()
        shot_over(page.window(), dialog, "reopen-dialog")
        dialog.ok.click()

    state = answer_modal(ReopenDialog, answer)
    page.reopen_button.click()
    check_answered(state)
    assert seen == {"ok_before": False, "ok_after": True}


def test_a_signed_sheet_from_the_app_verifies_and_locks_the_unit_until_reopened(qtbot, demo, profile, tmp_path):
    window = demo
    session = window.session
    ws = window.workspace
    uid = window.current_unit_id()
    name = session.unit(uid).name
    key = make_key(qtbot, window)
    assert key.parent == profile / "leye-wujiang" / "keys" and key_info(key, PASSWORD).organisation == "吴江区人社局"

    out = tmp_path / "评分表.pdf"
    dialog = export_dialog(window, "sheet", out, sign=True)
    assert dialog.key.currentData() == str(key)
    assert "第 1 版" in dialog.sign_note.text() and "锁定" in dialog.sign_note.text()
    assert dialog.export() is None and "密码" in dialog.status.text()  # no password yet: nothing happens
    dialog.password.setFocus()
    qtbot.keyClicks(dialog.password, PASSWORD)
    shot_over(window, dialog, "export-dialog")
    # another unit's data is not final in the demo: the ranking points are 暂定, asked first
    provisional = answer_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    worker = dialog.export()
    check_answered(provisional)
    assert worker is not None and worker.wait(120), dialog.status.text()
    assert out.is_file(), dialog.status.text()
    assert "第 1 版" in dialog.status.text() and "已签名" in dialog.status.text() and "锁定" in dialog.status.text()
    assert not dialog.password.isEnabled()  # the opened key stays for this dialog; no second password

    # verified by core: intact, signed by the key, known to the year
    known = {c.fingerprint for c in session.ds.certificates()}
    check = verify_pdf(out.read_bytes(), name=out.name, known=lambda fp: normal_fingerprint(fp) in known)
    info = key_info(key, PASSWORD)
    assert check.intact and check.known and check.signatures[0].signer == "张三"
    assert check.signatures[0].fingerprint == info.fingerprint
    assert session.ds.sheet_versions(uid)[-1].version == 1

    # the unit is locked: the page says so and refuses edits
    assert session.locked(uid)
    page = ws.clause_page
    ws.go_page(0)
    QApplication.processEvents()
    assert page.lock_banner.isVisible() and "已签章定稿（第 1 版" in page.lock_label.text()
    boxes = [w for w in page.facts_box.findChildren(QCheckBox)] + list(page.evidence_boxes.values())
    assert page.reopen_button.isEnabled() and page.note_edit.isReadOnly()
    assert all(not b.isEnabled() for b in boxes)
    model = next(iter(page.record_models.values()))
    flags = model.flags(model.index(0, model.columns.index("evidence:agreement")))
    assert not flags & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.setData(model.index(0, model.columns.index("name")), "改名基地")
    assert "已签名定稿" in window.last_problems[0]
    edit = session.set_insured_workers("修改投保人数", uid, 999)
    assert [p.message.code for p in edit.problems] == ["dataset.unit_locked"]
    assert "已签章" in ws.unit_model.data(ws.unit_model.index(ws.unit_model.row_of(uid)))
    shot(window, "clause-page-locked")
    dialog.reject()
    QSettings().sync()
    for stored in (tmp_path / "settings").rglob("*"):  # the password is never written anywhere
        assert not stored.is_file() or PASSWORD.encode() not in stored.read_bytes()

    # reopened with a reason (audited): the page is editable again, the next sheet is version 2
    reopen_through_the_banner(qtbot, page, "单位补交了基地协议原件，需重新核查")
    assert not session.locked(uid) and not page.reopen_button.isVisible()
    # still 定稿 (signing marked it): the banner says a change withdraws that, and nothing is read-only
    assert not page.lock_banner.isVisible() and page.final_label.text().startswith("已定稿：修改事实或依据查验")
    assert all(b.isEnabled() for b in page.evidence_boxes.values()) and not page.note_edit.isReadOnly()
    assert session.set_insured_workers("修改投保人数", uid, 120).unfinalized == (uid,)
    assert not session.unit(uid).facts_final and page.final_label.text() == ""
    reopened = [e for e in session.ds.audit_entries("unit_locks") if e.action == "delete"]
    assert reopened and reopened[-1].reason == "单位补交了基地协议原件，需重新核查"
    again = export_dialog(window, "sheet", tmp_path / "x.pdf", sign=False)
    again._path_edited = False
    again._update()
    assert again.path.text().endswith(f"{name}-考核评分表-第2版（草稿）.pdf")
    again.reject()


# ------------------------------------------------------------------ verify

def drop(dialog, paths: list[Path]) -> bool:
    """Drag files over the dialog (through Qt's event delivery) and drop them (the handler directly:
    offscreen Qt delivers a drop only inside a real drag). True when the drag was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(dialog, enter)
    if not enter.isAccepted():
        return False
    dialog.dropEvent(QDropEvent(QPointF(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))
    return True


def signed_summary(window, tmp_path: Path, qtbot) -> Path:
    out = tmp_path / "汇总表.pdf"
    dialog = export_dialog(window, "summary", out, sign=True)
    qtbot.keyClicks(dialog.password, PASSWORD)
    assert dialog.export().wait(120) and out.is_file(), dialog.status.text()
    dialog.reject()
    return out


def test_the_verify_dialog_tells_an_intact_pdf_from_a_modified_one(qtbot, demo, profile, tmp_path):
    from ui.pdf_verify import BAD, VerifyDialog, known_fingerprints
    window = demo
    make_key(qtbot, window, "李四")
    signed = signed_summary(window, tmp_path, qtbot)
    modified = tmp_path / "汇总表-改动.pdf"
    modified.write_bytes(flip_inside_signed_range(signed.read_bytes()))

    dialog = VerifyDialog(known_fingerprints(window.session), window.session.ds.path.name, window)
    dialog.show()
    assert not drop(dialog, [tmp_path / "settings"])  # not a PDF: the drag is refused
    assert drop(dialog, [signed])
    assert dialog.worker.wait(60)
    result = dialog.results[signed]
    assert result.intact and result.known
    verdicts = [label.text() for label in dialog.findChildren(type(dialog.drop), "verdict")]
    assert verdicts == ["完好且签名人可信：签名后未被改动"]  # one's own key, made in the app, is trusted here
    texts = " ".join(label.text() for label in dialog.cards_widget.findChildren(type(dialog.drop)))
    assert "李四（吴江区人社局）" in texts and "是，与本年度数据文件登记的证书一致" in texts
    assert "可信（本机信任此证书）" in texts
    assert result.signatures[0].fingerprint[:20] in texts
    shot_over(window, dialog, "verify-dialog-intact")

    dialog.clear()
    assert drop(dialog, [modified, signed])  # several at once
    assert dialog.worker.wait(60)
    assert not dialog.results[modified].intact and dialog.results[signed].intact
    verdicts = [label.text() for label in dialog.findChildren(type(dialog.drop), "verdict")]
    assert verdicts[0].startswith("已被修改") and verdicts[1].startswith("完好")
    shot_over(window, dialog, "verify-dialog-modified")

    # saved again whole by another program: the stamp still shows, the signature no longer holds
    rewritten = rewritten_by_another_program(signed, tmp_path / "汇总表-重新保存.pdf")
    dialog.clear()
    assert drop(dialog, [rewritten])
    assert dialog.worker.wait(60) and dialog.results[rewritten].signature_lost
    [verdict] = dialog.findChildren(type(dialog.drop), "verdict")
    assert verdict.text() == "签名已失效：不可作为正式文件使用"
    assert BAD in verdict.styleSheet()  # red, as a modified file
    texts = " ".join(label.text() for label in dialog.cards_widget.findChildren(type(dialog.drop)))
    assert "汇总表-重新保存.pdf 上显示有电子签名，但这个签名已经失效" in texts
    shot_over(window, dialog, "verify-dialog-rewritten")

    # without a year open: intact, and the certificate is not checked
    alone = VerifyDialog(None, None, window)
    assert drop(alone, [signed])
    assert alone.worker.wait(60) and alone.results[signed].intact and alone.results[signed].known is None


def test_a_stranger_s_signature_is_unconfirmed_until_the_assessor_trusts_it(qtbot, demo, profile, tmp_path):
    from core.pdf.signing import create_key
    from ui.pdf_verify import VerifyDialog
    window = demo
    stranger = tmp_path / "张三.p12"
    create_key(stranger, "张三", "正确的密码-2022", organisation="吴江区人社局")  # made elsewhere: not trusted here
    done, _ = Exporter(window.session.ds).summary(signer=load_signer(stranger, "正确的密码-2022"))
    sheet = tmp_path / "别处签名的汇总表.pdf"
    sheet.write_bytes(done.pdf)
    dialog = VerifyDialog(None, None, window)
    dialog.show()
    assert drop(dialog, [sheet]) and dialog.worker.wait(60)
    verdicts = [label.text() for label in dialog.findChildren(type(dialog.drop), "verdict")]
    assert verdicts[0].startswith("完好但签名人未经确认")
    shot_over(window, dialog, "verify-dialog-untrusted")
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "信任此签名人的证书…")
    seen = []

    def trust(box: QMessageBox) -> None:
        seen.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    state = answer_modal(QMessageBox, trust)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    check_answered(state)
    qtbot.waitUntil(lambda: sheet in dialog.results and dialog.results[sheet].trusted, timeout=10000)
    assert dialog.results[sheet].signatures[0].fingerprint.replace(":", "")[:16] in seen[0].replace(":", "").replace("\n", "")
    QApplication.processEvents()
    verdicts = [label.text() for label in dialog.findChildren(type(dialog.drop), "verdict") if label.parent() is not None
                and label.parent().parent() is not None]
    assert verdicts == ["完好且签名人可信：签名后未被改动"], verdicts
    shot_over(window, dialog, "verify-dialog-trusted")


def test_an_altered_sheet_s_signer_is_told_alike_by_the_command_line_and_the_verify_dialog(qtbot, demo, profile,
                                                                                          tmp_path):
    """One byte flipped in a sheet signed with a key trusted here, and in one signed with a stranger's key: the
    command line's 签名人身份 and the dialog's are the same words (core/pdf/signing.py signer_identity) —
    可信 for the trusted certificate though the document is altered, 未经确认 for the stranger's with no
    invitation to trust a broken signature's certificate (the dialog offers no button for it either)."""
    from core.pdf.signing import create_key
    from core.pdf.trust import trust_own_key
    from tests.cli_support import run
    from ui.pdf_verify import VerifyDialog, known_fingerprints
    window = demo
    own, stranger = tmp_path / "own.p12", tmp_path / "stranger.p12"
    create_key(own, "张三", PASSWORD, organisation="吴江区人社局")
    trust_own_key(own, PASSWORD)
    create_key(stranger, "张三", PASSWORD, organisation="吴江区人社局")  # made elsewhere: not trusted here
    flipped = []
    for key in (own, stranger):
        done, _ = Exporter(window.session.ds).summary(signer=load_signer(key, PASSWORD))
        path = tmp_path / f"{key.stem}-flip.pdf"
        path.write_bytes(flip_inside_signed_range(done.pdf))
        flipped.append(path)
    year = window.session.ds.path
    said = []
    for path in flipped:
        result = run("verify", str(path), "--dataset", str(year))
        assert result.returncode == 1 and "已被改动" in result.stdout, result.stdout + result.stderr
        said += [line.split("：", 1)[1] for line in result.stdout.splitlines() if "签名人身份" in line]
    assert said == ["可信（本机信任此证书）", "未经确认（本机未信任此证书）"]

    dialog = VerifyDialog(known_fingerprints(window.session), year.name, window)
    dialog.show()
    assert drop(dialog, flipped) and dialog.worker.wait(60)
    qtbot.waitUntil(lambda: len(dialog.results) == 2, timeout=10000)
    shown = [label.text() for label in dialog.cards_widget.findChildren(type(dialog.drop), "identity")]
    assert shown == said
    assert not [b for b in dialog.findChildren(QPushButton) if b.text() == "信任此签名人的证书…"]
    qtbot.wait(300)  # the cards' two-line fingerprints laid out
    shot_over(window, dialog, "verify-dialog-altered-identity")


# ------------------------------------------------------------------ bulk export in a worker

def press_cancel(dialog) -> None:
    """The 取消 button of the export's progress dialog."""
    dialog.progress.findChild(QPushButton).click()


def test_cancelling_the_bulk_export_stops_it_between_files_and_the_window_keeps_working(qtbot, demo, tmp_path):
    window = demo
    folder = tmp_path / "全部评分表"
    dialog = export_dialog(window, "all_sheets", folder, sign=False)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    worker = dialog.export()
    assert worker is not None
    written = []
    worker.produced.connect(lambda item: (written.append(item), press_cancel(dialog) if len(written) == 2 else None))
    assert worker.wait(120)
    timer.stop()
    files = sorted(folder.glob("*.pdf"))
    assert dialog.outcome.cancelled
    assert 2 <= len(files) < len(window.session.unit_ids), [f.name for f in files]
    assert len(files) == len(dialog.outcome.written)
    assert not [p for p in folder.iterdir() if not p.name.endswith(".pdf")]  # no half-written file
    assert all(f.read_bytes().startswith(b"%PDF") and f.read_bytes().rstrip().endswith(b"%%EOF") for f in files)
    assert "已取消" in dialog.status.text()
    assert ticks  # the window's own timer ran while the worker exported (how often depends on the machine)

    # the whole folder, uninterrupted
    dialog.export(confirm=False)
    assert dialog.worker.wait(180)
    assert not dialog.outcome.cancelled and not dialog.outcome.problems
    assert len(list(folder.glob("*.pdf"))) == len(window.session.unit_ids)


def test_a_signed_bulk_export_locks_exactly_the_units_it_wrote(qtbot, demo, profile, tmp_path):
    window = demo
    session = window.session
    make_key(qtbot, window)
    folder = tmp_path / "定稿"
    dialog = export_dialog(window, "all_sheets", folder, sign=True)
    qtbot.keyClicks(dialog.password, PASSWORD)
    warned = []

    def sign_anyway(box: QMessageBox) -> None:  # the demo has units with clauses 依据不全: asked first
        warned.append(box.text())
        shot_over(window, box, "sign-unfinished-warning" if len(warned) == 1 else "sign-provisional-bulk-warning")
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    state = keep_answering(QMessageBox, sign_anyway)
    worker = dialog.export()
    stop_answering(state)
    assert "依据不全" in warned[0] and "签名后其数据即锁定" in warned[0]
    # then: signed one after the other, every sheet signed before the demo's unit not final is 暂定
    assert len(warned) == 2 and warned[1].startswith(
        f"以下 {len(session.unit_ids) - 1} 家单位的考核评分表签名时，"
        "尚有运营单位数据未定稿（苏州八坼新程人力资源有限公司），排名类条款（2.1、2.2、3.2）得分及等级仍为暂定")
    worker.produced.connect(lambda item: press_cancel(dialog))
    assert worker.wait(120)
    files = sorted(folder.glob("*.pdf"))
    locked = [uid for uid in session.unit_ids if session.locked(uid)]
    assert dialog.outcome.cancelled and 1 <= len(files) < len(session.unit_ids)
    assert len(locked) == len(files)
    known = {c.fingerprint for c in session.ds.certificates()}
    for item in dialog.outcome.written:
        data = item.request.target.read_bytes()
        assert verify_pdf(data, known=lambda fp: normal_fingerprint(fp) in known).intact
        uid = session.unit_id(item.exported.unit)
        assert session.locked(uid) and session.lock(uid).version == 1
        assert item.request.target.name.endswith("-考核评分表-第1版.pdf")
    assert session.ds.verify_audit() is None


# ------------------------------------------------------------------ keys

def test_a_bureau_key_is_imported_after_its_password_opens_it_and_the_signing_key_is_remembered(
        qtbot, window, profile, tmp_path):
    from core.pdf.signing import create_key
    from ui.pdf_keys import ImportKeyDialog, KeysDialog, preferred_key
    bureau = tmp_path / "人社局签发.p12"
    create_key(bureau, "王五", PASSWORD, organisation="吴江区人社局")
    dialog = ImportKeyDialog(window)
    dialog.show()
    dialog.source.setText(str(bureau))
    qtbot.keyClicks(dialog.password, "wrong-password")
    assert dialog.run().wait(60)
    assert dialog.info is None and "密码错误" in dialog.error.text() and dialog.ok.isEnabled()
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORD)
    assert dialog.run().wait(60) and dialog.info is not None and dialog.info.name == "王五"
    copied = profile / "leye-wujiang" / "keys" / bureau.name
    assert copied.read_bytes() == bureau.read_bytes() and preferred_key() == copied

    made = make_key(qtbot, window, "张三")
    keys = KeysDialog("张三", window)
    keys.show()
    texts = {keys.list.item(i).text(): keys.list.item(i) for i in range(keys.list.count())}
    assert set(texts) == {"张三.p12　（签名时使用）", "人社局签发.p12"} and preferred_key() == made
    keys.list.setCurrentItem(texts["人社局签发.p12"])
    keys.choose.click()
    assert preferred_key() == copied
    shot_over(window, keys, "keys-dialog")


def test_the_export_dialog_says_what_is_missing_instead_of_exporting(qtbot, window, profile, tmp_path):
    from tests.builders import RULES
    assert window.create_year(tmp_path / "空年度.sqlite", RULES, "赵六")
    dialog = export_dialog(window, "all_sheets", tmp_path / "out", sign=False)
    assert dialog.export() is None and "请先添加运营单位" in dialog.status.text()
    dialog.kind_buttons["summary"].click()
    dialog.path.setText(str(tmp_path / "no-such-folder" / "x.pdf"))
    assert dialog.export() is None and "不存在" in dialog.status.text()
    dialog.path.setText(str(tmp_path / "汇总.pdf"))
    dialog.sign.setChecked(True)
    assert dialog.export() is None and "尚无签名密钥" in dialog.status.text()
    dialog.sign.setChecked(False)
    assert dialog.export().wait(60) and (tmp_path / "汇总.pdf").is_file(), dialog.status.text()


def test_another_document_keeps_the_folder_chosen_and_the_old_line_goes(qtbot, demo, tmp_path):
    """After a score sheet was exported to a folder of the assessor's choosing, choosing the on-site record
    gives the record's own name in that folder, and 已导出 no longer names the sheet."""
    from ui.pdf_export import ExportDialog
    dialog = ExportDialog(demo.session, demo.current_unit_id(), SHEET, demo)
    qtbot.addWidget(dialog)
    dialog.show()
    folder = tmp_path / "送审"
    folder.mkdir()
    sheet = folder / Path(dialog.path.text()).name
    dialog.path.selectAll()
    type_chinese(dialog.path, str(sheet))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    assert sheet.exists() and "已导出" in dialog.status.text()

    qtbot.mouseClick(dialog.kind_buttons[RECORD], Qt.MouseButton.LeftButton, pos=QPoint(8, 10))  # on its circle
    chosen = Path(dialog.path.text())
    assert chosen.parent == folder and chosen.name == dialog.default_target().name
    assert chosen.name.endswith("现场核查记录.pdf")
    assert dialog.status.text() == ""


def test_a_file_name_typed_is_not_taken_for_the_folder_of_all_the_sheets(qtbot, demo, tmp_path):
    """A score sheet's name typed, then 全部单位的考核评分表 chosen: the 13 sheets went into a folder named
    评分表.pdf. The folder chosen is kept, with the folder's own name."""
    from ui.pdf_export import ExportDialog
    from ui.pdf_kinds import ALL_SHEETS
    dialog = ExportDialog(demo.session, demo.current_unit_id(), SHEET, demo)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.selectAll()
    type_chinese(dialog.path, str(tmp_path / "评分表.pdf"))
    qtbot.mouseClick(dialog.kind_buttons[ALL_SHEETS], Qt.MouseButton.LeftButton, pos=QPoint(8, 10))
    assert dialog.kind() == ALL_SHEETS
    assert Path(dialog.path.text()) == tmp_path / dialog.default_target().name
    assert not dialog.path.text().endswith(".pdf")


def test_replacing_another_units_score_sheet_asks_with_cancel_the_default(qtbot, demo, tmp_path):
    """The PDF export's replace question gave no hint and 替换 the default: Enter replaced another unit's
    (perhaps signed) score sheet. It names what the file holds; only the same document's last export is
    replaced on Enter."""
    from PySide6.QtWidgets import QMessageBox

    from tests.desktop_support import answer_modal, check_answered
    from ui.pdf_export import ExportDialog
    dialog = ExportDialog(demo.session, demo.current_unit_id(), SHEET, demo)
    qtbot.addWidget(dialog)
    dialog.show()
    target = tmp_path / "评分表.pdf"
    dialog.path.selectAll()
    type_chinese(dialog.path, str(target))
    first = demo.session.unit(demo.current_unit_id()).name
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    written = target.read_bytes()
    asked: list[tuple[str, bool]] = []

    def answer(box: QMessageBox) -> None:
        asked.append((box.text(), box.defaultButton() is box.button(QMessageBox.StandardButton.No)))
        shot_over(demo, box, f"pdf-export-replace-{len(asked)}")
        qtbot.keyClick(box, Qt.Key.Key_Return)  # as a hurried assessor answers

    state = answer_modal(QMessageBox, answer)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)  # the same sheet again: Enter replaces it
    check_answered(state)
    qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    assert asked[-1][0].startswith("评分表.pdf 已存在，是这份表格上次导出的文件（") and not asked[-1][1]
    assert "已导出" in dialog.status.text()
    written = target.read_bytes()

    dialog.unit.setFocus()
    qtbot.keyClick(dialog.unit, Qt.Key.Key_Down)  # another unit, the name typed kept
    assert dialog.path.text() == str(target)
    state = answer_modal(QMessageBox, answer)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert asked[-1][0].startswith(f"评分表.pdf 已存在，其中是另一份文件：“考核评分表 {first} 2022”（"), asked
    assert asked[-1][1] and target.read_bytes() == written  # Enter kept it
    assert dialog.status.text() == "未导出：已有同名文件，保留原文件。"
