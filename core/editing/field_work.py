"""The desktop's team work on the open year: a field copy made from it and a field copy merged into it,
the slow parts on another thread (core/teamwork holds the logic; this only ties it to the session)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.common.messages import Msg
from core.common.progress import Progress
from core.editing.writes import Write
from core.store.dataset import Dataset, DatasetError, Edit
from core.teamwork.field_copy import CopyMark, make_field_copy
from core.teamwork.merge import MergeCancelled, finals_told, merge_copy, still_out
from core.teamwork.plan import MergePlan, plan_merge

if TYPE_CHECKING:
    from core.editing.session import Session


def material(session: Session) -> Dataset:
    """A private copy of the year as saved now, for a field copy or a merge plan made on another
    thread (taken on the session's thread)."""
    return session.scratch_copy()


def make_copy(year: Dataset, target: Path, assessor: str, by: int, units: Sequence[str] | None) -> CopyMark:
    """The field copy written from `material` (closed after); any thread. The year itself keeps it on the
    session's thread after (Session.record_field_copy)."""
    try:
        return make_field_copy(year, target, assessor, by, units, record=False)
    finally:
        year.close()


def plan(year: Dataset, copy_path: Path) -> MergePlan:
    """What merging the copy would bring in, planned on `material` (closed after); any thread."""
    try:
        with Dataset.open(copy_path, read_only=True) as copy:
            return plan_merge(year, copy, copy_path.name)
    finally:
        year.close()


def copy_still_out(session: Session, plan: MergePlan) -> bool:
    """Whether the year lists the planned copy as not merged back: merging it records it merged back, even when it
    brings nothing new (handed back unchanged)."""
    return still_out(session.ds, plan)


@dataclass
class WayBack:
    """The way back from a merge: the backup of the year taken just before it, and the year's audit head
    the merge left. Restoring the backup undoes the merge exactly while that head still stands (nothing
    edited since)."""
    backup: Path | None = None
    before: tuple[int, str] | None = None
    after: tuple[int, str] | None = None

    def exact(self, session: Session) -> bool:
        """Whether restoring the backup now gives back the year exactly as it was before the merge."""
        return (self.backup is not None and self.after is not None and self.after != self.before
                and session.ds.audit_head() == self.after and self.backup.exists())


def merge_write(session: Session, copy_path: Path, choices: Mapping[int, str], reason: str,
                progress: Progress | None = None, way_back: WayBack | None = None) -> Write:
    """The merge as a slow write of the session (core/editing/writes.py): a backup of the year first,
    then one transaction. It is not a step of the undo history (the backup taken before it is the way
    back, noted in `way_back`), and the history is cleared: its steps may name values the merge replaced."""
    way_back = way_back if way_back is not None else WayBack()

    def write() -> Edit:
        way_back.backup = session.ds.backup()
        way_back.before = session.ds.audit_head()
        try:
            with Dataset.open(copy_path, read_only=True) as copy:
                return merge_copy(session.ds, copy, copy_path.name, session.by, choices=choices, reason=reason,
                                  progress=progress)[1]
        except MergeCancelled:
            raise DatasetError(Msg.of("teamwork.cancelled")) from None

    def settle(edit: Edit) -> None:
        if edit.ok:
            way_back.after = session.ds.audit_head()
            session.history.clear()
            session.refresh(None)
    return Write(session, copy_path.name, write, settle, session._read_ahead, slow=True)


def merge_finals(session: Session, edit: Edit) -> list[Msg]:
    """What a merge did to 定稿, told after it (core.teamwork.merge.finals_told): the 定稿 withdrawn, then kept."""
    withdrawn, kept = finals_told(session.ds, edit)
    return withdrawn + kept
