"""The rule sets the program knows (its own and the user's), importing a rule-set file, every problem of
one told in Chinese by item and reason, and the formats: an older stored rule set read through its
migrations, a newer one refused in one sentence naming the format it needs."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

from core.common.messages import render
from core.scoring import rule_library
from core.scoring.rule_formats import CURRENT_FORMAT
from core.scoring.rule_problems import told
from core.scoring.rules import DEFAULT_RULE_SET, load_rule_set, parse_rule_set
from core.store.dataset import Dataset, DatasetError, create_file
from tests.core.scoring.test_rules import BREAKAGES, problems_of
from tests.example_rules import EXAMPLE_2023, RULE_SET_FILES
from tests.profile_support import profile_environ

TEXT_2022 = DEFAULT_RULE_SET.read_text(encoding="utf-8")
TEXT_2023 = EXAMPLE_2023.read_text(encoding="utf-8")


def profile(tmp_path: Path) -> dict[str, str]:
    return profile_environ(tmp_path / "config")


def newer(text: str) -> str:
    return text.replace(f"format = {CURRENT_FORMAT}", f"format = {CURRENT_FORMAT + 1}", 1)


@pytest.mark.parametrize("name, text, path, word", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_every_problem_of_a_rule_set_is_told_in_chinese_by_item_and_reason(name, text, path, word):
    for problem in told(problems_of(text)):
        assert problem.understood, problem
        sentence = problem.text()
        assert sentence.startswith(problem.where + "：")
        # no English of the loader: only the file's own keys and values (quoted or named) stay Latin
        unquoted = re.sub(r"“[^”]*”|\([^)]*\)|（[^）]*）", "", problem.reason)
        assert not re.search(r"[A-Za-z]{3,}", unquoted), sentence


def test_key_paths_are_said_in_the_form_s_words():
    sentences = {p.path: p.text() for p in told([
        ("clauses[2.1].params.step", "expected a finite number ≥ 0, found 'x'"),
        ("negative.deductions[2].threshold", "missing (a deduction made once needs a threshold)"),
        ("readings.tie_rule.value", "must be one of ['competition', 'dense'], found 'random'"),
        ("grades.quota_share.B", "a share is at most 1"),
    ])}
    assert sentences == {
        "clauses[2.1].params.step": "条款 2.1 › 参数“每降低一个名次减分”：应为不小于 0 的数，现为 “x”",
        "negative.deductions[2].threshold": "负面影响 › 扣分项第 3 项 › 门槛：缺少门槛（一次性扣分须写明门槛）",
        "readings.tie_rule.value": ("解读“并列名次的计法” › 取值：应为 “competition”"
                                    "（并列取较优名次，其后名次顺延（如 25、25、22））、"
                                    "“dense”（并列后名次连续（如 25、25、23.5）） 之一，现为 “random”"),
        "grades.quota_share.B": "等级 › 名额比例 › B级：比例不能超过 1（即 100%）",
    }


def test_the_program_knows_its_own_rule_sets_then_the_user_s(tmp_path):
    env = profile(tmp_path)
    known = rule_library.known_rule_sets(env)
    assert [(k.rules.id, k.bundled) for k in known] == [("wujiang-2022", True)]  # the issued 2022 rules alone
    bureau_s, problems = rule_library.import_file(EXAMPLE_2023, env)  # as a bureau's 2023 rules come in
    assert problems == [] and bureau_s is not None and not bureau_s.bundled
    assert [(k.rules.id, k.bundled) for k in rule_library.known_rule_sets(env)] == [
        ("wujiang-2022", True), ("wujiang-2023", False)]
    colleague = tmp_path / "同事的细则.toml"
    colleague.write_text(TEXT_2023.replace('id = "wujiang-2023"', 'id = "wujiang-2023-b"'), encoding="utf-8")
    added, problems = rule_library.import_file(colleague, env)
    assert problems == [] and added is not None and not added.bundled
    assert added.path.parent == rule_library.imported_dir(env) and added.path.read_bytes() == colleague.read_bytes()
    assert [k.rules.id for k in rule_library.known_rule_sets(env)] == ["wujiang-2022", "wujiang-2023-b", "wujiang-2023"]
    assert rule_library.known_rule_sets(env)[1].rules.sha256 == hashlib.sha256(colleague.read_bytes()).hexdigest()
    again, problems = rule_library.import_file(colleague, env)  # the same file twice: already known
    assert problems == [] and again is not None and again.path == added.path
    assert len(list(rule_library.imported_dir(env).iterdir())) == 2


def test_an_id_is_one_text(tmp_path):
    env = profile(tmp_path)
    assert rule_library.import_file(EXAMPLE_2023, env)[1] == []
    changed = tmp_path / "改过的2023细则.toml"
    changed.write_text(TEXT_2023.replace("每件扣4分", "每件扣3分"), encoding="utf-8")
    added, problems = rule_library.import_file(changed, env)
    assert added is None and problems == [
        "这份细则的编号与本机的《2023年“乐业吴江”就业协作联盟运营单位绩效考核细则（示例）》（非正式发文）"
        "相同，内容却不同；"
        "年度数据文件按编号认细则，两者不能在本机并存，请在新细则中换一个编号。"]
    assert [p.name for p in rule_library.imported_dir(env).iterdir()] == ["wujiang-2023.toml"]


def test_a_bad_file_is_refused_with_every_problem_and_nothing_kept(tmp_path):
    env = profile(tmp_path)
    bad = tmp_path / "有错的细则.toml"
    text = TEXT_2023.replace('id = "wujiang-2023"', 'id = "mine"')
    text = text.replace("per_ticked_item = 1.5", 'per_ticked_item = "x"')
    bad.write_text(text.replace('document = "非正式发文"\n', ""), encoding="utf-8")
    added, problems = rule_library.import_file(bad, env)
    assert added is None
    assert problems == ["条款 4.1 › 参数“每勾选一项建议分”：应为不小于 0 的数，现为 “x”", "文号：缺少此项"]
    for content, sentence in ((b"\xff\xfe", "有错的细则.toml 不是 UTF-8 编码的文本文件，不是考核细则文件。"),
                              (b'id = "x"\nyear = = 1', "文件：第 2 行第 8 列不符合细则文件的写法：这里应是一项的值："
                               "文字须用英文双引号括起，数字、日期直接写（该行为：year = = 1）")):
        bad.write_bytes(content)
        assert rule_library.import_file(bad, env) == (None, [sentence])
    assert not rule_library.imported_dir(env).exists()


def test_a_rule_set_of_a_newer_format_is_refused_in_one_sentence(tmp_path):
    path = tmp_path / "2024细则.toml"
    path.write_text(newer(TEXT_2023), encoding="utf-8")
    added, problems = rule_library.import_file(path, profile(tmp_path))
    assert added is None and problems == [
        f"考核细则《2023年“乐业吴江”就业协作联盟运营单位绩效考核细则（示例）》为第 {CURRENT_FORMAT + 1} 版细则格式，"
        f"本程序只能读取第 {CURRENT_FORMAT} 版及以前的格式，需要能读取第 {CURRENT_FORMAT + 1} 版细则格式的新版程序。"]


def store_rule_set_text(path: Path, text: str) -> None:
    """What a program of another version would have stored: the text and its own SHA-256."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE rule_sets SET text = ?, sha256 = ?", (text, hashlib.sha256(text.encode()).hexdigest()))
    conn.close()


