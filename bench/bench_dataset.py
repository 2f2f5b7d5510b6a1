"""Benchmark: open a year's dataset of 200 units and 200,000 roster entries and read every unit's facts.

    .venv/bin/python bench/bench_dataset.py

Target: under 1 s for Dataset.open (header check, read-only PRAGMA integrity_check, lock, backup)
plus Dataset.year(). Printed with a baseline from the same run: a bare sqlite3 connect +
SELECT count(*) on the same file, and the same open without the backup.

Then the peak resident memory of the desktop (`main.py YEAR`, offscreen) with this year open until
it is painted, against a bare PySide6 window's in the same run, and of a window that then shows
each of its tabs (人员核对 matches all 200,000 people). Target: under 500 MB.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.common.credit_codes import USCC_ALPHABET, with_check_chars  # noqa: E402
from core.scoring.facts import Base, Delivery, Trip, Unit, Year  # noqa: E402
from core.scoring.rules import load_rule_set  # noqa: E402
from core.store import backup  # noqa: E402
from core.store.dataset import Dataset, create_file  # noqa: E402

UNITS = 200
ROSTER = 200_000
RUNS = 5


def code(i: int) -> str:
    return with_check_chars("91320509" + "".join(USCC_ALPHABET[(i * 7 + k * 13) % 31] for k in range(4)) + f"{i:04d}")


def build(path: Path) -> None:
    rules = load_rule_set()
    rng = random.Random(1)
    items = {c.id: c.evidence_ids for c in rules.clauses}
    units = []
    for i in range(UNITS):
        units.append(Unit(
            name=f"运营单位{i:03d}", credit_code=code(i), kinds=("hr_service",),
            bases=tuple(Base(f"基地{b}", "labour", dt.date(2022, 3, 1), {"agreement": True}, 40, 20) for b in range(3)),
            trips=tuple(Trip(dt.date(2022, 4, 1 + t), "贵阳", "offline", 6, {"filing": True, "photos": True},
                             ("好",) * 6) for t in range(3)),
            evidence={c: dict.fromkeys(ids, True) for c, ids in items.items() if ids},
            deliveries=tuple(Delivery(dt.date(2022, 5, 1 + d), f"企业{d}", 5) for d in range(5)),
            insured_workers=100))
    assert create_file(path, rules, "基准", year=Year(rules.year, rules.id, tuple(units))) == []
    conn = sqlite3.connect(path)
    unit_ids = [r[0] for r in conn.execute("SELECT id FROM units")]
    rows = ((rng.choice(unit_ids), "arrival", f"姓名{n}", f"5201011990{n:07d}X"[:18], "基地0", "吴江某厂",
             "2022-03-01", "2022-03-15", rng.randint(0, 12)) for n in range(ROSTER))
    with conn:
        conn.executemany("INSERT INTO roster_entries (unit_id, kind, name, id_number, base_name, employer, start_date, "
                         "first_insured_date, months_enrolled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def timed(action) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


BARE_WINDOW = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1366, 768)
window.show()
QTimer.singleShot(300, app.quit)
app.exec()
"""
# Run as the child's program: the peak resident memory of the child's own image, read from the
# kernel at its exit (getrusage's ru_maxrss would also count the pages the child was forked with).
PEAK = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


# The year open in the desktop, then every tab shown once (人员核对 matches all the year's people).
EVERY_TAB = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication
from ui.app import create_app
from ui.main_window import MainWindow
app = create_app()
window = MainWindow()
window.resize(1366, 768)
window.show()
assert window.open_dataset(Path(sys.argv[1]), "基准")
tabs = window.workspace.tabs
window.excel_actions.people_view()  # the 人员核对 tab is added with the year
for index in range(tabs.count()):
    tabs.setCurrentIndex(index)
    end = time.monotonic() + 4  # the people's match (a worker) included
    while time.monotonic() < end:
        app.processEvents()
