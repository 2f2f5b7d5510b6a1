"""The 签章 menu of the main window: handwritten signatures, PDF export (signed or not), unlocking a
signed unit, verifying PDFs, and the signing keys. The main window only creates it:

    self.pdf_actions = PdfActions(self, self.menuBar())

It reads the window's open session and current unit when an action runs (window.session,
window.current_unit_id(), window.show_problems)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenuBar

from core.common.messages import render
from ui.pdf_kinds import ALL_SHEETS, RECORD, SHEET, SUMMARY

# The dialogs are imported when first used: they bring reportlab and pyHanko, which would slow the
# program's start.


class PdfActions(QObject):
    def __init__(self, window: QMainWindow, bar: QMenuBar):
        super().__init__(window)
        self.window = window
        self.menu = bar.addMenu(self.tr("签章(&S)"))
        self.menu.aboutToShow.connect(self.update)
        self.sign_action = self._add(self.tr("手写签名…"), self.sign)
        self.signatures_action = self._add(self.tr("管理手写签名…"), self.manage_signatures)
        self.menu.addSeparator()
        self.record_action = self._add(self.tr("导出现场核查记录（PDF）…"), lambda: self.export(RECORD))
        self.sheet_action = self._add(self.tr("导出考核评分表（PDF）…"), lambda: self.export(SHEET))
        self.summary_action = self._add(self.tr("导出考核结果汇总表（PDF）…"), lambda: self.export(SUMMARY))
        self.all_action = self._add(self.tr("导出全部单位的考核评分表…"), lambda: self.export(ALL_SHEETS))
        self.menu.addSeparator()
        self.reopen_action = self._add(self.tr("解锁本单位（重新开放）…"), self.reopen)
        self.menu.addSeparator()
        self._add(self.tr("校验 PDF 签名…"), self.verify)
        self._add(self.tr("签名密钥…"), self.keys)
        self.update()

    def _add(self, text: str, slot) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _=False: slot())
        self.menu.addAction(action)
        return action

    def _unit(self) -> int | None:
        session = self.window.session
        uid = self.window.current_unit_id() if session is not None else None
        return uid if session is not None and uid in session.unit_ids else None

    def update(self) -> None:
        session = self.window.session
        uid = self._unit()
        for action in (self.signatures_action, self.summary_action, self.all_action):
            action.setEnabled(session is not None)
        self.sign_action.setEnabled(session is not None and not session.read_only)
        for action in (self.record_action, self.sheet_action):
            action.setEnabled(uid is not None)
        self.reopen_action.setEnabled(uid is not None and session.locked(uid) and not session.read_only)

    def sign(self) -> None:
        from ui.signature_pad import SignatureDialog
        if self.window.session is not None:
            SignatureDialog(self.window.session, self._unit(), parent=self.window).exec()

    def manage_signatures(self) -> None:
        from ui.signature_pad import SignaturesDialog
        if self.window.session is not None:
            SignaturesDialog(self.window.session, self._unit(), self.window).exec()

    def export(self, kind: str) -> None:
        from ui.pdf_export import ExportDialog
        if self.window.session is not None:
            ExportDialog(self.window.session, self._unit(), kind, self.window).exec()

    def reopen(self) -> None:
        from ui.reopen import reopen_unit
        uid = self._unit()
        if uid is not None:
            reopen_unit(self.window, self.window.session, uid,
                        lambda texts: self.window.show_problems(texts, self.tr("未解锁")))

    def verify(self) -> None:
        from core.pdf.anchors import DocumentHead
        from ui.pdf_verify import VerifyDialog, known_fingerprints
        session = self.window.session

        def trail(head: DocumentHead, document: str) -> tuple[bool | None, str]:
            holds, msg = session.trail_holds(head.seq, head.hash, head.copy, document)
            return holds, render(msg)

        def figures(sha256: str) -> tuple[bool, str] | None:
            said = session.signed_sheet_verdict(sha256)
            return None if said is None else (said.code == "sheet.figures_same", render(said))
        VerifyDialog(known_fingerprints(session), session.file.name if session else None, self.window,
                     trail=trail if session else None, figures=figures if session else None,
                     signed=session.signed_sheet if session else None,
                     registered=session.registered_certificates() if session else ()).exec()

    def keys(self) -> None:
        from ui.pdf_keys import KeysDialog
        session = self.window.session
        name = session.assessor.name if session and session.assessor else ""
        KeysDialog(name, self.window).exec()
