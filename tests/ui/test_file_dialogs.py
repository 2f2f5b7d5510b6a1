"""Qt's own file dialog, opened by 文件 → 打开…: wide enough that its columns are read whole, sizes in KB and MB."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QFileDialog, QTreeView

from core.store.demo import ensure_demo
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop_day import action
from ui.file_dialogs import file_size_text


def test_sizes_read_as_chinese_programs_write_them():
    assert [file_size_text(n) for n in (0, 1023, 1024, 627_000, 5_300_000, 3 * 1024**3)] == [
        "0 字节", "1023 字节", "1 KB", "612 KB", "5.1 MB", "3.0 GB"]


def test_the_open_dialog_shows_every_column_whole_and_sizes_in_kb(window, qtbot, tmp_path):
    """At Qt's default size the dialog cut 体积 to "612…KiB" and 类型 to "S…库" (found by a tester)."""
    folder = tmp_path / "年度文件"
    folder.mkdir()
    year = ensure_demo(folder, "演示考核人员")
    (folder / "子文件夹").mkdir()
    (folder / "上一年度.sqlite").write_bytes(year.read_bytes()[:627_000])
    seen: dict[str, object] = {}

    def look(dialog: QFileDialog) -> None:
        qtbot.waitUntil(lambda: bool(dialog.property("leyeFitted")))  # as it takes the focus
        dialog.setDirectory(str(folder))
        tree = dialog.findChild(QTreeView)
        model = tree.model()
        qtbot.waitUntil(lambda: model.rowCount(tree.rootIndex()) == 3 and all(
            model.index(r, 2, tree.rootIndex()).data() for r in range(3)), timeout=5000)
        qtbot.wait(200)  # the sizes and types come from the file system model's thread
        rows = {model.index(r, 0, tree.rootIndex()).data(): [model.index(r, c, tree.rootIndex()).data()
                                                              for c in range(4)] for r in range(3)}
        seen["rows"] = rows
        for cells in rows.values():
            for column in (1, 2, 3):
                wide = tree.fontMetrics().horizontalAdvance(cells[column] or "")
                assert wide + 8 <= tree.header().sectionSize(column), (cells, column, tree.header().sectionSize(column))
        seen["name_width"] = tree.header().sectionSize(0)
        shot_over(window, dialog, "file-dialog-open")
        dialog.reject()

    state = answer_modal(QFileDialog, look)
    action(window, "打开…").trigger()
    check_answered(state)
    rows = seen["rows"]
    assert rows["上一年度.sqlite"][1] == "612 KB", rows
    assert rows["上一年度.sqlite"][2] == "年度数据文件", rows  # not the system's SQLite3 数据库
    assert rows["子文件夹"][1] in ("", None) and rows["子文件夹"][2] == "文件夹", rows
    assert seen["name_width"] >= 200
    assert QApplication.activeModalWidget() is None
