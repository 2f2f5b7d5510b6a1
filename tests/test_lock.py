"""The lock files agree with pyproject.toml, and this environment holds exactly what they pin."""

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.lock", "requirements-test.lock")


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lockstamp = load_script("lockstamp")
lockcheck = load_script("lockcheck")


def recorded_stamp(lock: Path) -> str:
    found = re.search(r"^# pyproject-dependencies-sha256: ([0-9a-f]{64})$", lock.read_text(encoding="utf-8"), re.M)
    return found[1] if found else ""


def all_pins(lock: Path) -> dict[str, str]:
    """Every pin of the lock, whatever its marker."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        found = lockcheck.PIN.match(line)
        if found:
            pins[lockcheck.normalise(found[1])] = found[2]
    return pins


def unsatisfied(pyproject: Path, lock: Path, extras: tuple[str, ...] = ()) -> list[str]:
    """pyproject.toml's requirements that the lock's pins do not satisfy."""
    import tomllib
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    pins = all_pins(lock)
    problems = []
    for text in wanted:
        req = Requirement(text)
        pinned = pins.get(lockcheck.normalise(req.name))
        if pinned is None or not req.specifier.contains(pinned, prereleases=True):
            problems.append(f"{text}: the lock has {pinned or 'nothing'}")
    return problems


def stale_locks(root: Path) -> list[str]:
    stamp = lockstamp.dependency_stamp(root / "pyproject.toml")
    return [name for name in LOCKS if recorded_stamp(root / name) != stamp]


def test_the_locks_were_made_from_todays_pyproject():
    assert stale_locks(ROOT) == [], "pyproject.toml changed: run scripts/lock.sh and commit the lock files"


def test_every_requirement_of_pyproject_is_satisfied_by_its_lock():
    assert unsatisfied(ROOT / "pyproject.toml", ROOT / "requirements.lock") == []
    assert unsatisfied(ROOT / "pyproject.toml", ROOT / "requirements-test.lock", ("test",)) == []


def test_the_test_lock_pins_the_program_exactly_as_the_program_lock():
    program, tests = all_pins(ROOT / "requirements.lock"), all_pins(ROOT / "requirements-test.lock")
    assert {name: tests.get(name) for name in program} == program


@pytest.mark.parametrize("name", LOCKS)
def test_every_pin_is_exact_and_carries_hashes(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2].strip())
    assert len(entries) == len(all_pins(ROOT / name)) > 10
    for entry in entries:
        assert "==" in entry.splitlines()[0], entry
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry


def test_this_environment_holds_exactly_the_test_lock():
    assert lockcheck.differences(ROOT / "requirements-test.lock") == []


# The checks above must be able to fail: each is tried on a copy that disagrees.

def test_a_changed_dependency_list_makes_the_locks_stale(tmp_path):
    for name in ("pyproject.toml", *LOCKS):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    assert stale_locks(tmp_path) == []
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        '"openpyxl', '"xlrd>=2",\n    "openpyxl', 1), encoding="utf-8")
    assert stale_locks(tmp_path) == list(LOCKS)
    assert unsatisfied(pyproject, tmp_path / "requirements.lock") == ["xlrd>=2: the lock has nothing"]


def test_a_pin_outside_pyproject_s_range_is_reported(tmp_path):
    lock = tmp_path / "requirements.lock"
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    lock.write_text(re.sub(r"^openpyxl==\S+", "openpyxl==2.6.4", text, flags=re.M), encoding="utf-8")
    problems = unsatisfied(ROOT / "pyproject.toml", lock)
    assert len(problems) == 1 and problems[0].startswith("openpyxl") and "2.6.4" in problems[0]


def test_an_environment_that_differs_from_the_lock_is_reported(tmp_path, monkeypatch):
    lock = tmp_path / "requirements.lock"
    lock.write_text("pytest==0.0.1 \\\n    --hash=sha256:" + "0" * 64 + "\n"
                    "colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:" + "1" * 64 + "\n",
                    encoding="utf-8")
    monkeypatch.setattr(lockcheck, "installed", lambda: {"pytest": "9.2.0", "leftover": "1.0"})
    problems = lockcheck.differences(lock)
    assert "pytest: the lock pins 0.0.1, installed 9.2.0" in problems
    assert "leftover 1.0: installed but not in the lock" in problems
    assert not any("colorama" in p for p in problems) or sys.platform == "win32"
