"""The import wizard's outcome (ui/excel_import.py): the rows written into the year — every row (导入) or the
good rows alone (只导入无误的行), each one edit of the session, asked first when it replaces a list or names
another unit — and the lists written out for the unit: the problem list, the rows left out."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMessageBox

from core.common.file_names import with_extension
from core.common.messages import render
from core.excel.kinds import import_spec
from core.excel.partial import LeftOutRow, LeftOutSheet, applied, write_left_out
from core.excel.preview import Preview
from core.excel.problems import ProblemRow, write_problem_list
from ui import faults
from ui.excel_mapping import kind_label
from ui.import_preview import BAD, GOOD, NEUTRAL, ImportPreview
from ui.models import problems_text
from ui.worker import Job, Worker, progress_dialog
from ui.writing import write_now

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

FOLDER_SETTING = "excel/folder"

# the texts of the wizard's parts are the wizard's (its class's name is what Qt asks for at run time)
translate = QCoreApplication.translate


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


class ImportOutcome(ImportPreview):
    """The outcome of ui.excel_import.ImportDialog: the import into the year, the lists for the unit."""

    if TYPE_CHECKING:  # what the outcome asks of the rest of the dialog (ui/excel_import.py)
        settings: QSettings
        export_worker: Worker | None

    def export_problems(self, path: Path | None = None) -> Worker | None:
        """Write the problem list (in a worker: tens of thousands of rows take seconds); returns it."""
        p = self.preview
        if p is None or not p.problems or (self.export_worker is not None and self.export_worker.running):
            return None
        if path is None:
            path = self._save_path(p, translate("ImportDialog", "导出问题清单"),
                                   translate("ImportDialog", "{name}-问题清单.xlsx"),
                                   translate("ImportDialog", "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)"), (".csv",))
            if path is None:
                return None
        headers = [self.problems_model.headers[i] for i in range(5)]
        title = translate("ImportDialog", "{file}（{kind}）检查发现的问题，共 {count} 处").format(
            file=p.path.name, kind=kind_label(p.kind), count=len(p.problems))
        self.export_worker = Worker(export_problems_job, list(p.problems), path, headers, title,
                                    self.full_ids.isChecked(), parent=self)
        self.export_worker.done.connect(lambda written: self._status(
            translate("ImportDialog", "问题清单已导出到 {path}（未写入任何数据）。").format(path=written), BAD))
        self.export_worker.cancelled.connect(lambda _: self._status(
            translate("ImportDialog", "已取消导出问题清单。"), BAD))
        self.export_worker.failed.connect(lambda exc: self._status(
            translate("ImportDialog", "无法写入 {file}：{detail}").format(file=path.name, detail=faults.describe(exc)),
            BAD))
        progress_dialog(self, translate("ImportDialog", "正在导出问题清单…"), self.export_worker)
        self.export_worker.start()
        return self.export_worker

    def _save_path(self, p: Preview, caption: str, name: str, filters: str,
                   others: tuple[str, ...] = ()) -> Path | None:
        """Where to write a list made of the previewed file (`name` with its stem), asked in the folder last used;
        None when the assessor cancels. An .xlsx unless one of `others` was typed."""
        folder = Path(str(self.settings.value(FOLDER_SETTING, "") or p.path.parent))
        chosen, _ = QFileDialog.getSaveFileName(self, caption, str(folder / name.format(name=p.path.stem)), filters)
        return with_extension(Path(chosen), ".xlsx", others) if chosen else None

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
            path = self._save_path(p, translate("ImportDialog", "另存未导入的行（交运营单位更正）"),
                                   translate("ImportDialog", "{name}-未导入的行.xlsx"),
                                   translate("ImportDialog", "Excel 工作簿 (*.xlsx)"))
            if path is None:
                return False
        if not self._import(p, confirm, skip_bad_rows=True):
            return False
        title = translate("ImportDialog", "{file}（{kind}）未导入的 {rows} 行").format(
            file=p.path.name, kind=kind_label(p.kind), rows=p.rows_left_out)
        done = self.status.text()
        self.export_worker = Worker(export_left_out_job, p.left_out_sheets, p.left_out, path, title,
                                    self.full_ids.isChecked(), parent=self)
        self.export_worker.done.connect(lambda written: self._status(done + "\n" + translate(
            "ImportDialog", "未导入的 {rows} 行已另存到 {path}，可交运营单位更正。").format(
                rows=p.rows_left_out, path=written), GOOD))
        self.export_worker.cancelled.connect(lambda _: self._status(done + "\n" + translate(
            "ImportDialog", "已取消另存未导入的行；可点“导出问题清单…”另存问题清单。"), BAD))
        self.export_worker.failed.connect(lambda exc: self._status(done + "\n" + translate(
            "ImportDialog", "无法写入 {file}：{detail}；可点“导出问题清单…”另存问题清单。").format(
                file=path.name, detail=faults.describe(exc)), BAD))
        progress_dialog(self, translate("ImportDialog", "正在另存未导入的行…"), self.export_worker)
        self.export_worker.start()
        return True

    def _import(self, p: Preview, confirm: bool, skip_bad_rows: bool) -> bool:
        if self.imported_id is not None:
            return False
        if p.unit_id is not None and self.session.outside_copy(p.unit_id):  # asked as a change on its page is
            from ui.field_copy_banner import ask_change_outside  # only a field copy needs it
            if not ask_change_outside(self, self.session, p.unit_id):
                self._status(translate("ImportDialog", "未导入：该单位不在交给您的外业副本中。"), NEUTRAL)
                return False
        assert p.sha256 is not None  # an importable preview's file was read
        if self.year_notes.other_unit and confirm and not self._confirm_other_unit(p):
            self._status(translate("ImportDialog", "未导入：可点“◀ 换一个文件”改选文件或运营单位后重新检查。"), NEUTRAL)
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
        label = (translate("ImportDialog", "导入{kind}中无误的 {rows} 行（{file}，{bad} 行有问题未导入）").format(
            kind=kind_label(p.kind), rows=good, file=p.path.name, bad=left_out) if left_out else
            translate("ImportDialog", "导入{kind}（{file}）").format(kind=kind_label(p.kind), file=p.path.name))
        self._status(translate("ImportDialog", "正在写入 {rows} 行…").format(rows=good), NEUTRAL)
        self.import_button.setEnabled(False)
        self.choice.partial_button.setEnabled(False)
        write = self.session.import_people_write(label, p.checked, p.sha256, p.unit_id, p.mapping,
                                                 skip_bad_rows=skip_bad_rows, corrections=p.corrections,
                                                 alongside=alongside)
        started = time.perf_counter()
        edit = write_now(self, write, translate("ImportDialog", "正在写入 {rows} 行（{file}）…").format(
            rows=good, file=p.path.name))
        self.import_seconds = time.perf_counter() - started
        if write.cancelled:
            self._status(translate("ImportDialog", "已取消导入，未写入任何数据。"), NEUTRAL)
            self.import_button.setEnabled(p.importable)
            self._show_choice()
            return False
        if not edit.ok:
            self._status(translate("ImportDialog", "未导入：{problems}").format(
                problems="；".join(problems_text(edit))), BAD)
            self.import_button.setEnabled(p.importable)
            self._show_choice()
            return False
        self.imported_id = edit.id
        self._withdrawable()  # imported: the corrections are in the year now, taken back with the import only
        replaced_text = translate("ImportDialog", "，替换了原有的 {n} 行").format(
            n=sum(s.rows for s in replaced)) if replaced else ""
        if left_out:
            lines = [translate("ImportDialog", "已导入无误的 {rows} 行{replaced}；有问题的 {bad} 行未导入"
                                               "（已记入审计），以后可在“人员核对”的“导入记录”中查看。"
                                               "可用“撤销”（Ctrl+Z）撤回本次导入。").format(
                rows=good, replaced=replaced_text, bad=left_out)]
        else:
            lines = [translate("ImportDialog", "已导入 {rows} 行{replaced}。可用“撤销”（Ctrl+Z）撤回本次导入。").format(
                rows=good, replaced=replaced_text)]
        withdrawn = self.session.final_withdrawn(edit)
        if withdrawn is not None:
            lines.append(render(withdrawn))
        kept = applied(p.corrections, p.checked)
        if kept:
            lines.append(translate("ImportDialog", "在预览中更正的 {n} 个单元格已连同原值记入审计。").format(
                n=len(kept)))
        if len(kept) < len(p.corrections):
            lines.append(translate("ImportDialog", "另有 {n} 处更正所在的行仍有问题、未导入，这些更正未采用；"
                                                   "问题清单按文件原有内容列出。").format(
                n=len(p.corrections) - len(kept)))
        lines += self.result_lines(p)
        if self.session.verdicts_moved is not None:
            lines.append(render(self.session.verdicts_moved) + "。")
        if self.year_notes.rows:
            lines.append(translate("ImportDialog", "注意：“导入前请核对”所列的 {rows} 行已导入，但不计分；"
                                                   "请核对名称，改正文件后重新导入。").format(rows=self.year_notes.rows))
        self._status("\n".join(lines), GOOD)
        self.import_button.setEnabled(False)
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._show_choice()
        self.close_button.setText(translate("ImportDialog", "完成"))
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
            lines = [translate("ImportDialog", "{unit}：尚未导入花名册（附件2、附件4），无法逐人核对"
                                               "（详见“人员核对”）。").format(unit=name)]
        else:
            lines = [translate("ImportDialog", "{unit}：确认进吴 {arrivals} 人、见习（实习）{placements} 人，"
                                               "未确认 {unconfirmed} 人（详见“人员核对”）。").format(
                unit=name, arrivals=found.arrivals, placements=found.placements,
                unconfirmed=len(found.unconfirmed()))]
        if found.reported_only:
            lines.append(translate("ImportDialog", "每月送工信息中有 {n} 人不在该单位的花名册中，不计入人数"
                                                   "（见“人员核对”的“仅在送工信息中”）。").format(n=len(found.reported_only)))
        if "roster" not in self.session.count_sources(p.unit_id).values():
            lines.append(translate("ImportDialog", "该单位的基地人数仍为手工录入；要按名单核对计分，"
                                                   "请在 2.1 页把人数来源改为“名单核对”。"))
        return lines

    def _confirm_other_unit(self, p: Preview) -> bool:
        """The form names another unit than the one chosen: import into the chosen one all the same?"""
        unit = self.year_notes.other_unit[0].message.param("chosen")
        box = QMessageBox(QMessageBox.Icon.Warning, translate("ImportDialog", "表中写明的运营单位与所选单位不同"),
                          "\n".join(self._note_text(n) for n in self.year_notes.other_unit) + "\n\n"
                          + translate("ImportDialog", "仍要导入到“{unit}”吗？").format(unit=unit),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(translate("ImportDialog", "仍导入到所选单位"))
        box.button(QMessageBox.StandardButton.No).setText(translate("ImportDialog", "取消"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.other_unit_box = box
        return box.exec() == QMessageBox.StandardButton.Yes

    def _confirm_replace(self, replaced, offer_beside: bool = False) -> str | None:
        """Asked before an import replaces lists imported before: "replace", "beside" (a unit's roster kept
        beside its others: another employer's, offered when that replaces less), or None (cancelled)."""
        rows = sum(s.rows for s in replaced)
        text = translate("ImportDialog", "已导入过同一来源：将删除已导入的 {rows} 行（{files}），"
                                         "换成本文件的 {new} 行。确定导入吗？"
                                         "\n可用“撤销”（Ctrl+Z）恢复原来的数据。").format(
            rows=rows, files="、".join(s.file_name for s in replaced), new=len(self.preview.checked.records))
        if offer_beside:
            text += "\n" + translate("ImportDialog", "如本文件是另一家用人单位盖章的花名册，请选“一并保留并导入”："
                                                     "已导入的花名册不删除，两份花名册中的人员都计入（同一人只计一次）。")
        box = QMessageBox(QMessageBox.Icon.Question, translate("ImportDialog", "替换已导入的数据"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(translate("ImportDialog", "替换并导入"))
        box.button(QMessageBox.StandardButton.No).setText(translate("ImportDialog", "取消"))
        beside = box.addButton(translate("ImportDialog", "一并保留并导入"),
                               QMessageBox.ButtonRole.AcceptRole) if offer_beside else None
        self.replace_box = box
        answer = box.exec()
        if beside is not None and box.clickedButton() is beside:
            return "beside"
        return "replace" if answer == QMessageBox.StandardButton.Yes else None
