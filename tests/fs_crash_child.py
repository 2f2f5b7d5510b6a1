"""Child process of tests/core/store/test_fs_crash.py: runs one piece of work on a fresh copy of a year file (and
its backup folder) again and again, each time in a forked process killed with SIGKILL just before its
step number N (N = 1, 2, …, until a run finishes), and after each run reports as one JSON line what is
on disk, then opens the year as the program does and reports what is on disk after that.

A step is every call that changes, creates, removes or flushes a file (os.replace, unlink, mkdir,
fsync, link, copyfile, sqlite3.connect, a backup's copy) and every SQL statement the program sends
that is not a plain SELECT (the points where SQLite may write to the file or its log), and every close.
`import-inside` kills inside SQLite instead: at evenly spread calls of its progress handler (every
1,000 virtual-machine instructions), with a small page cache so that a large import's pages reach
the log before its COMMIT, as they do in a year of 200,000 people.

    python tests/fs_crash_child.py backup|import|import-inside TEMPLATE_FOLDER WORK_FOLDER [WORKBOOK [KILLS]]
"""

import contextlib
import io
import json
import os
import shutil
import signal
import sqlite3
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cli  # noqa: E402
from core.people.records import KIND_TABLE  # noqa: E402
from core.store import backup  # noqa: E402
from core.store.dataset import Dataset  # noqa: E402
from core.store.files import DatasetError, inspect  # noqa: E402

YEAR = "2022.wjkh"
UNIT = "吴江甲人力资源有限公司"
steps = 0
kill_at = 0
inside_calls = 0
inside_kill_at = 0


def step() -> None:
    global steps
    steps += 1
    if steps == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


def counted(function):
    def call(*args, **kwargs):
        step()
        return function(*args, **kwargs)
    return call


def inside() -> int:
    global inside_calls
    inside_calls += 1
    if inside_calls == inside_kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return 0


class CountedConnection(sqlite3.Connection):
    """A connection whose every writing statement and close is a step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if inside_kill_at is not None:
            self.set_progress_handler(inside, 1000)
            super().execute("PRAGMA cache_size = -256")  # 256 KiB: an import's pages spill into the log

    def execute(self, sql, *args):
        if not sql.lstrip().upper().startswith("SELECT"):
            step()
        return super().execute(sql, *args)

    def executemany(self, sql, *args):
        step()
        return super().executemany(sql, *args)

    def executescript(self, sql):
        step()
        return super().executescript(sql)

    def close(self):
        step()
        return super().close()


def install_steps() -> None:
    connect = sqlite3.connect

    def counted_connect(*args, **kwargs):
        step()
        kwargs.setdefault("factory", CountedConnection)
        return connect(*args, **kwargs)
    sqlite3.connect = counted_connect
    for name in ("replace", "rename", "unlink", "remove", "rmdir", "mkdir", "fsync", "link"):
        setattr(os, name, counted(getattr(os, name)))
    shutil.copyfile = counted(shutil.copyfile)
    backup.copy_database = counted(backup.copy_database)


def work(scenario: str, folder: Path, workbook: str) -> None:
    path = folder / YEAR
    if scenario == "backup":  # opening backs the year up and prunes the old backups
        with Dataset.open(path, keep_backups=10):
            pass
    else:  # the command line's import, as a user runs it (it opens, backs up, imports, matches)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = cli.main(["import-xlsx", "arrivals", workbook, "--dataset", str(path), "--unit", UNIT, "--yes",
                               "--other-unit"])  # the generated roster's form names another unit
        assert code == 0, code


def on_disk(folder: Path) -> dict:
    """The year's audit rows, imports and the rows each stored, integrity; the files beside it and
    in its backup folder, and whether each backup there is a whole year file."""
    path = folder / YEAR
    wal = Path(f"{path}-wal")
    state: dict = {"files": sorted(p.name for p in folder.iterdir() if p.is_file()),
                   "wal_bytes": wal.stat().st_size if wal.exists() else 0}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        state["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
        state["audit"] = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        imports = conn.execute("SELECT id, kind, rows FROM imports ORDER BY id").fetchall()
        state["imports"] = [[i, kind, rows, conn.execute(f"SELECT count(*) FROM {KIND_TABLE[kind]} WHERE import_id = ?",
                                                          (i,)).fetchone()[0]] for i, kind, rows in imports]
    finally:
        conn.close()
    try:
        with Dataset.open(path, read_only=True) as ds:
            state["audit_verified"] = ds.verify_audit() is None
    except DatasetError as exc:
        state["audit_verified"] = f"{exc.msg.code}"
    folder_ = backup.backup_dir(path)
    state["backup_files"] = sorted(p.name for p in folder_.iterdir()) if folder_.is_dir() else []
    whole, audit_rows = {}, {}
    for info in backup.list_backups(path):
        try:
            inspect(info.path)
            whole[info.name] = True
            copy = sqlite3.connect(f"file:{info.path}?mode=ro", uri=True)
            try:
                audit_rows[info.name] = copy.execute("SELECT count(*) FROM audit").fetchone()[0]
            finally:
                copy.close()
        except DatasetError as exc:
            whole[info.name] = exc.msg.code
    state["backups"], state["backup_audit"] = whole, audit_rows
    return state


def run(scenario: str, template: Path, folder: Path, workbook: str, step_n: int, inside_n: int | None) -> dict:
    """One run in a forked process killed before step `step_n` (or at progress call `inside_n`), and
    what is on disk after it and after the next open."""
    global kill_at, inside_kill_at
    shutil.copytree(template, folder)
    counted_calls = folder.with_name(folder.name + ".calls")
    pid = os.fork()
    if pid == 0:
        try:
            kill_at, inside_kill_at = step_n, inside_n
            install_steps()
            work(scenario.removesuffix("-inside"), folder, workbook)
            counted_calls.write_text(str(inside_calls))
            os._exit(0)
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    finished = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    report = {"step": step_n if inside_n is None else inside_n, "killed": killed, "finished": finished,
              "status": status, "after_kill": on_disk(folder)}
    if finished:
        report["calls"] = int(counted_calls.read_text())
    try:  # the next open, as the program does it (read-write, backing up)
        with Dataset.open(folder / YEAR, keep_backups=10) as ds:
            report["next_open_notices"] = [notice.code for notice in ds.notices]
    except DatasetError as exc:
        report["next_open_error"] = exc.msg.code
    report["after_next_open"] = on_disk(folder)
    shutil.rmtree(folder)
    return report


def main() -> None:
    scenario, template, work_folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    workbook = sys.argv[4] if len(sys.argv) > 4 else ""
    if scenario.endswith("-inside"):  # a run to count the progress calls, then kills spread over them
        whole = run(scenario, template, work_folder / "whole", workbook, 0, 0)
        kills = int(sys.argv[5])
        for k in range(kills):
            at = 1 + k * (whole["calls"] - 1) // max(kills - 1, 1)
            print(json.dumps(run(scenario, template, work_folder / f"run-{at}", workbook, 0, at), ensure_ascii=False),
                  flush=True)
        print(json.dumps(whole, ensure_ascii=False), flush=True)
        return
    n = 0
    while True:
        n += 1
        report = run(scenario, template, work_folder / f"run-{n}", workbook, n, None)
        print(json.dumps(report, ensure_ascii=False), flush=True)
        if not report["killed"]:
            break


if __name__ == "__main__":
    main()
