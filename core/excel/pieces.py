"""A large worksheet read as pieces on two threads: its rows cut into a few workbooks of their own
(unpacked, in a temporary folder), each read by python-calamine while the others are, and the pieces' cells
joined back into the sheet's grid exactly as reading the sheet whole gives it.

python-calamine lets go of the interpreter while it parses, but one sheet is one call: a roster of
100,000 rows in one sheet would keep one core busy for a second while the other waits. The rows are
cut only where the sheet allows it to be done exactly: every row names its number (a row without one
is numbered after the row before it, which a piece would not know), the cuts fall before a row, and
the pieces' rows come in order without overlapping. Whenever a piece cannot be read or the pieces do
not join that way, None says so and the sheet is read whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, wait
from pathlib import Path
from typing import Any

from core.common.bulk import let_go

CUT_FROM = 16 << 20  # a sheet's XML of this size or more is read in pieces
PIECES = 4  # read two at a time: the rows of the first are checked while the last are still parsed
FOLDER_PREFIX = "leye-pieces-"
STALE_AFTER_SECONDS = 600  # a pieces folder this old was left by an import that was killed

_SHEET_DATA, _SHEET_DATA_END, _ROW, _NUMBERED_ROW = b"<sheetData>", b"</sheetData>", b"<row", b'<row r="'
_ROW_END = b"</row>"
_ROW_AFTER_ROW = _ROW_END + _NUMBERED_ROW


def cores() -> int:
    """The processor cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def cut(path: str | os.PathLike, member: str, xml: bytes, folder: Path,
        pieces: int = PIECES) -> Iterator[Path | None]:
    """The workbook at `path` as `pieces` workbooks written into `folder` (unpacked: they are read at
    once, from the disk's cache, without holding their bytes in memory), each holding a part of the rows
    of its worksheet `member`, whose XML is `xml`: each yielded as soon as it is written, so that it is
    read while the next one is made. A None, yielded last, says the sheet cannot be cut exactly.

    The reader numbers a row without a number after the row before it, and a cell without a place
    after the cell before it: so every row must name its number, and a piece begins with a row right
    after the end of one, where the reader's count of places starts again in either case."""
    start = xml.find(_SHEET_DATA)
    end = xml.rfind(_SHEET_DATA_END)
    head = xml.find(b"<worksheet")
    if start < 0 or end < start or not 0 <= head < start or xml.find(_SHEET_DATA, start + 1, end) >= 0:
        yield None
        return
    cuts = [start + len(_SHEET_DATA)]
    for k in range(1, pieces):
        at = xml.find(_ROW_AFTER_ROW, cuts[0] + (end - cuts[0]) * k // pieces, end)
        if at < 0:
            yield None
            return
        cuts.append(at + len(_ROW_END))
    cuts.append(end)
    opening = xml[:xml.find(b">", head) + 1] + _SHEET_DATA  # the declaration and <worksheet …> as written
    closing = _SHEET_DATA_END + b"</worksheet>"
    with zipfile.ZipFile(path) as archive:  # the parts a reader needs beside the sheet: workbook, styles, strings
        parts = [(m.filename, archive.read(m)) for m in archive.infolist()
                 if m.filename.endswith((".xml", ".rels")) and not m.filename.startswith("xl/worksheets/")]
    rows = memoryview(xml)
    for number, (first, last) in enumerate(zip(cuts, cuts[1:], strict=False), start=1):
        if xml.count(_ROW, first, last) != xml.count(_NUMBERED_ROW, first, last):
            yield None
            return
        book = folder / f"{number}.xlsx"
        with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED) as piece:
            for name, data in parts:
                piece.writestr(name, data)
            with piece.open(member, "w") as sheet:
                sheet.write(opening)
                sheet.write(rows[first:last])
                sheet.write(closing)
        yield book


def read_piece(book: Path, sheet: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None, list[list]]:
    """One piece's used area (first and last cell, 0-based) and its rows, from the area's first row."""
    import python_calamine as pc
    workbook = pc.CalamineWorkbook.from_path(str(book))
    try:
        found = workbook.get_sheet_by_name(sheet)
        start, end = found.start, found.end
        if start is None or end is None:
            return None, None, []
        rows = found.iter_rows()
        for _ in range(start[0]):  # iter_rows gives the rows above the area as empty ones first
            next(rows)
        got: list[list] = []
        try:
            for row in rows:  # not list(): a loop lets other threads in between rows
                got.append(row)
        except BaseException:  # the rows converted so far, let go of a slice at a time
            let_go(got)
            raise
        return start, end, got
    finally:
        workbook.close()


