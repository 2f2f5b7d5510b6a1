"""A year file opened from the command line: the dataset's notices (e.g. a changed rule set) go to stderr;
and what a command's edit did beyond its own change, told after it (a unit's 定稿 withdrawn)."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.launcher import command_name
from core.common.messages import Msg, render
from core.store.dataset import Dataset, Edit


def open_read_only(path: Path) -> Dataset:
    """A dataset opened for reading; notices (e.g. a changed rule set) go to stderr."""
    ds = Dataset.open(path, read_only=True)
    for notice in ds.notices:
        print(render(notice), file=sys.stderr)
    return ds


def final_withdrawn(ds: Dataset, edit: Edit) -> str | None:
    """The units whose 定稿 the edit withdrew (their data changed), as the desktop says it, and how to mark
    them 定稿 again; None when it withdrew none. Asked while the year is open."""
    told = ds.final_withdrawn(edit)
    if told is None:
        return None
    if edit.same_people:  # nothing withdrawn: nothing to mark again
        return render(told)
    return render(told) + render(Msg.of("cli.final_again", command=command_name()))


def tell_final_withdrawn(ds: Dataset, edit: Edit) -> None:
    """Say final_withdrawn's words, when there are any."""
    said = final_withdrawn(ds, edit)
    if said is not None:
        print(said)
