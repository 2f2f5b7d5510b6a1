"""check-xlsx and export-annex as a user runs them: real workbooks, a real dataset, exit codes."""

import subprocess
from pathlib import Path

from openpyxl import load_workbook

from tests.dataset_support import run
from tests.xlsx_builders import arrival, arrivals_rows, write_workbook

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"


def test_check_xlsx_accepts_a_clean_roster(tmp_path):
    path = write_workbook(tmp_path / "roster.xlsx", {"花名册": arrivals_rows([arrival(i) for i in range(5)])})
    result = run("check-xlsx", "arrivals", str(path))
    assert result.returncode == 0, result.stderr
    assert "检查 5 行" in result.stdout and "0 行有问题" in result.stdout


def test_check_xlsx_names_sheet_row_and_column_of_each_problem(tmp_path):
    people = [arrival(i) for i in range(4)]
    people[2]["身份证号码"] = "320509199505170000"  # wrong check digit
    path = write_workbook(tmp_path / "roster.xlsx", {"花名册": arrivals_rows(people)})
    result = run("check-xlsx", "arrivals", str(path))
    assert result.returncode == 2
    assert "1 行有问题" in result.stdout
    problem = [line for line in result.stderr.splitlines() if "320509199505170000" in line or "校验" in line]
    assert problem and "花名册" in problem[0], result.stderr


def test_check_xlsx_sets_the_notes_apart_from_the_problems(tmp_path):
    """A tester read six notes after "其中 1 行有问题" without a word of which lines were which: each list has its
    heading, the notes on the standard output (they keep no row out), the problems on the error output."""
    people = [arrival(i) for i in range(1, 5)]
    people[1]["性别"] = "男"  # person 2's ID number says a woman
    people[2]["参保月数"] = -3
    path = write_workbook(tmp_path / "roster.xlsx", {"花名册": arrivals_rows(people)})
    result = run("check-xlsx", "arrivals", str(path))
    assert result.returncode == 2
    out, err = result.stdout.splitlines(), result.stderr.splitlines()
    heading = out.index("已自动转换或提示（不影响导入）1 处：")
    assert "第 17 位表示女性" in out[heading + 1]
    assert err[0] == "问题 1 处：" and "参保月数为 -3，超出范围（0 至 600）" in err[1]


def test_check_xlsx_of_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    result = run("check-xlsx", "arrivals", str(path))
    assert result.returncode == 2 and result.stderr.strip()


