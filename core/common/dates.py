"""The ways people write a date (2022-10-15, 2022/10/15, 2022.10.15, 20221015, 2022年10月15日 or 15号),
read into a date: one reading for the Excel checks and the desktop's date cells."""

from __future__ import annotations

import datetime as dt
import re

DATE_TEXT = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
                       r"(?:[\sT]+\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?\s*")
DATE_DIGITS = re.compile(r"\s*(\d{4})(\d{2})(\d{2})\s*")


def parse_date(text: str) -> dt.date | None:
    """The date the text writes, or None when it writes no real date (2022-02-30 is none)."""
    found = DATE_TEXT.fullmatch(text) or DATE_DIGITS.fullmatch(text)
    if found is None:
        return None
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None
