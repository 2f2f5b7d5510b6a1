"""A year file opened from the command line: the dataset's notices (e.g. a changed rule set) go to stderr;
a year changed outside the program is edited only when the user says so, as the desktop asks; and what a
command's edit did beyond its own change, told after it (a unit's 定稿 withdrawn)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.launcher import command_name
from core.common.messages import Msg, render
from core.store import recovery
from core.store.dataset import Dataset, Edit
from core.store.files import DatasetError

OPEN_ANYWAY = "--open-anyway"


def open_read_only(path: Path) -> Dataset:
    """A dataset opened for reading; notices (e.g. a changed rule set) go to stderr."""
    ds = Dataset.open(path, read_only=True)
    for notice in ds.notices:
        print(render(notice), file=sys.stderr)
    return ds


def add_open_anyway(parser: argparse.ArgumentParser) -> None:
    """The option of an editing command that goes on with a year file changed outside the program, as the
    desktop's 仍然打开 does."""
    parser.add_argument(OPEN_ANYWAY, action="store_true",
                        help="数据文件在本程序之外被改动过时仍修改该文件（同桌面程序的“仍然打开”）；"
                             "不加时不作修改，并建议恢复最近的完好备份")


def open_for_edit(path: Path, open_anyway: bool = False, **open_kwargs: Any) -> Dataset:
    """The dataset opened read-write (migrated and backed up as opening does); notices go to stderr.
    When opening finds the year changed outside the program, nothing is written and DatasetError says so,
    naming the good backup `restore` would bring back and the option that goes on with the file anyway
    (`open_anyway`: the desktop's 仍然打开, which then edits it). A backup is never opened for editing:
    DatasetError says whose it is and how to restore the year from it."""
    refusal = recovery.backup_refusal(path, command_name())
    if refusal is not None:
        raise DatasetError(refusal)
    ds = Dataset.open(path, **open_kwargs)
    if ds.audit_problems and not open_anyway:
        ds.close(back_up=False)  # nothing was edited: no backup, none of the good ones pushed out
        raise DatasetError(changed_outside_refusal(path))
    for notice in ds.notices:
        print(render(notice), file=sys.stderr)
    return ds


def open_to_copy(path: Path, open_anyway: bool = False) -> Dataset:
    """The dataset opened read-only to copy from (a field copy writes nothing to the year, so a year another
    program holds may be copied as last saved), with open_for_edit's refusal of a year changed outside the
    program: a copy would carry the change into the field. A year of an older schema is opened for editing, as
    before, so that it is migrated in the file itself: the copy's mark names a point of the year's own trail."""
    from core.store.dataset import read_only_copy
    from core.store.files import SCHEMA_VERSION
    made = read_only_copy(path)
    if made.info.schema_version < SCHEMA_VERSION:
        made.close()
        return open_for_edit(path, open_anyway)
    ds = Dataset.open(path, read_only=True, copy=made)
    problems = ds.quick_audit_check()
    if problems and not open_anyway:
        ds.close()
        raise DatasetError(changed_outside_refusal(path))
    if problems:
        print(render(Msg.of("audit.open_changed", file=path.name)), file=sys.stderr)
    for notice in ds.notices:
        print(render(notice), file=sys.stderr)
    return ds


def changed_outside_refusal(path: Path) -> Msg:
    """Why the edit was refused, with the backup the desktop offers on opening such a year (the newest the
    anchors note that passes the checks: a backup taken after a change outside was accepted is not one)."""
    good = recovery.newest_trusted(path)
    if good is None:
        return Msg.of("cli.changed_outside_no_backup", file=path.name, option=OPEN_ANYWAY)
    return Msg.of("cli.changed_outside_refused", file=path.name, program=command_name(), path=str(path),
                  backup=good.name, time=good.taken_at.strftime("%Y-%m-%d %H:%M"), option=OPEN_ANYWAY)


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
