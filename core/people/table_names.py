"""Which people table each import kind fills: names only, for what must not load the people's record classes
(the quick check of opening a year)."""

from __future__ import annotations

# Each import kind's table (resources/excel/import-kinds.toml), and the people tables they fill.
KIND_TABLE = {
    "arrivals": "roster_entries", "placements": "roster_entries", "monthly_reports": "monthly_report_entries",
    "traineeship_list": "traineeship_list", "platform_deliveries": "platform_delivery_records",
    "platform_ratings": "platform_ratings",
}
PEOPLE_TABLES = tuple(dict.fromkeys(KIND_TABLE.values()))
ROSTER_KINDS = ("arrivals", "placements")  # a unit's rosters: its bases' people are counted from them
