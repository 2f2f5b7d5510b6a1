"""core/common/atomic.py: a file written whole or not at all. A writer is killed with SIGKILL before
each of its file-system steps in turn (creating and writing the part file, flushing it, renaming it
over the target, flushing the folder, removing what is left): after every kill the target holds the
old bytes or the new ones, never a mix, and the next write leaves nothing of the killed one behind.
A cancel or a failing writer leave the old file and no part; a part another live process is writing
stays."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.common.atomic import write_atomically

ROOT = Path(__file__).resolve().parents[3]
OLD = b"old " * 50_000
NEW = b"new " * 60_000
CHUNKS = 4  # the new bytes are written in this many pieces, a step before each

# Runs one write, counting steps (every call that creates, writes, flushes, renames or removes a
# file); SIGKILL just before step KILL_AT (0: never). Prints the number of steps when it finishes.
CHILD = f"""
import builtins, os, signal, sys
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from core.common import atomic
kill_at, target, kind = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
steps = 0
def step():
    global steps
    steps += 1
    if steps == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
def counted(function):
    def call(*args, **kwargs):
        step()
        return function(*args, **kwargs)
    return call
for name in ("replace", "unlink", "fsync", "open"):
    setattr(os, name, counted(getattr(os, name)))
plain_open = builtins.open
def counted_open(file, mode="r", *args, **kwargs):
    if "w" in mode:
        step()
    return plain_open(file, mode, *args, **kwargs)
builtins.open = counted_open
new = b"new " * 60_000  # NEW
def write_in_pieces(path):
    with plain_open(path, "wb") as f:
        size = len(new) // {CHUNKS}
        for i in range({CHUNKS}):
            step()
            f.write(new[i * size:] if i == {CHUNKS} - 1 else new[i * size:(i + 1) * size])
            f.flush()
assert atomic.write_atomically(target, new if kind == "bytes" else write_in_pieces)
print("steps", steps)
"""


def write_killed_at(step: int, target: Path, kind: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(step), str(target), kind], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("kind", ["bytes", "writer"])
def test_a_write_killed_at_every_step_leaves_the_old_file_or_the_new(tmp_path, kind):
    target = tmp_path / "汇总表.xlsx"
    target.write_bytes(OLD)
    whole = write_killed_at(0, target, kind)
    assert whole.returncode == 0, whole.stderr
    steps = int(whole.stdout.split()[-1])
    assert steps >= (5 if kind == "bytes" else 4 + CHUNKS), whole.stdout
    assert target.read_bytes() == NEW
    seen = set()
    for step in range(1, steps + 1):
        target.write_bytes(OLD)
        done = write_killed_at(step, target, kind)
        assert done.returncode == -signal.SIGKILL, (step, done.stderr)
        found = target.read_bytes()
        assert found in (OLD, NEW), step
        seen.add(found)
        assert write_atomically(target, b"next")  # a later write, by another process
        assert sorted(p.name for p in tmp_path.iterdir()) == [target.name], step
    assert seen == {OLD, NEW}  # killed before the rename: old; after it: new


def test_a_cancel_or_a_failing_writer_leaves_the_old_file_and_no_part(tmp_path):
    target = tmp_path / "未导入的行.csv"
    target.write_bytes(OLD)
    assert not write_atomically(target, NEW, cancelled=lambda: True)

    def fails(path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(target, fails)
    assert target.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert write_atomically(tmp_path / "新文件.pdf", NEW) and (tmp_path / "新文件.pdf").read_bytes() == NEW


def test_a_part_a_live_process_is_writing_stays_until_it_is_gone(tmp_path):
    target = tmp_path / "考核表.pdf"
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        theirs = tmp_path / f".{target.name}.{writer.pid}.part"
        theirs.write_bytes(b"being written")
        assert write_atomically(target, NEW)
        assert theirs.exists() and target.read_bytes() == NEW
    finally:
        writer.kill()
        writer.wait()
    assert write_atomically(target, OLD)
    assert not theirs.exists() and target.read_bytes() == OLD
