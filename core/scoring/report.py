"""A year's results as a printable ranking table and as JSON."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any

from core.common.messages import Msg, format_number, jsonable, render
from core.scoring.engine import PROMOTION_NOTES, GradeTie, UnitResult, YearResult
from core.scoring.formulas import ClauseResult
from core.scoring.rules import Clause, RuleSet


def text(code: str, **params: Any) -> str:
    return render(Msg.of(code, **params))


def display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(s: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(s))
    return gap + s if right else s + gap


NO_VERDICT = "—"  # the place or grade of a unit nobody has assessed yet


def provisional(verdict: str) -> str:
    """A status or grade marked 暂定, as the desktop marks a unit's own while its data is not final."""
    return f"{verdict}（{text('standing.provisional')}）"


def verdict_cells(unit, not_started: frozenset[str], under_way: frozenset[str]) -> tuple[str, str]:
    """The unit's status and grade as every output shows them: none before its assessment starts, marked
    暂定 while its own data is not final."""
    if unit.name in not_started:
        return text("standing.not_started"), NO_VERDICT
    status = text(f"status.{unit.status}")
    return (provisional(status), provisional(unit.grade)) if unit.name in under_way else (status, unit.grade)


def settled_line(result: YearResult, settled: frozenset[str]) -> str:
    """E 级已定：… — the units whose E is certain though the year's rankings are 暂定, in the table's order."""
    return text("report.e_settled", units="、".join(u.name for u in result.units if u.name in settled))


def headcounts_held_back(rules: RuleSet, unit) -> tuple[tuple[Msg, ...], int]:
    """The unit's people its bases brought that section 二 does not count while the evidence confirming them is
    not seen (2.1's lines 某基地输送的 12 人未确认：缺少…, 政校合作基地的见习 12 人未确认：缺少…), and how many people
    that is (each group once: a kind of base's people, the school bases' trainees, their interns)."""
    clause = rules.clause_entering("people")
    if clause is None:
        return (), 0
    held = tuple(m for m in unit.clause(clause.id).explanation.missing if m.code in HELD_CODES)
    return held, sum({(m.code, m.param("kind")): m.param("people") for m in held}.values())


# 2.1's lines of people not counted: a kind of base's people, or a school base's trainees or interns
HELD_CODES = ("missing.people", "missing.trainees", "missing.interns")


def results_title(rules: RuleSet, year: int) -> str:
    """The title of a year's results from its rule set's: 2022年度“乐业吴江”…绩效考核结果 from
    2022年“乐业吴江”…绩效考核细则 (a rules' name — 细则, 办法 — is no results' name)."""
    subject = re.sub(r"^\s*\d{4}\s*年度?", "", rules.title)
    match = re.search(r"(实施细则|细则|办法|方案|规定)", subject)
    if match is None:
        return text("report.title_other", year=year, title=rules.title)
    return text("report.title", year=year, subject=subject[:match.start()],
                tail=subject[match.end():].strip())


def tie_flag(result: YearResult, name: str) -> str | None:
    """The flag of a unit tied at a quota boundary: 并列待定 until the administrator decides the tie, then 并列已定."""
    tie = next((t for t in result.ties if name in t.units), None)
    if tie is None:
        return None
    return text("report.flag_tie_settled" if tie.settled else "report.flag_tie")


def tie_text(tie: GradeTie) -> str:
    """One line on a tie at a quota boundary: pending (all at the lower grade until the administrator raises
    one), or what the administrator decided, who was raised to which grade and why."""
    units = "、".join(tie.units)
    if not tie.settled:
        return text("report.tie", total=tie.total, upper=tie.upper, lower=tie.lower, units=units)
    decided = "；".join(text("report.tie_raised", unit=unit, grade=grade, reason=reason.rstrip("。；; "))
                       for unit, grade, reason in tie.raised)
    if not tie.kept:
        return text("report.tie_settled_all", total=tie.total, upper=tie.upper, lower=tie.lower, units=units,
                    decided=decided)
    return text("report.tie_settled", total=tie.total, upper=tie.upper, lower=tie.lower, units=units,
                decided=decided, kept="、".join(tie.kept))


def grade_decision_lines(result: YearResult) -> list[str]:
    """The year's lines on grades beyond the plain order, as every output lists them: each boundary tie and
    how it stands, each unit the administrator moved into a free place (a raise within a tie is told on the
    tie's line), and each promotion the quotas refused."""
    lines = [tie_text(tie) for tie in result.ties]
    for unit in result.units:
        for note in unit.grade_notes:
            if note.code == "grade.moved_into_free_place":
                lines.append(text("report.grade_note", unit=unit.name, note=render(note)))
    lines += [render(m) for m in result.rejected_promotions]
    return lines


