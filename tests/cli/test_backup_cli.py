"""A backup on the command line: the commands that write to a year file refuse it, saying whose it is and how to
restore the year from it; the commands that read it read it, in its backups folder or copied elsewhere."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from cli.launcher import command_name
from core.store import backup
from core.store.dataset import Dataset
from tests.dataset_support import run

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo-2022.json"


@pytest.fixture
def year(tmp_path) -> tuple[Path, str, backup.BackupInfo]:
    """The demo year as a bureau keeps it, edited once after its backup of opening: the year, a unit, the backup."""
    path = tmp_path / "2022年度考核.wjkh"
    assert run("import-json", str(DEMO), "--to", str(path)).returncode == 0
    with Dataset.open(path) as ds:
        unit = ds.unit_ids()[1]
        name = ds.unit(unit).name
        assert ds.update_unit(1, unit, insured_workers=41).ok
    return path, name, backup.list_backups(path)[-1]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_commands_that_write_refuse_a_backup_saying_whose_it_is_and_how_to_restore(year, tmp_path):
    path, unit, taken = year
    usb = tmp_path / "U盘"
    usb.mkdir()
    copied = Path(shutil.copy2(taken.path, usb / taken.name))
    time = taken.taken_at.strftime("%Y-%m-%d %H:%M")
    program = command_name()
    said_inside = (f"{taken.name} 是2022年度数据文件 {path.name} 的备份（{time}），备份不能直接修改，本次未作任何修改；"
                   f"要用它恢复该年度，请在桌面程序中打开 {path.name}，选 文件 → 恢复备份…，"
                   f"或运行 {program} restore {path} --backup {taken.name}。")
    said_elsewhere = (f"{taken.name} 是2022年度数据文件 {path.name} 的备份（{time}），"
                      "备份不能直接修改，本次未作任何修改；"
                      f"要用它恢复该年度，请在桌面程序中用 文件 → 打开… 选这份备份，再选“用它恢复”，"
                      f"或运行 {program} restore 年度数据文件 --backup {copied}。")
    for where, said in ((taken.path, said_inside), (copied, said_elsewhere)):
        before = digest(where)
        for command in (("mark-final", "--unit", unit, "--dataset", str(where)),
                        ("field-copy", str(where), "--to", str(tmp_path / "外业.wjkh"), "--assessor", "李四"),
                        ("restore", "--yes", "--backup", taken.name, str(where))):
            result = run(*command)
            assert result.returncode == 2, (command, result.stdout, result.stderr)
            assert result.stderr.strip() == said, command
            assert digest(where) == before  # never edited
    assert not (usb / f"{Path(taken.name).stem}.backups").exists()  # nor backed up as a year would be
    assert not (tmp_path / "外业.wjkh").exists()


def test_the_commands_that_read_read_a_backup_kept_elsewhere(year, tmp_path):
    path, unit, taken = year
    usb = tmp_path / "U盘"
    usb.mkdir()
    copied = Path(shutil.copy2(taken.path, usb / "交接备份.wjkh"))
    before = digest(copied)
    for command in (("score", str(copied)), ("export-json", str(copied)), ("audit-log", str(copied)),
                    ("verify-audit", str(copied))):
        result = run(*command)
        assert result.returncode == 0, (command, result.stderr)
    assert digest(copied) == before


def test_the_restore_command_takes_a_backup_kept_elsewhere(year, tmp_path):
    path, unit, taken = year
    usb = tmp_path / "U盘"
    usb.mkdir()
    copied = Path(shutil.copy2(taken.path, usb / "交接备份.wjkh"))
    with Dataset.open(taken.path, read_only=True) as ds:
        head = ds.audit_head()
    done = run("restore", "--yes", "--backup", str(copied), str(path))
    assert done.returncode == 0, done.stderr
    assert "恢复该备份将撤销其后所做的 1 次修改" in done.stdout
    assert backup.found_backup(path) is None  # the year it became is a year: it opens for editing
    with Dataset.open(path) as ds:
        assert ds.audit_head() == head and ds.audit_problems == []
    assert run("mark-final", "--unit", unit, "--dataset", str(path), "--even-unfinished").returncode == 0
