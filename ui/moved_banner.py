"""Where an edit moved other units' 考核结果 or 等级 (a unit's people counted from its roster can take another's
合格): a banner over the year saying which and how, until the assessor closes it or a later edit moves others."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from core.common.messages import Msg, render


class MovedVerdictsBanner(QFrame):
    """Over the open year, from an edit that moved other units' verdicts until 知道了 (or the next such edit)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("movedVerdictsBanner")
        self.setStyleSheet("#movedVerdictsBanner { background: #fff4e0; border: 1px solid #d9a441; "
                           "border-radius: 4px; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 6, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #6b4400;")
        row.addWidget(self.label, 1)
        self.close_button = QPushButton(QCoreApplication.translate("MovedVerdictsBanner", "知道了"))
        self.close_button.clicked.connect(self.hide)
        row.addWidget(self.close_button)

    def say(self, moved: Msg, by: Msg | None) -> None:
        """What the edit `by` (or its undo or redo) just moved, with the time (a later edit that moves nothing leaves
        it standing)."""
        self.label.setText(QCoreApplication.translate("MovedVerdictsBanner", "{time} {by}后：{moved}。").format(
            time=time.strftime("%H:%M"), by="" if by is None else render(by), moved=render(moved)))
        self.show()
