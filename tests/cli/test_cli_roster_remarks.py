"""`match` on the command line ends each person's line with the roster's 备注, then the monthly reports' each after
its month (when they have one for the person), its lines joined, an ID number in it masked unless --full-ids."""

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


def test_match_lists_each_person_s_monthly_report_remarks_after_their_months(tmp_path):
    from tests.core.people.test_monthly_remarks import report_rows
    from tests.import_support import roster_file

    dataset = tmp_path / "2022.sqlite"
    assert create_file(dataset, RULES, "张三", year=year_with_bases()) == []
    people = [arrival(i) for i in range(3)]
    reports = write_workbook(tmp_path / "送工信息.xlsx", {
        "2022年3月": report_rows(people, ["已离职，待补离职证明", "", f"与{OTHER}为同一家庭\n住宿已安排"]),
        "2022年9月": report_rows(people, ["", "", "已返岗"])})
    for kind, path in (("arrivals", roster_file(tmp_path, people)), ("monthly_reports", reports)):
        imported = run("import-xlsx", kind, str(path), "--dataset", str(dataset), "--unit", UNITS[0], "--yes")
        assert imported.returncode == 0, imported.stderr
    listing = run("match", "--dataset", str(dataset), "--unit", UNITS[0])
    assert listing.returncode == 0, listing.stderr
    lines = {i: next(line for line in listing.stdout.splitlines() if mask_id_number(person_id(i)) in line)
             for i in range(3)}
    assert lines[0].endswith("；送工信息备注：2022年3月：已离职，待补离职证明")
    assert "备注" not in lines[1]
    masked = mask_id_number(OTHER)
    assert lines[2].endswith(f"；送工信息备注：2022年3月：与{masked}为同一家庭 住宿已安排；2022年9月：已返岗")
    assert OTHER not in listing.stdout
    full = run("match", "--dataset", str(dataset), "--unit", UNITS[0], "--full-ids")
    assert f"；送工信息备注：2022年3月：与{OTHER}为同一家庭 住宿已安排；2022年9月：已返岗" in full.stdout
