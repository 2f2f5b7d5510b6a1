"""Excel out from the desktop: one of the six annex forms for a unit (forms 2 and 4 with the unit's
confirmed people, form 3 with its school bases, form 5 with its counts as scored), or the year's summary
workbook for the bureau.

ID numbers are masked (first 6 and last 4 shown) unless the assessor ticks 显示完整身份证号, whose
text says why it matters; the tick starts unticked in every dialog and is never remembered. What the
files are written from is read on the window's thread (the dataset's connection lives there); the
writing runs in a worker into a temporary file that replaces the target only when complete, so a
cancelled or failed export leaves nothing half-written."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.common.file_names import with_extension
from core.common.messages import Msg, render
from core.editing.session import Session
from core.excel.annex_forms import annex_title, blank_reason
from core.excel.write import (
    ANNEX_BASES,
    ANNEX_PEOPLE,
    annex_form,
    annex_inputs,
    summary_title,
    summary_workbook,
)
from ui.dialogs import chosen_target, follow_choice, replace_question, safe_file_name
from ui.worker import Job, Worker
from ui.worker_dialog import BAD, GOOD, NEUTRAL, WorkerDialog

ANNEX, SUMMARY = "annex", "summary"
FOLDER_SETTING = "excel/exportFolder"


def write_job(job: Job, write: Callable[[Path], object], target: Path) -> Path | None:
    """Write into a temporary file beside the target, then put it in place (whole or not at all);
    None when cancelled."""
    part = target.with_name(f".{target.name}.part")
    job.progress(0, 1, target.name)
    try:
        write(part)
        if job.cancelled:
            return None
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    job.progress(1, 1, target.name)
    return target


class ExcelExportDialog(WorkerDialog):
    def __init__(self, session: Session, unit_id: int | None, kind: str = ANNEX, parent: QWidget | None = None):
        super().__init__(parent)
        self.failing = self.tr("导出失败")
        self.session = session
        self.kind = kind
        self.settings = QSettings()
        self.written: Path | None = None
        self.setWindowTitle(self.tr("导出附件表格（Excel）") if kind == ANNEX else self.tr("导出年度汇总表（Excel）"))
        form = QFormLayout()
        self.annex = QComboBox()
        self.unit = QComboBox()
        if kind == ANNEX:
            for n in range(1, 7):
                self.annex.addItem(self.tr("附件{n}　{title}").format(n=n, title=render(Msg.of(f"annex.{n}.title"))), n)
            self.annex.setCurrentIndex(1)
            for uid in session.unit_ids:
                self.unit.addItem(session.unit(uid).name, uid)
            if unit_id in session.unit_ids:
                self.unit.setCurrentIndex(self.unit.findData(unit_id))
            form.addRow(self.tr("表格"), self.annex)
            form.addRow(self.tr("运营单位"), self.unit)
            self.annex.currentIndexChanged.connect(lambda _: self._choice_changed())
            self.unit.currentIndexChanged.connect(lambda _: self._choice_changed())
        self.path = QLineEdit()
        self.path.textEdited.connect(lambda _: setattr(self, "_path_edited", True))
        self._path_edited = False
        self._default_name = ""
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(self.tr("保存为"), row)
        self.contents = QLabel()
        self.contents.setWordWrap(True)
        self.contents.setStyleSheet(f"color: {NEUTRAL};")
        form.addRow("", self.contents)
        self.full_ids = QCheckBox(self.tr("显示完整身份证号"))
        self.full_ids.setChecked(False)  # never remembered: every export starts masked
        self.full_ids_why = QLabel(self.tr(
            "身份证号码属于个人敏感信息。默认只显示前6位和后4位（如 320509********1234），已可与花名册逐行对照。"
            "仅当主管部门必须核验人员身份时才勾选；勾选后导出的文件须妥善保管，不要通过公共渠道传送。此选项不会被记住。"))
        self.full_ids_why.setWordWrap(True)
        self.full_ids_why.setStyleSheet(f"color: {NEUTRAL};")
        self.export_button = QPushButton(self.tr("导出"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda: self.export())
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.full_ids)
        layout.addWidget(self.full_ids_why)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._choice_changed()
        self.resize(680, self.sizeHint().height())

    # ---------------------------------------------------------------- choices

    def annex_number(self) -> int:
        return self.annex.currentData()

    def unit_id(self) -> int | None:
        return self.unit.currentData()

    def lists_people(self) -> bool:
        return self.kind == SUMMARY or self.annex_number() in ANNEX_PEOPLE

    def default_target(self) -> Path:
        folder = Path(str(self.settings.value(FOLDER_SETTING, "") or self.session.file.parent))
        year = self.session.year_number
        if self.kind == SUMMARY:
            return folder / self.tr("{year}年度考核结果汇总表.xlsx").format(year=year)
        uid = self.unit_id()
        unit = safe_file_name(self.session.unit(uid).name) if uid is not None else "_"
        sheet = render(Msg.of(f"annex.{self.annex_number()}.sheet"))
        return folder / f"{safe_file_name(sheet)}-{unit}-{year}.xlsx"

    def _choice_changed(self) -> None:
        default = self.default_target()
        follow_choice(self.path, self._path_edited, self._default_name, default)
        self._default_name = default.name
        if not self.running:  # a line saying what was exported named the form chosen before
            self.show_status("", NEUTRAL)
        people = self.lists_people()
        self.full_ids.setEnabled(people)
        self.full_ids_why.setEnabled(people)
        if self.kind == SUMMARY:
            text = self.tr("全部运营单位各条款得分、小计、扣分、总分、名次、考核结果与等级；另为每家单位列出未确认的人员及原因。")
        elif self.unit_id() is None:  # no unit yet: 导出 asks for one
            text = self.tr("导出空白表供手工填写（已填好单位和年度）。")
        elif (reason := self._blank_reason()) is not None:  # the same words 打印 shows (core/excel/annex_forms.py)
            text = render(Msg.of("annex.blank.export", reason=render(reason)))
        elif self.annex_number() in ANNEX_PEOPLE:
            text = self.tr("列出该单位核对确认的 {n} 人（来自导入的花名册）。").format(n=len(self._inputs()[0]))
        elif self.annex_number() in ANNEX_BASES:
            text = render(Msg.of("annex.3.contents", count=len(self._inputs()[0])))
        elif self.annex_number() == 5:
            text = self.tr("按基地列出计分所用的人数（名单核对或手工录入）。")
        else:
            text = self.tr("导出空白表供手工填写（已填好单位和年度）。")
        self.contents.setText(text)

    def _blank_reason(self) -> Msg | None:
        """Why the chosen form of the chosen unit comes out blank (None: it lists something)."""
        uid = self.unit_id()
        if uid is None:
            return None
        return blank_reason(self.annex_number(), self.session.unit(uid), self.session.unit_match(uid))

    def _inputs(self):
        uid = self.unit_id()
        return annex_inputs(self.annex_number(), self.session.unit(uid), self.session.unit_match(uid))

    def browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), self.path.text() or str(self.default_target()),
                                                self.tr("Excel 工作簿 (*.xlsx)"))
        if chosen:
            if not chosen.lower().endswith(".xlsx"):
                chosen += ".xlsx"
            self.path.setText(chosen)
            self._path_edited = True

    # ---------------------------------------------------------------- export

    def export(self, confirm: bool = True) -> Worker | None:
        """Start writing (in a worker); returns it, or None when something must be fixed first."""
        if self.running:
            return None
        text = self.path.text().strip()
        if not text:
            self.show_status(self.tr("请选择保存位置。"), BAD)
            return None
        target = with_extension(chosen_target(text, self.default_target()), ".xlsx")
        self.path.setText(str(target))  # where it goes, whole
        if not target.parent.is_dir():
            self.show_status(self.tr("文件夹不存在：{folder}").format(folder=target.parent), BAD)
            return None
        if self.kind == ANNEX and self.unit_id() is None:
            self.show_status(self.tr("请先添加运营单位。"), BAD)
            return None
        if target.exists() and confirm and not self._confirm_overwrite(target):
            self.show_status(self.tr("未导出：{file} 已存在，保留原文件。").format(file=target.name), NEUTRAL)
            return None
        full = self.full_ids.isChecked() and self.lists_people()
        rules = self.session.rules
        if self.kind == SUMMARY:  # read here (the window's thread); written in the worker
            matched = self.session.match()
            result, unconfirmed = self.session.result, matched.unconfirmed_by_unit()
            reported_only = matched.reported_only_by_unit()
            waiting, open_units = self.session.not_started_and_under_way()
            settled = self.session.e_settled_units()

            def write(part: Path):
                return summary_workbook(rules, result, unconfirmed, part, show_full_id_numbers=full,
                                        not_started=waiting, under_way=open_units, settled=settled,
                                        reported_only_by_unit=reported_only)
        else:
            records, counts = self._inputs()
            annex, unit, year = self.annex_number(), self.session.unit(self.unit_id()).name, self.session.year.year

            def write(part: Path):
                return annex_form(annex, part, rules, unit, year=year, records=records, counts=counts,
                                  show_full_id_numbers=full)
        self.settings.setValue(FOLDER_SETTING, str(target.parent))
        self.written = None
        return self.run(write_job, write, target, label=self.tr("正在导出 Excel…"), status=self.tr("正在导出…"),
                        done=self._done, cancelled=lambda _: self.show_status(self.tr("已取消，未写入文件。"), NEUTRAL))

    def set_busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)

    def _done(self, target: Path) -> None:
        self.written = target
        masked = "" if not self.lists_people() else (
            self.tr("（含完整身份证号，请妥善保管）") if self.full_ids.isChecked() else self.tr("（身份证号已部分隐藏）"))
        self.show_status(self.tr("已导出 {path}{masked}").format(path=target, masked=masked), GOOD)

    def _confirm_overwrite(self, target: Path) -> bool:
        year, unit_id = self.session.year.year, self.unit_id()
        title = summary_title(year) if unit_id is None or self.kind == SUMMARY else annex_title(
            self.annex_number(), self.session.unit(unit_id).name, year)  # (an annex has its unit by now)
        return replace_question(self, target, title)
