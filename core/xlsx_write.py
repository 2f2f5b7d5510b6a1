"""Excel out: the six annex forms of the rules (附件1–6) laid out as official forms, and the year's
summary workbook for the bureau.

Every form has its title, the unit and the year filled in, header rows, thin borders, column
widths, A4 print setup with the header rows repeated on every page, and the signature/stamp
lines the form needs. Forms with people (附件2, 附件4) and the statistics (附件5) are filled from
records; the others are blank for hand filling. The rosters' headers are ones the importer
recognises, so a filled-in form can be read back.

ID numbers are masked (first 6 and last 4 characters shown) in every export unless the caller
passes show_full_id_numbers=True, which the desktop offers only behind an explicit option.
All texts come from the message catalogue (resources/messages/zh_CN.toml).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.engine import YearResult
from core.identifiers import mask_id_like, mask_id_number
from core.facts import Unit
from core.matching import BaseCount, PersonVerdict, UnitMatch
from core.messages import Msg, render
from core.rules import RuleSet

FONT_NAME = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
PROVISIONAL_FILL = PatternFill("solid", fgColor="FFF2CC")
DATE_FORMAT = "yyyy-mm-dd"
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def t(code: str, **params: Any) -> str:
    return render(Msg.of(code, **params))


def shown_id(id_number: str, show_full: bool) -> str:
    return id_number if show_full else mask_id_number(id_number)


@dataclass(frozen=True)
class FormColumn:
    header: str  # message code of the header text
    width: float  # characters
    value: Callable[[Any], Any] | None = None  # from one record; None: left blank


# ------------------------------------------------------------------ the common form layout

def _page_setup(ws: Worksheet, header_rows: str, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as needed, one page wide
    ws.print_title_rows = header_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.oddFooter.center.text = t("form.page_footer")


def _merged_line(ws: Worksheet, row: int, first: int, last: int, text: str, *, size: int = 11,
                 bold: bool = False, align: Alignment = LEFT, height: float | None = None) -> None:
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = ws.cell(row=row, column=first, value=text)
    cell.font = Font(name=FONT_NAME, size=size, bold=bold)
    cell.alignment = align
    if height:
        ws.row_dimensions[row].height = height


def _boxed(ws: Worksheet, row: int, column: int, value: Any, *, header: bool = False,
           align: Alignment = CENTER, number_format: str | None = None) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    cell.border = BORDER
    cell.alignment = align
    cell.font = Font(name=FONT_NAME, size=11 if header else 10, bold=header)
    if header:
        cell.fill = HEADER_FILL
    if number_format:
        cell.number_format = number_format


def _form_head(ws: Worksheet, annex: int, width: int, rules: RuleSet, unit: str, year: int | None) -> int:
    """附件N, the title, the unit and year line. Returns the next free row."""
    _merged_line(ws, 1, 1, 2, t("annex.label", number=annex), size=12, bold=True)
    _merged_line(ws, 2, 1, width, t(f"annex.{annex}.title"), size=16, bold=True, align=CENTER, height=32)
    half = max(1, width // 2)
    _merged_line(ws, 3, 1, half, t("form.unit_line", unit=unit or ""), height=22)
    _merged_line(ws, 3, half + 1, width, t("form.year_line", year=year or rules.year), height=22,
                 align=Alignment(horizontal="right", vertical="center"))
    return 4


def _table(ws: Worksheet, row: int, columns: Sequence[FormColumn], records: Sequence[Any],
           blank_rows: int, show_full: bool = False) -> int:
    """Header row plus one bordered row per record (or blank_rows empty ones). Returns the next row.
    Unless `show_full`, an ID number typed into any text (a remark, a name cell) is masked too."""
    for c, column in enumerate(columns, start=1):
        _boxed(ws, row, c, t(column.header), header=True)
        ws.column_dimensions[get_column_letter(c)].width = column.width
    ws.row_dimensions[row].height = 30
    header_row = row
    rows = max(len(records), 0 if records else blank_rows)
    for i in range(rows):
        r = header_row + 1 + i
        record = records[i] if i < len(records) else None
        for c, column in enumerate(columns, start=1):
            if column.header == "form.col.seq":
                value = i + 1
            elif record is not None and column.value is not None:
                value = column.value(record)
                if isinstance(value, str) and not show_full:
                    value = mask_id_like(value)
            else:
                value = None
            fmt = DATE_FORMAT if isinstance(value, dt.date) else None
            _boxed(ws, r, c, value, align=LEFT if isinstance(value, str) and len(value) > 8 else CENTER,
                   number_format=fmt)
        ws.row_dimensions[r].height = 20
    return header_row + 1 + rows


def _footer(ws: Worksheet, row: int, width: int, lines: Sequence[str]) -> int:
    row += 1
    for text in lines:
        _merged_line(ws, row, 1, width, text, height=26)
        row += 1
    return row


def _new_sheet(title_code: str) -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    ws.title = t(title_code)
    return wb, ws


def _save(wb: Workbook, path: str | Path) -> Path:
    path = Path(path)
    wb.save(path)
    return path


# ------------------------------------------------------------------ the six annexes

def _person(record: Any) -> Any:
    return record.record if isinstance(record, PersonVerdict) else record


def _arrival_columns(show_full: bool) -> list[FormColumn]:
    return [
        FormColumn("form.col.seq", 6),
        FormColumn("form.col.name", 10, lambda p: _person(p).name),
        FormColumn("form.col.gender", 6, lambda p: _person(p).gender or None),
        FormColumn("form.col.id_number", 22, lambda p: shown_id(_person(p).id_number, show_full)),
        FormColumn("form.col.labour_base", 16, lambda p: (p.base if isinstance(p, PersonVerdict) else p.base) or None),
        FormColumn("form.col.employer", 24, lambda p: _person(p).employer),
        FormColumn("form.col.arrival_date", 12, lambda p: _person(p).arrival_date),
        FormColumn("form.col.first_insured_date", 12, lambda p: _person(p).first_insured_date),
        FormColumn("form.col.insured_months", 9, lambda p: _person(p).insured_months),
        FormColumn("form.col.phone", 14, lambda p: _person(p).phone or None),
        FormColumn("form.col.remarks", 12),
    ]


def _placement_columns(show_full: bool) -> list[FormColumn]:
    return [
        FormColumn("form.col.seq", 6),
        FormColumn("form.col.name", 10, lambda p: _person(p).name),
        FormColumn("form.col.gender", 6, lambda p: _person(p).gender or None),
        FormColumn("form.col.id_number", 22, lambda p: shown_id(_person(p).id_number, show_full)),
        FormColumn("form.col.school", 18, lambda p: (p.base if isinstance(p, PersonVerdict) else p.base) or None),
        FormColumn("form.col.placement_type", 9,
                   lambda p: t(f"form.placement_{_person(p).placement_type}")),
        FormColumn("form.col.employer", 24, lambda p: _person(p).employer),
        FormColumn("form.col.start_date", 12, lambda p: _person(p).start_date),
        FormColumn("form.col.end_date", 12, lambda p: _person(p).end_date),
        FormColumn("form.col.placement_months", 10, lambda p: _person(p).placement_months),
        FormColumn("form.col.phone", 14, lambda p: _person(p).phone or None),
        FormColumn("form.col.remarks", 12),
    ]


ANNEX_PEOPLE = {2: ("arrival",), 4: ("trainee", "intern")}  # the forms that list people, and whom


def annex_inputs(annex: int, unit: Unit, unit_match: UnitMatch | None) -> tuple[list[PersonVerdict], list[BaseCount]]:
    """What form `annex` of one unit is filled from: forms 2 and 4 list the confirmed people of the
    imported rosters (arrivals; trainees and interns), form 5 the counts per base as scored (matched
    from the rosters or typed, per base). Without imported rosters forms 2 and 4 stay blank."""
    wanted = ANNEX_PEOPLE.get(annex, ())
    people = [p for p in (unit_match.people if unit_match is not None else ()) if p.confirmed and p.kind in wanted]
    return people, [BaseCount(b.name, b.type, b.people, b.retained) for b in unit.bases]


def annex_form(annex: int, path: str | Path, rules: RuleSet, unit: str, *, year: int | None = None,
               records: Sequence[Any] = (), counts: Sequence[BaseCount] = (),
               show_full_id_numbers: bool = False, blank_rows: int = 15) -> Path:
    """Write annex form `annex` (1–6) for `unit`.

    records  附件2: ArrivalRecord or PersonVerdict (arrivals); 附件4: PlacementRecord or PersonVerdict
    counts   附件5: the matched counts per base (core.matching.BaseCount)
    Forms without records get `blank_rows` empty ruled rows for hand filling.
    """
    writers = {1: _annex1, 2: _annex2, 3: _annex3, 4: _annex4, 5: _annex5, 6: _annex6}
    if annex not in writers:
        raise ValueError(f"there is no annex {annex}; the rules have annexes 1–6")
    wb, ws = _new_sheet(f"annex.{annex}.sheet")
    writers[annex](ws, rules, unit, year, records=records, counts=counts, show_full=show_full_id_numbers,
                   blank_rows=blank_rows)
    return _save(wb, path)


def _annex1(ws, rules, unit, year, *, blank_rows, **_):
    columns = [FormColumn("form.col.seq", 6), FormColumn("form.col.employer", 30),
               FormColumn("form.col.labour_base", 20), FormColumn("form.col.people", 12),
               FormColumn("form.col.retained_arrivals", 16), FormColumn("form.col.remarks", 16)]
    row = _form_head(ws, 1, len(columns), rules, unit, year)
    header = row
    row = _table(ws, row, columns, [], blank_rows)
    _footer(ws, row, len(columns), [t("form.confirm_arrivals", year=year or rules.year),
                                    t("form.sign_employer"), t("form.sign_unit")])
    _page_setup(ws, f"{header}:{header}", landscape=False)


def _annex2(ws, rules, unit, year, *, records, show_full, blank_rows, **_):
    columns = _arrival_columns(show_full)
    row = _form_head(ws, 2, len(columns), rules, unit, year)
    header = row
    row = _table(ws, row, columns, list(records), blank_rows, show_full)
    _footer(ws, row, len(columns), [t("form.sign_employer"), t("form.sign_unit")])
    _page_setup(ws, f"{header}:{header}", landscape=True)


def _annex3(ws, rules, unit, year, *, blank_rows, **_):
    columns = [FormColumn("form.col.seq", 6), FormColumn("form.col.employer", 28),
               FormColumn("form.col.school", 22), FormColumn("form.col.trainees", 10),
               FormColumn("form.col.interns", 10), FormColumn("form.col.retained_placements", 16),
               FormColumn("form.col.remarks", 14)]
    row = _form_head(ws, 3, len(columns), rules, unit, year)
    header = row
    row = _table(ws, row, columns, [], blank_rows)
    _footer(ws, row, len(columns), [t("form.confirm_placements", year=year or rules.year),
                                    t("form.sign_employer"), t("form.sign_unit")])
    _page_setup(ws, f"{header}:{header}", landscape=False)


def _annex4(ws, rules, unit, year, *, records, show_full, blank_rows, **_):
    columns = _placement_columns(show_full)
    row = _form_head(ws, 4, len(columns), rules, unit, year)
    header = row
    row = _table(ws, row, columns, list(records), blank_rows, show_full)
    _footer(ws, row, len(columns), [t("form.sign_employer"), t("form.sign_unit")])
    _page_setup(ws, f"{header}:{header}", landscape=True)


def _annex5(ws, rules, unit, year, *, counts, blank_rows, **_):
    columns = [FormColumn("form.col.seq", 6),
               FormColumn("form.col.base", 26, lambda b: b.base or t("form.base_unknown")),
               FormColumn("form.col.base_type", 14, lambda b: rules.base_types.get(b.type, b.type)),
               FormColumn("form.col.people", 12, lambda b: b.people),
               FormColumn("form.col.retained", 20, lambda b: b.retained),
               FormColumn("form.col.ratio", 12, lambda b: (b.retained / b.people) if b.people else None),
               FormColumn("form.col.remarks", 16)]
    row = _form_head(ws, 5, len(columns), rules, unit, year)
    header = row
    counts = list(counts)
    end = _table(ws, row, columns, counts, blank_rows)
    for r in range(header + 1, end):
        ws.cell(row=r, column=6).number_format = "0.00%"
    if counts:
        people = sum(b.people for b in counts)
        retained = sum(b.retained for b in counts)
        values = [t("form.total"), None, None, people, retained, (retained / people) if people else None, None]
        for c, value in enumerate(values, start=1):
            _boxed(ws, end, c, value, header=True, number_format="0.00%" if c == 6 else None)
        end += 1
    _footer(ws, end, len(columns), [t("form.sign_unit_statistics")])
    _page_setup(ws, f"{header}:{header}", landscape=False)


def _annex6(ws, rules, unit, year, **_):
    verdicts = list(rules.evaluation_verdicts)
    width = 2 + len(verdicts)
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 34
    for c in range(3, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12
    row = _form_head(ws, 6, width, rules, unit, year)
    for code in ("form.trip_name", "form.trip_place_date", "form.enterprise", "form.enterprise_contact"):
        _boxed(ws, row, 1, t(code), header=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        for c in range(3, width + 1):
            _boxed(ws, row, c, None)
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 24
        row += 1
    header = row
    _boxed(ws, row, 1, t("form.col.seq"), header=True)
    _boxed(ws, row, 2, t("form.col.item"), header=True)
    for c, verdict in enumerate(verdicts, start=3):
        _boxed(ws, row, c, verdict, header=True)
    row += 1
    items = [f"annex6.item.{i}" for i in ("organisation", "publicity", "job_seekers", "quality", "service")]
    for i, code in enumerate(items + ["annex6.item.overall"], start=1):
        _boxed(ws, row, 1, i, header=code == "annex6.item.overall")
        _boxed(ws, row, 2, t(code), header=code == "annex6.item.overall", align=LEFT)
        for c in range(3, width + 1):
            _boxed(ws, row, c, "□")
        ws.row_dimensions[row].height = 24
        row += 1
    _boxed(ws, row, 1, t("form.suggestions"), header=True)
    for c in range(2, width + 1):
        _boxed(ws, row, c, None)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 80
    row += 1
    _footer(ws, row, width, [t("annex6.note", poor=verdicts[-1]), t("form.sign_enterprise")])
    _page_setup(ws, f"{header}:{header}", landscape=False)


# ------------------------------------------------------------------ the year's summary workbook

def _number(value: Fraction | None, decimals: int) -> float | int | None:
    if value is None:
        return None
    value = round(Fraction(value), decimals)
    return int(value) if value.denominator == 1 else float(value)


def _sheet_title(text: str, taken: set[str]) -> str:
    base = SHEET_NAME_BAD.sub("_", text).strip("'")[:31] or "_"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def summary_workbook(rules: RuleSet, year_result: YearResult,
                     unconfirmed_by_unit: Mapping[str, Sequence[PersonVerdict]], path: str | Path, *,
                     show_full_id_numbers: bool = False) -> Path:
    """All units × clauses, section subtotals, deductions, totals, ranks, status and grades on one
    sheet, then one sheet per unit listing the people not confirmed and why."""
    decimals = rules.reading("ranking_display_decimals") if "ranking_display_decimals" in rules.readings else 2
    number_format = "0." + "#" * decimals if decimals else "0"
    wb = Workbook()
    ws = wb.active
    ws.title = t("summary.sheet")
    taken = {ws.title.lower()}
    clauses_by_section = [(s, [c for c in rules.clauses if c.section == s.id]) for s in rules.sections]
    columns: list[tuple[str, str, float]] = [("rank", t("report.rank"), 6), ("unit", t("report.unit"), 28)]
    for section, clauses in clauses_by_section:
        columns += [(f"clause:{c.id}", f"{c.id} {c.title}", 11) for c in clauses]
        columns.append((f"section:{section.id}", t("summary.section_subtotal", section=section.id), 9))
    columns += [("deductions", t("report.deductions"), 8), ("total", t("report.total"), 9),
                ("status", t("report.status"), 10), ("grade", t("report.grade"), 7),
                ("remarks", t("summary.remarks"), 40)]
    width = len(columns)
    _merged_line(ws, 1, 1, width, t("report.title", title=rules.title, year=year_result.year), size=16, bold=True,
                 align=CENTER, height=32)
    _merged_line(ws, 2, 1, width, t("report.rule_set", document=rules.document, id=rules.id, title=rules.title, sha=rules.sha256[:12]))
    # two header rows: the sections over their clauses, then the columns
    top, header = 3, 4
    c = 1
    for key, text, column_width in columns:
        ws.column_dimensions[get_column_letter(c)].width = column_width
        _boxed(ws, header, c, text, header=True)
        _boxed(ws, top, c, None, header=True)
        c += 1
    c = 3
    for section, clauses in clauses_by_section:
        span = len(clauses) + 1
        _boxed(ws, top, c, f"{section.id}、{section.title}", header=True)
        if span > 1:
            ws.merge_cells(start_row=top, start_column=c, end_row=top, end_column=c + span - 1)
        c += span
    for c, (key, text, _w) in enumerate(columns, start=1):
        if not (key.startswith("clause:") or key.startswith("section:")):  # one header cell, two rows high
            _boxed(ws, top, c, text, header=True)
            ws.merge_cells(start_row=top, start_column=c, end_row=header, end_column=c)
    ws.row_dimensions[header].height = 48
    tied = {name for tie in year_result.ties for name in tie.units}
    row = header + 1
    for unit in year_result.units:
        sections = {s.id: s for s in unit.sections}
        remarks = [f"{t(f'status.{unit.status}')}：{reason.text}" for reason in unit.status_reasons]
        remarks += [render(note) for note in unit.grade_notes]
        if unit.name in tied and not any(n.code == "grade.tie" for n in unit.grade_notes):
            remarks.append(t("report.flag_tie"))
        for c, (key, _text, _w) in enumerate(columns, start=1):
            fill = None
            fmt = None
            if key == "rank":
                value = unit.rank
            elif key == "unit":
                value = unit.name
            elif key.startswith("clause:"):
                result = unit.clause(key.split(":", 1)[1])
                value, fmt = _number(result.net, decimals), number_format
                fill = PROVISIONAL_FILL if result.provisional else None
            elif key.startswith("section:"):
                value, fmt = _number(sections[key.split(":", 1)[1]].net, decimals), number_format
            elif key == "deductions":
                value, fmt = _number(unit.deductions_total, decimals), number_format
            elif key == "total":
                value, fmt = _number(unit.total, decimals), number_format
            elif key == "status":
                value = t(f"status.{unit.status}")
            elif key == "grade":
                value = unit.grade
            else:
                value = "；".join(remarks) or None
            _boxed(ws, row, c, value, align=LEFT if key in ("unit", "remarks") else CENTER, number_format=fmt)
            if fill is not None:
                ws.cell(row=row, column=c).fill = fill
        row += 1
    notes = []
    if year_result.provisional:
        notes.append(t("summary.provisional"))
    quotas = "；".join(t("report.quota", grade=q.grade, count=q.count, cap=q.cap, used=q.used) for q in year_result.quotas)
    notes.append(t("report.quotas", assessed=len(year_result.units), quotas=quotas))
    for tie in year_result.ties:
        notes.append(t("report.tie", total=tie.total, upper=tie.upper, lower=tie.lower, units="、".join(tie.units)))
    notes += [render(m) for m in year_result.rejected_promotions]
    row += 1
    for text in notes:
        _merged_line(ws, row, 1, width, text)
        row += 1
    ws.freeze_panes = ws.cell(row=header + 1, column=3)
    _page_setup(ws, f"{top}:{header}", landscape=True)

    person_columns = [
        FormColumn("form.col.seq", 6),
        FormColumn("form.col.name", 10, lambda p: p.name),
        FormColumn("form.col.id_number", 22, lambda p: shown_id(p.id_number, show_full_id_numbers)),
        FormColumn("summary.col.kind", 12, lambda p: t(f"match.kind_{p.kind}")),
        FormColumn("form.col.base", 18, lambda p: p.base or None),
        FormColumn("form.col.employer", 24, lambda p: p.employer or None),
        FormColumn("summary.col.where", 18, lambda p: t("summary.where", sheet=p.record.sheet, row=p.record.row)),
        FormColumn("summary.col.reasons", 60, lambda p: "；".join(render(m) for m in p.reasons)),
    ]
    for unit in year_result.units:
        people = list(unconfirmed_by_unit.get(unit.name, ()))
        sheet = wb.create_sheet(_sheet_title(t("summary.unconfirmed_sheet", unit=unit.name), taken))
        width = len(person_columns)
        _merged_line(sheet, 1, 1, width, t("summary.unconfirmed_title", unit=unit.name, year=year_result.year),
                     size=14, bold=True, align=CENTER, height=28)
        _merged_line(sheet, 2, 1, width, t("summary.unconfirmed_count", count=len(people)))
        end = _table(sheet, 3, person_columns, people, blank_rows=0, show_full=show_full_id_numbers)
        if not people:
            _merged_line(sheet, end, 1, width, t("summary.none"))
        _page_setup(sheet, "3:3", landscape=True)
    return _save(wb, path)
