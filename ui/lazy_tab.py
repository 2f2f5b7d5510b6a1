"""A tab whose view is made when first needed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyTab(QWidget):
    """A tab whose view is made the first time it is needed (shown, or asked for): the year opens
    without building, sizing and filling the tables of tabs nobody has looked at yet."""

    def __init__(self, build: Callable[[], QWidget], parent=None):
        super().__init__(parent)
        self._build = build
        self._view: QWidget | None = None
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    def view(self) -> QWidget:
        if self._view is None:
            self._view = self._build()
            self.layout().addWidget(self._view)
            self._view.show()  # added to a tab already on screen: it would stay hidden
        return self._view

    def is_built(self) -> bool:
        return self._view is not None

    def showEvent(self, event) -> None:  # clicked on its tab: the view is made now
        self.view()
        super().showEvent(event)
