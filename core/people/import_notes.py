"""What a checked workbook means for the year before it is imported: rows that import without a problem
but will count for nothing as the year stands (a platform row naming no unit of the year, a roster row
naming a base its unit has not registered), as notes the assessor reads before importing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from core.common.messages import Msg
from core.common.problems import Problem
from core.people.matching import rows_naming_unregistered_bases
from core.people.platform import DELIVERIES_KIND, RATINGS_KIND, rows_naming_no_unit
from core.people.table_names import ROSTER_KINDS
from core.scoring.facts import Base


class SheetLayout(Protocol):
    """A sheet as core.excel.read recognised it (core.excel reads people's records: not imported here)."""
    @property
    def sheet(self) -> str: ...

    def column(self, field_id: str) -> Any: ...


@dataclass(frozen=True)
class YearNotes:
    """The notes, and how many rows of the file they say will count for nothing."""
    notes: tuple[Problem, ...] = ()
    rows: int = 0

    @property
    def summary(self) -> Msg | None:
        """One sentence for the preview's verdict, None when every row counts."""
        if not self.rows:
            return None
        return Msg.of("import_notes.platform_rows" if self.kind == "platform" else "import_notes.roster_rows",
                      rows=self.rows)

    @property
    def kind(self) -> str:
        return "platform" if self.notes and self.notes[0].message.code.startswith("platform.") else "roster"


def _headers(layouts: Sequence[SheetLayout], field: str) -> dict[str, str]:
    return {layout.sheet: column.header for layout in layouts if (column := layout.column(field)) is not None}


def year_notes(kind: str, records: Sequence, layouts: Sequence[SheetLayout], source: str,
               unit_names: Sequence[str], bases: Sequence[Base] | None) -> YearNotes:
    """The notes for the checked records of a workbook of `kind` (core.people.records), the year's unit
    names in hand and, for a unit's roster, that unit's registered bases (None: not a unit's file)."""
    if kind in (DELIVERIES_KIND, RATINGS_KIND):
        notes = rows_naming_no_unit(records, unit_names, source, _headers(layouts, "unit"))
        return YearNotes(notes, len(notes))
    if kind in ROSTER_KINDS and bases is not None:
        notes = rows_naming_unregistered_bases(records, bases, source, _headers(layouts, "base"))
        return YearNotes(notes, sum(n.message.param("count") for n in notes))
    return YearNotes()
