"""A problem box is titled by what was being done: 未保存 only where an edit was refused or failed; opening a
file that is no year (未能打开), a grade raise the rules do not allow (不能上调), a hint about the selection, a check
or a copy each name themselves. Every way the desktop raises the box is walked in the code, and the ones a user
meets most are raised through the real menus and buttons, the box looked at as shown."""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.ui.test_desktop_day import action, choose_file

UI = Path(__file__).resolve().parents[2] / "ui"
# (callee, the position of its title argument); an emit of the clause page's `problems` signal is (texts, title)
RAISERS = {"show_problems": 1, "report": 1, "handle_fault": 1, "emit": 1}
SIGNALS_OF_PROBLEMS = {"problems"}


def raisers() -> list[tuple[str, int, ast.Call]]:
    """Every call in ui/ that raises the problem box (or hands texts on to it)."""
    found = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name = node.func.attr
            if name == "emit" and not (isinstance(node.func.value, ast.Attribute)
                                       and node.func.value.attr in SIGNALS_OF_PROBLEMS):
                continue
            if name in RAISERS:
                found.append((str(path.relative_to(UI.parent)), node.lineno, node))
    return found


def test_every_box_left_titled_by_default_is_an_edit_refused_or_failed():
    """No title (or "") gives 未保存: allowed only where the texts are an edit's problems, or the fault of one."""
    untitled = []
    for where, line, call in raisers():
        position = RAISERS[call.func.attr]
        title = call.args[position] if len(call.args) > position else None
        if title is not None and not (isinstance(title, ast.Constant) and title.value == ""):
            continue
        texts = ast.unparse(call.args[0]) if call.args else ""
        if "edit" in texts:  # problems_text(edit), edit.problems: an edit the year refused
            continue
        untitled.append(f"{where}:{line} {ast.unparse(call)}")
    assert untitled == []
    assert len(raisers()) >= 30  # the walk finds the box's callers (a renamed method would leave this empty)


def box_title(qtbot, window, trigger) -> tuple[str, str]:
    """Raise the box for real and read it as shown: (title, text)."""
    window.quiet_problems = False
    seen: dict[str, str] = {}

    def read(box: QMessageBox) -> None:
        seen.update(title=box.windowTitle(), text=box.text())
        box_title.shots += 1  # type: ignore[attr-defined]
        shot_over(window, box, f"box-{box_title.shots:02d}-{box.windowTitle()}")  # type: ignore[attr-defined]
        box.accept()

    state = answer_modal(QMessageBox, read)
    trigger()
    check_answered(state)
    window.quiet_problems = True
    return seen["title"], seen["text"]


box_title.shots = 0  # type: ignore[attr-defined]


def test_opening_what_is_not_a_year_file_is_titled_not_opened(qtbot, window, tmp_path):
    from tests.xlsx_builders import write_workbook
    fake = tmp_path / "假的.wjkh"
    write_workbook(fake, {"花名册": [["姓名"], ["张三"]]})  # an Excel workbook renamed
    window.settings.setValue("folder", str(tmp_path))

    def open_it(path: Path):
        def trigger() -> None:
            chooser = answer_modal(QFileDialog, choose_file(path))
            action(window, "打开…").trigger()
            check_answered(chooser)
        return trigger

    title, text = box_title(qtbot, window, open_it(fake))
    assert (title, text.startswith("假的.wjkh 不是本程序的年度数据文件")) == ("未能打开", True), text
    from core.store.demo import ensure_demo
    (tmp_path / "demo").mkdir()
    year = ensure_demo(tmp_path / "demo", "演示考核人员")
    cut = tmp_path / "截断.wjkh"
    cut.write_bytes(year.read_bytes()[: year.stat().st_size // 2])
    title, text = box_title(qtbot, window, open_it(cut))
    assert title == "未能打开" and "截断" in text, text
    assert window.session is None

    # with a year open, a file that is no year leaves that year open, its edits undoable
    assert window.open_dataset(year)
    uid = window.session.unit_ids[0]
    assert window.session.set_note("备注", uid, "1.1", "现场看过原件").ok
    title, text = box_title(qtbot, window, open_it(fake))
    assert title == "未能打开" and text.startswith("假的.wjkh 不是本程序的年度数据文件"), text
    assert window.session is not None and window.session.file == year and window.workspace.isVisible()
    assert window.session.history.can_undo and window.session.note(uid, "1.1") == "现场看过原件"


def test_a_raise_the_rules_do_not_allow_and_a_missing_selection_are_not_titled_unsaved(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    ws = window.workspace
    ws.tabs.setCurrentIndex(next(i for i in range(ws.tabs.count()) if ws.tabs.tabText(i) == "等级评定"))
    grades = ws.grade_view
    row = next(r for r, u in enumerate(window.session.result.units) if u.grade == "E")
    grades.view.selectRow(row)
    name = window.session.result.units[row].name
    title, text = box_title(qtbot, window, lambda: qtbot.mouseClick(grades.promote_button, Qt.MouseButton.LeftButton))
    assert (title, text) == ("不能上调", f"{name} 考核不合格，定为 E 级，不能上调。")
    grades.view.clearSelection()
    title, text = box_title(qtbot, window, lambda: qtbot.mouseClick(grades.promote_button, Qt.MouseButton.LeftButton))
    assert (title, text) == ("不能上调", "请先在表中选择一家运营单位。")
    ws.tabs.setCurrentIndex(next(i for i in range(ws.tabs.count()) if ws.tabs.tabText(i) == "年度总表"))
    year_view = ws.year_view
    year_view.view.clearSelection()
    title, _ = box_title(qtbot, window, lambda: qtbot.mouseClick(year_view.final_button, Qt.MouseButton.LeftButton))
    assert title == "未选择运营单位"


def test_an_edit_the_year_refuses_is_still_titled_unsaved(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    taken = window.session.unit(window.session.unit_ids[0])
    title, text = box_title(qtbot, window, lambda: window.add_unit(
        {"name": taken.name, "credit_code": taken.credit_code, "kinds": list(taken.kinds),
         "licence_numbers": dict(taken.licence_numbers), "new_member": False, "contact_person": ""}))
    assert title == "未保存" and "名称重复" in text, text
    assert f"已有一家运营单位名为“{taken.name}”" in text and "$" not in text, text  # named, not by a data path


def test_a_year_that_cannot_be_made_is_titled_not_made(qtbot, window, tmp_path):
    from tests.builders import RULES
    taken = tmp_path / "2022.wjkh"
    taken.write_bytes(b"")
    title, text = box_title(qtbot, window, lambda: window.create_year(taken, RULES, "赵六"))
    assert title == "未能新建年度" and "已存在" in text, text
