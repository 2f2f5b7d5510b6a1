"""Tables whose long texts are read whole at 1366×768: each row as tall as its wrapped text while the table is small
enough to measure (beyond, each cell's tooltip holds its whole text), or, in a long table, the rows on screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView

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
