"""import-xlsx, match, assign, count-source and export-summary as a user runs them: real workbooks,
a real dataset file, the program started as a process, exit codes and what it prints."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from openpyxl import load_workbook

from core.common.identifiers import mask_id_number
from core.store.dataset import Dataset, create_file
from tests.builders import RULES
from tests.dataset_support import run
from tests.import_support import UNITS, district_file, monthly_file, roster_file, year_with_bases
from tests.xlsx_builders import arrival, arrivals_rows, person_id, write_workbook


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "2022.sqlite"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    return path


def rows_of(path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def export(path) -> str:
    result = run("export-json", str(path))
    assert result.returncode == 0, result.stderr
    return result.stdout


def import_xlsx(dataset, kind, path, *extra, stdin=None):
    return run("import-xlsx", kind, str(path), "--dataset", str(dataset), *extra, stdin=stdin)


def test_a_good_roster_is_imported_and_summed_up(dataset, tmp_path):
    people = [arrival(i) for i in range(6)]
    result = import_xlsx(dataset, "arrivals", roster_file(tmp_path, people), "--unit", UNITS[0], "--yes")
    assert result.returncode == 0, result.stderr
    assert "检查 6 行，其中 0 行有问题" in result.stdout
    assert "已导入 附件2花名册.xlsx（组织进吴人员花名册（附件2））：6 条，替换原有 0 条。" in result.stdout
    assert f"{UNITS[0]}：确认进吴 0 人" in result.stdout and "未确认 6 人" in result.stdout  # no reports yet
    assert "count-source roster" in result.stdout  # the counts still come from the typed figures
    result = import_xlsx(dataset, "monthly_reports", monthly_file(tmp_path, people[:4]), "--unit", UNITS[0], "--yes")
    assert result.returncode == 0 and "确认进吴 4 人（满六个月 4 人）" in result.stdout and "未确认 2 人" in result.stdout
    again = import_xlsx(dataset, "arrivals", roster_file(tmp_path, people[:5], "更正.xlsx"), "--unit", UNITS[0],
                        "--yes")
    assert again.returncode == 0 and "5 条，替换原有 6 条" in again.stdout
    assert rows_of(dataset, "roster_entries") == 5
    assert run("verify-audit", str(dataset)).returncode == 0


def test_a_roster_with_problems_is_refused_and_the_dataset_unchanged(dataset, tmp_path):
    people = [arrival(i) for i in range(4)]
    people[2]["身份证号码"] = person_id(2)[:17] + ("0" if person_id(2)[17] != "0" else "1")
    people[3]["首次参保日期"] = "2022.13.1"
    before = export(dataset)
    result = import_xlsx(dataset, "arrivals", roster_file(tmp_path, people), "--unit", UNITS[0], "--yes")
    assert result.returncode == 2
    assert "2 行有问题" in result.stdout
    lines = result.stderr.splitlines()
    assert any("花名册 第 5 行“身份证号码”" in line and "校验位错误" in line for line in lines), result.stderr
    assert any("花名册 第 6 行“首次参保日期”" in line and "不是有效日期" in line for line in lines), result.stderr
    assert "未导入，数据文件未改动" in result.stderr
    assert rows_of(dataset, "roster_entries") == 0 and rows_of(dataset, "imports") == 0
    assert export(dataset) == before


@pytest.mark.parametrize("make, says", [
    (lambda p: (p / "x.xlsx").write_text("姓名\n", encoding="utf-8") and p / "x.xlsx", "不是 Excel 工作簿"),
    (lambda p: write_workbook(p / "e.xlsx", {"Sheet1": []}), "工作簿中没有数据"),
])
def test_files_that_are_not_workbooks_are_refused(dataset, tmp_path, make, says):
    result = import_xlsx(dataset, "arrivals", make(tmp_path), "--unit", UNITS[0], "--yes")
    assert result.returncode == 2 and says in result.stderr and "未导入" in result.stderr
    assert rows_of(dataset, "imports") == 0


def test_the_import_asks_first_unless_told_yes(dataset, tmp_path):
    path = roster_file(tmp_path, [arrival(i) for i in range(3)])
    result = import_xlsx(dataset, "arrivals", path, "--unit", UNITS[0], stdin="n\n")
    assert result.returncode == 1 and "确认导入" in result.stdout and "已取消" in result.stdout
    assert rows_of(dataset, "roster_entries") == 0
    result = import_xlsx(dataset, "arrivals", path, "--unit", UNITS[0], stdin="y\n")
    assert result.returncode == 0 and rows_of(dataset, "roster_entries") == 3


def test_told_yes_the_rows_are_written_while_the_file_is_read(dataset, tmp_path, monkeypatch):
    from core.store.people_writer import SheetRowsWriter
    handed = []
    add = SheetRowsWriter.add
    monkeypatch.setattr(SheetRowsWriter, "add",
                        lambda self, records: (handed.append(len(records)), add(self, records)))
    people = [arrival(i) for i in range(9)]
    def sheet(chunk):
        return [["姓名", "身份证号码", "用工单位", "劳务基地"]] + [
            [p["姓名"], p["身份证号码"], p["用工单位"], p["劳务基地"]] for p in chunk]
    two_months = write_workbook(tmp_path / "送工.xlsx",
                                {"2022年3月": sheet(people[:4]), "2022年4月": sheet(people[4:])})
    result = import_xlsx(dataset, "monthly_reports", two_months, "--unit", UNITS[0], "--yes")
    assert result.returncode == 0, result.stderr
    assert handed == [4, 5] and "已导入 送工.xlsx" in result.stdout and "9 条" in result.stdout
    assert rows_of(dataset, "monthly_report_entries") == 9 and run("verify-audit", str(dataset)).returncode == 0
    handed.clear()
    asked = import_xlsx(dataset, "monthly_reports", two_months, "--unit", UNITS[0], stdin="y\n")
    assert asked.returncode == 0 and handed == []  # asked first: read, then written
    assert rows_of(dataset, "monthly_report_entries") == 9


def test_an_unrecognised_layout_imports_with_a_column_mapping(dataset, tmp_path):
    rows = [["员工", "证件", "工作单位", "首次参保"], ["王芳", person_id(1), "某公司", dt.date(2022, 3, 1)]]
    path = write_workbook(tmp_path / "odd.xlsx", {"S": rows})
    result = import_xlsx(dataset, "arrivals", path, "--unit", UNITS[0], "--yes")
    assert result.returncode == 2 and "表头" in result.stderr, result.stderr
    bad = import_xlsx(dataset, "arrivals", path, "--unit", UNITS[0], "--yes", "--mapping", "星座=3")
    assert bad.returncode == 2 and "没有字段“星座”" in bad.stderr
    good = import_xlsx(dataset, "arrivals", path, "--unit", UNITS[0], "--yes",
                       "--mapping", "姓名=员工，身份证号=证件, employer=3,首次参保日期=首次参保")
    assert good.returncode == 0, good.stderr
    assert rows_of(dataset, "roster_entries") == 1
    # the next file of the same layout is read with the mapping remembered from this import
    rows.append(["李强", person_id(2), "某公司", dt.date(2022, 4, 1)])
    again = import_xlsx(dataset, "arrivals", write_workbook(tmp_path / "odd2.xlsx", {"S": rows}), "--unit", UNITS[0],
                        "--yes")
    assert again.returncode == 0, again.stderr
    assert "按上次导入 odd.xlsx 时指定的列对应读取：姓名=员工" in again.stdout
    assert rows_of(dataset, "roster_entries") == 2


def test_units_are_given_where_the_kind_needs_one_and_only_there(dataset, tmp_path):
    listed = district_file(tmp_path, [(1, 7)])
    assert import_xlsx(dataset, "traineeship_list", listed, "--unit", UNITS[0], "--yes").returncode == 2
    assert import_xlsx(dataset, "traineeship_list", listed, "--yes").returncode == 0
    roster = roster_file(tmp_path, [arrival(1)])
    result = import_xlsx(dataset, "arrivals", roster, "--yes")
    assert result.returncode == 2 and "须指定运营单位" in result.stderr
    assert import_xlsx(dataset, "arrivals", roster, "--unit", "没有这家", "--yes").returncode == 2


def test_match_assign_count_source_and_the_scores(dataset, tmp_path):
    shared, own = arrival(30), [arrival(i) for i in range(5)]
    for unit, people, name in ((UNITS[0], own + [shared], "甲.xlsx"), (UNITS[1], [shared], "乙.xlsx")):
        assert import_xlsx(dataset, "arrivals", roster_file(tmp_path, people, name), "--unit", unit,
                           "--yes").returncode == 0
        assert import_xlsx(dataset, "monthly_reports", monthly_file(tmp_path, people, "送工" + name), "--unit", unit,
                           "--yes").returncode == 0
    listing = run("match", "--dataset", str(dataset), "--unit", UNITS[0])
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].startswith(f"{UNITS[0]}：确认进吴 5 人")
    assert sum(1 for line in lines if line.strip().startswith("✓")) == 5
    (conflicted,) = [line for line in lines if line.strip().startswith("✗")]
    assert mask_id_number(person_id(30)) in conflicted and "同一人员还被" in conflicted and UNITS[1] in conflicted
    assert person_id(30) not in listing.stdout  # masked unless asked
    assert "多家单位申报的人员 1 人" in listing.stdout and "待考核人员确认归属" in listing.stdout
    assert person_id(30) in run("match", "--dataset", str(dataset), "--full-ids").stdout

    refused = run("assign", person_id(30), "--unit", UNITS[2], "--reason", "丙", "--dataset", str(dataset))
    assert refused.returncode == 2 and "没有申报此人" in refused.stderr
    nobody = person_id(31)[:-4] + ("0000" if not person_id(31).endswith("0000") else "1111")
    unknown = run("assign", nobody, "--unit", UNITS[1], "--reason", "乙", "--dataset", str(dataset))
    # the number as typed, in full: masked it would read like the listed one next to it
    assert unknown.returncode == 2 and f"没有运营单位申报身份证号为 {nobody} 的人员" in unknown.stderr
    with Dataset.open(dataset, backups=False) as ds:
        assert ds.mark_final(1, ds.unit_id(UNITS[1])).ok
    done = run("assign", person_id(30), "--unit", UNITS[1], "--reason", "社保记录由乙单位办理", "--dataset", str(dataset))
    assert done.returncode == 0, done.stderr
    # told after the assignment's own line, as every command tells it
    told = f"“{UNITS[1]}”的数据已改动，已取消其定稿。核对无误后，可用 ./run.sh mark-final 重新标记定稿。"
    assert done.stdout.splitlines()[1:] == [told], done.stdout
    listing = run("match", "--dataset", str(dataset), "--unit", UNITS[1])
    assert "确认进吴 1 人" in listing.stdout and f"已确认归属 {UNITS[1]}" in listing.stdout

    def score_21():
        result = run("score", str(dataset), "--json")
        assert result.returncode == 0, result.stderr
        unit = next(u for u in json.loads(result.stdout)["units"] if u["name"] == UNITS[0])
        return next(c for c in unit["clauses"] if c["id"] == "2.1")

    by_hand = score_21()
    assert "人数为手工录入" in json.dumps(by_hand, ensure_ascii=False)
    switched = run("count-source", "roster", "--unit", UNITS[0], "--dataset", str(dataset))
    assert switched.returncode == 0, switched.stderr
    assert "人数按导入的花名册核对" in switched.stdout
    from_rosters = score_21()
    assert "人数按导入的花名册核对" in json.dumps(from_rosters, ensure_ascii=False)
    assert run("count-source", "roster", "--unit", UNITS[0], "--base", "没有的基地",
               "--dataset", str(dataset)).returncode == 2
    assert run("verify-audit", str(dataset)).returncode == 0


def test_export_summary_masks_ids_unless_asked(dataset, tmp_path):
    people = [arrival(i) for i in range(4)]
    assert import_xlsx(dataset, "arrivals", roster_file(tmp_path, people), "--unit", UNITS[0], "--yes").returncode == 0
    assert import_xlsx(dataset, "monthly_reports", monthly_file(tmp_path, people[:2]), "--unit", UNITS[0],
                       "--yes").returncode == 0
    out = tmp_path / "汇总.xlsx"
    result = run("export-summary", "--dataset", str(dataset), "--out", str(out))
    assert result.returncode == 0, result.stderr
    # the 2 roster people the monthly reports lack, and each unit's 60 typed people waiting for 2.1's evidence
    assert f"未确认人员共 {2 + 60 * len(UNITS)} 人" in result.stdout and not result.stderr.strip()
    wb = load_workbook(out)
    assert len(wb.sheetnames) == 1 + len(UNITS)
    cells = [str(v) for ws in wb.worksheets[1:] for row in ws.iter_rows(values_only=True) for v in row if v]
    assert mask_id_number(person_id(3)) in cells and person_id(3) not in cells
    assert any("不在该单位的每月送工信息中" in c for c in cells)
    summary = [v for row in wb.worksheets[0].iter_rows(values_only=True) for v in row if v]
    assert all(name in summary for name in UNITS)
    full = run("export-summary", "--dataset", str(dataset), "--out", str(tmp_path / "full.xlsx"), "--full-ids")
    assert full.returncode == 0 and "个人敏感信息" in full.stderr
    cells = [str(v) for ws in load_workbook(tmp_path / "full.xlsx").worksheets[1:]
             for row in ws.iter_rows(values_only=True) for v in row if v]
    assert person_id(3) in cells
    annex = run("export-annex", "2", "--dataset", str(dataset), "--unit", UNITS[0], "--out", str(tmp_path / "a2.xlsx"))
    assert annex.returncode == 0, annex.stderr
    cells = [str(v) for row in load_workbook(tmp_path / "a2.xlsx").active.iter_rows(values_only=True) for v in row if v]
    assert mask_id_number(person_id(0)) in cells and mask_id_number(person_id(3)) not in cells  # confirmed only


# ------------------------------------------------------------------ --skip-bad-rows

def test_skip_bad_rows_imports_the_good_rows_saves_the_rest_for_the_unit_and_exits_3(dataset, tmp_path):
    people = [arrival(i) for i in range(5)]
    wrong = person_id(2)[:17] + ("0" if person_id(2)[17] != "0" else "1")
    people[2]["身份证号码"] = wrong
    roster = roster_file(tmp_path, people)
    refused = import_xlsx(dataset, "arrivals", roster, "--unit", UNITS[0], "--yes")
    assert refused.returncode == 2 and rows_of(dataset, "roster_entries") == 0
    assert "如只导入其中无误的 4 行" in refused.stderr and "./run.sh import-xlsx arrivals" in refused.stderr
    assert f"--unit {UNITS[0]} --skip-bad-rows --left-out" in refused.stderr
    assert import_xlsx(dataset, "arrivals", roster, "--unit", UNITS[0], "--left-out", str(tmp_path / "x.xlsx"),
                       "--yes").returncode == 2  # the list goes with --skip-bad-rows only

    no = import_xlsx(dataset, "arrivals", roster, "--unit", UNITS[0], "--skip-bad-rows", stdin="n\n")
    assert no.returncode == 1 and "将导入 附件2花名册.xlsx 中无误的 4 条记录，有问题的 1 行不导入" in no.stdout
    assert rows_of(dataset, "roster_entries") == 0

    listed = tmp_path / "未导入的行.xlsx"
    result = import_xlsx(dataset, "arrivals", roster, "--unit", UNITS[0], "--skip-bad-rows", "--left-out", str(listed),
                         stdin="y\n")
    assert result.returncode == 3, result.stderr
    assert "：4 条，替换原有 0 条。" in result.stdout and "未导入 附件2花名册.xlsx 中有问题的 1 行" in result.stdout
    assert "花名册 第 5 行“身份证号码”" in result.stderr and "校验位错误" in result.stderr
    conn = sqlite3.connect(dataset)
    try:
        assert [r[0] for r in conn.execute("SELECT sheet_row FROM roster_entries ORDER BY id")] == [3, 4, 6, 7]
        summary = json.loads(conn.execute("SELECT new_value FROM audit WHERE action = 'import'").fetchone()[0])
    finally:
        conn.close()
    assert summary["left_out_rows"] == 1 and summary["left_out"][0]["row"] == 5
    ws = load_workbook(listed)["花名册"]
    assert ws["A4"].value == 5 and ws["E4"].value == mask_id_number(wrong) and "校验位错误" in ws["L4"].value
    assert run("verify-audit", str(dataset)).returncode == 0


def test_the_rows_left_out_are_listed_afterwards_by_audit_log(dataset, tmp_path):
    """A week later, from the year file alone: audit-log's line of the import says how many rows it left out and
    lists each one under it (sheet, row, column, problem; the ID number masked), as the import said to look."""
    people = [arrival(i) for i in range(6)]
    wrong = person_id(2)[:17] + ("0" if person_id(2)[17] != "0" else "1")
    people[2]["身份证号码"] = wrong
    people[4]["首次参保日期"] = "2022年13月1日"
    roster = roster_file(tmp_path, people)
    result = import_xlsx(dataset, "arrivals", roster, "--unit", UNITS[0], "--skip-bad-rows", "--yes")
    assert result.returncode == 3, result.stderr
    hint = f"以后可用以下命令查看未导入的行及原因：./run.sh audit-log {dataset} --unit {UNITS[0]}"
    assert hint in result.stdout.splitlines()

    told = run("audit-log", str(dataset), "--unit", UNITS[0])
    assert told.returncode == 0, told.stderr
    lines = told.stdout.splitlines()
    at = next(i for i, text in enumerate(lines) if "导入名单“附件2花名册.xlsx”" in text)
    assert lines[at].endswith(f"{UNITS[0]}　—　导入名单“附件2花名册.xlsx”，有问题的 2 行未导入")
    first = f"　　未导入 花名册 第 5 行“身份证号码”：身份证号码校验位错误：{mask_id_number(wrong)}"
    assert lines[at + 1].startswith(first)
    assert lines[at + 2].startswith("　　未导入 花名册 第 7 行“首次参保日期”：不是有效日期：2022年13月1日")
    assert lines[-1] == "共 1 条修改记录。" and wrong not in told.stdout


def test_skip_bad_rows_still_refuses_a_file_it_cannot_read_row_by_row(dataset, tmp_path):
    odd = write_workbook(tmp_path / "乱.xlsx", {"表": [["编号", "员工"], [1, "王伟"]]})
    result = import_xlsx(dataset, "arrivals", odd, "--unit", UNITS[0], "--skip-bad-rows", "--yes")
    assert result.returncode == 2 and "未导入，数据文件未改动" in result.stderr and "无法识别" in result.stderr
    wrong = person_id(0)[:17] + ("0" if person_id(0)[17] != "0" else "1")
    all_bad = roster_file(tmp_path, [arrival(0, 身份证号码=wrong)], "全错.xlsx")
    result = import_xlsx(dataset, "arrivals", all_bad, "--unit", UNITS[0], "--skip-bad-rows", "--yes")
    assert result.returncode == 2 and "1 行都有问题，没有可导入的行" in result.stderr
    assert rows_of(dataset, "imports") == 0


def test_importing_the_same_roster_again_keeps_final(dataset, tmp_path):
    roster = roster_file(tmp_path, [arrival(i) for i in range(6)])
    assert import_xlsx(dataset, "arrivals", roster, "--unit", UNITS[0], "--yes").returncode == 0
    marked = run("mark-final", "--unit", UNITS[0], "--dataset", str(dataset), "--even-unfinished")
    assert marked.returncode == 0, marked.stderr
    again = import_xlsx(dataset, "arrivals", roster, "--unit", UNITS[0], "--yes")
    assert again.returncode == 0, again.stderr
    assert "替换原有 6 条" in again.stdout and "与上次导入的内容相同，数据未改动，定稿保持不变。" in again.stdout
    assert "取消其定稿" not in again.stdout
    with Dataset.open(dataset, backups=False) as ds:
        assert ds.unit(ds.unit_id(UNITS[0])).facts_final
    changed = import_xlsx(dataset, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(7)]),
                          "--unit", UNITS[0], "--yes")
    assert changed.returncode == 0, changed.stderr
    assert f"“{UNITS[0]}”的数据已改动，已取消其定稿。" in changed.stdout and "内容相同" not in changed.stdout
    assert run("verify-audit", str(dataset)).returncode == 0


def test_a_second_employers_roster_is_kept_beside_the_first_when_asked(dataset, tmp_path):
    """import-xlsx asks before replacing the unit's roster; with --alongside another employer's roster is kept beside
    it (the question says it replaces nothing), as with --yes; --alongside for a list of the whole year is refused."""
    first = roster_file(tmp_path, [arrival(i) for i in range(3)], "甲公司.xlsx")
    second = roster_file(tmp_path, [arrival(i) for i in range(3, 5)], "乙公司.xlsx")
    assert import_xlsx(dataset, "arrivals", first, "--unit", UNITS[0], "--yes").returncode == 0
    asked = import_xlsx(dataset, "arrivals", second, "--unit", UNITS[0], stdin="n\n")
    assert "甲公司.xlsx" in asked.stdout and asked.returncode == 1  # without --alongside: it would replace 甲公司's
    asked = import_xlsx(dataset, "arrivals", second, "--unit", UNITS[0], "--alongside", stdin="y\n")
    assert asked.returncode == 0, asked.stderr
    assert "甲公司.xlsx" not in asked.stdout.split("确认导入")[-1] and rows_of(dataset, "roster_entries") == 5
    again = import_xlsx(dataset, "arrivals", second, "--unit", UNITS[0], "--alongside", "--yes")
    assert again.returncode == 0 and rows_of(dataset, "roster_entries") == 5  # the same file: replaced by itself
    refused = import_xlsx(dataset, "traineeship_list", district_file(tmp_path, [(1, 7)]), "--alongside")
    assert refused.returncode == 2 and refused.stderr.strip() == (
        "--alongside 只用于运营单位的花名册，区人资中心核准的全区就业见习名单不适用"), refused.stderr
    assert run("verify-audit", str(dataset)).returncode == 0


def test_an_annex_2_exported_masked_and_handed_back_is_refused_saying_how_to_export_it_whole(dataset, tmp_path):
    """The unit stamps the 附件2 the program exported (masked ID numbers) and hands it back: each row says
    its number was copied from this program's export and how to export the form with the full numbers."""
    people = [arrival(i) for i in range(4)]
    assert import_xlsx(dataset, "arrivals", roster_file(tmp_path, people), "--unit", UNITS[0], "--yes").returncode == 0
    assert import_xlsx(dataset, "monthly_reports", monthly_file(tmp_path, people), "--unit", UNITS[0],
                       "--yes").returncode == 0
    masked, whole = tmp_path / "附件2-盖章.xlsx", tmp_path / "附件2-完整.xlsx"
    for out, extra in ((masked, ()), (whole, ("--full-ids",))):
        done = run("export-annex", "2", "--dataset", str(dataset), "--unit", UNITS[0], "--out", str(out), *extra)
        assert done.returncode == 0, done.stderr
    sheet = load_workbook(masked).active
    assert sheet["D5"].value == mask_id_number(person_id(0)) and sheet["D5"].number_format == "@"
    refused = import_xlsx(dataset, "arrivals", masked, "--unit", UNITS[0], "--yes")
    assert refused.returncode == 2
    lines = [line for line in refused.stderr.splitlines() if "中间几位是星号" in line]
    assert len(lines) == 4, refused.stderr
    assert all("--full-ids" in line and "显示完整身份证号" in line for line in lines)
    assert "格式不正确" not in refused.stderr
    again = import_xlsx(dataset, "arrivals", whole, "--unit", UNITS[0], "--yes")
    assert again.returncode == 0, again.stderr


