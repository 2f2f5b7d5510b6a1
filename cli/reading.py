"""A year file opened for reading from the command line: the dataset's notices (e.g. a changed rule set)
go to stderr."""

from __future__ import annotations

import sys
from pathlib import Path

from core.common.messages import render
from core.store.dataset import Dataset


def open_read_only(path: Path) -> Dataset:
    """A dataset opened for reading; notices (e.g. a changed rule set) go to stderr."""
    ds = Dataset.open(path, read_only=True)
    for notice in ds.notices:
        print(render(notice), file=sys.stderr)
    return ds
