"""The rule sets this program knows, found in one place: those it brings (resources/rules/) and those the
user imported or made (the profile folder's rules/), for the new-year dialog, the command line, the
year file's comparison with the program's rule set and 考核细则管理."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.common import os_errors
from core.common.atomic import write_atomically
from core.common.messages import Msg, render
from core.common.places import profile_dir
from core.scoring.rule_formats import CURRENT_FORMAT
from core.scoring.rules import DEFAULT_RULE_SET, RULES_DIR, NewerRuleSetFormat, RuleSet, RuleSetError, parse_rule_set

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownRuleSet:
    """A rule set the program knows: brought by the program, or imported or made by the user."""
    rules: RuleSet
    path: Path
    bundled: bool  # brought by the program (else imported or made by the user)


def imported_dir(environ: Mapping[str, str] = os.environ) -> Path:
    return profile_dir(environ) / "rules"


def _load(path: Path) -> RuleSet | None:
    try:
        return parse_rule_set(path.read_text(encoding="utf-8"), source=path.name)
    except (OSError, UnicodeDecodeError, RuleSetError) as exc:
        log.warning("rule set %s not loaded: %s", path, exc)
        return None


def scan(environ: Mapping[str, str] = os.environ) -> tuple[list[KnownRuleSet], list[tuple[Path, list[str]]]]:
    """Every rule-set file read once: the program's rule sets, then the user's, each id once (the
    program's wins); and the user's files the program cannot use, each with every problem in one
    Chinese sentence (a file imported before a check it fails was added, one written by a newer
    program, one damaged since)."""
    found: list[KnownRuleSet] = []
    unusable: list[tuple[Path, list[str]]] = []
    for bundled, folder in ((True, RULES_DIR), (False, imported_dir(environ))):
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            rules, problems = read_file(path)
            if rules is None:
                log.warning("rule set %s not loaded: %s", path, problems)
                if not bundled:
                    unusable.append((path, problems))
            elif all(k.rules.id != rules.id for k in found):
                found.append(KnownRuleSet(rules, path, bundled))
    return found, unusable


def known_rule_sets(environ: Mapping[str, str] = os.environ) -> list[KnownRuleSet]:
    """The program's rule sets, then the user's, each id once (the program's wins)."""
    return scan(environ)[0]


def find(rule_set_id: str, *, bundled_only: bool = False) -> RuleSet | None:
    """The known rule set with this id, or None."""
    folders = (RULES_DIR,) if bundled_only else (RULES_DIR, imported_dir())
    for folder in folders:
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            rules = _load(path)
            if rules is not None and rules.id == rule_set_id:
                return rules
    return None


def named(name: str, environ: Mapping[str, str] = os.environ) -> list[KnownRuleSet]:
    """The known rule sets a user's words name: by title, by 文号, or by both as the program shows them."""
    wanted = name.strip()
    return [k for k in known_rule_sets(environ)
            if wanted in (k.rules.title, k.rules.document, f"{k.rules.title}（{k.rules.document}）",
                          f"《{k.rules.title}》（{k.rules.document}）", k.rules.id)]


def rule_set_for(year_file: Path, rules_file: str | None) -> RuleSet | None:
    """The rule set a JSON year file is scored by: the given file, else the known one it names, else the default."""
    if rules_file:
        return parse_rule_set(Path(rules_file).read_text(encoding="utf-8"), source=str(rules_file))
    try:
        rule_set_id = json.loads(year_file.read_text(encoding="utf-8")).get("rule_set")
    except (ValueError, AttributeError):
        rule_set_id = None  # load_year reports the exact problem with the file
    if not isinstance(rule_set_id, str):
        return parse_rule_set(DEFAULT_RULE_SET.read_text(encoding="utf-8"), source=str(DEFAULT_RULE_SET))
    return find(rule_set_id)


def newer_format_sentence(found: int, title: str) -> str:
    """One sentence for a rule set written by a newer program, naming the format it needs."""
    return render(Msg.of("ruleset.newer_format", title=title, found=found, supported=CURRENT_FORMAT))


def _title_in(text: str) -> str:
    found = re.search(r'^title\s*=\s*"([^"\n]+)"', text, re.MULTILINE)
    return found.group(1) if found else ""


def read_text(text: str, name: str) -> tuple[RuleSet | None, list[str]]:
    """The rule set a text holds, or every problem with it, each one Chinese sentence naming the item."""
    try:
        return parse_rule_set(text, source=name), []
    except NewerRuleSetFormat as exc:
        return None, [newer_format_sentence(exc.found, _title_in(text) or name)]
    except RuleSetError as exc:
        from core.scoring.rule_problems import told  # its table of patterns: only for a faulty rule set
        return None, [p.text() for p in told(exc.problems, text)]


def read_file(path: Path) -> tuple[RuleSet | None, list[str]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None, [render(Msg.of("ruleset.not_text", file=path.name))]
    except OSError as exc:
        return None, [render(Msg.of("ruleset.unreadable", file=path.name, detail=render(os_errors.reason(exc))))]
    return read_text(text, path.name)


def _file_name(rule_set_id: str) -> str:
    return (re.sub(r"[^0-9A-Za-z_.\-\u4e00-\u9fff]", "_", rule_set_id).strip("._") or "rules") + ".toml"


def add(rules: RuleSet, environ: Mapping[str, str] = os.environ) -> tuple[KnownRuleSet | None, list[str]]:
    """Keep a checked rule set among the user's (imported or made here), unless its id is taken by
    another text: a year file names its rule set by id, so one id is one text."""
    for known in known_rule_sets(environ):
        if known.rules.id == rules.id:
            if known.rules.sha256 == rules.sha256:
                return known, []
            return None, [render(Msg.of("ruleset.id_taken", title=known.rules.title,
                                                          document=known.rules.document))]
    target = imported_dir(environ) / _file_name(rules.id)
    while target.exists():  # a file of that name holding another id (or one not loadable): never replaced
        target = target.with_name(f"{target.stem}_.toml")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, rules.source_text.encode("utf-8"))
    except OSError as exc:
        detail = render(os_errors.reason(exc))
        return None, [render(Msg.of("ruleset.write_failed", file=str(target), detail=detail))]
    return KnownRuleSet(rules, target, False), []


def import_file(path: Path, environ: Mapping[str, str] = os.environ) -> tuple[KnownRuleSet | None, list[str]]:
    """Check a rule-set file and keep it among the user's rule sets; every problem told, nothing kept then."""
    rules, problems = read_file(path)
    if rules is None:
        return None, problems
    return add(rules, environ)
