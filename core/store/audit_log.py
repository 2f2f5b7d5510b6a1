"""The year's audit trail read for people: each change with when, who, which unit and page, old → new and why."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from core.common.messages import Msg, format_number, render
from core.common.progress import Progress
from core.scoring import kinds
from core.store import audit
from core.store.audit_check import BLOBS, NAMED_BY, Namer, namer_for
from core.store.backup import STEP_PAGES
from core.store.backup_story import copy_out_edit, merge_edit
from core.store.left_out import left_out_of
from core.store.sheet_figures import FIGURES_KEY

# Rows that keep the trail's books, not a change a person made to the year's facts: the format's updates, a copy's
# mark, the rows a merge notes which copy rows it took, the checksums a migration recorded, a roster's corrected cells
# (the import they belong to is its own line).
NOT_SHOWN = frozenset({"create", "migrate", "schema", "attest", "field_copy", "merged", "correct"})
# Columns a record added or removed is not told by: its links, order, stamps and what identifies a file's bytes.
UNTOLD = frozenset({"id", "position", "sha256", "size", "mime", "added_at", "signed_at", "imported_at", "ticked_at",
                    "ticked_by", "assigned_at", "assigned_by", "content_sha256", "mapping", "replaced_rows",
                    "pdf_sha256", "fingerprint", "locked_at", "import_id"})
# A unit's fact -> the kinds.FACTS name of the page that enters it (by table, and by field where the table's fields
# are entered on different pages); the pages are then the rule set's (RuleSet.clause_entering).
_TABLE_FACT = {"bases": kinds.BASES, "trips": kinds.TRIPS, "trip_evaluations": kinds.TRIPS,
               "deliveries": kinds.DELIVERIES, "management": kinds.MANAGEMENT}
_FIELD_FACT = {("bases", "people"): "people", ("bases", "trainees"): "people", ("bases", "count_source"): "people",
               ("bases", "retained"): "retained", ("bases", "trainees_retained"): "retained",
               ("units", "platform_rating"): kinds.PLATFORM_RATING, ("units", "platform_source"): kinds.PLATFORM_RATING,
               ("units", "insured_workers"): kinds.INSURED_WORKERS}
_NEGATIVE_TABLES = frozenset({"negatives", "credit_grades", "cancelled_licences"})
# The words of a record of a unit, by their code, and those without the unit, for a row whose 单位 column says it;
# a unit itself becomes 本单位 ("units": its name is the record's own, compared with the column's).
_IN_UNIT = {"audit.record.units": "auditlog.in_unit.units", "audit.where.clause": "auditlog.in_unit.where_clause",
            **{f"audit.record.{table}": f"auditlog.in_unit.{table}" for table in (
                "unit_kinds", "licences", "bases", "trips", "deliveries", "management", "management_clause",
                "negatives", "credit_grades", "cancelled_licences", "grade_promotions", "signatures_of",
                "sheet_versions", "unit_locks", "clause_notes", "section_notes")}}
READ_ROWS_STEP = 1000  # the trail's rows read between two reports of progress (and chances to stop)
COPY_SHARE = 200  # of the permille a reading aside reports: copying the year, then reading its trail

if TYPE_CHECKING:
    from core.store.dataset import Dataset


_LEAD = "lead"  # the key of a merge's lead among the assessors' names, for the rows a merge wrote unnamed


@dataclass(frozen=True)
class Change:
    """One change of the year as an assessor reads it. `seq` orders it and `unit_id` filters by unit; neither
    is shown."""
    seq: int
    when: str  # local time, to the second
    who: str  # the assessor who made it ("" when the trail names no one)
    copy: str  # the field copy it was made in ("" when made in this file)
    merged_by: str  # who merged that copy, and when
    merged_when: str
    unit_id: int | None
    unit: str
    page: str  # the page it is entered on: a clause's id, or the negative section's (五); "" for none
    page_title: str
    what: Msg  # the record, and the field, in the trail's words
    old: Any  # the value before, as a message shows it ("" for none)
    new: Any
    reason: str
    merge_reason: str = ""  # the lead's reason when the change came in on a conflict
    details: tuple[Msg, ...] = ()  # what the line stands for in full: an import's rows left out, one problem each

    @property
    def who_words(self) -> Msg | str:
        """Who made it: the assessor, and for a field copy's change whose copy it was and who merged it."""
        who: Msg | str = self.who or Msg.of("teamwork.someone")
        if not self.copy:
            return who
        return Msg.of("auditlog.who_merged", who=who, copy=self.copy,
                      by=self.merged_by or Msg.of("teamwork.someone"), when=self.merged_when)

    @property
    def page_words(self) -> str:
        if not self.page:
            return ""
        return render(Msg.of("auditlog.page", id=self.page, title=self.page_title))

    @property
    def reason_words(self) -> Msg | str:
        if self.merge_reason and self.merge_reason != self.reason:
            return Msg.of("auditlog.reason_merged", reason=self.reason or "—", merge_reason=self.merge_reason)
        return self.reason


