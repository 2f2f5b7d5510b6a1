"""Read a workbook handed in by a unit into header-recognised sheets, ready for core/excel/check.py.

What each kind of workbook must contain, and the header texts that mean each column, are data:
`resources/excel/import-kinds.toml`. Headers may sit on any of the first rows (titles and merged
title rows above them are skipped, a two-row header is read as one), columns may come in any
order, and a caller may pass an explicit column mapping (what a mapping dialog returns) that
overrides recognition.

Reading never raises on a bad file: a wrong file type, an encrypted or corrupted workbook, an
empty workbook or a layout that cannot be recognised each come back as a Problem (the last one
with the headers found and the fields missing, so the desktop can open a mapping dialog).
Exceptions are kept for faults of the program (an unknown kind, a broken resource file).

python-calamine reads the cells (about ten times faster than openpyxl's reader); openpyxl is used
only when calamine cannot read a workbook that is a valid zip archive.
"""

from __future__ import annotations

import codecs
import lzma
import mmap
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from core.common import os_errors
from core.common.bulk import gc_paused, let_go
from core.common.messages import Msg, render
from core.common.problems import Problem
from core.excel import pieces
from core.excel.kinds import ImportSpec, KindSpec, import_spec, normalise_header
from core.excel.limits import HiddenParts, SheetLimits, check_xlsx, xlsx_hidden

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # the stream of an encrypted OOXML file
XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))

# A mapping value: the header text as written in the file, or a 1-based column number.
ColumnMapping = Mapping[str, "str | int"]


# ------------------------------------------------------------------ results

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


@dataclass(frozen=True)
class ReadResult:
    source: str
    kind: str
    tables: tuple[SheetTable, ...] = ()
    layouts: tuple[SheetLayout, ...] = ()  # every non-empty sheet, recognised or not
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()  # worth showing, but nothing is wrong
    reader: str = ""  # "calamine" or "openpyxl"
    unit_lines: tuple[UnitLine, ...] = ()  # of the recognised sheets of a unit's kind

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def needs_mapping(self) -> bool:
        """True when the layout was not recognised: the desktop should offer a column mapping."""
        return any(p.message.code == "excel.layout_unrecognised" for p in self.problems)


# ------------------------------------------------------------------ file type