NO_FULL_MARKS = "—"  # a clause that scores only as a bonus (3.2) or only takes points off: it has no full marks


def full_marks_cell(clause: Clause, decimals: int = 2) -> str:
    """A clause's 满分 as every output shows it: its points, or a dash for a clause without (3.2, 加分项) — 0 would
    read as a clause worth nothing."""
    return format_number(clause.points, decimals) if clause.points else NO_FULL_MARKS


def clause_cell(result: ClauseResult, decimals: int) -> str:
    mark = "*" if result.provisional else ""
    return format_number(result.net, decimals) + mark


def ranking_table(rules: RuleSet, result: YearResult, not_started: frozenset[str] = frozenset(),
                  under_way: frozenset[str] = frozenset(), settled: frozenset[str] = frozenset()) -> str:
    """The year as a text table; the units in `not_started` (nothing of the year recorded for them,
    core/years/standing.py) get no place, status or grade, and no reasons for a verdict; those in
    `under_way` (begun, their data not final) have their status and grade marked 暂定; those in `settled` (final,
    their E certain whatever the others do: core/years/standing.py e_settled) are named as not 暂定 in grade."""
    decimals = rules.reading("ranking_display_decimals")
    header = [text("report.rank"), text("report.unit")]
    for section in rules.sections:
        header += [c.id for c in rules.clauses if c.section == section.id] + [section.id]
    header += [text("report.deductions"), text("report.total"), text("report.status"), text("report.grade"),
               text("report.flags")]
    rows = []
    for unit in result.units:
        waiting = unit.name in not_started
        row = [NO_VERDICT if waiting else str(unit.rank), unit.name]
        for section, section_result in zip(rules.sections, unit.sections):
            row += [clause_cell(unit.clause(c.id), decimals) for c in rules.clauses if c.section == section.id]
            row.append(format_number(section_result.net, decimals))
        flags = [flag] if (flag := tie_flag(result, unit.name)) else []
        if any(n.code in PROMOTION_NOTES for n in unit.grade_notes):
            flags.append(text("report.flag_promoted"))
        row += [format_number(unit.deductions_total, decimals), format_number(unit.total, decimals),
                *verdict_cells(unit, not_started, under_way), "" if waiting else " ".join(flags)]
        rows.append(row)
    widths = [max(display_width(r[i]) for r in [header] + rows) for i in range(len(header))]
    numeric = set(range(2, len(header) - 3))
    lines = [results_title(rules, result.year),
             text("report.rule_set", document=rules.document, id=rules.id, title=rules.title, sha=rules.sha256[:12]), ""]
    for r in [header] + rows:
        lines.append("  ".join(pad(cell, widths[i], right=i in numeric or i == 0) for i, cell in enumerate(r)).rstrip())
    lines.append("")
    if result.provisional:
        lines.append(text("report.provisional"))
    if settled:
        lines.append(settled_line(result, settled))
    if under_way:
        lines.append(text("report.under_way", units="、".join(u.name for u in result.units if u.name in under_way)))
    if not_started:
        lines.append(text("report.not_started", units="、".join(u.name for u in result.units if u.name in not_started)))
    for unit in result.units:
        if unit.name in not_started:
            continue
        for reason in unit.status_reasons:
            lines.append(text("report.status_reason", unit=unit.name, status=text(f"status.{unit.status}"),
                              reason=reason.text))
        for d in unit.deductions:
            if d.points:
                lines.append(text("report.deduction", unit=unit.name, count=d.count, points=d.points, rule=d.text))
    quotas = "；".join(text("report.quota", grade=q.grade, count=q.count, cap=q.cap, used=q.used)
                      for q in result.quotas)
    lines.append(text("report.quotas", assessed=len(result.units), quotas=quotas))
    lines += grade_decision_lines(result)
    return "\n".join(lines)


def clause_json(rules: RuleSet, result: ClauseResult) -> dict[str, Any]:
    e = result.explanation
    return {
        "id": result.clause_id, "points": jsonable(result.points), "bonus": jsonable(result.bonus),
        "deduction": jsonable(result.deduction), "net": jsonable(result.net), "provisional": result.provisional,
        "rank": result.rank, "ranked_among": result.ranked_among,
        "value": None if result.value is None else jsonable(result.value),
        "explanation": {
            "facts": [m.as_json() for m in e.facts], "missing": [m.as_json() for m in e.missing],
            "steps": [m.as_json() for m in e.steps], "notes": [m.as_json() for m in e.notes],
            "readings": [{"name": n, "value": rules.readings[n].value, "description": rules.readings[n].description,
                          **({"choices": {c.value: c.description for c in rules.readings[n].choices}}
                             if rules.readings[n].choices else {})}
                         for n in e.readings],
        },
    }


