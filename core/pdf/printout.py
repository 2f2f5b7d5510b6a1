"""A PDF file that Qt's printer wrote for 打印到文件, mended so that every PDF reader reads its document
information (the title) without error.

Qt 6.8's PDF writer, as the program ships it, leaves that dictionary unclosed ("2" stands where its ">>"
belongs), so poppler (pdfinfo, pdftotext, Evince) reports syntax errors and shows no title; and it writes
a Chinese title as raw UTF-16 bytes in a literal string, where a byte 0x0D (the low byte of 服, U+670D)
is a bare carriage return that a reader may take for a line feed. The pages themselves are fine. The
mending rewrites only that one object, with the title as a hexadecimal UTF-16 string, and moves the
cross-reference table's offsets by the difference; a file not laid out as Qt writes it (one classic
cross-reference table, no later update) is left as it is.

    mend_info(Path("附件2-打印件.pdf"), "附件2 人员花名册 苏州…有限公司")
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CREATOR = "乐业吴江 考核系统"  # as the PDFs the program exports (core/pdf/sheets.py, core/pdf/annex.py)

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SECTION = re.compile(rb"(\d+) (\d+)[ \t]*\r?\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_INFO = re.compile(rb"/Info\s+(\d+)\s+(\d+)\s+R")
_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:[0-9Z+\-']*)\)")


def text_string(text: str) -> bytes:
    """A PDF text string that any reader decodes alike: UTF-16BE with its byte order mark, in hexadecimal."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def info_object(number: int, generation: int, title: str, dates: dict[bytes, bytes]) -> bytes:
    lines = [b"%d %d obj" % (number, generation), b"<<", b"/Title " + text_string(title),
             b"/Creator " + text_string(CREATOR), b"/Producer " + text_string("Qt")]
    lines += [b"/" + key + b" (" + dates[key] + b")" for key in (b"CreationDate", b"ModDate") if key in dates]
    lines += [b"/Trapped /False", b">>", b"endobj", b""]
    return b"\n".join(lines)


def mended(data: bytes, title: str) -> bytes | None:
    """The PDF with its document information dictionary rewritten; None when it is not laid out as
    Qt's printer writes it (then nothing is changed)."""
    end = _STARTXREF.search(data, max(0, len(data) - 64))
    if end is None:
        return None
    xref_at = int(end.group(1))
    if not data.startswith(b"xref", xref_at):
        return None
    position = data.index(b"\n", xref_at) + 1
    offsets: dict[int, int] = {}  # object number: offset, of the objects in use
    while True:
        section = _SECTION.match(data, position)
        if section is None:
            break
        first, count = int(section.group(1)), int(section.group(2))
        position = section.end()
        for index in range(count):
            entry = _ENTRY.match(data, position)
            if entry is None:
                return None
            if entry.group(3) == b"n":
                offsets[first + index] = int(entry.group(1))
            position += 20
    trailer_at = position
    if not data.startswith(b"trailer", trailer_at):
        return None
    trailer = data[trailer_at:end.start()]
    info = _INFO.search(trailer)
    if info is None or b"/Prev" in trailer:
        return None
    number, generation = int(info.group(1)), int(info.group(2))
    if number not in offsets:
        return None
    start = offsets[number]
    following = [offset for offset in offsets.values() if offset > start]
    stop = min(following) if following else xref_at
    old = data[start:stop]
    if not old.startswith(b"%d %d obj" % (number, generation)):
        return None
    dates = {m.group(1): m.group(2) for m in _DATE.finditer(old)}
    new = info_object(number, generation, title, dates)
    delta = len(new) - len(old)
    # the table again, entry by entry, its sections and free entries kept
    table = bytearray()
    position = data.index(b"\n", xref_at) + 1
    table += data[xref_at:position]
    while True:
        section = _SECTION.match(data, position)
        if section is None:
            break
        table += data[position:section.end()]
        position = section.end()
        for _ in range(int(section.group(2))):
            entry = _ENTRY.match(data, position)
            if entry is None:
                return None
            offset = int(entry.group(1))
            if entry.group(3) == b"n" and offset > start:
                table += b"%010d" % (offset + delta) + data[position + 10:position + 20]
            else:
                table += data[position:position + 20]
            position += 20
    return (data[:start] + new + data[stop:xref_at] + bytes(table) + trailer
            + b"startxref\n%d\n%%%%EOF\n" % (xref_at + delta))


def mend_info(path: Path, title: str) -> bool:
    """Rewrite the file's document information (its title `title`) in place, through a temporary file
    beside it; False when the file is not laid out as expected and was left as it is."""
    data = path.read_bytes()
    fixed = mended(data, title)
    if fixed is None:
        return False
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(fixed)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return True
