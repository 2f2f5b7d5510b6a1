"""4.1: the assessor's own award for the unit's organisation and management, or the suggestion the
evidence ticks make, with the reason when the two differ."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QLineEdit

from core.scoring.assessment import Page
from core.scoring.facts import Unit
from core.scoring.formulas import management_suggestion
from ui.editors.base import EditorContext, FactsEditor


class PointsBox(QDoubleSpinBox):
    """Points to the half point, written as the other scores are: 9, 9.5 (not 9.0)."""

    def textFromValue(self, value: float) -> str:
        return f"{value:.1f}".removesuffix(".0")


class ManagementEditor(FactsEditor):
    def __init__(self, context: EditorContext, page: Page, unit_id: int):
        super().__init__(context, page, unit_id)
        # Each unit's own award as last shown: 采用建议分 ticked keeps it in the box (greyed), and unticked brings it
        # back, rather than a 0 that, with the reason still there, would score the unit 0.
        self.own_award: dict[int, float] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.use = use = QCheckBox(self.tr("采用建议分（按依据勾选情况）"))
        self.awarded = spin = PointsBox()
        spin.setRange(0, float(page.clause.points) if page.clause is not None else 0.0)
        spin.setDecimals(1)
        spin.setSingleStep(0.5)
        self.reason = reason = QLineEdit()
        reason.setPlaceholderText(self.tr("评分与建议分不同时须填写理由"))
        use.toggled.connect(self._use_toggled)
        spin.valueChanged.connect(lambda _: self.put("management", self._commit_management))
        reason.textEdited.connect(lambda _: self.put("management", self._commit_management))
        self.value_widgets.update(use_suggestion=use, awarded=spin, award_reason=reason)
        form.addRow(use)
        form.addRow(self.tr("考核人员评定分"), spin)
        form.addRow(self.tr("理由"), reason)

    def _use_toggled(self, on: bool) -> None:
        self.awarded.setEnabled(not on)
        self._commit_management()

    def _commit_management(self) -> None:
        awarded = None if self.use.isChecked() else Fraction(f"{self.awarded.value():.1f}")
        reason = self.reason.text().strip()
        m = self.session.unit(self.unit_id).management
        if m.awarded == awarded and m.reason == reason:
            return
        self.commit(self.session.set_management(self.tr("修改组织管理评定分"), self.unit_id, awarded, reason))

    def show_values(self, unit: Unit) -> None:
        m = unit.management
        self._set("use_suggestion", "setChecked", m.awarded is None)
        if m.awarded is not None:
            self.own_award[self.unit_id] = float(m.awarded)
        shown = self.own_award.get(self.unit_id)
        if shown is None and self.page.clause is not None:  # none given yet: unticking starts from the suggestion
            shown = float(management_suggestion(self.page.clause, unit))
        self._set("awarded", "setValue", shown or 0.0)
        self.awarded.setEnabled(m.awarded is not None)
        if self.reason.text() != m.reason and "management" not in self.context.pending:
            self._set("award_reason", "setText", m.reason)
