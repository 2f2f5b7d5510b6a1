"""Cryptographic signatures on the PDF documents, with pyHanko.

    info = create_key(profile_dir / "张三.p12", "张三", password, organisation="吴江区人社局")
    signer = load_signer(info.path, password)
    signed = signer.sign(built.pdf, built.signature_box, fonts=fonts, reason="考核评分表定稿")
    check = verify_pdf(signed, known=lambda fingerprint: ...)

Keys: an RSA key and a self-signed certificate made with `cryptography`, saved as a password-
protected PKCS#12 file in the user's profile folder (`default_key_dir()`, or any path the caller
gives) — never inside the year's dataset. A .p12 the bureau issued is imported by copying it
there after checking that the password opens it.

Signing adds a visible signature field (on the box the document reserved) whose stamp shows the
signer, the time and the certificate fingerprint in Chinese: pyHanko's stamp font must be a
single TrueType font, so the CJK face is cut down with fontTools to the few characters a stamp
needs and cached on disk.

Verifying reports, for each signature: intact (the signed bytes are unchanged and the signature
is valid), whether it covers the entire file (nothing was appended after signing), the signer,
the signing time, the certificate fingerprint, and whether that certificate is one the dataset
knows. Faults (no such key, wrong password, a file that exists) raise SigningError carrying a
Msg; a PDF that cannot be read or carries no signature is reported in the Verification.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.common import os_errors
from core.common.atomic import write_atomically
from core.common.messages import Msg, render
from core.common.places import APP_DIR_NAME, cache_dir, profile_dir
from core.common.problems import Problem
from core.pdf.fonts import FontFile, Fonts

FIELD_NAME = "LeyeSignature"
KEY_BITS = 2048
CERT_DAYS = 3650


class SigningError(Exception):
    def __init__(self, msg: Msg):
        self.msg = msg
        super().__init__(render(msg))

    @property
    def code(self) -> str:
        return self.msg.code


def t(code: str, **params) -> str:
    return render(Msg.of(code, **params))


def colon_hex(digest: bytes | str) -> str:
    """A SHA-256 fingerprint as printed: upper-case byte pairs joined by colons."""
    text = digest.hex() if isinstance(digest, bytes) else "".join(c for c in digest if c.isalnum())
    text = text.upper()
    return ":".join(text[i:i + 2] for i in range(0, len(text), 2))


# ------------------------------------------------------------------ where keys and caches live

def default_key_dir(environ: Mapping[str, str] = os.environ) -> Path:
    return profile_dir(environ) / "keys"


# ------------------------------------------------------------------ keys

@dataclass(frozen=True)
class KeyInfo:
    path: Path
    name: str  # the certificate's common name
    organisation: str
    fingerprint: str  # SHA-256 of the certificate, colon hex
    not_after: dt.datetime

    @property
    def subject(self) -> str:
        return subject_of(self.name, self.organisation)


def _private_write(path: Path, data: bytes) -> None:
    """Create the file (never replacing one) readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def create_key(path: str | Path, name: str, password: str, *, organisation: str = "",
               days: int = CERT_DAYS) -> KeyInfo:
    """A new RSA key and self-signed signing certificate for `name`, saved as a password-protected
    PKCS#12 file at `path` (which must not exist)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    path = Path(path)
    if not name.strip():
        raise SigningError(Msg.of("pdf.key_name_empty"))
    if not password:
        raise SigningError(Msg.of("pdf.key_password_empty"))
    if path.exists():
        raise SigningError(Msg.of("pdf.key_exists", file=str(path)))
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name.strip())]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    subject = x509.Name(attributes)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(name.strip().encode("utf-8"), key, cert, None,
                                                 serialization.BestAvailableEncryption(password.encode("utf-8")))
    try:
        _private_write(path, data)
    except FileExistsError:
        raise SigningError(Msg.of("pdf.key_exists", file=str(path))) from None
    except OSError as exc:
        raise SigningError(Msg.of("pdf.key_write_failed", file=str(path), detail=os_errors.reason(exc))) from None
    return key_info(path, password)


def _load(path: Path, password: str):
    from pyhanko.sign.signers import SimpleSigner
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SigningError(Msg.of("pdf.key_not_found", file=str(path))) from None
    except OSError as exc:
        raise SigningError(Msg.of("pdf.key_unreadable", file=str(path), detail=os_errors.reason(exc))) from None
    try:
        loaded = SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password.encode("utf-8"))
    except (ValueError, TypeError):
        raise SigningError(Msg.of("pdf.key_password_wrong", file=Path(path).name)) from None
    return _key_signer_class()(signing_key=loaded.signing_key, signing_cert=loaded.signing_cert,
                               cert_registry=loaded.cert_registry)


_KEY_SIGNER_CLASS = None


def _key_signer_class():
    """pyHanko's SimpleSigner re-reads (and re-validates) the private key for every raw signature,
    about 40 ms for RSA-2048, twice per PDF; this one reads it once."""
    global _KEY_SIGNER_CLASS
    if _KEY_SIGNER_CLASS is None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
        from pyhanko.sign.general import get_pyca_cryptography_hash
        from pyhanko.sign.signers import SimpleSigner

        class CachedKeySigner(SimpleSigner):
            _private_key = None

            def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
                mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
                try:
                    algo = mechanism.signature_algo
                except ValueError:
                    algo = mechanism["algorithm"].native
                if self._private_key is None:
                    self._private_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
                key = self._private_key
                if algo == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                    return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
                if algo == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                    return key.sign(data, signature_algorithm=ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
                return super().sign_raw(data, digest_algorithm)

        _KEY_SIGNER_CLASS = CachedKeySigner
    return _KEY_SIGNER_CLASS


def subject_of(name: str, organisation: str) -> str:
    """A signer as shown everywhere: 张三（吴江区人社局）, or the name alone."""
    return f"{name}（{organisation}）" if organisation else name


def certificate_subject(cert) -> str:
    subject = cert.subject.native
    return subject_of(subject.get("common_name", ""), subject.get("organization_name", ""))


def is_authority(cert) -> bool:
    """A CA certificate (basic constraints ca=true): the certificates it issued can be trusted through it."""
    constraints = cert.basic_constraints_value
    return bool(constraints is not None and constraints.native.get("ca"))


def _info(path: Path, cert) -> KeyInfo:
    subject = cert.subject.native
    return KeyInfo(Path(path), subject.get("common_name", ""), subject.get("organization_name", ""),
                   colon_hex(cert.sha256), cert.not_valid_after)


def key_certificate(path: str | Path, password: str):
    """The key's own certificate (asn1crypto), e.g. to trust it on this computer."""
    return _load(Path(path), password).signing_cert


