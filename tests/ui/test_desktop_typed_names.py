"""A file name typed without its extension gets it, as the file choosers' names do: 新建年度's 保存为 (else
打开… would not list the year), the PDF and Excel exports' paths. Typed into the real fields, the real
buttons clicked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from core.common.file_names import with_extension
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop import type_chinese
from tests.ui.test_desktop_day import action
from ui.dialogs import NewYearDialog


def retype(qtbot, field, text: str) -> None:
    """Click into the field, select all, type the text over it (Chinese through the input method)."""
    field.window().activateWindow()  # offscreen Qt activates no window by itself: without it no field takes focus
    qtbot.waitUntil(field.window().isActiveWindow)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert field.hasFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    type_chinese(field, text)


def test_with_extension_adds_it_only_where_it_is_missing():
    assert with_extension(Path("/年度/无扩展名年度"), ".wjkh") == Path("/年度/无扩展名年度.wjkh")
    assert with_extension(Path("/年度/2022.WJKH"), ".wjkh") == Path("/年度/2022.WJKH")
    assert with_extension(Path("a.sqlite"), ".wjkh", (".sqlite",)) == Path("a.sqlite")
    assert with_extension(Path("2022.汇总"), ".xlsx") == Path("2022.汇总.xlsx")  # what follows a dot is kept
    assert with_extension(Path("问题.csv"), ".xlsx", (".csv",)) == Path("问题.csv")


def test_a_new_year_typed_without_the_extension_is_made_as_a_wjkh_file(qtbot, window, tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    typed = folder / "无扩展名年度"

    def act(dialog: NewYearDialog) -> None:
        retype(qtbot, dialog.path, str(typed))
        qtbot.mouseClick(dialog.assessor, Qt.MouseButton.LeftButton)  # typing done: the name the file gets is shown
        assert dialog.assessor.hasFocus() and dialog.path.text() == str(typed) + ".wjkh"
        type_chinese(dialog.assessor, "王考核")
        shot_over(window, dialog, "new-year-typed-name")
        ok = dialog.box.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled(), dialog.error.text()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    state = answer_modal(NewYearDialog, act)
    action(window, "新建年度…").trigger()
    check_answered(state)
    made = {p.name for p in folder.iterdir()}  # the year file and what SQLite and the program keep beside it
    assert "无扩展名年度.wjkh" in made and all(name.startswith("无扩展名年度.wjkh") for name in made), made
    assert window.session is not None and window.session.file == folder / "无扩展名年度.wjkh"


def test_a_new_year_s_name_is_completed_before_it_is_checked_and_a_folder_is_not_a_name(qtbot, tmp_path):
    (tmp_path / "已有.wjkh").write_bytes(b"")
    dialog = NewYearDialog(tmp_path, "王考核")
    qtbot.addWidget(dialog)
    dialog.show()
    retype(qtbot, dialog.path, str(tmp_path / "已有"))  # not yet completed: the file it would make exists
    assert dialog.error.text() == "文件已存在，不会覆盖；请换一个文件名。"
    retype(qtbot, dialog.path, str(tmp_path))
    qtbot.mouseClick(dialog.assessor, Qt.MouseButton.LeftButton)
    assert dialog.path.text() == str(tmp_path) and dialog.error.text() == "所填的是文件夹，请在其后写上文件名。"
    assert not dialog.box.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    retype(qtbot, dialog.path, str(tmp_path / "没有的文件夹" / "2022"))
    assert dialog.error.text() == (f"文件夹 {tmp_path / '没有的文件夹'} 不存在，没有新建 2022.wjkh；"
                                   "请先建好文件夹或换一个位置。")


def test_the_pdf_and_excel_exports_add_their_extension_to_a_typed_name(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    from ui.pdf_export import ExportDialog
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    pdf = ExportDialog(window.session, window.current_unit_id(), "summary", window)
    qtbot.addWidget(pdf)
    pdf.show()
    pdf.sign.setChecked(False)
    retype(qtbot, pdf.path, str(tmp_path / "2022年度汇总"))
    qtbot.mouseClick(pdf.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not pdf.running, timeout=60_000)
    assert (tmp_path / "2022年度汇总.pdf").is_file() and not (tmp_path / "2022年度汇总").exists(), pdf.status.text()
    shot_over(window, pdf, "pdf-export-typed-name")
    pdf.reject()

    excel = window.excel_actions.export_dialog("summary")
    qtbot.addWidget(excel)
    excel.show()
    retype(qtbot, excel.path, str(tmp_path / "2022.汇总"))
    qtbot.mouseClick(excel.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not excel.running, timeout=60_000)
    assert excel.written == tmp_path / "2022.汇总.xlsx" and excel.written.is_file(), excel.status.text()
    assert not (tmp_path / "2022.xlsx").exists()
