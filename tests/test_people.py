"""The people behind the counts in the dataset (schema 4): the migration from schema 3, imported
sources, conflict assignments, and where the counts of 2.1, 2.2 and 4.2 come from."""

from __future__ import annotations

import sqlite3

import pytest

from core import backup
from core.dataset import CLAUSE_NOTES_SQL, SCHEMA_VERSION, Dataset, create_file
from tests.builders import RULES
from tests.dataset_support import rich_year


def tables(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


@pytest.mark.parametrize("had_notes", [True, False])
def test_a_version_3_file_opens_as_version_4_and_keeps_its_data(tmp_path, had_notes):
    path = tmp_path / "v3.sqlite"
    year = rich_year(3)
    assert create_file(path, RULES, "张三", year=year, schema_version=3) == []
    conn = sqlite3.connect(path, isolation_level=None)
    unit_id = conn.execute("SELECT id FROM units ORDER BY position LIMIT 1").fetchone()[0]
    if had_notes:  # what the desktop's first note did to a schema 3 file
        conn.execute(CLAUSE_NOTES_SQL)
        conn.execute("INSERT INTO clause_notes VALUES (?, '2.1', '花名册待补盖章')", (unit_id,))
    conn.execute("INSERT INTO roster_entries (unit_id, kind, name, id_number, employer, first_insured_date, "
                 "months_enrolled, source) VALUES (?, 'arrival', '王芳', '320509199505170017', '吴江精密电子', "
                 "'2022-03-01', 7, 'old.xlsx')", (unit_id,))
    conn.execute("INSERT INTO monthly_report_entries (unit_id, month, name, id_number, employer, source) "
                 "VALUES (?, '2022-03', '王芳', '320509199505170017', '吴江精密电子', 'old.xlsx')", (unit_id,))
    assert conn.execute("SELECT schema_version FROM meta").fetchone()[0] == 3
    conn.close()
    assert ("clause_notes" in tables(path)) == had_notes

    with Dataset.open(path) as ds:
        assert ds.schema_version == SCHEMA_VERSION == 4
        assert ds.year() == year
        assert ds.clause_notes() == ({(unit_id, "2.1"): "花名册待补盖章"} if had_notes else {})
        found = ds.people_with_id_number("320509199505170017")
        assert [(r["name"], r["months_enrolled"], r["import_id"], r["sheet"]) for r in found["roster_entries"]] \
            == [("王芳", 7, None, "")]
        assert [(r["month"], r["employer"], r["phone"]) for r in found["monthly_report_entries"]] \
            == [("2022-03", "吴江精密电子", "")]
        assert all(b.count_source == "hand" for u in ds.year().units for b in u.bases)
        migrated = {e.table_name for e in ds.audit_entries() if e.reason == "migration 3→4"}
        assert {"imports", "conflict_assignments", "bases", "roster_entries", "meta"} <= migrated
        assert ("clause_notes" in migrated) != had_notes
        assert ds.verify_audit() is None
        # the notes table is part of the schema now: a note on a unit without one just works
        assert ds.set_clause_note(1, unit_id, "1.1", "基地协议已核").ok
    assert {"clause_notes", "imports", "conflict_assignments", "platform_ratings"} <= tables(path)
    versions = []
    for info in backup.list_backups(path):
        conn = sqlite3.connect(info.path)
        versions.append(conn.execute("SELECT schema_version FROM meta").fetchone()[0])
        conn.close()
    assert 3 in versions  # the backup taken before migrating


def test_a_new_file_has_the_version_4_tables(tmp_path):
    path = tmp_path / "new.sqlite"
    with Dataset.create(path, RULES, "张三") as ds:
        assert ds.schema_version == 4
        assert ds.clause_notes() == {}
    assert {"clause_notes", "imports", "conflict_assignments", "platform_ratings", "roster_entries"} <= tables(path)


def test_reading_a_version_3_file_read_only_never_writes_it(tmp_path):
    path = tmp_path / "v3.sqlite"
    assert create_file(path, RULES, "张三", year=rich_year(2), schema_version=3) == []
    before = path.read_bytes()
    with Dataset.open(path, read_only=True) as ds:
        assert ds.schema_version == 4 and len(ds.year().units) == 2
    assert path.read_bytes() == before
