"""The command line speaks to an office user: a mistyped command is named as such (not taken for a year file
the desktop cannot open), the file types are listed with their Chinese names, and the help is wrapped by
display width without breaking an option or a file type in two."""

from __future__ import annotations

import re

from cli.words import wrapped
from core.scoring.report import display_width
from tests.cli_support import run, run_process


def test_a_mistyped_command_is_named_and_the_nearest_command_offered():
    done = run_process("scor", env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert done.returncode == 2
    assert done.stderr.strip() == ("没有“scor”这个命令，也没有名为“scor”的文件。是否要用 score？"
                                   "全部命令见 ./run.sh --help。")
    assert "图形界面" not in done.stderr and done.stdout == ""
    again = run("verfy", "x.pdf")
    assert again.returncode == 2 and "是否要用 verify？" in again.stderr and "无效的选项" not in again.stderr
    unknown = run("2022年度考核")
    assert unknown.stderr.strip() == ("没有“2022年度考核”这个命令，也没有名为“2022年度考核”的文件。"
                                      "全部命令见 ./run.sh --help。")


def test_the_file_types_are_listed_with_their_chinese_names_one_a_line():
    done = run("import-xlsx", "--help", env={"COLUMNS": "80"})
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert any(re.fullmatch(r"\s+arrivals　组织进吴人员花名册（附件2）", line) for line in lines)
    assert any(re.fullmatch(r"\s+traineeship_list　区人资中心核准的全区就业见习名单", line) for line in lines)
    assert all(display_width(line) <= 80 for line in lines if not line.lstrip().startswith(("{", "[", "KIND")))


def test_help_is_wrapped_by_display_width_and_never_inside_an_ascii_word():
    text = "文件类型：arrivals、placements、monthly_reports、traineeship_list、platform_deliveries、platform_ratings"
    lines = wrapped(text, 30)
    assert "".join(lines) == text
    # a line may end in one punctuation mark past the width, as Chinese type hangs it, rather than start with it
    assert all(display_width(line) <= 30 or (display_width(line[:-1]) <= 30 and line[-1] in "、，。；：）")
               for line in lines)
    assert "traineeship_list" in "\n".join(lines) and not any(line.startswith("、") for line in lines)
    assert wrapped("一\n二 三", 10) == ["一", "二 三"]
    assert wrapped('如 "姓名=员工名,身份证号=3"（列）', 12) == ["如", '"姓名=员工名,身份证号=3"', "（列）"]


def test_every_command_takes_the_year_file_as_dataset_and_the_one_acting_as_assessor(tmp_path):
    """The year file is --dataset for most commands and an argument of its own for a few (score, export-json,
    verify-audit, restore, field-copy, merge): those take --dataset as well; merge takes --assessor as --by."""
    from core.store.dataset import Dataset, create_file
    from tests.builders import RULES
    from tests.dataset_support import rich_year
    year = tmp_path / "2022.wjkh"
    assert not create_file(year, RULES, "组长", role="考核组长", year=rich_year(2))
    assert run("verify-audit", "--dataset", str(year)).returncode == 0
    assert run("restore", "--list", "--dataset", str(year)).returncode == 0
    copy = tmp_path / "外业.wjkh"
    made = run("field-copy", "--dataset", str(year), "--to", str(copy), "--assessor", "张三")
    assert made.returncode == 0, made.stderr
    with Dataset.open(copy, backups=False) as ds:
        assert ds.update_unit(ds.assessor_id("张三"), ds.unit_ids()[0], insured_workers=61).ok
    merged = run("merge", str(copy), "--dataset", str(year), "--assessor", "组长")
    assert merged.returncode == 0 and "带入 2 项修改" in merged.stdout, merged.stderr  # the count and 定稿 withdrawn
    with Dataset.open(year, read_only=True) as ds:
        assert ds.unit(ds.unit_ids()[0]).insured_workers == 61
    twice = run("merge", str(year), str(copy), "--dataset", str(tmp_path / "另一个.wjkh"))
    assert twice.returncode == 2 and "年度数据文件给了两个" in twice.stderr
    none = run("restore", "--list")
    assert none.returncode == 2 and "缺少年度数据文件（.wjkh）：写在命令中，或用 --dataset 文件" in none.stderr
    assert "--dataset" not in run("restore", "--help").stdout.split("选项")[1]  # one way shown in the options


def test_the_help_names_every_kind_of_workbook_file_read():
    for command in ("check-xlsx", "import-xlsx"):
        done = run(command, "--help", env={"COLUMNS": "120"})
        assert done.returncode == 0 and "Excel 文件（.xlsx、.xls 或 .ods）" in done.stdout, done.stdout
