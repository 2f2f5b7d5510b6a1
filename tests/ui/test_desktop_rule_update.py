"""3.2 on the desktop: the reading rating_threshold with both of its choices on the clause page, and a
year file whose stored rule set predates it: the page says so, and 采用新版细则… adopts the newer rule
set with a reason (the year is opened again under it, on the same unit and clause)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.scoring.facts import load_year
from core.scoring.rules import load_rule_set
from core.store.dataset import create_file
from tests.core.scoring.test_rule_updates import demo_as_made_before
from tests.dataset_support import DEMO
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop import shot, type_chinese

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AT_FOUR = "苏州八坼新程人力资源有限公司"  # composite rating exactly 4.0


def year_file(tmp_path: Path, rules_path: Path | None = None) -> Path:
    rules = load_rule_set(rules_path, stored=True) if rules_path else load_rule_set()
    if rules_path:
        year = demo_as_made_before(rules)
    else:
        year, problems = load_year(DEMO, rules)
        assert not problems
    path = tmp_path / "2022年度.wjkh"
    create_file(path, rules, "张三", year=year)
    return path


def open_on_3_2(window, path: Path) -> None:
    assert window.open_dataset(path)
    ws = window.workspace
    ws.select_unit(window.session.unit_id(AT_FOUR))
    ws.go_page(next(i for i, p in enumerate(window.session.pages) if p.id == "3.2"))
    QApplication.processEvents()


def test_the_3_2_page_shows_both_readings_of_the_threshold(qtbot, window, tmp_path):
    open_on_3_2(window, year_file(tmp_path))
    page = window.workspace.clause_page
    assert page.rules_banner.isHidden()
    text = page.readings_label.text()
    rules = window.session.rules
    chosen, other = (c.description for c in rules.readings["rating_threshold"].choices)
    assert f"本年度采用的读法：{chosen}" in text and f"另一读法（未采用）：{other}" in text
    assert page.points_label.text().startswith("0 分")  # exactly 4.00 earns nothing
    shot(window, "rule-threshold-3.2-above")


def test_an_older_year_file_is_told_and_adopts_the_newer_rule_set(qtbot, window, tmp_path):
    path = year_file(tmp_path, FIXTURES / "wujiang-2022-format1.toml")
    open_on_3_2(window, path)
    page = window.workspace.clause_page
    banner = page.rules_banner
    assert banner.isVisible()
    assert "门槛为“不低于 4”" in banner.label.text() and "采用新版细则" in banner.label.text()
    assert "本年度采用的读法" not in page.readings_label.text()  # the year's own rule set has no such reading
    assert page.points_label.text().startswith("1 分")  # as the file was scored: 4 itself ranked last
    shot(window, "rule-update-3.2-older-year")

    from ui.rule_update import AdoptRulesDialog

    def answer(dialog: AdoptRulesDialog) -> None:
        assert not dialog.ok.isEnabled()  # a reason is required
        dialog.reason.setFocus()
        type_chinese(dialog.reason, "依民法典第1259条，“4分以下”包括4分")
        assert dialog.ok.isEnabled()
        shot_over(window, dialog, "rule-update-adopt-dialog")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    state = answer_modal(AdoptRulesDialog, answer)
    qtbot.mouseClick(banner.adopt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.rules.sha256 == load_rule_set().sha256)
    check_answered(state)
    QApplication.processEvents()
    page = window.workspace.clause_page  # the year was opened again under the new rule set
    assert page.page.id == "3.2" and page.unit_id == window.session.unit_id(AT_FOUR)
    assert page.rules_banner.isHidden()
    assert "本年度采用的读法" in page.readings_label.text()
    assert page.points_label.text().startswith("0 分")
    rows = [e for e in window.session.ds.audit_entries("rule_sets") if e.action == "update"]
    assert {e.field for e in rows} == {"sha256", "text"}
    assert {e.reason for e in rows} == {"依民法典第1259条，“4分以下”包括4分"}
    shot(window, "rule-update-3.2-adopted")
