"""A peer check: python-stdnum (a test dependency, pinned in pyproject.toml) and the project's validators
agree on 100,000 generated ID numbers and 100,000 generated credit codes, except where a difference is
intended. Every disagreement is sorted into a documented kind; any other fails the test, and every
documented kind must occur (so the generator reaches it).

Intended differences, ID numbers (GB 11643):
  - future_birth: a birth after today is refused here; stdnum accepts any real date.
  - birth_before_1900: refused here (no holder alive); stdnum accepts it.
  - area_at_any_date: an area code that exists or existed is accepted whatever the birth year (people
    keep the code of their first registration); stdnum refuses a code not in use in the birth year.
  - area_lists_differ: the two lists of codes differ at the edges: ours is the 民政部 yearly lists
    1980–2024 with GB/T 2260's summary codes (resources/identifiers/area-codes.txt), stdnum's is taken
    from Wikipedia's tables; a code only one of them knows is accepted by that one only.
Intended differences, credit codes (GB 32100-2015; stdnum checks the length, the characters, digits in
positions 1–8 and the last character only):
  - organisation_check: the organisation code's GB 11714 check character (position 17) is checked here.
  - unknown_authority: a registration authority (position 1) the table does not know is refused here.
  - kind_not_of_authority: a kind (position 2) its authority does not have is refused here.
  - letter_authority: the authorities A, N and Y are letters; stdnum refuses any letter in positions 1–2.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path

import stdnum
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from core.common.area_codes import area_codes
from core.common.credit_codes import (
    USCC_ALPHABET,
    credit_code_problem,
    organisation_check_char,
    registration_table,
    uscc_check_char,
)
from core.common.identifiers import ID_CHECK_CHARS, id_check_char, id_number_error

COUNT = 100_000
TODAY = dt.date(2025, 6, 30)


def peer_area_codes() -> set[str]:
    """Every code in stdnum's list (cn/loc.dat: two-digit provinces, then four more digits)."""
    codes, province = set(), ""
    for line in (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines():
        if match := re.match(r"(\d\d) ", line):
            province = match.group(1)
        elif match := re.match(r"\s+(\d{4}) ", line):
            codes.add(province + match.group(1))
    return codes


def peer_accepts(number: str) -> bool:
    """stdnum's verdict. Its birth-place lookup raises KeyError (instead of refusing) for a known
    province with an unknown county; that is a refusal."""
    try:
        return ric.is_valid(number)
    except KeyError:
        return False


def generated_id_numbers(rng: random.Random, known: list[str]) -> list[str]:
    numbers = []
    for _ in range(COUNT):
        area = rng.choice(known) if rng.random() < 0.8 else f"{rng.randrange(1_000_000):06d}"
        if rng.random() < 0.9:
            birth = dt.date(1880, 1, 1) + dt.timedelta(days=rng.randrange(160 * 365))  # 1880 to 2040
            born = f"{birth:%Y%m%d}"
        else:  # a date that does not exist, or nearly
            born = f"{rng.randrange(1900, 2030)}{rng.randrange(0, 14):02d}{rng.randrange(0, 33):02d}"
        body = f"{area}{born}{rng.randrange(1000):03d}"
        check = id_check_char(body) if rng.random() < 0.85 else rng.choice(ID_CHECK_CHARS)
        numbers.append(body + check)
    return numbers


def test_id_numbers_agree_with_stdnum_except_the_documented_differences():
    ours_list, peers_list = area_codes(), peer_area_codes()
    rng = random.Random(20221)
    numbers = generated_id_numbers(rng, sorted(ours_list | peers_list))
    kinds: Counter[str] = Counter()
    for number in numbers:
        error = id_number_error(number, TODAY)
        if (error is None) == peer_accepts(number):
            kinds["agree"] += 1
            continue
        area, birth = number[:6], number[6:14]
        if error == "birth_range":
            kind = "future_birth" if birth > f"{TODAY:%Y%m%d}" else "birth_before_1900"
        elif error == "area":
            assert area in peers_list, number
            kind = "area_lists_differ"
        else:
            assert error is None, (number, error)  # stdnum refuses what is accepted here: why?
            if area not in peers_list:
                kind = "area_lists_differ"
            else:
                try:
                    ric.get_birth_place(number)
                except (ValidationError, KeyError):
                    kind = "area_at_any_date"
                else:
                    raise AssertionError(f"{number}: stdnum refuses it for another reason")
        kinds[kind] += 1
    assert set(kinds) == {"agree", "future_birth", "birth_before_1900", "area_at_any_date", "area_lists_differ"}
    assert kinds["agree"] > 0.5 * COUNT, kinds  # area_at_any_date is large: births span 1880–2040
    # the lists differ at the edges only: a few per cent of either
    assert len(peers_list - ours_list) < 0.02 * len(peers_list), sorted(peers_list - ours_list)
    assert len(ours_list - peers_list) < 0.05 * len(ours_list)


def generated_credit_codes(rng: random.Random) -> list[str]:
    table = registration_table()
    codes = []
    for _ in range(COUNT):
        if rng.random() < 0.85:
            authority = rng.choice(sorted(table))
            kinds = sorted(table[authority][1])
            kind = rng.choice(kinds) if rng.random() < 0.9 else rng.choice(USCC_ALPHABET)
        else:
            authority, kind = rng.choice(USCC_ALPHABET), rng.choice(USCC_ALPHABET)
        region = f"{rng.randrange(1_000_000):06d}" if rng.random() < 0.95 else \
            "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(8))
        organisation = organisation_check_char(body) if rng.random() < 0.8 else rng.choice("0123456789X")
        first17 = f"{authority}{kind}{region}{body}{organisation}"
        check = uscc_check_char(first17) if rng.random() < 0.85 else rng.choice(USCC_ALPHABET)
        codes.append(first17 + check)
    return codes


def test_credit_codes_agree_with_stdnum_except_the_documented_differences():
    rng = random.Random(32100)
    kinds: Counter[str] = Counter()
    for code in generated_credit_codes(rng):
        problem = credit_code_problem(code)
        if (problem is None) == uscc.is_valid(code):
            kinds["agree"] += 1
            continue
        if problem is None:  # accepted here, refused by stdnum: only a letter authority may be why
            assert code[0] in "ANY" and code[2:8].isdigit(), code
            kinds["letter_authority"] += 1
            continue
        kind = {"uscc.organisation": "organisation_check", "uscc.authority": "unknown_authority",
                "uscc.kind": "kind_not_of_authority"}.get(problem.code)
        assert kind is not None, (code, problem)
        kinds[kind] += 1
    assert set(kinds) == {"agree", "organisation_check", "unknown_authority", "kind_not_of_authority",
                          "letter_authority"}
    assert kinds["agree"] > 0.6 * COUNT, kinds
