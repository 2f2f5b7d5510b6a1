"""Converting one cell of a read workbook by its field's type (resources/excel/import-kinds.toml)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from core.common.area_codes import area_codes
from core.common.dates import DATE_DIGITS, DATE_TEXT, half_width, month_numerals, parse_date
from core.common.identifiers import ID_CHECK_CHARS, check_id_number, id_number_error, normalise_id_number, valid_births
from core.common.messages import Msg
from core.excel.kinds import FieldSpec, ImportSpec, normalise_header
from core.people.records import Month
from core.scoring.rules import RuleSet

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (after Excel's 1900-02-29, which never was)
MAX_SERIAL = 2958465  # 9999-12-31


class Bad(Exception):
    def __init__(self, msg: Msg):
        self.msg = msg


class Blank(Exception):
    pass


SLOW = object()  # a cell the fast pass leaves to the full converter


class Noted(str):
    """An ID number that comes with a note (a 15-digit number converted to 18)."""
    note: Msg


class NotedMonth(dt.date):
    """A month that comes with a note (read from a number such as 2022.04, which Excel stored for a typed month)."""
    note: Msg


_MONTH_TEXT_YEAR = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月份?)?\s*")
# A month typed as 2022.04 or 2022.4 that Excel stored as a number, as Excel shows it (2022.10 shows as 2022.1)
_MONTH_NUMBER = re.compile(r"(\d{4})\.(\d{1,2})")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
# An ID number as this program's exports show it (first 6 and last 4 kept): copied from an exported form
_MASKED = re.compile(r"[0-9]{6}\*{5,}[0-9]{3}[0-9X]")
_INTEGER_TEXT = re.compile(r"\s*([+-]?\d+)(?:\.0+)?\s*(?:个月|个|月|星级|星|分|人|次)?\s*")
_NUMBER_TEXT = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*分?\s*")


def as_shown(value: Any) -> str:
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


class Converters:
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
        """The ordinary cells of a column converted in one pass; SLOW marks every other cell
        (blank, unusual or bad), for the full converter."""
        slow = SLOW
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
                raise Blank
            return text
        if t is float:
            return str(int(value)) if value.is_integer() else repr(value)
        if t is int:
            return str(value)
        if t is dt.date or t is dt.datetime:
            return value.isoformat()
        raise Bad(Msg.of("excel.bad_text", value=as_shown(value)))

    # -- ID numbers
    def id_number(self, value: Any) -> str:
        if type(value) is str:
            number = value if (len(value) == 18 and value.isascii() and value.isalnum()
                               and value[17] != "x") else normalise_id_number(value)
            if not number:
                raise Blank
            if len(number) == 18 and id_number_error(number, self.today) is None:
                return number
            return self._id_slow(value, number)
        if isinstance(value, bool):
            raise Bad(Msg.of("excel.id_characters", value=as_shown(value)))
        if isinstance(value, (int, float)):
            if value >= 1e15:
                raise Bad(Msg.of("excel.id_as_number", value=as_shown(value)))
            if float(value).is_integer() and value > 0:  # up to 15 digits: Excel kept them all
                return self._id_slow(value, str(int(value)))
            raise Bad(Msg.of("excel.id_characters", value=as_shown(value)))
        raise Bad(Msg.of("excel.id_characters", value=as_shown(value)))

    def _id_slow(self, value: Any, number: str) -> str:
        if _MASKED.fullmatch(number):
            raise Bad(Msg.of("excel.id_masked", value=as_shown(value)))
        if _SCIENTIFIC.fullmatch(number):
            raise Bad(Msg.of("excel.id_scientific", value=as_shown(value)))
        check = check_id_number(number, self.today)
        shown = as_shown(value)
        if check.error == "length":
            raise Bad(Msg.of("excel.id_length", value=shown, length=len(number)))
        if check.error == "characters":
            raise Bad(Msg.of("excel.id_characters", value=shown))
        if check.error == "birth_date":
            raise Bad(Msg.of("excel.id_birth_date", value=shown))
        if check.error == "birth_range":
            raise Bad(Msg.of("excel.id_birth_range", value=shown, birth=check.birth.isoformat(),
                              earliest="1900-01-01"))
        if check.error == "check_digit":
            raise Bad(Msg.of("excel.id_check_digit", value=shown, expected=check.expected))
        if check.error == "area":
            raise Bad(Msg.of("excel.id_area", value=shown, area=number[:6]))
        noted = Noted(check.number)
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
            raise Bad(Msg.of("excel.zero_date" if value == dt.time(0) else "excel.time_not_date",
                             value=as_shown(value)))
        else:
            raise Bad(Msg.of("excel.bad_date", value=as_shown(value)))
        if not (self.earliest <= day <= self.latest):
            raise Bad(Msg.of("excel.date_out_of_bounds", value=day.isoformat(),
                              earliest=self.earliest.isoformat(), latest=self.latest.isoformat()))
        return day

    @staticmethod
    def _date_number(value: float) -> dt.date:
        if 19000101 <= value <= 99991231 and float(value).is_integer():  # 20220301 typed as a number
            return Converters._date_text(str(int(value)))
        if 1 <= value <= MAX_SERIAL:  # an Excel serial date in a cell not formatted as a date
            return _from_serial(value)
        raise Bad(Msg.of("excel.bad_date", value=as_shown(value)))

    @staticmethod
    def _date_text(text: str) -> dt.date:
        day = parse_date(text)
        if day is None:
            if not text.strip():
                raise Blank
            raise Bad(Msg.of("excel.bad_date", value=as_shown(text)))
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
                    raise Blank
                raise Bad(Msg.of("excel.bad_month", value=as_shown(value)))
        else:
            raise Bad(Msg.of("excel.bad_month", value=as_shown(value)))
        if not (self.earliest <= month <= self.latest):
            raise Bad(Msg.of("excel.date_out_of_bounds", value=month.isoformat()[:7],
                              earliest=self.earliest.isoformat(), latest=self.latest.isoformat()))
        return month

    def _month_number(self, value: float) -> Month:
        typed = _MONTH_NUMBER.fullmatch(f"{value:.15g}")  # as Excel shows it: 2022.04 is no exact binary number
        if typed is not None and self.period[0].year - 1 <= int(typed[1]) <= self.period[1].year + 1:
            return self._typed_month(value, int(typed[1]), typed[2])
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
        raise Bad(Msg.of("excel.bad_month", value=as_shown(value)))

    @staticmethod
    def _typed_month(value: float, year: int, digits: str) -> NotedMonth:
        """The month a number such as 2022.04 or 2022.4 (a year near the assessment's, a dot, a month) stands for;
        2022.1 may have been typed as 2022.1 or 2022.10, which Excel stores alike."""
        shown = as_shown(value)
        if digits == "1":
            raise Bad(Msg.of("excel.month_number_ambiguous", value=shown, january=f"{year}年1月",
                              october=f"{year}年10月"))
        number = int(digits)
        if not (digits in ("11", "12") or 1 <= number <= 9):  # 2022.13 (2022.10 Excel shows as 2022.1)
            raise Bad(Msg.of("excel.bad_month", value=shown))
        month = NotedMonth(year, number, 1)
        month.note = Msg.of("excel.month_from_number", value=shown, month=f"{year}年{number}月")
        return month

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
        """The month a sheet's name gives, e.g. "2022年3月", "3月", "五月", "202203"."""
        sheet = month_numerals(sheet)
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
            raise Bad(Msg.of("excel.number_out_of_bounds", field=f.label, value=as_shown(value), minimum=f.minimum,
                              maximum=f.maximum))
        return n

    def integer(self, value: Any, f: FieldSpec) -> int:
        t = type(value)
        if t is int:
            n = value
        elif t is float:
            if not value.is_integer():
                raise Bad(Msg.of("excel.bad_integer", value=as_shown(value)))
            n = int(value)
        elif t is str:
            text = half_width(value).strip()
            if not text:
                raise Blank
            if text and set(text) <= set("★☆") and "★" in text:
                n = text.count("★")
            else:
                m = _INTEGER_TEXT.fullmatch(text)
                if m is None:
                    raise Bad(Msg.of("excel.bad_integer", value=as_shown(value)))
                n = int(m[1])
        else:
            raise Bad(Msg.of("excel.bad_integer", value=as_shown(value)))
        return self._bounded(n, f, value)

    def number(self, value: Any, f: FieldSpec) -> Fraction:
        t = type(value)
        if t is int:
            n = Fraction(value)
        elif t is float:
            if value != value or value in (float("inf"), float("-inf")):
                raise Bad(Msg.of("excel.bad_number", value=as_shown(value)))
            n = Fraction(repr(value))
        elif t is str:
            m = _NUMBER_TEXT.fullmatch(half_width(value))
            if m is None:
                if not value.strip():
                    raise Blank
                raise Bad(Msg.of("excel.bad_number", value=as_shown(value)))
            n = Fraction(m[1])
        else:
            raise Bad(Msg.of("excel.bad_number", value=as_shown(value)))
        return self._bounded(n, f, value)

    def choice(self, value: Any, f: FieldSpec) -> str:
        if isinstance(value, str):
            key = normalise_header(value)
            if not key:
                raise Blank
            for choice, words in f.choices.items():
                if key in words:
                    return choice
        raise Bad(Msg.of("excel.bad_choice", value=as_shown(value),
                          allowed=[words[0] for words in f.choices.values()]))
