"""What merging a field copy would do: refused in one sentence (another year, rule set or year file),
or the facts to bring in and the conflicts for the lead to choose, each shown in the bureau's words
with both values, who set them and when. Reads both files, writes nothing."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from core.common.messages import Msg
from core.common.problems import Problem
from core.people.records import KIND_TABLE
from core.store import audit, replay_edit
from core.store.audit_check import BLOBS, NAMED_BY, NAMED_BY_THEIR_FIELD, Namer, namer_for
from core.store.dataset import Dataset
from core.teamwork.facts import (
    MERGED,
    NOT_EDITS,
    NOT_MERGED_TABLES,
    REMARKS,
    SIGNING_TABLES,
    STAMPS,
    TICK_KEY,
    Fact,
    Ident,
    Planner,
    Row,
    common_prefix,
    loads,
    trail_rows,
)
from core.teamwork.field_copy import CopyMark, edit_time, marks
from core.teamwork.vouched import replaced_here, same_people, unit_data, units_of


@dataclass(frozen=True)
class Side:
    """One side of a conflict as shown: the value, who set it and when."""
    value: Any
    who: str
    when: str


class Change(NamedTuple):
    """A change the copy brings in (or one held): the record, its field (None: the whole record), the value
    here and the copy's, who made it and when; `told`, when it is no plain field change (a unit's 定稿
    marked or withdrawn in the copy), says it whole in the bureau's words."""
    what: Msg
    field: Msg | None
    old: Any
    new: Any
    by: Side
    told: Msg | None = None


class FinalKept(NamedTuple):
    """A unit 定稿 here whose list the copy imported again with the same people: its data does not change, its
    定稿 stays (as when the same people are imported again here)."""
    unit: int
    what: Msg


class FinalWithdrawal(NamedTuple):
    """A unit 定稿 in the year file whose data the copy changed where it was not 定稿 (so nothing was
    withdrawn there): bringing the change in withdraws the 定稿 marked here, by whom and when."""
    what: Msg
    marked: Side


@dataclass(frozen=True)
class Conflict:
    number: int
    what: Msg  # the record, in the bureau's words
    field: Msg | None  # the field, or None for the whole record
    mine: Side
    theirs: Side
    can_take_theirs: bool
    why: Msg | None  # why the copy's side cannot be taken
    note: Msg | None = None  # why a change only one side made still asks the lead (a unit not handed over)
    final: Msg | None = None  # taking the copy's side withdraws the unit's 定稿 marked here (who, when)
    along: Msg | None = None  # what taking the copy's side removes with the record (its evidence ticks, forms)


@dataclass
class MergePlan:
    """What merging a copy would do: refused (problems), or changes to bring in and conflicts to choose."""
    copy_name: str
    mark: CopyMark | None
    problems: list[Problem]
    facts: list[Fact] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # changes of a unit signed and locked here meanwhile: not brought in, not marked merged, so that
    # merging the copy again once the unit is reopened brings them (old: the value here now)
    held: list[Change] = field(default_factory=list)
    # units whose 定稿 here the merge itself withdraws as it brings their changes in (the copy's own
    # withdrawals are told among the changes)
    withdrawals: list[FinalWithdrawal] = field(default_factory=list)
    # units 定稿 here whose lists the copy imported again with the same people: told that their 定稿 stays
    finals_kept: list[FinalKept] = field(default_factory=list)
    # records the copy adds that the year file already holds as they are (a trip both field assessors entered):
    # told, as one activity entered twice would score twice; brought in all the same (it may be another visit)
    twins: list[Msg] = field(default_factory=list)
    rows: int = 0  # copy rows not yet merged
    prefix: int = 0
    head: tuple[int, str] = (0, "")

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def to_apply(self) -> list[Fact]:
        return [f for f in self.facts if f.state == "apply"]

    def taken_from_copy(self, choices: Mapping[int, str]) -> set[int]:
        """The conflicts (by number) these choices settle with the copy's side."""
        return {f.number for f in self.facts if f.state == "conflict" and choices.get(f.number) == "theirs"}

    def to_write(self, choices: Mapping[int, str]) -> list[Fact]:
        """The facts merging with these choices writes, in the copy's order: every change, each conflict taken
        from the copy and what goes with it."""
        taken = self.taken_from_copy(choices)
        return [f for f in self.facts if f.state == "apply" or (f.state == "conflict" and f.number in taken)
                or (f.state == "follows" and f.follows is not None and f.follows.number in taken)]

    def brought_in(self, choices: Mapping[int, str]) -> int:
        """How many changes merging with these choices brings in, counted as the merge records it (and
        verify-audit tells it): every change, and each conflict taken from the copy with what goes with it."""
        return len(self.to_write(choices))

    def merged_words(self, copy: str, file: str, choices: Mapping[int, str]) -> Msg:
        """What a merge with these choices did, in the preview's terms: the changes it counted, and the
        conflicts taken from the copy among those brought in (the two counts differed without a word)."""
        taken = len(self.taken_from_copy(choices))
        if taken:
            return Msg.of("teamwork.merged_taken", copy=copy, file=file, changes=self.brought_in(choices),
                          taken=taken, conflicts=len(self.conflicts))
        return Msg.of("teamwork.merged", copy=copy, file=file, changes=self.brought_in(choices),
                      conflicts=len(self.conflicts))

