"""Importing part of a unit's workbook: the rows without problems are imported and the rows with
problems are left out, listed for the unit to correct in its file; and cells the assessor corrects
in the preview, checked again and recorded, so that every stored row stays provable against the
unit's file (its SHA-256, row and column, old → new).

The checker already keeps the rows with a problem out of CheckResult.records; this module decides
whether a partial import is possible at all (every problem must belong to a row: a problem of the
whole file or sheet stops it), describes the rows left out for the audit trail and for the list the
unit gets, and applies the assessor's corrections to the cells read before checking again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from core.common.atomic import write_atomically
from core.common.identifiers import mask_id_like
from core.common.messages import Msg, render
from core.common.problems import Problem, place_words
from core.excel.cells import as_shown
from core.excel.check import CheckResult, check_read
from core.excel.check import read_and_check as read_and_check_each_sheet
from core.excel.kinds import import_spec
from core.excel.layout import SheetTable, column_letter
from core.excel.problems import ProblemRow, _mask, problem_rows, split_location
from core.excel.read import ColumnMapping, ReadResult, read_workbook
from core.scoring.rules import RuleSet

# ------------------------------------------------------------------ corrections typed in the preview

@dataclass(frozen=True)
class Correction:
    """One cell of the unit's file corrected by the assessor before importing: where (sheet, Excel
    row, 0-based column, the column's header as written), the value as written in the file and the
    text typed instead."""
    sheet: str
    row: int
    column: int
    header: str
    old: str
    new: str

    @property
    def letter(self) -> str:
        return column_letter(self.column)

    @property
    def cell(self) -> str:
        """Where, as the audit trail and the problem texts name a cell: 花名册 第 5 行“身份证号码”（D 列）."""
        return render(Msg.of("problem.place_column", place=place_words(f"{self.sheet}!{self.row}", self.header),
                             letter=self.letter))


def applied(corrections: Iterable[Correction], checked: CheckResult) -> tuple[Correction, ...]:
    """The corrections that go in with an import: those of the rows it keeps (a row left out keeps
    nothing of it, its corrections neither)."""
    left_out = rows_left_out(checked)
    return tuple(c for c in corrections if (c.sheet, c.row) not in left_out)


def corrected(read: ReadResult, corrections: Iterable[Correction]) -> ReadResult:
    """The read workbook with the corrected cells replaced by the typed text (the other rows are
    shared, not copied). A correction outside a recognised sheet's data rows and columns is a fault."""
    by_sheet: dict[str, list[Correction]] = {}
    for c in corrections:
        by_sheet.setdefault(c.sheet, []).append(c)
    if not by_sheet:
        return read
    tables = []
    for table in read.tables:
        fixes = by_sheet.pop(table.sheet, [])
        if not fixes:
            tables.append(table)
            continue
        columns = {c.index for c in table.layout.columns}
        grid = list(table.grid)
        for fix in fixes:
            i = fix.row - 1
            if not (table.layout.header_row <= i < len(grid)) or fix.column not in columns:
                raise ValueError(f"no data cell {fix.cell} to correct")
            cells = list(grid[i])
            cells += [""] * (fix.column + 1 - len(cells))
            cells[fix.column] = fix.new
            grid[i] = cells
        tables.append(SheetTable(table.layout, grid, table.hidden_rows))
    if by_sheet:
        raise ValueError(f"no recognised sheet {sorted(by_sheet)} to correct")
    return replace(read, tables=tuple(tables))


def renamed_base(records: Iterable[Any], layouts: Iterable[Any], written: str, base_type: str,
                 name: str) -> tuple[Correction, ...]:
    """The corrections giving every checked row that names the base `written` ("" for none), for a base of
    `base_type` (core.people.matching.base_type_of), the base `name` instead, in its sheet's base column:
    a roster's way of writing a base corrected to the name the unit registered, at once for all its rows.
    A sheet without a base column has no cell to correct."""
    from core.people.matching import base_type_of  # the people's rules (core.people imports this package)
    columns = {layout.sheet: column for layout in layouts if (column := layout.column("base")) is not None}
    return tuple(Correction(r.sheet, r.row, column.index, column.header, r.base, name)
                 for r in records if r.base == written and base_type_of(r) == base_type
                 and (column := columns.get(r.sheet)) is not None)


def correction_for(problem: ProblemRow, typed: str, earlier: Correction | None = None) -> Correction | None:
    """The correction of a problem's cell to the text typed; None when the text is what the file
    holds (nothing corrected). `earlier` is the cell's correction so far: its old value stays the file's."""
    if problem.row is None or not problem.letter:
        raise ValueError("only a cell of a row can be corrected")
    old = earlier.old if earlier is not None else problem.value
    if typed == old:
        return None
    return Correction(problem.sheet, problem.row, column_index(problem.letter), problem.column, old, typed)


