"""Who counts: the checked Excel records matched into the confirmed headcounts of clauses 2.1,
2.2 and 4.2 (rules-2022.md, section 二), with the reason for every person who does not count.

Pure functions: records in, an immutable result out.

- An arrival (附件2) is confirmed when the person is on the unit's roster, appears in that unit's
  monthly delivery reports (每月送工信息) and was first insured in Wujiang inside the assessment
  period. A trainee (附件4, 见习) is confirmed when on the district HR centre's approved
  traineeship list; an intern (实习) when the first internship started inside the period.
- Still there after six months: the roster's insured months (or first-insured to leaving date);
  for trainees and interns the months of traineeship/internship (the district list's figures
  first, then the roster's; or start to end date).
- A person found by ID number in the monthly reports (or on the district list) under another name still
  counts (the ID number is the key), with a note on that person asking the assessor to check the name; so do
  an arrival whose monthly reports name another employer, base or 入职日期, or report the person only in
  months outside the roster's dates (before its 入职日期, or 首次参保日期 when it gives none; after its 离职日期):
  notes only, the rules confirm by the ID number alone.
- The people a unit's monthly reports name who are on none of its rosters are listed (UnitMatch.reported_only):
  claimed by no roster of theirs they count for nothing for the unit, and the assessor may want to ask the unit
  about them; each says which other units' rosters name them (a unit sending people another unit claims).
- A person claimed by two units counts for neither until the assessor assigns them (reading
  `conflicting_claims_count_for_none`); `assignments` (ID number -> unit) records that decision.
- When the caller passes a unit's bases (core.scoring.facts.Base), a person must name one of them (of
  the right type; a blank base is fine when the unit has only one base of that type); the
  counts per base then replace the hand-entered Base.people / Base.retained (`apply_counts`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter
from typing import Any, Collection, Iterable, Mapping, Sequence

from core.common.bulk import gc_paused
from core.common.dates import months_between
from core.common.messages import Msg
from core.common.problems import Problem
from core.people.records import (
    ArrivalRecord,
    MonthlyReportRecord,
    PlacementRecord,
    TraineeListRecord,
    frozen_records,
    row_words,
    sheet_words,
)
from core.scoring.facts import COUNTS_FROM_ROSTERS, Base, Unit
from core.scoring.rules import READINGS_WHEN_ABSENT, RuleSet

ARRIVAL, TRAINEE, INTERN = "arrival", "trainee", "intern"
BASE_TYPE = {ARRIVAL: "labour", TRAINEE: "school", INTERN: "school"}  # core.scoring.facts.Base.type


@dataclass(frozen=True, slots=True)
class UnitSubmission:
    """What one unit handed in (several files of a kind may be concatenated)."""
    unit: str
    arrivals: Sequence[ArrivalRecord] = ()
    placements: Sequence[PlacementRecord] = ()
    monthly_reports: Sequence[MonthlyReportRecord] = ()
    bases: Sequence[Base] | None = None  # the unit's bases; None: count under the names as written


@dataclass(frozen=True, slots=True)
class Claim:
    unit: str
    kind: str  # ARRIVAL, TRAINEE or INTERN
    name: str
    employer: str
    base: str
    sheet: str
    row: int
    file: str = ""  # the roster's file, when the unit has several of the kind (core.people.records.sheet_words)

    @property
    def text(self) -> Msg:
        return Msg.of("match.claim", unit=self.unit, kind=Msg.of(f"match.kind_{self.kind}"), sheet=sheet_words(self),
                      row=self.row, employer=self.employer or "—")


class _OfRecord:
    """The person of a list row (`record`): ID number, name and employer as the row gives them."""
    __slots__ = ()
    record: ArrivalRecord | PlacementRecord | MonthlyReportRecord

    @property
    def id_number(self) -> str:
        return self.record.id_number

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def employer(self) -> str:
        return self.record.employer


@dataclass(frozen=True, slots=True)
class PersonVerdict(_OfRecord):
    """One claim on one person, confirmed or not, with the reasons."""
    unit: str
    kind: str  # ARRIVAL, TRAINEE or INTERN
    record: ArrivalRecord | PlacementRecord  # the roster row of the claim (sheet, row, name, …)
    base: str  # the base the person counts under ("" when unknown)
    confirmed: bool
    retained: bool  # confirmed and still there after six months
    months: int | None  # months insured / in traineeship or internship, when known
    reasons: tuple[Msg, ...] = ()  # why not confirmed
    retention_reasons: tuple[Msg, ...] = ()  # why a confirmed person is not counted as retained
    notes: tuple[Msg, ...] = ()  # e.g. assigned to this unit by the assessor

    @property
    def where(self) -> Msg:
        """Where the person's roster row is: 花名册 第 6 行, with the file when the unit has several rosters."""
        return row_words(self.record)

    @property
    def verdict(self) -> Msg:
        if self.confirmed:
            return Msg.of("verdict.counted")
        return Msg.of("verdict.not_counted_because", reasons=list(self.reasons))


