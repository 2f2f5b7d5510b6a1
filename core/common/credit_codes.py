"""Unified social credit codes (统一社会信用代码, GB 32100-2015), checked as the standard defines them.

18 characters from 0–9 and A–Z without I, O, Z, S, V: the registration authority (1st) and the kind of
organisation (2nd) from resources/identifiers/credit-code-registration.toml; the registering office's
administrative division code (3rd–8th, six digits); the organisation code (9th–17th, GB 11714: eight
characters and its own check character); and the check character of the first 17 (18th).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Mapping

from core.common import tomlcache
from core.common.messages import Msg

REGISTRATION_FILE = Path(__file__).resolve().parents[2] / "resources" / "identifiers" / "credit-code-registration.toml"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997
_ORG_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


@cache
def registration_table() -> Mapping[str, tuple[str, Mapping[str, str]]]:
    """Registration authority code -> (its name, {kind code: kind name})."""
    data = tomlcache.loads(REGISTRATION_FILE.read_bytes().decode("utf-8"))
    return {code: (entry["name"], dict(entry["kinds"])) for code, entry in data["authorities"].items()}


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def organisation_check_char(body8: str) -> str:
    """GB 11714's check character of an organisation code's eight characters: 11 − (Σ value × weight
    mod 11), written X for 10 and 0 for 11."""
    value = 11 - sum(_ORG_VALUES[c] * w for c, w in zip(body8, ORG_WEIGHTS)) % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def with_check_chars(first16: str) -> str:
    """A code from its first 16 characters: the organisation code's check character and the code's
    own check character added (for making codes, e.g. in tests)."""
    first17 = first16 + organisation_check_char(first16[8:16])
    return first17 + uscc_check_char(first17)


def credit_code_problem(code: str) -> Msg | None:
    """None for a valid code, else what is wrong, first fault first (one Chinese sentence)."""
    if len(code) != 18:
        return Msg.of("uscc.length", length=len(code))
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return Msg.of("uscc.characters", characters=" ".join(bad))
    table = registration_table()
    authority = table.get(code[0])
    if authority is None:
        return Msg.of("uscc.authority", found=code[0], allowed="、".join(f"{k} {v[0]}" for k, v in table.items()))
    name, kinds = authority
    if code[1] not in kinds:
        return Msg.of("uscc.kind", found=code[1], authority=f"{code[0]} {name}",
                      allowed="、".join(f"{k} {v}" for k, v in kinds.items()))
    if not (code[2:8].isascii() and code[2:8].isdigit()):
        return Msg.of("uscc.region", region=code[2:8])
    expected = organisation_check_char(code[8:16])
    if code[16] != expected:
        return Msg.of("uscc.organisation", organisation=code[8:17], expected=expected)
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return Msg.of("uscc.check", expected=expected)
    return None


def is_valid_uscc(code: str) -> bool:
    return credit_code_problem(code) is None
