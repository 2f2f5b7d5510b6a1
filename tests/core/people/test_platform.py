"""The platform's statistics feeding clauses 3.1 and 3.2: real .xlsx exports of the Labour Express
platform imported into a real dataset; each unit's choice of typed or platform figures (schema 5, its
migration), the scores equal to the engine's on a hand-built year, the ranking of 3.2 over units of
different sources, records naming no unit, undo through the session, the command line; and a unit's
imports brought back when its removal is undone."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import replace
from fractions import Fraction as F

import pytest

from core.common.messages import render
from core.editing.session import Session
from core.excel.check import check_workbook
from core.people.tables import file_sha256
from core.scoring.engine import score_year
from core.scoring.facts import Delivery
from core.store import backup
from core.store.dataset import Dataset, create_file
from core.store.files import SCHEMA_VERSION
from tests.builders import RULES, codes, credit_code, missing_codes
from tests.dataset_support import rich_year, run
from tests.import_support import UNITS, contents, imported, monthly_file, roster_file, year_with_bases
from tests.xlsx_builders import arrival, write_workbook

A, B, C = UNITS
STRANGER = "吴江丁人力资源有限公司"  # a unit the platform knows but this year does not
DELIVERY_HEADERS = ["序号", "运营单位", "企业名称", "完成日期", "企业评分"]
RATING_HEADERS = ["运营单位", "综合评分"]

# What the platform's exports say, and so what a hand-built year with the same facts holds.
A_DELIVERIES = tuple(Delivery(dt.date(2022, 3, d), f"缺工企业{d}", 5) for d in range(1, 7)) + (
    Delivery(dt.date(2022, 8, 1), "评分低的企业", 3), Delivery(dt.date(2021, 12, 30), "上年度的企业", 5))
B_DELIVERIES = tuple(Delivery(dt.date(2022, 6, d), f"用工企业{d}", 4) for d in range(1, 5))
PLATFORM_RATINGS = {A: F(46, 10), B: F(48, 10), C: F(39, 10)}
TYPED_RATINGS = {A: F(42, 10), B: F(41, 10), C: F(45, 10)}
TYPED_A = (Delivery(dt.date(2022, 4, 1), "手工录入企业一", 5), Delivery(dt.date(2022, 4, 2), "手工录入企业二", 4))


def deliveries_file(folder, rows, name="用工速递输送记录.xlsx"):
    table = [DELIVERY_HEADERS] + [[k + 1, unit, d.enterprise, d.date, d.stars] for k, (unit, d) in enumerate(rows)]
    return write_workbook(folder / name, {"输送记录": table}, title="用工速递系统输送记录导出", title_rows=1)


def ratings_file(folder, ratings, name="用工速递综合评分.xlsx"):
    return write_workbook(folder / name, {"综合评分": [RATING_HEADERS] + [[u, float(r)] for u, r in ratings]})


def platform_rows(extra=()):
    return [(A, d) for d in A_DELIVERIES] + [(B, d) for d in B_DELIVERIES] + list(extra)


def prepare(ds, folder, *, tick=True):
    """Typed figures for every unit, 3.1/3.2 evidence ticked, and both platform exports imported
    (with two deliveries and a rating of a unit the year does not have)."""
    for name in UNITS:
        uid = ds.unit_id(name)
        assert ds.set_platform_rating(1, uid, TYPED_RATINGS[name]).ok
        if tick:
            for clause_id in ("3.1", "3.2"):
                assert ds.tick_evidence(1, uid, clause_id, "platform_stats").ok
    for d in TYPED_A:
        assert ds.add_delivery(1, ds.unit_id(A), d.date, d.enterprise, d.stars).ok
    stranger = [(STRANGER, Delivery(dt.date(2022, 5, 5), "别处企业", 5)), (STRANGER, Delivery(dt.date(2022, 5, 6), "别处企业", 5))]
    imported(ds, "platform_deliveries", deliveries_file(folder, platform_rows(stranger)), unit=None)
    imported(ds, "platform_ratings", ratings_file(folder, [*PLATFORM_RATINGS.items(), (STRANGER, F(49, 10))]), unit=None)


def results(year):
    scored = score_year(RULES, year)
    return {u.name: {c: (u.clause(c).points, u.clause(c).bonus, u.clause(c).rank) for c in ("3.1", "3.2")}
            for u in scored.units}


def hand_built(ds, platform: dict[str, bool]):
    """The year as typed, with the platform's figures put in by hand for the units that take them:
    what the engine scores from the same facts."""
    units = []
    for unit in ds.year(as_entered=True).units:
        if platform.get(unit.name):
            deliveries = {A: A_DELIVERIES, B: B_DELIVERIES}.get(unit.name, ())
            unit = replace(unit, deliveries=deliveries, platform_rating=PLATFORM_RATINGS[unit.name])
        units.append(replace(unit, platform_source="hand"))
    return replace(ds.year(as_entered=True), units=tuple(units))


def stored_rows(ds) -> dict[str, list]:
    """Every row of every table but the audit's, in any order (a restored row may get a new rowid
    where the table's key is not the rowid)."""
    return {t: sorted(rows, key=repr) for t, rows in contents(ds).items() if t != "audit"}


