"""The audit trail proves the facts (core/store/audit_check.py): every change made to a year file outside
the program — with plain sqlite3 on a copy of the demo year — is found and named (table, record,
field), by `Dataset.check_audit`, by `verify-audit` and, for the quick part, when the year opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.common.messages import render
from core.store import backup
from core.store.dataset import Dataset
from core.store.files import DatasetError
from tests.audit_tampers import ISSUE_TAMPERS, TAMPERS, build_year, copy_year
from tests.dataset_support import run


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    return build_year(tmp_path_factory.mktemp("year"))


@pytest.fixture
def copy(year, tmp_path) -> Path:
    return copy_year(year, tmp_path)


def found(path: Path) -> tuple[list, int | None]:
    """(problems, first broken row) of the full check, or the refusal to open as one problem."""
    try:
        with Dataset.open(path, read_only=True) as ds:
            report = ds.check_audit()
    except DatasetError as exc:
        return [exc], None
    return report.problems, report.broken


def test_the_year_as_the_program_left_it_is_proved(year):
    with Dataset.open(year, read_only=True) as ds:
        report = ds.check_audit()
        assert report.ok, [render(p.message) for p in report.problems]
        assert report.count == ds.audit_head()[0] and [a.problem for a in report.anchors] == [None]
        assert ds.quick_audit_check() == []
    result = run("verify-audit", str(year))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "与备份" in result.stdout and "一致" in result.stdout


@pytest.mark.parametrize("name", list(TAMPERS))
def test_every_change_outside_the_program_is_found_and_named(copy, name):
    tamper = TAMPERS[name]
    tamper.apply(copy)
    problems, broken = found(copy)
    if problems and isinstance(problems[0], DatasetError):  # refused at the door, named
        assert tamper.table == "rule_sets" and "考核细则" in str(problems[0])
        return
    assert problems or broken is not None, name
    places = [(p.location.split("/")[0], p.location.partition("/")[2], p.field) for p in problems]
    if tamper.table == "audit" and broken is not None and tamper.record is not None:
        assert broken == int(tamper.record)
    else:
        assert any(table == tamper.table and (tamper.record is None or record == tamper.record)
                   and (not tamper.field or field == tamper.field) for table, record, field in places), places
    for problem in problems:  # every sentence is the bureau's: no table or column names
        text = render(problem.message)
        assert "units" not in text and "insured_workers" not in text and "{" not in text, text


def test_the_sentences_name_the_unit_and_the_field(copy):
    TAMPERS["insured_workers"].apply(copy)
    problems, _ = found(copy)
    with Dataset.open(copy, read_only=True) as ds:
        name = ds.year().units[0].name
    assert [render(p.message) for p in problems] == [
        f"单位“{name}”的“投保人数”在程序外被改为 99999（审计记录为 259）。"]
    result = run("verify-audit", str(copy))
    assert result.returncode == 1
    assert f"单位“{name}”的“投保人数”在程序外被改为 99999" in result.stdout


def test_a_cut_trail_is_named_against_the_backup(copy):
    TAMPERS["last_50_rows_cut"].apply(copy)
    result = run("verify-audit", str(copy))
    assert result.returncode == 1
    assert "审计记录被截短" in result.stdout and "文件现在只有" in result.stdout


def test_a_consistent_rewrite_is_found_only_by_the_anchor(copy):
    TAMPERS["fact_and_trail_rechained"].apply(copy)
    with Dataset.open(copy, read_only=True) as ds:
        assert ds.verify_audit() is None  # the chain itself holds
        report = ds.check_audit(anchors=[])
        assert report.ok  # the facts agree with the (forged) trail
        report = ds.check_audit()
        assert not report.ok and report.anchors[0].first_difference is not None
    result = run("verify-audit", str(copy))
    assert result.returncode == 1 and "审计记录被改写" in result.stdout and "起不同" in result.stdout


@pytest.mark.parametrize("name", ["triggers_dropped", "last_50_rows_cut", "fact_and_trail_rechained",
                                  "middle_row_rechained", "trigger_added", "insured_workers", "unit_deleted",
                                  "veto_cleared", "promotion_inserted", "attachment_swapped", "unit_unlocked",
                                  "evidence_ticked", "rule_set_replaced"])
def test_opening_finds_what_the_quick_check_can_see(copy, name):
    TAMPERS[name].apply(copy)
    before = sorted(p.name for p in copy.with_name(copy.stem + ".backups").iterdir())
    with Dataset.open(copy) as ds:
        assert ds.audit_problems
        assert any(n.code == "audit.open_changed" for n in ds.notices)
    after = sorted(p.name for p in copy.with_name(copy.stem + ".backups").iterdir())
    assert after == before  # the changed file is not backed up over the good ones


def test_the_sixteen_of_the_issue_are_all_found(year, tmp_path):
    caught = 0
    for name in ISSUE_TAMPERS:
        folder = tmp_path / name
        folder.mkdir()
        path = copy_year(year, folder)
        TAMPERS[name].apply(path)
        problems, broken = found(path)
        caught += bool(problems) or broken is not None
    assert caught == 16


def test_opening_compares_the_tables_only_when_nothing_was_edited_since_the_newest_backup(copy):
    with Dataset.open(copy, backups=False) as ds:
        assert ds.update_unit(1, ds.unit_ids()[1], contact_person="王芳").ok
    TAMPERS["insured_workers"].apply(copy)
    with Dataset.open(copy, backups=False) as ds:
        assert ds.audit_problems == []  # the trail moved on since the backup: the full check is needed
        assert not ds.check_audit().ok


def test_the_desktop_backs_up_the_last_edits_when_it_closes_a_year(copy):
    with Dataset.open(copy) as ds:
        assert ds.backup_if_edited() is None  # nothing edited since the backup of opening
        assert ds.update_unit(1, ds.unit_ids()[1], contact_person="王芳").ok
        made = ds.backup_if_edited()
        assert made is not None and ds.backup_if_edited() is None
    TAMPERS["insured_workers"].apply(copy)
    with Dataset.open(copy, backups=False) as ds:
        assert [p.location for p in ds.audit_problems] == ["units"]
        assert "运营单位在程序外被改动" in render(ds.audit_problems[0].message)


def test_a_person_changed_is_named_from_the_backup_that_still_has_the_import(copy):
    TAMPERS["person_changed"].apply(copy)
    problems, _ = found(copy)
    (text,) = [render(p.message) for p in problems]
    assert text.startswith("导入的名单“附件2花名册.xlsx”中“花名册”第 3 行（") and "的“月数”在程序外被改为 12（导入时为 " in text
    assert "********" in text  # the ID number masked
    for info in backup.list_backups(copy):  # without a backup: the import named, with its row counts
        info.path.unlink()
    problems, _ = found(copy)
    assert [render(p.message) for p in problems] == [
        "导入的名单“附件2花名册.xlsx”在程序外被改动：导入时 5 行，人员内容与审计记录的校验值不符（现有 5 行）。"]
