"""Adopting the program's newer rule set for the year with a reason (core.store.rule_updates), as the
clause page's notice (ui/rule_banner.py) offers."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.editing.session import Session
from ui.dialogs import ReasonDialog


class AdoptRulesDialog(ReasonDialog):
    """Adopt the program's rule set for the year: what changes, and the reason (required, audited)."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("采用新版细则"))
        stored, program = session.rules, session.program_rules
        self._build(self.tr(
            "本年度将改按程序自带的新版细则“{title}”（校验码 {new}）计分，取代文件中所存的版本（校验码 {old}）。\n"
            "全部运营单位随即按新版细则重新计分；已签名定稿的运营单位须先解除锁定。"
            "更换前后的细则全文都记入审计记录，原结果仍可查证。").format(
                title=program.title if program else "", new=program.sha256[:12] if program else "",
                old=stored.sha256[:12]),
            self.tr("更换理由（必填，记入审计记录）："), self.tr("采用新版细则"), 600)
