"""Assessment years beyond one file: a new year continued from the last, and each unit's results across the
year files the program knows."""
