"""Reading a year writes nothing beside it: the read-only commands in a read-only folder, on a
read-only mount, on a full disk and while another program holds the file, each refusal to edit
with its own sentence; and one program per year file, the second told who holds it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.scoring.rules import load_rule_set
from core.store.dataset import Dataset, create_file
from core.store.files import DatasetError
from tests.dataset_support import ROOT, hold, release, rich_year, run

READ_COMMANDS = (["score"], ["export-json"], ["verify-audit"])


@pytest.fixture
def year(tmp_path) -> Path:
    folder = tmp_path / "年度"
    folder.mkdir()
    path = folder / "2022.wjkh"
    assert create_file(path, load_rule_set(), "张三", "考核组长", rich_year()) == []
    return path


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def unprivileged() -> list[str]:
    """A command prefix under which the file permissions hold. Root passes every permission check
    through two capabilities; setpriv starts the program without them (still as root, so it can
    read the program's own files). An ordinary user needs nothing."""
    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    if shutil.which("setpriv") is None or subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root and setpriv cannot drop the permission capabilities here")
    return prefix


def run_as(prefix: list[str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def open_in_child(prefix: list[str], path: Path, read_only: bool) -> subprocess.CompletedProcess:
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from core.store.dataset import Dataset, DatasetError\n"
            "try:\n    Dataset.open(sys.argv[1], read_only=sys.argv[3] == '1').close(); print('opened')\n"
            "except DatasetError as e:\n    print(e.code); print(e)\n")
    return subprocess.run([*prefix, sys.executable, "-c", code, str(path), str(ROOT), "1" if read_only else "0"],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def assert_reads_and_refuses_edits(prefix: list[str], path: Path, refusal: str, words: str, output_words: str,
                                   elsewhere: Path) -> None:
    """Every read-only command works and leaves the folder exactly as it was; opening for editing
    gets its own sentence, and so does an export into that folder."""
    before = listing(path.parent)
    for command in READ_COMMANDS:
        result = run_as(prefix, *command, str(path))
        assert result.returncode == 0, (command, result.stderr)
        assert "损坏" not in result.stderr, result.stderr
        assert listing(path.parent) == before, command
    result = run_as(prefix, "export-summary", "--dataset", str(path), "--out", str(elsewhere / "汇总.xlsx"))
    assert result.returncode == 0, result.stderr
    assert listing(path.parent) == before
    for command in (["export-summary", "--dataset", str(path)], ["export-json", str(path)]):
        result = run_as(prefix, *command, "--out", str(path.parent / "导出"))
        assert result.returncode == 2 and output_words in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr and str(path.parent) in result.stderr
        assert listing(path.parent) == before
    opened = open_in_child(prefix, path, read_only=False)
    assert opened.stdout.splitlines()[0] == refusal, opened.stdout + opened.stderr
    assert words in opened.stdout and path.name in opened.stdout and "损坏" not in opened.stdout
    assert open_in_child(prefix, path, read_only=True).stdout.splitlines() == ["opened"]
    result = run_as(prefix, "reopen", "--dataset", str(path), "--unit", "吴江第1人力资源有限公司", "--reason", "复核")
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert listing(path.parent) == before


def leave_a_log(path: Path) -> None:
    """A program that edited the year and was killed: its last edits are only in the -wal file."""
    code = ("import os, sys; sys.path.insert(0, sys.argv[2]); from core.store.dataset import Dataset\n"
            "ds = Dataset.open(sys.argv[1], backups=False); uid = ds.unit_ids()[0]\n"
            "assert ds.update_unit(1, uid, insured_workers=777).ok; os.kill(os.getpid(), 9)\n")
    subprocess.run([sys.executable, "-c", code, str(path), str(ROOT)], timeout=60)
    assert Path(f"{path}-wal").stat().st_size > 0


def test_a_read_only_folder_is_read_and_named(year):
    prefix = unprivileged()
    leave_a_log(year)
    os.chmod(year.parent, 0o555)
    try:
        assert_reads_and_refuses_edits(prefix, year, "dataset.folder_read_only", "所在的文件夹",
                                       "没有在该文件夹中写入的权限", year.parent.parent)
        exported = run_as(prefix, "export-json", str(year))
        assert '"insured_workers": 777' in exported.stdout  # the killed program's last edit, read from its log
    finally:
        os.chmod(year.parent, 0o755)


@pytest.fixture
def mount_point(tmp_path):
    """A small tmpfs of its own (root with CAP_SYS_ADMIN only), unmounted afterwards."""
    point = tmp_path / "挂载"
    point.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(point)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a file system here (needs root with CAP_SYS_ADMIN)")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_a_read_only_mount_is_read_and_named(year, mount_point):
    folder = mount_point / "年度"
    folder.mkdir()
    shutil.copy(year, folder / year.name)
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    assert_reads_and_refuses_edits([], folder / year.name, "dataset.mount_read_only", "只读的磁盘",
                                   "它位于只读的磁盘", year.parent)


def test_a_full_disk_is_read_and_named(year, mount_point):
    folder = mount_point / "年度"
    folder.mkdir()
    target = folder / year.name
    shutil.copy(year, target)
    with open(mount_point / "填满", "wb") as filler:  # outside the year's folder: the folder's listing is compared
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass
    assert shutil.disk_usage(mount_point).free < 65536
    assert_reads_and_refuses_edits([], target, "dataset.disk_full_open", "磁盘已满", "磁盘已满", year.parent)


def test_reading_under_a_file_size_limit_writes_nothing(year):
    """Without a mount: a child that may not write a single byte to any file still reads the year."""
    leave_a_log(year)
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0)); sys.path.insert(0, sys.argv[2])\n"
            "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            "from core.store.dataset import Dataset\n"
            "with Dataset.open(sys.argv[1], read_only=True) as ds:\n"
            "    print(ds.verify_audit(), ds.year().units[0].insured_workers)\n")
    before = listing(year.parent)
    result = subprocess.run([sys.executable, "-c", code, str(year), str(ROOT)], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.split() == ["None", "777"], result.stderr
    assert listing(year.parent) == before


# ------------------------------------------------------------------ one program per year file

def test_a_second_program_is_told_who_holds_the_year_and_reads_it(year):
    with hold(year, "张三") as child:
        opened = open_in_child([], year, read_only=False)
        code, sentence = opened.stdout.splitlines()[:2]
        assert code == "dataset.locked_by"
        assert f"正由 张三（电脑 {socket.gethostname()}，自 " in sentence and year.name in sentence, sentence
        assert sentence.endswith("现在不能修改，可以只读方式查看。")
        since = json.loads(Path(f"{year}-holder").read_text(encoding="utf-8"))["since"]
        assert f"自 {since[11:16]} 起" in sentence  # today: the time alone
        result = run("reopen", "--dataset", str(year), "--unit", "吴江第1人力资源有限公司", "--reason", "复核")
        assert result.returncode == 2 and "正由 张三" in result.stderr
        assert open_in_child([], year, read_only=True).stdout.splitlines() == ["opened"]
        assert run("score", str(year)).returncode == 0
        release(child)
    assert not Path(f"{year}-holder").exists()  # removed at closing
    with Dataset.open(year):
        pass


def test_a_killed_holders_note_is_not_believed(year):
    with hold(year, "张三") as child:
        assert Path(f"{year}-holder").exists()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert json.loads(Path(f"{year}-holder").read_text(encoding="utf-8"))["name"] == "张三"  # left behind
    with Dataset.open(year, holder_name="李四") as ds:  # the lock died with the process
        note = json.loads(Path(f"{year}-holder").read_text(encoding="utf-8"))
        assert (note["name"], note["pid"]) == ("李四", os.getpid())
        ds.set_holder_name("王五")
        assert json.loads(Path(f"{year}-holder").read_text(encoding="utf-8"))["name"] == "王五"
    assert not Path(f"{year}-holder").exists()


def test_a_holder_without_a_note_is_not_named_after_a_stale_one(year):
    """Another program holds the file (no note of its own); the note of a dead program is left."""
    with hold(year, "张三") as child:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA locking_mode=EXCLUSIVE'); c.execute('BEGIN IMMEDIATE'); c.execute('COMMIT')\n"
            "print('ready', flush=True); sys.stdin.readline()\n")
    with subprocess.Popen([sys.executable, "-c", code, str(year)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True) as other:
        try:
            assert other.stdout.readline().strip() == "ready"
            with pytest.raises(DatasetError) as caught:
                Dataset.open(year)
            assert caught.value.code == "dataset.locked" and "张三" not in str(caught.value)
        finally:
            other.kill()


def test_a_second_window_in_the_same_process(year):
    with Dataset.open(year, holder_name="张三") as first:
        assert first.update_unit(1, first.unit_ids()[0], insured_workers=4242).ok
        with pytest.raises(DatasetError) as caught:
            Dataset.open(year)
        assert caught.value.code == "dataset.locked_by" and "张三" in str(caught.value)
        assert caught.value.read_only_possible
        with Dataset.open(year, read_only=True) as second:  # a copy from the first's connection
            assert second.year().units[0].insured_workers == 4242
            with pytest.raises(DatasetError) as refused:
                second.update_unit(1, second.unit_ids()[0], insured_workers=1)
            assert refused.value.code == "dataset.opened_read_only"
        # the first still holds the file: reading it here did not drop its lock
        assert open_in_child([], year, read_only=False).stdout.startswith("dataset.locked_by")
        assert first.update_unit(1, first.unit_ids()[0], insured_workers=4243).ok


WRITE = ("import sys; sys.path.insert(0, sys.argv[2]); from core.store.dataset import Dataset\n"
         "ds = Dataset.open(sys.argv[1], holder_name='张三', backups=False)\n"
         "ds._conn.execute('PRAGMA wal_autocheckpoint=8')  # checkpoints and restarts of the log, often\n"
         "uid = ds.unit_ids()[0]; print('ready', flush=True)\n"
         "for count in range(1, int(sys.argv[3]) + 1):\n"
         "    assert ds.update_unit(1, uid, insured_workers=count).ok\n"
         "    if count % 7 == 0: ds.add_attachment(1, bytes([count % 256]) * 20000, f'{count}.bin', unit_id=uid)\n"
         "ds.close()\n")


def test_reading_while_another_program_writes_gives_a_consistent_year(year):
    """A real second process commits edits (with frequent checkpoints) while this one opens the year
    read-only again and again: every copy is whole (integrity, audit chain) and its facts are the
    ones its audit trail ends with; the copies move forward."""
    with subprocess.Popen([sys.executable, "-c", WRITE, str(year), str(ROOT), "600"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as writer:
        assert writer.stdout.readline().strip() == "ready"
        seen = watch(writer, year)
        writer.kill()
        _, errors = writer.communicate()
    assert "Error" not in errors, errors
    assert len(seen) >= 5 and seen == sorted(seen) and len(set(seen)) >= 3, seen


def watch(writer: subprocess.Popen, year: Path) -> list[int]:
    """Open the year read-only again and again while the writer runs; check each copy."""
    seen: list[int] = []
    while writer.poll() is None and len(seen) < 200:
        with Dataset.open(year, read_only=True) as ds:
            assert ds.verify_audit() is None
            uid = ds.unit_ids()[0]
            value = ds.year().units[0].insured_workers
            last = [e for e in ds.audit_entries("units") if e.field == "insured_workers"]
            assert value == (json.loads(last[-1].new_value) if last else 50)  # 50: as made, before any edit
            attached = {a.name for a in ds.attachments(uid)}
            every_seventh = {f"{count}.bin" for count in range(7, value + 1, 7)} if last else set()
            assert attached <= every_seventh and every_seventh - attached <= {f"{value}.bin"}
            seen.append(value if last else 0)
    return seen


def test_a_torn_last_transaction_in_the_log_is_left_out(tmp_path):
    """As SQLite's own recovery does: a commit whose frames were not all written (a crash, or a copy
    taken mid-write) is not applied; the copy is the commit before it."""
    import sqlite3

    from core.store import snapshot
    path = tmp_path / "log.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (n INTEGER, filler BLOB)")
    for n in range(1, 4):
        conn.execute("INSERT INTO t VALUES (?, randomblob(3000))", (n,))  # one commit, a frame or two each
    main, log = path.read_bytes(), Path(f"{path}-wal").read_bytes()
    conn.close()

    def rows(image: bytearray) -> list[int]:
        copy = snapshot.connect_image(image)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [n for (n,) in copy.execute("SELECT n FROM t ORDER BY n")]

    assert rows(snapshot.apply_wal(bytearray(main), log)) == [1, 2, 3]
    torn = bytearray(log)
    torn[-100] ^= 0xFF  # the last frame's page no longer matches its checksum
    assert rows(snapshot.apply_wal(bytearray(main), bytes(torn))) == [1, 2]
    assert rows(snapshot.apply_wal(bytearray(main), log[:-10])) == [1, 2]  # cut short


def test_a_copy_made_on_a_worker_is_read_on_the_opening_thread_alone(year):
    """The desktop makes a large year's read-only copy on a worker's thread; the dataset opened from it reads
    through a connection of the window's thread, as every other opening's, and refuses any other thread."""
    import sqlite3
    import threading

    from core.store.dataset import read_only_copy
    made: list = []
    worker = threading.Thread(target=lambda: made.append(read_only_copy(year, elsewhere=True)))
    worker.start()
    worker.join()
    with Dataset.open(year, read_only=True, copy=made[0]) as ds:
        assert len(ds.year().units) == len(rich_year().units)  # the copy's year, whole
        refused: list[BaseException] = []

        def read_elsewhere() -> None:
            try:
                ds.year()
            except sqlite3.ProgrammingError as exc:
                refused.append(exc)
        other = threading.Thread(target=read_elsewhere)
        other.start()
        other.join()
        assert len(refused) == 1
    assert made[0].conn is None  # the worker's connection served it alone and was closed there