def column_index(letter: str) -> int:
    """A -> 0, Z -> 25, AA -> 26 (column_letter's inverse)."""
    index = 0
    for ch in letter:
        index = index * 26 + ord(ch) - 64
    return index - 1


def file_changed_problem(source: str) -> Problem:
    return Problem(source, "", "", Msg.of("excel.file_changed"))


def read_and_check(path: str | Path, kind: str, rules: RuleSet, *, mapping: ColumnMapping | None = None,
                   corrections: Sequence[Correction] = (), today=None) -> tuple[ReadResult, CheckResult]:
    """Read a workbook, apply the assessor's corrections and check it: (what was read, the check)."""
    if not corrections:  # each sheet checked as soon as it is read
        return read_and_check_each_sheet(path, kind, rules, mapping=mapping, today=today)
    read = read_workbook(path, kind, mapping=mapping)
    return read, check_read(corrected(read, corrections), rules, today=today)


# ------------------------------------------------------------------ the rows left out

def unlocated(checked: CheckResult) -> list[Problem]:
    """The problems that belong to no row (the file, a sheet, the layout): they stop even a partial import."""
    return [p for p in checked.problems if split_location(p.location)[1] is None]


def partial_refusal(checked: CheckResult) -> list[Problem]:
    """Why the rows without problems cannot be imported alone (empty when they can): a problem of the
    whole file or a sheet, or no row without a problem."""
    refused = unlocated(checked)
    if not refused and not checked.records:
        refused.append(Problem(checked.source, "", "", Msg.of("excel.no_good_rows", rows=checked.rows_with_problems)))
    return refused


def rows_left_out(checked: CheckResult) -> dict[tuple[str, int], list[Problem]]:
    """(sheet, Excel row) -> its problems, for every row a partial import leaves out, in file order."""
    rows: dict[tuple[str, int], list[Problem]] = {}
    for p in checked.problems:
        sheet, row = split_location(p.location)
        if row is not None:
            rows.setdefault((sheet, row), []).append(p)
    return rows


def left_out_audit(checked: CheckResult) -> list[dict[str, Any]]:
    """The rows left out as the audit trail keeps them: sheet, row and each problem (column, code,
    text). The people left out are not stored, so an ID number in a text is masked: the row and the
    file's SHA-256 say which cell was meant."""
    return [{"sheet": sheet, "row": row,
             "problems": [{"field": p.field, "code": p.message.code, "text": mask_id_like(render(_masked(p)))}
                          for p in problems]}
            for (sheet, row), problems in rows_left_out(checked).items()]


def _masked(problem: Problem) -> Msg:
    return ProblemRow("", None, problem.field, "", "", problem.message, id_column=True).masked().message


@dataclass(frozen=True)
class LeftOutRow:
    """A row left out, for the unit's list: the cells of its sheet's header columns as read (a date a
    date, a number a number, a text as written; '' when blank), and its problems (located, with the
    values as written)."""
    sheet: str
    row: int
    cells: tuple[Any, ...]
    problems: tuple[ProblemRow, ...]


@dataclass(frozen=True)
class LeftOutSheet:
    """The header cells of a sheet with rows left out (0-based column, text as written), where its
    ID numbers are and which of its columns hold months (a date there is shown as its month)."""
    sheet: str
    headers: tuple[tuple[int, str], ...]
    id_column: int | None
    month_columns: tuple[int, ...] = ()


def left_out_rows(checked: CheckResult, read: ReadResult, as_read: CheckResult | None = None,
                  ) -> tuple[tuple[LeftOutSheet, ...], tuple[LeftOutRow, ...]]:
    """The sheets and rows a partial import leaves out, with their cells as read (before any
    correction: what the unit's file holds). `as_read` is the check of the file before the assessor's
    corrections: a row left out is listed with the file's own problems, not those of a value typed
    over it (which the unit never wrote)."""
    tables = {t.sheet: t for t in read.tables}
    found: dict[tuple[str, int], list[ProblemRow]] = {}
    for problem in problem_rows(checked, read):
        if problem.row is not None:
            found.setdefault((problem.sheet, problem.row), []).append(problem)
    located = found
    if as_read is not None:
        own: dict[tuple[str, int], list[ProblemRow]] = {}
        for problem in problem_rows(as_read, read):
            if problem.row is not None and (problem.sheet, problem.row) in found:
                own.setdefault((problem.sheet, problem.row), []).append(problem)
        located = {key: own.get(key) or problems for key, problems in found.items()}
    sheets: dict[str, LeftOutSheet] = {}
    rows = []
    for (sheet, row), problems in located.items():
        table = tables.get(sheet)
        if table is None:
            continue
        if sheet not in sheets:
            id_column = table.layout.column("id_number")
            fields = import_spec().fields
            months = tuple(c.index for c in table.layout.columns if fields[c.field].type == "month")
            sheets[sheet] = LeftOutSheet(sheet, table.layout.headers, None if id_column is None else id_column.index,
                                         months)
        cells = table.grid[row - 1] if 0 < row <= len(table.grid) else []
        kept = tuple("" if i >= len(cells) or cells[i] is None else cells[i] for i, _ in sheets[sheet].headers)
        rows.append(LeftOutRow(sheet, row, kept, tuple(problems)))
    return tuple(sheets.values()), tuple(rows)


