"""The clause page's notice that the program brings a newer rule set for the year (a reading the year's
stored rule set predates); adopting it (ui/rule_update.py) is imported when first asked for."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from core.common.messages import render
from core.editing.session import Session


class NewerRulesBanner(QFrame):
    """Shown on a clause page whose clause has a newer reading in the program's rule set."""

    adopted = Signal()  # the year's rule set was changed: the year is opened again under it
    problems = Signal(list, str)  # texts, and the box's title

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
        from ui.rule_update import adopt_rules
        problems = adopt_rules(self.session, self)
        if problems:
            self.problems.emit([p.text() for p in problems], self.tr("未能更换细则"))
        elif problems is not None:
            self.adopted.emit()
