"""The Labour Express platform's statistics in the dataset: the imported delivery export and rating
export (kinds platform_deliveries and platform_ratings, written by core/people/tables.py) read back per unit
for clauses 3.1 and 3.2.

    stored = read_stored(conn)                       # the newest export of each kind, as stored
    found = check(stored, ["吴江甲…", …])            # each unit's records, and the records of no unit
    unit = apply_platform(unit, found)               # a unit whose 3.1/3.2 figures come from the platform

A record names its unit as the platform writes it. It belongs to the unit of the same name (exactly,
or else after NFKC and without spaces, as the platform may write （） as () or add a space). Linking
when read, not by the id stored at import, keeps the link right when a unit is added after the import
or removed and brought back by undo; a unit renamed in the dataset no longer has the platform's name,
and its records are then reported. A record naming no unit of the year counts for none and is
reported as a problem (a value), never dropped silently; before an export is imported, its rows naming
no unit are noted one by one, with the unit each most likely means (rows_naming_no_unit).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, replace
from fractions import Fraction
from types import MappingProxyType
from typing import Mapping, Sequence

from core.common.messages import Msg
from core.common.problems import Problem, place_words
from core.scoring.facts import FIGURES_FROM_PLATFORM, Delivery, Export, Unit

DELIVERIES_KIND, RATINGS_KIND = "platform_deliveries", "platform_ratings"
ROWS_QUOTED = 10  # a problem quotes this many rows of the records it stands for, then "等"


@dataclass(frozen=True)
class PlatformRecord:
    """One stored row of a platform export: where it is in the file, the unit it names, and its figure
    (a Delivery, or a unit's composite rating)."""
    sheet: str
    row: int | None
    unit_name: str
    figure: Delivery | Fraction

    @property
    def place(self) -> str:
        return f"{self.sheet}!{self.row}" if self.row is not None else self.sheet


@dataclass(frozen=True)
class StoredPlatform:
    """The platform's exports as stored: each kind's newest import (a list of the whole year: importing
    one replaces the last, so there is at most one) with its rows in file order."""
    deliveries: tuple[PlatformRecord, ...] = ()
    ratings: tuple[PlatformRecord, ...] = ()
    deliveries_export: Export | None = None
    ratings_export: Export | None = None


@dataclass(frozen=True)
class UnitPlatform:
    """What the platform's exports hold for one unit."""
    unit: str
    deliveries: tuple[Delivery, ...] = ()
    rating: Fraction | None = None


@dataclass(frozen=True)
class PlatformCheck:
    """The platform's figures of every unit of the year (in the year's order), the exports they come
    from, and the problems: records naming no unit, a unit rated twice."""
    units: Mapping[str, UnitPlatform]
    deliveries_export: Export | None
    ratings_export: Export | None
    problems: tuple[Problem, ...] = ()
    unmatched_deliveries: int = 0
    unmatched_ratings: int = 0

    def unit(self, name: str) -> UnitPlatform:
        return self.units.get(name) or UnitPlatform(name)

    @property
    def linked_deliveries(self) -> int:
        return sum(len(u.deliveries) for u in self.units.values())

    def names_of_no_unit(self, kind: str) -> list[tuple[str, int]]:
        """Each name in the export of `kind` that is no unit of the year, with its number of records."""
        return [(p.message.param("unit"), p.message.param("count")) for p in self.problems
                if p.message.code == "platform.unknown_unit" and p.message.param("kind").code == f"kind.{kind}"]

    @property
    def imported(self) -> bool:
        return self.deliveries_export is not None or self.ratings_export is not None

    def lacking(self, name: str) -> tuple[tuple[str, Export | None], ...]:
        """The kinds (DELIVERIES_KIND, then RATINGS_KIND) of which the platform's exports hold nothing of the
        unit, each with its export (None: none of that kind imported yet): 3.1 counts no delivery, 3.2 no rating."""
        mine = self.unit(name)
        return tuple((kind, export) for kind, export, absent in (
            (DELIVERIES_KIND, self.deliveries_export, not mine.deliveries),
            (RATINGS_KIND, self.ratings_export, mine.rating is None)) if absent)


def unit_key(name: str) -> str:
    """A unit's name as compared when the exact name is not found: NFKC, without any white space."""
    return "".join(unicodedata.normalize("NFKC", name).split())


# ------------------------------------------------------------------ reading what is stored

def _newest_import(conn: sqlite3.Connection, kind: str) -> tuple[int, Export] | None:
    row = conn.execute("SELECT id, file_name, imported_at FROM imports WHERE kind = ? ORDER BY id DESC LIMIT 1",
                       (kind,)).fetchone()
    return None if row is None else (row[0], Export(row[1], row[2]))


def read_stored(conn: sqlite3.Connection) -> StoredPlatform:
    """The newest delivery export and rating export with their rows, as stored (schema 4 and later)."""
    deliveries: tuple[PlatformRecord, ...] = ()
    ratings: tuple[PlatformRecord, ...] = ()
    found = _newest_import(conn, DELIVERIES_KIND)
    if found is not None:
        day = dt.date.fromisoformat
        deliveries = tuple(
            PlatformRecord(sheet, row, unit, Delivery(day(date), enterprise, stars))
            for sheet, row, unit, date, enterprise, stars in conn.execute(
                "SELECT sheet, sheet_row, unit_name, date, enterprise, stars FROM platform_delivery_records "
                "WHERE import_id = ? ORDER BY id", (found[0],)))
    rated = _newest_import(conn, RATINGS_KIND)
    if rated is not None:
        ratings = tuple(PlatformRecord(sheet, row, unit, Fraction(rating)) for sheet, row, unit, rating in conn.execute(
            "SELECT sheet, sheet_row, unit_name, rating FROM platform_ratings WHERE import_id = ? ORDER BY id",
            (rated[0],)))
    return StoredPlatform(deliveries, ratings, found[1] if found else None, rated[1] if rated else None)


# ------------------------------------------------------------------ linking records to units

def _resolver(unit_names: Sequence[str]):
    exact = set(unit_names)
    loose: dict[str, list[str]] = {}
    for name in unit_names:
        loose.setdefault(unit_key(name), []).append(name)

    def resolve(written: str) -> str | None:
        if written in exact:
            return written
        candidates = loose.get(unit_key(written), [])
        return candidates[0] if len(candidates) == 1 else None  # two units alike: neither is guessed
    return resolve


def _rows_text(records: Sequence[PlatformRecord]) -> str:
    shown = "、".join(place_words(r.place) or r.place for r in records[:ROWS_QUOTED])
    return shown + ("等" if len(records) > ROWS_QUOTED else "")


def check(stored: StoredPlatform, unit_names: Sequence[str]) -> PlatformCheck:
    """Each unit's deliveries and rating from the stored exports; a problem for every name that is no
    unit of the year (one per name, quoting its rows) and for a unit the rating export rates twice
    (it then has no platform rating: which one is right is the assessor's to settle)."""
    resolve = _resolver(unit_names)
    deliveries: dict[str, list[Delivery]] = {name: [] for name in unit_names}
    ratings: dict[str, list[PlatformRecord]] = {}
    unknown: dict[tuple[str, str], list[PlatformRecord]] = {}
    for kind, records in ((DELIVERIES_KIND, stored.deliveries), (RATINGS_KIND, stored.ratings)):
        for record in records:
            unit = resolve(record.unit_name)
            if unit is None:
                unknown.setdefault((kind, record.unit_name), []).append(record)
            elif kind == DELIVERIES_KIND:
                deliveries[unit].append(record.figure)  # type: ignore[arg-type]
            else:
                ratings.setdefault(unit, []).append(record)
    problems = []
    for (kind, name), records in unknown.items():
        export = stored.deliveries_export if kind == DELIVERIES_KIND else stored.ratings_export
        problems.append(Problem(export.file_name if export else "", records[0].place, "",
                                Msg.of("platform.unknown_unit", kind=Msg.of(f"kind.{kind}"), unit=name,
                                       count=len(records), rows=_rows_text(records))))
    for unit, records in ratings.items():
        if len(records) > 1:
            problems.append(Problem(stored.ratings_export.file_name if stored.ratings_export else "",
                                    records[0].place, "",
                                    Msg.of("platform.rated_twice", unit=unit, count=len(records),
                                           rows=_rows_text(records),
                                           ratings=[r.figure for r in records])))
    units = {name: UnitPlatform(name, tuple(deliveries[name]),
                                ratings[name][0].figure if len(ratings.get(name, ())) == 1 else None)  # type: ignore[arg-type]
             for name in unit_names}
    return PlatformCheck(MappingProxyType(units), stored.deliveries_export, stored.ratings_export, tuple(problems),
                         sum(len(r) for (k, _), r in unknown.items() if k == DELIVERIES_KIND),
                         sum(len(r) for (k, _), r in unknown.items() if k == RATINGS_KIND))


# ------------------------------------------------------------------ before importing: rows naming no unit

# What a unit's name says besides the words every company has: a bracketed remark, the city, the legal form
# and the line of business (苏州黎里禾源劳务派遣有限公司 → 黎里禾源).
_REMARK = re.compile(r"[（(][^（）()]*[）)]")
_CITY = re.compile(r"^(?:江苏省?)?(?:苏州市?)?(?:吴江区?)?")
_COMMON = re.compile(r"(?:人力资源服务|人力资源|劳务派遣|劳务服务|人才服务|服务)?"
                     r"(?:有限责任公司|股份有限公司|有限公司|公司)?$")


def _distinctive(name: str) -> str:
    core = _REMARK.sub("", unit_key(name))
    core = _COMMON.sub("", _CITY.sub("", core, count=1), count=1)
    return core or unit_key(name)


def closest_unit(written: str, unit_names: Sequence[str]) -> str | None:
    """The unit of the year a name no unit has most likely means: the one whose distinctive part (the name
    without city, legal form and line of business) is the name's, contains it or is contained in it, else is
    alike in at least 60 % of its characters; None when no unit comes that close or two do equally."""
    wanted = _distinctive(written)
    if not wanted:
        return None
    scored = []
    for name in unit_names:
        own = _distinctive(name)
        if not own:
            continue
        score = 2.0 if own == wanted else 1.5 if own in wanted or wanted in own else \
            difflib.SequenceMatcher(None, own, wanted).ratio()
        if score >= 0.6:
            scored.append((score, name))
    scored.sort(key=lambda s: -s[0])
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def rows_naming_no_unit(records: Sequence, unit_names: Sequence[str], source: str,
                        headers: Mapping[str, str]) -> tuple[Problem, ...]:
    """A note for each checked row of a platform export (core.people.records DeliveryRecord or RatingRecord)
    whose unit name is no unit of the year, as check() would link it: the row, the name as written and the
    unit it most likely means, under the unit column's header of its sheet (headers). Such a row imports but
    counts for no unit, so the assessor is told before."""
    resolve = _resolver(unit_names)
    notes = []
    for record in records:
        if resolve(record.unit) is not None:
            continue
        closest = closest_unit(record.unit, unit_names)
        msg = (Msg.of("platform.row_names_no_unit_closest", unit=record.unit, closest=closest) if closest else
               Msg.of("platform.row_names_no_unit", unit=record.unit))
        notes.append(Problem(source, f"{record.sheet}!{record.row}", headers.get(record.sheet, ""), msg))
    return tuple(notes)


def apply_platform(unit: Unit, found: PlatformCheck) -> Unit:
    """The unit with the platform's deliveries (3.1) and composite rating (3.2) in place of the typed
    ones, and the exports they come from (the explanation names them). Period, stars and evidence
    are the engine's to judge, as for typed deliveries."""
    mine = found.unit(unit.name)
    deliveries_export = found.deliveries_export
    if deliveries_export is not None and found.unmatched_deliveries:
        deliveries_export = replace(deliveries_export, rows_naming_no_unit=found.unmatched_deliveries)
    return replace(unit, platform_source=FIGURES_FROM_PLATFORM, deliveries=mine.deliveries, platform_rating=mine.rating,
                   deliveries_export=deliveries_export, rating_export=found.ratings_export)
