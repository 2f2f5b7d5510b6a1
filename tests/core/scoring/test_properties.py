"""Properties of scoring over random years (hypothesis): order independence, monotonicity, bounds, grades."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.common.messages import Msg, catalogue, render
from core.scoring.engine import QUALIFIED, score_year
from core.scoring.facts import Management, Negative, Promotion, Year
from tests.builders import CLAUSE_EVIDENCE, RULES, base, credit_code, delivery, make_unit, trip

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

IN_PERIOD_DATES = [dt.date(2022, 1, 1), dt.date(2022, 6, 15), dt.date(2022, 12, 31)]
OTHER_DATES = [dt.date(2021, 12, 31), dt.date(2021, 3, 1), dt.date(2023, 1, 1)]
dates = st.sampled_from(IN_PERIOD_DATES + OTHER_DATES)
in_period = st.sampled_from(IN_PERIOD_DATES)
KINDS = [("hr_service",), ("labour_dispatch",), ("hr_service", "labour_dispatch")]
GRADES = RULES.grades.order

MOSTLY_TRUE = st.integers(0, 3).map(bool)


@st.composite
def bases_(draw, date=dates, seen=st.booleans()):
    people = draw(st.integers(0, 120))
    retained = draw(st.integers(0, people))
    # a school base's trainees among its people and retained, or not told apart (None)
    trainees = draw(st.none() | st.integers(0, people))
    trainees_retained = None if trainees is None else draw(st.none() | st.integers(0, min(trainees, retained)))
    return base(draw(st.sampled_from(["甲", "乙", "丙"])), draw(st.sampled_from(["labour", "school"])), draw(date),
                seen=draw(seen), people=people, retained=retained, trainees=trainees,
                trainees_retained=trainees_retained)


@st.composite
def trips_(draw, poor=None, date=dates):
    enterprises = draw(st.integers(0, 9))
    n_poor = draw(st.integers(0, enterprises)) if poor is None else poor
    return trip(draw(st.sampled_from(["offline", "online"])), enterprises, poor=n_poor, date=draw(date),
                filing=draw(MOSTLY_TRUE), photos=draw(MOSTLY_TRUE))


def deliveries_(stars=st.integers(1, 5), date=dates):
    return st.builds(delivery, stars, date)


# Strategies are built once and reused: building them inside every draw costs more than scoring.
# Whole units come from a seeded generator; the records added by the monotonicity tests are drawn.
NEW_BASE = bases_(date=in_period, seen=st.just(True))
CLEAN_TRIP = trips_(poor=0)
GOOD_DELIVERY = deliveries_(stars=st.integers(4, 5), date=in_period)
EVIDENCE_ITEMS = [(cid, item) for cid, items in CLAUSE_EVIDENCE.items() for item in items]


def random_unit(rng: random.Random):
    """One unit's facts drawn from a seeded generator (one hypothesis draw per unit keeps runs fast).

    A per-unit quality makes some units strong (many counted records, evidence ticked), so that
    a good share of units pass 60 and the grade quotas, ties and promotions are exercised.
    """
    quality = rng.random()

    def likely():
        return rng.random() < 0.55 + 0.45 * quality

    def pick_date():
        return rng.choice(IN_PERIOD_DATES) if likely() else rng.choice(OTHER_DATES)

    def rare():
        return rng.random() < 0.04

    kinds = rng.choice(KINDS)
    bases_list = []
    for _ in range(rng.randint(round(3 * quality), 6)):
        people = rng.randint(0, 120)
        bases_list.append(base(rng.choice(["甲", "乙", "丙"]), rng.choice(["labour", "school"]), pick_date(),
                               seen=likely(), people=people, retained=rng.randint(people // 3, people)))
    trips_list = []
    for _ in range(rng.randint(round(2 * quality), 6)):
        enterprises = rng.randint(round(5 * quality), 9)
        trips_list.append(trip(rng.choice(["offline", "offline", "online"]), enterprises,
                               poor=rng.choice([0, 0, rng.randint(0, enterprises)]), date=pick_date(),
                               filing=likely(), photos=likely()))
    deliveries_list = [delivery(rng.randint(1 + round(3 * quality), 5), pick_date())
                       for _ in range(rng.randint(round(4 * quality), 8))]
    ticks: dict[str, dict[str, bool]] = {}
    for cid, item in EVIDENCE_ITEMS:
        ticks.setdefault(cid, {})[item] = likely()
    negative = Negative(
        major_incident=rare(),
        licences_cancelled=tuple(k for k in kinds if rare()),
        credit_grades={k: g for k in kinds if (g := rng.choice([None] * 6 + list(RULES.credit_scale(k)))) is not None},
        collective_disputes_lost=rng.choice([0] * 8 + [1, 2]),
        individual_disputes_lost=rng.choice([0] * 6 + [1, 2]),
        complaints=rng.randint(0, 7),
    )
    return make_unit(
        "未命名", kinds=kinds, new_member=rng.random() < 0.3, facts_final=rng.random() < 0.7,
        bases=tuple(bases_list), trips=tuple(trips_list), evidence=ticks, deliveries=tuple(deliveries_list),
        platform_rating=rng.choice([None, Fraction(rng.randint(30, 50), 10)]),
        management=Management(rng.choice([None, Fraction(rng.randint(0, 20), 2)]), rng.choice(["", "现场核查"])),
        insured_workers=rng.randint(0, 150),
        negative=negative,
    )


# Small seeds recur, so some units share all their facts: tied values and tied totals.
UNIT = (st.integers(0, 7) | st.integers(0, 2 ** 32)).map(lambda seed: random_unit(random.Random(seed)))


@st.composite
def years(draw, min_units=1, max_units=15):
    raw = draw(st.lists(UNIT, min_size=min_units, max_size=max_units))
    names = [f"单位{i:02}" for i in range(len(raw))]
    unit_list = [dataclasses.replace(u, name=n, credit_code=credit_code(n)) for u, n in zip(raw, names)]
    caps = RULES.quota_caps(len(names))
    quotas = {g: q for g, cap in caps.items() if (q := draw(st.none() | st.integers(0, cap))) is not None}
    promotions = draw(st.lists(st.builds(Promotion, st.sampled_from(names), st.sampled_from(GRADES),
                                         st.just("考核人员复核")), max_size=2))
    year = Year(RULES.year, RULES.id, tuple(unit_list), quotas, ())
    # Promotions an assessor would actually ask for: tied units into the grade above the tie.
    candidates = [Promotion(name, tie.upper, "并列复核") for tie in score_year(RULES, year).ties for name in tie.units]
    if candidates:
        promotions += draw(st.lists(st.sampled_from(candidates), max_size=3))
    return Year(RULES.year, RULES.id, tuple(unit_list), quotas, tuple(draw(st.permutations(promotions))))


YEARS, SMALL_YEARS = years(), years(max_units=6)


def with_unit(year: Year, index: int, unit) -> Year:
    units_ = list(year.units)
    units_[index] = unit
    return Year(year.year, year.rule_set, tuple(units_), year.grade_quotas, year.grade_promotions)


def bonus_cap(clause) -> Fraction:
    if "bonus_cap" in clause.params:
        return clause.params["bonus_cap"]
    if clause.kind.ranks and clause.params["as_bonus"]:
        return clause.params["top"]
    return Fraction(0)


# ------------------------------------------------------------------ order independence

@SETTINGS
@given(data=st.data())
def test_permuting_units_changes_no_result(data):
    year = data.draw(YEARS)
    shuffled = data.draw(st.permutations(year.units))
    first = score_year(RULES, year)
    second = score_year(RULES, Year(year.year, year.rule_set, tuple(shuffled), year.grade_quotas,
                                    year.grade_promotions))
    for unit in year.units:
        assert first.unit(unit.name) == second.unit(unit.name)
    assert first.units == second.units
    assert first.quotas == second.quotas
    assert set(first.ties) == set(second.ties)
    assert first.rejected_promotions == second.rejected_promotions


# ------------------------------------------------------------------ monotonicity

@SETTINGS
@given(data=st.data())
def test_adding_a_seen_in_period_base_never_lowers_1_1(data):
    year = data.draw(SMALL_YEARS)
    i = data.draw(st.integers(0, len(year.units) - 1))
    unit = year.units[i]
    extra = data.draw(NEW_BASE)
    before = score_year(RULES, year).unit(unit.name).clause("1.1")
    after = score_year(RULES, with_unit(year, i, dataclasses.replace(
        unit, bases=unit.bases + (extra,)))).unit(unit.name).clause("1.1")
    assert after.net >= before.net
    assert after.points + after.bonus >= before.points + before.bonus


@SETTINGS
@given(data=st.data())
def test_adding_a_qualifying_delivery_never_lowers_3_1(data):
    year = data.draw(SMALL_YEARS)
    i = data.draw(st.integers(0, len(year.units) - 1))
    unit = year.units[i]
    extra = data.draw(GOOD_DELIVERY)
    before = score_year(RULES, year).unit(unit.name).clause("3.1")
    after = score_year(RULES, with_unit(year, i, dataclasses.replace(
        unit, deliveries=unit.deliveries + (extra,)))).unit(unit.name).clause("3.1")
    assert after.net >= before.net


@SETTINGS
@given(data=st.data())
def test_adding_a_trip_without_poor_evaluations_never_lowers_1_2(data):
    year = data.draw(SMALL_YEARS)
    i = data.draw(st.integers(0, len(year.units) - 1))
    unit = year.units[i]
    extra = data.draw(CLEAN_TRIP)
    before = score_year(RULES, year).unit(unit.name).clause("1.2")
    after = score_year(RULES, with_unit(year, i, dataclasses.replace(
        unit, trips=unit.trips + (extra,)))).unit(unit.name).clause("1.2")
    assert after.net >= before.net


# ------------------------------------------------------------------ bounds and grades

@SETTINGS
@given(year=YEARS)
def test_every_clause_within_its_bounds_and_totals_non_negative(year):
    result = score_year(RULES, year)
    assert len(result.units) == len(year.units)
    for sheet in result.units:
        for clause, outcome in zip(RULES.clauses, sheet.clauses):
            assert outcome.clause_id == clause.id
            assert 0 <= outcome.points <= clause.points, clause.id
            assert 0 <= outcome.bonus <= bonus_cap(clause), clause.id
            assert outcome.deduction >= 0
            assert 0 <= outcome.net <= outcome.points + outcome.bonus, clause.id
            for value in (outcome.points, outcome.bonus, outcome.deduction, outcome.net):
                assert isinstance(value, (int, Fraction)) and not isinstance(value, bool)  # exact, never float
        for section in sheet.sections:
            rule_section = next(x for x in RULES.sections if x.id == section.id)
            members = [o for c, o in zip(RULES.clauses, sheet.clauses) if c.section == section.id]
            assert 0 <= section.points <= rule_section.points
            assert section.net == sum(o.net for o in members)
            assert section.bonus == sum(o.bonus for o in members)
        assert sheet.total >= 0
        assert sheet.total == max(Fraction(0), sum(c.net for c in sheet.clauses) - sheet.deductions_total)


@SETTINGS
@given(year=YEARS)
def test_every_unit_gets_one_grade_and_quotas_are_never_exceeded(year):
    result = score_year(RULES, year)
    assert sorted(u.name for u in result.units) == sorted(u.name for u in year.units)
    caps = RULES.quota_caps(len(year.units))
    for sheet in result.units:
        assert sheet.grade in GRADES
        assert (sheet.grade == RULES.reading("unqualified_grade")) is (sheet.status != QUALIFIED)
    for quota in result.quotas:
        holders = sum(1 for u in result.units if u.grade == quota.grade)
        assert holders == quota.used <= quota.count <= caps[quota.grade]
        assert quota.count <= year.grade_quotas.get(quota.grade, quota.cap)
    # ranks: competition ranking over totals, best first, every qualified unit before the others
    def ahead(other, sheet) -> bool:
        qualified_first = (other.status == "qualified") - (sheet.status == "qualified")
        return qualified_first > 0 or (qualified_first == 0 and other.total > sheet.total)
    for sheet in result.units:
        assert sheet.rank == 1 + sum(1 for other in result.units if ahead(other, sheet))
    # without promotions, a higher total never gets a worse grade among qualified units
    plain = score_year(RULES, Year(year.year, year.rule_set, year.units, year.grade_quotas, ()))
    qualified = [u for u in plain.units if u.status == QUALIFIED]
    for better in qualified:
        for worse in qualified:
            if better.total > worse.total:
                assert GRADES.index(better.grade) <= GRADES.index(worse.grade)


def _messages(value):
    if isinstance(value, Msg):
        yield value
        for _, param in value.params:
            yield from _messages(param)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _messages(item)


@SETTINGS
@given(year=SMALL_YEARS)
def test_every_message_returned_has_a_text_and_renders(year):
    result = score_year(RULES, year)
    found = []
    for sheet in result.units:
        for outcome in sheet.clauses:
            e = outcome.explanation
            found += list(_messages(e.facts + e.missing + e.steps))
            assert all(name in RULES.readings for name in e.readings)
        found += list(_messages(sheet.grade_notes))
    found += list(_messages(result.rejected_promotions))
    for msg in found:
        assert msg.code in catalogue(), msg.code
        assert render(msg)


# ------------------------------------------------------------------ fast path == explained path

@SETTINGS
@given(year=YEARS)
def test_recompute_numbers_equal_the_explained_formulas(year):
    """score_year runs each formula's bound version (core/scoring/bound_formulas.py), which builds no
    message; the formula itself (as reading an explanation runs it) must give exactly the same numbers."""
    from core.scoring.ranking import ranked_points

    result = score_year(RULES, year)
    units = {u.name: u for u in year.units}
    for clause in RULES.clauses:
        if not clause.kind.ranks:
            explained = {n: clause.kind.function(clause, RULES, u) for n, u in units.items()}
        else:
            measures = {n: clause.kind.function(clause, RULES, u) for n, u in units.items()}
            explained = ranked_points(clause, RULES, measures, result.provisional)
        for name, direct in explained.items():
            fast = result.unit(name).clause(clause.id)
            assert fast[:9] == direct[:9], (name, clause.id)  # every field but the explanation
            assert fast.explanation == direct.explanation, (name, clause.id)
