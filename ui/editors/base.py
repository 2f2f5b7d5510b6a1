"""What every facts editor of a clause page shares: the pause before typed values are saved, the page's
way to save an edit, and the widget each editor kind builds on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.editing.session import Session
from core.scoring.assessment import Page
from core.scoring.facts import Unit
from core.store.dataset import Edit

COMMIT_DELAY_MS = 400  # typing pauses this long before the value is saved and scored


class Pending:
    """Values typed into spin boxes and text fields are saved after a short pause (or at once when
    the page is left), so typing 105 makes one edit, not three."""

    def __init__(self, parent: QWidget, finish_editing: Callable[[], None] = lambda: None):
        self._jobs: dict[str, Callable[[], object]] = {}
        self._finish_editing = finish_editing  # a table cell still being typed in, when the page is left
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COMMIT_DELAY_MS)
        self._timer.timeout.connect(self._save_typed)

    def put(self, key: str, job: Callable[[], object]) -> None:
        self._jobs[key] = job
        self._timer.start()

    def flush(self) -> None:
        """Everything typed is saved now: the page is left, the year closed, or an edit undone."""
        self._finish_editing()
        self._save_typed()

    def _save_typed(self) -> None:
        self._timer.stop()
        jobs, self._jobs = self._jobs, {}
        for job in jobs.values():
            job()

    def discard(self) -> None:
        self._timer.stop()
        self._jobs.clear()

    def __contains__(self, key: str) -> bool:
        """Is a value typed under `key` still waiting to be saved?"""
        return key in self._jobs

    def __bool__(self) -> bool:
        return bool(self._jobs)


@dataclass(frozen=True)
class EditorContext:
    """What the clause page lends its editors: the session, its pending typed values, and how an edit is
    saved (a refused one is reported and the page shows what is stored)."""
    session: Session
    pending: Pending
    commit: Callable[[Edit], bool]
    problems: Callable[[list[str]], None]


class FactsEditor(QWidget):
    """The editor of one kind of facts on a clause page, for the units of one shape: shown again with
    another unit's values (set_unit, show_values) rather than built anew."""

    def __init__(self, context: EditorContext, page: Page, unit_id: int):
        super().__init__()
        self.context, self.session, self.page, self.unit_id = context, context.session, page, unit_id
        self.value_widgets: dict[str, QWidget] = {}  # by fact, for the page and the tests

    def set_unit(self, unit_id: int) -> None:
        self.unit_id = unit_id

    def show_values(self, unit: Unit) -> None:
        """Show the unit's stored facts (after any change)."""

    def finish_editing(self) -> None:
        """A value still open for typing is saved and closed (the page is left)."""

    def commit(self, edit: Edit) -> bool:
        return self.context.commit(edit)

    def put(self, key: str, job: Callable[[], object]) -> None:
        """Save after the typing pause (one edit for 105, not three). Nothing is saved for a unit that cannot be
        changed here: its boxes are read-only, yet a number box tells its value again at each Return."""
        if self.session.editable(self.unit_id):
            self.context.pending.put(key, job)

    def _set(self, key: str, setter: str, value: Any) -> None:
        """Show a value without saving it again, unless the assessor is typing into that very box."""
        widget = self.value_widgets.get(key)
        if widget is None or (widget.hasFocus() and self.context.pending):
            return
        widget.blockSignals(True)
        getattr(widget, setter)(value)
        widget.blockSignals(False)


def group(title: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(8, 6, 8, 8)
    return box, layout


LAYOUT_CHANGES = (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange)


class WrappedLabel(QLabel):
    """A word-wrapped label that remembers its height at each width until its text or font changes. Qt
    lays the whole text out again at each asking (twice for selectable text: at the width asked, then
    back at its own), and one switch of unit or clause asks a page's labels over and over (about 2 ms
    of a switch, with the same for the evidence boxes below)."""

    def __init__(self, text: str = ""):
        super().__init__(text)
        self._heights: dict[int, int] = {}

    def setText(self, text: str) -> None:  # type: ignore[override]
        if text != self.text():
            self._heights.clear()
            super().setText(text)

    def clear(self) -> None:
        self.setText("")

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) > 32:  # widths a resized window went through
                self._heights.clear()
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event) -> None:
        if event.type() in LAYOUT_CHANGES:
            self._heights.clear()
        super().changeEvent(event)