class _Joined:
    """A sheet's grid joined from its pieces one at a time, in order: after each, the rows so far are those
    of the sheet read whole, every row as wide as the widest piece so far (earlier rows are widened in
    place when a wider piece comes)."""

    def __init__(self) -> None:
        self.grid: list[list] = []
        self._width = 0
        self._last_row = -1

    def add(self, piece: tuple[tuple[int, int] | None, tuple[int, int] | None, list[list]]) -> bool:
        """Join the next piece (its used area's first and last cell, 0-based, and its rows); False when
        its rows are not all below those joined (it cannot be joined)."""
        start, end, rows = piece
        if start is None or end is None:
            return True
        if start[0] <= self._last_row:
            return False
        self._last_row = end[0]
        grid, first_column = self.grid, start[1]
        if end[1] + 1 > self._width:
            self._width = end[1] + 1
            for row in grid:
                row.extend([""] * (self._width - len(row)))
        width = self._width
        grid.extend([""] * width for _ in range(start[0] - len(grid)))
        for row in rows:
            if first_column or len(row) != width:
                row = [""] * first_column + row + [""] * (width - first_column - len(row))
            grid.append(row)
        return True


def remove_stale_folders() -> None:
    """Pieces an import left in the temporary folder when it was killed (their rows name people, with
    their ID numbers) are removed by the next cut; a folder in use is minutes younger."""
    for old in Path(tempfile.gettempdir()).glob(FOLDER_PREFIX + "*"):
        try:
            stale = time.time() - old.stat().st_mtime > STALE_AFTER_SECONDS
        except OSError:
            continue
        if stale:
            shutil.rmtree(old, ignore_errors=True)


class Cut:
    """A sheet cut into pieces being read: `grown` gives its grid as the pieces come (None: read the sheet
    whole); `discard` gives up on it (reading failed elsewhere). Either removes the pieces' folder."""

    def __init__(self, reads: list[Future], folder: tempfile.TemporaryDirectory, exact: bool):
        self._reads, self._folder, self._exact = reads, folder, exact

    @property
    def pieces(self) -> int:
        return len(self._reads)

    def grown(self) -> Iterator[tuple[list[list], bool] | None]:
        """The sheet's grid after each piece is read and joined, in order, and whether it is whole: the same
        list, grown (rows of the pieces read so far, as reading the sheet whole gives them, except that a
        wider piece to come widens them in place). None instead, and no more, when a piece is refused or the
        pieces do not join: the sheet is to be read whole."""
        joined = _Joined()
        try:
            if not self._exact:  # pieces not read yet are not read at all
                yield None
                return
            for number, read in enumerate(self._reads, start=1):
                # A piece the reader refuses: the sheet is read whole, which says why. Its failure is asked
                # for, not raised through here: this frame and the failure would keep each other alive.
                piece = read.result() if read.exception() is None else None
                if piece is None or not joined.add(piece):
                    let_go(joined.grid)  # given up: freed a slice at a time, not all at once
                    yield None
                    return
                yield joined.grid, number == len(self._reads)
        finally:
            self.discard()

    def discard(self) -> None:
        for read in self._reads:
            read.cancel()
        wait(self._reads)
        self._folder.cleanup()


def read_cut(submit: Callable[..., Any], path: str | os.PathLike, member: str, xml: bytes,
             sheet: str) -> Cut | None:
    """Cut the sheet and hand its pieces to `submit` (an executor's submit) as they are made; the cut
    being read, or None when the sheet is not cut."""
    remove_stale_folders()
    # a piece a virus scanner still holds is left for remove_stale_folders rather than failing the read
    folder = tempfile.TemporaryDirectory(prefix=FOLDER_PREFIX, ignore_cleanup_errors=True)
    reads: list[Future] = []
    exact = False
    try:
        for book in cut(path, member, xml, Path(folder.name)):
            exact = book is not None
            if book is not None:
                reads.append(submit(read_piece, book, sheet))
    except OSError:  # no room in the temporary folder, say: the sheet is read whole
        exact = False
    if not reads:
        folder.cleanup()
        return None
    return Cut(reads, folder, exact)
