"""The score sheet and the year's summary of a year nobody has assessed yet: its units come out as 未开始考核,
with no place, status or grade — not as every unit failed, all first — while an assessed year is unchanged."""

from __future__ import annotations

from core.pdf.export import Exporter
from core.store.dataset import Dataset
from core.years.continuation import continue_year, read_previous
from tests.core.pdf.test_pdf import UNIT, demo_dataset, flat, render_pages, text_of
from tests.core.years.test_years import NEXT


def write(done, path):
    path.write_bytes(done.pdf)
    return path


def test_a_continued_year_s_documents_say_not_started(tmp_path):
    last_year = demo_dataset(tmp_path)
    new_year = tmp_path / "2023年度考核.wjkh"
    assert continue_year(read_previous(last_year), new_year, NEXT, "李四", "考核组长") == []
    with Dataset.open(new_year) as ds:
        exporter = Exporter(ds)
        units = [u.name for u in exporter.year().units]
        summary, problems = exporter.summary()
        assert not problems
        sheet, problems = exporter.sheet(units[0])
        assert not problems
    text = flat(text_of(write(summary, tmp_path / "汇总表.pdf")))
    assert "不合格" not in text.replace("不合格原因与扣分", "") and "运营单位考核总分低于60分" not in text
    assert "E级0家；未开始考核11家" in text
    assert text.count("未开始考核") >= len(units)
    assert "未开始考核（尚未录入本年度的任何考核情况" in text
    render_pages(tmp_path / "汇总表.pdf", "not-started-summary")
    text = flat(text_of(write(sheet, tmp_path / "评分表.pdf")))
    assert "不合格：" not in text and "考核不合格，定为E级" not in text  # no verdict, no reason for one
    assert "未开始考核" in text and "暂不评定名次、考核结果和等级" in text
    render_pages(tmp_path / "评分表.pdf", "not-started-sheet")


def test_an_assessed_year_s_documents_keep_their_verdicts(tmp_path):
    with Dataset.open(demo_dataset(tmp_path)) as ds:
        exporter = Exporter(ds)
        summary, _ = exporter.summary()
        sheet, _ = exporter.sheet(UNIT)
    assert "未开始考核" not in flat(text_of(write(summary, tmp_path / "汇总表.pdf")))
    text = flat(text_of(write(sheet, tmp_path / "评分表.pdf")))
    assert "未开始考核" not in text and "合格" in text
