"""A rule set's problems (the loader's key path and reason) told in the bureau's Chinese: which item of
the file, in the words of the form that edits it, and what is wrong with it."""

from __future__ import annotations

import re
from typing import NamedTuple

from core.common.messages import Msg, catalogue, render
from core.scoring.rule_formats import SUPPORTED_FORMATS


class RuleProblem(NamedTuple):
    path: str  # the loader's key path, e.g. clauses[2.1].params.step
    where: str  # the same in Chinese, e.g. 条款 2.1 › 参数“每降低一个名次减分”
    reason: str
    understood: bool  # False: the reason is a loader message this module does not know (told generically)

    def text(self) -> str:
        return render(Msg.of("ruleset.problem", where=self.where, reason=self.reason))


_SEGMENT = re.compile(r"([^.\[\]]+)(?:\[([^\]]*)\])?")

# The loader's reasons (core/scoring/rules.py) and the message each becomes; named groups are parameters.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), code) for pattern, code in (
    (r"^missing$", "ruleset.reason.missing"),
    (r"^missing or empty$", "ruleset.reason.missing_or_empty"),
    (r"^missing or not a table$", "ruleset.reason.missing_or_not_table"),
    (r"^missing \(a deduction made once needs a threshold\)$", "ruleset.reason.once_needs_threshold"),
    (r"^expected a table with value and description$", "ruleset.reason.reading_table"),
    (r"^expected (?P<kind>.+?), found (?P<found>.*)$", "ruleset.reason.expected"),
    (r"^format (?P<found>\d+) is newer than this program reads", "ruleset.reason.newer_format"),
    (r"^format (?P<found>\d+) states thresholds without their comparison", "ruleset.reason.old_format"),
    (r"^this program reads rule set formats \[.*\], not (?P<found>.*)$", "ruleset.reason.format"),
    (r"^unknown key$", "ruleset.reason.unknown_key"),
    (r"^must not be before period_start$", "ruleset.reason.period"),
    (r"^(?P<found>'.*') is not one of evaluation_verdicts", "ruleset.reason.poor_verdict"),
    (r"^must name exactly the modes offline and online$", "ruleset.reason.trip_modes"),
    (r"^must name exactly the base types labour and school$", "ruleset.reason.base_types"),
    (r"^must be one of \[(?P<choices>.*)\], found (?P<found>.*)$", "ruleset.reason.one_of"),
    (r"^a threshold needs its comparison", "ruleset.reason.threshold_comparison"),
    (r"^give exactly one of test or test_by_reading$", "ruleset.reason.test_or_reading"),
    (r"^names reading '(?P<name>.*)', which \[readings\] does not define$", "ruleset.reason.undefined_reading"),
    (r"^needs reading '(?P<name>.*)', which \[readings\] does not define$", "ruleset.reason.needs_reading"),
    (r"^every choice of reading '(?P<name>.*)' must give a test", "ruleset.reason.choices_need_tests"),
    (r"^evidence ids must be unique$", "ruleset.reason.evidence_unique"),
    (r"^duplicate clause id$", "ruleset.reason.duplicate_clause"),
    (r"^no section '(?P<section>.*)'$", "ruleset.reason.no_section"),
    (r"^unknown formula '(?P<formula>[^']*)'", "ruleset.reason.unknown_formula"),
    (r"^'(?P<item>.*)' is not a record_evidence id of clause (?P<clause>.*)$", "ruleset.reason.not_record_item_of"),
    (r"^the \w+ formula needs at least one evidence item$", "ruleset.reason.needs_evidence"),
    (r"^the \w+ formula needs at least one record_evidence item$", "ruleset.reason.needs_record_evidence"),
    (r"^must name reading '(?P<name>.*)', which sets a threshold's test", "ruleset.reason.show_reading"),
    (r"^unknown parameter for formula", "ruleset.reason.unknown_parameter"),
    (r"^'(?P<item>.*)' is not an evidence id of this clause$", "ruleset.reason.not_evidence_item"),
    (r"^'(?P<item>.*)' is not a record_evidence id of this clause$", "ruleset.reason.not_record_item"),
    (r"^unknown fact '(?P<found>[^']*)'", "ruleset.reason.unknown_fact"),
    (r"^give exactly one of per_case or once$", "ruleset.reason.per_case_or_once"),
    (r"^unknown condition '(?P<found>[^']*)'", "ruleset.reason.unknown_condition"),
    (r"^unknown flag '(?P<found>[^']*)'", "ruleset.reason.unknown_flag"),
    (r"^unknown unit kind '(?P<found>[^']*)'", "ruleset.reason.unknown_kind"),
    (r"^'(?P<grade>.*)' is not in grades.order$", "ruleset.reason.not_a_grade"),
    (r"^a share is at most 1$", "ruleset.reason.share_at_most_1"),
    (r"^quotas must be given for the best grades, in order$", "ruleset.reason.quota_order"),
    (r"^the year lies outside the assessment period$", "ruleset.reason.year_outside_period"),
    (r"^must be \"<=\" \(a grade holds at most its quota\), found (?P<found>.*)$", "ruleset.reason.quota_test"),
    (r"^not valid TOML: .*line (?P<line>\d+), column (?P<column>\d+)", "ruleset.reason.toml_at"),
    (r"^not valid TOML", "ruleset.reason.toml"),
))
_KINDS = {"a non-empty string": "text", "a finite number ≥ 0": "number", "an integer": "integer",
          "an integer ≥ 0": "count", "true or false": "bool", "bool": "bool", "a date (YYYY-MM-DD)": "date",
          "a table": "table", "an array": "list", "list": "list", "an array of non-empty strings": "texts",
          "a non-empty table of strings": "names", "str": "text", "int": "integer"}


