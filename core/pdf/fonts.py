"""Chinese fonts for the PDF documents: find a CJK TrueType font, register it with reportlab
(which embeds a subset of the glyphs used, so the page never depends on the viewer's fonts),
and pick a heading face (hei) and a body face (song / fangsong) where the machine has both.

Search order (the first usable font of each kind wins):
1. the font the user configured: the `configured` argument, else the environment variable
   LEYE_PDF_FONT (a .ttf or .ttc file; `path.ttc#1` picks the second font of a collection);
2. fonts bundled by the installer under resources/fonts/ (*.ttf, *.ttc);
3. the system's: Windows SimSun, SimHei, FangSong, KaiTi, Microsoft YaHei; Linux WenQuanYi Zen
   Hei / Micro Hei, AR PL UMing / UKai; then anything `fc-list :lang=zh` names.

A character the Chinese face has no glyph for (WenQuanYi Zen Hei has no U+2212 minus sign, which the
formulas of the explanations use) is set in a symbol face that has one, as the screen's text does
(`glyph_fallback`: DejaVu Sans or Liberation Sans on Linux, Arial or Segoe UI on Windows, else what
fontconfig names); with none on the machine, it is printed as its nearest plain equivalent (a hyphen).

Only TrueType outlines can be embedded by reportlab: OpenType/CFF fonts (Noto CJK, Source Han)
fail to register and are skipped. When nothing usable is found, `cjk_fonts` returns a problem
naming what to install. Problems are values; nothing here raises for a missing font.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from core.common.messages import Msg
from core.common.problems import Problem

RESOURCES_FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"
ENV_FONT = "LEYE_PDF_FONT"

HEI, SONG, FANGSONG, KAI, OTHER = "hei", "song", "fangsong", "kai", "other"
BODY_STYLES = (SONG, FANGSONG)

# (file name, index in a collection, style); looked up in the system font folders below.
WINDOWS_FONTS = (("simsun.ttc", 0, SONG), ("simsun.ttf", 0, SONG), ("simhei.ttf", 0, HEI),
                 ("simfang.ttf", 0, FANGSONG), ("simkai.ttf", 0, KAI), ("msyh.ttc", 0, HEI), ("msyh.ttf", 0, HEI))
LINUX_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, HEI),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, HEI),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, SONG),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0, KAI),
    ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0, SONG),
    ("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf", 0, KAI),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0, HEI),  # Fedora, Arch
    ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", 0, HEI),
)
INSTALL_HINT_LINUX = "sudo apt-get install fonts-wqy-zenhei"
# Faces for the few signs a Chinese face may lack (− U+2212 …), first found first tried.
SYMBOL_FONTS_WINDOWS = ("arial.ttf", "segoeui.ttf", "calibri.ttf")
SYMBOL_FONTS_LINUX = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Fedora
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
)
# What a sign no face on the machine has is printed as: its nearest plain equivalent.
PLAIN_EQUIVALENTS = {"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u00a0": " "}


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int  # the font's index in a .ttc collection (0 for a .ttf)
    style: str  # hei, song, fangsong, kai or other
    source: str  # configured, bundled or system

    @property
    def key(self) -> str:
        return f"{self.path}#{self.index}"


@dataclass(frozen=True)
class Fonts:
    """Registered reportlab font names for the two faces, and the files behind them."""
    body: str
    heading: str
    body_file: FontFile
    heading_file: FontFile


def style_of(path: Path, family: str = "") -> str:
    text = f"{path.name} {family}".lower()
    if any(k in text for k in ("fang", "仿宋")):
        return FANGSONG
    if any(k in text for k in ("hei", "yahei", "msyh", "黑")):
        return HEI
    if any(k in text for k in ("sun", "song", "ming", "sung", "gbsn", "宋", "明")):
        return SONG
    if any(k in text for k in ("kai", "楷")):
        return KAI
    return OTHER


def _split_index(text: str) -> tuple[Path, int]:
    if "#" in text:
        path, _, index = text.rpartition("#")
        if index.isdigit():
            return Path(path), int(index)
    return Path(text), 0


def system_font_dirs(environ: Mapping[str, str] = os.environ) -> list[Path]:
    if sys.platform == "win32":
        dirs = [Path(environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
        local = environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    return []


def candidates(configured: str | os.PathLike | None = None,
               environ: Mapping[str, str] = os.environ) -> tuple[list[FontFile], list[Problem]]:
    """Every CJK font file worth trying, in search order; and a problem when the configured one is missing."""
    found: list[FontFile] = []
    problems: list[Problem] = []
    wanted = configured if configured is not None else environ.get(ENV_FONT) or None
    if wanted:
        path, index = _split_index(str(wanted))
        if path.is_file():
            found.append(FontFile(path, index, style_of(path), "configured"))
        else:
            problems.append(Problem(str(path), "", "", Msg.of("pdf.font_configured_missing", path=str(path),
                                                              env=ENV_FONT)))
    if RESOURCES_FONTS.is_dir():
        for path in sorted(RESOURCES_FONTS.iterdir()):
            if path.suffix.lower() in (".ttf", ".ttc"):
                found.append(FontFile(path, 0, style_of(path), "bundled"))
    for folder in system_font_dirs(environ):
        for name, index, style in WINDOWS_FONTS:
            path = folder / name
            if path.is_file():
                found.append(FontFile(path, index, style, "system"))
    for name, index, style in LINUX_FONTS:
        path = Path(name)
        if path.is_file():
            found.append(FontFile(path, index, style, "system"))
    if not found:
        found += _fontconfig_fonts()
    return found, problems


def _fontconfig_fonts() -> list[FontFile]:
    """Chinese fonts fontconfig knows, as a last resort (TrueType ones only register)."""
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file", "family", "index"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for line in sorted(out.splitlines()):
        parts = [p.strip() for p in line.split(":")]
        path = Path(parts[0])
        if path.suffix.lower() not in (".ttf", ".ttc"):
            continue
        family = next((p.partition("=")[2] for p in parts[1:] if p.startswith("family=")), "")
        index = next((p.partition("=")[2] for p in parts[1:] if p.startswith("index=")), "0")
        fonts.append(FontFile(path, int(index) if index.isdigit() else 0, style_of(path, family), "system"))
    return fonts


_REGISTERED: dict[str, str | None] = {}  # FontFile.key -> reportlab name (None: cannot be used)


def register(font: FontFile) -> str | None:
    """Register one font with reportlab (once per process); None when reportlab cannot embed it."""
    if font.key in _REGISTERED:
        return _REGISTERED[font.key]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    name = f"CJK{len(_REGISTERED)}-{font.path.stem}-{font.index}"
    try:
        ttf = TTFont(name, str(font.path), subfontIndex=font.index)
        if not all(ord(c) in ttf.face.charToGlyph for c in "考核评分表第页"):
            raise ValueError("no Chinese glyphs")
        _out_of_collectors_sight(ttf)
        pdfmetrics.registerFont(ttf)
    except Exception:  # reportlab raises TTFError, struct errors … for fonts it cannot embed
        _REGISTERED[font.key] = None
        return None
    _REGISTERED[font.key] = name
    return name


def _out_of_collectors_sight(ttf: Any) -> None:
    """The face's map of each glyph to its characters, a list each (some 40,000 for a Chinese face), made
    tuples: reportlab only reads them once the face is read (a glyph it adds later gets a list of its own).
    A registered face lives as long as the program, and the cyclic collector would go over every list at each
    of its full passes (a third of what it goes over when a year closes); tuples of numbers it sets aside."""
    face = ttf.face
    face.glyphToChar = {glyph: tuple(chars) for glyph, chars in face.glyphToChar.items()}


_GLYPHS: dict[str, frozenset[int] | dict[int, int]] = {}  # reportlab name -> the characters it has glyphs for


def _has_glyph(font_name: str, ch: str) -> bool:
    glyphs = _GLYPHS.get(font_name)
    if glyphs is None:
        from reportlab.pdfbase import pdfmetrics
        face = getattr(pdfmetrics.getFont(font_name), "face", None)
        glyphs = _GLYPHS[font_name] = face.charToGlyph if face is not None else frozenset(range(256))
    return ord(ch) in glyphs


def _symbol_files(environ: Mapping[str, str] = os.environ) -> list[FontFile]:
    files = [FontFile(folder / name, 0, OTHER, "system") for folder in system_font_dirs(environ)
             for name in SYMBOL_FONTS_WINDOWS]
    files += [FontFile(Path(name), 0, OTHER, "system") for name in SYMBOL_FONTS_LINUX]
    return [f for f in files if f.path.is_file()]


def _fontconfig_symbol_file(ch: str) -> FontFile | None:
    """The TrueType font fontconfig picks for a character, as the screen's text would find it."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(["fc-match", "--format=%{file}", f":charset={ord(ch):x}"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return FontFile(Path(out), 0, OTHER, "system") if out.lower().endswith(".ttf") else None


