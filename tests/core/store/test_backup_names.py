"""A backup is a whole year file a user may open: it carries the year file's suffix (.wjkh), and the backups
taken before it did (.sqlite) are still listed, rotated and restored, by the desktop and the command line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from core.scoring.rules import load_rule_set
from core.store import backup
from core.store.dataset import Dataset, create_file
from tests.cli_support import run_process
from tests.dataset_support import rich_year


def year_with_an_old_backup(tmp_path) -> tuple[Path, Path]:
    """A .wjkh year and a backup of it named as backups were named before (.sqlite), older than the days
    rotation keeps one of each."""
    path = tmp_path / "2022年度考核.wjkh"
    assert create_file(path, load_rule_set(), "张三", year=rich_year(3)) == []
    with Dataset.open(path) as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=111).ok
    taken = backup.list_backups(path)[-1].path  # the backup of opening: 111 not in it yet
    when = dt.datetime.now() - dt.timedelta(days=backup.DAYS_KEPT + 1)
    old = taken.with_name(f"{path.stem}-{when:%Y%m%d-%H%M%S}.sqlite")
    shutil.copyfile(taken, old)
    taken.unlink()
    return path, old


def test_new_backups_of_a_year_file_are_year_files_and_old_ones_are_still_found(tmp_path):
    path, old = year_with_an_old_backup(tmp_path)
    with Dataset.open(path):
        pass  # the year as the newest backup (taken as it was closed, holding 111) holds it: no copy
    found = backup.list_backups(path)
    assert [b.path.suffix for b in found] == [".wjkh", ".sqlite"] and found[1].path == old
    with Dataset.open(found[0].path, read_only=True) as copy:  # opens as the year file it is
        assert copy.year().units[0].insured_workers == 111

    listing = run_process("restore", str(path), "--list")
    assert listing.returncode == 0, listing.stderr
    names = [line.split()[0] for line in listing.stdout.splitlines()]
    assert names == [found[0].name, old.name], listing.stdout
    restored = run_process("restore", str(path), "--backup", old.name, "--yes")
    assert restored.returncode == 0, restored.stderr
    with Dataset.open(path, read_only=True) as ds:
        assert ds.year().units[0].insured_workers != 111  # the old backup, taken before the edit
    kept = [b for b in backup.list_backups(path) if b.label == "before-restore"]
    assert len(kept) == 1 and kept[0].name.endswith("-before-restore.wjkh")


def test_rotation_counts_old_and_new_backups_alike(tmp_path):
    path, old = year_with_an_old_backup(tmp_path)
    with Dataset.open(path, keep_backups=2, backup_interval=0) as ds:
        for n in range(3):
            assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=n).ok
    found = backup.list_backups(path)
    assert len(found) == 3 and all(b.path.suffix == ".wjkh" for b in found) and not old.exists()  # the newest 2,
    # and the first of today


def test_a_year_kept_as_sqlite_keeps_sqlite_backups(tmp_path):
    path = tmp_path / "2022年度.sqlite"
    assert create_file(path, load_rule_set(), "张三", year=rich_year(2)) == []
    with Dataset.open(path):
        pass
    assert [b.path.suffix for b in backup.list_backups(path)] == [".sqlite"]
