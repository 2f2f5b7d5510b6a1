"""Field copies not merged back are known to the year file: making one keeps a row in the year's trail (to whom,
which units, the copy's name, when, by whom), so the year lists the copies still out until a merge of each is
recorded; signing a unit's sheet and starting the next year while one is out say so in one sentence."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.common.messages import render
from core.editing.session import Session
from core.store.dataset import Dataset, DatasetError
from core.teamwork.field_copy import make_field_copy
from core.teamwork.merge import merge_copy
from core.teamwork.plan import plan_merge
from core.years.continuation import read_previous
from tests.core.pdf.test_pdf import UNIT, demo_dataset, run
from tests.core.teamwork.test_field_signing import ENV, key  # noqa: F401  (the signer's key, a fixture)
from tests.example_rules import EXAMPLE_2023
from tests.teamwork_support import out_of

OTHER = "苏州北厍恒源人力资源有限公司"


def trail_rows(path: Path, action: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM audit WHERE action = ?", (action,)).fetchone()[0]
    finally:
        conn.close()


def field_edit(copy: Path, unit: str, value: int) -> None:
    with Dataset.open(copy, backups=False) as ds:
        assert ds.set_insured_workers(ds.assessor_id("王五"), ds.unit_id(unit), value).ok


def test_a_field_copy_made_is_out_in_the_year_until_merged_and_the_trail_still_proves_the_year(tmp_path):
    year = demo_dataset(tmp_path, "y.wjkh")
    made = run("field-copy", str(year), "--to", str(tmp_path / "ww.wjkh"), "--assessor", "王五", "--by", "张三")
    assert made.returncode == 0, made.stderr
    made = run("field-copy", str(year), "--to", str(tmp_path / "ls.wjkh"), "--assessor", "李四", "--units", UNIT,
               "--by", "张三")
    assert made.returncode == 0, made.stderr
    out = out_of(year)
    assert [(c.assessor, c.units, c.file_name, c.made_by) for c in out] == [
        ("王五", None, "ww.wjkh", "张三"), ("李四", (UNIT,), "ls.wjkh", "张三")]
    assert all(c.made_at for c in out)
    assert trail_rows(year, "field_copy_out") == 2

    listed = run("field-copies", str(year))
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert lines[0] == "y.wjkh 有 2 份外业副本尚未合并回来："
    assert lines[1].startswith("  王五：ww.wjkh（") and lines[1].endswith(" 由 张三 制作，全部单位）")
    assert lines[2].startswith("  李四：ls.wjkh（") and lines[2].endswith(f" 由 张三 制作，{UNIT}）")
    checked = run("verify-audit", str(year))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "y.wjkh 有 2 份外业副本尚未合并回来：" in checked.stdout

    # the year's own row is no edit a merge brings or meets: the copy's change comes in as before
    field_edit(tmp_path / "ww.wjkh", OTHER, 321)
    with Dataset.open(year, backups=False) as ds, Dataset.open(tmp_path / "ww.wjkh", read_only=True) as copy:
        plan = plan_merge(ds, copy, "ww.wjkh")
        assert plan.ok and not plan.conflicts and {f.table for f in plan.facts} == {"units"}, plan.facts
        _, edit = merge_copy(ds, copy, "ww.wjkh", ds.assessor_id("张三"))
        assert edit.ok
        assert ds.year().units[[u.name for u in ds.year().units].index(OTHER)].insured_workers == 321
    assert [c.assessor for c in out_of(year)] == ["李四"]
    listed = run("field-copies", str(year))
    assert listed.stdout.strip().splitlines()[0] == "y.wjkh 有 1 份外业副本尚未合并回来："
    checked = run("verify-audit", str(year))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with Dataset.open(year, read_only=True) as ds:
        report = ds.check_audit()
        assert report.broken is None and not report.problems, report.problems


def test_copies_made_from_a_copy_are_its_own_and_an_old_year_knows_none(tmp_path):
    year = demo_dataset(tmp_path, "y.wjkh")
    with Dataset.open(year, backups=False) as ds:
        make_field_copy(ds, tmp_path / "ww.wjkh", "王五", 1)
    assert out_of(tmp_path / "ww.wjkh") == []  # the year's row stays before the copy's own mark: not the copy's
    with Dataset.open(tmp_path / "ww.wjkh", backups=False) as ds:
        make_field_copy(ds, tmp_path / "ww2.wjkh", "赵六", ds.assessor_id("王五"), [OTHER])
    assert [c.assessor for c in out_of(tmp_path / "ww.wjkh")] == ["赵六"]
    assert [c.assessor for c in out_of(year)] == ["王五"]
    # 王五's copy, with the row of the copy made from it, merged back: that row brings nothing, the copy is in
    with Dataset.open(year, backups=False) as ds, Dataset.open(tmp_path / "ww.wjkh", read_only=True) as copy:
        plan = plan_merge(ds, copy, "ww.wjkh")
        assert plan.ok and plan.facts == [] and not plan.conflicts
    field_edit(tmp_path / "ww.wjkh", OTHER, 55)
    with Dataset.open(year, backups=False) as ds, Dataset.open(tmp_path / "ww.wjkh", read_only=True) as copy:
        assert merge_copy(ds, copy, "ww.wjkh", 1)[1].ok
    assert out_of(year) == []
    listed = run("field-copies", str(demo_dataset(tmp_path, "old.wjkh")))
    assert listed.returncode == 0 and listed.stdout.strip() == "old.wjkh 没有尚未合并回来的外业副本。"


def test_a_copy_the_year_cannot_keep_is_taken_back(tmp_path):
    year = demo_dataset(tmp_path, "y.wjkh")
    # the year cannot write the row: no copy is handed out
    with Dataset.open(year, read_only=True) as ds, pytest.raises(DatasetError):
        make_field_copy(ds, tmp_path / "ww.wjkh", "王五", 1)
    assert not (tmp_path / "ww.wjkh").exists()
    assert out_of(year) == []


def test_signing_a_unit_with_a_copy_out_asks_and_signs_with_yes(tmp_path, key):  # noqa: F811
    """The command line asks, as the desktop does (继续签名 / 取消): no answer from a script is a no, and nothing is
    signed or written; with --yes it warns and signs."""
    year = demo_dataset(tmp_path, "y.wjkh")
    made = run("field-copy", str(year), "--to", str(tmp_path / "ww.wjkh"), "--assessor", "王五", "--units", OTHER,
               "--by", "张三")
    assert made.returncode == 0, made.stderr
    field_edit(tmp_path / "ww.wjkh", OTHER, 4)
    out = tmp_path / "sheet.pdf"
    refused = run("export-pdf", "sheet", "--dataset", str(year), "--unit", OTHER, "--out", str(out), "--sign",
                  str(key), "--assessor", "张三", env=ENV)
    assert refused.returncode != 0 and not out.exists()
    assert "外业副本" in refused.stderr
    assert "未签名，未导出：如确需在外业副本合并回来之前签名，请加 --yes 后重试。" in refused.stderr
    signed = run("export-pdf", "sheet", "--dataset", str(year), "--unit", OTHER, "--out", str(out), "--sign", str(key),
                 "--assessor", "张三", "--yes", env=ENV)
    assert signed.returncode == 0, signed.stderr
    warned = [line for line in signed.stderr.splitlines() if "外业副本" in line]
    assert len(warned) == 1
    assert warned[0].startswith("注意：王五的外业副本 ww.wjkh（") and warned[0].endswith(
        " 制作）含本单位，尚未合并回来；本单位签名定稿后，副本中对本单位的修改将不能带入（须先重新开放本单位）。")
    assert out.exists()
    # a unit the copy does not cover: nothing said
    other = run("export-pdf", "sheet", "--dataset", str(year), "--unit", UNIT, "--out", str(tmp_path / "u.pdf"),
                "--sign", str(key), "--assessor", "张三", "--yes", env=ENV)
    assert other.returncode == 0 and "外业副本" not in other.stderr
    with Dataset.open(year, read_only=True) as ds:
        session = Session(ds, ds.assessor_id("张三"))
        assert session.signing_with_copies_out([ds.unit_id(UNIT)]) is None
        assert "王五的外业副本 ww.wjkh" in render(session.signing_with_copies_out(None))


def test_a_new_year_from_a_year_with_copies_out_says_so(tmp_path):
    year = demo_dataset(tmp_path, "y.wjkh")
    made = run("field-copy", str(year), "--to", str(tmp_path / "ww.wjkh"), "--assessor", "王五", "--by", "张三")
    assert made.returncode == 0, made.stderr
    warning = read_previous(year).copies_out_warning()
    assert warning is not None
    said = render(warning)
    assert said.startswith("注意：2022 年度有 1 份外业副本尚未合并回来：王五的外业副本 ww.wjkh（")
    assert said.endswith(" 制作）；副本中的修改还不在 y.wjkh 中，新年度带入的单位信息不含这些修改。")
    new = run("new-year", "--to", str(tmp_path / "2023.wjkh"), "--from", str(year), "--rules", str(EXAMPLE_2023))
    assert new.returncode == 0, new.stderr
    assert said in new.stdout.splitlines()
    assert read_previous(demo_dataset(tmp_path, "old.wjkh")).copies_out_warning() is None


def test_the_year_s_change_log_and_backups_tell_the_copy_made_in_words(tmp_path):
    from core.store.audit_check import namer_for
    from core.store.audit_log import changes_of, line
    from core.store.backup_story import edit_words
    year = demo_dataset(tmp_path, "y.wjkh")
    made = run("field-copy", str(year), "--to", str(tmp_path / "ww.wjkh"), "--assessor", "王五", "--units", OTHER,
               "--by", "张三")
    assert made.returncode == 0, made.stderr
    with Dataset.open(year, read_only=True) as ds:
        told = [render(line(c)) for c in changes_of(ds)]
        conn = ds._conn
        rows = conn.execute("SELECT action, table_name, record_id, field, new_value, at FROM audit "
                            "WHERE seq = (SELECT max(seq) FROM audit)").fetchall()
        story = render(edit_words(conn, namer_for(ds.rule_set()), rows))
    assert told[-1].split("　")[1:] == ["张三", "—", "—", f"制作外业副本 ww.wjkh（交给 王五，{OTHER}）"]
    assert story == f"制作外业副本 ww.wjkh（交给 王五，{OTHER}）"
