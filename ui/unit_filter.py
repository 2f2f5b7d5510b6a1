"""The unit list as a worklist: which units it shows (显示) and in which order (排序)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCollator, QLocale, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from core.common.search import search_key
from core.scoring.assessment import DONE, INCOMPLETE, NOT_STARTED
from core.scoring.engine import QUALIFIED

if TYPE_CHECKING:
    from ui.year_models import UnitListModel

SHOW_ALL, SHOW_NOT_STARTED, SHOW_INCOMPLETE, SHOW_DONE, SHOW_FINAL, SHOW_FAILED = (
    "all", "not_started", "incomplete", "done", "final", "failed")
SORT_FILE, SORT_NAME, SORT_TOTAL, SORT_GRADE, SORT_PROGRESS = "file", "name", "total", "grade", "progress"


class UnitFilter(QSortFilterProxyModel):
    """The unit list filtered by name and by where each unit's assessment stands, in the order chosen."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show = SHOW_ALL
        self.order = SORT_FILE
        self.text = ""  # the name searched for, as search_key makes it
        self.collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))  # 拼音 order

    def set_text(self, text: str) -> None:
        """Show the units whose name holds the text (full-width or half-width, any case, spaces aside)."""
        self.text = search_key(text)
        self.invalidateRowsFilter()

    def set_show(self, show: str) -> None:
        self.show = show
        self.invalidateRowsFilter()

    def set_order(self, order: str) -> None:
        self.order = order
        self.invalidate()
        self.sort(0)

    def _unit(self, row: int):
        model = cast("UnitListModel", self.sourceModel())
        uid = model.unit_id(row)
        return uid, model.session, model.progress(uid)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        text = self.text
        if self.show == SHOW_ALL and not text:
            return True
        uid, session, progress = self._unit(row)
        if text and text not in search_key(session.unit(uid).name):
            return False
        states = set(progress.values())
        return {SHOW_ALL: True,
                SHOW_NOT_STARTED: NOT_STARTED in states,
                SHOW_INCOMPLETE: INCOMPLETE in states,
                SHOW_DONE: states == {DONE},
                SHOW_FINAL: session.unit(uid).facts_final or session.locked(uid),
                # a unit not assessed yet has no verdict, though it has no points either
                SHOW_FAILED: session.unit_result(uid).status != QUALIFIED and session.standing(uid).started}[self.show]

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:
        if self.order == SORT_FILE:
            return left.row() < right.row()
        (a, session, pa), (b, _, pb) = self._unit(left.row()), self._unit(right.row())
        if self.order == SORT_NAME:
            return self.collator.compare(session.unit(a).name, session.unit(b).name) < 0
        if self.order == SORT_TOTAL:  # the best first
            return (-session.unit_result(a).total, left.row()) < (-session.unit_result(b).total, right.row())
        if self.order == SORT_GRADE:  # a unit nobody has assessed yet has no grade: after every graded one
            return ((not session.standing(a).started, session.unit_result(a).grade, -session.unit_result(a).total,
                     left.row())
                    < (not session.standing(b).started, session.unit_result(b).grade, -session.unit_result(b).total,
                       right.row()))
        done_a = sum(1 for v in pa.values() if v == DONE)  # SORT_PROGRESS: the least done first
        done_b = sum(1 for v in pb.values() if v == DONE)
        return (done_a, left.row()) < (done_b, right.row())