def refusal(ds: Dataset, copy: Dataset, copy_name: str) -> tuple[list[Problem], CopyMark | None, int]:
    """Why this copy cannot be merged into this year file (one sentence), its mark, the common prefix."""
    y, c = replay_edit.connection(ds), replay_edit.connection(copy)
    found = marks(c)

    def problem(code: str, **params: Any) -> tuple[list[Problem], CopyMark | None, int]:
        return [Problem(copy_name, "$", "", Msg.of(code, copy=copy_name, file=ds.path.name, **params))], None, 0
    if not found:
        return problem("teamwork.not_a_copy")
    if copy.year_number != ds.year_number:
        return problem("teamwork.other_year", copy_year=copy.year_number, year=ds.year_number)
    if copy.rule_set_id != ds.rule_set_id or copy.rule_set().sha256 != ds.rule_set().sha256:
        return problem("teamwork.other_rule_set")
    prefix = common_prefix(y, c)
    if prefix == 0 or prefix < found[0].base_seq:
        return problem("teamwork.other_file")
    return [], found[-1], prefix


def plan_merge(ds: Dataset, copy: Dataset, copy_name: str) -> MergePlan:
    """What merging `copy` (opened read-only) into `ds` would bring in, and its conflicts. Reads only."""
    return planned(ds, copy, copy_name)[0]


def planned(ds: Dataset, copy: Dataset, copy_name: str) -> tuple[MergePlan, Planner | None]:
    problems, mark, prefix = refusal(ds, copy, copy_name)
    if problems:
        return MergePlan(copy_name, None, problems), None
    planner = Planner(ds, copy)
    planner.prefix = prefix
    planner.c_mark_assessor = mark.assessor if mark is not None else ""
    plan = MergePlan(copy_name, mark, [], prefix=prefix, head=copy.audit_head())
    facts: dict[tuple[str, Ident, str | None], Fact] = {}
    records: dict[tuple[str, Ident], list[Row]] = defaultdict(list)
    for row in trail_rows(planner.c, prefix):
        if row.action in NOT_EDITS or row.table in NOT_MERGED_TABLES:
            continue
        ident = planner.ident(row)
        if ident is None or row.hash in planner.merged.rows:
            continue
        plan.rows += 1
        records[(row.table, ident)].append(row)
    for (table, ident), rows in records.items():
        if any(r.action in ("insert", "import", "delete") for r in rows) or table == "imports":
            facts[(table, ident, None)] = Fact(table, ident, None, rows)
        else:
            for r in rows:
                facts.setdefault((table, ident, r.field), Fact(table, ident, r.field)).rows.append(r)
    plan.facts = sorted(facts.values(), key=lambda f: f.first)
    _judge(planner, plan)
    return plan, planner


def _base_row(fact: Fact) -> dict[str, Any] | None:
    """The whole record as the copy found it, before its first change (None: it had none)."""
    if fact.rows[0].action in ("insert", "import"):
        return None
    earlier: dict[str, Any] = {}
    for r in fact.rows:
        if r.action == "update" and r.field is not None:
            earlier.setdefault(r.field, loads(r.old))
        elif r.action == "delete":
            return {**(loads(r.old) or {}), **earlier}
    return earlier


