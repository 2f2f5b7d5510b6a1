"""Excel in and out: the limits, reading and checking of the units' workbooks, the column mapping, partial imports,
the problem lists and the annex forms."""
