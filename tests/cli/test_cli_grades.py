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


ZHENZE, LILI = "苏州震泽聚才人力资源服务有限公司", "苏州黎里禾源劳务派遣有限公司"  # tied at 97.5 across B/C


def summary_outputs(year: Path, tmp_path: Path) -> tuple[str, list, str]:
    """The score text, the summary workbook's first sheet (read back) and the summary PDF's text."""
    xlsx, pdf = tmp_path / "汇总表.xlsx", tmp_path / "汇总表.pdf"
    assert run("export-summary", "--dataset", str(year), "--out", str(xlsx)).returncode == 0
    assert run("export-pdf", "summary", "--dataset", str(year), "--out", str(pdf)).returncode == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return run("score", str(year)).stdout, load_workbook(xlsx).worksheets[0], "".join(text.split())


def test_a_tie_the_administrator_settled_is_told_as_decided_in_the_workbook_the_pdf_and_score(tmp_path):
    year = demo_year(tmp_path)  # the demo records 震泽聚才's promotion to B within the tie
    scored, sheet, pdf = summary_outputs(year, tmp_path)
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    decided = f"考核人员已将 {ZHENZE} 上调为 B 级（理由：与{LILI}总分并列97.5分"
    footnote = next(c for c in cells if c.startswith("并列已定："))
    assert decided in footnote and footnote.endswith(f"，{LILI} 仍为 C 级。")
    assert not any("暂定为 C 级" in c or "均定为" in c for c in cells)
    assert "并列提示" not in scored and decided in scored
    assert "".join(decided.split()) in pdf and f"{LILI}仍为C级。" in pdf
    assert "并列待定" not in pdf and "暂定为C级" not in pdf and pdf.count("并列已定") == 3  # two flags, one line
    remarks = {row[1]: row[-1] for row in sheet.iter_rows(min_row=5, values_only=True)}
    tie = "总分 97.5 有 2 家并列，跨越 B/C 名额边界，"
    assert remarks[ZHENZE].startswith(tie + "由考核人员定夺；考核人员上调为 B 级，理由：")
    assert remarks[LILI] == tie + f"考核人员已将 {ZHENZE} 上调为 B 级，本单位仍为 C 级。"

    # withdrawn, the tie is pending again, and says so everywhere
    assert run("promote", "--unit", ZHENZE, "--withdraw", "--dataset", str(year)).returncode == 0
    scored, sheet, pdf = summary_outputs(year, tmp_path)
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    pending = f"并列提示：总分 97.5 的 {ZHENZE}、{LILI} 跨越 B/C 名额边界，均暂定为 C 级"
    assert any(c.startswith(pending) for c in cells) and pending in scored
    assert "".join(pending.split()) in pdf and pdf.count("并列待定") == 2 and "并列已定" not in pdf


def test_the_workbook_marks_provisional_scores_with_a_star_that_survives_black_and_white(tmp_path):
    year = demo_year(tmp_path)  # one unit's data is not final: the ranking clauses are provisional
    _scored, sheet, _pdf = summary_outputs(year, tmp_path)
    header = [c.value for c in sheet[4]]
    col = next(i for i, h in enumerate(header, start=1) if str(h).startswith("2.1 "))
    zhenze = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 2).value == ZHENZE)
    cell = sheet.cell(zhenze, col)
    assert cell.value == 17.5 and cell.number_format == '0.##"*"'  # still a number; shown 17.5*
    whole = next(sheet.cell(r, col) for r in range(5, 18) if isinstance(sheet.cell(r, col).value, int))
    assert whole.number_format == '0"*"'  # 25*, not "25.*"
    settled = sheet.cell(zhenze, col - 1)  # 1.3 is no ranking clause: unmarked
    assert '"*"' not in settled.number_format
    legend = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c and str(c).startswith("标 * ")]
    assert legend == ["标 * 的得分（并以底色标注）为暂定：尚有运营单位数据未定稿，"
                      "排名类条款（2.1、2.2、3.2）得分及等级可能变动。"]
