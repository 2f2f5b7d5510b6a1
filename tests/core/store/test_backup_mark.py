"""A backup says itself that it is one (core/store/backup.py's mark), wherever it is copied; the year file never."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from core.common.messages import render
from core.scoring.rules import load_rule_set
from core.store import backup, recovery
from core.store.dataset import Dataset, create_file
from core.store.files import DatasetError
from core.years.continuation import continue_year, read_previous
from tests.dataset_support import rich_year
from tests.example_rules import EXAMPLE_2023


@pytest.fixture
def dataset(tmp_path) -> Path:
    path = tmp_path / "2022年度.wjkh"
    assert create_file(path, load_rule_set(), "张三", year=rich_year(3)) == []
    return path


def user_version(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def edited_with_a_backup(dataset: Path) -> backup.BackupInfo:
    """The year opened (its backup of opening taken), one edit made, closed (backed up again): the first backup."""
    with Dataset.open(dataset) as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=55).ok
    return backup.list_backups(dataset)[-1]


def test_a_backup_copied_out_of_its_folder_is_told_a_backup_by_what_it_says_itself(dataset, tmp_path):
    taken = edited_with_a_backup(dataset)
    usb = tmp_path / "U盘"
    usb.mkdir()
    copied = Path(shutil.copy2(taken.path, usb / taken.name))
    assert backup.backup_of(copied) is None  # its place no longer says it

    found = backup.found_backup(copied)
    assert found is not None and not found.in_folder and found.year_file is None
    assert found.year_name == dataset.name and found.year == 2022 and found.info.path == copied
    assert abs(found.info.taken_at - taken.taken_at) < dt.timedelta(minutes=1)  # to the minute it was taken
    renamed = Path(shutil.copy2(taken.path, usb / "备份.wjkh"))  # a name that says nothing
    found = backup.found_backup(renamed)
    assert found is not None and found.year_name == "" and found.year == 2022
    assert render(recovery.whose(found)) == "2022年度数据文件"

    # in its folder it is told as before, with the year file beside the folder
    inside = backup.found_backup(taken.path)
    assert inside is not None and inside.year_file == dataset and inside.year_name == dataset.name
    # the year file is no backup, nor is a plain copy of it
    assert backup.found_backup(dataset) is None
    assert backup.found_backup(Path(shutil.copy2(dataset, usb / "2022年度-20261207-101010.wjkh"))) is None
    assert backup.found_backup(usb / "nothing.wjkh") is None


def test_the_mark_is_in_the_backup_only_and_no_check_of_the_year_sees_it(dataset):
    taken = edited_with_a_backup(dataset)
    assert user_version(dataset) == 0  # the year file's header unchanged
    assert backup.read_mark(taken.path) is not None
    with Dataset.open(taken.path, read_only=True) as copy:  # the backup's own trail proves it: no tamper
        assert copy.verify_audit() is None and copy.quick_audit_check() == []
    with Dataset.open(dataset) as ds:  # the year checked against the anchor its marked backup noted
        assert ds.audit_problems == [] and ds.check_audit().ok


def test_a_year_restored_from_a_backup_kept_elsewhere_is_a_year_not_a_backup(dataset, tmp_path):
    taken = edited_with_a_backup(dataset)
    usb = tmp_path / "U盘"
    usb.mkdir()
    copied = Path(shutil.copy2(taken.path, usb / taken.name))
    kept = recovery.restore(dataset, copied)
    assert kept is not None and backup.found_backup(kept) is not None  # the file replaced is kept as a backup
    assert backup.read_mark(kept) is not None  # and says so wherever it is copied
    assert backup.found_backup(dataset) is None and user_version(dataset) == 0
    with Dataset.open(dataset) as ds:  # opened for editing, its trail proving it against the restore's anchor
        assert ds.audit_problems == [] and ds.verify_audit() is None
        assert ds.unit(ds.unit_ids()[0]).insured_workers != 55


def test_a_backup_of_one_year_does_not_restore_another(dataset, tmp_path):
    taken = edited_with_a_backup(dataset)
    later = tmp_path / "2023年度.wjkh"
    assert continue_year(read_previous(dataset), later, load_rule_set(EXAMPLE_2023), "李四", "考核组长") == []
    before = later.read_bytes()
    with pytest.raises(DatasetError) as raised:
        recovery.restore(later, taken.path)
    assert render(raised.value.msg) == (f"备份 {taken.name} 是2022年度的，不能用来恢复2023年度的数据文件 {later.name}，"
                                        "未作任何改动。")
    assert later.read_bytes() == before


def test_a_field_copy_made_from_a_backup_viewed_read_only_is_no_backup(dataset, tmp_path):
    from core.teamwork.field_copy import make_field_copy
    taken = edited_with_a_backup(dataset)
    field = tmp_path / "李四.wjkh"
    with Dataset.open(taken.path, read_only=True) as ds:
        make_field_copy(ds, field, "李四", 1, record=False)
    assert backup.read_mark(taken.path) is not None  # the backup keeps its mark
    assert backup.found_backup(field) is None and user_version(field) == 0