@dataclass(frozen=True, slots=True)
class BaseCount:
    base: str
    type: str  # "labour" or "school"
    people: int
    retained: int
    trainees: int = 0  # of people (and of retained), the trainees (TRAINEE); the rest of a school base are interns
    trainees_retained: int = 0


@dataclass(frozen=True, slots=True)
class ReportedOnly(_OfRecord):
    """A person the unit's monthly reports name who is on none of its rosters (附件2, 附件4): claimed by no
    roster, counted nowhere; listed so the assessor sees them."""
    unit: str
    record: MonthlyReportRecord  # the first row naming the person (sheet, row, name, employer, base, …)
    months: tuple[dt.date, ...]  # the months the person is reported in, in order (none when no row gives one)
    rows: int  # how many rows of the reports name the person
    elsewhere: tuple[str, ...] = ()  # the other units whose rosters name the person (by ID number)

    @property
    def base(self) -> str:
        return self.record.base

    @property
    def months_words(self) -> Msg:
        """The months reported, as a bureau writes them (2022年3月、2022年4月), or that no row gives one."""
        if not self.months:
            return Msg.of("match.reported_no_month")
        return Msg.of("match.reported_months", months=[month_words(m) for m in self.months])

    @property
    def where(self) -> Msg:
        """Where in the reports the person is: the first row, and how many rows name them."""
        if self.rows > 1:
            return Msg.of("match.reported_where_rows", sheet=sheet_words(self.record), row=self.record.row,
                          rows=self.rows)
        return Msg.of("match.reported_where", sheet=sheet_words(self.record), row=self.record.row)

    @property
    def elsewhere_words(self) -> Msg:
        """Which other units' rosters name the person, or that none does."""
        if not self.elsewhere:
            return Msg.of("match.reported_on_no_roster")
        return Msg.of("match.reported_on_rosters_of", units=list(self.elsewhere))


@dataclass(frozen=True)
class UnitMatch:
    unit: str
    people: tuple[PersonVerdict, ...]
    bases: tuple[BaseCount, ...]
    arrivals: int
    arrivals_retained: int
    placements: int
    placements_retained: int
    reported_only: tuple[ReportedOnly, ...] = ()  # in the monthly reports, on none of the unit's rosters
    has_roster: bool = True  # False: no roster of the unit imported, so nobody could be confirmed one by one

    @property
    def total(self) -> int:
        return self.arrivals + self.placements

    @property
    def retained(self) -> int:
        return self.arrivals_retained + self.placements_retained

    def unconfirmed(self) -> tuple[PersonVerdict, ...]:
        return tuple(p for p in self.people if not p.confirmed)

    def base(self, name: str) -> BaseCount | None:
        return next((b for b in self.bases if b.base == name), None)


@dataclass(frozen=True)
class Conflict:
    id_number: str
    name: str
    claims: tuple[Claim, ...]  # two or more units
    assigned_to: str | None  # the assessor's decision, if any

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.unit for c in self.claims))


@dataclass(frozen=True)
class MatchResult:
    units: tuple[UnitMatch, ...]
    conflicts: tuple[Conflict, ...]
    problems: tuple[Problem, ...] = ()  # assignments that cannot apply
    retention_months: int = 6

    def unit(self, name: str) -> UnitMatch:
        return next(u for u in self.units if u.unit == name)

    def find(self, name: str) -> UnitMatch | None:
        """The unit's people, None when no roster or report names them (a unit without imports)."""
        return next((u for u in self.units if u.unit == name), None)

    def roster_names(self, name: str) -> dict[str, str]:
        """The name the unit's rosters give each ID number: what its monthly reports are compared with."""
        found = self.find(name)
        return {p.record.id_number: p.record.name for p in (found.people if found is not None else ())}

    def unconfirmed_by_unit(self) -> dict[str, tuple[PersonVerdict, ...]]:
        """The people not confirmed of each unit with a roster imported; a unit without one is left out (nothing
        of it could be confirmed or not: its sheet of the summary says no roster was imported)."""
        return {u.unit: u.unconfirmed() for u in self.units if u.has_roster}

    def reported_only_by_unit(self) -> dict[str, tuple[ReportedOnly, ...]]:
        """The people each unit's monthly reports name who are on none of its rosters."""
        return {u.unit: u.reported_only for u in self.units if u.reported_only}