def local_time(at: str) -> str:
    """A trail's UTC time as the program shows times, local, to the second."""
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def line(change: Change) -> Msg:
    """One change as one line: when, who, unit, page, what, old → new, and why."""
    reason = Msg.of("auditlog.reason", reason=change.reason_words) if change.reason_words else ""
    where = {"when": change.when, "who": change.who_words, "unit": change.unit or "—",
             "page": change.page_words or "—", "what": change.what, "reason": reason}
    if change.old == "" and change.new == "":
        return Msg.of("auditlog.line_plain", **where)
    return Msg.of("auditlog.line", **where, old=_blank(change.old), new=_blank(change.new))


def detail_lines(change: Change) -> list[Msg]:
    """The lines under a change's own that list what it stands for in full (an import's rows left out)."""
    return [Msg.of("auditlog.left_out_line", problem=d) for d in change.details]


def cells(change: Change) -> tuple[str, ...]:
    """A change's texts in the columns the desktop's view and the Excel sheet show (core/excel/changes.COLUMNS):
    what it changed without the unit the 单位 column names (a record of another unit keeps its unit)."""
    what = _in_unit(change.what, change.unit) if change.unit else change.what
    return (change.when, _text(change.who_words), change.unit, change.page_words, _text(what),
            _text(change.old), _text(change.new), _text(change.reason_words))


def _in_unit(words: Any, unit: str, top: bool = True) -> Any:
    """`words` without naming `unit` wherever they name it: 单位“某某”的基地“甲” → 基地“甲”. A unit added or
    removed keeps its name (the change is of the unit itself)."""
    if not isinstance(words, Msg):
        return words
    params = dict(words.params)
    if top and words.code in ("backup.edit.insert", "backup.edit.delete") and isinstance(params.get("record"), Msg) \
            and params["record"].code == "audit.record.units":
        return words
    code = words.code
    shorter = _IN_UNIT.get(code)
    if shorter is not None and params.get("name" if code == "audit.record.units" else "unit") == unit:
        code = shorter
    elif code == "audit.where.unit" and params.get("unit") == unit:
        code = "auditlog.in_unit.where_unit" if params.get("at") else "auditlog.in_unit.units"
    told = tuple((k, _in_unit(v, unit, False)) for k, v in words.params)
    return words if code == words.code and told == words.params else Msg(code, told)


def _text(value: Any) -> str:
    if isinstance(value, Msg):
        return render(value)
    return "" if value is None else str(value)


def _blank(value: Any) -> Any:
    return "—" if value == "" else value


def pages_of(rules: Any) -> list[tuple[str, str]]:
    """(id, title) of the pages a change can be filtered by: the clauses, then the negative section."""
    return [(c.id, c.title) for c in rules.clauses] + [(rules.negative.id, rules.negative.title)]


