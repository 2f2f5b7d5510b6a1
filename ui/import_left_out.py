"""人员核对 → 导入记录's pane of the rows an import left out (只导入无误的行): for the import chosen in the list, each
row's sheet, row, column and problem, as the year's audit trail records them (ID numbers masked)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.store.left_out import LeftOut, LeftOutProblem
from ui.models import ListModel, translate
from ui.views import table_view


class LeftOutModel(ListModel):
    """The problems of the rows one import left out, one line each, in file order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers = [translate("LeftOut", "工作表"), translate("LeftOut", "行"), translate("LeftOut", "列"),
                        translate("LeftOut", "问题")]

    @property
    def problems(self) -> list[LeftOutProblem]:
        return self.items

    def cell(self, p: LeftOutProblem, col: int) -> str:
        return [p.sheet, str(p.row), p.field or translate("LeftOut", "（整行）"), p.text][col]

    def sort_key(self, p: LeftOutProblem, column: int) -> Any:
        return (p.sheet, p.row) if column == 1 else self.cell(p, column)

    def styled(self, p: LeftOutProblem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class LeftOutPane(QWidget):
    """What the import chosen left out: a line saying how many rows and from which file, and their problems."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.heading)
        self.model = LeftOutModel(self)
        self.view = table_view()
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((110, 60, 130)):
            header.resizeSection(column, width)
        layout.addWidget(self.view, 1)
        self.show_import(None, None)

    def show_import(self, file_name: str | None, left: LeftOut | None) -> None:
        """The rows this import (its file's name; None: none chosen) left out, or that it left out none."""
        self.model.set_items(left.problems if left is not None else ())
        if file_name is None:
            self.heading.setText(self.tr("选中上面的一次导入，可在此查看导入时因有问题而未导入的行。"))
        elif left is None:
            self.heading.setText(self.tr("“{file}”导入时没有未导入的行。").format(file=file_name))
        else:
            self.heading.setText(self.tr("“{file}”只导入了无误的行；有问题的 {rows} 行未导入（已记入审计），"
                                         "原因如下。身份证号码只显示前 6 位和后 4 位。").format(
                file=file_name, rows=left.rows))
