"""Who is working is asked once per year file, never taken from the computer's login: a file whose
only assessor is whoever made it (here `root`, as a command-line import records) still asks; the
answer is remembered for that file and used in the audit trail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from core.scoring.rules import RULES_DIR, load_rule_set
from tests.desktop_support import answer_modal, check_answered
from tests.ui.test_desktop import type_chinese
from ui.dialogs import AssessorDialog


def test_the_assessor_is_asked_once_per_file_and_remembered(qtbot, window, tmp_path):
    from core.store.dataset import create_file
    del window.ask_assessor  # the real dialog, not the fixture's answer
    path = tmp_path / "2022年度考核.wjkh"
    create_file(path, load_rule_set(RULES_DIR / "wujiang-2022.toml"), "root")

    def answer(dialog: AssessorDialog) -> None:
        assert dialog.value() != "root" or dialog.name.count() == 1
        dialog.name.setCurrentText("")
        type_chinese(dialog.name.lineEdit(), "李四")
        type_chinese(dialog.role_edit, "考核组长")
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)
    state = answer_modal(AssessorDialog, answer)
    assert window.open_dataset(path)
    check_answered(state)
    ds = window.session.ds
    assert [(a.name, a.role) for a in ds.assessors() if a.name == "李四"] == [("李四", "考核组长")]
    assert window.session.by == ds.assessor_id("李四")
    assert "李四" in window.status_file.text() and "root" not in window.status_file.text()
    window.close_dataset()

    asked = answer_modal(AssessorDialog, lambda dialog: dialog.reject(), timeout=1.0)
    assert window.open_dataset(path)
    assert not asked["seen"], "asked again for a file already answered"
    assert window.session.by == window.session.ds.assessor_id("李四")


def test_switching_the_assessor_from_the_menu_records_the_new_name(qtbot, window, tmp_path):
    from core.store.dataset import create_file
    path = tmp_path / "2022年度考核.wjkh"
    create_file(path, load_rule_set(RULES_DIR / "wujiang-2022.toml"), "王五")
    assert window.open_dataset(path)
    window.ask_assessor = lambda names, suggestion: ("赵六", "复核人员") if names == ["王五"] else None
    window.assessor_action.trigger()
    session = window.session
    assert session.assessor is not None and (session.assessor.name, session.assessor.role) == ("赵六", "复核人员")
    assert session.ds.audit_entries("assessors")[-1].assessor_id == session.ds.assessor_id("王五")
    assert window.status_file.text() == "2022年度　2022年度考核.wjkh　考核人员：赵六"
    window.close_dataset()
    del window.ask_assessor  # the file remembers who worked last: nobody is asked at the next opening
    asked = answer_modal(AssessorDialog, lambda dialog: dialog.reject(), timeout=1.0)
    assert window.open_dataset(path)
    assert not asked["seen"] and window.session.assessor.name == "赵六"
