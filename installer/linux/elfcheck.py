#!/usr/bin/env python3
"""What the ELF files of a package tree ask of the machine they run on, read from the files alone
(no objdump, no loader, any architecture):

    elfcheck.py floor ROOT --max GLIBC_2.28 [--max GLIBCXX_3.4.25 ...]
        the highest symbol version each ELF file needs from each versioned library family
        (GLIBC_, GLIBCXX_, CXXABI_, GCC_); exit 1 when any is above the given maximum
    elfcheck.py needs ROOT --map system-libs.txt [--depends-out FILE]
        each library (DT_NEEDED) that is not found inside ROOT through the file's RUNPATH/RPATH
        ($ORIGIN) must be named in the map, which tells the Debian package that provides it; exit 1
        for any that is not; --depends-out writes the packages the required files need, for the
        control file's Depends

The map file has one library a line, `soname package`, `soname -` for glibc's own libraries (covered
by the libc6 dependency), and `optional GLOB` lines naming files (paths relative to ROOT, fnmatch)
that Qt loads only on demand (a platform theme of another desktop, a Wayland plugin): their
libraries are reported but do not become dependencies.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

SHT_DYNAMIC = 6
SHT_GNU_VERNEED = 0x6FFFFFFE
DT_NEEDED, DT_RPATH, DT_RUNPATH = 1, 15, 29


@dataclass
class Elf:
    path: Path
    machine: int
    needed: list[str] = field(default_factory=list)
    runpath: list[str] = field(default_factory=list)
    versions: dict[str, set[str]] = field(default_factory=dict)  # library soname -> version names


def read_elf(path: Path) -> Elf | None:
    """The dynamic section's NEEDED/RUNPATH and the version needs (.gnu.version_r); None if not ELF."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or len(data) < 64:
        return None
    bits, endian = data[4], data[5]
    if bits not in (1, 2) or endian not in (1, 2):
        return None
    e = "<" if endian == 1 else ">"
    if bits == 2:
        machine, = struct.unpack_from(e + "H", data, 18)
        shoff, = struct.unpack_from(e + "Q", data, 40)
        shentsize, shnum = struct.unpack_from(e + "HH", data, 58)
        def section(i):  # name, type, offset, size, link
            _, stype, _, _, off, size, link = struct.unpack_from(e + "IIQQQQI", data, shoff + i * shentsize)
            return stype, off, size, link
        dyn_fmt, dyn_size = e + "qQ", 16
    else:
        machine, = struct.unpack_from(e + "H", data, 18)
        shoff, = struct.unpack_from(e + "I", data, 32)
        shentsize, shnum = struct.unpack_from(e + "HH", data, 46)
        def section(i):
            _, stype, _, _, off, size, link = struct.unpack_from(e + "IIIIIII", data, shoff + i * shentsize)
            return stype, off, size, link
        dyn_fmt, dyn_size = e + "iI", 8
    elf = Elf(path, machine)
    if not shoff or not shnum:
        return elf
    sections = [section(i) for i in range(shnum)]

    def string(table: int, offset: int) -> str:
        start = sections[table][1] + offset
        return data[start:data.index(b"\0", start)].decode("utf-8", "replace")

    for stype, off, size, link in sections:
        if stype == SHT_DYNAMIC:
            for pos in range(off, off + size, dyn_size):
                tag, val = struct.unpack_from(dyn_fmt, data, pos)
                if tag == 0:
                    break
                if tag == DT_NEEDED:
                    elf.needed.append(string(link, val))
                elif tag in (DT_RPATH, DT_RUNPATH):
                    elf.runpath.extend(p for p in string(link, val).split(":") if p)
        elif stype == SHT_GNU_VERNEED:
            pos = off
            while True:  # Elf_Verneed: version, cnt, file, aux, next
                _, cnt, file_off, aux, nxt = struct.unpack_from(e + "HHIII", data, pos)
                names = elf.versions.setdefault(string(link, file_off), set())
                apos = pos + aux
                for _ in range(cnt):  # Elf_Vernaux: hash, flags, other, name, next
                    _, _, _, name_off, anext = struct.unpack_from(e + "IHHII", data, apos)
                    names.add(string(link, name_off))
                    if not anext:
                        break
                    apos += anext
                if not nxt:
                    break
                pos += nxt
    return elf


def elf_files(root: Path):
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            with open(path, "rb") as f:
                if f.read(4) != b"\x7fELF":
                    continue
            elf = read_elf(path)
            if elf is not None:
                yield elf


