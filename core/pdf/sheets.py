"""The three PDF documents of an assessment, A4 portrait, built with reportlab's platypus:

1. 现场核查记录 `onsite_record`: one unit and one visit; per clause the facts recorded and every
   evidence item seen / not seen with its note, the negative facts, the attachments with their
   SHA-256, and signature lines for the assessors and the unit's representative;
2. 考核评分表 `score_sheet`: one unit; per clause points, bonus, deduction and a short explanation,
   section subtotals, deductions, total, status with reasons, grade, the readings applied, the
   version, and signature lines for the assessors and the reviewer;
3. 考核结果汇总表 `year_summary`: every unit ranked with its clause points, totals, status, grade,
   the quotas used and the ties resolved.

Every page carries a header (title, unit, year) and a footer (第 X 页 共 Y 页, generation time,
the dataset's and the rule set's short hashes); ranking points that are still provisional are
marked and the pages carry a 暂定 watermark. Tables repeat their header row when they split
across pages; long names wrap inside their cell. Every text comes from the message catalogue.

The functions here take plain values (rule set, scored year, facts, evidence lines …) and return
the PDF bytes with the place reserved for the visible cryptographic signature; core/pdf/export.py
gathers those values from the dataset, and core/pdf/signing.py signs the bytes.
"""


from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from core.common.messages import Msg, format_number, render
from core.pdf.fonts import Fonts
from core.pdf.kinsoku import ChineseParagraph
from core.pdf.layout import (
    ALERT,
    MUTED,
    SECTION_SHADE,
    SHADE,
    WIDTH,
    Built,
    ElectronicSignature,
    PageFacts,
    SignLine,
    Styles,
    build,
    grid_style,
    h,
    info_table,
    p,
    signature_block,
    styles,
    t,
    x,
)
from core.scoring.assessment import reading_text
from core.scoring.engine import PROMOTION_NOTES, UnitResult, YearResult
from core.scoring.facts import Unit
from core.scoring.report import (
    NO_VERDICT,
    clause_cell,
    e_settled_note,
    full_marks_cell,
    grade_decision_lines,
    settled_line,
    tie_flag,
)
from core.scoring.rules import RuleSet
from core.years.standing import standing

RECORD, SHEET, SUMMARY = "record", "sheet", "summary"


@dataclass(frozen=True)
class EvidenceLine:
    clause_id: str
    item: str  # the evidence item's label
    subject: str  # the base or trip it belongs to ('' for clause-level evidence)
    state: str  # 'seen', 'not_seen' or 'none' (not ticked)
    note: str = ""
    by: str = ""  # who ticked it
    at: str = ""  # when (display text)


@dataclass(frozen=True)
class AttachmentLine:
    name: str
    clause_id: str
    description: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Visit:
    date: str = ""  # blank: filled in by hand
    place: str = ""
    assessors: tuple[str, ...] = ()
    representative: str = ""


# ------------------------------------------------------------------ shared pieces

def rule_set_text(rules: RuleSet) -> str:
    return t("pdf.rule_set", document=rules.document, id=rules.id, title=rules.title, sha=rules.sha256[:12])


def title_block(s: Styles, title: str, rules: RuleSet, year: int) -> list:
    return [p(title, s.title), p(t("pdf.subtitle", title=rules.title, document=rules.document, year=year),
                                 s.subtitle)]


def kinds_text(rules: RuleSet, unit: Unit) -> str:
    return "、".join(rules.unit_kinds.get(k, k) for k in unit.kinds)


def explanation_text(result, provisional_mark: str) -> str:
    e = result.explanation
    parts = [render(m) for m in e.steps] + [render(m) for m in e.missing] + [render(m) for m in e.notes]
    text = "；".join(parts)
    return text + (provisional_mark if result.provisional else "")


