"""The program's own edits are always proved: after every kind of edit, its undo and its redo
(removals brought back with their ids, imports that replaced others, cascades of a removed unit),
replaying the trail gives exactly the file's tables — no change is ever reported that the program
made itself."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from core.common.messages import catalogue, render
from core.editing.session import Session
from core.people.records import KIND_TABLE, PEOPLE_TABLES
from tests.audit_tampers import png
from tests.core.editing.test_import_undo import session_import
from tests.import_support import UNITS, monthly_file, roster_file
from tests.xlsx_builders import arrival, person_id


def proved(ds) -> None:
    report = ds.check_audit()
    assert report.ok, [render(p.message) for p in report.problems]


def test_every_edit_its_undo_and_its_redo_are_proved(ds, tmp_path):
    session = Session(ds, 1)
    first, second = session.unit_id(UNITS[0]), session.unit_id(UNITS[1])
    base = session.base_ids(first)[0]

    def step(edit) -> None:
        assert edit.ok, edit.problems
        proved(ds)
        for again in (session.undo, session.redo):
            _, done = again("复核")
            assert done.ok, done.problems
            proved(ds)

    step(session.set_insured_workers("参保", first, 77))
    step(session.update_unit("改名", first, contact_person="王芳", platform_rating=Fraction(87, 20)))
    step(session.add_trip("外出", first, dt.date(2022, 4, 1), "贵阳", "offline", 6))
    trip = session.trip_ids(first)[-1]
    step(session.set_trip_evaluations("评价", first, trip, ["好", "较好"]))
    step(session.tick_trip("查验", first, trip, "filing", True))
    step(session.tick_base("查验", first, base, "agreement", True))
    step(session.tick_base("查验", first, base, "agreement", False))
    step(session.tick("查验", first, "2.1", session.rules.clause("2.1").evidence_ids[0], True))
    step(session.set_note("备注", first, "1.1", "协议原件已查"))
    step(session.add_delivery("交付", first, dt.date(2022, 5, 1), "缺工企业", 5))
    step(session.remove_delivery("删交付", first, session.delivery_ids(first)[-1]))
    step(session.set_management("管理", first, Fraction(15, 2), "纪要齐全"))
    step(session.set_negatives("负面", first, complaints=2, licences_cancelled=["hr_service"]))
    step(session.add_attachment("附件", first, "1.1", png(3), "协议.png"))
    step(session.remove_attachment("删附件", first, session.attachments(first)[-1].id))
    step(session.add_promotion("上调", second, "B", "材料更完整"))
    step(session.remove_promotion("撤销上调", session.promotions()[-1][0]))
    step(session.remove_trip("删外出", first, trip))
    step(session.remove_base("删基地", first, session.base_ids(first)[-1]))
    step(session.add_signature("签名", first, "sheet", "assessor", "张三", png(4)))
    step(session_import(session, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(5)], "甲.xlsx")))
    step(session_import(session, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(3, 9)], "乙.xlsx")))
    step(session_import(session, "arrivals", roster_file(tmp_path, [arrival(i) for i in range(4, 7)], "丙.xlsx"),
                        unit=UNITS[1]))
    step(session_import(session, "monthly_reports", monthly_file(tmp_path, [arrival(i) for i in range(8)])))
    step(session.assign_person("归属", person_id(5), second, "社保记录在乙单位"))
    step(session.set_count_source("来源", first, "roster"))
    step(session.set_platform_source("平台", first, "platform"))
    step(session.remove_import("删导入", session.imports(second)[-1].id))
    step(session.remove_unit("删单位", first))  # its imports, notes, signatures and ticks go with it
    assert ds.finalize_unit(1, second, 1, "ab" * 32, "张三", "cd" * 32).ok
    proved(ds)
    assert ds.reopen_unit(1, second, "复核后更正").ok
    proved(ds)


def test_every_table_and_field_has_the_bureau_s_words(ds):
    from core.store.files import SCHEMA_VERSION
    from core.store.schema import reference_schema
    words = catalogue()
    reference = reference_schema(SCHEMA_VERSION)
    for table, columns in reference.columns.items():
        assert f"audit.table.{table}" in words, table
        if table not in PEOPLE_TABLES and table != "audit":
            assert f"audit.record.{table}" in words, table
            for column in columns:
                assert f"audit.field.{table}.{column[0]}" in words, (table, column[0])
    assert set(KIND_TABLE.values()) == set(PEOPLE_TABLES) and set(PEOPLE_TABLES) <= set(reference.columns)


def test_a_schema_5_file_s_people_are_attested_when_it_opens_and_proved_from_then_on(tmp_path):
    import json
    import sqlite3

    from core.store import audit
    from core.store.dataset import Dataset, create_file
    from core.store.files import SCHEMA_VERSION
    from tests.builders import RULES
    from tests.dataset_support import rich_year
    path = tmp_path / "v5.sqlite"
    assert create_file(path, RULES, "张三", year=rich_year(2), schema_version=5) == []
    conn = sqlite3.connect(path, isolation_level=None)  # an import as a schema 5 program wrote it
    unit = conn.execute("SELECT id FROM units ORDER BY id LIMIT 1").fetchone()[0]
    summary = {"kind": "arrivals", "unit_id": unit, "file_name": "花名册.xlsx", "sha256": "ab" * 32, "rows": 2,
               "replaced_rows": 0, "mapping": "", "imported_at": "2023-01-05T02:00:00.000+00:00", "imported_by": 1}
    conn.execute("BEGIN")
    conn.execute(f"INSERT INTO imports (id, {', '.join(summary)}) VALUES (7, {', '.join('?' * len(summary))})",
                 list(summary.values()))
    conn.executemany("INSERT INTO roster_entries (unit_id, import_id, kind, name, id_number, sheet, sheet_row) "
                     "VALUES (?, 7, 'arrival', ?, ?, '花名册', ?)",
                     [(unit, "甲", "320509199505170011", 3), (unit, "乙", "320509199505170038", 4)])
    writer = audit.Writer(conn)
    writer.begin_edit()
    writer.append(at=summary["imported_at"], assessor_id=1, action="import", table_name="imports", record_id="7",
                  new_value=json.dumps({**summary, "unit": "某", "replaced": []}))
    conn.execute("COMMIT")
    conn.close()
    with Dataset.open(path, backups=False) as ds:
        assert ds.schema_version == SCHEMA_VERSION >= 6
        assert [(e.action, e.table_name, e.record_id) for e in ds.audit_entries() if e.action == "attest"] == [
            ("attest", "imports", "7")]
        proved(ds)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE roster_entries SET name = '丙' WHERE name = '乙'")
    conn.commit()
    conn.close()
    with Dataset.open(path, read_only=True) as ds:
        assert [render(p.message) for p in ds.check_audit().problems] == [
            "导入的名单“花名册.xlsx”在程序外被改动：导入时 2 行，人员内容与审计记录的校验值不符（现有 2 行）。"]


def test_a_schema_3_file_s_unaudited_notes_are_attested_when_it_opens(tmp_path):
    import sqlite3

    from core.store.dataset import Dataset, create_file
    from core.store.schema import CLAUSE_NOTES_SQL
    from tests.builders import RULES
    from tests.dataset_support import rich_year
    path = tmp_path / "v3.sqlite"
    assert create_file(path, RULES, "张三", year=rich_year(2), schema_version=3) == []
    conn = sqlite3.connect(path, isolation_level=None)  # what the desktop's first note did to a schema 3 file
    conn.execute(CLAUSE_NOTES_SQL)
    conn.execute("INSERT INTO clause_notes VALUES ((SELECT min(id) FROM units), '2.1', '花名册待补盖章')")
    conn.close()
    with Dataset.open(path, backups=False) as ds:
        proved(ds)
        uid = ds.unit_ids()[0]
        assert ds.set_clause_note(1, uid, "2.1", "已补盖章").ok
        proved(ds)


def test_adopting_the_program_s_newer_rule_set_is_proved(tmp_path):
    from pathlib import Path

    from core.scoring.rules import load_rule_set
    from core.store.dataset import Dataset, create_file
    from core.store.rule_updates import adopt_rule_set
    from tests.core.scoring.test_rule_updates import demo_as_made_before
    old = load_rule_set(Path(__file__).resolve().parents[2] / "fixtures" / "wujiang-2022-format1.toml", stored=True)
    path = tmp_path / "2022.wjkh"
    assert create_file(path, old, "张三", year=demo_as_made_before(old)) == []
    with Dataset.open(path) as ds:
        proved(ds)
        assert adopt_rule_set(ds, 1, "采用新版细则").ok
        proved(ds)
        ds.backup()
    with Dataset.open(path, backups=False) as ds:
        assert ds.audit_problems == []


def test_a_note_changed_outside_the_program_is_named_as_the_note_of_its_clause_or_section(tmp_path):
    """A note is its one field: told as 第 1.3 条的备注, not …的备注的“备注”; the note of 五 (a section of the
    rules, not a 条) as “五、负面影响”的备注 (a tester read 第 五 条的备注)."""
    import sqlite3

    from core.store.dataset import Dataset, create_file
    from tests.builders import RULES
    from tests.dataset_support import rich_year
    path = tmp_path / "2022.wjkh"
    assert create_file(path, RULES, "张三", year=rich_year(2)) == []
    with Dataset.open(path, backups=False) as ds:
        uid, unit = ds.unit_ids()[0], ds.unit(ds.unit_ids()[0]).name
        assert ds.set_clause_note(1, uid, "1.3", "台账缺三月").ok
        assert ds.set_clause_note(1, uid, "五", "远帆投诉6次").ok
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE clause_notes SET note = note || '（改）'")
    conn.close()
    with Dataset.open(path, read_only=True) as ds:
        said = sorted(render(p.message) for p in ds.check_audit().problems)
    assert said == [f"单位“{unit}”“五、负面影响”的备注在程序外被改为 远帆投诉6次（改）（审计记录为 远帆投诉6次）。",
                    f"单位“{unit}”第 1.3 条的备注在程序外被改为 台账缺三月（改）（审计记录为 台账缺三月）。"], said