def _judge(p: Planner, plan: MergePlan) -> None:
    locked = {uid for (uid,) in p.y.execute("SELECT unit_id FROM unit_locks")} if _has(p.y, "unit_locks") else set()
    lock_facts = {f.ident for f in plan.facts if f.table == "unit_locks"}
    chain = marks(p.c)  # a copy of a copy: a row was made under the mark in force then (the copy it was made in)
    names = dict(p.y.execute("SELECT id, name FROM units").fetchall())
    inserted_here = {(t, r) for t, r in p.y.execute(
        "SELECT table_name, record_id FROM audit WHERE seq > ? AND action IN ('insert', 'import')", (plan.prefix,))}
    changed = Counter((f.table, f.ident) for f in plan.facts)  # how many of each record's fields the copy changed
    for fact in plan.facts:
        table = fact.table
        mine = p.mine_row(fact)
        if fact.field is not None:
            base, theirs = fact.rows[0].old, fact.last.new
            if p.fk[table].get(fact.field):
                theirs = audit.value_json(p.to_y(table, fact.field, loads(theirs)))
                base = audit.value_json(p.to_y(table, fact.field, loads(base)))
            if mine is None:
                fact.state = "same" if theirs == base else "conflict"
                fact.restores = (fact.state == "conflict" and changed[(table, fact.ident)] == 1
                                 and _restorable(p, fact))
                fact.why = "deleted_here" if fact.state == "conflict" and not fact.restores else ""
            else:
                now = audit.value_json(mine[fact.field])
                fact.state = ("same" if now == theirs else
                              "apply" if now == base and not _touched_here(p, fact) else "conflict")
        else:
            base_row = p.comparable(table, _base_row(fact), copy_side=True)
            their_row = p.comparable(table, p.theirs_row(fact), copy_side=True)
            my_row = p.comparable(table, mine, copy_side=False)
            if _same(my_row, their_row):
                fact.state = "same"
            elif _same(my_row, base_row) or (my_row is None and base_row is None):
                fact.state = "apply"
            else:
                fact.state = "conflict"
            if fact.state in ("apply", "conflict") and my_row is None and their_row is not None:
                # new in the copy, or changed there and removed here (a trip's forms): can it be made here?
                fact.why = _cannot_add(p, fact)
                if fact.why:
                    fact.state = "conflict"
                    p.kept_out.add((table, fact.ident))
            if (fact.state == "apply" and their_row is None and mine is not None
                    and _children_added_here(p, table, mine, inserted_here)):
                fact.state = "conflict"
        if fact.state != "same" and table not in SIGNING_TABLES:
            unit = unit_of(p, fact, mine)
            if unit in locked and ("key", (("y", unit),)) not in lock_facts:
                fact.state, fact.why = "held", "locked_here"
            elif fact.state == "apply" and (outside := _outside_of(chain, fact, names.get(unit))) is not None:
                fact.state, fact.outside, fact.outside_of = "conflict", True, outside.assessor
    _tie_to_removed_parents(p, plan)
    _judge_imports(p, plan)
    rules = p.ds.rule_set()
    namer = namer_for(rules).learn(p.y)
    # the copy's records by the copy's ids: its own first, then the year file's (a record the copy removed)
    p.copy_namer = namer_for(rules).learn(p.c).learn(p.y)
    p.shown = namer.value
    for fact in plan.facts:
        if fact.state == "conflict":
            fact.number = len(plan.conflicts) + 1
            plan.conflicts.append(_conflict(p, namer, fact))
    y_names = {i: n for n, i in p.y_assessors.items()}
    for fact in plan.facts:
        if fact.state == "follows" and fact.follows is not None:
            conflict = plan.conflicts[fact.follows.number - 1]
            along = [change_words(_change(p, namer, fact))]
            if conflict.along is not None:
                along = [*conflict.along.param("changes"), *along]
            conflict = replace(conflict, along=Msg.of("teamwork.along", changes=along))
            here = _mine_side(p, fact, p.mine_row(fact), y_names)
            if here.when > conflict.mine.when:  # changed here (a trip's tick): the year file's side was set then
                conflict = replace(conflict, mine=replace(conflict.mine, who=here.who, when=here.when))
            plan.conflicts[fact.follows.number - 1] = conflict
    for fact in plan.facts:
        if fact.state == "apply":
            plan.changes.append(_change(p, namer, fact))
            if _has_twin_here(p, fact):
                plan.twins.append(Msg.of("teamwork.twin_added", what=_record_words(p, namer, fact, None)))
        elif fact.state == "held":
            plan.held.append(_change(p, namer, fact))
    _finals_told(p, plan, namer)


def _tie_to_removed_parents(p: Planner, plan: MergePlan) -> None:
    """A record the copy removed along with the one it belongs to (a base's evidence tick, a trip's form), when that
    one's removal is in conflict (changed here meanwhile): it follows the lead's choice there. Brought in by itself,
    keeping the year file's base would still lose the base's 已查验 tick. A record of this kind changed here (a
    trip's tick or forms) puts the removal of the one it belongs to in conflict: brought in by itself, that removal
    would take along the record whose year-file side the lead kept."""
    removals = {(f.table, f.ident): f for f in plan.facts
                if f.state in ("apply", "conflict") and f.field is None and f.last.action == "delete"}
    for fact in removals.values():
        if fact.state == "conflict" and not fact.why:
            for owner in (removals[k] for k in _parents(p, fact) if k in removals):
                if owner.state == "apply":
                    owner.state = "conflict"
    removed = {k: f for k, f in removals.items() if f.state == "conflict"}
    for fact in removals.values():
        if fact.state == "conflict" and fact.why:
            continue
        parent = next((removed[k] for k in _parents(p, fact) if k in removed), None)
        if parent is not None:
            fact.state, fact.follows = "follows", parent


def _parents(p: Planner, fact: Fact) -> list[tuple[str, Any]]:
    """The records a keyed record (a tick, a trip's form, …) belongs to: (table, ident) by its key's parts."""
    keys = TICK_KEY if fact.table == "evidence_ticks" else audit.KEYS.get(fact.table)
    if keys is None or fact.ident[0] not in ("tick", "key"):
        return []
    parents = p.fk[fact.table]
    return [(parents[k], v) for k, v in zip(keys, fact.ident[1], strict=True) if k in parents and v is not None]


