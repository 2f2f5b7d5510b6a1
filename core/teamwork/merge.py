"""Merging a field copy back into the year file without losing an edit.

Both files share the trail up to the row where the copy was made (their common prefix: the chain makes
equal rows mean equal history). The copy's rows after it that the year file has not merged yet are
folded into facts: a field of a record, or a whole record where the copy added or removed it. Each fact
is compared three ways: as the copy found it (its first row's old value), as the copy has it now
(theirs) and as the year file has it now (mine). Mine unchanged: the copy's change comes in. Mine
already equal to theirs: nothing to do. Otherwise it is a conflict, shown with both values, who and
when, for the lead to choose; nothing is overwritten unchosen. A change of a unit signed and locked here
meanwhile is held: neither brought in nor noted as merged, so that it comes in when the copy is merged
again after the unit is reopened (a copy row is noted as merged only when taken or declined by the lead).
The copy itself counts as merged back all the same, its merge row naming what was held back: the lead has dealt
with every change of it, even when all were held and nothing came in.

Records the copy added get new ids in the year file; the merge notes, in its own audit rows, which
copy row made which record and which copy rows it merged (by their hashes), so merging the same copy
again changes nothing, a copy of a copy merges only what the year lacks, and a copy edited after its
merge brings only the later edits. Every merged change is written through the dataset's edit path,
with the assessor, time and reason of the field edit, in one transaction with the rest of the merge.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.common.messages import Msg, render
from core.common.problems import Problem
from core.common.progress import Progress
from core.people.records import KIND_TABLE
from core.store import audit, replay_edit
from core.store.audit_check import BLOBS, content_sha256
from core.store.dataset import Dataset, Edit
from core.store.edit import now_text
from core.teamwork.facts import MERGE, MERGED, REMARKS, RESOLVED, STAMPS, YEAR_LEVEL, Fact, Planner, loads
from core.teamwork.field_copy import copies_out, marks
from core.teamwork.plan import FinalKept, MergePlan, held_words, kept_words, planned, record_id_of, unit_of
from core.teamwork.vouched import final_from_copy, not_vouched, replaced_here, unit_data


class MergeCancelled(Exception):
    """The lead cancelled a merge in progress: nothing of it was written."""


# ------------------------------------------------------------------ merging


def merge_copy(ds: Dataset, copy: Dataset, copy_name: str, by: int | None, *, choices: Mapping[int, str] | None = None,
               reason: str = "", progress: Progress | None = None) -> tuple[MergePlan, Edit]:
    """Merge `copy` into `ds` in one transaction. Every conflict needs a choice (number -> "mine" or
    "theirs") and then a reason, both audited. Returns the plan and the edit (refused: its problems;
    nothing was written). `progress(done, total)` returning False cancels (MergeCancelled)."""
    plan, planner = planned(ds, copy, copy_name)
    if not plan.ok or planner is None:
        return plan, Edit(problems=tuple(plan.problems))
    choices = dict(choices or {})
    missing = [c.number for c in plan.conflicts if choices.get(c.number) not in ("mine", "theirs")]
    bad = [c.number for c in plan.conflicts if choices.get(c.number) == "theirs" and not c.can_take_theirs]

    def problem(code: str, **params: Any) -> tuple[MergePlan, Edit]:
        return plan, Edit(problems=(Problem(copy_name, "$", "", Msg.of(code, **params)),))
    if missing:
        return problem("teamwork.choices_missing", count=len(missing), numbers="、".join(map(str, missing)))
    if bad:
        return problem("teamwork.theirs_impossible", number=bad[0])
    if plan.conflicts and not reason.strip():
        return problem("teamwork.reason_needed")
    if (not plan.rows or all(f.state == "held" for f in plan.facts)) and not still_out(ds, plan):
        # nothing new, or only changes of units locked here, of a copy the year already counts as merged back (or
        # never knew as made from it): merging changes nothing (the held ones stay unmerged, to come in once their
        # units are reopened). A copy still out is recorded merged back below, with what was held back: the lead has
        # dealt with every change of it
        return plan, Edit()
    taken = plan.taken_from_copy(choices)
    to_write = plan.to_write(choices)
    total = plan.brought_in(choices)
    from_copy = final_from_copy(plan.facts, planner, taken)
    final_here = {uid: unit_data(ds, uid) for uid in ds.final_among(from_copy)}
    dropped: list[int] = []  # units not 定稿 here before whose 定稿 the merge brings in from the copy and withdraws
    # a copy of a copy: the copies it was made through, each with when the next was made from it (their changes
    # until then came in with this one; core/teamwork/field_copy.copies_out tells it of a copy still out)
    chain = marks(replay_edit.connection(copy))
    through = [[m.hash, chain[n + 1].made_at] for n, m in enumerate(chain[:-1])]

    def apply(parts: replay_edit.Parts, whole: Any) -> None:
        mark = plan.mark
        assert mark is not None
        # a unit 定稿 here and marked 定稿 again in the copy after the copy's own changes of it: its data comes in
        # vouched for on the copy's side, so the merge keeps its 定稿 (the copy's marking is noted merged below)
        remarked = (f for f in plan.facts if f.state == "same" and (f.table, f.field) == ("units", "facts_final"))
        whole.final_written |= {planner.y_id("units", f.ident) for f in remarked if loads(f.last.new)} - {None}
        # the merge's own row, last of all its rows (its edits run from `edits_from` to the one holding it)
        parts.log_last(MERGE, "meta", "1", {
            "copy": copy_name, "mark": mark.hash, "assessor": mark.assessor, "made_at": mark.made_at,
            "copy_head": list(plan.head), "changes": total, "conflicts": len(plan.conflicts),
            "theirs": sorted(taken), "held": len(plan.held), "edits_from": parts.first_edit,
            "held_changes": [render(held_words(c)) for c in plan.held], "through": through})
        for fact, conflict in zip([f for f in plan.facts if f.state == "conflict"], plan.conflicts, strict=True):
            parts.log(whole, RESOLVED, fact.table, record_id_of(planner, fact), fact.field, None, {
                "number": conflict.number, "took": choices[conflict.number], "copy": copy_name,
                "theirs": _jsonable(conflict.theirs.value), "their_by": conflict.theirs.who,
                "their_at": conflict.theirs.when, "mine": _jsonable(conflict.mine.value)})
        for cid, name in sorted(planner.c_assessors.items()):
            if name not in planner.y_assessors:
                at = planner.c.execute("SELECT added_at FROM assessors WHERE id = ?", (cid,)).fetchone()[0]
                _assessor(planner, parts, cid, at)
        for done, fact in enumerate(to_write, start=1):
            _write(planner, parts, fact, copy_name)
            if progress is not None and (done % 50 == 0 or done == total) and progress(done, total) is False:
                raise MergeCancelled()
        # the copy's 定稿 holds only for the copy's data: a unit ending with data of the year file's (a side kept
        # in a conflict, an edit made here) is 定稿 no more, unless it is the year file's own 定稿 data
        unvouched = not_vouched(ds, copy, from_copy, final_here)
        dropped.extend(uid for uid in unvouched if uid not in final_here)  # withdrawn here: told as the year's
        if unvouched:
            settle = parts.part(by, now_text(), reason.strip() or None)
            for uid in unvouched:
                settle.update("units", {"id": uid}, {"facts_final": 0})
        # merged without a change here (the same already, or the lead kept the year file's side): noted, so
        # that merging the copy again finds nothing new; a held change is not, and comes again
        # each on its record and field: the year file's value there now stands for the copy's edits too, so a
        # later copy that changed it otherwise meets them as a conflict (plan._touched_here)
        for fact in plan.facts:
            kept = (fact.state == "conflict" and fact.number not in taken) or (
                fact.state == "follows" and fact.follows is not None and fact.follows.number not in taken)
            if fact.state == "same" or kept:
                parts.log(whole, MERGED, fact.table, record_id_of(planner, fact) or fact.rows[0].record_id, fact.field,
                          None, {"copy": copy_name, "rows": [r.hash for r in fact.rows], "made": {}, "kept": True})
    edit = replay_edit.run(ds, by, reason.strip() or None, apply)
    if edit.ok:  # lists imported again with the same people: the units still 定稿 are told so
        edit = replace(edit, final_kept=tuple(ds.final_among(k.unit for k in plan.finals_kept)),
                       final_dropped=tuple(dropped))
    return plan, edit


def still_out(ds: Dataset, plan: MergePlan) -> bool:
    """Whether the year lists this copy as made from it and not merged back yet."""
    return plan.mark is not None and any(c.mark == plan.mark.hash for c in copies_out(replay_edit.connection(ds)))


def finals_told(ds: Dataset, edit: Edit) -> tuple[list[Msg], list[Msg]]:
    """What a merge did to 定稿, told after it: the 定稿 it withdrew (the year file's, and the copy's it brought in
    over data that is not the copy's), and the 定稿 it kept though the copy imported the units' lists again (in
    the words a plain import of the same people uses). Asked while the year is open."""
    names = dict(replay_edit.connection(ds).execute("SELECT id, name FROM units"))
    withdrawn = [said for said in [ds.final_withdrawn(edit)] if said is not None]
    dropped = [names[uid] for uid in edit.final_dropped if uid in names]
    if dropped:
        withdrawn.append(Msg.of("teamwork.copy_final_dropped", units="、".join(f"“{n}”" for n in dropped)))
    kept = [kept_words(FinalKept(uid, Msg.of("audit.record.units", name=names[uid])))
            for uid in edit.final_kept if uid in names]
    return withdrawn, kept


def _jsonable(value: Any) -> Any:
    return render(value) if isinstance(value, Msg) else value


def _assessor(p: Planner, parts: replay_edit.Parts, copy_assessor: int | None, at: str) -> int | None:
    """The field assessor's id in the year file (added, with the copy's row, when new here)."""
    if copy_assessor is None:
        return None
    name = p.c_assessors.get(copy_assessor)
    if name is None:
        return None
    if name not in p.y_assessors:
        role = (p.c.execute("SELECT role FROM assessors WHERE id = ?", (copy_assessor,)).fetchone() or ("",))[0]
        tx = parts.part(None, at, None)
        p.y_assessors[name] = tx.insert("assessors", {"name": name, "role": role, "added_at": at})
    return p.y_assessors[name]


def _write(p: Planner, parts: replay_edit.Parts, fact: Fact, copy_name: str) -> None:
    last = fact.last
    by = _assessor(p, parts, last.assessor_id, last.at)
    tx = parts.part(by, last.at, last.reason)
    table = fact.table
    mine = p.mine_row(fact)
    made: dict[str, int] = {}
    if fact.field is not None and mine is None and fact.restores:
        theirs = p.theirs_row(fact)
        if theirs is None:
            replay_edit.reject(Problem(copy_name, "$", "", Msg.of("teamwork.record_gone")))
            return
        made = _insert(p, tx, fact, theirs, copy_name)
    elif fact.field is not None:
        key = p.y_key(table, fact.ident)
        if key is None or mine is None:
            replay_edit.reject(Problem(copy_name, "$", "", Msg.of("teamwork.record_gone")))
            return
        changes = {fact.field: p.to_y(table, fact.field, loads(last.new))}
        changes.update(_stamps(table, tx))
        tx.update(table, key, changes, quiet=STAMPS.get(table, ()))
    else:
        theirs = p.theirs_row(fact)
        if table == "imports":
            made = _write_import(p, tx, fact, mine, theirs)
        elif theirs is None:
            if mine is not None:
                tx.delete(table, p.y_key(table, fact.ident) or {})
        elif mine is None:
            made = _insert(p, tx, fact, theirs, copy_name)
        else:
            skip = {"id", BLOBS.get(table), *STAMPS.get(table, ())}
            changes = {k: p.to_y(table, k, v) for k, v in theirs.items() if k not in skip}
            changes = {k: v for k, v in changes.items() if mine.get(k) != v}
            if changes:
                changes.update(_stamps(table, tx))
                tx.update(table, p.y_key(table, fact.ident) or {}, changes, quiet=STAMPS.get(table, ()))
    unit = unit_of(p, fact, p.mine_row(fact) or mine)
    if unit is not None and p.y.execute("SELECT 1 FROM units WHERE id = ?", (unit,)).fetchone():
        tx.touch(unit, remark=table in REMARKS or fact.same_people)
    elif unit is None and table == "imports" and not fact.same_people:  # a list of the whole year: as imported here
        tx.data_units |= p.ds.units_counted_from((p.theirs_row(fact) or mine or {}).get("kind", ""))
    if table in YEAR_LEVEL:
        tx.year_level = True
    parts.log(tx, MERGED, table, record_id_of(p, fact) or str(made.get(fact.rows[0].hash, "")), fact.field, None,
              {"copy": copy_name, "rows": [r.hash for r in fact.rows], "made": made})


def _insert(p: Planner, tx: Any, fact: Fact, theirs: Mapping[str, Any], copy_name: str) -> dict[str, int]:
    """The copy's record made here (its links as this file's ids); a record known by a number gets a new one."""
    table = fact.table
    values = {k: p.to_y(table, k, v) for k, v in theirs.items()}
    if any(values[k] is None and theirs[k] is not None for k in p.fk[table] if k in values):
        replay_edit.reject(Problem(copy_name, "$", "", Msg.of("teamwork.parent_not_taken")))
    if audit.KEYS.get(table) is None:
        values.pop("id", None)
    blob = BLOBS.get(table)
    if blob:
        values[blob] = sqlite3.Binary(values[blob])
    new_id = tx.insert(table, values, hidden=(blob,) if blob else ())
    if audit.KEYS.get(table) is not None:
        return {}
    if fact.ident[0] == "new":
        p.new_ids[fact.ident[1]] = new_id
    return {fact.rows[0].hash: new_id}


def _stamps(table: str, tx: Any) -> dict[str, Any]:
    stamps = STAMPS.get(table)
    return {} if stamps is None else {stamps[0]: tx.assessor_id, stamps[1]: tx.at}


def _write_import(p: Planner, tx: Any, fact: Fact, mine: Mapping[str, Any] | None,
                  theirs: Mapping[str, Any] | None) -> dict[str, int]:
    """An imported source with its people: the sources it replaces here go, its rows come (new ids)."""
    conn = p.y
    if theirs is None:
        if mine is not None:
            table = KIND_TABLE[mine["kind"]]
            conn.execute(f"DELETE FROM {table} WHERE import_id = ?", (mine["id"],))
            conn.execute("DELETE FROM imports WHERE id = ?", (mine["id"],))
            tx.log_summary("delete", "imports", str(mine["id"]), {k: mine[k] for k in (
                "kind", "unit_id", "file_name", "sha256", "rows")}, old=True)
        return {}
    if mine is not None:
        return {}
    summary = loads(fact.rows[0].new) or {}
    kind = theirs["kind"]
    table = KIND_TABLE[kind]
    unit = p.to_y("imports", "unit_id", theirs["unit_id"])
    gone = replaced_here(p, fact)
    replaced = []
    for old_id in sorted(i for i in gone if i is not None):
        found = conn.execute("SELECT file_name, sha256, rows FROM imports WHERE id = ?", (old_id,)).fetchone()
        if found is None:
            continue
        conn.execute(f"DELETE FROM {table} WHERE import_id = ?", (old_id,))
        conn.execute("DELETE FROM imports WHERE id = ?", (old_id,))
        replaced.append({"id": old_id, "file_name": found[0], "sha256": found[1], "rows": found[2]})
    values = {k: p.to_y("imports", k, v) for k, v in theirs.items() if k != "id"}
    values["replaced_rows"] = sum(r["rows"] for r in replaced)
    import_id = tx.fresh_id("imports")
    conn.execute(f"INSERT INTO imports (id, {', '.join(values)}) VALUES (?, {', '.join('?' * len(values))})",
                 [import_id, *values.values()])
    columns = [c for c in p.columns_of(table) if c != "id"]
    people = p.c.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE import_id = ? ORDER BY id",
                         (theirs["id"],)).fetchall()
    rows = []
    for person in people:
        record = dict(zip(columns, person, strict=True))
        record["import_id"] = import_id
        for column in columns:
            if column != "import_id" and column in p.fk[table]:
                record[column] = p.to_y(table, column, record[column])
        rows.append([record[c] for c in columns])
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
    extra = {k: summary[k] for k in ("left_out_rows", "left_out", "corrected_cells") if k in summary}
    unit_name = (conn.execute("SELECT name FROM units WHERE id = ?", (unit,)).fetchone() or (None,))[0]
    tx.log_summary("import", "imports", str(import_id), {
        **values, "unit": unit_name, **extra,
        "content_sha256": content_sha256(conn, table, "import_id = ?", (import_id,)),
        "replaced": replaced})
    tx.match_inputs_changed = True
    if fact.ident[0] == "new":
        p.new_ids[fact.ident[1]] = import_id
    return {fact.rows[0].hash: import_id}


# ------------------------------------------------------------------ what the trail says of merges

@dataclass(frozen=True)
class MergeRecord:
    at: str
    by: str
    copy: str
    assessor: str
    changes: int
    conflicts: int
    held: tuple[str, ...] = ()  # the changes it held back (a unit signed and locked here), in words


def merges(ds: Dataset) -> list[MergeRecord]:
    """Every merge of a field copy the year's trail records, oldest first."""
    conn = replay_edit.connection(ds)
    names = dict(conn.execute("SELECT id, name FROM assessors"))
    found = []
    for at, by, value in conn.execute("SELECT at, assessor_id, new_value FROM audit WHERE action = ? AND table_name = "
                                      "'meta' ORDER BY seq", (MERGE,)):
        data = json.loads(value or "{}")
        found.append(MergeRecord(at, names.get(by, ""), str(data.get("copy", "")), str(data.get("assessor", "")),
                                 int(data.get("changes", 0)), int(data.get("conflicts", 0)),
                                 tuple(str(h) for h in data.get("held_changes") or ())))
    return found


def merged_edits(ds: Dataset) -> int:
    """How many changes of the year came from field copies (each names its copy rows)."""
    conn = replay_edit.connection(ds)
    return conn.execute("SELECT count(*) FROM audit WHERE action = ? AND table_name <> 'meta' "
                        "AND json_extract(new_value, '$.kept') IS NULL", (MERGED,)).fetchone()[0]
