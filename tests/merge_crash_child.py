"""Child process of tests/core/teamwork/test_merge_crash.py: merges a field copy into a year file, printing `at <n>`
(flushed) as the merge's changes are written inside its one transaction, and `done` after it committed.
The parent kills it with SIGKILL midway.

    python tests/merge_crash_child.py YEAR COPY
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.store.dataset import Dataset  # noqa: E402
from core.teamwork.merge import merge_copy  # noqa: E402


def main() -> None:
    year, copy = Path(sys.argv[1]), Path(sys.argv[2])
    with Dataset.open(copy, read_only=True) as theirs, Dataset.open(year, backups=False) as ds:
        print("ready", flush=True)

        def progress(done: int, total: int) -> bool:
            print(f"at {done}", flush=True)
            return True
        _, edit = merge_copy(ds, theirs, copy.name, 1, progress=progress)
        assert edit.ok, edit.problems
    print("done", flush=True)


if __name__ == "__main__":
    main()
