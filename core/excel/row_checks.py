"""Checks of a sheet's rows that look past the cell alone (core/excel/check.py calls them): a month that disagrees
with the sheet's name or lies outside the assessment year, a row hidden in Excel, cells written in full-width forms,
a 性别 the ID number contradicts, a 联系电话 no phone has and a 姓名 with spaces inside or a remark in brackets.

Nothing here is converted quietly: a month that cannot be right is a problem of its row (left out unless the
assessor corrects it); a hidden row, a full-width cell read as ASCII, a doubtful 性别 or 联系电话 are each said in
a note (the rules count people by the ID number, so those cells keep no one out). A space inside a Chinese name
(“张　三”, typed to line two-character names up with three-character ones) is taken out, and said.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress, count
from operator import not_
from typing import Any

from core.common.dates import month_numerals
from core.common.identifiers import mask_id_like, mask_id_number
from core.common.messages import Msg
from core.common.problems import Problem

Month = dt.date
Bad = dict[int, list[tuple[int, str, Msg]]]  # grid offset -> (column order, header, message), as check.py keeps them

HIDDEN_NOTES_PER_SHEET = 20  # past these, one note says how many more rows of the sheet are hidden
PERSON_NOTES_PER_SHEET = 20  # past these, one note says how many more 姓名, 性别 and 联系电话 cells to check
WIDE_TYPES = frozenset({"id_number", "date", "month", "integer", "number"})  # a text cell is kept as written


def month_words(month: Month) -> str:
    return f"{month.year}年{month.month}月"


# The words of a month that disagrees with its sheet's name, by whether the cell's text, and the sheet's name,
# already say their month as month_words() would (the month is then not said again)
_SHEET_DIFFERS = {(False, False): "excel.month_sheet_differs", (True, False): "excel.month_sheet_differs_cell_says",
                  (False, True): "excel.month_sheet_differs_sheet_says",
                  (True, True): "excel.month_sheet_differs_both_say"}


def says_month(text: str, month: Month) -> bool:
    """Whether the text is the month in the words month_words() gives it ("2022年6月", "2022年06月份")."""
    found = re.fullmatch(r"(\d{4})年0?(\d{1,2})月份?", re.sub(r"\s", "", unicodedata.normalize("NFKC", text)))
    return found is not None and (int(found[1]), int(found[2])) == (month.year, month.month)


def single_month_name(sheet: str, month: Month | None) -> Month | None:
    """The month the sheet's name gives (`month`, as cells.py's sheet_month read it) when the name holds no other
    number than its year: "3月", "2022年3月", "202203送工信息" name one month; "1-3月", "第2批3月" do not."""
    if month is None:
        return None
    text = month_numerals(unicodedata.normalize("NFKC", sheet))
    runs = re.findall(r"\d+", text)
    if len(runs) == 1 and len(runs[0]) == 6:  # 202203
        return month
    runs = [run for run in runs if not (len(run) == 4 and run == str(month.year))]
    return month if len(runs) == 1 else None


def month_problems(sheet: str, header: str, raw: Sequence[Any] | None, months: Sequence[Month | None],
                   named: Month | None, period: tuple[dt.date, dt.date], shown: Callable[[Any], str],
                   bad: Bad, skipped: set[int], order: int = 0) -> None:
    """Each row's month set against the month its sheet's name gives (`named`: single_month_name) and the
    assessment period; a row whose month disagrees with either gets a problem in `bad` (it is left out), beside
    the row's other problems (`order`: the month column's place among the row's columns).
    raw: the month column's cells, None when the sheet has none; months: each row's month as read (the sheet's
    name's for a blank cell)."""
    start, end = period
    distinct = {m for m in set(months) if m is not None}  # the usual sheet: a month or a few, each right
    if all(start <= m <= end and (named is None or m == named) for m in distinct):
        return
    for i, month in enumerate(months):
        if month is None or i in skipped:
            continue
        cell = raw[i] if raw is not None else None
        written = not (cell is None or (isinstance(cell, str) and not cell.strip()))
        if written and named is not None and month != named:
            value = shown(cell)
            msg = Msg.of(_SHEET_DIFFERS[says_month(value, month), says_month(sheet, named)], value=value,
                         month=month_words(month), sheet=sheet, sheet_month=month_words(named))
        elif start <= month <= end:
            continue
        elif written:
            msg = Msg.of("excel.month_outside_period", value=shown(cell), month=month_words(month),
                         start=start.isoformat(), end=end.isoformat())
        else:
            msg = Msg.of("excel.sheet_month_outside_period", sheet=sheet, month=month_words(month),
                         start=start.isoformat(), end=end.isoformat())
        bad.setdefault(i, []).append((order, header if written else "", msg))


def hidden_row_notes(source: str, sheet: str, hidden: frozenset[int], first: int, rows: Sequence[list],
                     column: tuple[int, str], skipped: set[int], said: dict[str, int],
                     shown: Callable[[Any], str]) -> list[Problem]:
    """A note for each row hidden in Excel among `rows` (the first at Excel row first + 1) that is not skipped,
    naming it by its first recognised column (index, header as written); past HIDDEN_NOTES_PER_SHEET of a sheet
    only counted in `said` (sheet -> hidden rows read), for hidden_rows_beyond."""
    notes = []
    index, header = column
    for number in sorted(r for r in hidden if first < r <= first + len(rows)):
        i = number - first - 1
        if i in skipped:
            continue
        said[sheet] = said.get(sheet, 0) + 1
        if said[sheet] <= HIDDEN_NOTES_PER_SHEET:
            value = rows[i][index] if index < len(rows[i]) else ""
            notes.append(Problem(source, f"{sheet}!{number}", header,
                                 Msg.of("excel.row_hidden", value=mask_id_like(shown(value)))))
    return notes


def hidden_rows_beyond(source: str, said: dict[str, int]) -> list[Problem]:
    """One note for each sheet with more hidden rows read than were noted one by one."""
    return [Problem(source, sheet, "", Msg.of("excel.rows_hidden_more", count=count - HIDDEN_NOTES_PER_SHEET,
                                              shown=HIDDEN_NOTES_PER_SHEET))
            for sheet, count in said.items() if count > HIDDEN_NOTES_PER_SHEET]


@dataclass
class WideCells:
    """The cells of one column of one sheet read from full-width forms: how many, and the first of them."""
    count: int
    row: int
    written: str
    read_as: str


def wide_value(value: Any, field_type: str) -> str:
    """What a full-width cell was read as, in the words of a note (an ID number masked)."""
    if field_type == "month" and isinstance(value, dt.date):
        return month_words(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return mask_id_like(str(value)) if field_type == "id_number" else str(value)


def wide_notes(source: str, wide: dict[tuple[str, str], WideCells]) -> list[Problem]:
    """One note for each column of a sheet with cells read from full-width forms, at its first such cell."""
    notes = []
    for (sheet, header), cells in wide.items():
        msg = (Msg.of("excel.full_width", value=mask_id_like(cells.written), read_as=cells.read_as)
               if cells.count == 1 else
               Msg.of("excel.full_width_column", value=mask_id_like(cells.written), read_as=cells.read_as,
                      count=cells.count))
        notes.append(Problem(source, f"{sheet}!{cells.row}", header, msg))
    return notes


# ------------------------------------------------------------------ 姓名, 性别 and 联系电话

_NAME_MARKS = re.compile(r"[\s()（）\[\]【】〔〕]")  # a space or a bracket somewhere in a column of names
_INNER_SPACE = re.compile(r"\s+")
_REMARK = re.compile(r"[(（\[【〔][^()（）\[\]【】〔〕]*[)）\]】〕]")  # a remark in brackets: 孙霞（女）


def _space_kept(name: str, at: re.Match) -> bool:
    """A space between two Latin letters or digits (a name written in letters: John Smith) is the name's own."""
    if at.start() == 0 or at.end() == len(name):
        return False
    before, after = name[at.start() - 1], name[at.end()]
    return before.isascii() and after.isascii() and before.isalnum() and after.isalnum()


def _without_spaces(name: str) -> str:
    """A 姓名 without the spaces inside it that are not the name's own (_space_kept)."""
    def kept(at: re.Match) -> str:
        return at.group() if _space_kept(name, at) else ""
    return _INNER_SPACE.sub(kept, name)


def tidy_names(names: list[Any]) -> list[tuple[int, Msg]]:
    """Each 姓名 of a column (as read: stripped text, None when not read) with a space inside next to a Chinese
    character taken out in place (“郭　桂英” is 郭桂英), and a note for it and for each name holding a remark in
    brackets (“孙霞（女）”, kept as written): (row offset, note). A column without either in a C-level pass or two."""
    joined = "".join(filter(None, names))  # text read, or None
    if joined.isalpha() or not _NAME_MARKS.search(joined):  # the usual column: letters only, Chinese ones
        return []
    found = []
    for i, name in enumerate(names):
        if type(name) is not str or not _NAME_MARKS.search(name):
            continue
        tidy = _without_spaces(name)
        if tidy != name:
            names[i] = tidy
            found.append((i, Msg.of("excel.name_spaces", written=name, name=tidy)))
        remark = _REMARK.search(tidy)
        if remark is not None:
            found.append((i, Msg.of("excel.name_remark", name=tidy, remark=remark.group())))
    return found


def name_key(name: str) -> str:
    """A 姓名 as two rows of one person may write it: without spaces, a remark in brackets or width (孙霞（女）, 孙 霞
    and 孙霞 are one name)."""
    return "".join(_REMARK.sub("", unicodedata.normalize("NFKC", name)).split()).casefold()


# the words of 性别 -> a man (M and F as some units' systems write them, in either case and width)
MAN = {"男": True, "男性": True, "女": False, "女性": False,
       **dict.fromkeys(("M", "m", "Ｍ", "ｍ"), True), **dict.fromkeys(("F", "f", "Ｆ", "ｆ"), False)}
ODD = "13579"  # the ID number's 17th digit: odd for a man, even for a woman (GB 11643)
_PHONE_PARTS = re.compile(r"[,，、/;；]+")
_PHONE_MARKS = re.compile(r"[\s\-－—()（）]+")
_EXTENSION = re.compile(r"(?<=\d{7})\s*[-－—]\s*\d{1,5}$")  # a landline's extension after a dash: 0512-63451234-801


def phone_like(text: str) -> bool:
    """Whether each phone of a 联系电话 cell (several may be written, separated by 、，/ or ;) is a mobile (11 digits
    from 1), a landline with its area code (0 and 9 to 11 more digits), a local landline (7 or 8 digits) or a
    400/800 line, written with spaces, dashes, brackets, +86 and an extension (转) or not."""
    for part in _PHONE_PARTS.split(unicodedata.normalize("NFKC", text)):
        part = _EXTENSION.sub("", part.split("转")[0].strip())
        if part and not (_one_phone(_PHONE_MARKS.sub("", part))
                         or all(_one_phone(p) for p in part.split())):  # two numbers a space apart
            return False
    return True


def _one_phone(digits: str) -> bool:
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit() or not digits.isascii():
        return False
    if digits[0] == "1":
        return len(digits) == 11
    if digits[0] == "0":
        return 10 <= len(digits) <= 12
    if digits[:3] in ("400", "800"):
        return len(digits) == 10
    return 7 <= len(digits) <= 8


# (性别 as read, the ID number's 17th digit) that agree, a blank 性别, and a word of 性别 beside an ID number not read
_AGREEING = frozenset([(word, d) for word, man in MAN.items() for d in "0123456789" if man == (d in ODD)]
                      + [(blank, d) for blank in (None, "") for d in "0123456789"]
                      + [(word, "") for word in (*MAN, None, "")])


def _genders_to_check(genders: Sequence[Any], ids: Sequence[Any]) -> list[int]:
    """The rows whose 性别 and ID number (valid or None) do not plainly agree, at C speed (100,000 rows in ~10 ms)."""
    if set(map(type, ids)) == {str} and set(map(len, ids)) == {18}:
        digits: Sequence[str] = "".join(ids)[16::18]
    else:
        digits = [n[16] if type(n) is str and len(n) == 18 else "" for n in ids]
    return list(compress(count(), map(not_, map(_AGREEING.__contains__, zip(genders, digits, strict=True)))))


def _phones_to_check(phones: Sequence[Any]) -> list[int]:
    """The rows whose 联系电话 is written and not plainly an 11-digit mobile number; a column of mobiles at C speed."""
    if set(map(type, phones)) == {str} and set(map(len, phones)) == {11}:
        joined = "".join(phones)
        if joined.isdigit() and joined.isascii() and joined[::11].count("1") == len(phones):
            return []
    return [i for i, p in enumerate(phones)
            if p and not (type(p) is str and len(p) == 11 and p[0] == "1" and p.isdigit() and p.isascii())]


def person_cell_notes(source: str, sheet: str, first: int, genders: Sequence[Any] | None,
                      ids: Sequence[Any] | None, phones: Sequence[Any] | None, headers: dict[str, str],
                      excluded: set[int] | Any, said: dict[str, int],
                      names: Sequence[tuple[int, Msg]] = ()) -> list[Problem]:
    """A note for each row not `excluded` (left out or skipped) whose 性别 the ID number's 17th digit contradicts or
    is neither 男 nor 女, or whose 联系电话 is no phone number (phone_like), and `names`' notes (tidy_names);
    `genders`, `ids`, `phones`: the columns as read (None when the sheet has none), the first row at Excel row
    first + 1. Past PERSON_NOTES_PER_SHEET of a sheet they are only counted in `said` (sheet -> cells to check),
    for person_cells_beyond."""
    found: list[tuple[int, str, Msg]] = [(i, headers.get("name", ""), msg) for i, msg in names]
    if genders is not None:
        given: Sequence[Any] = ids if ids is not None else [None] * len(genders)
        for i in _genders_to_check(genders, given):
            g, n = genders[i], given[i]
            if g not in MAN:
                found.append((i, headers.get("gender", ""), Msg.of("excel.gender_unknown", gender=str(g))))
            elif type(n) is str and len(n) == 18:
                found.append((i, headers.get("gender", ""), Msg.of(
                    "excel.gender_differs_id", gender=g, id=mask_id_number(n), by_id="男" if n[16] in ODD else "女")))
    if phones is not None:
        for i in _phones_to_check(phones):
            if not phone_like(str(phones[i])):
                found.append((i, headers.get("phone", ""), Msg.of("excel.phone_unlike", phone=str(phones[i]))))
    notes = []
    for i, header, msg in sorted(found, key=lambda f: f[0]):
        if i in excluded:
            continue
        said[sheet] = said.get(sheet, 0) + 1
        if said[sheet] <= PERSON_NOTES_PER_SHEET:
            notes.append(Problem(source, f"{sheet}!{first + i + 1}", header, msg))
    return notes


def person_cells_beyond(source: str, said: dict[str, int]) -> list[Problem]:
    """One note for each sheet with more 姓名, 性别 and 联系电话 cells to check than were noted one by one."""
    return [Problem(source, sheet, "", Msg.of("excel.person_cells_more", count=n - PERSON_NOTES_PER_SHEET,
                                              shown=PERSON_NOTES_PER_SHEET))
            for sheet, n in said.items() if n > PERSON_NOTES_PER_SHEET]
