"""The formula registry (core/scoring/kinds.py): every formula kind is declared there whole, nothing else in the
program decides by a formula's name, and a rule set missing a clause another clause rests on is refused."""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.scoring.engine import score_year
from core.scoring.facts import load_year
from core.scoring.kinds import CURVES, FACTS, KINDS, RANKING_PARAMS, RECORD_EVIDENCE
from core.scoring.rules import DEFAULT_RULE_SET, RuleSetError, load_rule_set, parse_rule_set
from tests.example_rules import RULE_SET_FILES

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TEXT = DEFAULT_RULE_SET.read_text(encoding="utf-8")
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"


def formula_name_reads(path: Path) -> list[int]:
    """Lines reading a clause's formula name (`….formula`, `clause_with_formula(…)`), its kind's members aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        reads_name = isinstance(node, ast.Attribute) and node.attr == "formula" and isinstance(node.ctx, ast.Load)
        looks_up = isinstance(node, ast.Call) and \
            getattr(node.func, "attr", getattr(node.func, "id", "")) == "clause_with_formula"
        if reads_name or looks_up:
            found.append(node.lineno)
    return sorted(found)


def test_only_the_registry_reads_a_formula_name():
    """Pages, evidence, progress, ranking, bonus, the store, the PDF and the desktop ask the clause's kind; the
    one read of the name outside core/scoring/kinds.py is Clause.kind itself."""
    found = {}
    for face in ("core", "ui", "cli"):
        for path in sorted((ROOT / face).rglob("*.py")):
            if path == ROOT / "core" / "scoring" / "kinds.py":
                continue
            lines = formula_name_reads(path)
            if lines:
                found[str(path.relative_to(ROOT))] = lines
    kind_property = next(n for n in ast.walk(ast.parse((ROOT / "core/scoring/rules.py").read_text(encoding="utf-8")))
                         if isinstance(n, ast.FunctionDef) and n.name == "kind")
    assert found == {"core/scoring/rules.py": [kind_property.body[-1].lineno]}


def test_the_check_finds_a_comparison_on_a_formula_name(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('def f(clause, rules):\n    if clause.formula == "trips":\n        return 1\n'
                     '    return rules.clause_with_formula("bases")\n')
    assert formula_name_reads(probe) == [2, 4]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_kind_is_declared_whole(name):
    kind = KINDS[name]
    assert kind.name == name and callable(kind.function)
    assert set(kind.facts) <= set(FACTS)
    for need in kind.evidence:
        assert need.when is None or need.when in FACTS
        assert need.items is None or kind.params[need.items] == "ids"
    assert kind.records in (None, "bases", "trips")
    assert set(kind.reads) <= set(KINDS)
    assert RECORD_EVIDENCE not in kind.page.base_columns or kind.records == "bases"
    if kind.ranks:
        assert RANKING_PARAMS.items() <= kind.params.items()
    else:
        assert not set(RANKING_PARAMS) & set(kind.params)
    assert set(kind.defaults) <= set(kind.params)


def test_the_2022_rule_set_states_each_ranking_clause_s_curve_and_whether_it_is_a_bonus():
    rules = load_rule_set()
    ranked = {c.id: (c.params["curve"], c.params["as_bonus"]) for c in rules.ranking_clauses}
    assert ranked == {"2.1": ("linear", False), "2.2": ("linear", False), "3.2": ("linear", True)}
    assert 'curve = "linear", as_bonus = true' in TEXT


def test_a_rule_set_stored_before_the_curve_and_bonus_were_data_ranks_as_then():
    """Rule sets stored in year files before (format 1, and format 2 without `curve` and `as_bonus`) state
    neither: 3.2 is still a bonus, every ranking linear, and the demo year scores exactly as under the bundled one."""
    format1 = load_rule_set(FIXTURES / "wujiang-2022-format1.toml", stored=True)
    before = parse_rule_set(TEXT.replace(', curve = "linear", as_bonus = false', "")
                            .replace(', curve = "linear", as_bonus = true', ""), stored=True)
    assert "as_bonus" not in before.source_text
    for old in (format1, before):
        assert {c.id: (c.params["curve"], c.params["as_bonus"]) for c in old.ranking_clauses} == \
            {"2.1": ("linear", False), "2.2": ("linear", False), "3.2": ("linear", True)}
    year, problems = load_year(DEMO, before)
    assert problems == [] and year is not None
    then, now = score_year(before, year), score_year(load_rule_set(), year)
    def scores(result):  # every figure (the explanations' recipes hold the rule set itself)
        return [(u.name, [c[:9] for c in u.clauses], u.sections, u.total, u.status, u.rank, u.grade)
                for u in result.units]
    assert scores(then) == scores(now)
    assert any(u.clause("3.2").bonus for u in then.units)
    for unit in then.units:
        rating = unit.clause("3.2")
        assert rating.points == 0 and rating.bonus == rating.net


def test_a_ranking_clause_made_a_base_point_clause_by_its_rule_set():
    """3.2 with as_bonus = false: the same rank's points, now base points instead of a bonus."""
    year, _ = load_year(DEMO, load_rule_set())
    assert year is not None
    text = TEXT.replace('curve = "linear", as_bonus = true', 'curve = "linear", as_bonus = false')
    # its first place's 10 are now the clause's points, and so part of section 三's (20 + 10)
    text = text.replace('formula = "rating_ranked"\npoints = 0', 'formula = "rating_ranked"\npoints = 10')
    text = text.replace('title = "用工速递系统使用情况"\npoints = 20', 'title = "用工速递系统使用情况"\npoints = 30')
    rules = parse_rule_set(text)
    as_bonus, as_points = score_year(load_rule_set(), year), score_year(rules, year)
    ranked = [u for u in as_bonus.units if u.clause("3.2").rank is not None]
    assert ranked
    for unit in ranked:
        bonus, points = unit.clause("3.2"), as_points.unit(unit.name).clause("3.2")
        assert (points.points, points.bonus, points.net) == (bonus.bonus, 0, bonus.net)


