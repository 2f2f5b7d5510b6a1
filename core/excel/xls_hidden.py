"""The rows and columns each sheet of a legacy .xls workbook hides, read from its BIFF records in the OLE2 file."""

from __future__ import annotations

import codecs
import mmap
import re
import struct
from collections.abc import Iterator
from pathlib import Path

from core.excel.limits import HiddenParts

_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_LAST_SECTOR = 0xFFFFFFFA  # numbers above name no sector
_STREAM, _ROOT = 2, 5  # directory entry types
_BOF, _EOF, _BOUNDSHEET, _CODEPAGE, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x0042, 0x002F
_ROW, _COLINFO = 0x0208, 0x007D
_ROW_HIDDEN, _COLUMN_HIDDEN = 0x20, 0x0001
_BIFF8 = 0x0600
_HEADER = struct.Struct("<HH")  # a record's type and the length of its body
# A run of the cell records of fixed length (LABELSST, RK, NUMBER, BLANK, BOOLERR), each by its type and length,
# passed over in one search in C: the loop below meets a sheet's rows, not its cells, one by one
_CELLS = re.compile(rb"(?:\xfd\x00\x0a\x00.{10}|\x7e\x02\x0a\x00.{10}|\x03\x02\x0e\x00.{14}|\x01\x02\x06\x00.{6}"
                    rb"|\x05\x02\x08\x00.{8})*+", re.DOTALL)
_CELL_KINDS = frozenset((0x00FD, 0x027E, 0x0203, 0x0201, 0x0205))
_PIECE_BYTES = 1 << 20
_COLUMNS = 256  # an .xls sheet's grid: 256 columns, 65,536 rows
_DAMAGED = (struct.error, ValueError, IndexError, KeyError, LookupError, OSError, EOFError, OverflowError,
            MemoryError)


class _Damaged(Exception):
    """The compound file or its records are not what they claim."""


def xls_hidden(path: Path) -> HiddenParts:
    """Each sheet's hidden rows and columns, by the sheet's name; none for a damaged or encrypted file."""
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _workbook_hidden(_workbook_stream(data))
    except (_Damaged, *_DAMAGED):
        return HiddenParts()


# ------------------------------------------------------------------ the compound file

def _workbook_stream(data: mmap.mmap) -> bytes:
    """The bytes of the "Workbook" stream (or "Book", Excel 5's) of the compound file in `data`."""
    if data[:8] != _SIGNATURE or len(data) < 512:
        raise _Damaged()
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if sector_shift not in (9, 12) or mini_shift != 6:
        raise _Damaged()
    size = 1 << sector_shift
    fat_sectors, first_directory = struct.unpack_from("<II", data, 0x2C)[0], struct.unpack_from("<I", data, 0x30)[0]
    cutoff, first_mini_fat, mini_fat_sectors, first_difat, difat_sectors = struct.unpack_from("<IIIII", data, 0x38)
    sectors = -(-(len(data) - size) // size)  # in the file after the header's, the last perhaps cut short

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise _Damaged()
        return data[(n + 1) << sector_shift:(n + 2) << sector_shift]

    def joined(numbers: list[int]) -> bytes:
        """The sectors' bytes in order, each run of neighbouring sectors copied at once."""
        if any(n >= sectors for n in numbers):
            raise _Damaged()
        runs, first = [], 0
        for i in range(1, len(numbers) + 1):
            if i == len(numbers) or numbers[i] != numbers[i - 1] + 1:
                runs.append(data[(numbers[first] + 1) << sector_shift:(numbers[i - 1] + 2) << sector_shift])
                first = i
        return runs[0] if len(runs) == 1 else b"".join(runs)

    fat_places: list[int] = list(struct.unpack_from("<109I", data, 0x4C))
    place, per_difat = first_difat, size // 4 - 1
    for _ in range(min(difat_sectors, sectors)):
        if place > _LAST_SECTOR:
            break
        listed = struct.unpack(f"<{per_difat + 1}I", sector(place))
        fat_places += listed[:-1]
        place = listed[-1]
    fat_places = [n for n in fat_places[:fat_sectors] if n <= _LAST_SECTOR]
    fat: tuple[int, ...] = struct.unpack(f"<{len(fat_places) * size // 4}I", joined(fat_places))

    def chain(first: int, table: tuple[int, ...], limit: int) -> list[int]:
        found: list[int] = []
        n = first
        while n != _END_OF_CHAIN:
            if n >= len(table) or len(found) >= limit:
                raise _Damaged()  # a sector beyond the table, or a loop
            found.append(n)
            n = table[n]
        return found

    directory = joined(chain(first_directory, fat, sectors))
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries or entries[0][0x42] != _ROOT:
        raise _Damaged()
    stream = _find_stream(entries)
    kind, start = stream[0x42], struct.unpack_from("<I", stream, 0x74)[0]
    length = struct.unpack_from("<Q", stream, 0x78)[0]
    if sector_shift == 9:  # version 3 files may leave garbage in the size's high half
        length &= 0xFFFFFFFF
    if kind != _STREAM:
        raise _Damaged()
    if length >= cutoff:
        found = joined(chain(start, fat, sectors))
    else:  # a small stream lies in the mini stream, in 64-byte sectors of its own table
        root = entries[0]
        mini_stream = joined(chain(struct.unpack_from("<I", root, 0x74)[0], fat, sectors))
        mini_fat_bytes = joined(chain(first_mini_fat, fat, min(mini_fat_sectors, sectors)))
        mini_fat = struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes)
        found = b"".join(mini_stream[n << mini_shift:(n + 1) << mini_shift]
                         for n in chain(start, mini_fat, len(mini_stream) >> mini_shift))
    if len(found) < length:
        raise _Damaged()
    return found[:length]


