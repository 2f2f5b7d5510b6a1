"""match and export-summary name the file of a person's row when the unit's corrected roster was imported beside
its first (--alongside, after --skip-bad-rows left a row out): 花名册 第 3 行 of the one file is another person than
of the other. Real workbooks in, what is printed and the summary workbook read back."""

from __future__ import annotations

from openpyxl import load_workbook

from core.common.identifiers import mask_id_number
from core.store.dataset import create_file
from tests.builders import RULES
from tests.dataset_support import run
from tests.import_support import UNITS, roster_file, year_with_bases
from tests.xlsx_builders import arrival, person_id


def year_file(tmp_path):
    """UNITS[0]'s roster with person 1's row left out (a wrong ID number), then its corrected row imported beside it."""
    path = tmp_path / "2022.sqlite"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    first = roster_file(tmp_path, [arrival(0), arrival(1, 身份证号码="320509199001011234"), arrival(2)])
    done = run("import-xlsx", "arrivals", str(first), "--dataset", str(path), "--unit", UNITS[0], "--yes",
               "--skip-bad-rows")
    assert done.returncode == 3, done.stderr  # a row left out
    corrected = roster_file(tmp_path, [arrival(1)], "花名册-更正后.xlsx")
    done = run("import-xlsx", "arrivals", str(corrected), "--dataset", str(path), "--unit", UNITS[0], "--yes",
               "--alongside")
    assert done.returncode == 0, done.stderr
    return path


def line_of(text: str, i: int) -> str:
    (line,) = [line for line in text.splitlines() if mask_id_number(person_id(i)) in line]
    return line


def test_match_names_the_file_of_each_persons_row(tmp_path):
    path = year_file(tmp_path)
    listing = run("match", "--dataset", str(path), "--unit", UNITS[0])
    assert listing.returncode == 0, listing.stderr
    assert "（花名册-更正后.xlsx 花名册 第 3 行）：" in line_of(listing.stdout, 1)
    assert "（附件2花名册.xlsx 花名册 第 3 行）：" in line_of(listing.stdout, 0)
    assert "（附件2花名册.xlsx 花名册 第 5 行）：" in line_of(listing.stdout, 2)


def test_the_summary_names_the_file_of_each_unconfirmed_persons_row(tmp_path):
    path = year_file(tmp_path)
    out = tmp_path / "汇总.xlsx"
    done = run("export-summary", "--dataset", str(path), "--out", str(out))
    assert done.returncode == 0, done.stderr
    ws = load_workbook(out)[f"未确认-{UNITS[0]}"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=7).value == "所在位置")
    found = {ws.cell(row=r, column=3).value: ws.cell(row=r, column=7).value for r in range(header + 1, header + 4)}
    assert found == {mask_id_number(person_id(0)): "附件2花名册.xlsx 花名册 第 3 行",
                     mask_id_number(person_id(1)): "花名册-更正后.xlsx 花名册 第 3 行",
                     mask_id_number(person_id(2)): "附件2花名册.xlsx 花名册 第 5 行"}
