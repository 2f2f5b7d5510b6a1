"""The people who count: the people tables imported from the units' workbooks, matched into headcounts, and the
platform's statistics."""
