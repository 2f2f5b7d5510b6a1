"""Every formula a clause may name, declared in one place: its parameters and readings, how it scores, what its
page edits, the evidence and facts it needs, whether it ranks (and how a rank becomes points), whether it scores
as a bonus, and the other clauses it reads. The loader, the engine, the guided assessment, the store, the PDF and
the desktop ask here and never compare a formula's name.

A new formula is one more `Kind` in `KINDS` (with its function in core/scoring/formulas.py, its bound version
in core/scoring/bound_formulas.py, and its row in docs/rule-sets.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from core.scoring import formulas
from core.scoring.facts import Unit

if TYPE_CHECKING:
    from core.scoring.rules import Clause

Number = int | Fraction

# What a page edits (ui/ has one editor per name). Record editors add, edit and remove records:
BASES, TRIPS, DELIVERIES = "bases", "trips", "deliveries"
# single-value editors:
PLATFORM_RATING, MANAGEMENT, INSURED_WORKERS, NEGATIVE = "platform_rating", "management", "insured_workers", "negative"
# In a page's base columns: the clause's record evidence, one checkbox column per item ("evidence:<item>").
RECORD_EVIDENCE = "evidence:*"

# The facts of a unit a clause may read, each with whether anything is entered for it.
FACTS: dict[str, Callable[[Unit], bool]] = {
    "bases": lambda u: bool(u.bases),
    "trips": lambda u: bool(u.trips),
    "people": lambda u: any(b.people for b in u.bases),
    "labour_people": lambda u: any(b.people for b in u.bases if b.type == "labour"),
    "school_people": lambda u: any(b.people for b in u.bases if b.type == "school"),
    # a school base's trainees and interns; people not told apart need the evidence of both (Base.trainees)
    "school_trainees": lambda u: any(b.effective_trainees()[0] for b in u.bases if b.type == "school"),
    "school_interns": lambda u: any(b.people - (b.trainees or 0) for b in u.bases if b.type == "school"),
    "retained": lambda u: any(b.retained for b in u.bases),
    "deliveries": lambda u: bool(u.deliveries),
    "platform_rating": lambda u: u.platform_rating is not None,
    "management": lambda u: u.management.awarded is not None or bool(u.management.reason),
    "insured_workers": lambda u: bool(u.insured_workers),
}

# A reading whose value is a list of the clause's record_evidence ids (checked against the clause).
RECORD_IDS = "record_ids"


def linear_curve(top: Number, step: Number, floor: Number, rank: int) -> Number:
    """The rank's points: top for the first, `step` less for each place after, never below `floor`."""
    # Compared in whole numbers first: most units of a large year are ranked down to the floor, and making
    # a Fraction for each of them is slow. max(floor, v) is floor exactly when v <= floor.
    d = top.denominator * step.denominator * floor.denominator
    if (top.numerator * (d // top.denominator) - step.numerator * (d // step.denominator) * (rank - 1)
            <= floor.numerator * (d // floor.denominator)):
        return floor
    return top - step * (rank - 1)


# How a ranking clause turns a rank into points (its `curve` parameter).
CURVES: dict[str, Callable[[Number, Number, Number, int], Number]] = {"linear": linear_curve}

# Parameters every ranking formula takes besides its own.
RANKING_PARAMS: dict[str, str] = {"top": "number", "step": "number", "floor": "number", "curve": "curve",
                                  "as_bonus": "bool"}
RANKING_READINGS: dict[str, Any] = {"tie_rule": ("competition", "dense"), "ranking_provisional_until_final": bool}


@dataclass(frozen=True)
class PageSpec:
    """What the clause's page of the guided assessment shows and edits."""
    editors: tuple[str, ...] = ()
    base_columns: tuple[str, ...] = ()  # bases table columns shown (RECORD_EVIDENCE: the record evidence's)
    base_editable: tuple[str, ...] = ()  # of those, the ones edited on this page
    records_added_here: bool = False  # bases/trips/deliveries are added and removed on this page
    count_source: bool = False  # where the people counts come from (rosters or typed)
    platform_source: bool = False  # where 3.1/3.2's figures come from (platform export or typed)


@dataclass(frozen=True)
class EvidenceNeed:
    """Clause evidence the unit must show: the items a parameter names (every item of the clause when None),
    needed once the fact `when` is entered (always when None)."""
    items: str | None = None
    when: str | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of clause formula: its parameters and readings, the page it is entered on, and how it scores."""
    name: str
    # parameter -> its kind: "number", "text", "ids" (evidence ids of the clause), "record_id" (one of its
    # record_evidence ids), "threshold" (a number with its comparison), "curve" (one of CURVES), "bool"
    params: Mapping[str, str]
    # reading -> the values it may take: a tuple of them, a type, or RECORD_IDS
    readings: Mapping[str, Any]
    page: PageSpec
    # (clause, rules, unit) -> a ClauseResult: the unit's points; for a ranking formula (`ranks`) a
    # Measure: the unit's value to rank, turned into points across the units by core/scoring/ranking.py
    function: Callable[..., Any]
    ranks: bool = False
    # Parameters added after rule sets were stored without them, with the value the program applied before
    # (core/scoring/rule_formats.py fills them in for an older rule set; docs/rule-sets.md lists them).
    defaults: Mapping[str, Any] = field(default_factory=dict)
    facts: tuple[str, ...] = ()  # the unit's facts its page enters (FACTS): entered, the clause is started
    records: str | None = None  # BASES or TRIPS: its record_evidence is ticked per record of that kind
    evidence: tuple[EvidenceNeed, ...] = (EvidenceNeed(),)
    needs_evidence: bool = False  # the rule set must give it at least one evidence item
    needs_record_evidence: bool = False  # … at least one record_evidence item
    reads: tuple[str, ...] = ()  # kinds whose clause's evidence decides its figures: the rule set must have them
    # (clause, unit) -> whether something the assessor typed waits for more before it applies (4.1's award
    # without its reason): the clause is then not done
    awaiting: Callable[[Clause, Unit], bool] | None = None
    # a message key: how the program applies the formula where the text leaves a choice it makes one way only (not
    # a reading: no rule set changes it), shown with the clause's readings
    practice: str | None = None


_PEOPLE_READINGS = {"new_member_bases_signed_in_period": bool, **RANKING_READINGS}
# Before the curve and the bonus were data every ranking was linear, and only 3.2's rating scored as a bonus.
_RANKED_BEFORE = {"curve": "linear", "as_bonus": False}

KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("bases",  # 1.1: bases set up, per item up to the points, then a bonus per base
         params={"per_item": "number", "bonus_per_item": "number", "bonus_cap": "number"},
         readings={"base_agreement_in_period": bool, "base_agreement_must_be_seen": bool},
         page=PageSpec(editors=(BASES,), base_columns=("name", RECORD_EVIDENCE, "agreement_date", "type", "region"),
                       base_editable=("name", "type", "region", "agreement_date", RECORD_EVIDENCE),
                       records_added_here=True),
         function=formulas.bases, facts=("bases",), records=BASES, evidence=(), needs_record_evidence=True),
    Kind("trips",  # 1.2: recruitment trips, online ones limited, 差 evaluations deducted
         params={"per_item": "number", "base_trips": "number", "min_enterprises": "threshold",
                 "bonus_per_item": "number", "bonus_cap": "number", "deduction_per_poor": "number",
                 "deduction_cap_per_trip": "number", "poor_verdict": "text", "evaluations_evidence": "record_id"},
         readings={"trip_in_period": bool, "online_trips_counted": int, "trip_clause_floor": int,
                   "trip_requires_evidence": RECORD_IDS},
         page=PageSpec(editors=(TRIPS,), records_added_here=True),
         function=formulas.trips, facts=("trips",), records=TRIPS, evidence=(), practice="kind.trips.practice"),
    Kind("all_evidence",  # 1.3, 4.3: every item ticked, the points; the checkboxes are the facts
         params={}, readings={}, page=PageSpec(),
         function=formulas.all_evidence, needs_evidence=True),
    Kind("people_ranked",  # 2.1: people brought, ranked
         params={"min_people": "threshold", **RANKING_PARAMS, "arrivals_evidence": "ids", "trainees_evidence": "ids",
                 "interns_evidence": "ids"},
         readings=_PEOPLE_READINGS,
         page=PageSpec(editors=(BASES,), base_columns=("name", "type", "agreement_date", "count_source", "people",
                                                       "trainees"),
                       base_editable=("people", "trainees", "count_source"), count_source=True),
         function=formulas.people_measure, ranks=True, defaults=_RANKED_BEFORE, facts=("people",),
         evidence=(EvidenceNeed("arrivals_evidence", "labour_people"),
                   EvidenceNeed("trainees_evidence", "school_trainees"),
                   EvidenceNeed("interns_evidence", "school_interns"))),
    Kind("retention_ranked",  # 2.2: share still there × number still there, ranked
         params={"min_ratio": "threshold", **RANKING_PARAMS, "retained_evidence": "ids", "retention_months": "number"},
         readings=_PEOPLE_READINGS,
         page=PageSpec(editors=(BASES,), base_columns=("name", "type", "count_source", "people", "retained",
                                                       "trainees_retained"),
                       base_editable=("retained", "trainees_retained", "count_source"), count_source=True),
         function=formulas.retention_measure, ranks=True, facts=("retained",),
         defaults={**_RANKED_BEFORE, "retention_months": 6},  # the 2022 text's 满六个月, fixed in the program before
         evidence=(EvidenceNeed(None, "retained"),), reads=("people_ranked",)),
    Kind("deliveries",  # 3.1: platform deliveries, per item up to the points, then a bonus
         params={"per_item": "number", "min_stars": "threshold", "bonus_per_item": "number", "bonus_cap": "number"},
         readings={"delivery_in_period": bool},
         page=PageSpec(editors=(DELIVERIES,), records_added_here=True, platform_source=True),
         function=formulas.deliveries, facts=("deliveries",), evidence=(EvidenceNeed(None, "deliveries"),)),
    Kind("rating_ranked",  # 3.2: the platform's composite rating, ranked, a bonus
         params={"min_rating": "threshold", **RANKING_PARAMS},
         readings=RANKING_READINGS,
         page=PageSpec(editors=(PLATFORM_RATING,), platform_source=True),
         function=formulas.rating_measure, ranks=True, defaults={**_RANKED_BEFORE, "as_bonus": True},
         facts=("platform_rating",),
         evidence=(EvidenceNeed(None, "platform_rating"),)),
    Kind("assessor_awarded",  # 4.1: the assessor's award, suggested from the items ticked
         params={"per_ticked_item": "number"}, readings={},
         page=PageSpec(editors=(MANAGEMENT,)),
         function=formulas.assessor_awarded, facts=("management",), needs_evidence=True,
         awaiting=formulas.award_awaiting_reason),
    Kind("insurance",  # 4.2: insured workers over the confirmed arrivals (2.1's evidence confirms them)
         params={"min_ratio": "threshold", "per_point_short": "number"},
         readings={"insurance_shortfall": ("continuous", "whole_points"), "new_member_bases_signed_in_period": bool},
         page=PageSpec(editors=(INSURED_WORKERS,), count_source=True),
         function=formulas.insurance, facts=("insured_workers",), evidence=(EvidenceNeed(None, "insured_workers"),),
         reads=("people_ranked",)),
)}


@dataclass(frozen=True)
class Dependency:
    """A clause whose figures rest on another kind's clause, which the rule set lacks."""
    clause: str
    needs: str  # the kind


def missing_dependencies(clauses: tuple[Clause, ...] | list[Clause]) -> list[Dependency]:
    present = {c.formula for c in clauses}
    return [Dependency(c.id, needed) for c in clauses for needed in KINDS[c.formula].reads if needed not in present]