def test_a_person_the_monthly_report_names_otherwise_counts_and_match_says_so(dataset, tmp_path):
    people = [arrival(i) for i in range(3)]
    assert import_xlsx(dataset, "arrivals", roster_file(tmp_path, people), "--unit", UNITS[0], "--yes").returncode == 0
    renamed = [dict(p) for p in people]
    renamed[1]["姓名"] = "汪芳"  # the same ID number under another name
    done = import_xlsx(dataset, "monthly_reports", monthly_file(tmp_path, renamed), "--unit", UNITS[0], "--yes")
    assert done.returncode == 0 and "确认进吴 3 人" in done.stdout
    assert (f"2022年3月 第 3 行“姓名”：姓名为“汪芳”，而花名册中此身份证号码的姓名为“{people[1]['姓名']}”："
            "请核对哪一处填错（仍按身份证号码计入）") in done.stderr  # said at the import already
    listing = run("match", "--dataset", str(dataset), "--unit", UNITS[0])
    assert listing.returncode == 0, listing.stderr
    lines = [line for line in listing.stdout.splitlines() if line.strip().startswith("✓")]
    assert len(lines) == 3
    assert lines[1].startswith(f"  ✓ {people[1]['姓名']} {mask_id_number(person_id(1))}")
    assert lines[1].endswith("：计入，满 7 个月，计入稳定人数；"
                             "每月送工信息中此身份证号码的姓名为“汪芳”（2022年3月 第 3 行），"
                             f"与花名册的“{people[1]['姓名']}”不同，请核对")
    assert "请核对" not in lines[0] + lines[2]


