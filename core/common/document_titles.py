"""What a document the program wrote says it is: the title in an .xlsx's or a .pdf's own properties, read
without reading the document, so that replacing a file can say whose form it holds."""

from __future__ import annotations

import re
import zipfile
from html import unescape
from pathlib import Path

_XLSX_TITLE = re.compile(rb"<dc:title\b[^>]*>(.*?)</dc:title>", re.DOTALL)
_MOST_PROPERTIES = 1 << 20  # a core-properties part is a few hundred bytes; more is no workbook of ours


def title_of(*parts: object) -> str:
    """A document's title as the program writes it into its properties: its parts (the form, the unit, the
    year) in order, those left empty left out. read_title reads it back."""
    return " ".join(str(part) for part in parts if part not in ("", None))


def read_title(path: str | Path) -> str | None:
    """The title the file's properties give (None: none, unreadable, or another kind of file)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                info = book.getinfo("docProps/core.xml")
                if info.file_size > _MOST_PROPERTIES:
                    return None
                found = _XLSX_TITLE.search(book.read(info))
            return unescape(found.group(1).decode("utf-8")).strip() or None if found else None
        if suffix == ".pdf":
            import pypdfium2 as pdfium  # only when a PDF is asked about

            document = pdfium.PdfDocument(str(path))
            try:
                return str(document.get_metadata_value("Title") or "").strip() or None
            finally:
                document.close()
    except Exception:  # noqa: BLE001 - any file at all may stand there: one that will not say is one without a title
        return None
    return None