def test_a_year_file_storing_a_newer_format_is_refused_untouched(tmp_path):
    path = tmp_path / "2023年度考核.wjkh"
    create_file(path, load_rule_set(EXAMPLE_2023), "张三")
    store_rule_set_text(path, newer(TEXT_2023))
    before = path.read_bytes()
    with pytest.raises(DatasetError) as info:
        Dataset.open(path)
    assert render(info.value.msg) == (
        f"数据文件 2023年度考核.wjkh 所存的考核细则为第 {CURRENT_FORMAT + 1} 版细则格式，本程序只能读取第 "
        f"{CURRENT_FORMAT} 版及以前的格式，需要能读取第 {CURRENT_FORMAT + 1} 版细则格式的新版程序才能打开，"
        "文件未作任何改动。")
    assert path.read_bytes() == before


def test_a_stored_rule_set_lacking_a_parameter_added_since_opens_with_its_documented_default(tmp_path):
    """2.2's retention_months came after year files stored rule sets without it: they take 6 (满六个月)."""
    old_text = TEXT_2022.replace(", retention_months = 6 }", " }")
    assert old_text != TEXT_2022
    path = tmp_path / "2022年度考核.wjkh"
    create_file(path, load_rule_set(), "张三")
    store_rule_set_text(path, old_text)
    with Dataset.open(path, read_only=True) as ds:
        stored = ds.rule_set()
        assert stored.clause("2.2").params["retention_months"] == 6
        assert stored.source_text == old_text and stored.sha256 == hashlib.sha256(old_text.encode()).hexdigest()
    assert parse_rule_set(old_text).clause("2.2").params == load_rule_set().clause("2.2").params


def test_format_1_is_migrated_to_the_comparisons_the_program_then_applied():
    old = load_rule_set(Path(__file__).resolve().parents[2] / "fixtures" / "wujiang-2022-format1.toml", stored=True)
    current = load_rule_set()
    assert old.format == 1
    assert {c.id: {k: (t.value, t.test) for k, t in c.thresholds.items()} for c in old.clauses} == {
        c.id: {k: (t.value, ">=") for k, t in c.thresholds.items()} for c in current.clauses}
    assert [d.threshold and (d.threshold.value, d.threshold.test) for d in old.negative.deductions] == [
        None, None, (5, ">=")]
    assert old.grades.quota_test == "<="


@pytest.mark.parametrize("path", RULE_SET_FILES, ids=lambda p: p.name)
def test_a_rule_set_written_back_is_the_same_rule_set(path):
    import dataclasses
    import tomllib

    from core.scoring.rule_writer import dumps
    text = path.read_text(encoding="utf-8")
    written = dumps(tomllib.loads(text), "第一行\n第二行")
    assert written.startswith("# 第一行\n# 第二行\n\n") and tomllib.loads(written) == tomllib.loads(text)
    before, after = parse_rule_set(text), parse_rule_set(written)
    assert all(getattr(before, f.name) == getattr(after, f.name) for f in dataclasses.fields(before)
               if f.name not in ("source_text", "sha256"))


