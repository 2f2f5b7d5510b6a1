"""Excel out: the six annex forms of the rules (附件1–6) laid out as official forms, and the year's
summary workbook for the bureau.

Every form has its title, the unit and the year filled in, header rows, thin borders, column
widths, A4 print setup with the header rows repeated on every page, and the signature/stamp
lines the form needs. Forms with people (附件2, 附件4) and the statistics (附件5) are filled from
records; the others are blank for hand filling. The rosters' headers are ones the importer
recognises, so a filled-in form can be read back. What each form holds (columns, rows, closing
lines, orientation) is core/excel/annex_forms.py, shared with the printable PDF forms (core/pdf/annex.py).

ID numbers are masked (first 6 and last 4 characters shown) in every export unless the caller
passes show_full_id_numbers=True, which the desktop offers only behind an explicit option.
All texts come from the message catalogue (resources/messages/zh_CN.toml).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.common.atomic import write_atomically
from core.common.document_titles import title_of
from core.common.messages import Msg, render, rounded
from core.excel.annex_forms import (
    ANNEX6_INFO,
    ANNEX6_ITEMS,
    ANNEX_BASES,
    ANNEX_PEOPLE,
    LANDSCAPE,
    RECORD_FORMS,
    FormColumn,
    annex_inputs,
    annex_title,
    closing_lines,
    columns,
    count_totals,
    row_values,
    shown_id,
)
from core.people.matching import BaseCount, PersonVerdict, ReportedOnly
from core.scoring.engine import YearResult
from core.scoring.report import (
    NO_VERDICT,
    e_settled_note,
    grade_decision_lines,
    headcounts_held_back,
    results_title,
    settled_line,
    tie_flag,
    verdict_cells,
)
from core.scoring.rules import RuleSet

__all__ = ["ANNEX_BASES", "ANNEX_PEOPLE", "annex_form", "annex_inputs", "summary_workbook"]

FONT_NAME = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
PROVISIONAL_FILL = PatternFill("solid", fgColor="FFF2CC")
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"  # Excel's 文本
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def t(code: str, **params: Any) -> str:
    return render(Msg.of(code, **params))


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
    """Header row plus one bordered row per record (or blank_rows empty ones). Returns the next row."""
    for c, column in enumerate(columns, start=1):
        _boxed(ws, row, c, t(column.header), header=True)
        ws.column_dimensions[get_column_letter(c)].width = column.width
    ws.row_dimensions[row].height = 30
    header_row = row
    rows = max(len(records), 0 if records else blank_rows)
    for i in range(rows):
        r = header_row + 1 + i
        record = records[i] if i < len(records) else None
        values = row_values(columns, record, i, show_full)
        for c, value in enumerate(values, start=1):
            fmt = TEXT_FORMAT if columns[c - 1].text else DATE_FORMAT if isinstance(value, dt.date) else None
            _boxed(ws, r, c, value, align=LEFT if isinstance(value, str) and len(value) > 8 else CENTER,
                   number_format=fmt)
        ws.row_dimensions[r].height = row_height(columns, values)
    _typing_aids(ws, columns, header_row + 1, header_row + rows)
    return header_row + 1 + rows


ROW_HEIGHT = 20  # points: one line of 10-point text in its box
LINE_HEIGHT = 13.5  # points a further wrapped line adds


def text_lines(text: str, width: float) -> int:
    """How many lines a text wraps to in a column `width` characters wide (Excel's unit, the width of a
    digit): a Chinese character takes two, and a line feed starts a new line."""
    room = max(1.0, width - 1)  # the cell's margins
    lines = 0
    for part in text.split("\n"):
        used = sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in part)
        lines += max(1, math.ceil(used / room))
    return lines


def row_height(columns: Sequence[FormColumn], values: Sequence[Any]) -> float:
    """A record row tall enough for its longest wrapped text (a roster's 备注, a long employer's name), so
    that Excel and WPS show it whole rather than its first line (rows of a set height do not grow by
    themselves when opened)."""
    lines = max((text_lines(value, column.width) for column, value in zip(columns, values, strict=True)
                 if isinstance(value, str)), default=1)
    return ROW_HEIGHT + (lines - 1) * LINE_HEIGHT


def _typing_aids(ws: Worksheet, columns: Sequence[FormColumn], first: int, last: int) -> None:
    """What keeps a unit's clerk from the mistakes the importer refuses: a text column is 文本 in its rows
    and as the column's own format (rows the clerk adds keep it), so an ID number typed stays 18 digits;
    a column of choices offers them as a drop-down list and takes no other word."""
    for c, column in enumerate(columns, start=1):
        letter = get_column_letter(c)
        if column.text:
            ws.column_dimensions[letter].number_format = TEXT_FORMAT
        if column.choices and last >= first:
            words = [t(code) for code in column.choices]
            listed = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                                    showErrorMessage=True, showInputMessage=True,
                                    errorTitle=t("form.choice_error_title", header=t(column.header)),
                                    error=t("form.choice_error", header=t(column.header), words="、".join(words)),
                                    promptTitle=t(column.header),
                                    prompt=t("form.choice_prompt", words="、".join(words)))
            listed.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(listed)


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
    """Whole or not at all: a full disk or a read-only folder leaves no half-written workbook."""
    path = Path(path)
    data = io.BytesIO()  # built in memory: a failing disk then fails one plain write, not the zip writer
    wb.save(data)
    write_atomically(path, data.getvalue())
    return path


# ------------------------------------------------------------------ the six annexes (core/excel/annex_forms.py)

def summary_title(year: int) -> str:
    return title_of(t("summary.sheet"), year)


def annex_form(annex: int, path: str | Path, rules: RuleSet, unit: str, *, year: int | None = None,
               records: Sequence[Any] = (), counts: Sequence[BaseCount] = (),
               show_full_id_numbers: bool = False, blank_rows: int = 15) -> Path:
    """Write annex form `annex` (1–6) for `unit`.

    records  附件2: ArrivalRecord or PersonVerdict (arrivals); 附件4: PlacementRecord or PersonVerdict;
             附件3: the school bases (core.scoring.facts.Base)
    counts   附件5: the matched counts per base (core.people.matching.BaseCount)
    Forms without records get `blank_rows` empty ruled rows for hand filling.
    """
    if annex not in range(1, 7):
        raise ValueError(f"there is no annex {annex}; the rules have annexes 1–6")
    wb, ws = _new_sheet(f"annex.{annex}.sheet")
    wb.properties.title = annex_title(annex, unit, year or rules.year)  # said when the file is about to be replaced
    if annex == 6:
        _annex6(ws, rules, unit, year)
    else:
        _records_form(ws, annex, rules, unit, year, records=list(records) if annex in RECORD_FORMS else [],
                      counts=list(counts) if annex == 5 else [], show_full=show_full_id_numbers, blank_rows=blank_rows)
    return _save(wb, path)


def _records_form(ws, annex, rules, unit, year, *, records, counts, show_full, blank_rows):
    """Forms 1–5: a table of people (2, 4), of school bases (3), of counts per base (5), or ruled rows to fill in
    (1, and 3 without a school base)."""
    form_columns = columns(annex, rules, show_full)
    width = len(form_columns)
    header = _form_head(ws, annex, width, rules, unit, year)
    end = _table(ws, header, form_columns, records or counts, blank_rows, show_full)
    if annex == 5:
        for r in range(header + 1, end):
            ws.cell(row=r, column=6).number_format = "0.00%"
        if counts:
            people, retained, ratio = count_totals(counts)
            for c, value in enumerate([t("form.total"), None, None, people, retained, ratio, None], start=1):
                _boxed(ws, end, c, value, header=True, number_format="0.00%" if c == 6 else None)
            end += 1
    _footer(ws, end, width, closing_lines(annex, rules, year))
    _page_setup(ws, f"{header}:{header}", landscape=annex in LANDSCAPE)


def _annex6(ws, rules, unit, year):
    verdicts = list(rules.evaluation_verdicts)
    width = 2 + len(verdicts)
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 34
    for c in range(3, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12
    row = _form_head(ws, 6, width, rules, unit, year)
    for code in ANNEX6_INFO:
        _boxed(ws, row, 1, t(code), header=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        for c in range(3, width + 1):  # text (文本): a contact's phone typed in keeps its digits and its 0
            _boxed(ws, row, c, None, number_format=TEXT_FORMAT)
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 24
        row += 1
    header = row
    _boxed(ws, row, 1, t("form.col.seq"), header=True)
    _boxed(ws, row, 2, t("form.col.item"), header=True)
    for c, verdict in enumerate(verdicts, start=3):
        _boxed(ws, row, c, verdict, header=True)
    row += 1
    for i, code in enumerate(ANNEX6_ITEMS, start=1):
        overall = code == ANNEX6_ITEMS[-1]
        _boxed(ws, row, 1, i, header=overall)
        _boxed(ws, row, 2, t(code), header=overall, align=LEFT)
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
    _footer(ws, row, width, closing_lines(6, rules, year))
    _page_setup(ws, f"{header}:{header}", landscape=False)


# ------------------------------------------------------------------ the year's summary workbook

def _number(value: Fraction | None, decimals: int) -> float | int | None:
    if value is None:
        return None
    value = rounded(value, decimals)  # 四舍五入, as the sheets and the desktop show it
    return int(value) if value.denominator == 1 else float(value)


def _sheet_title(text: str, taken: set[str]) -> str:
    base = SHEET_NAME_BAD.sub("_", text).strip("'")[:31] or "_"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def joined(remarks: Sequence[str]) -> str | None:
    """Remarks in one cell: each without its own full stop, apart by ；, the last ending in one."""
    parts = [r.rstrip("。；; ") for r in remarks if r.strip()]
    return "；".join(parts) + "。" if parts else None


def summary_workbook(rules: RuleSet, year_result: YearResult,
                     unconfirmed_by_unit: Mapping[str, Sequence[PersonVerdict]], path: str | Path, *,
                     show_full_id_numbers: bool = False, not_started: frozenset[str] = frozenset(),
                     under_way: frozenset[str] = frozenset(), settled: frozenset[str] = frozenset(),
                     reported_only_by_unit: Mapping[str, Sequence[ReportedOnly]] | None = None) -> Path:
    """All units × clauses, section subtotals, deductions, totals, ranks, status and grades on one
    sheet, then one sheet per unit listing the people not confirmed and why (a unit missing from
    `unconfirmed_by_unit` had no roster imported: its sheet says so, not that all are confirmed), and below
    them the people its monthly reports name who are on none of its rosters (`reported_only_by_unit`,
    MatchResult.reported_only_by_unit). A unit in `not_started`
    (nothing of the year recorded for it, core/years/standing.py) gets no place, status or grade; one in
    `under_way` (its data not final) has its status and grade marked 暂定 and says why in 备注; one in `settled`
    (final, its E certain whatever the others do: core/years/standing.py e_settled) says in 备注 why it is not."""
    decimals = rules.reading("ranking_display_decimals") if "ranking_display_decimals" in rules.readings else 2
    number_format = "0." + "#" * decimals if decimals else "0"
    wb = Workbook()
    wb.properties.title = summary_title(year_result.year)
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
    _merged_line(ws, 1, 1, width, results_title(rules, year_result.year), size=16, bold=True,
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
    row = header + 1
    for unit in year_result.units:
        sections = {s.id: s for s in unit.sections}
        waiting = unit.name in not_started
        remarks = [f"{t(f'status.{unit.status}')}：{reason.text}" for reason in unit.status_reasons]
        remarks += [render(note) for note in unit.grade_notes]
        flag = tie_flag(year_result, unit.name)
        if flag is not None and not any(n.code.startswith("grade.tie") for n in unit.grade_notes):
            remarks.append(flag)
        if unit.name in under_way:
            remarks.insert(0, t("report.own_provisional"))
        if unit.name in settled:
            remarks.insert(0, render(e_settled_note(unit.status)))
        if waiting:
            remarks = [t("pdf.sheet.not_started")]
        status, grade = verdict_cells(unit, not_started, under_way)
        for c, (key, _text, _w) in enumerate(columns, start=1):
            fill = None
            fmt = None
            if key == "rank":
                value = NO_VERDICT if waiting else unit.rank
            elif key == "unit":
                value = unit.name
            elif key.startswith("clause:"):
                result = unit.clause(key.split(":", 1)[1])
                value, fmt = _number(result.net, decimals), number_format
                if result.provisional:  # shaded, and marked * as the PDF and the command line mark it:
                    # the shading is lost on a black-and-white printout; the mark is in the number's format,
                    # so the cell stays a number
                    fill = PROVISIONAL_FILL
                    fmt = ("0" if isinstance(value, int) else number_format) + '"*"'

            elif key.startswith("section:"):
                value, fmt = _number(sections[key.split(":", 1)[1]].net, decimals), number_format
            elif key == "deductions":
                value, fmt = _number(unit.deductions_total, decimals), number_format
            elif key == "total":
                value, fmt = _number(unit.total, decimals), number_format
            elif key == "status":
                value = status
            elif key == "grade":
                value = grade
            else:
                value = joined(remarks)
            _boxed(ws, row, c, value, align=LEFT if key in ("unit", "remarks") else CENTER, number_format=fmt)
            if fill is not None:
                ws.cell(row=row, column=c).fill = fill
        row += 1
    notes = []
    if year_result.provisional:
        notes.append(t("summary.provisional"))
    if settled:
        notes.append(settled_line(year_result, settled))
    quotas = "；".join(t("report.quota", grade=q.grade, count=q.count, cap=q.cap, used=q.used) for q in year_result.quotas)
    notes.append(t("report.quotas", assessed=len(year_result.units), quotas=quotas))
    notes += grade_decision_lines(year_result)
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
        FormColumn("summary.col.where", 18, lambda p: render(p.where)),
        FormColumn("summary.col.reasons", 60, lambda p: "；".join(render(m) for m in p.reasons)),
    ]
    reported_columns = [
        FormColumn("form.col.seq", 6),
        FormColumn("form.col.name", 10, lambda p: p.name),
        FormColumn("form.col.id_number", 22, lambda p: shown_id(p.id_number, show_full_id_numbers)),
        FormColumn("summary.col.months_reported", 12, lambda p: render(p.months_words)),
        FormColumn("form.col.base", 18, lambda p: p.base or None),
        FormColumn("form.col.employer", 24, lambda p: p.employer or None),
        FormColumn("summary.col.where", 18, lambda p: render(p.where)),
        FormColumn("summary.col.rostered_elsewhere", 24, lambda p: "、".join(p.elsewhere) or None),
    ]
    for unit in year_result.units:
        people = list(unconfirmed_by_unit.get(unit.name, ()))
        rostered = unit.name in unconfirmed_by_unit
        sheet = wb.create_sheet(_sheet_title(t("summary.unconfirmed_sheet", unit=unit.name), taken))
        width = len(person_columns)
        _merged_line(sheet, 1, 1, width, t("summary.unconfirmed_title", unit=unit.name, year=year_result.year),
                     size=14, bold=True, align=CENTER, height=28)
        # people counted on paper (or matched) whose confirming evidence is not seen are unconfirmed too
        held, held_count = headcounts_held_back(rules, unit)
        count_line = "summary.unconfirmed_count_full_ids" if show_full_id_numbers else "summary.unconfirmed_count"
        _merged_line(sheet, 2, 1, width, t(count_line, count=len(people) + held_count))
        end = _table(sheet, 3, person_columns, people, blank_rows=0, show_full=show_full_id_numbers)
        if not rostered:
            _merged_line(sheet, end, 1, width, t("summary.no_roster"))
            end += 1
        elif not people and not held:
            _merged_line(sheet, end, 1, width, t("summary.none"))
            end += 1
        for line in held:
            _merged_line(sheet, end, 1, width, render(line))
            end += 1
        reported = list((reported_only_by_unit or {}).get(unit.name, ()))
        if reported:
            _merged_line(sheet, end + 1, 1, width, t("summary.reported_only", count=len(reported)), bold=True)
            _table(sheet, end + 2, reported_columns, reported, blank_rows=0, show_full=show_full_id_numbers)
        _page_setup(sheet, "3:3", landscape=True)
    return _save(wb, path)
