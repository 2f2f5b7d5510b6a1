"""How big an .xlsx workbook may be before it is read: the limits, and a check of a workbook's
archive and sheets against them that costs a fraction of reading it.

The cell reader builds each sheet as one dense block from its first to its last cell, so a 6 KB
file with a cell in A1 and one in XFD1048576 would ask for 17 billion cells and abort the
program; archives that unpack to gigabytes (whitespace, repeated shared strings) do the same in
memory. The limits sit far above any real roster (the largest seen: 200,000 rows × 12 columns):

- the archive unpacks to at most 1 GiB, and no part of it packs more than 200 to 1 beyond 1 MiB;
- a sheet has at most 1,048,576 rows and 16,384 columns (Excel's own grid), and its block from the
  first to the last cell holds at most 30 million cells.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from core.messages import Msg

MAX_UNPACKED_BYTES = 1 << 30
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1 << 20
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELLS = 30_000_000

# Cells and rows name their place in an r="…" attribute (r="XFD1048576", r="12"); nothing else does.
_FAR = re.compile(rb' r="(?:[A-Z]{3,}|[A-Z]{0,2}\d{7,})')  # column AAA or beyond, or row 1,000,000 or beyond
_TWO_LETTERS = re.compile(rb' r="([A-Z]{2})\d')
_THREE_LETTERS = re.compile(rb' r="([A-Z]{3,})\d')
_ROW_NUMBER = re.compile(rb' r="[A-Z]{0,3}(\d+)"')


@dataclass(frozen=True)
class LimitExceeded:
    """Which limit a workbook exceeds: `what` names it for the message, with the figures."""
    what: str  # "unpacked", "ratio", "rows", "columns", "cells"
    part: str  # the archive member (a sheet's file name) it was found in
    found: int
    limit: int

    def message(self) -> Msg:
        """One sentence naming the limit, the sheet and the figures."""
        if self.what == "unpacked":
            return Msg.of("excel.limit_unpacked", found=self.found >> 20, limit=self.limit >> 20)  # in MB
        return Msg.of(f"excel.limit_{self.what}", sheet=self.part, found=self.found, limit=self.limit)


def check_xlsx(path: Path) -> LimitExceeded | None:
    """The first limit the workbook at `path` exceeds, or None. Only the archive's directory and
    the worksheets' XML are read; a damaged archive is left to the reader to report."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_UNPACKED_BYTES:
                return LimitExceeded("unpacked", "", unpacked, MAX_UNPACKED_BYTES)
            for m in members:
                if m.file_size > RATIO_CHECKED_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
                    return LimitExceeded("ratio", m.filename, m.file_size // max(m.compress_size, 1), MAX_RATIO)
            names = _sheet_names(archive)
            for m in members:
                if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
                    found = _check_sheet(names.get(m.filename, m.filename.rsplit("/", 1)[-1]), _read_bounded(archive, m))
                    if found is not None:
                        return found
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


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


def _read_bounded(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than its directory entry declares (which the limits checked)."""
    with archive.open(member) as stream:
        return stream.read(member.file_size)


def _check_sheet(part: str, xml: bytes) -> LimitExceeded | None:
    """Each search runs in C over the sheet's XML; rows and cells are counted one by one in Python
    only when a sheet reaches far enough to need it (the usual roster: two searches and a count)."""
    rows = xml.count(b"<row")  # rows without a number are numbered one after another
    if rows > MAX_ROWS:
        return LimitExceeded("rows", part, rows, MAX_ROWS)
    if _FAR.search(xml):
        widest = max((_column_number(r) for r in set(_THREE_LETTERS.findall(xml))), default=702)
        if widest > MAX_COLUMNS:
            return LimitExceeded("columns", part, widest, MAX_COLUMNS)
        widest = max(widest, _widest_two_letters(xml))
        highest = _exact_highest_row(xml)
    elif _TWO_LETTERS.search(xml):
        widest, highest = _widest_two_letters(xml), 999_999
        if widest * highest > MAX_CELLS:
            highest = _exact_highest_row(xml)
    else:  # columns A–Z and rows below 1,000,000: within every limit
        return None
    if highest > MAX_ROWS:
        return LimitExceeded("rows", part, highest, MAX_ROWS)
    if highest * widest > MAX_CELLS:
        return LimitExceeded("cells", part, highest * widest, MAX_CELLS)
    return None


def _exact_highest_row(xml: bytes) -> int:
    return max((int(n) for n in set(_ROW_NUMBER.findall(xml))), default=0)


def _widest_two_letters(xml: bytes) -> int:
    return max((_column_number(r) for r in set(_TWO_LETTERS.findall(xml))), default=26)


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + (c - 64)
    return n
