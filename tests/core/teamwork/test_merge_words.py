"""The merge's lists in the bureau's words: every record it can name, every field and every value it can show
says what it is (the unit, the clause, the base or trip, the document and the signer's role) and no internal id
(sheet, reviewer, offline …) reaches the lead; the command line's preview says the same."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from core.common.messages import Msg, render
from core.people.table_names import PEOPLE_TABLES
from core.store import audit
from core.store.audit_check import BLOBS, STAMPS, Namer, namer_for
from core.store.dataset import Dataset, create_file
from core.teamwork.facts import NOT_MERGED_TABLES, TICK_KEY
from core.teamwork.plan import UNTOLD, _shown_record, change_words, planned
from tests.builders import RULES
from tests.core.teamwork.test_teamwork import PNG, copy_for, field_edit
from tests.dataset_support import rich_year, run

UNIT_1, UNIT_2 = "吴江第1人力资源有限公司", "吴江第2人力资源有限公司"
PHOTO = "凯里现场照片.png"


def ascii_words(text: str, allowed: set[str]) -> set[str]:
    """Latin words of two letters or more (an id, a code, an English word) not among those the user typed."""
    return set(re.findall(r"(?<![A-Za-z0-9])[A-Za-z_]{2,}(?![A-Za-z0-9])", text)) - allowed


@pytest.fixture
def field_work(tmp_path) -> tuple[Path, Path]:
    """A year, and a field copy in which the assessor signed, attached photos, ticked a base's and a trip's
    evidence, added a trip and a base with their ticks, awarded 4.1 and wrote a note."""
    year = tmp_path / "2022.wjkh"
    assert not create_file(year, RULES, "组长", role="考核组长", year=rich_year(3))
    copy = copy_for(year, "李外业.wjkh", "李外业")

    def in_the_field(ds: Dataset, who: int, u: list[int]) -> None:
        first, second = ds.unit(u[0]), ds.unit(u[1])
        trips = ds._conn.execute("SELECT id FROM trips WHERE unit_id = ? ORDER BY position", (u[0],)).fetchall()
        bases = ds._conn.execute("SELECT id FROM bases WHERE unit_id = ? ORDER BY position", (u[1],)).fetchall()
        assert first.trips[0].place == "贵阳" and second.bases[1].name == "云南职业技术学院"
        for document, role, name, unit in (("sheet", "reviewer", "王复核", u[0]),
                                           ("record", "assessor", "李外业", u[0]),
                                           ("record", "representative", "钱七", u[0]),
                                           ("summary", "assessor", "李外业", None)):
            assert ds.add_signature(who, document, role, name, PNG, unit_id=unit).ok
        assert ds.add_attachment(who, PNG, PHOTO, unit_id=u[0], clause_id="1.2", trip_id=trips[0][0]).ok
        assert ds.add_attachment(who, PNG, "基地协议.png", unit_id=u[1], clause_id="1.1", base_id=bases[1][0]).ok
        assert ds.add_attachment(who, PNG, "会议纪要.png", unit_id=u[0], clause_id="4.1").ok
        assert ds.tick_base_evidence(who, bases[1][0], "agreement", True).ok  # 否 → 是 on its second base
        assert ds.tick_trip_evidence(who, trips[1][0], "filing", True).ok  # 否 → 是 on its online trip
        assert ds.add_trip(who, u[0], dt.date(2022, 10, 20), "四川西充", "offline", 6).ok
        new_trip = ds._conn.execute("SELECT max(id) FROM trips").fetchone()[0]
        assert ds.tick_trip_evidence(who, new_trip, "photos", True).ok
        assert ds.add_base(who, u[0], "河南商丘劳务基地", "labour", dt.date(2022, 5, 1), people=8).ok
        new_base = ds._conn.execute("SELECT max(id) FROM bases").fetchone()[0]
        assert ds.tick_base_evidence(who, new_base, "agreement", True).ok
        assert ds.set_management(who, u[0], 8, "现场发现宿舍超员，酌减2分").ok
        assert ds.set_clause_note(who, u[0], "1.2", "备案表原件已看").ok
    field_edit(copy, "李外业", in_the_field)
    return year, copy


def test_the_field_work_is_told_by_unit_clause_base_trip_document_and_role(field_work):
    year, copy = field_work
    with Dataset.open(year, read_only=True) as ds, Dataset.open(copy, read_only=True) as theirs:
        plan, _ = planned(ds, theirs, copy.name)
    lines = [render(change_words(c)) for c in plan.changes]
    told = "\n".join(lines)
    for said in (
            f"单位“{UNIT_1}”考核评分表上王复核（复核人）的手写签名：（无） → （有）",
            f"单位“{UNIT_1}”现场核查记录上李外业（考核人员）的手写签名",
            f"单位“{UNIT_1}”现场核查记录上钱七（运营单位代表）的手写签名",
            "考核结果汇总表上李外业（考核人员）的手写签名",
            f"单位“{UNIT_1}”第 1.2 条赴外招聘“2022-04-10 贵阳”的附件“{PHOTO}”：（无） → （有）",
            f"单位“{UNIT_2}”第 1.1 条基地“云南职业技术学院”的附件“基地协议.png”",
            f"单位“{UNIT_1}”第 4.1 条的附件“会议纪要.png”",
            f"单位“{UNIT_2}”第 1.1 条基地“云南职业技术学院”的依据“基地协议（已签订，逐个基地查验）”的“已查验”：否 → 是",
            f"单位“{UNIT_1}”第 1.2 条赴外招聘“2022-09-02 线上招聘会”的依据“",
            f"单位“{UNIT_1}”第 1.2 条赴外招聘“2022-10-20 四川西充”的依据“",  # a trip new in the copy
            f"单位“{UNIT_1}”第 1.1 条基地“河南商丘劳务基地”的依据“基地协议（已签订，逐个基地查验）”",
            f"单位“{UNIT_1}”的赴外招聘“2022-10-20 四川西充”",
            f"单位“{UNIT_1}”第 4.1 条“劳务输入工作组织管理”的“评定分”：空 → 8（李外业，",
            f"单位“{UNIT_1}”第 4.1 条“劳务输入工作组织管理”的“理由”：空 → 现场发现宿舍超员，酌减2分"):
        assert said in told, (said, lines)
    assert not any(w in told for w in ("外出招聘", "佐证", "加分", "核验")), lines
    assert ascii_words(told, {"png"}) == set(), lines
    dry = run("merge", str(year), str(copy), "--dry-run")  # the command line lists the same lines
    assert dry.returncode == 0, dry.stderr
    listed = [line for line in dry.stdout.splitlines() if line.startswith("  ") and "（李外业，" in line]
    assert len(listed) == len(lines) and ascii_words("\n".join(listed), {"png"}) == set(), dry.stdout
    assert f"单位“{UNIT_1}”现场核查记录上李外业（考核人员）的手写签名" in dry.stdout


def _checked_codes(conn: sqlite3.Connection) -> dict[tuple[str, str], list[str]]:
    """Every coded column of the year file's schema (CHECK (column IN ('a', 'b'))) with its codes."""
    codes: dict[tuple[str, str], list[str]] = {}
    for table, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        for column, values in re.findall(r"(\w+) IN \(('[^)]*)\)", sql or ""):
            codes[(table, column)] = re.findall(r"'([^']*)'", values)
    return codes


