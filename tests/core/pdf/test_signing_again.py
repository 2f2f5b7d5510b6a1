"""Signing a score sheet on the command line, as the assessor does: a sheet that would be signed 暂定 (another
unit's data not final) is refused with the reason until --yes says to sign anyway, and a locked unit is not
signed again as a new version: its sheet comes out as a copy of the signed version, said so."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.pdf.signing import create_key, verify_pdf
from core.store.dataset import Dataset
from tests.core.pdf.test_pdf import UNIT, demo_dataset, flat, render_pages, run, text_of

PASSWORD = "再签-2022"
ENV = {"LEYE_SIGN_PASSWORD": PASSWORD}
WAITING = "苏州八坼新程人力资源有限公司"  # the demo's one unit whose data is not final


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "张三.p12"
    create_key(path, "张三", PASSWORD)
    return path


def sign(path: Path, out: Path, key: Path, *extra: str):
    return run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(out), "--sign", str(key),
               *extra, env=ENV)


def versions(path: Path) -> list[int]:
    with Dataset.open(path, read_only=True) as ds:
        return [v.version for v in ds.sheet_versions(ds.unit_id(UNIT))]


def test_a_provisional_sheet_is_signed_only_when_told_to_sign_anyway(tmp_path, key):
    path = demo_dataset(tmp_path)
    refused = sign(path, tmp_path / "暂定.pdf", key)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        f"“{UNIT}”签名后，排名类条款（2.1、2.2、3.2）得分及等级仍为暂定：尚有 1 家运营单位数据未定稿（{WAITING}），"
        "签名的考核评分表将带“暂定”水印，日后这些单位定稿时得分和等级可能变动。",
        "未签名，未导出：如确需签名暂定的考核评分表，请加 --yes 后重试。"]
    assert not (tmp_path / "暂定.pdf").exists() and versions(path) == []

    done = sign(path, tmp_path / "暂定.pdf", key, "--yes")
    assert done.returncode == 0, done.stderr
    assert "第 1 版" in done.stdout and "已加电子签名" in done.stdout
    text = flat(text_of(tmp_path / "暂定.pdf"))
    assert "已签名定稿并锁定（第1版）" in text and "暂定：尚有运营单位数据未定稿" in text  # said on the sheet too
    assert versions(path) == [1]


def test_a_locked_unit_is_not_signed_again_as_a_new_version(tmp_path, key):
    path = demo_dataset(tmp_path)
    first = tmp_path / "第1版.pdf"
    assert sign(path, first, key, "--yes").returncode == 0
    again = tmp_path / "再签.pdf"
    done = sign(path, again, key, "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"已导出 {again}（共 2 页，第 1 版，已签名定稿版本的副本，未签名）。"
    assert done.stderr.splitlines() == [
        f"“{UNIT}”已签名定稿并锁定（第 1 版），数据未变，不再签名：导出的是该版本的副本；"
        "如需重新签名，请先用 reopen 解锁（重新开放）并填写理由。"]
    assert versions(path) == [1]
    assert not verify_pdf(again.read_bytes()).signatures
    text = flat(text_of(again))
    assert "第1版（已签名定稿版本的副本，本件未签名）" in text and "第2版" not in text
    assert render_pages(again, "cli-sign-locked-again")

    # without --yes too: a locked unit is not asked about, it is not signed
    quiet = sign(path, tmp_path / "再签2.pdf", key)
    assert quiet.returncode == 0 and "副本" in quiet.stdout and versions(path) == [1]
