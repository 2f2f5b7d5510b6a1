"""The ways people write a date (2022-10-15, 2022/10/15, 2022.10.15, 20221015, 2022年10月15日 or 15号),
read into a date: one reading for the Excel checks and the desktop's date cells; months named in Chinese numerals
(五月) in digits; and the whole months between two."""

from __future__ import annotations

import datetime as dt
import re

DATE_TEXT = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
                       r"(?:[\sT]+\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?\s*")
DATE_DIGITS = re.compile(r"\s*(\d{4})(\d{2})(\d{2})\s*")

# Full-width forms (what a Chinese input method types: ２０２２－０３－０１) to the ASCII they stand for, and the
# ideographic space to a space; nothing else changes (circled, superscript or other scripts' digits stay as written).
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# A month named in Chinese numerals (五月, 十一月, 十二月份), not part of a longer numeral (二十月)
_NUMERAL_MONTH = re.compile(r"(?<![〇零一二三四五六七八九十])(十[一二]|[一二三四五六七八九十])(?=\s*月)")
_NUMERALS = {word: str(n) for n, word in enumerate("一二三四五六七八九十", start=1)} | {"十一": "11", "十二": "12"}


def half_width(text: str) -> str:
    """The text with its full-width letters, digits and marks made ASCII (the ideographic space a space)."""
    return text if text.isascii() else text.translate(_HALF_WIDTH)


def has_full_width(text: str) -> bool:
    """Whether the text has a full-width letter, digit or mark (an ideographic space is no matter: it is a space)."""
    return not text.isascii() and any(0xFF01 <= ord(c) <= 0xFF5E for c in text)


def month_numerals(text: str) -> str:
    """The text with its months named in Chinese numerals written in digits: 五月 as 5月, 十一月份 as 11月份."""
    return _NUMERAL_MONTH.sub(lambda found: _NUMERALS[found[1]], text)


def parse_date(text: str) -> dt.date | None:
    """The date the text writes (full-width digits and marks read as ASCII), or None when it writes no real date
    (2022-02-30 is none)."""
    text = half_width(text)
    found = DATE_TEXT.fullmatch(text) or DATE_DIGITS.fullmatch(text)
    if found is None or not (found[1] + found[2] + found[3]).isascii():  # another script's digits: no date typed
        return None
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def months_between(start: dt.date, end: dt.date, *, both_days: bool = True) -> int:
    """Whole months from start to end. With `both_days` (the reading `months_counting` = both_days) both days
    count, as a roster's 起止日期 are written: 2022-07-01 to 2022-12-31 is six months (2022-01-15 to 2022-07-14:
    6; to 2022-07-13: 5). Without, the months elapsed from one date to the other: 2022-07-01 to 2022-12-31 is
    five, to 2023-01-01 six."""
    after = end + dt.timedelta(days=1) if both_days else end  # the first day no longer in the period
    months = (after.year - start.year) * 12 + after.month - start.month
    return months - 1 if after.day < start.day else months
