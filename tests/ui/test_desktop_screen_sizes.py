"""The window on the screens assessors have: the office laptop (1366×768), a desktop monitor
(1920×1080), a high-density screen at 200 % scaling, and the smallest window (1024×768). On each,
every clause page of a unit and every tab is visited; no page is cut off, and but for the smallest
window no fact table or tab scrolls sideways. Screenshots go to artifacts/screenshots/sizes-*/ for
a person to look at."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "screen_sizes_child.py"


@pytest.mark.parametrize("name, width, height, scale", [
    ("1366x768", 1366, 768, "1"),
    ("1920x1080", 1920, 1080, "1"),
    ("200-percent", 1366, 768, "2"),  # a 2732×1536 screen at 200 %: the same room in logical pixels
])
def test_every_page_and_tab_fits_without_sideways_scrolling(tmp_path, name, width, height, scale):
    shots = ROOT / "artifacts" / "screenshots" / f"sizes-{name}"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale, "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, str(CHILD), str(width), str(height), str(shots)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ratio"] == float(scale)
    assert report["sideways"] == []
    assert report["fits"], report
    assert len(list(shots.glob("page-*.png"))) == 11


def test_the_smallest_window_cuts_no_page_off(tmp_path):
    """At 1024×768 (the smallest window) the fact tables may scroll sideways inside themselves, but no
    clause page is wider than its room: the rules' text, the evidence to tick and the buttons wrap
    (the page once scrolled sideways on six of eleven pages, its text cut off at the right)."""
    shots = ROOT / "artifacts" / "screenshots" / "sizes-1024x768"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, str(CHILD), "1024", "768", str(shots)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert [s for s in report["sideways"] if s.endswith(" page")] == []
    assert report["fits"], report


def test_the_score_explanation_keeps_room_for_words_in_the_smallest_window(qtbot, window, tmp_path):
    """At 1024 pixels the 计分说明 column was some 125 pixels wide, its lists indented 40 pixels: a word or
    two a line. It keeps room for a phrase (14 characters), its bullets a character and a half in."""
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    window.resize(1024, 768)
    page = window.workspace.clause_page
    em = page.explanation.fontMetrics().horizontalAdvance("分")
    qtbot.waitUntil(lambda: page.explanation.isVisible() and window.width() == 1024)
    assert page.explanation.width() >= 13 * em, (page.explanation.width(), em)
    assert page.explanation.document().indentWidth() <= 2 * em
    assert page.explanation.toPlainText().strip()


def test_the_year_table_shows_the_units_names_whole_in_the_smallest_window(qtbot, window, tmp_path):
    """At 1024 pixels the 年度总表's 运营单位 column was what the other columns left: "苏州…" on every row."""
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    window.resize(1024, 768)
    ws = window.workspace
    ws.tabs.setCurrentIndex(next(i for i in range(ws.tabs.count()) if ws.tabs.tabText(i) == "年度总表"))
    view = ws.year_view.view
    qtbot.waitUntil(lambda: view.isVisible() and window.width() == 1024)
    longest = max((u.name for u in window.session.result.units), key=view.fontMetrics().horizontalAdvance)
    assert view.horizontalHeader().sectionSize(1) >= view.fontMetrics().horizontalAdvance(longest)
