"""Each licence kind's credit scale (reading `credit_scales`, rules-2022.md 五): a labour-dispatch agency's
labour-security credit has A, B and C only, so D is refused for it; a year file holding such a D from before
the scales is told in one sentence by the file check (verify-audit) and `score`, never quietly 合格."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from core.common.messages import render
from core.scoring.credit import off_scale
from core.scoring.facts import Negative
from core.scoring.rules import DEFAULT_RULE_SET, RuleSetError, load_rule_set, parse_rule_set
from core.store.dataset import Dataset, create_file
from tests.cli_support import run

RULES = load_rule_set()
ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
DISPATCH = "苏州黎里禾源劳务派遣有限公司"  # a labour-dispatch agency only
SENTENCE = (f"“{DISPATCH}”的劳务派遣单位信用等级记为 D 级，但劳务派遣单位的信用等级只有 A、B、C 级，没有 D 级："
            "考核细则对其没有规定，不据此判定不合格。请核实后改为评定的实际等级。")


def rules_before_the_scales():
    """The 2022 rules as year files made before the scales store them: one scale, A–D, for every kind."""
    text = DEFAULT_RULE_SET.read_text(encoding="utf-8")
    text = text.replace('readings = ["credit_scales"]\n', "")
    start = text.index("[readings.credit_scales]")
    text = text[:start] + text[text.index("[readings.quota_rounding]"):]
    old = parse_rule_set(text, stored=True)
    assert old.id == RULES.id and old.credit_scale("labour_dispatch") == ("A", "B", "C", "D")
    return old


def year_file_holding_d(path: Path) -> Path:
    """The demo year written under the rules before the scales, its dispatch agency's credit recorded as D."""
    from core.scoring.facts import load_year
    old = rules_before_the_scales()
    year, problems = load_year(DEMO, old)
    assert not problems
    units = tuple(replace(u, negative=replace(u.negative, credit_grades={"labour_dispatch": "D"}))
                  if u.name == DISPATCH else u for u in year.units)
    assert create_file(path, old, "陈考核", "考核组长", replace(year, units=units)) == []
    return path


def test_the_scales_are_rule_data_each_kind_its_own():
    assert RULES.credit_scale("labour_dispatch") == ("A", "B", "C")
    assert RULES.credit_scale("hr_service") == ("A", "B", "C", "D")
    assert "credit_scales" in RULES.negative.readings
    assert "劳务派遣单位的劳动保障信用等级分A、B、C三级" in RULES.readings["credit_scales"].description


def test_a_veto_on_a_grade_the_scale_lacks_is_refused_in_the_rule_data():
    text = DEFAULT_RULE_SET.read_text(encoding="utf-8").replace(
        'kind = "labour_dispatch"\ngrades = ["C"]', 'kind = "labour_dispatch"\ngrades = ["C", "D"]')
    with pytest.raises(RuleSetError) as refused:
        parse_rule_set(text)
    assert any("not on the labour_dispatch credit scale" in message for _, message in refused.value.problems)


def test_d_for_a_dispatch_agency_is_refused_by_the_exchange_format_check(tmp_path):
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    unit = next(u for u in data["units"] if u["name"] == DISPATCH)
    unit.setdefault("negative", {})["credit_grades"] = {"labour_dispatch": "D"}
    year = tmp_path / "2022.json"
    year.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    scored = run("score", str(year))
    assert scored.returncode == 2
    assert "信用等级“D”无效，应为 A、B、C 之一" in scored.stderr
    unit["negative"]["credit_grades"] = {"labour_dispatch": "C"}
    year.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run("score", str(year)).returncode == 0


def test_a_year_file_holding_d_for_a_dispatch_agency_is_told_by_the_file_check_and_score(tmp_path):
    path = year_file_holding_d(tmp_path / "2022.wjkh")
    with Dataset.open(path, read_only=True) as ds:
        unit = next(u for u in ds.year().units if u.name == DISPATCH)
        assert [render(m) for m in off_scale(ds.rule_set(), unit, ds.program_rule_set())] == [SENTENCE]
    checked = run("verify-audit", str(path))
    assert checked.returncode == 0 and SENTENCE in checked.stdout.splitlines()
    scored = run("score", str(path))
    assert scored.returncode == 0 and scored.stdout.splitlines()[-1] == SENTENCE
    # an HR-service agency's D is on its scale: nothing said of it
    hr = replace(unit, kinds=("hr_service",), negative=Negative(credit_grades={"hr_service": "D"}))
    assert off_scale(RULES, hr) == []
