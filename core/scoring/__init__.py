"""Scoring: the rule set, the year's facts, the formula kinds (kinds.py: each declared once), the clause formulas
and rankings, the year engine, the guided assessment and the report."""
