"""The bundled 2022 rule set, and the loader's validation of rule-set files.

Validation tests break a copy of resources/rules/wujiang-2022.toml by editing its text and
assert the exact key path (and only that path) the loader reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.scoring.kinds import KINDS
from core.scoring.rules import (
    DEFAULT_RULE_SET,
    GRADE_READINGS,
    RuleSet,
    RuleSetError,
    load_rule_set,
    parse_rule_set,
)

TEXT = DEFAULT_RULE_SET.read_text(encoding="utf-8")
CLAUSE_IDS = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3"]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rule_set()


def edit(old: str, new: str, text: str = TEXT) -> str:
    """`text` with the single occurrence of `old` replaced (fails loudly if not exactly one)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def problems_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(RuleSetError) as info:
        parse_rule_set(text, source="broken.toml")
    assert info.value.source == "broken.toml"
    assert info.value.problems, "RuleSetError without problems"
    return info.value.problems


def paths_of(text: str) -> set[str]:
    return {path for path, _ in problems_of(text)}


# ------------------------------------------------------------------ the bundled rule set

def test_bundled_rule_set_loads(rules):
    assert rules.id == "wujiang-2022"
    assert rules.year == 2022
    assert rules.document == "吴人社就〔2022〕15号"
    assert "乐业吴江" in rules.title and "绩效考核细则" in rules.title
    assert rules.issued == dt.date(2022, 9, 1)
    assert (rules.period_start, rules.period_end) == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert set(rules.unit_kinds) == {"hr_service", "labour_dispatch"}
    assert set(rules.base_types) == {"labour", "school"}
    assert set(rules.trip_modes) == {"offline", "online"}
    assert "差" in rules.evaluation_verdicts
    assert rules.credit_grades == ("A", "B", "C", "D")


def test_default_path_and_explicit_path_give_the_same_rule_set(rules):
    assert load_rule_set(DEFAULT_RULE_SET) == rules
    assert parse_rule_set(TEXT) == rules


def test_every_clause_is_present_in_order_with_its_section(rules):
    assert [c.id for c in rules.clauses] == CLAUSE_IDS
    assert [s.id for s in rules.sections] == ["一", "二", "三", "四"]
    for clause in rules.clauses:
        assert clause.section == {"1": "一", "2": "二", "3": "三", "4": "四"}[clause.id[0]]
        assert clause.formula in KINDS
        assert clause.title.strip() and clause.text.strip()
        assert set(clause.params) == set(KINDS[clause.formula].params)


def test_section_points_add_up_to_100_and_to_their_clauses(rules):
    assert sum(s.points for s in rules.sections) == 100
    for section in rules.sections:
        assert sum(c.points for c in rules.clauses if c.section == section.id) == section.points
    assert [s.points for s in rules.sections] == [25, 40, 20, 15]


# Characteristic phrases of the official text (吴人社就〔2022〕15号), clause by clause.
OFFICIAL_PHRASES = {
    "1.1": ["建立3个劳务基地或者政校合作基地：12分", "加分上限12分", "以签订的相关协议为考核依据"],
    "1.2": ["每次至少带5家吴江企业", "其中一次可以采取线上模式", "出现1次总评为差的，扣1分",
            "每次赴外招聘最多扣5分", "加分上限8分"],
    "1.3": ["资料齐全的得5分", "赴外招聘年度计划"],
    "2.1": ["不低于50人的得5分基础分", "人数总和最多的运营单位得25分", "每降低一个名次减1.5分",
            "当年度首次进吴参保人数", "区人资中心核准的全区就业见习名单"],
    "2.2": ["不低于50%的得5分基础分", "赋值最高的运营单位得15分", "每降低一个名次减1分", "参保满六个月"],
    "3.1": ["需满足企业评分4星及以上条件", "得5分，总分20分", "加分上限10分", "用工速递系统内部统计"],
    "3.2": ["平台综合评分得分最高的运营单位加10分", "综合评分4分以下的运营单位不享受加分"],
    "4.1": ["派专人提前对接劳务输出地", "妥善解决务工人员食宿"],
    "4.2": ["人身意外伤害等商业保险", "得3分", "每减1个百分点减0.08分"],
    "4.3": ["建立劳务输入统计信息报告制度", "得2分"],
}


