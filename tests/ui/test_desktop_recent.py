"""文件 → 最近打开: each year file once, years of one name told apart by their folder."""

from __future__ import annotations

from core.store.demo import ensure_demo
from tests.ui.test_desktop import shot


def test_recent_years_of_one_name_are_told_apart_by_their_folder(window, qtbot, tmp_path):
    """文件 → 最近打开 listed eight lines all reading 2022年度考核（演示）.wjkh (found by a tester)."""
    from PySide6.QtGui import QAction

    years = []
    for folder in ("办公室", "外业"):
        (tmp_path / folder).mkdir()
        years.append(ensure_demo(tmp_path / folder, "演示考核人员"))
        assert window.open_dataset(years[-1])
    other = tmp_path / "办公室" / "2023年度.wjkh"
    other.write_bytes(years[0].read_bytes())
    assert window.open_dataset(other)
    menu = window.recent_menu
    texts = [a.text() for a in menu.actions() if isinstance(a, QAction)]
    assert texts == ["2023年度.wjkh", f"{years[1].name}　—　{years[1].parent}",
                     f"{years[0].name}　—　{years[0].parent}"]
    assert menu.toolTipsVisible() and [a.toolTip() for a in menu.actions()][0] == str(other)
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitUntil(menu.isVisible)
    shot(menu, "recent-menu")
    menu.hide()