def test_export_annex_forms_from_a_dataset(tmp_path):
    dataset = tmp_path / "2022.sqlite"
    assert run("import-json", str(DEMO), "--to", str(dataset), "--assessor", "张三").returncode == 0
    unit = "苏州松陵众信人力资源有限公司"
    for annex in range(1, 7):
        out = tmp_path / f"annex{annex}.xlsx"
        result = run("export-annex", str(annex), "--dataset", str(dataset), "--unit", unit, "--out", str(out))
        assert result.returncode == 0, result.stderr
        # forms 1 and 6 are always filled in by hand, and the demo's 松陵 has no roster imported: 2 and 4 are blank
        blank = "导出的是空白表" in result.stdout or "导出空白表供手工填写" in result.stdout
        assert blank == (annex in (1, 2, 4, 6)), (annex, result.stdout)
        if annex in (2, 4):
            assert "该单位尚未导入花名册" in result.stdout
        cells = [str(c) for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
        assert any(f"附件{annex}" in c for c in cells)
        assert any(unit in c for c in cells), annex
    # 附件5 carries the unit's counts per base, as entered in the dataset
    sheet = load_workbook(tmp_path / "annex5.xlsx").active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any("基地" in str(v) for v in values)
    result = run("export-annex", "2", "--dataset", str(dataset), "--unit", "不存在的公司", "--out",
                 str(tmp_path / "x.xlsx"))
    assert result.returncode == 2 and "不存在的公司" in result.stderr


def test_export_annex_as_a_printable_pdf(tmp_path):
    dataset = tmp_path / "2022.sqlite"
    assert run("import-json", str(DEMO), "--to", str(dataset), "--assessor", "张三").returncode == 0
    unit = "苏州松陵众信人力资源有限公司"
    out = tmp_path / "附件5.pdf"
    result = run("export-annex", "5", "--dataset", str(dataset), "--unit", unit, "--out", str(out))
    assert result.returncode == 0 and str(out) in result.stdout, result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert "附件5" in text and unit in text and "合计" in text
    result = run("export-annex", "5", "--dataset", str(dataset), "--unit", unit, "--out",
                 str(tmp_path / "no-such-folder" / "a.pdf"))
    assert result.returncode == 2 and "no-such-folder" in result.stderr and "Traceback" not in result.stderr


def test_check_xlsx_of_a_sheet_too_far_flung_says_nothing_was_read_and_counts_in_wan_and_yi(tmp_path):
    from tests.core.excel.test_xlsx_limits import with_sheet_xml
    sheets = {"2022年8月": arrivals_rows([arrival(i) for i in range(3)]),
              "2022年9月": arrivals_rows([arrival(i) for i in range(3, 6)])}
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    path = with_sheet_xml(write_workbook(tmp_path / "two.xlsx", sheets), tmp_path / "far.xlsx",
                          lambda xml: xml.replace(b"</sheetData>", far), member="xl/worksheets/sheet2.xml")
    result = run("check-xlsx", "arrivals", str(path))
    assert result.returncode == 2
    assert result.stdout.splitlines()[0] == ("far.xlsx（组织进吴人员花名册（附件2））：未读取任何数据行："
                                             "有 1 处问题涉及整个文件或整张工作表（见下），改正后才能检查和导入")
    assert "检查 0 行" not in result.stdout
    assert result.stderr.splitlines()[0] == "问题 1 处："
    assert result.stderr.splitlines()[1] == ("  far.xlsx：工作表“2022年9月”从第一个到最后一个单元格跨约 171.8 亿个"
                                             "单元格（上限 3000 万个），多半是远处的单元格误填了内容；"
                                             "请删除多余的行和列，另存后再导入")


def test_annex_3_lists_the_school_bases_with_their_trainees_and_interns_where_told_apart(tmp_path):
    from core.store.dataset import Dataset
    dataset = tmp_path / "2022.sqlite"
    assert run("import-json", str(DEMO), "--to", str(dataset), "--assessor", "张三").returncode == 0
    unit, school = "吴江平望运河人才服务有限公司", "河南商丘职业技术学院政校合作基地"

    def rows(out: Path) -> list[tuple]:
        sheet = load_workbook(out).active
        header = next(r for r in range(1, 12) if sheet.cell(row=r, column=1).value == "序号")
        assert [sheet.cell(row=header, column=c).value for c in range(3, 7)] == [
            "院校（政校合作基地）", "见习人数", "实习人数", "其中见习（实习）满六个月人数"]
        return [row for row in sheet.iter_rows(min_row=header + 1, max_col=7, values_only=True)
                if isinstance(row[0], int)]

    out = tmp_path / "before.xlsx"
    assert run("export-annex", "3", "--dataset", str(dataset), "--unit", unit, "--out", str(out)).returncode == 0
    # not told apart: left blank, and the 备注 says how many there are in all
    assert rows(out) == [(1, None, school, None, None, 8, "共 12 人，见习、实习未区分")]
    with Dataset.open(dataset) as ds:
        uid = ds.unit_id(unit)
        base = next(bid for bid, b in zip(ds.base_ids(uid), ds.unit(uid).bases, strict=True) if b.type == "school")
        assert ds.update_base(1, base, trainees=7).ok
    out = tmp_path / "附件3.xlsx"
    assert run("export-annex", "3", "--dataset", str(dataset), "--unit", unit, "--out", str(out)).returncode == 0
    assert rows(out) == [(1, None, school, 7, 5, 8, None)]
    pdf = tmp_path / "附件3.pdf"
    result = run("export-annex", "3", "--dataset", str(dataset), "--unit", unit, "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "河南商丘职业技术学院政" in text
    assert ["1", "7", "5", "8"] in [line.split() for line in text.splitlines()], text
    # a unit without a school base: ruled rows to fill in, as before
    other = tmp_path / "other.xlsx"
    assert run("export-annex", "3", "--dataset", str(dataset), "--unit", "苏州黎里禾源劳务派遣有限公司", "--out",
               str(other)).returncode == 0
    sheet = load_workbook(other).active
    assert [c for row in sheet.iter_rows(min_row=5, max_col=7, values_only=True) for c in row[1:] if c] == []


def test_check_xlsx_says_hidden_rows_and_full_width_cells_and_refuses_a_month_its_sheet_denies(tmp_path):
    from tests.xlsx_builders import person_id
    path = write_workbook(tmp_path / "report.xlsx", {"3月": [
        ["姓名", "身份证号码", "月份", "入职日期"], ["张三", person_id(1), "3月", "２０２２－０３－０１"],
        ["李四", person_id(2), "4月", "2022-03-02"], ["王五", person_id(3), "", "2022-03-03"]]})
    book = load_workbook(path)
    book["3月"].row_dimensions[4].hidden = True
    book.save(path)
    result = run("check-xlsx", "monthly_reports", str(path))
    assert result.returncode == 2
    assert "report.xlsx：3月 第 4 行“姓名”：“王五”这一行是隐藏的（打开文件时看不到），已照常读取" \
        in result.stdout
    assert "report.xlsx：3月 第 2 行“入职日期”：“２０２２－０３－０１”用全角字符书写，已按半角读作 2022-03-01" \
        in result.stdout
    assert ("report.xlsx：3月 第 3 行“月份”：月份“4月”是2022年4月，与工作表名称“3月”所示的2022年3月不一致"
            in result.stderr), result.stderr