def key_info(path: str | Path, password: str) -> KeyInfo:
    return _info(Path(path), _load(Path(path), password).signing_cert)


def import_key(source: str | Path, key_dir: str | Path, password: str) -> KeyInfo:
    """Copy a .p12 (e.g. one the bureau issued) into the key folder after checking the password opens
    it; an existing file of the same name is never replaced."""
    source = Path(source)
    key_info(source, password)
    target = Path(key_dir) / source.name
    if target.exists():
        raise SigningError(Msg.of("pdf.key_exists", file=str(target)))
    try:
        _private_write(target, source.read_bytes())
    except FileExistsError:
        raise SigningError(Msg.of("pdf.key_exists", file=str(target))) from None
    except OSError as exc:
        raise SigningError(Msg.of("pdf.key_write_failed", file=str(target), detail=os_errors.reason(exc))) from None
    return key_info(target, password)


# ------------------------------------------------------------------ the stamp's font

TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"  # a signing time as the stamp prints it and verifying tells it
SIGNING_TIME = "\x00signing time\x00"  # where the stamp's text takes the signature's own time
STAMP_ASCII = "".join(chr(c) for c in range(32, 127))


def stamp_font(font: FontFile, chars: str, folder: Path | None = None) -> Path:
    """A small single TrueType font with just `chars` (plus printable ASCII) cut from a CJK font
    (pyHanko's stamp cannot use a .ttc collection, and a whole CJK font is slow to subset on every
    signature). Cached on disk by font and characters."""
    wanted = "".join(sorted(set(chars) | set(STAMP_ASCII)))
    stat = font.path.stat()
    key = hashlib.sha256(f"{font.path}|{font.index}|{stat.st_size}|{stat.st_mtime_ns}|{wanted}".encode()).hexdigest()
    for base in ([folder] if folder else [cache_dir() / "stamp-fonts", Path(tempfile.gettempdir()) / APP_DIR_NAME]):
        target = base / f"{key[:24]}.ttf"
        if target.is_file():
            return target
        try:
            base.mkdir(parents=True, exist_ok=True)
            _subset_font(font, wanted, target)
            return target
        except OSError:
            continue
    raise SigningError(Msg.of("pdf.stamp_font_failed", font=str(font.path)))