print(tabs.count())
window.close()
"""


def peak_rss_mb(program: Path, args: list[str], env: dict) -> tuple[float, str]:
    """The peak resident memory of `program` run alone (MB), and what it printed before."""
    done = subprocess.run([sys.executable, "-c", PEAK, str(program), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=600)
    lines = done.stdout.strip().splitlines()
    assert lines and lines[-1].isdigit(), done.stderr
    return int(lines[-1]) / 1024, "\n".join(lines[:-1])


def desktop_memory(path: Path, folder: Path) -> None:
    from ui.main_window import MainWindow
    home = folder / "home"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache"), "LEYE_EXIT_WHEN_SHOWN": "1"}
    group, key = MainWindow._assessor_key_of(path).split("/")  # 基准 works on this file: the desktop does not ask
    settings = home / "config" / "leye-wujiang" / "leye-wujiang.conf"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(f"[{group}]\n{key}=" + "".join(f"\\x{ord(c):04x}" for c in "基准") + "\n", encoding="utf-8")
    bare_script = folder / "bare.py"
    bare_script.write_text(BARE_WINDOW, encoding="utf-8")
    bare, _ = peak_rss_mb(bare_script, [], env)
    ours, out = peak_rss_mb(ROOT / "main.py", [str(path)], env)
    shown = json.loads(out.strip().splitlines()[-1])["shown"]
    assert shown["units"] == UNITS, shown
    every_script = folder / "every_tab.py"
    every_script.write_text(EVERY_TAB, encoding="utf-8")
    every, out = peak_rss_mb(every_script, [str(path)], {**env, "PYTHONPATH": str(ROOT)})
    assert int(out.strip().splitlines()[-1]) >= 5, out
    print(f"peak resident memory, the desktop with this year open and painted: {ours:6.0f} MB "
          f"(a bare PySide6 window: {bare:.0f} MB; {ours / bare:.1f}x)  target < 500 MB: {'OK' if ours < 500 else 'MISSED'}")
    print(f"  the same, then every tab shown (人员核对 matches the 200,000 people): {every:6.0f} MB  "
          f"target < 500 MB: {'OK' if every < 500 else 'MISSED'}")


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-dataset-"))
    try:
        path = folder / "2022.sqlite"
        start = time.perf_counter()
        build(path)
        size = path.stat().st_size / 1e6
        print(f"built {UNITS} units, {ROSTER:,} roster entries: {size:.1f} MB in {time.perf_counter() - start:.1f} s")

        def baseline() -> None:
            conn = sqlite3.connect(path)
            conn.execute("SELECT count(*) FROM roster_entries").fetchone()
            conn.close()

        def open_and_read(backups: bool) -> None:
            with Dataset.open(path, backups=backups) as ds:
                year = ds.year()
                assert len(year.units) == UNITS

        def read_only() -> None:
            with Dataset.open(path, read_only=True) as ds:
                assert len(ds.year().units) == UNITS

        base = timed(baseline)
        full = timed(lambda: open_and_read(True))
        shutil.rmtree(backup.backup_dir(path), ignore_errors=True)
        no_backup = timed(lambda: open_and_read(False))
        ro = timed(read_only)
        with Dataset.open(path, backups=False) as ds:
            year_only = timed(ds.year)
        print(f"baseline: sqlite3 connect + SELECT count(*) of roster   {base * 1000:8.1f} ms")
        print(f"open (checks, lock, backup) + read all units' facts    {full * 1000:8.1f} ms  "
              f"({full / base:.0f}x baseline)  target < 1000 ms: {'OK' if full < 1 else 'MISSED'}")
        print(f"  the same without the backup                          {no_backup * 1000:8.1f} ms")
        print(f"  read-only open + read                                {ro * 1000:8.1f} ms")
        print(f"  Dataset.year() alone (200 units)                     {year_only * 1000:8.1f} ms")
        for pragma in ("integrity_check", "quick_check"):
            def check() -> None:
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                conn.execute(f"PRAGMA {pragma}").fetchall()
                conn.close()
            print(f"  of which PRAGMA {pragma:<16}                    {timed(check) * 1000:8.1f} ms")
        desktop_memory(path, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
