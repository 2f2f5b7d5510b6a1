"""Backups (core/store/backup.py): on open and at intervals, consistent, rotated, listed, restored."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from core.scoring.rules import load_rule_set
from core.store import backup, files, recovery
from core.store.dataset import Dataset, create_file
from core.store.files import DatasetError, inspect
from tests.dataset_support import rich_year, run


@pytest.fixture
def dataset(tmp_path) -> Path:
    path = tmp_path / "2022年度.sqlite"
    assert create_file(path, load_rule_set(), "张三", year=rich_year(3)) == []
    return path


def test_opening_backs_up_beside_the_dataset(dataset):
    with Dataset.open(dataset) as ds:
        year = ds.year()
    backups = backup.list_backups(dataset)
    assert len(backups) == 1
    info = backups[0]
    assert info.path.parent == dataset.parent / "2022年度.backups"
    assert info.name.startswith("2022年度-") and info.name.endswith(".sqlite") and info.label == ""
    assert abs((dt.datetime.now() - info.taken_at).total_seconds()) < 60
    assert not Path(f"{info.path}-wal").exists()  # self-contained
    inspect(info.path)
    with Dataset.open(info.path, read_only=True) as copy:
        assert copy.year() == year and copy.verify_audit() is None


def test_backups_at_intervals_while_open_are_rotated(dataset):
    with Dataset.open(dataset, keep_backups=3, backup_interval=0) as ds:
        unit = ds.unit_ids()[0]
        for n in range(6):
            assert ds.update_unit(1, unit, insured_workers=n).ok
        newest_seen = ds._conn.execute("SELECT insured_workers FROM units WHERE id = ?", (unit,)).fetchone()[0]
    backups = backup.list_backups(dataset)
    assert len(backups) == 4  # the last N, and the first of the day (rotate keeps it for two weeks)
    assert [b.taken_at for b in backups] == sorted((b.taken_at for b in backups), reverse=True)
    with Dataset.open(backups[0].path, read_only=True) as newest:  # the newest holds the last edit
        assert newest.year().units[0].insured_workers == newest_seen == 5


def test_no_backup_when_the_interval_has_not_passed(dataset):
    with Dataset.open(dataset, backup_interval=3600) as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=9).ok
        assert ds.backup_if_due() is None
        assert len(backup.list_backups(dataset)) == 1  # the one taken on open
    assert len(backup.list_backups(dataset)) == 2  # and the edit's, as the year was closed


def test_a_timer_copies_only_edits_no_backup_holds_yet(dataset):
    with Dataset.open(dataset, keep_backups=3, backup_interval=0) as ds:
        assert ds.backup_if_due() is None  # nothing edited since the backup taken on open
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=7).ok  # backed up after the edit
        assert ds.backup_if_due() is None  # an unchanged file would only rotate older backups out
        ds.backup_interval = 3600
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=8).ok  # too soon: not copied
        ds.backup_interval = 0
        newest = ds.backup_if_due()  # the quiet spell's timer copies the last edit
    assert newest is not None
    with Dataset.open(newest, read_only=True) as copy:
        assert copy.year().units[0].insured_workers == 8
    assert len(backup.list_backups(dataset)) == 3


def test_restore_replaces_the_dataset_and_keeps_the_replaced_file(dataset):
    with Dataset.open(dataset) as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=1234).ok
    first = backup.list_backups(dataset)[-1]  # taken before the edit (the newest, as it was closed, holds it)
    kept = recovery.restore(dataset, first.path)
    assert kept is not None and kept.name.endswith("-before-restore.sqlite")
    with Dataset.open(dataset, read_only=True) as ds:
        assert ds.year().units[0].insured_workers != 1234
    with Dataset.open(kept, read_only=True) as old:
        assert old.year().units[0].insured_workers == 1234
    assert kept in [b.path for b in backup.list_backups(dataset)]


def test_restore_refuses_a_bad_backup_or_a_dataset_in_use(dataset, tmp_path):
    with Dataset.open(dataset) as ds:
        good = backup.list_backups(dataset)[0]
        with pytest.raises(DatasetError) as caught:
            recovery.restore(dataset, good.path)
        assert caught.value.code == "dataset.locked_on"  # this process holds it; no one named yet
    bad = backup.backup_dir(dataset) / f"{dataset.stem}-20200101-000000.sqlite"
    bad.write_bytes(b"not a database at all" * 10)
    before = hashlib.sha256(dataset.read_bytes()).hexdigest()
    with pytest.raises(DatasetError) as caught:
        recovery.restore(dataset, bad)
    assert caught.value.code == "dataset.not_dataset"
    assert hashlib.sha256(dataset.read_bytes()).hexdigest() == before
    assert files.newest_good(dataset) == good


def test_restore_command_lists_asks_and_restores(dataset):
    with Dataset.open(dataset) as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=777).ok
    with Dataset.open(dataset):
        pass  # a second backup, holding 777
    listing = run("restore", str(dataset), "--list")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert len(lines) == 2 and all("完好" in line for line in lines)
    assert "备份前最后的操作：单位“" in lines[0] and "的“投保人数”改为 777" in lines[0]  # what was done before each
    # the newest its own trail proves is the one restored without --backup: said beside it alone
    assert "审计记录可证明其数据，不指定 --backup 时恢复此备份" in lines[0] and "不指定" not in lines[1]
    oldest = lines[-1].split()[0]
    before = hashlib.sha256(dataset.read_bytes()).hexdigest()
    cancelled = run("restore", str(dataset), "--backup", oldest, stdin="n\n")
    assert cancelled.returncode == 1 and "已取消" in cancelled.stdout
    assert hashlib.sha256(dataset.read_bytes()).hexdigest() == before
    confirmed = run("restore", str(dataset), "--backup", oldest, stdin="y\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert "确认恢复" in confirmed.stdout and "已用备份" in confirmed.stdout
    with Dataset.open(dataset, read_only=True) as ds:
        assert ds.year().units[0].insured_workers != 777
    assert run("restore", str(dataset), "--backup", "nope.sqlite", "--yes").returncode == 2


def test_a_corrupt_dataset_is_restored_from_the_newest_good_backup(dataset):
    with Dataset.open(dataset) as ds:
        year = ds.year()
    raw = bytearray(dataset.read_bytes())
    for offset in range(2 * 4096, len(raw) - 4096, 3 * 4096):
        raw[offset:offset + 32] = b"\xff" * 32
    dataset.write_bytes(bytes(raw))
    opened = run("export-json", str(dataset))
    assert opened.returncode == 2 and "已损坏" in opened.stderr and "restore" in opened.stderr
    restored = run("restore", str(dataset), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "damaged" in restored.stdout  # the corrupt file is kept aside, not deleted
    with Dataset.open(dataset, read_only=True) as ds:
        assert ds.year() == year


def test_a_killed_backup_leaves_no_half_file(dataset):
    folder = backup.backup_dir(dataset)
    folder.mkdir()
    stale = folder / f"{dataset.stem}-20220101-000000.sqlite.part"
    stale.write_bytes(b"half")
    assert backup.list_backups(dataset) == []
    with Dataset.open(dataset):
        pass
    assert not stale.exists() and len(backup.list_backups(dataset)) == 1


def test_a_backup_rotated_out_while_the_backups_are_listed_or_checked_is_passed_over(dataset, monkeypatch):
    """A backup taken beside the work removes the oldest when it is done, perhaps while the full check lists
    the backups or checks one to offer: the vanished file is passed over, never a fault of the check (the
    desktop's 核对数据文件 once failed quietly so)."""
    from core.store.dataset import newest_proved_backup
    with Dataset.open(dataset):
        pass
    (kept,) = backup.list_backups(dataset)
    ghost = kept.path.with_name(kept.path.name.replace(kept.path.stem[-6:], "000000"))  # matches, never existed
    real_iterdir = Path.iterdir

    real_is_file = Path.is_file

    def iterdir(self):
        yield from real_iterdir(self)
        if self == kept.path.parent:
            yield ghost  # listed, seen as a file, then gone before its size is read
    monkeypatch.setattr(Path, "iterdir", iterdir)
    monkeypatch.setattr(Path, "is_file", lambda self: self == ghost or real_is_file(self))
    assert [b.path for b in backup.list_backups(dataset)] == [kept.path]

    monkeypatch.setattr(backup, "list_backups", lambda path: [backup.BackupInfo(ghost, kept.taken_at, "", 1), kept])
    assert newest_proved_backup(dataset) == kept


def test_a_backup_is_told_by_its_place_and_name_with_the_year_file_it_belongs_to(dataset):
    with Dataset.open(dataset):
        pass
    info = backup.list_backups(dataset)[0]
    year, found = backup.backup_of(info.path)
    assert year == dataset and found == info
    assert backup.backup_of(dataset) is None  # the year file itself
    other = info.path.parent / "另一年度-20261207-121602.sqlite"  # in the folder, but not this year's name
    other.write_bytes(info.path.read_bytes())
    assert backup.backup_of(other) is None
    moved = dataset.parent / info.name  # a backup's name outside a backups folder
    moved.write_bytes(info.path.read_bytes())
    assert backup.backup_of(moved) is None
