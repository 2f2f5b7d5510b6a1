"""Property: any interleaving of edits made on two field copies, merged back, gives the year the same
facts as the same edits made one after the other in one file, whenever the copies edit different facts."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import zlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.scoring.facts import year_to_json
from core.store.dataset import Dataset, create_file
from core.teamwork.field_copy import make_field_copy
from core.teamwork.merge import merge_copy
from tests.builders import RULES
from tests.dataset_support import rich_year

UNITS = 3
ITEMS = (("4.1", "documents"), ("4.1", "minutes"), ("4.3", "monthly_reports"), ("1.3", "annual_plan"))
NAMES = ("王芳", "周敏", "")

ops = st.one_of(
    st.tuples(st.just("insured"), st.integers(0, UNITS - 1), st.integers(0, 300)),
    st.tuples(st.just("people"), st.integers(0, UNITS - 1), st.integers(0, 1), st.integers(40, 200)),
    st.tuples(st.just("tick"), st.integers(0, UNITS - 1), st.integers(0, len(ITEMS) - 1),
              st.sampled_from((True, False, None))),
    st.tuples(st.just("contact"), st.integers(0, UNITS - 1), st.sampled_from(NAMES)),
    st.tuples(st.just("note"), st.integers(0, UNITS - 1), st.sampled_from(("1.1", "2.1", "4.3")),
              st.sampled_from(("", "材料齐全", "月报缺三月"))),
    st.tuples(st.just("delivery"), st.integers(0, UNITS - 1), st.integers(0, 10**6), st.integers(0, 5)),
    st.tuples(st.just("stars"), st.integers(0, UNITS - 1), st.integers(0, 3), st.integers(0, 5)),
)


def fact_key(op: tuple) -> tuple:
    """The fact an edit changes: adding a delivery changes a fact of its own."""
    return op if op[0] == "delivery" else op[:-1]


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
    else:
        edit = ds.update_delivery(who, ds.delivery_ids(unit)[op[2]], stars=op[3])
    assert edit.ok, edit.problems


def state(ds: Dataset) -> tuple:
    """The year's facts, each unit's records in a stable order (records both copies added have no
    order between them), and the clause notes."""
    data = year_to_json(ds.year(as_entered=True))
    for unit in data["units"]:
        unit["deliveries"] = sorted(unit["deliveries"], key=lambda d: (d["enterprise"], d["date"], d["stars"]))
    names = {uid: ds.unit(uid).name for uid in ds.unit_ids()}
    return data, {(names[u], c): n for (u, c), n in ds.clause_notes().items()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