def _example(conn: sqlite3.Connection, fk: dict[str, str], table: str) -> dict[str, Any]:
    """A record of a table the year holds none of, as the program would write it."""
    row: dict[str, Any] = {}
    for _, column, kind, *_ in conn.execute(f"PRAGMA table_info({table})"):
        if column in fk:
            row[column] = conn.execute(f"SELECT min(id) FROM {fk[column]}").fetchone()[0]
        elif kind == "INTEGER":
            row[column] = 1
        elif kind == "BLOB":
            row[column] = PNG
        else:
            row[column] = {"clause_id": "1.2", "grade": "B", "date": "2022-05-01", "id_number": "320584199001011234",
                           "at": "2022-05-01", "fingerprint": hashlib.sha256(b"cert").hexdigest()}.get(column, "示例")
    return row


def test_every_record_field_and_value_the_merge_can_name_is_in_the_bureaus_words(field_work):
    """Walks every table a copy's edits can touch: each record (from the file, or made up where the year has none)
    by both files' names for it, each field it can change with the value as shown, each code a coded column can
    hold, and the record whole as a new or removed one is shown."""
    year, copy = field_work
    with Dataset.open(year, read_only=True) as ds, Dataset.open(copy, read_only=True) as theirs:
        _, planner = planned(ds, theirs, copy.name)
        assert planner is not None
        conn = planner.c
        rules = ds.rule_set()
        year_namer = namer_for(rules)
        year_namer.unit_names.update(planner.y.execute("SELECT id, name FROM units"))
        namers: list[Namer] = [year_namer, getattr(planner, "copy_namer", None) or year_namer]
        from core.excel.kinds import import_spec
        codes = {**_checked_codes(conn), **{key: list(words) for key, words in namers[0].codes.items()},
                 ("imports", "kind"): list(import_spec().kinds)}
        typed = {w for (code,) in conn.execute("SELECT credit_code FROM units") for w in re.findall("[A-Za-z]+", code)}
        typed |= {w for (number,) in conn.execute("SELECT number FROM licences")
                  for w in re.findall("[A-Za-z]+", number)}
        typed |= {"png", "B"}  # file names, a grade
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                             "'sqlite_%'") if t not in NOT_MERGED_TABLES | set(PEOPLE_TABLES)]
        assert {"signatures", "attachments", "evidence_ticks", "management", "trips", "certificates"} <= set(tables)
        walked = 0
        for table in tables:
            fk = planner.fk[table]
            cursor = conn.execute(f"SELECT * FROM {table} LIMIT 4")
            rows = [dict(zip([d[0] for d in cursor.description], r, strict=True)) for r in cursor.fetchall()]
            rows = rows or [_example(conn, fk, table)]
            keys = set(audit.KEYS.get(table, ("id",))) | (set(TICK_KEY) if table == "evidence_ticks" else set())
            shown_columns = [c for c in rows[0] if c not in UNTOLD | keys | set(fk) | set(STAMPS.get(table, ()))
                             and c != BLOBS.get(table)]
            variants = [dict(row) for row in rows]
            for column in rows[0]:
                variants += [{**rows[0], column: code} for code in codes.get((table, column), ())]
            for row in variants:
                texts: list[Any] = [namer.record(table, row) for namer in namers]
                texts.append(_shown_record(planner, table, row))
                texts += [Msg.of("teamwork.change_line", what=namers[0].record(table, row),
                                 field=Msg.of("teamwork.field_of", field=Namer.field(table, column)),
                                 old=planner.shown(row[column], table, column), new="", who="李外业", when="")
                          for column in shown_columns]
                for text in texts:
                    said = render(text) if isinstance(text, Msg) else str(text)
                    assert ascii_words(said, typed) == set(), (table, row, said)
                    walked += 1
        assert walked > 300
    assert planner.shown("15/2", "management", "awarded") == Fraction(15, 2)
