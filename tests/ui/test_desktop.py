"""The desktop as the assessor uses it (pytest-qt, offscreen): create a year, add units, walk every
clause of a unit entering facts and ticking evidence, compare the shown points with the engine's,
undo and redo, reopen the file, and the grades' quotas. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from core.common.messages import format_number  # noqa: E402
from core.scoring.assessment import BASES, DELIVERIES, DONE, TRIPS  # noqa: E402
from core.scoring.engine import score_year  # noqa: E402
from core.scoring.facts import year_to_json  # noqa: E402
from tests.builders import RULES, credit_code  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"


def shot(widget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def type_chinese(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def shown_points(page) -> str:
    return page.points_label.text()


def expected_points(window, unit_name: str, clause_id: str) -> str:
    session = window.session
    result = score_year(session.rules, session.ds.year())  # the engine, from the file
    c = result.unit(unit_name).clause(clause_id)
    return f"{format_number(c.net)} 分" + ("（暂定）" if c.provisional else "")


def click(qtbot, box) -> None:
    """Click a checkbox on its indicator (a click right of its text does not toggle it)."""
    from PySide6.QtCore import QPoint
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def set_cell(model, row: int, column: str, value, role=Qt.ItemDataRole.EditRole) -> None:
    assert model.setData(model.index(row, model.columns.index(column)), value, role), column


def add_two_units(window) -> tuple[int, int]:
    first = dict(name="吴江测试人力资源有限公司", credit_code=credit_code("desk-1"), kinds=["hr_service"],
                 new_member=False, contact_person="王芳", licence_numbers={"hr_service": "（苏）人服证字〔2020〕第1号"})
    second = dict(name="苏州对照劳务派遣有限公司", credit_code=credit_code("desk-2"),
                  kinds=["hr_service", "labour_dispatch"], new_member=True, contact_person="", licence_numbers={})
    assert window.add_unit(first) and window.add_unit(second)
    ids = window.session.unit_ids
    return ids[0], ids[1]


def walk_every_clause(qtbot, window, uid: int) -> None:
    ws = window.workspace
    ws.select_unit(uid)
    page = ws.clause_page
    name = window.session.unit(uid).name
    for index, p in enumerate(window.session.pages):
        ws.go_page(index)
        assert page.page is p
        if p.id == "1.1":
            for _ in range(4):
                page.add_record(BASES)
            model = page.record_models[BASES]
            for row, base in enumerate(("贵州思南劳务协作基地", "云南昭通劳务协作基地", "河南周口劳务协作基地",
                                        "吴江中等专业学校")):  # a new base counts once named and dated
                set_cell(model, row, "name", base)
                set_cell(model, row, "agreement_date", QDate(2022, 4 + row, 22))
            set_cell(model, 3, "type", "school")
            for row in range(4):
                set_cell(model, row, "evidence:agreement", Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
        elif p.id == "1.2":
            for _ in range(3):
                page.add_record(TRIPS)
            model = page.record_models[TRIPS]
            for row, (place, mode) in enumerate((("贵州省铜仁市", "offline"), ("线上招聘会", "online"),
                                                 ("河南省周口市", "offline"))):
                set_cell(model, row, "place", place)
                set_cell(model, row, "mode", mode)
                set_cell(model, row, "enterprises", 6)
                set_cell(model, row, "date", QDate(2022, 3 + row, 10))
                for item in ("filing", "evaluations", "photos"):
                    set_cell(model, row, f"evidence:{item}", Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
            set_cell(model, 0, "verdict_count:差", 2)
            set_cell(model, 0, "verdict_count:好", 4)
        elif p.id == "2.1":
            model = page.record_models[BASES]
            for row, people in enumerate((40, 20, 10, 8)):
                set_cell(model, row, "people", people)
        elif p.id == "2.2":
            model = page.record_models[BASES]
            for row, retained in enumerate((30, 10, 5, 6)):
                set_cell(model, row, "retained", retained)
        elif p.id == "3.1":
            for _ in range(5):
                page.add_record(DELIVERIES)
            for row in range(5):  # a new delivery counts once its date, enterprise and stars are typed
                set_cell(page.record_models[DELIVERIES], row, "date", QDate(2022, 5, 1 + row))
                set_cell(page.record_models[DELIVERIES], row, "enterprise", f"吴江缺工企业{row + 1}")
                set_cell(page.record_models[DELIVERIES], row, "stars", 3 if row == 4 else 5)
        elif p.id == "3.2":
            click(qtbot, page.value_widgets["has_rating"])
            page.value_widgets["platform_rating"].setValue(4.6)
        elif p.id == "4.1":
            pass  # the suggestion (all ticked → 10)
        elif p.id == "4.2":
            page.value_widgets["insured_workers"].setValue(35)
        elif p.id == "五":
            page.value_widgets["complaints"].setValue(2)
        for box in page.evidence_boxes.values():
            click(qtbot, box)
        page.note_edit.setFocus()
        type_chinese(page.note_edit, f"{p.id}现场核查完毕")
        page.pending.flush()
        if p.clause is not None:
            assert shown_points(page) == expected_points(window, name, p.id), p.id
            assert window.session.progress(uid)[p.id] == DONE, p.id
        if p.id == "1.1":
            shot(window, "clause-page-1.1")
        if p.id == "1.2":
            shot(window, "clause-page-1.2")


def test_create_a_year_walk_a_unit_undo_redo_and_reopen(qtbot, window, tmp_path):
    path = tmp_path / "2022年度考核.sqlite"
    assert window.create_year(path, RULES, "张三", "考核组长")
    assert window.workspace is not None and window.session.unit_ids == []
    shot(window, "empty-year")
    uid, other = add_two_units(window)
    walk_every_clause(qtbot, window, uid)
    session, page = window.session, window.workspace.clause_page
    name = session.unit(uid).name
    result = session.unit_result(uid)
    assert result.clause("1.1").net == 16 and result.clause("1.2").net == 8 + 4 - 2
    assert session.note(uid, "1.1") == "1.1现场核查完毕"

    # untick one agreement: 1.1 drops by a base, and the page says why
    window.workspace.go_page(0)
    model = page.record_models[BASES]
    set_cell(model, 1, "evidence:agreement", Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert session.clause_result(uid, "1.1").net == 12
    assert shown_points(page) == expected_points(window, name, "1.1") == "12 分"
    assert page.warning_label.isVisible() and "基地协议" in page.warning_label.text()
    assert model.data(model.index(1, model.columns.index("verdict"))).startswith("不计入")
    shot(window, "clause-page-unticked")

    # Ctrl+Z / Ctrl+Y (from the table, where the assessor just clicked; in a text field they undo typing)
    page.record_views[BASES].setFocus()
    view = page.record_views[BASES]
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.clause_result(uid, "1.1").net == 16 and shown_points(page) == "16 分"
    qtbot.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert session.clause_result(uid, "1.1").net == 12 and shown_points(page) == "12 分"
    assert window.undo.undo_action.isEnabled() and "勾选基地协议" in window.undo.undo_action.text()

    # removing a unit is audited and undoable
    window.workspace.select_unit(other)
    assert window.remove_unit(confirm=False) and other not in session.unit_ids
    assert any(e.action == "delete" and e.table_name == "units" for e in session.ds.audit_entries("units"))
    window.undo.undo()
    assert other in session.unit_ids

    # everything is saved at once: close (never asks) and reopen
    before = year_to_json(session.ds.year())
    window.close_dataset()
    assert window.session is None and window.stack.currentWidget() is window.start
    assert window.start.recent.count() == 1
    assert window.open_dataset(path)
    session = window.session
    assert year_to_json(session.ds.year()) == before
    assert session.note(uid, "1.1") == "1.1现场核查完毕"
    window.workspace.select_unit(uid)
    assert shown_points(window.workspace.clause_page) == expected_points(window, name, "1.1") == "12 分"
    assert session.ds.verify_audit() is None


def test_year_view_and_grades_on_the_demo(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    path = ensure_demo(tmp_path, "演示考核人员")
    assert window.open_dataset(path)
    ws = window.workspace
    shot(window, "clause-page-demo")
    ws.tabs.setCurrentIndex(1)
    shot(window, "unit-overview")
    ws.tabs.setCurrentIndex(2)
    year = ws.year_view
    assert year.model.rowCount() == 13
    assert any(u.clauses[3].provisional for u in window.session.result.units)  # the demo has a unit not final
    cell = year.model.data(year.model.index(0, 2 + 3))
    assert cell.endswith("*")
    assert "排名类条款（2.1、2.2、3.2）得分及等级可能变动" in year.note.text()  # the clauses whose formula ranks
    shot(window, "year-view")
    # sort by total, then mark every unit final: nothing provisional any more
    year.view.sortByColumn(year.model.headers.index("总分"), Qt.SortOrder.DescendingOrder)
    year.view.selectAll()
    from tests.desktop_support import answer_modal, check_answered  # the demo's 八坼 is 7/10: asked first
    state = answer_modal(QMessageBox, lambda box: next(b for b in box.buttons() if b.text() == "仍标记定稿").click())
    year.mark_selected(True)
    check_answered(state)
    assert not window.session.result.provisional
    window.undo.undo()
    assert window.session.result.provisional

    ws.tabs.setCurrentIndex(3)
    grades = ws.grade_view
    caps = window.session.quota_caps()
    assert {g: s.maximum() for g, s in grades.quota_spins.items()} == caps  # never above the caps
    assert [u.grade for u in window.session.result.units].count("A") == 1
    grades.quota_spins["A"].setValue(0)
    assert window.session.year.grade_quotas["A"] == 0
    assert [u.grade for u in window.session.result.units].count("A") == 0
    grades.quota_spins["A"].setValue(caps["A"])
    assert window.session.result.ties, "the demo has a tie across the B/C boundary"
    tie = window.session.result.ties[0]
    tied_rows = [r for r in range(grades.model.rowCount()) if grades.model.tied(r)]
    assert len(tied_rows) == len(tie.units)
    # the demo's promotion: withdraw it, then promote the other tied unit with a reason (audited)
    promoted = next(u.name for u in window.session.result.units if any(n.code == "grade.promoted" for n in u.grade_notes))
    grades.promotions.setCurrentRow(0)
    grades.remove_selected_promotion()
    assert all(window.session.result.unit(n).grade == tie.lower for n in tie.units)
    target = next(n for n in tie.units if n != promoted)
    row = next(r for r in tied_rows if window.session.result.units[r].name == target)
    grades.view.selectRow(row)
    assert grades.promote_selected(tie.upper, "考核工作小组会议决定")
    assert window.session.result.unit(target).grade == tie.upper
    assert window.session.ds.audit_entries("grade_promotions")[-1].new_value
    shot(window, "grade-view")


def test_start_page_and_shortcuts(qtbot, window, tmp_path):
    assert window.stack.currentWidget() is window.start
    assert window.start.new_button.text() == "新建年度…" and window.start.open_button.text() == "打开…"
    shot(window, "start-page")
    path = tmp_path / "y.sqlite"
    assert window.create_year(path, RULES, "李四")
    uid, other = add_two_units(window)
    ws = window.workspace
    ws.select_unit(uid)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert ws.clause_page.page.id == "1.2"
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert ws.clause_page.page.id == "1.1"
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert ws.clause_page.unit_id == other
    # a bad credit code is refused with the reason, and nothing is written
    edit = window.session.update_unit("改代码", uid, credit_code="91320509MA1MXXXX01")
    assert [p.message.code for p in edit.problems] == ["fact.bad_credit_code"]
    assert window.session.unit(uid).credit_code == credit_code("desk-1")


def test_attachment_thumbnail_and_export(qtbot, window, tmp_path):
    from PySide6.QtGui import QColor, QImage
    path = tmp_path / "y.sqlite"
    assert window.create_year(path, RULES, "王五")
    uid, _ = add_two_units(window)
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(30, 120, 200))
    photo = tmp_path / "协议照片.png"
    image.save(str(photo))
    page = window.workspace.clause_page
    assert page.add_attachment_file(photo)
    assert page.attachments.count() == 1 and not page.attachments.item(0).icon().isNull()
    exported = page.attachment_file(page.attachments.item(0).data(Qt.ItemDataRole.UserRole))
    assert exported.read_bytes() == photo.read_bytes()
    window.undo.undo()
    assert page.attachments.count() == 0
    window.undo.redo()
    assert page.attachments.count() == 1


def test_the_status_bar_names_a_backup_of_a_year_file_as_a_year_file(qtbot, window, tmp_path):
    """A backup is a year file the assessor may open: 已备份到 2022年度考核-….wjkh, not ….sqlite."""
    from core.store import backup
    path = tmp_path / "2022年度考核.wjkh"
    assert window.create_year(path, RULES, "赵六")
    add_two_units(window)
    window.session.ds.backup_interval = 0
    window.backup_if_due()
    qtbot.waitUntil(lambda: not window.backups.copying, timeout=5000)
    newest = backup.list_backups(path)[0]
    assert window.statusBar().currentMessage() == f"已备份到 {newest.name}"
    assert newest.name.startswith("2022年度考核-") and newest.name.endswith(".wjkh")
    shot(window, "backup-status-bar-year-file")


def test_the_backup_timer_copies_the_last_edits_of_a_quiet_spell(qtbot, window, tmp_path):
    from core.store import backup
    path = tmp_path / "y.sqlite"
    assert window.create_year(path, RULES, "赵六")
    assert window.backup_timer.isActive()
    before = len(backup.list_backups(path))
    window.backup_if_due()  # nothing edited since the backup taken on open: no copy
    assert len(backup.list_backups(path)) == before
    uid, _ = add_two_units(window)  # edits inside the interval are not copied at once
    window.session.ds.backup_interval = 0  # the interval has passed
    window.backup_if_due()  # copied on another thread while the window goes on
    assert window.backups.copying
    qtbot.waitUntil(lambda: not window.backups.copying, timeout=5000)
    assert window.statusBar().currentMessage().startswith("已备份到 ")
    newest = backup.list_backups(path)[0]
    from core.store.dataset import Dataset
    with Dataset.open(newest.path, read_only=True) as copy:
        assert uid in copy.unit_ids()
    window.close_dataset()
    assert not window.backup_timer.isActive()


def test_a_full_disk_during_an_edit_is_told_and_the_screen_shows_the_file(qtbot, window, tmp_path):
    import sys

    from PySide6.QtCore import QTimer

    from ui.app import install_fault_hook
    path = tmp_path / "y.sqlite"
    assert window.create_year(path, RULES, "钱七")
    uid, _ = add_two_units(window)
    conn = window.session.ds._conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
    saved_hook = sys.excepthook
    install_fault_hook(window.handle_fault)
    try:
        window.last_problems = []
        big_note = "现场核查：" + "材料齐全。" * 20_000  # needs new pages
        page = window.workspace.clause_page
        QTimer.singleShot(0, lambda: window.session.set_note("备注", uid, page.page.id, big_note))
        qtbot.waitUntil(lambda: bool(window.last_problems), timeout=5000)
    finally:
        sys.excepthook = saved_hook
    assert "磁盘已满" in window.last_problems[0]
    assert window.session.note(uid, page.page.id) == ""  # the screen shows what the file holds
    conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: editing goes on
    assert window.session.set_note("备注", uid, page.page.id, "补交材料").ok


def test_thumbnails_are_made_once_per_picture(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtGui import QColor, QImage
    path = tmp_path / "y.sqlite"
    assert window.create_year(path, RULES, "孙八")
    uid, other = add_two_units(window)
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 120, 30))
    photo = tmp_path / "现场照片.png"
    image.save(str(photo))
    ws = window.workspace
    page = ws.clause_page
    assert page.add_attachment_file(photo)
    owner = page.unit_id
    elsewhere = uid if owner == other else other
    reads = []
    original = window.session.ds.attachment_data
    monkeypatch.setattr(window.session.ds, "attachment_data", lambda aid: reads.append(aid) or original(aid))
    for _ in range(3):
        ws.select_unit(elsewhere)
        assert page.attachments.count() == 0
        ws.select_unit(owner)
    assert page.attachments.count() == 1 and not page.attachments.item(0).icon().isNull()
    assert reads == []  # the picture was scaled once, when it was added
