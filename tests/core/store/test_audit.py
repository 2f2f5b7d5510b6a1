"""The audit trail (core/store/audit.py): append-only, hash-chained, verified row by row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.scoring.rules import load_rule_set
from core.store import audit
from core.store.dataset import Dataset, create_file
from tests.dataset_support import rich_year, run


@pytest.fixture
def dataset(tmp_path) -> Path:
    path = tmp_path / "audit.sqlite"
    assert create_file(path, load_rule_set(), "张三", "组长", rich_year(3)) == []
    with Dataset.open(path, backups=False) as ds:
        unit = ds.unit_ids()[0]
        for n in range(5):
            assert ds.update_unit(1, unit, insured_workers=100 + n, reason=f"第{n}次核对").ok
    return path


def tamper(path: Path, sql: str, *params) -> None:
    """What someone with a SQLite editor could do: drop the guards, then change history."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_every_change_is_recorded_with_who_when_what_and_why(dataset):
    with Dataset.open(dataset, backups=False) as ds:
        rows = [e for e in ds.audit_entries("units") if e.field == "insured_workers"]
        assert [(e.old_value, e.new_value) for e in rows] == [("50", "100"), ("100", "101"), ("101", "102"),
                                                              ("102", "103"), ("103", "104")]
        assert all(e.assessor_id == 1 and e.at.startswith("20") and e.record_id == rows[0].record_id for e in rows)
        assert [e.reason for e in rows] == [f"第{n}次核对" for n in range(5)]
        assert [e.seq for e in ds.audit_entries()] == list(range(1, len(ds.audit_entries()) + 1))
        assert ds.verify_audit() is None


def test_the_trail_refuses_updates_and_deletes(dataset):
    conn = sqlite3.connect(dataset)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET reason = 'x' WHERE seq = 3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit WHERE seq = 3")
    conn.close()


@pytest.mark.parametrize("sql, params, broken", [
    ("UPDATE audit SET new_value = '999' WHERE seq = ?", (40,), 40),  # a value rewritten
    ("UPDATE audit SET assessor_id = NULL WHERE seq = ?", (39,), 39),  # someone else's name on it (after the migrations)
    ("DELETE FROM audit WHERE seq = ?", (25,), 26),  # a row removed: the next one no longer links
    ("UPDATE audit SET hash = ? WHERE seq = 7", ("0" * 64,), 7),
])
def test_verify_finds_the_first_broken_row(dataset, sql, params, broken):
    tamper(dataset, sql, *params)
    with Dataset.open(dataset, read_only=True) as ds:
        assert ds.verify_audit() == broken
    result = run("verify-audit", str(dataset))
    assert result.returncode == 1
    assert f"第 {broken} 条" in result.stdout and dataset.name in result.stdout


def test_a_rewritten_row_with_a_recomputed_hash_still_breaks_the_next_one(dataset):
    conn = sqlite3.connect(dataset)
    row = dict(zip(audit.COLUMNS, conn.execute(f"SELECT {', '.join(audit.COLUMNS)} FROM audit WHERE seq = 30").fetchone()))
    previous = conn.execute("SELECT hash FROM audit WHERE seq = 29").fetchone()[0]
    conn.close()
    row["new_value"] = '"forged"'
    tamper(dataset, "UPDATE audit SET new_value = ?, hash = ? WHERE seq = 30", row["new_value"],
           audit.chain_hash(previous, row))
    with Dataset.open(dataset, read_only=True) as ds:
        assert ds.verify_audit() == 31


def test_verify_audit_command_reports_intact(dataset):
    result = run("verify-audit", str(dataset))
    assert result.returncode == 0, result.stderr
    with Dataset.open(dataset, read_only=True) as ds:
        count, head = ds.audit_head()
    assert f"共 {count} 条" in result.stdout and head in result.stdout


def test_the_hash_is_over_canonical_json():
    row = {"seq": 1, "edit": 1, "at": "2022-01-01T00:00:00.000+00:00", "assessor_id": 1, "action": "update",
           "table_name": "units", "record_id": "1", "field": "name", "old_value": '"甲"', "new_value": '"乙"',
           "reason": None}
    text = audit.canonical(row)
    assert text.startswith('{"action":"update","assessor_id":1,') and "甲" in text
    assert audit.chain_hash(audit.GENESIS, row) == audit.chain_hash(audit.GENESIS, dict(reversed(row.items())))
    assert audit.chain_hash(audit.GENESIS, row) != audit.chain_hash(audit.GENESIS, {**row, "reason": ""})
