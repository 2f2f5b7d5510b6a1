"""Year files keep records whose facts are not typed yet (NULL dates and stars, "" names): a file of
schema 7, whose record columns are NOT NULL, opens migrated, keeps every record and tick, and takes
such records afterwards; the migration is in the audit trail and the trail still proves the file."""

from __future__ import annotations

import datetime as dt
import sqlite3

from core.store.dataset import Dataset, create_file
from core.store.files import SCHEMA_VERSION
from tests.builders import RULES
from tests.dataset_support import rich_year


def not_null_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[3]}


def test_a_schema_7_file_opens_and_takes_records_not_filled_in(tmp_path):
    path = tmp_path / "v7.wjkh"
    year = rich_year(3)
    assert create_file(path, RULES, "张三", year=year, schema_version=7) == []
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT schema_version FROM meta").fetchone()[0] == 7
    assert {"agreement_date"} <= not_null_columns(conn, "bases")
    assert {"date", "stars"} <= not_null_columns(conn, "deliveries")
    ticks_before = conn.execute("SELECT count(*) FROM evidence_ticks WHERE base_id IS NOT NULL").fetchone()[0]
    conn.close()
    assert ticks_before  # the bases' ticks refer to the bases, and must survive the change of table

    with Dataset.open(path, read_only=True) as ds:  # a private copy migrated in memory
        assert ds.schema_version == SCHEMA_VERSION and ds.year() == year
    with Dataset.open(path) as ds:
        assert ds.schema_version == SCHEMA_VERSION > 7  # migrated to the current schema, through 7→8 (below)
        assert ds.year() == year
        uid = ds.unit_ids()[0]
        assert ds.add_base(1, uid, "", "labour", None).ok
        assert ds.add_trip(1, uid, None, "", "offline", 0).ok
        added = ds.add_delivery(1, uid, None, "", None)
        assert added.ok
        unit = ds.year().units[0]
        assert (unit.bases[-1].name, unit.bases[-1].agreement_date) == ("", None)
        assert (unit.trips[-1].date, unit.trips[-1].place) == (None, "")
        assert unit.deliveries[-1].date is None and unit.deliveries[-1].stars is None
        assert ds.update_delivery(1, added.id, date=dt.date(2022, 4, 1), stars=4).ok
        assert ds.year().units[0].deliveries[-1].stars == 4
        migration = [e for e in ds.audit_entries() if e.reason == "migration 7→8"]
        assert {(e.table_name, e.field) for e in migration} == {
            ("bases", "agreement_date"), ("trips", "date"), ("deliveries", "date"), ("deliveries", "stars"),
            ("meta", "schema_version")}
        assert ds.verify_audit() is None

    conn = sqlite3.connect(path)
    assert "agreement_date" not in not_null_columns(conn, "bases")
    assert not {"date", "stars"} & not_null_columns(conn, "deliveries")
    assert conn.execute("SELECT count(*) FROM evidence_ticks WHERE base_id IS NOT NULL").fetchone()[0] == ticks_before
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
