"""Every unit's score sheet in one run when some units are locked by a signed sheet already: a locked unit
comes out as a copy of the version it was signed as — never a new draft number, never signed again — and
the others as drafts (unsigned) or new signed versions (signed)."""

from __future__ import annotations

from pathlib import Path

from core.pdf.batch import Request, export_batch
from core.pdf.export import Exporter
from core.pdf.sheets import SHEET
from core.pdf.signing import load_signer, verify_pdf
from core.store.dataset import Dataset
from tests.core.pdf.test_pdf import UNIT, demo_dataset, flat, render_pages, text_of
from tests.core.pdf.test_signing import PASSWORD, key  # noqa: F401 (the key fixture)

LOCKED = "苏州八坼新程人力资源有限公司"


def sign_one(path: Path, key_path: Path) -> None:
    with Dataset.open(path) as ds:
        done, problems = Exporter(ds).sheet(LOCKED, signer=load_signer(key_path, PASSWORD))
        assert not problems and done.signed and done.version == 1 and ds.unit_lock(ds.unit_id(LOCKED)).version == 1


def every_sheet(path: Path, folder: Path, signer=None):
    folder.mkdir()
    with Dataset.open(path) as ds:
        requests = [Request(SHEET, name, folder / f"{name}.pdf") for name in (LOCKED, UNIT)]
        outcome = export_batch(requests, copy=ds.scratch_copy, signer=signer, assessor="张三",
                               record_signed=lambda done: [])
    assert not outcome.problems and len(outcome.written) == 2
    return {w.request.unit: w for w in outcome.written}


def test_an_unsigned_bulk_export_writes_a_locked_unit_as_a_copy_of_its_signed_version(tmp_path, key):  # noqa: F811
    path = demo_dataset(tmp_path)
    sign_one(path, key)
    written = every_sheet(path, tmp_path / "全部")
    locked, other = written[LOCKED], written[UNIT]
    assert (locked.exported.version, locked.exported.signed, locked.exported.copy_of_signed) == (1, False, True)
    text = flat(text_of(locked.request.target))
    assert "已签名定稿并锁定（第1版）" in text and "第1版（已签名定稿版本的副本，本件未签名）" in text
    assert "第2版" not in text and "草稿" not in text
    assert (other.exported.version, other.exported.copy_of_signed) == (1, False)
    assert "第1版（草稿，未签名）" in flat(text_of(other.request.target))
    assert render_pages(locked.request.target, "batch-locked-copy")
    with Dataset.open(path, read_only=True) as ds:  # nothing recorded: the export only read the year
        assert [v.version for v in ds.sheet_versions(ds.unit_id(LOCKED))] == [1]


def test_a_signed_bulk_export_does_not_sign_a_locked_unit_again(tmp_path, key):  # noqa: F811
    path = demo_dataset(tmp_path)
    sign_one(path, key)
    signer = load_signer(key, PASSWORD)
    written = every_sheet(path, tmp_path / "全部", signer)
    locked, other = written[LOCKED], written[UNIT]
    assert (locked.exported.version, locked.exported.signed, locked.exported.copy_of_signed) == (1, False, True)
    assert not verify_pdf(locked.request.target.read_bytes()).signatures
    assert "第1版（已签名定稿版本的副本，本件未签名）" in flat(text_of(locked.request.target))
    assert other.exported.signed and other.exported.version == 1
    assert verify_pdf(other.request.target.read_bytes()).intact
    with Dataset.open(path, read_only=True) as ds:
        assert [v.version for v in ds.sheet_versions(ds.unit_id(LOCKED))] == [1]