@pytest.mark.parametrize("clause_id", CLAUSE_IDS)
def test_clause_text_is_the_official_chinese_text(rules, clause_id):
    text = rules.clause(clause_id).text
    for phrase in OFFICIAL_PHRASES[clause_id]:
        assert phrase in text, f"clause {clause_id} lacks {phrase!r}"


def test_section_negative_and_grade_texts_are_official(rules):
    assert "新入盟的运营单位以当年签订协议的劳务基地" in next(s for s in rules.sections if s.id == "二").text
    assert "分数减完为止" in rules.negative.text
    texts = {d.id: d.text for d in rules.negative.deductions}
    assert "每件扣10分" in texts["collective_dispute"]
    assert "每件扣5分" in texts["individual_dispute"]
    assert "被投诉累计5次及以上的，扣5分" in texts["complaints"]
    vetoes = {v.id: v.text for v in rules.negative.vetoes}
    assert "群体性、突发性等重大社会影响事件" in vetoes["major_incident"]
    assert "劳动保障信用等级评价为C级" in vetoes["dispatch_credit_c"]
    assert "考核总分低于60分的" in vetoes["total_below_60"]
    for phrase in ("A级不超过总参评数量的10%", "B级不超过总参评数量的20%", "C级不超过总参评数量的30%"):
        assert phrase in rules.grades.text


def test_numbers_match_the_official_text(rules):
    p = {c.id: c.params for c in rules.clauses}
    assert (p["1.1"]["per_item"], p["1.1"]["bonus_per_item"], p["1.1"]["bonus_cap"]) == (4, 4, 12)
    assert (p["1.2"]["per_item"], p["1.2"]["base_trips"], p["1.2"]["min_enterprises"]) == (4, 2, 5)
    assert (p["1.2"]["bonus_cap"], p["1.2"]["deduction_per_poor"], p["1.2"]["deduction_cap_per_trip"]) == (8, 1, 5)
    assert p["1.2"]["poor_verdict"] == "差"
    assert (p["2.1"]["min_people"], p["2.1"]["top"], p["2.1"]["step"], p["2.1"]["floor"]) == (50, 25, Fraction(3, 2), 5)
    assert (p["2.2"]["min_ratio"], p["2.2"]["top"], p["2.2"]["step"], p["2.2"]["floor"]) == (Fraction(1, 2), 15, 1, 5)
    assert (p["3.1"]["per_item"], p["3.1"]["min_stars"], p["3.1"]["bonus_per_item"], p["3.1"]["bonus_cap"]) == (5, 4, 2, 10)
    assert (p["3.2"]["min_rating"], p["3.2"]["top"], p["3.2"]["step"], p["3.2"]["floor"]) == (4, 10, 1, 0)
    assert p["4.2"]["per_point_short"] == Fraction(8, 100)  # exact, not the binary float 0.08
    assert dict(rules.grades.quota_share) == {"A": Fraction(1, 10), "B": Fraction(1, 5), "C": Fraction(3, 10)}
    deductions = {d.id: d for d in rules.negative.deductions}
    assert deductions["collective_dispute"].per_case == 10
    assert deductions["individual_dispute"].per_case == 5
    assert (deductions["complaints"].threshold.value, deductions["complaints"].once) == (5, 5)
    vetoes = {v.id: v for v in rules.negative.vetoes}
    assert vetoes["total_below_60"].threshold.value == 60
    assert [(v.unqualified, v.revoked) for v in rules.negative.vetoes] == [
        (True, True), (True, True), (True, False), (True, False), (True, True), (True, False)]


