"""No output carries a full ID number unless asked: ID numbers written every way people write them (plain,
full-width digits, spaces or hyphens or no-break spaces inside, a wrong check digit, a lower-case x,
inside a sentence, one digit too many, as a number cell) are put into every column of every import
kind; the workbooks are checked, the problem lists written (.xlsx and .csv), the good rows imported
alone with the others saved for the unit (--skip-bad-rows --left-out), the rows the check accepts
imported into a real year file through the command line, and then every output is searched: the
command line's words (check, import, match, platform), the annex forms 1–6, the year's summary,
and the PDF record, score sheet and summary read back with pdftotext. No number may appear whole."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest

import cli
from core.common.identifiers import id_check_char
from core.excel.check import check_read
from core.excel.kinds import import_spec
from core.excel.problems import problem_rows, write_problem_list
from core.excel.read import read_workbook
from core.store.dataset import create_file
from tests.builders import RULES
from tests.import_support import UNITS, year_with_bases
from tests.xlsx_builders import person_id
from tests.xlsx_fuzz import KINDS, book, good_rows

HEADERS = ("工作表", "行", "列", "单元格内容", "问题")
FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def id_ending_in_x(n: int) -> str:
    """A valid ID number whose check character is X."""
    for k in range(n, n + 2000):
        body = f"320509{dt.date(1990, 1, 1) + dt.timedelta(days=k % 9000):%Y%m%d}{k % 1000:03d}"
        if id_check_char(body) == "X":
            return body + "X"
    raise AssertionError("no X found")


class Numbers:
    """Fresh ID numbers, each written one of the ways below; remembers every one handed out."""

    def __init__(self) -> None:
        self.next = 500
        self.all: list[str] = []

    def take(self) -> str:
        self.next += 1
        number = person_id(self.next)
        self.all.append(number)
        return number

    def variants(self) -> list[object]:
        plain, wide, spaced, nbsp, hyphen, wrong, text, longer, numeric = (self.take() for _ in range(9))
        x = id_ending_in_x(self.next * 7)
        self.all.append(x)
        wrong = wrong[:17] + ("0" if wrong[17] != "0" else "1")
        self.all.append(wrong)
        return [plain, wide.translate(FULL_WIDTH), f"{spaced[:6]} {spaced[6:14]} {spaced[14:]}",
                f"{nbsp[:6]}\u00a0{nbsp[6:14]}\u00a0{nbsp[14:]}", f"{hyphen[:6]}-{hyphen[6:14]}-{hyphen[14:]}",
                wrong, x[:17] + "x", f"本人身份证{text}号", longer + "7",
                int(numeric) if numeric.isdigit() else numeric]


def leaked(text: str, numbers: list[str]) -> list[str]:
    """The numbers found whole in the text, whatever their width, case or the separators inside."""
    plain = re.sub(r"[\s\u00a0\u3000-]", "", unicodedata.normalize("NFKC", text)).upper()
    return [n for n in numbers if n in plain or n[:17] in plain]


def in_process(*argv: str) -> tuple[int, str]:
    """The command line run in this process: its exit code and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue() + err.getvalue()


