"""Checks of a sheet's rows that look past the cell alone (core/excel/check.py calls them): a month that disagrees
with the sheet's name or lies outside the assessment year, a row hidden in Excel, cells written in full-width forms.

Nothing here is converted quietly: a month that cannot be right is a problem of its row (left out unless the
assessor corrects it), a hidden row and a full-width cell read as ASCII are each said in a note.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from core.common.identifiers import mask_id_like
from core.common.messages import Msg
from core.common.problems import Problem

Month = dt.date
Bad = dict[int, list[tuple[int, str, Msg]]]  # grid offset -> (column order, header, message), as check.py keeps them

HIDDEN_NOTES_PER_SHEET = 20  # past these, one note says how many more rows of the sheet are hidden
WIDE_TYPES = frozenset({"id_number", "date", "month", "integer", "number"})  # a text cell is kept as written


def month_words(month: Month) -> str:
    return f"{month.year}年{month.month}月"


def single_month_name(sheet: str, month: Month | None) -> Month | None:
    """The month the sheet's name gives (`month`, as check.py's sheet_month read it) when the name holds no other
    number than its year: "3月", "2022年3月", "202203送工信息" name one month; "1-3月", "第2批3月" do not."""
    if month is None:
        return None
    text = unicodedata.normalize("NFKC", sheet)
    runs = re.findall(r"\d+", text)
    if len(runs) == 1 and len(runs[0]) == 6:  # 202203
        return month
    runs = [run for run in runs if not (len(run) == 4 and run == str(month.year))]
    return month if len(runs) == 1 else None


def month_problems(sheet: str, header: str, raw: Sequence[Any] | None, months: Sequence[Month | None],
                   named: Month | None, period: tuple[dt.date, dt.date], shown: Callable[[Any], str],
                   bad: Bad, skipped: set[int], order: int = 0) -> None:
    """Each row's month set against the month its sheet's name gives (`named`: single_month_name) and the
    assessment period; a row whose month disagrees with either gets a problem in `bad` (it is left out), beside
    the row's other problems (`order`: the month column's place among the row's columns).
    raw: the month column's cells, None when the sheet has none; months: each row's month as read (the sheet's
    name's for a blank cell)."""
    start, end = period
    distinct = {m for m in set(months) if m is not None}  # the usual sheet: a month or a few, each right
    if all(start <= m <= end and (named is None or m == named) for m in distinct):
        return
    for i, month in enumerate(months):
        if month is None or i in skipped:
            continue
        cell = raw[i] if raw is not None else None
        written = not (cell is None or (isinstance(cell, str) and not cell.strip()))
        if written and named is not None and month != named:
            msg = Msg.of("excel.month_sheet_differs", value=shown(cell), month=month_words(month), sheet=sheet,
                         sheet_month=month_words(named))
        elif start <= month <= end:
            continue
        elif written:
            msg = Msg.of("excel.month_outside_period", value=shown(cell), month=month_words(month),
                         start=start.isoformat(), end=end.isoformat())
        else:
            msg = Msg.of("excel.sheet_month_outside_period", sheet=sheet, month=month_words(month),
                         start=start.isoformat(), end=end.isoformat())
        bad.setdefault(i, []).append((order, header if written else "", msg))


def hidden_row_notes(source: str, sheet: str, hidden: frozenset[int], first: int, rows: Sequence[list],
                     column: tuple[int, str], skipped: set[int], said: dict[str, int],
                     shown: Callable[[Any], str]) -> list[Problem]:
    """A note for each row hidden in Excel among `rows` (the first at Excel row first + 1) that is not skipped,
    naming it by its first recognised column (index, header as written); past HIDDEN_NOTES_PER_SHEET of a sheet
    only counted in `said` (sheet -> hidden rows read), for hidden_rows_beyond."""
    notes = []
    index, header = column
    for number in sorted(r for r in hidden if first < r <= first + len(rows)):
        i = number - first - 1
        if i in skipped:
            continue
        said[sheet] = said.get(sheet, 0) + 1
        if said[sheet] <= HIDDEN_NOTES_PER_SHEET:
            value = rows[i][index] if index < len(rows[i]) else ""
            notes.append(Problem(source, f"{sheet}!{number}", header,
                                 Msg.of("excel.row_hidden", value=mask_id_like(shown(value)))))
    return notes


def hidden_rows_beyond(source: str, said: dict[str, int]) -> list[Problem]:
    """One note for each sheet with more hidden rows read than were noted one by one."""
    return [Problem(source, sheet, "", Msg.of("excel.rows_hidden_more", count=count - HIDDEN_NOTES_PER_SHEET,
                                              shown=HIDDEN_NOTES_PER_SHEET))
            for sheet, count in said.items() if count > HIDDEN_NOTES_PER_SHEET]


@dataclass
class WideCells:
    """The cells of one column of one sheet read from full-width forms: how many, and the first of them."""
    count: int
    row: int
    written: str
    read_as: str


def wide_value(value: Any, field_type: str) -> str:
    """What a full-width cell was read as, in the words of a note (an ID number masked)."""
    if field_type == "month" and isinstance(value, dt.date):
        return month_words(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return mask_id_like(str(value)) if field_type == "id_number" else str(value)


def wide_notes(source: str, wide: dict[tuple[str, str], WideCells]) -> list[Problem]:
    """One note for each column of a sheet with cells read from full-width forms, at its first such cell."""
    notes = []
    for (sheet, header), cells in wide.items():
        msg = (Msg.of("excel.full_width", value=mask_id_like(cells.written), read_as=cells.read_as)
               if cells.count == 1 else
               Msg.of("excel.full_width_column", value=mask_id_like(cells.written), read_as=cells.read_as,
                      count=cells.count))
        notes.append(Problem(source, f"{sheet}!{cells.row}", header, msg))
    return notes