# ------------------------------------------------------------------ the choice and the scores

def test_scores_switch_between_typed_and_platform_figures_as_the_engine_scores_them(ds, tmp_path):
    prepare(ds, tmp_path)
    typed = results(ds.year())
    assert typed[A]["3.1"] == (10, 0, None)  # the two typed deliveries
    assert typed == results(hand_built(ds, {}))

    assert ds.set_platform_source(1, ds.unit_id(A), "platform").ok
    scored = results(ds.year())
    # six deliveries in the year with 4 stars or more: 4 × 5 = 20, 2 beyond × 2 = 4 bonus
    assert scored[A]["3.1"] == (20, 4, None)
    assert scored == results(hand_built(ds, {A: True}))
    assert ds.unit(ds.unit_id(A)).deliveries == A_DELIVERIES
    assert ds.unit(ds.unit_id(A), as_entered=True).deliveries == TYPED_A  # the typed ones are kept

    assert ds.set_platform_source(1, ds.unit_id(A), "hand").ok
    assert results(ds.year()) == typed


def test_the_explanation_names_the_export_or_says_typed(ds, tmp_path):
    prepare(ds, tmp_path)
    uid = ds.unit_id(A)
    unit = score_year(RULES, ds.year()).unit(A)
    assert "deliveries.source_hand" in codes(unit.clause("3.1"))
    assert "rating.source_hand" in codes(unit.clause("3.2"))
    assert ds.set_platform_source(1, uid, "platform").ok
    unit = score_year(RULES, ds.year()).unit(A)
    source = unit.clause("3.1").explanation.facts[0]
    assert source.code == "deliveries.source_platform_unmatched"  # 2 rows of a unit the year has not
    assert source.param("file") == "用工速递输送记录.xlsx" and source.param("count") == len(A_DELIVERIES)
    at = {s.kind: dt.datetime.fromisoformat(s.imported_at).astimezone().strftime("%Y-%m-%d %H:%M")
          for s in ds.imports()}
    imported = at['platform_deliveries']
    assert render(source) == (f"输送记录 8 条，取自用工速递系统导出 用工速递输送记录.xlsx（{imported} 导入）；"
                              "该导出另有 2 条记录的运营单位名称不是本年度的运营单位，"
                              "不计入任何单位，请核对其中有无本单位的记录")
    # each platform delivery still gets its verdict: out of the year, too few stars
    assert {"deliveries.out_of_period", "deliveries.low_stars"} <= codes(unit.clause("3.1"))
    steps = [render(m) for m in unit.clause("3.2").explanation.steps]
    assert steps[:2] == [f"平台综合评分取自用工速递系统导出 用工速递综合评分.xlsx（{at['platform_ratings']} 导入）",
                         "平台综合评分 4.6（须高于 4）：达到门槛"]


def test_a_unit_taking_the_platform_before_any_export_is_imported_scores_nothing_and_says_why(ds):
    uid = ds.unit_id(A)
    assert ds.add_delivery(1, uid, dt.date(2022, 4, 1), "手工录入企业", 5).ok
    assert ds.set_platform_rating(1, uid, F(45, 10)).ok
    for clause_id in ("3.1", "3.2"):
        assert ds.tick_evidence(1, uid, clause_id, "platform_stats").ok
    assert ds.set_platform_source(1, uid, "platform").ok
    unit = score_year(RULES, ds.year()).unit(A)
    assert unit.clause("3.1").net == 0 and unit.clause("3.2").net == 0
    assert "deliveries.source_platform_none" in codes(unit.clause("3.1"))
    assert {"rating.source_platform_none", "rating.none"} <= codes(unit.clause("3.2"))


