"""What the six annex forms of the rules (附件1–6) hold, apart from how they are drawn: their columns,
the values of a record's row, the closing lines, the orientation and what they are filled from.
core/excel/write.py lays them out as Excel forms and core/pdf/annex.py as printable PDF pages, so the
workbook and the printed form cannot drift apart.

ID numbers are masked (first 6 and last 4 characters shown), also when typed into any other text,
unless the caller asks for the full numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from core.common.document_titles import title_of
from core.common.identifiers import mask_id_like, mask_id_number
from core.common.messages import Msg, render
from core.people.matching import BaseCount, PersonVerdict, UnitMatch
from core.scoring.facts import Base, Unit
from core.scoring.formulas import school_groups
from core.scoring.rules import RuleSet

ANNEXES = (1, 2, 3, 4, 5, 6)
ANNEX_PEOPLE = {2: ("arrival",), 4: ("trainee", "intern")}  # the forms that list people, and whom
ANNEX_BASES = {3: "school"}  # the forms with a row per base of a type, filled from its counts
RECORD_FORMS = frozenset({*ANNEX_PEOPLE, *ANNEX_BASES})  # the forms whose rows are records (not 附件5's counts)
LANDSCAPE = frozenset({2, 4})  # the rosters are too wide for portrait A4
SEQ = "form.col.seq"


def t(code: str, **params: Any) -> str:
    return render(Msg.of(code, **params))


def annex_title(annex: int, unit: str, year: int) -> str:
    """The title in an annex form's properties, its workbook's and its PDF's: the form, the unit and the year
    (said when the file is about to be replaced)."""
    return title_of(t(f"annex.{annex}.sheet"), unit, year)


def shown_id(id_number: str, show_full: bool) -> str:
    return id_number if show_full else mask_id_number(id_number)


@dataclass(frozen=True)
class FormColumn:
    header: str  # message code of the header text
    width: float  # characters
    value: Callable[[Any], Any] | None = None  # from one record; None: left blank
    text: bool = False  # typed as text (Excel's 文本 format): an ID number keeps its 18 digits, a phone its 0
    choices: tuple[str, ...] = ()  # message codes of the only words the column takes (a drop-down list)


PLACEMENT_TYPES = ("form.placement_trainee", "form.placement_intern")  # 见习, 实习: words the importer reads


def _person(record: Any) -> Any:
    return record.record if isinstance(record, PersonVerdict) else record


def _phone(phone: Any) -> str | None:
    """A phone number as text (Excel's 文本): no scientific notation for a long one, a landline keeps its 0."""
    return str(phone) if phone not in (None, "") else None


def _remarks(record: Any) -> str | None:
    """The person's 备注 as the unit's roster wrote it (an ID number in it is masked like the column's)."""
    return _person(record).remarks or None


def _base(record: Any) -> str | None:
    return record.base or None


def arrival_columns(show_full: bool) -> list[FormColumn]:
    return [
        FormColumn(SEQ, 6),
        FormColumn("form.col.name", 10, lambda p: _person(p).name),
        FormColumn("form.col.gender", 6, lambda p: _person(p).gender or None),
        FormColumn("form.col.id_number", 22, lambda p: shown_id(_person(p).id_number, show_full), text=True),
        FormColumn("form.col.labour_base", 16, _base),
        FormColumn("form.col.employer", 24, lambda p: _person(p).employer),
        FormColumn("form.col.arrival_date", 12, lambda p: _person(p).arrival_date),
        FormColumn("form.col.first_insured_date", 12, lambda p: _person(p).first_insured_date),
        FormColumn("form.col.insured_months", 9, lambda p: _person(p).insured_months),
        FormColumn("form.col.phone", 14, lambda p: _phone(_person(p).phone), text=True),
        FormColumn("form.col.remarks", 12, _remarks),
    ]


def placement_columns(show_full: bool) -> list[FormColumn]:
    return [
        FormColumn(SEQ, 6),
        FormColumn("form.col.name", 10, lambda p: _person(p).name),
        FormColumn("form.col.gender", 6, lambda p: _person(p).gender or None),
        FormColumn("form.col.id_number", 22, lambda p: shown_id(_person(p).id_number, show_full), text=True),
        FormColumn("form.col.school", 18, _base),
        FormColumn("form.col.placement_type", 9, lambda p: t(f"form.placement_{_person(p).placement_type}"),
                   choices=PLACEMENT_TYPES),
        FormColumn("form.col.employer", 24, lambda p: _person(p).employer),
        FormColumn("form.col.start_date", 12, lambda p: _person(p).start_date),
        FormColumn("form.col.end_date", 12, lambda p: _person(p).end_date),
        FormColumn("form.col.placement_months", 10, lambda p: _person(p).placement_months),
        FormColumn("form.col.phone", 14, lambda p: _phone(_person(p).phone), text=True),
        FormColumn("form.col.remarks", 12, _remarks),
    ]


def told_apart(base: Base) -> tuple[int, int] | tuple[None, None]:
    """A school base's (trainees, interns) as 2.1 counts them (core.scoring.formulas.school_groups); (None,
    None) when it does not tell them apart."""
    groups = school_groups(base)
    return (None, None) if len(groups) == 1 else (groups[0][1], groups[1][1])


def count_columns(rules: RuleSet) -> list[FormColumn]:
    """附件5: one row per base (core.people.matching.BaseCount)."""
    return [FormColumn(SEQ, 6),
            FormColumn("form.col.base", 26, lambda b: b.base or t("form.base_unknown")),
            FormColumn("form.col.base_type", 14, lambda b: rules.base_types.get(b.type, b.type)),
            FormColumn("form.col.people", 12, lambda b: b.people),
            # wide enough for 其中参保（见习、实习） on one line: a line never starts with its closing bracket
            FormColumn("form.col.retained", 24, lambda b: b.retained),
            FormColumn("form.col.ratio", 12, lambda b: (b.retained / b.people) if b.people else None),
            FormColumn("form.col.remarks", 12)]


def columns(annex: int, rules: RuleSet, show_full: bool = False) -> list[FormColumn]:
    """The table columns of forms 1–5 (form 6 is an evaluation grid, not a table of records)."""
    if annex == 1:
        return [FormColumn(SEQ, 6), FormColumn("form.col.employer", 30), FormColumn("form.col.labour_base", 20),
                FormColumn("form.col.people", 12), FormColumn("form.col.retained_arrivals", 16),
                FormColumn("form.col.remarks", 16)]
    if annex == 2:
        return arrival_columns(show_full)
    if annex == 3:
        # a row per school base (core.scoring.facts.Base); the employer is the one who stamps, left to fill in
        return [FormColumn(SEQ, 6), FormColumn("form.col.employer", 28),
                FormColumn("form.col.school", 22, lambda b: b.name or None),
                FormColumn("form.col.trainees", 10, lambda b: told_apart(b)[0]),
                FormColumn("form.col.interns", 10, lambda b: told_apart(b)[1]),
                FormColumn("form.col.retained_placements", 16, lambda b: b.retained),
                FormColumn("form.col.remarks", 14, not_told_apart)]
    if annex == 4:
        return placement_columns(show_full)
    if annex == 5:
        return count_columns(rules)
    raise ValueError(f"annex {annex} has no table of records")


def row_values(columns_: Sequence[FormColumn], record: Any, index: int, show_full: bool) -> list[Any]:
    """One record's cells (index counts from 0; None for a blank ruled row). Unless `show_full`, an ID
    number typed into any text (a remark, a name cell) is masked too."""
    values = []
    for column in columns_:
        if column.header == SEQ:
            value = index + 1
        elif record is not None and column.value is not None:
            value = column.value(record)
            if isinstance(value, str) and not show_full:
                value = mask_id_like(value)
        else:
            value = None
        values.append(value)
    return values


def count_totals(counts: Sequence[BaseCount]) -> tuple[int, int, float | None]:
    """附件5's 合计 row: people, retained, ratio."""
    people = sum(b.people for b in counts)
    retained = sum(b.retained for b in counts)
    return people, retained, (retained / people) if people else None


def closing_lines(annex: int, rules: RuleSet, year: int | None) -> list[str]:
    """The confirmation and signature/stamp lines under the form's table."""
    year = year or rules.year
    if annex == 1:
        return [t("form.confirm_arrivals", year=year), t("form.sign_employer"), t("form.sign_unit")]
    if annex == 3:
        return [t("form.confirm_placements", year=year), t("form.sign_employer"), t("form.sign_unit")]
    if annex in (2, 4):
        return [t("form.sign_employer"), t("form.sign_unit")]
    if annex == 5:
        return [t("form.sign_unit_statistics")]
    return [t("annex6.note", poor=list(rules.evaluation_verdicts)[-1]), t("form.sign_enterprise")]


ANNEX6_INFO = ("form.trip_name", "form.trip_place_date", "form.enterprise", "form.enterprise_contact")
ANNEX6_ITEMS = tuple(f"annex6.item.{i}" for i in ("organisation", "publicity", "job_seekers", "quality", "service",
                                                   "overall"))


def not_told_apart(base: Base) -> str | None:
    """附件3's 备注 of a school base whose people are not told apart: how many there are in all (the
    form has no column for it, and the six-month figure beside it would otherwise stand alone)."""
    return t("form.school_not_told_apart", people=base.people) if told_apart(base)[0] is None and base.people else None


def annex_inputs(annex: int, unit: Unit, unit_match: UnitMatch | None) -> tuple[list[Any], list[BaseCount]]:
    """What form `annex` of one unit is filled from: forms 2 and 4 list the confirmed people of the
    imported rosters (arrivals; trainees and interns), form 3 the school bases with their trainees and
    interns where the base tells them apart, form 5 the counts per base as scored (matched from the
    rosters or typed, per base). Without imported rosters forms 2 and 4 stay blank, without a school
    base form 3."""
    counts = [BaseCount(b.name, b.type, b.people, b.retained) for b in unit.bases]
    if annex in ANNEX_BASES:
        return [b for b in unit.bases if b.type == ANNEX_BASES[annex]], counts
    wanted = ANNEX_PEOPLE.get(annex, ())
    people = [p for p in (unit_match.people if unit_match is not None else ()) if p.confirmed and p.kind in wanted]
    return people, counts


def blank_reason(annex: int, unit: Unit, unit_match: UnitMatch | None) -> Msg | None:
    """Why form `annex` of the unit has none of its rows filled in (the form is then its ruled blank rows,
    to fill in by hand), as the clause of a sentence; None when it lists something, or for forms 1 and 6,
    which are always filled in by hand. Both the Excel export and 打印 tell the assessor this."""
    records, counts = annex_inputs(annex, unit, unit_match)
    if annex in ANNEX_PEOPLE and not records:
        wanted = ANNEX_PEOPLE[annex]
        people = unit_match.people if unit_match is not None else ()
        listed = sum(1 for p in people if p.kind in wanted)
        if listed:  # a roster is there, but nobody of the form's kinds on it was confirmed
            return Msg.of("annex.blank.none_confirmed", n=listed)
        # rosters of the other kind only (arrivals, not trainees), or none at all
        return Msg.of("annex.blank.none_of_kind" if people else "annex.blank.no_roster")
    if annex in ANNEX_BASES and not records:
        return Msg.of("annex.blank.no_school_bases")
    if annex == 5 and not counts:
        return Msg.of("annex.blank.no_bases")
    return None


def blank_note(annex: int, unit: Unit, unit_match: UnitMatch | None) -> Msg | None:
    """What to tell whoever exports form `annex` of the unit when it comes out blank for filling in by hand:
    why (blank_reason), or that forms 1 and 6 always do; None when it lists something."""
    reason = blank_reason(annex, unit, unit_match)
    if reason is not None:
        return Msg.of("annex.blank.export", reason=reason)
    if annex not in ANNEX_PEOPLE and annex not in ANNEX_BASES and annex != 5:
        return Msg.of("annex.blank.by_hand")
    return None
