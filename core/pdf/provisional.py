"""Which score sheets, signed now in a given order, would still carry provisional ranking points (暂定),
and why: the other units whose facts are not final yet when each one is signed.

A ranking clause's points are final only when every unit's facts are (rules 2.1, 2.2, 3.2); signing a
sheet makes its own unit final, so a sheet signed while another unit is not final is signed 暂定 —
its ranking points and grade may still move. The assessor is told so before signing
(ui/pdf_export.py, cli/pdf.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from core.common.messages import Msg
from core.scoring.engine import YearResult
from core.scoring.facts import Year
from core.scoring.report import e_settled_note
from core.scoring.rules import RuleSet
from core.years.standing import FINAL, e_settled

NAMES_SHOWN = 5  # other units named in the sentence; the rest are counted


@dataclass(frozen=True)
class ProvisionalSheet:
    unit: str
    clauses: tuple[str, ...]  # its ranking clauses whose points stay provisional
    waiting_for: tuple[str, ...]  # the other units not final when it is signed
    e_settled: Msg | None = None  # why its E is certain once signed (core/years/standing.py): its grade is not 暂定

    def message(self) -> Msg:
        names = "、".join(self.waiting_for[:NAMES_SHOWN])
        shown = Msg.of("pdf.sign_provisional_more", names=names) if len(self.waiting_for) > NAMES_SHOWN else names
        if self.e_settled is not None:
            return Msg.of("pdf.sign_provisional_e_settled", unit=self.unit, clauses="、".join(self.clauses),
                          count=len(self.waiting_for), units=shown, settled=self.e_settled)
        return Msg.of("pdf.sign_provisional", unit=self.unit, clauses="、".join(self.clauses),
                      count=len(self.waiting_for), units=shown)


def provisional_when_signed(signed: Sequence[str], final: Mapping[str, bool],
                            provisional_clauses: Callable[[str], Sequence[str]]) -> list[ProvisionalSheet]:
    """The sheets of `signed` (unit names, in the order they are signed) that would be provisional.
    `final` tells every unit of the year whether its facts are final now; `provisional_clauses(unit)`
    are the unit's ranking clauses marked provisional in the current scores (none when the rules make
    no ranking provisional)."""
    finals = {name for name, is_final in final.items() if is_final}
    found = []
    for name in signed:
        waiting = tuple(other for other in final if other != name and other not in finals)
        finals.add(name)  # signing makes it final for the sheets signed after it
        clauses = tuple(provisional_clauses(name))
        if waiting and clauses:
            found.append(ProvisionalSheet(name, clauses, waiting))
    return found


def provisional_on_signing(names: Sequence[str], year: Year, result: YearResult,
                           locked: Callable[[str], bool], rules: RuleSet | None = None) -> list[ProvisionalSheet]:
    """The score sheets of the units `names`, about to be signed in that order, whose ranking points would
    still be provisional (`result`: the year scored now); a unit not of the year, or whose sheet is signed
    already (`locked`: it is not signed again), is left out. With `rules`, a sheet whose unit, final once
    signed, is 不合格 or 取消资格 whatever the others do says its E is certain."""
    units = {u.name: u for u in year.units}
    signed = [name for name in names if name in units and not locked(name)]
    found = provisional_when_signed(signed, {u.name: u.facts_final for u in year.units},
                                    lambda name: [c.clause_id for c in result.unit(name).clauses if c.provisional])
    if rules is None:
        return found
    # signing makes the unit final; the others still open, its points, total and status are as scored now
    return [replace(sheet, e_settled=e_settled_note(result.unit(sheet.unit).status))
            if e_settled(rules, units[sheet.unit], result.unit(sheet.unit), FINAL) else sheet for sheet in found]
