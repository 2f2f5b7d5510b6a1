"""A new year's rule set made from a known one: its items edited one by one (numbers, texts, evidence
items, readings, grade quotas), the whole checked after every edit as the loader checks a file, and
written as a rule-set file to hand to colleagues."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Iterable
from typing import Any

from core.common.messages import Msg, render
from core.scoring.rule_formats import split_parameters
from core.scoring.rule_problems import RuleProblem, told, where, word
from core.scoring.rule_writer import dumps
from core.scoring.rules import RuleSet, RuleSetError, parse_rule_set

Key = str | int
ItemPath = tuple[Key, ...]


def _shift_year(day: Any, years: int) -> Any:
    if not isinstance(day, dt.date):
        return day
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _number(value: Any) -> float | None:
    """A figure of the rules: a number, or a threshold's value."""
    if isinstance(value, dict):
        value = value.get("value")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _figure(number: float) -> str:
    return f"{number:g}"


def _says(text: str, number: float) -> bool:
    """Whether a text writes this number (50 in 不低于50人, 1.5 in 减1.5分, 0.5 as 50%), not as part of another."""
    written = [_figure(number)] + ([f"{number * 100:g}%", f"{number * 100:g}％"] if 0 < number < 1 else [])
    return any(re.search(rf"(?<![\d.]){re.escape(w)}(?![\d.]|$)" if not w.endswith(("%", "％"))
                         else rf"(?<![\d.]){re.escape(w)}", text + " ") for w in written)