def test_import_xlsx_lists_every_problem_of_a_row(dataset, tmp_path):
    """A trainee under 16 whose 类型 is also wrong: both told, each with its sheet, row and column, and nothing
    imported (not the age only after the type is corrected)."""
    from tests.import_support import placement, placements_file
    from tests.xlsx_builders import valid_id
    young = valid_id(7, dt.date(2008, 3, 1))
    path = placements_file(tmp_path, [placement(1), placement(2, "培训", 身份证号码=young)])
    result = import_xlsx(dataset, "placements", path, "--unit", UNITS[0], "--yes")
    assert result.returncode != 0 and rows_of(dataset, "roster_entries") == 0
    assert "检查 2 行，其中 1 行有问题" in result.stdout and "有 2 处问题，未导入" in result.stderr
    told = [line.strip() for line in result.stderr.splitlines() if "学员 第 3 行" in line]
    assert told == ["附件4花名册.xlsx：学员 第 3 行“身份证号码”：按身份证号码，此人生于 2008-03-01，到 2022-03-01 才 "
                    "14 周岁，不满 16 周岁（劳动法禁止招用未满十六周岁的未成年人）；请核对身份证号码",
                    "附件4花名册.xlsx：学员 第 3 行“类型”：取值“培训”无效，应为 见习、实习 之一"]