def test_evidence_items_of_each_clause(rules):
    assert [e.id for e in rules.clause("1.1").record_evidence] == ["agreement"]
    assert [e.id for e in rules.clause("1.2").record_evidence] == ["filing", "evaluations", "photos"]
    assert rules.clause("1.3").evidence_ids == ("annual_plan", "pre_trip_filings", "post_trip_photos")
    assert set(rules.clause("2.1").evidence_ids) == {"annex1", "annex2", "monthly_reports", "annex3", "annex4",
                                                     "district_list"}
    assert len(rules.clause("4.1").evidence) == 5
    for clause in rules.clauses:
        for item in clause.evidence + clause.record_evidence:
            assert item.label.strip()


# Every reading rules-2022.md (and docs/rule-sets.md) fixes, with its value and the clauses it is
# shown beside.
DOCUMENTED_READINGS = {
    "base_agreement_in_period": (True, ["1.1"]),
    "base_agreement_must_be_seen": (True, ["1.1"]),
    "trip_in_period": (True, ["1.2"]),  # in docs/rule-sets.md
    "online_trips_counted": (1, ["1.2"]),
    "trip_clause_floor": (0, ["1.2"]),
    "trip_requires_evidence": (["filing", "photos"], ["1.2"]),  # in docs/rule-sets.md
    "new_member_bases_signed_in_period": (True, ["2.1", "2.2"]),
    "conflicting_claims_count_for_none": (True, ["2.1"]),
    "months_counting": ("both_days", ["2.2"]),
    "tie_rule": ("competition", ["2.1", "2.2", "3.2"]),
    "rating_threshold": ("above", ["3.2"]),
    "ranking_display_decimals": (2, ["2.1", "2.2", "3.2"]),
    "ranking_provisional_until_final": (True, ["2.1", "2.2", "3.2"]),
    "delivery_in_period": (True, ["3.1"]),  # in docs/rule-sets.md
    "insurance_shortfall": ("continuous", ["4.2"]),
    "quota_rounding": ("floor", ["grades"]),
    "unqualified_grade": ("E", ["grades"]),
    "grade_below_quotas": ("D", ["grades"]),
    "credit_scales": ({"hr_service": ["A", "B", "C", "D"], "labour_dispatch": ["A", "B", "C"]}, ["五"]),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTED_READINGS))
def test_documented_reading_exists_with_value_and_description(rules, name):
    value, shown_beside = DOCUMENTED_READINGS[name]
    assert name in rules.readings
    reading = rules.readings[name]
    assert reading.name == name
    assert reading.value == value and type(reading.value) is type(value)
    assert reading.description.strip()
    for where in shown_beside:
        names = (rules.grades.readings if where == "grades" else rules.negative.readings if where == "五"
                 else rules.clause(where).readings)
        assert name in names, f"reading {name} not shown beside {where}"


def test_every_reading_named_by_a_clause_or_the_grades_is_defined(rules):
    named = {n for c in rules.clauses for n in c.readings} | set(rules.grades.readings) | set(rules.negative.readings)
    assert named <= set(rules.readings)
    for formula, kind in KINDS.items():
        for name in kind.readings:
            assert name in rules.readings, (formula, name)
    for name in GRADE_READINGS:
        assert name in rules.readings


def test_readings_table_of_the_docs_matches_the_rule_set(rules):
    docs = (DEFAULT_RULE_SET.parent.parent.parent / "docs" / "rule-sets.md").read_text(encoding="utf-8")
    table = docs[docs.index("## Readings"):]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M))
    assert documented == set(rules.readings) == set(DOCUMENTED_READINGS)


def test_every_defined_reading_is_shown_beside_some_clause_the_grades_or_the_negative_items(rules):
    named = {n for c in rules.clauses for n in c.readings} | set(rules.grades.readings) | set(rules.negative.readings)
    assert set(rules.readings) <= named


