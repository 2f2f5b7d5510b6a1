"""Type and lint checks (mypy, ruff; configured in pyproject.toml) against a baseline that only
shrinks: scripts/lint-baseline.json counts the findings the code had when the checks were introduced,
per file and rule. A file with more findings of a rule than its count fails (new code is clean);
fewer also fails until the baseline is lowered with --update, so the count can never creep back.

    .venv/bin/python scripts/lint.py            # check (./test.sh runs this)
    .venv/bin/python scripts/lint.py --update   # after fixing findings: record the lower counts
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scripts" / "lint-baseline.json"
BIN = Path(sys.executable).parent
MYPY_LINE = re.compile(r"^(?P<file>[^:]+):\d+: error: .*\[(?P<code>[a-z0-9-]+)\]$")


def ruff_findings() -> Counter[str]:
    done = subprocess.run([str(BIN / "ruff"), "check", "--output-format", "json", "--quiet", "."], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"ruff failed:\n{done.stderr}")
    found = Counter()
    for item in json.loads(done.stdout or "[]"):
        found[f"{Path(item['filename']).resolve().relative_to(ROOT).as_posix()} ruff:{item['code']}"] += 1
    return found


def mypy_findings() -> Counter[str]:
    done = subprocess.run([str(BIN / "mypy"), "--no-color-output", "--no-error-summary"], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"mypy failed:\n{done.stdout}{done.stderr}")
    found = Counter()
    for line in done.stdout.splitlines():
        match = MYPY_LINE.match(line)
        if match:
            found[f"{Path(match['file']).as_posix()} mypy:{match['code']}"] += 1
    return found


def main(argv: list[str]) -> int:
    found = ruff_findings() + mypy_findings()
    if "--update" in argv:
        baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
        grown = {k: v for k, v in found.items() if v > baseline.get(k, 0)}
        if baseline and grown and "--allow-growth" not in argv:
            print("lint: the baseline only shrinks; fix these first:", *sorted(grown), sep="\n  ")
            return 1
        BASELINE.write_text(json.dumps(dict(sorted(found.items())), indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
        print(f"lint: baseline written: {sum(found.values())} findings in {len(found)} file/rule pairs")
        return 0
    baseline: dict[str, int] = json.loads(BASELINE.read_text(encoding="utf-8"))
    new = {k: (baseline.get(k, 0), v) for k, v in found.items() if v > baseline.get(k, 0)}
    fixed = {k: (v, found.get(k, 0)) for k, v in baseline.items() if found.get(k, 0) < v}
    if new:
        print("lint: new findings (run ruff check FILE / mypy FILE to see them):")
        for key, (was, now) in sorted(new.items()):
            print(f"  {key}: {was} → {now}")
    if fixed:
        print("lint: fewer findings than the baseline; record them with scripts/lint.py --update:")
        for key, (was, now) in sorted(fixed.items()):
            print(f"  {key}: {was} → {now}")
    if new or fixed:
        return 1
    print(f"lint: {sum(found.values())} findings, as in the baseline (ruff and mypy)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
