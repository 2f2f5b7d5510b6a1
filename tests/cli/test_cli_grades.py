"""`promote` as the administrator runs it on the demo year: a C place the tie promotion freed is filled
only when a qualified unit is moved into it with a reason; the grade table PDF and the Excel summary say who
and why; nothing beyond the quota, no unqualified unit, and the withdrawal (all audited)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from openpyxl import load_workbook

from core.store.dataset import Dataset
from tests.cli_support import run

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
NEXT = "苏州同里英桥人力资源有限公司"  # 85.5, the best qualified unit below C
REASON = "考核工作小组会议决定由英桥递补C级空余名额"


def demo_year(tmp_path: Path) -> Path:
    path = tmp_path / "2022.wjkh"
    assert run("import-json", str(DEMO), "--to", str(path), "--assessor", "陈考核").returncode == 0
    return path


def grades(path: Path) -> dict[str, str]:
    with Dataset.open(path, read_only=True) as ds:
        from core.scoring.engine import score_year
        return {u.name: u.grade for u in score_year(ds.rule_set(), ds.year()).units}


def test_the_next_unit_is_moved_into_the_free_c_place_and_the_outputs_say_who_and_why(tmp_path):
    year = demo_year(tmp_path)
    assert grades(year)[NEXT] == "D"
    assert "C级 2/3" in run("score", str(year)).stdout  # the place is not filled by itself

    done = run("promote", "--unit", NEXT, "--grade", "C", "--reason", REASON, "--dataset", str(year))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"“{NEXT}”现为 C 级：考核人员调入 C 级空余名额，理由：{REASON}（记入审计）。"
    assert grades(year)[NEXT] == "C"
    scored = run("score", str(year)).stdout
    assert "C级 3/3" in scored and f"{NEXT}：考核人员调入 C 级空余名额，理由：{REASON}" in scored
    with Dataset.open(year, read_only=True) as ds:
        assert ds.audit_entries("grade_promotions")[-1].new_value
    assert run("verify-audit", str(year)).returncode == 0

    pdf = tmp_path / "汇总表.pdf"
    assert run("export-pdf", "summary", "--dataset", str(year), "--out", str(pdf)).returncode == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert f"{NEXT}：考核人员调入C级空余名额，理由：{REASON}" in flat
    xlsx = tmp_path / "汇总表.xlsx"
    assert run("export-summary", "--dataset", str(year), "--out", str(xlsx)).returncode == 0
    cells = [str(c) for row in load_workbook(xlsx).worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert any(f"考核人员调入 C 级空余名额，理由：{REASON}" in c for c in cells)

    withdrawn = run("promote", "--unit", NEXT, "--withdraw", "--dataset", str(year))
    assert withdrawn.returncode == 0 and withdrawn.stdout.strip() == f"已撤回“{NEXT}”的上调，现为 D 级（记入审计）。"
    assert grades(year)[NEXT] == "D"


def test_nothing_beyond_a_quota_and_no_unqualified_unit_is_moved_and_nothing_is_recorded(tmp_path):
    year = demo_year(tmp_path)
    over = run("promote", "--unit", NEXT, "--grade", "B", "--reason", "理由", "--dataset", str(year))
    assert over.returncode == 1 and over.stderr.strip() == f"B 级名额 2 个已满，{NEXT} 不能上调"
    vetoed = "苏州七都太湖汇才人力资源有限公司"
    refused = run("promote", "--unit", vetoed, "--grade", "C", "--reason", "理由", "--dataset", str(year))
    assert refused.returncode == 1 and refused.stderr.strip() == f"{vetoed} 考核不合格，不能上调为 C 级"
    no_reason = run("promote", "--unit", NEXT, "--grade", "C", "--dataset", str(year))
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    with Dataset.open(year, read_only=True) as ds:
        assert len(ds.promotions()) == 1  # the demo's own tie promotion only
    assert grades(year)[NEXT] == "D"
