"""The PDF documents from the desktop: export (one unit's 现场核查记录 or 考核评分表, the year's 考核结果
汇总表, or every unit's score sheet into a folder), optionally signed with the assessor's key; the
keys (create a key and self-signed certificate, import the bureau's .p12, choose the one to sign
with); verifying signed PDFs (dropped on the dialog or chosen); and reopening a unit that a signed
score sheet locked. The documents, keys and checks are core's (core/pdf/export.py, core/pdf/batch.py,
core/pdf/signing.py); the work runs in a worker (ui/worker.py), so the window never freezes.

Passwords are never stored: the export dialog keeps the opened key in memory while it is open."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.common.messages import Msg, render
from core.common.problems import Problem
from core.editing.session import Session
from core.pdf.anchors import keyword_anchor
from core.pdf.batch import Outcome, Request, Written, export_batch
from core.pdf.sheets import RECORD, SHEET, SUMMARY, Visit
from core.pdf.signing import (
    KeyInfo,
    KeySigner,
    SigningError,
    Verification,
    create_key,
    default_key_dir,
    import_key,
    load_signer,
    quiet_libraries,
    verify_pdf,
)
from core.pdf.trust import add_trusted, certificates_in, trust_own_key, trusted_certificates
from core.scoring.assessment import DONE
from core.store.signatures import normal_fingerprint
from ui.dialogs import ReasonDialog, error_label, safe_file_name
from ui.models import problems_text
from ui.pdf_kinds import ALL_SHEETS  # every unit's score sheet, into a folder
from ui.worker import Job, Worker, progress_dialog

KEY_SETTING = "signing/key"
FOLDER_SETTING = "pdf/folder"
GOOD, BAD, NEUTRAL = "#1b7f3b", "#b00020", "#9a5b00"
WARN = "#b45f06"  # intact, but the signer is not trusted
MIN_PASSWORD = 6


def fault_text(exc: BaseException) -> str:
    """A fault from core (it carries a Msg) or an unexpected one, as one line."""
    msg = getattr(exc, "msg", None)
    return render(msg) if isinstance(msg, Msg) else f"{type(exc).__name__}: {exc}"


# ------------------------------------------------------------------ keys

def key_files() -> list[Path]:
    """The .p12 files in the user's key folder, and the chosen key wherever it is."""
    folder = default_key_dir()
    found = sorted(p for p in folder.glob("*.p12") if p.is_file()) if folder.is_dir() else []
    chosen = preferred_key()
    if chosen is not None and chosen not in found:
        found.insert(0, chosen)
    return found


def preferred_key() -> Path | None:
    value = QSettings().value(KEY_SETTING, "")
    path = Path(str(value)) if value else None
    return path if path is not None and path.is_file() else None


def set_preferred_key(path: Path) -> None:
    QSettings().setValue(KEY_SETTING, str(path))


def make_key_job(job: Job, path: Path, name: str, password: str, organisation: str) -> KeyInfo:
    info = create_key(path, name, password, organisation=organisation)
    trust_own_key(info.path, password)
    return info


def import_key_job(job: Job, source: Path, password: str) -> KeyInfo:
    info = import_key(source, default_key_dir(), password)
    trust_own_key(info.path, password)
    return info


