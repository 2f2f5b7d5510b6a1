"""The problems of an import's preview as the assessor works through them: the problem table, whose
cell values can be corrected in place (the file's value kept, the correction marked until 重新检查
checks it), and the choice for a file some of whose rows have problems: 只导入无误的 N 行 (the others
saved as a list for the unit) or 全部更正后再导入. Which rows are good, what a correction is and what
the audit trail records are core's (core/excel/partial.py); this only shows and asks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.common.identifiers import mask_id_like
from core.excel.partial import Correction, correction_for
from core.excel.problems import ProblemRow
from ui.models import ListModel
from ui.wrapped_rows import WRAP_UP_TO, KeepTogether

VALUE_COLUMN = 3
SHOWN_WHOLE = 5  # problem rows read without scrolling, whatever else the preview shows above them
CORRECTED = QColor("#0b57d0")

translate = QCoreApplication.translate


def cell_key(sheet: str, row: int | None, letter: str) -> tuple[str, int | None, str]:
    return sheet, row, letter


class ProblemsModel(ListModel):
    """Every problem: sheet, row, column, the value as written, the message (rendered when shown, the ID
    numbers it quotes masked unless `full_ids`).
    Sorted by the list itself (ListModel): a big file can have tens of thousands of problems. The value
    of a problem's cell can be edited: the correction is kept in `corrections` (by sheet, row and
    column) and shown in blue with the file's value until the check is run again."""

    corrected = Signal()  # a correction typed, changed or withdrawn

    def __init__(self, parent=None):
        super().__init__(parent)
        self._texts: dict[int, str] = {}  # id(row) -> rendered message
        self.full_ids = False  # the messages' ID numbers in full (else masked, as the exported list has them)
        self.corrections: dict[tuple, Correction] = {}
        self.headers = [translate("ExcelImport", "工作表"), translate("ExcelImport", "行"),
                        translate("ExcelImport", "列"), translate("ExcelImport", "单元格内容"),
                        translate("ExcelImport", "问题")]

    @property
    def rows(self) -> list[ProblemRow]:
        return self.items

    def set_rows(self, rows: list[ProblemRow], corrections: tuple[Correction, ...] = ()) -> None:
        self._texts = {}
        self.corrections = {cell_key(c.sheet, c.row, c.letter): c for c in corrections}
        self.set_items(rows)

    def text(self, row: ProblemRow) -> str:
        found = self._texts.get(id(row))
        if found is None:
            found = self._texts[id(row)] = row.text if self.full_ids else row.masked_text
        return found

    def set_full_ids(self, full: bool) -> None:
        """Show the ID numbers the cells hold and the messages quote in full, or masked (a cell being
        corrected is edited as written)."""
        if full == self.full_ids:
            return
        self.full_ids = full
        self._texts = {}
        if self.items:
            self.dataChanged.emit(self.index(0, VALUE_COLUMN), self.index(len(self.items) - 1, 4))

    def correctable(self, row: int) -> bool:
        r = self.items[row]
        return r.row is not None and bool(r.letter)

    def first_correctable(self) -> QModelIndex:
        row = next((i for i in range(len(self.items)) if self.correctable(i)), None)
        return QModelIndex() if row is None else self.index(row, VALUE_COLUMN)

    def corrected_at(self, r: ProblemRow) -> bool:
        return cell_key(r.sheet, r.row, r.letter) in self.corrections

    def shown_value(self, r: ProblemRow) -> str:
        found = self.corrections.get(cell_key(r.sheet, r.row, r.letter))
        return r.value if found is None else found.new

    def sort_key(self, r: ProblemRow, column: int) -> Any:
        return [r.sheet, -1 if r.row is None else r.row, (len(r.letter), r.letter), self.shown_value(r),
                self.text(r)][column]

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == VALUE_COLUMN and self.correctable(index.row()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, col = self.items[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 4:
                return self.text(r)
            if col == VALUE_COLUMN and role == Qt.ItemDataRole.DisplayRole and not self.full_ids:
                return mask_id_like(self.shown_value(r)) if self.corrected_at(r) else r.masked_value
            return [r.sheet, "" if r.row is None else str(r.row), r.column_text, self.shown_value(r)][col]
        correction = self.corrections.get(cell_key(r.sheet, r.row, r.letter)) if col == VALUE_COLUMN else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if correction is not None:
                shown = (lambda v: v) if self.full_ids else mask_id_like
                return translate("ExcelImport", "文件中原为：{old}\n已更正为：{new}（导入时记入审计）").format(
                    old=shown(correction.old) or translate("ExcelImport", "（空）"),
                    new=shown(correction.new) or translate("ExcelImport", "（空）"))
            if col == VALUE_COLUMN and self.correctable(index.row()):
                return translate("ExcelImport", "{value}\n双击或按 F2 可直接更正，改完点“重新检查”。").format(
                    value=r.value if self.full_ids else r.masked_value)
            return self.data(index)
        if role == Qt.ItemDataRole.ForegroundRole and correction is not None:
            return CORRECTED
        if role == Qt.ItemDataRole.FontRole and correction is not None:
            font = QCoreApplication.instance().font()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        r = self.items[index.row()]
        key = cell_key(r.sheet, r.row, r.letter)
        typed = "" if value is None else str(value).strip()
        if typed == self.shown_value(r):
            return False
        correction = correction_for(r, typed, self.corrections.get(key))
        if correction is None:
            self.corrections.pop(key, None)
        else:
            self.corrections[key] = correction
        self.dataChanged.emit(index, index)
        self.corrected.emit()
        return True


class ProblemsView(QTableView):
    """The problem table: F2 or a double-click anywhere on a row opens the row's value cell (the only
    one that can be typed in), so the keyboard reaches it from whichever cell is current. It asks for the
    height of its SHOWN_WHOLE tallest rows (the other parts of the preview give way down to theirs) and
    takes whatever room is left over; numbers are kept with their units where a text wraps."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setItemDelegate(KeepTogether(self))
        self.verticalHeader().sectionResized.connect(lambda *_: self.updateGeometry())  # rows measured anew

    def _height_asked(self) -> int:
        model, rows = self.model(), self.verticalHeader()
        count = 0 if model is None else model.rowCount()
        # at most WRAP_UP_TO rows are measured (ui/wrapped_rows.py), beyond each is one line
        heights = sorted((self.rowHeight(r) for r in range(min(count, WRAP_UP_TO))), reverse=True)
        shown = sum(heights[:SHOWN_WHOLE]) or rows.defaultSectionSize()
        return shown + self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height_asked())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height_asked())

    def edit(self, index, trigger=None, event=None):  # Qt's edit(index) and its protected overload in one
        if trigger is None:
            return super().edit(index)
        if (index.isValid() and index.column() != VALUE_COLUMN and trigger in (
                QAbstractItemView.EditTrigger.DoubleClicked, QAbstractItemView.EditTrigger.EditKeyPressed)):
            value = index.siblingAtColumn(VALUE_COLUMN)
            if self.model().flags(value) & Qt.ItemFlag.ItemIsEditable:
                self.setCurrentIndex(value)
                index = value
        return super().edit(index, trigger, event)


class RowsChoice(QGroupBox):
    """What to do with a file some of whose rows have problems: import the good rows alone (the
    others saved for the unit), or correct every row first (in the table above, then 重新检查)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.partial_button = QPushButton()
        self.correct_button = QPushButton(self.tr("全部更正后再导入"))
        self.correct_button.setToolTip(self.tr("现在不导入：在上表中更正有问题的单元格后点“重新检查”，"
                                               "或导出问题清单交运营单位更正后重新报送。"))
        self.recheck_button = QPushButton(self.tr("重新检查"))
        self.recheck_button.setToolTip(self.tr("按更正后的单元格重新检查整个文件（文件本身不改动）。"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.partial_button)
        buttons.addWidget(self.correct_button)
        buttons.addStretch(1)
        buttons.addWidget(self.recheck_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 4, 9, 6)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)

    def show_choice(self, good: int, bad: int, partial: bool, pending: bool, correctable: bool) -> None:
        """good/bad: rows without and with problems; partial: the good rows can be imported alone;
        pending: corrections typed (or withdrawn) since the last check; correctable: some problem is a cell's."""
        self.setTitle(self.tr("有问题的 {bad} 行怎么办").format(bad=bad))
        self.partial_button.setText(self.tr("只导入无误的 {good} 行（{bad} 行有问题，另存问题清单交单位更正）").format(
            good=good, bad=bad))
        self.partial_button.setVisible(partial)
        self.partial_button.setEnabled(partial and not pending)
        self.correct_button.setEnabled(correctable)
        self.recheck_button.setEnabled(pending)
        if pending:
            self.hint.setText(self.tr("更正尚未检查：请点“重新检查”。"))
        elif correctable:
            self.hint.setText(self.tr("也可在上表“单元格内容”列直接更正（双击或按 F2，回车确认），再点“重新检查”；"
                                      "更正会连同文件中原来的值记入审计。"))
        else:
            self.hint.setText(self.tr("这些问题不在某个单元格，无法在此更正：请导出问题清单交运营单位更正。"))
