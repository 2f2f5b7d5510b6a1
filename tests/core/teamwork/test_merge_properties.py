"""Property: any interleaving of edits made on two field copies, merged back, gives the year the same
facts as the same edits made one after the other in one file, whenever the copies edit different facts;
and the merge preview names exactly the units whose 定稿 the merge withdraws."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import zlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.common.messages import render
from core.scoring.facts import year_to_json
from core.store.dataset import Dataset, create_file
from core.teamwork.field_copy import make_field_copy
from core.teamwork.merge import merge_copy
from core.teamwork.plan import change_words, plan_merge, withdrawal_words
from tests.builders import RULES
from tests.dataset_support import rich_year

UNITS = 3
ITEMS = (("4.1", "documents"), ("4.1", "minutes"), ("4.3", "monthly_reports"), ("1.3", "annual_plan"))
NAMES = ("王芳", "周敏", "")

OPS = {  # each kind of edit, by name
    "insured": st.tuples(st.just("insured"), st.integers(0, UNITS - 1), st.integers(0, 300)),
    "people": st.tuples(st.just("people"), st.integers(0, UNITS - 1), st.integers(0, 1), st.integers(40, 200)),
    "tick": st.tuples(st.just("tick"), st.integers(0, UNITS - 1), st.integers(0, len(ITEMS) - 1),
        st.sampled_from((True, False, None))),
    "contact": st.tuples(st.just("contact"), st.integers(0, UNITS - 1), st.sampled_from(NAMES)),
    "note": st.tuples(st.just("note"), st.integers(0, UNITS - 1), st.sampled_from(("1.1", "2.1", "4.3")),
        st.sampled_from(("", "材料齐全", "月报缺三月"))),
    "delivery": st.tuples(st.just("delivery"), st.integers(0, UNITS - 1), st.integers(0, 10**6), st.integers(0, 5)),
    "stars": st.tuples(st.just("stars"), st.integers(0, UNITS - 1), st.integers(0, 3), st.integers(0, 5)),
    "evaluations": st.tuples(st.just("evaluations"), st.integers(0, UNITS - 1),
        st.lists(st.sampled_from(("好", "较好", "一般", "差")), max_size=6).map(tuple)),
    "complaints": st.tuples(st.just("complaints"), st.integers(0, UNITS - 1), st.integers(0, 9)),
    "management": st.tuples(st.just("management"), st.integers(0, UNITS - 1), st.sampled_from((None, 4, 7.5)),
        st.sampled_from(("", "会议纪要不全"))),
    "trip": st.tuples(st.just("trip"), st.integers(0, UNITS - 1), st.integers(0, 10**6), st.integers(0, 9)),
}
ops = st.one_of(*OPS.values())


# Edits that set one fact each (a whole list of evaluations, or an award with its reason, set several): drawn from
# the other kinds, not filtered out of all of them (a filter can reject so often that Hypothesis gives up).
one_field_ops = st.one_of(*(made for name, made in OPS.items() if name not in ("management", "evaluations")))


def changed(ds: Dataset, who: int, op: tuple) -> bool:
    head = ds.audit_head()
    apply(ds, who, op)
    return ds.audit_head() != head


def fact_key(op: tuple) -> tuple:
    """The fact an edit changes: adding a delivery changes a fact of its own."""
    if op[0] in ("delivery", "trip"):
        return op
    return op[:2] if op[0] in ("evaluations", "complaints", "management") else op[:-1]


def apply(ds: Dataset, who: int, op: tuple) -> None:
    unit = ds.unit_ids()[op[1]]
    kind = op[0]
    if kind == "insured":
        edit = ds.set_insured_workers(who, unit, op[2])
    elif kind == "people":
        edit = ds.update_base(who, ds.base_ids(unit)[op[2]], people=op[3])
    elif kind == "tick":
        clause, item = ITEMS[op[2]]
        edit = ds.tick_evidence(who, unit, clause, item, op[3])
    elif kind == "contact":
        edit = ds.update_unit(who, unit, contact_person=op[2])
    elif kind == "note":
        edit = ds.set_clause_note(who, unit, op[2], op[3])
    elif kind == "delivery":
        edit = ds.add_delivery(who, unit, dt.date(2022, 6, 1), f"现场企业{op[2]}", op[3])
    elif kind == "stars":
        edit = ds.update_delivery(who, ds.delivery_ids(unit)[op[2]], stars=op[3])
    elif kind == "evaluations":
        edit = ds.set_trip_evaluations(who, ds.trip_ids(unit)[0], op[2])
    elif kind == "complaints":
        edit = ds.set_negatives(who, unit, complaints=op[2])
    elif kind == "management":
        edit = ds.set_management(who, unit, op[2], op[3])
    else:
        edit = ds.add_trip(who, unit, dt.date(2022, 9, 1), f"现场{op[2]}", "offline", op[3])
    assert edit.ok, edit.problems


def state(ds: Dataset) -> tuple:
    """The year's facts, each unit's records in a stable order (records both copies added have no
    order between them), and the clause notes."""
    data = year_to_json(ds.year(as_entered=True))
    for unit in data["units"]:
        for records in ("deliveries", "trips"):
            unit[records] = sorted(unit[records], key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    names = {uid: ds.unit(uid).name for uid in ds.unit_ids()}
    return data, {(names[u], c): n for (u, c), n in ds.clause_notes().items()}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(ops, max_size=24), salt=st.integers(0, 2**16), b_first=st.booleans())
def test_edits_on_two_copies_merged_equal_the_edits_in_one_file(edits, salt, b_first):
    with tempfile.TemporaryDirectory() as folder:
        year = Path(folder) / "2022.wjkh"
        assert not create_file(year, RULES, "组长", year=rich_year(UNITS))
        single = Path(folder) / "one.wjkh"
        shutil.copy(year, single)
        with Dataset.open(year, backups=False) as ds:
            make_field_copy(ds, Path(folder) / "a.wjkh", "张三", 1)
            make_field_copy(ds, Path(folder) / "b.wjkh", "李四", 1)
        side = {fact_key(op): (zlib.crc32(repr(fact_key(op)).encode()) + salt) % 2 for op in edits}
        with Dataset.open(single, backups=False) as one, \
                Dataset.open(Path(folder) / "a.wjkh", backups=False) as a, \
                Dataset.open(Path(folder) / "b.wjkh", backups=False) as b:
            copies = ((a, a.assessor_id("张三")), (b, b.assessor_id("李四")))
            for op in edits:  # the interleaving: one after the other, each on its copy
                apply(one, 1, op)
                copy, who = copies[side[fact_key(op)]]
                apply(copy, who, op)
            expected = state(one)
        with Dataset.open(year, backups=False) as ds:
            for name in ("b.wjkh", "a.wjkh") if b_first else ("a.wjkh", "b.wjkh"):
                with Dataset.open(Path(folder) / name, read_only=True) as copy:
                    plan, edit = merge_copy(ds, copy, name, 1)
                    assert edit.ok and not plan.conflicts, (edit.problems, plan.conflicts)
            assert state(ds) == expected
            assert ds.check_audit().ok
            with Dataset.open(Path(folder) / "a.wjkh", read_only=True) as copy:  # merging again: nothing new
                assert merge_copy(ds, copy, "a.wjkh", 1)[0].rows == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a_edits=st.lists(one_field_ops, max_size=14), b_edits=st.lists(one_field_ops, max_size=14),
       take=st.sampled_from(("mine", "theirs")))
def test_every_conflict_taken_from_one_side_equals_that_side_made_last(a_edits, b_edits, take):
    """Copies editing the same facts: copy A merged, then copy B with every conflict taken one way. The
    copy's side everywhere is A's edits then B's in one file; the year file's side everywhere, B's then A's
    (the edits that changed something where they were made: an edit that changed nothing is no change
    to merge)."""
    with tempfile.TemporaryDirectory() as folder:
        year = Path(folder) / "2022.wjkh"
        assert not create_file(year, RULES, "组长", year=rich_year(UNITS))
        single = Path(folder) / "one.wjkh"
        shutil.copy(year, single)
        with Dataset.open(year, backups=False) as ds:
            make_field_copy(ds, Path(folder) / "a.wjkh", "张三", 1)
            make_field_copy(ds, Path(folder) / "b.wjkh", "李四", 1)
        with Dataset.open(single, backups=False) as one, \
                Dataset.open(Path(folder) / "a.wjkh", backups=False) as a, \
                Dataset.open(Path(folder) / "b.wjkh", backups=False) as b:
            made_a = [op for op in a_edits if changed(a, a.assessor_id("张三"), op)]
            made_b = [op for op in b_edits if changed(b, b.assessor_id("李四"), op)]
            for op in (made_a + made_b if take == "theirs" else made_b + made_a):
                apply(one, 1, op)
            expected = state(one)
        with Dataset.open(year, backups=False) as ds:
            for name in ("a.wjkh", "b.wjkh"):
                with Dataset.open(Path(folder) / name, read_only=True) as copy:
                    plan = plan_merge(ds, copy, name)
                    assert all(c.can_take_theirs for c in plan.conflicts)
                    choices = {c.number: take for c in plan.conflicts}
                    plan, edit = merge_copy(ds, copy, name, 1, choices=choices, reason="以一方为准")
                    assert edit.ok, edit.problems
            assert state(ds) == expected
            assert ds.check_audit().ok


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(ops, max_size=16))
def test_the_preview_names_exactly_the_units_whose_final_the_merge_withdraws(edits):
    """Every unit marked 定稿 in the office after the copy was made (one was not 定稿 then), whatever the
    field changed: the units the preview says lose their 定稿 — the copy's own withdrawals and those the
    merge makes — are those the merge withdraws, no more, no less."""
    with tempfile.TemporaryDirectory() as folder:
        year, field = Path(folder) / "2022.wjkh", Path(folder) / "a.wjkh"
        assert not create_file(year, RULES, "组长", year=rich_year(UNITS))
        with Dataset.open(year, backups=False) as ds:
            make_field_copy(ds, field, "张三", 1)
            for unit in ds.unit_ids():
                assert ds.mark_final(1, unit).ok
        with Dataset.open(field, backups=False) as copy:
            for op in edits:
                apply(copy, copy.assessor_id("张三"), op)
        with Dataset.open(year, backups=False) as ds, Dataset.open(field, read_only=True) as copy:
            plan = plan_merge(ds, copy, field.name)
            lines = [render(change_words(c)) for c in plan.changes if c.told is not None]
            lines += [render(withdrawal_words(w)) for w in plan.withdrawals]
            told = {line.split("”")[0].removeprefix("单位“") for line in lines if "取消其定稿" in line}
            plan, edit = merge_copy(ds, copy, field.name, 1)
            assert edit.ok and not plan.conflicts, edit.problems
            assert told == {ds.unit(u).name for u in edit.unfinalized}, lines
