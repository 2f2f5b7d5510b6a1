"""The year's dataset (core/store/dataset.py): real SQLite files, as the desktop and the CLI use them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from core.common.messages import render
from core.scoring.engine import score_year
from core.scoring.facts import parse_year, year_to_json
from core.scoring.rules import load_rule_set
from core.store import backup
from core.store.dataset import Dataset, create_file
from core.store.files import APPLICATION_ID, SCHEMA_VERSION, DatasetError, inspect
from tests.builders import RULES, credit_code, rules_with
from tests.dataset_support import ROOT, demo_or_rich, rich_year, years


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_elsewhere(path: Path) -> str:
    """The file's hash, read by another process: reading it here would drop this process's POSIX
    locks on it (closing any descriptor of a file does), which no real user of a Dataset does."""
    code = "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())"
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          check=True).stdout.strip()


def scribble(path: Path) -> None:
    """Overwrite the start of every fifth b-tree page with noise."""
    raw = bytearray(path.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    for offset in range(2 * page, len(raw) - page, 5 * page):
        raw[offset:offset + 48] = os.urandom(48)
    path.write_bytes(bytes(raw))


@pytest.fixture
def rich(tmp_path) -> Path:
    path = tmp_path / "2022.sqlite"
    assert create_file(path, load_rule_set(), "张三", "考核组长", rich_year()) == []
    return path


# ------------------------------------------------------------------ round trips

def test_round_trip_of_the_demo_or_rich_year(tmp_path):
    which, data = demo_or_rich()
    year, problems = parse_year(data, RULES)
    assert problems == []
    path = tmp_path / f"{which}.sqlite"
    assert create_file(path, RULES, "张三", year=year) == []
    with Dataset.open(path) as ds:
        assert ds.year() == year
        assert year_to_json(ds.year()) == year_to_json(year)
        if data == year_to_json(year):  # written canonically: equal to the input itself
            assert year_to_json(ds.year()) == data
        assert score_year(ds.rule_set(), ds.year()) == score_year(RULES, year)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(year=years())
def test_round_trip_of_generated_years(tmp_path_factory, year):
    data = year_to_json(year)
    parsed, problems = parse_year(json.loads(json.dumps(data)), RULES)
    assert problems == [], [p.text() for p in problems]
    path = tmp_path_factory.mktemp("gen") / "year.sqlite"
    assert create_file(path, RULES, "生成", year=parsed) == []
    with Dataset.open(path, read_only=True) as ds:
        assert ds.year() == parsed
        assert year_to_json(ds.year()) == data
        assert ds.verify_audit() is None


def test_an_empty_clause_entry_is_not_a_fact(tmp_path):
    """`"evidence": {"1.3": {}}` ticks nothing; the dataset stores ticks, so it comes back without it."""
    data = year_to_json(rich_year(1))
    data["units"][0]["evidence"] = {"1.3": {}}
    year, problems = parse_year(data, RULES)
    assert problems == []
    assert create_file(tmp_path / "e.sqlite", RULES, "a", year=year) == []
    with Dataset.open(tmp_path / "e.sqlite", read_only=True) as ds:
        assert dict(ds.year().units[0].evidence) == {}


# ------------------------------------------------------------------ the file

def test_create_open_and_the_stored_rule_set(rich):
    program = load_rule_set()  # as the program has it now (fresh: other people edit it)
    with Dataset.open(rich) as ds:
        assert ds.rule_set().sha256 == program.sha256
        assert ds.rule_set().source_text == program.source_text
        assert ds.notices == []
        assert [a.name for a in ds.assessors()] == ["张三"]
    conn = sqlite3.connect(rich)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT schema_version, year, rule_set_id FROM meta").fetchone() == (SCHEMA_VERSION, 2022,
                                                                                            "wujiang-2022")
    sha, text = conn.execute("SELECT sha256, text FROM rule_sets").fetchone()
    assert sha == hashlib.sha256(text.encode()).hexdigest() == program.sha256
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables >= {"meta", "rule_sets", "assessors", "units", "unit_kinds", "licences", "bases", "trips",
                      "trip_evaluations", "deliveries", "evidence_ticks", "management", "negatives",
                      "credit_grades", "cancelled_licences", "grade_quotas", "grade_promotions", "attachments",
                      "roster_entries", "monthly_report_entries", "traineeship_list",
                      "platform_delivery_records", "audit"}
    conn.close()


def test_a_year_keeps_its_rule_set_when_the_programs_changes(tmp_path):
    """A dataset made under an edited copy of wujiang-2022 (same id, other numbers) is scored with the
    stored copy; opening it names both versions."""
    program = load_rule_set()
    stored = rules_with("min_people = { value = 50", "min_people = { value = 40", program)
    assert stored.id == program.id and stored.sha256 != program.sha256
    path = tmp_path / "old.sqlite"
    create_file(path, stored, "张三", year=rich_year(2))
    with Dataset.open(path) as ds:
        assert ds.rule_set().sha256 == stored.sha256
        assert ds.rule_set().clause("2.1").params["min_people"] == 40
        assert [n.code for n in ds.notices] == ["dataset.rule_set_differs"]
        text = render(ds.notices[0])
        assert stored.sha256[:12] in text and program.sha256[:12] in text and "old.sqlite" in text
        assert f"《{program.title}》" in text and program.id not in text and "SHA" not in text  # bureau words
        assert ds.program_rule_set().sha256 == program.sha256


def test_foreign_keys_are_on_and_people_tables_are_indexed_by_id_number(rich):
    with Dataset.open(rich) as ds:
        conn = ds._conn
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO bases (unit_id, position, name, type, agreement_date) VALUES (999, 0, 'x', "
                         "'labour', '2022-01-01')")
        unit = ds.unit_ids()[0]
        conn.execute("INSERT INTO roster_entries (unit_id, kind, name, id_number, base_name, employer, start_date, "
                     "first_insured_date, months_enrolled) VALUES (?, 'arrival', '李雷', '52010119900101123X', "
                     "'铜仁基地', '吴江某厂', '2022-03-01', '2022-03-15', 7)", (unit,))
        conn.execute("INSERT INTO traineeship_list (name, id_number, kind) VALUES ('李雷', '52010119900101123X', "
                     "'trainee')")
        found = ds.people_with_id_number("52010119900101123X")
        assert found["roster_entries"][0]["months_enrolled"] == 7
        assert len(found["traineeship_list"]) == 1 and found["monthly_report_entries"] == []
        for table in ("roster_entries", "monthly_report_entries", "traineeship_list", "platform_delivery_records"):
            plan = " ".join(r[-1] for r in conn.execute(f"EXPLAIN QUERY PLAN SELECT * FROM {table} WHERE id_number = ?",
                                                        ("x",)))
            assert "USING INDEX" in plan, (table, plan)


# ------------------------------------------------------------------ edits

def test_which_units_are_final_is_read_in_one_query_however_many_units_are_asked_about(rich):
    with Dataset.open(rich) as ds:
        units = ds.unit_ids()
        asked: list[str] = []
        ds._conn.set_trace_callback(asked.append)
        try:
            final = ds.final_among(units)
        finally:
            ds._conn.set_trace_callback(None)
        assert final == [u for u in units if ds.unit(u).facts_final] and len(final) > 1
        assert len([q for q in asked if "FROM units" in q]) == 1, asked
        withdrawn = ds.update_unit(1, final[0], insured_workers=99)
        asked.clear()
        ds._conn.set_trace_callback(asked.append)
        try:
            told = ds.final_withdrawn(replace(withdrawn, unfinalized=tuple(final)))
        finally:
            ds._conn.set_trace_callback(None)
        assert len([q for q in asked if "FROM units" in q]) == 1, asked
        assert render(told) == "、".join(f"“{ds.unit(u).name}”" for u in final) + "的数据已改动，已取消其定稿。"


def test_each_edit_is_one_transaction_with_its_audit_rows(rich):
    with Dataset.open(rich) as ds:
        added = ds.add_assessor(1, "李四", "考核员")
        assert added.ok
        li = added.id
        unit = ds.unit_ids()[0]
        before = len(ds.audit_entries())
        edit = ds.update_unit(li, unit, insured_workers=77, contact_person="赵六", reason="按保险公司回执更正")
        assert edit.ok
        rows = ds.audit_entries()[before:]
        # the unit was 定稿: its data changed, so the same edit withdrew that (one more audited field)
        assert {r.field for r in rows} == {"insured_workers", "contact_person", "facts_final"}
        assert edit.unfinalized == (unit,) and not ds.unit(unit).facts_final
        assert len({r.edit for r in rows}) == 1 and {r.reason for r in rows} == {"按保险公司回执更正"}
        row = next(r for r in rows if r.field == "insured_workers")
        assert (row.assessor_id, row.table_name, row.record_id, row.old_value, row.new_value, row.reason) == (
            li, "units", str(unit), "50", "77", "按保险公司回执更正")
        assert ds.year().units[0].insured_workers == 77
    with Dataset.open(rich) as ds:  # saved at once
        assert ds.year().units[0].insured_workers == 77


def test_a_rejected_edit_writes_nothing_and_returns_the_problems(rich):
    with Dataset.open(rich) as ds:
        year, entries = ds.year(), len(ds.audit_entries())
        unit = ds.unit_ids()[0]
        base = ds.base_ids(unit)[0]
        edit = ds.update_base(1, base, retained=10_000)
        assert not edit.ok and [p.message.code for p in edit.problems] == ["fact.retained_exceeds_people"]
        assert edit.problems[0].location == "$.units[0].bases[0]"
        assert [p.message.code for p in ds.tick_evidence(1, unit, "4.1", "no_such_item").problems] == [
            "fact.unknown_evidence"]
        assert [p.message.code for p in ds.add_unit(1, year.units[1].name, credit_code("new"), ["hr_service"]).problems] == [
            "fact.duplicate_name"]
        assert [p.message.code for p in ds.add_unit(1, "新单位", "91320509MA1MXXXX01", ["hr_service"]).problems] == [
            "fact.bad_credit_code"]
        assert [p.message.code for p in ds.set_grade_quotas(1, {"A": 5}).problems] == ["fact.quota_above_cap"]
        assert [p.message.code for p in ds.update_unit(99, unit, insured_workers=1).problems] == [
            "dataset.unknown_assessor"]
        assert [p.message.code for p in ds.remove_trip(1, 12345).problems] == ["dataset.no_record"]
        assert ds.year() == year and len(ds.audit_entries()) == entries


def test_the_edit_api_covers_what_the_desktop_does(rich):
    with Dataset.open(rich) as ds:
        first_edit = ds.audit_entries()[-1].edit + 1
        by = ds.add_assessor(1, "李四", "考核员").id
        unit = ds.add_unit(by, "新入盟人力资源有限公司", credit_code("new"), ["labour_dispatch"], new_member=True,
                           contact_person="钱七", licence_numbers={"labour_dispatch": "LD-1"}).id
        base = ds.add_base(by, unit, "四川达州基地", "labour", dt.date(2022, 5, 1), people=80, retained=50,
                           region="四川省达州市").id
        assert ds.tick_base_evidence(by, base, "agreement", True, note="原件已查验").ok
        trip = ds.add_trip(by, unit, dt.date(2022, 6, 6), "达州", "offline", 5).id
        assert ds.set_trip_evaluations(by, trip, ["好", "差"]).ok
        assert ds.tick_trip_evidence(by, trip, "filing", True).ok
        assert ds.update_trip(by, trip, enterprises=6).ok
        delivery = ds.add_delivery(by, unit, dt.date(2022, 7, 1), "吴江某电子厂", 5).id
        assert ds.update_delivery(by, delivery, stars=4).ok
        assert ds.tick_evidence(by, unit, "4.1", "minutes", False, note="未见会议纪要").ok
        assert ds.set_management(by, unit, Fraction(17, 2), "文件齐全，纪要缺一次").ok
        assert ds.set_negatives(by, unit, complaints=2, credit_grades={"labour_dispatch": "B"}).ok
        assert ds.set_insured_workers(by, unit, 60).ok
        assert ds.set_platform_rating(by, unit, 4.25).ok
        assert ds.mark_final(by, unit).ok
        assert ds.update_base(by, base, name="四川达州劳务基地").unfinalized == (unit,)  # a change: 定稿 no more
        assert ds.mark_final(by, unit).ok
        got = ds.unit(unit)
        assert got.new_member and got.facts_final and got.contact_person == "钱七"
        assert got.bases[0].name == "四川达州劳务基地" and got.bases[0].evidence == {"agreement": True}
        assert got.bases[0].region == "四川省达州市"
        assert got.trips[0].enterprises == 6 and got.trips[0].evaluations == ("好", "差")
        assert got.deliveries[0].stars == 4
        assert got.evidence == {"4.1": {"minutes": False}}
        assert got.management.awarded == Fraction(17, 2) and got.platform_rating == Fraction(17, 4)
        assert got.negative.complaints == 2 and got.negative.credit_grades == {"labour_dispatch": "B"}
        tick = ds.evidence_tick(unit, "4.1", "minutes")
        assert tick["ticked_by"] == by and tick["note"] == "未见会议纪要" and tick["ticked_at"].startswith("20")
        assert ds.tick_evidence(by, unit, "4.1", "minutes", None).ok  # cleared
        assert ds.unit(unit).evidence == {}
        assert ds.set_grade_quotas(by, {"A": 0, "B": 1}).ok
        promotion = ds.add_promotion(by, unit, "B", "并列，材料更完整").id
        assert ds.year().grade_promotions[-1].unit == "新入盟人力资源有限公司"
        assert ds.remove_promotion(by, promotion).ok
        assert ds.remove_delivery(by, delivery).ok and ds.remove_trip(by, trip).ok and ds.remove_base(by, base).ok
        assert ds.update_unit(by, unit, name="改名人力资源有限公司", kinds=["hr_service", "labour_dispatch"]).ok
        assert ds.unit(unit).kinds == ("hr_service", "labour_dispatch")
        assert ds.remove_unit(by, unit, reason="退出联盟").ok
        assert ds.unit(unit) is None
        assert ds.verify_audit() is None
        assert all(e.assessor_id == by for e in ds.audit_entries() if e.edit > first_edit)


def test_attachments_are_stored_inside_and_exported_byte_identical(rich, tmp_path):
    data = os.urandom(300_000) + b"%PDF-1.7 \x00\xff"
    source = tmp_path / "营业执照扫描件.pdf"
    source.write_bytes(data)
    with Dataset.open(rich) as ds:
        unit = ds.unit_ids()[0]
        edit = ds.add_attachment_file(1, source, clause_id="4.1", unit_id=unit, description="扫描件")
        assert edit.ok
        info = ds.attachments(unit)[0]
        assert (info.name, info.mime, info.size, info.sha256, info.description, info.clause_id) == (
            "营业执照扫描件.pdf", "application/pdf", len(data), hashlib.sha256(data).hexdigest(), "扫描件", "4.1")
        entry = [e for e in ds.audit_entries("attachments")][-1]
        assert info.sha256 in entry.new_value and len(entry.new_value) < 1000  # the bytes are not in the trail
        source.unlink()
    with Dataset.open(rich, read_only=True) as ds:
        out = ds.export_attachment(edit.id, tmp_path)
        assert out.name == "营业执照扫描件.pdf" and out.read_bytes() == data


# ------------------------------------------------------------------ bad files

def bad_files(tmp_path: Path, rich: Path) -> dict[str, Path]:
    text = tmp_path / "notes.sqlite"
    text.write_text("这不是数据库", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(rich.read_bytes()[:len(rich.read_bytes()) // 2])
    tiny = tmp_path / "tiny.sqlite"
    tiny.write_bytes(rich.read_bytes()[:40])
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(rich.read_bytes())
    scribble(corrupt)
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(rich.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE meta SET schema_version = 99")
    conn.commit()
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return {"not_dataset": text, "other_sqlite": other, "truncated": truncated, "tiny": tiny, "corrupt": corrupt,
            "newer": newer}


EXPECTED = {"not_dataset": "dataset.not_dataset", "other_sqlite": "dataset.not_dataset",
            "truncated": "dataset.corrupt", "tiny": "dataset.corrupt", "corrupt": "dataset.corrupt",
            "newer": "dataset.newer_schema"}


def test_bad_files_give_one_sentence_and_stay_byte_identical(tmp_path, rich):
    for kind, path in bad_files(tmp_path, rich).items():
        before = digest(path)
        for read_only in (False, True):
            with pytest.raises(DatasetError) as caught:
                Dataset.open(path, read_only=read_only)
            assert caught.value.code == EXPECTED[kind], (kind, str(caught.value))
            text = str(caught.value)
            assert path.name in text and "\n" not in text, text
        assert digest(path) == before, kind
        assert not backup.backup_dir(path).exists(), kind


def test_corruption_offers_the_newest_good_backup(tmp_path, rich):
    with Dataset.open(rich, keep_backups=5) as ds:  # opening makes a backup
        ds.update_unit(1, ds.unit_ids()[0], insured_workers=1)
    newest = backup.list_backups(rich)[0]
    scribble(rich)
    with pytest.raises(DatasetError) as caught:
        Dataset.open(rich)
    assert caught.value.code == "dataset.corrupt"
    assert caught.value.good_backup == newest.path and newest.name in str(caught.value)


def test_checked_ahead_on_another_thread_a_file_is_opened_without_checking_it_again(rich, monkeypatch):
    """The desktop checks a large year on another thread (its integrity check held the window a few tenths of
    a second): opening it then runs the checks again only when the file changed meanwhile; a damaged file's
    check says what opening says."""
    import core.store.dataset as dataset_module
    from core.store.files import check_ahead
    checked = check_ahead(rich)
    inspected: list[Path] = []
    real = dataset_module.inspect
    monkeypatch.setattr(dataset_module, "inspect", lambda path: inspected.append(path) or real(path))
    with Dataset.open(rich, checked=checked) as ds:
        assert ds.unit_ids() and inspected == []
    checked = check_ahead(rich)
    stat = rich.stat()
    os.utime(rich, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # written meanwhile
    with Dataset.open(rich, checked=checked):
        assert inspected == [rich]
    scribble(rich)
    with pytest.raises(DatasetError) as ahead:
        check_ahead(rich)
    with pytest.raises(DatasetError) as opening:
        Dataset.open(rich)
    assert ahead.value.code == opening.value.code == "dataset.corrupt" and str(ahead.value) == str(opening.value)


def test_a_file_open_in_another_process_is_refused(rich):
    before = digest(rich)
    with Dataset.open(rich):
        assert digest_elsewhere(rich) == before
        code = ("import sys; sys.path.insert(0, sys.argv[2]); from core.store.dataset import Dataset, DatasetError\n"
                "try:\n    Dataset.open(sys.argv[1])\nexcept DatasetError as e:\n    print(e.code); print(e)\n")
        result = subprocess.run([sys.executable, "-c", code, str(rich), str(ROOT)], capture_output=True, text=True,
                                timeout=30)
        assert result.stdout.splitlines()[:1] == ["dataset.locked_on"], result.stderr
        assert rich.name in result.stdout and "现在不能修改" in result.stdout
        assert digest_elsewhere(rich) == before
        with pytest.raises(DatasetError) as caught:  # a second window in this process, too
            Dataset.open(rich)
        assert caught.value.code == "dataset.locked_on"


def test_the_lock_dies_with_the_process(rich):
    code = ("import os, sys; sys.path.insert(0, sys.argv[2]); from core.store.dataset import Dataset\n"
            "ds = Dataset.open(sys.argv[1]); os._exit(0)\n")
    subprocess.run([sys.executable, "-c", code, str(rich), str(ROOT)], check=True, timeout=30)
    with Dataset.open(rich) as ds:
        assert ds.verify_audit() is None


# ------------------------------------------------------------------ failing writes

def test_disk_full_leaves_the_dataset_as_it_was(rich):
    with Dataset.open(rich) as ds:
        year, entries = ds.year(), len(ds.audit_entries())
        pages = ds._conn.execute("PRAGMA page_count").fetchone()[0]
        ds._conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
        with pytest.raises(DatasetError) as caught:
            ds.add_attachment(1, os.urandom(200_000), "photo.jpg", unit_id=ds.unit_ids()[0])
        assert caught.value.code == "dataset.disk_full" and rich.name in str(caught.value)
        assert ds.year() == year and len(ds.audit_entries()) == entries
        ds._conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: editing goes on
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=3).ok
        assert ds.verify_audit() is None
    with Dataset.open(rich, read_only=True) as ds:
        assert ds.verify_audit() is None and ds.attachments() == []


@pytest.mark.parametrize("code", [sqlite3.SQLITE_IOERR | (3 << 8), sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB,
                                  sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_TOOBIG,
                                  sqlite3.SQLITE_CONSTRAINT | (8 << 8), sqlite3.SQLITE_ERROR])
def test_a_failed_write_is_told_in_chinese_whatever_sqlite_said(rich, code):
    """SQLite's own text is English (disk I/O error, UNIQUE constraint failed: …): a write that fails is told
    with the file's name and the reason in words, never SQLite's."""
    fault = sqlite3.OperationalError("disk I/O error while writing table units")
    fault.sqlite_errorcode = code
    with Dataset.open(rich) as ds:
        told = str(ds._fault(fault))
    assert told.startswith(f"写入数据文件 {rich.name} 失败（")
    assert told.endswith("本次修改未保存，数据保持修改前的状态。")
    assert not re.search(r"[A-Za-z]{2,}", told.replace(rich.name, "")), told


def test_a_file_removed_under_an_open_dataset_is_not_written(rich, tmp_path):
    ds = Dataset.open(rich)
    moved = tmp_path / "moved.sqlite"
    os.replace(rich, moved)
    with pytest.raises(DatasetError) as caught:
        ds.update_unit(1, ds.unit_ids()[0], insured_workers=5)
    assert caught.value.code == "dataset.file_gone" and rich.name in str(caught.value)
    ds.close()
    with Dataset.open(moved, read_only=True) as moved_ds:
        assert moved_ds.year().units[0].insured_workers == 50


@pytest.fixture
def read_only_file(rich):
    """The dataset made unwritable: permissions for a user, the immutable attribute for root (who may
    write whatever the permissions say)."""
    if not hasattr(os, "geteuid"):
        pytest.skip("POSIX only")
    if os.geteuid() != 0:
        os.chmod(rich, 0o444)
        yield rich
        os.chmod(rich, 0o644)
        return
    if subprocess.run(["chattr", "+i", str(rich)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a file read-only for root here (chattr +i failed)")
    try:
        yield rich
    finally:
        subprocess.run(["chattr", "-i", str(rich)], capture_output=True)


def test_a_read_only_file_is_refused_before_anything_is_written(read_only_file):
    before = digest(read_only_file)
    with pytest.raises(DatasetError) as caught:
        Dataset.open(read_only_file)
    assert caught.value.code == "dataset.file_read_only" and read_only_file.name in str(caught.value)
    assert digest(read_only_file) == before
    with Dataset.open(read_only_file, read_only=True) as ds:  # it can still be read (and scored)
        assert len(ds.year().units) == 6


# ------------------------------------------------------------------ migrations

def test_a_version_1_file_opens_after_migrating_to_version_2(tmp_path):
    path = tmp_path / "v1.sqlite"
    year = rich_year(3)
    assert create_file(path, RULES, "张三", year=year, schema_version=1) == []
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT schema_version FROM meta").fetchone()[0] == 1
    assert "description" not in {r[1] for r in conn.execute("PRAGMA table_info(attachments)")}
    conn.close()
    before = digest(path)
    with Dataset.open(path, read_only=True) as ds:  # reading migrates a private copy, never the file
        assert ds.year() == year and ds.schema_version == SCHEMA_VERSION
    assert digest(path) == before
    with Dataset.open(path) as ds:
        assert ds.schema_version == SCHEMA_VERSION
        assert ds.year() == year
        assert ds.add_attachment(1, b"x", "a.txt", description="迁移后新增的说明").ok
        migrations = [e for e in ds.audit_entries() if e.reason == "migration 1→2"]
        assert {(e.table_name, e.field) for e in migrations} == {("attachments", "description"),
                                                                 ("meta", "schema_version")}
        assert ds.verify_audit() is None
    versions = []
    for info in backup.list_backups(path):
        conn = sqlite3.connect(info.path)
        versions.append(conn.execute("SELECT schema_version FROM meta").fetchone()[0])
        conn.close()
    assert 1 in versions  # the backup taken before migrating
    assert inspect(path).schema_version == SCHEMA_VERSION


def test_a_creation_killed_midway_leaves_nothing_the_next_creation_keeps(tmp_path):
    """A new year file is made under a hidden name and linked into place; a creation killed before
    that leaves the hidden copy, which the next creation of the same file removes — unless the
    process making it is still alive."""
    target = tmp_path / "2022年度考核.wjkh"
    child = subprocess.run([sys.executable, "-c", f"""
