"""Excel out: the year's changes (修改记录, their cells from core/store/audit_log.py) as one sheet, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, NamedStyle
from openpyxl.utils import get_column_letter

from core.common.document_titles import title_of
from core.excel.write import BORDER, CENTER, FONT_NAME, HEADER_FILL, LEFT, _merged_line, _save, t

# (column's message, width): the columns of the view and the sheet, in order
COLUMNS: tuple[tuple[str, float], ...] = (
    ("auditlog.column.when", 20), ("auditlog.column.who", 26), ("auditlog.column.unit", 26),
    ("auditlog.column.page", 22), ("auditlog.column.what", 50), ("auditlog.column.old", 18),
    ("auditlog.column.new", 18), ("auditlog.column.reason", 30))


def changes_workbook(rows: Sequence[Sequence[str]], path: str | Path, *, year: int, scope: str = "") -> Path:
    """The changes' cells (audit_log.cells: COLUMNS' texts), in the order given, under a title line and what they
    are of (`scope`: the filters, in words); written whole or not at all."""
    wb = Workbook()
    title = t("auditlog.title", year=year)
    wb.properties.title = title_of(title)
    ws = wb.active
    ws.title = t("auditlog.sheet")
    width = len(COLUMNS)
    _merged_line(ws, 1, 1, width, title, size=16, bold=True, align=CENTER, height=32)
    _merged_line(ws, 2, 1, width, scope or t("auditlog.count", count=len(rows)))
    font, bold = Font(name=FONT_NAME, size=10), Font(name=FONT_NAME, size=10, bold=True)
    for column, (code, column_width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = column_width
        cell = ws.cell(row=3, column=column, value=t(code))
        cell.font, cell.border, cell.alignment, cell.fill = bold, BORDER, CENTER, HEADER_FILL
    plain = NamedStyle(name="changes", font=font, border=BORDER, alignment=LEFT)  # one style for every cell: fast
    wb.add_named_style(plain)
    for row, values in enumerate(rows, start=4):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.style = "changes"
            if value.startswith("="):  # a typed text, never a formula
                cell.data_type = "s"
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return _save(wb, path)