# ------------------------------------------------------------------ helpers

def months_held(given: int | None, start: dt.date | None, end: dt.date | None, *,
                both_days: bool = True) -> tuple[int | None, Msg | None]:
    """The months a person counts for: those the list gives, never more than its own dates allow (one who left
    after three months counts three, whatever 参保月数 says, and a note says why); the dates' when it gives none."""
    if start is None or end is None:
        return given, None
    by_dates = months_between(start, end, both_days=both_days)
    if given is None:
        return by_dates, None
    if given > by_dates:
        return by_dates, Msg.of("match.months_capped", given=given, months=by_dates, start=start.isoformat(),
                                end=end.isoformat())
    return given, None


def _base_key(name: str) -> str:
    return "".join(name.split())


def name_key(name: str) -> str:
    return "".join(name.split())  # "王 芳" and "王芳" are one name typed two ways


class _RowsOfPerson:
    """A list's rows of one person (by ID number): the row found alone in a list of one row a person (the usual
    one, never grouped), else all of them, the list grouped once when first asked."""

    def __init__(self, rows: Sequence[Any], one_row_each: bool):
        self.rows, self.one_row_each = rows, one_row_each
        self.by_id: dict[str, list] | None = None

    def _rows_of(self, found: Any) -> list:
        if self.one_row_each:
            return [found]
        if self.by_id is None:
            self.by_id = {}
            for row in self.rows:
                self.by_id.setdefault(row.id_number, []).append(row)
        return self.by_id.get(found.id_number) or [found]


class _OtherNames(_RowsOfPerson):
    """Tells when a person of a roster is found, by ID number, under another name in a second list (the unit's
    monthly reports, the district's traineeship list): one of the two was typed wrong, and the assessor should
    look. The ID number is the key (rules-2022.md 2.1), so the person still counts; only a note is made.
    Names are compared only for a person found in both; in a list of one row a person that costs one string
    comparison each."""

    def __init__(self, rows: Sequence[MonthlyReportRecord] | Sequence[TraineeListRecord], code: str,
                 one_row_each: bool):
        super().__init__(rows, one_row_each)
        self.code = code

    def note(self, roster_name: str, found: MonthlyReportRecord | TraineeListRecord) -> Msg | None:
        """A note when a row of the list with this ID number gives another name than the roster's (spaces aside):
        every row is compared (a person reported in May as 孙八 and in June as 孙小八 is told of June's)."""
        key = name_key(roster_name)
        if self.one_row_each and name_key(found.name) == key:
            return None  # the row found is the only one
        other = [row for row in self._rows_of(found) if name_key(row.name) != key]
        if not other:
            return None
        return Msg.of(self.code, other="”“".join(dict.fromkeys(row.name for row in other)), name=roster_name,
                      sheet=sheet_words(other[0]), row=other[0].row)


def month_words(month: dt.date) -> Msg:
    return Msg.of("match.month", year=month.year, month=month.month)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