def _find_stream(entries: list[bytes]) -> bytes:
    """The directory entry of the workbook stream: "Workbook", else "Book"."""
    named = {}
    for entry in entries:
        name_length = struct.unpack_from("<H", entry, 0x40)[0]
        if 2 <= name_length <= 64 and entry[0x42] == _STREAM:
            named[entry[:name_length - 2].decode("utf-16-le", "replace").lower()] = entry
    found = named.get("workbook") or named.get("book")
    if found is None:
        raise _Damaged()
    return found


# ------------------------------------------------------------------ the BIFF records

def _records(stream: bytes, at: int) -> Iterator[tuple[int, int, int]]:
    """(type, body start, body end) of each record from `at` to the end of the stream."""
    end = len(stream)
    while at + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        if at + 4 + length > end:
            raise _Damaged()
        yield kind, at + 4, at + 4 + length
        at += 4 + length


def _workbook_hidden(stream: bytes) -> HiddenParts:
    """The hidden rows and columns of each worksheet the workbook globals (the stream's first substream) list."""
    sheets: list[tuple[str, int]] = []  # name, where its substream starts
    codepage, version = "cp1252", None
    for kind, start, end in _records(stream, 0):
        if version is None:
            if kind != _BOF:
                raise _Damaged()
            version = struct.unpack_from("<H", stream, start)[0]
        elif kind == _FILEPASS:  # encrypted: the reader asks for the password
            raise _Damaged()
        elif kind == _CODEPAGE:
            number = struct.unpack_from("<H", stream, start)[0]
            codepage = "utf-16-le" if number == 1200 else f"cp{number}"
        elif kind == _BOUNDSHEET:
            place = struct.unpack_from("<I", stream, start)[0]
            sheets.append((_sheet_name(stream[start:end], version, codepage), place))
        elif kind == _EOF:
            break
    found = HiddenParts()
    for name, at in sheets:
        rows, columns = _sheet_hidden(stream, at)
        if rows:
            found.rows[name] = rows
        if columns:
            found.columns[name] = columns
    return found


def _sheet_name(body: bytes, version: int | None, codepage: str) -> str:
    """The sheet's name in a BOUNDSHEET record: after its place (4 bytes) and state (2), a count of characters
    and, in BIFF8, whether they are two bytes each."""
    count = body[6]
    if version == _BIFF8:
        wide = body[7] & 1
        return body[8:8 + count * (1 + wide)].decode("utf-16-le" if wide else "latin-1")
    codecs.lookup(codepage)  # LookupError: damaged
    return body[7:7 + count].decode(codepage, "replace")


def _sheet_hidden(stream: bytes, at: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The Excel numbers of the hidden rows and the indexes of the hidden columns of the substream from `at`. Each row's
    record is looked at in Python, the runs of cells between them passed over in C: a sheet of 65,000 rows × 12
    columns (a 16 MB file) in about 0.1 s, a fifth of the cell reader's time."""
    rows: set[int] = set()
    columns: set[int] = set()
    header, cells = _HEADER.unpack_from, _CELLS.match
    end = len(stream)
    kind, length = header(stream, at)
    if kind != _BOF:  # the substream does not start where the globals say
        raise _Damaged()
    depth = 0
    while at + 4 <= end:
        kind, length = header(stream, at)
        if kind in _CELL_KINDS:
            run = cells(stream, at, at + _PIECE_BYTES)  # a MiB at most in one search: others' turn between
            at = run.end() if run is not None and run.end() > at else at + 4 + length  # or one of another length
            continue
        start, at = at + 4, at + 4 + length
        if kind == _ROW:
            if depth == 1 and length >= 16 and stream[start + 12] & _ROW_HIDDEN:
                rows.add(stream[start] | stream[start + 1] << 8)
        elif kind == _BOF:
            depth += 1  # a chart inside the sheet has a substream of its own
        elif kind == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif kind == _COLINFO and depth == 1 and length >= 10:
            first, last, _width, _format, options = struct.unpack_from("<HHHHH", stream, start)
            if options & _COLUMN_HIDDEN:
                columns.update(range(first, min(last, _COLUMNS - 1) + 1))
    if at > end:
        raise _Damaged()
    return tuple(sorted(r + 1 for r in rows)), tuple(sorted(columns))
