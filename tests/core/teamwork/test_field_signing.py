"""A unit's official score sheet is the office's act on the year file: it is not signed (nor the unit locked)
in a field copy, in one sentence that says to merge the copy back first; and a document made in a field copy,
checked against the year (`verify-audit --against`), is said to come from that copy, not to prove the year's
trail rewritten — by the copy's mark it carries, or, for one made before it carried it, by the year's
trail of the copy's merge."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.common.messages import render
from core.editing.session import Session
from core.pdf.anchors import keyword_anchor
from core.pdf.export import Exporter
from core.pdf.signing import create_key
from core.store.dataset import Dataset
from tests.core.pdf.test_pdf import UNIT, demo_dataset, run

PASSWORD = "正确的密码-2022"
ENV = {"LEYE_SIGN_PASSWORD": PASSWORD}
REFUSED = ("copy.wjkh 是外业副本，考核评分表不能在外业副本中签名定稿：请先把外业副本合并回年度文件 year.wjkh，"
           "再在年度文件中签名。")


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "张三.p12"
    create_key(path, "张三", PASSWORD, organisation="吴江区人社局")
    return path


def year_and_copy(folder: Path) -> tuple[Path, Path]:
    """The demo year (its lead 张三) and a field copy of it handed to 李四 for UNIT."""
    year = demo_dataset(folder, "year.wjkh")
    copy = folder / "copy.wjkh"
    made = run("field-copy", str(year), "--to", str(copy), "--assessor", "李四", "--units", UNIT, "--by", "张三")
    assert made.returncode == 0, made.stderr
    return year, copy


def field_edit(copy: Path, value: int) -> None:
    """李四 sets the unit's insured workers in the copy."""
    with Dataset.open(copy, backups=False) as ds:
        assert ds.set_insured_workers(ds.assessor_id("李四"), ds.unit_id(UNIT), value).ok


def signing_rows(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("SELECT count(*) FROM sheet_versions").fetchone()[0],
                conn.execute("SELECT count(*) FROM unit_locks").fetchone()[0])
    finally:
        conn.close()


def test_a_score_sheet_is_not_signed_in_a_field_copy_and_the_merge_leaves_no_half_final_unit(tmp_path, key):
    year, copy = year_and_copy(tmp_path)
    out = tmp_path / "field.pdf"
    signed = run("export-pdf", "sheet", "--dataset", str(copy), "--unit", UNIT, "--out", str(out), "--sign", str(key),
                 "--assessor", "李四", "--yes", env=ENV)
    assert signed.returncode == 2 and signed.stderr.strip() == REFUSED
    assert not out.exists() and signing_rows(copy) == (0, 0)
    asked = run("export-pdf", "sheet", "--dataset", str(copy), "--unit", UNIT, "--out", str(out), "--sign", str(key))
    assert asked.returncode == 2 and asked.stderr.strip() == REFUSED  # said before any password is asked

    # the desktop's way: a sheet signed on a scratch copy is recorded through the session, refused too
    with Dataset.open(copy, backups=False) as ds:
        session = Session(ds, ds.assessor_id("李四"))
        uid = ds.unit_id(UNIT)
        assert render(session.sheet_signing_refused()) == REFUSED
        edit = session.record_signed("sheet", uid, 1, "ab" * 32, "李四", "cd" * 32, "签名定稿")
        assert [render(p.message) for p in edit.problems] == [REFUSED]
        assert ds.unit_lock(uid) is None and ds.sheet_versions(uid) == []
        done, problems = Exporter(ds).sheet(UNIT)  # the unsigned draft is made as before
        assert done is not None and not problems and not done.signed

    # the on-site record is the assessor's own document: still signed in the copy
    record = tmp_path / "record.pdf"
    made = run("export-pdf", "record", "--dataset", str(copy), "--unit", UNIT, "--out", str(record),
               "--sign", str(key), env=ENV)
    assert made.returncode == 0, made.stderr

    # the year file, untouched by the refused signing, signs the sheet after the merge as ever
    field_edit(copy, 321)
    merged = run("merge", str(year), str(copy), "--by", "张三")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert signing_rows(year) == (0, 0)  # nothing locked came back: the unit is not 已签名定稿 and 未定稿 at once
    office = run("export-pdf", "sheet", "--dataset", str(year), "--unit", UNIT, "--out", str(out), "--sign", str(key),
                 "--yes", env=ENV)
    assert office.returncode == 0, office.stderr
    with Dataset.open(year, read_only=True) as ds:
        uid = ds.unit_id(UNIT)
        assert ds.unit_lock(uid).version == 1 and ds.unit(uid).facts_final


