"""The people as the program holds them: one record class per import kind (a roster's person, a
monthly report's line, the district's traineeship list, the platform's deliveries and ratings), as
core/excel/check.py makes them from a workbook and core/people/tables.py reads them back from the
year file, and the year file's table each kind's records are kept in."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import MISSING, dataclass
from dataclasses import fields as dataclass_fields
from fractions import Fraction
from itertools import repeat
from operator import attrgetter
from typing import Any

from core.common.messages import Msg
from core.people.table_names import KIND_TABLE, PEOPLE_TABLES  # noqa: F401  (their importers find them here too)

Month = dt.date  # the first day of the month


def on_one_line(text: str) -> str:
    """A cell's text of several lines (a roster's 备注) on one line: its lines, stripped, joined by a space."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def report_remarks_words(remarks: Sequence[tuple[str, str]]) -> list[Msg]:
    """A person's 备注 of the monthly reports ((month "YYYY-MM" or "", remark) each), each remark after its
    month (2022年3月：已离职), in the order given; a face joins them with "；"."""
    return [Msg.of("people.report_remark", year=month[:4], month=str(int(month[5:7])), remarks=text) if month
            else Msg.of("people.report_remark_no_month", remarks=text) for month, text in remarks]


@dataclass(frozen=True, slots=True)
class ArrivalRecord:
    """One person of an arrivals roster (附件2 组织进吴人员花名册)."""
    sheet: str
    row: int
    name: str
    id_number: str
    employer: str
    first_insured_date: dt.date
    base: str = ""
    gender: str = ""
    phone: str = ""
    arrival_date: dt.date | None = None
    insured_months: int | None = None
    leave_date: dt.date | None = None
    remarks: str = ""  # the roster's 备注, as written
    file: str = ""  # the file's name when the unit has several rosters of the kind imported (sheet_words)


@dataclass(frozen=True, slots=True)
class PlacementRecord:
    """One trainee or intern of a placements roster (附件4); placement_type is "trainee" or "intern"."""
    sheet: str
    row: int
    name: str
    id_number: str
    employer: str
    placement_type: str
    base: str = ""
    gender: str = ""
    phone: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    placement_months: int | None = None
    remarks: str = ""  # the roster's 备注, as written
    file: str = ""  # the file's name when the unit has several rosters of the kind imported (sheet_words)


@dataclass(frozen=True, slots=True)
class MonthlyReportRecord:
    """One person of a unit's monthly delivery report (每月送工信息)."""
    sheet: str
    row: int
    name: str
    id_number: str
    month: Month | None = None
    employer: str = ""
    base: str = ""
    arrival_date: dt.date | None = None
    phone: str = ""
    remarks: str = ""  # the report's 备注, as written
    file: str = ""  # the file's name when the unit has several monthly reports imported (sheet_words)


@dataclass(frozen=True, slots=True)
class TraineeListRecord:
    """One person of the district HR centre's approved traineeship list (全区就业见习名单)."""
    sheet: str
    row: int
    name: str
    id_number: str
    employer: str = ""
    unit: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    placement_months: int | None = None


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One completed delivery of the Labour Express platform's export."""
    sheet: str
    row: int
    unit: str
    employer: str
    delivery_date: dt.date
    stars: int


@dataclass(frozen=True, slots=True)
class RatingRecord:
    """One unit's composite rating from the platform's export."""
    sheet: str
    row: int
    unit: str
    rating: Fraction


RECORD_CLASSES: dict[str, type] = {
    "arrivals": ArrivalRecord,
    "placements": PlacementRecord,
    "monthly_reports": MonthlyReportRecord,
    "traineeship_list": TraineeListRecord,
    "platform_deliveries": DeliveryRecord,
    "platform_ratings": RatingRecord,
}


def frozen_records(cls: type, columns: Sequence[Iterable], n: int) -> list:
    """n instances of a frozen dataclass with __slots__, filled column by column: `columns` holds
    one iterable per field, in field order (itertools.repeat for a constant); fields left off at
    the end take their defaults.

    Equal to [cls(*row) for row in zip(*columns)], about five times faster: the __init__ of a
    frozen dataclass sets each field through object.__setattr__ (most of the time of checking a
    200,000-row roster), while the slots' own descriptors, mapped over a column, set them in C.
    Nothing can observe the instances half-filled: they are returned only when complete."""
    if n == 0:
        return []
    fields = dataclass_fields(cls)
    names = [f.name for f in fields]
    if len(columns) > len(names) or any(f.default is MISSING for f in fields[len(columns):]):
        raise ValueError(f"{cls.__name__} has {len(names)} fields, {len(columns)} columns given")
    columns = [*columns, *(repeat(f.default) for f in fields[len(columns):])]
    records: list[Any] = list(map(_new, repeat(cls, n)))
    for name, values in zip(names, columns, strict=True):
        deque(map(cls.__dict__[name].__set__, records, values), maxlen=0)
    return records


_new = object.__new__


def record_fields(cls: type) -> tuple[str, ...]:
    """The fields a workbook's columns fill (not where the row is: its file, sheet and row)."""
    return tuple(f.name for f in dataclass_fields(cls) if f.name not in ("sheet", "row", "file"))


def with_file(records: Sequence[Any], file: str) -> list:
    """The records (of one class) again, each with its `file` set to the file's name ("" for none)."""
    if not records:
        return []
    cls = type(records[0])
    columns: list[Iterable] = [list(map(attrgetter(f.name), records)) for f in dataclass_fields(cls)]
    columns[[f.name for f in dataclass_fields(cls)].index("file")] = repeat(file)
    return frozen_records(cls, columns, len(records))


def sheet_words(record: Any) -> str | Msg:
    """The sheet a person's row is on, as a bureau names it: the sheet's name, after the file's when the unit
    has several files of the kind imported (record.file), so 第 6 行 is found in the right one."""
    file = getattr(record, "file", "")
    return Msg.of("people.file_sheet", file=file, sheet=record.sheet) if file else record.sheet


def row_words(record: Any) -> Msg:
    """Where a person's row is: 花名册 第 6 行, or 花名册-更正后.xlsx 花名册 第 6 行 (sheet_words)."""
    return Msg.of("people.row_place", sheet=sheet_words(record), row=record.row)


