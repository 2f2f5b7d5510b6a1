"""A year file changed outside the program on the command line (a copy put back over a year that has backups,
as from a USB stick): every editing command refuses, writes nothing and says in one sentence why and what to
do (restore the good backup the desktop offers, or go on with --open-anyway, the desktop's 仍然打开); the
reading commands keep working."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from core.store import backup
from tests.cli_support import run
from tests.core.pdf.test_signing import ENV
from tests.import_support import roster_file
from tests.xlsx_builders import arrival

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
UNIT = "苏州松陵众信人力资源有限公司"
TIED = "苏州震泽聚才人力资源服务有限公司"  # the demo records its promotion


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def put_back(tmp_path) -> tuple[Path, str]:
    """A year with backups, then a copy of it from before its last edit put back over it; and the good
    backup the desktop offers (the newest the anchors note)."""
    year, saved = tmp_path / "c.wjkh", tmp_path / "saved.wjkh"
    assert run("import-json", str(DEMO), "--to", str(year), "--assessor", "陈考核").returncode == 0
    shutil.copyfile(year, saved)
    done = run("promote", "--unit", TIED, "--withdraw", "--dataset", str(year))
    assert done.returncode == 0, done.stderr
    good = backup.list_backups(year)[0].name
    shutil.copyfile(saved, year)
    return year, good


def editing_commands(year: Path, tmp_path: Path) -> list[tuple[str, ...]]:
    key = tmp_path / "李四.p12"
    assert run("make-key", str(key), "--name", "李四", env=ENV).returncode == 0
    roster = roster_file(tmp_path, [arrival(i) for i in range(3)])
    d = str(year)
    return [("import-xlsx", "arrivals", str(roster), "--dataset", d, "--unit", UNIT, "--yes"),
            ("count-source", "roster", "--dataset", d, "--unit", UNIT),
            ("platform-source", "用工速递", "--dataset", d, "--unit", UNIT),
            ("assign", "110101199003070012", "--unit", UNIT, "--reason", "核实", "--dataset", d),
            ("promote", "--unit", TIED, "--withdraw", "--dataset", d),
            ("mark-final", "--unit", UNIT, "--dataset", d),
            ("adopt-rules", "--dataset", d, "--reason", "修订", "--yes"),
            ("reopen", "--dataset", d, "--unit", UNIT, "--reason", "更正"),
            ("export-pdf", "sheet", "--dataset", d, "--unit", UNIT, "--out", str(tmp_path / "签.pdf"),
             "--sign", str(key), "--yes"),
            ("field-copy", d, "--to", str(tmp_path / "外业.wjkh"), "--assessor", "李四"),
            ("merge", d, str(tmp_path / "saved.wjkh"), "--take-all", "mine", "--reason", "合并")]


def test_every_editing_command_refuses_a_year_changed_outside_and_writes_nothing(put_back, tmp_path):
    year, good = put_back
    before, backups = digest(year), [b.name for b in backup.list_backups(year)]
    refusal = (f"年度数据文件 c.wjkh 在本程序之外被改动过，其中的数据不可信，本次未作任何修改："
               f"可用 ./run.sh restore {year} --backup {good} 恢复最近的完好备份（")
    for command in editing_commands(year, tmp_path):
        done = run(*command, env=ENV)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert done.stderr.startswith(refusal), (command, done.stderr)
        assert done.stderr.strip().endswith("，或确认仍用该文件时加 --open-anyway 重新运行。")
        assert len(done.stderr.strip().splitlines()) == 1 and done.stdout == "", (command, done.stdout)
        assert digest(year) == before and [b.name for b in backup.list_backups(year)] == backups, command
    assert not (tmp_path / "外业.wjkh").exists() and not (tmp_path / "签.pdf").exists()

    # reading goes on as before
    assert run("score", str(year)).returncode == 0
    assert run("match", "--dataset", str(year), "--unit", UNIT).returncode == 0
    assert run("export-summary", "--dataset", str(year), "--out", str(tmp_path / "汇总.xlsx")).returncode == 0
    assert run("export-pdf", "summary", "--dataset", str(year), "--out", str(tmp_path / "汇总.pdf")).returncode == 0
    assert run("verify-audit", str(year)).returncode == 1  # and says what changed
    assert digest(year) == before


def test_open_anyway_goes_on_as_the_desktops_button_does_and_restore_brings_back_the_good_backup(put_back):
    year, good = put_back
    anyway = run("promote", "--unit", TIED, "--withdraw", "--dataset", str(year), "--open-anyway")
    assert anyway.returncode == 0 and "已撤回" in anyway.stdout
    assert anyway.stderr.strip() == "年度数据文件 c.wjkh 在本程序之外被改动过，其中的数据不可信。"  # still said
    # the next edit asks again, still offering the backup from before the change, not the one just taken
    again = run("mark-final", "--unit", UNIT, "--dataset", str(year))
    assert again.returncode == 2 and f"--backup {good} " in again.stderr

    assert run("restore", str(year), "--backup", good, "--yes").returncode == 0
    assert run("verify-audit", str(year)).returncode == 0
    done = run("promote", "--unit", TIED, "--grade", "B", "--reason", "会议决定", "--dataset", str(year))
    assert done.returncode == 0 and done.stderr == "" and "现为 B 级" in done.stdout  # restored: edits go through
