"""The compiled methods of dataclasses and named tuples, kept between runs: the same classes, made
without compiling the second time; a damaged file passed over; nothing of the cache's own
compiler flags in the methods."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# A new interpreter for each run, as each start of the program is: the classes are made with the
# cache read from the file named on the command line, and described as JSON.
CHILD = """
import json, sys
from pathlib import Path
sys.dont_write_bytecode = False
from core.common import method_cache
method_cache._stored.clear()
method_cache._codes.clear()
method_cache._used.clear()
method_cache._added = False
method_cache.load(Path(sys.argv[1]))
import dataclasses, inspect, typing

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 2

class Pair(typing.NamedTuple):
    left: str
    right: float = 1.5

described = {
    "compiled": method_cache._added,
    "repr": repr(Point(1)),
    "ordered": Point(1) < Point(1, 3) and not Point(2) < Point(1),
    "equal": Point(1, 2) == Point(1) and hash(Point(1, 2)) == hash(Point(1)),
    "frozen": not hasattr(Point, "__dict__") or "__setattr__" in vars(Point),
    "annotation": inspect.signature(Point.__init__).parameters["x"].annotation is int,
    "pair": repr(Pair("a")),
    "pair_fields": list(Pair._fields),
    "unmarshalled": sorted(method_cache._codes) == sorted(method_cache._used),
}
try:
    Point(1).x = 5
except dataclasses.FrozenInstanceError:
    described["refused"] = True
method_cache.save(Path(sys.argv[1]))
print(json.dumps(described))
"""


def made_with(cache: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(cache)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    return json.loads(done.stdout)


def test_the_second_run_makes_the_same_classes_without_compiling(tmp_path: Path) -> None:
    cache = tmp_path / "methods.marshal"
    first = made_with(cache)
    assert first["compiled"] is True
    assert cache.stat().st_size > 0
    second = made_with(cache)
    assert second["compiled"] is False  # every method of both classes came from the file
    assert {**second, "compiled": True} == first
    assert second == {"compiled": False, "repr": "Point(x=1, y=2)", "ordered": True, "equal": True, "frozen": True,
                      "annotation": True, "pair": "Pair(left='a', right=1.5)", "pair_fields": ["left", "right"],
                      "unmarshalled": True, "refused": True}


def test_the_methods_carry_none_of_the_cache_modules_compiler_flags(tmp_path: Path) -> None:
    # method_cache.py has `from __future__ import annotations`; were it passed on to the compiler,
    # the generated __init__ would annotate x with the string "_type_x" instead of int
    assert made_with(tmp_path / "methods.marshal")["annotation"] is True


def test_a_damaged_file_is_passed_over_and_written_anew(tmp_path: Path) -> None:
    cache = tmp_path / "methods.marshal"
    cache.write_bytes(b"\x00not a cache at all")
    assert made_with(cache)["compiled"] is True
    assert made_with(cache)["compiled"] is False


def test_the_program_keeps_the_file_beside_cores_bytecode() -> None:
    from core.common import method_cache
    assert method_cache.CACHE_FILE.parent == ROOT / "core" / "__pycache__"
    assert sys.implementation.cache_tag in method_cache.CACHE_FILE.name


def test_entries_no_class_asks_for_stay_marshalled_and_a_damaged_one_is_compiled_again(tmp_path: Path) -> None:
    import marshal
    cache = tmp_path / "methods.marshal"
    first = made_with(cache)
    entries = marshal.loads(cache.read_bytes())
    assert entries and all(isinstance(v, bytes) for v in entries.values())
    entries["exec:never asked for"] = b"\x00not code"  # were it unmarshalled, the run would pass it over
    cache.write_bytes(marshal.dumps(entries))
    assert made_with(cache) == {**first, "compiled": False}
    damaged = dict(entries)
    init = next(key for key in damaged if "__init__(self" in key and "_type_x" in key)
    damaged[init] = b"\x00not code"
    cache.write_bytes(marshal.dumps(damaged))
    assert made_with(cache) == first  # compiled again (and written back whole)
    assert isinstance(marshal.loads(marshal.loads(cache.read_bytes())[init]), type(compile("", "", "exec")))