def test_sha256_is_of_the_file_text(rules):
    assert rules.sha256 == hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert rules.source_text == TEXT
    assert re.fullmatch(r"[0-9a-f]{64}", rules.sha256)


def test_sha256_changes_with_any_edit_even_a_comment():
    edited = parse_rule_set(TEXT + "\n# a comment\n")
    assert edited.sha256 == hashlib.sha256((TEXT + "\n# a comment\n").encode("utf-8")).hexdigest()
    assert edited.sha256 != load_rule_set().sha256


def test_rule_set_records_are_immutable(rules):
    with pytest.raises(Exception):
        rules.clause("1.1").params["per_item"] = 99  # type: ignore[index]
    with pytest.raises(Exception):
        rules.year = 2023  # type: ignore[misc]


def test_quota_caps_follow_the_shares(rules):
    assert rules.quota_caps(10) == {"A": 1, "B": 2, "C": 3}
    assert rules.quota_caps(9) == {"A": 0, "B": 1, "C": 2}  # floor
    assert rules.quota_caps(0) == {"A": 0, "B": 0, "C": 0}


# ------------------------------------------------------------------ validation: one breakage each

PARAMS_1_1 = "params = { per_item = 4, bonus_per_item = 4, bonus_cap = 12 }"
CLAUSE_1_1 = 'formula = "bases"\npoints = 12'
CLAUSE_3_2 = 'formula = "rating_ranked"\npoints = 0'
SECTION_1 = 'title = "年度指标完成情况"\npoints = 25'
SECTION_3 = 'title = "用工速递系统使用情况"\npoints = 20'
POOR = 'poor_verdict = "差" }'
MAJOR_CONDITION = 'id = "major_incident"\ncondition = "flag"'

