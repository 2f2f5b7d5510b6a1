"""Incremental re-scoring (core.scoring.engine.YearScorer through core.editing.session.Session): after every edit of
a random sequence on a random year, the session's scores equal a full score_year of the year as
stored, field by field: numbers and their types, explanations, provisional marks, ranks, grades,
quotas, ties and vetoes."""

from __future__ import annotations

import dataclasses
import tempfile
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.editing.session import Session
from core.scoring.engine import YearResult, YearScorer, score_year
from core.scoring.facts import Year
from core.store.dataset import Dataset, create_file
from tests.builders import RULES, credit_code, strong_unit
from tests.core.scoring.test_properties import EVIDENCE_ITEMS, IN_PERIOD_DATES, OTHER_DATES, years

DATES = IN_PERIOD_DATES + OTHER_DATES
VERDICTS = list(RULES.evaluation_verdicts)
CLAUSE_FIELDS = ("clause_id", "points", "bonus", "deduction", "net", "provisional", "rank", "ranked_among", "value")
UNIT_FIELDS = ("name", "sections", "deductions", "deductions_total", "total", "status", "status_reasons", "rank",
               "grade", "grade_notes")


def same(actual, expected, where: str) -> None:
    assert actual == expected, where
    assert type(actual) is type(expected), where  # an int and an equal Fraction print differently


def assert_same_scores(actual: YearResult, expected: YearResult) -> None:
    for field in ("rule_set_id", "year", "quotas", "ties", "rejected_promotions", "provisional"):
        same(getattr(actual, field), getattr(expected, field), field)
    assert [u.name for u in actual.units] == [u.name for u in expected.units]
    for a, e in zip(actual.units, expected.units, strict=True):
        for field in UNIT_FIELDS:
            same(getattr(a, field), getattr(e, field), f"{a.name} {field}")
        for s_a, s_e in zip(a.sections, e.sections, strict=True):
            for x, y in zip(s_a, s_e, strict=True):
                same(x, y, f"{a.name} section {s_a.id}")
        assert len(a.clauses) == len(e.clauses)
        for c_a, c_e in zip(a.clauses, e.clauses, strict=True):
            for field in CLAUSE_FIELDS:
                same(getattr(c_a, field), getattr(e.clause(c_a.clause_id), field), f"{a.name} {c_a.clause_id} {field}")
            assert c_a.explanation == c_e.explanation, f"{a.name} {c_a.clause_id} explanation"
            assert c_a == c_e, f"{a.name} {c_a.clause_id}: the same recipe of its explanation"


def pick(data, values, label):
    return data.draw(st.sampled_from(list(values)), label=label)


