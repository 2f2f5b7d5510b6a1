"""The document information of a PDF printed to file, mended (core/pdf/printout.py): a file laid out as
Qt 6.8's PDF printer writes it (its info dictionary unclosed, the title's UTF-16 bytes raw, one of them
0x0D) reads without an error in poppler afterwards, with the right title and its pages whole; a file laid
out otherwise is left as it is."""

import subprocess
from pathlib import Path

from core.pdf.printout import mend_info, mended

TITLE = "附件2 人员花名册 苏州震泽聚才人力资源服务有限公司"  # 服 is U+670D: a raw 0x0D in Qt's title


def qt_like_pdf(title: str) -> bytes:
    """A one-page PDF whose object 1 is the information dictionary as Qt 6.8's printer writes it."""
    raw_title = b"(\xfe\xff" + title.encode("utf-16-be") + b")"  # Qt escapes only ( ) and \ in it
    objects = [b"<<\n/Title " + raw_title + b"\n/Creator ()\n/CreationDate (D:20261207040558Z)\n"
               b"/ModDate (D:20261207040558Z)\n/Trapped /False\n2\n",  # "2" where ">>" belongs
               b"<< /Type /Catalog /Pages 3 0 R >>\n",
               b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>\n",
               b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 200 100] /Contents 5 0 R >>\n"]
    drawing = b"0 0 0 rg 20 20 160 60 re f\n"
    objects.append(b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"endstream\n")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<<\n/Size %d\n/Info 1 0 R\n/Root 2 0 R\n>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdfinfo(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)


def test_a_pdf_as_qt_prints_it_gets_a_title_poppler_reads(tmp_path):
    path = tmp_path / "打印件.pdf"
    path.write_bytes(qt_like_pdf(TITLE))
    before = pdfinfo(path)
    assert "Syntax Error" in before.stderr  # as the printout was
    assert mend_info(path, TITLE)
    after = pdfinfo(path)
    assert after.returncode == 0 and after.stderr == "", after.stderr
    lines = dict(line.split(":", 1) for line in after.stdout.splitlines())
    assert lines["Title"].strip() == TITLE and lines["Creator"].strip() == "乐业吴江 考核系统"
    assert lines["Pages"].strip() == "1" and "2026" in lines["CreationDate"]
    png = tmp_path / "page"
    drawn = subprocess.run(["pdftoppm", "-r", "36", "-png", "-singlefile", str(path), str(png)],
                           capture_output=True, text=True)
    assert drawn.returncode == 0 and drawn.stderr == "" and png.with_suffix(".png").stat().st_size > 0
    assert mended(path.read_bytes(), TITLE) is not None  # mending again changes nothing a reader sees
    assert pdfinfo(path).stderr == ""


def test_a_pdf_laid_out_otherwise_is_left_as_it_is(tmp_path):
    data = qt_like_pdf(TITLE)
    later = data + b"\n1 0 obj\n<< /Title (x) >>\nendobj\nxref\n1 1\n%010d 00000 n \n" % (len(data) + 1) \
        + b"trailer\n<< /Size 6 /Info 1 0 R /Root 2 0 R /Prev 999 >>\nstartxref\n%d\n%%%%EOF\n" % (len(data) + 40)
    for name, content in (("updated.pdf", later), ("not-a-pdf.pdf", b"PK\x03\x04 a workbook"),
                          ("cut.pdf", data[: len(data) // 2])):
        path = tmp_path / name
        path.write_bytes(content)
        assert mended(content, TITLE) is None and not mend_info(path, TITLE), name
        assert path.read_bytes() == content
        assert not list(tmp_path.glob(".*.part"))
