"""Grades A–E within quotas (rules-2022.md 六), boundary ties, promotions, overall rank."""

from __future__ import annotations

from fractions import Fraction

import pytest

from core.common.messages import render
from core.scoring.engine import PROMOTION_NOTES, QUALIFIED, REVOKED, UNQUALIFIED, allocate_grades
from core.scoring.facts import Negative, Promotion
from tests.builders import RULES, make_year, score, strong_unit

F = Fraction
NAMES = [f"单位{i:02}" for i in range(40)]
GRADE_ORDER = RULES.grades.order


def allocate(totals, status=None, quotas=None, promotions=(), rules=RULES):
    """allocate_grades for units named 单位00, 单位01, … with these totals (all qualified by default)."""
    names = NAMES[:len(totals)]
    totals_by_name = {n: F(t) for n, t in zip(names, totals)}
    status_by_name = dict.fromkeys(names, QUALIFIED)
    status_by_name.update(status or {})
    year = make_year(quotas=quotas, promotions=promotions)
    grade_of, notes, quotas_, ties, rejected = allocate_grades(rules, year, totals_by_name, status_by_name)
    return dict(grades=[grade_of[n] for n in names], notes={n: [m.code for m in notes[n]] for n in names},
                quotas={q.grade: q for q in quotas_}, ties=ties, rejected=[m.code for m in rejected],
                rejected_msgs=rejected)


def descending(n, start=100):
    return [start - i for i in range(n)]


# ------------------------------------------------------------------ quota counts

@pytest.mark.parametrize("assessed, caps", [
    (0, (0, 0, 0)), (1, (0, 0, 0)), (4, (0, 0, 1)), (5, (0, 1, 1)), (9, (0, 1, 2)), (10, (1, 2, 3)),
    (11, (1, 2, 3)), (19, (1, 3, 5)), (20, (2, 4, 6)), (29, (2, 5, 8)), (30, (3, 6, 9)),
])
def test_quota_is_floor_of_share_times_assessed(assessed, caps):
    assert RULES.quota_caps(assessed) == dict(zip("ABC", caps))


@pytest.mark.parametrize("n, expected", [
    (1, "D"),
    (5, "BCDDD"),
    (9, "BCCDDDDDD"),
    (10, "ABBCCCDDDD"),
    (12, "ABBCCCDDDDDD"),
    (20, "AABBBBCCCCCCDDDDDDDD"),
])
def test_small_years_get_floor_quotas_and_the_rest_d(n, expected):
    result = allocate(descending(n))
    assert "".join(result["grades"]) == expected
    caps = RULES.quota_caps(n)
    for grade, quota in result["quotas"].items():
        assert quota.cap == quota.count == caps[grade]
        assert quota.used == expected.count(grade)
    assert result["ties"] == ()


def test_administrator_may_set_smaller_quotas():
    result = allocate(descending(10), quotas={"A": 0, "B": 1})
    assert "".join(result["grades"]) == "BCCCDDDDDD"
    assert (result["quotas"]["A"].cap, result["quotas"]["A"].count, result["quotas"]["A"].used) == (1, 0, 0)
    assert (result["quotas"]["B"].cap, result["quotas"]["B"].count, result["quotas"]["B"].used) == (2, 1, 1)
    assert (result["quotas"]["C"].cap, result["quotas"]["C"].count, result["quotas"]["C"].used) == (3, 3, 3)


def test_administrator_quota_never_raises_the_cap():
    # The loader refuses a quota above the cap; given one anyway, the engine keeps the cap.
    result = allocate(descending(10), quotas={"A": 5})
    assert "".join(result["grades"]) == "ABBCCCDDDD"
    assert result["quotas"]["A"].count == 1


def test_unqualified_units_get_e_and_take_no_place():
    status = {NAMES[0]: UNQUALIFIED, NAMES[3]: REVOKED}
    result = allocate(descending(10), status=status)
    # the quotas are counted on all 10 assessed; the places go to the qualified units in order
    assert result["grades"] == ["E", "A", "B", "E", "B", "C", "C", "C", "D", "D"]
    assert result["notes"][NAMES[0]] == ["grade.unqualified"]
    assert result["notes"][NAMES[3]] == ["grade.unqualified"]
    assert {g: q.used for g, q in result["quotas"].items()} == {"A": 1, "B": 2, "C": 3}


