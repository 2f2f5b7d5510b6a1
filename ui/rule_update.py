"""The clause page's notice that the program brings a newer rule set for the year (a reading the year's
stored rule set predates), and adopting it with a reason (core.store.rule_updates)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from core.common.messages import render
from core.editing.session import Session
from ui.dialogs import ReasonDialog


class NewerRulesBanner(QFrame):
    """Shown on a clause page whose clause has a newer reading in the program's rule set."""

    adopted = Signal()  # the year's rule set was changed: the year is opened again under it
    problems = Signal(list)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("newerRulesBanner")
        self.setStyleSheet("#newerRulesBanner { background: #e8f1fb; border: 1px solid #7fa7d1; border-radius: 4px; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #1f3f66;")
        self.adopt_button = QPushButton(self.tr("采用新版细则…"))
        self.adopt_button.clicked.connect(self.adopt)
        row.addWidget(self.label, 1)
        row.addWidget(self.adopt_button)
        self.hide()

    def show_for(self, clause_id: str | None) -> None:
        notice = self.session.newer_reading_notice(clause_id) if clause_id else None
        if notice is None:
            self.hide()
            return
        self.label.setText(render(notice))
        self.adopt_button.setEnabled(not self.session.read_only)
        self.show()

    def adopt(self) -> None:
        dialog = AdoptRulesDialog(self.session, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        edit = self.session.adopt_program_rules(dialog.value())
        if not edit.ok:
            self.problems.emit([p.text() for p in edit.problems])
            return
        self.adopted.emit()


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