def _outside_of(chain: list[CopyMark], fact: Fact, unit: str | None) -> CopyMark | None:
    """The copy's mark a row of this fact was made under that did not hand the unit over, or None: each row is
    weighed against the copy it was made in (a copy of a copy carries its parent's rows, made under the
    parent's mark)."""
    for row in fact.rows:
        in_force = [m for m in chain if m.seq < row.seq]
        mark = in_force[-1] if in_force else (chain[-1] if chain else None)
        if mark is not None and mark.units is not None and unit not in mark.units:
            return mark
    return None


# Records an activity is entered as, which two field assessors may both enter: told when the year file holds one alike.
TWINNED = frozenset({"trips", "deliveries", "bases"})


def _has_twin_here(p: Planner, fact: Fact) -> bool:
    """Whether a record the copy adds is already in the year file as it is (its unit and every fact the same,
    its place in the list aside)."""
    if fact.table not in TWINNED or fact.field is not None or p.mine_row(fact) is not None:
        return False
    theirs = p.comparable(fact.table, p.theirs_row(fact), copy_side=True)
    if theirs is None or theirs.get("unit_id") is None:
        return False
    theirs.pop("position", None)
    cursor = p.y.execute(f"SELECT * FROM {fact.table} WHERE unit_id = ?", (loads(theirs["unit_id"]),))
    names = [d[0] for d in cursor.description]
    for values in cursor.fetchall():
        mine = p.comparable(fact.table, dict(zip(names, values, strict=True)), copy_side=False) or {}
        mine.pop("position", None)
        if mine == theirs:
            return True
    return False


def record_id_of(p: Planner, fact: Fact) -> str:
    """The audit's record id of the year file's row a fact is of ("" parts where the row has none)."""
    key = p.y_key(fact.table, fact.ident) or {}
    keys = audit.KEYS.get(fact.table)
    if keys is None:
        if not key and fact.ident[0] == "y":  # removed here: its id, by which the trail still names it and its unit
            return str(fact.ident[1])
        return str(key.get("id", ""))
    return "/".join(str(key.get(k, "")) for k in keys)


def _touched_here(p: Planner, fact: Fact) -> bool:
    """Whether the year file set this field since the copy was made, even back to the value the copy found
    (an edit and its undo, or another copy's edits that ended where they began): the copy's change then
    meets a choice made here. What merging this copy (or one it was copied from) wrote is not such a choice."""
    rid = record_id_of(p, fact)
    last = p.y.execute("SELECT action, edit, new_value FROM audit WHERE table_name = ? AND record_id = ? AND seq > ? "
                       "AND field = ? ORDER BY seq DESC LIMIT 1", (fact.table, rid, p.prefix, fact.field)).fetchone()
    if last is None:
        return False
    action, edit, value = last
    if action != MERGED:
        merged = p.y.execute("SELECT new_value FROM audit WHERE edit = ? AND action = ? AND table_name = ? "
                             "AND record_id = ? AND (field = ? OR field IS NULL)",
                             (edit, MERGED, fact.table, rid, fact.field)).fetchone()
        if merged is None:
            return True  # set here by hand
        value = merged[0]
    if p.copy_hashes is None:
        p.copy_hashes = {h for (h,) in p.c.execute("SELECT hash FROM audit WHERE seq > ?", (p.prefix,))}
    return not set((loads(value) or {}).get("rows") or ()) <= p.copy_hashes


