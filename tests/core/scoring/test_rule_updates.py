"""A year file whose stored rule set predates a reading keeps the result it was scored with; the clause
page names the newer reading and the test still in force; adopting the program's rule set is one
audited edit (reason required, refused while a sheet is signed), after which the year scores under it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import cli
from core.common.messages import render
from core.editing.session import Session
from core.scoring.engine import score_year
from core.scoring.facts import load_year, parse_year
from core.scoring.rules import load_rule_set
from core.store.dataset import Dataset, create_file
from core.store.rule_updates import adopt_rule_set, newer_reading_notice, newer_readings
from tests.dataset_support import DEMO

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
AT_FOUR = "苏州八坼新程人力资源有限公司"  # the demo unit whose composite rating is exactly 4.0


@pytest.fixture(scope="module")
def old_rules():
    """wujiang-2022 as year files made before rating_threshold store it (format 1)."""
    return load_rule_set(FIXTURES / "wujiang-2022-format1.toml", stored=True)


def demo_as_made_before(old_rules):
    """The demo year as a file made under the old rule set holds it: without the trips' evaluation-form
    ticks, evidence that rule set does not know."""
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    for unit in data["units"]:
        for trip in unit.get("trips", []):
            trip.get("evidence", {}).pop("evaluations", None)
    year, problems = parse_year(data, old_rules)
    assert not problems
    return year


@pytest.fixture
def old_year(tmp_path, old_rules):
    year = demo_as_made_before(old_rules)
    path = tmp_path / "2022.wjkh"
    create_file(path, old_rules, "张三", year=year)
    return path


def test_the_old_file_is_read_with_the_comparisons_it_was_scored_with(old_rules):
    assert old_rules.format == 1 and "rating_threshold" not in old_rules.readings
    assert {k: (t.test, t.value) for c in old_rules.clauses for k, t in c.thresholds.items()} == {
        "min_enterprises": (">=", 5), "min_people": (">=", 50), "min_ratio": (">=", 0.5), "min_stars": (">=", 4),
        "min_rating": (">=", 4)}
    assert old_rules.negative.deductions[2].threshold.test == ">="
    assert old_rules.negative.vetoes[-1].threshold.test == "<"


def test_a_rule_set_file_must_state_its_comparisons_only_a_year_file_keeps_the_older_format():
    from core.scoring.rules import RuleSetError
    with pytest.raises(RuleSetError) as refused:
        load_rule_set(FIXTURES / "wujiang-2022-format1.toml")
    assert [path for path, _ in refused.value.problems] == ["format"]
    assert "without their comparison" in refused.value.problems[0][1]


def test_a_year_file_keeps_its_result_and_is_told_of_the_newer_reading(old_year, old_rules):
    program = load_rule_set()
    with Dataset.open(old_year) as ds:
        assert ds.rule_set().sha256 == old_rules.sha256
        assert [n.code for n in ds.notices] == ["dataset.rule_set_differs"]
        at_four = score_year(ds.rule_set(), ds.year()).unit(AT_FOUR).clause("3.2")
        assert (at_four.value, at_four.rank, at_four.bonus) == (4, 10, 1)  # as it was scored: 4 itself ranked
        assert set(newer_readings(ds.rule_set(), program)) == {"3.2"}
        notice = render(newer_reading_notice(ds.rule_set(), program, "3.2"))
        assert program.readings["rating_threshold"].description in notice
        assert "门槛为“不低于 4”" in notice and "采用新版细则" in notice and "审计" in notice
        assert all(newer_reading_notice(ds.rule_set(), program, c.id) is None for c in program.clauses if c.id != "3.2")
    assert newer_readings(program, program) == {}


def test_adopting_needs_a_reason_and_no_signed_sheet(old_year, old_rules):
    with Dataset.open(old_year) as ds:
        edit = adopt_rule_set(ds, 1, "  ")
        assert [p.message.code for p in edit.problems] == ["rules.adopt_reason_required"]
        uid = ds.unit_id(AT_FOUR)
        assert ds.finalize_unit(1, uid, 1, "ab" * 32, "CN=张三", "cd" * 32).ok  # a signed sheet locks the unit
        edit = adopt_rule_set(ds, 1, "采用新读法")
        assert [p.message.code for p in edit.problems] == ["rules.adopt_units_locked"]
        assert AT_FOUR in render(edit.problems[0].message)
        assert ds.rule_set().sha256 == old_rules.sha256


def test_adopting_is_one_audited_edit_and_the_year_scores_under_the_new_rules(old_year, old_rules):
    program = load_rule_set()
    with Dataset.open(old_year) as ds:
        before = score_year(ds.rule_set(), ds.year())
        head = ds.audit_head()[0]
        edit = adopt_rule_set(ds, 1, "按民法典第1259条，“以下”包括本数")
        assert edit.ok, edit.problems
        assert ds.rule_set().sha256 == program.sha256
        rows = [e for e in ds.audit_entries("rule_sets") if e.seq > head]
        assert {(e.action, e.field) for e in rows} == {("update", "sha256"), ("update", "text")}
        by_field = {e.field: e for e in rows}
        assert json.loads(by_field["sha256"].old_value) == old_rules.sha256
        assert json.loads(by_field["sha256"].new_value) == program.sha256
        assert json.loads(by_field["text"].old_value) == old_rules.source_text  # the old law stays provable
        assert {e.reason for e in rows} == {"按民法典第1259条，“以下”包括本数"}
        assert ds.verify_audit() is None
        assert ds.check_audit().problems == []  # the trail replayed gives back the new rule set
        after = score_year(ds.rule_set(), ds.year())
        assert adopt_rule_set(ds, 1, "再次").problems[0].message.code == "rules.adopt_nothing_newer"
    changed = {(u.name, c.clause_id) for u in after.units
               for c, was in zip(u.clauses, before.unit(u.name).clauses, strict=True) if c.net != was.net}
    assert (AT_FOUR, "3.2") in changed  # the unit at exactly 4.00 loses its 3.2 bonus
    # and the 差 of trips whose evaluation forms (附件6) the old rule set did not know wait for the forms
    waiting = changed - {(AT_FOUR, "3.2")}
    assert waiting and {clause_id for _, clause_id in waiting} == {"1.2"}
    for name, _ in waiting:
        assert after.unit(name).clause("1.2").deduction == 0 < before.unit(name).clause("1.2").deduction
        assert "trips.forms_unseen_poor" in {m.code for m in after.unit(name).clause("1.2").explanation.notes}
    assert after.unit(AT_FOUR).clause("3.2").rank is None
    assert after.unit(AT_FOUR).total == before.unit(AT_FOUR).total - 1
    with Dataset.open(old_year) as ds:  # the file now holds the new rule set: nothing to tell
        assert ds.rule_set().sha256 == program.sha256 and ds.notices == []


def test_the_session_adopts_and_scores_again(old_year):
    with Dataset.open(old_year) as ds:
        session = Session(ds, 1)
        heard = []
        session.listeners.append(heard.append)
        uid = session.unit_id(AT_FOUR)
        assert session.newer_reading_notice("3.2") is not None
        assert session.clause_result(uid, "3.2").bonus == 1
        assert session.adopt_rules("采用新读法").ok
        assert heard == [None]
        assert session.clause_result(uid, "3.2").bonus == 0
        assert session.rules.reading("rating_threshold") == "above"
        assert session.newer_reading_notice("3.2") is None


def test_the_session_says_which_rule_sets_the_year_may_adopt(old_year, old_rules):
    from tests.example_rules import EXAMPLE_2023
    program, other_year = load_rule_set(), load_rule_set(EXAMPLE_2023)
    with Dataset.open(old_year) as ds:
        session = Session(ds, 1)
        assert session.may_adopt(program)  # the same year's, other than the one stored
        assert not session.may_adopt(old_rules) and not session.may_adopt(other_year)
    with Dataset.open(old_year, read_only=True) as ds:
        assert not Session(ds, 1).may_adopt(program)  # nothing changes in a year opened read-only


def test_the_command_line_adopts_with_a_reason(old_year, capsys):
    assert cli.main(["adopt-rules", "--dataset", str(old_year), "--reason", "采用新读法", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "综合评分门槛的读法" in out and "rating_threshold" not in out and "审计" in out
    assert cli.main(["adopt-rules", "--dataset", str(old_year), "--reason", "再次"]) == 2
    assert "无需更换" in capsys.readouterr().err


def test_the_score_sheet_prints_the_reading_in_force_and_the_other(tmp_path):
    import subprocess
    rules = load_rule_set()
    year, _ = load_year(DEMO, rules)
    path = tmp_path / "2022.wjkh"
    create_file(path, rules, "张三", year=year)
    out = tmp_path / "sheet.pdf"
    assert cli.main(["export-pdf", "sheet", "--dataset", str(path), "--unit", AT_FOUR, "--out", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    chosen, other = (c.description for c in rules.readings["rating_threshold"].choices)
    assert "".join(f"〔3.2〕本年度采用的读法：{chosen}另一读法（未采用）：{other}".split()) in flat
    table = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"3\.2\s+平台综合评分加分\s+—\s+0\s+0\s+0\s+0\*", table)  # exactly 4.00: no bonus