def sniff(path: Path) -> str:
    """What the file really is, whatever its name: "xlsx", "ods", "xls", "encrypted", "broken_zip",
    or a wrong type: "empty", "text", "html", "pdf", "word", "zip", "office", "unknown"."""
    with open(path, "rb") as f:
        head = f.read(8)
        if not head:
            return "empty"
        if head.startswith(ZIP_MAGICS):
            try:
                with zipfile.ZipFile(f) as archive:
                    names = set(archive.namelist())
                    mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, ValueError, KeyError,
                    RuntimeError, NotImplementedError):
                return "broken_zip"
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return "xlsx"
            if b"opendocument.spreadsheet" in mimetype:
                return "ods"
            if "word/document.xml" in names:
                return "word"
            return "zip"
        if head == OLE2_MAGIC:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                if data.find(ENCRYPTED_STREAM) >= 0:
                    return "encrypted"
                if any(data.find(name) >= 0 for name in XLS_STREAMS):
                    return "xls"
            return "office"
        if head.startswith(b"%PDF"):
            return "pdf"
        f.seek(0)
        sample = f.read(4096)
    encodings = ["utf-8", "gb18030"]
    if sample[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings.insert(0, "utf-16")
    for encoding in encodings:
        try:  # final=False: a character cut at the end of the sample is no error
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text.lstrip("\ufeff"):
            lowered = text.lower()
            if "<html" in lowered or "<table" in lowered or "<?xml" in lowered:
                return "html"
            if sum(1 for c in text if c.isprintable() or c in "\r\n\t") >= 0.95 * len(text):
                return "text"
    return "unknown"


# ------------------------------------------------------------------ reading cells

class _Unreadable(Exception):
    """The workbook could not be read; carries the Problem message (and the sheet it is about, if one)."""

    def __init__(self, msg: Msg, sheet: str = ""):
        super().__init__(msg.code)
        self.msg, self.sheet = msg, sheet


class ReadCancelled(Exception):
    """Reading was given up because the caller's `cancelled` said so (nothing read is kept)."""


class _SheetFailed(Exception):
    """The cell reader failed on the sheet named; `ill_formed`: its XML is not well-formed, which no reader
    reads (the cause is the reader's own exception)."""

    def __init__(self, sheet: str, ill_formed: bool):
        super().__init__(sheet)
        self.sheet, self.ill_formed = sheet, ill_formed


def _calamine_sheets(path: Path, limits: SheetLimits | None = None,
                     each: Callable[[str, list[list], bool], None] | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     hidden: list[str] | None = None) -> list[tuple[str, list[list]]]:
    """Every visible worksheet's cells, read by python-calamine (the names of the hidden and very hidden ones, which
    the unit's clerk does not see in Excel, are added to `hidden`, unread). The reader lets go of the interpreter
    while it parses, so the sheets are read on two threads, each with the workbook open once, each sheet checked by
    `limits` just before it is read (by the thread reading it; a sheet large enough to be cut, by this thread before
    it is cut); a large sheet is read in pieces on both (core/excel/pieces.py). `each` is given each sheet, in
    order, as soon as it is read (a cut sheet as its pieces come) while the next ones are, in this thread.
    `cancelled` is asked before each sheet (each piece of a cut one) is awaited: ReadCancelled when it says so;
    `progress` is told (done, total) as each is read."""
    import python_calamine as pc
    password_error = getattr(pc, "PasswordError", ())
    ill_formed_error = getattr(pc, "XmlError", ())  # the sheet's XML is not well-formed
    opened: list[Any] = []
    spare: list[Any] = []  # the workbook this thread opened, for the first reading thread
    lock = threading.Lock()

    def open_workbook() -> Any:
        try:
            workbook = pc.CalamineWorkbook.from_path(str(path))
        except password_error:  # e.g. a password-protected legacy .xls
            raise _Unreadable(Msg.of("excel.encrypted")) from None
        with lock:
            opened.append(workbook)
        return workbook

    def allowed(name: str, keep_from: int | None = None) -> None:
        exceeded = limits.sheet_exceeds(name, keep_from) if limits is not None else None
        if exceeded is not None:
            raise _Unreadable(exceeded.message())

    own = threading.local()

    def sheet(name: str) -> list[list]:
        workbook = getattr(own, "workbook", None)
        if workbook is None:
            with lock:
                workbook = spare.pop() if spare else None
            own.workbook = workbook = workbook or open_workbook()
        try:
            return _calamine_grid(workbook.get_sheet_by_name(name))
        except password_error:
            raise _Unreadable(Msg.of("excel.encrypted")) from None
        except Exception as exc:
            raise _SheetFailed(name, isinstance(exc, ill_formed_error)) from exc

    def allowed_sheet(name: str) -> list[list]:
        allowed(name)  # nothing once the sheet is checked
        return sheet(name)

    try:
        workbook = open_workbook()
        metadata = getattr(workbook, "sheets_metadata", None)  # python-calamine 0.2 lacks it
        worksheet = getattr(getattr(pc, "SheetTypeEnum", None), "WorkSheet", None)
        visible = getattr(getattr(pc, "SheetVisibleEnum", None), "Visible", None)
        if metadata is not None and worksheet is not None:
            worksheets = [m for m in metadata if m.typ == worksheet]
            names = [m.name for m in worksheets if visible is None or m.visible == visible]
            if hidden is not None:
                hidden += [m.name for m in worksheets if visible is not None and m.visible != visible]
        else:
            names = list(workbook.sheet_names)
        cut_from = pieces.CUT_FROM if limits is not None and pieces.cores() > 1 else None
        if len(names) < 2 and cut_from is None:
            own.workbook = workbook
            for name in names:
                allowed(name)
            return [(name, sheet(name)) for name in names]
        spare.append(workbook)
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="calamine") as pool:
            read: list[Callable[[], Iterator[tuple[list[list], bool]]]] = []
            submitted: list[Future] = []
            cuts: list[pieces.Cut] = []
            try:
                for name in names:
                    size = limits.unpacked_size(name) if limits is not None else None
                    if cut_from is None or size is None or size >= cut_from:
                        allowed(name, cut_from)
                        kept = limits.checked_xml(name) if limits is not None else None
                        cut = pieces.read_cut(pool.submit, path, *kept, name) if kept is not None else None
                        del kept
                    else:  # too small to cut: checked by the thread reading it, while this one checks the rows
                        cut = None
                    if cut is None:
                        submitted.append(pool.submit(allowed_sheet, name))
                        read.append(partial(_read_whole, submitted[-1].result))
                    else:  # pieces that do not join (or that the reader refuses): the sheet read whole
                        cuts.append(cut)
                        read.append(partial(_grown_or_whole, cut, sheet, name))
                sheets = []
                steps_done, steps_in_all = 0, len(read) + sum(cut.pieces - 1 for cut in cuts)
                for name, steps in zip(names, read, strict=True):
                    _stop_if(cancelled)
                    for grid, whole in steps():
                        steps_done += 1
                        if progress is not None:
                            progress(min(steps_done, steps_in_all), steps_in_all)
                        if each is not None:
                            _given(each, name, grid, whole)
                        _stop_if(cancelled)
                    sheets.append((name, grid))
                return sheets
            except BaseException:
                for future in submitted:
                    future.cancel()
                for cut in cuts:  # their folders go now, not when collected
                    cut.discard()
                raise
    finally:
        for workbook in opened:
            if hasattr(workbook, "close"):
                workbook.close()