def _has(conn: sqlite3.Connection, table: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return found is not None


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return all(a[k] == b[k] for k in a.keys() & b.keys())


def _cannot_add(p: Planner, fact: Fact) -> str:
    """Why the copy's new record cannot come in as it is: its parent is gone here, or a unique value is
    taken here by another record."""
    theirs = p.theirs_row(fact)
    if theirs is None:
        return ""
    for column, parent in p.fk[fact.table].items():
        value = theirs.get(column)
        if value is None or parent == "assessors":
            continue
        ident = p.parent_ident(parent, value)
        if ident is not None and ident[0] == "y" and p.y_id(parent, ident) is None:
            return "parent_gone"
        if ident is not None and (parent, ident) in p.kept_out:  # its parent, new in the copy, cannot come
            return "parent_kept_out"
    if fact.table == "units":
        for column in ("name", "credit_code"):
            if p.y.execute(f"SELECT 1 FROM units WHERE {column} = ?", (theirs[column],)).fetchone():
                return "duplicate"
    if fact.table == "sheet_versions":
        unit = p.to_y("sheet_versions", "unit_id", theirs["unit_id"])
        if p.y.execute("SELECT 1 FROM sheet_versions WHERE unit_id = ? AND version = ?",
                       (unit, theirs["version"])).fetchone():
            return "duplicate"
    return ""


# Records known by what they are of (a tick by its unit, clause and item; a note by its unit and clause): one
# cleared in the office and set in the field is made again from the copy when the lead takes the copy's side.
RESTORABLE = frozenset({"evidence_ticks", "clause_notes"})


def _restorable(p: Planner, fact: Fact) -> bool:
    """Whether a record removed here can be made again from the copy: a tick or a note whose unit (and base or
    trip) is still here and that the copy has. Asked only of a record whose one field the copy changed (the
    copy's record is then the record as it was with this change: nothing the lead keeps otherwise comes in)."""
    if fact.table not in RESTORABLE or fact.ident[0] not in ("tick", "key") or p.theirs_row(fact) is None:
        return False
    keys = TICK_KEY if fact.table == "evidence_ticks" else audit.KEYS.get(fact.table)
    return keys is not None and p.natural_key(fact.table, keys, fact.ident[1]) is not None


def _children_added_here(p: Planner, table: str, mine: Mapping[str, Any], inserted_here: set) -> bool:
    """Records the year file added under a record the copy removed (removing it would take them along)."""
    for child, column in p.cascade.get(table, ()):
        if child in KIND_TABLE.values():
            continue
        for values in p.y.execute(f"SELECT * FROM {child} WHERE {column} = ?", (mine.get("id"),)).fetchall():
            names = p.columns_of(child)
            record = dict(zip(names, values, strict=True))
            keys = audit.KEYS.get(child)
            rid = str(record["id"]) if keys is None else "/".join(str(record[k]) for k in keys)
            if (child, rid) in inserted_here:
                return True
    return False


def unit_of(p: Planner, fact: Fact, mine: Mapping[str, Any] | None) -> int | None:
    if fact.table == "units":
        return p.y_id("units", fact.ident)
    row = mine or p.theirs_row(fact) or _base_row(fact) or {}
    if mine is None and "unit_id" in row:
        return p.to_y(fact.table, "unit_id", row.get("unit_id"))
    if "unit_id" in row:
        return row.get("unit_id")
    if fact.table == "trip_evaluations":
        trip = p.y_id("trips", fact.ident[1][0])
        found = p.y.execute("SELECT unit_id FROM trips WHERE id = ?", (trip,)).fetchone()
        return None if found is None else found[0]
    return None


def _judge_imports(p: Planner, plan: MergePlan) -> None:
    """A roster the copy imported replaces, here, the sources it replaced there; when this file has since
    imported the same source itself, the two imports are a conflict."""
    for fact in plan.facts:
        if fact.table != "imports" or fact.state != "apply" or fact.rows[0].action != "import":
            continue
        summary = loads(fact.rows[0].new) or {}
        unit = p.to_y("imports", "unit_id", summary.get("unit_id"))
        gone = p.replaced_here(fact)
        here = {s.id for s in p.ds.replaced_sources(summary.get("kind", ""), unit, summary.get("file_name", ""),
                                                    summary.get("sha256", ""),
                                                    alongside=bool(summary.get("alongside")))}
        if here - gone:
            fact.state = "conflict"
            fact.rivals = tuple(sorted(here - gone))


# ------------------------------------------------------------------ showing facts

def _who(names: Mapping[int, str], assessor: int | None) -> str:
    return names.get(assessor, "") if assessor is not None else ""


def _record_words(p: Planner, namer: Namer, fact: Fact, mine: Mapping[str, Any] | None) -> Msg:
    """The record as the year file names it, or, when the year file has it not (new in the copy, or removed
    here), as the copy does: the unit, base or trip it hangs on by the copy's ids."""
    if mine:
        return namer.record(fact.table, mine)
    theirs = p.theirs_row(fact) or _base_row(fact) or {}
    return (p.copy_namer or namer).record(fact.table, theirs)


def _field_words(table: str, name: str) -> Msg:
    return Namer.field(table, name)


def _told_field(fact: Fact) -> Msg | None:
    """The field a fact is of, in the bureau's words; None for a whole record or one named by its field."""
    if fact.field is None or (fact.table, fact.field) in NAMED_BY_THEIR_FIELD:
        return None
    return _field_words(fact.table, fact.field)


# Columns a record is not told by: its links, order, stamps, and what only identifies a file's bytes.
UNTOLD = frozenset({"id", "position", "sha256", "size", "mime", "added_at", "signed_at", "imported_at",
                    "content_sha256", "mapping", "replaced_rows", "pdf_sha256", "fingerprint", "locked_at"})


def _shown_record(p: Planner, table: str, values: Mapping[str, Any] | None) -> Any:
    """A record's values beside its name (which already says what NAMED_BY names it by): a lone value bare,
    as a note's text; several, each after its field's name."""
    if values is None:
        return Msg.of("teamwork.value.absent")
    skip = UNTOLD | {BLOBS.get(table), *STAMPS.get(table, ()), *p.fk[table].keys(), *NAMED_BY.get(table, ())}
    told = [(k, p.shown(v, table, k)) for k, v in values.items()
            if k not in skip and k in p.columns_of(table) and v not in (None, "")]
    if table == "evidence_ticks" and [k for k, _ in told] == ["seen"]:  # 已查验, not 是: the tick names no field
        return Msg.of("verdict.seen" if values["seen"] else "verdict.not_seen")
    if len(told) == 1:
        return told[0][1]
    parts = [Msg.of("teamwork.value.pair", field=_field_words(table, k), value=v) for k, v in told]
    return Msg.of("teamwork.value.record", parts=tuple(parts)) if parts else Msg.of("teamwork.value.present")


def _value(p: Planner, fact: Fact, side: str, mine: Mapping[str, Any] | None) -> Any:
    if fact.field is not None:
        if side == "mine":
            if mine is None:
                return Msg.of("teamwork.value.absent")
            return p.shown(mine.get(fact.field), fact.table, fact.field)
        return p.shown(loads(fact.last.new), fact.table, fact.field)
    if side == "theirs" and fact.last.action == "delete":  # said as what the copy did, not as an empty value
        return Msg.of("teamwork.value.removed")
    return _shown_record(p, fact.table, mine if side == "mine" else p.theirs_row(fact))


def _mine_side(p: Planner, fact: Fact, mine: Mapping[str, Any] | None, names: Mapping[int, str]) -> Side:
    key = p.y_key(fact.table, fact.ident) or {}
    keys = audit.KEYS.get(fact.table)
    rid = str(key.get("id", "")) if keys is None else "/".join(str(key.get(k, "")) for k in keys)
    if not key and fact.ident[0] == "y":  # removed here: its removal names it by the id both files gave it
        rid = str(fact.ident[1])
    elif not key and fact.ident[0] in ("tick", "key") and fact.rows[0].action in ("update", "delete"):
        rid = fact.rows[0].record_id  # a record both had (a tick, a trip's form): the id or key both files gave it
    sql = "SELECT at, assessor_id FROM audit WHERE table_name = ? AND record_id = ? AND seq > ?"
    params: list[Any] = [fact.table, rid, p.prefix]
    if fact.field is not None:
        sql += " AND (field = ? OR field IS NULL)"
        params.append(fact.field)
    found = p.y.execute(sql + " ORDER BY seq DESC LIMIT 1", params).fetchone()
    if found is None and mine is None:  # removed here: by the removal of the record it belonged to
        found = (None, None)
    at, by = found if found is not None else (None, None)
    return Side(_value(p, fact, "mine", mine), _who(names, by), at or "")


def _conflict(p: Planner, namer: Namer, fact: Fact) -> Conflict:
    mine = p.mine_row(fact)
    y_names = {i: n for n, i in p.y_assessors.items()}
    why = Msg.of(f"teamwork.why.{fact.why}") if fact.why else None
    theirs = Side(_value(p, fact, "theirs", mine), _who(p.c_assessors, fact.last.assessor_id), fact.last.at)
    what, mine_side = _record_words(p, namer, fact, mine), _mine_side(p, fact, mine, y_names)
    field_name = _told_field(fact)
    if fact.rivals:
        mine_side = _rivals_side(p, fact, y_names)
    if _is_final(fact):  # whether the unit's data is 定稿: told as such, not as a field going 否 / 是
        what, field_name = Msg.of("teamwork.final_what", what=what), None
        theirs = replace(theirs, value=_final_word(loads(fact.last.new)))
        mine_side = replace(mine_side, value=_final_word(mine is not None and mine.get("facts_final")))
    note = (Msg.of("teamwork.why.outside", assessor=fact.outside_of or p.c_mark_assessor) if fact.outside else
            Msg.of("teamwork.why.restores") if fact.restores else None)
    return Conflict(fact.number, what, field_name, mine_side, theirs, not fact.why, why, note)


def _rivals_side(p: Planner, fact: Fact, names: Mapping[int, str]) -> Side:
    """An import in conflict, the year file's side: the lists of its kind this file imported since the copy was
    made, which the copy's list would replace (each by its file's name, kind and rows), by whom and when."""
    cursor = p.y.execute(f"SELECT * FROM imports WHERE id IN ({', '.join('?' * len(fact.rivals))}) ORDER BY id",
                         fact.rivals)
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, found, strict=True)) for found in cursor.fetchall()]
    if not rows:
        return Side(Msg.of("teamwork.value.absent"), "", "")
    lists = tuple(Msg.of("teamwork.value.list_here", file=row["file_name"], list=_shown_record(p, "imports", row))
                  for row in rows)
    latest = max(rows, key=lambda row: row["imported_at"] or "")
    return Side(Msg.of("teamwork.value.record", parts=lists), _who(names, latest["imported_by"]),
                latest["imported_at"] or "")


