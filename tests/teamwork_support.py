"""A field copy with many edits in it, for the merge tests and the stall benchmark (which loads no test
framework, so that the window it measures holds what an assessor's does)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from core.store.dataset import Dataset
from core.teamwork.field_copy import copies_out, make_field_copy


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


def year_in_the_field(path: Path) -> Path:
    """A 4-unit year of 组长王 (考核组长) whose units' data is not 定稿 yet, as a year is while copies are out."""
    from dataclasses import replace

    from core.store.dataset import create_file
    from tests.builders import RULES
    from tests.dataset_support import rich_year
    rich = rich_year(4)
    rich = replace(rich, units=tuple(replace(u, facts_final=False) for u in rich.units))
    assert not create_file(path, RULES, "组长王", role="考核组长", year=rich)
    return path


def complaints_three_ways(year: Path, merge_reason: str) -> int:
    """The first unit's complaints: 组长王 set 3 in the office; 张三's copy said 2 (merged plainly), 李四's 6, merged
    on a conflict the lead settled with the copy's side and `merge_reason`. Returns the unit's id."""
    from core.teamwork.merge import merge_copy
    folder = year.parent
    with Dataset.open(year, backups=False) as ds:
        uid = ds.unit_ids()[0]
        assert ds.set_negatives(1, uid, complaints=3).ok
        make_field_copy(ds, folder / "张三.wjkh", "张三", 1)
        make_field_copy(ds, folder / "李四.wjkh", "李四", 1)
    for name, count, why in (("张三", 2, "张三现场核实投诉2次为准"), ("李四", 6, "李四核实12345热线6次")):
        with Dataset.open(folder / f"{name}.wjkh", backups=False) as ds:
            assert ds.set_negatives(ds.assessor_id(name), ds.unit_ids()[0], complaints=count, reason=why).ok
    for name, choices in (("张三", None), ("李四", {1: "theirs"})):
        with Dataset.open(year, backups=False) as ds, Dataset.open(folder / f"{name}.wjkh", read_only=True) as c:
            assert merge_copy(ds, c, f"{name}.wjkh", 1, choices=choices, reason=merge_reason if choices else "")[1].ok
    return uid


def edited_at(path: Path, unit_id: int, field: str) -> str:
    """When the unit's `field` was last changed in the year file at `path`, as the 修改记录 view says an edit's
    time: local, to the second."""
    with Dataset.open(path, read_only=True) as ds:
        at = [e.at for e in ds.audit_entries("units", str(unit_id)) if e.field == field][-1]
    return to_the_second(at)


def to_the_second(at: str) -> str:
    """A trail's time as the 修改记录 view says it: local, to the second."""
    return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def out_of(path: Path) -> list:
    """The field copies the year file at `path` lists as not merged back (read without opening it for editing)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return copies_out(conn)
    finally:
        conn.close()
