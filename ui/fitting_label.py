"""A one-line label that says as much as its width holds: the longest of its wordings that fits, never a cut one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class FittingLabel(QLabel):
    """Shows the first of its wordings (longest first) whose width fits; the last one when none does. Its width
    follows the layout, not its text, so a narrow window shortens the wording instead of cutting it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._wordings: tuple[str, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    @property
    def wordings(self) -> tuple[str, ...]:
        return self._wordings

    def set_wordings(self, wordings: Sequence[str]) -> None:
        if tuple(wordings) != self._wordings:
            self._wordings = tuple(wordings)
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width()
        metrics = self.fontMetrics()
        shown = next((w for w in self._wordings if metrics.horizontalAdvance(w) <= room),
                     self._wordings[-1] if self._wordings else "")
        if self.text() != shown:
            self.setText(shown)
