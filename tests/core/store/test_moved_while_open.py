"""A year file moved or renamed (or another file put in its place) while the program has it open: closing it
leaves nothing of the program's beside the old name (no -wal, -shm, -journal or holder note), and every edit
made before the move is in the moved file, which opens and proves its trail. SQLite itself skips the closing
checkpoint of a file that is no longer at its name, so without care the last edits stay in a -wal beside the
old name: missing from the user's file, and waiting to be laid over whatever file comes to bear that name."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from core.common.messages import render
from core.store.dataset import Dataset, create_file
from core.store.files import DatasetError
from tests.builders import RULES
from tests.import_support import UNITS, year_with_bases

OURS = ("-wal", "-shm", "-journal", "-holder")


def beside(path) -> list[str]:
    """The files of ours next to `path`'s name (the year's backup folder is the user's history, not a leftover)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name in {path.name + s for s in OURS})


def units_in(path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM units").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("where", ["other folder", "same folder"])
@pytest.mark.parametrize("backups", [False, True])
def test_a_file_moved_while_open_keeps_its_edits_and_leaves_nothing_at_the_old_name(tmp_path, where, backups):
    path = tmp_path / "2022.wjkh"
    ds = Dataset.create(path, RULES, "张三", backups=backups)
    try:
        assert ds.import_year(1, year_with_bases()).ok  # written to the year file's -wal, not yet folded in
        uid = ds.unit_ids()[0]
        assert ds.update_unit(1, uid, insured_workers=77).ok
        moved = tmp_path / "交给局里" / "2022.wjkh" if where == "other folder" else tmp_path / "2022年度（定稿）.wjkh"
        moved.parent.mkdir(exist_ok=True)
        os.replace(path, moved)
        with pytest.raises(DatasetError) as refused:
            ds.update_unit(1, uid, insured_workers=78)
        assert refused.value.code == "dataset.file_gone" and "已被移动或删除" in render(refused.value.msg)
    finally:
        ds.close()
    assert not path.exists() and beside(path) == []
    assert beside(moved) == [] and units_in(moved) == len(UNITS)
    with Dataset.open(moved, backups=False) as again:
        assert again.unit(again.unit_ids()[0]).insured_workers == 77 and again.verify_audit() is None
        assert again.check_audit().ok
    assert beside(moved) == []


def test_a_file_put_at_the_old_name_is_not_touched_by_the_closing(tmp_path):
    path = tmp_path / "2022.wjkh"
    older = tmp_path / "上周的副本.wjkh"
    assert create_file(older, RULES, "张三") == []  # a copy without units, kept by the user
    ds = Dataset.create(path, RULES, "张三", backups=False)
    try:
        assert ds.import_year(1, year_with_bases()).ok
        os.replace(path, tmp_path / "新.wjkh")
        shutil.copyfile(older, path)  # the old copy put back under the name
        before = path.read_bytes()
    finally:
        ds.close()
    assert beside(path) == [] and path.read_bytes() == before
    assert units_in(path) == 0 and units_in(tmp_path / "新.wjkh") == len(UNITS)
    with Dataset.open(path, backups=False) as copy:
        assert copy.unit_ids() == [] and copy.verify_audit() is None


def test_a_file_closed_where_it_was_leaves_no_wal_as_before(tmp_path):
    path = tmp_path / "2022.wjkh"
    with Dataset.create(path, RULES, "张三", backups=False) as ds:
        assert ds.import_year(1, year_with_bases()).ok
        assert (tmp_path / "2022.wjkh-wal").exists()
    assert beside(path) == [] and units_in(path) == len(UNITS)