def version_key(version: str) -> tuple:
    """GLIBC_2.28 -> ('GLIBC', (2, 28)); names that are no numbered version (GLIBC_PRIVATE) -> None."""
    m = re.fullmatch(r"([A-Z]+)_(\d+(?:\.\d+)*)", version)
    return (m.group(1), tuple(int(x) for x in m.group(2).split("."))) if m else None


def highest(elf: Elf) -> dict[str, str]:
    """Per family (GLIBC, GLIBCXX, CXXABI, GCC …) the highest version this file needs."""
    best: dict[str, tuple] = {}
    for names in elf.versions.values():
        for name in names:
            key = version_key(name)
            if key and (key[0] not in best or key[1] > best[key[0]][1]):
                best[key[0]] = (name, key[1])
    return {family: v[0] for family, v in best.items()}


def floor(root: Path, maxima: list[str], out=None) -> int:
    out = out or sys.stdout
    limits = {}
    for m in maxima:
        key = version_key(m)
        if not key:
            raise SystemExit(f"elfcheck: not a version: {m}")
        limits[key[0]] = key[1]
    worst: dict[str, tuple[tuple, str, str]] = {}
    over = []
    count = 0
    for elf in elf_files(root):
        count += 1
        rel = str(elf.path.relative_to(root))
        for family, name in highest(elf).items():
            key = version_key(name)[1]
            if family not in worst or key > worst[family][0]:
                worst[family] = (key, name, rel)
            if family in limits and key > limits[family]:
                over.append(f"{rel}: needs {name} (at most {family}_{'.'.join(map(str, limits[family]))})")
    print(f"{count} ELF files", file=out)
    for family in sorted(worst):
        print(f"highest {family}: {worst[family][1]} ({worst[family][2]})", file=out)
    for line in over:
        print(f"TOO NEW: {line}", file=out)
    return 1 if over else 0


def read_map(path: Path) -> tuple[dict[str, str], list[str]]:
    libs, optional = {}, []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if parts[0] == "optional" and len(parts) == 2:
            optional.append(parts[1])
        elif len(parts) == 2:
            libs[parts[0]] = parts[1]
        else:
            raise SystemExit(f"elfcheck: {path}: cannot read line: {raw}")
    return libs, optional


def search_dirs(elf: Elf, root: Path) -> list[Path]:
    origin = elf.path.parent
    dirs = []
    for entry in elf.runpath:
        entry = entry.replace("${ORIGIN}", "$ORIGIN")
        if entry.startswith("$ORIGIN"):
            dirs.append(Path(os.path.normpath(str(origin) + entry[len("$ORIGIN"):])))
        elif entry.startswith("/"):
            dirs.append(root / entry.lstrip("/"))  # an absolute path inside the package
    return dirs


def needs(root: Path, map_path: Path, depends_out: Path | None, out=None) -> int:
    out = out or sys.stdout
    libs, optional = read_map(map_path)
    unknown: dict[str, list[str]] = {}
    required: dict[str, set[str]] = {}
    optional_needs: dict[str, set[str]] = {}
    provided_by_package = {p.name for p in root.rglob("*.so*")}
    for elf in elf_files(root):
        rel = str(elf.path.relative_to(root))
        is_optional = any(fnmatch.fnmatch(rel, pattern) for pattern in optional)
        dirs = search_dirs(elf, root)
        for soname in elf.needed:
            if any((d / soname).exists() for d in dirs):
                continue
            if soname in libs:
                if libs[soname] != "-":
                    (optional_needs if is_optional else required).setdefault(libs[soname], set()).add(rel)
                continue
            if is_optional:
                optional_needs.setdefault(f"({soname})", set()).add(rel)
                continue
            hint = " (it is in the package, but not on this file's RUNPATH)" if soname in provided_by_package else ""
            unknown.setdefault(soname + hint, []).append(rel)
    for package in sorted(required):
        print(f"depends {package}: {len(required[package])} files, e.g. {sorted(required[package])[0]}", file=out)
    for package in sorted(set(optional_needs) - set(required)):
        print(f"optional {package}: {', '.join(sorted(optional_needs[package])[:3])}", file=out)
    for soname, files in sorted(unknown.items()):
        print(f"UNKNOWN {soname}: {', '.join(files[:3])}", file=out)
    if depends_out:
        depends_out.write_text(", ".join(p.replace("|", " | ") for p in sorted(required)) + "\n", encoding="utf-8")
    return 1 if unknown else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("floor")
    f.add_argument("root", type=Path)
    f.add_argument("--max", action="append", default=[], help="e.g. GLIBC_2.28")
    n = sub.add_parser("needs")
    n.add_argument("root", type=Path)
    n.add_argument("--map", type=Path, required=True)
    n.add_argument("--depends-out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "floor":
        return floor(args.root, args.max)
    return needs(args.root, args.map, args.depends_out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
