"""Benchmark: prove a 200-unit, 200,000-person year from its audit trail.

    .venv/bin/python bench/bench_audit.py [--units N] [--people N] [--runs R]

Builds (untimed) a year of 200 units (bench/bench_score.py's generator: bases, trips, deliveries,
evidence ticks, negative facts) through the program, then imports each unit's arrivals roster
(1,000 people each, one import per unit through Dataset.import_people, as the Excel import
writes them: one audit row per import with the content hash of its people) and takes a backup
(the anchor). Then, R times each (median):

  full   Dataset.check_audit(): the chain row by row, the schema, the replay of every audited table
         against the live one, every import's people against its content hash, the blobs, the
         newest backup's anchor (what `verify-audit` and 文件 → 核对数据文件 run);
  open   Dataset.quick_audit_check(): the triggers, the last row's link, the row count and the
         newest anchor (what opening a year runs before its backup).

Printed beside baselines measured in the same run on the same file: reading every audit row
(SELECT … ORDER BY seq, fetched into Python), and reading every person row (SELECT * FROM
roster_entries, fetched) — the floors of any check that looks at all of them; and, for the open
check, one `SELECT count(*) FROM audit`. Targets: full check under 1 s, open check under 100 ms.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from itertools import repeat  # noqa: E402

from bench_score import synthetic_year  # noqa: E402

from core.excel.check import CheckResult  # noqa: E402
from core.people.records import ArrivalRecord, frozen_records  # noqa: E402
from core.scoring.rules import load_rule_set  # noqa: E402
from core.store.dataset import Dataset, create_file  # noqa: E402

FULL_TARGET = 1.0
OPEN_TARGET = 0.1


def roster(unit: str, bases: list[str], first: int, n: int) -> CheckResult:
    """A checked arrivals roster of n people, as core.excel.check returns it."""
    day = dt.date(2022, 3, 1)
    columns = [repeat("花名册", n), range(3, 3 + n), [f"姓名{first + k}" for k in range(n)],
               [f"3205091990{first + k:07d}X"[:18] for k in range(n)], repeat("吴江某精密电子有限公司", n),
               repeat(day, n), [bases[k % len(bases)] if bases else "" for k in range(n)],
               ["男" if k % 2 else "女" for k in range(n)], repeat("13900000000", n), repeat(day, n),
               [6 + k % 7 for k in range(n)], repeat(None, n)]
    records = tuple(frozen_records(ArrivalRecord, columns, n))
    return CheckResult(f"{unit}花名册.xlsx", "arrivals", records, (), (), n, 0)


def build(path: Path, units: int, people: int) -> None:
    rules = load_rule_set()
    year = synthetic_year(rules, units, 20220901)
    assert create_file(path, rules, "基准", year=year) == []
    each = people // units
    with Dataset.open(path) as ds:
        for k, unit_id in enumerate(ds.unit_ids()):
            unit = ds.unit(unit_id, as_entered=True)
            checked = roster(unit.name, [b.name for b in unit.bases if b.type == "labour"], k * each, each)
            edit = ds.import_people(1, checked, sha256=f"{k:064x}", unit_id=unit_id)
            assert edit.ok, edit.problems
        ds.backup()


CPU: dict[str, float] = {}  # the median CPU time of each timed action, by name (a busy machine slows wall time)


def median_time(action, runs: int) -> float:
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[getattr(action, "__name__", "")] = statistics.median(cpu)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    try:
        path = folder / "2022.wjkh"
        start = time.perf_counter()
        build(path, args.units, args.people)
        with Dataset.open(path, read_only=True) as ds:
            rows = ds.audit_head()[0]
        print(f"built {args.units} units, {args.people:,} people, {rows:,} audit rows: "
              f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s "
              f"({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")

        def read_trail() -> None:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
            conn.close()

        def read_people() -> None:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            conn.execute("SELECT * FROM roster_entries").fetchall()
            conn.close()

        def count_trail() -> None:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            conn.execute("SELECT count(*) FROM audit").fetchone()
            conn.close()

        with Dataset.open(path, read_only=True) as ds:
            report = ds.check_audit()
            assert report.ok and report.anchors and report.anchors[0].problem is None, report.problems
            full = median_time(ds.check_audit, args.runs)
            quick = median_time(ds.quick_audit_check, args.runs * 4)
        floor_trail = median_time(read_trail, args.runs)
        floor_people = median_time(read_people, args.runs)
        floor = floor_trail + floor_people
        count = median_time(count_trail, args.runs * 4)
        print(f"baseline: read every audit row ({rows:,})             {floor_trail * 1000:8.1f} ms  "
              f"(CPU {CPU['read_trail'] * 1000:.0f} ms)")
        print(f"baseline: read every person row ({args.people:,})        {floor_people * 1000:8.1f} ms  "
              f"(CPU {CPU['read_people'] * 1000:.0f} ms)")
        print(f"full check (verify-audit)                          {full * 1000:8.1f} ms  "
              f"(CPU {CPU['check_audit'] * 1000:.0f} ms)  "
              f"({full / floor:.1f}x reading both)  target < {FULL_TARGET * 1000:.0f} ms: "
              f"{'OK' if full < FULL_TARGET else 'MISSED'}")
        print(f"baseline: connect + SELECT count(*) FROM audit         {count * 1000:8.1f} ms")
        print(f"open check (before the backup of opening)          {quick * 1000:8.1f} ms  "
              f"(CPU {CPU['quick_audit_check'] * 1000:.1f} ms)  "
              f"({quick / count:.1f}x the count)  target < {OPEN_TARGET * 1000:.0f} ms: "
              f"{'OK' if quick < OPEN_TARGET else 'MISSED'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