def size_text(size: int) -> str:
    if size < 1024:
        return t("pdf.size_bytes", size=size)
    if size < 1024 * 1024:
        return t("pdf.size_kb", size=format_number(size / 1024, 1))
    return t("pdf.size_mb", size=format_number(size / 1024 / 1024, 1))




def status_text(status: str) -> str:
    return t(f"status.{status}")


# ------------------------------------------------------------------ 1. 现场核查记录

STATE_CODES = {"seen": "verdict.seen", "not_seen": "verdict.not_seen", "none": "pdf.state.none"}


def onsite_record(rules: RuleSet, unit: Unit, unit_result: UnitResult, evidence: Sequence[EvidenceLine],
                  attachments: Sequence[AttachmentLine], visit: Visit, page: PageFacts, lines: Sequence[SignLine],
                  fonts: Fonts, electronic: ElectronicSignature | None = None) -> Built:
    s = styles(fonts)
    blank = "　" * 12
    story: list = title_block(s, page.title, rules, page.year)
    licences = "；".join(f"{rules.unit_kinds.get(k, k)} {n}" for k, n in unit.licence_numbers.items()) or "—"
    story.append(info_table(s, [
        [(t("pdf.field.unit"), unit.name)],
        [(t("pdf.field.credit_code"), unit.credit_code), (t("pdf.field.kinds"), kinds_text(rules, unit))],
        [(t("pdf.field.licences"), licences)],
        [(t("pdf.field.visit_date"), visit.date or blank), (t("pdf.field.place"), visit.place or blank)],
        [(t("pdf.field.assessors"), "、".join(visit.assessors) or blank),
         (t("pdf.field.representative"), visit.representative or blank)],
    ]))

    story += h(t("pdf.record.clauses"), s)
    by_clause: dict[str, list[EvidenceLine]] = {}
    for line in evidence:
        by_clause.setdefault(line.clause_id, []).append(line)
    widths = [46 * mm, 50 * mm, 16 * mm, 34 * mm]
    widths.append(WIDTH - sum(widths))
    for section in rules.sections:
        for clause in (c for c in rules.clauses if c.section == section.id):
            result = unit_result.clause(clause.id)
            block: list = [p(t("pdf.record.clause", id=clause.id, title=clause.title), s.subheading)]
            e = result.explanation  # a ranking clause may keep its fact (the rating) among its steps
            facts = [render(m) for m in e.facts] or [render(m) for m in e.steps if not m.code.startswith("ranking.")]
            block.append(p(t("pdf.record.facts"), s.cell_bold))
            for fact in facts or [t("pdf.record.no_facts")]:
                block.append(ChineseParagraph("·&nbsp;" + x(fact), s.cell))
            rows = by_clause.get(clause.id, [])
            if rows:
                data = [[p(t("pdf.col.evidence"), s.head_cell), p(t("pdf.col.subject"), s.head_cell),
                         p(t("pdf.col.state"), s.head_cell), p(t("pdf.col.note"), s.head_cell),
                         p(t("pdf.col.ticked"), s.head_cell)]]
                for line in rows:
                    state = t(STATE_CODES[line.state])
                    data.append([p(line.item, s.cell), p(line.subject or "—", s.cell),
                                 p(state, s.cell_center if line.state == "seen" else s.cell_alert),
                                 p(line.note, s.cell), p(" ".join(v for v in (line.by, line.at) if v), s.cell_small)])
                table = Table(data, colWidths=widths, repeatRows=1, style=grid_style(s))
                block.append(Spacer(1, 1.5 * mm))
                block.append(table)
            story.append(KeepTogether(block[:4]))  # the clause's title stays with its first facts
            story += block[4:]

    story += h(t("pdf.record.negative"), s)
    n = unit.negative
    grades = "、".join(t("pdf.negative.credit_item", kind=rules.unit_kinds.get(k, k), grade=g)
                      for k, g in n.credit_grades.items()) or t("pdf.none")
    cancelled = "、".join(rules.unit_kinds.get(k, k) for k in n.licences_cancelled) or t("pdf.none")
    negatives = [
        t("pdf.negative.major_incident", value=t("pdf.yes") if n.major_incident else t("pdf.no")),
        t("pdf.negative.collective", count=n.collective_disputes_lost),
        t("pdf.negative.individual", count=n.individual_disputes_lost),
        t("pdf.negative.complaints", count=n.complaints),
        t("pdf.negative.credit", grades=grades),
        t("pdf.negative.cancelled", kinds=cancelled),
    ]
    story += [ChineseParagraph("·&nbsp;" + x(line), s.cell) for line in negatives]

    story += h(t("pdf.record.attachments"), s)
    if attachments:
        data = [[p(t(f"pdf.col.{c}"), s.head_cell) for c in ("no", "file", "clause", "description", "size",
                                                             "sha256")]]
        for i, a in enumerate(attachments, start=1):
            data.append([p(str(i), s.cell_center), p(a.name, s.cell), p(a.clause_id or "—", s.cell_center),
                         p(a.description or "—", s.cell),
                         p(size_text(a.size), s.cell_right),
                         ChineseParagraph(x(a.sha256[:32]) + "<br/>" + x(a.sha256[32:]), s.cell_small)])
        widths = [9 * mm, 42 * mm, 12 * mm, 45 * mm, 17 * mm]
        widths.append(WIDTH - sum(widths))
        story.append(Table(data, colWidths=widths, repeatRows=1, style=grid_style(s)))
    else:
        story.append(p(t("pdf.record.no_attachments"), s.body))

    story += h(t("pdf.record.remarks"), s)
    story.append(Table([[""]] * 4, colWidths=[WIDTH], rowHeights=[7 * mm] * 4,
                       style=TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.body),
                                         ("LINEBELOW", (0, 0), (-1, -1), 0.4, MUTED)])))

    story += signature_block(s, t("pdf.record.signatures"), lines, electronic)
    return build(story, page, fonts, author="、".join(visit.assessors), subject=unit.name)


