"""Backups that hold a change made outside the program, told by the checks of opening against the anchor each
answers to (core/store/recovery.outside_changes): the file a restore kept aside and a backup taken of a year
found changed; a noted backup is its own anchor. Restoring such a file leaves the year told changed on opening.
(As on opening, a change to a table the program edited since that anchor is left to the full check.)"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.store import backup, recovery
from core.store.dataset import Dataset
from tests.audit_tampers import build_year, copy_year


def change_outside(path: Path) -> int:
    with Dataset.open(path, read_only=True) as ds:
        unit = ds.unit_ids()[0]
    conn = sqlite3.connect(path)
    conn.execute("UPDATE units SET insured_workers = 999 WHERE id = ?", (unit,))
    conn.commit()
    conn.close()
    return unit


def test_only_the_backups_holding_the_change_are_told_and_a_restore_of_one_keeps_the_year_told(tmp_path):
    (tmp_path / "made").mkdir()
    path = copy_year(build_year(tmp_path / "made"), tmp_path)
    good_ones = backup.list_backups(path)
    assert recovery.outside_changes(path) == {}  # every backup noted: none read, none told
    unit = change_outside(path)
    with Dataset.open(path) as ds:  # 仍然打开, and an edit (of another table): the backup of closing is not noted
        assert ds.audit_problems
        assert ds.add_assessor(1, "李四", reason=None).ok
    taken = backup.list_backups(path)[0]
    assert taken not in good_ones and not taken.label
    kept = recovery.restore(path, recovery.newest_trusted(path).path)
    assert kept is not None
    with Dataset.open(path) as ds:
        assert not ds.audit_problems and ds.unit(unit).insured_workers != 999  # the good backup back

    told = recovery.outside_changes(path)
    assert set(told) == {kept, taken.path}
    assert [p.message.code for p in told[kept]] == ["audit.table_changed"]
    assert recovery.changes_in(path, good_ones[0].path) == []

    recovery.restore(path, kept)  # the assessor brings the changed file back all the same
    with Dataset.open(path) as ds:
        assert ds.unit(unit).insured_workers == 999
        assert [p.message.code for p in ds.audit_problems] == ["audit.table_changed"]  # told, as before
