"""The compiled methods of dataclasses and named tuples kept from one run to the next, as Python keeps
a module's bytecode: the standard library writes their __init__, __eq__, __repr__ … as source text
and compiles it at every start, about half the time of importing core/.

`install` makes the `dataclasses` and `collections` modules look each text up here before compiling
it. An entry is named by the whole text it was compiled from, and the file by the interpreter's
version, so a changed class simply finds no entry and is compiled as before. Each entry is kept
marshalled until a class asks for it: the file holds the methods of every class any run has made
(the tests' too), and unmarshalling them all took most of this module's time at each start. The file lives beside
core's bytecode (`core/__pycache__`) and is written, like the bytecode, only where that folder can be
written; a missing, damaged or unwritable file costs only the compiling.
"""

from __future__ import annotations

import atexit
import builtins
import collections
import dataclasses
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

CACHE_FILE = (Path(__file__).resolve().parent.parent / "__pycache__"
              / f"generated-methods.{sys.implementation.cache_tag}.marshal")
_MOST_KEPT = 4000  # entries no longer asked for are dropped once the file would hold more than this

_stored: dict[str, bytes] = {}  # "exec:" or "eval:" + the text -> its code, marshalled
_codes: dict[str, CodeType] = {}  # the entries asked for in this run
_used: set[str] = set()
_added = False


def load(path: Path) -> None:
    """Take the entries of `path` in; a file that is missing or not one of ours is passed over."""
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return
    if isinstance(loaded, dict):
        _stored.update((key, code) for key, code in loaded.items() if isinstance(key, str) and isinstance(code, bytes))


def _unmarshalled(key: str) -> CodeType | None:
    try:
        code = marshal.loads(_stored[key])
    except (KeyError, ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def compiled(text: str, mode: str) -> CodeType:
    """compile(text) as exec and eval would compile it inside dataclasses and collections: neither
    module has a __future__ import, so none of ours may reach the compiler (dont_inherit)."""
    global _added
    key = f"{mode}:{text}"
    code = _codes.get(key) or _unmarshalled(key)
    if code is None:
        code = compile(text, "<string>", mode, dont_inherit=True)
        _stored[key] = marshal.dumps(code)
        _added = True
    _codes[key] = code
    _used.add(key)
    return code


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> Any:
    if isinstance(source, str):
        source = compiled(source, "exec")
    return builtins.exec(source, globals, locals, **kwargs)


def _eval(source: Any, globals: Any = None, locals: Any = None, /) -> Any:
    if isinstance(source, str):
        source = compiled(source, "eval")
    return builtins.eval(source, globals, locals)


def save(path: Path) -> None:
    """Write the entries back when this run compiled any (atomically: several runs may end at once)."""
    if not _added or sys.dont_write_bytecode:
        return
    kept = _stored if len(_stored) <= _MOST_KEPT else {key: _stored[key] for key in _used}
    try:
        from core.common.atomic import write_atomically
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, marshal.dumps(kept), durable=False)  # a cache: compiled again when lost
    except (OSError, ValueError):
        pass  # a read-only install or a full disk only costs the next start the compiling


def install(path: Path = CACHE_FILE) -> None:
    """From now on the two modules' generated methods come from the cache (the module-level name
    `exec` or `eval` is looked up in the module before the builtins)."""
    if getattr(dataclasses, "exec", None) is _exec:
        return
    load(path)
    vars(dataclasses)["exec"] = _exec
    vars(collections)["eval"] = _eval
    atexit.register(save, path)
