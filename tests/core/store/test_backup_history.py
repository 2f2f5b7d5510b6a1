"""The backups a year keeps: a history a bureau can go back to — the newest ones, the first and last of each
day of the last two weeks, the one before each import — with the disk use bounded; a command that changes
nothing takes no copy of a year its newest backup already holds."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from core.store import backup, recovery
from core.store.dataset import Dataset, create_file
from tests.builders import RULES
from tests.dataset_support import run
from tests.import_support import UNITS, roster_file, year_with_bases
from tests.xlsx_builders import arrival


def imports_in(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM imports").fetchone()[0]
    finally:
        conn.close()


def test_a_morning_of_command_line_imports_keeps_the_year_as_it_was_before_the_first(tmp_path):
    path = tmp_path / "2022.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    people = [arrival(i) for i in range(4)]
    for n in range(14):
        roster = roster_file(tmp_path, people[:1 + n % 4], f"名单{n}.xlsx")
        done = run("import-xlsx", "arrivals", str(roster), "--dataset", str(path), "--unit", UNITS[n % 2], "--yes")
        assert done.returncode == 0, done.stderr
        assert run("verify-audit", str(path)).returncode == 0
    found = backup.list_backups(path)
    assert len(found) == 15  # the year as first opened, and as each command left it: nothing else
    first = found[-1]
    assert imports_in(first.path) == 0  # the year as it was before the first import is still there
    listing = run("restore", str(path), "--list")
    assert first.name in listing.stdout
    restored = run("restore", str(path), "--backup", first.name, "--yes")
    assert restored.returncode == 0, restored.stderr
    assert imports_in(path) == 0


def test_opening_a_year_its_newest_backup_holds_takes_no_copy(tmp_path):
    path = tmp_path / "2022.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    with Dataset.open(path) as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=5).ok
    with Dataset.open(path):
        pass  # copies the edit: the newest backup was taken before it
    names = [b.name for b in backup.list_backups(path)]
    for _ in range(5):
        with Dataset.open(path):
            pass  # nothing changed since: nothing copied, nothing older rotated out
    assert [b.name for b in backup.list_backups(path)] == names and len(names) == 2


def test_rotation_keeps_the_first_and_last_of_each_recent_day_and_bounds_the_rest(tmp_path):
    path = tmp_path / "2022.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    with Dataset.open(path):
        pass
    source = backup.list_backups(path)[0].path
    folder = source.parent
    today = dt.date(2026, 12, 6)
    made = []
    for days_ago in range(30):  # three backups a day for thirty days: 09:00, 12:00, 17:00
        day = today - dt.timedelta(days=days_ago)
        for hour in (9, 12, 17):
            name = f"{path.stem}-{day:%Y%m%d}-{hour:02d}0000.wjkh"
            shutil.copyfile(source, folder / name)
            made.append(name)
    source.unlink()
    for n in range(3):  # files a restore replaced: only the newest are kept
        shutil.copyfile(folder / made[-1], folder / f"{path.stem}-{today - dt.timedelta(days=40 + n):%Y%m%d}-080000"
                                                     f"-before-restore.wjkh")
    backup.rotate(path, keep=10, today=today)
    kept = {b.name for b in backup.list_backups(path) if not b.label}
    for days_ago in range(backup.DAYS_KEPT):
        day = today - dt.timedelta(days=days_ago)
        assert {f"{path.stem}-{day:%Y%m%d}-090000.wjkh", f"{path.stem}-{day:%Y%m%d}-170000.wjkh"} <= kept, day
    older = set(made[backup.DAYS_KEPT * 3:])
    assert not kept & older  # older than two weeks, before no import: gone
    assert len(kept) <= 10 + 2 * backup.DAYS_KEPT
    assert len([b for b in backup.list_backups(path) if b.label]) == 3 <= backup.LABELLED_KEPT


def test_a_change_made_outside_between_two_commands_is_told_by_the_second(tmp_path):
    path = tmp_path / "2022.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    people = [arrival(i) for i in range(3)]
    done = run("import-xlsx", "arrivals", str(roster_file(tmp_path, people)), "--dataset", str(path),
               "--unit", UNITS[0], "--yes")
    assert done.returncode == 0, done.stderr
    assert imports_in(backup.list_backups(path)[0].path) == 1  # the command's own edit is backed up as it ends
    conn = sqlite3.connect(path)
    conn.execute("UPDATE units SET insured_workers = 999 WHERE name = ?", (UNITS[1],))
    conn.commit()
    conn.close()
    again = run("import-xlsx", "arrivals", str(roster_file(tmp_path, people[:2], "更正.xlsx")), "--dataset", str(path),
                "--unit", UNITS[0], "--yes")
    assert f"年度数据文件 {path.name} 在本程序之外被改动过" in again.stderr, again.stderr


def test_after_a_crash_a_change_outside_to_a_table_not_edited_since_the_backup_is_still_told(tmp_path):
    """The program killed before it could back up its last edits (here: the year's units edited with no
    backup as it closed), then a base renamed outside: opening still tells it (the units edited since
    the backup are left to the full check)."""
    path = tmp_path / "2022.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    with Dataset.open(path):
        pass  # the backup of opening
    with Dataset.open(path, backups=False) as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=12).ok
    with Dataset.open(path) as ds:
        assert ds.audit_problems == []  # nothing changed outside: no false alarm
    with Dataset.open(path, backups=False) as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=13).ok
    conn = sqlite3.connect(path)
    conn.execute("UPDATE bases SET name = '外改基地' WHERE id = (SELECT min(id) FROM bases)")
    conn.commit()
    conn.close()
    with Dataset.open(path) as ds:
        assert [p.location for p in ds.audit_problems] == ["bases"], ds.audit_problems


def test_restore_offers_first_the_newest_backup_whose_own_trail_proves_it(tmp_path):
    """A backup taken after a change made outside the program went unnoticed holds that change: restore
    on the command line does not offer it."""
    path = tmp_path / "2022.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    with Dataset.open(path) as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=12).ok
    proved = backup.list_backups(path)[0]  # as the year was closed
    conn = sqlite3.connect(path)
    conn.execute("UPDATE units SET insured_workers = 999 WHERE name = ?", (UNITS[1],))
    conn.commit()
    tampered = backup.make_backup(conn, path, now=dt.datetime.now() + dt.timedelta(seconds=5))
    conn.close()
    asked = run("restore", str(path), stdin="n\n")
    assert f"将用备份 {proved.name} 替换" in asked.stdout and tampered.name not in asked.stdout, asked.stdout


def test_a_year_opened_changed_outside_is_told_again_after_it_was_edited_and_closed(tmp_path):
    """Going on with a changed year, editing it and closing it backs its edits up, but that copy (which
    holds the change) is not what the next opening checks the year against."""
    path = tmp_path / "2022.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    with Dataset.open(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("UPDATE bases SET name = '外改基地' WHERE id = (SELECT min(id) FROM bases)")
    conn.commit()
    conn.close()
    with Dataset.open(path) as ds:
        assert [p.location for p in ds.audit_problems] == ["bases"]
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=12).ok
    newest = backup.list_backups(path)[0]
    assert imports_in(newest.path) == 0 and newest.name not in {line.name for line in backup.anchor_lines(path)}
    with Dataset.open(path) as ds:
        assert [p.location for p in ds.audit_problems] == ["bases"]  # told again
    offered = recovery.newest_trusted(path)
    assert offered is not None and offered.name != newest.name  # and the copy holding the change not offered
