"""Backing up (a copy, then pruning the old ones) and importing a roster into a real year file, each
killed with SIGKILL at every one of its file-system steps (tests/fs_crash_child.py says what a step
is): after every kill the year file is the old state or the new one, never a third; its audit chain
holds; every backup in the folder is a whole year file; and what a killed run leaves behind is gone
after the next open."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.store import backup
from core.store.dataset import Dataset, create_file
from tests.builders import RULES
from tests.import_support import roster_file, year_with_bases
from tests.xlsx_builders import arrival, generate_roster

CHILD = Path(__file__).resolve().parents[2] / "fs_crash_child.py"
YEAR = "2022.wjkh"
OLD_BACKUPS = 12  # two more than are kept: opening prunes three (its own copy makes thirteen)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL and fork")


MOST_KEPT = 10 + 2 * backup.DAYS_KEPT + backup.BIG_STEPS_KEPT  # rotation's bound (core/store/backup.py)


def template(tmp_path: Path) -> Path:
    """A year file whose last edits are still in its -wal file, with twelve old backups, a half copy (and
    its log) and a killed restore's copy left beside them."""
    folder = tmp_path / "template"
    folder.mkdir()
    path = folder / YEAR
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    with Dataset.open(path, backups=False) as ds:
        for n in range(OLD_BACKUPS):
            backup.make_backup(ds._conn, path, keep=100, now=dt.datetime(2022, 12, 1, 9, 0, n))
    edited_then_killed(path)
    half = backup.backup_dir(path) / f"{path.stem}-20221201-100000.sqlite.part"
    half.write_bytes(b"half a copy")
    half.with_name(f"{half.name}-journal").write_bytes(b"its log: SQLite's copy was killed halfway")
    backup.restoring_name(path).write_bytes(b"a killed restore's copy")
    return folder


