"""The command line's hints name the command as the installed program is run — `wjkh` on Windows, `leye-wujiang`
on Linux, `./run.sh` in a source checkout — never `python main.py`, and no English word in parentheses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli import launcher
from cli.launcher import LINUX_COMMAND, WINDOWS_COMMAND, command_name
from tests.cli.test_cli_import import dataset, import_xlsx  # noqa: F401 (a fixture)
from tests.dataset_support import run
from tests.import_support import UNITS, monthly_file, roster_file
from tests.installer.test_installer_windows import stage
from tests.xlsx_builders import arrival

ROOT = Path(__file__).resolve().parents[2]


def windows_install(folder: Path) -> Path:
    """The installed tree as installer/windows/stage.py lays it out: its launchers beside app\\."""
    (folder / "app").mkdir(parents=True)
    stage.write_launchers(folder)
    return folder / "app"


def linux_install(folder: Path) -> Path:
    """The tree installer/build-deb.sh installs: /opt/leye-wujiang/{app,python}."""
    opt = folder / "opt" / LINUX_COMMAND
    (opt / "app").mkdir(parents=True)
    (opt / "python").mkdir()
    return opt / "app"


def test_the_command_is_named_as_each_installer_installs_it(tmp_path):
    assert command_name(windows_install(tmp_path / "win")) == WINDOWS_COMMAND == "wjkh"
    assert command_name(linux_install(tmp_path / "deb")) == LINUX_COMMAND
    assert command_name(ROOT, "linux") == "./run.sh" and command_name(ROOT, "win32") == "python main.py"
    # the launchers the installers ship carry those names
    build_deb = (ROOT / "installer" / "build-deb.sh").read_text(encoding="utf-8")
    assert f'"$stage/usr/bin/{LINUX_COMMAND}"' in build_deb and f"opt=$stage/opt/{LINUX_COMMAND}" in build_deb
    launcher_text = (ROOT / "installer" / "linux" / LINUX_COMMAND).read_text(encoding="utf-8")
    assert f"/opt/{LINUX_COMMAND}/python/bin/" in launcher_text and f"/opt/{LINUX_COMMAND}/app/main.py" in launcher_text


@pytest.mark.parametrize("install, command", [(windows_install, "wjkh"), (linux_install, "leye-wujiang")])
def test_the_hints_of_import_xlsx_and_match_name_the_installed_command(dataset, tmp_path, monkeypatch,  # noqa: F811
                                                                        install, command):
    monkeypatch.setattr(launcher, "PROGRAM_FOLDER", install(tmp_path / "installed"))
    shared, own = arrival(30), [arrival(i) for i in range(3)]
    said = []
    for unit, people, name in ((UNITS[0], own + [shared], "甲.xlsx"), (UNITS[1], [shared], "乙.xlsx")):
        done = import_xlsx(dataset, "arrivals", roster_file(tmp_path, people, name), "--unit", unit, "--yes")
        assert done.returncode == 0, done.stderr
        said.append(done.stdout)
        done = import_xlsx(dataset, "monthly_reports", monthly_file(tmp_path, people, "送工" + name), "--unit", unit,
                           "--yes")
        assert done.returncode == 0, done.stderr
    assert (f"如按花名册核对结果计分：{command} count-source roster --unit {UNITS[0]} --dataset {dataset}"
            in said[0]), said[0]
    listing = run("match", "--dataset", str(dataset))
    assert listing.returncode == 0, listing.stderr
    assert "待考核人员确认归属，确认前各家均不计入" in listing.stdout
    assert f"确认归属：{command} assign 身份证号 --unit 单位名称 --reason 理由 --dataset {dataset}" in listing.stdout
    helped = run("--help")
    assert helped.stdout.startswith(f"用法：{command} ")
    for text in (*said, listing.stdout):
        assert "main.py" not in text and not re.search(r"[（(][A-Za-z -]+[）)]", text), text
