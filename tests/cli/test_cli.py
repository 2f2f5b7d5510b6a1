"""The command line: real files, exit codes and messages; in this process (tests/cli_support.py), and as a
real process where what is tested is the program as a user starts it."""

import json
import subprocess
import sys
from pathlib import Path

from tests.cli_support import run, run_process

ROOT = Path(__file__).resolve().parents[2]


def minimal_year(**unit_overrides) -> dict:
    unit = {"name": "测试人力资源有限公司", "credit_code": "91320509MA1MXXXX9U", "kinds": ["hr_service"],
            "new_member": False, "facts_final": True}
    unit.update(unit_overrides)
    return {"format": "leye-wujiang-year", "format_version": 1, "year": 2022, "rule_set": "wujiang-2022",
            "units": [unit]}


def write(tmp_path: Path, data, name="year.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_score_prints_table_for_a_valid_year(tmp_path):
    result = run_process("score", str(write(tmp_path, minimal_year())))
    assert result.returncode == 0, result.stderr
    assert "测试人力资源有限公司" in result.stdout
    for column in ("1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3", "总分", "状态", "等级"):
        assert column in result.stdout
    assert "不合格" in result.stdout  # 0 points is below 60
    assert "运营单位考核总分低于60分" in result.stdout  # the reason is printed


def test_score_json_carries_explanations(tmp_path):
    result = run("score", str(write(tmp_path, minimal_year())), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    unit = data["units"][0]
    assert [c["id"] for c in unit["clauses"]] == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2",
                                                  "4.1", "4.2", "4.3"]
    clause_13 = unit["clauses"][2]
    assert clause_13["net"] == 0
    assert [m["code"] for m in clause_13["explanation"]["missing"]] == ["missing.item"] * 3
    assert all(m["text"] for m in clause_13["explanation"]["missing"])
    clause_21 = unit["clauses"][3]
    assert {r["name"] for r in clause_21["explanation"]["readings"]} >= {"tie_rule", "ranking_provisional_until_final"}
    assert unit["status"] == "unqualified" and unit["grade"] == "E"
    assert data["rule_set"]["id"] == "wujiang-2022" and len(data["rule_set"]["sha256"]) == 64


def test_bad_year_reports_every_problem_with_its_path(tmp_path):
    data = minimal_year(credit_code="91320509MA1MXXXX9W", colour="red",
                        trips=[{"date": "2022-02-30", "place": "贵阳", "mode": "boat", "enterprises": 6}])
    result = run_process("score", str(write(tmp_path, data)))
    assert result.returncode == 2
    assert result.stdout == ""
    err = result.stderr
    assert "$.units[0].colour" in err
    assert "$.units[0].trips[0].mode" in err
    # schema problems come first; semantic ones (date, check digit) once the structure is valid
    fixed = minimal_year(credit_code="91320509MA1MXXXX9W",
                         trips=[{"date": "2022-02-30", "place": "贵阳", "mode": "offline", "enterprises": 6}])
    err = run("score", str(write(tmp_path, fixed))).stderr
    assert "$.units[0].credit_code" in err and "第18位校验码错误" in err
    assert "$.units[0].trips[0].date" in err and "2022-02-30" in err


def test_missing_file_and_broken_json(tmp_path):
    result = run("score", str(tmp_path / "nope.json"))
    assert result.returncode == 2 and "文件不存在" in result.stderr
    result = run("score", str(write(tmp_path, '{"format": ')))
    assert result.returncode == 2 and "JSON 格式错误" in result.stderr


def test_unknown_rule_set_is_named(tmp_path):
    data = minimal_year()
    data["rule_set"] = "wujiang-2031"
    result = run("score", str(write(tmp_path, data)))
    assert result.returncode == 2 and "wujiang-2031" in result.stderr


def test_the_desktop_without_a_graphical_session_says_so_instead_of_aborting():
    import os
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "main.py"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=60)
    assert done.returncode == 2
    assert "没有图形界面" in done.stderr and "Traceback" not in done.stderr


