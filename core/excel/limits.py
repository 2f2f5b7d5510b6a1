"""How big an .xlsx workbook may be before it is read: the limits, and a check of a workbook's
archive and sheets against them that costs a fraction of reading it.

The cell reader builds each sheet as one dense block from its first to its last cell, so a 6 KB
file with a cell in A1 and one in XFD1048576 would ask for 17 billion cells and abort the
program; archives that unpack to gigabytes (whitespace, repeated shared strings) do the same in
memory. The limits sit far above any real roster (the largest seen: 200,000 rows × 12 columns):

- the archive unpacks to at most 1 GiB, and no part of it packs more than 200 to 1 beyond 1 MiB;
- a sheet has at most 1,048,576 rows and 16,384 columns (Excel's own grid), and its block from the
  first to the last cell holds at most 30 million cells;
- a block of more than 3 million cells (about 140 MB in memory) holds at least one cell in ten: so a
  few kilobytes naming a cell in Z999999 cannot make the reader build 26 million empty ones, while a
  roster of 1,048,576 rows is read when the file really holds them.
"""

from __future__ import annotations

import html
import lzma
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from core.common.messages import Msg, count_words

MAX_UNPACKED_BYTES = 1 << 30
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1 << 20
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELLS = 30_000_000
SPARSE_FROM = 3_000_000
SPARSE_FACTOR = 10

# Cells and rows name their place in an r="…" attribute (r="XFD1048576", r="12"); nothing else does.
_TWO_LETTERS = re.compile(rb' r="([A-Z]{2})\d')
_THREE_LETTERS = re.compile(rb' r="([A-Z]{3,})\d')
_ROW_NUMBER = re.compile(rb' r="[A-Z]{0,3}(\d+)"')
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\shidden="(?:1|true)"')  # a row the clerk does not see in Excel
_ROW_ATTRIBUTE = re.compile(rb'\sr="(\d+)"')
_ROW_TAG = re.compile(rb"<row[\s>/]")
_COL = re.compile(rb"<col\b[^>]*>")  # a <cols> entry: the width and state of the columns min to max
_HIDDEN = re.compile(rb'\shidden="(?:1|true)"')
_MIN, _MAX = re.compile(rb'\smin="(\d+)"'), re.compile(rb'\smax="(\d+)"')
PIECE_BYTES = 1 << 20  # the XML is searched a piece at a time: one search holds the interpreter (a worker's
# search over a 30 MB sheet would stop the window's thread a tenth of a second); between pieces it is let go


def _pieces(xml: bytes) -> list[tuple[int, int]]:
    """The XML cut into pieces of about PIECE_BYTES, each cut just before a '<': every pattern searched
    here lies inside one tag (none holds a '<'), so it lies whole in one piece."""
    cuts, start = [], 0
    while start < len(xml):
        end = xml.find(b"<", start + PIECE_BYTES)
        end = len(xml) if end < 0 else end
        cuts.append((start, end))
        start = end
    return cuts


def _count(xml: bytes, tag: bytes) -> int:
    """xml.count(tag) for a tag starting with '<', a piece at a time."""
    return sum(xml.count(tag, start, end) for start, end in _pieces(xml))


def _found(pattern: re.Pattern[bytes], xml: bytes) -> bool:
    return any(pattern.search(xml, start, end) for start, end in _pieces(xml))


def _all_found(pattern: re.Pattern[bytes], xml: bytes) -> set[bytes]:
    return {m for start, end in _pieces(xml) for m in pattern.findall(xml, start, end)}


@dataclass(frozen=True)
class LimitExceeded:
    """Which limit a workbook exceeds: `what` names it for the message, with the figures."""
    what: str  # "unpacked", "ratio", "rows", "columns", "cells", "sparse" (limit: the cells present)
    part: str | Msg  # where it was found: the sheet's name, or what the archive member holds
    found: int
    limit: int

    def message(self) -> Msg:
        """One sentence naming the limit, the sheet and the figures."""
        if self.what == "unpacked":
            return Msg.of("excel.limit_unpacked", found=self.found >> 20, limit=self.limit >> 20)  # in MB
        if self.what in ("cells", "sparse"):  # counts in the billions: read in 万 and 亿
            return Msg.of(f"excel.limit_{self.what}", sheet=self.part, found=count_words(self.found),
                          limit=count_words(self.limit))
        return Msg.of(f"excel.limit_{self.what}", sheet=self.part, found=self.found, limit=self.limit)


