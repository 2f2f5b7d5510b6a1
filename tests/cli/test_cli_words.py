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