def test_all_unqualified_all_e():
    result = allocate(descending(10), status=dict.fromkeys(NAMES[:10], UNQUALIFIED))
    assert result["grades"] == ["E"] * 10
    assert all(q.used == 0 for q in result["quotas"].values())


def test_qualified_units_below_the_c_quota_get_d():
    result = allocate([90, 85, 80, 79, 78, 77, 76, 61, 60, 60])
    assert result["grades"][6:] == ["D"] * 4


# ------------------------------------------------------------------ boundary ties

def test_tie_straddling_a_b_gives_all_b_and_is_reported():
    result = allocate([90, 90, 80, 70, 65, 64, 63, 62, 61, 60])
    assert result["grades"] == ["B", "B", "C", "C", "C", "D", "D", "D", "D", "D"]
    [tie] = result["ties"]
    assert (tie.upper, tie.lower, tie.total, set(tie.units)) == ("A", "B", 90, {NAMES[0], NAMES[1]})
    assert result["notes"][NAMES[0]] == ["grade.tie"] and result["notes"][NAMES[1]] == ["grade.tie"]
    assert result["notes"][NAMES[2]] == []
    assert result["quotas"]["A"].used == 0


def test_tie_straddling_c_d_gives_all_d():
    totals = [95, 90, 85, 80, 75, 70, 70, 65, 60, 60]
    result = allocate(totals)
    assert result["grades"] == ["A", "B", "B", "C", "C", "D", "D", "D", "D", "D"]
    [tie] = result["ties"]
    assert (tie.upper, tie.lower, tie.total, set(tie.units)) == ("C", "D", 70, {NAMES[5], NAMES[6]})


def test_three_way_tie_straddling_b_c():
    result = allocate([95, 85, 85, 85, 70, 69, 68, 67, 66, 65])
    # positions 2–4 are tied; B has 2 places: none of them gets B
    assert result["grades"][:4] == ["A", "C", "C", "C"]
    assert [(t.upper, t.lower, len(t.units)) for t in result["ties"]] == [("B", "C", 3)]


def test_ties_inside_one_grade_are_not_flagged():
    result = allocate([95, 90, 90, 80, 80, 80, 70, 70, 70, 70])
    assert result["grades"] == ["A", "B", "B", "C", "C", "C", "D", "D", "D", "D"]
    assert result["ties"] == ()
    assert all(notes == [] for notes in result["notes"].values())


def test_tie_with_an_unqualified_unit_is_not_a_boundary_tie():
    # 单位01 has the same total as 单位00 but is unqualified: it takes no place, so no tie.
    result = allocate(descending(10, 90)[:1] + [90] + descending(8, 80), status={NAMES[1]: UNQUALIFIED})
    assert result["grades"][:3] == ["A", "E", "B"]
    assert result["ties"] == ()


# ------------------------------------------------------------------ promotions

TIED_AB = [90, 90, 80, 70, 65, 64, 63, 62, 61, 60]


def test_valid_promotion_is_accepted_with_a_note():
    result = allocate(TIED_AB, promotions=[Promotion(NAMES[1], "A", "上年度表现突出")])
    assert result["grades"][:2] == ["B", "A"]
    assert result["notes"][NAMES[1]] == ["grade.tie_settled", "grade.promoted"]
    assert result["rejected"] == []
    assert result["quotas"]["A"].used == 1


