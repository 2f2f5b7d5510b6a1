"""Crash safety: a child process edits a dataset and is killed with SIGKILL at random moments.

After every kill the file must pass PRAGMA integrity_check, its audit chain must verify, and every
edit the child reported as committed must be there (its audit row, and its data)."""

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.scoring.facts import Unit, Year
from core.store import backup
from core.store.dataset import Dataset, create_file
from tests.builders import RULES, credit_code

CHILD = Path(__file__).resolve().parents[2] / "dataset_crash_child.py"
KILLS = 55


def start_child(path: Path, start: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), str(path), str(start)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def committed(output: str) -> list[int]:
    """Edit numbers the child reported as committed; a half-written last line is not a report."""
    done = []
    for line in output.splitlines(keepends=True):
        if line.startswith("ok ") and line.endswith("\n"):
            done.append(int(line[3:]))
    return done


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_at_random_moments_loses_nothing_committed(tmp_path):
    path = tmp_path / "crash.sqlite"
    units = tuple(Unit(f"单位{i}", credit_code(f"crash{i}"), ("hr_service",)) for i in range(8))
    assert create_file(path, RULES, "张三", year=Year(RULES.year, RULES.id, units)) == []
    rng = random.Random(20221)
    reported: list[int] = []
    next_edit = 0
    kills_during_edits = 0
    for round_ in range(KILLS):
        child = start_child(path, next_edit)
        if round_ % 6 == 5:  # now and then while it is still starting and opening (checks, backup)
            time.sleep(rng.uniform(0.0, 0.25))
            first = ""
        else:  # mostly in the middle of its edits: after a random number of them, whatever the machine's speed
            wanted, lines = rng.randint(35, 75), []
            while sum(line.startswith("ok ") for line in lines) < wanted:
                line = child.stdout.readline()
                assert line, child.stderr.read()
                lines.append(line)
            first = "".join(lines)
            time.sleep(rng.uniform(0.0, 0.005))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=10)
        out = first + out
        assert child.returncode == -signal.SIGKILL, err
        done = committed(out)
        kills_during_edits += bool(done)
        reported += done
        if done:
            next_edit = done[-1] + 2  # the edit in flight (done[-1] + 1) may or may not have committed

        # The file itself, read-only first: integrity and audit chain.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()
        with Dataset.open(path, read_only=True) as ds:
            assert ds.verify_audit() is None
            reasons = {e.reason for e in ds.audit_entries() if e.reason}
            missing = [n for n in reported if f"edit {n}" not in reasons]
            assert missing == [], f"round {round_}: committed edits lost: {missing[:5]}"
            year = ds.year()
            enterprises = {d.enterprise for u in year.units for d in u.deliveries}
            assert {f"k{n}" for n in reported if n % 4 == 0} <= enterprises
            names = {a.name for a in ds.attachments()}
            assert {f"k{n}.txt" for n in reported if n % 4 == 3} <= names
            by_unit = {u.name: u for u in year.units}
            for i, unit in enumerate(units):
                last = max((n for n in reported if n % 4 == 1 and n % 8 == i), default=None)
                if last is not None:  # the newest reported value, or a later one that committed unreported
                    assert by_unit[unit.name].insured_workers >= last
    assert len(reported) > 1500, f"only {len(reported)} edits committed in {KILLS} runs"
    assert kills_during_edits >= KILLS // 2
    # Every backup left behind is a good dataset.
    for info in backup.list_backups(path):
        with Dataset.open(info.path, read_only=True) as ds:
            assert ds.verify_audit() is None
