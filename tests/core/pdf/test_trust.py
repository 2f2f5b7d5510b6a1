"""Whom a signature is trusted for: a sheet re-signed with a key anyone can make under the name 张三
is 完好但签名人未经确认 (exit 3), never the verdict of the genuine one (exit 0) once the assessor trusts
that; a second signature by an unknown key is named as such; a certificate issued by a trusted
authority (the bureau's CA) is trusted without being trusted one by one; the trust list is managed
from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.pdf.export import Exporter
from core.pdf.signing import create_key, key_certificate, load_signer, verify_pdf
from core.pdf.trust import add_trusted, trust_dir, trusted, trusted_certificates
from core.store.dataset import Dataset
from tests import cli_support
from tests.core.pdf.test_pdf import demo_dataset, run
from tests.profile_support import profile_environ

PASSWORD = "正确的密码-2022"
ENV = {"LEYE_SIGN_PASSWORD": PASSWORD}


@pytest.fixture
def profile(tmp_path) -> dict:
    return profile_environ(tmp_path / "profile")


def signed_summary(tmp_path: Path, key: Path, name: str) -> Path:
    path = demo_dataset(tmp_path, f"{name}.sqlite")
    with Dataset.open(path) as ds:
        done, problems = Exporter(ds).summary(signer=load_signer(key, PASSWORD))
    assert not problems
    out = tmp_path / f"{name}.pdf"
    out.write_bytes(done.pdf)
    return out


def ca_issued_key(tmp_path: Path) -> tuple[Path, Path]:
    """The bureau's CA certificate, and a .p12 of 王五 whose certificate that CA issued."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "吴江区人社局电子认证中心")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "王五"),
                                     x509.NameAttribute(NameOID.ORGANIZATION_NAME, "吴江区人社局")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_file = tmp_path / "人社局CA.cer"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    p12 = tmp_path / "王五.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        "王五".encode(), key, cert, [ca],
        serialization.BestAvailableEncryption(PASSWORD.encode())))
    return ca_file, p12


def test_a_forged_zhang_san_is_told_from_the_trusted_one(tmp_path, profile):
    genuine, forged = tmp_path / "张三.p12", tmp_path / "伪造的张三.p12"
    create_key(genuine, "张三", PASSWORD, organisation="吴江区人社局")
    create_key(forged, "张三", PASSWORD, organisation="吴江区人社局")
    real, fake = signed_summary(tmp_path, genuine, "real"), signed_summary(tmp_path, forged, "fake")
    assert run("trust", "add", str(real), "--yes", env=profile).returncode == 0
    good = run("verify", str(real), env=profile)
    bad = run("verify", str(fake), env=profile)
    assert good.returncode == 0 and "签名人可信" in good.stdout
    assert bad.returncode == 3 and "签名人未经确认" in bad.stdout and "未经确认" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1

    # trusting the forger's certificate from its file names the one under the same name trusted already
    real_fingerprint = trusted(trust_dir(profile))[0].fingerprint
    asked = cli_support.run("trust", "add", str(fake), env=profile, stdin="n\n")
    assert asked.returncode != 0 and len(trusted(trust_dir(profile))) == 1
    assert "本机已经信任另一张以“张三”为名的证书，不是这一张" in asked.stderr and real_fingerprint in asked.stderr


def test_a_second_signature_by_an_unknown_key_is_named(tmp_path):
    genuine, stranger = tmp_path / "张三.p12", tmp_path / "陌生人.p12"
    create_key(genuine, "张三", PASSWORD)
    create_key(stranger, "张三", PASSWORD)
    first = signed_summary(tmp_path, genuine, "once")
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    writer = IncrementalPdfFileWriter(io.BytesIO(first.read_bytes()), strict=False)
    out = io.BytesIO()
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Second"),
                     signer=signers.SimpleSigner.load_pkcs12(str(stranger), passphrase=PASSWORD.encode()), output=out)
    twice = out.getvalue()
    folder = tmp_path / "trusted"
    add_trusted(key_certificate(genuine, PASSWORD), folder)
    result = verify_pdf(twice, name="twice.pdf", trusted=trusted_certificates(folder))
    assert [s.trusted for s in result.signatures] == [True, False]
    assert result.trusted is False


def test_a_certificate_issued_by_a_trusted_authority_is_trusted(tmp_path, profile):
    ca_file, p12 = ca_issued_key(tmp_path)
    sheet = signed_summary(tmp_path, p12, "ca")
    assert run("verify", str(sheet), env=profile).returncode == 3
    added = run("trust", "add", str(ca_file), "--yes", env=profile)
    assert added.returncode == 0 and "颁发机构" in added.stdout
    checked = run("verify", str(sheet), env=profile)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "吴江区人社局电子认证中心" in checked.stdout and "签名人可信" in checked.stdout


def test_the_trust_list_from_the_command_line_and_ones_own_key(tmp_path, profile):
    assert "尚未信任任何证书" in run("trust", "list", env=profile).stdout
    made = run("make-key", str(tmp_path / "我.p12"), "--name", "李四", env={**profile, **ENV})
    assert made.returncode == 0, made.stderr
    listed = run("trust", "list", env=profile)
    assert "李四" in listed.stdout and "签名人证书" in listed.stdout  # one's own key is trusted here
    [item] = trusted(trust_dir(profile))
    refused = run("trust", "add", str(tmp_path / "我.p12"), env=profile)  # a key file holds no certificate to read
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    removed = run("trust", "remove", item.fingerprint, env=profile)
    assert removed.returncode == 0 and "不再信任" in removed.stdout
    assert run("trust", "remove", item.fingerprint, env=profile).returncode == 2
