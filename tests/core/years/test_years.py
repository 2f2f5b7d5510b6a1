"""A new year continued from the last: what comes across and what does not, the record of where it came
from, the previous grades by credit code, a unit's history across the year files, and the command line."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from core.common.messages import render
from core.scoring.engine import REVOKED, score_year
from core.scoring.rules import load_rule_set, parse_rule_set
from core.store.dataset import Dataset
from core.store.files import DatasetError
from core.years.continuation import continue_year, origin_of, read_previous
from core.years.history import find_origin, first_audit_hash, unit_history
from tests.audit_tampers import build_year, png
from tests.builders import RULES
from tests.dataset_support import run
from tests.example_rules import EXAMPLE_2023


def one_year_on(rules, year: int):
    """The rule set's text with its year moved on (period, title, id): the next year's rule set as data."""
    text = rules.source_text.replace(f'id = "{rules.id}"', f'id = "test-{year}"').replace(str(rules.year), str(year))
    return parse_rule_set(text, source=f"<{year}>")


NEXT = load_rule_set(EXAMPLE_2023)
# the units of the demo's 2022 still in 2023 whose E is certain though 2022 has a unit not final: a veto on
# their own final data, or 41 points that the ranking clauses' first places would take only to 51
SETTLED_E = frozenset({"吴江盛泽锦程劳务派遣有限公司",
                       "苏州七都太湖汇才人力资源有限公司"})  # a 2023 rule set (the example: the program brings none)


def results_by_code(path: Path) -> dict[str, tuple[str, object]]:
    with Dataset.open(path, read_only=True) as ds:
        rules, year = ds.rule_set(), ds.year()
    codes = {u.name: u.credit_code for u in year.units}
    return {codes[u.name]: (u.grade, u.total) for u in score_year(rules, year).units}


@pytest.fixture
def last_year(tmp_path) -> Path:
    """The demo's 2022 worked on: an attachment, a roster imported, a signed and locked sheet, a note, a
    handwritten signature, then scored."""
    path = build_year(tmp_path)
    with Dataset.open(path) as ds:
        first = ds.unit_ids()[0]
        assert ds.add_signature(1, "sheet", "assessor", "张三", png(2), unit_id=first).ok
        assert ds.set_clause_note(1, first, "1.1", "协议原件已核").ok
    return path


def table(ds: Dataset, name: str) -> list[tuple]:
    return ds._conn.execute(f"SELECT * FROM {name}").fetchall()


def test_the_units_come_across_as_existing_members_with_their_bases_and_nothing_the_year_found(last_year, tmp_path):
    with Dataset.open(last_year, read_only=True) as ds:
        before = ds.year(as_entered=True)
        head = ds.audit_head()
        revoked = {u.name for u in score_year(ds.rule_set(), ds.year()).units if u.status == REVOKED}
    assert revoked  # the demo has units whose membership 2022 revoked
    previous = read_previous(last_year)
    assert {left.name for left in previous.left_out} == revoked
    target = tmp_path / "2023年度考核.wjkh"
    assert continue_year(previous, target, NEXT, "李四", "考核组长") == []
    assert not [p for p in tmp_path.iterdir() if "continuing" in p.name or p.name.endswith("-holder")]

    with Dataset.open(target, read_only=True) as ds:
        assert (ds.year_number, ds.rule_set_id) == (2023, "wujiang-2023")
        after = ds.year(as_entered=True)
        kept = [u for u in before.units if u.name not in revoked]
        assert [u.name for u in after.units] == [u.name for u in kept]
        for old, new in zip(kept, after.units, strict=True):
            assert (new.credit_code, new.kinds, dict(new.licence_numbers), new.contact_person) == \
                (old.credit_code, old.kinds, dict(old.licence_numbers), old.contact_person)
            assert new.new_member is False and new.facts_final is False
            assert [(b.name, b.type, b.region, b.agreement_date) for b in new.bases] == \
                [(b.name, b.type, b.region, b.agreement_date) for b in old.bases]
            assert all(b.people == b.retained == 0 and not b.evidence for b in new.bases)
            assert not new.trips and not new.deliveries and not new.evidence and new.platform_rating is None
            assert new.insured_workers == 0 and new.management.awarded is None
            assert not new.negative.credit_grades and not new.negative.complaints
        for name in ("trips", "deliveries", "evidence_ticks", "attachments", "signatures", "sheet_versions",
                     "unit_locks", "clause_notes", "imports", "roster_entries", "grade_quotas", "grade_promotions",
                     "certificates"):
            assert table(ds, name) == [], name
        assert [a.name for a in ds.assessors()] == ["李四"]
        origin = origin_of(ds)
        assert origin is not None
        assert (origin.year, origin.rule_set_id, origin.path, origin.units) == (2022, "wujiang-2022", str(last_year),
                                                                               len(kept))
        assert origin.file_sha256 == hashlib.sha256(last_year.read_bytes()).hexdigest()
        assert (origin.audit_seq, origin.audit_hash) == head
        # audited: one edit carries the units and the record of where they came from, with its reason
        entry = next(e for e in ds.audit_entries("continued_from") if e.action == "insert")
        assert json.loads(entry.new_value)["file_sha256"] == origin.file_sha256
        assert "2022" in entry.reason and last_year.name in entry.reason
        assert {e.edit for e in ds.audit_entries("units") if e.action == "insert"} == {entry.edit}
        assert ds.check_audit(anchors=[]).ok


def test_an_existing_member_s_bases_of_earlier_years_count_for_2_1(last_year, tmp_path):
    target = tmp_path / "2023.wjkh"
    assert continue_year(read_previous(last_year), target, NEXT, "李四") == []
    with Dataset.open(target) as ds:
        uid = ds.unit_ids()[0]
        unit = ds.unit(uid)
        labour = next(b for b in unit.bases if b.type == "labour")
        assert labour.agreement_date.year == 2022
        base_id = ds.base_ids(uid)[[b.name for b in unit.bases].index(labour.name)]
        assert ds.update_base(1, base_id, people=80, retained=50).ok
        for item in NEXT.clause("2.1").params["arrivals_evidence"]:
            assert ds.tick_evidence(1, uid, "2.1", item).ok
        result = score_year(ds.rule_set(), ds.year()).unit(unit.name)
        assert result.clause("2.1").points > 0
        # the same base for a unit marked new this year: signed before the period, it does not count
        assert ds.update_unit(1, uid, new_member=True).ok
        assert score_year(ds.rule_set(), ds.year()).unit(unit.name).clause("2.1").points == 0


def test_previous_grades_by_credit_code_and_a_file_moved_replaced_or_gone(last_year, tmp_path):
    target = tmp_path / "2023.wjkh"
    assert continue_year(read_previous(last_year), target, NEXT, "李四") == []
    expected = results_by_code(last_year)
    with Dataset.open(target, read_only=True) as ds:
        origin = origin_of(ds)
        codes = [u.credit_code for u in ds.year().units]
    found = find_origin(origin, [])
    assert found.notice is None and found.file is not None
    assert {c: (r.grade, r.total) for c, r in found.file.records.items()} == expected
    assert all(code in found.file.records for code in codes)

    # edited further after the new year was made: still that year's file (its trail holds the head)
    with Dataset.open(last_year) as ds:
        assert ds.update_unit(1, ds.unit_ids()[1], insured_workers=999).ok
    assert find_origin(origin, []).file is not None and find_origin(origin, []).notice is None

    moved = tmp_path / "归档" / "2022年度.wjkh"
    moved.parent.mkdir()
    shutil.move(last_year, moved)
    gone = find_origin(origin, [])
    assert gone.file is None and render(gone.notice) == (
        f"本年度由 2022 年度的数据文件 {last_year} 继续而来，该文件已不在原处（可能已被移动、改名或删除），"
        "无法显示上一年度的等级和总分。")
    found = find_origin(origin, [target, moved])
    assert found.file is not None and found.file.path == moved.resolve()
    assert render(found.notice) == (f"2022 年度的数据文件已从 {last_year} 移到 {moved.resolve()}，"
                                    "上一年度的等级和总分从新位置读取。")

    shutil.copyfile(target, last_year)  # another year's file where 2022 was
    replaced = find_origin(origin, [])
    assert replaced.file is None and "已不是本年度所继续的那份文件" in render(replaced.notice)
    last_year.write_bytes(b"not a year file at all")
    unreadable = find_origin(origin, [])
    assert unreadable.file is None and "无法读取" in render(unreadable.notice)


def test_a_unit_s_history_across_three_years_and_the_recent_files(last_year, tmp_path):
    second = tmp_path / "2023.wjkh"
    third = tmp_path / "2024.wjkh"
    assert continue_year(read_previous(last_year), second, NEXT, "李四") == []
    assert continue_year(read_previous(second), third, one_year_on(NEXT, 2024), "王五") == []
    other = tmp_path / "2024-另一份.wjkh"  # another file of the open year: no history of it
    assert continue_year(read_previous(second), other, one_year_on(NEXT, 2024), "赵六") == []
    with Dataset.open(third, read_only=True) as ds:
        origin = origin_of(ds)
        unit = ds.year().units[0]
        lineage = (ds.year_number, first_audit_hash(ds))
    copy = tmp_path / "2022-副本.wjkh"
    shutil.copyfile(last_year, copy)  # a copy among the recent files counts once
    history = unit_history(unit.credit_code, third, origin, [copy, third, other, tmp_path / "不存在.wjkh"], lineage)
    assert [(f.year, f.path.name) for f, _ in history.entries] == [(2023, "2023.wjkh"), (2022, last_year.name)]
    grade, total = results_by_code(last_year)[unit.credit_code]
    assert (history.entries[1][1].grade, history.entries[1][1].total) == (grade, total)
    assert history.notices == ()
    last_year.unlink()
    history = unit_history(unit.credit_code, third, origin, [])
    assert [f.year for f, _ in history.entries] == [2023]
    assert len(history.notices) == 1 and "已不在原处" in render(history.notices[0])


def test_continuing_refuses_an_existing_target_and_an_unreadable_last_year(last_year, tmp_path):
    previous = read_previous(last_year)
    with pytest.raises(DatasetError) as exists:
        continue_year(previous, last_year, NEXT, "李四")
    assert "已存在" in render(exists.value.msg)
    with pytest.raises(DatasetError):
        read_previous(tmp_path / "没有这个文件.wjkh")


def test_the_command_line_has_no_2023_rules_until_the_bureau_s_are_imported(last_year, tmp_path):
    target = tmp_path / "2023年度考核.wjkh"
    refused = run("new-year", "--to", str(target), "--from", str(last_year), "--assessor", "李四")
    assert refused.returncode == 2 and refused.stdout == "" and not target.exists()
    assert refused.stderr.strip() == "没有适用于 2023 年度的考核细则；请用 --rules 指定细则名称、文号或细则文件。"
    made = run("new-year", "--to", str(target), "--from", str(last_year), "--rules", str(EXAMPLE_2023))
    assert made.returncode == 0, made.stderr


def test_the_command_line_continues_a_year_and_score_shows_the_previous_grades(last_year, tmp_path,
                                                                               example_2023_imported):
    target = tmp_path / "2023年度考核.wjkh"
    refused = run("new-year", "--to", str(target), "--from", str(last_year), "--year", "2030", "--assessor", "李四")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip() == "没有适用于 2030 年度的考核细则；请用 --rules 指定细则名称、文号或细则文件。"
    same = run("new-year", "--to", str(target), "--from", str(last_year), "--rules", RULES.document)  # by its 文号
    assert same.returncode == 2 and "应晚于上一年度" in same.stderr and not target.exists()
    made = run("new-year", "--to", str(target), "--from", str(last_year), "--assessor", "李四", "--role", "考核组长")
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[0].startswith(f"已由 2022 年度的 {last_year.name} 新建 2023 年度 {target}："
                               "11 家运营单位作为原有成员带入")
    assert [line for line in lines if line.startswith("未带入：")] == [
        f"未带入：{left.name}——上一年度被取消资格，不再是联盟成员" for left in read_previous(last_year).left_out]
    assert lines[1] == f"新年度按考核细则《{NEXT.title}》（{NEXT.document}）考核。"  # the rules used, named
    assert len(lines) == 5 and lines[4].startswith("注意：2022 年度尚有 ")  # the demo is not final
    verified = run("verify-audit", str(target))
    assert verified.returncode == 0, verified.stdout + verified.stderr

    scored = run("score", str(target))
    assert scored.returncode == 0, scored.stderr
    assert NEXT.title in scored.stdout
    expected = results_by_code(last_year)
    with Dataset.open(target, read_only=True) as ds:
        assert ds.rule_set_id == "wujiang-2023"
        units = ds.year().units
    assert f"与上一年度（2022 年度，{last_year}）比较（按统一社会信用代码对应）：" in scored.stdout
    for unit in units:
        grade, total = expected[unit.credit_code]
        line = next(x for x in scored.stdout.splitlines() if x.startswith(f"  {unit.name}："))
        # 2022 still has units not final: its grades may change, marked 暂定 as the desktop's history marks them —
        # but not the E of a final unit 不合格 whatever the others do (a veto, or under 60 out of their reach)
        if unit.name in SETTLED_E:
            assert line.endswith(f"上一年度 E 级 {render_total(total)} 分（总分暂定）"), line
        else:
            assert line.endswith(f"上一年度 {grade} 级（暂定） {render_total(total)} 分"), line
        assert "：本年度 未开始考核；" in line, line
    last_year.unlink()
    scored = run("score", str(target))
    assert scored.returncode == 0 and "该文件已不在原处" in scored.stdout

    empty = tmp_path / "空白.wjkh"
    rules_file = tmp_path / "test-2024.toml"
    rules_file.write_text(one_year_on(NEXT, 2024).source_text, encoding="utf-8")
    made = run("new-year", "--to", str(empty), "--rules", str(rules_file), "--assessor", "李四")
    assert made.returncode == 0, made.stderr
    with Dataset.open(empty, read_only=True) as ds:
        assert ds.year_number == 2024 and not ds.unit_ids() and origin_of(ds) is None


def render_total(total) -> str:
    from core.common.messages import format_number
    return format_number(total)


def test_where_a_year_came_from_is_proved_by_its_audit_trail(last_year, tmp_path):
    import sqlite3
    target = tmp_path / "2023.wjkh"
    assert continue_year(read_previous(last_year), target, NEXT, "李四") == []
    conn = sqlite3.connect(target)
    conn.execute("UPDATE continued_from SET path = '/别处/2022.wjkh'")
    conn.commit()
    conn.close()
    checked = run("verify-audit", str(target))
    assert checked.returncode == 1
    named = "本年度所继续的上一年度数据文件的“上一年度数据文件位置”在程序外被改为 /别处/2022.wjkh"
    assert named in checked.stdout, checked.stdout


def test_the_command_line_says_when_the_folder_is_missing_or_the_rules_are_of_another_year(last_year, tmp_path,
                                                                                          example_2023_imported):
    missing = run("new-year", "--to", str(tmp_path / "nodir" / "2023.wjkh"), "--from", str(last_year))
    assert missing.returncode == 2
    assert missing.stderr.strip() == \
        f"无法写入 {tmp_path / 'nodir' / '2023.wjkh'}：文件夹 {tmp_path / 'nodir'} 不存在；没有生成文件。"
    target = tmp_path / "2024.wjkh"
    for extra in (("--from", str(last_year)), ()):
        other = run("new-year", "--to", str(target), *extra, "--year", "2024", "--rules", "wujiang-2023")
        assert other.returncode == 2 and "要新建的是 2024 年度" in other.stderr and "是 2023 年度的" in other.stderr
        assert not target.exists()


def test_files_of_one_year_made_apart_are_one_year_with_the_others_elsewhere(tmp_path):
    """No year continued from: the first known file of a year stands for it, the others are listed under it."""
    from core.years.history import history_lines
    from tests.cli.test_year_words import demo_year
    made = []
    for folder in ("甲", "乙"):
        (tmp_path / folder).mkdir()
        made.append(demo_year(tmp_path / folder))
    current = tmp_path / "2023.wjkh"
    assert continue_year(read_previous(made[0]), current, NEXT, "李四") == []
    with Dataset.open(made[0], read_only=True) as ds:
        code = ds.year().units[0].credit_code
    history = unit_history(code, current, None, [made[1], made[0]], None)  # 乙 opened last: it stands first
    assert [f.path for f, _ in history.entries] == [made[1]] and history.continued_from is None
    assert [f.path for f, _ in history.elsewhere[2022]] == [made[0]]
    lines = [render(line) for line in history_lines(history)]
    assert len(lines) == 3 and str(made[1]) in lines[0] and "由此文件继续" not in lines[0]
    assert lines[1].startswith("　其他位置的同一年度文件（2022 年度，另 1 个") and str(made[0]) in lines[2]


def test_the_last_year_s_result_is_worded_once_for_the_table_and_the_command_line():
    from fractions import Fraction

    from core.years.history import UnitRecord, previous_result
    from core.years.standing import NOT_STARTED, UNDER_WAY
    final = UnitRecord("甲", "91320509MA1X0000A1", Fraction(157, 2), "B", "qualified", 3)
    open_ = UnitRecord("甲", "91320509MA1X0000A1", Fraction(157, 2), "B", "qualified", 3, UNDER_WAY, True)
    waiting = UnitRecord("甲", "91320509MA1X0000A1", Fraction(0), "E", "qualified", 9, NOT_STARTED, True)
    assert [render(previous_result(r)) for r in (final, open_, waiting, None)] == [
        "B 级 78.5 分", "B 级（暂定） 78.5 分", "未开始考核", "未参加考核"]
    grades = [render(previous_result(r, total=False)) for r in (final, open_, waiting)]
    assert grades == ["B", "B（暂定）", "未开始考核"]