def _subset_font(font: FontFile, chars: str, target: Path) -> None:
    from fontTools.ttLib import TTCollection, TTFont

    source = TTCollection(str(font.path), lazy=True) if font.path.suffix.lower() == ".ttc" \
        else TTFont(str(font.path), lazy=True)
    try:
        ttf = source.fonts[font.index] if isinstance(source, TTCollection) else source
        _subset_into(ttf, chars, target)
    finally:
        source.close()  # lazy fonts keep their file open (and locked, on Windows) until closed


def _subset_into(ttf, chars: str, target: Path) -> None:
    from fontTools import subset

    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["BDF", "FFTM", "EBDT", "EBLC", "EBSC"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(ttf)
    write_atomically(target, lambda part: ttf.save(str(part)), durable=False)  # a cache: made again when lost


def _stamp_font_factory(font_file: Path):
    """pyHanko's font factory, given the font's bytes: its own opens the file and never closes it
    (a file handle lost per signature, and the cached font locked on Windows)."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    class InMemory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None):
            from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(Path(self.font_file).read_bytes()),
                                    font_size=self.font_size, ot_script_tag=self.ot_script_tag,
                                    ot_language_tag=self.ot_language_tag, writing_direction=self.writing_direction,
                                    bcp47_lang_code=self.bcp47_lang_code, obj_stream=obj_stream)

    return InMemory(str(font_file))


# ------------------------------------------------------------------ signing

class KeySigner:
    """A key loaded from its PKCS#12 file, ready to sign PDFs."""

    def __init__(self, path: Path, signer) -> None:
        self.path = path
        self._signer = signer
        self.info = _info(path, signer.signing_cert)
        self._stamp_fonts: dict[str, Path] = {}

    @property
    def fingerprint(self) -> str:
        return self.info.fingerprint

    def _stamp_font(self, font: FontFile, text: str) -> Path:
        labels = "".join(sorted(set(text) - set(STAMP_ASCII)))
        if labels not in self._stamp_fonts:
            self._stamp_fonts[labels] = stamp_font(font, labels)
        return self._stamp_fonts[labels]

    def sign(self, pdf: bytes, box: tuple[int, tuple[float, float, float, float]] | None, *, fonts: Fonts,
             reason: str = "", location: str = "") -> bytes:
        """The PDF with a signature added as an incremental update; visible in `box` when given."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.text import TextBoxStyle
        from pyhanko.sign import fields, signers
        from pyhanko.stamp import TextStampStyle

        # The stamp prints pyHanko's own signing time (%(ts)s), the moment the signature carries and verifying
        # shows: a time taken here would be another, a second off at times.
        text = t("pdf.stamp", name=self.info.name, time=SIGNING_TIME, fingerprint=self.fingerprint[:23])
        labels = t("pdf.stamp", name=self.info.name, time="", fingerprint="")
        font_file = self._stamp_font(fonts.heading_file, labels)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if box is not None:
            page, rect = box
            fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, on_page=page, box=rect))
        else:
            fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME))
        style = TextStampStyle(stamp_text=text.replace("%", "%%").replace(SIGNING_TIME, "%(ts)s"), border_width=0,
                               timestamp_format=TIME_FORMAT,
                               text_box_style=TextBoxStyle(font=_stamp_font_factory(font_file),
                                                           font_size=9, leading=13))
        meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, reason=reason or None,
                                            location=location or None, md_algorithm="sha256")
        out = io.BytesIO()
        signers.PdfSigner(meta, signer=self._signer, stamp_style=style).sign_pdf(
            writer, output=out, bytes_reserved=self._reserve())
        return out.getvalue()

    def _reserve(self) -> int:
        """Room for the signature container: the certificates it embeds, the signature and the signed
        attributes, with a margin (saves pyHanko's trial signature that estimates it)."""
        certs = [self._signer.signing_cert] + list(self._signer.cert_registry)
        size = 6144 + sum(len(c.dump()) for c in certs)
        return size + size % 2  # pyHanko wants an even number (a bureau key with its CA chain can make it odd)


def load_signer(path: str | Path, password: str) -> KeySigner:
    path = Path(path)
    return KeySigner(path, _load(path, password))


# ------------------------------------------------------------------ verifying

@dataclass(frozen=True)
class SignatureCheck:
    field: str
    intact: bool  # the signed bytes are unchanged and the signature over them is valid
    whole_file: bool  # the signature covers the entire file: nothing was added after signing
    accepted_update: bool  # pyHanko's analysis accepts what was added after (e.g. a later signature)
    signer: str
    organisation: str
    signed_at: dt.datetime | None
    fingerprint: str  # colon hex
    known: bool | None  # the certificate is one the dataset knows (None: no dataset to ask)
    reason: str = ""
    location: str = ""
    trusted: bool | None = None  # the user trusts the signer (core/pdf/trust.py); None: not asked
    authority: str = ""  # the trusted issuing authority the certificate chains to, if that is why

    @property
    def subject(self) -> str:
        return subject_of(self.signer, self.organisation)

    @property
    def unchanged(self) -> bool:
        return self.intact and (self.whole_file or self.accepted_update)


@dataclass(frozen=True)
class Verification:
    file: str
    signatures: tuple[SignatureCheck, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def signature_lost(self) -> bool:
        """The document shows an electronic signature that no longer holds (saved again after signing)."""
        return any(p.message.code == "pdf.verify_signature_lost" for p in self.problems)

    @property
    def intact(self) -> bool:
        """Every signature intact, the last one covering the entire file."""
        if self.problems or not self.signatures:
            return False
        return all(s.unchanged for s in self.signatures[:-1]) and self.signatures[-1].intact \
            and self.signatures[-1].whole_file

    @property
    def known(self) -> bool | None:
        if not self.signatures or any(s.known is None for s in self.signatures):
            return None
        return all(s.known for s in self.signatures)

    @property
    def trusted(self) -> bool | None:
        """Every signer trusted (None when trust was not asked)."""
        if not self.signatures or any(s.trusted is None for s in self.signatures):
            return None
        return all(s.trusted for s in self.signatures)


def _trust_of(sig, fingerprint: str, trusted: Sequence | None) -> tuple[bool | None, str]:
    """(whether the user trusts the signer, the authority that makes it so): its own certificate
    trusted, or one chaining to a trusted issuing authority. (None, "") when trust was not asked."""
    if trusted is None:
        return None, ""
    if fingerprint and fingerprint in {colon_hex(c.sha256) for c in trusted}:
        return True, ""
    authorities = [c for c in trusted if is_authority(c)]
    if not authorities or not fingerprint:
        return False, ""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    try:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=authorities, allow_fetching=False))
        if status.trusted:
            issuer = sig.signer_cert.issuer.native.get("common_name", "")
            return True, issuer
    except Exception:  # noqa: BLE001 - no path to a trusted authority
        pass
    return False, ""


def verify_pdf(data: bytes, *, name: str = "", known: Callable[[str], bool] | None = None,
               trusted: Sequence | None = None) -> Verification:
    """Check every signature of a PDF. `known(fingerprint)` says whether the dataset knows a
    certificate; `trusted` are the certificates the user trusts (core/pdf/trust.py), and with them each
    signature says whether its signer is trusted."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    problem = lambda code, **kw: Problem(name, "", "", Msg.of(code, file=name, **kw))  # noqa: E731
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        return Verification(name, (), (problem("pdf.verify_unreadable"),))
    if not embedded:
        lost = _shows_signature(reader) or b"/ByteRange" in data
        return Verification(name, (), (problem("pdf.verify_signature_lost" if lost else "pdf.verify_unsigned"),))
    checks = []
    for sig in embedded:
        try:
            cert = sig.signer_cert
            subject = cert.subject.native
            fingerprint = colon_hex(cert.sha256)
        except Exception:  # the signature container is damaged: nobody can be named
            subject, fingerprint = {}, ""
        try:
            status = validate_pdf_signature(sig, ValidationContext(trust_roots=[sig.signer_cert],
                                                                   allow_fetching=False))
            intact, valid = bool(status.intact), bool(status.valid)
            whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            accepted = bool(status.bottom_line) and status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
            signed_at = status.signer_reported_dt
        except Exception:  # a damaged signature dictionary or CMS blob: not intact, say so
            intact = valid = whole = accepted = False
            signed_at = None
        try:
            sig_object = sig.sig_object
            reason, location = str(sig_object.get("/Reason", "")), str(sig_object.get("/Location", ""))
        except Exception:
            reason = location = ""
        is_trusted, authority = _trust_of(sig, fingerprint, trusted)
        checks.append(SignatureCheck(
            field=sig.field_name or "", intact=intact and valid, whole_file=whole, accepted_update=accepted,
            signer=subject.get("common_name", ""), organisation=subject.get("organization_name", ""),
            signed_at=signed_at, fingerprint=fingerprint,
            known=None if known is None or not fingerprint else bool(known(fingerprint)),
            reason=reason, location=location, trusted=is_trusted, authority=authority))
    return Verification(name, tuple(checks))


def _shows_signature(reader) -> bool:
    """Whether a page still holds a signature's widget (the visible stamp) though the document's form no longer
    names it as a signature: the file was saved again by another program (the signature no longer holds)."""
    try:
        pages, seen = [reader.root["/Pages"]], set()
        while pages:
            node = pages.pop().get_object()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if "/Kids" in node:
                pages.extend(node["/Kids"])
                continue
            for annotation in node.get("/Annots") or ():
                widget = annotation.get_object()
                field = widget.get("/Parent").get_object() if "/Parent" in widget else widget
                if widget.get("/FT", field.get("/FT")) == "/Sig" or widget.get("/T", field.get("/T")) == FIELD_NAME:
                    return True
    except Exception:  # noqa: BLE001 - a damaged page tree: nothing more to be said of a stamp
        return False
    return False


def carries_signature(path: Path) -> bool:
    """Whether the file is a PDF with an electronic signature in it (a file that cannot be read or parsed
    counts as signed when it holds a signature's byte range: writing over it must not be risked)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    try:
        data = path.read_bytes()
    except OSError:
        return False
    try:
        return bool(list(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures))
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        return b"/ByteRange" in data


def signer_identity(s: SignatureCheck) -> Msg | None:
    """Whether this computer trusts the signer, the one answer the command line and the verify dialog give (None:
    trust not asked). It follows the certificate, intact document or not — an altered sheet signed with a trusted
    key is still that signer's certificate — and a broken signature is no occasion to invite trusting one. Trust
    is the user's own (core/pdf/trust.py): run under another user's profile, the same file's signer can be
    unconfirmed there."""
    if s.trusted is None:
        return None
    if s.trusted:
        if s.authority:
            return Msg.of("pdf.identity_trusted_by", authority=s.authority)
        return Msg.of("pdf.identity_trusted")
    return Msg.of("pdf.identity_untrusted" if s.intact else "pdf.identity_untrusted_broken", signer=s.signer)


def verification_lines(v: Verification, dataset: str | None = None) -> list[str]:
    """The verification as the command line and the verify dialog show it."""
    lines = []
    if v.problems:
        return [render(p.message) for p in v.problems]
    if not v.intact:
        lines.append(t("pdf.verify_modified", file=v.file))
    elif v.trusted is None:
        lines.append(t("pdf.verify_intact", file=v.file))
    else:
        lines.append(t("pdf.verify_intact_trusted" if v.trusted else "pdf.verify_intact_untrusted", file=v.file))
    for i, s in enumerate(v.signatures, start=1):
        state = (t("pdf.verify_sig_intact") if s.intact and s.whole_file else
                 t("pdf.verify_sig_appended") if s.intact else t("pdf.verify_sig_broken"))
        lines.append(t("pdf.verify_signature", n=i, state=state))
        lines.append(t("pdf.verify_signer", signer=s.subject))
        when = s.signed_at.astimezone().strftime(TIME_FORMAT) if s.signed_at else "—"
        lines.append(t("pdf.verify_time", time=when))
        lines.append(t("pdf.verify_fingerprint", fingerprint=s.fingerprint))
        identity = signer_identity(s)
        if identity is not None:
            lines.append(t("pdf.verify_identity", identity=identity))
        if s.reason:
            lines.append(t("pdf.verify_reason", reason=s.reason))
        if s.known is None:
            lines.append(t("pdf.verify_known_unchecked"))
        elif s.known:
            lines.append(t("pdf.verify_known", dataset=dataset or ""))
        else:
            lines.append(t("pdf.verify_unknown", dataset=dataset or ""))
    return lines


def quiet_libraries() -> None:
    """pyHanko and fontTools log warnings about damaged or unusual files; the command line and the
    desktop report their own verdict instead (a NullHandler keeps Python's last-resort printer away)."""
    for name in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())
        logger.propagate = False
