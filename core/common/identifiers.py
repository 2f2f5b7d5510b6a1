"""Resident ID numbers (公民身份号码, GB 11643-1999): the area code (GB/T 2260, core.common.area_codes), the
birth date and the check character; and masking them wherever they appear. Credit codes: core.common.credit_codes."""

from __future__ import annotations

import datetime as _dt
import functools as _functools
import re as _re
import unicodedata as _unicodedata
from dataclasses import dataclass

from core.common.area_codes import area_codes

# GB 11643-1999: citizen identification number (公民身份号码), 18 characters: 6-digit region,
# 8-digit birth date, 3-digit sequence, check character. The older 15-digit number (GB 11643-1989)
# has a 6-digit birth date without the century and no check character.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_EARLIEST_BIRTH = _dt.date(1900, 1, 1)
_SPACES = str.maketrans("", "", " \t\r\n\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff")


def id_check_char(first17: str) -> str:
    """The check character of the first 17 digits (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).

    The weight of digit i is 2**(17 - i) mod 11, and 13 = 2 (mod 11), so the weighted sum is
    2 × (the digits read as a base-13 number) mod 11: one int() call instead of a Python loop.
    """
    return ID_CHECK_CHARS[(2 * int(first17, 13)) % 11]


def id_check_char_by_weights(first17: str) -> str:
    """The same check character, computed literally from the standard's weight table."""
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def normalise_id_number(text: str) -> str:
    """Full-width characters to ASCII, spaces removed, a lower-case check 'x' made 'X'."""
    if not text.isascii():
        text = _unicodedata.normalize("NFKC", text)
    return text.translate(_SPACES).upper()


@dataclass(frozen=True, slots=True)
class IdNumberCheck:
    """The verdict on one ID number. `number` is the 18-character form ("" when unusable);
    `error` is None when valid, else one of: "length", "characters", "check_digit",
    "birth_date" (no such day), "birth_range" (before 1900 or in the future), "area" (the first six
    digits are no administrative division code that exists or existed)."""

    number: str
    error: str | None = None
    converted_from: str = ""  # the 15-digit number this one was converted from
    expected: str = ""  # the correct check character, when error == "check_digit"
    birth: _dt.date | None = None


_BIRTHS: dict[str, _dt.date | None] = {}  # "YYYYMMDD" -> date (None: no such day); a few 10,000 keys


def _birth(yyyymmdd: str) -> _dt.date | None:
    try:
        return _BIRTHS[yyyymmdd]
    except KeyError:
        pass
    try:
        day = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        day = None
    if len(_BIRTHS) < 200_000:
        _BIRTHS[yyyymmdd] = day
    return day


def id_from_15(old: str) -> str:
    """The 18-digit form of a 15-digit legacy number: century '19' inserted, check char added."""
    body = old[:6] + "19" + old[6:]
    return body + id_check_char(body)


def check_id_number(text: str, today: _dt.date | None = None) -> IdNumberCheck:
    """Check (and normalise) a resident ID number; 15-digit numbers are converted to 18."""
    number = normalise_id_number(text)
    converted_from = ""
    if len(number) == 15:
        if not (number.isascii() and number.isdigit()):
            return IdNumberCheck("", "characters")
        converted_from, number = number, id_from_15(number)
    elif len(number) != 18:
        return IdNumberCheck("", "length")
    body = number[:17]
    error = id_number_error(number, today or _dt.date.today())
    if error == "check_digit":
        return IdNumberCheck("", error, converted_from, id_check_char(body), _birth(number[6:14]))
    if error is not None:
        return IdNumberCheck("", error, converted_from, birth=_birth(number[6:14]))
    return IdNumberCheck(number, None, converted_from, birth=_birth(number[6:14]))


def id_number_error(number: str, today: _dt.date) -> str | None:
    """The fast path for bulk checks: the error of an already normalised 18-character number, or
    None when it is valid (same error names as IdNumberCheck)."""
    if len(number) != 18:
        return "length"
    body = number[:17]
    if not (body.isascii() and body.isdigit()) or number[17] not in "0123456789X":
        return "characters"
    birth = _birth(number[6:14])
    if birth is None:
        return "birth_date"
    if birth < ID_EARLIEST_BIRTH or birth > today:
        return "birth_range"
    if ID_CHECK_CHARS[(2 * int(body, 13)) % 11] != number[17]:
        return "check_digit"
    if number[:6] not in area_codes():
        return "area"
    return None


def is_valid_id_number(text: str, today: _dt.date | None = None) -> bool:
    """True for a valid 18-character number (15-digit legacy numbers are not, until converted)."""
    return len(normalise_id_number(text)) == 18 and check_id_number(text, today).error is None


# An ID number as people write it anywhere in a text: 15 or more digits (half- or full-width; a
# number typed with a digit too many still holds the person's number whole), the last one maybe an
# X, with up to two spaces (any kind) or hyphens between them; whether its check digit is right does
# not matter: it is still a person's number.
_ID_SEPARATORS = " \u00a0\u2002\u2003\u2009\u3000-"
_ID_SHAPED = _re.compile(rf"(?<![0-9０-９])(?:[0-9０-９][{_ID_SEPARATORS}]{{0,2}}){{14,}}[0-9０-９XxＸｘ](?![0-9０-９])")


def mask_id_like(text: str) -> str:
    """The text with every ID-shaped sequence masked as mask_id_number masks one (first 6 and last
    4 digits shown, separators kept); nothing else changes."""
    def masked(found: "_re.Match[str]") -> str:
        chars = list(found.group())
        places = [i for i, c in enumerate(chars) if c not in _ID_SEPARATORS]
        for i in places[6:-4]:
            chars[i] = "*"
        return "".join(chars)
    return _ID_SHAPED.sub(masked, text) if isinstance(text, str) else text


def mask_id_number(text: str, shown_first: int = 6, shown_last: int = 4) -> str:
    """The number with all but the first 6 and last 4 characters replaced by '*'."""
    if len(text) <= shown_first + shown_last:
        return "*" * len(text)
    return text[:shown_first] + "*" * (len(text) - shown_first - shown_last) + text[-shown_last:]


@_functools.lru_cache(maxsize=2)
def valid_births(today: _dt.date) -> frozenset[str]:
    """Every birth date "YYYYMMDD" an ID number may hold on `today` (1900-01-01 to today), for bulk
    checks: one set lookup instead of parsing and comparing a date."""
    lengths = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    common = [f"{m:02d}{d:02d}" for m, n in enumerate(lengths, 1) for d in range(1, n + 1)]
    leap = common[:59] + ["0229"] + common[59:]
    births = []
    for year in range(ID_EARLIEST_BIRTH.year, today.year + 1):
        is_leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        prefix = str(year)
        births += [prefix + md for md in (leap if is_leap else common)]
    last = today.strftime("%Y%m%d")
    return frozenset(b for b in births if b <= last) if births[-1] > last else frozenset(births)
