"""The pages of a PDF the program made, drawn as pixels by PDFium (pypdfium2), for printing and its
preview: the printer gets exactly the pages of the PDF.

    pages = PdfPages(pdf_bytes)             # one thread: the one that opened it (PDFium is not thread-safe)
    for number in range(len(pages)):
        width_pt, height_pt = pages.size(number)
        for band in pages.bands(number, dpi=600, rows=1024):
            ...                              # band.pixels: RGBX rows, band.top: its first row on the page
    pages.close()

A whole A4 page at 600 dpi is 4961 × 7016 pixels (139 MB as RGBX), so printing draws it in bands of
rows; every band is rendered with the page's full-size geometry, so the bands meet exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

WHITE = 0xFFFFFFFF


@dataclass
class Band:
    """Rows top … top + height − 1 of a page drawn at some dpi: `pixels` holds height rows of `stride`
    bytes, 4 bytes a pixel in the order R, G, B, unused. Valid until the next band is asked for."""
    top: int
    width: int
    height: int
    stride: int
    pixels: memoryview


def page_pixels(width_pt: float, height_pt: float, dpi: float) -> tuple[int, int]:
    """The size in pixels of a page of this size (in points) drawn at `dpi`."""
    scale = dpi / 72
    return math.ceil(width_pt * scale), math.ceil(height_pt * scale)


class PdfPages:
    def __init__(self, pdf: bytes):
        self._document = pdfium.PdfDocument(pdf)

    def __len__(self) -> int:
        return len(self._document)

    def size(self, number: int) -> tuple[float, float]:
        """Page `number` (from 0): width and height in points."""
        page = self._document[number]
        try:
            return page.get_size()
        finally:
            page.close()

    def bands(self, number: int, dpi: float, rows: int) -> Iterator[Band]:
        """Page `number` drawn at `dpi`, `rows` pixel rows at a time from the top."""
        page = self._document[number]
        try:
            width, height = page_pixels(*page.get_size(), dpi)
            for top in range(0, height, rows):
                band_height = min(rows, height - top)
                bitmap = pdfium.PdfBitmap.new_native(width, band_height, pdfium_c.FPDFBitmap_BGRx, rev_byteorder=True)
                try:
                    pdfium_c.FPDFBitmap_FillRect(bitmap, 0, 0, width, band_height, WHITE)
                    # The page at full size, shifted up by `top` rows: the bitmap holds just this band.
                    pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, -top, width, height, 0,
                                                   pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_REVERSE_BYTE_ORDER)
                    yield Band(top, width, band_height, bitmap.stride, memoryview(bitmap.buffer).cast("B"))
                finally:
                    bitmap.close()
        finally:
            page.close()

    def close(self) -> None:
        self._document.close()
