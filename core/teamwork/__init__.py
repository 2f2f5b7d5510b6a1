"""A team on site: field copies of the year handed to assessors, and merging them back into the year file
without losing an edit (conflicts shown for the lead to choose)."""
