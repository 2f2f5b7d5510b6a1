"""Small builders for the facts of an assessment year, shared by the tests.

Everything here builds records of core.scoring.facts directly (no JSON), with defaults that are valid
for the 2022 rule set: dates inside the period, every per-record evidence item ticked, a valid
unified social credit code. Override what a test is about, keep the rest.

    from tests.builders import RULES, make_unit, base, trip, delivery, ticks, score, codes
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.common.credit_codes import USCC_ALPHABET, with_check_chars
from core.common.messages import Msg
from core.scoring.engine import YearResult, score_year
from core.scoring.facts import Base, Delivery, Management, Promotion, Trip, Unit, Year
from core.scoring.formulas import ClauseResult
from core.scoring.rules import RuleSet, load_rule_set, parse_rule_set

RULES: RuleSet = load_rule_set()
IN_PERIOD = dt.date(2022, 6, 1)
BEFORE_PERIOD = dt.date(2021, 12, 31)
AFTER_PERIOD = dt.date(2023, 1, 1)

# Clause-level evidence ids per clause, from the rule set (not hard-coded).
CLAUSE_EVIDENCE: dict[str, tuple[str, ...]] = {c.id: c.evidence_ids for c in RULES.clauses}
ARRIVALS_EVIDENCE = RULES.clause("2.1").params["arrivals_evidence"]
TRAINEES_EVIDENCE = RULES.clause("2.1").params["trainees_evidence"]
INTERNS_EVIDENCE = RULES.clause("2.1").params["interns_evidence"]


def rules_with(old: str, new: str, rules: RuleSet = RULES) -> RuleSet:
    """A copy of the rule set whose TOML text has `old` replaced (exactly once) by `new`."""
    assert rules.source_text.count(old) == 1, f"{old!r} must occur exactly once in the rule set"
    return parse_rule_set(rules.source_text.replace(old, new), source="<edited>")


def rules_with_reading(name: str, value_toml: str, rules: RuleSet = RULES) -> RuleSet:
    """A copy of the rule set with reading `name` set to `value_toml` (a TOML value literal)."""
    text = rules.source_text
    pattern = re.compile(rf"(\[readings\.{re.escape(name)}\]\s*\nvalue = )([^\n]*)")
    edited, n = pattern.subn(lambda m: m.group(1) + value_toml, text)
    assert n == 1, f"reading {name} not found"
    return parse_rule_set(edited, source="<edited>")


def credit_code(seed: str) -> str:
    """A valid 18-character unified social credit code derived from `seed`."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return with_check_chars("91" + "320509" + "".join(USCC_ALPHABET[b % len(USCC_ALPHABET)] for b in digest[:8]))


def ticks(items: Iterable[str], value: bool = True) -> dict[str, bool]:
    return dict.fromkeys(items, value)


def evidence(clauses: Iterable[str] | None = None, *, except_: Mapping[str, Iterable[str]] = {},
             only: Mapping[str, Iterable[str]] | None = None) -> dict[str, dict[str, bool]]:
    """Clause-level evidence ticks.

    evidence()                          every item of every clause ticked
    evidence(["2.1"])                   every item of clause 2.1 ticked, nothing else
    evidence(except_={"4.1": ["minutes"]})  everything ticked but 4.1's minutes (ticked False)
    evidence(only={"4.1": ["documents"]})   exactly these items ticked (others of those clauses False)
    """
    if only is not None:
        return {cid: {item: item in set(wanted) for item in CLAUSE_EVIDENCE[cid]} for cid, wanted in only.items()}
    chosen = list(CLAUSE_EVIDENCE) if clauses is None else list(clauses)
    result = {}
    for cid in chosen:
        unticked = set(except_.get(cid, ()))
        if CLAUSE_EVIDENCE[cid]:
            result[cid] = {item: item not in unticked for item in CLAUSE_EVIDENCE[cid]}
    return result


def untick(unit_evidence: Mapping[str, Mapping[str, bool]], clause_id: str, *items: str) -> dict:
    """A copy of clause-level evidence with these items of one clause set to False."""
    result = {cid: dict(t) for cid, t in unit_evidence.items()}
    result.setdefault(clause_id, {})
    for item in items:
        result[clause_id][item] = False
    return result