def read_changes(conn: sqlite3.Connection, rules: Any, *, unit: int | None = None, page: str | None = None,
                 who: str | None = None, progress: Progress | None = None) -> list[Change] | None:
    """Every change the trail of a year file (its connection) records, oldest first; those of one unit, entered
    on one page (a clause id, or the negative section's id), or made by one assessor, when asked. `progress` is
    told the trail's rows read of all; None when it answered False (stop)."""
    found = _Reader(conn, rules).changes(progress)
    if found is None:
        return None
    return [c for c in found if (unit is None or c.unit_id == unit) and (page is None or c.page == page)
            and (who is None or c.who == who)]


class _Stop(Exception):
    """Progress answered False while the year was copied."""


def changes_aside(ds: Dataset) -> Callable[[Progress], list[Change] | None]:
    """The reading of an open year's changes on another thread (the desktop's view of them, which a long trail
    would hold for seconds): made on the thread that owns the year, the reading it returns copies the year into
    memory a few pages at a time (the owner's statements go on between them, and what it commits meanwhile is
    in the copy, as a backup copied aside) and reads every change there, oldest first (a year opened read-only,
    a private copy in memory already, is copied again at once, here). Its progress is told in permille; None
    when progress answered False (stop): the copy goes at once, the year is untouched."""
    from core.store import replay_edit
    source, rules = replay_edit.connection(ds), ds.rule_set()
    made: sqlite3.Connection | None = None
    if ds.read_only:  # its connection (a private copy in memory) serves its own thread alone: copied here at once
        made = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)  # about 2 ms a megabyte
        source.backup(made)

    def read(progress: Progress) -> list[Change] | None:
        memory = made or sqlite3.connect(":memory:", isolation_level=None)
        try:
            def copied(_status: int, remaining: int, total: int) -> None:
                if progress(COPY_SHARE * (total - remaining) // max(total, 1), 1000) is False:
                    raise _Stop
            try:
                if made is None:
                    source.backup(memory, pages=STEP_PAGES, progress=copied, sleep=0.005)
            except _Stop:
                return None
            if progress(COPY_SHARE, 1000) is False:
                return None
            return read_changes(memory, rules, progress=lambda done, total: progress(
                COPY_SHARE + (1000 - COPY_SHARE) * done // max(total, 1), 1000))
        finally:
            memory.close()
    return read


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


@dataclass
class _Merge:
    by: str
    when: str
    copy: str
    reason: str
    first: int  # its edits run from here to the one holding its row
    last: int
    resolved: dict[tuple[str, str, str | None], tuple[dict[str, Any], str]]  # (table, record, field) -> choice, why


class _Reader:
    """One pass over the trail, in order, keeping each record as the trail has made it so far (to name it and its
    unit even once it is removed)."""

    def __init__(self, conn: sqlite3.Connection, rules: Any):
        self.conn = conn
        self.rules = rules
        self.namer: Namer = namer_for(rules).learn(conn)
        self.names: dict[Any, str] = dict(conn.execute("SELECT id, name FROM assessors"))
        self.records: dict[tuple[str, str], dict[str, Any]] = {}
        self.merges = self._merges()
        self.by_edit = {edit: m for m in self.merges for edit in range(m.first, m.last + 1)}

    def _merges(self) -> list[_Merge]:
        found = []
        rows = self.conn.execute("SELECT edit, at, assessor_id, new_value, reason FROM audit WHERE action = 'merge' "
                                 "AND table_name = 'meta' ORDER BY seq").fetchall()
        for edit, at, by, value, reason in rows:
            told = _loads(value)
            told = told if isinstance(told, dict) else {}
            first = told.get("edits_from")
            merge = _Merge(self.names.get(by, ""), local_time(at), str(told.get("copy", "")), reason or "",
                           first if isinstance(first, int) else edit, edit, {})
            for table, record, field_name, choice, why in self.conn.execute(
                    "SELECT table_name, record_id, field, new_value, reason FROM audit WHERE action = 'resolve' "
                    "AND edit BETWEEN ? AND ?", (merge.first, merge.last)):
                chosen = _loads(choice)
                merge.resolved[(table, record, field_name)] = (chosen if isinstance(chosen, dict) else {}, why or "")
            found.append(merge)
        return found

    def changes(self, progress: Progress | None = None) -> list[Change] | None:
        found: list[Change] = []
        total = self.conn.execute("SELECT count(*) FROM audit").fetchone()[0] if progress is not None else 0
        cursor = self.conn.execute(f"SELECT {', '.join(audit.COLUMNS)} FROM audit ORDER BY seq")
        edit_rows: list[tuple] = []
        for count, row in enumerate(cursor, 1):
            if progress is not None and count % READ_ROWS_STEP == 0 and progress(count, total) is False:
                return None
            if edit_rows and row[1] != edit_rows[0][1]:
                found.extend(self._edit(edit_rows))
                edit_rows = []
            edit_rows.append(row)
        if edit_rows:
            found.extend(self._edit(edit_rows))
        return found

    def _edit(self, rows: list[tuple]) -> Iterable[Change]:
        """The changes of one edit (the rows sharing its number)."""
        merge = self.by_edit.get(rows[0][1])
        from_copy = merge is not None and any(r[4] == "merged" and r[5] != "meta" for r in rows)
        if all(r[4] == "insert" for r in rows) and sum(r[5] == "units" for r in rows) > 1:  # a year's facts at once
            for r in rows:
                self._remember(r)
            first = rows[0]  # told as the year's, without the unit of its first row nor the word it is kept by
            yield _with(self._change(first, merge if from_copy else None, None, Msg.of(
                "backup.edit.year_import", units=sum(r[5] == "units" for r in rows), count=len(rows)), "", ""),
                unit_id=None, unit="", page="", page_title="", reason="")
            return
        lead = merge.by if merge is not None and not from_copy else ""  # a merge's own rows unnamed: the lead's
        replaced = _replaced(rows)
        forms = _forms_by_trip(rows)
        for r in rows:
            seq, _, at, by, action, table, record_id, field_name, old, new, reason = r
            if action in NOT_SHOWN:
                continue
            trip_forms = forms.get(record_id.split("/")[0]) if table == "trip_evaluations" else None
            if trip_forms is not None:  # a trip's forms counted again: one line of the counts, at its first row
                if r is trip_forms[0]:
                    for row in trip_forms:
                        self._remember(row)
                    counted = self._forms_counted(trip_forms, merge if from_copy else None)
                    if counted is not None:
                        yield counted
                continue
            pair = replaced.get((table, record_id))
            if pair is not None:  # a keyed row written anew (a unit's kinds, licences or grades): one line, or none
                if r is pair[0]:
                    before = dict(self._record(table, record_id))
                    self._remember(pair[0])
                    self._remember(pair[1])
                    if _loads(pair[0][8]) != _loads(pair[1][9]):
                        yield self._rewritten(pair, merge if from_copy else None, before)
                continue
            if by is None and lead:
                r = (*r[:3], _LEAD, *r[4:])
                self.names.setdefault(_LEAD, lead)
            if action == "merge":
                told = _loads(new)
                told = told if isinstance(told, dict) else {}
                yield self._change(r, None, None, merge_edit(told), "", "")
                continue
            if action == "field_copy_out":  # a field copy made from the year (core/teamwork/field_copy.py)
                told = _loads(new)
                told = told if isinstance(told, dict) else {}
                yield self._change(r, None, None, copy_out_edit(told), "", "")
                continue
            if action == "resolve":
                kept = self._kept(r, merge)
                if kept is not None:
                    yield kept
                continue
            before = dict(self._record(table, record_id))
            self._remember(r)
            record = self._record(table, record_id) if action != "delete" else before
            if action == "delete" and isinstance(kept := _loads(old), dict):
                # what the deletion kept fills in a record no row of the trail added (an import, told by its own
                # summary row): it is named, and put in its unit, by those values
                record = {**kept, **record}
            yield self._described(r, merge if from_copy else None, before, record)

    def _described(self, r: tuple, merge: _Merge | None, before: dict[str, Any], record: dict[str, Any]) -> Change:
        seq, _, at, by, action, table, record_id, field_name, old, new, reason = r
        named = self.namer.record(table, record or before)
        if action == "update" and field_name:
            what = Msg.of("auditlog.what_field", record=named, field=Namer.field(table, field_name))
            change = self._change(r, merge, record, what, self._value(_loads(old), table, field_name),
                                  self._value(_loads(new), table, field_name))
            if merge is not None:
                chosen = merge.resolved.get((table, record_id, field_name))
                if chosen is not None and chosen[0].get("took") == "theirs":
                    change = _with(change, merge_reason=chosen[1])
            return change
        if action == "import":
            told = _loads(new)
            told = told if isinstance(told, dict) else {}
            file_name = told.get("file_name", "")
            left = left_out_of(told)
            if left is None:
                return self._change(r, merge, told, Msg.of("backup.edit.import", file=file_name), "", "")
            what = Msg.of("auditlog.import_left_out", file=file_name, rows=left.rows)
            return _with(self._change(r, merge, told, what, "", ""), details=tuple(p.words() for p in left.problems))
        if action in ("insert", "delete"):
            values = _loads(new if action == "insert" else old)
            shown = self._record_values(table, values if isinstance(values, dict) else {})
            what = Msg.of(f"backup.edit.{action}", record=named)
            return self._change(r, merge, record or before, what, shown if action == "delete" else "",
                                shown if action == "insert" else "")
        other = Msg.of("backup.edit.other", table=Msg.of(f"audit.table.{table}"))
        return self._change(r, merge, record or before, other, "", "")

    def _forms_counted(self, rows: list[tuple], merge: _Merge | None) -> Change | None:
        """A trip's evaluation forms written again in one edit, as the assessor counts them on 1.2: 好 3 份、一般 1 份 →
        好 1 份、一般 1 份、差 2 份 (none when the counts are the same)."""
        before = [v.get("verdict") for r in rows if r[4] == "delete" and isinstance(v := _loads(r[8]), dict)]
        after = [v.get("verdict") for r in rows if r[4] == "insert" and isinstance(v := _loads(r[9]), dict)]
        order = list(self.rules.evaluation_verdicts)

        def counted(verdicts: list[Any]) -> Any:
            counts = {v: verdicts.count(v) for v in sorted(set(verdicts), key=lambda v: (
                order.index(v) if v in order else len(order), str(v)))}
            parts = tuple(Msg.of("auditlog.forms_of", verdict=v, count=n) for v, n in counts.items())
            return Msg.of("auditlog.forms", parts=parts) if parts else ""

        old, new = counted(before), counted(after)
        if old == new:
            return None
        trip_id = rows[0][6].split("/")[0]
        trip = self._record("trips", trip_id)
        what = Msg.of("auditlog.forms_counted", trip=self.namer.record("trips", trip))
        return self._change(rows[0], merge, {"trip_id": trip_id, **({"unit_id": trip["unit_id"]} if "unit_id" in trip
                                                                     else {})}, what, old, new)

    def _rewritten(self, pair: tuple[tuple, tuple], merge: _Merge | None, before: dict[str, Any]) -> Change:
        """A keyed row deleted and added again in one edit, as a change of its values (a licence's number)."""
        gone, added = pair
        table, record_id = gone[5], gone[6]
        record = self._record(table, record_id) or before
        olds, news = _loads(gone[8]), _loads(added[9])
        what = Msg.of("auditlog.rewritten", record=self.namer.record(table, record))
        return self._change(added, merge, record, what,
                            self._record_values(table, olds if isinstance(olds, dict) else {}),
                            self._record_values(table, news if isinstance(news, dict) else {}))

    def _kept(self, r: tuple, merge: _Merge | None) -> Change | None:
        """A conflict the lead settled keeping the year file's value: a line of its own (one taking the copy's side is
        the copy's change, told with the lead's reason)."""
        seq, _, at, by, action, table, record_id, field_name, old, new, reason = r
        chosen = _loads(new)
        chosen = chosen if isinstance(chosen, dict) else {}
        if chosen.get("took") != "mine":
            return None
        record = self._record(table, record_id)
        named = self.namer.record(table, record)
        what = (Msg.of("auditlog.what_field", record=named, field=Namer.field(table, field_name)) if field_name
                else named)
        mine, theirs = chosen.get("mine"), chosen.get("theirs")
        shown_mine = self._value(mine, table, field_name) if field_name else mine
        shown_theirs = self._value(theirs, table, field_name) if field_name else theirs
        return self._change(r, None, record, Msg.of("auditlog.kept_mine", what=what), shown_mine, Msg.of(
            "auditlog.kept_value", value=shown_mine, theirs=shown_theirs,
            their_by=chosen.get("their_by") or Msg.of("teamwork.someone"), copy=chosen.get("copy", "")))

    def _change(self, r: tuple, merge: _Merge | None, record: dict[str, Any] | None, what: Msg, old: Any,
                new: Any) -> Change:
        seq, _, at, by, action, table, record_id, field_name, _, _, reason = r
        unit_id = self._unit_of(table, record_id, record or {})
        return Change(seq, local_time(at), self.names.get(by, "") if by is not None else "",
                      merge.copy if merge else "", merge.by if merge else "", merge.when if merge else "",
                      unit_id, self.namer.unit_names.get(unit_id, "") if unit_id is not None else "",
                      *self._page(table, field_name, record or {}), what, old, new, reason or "")

    def _page(self, table: str, field_name: str | None, record: dict[str, Any]) -> tuple[str, str]:
        """The page a change is entered on: (its id, its title), or ("", "")."""
        negative = self.rules.negative
        if table in _NEGATIVE_TABLES:
            return negative.id, negative.title
        clause_id = record.get("clause_id") if table in ("evidence_ticks", "clause_notes", "attachments") else None
        if isinstance(clause_id, str) and clause_id:
            if clause_id == negative.id:
                return negative.id, negative.title
            clause = next((c for c in self.rules.clauses if c.id == clause_id), None)
            return (clause_id, clause.title if clause is not None else "")
        fact = _FIELD_FACT.get((table, field_name or "")) or _TABLE_FACT.get(table)
        clause = self.rules.clause_entering(fact) if fact else None
        return (clause.id, clause.title) if clause is not None else ("", "")

    def _unit_of(self, table: str, record_id: str, record: dict[str, Any]) -> int | None:
        if table == "units":
            return int(record_id) if record_id.isdigit() else None
        unit = record.get("unit_id")
        if unit is None and table == "trip_evaluations":
            unit = self._record("trips", str(record.get("trip_id", ""))).get("unit_id")
        if unit is None and record.get("base_id") is not None:
            unit = self._record("bases", str(record["base_id"])).get("unit_id")
        if unit is None and record.get("trip_id") is not None:
            unit = self._record("trips", str(record["trip_id"])).get("unit_id")
        return unit if isinstance(unit, int) else None

    def _record(self, table: str, record_id: str) -> dict[str, Any]:
        """A record as the trail has made it so far; one the trail never added (kept from a format before it was
        audited), its key as the row id gives it, with the file's row when it is still there."""
        key = (table, record_id)
        found = self.records.get(key)
        if found is None:
            found = self._from_file(table, record_id)
            self.records[key] = found
        return found

    def _from_file(self, table: str, record_id: str) -> dict[str, Any]:
        return audit.record_row(self.conn, table, record_id)

    def _remember(self, r: tuple) -> None:
        _, _, _, _, action, table, record_id, field_name, _, new, _ = r
        key = (table, record_id)
        if action == "insert" and field_name is None:
            values = _loads(new)
            if isinstance(values, dict):
                self.records[key] = dict(values)
                if table == "units" and values.get("name") and record_id.isdigit():
                    self.namer.unit_names.setdefault(int(record_id), values["name"])
                elif table == "bases" and values.get("name"):
                    self.namer.bases.setdefault(values.get("id"), values["name"])
                elif table == "trips":
                    self.namer.learn_trip(values)
        elif action == "update" and field_name:
            record = self._record(table, record_id)
            record[field_name] = _loads(new)

    def _value(self, value: Any, table: str, field_name: str | None) -> Any:
        if value is None:
            return ""
        return self.namer.value(value, table, field_name or "")

    def _record_values(self, table: str, values: dict[str, Any]) -> Any:
        """A record added or removed, by its values beside its name (which already says what NAMED_BY names it by)."""
        skip = UNTOLD | {BLOBS.get(table), *NAMED_BY.get(table, ())}
        told = [(k, _figures_words(v) if k == FIGURES_KEY else
                 Msg.of("auditlog.version", version=v) if (table, k) == ("unit_locks", "version") else
                 self._value(v, table, k)) for k, v in values.items()
                if k not in skip and not k.endswith(("_id", "_by")) and v not in (None, "")]  # links: ids
        if len(told) == 1:
            return told[0][1]
        parts = tuple(Msg.of("teamwork.value.pair", field=Namer.field(table, k), value=v) for k, v in told)
        return Msg.of("teamwork.value.record", parts=parts) if parts else ""


def _figures_words(figures: Any) -> Any:
    """What a signed score sheet said (core/store/sheet_figures.py, kept in its signing's row), as the sheet says it:
    签名时总分 112.64（合格，B级）; the row's value as it is when it is not such figures."""
    try:
        total = Fraction(figures["total"])
        return Msg.of("auditlog.signed_figures", total=format_number(total, 2),
                      status=Msg.of(f"status.{figures['status']}"), grade=str(figures["grade"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return str(figures)


def _forms_by_trip(rows: list[tuple]) -> dict[str, list[tuple]]:
    """Trip id -> the rows of its evaluation forms an edit deleted and added (1.2's counts written again)."""
    found: dict[str, list[tuple]] = {}
    for r in rows:
        if r[5] == "trip_evaluations" and r[4] in ("insert", "delete"):
            found.setdefault(r[6].split("/")[0], []).append(r)
    return found


def _replaced(rows: list[tuple]) -> dict[tuple[str, str], tuple[tuple, tuple]]:
    """(table, record) -> (its deletion, its addition) for the keyed rows (audit.KEYS) an edit deleted once and added
    again once: a list of rows made anew (core.store.edit replace_rows), each row then told as changed or not."""
    seen: dict[tuple[str, str], list[tuple]] = {}
    for r in rows:
        if r[5] in audit.KEYS and r[4] in ("insert", "delete"):
            seen.setdefault((r[5], r[6]), []).append(r)
    return {key: (found[0], found[1]) for key, found in seen.items()
            if len(found) == 2 and found[0][4] == "delete" and found[1][4] == "insert"}


def _with(change: Change, **changes: Any) -> Change:
    from dataclasses import replace
    return replace(change, **changes)


def changes_of(ds: Any, *, unit: int | None = None, page: str | None = None, who: str | None = None) -> list[Change]:
    """read_changes of an open year (core.store.dataset.Dataset), with its rule set's words."""
    from core.store import replay_edit
    return read_changes(replay_edit.connection(ds), ds.rule_set(), unit=unit, page=page, who=who) or []
