"""Child process of tests/core/store/test_dataset_crash.py: opens a dataset and makes small edits forever,
printing `ok <n>` (flushed) after edit n has committed. The parent kills it with SIGKILL.

    python tests/dataset_crash_child.py DATASET START
"""

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.store.dataset import Dataset  # noqa: E402

UNITS = 8
ITEMS = ("documents", "minutes", "agreements", "rosters", "photos")


def edit(ds: Dataset, units: list[int], n: int) -> None:
    unit = units[n % UNITS]
    reason = f"edit {n}"
    kind = n % 4
    if kind == 0:
        result = ds.add_delivery(1, unit, dt.date(2022, 6, 1), f"k{n}", 4, reason=reason)
    elif kind == 1:
        result = ds.set_insured_workers(1, unit, n, reason=reason)
    elif kind == 2:
        result = ds.tick_evidence(1, unit, "4.1", ITEMS[n % len(ITEMS)], n % 3 != 0, note=f"k{n}", reason=reason)
    else:
        result = ds.add_attachment(1, f"scan {n}".encode() * 50, f"k{n}.txt", unit_id=unit, reason=reason)
    assert result.ok, result.problems


def main() -> None:
    path, start = Path(sys.argv[1]), int(sys.argv[2])
    ds = Dataset.open(path, keep_backups=3, backup_interval=0.05)
    units = ds.unit_ids()
    print("ready", flush=True)
    n = start
    while True:
        edit(ds, units, n)
        print(f"ok {n}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