_FALLBACK: dict[str, str | None] = {}  # a character -> the registered face that has it (None: no face has it)


def _register_symbols(font: FontFile) -> str | None:
    """Register a face for signs (no Chinese asked of it), once per process."""
    if font.key in _REGISTERED:
        return _REGISTERED[font.key]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    name = f"SYM{len(_REGISTERED)}-{font.path.stem}"
    try:
        ttf = TTFont(name, str(font.path))
        _out_of_collectors_sight(ttf)
        pdfmetrics.registerFont(ttf)
    except Exception:  # reportlab raises TTFError, struct errors … for fonts it cannot embed
        _REGISTERED[font.key] = None
        return None
    _REGISTERED[font.key] = name
    return name


def fallback_face(ch: str) -> str | None:
    """The registered face the character is set in where the Chinese face lacks it; None when no face has it."""
    if ch not in _FALLBACK:
        found = None
        for font in [*_symbol_files(), *filter(None, [_fontconfig_symbol_file(ch)])]:
            name = _register_symbols(font)
            if name is not None and _has_glyph(name, ch):
                found = name
                break
        _FALLBACK[ch] = found
    return _FALLBACK[ch]


def glyph_fallback(markup: str, font_name: str) -> str:
    """A paragraph's markup (reportlab's) with every character `font_name` has no glyph for set in a face that has
    one (`<font face=…>`), or, where no face on the machine has it, written as its plain equivalent: 25 − 1.5 prints
    its minus sign, never an empty box. (Tags, attributes and entities are ASCII, which every face has.)"""
    if markup.isascii():
        return markup
    for ch in {ch for ch in set(markup) if ord(ch) >= 128 and not _has_glyph(font_name, ch)}:
        face = fallback_face(ch)
        markup = markup.replace(ch, f'<font face="{face}">{ch}</font>' if face else PLAIN_EQUIVALENTS.get(ch, ch))
    return markup


