"""The people as the program holds them: one record class per import kind (a roster's person, a
monthly report's line, the district's traineeship list, the platform's deliveries and ratings), as
core/excel/check.py makes them from a workbook and core/people/tables.py reads them back from the
year file, and the year file's table each kind's records are kept in."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from fractions import Fraction
from itertools import repeat
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
    one iterable per field, in field order (every field; itertools.repeat for a constant).

    Equal to [cls(*row) for row in zip(*columns)], about five times faster: the __init__ of a
    frozen dataclass sets each field through object.__setattr__ (most of the time of checking a
    200,000-row roster), while the slots' own descriptors, mapped over a column, set them in C.
    Nothing can observe the instances half-filled: they are returned only when complete."""
    if n == 0:
        return []
    names = [f.name for f in dataclass_fields(cls)]
    if len(columns) != len(names):
        raise ValueError(f"{cls.__name__} has {len(names)} fields, {len(columns)} columns given")
    records: list[Any] = list(map(_new, repeat(cls, n)))
    for name, values in zip(names, columns, strict=True):
        deque(map(cls.__dict__[name].__set__, records, values), maxlen=0)
    return records


_new = object.__new__


def record_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclass_fields(cls) if f.name not in ("sheet", "row"))


