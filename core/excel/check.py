"""Check every row of a read workbook and turn it into typed records (core/people/records.py).

Each cell is converted by its field's type (resources/excel/import-kinds.toml); every bad cell,
missing required value and duplicate person becomes a Problem located by sheet, Excel row
number and the column's header as written in the file. Rows that are not people (blank rows,
a form's footer with the signature lines, a header repeated further down) are skipped. Rows
with a problem give no record; nothing is ever half-converted.

The loop is written for speed (a 200,000-row roster is checked in about a second): good cells
take a short path, and all the explaining happens only for bad ones.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import MISSING, dataclass
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from fractions import Fraction
from itertools import compress, count, repeat
from operator import is_, itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from core.common.area_codes import area_codes
from core.common.bulk import gc_paused, let_go, quick_handoffs
from core.common.dates import DATE_DIGITS, DATE_TEXT, half_width, has_full_width, months_between, parse_date
from core.common.identifiers import ID_CHECK_CHARS, check_id_number, id_number_error, normalise_id_number, valid_births
from core.common.messages import Msg
from core.common.problems import Problem
from core.excel import row_checks
from core.excel.read import (
    ColumnMapping,
    FieldSpec,
    ImportSpec,
    KindSpec,
    ReadResult,
    SheetLayout,
    SheetTable,
    UnitLine,
    import_spec,
    normalise_header,
    read_workbook,
)
from core.people.records import RECORD_CLASSES, Month, frozen_records
from core.scoring.rules import RuleSet

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (after Excel's 1900-02-29, which never was)
MAX_SERIAL = 2958465  # 9999-12-31
PART_ROWS = 25_000  # a sheet's rows are checked this many at a time, each part's records handed on at once


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
    unit_lines: tuple[UnitLine, ...] = ()  # the unit each form names above its header (core/excel/read.py)
    layouts: tuple[SheetLayout, ...] = ()  # how each sheet was understood (its columns, no cells)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def hidden_sheets(self) -> tuple[str, ...]:
        """The sheets hidden in Excel, which were not read (core/excel/read.py notes each)."""
        return tuple(n.message.param("sheet") for n in self.notes if n.message.code == "excel.sheet_hidden")


# ------------------------------------------------------------------ converting one cell

class _Bad(Exception):
    def __init__(self, msg: Msg):
        self.msg = msg


class _Blank(Exception):
    pass


_SLOW = object()  # a cell the fast pass leaves to the full converter

# What two rows with the same key are, by the fields the key is made of (import-kinds.toml: unique).
# A row's months and the dates they run between: (start, months, end).
MONTHS_FIELDS = (("first_insured_date", "insured_months", "leave_date"), ("start_date", "placement_months", "end_date"))
DUPLICATE_WHAT = {("id_number",): "excel.duplicate.id_number",
                  ("id_number", "month"): "excel.duplicate.id_number_month", ("unit",): "excel.duplicate.unit"}


class _Noted(str):
    """An ID number that comes with a note (a 15-digit number converted to 18)."""
    note: Msg


_MONTH_TEXT_YEAR = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月份?)?\s*")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
# An ID number as this program's exports show it (first 6 and last 4 kept): copied from an exported form
_MASKED = re.compile(r"[0-9]{6}\*{5,}[0-9]{3}[0-9X]")
_INTEGER_TEXT = re.compile(r"\s*([+-]?\d+)(?:\.0+)?\s*(?:个月|个|月|星级|星|分|人|次)?\s*")
_NUMBER_TEXT = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*分?\s*")


def _shown(value: Any) -> str:
    """A cell value as the user would recognise it in a message."""
    if isinstance(value, bool):  # as the cell shows it in Excel and WPS (Python would say True)
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and 1e15 <= abs(value) < 1e20:  # as Excel's formula bar shows it
            return str(int(Decimal(f"{value:.15g}")))
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _from_serial(value: float) -> dt.date:
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


class _Converters:
    """Cell converters for one check run (bounds depend on the rule set's period)."""

    def __init__(self, spec: ImportSpec, rules: RuleSet, today: dt.date):
        self.spec = spec
        self.year = rules.year
        self.earliest = spec.earliest_date
        self.period = rules.period_start, rules.period_end
        self.period_end = rules.period_end
        self.latest = rules.period_end + dt.timedelta(days=spec.latest_after_period_days)
        self.today = today

    def for_field(self, f: FieldSpec) -> Callable[[Any], Any]:
        if f.type == "text":
            return self.text
        if f.type == "id_number":
            return self.id_number
        if f.type == "date":
            return self.date
        if f.type == "month":
            return self.month
        if f.type == "integer":
            return lambda value: self.integer(value, f)
        if f.type == "number":
            return lambda value: self.number(value, f)
        if f.type == "choice":
            return lambda value: self.choice(value, f)
        raise ValueError(f"unknown field type {f.type!r}")

    def fast_column(self, f: FieldSpec, col: list) -> list:
        """The ordinary cells of a column converted in one pass; _SLOW marks every other cell
        (blank, unusual or bad), for the full converter."""
        slow = _SLOW
        if f.type == "text":
            return [(v.strip() or slow) if type(v) is str else slow for v in col]
        if f.type == "id_number":
            # id_number_error() inlined: 18 ASCII characters, 17 digits, a real birth date from
            # 1900 to today, the check character (see core.common.identifiers.id_check_char), a known area
            births, check, areas = valid_births(self.today), ID_CHECK_CHARS, area_codes()
            return [v if (type(v) is str and len(v) == 18 and v.isascii() and (body := v[:17]).isdigit()
                          and v[6:14] in births and check[(2 * int(body, 13)) % 11] == v[17]
                          and v[:6] in areas) else slow
                    for v in col]
        if f.type == "date":
            date, lo, hi = dt.date, self.earliest, self.latest
            return [v if type(v) is date and lo <= v <= hi else slow for v in col]
        if f.type == "month":
            date, lo, hi = dt.date, self.earliest, self.latest
            return [m if type(v) is date and lo <= (m := date(v.year, v.month, 1)) <= hi else slow for v in col]
        if f.type == "integer":
            lo = float("-inf") if f.minimum is None else f.minimum
            hi = float("inf") if f.maximum is None else f.maximum
            return [int(v) if type(v) is float and v.is_integer() and lo <= v <= hi else slow for v in col]
        if f.type == "choice":
            exact = {word: key for key, words in f.choices.items() for word in words}
            return [exact.get(v, slow) if type(v) is str else slow for v in col]
        return [slow] * len(col)

    # -- text
    @staticmethod
    def text(value: Any) -> str:
        t = type(value)
        if t is str:
            text = value.strip()
            if not text:
                raise _Blank
            return text
        if t is float:
            return str(int(value)) if value.is_integer() else repr(value)
        if t is int:
            return str(value)
        if t is dt.date or t is dt.datetime:
            return value.isoformat()
        raise _Bad(Msg.of("excel.bad_text", value=_shown(value)))

    # -- ID numbers
    def id_number(self, value: Any) -> str:
        if type(value) is str:
            number = value if (len(value) == 18 and value.isascii() and value.isalnum()
                               and value[17] != "x") else normalise_id_number(value)
            if not number:
                raise _Blank
            if len(number) == 18 and id_number_error(number, self.today) is None:
                return number
            return self._id_slow(value, number)
        if isinstance(value, bool):
            raise _Bad(Msg.of("excel.id_characters", value=_shown(value)))
        if isinstance(value, (int, float)):
            if value >= 1e15:
                raise _Bad(Msg.of("excel.id_as_number", value=_shown(value)))
            if float(value).is_integer() and value > 0:  # up to 15 digits: Excel kept them all
                return self._id_slow(value, str(int(value)))
            raise _Bad(Msg.of("excel.id_characters", value=_shown(value)))
        raise _Bad(Msg.of("excel.id_characters", value=_shown(value)))

    def _id_slow(self, value: Any, number: str) -> str:
        if _MASKED.fullmatch(number):
            raise _Bad(Msg.of("excel.id_masked", value=_shown(value)))
        if _SCIENTIFIC.fullmatch(number):
            raise _Bad(Msg.of("excel.id_scientific", value=_shown(value)))
        check = check_id_number(number, self.today)
        shown = _shown(value)
        if check.error == "length":
            raise _Bad(Msg.of("excel.id_length", value=shown, length=len(number)))
        if check.error == "characters":
            raise _Bad(Msg.of("excel.id_characters", value=shown))
        if check.error == "birth_date":
            raise _Bad(Msg.of("excel.id_birth_date", value=shown))
        if check.error == "birth_range":
            raise _Bad(Msg.of("excel.id_birth_range", value=shown, birth=check.birth.isoformat(),
                              earliest="1900-01-01"))
        if check.error == "check_digit":
            raise _Bad(Msg.of("excel.id_check_digit", value=shown, expected=check.expected))
        if check.error == "area":
            raise _Bad(Msg.of("excel.id_area", value=shown, area=number[:6]))
        noted = _Noted(check.number)
        noted.note = Msg.of("excel.id_converted", old=check.converted_from, new=check.number)
        return noted

    # -- dates
    def date(self, value: Any) -> dt.date:
        t = type(value)
        if t is dt.date:
            day = value
        elif t is dt.datetime:
            day = value.date()
        elif t is str:
            day = self._date_text(value)
        elif t is float or t is int:
            day = self._date_number(value)
        elif t is dt.time:  # a date cell holding Excel's day 0 (shown as 1900-01-00 or 1899-12-31), or a time alone
            raise _Bad(Msg.of("excel.zero_date" if value == dt.time(0) else "excel.time_not_date", value=_shown(value)))
        else:
            raise _Bad(Msg.of("excel.bad_date", value=_shown(value)))
        if not (self.earliest <= day <= self.latest):
            raise _Bad(Msg.of("excel.date_out_of_bounds", value=day.isoformat(),
                              earliest=self.earliest.isoformat(), latest=self.latest.isoformat()))
        return day

    @staticmethod
    def _date_number(value: float) -> dt.date:
        if 19000101 <= value <= 99991231 and float(value).is_integer():  # 20220301 typed as a number
            return _Converters._date_text(str(int(value)))
        if 1 <= value <= MAX_SERIAL:  # an Excel serial date in a cell not formatted as a date
            return _from_serial(value)
        raise _Bad(Msg.of("excel.bad_date", value=_shown(value)))

    @staticmethod
    def _date_text(text: str) -> dt.date:
        day = parse_date(text)
        if day is None:
            if not text.strip():
                raise _Blank
            raise _Bad(Msg.of("excel.bad_date", value=_shown(text)))
        return day

    # -- months
    def month(self, value: Any) -> Month:
        t = type(value)
        if t is dt.date or t is dt.datetime:
            month = dt.date(value.year, value.month, 1)
        elif t is float or t is int:
            month = self._month_number(value)
        elif t is str:
            month = self.month_text(value)
            if month is None:
                if not value.strip():
                    raise _Blank
                raise _Bad(Msg.of("excel.bad_month", value=_shown(value)))
        else:
            raise _Bad(Msg.of("excel.bad_month", value=_shown(value)))
        if not (self.earliest <= month <= self.latest):
            raise _Bad(Msg.of("excel.date_out_of_bounds", value=month.isoformat()[:7],
                              earliest=self.earliest.isoformat(), latest=self.latest.isoformat()))
        return month

    def _month_number(self, value: float) -> Month:
        if float(value).is_integer():
            n = int(value)
            if 1 <= n <= 12:
                return dt.date(self.year, n, 1)
            if 190001 <= n <= 999912 and 1 <= n % 100 <= 12:
                return dt.date(n // 100, n % 100, 1)
            if 19000101 <= n <= 99991231:
                day = self._date_number(value)
                return dt.date(day.year, day.month, 1)
        if 1 <= value <= MAX_SERIAL:
            day = _from_serial(value)
            return dt.date(day.year, day.month, 1)
        raise _Bad(Msg.of("excel.bad_month", value=_shown(value)))

    def month_text(self, text: str) -> Month | None:
        """2022年3月, 2022-03, 2022.3, 202203, 3月 (the assessment year), or a full date, in ASCII or full-width
        digits; else None."""
        text = half_width(text)
        if not all(c.isascii() for c in text if c.isdigit()):  # another script's digits: no month a clerk typed
            return None
        m = DATE_TEXT.fullmatch(text) or DATE_DIGITS.fullmatch(text)
        if m is not None:
            year, month = int(m[1]), int(m[2])
        else:
            m = _MONTH_TEXT_YEAR.fullmatch(text)
            if m is not None:
                year, month = int(m[1]), int(m[2])
            else:
                compact = re.fullmatch(r"\s*(\d{4})(\d{2})\s*", text)
                if compact:
                    year, month = int(compact[1]), int(compact[2])
                else:
                    bare = re.fullmatch(r"\s*(\d{1,2})\s*月份?\s*", text) or re.fullmatch(r"\s*(\d{1,2})\s*", text)
                    if bare is None:
                        return None
                    year, month = self.year, int(bare[1])
        if not 1 <= month <= 12:
            return None
        return dt.date(year, month, 1)

    def sheet_month(self, sheet: str) -> Month | None:
        """The month a sheet's name gives, e.g. "2022年3月", "3月", "202203"."""
        text = re.sub(r"(送工|信息|报表|明细|情况|统计|人员|名单|汇总|表)", "", sheet)
        month = self.month_text(text)
        if month is None:
            found = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", sheet) or re.search(r"(?<!\d)(\d{1,2})\s*月", sheet)
            if found is None:
                return None
            groups = found.groups()
            year, month_number = (int(groups[0]), int(groups[1])) if len(groups) == 2 else (self.year, int(groups[0]))
            if not 1 <= month_number <= 12:
                return None
            month = dt.date(year, month_number, 1)
        return month if self.earliest <= month <= self.latest else None

    # -- numbers
    @staticmethod
    def _bounded(n: Any, f: FieldSpec, value: Any) -> Any:
        if (f.minimum is not None and n < f.minimum) or (f.maximum is not None and n > f.maximum):
            raise _Bad(Msg.of("excel.number_out_of_bounds", field=f.label, value=_shown(value), minimum=f.minimum,
                              maximum=f.maximum))
        return n

    def integer(self, value: Any, f: FieldSpec) -> int:
        t = type(value)
        if t is int:
            n = value
        elif t is float:
            if not value.is_integer():
                raise _Bad(Msg.of("excel.bad_integer", value=_shown(value)))
            n = int(value)
        elif t is str:
            text = half_width(value).strip()
            if not text:
                raise _Blank
            if text and set(text) <= set("★☆") and "★" in text:
                n = text.count("★")
            else:
                m = _INTEGER_TEXT.fullmatch(text)
                if m is None:
                    raise _Bad(Msg.of("excel.bad_integer", value=_shown(value)))
                n = int(m[1])
        else:
            raise _Bad(Msg.of("excel.bad_integer", value=_shown(value)))
        return self._bounded(n, f, value)

    def number(self, value: Any, f: FieldSpec) -> Fraction:
        t = type(value)
        if t is int:
            n = Fraction(value)
        elif t is float:
            if value != value or value in (float("inf"), float("-inf")):
                raise _Bad(Msg.of("excel.bad_number", value=_shown(value)))
            n = Fraction(repr(value))
        elif t is str:
            m = _NUMBER_TEXT.fullmatch(half_width(value))
            if m is None:
                if not value.strip():
                    raise _Blank
                raise _Bad(Msg.of("excel.bad_number", value=_shown(value)))
            n = Fraction(m[1])
        else:
            raise _Bad(Msg.of("excel.bad_number", value=_shown(value)))
        return self._bounded(n, f, value)

    def choice(self, value: Any, f: FieldSpec) -> str:
        if isinstance(value, str):
            key = normalise_header(value)
            if not key:
                raise _Blank
            for choice, words in f.choices.items():
                if key in words:
                    return choice
        raise _Bad(Msg.of("excel.bad_choice", value=_shown(value),
                          allowed=[words[0] for words in f.choices.values()]))


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
        self.conv = _Converters(self.spec, rules, today)
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.checked: list[SheetTable] = []
        self.rows_done: dict[int, int] = {}  # by id of a table checked: the grid index its rows are checked to
        self.records: list = []
        self.rows_checked = 0
        self.rows_with_problems = 0
        self.seen: dict[Any, tuple[str, int]] = {}
        self.seen_tables: list[tuple[str, dict[Any, int]]] = []  # from sheets checked the fast way
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
        fast pass converts the ordinary cells of a column in one comprehension and marks the rest (_SLOW)
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
            for i in list(compress(count(), map(is_, out, repeat(_SLOW)))):
                value = raw[i]
                try:
                    if _is_blank(value):
                        raise _Blank
                    value = convert(value)
                except _Blank:
                    out[i] = default
                    if is_required:
                        bad.setdefault(i, []).append((order, column.header, missing))
                    continue
                except _Bad as exc:
                    out[i] = default
                    bad.setdefault(i, []).append((order, column.header, exc.msg))
                    continue
                if type(value) is _Noted:
                    noted.setdefault(i, []).append((column.header, value.note))
                    value = str(value)
                if type(raw[i]) is str and spec.type in row_checks.WIDE_TYPES and has_full_width(raw[i]):
                    self._wide(sheet, column.header, first + i + 1, raw[i], row_checks.wide_value(value, spec.type))
                out[i] = value
            out_columns.append(out)
        skipped = {i for i in bad if self.skippable(rows[i], layout)}
        for i in skipped:
            del bad[i]
        by_field = {c.field: out for c, out in zip(columns, out_columns)}
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
                                      self.conv.period, _shown, bad, skipped, order_of.get("month", 0))
        if self.kind.minimum_age is not None and "id_number" in by_field:
            self._too_young(by_field, headers, order_of, bad, skipped)
        unique = self.kind.unique
        if unique and self._unique_fast(sheet, first, len(rows), unique, by_field, template, bad, skipped):
            unique = ()
        if unique:
            seen = self.seen_all()
            key_columns = [by_field.get(f) or [template.get(f)] * len(rows) for f in unique]
            keys = key_columns[0] if len(unique) == 1 else list(zip(*key_columns))
            for i, key in enumerate(keys):
                # a row with other problems still names its person: a later row of the same key is a duplicate
                # of it, and it of an earlier one (both are told, as correcting the other cells would tell them)
                if key is None or (len(unique) > 1 and None in key) or i in skipped:
                    continue
                earlier = seen.get(key)
                if earlier is None:
                    seen[key] = (sheet, first + i + 1)
                    continue
                shown = [self._key_text(f, v) for f, v in zip(unique, (key,) if len(unique) == 1 else key)]
                bad.setdefault(i, []).append((order_of.get(unique[0], 0), headers.get(unique[0], ""), Msg.of(
                    "excel.duplicate_row", sheet=earlier[0], row=earlier[1], key=shown,
                    what=Msg.of(DUPLICATE_WHAT.get(tuple(unique), "excel.duplicate.row")))))
        self.rows_checked += len(rows) - len(skipped)
        self.rows_with_problems += len(bad)
        for i in sorted(bad):
            for _order, header, msg in sorted(bad[i], key=lambda x: x[0]):
                self.problem(sheet, first + i + 1, header, msg)
        for i in sorted(noted):
            if i not in bad and i not in skipped:
                for header, msg in noted[i]:
                    self.notes.append(Problem(self.source, f"{sheet}!{first + i + 1}", header, msg))
        if "gender" in by_field or "phone" in by_field:
            self.notes += row_checks.person_cell_notes(
                self.source, sheet, first, by_field.get("gender"), by_field.get("id_number"), by_field.get("phone"),
                headers, skipped | bad.keys(), self.person_cells)
        if hidden:  # said, not left out: a row hidden in Excel is read as the file holds it
            self.notes += row_checks.hidden_row_notes(self.source, sheet, hidden, first, rows,
                                                      (columns[0].index, columns[0].header), skipped,
                                                      self.hidden_read, _shown)
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
                or any(not first_rows.keys().isdisjoint(t) for _, t in self.seen_tables)):
            return False
        self.seen_tables.append((sheet, first_rows))
        return True

    def seen_all(self) -> dict[Any, tuple[str, int]]:
        """Keys seen so far (sheet, row), for the row-by-row duplicate check."""
        for sheet, rows in self.seen_tables:
            for key, row in rows.items():
                self.seen.setdefault(key, (sheet, row))
        self.seen_tables.clear()
        return self.seen

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
