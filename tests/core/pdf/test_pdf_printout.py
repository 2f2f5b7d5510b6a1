"""打印到文件 copies the chosen pages from the documents' own PDFs (core/pdf/printout.py): a document chosen
whole is its own file, title and all; pages chosen from several documents, some twice, come in the order
asked, still text, and the file reads without a complaint."""

import re
import subprocess

from core.pdf.annex import annex_pdf
from core.pdf.fonts import cjk_fonts
from core.pdf.printout import chosen_pages
from tests.builders import RULES

UNIT = "苏州震泽聚才人力资源服务有限公司"  # 服 is U+670D: Qt's printer wrote its 0x0D byte raw into the title


def annex(number: int) -> bytes:
    fonts, problems = cjk_fonts()
    assert fonts is not None, problems
    return annex_pdf(number, RULES, UNIT, fonts=fonts, year=2022).pdf


def info(path) -> subprocess.CompletedProcess:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)


def test_a_document_chosen_whole_is_its_own_bytes():
    form = annex(2)
    assert chosen_pages([form], [(0, 0)]) == form


def test_pages_of_several_documents_come_in_the_order_asked_as_text_and_read_cleanly(tmp_path):
    two, five = annex(2), annex(5)
    made = tmp_path / "printed.pdf"
    made.write_bytes(chosen_pages([two, five], [(1, 0), (0, 0), (0, 0)]))
    read = info(made)
    assert read.returncode == 0 and read.stderr == "", read.stderr
    assert "Pages:           3" in read.stdout
    pages = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(made), "-"], capture_output=True,
                            text=True, check=True).stdout for n in (1, 2, 3)]
    assert "附件5" in pages[0] and "附件2" in pages[1] and pages[1] == pages[2]
    assert all(UNIT in page for page in pages)
    images = subprocess.run(["pdfimages", "-list", str(made)], capture_output=True, text=True, check=True)
    assert images.stdout.splitlines()[2:] == []  # drawn as the documents are, not as pictures of them


def test_pages_chosen_from_documents_carry_the_title_given(tmp_path):
    """PDFium copies pages, not the documents' information: a file printed from several documents had no
    title for a reader to show. The title given is added, read back cleanly; a whole document keeps its own."""
    two, five = annex(2), annex(5)
    made = tmp_path / "printed.pdf"
    made.write_bytes(chosen_pages([two, five], [(0, 0), (1, 0)], "附件表格（2 份文件）"))
    read = info(made)
    assert read.returncode == 0 and read.stderr == "", read.stderr
    assert re.search(r"^Title:\s+附件表格（2 份文件）$", read.stdout, re.M), read.stdout
    assert re.search(r"^Creator:\s+乐业吴江 考核系统$", read.stdout, re.M), read.stdout
    assert "Pages:           2" in read.stdout
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(chosen_pages([two], [(0, 0)], "别的标题"))
    assert re.search(rf"^Title:\s+附件2 人员花名册 {UNIT} 2022$", info(whole).stdout, re.M)