_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, ValueError, KeyError, RuntimeError,
            NotImplementedError)


def check_xlsx(path: Path) -> LimitExceeded | None:
    """The first limit the workbook at `path` exceeds, or None. Only the archive's directory and
    the worksheets' XML are read; a damaged archive is left to the reader to report."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = _sheet_names(archive)
            found = _check_archive(archive, names)
            if found is not None:
                return found
            for m in archive.infolist():
                if _is_worksheet(m.filename):
                    found = _check_sheet(_part_label(m.filename, names), _read_bounded(archive, m))
                    if found is not None:
                        return found
    except _DAMAGED:
        return None
    return None


@dataclass
class HiddenParts:
    """What each worksheet hides in Excel but holds (read all the same), by the sheet's name: its rows' Excel
    numbers (hidden_rows) and its columns' indexes from 0 (hidden_columns)."""
    rows: dict[str, tuple[int, ...]] = field(default_factory=dict)
    columns: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def add(self, sheet: str, xml: bytes) -> None:
        if b'hidden="' not in xml:  # the usual sheet: one search in C
            return
        rows, columns = hidden_rows(xml), hidden_columns(xml)
        if rows:
            self.rows[sheet] = rows
        if columns:
            self.columns[sheet] = columns


def xlsx_hidden(path: Path) -> HiddenParts:
    """Each sheet's rows and columns hidden in Excel, by the sheet's name; none for a damaged archive. For the
    slow reader, which does not say them: the fast one is told them by SheetLimits as it checks each sheet."""
    found = HiddenParts()
    try:
        with zipfile.ZipFile(path) as archive:
            names = _sheet_names(archive)
            for m in archive.infolist():
                if m.filename in names and _is_worksheet(m.filename):
                    found.add(names[m.filename], _read_bounded(archive, m))
    except _DAMAGED:
        return HiddenParts()
    return found


def hidden_columns(xml: bytes) -> tuple[int, ...]:
    """The indexes (from 0) of the columns a worksheet's XML marks hidden (its <cols>, before the cells), in order."""
    data = xml.find(b"<sheetData")
    head = xml[:data] if data >= 0 else xml
    if b"<cols" not in head:
        return ()
    indexes: set[int] = set()
    for col in _COL.finditer(head):
        tag = col[0]
        low, high = _MIN.search(tag), _MAX.search(tag)
        if _HIDDEN.search(tag) and low and high and int(high[1]) - int(low[1]) < MAX_COLUMNS:
            indexes.update(range(int(low[1]) - 1, int(high[1])))
    return tuple(sorted(indexes))


def _is_worksheet(member: str) -> bool:
    return member.startswith("xl/worksheets/") and member.endswith(".xml")


def _check_archive(archive: zipfile.ZipFile, names: dict[str, str]) -> LimitExceeded | None:
    """The limits of the archive as a whole: what it unpacks to, and each member's packing ratio."""
    members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        return LimitExceeded("unpacked", "", unpacked, MAX_UNPACKED_BYTES)
    for m in members:
        if m.file_size > RATIO_CHECKED_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            return LimitExceeded("ratio", _part_label(m.filename, names), m.file_size // max(m.compress_size, 1),
                                 MAX_RATIO)
    return None