def test_matched_placements_tell_trainees_from_interns_on_the_command_line_and_in_the_score(dataset, tmp_path):
    from tests.import_support import district_file, placement, placements_file
    rows = [placement(i) for i in range(4)] + [placement(i, "实习") for i in range(4, 10)]
    assert import_xlsx(dataset, "placements", placements_file(tmp_path, rows), "--unit", UNITS[0],
                       "--yes").returncode == 0
    assert import_xlsx(dataset, "traineeship_list", district_file(tmp_path, [(0, 7), (1, 7), (2, 7)]),
                       "--yes").returncode == 0  # trainee 3 is not on the district's list
    with Dataset.open(dataset) as ds:  # 附件3 and 附件4 seen, the district list not yet
        unit = ds.unit_ids()[0]
        for item in ("annex3", "annex4"):
            assert ds.tick_evidence(1, unit, "2.1", item).ok
    switched = run("count-source", "roster", "--unit", UNITS[0], "--dataset", str(dataset))
    assert switched.returncode == 0, switched.stderr
    assert ("铜仁职业技术学院：确认 5 人（见习 2 人、实习 3 人），其中满六个月 5 人（见习 2 人、实习 3 人）"
            "（人数按导入的花名册核对）") in switched.stdout
    assert "周口职业技术学院：确认 4 人（见习 1 人、实习 3 人）" in switched.stdout
    result = run("score", str(dataset), "--json")
    assert result.returncode == 0, result.stderr
    unit = next(u for u in json.loads(result.stdout)["units"] if u["name"] == UNITS[0])
    clause = next(c for c in unit["clauses"] if c["id"] == "2.1")
    said = json.dumps(clause, ensure_ascii=False)
    assert "见习 2 人未确认（缺少与区人资中心核准的全区就业见习名单核对一致），实习 3 人计入" in said
    assert "政校合作基地的见习 3 人未确认：缺少与区人资中心核准的全区就业见习名单核对一致" in said
    assert clause["value"] == 6  # the six interns; the labour bases' 60 wait for 附件1, 附件2 and the reports