BREAKAGES = [
    # (name, edited text, the one key path expected, a word expected in the message)
    ("missing top-level key", edit('document = "吴人社就〔2022〕15号"\n', ""), "document", "missing"),
    ("missing clause key", edit('title = "赴外招聘台账"\n', ""), "clauses[1.3].title", "missing"),
    ("missing parameter", edit(PARAMS_1_1, "params = { per_item = 4, bonus_per_item = 4 }"),
     "clauses[1.1].params.bonus_cap", "missing"),
    ("wrong type: year as text", edit("year = 2022", 'year = "2022"'), "year", "integer"),
    ("year outside its period", edit("year = 2022", "year = 2021"), "year", "outside"),
    ("wrong type: clause points as text", edit('formula = "bases"\npoints = 12', 'formula = "bases"\npoints = "12"'),
     "clauses[1.1].points", "number"),
    ("wrong type: date as text", edit("period_start = 2022-01-01", 'period_start = "2022-01-01"'),
     "period_start", "date"),
    ("unknown formula", edit('formula = "bases"', 'formula = "basis"'), "clauses[1.1].formula", "basis"),
    ("unknown parameter", edit(PARAMS_1_1, "params = { per_item = 4, bonus_per_item = 4, bonus_cap = 12, extra = 1 }"),
     "clauses[1.1].params.extra", "unknown parameter"),
    ("parameter of wrong type", edit(PARAMS_1_1, 'params = { per_item = "4", bonus_per_item = 4, bonus_cap = 12 }'),
     "clauses[1.1].params.per_item", "number"),
    ("negative parameter", edit(PARAMS_1_1, "params = { per_item = 4, bonus_per_item = 4, bonus_cap = -12 }"),
     "clauses[1.1].params.bonus_cap", "≥ 0"),
    ("text parameter given a number", edit(POOR, "poor_verdict = 3 }"), "clauses[1.2].params.poor_verdict",
     "string"),
    ("unknown section", edit('id = "1.3"\nsection = "一"', 'id = "1.3"\nsection = "六"'), "clauses[1.3].section",
     "六"),
    ("unknown key in a clause", edit('formula = "bases"', 'formula = "bases"\ncolour = "red"'),
     "clauses[1.1].colour", "unknown key"),
    ("unknown top-level key", edit("format = 2", 'format = 2\ncolour = "red"'), "colour", "unknown key"),
    ("unsupported format", edit("format = 2", "format = 3"), "format", "format"),
    ("threshold without its comparison", edit('min_people = { value = 50, test = ">=" }', "min_people = 50"),
     "clauses[2.1].params.min_people", "comparison"),
    ("threshold with an unknown comparison", edit('min_people = { value = 50, test = ">=" }',
                                                  'min_people = { value = 50, test = "=>" }'),
     "clauses[2.1].params.min_people.test", "=>"),
    ("threshold with two comparisons", edit('min_people = { value = 50, test = ">=" }',
                                            'min_people = { value = 50, test = ">=", test_by_reading = "tie_rule" }'),
     "clauses[2.1].params.min_people", "exactly one"),
    ("threshold tested by a reading without tests", edit('test_by_reading = "rating_threshold"',
                                                         'test_by_reading = "tie_rule"'),
     "clauses[3.2].params.min_rating.test_by_reading", "tie_rule"),
    ("switchable reading set to no choice", edit('value = "above"', 'value = "over"'),
     "readings.rating_threshold.value", "over"),
    ("reading choice with an unknown comparison", edit('choices.at_least = { test = ">="', 'choices.at_least = { test = "≥"'),
     "readings.rating_threshold.choices.at_least.test", "≥"),
    ("deduction threshold without its comparison", edit('threshold = { value = 5, test = ">=" }', "threshold = 5"),
     "negative.deductions[2].threshold", "comparison"),
    ("veto threshold without its comparison", edit('threshold = { value = 60, test = "<" }', "threshold = 60"),
     "negative.vetoes[5].threshold", "comparison"),
    ("quota test other than at most", edit('quota_test = "<="', 'quota_test = "<"'), "grades.quota_test", "<="),
    ("quotas without their comparison", edit('quota_test = "<="  # 不超过\n', ""), "grades.quota_test", "missing"),
    ("duplicate clause id", edit('id = "1.3"', 'id = "1.2"'), "clauses[1.2]", "duplicate"),
    ("reading referenced but undefined",
     edit('readings = ["delivery_in_period"]', 'readings = ["delivery_in_period", "no_such_reading"]'),
     "clauses[3.1].readings", "no_such_reading"),
    ("reading with an unsupported value", edit('value = "competition"', 'value = "random"'),
     "readings.tie_rule.value", "random"),
    ("reading with a value of the wrong type", edit("[readings.online_trips_counted]\nvalue = 1",
                                                    '[readings.online_trips_counted]\nvalue = "one"'),
     "readings.online_trips_counted.value", "integer"),
    ("reading without a description", edit('description = "本项得分（基础分+加分-扣分）最低为0分。"\n', ""),
     "readings.trip_clause_floor.description", "missing"),
    ("poor_verdict not in evaluation_verdicts", edit(POOR, 'poor_verdict = "很差" }'),
     "clauses[1.2].params.poor_verdict", "很差"),
    ("evidence id in params not in the clause's evidence",
     edit('arrivals_evidence = ["annex1", "annex2", "monthly_reports"]',
          'arrivals_evidence = ["annex1", "annex9", "monthly_reports"]'),
     "clauses[2.1].params.arrivals_evidence", "annex9"),
    ("duplicate evidence id", edit('{ id = "post_trip_photos"', '{ id = "annual_plan"'), "clauses[1.3].evidence",
     "unique"),
    ("evaluation forms item not a trip evidence item",
     edit('evaluations_evidence = "evaluations"', 'evaluations_evidence = "forms"'),
     "clauses[1.2].params.evaluations_evidence", "forms"),
    ("trip evidence reading names an unknown item", edit('value = ["filing", "photos"]', 'value = ["filing", "video"]'),
     "readings.trip_requires_evidence.value", "video"),
    ("unknown veto condition", edit(MAJOR_CONDITION, 'id = "major_incident"\ncondition = "moon_phase"'),
     "negative.vetoes[0].condition", "moon_phase"),
    ("unknown veto flag", edit('fact = "major_incident"', 'fact = "minor_incident"'), "negative.vetoes[0].fact",
     "minor_incident"),
    ("unknown unit kind in a veto", edit('kind = "labour_dispatch"', 'kind = "temp_agency"'),
     "negative.vetoes[2].kind", "temp_agency"),
    ("unknown deduction fact", edit('fact = "complaints"', 'fact = "compliments"'), "negative.deductions[2].fact",
     "compliments"),
    ("deduction made once without a threshold", edit('threshold = { value = 5, test = ">=" }  # 5次及以上\n', ""),
     "negative.deductions[2].threshold", "threshold"),
    ("deduction with both per_case and once", edit("once = 5", "once = 5\nper_case = 5"),
     "negative.deductions[2]", "exactly one"),
    ("negative total floor", edit("total_floor = 0", "total_floor = -1"), "negative.total_floor", "≥ 0"),
    ("quota share above 1", edit("A = 0.10", "A = 1.5"), "grades.quota_share.A", "at most 1"),
    ("quota shares skip a grade", edit("A = 0.10, B = 0.20, C = 0.30", "A = 0.10, C = 0.30"), "grades.quota_share",
     "in order"),
    ("unqualified grade not in order", edit('value = "E"', 'value = "F"'), "readings.unqualified_grade.value", "F"),
    ("period ends before it starts", edit("period_end = 2022-12-31", "period_end = 2021-12-31"), "period_end",
     "period_start"),
    ("trip modes renamed", edit('trip_modes = { offline = "线下", online = "线上" }', 'trip_modes = { offline = "线下", boat = "船" }'),
     "trip_modes", "offline"),
    ("invalid TOML syntax", edit('id = "wujiang-2022"', 'id = "wujiang-2022'), "(file)", "TOML"),
    # figures that disagree with one another (core/scoring/rule_consistency.py)
    ("clause points above their section's", edit(CLAUSE_1_1, CLAUSE_1_1.replace("points = 12", "points = 13")),
     "sections[一].points", "1.1、1.2、1.3 的满分合计为 26 分"),
    ("section points above its clauses'", edit(SECTION_1, SECTION_1.replace("25", "30")), "sections[一].points",
     "合计为 25 分"),
    ("a section without clauses", edit("[[sections]]\nid = \"四\"", "[[sections]]\nid = \"六\"\ntitle = \"其他\"\n"
                                       "points = 5\n\n[[sections]]\nid = \"四\""), "sections[六].points",
     "没有条款"),
    ("a ranking clause's first place above its points", edit("top = 25,", "top = 30,"), "clauses[2.1].points",
     "30"),
    ("a bonus ranking clause with points", edit(SECTION_3, SECTION_3.replace("20", "30"),
                                                edit(CLAUSE_3_2, CLAUSE_3_2.replace("points = 0", "points = 10"))),
     "clauses[3.2].points", "加分"),
    ("a ranking floor above its first place", edit("top = 15, step = 1, floor = 5", "top = 15, step = 1, floor = 16"),
     "clauses[2.2].params.floor", "16"),
    ("quota shares above 100% together", edit("C = 0.30", "C = 0.80"), "grades.quota_share", "合计 110%"),
]


