"""The cell editors of the record tables: a drop-down where a column offers choices, and a date box that
reads a date however a person writes it."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QStyledItemDelegate, QWidget

from core.common.dates import parse_date
from ui.models import CHOICES_ROLE


class DateValidator(QValidator):
    """Any way a person writes a date (core/common/dates.py) is accepted; half-typed text is allowed."""

    def validate(self, text: str, pos: int):
        if parse_date(text) is not None:
            return QValidator.State.Acceptable, text, pos
        if len(text) <= 12 and all(c.isdigit() or c in " -/.年月日" for c in text):
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Invalid, text, pos


def is_date_editor(editor: QWidget) -> bool:
    return isinstance(editor, QLineEdit) and isinstance(editor.validator(), DateValidator)


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for cells whose model offers choices (CHOICES_ROLE: [(key, label)]); a text box
    for dates that reads 2022-10-15, 2022/10/15, 2022.10.15, 20221015 and 2022年10月15日 alike
    (Qt's date box put the typed digits into whichever section the cursor was in)."""

    def createEditor(self, parent, option, index):
        if isinstance(index.data(Qt.ItemDataRole.EditRole), QDate):
            editor = QLineEdit(parent)
            editor.setValidator(DateValidator(editor))
            editor.setPlaceholderText(self.tr("如 2022-10-15"))
            return editor
        choices = index.data(CHOICES_ROLE)
        if not choices:
            editor = super().createEditor(parent, option, index)
            if isinstance(editor, QSpinBox):
                editor.setRange(0, 1_000_000)
            return editor
        combo = QComboBox(parent)
        for key, label in choices:
            combo.addItem(label, key)
        return combo

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        elif is_date_editor(editor):
            editor.setText(index.data(Qt.ItemDataRole.EditRole).toString("yyyy-MM-dd"))
            editor.selectAll()
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif is_date_editor(editor):
            day = parse_date(editor.text())
            if day is not None:  # half-typed text leaves the stored date as it was
                model.setData(index, QDate(day.year, day.month, day.day), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
