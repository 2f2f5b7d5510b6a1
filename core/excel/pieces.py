"""A large worksheet read as pieces on two threads: its rows cut into a few workbooks of their own
(in memory, unpacked), each read by python-calamine while the others are, and the pieces' cells
joined back into the sheet's grid exactly as reading the sheet whole gives it.

python-calamine lets go of the interpreter while it parses, but one sheet is one call: a roster of
100,000 rows in one sheet would keep one core busy for a second while the other waits. The rows are
cut only where the sheet allows it to be done exactly: every row names its number (a row without one
is numbered after the row before it, which a piece would not know), the cuts fall before a row, and
the pieces' rows come in order without overlapping. Whenever a piece cannot be read or the pieces do
not join that way, None says so and the sheet is read whole.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

CUT_FROM = 16 << 20  # a sheet's XML of this size or more is read in pieces
PIECES = 2

_SHEET_DATA, _SHEET_DATA_END, _ROW, _NUMBERED_ROW = b"<sheetData>", b"</sheetData>", b"<row", b'<row r="'
_ROW_END = b"</row>"
_ROW_AFTER_ROW = _ROW_END + _NUMBERED_ROW


def cores() -> int:
    """The processor cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def cut(path: str | os.PathLike, member: str, xml: bytes, pieces: int = PIECES) -> list[io.BytesIO] | None:
    """The workbook at `path` as `pieces` workbooks (each an .xlsx in memory), each holding a part of the
    rows of its worksheet `member`, whose XML is `xml`; None when the sheet cannot be cut exactly.

    The reader numbers a row without a number after the row before it, and a cell without a place
    after the cell before it: so every row must name its number, and a piece begins with a row right
    after the end of one, where the reader's count of places starts again in either case."""
    start = xml.find(_SHEET_DATA)
    end = xml.rfind(_SHEET_DATA_END)
    head = xml.find(b"<worksheet")
    if start < 0 or end < start or not 0 <= head < start or xml.find(_SHEET_DATA, start + 1, end) >= 0:
        return None
    body = start + len(_SHEET_DATA)
    if xml.count(_ROW, body, end) != xml.count(_NUMBERED_ROW, body, end):
        return None
    cuts = [body]
    for k in range(1, pieces):
        at = xml.find(_ROW_AFTER_ROW, body + (end - body) * k // pieces, end)
        if at < 0:
            return None
        cuts.append(at + len(_ROW_END))
    cuts.append(end)
    opening = xml[:xml.find(b">", head) + 1] + _SHEET_DATA  # the declaration and <worksheet …> as written
    closing = _SHEET_DATA_END + b"</worksheet>"
    with zipfile.ZipFile(path) as archive:  # the parts a reader needs beside the sheet: workbook, styles, strings
        parts = [(m.filename, archive.read(m)) for m in archive.infolist()
                 if m.filename.endswith((".xml", ".rels")) and not m.filename.startswith("xl/worksheets/")]
    rows = memoryview(xml)
    books = []
    for first, last in zip(cuts, cuts[1:], strict=False):
        book = io.BytesIO()
        with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED) as piece:
            for name, data in parts:
                piece.writestr(name, data)
            with piece.open(member, "w") as sheet:
                sheet.write(opening)
                sheet.write(rows[first:last])
                sheet.write(closing)
        book.seek(0)
        books.append(book)
    return books


def read_piece(book: io.BytesIO, sheet: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None, list[list]]:
    """One piece's used area (first and last cell, 0-based) and its rows, from the area's first row."""
    import python_calamine as pc
    workbook = pc.CalamineWorkbook.from_filelike(book)
    try:
        found = workbook.get_sheet_by_name(sheet)
        start, end = found.start, found.end
        if start is None or end is None:
            return None, None, []
        # iter_rows gives the rows above the area as empty ones first; row by row, other threads get in between
        return start, end, list(islice(found.iter_rows(), start[0], None))
    finally:
        workbook.close()


def join(pieces: Sequence[tuple[tuple[int, int] | None, tuple[int, int] | None, list[list]]]) -> list[list] | None:
    """The sheet's cells from A1, as one read gives them (every row as wide as the widest, empty cells
    ''), from its pieces in order; None when their areas are out of order or overlap."""
    used = [p for p in pieces if p[0] is not None and p[1] is not None]
    if not used:
        return []
    rows_in_order = all(a[1][0] < b[0][0] for a, b in zip(used, used[1:], strict=False))  # type: ignore[index]
    if not rows_in_order:
        return None
    width = max(end[1] for _, end, _ in used) + 1  # type: ignore[index]
    grid: list[list] = []
    for (first_row, first_column), _, rows in used:  # type: ignore[misc]
        grid.extend([""] * width for _ in range(first_row - len(grid)))
        for row in rows:
            if first_column or len(row) != width:
                row = [""] * first_column + row + [""] * (width - first_column - len(row))
            grid.append(row)
    return grid


def read_cut(submit: Callable[..., Any], path: str | os.PathLike, member: str, xml: bytes,
             sheet: str) -> Callable[[], list[list] | None] | None:
    """Cut the sheet and hand its pieces to `submit` (an executor's submit); a function waiting for the
    joined grid (None: read the sheet whole), or None when the sheet is not cut."""
    books = cut(path, member, xml)
    if books is None:
        return None
    reads = [submit(read_piece, book, sheet) for book in books]
    del books

    def joined() -> list[list] | None:
        try:
            pieces = [r.result() for r in reads]
        except Exception:  # noqa: BLE001 - a piece the reader refuses: the sheet is read whole, which says why
            return None
        return join(pieces)
    return joined