def test_a_promotion_within_a_tie_settles_it_and_each_tied_unit_says_what_was_decided():
    pending = allocate(TIED_AB)
    [tie] = pending["ties"]
    assert not tie.settled and tie.raised == () and tie.kept == (NAMES[0], NAMES[1])
    result = allocate(TIED_AB, promotions=[Promotion(NAMES[1], "A", "上年度表现突出")])
    [tie] = result["ties"]
    assert tie.settled and tie.raised == ((NAMES[1], "A", "上年度表现突出"),) and tie.kept == (NAMES[0],)
    assert result["notes"][NAMES[0]] == ["grade.tie_settled_kept"]
    names = NAMES[:len(TIED_AB)]
    _g, notes, _q, _t, _r = allocate_grades(RULES, make_year(promotions=[Promotion(NAMES[1], "A", "理由")]),
                                            {n: F(t) for n, t in zip(names, TIED_AB, strict=True)},
                                            dict.fromkeys(names, QUALIFIED))
    assert render(notes[NAMES[0]][0]) == (f"总分 90 有 2 家并列，跨越 A/B 名额边界，"
                                          f"考核人员已将 {NAMES[1]} 上调为 A 级，本单位仍为 B 级")
    assert render(notes[NAMES[1]][0]) == "总分 90 有 2 家并列，跨越 A/B 名额边界，由考核人员定夺"
    # a move into a free place outside any tie settles nothing
    moved = allocate(TIED_AB, quotas={"B": 1}, promotions=[Promotion(NAMES[2], "B", "理由")])
    assert all(not t.settled for t in moved["ties"])


def test_an_untied_unit_cannot_be_moved_into_a_full_grade():
    result = allocate(TIED_AB, promotions=[Promotion(NAMES[2], "B", "理由")])
    assert result["grades"] == allocate(TIED_AB)["grades"]
    assert result["rejected"] == ["grade.promotion_quota_full"]
    assert "grade.moved_into_free_place" not in result["notes"][NAMES[2]]
    untied_year = allocate(descending(10), promotions=[Promotion(NAMES[1], "A", "理由")])
    assert untied_year["rejected"] == ["grade.promotion_quota_full"]
    assert untied_year["grades"][1] == "B"


def test_a_move_that_no_longer_applies_is_told_on_the_unit_s_own_line():
    """A move recorded for a tie that is gone (the units' totals changed since): the unit keeps its grade, and its
    own notes (the 说明 of 等级评定) say the move recorded does not apply and why, not only the year's list."""
    names = NAMES[:10]
    _g, notes, _q, _t, rejected = allocate_grades(RULES, make_year(promotions=[Promotion(NAMES[1], "A", "并列复核")]),
                                                  {n: F(t) for n, t in zip(names, descending(10), strict=True)},
                                                  dict.fromkeys(names, QUALIFIED))
    assert [m.code for m in rejected] == ["grade.promotion_quota_full"]
    assert [m.code for m in notes[NAMES[1]]] == ["grade.promotion_not_applied"]
    assert render(notes[NAMES[1]][0]) == (f"考核人员所记上调为 A 级未生效：A 级名额 1 个已满，{NAMES[1]} 不能上调"
                                          f"（所记理由：并列复核）")


# 10 assessed (A 1, B 2, C 3); the B/C tie at 80 puts both in C, which then holds 80, 80, 75.
TIED_BC = [95, 90, 80, 80, 75, 70, 65, 64, 63, 62]


def test_a_place_freed_by_a_tie_promotion_is_filled_only_by_the_administrator():
    """rules-2022.md 六: qualified units below the C quota get D unless the administrator moves them."""
    raised = [Promotion(NAMES[2], "B", "并列复核")]
    result = allocate(TIED_BC, promotions=raised)
    assert result["grades"][:6] == ["A", "B", "B", "C", "C", "D"]
    assert result["quotas"]["C"].used == 2  # not filled by itself
    moved = allocate(TIED_BC, promotions=raised + [Promotion(NAMES[5], "C", "考核工作小组会议决定")])
    assert moved["grades"][:7] == ["A", "B", "B", "C", "C", "C", "D"]
    assert moved["rejected"] == []
    assert moved["notes"][NAMES[5]] == ["grade.moved_into_free_place"]
    assert moved["quotas"]["C"].used == moved["quotas"]["C"].count == 3


def test_any_qualified_unit_may_be_moved_into_a_free_place_but_no_further():
    # 5 assessed: A 0, B 1, C 1; the B/C tie at 90 cannot fit C, so both fall to D and B and C stay empty
    result = allocate([90, 90, 80, 75, 70], promotions=[Promotion(NAMES[3], "B", "理由"),
                                                         Promotion(NAMES[4], "B", "理由")])
    assert result["grades"] == ["D", "D", "D", "B", "D"]
    assert result["rejected"] == ["grade.promotion_quota_full"]