class _ReportDiffers(_RowsOfPerson):
    """Tells when an arrival's monthly reports (the rows with its ID number) say otherwise than its roster row:
    another employer, another base, another 入职日期 (in any of its rows: a person reported in May as the roster has
    them and in June with another employer is told of June's), or only months outside the roster's dates. A cell
    left blank on either side says nothing. The person still counts (the ID number is the key, rules-2022.md 2.1):
    each difference is a note asking the assessor to check. A list of one row a person is never grouped; the rows
    of a longer one are grouped by ID number once, when first asked for."""

    @staticmethod
    def _agrees(r: ArrivalRecord, row: MonthlyReportRecord, started: dt.date | None) -> bool:
        month = row.month
        return (row.employer == r.employer or not row.employer or not r.employer) \
            and (row.base == r.base or not row.base or not r.base) \
            and (row.arrival_date == r.arrival_date or row.arrival_date is None or r.arrival_date is None) \
            and month is not None and r.leave_date is None \
            and (started is None or (month.year, month.month) >= (started.year, started.month))

    def notes(self, r: ArrivalRecord, found: MonthlyReportRecord) -> tuple[Msg, ...]:
        rows = self._rows_of(found)
        started = r.arrival_date or r.first_insured_date
        if all(self._agrees(r, row, started) for row in rows):
            return ()  # every row agrees throughout (most people): nothing more to look at
        notes: list[Msg] = []
        for field, key in (("employer", name_key), ("base", _base_key)):
            ours = key(getattr(r, field))
            if not ours:
                continue
            other = [row for row in rows if key(getattr(row, field)) not in ("", ours)]
            if other:
                notes.append(Msg.of(f"match.{field}_differs_monthly_report",
                                    other="”“".join(dict.fromkeys(getattr(row, field).strip() for row in other)),
                                    ours=getattr(r, field).strip(), sheet=sheet_words(other[0]), row=other[0].row))
        if r.arrival_date is not None:
            dated = [row for row in rows if row.arrival_date is not None and row.arrival_date != r.arrival_date]
            if dated:
                notes.append(Msg.of("match.arrival_date_differs_monthly_report",
                                    other="、".join(dict.fromkeys(row.arrival_date.isoformat() for row in dated
                                                                if row.arrival_date is not None)),
                                    ours=r.arrival_date.isoformat(), sheet=sheet_words(dated[0]), row=dated[0].row))
        note = self._months_note(r, found, rows)
        if note is not None:
            notes.append(note)
        return tuple(notes)

    def _months_note(self, r: ArrivalRecord, found: MonthlyReportRecord,
                     rows: list[MonthlyReportRecord] | None) -> Msg | None:
        """Reported only before the month the roster says the person started (入职日期; without one, 首次参保日期,
        a month's grace: insurance often starts the month after arriving), or only after the month they left."""
        started = r.arrival_date if r.arrival_date is not None else r.first_insured_date
        first = None if started is None else _month_index(started) - (0 if r.arrival_date is not None else 1)
        last = None if r.leave_date is None else _month_index(r.leave_date)
        if found.month is not None and (first is None or _month_index(found.month) >= first) and (
                last is None or _month_index(found.month) <= last):
            return None  # the first row found is inside the roster's dates
        months = sorted({row.month for row in (rows or self._rows_of(found)) if row.month is not None})
        if not months:
            return None
        indexes = [_month_index(m) for m in months]
        if first is not None and max(indexes) < first and started is not None:
            field = "arrival_date" if r.arrival_date is not None else "first_insured_date"
            return Msg.of("match.reported_before_start", months=[month_words(m) for m in months],
                          field=Msg.of(f"field.{field}"), date=started.isoformat())
        if last is not None and min(indexes) > last and r.leave_date is not None:
            return Msg.of("match.reported_after_leaving", months=[month_words(m) for m in months],
                          date=r.leave_date.isoformat())
        return None


def _reported_only(unit: str, reports: Sequence[MonthlyReportRecord], first_rows: Mapping[str, MonthlyReportRecord],
                   rostered: Mapping[str, str]) -> tuple[ReportedOnly, ...]:
    """The people of the unit's monthly reports (`first_rows`: each one's first row) on none of its rosters, each
    once, in the reports' order. The reports are gone over only when there is someone (at C speed: 100,000 rows)."""
    missing = first_rows.keys() - rostered.keys()
    if not missing:
        return ()
    found: dict[str, list[MonthlyReportRecord]] = {}
    for row in compress(reports, map(missing.__contains__, map(attrgetter("id_number"), reports))):
        found.setdefault(row.id_number, []).append(row)
    return tuple(ReportedOnly(unit, rows[0], tuple(sorted({row.month for row in rows if row.month is not None})),
                              len(rows)) for rows in found.values())


