"""Bulk work's settings (core/common/bulk.py): the garbage collector paused and quick hand-offs of the
interpreter while it runs, each set back as it was when the last block running ends."""

from __future__ import annotations

import gc
import sys
import threading

from core.common import bulk
from core.excel.check import check_workbook
from tests.builders import RULES
from tests.xlsx_builders import MONTHLY_HEADERS, arrival, write_workbook


def test_the_collector_is_paused_while_bulk_data_is_built_and_then_running_again():
    assert gc.isenabled()
    with bulk.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_quick_handoffs_shorten_the_switch_interval_until_the_last_block_running_ends():
    before = sys.getswitchinterval()
    entered, leave = threading.Event(), threading.Event()

    def other_block() -> None:
        with bulk.quick_handoffs():
            entered.set()
            leave.wait(10)

    with bulk.quick_handoffs():
        assert sys.getswitchinterval() == bulk.HANDOFF_SECONDS
        thread = threading.Thread(target=other_block)
        thread.start()
        assert entered.wait(10)
    assert sys.getswitchinterval() == bulk.HANDOFF_SECONDS  # the other block still runs
    leave.set()
    thread.join(10)
    assert sys.getswitchinterval() == before


def test_quick_handoffs_end_when_the_block_fails():
    before = sys.getswitchinterval()
    try:
        with bulk.quick_handoffs():
            raise RuntimeError("a fault in the block")
    except RuntimeError:
        pass
    assert sys.getswitchinterval() == before


def test_a_workbook_is_read_and_checked_with_quick_handoffs(tmp_path, monkeypatch):
    seen = []
    original = bulk.quick_handoffs

    def watched():
        seen.append("entered")
        return original()
    monkeypatch.setattr("core.excel.check.quick_handoffs", watched)
    rows = [list(MONTHLY_HEADERS)] + [[1, p["姓名"], p["身份证号码"], p["用工单位"], p["劳务基地"], p["入职日期"],
                                       p["联系电话"]] for p in (arrival(0),)]
    checked = check_workbook(write_workbook(tmp_path / "送工信息.xlsx", {"2022年3月": rows}), "monthly_reports", RULES)
    assert checked.ok and len(checked.records) == 1
    assert seen == ["entered"]
    assert sys.getswitchinterval() != bulk.HANDOFF_SECONDS


def test_let_go_empties_a_list_in_place_a_slice_at_a_time(monkeypatch):
    monkeypatch.setattr(bulk, "LET_GO_STEP", 3)
    rows = [[n] for n in range(10)]
    same = rows
    lengths = []

    class Watched(list):
        def __delitem__(self, index):
            lengths.append(len(self))
            super().__delitem__(index)
    watched = Watched(rows)
    bulk.let_go(watched)
    bulk.let_go(rows)
    assert watched == [] and rows == [] and same is rows
    assert lengths == [10, 7, 4, 1]