def test_a_move_needs_a_qualified_unit_and_a_grade_with_a_quota():
    raised = [Promotion(NAMES[2], "B", "并列复核")]
    result = allocate(TIED_BC, status={NAMES[6]: UNQUALIFIED},
                      promotions=raised + [Promotion(NAMES[6], "C", "理由"), Promotion(NAMES[7], "D", "理由")])
    assert result["grades"][6] == "E"
    assert result["rejected"] == ["grade.promotion_unqualified", "grade.promotion_no_quota"]
    assert result["quotas"]["C"].used == 2
    no_quota = allocate(TIED_BC, promotions=[Promotion(NAMES[7], "E", "理由")])
    assert no_quota["rejected"] == ["grade.promotion_no_quota"]


def test_a_move_recorded_while_its_grade_is_full_takes_no_place():
    # the move comes first: C is full then, and the later tie promotion does not revive it
    result = allocate(TIED_BC, promotions=[Promotion(NAMES[5], "C", "理由"), Promotion(NAMES[2], "B", "并列复核")])
    assert result["grades"][5] == "D"
    assert result["rejected"] == ["grade.promotion_quota_full"]


def test_promotion_into_a_full_grade_is_rejected():
    promotions = [Promotion(NAMES[0], "A", "理由一"), Promotion(NAMES[1], "A", "理由二")]
    result = allocate(TIED_AB, promotions=promotions)
    assert result["grades"][:2] == ["A", "B"]
    assert result["rejected"] == ["grade.promotion_quota_full"]
    assert result["quotas"]["A"].used == result["quotas"]["A"].count == 1


def test_promotion_into_remaining_room_of_a_partly_filled_grade():
    totals = [95, 90, 85, 80, 75, 70, 70, 65, 60, 60]  # C/D tie at 70: C holds 2 of 3
    result = allocate(totals, promotions=[Promotion(NAMES[5], "C", "理由"), Promotion(NAMES[6], "C", "理由")])
    assert result["grades"][3:7] == ["C", "C", "C", "D"]
    assert result["rejected"] == ["grade.promotion_quota_full"]
    assert result["quotas"]["C"].used == 3


def test_promotion_to_a_worse_grade_is_rejected():
    result = allocate(TIED_AB, promotions=[Promotion(NAMES[0], "C", "理由")])
    assert result["rejected"] == ["grade.promotion_already"]
    assert result["grades"][0] == "B"


def test_promotion_into_a_quota_the_administrator_reduced_is_rejected():
    # A's cap is 1 but the administrator set 0: the A/B tie cannot arise (A holds no one), so no promotion.
    result = allocate(TIED_AB, quotas={"A": 0}, promotions=[Promotion(NAMES[0], "A", "理由")])
    assert result["grades"][:2] == ["B", "B"]
    assert result["rejected"] == ["grade.promotion_quota_full"]


# ------------------------------------------------------------------ through score_year

