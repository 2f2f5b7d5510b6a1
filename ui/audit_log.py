"""编辑 → 修改记录… and a clause page's 本条修改记录…: who changed what and when, newest first, filtered by unit,
clause and assessor, and exported to Excel (the changes are core/store/audit_log.py's; the sheet core/excel's).
The trail is read in a worker while the view is already open (a long year's takes seconds); closing it stops that."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.common.bulk import LET_GO_STEP
from core.common.file_names import with_extension
from core.common.messages import Msg, render
from core.excel.changes import COLUMNS, changes_workbook
from core.store.audit_log import Change, cells, line, pages_of
from ui.dialogs import safe_file_name
from ui.excel_export import write_job
from ui.screen_fit import resize_within_screen
from ui.worker import Job, Worker
from ui.worker_dialog import GOOD, NEUTRAL, WorkerDialog, fault_sentence
from ui.wrapped_rows import ShownRowsFitter
from ui.writing import kept_from_collector

if TYPE_CHECKING:
    from core.editing.session import Session

ALL = None  # a filter's first choice: every unit, clause or assessor
WHAT = 4  # the column of what was changed (core.store.audit_log.cells)
# the columns' widths in characters; the reason takes the rest. Texts wrap: 原值 and 新值 hold a trip's counts of
# evaluation forms ("好 4 份、较好 2 份、差 1 份") on a line, a name or a clause's title on two.
VIEW_WIDTHS = (10.5, 7, 10, 8, 18, 15, 15)


class ChangesModel(QAbstractTableModel):
    """The changes, newest first; a row's texts are made when the view first asks for them (a long trail is read
    once and shown without a widget, or a rendered message, per row)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changes: list[Change] = []  # newest first
        self._texts: dict[int, tuple[str, ...]] = {}
        self._headers = [render(Msg.of(code)) for code, _ in COLUMNS]

    def set_changes(self, changes: Sequence[Change]) -> None:
        self.beginResetModel()
        self.changes = list(reversed(changes))
        self._texts = {}
        self.endResetModel()

    def texts(self, row: int) -> tuple[str, ...]:
        found = self._texts.get(row)
        if found is None:
            found = self._texts[row] = cells(self.changes[row])
        return found

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.changes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == WHAT and self.changes[index.row()].details:
            change = self.changes[index.row()]  # an import's rows left out, under its line
            return "\n".join([self.texts(index.row())[WHAT], *(render(d) for d in change.details)])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.texts(index.row())[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None


class ChangesDialog(WorkerDialog):
    """The year's changes, with filters and 导出 Excel…; opened on a unit and a clause, or on every change."""

    def __init__(self, session: Session, parent: QWidget | None = None, *, unit: int | None = None,
                 page: str | None = None) -> None:
        super().__init__(parent)
        self.failing = self.tr("导出失败")
        self.session = session
        self.written: Path | None = None
        self.setWindowTitle(self.tr("修改记录"))
        self.all_changes: list[Change] = []  # one pass over the trail (in the reader); the filters choose among them
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.unit_box = QComboBox()
        self.unit_box.addItem(self.tr("全部单位"), ALL)
        for uid in session.unit_ids:
            self.unit_box.addItem(session.unit(uid).name, uid)
        self.page_box = QComboBox()
        self.page_box.addItem(self.tr("全部条款"), ALL)
        for page_id, title in pages_of(session.rules):
            self.page_box.addItem(render(Msg.of("auditlog.page", id=page_id, title=title)), page_id)
        self.who_box = QComboBox()
        self.who_box.addItem(self.tr("全部考核人员"), ALL)
        for label, box in ((self.tr("单位："), self.unit_box), (self.tr("条款："), self.page_box),
                           (self.tr("考核人员："), self.who_box)):
            filters.addWidget(QLabel(label))
            filters.addWidget(box, 1)
        layout.addLayout(filters)
        self.model = ChangesModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.rows_fitter = ShownRowsFitter(self.view)  # the rows on screen as tall as their wrapped texts
        header = self.view.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("国")
        for column, width in enumerate(VIEW_WIDTHS):
            header.resizeSection(column, int(width * em))
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.pages = QStackedWidget()  # while the trail is read: a line and its progress where the rows will be
        waiting = QWidget()
        waiting_layout = QVBoxLayout(waiting)
        waiting_layout.addStretch(1)
        self.reading_label = QLabel(self.tr("正在读取修改记录…"))
        self.reading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reading_label.setWordWrap(True)
        waiting_layout.addWidget(self.reading_label)
        self.reading_bar = QProgressBar()
        self.reading_bar.setRange(0, 0)
        self.reading_bar.setTextVisible(False)
        self.reading_bar.setFixedWidth(int(24 * em))
        waiting_layout.addWidget(self.reading_bar, 0, Qt.AlignmentFlag.AlignHCenter)
        waiting_layout.addStretch(2)
        self.pages.addWidget(waiting)
        self.pages.addWidget(self.view)
        layout.addWidget(self.pages, 1)
        self.detail = QLabel()  # the chosen change whole, as a line: a long name or reason is cut in its cell
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        self.view.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show_detail(current))
        bottom = QHBoxLayout()
        self.count_label = QLabel()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.status, 1)
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.clicked.connect(lambda _checked=False: self.export())
        bottom.addWidget(self.export_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self._choose(self.unit_box, unit)
        self._choose(self.page_box, page)
        for box in (self.unit_box, self.page_box, self.who_box):
            box.currentIndexChanged.connect(lambda _index: self.refresh())
        self.reading = True  # until the trail is read, or the reading stopped or failed
        self.reader = self._reader()
        resize_within_screen(self, 1320, 640)  # within a 1366-pixel screen

    def paintEvent(self, event: QPaintEvent) -> None:
        """The view's first frame drawn, the reading begins (begun before, it would slow that frame down)."""
        super().paintEvent(event)
        if self.reading and not self.reader.running and not self.reader.job.cancelled:
            QTimer.singleShot(0, self._start_reading)

    def _start_reading(self) -> None:
        if self.reading and self.isVisible() and not self.reader.running and not self.reader.job.cancelled:
            self.reader.start()

    def _reader(self) -> Worker:
        """The reading of every change of the year in a worker, from a copy of the year it makes (the window
        answers meanwhile); the rows are shown when it is done."""
        read = self.session.changes_aside()

        def work(job: Job) -> list[Change] | None:
            def progress(done: int, total: int) -> bool:
                job.progress(done, total, "")
                return not job.cancelled
            with kept_from_collector():  # a collection over the changes made would hold the window as well
                return read(progress)
        reader = Worker(work, parent=self)
        reader.progressed.connect(self._reading_progressed)
        reader.ending.connect(self._reading_ended)
        reader.done.connect(self._read)
        reader.failed.connect(self._read_failed)
        self.set_busy(True)
        return reader

    def _reading_ended(self) -> None:
        self.reading = False

    def _reading_progressed(self, done: int, total: int, _text: str) -> None:
        if self.reading_bar.maximum() != total:
            self.reading_bar.setRange(0, total)
        self.reading_bar.setValue(done)

    def _read(self, changes: list[Change] | None) -> None:
        if changes is None:  # stopped: the view is being closed
            return
        self.all_changes = changes
        self.who_box.blockSignals(True)  # its choices come with the changes; the filters are applied once below
        for name in sorted({c.who for c in changes if c.who}):
            self.who_box.addItem(name, name)
        self.who_box.blockSignals(False)
        self.pages.setCurrentIndex(1)
        self.refresh()

    def _read_failed(self, exc: BaseException) -> None:
        self.reading_bar.hide()
        self.reading_label.setText(fault_sentence(exc, self.tr("读取修改记录失败")))
        self.reading_label.setStyleSheet("color: #b00020;")

    def _show_detail(self, current: QModelIndex) -> None:
        row = current.row()
        self.detail.setText(render(line(self.model.changes[row])) if 0 <= row < self.model.rowCount() else "")

    @staticmethod
    def _choose(box: QComboBox, value: Any) -> None:
        found = box.findData(value)
        if value is not None and found >= 0:
            box.setCurrentIndex(found)

    def shown(self) -> list[Change]:
        """The changes the filters choose, oldest first."""
        unit, page, who = self.unit_box.currentData(), self.page_box.currentData(), self.who_box.currentData()
        return [c for c in self.all_changes if (unit is None or c.unit_id == unit)
                and (page is None or c.page == page) and (who is None or c.who == who)]

    def refresh(self) -> None:
        if self.reading:
            return  # the filters are applied when the changes are read
        shown = self.shown()
        self.model.set_changes(shown)
        self.detail.setText("")
        self.status.setText("")
        said = Msg.of("auditlog.count", count=len(shown)) if shown else Msg.of("auditlog.none")
        self.count_label.setText(render(said))
        self.export_button.setEnabled(bool(shown))

    def scope_words(self) -> str:
        """What the shown changes are of, in words, for the sheet's second line."""
        chosen = [box.currentText() for box in (self.unit_box, self.page_box, self.who_box) if box.currentData()]
        count = render(Msg.of("auditlog.count", count=self.model.rowCount()))
        return "　".join([*chosen, count])

    def default_target(self) -> Path:
        folder = Path(self.session.file).parent
        parts = [render(Msg.of("auditlog.title", year=self.session.year_number))]
        parts += [box.currentText() for box in (self.unit_box, self.page_box) if box.currentData()]
        return folder / f"{safe_file_name(' '.join(parts))}.xlsx"

    def export(self) -> Worker | None:
        """导出 Excel…: the changes shown, newest first, into a workbook the assessor names; written in a worker (a
        long trail takes seconds) into a temporary file put in place whole."""
        if self.running:
            return None
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("导出修改记录"), str(self.default_target()),
                                                self.tr("Excel 工作簿 (*.xlsx)"))
        if not chosen:
            return None
        target = with_extension(Path(chosen), ".xlsx")
        rows = [cells(c) for c in reversed(self.shown())]  # newest first, as shown; read here, written there
        year, scope = self.session.year_number, self.scope_words()
        self.written = None

        def write(part: Path) -> Path:
            return changes_workbook(rows, part, year=year, scope=scope)
        return self.run(write_job, write, target, label=self.tr("正在导出修改记录…"), status=self.tr("正在导出…"),
                        done=self._done, cancelled=lambda _: self.show_status(self.tr("已取消，未写入文件。"), NEUTRAL))

    def set_busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy and not self.reading and self.model.rowCount() > 0)

    def reject(self) -> None:
        """关闭 (or Esc, or the window's ×): the reading of the trail, if still going, is stopped first."""
        self.reader.cancel()  # not begun yet: it never begins
        if self.reader.running:
            self.reader.stop()
        self.reading = False
        super().reject()

    def done(self, result: int) -> None:
        """Closed: the changes go a slice at a time, between the window's events (30,000 freed at once would hold
        the window a tenth of a second)."""
        super().done(result)
        held = [self.all_changes, self.model.changes]
        self.all_changes = []
        self.model.set_changes([])
        _let_go_slowly(held)

    def _done(self, target: Path | None) -> None:
        self.written = target
        if target is not None:
            self.show_status(self.tr("已导出到 {name}。").format(name=target.name), GOOD)


def _let_go_slowly(lists: list[list[Change]]) -> None:
    for items in lists:
        if items:
            del items[-LET_GO_STEP:]
            QTimer.singleShot(0, lambda: _let_go_slowly(lists))
            return


def open_changes(parent: QWidget, session: Session, *, unit: int | None = None, page: str | None = None) -> None:
    """Show the changes (of a unit and a clause, when given) until the assessor closes them."""
    dialog = ChangesDialog(session, parent, unit=unit, page=page)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