def xlsx_text(path: Path) -> str:
    workbook = openpyxl.load_workbook(path)
    return "\n".join(str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


def ids_in_every_column(kind: str, numbers: Numbers) -> tuple[str, list[list]]:
    """The kind's good rows, and for every column and every way of writing a number, a good row with
    the number in that column."""
    name, rows = good_rows(kind)
    header, good = rows[0], rows[1:]
    table = [header] + [list(r) for r in good]
    for column in range(len(header)):
        for value in numbers.variants():
            row = list(good[len(table) % len(good)])
            row[column] = value
            table.append(row)
    return name, table


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_ids_in_every_column_of_every_kind_never_reach_an_output_whole(tmp_path):
    numbers = Numbers()
    year = tmp_path / "2022.wjkh"
    assert create_file(year, RULES, "张三", year=year_with_bases()) == []
    outputs: dict[str, str] = {}
    imported_rows = 0
    for kind in KINDS:
        sheet, table = ids_in_every_column(kind, numbers)
        workbook = tmp_path / f"{kind}-全部.xlsx"
        workbook.write_bytes(book({sheet: table}))
        unit = ["--unit", UNITS[0]] if import_spec().kind(kind).scope != "year" else []

        # The bad rows: the check's words, the refused import's words, the problem lists.
        code, outputs[f"check-xlsx {kind}"] = in_process("check-xlsx", kind, str(workbook), "--dataset", str(year))
        assert code == 2
        code, outputs[f"import-xlsx {kind} (refused)"] = in_process(
            "import-xlsx", kind, str(workbook), "--dataset", str(year), "--yes", *unit)
        assert code == 2
        partial_year = tmp_path / f"{kind}-部分导入.wjkh"
        shutil.copyfile(year, partial_year)  # the good rows alone, the others saved for the unit
        left_out = tmp_path / f"{kind}-未导入的行.xlsx"
        code, said = in_process("import-xlsx", kind, str(workbook), "--dataset", str(partial_year), "--yes",
                                "--skip-bad-rows", "--left-out", str(left_out), *unit)
        assert code == 3, said
        outputs[f"import-xlsx --skip-bad-rows {kind}"] = said + xlsx_text(left_out)
        read = read_workbook(workbook, kind)
        checked = check_read(read, RULES)
        rows = problem_rows(checked, read)
        assert rows
        for suffix in (".xlsx", ".csv"):
            target = write_problem_list(rows, tmp_path / f"{kind}-问题{suffix}", HEADERS, title="问题清单")
            if suffix == ".csv":
                with open(target, encoding="utf-8-sig", newline="") as f:
                    outputs[f"problem list {kind}{suffix}"] = "\n".join(",".join(r) for r in csv.reader(f))
            else:
                outputs[f"problem list {kind}{suffix}"] = xlsx_text(target)

        # The rows the check accepts: imported, so that every later output may show them.
        bad = {int(r.location.rpartition("!")[2]) for r in checked.problems if r.location.rpartition("!")[2].isdigit()}
        accepted = [table[0]] + [r for n, r in enumerate(table[1:], start=2) if n not in bad]
        clean = tmp_path / f"{kind}-可导入.xlsx"
        clean.write_bytes(book({sheet: accepted}))
        code, outputs[f"import-xlsx {kind}"] = in_process("import-xlsx", kind, str(clean), "--dataset", str(year),
                                                          "--yes", *unit)
        assert code == 0, outputs[f"import-xlsx {kind}"]
        imported_rows += len(accepted) - 1
    # numbers in name, employer, phone, base … columns got in (the platform lists'); a people list's copy of a good row
    # shares its ID number, a duplicate, and one with a number for a name leaves out its good row too (two names)
    assert imported_rows > 60

    code, outputs["match"] = in_process("match", "--dataset", str(year))
    assert code == 0
    code, outputs["platform"] = in_process("platform", "--dataset", str(year))
    for annex in range(1, 7):
        target = tmp_path / f"附件{annex}.xlsx"
        code, said = in_process("export-annex", str(annex), "--dataset", str(year), "--unit", UNITS[0], "--out", str(target))
        assert code == 0, said
        outputs[f"annex {annex}"] = said + xlsx_text(target)
    target = tmp_path / "汇总.xlsx"
    code, said = in_process("export-summary", "--dataset", str(year), "--out", str(target))
    assert code == 0, said
    outputs["summary"] = said + xlsx_text(target)
    for kind in ("record", "sheet", "summary"):
        target = tmp_path / f"{kind}.pdf"
        code, said = in_process("export-pdf", kind, "--dataset", str(year), "--out", str(target),
                                *(["--unit", UNITS[0]] if kind != "summary" else []))
        assert code == 0, said
        text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True,
                              check=True).stdout
        outputs[f"pdf {kind}"] = said + text

    assert len(numbers.all) > 400
    found = {name: leaked(text, numbers.all) for name, text in outputs.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}
    # The numbers are there, masked: the test would see them whole (the full-ID options show them).
    masked = [n for n in numbers.all if f"{n[:6]}********{n[-4:]}" in unicodedata.normalize("NFKC", outputs["match"])]
    assert len(masked) >= 20
    code, full = in_process("match", "--dataset", str(year), "--full-ids")
    assert code == 0 and len(leaked(full, numbers.all)) >= 10
    code, full = in_process("check-xlsx", "arrivals", str(tmp_path / "arrivals-全部.xlsx"), "--full-ids")
    assert code == 2 and len(leaked(full, numbers.all)) >= 20