def test_a_document_made_in_a_field_copy_is_said_to_come_from_it_not_to_prove_the_year_rewritten(tmp_path, key,
                                                                                                  monkeypatch):
    from core.pdf.trust import trust_own_key
    from tests.profile_support import use_profile
    use_profile(monkeypatch, tmp_path / "profile")
    trust_own_key(key, PASSWORD)  # the signer is trusted here: nothing is doubted of the signature itself
    year, copy = year_and_copy(tmp_path)
    draft = tmp_path / "draft.pdf"
    assert run("export-pdf", "sheet", "--dataset", str(copy), "--unit", UNIT, "--out", str(draft)).returncode == 0
    with Dataset.open(copy, read_only=True) as ds:
        copy_head = ds.audit_head()
    record = tmp_path / "record.pdf"  # signed: its certificate becomes known to the copy (a row after)
    assert run("export-pdf", "record", "--dataset", str(copy), "--unit", UNIT, "--out", str(record),
               "--sign", str(key), env=ENV).returncode == 0
    before = run("verify-audit", str(year), "--against", str(draft))  # not merged yet
    assert before.returncode == 0, before.stdout + before.stderr
    assert before.stdout.splitlines()[0] == ("draft.pdf 是在外业副本 copy.wjkh（交给李四）中生成的，其中的校验值"
                                             "属于外业副本的审计记录，不能与年度文件 year.wjkh 的审计记录核对。")
    head = keyword_anchor(draft.read_bytes())  # the copy's head, and the copy's mark beside it
    assert head is not None and (head.seq, head.hash) == copy_head
    assert head.copy is not None and (head.copy.file_name, head.copy.assessor) == ("copy.wjkh", "李四")

    field_edit(copy, 321)
    assert run("merge", str(year), str(copy), "--by", "张三").returncode == 0
    with Dataset.open(year, read_only=True) as ds:  # the year's row of the same number is another row
        conn = sqlite3.connect(year)
        assert conn.execute("SELECT hash FROM audit WHERE seq = ?", (copy_head[0],)).fetchone()[0] != copy_head[1]
        conn.close()
    for document in (draft, record):
        result = run("verify-audit", str(year), "--against", str(document))
        assert result.returncode == 0, result.stdout + result.stderr
        first = result.stdout.splitlines()[0]
        assert first.startswith(f"{document.name} 是在外业副本 copy.wjkh（交给李四，")
        assert "已合并回年度文件）中生成的" in first
        assert "被改写" not in result.stdout and "审计记录完整" in result.stdout


def test_a_sheet_made_in_a_field_copy_before_it_carried_the_copy_is_known_by_the_year_s_merge(
        tmp_path, monkeypatch):
    year, copy = year_and_copy(tmp_path)
    # a sheet as made before the copy's mark was carried in it
    monkeypatch.setattr(Exporter, "copy_mark", lambda self: None, raising=False)

    def sheet(name: str) -> Path:
        with Dataset.open(copy, read_only=True) as ds:
            done, problems = Exporter(ds).sheet(UNIT)
        assert done is not None and not problems
        out = tmp_path / name
        out.write_bytes(done.pdf)
        assert b"leye-field-copy" not in done.pdf
        return out

    at_mark = sheet("at-mark.pdf")  # made just after the copy: its head is the copy's mark
    field_edit(copy, 321)
    at_edit = sheet("at-edit.pdf")  # made after a field edit: its head is a copy row the merge takes
    field_edit(copy, 322)
    assert run("merge", str(year), str(copy), "--by", "张三").returncode == 0
    for document in (at_mark, at_edit):
        result = run("verify-audit", str(year), "--against", str(document))
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith(f"{document.name} 是在外业副本 copy.wjkh（交给李四，")
        assert "被改写" not in result.stdout

    # a document no copy explains still proves a rewrite: a head the year never had is no copy's
    forged = tmp_path / "other.pdf"
    other = demo_dataset(tmp_path, "other.wjkh")
    with Dataset.open(other, backups=False) as ds:
        for n in range(3):
            assert ds.set_insured_workers(1, ds.unit_id(UNIT), 500 + n).ok
    with Dataset.open(other, read_only=True) as ds:
        done, _ = Exporter(ds).sheet(UNIT)
    forged.write_bytes(done.pdf)
    result = run("verify-audit", str(year), "--against", str(forged))
    assert result.returncode == 1 and "审计记录被改写" in result.stdout