def _is_final(fact: Fact) -> bool:
    return (fact.table, fact.field) == ("units", "facts_final")


def _final_word(final: Any) -> Msg:
    return Msg.of("teamwork.final_yes" if final else "teamwork.final_no")


def _change(p: Planner, namer: Namer, fact: Fact) -> Change:
    mine = p.mine_row(fact)
    by = Side(None, _who(p.c_assessors, fact.last.assessor_id), fact.last.at)
    what = _record_words(p, namer, fact, mine)
    return Change(what, _told_field(fact),
                  _value(p, fact, "mine", mine), _value(p, fact, "theirs", mine), by,
                  _final_told(p, fact, what) or _import_told(p, fact, mine))


def _import_told(p: Planner, fact: Fact, mine: Mapping[str, Any] | None) -> Msg | None:
    """A roster the copy imported, as what it is: the list's kind in the bureau's words, its unit, file, rows."""
    theirs = p.theirs_row(fact)
    if fact.table != "imports" or mine is not None or theirs is None:
        return None
    unit = p.to_y("imports", "unit_id", theirs.get("unit_id"))
    name = p.y.execute("SELECT name FROM units WHERE id = ?", (unit,)).fetchone() if unit is not None else None
    gone = replaced_here(p, fact)
    replaced = p.y.execute(f"SELECT count(*) FROM imports WHERE id IN ({','.join('?' * len(gone))})",
                           sorted(gone)).fetchone()[0] if gone else 0
    return Msg.of("teamwork.import_told" if name else "teamwork.import_told_year", unit=name[0] if name else "",
                  kind=p.shown(theirs["kind"], "imports", "kind"), file=theirs["file_name"], rows=theirs["rows"],
                  replaces=Msg.of("teamwork.import_replaces", count=replaced) if replaced else "")


