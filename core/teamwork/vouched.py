"""Which side's 定稿 a unit's data ends a merge under: a 定稿 holds only for the data it was marked over, so a
unit whose merged data is neither the field copy's (marked 定稿 there) nor the year file's as it was (定稿
here) is 定稿 no more."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.scoring.facts import unit_to_json
from core.store.dataset import Dataset
from core.teamwork.facts import Fact, Planner, loads


def unit_data(ds: Dataset, unit_id: int) -> Any:
    """A unit's data as 定稿 vouches for it: its facts as entered (not whether they are 定稿) and its rosters."""
    unit = ds.unit(unit_id, as_entered=True)
    if unit is None:
        return None
    facts = unit_to_json(unit)
    facts.pop("facts_final", None)
    rosters = sorted(ds._conn.execute("SELECT kind, sha256, rows FROM imports WHERE unit_id = ?", (unit_id,)))
    return facts, rosters


def final_from_copy(facts: Iterable[Fact], p: Planner, taken: set[int]) -> dict[int, int]:
    """The units (year id: copy id) whose 定稿 the merge takes from the copy: marked there and brought in,
    chosen in a conflict, or marked again there after its changes while 定稿 here too."""
    found: dict[int, int] = {}
    for fact in facts:
        if (fact.table, fact.field) != ("units", "facts_final") or not loads(fact.last.new):
            continue
        if fact.state in ("apply", "same") or fact.number in taken:
            uid = p.y_id("units", fact.ident)
            if uid is not None:
                found[uid] = int(fact.rows[0].record_id)
    return found


def not_vouched(ds: Dataset, copy: Dataset, units: dict[int, int], before: dict[int, Any]) -> list[int]:
    """Of the units whose 定稿 came from the copy and are 定稿 now (mid-merge), those whose data is neither
    the copy's nor the year file's own 定稿 data from before the merge (`before`: units 定稿 here then)."""
    return [uid for uid in ds.final_among(units)
            if unit_data(ds, uid) not in (unit_data(copy, units[uid]), before.get(uid))]
