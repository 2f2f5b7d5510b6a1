"""No export carries a full ID number unless asked: an ID typed into any column (a name cell, the
employer, the phone), written in full-width digits, with spaces inside or with a wrong check digit is
masked in the problem list (.xlsx and .csv), the annex forms and the summary like one in its own
column."""

from __future__ import annotations

import csv
import re

import openpyxl
import pytest

from core.common.identifiers import mask_id_like
from core.excel.check import check_read
from core.excel.problems import problem_rows, write_problem_list
from core.excel.read import read_workbook
from core.excel.write import annex_form
from tests.builders import RULES
from tests.xlsx_builders import arrival, arrivals_rows, person_id, write_workbook

HEADERS = ("工作表", "行", "列", "单元格内容", "问题")
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def leaked(text: str, numbers: list[str]) -> list[str]:
    """The numbers found whole in the text, whatever their width or the spaces inside them."""
    plain = re.sub(r"[ \u3000-]", "", text.translate({ord(f): ord(h) for h, f in zip("0123456789X", "０１２３４５６７８９Ｘ")}))
    return [n for n in numbers if n in plain or n[:17] in plain]


def test_mask_id_like_masks_every_way_of_writing_a_number():
    n = person_id(3)
    assert mask_id_like(f"见 {n} 号") == f"见 {n[:6]}{'*' * 8}{n[-4:]} 号"
    wide = n.translate(FULL_WIDTH)
    assert leaked(mask_id_like(wide), [n]) == []
    spaced = f"{n[:6]} {n[6:14]} {n[14:]}"
    assert leaked(mask_id_like(spaced), [n]) == [] and mask_id_like(spaced).count(" ") == 2
    wrong = n[:17] + ("0" if n[17] != "0" else "1")
    assert leaked(mask_id_like(wrong), [wrong]) == []
    assert mask_id_like("联系电话 13912345678，金额 2,000") == "联系电话 13912345678，金额 2,000"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_ids_in_any_column_of_a_bad_roster_never_reach_the_problem_list_whole(tmp_path, suffix):
    numbers = [person_id(i) for i in range(10, 16)]
    wrong = numbers[3][:17] + ("0" if numbers[3][17] != "0" else "1")
    people = [arrival(0, 姓名=numbers[0]),                                    # an ID in the name column
              arrival(1, 用工单位=f"{numbers[1]} 苏州某公司"),                 # in the employer
              arrival(2, 身份证号码=numbers[2].translate(FULL_WIDTH)[:-1] + "Ｙ"),  # full width, bad last char
              arrival(3, 身份证号码=wrong),                                     # wrong check digit
              arrival(4, 联系电话=f"{numbers[4][:6]} {numbers[4][6:14]} {numbers[4][14:]}"),  # spaced, in the phone
              arrival(5, 入职日期=f"{numbers[5]}")]                             # in a date column
    path = write_workbook(tmp_path / "有问题.xlsx", {"花名册": arrivals_rows(people)})
    read = read_workbook(path, "arrivals")
    rows = problem_rows(check_read(read, RULES), read)
    assert rows
    target = write_problem_list(rows, tmp_path / f"问题{suffix}", HEADERS, title="问题清单")
    if suffix == ".csv":
        with open(target, encoding="utf-8-sig", newline="") as f:
            text = "\n".join(",".join(r) for r in csv.reader(f))
    else:
        text = "\n".join(str(v) for row in openpyxl.load_workbook(target).active.iter_rows(values_only=True)
                         for v in row if v is not None)
    assert leaked(text, numbers + [wrong]) == []
    full = write_problem_list(rows, tmp_path / f"完整{suffix}", HEADERS, show_full_id_numbers=True)
    assert full is not None


def test_an_id_typed_into_the_employer_is_masked_in_the_annex_form(tmp_path):
    n = person_id(21)
    path = write_workbook(tmp_path / "花名册.xlsx", {"花名册": arrivals_rows([arrival(21, 用工单位=f"{n}（身份证）")])})
    read = read_workbook(path, "arrivals")
    records = check_read(read, RULES).records
    form = annex_form(2, tmp_path / "附件2.xlsx", RULES, "吴江测试公司", records=records)
    text = "\n".join(str(v) for row in openpyxl.load_workbook(form).active.iter_rows(values_only=True) for v in row if v)
    assert leaked(text, [n]) == []
    whole = annex_form(2, tmp_path / "附件2-完整.xlsx", RULES, "吴江测试公司", records=records, show_full_id_numbers=True)
    text = "\n".join(str(v) for row in openpyxl.load_workbook(whole).active.iter_rows(values_only=True) for v in row if v)
    assert leaked(text, [n]) == [n]
