"""Builders of real .ods files for the tests: a zip archive holding the mimetype, a manifest and content.xml,
written here with the standard library (the OpenDocument layout, as LibreOffice and odfpy write it).

    from tests.ods_builders import ods_table, write_ods, write_ods_tables
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>')


def cell(value: Any) -> str:
    """One table:table-cell holding `value` (a number, or text); an empty one for None or ""."""
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>' \
               "</table:table-cell>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_table(name: str, rows: Sequence[Sequence[Any]], hidden_rows: Iterable[int] = (),
              hidden_columns: Iterable[int] = (), width: int | None = None) -> str:
    """A table:table named `name` with the rows from row 1, the rows numbered in `hidden_rows` (from 1) and the
    columns indexed in `hidden_columns` (from 0) hidden, one table:table-column a column (of `width`, or the widest
    row's, or to the last hidden column)."""
    hidden_r, hidden_c = set(hidden_rows), set(hidden_columns)
    width = width if width is not None else max((len(r) for r in rows), default=1)
    width = max(width, max(hidden_c, default=-1) + 1)
    columns = "".join('<table:table-column table:visibility="collapse"/>' if c in hidden_c else "<table:table-column/>"
                      for c in range(width))
    body = "".join(
        ('<table:table-row table:visibility="collapse">' if number in hidden_r else "<table:table-row>")
        + "".join(cell(v) for v in row) + "</table:table-row>"
        for number, row in enumerate(rows, start=1))
    return f"<table:table table:name={quoteattr(name)}>{columns}{body}</table:table>"


def write_ods_tables(path: Path, tables: str) -> Path:
    """An .ods file whose spreadsheet holds `tables` (table:table elements, as XML text)."""
    declared = " ".join(f'xmlns:{name}="{uri}"' for name, uri in NAMESPACES.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {declared} office:version="1.2">'
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
               "</office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", content)
    return path


def write_ods(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]],
              hidden_rows: Mapping[str, Iterable[int]] | None = None,
              hidden_columns: Mapping[str, Iterable[int]] | None = None) -> Path:
    """An .ods workbook with the given sheets (rows from row 1) and, by sheet name, its hidden rows (numbered from 1)
    and columns (indexed from 0)."""
    return write_ods_tables(path, "".join(
        ods_table(name, rows, (hidden_rows or {}).get(name, ()), (hidden_columns or {}).get(name, ()))
        for name, rows in sheets.items()))
