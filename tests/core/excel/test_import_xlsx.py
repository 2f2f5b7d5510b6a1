"""Importing Excel into the year's dataset: all or nothing, one audit row per import, importing a
source again replaces it, and every bad file or row leaves the dataset exactly as it was.

Every workbook is a real .xlsx written by openpyxl (tests/xlsx_builders.py), except the encrypted
one (tests/fixtures/encrypted-roster.xlsx, see tests/core/excel/test_xlsx_read.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.excel.check import check_workbook
from core.excel.kinds import import_spec
from core.people.records import KIND_TABLE
from core.people.tables import submissions
from core.store.audit_check import content_sha256
from core.store.people_edits import import_workbook
from tests.builders import RULES
from tests.import_support import (
    FIXTURES,
    UNITS,
    contents,
    district_file,
    import_audit,
    imported,
    monthly_file,
    placement,
    placements_file,
    roster_file,
    stored,
)
from tests.xlsx_builders import LABOUR_BASES, arrival, arrivals_rows, person_id, person_name, write_workbook

# ------------------------------------------------------------------ a good import

def test_a_roster_is_imported_in_one_edit_with_one_audit_row(ds, tmp_path):
    path = roster_file(tmp_path, [arrival(i) for i in range(5)])
    audit_before = len(ds.audit_entries())
    checked, edit = imported(ds, "arrivals", path)
    rows = stored(ds, "roster_entries")
    assert [(r["name"], r["id_number"], r["sheet"], r["sheet_row"], r["import_id"], r["kind"]) for r in rows] == [
        (person_name(i), person_id(i), "花名册", i + 3, edit.id, "arrival") for i in range(5)]
    first = rows[0]
    assert (first["gender"], first["base_name"], first["first_insured_date"], first["months_enrolled"], first["phone"]) \
        == ("女", LABOUR_BASES[0], "2022-01-01", 6, "13900000000")
    (source,) = ds.imports()
    assert (source.kind, source.unit_id, source.file_name, source.rows, source.replaced_rows) == (
        "arrivals", ds.unit_id(UNITS[0]), path.name, 5, 0)
    assert source.sha256 == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    new_audit = ds.audit_entries()[audit_before:]
    assert [(e.action, e.table_name, e.record_id) for e in new_audit] == [("import", "imports", str(edit.id))]
    summary = json.loads(new_audit[0].new_value)
    assert summary | {"imported_at": None} == {
        "kind": "arrivals", "unit_id": ds.unit_id(UNITS[0]), "unit": UNITS[0], "file_name": path.name,
        "sha256": source.sha256, "rows": 5, "replaced_rows": 0, "replaced": [], "mapping": "",
        "imported_at": None, "imported_by": 1,
        "content_sha256": content_sha256(ds._conn, "roster_entries", "import_id = ?", (edit.id,))}
    assert ds.verify_audit() is None and ds.check_audit().ok


def test_the_stored_people_read_back_as_the_records_imported(ds, tmp_path):
    people = [arrival(i, 离职日期=dt.date(2022, 11, 30)) if i % 2 else arrival(i) for i in range(6)]
    headers = (*arrivals_rows([])[0], "离职日期")
    path = write_workbook(tmp_path / "r.xlsx", {"花名册": arrivals_rows(people, headers)})
    roster, _ = imported(ds, "arrivals", path)
    monthly, _ = imported(ds, "monthly_reports", monthly_file(tmp_path, people))
    placements, _ = imported(ds, "placements", placements_file(tmp_path, [placement(20), placement(21, "实习")]))
    (unit, *_others) = submissions(ds._conn, ds._read_units(None))
    assert list(unit.arrivals) == list(roster.records)
    assert list(unit.monthly_reports) == list(monthly.records)
    assert list(unit.placements) == list(placements.records)
    assert all(not (o.arrivals or o.placements or o.monthly_reports) for o in _others)


def test_importing_a_units_roster_again_replaces_it_whatever_its_name(ds, tmp_path):
    imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(5)]))
    other_unit = imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(50, 53)], "乙.xlsx"),
                          unit=UNITS[1])[1]
    _, edit = imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(3, 7)], "附件2（更正）.xlsx"))
    rows = stored(ds, "roster_entries")
    assert sorted(r["id_number"] for r in rows if r["unit_id"] == ds.unit_id(UNITS[0])) == sorted(
        person_id(i) for i in range(3, 7))
    assert len([r for r in rows if r["unit_id"] == ds.unit_id(UNITS[1])]) == 3  # another unit's roster stays
    assert [(s.id, s.file_name, s.rows, s.replaced_rows) for s in ds.imports()] == [
        (other_unit.id, "乙.xlsx", 3, 0), (edit.id, "附件2（更正）.xlsx", 4, 5)]
    last = import_audit(ds)[-1]
    assert last["replaced_rows"] == 5 and [r["file_name"] for r in last["replaced"]] == ["附件2花名册.xlsx"]
    assert ds.verify_audit() is None


def test_monthly_reports_come_in_several_files_and_the_same_file_replaces_itself(ds, tmp_path):
    march = monthly_file(tmp_path, [arrival(i) for i in range(4)], "3月.xlsx", month=3)
    april = monthly_file(tmp_path, [arrival(i) for i in range(2)], "4月.xlsx", month=4)
    imported(ds, "monthly_reports", march)
    imported(ds, "monthly_reports", april)
    assert [s.file_name for s in ds.imports()] == ["3月.xlsx", "4月.xlsx"]
    assert len(stored(ds, "monthly_report_entries")) == 6
    corrected = monthly_file(tmp_path, [arrival(i) for i in range(5)], "3月.xlsx", month=3)  # same name
    imported(ds, "monthly_reports", corrected)
    assert sorted((s.file_name, s.rows) for s in ds.imports()) == [("3月.xlsx", 5), ("4月.xlsx", 2)]
    copy = shutil.copy(april, tmp_path / "4月（副本）.xlsx")  # the same bytes under another name
    imported(ds, "monthly_reports", Path(copy))
    assert sorted((s.file_name, s.rows) for s in ds.imports()) == [("3月.xlsx", 5), ("4月（副本）.xlsx", 2)]
    assert sorted(r["month"] for r in stored(ds, "monthly_report_entries")) == ["2022-03"] * 5 + ["2022-04"] * 2


def test_a_list_of_the_whole_year_takes_no_unit_and_replaces_the_last_one(ds, tmp_path):
    path = district_file(tmp_path, [(1, 7), (2, 3)])
    checked, edit = import_workbook(ds, 1, "traineeship_list", path, unit_id=ds.unit_id(UNITS[0]))
    assert checked.ok and [p.message.code for p in edit.problems] == ["dataset.import_year_list"]
    imported(ds, "traineeship_list", path, unit=None)
    imported(ds, "traineeship_list", district_file(tmp_path, [(3, 8)], "名单2.xlsx"), unit=None)
    assert [(r["name"], r["unit_name"], r["placement_months"], r["kind"]) for r in stored(ds, "traineeship_list")] \
        == [(person_name(3), UNITS[0], 8, "trainee")]
    checked, edit = import_workbook(ds, 1, "arrivals", roster_file(tmp_path, [arrival(1)]))
    assert [p.message.code for p in edit.problems] == ["dataset.import_needs_unit"]


def test_platform_exports_link_rows_to_the_units_they_name(ds, tmp_path):
    deliveries = [["运营单位", "企业名称", "完成日期", "企业评分"], [UNITS[1], "缺工企业", dt.date(2022, 5, 1), 5],
                  ["不在本年度的单位", "缺工企业", dt.date(2022, 6, 1), 4]]
    ratings = [["运营单位", "综合评分"], [UNITS[0], 4.35], [UNITS[2], "3.9"]]
    imported(ds, "platform_deliveries", write_workbook(tmp_path / "d.xlsx", {"输送": deliveries}), unit=None)
    imported(ds, "platform_ratings", write_workbook(tmp_path / "r.xlsx", {"评分": ratings}), unit=None)
    assert [(r["unit_id"], r["unit_name"], r["stars"], r["date"]) for r in stored(ds, "platform_delivery_records")] \
        == [(ds.unit_id(UNITS[1]), UNITS[1], 5, "2022-05-01"), (None, "不在本年度的单位", 4, "2022-06-01")]
    assert [(r["unit_id"], r["rating"]) for r in stored(ds, "platform_ratings")] == [
        (ds.unit_id(UNITS[0]), "87/20"), (ds.unit_id(UNITS[2]), "39/10")]


def test_a_mapping_used_is_kept_with_the_import(ds, tmp_path):
    rows = [["员工", "证件", "工作单位", "首次参保"], ["王芳", person_id(1), "某公司", dt.date(2022, 3, 1)]]
    path = write_workbook(tmp_path / "odd.xlsx", {"S": rows})
    mapping = {"name": "员工", "id_number": "证件", "employer": 3, "first_insured_date": "首次参保"}
    imported(ds, "arrivals", path, mapping=mapping)
    assert json.loads(ds.imports()[0].mapping) == mapping


def test_removing_a_unit_or_an_import_takes_its_rows_with_it(ds, tmp_path):
    _, first = imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(3)]))
    imported(ds, "monthly_reports", monthly_file(tmp_path, [arrival(i) for i in range(3)]))
    imported(ds, "arrivals", roster_file(tmp_path, [arrival(9)], "乙.xlsx"), unit=UNITS[1])
    assert ds.remove_import(1, first.id).ok
    assert [r["unit_id"] for r in stored(ds, "roster_entries")] == [ds.unit_id(UNITS[1])]
    assert ds.remove_unit(1, ds.unit_id(UNITS[0])).ok
    assert stored(ds, "monthly_report_entries") == [] and len(ds.imports()) == 1
    assert ds.verify_audit() is None


# ------------------------------------------------------------------ rejected imports change nothing

def corrupted(tmp_path: Path) -> Path:
    good = roster_file(tmp_path, [arrival(i) for i in range(3)], "good.xlsx")
    path = tmp_path / "corrupted.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return path


def bad_xml(tmp_path: Path) -> Path:
    good = roster_file(tmp_path, [arrival(i) for i in range(3)], "good.xlsx")
    path = tmp_path / "bad-xml.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            out.writestr(item, data[: len(data) // 3] if item.filename.startswith("xl/worksheets/") else data)
    return path


BAD_FILES = {
    "text renamed .xlsx": (lambda p: (p / "r.xlsx").write_text("姓名,身份证号码\n", encoding="utf-8") and p / "r.xlsx",
                           "excel.wrong_type"),
    "a PDF": (lambda p: (p / "r.xlsx").write_bytes(b"%PDF-1.7\n") and p / "r.xlsx", "excel.wrong_type"),
    "encrypted": (lambda p: shutil.copy(FIXTURES / "encrypted-roster.xlsx", p / "enc.xlsx") and p / "enc.xlsx",
                  "excel.encrypted"),
    "corrupted": (corrupted, "excel.corrupted"),
    "broken sheet xml": (bad_xml, "excel.corrupted"),
    "empty workbook": (lambda p: write_workbook(p / "e.xlsx", {"Sheet1": []}), "excel.empty"),
    "headers only": (lambda p: write_workbook(p / "h.xlsx", {"花名册": arrivals_rows([])}), "excel.no_rows"),
    "unrecognised layout": (lambda p: write_workbook(p / "u.xlsx", {"S": [["甲", "乙"], [1, 2]]}),
                            "excel.layout_unrecognised"),
    "a bad check digit": (lambda p: roster_file(p, [arrival(1), arrival(2, 身份证号码=person_id(2)[:17] + "Y")]),
                          "excel.id_characters"),
    "an ID made a number": (lambda p: roster_file(p, [arrival(1), arrival(2, 身份证号码=float(person_id(2)[:17]))]),
                            "excel.id_as_number"),
    "a date outside the bounds": (lambda p: roster_file(p, [arrival(1, 首次参保日期=dt.date(1970, 1, 1))]),
                                  "excel.date_out_of_bounds"),
    "a missing name": (lambda p: roster_file(p, [arrival(1), arrival(2, 姓名="")]), "excel.required_missing"),
    "the same person twice": (lambda p: roster_file(p, [arrival(1), arrival(1)]), "excel.duplicate_row"),
    "no such file": (lambda p: p / "missing.xlsx", "excel.file_not_found"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_or_row_is_rejected_and_the_dataset_is_unchanged(ds, tmp_path, case):
    imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(40, 44)], "earlier.xlsx"))
    make, code = BAD_FILES[case]
    folder = tmp_path / "bad"
    folder.mkdir()
    path = make(folder)
    before = contents(ds)
    checked, edit = import_workbook(ds, 1, "arrivals", path, unit_id=ds.unit_id(UNITS[0]))
    assert edit is None and code in [p.message.code for p in checked.problems], [p.text() for p in checked.problems]
    assert contents(ds) == before


def test_a_check_with_problems_handed_in_directly_is_refused(ds, tmp_path):
    path = roster_file(tmp_path, [arrival(1), arrival(1)])
    checked = check_workbook(path, "arrivals", RULES)
    assert checked.problems and checked.records
    before = contents(ds)
    edit = ds.import_people(1, checked, sha256="0" * 64, unit_id=ds.unit_id(UNITS[0]))
    assert [p.message.code for p in edit.problems] == ["excel.duplicate_row"]
    assert contents(ds) == before


def test_a_locked_unit_refuses_imports(ds, tmp_path):
    unit_id = ds.unit_id(UNITS[0])
    assert ds.finalize_unit(1, unit_id, 1, "ab" * 32, "张三", "0" * 64).ok
    before = contents(ds)
    _, edit = import_workbook(ds, 1, "arrivals", roster_file(tmp_path, [arrival(1)]), unit_id=unit_id)
    assert [p.message.code for p in edit.problems] == ["dataset.unit_locked"]
    assert contents(ds) == before
    assert ds.reopen_unit(1, unit_id, "补充花名册").ok
    imported(ds, "arrivals", roster_file(tmp_path, [arrival(1)]))


def test_a_200000_row_roster_imports_whole(ds, tmp_path):
    from tests.xlsx_builders import cached_roster
    path = cached_roster(200_000)  # its form names another unit: imported into this one all the same
    checked, edit = imported(ds, "arrivals", path, other_unit=True)
    assert checked.rows_checked == 200_000
    assert ds._conn.execute("SELECT count(*) FROM roster_entries").fetchone()[0] == 200_000
    assert len(import_audit(ds)) == 1 and ds.verify_audit() is None


# ------------------------------------------------------------------ fuzzing: never a crash, nothing half-done

CELL = st.one_of(st.none(), st.booleans(), st.integers(-10**18, 10**18),
                 st.floats(allow_nan=False, allow_infinity=False),
                 st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
                 .filter(lambda s: not s.startswith(("=", "#"))),
                 st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
                 st.sampled_from([person_id(7), person_id(8).lower(), "2022.3.1", "2022年3月1日", "6个月", "见习"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(import_spec().kinds)), rows=st.lists(st.lists(CELL, min_size=9, max_size=9),
                                                                         min_size=1, max_size=4))
def test_fuzzed_cells_import_whole_or_not_at_all(ds, kind, rows):
    spec = import_spec()
    headers = [spec.fields[f].synonyms[0] for f in spec.kinds[kind].fields]
    scope = spec.kinds[kind].scope
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(Path(folder) / "fuzz.xlsx", {"S": [headers] + [r[:len(headers)] for r in rows]})
        before = contents(ds)
        checked, edit = import_workbook(ds, 1, kind, path, unit_id=None if scope == "year" else ds.unit_id(UNITS[0]))
    if edit is None or not edit.ok:
        assert not checked.ok or (edit is not None and edit.problems)
        assert contents(ds) == before
    else:
        table = KIND_TABLE[kind]
        count = ds._conn.execute(f"SELECT count(*) FROM {table} WHERE import_id = ?", (edit.id,)).fetchone()[0]
        assert count == len(checked.records) > 0
    assert ds.verify_audit() is None


def test_a_file_that_vanishes_is_reported_not_raised(ds, tmp_path):
    checked, edit = import_workbook(ds, 1, "arrivals", tmp_path / "nowhere" / "r.xlsx", unit_id=ds.unit_id(UNITS[0]))
    assert edit is None and [p.message.code for p in checked.problems] == ["excel.file_not_found"]
