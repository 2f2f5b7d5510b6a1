"""Read a workbook handed in by a unit into header-recognised sheets, ready for core/excel/check.py.

What each kind of workbook must contain, and the header texts that mean each column, are data:
`resources/excel/import-kinds.toml`. Headers may sit on any of the first rows (titles and merged
title rows above them are skipped, a two-row header is read as one), columns may come in any
order, and a caller may pass an explicit column mapping (what a mapping dialog returns) that
overrides recognition.

Reading never raises on a bad file: a wrong file type, an encrypted or corrupted workbook, an
empty workbook or a layout that cannot be recognised each come back as a Problem (the last one
with the headers found and the fields missing, so the desktop can open a mapping dialog).
Exceptions are kept for faults of the program (an unknown kind, a broken resource file).

python-calamine reads the cells (about ten times faster than openpyxl's reader); openpyxl is used
only when calamine cannot read a workbook that is a valid zip archive.

This module puts the parts together: the kinds as data (core/excel/kinds.py), the file's cells
(core/excel/readers.py), each sheet's header and columns understood (core/excel/layout.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.common.bulk import gc_paused
from core.common.messages import Msg
from core.common.problems import Problem
from core.excel.kinds import import_spec
from core.excel.layout import SheetLayout, SheetTable, UnitLine, column_letter, header_text, recognise_layout, unit_line
from core.excel.limits import HiddenParts
from core.excel.readers import Unreadable, read_cells

# A mapping value: the header text as written in the file, or a 1-based column number.
ColumnMapping = Mapping[str, "str | int"]


# ------------------------------------------------------------------ results

@dataclass(frozen=True)
class ReadResult:
    source: str
    kind: str
    tables: tuple[SheetTable, ...] = ()
    layouts: tuple[SheetLayout, ...] = ()  # every non-empty sheet, recognised or not
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()  # worth showing, but nothing is wrong
    reader: str = ""  # "calamine" or "openpyxl"
    unit_lines: tuple[UnitLine, ...] = ()  # of the recognised sheets of a unit's kind

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def needs_mapping(self) -> bool:
        """True when the layout was not recognised: the desktop should offer a column mapping."""
        return any(p.message.code == "excel.layout_unrecognised" for p in self.problems)


def _is_blank_grid(grid: Sequence[list]) -> bool:
    return all(v == "" or v is None for row in grid for v in row)


# ------------------------------------------------------------------ the entry point

def read_workbook(path: str | Path, kind: str, *, mapping: ColumnMapping | None = None,
                  header_row: int | None = None, sheets: Sequence[str] | None = None,
                  each_table: Callable[[SheetTable], None] | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ReadResult:
    """Read a workbook of the given import kind.

    mapping     field id -> header text as written (or 1-based column number); overrides recognition
    header_row  Excel row number of the header row, when the caller knows it
    sheets      read only these sheets (default: every worksheet)
    each_table  given some of the recognised tables, in order, as soon as their sheets are read (while
                the next ones are): the same objects as in the result's tables, if they are there; a large
                sheet read in pieces is given as soon as its first pieces are, and again each time its grid
                has grown
    cancelled   asked between sheets (and pieces, and a thousand rows of the slow reader): ReadCancelled
                when it says so
    progress    told (done, total) as the sheets (and pieces) are read
    """
    spec = import_spec()
    kind_spec = spec.kind(kind)
    source = Path(path).name
    problems: list[Problem] = []
    notes: list[Problem] = []
    for field_id in (mapping or {}):
        if field_id not in kind_spec.fields:
            problems.append(Problem(source, "", field_id, Msg.of("excel.mapping_unknown_field", kind=kind_spec.label,
                                                                 known=[spec.fields[f].label for f in kind_spec.fields])))
    if problems:
        return ReadResult(source, kind, problems=tuple(problems))
    understood: dict[int, tuple[list[list], SheetLayout, list[tuple[int, str, str]], SheetTable | None]] = {}
    scan = header_row or spec.header_scan_rows
    growing: set[int] = set()  # grids understood before they were whole (a large sheet read in pieces)

    def understand(name: str, grid: list[list], whole: bool) -> None:  # each sheet's layout, once
        if sheets is not None and name not in sheets:
            return
        found = understood.get(id(grid))
        if found is not None:  # the sheet's grid grown since: its table again, for the rows added
            if found[3] is not None and each_table is not None:
                each_table(found[3])
            return
        if (not whole and len(grid) < scan) or _is_blank_grid(grid):  # the header may be in rows still to come
            return
        if not whole:
            growing.add(id(grid))
        layout, duplicates = recognise_layout(name, grid, kind_spec, spec, mapping, header_row)
        table = SheetTable(layout, grid, frozenset(hidden_parts.rows.get(name, ()))) if layout.recognised else None
        understood[id(grid)] = grid, layout, duplicates, table
        if table is not None and each_table is not None:
            each_table(table)

    hidden: list[str] = []
    hidden_parts = HiddenParts()
    try:
        with gc_paused():
            all_sheets, reader = read_cells(path, understand if each_table is not None else None, cancelled,
                                            progress, hidden, hidden_parts)
    except Unreadable as exc:
        return ReadResult(source, kind, problems=(Problem(source, exc.sheet, "", exc.msg),))
    # a hidden sheet is not what the unit's clerk sees and hands in (a last year's list, a draft): not read,
    # and said, so the assessor can have it unhidden when its people belong to the file
    notes += [Problem(source, "", "", Msg.of("excel.sheet_hidden", sheet=name))
              for name in hidden if sheets is None or name in sheets]
    if sheets is not None:
        missing_sheets = [s for s in sheets if s not in {name for name, _ in all_sheets} and s not in hidden]
        for name in missing_sheets:
            problems.append(Problem(source, name, "", Msg.of("excel.sheet_not_found")))
        all_sheets = [(name, grid) for name, grid in all_sheets if name in sheets]
    non_empty = [(name, grid) for name, grid in all_sheets if not _is_blank_grid(grid)]
    if not non_empty:
        problems.append(Problem(source, "", "", Msg.of("excel.empty")))
        return ReadResult(source, kind, problems=tuple(problems), notes=tuple(notes), reader=reader)
    tables, layouts = [], []
    for name, grid in non_empty:
        found = understood.get(id(grid))
        if (found is not None and found[0] is grid and id(grid) in growing  # understood from its first rows:
                and recognise_layout(name, grid, kind_spec, spec, mapping, header_row) != found[1:3]):  # not whole?
            found = None
        if found is None or found[0] is not grid:
            layout, duplicates = recognise_layout(name, grid, kind_spec, spec, mapping, header_row)
            table = SheetTable(layout, grid, frozenset(hidden_parts.rows.get(name, ()))) if layout.recognised else None
        else:
            _, layout, duplicates, table = found
        layouts.append(layout)
        if table is not None:
            tables.append(table)
            for c, field_id, used in duplicates:
                notes.append(Problem(source, f"{name}!{layout.header_row}", header_text(grid[layout.header_row - 1][c])
                                     or column_letter(c),
                                     Msg.of("excel.duplicate_column", field=spec.fields[field_id].label,
                                            used=layout.column(field_id).header or column_letter(used))))
            out_of_sight = set(hidden_parts.columns.get(name, ()))
            notes += [Problem(source, f"{name}!{layout.header_row}", c.header or column_letter(c.index),
                              Msg.of("excel.column_hidden", column=column_letter(c.index)))
                      for c in layout.columns if c.index in out_of_sight]
    for layout in layouts:
        if layout.recognised:
            continue
        msg = Msg.of("excel.layout_unrecognised" if not tables else "excel.sheet_skipped",
                     kind=kind_spec.label, rows=scan,
                     missing=[spec.fields[f].label for f in layout.missing],
                     headers=[h for _, h in layout.headers][:30])
        (problems if not tables else notes).append(Problem(source, layout.sheet, "", msg))
    if tables and not any(t.data_rows for t in tables):
        problems.append(Problem(source, tables[0].sheet, "", Msg.of("excel.no_rows")))
    lines = () if kind_spec.scope == "year" else tuple(
        line for t in tables if (line := unit_line(t, spec.unit_line_words)) is not None)
    return ReadResult(source, kind, tuple(tables), tuple(layouts), tuple(problems), tuple(notes), reader, lines)
