"""A unit read alone (after each edit, to check and score it) is the unit the whole year's read gives,
every evidence tick included, and it is read through the indexes, not by a scan of the ticks."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.store import reads as reads_module
from core.store.dataset import Dataset, create_file
from tests.dataset_support import RULES, rich_year


@pytest.fixture
def year_file(tmp_path: Path) -> Path:
    path = tmp_path / "year.wjkh"
    assert create_file(path, RULES, "张三", year=rich_year(6)) == []
    ds = Dataset.open(path, backups=False)
    try:  # ticks made later than others, so a unit's ticks of each kind interleave by id with other units'
        ids = ds.unit_ids()
        for uid in reversed(ids):
            base, trip = ds.base_ids(uid)[0], ds._child_ids("trips", uid)[0]
            assert not ds.tick_base_evidence(1, base, "agreement", False).problems
            assert not ds.tick_trip_evidence(1, trip, "photos", True).problems
    finally:
        ds.close()
    return path


@pytest.mark.parametrize("few", [reads_module._FEW_UNITS, 0], ids=["through the indexes", "by a scan"])
def test_each_unit_read_alone_or_in_a_group_is_the_unit_of_the_whole_year(year_file: Path, monkeypatch, few: int):
    monkeypatch.setattr(reads_module, "_FEW_UNITS", few)
    ds = Dataset.open(year_file, backups=False)
    try:
        whole = dict(ds._read_units(None))
        assert any(b.evidence for u in whole.values() for b in u.bases)
        assert any(t.evidence for u in whole.values() for t in u.trips)
        assert any(u.evidence for u in whole.values())
        for uid, unit in whole.items():
            assert ds._read_units([uid]) == [(uid, unit)]
            assert list(ds._read_units([uid])[0][1].bases[0].evidence) == list(unit.bases[0].evidence)  # same order
        some = list(whole)[1::2]
        assert ds._read_units(some) == [(uid, whole[uid]) for uid in some]
    finally:
        ds.close()


def test_a_unit_read_alone_does_not_scan_the_ticks_of_the_whole_year(year_file: Path) -> None:
    ds = Dataset.open(year_file, backups=False)
    try:
        plan = ds._conn.execute("EXPLAIN QUERY PLAN " + reads_module._ticks_of(1), (1,) * 5).fetchall()
    finally:
        ds.close()
    steps = " / ".join(row[3] for row in plan)
    assert "SCAN evidence_ticks" not in steps and "SEARCH evidence_ticks" in steps, steps
