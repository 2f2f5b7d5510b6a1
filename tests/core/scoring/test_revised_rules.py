"""A year in progress adopts a revised rule set of its year that the bureau issued (a rule-set file, or one
imported into the program), on the command line: what changes is shown first (the clauses scored
differently, each unit's total and grade before → after), the change is one audited edit with its reason,
a rule set of another year is refused in one sentence, and no internal id is ever shown."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import cli
from core.common.messages import format_number
from core.scoring import rule_library
from core.scoring.engine import score_year
from core.scoring.rules import DEFAULT_RULE_SET
from core.store.dataset import Dataset

REVISED_TITLE = "2022年“乐业吴江”就业协作联盟运营单位绩效考核细则（修订）"
REVISED_DOCUMENT = "吴人社就〔2022〕21号"


def revised_text(rule_set_id: str = "wujiang-2022", year: int = 2022) -> str:
    """The program's 2022 rules as the bureau revised them: 1.1 gives 3 points a base (bonus 3, cap 9)."""
    text = DEFAULT_RULE_SET.read_text(encoding="utf-8")
    for old, new in (('id = "wujiang-2022"', f'id = "{rule_set_id}"'),
                     ('title = "2022年“乐业吴江”就业协作联盟运营单位绩效考核细则"', f'title = "{REVISED_TITLE}"'),
                     ('document = "吴人社就〔2022〕15号"', f'document = "{REVISED_DOCUMENT}"'),
                     ("issued = 2022-09-01", "issued = 2022-11-15"),
                     ("params = { per_item = 4, bonus_per_item = 4, bonus_cap = 12 }",
                      "params = { per_item = 3, bonus_per_item = 3, bonus_cap = 9 }")):
        assert old in text
        text = text.replace(old, new, 1)
    if year != 2022:
        text = text.replace("year = 2022", f"year = {year}").replace("period_start = 2022", f"period_start = {year}") \
            .replace("period_end = 2022", f"period_end = {year}")
    return text


def said(unit) -> str:
    """A unit's total and grade as the change is shown: 116.5 分 E 级（不合格）."""
    status = {"qualified": "", "unqualified": "（不合格）", "revoked": "（取消资格）"}[unit.status]
    return f"{format_number(unit.total)} 分 {unit.grade} 级{status}"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("rule_set_id", ["wujiang-2022", "wujiang-2022-rev"])
def test_a_revised_rule_file_of_the_year_is_adopted_after_showing_what_changes(
        demo_year_file, tmp_path, monkeypatch, capsys, rule_set_id):
    revised = write(tmp_path, "修订细则.toml", revised_text(rule_set_id))
    with Dataset.open(demo_year_file) as ds:
        before = score_year(ds.rule_set(), ds.year())
        head = ds.audit_head()[0]
    monkeypatch.setattr("sys.stdin", io.StringIO("是\n"))
    reason = "局里印发修订细则（吴人社就〔2022〕21号）"
    assert cli.main(["adopt-rules", "--dataset", str(demo_year_file), "--reason", reason, "--rules", str(revised)]) == 0
    out = capsys.readouterr().out
    assert "1.1 建立劳务基地或政校合作基地：每项得分 4 → 3、每项加分 4 → 3、加分上限 12 → 9" in out
    assert "1.2" not in out  # only the clauses scored differently
    assert f"《{REVISED_TITLE}》（{REVISED_DOCUMENT}）" in out and "审计" in out
    assert "wujiang" not in out  # no internal id
    with Dataset.open(demo_year_file) as ds:
        rules = ds.rule_set()
        assert (rules.title, rules.document, rules.clause("1.1").params["per_item"]) == (REVISED_TITLE,
                                                                                          REVISED_DOCUMENT, 3)
        after = score_year(rules, ds.year())
        rows = [e for e in ds.audit_entries() if e.seq > head]
        assert rows and {e.reason for e in rows} == {reason}
        values = [json.loads(e.new_value) for e in rows if e.new_value]
        text = revised.read_text(encoding="utf-8")
        assert any(v == text or isinstance(v, dict) and v.get("text") == text for v in values)  # the new law kept
        assert ds.verify_audit() is None and ds.check_audit().problems == []
    changed = [u for u in after.units if u.total != before.unit(u.name).total]
    assert {u.status for u in changed} == {"qualified", "unqualified", "revoked"}
    for unit in changed:  # every unit whose total changed is shown with its total and grade before → after
        old = before.unit(unit.name)
        shown = f"{unit.name}：{said(old)} → {said(unit)}"
        assert shown in out


def test_a_revised_rule_set_imported_into_the_program_is_named_by_its_document(demo_year_file, tmp_path, capsys):
    kept, problems = rule_library.import_file(write(tmp_path, "rev.toml", revised_text("wujiang-2022-rev")))
    assert kept is not None, problems
    args = ["adopt-rules", "--dataset", str(demo_year_file), "--reason", "修订", "--rules", REVISED_DOCUMENT, "--yes"]
    assert cli.main(args) == 0
    assert REVISED_TITLE in capsys.readouterr().out
    with Dataset.open(demo_year_file) as ds:
        assert ds.rule_set().document == REVISED_DOCUMENT
    # the program's own 2022 rules were issued before the revision: nothing newer to adopt by default
    assert cli.main(["adopt-rules", "--dataset", str(demo_year_file), "--reason", "再次", "--yes"]) == 2
    err = capsys.readouterr().err
    assert f"《{REVISED_TITLE}》（{REVISED_DOCUMENT}）" in err and "无需更换" in err and "wujiang" not in err


