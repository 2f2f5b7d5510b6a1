"""The people behind the counts in the dataset (schema 4): the migration from schema 3, imported
sources, conflict assignments, and where the counts of 2.1, 2.2 and 4.2 come from."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from core.common.messages import render
from core.scoring.engine import score_year
from core.store import backup
from core.store.dataset import Dataset, create_file
from core.store.files import SCHEMA_VERSION
from core.store.schema import CLAUSE_NOTES_SQL
from tests.builders import RULES
from tests.dataset_support import rich_year
from tests.import_support import (
    UNITS,
    district_file,
    import_audit,
    imported,
    monthly_file,
    placement,
    placements_file,
    roster_file,
)
from tests.xlsx_builders import LABOUR_BASES, arrival, person_id


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
        assert ds.schema_version == SCHEMA_VERSION >= 4
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
        assert ds.schema_version == SCHEMA_VERSION >= 4
        assert ds.clause_notes() == {}
    assert {"clause_notes", "imports", "conflict_assignments", "platform_ratings", "roster_entries"} <= tables(path)


def test_reading_a_version_3_file_read_only_never_writes_it(tmp_path):
    path = tmp_path / "v3.sqlite"
    assert create_file(path, RULES, "张三", year=rich_year(2), schema_version=3) == []
    before = path.read_bytes()
    with Dataset.open(path, read_only=True) as ds:
        assert ds.schema_version == SCHEMA_VERSION >= 4 and len(ds.year().units) == 2
    assert path.read_bytes() == before


# ------------------------------------------------------------------ matching the stored people, rule by rule

def verdicts(ds, unit):
    return {p.id_number: p for p in ds.match().unit(unit).people}


def codes_of(person):
    return [m.code for m in person.reasons]


def test_arrivals_are_confirmed_from_the_stored_roster_and_reports(ds, tmp_path):
    people = [arrival(0), arrival(1), arrival(2, 首次参保日期=dt.date(2021, 12, 1)), arrival(3, 参保月数=3),
              arrival(4, 劳务基地="贵阳劳务基地"), arrival(5, 劳务基地="")]
    imported(ds, "arrivals", roster_file(tmp_path, people))
    imported(ds, "monthly_reports", monthly_file(tmp_path, [p for k, p in enumerate(people) if k != 1]))
    found = verdicts(ds, UNITS[0])
    assert found[person_id(0)].confirmed and found[person_id(0)].retained
    assert codes_of(found[person_id(1)]) == ["match.not_in_monthly_reports"]
    assert codes_of(found[person_id(2)]) == ["match.first_insured_out_of_period"]
    assert found[person_id(3)].confirmed and not found[person_id(3)].retained
    assert [m.code for m in found[person_id(3)].retention_reasons] == ["match.months_short"]
    assert codes_of(found[person_id(4)]) == ["match.base_unknown"]
    assert codes_of(found[person_id(5)]) == ["match.base_missing"]  # three labour bases: which one?
    unit = ds.match().unit(UNITS[0])
    assert (unit.arrivals, unit.arrivals_retained) == (2, 1)
    assert {b.base: b.people for b in unit.bases if b.type == "labour"} == {
        LABOUR_BASES[0]: 2, LABOUR_BASES[1]: 0, LABOUR_BASES[2]: 0}
    # the record behind each verdict says where the person is in the file
    assert (found[person_id(1)].record.sheet, found[person_id(1)].record.row) == ("花名册", 4)


def test_the_units_a_roster_was_imported_for_are_known_to_the_file_and_the_session(ds, tmp_path):
    from core.editing.session import Session
    first, second = ds.unit_id(UNITS[0]), ds.unit_id(UNITS[1])
    imported(ds, "monthly_reports", monthly_file(tmp_path, [arrival(0)]), unit=UNITS[1])  # not a roster
    assert ds.rostered_units() == set()
    imported(ds, "arrivals", roster_file(tmp_path, [arrival(0)]))
    assert ds.rostered_units() == {first}
    assert [s.roster for s in ds.imports()] == [False, True]
    session = Session(ds, 1)
    assert session.rosters_imported(first) and not session.rosters_imported(second)


def test_trainees_need_the_district_list_and_interns_a_first_internship_in_the_year(ds, tmp_path):
    rows = [placement(20), placement(21), placement(22, "实习", 见习月数=""),
            placement(23, "实习", 开始日期=dt.date(2021, 6, 1))]
    imported(ds, "placements", placements_file(tmp_path, rows))
    imported(ds, "traineeship_list", district_file(tmp_path, [(20, 3)]), unit=None)
    found = verdicts(ds, UNITS[0])
    assert found[person_id(20)].confirmed and found[person_id(20)].months == 3  # the district list's months first
    assert not found[person_id(20)].retained
    assert codes_of(found[person_id(21)]) == ["match.not_on_district_list"]
    assert found[person_id(22)].confirmed and found[person_id(22)].retained  # 2022-03-01 to 2022-10-31
    assert codes_of(found[person_id(23)]) == ["match.internship_out_of_period"]
    # a new district list replaces the old one, and the match follows at once
    imported(ds, "traineeship_list", district_file(tmp_path, [(20, 7), (21, 8)], "名单（第二批）.xlsx"), unit=None)
    found = verdicts(ds, UNITS[0])
    assert found[person_id(20)].retained and found[person_id(21)].confirmed and found[person_id(21)].retained


def test_a_person_two_units_claim_counts_for_neither_until_assigned(ds, tmp_path):
    march = {"入职日期": dt.date(2022, 3, 7), "首次参保日期": dt.date(2022, 3, 7)}  # as the March reports have them
    both = [arrival(30, **march), arrival(31, **march)]
    for unit, name in ((UNITS[0], "甲.xlsx"), (UNITS[1], "乙.xlsx")):
        imported(ds, "arrivals", roster_file(tmp_path, both if unit == UNITS[0] else both[:1], name), unit=unit)
        imported(ds, "monthly_reports", monthly_file(tmp_path, both, "送工" + name), unit=unit)
    (conflict,) = ds.match().conflicts
    assert conflict.id_number == person_id(30) and conflict.units == UNITS[:2] and conflict.assigned_to is None
    assert [c.row for c in conflict.claims] == [3, 3]
    for unit in UNITS[:2]:
        assert codes_of(verdicts(ds, unit)[person_id(30)]) == ["match.conflict"]
    assert verdicts(ds, UNITS[0])[person_id(31)].confirmed  # only 甲 claims 31

    refused = ds.assign_person(1, person_id(30), ds.unit_id(UNITS[2]), "丙没有申报")
    assert [p.message.code for p in refused.problems] == ["match.assignment_not_a_claimant"]
    assert [p.message.code for p in ds.assign_person(1, person_id(30), ds.unit_id(UNITS[1]), " ").problems] \
        == ["dataset.assign_reason_required"]
    assert [p.message.code for p in ds.assign_person(1, person_id(99), ds.unit_id(UNITS[1]), "查无此人").problems] \
        == ["dataset.assign_unknown_person"]

    assert ds.assign_person(1, person_id(30).lower(), ds.unit_id(UNITS[1]), "社保记录显示由乙单位输送").ok
    (conflict,) = ds.match().conflicts
    assert conflict.assigned_to == UNITS[1]
    assert verdicts(ds, UNITS[1])[person_id(30)].confirmed
    assert [m.code for m in verdicts(ds, UNITS[1])[person_id(30)].notes] == ["match.assigned_here"]
    assert codes_of(verdicts(ds, UNITS[0])[person_id(30)]) == ["match.assigned_elsewhere"]
    (assignment,) = ds.assignments()
    assert (assignment.unit, assignment.reason, assignment.assigned_by) == (UNITS[1], "社保记录显示由乙单位输送", 1)
    assert [e.action for e in ds.audit_entries("conflict_assignments") if e.action != "schema"] == ["insert"]

    # a locked claimant refuses a change of the decision; reopened, the decision can be withdrawn
    assert ds.finalize_unit(1, ds.unit_id(UNITS[0]), 1, "cd" * 32, "张三", "0" * 64).ok
    assert [p.message.code for p in ds.assign_person(1, person_id(30), None, "撤销").problems] \
        == ["dataset.unit_locked"]
    assert ds.reopen_unit(1, ds.unit_id(UNITS[0]), "重新核对归属").ok
    assert ds.assign_person(1, person_id(30), None, "撤销，待进一步核实").ok
    assert ds.match().conflicts[0].assigned_to is None and ds.assignments() == []
    assert ds.verify_audit() is None


# ------------------------------------------------------------------ where the counts of 2.1, 2.2 and 4.2 come from

def tick_people_evidence(ds, unit_id):
    for clause in ("2.1", "2.2", "4.2"):
        for item in RULES.clause(clause).evidence_ids:
            assert ds.tick_evidence(1, unit_id, clause, item).ok


def clause(ds, unit, clause_id):
    result = score_year(RULES, ds.year())
    return next(u for u in result.units if u.name == unit).clause(clause_id)


def test_the_count_source_switches_the_scores_of_2_1_2_2_and_4_2(ds, tmp_path):
    unit_id = ds.unit_id(UNITS[0])
    tick_people_evidence(ds, unit_id)
    assert ds.set_insured_workers(1, unit_id, 3).ok
    # first insured in the first half of the year: six months by the year's end are possible
    people = [arrival(i, 首次参保日期=dt.date(2022, 1 + i % 6, 1), 参保月数=6) for i in range(10)]
    imported(ds, "arrivals", roster_file(tmp_path, people))
    imported(ds, "monthly_reports", monthly_file(tmp_path, people))
    matched = ds.match().unit(UNITS[0])
    assert (matched.arrivals, matched.arrivals_retained) == (10, 10)

    by_hand = {c: clause(ds, UNITS[0], c) for c in ("2.1", "2.2", "4.2")}
    assert by_hand["2.1"].value == 60 and by_hand["2.1"].net > 0  # the typed 60 people qualify
    facts = [f for f in by_hand["2.1"].explanation.facts if f.code == "people.base_typed"]
    assert {f.param("source").code for f in facts} == {"people.source_hand"}
    assert "确认" not in render(facts[0])  # a typed count is the unit's own figure: only rosters confirm people
    (insurance,) = [f for f in by_hand["4.2"].explanation.facts if f.code == "insurance.facts"]
    assert insurance.param("arrivals") == 60 and insurance.param("source").code == "people.source_hand"

    edit = ds.set_count_source(1, unit_id, "roster", reason="花名册已导入并核对")
    assert edit.ok
    assert {e.new_value for e in ds.audit_entries("bases") if e.field == "count_source" and e.action == "update"} \
        == {'"roster"'}
    from_rosters = {c: clause(ds, UNITS[0], c) for c in ("2.1", "2.2", "4.2")}
    assert from_rosters["2.1"].value == 10 and from_rosters["2.1"].net == 0  # 10 matched people: below 50
    assert from_rosters["2.2"].value != by_hand["2.2"].value
    assert from_rosters["4.2"].net != by_hand["4.2"].net  # 3 insured of 10 matched, not of 60 typed
    facts = [f for f in from_rosters["2.1"].explanation.facts if f.code == "people.base"]
    assert {f.param("source").code for f in facts} == {"people.source_roster"}
    assert "人数按导入的花名册核对" in render(facts[0])
    (insurance,) = [f for f in from_rosters["4.2"].explanation.facts if f.code == "insurance.facts"]
    assert insurance.param("arrivals") == 10 and insurance.param("source").code == "people.source_roster"
    # the typed counts stay stored, untouched, and come back with the source
    assert ds.year(as_entered=True).units[0].bases[0].people == 60
    assert ds.unit(unit_id).bases[0].people == 4 and ds.unit(unit_id, as_entered=True).bases[0].people == 60

    one_base = ds.base_ids(unit_id)[:1]
    assert ds.set_count_source(1, unit_id, "hand", one_base).ok
    (insurance,) = [f for f in clause(ds, UNITS[0], "4.2").explanation.facts if f.code == "insurance.facts"]
    assert insurance.param("source").code == "people.source_mixed" and insurance.param("arrivals") == 60 + 3 + 3
    assert [p.message.code for p in ds.set_count_source(1, unit_id, "paper").problems] == [
        "dataset.count_source_unknown"]


def test_the_kept_match_follows_every_edit_that_changes_it(ds, tmp_path):
    unit_id = ds.unit_id(UNITS[0])
    assert ds.set_count_source(1, unit_id, "roster").ok
    assert ds.unit(unit_id).bases[0].people == 0  # no roster yet: nobody is confirmed
    people = [arrival(i) for i in range(6)]
    imported(ds, "arrivals", roster_file(tmp_path, people))
    imported(ds, "monthly_reports", monthly_file(tmp_path, people))
    assert [b.people for b in ds.unit(unit_id).bases[:3]] == [2, 2, 2]
    base_id = ds.base_ids(unit_id)[1]
    assert ds.update_base(1, base_id, name="云南昭通劳务基地").ok  # the people name the old name now
    assert [b.people for b in ds.unit(unit_id).bases[:3]] == [2, 0, 2]
    assert ds.update_base(1, base_id, name=LABOUR_BASES[1]).ok
    assert [b.people for b in ds.unit(unit_id).bases[:3]] == [2, 2, 2]
    kept = ds.match()
    assert ds.update_base(1, base_id, people=17, retained=3).ok and ds.tick_evidence(1, unit_id, "2.1", "annex1").ok
    assert ds.match() is kept  # typed counts and ticks do not change who is confirmed


def test_the_desktop_session_scores_the_count_source_and_undoes_it(ds, tmp_path):
    from core.editing.session import Session
    unit_id = ds.unit_id(UNITS[0])
    people = [arrival(i) for i in range(9)]
    imported(ds, "arrivals", roster_file(tmp_path, people))
    imported(ds, "monthly_reports", monthly_file(tmp_path, people))
    tick_people_evidence(ds, unit_id)
    session = Session(ds, 1)
    base_id = ds.base_ids(unit_id)[0]
    assert session.unit(unit_id).bases[0].people == 60
    assert session.update_base("按花名册计数", unit_id, base_id, count_source="roster").ok
    base = session.unit(unit_id).bases[0]
    assert (base.people, base.count_source) == (3, "roster")
    assert session.unit_result(unit_id).clause("2.1").value == 3
    session.undo("撤销")
    assert session.unit(unit_id).bases[0].people == 60


def test_the_match_of_records_kept_in_memory_equals_the_match_read_from_the_file(ds, tmp_path):
    from core.people.tables import match_stored
    people = [arrival(i) for i in range(8)]
    imported(ds, "arrivals", roster_file(tmp_path, people))
    imported(ds, "monthly_reports", monthly_file(tmp_path, people[:6]))
    imported(ds, "arrivals", roster_file(tmp_path, people[2:5], "乙.xlsx"), unit=UNITS[1])
    kept = ds.match()  # from the records the imports kept
    read = match_stored(ds._conn, RULES, ds._read_units(None))  # everything read back from SQLite
    assert kept == read
    # the last import removed and another made: it gets an id of its own, never the removed one's, and the
    # match kept is of the new one
    last = ds.imports()[-1]
    assert ds.remove_import(1, last.id).ok
    _, edit = imported(ds, "arrivals", roster_file(tmp_path, [arrival(40)], "丙.xlsx"), unit=UNITS[1])
    assert edit.id == last.id + 1
    assert [p.id_number for p in ds.match().unit(UNITS[1]).people] == [person_id(40)]
    assert ds.match() == match_stored(ds._conn, RULES, ds._read_units(None))


def test_the_people_tables_keep_their_indexes_whether_built_after_the_rows_or_kept_while_adding(ds, tmp_path):
    def indexes() -> list[tuple]:
        return ds._conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
                                "ORDER BY name").fetchall()

    def uses_index(table: str) -> bool:
        plan = ds._conn.execute(f"EXPLAIN QUERY PLAN SELECT * FROM {table} WHERE id_number = ?", ("x",)).fetchall()
        return any("USING INDEX" in row[-1] for row in plan)
    before = indexes()
    people = [arrival(i) for i in range(120)]
    imported(ds, "arrivals", roster_file(tmp_path, people))  # into an empty table: indexes made after the rows
    imported(ds, "monthly_reports", monthly_file(tmp_path, people[:100]))
    imported(ds, "arrivals", roster_file(tmp_path, people[:7], "乙.xlsx"), unit=UNITS[1])  # a fuller table: kept
    assert indexes() == before and uses_index("roster_entries") and uses_index("monthly_report_entries")
    assert ds._conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert [r[0] for r in ds._conn.execute("SELECT id_number FROM roster_entries WHERE id_number = ?",
                                           (person_id(3),))] == [person_id(3)] * 2
    assert [s.rows for s in ds.imports()] == [120, 100, 7] and ds.verify_audit() is None


def test_a_roster_stamped_by_another_employer_is_kept_beside_the_first_and_both_count(ds, tmp_path):
    """A unit hands in one roster (附件2) per employer, each stamped by it. Imported alongside, the second keeps the
    first; both rosters' people count, a person on both counts once; importing the first again (its corrected
    file, the same name) replaces it alone, and undoing the second import through the desktop's session leaves
    the first. Without alongside, importing a roster replaces every roster of the unit, as before."""
    from core.editing.session import Session
    first = roster_file(tmp_path, [arrival(i) for i in range(4)], "甲公司花名册.xlsx")
    second = roster_file(tmp_path, [arrival(i) for i in range(3, 7)], "乙公司花名册.xlsx")
    imported(ds, "monthly_reports", monthly_file(tmp_path, [arrival(i) for i in range(7)]))
    imported(ds, "arrivals", first)
    unit_id = ds.unit_id(UNITS[0])

    def rosters():
        return [s for s in ds.imports(unit_id) if s.kind == "arrivals"]
    assert [s.file_name for s in ds.replaced_sources("arrivals", unit_id, second.name, "x")] == [first.name]
    assert ds.replaced_sources("arrivals", unit_id, second.name, "x", alongside=True) == []
    _, edit = imported(ds, "arrivals", second, alongside=True)
    assert [s.file_name for s in rosters()] == [first.name, second.name]
    assert import_audit(ds)[-1]["alongside"] is True and import_audit(ds)[-1]["replaced"] == []
    unit = ds.match().unit(UNITS[0])
    assert unit.arrivals == 7  # person 3 is on both rosters: once
    assert [codes_of(v) for v in unit.people if v.id_number == person_id(3)] == [[], ["match.duplicate_in_unit"]]
    corrected = roster_file(tmp_path, [arrival(i) for i in range(2)], "甲公司花名册.xlsx")
    imported(ds, "arrivals", corrected, alongside=True)
    assert [(s.file_name, s.rows) for s in rosters()] == [(second.name, 4), (first.name, 2)]
    assert ds.match().unit(UNITS[0]).arrivals == 6
    session = Session(ds, 1)
    third = roster_file(tmp_path, [arrival(9)], "丙公司花名册.xlsx")
    from core.excel.check import check_workbook
    from core.people.tables import file_sha256
    checked = check_workbook(third, "arrivals", ds.rule_set())
    assert session.import_people("导入丙公司花名册", checked, file_sha256(third), unit_id, alongside=True).ok
    assert len(rosters()) == 3
    session.undo("撤销")
    assert [s.file_name for s in rosters()] == [second.name, first.name]
    imported(ds, "arrivals", third)  # not alongside: the unit's roster is this one now
    assert [s.file_name for s in rosters()] == [third.name]
    assert ds.check_audit().ok
