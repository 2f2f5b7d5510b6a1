"""Reading a workbook file's cells: what the file really is, then every visible worksheet's cells, by python-calamine
(openpyxl only when calamine cannot read a workbook that is a valid zip archive)."""

from __future__ import annotations

import codecs
import lzma
import mmap
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Any

from core.common import os_errors
from core.common.bulk import let_go
from core.common.messages import Msg, render
from core.excel import pieces
from core.excel.limits import HiddenParts, SheetLimits, check_xlsx, xlsx_hidden
from core.excel.ods_hidden import ods_hidden
from core.excel.xls_hidden import xls_hidden

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # the stream of an encrypted OOXML file
XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
# The names the readers go by (python-calamine's from_path, openpyxl): a file named otherwise (an .xls renamed .xlsx,
# an .ods renamed .xls) is given to them by its content, as sniff() found it
NAMED_AS = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "ods": (".ods",)}


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

class Unreadable(Exception):
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
                     hidden: list[str] | None = None, by_content: bool = False) -> list[tuple[str, list[list]]]:
    """Every visible worksheet's cells, read by python-calamine (the names of the hidden and very hidden ones, which
    the unit's clerk does not see in Excel, are added to `hidden`, unread). The reader lets go of the interpreter
    while it parses, so the sheets are read on two threads, each with the workbook open once, each sheet checked by
    `limits` just before it is read (by the thread reading it; a sheet large enough to be cut, by this thread before
    it is cut); a large sheet is read in pieces on both (core/excel/pieces.py). `each` is given each sheet, in
    order, as soon as it is read (a cut sheet as its pieces come) while the next ones are, in this thread.
    `cancelled` is asked before each sheet (each piece of a cut one) is awaited: ReadCancelled when it says so;
    `progress` is told (done, total) as each is read. `by_content`: the file's name is not what it is (NAMED_AS),
    and the workbook is opened by its content."""
    import python_calamine as pc
    password_error = getattr(pc, "PasswordError", ())
    ill_formed_error = getattr(pc, "XmlError", ())  # the sheet's XML is not well-formed
    opened: list[Any] = []
    spare: list[Any] = []  # the workbook this thread opened, for the first reading thread
    lock = threading.Lock()

    def open_workbook() -> Any:
        try:
            if not by_content:
                workbook = pc.CalamineWorkbook.from_path(str(path))
            else:  # from_path would go by the name
                with open(path, "rb") as f:
                    workbook = pc.CalamineWorkbook.from_filelike(f)
        except password_error:  # e.g. a password-protected legacy .xls
            raise Unreadable(Msg.of("excel.encrypted")) from None
        with lock:
            opened.append(workbook)
        return workbook

    def allowed(name: str, keep_from: int | None = None) -> None:
        exceeded = limits.sheet_exceeds(name, keep_from) if limits is not None else None
        if exceeded is not None:
            raise Unreadable(exceeded.message())

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
            raise Unreadable(Msg.of("excel.encrypted")) from None
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
                     hidden: list[str] | None = None, by_content: bool = False) -> list[tuple[str, list[list]]]:
    """Every visible worksheet's cells, read by openpyxl (the hidden ones' names added to `hidden`, unread);
    `by_content`: given the open file, not its name (which openpyxl would refuse)."""
    import openpyxl
    with open(path, "rb") if by_content else nullcontext(path) as source:
        return _openpyxl_read(openpyxl.load_workbook(source, read_only=True, data_only=True), cancelled, hidden)


def _openpyxl_read(workbook: Any, cancelled: Callable[[], bool] | None,
                   hidden: list[str] | None) -> list[tuple[str, list[list]]]:
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
    read: the unit's clerk does not see them in Excel) are added to `hidden`. Raises Unreadable, or ReadCancelled
    when `cancelled` (asked between sheets, pieces of a sheet, or a thousand rows) says so; `progress` is told
    (done, total) as sheets and pieces are read. `each` may be given some of the sheets (name, grid, whole) in order
    as soon as they are read, while the next ones are read; a large sheet read in pieces as soon as its first are
    (whole False), then again, the same grid grown, as the others come: a head start, no more (what is returned is
    what was read). `hidden_parts` is given each sheet's hidden rows and columns: an .xlsx sheet's as the sheet is
    checked, before it is read; an .ods or .xls workbook's once its sheets are read."""
    path = Path(path)
    if not path.is_file():
        raise Unreadable(Msg.of("excel.file_not_found", path=str(path)))
    try:
        kind = sniff(path)
    except OSError as exc:
        raise Unreadable(Msg.of("excel.cannot_open", detail=render(os_errors.reason(exc)))) from None
    if kind == "encrypted":
        raise Unreadable(Msg.of("excel.encrypted"))
    if kind == "broken_zip":
        raise Unreadable(Msg.of("excel.corrupted", detail=Msg.of("excel.corrupted_zip")))
    if kind not in ("xlsx", "ods", "xls"):
        raise Unreadable(Msg.of("excel.wrong_type", found=Msg.of(f"excel.type_{kind}")))
    # The readers' own words (English, about zip records and XML) mean nothing to a user: whatever
    # they say, the workbook's content is damaged. No local here holds an exception raised through this
    # frame: the frame and the exception would keep each other, and the rows read, for the collector.
    by_content = path.suffix not in NAMED_AS[kind]  # an .xls renamed .xlsx is read all the same
    try:
        if kind != "xlsx":
            sheets = _calamine_sheets(path, cancelled=cancelled, hidden=hidden, by_content=by_content)
            if hidden_parts is not None:  # read from the file's own records (none found in a damaged one)
                found = ods_hidden(path) if kind == "ods" else xls_hidden(path)
                hidden_parts.rows.update(found.rows)
                hidden_parts.columns.update(found.columns)
            return sheets, "calamine"
        # before the reader: a workbook beyond the limits would exhaust the memory
        with SheetLimits(path, hidden_parts) as limits:
            if limits.exceeded is not None:  # the archive itself, before the reader opens it
                raise Unreadable(limits.exceeded.message())
            return _calamine_sheets(path, limits, each, cancelled, progress, hidden, by_content), "calamine"
    except (Unreadable, ReadCancelled):
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
        raise Unreadable(exceeded.message())
    if hidden is not None:
        hidden.clear()  # what calamine found before it failed: openpyxl says again
    if hidden_parts is not None:  # the limits checked no sheet past the one calamine failed on
        found = xlsx_hidden(path)
        hidden_parts.rows.update(found.rows)
        hidden_parts.columns.update(found.columns)
    try:
        return _openpyxl_sheets(path, cancelled, hidden, by_content), "openpyxl"
    except ReadCancelled:
        raise
    except Exception:  # noqa: BLE001 - raised below, outside this block: its rows are not kept by the sentence
        pass
    raise _damaged(failed_sheet)


def _damaged(sheet: str | None) -> Unreadable:
    """The workbook's content is damaged, in the sheet named if the reader named one."""
    if sheet is None:
        return Unreadable(Msg.of("excel.corrupted", detail=Msg.of("excel.corrupted_content")))
    return Unreadable(Msg.of("excel.corrupted", detail=Msg.of("excel.corrupted_sheet", sheet=sheet)), sheet)
