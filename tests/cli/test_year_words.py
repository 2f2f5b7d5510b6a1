"""What the command line and the summary workbook say of a result that may still change, as the desktop says
it: a unit nobody has assessed this year has no grade beside last year's, a unit whose own data is not final
has its status and grade marked 暂定 (this year's and last year's alike), the results' title names results,
not rules, and 备注 reads as one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from core.scoring.engine import score_year
from core.scoring.facts import parse_year
from core.scoring.rules import load_rule_set
from core.store.dataset import Dataset, create_file
from core.years.continuation import continue_year, read_previous
from core.years.standing import FINAL, UNDER_WAY, unit_stage
from tests.builders import RULES
from tests.cli_support import run_process
from tests.dataset_support import DEMO, run
from tests.example_rules import EXAMPLE_2023

NEXT = load_rule_set(EXAMPLE_2023)
RESULTS_TITLE = "2022年度“乐业吴江”就业协作联盟运营单位绩效考核结果"


def demo_year(folder: Path) -> Path:
    """The demo's 2022 as a year file: most units final, one under way, one not started at all."""
    path = folder / "2022年度考核.wjkh"
    year, problems = parse_year(json.loads(DEMO.read_text(encoding="utf-8")), RULES)
    assert not problems
    assert create_file(path, RULES, "张三", "考核组长", year) == []
    return path


def stages(path: Path) -> dict[str, str]:
    with Dataset.open(path, read_only=True) as ds:
        rules, year, noted = ds.rule_set(), ds.year(), ds.noted_unit_names()
    return {u.name: unit_stage(rules, u, u.name in noted) for u in year.units}


def results(path: Path) -> dict[str, tuple[str, str]]:
    with Dataset.open(path, read_only=True) as ds:
        rules, year = ds.rule_set(), ds.year()
    return {u.name: (u.grade, u.status) for u in score_year(rules, year).units}


@pytest.fixture
def last_year(tmp_path) -> Path:
    return demo_year(tmp_path)


def test_score_on_a_new_year_gives_no_grade_to_units_not_started_and_marks_last_years_provisional(last_year):
    target = last_year.with_name("2023年度考核.wjkh")
    assert continue_year(read_previous(last_year), target, NEXT, "李四") == []
    done = run_process("score", str(target))
    assert done.returncode == 0, done.stderr
    lines = [line.strip() for line in done.stdout.splitlines() if "：本年度" in line]
    before = stages(last_year)
    assert len(lines) == len([name for name in results(last_year) if name in stages(target)])
    assert all("：本年度 未开始考核；" in line for line in lines), lines
    assert not any(" 0 分 E 级" in line for line in lines)
    open_unit = next(name for name, stage in before.items() if stage == UNDER_WAY)
    grade = results(last_year)[open_unit][0]
    assert any(line.startswith(f"{open_unit}：") and line.endswith(f"上一年度 {grade} 级（暂定） "
                                                                     f"{line.split()[-2]} 分") for line in lines), lines


def test_score_marks_the_status_and_grade_of_a_unit_whose_data_is_not_final(last_year):
    done = run_process("score", str(last_year))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == RESULTS_TITLE
    rows = {line.split()[1]: line.split() for line in done.stdout.splitlines() if len(line.split()) > 15}
    verdicts = results(last_year)
    open_units = [name for name, stage in stages(last_year).items() if stage == UNDER_WAY]
    assert open_units
    for name in open_units:
        grade, _status = verdicts[name]
        assert f"{grade}（暂定）" in rows[name] and any(c.endswith("（暂定）") and c != f"{grade}（暂定）"
                                                    for c in rows[name]), rows[name]
    final = next(name for name, stage in stages(last_year).items() if stage == FINAL)
    assert not any("暂定" in cell for cell in rows[final]), rows[final]
    assert any(line.startswith("（暂定）：以下运营单位数据尚未定稿") and all(n in line for n in open_units)
               for line in done.stdout.splitlines())
    as_json = {u["name"]: u for u in json.loads(run("score", str(last_year), "--json").stdout)["units"]}
    assert [n for n, u in as_json.items() if not u["data_final"] and not u["not_started"]] == open_units


def test_the_summary_workbook_marks_it_names_results_and_its_remarks_read_as_one_sentence(last_year, tmp_path):
    out = tmp_path / "汇总.xlsx"
    done = run_process("export-summary", "--dataset", str(last_year), "--out", str(out))
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws["A1"].value == RESULTS_TITLE
    headers = [c.value for c in ws[3]]
    status, grade, remarks = headers.index("状态"), headers.index("等级"), headers.index("备注")
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[1] and "公司" in str(r[1])}
    verdicts = results(last_year)
    for name, stage in stages(last_year).items():
        row = rows[name]
        if stage == UNDER_WAY:
            assert row[status].endswith("（暂定）") and row[grade] == f"{verdicts[name][0]}（暂定）", row
            assert row[remarks].startswith("暂定：本单位数据尚未定稿"), row
        elif stage == FINAL:
            assert "暂定" not in row[status] + row[grade], row
    texts = [r[remarks] for r in rows.values() if r[remarks]]
    assert any("；" in t for t in texts)
    assert not any(mark in t for t in texts for mark in ("。；", "；；", "。。")), texts
    assert all(t.endswith("。") for t in texts), texts


def test_new_year_from_a_year_not_final_says_its_results_stay_provisional(last_year):
    not_final = [name for name, stage in stages(last_year).items() if stage != FINAL]
    assert 0 < len(not_final) < len(stages(last_year))
    target = last_year.with_name("2023年度考核.wjkh")
    done = run_process("new-year", "--to", str(target), "--from", str(last_year), "--rules", str(EXAMPLE_2023),
                       "--assessor", "李四")
    assert done.returncode == 0, done.stderr
    warning = done.stdout.splitlines()[-1]
    assert warning.startswith(f"注意：2022 年度尚有 {len(not_final)} 家运营单位数据未定稿（"), done.stdout
    assert "该年度的名次、考核结果和等级仍为暂定" in warning and "“历年考核”" in warning
    named = warning.split("（", 1)[1].split("）", 1)[0]
    assert named == "、".join(not_final[:5]) + (" 等" if len(not_final) > 5 else "")

    # a year all final: nothing to warn of
    with Dataset.open(last_year) as ds:
        for uid in ds.unit_ids():
            assert ds.mark_final(1, uid).ok
    final_next = last_year.with_name("2023年度考核-2.wjkh")
    done = run_process("new-year", "--to", str(final_next), "--from", str(last_year), "--rules", str(EXAMPLE_2023),
                       "--assessor", "李四")
    assert done.returncode == 0, done.stderr
    assert "未定稿" not in done.stdout and "注意" not in done.stdout


def test_the_summary_pdf_marks_the_status_and_grade_of_a_unit_not_final(last_year, tmp_path):
    import subprocess
    out = tmp_path / "汇总表.pdf"
    done = run_process("export-pdf", "summary", "--dataset", str(last_year), "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    open_units = [name for name, stage in stages(last_year).items() if stage == UNDER_WAY]
    assert text.count("（暂定）") == 2 * len(open_units)  # its status and its grade, nobody else's
    lines = text.splitlines()
    for name in open_units:  # under its row's name, before the next row's
        row = next(i for i, line in enumerate(lines) if name[:6] in line)
        after = next(i for i in range(row + 1, len(lines)) if "有限" in lines[i])
        assert "".join(lines[row:after]).count("（暂定）") == 2, lines[row:after]
