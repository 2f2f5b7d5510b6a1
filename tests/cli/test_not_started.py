"""A unit nobody has assessed yet in the command line's outputs: `score` and `export-summary` give it no place,
status or grade (未开始考核, —), as the desktop and the PDFs do, while the units under way keep theirs."""

from __future__ import annotations

import openpyxl

from core.scoring.rules import load_rule_set
from core.store.dataset import Dataset
from tests.dataset_support import run

RULES = load_rule_set()


def year_with_one_unit_started(tmp_path):
    path = tmp_path / "2022年度.wjkh"
    with Dataset.create(path, RULES, "张三", backups=False) as ds:
        for name, code in (("吴江甲人力资源有限公司", "91320509MA1P0JW58F"),
                           ("吴江乙人力资源有限公司", "91320509MA1P0JW66A")):
            edit = ds.add_unit(1, name, code, ["hr_service"])
            assert edit.ok, edit.problems
        first = ds.unit_ids()[0]
        assert ds.set_insured_workers(1, first, 3).ok  # 甲 is under way; 乙 has nothing recorded
    return path


def test_score_gives_a_unit_nobody_assessed_no_place_status_or_grade(tmp_path):
    done = run("score", str(year_with_one_unit_started(tmp_path)))
    assert done.returncode == 0, done.stderr
    rows = {line.split()[1]: line.split() for line in done.stdout.splitlines()
            if "人力资源有限公司" in line and len(line.split()) > 10}
    first, second = rows["吴江甲人力资源有限公司"], rows["吴江乙人力资源有限公司"]
    assert second[0] == "—" and second[-2:] == ["未开始考核", "—"], second
    assert first[0] == "1" and first[-2:] == ["不合格（暂定）", "E（暂定）"], first  # under way: not final
    assert ("未开始考核（尚未录入本年度的任何考核情况，暂不评定名次、考核结果和等级）：吴江乙人力资源有限公司"
            in done.stdout.splitlines())
    assert not any(line.startswith("吴江乙人力资源有限公司 不合格") for line in done.stdout.splitlines())


def test_the_summary_workbook_gives_it_no_place_status_or_grade(tmp_path):
    out = tmp_path / "汇总.xlsx"
    done = run("export-summary", "--dataset", str(year_with_one_unit_started(tmp_path)), "--out", str(out))
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(out).worksheets[0]
    headers = [c.value for c in ws[3]]  # the columns two rows high are named in the first
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[1] and "公司" in str(r[1])}
    second = rows["吴江乙人力资源有限公司"]
    status, grade = headers.index("状态"), headers.index("等级")
    assert (second[0], second[status], second[grade]) == ("—", "未开始考核", "—")
    assert rows["吴江甲人力资源有限公司"][grade] == "E（暂定）"


def test_score_as_json_marks_a_unit_nobody_assessed(tmp_path):
    import json
    done = run("score", str(year_with_one_unit_started(tmp_path)), "--json")
    assert done.returncode == 0, done.stderr
    units = {u["name"]: u for u in json.loads(done.stdout)["units"]}
    second, first = units["吴江乙人力资源有限公司"], units["吴江甲人力资源有限公司"]
    assert second["not_started"] is True and second["standing_text"] == "未开始考核"
    assert first["not_started"] is False and "standing_text" not in first
