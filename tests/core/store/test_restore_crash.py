"""A restore killed at every one of its file-system steps leaves the year file as it was (every
committed edit there, those still in the -wal file included) or as the backup, never a third state;
the hidden copy a killed restore leaves is removed at the next backup."""

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.scoring.facts import Unit, Year
from core.store import backup
from core.store.dataset import Dataset, create_file
from tests.builders import RULES, credit_code

CHILD = Path(__file__).resolve().parents[2] / "restore_crash_child.py"
EDITS = 30


def audit_rows(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        conn.close()


def edited_then_killed(path: Path) -> None:
    """EDITS committed edits that live only in the -wal file: the writer dies without closing."""
    script = (f"import os, signal, sys; sys.path.insert(0, {str(Path.cwd())!r})\n"
              "from core.store.dataset import Dataset\n"
              f"ds = Dataset.open({str(path)!r}, backups=False)\n"
              "uid = ds.unit_ids()[0]\n"
              f"for n in range({EDITS}):\n"
              "    assert ds.set_insured_workers(1, uid, n + 1, reason=f'edit {n}').ok\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert Path(f"{path}-wal").stat().st_size > 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_restore_killed_at_any_step_leaves_the_old_or_the_restored_file(tmp_path):
    template = tmp_path / "template.wjkh"
    units = (Unit("单位甲", credit_code("restore"), ("hr_service",)),)
    assert create_file(template, RULES, "张三", year=Year(RULES.year, RULES.id, units)) == []
    saved = tmp_path / "saved-backup.sqlite"  # the backup differs from the file before the edits
    saved.write_bytes(template.read_bytes())
    with Dataset.open(saved, backups=False) as ds:
        for n in range(3):
            assert ds.set_insured_workers(1, ds.unit_ids()[0], 100 + n, reason=f"backup {n}").ok
    restored_rows = audit_rows(saved)
    before_edits = audit_rows(template)
    assert len({before_edits, restored_rows, before_edits + EDITS}) == 3

    kill_at, outcomes = 1, []
    while True:
        path = tmp_path / f"year-{kill_at}.wjkh"
        path.write_bytes(template.read_bytes())
        edited_then_killed(path)
        old_rows = audit_rows(path)  # read through the -wal file: the committed edits are there
        assert old_rows == before_edits + EDITS
        child = subprocess.run([sys.executable, str(CHILD), str(path), str(saved), str(kill_at)],
                               capture_output=True, text=True, timeout=60)
        finished = child.returncode == 0
        assert finished or child.returncode == -signal.SIGKILL, child.stderr
        rows = audit_rows(path)
        assert rows in (old_rows, restored_rows), f"killed before step {kill_at}: {rows} audit rows"
        if rows == old_rows:  # still the old file: it opens, and its audit chain holds every edit
            with Dataset.open(path, read_only=True) as ds:
                assert ds.verify_audit() is None
                assert ds.year().units[0].insured_workers == EDITS
        outcomes.append("old" if rows == old_rows else "restored")
        if finished:
            assert rows == restored_rows and child.stdout.startswith("steps ")
            break
        kill_at += 1
    assert kill_at > 8, outcomes  # restore has that many file-system steps, each killed once
    assert outcomes[0] == "old" and outcomes[-1] == "restored"

    # A killed restore's hidden copy goes at the next backup (taken when the year opens).
    leftover = backup.restoring_name(path)
    leftover.write_bytes(saved.read_bytes())
    with Dataset.open(path):
        pass
    assert not leftover.exists()
