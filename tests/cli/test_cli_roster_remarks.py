"""`match` on the command line ends each person's line with the roster's 备注 (when the roster has one for the
person), its lines joined, an ID number in it masked unless --full-ids."""

from __future__ import annotations

from core.common.identifiers import mask_id_number
from core.store.dataset import create_file
from tests.builders import RULES
from tests.dataset_support import run
from tests.import_support import UNITS, year_with_bases
from tests.xlsx_builders import ARRIVAL_HEADERS, arrival, arrivals_rows, person_id, write_workbook

OTHER = "320509198001010013"


def test_match_lists_each_person_s_roster_remark(tmp_path):
    dataset = tmp_path / "2022.sqlite"
    assert create_file(dataset, RULES, "张三", year=year_with_bases()) == []
    remarks = ["已离职，待补离职证明", "", f"与{OTHER}为同一家庭\n住宿已安排"]
    people = [arrival(i, 备注=r) for i, r in enumerate(remarks)]
    roster = write_workbook(tmp_path / "附件2.xlsx", {"花名册": arrivals_rows(people, (*ARRIVAL_HEADERS, "备注"))})
    imported = run("import-xlsx", "arrivals", str(roster), "--dataset", str(dataset), "--unit", UNITS[0], "--yes")
    assert imported.returncode == 0, imported.stderr
    listing = run("match", "--dataset", str(dataset), "--unit", UNITS[0])
    assert listing.returncode == 0, listing.stderr
    lines = {i: next(line for line in listing.stdout.splitlines() if mask_id_number(person_id(i)) in line)
             for i in range(3)}
    assert lines[0].endswith("；花名册备注：已离职，待补离职证明")
    assert "花名册备注" not in lines[1]
    assert lines[2].endswith(f"；花名册备注：与{mask_id_number(OTHER)}为同一家庭 住宿已安排")
    assert OTHER not in listing.stdout
    full = run("match", "--dataset", str(dataset), "--unit", UNITS[0], "--full-ids")
    assert f"；花名册备注：与{OTHER}为同一家庭 住宿已安排" in full.stdout