@pytest.mark.parametrize("name, text, path, word", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_each_breakage_is_reported_with_its_exact_key_path(name, text, path, word):
    problems = problems_of(text)
    assert {p for p, _ in problems} == {path}, problems
    assert any(word in message for p, message in problems if p == path), problems


def test_error_message_lists_every_problem_with_source_and_path():
    with pytest.raises(RuleSetError) as info:
        parse_rule_set(edit("year = 2022", 'year = "2022"'), source="copy.toml")
    message = str(info.value)
    assert "copy.toml" in message
    assert "  year: expected an integer" in message


def test_quota_share_for_a_grade_not_in_order():
    problems = problems_of(edit("A = 0.10, B = 0.20, C = 0.30", "A = 0.10, B = 0.20, X = 0.30"))
    assert problems[0] == ("grades.quota_share.X", "'X' is not in grades.order")
    assert {p for p, _ in problems} == {"grades.quota_share.X", "grades.quota_share"}


QUOTAS = "quota_share = { A = 0.10, B = 0.20, C = 0.30 }"


@pytest.mark.parametrize("shares", ["{ A = 1 }", "{ A = 0, B = 0, C = 1 }", "{ A = 0.10, B = 0.20, C = 0.70 }",
                                    "{ A = 0.25, B = 0.35, C = 0.40 }"])
def test_quota_shares_that_share_out_at_most_every_unit_are_allowed(shares):
    """Each grade's quota is its own share of the units assessed (A级不超过10%、B级不超过20%、C级不超过30%, the
    rest D or E: 60% in all): one grade may take every unit, and the shares may add up to exactly 100%."""
    rules = parse_rule_set(edit(QUOTAS, f"quota_share = {shares}"))
    assert sum(rules.grades.quota_share.values()) == 1
    assert sum(rules.quota_caps(20).values()) == 20


def test_quota_shares_adding_up_to_more_than_every_unit_are_refused_in_one_sentence():
    problems = problems_of(edit("C = 0.30", "C = 1"))
    assert problems == [("grades.quota_share", "A级10%、B级20%、C级100%，合计 130%，超过全部参评单位（100%）；"
                                               "各等级的名额分别按参评数量的比例计算，合计不能超过 100%")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 100), min_size=1, max_size=3))
