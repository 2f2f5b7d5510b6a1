"""A rule set's data written back as a rule-set file (TOML) laid out as the bundled ones are: identity
first, then [[sections]], [[clauses]] (params and evidence inline), [negative], [grades], [readings.*]."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # escaped in a one-line string (\n and \t are escaped by name)
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # … in a multi-line one
# Lists of tables written as [[name]] blocks; every other list of tables is written inline.
_TABLE_ARRAYS = {"sections", "clauses", "deductions", "vetoes"}


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    escaped = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def _long_string(text: str) -> str:
    """Multi-line texts (the official clauses) stay readable: a \"\"\" string, line by line."""
    body = text.replace("\\", "\\\\").replace('"""', '""\\"')
    body = _CONTROL_IN_LINES.sub(lambda m: f"\\u{ord(m.group()):04x}", body)
    if body.endswith('"'):
        body = body[:-1] + '\\"'
    return f'"""{body}"""'


def value(item: Any) -> str:
    """One value, inline."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if not math.isfinite(item):
            return "nan" if math.isnan(item) else ("inf" if item > 0 else "-inf")
        return repr(item)  # the shortest text that reads back as the same number: 0.08 stays 0.08
    if isinstance(item, (dt.datetime, dt.date)):
        return item.isoformat()
    if isinstance(item, str):
        return _long_string(item) if "\n" in item else _string(item)
    if isinstance(item, dict):
        return "{ " + ", ".join(f"{_key(k)} = {value(v)}" for k, v in item.items()) + " }" if item else "{}"
    if isinstance(item, (list, tuple)):
        return "[" + ", ".join(value(v) for v in item) + "]"
    raise TypeError(f"cannot write {type(item).__name__} in a rule set")


def _is_table(item: Any) -> bool:
    return isinstance(item, dict)


def _is_table_array(key: str, item: Any) -> bool:
    return key in _TABLE_ARRAYS and isinstance(item, list) and all(isinstance(x, dict) for x in item)


def _body(table: dict[str, Any], name: str, lines: list[str]) -> None:
    """The keys of one table, then its sub-tables and arrays of tables."""
    later: list[tuple[str, Any]] = []
    for key, item in table.items():
        if _is_table_array(key, item) or _is_table(item) and (name == "readings" or key in ("negative", "grades",
                                                                                               "readings")):
            later.append((key, item))
        else:
            lines.append(f"{_key(key)} = {value(item)}")
    for key, item in later:
        full = f"{name}.{_key(key)}" if name else _key(key)
        if _is_table_array(key, item):
            for entry in item:
                lines += ["", f"[[{full}]]"]
                _body(entry, full, lines)
        elif key == "readings" and not name:  # one [readings.NAME] block per reading
            for reading, entry in item.items():
                lines += ["", f"[{full}.{_key(reading)}]"]
                _body(entry, f"{full}.{_key(reading)}", lines)
        else:
            lines += ["", f"[{full}]"]
            _body(item, full, lines)


def dumps(data: dict[str, Any], header: str = "") -> str:
    """The rule set as a file: `header` as comment lines, then the data."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    if lines:
        lines.append("")
    _body(data, "", lines)
    return "\n".join(lines) + "\n"
