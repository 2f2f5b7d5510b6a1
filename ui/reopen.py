"""Unlock (reopen) a unit that a signed score sheet locked: the reason is required and audited; the signed
version stays verifiable but no longer stands for the newest facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from core.editing.session import Session
from ui.dialogs import ReasonDialog
from ui.models import problems_text


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
