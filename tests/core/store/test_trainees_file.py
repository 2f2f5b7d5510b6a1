"""A school base's trainees (见习) among its people and retained, in the year file: a file of schema 8 opens with
every base not told apart (scored as before, whichever rule set it keeps), the split is typed as one audited edit
that undo sets back, a split larger than the total is refused in one sentence, and the exchange format carries it."""

from __future__ import annotations

import datetime as dt
import sqlite3

from core.common.messages import render
from core.scoring.engine import score_year
from core.scoring.facts import Base, Unit, Year, parse_year, year_to_json
from core.scoring.rules import parse_rule_set
from core.store.dataset import Dataset, create_file
from core.store.files import SCHEMA_VERSION
from tests.builders import RULES, credit_code, evidence, untick

SPLIT_PARAMS = 'trainees_evidence = ["annex3", "annex4", "district_list"], interns_evidence = ["annex3", "annex4"]'
OLD_PARAMS = 'placements_evidence = ["annex3", "annex4", "district_list"]'
DAY = dt.date(2022, 4, 1)


def year_of(rules) -> Year:
    """Two units; 甲's school base waits for the district list (附件3 and 附件4 seen)."""
    units = []
    for name, people in (("甲", 40), ("乙", 45)):
        bases = (Base("劳务基地", "labour", DAY, {"agreement": True}, people, 20),
                 Base("西部职院", "school", DAY, {"agreement": True}, 20, 10))
        ticks = untick(evidence(["2.1", "2.2"]), "2.1", "district_list") if name == "甲" else evidence(["2.1", "2.2"])
        units.append(Unit(name, credit_code(name), ("hr_service",), bases=bases, evidence=ticks))
    return Year(2022, rules.id, tuple(units))


def columns(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[1] for row in conn.execute("PRAGMA table_info(bases)")}
    finally:
        conn.close()


def test_a_schema_8_file_opens_with_its_bases_not_told_apart_and_keeps_its_scores(tmp_path):
    old_rules = parse_rule_set(RULES.source_text.replace(SPLIT_PARAMS, OLD_PARAMS), stored=True)
    year = year_of(old_rules)
    before = score_year(old_rules, year)
    assert before.unit("甲").clause("2.1").value == 40 and before.unit("乙").clause("2.1").value == 65
    path = tmp_path / "v8.wjkh"
    assert create_file(path, old_rules, "张三", year=year, schema_version=8) == []
    assert not {"trainees", "trainees_retained"} & columns(path)

    with Dataset.open(path) as ds:
        assert ds.schema_version == SCHEMA_VERSION >= 9
        assert ds.year() == year
        assert all(b.trainees is None and b.trainees_retained is None for u in ds.year().units for b in u.bases)
        after = score_year(ds.rule_set(), ds.year())
        for name in ("甲", "乙"):
            for clause in ("2.1", "2.2", "4.2"):
                assert after.unit(name).clause(clause).net == before.unit(name).clause(clause).net
        assert after.unit("甲").total == before.unit("甲").total and after.unit("乙").rank == before.unit("乙").rank
        migration = [e for e in ds.audit_entries() if e.reason == "migration 8→9"]
        assert {(e.table_name, e.field) for e in migration} == {
            ("bases", "trainees"), ("bases", "trainees_retained"), ("meta", "schema_version")}
        assert ds.verify_audit() is None
    assert {"trainees", "trainees_retained"} <= columns(path)


def test_the_split_is_an_audited_edit_and_the_interns_then_count(tmp_path):
    path = tmp_path / "year.wjkh"
    assert create_file(path, RULES, "张三", year=year_of(RULES)) == []
    with Dataset.open(path) as ds:
        unit = ds.unit_ids()[0]
        school = ds.base_ids(unit)[1]
        assert score_year(RULES, ds.year()).unit("甲").clause("2.1").value == 40
        assert ds.update_base(1, school, trainees=12, trainees_retained=6).ok
        assert ds.unit(unit).bases[1].trainees == 12
        assert score_year(RULES, ds.year()).unit("甲").clause("2.1").value == 48  # the 8 interns count
        rows = [e for e in ds.audit_entries("bases", str(school)) if e.field in ("trainees", "trainees_retained")]
        assert [(e.field, e.old_value, e.new_value) for e in rows] == [
            ("trainees", None, "12"), ("trainees_retained", None, "6")]
        refused = ds.update_base(1, school, trainees=21)
        assert not refused.ok and [render(p.message) for p in refused.problems] == [
            "其中见习人数 21 不能多于该基地的总人数 20"]
        refused = ds.update_base(1, school, trainees_retained=11)
        assert [render(p.message) for p in refused.problems] == [
            "其中见习满六个月人数 11 不能多于该基地满六个月的总人数 10"]
        refused = ds.update_base(1, school, trainees_retained=3)  # 7 of the 8 interns retained: fine
        assert refused.ok
        refused = ds.update_base(1, school, trainees=5)  # then 7 retained of 15 interns, 3 of 5 trainees: fine
        assert refused.ok
        refused = ds.update_base(1, school, trainees=2)  # 3 retained trainees of 2
        assert [render(p.message) for p in refused.problems] == ["其中见习满六个月人数 3 不能多于其中见习人数 2"]
        refused = ds.update_base(1, school, trainees=15)  # 7 retained interns of 5
        assert [render(p.message) for p in refused.problems] == [
            "实习满六个月人数 7（满六个月人数减其中见习满六个月人数）不能多于实习人数 5（人数减其中见习人数）"]
        assert ds.update_base(1, school, trainees=12, trainees_retained=6).ok
        refused = ds.update_base(1, school, people=10)  # fewer people than the trainees typed
        assert [p.message.code for p in refused.problems] == ["fact.trainees_exceed_people"]
        assert ds.unit(unit).bases[1].trainees == 12  # nothing written
        assert ds.verify_audit() is None


def test_the_exchange_format_carries_the_split_and_leaves_it_out_when_not_told_apart():
    year = year_of(RULES)
    bases = year.units[0].bases
    split = Year(2022, RULES.id, (Unit(year.units[0].name, year.units[0].credit_code, ("hr_service",),
                                      bases=(bases[0], Base(bases[1].name, "school", DAY, {"agreement": True}, 20, 10,
                                                            trainees=12, trainees_retained=6)),
                                      evidence=year.units[0].evidence),))
    data = year_to_json(split)
    assert {k: data["units"][0]["bases"][1][k] for k in ("trainees", "trainees_retained")} == {
        "trainees": 12, "trainees_retained": 6}
    assert "trainees" not in data["units"][0]["bases"][0]
    again, problems = parse_year(data, RULES)
    assert problems == [] and again == split
    data["units"][0]["bases"][1]["trainees"] = 25
    _, problems = parse_year(data, RULES)
    assert [(p.location, p.field, p.message.code) for p in problems] == [
        ("$.units[0].bases[1]", "trainees", "fact.trainees_exceed_people")]
    data["units"][0]["bases"][1]["trainees"] = -1
    _, problems = parse_year(data, RULES)
    assert [(p.location, p.field, p.message.code) for p in problems] == [
        ("$.units[0].bases[1]", "trainees", "schema.minimum")]