class RuleSetDraft:
    """The data of a rule set being made, with its base (the rule set it starts from)."""

    def __init__(self, base: RuleSet, data: dict[str, Any], taken: Iterable[tuple[str, str]] = ()):
        self.base = base
        self.data = data
        self.taken = dict(taken)  # id -> title of every known rule set (an id is one text)

    @classmethod
    def next_year(cls, base: RuleSet, taken: Iterable[tuple[str, str]] = ()) -> RuleSetDraft:
        """The base rule set moved to the following year: year, period, issue date, id and title."""
        data = tomllib.loads(base.source_text)
        split_parameters(data)  # a base stored before trainees and interns were told apart
        year = base.year + 1
        data["year"] = year
        for key in ("period_start", "period_end", "issued"):
            data[key] = _shift_year(data.get(key), 1)
        if isinstance(data.get("id"), str):
            data["id"] = (re.sub(rf"{base.year}$", str(year), data["id"]) if data["id"].endswith(str(base.year))
                          else f"{data['id']}-{year}")
        if isinstance(data.get("title"), str):
            data["title"] = data["title"].replace(f"{base.year}年", f"{year}年")
        return cls(base, data, taken)

    # ------------------------------------------------------------------ items

    def get(self, path: ItemPath) -> Any:
        node: Any = self.data
        for key in path:
            node = node[key]
        return node

    def set(self, path: ItemPath, item: Any) -> None:
        parent = self.get(path[:-1])
        parent[path[-1]] = item

    def add_evidence(self, clause: int, key: str) -> int:
        """A new evidence item at the end of the clause's list; its row."""
        items = self.data["clauses"][clause].setdefault(key, [])
        used = {e.get("id") for e in items if isinstance(e, dict)}
        number = len(items) + 1
        while f"item{number}" in used:
            number += 1
        items.append({"id": f"item{number}", "label": ""})
        return len(items) - 1

    def remove_evidence(self, clause: int, key: str, row: int) -> None:
        """Remove an evidence item, and its id from the clause's parameters and the readings that list it (an
        item is named by its id only inside the file: removing it means nothing needs it any more). A parameter
        naming that one item alone keeps it, for the check to say the item is missing."""
        entry = self.data["clauses"][clause]
        gone = entry[key].pop(row)
        item = gone.get("id") if isinstance(gone, dict) else None
        if item is None or any(isinstance(e, dict) and e.get("id") == item
                               for k in ("evidence", "record_evidence") for e in entry.get(k, [])):
            return
        lists = [entry.get("params", {})] + [r for r in self.data.get("readings", {}).values() if isinstance(r, dict)]
        for holder in lists:
            for name, value in holder.items():
                if isinstance(value, list) and item in value:
                    holder[name] = [v for v in value if v != item]

    def loader_path(self, path: ItemPath) -> str:
        """The item's key path as the loader names it (clauses[2.1].params.top), to match its problems."""
        parts: list[str] = []
        node: Any = self.data
        for key in path:
            if isinstance(key, int):
                entry = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
                # as the loader names them: clauses[2.1], sections[一]
                named = bool(parts) and parts[-1] in ("clauses", "sections") and isinstance(entry, dict)
                label = (entry.get("id") or key) if named and isinstance(entry, dict) else key
                parts[-1] += f"[{label}]"
                node = entry
            else:
                parts.append(key)
                node = node.get(key) if isinstance(node, dict) else None
        return ".".join(parts)

    def where(self, path: ItemPath) -> str:
        return where(self.loader_path(path))

    # ------------------------------------------------------------------ the file

    def header(self) -> str:
        return render(Msg.of("ruleset.draft_header", title=self.base.title, document=self.base.document,
                             sha=self.base.sha256))

    def text(self) -> str:
        return dumps(self.data, self.header())

    def sha256(self) -> str:
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()

    def check(self) -> tuple[RuleSet | None, list[RuleProblem]]:
        """The rule set the draft makes, or every problem with it (as a file would be checked, and the identity:
        an id another rule set has, the base's 文号), all of them at once."""
        problems = []
        if self.data.get("id") in self.taken:
            problems.append(RuleProblem("id", where("id"), render(Msg.of("ruleset.reason.id_taken",
                                                                         title=self.taken[self.data["id"]])), True))
        if self.data.get("document") == self.base.document:
            problems.append(RuleProblem("document", where("document"), render(Msg.of("ruleset.reason.same_document")),
                                        True))
        try:
            rules = parse_rule_set(self.text(), source=str(self.data.get("id") or ""))
        except RuleSetError as exc:
            return None, problems + told(exc.problems)
        return (None, problems) if problems else (rules, [])

    def old_numbers(self) -> list[RuleProblem]:
        """Where a clause's official text (or the description of a reading it applies) still says a number of the
        base that the draft changed (the points, a parameter) and not the new one: for the assessor to rewrite the
        text, which the program never does. Told, not refused: a text may say a number for another reason."""
        source = tomllib.loads(self.base.source_text)
        base = {c.get("id"): c for c in source.get("clauses", []) if isinstance(c, dict)}
        readings, base_readings = self.data.get("readings", {}), source.get("readings", {})
        notes = []
        for clause in self.data.get("clauses", []):
            was = base.get(clause.get("id"))
            if not isinstance(clause, dict) or was is None:
                continue
            changed = [(word("ruleset.key.points", "分值"), was.get("points"), clause.get("points"))]
            changed += [(word(f"ruleset.param.{name}", name), was.get("params", {}).get(name), value)
                        for name, value in clause.get("params", {}).items()]
            texts = [(f"clauses[{clause.get('id')}].text", clause.get("text", ""), was.get("text"))]
            texts += [(f"readings.{name}.description", readings[name].get("description", ""),
                       base_readings.get(name, {}).get("description"))
                      for name in clause.get("readings", []) if isinstance(readings.get(name), dict)]
            for label, old, new in changed:
                old, new = _number(old), _number(new)
                if old is None or new is None or old == new:
                    continue
                for path, text, text_was in texts:  # a text not rewritten since, or not saying the new figure
                    if isinstance(text, str) and _says(text, old) and (text == text_was or not _says(text, new)):
                        notes.append(RuleProblem(path, where(path), render(Msg.of(
                            "ruleset.note.old_number", item=label, old=_figure(old), new=_figure(new))), True))
        return notes

    def copy(self) -> RuleSetDraft:
        return RuleSetDraft(self.base, copy.deepcopy(self.data), self.taken.items())
