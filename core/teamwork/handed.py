"""A field copy as it opens on the assessor's laptop: who it was handed to and which units, so that the
window says so; a unit not handed over is only looked at until the assessor chooses to change it anyway
(such changes come back to the office marked as outside the copy, for the lead to confirm)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.store import replay_edit
from core.store.dataset import Dataset
from core.teamwork.field_copy import CopyMark, marks


@dataclass
class Handed:
    mark: CopyMark
    units: frozenset[int] | None  # the units handed over; None: the whole year
    chosen: set[int] = field(default_factory=set)  # units not handed over the assessor chose to change

    @property
    def assessor(self) -> str:
        return self.mark.assessor

    def handed_over(self, unit_id: int) -> bool:
        return self.units is None or unit_id in self.units

    def covers(self, unit_id: int) -> bool:
        """Whether the unit's facts are open to change here: handed over, or chosen to change anyway."""
        return self.handed_over(unit_id) or unit_id in self.chosen


def handed_of(ds: Dataset) -> Handed | None:
    """The field copy's newest mark with its units' ids, or None when the file is not a field copy."""
    conn = replay_edit.connection(ds)
    found = marks(conn)
    if not found:
        return None
    mark = found[-1]
    if mark.units is None:
        return Handed(mark, None)
    ids = dict(conn.execute("SELECT name, id FROM units").fetchall())
    return Handed(mark, frozenset(ids[name] for name in mark.units if name in ids))