class SheetLimits:
    """check_xlsx a sheet at a time, so that a sheet can be read while the next one is checked: the
    archive's own limits and every worksheet no sheet name leads to are checked on opening, each
    named sheet by sheet_exceeds just before it is read. Whatever limit is found, the answer is
    check_xlsx's (the first in the archive's order), so the sentence does not depend on the order of
    reading. A damaged archive is left to the reader, as check_xlsx leaves it. Sheets may be checked
    from several threads (one at a time)."""

    def __init__(self, path: Path, hidden: HiddenParts | None = None):
        self.path = path
        self.hidden = HiddenParts() if hidden is None else hidden  # its rows and columns hidden in Excel, as checked
        self._lock = threading.Lock()
        self.archive: zipfile.ZipFile | None = None
        self.members: dict[str, zipfile.ZipInfo] = {}  # sheet name -> its worksheet, not yet checked
        self.exceeded: LimitExceeded | None = None
        self.kept: tuple[str, str, bytes] | None = None  # the sheet last checked, its worksheet and XML
        try:
            archive = self.archive = zipfile.ZipFile(path)
            names = _sheet_names(archive)
            found = _check_archive(archive, names)
            sheets = {m.filename: m for m in archive.infolist() if _is_worksheet(m.filename)}
            self.members = {names[f]: m for f, m in sheets.items() if f in names}
            for f, m in sheets.items():
                if found is None and f not in names:
                    found = _check_sheet(_part_label(f, names), _read_bounded(archive, m))
        except _DAMAGED:
            self.close()
            return
        self._found(found)

    def _found(self, found: LimitExceeded | None) -> None:
        if found is not None:
            self.exceeded = check_xlsx(self.path) or found
            self.close()

    def unpacked_size(self, sheet: str) -> int | None:
        """The length of the sheet's XML as its archive's directory declares it (None: not known)."""
        with self._lock:
            member = self.members.get(sheet)
            return None if member is None else member.file_size

    def sheet_exceeds(self, sheet: str, keep_from: int | None = None) -> LimitExceeded | None:
        """The limit the workbook exceeds, once the sheet named `sheet` is checked too; None: it may be read.
        keep_from: a sheet whose XML is that long or longer is kept for checked_xml."""
        with self._lock:
            return self._sheet_exceeds(sheet, keep_from)

    def _sheet_exceeds(self, sheet: str, keep_from: int | None) -> LimitExceeded | None:
        if keep_from is not None:  # a sheet checked without keeping leaves the one kept (another thread's) alone
            self.kept = None
        if self.exceeded is not None or self.archive is None:
            return self.exceeded
        member = self.members.pop(sheet, None)
        try:
            if member is not None:
                xml = _read_bounded(self.archive, member)
                self._found(_check_sheet(sheet, xml))
                self.hidden.add(sheet, xml)
                if keep_from is not None and len(xml) >= keep_from and self.exceeded is None:
                    self.kept = sheet, member.filename, xml
            else:  # a sheet no worksheet was found for: every one left is checked before it is read
                self.exceeded = check_xlsx(self.path)
                self.close()
        except _DAMAGED:
            self.close()
        return self.exceeded

    def checked_xml(self, sheet: str) -> tuple[str, bytes] | None:
        """The worksheet (archive member) and XML of `sheet`, kept by sheet_exceeds, once."""
        with self._lock:
            kept, self.kept = self.kept, None
        return (kept[1], kept[2]) if kept is not None and kept[0] == sheet else None

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def __enter__(self) -> SheetLimits:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Archive member → the sheet's name as the user sees it (from xl/workbook.xml and its links)."""
    try:
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        links = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", links):
        rid, target = re.search(r'Id="([^"]+)"', rel), re.search(r'Target="([^"]+)"', rel)
        if rid and target:
            path = target[1].lstrip("/")
            targets[rid[1]] = path if path.startswith("xl/") else f"xl/{path}"
    names = {}
    for sheet in re.findall(r"<sheet\b[^>]*>", book):
        name, rid = re.search(r'name="([^"]*)"', sheet), re.search(r'r:id="([^"]+)"', sheet)
        if name and rid and rid[1] in targets:
            names[targets[rid[1]]] = html.unescape(name[1])
    return names


def _part_label(member: str, names: dict[str, str]) -> str | Msg:
    """An archive member as the user knows it: a sheet by its name, the rest by what it holds."""
    if member in names:
        return names[member]
    if member.startswith("xl/worksheets/"):
        return member.rsplit("/", 1)[-1]
    return Msg.of("excel.part_shared_strings" if member.endswith("sharedStrings.xml") else "excel.part_other")