def unit_with_total(name, total, **negative):
    """A strong unit (100 when all units share its facts) less 5-point individual-dispute deductions."""
    assert (100 - total) % 5 == 0
    return strong_unit(name, negative=Negative(individual_disputes_lost=(100 - total) // 5, **negative))


def test_overall_rank_uses_competition_ranking():
    result = score(unit_with_total("甲", 90), unit_with_total("乙", 90), unit_with_total("丙", 80),
                   unit_with_total("丁", 75))
    assert {u.name: (u.total, u.rank) for u in result.units} == {
        "甲": (90, 1), "乙": (90, 1), "丙": (80, 3), "丁": (75, 4)}
    assert [u.total for u in result.units] == sorted((u.total for u in result.units), reverse=True)


def test_score_year_grades_tie_and_unqualified():
    totals = [90, 90, 85, 80, 75, 70, 65, 60, 55]
    units = [unit_with_total(NAMES[i], t) for i, t in enumerate(totals)]
    units.append(unit_with_total(NAMES[9], 95, major_incident=True))
    result = score(*units)
    grades = {u.name: u.grade for u in result.units}
    # 10 assessed: A 1, B 2, C 3. 单位09 (95) is revoked, 单位08 (55) below 60: both E.
    assert grades[NAMES[9]] == "E" and grades[NAMES[8]] == "E"
    assert result.unit(NAMES[9]).status == REVOKED and result.unit(NAMES[8]).status == UNQUALIFIED
    assert [grades[n] for n in NAMES[:8]] == ["B", "B", "C", "C", "C", "D", "D", "D"]
    [tie] = result.ties
    assert (tie.upper, tie.lower, tie.total) == ("A", "B", 90)
    assert {q.grade: (q.cap, q.count, q.used) for q in result.quotas} == {
        "A": (1, 1, 0), "B": (2, 2, 2), "C": (3, 3, 3)}
    assert [m.code for m in result.unit(NAMES[0]).grade_notes] == ["grade.tie"]
    # 名次: the eight qualified units first (the two 90s share 1); the revoked 95 and the 55 after them
    assert [u.rank for u in result.units] == [1, 1, 3, 4, 5, 6, 7, 8, 9, 10]
    assert result.unit(NAMES[9]).rank == 9 and result.unit(NAMES[8]).rank == 10


def test_score_year_reports_rejected_promotions():
    units = [unit_with_total(NAMES[i], t) for i, t in enumerate([90, 90, 80, 75, 70])]
    result = score(*units, promotions=[Promotion(NAMES[4], "E", "理由"), Promotion(NAMES[0], "A", "理由")])
    # 5 assessed: A 0, B 1, C 1. E has no quota to move into; A has no place.
    assert [m.code for m in result.rejected_promotions] == ["grade.promotion_no_quota", "grade.promotion_quota_full"]
    assert result.unit(NAMES[0]).grade == result.unit(NAMES[1]).grade
    assert all(not {m.code for m in u.grade_notes} & PROMOTION_NOTES for u in result.units)


# ------------------------------------------------------------------ ties resolved below the next grade
# (1) 5 assessed: A 0, B 1, C 1. Two units tied at the top straddle B/C; C cannot hold both, so the
#     engine moves them on to D and reports two ties, B/C and C/D.
# (2) 10 assessed, the administrator set B to 0: two units tied at the top straddle A/B; B holds
#     no one, so they get C.
CASCADE = [90, 90, 80, 75, 70]
SKIPPED_B = [90, 90, 80, 75, 70, 65, 60, 55, 50, 45]
BEYOND_NEXT_GRADE = [
    pytest.param(CASCADE, {}, "B", id="tie-cascades-B/C-to-D"),
    pytest.param(SKIPPED_B, {"B": 0}, "A", id="tie-A/B-with-B-quota-0"),
]


@pytest.mark.parametrize("totals, quotas, upper", BEYOND_NEXT_GRADE)
def test_tie_resolved_below_the_next_grade_keeps_quotas_and_order(totals, quotas, upper):
    result = allocate(totals, quotas=quotas)
    assert result["grades"][0] == result["grades"][1]
    assert GRADE_ORDER.index(result["grades"][0]) > GRADE_ORDER.index(upper)
    assert all(q.used <= q.count for q in result["quotas"].values())
    assert (upper, 90) in {(t.upper, t.total) for t in result["ties"]}
    assert "".join(result["grades"]) == "".join(sorted(result["grades"], key=GRADE_ORDER.index))


@pytest.mark.parametrize("totals, quotas, upper", BEYOND_NEXT_GRADE)
def test_every_reported_tie_names_the_grade_its_units_got(totals, quotas, upper):
    result = allocate(totals, quotas=quotas)
    grade_of = dict(zip(NAMES, result["grades"]))
    for tie in result["ties"]:
        assert {grade_of[n] for n in tie.units} == {tie.lower}, (tie.upper, tie.lower, tie.units)


@pytest.mark.parametrize("totals, quotas, upper", BEYOND_NEXT_GRADE)
def test_promotion_of_a_tied_unit_into_the_upper_grade_with_room(totals, quotas, upper):
    result = allocate(totals, quotas=quotas, promotions=[Promotion(NAMES[0], upper, "理由")])
    assert result["quotas"][upper].count == 1 and result["quotas"][upper].used == 1
    assert result["rejected"] == []
    assert result["grades"][0] == upper
    assert result["notes"][NAMES[0]][-1] == "grade.promoted"