def test_the_evidence_ticks_still_gate_the_platform_figures(ds, tmp_path):
    prepare(ds, tmp_path, tick=False)
    assert ds.set_platform_source(1, ds.unit_id(A), "platform").ok
    unit = score_year(RULES, ds.year()).unit(A)
    assert unit.clause("3.1").net == 0 and "missing.item" in missing_codes(unit.clause("3.1"))
    assert unit.clause("3.2").net == 0 and "rating.unseen" in codes(unit.clause("3.2"))
    assert ds.tick_evidence(1, ds.unit_id(A), "3.1", "platform_stats").ok
    assert score_year(RULES, ds.year()).unit(A).clause("3.1").net == 24


def test_the_ranking_of_3_2_takes_each_units_own_source(ds, tmp_path):
    prepare(ds, tmp_path)
    # all typed: 丙 4.5, 甲 4.2, 乙 4.1
    assert {n: r["3.2"][1:] for n, r in results(ds.year()).items()} == {C: (10, 1), A: (9, 2), B: (8, 3)}
    assert ds.set_platform_source(1, ds.unit_id(A), "platform").ok
    # 甲 4.6 from the platform, 丙 4.5 and 乙 4.1 typed
    assert {n: r["3.2"][1:] for n, r in results(ds.year()).items()} == {A: (10, 1), C: (9, 2), B: (8, 3)}
    assert ds.set_platform_source(1, ds.unit_id(C), "platform").ok
    # 丙's platform rating 3.9 is below 4: not ranked; 甲 4.6, 乙 4.1
    got = results(ds.year())
    assert {n: r["3.2"][1:] for n, r in got.items()} == {A: (10, 1), B: (9, 2), C: (0, None)}
    assert got == results(hand_built(ds, {A: True, C: True}))


def test_records_naming_no_unit_are_reported_and_count_for_none(ds, tmp_path):
    prepare(ds, tmp_path)
    found = ds.platform()
    assert (found.unmatched_deliveries, found.unmatched_ratings) == (2, 1)
    assert found.linked_deliveries == len(A_DELIVERIES) + len(B_DELIVERIES)
    problems = [(p.source, p.location, p.message.code, p.message.param("unit"), p.message.param("count"))
                for p in found.problems]
    # the deliveries sheet has a title row and a header row: the first record is on row 3
    first_stranger = 3 + len(platform_rows())
    assert problems == [("用工速递输送记录.xlsx", f"输送记录!{first_stranger}", "platform.unknown_unit", STRANGER, 2),
                        ("用工速递综合评分.xlsx", "综合评分!5", "platform.unknown_unit", STRANGER, 1)]
    assert f"输送记录 第 {first_stranger} 行、输送记录 第 {first_stranger + 1} 行" in found.problems[0].text()
    # the year gets the unit the platform named: its records count for it from then on
    assert ds.add_unit(1, STRANGER, credit_code("platform-stranger"), ["hr_service"]).ok
    added = ds.unit_id(STRANGER)
    assert ds.platform().problems == () and len(ds.platform().unit(STRANGER).deliveries) == 2
    assert ds.set_platform_source(1, added, "platform").ok
    assert ds.unit(added).platform_rating == F(49, 10)


def test_what_the_exports_hold_nothing_of_is_said_per_unit_and_kind(ds, tmp_path):
    from core.people.platform import DELIVERIES_KIND, RATINGS_KIND
    assert ds.platform().lacking(A) == ((DELIVERIES_KIND, None), (RATINGS_KIND, None))  # nothing imported yet
    prepare(ds, tmp_path)
    found = ds.platform()
    assert found.lacking(A) == () and found.lacking(B) == ()
    assert found.lacking(C) == ((DELIVERIES_KIND, found.deliveries_export),)  # rated, but no delivery of its own
    assert found.deliveries_export is not None and found.deliveries_export.file_name == "用工速递输送记录.xlsx"


def test_names_are_compared_without_spaces_and_full_width_forms(ds, tmp_path):
    spaced = A[:3] + " " + A[3:]
    rows = [(spaced, Delivery(dt.date(2022, 3, 1), "缺工企业", 5)), (B, Delivery(dt.date(2022, 3, 2), "缺工企业", 5))]
    imported(ds, "platform_deliveries", deliveries_file(tmp_path, rows), unit=None)
    assert ds.platform().problems == ()
    assert [len(ds.platform().unit(n).deliveries) for n in UNITS] == [1, 1, 0]


