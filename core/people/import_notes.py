"""What a checked workbook means for the year before it is imported: rows that import without a problem
but will count for nothing as the year stands (a platform row naming no unit of the year, a roster row
naming a base its unit has not registered, or none when the unit has several), as notes the assessor reads
before importing; and a form whose unit line names another unit than the one imported into, which the
assessor must confirm before importing."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from core.common.messages import Msg
from core.common.problems import Problem
from core.people.matching import name_key, rows_naming_unregistered_bases
from core.people.platform import DELIVERIES_KIND, RATINGS_KIND, rows_naming_no_unit
from core.people.table_names import ROSTER_KINDS
from core.scoring.facts import Base


class SheetLayout(Protocol):
    """A sheet as core.excel.read recognised it (core.excel reads people's records: not imported here)."""
    @property
    def sheet(self) -> str: ...

    def column(self, field_id: str) -> Any: ...


class UnitLine(Protocol):
    """The unit a form names above its header, as core.excel.read found it."""
    @property
    def sheet(self) -> str: ...

    @property
    def cell(self) -> str: ...

    @property
    def written(self) -> str: ...


@dataclass(frozen=True)
class YearNotes:
    """The notes, how many rows of the file they say will count for nothing, and the forms naming another unit
    than the one imported into (the assessor says yes before such a file is imported)."""
    notes: tuple[Problem, ...] = ()
    rows: int = 0
    other_unit: tuple[Problem, ...] = ()
    other_names: tuple[Problem, ...] = ()  # rows whose ID number the unit's roster gives another name: they count

    @property
    def all(self) -> tuple[Problem, ...]:
        """Every note, in the order the preview lists them."""
        return self.other_unit + self.notes + self.other_names

    @property
    def summary(self) -> Msg | None:
        """One sentence for the preview's verdict, None when every row counts."""
        if not self.rows:
            return Msg.of("import_notes.names_differ", rows=len(self.other_names)) if self.other_names else None
        return Msg.of("import_notes.platform_rows" if self.kind == "platform" else "import_notes.roster_rows",
                      rows=self.rows)

    @property
    def renamable(self) -> tuple[tuple[Problem, str, str], ...]:
        """The notes on rows naming a base the unit has not registered, or none: (the note, the base as the
        rows write it, "" for none, and its type), for the assessor to give those rows a registered base."""
        return tuple((n, n.message.param("base"), n.message.param("base_type")) for n in self.notes
                     if n.message.code in ("match.rows_base_unregistered", "match.rows_base_missing"))

    @property
    def kind(self) -> str:
        return "platform" if self.notes and self.notes[0].message.code.startswith("platform.") else "roster"


def _headers(layouts: Sequence[SheetLayout], field: str) -> dict[str, str]:
    return {layout.sheet: column.header for layout in layouts if (column := layout.column(field)) is not None}


def same_unit_name(a: str, b: str) -> bool:
    """Two ways of writing a unit's name are the same name: full-width or half-width, spaces anywhere."""
    def key(name: str) -> str:
        return "".join(unicodedata.normalize("NFKC", name).split()).casefold()
    return key(a) == key(b)


def other_unit_notes(unit_lines: Sequence[UnitLine], unit: str, source: str) -> tuple[Problem, ...]:
    """A sentence for each form whose unit line names another unit than `unit`, the one imported into."""
    return tuple(Problem(source, "", "", Msg.of("import_notes.other_unit", sheet=line.sheet, cell=line.cell,
                                                written=line.written, chosen=unit))
                 for line in unit_lines if not same_unit_name(line.written, unit))


def rows_naming_another_person(records: Sequence[Any], roster_names: Mapping[str, str], source: str,
                               headers: Mapping[str, str]) -> tuple[Problem, ...]:
    """A note for each row of a unit's monthly reports whose ID number the unit's roster gives another name
    (spaces aside): one of the two was typed wrong. The person counts all the same: the ID number is the
    key (rules-2022.md 2.1), as 人员核对 says after importing."""
    notes = []
    for r in records:
        named = roster_names.get(r.id_number)
        if named is not None and name_key(named) != name_key(r.name):
            notes.append(Problem(source, f"{r.sheet}!{r.row}", headers.get(r.sheet, ""),
                                 Msg.of("import_notes.name_differs", name=r.name, roster_name=named)))
    return tuple(notes)


def year_notes(kind: str, records: Sequence, layouts: Sequence[SheetLayout], source: str,
               unit_names: Sequence[str], bases: Sequence[Base] | None, unit: str | None = None,
               unit_lines: Sequence[UnitLine] = (), roster_names: Mapping[str, str] | None = None) -> YearNotes:
    """The notes for the checked records of a workbook of `kind` (core.people.records), the year's unit
    names in hand and, for a unit's roster, that unit's registered bases (None: not a unit's file); `unit`,
    the unit imported into, is compared with the unit each form names (`unit_lines`); a unit's monthly
    reports, with the names its rosters give each ID number (`roster_names`)."""
    other = other_unit_notes(unit_lines, unit, source) if unit is not None else ()
    if kind == "monthly_reports" and roster_names:
        return YearNotes(other_unit=other, other_names=rows_naming_another_person(
            records, roster_names, source, _headers(layouts, "name")))
    if kind in (DELIVERIES_KIND, RATINGS_KIND):
        notes = rows_naming_no_unit(records, unit_names, source, _headers(layouts, "unit"))
        return YearNotes(notes, len(notes), other)
    if kind in ROSTER_KINDS and bases is not None:
        notes = rows_naming_unregistered_bases(
            records, bases, source, _headers(layouts, "base"),
            sheets_without_base={layout.sheet for layout in layouts if layout.column("base") is None})
        return YearNotes(notes, sum(n.message.param("count") for n in notes), other)
    return YearNotes(other_unit=other)
