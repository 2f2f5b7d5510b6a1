"""Resident ID numbers (GB 11643-1999): check character, birth date, 15-digit numbers, masking."""

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from core.identifiers import (ID_CHECK_CHARS, ID_WEIGHTS, check_id_number, id_check_char, id_check_char_by_weights,
                              id_from_15, id_number_error, is_valid_id_number, mask_id_number, normalise_id_number,
                              valid_births)

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