def test_a_unit_rated_twice_gets_no_platform_rating_and_a_problem(ds, tmp_path):
    spaced = A[:3] + " " + A[3:]
    imported(ds, "platform_ratings", ratings_file(tmp_path, [(A, F(45, 10)), (spaced, F(43, 10))]), unit=None)
    found = ds.platform()
    assert [p.message.code for p in found.problems] == ["platform.rated_twice"]
    assert found.unit(A).rating is None
    assert "4.5、4.3" in found.problems[0].text()


def test_the_switch_is_audited_validated_and_refused_on_a_locked_unit(ds):
    uid = ds.unit_id(A)
    assert ds.set_platform_source(1, uid, "platform", reason="平台导出已核对").ok
    entry = [e for e in ds.audit_entries("units") if e.field == "platform_source"][-1]
    assert (entry.old_value, entry.new_value, entry.reason) == ('"hand"', '"platform"', "平台导出已核对")
    bad = ds.set_platform_source(1, uid, "excel")
    assert [p.message.code for p in bad.problems] == ["dataset.platform_source_unknown"]
    assert ds.finalize_unit(1, uid, 1, "ab" * 32, "张三", "00" * 32).ok
    before = contents(ds)
    locked = ds.set_platform_source(1, uid, "hand")
    assert [p.message.code for p in locked.problems] == ["dataset.unit_locked"]
    assert contents(ds) == before


# ------------------------------------------------------------------ schema 5

def test_a_schema_4_file_opens_as_schema_5_and_keeps_its_data(tmp_path):
    path = tmp_path / "v4.sqlite"
    year = rich_year(3)
    assert create_file(path, RULES, "张三", year=year, schema_version=4) == []
    conn = sqlite3.connect(path, isolation_level=None)
    assert conn.execute("SELECT schema_version FROM meta").fetchone()[0] == 4
    assert "platform_source" not in {r[1] for r in conn.execute("PRAGMA table_info(units)")}
    # a platform export imported under schema 4
    conn.execute("INSERT INTO imports (id, kind, file_name, sha256, rows, imported_at) VALUES "
                 "(7, 'platform_deliveries', '旧导出.xlsx', 'ab', 1, '2023-01-05T02:00:00.000+00:00')")
    conn.execute("INSERT INTO platform_delivery_records (import_id, unit_name, date, enterprise, stars, sheet, "
                 "sheet_row) VALUES (7, ?, '2022-05-01', '缺工企业', 5, '输送', 2)", (year.units[0].name,))
    conn.close()

    with Dataset.open(path) as ds:
        assert ds.schema_version == SCHEMA_VERSION >= 5
        assert ds.year() == year  # every unit keeps its typed figures
        assert all(u.platform_source == "hand" for u in ds.year().units)
        migrated = {(e.table_name, e.field) for e in ds.audit_entries() if e.reason == "migration 4→5"}
        assert migrated == {("units", "platform_source"), ("meta", "schema_version")}
        assert ds.verify_audit() is None
        uid = ds.unit_id(year.units[0].name)
        assert ds.set_platform_source(1, uid, "platform").ok
        assert ds.unit(uid).deliveries == (Delivery(dt.date(2022, 5, 1), "缺工企业", 5),)
        assert ds.unit(uid).deliveries_export.file_name == "旧导出.xlsx"
    versions = []
    for info in backup.list_backups(path):
        conn = sqlite3.connect(info.path)
        versions.append(conn.execute("SELECT schema_version FROM meta").fetchone()[0])
        conn.close()
    assert 4 in versions  # the backup taken before migrating


def test_a_schema_4_file_read_only_is_never_written(tmp_path):
    path = tmp_path / "v4.sqlite"
    assert create_file(path, RULES, "张三", year=rich_year(2), schema_version=4) == []
    before = path.read_bytes()
    with Dataset.open(path, read_only=True) as ds:
        assert ds.schema_version == SCHEMA_VERSION and all(u.platform_source == "hand" for u in ds.year().units)
    assert path.read_bytes() == before


# ------------------------------------------------------------------ the session: undo

