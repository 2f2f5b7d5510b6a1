"""打印到文件: the pages chosen in the print dialog, copied from the documents' own PDFs as they are, into
one PDF file. Their text stays text (found by a search, sharp at any zoom) and the file is as small as the
documents; a printer's pictures of the pages would be neither, and Qt's PDF printer wrote an information
dictionary that readers refuse (left unclosed, its Chinese title's bytes raw).

    pdf = chosen_pages([sheet_pdf, record_pdf], [(0, 0), (0, 1), (1, 0)])
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pypdfium2 as pdfium

from core.pdf.layout import PROGRAM


def chosen_pages(pdfs: Sequence[bytes], pages: Sequence[tuple[int, int]], title: str = "") -> bytes:
    """One PDF of `pages`, (document, page) pairs counted from 0, in the order given (repeated for copies),
    titled `title` (a reader shows it). One document chosen whole, once and in order is its own bytes: its
    title (and any signature) kept."""
    opened = [pdfium.PdfDocument(pdf) for pdf in pdfs]
    try:
        if len(pdfs) == 1 and list(pages) == [(0, n) for n in range(len(opened[0]))]:
            return pdfs[0]
        out = pdfium.PdfDocument.new()
        try:
            for at, (document, page) in enumerate(pages):
                out.import_pages(opened[document], [page], index=at)
            buffer = io.BytesIO()
            out.save(buffer)
            return titled(buffer.getvalue(), title) if title else buffer.getvalue()
        finally:
            out.close()
    finally:
        for document in opened:
            document.close()


def titled(pdf: bytes, title: str) -> bytes:
    """The PDF with `title` in its document information, added as an update at its end (PDFium copies pages,
    not the information of the documents they come from)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.set_info(writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Title"): generic.TextStringObject(title),
        generic.NameObject("/Creator"): generic.TextStringObject(PROGRAM),
        generic.NameObject("/Producer"): generic.TextStringObject(PROGRAM)})))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
