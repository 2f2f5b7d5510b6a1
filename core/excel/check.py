"""Check every row of a read workbook and turn it into typed records (core/people/records.py).

Each cell is converted by its field's type (core/excel/cells.py); every bad cell,
missing required value and duplicate person becomes a Problem located by sheet, Excel row
number and the column's header as written in the file (two rows with one ID number and two names
are both problems: which of them is typed wrong is the unit's to say). Rows that are not people (blank rows,
a form's footer with the signature lines, a header repeated further down) are skipped. Rows
with a problem give no record; nothing is ever half-converted.

The loop is written for speed (a 200,000-row roster is checked in about a second): good cells
take a short path, and all the explaining happens only for bad ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass
from dataclasses import fields as dataclass_fields
from itertools import compress, count, repeat
from operator import is_, itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from core.common.bulk import gc_paused, let_go, quick_handoffs
from core.common.dates import has_full_width, months_between
from core.common.messages import Msg
from core.common.problems import Problem
from core.excel import row_checks
from core.excel.cells import SLOW, Bad, Blank, Converters, Noted, NotedMonth, as_shown
from core.excel.kinds import KindSpec, import_spec, normalise_header
from core.excel.layout import SheetLayout, SheetTable, UnitLine
from core.excel.read import ColumnMapping, ReadResult, read_workbook
from core.people.records import RECORD_CLASSES, Month, frozen_records
from core.scoring.rules import RuleSet

PART_ROWS = 25_000  # a sheet's rows are checked this many at a time, each part's records handed on at once

# What two rows with the same key are, by the fields the key is made of (import-kinds.toml: unique).
# A row's months and the dates they run between: (start, months, end).
MONTHS_FIELDS = (("first_insured_date", "insured_months", "leave_date"), ("start_date", "placement_months", "end_date"))
DUPLICATE_WHAT = {("id_number",): "excel.duplicate.id_number",
                  ("id_number", "month"): "excel.duplicate.id_number_month", ("unit",): "excel.duplicate.unit"}
# What two rows with the same key and different names have in common (a key with the ID number).
NAMES_DIFFER_WHAT = {("id_number",): "excel.duplicate_names.id_number",
                     ("id_number", "month"): "excel.duplicate_names.id_number_month"}


@dataclass(frozen=True)
class CheckResult:
    source: str
    kind: str
    records: tuple  # of the kind's record class, in file order
    problems: tuple[Problem, ...]  # including the reading problems
    notes: tuple[Problem, ...]
    rows_checked: int
    rows_with_problems: int
    reader: str = ""
    unit_lines: tuple[UnitLine, ...] = ()  # the unit each form names above its header (core/excel/layout.py)
    layouts: tuple[SheetLayout, ...] = ()  # how each sheet was understood (its columns, no cells)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def hidden_sheets(self) -> tuple[str, ...]:
        """The sheets hidden in Excel, which were not read (core/excel/read.py notes each)."""
        return tuple(n.message.param("sheet") for n in self.notes if n.message.code == "excel.sheet_hidden")




# ------------------------------------------------------------------ checking a sheet

def _is_blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


class _Checker:
    """Checks the tables of one workbook, in order; the reading's own problems and notes come first
    in the result (result)."""

    def __init__(self, source: str, kind: str, rules: RuleSet, today: dt.date):
        self.source = source
        self.spec = import_spec()
        self.kind: KindSpec = self.spec.kind(kind)
        self.cls = RECORD_CLASSES[kind]
        self.conv = Converters(self.spec, rules, today)
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.checked: list[SheetTable] = []
        self.rows_done: dict[int, int] = {}  # by id of a table checked: the grid index its rows are checked to
        self.records: list = []
        self.rows_checked = 0
        self.rows_with_problems = 0
        self.seen: dict[Any, tuple[str, int, str | None]] = {}  # key -> its first row: sheet, row, name
        # from sheets (or parts) checked the fast way: sheet, key -> row, the part's names (None: no names compared)
        self.seen_tables: list[tuple[str, dict[Any, int], list | None]] = []
        self.named: dict[tuple[Any, str], tuple[str, int]] = {}  # (key, name_key) -> a key's other name's first row
        self.told_late: dict[tuple[str, int], list[tuple[str, Msg]]] = {}  # rows of parts done found bad since
        self.id_headers: dict[str, str] = {}  # sheet -> the header of its key's first column
        self.synonyms = set(self.spec.synonym_field)
        self.hidden_read: dict[str, int] = {}  # sheet -> its rows hidden in Excel that were read
        self.person_cells: dict[str, int] = {}  # sheet -> its 性别 and 联系电话 cells to check
        self.wide: dict[tuple[str, str], row_checks.WideCells] = {}  # (sheet, header) -> cells read from full-width

    def let_go(self, kept: Sequence[SheetTable]) -> None:
        """Free the records made, and the rows of the sheets checked but not `kept` (the tables read in the
        end), a slice at a time (core.common.bulk.let_go): when this check is given up."""
        let_go(self.records)
        still_read = {id(table) for table in kept}
        for table in self.checked:
            if id(table) not in still_read and isinstance(table.grid, list):
                let_go(table.grid)
        self.seen.clear()
        self.seen_tables.clear()
        self.named.clear()
        self.told_late.clear()

    def problem(self, sheet: str, row: int, header: str, msg: Msg) -> None:
        self.problems.append(Problem(self.source, f"{sheet}!{row}", header, msg))

    def skippable(self, cells: list, layout: SheetLayout) -> bool:
        """Rows that are not people: blank, a pre-numbered empty line of a form (only columns the
        kind does not use are filled), a header repeated further down, or a form's footer (the
        signature and stamp lines)."""
        columns = layout.columns
        if all(_is_blank(cells[c.index]) for c in columns):
            return True
        fields = self.spec.fields
        header_like = sum(1 for c in columns if isinstance(cells[c.index], str)
                          and normalise_header(cells[c.index]) in fields[c.field].synonyms)
        if header_like >= 2:
            return True
        filled = [v for v in cells if not _is_blank(v)]
        blank_required = any(_is_blank(cells[c.index]) for c in columns if c.field in self.kind.required)
        return (blank_required and len(filled) <= 3
                and any(isinstance(v, str) and any(w in v for w in self.spec.footer_words) for v in filled))

    def table(self, table: SheetTable, each_part: Callable[[list], None] | None = None) -> None:
        """Check one sheet's rows not yet checked, PART_ROWS rows at a time, each part column by column: a
        fast pass converts the ordinary cells of a column in one comprehension and marks the rest (SLOW)
        for the full converter, which explains. The parts' records, problems and notes are the sheet's, in
        order: each part's duplicates are looked for among the rows before it, as the next sheet's are. A
        table given again (its grid grown since: a large sheet read in pieces) has the rows added checked.
        each_part: given each part's records as soon as they are made."""
        layout = table.layout
        template = {f.name: f.default for f in dataclass_fields(self.cls) if f.default is not MISSING}
        template["sheet"] = layout.sheet
        named = None
        if self.kind.month_from_sheet_name:  # a blank month cell falls back to the sheet's name
            template["month"] = self.conv.sheet_month(layout.sheet)
            named = row_checks.single_month_name(layout.sheet, template["month"])
        first = self.rows_done.get(id(table))  # grid index of the first row not yet checked
        if first is None:
            self.checked.append(table)
            first = layout.header_row
            if self.kind.month_from_sheet_name and template["month"] is None and layout.column("month") is None:
                self.notes.append(Problem(self.source, layout.sheet, "", Msg.of("excel.month_unknown")))
        rows = table.grid[first:]
        self.rows_done[id(table)] = first + len(rows)
        for start in range(0, len(rows), PART_ROWS):
            made = len(self.records)
            self._part(layout, template, rows[start:start + PART_ROWS] if len(rows) > PART_ROWS else rows,
                       first + start, table.hidden_rows, named)
            if each_part is not None:
                each_part(self.records[made:])

    def _part(self, layout: SheetLayout, template: dict[str, Any], rows: Sequence[list], first: int,
              hidden: frozenset[int] = frozenset(), named: Month | None = None) -> None:
        """Check rows of a sheet, the first of them at grid index `first` (its Excel row is first + 1); `hidden`: the
        sheet's rows hidden in Excel (Excel row numbers), `named`: the one month the sheet's name gives."""
        sheet = layout.sheet
        columns = layout.columns
        fields = self.spec.fields
        required = set(self.kind.required)
        headers = {c.field: c.header for c in columns}
        width = max(c.index for c in columns) + 1
        if any(len(r) < width for r in rows):
            rows = [r if len(r) >= width else list(r) + [""] * (width - len(r)) for r in rows]
        bad: dict[int, list[tuple[int, str, Msg]]] = {}
        noted: dict[int, list[tuple[str, Msg]]] = {}
        out_columns = []
        missing = Msg.of("excel.required_missing")
        for order, column in enumerate(columns):
            spec = fields[column.field]
            raw = list(map(itemgetter(column.index), rows))
            out = self.conv.fast_column(spec, raw)
            convert = self.conv.for_field(spec)
            is_required = column.field in required
            default = template.get(column.field)
            for i in list(compress(count(), map(is_, out, repeat(SLOW)))):
                value = raw[i]
                try:
                    if _is_blank(value):
                        raise Blank
                    value = convert(value)
                except Blank:
                    out[i] = default
                    if is_required:
                        bad.setdefault(i, []).append((order, column.header, missing))
                    continue
                except Bad as exc:
                    out[i] = default
                    bad.setdefault(i, []).append((order, column.header, exc.msg))
                    continue
                if type(value) is Noted:
                    noted.setdefault(i, []).append((column.header, value.note))
                    value = str(value)
                elif type(value) is NotedMonth:
                    noted.setdefault(i, []).append((column.header, value.note))
                    value = dt.date(value.year, value.month, 1)
                if type(raw[i]) is str and spec.type in row_checks.WIDE_TYPES and has_full_width(raw[i]):
                    self._wide(sheet, column.header, first + i + 1, raw[i], row_checks.wide_value(value, spec.type))
                out[i] = value
            out_columns.append(out)
        by_field = {c.field: out for c, out in zip(columns, out_columns)}
        name_notes = row_checks.tidy_names(by_field["name"]) if "name" in by_field else []
        skipped = {i for i in bad if self.skippable(rows[i], layout)}
        for i in skipped:
            del bad[i]
        order_of = {c.field: order for order, c in enumerate(columns)}
        # The checks across cells below run on a row whatever other cells of it are wrong, so that one reading
        # tells every problem of a row (a trainee under 16 whose 类型 is wrong is told both at once). A check
        # needs its own cells read: a cell that could not be read is None here, and a check reading it is
        # passed over for that row (an unreadable date is no day to compare or to be 16 on).
        for a, b in (("start_date", "end_date"), ("first_insured_date", "leave_date")):
            if a in by_field and b in by_field:
                for i, (x, y) in enumerate(zip(by_field[a], by_field[b])):
                    if x is not None and y is not None and y < x and i not in skipped:
                        bad.setdefault(i, []).append((order_of[b], headers[b], Msg.of(
                            "excel.dates_reversed", first=fields[a].label, first_value=x.isoformat(),
                            last=fields[b].label, last_value=y.isoformat())))
        self._months_past_today(by_field, headers, order_of, bad, skipped)
        if "month" in self.kind.fields and (template.get("month") is not None or "month" in by_field):
            month_column = layout.column("month")
            row_checks.month_problems(sheet, headers.get("month", ""), None if month_column is None else
                                      list(map(itemgetter(month_column.index), rows)),
                                      by_field.get("month") or [template.get("month")] * len(rows), named,
                                      self.conv.period, as_shown, bad, skipped, order_of.get("month", 0))
        if self.kind.minimum_age is not None and "id_number" in by_field:
            self._too_young(by_field, headers, order_of, bad, skipped)
        unique = self.kind.unique
        if unique:
            self.id_headers[sheet] = headers.get(unique[0], "")
        if unique and self._unique_fast(sheet, first, len(rows), unique, by_field, template, bad, skipped):
            unique = ()
        if unique:
            self._duplicates(sheet, first, len(rows), unique, by_field, template, bad, skipped,
                             order_of.get(unique[0], 0))
        self.rows_checked += len(rows) - len(skipped)
        self.rows_with_problems += len(bad)
        for i in sorted(bad):
            for _order, header, msg in sorted(bad[i], key=lambda x: x[0]):
                self.problem(sheet, first + i + 1, header, msg)
        for i in sorted(noted):
            if i not in bad and i not in skipped:
                for header, msg in noted[i]:
                    self.notes.append(Problem(self.source, f"{sheet}!{first + i + 1}", header, msg))
        if "gender" in by_field or "phone" in by_field or name_notes:
            self.notes += row_checks.person_cell_notes(
                self.source, sheet, first, by_field.get("gender"), by_field.get("id_number"), by_field.get("phone"),
                headers, skipped | bad.keys(), self.person_cells, name_notes)
        if hidden:  # said, not left out: a row hidden in Excel is read as the file holds it
            self.notes += row_checks.hidden_row_notes(self.source, sheet, hidden, first, rows,
                                                      (columns[0].index, columns[0].header), skipped,
                                                      self.hidden_read, as_shown)
        excluded = skipped | bad.keys()
        n = len(rows)
        row_numbers: Iterable[int] = range(first + 1, first + 1 + n)
        if excluded:
            keep = [i not in excluded for i in range(n)]
            out_columns = [list(compress(column, keep)) for column in out_columns]
            row_numbers = list(compress(row_numbers, keep))
            n -= len(excluded)
        by_field = {c.field: out for c, out in zip(columns, out_columns)}
        record_columns: list[Iterable] = []
        for f in dataclass_fields(self.cls):
            if f.name == "row":
                record_columns.append(row_numbers)
            elif f.name in by_field:
                record_columns.append(by_field[f.name])
            else:  # the sheet, a month from the sheet's name, or a field without a column
                record_columns.append(repeat(template.get(f.name)))
        self.records += frozen_records(self.cls, record_columns, n)

    def _months_past_today(self, by_field: dict, headers: dict, order_of: dict, bad: dict, skipped: set) -> None:
        """More months than there have been since the row's start, for a row with no end date: 参保月数 12 from 首次参保
        2022-11-01, read on 2023-02-10, cannot be true (a row with a leave or end date is counted no further than
        its dates allow by the matching, which says so). Months counted with both days, the most any reading
        allows."""
        today, fields = self.conv.today, self.spec.fields
        for start_field, months_field, end_field in MONTHS_FIELDS:
            if start_field not in by_field or months_field not in by_field:
                continue
            given = [m for m in by_field[months_field] if m is not None]
            latest = max((d for d in by_field[start_field] if d is not None and d <= today), default=None)
            if not given or latest is None or max(given) <= months_between(latest, today):
                continue  # no row's months exceed even those since the latest start (the usual roster)
            ends = by_field.get(end_field)
            end_order = order_of.get(end_field)
            since: dict[dt.date, int] = {}  # months to today by start date (a roster has a few hundred dates)
            for i, (start, months) in enumerate(zip(by_field[start_field], by_field[months_field], strict=True)):
                if start is None or months is None or start > today or i in skipped:
                    continue
                possible = since.get(start)
                if possible is None:
                    possible = since[start] = months_between(start, today)
                if months > possible:
                    told = [order for order, _header, _msg in bad.get(i, ())]
                    if ends is not None and (ends[i] is not None or end_order in told):
                        continue  # an end date (read, or told as unreadable): not this check's
                    bad.setdefault(i, []).append((order_of[months_field], headers[months_field], Msg.of(
                        "excel.months_past_today", months_label=fields[months_field].label, months=months,
                        start_label=fields[start_field].label, start=start.isoformat(), today=today.isoformat(),
                        possible=possible, end_label=fields[end_field].label)))

    def _wide(self, sheet: str, header: str, row: int, written: str, read_as: str) -> None:
        found = self.wide.get((sheet, header))
        if found is None:
            self.wide[(sheet, header)] = row_checks.WideCells(1, row, written, read_as)
        else:
            found.count += 1

    def _too_young(self, by_field: dict, headers: dict, order_of: dict, bad: dict, skipped: set) -> None:
        """A person under the kind's minimum age on the row's date (its first of age_on, else the period's last
        day) is a problem at the ID number: a mistyped number, or someone the law forbids employing. Told with
        the row's other problems; passed over when the row's date is a cell that could not be read (its day is
        not known), as when the ID number could not be read."""
        years = self.kind.minimum_age
        assert years is not None
        limits: dict[dt.date, str] = {}

        def born_after(day: dt.date) -> str:  # too young on `day` ⇔ the ID's yyyymmdd is after this
            found = limits.get(day)
            if found is None:
                found = limits[day] = f"{day.year - years:04d}{day.month:02d}{day.day:02d}"
            return found
        ids, last = by_field["id_number"], self.conv.period_end
        dates = [by_field[f] for f in self.kind.age_on if f in by_field]
        lowest = born_after(min((min(filter(None, column), default=last) for column in dates), default=last))
        if max(map(itemgetter(slice(6, 14)), filter(None, ids)), default="") <= lowest:
            return  # nobody born late enough to be too young on any of the rows' days
        date_orders = [order_of[f] for f in self.kind.age_on if f in by_field]
        for i in [i for i, number in enumerate(ids) if number and number[6:14] > lowest]:
            if i in skipped:
                continue
            unread = {order for order, _header, _msg in bad.get(i, ())}
            on: dt.date | None = last
            for order, column in zip(date_orders, dates, strict=True):
                if column[i] is not None:
                    on = column[i]
                    break
                if order in unread:  # the row's date could not be read: no day to be old enough on
                    on = None
                    break
            if on is not None and ids[i][6:14] > born_after(on):
                number = ids[i]
                born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
                bad.setdefault(i, []).append((order_of["id_number"], headers["id_number"], Msg.of(
                    "excel.under_minimum_age", birth=born.isoformat(), on=on.isoformat(), age=age, minimum=years)))

    def _unique_fast(self, sheet: str, first: int, n: int, unique: Sequence[str], by_field: dict,
                     template: dict, bad: dict, skipped: set) -> bool:
        """The duplicate check of a sheet in a few C-level passes, when the sheet has no bad row and
        turns out to have no duplicate (the usual case); False sends it to the row-by-row check."""
        if bad or skipped:
            return False
        key_columns = [by_field.get(f) or [template.get(f)] * n for f in unique]
        keys = key_columns[0] if len(unique) == 1 else list(zip(*key_columns))
        if len(unique) == 1:
            if None in keys:
                return False
        elif any(None in column for column in key_columns):
            return False
        first_rows = dict(zip(reversed(keys), range(first + n, first, -1)))  # first occurrence wins
        if (len(first_rows) != n or not first_rows.keys().isdisjoint(self.seen)
                or any(not first_rows.keys().isdisjoint(t) for _, t, _ in self.seen_tables)):
            return False
        self.seen_tables.append((sheet, first_rows, by_field.get("name") if "id_number" in unique else None))
        return True

    def seen_all(self) -> dict[Any, tuple[str, int, str | None]]:
        """Keys seen so far (sheet, row, name), for the row-by-row duplicate check."""
        for sheet, rows, names in self.seen_tables:
            # a part checked the fast way has each key once, none seen before (_unique_fast), its rows last to first
            self.seen.update(zip(rows, zip(repeat(sheet), rows.values(), repeat(None) if names is None
                                           else reversed(names)), strict=True))
        self.seen_tables.clear()
        return self.seen

    def _duplicates(self, sheet: str, first: int, n: int, unique: Sequence[str], by_field: dict, template: dict,
                    bad: dict, skipped: set, order: int) -> None:
        """The duplicate check row by row. A row whose key an earlier row has is a duplicate of it, unless the key
        holds the ID number and the two rows name different people: then one of them was typed with the other's
        number and both are problems, each naming the other (which to keep is the unit's to say); a row of a part
        or sheet done before is told at the end (settle_late)."""
        seen = self.seen_all()
        key_columns = [by_field.get(f) or [template.get(f)] * n for f in unique]
        keys = key_columns[0] if len(unique) == 1 else list(zip(*key_columns))
        names = by_field.get("name") if "id_number" in unique else None
        header = self.id_headers[sheet]
        for i, key, name, row in zip(count(), keys, repeat(None) if names is None else names, count(first + 1)):
            # a row with other problems still names its person: a later row of the same key is a duplicate
            # of it, and it of an earlier one (both are told, as correcting the other cells would tell them)
            if key is None or (len(unique) > 1 and None in key) or i in skipped:
                continue
            earlier = seen.get(key)
            if earlier is None:
                seen[key] = (sheet, row, name)
                continue
            shown = [self._key_text(f, v) for f, v in zip(unique, (key,) if len(unique) == 1 else key)]
            if name is not None and earlier[2] is not None and (
                    (other := row_checks.name_key(name)) != row_checks.name_key(earlier[2])):
                same_name = self.named.get((key, other))
                if same_name is None:  # a name the key has not had yet: both rows told
                    self.named[(key, other)] = (sheet, row)
                    msg = self._names_differ(unique, earlier, (sheet, row, name), shown)
                    bad.setdefault(i, []).append((order, header, msg))
                    e_sheet, e_row = earlier[0], earlier[1]
                    if e_sheet == sheet and first < e_row <= first + n:
                        bad.setdefault(e_row - first - 1, []).append((order, header, msg))
                    else:
                        self.told_late.setdefault((e_sheet, e_row), []).append((self.id_headers[e_sheet], msg))
                    continue
                earlier = (*same_name, name)
            bad.setdefault(i, []).append((order, header, Msg.of(
                "excel.duplicate_row", sheet=earlier[0], row=earlier[1], key=shown,
                what=Msg.of(DUPLICATE_WHAT.get(tuple(unique), "excel.duplicate.row")))))

    @staticmethod
    def _names_differ(unique: Sequence[str], earlier: tuple, later: tuple, shown: list) -> Msg:
        what = Msg.of(NAMES_DIFFER_WHAT.get(tuple(unique), "excel.duplicate_names.id_number"))
        if earlier[0] == later[0]:
            return Msg.of("excel.duplicate_names", row=earlier[1], name=earlier[2], other_row=later[1],
                          other_name=later[2], what=what, key=shown)
        return Msg.of("excel.duplicate_names_sheets", sheet=earlier[0], row=earlier[1], name=earlier[2],
                      other_sheet=later[0], other_row=later[1], other_name=later[2], what=what, key=shown)

    def settle_late(self) -> None:
        """The rows of parts and sheets checked before that a later row showed to be problems (_duplicates): their
        problems put in file order, their records and notes taken out."""
        if not self.told_late:
            return
        late, self.told_late = self.told_late, {}
        for (sheet, row), told in late.items():
            for header, msg in told:
                self.problems.append(Problem(self.source, f"{sheet}!{row}", header, msg))
        places = {f"{sheet}!{row}" for sheet, row in late}
        kept = [r for r in self.records if (r.sheet, r.row) not in late]
        self.rows_with_problems += len(self.records) - len(kept)  # a row with no record was told a problem already
        self.records = kept
        self.notes = [n for n in self.notes if n.location not in places or n.message.code == "excel.row_hidden"]
        sheets = {table.layout.sheet: i for i, table in enumerate(self.checked)}

        def place(p: Problem) -> tuple[int, int]:
            sheet, _, row = p.location.rpartition("!")
            return sheets.get(sheet, len(sheets)), int(row)
        self.problems.sort(key=place)

    def _key_text(self, field_id: str, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()[:7] if self.spec.fields[field_id].type == "month" else value.isoformat()
        return str(value)


def check_read(read: ReadResult, rules: RuleSet, *, today: dt.date | None = None) -> CheckResult:
    """Check every row of every recognised sheet of a read workbook."""
    checker = _Checker(read.source, read.kind, rules, today or dt.date.today())
    with gc_paused():
        for table in read.tables:
            checker.table(table)
    return _result(read, checker)


def _result(read: ReadResult, checker: _Checker) -> CheckResult:
    checker.settle_late()
    problems = list(read.problems) + checker.problems
    if read.ok and read.tables and checker.rows_checked == 0:  # only blank lines, footers, headers
        problems.append(Problem(read.source, read.tables[0].sheet, "", Msg.of("excel.no_rows")))
    notes = (*read.notes, *checker.notes, *row_checks.hidden_rows_beyond(read.source, checker.hidden_read),
             *row_checks.person_cells_beyond(read.source, checker.person_cells),
             *row_checks.wide_notes(read.source, checker.wide))
    return CheckResult(read.source, read.kind, tuple(checker.records), tuple(problems), notes, checker.rows_checked,
                       checker.rows_with_problems, read.reader, read.unit_lines, read.layouts)


def read_and_check(path: str | Path, kind: str, rules: RuleSet, *, mapping: ColumnMapping | None = None,
                   header_row: int | None = None, sheets: Sequence[str] | None = None,
                   today: dt.date | None = None,
                   each_checked: Callable[[Sequence], None] | None = None,
                   cancelled: Callable[[], bool] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> tuple[ReadResult, CheckResult]:
    """read_workbook and check_read of its result, the same two results, with each sheet checked as soon
    as it is read while the next sheets are read (the reader lets go of the interpreter).
    each_checked: given the records of each sheet (or part of a sheet: _Checker.table) checked that way,
    in order, while no problem is found: a head start, no more (what counts is the result's records).
    cancelled, progress: asked and told as read_workbook asks and tells them."""
    today = today or dt.date.today()
    checker = _Checker(Path(path).name, kind, rules, today)

    def checked_part(records: list) -> None:
        if each_checked is not None and not checker.problems:
            each_checked(records)

    def check(table: SheetTable) -> None:
        checker.table(table, checked_part)
    with gc_paused(), quick_handoffs():
        read = read_workbook(path, kind, mapping=mapping, header_row=header_row, sheets=sheets,
                             each_table=check, cancelled=cancelled, progress=progress)
        head = len(checker.checked)
        if head > len(read.tables) or any(a is not b for a, b in zip(read.tables, checker.checked, strict=False)):
            checker.let_go(read.tables)  # what was checked of a reading that failed or another reader made again
            checker, head = _Checker(read.source, kind, rules, today), 0  # anew
        for table in read.tables[head:]:
            checker.table(table)
        return read, _result(read, checker)


def check_workbook(path: str | Path, kind: str, rules: RuleSet, *, mapping: ColumnMapping | None = None,
                   header_row: int | None = None, sheets: Sequence[str] | None = None,
                   today: dt.date | None = None) -> CheckResult:
    """Read and check a workbook: the records it holds and every problem found (the preview)."""
    return read_and_check(path, kind, rules, mapping=mapping, header_row=header_row, sheets=sheets, today=today)[1]


def records_by_kind(results: Sequence[CheckResult]) -> Mapping[str, tuple]:
    grouped: dict[str, list] = {}
    for result in results:
        grouped.setdefault(result.kind, []).extend(result.records)
    return {kind: tuple(records) for kind, records in grouped.items()}
