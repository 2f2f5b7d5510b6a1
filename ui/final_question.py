"""The question before units are marked 定稿 while some of their clauses are not 已完成 (未开始 or 依据不全):
which units, how far each is, 取消 by default."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from core.common.messages import render
from core.editing.session import Session

translate = QCoreApplication.translate
SHOWN = 10  # units named in the question; the rest counted


def final_confirmed(parent: QWidget, session: Session, unit_ids: Sequence[int]) -> bool:
    """True when every unit is through (nothing to ask) or the assessor chose to mark them 定稿 anyway."""
    unfinished = session.not_done(unit_ids)
    if not unfinished:
        return True
    lines = [translate("FinalQuestion", "{name}（已完成 {done}/{total} 条）\n　　{which}").format(
        name=name, done=progress.done, total=progress.total, which=render(progress.not_done()))
        for name, progress in unfinished[:SHOWN]]
    if len(unfinished) > SHOWN:
        lines.append(translate("FinalQuestion", "……共 {count} 家单位").format(count=len(unfinished)))
    box = QMessageBox(QMessageBox.Icon.Question, translate("FinalQuestion", "尚有条款未完成"),
                      translate("FinalQuestion", "以下单位尚有条款未开始或依据不全：\n{units}\n\n"
                                "定稿表示数据已核实无误；仍要标记为数据已定稿吗？").format(units="\n".join(lines)),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(translate("FinalQuestion", "仍标记定稿"))
    box.button(QMessageBox.StandardButton.Cancel).setText(translate("FinalQuestion", "取消"))
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 30em; }")  # a line of clause numbers unbroken
    return box.exec() == QMessageBox.StandardButton.Yes
