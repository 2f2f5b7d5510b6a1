"""A merge killed with SIGKILL midway leaves the year file as it was: the merge is one transaction."""

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.store.dataset import Dataset, create_file
from tests.builders import RULES
from tests.dataset_support import rich_year
from tests.teamwork_support import copy_with_edits

CHILD = Path(__file__).resolve().parents[2] / "merge_crash_child.py"


def everything(path: Path) -> dict[str, list]:
    """Every row of every table, the trail included, read without opening the year for editing."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: conn.execute(f"SELECT * FROM {n} ORDER BY rowid").fetchall() for n in names}
    finally:
        conn.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_merge_killed_midway_leaves_the_year_file_as_it_was(tmp_path):
    year = tmp_path / "2022.wjkh"
    assert not create_file(year, RULES, "组长", year=rich_year(8))
    copy = copy_with_edits(year, 600)
    before = everything(year)
    rng = random.Random(16)
    for _ in range(6):
        child = subprocess.Popen([sys.executable, str(CHILD), str(year), str(copy)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        wanted = rng.randint(1, 7)  # after this many progress reports of the merge's writes (50 changes each)
        seen = 0
        while seen < wanted:
            line = child.stdout.readline()
            assert line.startswith("at "), child.stderr.read()
            seen += 1
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        child.stderr.close()
        assert everything(year) == before
    with Dataset.open(year, backups=False) as ds:  # the year opens (the killed holder is not believed)
        assert ds.check_audit().ok
    done = subprocess.run([sys.executable, str(CHILD), str(year), str(copy)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.endswith("done\n"), done.stderr
    with Dataset.open(year, read_only=True) as ds:
        assert ds.check_audit().ok
        assert ds.unit(ds.unit_ids()[0]).insured_workers == 100 + 584
        added = [d for u in ds.unit_ids() for d in ds.unit(u).deliveries if d.enterprise.startswith("现场企业")]
        assert len({d.enterprise for d in added}) == len(added) == 400
