"""The dataset and workbooks the import and matching tests share: a year whose units have the bases
the builders' people name, the Excel files of every import kind, and what "unchanged" means.

    from tests.import_support import UNITS, year_with_bases, roster_file, imported, contents

(the `ds` fixture, a dataset holding year_with_bases(), is in tests/conftest.py)
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from core.scoring.facts import Base, Unit, Year
from core.store import audit
from core.store.audit_check import content_sha256
from core.store.dataset import Dataset
from core.store.people_edits import import_workbook
from tests.builders import RULES, credit_code
from tests.xlsx_builders import (
    LABOUR_BASES,
    MONTHLY_HEADERS,
    SCHOOL_BASES,
    arrival,
    arrivals_rows,
    person_id,
    person_name,
    write_workbook,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
UNITS = ("吴江甲人力资源有限公司", "吴江乙人力资源有限公司", "吴江丙人力资源有限公司")
AGREED = dt.date(2022, 2, 1)
PLACEMENT_HEADERS = ("序号", "姓名", "身份证号码", "学校", "见习单位", "类型", "开始日期", "结束日期", "见习月数")
LIST_HEADERS = ("序号", "姓名", "身份证号码", "见习单位", "运营单位", "开始日期", "结束日期", "见习月数")


# ------------------------------------------------------------------ a year and its files

def year_with_bases(hand_people: int = 60, hand_retained: int = 40) -> Year:
    """Three units, each with the three labour bases and two school bases the builders' people name;
    the first labour base of each carries hand-typed counts."""
    units = []
    for i, name in enumerate(UNITS):
        bases = tuple(Base(b, "labour", AGREED, people=hand_people if k == 0 else 0,
                           retained=hand_retained if k == 0 else 0) for k, b in enumerate(LABOUR_BASES))
        bases += tuple(Base(b, "school", AGREED) for b in SCHOOL_BASES)
        units.append(Unit(name, credit_code(f"import-{i}"), ("hr_service",), bases=bases, insured_workers=30))
    return Year(RULES.year, RULES.id, tuple(units))


def roster_file(folder: Path, people, name: str = "附件2花名册.xlsx") -> Path:
    return write_workbook(folder / name, {"花名册": arrivals_rows(people)}, title="组织进吴人员花名册", title_rows=1)


def monthly_file(folder: Path, people, name: str = "送工信息.xlsx", month: int = 3) -> Path:
    rows = [list(MONTHLY_HEADERS)] + [[k + 1, p["姓名"], p["身份证号码"], p["用工单位"], p["劳务基地"], p["入职日期"],
                                       p["联系电话"]] for k, p in enumerate(people)]
    return write_workbook(folder / name, {f"2022年{month}月": rows})


def placement(i: int, kind: str = "见习", **overrides) -> list:
    row = {"姓名": person_name(i), "身份证号码": person_id(i), "学校": SCHOOL_BASES[i % 2], "见习单位": "吴江精密电子有限公司",
           "类型": kind, "开始日期": dt.date(2022, 3, 1), "结束日期": dt.date(2022, 10, 31), "见习月数": 7}
    row.update(overrides)
    return [row.get(h, "") for h in PLACEMENT_HEADERS[1:]]


def placements_file(folder: Path, rows, name: str = "附件4花名册.xlsx") -> Path:
    return write_workbook(folder / name, {"学员": [list(PLACEMENT_HEADERS)] + [[k + 1, *r] for k, r in enumerate(rows)]})


def district_file(folder: Path, people, name: str = "全区见习名单.xlsx") -> Path:
    rows = [list(LIST_HEADERS)] + [[k + 1, person_name(i), person_id(i), "吴江精密电子有限公司", UNITS[0],
                                    dt.date(2022, 3, 1), dt.date(2022, 10, 31), months]
                                   for k, (i, months) in enumerate(people)]
    return write_workbook(folder / name, {"名单": rows})


def contents(ds: Dataset) -> dict[str, list]:
    """Every row of every table (audit included): what "unchanged" means."""
    conn = ds._conn
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: conn.execute(f"SELECT * FROM {n} ORDER BY rowid").fetchall() for n in names}


def stored(ds: Dataset, table: str) -> list[dict]:
    cursor = ds._conn.execute(f"SELECT * FROM {table} ORDER BY id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor]


def imported(ds: Dataset, kind: str, path: Path, unit: str | None = UNITS[0], **kwargs):
    checked, edit = import_workbook(ds, 1, kind, path, unit_id=None if unit is None else ds.unit_id(unit), **kwargs)
    assert checked.ok, [p.text() for p in checked.problems]
    assert edit is not None and edit.ok, edit
    return checked, edit


def import_audit(ds: Dataset) -> list[dict]:
    """The summary rows of the imports (and removals) so far."""
    return [json.loads(e.new_value or e.old_value) for e in ds.audit_entries("imports") if e.action != "schema"]


def imported_as_before(path: Path, kind: str, file_name: str, table: str, columns: str, values: str,
                       rows: Callable[[int], list[tuple]]) -> None:
    """An import of UNITS[0]'s rows as a program of an earlier schema wrote it into the year file at `path`: its
    summary (id 7), its rows (`INSERT INTO table (columns) VALUES (values)`, `rows(unit_id)`) and the audit row
    proving them (the rows' content SHA-256)."""
    conn = sqlite3.connect(path, isolation_level=None)
    unit = conn.execute("SELECT id FROM units WHERE name = ?", (UNITS[0],)).fetchone()[0]
    summary = {"kind": kind, "unit_id": unit, "file_name": file_name, "sha256": "ab" * 32, "rows": 2,
               "replaced_rows": 0, "mapping": "", "imported_at": "2023-01-05T02:00:00.000+00:00", "imported_by": 1}
    conn.execute("BEGIN")
    conn.execute(f"INSERT INTO imports (id, {', '.join(summary)}) VALUES (7, {', '.join('?' * len(summary))})",
                 list(summary.values()))
    conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows(unit))
    content = content_sha256(conn, table, "import_id = 7")
    writer = audit.Writer(conn)
    writer.begin_edit()
    writer.append(at=summary["imported_at"], assessor_id=1, action="import", table_name="imports", record_id="7",
                  new_value=json.dumps({**summary, "unit": UNITS[0], "replaced": [], "content_sha256": content}))
    conn.execute("COMMIT")
    conn.close()


# ------------------------------------------------------------------ rosters and reports that disagree

REPORTED_ONLY = (40, 41)  # in the first unit's monthly reports, on none of its rosters


def disagreeing_files(folder: Path) -> tuple[Path, Path]:
    """A roster of five arrivals and the March reports of the same unit saying otherwise of four of them: person 1
    another employer, 2 another base, 12 another 入职日期, 5 reported in March though the roster has them start
    in June (13 agrees throughout); and two people (REPORTED_ONLY) the roster does not name."""
    roster = [arrival(i) for i in (1, 2, 12, 5, 13)]
    reported = [arrival(1, 用工单位="吴江另一家电子有限公司"), arrival(2, 劳务基地="铜仁劳务基地"),
                arrival(12, 入职日期=dt.date(2022, 1, 20)), arrival(5), arrival(13)]
    reported += [arrival(i, 入职日期=dt.date(2022, 3, 9)) for i in REPORTED_ONLY]
    return (roster_file(folder, roster, "不一致的花名册.xlsx"), monthly_file(folder, reported, "不一致的送工信息.xlsx"))
