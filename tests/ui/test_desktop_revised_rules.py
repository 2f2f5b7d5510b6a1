"""考核细则管理 with a year in progress: the bureau's revision of the year's rules (1.1 at 3 points a base)
becomes the year's, from the file when it keeps the rules' id (it cannot join the program's rule sets
then) or from the imported rule set when it has its own; what changes is shown before the reason is
typed, the year is opened again under the revision, a rule set of another year cannot be chosen, and
no internal id is shown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from core.scoring.rules import load_rule_set
from tests.core.scoring.test_revised_rules import REVISED_DOCUMENT, REVISED_TITLE, revised_text
from tests.desktop_support import answer_modal, check_answered, shot_over
from tests.example_rules import EXAMPLE_2023
from tests.ui.test_desktop import shot, type_chinese
from tests.ui.test_desktop_day import action, choose_file
from ui.rule_sets_dialog import RuleSetsDialog
from ui.rule_update import AdoptRulesDialog

REASON = "局里印发修订细则（吴人社就〔2022〕21号），1.1 改为每个基地 3 分"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def click_and_answer(qtbot, button, chosen: Path | None, answer) -> None:
    """Click the button; pick `chosen` in the file dialog it opens (if any), then answer the change."""
    files = answer_modal(QFileDialog, choose_file(chosen)) if chosen else None
    adopting = answer_modal(AdoptRulesDialog, answer)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    if files is not None:
        check_answered(files)
    check_answered(adopting)


def test_the_year_adopts_the_bureau_s_revision_from_its_file(qtbot, window, tmp_path, demo_year_file):
    revised = write(tmp_path, "吴人社就〔2022〕21号 修订细则.toml", revised_text())  # the same id as the year's
    other_year = write(tmp_path, "2023细则.toml", EXAMPLE_2023.read_text(encoding="utf-8"))
    assert window.open_dataset(demo_year_file)
    totals = {u.name: u.total for u in window.session.result.units}

    def adopt(dialog: AdoptRulesDialog) -> None:
        changes = dialog.changes.toPlainText()
        assert "1.1 建立劳务基地或政校合作基地：每项得分 4 → 3、每项加分 4 → 3、加分上限 12 → 9" in changes
        assert "按现有数据重新计分，13 个运营单位中有" in changes and " → " in changes
        said = "".join(label.text() for label in dialog.findChildren(QLabel))
        assert f"更换为《{REVISED_TITLE}》（{REVISED_DOCUMENT}）" in said
        assert "wujiang" not in changes + said
        assert not dialog.ok.isEnabled()  # a reason is required
        dialog.reason.setFocus()
        type_chinese(dialog.reason, REASON)
        assert dialog.ok.isEnabled()
        shot_over(window, dialog, "rule-revision-adopt-dialog")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    def manage(dialog: RuleSetsDialog) -> None:
        assert dialog.adopt_button.isVisible() and dialog.adopt_file_button.isVisible()
        assert not dialog.adopt_button.isEnabled()  # the program's 2022 rules: the very ones the year stores
        files = answer_modal(QFileDialog, choose_file(revised))
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        check_answered(files)
        assert "本年度改用细则文件" in dialog.message.text()  # refused as a rule set to keep; offered for the year
        shot_over(window, dialog, "rule-revision-import-same-id")
        files = answer_modal(QFileDialog, choose_file(other_year))
        qtbot.mouseClick(dialog.adopt_file_button, Qt.MouseButton.LeftButton)
        check_answered(files)
        assert dialog.message.text() == (f"《{load_rule_set(EXAMPLE_2023).title}》是 2023 年度的细则，"
                                         "本数据文件是 2022 年度的，不能用它更换本年度的细则。")
        click_and_answer(qtbot, dialog.adopt_file_button, revised, adopt)
        assert f"本年度已改按《{REVISED_TITLE}》（{REVISED_DOCUMENT}）计分" in dialog.message.text()
        assert REVISED_TITLE in dialog.year_label.text()
        shot_over(window, dialog, "rule-revision-adopted")
        dialog.accept()

    state = answer_modal(RuleSetsDialog, manage, timeout=60)
    action(window, "考核细则管理…").trigger()
    check_answered(state)
    QApplication.processEvents()
    session = window.session  # the year opened again under the revision
    assert (session.rules.title, session.rules.document) == (REVISED_TITLE, REVISED_DOCUMENT)
    assert session.rules.clause("1.1").params["per_item"] == 3
    assert any(u.total < totals[u.name] for u in session.result.units)
    assert REVISED_TITLE in window.statusBar().currentMessage()
    rows = list(session.ds.audit_entries("rule_sets"))
    assert REASON in {e.reason for e in rows}
    assert session.ds.verify_audit() is None
    shot(window, "rule-revision-year-reopened")


def test_an_imported_revision_with_its_own_id_is_adopted_from_the_list(qtbot, window, tmp_path, demo_year_file):
    revised = write(tmp_path, "修订细则.toml", revised_text("wujiang-2022-rev"))
    assert window.open_dataset(demo_year_file)

    def decline(dialog: AdoptRulesDialog) -> None:
        assert "加分上限 12 → 9" in dialog.changes.toPlainText()
        dialog.reject()

    def adopt(dialog: AdoptRulesDialog) -> None:
        type_chinese(dialog.reason, REASON)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    def manage(dialog: RuleSetsDialog) -> None:
        files = answer_modal(QFileDialog, choose_file(revised))
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        check_answered(files)
        assert "新建年度时可选用" in dialog.message.text() and "本年度改用此细则" in dialog.message.text()
        assert dialog.current().rules.title == REVISED_TITLE and dialog.adopt_button.isEnabled()
        click_and_answer(qtbot, dialog.adopt_button, None, decline)
        assert window.session.rules.document == "吴人社就〔2022〕15号"  # declined: nothing changed
        click_and_answer(qtbot, dialog.adopt_button, None, adopt)
        assert not dialog.adopt_button.isEnabled()  # the year's own now
        assert "wujiang" not in dialog.message.text() + dialog.year_label.text()
        dialog.accept()

    state = answer_modal(RuleSetsDialog, manage, timeout=60)
    action(window, "考核细则管理…").trigger()
    check_answered(state)
    QApplication.processEvents()
    assert window.session.rules.document == REVISED_DOCUMENT


def test_a_broken_rule_file_is_refused_with_one_problem_per_fault(qtbot, window, tmp_path, demo_year_file):
    text = revised_text("wujiang-2022-rev")
    bad_value = write(tmp_path, "分值写成汉字.toml", text.replace("points = 25", 'points = "二十五"', 1))
    heading = text.index("[[clauses]]", text.index('id = "1.1"'))
    left_open = write(tmp_path, "少了括号.toml", text[:heading] + "oops = [\n\n" + text[heading:])
    line = text[:heading].count("\n") + 1
    assert window.open_dataset(demo_year_file)

    def manage(dialog: RuleSetsDialog) -> None:
        for chosen, said in (
                (bad_value, ["未导入 分值写成汉字.toml：", "第一部分 › 分值：应为不小于 0 的数，现为 “二十五”"]),
                (left_open, ["未导入 少了括号.toml：",
                             f"文件：第 {line + 2} 行第 3 列不符合细则文件的写法：上面第 {line} 行“oops = [”没有写完："
                             "列表“[”缺少收尾的“]”，或缺少值（该行为：[[clauses]]）"])):
            files = answer_modal(QFileDialog, choose_file(chosen))
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
            check_answered(files)
            assert dialog.message.text().splitlines() == said
            shot_over(window, dialog, f"rule-import-refused-{chosen.stem}")
        dialog.accept()

    state = answer_modal(RuleSetsDialog, manage, timeout=60)
    action(window, "考核细则管理…").trigger()
    check_answered(state)