def _final_told(p: Planner, fact: Fact, what: Msg) -> Msg | None:
    """A unit's 定稿 the copy marked or withdrew, as what it is: mostly the copy's change of the unit's data
    withdrew it there (in the same edit), and the merge withdraws it here too."""
    if not _is_final(fact):
        return None
    if loads(fact.last.new):
        uid = p.y_id("units", fact.ident)
        same = uid is not None and unit_data(p.ds, uid) == unit_data(p.copy, int(fact.rows[0].record_id))
        return Msg.of("teamwork.final_marked_in_copy" if same else "teamwork.final_marked_in_copy_if", what=what)
    with_data = p.c.execute("SELECT 1 FROM audit WHERE edit = ? AND NOT (table_name = 'units' AND field IS "
                            "'facts_final') LIMIT 1", (fact.last.edit,)).fetchone()
    return Msg.of("teamwork.final_withdrawn_by_copy" if with_data else "teamwork.final_withdrawn_in_copy", what=what)


def _finals_told(p: Planner, plan: MergePlan, namer: Namer) -> None:
    """The units 定稿 here whose data the changes brought in change (not only a note or an attachment) while
    the copy sets no 定稿 of theirs: merging withdraws their 定稿, as merge_copy's edit does (replay_edit.run).
    A conflict of such a unit's data otherwise left 定稿 says that taking the copy's side withdraws it."""
    changed: dict[int | None, str] = {}  # unit: "apply" (withdrawn), or "conflict" (withdrawn if taken)
    kept: set[int | None] = set()  # removed by the copy, or their 定稿 set by it (withdrawn or marked again)
    again: set[int | None] = set()  # their lists imported again with the same people
    for fact in plan.facts:
        if (fact.table, fact.field) == ("units", "facts_final"):
            if fact.state == "apply" or (fact.state == "same" and loads(fact.last.new)):
                kept.add(p.y_id("units", fact.ident))
        elif fact.state in ("apply", "conflict") and fact.table not in REMARKS:
            unit = unit_of(p, fact, p.mine_row(fact))
            units = units_of(p, fact, unit)
            if fact.state == "apply" and same_people(p, fact, units):
                fact.same_people = True
                again |= units
                continue
            for each in units or [unit]:
                if changed.get(each) != "apply":
                    changed[each] = fact.state
            if fact.table == "units" and fact.field is None and p.theirs_row(fact) is None:
                kept.add(p.y_id("units", fact.ident))
    final = set(p.ds.final_among(u for u in changed.keys() - kept if u is not None))
    names = {i: n for n, i in p.y_assessors.items()}
    plan.withdrawals = [FinalWithdrawal(namer.record("units", {"id": uid}), _marked_final(p, uid, names))
                        for uid in sorted(final) if changed[uid] == "apply"]
    plan.finals_kept = [FinalKept(uid, namer.record("units", {"id": uid})) for uid in sorted(
        u for u in again - kept if u is not None and changed.get(u) != "apply")]
    in_conflict = [f for f in plan.facts if f.state == "conflict"]
    for n, (fact, conflict) in enumerate(zip(in_conflict, plan.conflicts, strict=True)):
        unit = unit_of(p, fact, p.mine_row(fact)) if fact.table not in REMARKS else None
        if _is_final(fact) and loads(fact.last.new):  # the copy's 定稿 holds only for the copy's data (merge_copy)
            numbers = [f.number for f in in_conflict if f.table not in REMARKS and not _is_final(f)
                       and unit_of(p, f, p.mine_row(f)) == unit]
            plan.conflicts[n] = replace(conflict, final=Msg.of(
                "teamwork.final_of_copy_data" if numbers else "teamwork.final_of_copy_data_only",
                numbers="、".join(map(str, numbers))))
            continue
        if unit is None and fact.rivals:  # a list of the whole year: the units 定稿 here that are counted from it
            counted = sorted(u for u in units_of(p, fact, None) if u in final and changed.get(u) == "conflict")
            if counted:
                plan.conflicts[n] = replace(conflict, final=Msg.of("teamwork.finals_withdrawn_if_taken", units=tuple(
                    Msg.of("teamwork.final_marked_by", what=namer.record("units", {"id": uid}),
                           **_marked_words(p, uid, names)) for uid in counted)))
            continue
        if unit in final and changed[unit] == "conflict":
            plan.conflicts[n] = replace(conflict, final=Msg.of("teamwork.final_withdrawn_if_taken",
                                                               **_marked_words(p, unit, names)))