def edited_then_killed(path: Path) -> None:
    """Five committed edits that live only in the year's -wal file: their writer died without closing."""
    script = (f"import os, signal, sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[3])!r})\n"
              "from core.store.dataset import Dataset\n"
              f"ds = Dataset.open({str(path)!r}, backups=False)\n"
              "for n in range(5):\n"
              "    assert ds.set_insured_workers(1, ds.unit_ids()[0], 40 + n, reason=f'edit {n}').ok\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert Path(f"{path}-wal").stat().st_size > 0


def run_every_kill(scenario: str, tmp_path: Path, *extra: str) -> list[dict]:
    done = subprocess.run([sys.executable, str(CHILD), scenario, str(template(tmp_path)), str(tmp_path / "runs"),
                           *extra], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert reports and reports[-1]["finished"], done.stderr[-3000:]
    assert all(r["killed"] for r in reports[:-1]), [r["status"] for r in reports if not r["killed"]][:3]
    return reports


def leftovers(state: dict) -> list[str]:
    """Files a killed run may leave that nothing would ever clean: half copies, a restore's copy, logs
    of a copy that was never finished."""
    return [name for name in state["files"] + state["backup_files"]
            if name.endswith((".part", ".part-journal", ".part-wal", ".restoring", ".restoring-journal"))]


def assert_sound(state: dict, when: str) -> None:
    assert state["integrity"] == "ok", when
    assert state["audit_verified"] is True, (when, state["audit_verified"])
    assert all(ok is True for ok in state["backups"].values()), (when, state["backups"])
    for _, _, rows, stored in state["imports"]:
        assert rows == stored, f"{when}: half an import ({rows} rows recorded, {stored} stored)"


def test_a_backup_killed_at_any_step_leaves_the_year_whole_and_only_whole_backups(tmp_path):
    reports = run_every_kill("backup", tmp_path)
    old = reports[0]["after_kill"]
    for r in reports:
        when = f"killed before step {r['step']}" if r["killed"] else "finished"
        state = r["after_kill"]
        assert_sound(state, when)
        assert (state["audit"], state["imports"]) == (old["audit"], old["imports"]), when  # a backup changes no fact
        after = r["after_next_open"]
        assert "next_open_error" not in r, (when, r.get("next_open_error"))
        assert r["next_open_notices"] == [], (when, r["next_open_notices"])  # nothing to tell: no false alarm
        assert_sound(after, f"{when}, then opened")
        assert leftovers(after) == [], f"{when}, then opened: {leftovers(after)}"
        assert len(after["backups"]) <= MOST_KEPT, when
    finished = reports[-1]["after_kill"]
    assert 10 <= len(finished["backups"]) <= MOST_KEPT and leftovers(finished) == []
    newest = max(finished["backups"])  # the copy holds the edits that were only in the -wal file
    assert finished["backup_audit"][newest] == finished["audit"] == old["audit"]
    assert len(reports) - 1 >= 15, f"only {len(reports) - 1} steps"  # the copy's and the pruning's steps
    print(f"\nbackup: {len(reports) - 1} steps, each killed once; the year whole and every backup whole after each")


def old_or_new(reports: list[dict], rows: int) -> list[str]:
    """Each kill's outcome, "old" or "new", after asserting it is one of them, whole, and kept by the next open."""
    old, new = reports[0]["after_kill"], reports[-1]["after_kill"]
    assert len(new["imports"]) == len(old["imports"]) + 1 and new["imports"][-1][2] == rows
    outcomes = []
    for r in reports:
        when = f"killed before step {r['step']}" if r["killed"] else "finished"
        state = r["after_kill"]
        assert_sound(state, when)
        facts = (state["audit"], state["imports"])
        assert facts in ((old["audit"], old["imports"]), (new["audit"], new["imports"])), f"{when}: a third state {facts}"
        outcomes.append("old" if facts == (old["audit"], old["imports"]) else "new")
        assert "next_open_error" not in r, (when, r.get("next_open_error"))
        assert r["next_open_notices"] == [], (when, r["next_open_notices"])  # nothing to tell: no false alarm
        after = r["after_next_open"]
        assert_sound(after, f"{when}, then opened")
        assert (after["audit"], after["imports"]) == facts, f"{when}: the next open changed the facts"
        assert leftovers(after) == [], f"{when}, then opened: {leftovers(after)}"
    assert outcomes[0] == "old" and outcomes[-1] == "new"
    first_new = outcomes.index("new")
    assert set(outcomes[first_new:]) == {"new"}  # once committed, it stays
    return outcomes


def test_an_import_killed_at_any_step_leaves_the_old_year_or_the_whole_import(tmp_path):
    roster = roster_file(tmp_path, [arrival(i) for i in range(40)])
    reports = run_every_kill("import", tmp_path, str(roster))
    outcomes = old_or_new(reports, 40)
    print(f"\nimport: {len(reports) - 1} steps, each killed once: {outcomes.count('old')} left the old year, "
          f"{outcomes.count('new') - 1} the whole import (its COMMIT is step {outcomes.index('new')})")


def test_an_import_killed_inside_sqlite_leaves_the_old_year_or_the_whole_import(tmp_path):
    """Kills between SQLite's own instructions, the import's pages already in the log before COMMIT."""
    roster = generate_roster(tmp_path / "花名册.xlsx", 3000)
    reports = run_every_kill("import-inside", tmp_path, str(roster), "30")
    assert len(reports) == 31
    logs = [r["after_kill"]["wal_bytes"] for r in reports[:-1]]
    assert max(logs) - min(logs) > 128 << 10  # the import's uncommitted pages were in the log when it was killed
    outcomes = old_or_new(reports, 3000)
    print(f"\nimport inside SQLite: {len(reports) - 1} kills spread over {reports[-1]['calls']} progress calls, up to "
          f"{(max(logs) - min(logs)) >> 10} KB of uncommitted pages in the log: "
          f"{outcomes.count('old')} left the old year, {outcomes.count('new') - 1} the whole import")
