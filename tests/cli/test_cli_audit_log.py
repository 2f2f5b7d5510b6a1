"""audit-log: the year's changes as the desktop's 修改记录 shows them, one line each, of a unit, a clause or an
assessor when asked; --out writes the same rows to Excel; a unit or clause the file has not is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.common.messages import render
from core.store.audit_log import changes_of, line
from core.store.dataset import Dataset
from core.teamwork.field_copy import make_field_copy
from core.teamwork.merge import merge_copy
from tests.cli_support import run
from tests.teamwork_support import year_in_the_field

LEAD = 1


@pytest.fixture
def year(tmp_path) -> Path:
    path = year_in_the_field(tmp_path / "2022.wjkh")
    with Dataset.open(path, backups=False) as ds:
        assert ds.set_negatives(LEAD, ds.unit_ids()[0], complaints=3).ok
        make_field_copy(ds, tmp_path / "张三.wjkh", "张三", LEAD)
        assert ds.set_insured_workers(LEAD, ds.unit_ids()[1], 40).ok
    with Dataset.open(tmp_path / "张三.wjkh", backups=False) as ds:
        assert ds.set_negatives(ds.assessor_id("张三"), ds.unit_ids()[0], complaints=2, reason="现场核实").ok
    with Dataset.open(path, backups=False) as ds, Dataset.open(tmp_path / "张三.wjkh", read_only=True) as c:
        assert merge_copy(ds, c, "张三.wjkh", LEAD)[1].ok
    return path


def test_the_lines_of_a_unit_and_a_clause(year):
    with Dataset.open(year, read_only=True) as ds:
        name = ds.unit(ds.unit_ids()[0]).name
        expected = [render(line(c)) for c in changes_of(ds, unit=ds.unit_ids()[0], page="五")]
    done = run("audit-log", str(year), "--unit", name, "--clause", "五")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [*expected, "共 2 条修改记录。"]
    assert "组长王" in expected[0] and expected[0].endswith("“评价周期内被投诉（次）”：0 → 3")
    assert expected[1].split("　")[1].startswith("张三（外业副本 张三.wjkh，组长王 ")
    assert expected[1].endswith("：3 → 2　理由：现场核实")
    every = run("audit-log", str(year))
    assert every.returncode == 0 and len(every.stdout.splitlines()) > 4
    assert run("audit-log", str(year), "--assessor", "张三").stdout.splitlines()[-1] == "共 1 条修改记录。"
    assert run("audit-log", str(year), "--clause", "第4.2条").stdout.splitlines()[-1] == "共 1 条修改记录。"


def test_out_writes_the_rows_newest_first(year, tmp_path):
    out = tmp_path / "记录.xlsx"
    done = run("audit-log", str(year), "--clause", "五", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = [[c.value for c in r] for r in load_workbook(out).active.iter_rows(min_row=4)]
    assert [(r[1].split("（")[0], r[5], r[6]) for r in rows] == [("张三", "3", "2"), ("组长王", "0", "3")]


def test_a_unit_or_clause_the_file_has_not_is_refused(year):
    no_unit = run("audit-log", str(year), "--unit", "不存在的单位")
    assert no_unit.returncode == 2 and "没有名为“不存在的单位”的运营单位" in no_unit.stderr
    no_clause = run("audit-log", str(year), "--clause", "9.9")
    assert no_clause.returncode == 2 and "没有第 9.9 条；可选的有：1.1、" in no_clause.stderr