def test_a_hidden_sheet_is_neither_imported_nor_sent_back_to_the_unit_and_the_check_says_so(dataset, tmp_path):
    people = [arrival(i) for i in range(4)]
    people[3]["身份证号码"] = person_id(3)[:17] + ("0" if person_id(3)[17] != "0" else "1")
    hidden = [arrival(i) for i in range(20, 22)]  # 2022 dates: they would count in 2.1
    hidden[1]["首次参保日期"] = "2022.13.1"
    roster = write_workbook(tmp_path / "花名册.xlsx", {"花名册": arrivals_rows(people), "草稿": arrivals_rows(hidden)})
    wb = load_workbook(roster)
    wb["草稿"].sheet_state = "hidden"
    wb.save(roster)
    said = "花名册.xlsx：工作表“草稿”在 Excel 中是隐藏的，未读取；如其中的人员也要导入，请在 Excel 中取消隐藏后重新检查"
    checked = run("check-xlsx", "arrivals", str(roster))
    assert checked.returncode == 2 and said in checked.stdout
    assert "检查 4 行，其中 1 行有问题" in checked.stdout and "草稿 第" not in checked.stdout + checked.stderr
    left = tmp_path / "left.xlsx"
    result = import_xlsx(dataset, "arrivals", roster, "--unit", UNITS[0], "--yes", "--skip-bad-rows",
                         "--left-out", str(left))
    assert result.returncode == 3, result.stderr
    assert said in result.stdout and "：3 条，替换原有 0 条。" in result.stdout
    conn = sqlite3.connect(dataset)
    try:
        assert {r[0] for r in conn.execute("SELECT sheet FROM roster_entries")} == {"花名册"}
    finally:
        conn.close()
    assert load_workbook(left).sheetnames == ["花名册"]