def make_unit(name: str = "单位", **overrides: Any) -> Unit:
    """A unit with no facts at all (so 0 everywhere) unless overridden."""
    values: dict[str, Any] = dict(name=name, credit_code=credit_code(name), kinds=("hr_service",))
    values.update(overrides)
    return Unit(**values)


def base(name: str = "基地", type: str = "labour", date: dt.date = IN_PERIOD, *, seen: bool = True,
         people: int = 0, retained: int = 0, trainees: int | None = None,
         trainees_retained: int | None = None) -> Base:
    return Base(name, type, date, {"agreement": seen}, people, retained, trainees=trainees,
                trainees_retained=trainees_retained)


def bases(n: int, **kwargs: Any) -> tuple[Base, ...]:
    return tuple(base(f"基地{i + 1}", **kwargs) for i in range(n))


def trip(mode: str = "offline", enterprises: int = 5, *, poor: int = 0, date: dt.date = IN_PERIOD,
         place: str = "贵州", filing: bool = True, photos: bool = True, forms_seen: bool = True,
         evaluations: tuple[str, ...] | None = None) -> Trip:
    """A trip; `poor` evaluations of 差, the rest of the enterprises rated 好; `forms_seen`: the
    enterprises' evaluation forms (附件6) ticked as seen."""
    if evaluations is None:
        evaluations = ("差",) * poor + ("好",) * max(0, enterprises - poor)
    return Trip(date, place, mode, enterprises, {"filing": filing, "evaluations": forms_seen, "photos": photos},
                tuple(evaluations))


def delivery(stars: int = 5, date: dt.date = IN_PERIOD, enterprise: str = "缺工企业") -> Delivery:
    return Delivery(date, enterprise, stars)


def deliveries(n: int, **kwargs: Any) -> tuple[Delivery, ...]:
    return tuple(delivery(enterprise=f"企业{i + 1}", **kwargs) for i in range(n))


def people_unit(name: str, people: int, retained: int = 0, *, type: str = "labour", **overrides: Any) -> Unit:
    """A unit whose only facts are one base bringing `people` (confirmed: 2.1 and 2.2 evidence ticked)."""
    values: dict[str, Any] = dict(bases=(base(f"{name}基地", type, people=people, retained=retained),),
                                  evidence=evidence(["2.1", "2.2"]))
    values.update(overrides)
    return make_unit(name, **values)


def strong_unit(name: str = "满分单位", **overrides: Any) -> Unit:
    """A unit that, alone in its year, earns every clause's full points (total 100) and no bonus."""
    values: dict[str, Any] = dict(
        bases=(base("劳务基地甲", people=100, retained=100, seen=True),
               base("劳务基地乙"), base("政校基地", "school")),
        trips=(trip(), trip()),
        evidence=evidence(),
        deliveries=deliveries(4),
        management=Management(),
        insured_workers=100,
    )
    values.update(overrides)
    return make_unit(name, **values)


def make_year(*units: Unit, quotas: Mapping[str, int] | None = None,
              promotions: Iterable[Promotion] = (), rules: RuleSet = RULES) -> Year:
    return Year(rules.year, rules.id, tuple(units), dict(quotas or {}), tuple(promotions))


def score(*units: Unit, rules: RuleSet = RULES, **year_kwargs: Any) -> YearResult:
    return score_year(rules, make_year(*units, rules=rules, **year_kwargs))


def clause(result: YearResult, unit: str, clause_id: str) -> ClauseResult:
    return result.unit(unit).clause(clause_id)


def _walk(value: Any) -> Iterable[str]:
    if isinstance(value, Msg):
        yield value.code
        for _, param in value.params:
            yield from _walk(param)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item)


def codes(result: ClauseResult | Iterable[Msg]) -> set[str]:
    """Every message code in a clause result's explanation (facts, missing, steps), nested ones included."""
    if isinstance(result, ClauseResult):
        e = result.explanation
        return set(_walk(e.facts)) | set(_walk(e.missing)) | set(_walk(e.steps))
    return set(_walk(tuple(result)))


def missing_codes(result: ClauseResult) -> set[str]:
    return set(_walk(result.explanation.missing))