def test_quota_shares_are_refused_exactly_when_they_add_up_to_more_than_100_percent(percents):
    shares = ", ".join(f"{grade} = {percent / 100}" for grade, percent in zip("ABC", percents, strict=False))
    text = edit(QUOTAS, f"quota_share = {{ {shares} }}")
    if sum(percents) <= 100:
        assert sum(parse_rule_set(text).quota_caps(100).values()) == sum(percents)
    else:
        assert paths_of(text) == {"grades.quota_share"}


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 60))
def test_a_section_is_refused_exactly_when_its_points_are_not_its_clauses_sum(p11, p12, p13, section):
    text = edit(SECTION_1, f'title = "年度指标完成情况"\npoints = {section}')
    text = edit(CLAUSE_1_1, f'formula = "bases"\npoints = {p11}', text)
    text = edit('formula = "trips"\npoints = 8', f'formula = "trips"\npoints = {p12}', text)
    text = edit('formula = "all_evidence"\npoints = 5', f'formula = "all_evidence"\npoints = {p13}', text)
    if p11 + p12 + p13 == section:
        assert parse_rule_set(text).sections[0].points == section
    else:
        problems = problems_of(text)
        assert [path for path, _ in problems] == ["sections[一].points"]
        assert f"为 {section} 分" in problems[0][1] and f"合计为 {p11 + p12 + p13} 分" in problems[0][1]


def test_a_year_file_keeps_its_rule_set_even_when_its_figures_disagree():
    """Checked as it was when the year was made: an older year whose rule set the checks added since would
    refuse still opens and scores as it did."""
    text = edit("C = 0.30", "C = 0.80")
    assert parse_rule_set(text, stored=True).grades.quota_share["C"] == Fraction(4, 5)
    with pytest.raises(RuleSetError):
        parse_rule_set(text)


