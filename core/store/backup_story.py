"""What the audit trail says about a backup, in the bureau's words: the edit done just before it was
taken, and the edits a restore of it would undo (made in the year file after the backup's trail ends)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.common.messages import Msg, render
from core.store import audit
from core.store.audit_check import Namer, first_difference, namer_for, read_only_uri
from core.store.backup import list_backups

SHOWN_EDITS = 3  # the latest edits a restore would undo, named one by one


@dataclass(frozen=True)
class Undone:
    """The edits of the year file a restore of a backup would undo: how many, and the latest named."""
    count: int
    latest: tuple[Msg, ...]  # newest first, each with its time
    big: tuple[Msg, ...] = ()  # the imports and merges among the older ones, newest first


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)


def _namer(conn: sqlite3.Connection, rules: Any) -> Namer:
    return namer_for(rules).learn(conn)


def _local_time(at: str) -> str:
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at


def _record(conn: sqlite3.Connection, namer: Namer, table: str, record_id: str) -> Msg:
    """The record as the messages name it, from its row in the file when it is still there."""
    return namer.record(table, audit.record_row(conn, table, record_id))


def describe_edit(conn: sqlite3.Connection, namer: Namer, rows: list[tuple]) -> Msg:
    """One edit (the trail's rows sharing its edit number: action, table, record, field, new value, at)
    as one line: its time and what it did, its first change named."""
    return Msg.of("backup.edit.line", time=_local_time(rows[0][5]), what=edit_words(conn, namer, rows))


def edit_words(conn: sqlite3.Connection, namer: Namer, rows: list[tuple]) -> Msg:
    """What one edit did, its first change named (and how many changes it made, when more than one)."""
    action, table, record_id, field, new_value, _ = rows[0][:6]
    if action == "update" and field:
        try:
            value: Any = json.loads(new_value) if new_value is not None else None
        except ValueError:
            value = new_value
        what = Msg.of("backup.edit.update", record=_record(conn, namer, table, record_id),
                      field=namer.field(table, field), value=namer.value(value, table, field))
    elif action == "import":
        try:
            file_name = json.loads(new_value or "{}").get("file_name", "")
        except (ValueError, AttributeError):
            file_name = ""
        what = Msg.of("backup.edit.import", file=file_name)
    elif action == "insert" and _year_import(rows):  # core.store.fact_edits.import_year: the year's units at once
        return Msg.of("backup.edit.year_import", units=sum(r[1] == "units" for r in rows), count=len(rows))
    elif action in ("insert", "delete"):
        what = Msg.of(f"backup.edit.{action}", record=_record(conn, namer, table, record_id))
    elif action == "merge" and table == "meta":  # a merge of a field copy: one step, however many edits it wrote
        told = _json(new_value)
        return merge_edit(told)
    elif action == "field_copy_out" and table == "meta":  # a field copy made from the year
        what = copy_out_edit(_json(new_value))
    elif action in ("migrate", "schema", "create"):
        what = Msg.of("backup.edit.create" if action == "create" else "backup.edit.migrate")
    else:
        what = Msg.of("backup.edit.other", table=Msg.of(f"audit.table.{table}"))
    if len(rows) > 1:
        what = Msg.of("backup.edit.more", first=what, count=len(rows))
    return what


def merge_edit(told: dict[str, Any]) -> Msg:
    """A merge of a field copy as one step: which copy, whose, how many changes it brought, and how many it held
    back (a unit signed and locked in the year)."""
    said = {"copy": told.get("copy", ""), "assessor": told.get("assessor", ""), "changes": told.get("changes", 0)}
    if told.get("held"):
        return Msg.of("backup.edit.merge_held", held=told.get("held"), **said)
    return Msg.of("backup.edit.merge", **said)


def copy_out_edit(told: dict[str, Any]) -> Msg:
    """A field copy's making as the year's trail keeps it (core/teamwork/field_copy.py), in a line of its own."""
    units = told.get("units")
    scope = Msg.of("teamwork.whole_year") if not isinstance(units, list) else "、".join(map(str, units))
    return Msg.of("backup.edit.field_copy_out", copy=told.get("file_name", ""), assessor=told.get("assessor", ""),
                  units=scope)


def _year_import(rows: list[tuple]) -> bool:
    """Whether an edit's rows are those of a year's facts imported whole (a year file made from a JSON file or
    from the year before): inserts only, of more than one unit; adding a unit inserts one."""
    return all(r[0] == "insert" for r in rows) and sum(r[1] == "units" for r in rows) > 1


def _json(text: str | None) -> dict[str, Any]:
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _merge_spans(conn: sqlite3.Connection, after: int) -> dict[int, int]:
    """Each edit after row `after` that a merge of a field copy wrote -> the merge's last edit, which holds
    its own row (core/teamwork/merge.py: each field edit it brings in is an edit of its own). A merge
    written before its row came last is not known here: its edits stay steps of their own."""
    spans: dict[int, int] = {}
    for edit, value in conn.execute("SELECT edit, new_value FROM audit WHERE seq > ? AND action = 'merge' "
                                    "AND table_name = 'meta'", (after,)):
        first = _json(value).get("edits_from")
        if isinstance(first, int):
            spans.update(dict.fromkeys(range(first, edit + 1), edit))
    return spans


def _step_rows(conn: sqlite3.Connection, step: int, spans: dict[int, int], after: int) -> list[tuple]:
    """The rows of one step (an edit, or all the edits of a merge) after row `after`, its merge row first."""
    edits = [edit for edit, last in spans.items() if last == step] or [step]
    return _big_first(conn.execute("SELECT action, table_name, record_id, field, new_value, at, edit FROM audit "
                                   "WHERE edit BETWEEN ? AND ? AND seq > ? ORDER BY seq",
                                   (min(edits), max(edits), after)).fetchall())


def _edit_rows(conn: sqlite3.Connection, edit: int, after: int = 0) -> list[tuple]:
    """The rows of one edit after row `after` (seq counts from 1), in order: action, table_name,
    record_id, field, new_value, at, edit."""
    return conn.execute("SELECT action, table_name, record_id, field, new_value, at, edit FROM audit "
                        "WHERE edit = ? AND seq > ? ORDER BY seq", (edit, after)).fetchall()


def last_edit(backup: Path, rules: Any) -> Msg | None:
    """What was done just before the backup was taken (its trail's last edit, without its time), read from
    the backup itself."""
    try:
        conn = _connect(backup)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT edit, seq FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return edit_words(conn, _namer(conn, rules), [r[:6] for r in _big_first(_edit_rows(conn, row[0]))])
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def undone_by(dataset: sqlite3.Connection, backup: Path, rules: Any, shown: int = SHOWN_EDITS) -> Undone | None:
    """The edits of the year file (its open connection) that restoring `backup` would undo: those after
    the last row the two trails share. None when the backup cannot be read."""
    try:
        conn = _connect(backup)
    except sqlite3.Error:
        return None
    try:
        (theirs,) = conn.execute("SELECT count(*) FROM audit").fetchone()
        (mine,) = dataset.execute("SELECT count(*) FROM audit").fetchone()
        differs = first_difference(dataset, conn, min(mine, theirs))
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    shared = min(mine, theirs) if differs is None else differs - 1
    spans = _merge_spans(dataset, shared)
    edits = [r[0] for r in dataset.execute("SELECT DISTINCT edit FROM audit WHERE seq > ? ORDER BY edit DESC",
                                           (shared,))]
    steps = list(dict.fromkeys(spans.get(edit, edit) for edit in edits))  # a merge is one step
    namer = _namer(dataset, rules)
    latest = [_step_rows(dataset, step, spans, shared) for step in steps[:shown]]
    older = [r[0] for r in dataset.execute(
        "SELECT DISTINCT edit FROM audit WHERE seq > ? AND edit < ? AND action IN ('import', 'merge') "
        "ORDER BY edit DESC LIMIT ?", (shared, min((r[6] for rows in latest for r in rows), default=0), shown))]
    named = {r[6] for rows in latest for r in rows}
    big = [_step_rows(dataset, n, spans, shared)  # an import a merge brought in: the merge, once
           for n in dict.fromkeys(spans.get(n, n) for n in older) if n not in named]
    return Undone(len(steps), tuple(describe_edit(dataset, namer, rows) for rows in latest),
                  tuple(describe_edit(dataset, namer, [r[:6] for r in rows]) for rows in big))


def _big_first(rows: list[tuple]) -> list[tuple]:
    """An edit's rows with its merge row first, else its import row (the one its line names, with its time): a
    merge that brought a roster in is named as the merge."""
    return sorted(rows, key=lambda r: ("merge", "import").index(r[0]) if r[0] in ("merge", "import") else 2)


def outside_warning(year: Path, backup: Path) -> list[Msg]:
    """The sentence to say first before restoring `backup` over the year file `year` when the backup holds a
    change made outside the program (core.store.recovery.changes_in), naming it; nothing otherwise."""
    from core.store.recovery import changes_in
    found = changes_in(year, backup)
    if not found:
        return []
    change = render(found[0].message).rstrip("。")
    if len(found) == 1:
        return [Msg.of("backup.outside", change=change)]
    return [Msg.of("backup.outside_more", count=len(found), change=change)]


def restore_notice(dataset: sqlite3.Connection, backup: Path, rules: Any, kept: Path,
                   year: Path | None = None) -> list[Msg]:
    """What to say before restoring `backup` over the year file (its open connection; `year`, its path): a
    change made outside the program the backup holds, the edits it would undo (how many, the latest named)
    and where the current file is kept (`kept`, recovery.kept_name)."""
    warning = outside_warning(year, backup) if year is not None else []
    undone = undone_by(dataset, backup, rules)
    if undone is None:
        lines = [Msg.of("backup.undoes_unknown")]
    elif undone.count == 0:
        lines = [Msg.of("backup.undoes_none")]
    else:
        lines = [Msg.of("backup.undoes", count=undone.count), *undone.latest]
        if undone.count > len(undone.latest):
            lines.append(Msg.of("backup.undoes_more", count=undone.count - len(undone.latest)))
        if undone.big:
            lines += [Msg.of("backup.undoes_big"), *undone.big]
    kept_words = "backup.kept_before" if undone is None or undone.count else "backup.kept_before_plain"
    return [*warning, *lines, Msg.of(kept_words, kept=kept.name, folder=kept.parent.name)]


def damaged_restore_notice(dataset: Path, backup: Path, kept: Path) -> list[Msg]:
    """What to say before restoring `backup` over a year file that cannot be read: which edits it undoes cannot
    be told (those after the backup's time are not in it), and where the damaged file is kept (`kept`,
    recovery.kept_name(..., damaged=True))."""
    taken = next((b.taken_at for b in list_backups(dataset) if b.path == backup), None)
    time = taken.strftime("%Y-%m-%d %H:%M") if taken is not None else backup.name
    return [*outside_warning(dataset, backup), Msg.of("audit.damaged_undoes", time=time),
            Msg.of("audit.damaged_kept", kept=kept.name, folder=kept.parent.name)]
