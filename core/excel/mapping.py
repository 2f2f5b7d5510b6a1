"""What a column-mapping dialog needs when a workbook's layout is not recognised: the header cells
found with a sample value of each column, the fields already recognised, and a stable key for
remembering the mapping chosen (the kind and the header cells), so the same layout is understood
next time. Pure functions over core.excel.read's results; the desktop shows them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from core.common.identifiers import mask_id_like
from core.excel.cells import as_shown
from core.excel.kinds import import_spec, normalise_header
from core.excel.layout import SheetLayout, column_letter, header_cells
from core.excel.read import ReadResult
from core.excel.readers import Unreadable, read_cells


@dataclass(frozen=True)
class ColumnChoice:
    index: int  # 0-based
    header: str  # as written
    sample: str  # the first value below the header row, as the user would recognise it ("" when none; an ID
    # number masked, first 6 and last 4 digits shown)

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class MappingQuestion:
    """One unrecognised sheet: its header cells with samples, and what recognition found already."""
    kind: str
    sheet: str
    choices: tuple[ColumnChoice, ...]
    found: Mapping[str, str]  # field id -> header as written, for the fields recognised
    missing: tuple[str, ...]  # required fields without a column

    @property
    def key(self) -> str:
        return mapping_key(self.kind, [c.header for c in self.choices])


def mapping_key(kind: str, headers: Sequence[str]) -> str:
    """The kind and the header cells (normalised, in order): the same form next time has the same key."""
    text = "\x1f".join(normalise_header(h) for h in headers)
    return f"{kind}/{hashlib.sha1(text.encode('utf-8')).hexdigest()[:16]}"


def _header_row(grid: Sequence[list], layout: SheetLayout, scan_rows: int) -> int | None:
    """The grid index of the header row: the one recognition chose when it found a required field
    there; otherwise the row with the most text cells among the first rows (a title above has one
    cell, a person's row has numbers and dates)."""
    if layout.header_row:
        return layout.header_row - 1
    texts = [sum(1 for v in grid[r] if isinstance(v, str) and v.strip()) for r in range(min(scan_rows, len(grid)))]
    return texts.index(max(texts)) if texts and max(texts) else None


def question_for(layout: SheetLayout, grid: Sequence[list], kind: str) -> MappingQuestion | None:
    """The question for one sheet, or None when it has no header cells to choose from."""
    row = _header_row(grid, layout, import_spec().header_scan_rows)
    if row is None:
        return None
    choices = []
    for index, header in enumerate(header_cells(grid, row)):
        if not header:
            continue
        sample = ""
        for cells in grid[row + 1:row + 200]:
            value = cells[index] if index < len(cells) else ""
            if value not in ("", None) and not (isinstance(value, str) and not value.strip()):
                sample = mask_id_like(as_shown(value))  # an ID number as every preview shows it
                break
        choices.append(ColumnChoice(index, header, sample))
    # what recognition found belongs to its row: offered only when that is the header row used
    found = {c.field: c.header for c in layout.columns} if layout.header_row else {}
    return MappingQuestion(kind, layout.sheet, tuple(choices), found, layout.missing)


def mapping_question(path: str | Path, read: ReadResult) -> MappingQuestion | None:
    """The question a mapping dialog asks for a read whose layout was not recognised: the first
    unrecognised sheet with header cells (the file is read again for the sample values; only files
    that need a mapping pay for it). None when there is nothing to choose from."""
    if not read.needs_mapping:
        return None
    try:
        sheets = dict(read_cells(path)[0])
    except Unreadable:
        return None
    for layout in read.layouts:
        if not layout.recognised and layout.sheet in sheets:
            question = question_for(layout, sheets[layout.sheet], read.kind)
            if question is not None:
                return question
    return None