def test_a_new_year_s_draft_moves_the_year_and_is_checked_as_a_whole():
    from core.scoring.rule_draft import RuleSetDraft
    base = load_rule_set(EXAMPLE_2023)
    taken = [(k.rules.id, k.rules.title) for k in rule_library.known_rule_sets({"XDG_CONFIG_HOME": "/nonexistent"})]
    draft = RuleSetDraft.next_year(base, taken)
    assert (draft.data["id"], draft.data["year"], draft.data["title"][:5]) == ("wujiang-2024", 2024, "2024年")
    assert [p.text() for p in draft.check()[1]] == ["文号：与底稿的文号相同，请填写新细则的文号"]
    draft.set(("document",), "吴人社就〔2024〕3号")
    draft.set(("id",), "wujiang-2022")
    assert [p.text() for p in draft.check()[1]] == [
        "编号：已由《2022年“乐业吴江”就业协作联盟运营单位绩效考核细则》使用；年度数据文件按编号认细则，请换一个编号"]
    draft.set(("id",), "wujiang-2024")
    row = draft.add_evidence(9, "evidence")
    assert draft.loader_path(("clauses", 9, "evidence", row, "label")) == "clauses[4.3].evidence[3].label"
    assert [p.text() for p in draft.check()[1]] == ["条款 4.3 › 依据第 4 项 › 名称：应为非空的文字，现为 “”"]
    draft.remove_evidence(9, "evidence", row)
    rules, problems = draft.check()
    assert problems == [] and rules is not None and rules.year == 2024 and rules.sha256 == draft.sha256()
    assert rules.period_start.isoformat() == "2024-01-01" and rules.clauses == base.clauses


def test_a_draft_whose_clause_points_leave_their_section_s_is_told_at_the_section():
    """Raising 1.1 to 14 points in a draft: section 一's 25 no longer add up (12 → 14 of 25), said at 第一部分's
    points, the field the editor marks; raising the section too makes the draft whole again."""
    from core.scoring.rule_draft import RuleSetDraft
    base = load_rule_set(EXAMPLE_2023)
    draft = RuleSetDraft.next_year(base, [])
    draft.set(("document",), "吴人社就〔2024〕3号")
    draft.set(("clauses", 0, "points"), 14)
    problems = draft.check()[1]
    assert [(p.path, p.text()) for p in problems] == [(
        "sections[一].points", "第一部分 › 分值：为 25 分，而所属条款 1.1、1.2、1.3 的满分合计为 27 分；"
                               "一个部分的分值须等于其各条款满分之和（加分、扣分不计在内）")]
    assert draft.loader_path(("sections", 0, "points")) == "sections[一].points"
    draft.set(("sections", 0, "points"), 27)
    rules, problems = draft.check()
    assert problems == [] and rules is not None and rules.sections[0].points == 27


def test_an_imported_file_whose_quotas_share_out_more_than_every_unit_is_refused(tmp_path):
    source = tmp_path / "quotas.toml"
    source.write_text(TEXT_2023.replace('id = "wujiang-2023"', 'id = "wujiang-2023-q"')
                      .replace("C = 0.35", "C = 0.70"), encoding="utf-8")
    assert rule_library.import_file(source, profile(tmp_path)) == (None, [
        "等级 › 名额比例：A级10%、B级25%、C级70%，合计 105%，超过全部参评单位（100%）；"
        "各等级的名额分别按参评数量的比例计算，合计不能超过 100%"])
    assert not rule_library.imported_dir(profile(tmp_path)).exists()


def test_a_format_1_file_is_refused_for_a_new_year_in_words_the_user_can_act_on(tmp_path):
    path = Path(__file__).resolve().parents[2] / "fixtures" / "wujiang-2022-format1.toml"
    assert rule_library.import_file(path, profile(tmp_path)) == (None, [
        "细则格式版本：第 1 版细则格式的门槛没有写明比较方式，只有年度数据文件中所存的旧细则才是这一格式；"
        f"新细则须为第 {CURRENT_FORMAT} 版格式"])


def test_problems_the_formula_kinds_find_are_told_too():
    agreement = 'record_evidence = [{ id = "agreement", label = "基地协议（已签订，逐个基地查验）" }]\n'
    without_agreement = TEXT_2023.replace(agreement, "")
    start = TEXT_2023.index('[[clauses]]\nid = "2.1"')
    without_2_1 = TEXT_2023[:start] + TEXT_2023[TEXT_2023.index('[[clauses]]\nid = "2.2"'):]
    for text, sentence in (
            (without_agreement, "条款 1.1 › 逐项查验的依据：此计分方式至少须有一项逐项查验的依据"),
            (without_2_1, "条款 2.2：条款 2.2（进吴人员稳定情况）的得分要用")):
        problems = told(problems_of(text))
        assert all(p.understood for p in problems) and any(p.text().startswith(sentence) for p in problems), problems
