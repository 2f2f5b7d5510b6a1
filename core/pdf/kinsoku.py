"""Where the printed documents break a line of Chinese text: as Word and WPS do (禁则, GB/T 15834).

A line never starts with closing punctuation (，。、；：！？）》” …) nor ends with opening punctuation (（《“ …),
a run of Latin letters or digits (2022, 15-1×(1-1)) stays on one line when it fits on one, and a number keeps
the unit or measure word written after it (50 人, 0.08 分, 2022年, 75%) on its line.

Every paragraph of the PDFs is a `ChineseParagraph` (core/pdf/layout.py's `p`): reportlab's Paragraph, whose
CJK wrapping (style wordWrap="CJK") cuts between any two characters and hangs only some closing marks, with its
line breaks chosen by `line_ends` instead. A full-width closing mark whose inked left half still fits ends the line
set half-width (行尾挤压, as Word and WPS compress punctuation at a line's end; its blank right half runs past the
line, never its ink); otherwise the break moves earlier, taking the character before the mark to the next line
with it, so nothing is printed past the column:

    转正后换岗（        →    转正后换岗
    见补充说明）             （见补充说
    ，2022年12              明），2022年
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import ParaLines, _handleBulletWidth, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

from core.pdf.fonts import glyph_fallback

# never the first character of a line: closing brackets and quotes, the pause and stop marks, 间隔号-like
# continuations, units written after a number
CANNOT_START = frozenset("，。、；：！？）》」』】〕〉〗〙］｝〞”’…‥％‰℃°·～"
                         ",.;:!?)]}%")
# never the first character of a line: the signs of a formula, which end the line a formula breaks at (数学式转行,
# as GB/T 15835 and the publishers' rules break it: after the sign, not repeated on the next line)
OPERATORS = frozenset("\u2212×÷=+＝＋≈≠≤≥")
# never the last character of a line: opening brackets and quotes
CANNOT_END = frozenset("（《「『【〔〈〖〘［｛〝“‘([{")
# never broken on either side: the no-break spaces and joiners
GLUE = frozenset("\u00a0\u202f\u2060\ufeff")
# full-width closing marks, inked in their left half: at the end of a line they may be set half-width
HALF_AT_END = frozenset("，。、；：！？）》」』】〕〉〗〙］｝")
# units and measure words: never the first character of a line after a number (50 人, 13 家, 3 分, 12月)
UNITS = frozenset("人个名位户家所处份件项条次批场张本页版号年月日天周时分秒元角万亿倍岁星%％‰℃°")
UNSPLIT = frozenset("—…‥")  # 破折号 —— and 省略号 …… are never cut in two
FORCED = "\n"  # a line break written into the text (<br/>)


def _blank(ch: str) -> bool:
    """A space between words, which may end a line past its width (not the no-break ones, nor the ideographic
    space that the forms use as a blank to write in)."""
    return ch == " " or (unicodedata.category(ch) == "Zs" and ch not in GLUE and ch != "\u3000")


def _latin(ch: str) -> bool:
    """A character of a run that is one word: letters, digits and the signs between them, not Chinese."""
    return ord(ch) < 0x2E80 and not unicodedata.category(ch).startswith(("Z", "C"))


def _digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


def _number_and_unit(text: str, at: int) -> bool:
    """Whether text[at] is inside a number and the unit after it, at one of the spaces between them or at the unit
    (the 50 and the 人 of 50 人)."""
    before, after = at - 1, at
    while after < len(text) and _blank(text[after]):
        after += 1
    while before >= 0 and _blank(text[before]):
        before -= 1
    return before >= 0 and after < len(text) and _digit(text[before]) and text[after] in UNITS


def may_break(text: str, at: int, *, keep_words: bool = True) -> bool:
    """Whether a line may end before text[at] (0 < at < len(text)); with `keep_words` False (a line too narrow
    for any other break) words, numbers and their units may be cut."""
    before, after = text[at - 1], text[at]
    if after in CANNOT_START or before in CANNOT_END or before in GLUE or after in GLUE:
        return False
    if keep_words and (_blank(after) or after in OPERATORS):  # a line ends with its blanks, a formula with its sign
        return False
    if before == after and before in UNSPLIT:
        return False
    if keep_words and _number_and_unit(text, at):
        return False
    return not (keep_words and _latin(before) and _latin(after))


def _break_before(text: str, start: int, limit: int) -> int:
    """Where the line that starts at `start` and cannot hold text[limit] ends: the latest allowed break, keeping
    Latin words whole if it can; a line too narrow for any allowed break is cut where it is full."""
    for keep_words in (True, False):
        for at in range(limit, start, -1):
            if may_break(text, at, keep_words=keep_words):
                return at
    return limit


def _ends_half_width(text: str, start: int, at: int, room_left: float, width: float) -> bool:
    """Whether text[at], which does not fit on the line from `start` (room_left is left for it), still ends that
    line set half-width: a full-width closing mark whose left half fits, and that the next line may start after."""
    after = at + 1
    return (at > start and text[at] in HALF_AT_END and width / 2 <= room_left + _FUZZ
            and (after == len(text) or text[after] == FORCED or may_break(text, after)))


def line_ends(text: str, widths: Sequence[float], max_widths: Sequence[float]) -> list[int]:
    """Where each line of `text` ends (exclusive indices), filling each line as full as the rules allow.

    `widths` are the characters' widths; line n is at most max_widths[n] wide (the last width for the lines
    after). A "\\n" ends its line. Spaces at the end of a line may run past it (they print nothing), as may the
    blank half of a closing mark (`_ends_half_width`); a character wider than the line gets a line of its own."""
    ends: list[int] = []
    start, n = 0, len(text)
    while start < n:
        room = max_widths[min(len(ends), len(max_widths) - 1)]
        used, i = 0.0, start
        while i < n and text[i] != FORCED and (i == start or used + widths[i] <= room + _FUZZ or _blank(text[i])):
            used += widths[i]
            i += 1
        if i < n and text[i] != FORCED:
            half = _ends_half_width(text, start, i, room - used, widths[i])
            i = i + 1 if half else _break_before(text, start, i)
        elif i < n:
            i += 1  # the forced break belongs to the line it ends
        ends.append(i)
        start = i
    return ends


def _printed(text: str, widths: Sequence[float], start: int, end: int, room: float) -> float:
    """The width the line text[start:end] is aligned by: without the blanks (and forced break) it ends with, and
    with a closing mark that ends it past its width counted half-width."""
    while end > start and (_blank(text[end - 1]) or text[end - 1] == FORCED):
        end -= 1
    width = sum(widths[start:end])
    if end - start > 1 and width > room + _FUZZ and text[end - 1] in HALF_AT_END:
        width -= widths[end - 1] / 2
    return width


def _room(max_widths: Sequence[float], line: int) -> float:
    return max_widths[min(line, len(max_widths) - 1)]


class ChineseParagraph(Paragraph):
    """A reportlab Paragraph whose CJK wrapping breaks its lines by `line_ends` (the lines are otherwise built
    and drawn as reportlab's own CJK wrapping builds them: one run of text, or runs of mixed fonts and <br/>), and
    whose signs its face lacks are set in one that has them (core/pdf/fonts.py's `glyph_fallback`)."""

    def __init__(self, text: Any, style: Any, *args: Any, **kwargs: Any):
        # reportlab makes the parts of a split paragraph with their fragments, and no text
        if isinstance(text, str) and style is not None:
            text = glyph_fallback(text, style.fontName)
        super().__init__(text, style, *args, **kwargs)

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802 (reportlab's name)
        # as reportlab's breakLinesCJK: the bullet's width comes off the first line (in the list it was given)
        widths_given: Any = maxWidths if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, widths_given)
        frags = self.frags
        if not frags:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                             lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize)
        if len(frags) == 1 and not hasattr(frags[0], "cbDefn") and not style.endDots:
            return self._one_run(frags[0], widths_given)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        return self._runs(frags, widths_given)

    def _one_run(self, f: Any, max_widths: list[float]) -> Any:
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return f.clone(kind=0, lines=self.blPara.lines)
        text = f.text if hasattr(f, "text") else "".join(getattr(f, "words", []))
        text = text.replace(FORCED, " ")
        widths = [cjkU(ch, f, "utf8").width for ch in text]
        lines, start = [], 0
        for n, end in enumerate(line_ends(text, widths, max_widths)):
            room, shown = _room(max_widths, n), end
            while shown > start and _blank(text[shown - 1]):
                shown -= 1
            lines.append((room - _printed(text, widths, start, end, room), [text[start:shown]]))
            start = end
        return f.clone(kind=0, lines=lines, ascent=f.fontSize, descent=-0.2 * f.fontSize)

    def _runs(self, frags: Any, max_widths: list[float]) -> Any:
        glyphs = []  # one per character, as reportlab's cjkFragSplit takes them
        for f in frags:
            text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
            glyphs += [cjkU(ch, f, "utf8") for ch in text] if text else [cjkU(text, f, "utf8")]
        chars = "".join(FORCED if hasattr(g.frag, "lineBreak") else (g or "\ufffc") for g in glyphs)
        widths = []
        for g in glyphs:
            w = g.width
            if hasattr(w, "normalizedValue"):  # an image sized in % of the line
                w._normalizer = max_widths[0]
                w = w.normalizedValue(max_widths[0])
            widths.append(w)
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        calc_bounds = auto_leading not in ("", "off")
        lines, start = [], 0
        for n, end in enumerate(line_ends(chars, widths, max_widths)):
            room = _room(max_widths, n)
            used = sum(widths[start:end])
            extra = room - _printed(chars, widths, start, end, room)
            lines.append(makeCJKParaLine(glyphs[start:end], room, used, extra, chars[end - 1] == FORCED,
                                         calc_bounds))
            start = end
        return ParaLines(kind=1, lines=lines)
