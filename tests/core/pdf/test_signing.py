"""Signed PDFs: keys, the visible stamp, verification (intact, modified, unknown certificate), and
the finalize/lock/reopen cycle of a unit's score sheet, through the command line and core."""

from __future__ import annotations

import io
import math
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from core.pdf import signing
from core.pdf.export import Exporter
from core.pdf.signing import SigningError, create_key, load_signer, verify_pdf
from core.store.dataset import Dataset, create_file
from core.store.files import SCHEMA_VERSION
from tests.core.pdf.test_pdf import DEMO, RULES, UNIT, demo_dataset, flat, ink, render_pages, run, text_of
from tests.profile_support import profile_environ

PASSWORD = "正确的密码-2022"
ENV = {"LEYE_SIGN_PASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "张三.p12"
    create_key(path, "张三", PASSWORD, organisation="吴江区人社局")
    return path


def squiggle(seed: int = 1) -> bytes:
    """A handwritten-looking signature as the signature pad stores it: a transparent PNG."""
    from PIL import Image, ImageDraw
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    points = [(20 + i * 5.6, 100 + 60 * math.sin(i / (6 + seed)) * math.cos(i / 21)) for i in range(100)]
    ImageDraw.Draw(image).line(points, fill=(15, 25, 110, 255), width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def flip_inside_signed_range(data: bytes) -> bytes:
    """One byte changed inside the first signed byte range, in a content stream (so the file still parses)."""
    start = data.index(b"/ByteRange")
    numbers = data[data.index(b"[", start) + 1:data.index(b"]", start)].split()
    first_end = int(numbers[1])
    position = re.compile(rb"(?<!end)stream\r?\n").search(data, 2000).end() + 40
    assert position < first_end
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


# ------------------------------------------------------------------ keys

def test_make_key_writes_a_password_protected_p12_readable_by_its_owner_only(tmp_path):
    target = tmp_path / "李四.p12"
    done = run("make-key", str(target), "--name", "李四", "--organisation", "吴江区人社局", env=ENV)
    assert done.returncode == 0, done.stderr
    assert "证书指纹" in done.stdout and target.is_file()
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    info = signing.key_info(target, PASSWORD)
    assert (info.name, info.organisation) == ("李四", "吴江区人社局") and info.fingerprint in done.stdout
    with pytest.raises(SigningError) as wrong:
        load_signer(target, "wrong")
    assert wrong.value.code == "pdf.key_password_wrong"
    again = run("make-key", str(target), "--name", "李四", env=ENV)
    assert again.returncode == 2 and "已存在" in again.stderr and len(again.stderr.splitlines()) == 1
    no_password = run("make-key", str(tmp_path / "x.p12"), "--name", "李四")
    assert no_password.returncode == 2 and "LEYE_SIGN_PASSWORD" in no_password.stderr
    assert not (tmp_path / "x.p12").exists()


def test_import_key_copies_a_p12_into_the_key_folder_after_checking_the_password(tmp_path, key):
    folder = tmp_path / "profile" / "keys"
    with pytest.raises(SigningError):
        signing.import_key(key, folder, "wrong")
    assert not folder.exists() or not any(folder.iterdir())
    info = signing.import_key(key, folder, PASSWORD)
    assert info.path == folder / key.name and info.fingerprint == signing.key_info(key, PASSWORD).fingerprint
    with pytest.raises(SigningError) as again:
        signing.import_key(key, folder, PASSWORD)
    assert again.value.code == "pdf.key_exists"


# ------------------------------------------------------------------ sign, verify, tamper

def test_a_signed_sheet_verifies_and_a_flipped_byte_is_reported_as_modified(tmp_path, key):
    path = demo_dataset(tmp_path)
    out = tmp_path / "sheet.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(out), "--sign", str(key),
               "--yes", env=ENV)
    assert done.returncode == 0, done.stderr
    fingerprint = signing.key_info(key, PASSWORD).fingerprint
    assert fingerprint in done.stdout
    text = flat(text_of(out))
    assert fingerprint in text or fingerprint.replace(":", "") in text.replace(":", "")  # printed on the sheet
    assert "第1版" in text and "草稿" not in text
    pages = render_pages(out, "test-signed-sheet")
    assert all(ink(png) > 0.005 for png in pages)

    profile = profile_environ(tmp_path / "profile")
    untrusted = run("verify", str(out), "--dataset", str(path), env=profile)
    assert untrusted.returncode == 3 and "签名人未经确认" in untrusted.stdout  # intact, but nobody trusted 张三 here
    assert run("trust", "add", str(out), "--yes", env=profile).returncode == 0
    verified = run("verify", str(out), "--dataset", str(path), env=profile)
    assert verified.returncode == 0, verified.stderr
    assert "签名完好" in verified.stdout and "张三" in verified.stdout and fingerprint in verified.stdout
    assert "登记的证书一致" in verified.stdout and "签名人可信" in verified.stdout

    result = verify_pdf(out.read_bytes(), name=out.name)
    assert result.intact and result.signatures[0].whole_file and result.signatures[0].signer == "张三"
    assert result.signatures[0].signed_at is not None

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(flip_inside_signed_range(out.read_bytes()))
    assert not verify_pdf(tampered.read_bytes(), name=tampered.name).intact
    checked = run("verify", str(tampered))
    assert checked.returncode == 1
    assert "已被改动" in checked.stdout and len(checked.stderr.strip().splitlines()) == 1


def test_the_stamp_prints_the_moment_the_signature_carries_and_verify_tells(tmp_path, key, monkeypatch):
    """One signing time: the visible stamp on the sheet says the same second as the signature itself (what verify
    and the desktop's card tell), even when the signing takes a while after the sheet was prepared."""
    import datetime as dt

    from pyhanko.sign.signers import pdf_signer

    class Later(dt.datetime):  # the signature's clock runs 2.5 s behind the start of the signing
        @classmethod
        def now(cls, tz=None):
            return dt.datetime.now(tz) + dt.timedelta(seconds=2.5)

    monkeypatch.setattr(pdf_signer, "datetime", Later)
    path = demo_dataset(tmp_path)
    out = tmp_path / "sheet.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(out), "--sign", str(key),
               "--yes", env=ENV)
    assert done.returncode == 0, done.stderr
    [stamped] = re.findall(r"签名时间：(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4})", text_of(out))
    [check] = verify_pdf(out.read_bytes(), name=out.name).signatures
    assert check.signed_at is not None
    assert stamped == check.signed_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
    verified = run("verify", str(out), "--dataset", str(path))
    assert f"签名时间：{stamped}" in verified.stdout, verified.stdout


