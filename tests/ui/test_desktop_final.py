"""A unit whose data is marked 定稿, changed in the desktop: the page says beforehand that a change withdraws
定稿; typing a value saves it and withdraws 定稿 in the same edit, which the status bar and the unit list say;
编辑 → 撤销 puts back the value and the 定稿."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.store.demo import ensure_demo
from tests.ui.test_desktop import shot, type_chinese
from tests.ui.test_desktop_backups import type_insured_workers


def test_typing_into_a_final_unit_withdraws_its_final_and_undo_restores_it(qtbot, window, tmp_path):
    path = ensure_demo(tmp_path, "演示考核人员")
    assert window.open_dataset(path)
    session, workspace = window.session, window.workspace
    uid = session.unit_ids[0]
    assert session.unit(uid).facts_final
    model = workspace.unit_model
    listed = lambda: model.data(model.index(model.row_of(uid)))  # noqa: E731
    assert "已定稿" in listed()
    before = session.unit(uid).insured_workers

    workspace.select_unit(uid)
    workspace.go_page([p.id for p in session.pages].index("4.2"))
    page = workspace.clause_page
    qtbot.waitUntil(lambda: page.final_label.text() != "")  # said before anything is typed, nothing read-only
    assert page.final_label.text() == "已定稿：修改事实或依据查验将同时取消定稿（撤销即恢复）"
    assert page.final_label.toolTip() == ("本单位数据已定稿。修改事实或依据查验会同时取消定稿（撤销修改即恢复定稿）；"
                                          "备注和附件不影响定稿。") and not page.lock_banner.isVisible()
    spin = page.value_widgets["insured_workers"]
    assert not spin.isReadOnly()
    shot(window, "final-01-banner-before-a-change")

    page.note_edit.setFocus()  # a note is a remark, not the unit's data: 定稿 stays
    type_chinese(page.note_edit, "保险公司回执原件已查验")
    qtbot.waitUntil(lambda: session.note(uid, "4.2") == "保险公司回执原件已查验", timeout=5000)
    assert session.unit(uid).facts_final and page.final_label.text()

    type_insured_workers(qtbot, window, uid, "321")
    assert not session.unit(uid).facts_final
    message = window.statusBar().currentMessage()
    told = f"。“{session.unit(uid).name}”的数据已改动，已取消其定稿。撤销这次修改即恢复定稿。"
    assert message.endswith(told), message
    assert "已定稿" not in listed()
    qtbot.waitUntil(lambda: page.final_label.text() == "")
    entries = [e for e in session.ds.audit_entries("units", str(uid)) if e.field in ("insured_workers", "facts_final")]
    assert len({e.edit for e in entries[-2:]}) == 1  # the change and the withdrawal: one audited edit
    shot(window, "final-02-after-the-change")

    window.undo.undo_action.trigger()
    qtbot.waitUntil(lambda: session.unit(uid).facts_final, timeout=5000)
    assert session.unit(uid).insured_workers == before and "已定稿" in listed()
    assert session.note(uid, "4.2") == "保险公司回执原件已查验"  # the step undone was the count's alone
    qtbot.waitUntil(lambda: page.final_label.text() != "")
    window.undo.redo_action.trigger()
    qtbot.waitUntil(lambda: not session.unit(uid).facts_final, timeout=5000)
    assert session.unit(uid).insured_workers == 321


def test_one_undo_takes_back_a_base_just_added_and_brings_final_back(qtbot, window, tmp_path):
    """添加基地 opens the new base's name for typing; 撤销 at once (Ctrl+Z) takes the base back and marks the
    unit 定稿 again: the name closed unchanged is no step of its own (it once was: 撤销 did nothing visible)."""
    from PySide6.QtWidgets import QPushButton
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    session, workspace = window.session, window.workspace
    uid = session.unit_ids[1]
    assert session.unit(uid).facts_final
    bases = len(session.unit(uid).bases)
    workspace.select_unit(uid)
    workspace.go_page([p.id for p in session.pages].index("1.1"))
    page = workspace.clause_page
    add = next(b for b in page.facts_box.findChildren(QPushButton) if b.text() == "添加基地")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(session.unit(uid).bases) == bases + 1, timeout=5000)
    assert not session.unit(uid).facts_final
    window.undo.undo_action.trigger()
    qtbot.waitUntil(lambda: len(session.unit(uid).bases) == bases, timeout=5000)
    assert session.unit(uid).facts_final and not window.undo.undo_action.text().endswith("添加基地")
    assert "修改基地名称" not in window.undo.redo_action.text()


def test_the_final_line_is_shortened_to_fit_a_narrow_window_never_cut(qtbot, window, tmp_path):
    """At 1024 pixels the line read "…将同时取消定": a shorter wording that fits is shown instead, the whole
    in its tip."""
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    session, workspace = window.session, window.workspace
    workspace.select_unit(session.unit_ids[0])
    page = workspace.clause_page
    label = page.final_label
    shown = {}
    for width in (1366, 1024):
        window.resize(width, 768)
        qtbot.waitUntil(lambda: label.text() != "" and label.width() > 0)
        qtbot.wait(50)
        shown[width] = label.text()
        assert label.text().startswith("已定稿")
        room = label.contentsRect().width()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= room, (width, label.text())
        assert label.toolTip().startswith("本单位数据已定稿。修改事实或依据查验会同时取消定稿")
    shot(window, "final-line-1024")
    assert shown[1366] == "已定稿：修改事实或依据查验将同时取消定稿（撤销即恢复）"
    # shorter, but never “修改将取消定稿” alone above the 备注 box: a note leaves 定稿 as it is
    assert shown[1024] != shown[1366] and "修改事实或依据将取消定稿" in shown[1024], shown
