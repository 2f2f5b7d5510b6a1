"""Files that are not what their names say get a true sentence: a random or empty .sqlite / .wjkh is
"不是本程序的年度数据文件" (not a JSON error), an old .xls renamed .xlsx is read (not a zip error)."""

import subprocess
import sys
from pathlib import Path

import pytest

from core.excel.read import read_workbook
from core.excel.readers import OLE2_MAGIC, XLS_STREAMS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name,content", [("random.sqlite", bytes(range(256)) * 12), ("empty.wjkh", b""),
                                          ("text.sqlite", "年度数据".encode())])
def test_score_on_a_file_named_as_a_year_that_is_none(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "score", str(path)], capture_output=True,
                          text=True, encoding="utf-8")
    assert done.returncode == 2
    assert done.stderr.strip() == f"{name} 不是本程序的年度数据文件，未作任何改动。"
    assert "JSON" not in done.stderr + done.stdout and path.read_bytes() == content


def test_an_old_xls_renamed_xlsx_is_read_as_the_xls_it_is(tmp_path):
    path = tmp_path / "送工信息.xlsx"
    path.write_bytes((ROOT / "tests" / "fixtures" / "monthly-months-as-numbers.xls").read_bytes())
    from core.excel.check import check_read
    from tests.builders import RULES
    result = check_read(read_workbook(path, "monthly_reports"), RULES)
    assert not result.problems and len(result.records) == 56
    assert {n.message.code for n in result.notes} == {"excel.month_from_number"}


def test_a_damaged_old_xls_renamed_xlsx_is_named_damaged(tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(OLE2_MAGIC + b"\0" * 504 + XLS_STREAMS[0] + b"\0" * 2000)
    result = read_workbook(path, "arrivals")
    [problem] = result.problems
    assert problem.message.code == "excel.corrupted"
    assert "EOCD" not in problem.text() and "zip" not in problem.text().lower()


def test_the_command_line_speaks_chinese_in_its_help_and_errors():
    def run(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                              encoding="utf-8")
    helped = run("--help").stdout + run("score", "--help").stdout
    assert "用法：" in helped and "显示本帮助并退出" in helped and "选项" in helped
    assert not any(word in helped for word in ("usage:", "options:", "show this help", "positional arguments"))
    wrong = run("export-pdf")
    assert wrong.returncode == 2 and "缺少必填的参数" in wrong.stderr and "error" not in wrong.stderr


def test_a_date_cell_holding_excels_day_zero_is_named_as_such(tmp_path):
    import datetime as dt

    from core.excel.check import check_read
    from tests.builders import RULES
    from tests.xlsx_builders import arrival, arrivals_rows, write_workbook
    path = write_workbook(tmp_path / "零日期.xlsx", {"花名册": arrivals_rows([arrival(0, 入职日期=dt.time(0))])})
    texts = [p.text() for p in check_read(read_workbook(path, "arrivals"), RULES).problems]
    assert any("值为 0" in t and "1899-12-31" in t for t in texts), texts
    assert not any("00:00:00" in t for t in texts)