def edit_once(s: Session, data) -> None:
    """One edit the desktop makes, of a random kind, on a random unit (or undo/redo)."""
    uid = pick(data, s.unit_ids, "unit")
    unit = s.unit(uid)
    kind = data.draw(st.sampled_from([
        "tick", "tick_base", "tick_trip", "base_people", "base_date", "add_base", "remove_base", "add_trip",
        "trip", "evaluations", "remove_trip", "add_delivery", "delivery", "remove_delivery", "insured",
        "rating", "management", "negatives", "final", "new_member", "undo", "redo"]), label="edit")
    bases, trips, deliveries = s.base_ids(uid), s.trip_ids(uid), s.delivery_ids(uid)
    date = st.sampled_from(DATES)
    if kind == "tick":
        cid, item = pick(data, EVIDENCE_ITEMS, "item")
        s.tick("勾选", uid, cid, item, pick(data, [True, False, None], "seen"))
    elif kind == "tick_base" and bases:
        item = RULES.record_clause("bases").record_evidence[0].id
        s.tick_base("协议", uid, pick(data, bases, "base"), item, data.draw(st.booleans()))
    elif kind == "tick_trip" and trips:
        item = pick(data, [i.id for i in RULES.record_clause("trips").record_evidence], "trip item")
        s.tick_trip("备案", uid, pick(data, trips, "trip"), item, data.draw(st.booleans()))
    elif kind == "base_people" and bases:
        people = data.draw(st.integers(0, 120))
        s.update_base("人数", uid, pick(data, bases, "base"), people=people,
                      retained=data.draw(st.integers(0, people)))
    elif kind == "base_date" and bases:
        s.update_base("日期", uid, pick(data, bases, "base"), agreement_date=data.draw(date),
                      type=pick(data, ["labour", "school"], "type"))
    elif kind == "add_base":
        people = data.draw(st.integers(0, 120))
        s.add_base("新增基地", uid, f"基地{len(bases)}", pick(data, ["labour", "school"], "type"), data.draw(date),
                   people=people, retained=data.draw(st.integers(0, people)))
    elif kind == "remove_base" and bases:
        s.remove_base("删除基地", uid, pick(data, bases, "base"))
    elif kind == "add_trip":
        s.add_trip("新增", uid, data.draw(date), "铜仁", pick(data, ["offline", "online"], "mode"),
                   data.draw(st.integers(0, 9)))
    elif kind == "trip" and trips:
        s.update_trip("企业", uid, pick(data, trips, "trip"), enterprises=data.draw(st.integers(0, 9)),
                      mode=pick(data, ["offline", "online"], "mode"))
    elif kind == "evaluations" and trips:
        s.set_trip_evaluations("评价", uid, pick(data, trips, "trip"),
                               data.draw(st.lists(st.sampled_from(VERDICTS), max_size=6)))
    elif kind == "remove_trip" and trips:
        s.remove_trip("删除", uid, pick(data, trips, "trip"))
    elif kind == "add_delivery":
        s.add_delivery("新增", uid, data.draw(date), "缺工企业", data.draw(st.integers(1, 5)))
    elif kind == "delivery" and deliveries:
        s.update_delivery("星级", uid, pick(data, deliveries, "delivery"), stars=data.draw(st.integers(1, 5)))
    elif kind == "remove_delivery" and deliveries:
        s.remove_delivery("删除", uid, pick(data, deliveries, "delivery"))
    elif kind == "insured":
        s.set_insured_workers("投保", uid, data.draw(st.integers(0, 150)))
    elif kind == "rating":
        s.set_platform_rating("评分", uid, data.draw(st.none() | st.integers(30, 50).map(lambda r: Fraction(r, 10))))
    elif kind == "management":
        s.set_management("4.1", uid, data.draw(st.none() | st.integers(0, 20).map(lambda r: Fraction(r, 2))),
                         pick(data, ["", "现场核查"], "reason"))
    elif kind == "negatives":
        s.set_negatives("负面", uid, complaints=data.draw(st.integers(0, 7)),
                        major_incident=data.draw(st.integers(0, 9).map(lambda n: n == 0)),
                        credit_grades={k: g for k in unit.kinds
                                       if (g := pick(data, [None, None, "A", RULES.credit_scale(k)[-1]], "credit"))
                                       is not None})
    elif kind == "final":
        s.mark_final("确认", [uid], not unit.facts_final)
    elif kind == "new_member":
        s.update_unit("新成员", uid, new_member=not unit.new_member)
    elif kind == "undo":
        s.undo()
    elif kind == "redo":
        s.redo()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(years(min_units=2, max_units=8), st.data())
def test_incremental_scores_equal_a_full_recompute_after_every_edit(year, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "year.wjkh"
        assert create_file(path, RULES, "张三", year=year) == []
        ds = Dataset.open(path, backups=False)
        try:
            s = Session(ds, 1)
            for _ in range(data.draw(st.integers(1, 12), label="edits")):
                edit_once(s, data)
                assert_same_scores(s.result, score_year(s.rules, ds.year()))
        finally:
            ds.close()


def test_an_edit_that_moves_a_ranked_value_re_ranks_every_unit():
    """Raising one unit's rating past the others' moves their ranks in the rating clause too;
    scoring the same facts again scores nothing."""
    units = [strong_unit(f"单位{i}", credit_code=credit_code(f"单位{i}"), platform_rating=Fraction(40 + i, 10))
             for i in range(5)]
    year = Year(RULES.year, RULES.id, tuple(units))
    scorer = YearScorer(RULES)
    rating = RULES.clause_entering("platform_rating").id
    assert scorer.score(year).unit("单位4").clause(rating).rank == 1
    raised = Year(year.year, year.rule_set,
                  (units[0], dataclasses.replace(units[1], platform_rating=Fraction(50, 10)), *units[2:]))
    after = scorer.rescore(raised)
    assert after.unit("单位1").clause(rating).rank == 1
    assert after.unit("单位4").clause(rating).rank == 2
    assert_same_scores(after, score_year(RULES, raised))
    assert scorer.rescore(raised) is after  # nothing edited: nothing scored again
