"""Understanding a sheet: its header row found among the first rows, the column of each field, and the unit a form
names above its header."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.excel.kinds import ImportSpec, KindSpec, normalise_header

# ------------------------------------------------------------------ how a sheet was understood

def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Column:
    field: str
    index: int  # 0-based
    header: str  # as written in the file

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class SheetLayout:
    """How one sheet was (or could not be) understood. `headers` are the non-empty header cells
    of the chosen row (or of the best candidate row when nothing fitted), for a mapping dialog."""

    sheet: str
    header_row: int  # Excel row number of the (last) header row; 0 when none was found
    headers: tuple[tuple[int, str], ...]  # (0-based column, text as written)
    columns: tuple[Column, ...]
    missing: tuple[str, ...]  # required fields without a column

    @property
    def recognised(self) -> bool:
        return self.header_row > 0 and not self.missing

    def column(self, field_id: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_id), None)


@dataclass(frozen=True)
class SheetTable:
    """A recognised sheet: its layout and its cells. `grid[i]` is Excel row i + 1, from column A;
    data rows start after the header row. Empty cells are ''."""

    layout: SheetLayout
    grid: Sequence[list]
    hidden_rows: frozenset[int] = frozenset()  # the Excel numbers of its rows hidden in Excel (read all the same)

    @property
    def sheet(self) -> str:
        return self.layout.sheet

    @property
    def data_rows(self) -> int:
        return max(0, len(self.grid) - self.layout.header_row)

    def rows(self) -> Iterator[tuple[int, list]]:
        """(Excel row number, cells) of every row below the header."""
        for i in range(self.layout.header_row, len(self.grid)):
            yield i + 1, self.grid[i]


@dataclass(frozen=True)
class UnitLine:
    """The unit a form names above its header (the annex forms' "运营单位（盖章）：…"), as written."""
    sheet: str
    cell: str  # e.g. "A3"
    written: str


# ------------------------------------------------------------------ recognising the layout

def header_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def header_cells(grid: Sequence[list], r: int) -> list[str]:
    """Header texts of row r; a blank cell takes the text above it (two-row headers, cells merged
    down from the row above)."""
    row = grid[r]
    above = grid[r - 1] if r > 0 else ()
    cells = []
    for c, value in enumerate(row):
        text = header_text(value)
        if not text and c < len(above):
            text = header_text(above[c])
        cells.append(text)
    return cells


def _match_columns(cells: list[str], kind: KindSpec, spec: ImportSpec,
                   mapping: Mapping[str, str | int]) -> tuple[dict[str, int], list[tuple[int, str, str]]]:
    """field -> column index for one candidate header row, and the duplicates ignored
    (column, field, column used)."""
    wanted = kind.fields
    found: dict[str, int] = {}
    taken: set[int] = set()
    for field_id, target in mapping.items():
        if isinstance(target, int):
            if 1 <= target <= len(cells):
                found[field_id] = target - 1
        else:
            key = normalise_header(target)
            index = next((c for c, t in enumerate(cells) if t and normalise_header(t) == key), None)
            if index is not None:
                found[field_id] = index
    taken.update(found.values())
    normalised = [normalise_header(t) for t in cells]
    duplicates = []
    for c, key in enumerate(normalised):  # exact synonyms first
        if not key or c in taken:
            continue
        field_id = next((f for f in wanted if key in spec.fields[f].synonyms), None)
        if field_id is None:
            continue
        if field_id in found:
            duplicates.append((c, field_id, found[field_id]))
            continue
        found[field_id] = c
        taken.add(c)
    for c, key in enumerate(normalised):  # then a header that contains one synonym (4+ chars)
        if not key or c in taken:
            continue
        fits = {f for f in wanted if f not in found
                for s in spec.fields[f].synonyms if len(s) >= 4 and s in key}
        if len(fits) == 1:
            field_id = fits.pop()
            found[field_id] = c
            taken.add(c)
    return found, duplicates


def recognise_layout(sheet: str, grid: Sequence[list], kind: KindSpec, spec: ImportSpec,
                     mapping: Mapping[str, str | int] | None = None,
                     header_row: int | None = None) -> tuple[SheetLayout, list[tuple[int, str, str]]]:
    """Find the header row among the first rows (or use `header_row`, an Excel row number) and
    the column of every field of the kind."""
    mapping = mapping or {}
    if header_row:
        candidates = [header_row - 1] if header_row - 1 < len(grid) else []
    else:
        candidates = list(range(min(spec.header_scan_rows, len(grid))))
    best = None
    for r in candidates:
        cells = header_cells(grid, r)
        found, duplicates = _match_columns(cells, kind, spec, mapping)
        required = sum(1 for f in kind.required if f in found)
        score = (required, len(found))
        if best is None or score > best[0]:
            best = (score, r, cells, found, duplicates)
    if best is None:
        return SheetLayout(sheet, 0, (), (), kind.required), []
    (required, _), r, cells, found, duplicates = best
    headers = tuple((c, t) for c, t in enumerate(cells) if t)
    columns = tuple(Column(f, found[f], cells[found[f]]) for f in kind.fields if f in found)
    missing = tuple(f for f in kind.required if f not in found)
    recognised_row = r + 1 if required else 0
    return SheetLayout(sheet, recognised_row, headers, columns, missing), duplicates


# after the word: 名称 or a note in brackets ("（盖章）"), a colon, the name; what follows the name in the same
# cell (a wide gap, "（盖章）", the year) is not part of it
_UNIT_LINE_REST = re.compile(r"\s*(?:名称)?\s*(?:[(（\[【][^)）\]】]*[)）\]】])?\s*(?:名称)?\s*[:：](.*)", re.DOTALL)
_UNIT_LINE_END = re.compile(r"\s{2,}|[(（\[【]\s*盖章\s*[)）\]】]|考核年度")


def unit_line(table: SheetTable, words: Sequence[str]) -> UnitLine | None:
    """The unit the sheet's form names on a row above its header ("运营单位（盖章）：…"), when filled in."""
    for r in range(max(0, table.layout.header_row - 1)):
        for c, value in enumerate(table.grid[r]):
            if not isinstance(value, str):
                continue
            text = value.strip()
            word = next((w for w in words if text.startswith(w)), None)
            found = _UNIT_LINE_REST.fullmatch(text, len(word)) if word is not None else None
            if found is None:
                continue
            written = _UNIT_LINE_END.split(found[1].strip(), maxsplit=1)[0].strip()
            if written.strip("_＿ 　"):  # a blank form's line names nothing
                return UnitLine(table.sheet, f"{column_letter(c)}{r + 1}", written)
    return None
