"""match and export-summary on a unit whose rosters and monthly reports disagree (another employer, base,
入职日期, months outside the roster's dates), whose reports name people on no roster, and on units with no
roster imported at all: real workbooks in, what is printed and the summary workbook read back."""

from __future__ import annotations

from openpyxl import load_workbook

from core.common.identifiers import mask_id_number
from core.store.dataset import create_file
from tests.builders import RULES
from tests.dataset_support import run
from tests.import_support import REPORTED_ONLY, UNITS, disagreeing_files, monthly_file, year_with_bases
from tests.xlsx_builders import arrival, person_id, person_name


def sheet_text(ws) -> str:
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def year_file(tmp_path):
    """The first unit's disagreeing roster and reports; the second nothing; the third monthly reports alone, of
    person 13, whom the first unit's roster names."""
    path = tmp_path / "2022.sqlite"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    roster, reports = disagreeing_files(tmp_path)
    told = []
    for kind, file, unit in (("arrivals", roster, UNITS[0]), ("monthly_reports", reports, UNITS[0]),
                             ("monthly_reports", monthly_file(tmp_path, [arrival(13)], "丙送工.xlsx"), UNITS[2])):
        done = run("import-xlsx", kind, str(file), "--dataset", str(path), "--unit", unit, "--yes")
        assert done.returncode == 0, done.stderr
        told.append(done.stdout)
    assert f"{UNITS[0]}：确认进吴 0 人" in told[0] and "花名册中" not in told[0]  # no reports yet
    assert f"每月送工信息中有 2 人不在该单位的花名册中，不计入人数；名单见 ./run.sh match --dataset {path} --unit " \
        f"{UNITS[0]}" in told[1]
    assert f"{UNITS[2]}：未导入花名册（附件2、附件4），无法逐人核对" in told[2]
    assert "未确认 0 人" not in told[2]
    return path


def line_of(text: str, i: int) -> str:
    (line,) = [line for line in text.splitlines() if mask_id_number(person_id(i)) in line]
    return line


def test_match_notes_what_the_reports_say_otherwise_and_lists_who_is_on_no_roster(tmp_path):
    path = year_file(tmp_path)
    listing = run("match", "--dataset", str(path), "--unit", UNITS[0])
    assert listing.returncode == 0, listing.stderr
    out = listing.stdout
    assert out.splitlines()[0].startswith(f"{UNITS[0]}：确认进吴 5 人") and "未确认 0 人" in out  # notes only
    assert ("每月送工信息中此人的用工单位为“吴江另一家电子有限公司”（2022年3月 第 2 行），"
            "与花名册的“盛泽纺织科技有限公司”不同，请核对") in line_of(out, 1)
    assert "每月送工信息中此人的基地为“铜仁劳务基地”（2022年3月 第 3 行），与花名册的“周口劳务基地”不同，请核对" \
        in line_of(out, 2)
    assert "每月送工信息中此人的入职日期为 2022-01-20（2022年3月 第 4 行），与花名册的 2022-01-13 不同，请核对" \
        in line_of(out, 12)
    assert "每月送工信息只在2022年3月报送此人，早于花名册的入职日期 2022-06-06，请核对" in line_of(out, 5)
    assert "请核对" not in line_of(out, 13)
    assert f"{UNITS[0]} 的每月送工信息中有、花名册中没有的人员 2 人" in out
    for i, row in zip(REPORTED_ONLY, (7, 8), strict=True):
        assert line_of(out, i).strip() == (f"{person_name(i)} {mask_id_number(person_id(i))}，报送月份 2022年3月，"
                                           f"基地 {arrival(i)['劳务基地']}，用工单位 {arrival(i)['用工单位']}"
                                           f"（2022年3月 第 {row} 行）")
        assert person_id(i) not in out  # masked unless asked
    assert person_id(REPORTED_ONLY[0]) in run("match", "--dataset", str(path), "--unit", UNITS[0], "--full-ids").stdout


def test_match_says_a_unit_without_a_roster_has_none_not_that_nobody_is_unconfirmed(tmp_path):
    path = year_file(tmp_path)
    nothing = run("match", "--dataset", str(path), "--unit", UNITS[1])
    assert nothing.returncode == 0, nothing.stderr
    assert nothing.stdout.splitlines()[0] == (f"{UNITS[1]}：未导入花名册（附件2、附件4），无法逐人核对，"
                                              "不能说明谁确认、谁未确认")
    assert "未确认 0 人" not in nothing.stdout
    reports_only = run("match", "--dataset", str(path), "--unit", UNITS[2]).stdout
    assert reports_only.splitlines()[0].startswith(f"{UNITS[2]}：未导入花名册")
    assert f"{UNITS[2]} 的每月送工信息中有、花名册中没有的人员 1 人" in reports_only
    assert line_of(reports_only, 13).strip().endswith(f"（2022年3月 第 2 行）；在{UNITS[0]}的花名册中")


def test_the_summary_lists_who_is_on_no_roster_and_says_when_no_roster_was_imported(tmp_path):
    path = year_file(tmp_path)
    out = tmp_path / "汇总.xlsx"
    done = run("export-summary", "--dataset", str(path), "--out", str(out))
    assert done.returncode == 0, done.stderr
    wb = load_workbook(out)
    first = wb[f"未确认-{UNITS[0]}"]
    text = sheet_text(first)
    assert "未导入该单位的花名册" not in text and "未确认原因" in text  # its roster's people are listed
    assert "每月送工信息中有、花名册中没有的人员 2 人" in text
    header = next(r for r in range(1, first.max_row + 1) if first.cell(row=r, column=4).value == "报送月份")
    rows = [[first.cell(row=r, column=c).value for c in range(1, 9)] for r in (header + 1, header + 2)]
    assert rows == [[n, person_name(i), mask_id_number(person_id(i)), "2022年3月", arrival(i)["劳务基地"],
                     arrival(i)["用工单位"], f"2022年3月 第 {row} 行", None]
                    for n, i, row in ((1, REPORTED_ONLY[0], 7), (2, REPORTED_ONLY[1], 8))]
    for unit in UNITS[1:]:
        text = sheet_text(wb[f"未确认-{unit}"])
        assert "未导入该单位的花名册（附件2、附件4），无法逐人核对，此处不列人员；这不表示人员均已确认" in text
        assert "无未确认人员" not in text
    third = sheet_text(wb[f"未确认-{UNITS[2]}"])
    assert mask_id_number(person_id(13)) in third and person_id(13) not in third
    assert "其他单位的花名册" in third and UNITS[0] in third
