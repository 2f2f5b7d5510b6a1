"""Switching unit and clause in the demo year: each page's editors are built once (the pages not yet
shown while the window is idle after opening) and shown again with the chosen unit's values; the
page's boxes hold only the editors of the page on screen."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QSpinBox

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