def wrapped(text: str = "", selectable: bool = True) -> QLabel:
    label = WrappedLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class WrappingCheckBox(QCheckBox):
    """A check box whose text wraps to the width it is given, as a label's does: the evidence to tick is
    named in full (附件3 促成进吴实习、见习学员人数确认表…), and a check box that cannot wrap would widen
    the clause page past a 1024-pixel window, clipping the rules' text beside it."""

    def __init__(self, text: str):
        super().__init__(text)
        self._rects: dict[tuple[int, str], QRect] = {}
        self._metrics: tuple[int, int] | None = None
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _indicator(self) -> tuple[int, int]:
        """The indicator's width and the gap after it, as the style draws a check box (asked of the style
        once, again after a change of style)."""
        if self._metrics is None:
            from PySide6.QtWidgets import QStyle  # here, not at start-up: PySide makes its hundreds of names at once
            style = self.style()
            self._metrics = (style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, self),
                             style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing, None, self))
        return self._metrics

    def _text_rect(self, width: int) -> QRect:
        """Where the wrapped text goes at this width: laid out once per width and text (a switch of clause
        asks each box several times), again after a change of font or style."""
        key = (width, self.text())
        rect = self._rects.get(key)
        if rect is None:
            if len(self._rects) > 32:
                self._rects.clear()
            indicator, gap = self._indicator()
            rect = self._rects[key] = self.fontMetrics().boundingRect(
                QRect(0, 0, max(1, width - indicator - gap - 2), 100000), int(Qt.TextFlag.TextWordWrap), self.text())
        return rect

    def changeEvent(self, event) -> None:
        if event.type() in LAYOUT_CHANGES:
            self._rects.clear()
            self._metrics = None
        super().changeEvent(event)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        indicator, _ = self._indicator()
        return max(indicator, self._text_rect(width).height()) + 4

    def sizeHint(self) -> QSize:
        indicator, gap = self._indicator()
        line = self.fontMetrics().horizontalAdvance(self.text())
        return QSize(indicator + gap + line + 4, self.heightForWidth(indicator + gap + line + 4))

    def minimumSizeHint(self) -> QSize:
        indicator, gap = self._indicator()
        return QSize(indicator + gap + self.fontMetrics().horizontalAdvance("一" * 6), 0)  # six characters a line

    def hitButton(self, pos) -> bool:
        return self.rect().contains(pos)

    def paintEvent(self, event) -> None:
        from PySide6.QtGui import QPainter
        from PySide6.QtWidgets import QStyle, QStyleOptionButton
        painter = QPainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        indicator, gap = self._indicator()
        text_height = self._text_rect(self.width()).height()
        # (PySide's type stubs leave out QStyleOption.rect)
        option.rect = QRect(0, max(0, (self.fontMetrics().height() - indicator) // 2) + 2, indicator,  # type: ignore[attr-defined]
                            indicator)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, option, painter, self)
        text = QRect(indicator + gap, 2, self.width() - indicator - gap, text_height)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(text, int(Qt.TextFlag.TextWordWrap), self.text())
        if self.hasFocus():
            focus = QStyleOptionButton()
            focus.initFrom(self)
            focus.rect = text.adjusted(-1, 0, 1, 0)  # type: ignore[attr-defined]
            self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter, self)
        painter.end()


def plain_layout(widget: QWidget) -> QVBoxLayout:
    """A column for an editor's rows, without margins: the editor sits in the page's facts box as its
    rows would."""
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    return layout