def form_of_unit(tmp_path, unit_line: str, name: str = "附件2.xlsx"):
    """A roster on the program's own form layout: its title, the unit line in A3, then the header."""
    rows = [["附件2"], ["“乐业吴江”就业协作联盟组织进吴人员花名册"], [unit_line, "", "", "", "", "考核年度：2022年"]]
    return write_workbook(tmp_path / name, {"附件2 人员花名册": rows + arrivals_rows([arrival(i) for i in range(3)])})


def test_a_form_naming_another_unit_is_said_and_refused_unless_told_to_go_on(dataset, tmp_path):
    form = form_of_unit(tmp_path, f"运营单位（盖章）：{UNITS[1]}")
    said = (f"附件2.xlsx：工作表“附件2 人员花名册”的 A3 单元格写明运营单位为“{UNITS[1]}”，而本次是导入到“{UNITS[0]}”："
            "请核对是否选错了文件或运营单位")
    checked = run("check-xlsx", "arrivals", str(form), "--dataset", str(dataset), "--unit", UNITS[0])
    assert checked.returncode == 2 and said in checked.stderr and "其中 0 行有问题" in checked.stdout
    assert run("check-xlsx", "arrivals", str(form), "--unit", UNITS[0]).returncode == 2  # without the dataset too
    own = run("check-xlsx", "arrivals", str(form), "--unit", UNITS[1])
    assert own.returncode == 0 and said not in own.stderr
    for extra in (["--yes"], ["--yes", "--skip-bad-rows"], []):
        refused = import_xlsx(dataset, "arrivals", form, "--unit", UNITS[0], *extra, stdin="y\n")
        assert refused.returncode == 2 and said in refused.stderr, (extra, refused.stdout, refused.stderr)
        assert f"如确认导入到“{UNITS[0]}”，请加 --other-unit 重新运行" in refused.stderr
        assert rows_of(dataset, "roster_entries") == 0 and rows_of(dataset, "imports") == 0
    assert import_xlsx(dataset, "arrivals", form, "--unit", UNITS[1], "--yes").returncode == 0  # its own unit
    result = import_xlsx(dataset, "arrivals", form, "--unit", UNITS[0], "--yes", "--other-unit")
    assert result.returncode == 0 and said in result.stderr and "：3 条，替换原有 0 条。" in result.stdout
    assert rows_of(dataset, "roster_entries") == 6
    assert run("verify-audit", str(dataset)).returncode == 0