def year_result_json(rules: RuleSet, result: YearResult, not_started: frozenset[str] = frozenset(),
                     under_way: frozenset[str] = frozenset(), settled: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The year's result as JSON; a unit in `not_started` (nothing of the year recorded for it) is marked
    so, as the text table shows it without place, status or grade; one in `under_way` (its data not final)
    is marked provisional, as the table marks its status and grade 暂定; one in `settled` has `e_settled`
    (its E certain though the rankings are 暂定, core/years/standing.py)."""
    return {
        "rule_set": {"id": rules.id, "title": rules.title, "document": rules.document, "sha256": rules.sha256},
        "year": result.year,
        "provisional": result.provisional,
        "quotas": [{"grade": q.grade, "cap": q.cap, "count": q.count, "used": q.used} for q in result.quotas],
        "ties": [{"upper": t.upper, "lower": t.lower, "total": jsonable(t.total), "units": list(t.units),
                  "settled": t.settled, "raised": [{"unit": u, "grade": g, "reason": r} for u, g, r in t.raised],
                  "text": tie_text(t)}
                 for t in result.ties],
        "rejected_promotions": [m.as_json() for m in result.rejected_promotions],
        "units": [{
            "name": u.name, "not_started": u.name in not_started, "data_final": not (u.name in not_started
                                                                                      or u.name in under_way),
            **({"standing_text": text("standing.not_started")} if u.name in not_started else {}),
            "rank": u.rank, "total": jsonable(u.total), "status": u.status,
            "status_text": text(f"status.{u.status}"),
            "status_reasons": [{"id": r.veto_id, "text": r.text, "revoked": r.revoked} for r in u.status_reasons],
            "grade": u.grade, "grade_notes": [m.as_json() for m in u.grade_notes], "e_settled": u.name in settled,
            "deductions": [{"id": d.id, "count": d.count, "points": jsonable(d.points), "text": d.text}
                           for d in u.deductions],
            "deductions_total": jsonable(u.deductions_total),
            "sections": [{"id": s.id, "title": s.title, "points": jsonable(s.points), "bonus": jsonable(s.bonus),
                          "deduction": jsonable(s.deduction), "net": jsonable(s.net)} for s in u.sections],
            "clauses": [clause_json(rules, c) for c in u.clauses],
        } for u in result.units],
    }


MOVED_NAMED = 5  # the units a change of verdicts names, the rest counted


def moved_verdicts(before: YearResult, after: YearResult, unsaid: Collection[str]) -> Msg | None:
    """The units (but those `unsaid`) whose 考核结果 or 等级 is not what it was before a change, in the year's
    order, each with what it was and is (某某公司（合格 → 不合格，D级 → E级））; None: none moved."""
    return moved_words(verdict_moves(before, after, unsaid))


def verdict_moves(before: YearResult, after: YearResult,
                  unsaid: Collection[str]) -> list[tuple[UnitResult, UnitResult]]:
    """(was, is) of each unit but those `unsaid` whose 考核结果 or 等级 is not what it was, in the year's order."""
    was = {u.name: u for u in before.units}
    return [(old, u) for u in after.units if u.name not in unsaid and (old := was.get(u.name)) is not None
            and (old.status, old.grade) != (u.status, u.grade)]


def moved_words(moved: Sequence[tuple[UnitResult, UnitResult]]) -> Msg | None:
    """verdict_moves in words: 另有 2 家…：某某公司（合格 → 不合格，D级 → E级）…; None for none."""
    if not moved:
        return None
    named = []
    for old, now in moved[:MOVED_NAMED]:
        status = Msg.of("report.moved_status", before=Msg.of(f"status.{old.status}"),
                        after=Msg.of(f"status.{now.status}"))
        grade = Msg.of("report.moved_grade", before=old.grade, after=now.grade)
        changes = (Msg.of("report.moved_both", status=status, grade=grade)
                   if old.status != now.status and old.grade != now.grade
                   else status if old.status != now.status else grade)
        named.append(Msg.of("report.moved_unit", unit=now.name, changes=changes))
    return Msg.of("report.verdicts_moved", count=len(moved), units=named,
                  more=Msg.of("report.moved_more", count=len(moved)) if len(moved) > MOVED_NAMED else "")


def e_settled_note(status: str) -> Msg:
    """Why a unit's E is not 暂定 though its total and place are (core/years/standing.py e_settled), in the words
    the year before's grade uses."""
    return Msg.of("standing.e_settled", status=Msg.of(f"status.{status}"))
