"""The problems of a checked workbook as a list a unit can work through: sheet, row, column, the
cell's value as written and the message; written to .xlsx or .csv so the unit can correct its file.

An exported list masks ID numbers like every export (first 6 and last 4 characters shown) unless the
caller asks for full numbers: the cell of an ID-number column and the numbers quoted in its message. The
preview on screen masks the numbers its messages quote and its cells hold the same way (masked_text,
masked_value) unless asked; a cell corrected in place is edited as written.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from core.common.atomic import write_atomically
from core.common.identifiers import mask_id_like, mask_id_number
from core.common.messages import Msg, render
from core.excel.cells import as_shown
from core.excel.check import CheckResult
from core.excel.layout import column_letter
from core.excel.read import ReadResult

# A quoted ID number (or what is left of one): 11 or more digits, an X or asterisks.
_ID_LIKE = re.compile(r"[0-9Xx*]{11,}")


@dataclass(frozen=True)
class ProblemRow:
    sheet: str  # "" for a problem of the whole file
    row: int | None  # the Excel row number, None for a problem of a sheet or the file
    column: str  # the header as written in the file ("" when the whole row or sheet is meant)
    letter: str  # the column's letter ("" when unknown)
    value: str  # the cell's value as the user would recognise it ("" when none)
    message: Msg
    id_column: bool = False  # the value is (meant to be) an ID number

    @property
    def text(self) -> str:
        return render(self.message)

    @property
    def column_text(self) -> str:
        return f"{self.column}（{self.letter}）" if self.column and self.letter else self.column or self.letter

    @property
    def masked_value(self) -> str:
        """The cell's value with the ID numbers in it masked (the preview shows it so until asked)."""
        return _mask(self.value, self.id_column)

    @property
    def masked_text(self) -> str:
        """The message with the ID numbers it quotes masked, as the exported list words it."""
        return render(self._masked_message())

    def masked(self) -> "ProblemRow":
        """The row with every ID number masked, whichever column it was typed in (full-width digits,
        spaces inside and wrong check digits included)."""
        return replace(self, value=_mask(self.value, self.id_column), sheet=_mask(self.sheet), column=_mask(self.column),
                       message=self._masked_message())

    def _masked_message(self) -> Msg:
        params = tuple((name, _mask(value, self.id_column)) for name, value in self.message.params)
        return Msg(self.message.code, params)


def _mask(value: Any, id_column: bool = False) -> Any:
    """ID-shaped sequences masked anywhere in a text (or in the texts of a list); in an ID-number
    column also what is left of a number (11 or more digits, X or asterisks)."""
    if isinstance(value, str):
        masked = mask_id_like(value)
        return _ID_LIKE.sub(lambda m: mask_id_number(m.group()), masked) if id_column else masked
    if isinstance(value, (list, tuple)):
        return type(value)(_mask(v, id_column) for v in value)
    return value


def split_location(location: str) -> tuple[str, int | None]:
    """A problem's location "sheet!row" as (sheet, row); a sheet name alone gives (sheet, None)."""
    sheet, bang, row = location.rpartition("!")
    if bang and row.isdigit():
        return sheet, int(row)
    return location, None


def problem_rows(checked: CheckResult, read: ReadResult | None = None) -> list[ProblemRow]:
    """Every problem of a check, located; with the read workbook, each cell's value as written."""
    tables = {t.sheet: t for t in read.tables} if read is not None else {}
    rows = []
    for p in checked.problems:
        sheet, row = split_location(p.location)
        table = tables.get(sheet)
        column = None
        if table is not None and p.field:
            column = next((c for c in table.layout.columns if c.header == p.field), None)
        value = ""
        if column is not None and row is not None and 0 < row <= len(table.grid):
            cells = table.grid[row - 1]
            if column.index < len(cells) and cells[column.index] not in ("", None):
                value = as_shown(cells[column.index])
        rows.append(ProblemRow(sheet, row, p.field, column_letter(column.index) if column is not None else "", value,
                               p.message, column is not None and column.field == "id_number"))
    return rows


def write_problem_list(rows: Sequence[ProblemRow], path: str | Path, headers: Sequence[str], *,
                       title: str = "", show_full_id_numbers: bool = False,
                       cancelled: Callable[[], bool] | None = None) -> Path | None:
    """The list as .xlsx (title row, bold headers, widths) or .csv (UTF-8 with a BOM, so Excel reads
    the Chinese), by the path's suffix; written whole or not at all. `headers` name the five columns
    (sheet, row, column, value, problem) in the user's language. None when `cancelled()` said so
    before the file was put in place (then nothing is left behind)."""
    path = Path(path)
    shown = [r if show_full_id_numbers else r.masked() for r in rows]
    values = [[r.sheet, r.row, r.column_text, r.value, r.text] for r in shown]

    def write(part: Path) -> None:
        if path.suffix.lower() == ".csv":
            with open(part, "w", encoding="utf-8-sig", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(headers)
                writer.writerows(["" if v is None else v for v in row] for row in values)
        else:
            _write_xlsx(part, values, headers, title)
    return path if write_atomically(path, write, cancelled=cancelled) else None


def _write_xlsx(path: Path, values: list[list], headers: Sequence[str], title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = headers[-1][:31] or "Sheet1"
    first = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
        first = 2
    for c, text in enumerate(headers, start=1):
        ws.cell(row=first, column=c, value=text).font = Font(bold=True)
    for r, row in enumerate(values, start=first + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if c == 4:
                cell.number_format = "@"  # values as written: an ID number stays text
            if c == 5:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (16, 8, 22, 24, 80)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    wb.save(path)