def test_a_rules_file_that_cannot_be_used_is_told_in_chinese_not_a_traceback(tmp_path):
    year = write(tmp_path, minimal_year())
    broken = tmp_path / "broken.toml"
    text = (ROOT / "resources" / "rules" / "wujiang-2022.toml").read_text(encoding="utf-8")
    broken.write_text(text.replace("params = { per_item = 4,", "params = { per_item = -3,", 1), encoding="utf-8")
    for wanted, expected in ((broken, "条款 1.1 › 参数“每项得分”：应为不小于 0 的数，现为 -3"),
                             (tmp_path / "none.toml", "文件或文件夹不存在"),
                             ("wujiang-2031", "找不到编号为“wujiang-2031”的考核细则")):
        for command in ("score", "import-json"):
            extra = ("--to", str(tmp_path / "x.wjkh")) if command == "import-json" else ()
            done = run(command, str(year), *extra, "--rules", str(wanted))
            assert done.returncode == 2 and expected in done.stderr, (wanted, done.stderr)
            assert "Traceback" not in done.stderr and "Error" not in done.stderr
    assert run("score", str(year), "--rules", "wujiang-2022").returncode == 0  # an id, as new-year takes it


DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
TITLE_2022 = "2022年“乐业吴江”就业协作联盟运营单位绩效考核细则"
TITLE_2023 = "2023年“乐业吴江”就业协作联盟运营单位绩效考核细则（示例）"


def test_a_year_under_another_year_s_rules_is_refused_in_one_sentence(tmp_path, example_2023_imported):
    """The 2022 demo under the 2023 rules: one sentence naming both years, never each of the 41 facts the
    2023 rules would refuse with its JSON path; nothing is scored or made."""
    said = (f"demo-2022.json 是 2022 年度的考核数据，而考核细则《{TITLE_2023}》是 2023 年度的，"
            "二者的考核年度不一致；请选用 2022 年度的考核细则。")
    target = tmp_path / "2022.wjkh"
    for extra in ((), ("--to", str(target))):
        done = run("import-json" if extra else "score", str(DEMO), *extra, "--rules", "wujiang-2023")
        assert (done.returncode, done.stdout, done.stderr) == (2, "", said + "\n")
    assert not target.exists()
    naming = json.loads(DEMO.read_text(encoding="utf-8"))
    naming["rule_set"] = "wujiang-2023"  # a 2022 year naming the 2023 rules
    done = run("score", str(write(tmp_path, naming, "demo-2022.json")))
    assert (done.returncode, done.stderr) == (2, said + "\n")


def test_a_year_under_another_rule_set_of_its_year_is_refused_in_one_sentence(tmp_path):
    text = (ROOT / "resources" / "rules" / "wujiang-2022.toml").read_text(encoding="utf-8")
    other = tmp_path / "经开区细则.toml"
    other.write_text(text.replace('id = "wujiang-2022"', 'id = "wujiang-2022-jd"')
                     .replace("2022年“乐业吴江”", "2022年吴江经开区“乐业吴江”"), encoding="utf-8")
    done = run("score", str(DEMO), "--rules", str(other))
    assert (done.returncode, done.stderr) == (2, f"demo-2022.json 是按《{TITLE_2022}》记录的考核数据，而所选的是"
                                                 "《2022年吴江经开区“乐业吴江”就业协作联盟运营单位绩效考核细则》，"
                                                 f"不是同一份细则；请选用《{TITLE_2022}》。\n")
    unknown = json.loads(DEMO.read_text(encoding="utf-8"))
    unknown["rule_set"] = "wujiang-2022-hz"
    done = run("score", str(write(tmp_path, unknown)), "--rules", "wujiang-2022")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "本机也没有那份细则" in done.stderr
    assert "$." not in done.stderr and "wujiang" not in done.stderr


def test_a_year_file_whose_stored_rules_are_of_another_year_is_refused_in_one_sentence(tmp_path):
    import sqlite3
    path = tmp_path / "2023年度考核.wjkh"
    assert run("import-json", str(DEMO), "--to", str(path)).returncode == 0
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE meta SET year = 2023")
    conn.close()
    before = path.read_bytes()
    for command in ("score", "export-json"):
        done = run(command, str(path))
        assert (done.returncode, done.stdout) == (2, ""), command
        assert done.stderr == (f"数据文件 2023年度考核.wjkh 的考核年度为 2023 年，而其中所存的考核细则《{TITLE_2022}》"
                               "是 2022 年度的，二者不一致，不能打开，文件未作任何改动；"
                               "请从备份恢复，或改用该年度正确的数据文件。\n")
    assert path.read_bytes() == before