def test_a_rule_set_of_another_year_is_refused_in_one_sentence(demo_year_file, tmp_path, capsys):
    other = write(tmp_path, "2023.toml", revised_text("wujiang-2023", year=2023))
    with Dataset.open(demo_year_file) as ds:
        sha, head = ds.rule_set().sha256, ds.audit_head()
    args = ["adopt-rules", "--dataset", str(demo_year_file), "--reason", "误选", "--rules", str(other), "--yes"]
    assert cli.main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (f"《{REVISED_TITLE}》是 2023 年度的细则，本数据文件是 2022 年度的，"
                                    "不能用它更换本年度的细则。")
    with Dataset.open(demo_year_file) as ds:
        assert (ds.rule_set().sha256, ds.audit_head()) == (sha, head)


def test_declining_the_change_leaves_the_year_as_it_was(demo_year_file, tmp_path, monkeypatch, capsys):
    revised = write(tmp_path, "rev.toml", revised_text("wujiang-2022-rev"))
    with Dataset.open(demo_year_file) as ds:
        head = ds.audit_head()
    monkeypatch.setattr("sys.stdin", io.StringIO("否\n"))
    assert cli.main(["adopt-rules", "--dataset", str(demo_year_file), "--reason", "修订", "--rules", str(revised)]) == 1
    assert "未更换" in capsys.readouterr().out
    with Dataset.open(demo_year_file) as ds:
        assert ds.audit_head() == head and ds.rule_set().document == "吴人社就〔2022〕15号"


def test_the_year_exported_after_adopting_names_the_rule_set_it_is_scored_by(demo_year_file, tmp_path):
    revised = write(tmp_path, "rev.toml", revised_text("wujiang-2022-rev"))
    args = ["adopt-rules", "--dataset", str(demo_year_file), "--reason", "修订", "--rules", str(revised), "--yes"]
    assert cli.main(args) == 0
    out = tmp_path / "year.json"
    assert cli.main(["export-json", str(demo_year_file), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["rule_set"] == "wujiang-2022-rev"


def broken(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def test_a_bad_section_value_is_one_problem_its_clauses_not_blamed(tmp_path):
    # section 一's points and clause 2.1's, as a clerk typing the figure in words would
    text = DEFAULT_RULE_SET.read_text(encoding="utf-8").replace("points = 25", 'points = "二十五"')
    rules, problems = rule_library.read_file(write(tmp_path, "细则.toml", text))
    assert rules is None and problems == ["第一部分 › 分值：应为不小于 0 的数，现为 “二十五”",
                                          "条款 2.1 › 分值：应为不小于 0 的数，现为 “二十五”"]


def test_a_syntax_error_says_what_was_expected_and_quotes_the_line(tmp_path):
    text = DEFAULT_RULE_SET.read_text(encoding="utf-8")
    heading = text.index("[[clauses]]", text.index('id = "1.1"'))  # the heading of 1.2
    left_open = text[:heading] + "oops = [\n\n" + text[heading:]  # an item left open before 1.2
    line = text[:heading].count("\n") + 1
    rules, problems = rule_library.read_file(write(tmp_path, "少了括号.toml", left_open))
    assert rules is None and problems == [
        f"文件：第 {line + 2} 行第 3 列不符合细则文件的写法：上面第 {line} 行“oops = [”没有写完："
        "列表“[”缺少收尾的“]”，或缺少值（该行为：[[clauses]]）"]
    no_equals = broken(text, ('title = "组织赴外招聘"', 'title "组织赴外招聘"'))
    line = no_equals[:no_equals.index('title "组织赴外招聘"')].count("\n") + 1
    _, problems = rule_library.read_file(write(tmp_path, "少了等号.toml", no_equals))
    assert problems == [f"文件：第 {line} 行第 7 列不符合细则文件的写法：缺少等号：每一项都写成“名称 = 值”"
                        "（该行为：title \"组织赴外招聘\"）"]
    no_quote = broken(text, ('document = "吴人社就〔2022〕15号"', 'document = "吴人社就〔2022〕15号'))
    line = no_quote[:no_quote.index('document = "吴人社就')].count("\n") + 1
    _, problems = rule_library.read_file(write(tmp_path, "少了引号.toml", no_quote))
    assert problems == [f"文件：第 {line} 行第 26 列不符合细则文件的写法：这一行的文字缺少收尾的引号"
                        "（该行为：document = \"吴人社就〔2022〕15号）"]


def test_a_copy_made_before_the_revision_still_anchors_the_year_s_trail(demo_year_file, tmp_path, capsys):
    import shutil
    before = tmp_path / "交局里前的副本.wjkh"
    shutil.copy(demo_year_file, before)
    revised = write(tmp_path, "rev.toml", revised_text("wujiang-2022-rev"))
    args = ["adopt-rules", "--dataset", str(demo_year_file), "--reason", "修订", "--rules", str(revised), "--yes"]
    assert cli.main(args) == 0
    capsys.readouterr()
    assert cli.main(["verify-audit", str(demo_year_file), "--against", str(before)]) == 0
    out = capsys.readouterr().out
    assert f"与备份 {before.name}" in out and "一致" in out
