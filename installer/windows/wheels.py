"""Which of requirements.lock's pins the Windows build ships, and whether they are complete.

    python wheels.py select LOCK OUT            write OUT: the pins whose markers hold on Windows x64,
                                                CPython 3.13 (with their hashes), for pip download
    python wheels.py version4 VERSION           the version as a Windows file version (four numbers)
    python wheels.py check LOCK PYPROJECT DIR   every Requires-Dist of the wheels in DIR that holds on
                                                that platform names a pin of the lock; exit 1 if not
                                                (gaps listed in known-gaps.txt beside this file are
                                                reported, not fatal)

pip evaluates environment markers against the interpreter it runs in, not against --platform /
--python-version, so the markers are evaluated here with the target's values.
"""

from __future__ import annotations

import re
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

try:
    from packaging.markers import Marker
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip always carries a copy
    from pip._vendor.packaging.markers import Marker
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent

# The environment markers of 64-bit CPython 3.13 on Windows 10/11 (PEP 508 names).
WINDOWS_313 = {
    "implementation_name": "cpython",
    "implementation_version": "3.13.2",
    "os_name": "nt",
    "platform_machine": "AMD64",
    "platform_python_implementation": "CPython",
    "platform_release": "10",
    "platform_system": "Windows",
    "platform_version": "10.0.19045",
    "python_full_version": "3.13.2",
    "python_version": "3.13",
    "sys_platform": "win32",
    "extra": "",
}


def parse_lock(text: str) -> list[dict]:
    """The pins of a `uv pip compile --generate-hashes` file: name, version, marker, hashes."""
    pins = []
    joined = re.sub(r"\\\n", " ", text)
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
        spec = re.sub(r"\s*--hash=\S+", "", line).strip()
        req = Requirement(spec)
        version = next(iter(req.specifier)).version if req.specifier else ""
        pins.append({"name": canonicalize_name(req.name), "version": version,
                     "marker": str(req.marker) if req.marker else "", "hashes": hashes, "spec": spec})
    return pins


def marker_holds(marker: str, extra: str = "") -> bool:
    return not marker or Marker(marker).evaluate({**WINDOWS_313, "extra": extra})


def select(lock: Path, out: Path) -> list[dict]:
    pins = parse_lock(lock.read_text(encoding="utf-8"))
    kept, dropped = [], []
    for pin in pins:
        (kept if marker_holds(pin["marker"]) else dropped).append(pin)
    lines = [f"# The pins of {lock.name} for Windows x64, CPython 3.13 (made by installer/windows/wheels.py)"]
    for pin in kept:
        if not pin["hashes"]:
            raise SystemExit(f"wheels: {pin['name']} has no hash in {lock}")
        hashes = " ".join(f"--hash=sha256:{h}" for h in pin["hashes"])
        lines.append(f"{pin['name']}=={pin['version']} {hashes}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for pin in kept:
        print(f"  ship  {pin['name']}=={pin['version']}" + (f"   ({pin['marker']}: true)" if pin["marker"] else ""))
    for pin in dropped:
        print(f"  skip  {pin['name']}=={pin['version']}   ({pin['marker']}: false on Windows / 3.13)")
    return kept


def known_gaps() -> dict[str, str]:
    gaps = {}
    path = HERE / "known-gaps.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                gaps[canonicalize_name(name)] = reason.strip()
    return gaps


def wheel_requires(wheel: Path) -> tuple[str, list[str]]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        msg = Parser().parsestr(zf.read(meta).decode("utf-8"))
    return canonicalize_name(msg["Name"]), msg.get_all("Requires-Dist") or []


def check(lock: Path, pyproject: Path, wheel_dir: Path) -> int:
    pinned = {p["name"] for p in parse_lock(lock.read_text(encoding="utf-8")) if marker_holds(p["marker"])}
    extras: dict[str, set[str]] = {}
    for dep in tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]:
        req = Requirement(dep)
        extras.setdefault(canonicalize_name(req.name), set()).update(req.extras)
    wheels = sorted(wheel_dir.glob("*.whl"))
    have = set()
    missing: dict[str, list[str]] = {}
    for wheel in wheels:
        name, requires = wheel_requires(wheel)
        have.add(name)
        for text in requires:
            req = Requirement(text)
            wanted = any(marker_holds(str(req.marker) if req.marker else "", extra)
                         for extra in {""} | extras.get(name, set()))
            if wanted and canonicalize_name(req.name) not in pinned:
                missing.setdefault(canonicalize_name(req.name), []).append(f"{name} ({text})")
    absent = sorted(pinned - have)
    if absent:
        print("wheels: pinned for Windows but not downloaded: " + ", ".join(absent))
        return 1
    gaps, status = known_gaps(), 0
    for name, by in sorted(missing.items()):
        if name in gaps:
            print(f"  known gap: {name} wanted by {'; '.join(by)} - {gaps[name]}")
        else:
            print(f"wheels: {name} is required on Windows by {'; '.join(by)} but requirements.lock has no pin for it")
            status = 1
    if status == 0:
        print(f"  dependency closure on Windows / 3.13: complete ({len(wheels)} wheels)")
    return status


def version4(version: str) -> str:
    """A version as the four numbers of a Windows file version: 0.1.0 -> 0.1.0.0, 1.2rc1 -> 1.2.0.0."""
    match = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?", version.strip())
    if not match:
        raise SystemExit(f"wheels: {version!r} is not a version")
    return ".".join(part or "0" for part in match.groups())


def main(argv: list[str]) -> int:
    if argv[:1] == ["version4"] and len(argv) == 2:
        print(version4(argv[1]))
        return 0
    if argv[:1] == ["select"] and len(argv) == 3:
        select(Path(argv[1]), Path(argv[2]))
        return 0
    if argv[:1] == ["check"] and len(argv) == 4:
        return check(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
