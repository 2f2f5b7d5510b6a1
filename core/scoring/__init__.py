"""Scoring: the rule set, the year's facts, the clause formulas, the year engine, the guided assessment and the
report."""
