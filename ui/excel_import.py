"""导入 Excel: choose a workbook, its kind and (for a unit's lists) the unit; the check runs in a
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

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.common.file_names import with_extension
from core.common.identifiers import mask_id_like
from core.common.messages import Msg, render
from core.common.problems import Problem, place_words
from core.editing.session import Session
from core.excel.mapping import MappingQuestion
from core.excel.partial import Correction, LeftOutRow, LeftOutSheet, applied, renamed_base, write_left_out
from core.excel.preview import Preview, check_workbook
from core.excel.problems import ProblemRow, write_problem_list
from core.excel.read import import_spec
from core.people.import_notes import YearNotes, year_notes
from core.scoring.facts import Base
from ui import faults
from ui.excel_fix import ProblemsModel, ProblemsView, RowsChoice, cell_key
from ui.excel_mapping import MappingDialog, field_label, kind_label, remember_mapping, remembered_mappings
from ui.models import local_time, problems_text
from ui.screen_fit import resize_within_screen
from ui.worker import Job, Worker, progress_dialog
from ui.wrapped_rows import wrap_rows
from ui.writing import kept_from_collector, write_now

FOLDER_SETTING = "excel/folder"
GOOD, BAD, NEUTRAL, HEED = "#1b7f3b", "#b00020", "#555", "#a35200"

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


def export_problems_job(job: Job, rows: list[ProblemRow], path: Path, headers: list[str], title: str,
                        full_ids: bool) -> Path | None:
    job.progress(0, 1, path.name)
    return write_problem_list(rows, path, headers, title=title, show_full_id_numbers=full_ids,
                              cancelled=lambda: job.cancelled)


def export_left_out_job(job: Job, sheets: tuple[LeftOutSheet, ...], rows: tuple[LeftOutRow, ...], path: Path,
                        title: str, full_ids: bool) -> Path | None:
    job.progress(0, 1, path.name)
    return write_left_out(sheets, rows, path, title=title, show_full_id_numbers=full_ids,
                          cancelled=lambda: job.cancelled)


# ------------------------------------------------------------------ the wizard

class ImportDialog(QDialog):
    """Step 1: the file, its kind, the unit. Step 2: the preview, and 导入 when there is no problem."""

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
        resize_within_screen(self, 1120, 690)

    # ---------------------------------------------------------------- step 1

    def _choose_page(self, unit_id: int | None, kind: str | None) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("运营单位报送的 .xlsx 文件"))
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

    # ---------------------------------------------------------------- step 2: the preview

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        columns_box = QGroupBox(self.tr("识别的列"))
        self.columns_table = QTableWidget(0, 4)
        self.columns_table.setHorizontalHeaderLabels([self.tr("工作表"), self.tr("项目"), self.tr("列"), self.tr("表头")])
        self.columns_table.verticalHeader().setVisible(False)
        self.columns_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.columns_table.horizontalHeader().setStretchLastSection(True)
        self.columns_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.mapping_note = QLabel()
        self.mapping_note.setWordWrap(True)
        self.mapping_note.setStyleSheet(f"color: {NEUTRAL};")
        self.mapping_button = QPushButton(self.tr("修改列对应…"))
        self.mapping_button.clicked.connect(self.change_mapping)
        box = QVBoxLayout(columns_box)
        box.addWidget(self.columns_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.mapping_note, 1)
        row.addWidget(self.mapping_button)
        box.addLayout(row)
        # shown only when there is something to say: the problems below need the room more
        self.notes_box = QGroupBox(self.tr("已自动转换或提示（不影响导入）"))
        self.notes = QListWidget()
        self.notes.setWordWrap(True)
        self.notes.setAlternatingRowColors(True)  # one note from the next, each wrapped on several lines
        self.notes.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        notes_layout = QVBoxLayout(self.notes_box)
        notes_layout.addWidget(self.notes)
        # a correction chosen by mistake (a base name corrected to the wrong base) is taken back alone
        self.withdraw_button = QPushButton(self.tr("撤回所选更正"))
        self.withdraw_button.setToolTip(self.tr("在上面选中一条或几条“已由……更正为……”，撤回后按原文件内容重新检查"))
        self.withdraw_button.clicked.connect(lambda: self.withdraw_corrections())
        self.notes.itemSelectionChanged.connect(self._withdrawable)
        notes_layout.addWidget(self.withdraw_button, 0, Qt.AlignmentFlag.AlignRight)
        # the recognised columns in four lines under their header (more scroll): the problems need the height
        self.columns_table.setMaximumHeight((self.fontMetrics().height() + 8) * 5 + 4)
        top = QHBoxLayout()
        top.addWidget(columns_box, 5)
        top.addWidget(self.notes_box, 4)
        # rows that import without a problem but would count for nothing: read before importing
        self.heed_box = QGroupBox(self.tr("导入前请核对（这些行可以导入，但导入后不计分）"))
        self.heed_box.setStyleSheet(f"QGroupBox {{ color: {HEED}; font-weight: bold; }}")
        self.heed = QListWidget()
        self.heed.setWordWrap(True)
        self.heed.setStyleSheet("font-weight: normal;")
        self.heed.setMaximumHeight((self.fontMetrics().height() + 8) * 5 + 4)
        heed_layout = QVBoxLayout(self.heed_box)
        heed_layout.addWidget(self.heed)
        # a base written otherwise than the unit registered it: corrected here for all its rows at once
        self.rename_row = QWidget()
        self.rename_row.setStyleSheet("font-weight: normal;")
        rename = QHBoxLayout(self.rename_row)
        rename.setContentsMargins(0, 0, 0, 0)
        self.rename_written = QComboBox()
        self.rename_written.currentIndexChanged.connect(lambda _: self._fill_registered())
        self.rename_to = QComboBox()
        self.rename_to.setPlaceholderText(self.tr("请选择该单位登记的基地"))
        self.rename_to.currentIndexChanged.connect(lambda _: self._rename_chosen())
        self.rename_button = QPushButton(self.tr("更正并重新检查"))
        self.rename_button.clicked.connect(lambda: self.rename_base())
        rename.addWidget(QLabel(self.tr("更正基地名称：")))
        rename.addWidget(self.rename_written, 1)
        rename.addWidget(QLabel(self.tr("改为")))
        rename.addWidget(self.rename_to, 1)
        rename.addWidget(self.rename_button)
        heed_layout.addWidget(self.rename_row)
        problems_box = QGroupBox(self.tr("问题（点击表头排序）"))
        self.problems_model = ProblemsModel(self)
        self.problems_view = ProblemsView()
        self.problems_view.setModel(self.problems_model)  # file order until a header is clicked
        self.problems_view.setSortingEnabled(True)
        self.problems_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.problems_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.problems_view.setWordWrap(False)
        self.problems_view.setAlternatingRowColors(True)
        self.problems_view.verticalHeader().setVisible(False)
        self.problems_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.problems_view.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((110, 60, 170, 190)):
            header.resizeSection(column, width)
        QVBoxLayout(problems_box).addWidget(self.problems_view)
        self.problems_model.corrected.connect(self._corrections_changed)
        self.choice = RowsChoice()
        self.choice.partial_button.clicked.connect(lambda: self.import_good_rows())
        self.choice.correct_button.clicked.connect(self.correct_first)
        self.choice.recheck_button.clicked.connect(lambda: self.recheck())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.full_ids = QCheckBox(self.tr("问题清单显示完整身份证号"))
        self.full_ids.setToolTip(self.tr("身份证号码属于个人敏感信息。默认在上表和导出的问题清单中只显示前6位和后4位，"
                                         "已足以凭行号找到有问题的单元格（在“单元格内容”列更正时按文件原样显示完整内容）；"
                                         "仅当运营单位必须核对完整号码时才勾选。"))
        self.full_ids.toggled.connect(self._full_ids_toggled)
        self.export_button = QPushButton(self.tr("导出问题清单…"))
        self.export_button.clicked.connect(lambda: self.export_problems())
        self.back_button = QPushButton(self.tr("◀ 换一个文件"))
        self.back_button.clicked.connect(self.back)
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.clicked.connect(lambda: self.import_())
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.full_ids)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addLayout(top, 1)
        layout.addWidget(self.heed_box)
        layout.addWidget(problems_box, 4)
        layout.addWidget(self.choice)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        return page

    def back(self) -> None:
        self.stack.setCurrentIndex(0)

    def _add_correction_notes(self, p: Preview, full: bool) -> None:
        """The cells corrected before this check, under the notes: ID numbers masked as in the problems table
        unless 问题清单显示完整身份证号 is ticked."""
        shown = (lambda text: text) if full else mask_id_like
        for c in p.corrections:
            self.notes.addItem(self.tr("{cell}：已由“{old}”更正为“{new}”（导入时记入审计）").format(
                cell=c.cell, old=shown(c.old) or self.tr("（空）"), new=shown(c.new) or self.tr("（空）")))
            added = self.notes.item(self.notes.count() - 1)
            added.setData(Qt.ItemDataRole.UserRole, cell_key(c.sheet, c.row, c.letter))
        self._withdrawable()

    def _withdrawable(self) -> None:
        p = self.preview
        has = p is not None and bool(p.corrections) and self.imported_id is None
        self.withdraw_button.setVisible(has)
        self.withdraw_button.setEnabled(has and any(item.data(Qt.ItemDataRole.UserRole) is not None
                                                    for item in self.notes.selectedItems()))

    def withdraw_corrections(self) -> Worker | None:
        """The corrections selected among the notes are taken back (the cells read as the file has them), the
        others kept; then checked again."""
        keys = [item.data(Qt.ItemDataRole.UserRole) for item in self.notes.selectedItems()]
        keys = [tuple(k) for k in keys if k is not None]
        if not keys or (self.worker is not None and self.worker.running):  # a check under way: nothing taken back
            return None
        for key in keys:
            self.problems_model.corrections.pop(key, None)
        return self.recheck()

    def _full_ids_toggled(self, full: bool) -> None:
        self.problems_model.set_full_ids(full)
        p = self.preview
        if p is not None and p.corrections:
            for _ in p.corrections:  # the corrections' lines are the last ones
                self.notes.takeItem(self.notes.count() - 1)
            self._add_correction_notes(p, full)
        header = self.problems_view.horizontalHeader()
        if header.sortIndicatorSection() == 4:  # sorted by the problem's words: by the words now shown
            self.problems_model.sort(4, header.sortIndicatorOrder())

    def _note_text(self, note: Problem) -> str:
        where = place_words(note.location, note.field) or note.location
        return f"{where}：{render(note.message)}" if where else render(note.message)

    def show_preview(self, p: Preview, year_notes: YearNotes | None = None) -> None:
        self.preview = p
        self.year_notes = year_notes or YearNotes()
        self.imported_id = None
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.EditKeyPressed)
        checked = p.checked
        unit = "" if p.unit_id is None else self.tr("　运营单位：{unit}").format(unit=self.session.unit(p.unit_id).name)
        lines = [self.tr("文件：{file}　类型：{kind}{unit}").format(file=p.path.name, kind=kind_label(p.kind), unit=unit)]
        if p.layouts:
            lines.append(self.tr("读取 {rows} 行：无问题 {good} 行，有问题 {bad} 行（检查用时 {seconds:.2f} 秒）").format(
                rows=checked.rows_checked, good=len(checked.records), bad=checked.rows_with_problems,
                seconds=p.seconds))
        self.summary.setText("\n".join(lines))
        self._fill_columns(p)
        self.notes.clear()
        for note in checked.notes:
            self.notes.addItem(self._note_text(note))
        self.heed.clear()
        for note in self.year_notes.all:
            self.heed.addItem(self._note_text(note))
        self.heed_box.setTitle(self.tr("导入前请核对") if self.year_notes.other_unit or self.year_notes.other_names
                               else self.tr("导入前请核对（这些行可以导入，但导入后不计分）"))
        self.heed_box.setVisible(bool(self.year_notes.all))
        self._fill_renamable(p)
        self._add_correction_notes(p, full=False)
        self.notes_box.setVisible(bool(checked.notes or p.corrections))
        # a sheet hidden in Excel is not read: said on the status line too, not only among the notes
        hidden = checked.hidden_sheets
        self.notes_box.setTitle(render(Msg.of("import_wizard.notes_hidden")) if hidden else
                                # the assessor's own corrections are no automatic conversion: said as such
                                self.tr("提示和您的更正（选中更正可撤回）") if p.corrections else
                                self.tr("已自动转换或提示（不影响导入）"))
        unread = "" if not hidden or not p.layouts else "\n" + render(
            Msg.of("import_wizard.sheets_hidden", count=len(hidden), sheets=tuple(f"“{h}”" for h in hidden)))
        self.problems_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.full_ids.setChecked(False)  # every preview starts masked
        self.problems_model.set_rows(p.problems, p.corrections)
        wrap_rows(self.problems_view, len(p.problems))  # each problem's sentence read whole at 1366×768
        self.export_button.setEnabled(bool(p.problems))
        self.full_ids.setEnabled(bool(p.problems))
        self.mapping_button.setEnabled(p.question is not None or p.remap is not None)
        self.mapping_button.setText(self.tr("指定列对应…") if p.question is not None else self.tr("修改列对应…"))
        if p.question is not None:
            self._status(self.tr("无法识别表头，未写入任何数据。请点“指定列对应…”为各项选择文件中的列。"), BAD)
        elif p.problems and not p.layouts and not p.corrections_lost:  # the file: wrong type, encrypted, damaged, empty
            self._status(self.tr("无法读取，未写入任何数据：{problem}").format(problem=p.problems[0].text), BAD)
        elif p.corrections_lost:  # changed since the check the corrections were typed for
            self._status(self.tr("未写入任何数据：{problem}（点“◀ 换一个文件”再“检查文件”；此前在预览中所作的更正未保留）。")
                         .format(problem=p.problems[0].text), BAD)
        elif p.partly_importable:
            self._status(self.tr("发现 {count} 处问题（{rows} 行），尚未写入任何数据。可只导入无误的 {good} 行，有问题的行"
                                 "另存为问题清单交运营单位更正；或在上表中更正后重新检查，全部无误后导入。").format(
                count=len(p.problems), rows=p.rows_left_out, good=len(checked.records)) + unread, BAD)
        elif p.problems:
            self._status(self.tr("发现 {count} 处问题（{rows} 行），未写入任何数据。请导出问题清单交运营单位更正后重新报送，"
                                 "再导入更正后的文件。").format(count=len(p.problems), rows=checked.rows_with_problems)
                         + unread, BAD)
        elif not p.importable:
            self._status(self.tr("文件中没有可导入的行，未写入任何数据。") + unread, BAD)
        else:
            text = self.tr("检查通过：{rows} 行均无问题，可以导入。").format(rows=len(checked.records)) if not hidden \
                else render(Msg.of("import_wizard.read_rows_pass", rows=len(checked.records)))
            heed = self.year_notes.summary
            if heed is not None:
                text = self.tr("检查未发现错误，{rows} 行均可导入；{heed}。").format(rows=len(checked.records),
                                                                          heed=render(heed))
            other = self.year_notes.other_unit
            if other:
                chosen = other[0].message.param("chosen")
                text = self.tr("检查未发现错误，但表中写明的运营单位不是所选的“{unit}”（见上方“导入前请核对”）；"
                               "点“导入”时会请您确认。").format(unit=chosen)
                text += "" if heed is None else "\n" + render(heed) + "。"
                heed = heed or other[0].message
            replaced = self.session.replaced_sources(p.kind, p.unit_id, checked.source, p.sha256)
            if replaced:
                text += "\n" + self.tr("再次导入：将替换已导入的 {rows} 行（{sources}）。").format(
                    rows=sum(s.rows for s in replaced), sources="；".join(
                        self.tr("{file}，{time} 导入").format(file=s.file_name, time=local_time(s.imported_at))
                        for s in replaced))
            self._status(text + unread, GOOD if heed is None and not hidden else HEED)
        self.import_button.setEnabled(p.importable)
        self.import_button.setText(self.tr("导入"))
        self.close_button.setText(self.tr("关闭"))
        self._show_choice()
        self.stack.setCurrentIndex(1)

    # ---------------------------------------------------------------- base names: 更正基地名称

    def _fill_renamable(self, p: Preview) -> None:
        """The base names (or none) on rows that would count under no base, each with the unit's registered
        bases of its type to choose from; rows in a sheet with a base column only (else nothing to correct)."""
        self.rename_written.blockSignals(True)
        self.rename_written.clear()
        # the notes count the rows: a pass over a large file's records here would stop the window
        correctable = any(layout.column("base") is not None for layout in p.layouts)
        for note, written, base_type in self.year_notes.renamable:
            rows = note.message.param("count")
            if correctable and rows and self._registered(base_type):
                label = self.tr("“{base}”（{rows} 行）").format(base=written, rows=rows) if written else \
                    self.tr("未填写基地（{rows} 行）").format(rows=rows)
                self.rename_written.addItem(label, (written, base_type))
        self.rename_written.blockSignals(False)
        self.rename_row.setVisible(self.rename_written.count() > 0)
        self._fill_registered()

    def _registered(self, base_type: str) -> list[str]:
        p = self.preview
        if p is None or p.unit_id is None:
            return []
        return [b.name for b in self.session.unit(p.unit_id).bases if b.type == base_type and b.name]

    def _fill_registered(self) -> None:
        """The unit's registered bases of the type chosen; the one whose name holds what the rows wrote is
        chosen first when there is exactly one, else none (the assessor picks: a wrong base is worse than none)."""
        self.rename_to.clear()
        chosen = self.rename_written.currentData()
        names = self._registered(chosen[1]) if chosen is not None else []
        self.rename_to.addItems(names)
        written = chosen[0] if chosen is not None else ""
        holding = [i for i, name in enumerate(names) if written and written in name]
        self.rename_to.setCurrentIndex(holding[0] if len(holding) == 1 else -1)
        self._rename_chosen()

    def _rename_chosen(self) -> None:
        self.rename_button.setEnabled(self.rename_to.currentIndex() >= 0)

    def rename_base(self) -> Worker | None:
        """The rows naming the chosen base name (or none) get the registered base chosen, as corrections of
        their cells (shown among the notes, recorded in the audit trail at import); then checked again."""
        p, chosen, name = self.preview, self.rename_written.currentData(), self.rename_to.currentText()
        if p is None or chosen is None or not name:
            return None
        for fix in renamed_base(p.checked.records, p.layouts, chosen[0], chosen[1], name):
            self.problems_model.corrections[cell_key(fix.sheet, fix.row, fix.letter)] = fix
        return self.recheck()

    # ---------------------------------------------------------------- rows with problems: the choice

    def corrections_pending(self) -> bool:
        """The corrections in the table differ from those the preview was checked with."""
        p = self.preview
        return p is not None and set(self.problems_model.corrections.values()) != set(p.corrections)

    def _show_choice(self) -> None:
        p = self.preview
        rows_with_problems = p is not None and bool(p.problems) and bool(p.layouts) and self.imported_id is None
        self.choice.setVisible(rows_with_problems)
        if not rows_with_problems:
            return
        self.choice.show_choice(len(p.checked.records), p.rows_left_out, p.partly_importable,
                                self.corrections_pending(),
                                self.problems_model.first_correctable().isValid())

    def _corrections_changed(self) -> None:
        p = self.preview
        pending = self.corrections_pending()
        self.import_button.setEnabled(p is not None and p.importable and not pending and self.imported_id is None)
        if pending:
            self._status(self.tr("更正尚未检查，未写入任何数据。请点“重新检查”按更正后的内容检查。"), NEUTRAL)
        self._show_choice()

    def correct_first(self) -> None:
        """全部更正后再导入: nothing is imported now; the first cell with a problem is opened for typing."""
        index = self.problems_model.first_correctable()
        self._status(self.tr("未写入任何数据。请在上表“单元格内容”列中逐个更正（双击或按 F2，回车确认），改完点“重新检查”，"
                             "全部无误后点“导入”；也可点“导出问题清单…”交运营单位更正后重新报送整个文件。"), NEUTRAL)
        if index.isValid():
            self.problems_view.setFocus()
            self.problems_view.setCurrentIndex(index)
            self.problems_view.scrollTo(index)
            self.problems_view.edit(index)

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

    def _fill_columns(self, p: Preview) -> None:
        rows = [(t.sheet, field_label(c.field), c.letter, c.header) for t in p.layouts for c in t.columns]
        self.columns_table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.columns_table.setItem(r, c, QTableWidgetItem(value))
        self.columns_table.resizeColumnsToContents()
        header = self.columns_table.horizontalHeader()  # the last column fills the width again when checked again
        header.setStretchLastSection(False)
        header.setStretchLastSection(True)
        if p.question is not None:
            note = self.tr("无法识别表头，请指定各列的对应关系。")
        elif p.remembered:
            note = self.tr("已自动使用上次为相同表头保存的列对应。")
        elif p.mapping:
            note = self.tr("按指定的列对应读取。")
        else:
            note = self.tr("按表头自动识别。")
        self.mapping_note.setText(note)

    def _status(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour}; font-weight: bold;")

    # ---------------------------------------------------------------- export the problems, import

    def export_problems(self, path: Path | None = None) -> Worker | None:
        """Write the problem list (in a worker: tens of thousands of rows take seconds); returns it."""
        p = self.preview
        if p is None or not p.problems or (self.export_worker is not None and self.export_worker.running):
            return None
        if path is None:
            folder = Path(str(self.settings.value(FOLDER_SETTING, "") or p.path.parent))
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("导出问题清单"), str(folder / self.tr("{name}-问题清单.xlsx").format(name=p.path.stem)),
                self.tr("Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)"))
            if not chosen:
                return None
            path = with_extension(Path(chosen), ".xlsx", (".csv",))
        headers = [self.problems_model.headers[i] for i in range(5)]
        title = self.tr("{file}（{kind}）检查发现的问题，共 {count} 处").format(file=p.path.name, kind=kind_label(p.kind),
                                                                    count=len(p.problems))
        self.export_worker = Worker(export_problems_job, list(p.problems), path, headers, title,
                                    self.full_ids.isChecked(), parent=self)
        self.export_worker.done.connect(lambda written: self._status(
            self.tr("问题清单已导出到 {path}（未写入任何数据）。").format(path=written), BAD))
        self.export_worker.cancelled.connect(lambda _: self._status(self.tr("已取消导出问题清单。"), BAD))
        self.export_worker.failed.connect(lambda exc: self._status(self.tr("无法写入 {file}：{detail}").format(
            file=path.name, detail=faults.describe(exc)), BAD))
        progress_dialog(self, self.tr("正在导出问题清单…"), self.export_worker)
        self.export_worker.start()
        return self.export_worker

    def import_(self, confirm: bool = True) -> bool:
        """Write every checked record into the dataset (one edit of the session, undoable)."""
        p = self.preview
        if p is None or not p.importable or self.corrections_pending():
            return False
        return self._import(p, confirm, skip_bad_rows=False)

    def import_good_rows(self, path: Path | None = None, confirm: bool = True) -> bool:
        """只导入无误的 N 行: the rows without problems in one edit (undoable), the rows left out and why
        recorded in the audit trail; then the rows left out are saved for the unit (path asked for
        first: cancelling that imports nothing)."""
        p = self.preview
        if p is None or not p.partly_importable or self.corrections_pending():
            return False
        if path is None:
            folder = Path(str(self.settings.value(FOLDER_SETTING, "") or p.path.parent))
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("另存未导入的行（交运营单位更正）"),
                str(folder / self.tr("{name}-未导入的行.xlsx").format(name=p.path.stem)), self.tr("Excel 工作簿 (*.xlsx)"))
            if not chosen:
                return False
            path = with_extension(Path(chosen), ".xlsx")
        if not self._import(p, confirm, skip_bad_rows=True):
            return False
        title = self.tr("{file}（{kind}）未导入的 {rows} 行").format(file=p.path.name, kind=kind_label(p.kind),
                                                              rows=p.rows_left_out)
        done = self.status.text()
        self.export_worker = Worker(export_left_out_job, p.left_out_sheets, p.left_out, path, title,
                                    self.full_ids.isChecked(), parent=self)
        self.export_worker.done.connect(lambda written: self._status(done + "\n" + self.tr(
            "未导入的 {rows} 行已另存到 {path}，可交运营单位更正。").format(rows=p.rows_left_out, path=written), GOOD))
        self.export_worker.cancelled.connect(lambda _: self._status(done + "\n" + self.tr(
            "已取消另存未导入的行；可点“导出问题清单…”另存问题清单。"), BAD))
        self.export_worker.failed.connect(lambda exc: self._status(done + "\n" + self.tr(
            "无法写入 {file}：{detail}；可点“导出问题清单…”另存问题清单。").format(
                file=path.name, detail=faults.describe(exc)), BAD))
        progress_dialog(self, self.tr("正在另存未导入的行…"), self.export_worker)
        self.export_worker.start()
        return True

    def _import(self, p: Preview, confirm: bool, skip_bad_rows: bool) -> bool:
        if self.imported_id is not None:
            return False
        if p.unit_id is not None and self.session.outside_copy(p.unit_id):  # asked as a change on its page is
            from ui.field_copy_banner import ask_change_outside  # only a field copy needs it
            if not ask_change_outside(self, self.session, p.unit_id):
                self._status(self.tr("未导入：该单位不在交给您的外业副本中。"), NEUTRAL)
                return False
        assert p.sha256 is not None  # an importable preview's file was read
        if self.year_notes.other_unit and confirm and not self._confirm_other_unit(p):
            self._status(self.tr("未导入：可点“◀ 换一个文件”改选文件或运营单位后重新检查。"), NEUTRAL)
            return False
        replaced = self.session.replaced_sources(p.kind, p.unit_id, p.checked.source, p.sha256)
        alongside = False
        if replaced and confirm:
            # a unit's roster: another employer's may be kept beside those imported (not the same file again)
            beside = (self.session.replaced_sources(p.kind, p.unit_id, p.checked.source, p.sha256, alongside=True)
                      if import_spec().kind(p.kind).scope == "unit" else replaced)
            choice = self._confirm_replace(replaced, offer_beside=len(beside) < len(replaced))
            if choice is None:
                return False
            if choice == "beside":
                alongside, replaced = True, beside
        good, left_out = len(p.checked.records), p.rows_left_out if skip_bad_rows else 0
        label = (self.tr("导入{kind}中无误的 {rows} 行（{file}，{bad} 行有问题未导入）").format(
            kind=kind_label(p.kind), rows=good, file=p.path.name, bad=left_out) if left_out else
            self.tr("导入{kind}（{file}）").format(kind=kind_label(p.kind), file=p.path.name))
        self._status(self.tr("正在写入 {rows} 行…").format(rows=good), NEUTRAL)
        self.import_button.setEnabled(False)
        self.choice.partial_button.setEnabled(False)
        write = self.session.import_people_write(label, p.checked, p.sha256, p.unit_id, p.mapping,
                                                 skip_bad_rows=skip_bad_rows, corrections=p.corrections,
                                                 alongside=alongside)
        started = time.perf_counter()
        edit = write_now(self, write, self.tr("正在写入 {rows} 行（{file}）…").format(rows=good, file=p.path.name))
        self.import_seconds = time.perf_counter() - started
        if write.cancelled:
            self._status(self.tr("已取消导入，未写入任何数据。"), NEUTRAL)
            self.import_button.setEnabled(p.importable)
            self._show_choice()
            return False
        if not edit.ok:
            self._status(self.tr("未导入：{problems}").format(problems="；".join(problems_text(edit))), BAD)
            self.import_button.setEnabled(p.importable)
            self._show_choice()
            return False
        self.imported_id = edit.id
        self._withdrawable()  # imported: the corrections are in the year now, taken back with the import only
        replaced_text = self.tr("，替换了原有的 {n} 行").format(n=sum(s.rows for s in replaced)) if replaced else ""
        if left_out:
            lines = [self.tr("已导入无误的 {rows} 行{replaced}；有问题的 {bad} 行未导入（已记入审计），以后可在“人员核对”的"
                             "“导入记录”中查看。可用“撤销”（Ctrl+Z）撤回本次导入。").format(
                rows=good, replaced=replaced_text, bad=left_out)]
        else:
            lines = [self.tr("已导入 {rows} 行{replaced}。可用“撤销”（Ctrl+Z）撤回本次导入。").format(
                rows=good, replaced=replaced_text)]
        withdrawn = self.session.final_withdrawn(edit)
        if withdrawn is not None:
            lines.append(render(withdrawn))
        kept = applied(p.corrections, p.checked)
        if kept:
            lines.append(self.tr("在预览中更正的 {n} 个单元格已连同原值记入审计。").format(n=len(kept)))
        if len(kept) < len(p.corrections):
            lines.append(self.tr("另有 {n} 处更正所在的行仍有问题、未导入，这些更正未采用；"
                                 "问题清单按文件原有内容列出。").format(n=len(p.corrections) - len(kept)))
        lines += self.result_lines(p)
        if self.year_notes.rows:
            lines.append(self.tr("注意：“导入前请核对”所列的 {rows} 行已导入，但不计分；"
                                 "请核对名称，改正文件后重新导入。").format(rows=self.year_notes.rows))
        self._status("\n".join(lines), GOOD)
        self.import_button.setEnabled(False)
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._show_choice()
        self.close_button.setText(self.tr("完成"))
        return True

    def result_lines(self, p: Preview) -> list[str]:
        """What the import changed: the unit's people now, and whether its bases count them."""
        if p.unit_id is None or p.kind not in ("arrivals", "placements", "monthly_reports"):
            return []
        name = self.session.unit(p.unit_id).name
        found = self.session.unit_match(p.unit_id)
        if found is None:
            return []
        if not found.has_roster:  # not "未确认 0 人": nothing could be confirmed or not
            lines = [self.tr("{unit}：尚未导入花名册（附件2、附件4），无法逐人核对（详见“人员核对”）。").format(
                unit=name)]
        else:
            lines = [self.tr("{unit}：确认进吴 {arrivals} 人、见习（实习）{placements} 人，未确认 {unconfirmed} 人"
                             "（详见“人员核对”）。").format(unit=name, arrivals=found.arrivals,
                                                      placements=found.placements,
                                                      unconfirmed=len(found.unconfirmed()))]
        if found.reported_only:
            lines.append(self.tr("每月送工信息中有 {n} 人不在该单位的花名册中，不计入人数"
                                 "（见“人员核对”的“仅在送工信息中”）。").format(n=len(found.reported_only)))
        if "roster" not in self.session.count_sources(p.unit_id).values():
            lines.append(self.tr("该单位的基地人数仍为手工录入；要按名单核对计分，请在 2.1 页把人数来源改为“名单核对”。"))
        return lines

    def _confirm_other_unit(self, p: Preview) -> bool:
        """The form names another unit than the one chosen: import into the chosen one all the same?"""
        unit = self.year_notes.other_unit[0].message.param("chosen")
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("表中写明的运营单位与所选单位不同"),
                          "\n".join(self._note_text(n) for n in self.year_notes.other_unit) + "\n\n"
                          + self.tr("仍要导入到“{unit}”吗？").format(unit=unit),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("仍导入到所选单位"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.other_unit_box = box
        return box.exec() == QMessageBox.StandardButton.Yes

    def _confirm_replace(self, replaced, offer_beside: bool = False) -> str | None:
        """Asked before an import replaces lists imported before: "replace", "beside" (a unit's roster kept
        beside its others: another employer's, offered when that replaces less), or None (cancelled)."""
        rows = sum(s.rows for s in replaced)
        text = self.tr("已导入过同一来源：将删除已导入的 {rows} 行（{files}），换成本文件的 {new} 行。确定导入吗？"
                       "\n可用“撤销”（Ctrl+Z）恢复原来的数据。").format(
            rows=rows, files="、".join(s.file_name for s in replaced), new=len(self.preview.checked.records))
        if offer_beside:
            text += "\n" + self.tr("如本文件是另一家用人单位盖章的花名册，请选“一并保留并导入”：已导入的花名册不删除，"
                                   "两份花名册中的人员都计入（同一人只计一次）。")
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("替换已导入的数据"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("替换并导入"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        beside = box.addButton(self.tr("一并保留并导入"), QMessageBox.ButtonRole.AcceptRole) if offer_beside else None
        self.replace_box = box
        answer = box.exec()
        if beside is not None and box.clickedButton() is beside:
            return "beside"
        return "replace" if answer == QMessageBox.StandardButton.Yes else None

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