def no_font_problem() -> Problem:
    if sys.platform == "win32":
        hint = Msg.of("pdf.font_hint_windows", folder=str(RESOURCES_FONTS), env=ENV_FONT)
    else:
        hint = Msg.of("pdf.font_hint_linux", command=INSTALL_HINT_LINUX, folder=str(RESOURCES_FONTS), env=ENV_FONT)
    return Problem("", "", "", Msg.of("pdf.no_font", hint=hint))


_CACHE: dict[str, tuple[Fonts | None, tuple[Problem, ...]]] = {}


def cjk_fonts(configured: str | os.PathLike | None = None,
              environ: Mapping[str, str] = os.environ) -> tuple[Fonts | None, list[Problem]]:
    """The body and heading faces, registered; or None and the problem naming what to install.
    Problems about a configured font that could not be used are returned beside the fonts found."""
    wanted = str(configured if configured is not None else environ.get(ENV_FONT) or "")
    if wanted in _CACHE:
        cached, known = _CACHE[wanted]
        return cached, list(known)
    files, problems = candidates(configured, environ)

    def first_usable(accept) -> tuple[FontFile, str] | None:
        for font in files:
            if accept(font):
                name = register(font)
                if name is not None:
                    return font, name
        return None

    body = None
    for font in files:
        if font.source == "configured":
            name = register(font)
            if name is None:
                problems.append(Problem(str(font.path), "", "", Msg.of("pdf.font_unusable", path=str(font.path))))
            else:
                body = (font, name)  # the user's choice is the body face
    if body is None:
        body = first_usable(lambda f: f.style in BODY_STYLES) or first_usable(lambda f: True)
    if body is None:
        problems.append(no_font_problem())
        _CACHE[wanted] = (None, tuple(problems))
        return None, problems
    heading = body if body[0].style == HEI else (first_usable(lambda f: f.style == HEI) or body)
    fonts = Fonts(body[1], heading[1], body[0], heading[0])
    _CACHE[wanted] = (fonts, tuple(problems))
    return fonts, problems
