"""A field copy with many edits in it, for the merge tests and the stall benchmark (which loads no test
framework, so that the window it measures holds what an assessor's does)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.store.dataset import Dataset
from core.teamwork.field_copy import make_field_copy


def copy_with_edits(year: Path, edits: int) -> Path:
    """A field copy of `year` for 张三 beside it, with `edits` edits in turn across its units: a delivery added,
    a delivery added, the insured workers set."""
    copy = year.parent / "外业.wjkh"
    with Dataset.open(year, backups=False) as ds:
        make_field_copy(ds, copy, "张三", 1)
    with Dataset.open(copy, backups=False) as ds:
        who, units = ds.assessor_id("张三"), ds.unit_ids()
        for n in range(edits):
            unit = units[n % len(units)]
            if n % 3 == 2:
                assert ds.set_insured_workers(who, unit, 100 + n).ok
            else:
                assert ds.add_delivery(who, unit, dt.date(2022, 6, 1 + n % 28), f"现场企业{n}", 4 + n % 2).ok
    return copy