def test_missing_readings_table_is_reported_at_its_path_and_at_every_user():
    text = TEXT[:TEXT.index("[readings.base_agreement_in_period]")]
    paths = paths_of(text)
    assert "readings" in paths
    assert {"clauses[2.1].readings", "clauses[2.1].formula", "grades.readings"} <= paths


def test_a_file_with_many_breakages_reports_all_of_them_at_once():
    text = TEXT
    text = edit('document = "吴人社就〔2022〕15号"\n', "", text)
    text = edit('format = 2', 'format = 2\ncolour = "red"', text)
    text = edit(PARAMS_1_1, 'params = { per_item = "4", bonus_per_item = 4, bonus_cap = 12, extra = 1 }', text)
    text = edit('formula = "deliveries"', 'formula = "deliverance"', text)
    text = edit('id = "1.3"\nsection = "一"', 'id = "1.3"\nsection = "六"', text)
    text = edit('value = "competition"', 'value = "random"', text)
    text = edit(POOR, 'poor_verdict = "很差" }', text)
    text = edit(MAJOR_CONDITION, 'id = "major_incident"\ncondition = "moon_phase"', text)
    text = edit("A = 0.10", "A = 1.5", text)
    text = edit('arrivals_evidence = ["annex1", "annex2", "monthly_reports"]',
                'arrivals_evidence = ["annex1", "annex9", "monthly_reports"]', text)
    text = edit('readings = ["delivery_in_period"]', 'readings = ["delivery_in_period", "no_such_reading"]', text)
    paths = paths_of(text)
    assert paths == {
        "document", "colour", "clauses[1.1].params.per_item", "clauses[1.1].params.extra",
        "clauses[3.1].formula", "clauses[1.3].section", "readings.tie_rule.value",
        "clauses[1.2].params.poor_verdict", "negative.vetoes[0].condition", "grades.quota_share.A",
        "clauses[2.1].params.arrivals_evidence", "clauses[3.1].readings",
    }


def test_syntax_error_is_reported_alone_with_the_line():
    problems = problems_of(edit("year = 2022", "year = = 2022"))
    assert len(problems) == 1
    path, message = problems[0]
    assert path == "(file)"
    assert "line 16" in message


def test_load_rule_set_names_the_file_in_the_error(tmp_path):
    path = tmp_path / "copy.toml"
    path.write_text(edit("year = 2022", 'year = "2022"'), encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_rule_set(path)
    assert info.value.source == str(path)
    assert info.value.problems == [("year", "expected an integer, found '2022'")]


# ------------------------------------------------------------------ validation: non-finite and non-table values

@pytest.mark.parametrize("value", ["inf", "1e400"])
def test_infinite_parameter_is_a_reported_problem_not_a_crash(value):
    text = edit(PARAMS_1_1, f"params = {{ per_item = 4, bonus_per_item = 4, bonus_cap = {value} }}")
    assert paths_of(text) == {"clauses[1.1].params.bonus_cap"}


def test_nan_parameter_is_reported():
    text = edit(PARAMS_1_1, "params = { per_item = nan, bonus_per_item = 4, bonus_cap = 12 }")
    assert paths_of(text) == {"clauses[1.1].params.per_item"}


def _without_vetoes(replacement: str) -> str:
    start = TEXT.index("# Status table.")
    end = TEXT.index("# ---------------------------------------------------------------- 五、考核结果运用")
    return edit("total_floor = 0", "total_floor = 0\n" + replacement, TEXT[:start]) + TEXT[end:]


def test_veto_entries_that_are_not_tables_are_reported():
    assert "negative.vetoes[0]" in paths_of(_without_vetoes("vetoes = [1, 2]"))


def test_evidence_items_that_are_not_tables_are_reported():
    text = edit('evidence = [{ id = "insurer_documents", label = "保险公司出具的相关手续" }]',
                'evidence = ["insurer_documents"]')
    assert "clauses[4.2].evidence[0]" in paths_of(text)
