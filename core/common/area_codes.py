"""Administrative division codes (GB/T 2260) that exist or have existed since 1980, as shipped in
resources/identifiers/area-codes.txt (made by scripts/make-area-codes.py; sources and dates in its
header): the codes the first six digits of an ID number may hold."""

from __future__ import annotations

from functools import cache
from pathlib import Path

AREA_CODES_FILE = Path(__file__).resolve().parents[2] / "resources" / "identifiers" / "area-codes.txt"


@cache
def area_codes() -> frozenset[str]:
    codes = []
    for line in AREA_CODES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            prefix, *tails = line.split()
            codes += [prefix + tail for tail in tails]
    return frozenset(codes)