class NewKeyDialog(QDialog):
    """A new signing key with a self-signed certificate: name, organisation, password twice; saved as a
    password-protected .p12 in the user's key folder (shown), never in the dataset."""

    def __init__(self, name: str = "", organisation: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("新建签名密钥"))
        self.info: KeyInfo | None = None
        self.worker: Worker | None = None
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.organisation = QLineEdit(organisation)
        self.organisation.setPlaceholderText(self.tr("如：苏州市吴江区人力资源和社会保障局"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("签名人姓名"), self.name)
        form.addRow(self.tr("单位"), self.organisation)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("再次输入密码"), self.again)
        form.addRow(self.tr("保存位置"), self.where)
        note = QLabel(self.tr("私钥用密码加密后只保存在本机的个人配置文件夹中，不写入年度数据文件。"
                              "程序不保存密码，忘记密码后密钥无法使用，只能新建。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        self.box = QDialogButtonBox()
        self.ok = self.box.addButton(self.tr("生成密钥"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.box.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.box.accepted.connect(self.create)
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.box)
        for edit in (self.name, self.password, self.again):
            edit.textChanged.connect(self._check)
        self._check()
        self.resize(600, self.sizeHint().height())

    def target(self) -> Path:
        name = self.name.text().strip() or self.tr("签名密钥")
        return default_key_dir() / (safe_file_name(name) + ".p12")

    def _check(self) -> str:
        self.where.setText(str(self.target()))
        problem = ""
        if not self.name.text().strip():
            problem = self.tr("请填写签名人姓名（写入证书）。")
        elif len(self.password.text()) < MIN_PASSWORD:
            problem = self.tr("密码至少 {n} 个字符。").format(n=MIN_PASSWORD)
        elif self.password.text() != self.again.text():
            problem = self.tr("两次输入的密码不一致。")
        elif self.target().exists():
            problem = self.tr("该位置已有同名密钥文件，不会覆盖；请换一个姓名写法或导入已有密钥。")
        self.error.setText(problem)
        self.ok.setEnabled(not problem)
        return problem

    def create(self) -> Worker | None:
        if self._check():
            return None
        self.ok.setEnabled(False)
        self.worker = Worker(make_key_job, self.target(), self.name.text().strip(), self.password.text(),
                             self.organisation.text().strip(), parent=self)
        self.worker.done.connect(self._made)
        self.worker.failed.connect(lambda exc: (self.error.setText(fault_text(exc)), self.ok.setEnabled(True)))
        self.error.setText(self.tr("正在生成密钥…"))
        self.worker.start()
        return self.worker

    def _made(self, info: KeyInfo) -> None:
        self.info = info
        set_preferred_key(info.path)
        self.password.clear()
        self.again.clear()
        self.accept()


class ImportKeyDialog(QDialog):
    """Import a .p12 (e.g. issued by the bureau) into the user's key folder after its password opens it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入签名密钥"))
        self.info: KeyInfo | None = None
        self.worker: Worker | None = None
        form = QFormLayout()
        self.source = QLineEdit()
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.source, 1)
        row.addWidget(browse)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr(".p12 文件"), row)
        form.addRow(self.tr("密码"), self.password)
        where = QLabel(self.tr("导入到：{folder}").format(folder=default_key_dir()))
        where.setWordWrap(True)
        where.setStyleSheet("color: #555;")
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(where)
        layout.addWidget(self.error)
        self.box = QDialogButtonBox()
        self.ok = self.box.addButton(self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.box.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.box.accepted.connect(self.run)
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.box)
        self.resize(600, self.sizeHint().height())

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择密钥文件"), str(Path.home()),
                                              self.tr("PKCS#12 密钥文件 (*.p12 *.pfx)"))
        if path:
            self.source.setText(path)

    def run(self) -> Worker | None:
        source = Path(self.source.text().strip())
        if not self.source.text().strip() or not source.is_file():
            self.error.setText(self.tr("请选择要导入的 .p12 文件。"))
            return None
        if not self.password.text():
            self.error.setText(self.tr("请输入该密钥文件的密码。"))
            return None
        self.ok.setEnabled(False)
        self.worker = Worker(import_key_job, source, self.password.text(), parent=self)
        self.worker.done.connect(self._imported)
        self.worker.failed.connect(lambda exc: (self.error.setText(fault_text(exc)), self.ok.setEnabled(True)))
        self.worker.start()
        return self.worker

    def _imported(self, info: KeyInfo) -> None:
        self.info = info
        set_preferred_key(info.path)
        self.password.clear()
        self.accept()


class KeysDialog(QDialog):
    """The signing keys in the user's key folder; which one signs (remembered); new and import."""

    def __init__(self, assessor: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.assessor = assessor
        self.setWindowTitle(self.tr("签名密钥"))
        layout = QVBoxLayout(self)
        where = QLabel(self.tr("密钥文件夹：{folder}\n密钥受密码保护，只在本机，不写入年度数据文件；程序不保存密码。")
                       .format(folder=default_key_dir()))
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)
        self.list = QListWidget()
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        new = QPushButton(self.tr("新建密钥…"))
        imported = QPushButton(self.tr("导入 .p12…"))
        self.choose = QPushButton(self.tr("用所选密钥签名"))
        close = QPushButton(self.tr("关闭"))
        for b in (new, imported, self.choose):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        new.clicked.connect(self.new_key)
        imported.clicked.connect(self.import_key)
        self.choose.clicked.connect(self.choose_selected)
        self.list.itemDoubleClicked.connect(lambda _: self.choose_selected())
        close.clicked.connect(self.accept)
        self.reload()
        self.resize(640, 360)

    def reload(self) -> None:
        self.list.clear()
        chosen = preferred_key()
        for path in key_files():
            text = path.name + (self.tr("　（签名时使用）") if path == chosen else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.list.addItem(item)
            if path == chosen:
                self.list.setCurrentItem(item)
        if not self.list.count():
            self.list.addItem(QListWidgetItem(self.tr("尚无密钥。请新建密钥，或导入人社局签发的 .p12 文件。")))
        self.choose.setEnabled(chosen is not None or self.list.count() > 0)

    def choose_selected(self) -> None:
        item = self.list.currentItem()
        path = item.data(Qt.ItemDataRole.UserRole) if item else None
        if path:
            set_preferred_key(Path(path))
            self.reload()

    def new_key(self) -> None:
        if NewKeyDialog(self.assessor, parent=self).exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def import_key(self) -> None:
        if ImportKeyDialog(self).exec() == QDialog.DialogCode.Accepted:
            self.reload()


# ------------------------------------------------------------------ export

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
                                     hashlib.sha256(exported.pdf).hexdigest(), reason)
        return list(edit.problems)

    outcome = export_batch(requests, copy=lambda: job.call_in_main(session.scratch_copy), signer=signer,
                           assessor=assessor, visit=visit, record_signed=lambda e: job.call_in_main(record, e),
                           progress=job.progress, cancelled=lambda: job.cancelled, written=job.produce)
    return signer, outcome


class ExportDialog(QDialog):
    """Export the PDF documents, signed or not. Stays open for further exports; a key opened here is
    kept (in memory only) until the dialog closes, so its password is asked once per dialog."""

    def __init__(self, session: Session, unit_id: int | None, kind: str = SHEET, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.settings = QSettings()
        self.worker: Worker | None = None
        self.progress = None
        self.outcome: Outcome | None = None
        self.requested: list[Request] = []
        self._signers: dict[str, KeySigner] = {}
        self._path_edited = False
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
        unit_row = QHBoxLayout()
        unit_row.addWidget(QLabel(self.tr("运营单位")))
        self.unit = QComboBox()
        for uid in session.unit_ids:
            self.unit.addItem(session.unit(uid).name, uid)
        self.unit.setCurrentIndex(max(0, self.unit.findData(unit_id)))
        self.unit.setMinimumContentsLength(24)
        unit_row.addWidget(self.unit, 1)
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

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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

    def sheet_name(self, uid: int, name: str) -> str:
        version = self.session.next_sheet_version(uid)
        if self.sign.isChecked():
            return self.tr("{unit}-考核评分表-第{version}版.pdf").format(unit=name, version=version)
        return self.tr("{unit}-考核评分表-第{version}版（草稿）.pdf").format(unit=name, version=version)

    def _update(self) -> None:
        kind, uid = self.kind(), self.unit_id()
        self.unit.setEnabled(kind in (RECORD, SHEET))
        self.visit_box.setVisible(kind == RECORD)
        signing = self.sign.isChecked()
        self.key.setEnabled(signing)
        self.password.setEnabled(signing and self.key.currentData() not in self._signers)
        if signing and self.key.currentData() in self._signers:
            self.password.clear()
            self.password.setPlaceholderText(self.tr("已打开此密钥，本窗口关闭前无需再输入密码"))
        note, colour = self.tr("签名后的文件如被改动，校验时会显示“已被修改”。"), "#555"
        if kind == SHEET and uid is not None:
            version = self.session.next_sheet_version(uid)
            if signing:
                note = self.tr("签名即定稿：“{unit}”的考核评分表为第 {version} 版，本单位数据随即锁定；"
                               "此后修改须先解锁（重新开放）并填写理由。").format(unit=self.session.unit(uid).name,
                                                                 version=version)
                colour = NEUTRAL
            else:
                note = self.tr("不签名时导出的是草稿（第 {version} 版，未签名），不锁定数据。").format(version=version)
        elif kind == ALL_SHEETS and signing:
            note = self.tr("签名即定稿：每家单位的考核评分表都定稿并锁定数据；可随时取消，已导出的保留。")
            colour = NEUTRAL
        if self.session.read_only:  # a signed sheet is recorded in the year (its version, its lock)
            note, colour = self.tr("本年度以只读方式打开，不能签名定稿；导出的是未签名的草稿。"), "#555"
        self.sign_note.setText(note)
        self.sign_note.setStyleSheet(f"color: {colour};")
        if not self._path_edited:
            self.path.setText(str(self.default_target()))

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
        target = Path(text)
        if kind in (RECORD, SHEET, ALL_SHEETS) and not self.session.unit_ids:
            return [], self.tr("请先添加运营单位。")
        if kind == ALL_SHEETS:
            try:
                target.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                return [], self.tr("无法创建文件夹 {folder}（{detail}）。").format(folder=target, detail=exc.strerror or exc)
            return [Request(SHEET, self.session.unit(u).name,
                            target / self.sheet_name(u, safe_file_name(self.session.unit(u).name)))
                    for u in self.session.unit_ids], ""
        if not target.parent.is_dir():
            return [], self.tr("文件夹 {folder} 不存在。").format(folder=target.parent)
        return [Request(kind, None if kind == SUMMARY else self.session.unit(uid).name, target)], ""

    def visit(self) -> Visit:
        names = tuple(n.strip() for n in re.split(r"[,，、]", self.visit_assessors.text()) if n.strip())
        return Visit(self.visit_date.text().strip(), self.visit_place.text().strip(), names,
                     self.visit_representative.text().strip())

    def export(self, confirm: bool = True) -> Worker | None:
        """Start the export (in a worker); returns it, or None when something must be fixed first."""
        if self.worker is not None and self.worker.running:
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
        existing = [r.target for r in requests if r.target.exists()]
        if existing and confirm and not self._confirm_overwrite(existing):
            return None
        if signer is not None or self.sign.isChecked():
            unfinished = self._unfinished(requests)
            if unfinished and confirm and not self._confirm_unfinished(unfinished):
                return None
        self.settings.setValue(FOLDER_SETTING, str(requests[0].target.parent if self.kind() != ALL_SHEETS
                                                   else Path(self.path.text().strip()).parent))
        self.outcome = None
        self.requested = requests
        self.worker = Worker(export_job, self.session, requests, key, self.password.text(), signer,
                             self.assessor_name(), self.visit() if self.kind() == RECORD else None, parent=self)
        self.worker.done.connect(self._finished)
        self.worker.cancelled.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.produced.connect(self._written)
        self.progress = progress_dialog(self, self.tr("正在导出 PDF…"), self.worker)
        self.form_area.setEnabled(False)
        self.export_button.setEnabled(False)
        self.show_status(self.tr("正在导出…"), "#555")
        self.worker.start()
        return self.worker

    def _unfinished(self, requests) -> list[str]:
        """'unit: clause ids' of each signed score sheet's unit whose clauses are not all 已完成:
        signing locks the unit, so the assessor is asked first."""
        lines = []
        for request in requests:
            if request.kind != SHEET or not request.unit:
                continue
            uid = self.session.unit_id(request.unit)
            open_pages = [page for page, state in self.session.progress(uid).items() if state != DONE]
            if open_pages:
                lines.append(self.tr("{unit}：{pages}").format(unit=request.unit, pages="、".join(open_pages)))
        return lines

    def _confirm_unfinished(self, lines: list[str]) -> bool:
        shown = lines[:10] + ([self.tr("……共 {n} 家单位").format(n=len(lines))] if len(lines) > 10 else [])
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("尚有条款未完成"),
                          self.tr("以下单位仍有条款未开始或依据不全，签名后其数据即锁定：\n\n{lines}\n\n仍要签名吗？")
                          .format(lines="\n".join(shown)),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("仍然签名"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("返回"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _confirm_overwrite(self, existing: list[Path]) -> bool:
        text = (self.tr("{file} 已存在，要替换吗？").format(file=existing[0].name) if len(existing) == 1 else
                self.tr("文件夹中已有 {n} 个同名文件，要全部替换吗？").format(n=len(existing)))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("替换文件"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("替换"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        return box.exec() == QMessageBox.StandardButton.Yes

    def _written(self, item: Written) -> None:
        self.show_status(self.tr("已导出 {file}").format(file=item.request.target.name), "#555")

    def _done_state(self) -> None:
        self.form_area.setEnabled(True)
        self.export_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self._done_state()
        self.show_status(fault_text(exc), BAD)

    def _finished(self, result: tuple[KeySigner | None, Outcome]) -> None:
        signer, outcome = result
        self.outcome = outcome
        if signer is not None:
            self._signers[str(signer.path)] = signer
        self._done_state()
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
        if e.signed:
            parts.append(self.tr("已签名"))
        if e.locked:
            parts.append(self.tr("本单位数据已锁定"))
        return self.tr("已导出 {file}（{details}）").format(file=item.request.target, details="，".join(parts))

    def show_status(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

    def reject(self) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.stop()
        self._signers.clear()  # the opened keys leave memory with the dialog
        self.password.clear()
        super().reject()


# ------------------------------------------------------------------ verify

def verify_job(job: Job, paths: list[Path], known: frozenset[str] | None) -> int:
    quiet_libraries()
    check = None if known is None else (lambda fingerprint: normal_fingerprint(fingerprint) in known)
    trusted = trusted_certificates()  # read once for all the files
    for index, path in enumerate(paths):
        if job.cancelled:
            break
        job.progress(index, len(paths), path.name)
        try:
            data = path.read_bytes()
        except OSError:
            job.produce((path, Verification(path.name, (), (
                Problem(path.name, "", "", Msg.of("cli.file_not_found", path=str(path))),))))
            continue
        job.produce((path, verify_pdf(data, name=path.name, known=check, trusted=trusted), keyword_anchor(data)))
    return len(paths)


def pdf_paths(urls: list[QUrl]) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile().lower().endswith(".pdf")]


class VerifyDialog(QDialog):
    """Drop signed PDFs here (or choose them): for each, 完好 or 已被修改, the signer, the signing time,
    the certificate's fingerprint, whether the open year knows the certificate, and whether the open
    year's audit trail still holds the head the document was made at (`trail(row, hash)` answers)."""

    def __init__(self, known: frozenset[str] | None = None, dataset: str | None = None, parent: QWidget | None = None,
                 trail: Callable[[int, str], tuple[bool, str]] | None = None):
        super().__init__(parent)
        self.known = known
        self.dataset = dataset
        self.trail = trail
        self.results: dict[Path, Verification] = {}
        self.worker: Worker | None = None
        self.setWindowTitle(self.tr("校验 PDF 签名"))
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        self.drop = QLabel(self.tr("把签名的 PDF 文件拖到这里（可一次多个），或点“选择文件…”"))
        self.drop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop.setWordWrap(True)
        self.drop.setMinimumHeight(72)
        self.drop.setStyleSheet("border: 2px dashed #8a8a8a; border-radius: 6px; color: #444; padding: 8px;")
        layout.addWidget(self.drop)
        scope = (self.tr("证书核对：与年度数据文件 {dataset} 中登记的证书比对。").format(dataset=dataset) if known is not None
                 else self.tr("证书核对：没有打开年度数据文件，只校验文件是否完好。"))
        scope_label = QLabel(scope)
        scope_label.setWordWrap(True)
        scope_label.setStyleSheet("color: #555;")
        layout.addWidget(scope_label)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.cards_widget = QWidget()
        self.cards = QVBoxLayout(self.cards_widget)
        self.cards.addStretch(1)
        self.scroll.setWidget(self.cards_widget)
        layout.addWidget(self.scroll, 1)
        row = QHBoxLayout()
        choose = QPushButton(self.tr("选择文件…"))
        clear = QPushButton(self.tr("清空"))
        close = QPushButton(self.tr("关闭"))
        row.addWidget(choose)
        row.addWidget(clear)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        choose.clicked.connect(self.choose)
        clear.clicked.connect(self.clear)
        close.clicked.connect(self.accept)
        self.resize(820, 600)

    def dragEnterEvent(self, event) -> None:
        if pdf_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        paths = pdf_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.verify_files(paths)

    def choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择要校验的 PDF 文件"), "", self.tr("PDF 文件 (*.pdf)"))
        if paths:
            self.verify_files([Path(p) for p in paths])

    def clear(self) -> None:
        self.results.clear()
        while self.cards.count() > 1:
            widget = self.cards.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone from the dialog now, not at the next event loop turn
                widget.deleteLater()

    def verify_files(self, paths: list[Path]) -> Worker | None:
        if self.worker is not None and self.worker.running:
            return None
        self.worker = Worker(verify_job, list(paths), self.known, parent=self)
        self.worker.produced.connect(lambda item: self.show_result(*item))
        self.worker.failed.connect(lambda exc: QMessageBox.warning(self, self.tr("校验失败"), fault_text(exc)))
        progress_dialog(self, self.tr("正在校验签名…"), self.worker)
        self.worker.start()
        return self.worker

    def show_result(self, path: Path, v: Verification, anchor: tuple[int, str] | None = None) -> None:
        self.results[path] = v
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card_layout = QVBoxLayout(card)
        name = QLabel(str(path))
        name.setWordWrap(True)
        name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = QFont(name.font())
        bold.setBold(True)
        name.setFont(bold)
        card_layout.addWidget(name)
        verdict = QLabel()
        big = QFont(verdict.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        verdict.setFont(big)
        verdict.setWordWrap(True)
        if v.problems:
            verdict.setText(self.tr("无法校验"))
            colour = NEUTRAL
        elif v.intact and v.trusted:
            verdict.setText(self.tr("完好且签名人可信：签名后未被改动"))
            colour = GOOD
        elif v.intact:
            verdict.setText(self.tr("完好但签名人未经确认：签名证书不在本机信任的证书中，任何人都能以同一姓名生成证书"))
            colour = WARN
        else:
            verdict.setText(self.tr("已被修改：签名后文件内容发生了变化，不可作为正式文件使用"))
            colour = BAD
        verdict.setStyleSheet(f"color: {colour};")
        verdict.setObjectName("verdict")
        card_layout.addWidget(verdict)
        for problem in v.problems:
            card_layout.addWidget(self._wrapped(render(problem.message)))
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for n, s in enumerate(v.signatures, start=1):
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            if len(v.signatures) > 1:
                form.addRow(self._wrapped(self.tr("签名 {n}").format(n=n)))
            state = (self.tr("完好，覆盖整个文件") if s.intact and s.whole_file else
                     self.tr("签名部分完好，但签名后文件末尾被追加了内容") if s.intact else
                     self.tr("已失效：签名所覆盖的内容被改动"))
            form.addRow(self.tr("签名状态"), self._wrapped(state))
            signer = s.subject
            form.addRow(self.tr("签名人"), self._wrapped(signer or "—"))
            when = s.signed_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if s.signed_at else "—"
            form.addRow(self.tr("签名时间"), self._wrapped(when))
            half = len(s.fingerprint) // 2 + 1
            fingerprint = self._wrapped(s.fingerprint[:half] + "\n" + s.fingerprint[half:] if s.fingerprint else "—")
            fingerprint.setWordWrap(False)  # two fixed lines of byte pairs; wrapping would cut them
            fingerprint.setFont(mono)
            # the form sizes the row by the label's first font: make room for both lines of this one
            fingerprint.setMinimumHeight(fingerprint.fontMetrics().lineSpacing() * 2 + 2)
            form.addRow(self.tr("证书指纹（SHA-256）"), fingerprint)
            if s.reason:
                form.addRow(self.tr("签名事由"), self._wrapped(s.reason))
            known = self._wrapped(self.tr("未核对（没有打开年度数据文件）") if s.known is None else
                                  self.tr("是，与本年度数据文件登记的证书一致") if s.known else
                                  self.tr("否，不是本年度数据文件登记的证书"))
            if s.known is False:
                known.setStyleSheet(f"color: {BAD};")
            form.addRow(self.tr("证书已登记"), known)
            trust = self._wrapped(
                self.tr("可信（证书由本机信任的颁发机构“{authority}”签发）").format(authority=s.authority) if s.trusted and s.authority
                else self.tr("可信（本机信任此证书）") if s.trusted
                else self.tr("未经确认（本机未信任此证书）"))
            if not s.trusted:
                trust.setStyleSheet(f"color: {WARN};")
            form.addRow(self.tr("签名人身份"), trust)
            if n == len(v.signatures) and anchor is not None and self.trail is not None and v.intact:
                holds, text = self.trail(*anchor)  # the head the sheet was made at, inside its signed bytes
                row = self._wrapped(text)
                row.setStyleSheet(f"color: {GOOD if holds else BAD};")
                row.setObjectName("trail")
                form.addRow(self.tr("审计记录"), row)
            card_layout.addLayout(form)
            if s.intact and not s.trusted and s.fingerprint:
                button = QPushButton(self.tr("信任此签名人的证书…"))
                button.clicked.connect(lambda _checked=False, path=path, n=n - 1: self.trust_signer(path, n))
                card_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.cards.insertWidget(self.cards.count() - 1, card)

    def trust_signer(self, path: Path, index: int) -> bool:
        """After the assessor confirms the signer and fingerprint (checked with the signer by phone or
        in person), the certificate is trusted on this computer and the file checked again."""
        try:
            cert = certificates_in(path)[index]
        except (SigningError, IndexError, OSError):
            return False
        s = self.results[path].signatures[index]
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("信任签名人"),
                          self.tr("请先与签名人本人核对证书指纹，确认无误后再信任。\n\n签名人：{signer}\n证书指纹（SHA-256）：\n{fp}\n\n"
                                  "信任后，此证书签名的文件在本机显示为“签名人可信”。").format(
                              signer=s.subject, fp=s.fingerprint),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("信任"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        add_trusted(cert)
        shown = list(self.results) or [path]
        self.clear()
        self.verify_files(shown)  # checked again in the background; the cards come back as each is done
        return True

    @staticmethod
    def _wrapped(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label


def known_fingerprints(session: Session | None) -> frozenset[str] | None:
    return None if session is None else session.known_fingerprints()


# ------------------------------------------------------------------ reopen

class ReopenDialog(ReasonDialog):
    """Unlock a unit whose score sheet was signed: the reason is required (audited)."""

    def __init__(self, unit: str, version: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("解锁（重新开放）"))
        self._build(self.tr("“{unit}”的考核评分表第 {version} 版已签章定稿，数据已锁定。\n"
                            "解锁后可以修改数据；已签章的第 {version} 版文件仍可校验，但不再代表最新数据，"
                            "修改后须重新导出并签名（第 {next} 版）。").format(unit=unit, version=version,
                                                                     next=version + 1),
                    self.tr("解锁理由（必填，记入审计记录）："), self.tr("解锁"), 560)


def reopen_unit(parent: QWidget, session: Session, unit_id: int,
                report: Callable[[list[str]], Any] | None = None) -> bool:
    """Ask for the reason and reopen the unit (audited); False when cancelled or refused."""
    lock = session.lock(unit_id)
    if lock is None:
        return False
    dialog = ReopenDialog(session.unit(unit_id).name, lock.version, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    edit = session.reopen(unit_id, dialog.value())
    if not edit.ok:
        texts = problems_text(edit)
        if report is not None:
            report(texts)
        else:
            QMessageBox.warning(parent, QCoreApplication.translate("ReopenDialog", "未解锁"), "\n".join(texts))
        return False
    return True

