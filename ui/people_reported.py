"""The people a unit's monthly reports (每月送工信息) name who are on none of its rosters, as 人员核对 lists them
(with the other units whose rosters name them)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from core.common.identifiers import mask_id_number
from core.common.messages import render
from core.people.matching import ReportedOnly
from ui.models import NOT_COUNTED_BRUSH, ListModel, translate


class ReportedOnlyModel(ListModel):
    """One row a person: who, the months reported, the base and employer the reports give, where in them."""

    id_columns = (1, 1)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers = [translate("PeopleView", "姓名"), translate("PeopleView", "身份证号码"),
                        translate("PeopleView", "报送月份"), translate("PeopleView", "基地"),
                        translate("PeopleView", "用工单位"), translate("PeopleView", "送工信息中的位置"),
                        translate("PeopleView", "其他单位的花名册")]

    @property
    def people(self) -> list[ReportedOnly]:
        return self.items

    def cell(self, p: ReportedOnly, col: int) -> str:
        if col == 0:
            return p.name
        if col == 1:
            return p.id_number if self.full_ids else mask_id_number(p.id_number)
        if col == 2:
            return render(p.months_words)
        if col == 3:
            return p.base or "—"
        if col == 4:
            return p.employer or "—"
        if col == 5:
            return render(p.where)
        return "、".join(p.elsewhere) or "—"

    def sort_key(self, p: ReportedOnly, column: int) -> Any:
        if column == 1:
            return p.id_number
        if column == 2:
            return p.months
        if column == 5:
            return (p.record.file, p.record.sheet, p.record.row)
        return self.cell(p, column)

    def styled(self, p: ReportedOnly, column: int, role: int) -> Any:
        return NOT_COUNTED_BRUSH if role == Qt.ItemDataRole.BackgroundRole else None
