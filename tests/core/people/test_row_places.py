"""Where a person's row is, as the matching tells it, when a unit has several files of a kind imported (a corrected
roster beside the first, monthly reports of several months): the file is named with the sheet and row, since the
same sheet and row of the other file is another person; with one file of the kind, the sheet and row alone."""

from __future__ import annotations

import datetime as dt

from core.common.messages import render
from tests.import_support import UNITS, imported, monthly_file, roster_file
from tests.xlsx_builders import arrival, person_id


def places(ds, unit=UNITS[0]) -> dict[str, str]:
    return {p.id_number: render(p.where) for p in ds.match().unit(unit).people}


def test_a_person_of_a_roster_imported_beside_another_is_placed_in_its_file(ds, tmp_path):
    first = roster_file(tmp_path, [arrival(i) for i in range(4)], "附件2花名册.xlsx")
    imported(ds, "arrivals", first)
    assert places(ds)[person_id(0)] == "花名册 第 3 行"  # one roster: its sheet and row, as before
    corrected = roster_file(tmp_path, [arrival(i) for i in range(4, 6)], "花名册-更正后.xlsx")
    _, edit = imported(ds, "arrivals", corrected, alongside=True)
    found = places(ds)
    assert found[person_id(4)] == "花名册-更正后.xlsx 花名册 第 3 行"
    assert found[person_id(0)] == "附件2花名册.xlsx 花名册 第 3 行"  # the same row of the other file
    assert found[person_id(5)] == "花名册-更正后.xlsx 花名册 第 4 行"
    # the corrected file taken out again: one roster, its rows told as before
    (second,) = [s for s in ds.imports(ds.unit_id(UNITS[0])) if s.file_name == corrected.name]
    assert ds.remove_import(1, second.id).ok
    assert places(ds) == {person_id(i): f"花名册 第 {3 + i} 行" for i in range(4)}


def test_a_claim_of_two_units_names_the_file_of_a_unit_with_two_rosters(ds, tmp_path):
    imported(ds, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(3)], "甲.xlsx"))
    imported(ds, "arrivals", roster_file(tmp_path, [arrival(7)], "甲-补报.xlsx"), alongside=True)
    imported(ds, "arrivals", roster_file(tmp_path, [arrival(7)], "乙.xlsx"), unit=UNITS[1])
    (conflict,) = ds.match().conflicts
    texts = [render(c.text) for c in conflict.claims]
    assert texts[0].startswith(f"{UNITS[0]}（进吴务工人员，甲-补报.xlsx 花名册 第 3 行，"), texts
    assert texts[1].startswith(f"{UNITS[1]}（进吴务工人员，花名册 第 3 行，"), texts  # 乙 has one roster


def test_rows_of_monthly_reports_of_several_files_name_their_file(ds, tmp_path):
    people = [arrival(i, 入职日期=dt.date(2022, 1, 5), 首次参保日期=dt.date(2022, 1, 5)) for i in range(3)]
    imported(ds, "arrivals", roster_file(tmp_path, people))
    imported(ds, "monthly_reports", monthly_file(tmp_path, people[:2], "三月送工.xlsx", month=3))
    unit = ds.match().unit(UNITS[0])
    assert not unit.reported_only and all(not p.notes for p in unit.people)
    other = [arrival(1, 用工单位="吴江另一家电子有限公司"), arrival(40)]
    imported(ds, "monthly_reports", monthly_file(tmp_path, other, "四月送工.xlsx", month=4))
    unit = ds.match().unit(UNITS[0])
    (only,) = unit.reported_only
    assert render(only.where) == "四月送工.xlsx 2022年4月 第 3 行"
    (noted,) = [p for p in unit.people if p.notes]
    assert "（四月送工.xlsx 2022年4月 第 2 行）" in render(noted.notes[0]), render(noted.notes[0])
    assert render(noted.where) == "花名册 第 4 行"  # the unit's one roster: no file named
