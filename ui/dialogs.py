"""Dialogs: a new year, a unit's identity, the assessor, a grade promotion."""

from __future__ import annotations

import re
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.common.credit_codes import credit_code_problem
from core.common.document_titles import read_title
from core.common.file_names import with_extension
from core.common.messages import Msg, render
from core.scoring.rule_library import known_rule_sets
from core.scoring.rules import RuleSet
from core.store.dataset import YEAR_FILE_SUFFIX, YEAR_FILE_SUFFIXES
from core.store.files import DatasetError
from core.years.continuation import Previous, read_previous
from ui import faults
from ui.worker import Worker


def buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(QCoreApplication.translate("Dialogs", "确定"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(QCoreApplication.translate("Dialogs", "取消"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def safe_file_name(text: str) -> str:
    """A unit's name usable as a file name on Windows and Linux."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .") or "_"


def follow_choice(path: QLineEdit, chosen_by_hand: bool, previous_default: str, default: Path) -> None:
    """The 保存为 field of an export once another document is chosen: the new document's own name, in
    the folder the assessor chose if they chose one. A name they gave the file themselves is kept."""
    if not chosen_by_hand:
        path.setText(str(default))
        return
    current = Path(path.text().strip())
    # a file's name is no folder's (全部单位的评分表 go into a folder) nor another kind of file's
    if current.name == previous_default or Path(previous_default).suffix != default.suffix:
        path.setText(str(current.parent / default.name))


def chosen_target(typed: str, default: Path, folder: bool = False) -> Path:
    """Where an export goes, from what the assessor typed in its 保存为: ~ is their home folder; a name
    alone goes into the default's folder (not wherever the program happens to run); a folder, one that
    exists or one written with a separator at its end, gets the default's name inside it. `folder`: the
    export is a folder of files, and what was typed is that folder."""
    path = Path(typed).expanduser()
    if not path.is_absolute():
        path = default.parent / path
    if not folder and (typed.endswith(("/", "\\")) or path.is_dir()):
        path = path / default.name
    return path


def unit_chooser(session, unit_id: int | None) -> tuple[QHBoxLayout, QComboBox]:
    """运营单位 and a list of the year's units, `unit_id` chosen: the row a document's dialog asks it in."""
    row = QHBoxLayout()
    row.addWidget(QLabel(QCoreApplication.translate("Dialogs", "运营单位")))
    units = QComboBox()
    for uid in session.unit_ids:
        units.addItem(session.unit(uid).name, uid)
    units.setCurrentIndex(max(0, units.findData(unit_id)))
    units.setMinimumContentsLength(24)
    row.addWidget(units, 1)
    return row, units


WARNING_COLOUR = "#b45f06"  # a warning that does not stop the dialog


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label


def replace_question(parent: QWidget, target: Path, new_title: str | None = None) -> bool:
    """Whether to replace `target`, asked with what it holds (the title in its properties) and when it was
    saved: the same document exported before, or another one (a name typed for one unit kept for another)."""
    held = read_title(target)
    try:
        saved = time.strftime("%Y/%m/%d %H:%M", time.localtime(target.stat().st_mtime))
    except OSError:
        saved = ""
    translate = QCoreApplication.translate
    if held is not None and held == new_title:
        text = translate("Replace", "{file} 已存在，是这份表格上次导出的文件（{time}）。要替换吗？")
    elif held is not None and new_title is not None:
        text = translate("Replace",
                         "{file} 已存在，其中是另一份文件：“{title}”（{time}）。替换后它就没有了。要替换吗？")
    elif held is not None:
        text = translate("Replace", "{file} 已存在，其中是“{title}”（{time}）。要替换吗？")
    else:  # a file not of this program's exports (a unit's own roster?), or of an older one
        text = translate("Replace",
                         "{file} 已存在（{time} 保存），无法确认其中是这份表格。替换后原文件就没有了。要替换吗？")
    box = QMessageBox(QMessageBox.Icon.Question, translate("Replace", "替换文件"),
                      text.format(file=target.name, title=held, time=saved),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(translate("Replace", "替换"))
    box.button(QMessageBox.StandardButton.No).setText(translate("Replace", "取消"))
    if held is None or held != new_title:  # only the same document's last export is replaced on Enter
        box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


class ReasonDialog(QDialog):
    """A decision that must give its reason (recorded in the audit trail): what it does, the reason
    typed, and the button that decides enabled only once there is one."""

    def _build(self, explanation: str, reason_label: str, decide: str, width: int) -> None:
        layout = QVBoxLayout(self)
        text = QLabel(explanation)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addWidget(QLabel(reason_label))
        self.reason = QPlainTextEdit()
        self.reason.setMinimumHeight(84)
        layout.addWidget(self.reason, 1)
        box = QDialogButtonBox()
        self.ok = box.addButton(decide, QDialogButtonBox.ButtonRole.AcceptRole)
        box.addButton(QCoreApplication.translate("ReasonDialog", "取消"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda: self.ok.setEnabled(bool(self.value())))
        self.resize(width, 300)

    def value(self) -> str:
        return self.reason.toPlainText().strip()


class NewYearDialog(QDialog):
    """A new assessment year: empty, or continued from the last year's file (its units come across as
    existing members); the year, its rule set, the assessor, and where the file goes."""

    def __init__(self, folder: Path, assessor: str = "", parent: QWidget | None = None,
                 open_year: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("新建年度"))
        self.rule_sets = [known.rules for known in known_rule_sets()]  # the program's and the user's
        self.folder = folder
        self.open_year = open_year  # the year open in the window: offered first, and read here, not in a thread
        self.previous: Previous | None = None  # what continuing brings, once the chosen file is read
        self.previous_problem = ""
        self.reader: Worker | None = None  # reading the chosen file, off the window's thread
        form = QFormLayout()
        self.continue_box = QCheckBox(self.tr("从上一年度继续（运营单位作为原有成员带入）"))
        self.previous_path = QLineEdit()
        self.previous_path.setReadOnly(True)
        self.previous_path.setPlaceholderText(self.tr("上一年度的数据文件"))
        self.choose_previous = QPushButton(self.tr("选择上一年度文件…"))
        self.choose_previous.clicked.connect(lambda _checked=False: self._choose_previous())
        previous_row = QHBoxLayout()
        previous_row.addWidget(self.previous_path, 1)
        previous_row.addWidget(self.choose_previous)
        self.previous_note = QLabel()
        self.previous_note.setWordWrap(True)
        self.previous_warning = QLabel()  # the last year not final: its results stay 暂定 in the new year's history
        self.previous_warning.setWordWrap(True)
        self.previous_warning.setStyleSheet(f"color: {WARNING_COLOUR};")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(max((r.year for r in self.rule_sets), default=2022))
        self.rules = QComboBox()
        self.assessor = QLineEdit(assessor)
        self.role = QLineEdit()
        self.role.setPlaceholderText(self.tr("如：考核组长（可不填）"))
        self.path = QLineEdit()
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form.addRow(self.continue_box)
        form.addRow(self.tr("上一年度文件"), previous_row)
        form.addRow("", self.previous_note)
        form.addRow("", self.previous_warning)
        self.form = form
        form.addRow(self.tr("考核年度"), self.year)
        form.addRow(self.tr("考核细则"), self.rules)
        form.addRow(self.tr("考核人员姓名"), self.assessor)
        form.addRow(self.tr("角色"), self.role)
        form.addRow(self.tr("保存为"), path_row)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.box = buttons(self)
        layout.addWidget(self.box)
        self.year.valueChanged.connect(self._year_changed)
        self.assessor.textChanged.connect(self._check)
        self.path.textChanged.connect(self._check)
        self.path.editingFinished.connect(self._complete_path)
        self.rules.currentIndexChanged.connect(self._check)
        self.continue_box.toggled.connect(self._continue_toggled)
        self._year_changed()
        self._continue_toggled(False)
        self.resize(640, self.sizeHint().height())

    def _year_changed(self) -> None:
        self.rules.clear()
        for r in self.rule_sets:
            if r.year == self.year.value():
                self.rules.addItem(f"{r.title}（{r.document}）", r.id)
        self.path.setText(str(self.folder / self.tr("{year}年度考核.wjkh").format(year=self.year.value())))
        self._check()

    def _continue_toggled(self, on: bool) -> None:
        for widget in (self.previous_path, self.choose_previous, self.previous_note):
            widget.setEnabled(on)
        self._show_notes()
        if on and self.open_year is not None and not self.previous_path.text():
            self.read_previous(self.open_year)
        self._check()

    def _choose_previous(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择上一年度的数据文件"), str(self.folder),
                                              self.tr("年度数据文件 (*.wjkh *.sqlite)"))
        if path:
            self.read_previous(Path(path))

    def read_previous(self, path: Path) -> None:
        """Read the chosen file in the background; the dialog says what will come across."""
        if self.reader is not None:
            self.reader.stop()
        self.previous, self.previous_problem = None, ""
        self._warn(None)
        self.previous_path.setText(str(path))
        self.continue_box.setChecked(True)
        if self.open_year is not None and path.resolve() == self.open_year.resolve():
            # its connection belongs to the window's thread: the copy is taken here
            try:
                self._previous_read(read_previous(path))
            except DatasetError as exc:
                self._previous_failed(exc)
            self._check()
            return
        self.previous_note.setText(self.tr("正在读取上一年度的数据文件…"))
        self._show_notes()
        self.reader = Worker(lambda _job, chosen: read_previous(chosen), path, parent=self)
        self.reader.done.connect(self._previous_read)
        self.reader.failed.connect(self._previous_failed)
        self.reader.finished.connect(self._check)
        self.reader.start()
        self._check()

    def _previous_read(self, previous: Previous) -> None:
        self.previous = previous
        lines = [self.tr("{year} 年度的 {count} 家运营单位将作为原有成员带入：统一社会信用代码、单位类型、许可证、"
                         "联系人、基地及签约日期；上一年度的人数、赴外招聘、依据查验、得分、签名和名单不带入。").format(
            year=previous.year, count=len(previous.units))]
        lines += [self.tr("不带入：{name}——{reason}").format(name=left.name, reason=render(left.reason))
                  for left in previous.left_out]
        self.previous_note.setText("\n".join(lines))
        self._show_notes()
        self._warn(*previous.warnings())
        self.year.setValue(previous.year + 1)
        # the note's lines shown whole, once the layout has taken the new text in

    def _fit(self) -> None:
        """The notes as tall as their lines at their width (the form gives a wrapped label the height of a
        narrower width, which left gaps under them), and the dialog as tall as its rows."""
        self._fit_notes()
        self.layout().activate()  # the hint from the notes' new heights
        self.resize(self.width(), self.sizeHint().height())

    def _fit_notes(self) -> None:
        for label in (self.previous_note, self.previous_warning):
            height = label.heightForWidth(label.width()) if label.text() else 0
            if height > 0 and label.height() != height:
                label.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # a wider or narrower dialog wraps the notes anew
        super().resizeEvent(event)
        self._fit_notes()

    def _show_notes(self) -> None:
        """The rows of the notes on the last year take room only when they say something (an empty row
        left a gap in the form)."""
        self.form.setRowVisible(self.previous_note, bool(self.previous_note.text()))
        self.form.setRowVisible(self.previous_warning,
                                bool(self.previous_warning.text()) and self.continue_box.isChecked())
        QTimer.singleShot(0, self._fit)

    def _warn(self, *warnings: Msg | None) -> None:
        self.previous_warning.setText("\n".join(render(w) for w in warnings if w is not None))
        self._show_notes()

    def _previous_failed(self, exc: BaseException) -> None:
        self.previous_problem = faults.said(exc.msg) if isinstance(exc, DatasetError) else \
            self.tr("无法读取所选的文件：{file}").format(file=Path(self.previous_path.text()).name)
        self.previous_note.setText("")
        self._show_notes()
        self._warn(None)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存年度数据文件"), self.path.text(),
                                              self.tr("年度数据文件 (*.wjkh)"))
        if path:
            self.path.setText(str(self.target(path)))

    def target(self, text: str | None = None) -> Path:
        """The year file the typed or chosen name makes: with .wjkh added, so 打开… lists it."""
        return with_extension(Path((self.path.text() if text is None else text).strip()), YEAR_FILE_SUFFIX,
                              YEAR_FILE_SUFFIXES)

    def _complete_path(self) -> None:
        """A typed name without the extension is shown with it once typing is done."""
        typed = self.path.text().strip()
        if typed and not Path(typed).is_dir() and str(self.target()) != self.path.text():
            self.path.setText(str(self.target()))

    def _previous_check(self) -> str:
        if not self.continue_box.isChecked():
            return ""
        if self.reader is not None and self.reader.running:
            return self.tr("正在读取上一年度的数据文件…")
        if self.previous_problem:
            return self.previous_problem
        if self.previous is None:
            return self.tr("请选择上一年度的数据文件。")
        if self.year.value() <= self.previous.year:
            return self.tr("新年度应晚于上一年度（{year} 年度）。").format(year=self.previous.year)
        return ""

    def _check(self) -> None:
        problem = self._previous_check()
        if problem:
            pass
        elif self.rules.count() == 0:
            problem = self.tr("没有适用于 {year} 年度的考核细则：请先在“文件 → 考核细则管理…”中导入局里下发的细则文件，"
                              "或以上一年度的细则为底稿制定新年度细则。").format(year=self.year.value())
        elif not self.assessor.text().strip():
            problem = self.tr("请填写考核人员姓名（记入审计记录）。")
        elif not self.path.text().strip():
            problem = self.tr("请选择保存位置。")
        elif Path(self.path.text().strip()).is_dir() or self.target().is_dir():
            problem = self.tr("所填的是文件夹，请在其后写上文件名。")
        elif not self.target().parent.is_dir():
            problem = render(Msg.of("years.folder_missing", folder=str(self.target().parent), file=self.target().name))
        elif self.target().exists():
            problem = self.tr("文件已存在，不会覆盖；请换一个文件名。")
        self.error.setText(problem)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def done(self, result: int) -> None:
        if self.reader is not None:
            self.reader.stop()
        super().done(result)

    def rule_set(self) -> RuleSet:
        return next(r for r in self.rule_sets if r.id == self.rules.currentData())

    def values(self) -> tuple[RuleSet, str, str, Path]:
        return self.rule_set(), self.assessor.text().strip(), self.role.text().strip(), self.target()

    def continued_from(self) -> Previous | None:
        """The last year to continue from, or None for an empty year."""
        return self.previous if self.continue_box.isChecked() else None


class UnitDialog(QDialog):
    """Add or edit a unit: name, credit code (checked as typed, GB 32100-2015), kinds with their
    licence numbers, new-member flag, contact person."""

    def __init__(self, rules: RuleSet, unit=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.rules = rules
        self.setWindowTitle(self.tr("编辑运营单位") if unit else self.tr("添加运营单位"))
        form = QFormLayout()
        self.name = QLineEdit(unit.name if unit else "")
        self.code = QLineEdit(unit.credit_code if unit else "")
        self.code.setMaxLength(18)
        self.code.setPlaceholderText(self.tr("18 位统一社会信用代码"))
        self.code.textEdited.connect(self._upper)
        form.addRow(self.tr("单位名称"), self.name)
        form.addRow(self.tr("统一社会信用代码"), self.code)
        self.kinds: dict[str, QCheckBox] = {}
        self.licences: dict[str, QLineEdit] = {}
        for kind, label in rules.unit_kinds.items():
            box = QCheckBox(label)
            box.setChecked(bool(unit and kind in unit.kinds))
            number = QLineEdit(unit.licence_numbers.get(kind, "") if unit else "")
            number.setPlaceholderText(self.tr("许可证编号"))
            number.setEnabled(box.isChecked())
            box.toggled.connect(number.setEnabled)
            box.toggled.connect(self._check)
            self.kinds[kind] = box
            self.licences[kind] = number
            row = QHBoxLayout()
            row.addWidget(box)
            row.addWidget(number, 1)
            form.addRow(self.tr("单位类型") if len(self.kinds) == 1 else "", row)
        self.new_member = QCheckBox(self.tr("本年度新入盟"))
        self.new_member.setChecked(bool(unit and unit.new_member))
        form.addRow("", self.new_member)
        self.contact = QLineEdit(unit.contact_person if unit else "")
        form.addRow(self.tr("联系人"), self.contact)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.box = buttons(self)
        layout.addWidget(self.box)
        self.name.textChanged.connect(self._check)
        self.code.textChanged.connect(self._check)
        self._check()
        self.resize(620, self.sizeHint().height())

    def _upper(self, text: str) -> None:
        if text != text.upper().strip():
            position = self.code.cursorPosition()
            self.code.setText(text.upper().strip())
            self.code.setCursorPosition(position)

    def _check(self) -> None:
        code = self.code.text().strip()
        problem = ""
        if not self.name.text().strip():
            problem = self.tr("请填写单位名称。")
        elif len(code) != 18:
            problem = self.tr("统一社会信用代码应为 18 位（现为 {n} 位）。").format(n=len(code))
        elif credit_code_problem(code) is not None:
            problem = self.tr("统一社会信用代码{problem}，请核对。").format(problem=render(credit_code_problem(code)))
        elif not any(b.isChecked() for b in self.kinds.values()):
            problem = self.tr("请至少勾选一种单位类型。")
        self.error.setText(problem)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def show_problems(self, texts: list[str]) -> None:
        self.error.setText("\n".join(texts))

    def values(self) -> dict:
        kinds = [k for k, b in self.kinds.items() if b.isChecked()]
        return {"name": self.name.text().strip(), "credit_code": self.code.text().strip(), "kinds": kinds,
                "new_member": self.new_member.isChecked(), "contact_person": self.contact.text().strip(),
                "licence_numbers": {k: self.licences[k].text().strip() for k in kinds if self.licences[k].text().strip()}}


class AssessorDialog(QDialog):
    """Who is assessing: one of the file's assessors, or a new name (added to the file, audited)."""

    def __init__(self, names: list[str], suggestion: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("考核人员"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("请选择或填写本次操作的考核人员（每项修改都以此姓名记入审计记录）：")))
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.addItems(names)
        self.name.setCurrentText(suggestion)
        layout.addWidget(self.name)
        layout.addWidget(QLabel(self.tr("职务（新增人员时填写，如 考核组长、考核组成员）：")))
        self.role_edit = QLineEdit()
        layout.addWidget(self.role_edit)
        box = buttons(self)
        layout.addWidget(box)
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        self.name.currentTextChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        ok.setEnabled(bool(self.name.currentText().strip()))

    def value(self) -> str:
        return self.name.currentText().strip()

    def role(self) -> str:
        return self.role_edit.text().strip()


class PromoteDialog(QDialog):
    """Raise a unit's grade — within its tie at a quota boundary, or into a place a grade left free — with
    the reason (audited, printed on the result); says which units of a higher total the move passes over."""

    def __init__(self, unit_name: str, grades: list[str], parent: QWidget | None = None,
                 passed_over: dict[str, list[str]] | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("上调等级"))
        form = QFormLayout(self)
        form.addRow(self.tr("运营单位"), QLabel(unit_name))
        self.grade = QComboBox()
        for g in grades:
            self.grade.addItem(self.tr("{grade}级").format(grade=g), g)
        form.addRow(self.tr("上调为"), self.grade)
        self.passed_over = QLabel()
        self.passed_over.setWordWrap(True)
        self.passed_over.setStyleSheet("color: #a15c00;")
        form.addRow(self.passed_over)

        def show_passed_over() -> None:
            names = (passed_over or {}).get(self.grade.currentData(), [])
            self.passed_over.setText(self.tr("注意：总分更高的 {units} 的等级低于所选等级，调入后仍在其下。").format(
                units="、".join(names)) if names else "")
            self.passed_over.setVisible(bool(names))
        self.grade.currentIndexChanged.connect(lambda _=0: show_passed_over())
        show_passed_over()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("必填：上调的理由（如考核工作小组会议决定）"))
        form.addRow(self.tr("理由"), self.reason)
        box = buttons(self)
        form.addRow(box)
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.reason.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        self.resize(520, self.sizeHint().height())

    def values(self) -> tuple[str, str]:
        return self.grade.currentData(), self.reason.text().strip()
