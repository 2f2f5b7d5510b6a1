"""Export the PDF documents from the desktop: one unit's 现场核查记录 or 考核评分表, the year's 考核结果汇总表,
or every unit's score sheet into a folder, optionally signed with the assessor's key. The documents are
core's (core/pdf/export.py, core/pdf/batch.py); the work runs in a worker behind a progress dialog.
A key opened here stays in memory only while the dialog is open."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.common.file_names import with_extension
from core.common.messages import Msg, render
from core.common.problems import Problem
from core.editing.session import Session
from core.pdf.batch import Outcome, Request, Written, export_batch
from core.pdf.export import export_title
from core.pdf.provisional import ProvisionalSheet
from core.pdf.sheets import RECORD, SHEET, SUMMARY, Visit
from core.pdf.signing import KeySigner, load_signer, quiet_libraries
from core.scoring.assessment import DONE
from ui import faults
from ui.dialogs import chosen_target, follow_choice, replace_question, safe_file_name, unit_chooser
from ui.pdf_keys import KeysDialog, key_files, preferred_key
from ui.pdf_kinds import ALL_SHEETS  # every unit's score sheet, into a folder
from ui.worker import Job, Worker
from ui.worker_dialog import BAD, GOOD, WorkerDialog

FOLDER_SETTING = "pdf/folder"
NEUTRAL = "#9a5b00"  # done, but not all of it (cancelled)


def export_job(job: Job, session: Session, requests: list[Request], key: Path | None, password: str,
               signer: KeySigner | None, assessor: str, visit: Visit | None) -> tuple[KeySigner | None, Outcome]:
    """In the worker: open the key (when signing), then export through core.pdf.batch on scratch copies
    of the dataset; what a signature changes in the dataset is applied on the window's thread."""
    quiet_libraries()
    if key is not None and signer is None:
        signer = load_signer(key, password)
    subject = signer.info.subject if signer else ""

    def record(exported) -> list[Problem]:  # on the window's thread: the session's own dataset
        unit_id = session.unit_id(exported.unit) if exported.unit else None
        reason = render(Msg.of(f"pdf.reason.{exported.kind}", version=exported.version))
        edit = session.record_signed(exported.kind, unit_id, exported.version, exported.fingerprint, subject,
                                     hashlib.sha256(exported.pdf).hexdigest(), reason, figures=exported.figures)
        return list(edit.problems)

    outcome = export_batch(requests, copy=lambda: job.call_in_main(session.scratch_copy), signer=signer,
                           assessor=assessor, visit=visit, record_signed=lambda e: job.call_in_main(record, e),
                           progress=job.progress, cancelled=lambda: job.cancelled, written=job.produce)
    return signer, outcome


