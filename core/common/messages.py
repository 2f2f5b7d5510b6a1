"""Human-readable messages as data: a code plus parameters, rendered through a catalogue.

Core never builds display sentences itself; it returns `Msg` values. The catalogue
(`resources/messages/<lang>.toml`) turns them into text, so a second language is a second
file, and tests can assert on codes rather than on wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from core.common import tomlcache

MESSAGES_DIR = Path(__file__).resolve().parents[2] / "resources" / "messages"
DEFAULT_LANGUAGE = "zh_CN"


@dataclass(frozen=True)
class Msg:
    """A message of the catalogue (resources/messages/) by its code, with its parameters; render() words it."""
    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, code: str, **params: Any) -> "Msg":
        return cls(code, tuple(params.items()))

    def param(self, name: str) -> Any:
        return dict(self.params)[name]

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: jsonable(v) for k, v in self.params},
                "text": render(self)}


@cache
def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    return tomlcache.loads((MESSAGES_DIR / f"{language}.toml").read_bytes().decode("utf-8"))  # as tomllib.load


def rounded(value: int | float | Fraction, decimals: int = 2) -> Fraction:
    """四舍五入 to `decimals` places, exactly (a half goes away from zero), as a bureau rounds by hand:
    42.025 is 42.03 (a float's binary value, or rounding half to even, would give 42.02)."""
    exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    scale = 10 ** decimals
    whole = int(abs(exact) * scale + Fraction(1, 2))
    return Fraction(whole if exact >= 0 else -whole, scale)


def format_number(value: Any, decimals: int = 2) -> str:
    """Points and ratios as an assessor writes them: 12, 23.5, 2.64 (never 12.00), rounded 四舍五入."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        return str(value)
    text = f"{float(rounded(value, decimals)):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def count_words(count: int, measure: str = "个") -> str:
    """A large count as a bureau says it, to one decimal in 万 or 亿: 500 个, 3000 万个, 171.8 亿个."""
    for size, word in ((10 ** 8, "亿"), (10 ** 4, "万")):
        if count >= size:
            return f"{format_number(Fraction(count, size), 1)} {word}{measure}"
    return f"{count} {measure}"


def jsonable(value: Any) -> Any:
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else round(float(value), 6)
    if isinstance(value, Msg):
        return value.as_json()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def render(msg: Msg, language: str = DEFAULT_LANGUAGE) -> str:
    template = catalogue(language).get(msg.code)
    if template is None:  # a missing entry is a programming fault; show it rather than hide it
        return f"{msg.code} {dict(msg.params)}"
    values = {}
    for name, value in msg.params:
        if isinstance(value, Msg):
            value = render(value, language)
        elif isinstance(value, (list, tuple)):
            value = "、".join(render(v, language) if isinstance(v, Msg) else format_number(v)
                             for v in value) or "—"
        else:
            value = format_number(value)
        values[name] = value
    return template.format(**values)
