"""A field copy says so where the assessor looks: a banner over the year naming whom it was handed to and
which units (marked in the unit list), and a unit not handed over is changed only after asking once."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QWidget

from core.common.messages import Msg, render
from core.editing.session import Session


def banner_text(session: Session) -> str:
    handed = session.field_copy
    assert handed is not None
    if handed.units is None:
        return render(Msg.of("teamwork.banner_whole", assessor=handed.assessor))
    names = [session.unit(uid).name for uid in session.unit_ids if uid in handed.units]
    return render(Msg.of("teamwork.banner_units", assessor=handed.assessor, units="、".join(names)))


class FieldCopyBanner(QFrame):
    """Over the open year, while it is a field copy."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fieldCopyBanner")
        self.setStyleSheet("#fieldCopyBanner { background: #e3effc; border: 1px solid #6f9fd8; border-radius: 4px; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        self.label = QLabel(banner_text(session))
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #1d3f6e; font-weight: bold;")
        row.addWidget(self.label, 1)


def ask_change_outside(parent: QWidget, session: Session, unit_id: int) -> bool:
    """Whether the assessor wants to change a unit not handed over with the copy (asked once per unit: a
    yes is kept in the session, and the change comes back to the office for the lead to confirm)."""
    handed = session.field_copy
    assert handed is not None
    title = QCoreApplication.translate("FieldCopyBanner", "修改不在外业副本中的单位")
    box = QMessageBox(QMessageBox.Icon.Question, title, render(Msg.of(
        "teamwork.ask_outside", unit=session.unit(unit_id).name, assessor=handed.assessor)),
        QMessageBox.StandardButton.NoButton, parent)
    change = box.addButton(QCoreApplication.translate("FieldCopyBanner", "仍要修改"), QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton(QCoreApplication.translate("FieldCopyBanner", "不修改"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    if box.clickedButton() is not change:
        return False
    session.change_outside_copy(unit_id)
    return True
