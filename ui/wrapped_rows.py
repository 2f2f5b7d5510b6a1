"""Tables whose long texts are read whole at 1366×768: each row as tall as its wrapped text while the table is small
enough to measure (beyond, each cell's tooltip holds its whole text)."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableView

WRAP_UP_TO = 500  # rows: measuring each row's height at every change of a longer table would stall the window


def wrap_rows(view: QTableView, rows: int) -> None:
    """Long texts wrap and each row is as tall as its text when the table holds at most WRAP_UP_TO rows; beyond,
    one line each, cut with "…", the whole text in its tooltip."""
    small = rows <= WRAP_UP_TO
    view.setWordWrap(small)
    view.verticalHeader().setSectionResizeMode(
        QHeaderView.ResizeMode.ResizeToContents if small else QHeaderView.ResizeMode.Fixed)