# tomllib's reasons for a text that is no rule-set file at all, and what each means to the one who wrote it
_TOML_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), code) for pattern, code in (
    (r"^Invalid value", "ruleset.toml.invalid_value"),
    (r"^Expected '=' after a key", "ruleset.toml.missing_equals"),
    (r"^Illegal character '\\n'", "ruleset.toml.unterminated_line"),  # a text's quote left open at the line's end
    (r"^(Unterminated string|Expected \"'\"|Expected '\"')", "ruleset.toml.unterminated_string"),
    (r"^Unclosed array", "ruleset.toml.unclosed_array"),
    (r"^Unclosed inline table", "ruleset.toml.unclosed_table"),
    (r"^Expected '\]\]?' at the end of", "ruleset.toml.unclosed_header"),
    (r"^(Cannot overwrite|Cannot declare|Cannot redefine|Cannot mutate|Duplicate inline table key)",
     "ruleset.toml.twice"),
    (r"^Expected newline or end of document after a statement", "ruleset.toml.trailing"),
    (r"^Invalid initial character for a key part", "ruleset.toml.bad_key"),
    (r"^(Invalid date or datetime)", "ruleset.toml.bad_date"),
    (r"^(Unescaped '\\'|Escaped character|Invalid hex value)", "ruleset.toml.backslash"),
    (r"^(Illegal character|Found invalid character)", "ruleset.toml.bad_character"),
))
_TOML_AT = re.compile(r"^not valid TOML: (?P<why>.*?) \((?:at line (?P<line>\d+), column (?P<column>\d+)|"
                      r"at end of document)\)$")


def toml_reason(message: str, text: str) -> str | None:
    """A syntax error of the file in the words of one who writes it: where (the line, and its text), and
    what was expected there when the parser says it. None: not a syntax error this module reads."""
    found = _TOML_AT.match(message)
    if found is None:
        return None
    code = next((code for pattern, code in _TOML_REASONS if pattern.match(found["why"])), "")
    what = render(Msg.of(code)) if code else ""
    if found["line"] is None:
        return render(Msg.of("ruleset.toml.at_end", what=what or render(Msg.of("ruleset.toml.unfinished"))))
    line = int(found["line"])
    lines = text.splitlines()
    said = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    above = next((n for n in range(line - 2, -1, -1) if lines[n].strip()), None) if line <= len(lines) else None
    if code == "ruleset.toml.invalid_value" and said.startswith("[") and above is not None:
        # a heading where a value was due: the item above it was left open (`key = [` and nothing more)
        what = render(Msg.of("ruleset.toml.unfinished_above", line=above + 1, text=lines[above].strip()))
    return render(Msg.of("ruleset.toml.at", line=line, column=int(found["column"]),
                         what=what or render(Msg.of("ruleset.toml.unknown")),
                         text=render(Msg.of("ruleset.toml.line_text", text=said)) if said else ""))


