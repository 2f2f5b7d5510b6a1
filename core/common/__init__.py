"""What every part of core/ speaks: messages and problems as values, the TOML cache, identifiers and the ways dates
are written."""
