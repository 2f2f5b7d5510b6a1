"""The import wizard closed while the preview holds corrections typed and not imported (Escape, 关闭, the
window's close button): it asks whether to throw them away, 继续更正 by default, and closes at once when
nothing was typed or everything was imported. Real key events and clicks; the question's screenshot goes
to artifacts/screenshots/."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox  # noqa: E402

from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from tests.import_support import roster_file  # noqa: E402
from tests.ui.test_desktop import type_chinese  # noqa: E402
from tests.ui.test_desktop_excel import unchanged, year  # noqa: E402,F401  (a fixture)
from tests.ui.test_desktop_import_partial import checked_wizard, type_into_cell  # noqa: E402
from tests.xlsx_builders import arrival, person_id  # noqa: E402


def wrong_id_and_no_name(tmp_path):
    """Four people: the second with no name, the fourth with an ID number whose check digit is wrong."""
    people = [arrival(i) for i in range(4)]
    people[1] = arrival(1, 姓名="")
    number = person_id(3)
    people[3] = arrival(3, 身份证号码=number[:17] + ("0" if number[17] != "0" else "1"))
    return roster_file(tmp_path, people)


def two_corrections_typed(qtbot, window, tmp_path):
    """The wizard after 全部更正后再导入: a Chinese name typed through the input method, an ID number typed."""
    dialog = checked_wizard(qtbot, window, wrong_id_and_no_name(tmp_path))
    model = dialog.problems_model
    assert [r.column for r in model.rows] == ["姓名", "身份证号码"]
    qtbot.mouseClick(dialog.choice.correct_button, Qt.MouseButton.LeftButton)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    type_chinese(editor, "孙丽")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    type_into_cell(qtbot, dialog.problems_view, model.index(1, 3), person_id(3))
    assert len(model.corrections) == 2 and "更正尚未检查" in dialog.status.text()
    dialog.problems_view.setFocus()
    return dialog


def asked(qtbot, wizard, answer: str, shot: str | None = None) -> dict:
    """Answer the question about the corrections: by keys (Return takes the default, Escape keeps editing),
    or by clicking the button of that name. Its words and buttons are read first; `shot`: a screenshot of
    the question over the wizard."""
    seen: dict = {}

    def act(box: QMessageBox) -> None:
        seen["text"], seen["title"] = box.text(), box.windowTitle()
        seen["buttons"] = sorted(b.text() for b in box.buttons())
        seen["default"] = box.defaultButton().text()
        if shot:
            seen["shot"] = shot_over(wizard, box, shot)
        if answer in ("Return", "Escape"):
            qtbot.keyClick(box, getattr(Qt.Key, f"Key_{answer}"))
        else:
            qtbot.mouseClick(next(b for b in box.buttons() if b.text() == answer), Qt.MouseButton.LeftButton)

    seen["state"] = answer_modal(QMessageBox, act)
    return seen


def test_escape_with_corrections_typed_asks_and_keeps_editing_by_default(qtbot, year, tmp_path):  # noqa: F811
    window = year
    before = unchanged(window)
    dialog = two_corrections_typed(qtbot, window, tmp_path)

    seen = asked(qtbot, dialog, "Return", shot="excel-import-discard-corrections")
    qtbot.keyClick(dialog.problems_view, Qt.Key.Key_Escape)  # Escape on the wizard
    check_answered(seen["state"])
    assert seen["title"] == "放弃更正" and seen["buttons"] == ["放弃更正", "继续更正"]
    assert seen["default"] == "继续更正"
    assert "预览中有 2 处更正尚未导入" in seen["text"] and "确定放弃更正并关闭吗？" in seen["text"]
    assert dialog.isVisible() and len(dialog.problems_model.corrections) == 2  # Return took 继续更正
    assert dialog.problems_model.data(dialog.problems_model.index(0, 3)) == "孙丽"

    seen = asked(qtbot, dialog, "Escape")  # Escape on the question keeps editing too
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)  # 关闭
    check_answered(seen["state"])
    assert dialog.isVisible() and len(dialog.problems_model.corrections) == 2

    seen = asked(qtbot, dialog, "放弃更正")
    dialog.close()  # the window's own close button sends this close event
    check_answered(seen["state"])
    assert not dialog.isVisible() and unchanged(window) == before


def test_corrections_checked_but_not_imported_are_asked_about_and_imported_ones_are_not(qtbot, year, tmp_path):  # noqa: F811
    window = year
    dialog = two_corrections_typed(qtbot, window, tmp_path)
    qtbot.mouseClick(dialog.choice.recheck_button, Qt.MouseButton.LeftButton)
    assert dialog.worker.wait(60)
    qtbot.waitUntil(lambda: dialog.preview.checked.ok and dialog.import_button.isEnabled())
    seen = asked(qtbot, dialog, "继续更正")
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    check_answered(seen["state"])
    assert dialog.isVisible()

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.imported_id is not None and dialog.close_button.text() == "完成"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # imported: nothing to lose, no question
    assert not dialog.isVisible() and QApplication.activeModalWidget() is None


def test_nothing_typed_closes_without_a_question(qtbot, year, tmp_path):  # noqa: F811
    window = year
    dialog = checked_wizard(qtbot, window, wrong_id_and_no_name(tmp_path))
    assert dialog.problems_model.rowCount() == 2
    qtbot.keyClick(dialog.problems_view, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and QApplication.activeModalWidget() is None
