"""Compares the packages installed in this Python with a lock file's pins for this platform.

Usage: python scripts/lockcheck.py LOCK [--extras]
Prints one line per difference and exits 1 when there is any. With --extras it prints only the
names of installed packages the lock does not hold (setup.sh removes them).
"""

import re
import sys
from importlib import metadata
from pathlib import Path

try:
    from packaging.markers import Marker
except ImportError:  # the program's own venv has no packaging; pip always carries a copy
    from pip._vendor.packaging.markers import Marker

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_pins(lock: Path) -> dict[str, str]:
    """The lock's name → version pins whose markers hold on this platform."""
    pins: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        found = PIN.match(line)
        if found and (found[3] is None or Marker(found[3]).evaluate()):
            pins[normalise(found[1])] = found[2]
    return pins


def installed() -> dict[str, str]:
    return {normalise(d.metadata["Name"]): d.version for d in metadata.distributions()}


def differences(lock: Path) -> list[str]:
    pins, have = locked_pins(lock), installed()
    problems = [f"{name}: the lock pins {version}, installed {have.get(name, 'nothing')}"
                for name, version in sorted(pins.items()) if have.get(name) != version]
    problems += [f"{name} {version}: installed but not in the lock"
                 for name, version in sorted(have.items()) if name not in pins]
    return problems


def main(argv: list[str]) -> int:
    lock = Path(argv[0])
    if "--extras" in argv:
        pins = locked_pins(lock)
        print("\n".join(name for name in sorted(installed()) if name not in pins))
        return 0
    problems = differences(lock)
    print("\n".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
