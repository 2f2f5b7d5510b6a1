"""3.2: the unit's overall rating on the platform (平台综合评分, 0–5), or none."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout

from core.scoring.assessment import Page
from core.scoring.facts import Unit
from ui.editors.base import EditorContext, FactsEditor


class PlatformRatingEditor(FactsEditor):
    def __init__(self, context: EditorContext, page: Page, unit_id: int):
        super().__init__(context, page, unit_id)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.has = has = QCheckBox(self.tr("有平台综合评分"))
        self.rating = spin = QDoubleSpinBox()
        spin.setRange(0, 5)
        spin.setDecimals(2)
        spin.setSingleStep(0.1)
        has.toggled.connect(self._has_toggled)
        spin.valueChanged.connect(lambda _: self.put("rating", self._commit_rating))
        self.value_widgets.update(has_rating=has, platform_rating=spin)
        form.addRow(has)
        form.addRow(self.tr("平台综合评分"), spin)

    def _has_toggled(self, on: bool) -> None:
        self.rating.setEnabled(on)
        self._commit_rating()

    def _commit_rating(self) -> None:
        rating = Fraction(f"{self.rating.value():.2f}") if self.has.isChecked() else None
        self.commit(self.session.set_platform_rating(self.tr("修改平台综合评分"), self.unit_id, rating))

    def show_values(self, unit: Unit) -> None:
        self._set("has_rating", "setChecked", unit.platform_rating is not None)
        self._set("platform_rating", "setValue", float(unit.platform_rating or 0))
        self.rating.setEnabled(unit.platform_rating is not None)