@pytest.mark.parametrize("line", [f"运营单位（盖章）： {UNITS[0]}　", f"运营单位(盖章):{UNITS[0]}",
                                  f"运营单位名称：{UNITS[0]}（盖章）", "运营单位（盖章）：",
                                  "运营单位（盖章）：________"])
def test_a_form_naming_the_chosen_unit_however_written_or_naming_none_imports(dataset, tmp_path, line):
    result = import_xlsx(dataset, "arrivals", form_of_unit(tmp_path, line), "--unit", UNITS[0], "--yes")
    assert result.returncode == 0 and "写明运营单位" not in result.stderr, result.stderr


def test_rows_that_will_count_under_no_base_are_told_by_the_check_and_the_import_one_line_each(dataset, tmp_path):
    people = [arrival(i) for i in range(5)]
    people[1]["劳务基地"] = ""  # the unit has three labour bases: which one?
    people[2]["劳务基地"] = "浙江某某基地"
    people[3]["劳务基地"] = "铜仁劳务基地 "  # a registered one, a space aside: counts
    roster = roster_file(tmp_path, people)
    blank = ("附件2花名册.xlsx：花名册 第 4 行“劳务基地”：未填写基地，而该单位登记的劳务基地有 3 个：1 行（第 4 行）"
             "导入后不计入任何基地的人数，直到补填基地名称")
    unknown = ("附件2花名册.xlsx：花名册 第 5 行“劳务基地”：基地“浙江某某基地”不是该单位登记的劳务基地：1 行（第 5 行）"
               "导入后不计入任何基地的人数，直到在本单位登记该基地或改正基地名称")
    checked = run("check-xlsx", "arrivals", str(roster), "--dataset", str(dataset), "--unit", UNITS[0])
    assert checked.returncode == 0 and "其中 0 行有问题" in checked.stdout
    assert checked.stderr.splitlines() == ["  " + blank, "  " + unknown,
                                           "注意：以上 2 行导入后不计分，请核对或补填名称"]
    assert "未填写基地" not in run("check-xlsx", "arrivals", str(roster), "--dataset", str(dataset)).stderr
    result = import_xlsx(dataset, "arrivals", roster, "--unit", UNITS[0], "--yes")
    assert result.returncode == 0 and blank in result.stderr and unknown in result.stderr
    assert "注意：以上 2 行导入后不计分" in result.stderr
