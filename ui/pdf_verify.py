"""Verify signed PDFs, dropped on the dialog or chosen: for each, 完好 or 已被修改, the signer and whether this
computer trusts them, the signing time, the certificate's fingerprint, whether the open year knows the
certificate, and whether the open year's audit trail still holds the head the document was made at."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.common.messages import Msg, render
from core.common.problems import Problem
from core.editing.session import Session
from core.pdf.anchors import DocumentHead, keyword_anchor, signer_doubts
from core.pdf.signing import SigningError, Verification, quiet_libraries, signer_identity, verify_pdf
from core.pdf.trust import add_trusted, certificates_in, same_name_others, trusted, trusted_certificates
from core.store.signatures import normal_fingerprint
from ui.worker import Job, Worker
from ui.worker_dialog import BAD, GOOD, WorkerDialog

NEUTRAL = "#9a5b00"  # could not be checked
WARN = "#b45f06"  # intact, but the signer is not trusted


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
        job.produce((path, verify_pdf(data, name=path.name, known=check, trusted=trusted), keyword_anchor(data),
                     hashlib.sha256(data).hexdigest()))
    return len(paths)


def pdf_paths(urls: list[QUrl]) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile().lower().endswith(".pdf")]


class VerifyDialog(WorkerDialog):
    """Drop signed PDFs here (or choose them): for each, 完好 or 已被修改, the signer, the signing time,
    the certificate's fingerprint, whether the open year knows the certificate, and whether the open
    year's audit trail still holds the head the document was made at (`trail(head, file name)` answers: yes, no,
    or None for a document made in a field copy, whose head is the copy's), and whether a score sheet the year
    signed still shows the unit's figures (`figures(sha256)` answers: (good, sentence)).
    The audit line is never an all-clear for a sheet whose signer the year did not register or this computer
    does not trust, or one the year has no record of signing (`signed(sha256)` answers): it says so
    (core/pdf/anchors.py signer_doubts, as `verify-audit --against` does). Trusting a signer warns of another
    certificate under the same name already trusted here or registered in the year (`registered`)."""

    def __init__(self, known: frozenset[str] | None = None, dataset: str | None = None, parent: QWidget | None = None,
                 trail: Callable[[DocumentHead, str], tuple[bool | None, str]] | None = None,
                 figures: Callable[[str], tuple[bool, str] | None] | None = None,
                 signed: Callable[[str], bool] | None = None, registered: Sequence[tuple[str, str]] = ()):
        super().__init__(parent)
        self.failing = self.tr("校验失败")
        self.known = known
        self.dataset = dataset
        self.trail = trail
        self.figures = figures
        self.signed = signed
        self.registered = list(registered)
        self.results: dict[Path, Verification] = {}
        self.setWindowTitle(self.tr("校验 PDF 签名"))
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        self.drop = QLabel(self.tr("把签名的 PDF 文件拖到这里（可一次多个），或点“选择文件…”"))
        self.drop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop.setWordWrap(True)
        self.drop.setMinimumHeight(72)
        self.drop.setStyleSheet("border: 2px dashed #8a8a8a; border-radius: 6px; color: #444; padding: 8px;")
        layout.addWidget(self.drop)
        scope = (self.tr("证书核对：与年度数据文件 {dataset} 中登记的证书比对。").format(dataset=dataset)
                 if known is not None else self.tr("证书核对：没有打开年度数据文件，只校验文件是否完好。"))
        scope_label = QLabel(scope)
        scope_label.setWordWrap(True)
        scope_label.setStyleSheet("color: #555;")
        layout.addWidget(scope_label)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.cards_widget = QWidget()
        self.cards = QVBoxLayout(self.cards_widget)
        self.cards.addStretch(1)
        self.scroll_area.setWidget(self.cards_widget)
        layout.addWidget(self.scroll_area, 1)
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
        if self.running:
            return None
        return self.run(verify_job, list(paths), self.known, label=self.tr("正在校验签名…"),
                        produced=lambda item: self.show_result(*item))

    def tell_failure(self, text: str) -> None:
        QMessageBox.warning(self, self.tr("校验失败"), text)

    def show_result(self, path: Path, v: Verification, anchor: DocumentHead | None = None,
                    sha256: str | None = None) -> None:
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
        if v.signature_lost:
            verdict.setText(self.tr("签名已失效：不可作为正式文件使用"))
            colour = BAD
        elif v.problems:
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
            identity = signer_identity(s)  # the command line's words (core/pdf/signing.py)
            trust = self._wrapped(render(identity) if identity is not None else "—")
            trust.setObjectName("identity")
            if not s.trusted:
                trust.setStyleSheet(f"color: {WARN};")
            form.addRow(self.tr("签名人身份"), trust)
            if n == len(v.signatures) and anchor is not None and self.trail is not None and v.intact:
                # the head the sheet was made at, inside its signed bytes (None: a field copy's, not the year's)
                holds, text = self.trail(anchor, path.name)
                doubts = signer_doubts(v, sha256 or "", self.signed if sha256 else None)
                row = self._wrapped("\n".join([text] + [render(d) for d in doubts]))
                row.setStyleSheet(f"color: {BAD if doubts else NEUTRAL if holds is None else GOOD if holds else BAD};")
                row.setObjectName("trail")
                form.addRow(self.tr("审计记录"), row)
            figures = self.figures(sha256) if n == len(v.signatures) and v.intact and self.figures and sha256 else None
            if figures is not None:
                agree, text = figures
                row = self._wrapped(text)
                row.setStyleSheet(f"color: {GOOD if agree else BAD};")
                row.setObjectName("figures")
                form.addRow(self.tr("得分"), row)
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
        others = same_name_others(cert, trusted(), self.registered)
        warning = "".join("\n\n" + render(m) for m in others)
        box = QMessageBox(QMessageBox.Icon.Warning if others else QMessageBox.Icon.Question, self.tr("信任签名人"),
                          self.tr("请先与签名人本人核对证书指纹，确认无误后再信任。\n\n签名人：{signer}\n证书指纹（SHA-256）：\n{fp}\n\n"
                                  "信任后，此证书签名的文件在本机显示为“签名人可信”。").format(
                              signer=s.subject, fp=s.fingerprint) + warning,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("trust_box")
        if others:  # Return must not trust a certificate that may be a forger's
            box.setDefaultButton(QMessageBox.StandardButton.No)
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
