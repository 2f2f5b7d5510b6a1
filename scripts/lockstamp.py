"""The SHA-256 of pyproject.toml's dependency lists, which the lock files record."""

import hashlib
import json
import sys
import tomllib
from pathlib import Path


def dependency_stamp(pyproject: Path) -> str:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    lists = {"dependencies": project["dependencies"],
             "optional-dependencies": project.get("optional-dependencies", {})}
    return hashlib.sha256(json.dumps(lists, sort_keys=True).encode()).hexdigest()


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    print(dependency_stamp(root / "pyproject.toml"))