# ------------------------------------------------------------------ 2. 考核评分表

def version_word(draft: bool, version: int, locked_version: int | None, moved: bool = False) -> str:
    """第 n 版 when signed; an unsigned copy of the version a locked unit was signed as (or, `moved`, the unit's
    figures now, no longer that version's); else a draft."""
    if not draft:
        return "pdf.version"
    if version == locked_version:
        return "pdf.version_copy_changed" if moved else "pdf.version_copy"
    return "pdf.version_draft"


def score_sheet(rules: RuleSet, result: YearResult, unit: Unit, page: PageFacts, *, version: int, draft: bool,
                lines: Sequence[SignLine], fonts: Fonts, electronic: ElectronicSignature | None = None,
                locked_version: int | None = None, started: bool = True, since_signed: Msg | None = None) -> Built:
    """`started`: something of the year is recorded for the unit (core/years/standing.py); before that the
    sheet gives it no place, status or grade. `since_signed`: an unsigned sheet of a locked unit whose figures
    moved since its version was signed (core/store/sheet_figures.py's sentence), said at its head."""
    s = styles(fonts)
    decimals = rules.reading("ranking_display_decimals")
    u = result.unit(unit.name)
    num = lambda value: format_number(value, decimals)  # noqa: E731
    story: list = title_block(s, page.title, rules, page.year)
    if locked_version is not None:
        state = t("pdf.final.locked", version=locked_version)
    else:
        state = t("pdf.final.yes") if unit.facts_final else t("pdf.final.no")
    story.append(info_table(s, [
        [(t("pdf.field.unit"), unit.name)],
        [(t("pdf.field.credit_code"), unit.credit_code), (t("pdf.field.kinds"), kinds_text(rules, unit))],
        [(t("pdf.field.member"), t("pdf.member.new") if unit.new_member else t("pdf.member.existing")),
         (t("pdf.field.final"), state)],
        [(t("pdf.field.rule_set"), rule_set_text(rules)),
         (t("pdf.field.version"), t(version_word(draft, version, locked_version, since_signed is not None),
                                    version=version))],
    ]))
    if since_signed is not None:
        story.append(p(render(since_signed), s.alert))
    provisional_mark = t("pdf.provisional_mark")
    any_provisional = any(c.provisional for c in u.clauses)
    if any_provisional and standing(rules, unit, u).e_settled:  # its points and total 暂定, its E certain
        story.append(p(t("report.provisional_e_settled", settled=e_settled_note(u.status)), s.alert))
    elif any_provisional:
        story.append(p(t("report.provisional"), s.alert))

    story += h(t("pdf.sheet.clauses"), s)
    header = [p(t(f"pdf.col.{c}"), s.head_cell) for c in ("clause", "content", "full", "points", "bonus",
                                                          "deduction", "net", "explanation")]
    data: list[list[Any]] = [header]
    extra: list[tuple] = []
    for section, section_result in zip(rules.sections, u.sections):
        for clause in (c for c in rules.clauses if c.section == section.id):
            r = u.clause(clause.id)
            net = clause_cell(r, decimals)
            data.append([p(clause.id, s.cell_center), p(clause.title, s.cell),
                         p(full_marks_cell(clause, decimals), s.cell_right),
                         p(num(r.points), s.cell_right), p(num(r.bonus), s.cell_right),
                         p(num(r.deduction), s.cell_right),
                         p(net, s.cell_right_alert if r.provisional else s.cell_right),
                         p(explanation_text(r, provisional_mark), s.cell_small)])
        row = len(data)
        data.append([p(t("pdf.sheet.subtotal", id=section.id, title=section.title), s.cell_bold), "",
                     p(num(section.points), s.cell_right), p(num(section_result.points), s.cell_right),
                     p(num(section_result.bonus), s.cell_right), p(num(section_result.deduction), s.cell_right),
                     p(num(section_result.net), s.cell_right), ""])
        extra += [("SPAN", (0, row), (1, row)), ("BACKGROUND", (0, row), (-1, row), SECTION_SHADE)]
    row = len(data)
    sums = [sum(getattr(sr, f) for sr in u.sections) for f in ("points", "bonus", "deduction", "net")]
    data.append([p(t("pdf.sheet.sum"), s.cell_bold), "", p(num(sum(sec.points for sec in rules.sections)),
                                                           s.cell_right)]
                + [p(num(v), s.cell_right) for v in sums] + [""])
    extra += [("SPAN", (0, row), (1, row)), ("BACKGROUND", (0, row), (-1, row), SHADE)]
    widths = [10 * mm, 36 * mm, 11 * mm, 11 * mm, 11 * mm, 11 * mm, 13 * mm]
    widths.append(WIDTH - sum(widths))
    story.append(Table(data, colWidths=widths, repeatRows=1, style=grid_style(s, 1, *extra)))

    story += h(t("pdf.sheet.negative"), s)
    data = [[p(t("pdf.col.item"), s.head_cell), p(t("pdf.col.count"), s.head_cell),
             p(t("pdf.col.deduction"), s.head_cell)]]
    for d in u.deductions:
        data.append([p(d.text, s.cell), p(str(d.count), s.cell_center), p(num(d.points), s.cell_right)])
    data.append([p(t("pdf.sheet.deductions_total"), s.cell_bold), "", p(num(u.deductions_total), s.cell_right)])
    story.append(Table(data, colWidths=[WIDTH - 40 * mm, 20 * mm, 20 * mm], repeatRows=1,
                       style=grid_style(s, 1, ("SPAN", (0, len(data) - 1), (1, len(data) - 1)),
                                        ("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), SECTION_SHADE))))

    story += h(t("pdf.sheet.result"), s)
    heads = [t("pdf.col.sections_net"), t("pdf.col.deduction"), t("pdf.col.total"), t("pdf.col.status"),
             t("pdf.col.grade"), t("pdf.col.rank", count=len(result.units))]
    verdict = ([status_text(u.status), u.grade, str(u.rank)] if started
               else [t("standing.not_started"), NO_VERDICT, NO_VERDICT])
    values = [num(sums[3]), num(u.deductions_total), num(u.total), *verdict]
    big = ParagraphStyle("big", parent=s.cell_center, fontName=fonts.heading, fontSize=11, leading=14)
    story.append(Table([[p(h, s.head_cell) for h in heads], [p(v, big) for v in values]],
                       colWidths=[WIDTH / 6] * 6, style=grid_style(s)))
    notes = [] if started else [t("pdf.sheet.not_started")]
    for reason in u.status_reasons if started else ():
        notes.append(t("pdf.sheet.status_reason", status=status_text(u.status), reason=reason.text))
    for note in u.grade_notes if started else ():
        notes.append(t("pdf.sheet.grade_note", note=render(note)))
    for msg in result.rejected_promotions:
        if msg.param("unit") == unit.name:
            notes.append(t("pdf.sheet.grade_note", note=render(msg)))
    for note in notes:
        story.append(ChineseParagraph("·&nbsp;" + x(note), s.cell))

    story += h(t("pdf.sheet.readings"), s)
    applied: dict[str, list[str]] = {}
    for r in u.clauses:
        for name in r.explanation.readings:
            applied.setdefault(name, []).append(r.clause_id)
    for name in rules.grades.readings:
        applied.setdefault(name, []).append(t("pdf.grades"))
    for name, where in applied.items():
        reading = t("pdf.reading", clauses="、".join(where), description=reading_text(rules, name, ""))
        story.append(p(reading, s.small))

    story += signature_block(s, t("pdf.sheet.signatures"), lines, electronic)
    return build(story, page, fonts, author="、".join(line.name for line in lines if line.role == "assessor"),
                 subject=unit.name)


# ------------------------------------------------------------------ 3. 考核结果汇总表

def year_summary(rules: RuleSet, result: YearResult, page: PageFacts, *, lines: Sequence[SignLine], fonts: Fonts,
                 electronic: ElectronicSignature | None = None, not_started: Collection[str] = (),
                 under_way: Collection[str] = (), settled: Collection[str] = ()) -> Built:
    """`not_started`: the names of the units nothing of the year is recorded for: no place, status or grade;
    `under_way`: those begun whose data is not final: their status and grade marked 暂定, as everywhere;
    `settled`: those whose E is certain though the rankings are 暂定 (core/years/standing.py e_settled)."""
    s = styles(fonts)
    decimals = rules.reading("ranking_display_decimals")
    num = lambda value: format_number(value, decimals)  # noqa: E731
    story: list = title_block(s, page.title, rules, page.year)
    story.append(p(t("pdf.summary.basis", rules=rule_set_text(rules), count=len(result.units)), s.body))
    if result.provisional:
        story.append(p(t("report.provisional"), s.alert))
    story += h(t("pdf.summary.table"), s)

    tiny = ParagraphStyle("tiny", parent=s.cell, fontSize=7, leading=8.6)
    tiny_r = ParagraphStyle("tiny_r", parent=tiny, alignment=TA_RIGHT)
    tiny_c = ParagraphStyle("tiny_c", parent=tiny, alignment=TA_CENTER)
    tiny_h = ParagraphStyle("tiny_h", parent=s.head_cell, fontSize=7, leading=8.6)
    tiny_alert = ParagraphStyle("tiny_alert", parent=tiny_c, textColor=ALERT)
    clause_ids = [c.id for c in rules.clauses]
    header = ([t("report.rank"), t("report.unit")] + clause_ids
              + [t("report.deductions"), t("report.total"), t("report.status"), t("report.grade"),
                 t("report.flags")])
    data: list[list[Any]] = [[p(h, tiny_h) for h in header]]
    extra: list[tuple] = []
    for u in result.units:
        flags = [flag] if (flag := tie_flag(result, u.name)) else []
        if any(n.code in PROMOTION_NOTES for n in u.grade_notes):
            flags.append(t("report.flag_promoted"))
        started = u.name not in not_started
        row = [p(str(u.rank) if started else NO_VERDICT, tiny_c), p(u.name, tiny)]
        row += [p(clause_cell(u.clause(cid), decimals), tiny_r) for cid in clause_ids]
        # （暂定） on a line of its own: the narrow columns would break it inside
        mark = "<br/>" + x(f"（{t('standing.provisional')}）") if u.name in under_way else ""
        row += [p(num(u.deductions_total), tiny_r), p(num(u.total), tiny_r),
                ChineseParagraph(x(status_text(u.status)) + mark, tiny_c if u.status == "qualified" else tiny_alert)
                if started else p(t("standing.not_started"), tiny_c),
                ChineseParagraph(x(u.grade) + mark, tiny_c) if started else p(NO_VERDICT, tiny_c),
                p(" ".join(flags), tiny_c)]
        data.append(row)
    fixed = [7 * mm, 0] + [8.2 * mm] * len(clause_ids) + [9 * mm, 11 * mm, 14.5 * mm, 10.5 * mm, 12 * mm]
    fixed[1] = WIDTH - sum(fixed)
    extra += [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SECTION_SHADE]),
              ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    story.append(Table(data, colWidths=fixed, repeatRows=1, style=grid_style(s, 1, *extra)))
    if result.provisional:
        story.append(p(t("pdf.summary.star"), s.small))
    if settled:  # under the table its grades are in (a long list of names above it would push the table down)
        story.append(p(settled_line(result, frozenset(settled)), s.alert))

    story += h(t("pdf.summary.notes"), s)
    notes = []
    for u in result.units:
        for reason in u.status_reasons if u.name not in not_started else ():
            notes.append(t("report.status_reason", unit=u.name, status=status_text(u.status), reason=reason.text))
        for d in u.deductions:
            if d.points:
                notes.append(t("report.deduction", unit=u.name, count=d.count, points=d.points, rule=d.text))
    if not_started:
        waiting = "、".join(u.name for u in result.units if u.name in not_started)
        notes.append(t("pdf.summary.not_started", units=waiting))
    for note in notes or [t("pdf.summary.no_notes")]:
        story.append(ChineseParagraph("·&nbsp;" + x(note), s.cell))

    story += h(t("pdf.summary.quotas"), s)
    quotas = [[p(h, s.head_cell) for h in (t("pdf.col.grade"), t("pdf.col.quota_cap"), t("pdf.col.quota_count"),
                                            t("pdf.col.quota_used"))]]
    for q in result.quotas:
        quotas.append([p(q.grade, s.cell_center), p(str(q.cap), s.cell_center), p(str(q.count), s.cell_center),
                       p(str(q.used), s.cell_center)])
    counts = {g: sum(1 for u in result.units if u.grade == g and u.name not in not_started)
              for g in rules.grades.order}
    story.append(Table(quotas, colWidths=[WIDTH / 4] * 4, repeatRows=1, style=grid_style(s)))
    story.append(Spacer(1, 2 * mm))
    story.append(p(t("pdf.summary.grade_counts", assessed=len(result.units),
                     counts="；".join([t("pdf.summary.grade_count", grade=g, count=c) for g, c in counts.items()]
                                     + ([t("pdf.summary.not_started_count", count=len(not_started))]
                                        if not_started else []))),
                   s.cell))
    lines_out = grade_decision_lines(result)
    for line in lines_out or [t("pdf.summary.no_ties")]:
        story.append(ChineseParagraph("·&nbsp;" + x(line), s.cell))

    story += signature_block(s, t("pdf.summary.signatures"), lines, electronic)
    return build(story, page, fonts, author="、".join(line.name for line in lines if line.role == "assessor"),
                 subject=page.title)
