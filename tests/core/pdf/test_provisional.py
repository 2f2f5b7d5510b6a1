"""Which score sheets signed now would be 暂定 (core/pdf/provisional.py): the desktop's session and the
command line's exporter ask the same function, and each sheet signed makes its unit final for those after it."""

from __future__ import annotations

from core.editing.session import Session
from core.pdf.export import Exporter
from core.pdf.provisional import provisional_on_signing
from core.store.dataset import Dataset
from tests.core.pdf.test_pdf import UNIT, demo_dataset

WAITING = "苏州八坼新程人力资源有限公司"  # the demo's one unit whose data is not final


def test_sheets_signed_before_the_last_unit_not_final_are_provisional_those_after_are_not(tmp_path):
    with Dataset.open(demo_dataset(tmp_path), read_only=True) as ds:
        session = Session(ds, 1)
        names = [session.unit(uid).name for uid in session.unit_ids]
        names.remove(WAITING)
        first, then = names[:3], names[3:6]
        sheets = session.provisional_on_signing([*first, WAITING, *then])
        assert [s.unit for s in sheets] == first  # WAITING signed makes every unit final for those after it
        assert all(s.waiting_for == (WAITING,) and s.clauses for s in sheets)
        assert session.provisional_on_signing(["无此单位", UNIT]) == session.provisional_on_signing([UNIT])
        assert [s.unit for s in session.provisional_on_signing([UNIT])] == [UNIT]
        assert Exporter(ds).provisional_on_signing(UNIT) == session.provisional_on_signing([UNIT])[0]
        assert Exporter(ds).provisional_on_signing(WAITING) is None
        # a unit whose sheet is signed already is not signed again: nothing to be told of it
        assert provisional_on_signing([UNIT], session.year, session.result, lambda name: name == UNIT) == []