def test_the_switch_is_undone_and_redone_through_the_session(ds, tmp_path):
    prepare(ds, tmp_path)
    session = Session(ds, 1)
    uid = session.unit_id(A)
    seen = []
    session.listeners.append(seen.append)
    assert session.clause_result(uid, "3.1").net == 10
    assert session.set_platform_source("按平台导出计分", uid, "platform").ok
    assert session.platform_source(uid) == "platform" and session.clause_result(uid, "3.1").net == 24
    assert session.clause_result(session.unit_id(A), "3.2").rank == 1  # every unit re-ranked
    assert seen == [frozenset([uid])]
    steps = len(session.history.steps)
    assert session.set_platform_source("按平台导出计分", uid, "platform").ok  # already so: no step, no write
    assert len(session.history.steps) == steps and seen == [frozenset([uid])]
    step, edit = session.undo("撤销")
    assert edit.ok and step.label == "按平台导出计分"
    assert session.platform_source(uid) == "hand" and session.clause_result(uid, "3.1").net == 10
    assert session.clause_result(session.unit_id(C), "3.2").rank == 1
    step, edit = session.redo("重做")
    assert edit.ok and session.platform_source(uid) == "platform" and session.clause_result(uid, "3.1").net == 24
    reasons = [e.reason for e in ds.audit_entries("units") if e.field == "platform_source" and e.action == "update"]
    assert reasons == [None, "撤销：按平台导出计分", "重做：按平台导出计分"]


def test_a_new_export_imported_through_the_session_rescores_and_its_undo_brings_the_old_one_back(ds, tmp_path):
    prepare(ds, tmp_path)
    session = Session(ds, 1)
    uid = session.unit_id(A)
    assert session.set_platform_source("按平台导出计分", uid, "platform").ok
    assert session.clause_result(uid, "3.1").net == 24
    path = deliveries_file(tmp_path, [(A, d) for d in A_DELIVERIES[:3]], "三月导出.xlsx")
    checked = check_workbook(path, "platform_deliveries", session.rules)
    assert session.import_people("导入 三月导出.xlsx", checked, file_sha256(path), None).ok
    assert session.clause_result(uid, "3.1").net == 15  # three deliveries of the new export
    assert session.unit(uid).deliveries_export.file_name == "三月导出.xlsx"
    # the new export names no stranger: only the rating export's record of one is left
    assert [p.source for p in session.platform().problems] == ["用工速递综合评分.xlsx"]
    assert session.undo("撤销")[1].ok
    assert session.clause_result(uid, "3.1").net == 24
    assert session.unit(uid).deliveries_export.file_name == "用工速递输送记录.xlsx"


def test_a_new_export_withdraws_the_final_of_the_units_scored_from_it_and_its_undo_brings_it_back(ds, tmp_path):
    """定稿 units scored from the platform: a new export changes their data (定稿 withdrawn, said by the edit);
    a unit scored from typed figures, or signed and locked, keeps its 定稿; undoing the import marks them 定稿
    again."""
    prepare(ds, tmp_path)
    session = Session(ds, 1)
    a, b, c = (session.unit_id(n) for n in (A, B, C))
    for uid in (a, c):
        assert session.set_platform_source("按平台导出计分", uid, "platform").ok
    assert ds.finalize_unit(1, c, 1, "ab" * 32, "张三", "cd" * 32).ok  # signed: locked and 定稿
    session.refresh(None)
    assert session.mark_final("定稿", [a, b]).ok
    path = ratings_file(tmp_path, [(A, 4.1), (B, 4.9)], "十二月综合评分.xlsx")
    checked = check_workbook(path, "platform_ratings", session.rules)
    edit = session.import_people("导入 十二月综合评分.xlsx", checked, file_sha256(path), None)
    assert edit.ok and edit.unfinalized == (a,)
    assert [session.unit(u).facts_final for u in (a, b, c)] == [False, True, True]
    assert render(session.final_withdrawn(edit)) == f"“{A}”的数据已改动，已取消其定稿。"
    assert session.undo("撤销")[1].ok
    assert [session.unit(u).facts_final for u in (a, b, c)] == [True, True, True]


def test_typing_a_rating_on_a_unit_scoring_the_platform_is_undone_to_the_typed_one(ds, tmp_path):
    prepare(ds, tmp_path)
    session = Session(ds, 1)
    uid = session.unit_id(A)
    assert session.set_platform_source("按平台导出计分", uid, "platform").ok
    assert session.unit(uid).platform_rating == PLATFORM_RATINGS[A]
    assert session.set_platform_rating("修改平台综合评分", uid, F(44, 10)).ok
    assert ds.unit(uid, as_entered=True).platform_rating == F(44, 10)
    assert session.undo("撤销")[1].ok
    assert ds.unit(uid, as_entered=True).platform_rating == TYPED_RATINGS[A]