def _holders(wanted: Collection[str], by_unit: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """ID number -> the units (in their order) whose lists (`by_unit`: a unit's ID numbers as keys) name it, for the
    ID numbers wanted only: one set intersection a unit, at C speed."""
    found: dict[str, list[str]] = {}
    wanted = set(wanted)
    if wanted:
        for unit, ids in by_unit.items():
            for id_number in wanted & ids.keys():
                found.setdefault(id_number, []).append(unit)
    return found


def _rostered_elsewhere(units: list[UnitMatch], rostered: Mapping[str, Mapping[str, str]]) -> list[UnitMatch]:
    """The units with each person only in their monthly reports told which other units' rosters name them
    (`rostered`: each unit's rostered ID numbers); the units themselves when no one is in another's roster."""
    holders = _holders({p.id_number for u in units for p in u.reported_only}, rostered)
    if not holders:
        return units
    return [dataclasses.replace(u, reported_only=tuple(
        dataclasses.replace(p, elsewhere=tuple(holders[p.id_number])) if p.id_number in holders else p
        for p in u.reported_only)) if any(p.id_number in holders for p in u.reported_only) else u
        for u in units]


def _reported_elsewhere(units: list[UnitMatch], unreported: Mapping[str, list[int]],
                        reported: Mapping[str, Mapping[str, Any]]) -> list[UnitMatch]:
    """The people a unit's roster names that its monthly reports do not (`unreported`: their places in the unit's
    people), told which other units' reports name them (a note: the other side of UnitMatch.reported_only); the
    units themselves when none is."""
    holders = _holders({u.people[i].id_number for u in units for i in unreported.get(u.unit, ())}, reported)
    if not holders:
        return units
    out = []
    for u in units:
        named = [i for i in unreported.get(u.unit, ()) if u.people[i].id_number in holders]
        if not named:
            out.append(u)
            continue
        people = list(u.people)
        for i in named:
            people[i] = dataclasses.replace(people[i], notes=people[i].notes + (
                Msg.of("match.reported_by_others", units=holders[people[i].id_number]),))
        out.append(dataclasses.replace(u, people=tuple(people)))
    return out


def _retention_months(rules: RuleSet) -> int:
    """Clause 2.2's "still there after six months", from the rule set."""
    return int(rules.clause_entering("retained").params["retention_months"])


def _reading(rules: RuleSet, name: str) -> Any:
    return rules.readings[name].value if name in rules.readings else READINGS_WHEN_ABSENT[name]


def _merge(submissions: Iterable[UnitSubmission]) -> list[UnitSubmission]:
    merged: dict[str, UnitSubmission] = {}
    for sub in submissions:
        if sub.unit not in merged:
            merged[sub.unit] = sub
            continue
        old = merged[sub.unit]
        bases = old.bases if sub.bases is None else (sub.bases if old.bases is None else tuple(old.bases) + tuple(
            b for b in sub.bases if b.name not in {x.name for x in old.bases}))
        merged[sub.unit] = UnitSubmission(sub.unit, tuple(old.arrivals) + tuple(sub.arrivals),
                                          tuple(old.placements) + tuple(sub.placements),
                                          tuple(old.monthly_reports) + tuple(sub.monthly_reports), bases)
    return list(merged.values())


def _claims(submissions: Sequence[UnitSubmission]) -> dict[str, list[Claim]]:
    """Every claim on a person claimed by more than one unit."""
    if len(submissions) < 2:
        return {}
    first_unit: dict[str, str] = {}
    contested: dict[str, None] = {}  # ordered: conflicts come in a stable order
    for sub in submissions:
        unit = sub.unit
        for records in (sub.arrivals, sub.placements):
            for r in records:
                owner = first_unit.setdefault(r.id_number, unit)
                if owner != unit:
                    contested[r.id_number] = None
    claims: dict[str, list[Claim]] = {i: [] for i in contested}
    if not contested:
        return claims
    for sub in submissions:
        for r in sub.arrivals:
            if r.id_number in contested:
                claims[r.id_number].append(Claim(sub.unit, ARRIVAL, r.name, r.employer, r.base, r.sheet, r.row, r.file))
        for r in sub.placements:
            if r.id_number in contested:
                kind = TRAINEE if r.placement_type == "trainee" else INTERN
                claims[r.id_number].append(Claim(sub.unit, kind, r.name, r.employer, r.base, r.sheet, r.row, r.file))
    return claims


class _Bases:
    """Resolves the base a person names against the unit's bases (when known)."""

    def __init__(self, bases: Sequence[Base] | None):
        self.known = bases is not None
        self.by_type: dict[str, dict[str, str]] = {"labour": {}, "school": {}}
        for base in bases or ():
            self.by_type.setdefault(base.type, {})[_base_key(base.name)] = base.name
        self.cache: dict[str, dict[str, tuple[str, Msg | None]]] = {"labour": {}, "school": {}}

    def resolve(self, written: str, base_type: str) -> tuple[str, Msg | None]:
        hit = self.cache[base_type].get(written)
        if hit is None:
            hit = self.cache[base_type][written] = self._resolve(written, base_type)
        return hit

    def _resolve(self, written: str, base_type: str) -> tuple[str, Msg | None]:
        if not self.known:
            return written, None
        names = self.by_type.get(base_type, {})
        type_label = Msg.of(f"match.base_type_{base_type}")
        if not written:
            if len(names) == 1:
                return next(iter(names.values())), None
            return "", Msg.of("match.base_missing", type=type_label, count=len(names))
        name = names.get(_base_key(written))
        if name is None:
            return written, Msg.of("match.base_unknown", base=written, type=type_label)
        return name, None


def base_type_of(record: ArrivalRecord | PlacementRecord) -> str:
    """The type of base a roster's person counts under: an arrival a labour base, a trainee or intern a school base."""
    return "labour" if isinstance(record, ArrivalRecord) else "school"


def rows_naming_unregistered_bases(records: Sequence[ArrivalRecord | PlacementRecord], bases: Sequence[Base],
                                   source: str, headers: Mapping[str, str], rows_quoted: int = 10,
                                   sheets_without_base: Collection[str] = ()) -> tuple[Problem, ...]:
    """A note per base name, as written in a checked roster, that is none of the unit's registered bases of
    its type (an arrival names a labour base, a trainee or intern a school base), and one for the rows naming
    no base when the unit has not exactly one base of their type (_Bases.resolve): how many rows, which
    (the first `rows_quoted`), at the first of them under the base column's header of its sheet (headers).
    Those people import but count under no base until the base is registered or the name corrected or
    filled in, so the assessor is told before importing. Rows of a sheet without a base column
    (`sheets_without_base`) are told apart: no cell of theirs names a base to correct."""
    resolver = _Bases(bases)
    found: dict[tuple[str, str, bool], list[ArrivalRecord | PlacementRecord]] = {}
    for r in records:
        base_type = base_type_of(r)
        if resolver.resolve(r.base, base_type)[1] is not None:
            found.setdefault((r.base, base_type, not r.base and r.sheet in sheets_without_base), []).append(r)
    notes = []
    for (base, base_type, no_column), rows in found.items():
        shown = "、".join(str(r.row) for r in rows[:rows_quoted]) + ("等" if len(rows) > rows_quoted else "")
        type_label = Msg.of(f"match.base_type_{base_type}")
        registered = len(resolver.by_type.get(base_type, {}))
        if no_column:
            msg = Msg.of("match.rows_base_no_column", sheet=rows[0].sheet, type=type_label, count=len(rows),
                         rows=shown, bases=registered)
        elif base:
            msg = Msg.of("match.rows_base_unregistered", base=base, type=type_label, count=len(rows), rows=shown,
                         base_type=base_type)
        else:
            msg = Msg.of("match.rows_base_missing", type=type_label, count=len(rows), rows=shown, bases=registered,
                         base="", base_type=base_type)
        notes.append(Problem(source, f"{rows[0].sheet}!{rows[0].row}", headers.get(rows[0].sheet, ""), msg))
    return tuple(notes)


# ------------------------------------------------------------------ matching

def match(rules: RuleSet, submissions: Iterable[UnitSubmission],
          traineeship_list: Iterable[TraineeListRecord] = (),
          assignments: Mapping[str, str] | None = None, *, retention_months: int | None = None) -> MatchResult:
    """Confirm every person every unit claims; counts per unit and per base; the conflicts."""
    subs = _merge(submissions)
    assignments = dict(assignments or {})
    needed = retention_months if retention_months is not None else _retention_months(rules)
    count_for_none = bool(_reading(rules, "conflicting_claims_count_for_none"))
    both_days = _reading(rules, "months_counting") == "both_days"
    start, end = rules.period_start, rules.period_end
    period = dict(start=start.isoformat(), end=end.isoformat())
    district: dict[str, TraineeListRecord] = {}
    district_rows = list(traineeship_list)
    for entry in district_rows:
        district.setdefault(entry.id_number, entry)
    district_names = _OtherNames(district_rows, "match.name_differs_district_list", len(district) == len(district_rows))

    claims = _claims(subs)
    problems = []
    conflicts = []
    unit_names = {s.unit for s in subs}
    for id_number, assigned in assignments.items():
        if id_number in claims:
            if assigned not in {c.unit for c in claims[id_number]}:
                problems.append(Problem("assignments", id_number, "", Msg.of(
                    "match.assignment_not_a_claimant", unit=assigned,
                    claimants=list(dict.fromkeys(c.unit for c in claims[id_number])))))
        elif assigned not in unit_names:
            problems.append(Problem("assignments", id_number, "", Msg.of("match.assignment_unknown_unit",
                                                                          unit=assigned)))
    for id_number, its_claims in claims.items():
        assigned = assignments.get(id_number)
        if assigned not in {c.unit for c in its_claims}:
            assigned = None
        conflicts.append(Conflict(id_number, its_claims[0].name, tuple(its_claims), assigned))
    conflict_of = {c.id_number: c for c in conflicts}

    not_in_reports = Msg.of("match.not_in_monthly_reports")
    not_on_list = Msg.of("match.not_on_district_list")
    insured_missing = Msg.of("match.first_insured_missing")
    start_missing = Msg.of("match.internship_start_missing")
    months_unknown = (Msg.of("match.months_unknown", required=needed),)
    assigned_here = (Msg.of("match.assigned_here"),)
    duplicate = {k: Msg.of("match.duplicate_in_unit", kind=Msg.of(f"match.kind_{k}")) for k in (ARRIVAL, TRAINEE, INTERN)}
    months_short = {m: (Msg.of("match.months_short", months=m, required=needed),) for m in range(needed)}
    out_cache: dict[tuple[str, dt.date], Msg] = {}

    def out_of_period(code: str, day: dt.date) -> Msg:
        msg = out_cache.get((code, day))
        if msg is None:
            msg = out_cache[(code, day)] = Msg.of(code, date=day.isoformat(), **period)
        return msg

    def conflict_reasons(id_number: str, unit: str) -> tuple[list[Msg], tuple[Msg, ...]]:
        conflict = conflict_of.get(id_number)
        if conflict is None or not count_for_none:
            return [], ()
        if conflict.assigned_to is None:
            others = [c.text for c in conflict.claims if c.unit != unit]
            return [Msg.of("match.conflict", others=others)], ()
        if conflict.assigned_to != unit:
            return [Msg.of("match.assigned_elsewhere", unit=conflict.assigned_to)], ()
        return [], assigned_here

    units = []
    rostered_ids: dict[str, dict[str, str]] = {}  # each unit's rostered ID numbers
    reported_ids: dict[str, Mapping[str, MonthlyReportRecord]] = {}  # each unit's reported ID numbers
    unreported: dict[str, list[int]] = {}
    with gc_paused():
        for sub in subs:
            unit = sub.unit
            monthly = {r.id_number: r for r in sub.monthly_reports}  # a row of each person reported
            monthly_names = _OtherNames(sub.monthly_reports, "match.name_differs_monthly_report",
                                        len(monthly) == len(sub.monthly_reports))
            monthly_differs = _ReportDiffers(sub.monthly_reports, len(monthly) == len(sub.monthly_reports))
            bases = _Bases(sub.bases)
            resolve, resolved_base = bases.resolve, bases.cache
            # per base: people, retained, and of those the trainees and the retained trainees
            counts: dict[tuple[str, str], list[int]] = {(b.name, b.type): [0, 0, 0, 0] for b in (sub.bases or ())}
            seen: dict[str, str] = {}
            unreported_here: list[int] = []  # the places in `people` of those its reports do not name
            unreported[unit] = unreported_here
            people: list[tuple] = []
            tallies = {ARRIVAL: [0, 0], TRAINEE: [0, 0], INTERN: [0, 0]}
            records: Iterable[ArrivalRecord | PlacementRecord]
            for records in (sub.arrivals, sub.placements):
                for r in records:
                    id_number = r.id_number
                    reasons, notes = conflict_reasons(id_number, unit) if conflict_of else ([], ())
                    if isinstance(r, ArrivalRecord):
                        kind, base_type = ARRIVAL, "labour"
                        reported = monthly.get(id_number)
                        if reported is None:
                            reasons.append(not_in_reports)
                            unreported_here.append(len(people))
                        else:
                            if reported.name != r.name and (other := monthly_names.note(r.name, reported)):
                                notes = notes + (other,)
                            # a person's one report row agreeing throughout (most people) needs no call: month 1st
                            # on or after the start (a start later in that month is weighed by notes())
                            started = r.arrival_date or r.first_insured_date
                            if not (monthly_differs.one_row_each
                                    and reported.employer == r.employer and reported.base == r.base
                                    and reported.arrival_date == r.arrival_date and r.leave_date is None
                                    and started is not None and reported.month is not None
                                    and reported.month >= started):
                                differs = monthly_differs.notes(r, reported)
                                if differs:
                                    notes = notes + differs
                        insured = r.first_insured_date
                        if insured is None:
                            reasons.append(insured_missing)
                        elif not (start <= insured <= end):
                            reasons.append(out_of_period("match.first_insured_out_of_period", insured))
                        months, capped = months_held(r.insured_months, insured, r.leave_date, both_days=both_days)
                        if capped is not None:
                            notes = notes + (capped,)
                    else:
                        kind, base_type = (TRAINEE if r.placement_type == "trainee" else INTERN), "school"
                        months, capped = months_held(r.placement_months, r.start_date, r.end_date, both_days=both_days)
                        if kind == TRAINEE:
                            listed = district.get(id_number)
                            if listed is None:
                                reasons.append(not_on_list)
                            else:
                                if listed.name != r.name and (other := district_names.note(r.name, listed)):
                                    notes = notes + (other,)
                                if listed.placement_months is not None or (
                                        listed.start_date is not None and listed.end_date is not None):
                                    # the district's list decides a trainee's months
                                    months, capped = months_held(listed.placement_months, listed.start_date,
                                                                 listed.end_date, both_days=both_days)
                        elif r.start_date is None:
                            reasons.append(start_missing)
                        elif not (start <= r.start_date <= end):
                            reasons.append(out_of_period("match.internship_out_of_period", r.start_date))
                        if capped is not None:
                            notes = notes + (capped,)
                    if id_number in seen:  # a second claim of the same unit on the same person
                        reasons.append(duplicate[seen[id_number]])
                    else:
                        seen[id_number] = kind
                    resolved = resolved_base[base_type].get(r.base)
                    base, base_problem = resolved if resolved is not None else resolve(r.base, base_type)
                    if base_problem is not None:
                        reasons.append(base_problem)
                    confirmed = not reasons
                    retained = False
                    retention_reasons = ()
                    if confirmed:
                        if months is None:
                            retention_reasons = months_unknown
                        elif months < needed:
                            retention_reasons = months_short.get(months) or (
                                Msg.of("match.months_short", months=months, required=needed),)
                        else:
                            retained = True
                    people.append((unit, kind, r, base, confirmed, retained, months, tuple(reasons),
                                   retention_reasons, notes))
                    if confirmed:
                        tally = tallies[kind]
                        count = counts.get((base, base_type))
                        if count is None:
                            count = counts[(base, base_type)] = [0, 0, 0, 0]
                        tally[0] += 1
                        count[0] += 1
                        if kind == TRAINEE:
                            count[2] += 1
                        if retained:
                            tally[1] += 1
                            count[1] += 1
                            if kind == TRAINEE:
                                count[3] += 1
            people = frozen_records(PersonVerdict, list(zip(*people)), len(people))
            rostered = bool(sub.arrivals or sub.placements)
            reported_only = _reported_only(unit, sub.monthly_reports, monthly, seen) if monthly else ()
            rostered_ids[unit] = seen
            reported_ids[unit] = monthly
            units.append(UnitMatch(
                unit, tuple(people),
                tuple(BaseCount(name, base_type, n, s, tn, ts) for (name, base_type), (n, s, tn, ts) in counts.items()),
                tallies[ARRIVAL][0], tallies[ARRIVAL][1],
                tallies[TRAINEE][0] + tallies[INTERN][0], tallies[TRAINEE][1] + tallies[INTERN][1],
                reported_only, rostered))
    units = _reported_elsewhere(_rostered_elsewhere(units, rostered_ids), unreported, reported_ids)
    return MatchResult(tuple(units), tuple(conflicts), tuple(problems), needed)


def apply_counts(unit: Unit, unit_match: UnitMatch, *, roster_bases_only: bool = False) -> Unit:
    """The unit with the matched counts in place of the hand-entered Base.people / Base.retained
    (and of a school base the trainees among them, the people judged TRAINEE; the rest are interns)
    of every base the match counted (bases the match does not know keep their figures); those
    bases say so (count_source). roster_bases_only: only the bases whose count_source already is
    the rosters (the assessor's choice, stored in the dataset) take the matched counts."""
    counted = {(b.base, b.type): b for b in unit_match.bases}
    bases = []
    for base in unit.bases:
        found = counted.get((base.name, base.type))
        if found is None or (roster_bases_only and base.count_source != COUNTS_FROM_ROSTERS):
            bases.append(base)
        else:
            school = base.type == "school"
            bases.append(dataclasses.replace(base, people=found.people, retained=found.retained,
                                             trainees=found.trainees if school else None,
                                             trainees_retained=found.trainees_retained if school else None,
                                             count_source=COUNTS_FROM_ROSTERS))
    return dataclasses.replace(unit, bases=tuple(bases))
