"""Child process of tests/core/store/test_restore_crash.py: restores DATASET from BACKUP, killing itself with
SIGKILL just before its file-system step number KILL_AT (1, 2, …); prints `steps <n>` when it
finishes without reaching that step.

    python tests/restore_crash_child.py DATASET BACKUP KILL_AT
"""

import os
import shutil
import signal
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.store import backup, recovery  # noqa: E402

steps = 0


def step() -> None:
    global steps
    steps += 1
    if steps == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)


def counted(function):
    def call(*args, **kwargs):
        step()
        return function(*args, **kwargs)
    return call


# Every call that changes or flushes a file, wherever restore makes it.
os.replace = counted(os.replace)
os.unlink = counted(os.unlink)
os.fsync = counted(os.fsync)
shutil.copyfile = counted(shutil.copyfile)
sqlite3.connect = counted(sqlite3.connect)
backup.copy_database = counted(backup.copy_database)

recovery.restore(Path(sys.argv[1]), Path(sys.argv[2]))
print(f"steps {steps}", flush=True)
