"""This year's grade of a final unit that is 不合格 or 取消资格 whatever the units still open could change (its E
certain, core/years/standing.py e_settled) is plain E with why wherever the year is shown — its total and place
still 暂定 — in the words the year before's grade uses: the command line's score, the Excel summary, the PDF score
sheet and year summary. The demo year: twelve units final, 八坼 under way."""

from __future__ import annotations

import json

import openpyxl
import pytest

from core.common.messages import render
from core.editing.session import Session
from core.pdf.export import Exporter
from core.store.dataset import Dataset
from core.years.history import previous_grade_note, read_year_file
from core.years.standing import FINAL, UNDER_WAY
from tests import cli_support
from tests.core.pdf.test_pdf import demo_dataset, flat, ink, render_pages, text_of

SETTLED = {"吴江盛泽锦程劳务派遣有限公司": "不合格", "吴江开发区联创人力资源有限公司": "取消资格",
           "苏州桃源金梭人力资源有限公司": "取消资格", "苏州七都太湖汇才人力资源有限公司": "不合格"}
QIDU, BACHI = "苏州七都太湖汇才人力资源有限公司", "苏州八坼新程人力资源有限公司"
SONGLING = "苏州松陵众信人力资源有限公司"
IN_ORDER = "、".join(["吴江盛泽锦程劳务派遣有限公司", "吴江开发区联创人力资源有限公司", "苏州桃源金梭人力资源有限公司",
                     QIDU])  # the table's order: by place
SETTLED_LINE = ("E 级已定：以下运营单位已定稿，不合格或取消资格，无论尚未定稿的其他运营单位数据如何变动均为 E 级，"
                f"不是暂定（总分和名次仍可能变动）：{IN_ORDER}")


def why(status: str) -> str:
    return f"{status}，已定稿：无论尚未定稿的其他运营单位数据如何变动，均为 E 级，不是暂定（总分和名次仍可能变动）"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_dataset(tmp_path_factory.mktemp("settled"))


def test_the_standing_of_a_final_vetoed_unit_says_its_grade_is_not_provisional(demo):
    from core.scoring.report import e_settled_note
    with Dataset.open(demo, read_only=True) as ds:
        session = Session(ds, 1)
        known = {session.unit(uid).name: session.standing(uid) for uid in session.unit_ids}
        assert session.e_settled_units() == frozenset(SETTLED)
        records = {r.name: r for r in read_year_file(demo).records.values()}
    for name in SETTLED:
        assert known[name].stage == FINAL and known[name].provisional  # 八坼 is open: its total and place wait
        assert known[name].e_settled and not known[name].grade_provisional
    assert known[BACHI].stage == UNDER_WAY and known[BACHI].grade_provisional
    assert known[SONGLING].stage == FINAL and known[SONGLING].grade_provisional  # an A waits on the others
    # this year's words and the year before's agree: one note, said of the year before with 上一年度
    for name, status in SETTLED.items():
        assert render(e_settled_note(records[name].status)) == why(status)
        assert render(previous_grade_note(records[name])) == "上一年度" + why(status)


def test_the_command_line_names_the_units_whose_e_is_certain(demo):
    out = cli_support.run("score", str(demo))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    row = next(line for line in lines if line.lstrip().startswith("13  " + QIDU))
    assert row.split()[-1] == "E" and "暂定" not in row
    assert SETTLED_LINE in lines
    # the year's rankings are still 暂定, and 八坼's own grade with them
    assert "* 暂定：尚有运营单位数据未定稿，排名类条款（2.1、2.2、3.2）得分及等级可能变动。" in lines
    assert any(line.startswith("（暂定）：") and BACHI in line for line in lines)
    as_json = cli_support.run("score", "--json", str(demo))
    assert as_json.returncode == 0, as_json.stderr
    assert {u["name"] for u in json.loads(as_json.stdout)["units"] if u.get("e_settled")} == set(SETTLED)


def test_the_excel_summary_says_why_a_certain_e_is_not_provisional(demo, tmp_path):
    out = tmp_path / "汇总.xlsx"
    done = cli_support.run("export-summary", "--dataset", str(demo), "--out", str(out))
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(out).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if "备注" in r)
    grade, remarks = header.index("等级"), header.index("备注")
    qidu = next(r for r in rows if QIDU in r)
    assert qidu[grade] == "E"
    assert str(qidu[remarks]).startswith(why("不合格"))
    bachi = next(r for r in rows if BACHI in r)
    assert bachi[grade] == "D（暂定）" and why("不合格") not in str(bachi[remarks])
    assert any(SETTLED_LINE in str(c) for r in rows for c in r if c)


def test_the_score_sheet_of_a_certain_e_keeps_its_watermark_and_says_its_grade_is_not_provisional(demo, tmp_path):
    with Dataset.open(demo, read_only=True) as ds:
        done, problems = Exporter(ds).sheet(QIDU)
        songling, _ = Exporter(ds).sheet(SONGLING)
    assert not problems and done is not None and songling is not None
    out = tmp_path / "七都.pdf"
    out.write_bytes(done.pdf)
    assert all(ink(png) > 0.005 for png in render_pages(out, "test-settled-e-sheet", dpi=80))
    text = flat(text_of(out))
    # its ranking points and total are still 暂定: the watermark stays; its grade is not
    assert flat("排名类条款得分暂定，尚有单位数据未定稿") in text
    assert flat("* 暂定：尚有运营单位数据未定稿，排名类条款（2.1、2.2、3.2）得分及总分、名次可能变动；"
                f"等级不是暂定：本单位{why('不合格')}。") in text
    assert flat("得分及等级可能变动") not in text
    other = tmp_path / "松陵.pdf"
    other.write_bytes(songling.pdf)
    assert flat("排名类条款（2.1、2.2、3.2）得分及等级可能变动") in flat(text_of(other))  # an A still waits


def test_the_year_summary_names_the_units_whose_e_is_certain(demo, tmp_path):
    with Dataset.open(demo, read_only=True) as ds:
        done, problems = Exporter(ds).summary()
    assert not problems and done is not None
    out = tmp_path / "汇总.pdf"
    out.write_bytes(done.pdf)
    assert all(ink(png) > 0.005 for png in render_pages(out, "test-settled-e-summary", dpi=80))
    text = flat(text_of(out))
    assert flat(SETTLED_LINE) in text
    assert flat("* 暂定：尚有运营单位数据未定稿，排名类条款（2.1、2.2、3.2）得分及等级可能变动。") in text


def test_signing_the_sheet_of_a_certain_e_says_its_grade_is_not_provisional(demo):
    with Dataset.open(demo, read_only=True) as ds:
        said = {sheet.unit: render(sheet.message())
                for sheet in Session(ds, 1).provisional_on_signing([QIDU, SONGLING])}
        assert render(Exporter(ds).provisional_on_signing(QIDU).message()) == said[QIDU]
    assert said[QIDU] == (
        f"“{QIDU}”签名后，排名类条款（2.1、2.2、3.2）得分及总分、名次仍为暂定：尚有 1 家运营单位数据未定稿（{BACHI}），"
        "签名的考核评分表将带“暂定”水印，日后这些单位定稿时得分和总分可能变动；等级不是暂定：" + why("不合格") + "。")
    assert "得分及等级仍为暂定" in said[SONGLING]  # an A still waits on 八坼