def rewritten_by_another_program(signed: Path, out: Path) -> Path:
    """The signed document saved again whole by another PDF program (pypdf): the pages and their visible
    signature stamp come along, the signature no longer holds."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter()
    for page in PdfReader(signed).pages:
        writer.add_page(page)
    with out.open("wb") as f:
        writer.write(f)
    return out


def test_a_signed_sheet_saved_again_by_another_program_is_told_as_a_signature_no_longer_valid(tmp_path, key):
    path = demo_dataset(tmp_path)
    signed = tmp_path / "sheet.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(signed), "--sign",
               str(key), "--yes", env=ENV)
    assert done.returncode == 0, done.stderr
    rewritten = rewritten_by_another_program(signed, tmp_path / "重新保存.pdf")
    assert "电子签名：张三" in text_of(rewritten)  # the page still shows the stamp
    result = verify_pdf(rewritten.read_bytes(), name=rewritten.name)
    assert result.signature_lost and not result.intact
    checked = run("verify", str(rewritten), "--dataset", str(path))
    assert checked.returncode == 1  # as for a modified file
    assert checked.stderr.strip() == ("重新保存.pdf 上显示有电子签名，但这个签名已经失效：签名后文件被改动或被其他软件"
                                      "重新保存过，不可作为正式文件使用。")
    against = run("verify-audit", str(path), "--against", str(rewritten))
    assert against.returncode == 2 and "签名已经失效" in against.stdout + against.stderr
    unsigned = tmp_path / "unsigned.pdf"  # a sheet never signed is still just that
    assert run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(unsigned)).returncode == 0
    plain = run("verify", str(rewritten_by_another_program(unsigned, tmp_path / "unsigned-again.pdf")))
    assert plain.returncode == 2 and plain.stderr.strip() == "unsigned-again.pdf 没有电子签名。"


def test_an_update_appended_after_signing_is_reported_as_modified(tmp_path, key):
    from pyhanko.pdf_utils.generic import pdf_string
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    path = demo_dataset(tmp_path)
    with Dataset.open(path) as ds:
        done, problems = Exporter(ds).summary(signer=load_signer(key, PASSWORD))
    assert not problems
    writer = IncrementalPdfFileWriter(io.BytesIO(done.pdf))
    writer.trailer["/Info"].get_object()["/Title"] = pdf_string("改过的标题")  # only metadata, after signing
    writer.update_container(writer.trailer["/Info"])
    appended = io.BytesIO()
    writer.write(appended)
    result = verify_pdf(appended.getvalue(), name="appended.pdf")
    assert result.signatures[0].intact and not result.signatures[0].whole_file
    assert not result.intact
    file = tmp_path / "appended.pdf"
    file.write_bytes(appended.getvalue())
    checked = run("verify", str(file))
    assert checked.returncode == 1 and "追加" in checked.stdout


def test_verify_says_whether_the_dataset_knows_the_certificate(tmp_path, key):
    known_year = demo_dataset(tmp_path, "known.sqlite")
    other_year = demo_dataset(tmp_path, "other.sqlite")
    out = tmp_path / "record.pdf"
    done = run("export-pdf", "record", "--dataset", str(known_year), "--unit", UNIT, "--out", str(out),
               "--sign", str(key), env=ENV)
    assert done.returncode == 0, done.stderr
    profile = profile_environ(tmp_path / "profile")
    assert run("trust", "add", str(out), "--yes", env=profile).returncode == 0
    assert run("verify", str(out), "--dataset", str(known_year), env=profile).returncode == 0
    unknown = run("verify", str(out), "--dataset", str(other_year), env=profile)
    assert unknown.returncode == 1 and "不是" in unknown.stdout and len(unknown.stderr.strip().splitlines()) == 1
    with Dataset.open(known_year, read_only=True) as ds:
        plain, _ = Exporter(ds).summary()
    unsigned = verify_pdf(plain.pdf, name="plain.pdf")
    assert not unsigned.intact and [p.message.code for p in unsigned.problems] == ["pdf.verify_unsigned"]
    garbage = verify_pdf(b"%PDF-1.4 nothing here", name="garbage.pdf")
    assert not garbage.intact and garbage.problems
    file = tmp_path / "plain.pdf"
    file.write_bytes(plain.pdf)
    checked = run("verify", str(file))
    assert checked.returncode == 2 and "没有电子签名" in checked.stderr and len(checked.stderr.splitlines()) == 1


# ------------------------------------------------------------------ finalize, lock, reopen

def test_signing_a_sheet_locks_the_unit_until_it_is_reopened_with_a_reason(tmp_path, key):
    path = demo_dataset(tmp_path)
    unit = "苏州八坼新程人力资源有限公司"  # its facts are not final in the demo
    first = tmp_path / "v1.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", unit, "--out", str(first), "--sign", str(key),
               env=ENV)
    assert done.returncode == 0, done.stderr
    assert "第 1 版" in done.stdout and "锁定" in done.stdout
    with Dataset.open(path) as ds:
        unit_id = ds.unit_id(unit)
        lock = ds.unit_lock(unit_id)
        assert lock is not None and lock.version == 1
        assert ds.unit(unit_id).facts_final  # locked facts are final
        assert [v.version for v in ds.sheet_versions(unit_id)] == [1]
        assert ds.known_certificate(signing.key_info(key, PASSWORD).fingerprint) is not None
        base_id, trip_id = ds.base_ids(unit_id)[0], ds.trip_ids(unit_id)[0]
        refused = [
            ds.set_insured_workers(1, unit_id, 999),
            ds.tick_evidence(1, unit_id, "4.3", "bases_clear", False),
            ds.update_base(1, base_id, people=1),
            ds.tick_trip_evidence(1, trip_id, "photos", False),
            ds.add_delivery(1, unit_id, RULES.period_start, "某企业", 5),
            ds.set_negatives(1, unit_id, complaints=9),
            ds.mark_final(1, unit_id, False),
            ds.add_attachment(1, b"x", "x.txt", unit_id=unit_id),
            ds.remove_unit(1, unit_id),
        ]
        for edit in refused:
            assert not edit.ok and [p.message.code for p in edit.problems] == ["dataset.unit_locked"], edit
        assert unit in edit.problems[0].text() and "解锁（重新开放）" in edit.problems[0].text()
        assert ds.unit(unit_id).insured_workers != 999
        other = ds.unit_id(UNIT)
        assert ds.set_insured_workers(1, other, 120).unfinalized == (other,)  # other units stay editable (the
        assert ds.mark_final(1, other).ok  # change withdrew its 定稿: marked again, its sheet's signing asks nothing)
        assert ds.add_signature(1, "sheet", "reviewer", "李四", squiggle(), unit_id=unit_id, title="复核人").ok
        no_reason = ds.reopen_unit(1, unit_id, "  ")
        assert [p.message.code for p in no_reason.problems] == ["dataset.reopen_reason_required"]

    reopened = run("reopen", "--dataset", str(path), "--unit", unit, "--reason", "单位补交了保险公司手续")
    assert reopened.returncode == 0, reopened.stderr
    assert "第 2 版" in reopened.stdout
    with Dataset.open(path) as ds:
        unit_id = ds.unit_id(unit)
        assert ds.unit_lock(unit_id) is None
        assert ds.set_insured_workers(1, unit_id, 150).ok
        entries = [e for e in ds.audit_entries("unit_locks") if e.action != "schema"]
        assert [e.action for e in entries] == ["insert", "delete"]
        assert entries[-1].reason == "单位补交了保险公司手续" and entries[-1].assessor_id == 1
        assert ds.verify_audit() is None
        assert ds.reopen_unit(1, unit_id, "再次").problems[0].message.code == "dataset.unit_not_locked"

    draft = tmp_path / "draft.pdf"
    assert run("export-pdf", "sheet", "--dataset", str(path), "--unit", unit, "--out", str(draft)).returncode == 0
    assert "第2版（草稿，未签名）" in flat(text_of(draft))
    second = tmp_path / "v2.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", unit, "--out", str(second), "--sign", str(key),
               env=ENV)
    assert done.returncode == 0 and "第 2 版" in done.stdout
    text = flat(text_of(second))
    assert "第2版" in text and "李四" in text  # the reviewer's handwritten signature line
    render_pages(second, "test-signed-v2")
    with Dataset.open(path, read_only=True) as ds:
        assert [v.version for v in ds.sheet_versions(ds.unit_id(unit))] == [1, 2]
        assert ds.unit_lock(ds.unit_id(unit)).version == 2


def test_handwritten_signatures_are_stored_and_drawn_on_their_line(tmp_path):
    from pypdf import PdfReader
    path = demo_dataset(tmp_path)
    with Dataset.open(path) as ds:
        unit_id = ds.unit_id(UNIT)
        png = squiggle(2)
        assert ds.add_signature(1, "record", "representative", "张丽娟", png, unit_id=unit_id).ok
        assert ds.add_signature(1, "record", "assessor", "张三", squiggle(1), unit_id=unit_id, title="考核组长").ok
        bad = ds.add_signature(1, "record", "boss", "", b"GIF89a", unit_id=unit_id)
        assert {p.message.code for p in bad.problems} == {"dataset.signature_role", "dataset.signature_name_empty",
                                                          "dataset.signature_not_png"}
        assert ds.add_signature(1, "summary", "reviewer", "李四", png, unit_id=unit_id).problems[0].message.code \
            == "dataset.signature_unit"
        stored = ds.signatures(unit_id, "record")
        assert [(s.role, s.name) for s in stored] == [("representative", "张丽娟"), ("assessor", "张三")]
        assert stored[0].png == png and stored[0].sha256
        inserted = [e for e in ds.audit_entries("signatures") if e.action == "insert"]
        assert len(inserted) == 2 and all("png" not in (e.new_value or "") for e in inserted)
        done, problems = Exporter(ds).record(UNIT)
    assert not problems
    out = tmp_path / "record-signed-by-hand.pdf"
    out.write_bytes(done.pdf)
    last = PdfReader(io.BytesIO(done.pdf)).pages[-1]
    images = [o for o in last["/Resources"]["/XObject"].values() if o.get_object()["/Subtype"] == "/Image"]
    assert len(images) == 2
    text = flat(text_of(out, done.pages))
    assert "张丽娟" in text and "签名时间" in text
    render_pages(out, "test-record-handwritten", dpi=80)


def test_a_version_2_dataset_gains_the_signature_tables_when_opened(tmp_path):
    from core.scoring.facts import load_year
    year, _ = load_year(DEMO, RULES)
    path = tmp_path / "v2.sqlite"
    assert create_file(path, RULES, "张三", year=year, schema_version=2) == []
    conn = sqlite3.connect(path)
    assert "unit_locks" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    with Dataset.open(path) as ds:
        assert ds.schema_version == SCHEMA_VERSION >= 3
        migrated = {e.table_name for e in ds.audit_entries() if e.reason == "migration 2→3"}
        assert migrated == {"signatures", "certificates", "sheet_versions", "unit_locks", "meta"}
        unit_id = ds.unit_id(UNIT)
        assert ds.add_signature(1, "sheet", "assessor", "张三", squiggle(), unit_id=unit_id).ok
        assert ds.finalize_unit(1, unit_id, 1, "AB:CD", "张三", "0" * 64).ok
        assert ds.finalize_unit(1, unit_id, 1, "AB:CD", "张三", "0" * 64).problems[0].message.code \
            == "dataset.sheet_version_taken"
        assert ds.verify_audit() is None
