"""五 (negative items): a major incident, each licence kind's cancellation and credit grade, lost labour
disputes and complaints; its rows follow the unit's licence kinds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QSpinBox

from core.scoring.assessment import Page
from core.scoring.credit import scales_of
from core.scoring.facts import Unit
from ui.editors.base import EditorContext, FactsEditor

COUNTED = ("collective_disputes_lost", "individual_disputes_lost", "complaints")
OFF_SCALE_ROLE = Qt.ItemDataRole.UserRole + 1  # an item showing a stored grade off the kind's scale


class NegativeEditor(FactsEditor):
    def __init__(self, context: EditorContext, page: Page, unit_id: int):
        super().__init__(context, page, unit_id)
        rules = self.session.rules
        # each kind's own scale (a labour-dispatch agency's labour-security credit has no D); a year whose stored
        # rules predate the scales is offered the program's, so a grade off the scale cannot be chosen
        scales = scales_of(rules, self.session.program_rules)
        kinds = self.session.unit(unit_id).kinds  # the page keeps one editor per set of kinds
        self.cancelled: dict[str, QCheckBox] = {}
        self.credit: dict[str, QComboBox] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        incident = QCheckBox(self.tr("发生群体性、突发性等重大社会影响事件"))
        incident.toggled.connect(lambda on: self.commit(self.session.set_negatives(
            self.tr("修改重大社会影响事件"), self.unit_id, major_incident=on)))
        self.value_widgets["major_incident"] = incident
        form.addRow(incident)
        for kind in kinds:
            label = rules.unit_kinds.get(kind, kind)
            cancelled = QCheckBox(self.tr("{kind}许可证被注销、撤销或吊销").format(kind=label))
            cancelled.toggled.connect(lambda _=False: self._commit_licences())
            self.value_widgets[f"cancelled:{kind}"] = self.cancelled[kind] = cancelled
            form.addRow(cancelled)
            grade = QComboBox()
            grade.addItem(self.tr("未评定"), "")
            for g in scales.credit_scale(kind):
                grade.addItem(self.tr("{grade}级").format(grade=g), g)
            grade.currentIndexChanged.connect(lambda _=0: self._commit_credit_grades())
            self.value_widgets[f"credit:{kind}"] = self.credit[kind] = grade
            form.addRow(self.tr("{kind}信用等级").format(kind=label), grade)
        for key, text in zip(COUNTED, (self.tr("集体劳动争议案件败诉（件）"), self.tr("非集体劳动争议案件败诉（件）"),
                                       self.tr("评价周期内被投诉（次）")), strict=True):
            spin = QSpinBox()
            spin.setRange(0, 10_000)
            spin.valueChanged.connect(lambda v, key=key: self.put(key, lambda: self.commit(
                self.session.set_negatives(self.tr("修改负面影响"), self.unit_id, **{key: int(v)}))))
            self.value_widgets[key] = spin
            form.addRow(text, spin)

    def _commit_licences(self) -> None:
        unit = self.session.unit(self.unit_id)
        kinds = [k for k in unit.kinds if self.cancelled[k].isChecked()]
        self.commit(self.session.set_negatives(self.tr("修改许可证情况"), self.unit_id, licences_cancelled=kinds))

    def _commit_credit_grades(self) -> None:
        unit = self.session.unit(self.unit_id)
        grades = {k: self.credit[k].currentData() for k in unit.kinds}
        self.commit(self.session.set_negatives(self.tr("修改信用等级"), self.unit_id,
                                               credit_grades={k: g for k, g in grades.items() if g}))

    def show_values(self, unit: Unit) -> None:
        n = unit.negative
        self._set("major_incident", "setChecked", n.major_incident)
        for key in COUNTED:
            self._set(key, "setValue", getattr(n, key))
        for kind in unit.kinds:
            self._set(f"cancelled:{kind}", "setChecked", kind in n.licences_cancelled)
            combo = self.credit.get(kind)
            if combo is not None:
                self._show_grade(combo, f"credit:{kind}", n.credit_grades.get(kind, ""))

    def _show_grade(self, combo: QComboBox, key: str, grade: str) -> None:
        """The stored grade; one off the kind's scale (from before the scales) shown as recorded, said so, and
        gone from the list once another is chosen."""
        combo.blockSignals(True)
        for index in reversed(range(combo.count())):
            if combo.itemData(index, OFF_SCALE_ROLE) and combo.itemData(index) != grade:
                combo.removeItem(index)
        if grade and combo.findData(grade) < 0:
            combo.addItem(self.tr("{grade}级（不在评价等级中）").format(grade=grade), grade)
            combo.setItemData(combo.count() - 1, True, OFF_SCALE_ROLE)
        combo.blockSignals(False)
        self._set(key, "setCurrentIndex", max(0, combo.findData(grade)))
