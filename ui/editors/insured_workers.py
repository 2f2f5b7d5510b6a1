"""4.2: how many of the unit's workers it insured against accidents (商业意外保险)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QSpinBox

from core.scoring.assessment import Page
from core.scoring.facts import Unit
from ui.editors.base import EditorContext, FactsEditor


class InsuredWorkersEditor(FactsEditor):
    def __init__(self, context: EditorContext, page: Page, unit_id: int):
        super().__init__(context, page, unit_id)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        spin = QSpinBox()
        spin.setRange(0, 1_000_000)
        spin.setSuffix(self.tr(" 人"))
        spin.valueChanged.connect(lambda v: self.put("insured", lambda: self.commit(self.session.set_insured_workers(
            self.tr("修改投保人数"), self.unit_id, int(v)))))
        self.value_widgets["insured_workers"] = spin
        form.addRow(self.tr("购买商业意外保险的务工人员"), spin)

    def show_values(self, unit: Unit) -> None:
        self._set("insured_workers", "setValue", unit.insured_workers)