def write_left_out(sheets: Sequence[LeftOutSheet], rows: Sequence[LeftOutRow], path: str | Path, *, title: str,
                   show_full_id_numbers: bool = False, cancelled: Callable[[], bool] | None = None) -> Path | None:
    """The rows left out as an .xlsx for the unit: one sheet per sheet of its file with the original
    row number, the row's cells under the file's own headers as the file held them (a date a date
    cell, a number a number, a text 文本; the cells with a problem filled red) and the problems; ID
    numbers masked (first 6, last 4) unless asked. Written whole or not at all; None when
    `cancelled()` said so before the file was put in place."""
    path = Path(path)
    written = write_atomically(path, lambda part: _write_left_out(part, sheets, rows, title, show_full_id_numbers),
                               cancelled=cancelled)
    return path if written else None


def _write_left_out(path: Path, sheets: Sequence[LeftOutSheet], rows: Sequence[LeftOutRow], title: str,
                    full_ids: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    word = lambda code: render(Msg.of(code))  # noqa: E731
    bad_fill = PatternFill("solid", fgColor="F8D7DA")
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.sheet[:31])
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
        ws.cell(row=2, column=1, value=word("excel.left_out_instruction_full" if full_ids else "excel.left_out_instruction"))
        headers = [word("excel.left_out_row")] + [h for _, h in sheet.headers] + [word("excel.left_out_problem")]
        for c, text in enumerate(headers, start=1):
            ws.cell(row=3, column=c, value=text).font = Font(bold=True)
        positions = {index: n for n, (index, _) in enumerate(sheet.headers, start=2)}
        r = 3
        for row in (x for x in rows if x.sheet == sheet.sheet):
            r += 1
            ws.cell(row=r, column=1, value=row.row)
            for (index, _), value in zip(sheet.headers, row.cells):
                value, number_format = _as_written(value, index == sheet.id_column, index in sheet.month_columns,
                                                   full_ids)
                cell = ws.cell(row=r, column=positions[index], value=value)
                cell.number_format = number_format
            problems = row.problems if full_ids else tuple(p.masked() for p in row.problems)
            for p in problems:
                index = column_index(p.letter) if p.letter else None
                if index in positions:
                    ws.cell(row=r, column=positions[index]).fill = bad_fill
            text = "\n".join(f"{p.column_text}：{p.text}" if p.column_text else p.text for p in problems)
            ws.cell(row=r, column=len(headers), value=text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions["A"].width = 8
        for n in range(2, len(headers)):
            ws.column_dimensions[get_column_letter(n)].width = 20
        ws.column_dimensions[get_column_letter(len(headers))].width = 60
        ws.freeze_panes = "B4"
    wb.save(path)


TEXT_FORMAT = "@"  # Excel's 文本: what the unit types over it stays text (an ID number keeps its 18 digits)
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "yyyy-mm"
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _as_written(value: Any, id_column: bool, month_column: bool, full_ids: bool) -> tuple[Any, str]:
    """A cell of a row left out as the unit's file held it, and its number format: a date as a date, a
    number as a number, a text as text; an ID number (and anything shaped like one) as text, masked
    unless asked, so the list hands back nothing the unit's file did not hold but the masks."""
    if value == "" or value is None:
        return None, TEXT_FORMAT
    if id_column or isinstance(value, str):
        text = value if isinstance(value, str) else as_shown(value)
        return (text if full_ids else _mask(text, id_column)), TEXT_FORMAT
    if isinstance(value, bool):
        return value, "General"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value, MONTH_FORMAT if month_column else DATE_FORMAT
        return value, DATE_TIME_FORMAT
    if isinstance(value, dt.date):
        return value, MONTH_FORMAT if month_column else DATE_FORMAT
    if isinstance(value, dt.time):  # a time alone; 0 is a date cell holding Excel's day 0 (1900-01-00)
        return value, DATE_FORMAT if value == dt.time() else "hh:mm:ss"
    if isinstance(value, dt.timedelta):
        return value, "[h]:mm:ss"
    if isinstance(value, (int, float)):
        text = as_shown(value)
        if not full_ids and _mask(text) != text:  # an ID number typed as a number in another column
            return _mask(text), TEXT_FORMAT
        return value, "General"
    return as_shown(value), TEXT_FORMAT