class _Fault(Exception):
    """A fault of the code a sheet is given to (read_cells' `each`), carried past the handling of the
    readers' own failures (which would take it for a damaged workbook) and raised as itself again."""


def _stop_if(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise ReadCancelled()


def _given(each: Callable[[str, list[list], bool], None], name: str, grid: list[list], whole: bool) -> None:
    try:
        each(name, grid, whole)
    except Exception as exc:
        raise _Fault() from exc


def _read_whole(result: Callable[[], list[list]]) -> Iterator[tuple[list[list], bool]]:
    yield result(), True


def _grown_or_whole(cut: pieces.Cut, sheet: Callable[[str], list[list]],
                    name: str) -> Iterator[tuple[list[list], bool]]:
    """A cut sheet's grid as its pieces come, and whether it is whole; the sheet read whole instead when
    its pieces do not join."""
    for grown in cut.grown():
        if grown is None:
            yield sheet(name), True
            return
        yield grown


def _calamine_grid(sheet: Any) -> list[list]:
    """The sheet's cells from A1, converted row by row: one call converting a 50,000-row sheet holds the
    interpreter, and with it the window's thread, for a sixth of a second."""
    if sheet.start != (0, 0):  # the used area starts elsewhere (or the sheet is empty): padded from A1
        return sheet.to_python(skip_empty_area=False)
    return [row for row in sheet.iter_rows()]  # noqa: C416  (not list(): a loop lets other threads in between rows)


def _openpyxl_sheets(path: Path, cancelled: Callable[[], bool] | None = None,
                     hidden: list[str] | None = None) -> list[tuple[str, list[list]]]:
    """Every visible worksheet's cells, read by openpyxl (the hidden ones' names added to `hidden`, unread)."""
    import openpyxl
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets: list[tuple[str, list[list]]] = []
    try:
        for ws in workbook.worksheets:
            if ws.sheet_state != "visible":  # "hidden" or "veryHidden"
                if hidden is not None:
                    hidden.append(ws.title)
                continue
            grid: list[list] = []
            sheets.append((ws.title, grid))
            for number, row in enumerate(ws.iter_rows(values_only=True)):
                if number % 1000 == 0:  # this reader is slow: a 100,000-row sheet takes ten seconds
                    _stop_if(cancelled)
                grid.append(["" if v is None else v for v in row])
            while grid and all(v == "" for v in grid[-1]):
                grid.pop()
        return sheets
    except BaseException:  # the rows read so far are let go of a slice at a time, not all at once later
        for _, grid in sheets:
            let_go(grid)
        raise
    finally:
        workbook.close()


def read_cells(path: str | Path, each: Callable[[str, list[list], bool], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               progress: Callable[[int, int], None] | None = None,
               hidden: list[str] | None = None,
               hidden_parts: HiddenParts | None = None) -> tuple[list[tuple[str, list[list]]], str]:
    """Every visible worksheet's cells as (name, grid) plus the reader used; the names of the hidden worksheets (not
    read: the unit's clerk does not see them in Excel) are added to `hidden`. Raises _Unreadable, or ReadCancelled
    when `cancelled` (asked between sheets, pieces of a sheet, or a thousand rows) says so; `progress` is told
    (done, total) as sheets and pieces are read. `each` may be given some of the sheets (name, grid, whole) in order
    as soon as they are read, while the next ones are read; a large sheet read in pieces as soon as its first are
    (whole False), then again, the same grid grown, as the others come: a head start, no more (what is returned is
    what was read). `hidden_parts` is given each .xlsx sheet's rows and columns hidden in Excel as the sheet is
    checked, before it is read."""
    path = Path(path)
    if not path.is_file():
        raise _Unreadable(Msg.of("excel.file_not_found", path=str(path)))
    try:
        kind = sniff(path)
    except OSError as exc:
        raise _Unreadable(Msg.of("excel.cannot_open", detail=render(os_errors.reason(exc)))) from None
    if kind == "encrypted":
        raise _Unreadable(Msg.of("excel.encrypted"))
    if kind == "broken_zip":
        raise _Unreadable(Msg.of("excel.corrupted", detail=Msg.of("excel.corrupted_zip")))
    if kind not in ("xlsx", "ods", "xls"):
        raise _Unreadable(Msg.of("excel.wrong_type", found=Msg.of(f"excel.type_{kind}")))
    if kind == "xls" and path.suffix.lower() != ".xls":  # the reader goes by the name: it would speak of zip records
        raise _Unreadable(Msg.of("excel.xls_renamed", suffix=path.suffix or "（无）"))
    # The readers' own words (English, about zip records and XML) mean nothing to a user: whatever
    # they say, the workbook's content is damaged. No local here holds an exception raised through this
    # frame: the frame and the exception would keep each other, and the rows read, for the collector.
    try:
        if kind != "xlsx":
            return _calamine_sheets(path, cancelled=cancelled, hidden=hidden), "calamine"
        # before the reader: a workbook beyond the limits would exhaust the memory
        with SheetLimits(path, hidden_parts) as limits:
            if limits.exceeded is not None:  # the archive itself, before the reader opens it
                raise _Unreadable(limits.exceeded.message())
            return _calamine_sheets(path, limits, each, cancelled, progress, hidden), "calamine"
    except (_Unreadable, ReadCancelled):
        raise
    except _Fault as fault:
        assert fault.__cause__ is not None
        raise fault.__cause__ from None
    except Exception as exc:  # noqa: BLE001 - any reader failure means an unreadable file
        failed_sheet = exc.sheet if isinstance(exc, _SheetFailed) else None  # named in the sentence
        ill_formed = isinstance(exc, _SheetFailed) and exc.ill_formed
    if kind != "xlsx" or ill_formed:  # nor would openpyxl read it
        raise _damaged(failed_sheet)
    exceeded = check_xlsx(path)  # the sheets calamine did not come to are checked before openpyxl reads them
    if exceeded is not None:
        raise _Unreadable(exceeded.message())
    if hidden is not None:
        hidden.clear()  # what calamine found before it failed: openpyxl says again
    if hidden_parts is not None:  # the limits checked no sheet past the one calamine failed on
        found = xlsx_hidden(path)
        hidden_parts.rows.update(found.rows)
        hidden_parts.columns.update(found.columns)
    try:
        return _openpyxl_sheets(path, cancelled, hidden), "openpyxl"
    except ReadCancelled:
        raise
    except Exception:  # noqa: BLE001 - raised below, outside this block: its rows are not kept by the sentence
        pass
    raise _damaged(failed_sheet)


def _damaged(sheet: str | None) -> _Unreadable:
    """The workbook's content is damaged, in the sheet named if the reader named one."""
    if sheet is None:
        return _Unreadable(Msg.of("excel.corrupted", detail=Msg.of("excel.corrupted_content")))
    return _Unreadable(Msg.of("excel.corrupted", detail=Msg.of("excel.corrupted_sheet", sheet=sheet)), sheet)


# ------------------------------------------------------------------ recognising the layout

def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _header_cells(grid: Sequence[list], r: int) -> list[str]:
    """Header texts of row r; a blank cell takes the text above it (two-row headers, cells merged
    down from the row above)."""
    row = grid[r]
    above = grid[r - 1] if r > 0 else ()
    cells = []
    for c, value in enumerate(row):
        text = _text(value)
        if not text and c < len(above):
            text = _text(above[c])
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
        cells = _header_cells(grid, r)
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


def _is_blank_grid(grid: Sequence[list]) -> bool:
    return all(v == "" or v is None for row in grid for v in row)


# ------------------------------------------------------------------ the entry point

def read_workbook(path: str | Path, kind: str, *, mapping: ColumnMapping | None = None,
                  header_row: int | None = None, sheets: Sequence[str] | None = None,
                  each_table: Callable[[SheetTable], None] | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ReadResult:
    """Read a workbook of the given import kind.

    mapping     field id -> header text as written (or 1-based column number); overrides recognition
    header_row  Excel row number of the header row, when the caller knows it
    sheets      read only these sheets (default: every worksheet)
    each_table  given some of the recognised tables, in order, as soon as their sheets are read (while
                the next ones are): the same objects as in the result's tables, if they are there; a large
                sheet read in pieces is given as soon as its first pieces are, and again each time its grid
                has grown
    cancelled   asked between sheets (and pieces, and a thousand rows of the slow reader): ReadCancelled
                when it says so
    progress    told (done, total) as the sheets (and pieces) are read
    """
    spec = import_spec()
    kind_spec = spec.kind(kind)
    source = Path(path).name
    problems: list[Problem] = []
    notes: list[Problem] = []
    for field_id in (mapping or {}):
        if field_id not in kind_spec.fields:
            problems.append(Problem(source, "", field_id, Msg.of("excel.mapping_unknown_field", kind=kind_spec.label,
                                                                 known=[spec.fields[f].label for f in kind_spec.fields])))
    if problems:
        return ReadResult(source, kind, problems=tuple(problems))
    understood: dict[int, tuple[list[list], SheetLayout, list[tuple[int, str, str]], SheetTable | None]] = {}
    scan = header_row or spec.header_scan_rows
    growing: set[int] = set()  # grids understood before they were whole (a large sheet read in pieces)

    def understand(name: str, grid: list[list], whole: bool) -> None:  # each sheet's layout, once
        if sheets is not None and name not in sheets:
            return
        found = understood.get(id(grid))
        if found is not None:  # the sheet's grid grown since: its table again, for the rows added
            if found[3] is not None and each_table is not None:
                each_table(found[3])
            return
        if (not whole and len(grid) < scan) or _is_blank_grid(grid):  # the header may be in rows still to come
            return
        if not whole:
            growing.add(id(grid))
        layout, duplicates = recognise_layout(name, grid, kind_spec, spec, mapping, header_row)
        table = SheetTable(layout, grid, frozenset(hidden_parts.rows.get(name, ()))) if layout.recognised else None
        understood[id(grid)] = grid, layout, duplicates, table
        if table is not None and each_table is not None:
            each_table(table)

    hidden: list[str] = []
    hidden_parts = HiddenParts()
    try:
        with gc_paused():
            all_sheets, reader = read_cells(path, understand if each_table is not None else None, cancelled,
                                            progress, hidden, hidden_parts)
    except _Unreadable as exc:
        return ReadResult(source, kind, problems=(Problem(source, exc.sheet, "", exc.msg),))
    # a hidden sheet is not what the unit's clerk sees and hands in (a last year's list, a draft): not read,
    # and said, so the assessor can have it unhidden when its people belong to the file
    notes += [Problem(source, "", "", Msg.of("excel.sheet_hidden", sheet=name))
              for name in hidden if sheets is None or name in sheets]
    if sheets is not None:
        missing_sheets = [s for s in sheets if s not in {name for name, _ in all_sheets} and s not in hidden]
        for name in missing_sheets:
            problems.append(Problem(source, name, "", Msg.of("excel.sheet_not_found")))
        all_sheets = [(name, grid) for name, grid in all_sheets if name in sheets]
    non_empty = [(name, grid) for name, grid in all_sheets if not _is_blank_grid(grid)]
    if not non_empty:
        problems.append(Problem(source, "", "", Msg.of("excel.empty")))
        return ReadResult(source, kind, problems=tuple(problems), notes=tuple(notes), reader=reader)
    tables, layouts = [], []
    for name, grid in non_empty:
        found = understood.get(id(grid))
        if (found is not None and found[0] is grid and id(grid) in growing  # understood from its first rows:
                and recognise_layout(name, grid, kind_spec, spec, mapping, header_row) != found[1:3]):  # not whole?
            found = None
        if found is None or found[0] is not grid:
            layout, duplicates = recognise_layout(name, grid, kind_spec, spec, mapping, header_row)
            table = SheetTable(layout, grid, frozenset(hidden_parts.rows.get(name, ()))) if layout.recognised else None
        else:
            _, layout, duplicates, table = found
        layouts.append(layout)
        if table is not None:
            tables.append(table)
            for c, field_id, used in duplicates:
                notes.append(Problem(source, f"{name}!{layout.header_row}", _text(grid[layout.header_row - 1][c])
                                     or column_letter(c),
                                     Msg.of("excel.duplicate_column", field=spec.fields[field_id].label,
                                            used=layout.column(field_id).header or column_letter(used))))
            out_of_sight = set(hidden_parts.columns.get(name, ()))
            notes += [Problem(source, f"{name}!{layout.header_row}", c.header or column_letter(c.index),
                              Msg.of("excel.column_hidden", column=column_letter(c.index)))
                      for c in layout.columns if c.index in out_of_sight]
    for layout in layouts:
        if layout.recognised:
            continue
        msg = Msg.of("excel.layout_unrecognised" if not tables else "excel.sheet_skipped",
                     kind=kind_spec.label, rows=scan,
                     missing=[spec.fields[f].label for f in layout.missing],
                     headers=[h for _, h in layout.headers][:30])
        (problems if not tables else notes).append(Problem(source, layout.sheet, "", msg))
    if tables and not any(t.data_rows for t in tables):
        problems.append(Problem(source, tables[0].sheet, "", Msg.of("excel.no_rows")))
    lines = () if kind_spec.scope == "year" else tuple(
        line for t in tables if (line := unit_line(t, spec.unit_line_words)) is not None)
    return ReadResult(source, kind, tuple(tables), tuple(layouts), tuple(problems), tuple(notes), reader, lines)
