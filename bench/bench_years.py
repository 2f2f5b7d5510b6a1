"""Benchmark: a new year continued from a 200-unit year holding 200,000 roster entries, and reading a year
file's results for the previous grades and a unit's history (core/years/).

    .venv/bin/python bench/bench_years.py

Printed with a baseline from the same run: the read-only open + read of the same year file
(bench/bench_dataset.py's measure), which reading the last year for what comes across, or for its
results, cannot beat. The desktop runs all three in a worker: the window keeps answering.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dataset import ROSTER, UNITS, build, timed  # noqa: E402

from core.scoring.rules import load_rule_set  # noqa: E402
from core.store.dataset import Dataset  # noqa: E402
from core.years import history  # noqa: E402
from core.years.continuation import continue_year, read_previous  # noqa: E402


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-years-"))
    try:
        path = folder / "2022.wjkh"
        build(path)
        print(f"built {UNITS} units, {ROSTER:,} roster entries: {path.stat().st_size / 1e6:.1f} MB")
        rules = load_rule_set(ROOT / "docs" / "examples" / "wujiang-2023.toml")  # a 2023 rule set: the example

        def read() -> None:
            with Dataset.open(path, read_only=True) as ds:
                assert len(ds.year().units) == UNITS

        made = iter(range(1000))

        def continued() -> None:
            assert continue_year(previous, folder / f"2023-{next(made)}.wjkh", rules, "基准") == []

        def results() -> None:
            history._cache.clear()
            assert len(history.read_year_file(path).records) == UNITS

        read()  # warm: the file in the page cache, as for the others
        base = timed(read)
        previous = read_previous(path)
        reading = timed(lambda: read_previous(path))
        making = timed(continued)
        scoring = timed(results)
        kept = timed(lambda: history.read_year_file(path))
        print(f"baseline: read-only open + read of the year            {base * 1000:8.1f} ms")
        print(f"read_previous (what comes across, scored for 取消资格)    {reading * 1000:8.1f} ms  "
              f"({reading / base:.1f}x)")
        print(f"continue_year ({len(previous.units)} units, their bases, the origin)     {making * 1000:8.1f} ms  "
              f"({making / base:.1f}x)")
        print(f"read_year_file (results by credit code, first read)    {scoring * 1000:8.1f} ms  "
              f"({scoring / base:.1f}x)")
        print(f"  the same, file unchanged (kept)                      {kept * 1000:8.3f} ms")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