def test_undoing_a_units_removal_brings_back_its_imports(ds, tmp_path):
    session = Session(ds, 1)
    people = [arrival(i) for i in range(6)]
    for path, kind in ((roster_file(tmp_path, people), "arrivals"), (monthly_file(tmp_path, people), "monthly_reports")):
        checked = check_workbook(path, kind, session.rules)
        assert session.import_people(f"导入 {path.name}", checked, file_sha256(path), session.unit_id(A)).ok
    uid = session.unit_id(A)
    assert session.set_platform_source("按平台导出计分", uid, "platform").ok
    before = stored_rows(ds)
    arrivals = session.match().unit(A).arrivals
    assert arrivals > 0

    assert session.remove_unit("删除运营单位", uid).ok
    assert ds.imports() == [] and ds.people_with_id_number(people[0]["身份证号码"])["roster_entries"] == []
    step, edit = session.undo("撤销")
    assert edit.ok
    assert stored_rows(ds) == before  # ids and rows exactly
    assert session.match().unit(A).arrivals == arrivals and session.platform_source(uid) == "platform"
    restored = [e for e in ds.audit_entries("imports") if e.action == "insert" and e.reason == "撤销：删除运营单位"]
    assert len(restored) == 2  # one summary row per import, as importing writes
    assert session.redo("重做")[1].ok and ds.imports() == []
    assert session.undo("撤销")[1].ok and session.match().unit(A).arrivals == arrivals
    assert ds.verify_audit() is None


# ------------------------------------------------------------------ the command line

@pytest.fixture
def year_file(tmp_path):
    path = tmp_path / "2022.sqlite"
    with Dataset.create(path, RULES, "张三", backups=False) as created:
        assert created.import_year(1, year_with_bases()).ok
        prepare(created, tmp_path)
        created.remove_import(1, next(s.id for s in created.imports() if s.kind == "platform_deliveries"))
        created.remove_import(1, next(s.id for s in created.imports() if s.kind == "platform_ratings"))
    return path


def test_the_command_line_imports_reports_and_switches(year_file, tmp_path):
    stranger = [(STRANGER, Delivery(dt.date(2022, 5, 5), "别处企业", 5))]
    path = deliveries_file(tmp_path, platform_rows(stranger), "平台导出.xlsx")
    result = run("platform", "--dataset", str(year_file))
    assert result.returncode == 0, result.stderr
    assert "还没有导入用工速递系统导出" in result.stdout and "按手工录入计分" in result.stdout

    result = run("import-xlsx", "platform_deliveries", str(path), "--dataset", str(year_file), "--yes")
    assert result.returncode == 0, result.stderr
    assert f"{A}（3.1、3.2 按手工录入计分）：平台输送记录 8 条" in result.stdout
    assert "不计入任何单位的记录：输送记录 1 条" in result.stdout and STRANGER in result.stderr
    assert "platform-source platform" in result.stdout  # the hint: every unit still scores typed figures

    result = run("platform", "--dataset", str(year_file))
    assert result.returncode == 1 and f"平台导出.xlsx：输送记录 第 {3 + len(platform_rows())} 行" in result.stderr

    result = run("platform-source", "platform", "--unit", A, "--dataset", str(year_file), "--reason", "已核对平台导出")
    assert result.returncode == 0, result.stderr
    assert f"{A}（3.1、3.2 按用工速递系统导出计分）" in result.stdout and "计分 3.1 得 20 分（加分 4）" in result.stdout
    score = run("score", str(year_file), "--json")
    assert score.returncode == 0
    unit = next(u for u in json.loads(score.stdout)["units"] if u["name"] == A)
    clause = next(c for c in unit["clauses"] if c["id"] == "3.1")
    assert clause["net"] == 24 and any(
        f["code"] == "deliveries.source_platform_unmatched" and f["params"]["unmatched"] == 1
        for f in clause["explanation"]["facts"])

    match = run("match", "--dataset", str(year_file), "--unit", A)
    assert match.returncode == 0 and f"{A}（3.1、3.2 按用工速递系统导出计分）" in match.stdout
    assert B not in match.stdout

    assert run("platform-source", "platform", "--unit", "不存在的单位", "--dataset", str(year_file)).returncode == 2
    assert run("platform-source", "excel", "--unit", A, "--dataset", str(year_file)).returncode == 2
    assert run("platform", "--dataset", str(year_file), "--unit", "不存在的单位").returncode == 2
    back = run("platform-source", "hand", "--unit", A, "--dataset", str(year_file))
    assert back.returncode == 0 and "计分 3.1 得 10 分（加分 0）" in back.stdout
