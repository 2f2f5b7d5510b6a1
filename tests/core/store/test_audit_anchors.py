"""The audit trail's head kept outside the year file: in every score sheet (printed, and whole in the
keywords the signature covers) and in every backup (the anchors file beside them). `verify-audit
--against SHEET.pdf|BACKUP` finds a trail cut or rewritten since."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.pdf.anchors import read_against
from core.pdf.signing import create_key
from core.pdf.trust import trust_own_key, trusted_certificates
from core.store import backup, recovery
from core.store.dataset import Dataset
from core.store.signatures import normal_fingerprint
from tests.audit_tampers import cut_last_rows, rechain, trigger_sql
from tests.core.pdf.test_pdf import UNIT, demo_dataset, flat, render_pages, run, text_of
from tests.profile_support import use_profile

PASSWORD = "正确的密码-2022"
ENV = {"LEYE_SIGN_PASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "张三.p12"
    create_key(path, "张三", PASSWORD, organisation="吴江区人社局")
    return path


def signed_sheet(path: Path, out: Path, key: Path) -> tuple[int, str]:
    """Sign the unit's score sheet; the audit head it was made at."""
    with Dataset.open(path, read_only=True) as ds:
        head = ds.audit_head()
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(out), "--sign", str(key),
               "--yes", env=ENV)
    assert done.returncode == 0, done.stderr
    return head


def test_a_signed_sheet_prints_and_carries_the_audit_head(tmp_path, key, monkeypatch):
    use_profile(monkeypatch, tmp_path / "profile")
    path = demo_dataset(tmp_path)
    out = tmp_path / "sheet.pdf"
    seq, digest = signed_sheet(path, out, key)
    text = flat(text_of(out))
    assert f"审计记录第{seq}条，校验值{digest[:16]}" in text  # printed on every page
    assert text.count(f"校验值{digest[:16]}") == len(render_pages(out, "test-audit-anchor-sheet"))
    against = read_against(out, 2022, "wujiang-2022")
    assert against.refusal is None and (against.anchor.seq, against.anchor.hash) == (seq, digest)

    unconfirmed = run("verify-audit", str(path), "--against", str(out))  # a signer this computer does not trust
    assert unconfirmed.returncode == 3, unconfirmed.stdout + unconfirmed.stderr
    assert "sheet.pdf 的签名证书不在本机信任的证书中" in unconfirmed.stdout
    trust_own_key(key, PASSWORD)  # as making or importing the key on this computer does
    later = run("verify-audit", str(path), "--against", str(out))  # signing finalized the unit: rows added since
    assert later.returncode == 0, later.stdout + later.stderr
    assert f"审计记录第 {seq} 条的校验值相同" in later.stdout and "评分表 sheet.pdf" in later.stdout
    assert "未经确认" not in later.stdout + later.stderr


OTHER_UNIT = "苏州横扇启航人力资源有限公司"


def test_a_sheet_forged_under_the_signer_s_name_from_a_copy_of_the_year_is_no_all_clear(tmp_path, key, monkeypatch):
    """Someone else's key under the leader's own name and organisation signs a unit's sheet from a copy of the
    year: its head is the year's, its signature intact. The comparison names the certificate the year did
    not register and this computer does not trust, and the sheet the year never signed; exit 3."""
    use_profile(monkeypatch, tmp_path / "profile")
    trust_own_key(key, PASSWORD)
    path = demo_dataset(tmp_path)
    genuine = tmp_path / "sheet.pdf"
    signed_sheet(path, genuine, key)
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(path.read_bytes())
    forger = tmp_path / "elsewhere" / "张三.p12"
    create_key(forger, "张三", PASSWORD, organisation="吴江区人社局")  # made on another computer: not trusted here
    fake = tmp_path / "fake.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(copy), "--unit", OTHER_UNIT, "--out", str(fake), "--sign",
               str(forger), "--yes", env=ENV)
    assert done.returncode == 0, done.stderr

    result = run("verify-audit", str(path), "--against", str(fake))
    said = result.stdout + result.stderr
    assert result.returncode == 3, said
    assert "与签名人未经确认的评分表 fake.pdf" in result.stdout  # the comparison itself names it
    assert "fake.pdf 的签名证书不是本年度数据文件登记的证书" in result.stdout
    assert "fake.pdf 的签名证书不在本机信任的证书中" in result.stdout
    assert "本年度数据文件中没有签署过这份评分表（第 1 版）的记录" in result.stdout
    assert "fake.pdf 不能证明审计记录未被改动" in result.stderr
    checked = run("verify", str(fake), "--dataset", str(path))  # as verify says of the same file
    assert checked.returncode == 1 and "不是数据文件" in checked.stdout + checked.stderr

    # the year's own sheet, by the trusted and registered key, is the all-clear it was
    good = run("verify-audit", str(path), "--against", str(genuine))
    assert good.returncode == 0, good.stdout + good.stderr
    with Dataset.open(path, read_only=True) as ds:
        registered = {c.fingerprint for c in ds.certificates()}
        against = read_against(fake, 2022, ds.rule_set_ids(), known=lambda fp: normal_fingerprint(fp) in registered,
                               trusted=trusted_certificates(),
                               signed_sheet=lambda sha: ds.signed_sheet(sha) is not None)
        assert [m.code for m in against.doubts] == ["audit.doubt_unregistered", "audit.doubt_untrusted",
                                                   "audit.doubt_not_signed_here"]
        kept = read_against(genuine, 2022, ds.rule_set_ids(), known=lambda fp: normal_fingerprint(fp) in registered,
                            trusted=trusted_certificates(),
                            signed_sheet=lambda sha: ds.signed_sheet(sha) is not None)
        assert kept.refusal is None and kept.doubts == ()


