"""The signing keys on this computer: create a key with a self-signed certificate, import the bureau's
.p12, and choose the one that signs (remembered). Keys are password-protected files in the user's key
folder (core/pdf/signing.py), never in a year file; passwords are never stored."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.pdf.signing import KeyInfo, create_key, default_key_dir, import_key
from core.pdf.trust import trust_own_key
from ui.dialogs import error_label, safe_file_name
from ui.worker import Job, Worker
from ui.worker_dialog import fault_sentence

KEY_SETTING = "signing/key"
MIN_PASSWORD = 6


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
        self.box.accepted.connect(self.make_key)
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

    def make_key(self) -> Worker | None:
        if self._check():
            return None
        self.ok.setEnabled(False)
        self.worker = Worker(make_key_job, self.target(), self.name.text().strip(), self.password.text(),
                             self.organisation.text().strip(), parent=self)
        self.worker.done.connect(self._made)
        self.worker.failed.connect(self._failed)
        self.error.setText(self.tr("正在生成密钥…"))
        self.worker.start()
        return self.worker

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(fault_sentence(exc, self.tr("生成密钥失败")))
        self.ok.setEnabled(True)

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
        self.worker.failed.connect(self._failed)
        self.worker.start()
        return self.worker

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(fault_sentence(exc, self.tr("导入密钥失败")))
        self.ok.setEnabled(True)

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
