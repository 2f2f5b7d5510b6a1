"""Whom this user trusts as a signer: certificates kept in the profile folder (never in a dataset),
either a signer's own certificate trusted explicitly (recorded by its SHA-256 fingerprint) or an
issuing authority's (the bureau's CA), whose certificates the signers' must chain to.

A signature is only as good as the trust in its certificate: anyone can make a key under the name
张三, so an intact signature by an unknown certificate is 完好但签名人未经确认, never 可信.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from core.common.messages import Msg
from core.pdf.signing import SigningError, certificate_subject, colon_hex, is_authority, key_certificate, profile_dir


@dataclass(frozen=True)
class Trusted:
    fingerprint: str  # SHA-256, colon hex
    subject: str  # common name (organisation)
    authority: bool  # a CA certificate: the certificates it issued are trusted
    path: Path
    certificate: object  # the certificate itself (asn1crypto), for the signature checks


def trust_dir(environ: Mapping[str, str] = os.environ) -> Path:
    return profile_dir(environ) / "trusted"


def _load_certificate(data: bytes):
    from asn1crypto import pem, x509
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    cert = x509.Certificate.load(data)
    cert.native  # parse it all now: a damaged file fails here, not later  # noqa: B018
    return cert


def _trusted(cert, path: Path) -> Trusted:
    return Trusted(colon_hex(cert.sha256), certificate_subject(cert), is_authority(cert), path, cert)


def trusted(folder: Path | None = None) -> list[Trusted]:
    """The trusted certificates, in fingerprint order; unreadable files are passed over."""
    folder = folder or trust_dir()
    found = []
    for path in sorted(folder.glob("*.cer")) if folder.is_dir() else ():
        try:
            cert = _load_certificate(path.read_bytes())
        except Exception:  # noqa: BLE001 - a damaged file trusts nobody
            continue
        found.append(_trusted(cert, path))
    return found


def trusted_certificates(folder: Path | None = None) -> list:
    """The certificates themselves (asn1crypto), for the signature checks."""
    return [t.certificate for t in trusted(folder)]


def certificates_in(path: Path) -> list:
    """The certificates a file holds: a certificate file (.cer, .crt, .pem, .der), or a signed PDF's
    signers'. Raises SigningError with one sentence when there is none."""
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        import io

        from pyhanko.pdf_utils.reader import PdfFileReader
        try:
            certs = [sig.signer_cert for sig in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures]
        except Exception:  # noqa: BLE001
            certs = []
        if not certs:
            raise SigningError(Msg.of("trust.no_certificate", file=path.name))
        return certs
    try:
        return [_load_certificate(data)]
    except Exception:  # noqa: BLE001
        raise SigningError(Msg.of("trust.no_certificate", file=path.name)) from None


def add_trusted(cert, folder: Path | None = None) -> Trusted:
    """Trust a certificate (asn1crypto): kept as <fingerprint>.cer, readable by its owner only."""
    folder = folder or trust_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{cert.sha256.hex()}.cer"
    if not target.exists():
        part = target.with_name(f".{target.name}.part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(cert.dump())
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, target)
    return _trusted(cert, target)


def _name(subject: str) -> str:
    """The person's name of a subject as shown (张三（吴江区人社局） -> 张三)."""
    return subject.split("（", 1)[0].strip()


def same_name_others(cert, trusted_now: Sequence[Trusted], registered: Iterable[tuple[str, str]] = ()) -> list[Msg]:
    """Before trusting `cert`: each other certificate under the same signer's name this computer already
    trusts or the year registered (`registered`: (fingerprint, subject) pairs), one sentence with its
    fingerprint — anyone can make a key under a leader's name, and the second one may be a forger's."""
    name = cert.subject.native.get("common_name", "")
    mine = colon_hex(cert.sha256)
    where: dict[str, set[str]] = {}
    for t in trusted_now:
        if t.fingerprint != mine and not t.authority and _name(t.subject) == name:
            where.setdefault(t.fingerprint, set()).add("trusted")
    for fingerprint, subject in registered:
        if colon_hex(fingerprint) != mine and _name(subject) == name:
            where.setdefault(colon_hex(fingerprint), set()).add("registered")
    return [Msg.of("trust.same_name_other", signer=name, other=other,
                   where=Msg.of("trust.where_" + ("both" if len(places) == 2 else next(iter(places)))))
            for other, places in where.items()]


def trust_own_key(key: Path, password: str, folder: Path | None = None) -> Trusted:
    """A key made or imported on this computer is its user's own: its signatures are trusted here."""
    return add_trusted(key_certificate(key, password), folder)


def remove_trusted(fingerprint: str, folder: Path | None = None) -> Trusted | None:
    """Stop trusting the certificate with this fingerprint (any spelling: colons, case); the one
    removed, or None when it was not trusted."""
    wanted = "".join(c for c in fingerprint if c.isalnum()).upper()
    for t in trusted(folder):
        if t.fingerprint.replace(":", "") == wanted:
            t.path.unlink(missing_ok=True)
            return t
    return None