def test_a_trail_cut_or_rewritten_after_the_sheet_was_signed_is_found(tmp_path, key):
    path = demo_dataset(tmp_path)
    out = tmp_path / "sheet.pdf"
    seq, _ = signed_sheet(path, out, key)
    cut = tmp_path / "cut.sqlite"
    cut.write_bytes(path.read_bytes())
    with Dataset.open(cut, backups=False) as ds:  # edits after signing, then the trail cut below the sheet's head
        assert ds.reopen_unit(1, ds.unit_id(UNIT), "复核").ok
    cut_last_rows(cut, rows=(sqlite3.connect(cut).execute("SELECT count(*) FROM audit").fetchone()[0] - seq) + 3)
    result = run("verify-audit", str(cut), "--against", str(out))
    assert result.returncode == 1
    assert "评分表 sheet.pdf" in result.stdout and f"时已有 {seq} 条" in result.stdout

    rewritten = tmp_path / "rewritten.sqlite"
    rewritten.write_bytes(path.read_bytes())
    conn = sqlite3.connect(rewritten, isolation_level=None)  # a row before the sheet's head, every hash after redone
    conn.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    conn.execute("UPDATE audit SET reason = '补录' WHERE seq = ?", (seq - 5,))
    rechain(conn, seq - 5)
    conn.executescript(trigger_sql())
    conn.close()
    result = run("verify-audit", str(rewritten), "--against", str(out))
    assert result.returncode == 1 and "审计记录被改写" in result.stdout


def test_a_modified_or_unsigned_sheet_is_said_to_be_so(tmp_path, key):
    path = demo_dataset(tmp_path)
    out = tmp_path / "sheet.pdf"
    signed_sheet(path, out, key)
    data = bytearray(out.read_bytes())
    where = data.index(b"leye-audit-head")
    data[where + 16] = ord("9") if data[where + 16] != ord("9") else ord("8")  # the anchor's row number changed
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(data))
    result = run("verify-audit", str(path), "--against", str(forged))
    assert result.returncode == 1 and "已被修改或签名无效" in result.stderr

    draft = tmp_path / "draft.pdf"
    assert run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(draft)).returncode == 0
    result = run("verify-audit", str(path), "--against", str(draft))
    assert result.returncode == 0 and "没有签名" in result.stdout and "未签名的评分表" in result.stdout


def test_every_backup_notes_the_head_and_the_trail_is_checked_against_the_newest(tmp_path):
    path = demo_dataset(tmp_path)
    with Dataset.open(path) as ds:
        uid = ds.unit_ids()[0]
        for n in range(3):
            assert ds.update_unit(1, uid, insured_workers=300 + n).ok
            ds.backup()
        head = ds.audit_head()
    lines = backup.anchor_lines(path)
    assert len(lines) == 4 and (lines[-1].seq, lines[-1].hash) == head
    assert [b.name for b in backup.list_backups(path)][0] == lines[-1].name
    backup.rotate(path, 1)  # rotation keeps the anchors
    assert len(backup.anchor_lines(path)) == 4

    oldest = tmp_path / "old.sqlite"
    oldest.write_bytes(path.read_bytes())
    cut_last_rows(oldest, rows=2)  # cut below the newest anchor
    (tmp_path / "old.backups").mkdir()
    backup.anchors_path(oldest).write_text(backup.anchors_path(path).read_text(encoding="utf-8"), encoding="utf-8")
    result = run("verify-audit", str(oldest))
    assert result.returncode == 1 and "审计记录被截短" in result.stdout

    newest = backup.list_backups(path)[0].path
    result = run("verify-audit", str(oldest), "--against", str(newest))
    assert result.returncode == 1 and f"时已有 {head[0]} 条" in result.stdout


def test_a_restore_notes_the_head_it_brought_back(tmp_path):
    path = demo_dataset(tmp_path)
    with Dataset.open(path) as ds:
        first = ds.backup()
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=999).ok
        ds.backup()
    recovery.restore(path, first)
    with Dataset.open(path, backups=False) as ds:
        assert ds.audit_problems == [] and ds.check_audit().ok
    assert backup.anchor_lines(path)[-1].name == first.name


def test_a_backup_of_another_year_or_a_broken_one_cannot_serve(tmp_path):
    path = demo_dataset(tmp_path)
    with Dataset.open(path) as ds:
        made = ds.backup()
    conn = sqlite3.connect(made)
    conn.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    conn.execute("UPDATE audit SET reason = 'x' WHERE seq = 5")
    conn.executescript(trigger_sql())
    conn.close()
    result = run("verify-audit", str(path), "--against", str(made))
    assert result.returncode == 2 and "第 5 条" in result.stderr
    result = run("verify-audit", str(path), "--against", str(tmp_path / "nothing.pdf"))
    assert result.returncode == 2


def test_the_newest_anchor_is_read_from_the_end_of_a_long_anchors_file(tmp_path):
    dataset = tmp_path / "y.wjkh"
    (tmp_path / "y.backups").mkdir()
    lines = [f"2026-01-01 00:00:00\t{n}\t{'a' * 64}\tb{n}.sqlite\t{{\"units\":\"{'f' * 32}\"}}\n" for n in range(1, 3000)]
    backup.anchors_path(dataset).write_text("".join(lines) + "2026-01-02 00:00:00\t3000\t", encoding="utf-8")  # torn
    newest = backup.newest_anchor(dataset)
    assert (newest.seq, newest.name, newest.facts) == (2999, "b2999.sqlite", {"units": "f" * 32})
    assert len(backup.anchor_lines(dataset)) == 2999 and len(backup.anchor_lines(dataset, tail=4096)) < 40
