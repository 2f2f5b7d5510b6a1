"""TOML texts parsed once per user, not at every start: the rule sets and the message catalogue
take longer to parse (pure-Python tomllib) than to read back from a cache of their parsed form.

The cache is off until the desktop names a folder (`set_folder`); the command line parses as
before. Entries are named by the SHA-256 of the text and the Python version, so an edited file is
never served stale; a missing or unreadable entry is parsed again and rewritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import sys
from pathlib import Path
from typing import Any

from core.common.atomic import write_atomically

_folder: Path | None = None
# marshal knows no dates: TOML's date and time values travel as tagged tuples (tomllib makes lists,
# never tuples, so a tuple is always one of these).
_TYPES = {"date": dt.date, "datetime": dt.datetime, "time": dt.time}


def set_folder(folder: str | Path | None) -> None:
    global _folder
    _folder = None if folder is None else Path(folder)


def loads(text: str) -> dict[str, Any]:
    """tomllib.loads(text), read from the cache when this very text was parsed before."""
    if _folder is None:
        return _parse(text)
    entry = _folder / f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}.{sys.implementation.cache_tag}.marshal"
    try:
        cached = _thaw(marshal.loads(entry.read_bytes()))
        if isinstance(cached, dict):
            return cached
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        pass  # not there yet, or damaged: parse again
    parsed = _parse(text)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(entry, marshal.dumps(_freeze(parsed)), durable=False)  # a cache: parsed again when lost
    except (OSError, ValueError):
        pass  # a read-only or full disk only costs the next start the parse
    return parsed


def _parse(text: str) -> dict[str, Any]:
    """tomllib.loads; raises tomllib.TOMLDecodeError, a ValueError."""
    import tomllib  # here: a start that finds everything cached does not load the parser at all
    return tomllib.loads(text)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_freeze(v) for v in value]
    for tag, kind in reversed(_TYPES.items()):  # datetime before date: a datetime is a date too
        if isinstance(value, kind):
            return (tag, value.isoformat())
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    if isinstance(value, tuple):
        tag, text = value
        return _TYPES[tag].fromisoformat(text)
    return value