class ExportDialog(WorkerDialog):
    """Export the PDF documents, signed or not. Stays open for further exports; a key opened here is
    kept (in memory only) until the dialog closes, so its password is asked once per dialog."""

    def __init__(self, session: Session, unit_id: int | None, kind: str = SHEET, parent: QWidget | None = None):
        super().__init__(parent)
        self.failing = self.tr("导出失败")
        self.session = session
        self.settings = QSettings()
        self.outcome: Outcome | None = None
        self.requested: list[Request] = []
        self._signers: dict[str, KeySigner] = {}
        self._path_edited = False
        self._default_name = ""
        self.setWindowTitle(self.tr("导出 PDF"))
        layout = QVBoxLayout(self)
        self.form_area = QWidget()
        area = QVBoxLayout(self.form_area)
        area.setContentsMargins(0, 0, 0, 0)

        box = QGroupBox(self.tr("文件"))
        grid = QVBoxLayout(box)
        self.kinds = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        for key, text in ((RECORD, self.tr("现场核查记录（一家单位）")), (SHEET, self.tr("考核评分表（一家单位）")),
                          (SUMMARY, self.tr("考核结果汇总表（全年度）")),
                          (ALL_SHEETS, self.tr("全部单位的考核评分表（每家一个文件，导出到文件夹）"))):
            button = QRadioButton(text)
            self.kinds.addButton(button)
            self.kind_buttons[key] = button
            grid.addWidget(button)
        unit_row, self.unit = unit_chooser(session, unit_id)
        grid.addLayout(unit_row)
        area.addWidget(box)

        self.visit_box = QGroupBox(self.tr("现场核查"))
        visit = QGridLayout(self.visit_box)  # two fields a row: the dialog fits a 768-pixel-high screen
        self.visit_date = QLineEdit()
        self.visit_date.setPlaceholderText(self.tr("如 2023-01-12；留空则打印后手填"))
        self.visit_place = QLineEdit()
        self.visit_place.setPlaceholderText(self.tr("留空则打印后手填"))
        self.visit_assessors = QLineEdit()
        self.visit_assessors.setPlaceholderText(self.tr("多人用逗号分隔；留空则为勾选依据的考核人员"))
        self.visit_representative = QLineEdit()
        self.visit_representative.setPlaceholderText(self.tr("留空则为单位联系人"))
        for n, (label, field) in enumerate(((self.tr("核查日期"), self.visit_date),
                                            (self.tr("核查地点"), self.visit_place),
                                            (self.tr("考核人员"), self.visit_assessors),
                                            (self.tr("单位代表"), self.visit_representative))):
            visit.addWidget(QLabel(label), n // 2, (n % 2) * 2)
            visit.addWidget(field, n // 2, (n % 2) * 2 + 1)
        visit.setColumnStretch(1, 1)
        visit.setColumnStretch(3, 1)
        area.addWidget(self.visit_box)

        sign_box = QGroupBox(self.tr("电子签名"))
        sign = QFormLayout(sign_box)
        self.sign = QCheckBox(self.tr("用数字证书签名（签名后的任何改动都可被校验发现）"))
        sign.addRow(self.sign)
        key_row = QHBoxLayout()
        self.key = QComboBox()
        self.key.setMinimumContentsLength(20)
        manage = QPushButton(self.tr("管理密钥…"))
        manage.clicked.connect(self.manage_keys)
        key_row.addWidget(self.key, 1)
        key_row.addWidget(manage)
        sign.addRow(self.tr("密钥"), key_row)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密钥密码（只在本窗口打开期间留在内存中）"))
        sign.addRow(self.tr("密码"), self.password)
        self.sign_note = QLabel()
        self.sign_note.setWordWrap(True)
        sign.addRow(self.sign_note)
        area.addWidget(sign_box)
        for widget in (self.sign, self.key, manage, self.password):
            widget.setEnabled(not session.read_only)

        out_box = QGroupBox(self.tr("保存到"))
        out = QHBoxLayout(out_box)
        self.path = QLineEdit()
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self.browse)
        out.addWidget(self.path, 1)
        out.addWidget(browse)
        area.addWidget(out_box)
        layout.addWidget(self.form_area)

        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.open_folder = QPushButton(self.tr("打开所在文件夹"))
        self.open_folder.setEnabled(False)
        self.open_folder.clicked.connect(self._open_folder)
        self.export_button = QPushButton(self.tr("导出"))
        self.export_button.setDefault(True)
        close = QPushButton(self.tr("关闭"))
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.export_button.clicked.connect(lambda _checked=False: self.export())
        close.clicked.connect(self.reject)

        self._fill_keys()
        self.kind_buttons.get(kind, self.kind_buttons[SHEET]).setChecked(True)
        self.kinds.buttonToggled.connect(lambda *_: self._update())
        self.unit.currentIndexChanged.connect(lambda _: self._update())
        self.sign.toggled.connect(lambda _: self._update())
        self.key.currentIndexChanged.connect(lambda _: self._update())
        self.path.textEdited.connect(lambda _: setattr(self, "_path_edited", True))
        self.password.textEdited.connect(lambda _: self.show_status("", "#555"))
        self._update()
        self.resize(760, self.sizeHint().height())

    def _fit_note(self) -> None:
        """The note as tall as its lines at the dialog's width (a warning of a field copy out adds lines), and
        the dialog grown to show it whole."""
        width = self.sign_note.width() if self.isVisible() else 760 - 80
        height = self.sign_note.heightForWidth(width)
        if height > 0 and self.sign_note.minimumHeight() != height:
            self.sign_note.setMinimumHeight(height)
            self.layout().activate()
            if self.isVisible() and self.height() < self.sizeHint().height():
                self.resize(self.width(), self.sizeHint().height())

    # ---------------------------------------------------------------- state

    def kind(self) -> str:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def unit_id(self) -> int | None:
        return self.unit.currentData()

    def assessor_name(self) -> str:
        return self.session.assessor.name if self.session.assessor else ""

    def _fill_keys(self) -> None:
        current = self.key.currentData() or (str(preferred_key()) if preferred_key() else None)
        self.key.blockSignals(True)
        self.key.clear()
        for path in key_files():
            self.key.addItem(path.stem, str(path))
            self.key.setItemData(self.key.count() - 1, str(path), Qt.ItemDataRole.ToolTipRole)
        if not self.key.count():
            self.key.addItem(self.tr("（尚无密钥，请点“管理密钥…”新建或导入）"), None)
        self.key.setCurrentIndex(max(0, self.key.findData(current)))
        self.key.blockSignals(False)

    def manage_keys(self) -> None:
        KeysDialog(self.assessor_name(), self).exec()
        self._fill_keys()
        self._update()

    def default_target(self) -> Path:
        folder = Path(str(self.settings.value(FOLDER_SETTING, "") or self.session.file.parent))
        kind, uid, year = self.kind(), self.unit_id(), self.session.rules.year
        if kind == ALL_SHEETS:
            return folder / self.tr("{year}年度考核评分表").format(year=year)
        if kind == SUMMARY:
            return folder / self.tr("{year}年度考核结果汇总表.pdf").format(year=year)
        name = safe_file_name(self.session.unit(uid).name) if uid is not None else "_"
        if kind == RECORD:
            return folder / self.tr("{unit}-现场核查记录.pdf").format(unit=name)
        return folder / self.sheet_name(uid, name)

    def sheet_name(self, uid: int | None, name: str) -> str:
        """A locked unit's sheet is a copy of its signed version, signed or not (core/pdf/export.py does not
        sign such a unit again); another's is the next version, a draft unless signed."""
        lock = self.session.lock(uid) if uid is not None else None
        if lock is not None and uid is not None and self.session.signed_sheet_change(uid) is not None:
            return self.tr("{unit}-考核评分表-当前数据（未签名）.pdf").format(unit=name)  # no copy of the signed one
        if lock is not None:
            return self.tr("{unit}-考核评分表-第{version}版（副本）.pdf").format(unit=name, version=lock.version)
        version = self.session.next_sheet_version(uid) if uid is not None else 1
        if self.sign.isChecked():
            return self.tr("{unit}-考核评分表-第{version}版.pdf").format(unit=name, version=version)
        return self.tr("{unit}-考核评分表-第{version}版（草稿）.pdf").format(unit=name, version=version)

    def _update(self) -> None:
        kind, uid = self.kind(), self.unit_id()
        self.unit.setEnabled(kind in (RECORD, SHEET))
        self.visit_box.setVisible(kind == RECORD)
        # a score sheet is signed by the office in the year file, never in a field copy (core says why)
        in_copy = self.session.sheet_signing_refused() if kind in (SHEET, ALL_SHEETS) else None
        if not self.session.read_only:
            self.sign.setEnabled(in_copy is None)
        if in_copy is not None and self.sign.isChecked():
            self.sign.blockSignals(True)
            self.sign.setChecked(False)
            self.sign.blockSignals(False)
        signing = self.sign.isChecked()
        self.key.setEnabled(signing)
        self.password.setEnabled(signing and self.key.currentData() not in self._signers)
        if signing and self.key.currentData() in self._signers:
            self.password.clear()
            self.password.setPlaceholderText(self.tr("已打开此密钥，本窗口关闭前无需再输入密码"))
        note, colour = self.tr("签名后的文件如被改动，校验时会显示“已被修改”。"), "#555"
        if kind == SHEET and uid is not None:
            version = self.session.next_sheet_version(uid)
            lock = self.session.lock(uid)
            if lock is not None and self.session.signed_sheet_change(uid) is not None:
                note = self.tr("本单位已签名定稿并锁定（第 {version} 版），但签名后得分已变动："
                               "导出的是当前数据（未签名），不是第 {version} 版的副本；"
                               "如需签署新版，请先解锁（重新开放）。").format(
                    version=lock.version)
                colour = BAD
            elif lock is not None:
                note = self.tr("本单位已签名定稿并锁定（第 {version} 版）：导出的是该版本的副本（未签名），不再签名；"
                               "如需重新签名，请先解锁（重新开放）。").format(version=lock.version)
            elif signing:
                note = self.tr("签名即定稿：“{unit}”的考核评分表为第 {version} 版，本单位数据随即锁定；"
                               "此后修改须先解锁（重新开放）并填写理由。").format(unit=self.session.unit(uid).name,
                                                                 version=version)
                colour = NEUTRAL
                out = self.session.signing_with_copies_out([uid])  # a warning, not a refusal
                if out is not None:
                    note += "\n" + render(out)
            else:
                note = self.tr("不签名时导出的是草稿（第 {version} 版，未签名），不锁定数据。").format(version=version)
        elif kind == ALL_SHEETS and signing:
            note = self.tr("签名即定稿：每家单位的考核评分表都定稿并锁定数据；已签名锁定的单位不再另签，"
                           "导出其已签名版本的副本。可随时取消，已导出的保留。")
            colour = NEUTRAL
            out = self.session.signing_with_copies_out(None)
            if out is not None:
                note += "\n" + render(out)
        if self.session.read_only:  # a signed sheet is recorded in the year (its version, its lock)
            note, colour = self.tr("本年度以只读方式打开，不能签名定稿；导出的是未签名的草稿。"), "#555"
        elif in_copy is not None and not (kind == SHEET and uid is not None and self.session.lock(uid) is not None):
            note, colour = render(in_copy) + self.tr("这里导出的是未签名的草稿。"), NEUTRAL
        self.sign_note.setText(note)
        self.sign_note.setStyleSheet(f"color: {colour};")
        self._fit_note()
        default = self.default_target()
        follow_choice(self.path, self._path_edited, self._default_name, default)
        self._default_name = default.name
        if not self.running:  # a line saying what was exported named the document chosen before
            self.show_status("", "#555")

    def browse(self) -> None:
        current = self.path.text().strip() or str(self.default_target())
        if self.kind() == ALL_SHEETS:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("选择导出文件夹"), str(Path(current).parent))
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("保存 PDF"), current, self.tr("PDF 文件 (*.pdf)"))
            if chosen and not chosen.lower().endswith(".pdf"):
                chosen += ".pdf"
        if chosen:
            self.path.setText(chosen)
            self._path_edited = True

    def _open_folder(self) -> None:
        target = Path(self.path.text().strip())
        folder = target if self.kind() == ALL_SHEETS else target.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # ---------------------------------------------------------------- export

    def requests(self) -> tuple[list[Request], str]:
        """What to export, or a problem to show."""
        kind, uid = self.kind(), self.unit_id()
        text = self.path.text().strip()
        if not text:
            return [], self.tr("请选择保存位置。")
        target = chosen_target(text, self.default_target(), folder=kind == ALL_SHEETS)
        if kind != ALL_SHEETS:
            target = with_extension(target, ".pdf")  # a name typed without it
        self.path.setText(str(target))  # where it goes, whole
        if kind in (RECORD, SHEET, ALL_SHEETS) and not self.session.unit_ids:
            return [], self.tr("请先添加运营单位。")
        if kind == ALL_SHEETS:
            try:
                target.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                return [], self.tr("无法创建文件夹 {folder}（{detail}）。").format(folder=target,
                                                                            detail=faults.describe(exc))
            return [Request(SHEET, self.session.unit(u).name,
                            target / self.sheet_name(u, safe_file_name(self.session.unit(u).name)))
                    for u in self.session.unit_ids], ""
        if not target.parent.is_dir():
            return [], self.tr("文件夹 {folder} 不存在。").format(folder=target.parent)
        unit = self.session.unit(uid).name if kind != SUMMARY and uid is not None else None
        return [Request(kind, unit, target)], ""

    def visit(self) -> Visit:
        names = tuple(n.strip() for n in re.split(r"[,，、]", self.visit_assessors.text()) if n.strip())
        return Visit(self.visit_date.text().strip(), self.visit_place.text().strip(), names,
                     self.visit_representative.text().strip())

    def export(self, confirm: bool = True) -> Worker | None:
        """Start the export (in a worker); returns it, or None when something must be fixed first."""
        if self.running:
            return None
        requests, problem = self.requests()
        key, signer = None, None
        if not problem and self.sign.isChecked():
            key_text = self.key.currentData()
            signer = self._signers.get(key_text) if key_text else None
            if not key_text:
                problem = self.tr("尚无签名密钥：请点“管理密钥…”新建或导入。")
            elif signer is None and not self.password.text():
                problem = self.tr("请输入密钥密码。")
            key = Path(key_text) if key_text else None
        if problem:
            self.show_status(problem, BAD)
            return None
        existing = [r for r in requests if r.target.exists()]
        if existing and confirm and not self._confirm_overwrite(existing):
            self.show_status(self.tr("未导出：已有同名文件，保留原文件。"), NEUTRAL)
            return None
        if signer is not None or self.sign.isChecked():
            unfinished = self._unfinished(requests)
            if unfinished and confirm and not self._confirm_unfinished(unfinished):
                return None
            provisional = self._provisional(requests)
            if provisional and confirm and not self._confirm_provisional(provisional):
                self.show_status(self.tr("已取消：未签名，未导出。"), NEUTRAL)
                return None
            out = self._copies_out(requests)
            if out is not None and confirm and not self._confirm_copies_out(out):
                self.show_status(self.tr("已取消：未签名，未导出。"), NEUTRAL)
                return None
        self.settings.setValue(FOLDER_SETTING, str(requests[0].target.parent if self.kind() != ALL_SHEETS
                                                   else Path(self.path.text().strip()).parent))
        self.outcome = None
        self.requested = requests
        return self.run(export_job, self.session, requests, key, self.password.text(), signer, self.assessor_name(),
                        self.visit() if self.kind() == RECORD else None, label=self.tr("正在导出 PDF…"),
                        status=self.tr("正在导出…"), done=self._finished, produced=self._written)

    def set_busy(self, busy: bool) -> None:
        self.form_area.setEnabled(not busy)
        self.export_button.setEnabled(not busy)

    def _unfinished(self, requests) -> list[str]:
        """'unit: clause ids' of each signed score sheet's unit whose clauses are not all 已完成:
        signing locks the unit, so the assessor is asked first."""
        lines = []
        for request in requests:
            if request.kind != SHEET or not request.unit:
                continue
            uid = self.session.unit_id(request.unit)
            if uid is not None and self.session.locked(uid):
                continue  # signed already: not signed again
            open_pages = [page for page, state in self.session.progress(uid).items() if state != DONE] \
                if uid is not None else []
            if open_pages:
                lines.append(self.tr("{unit}：{pages}").format(unit=request.unit, pages="、".join(open_pages)))
        return lines

    def _provisional(self, requests) -> list[ProvisionalSheet]:
        """The score sheets about to be signed whose ranking points would still be 暂定 when signed."""
        return self.session.provisional_on_signing([r.unit for r in requests if r.kind == SHEET and r.unit])

    def _confirm_provisional(self, sheets: list[ProvisionalSheet]) -> bool:
        """The assessor confirms signing sheets whose ranking points and grade may still move (default: 取消)."""
        if len(sheets) == 1:
            text = render(sheets[0].message())
        else:
            waiting = list(dict.fromkeys(w for s in sheets for w in s.waiting_for))
            text = self.tr("以下 {n} 家单位的考核评分表签名时，尚有运营单位数据未定稿（{waiting}），排名类条款"
                           "（{clauses}）得分及等级仍为暂定，签名的评分表将带“暂定”水印，日后可能变动：\n\n{names}").format(
                n=len(sheets), waiting="、".join(waiting[:5]) + (self.tr("等 {n} 家").format(n=len(waiting))
                                                                if len(waiting) > 5 else ""),
                clauses="、".join(dict.fromkeys(c for s in sheets for c in s.clauses)),
                names=self._first_units([s.unit for s in sheets]))
            # the units whose E is certain once signed, whatever the others do (core/years/standing.py)
            settled = [f"{s.unit}：{render(note)}" for s in sheets if (note := s.e_settled) is not None]
            if settled:
                text += "\n\n" + "\n".join(settled)
        ask = render(Msg.of("pdf.sign_provisional_ask"))
        return self._sign_anyway(self.tr("排名类条款得分暂定"), f"{text}\n\n{ask}", QMessageBox.StandardButton.Cancel,
                                 self.tr("取消"))

    def _copies_out(self, requests) -> Msg | None:
        """What signing these score sheets means while a field copy covering one of their units is out (a unit
        signed already is not signed again), or None."""
        units = [uid for r in requests if r.kind == SHEET and r.unit
                 and (uid := self.session.unit_id(r.unit)) is not None and not self.session.locked(uid)]
        return self.session.signing_with_copies_out(units) if units else None

    def _confirm_copies_out(self, out: Msg) -> bool:
        """The assessor decides whether to sign while a field copy covering the unit is out (default: 取消)."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("外业副本尚未合并"),
                          f"{render(out)}\n\n{render(Msg.of('pdf.sign_copy_out_ask'))}",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("继续签名"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("取消"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _confirm_unfinished(self, lines: list[str]) -> bool:
        return self._sign_anyway(
            self.tr("尚有条款未完成"),
            self.tr("以下单位仍有条款未开始或依据不全，签名后其数据即锁定：\n\n{lines}\n\n仍要签名吗？").format(
                lines=self._first_units(lines)),
            QMessageBox.StandardButton.No, self.tr("返回"))

    def _first_units(self, lines: list[str]) -> str:
        """The first ten units' lines, then how many there are in all."""
        return "\n".join(lines[:10] + ([self.tr("……共 {n} 家单位").format(n=len(lines))] if len(lines) > 10 else []))

    def _sign_anyway(self, title: str, text: str, back: QMessageBox.StandardButton, back_label: str) -> bool:
        """The assessor confirms signing despite what `text` says; `back` (the default) signs nothing."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Yes | back, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("仍然签名"))
        box.button(back).setText(back_label)
        box.setDefaultButton(back)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _confirm_overwrite(self, existing: list[Request]) -> bool:
        if len(existing) == 1:
            request = existing[0]
            return replace_question(self, request.target, export_title(
                request.kind, request.unit, len(self.session.unit_ids), self.session.year.year))
        text = self.tr("文件夹中已有 {n} 个同名文件，要全部替换吗？").format(n=len(existing))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("替换文件"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("替换"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        return box.exec() == QMessageBox.StandardButton.Yes

    def _written(self, item: Written) -> None:
        self.show_status(self.tr("已导出 {file}").format(file=item.request.target.name), "#555")

    def _finished(self, result: tuple[KeySigner | None, Outcome]) -> None:
        signer, outcome = result
        self.outcome = outcome
        if signer is not None:
            self._signers[str(signer.path)] = signer
        self._update()
        lines = [self.result_line(w) for w in outcome.written] if len(outcome.written) <= 3 else [
            self.tr("已导出 {n} 个文件到 {folder}").format(n=len(outcome.written),
                                                     folder=outcome.written[0].request.target.parent)]
        colour = GOOD
        if outcome.cancelled:
            lines.append(self.tr("已取消：已导出 {done} 个，其余 {rest} 个未导出。").format(
                done=len(outcome.written), rest=len(self.requested) - len(outcome.written)))
            colour = NEUTRAL
        if outcome.problems:
            lines += [render(p.message) for p in outcome.problems]
            colour = BAD
        self.open_folder.setEnabled(bool(outcome.written))
        self.show_status("\n".join(lines), colour)

    def result_line(self, item: Written) -> str:
        e = item.exported
        parts = [self.tr("{pages} 页").format(pages=e.pages)]
        if e.version is not None:
            parts.append(self.tr("第 {version} 版").format(version=e.version))
        if e.copy_of_signed:
            parts.append(self.tr("已签名定稿版本的副本"))
        if e.moved_since_signed:
            parts.append(self.tr("当前数据，签名后得分已变动，不是该版本的副本"))
        if e.signed:
            parts.append(self.tr("已签名"))
        if e.locked:
            parts.append(self.tr("本单位数据已锁定"))
        return self.tr("已导出 {file}（{details}）").format(file=item.request.target, details="，".join(parts))

    def reject(self) -> None:
        super().reject()  # the work stopped first
        self._signers.clear()  # the opened keys leave memory with the dialog
        self.password.clear()
