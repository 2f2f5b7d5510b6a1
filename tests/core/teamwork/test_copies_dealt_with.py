"""A field copy the lead has dealt with is out no more: one whose every change a merge held back (its units signed
and locked in the year) or that came back unchanged counts as merged back, its merge row naming what was held
back; a copy of a copy merged straight into the year brings the middle copy's changes until it was made, and the
middle copy stays listed with words saying so until it is merged itself."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from core.common.messages import render
from core.store.dataset import Dataset
from core.teamwork.field_copy import copy_out_words, make_field_copy
from core.teamwork.merge import merge_copy
from tests.dataset_support import run
from tests.teamwork_support import edited_at, out_of, year_in_the_field

LEAD = 1
FIRST = "吴江第1人力资源有限公司"
SECOND = "吴江第2人力资源有限公司"
DEALT = "中没有尚未合并的修改；2022.wjkh 已把它记为合并回来，不再列为尚未合并。"


def merge_rows(path: Path) -> list[dict]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [json.loads(v) for (v,) in conn.execute(
            "SELECT new_value FROM audit WHERE action = 'merge' AND table_name = 'meta' ORDER BY seq")]
    finally:
        conn.close()


def set_workers(path: Path, assessor: str, unit: str, value: int) -> None:
    with Dataset.open(path, backups=False) as ds:
        assert ds.set_insured_workers(ds.assessor_id(assessor), ds.unit_id(unit), value).ok


def sign_in_year(year: Path, unit: str) -> None:
    with Dataset.open(year, backups=False) as ds:
        assert ds.finalize_unit(LEAD, ds.unit_id(unit), 1, "ef" * 32, "CN=组长王", "01" * 32).ok


def workers(year: Path, unit: str) -> int:
    with Dataset.open(year, read_only=True) as ds:
        return ds.unit(ds.unit_id(unit)).insured_workers


def test_a_copy_whose_every_change_was_held_back_is_merged_back_with_what_was_held(tmp_path):
    year = year_in_the_field(tmp_path / "2022.wjkh")
    copy = tmp_path / "张三.wjkh"
    with Dataset.open(year, backups=False) as ds:
        make_field_copy(ds, copy, "张三", LEAD, [FIRST])
    set_workers(copy, "张三", FIRST, 88)
    before = workers(year, FIRST)
    sign_in_year(year, FIRST)  # the office signs the unit meanwhile: the copy's only change cannot come in
    assert [c.file_name for c in out_of(year)] == [copy.name]

    merged = run("merge", str(year), str(copy), "--by", "组长王")
    assert merged.returncode == 0, merged.stderr
    assert "已把外业副本 张三.wjkh 合并到 2022.wjkh：带入 0 项修改" in merged.stdout
    assert "这份外业副本已记为合并回来（没有带入的修改记在合并记录中），不再列为尚未合并。" in merged.stdout
    assert workers(year, FIRST) == before  # nothing came in
    assert out_of(year) == []  # dealt with: out no more
    listed = run("field-copies", str(year))
    assert listed.stdout.strip() == "2022.wjkh 没有尚未合并回来的外业副本。", listed.stdout
    [row] = merge_rows(year)
    assert row["changes"] == 0 and row["held"] == 1
    [held] = row["held_changes"]
    assert held.startswith(f"暂不能带入：单位“{FIRST}”的“投保人数”") and "外业副本改为 88" in held
    with Dataset.open(copy, read_only=True) as theirs:
        first = theirs.unit_id(FIRST)
    assert first is not None  # when 张三 changed it, to the second as 修改记录 says it
    assert f"外业副本改为 88（张三，{edited_at(copy, first, 'insured_workers')}）——" in held, held
    checked = run("verify-audit", str(year))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ("合并了外业副本 张三.wjkh（张三 的外业副本）：带入 0 项修改，冲突 0 处，"
            "1 项所属单位已签章定稿并锁定未带入：") in checked.stdout
    assert f"  {held}" in checked.stdout.splitlines()
    with Dataset.open(year, read_only=True) as ds:
        from core.store.audit_log import changes_of, line
        told = [render(line(c)) for c in changes_of(ds)]
        assert ds.check_audit().ok
    assert told[-1].endswith(
        "合并外业副本 张三.wjkh（张三 的外业副本，带入 0 项修改，1 项所属单位已签章定稿并锁定未带入）")

    # merged again while still locked: nothing written; reopened, the held change comes in
    with Dataset.open(year, backups=False) as ds, Dataset.open(copy, read_only=True) as theirs:
        plan, edit = merge_copy(ds, theirs, copy.name, LEAD)
        assert edit.ok and edit.rows == 0 and len(plan.held) == 1
        assert ds.reopen_unit(LEAD, ds.unit_id(FIRST), "补录外业核实的参保人数").ok
        plan, edit = merge_copy(ds, theirs, copy.name, LEAD)
        assert edit.ok and not plan.held and len(plan.changes) == 1
    assert workers(year, FIRST) == 88
    assert out_of(year) == []


def test_a_copy_handed_back_unchanged_is_merged_back_once(tmp_path):
    year = year_in_the_field(tmp_path / "2022.wjkh")
    copy = tmp_path / "李四.wjkh"
    with Dataset.open(year, backups=False) as ds:
        make_field_copy(ds, copy, "李四", LEAD, [SECOND])
    merged = run("merge", str(year), str(copy), "--by", "组长王")
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.strip() == f"外业副本 李四.wjkh {DEALT}"
    assert out_of(year) == []
    again = run("merge", str(year), str(copy), "--by", "组长王")  # already in: nothing written again
    assert again.stdout.strip() == "外业副本 李四.wjkh 中没有尚未合并的修改，2022.wjkh 没有改动。"
    assert len(merge_rows(year)) == 1


def test_a_copy_of_a_copy_merged_straight_brings_the_middle_copy_in_and_says_what_it_may_still_hold(tmp_path):
    year = year_in_the_field(tmp_path / "2022.wjkh")
    middle, child = tmp_path / "王五.wjkh", tmp_path / "赵六.wjkh"
    with Dataset.open(year, backups=False) as ds:
        make_field_copy(ds, middle, "王五", LEAD)
    set_workers(middle, "王五", FIRST, 61)  # 王五's own, before he hands on a copy: carried by it
    with Dataset.open(middle, backups=False) as ds:
        make_field_copy(ds, child, "赵六", ds.assessor_id("王五"), [SECOND])
    set_workers(child, "赵六", SECOND, 62)
    set_workers(middle, "王五", FIRST, 63)  # after the copy was handed on: only 王五's copy holds it

    merged = run("merge", str(year), str(child), "--by", "组长王")
    assert merged.returncode == 0, merged.stderr
    assert (workers(year, FIRST), workers(year, SECOND)) == (61, 62)
    [still] = out_of(year)  # 王五's copy may hold changes of its own since: still out, and said so
    assert still.file_name == middle.name and [c.file_name for c in still.carried] == [child.name]
    listed = run("field-copies", str(year)).stdout.strip().splitlines()
    assert listed[0] == "2022.wjkh 有 1 份外业副本尚未合并回来："
    assert listed[1].startswith(f"  王五：{middle.name}（")
    assert "以前的修改已随赵六的外业副本 赵六.wjkh（由这份副本制作）于 " in listed[1]
    assert listed[1].endswith("合并回来；此后在这份副本中所做的修改尚未带入，交回后合并即可（已带入的不会重复），"
                              "合并后即不再列出。")
    assert render(copy_out_words(still)) == listed[1].strip()

    # 王五's copy merged: only its change since comes in (no conflict with what it carried), and it is in
    merged = run("merge", str(year), str(middle), "--by", "组长王")
    assert merged.returncode == 0, merged.stderr
    assert "带入 1 项修改，处理冲突 0 处" in merged.stdout, merged.stdout
    assert (workers(year, FIRST), workers(year, SECOND)) == (63, 62)
    assert out_of(year) == []


def test_a_middle_copy_holding_nothing_beyond_its_child_is_dealt_with_when_merged(tmp_path):
    year = year_in_the_field(tmp_path / "2022.wjkh")
    middle, child = tmp_path / "王五.wjkh", tmp_path / "赵六.wjkh"
    with Dataset.open(year, backups=False) as ds:
        make_field_copy(ds, middle, "王五", LEAD)
    with Dataset.open(middle, backups=False) as ds:
        make_field_copy(ds, child, "赵六", ds.assessor_id("王五"))
    set_workers(child, "赵六", SECOND, 62)
    assert run("merge", str(year), str(child), "--by", "组长王").returncode == 0
    assert [c.file_name for c in out_of(year)] == [middle.name]
    merged = run("merge", str(year), str(middle), "--by", "组长王")
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.strip() == f"外业副本 王五.wjkh {DEALT}"
    assert out_of(year) == []
    with Dataset.open(year, read_only=True) as ds:
        assert ds.check_audit().ok
