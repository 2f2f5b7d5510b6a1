"""The cell editors of the record tables: a drop-down where a column offers choices, and a date box that
reads a date however a person writes it."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QStyledItemDelegate, QWidget

from ui.models import CHOICES_ROLE


class DateValidator(QValidator):
    """Only the characters a date is written with can be typed. Whether they write a date is for the
    table to say when the cell is left (a date that is none, 2022/13/40, is refused with the reason):
    text held back here would be dropped without a word when the editor closes."""

    def validate(self, text: str, pos: int):
        if len(text) <= 20 and all(c.isdigit() or c in " -/.年月日" for c in text):
            return QValidator.State.Acceptable, text, pos
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
            # The model reads the text: a date is saved, nothing leaves the date not typed yet, and
            # anything else is refused with a sentence saying how a date is written.
            if editor.text().strip() != index.data(Qt.ItemDataRole.EditRole).toString("yyyy-MM-dd"):
                model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
