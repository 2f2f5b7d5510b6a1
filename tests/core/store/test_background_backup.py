"""Backups copied on another thread while the year's owner goes on editing (Dataset.start_backup, as the
desktop takes them): the copy is whole, nothing edited meanwhile is left out of the next one, the year as
opened is copied before any write reaches the file, and a failure is told and tried again."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core.common.messages import render
from core.scoring.rules import load_rule_set
from core.store import backup
from core.store.dataset import Dataset, create_file
from core.store.files import inspect
from tests.dataset_support import rich_year


@pytest.fixture
def dataset(tmp_path) -> Path:
    path = tmp_path / "2022年度.sqlite"
    assert create_file(path, load_rule_set(), "张三", year=rich_year(20)) == []
    return path


@pytest.fixture
def slow_copy(monkeypatch):
    """One page per step: the copy takes many steps, so the owner's edits fall between them."""
    monkeypatch.setattr(backup, "STEP_PAGES", 1)


def copied_insured(path: Path, uid: int) -> int:
    with Dataset.open(path, read_only=True) as copy:
        assert copy.verify_audit() is None
        return copy.unit(uid).insured_workers


def test_edits_go_on_while_a_backup_is_copied_and_the_next_backup_copies_what_it_missed(dataset, slow_copy):
    ds = Dataset.open(dataset, defer_backup=True)
    uid = ds.unit_ids()[0]
    assert ds.finish_opening() == []
    assert ds.set_insured_workers(1, uid, 1).ok
    assert ds.start_backup() is None  # within the interval: not due
    ds.backup_interval = 0
    run = ds.start_backup()
    assert run is not None and not run.opening
    assert ds.start_backup() is None  # one at a time
    copier = threading.Thread(target=run.run)
    copier.start()
    value = 1
    while not run.done:  # the owner's edits are not held up by the copy
        value += 1
        assert ds.set_insured_workers(1, uid, value).ok
    copier.join()
    assert value > 2, "the copy was over before a second edit: the test proves nothing"
    assert ds.backup_finished(run) is None and run.path is not None
    inspect(run.path)  # a whole, self-contained year file
    assert not Path(f"{run.path}-wal").exists()
    assert 1 <= copied_insured(run.path, uid) <= value  # the year at some moment of the copy
    head = backup.trail_head(run.path)
    anchor = backup.anchor_lines(dataset)[-1]
    assert head is not None and (anchor.seq, anchor.hash) == (head[0], head[1])  # noted as it was copied

    newer = ds.start_backup()  # the edits made during the copy are the next backup's
    assert newer is not None
    newer.run()
    assert ds.backup_finished(newer) is None
    assert copied_insured(newer.path, uid) == value
    assert ds.start_backup() is None  # nothing edited since: nothing to copy
    ds.close()


def test_no_write_reaches_the_file_before_the_year_as_opened_is_copied(dataset, slow_copy):
    ds = Dataset.open(dataset, defer_backup=True)
    uid = ds.unit_ids()[0]
    before = ds.unit(uid).insured_workers
    assert backup.list_backups(dataset) == []
    run = ds.start_backup(opening=True)
    assert run is not None and run.opening
    assert ds.start_backup(opening=True) is None  # claimed once
    copier = threading.Thread(target=run.run)
    copier.start()
    assert ds.set_insured_workers(1, uid, before + 5).ok  # waits for the copy
    assert run.done
    copier.join()
    assert ds.backup_finished(run) is None
    assert copied_insured(run.path, uid) == before
    ds.close()


def test_edits_of_the_desktop_leave_the_due_backup_to_it(dataset):
    ds = Dataset.open(dataset, defer_backup=True, backup_interval=0)
    assert ds.finish_opening() == []
    assert ds.set_insured_workers(1, ds.unit_ids()[0], 9).ok  # due, but not copied on the editing thread
    assert len(backup.list_backups(dataset)) == 1
    run = ds.start_backup()
    assert run is not None
    run.run()
    assert ds.backup_finished(run) is None and len(backup.list_backups(dataset)) == 2
    ds.close()
    with Dataset.open(dataset, backup_interval=0) as plain:  # elsewhere an edit copies the due backup itself
        assert plain.set_insured_workers(1, plain.unit_ids()[0], 10).ok
    # its edit's; none of its opening: the year was exactly as the newest backup holds it
    assert len(backup.list_backups(dataset)) == 3


def test_a_backup_that_fails_on_the_other_thread_is_told_and_taken_again(dataset):
    ds = Dataset.open(dataset, defer_backup=True, backup_interval=0)
    assert ds.finish_opening() == []
    assert ds.set_insured_workers(1, ds.unit_ids()[0], 9).ok
    folder = backup.backup_dir(dataset)
    for old in folder.iterdir():
        old.unlink()
    folder.rmdir()
    folder.write_text("a file where the backup folder belongs")
    run = ds.start_backup()
    run.run()
    problem = ds.backup_finished(run)
    assert problem is not None and problem.code == "dataset.backup_failed"
    # the system's reason, in Chinese
    assert render(problem) == "数据文件 2022年度.sqlite 的备份失败（同名文件已存在）。"
    again = ds.start_backup()  # the edits it should have copied are still to be copied
    assert again is not None
    folder.unlink()  # the folder's place is free again
    again.run()
    assert ds.backup_finished(again) is None and copied_insured(again.path, ds.unit_ids()[0]) == 9
    ds.close()


def test_closing_waits_for_the_backup_being_copied(dataset, slow_copy):
    ds = Dataset.open(dataset, defer_backup=True)
    run = ds.start_backup(opening=True)
    copier = threading.Thread(target=run.run)
    copier.start()
    ds.close()
    assert run.done
    copier.join()
    assert run.error is None and run.path is not None
    inspect(run.path)


def test_a_backup_is_settled_only_once_copied_and_any_failure_of_it_is_told(dataset, monkeypatch):
    ds = Dataset.open(dataset, defer_backup=True, backup_interval=0)
    assert ds.finish_opening() == []
    assert ds.set_insured_workers(1, ds.unit_ids()[0], 9).ok
    run = ds.start_backup()
    assert ds.backup_finished(run) is None  # asked too early (a wait that gave up): still the one copying
    assert ds.start_backup() is None
    monkeypatch.setattr(backup, "rotate", lambda *args: (_ for _ in ()).throw(ValueError("rotation")))
    run.run()  # a failure of any kind on the copying thread is kept, not lost with the thread
    problem = ds.backup_finished(run)
    assert problem is not None and problem.code == "dataset.backup_failed"
    monkeypatch.undo()
    again = ds.start_backup()  # and the edits are copied by the next one
    assert again is not None
    again.run()
    assert ds.backup_finished(again) is None
    ds.close()


def test_a_file_is_flushed_through_a_handle_that_may_write(tmp_path, monkeypatch):
    """Windows flushes a file to disk only through a handle opened for writing."""
    import os

    from core.common.atomic import fsync_path
    target = tmp_path / "copy.sqlite"
    target.write_bytes(b"x")
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, flags, *rest: opened.append((Path(path), flags))
                        or real_open(path, flags, *rest))
    fsync_path(target)
    fsync_path(tmp_path)
    assert opened[0][0] == target and opened[0][1] & os.O_RDWR
    assert opened[1][0] == tmp_path and not opened[1][1] & (os.O_RDWR | os.O_WRONLY)
