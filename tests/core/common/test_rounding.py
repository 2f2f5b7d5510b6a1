"""Numbers are shown as a bureau rounds them by hand, 四舍五入: a half goes up (away from zero), whether the
value is exact (a Fraction from the formulas) or a float typed or read from a workbook."""

from __future__ import annotations

from fractions import Fraction

import pytest

from core.common.messages import format_number, rounded
from core.excel.write import _number


@pytest.mark.parametrize(("value", "shown"), [
    (Fraction(82 * 82, 160), "42.03"),  # 2.2's 赋值 82 × 82 / 160 = 42.025: once shown 42.02
    (42.025, "42.03"), (2.675, "2.68"), (Fraction(-1, 200), "-0.01"), (Fraction(1, 3), "0.33"),
    (Fraction(47, 2), "23.5"), (12, "12"), (0.0, "0"), (116.5, "116.5"), (Fraction(-1, 1000), "0"),
])
def test_shown_values_are_rounded_half_up(value, shown):
    assert format_number(value) == shown


def test_the_summary_workbook_rounds_as_the_screens_do():
    assert rounded(Fraction(6724, 160)) == Fraction(4203, 100)
    assert _number(Fraction(6724, 160), 2) == 42.03 and _number(Fraction(170, 2), 2) == 85