def _shown(value: str) -> str:
    """A value as the file holds it, quoted as Chinese quotes text ('x' → “x”)."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return f"“{value[1:-1]}”"
    return value


def word(code: str, fallback: str) -> str:
    """A catalogue entry when there is one (a key's, a parameter's name), else the key itself."""
    return catalogue().get(code, fallback)


def reading_name(name: str) -> str:
    """A reading as the assessor knows it (并列名次的计法); one the program does not know, by its key."""
    return word(f"ruleset.reading.{name}", name)


def where(path: str) -> str:
    """A key path in the words of the form: clauses[2.1].params.step → 条款 2.1 › 参数“每降低一个名次减分”."""
    if path in ("", "(file)"):
        return word("ruleset.key.(file)", "文件")
    parts: list[str] = []
    context = ""
    segments = _SEGMENT.findall(path)
    for at, (name, index) in enumerate(segments):
        followed = at + 1 < len(segments)
        if not index and followed and (name in ("params", "choices") or name == "readings" and not context):
            context = f"{name}."  # the next part says it: 参数“…”, 选项“…”, 解读“…”
            continue
        if index and name == "clauses":
            parts.append(render(Msg.of("ruleset.at.clause", id=index)))
        elif index and name == "sections" and not index.isdigit():  # by its id (一 …); a position when it has none
            parts.append(render(Msg.of("ruleset.at.section", id=index)))
        elif index and index.isdigit():
            parts.append(render(Msg.of("ruleset.at.nth", what=word(f"ruleset.key.{context}{name}", name),
                                       n=int(index) + 1)))
        elif context == "readings.":
            parts.append(render(Msg.of("ruleset.at.reading", name=reading_name(name))))
        elif context == "params.":
            parts.append(render(Msg.of("ruleset.at.parameter", name=word(f"ruleset.param.{name}", name))))
        elif context in ("quota_share.", "choices."):
            parts.append(render(Msg.of(f"ruleset.at.{context[:-1]}", name=name)))
        else:
            parts.append(word(f"ruleset.key.{name}", name))
        context = f"{name}."
    return " › ".join(parts)


def _choice(reading: str, value: str) -> str:
    """A reading's value as the file writes it, with its meaning when the program knows it:
    “dense”（并列后名次连续（如 25、25、23.5））."""
    meaning = catalogue().get(f"ruleset.value.{reading}.{value.strip().strip(chr(39) + chr(34))}")
    return _shown(value) + (f"（{meaning}）" if meaning else "")


def reason(message: str, path: str = "") -> tuple[str, bool]:
    """The loader's reason in Chinese, and whether it was understood (`path`: the item it is about)."""
    if re.search(r"[\u4e00-\u9fff]", message) and not re.search(r"[A-Za-z]{3,}", message):
        return message, True  # the loader said it in the catalogue's words already
    for pattern, code in _REASONS:
        found = pattern.match(message)
        if found:
            params: dict[str, object] = {k: _shown(v) for k, v in found.groupdict().items()}
            if "name" in params:  # a reading's key
                params["name"] = reading_name(found["name"])
            if code == "ruleset.reason.expected":
                kind = _KINDS.get(found["kind"])
                if kind is None:
                    break
                params["kind"] = word(f"ruleset.kind.{kind}", kind)
            if code in ("ruleset.reason.format", "ruleset.reason.newer_format", "ruleset.reason.old_format"):
                params["supported"] = SUPPORTED_FORMATS[-1]
            if code == "ruleset.reason.one_of":
                reading = re.fullmatch(r"readings\.(\w+)\.value", path)
                params["choices"] = "、".join(_choice(reading[1], c) if reading else _shown(c)
                                             for c in found["choices"].split(", ") if c)
            return render(Msg.of(code, **params)), True
    return render(Msg.of("ruleset.reason.other")), False


def told(problems: list[tuple[str, str]], text: str = "") -> list[RuleProblem]:
    """Each problem named by its item and told in Chinese (`text`: the file's, to quote a faulty line)."""
    told = []
    for path, message in problems:
        syntax = toml_reason(message, text)
        told.append(RuleProblem(path, where(path), *((syntax, True) if syntax else reason(message, path))))
    return told
