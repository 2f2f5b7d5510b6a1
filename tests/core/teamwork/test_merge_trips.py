"""A trip (clause 1.2) removed on one side and changed on the other, merged: the trip's form counts, evidence
ticks (with their notes) and photos go with the lead's choice on the trip, never by themselves; 1.2 scores as
the side the lead kept has it. A base's tick changed in the office goes with its base alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from core.common.messages import render
from core.scoring.engine import score_year
from core.store.dataset import Dataset
from core.teamwork.plan import conflict_words, plan_merge
from tests.core.teamwork.test_teamwork import PNG, copy_for, field_edit
from tests.dataset_support import run
from tests.teamwork_support import year_in_the_field

LEAD = 1  # 组长王
PLACE = "贵阳"  # the first unit's offline trip of 2022-04-10: forms 好, 较好, 差; 备案表 and 影像资料 seen


@pytest.fixture
def year(tmp_path) -> Path:
    """A year in the field whose first unit's offline trip also has its 评价表 seen (so its forms count in 1.2:
    one 差 costs a point) and a photo attached to it."""
    path = year_in_the_field(tmp_path / "2022.wjkh")
    with Dataset.open(path, backups=False) as ds:
        trip = first_trip(ds)
        assert ds.tick_trip_evidence(LEAD, trip, "evaluations", True).ok
        assert ds.add_attachment(LEAD, PNG, "贵阳现场.png", trip_id=trip).ok
    return path


def first_trip(ds: Dataset) -> int:
    return ds.trip_ids(ds.unit_ids()[0])[0]


def trip_records(ds: Dataset, trip: int) -> dict[str, Any]:
    """The trip and every record keyed to it, as stored (the tick's who and when aside)."""
    conn = ds._conn
    return {
        "trip": conn.execute("SELECT * FROM trips WHERE id = ?", (trip,)).fetchall(),
        "forms": conn.execute("SELECT * FROM trip_evaluations WHERE trip_id = ? ORDER BY position",
                              (trip,)).fetchall(),
        "ticks": conn.execute("SELECT clause_id, item, seen, note FROM evidence_ticks WHERE trip_id = ? ORDER BY item",
                              (trip,)).fetchall(),
        "photos": conn.execute("SELECT name FROM attachments WHERE trip_id = ?", (trip,)).fetchall()}


def trips_clause(ds: Dataset):
    """The first unit's 1.2: its points, bonus, deduction and net."""
    unit = score_year(ds.rule_set(), ds.year()).unit(ds.unit(ds.unit_ids()[0]).name).clause("1.2")
    return unit.points, unit.bonus, unit.deduction, unit.net


# What the office does to the trip meanwhile: its own facts, its form counts, or one of its ticks (with a note).
OFFICE = {
    "place": lambda ds, trip: ds.update_trip(LEAD, trip, place="贵阳市", enterprises=7),
    "forms": lambda ds, trip: ds.set_trip_evaluations(LEAD, trip, ("好", "差", "差", "较好")),
    "tick": lambda ds, trip: ds.tick_trip_evidence(LEAD, trip, "photos", False, note="照片看不清企业横幅"),
}


@pytest.mark.parametrize("office", sorted(OFFICE))
@pytest.mark.parametrize("side", ["mine", "theirs"])
def test_a_trip_removed_in_the_field_and_changed_in_the_office_goes_with_everything_keyed_to_it(year, office, side):
    """张三 removed the 贵阳 trip in the field (its forms and ticks went with it there); the office changed the trip,
    its forms or one of its ticks. One conflict, on the trip, says what taking the copy's side also removes; merged
    on the command line keeping the year file's side, the trip, its forms, ticks, notes and photo stay exactly as
    the office has them and 1.2 scores as before the merge; taking the copy's side, all of them go (the photo stays
    in the file, no longer of the trip, as when a trip is removed by hand)."""
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.remove_trip(who, ds.trip_ids(u[0])[0]))
    with Dataset.open(year, backups=False) as ds:
        trip = first_trip(ds)
        assert OFFICE[office](ds, trip).ok
        before, points = trip_records(ds, trip), trips_clause(ds)
    assert before["forms"] and before["ticks"] and before["photos"]
    with Dataset.open(year, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    assert plan.changes == [], [c.what for c in plan.changes]  # nothing of the trip comes in by itself
    [conflict] = plan.conflicts
    lines = "\n".join(render(line) for line in conflict_words(conflict))
    assert render(conflict.what).startswith("单位“吴江第1人力资源有限公司”的赴外招聘“2022-04-10 贵阳"), lines
    assert render(conflict.theirs.value) == "（已删除）" and conflict.can_take_theirs, lines
    assert conflict.mine.who == "组长王", lines  # the office's change, even when of a tick or the forms only
    along = render(conflict.along)
    assert along.startswith("选用外业副本的一方，还将一并带入："), lines
    assert "赴外招聘备案表" in along and "企业评价表（附件6）" in along and "活动影像资料" in along, along
    assert "第 1 份企业评价" in along, along
    done = run("merge", str(year), str(a), "--take", f"1={side}", "--reason", "电话核实", "--by", "组长王")
    assert done.returncode == 0, done.stderr
    with Dataset.open(year, read_only=True) as ds:
        assert ds.check_audit().ok
        after = trip_records(ds, trip)
        if side == "mine":
            assert after == before
            assert trips_clause(ds) == points
        else:
            assert after == {"trip": [], "forms": [], "ticks": [], "photos": []}
            assert [t.date for t in ds.year().units[0].trips] == [dt.date(2022, 9, 2)]
            assert [a.name for a in ds.attachments(ds.unit_ids()[0]) if a.trip_id is None] == ["贵阳现场.png"]
            assert trips_clause(ds)[3] == 0  # the online trip left has no 备案表 seen: it does not count
    again = run("merge", str(year), str(a), "--dry-run")
    assert again.returncode == 0 and "没有尚未合并的修改" in again.stdout, again.stdout


# What the field does to the trip the office removed: its facts, its form counts, one of its ticks.
FIELD = {
    "place": lambda ds, who, trip: ds.update_trip(who, trip, place="贵阳市"),
    "forms": lambda ds, who, trip: ds.set_trip_evaluations(who, trip, ("好", "好")),
    "tick": lambda ds, who, trip: ds.tick_trip_evidence(who, trip, "photos", False, note="照片看不清企业横幅"),
}


@pytest.mark.parametrize("field", sorted(FIELD))
def test_a_trip_removed_in_the_office_and_changed_in_the_field_can_only_stay_removed(year, field):
    """The other way round: the office removed the trip, 张三 changed it, its forms or a tick of it. A trip removed
    here is not made again from a copy, so each conflict can only keep the year file's side, says so, and says the
    office removed it; merged so, nothing of the trip comes back and 1.2 scores as the office has it."""
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: FIELD[field](ds, who, ds.trip_ids(u[0])[0]))
    with Dataset.open(year, backups=False) as ds:
        trip = first_trip(ds)
        assert ds.remove_trip(LEAD, trip).ok
        points = trips_clause(ds)
    with Dataset.open(year, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    assert plan.conflicts and plan.changes == []
    for conflict in plan.conflicts:
        lines = [render(line) for line in conflict_words(conflict)]
        assert not conflict.can_take_theirs, lines
        assert lines[-1].startswith("只能保留年度文件的内容："), lines
        assert "组长王" in lines[1], lines  # the office's side: its removal, by whom
    taken = run("merge", str(year), str(a), "--take-all", "theirs", "--reason", "电话核实", "--by", "组长王")
    assert taken.returncode == 0, taken.stderr  # theirs wherever it can be taken: here nowhere
    with Dataset.open(year, read_only=True) as ds:
        assert ds.check_audit().ok
        assert trip_records(ds, trip) == {"trip": [], "forms": [], "ticks": [], "photos": []}
        assert ds._conn.execute("SELECT count(*) FROM trip_evaluations WHERE trip_id NOT IN (SELECT id FROM trips)"
                                ).fetchone() == (0,)
        assert trips_clause(ds) == points
    again = run("merge", str(year), str(a), "--dry-run")
    assert again.returncode == 0 and "没有尚未合并的修改" in again.stdout, again.stdout


def test_a_base_removed_in_the_field_whose_tick_the_office_noted_keeps_the_tick_when_the_office_side_is_kept(year):
    """The office wrote a note on a base's 已查验 tick (only the tick changed); the copy removed the base. The base's
    removal, brought in by itself, took the tick the lead kept along with the base: now one conflict, on the base."""
    a = copy_for(year, "a.wjkh", "张三")
    field_edit(a, "张三", lambda ds, who, u: ds.remove_base(who, ds.base_ids(u[0])[0]))
    with Dataset.open(year, backups=False) as ds:
        base = ds.base_ids(ds.unit_ids()[0])[0]
        assert ds.tick_base_evidence(LEAD, base, "agreement", True, note="协议原件已核").ok
    with Dataset.open(year, read_only=True) as ds, Dataset.open(a, read_only=True) as copy:
        plan = plan_merge(ds, copy, a.name)
    [conflict] = plan.conflicts
    assert plan.changes == [] and conflict.mine.who == "组长王"
    assert render(conflict.what) == "单位“吴江第1人力资源有限公司”的基地“贵州铜仁劳务基地”"
    assert "协议原件已核" in render(conflict.along)
    done = run("merge", str(year), str(a), "--take", "1=mine", "--reason", "电话核实", "--by", "组长王")
    assert done.returncode == 0, done.stderr
    with Dataset.open(year, read_only=True) as ds:
        assert ds._conn.execute("SELECT item, seen, note FROM evidence_ticks WHERE base_id = ?", (base,)
                                ).fetchall() == [("agreement", 1, "协议原件已核")]