import os, signal, sqlite3
from core.scoring.rules import load_rule_set
from core.store import dataset
real = sqlite3.connect
def connect(path, *args, **kwargs):  # killed once the hidden copy exists
    conn = real(path, *args, **kwargs)
    conn.execute("CREATE TABLE t (x)")
    os.kill(os.getpid(), signal.SIGKILL)
dataset.sqlite3.connect = connect
dataset.create_file({str(target)!r}, load_rule_set(), "张三")
"""], cwd=ROOT, capture_output=True, text=True)
    assert child.returncode == -9, child.stderr
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers and all(".creating" in name for name in leftovers) and not target.exists()
    alive = tmp_path / f".{target.name}.{os.getppid()}.creating"  # a creation still running elsewhere
    alive.write_bytes(b"")
    assert create_file(target, RULES, "张三") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, alive.name])


def test_a_unit_just_edited_reads_as_stored_and_any_later_write_is_seen(tmp_path):
    """The unit an edit leaves is read back without querying again (the desktop re-scores it at once),
    but only while nothing has been written since: then it is read from the file as ever."""
    from tests.dataset_support import rich_year
    path = tmp_path / "y.sqlite"
    assert create_file(path, RULES, "张三", year=rich_year(3)) == []

    def stored(uid: int):
        with Dataset.open(path, read_only=True) as other:
            return other.unit(uid, as_entered=True), other.unit(uid)

    with Dataset.open(path, backups=False) as ds:
        first, second = ds.unit_ids()[:2]
        assert ds.set_insured_workers(1, first, 42).ok
        assert (ds.unit(first, as_entered=True), ds.unit(first)) == stored(first)
        assert ds.unit(first).insured_workers == 42
        assert ds.set_insured_workers(1, second, 7).ok  # another unit's edit: the first is read again
        assert (ds.unit(first, as_entered=True), ds.unit(first)) == stored(first)
        assert not ds.set_insured_workers(1, first, -1).ok  # refused and rolled back
        assert ds.unit(first).insured_workers == 42
        ds._conn.execute("UPDATE units SET insured_workers = 5 WHERE id = ?", (first,))  # no edit's write
        assert ds.unit(first).insured_workers == 5


def test_no_shared_memory_file_is_left_beside_a_year_file(tmp_path):
    """A read-only look at a year file in write-ahead mode leaves a -shm file beside it; once the
    program holds the file (its index in its own memory) that file serves no one and is removed."""
    from core.store.files import inspect
    from tests.dataset_support import rich_year
    path = tmp_path / "y.wjkh"
    assert create_file(path, RULES, "张三", year=rich_year(2)) == []
    shm = Path(f"{path}-shm")
    for _ in range(2):
        with Dataset.open(path) as ds:
            assert not shm.exists()
            assert ds.set_insured_workers(1, ds.unit_ids()[0], 5).ok
        inspect(path)  # as every opening first does
        with Dataset.open(path, read_only=True):
            pass
    with Dataset.open(path):
        assert not shm.exists()
    assert not shm.exists() and not Path(f"{path}-wal").exists()