def _marked_words(p: Planner, uid: int, names: Mapping[int, str]) -> dict[str, Any]:
    """Who marked a unit 定稿 here and when, as a message's who and when."""
    marked = _marked_final(p, uid, names)
    return {"who": marked.who or Msg.of("teamwork.someone"), "when": edit_time(marked.when) if marked.when else "—"}


def _marked_final(p: Planner, uid: int, names: Mapping[int, str]) -> Side:
    """Who marked a unit 定稿 here and when: by hand (an update of facts_final), or as it was entered."""
    at, by = p.y.execute("SELECT at, assessor_id FROM audit WHERE table_name = 'units' AND record_id = ? AND "
                         "(field = 'facts_final' OR (field IS NULL AND action IN ('insert', 'import'))) "
                         "ORDER BY seq DESC LIMIT 1", (str(uid),)).fetchone() or ("", None)
    return Side(None, _who(names, by), at)


def change_words(change: Change) -> Msg:
    what, field_name, old, new, by, told = change
    who, when = by.who or Msg.of("teamwork.someone"), edit_time(by.when)
    if told is not None:
        return Msg.of("teamwork.told_line", told=told, who=who, when=when)
    return Msg.of("teamwork.change_line", what=what, field=_of_field(field_name), old=old, new=new, who=who, when=when)


def withdrawal_words(withdrawal: FinalWithdrawal) -> Msg:
    """A 定稿 here the merge withdraws, and that it can be marked again once the data is checked."""
    marked = withdrawal.marked
    return Msg.of("teamwork.final_withdrawn_by_merge", what=withdrawal.what,
                  who=marked.who or Msg.of("teamwork.someone"), when=edit_time(marked.when) if marked.when else "—")


def kept_words(kept: FinalKept) -> Msg:
    """A 定稿 here the merge keeps though the copy imported the unit's list again: in a plain import's words."""
    return Msg.of("teamwork.final_kept_same_people", what=kept.what, said=Msg.of("dataset.final_kept_same_people"))


def held_words(change: Change) -> Msg:
    """A change of a unit locked here, with why it cannot come in now."""
    what, field_name, here, new, by, _ = change
    return Msg.of("teamwork.held_line", what=what, field=_of_field(field_name), old=here, new=new,
                  who=by.who or Msg.of("teamwork.someone"), when=edit_time(by.when),
                  why=Msg.of("teamwork.why.locked_here"))


def side_by(side: Side) -> Msg | str:
    """Who set a side's value: the assessor, 未记名 when the trail names no one, or — when nothing set it
    since the copy was made (a unit not handed over, changed only in the field) — 办公室未改动."""
    if side.who:
        return side.who
    return Msg.of("teamwork.unchanged_here") if not side.when else Msg.of("teamwork.someone")


def conflict_words(conflict: Conflict) -> list[Msg]:
    """A conflict as lines: what, the year file's side, the copy's side (or why it cannot be taken)."""
    lines = [Msg.of("teamwork.conflict_line", number=conflict.number, what=conflict.what,
                    field=_of_field(conflict.field))]
    for code, side in (("teamwork.conflict_mine", conflict.mine), ("teamwork.conflict_theirs", conflict.theirs)):
        if side.when:
            lines.append(Msg.of(code, value=side.value, who=side_by(side), when=edit_time(side.when)))
        else:  # a side no one changed has no time to tell
            lines.append(Msg.of(f"{code}_untimed", value=side.value, who=side_by(side)))
    if conflict.why is not None:
        lines.append(Msg.of("teamwork.conflict_only_mine", why=conflict.why))
    lines += [said for said in (conflict.note, conflict.final, conflict.along) if said is not None]
    return lines


def _of_field(name: Msg | None) -> Any:
    return Msg.of("teamwork.field_of", field=name) if name is not None else ""
