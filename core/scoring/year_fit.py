"""Whether a year's facts can be read under a rule set at all: the year's 考核年度 is the rule set's, and the
rule set is the one the year was recorded under. Said in one sentence before the facts are checked, since
every fact checked against another year's rules would be a problem of its own."""

from __future__ import annotations

from typing import Any

from core.common.messages import Msg
from core.scoring import rule_library
from core.scoring.rules import RuleSet


def year_misfit(file_name: str, document: Any, rules: RuleSet) -> Msg | None:
    """Why the exchange-format year `document` cannot be scored under `rules`, or None. A document whose
    year or rule set is not stated as the format says is left to the check of its facts to name."""
    if not isinstance(document, dict):
        return None
    year, rule_set_id = document.get("year"), document.get("rule_set")
    if isinstance(year, int) and not isinstance(year, bool) and year != rules.year:
        return Msg.of("year.rules_other_year", file=file_name, year=year, title=rules.title,
                      rules_year=rules.year)
    if isinstance(rule_set_id, str) and rule_set_id != rules.id:
        named = rule_library.find(rule_set_id)
        if named is None:
            return Msg.of("year.rules_other_rule_set_unknown", file=file_name, title=rules.title)
        return Msg.of("year.rules_other_rule_set", file=file_name, named=named.title, title=rules.title)
    return None