def test_an_unknown_curve_is_refused_with_its_path():
    with pytest.raises(RuleSetError) as info:
        parse_rule_set(TEXT.replace('floor = 0, curve = "linear"', 'floor = 0, curve = "stairs"'), source="x.toml")
    assert [path for path, _ in info.value.problems] == ["clauses[3.2].params.curve"]
    assert list(CURVES) == ["linear"] and CURVES["linear"](Fraction(25), Fraction(3, 2), Fraction(5), 3) == 22


def _without_clause(text: str, clause_id: str) -> str:
    start = text.index(f'[[clauses]]\nid = "{clause_id}"')
    end = text.index("[[clauses]]", start + 1)
    return text[:start] + text[end:]


def test_dropping_a_clause_another_rests_on_is_refused_naming_both():
    """Without 2.1 nothing confirms the people 2.2 and 4.2 are computed from (4.2's denominator would lose its
    evidence check silently): each is refused with one Chinese sentence naming it and 2.1."""
    with pytest.raises(RuleSetError) as info:
        parse_rule_set(_without_clause(TEXT, "2.1"), source="wujiang-2023.toml")
    problems = dict(info.value.problems)
    assert list(problems) == ["clauses[2.2]", "clauses[4.2]"]
    assert problems["clauses[4.2]"] == (
        "条款 4.2（为来吴务工人员购买商业保险）的得分要用"
        "组织进吴人数与促成见习（实习）人数排名条款（2022 年细则的 2.1）"
        "所确认的人数，本细则缺少该条款：请补回该条款，或一并删去条款 4.2。")
    assert "条款 2.2（进吴人员稳定情况）" in problems["clauses[2.2]"] and "2.1" in problems["clauses[2.2]"]


def test_dropping_a_clause_nothing_rests_on_loads():
    # section 四 loses 4.2's 3 points with it (15 → 12): a section's points are its clauses'
    text = _without_clause(TEXT, "4.2").replace('title = "组织管理情况"\npoints = 15',
                                                'title = "组织管理情况"\npoints = 12')
    rules = parse_rule_set(text)
    assert [c.id for c in rules.clauses] == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.3"]


def readings_read_by_the_program() -> set[str]:
    """Reading names the program's code asks a rule set for: `….reading("name")` (or a helper taking the rule set
    and the name) with the name written out, anywhere in core/."""
    found = set()
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and "reading" in getattr(node.func, "attr", getattr(node.func, "id", "")):
                found |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


@pytest.mark.parametrize("path", RULE_SET_FILES, ids=lambda p: p.name)
def test_every_reading_of_a_bundled_rule_set_is_read(path):
    """A reading the scoring never reads would document a choice the rule set cannot change: the program's fixed
    choices are in docs/rule-sets.md instead. A reading that picks a threshold's comparison is read through it."""
    rules = load_rule_set(path)
    by_threshold = {t.reading for c in rules.clauses for t in c.thresholds.values() if t.reading}
    unread = set(rules.readings) - readings_read_by_the_program() - by_threshold
    assert unread == set()


def test_a_rule_set_stored_with_the_retired_readings_still_loads():
    """Year files keep their rule set word for word: one naming trip_placement, rank_only_qualifying … loads and
    shows them beside their clauses as it did."""
    stored = load_rule_set(FIXTURES / "wujiang-2022-format1.toml", stored=True)
    assert {"trip_placement", "rank_only_qualifying", "grade_boundary_tie"} <= set(stored.readings)
    assert "trip_placement" in stored.clause("1.2").readings
    assert not {"trip_placement", "rank_only_qualifying"} & set(load_rule_set().readings)


_numbers = st.one_of(st.integers(-30, 30), st.fractions(min_value=-30, max_value=30, max_denominator=12))


@given(top=_numbers, step=_numbers, floor=_numbers, rank=st.integers(1, 2000))
@settings(max_examples=400, deadline=None)
def test_the_linear_curve_is_top_less_a_step_a_place_never_below_the_floor(top, step, floor, rank):
    # the curve compares in whole numbers before making a Fraction: the value and its type stay the plain formula's
    points, plain = CURVES["linear"](top, step, floor, rank), max(floor, top - step * (rank - 1))
    assert points == plain and type(points) is type(plain)
