"""A file a restore kept aside (the year as it was, changed outside the program) is listed as holding that
change, restoring from it says so first in one sentence naming the change, and the year restored from it is
treated on opening as any year changed outside the program: the editing commands refuse it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.store import backup
from tests.cli_support import run

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
UNIT = "苏州松陵众信人力资源有限公司"


def changed_outside(tmp_path: Path) -> tuple[Path, backup.BackupInfo]:
    """A year (with a noted backup) whose 投保人数 of UNIT was then changed by a byte edit, restored from its good
    backup: the changed file kept aside as …-before-restore."""
    year = tmp_path / "y.wjkh"
    assert run("import-json", str(DEMO), "--to", str(year), "--assessor", "陈考核").returncode == 0
    done = run("mark-final", "--unit", UNIT, "--dataset", str(year))
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(year, isolation_level=None)
    conn.execute("UPDATE units SET insured_workers = insured_workers + 9 WHERE name = ?", (UNIT,))
    conn.close()
    refused = run("mark-final", "--unit", UNIT, "--withdraw", "--reason", "复核", "--dataset", str(year))
    assert refused.returncode == 2 and "在本程序之外被改动过" in refused.stderr
    restored = run("restore", str(year), "--yes")
    assert restored.returncode == 0, restored.stderr
    kept = next(b for b in backup.list_backups(year) if b.label == backup.LABEL_BEFORE_RESTORE)
    return year, kept


def test_a_file_kept_aside_with_a_change_made_outside_is_listed_so_and_its_restore_warned(tmp_path):
    year, kept = changed_outside(tmp_path)
    listed = run("restore", str(year), "--list")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if line.startswith(kept.name))
    assert "有程序外的改动" in line and "完好" not in line and "恢复前另存的文件" in line
    others = [line for line in listed.stdout.splitlines() if not line.startswith(kept.name)]
    assert others and all("有程序外的改动" not in line for line in others)  # the good backups stay 完好

    asked = run("restore", str(year), "--backup", kept.name, stdin="n\n")
    assert asked.returncode == 1, asked.stderr
    first = asked.stdout.splitlines()[0]
    assert first.startswith("注意：这份文件有程序外的改动——") and "在程序外被改动" in first, first
    assert first.endswith("恢复后，打开该年度时仍会提示这一改动。"), first


def test_a_year_restored_from_a_file_changed_outside_is_still_refused_by_the_editing_commands(tmp_path):
    year, kept = changed_outside(tmp_path)
    done = run("restore", str(year), "--backup", kept.name, "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("注意：这份文件有程序外的改动——")
    refused = run("mark-final", "--unit", UNIT, "--withdraw", "--reason", "复核", "--dataset", str(year))
    assert refused.returncode == 2, refused.stdout
    assert "年度数据文件 y.wjkh 在本程序之外被改动过" in refused.stderr
    # restoring the good backup again takes the year back: edits go through
    assert run("restore", str(year), "--yes").returncode == 0
    again = run("mark-final", "--unit", UNIT, "--withdraw", "--reason", "复核", "--dataset", str(year))
    assert again.returncode == 0, again.stderr
