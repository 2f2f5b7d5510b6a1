"""Resident ID numbers (GB 11643-1999): area code, check character, birth date, 15-digit numbers,
masking; unified social credit codes (GB 32100-2015), each fault named."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.common.identifiers import (
    ID_CHECK_CHARS,
    ID_WEIGHTS,
    check_id_number,
    id_check_char,
    id_check_char_by_weights,
    id_from_15,
    id_number_error,
    is_valid_id_number,
    mask_id_number,
    normalise_id_number,
    valid_births,
)

TODAY = dt.date(2023, 3, 1)


def test_the_standard_example():
    # GB 11643-1999, annex: 11010519491231002X
    assert id_check_char("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X", TODAY)
    assert check_id_number("11010519491231002X", TODAY).birth == dt.date(1949, 12, 31)


def test_the_weights_are_the_standard_ones():
    assert ID_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert ID_CHECK_CHARS == "10X98765432"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_fast_check_char_equals_the_weighted_sum(first17):
    assert id_check_char(first17) == id_check_char_by_weights(first17)


@pytest.mark.parametrize("text, error", [
    ("11010519491231002X", None),
    ("11010519491231002x", None),  # lower-case x
    (" 110105 19491231 002X ", None),  # spaces
    ("１１０１０５１９４９１２３１００２Ｘ", None),  # full-width
    ("110105194912310021", "check_digit"),
    ("11010519491232002X", "birth_date"),  # 31 December exists, 32 does not
    ("110105189912310020", "birth_range"),  # before 1900
    ("110105203001010020", "birth_range"),  # in the future
    ("1101051949123100", "length"),
    ("11010519491231002Y", "characters"),
    ("1101051949123100X2", "characters"),
    ("000000199001010018", "area"),  # never an administrative division code
    ("999999199001010016", "area"),
    ("320584199001010017", None),  # 吴江市, withdrawn in 2012: people keep the code of their registration
    ("320509199001010017", None),  # 吴江区, its code since 2012
    ("440301199001010012", None),  # 深圳市市辖区, a summary code of GB/T 2260
])
def test_check(text, error):
    assert check_id_number(text, TODAY).error == error


def test_a_wrong_check_character_names_the_right_one():
    result = check_id_number("110105194912310021", TODAY)
    assert result.error == "check_digit" and result.expected == "X"


def test_fifteen_digit_numbers_are_converted_to_eighteen():
    # 15-digit: region 110105, birth 491231 (1949), sequence 002, no check character
    result = check_id_number("110105491231002", TODAY)
    assert result.error is None
    assert result.number == "11010519491231002X" == id_from_15("110105491231002")
    assert result.converted_from == "110105491231002"
    assert not is_valid_id_number("110105491231002", TODAY)  # valid only once converted


def test_a_fifteen_digit_number_with_an_impossible_birth_date():
    assert check_id_number("110105491331002", TODAY).error == "birth_date"


def test_normalise():
    assert normalise_id_number("  11010519491231002x\u3000") == "11010519491231002X"


def test_masking_shows_the_first_six_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("110105491231002") == "110105*****1002"
    assert mask_id_number("12345") == "*****"


def test_the_bulk_check_agrees_with_the_full_check():
    for text in ("11010519491231002X", "110105194912310021", "11010519491232002X", "110105203001010020"):
        assert id_number_error(text, TODAY) == check_id_number(text, TODAY).error


def test_valid_births_cover_1900_to_today_with_leap_days():
    births = valid_births(dt.date(2000, 2, 29))
    assert "19000101" in births and "20000229" in births and "19000229" not in births
    assert "20000301" not in births and "19960229" in births and "19970229" not in births
    day, count = dt.date(1900, 1, 1), 0
    while day <= dt.date(2000, 2, 29):
        count += 1
        day += dt.timedelta(days=1)
    assert len(births) == count


# ------------------------------------------------------------------ area codes (GB/T 2260)

from core.common.area_codes import AREA_CODES_FILE, area_codes  # noqa: E402


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


def test_the_area_codes_are_shipped_with_their_sources_and_include_withdrawn_codes():
    header = [line for line in AREA_CODES_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    text = "\n".join(header)
    for source in ("github.com/yescallop/areacodes", "CC0", "github.com/madokast/xzqh", "MIT", "Copyright (c) 2024 madokast"):
        assert source in text
    codes = area_codes()
    assert f"# {len(codes)} codes in all." in header
    assert {"110101", "320500", "320509", "320584", "320525", "110103", "810000", "820000", "830000"} <= codes
    assert "000000" not in codes and "999999" not in codes and "320599" not in codes
    assert 6500 < len(codes) < 8000 and all(len(c) == 6 and c.isdigit() for c in codes)


@given(st.sampled_from(sorted(area_codes())),
       st.dates(dt.date(1900, 1, 1), TODAY), st.integers(0, 999))
def test_every_known_area_code_is_accepted(area, birth, sequence):
    assert id_number_error(with_check(f"{area}{birth:%Y%m%d}{sequence:03d}"), TODAY) is None


# ------------------------------------------------------------------ credit codes (GB 32100-2015)

from core.common.credit_codes import (  # noqa: E402
    credit_code_problem,
    is_valid_uscc,
    organisation_check_char,
    registration_table,
    uscc_check_char,
    with_check_chars,
)
from core.common.messages import render  # noqa: E402


def test_real_codes_pass_and_the_standard_parts_are_checked():
    for code in ("91320509MA1MK3R593", "91320584756423185B", "913205847317865291", "91350100M000100Y43"):
        assert credit_code_problem(code) is None, (code, render(credit_code_problem(code)))


@pytest.mark.parametrize("code, problem", [
    ("91320509MA1MK3R59", "应为18位，现为 17 位"),
    ("91320509MA1MK3RI93", "含有不允许的字符 I"),
    ("B1320509MA1MK3R593", "第1位登记管理部门代码“B”不存在"),
    ("94320509MA1MK3R593", "第2位机构类别代码“4”不是登记管理部门“9 工商”的机构类别（应为 1 企业、2 个体工商户、3 农民专业合作社）"),
    ("9132A509MA1MK3R593", "第3至8位登记管理机关行政区划码“32A509”应为6位数字"),
    ("91320509MA1MK3R493", "第9至17位组织机构代码“MA1MK3R49”的校验码错误（按 GB 11714 最后一位应为 0）"),
    ("91320509MA1MK3R594", "第18位校验码错误（按前17位计算应为 3）"),
])
def test_each_fault_is_named(code, problem):
    found = credit_code_problem(code)
    assert found is not None and render(found).startswith(problem), render(found) if found else None
    assert not is_valid_uscc(code)


def test_every_registration_authority_and_kind_of_the_table_makes_valid_codes():
    table = registration_table()
    assert set(table) == set("123456789ANY")
    assert table["9"] == ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"})
    for authority, (_, kinds) in table.items():
        for kind in kinds:
            assert is_valid_uscc(with_check_chars(f"{authority}{kind}320509MA1MK3R5"))


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))
def test_the_organisation_check_follows_gb_11714(body):
    value = 11 - sum(int(c, 36) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    assert organisation_check_char(body) == {10: "X", 11: "0"}.get(value, str(value))
    code = with_check_chars("91320509" + body)
    assert code[16] == organisation_check_char(body) and code[17] == uscc_check_char(code[:17])
