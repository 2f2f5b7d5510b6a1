"""Undo and redo of dataset edits. Plain Python; the desktop binds it to Ctrl+Z / Ctrl+Y.

Every edit is saved at once (one audited transaction), so undoing is not rolling back: it is a new
edit that puts the old values back, audited like any other, with the reason the caller gives
("撤销：…"). A step knows how to go back and how to go forward again; records brought back by an
undo keep their original ids (core.store.dataset.Dataset.capture / restore), so later steps that name
those ids stay valid.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Hashable

from core.store.dataset import Edit

Apply = Callable[[str | None], Edit]  # reason -> the outcome of one edit


@dataclass
class Step:
    """One edit that can be undone: how to undo and redo it, and the units it changes."""
    label: str
    undo: Apply
    redo: Apply
    units: frozenset[int] | None  # the units the step changes; None: the whole year (units added, removed, grades)
    merge_key: Hashable | None = None  # consecutive steps with the same key merge (typing into one field)
    at: float = field(default_factory=time.monotonic)
    slow: bool = False  # undoing or redoing it takes a while (an import's rows): written on another thread
    about: frozenset[int] = frozenset()  # the units it is the edit of, when it changes the whole year (an import)


class History:
    """The undo stack with its redo tail."""

    def __init__(self, limit: int = 1000, merge_seconds: float = 3.0):
        self.steps: list[Step] = []
        self.position = 0  # steps[:position] can be undone, steps[position:] redone
        self.limit = limit
        self.merge_seconds = merge_seconds
        self.version = 0  # bumps on every change, for listeners

    def push(self, step: Step) -> None:
        del self.steps[self.position:]
        top = self.steps[-1] if self.steps else None
        if (top is not None and step.merge_key is not None and top.merge_key == step.merge_key
                and step.at - top.at <= self.merge_seconds):
            self.steps[-1] = Step(step.label, top.undo, step.redo, _union(top.units, step.units),
                                  step.merge_key, step.at)
        else:
            self.steps.append(step)
            if len(self.steps) > self.limit:
                del self.steps[0]
        self.position = len(self.steps)
        self.version += 1

    @property
    def can_undo(self) -> bool:
        return self.position > 0

    @property
    def can_redo(self) -> bool:
        return self.position < len(self.steps)

    @property
    def undo_label(self) -> str:
        return self.steps[self.position - 1].label if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        return self.steps[self.position].label if self.can_redo else ""

    def undo(self, reason: str | None = None) -> tuple[Step | None, Edit]:
        """Undo the last step; on failure (e.g. the unit is now locked) nothing moves."""
        if not self.can_undo:
            return None, Edit()
        step = self.steps[self.position - 1]
        edit = step.undo(reason)
        self.undone(step, edit)
        return step, edit

    def undone(self, step: Step, edit: Edit) -> None:
        """The top step's undo was written (edit.ok) or refused: move back, or nothing moves."""
        if edit.ok:
            self.position -= 1
            step.merge_key = None  # a later edit of the same field is a new step
            self.version += 1

    def redo(self, reason: str | None = None) -> tuple[Step | None, Edit]:
        if not self.can_redo:
            return None, Edit()
        step = self.steps[self.position]
        edit = step.redo(reason)
        self.redone(step, edit)
        return step, edit

    def redone(self, step: Step, edit: Edit) -> None:
        if edit.ok:
            self.position += 1
            step.merge_key = None
            self.version += 1

    def clear(self) -> None:
        self.steps.clear()
        self.position = 0
        self.version += 1


def _union(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
    return None if a is None or b is None else a | b


def chain(*edits: Callable[[], Edit]) -> Edit:
    """Run edits in order, stopping at the first that fails; the last outcome, with the audit rows and the
    withdrawn 定稿 of them all."""
    edit, rows, unfinalized = Edit(), 0, dict[int, None]()
    for run in edits:
        edit = run()
        if not edit.ok:
            return edit
        rows += edit.rows
        unfinalized.update(dict.fromkeys(edit.unfinalized))
    return replace(edit, rows=rows, unfinalized=tuple(unfinalized))


def noop(_: Any = None) -> Edit:
    return Edit()
