"""Child process of tests/test_fs_crash.py: runs one piece of work on a fresh copy of a year file (and
its backup folder) again and again, each time in a forked process killed with SIGKILL just before its
step number N (N = 1, 2, …, until a run finishes), and after each run reports as one JSON line what is
on disk, then opens the year as the program does and reports what is on disk after that.

A step is every call that changes, creates, removes or flushes a file (os.replace, unlink, mkdir,
fsync, link, copyfile, sqlite3.connect, a backup's copy) and every SQL statement the program sends
that is not a plain SELECT (the points where SQLite may write to the file or its log), and every close.

    python tests/fs_crash_child.py backup|import TEMPLATE_FOLDER WORK_FOLDER [WORKBOOK]
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

from core import backup, cli  # noqa: E402
from core.dataset import Dataset, DatasetError  # noqa: E402
from core.people import KIND_TABLE  # noqa: E402

YEAR = "2022.wjkh"
UNIT = "吴江甲人力资源有限公司"
steps = 0
kill_at = 0


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


class CountedConnection(sqlite3.Connection):
    """A connection whose every writing statement and close is a step."""

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
            code = cli.main(["import-xlsx", "arrivals", workbook, "--dataset", str(path), "--unit", UNIT, "--yes"])
        assert code == 0, code


def on_disk(folder: Path) -> dict:
    """The year's audit rows, imports and the rows each stored, integrity; the files beside it and
    in its backup folder, and whether each backup there is a whole year file."""
    path = folder / YEAR
    state: dict = {"files": sorted(p.name for p in folder.iterdir() if p.is_file())}
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
    whole = {}
    for info in backup.list_backups(path):
        try:
            from core.dataset import inspect
            inspect(info.path)
            whole[info.name] = True
        except DatasetError as exc:
            whole[info.name] = exc.msg.code
    state["backups"] = whole
    return state


def main() -> None:
    global kill_at
    scenario, template, work_folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    workbook = sys.argv[4] if len(sys.argv) > 4 else ""
    n = 0
    while True:
        n += 1
        folder = work_folder / f"run-{n}"
        shutil.copytree(template, folder)
        pid = os.fork()
        if pid == 0:  # the run: killed before step n, or finished
            try:
                kill_at = n
                install_steps()
                work(scenario, folder, workbook)
                sys.stdout.write(f"steps {steps}\n")
                sys.stdout.flush()
                os._exit(0)
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        finished = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        report = {"step": n, "killed": killed, "finished": finished, "status": status, "after_kill": on_disk(folder)}
        try:  # the next open, as the program does it (read-write, backing up)
            with Dataset.open(folder / YEAR, keep_backups=10) as ds:
                report["next_open_notices"] = [notice.code for notice in ds.notices]
        except DatasetError as exc:
            report["next_open_error"] = exc.msg.code
        report["after_next_open"] = on_disk(folder)
        print(json.dumps(report, ensure_ascii=False), flush=True)
        shutil.rmtree(folder)
        if not killed:
            break


if __name__ == "__main__":
    main()