def _read_bounded(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than its directory entry declares (which the limits checked)."""
    with archive.open(member) as stream:
        return stream.read(member.file_size)


def _check_sheet(part: str | Msg, xml: bytes) -> LimitExceeded | None:
    """Each search runs in C over the sheet's XML; rows and cells are counted one by one in Python
    only when a sheet reaches far enough to need it (the usual roster: a few searches and counts).

    Every writer puts rows in order, so the last row's number N bounds the rows unless a number with
    more digits than N, or as many led by a higher digit, is named anywhere; one search finds such a
    number or a column AAA or beyond (an attacker's rows need not be in order)."""
    rows = _count(xml, b"<row")  # rows without a number are numbered one after another
    if rows > MAX_ROWS:
        return LimitExceeded("rows", part, rows, MAX_ROWS)
    last = xml.rfind(b'<row r="')
    number = re.match(rb"\d+", xml[last + 8:last + 20]) if last >= 0 else None
    top = str(max(int(number[0]) if number else 0, rows, 1))
    digits, lead = len(top), int(top[0])
    beyond = rb"\d{%d,}" % (digits + 1) + (rb"|[%d-9]\d{%d}" % (lead + 1, digits - 1) if lead < 9 else b"")
    if _small_block_proved(xml, (lead + 1) * 10 ** (digits - 1) - 1, beyond):
        return None
    if _found(re.compile(rb' r="(?:[A-Z]{3,}|[A-Z]{0,2}(?:%s)")' % beyond), xml):
        widest = max((_column_number(r) for r in _all_found(_THREE_LETTERS, xml)), default=0)
        if widest > MAX_COLUMNS:
            return LimitExceeded("columns", part, widest, MAX_COLUMNS)
        widest = max(widest, _widest_two_letters(xml))
        highest = max(_exact_highest_row(xml), rows)
        present = None
    else:
        widest = _widest_two_letters(xml) if _found(_TWO_LETTERS, xml) else 26
        highest = (lead + 1) * 10 ** (digits - 1) - 1  # at least the highest row named
        present = _count(xml, b"<c") if highest * widest > SPARSE_FROM else None
        if present is not None and highest * widest > min(MAX_CELLS, SPARSE_FACTOR * present):
            highest = max(_exact_highest_row(xml), rows)  # the bound may overstate: count exactly
    if highest > MAX_ROWS:
        return LimitExceeded("rows", part, highest, MAX_ROWS)
    if highest * widest > MAX_CELLS:
        return LimitExceeded("cells", part, highest * widest, MAX_CELLS)
    if highest * widest > SPARSE_FROM:
        present = _count(xml, b"<c") if present is None else present  # cells (and a few column widths)
        if highest * widest > SPARSE_FACTOR * present:
            return LimitExceeded("sparse", part, highest * widest, present)
    return None


def hidden_rows(xml: bytes) -> tuple[int, ...]:
    """The Excel numbers of the rows a worksheet's XML marks hidden (hidden by hand, or by a filter), in order. One
    search in C finds none in the usual sheet; a row without its number is numbered after the rows before it."""
    if b'hidden="' not in xml:
        return ()
    numbers = []
    for start, end in _pieces(xml):
        for found in _HIDDEN_ROW.finditer(xml, start, end):
            tag_end = xml.find(b">", found.start())
            number = _ROW_ATTRIBUTE.search(xml, found.start(), tag_end)
            numbers.append(int(number[1]) if number else len(_ROW_TAG.findall(xml, 0, found.start())) + 1)
    return tuple(sorted(set(numbers)))


def _small_block_proved(xml: bytes, highest: int, beyond: bytes) -> bool:
    """Whether one search proves the sheet's block within SPARSE_FROM cells, so that no limit can be
    exceeded and its cells need no count: no row beyond `highest` (`beyond` matches the numbers above
    it) and no column wider than SPARSE_FROM // highest is named. The usual roster (a few columns,
    rows in order) is proved here; any other sheet is left to the full check."""
    narrow = min(SPARSE_FROM // highest, 26) if highest <= MAX_ROWS else 0
    if narrow < 1:
        return False
    too_wide = rb"[%c-Z]|" % (64 + narrow + 1) if narrow < 26 else b""
    # A letter in the allowed range is taken possessively: after it only a second letter or a far row can follow
    allowed = rb"[A-%c]" % (64 + narrow)
    pattern = re.compile(rb' r="(?:%s%s?+(?:[A-Z]|(?:%s)"))' % (too_wide, allowed, beyond))
    return not _found(pattern, xml)


def _exact_highest_row(xml: bytes) -> int:
    return max((int(n) for n in _all_found(_ROW_NUMBER, xml)), default=0)


def _widest_two_letters(xml: bytes) -> int:
    return max((_column_number(r) for r in _all_found(_TWO_LETTERS, xml)), default=26)


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + (c - 64)
    return n
