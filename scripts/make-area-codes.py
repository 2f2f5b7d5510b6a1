#!/usr/bin/env python3
"""Make resources/identifiers/area-codes.txt: every administrative division code (GB/T 2260, county
level and above) that exists or has existed since 1980, the codes an ID number's first six digits may
hold (people keep the code of their first registration, also after the division was withdrawn).

Sources, each read from a local clone at a pinned commit (git clone, then pass the folders):
  yescallop/areacodes  (CC0 1.0) result.csv: every code 1981–2024 with its years in use, the Ministry
      of Civil Affairs' yearly lists corrected against the editions of GB/T 2260 (see its errata.md);
  madokast/xzqh        (MIT, © 2024 madokast) data/YYYY.txt: the Ministry's yearly lists 1980–2023 as
      published, so that codes the lists printed before a correction are accepted too.
Added by GB/T 2260's coding rules (these summary codes are part of the standard's lists, and older ID
numbers carry them, e.g. 440301 深圳市市辖区): AABB01 市辖区 for every prefecture-level city AABB00
that has districts (AABB02–AABB20); AA0100 市辖区 and AA0200 县 of the four municipalities; AA9000
省直辖县级行政区划 where AA90xx codes exist. And 830000 (台湾居民 on 港澳台居民居住证, as 810000 and 820000
for 香港 and 澳门; 《港澳台居民居住证申领发放办法》, 2018).

    scripts/make-area-codes.py YESCALLOP_CLONE MADOKAST_CLONE
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

YESCALLOP_COMMIT = "eed219a0678d36bacaa717f62443b10e869f0291"  # 2025-11-04, data to the end of 2024
MADOKAST_COMMIT = "a92a5f0206b88eaef9e132b3a5a07e6c528d8c46"  # 2024-06-19, data 1980–2023
OUT = Path(__file__).resolve().parent.parent / "resources" / "identifiers" / "area-codes.txt"
MUNICIPALITIES = ("11", "12", "31", "50")
RESIDENCE_PERMITS = ("810000", "820000", "830000")


def show(repo: str, commit: str, path: str) -> str:
    return subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"], capture_output=True, check=True,
                          text=True, encoding="utf-8").stdout


def yescallop_codes(repo: str) -> set[str]:
    rows = csv.DictReader(io.StringIO(show(repo, YESCALLOP_COMMIT, "result.csv").lstrip("\ufeff")))
    return {row["代码"] for row in rows if re.fullmatch(r"[1-9]\d{5}", row["代码"])}


def madokast_codes(repo: str) -> set[str]:
    names = subprocess.run(["git", "-C", repo, "ls-tree", "--name-only", MADOKAST_COMMIT, "data/"],
                           capture_output=True, check=True, text=True).stdout.split()
    codes: set[str] = set()
    for name in names:
        if re.fullmatch(r"data/(19[89]\d|20\d\d)\.txt", name):
            codes |= set(re.findall(r"(?m)^([1-9]\d{5})\s", show(repo, MADOKAST_COMMIT, name)))
    return codes


def summary_codes(codes: set[str]) -> set[str]:
    """The standard's summary codes the yearly lists leave out (see the docstring)."""
    added = set()
    for code in codes:
        prefix, county = code[:4], code[4:]
        if code[2:4] != "00" and county != "00" and 2 <= int(county) <= 20:
            if f"{prefix}00" in codes or code[:2] in MUNICIPALITIES:
                added.add(f"{prefix}01")
        if code[:2] in MUNICIPALITIES and code[2:4] in ("01", "02") and county != "00":
            added.add(f"{prefix}00")
        if code[2:4] == "90" and county != "00":
            added.add(f"{code[:2]}9000")
    return added - codes


def write(codes: set[str], counts: dict[str, int]) -> None:
    by_prefix: dict[str, list[str]] = {}
    for code in sorted(codes):
        by_prefix.setdefault(code[:4], []).append(code[4:])
    header = f"""# Administrative division codes (GB/T 2260) that exist or have existed since 1980: the first six
# digits an ID number (GB 11643) may hold. Made by scripts/make-area-codes.py; do not edit by hand.
# One line per first four digits, then the last two digits of each code: "3205 00 01 02" is 320500,
# 320501 and 320502.
# Sources:
#   https://github.com/yescallop/areacodes commit {YESCALLOP_COMMIT} (2025-11-04), result.csv,
#     CC0 1.0: codes 1981–2024 from 中华人民共和国民政部 yearly lists, corrected against GB/T 2260
#     ({counts['yescallop']} codes);
#   https://github.com/madokast/xzqh commit {MADOKAST_COMMIT} (2024-06-19), data/1980–2023.txt,
#     MIT licence, Copyright (c) 2024 madokast: 民政部 yearly lists as published ({counts['madokast']} codes,
#     {counts['madokast_only']} not in the first source);
#   GB/T 2260's summary codes (市辖区 AABB01, 直辖市 市辖区/县 AA0100/AA0200, 省直辖县级行政区划 AA9000)
#     and the 港澳台居民居住证 codes 810000/820000/830000 ({counts['added']} codes).
# {len(codes)} codes in all.
"""
    lines = [f"{prefix} {' '.join(tails)}" for prefix, tails in by_prefix.items()]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    corrected, published = yescallop_codes(argv[0]), madokast_codes(argv[1])
    codes = corrected | published
    added = summary_codes(codes) | (set(RESIDENCE_PERMITS) - codes)
    write(codes | added, {"yescallop": len(corrected), "madokast": len(published),
                          "madokast_only": len(published - corrected), "added": len(added)})
    print(f"{OUT}: {len(codes | added)} codes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
