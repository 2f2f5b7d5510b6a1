"""The command line tells what the desktop asks about: rows of a platform export naming no unit and roster rows
naming an unregistered base, when the file is imported; counts switched to 名单核对 without a roster and 3.1/3.2
switched to the platform without the unit's records. Real .xlsx files and year files, the program run as a user
runs it."""

from __future__ import annotations

import datetime as dt

from core.scoring.facts import Delivery
from core.store.dataset import Dataset
from tests.builders import RULES
from tests.cli_support import run_process
from tests.core.people.test_platform import deliveries_file
from tests.dataset_support import DEMO, run
from tests.import_support import UNITS, roster_file, year_with_bases
from tests.xlsx_builders import arrival


def year_file(tmp_path):
    path = tmp_path / "2022.wjkh"
    with Dataset.create(path, RULES, "张三", backups=False) as created:
        assert created.import_year(1, year_with_bases()).ok
    return path


def test_imports_say_which_rows_will_count_for_nothing(tmp_path):
    year = year_file(tmp_path)
    rows = [(UNITS[0], Delivery(dt.date(2022, 3, 1), "缺工企业", 5)),
            ("吴江甲人力资源有限公司（原甲劳务）", Delivery(dt.date(2022, 3, 2), "缺工企业", 5))]
    result = run("import-xlsx", "platform_deliveries", str(deliveries_file(tmp_path, rows)), "--dataset", str(year),
                 "--yes")
    assert result.returncode == 0, result.stderr
    assert "“吴江甲人力资源有限公司（原甲劳务）”不是本年度的运营单位" in result.stderr
    assert "可能是“吴江甲人力资源有限公司”" in result.stderr and "注意：以上 1 行导入后不计分" in result.stderr

    people = [arrival(i) for i in range(3)] + [arrival(i, 劳务基地="四川仪陇县劳务基地") for i in range(3, 5)]
    result = run("import-xlsx", "arrivals", str(roster_file(tmp_path, people)), "--unit", UNITS[0],
                 "--dataset", str(year), "--yes")
    assert result.returncode == 0, result.stderr
    assert "基地“四川仪陇县劳务基地”不是该单位登记的劳务基地：2 行（第 6、7 行）" in result.stderr
    assert "注意：以上 2 行导入后不计分" in result.stderr


def test_switching_to_a_source_without_the_units_data_says_so(tmp_path):
    year = year_file(tmp_path)
    result = run("count-source", "roster", "--unit", UNITS[1], "--dataset", str(year), "--reason", "改为名单核对")
    assert result.returncode == 0, result.stderr
    assert f"注意：{UNITS[1]} 尚未导入花名册，按名单核对的基地人数都按 0 人计，条款2.1、2.2、4.2 依据不全" \
        in result.stderr
    result = run("platform-source", "platform", "--unit", UNITS[1], "--dataset", str(year), "--reason", "按平台")
    assert result.returncode == 0, result.stderr
    assert f"注意：用工速递系统输送记录导出中没有 {UNITS[1]} 的数据，条款3.1 按 0 计、依据不全" in result.stderr
    assert f"注意：用工速递系统综合评分导出中没有 {UNITS[1]} 的数据，条款3.2 按 0 计、依据不全" in result.stderr


def test_a_command_that_changes_a_final_units_data_says_its_final_was_withdrawn(tmp_path):
    year = year_file(tmp_path)
    with Dataset.open(year, backups=False) as ds:
        assert ds.mark_final(1, ds.unit_id(UNITS[0])).ok
    people = [arrival(i) for i in range(3)]
    result = run("import-xlsx", "arrivals", str(roster_file(tmp_path, people)), "--unit", UNITS[0],
                 "--dataset", str(year), "--yes")
    assert result.returncode == 0, result.stderr
    told = f"“{UNITS[0]}”的数据已改动，已取消其定稿。核对无误后，可用 ./run.sh mark-final 重新标记定稿。"
    assert told in result.stdout
    with Dataset.open(year, read_only=True) as ds:
        assert not ds.unit(ds.unit_id(UNITS[0])).facts_final
    result = run("count-source", "roster", "--unit", UNITS[0], "--dataset", str(year), "--reason", "改为名单核对")
    assert result.returncode == 0 and "定稿" not in result.stdout  # no longer 定稿: nothing more to say
    marked = run("mark-final", "--unit", UNITS[0], "--dataset", str(year), "--reason", "核对完毕",
                 "--even-unfinished")  # its clauses are not all 已完成
    assert marked.returncode == 0 and f"已标记“{UNITS[0]}”的数据已定稿（记入审计）。" in marked.stdout
    with Dataset.open(year, read_only=True) as ds:
        assert ds.unit(ds.unit_id(UNITS[0])).facts_final
        assert [e.reason for e in ds.audit_entries("units") if e.field == "facts_final"][-1] == "核对完毕"
    again = run("mark-final", "--unit", UNITS[0], "--dataset", str(year))
    assert again.returncode == 0 and "已是定稿，未改动" in again.stdout


def test_marking_final_a_unit_whose_clauses_are_not_all_done_needs_saying_so(tmp_path):
    """As the desktop asks first, the command line refuses in one sentence naming the unit and how far it is,
    and marks it only when told --even-unfinished; a unit whose clauses are all 已完成 is marked at once."""
    year = tmp_path / "2022.wjkh"
    assert run("import-json", str(DEMO), "--to", str(year)).returncode == 0
    through, unfinished = "苏州松陵众信人力资源有限公司", "苏州八坼新程人力资源有限公司"
    assert run("mark-final", "--unit", through, "--dataset", str(year), "--withdraw").returncode == 0
    marked = run("mark-final", "--unit", through, "--dataset", str(year))
    assert marked.returncode == 0 and f"已标记“{through}”的数据已定稿（记入审计）。" in marked.stdout, marked.stderr
    with Dataset.open(year, read_only=True) as ds:
        head = ds.audit_head()
    refused = run_process("mark-final", "--unit", unfinished, "--dataset", str(year))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert refused.stderr == (f"“{unfinished}”尚有条款未开始或依据不全（已完成 7/10 条；依据不全：1.2、1.3、4.1），"
                              "没有标记定稿；"
                              "核实无误、仍要标记的，请加上 --even-unfinished。\n")
    assert refused.stdout == ""
    with Dataset.open(year, read_only=True) as ds:
        assert ds.audit_head() == head and not ds.unit(ds.unit_id(unfinished)).facts_final
    anyway = run("mark-final", "--unit", unfinished, "--dataset", str(year), "--even-unfinished", "--reason", "同意")
    assert anyway.returncode == 0 and f"已标记“{unfinished}”的数据已定稿（记入审计）。" in anyway.stdout
    with Dataset.open(year, read_only=True) as ds:
        assert ds.unit(ds.unit_id(unfinished)).facts_final


def test_sources_are_named_as_an_office_names_them(tmp_path):
    year = year_file(tmp_path)
    done = run("count-source", "手工录入", "--unit", UNITS[1], "--dataset", str(year), "--reason", "纸质材料")
    assert done.returncode == 0, done.stderr
    done = run("platform-source", "用工速递", "--unit", UNITS[1], "--dataset", str(year), "--reason", "按平台")
    assert done.returncode == 0 and "按用工速递系统导出计分" in done.stdout, done.stdout + done.stderr
    wrong = run("count-source", "名单", "--unit", UNITS[1], "--dataset", str(year))
    assert wrong.returncode == 2 and "没有“名单”这种来源，可写：名单核对 或 手工录入" in wrong.stderr
    assert "roster" not in wrong.stderr.split("错误：")[1]
