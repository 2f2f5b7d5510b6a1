"""The question asked before a clause's figures are taken from a source that holds nothing of the unit
(名单核对 with no roster imported, the platform's exports without the unit's records): what is missing, what
each clause's points and the unit's total and grade become, 暂不更改 by default."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from core.editing.session import Session
from core.scoring.engine import QUALIFIED, UnitResult
from core.scoring.facts import COUNTS_FROM_ROSTERS
from ui.models import number, status_text

translate = QCoreApplication.translate


def source_change_confirmed(parent: QWidget, session: Session, unit_id: int, absent: str, after: UnitResult,
                            clause_ids: list[str], switch_text: str) -> bool:
    """Ask before a source is chosen that holds nothing of the unit: what is absent, what the clauses and
    the unit's total and grade will become, and the way to do it right (import first). True: switch."""
    now = session.unit_result(unit_id)

    def standing(result: UnitResult) -> str:
        text = translate("CountSource", "{total} 分、{grade}级").format(total=number(result.total), grade=result.grade)
        return text if result.status == QUALIFIED else text + translate("CountSource", "（{status}）").format(
            status=status_text(result.status))
    changes = [translate("CountSource", "{clause} 由 {before} 分变为 {after} 分").format(
        clause=c, before=number(now.clause(c).net), after=number(after.clause(c).net)) for c in clause_ids
        if now.clause(c).net != after.clause(c).net]  # unchanged clauses would only hide the others
    box = QMessageBox(QMessageBox.Icon.Warning, translate("CountSource", "数据来源中没有本单位的数据"),
                      translate("CountSource", "{absent}\n\n现在改过去，{changes}本单位总分由 {before} 变为 {after}，"
                                "缺少数据的条款将显示“依据不全”。{final}\n\n仍要现在改吗？（可用“撤销”改回）").format(
                          absent=absent, changes="".join(c + "；" for c in changes), before=standing(now),
                          after=standing(after), final=translate("CountSource", "本单位数据已定稿，改后将取消定稿。")
                          if session.unit(unit_id).facts_final else ""),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(switch_text)
    box.button(QMessageBox.StandardButton.No).setText(translate("CountSource", "暂不更改"))
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def roster_source_confirmed(parent: QWidget, session: Session, unit_id: int,
                            base_ids: Sequence[int] | None = None) -> bool:
    """名单核对 for the unit's bases (all, or those given): asked first when the unit has no roster imported;
    True when it has one, or the assessor chose to switch anyway."""
    if session.rosters_imported(unit_id):
        return True
    absent = translate("CountSource", "本单位尚未导入花名册：改为名单核对，各基地的人数都按 0 人计。")
    if base_ids is not None:
        absent = translate("CountSource", "本单位尚未导入花名册：改为名单核对，该基地的人数按 0 人计。")
    return source_change_confirmed(
        parent, session, unit_id, absent,
        session.result_with_source(unit_id, count_source=COUNTS_FROM_ROSTERS, base_ids=base_ids),
        [p.id for p in session.pages if p.count_source], translate("CountSource", "仍改为名单核对"))
