"""The 导入 Excel wizard (ImportDialog) with its first step and the check: the preview it shows is
ui/import_preview.py, the import into the year and the lists written out ui/import_outcome.py.

导入 Excel: choose a workbook, its kind and (for a unit's lists) the unit; the check runs in a
worker with progress and 取消; the preview shows the rows read, good and with problems, the columns
recognised, the values converted, and every problem in a sortable table. When there is no problem,
导入 imports every row; when some rows have problems the assessor chooses (ui/excel_fix.py): import
the good rows alone and save the others as a list for the unit to correct, or correct the cells in
the preview and check again. Either import is one edit of the session (undoable); a problem of the
whole file writes nothing, and the problem list can be exported for the unit to correct its file.

A layout the reader cannot recognise opens the column-mapping dialog (ui/excel_mapping.py).

The slow parts run in workers while the window keeps answering: reading and checking on plain Python
values; and, after the assessor clicks 导入, the write into the year (ui/writing.py: one transaction,
with progress and 取消, which leaves nothing written)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.editing.session import Session
from core.excel.kinds import import_spec
from core.excel.mapping import MappingQuestion
from core.excel.partial import Correction
from core.excel.preview import Preview, check_workbook
from core.people.import_notes import YearNotes, year_notes
from core.scoring.facts import Base
from ui import faults
from ui.excel_mapping import MappingDialog, kind_label, remember_mapping, remembered_mappings
from ui.import_outcome import FOLDER_SETTING, ImportOutcome
from ui.import_preview import BAD, NEUTRAL
from ui.screen_fit import resize_within_screen
from ui.worker import Job, Worker, progress_dialog
from ui.writing import kept_from_collector

translate = QCoreApplication.translate


def year_level(kind: str) -> bool:
    """A list of the whole year (the district list, the platform's exports): no unit is asked for."""
    return import_spec().kind(kind).scope == "year"


@dataclass(frozen=True)
class YearInHand:
    """What the notes before importing compare a file with: the year's unit names and, for a unit's
    file, that unit's name and registered bases (plain values: the check runs in a worker)."""
    unit_names: tuple[str, ...]
    bases: tuple[Base, ...] | None
    unit: str | None = None
    roster_names: dict[str, str] | None = None  # for a unit's monthly reports: its rosters' name of each ID number


@dataclass(frozen=True)
class Checked:
    preview: Preview
    year_notes: YearNotes


def check_job(job: Job, path: Path, kind: str, unit_id: int | None, rules, mapping: dict | None,
              remembered: Mapping[str, dict], corrections: tuple[Correction, ...] = (),
              checked_sha256: str | None = None, year: YearInHand | None = None) -> Checked | None:
    """core/excel/preview.check_workbook in the worker, the collector kept off its bulk data; then the notes
    on the rows that would count for nothing in the year as it stands (core/people/import_notes.py)."""
    with kept_from_collector():
        preview = check_workbook(job, path, kind, unit_id, rules, mapping, remembered, corrections, checked_sha256)
        if preview is None:
            return None
        notes = YearNotes()
        if year is not None and preview.checked.records:
            notes = year_notes(kind, preview.checked.records, preview.layouts, preview.checked.source,
                               year.unit_names, year.bases, year.unit, preview.checked.unit_lines, year.roster_names)
        return Checked(preview, notes)


# ------------------------------------------------------------------ the wizard

class ImportDialog(ImportOutcome, QDialog):
    """Step 1: the file, its kind, the unit. Step 2: the preview (ImportPreview), and 导入 when there is no
    problem (ImportOutcome)."""

    def __init__(self, session: Session, unit_id: int | None, kind: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.settings = QSettings()
        self.worker: Worker | None = None  # the check
        self.export_worker: Worker | None = None  # the problem list being written
        self.progress = None
        self.preview: Preview | None = None
        self.year_notes = YearNotes()  # the preview's rows that would count for nothing
        self.mapping: dict[str, Any] | None = None  # chosen in the mapping dialog for this file
        self.asked_key: str | None = None  # the layout the mapping was chosen for (remembered when it works)
        self.imported_id: int | None = None
        self.setWindowTitle(self.tr("导入 Excel"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self._choose_page(unit_id, kind))
        self.stack.addWidget(self._preview_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        resize_within_screen(self, 1300, 690)

    # ---------------------------------------------------------------- step 1

    def _choose_page(self, unit_id: int | None, kind: str | None) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("运营单位报送的 Excel 文件（.xlsx、.xls 或 .ods）"))
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Excel 文件"), row)
        self.kind = QComboBox()
        for kind_id in import_spec().kinds:
            self.kind.addItem(kind_label(kind_id), kind_id)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind or "arrivals")))
        form.addRow(self.tr("文件类型"), self.kind)
        self.unit = QComboBox()
        for uid in self.session.unit_ids:
            self.unit.addItem(self.session.unit(uid).name, uid)
        if unit_id in self.session.unit_ids:
            self.unit.setCurrentIndex(self.unit.findData(unit_id))
        self.unit_label = QLabel(self.tr("运营单位"))
        form.addRow(self.unit_label, self.unit)
        self.scope_hint = QLabel()
        self.scope_hint.setWordWrap(True)
        self.scope_hint.setStyleSheet(f"color: {NEUTRAL};")
        form.addRow("", self.scope_hint)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.kind.currentIndexChanged.connect(self._forget_mapping)
        self.path.textChanged.connect(self._forget_mapping)
        self.choose_status = QLabel()
        self.choose_status.setWordWrap(True)
        self.check_button = QPushButton(self.tr("检查文件"))
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(lambda: self.check())
        cancel = QPushButton(self.tr("关闭"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(cancel)
        intro = QLabel(self.tr("先检查，后导入：检查不会写入任何数据。检查发现有问题的行时，可只导入无误的行（有问题的行另存为问题清单"
                               "交运营单位更正），或在预览中更正后重新检查。"))
        intro.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.choose_status)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._kind_changed()
        return page

    def chosen_kind(self) -> str:
        return self.kind.currentData()

    def chosen_unit(self) -> int | None:
        return None if year_level(self.chosen_kind()) else self.unit.currentData()

    def _kind_changed(self) -> None:
        whole_year = year_level(self.chosen_kind())
        self.unit.setVisible(not whole_year)
        self.unit_label.setVisible(not whole_year)
        self.scope_hint.setText(self.tr("全年度的名单，不属于某个运营单位；再次导入会替换上次导入的名单。") if whole_year else
                                self.tr("导入到所选运营单位；再次导入同一单位的花名册会替换上次导入的（另一家用人单位盖章的花名册可选择一并保留）。")
                                if import_spec().kind(self.chosen_kind()).scope == "unit" else
                                self.tr("每月送工信息可分多个文件导入；再次导入同名（或内容相同）的文件会替换它。"))

    def _forget_mapping(self) -> None:
        """A mapping chosen belongs to one file of one kind."""
        self.mapping, self.asked_key = None, None

    def browse(self) -> None:
        folder = str(self.settings.value(FOLDER_SETTING, "") or Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择 Excel 文件"), folder,
                                              self.tr("Excel 工作簿 (*.xlsx *.xlsm *.xls *.ods);;所有文件 (*)"))
        if path:
            self.path.setText(path)
            self.settings.setValue(FOLDER_SETTING, str(Path(path).parent))

    def set_file(self, path: Path, kind: str | None = None, unit_id: int | None = None) -> None:
        self.path.setText(str(path))
        if kind is not None:
            self.kind.setCurrentIndex(self.kind.findData(kind))
        if unit_id is not None:
            self.unit.setCurrentIndex(self.unit.findData(unit_id))

    # ---------------------------------------------------------------- the check

    def check(self, mapping: dict | None = None) -> Worker | None:
        """Start the check in a worker; returns it (None when nothing to check or one is running)."""
        if self.worker is not None and self.worker.running:
            return None
        text = self.path.text().strip()
        if not text:
            self._choose_status(self.tr("请选择要导入的 Excel 文件。"), BAD)
            return None
        if not year_level(self.chosen_kind()) and self.chosen_unit() is None:
            self._choose_status(self.tr("请先添加运营单位。"), BAD)
            return None
        path = Path(text)
        if mapping is not None:
            self.mapping = mapping
        kind = self.chosen_kind()
        self.preview = None
        self.worker = Worker(check_job, path, kind, self.chosen_unit(), self.session.rules, self.mapping,
                             remembered_mappings(self.settings, kind), year=self.year_in_hand(self.chosen_unit(), kind),
                             parent=self)
        self.worker.done.connect(self._checked)
        self.worker.cancelled.connect(self._check_cancelled)
        self.worker.failed.connect(self._check_failed)
        self.progress = progress_dialog(self, self.tr("正在检查 {file}…").format(file=path.name), self.worker)
        self.check_button.setEnabled(False)
        self._choose_status(self.tr("正在检查…"), NEUTRAL)
        self.worker.start()
        return self.worker

    def year_in_hand(self, unit_id: int | None, kind: str) -> YearInHand:
        session = self.session
        unit = None if unit_id is None else session.unit(unit_id)
        # read here: the dataset's connection is this thread's
        roster_names = session.match().roster_names(unit.name) if unit is not None and kind == "monthly_reports" \
            else None
        return YearInHand(tuple(session.unit(uid).name for uid in session.unit_ids),
                          None if unit is None else unit.bases, None if unit is None else unit.name, roster_names)

    def _choose_status(self, text: str, colour: str) -> None:
        self.choose_status.setText(text)
        self.choose_status.setStyleSheet(f"color: {colour};")

    def _end_progress(self) -> None:
        """Hide the progress dialog now (it would close only after this handler, and its delayed
        showing could still put it over a dialog the handler opens)."""
        if self.progress is not None:
            self.progress.cancel()  # hides it and stops its timer; emits nothing
            self.progress = None

    def _check_cancelled(self, _result) -> None:
        self._end_progress()
        self.check_button.setEnabled(True)
        self.stack.setCurrentIndex(0)
        self._choose_status(self.tr("已取消检查，未写入任何数据。"), NEUTRAL)

    def _check_failed(self, exc: BaseException) -> None:
        self._end_progress()
        self.check_button.setEnabled(True)
        self.stack.setCurrentIndex(0)
        self._choose_status(self.tr("检查时出错，未写入任何数据：{detail}").format(detail=faults.describe(exc)),
                            BAD)

    def _checked(self, checked: Checked) -> None:
        preview = checked.preview
        self._end_progress()
        self.check_button.setEnabled(True)
        self._choose_status("", NEUTRAL)
        if preview.question is not None and self.mapping is None:
            # the layout was not recognised: ask which column is which, then check again (a mapping
            # that still does not fit shows the preview, whose button asks again)
            if self.ask_mapping(preview.question):
                return
        if self.asked_key is not None and self.mapping and preview.layouts:
            remember_mapping(self.settings, self.asked_key, self.mapping)
            self.asked_key = None
        self.show_preview(preview, checked.year_notes)

    def ask_mapping(self, question: MappingQuestion, preset: Mapping[str, Any] | None = None) -> bool:
        """Open the mapping dialog; True when a new check with the mapping chosen has started."""
        dialog = MappingDialog(question, preset, self)
        self.mapping_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.asked_key = question.key
        return self.check(dialog.mapping()) is not None

    def change_mapping(self) -> None:
        """修改列对应: for a recognised layout too (recognition may have picked the wrong column)."""
        p = self.preview
        if p is None:
            return
        question = p.question or p.remap
        if question is not None:
            self.ask_mapping(question, self.mapping)

    def recheck(self) -> Worker | None:
        """重新检查: the same file (its bytes as checked), the same columns, with the corrections typed."""
        p = self.preview
        if p is None or (self.worker is not None and self.worker.running):
            return None
        corrections = tuple(self.problems_model.corrections.values())
        self.worker = Worker(check_job, p.path, p.kind, p.unit_id, self.session.rules, p.mapping, {}, corrections,
                             p.sha256, year=self.year_in_hand(p.unit_id, p.kind), parent=self)
        self.worker.done.connect(self._checked)
        self.worker.cancelled.connect(lambda _: self._status(self.tr("已取消重新检查，未写入任何数据。"), NEUTRAL))
        self.worker.failed.connect(lambda exc: self._status(self.tr("检查时出错，未写入任何数据：{detail}").format(
            detail=faults.describe(exc)), BAD))
        self.progress = progress_dialog(self, self.tr("正在重新检查 {file}…").format(file=p.path.name), self.worker)
        self.choice.recheck_button.setEnabled(False)
        self.worker.start()
        return self.worker

    def corrections_not_imported(self) -> int:
        """How many cells were corrected in the preview and not imported: closing would lose them."""
        if self.preview is None or self.imported_id is not None:
            return 0
        return len(self.problems_model.corrections)

    def _discard_corrections(self, count: int) -> bool:
        """Asked before closing loses typed corrections; keeping on correcting is the default answer."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("放弃更正"),
                          self.tr("预览中有 {count} 处更正尚未导入，关闭即丢失。\n确定放弃更正并关闭吗？")
                          .format(count=count),
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        discard = box.button(QMessageBox.StandardButton.Discard)
        keep = box.button(QMessageBox.StandardButton.Cancel)
        discard.setText(self.tr("放弃更正"))
        keep.setText(self.tr("继续更正"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(keep)
        self.discard_box = box
        return box.exec() == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        """关闭, Escape and the window's close button: corrections typed and not imported are not thrown
        away without asking."""
        count = self.corrections_not_imported()
        if count and not self._discard_corrections(count):
            return
        for worker in (self.worker, self.export_worker):
            if worker is not None and worker.running:
                worker.stop()
        super().reject()
