"""A file name as a user typed it, completed with the extension its kind of file takes."""

from __future__ import annotations

from pathlib import Path


def with_extension(path: Path, extension: str, accepted: tuple[str, ...] = ()) -> Path:
    """`path` as given when it already ends in `extension` (or one of `accepted`), in any case; else with
    `extension` added to its name (never replacing what follows a dot the user typed: 2022.汇总 → 2022.汇总.xlsx)."""
    if path.suffix.lower() in {extension.lower(), *(a.lower() for a in accepted)}:
        return path
    return path.with_name(path.name + extension)
