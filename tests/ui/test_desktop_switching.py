"""Switching unit and clause in the demo year: each page's editors are built once (the pages not yet
shown while the window is idle after opening) and shown again with the chosen unit's values; the
page's boxes hold only the editors of the page on screen."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QSpinBox

from core.common.messages import format_number
from core.scoring.assessment import BASES, NEGATIVE


def test_each_pages_editors_are_built_once_and_show_the_chosen_units_values(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    session, ws = window.session, window.workspace
    page = ws.clause_page
    qtbot.waitUntil(lambda: not window.prepare_timer.isActive() and not window.finish_timer.isActive(), timeout=20_000)
    assert len(page._editors) == len(session.pages)  # every page ready for the unit shown, built while idle

    first, second = session.unit_ids[0], session.unit_ids[1]
    negative = next(i for i, p in enumerate(session.pages) if NEGATIVE in p.editors)
    assert session.set_negatives("修改负面影响", second, complaints=7).ok
    assert session.set_negatives("修改负面影响", first, complaints=2).ok
    ws.select_unit(first)
    ws.go_page(negative)
    QApplication.processEvents()
    box = page.value_widgets["complaints"]
    assert box.value() == 2
    ws.select_unit(second)
    QApplication.processEvents()
    if session.unit(first).kinds == session.unit(second).kinds:  # the same rows: the same editors
        assert page.value_widgets["complaints"] is box
    assert page.value_widgets["complaints"].value() == 7
    ws.select_unit(first)
    QApplication.processEvents()
    assert page.value_widgets["complaints"].value() == 2
    # only the page on screen is in the page's boxes (the others wait out of sight)
    shown = page.facts_box.findChildren(QSpinBox)
    assert shown and all(s.isVisibleTo(page) for s in shown)

    bases = next(i for i, p in enumerate(session.pages) if BASES in p.editors)
    ws.go_page(bases)
    for uid in (second, first, second):
        ws.select_unit(uid)
        QApplication.processEvents()
        model = page.record_models[BASES]
        assert model.rowCount() == len(session.unit(uid).bases)
        assert [model.index(r, model.columns.index("name")).data() for r in range(model.rowCount())] == \
            [b.name for b in session.unit(uid).bases]
        assert page.unit_label.text().endswith(session.unit(uid).name)


def test_another_clause_opens_at_its_rules_text_and_another_unit_keeps_the_place(qtbot, window, tmp_path):
    """Scrolled down to the evidence of 1.2, clicking 1.3 in the clause list shows 1.3 from its 细则原文 (an
    assessor would otherwise miss the rules' text); choosing another unit on the same clause keeps the place."""
    from PySide6.QtCore import Qt

    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    session, ws = window.session, window.workspace
    bar = ws.clause_page._body.verticalScrollBar()
    pages = [p.id for p in session.pages]
    ws.go_page(pages.index("1.2"))
    QApplication.processEvents()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    item = ws.navigator.item(pages.index("1.3"))
    qtbot.mouseClick(ws.navigator.viewport(), Qt.MouseButton.LeftButton, pos=ws.navigator.visualItemRect(item).center())
    QApplication.processEvents()
    assert ws.clause_page.page.id == "1.3" and bar.value() == 0

    QApplication.processEvents()
    bar.setValue(bar.maximum() // 2)
    kept = bar.value()
    assert kept > 0
    ws.select_unit(session.unit_ids[1])
    QApplication.processEvents()
    assert bar.value() == kept


def test_an_edit_repaints_only_the_entries_it_changed_in_the_clause_list_and_the_unit_list(qtbot, window, tmp_path):
    """A typed figure changes one clause's entry and the unit's: those two entries are repainted with the new
    points, not the whole of both lists (Qt would lay out and repaint each list whole: 2–6 ms an edit)."""
    from PySide6.QtCore import QEvent, QObject, QRect

    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    session, ws = window.session, window.workspace
    qtbot.waitUntil(lambda: not window.prepare_timer.isActive() and not window.finish_timer.isActive(), timeout=20_000)
    uid = session.unit_ids[2]
    ws.select_unit(uid)
    row = next(i for i, p in enumerate(session.pages) if p.id == "4.2")
    ws.go_page(row)
    qtbot.wait(50)

    # the edit moves other units' grades: the first such edit shows the banner over the year (a layout of its own,
    # everything repainted once); made and taken back here, the edit measured below finds it shown
    box = next(b for b in ws.clause_page.findChildren(QSpinBox) if b.isVisible() and b.suffix().strip() == "人")
    for value in ((0 if box.value() else 50), box.value()):
        box.setValue(value)
        ws.clause_page.pending.flush()
    assert ws.moved_banner is not None and ws.moved_banner.isVisible()
    qtbot.wait(50)

    painted: dict[str, QRect] = {}

    class Paints(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                name = "navigator" if watched is ws.navigator.viewport() else "units"
                painted[name] = painted.get(name, QRect()).united(event.region().boundingRect())
            return False
    paints = Paints()
    for view in (ws.navigator, ws.unit_list):
        view.viewport().installEventFilter(paints)
    before = ws.navigator.item(row).text()
    model = ws.unit_list.model()
    texts = [model.index(r, 0).data() for r in range(model.rowCount())]
    box.setValue(0 if box.value() else 50)
    ws.clause_page.pending.flush()
    qtbot.wait(50)

    entry = ws.navigator.item(row)
    assert entry.text() != before and entry.text().startswith("4.2 ")
    result = session.clause_result(uid, "4.2")
    assert f"{format_number(result.net)} 分" in entry.text()
    assert ws.navigator.visualItemRect(entry).contains(painted["navigator"])
    assert f"{format_number(session.unit_result(uid).total)} 分" in ws.unit_list.currentIndex().data()
    changed = QRect()  # the edited unit's entry, and those whose grade or place the edit moved
    for r, text in enumerate(texts):
        if model.index(r, 0).data() != text:
            changed = changed.united(ws.unit_list.visualRect(model.index(r, 0)))
    assert changed.contains(ws.unit_list.visualRect(ws.unit_list.currentIndex()))
    assert changed.contains(painted["units"])
    assert changed.height() < ws.unit_list.viewport().height() // 2
