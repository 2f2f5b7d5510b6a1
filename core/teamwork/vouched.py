"""Which side's 定稿 a unit's data ends a merge under: a 定稿 holds only for the data it was marked over, so a
unit whose merged data is neither the field copy's (marked 定稿 there) nor the year file's as it was (定稿
here) is 定稿 no more; and a list the copy imported again with the same people changes no unit's data."""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import zip_longest
from typing import Any

from core.people.records import KIND_TABLE
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


def replaced_here(p: Planner, fact: Fact) -> set[int]:
    """The year file's lists a list the copy imported replaces here: those it replaced there, and those of its
    kind (and unit) here it replaces as an import of it here would."""
    theirs = p.theirs_row(fact) or {}
    unit = p.to_y("imports", "unit_id", theirs.get("unit_id"))
    alongside = bool((loads(fact.rows[0].new) or {}).get("alongside"))
    return p.replaced_here(fact) | {s.id for s in p.ds.replaced_sources(
        theirs.get("kind", ""), unit, theirs.get("file_name", ""), theirs.get("sha256", ""), alongside=alongside)}


def units_of(p: Planner, fact: Fact, unit: int | None) -> set[int]:
    """The units whose data a fact of the copy is part of, here: its unit's; for a list of the whole year (an
    import or its removal), the units scored from it, as an import here changes (PeopleEdits._counted_from)."""
    if unit is not None:
        return {unit}
    if fact.table != "imports":
        return set()
    kind = (p.theirs_row(fact) or p.mine_row(fact) or loads(fact.rows[0].new) or loads(fact.rows[0].old) or {}).get(
        "kind")
    return p.ds.units_counted_from(kind) if kind else set()


def same_people(p: Planner, fact: Fact, units: set[int]) -> bool:
    """Whether a list the copy imported, whose data units here (`units_of`) are 定稿, brings exactly the people of
    the lists it replaces here: then, as when the same people are imported again here
    (PeopleEdits._end_import), no unit's data changes and their 定稿 stays."""
    if fact.table != "imports" or fact.rows[0].action != "import" or not p.ds.final_among(units):
        return False
    theirs = p.theirs_row(fact)
    if theirs is None:
        return False
    gone = sorted(replaced_here(p, fact))
    if not gone:
        return False
    table = KIND_TABLE[theirs["kind"]]
    columns = [c for c in p.columns_of(table) if c not in ("id", "import_id")]
    keys = [c for c in columns if c in p.fk[table]]
    select = f"SELECT {', '.join(columns)} FROM {table} WHERE import_id IN (SELECT value FROM json_each(?)) ORDER BY id"
    here = p.y.execute(select, (json.dumps(gone),))
    there = p.c.execute(select, (json.dumps([theirs["id"]]),))
    for mine, copied in zip_longest(here, there):
        if mine is None or copied is None:
            return False
        row = dict(zip(columns, copied, strict=True))
        for key in keys:  # the copy's links (its unit, a base) as the year file's ids
            row[key] = p.to_y(table, key, row[key])
        if mine != tuple(row.values()):
            return False
    return True
