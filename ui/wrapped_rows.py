"""Tables and lists whose long texts are read whole at 1366×768: each row as tall as its wrapped text while the table
is small enough to measure (beyond, each cell's tooltip holds its whole text), or, in a long table, the rows on screen;
a list of sentences as tall as they are; numbers kept with their units where a line breaks."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, QTimer
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHeaderView,
    QListView,
    QListWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

WRAP_UP_TO = 500  # rows: measuring each row's height at every change of a longer table would stall the window


def wrap_rows(view: QTableView, rows: int) -> None:
    """Long texts wrap and each row is as tall as its text when the table holds at most WRAP_UP_TO rows; beyond,
    one line each, cut with "…", the whole text in its tooltip."""
    small = rows <= WRAP_UP_TO
    view.setWordWrap(small)
    view.verticalHeader().setSectionResizeMode(
        QHeaderView.ResizeMode.ResizeToContents if small else QHeaderView.ResizeMode.Fixed)


class ShownRowsFitter(QObject):
    """Long texts wrap, and the rows on screen are made as tall as their texts whenever the table scrolls, is
    resized, has a column resized, is filled anew or has texts changed (an edit): only those rows are measured,
    however long the table (a year's trail of changes holds tens of thousands). The table scrolls a row at a
    time, so a row grown on screen moves nothing above it."""

    def __init__(self, view: QTableView):
        super().__init__(view)
        self.view = view
        self._queued = False
        view.setWordWrap(True)
        view.setVerticalScrollMode(QTableView.ScrollMode.ScrollPerItem)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.verticalScrollBar().valueChanged.connect(self.fit_later)
        view.horizontalHeader().sectionResized.connect(self.fit_later)
        model = view.model()
        model.modelReset.connect(self.fit_later)
        model.layoutChanged.connect(self.fit_later)
        model.rowsInserted.connect(self.fit_later)
        model.dataChanged.connect(self.fit_later)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show) and watched is self.view:
            self.fit_later()
        return super().eventFilter(watched, event)

    def fit_later(self, *_args: object) -> None:
        """Once the events at hand are handled (the table lays itself out first)."""
        if not self._queued:
            self._queued = True
            QTimer.singleShot(0, self.fit)

    def fit(self) -> None:
        self._queued = False
        view = self.view
        top = view.rowAt(0)
        if top < 0 or not view.isVisible():  # a table built ahead, or put away: measured when shown
            return
        rows, room = view.model().rowCount(), view.viewport().height()
        # scrolled to its end, the table shows its last row at its bottom and the top row in part: what is hidden
        # of it leaves room for more rows below
        row, used = top, view.rowViewportPosition(top)
        while row < rows and used < room:
            if not view.isRowHidden(row):
                view.resizeRowToContents(row)
                used += view.rowHeight(row)
            row += 1
        if view.rowAt(0) != top:  # rows grown or shrunk at the end moved the rows on screen: those measured too
            self.fit_later()


# a number and the unit after it ("2022年4月", "第 19 行", "6 个月"), kept on one line when a text wraps: Chinese
# breaks between any two characters, a date broken after its year reads badly
_NUMBER_WITH_UNIT = re.compile(r"(?:第 ?)?\d+(?:\.\d+)? ?(?:个月|[年月日号行列位人份个项处次天岁秒])(?:\d+ ?[月日号])*")
_JOINER = "\u2060"  # WORD JOINER: no line break on either side, nothing drawn


def keep_together(text: str) -> str:
    """The text as drawn wrapped: each number with its unit joined so that no line breaks inside it."""
    return _NUMBER_WITH_UNIT.sub(lambda m: _JOINER.join(m[0]), text)


class KeepTogether(QStyledItemDelegate):
    """Draws (and measures) each wrapped text with its numbers kept with their units; the data are untouched."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        text = option.text  # type: ignore[attr-defined]  # an attribute the stubs leave out
        if text:
            option.text = keep_together(text)  # type: ignore[attr-defined]


class WrappedList(QListWidget):
    """A list of sentences, each wrapped whole at the list's width (numbers kept with their units): as tall as its
    sentences where there is room, and, short of room, no lower than `fewest` lines (the rest scrolled to)."""

    def __init__(self, fewest: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.fewest = fewest
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # wrapped again at a new width
        self.setItemDelegate(KeepTogether(self))
        self.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)

    def minimumSizeHint(self) -> QSize:
        lines = self.fontMetrics().lineSpacing() * self.fewest + 2 * self.frameWidth() + 4
        return QSize(super().minimumSizeHint().width(), min(lines, self.sizeHint().height()))
