"""The exchange format's check remembers the records it found valid (an edit checks its unit anew, and
only the record it changed is new): it finds exactly the problems a plain check finds, whatever was
checked before."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from core.scoring.facts import _refs_in_place, _schema_problems, schema, schema_validator, year_to_json
from tests.dataset_support import rich_year, years

WHOLE = schema()
PLAIN = Draft202012Validator(_refs_in_place(WHOLE, WHOLE["$defs"]))
# Wrong values a record's field may be given: a wrong type, a negative count, an unknown choice, an empty text.
WRONG = [None, -1, "x", "", [], {}, 1.5, True, {"extra": 1}, ["a", 1]]


def both(doc: dict) -> tuple[list, list]:
    return _schema_problems(doc, "年度.json"), _schema_problems(doc, "年度.json", PLAIN)


def spoiled(doc: dict, draw) -> dict:
    """The document with one value somewhere inside a unit replaced by a wrong one."""
    doc = copy.deepcopy(doc)
    if not doc["units"]:
        return doc
    node = doc["units"][draw(st.integers(0, len(doc["units"]) - 1))]
    for _ in range(draw(st.integers(0, 3))):  # down into a record or a dictionary now and then
        inner = [k for k, v in node.items() if isinstance(v, dict) or (isinstance(v, list) and v
                                                                         and isinstance(v[0], dict))]
        if not inner:
            break
        key = draw(st.sampled_from(sorted(inner)))
        node = node[key] if isinstance(node[key], dict) else node[key][draw(st.integers(0, len(node[key]) - 1))]
        if not node:
            return doc
    key = draw(st.sampled_from(sorted(node) + ["不认识的键"]))
    node[key] = draw(st.sampled_from(WRONG))
    return doc


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years(), st.data())
def test_the_problems_are_those_of_a_plain_check_before_and_after_a_change(year, data):
    doc = year_to_json(year)
    assert both(doc)[0] == both(doc)[1] == []  # checked once: every record of it is remembered
    bad = spoiled(doc, data.draw)
    remembered, plain = both(bad)
    assert remembered == plain
    assert both(bad)[0] == plain  # a record found wrong is not remembered as right
    assert both(doc)[0] == []  # the valid one is still valid


def test_a_record_found_valid_is_checked_again_where_another_kind_of_record_belongs():
    doc = year_to_json(rich_year(2))
    assert both(doc)[0] == []
    moved = copy.deepcopy(doc)
    moved["units"][0]["trips"].append(copy.deepcopy(doc["units"][0]["bases"][0]))  # a base among the trips
    remembered, plain = both(moved)
    assert remembered == plain and remembered
    assert any("trips" in p.location for p in remembered)


def test_a_change_inside_a_remembered_record_is_found_where_it_is():
    doc = year_to_json(rich_year(3))
    assert both(doc)[0] == []
    changed = copy.deepcopy(doc)
    changed["units"][1]["bases"][1]["people"] = -5
    changed["units"][2]["evidence"][next(iter(changed["units"][2]["evidence"]))] = {"agreement": "是"}
    remembered, plain = both(changed)
    assert remembered == plain
    assert [(p.location, p.field) for p in remembered][:1] == [("$.units[1].bases[1]", "people")]
    assert len(remembered) == 2


def test_it_remembers_no_more_than_its_limit(monkeypatch):
    import core.scoring.facts as facts
    monkeypatch.setattr(facts, "_MOST_VALID_KEPT", 3)
    schema_validator.cache_clear()
    try:
        doc = year_to_json(rich_year(4))
        assert both(doc)[0] == []
        assert json.dumps(doc)  # still checked whole, and valid, with the memory emptied as it fills
        doc["units"][3]["bases"][0]["people"] = "很多"
        assert both(doc)[0] == both(doc)[1] != []
    finally:
        schema_validator.cache_clear()
