"""The record tables of a clause page: a unit's bases (1.1, 2.1, 2.2), recruiting trips (1.2, with the chosen
trip's evaluation counts just above the table) and deliveries (3.1), edited cell by cell, with buttons to add
and remove records on the page where they are entered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.scoring.assessment import Page
from core.scoring.facts import Unit
from core.store.dataset import Edit
from ui.editors.base import EditorContext, FactsEditor, plain_layout, wrapped
from ui.editors.cells import ChoiceDelegate
from ui.editors.flow import FlowLayout
from ui.models import CHOICES_ROLE, BasesModel, DeliveriesModel, RecordModel, TripsModel
from ui.wrapped_rows import ShownRowsFitter


class RecordsEditor(FactsEditor):
    """One table of a unit's records; the kinds below say which records and how they are added."""
    model_class: type[RecordModel]
    widest = 150  # no column wider (names and places end in "…"): the whole row stays in view
    # columns whose long texts wrap instead, sharing the room the others leave (the last of them is the last
    # column; those a page does not show are passed over); the rows on screen are then as tall as their texts
    wrapping: tuple[str, ...] = ()

    def __init__(self, context: EditorContext, page: Page, unit_id: int):
        super().__init__(context, page, unit_id)
        layout = plain_layout(self)
        self.model = model = self.model_class(self.session, context.problems, self)
        model.set_context(unit_id, page)
        self.build_above_table(layout)
        self.view = view = QTableView()
        view.setModel(model)
        view.setItemDelegate(ChoiceDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        triggers = QAbstractItemView.EditTrigger
        view.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed | triggers.SelectedClicked)
        view.setWordWrap(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(80)  # the verdict, stretched, is never narrower (fit_columns leaves it 80)
        self._natural: dict[int, int] = {}  # the wrapping columns' widths on one line, when last fitted
        self._texts: list = []  # and their texts then
        self._wrapped = [model.columns.index(c) for c in self.wrapping if c in model.columns]
        # the wrapping columns' last is given the room left by _share_room (Qt's stretch would keep it as wide as
        # a size it once had, pushing the table sideways)
        header.setStretchLastSection(not self._wrapped)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        row_height = view.verticalHeader().defaultSectionSize()
        view.setFixedHeight(row_height * 6 + view.horizontalHeader().sizeHint().height() + 24)
        if self._wrapped:
            # only the rows on screen measured, once laid out: the page of 1.1 is the first built at start-up
            ShownRowsFitter(view)
            model.dataChanged.connect(self._texts_changed)
        model.modelReset.connect(self.fit_columns)
        self.fit_columns()
        if self._wrapped:
            header.installEventFilter(self)  # a wider or narrower page shares the room anew
        layout.addWidget(view)
        self.build_below_table(layout)
        if page.records_added_here:
            row = QHBoxLayout()
            add = QPushButton(self.add_text())
            add.clicked.connect(self.add_record)
            remove = QPushButton(self.remove_button_text())
            remove.clicked.connect(lambda: self.remove_selected_record())
            row.addWidget(add)
            row.addWidget(remove)
            row.addStretch(1)
            layout.addLayout(row)
        hint = wrapped(self.tr("双击单元格修改；红底的记录不计分，原因见“计分情况”列。"), selectable=False)
        hint.setToolTip(self.tr("勾选框表示该记录的依据已查验原件；未查验的记录不计分。"))
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)

    def build_above_table(self, layout: QVBoxLayout) -> None:
        """Anything a kind shows above its table (made before the table: Tab goes down the page)."""

    def build_below_table(self, layout: QVBoxLayout) -> None:
        """Anything a kind shows between its table and its buttons."""

    def fit_columns(self) -> None:
        """The columns fit their texts (fit_columns); the wrapping ones share the room left, the rows on screen
        as tall as their texts (ShownRowsFitter). (Measured when rows come and go, as the columns are; a table
        of a unit's records is short.)"""
        view = self.view
        if not self._wrapped:
            fit_columns(view, self.widest)
            return
        fit_columns(view, self.widest, keep=self._wrapped)
        self._texts = self._wrapped_texts()
        self._natural = one_line_widths(view, self._wrapped)
        self._share_room()

    def _wrapped_texts(self) -> list:
        model = self.model
        return [model.index(row, column).data() for column in self._wrapped for row in range(model.rowCount())]

    def _texts_changed(self, *_args: object) -> None:
        """After an edit the wrapping columns share the room by their texts as they are now (a long name typed
        into a new record gets its share, not the width of 未填写); texts as they were are not measured again
        (the table is refreshed at every switch of unit)."""
        texts = self._wrapped_texts()
        if texts == self._texts:
            return
        self._texts = texts
        natural = one_line_widths(self.view, self._wrapped)
        if natural != self._natural:
            self._natural = natural
            self._share_room()

    def _share_room(self) -> None:
        """The wrapping columns share what the others leave: each its one-line width if the share allows, the rest
        equally; the last column takes what is left over."""
        header = self.view.horizontalHeader()
        if header.width() <= 0 or not self._natural:
            return
        last = header.count() - 1
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c not in self._natural and not header.isSectionHidden(c))
        room = header.width() - others
        least = 4 * self.view.fontMetrics().horizontalAdvance("国")
        order = sorted(self._natural, key=self._natural.__getitem__)  # the narrowest first: what it leaves, others get
        widths: dict[int, int] = {}
        for done, column in enumerate(order):
            share = room // (len(order) - done)
            floor = max(least, header.sectionSizeFromContents(last).width()) if column == last else least
            widths[column] = max(floor, min(self._natural[column], share))
            room -= widths[column]
        if last in widths:  # the row spans the table
            widths[last] += max(0, room)
        for column, width in widths.items():
            header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.horizontalHeader():
            self._share_room()
        return super().eventFilter(watched, event)

    def set_unit(self, unit_id: int) -> None:
        super().set_unit(unit_id)
        if self.model.unit_id != unit_id:
            self.model.set_context(unit_id, self.page)

    def show_values(self, unit: Unit) -> None:
        self.model.reload()

    def finish_editing(self) -> None:
        """A table cell's open editor is saved and closed (it would otherwise write into whatever the
        table shows next, or into a closed year)."""
        view = self.view
        editor = view.indexWidget(view.currentIndex()) if view.currentIndex().isValid() else None
        if editor is not None and view.state() == QAbstractItemView.State.EditingState:
            delegate = view.itemDelegateForIndex(view.currentIndex())
            delegate.commitData.emit(editor)
            delegate.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    # what each kind says and does
    def add_text(self) -> str:
        raise NotImplementedError

    def remove_button_text(self) -> str:
        raise NotImplementedError

    def add(self) -> Edit:
        raise NotImplementedError

    def remove(self, record_id: int) -> Edit:
        raise NotImplementedError

    def add_record(self) -> None:
        """A new record without the facts it needs (it counts once they are typed), its first cell open
        for typing."""
        if self.commit(self.add()) and self.model.rowCount():
            index = self.model.index(self.model.rowCount() - 1, 0)
            self.view.setCurrentIndex(index)
            self.view.edit(index)

    def remove_selected_record(self, confirm: bool = True) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        row = rows[0].row()
        if confirm:
            question = self.removal_question(self.model.ids[row], row)
            from PySide6.QtWidgets import QMessageBox  # when first asked
            answer = QMessageBox.question(self, self.tr("删除记录"), question)
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.commit(self.remove(self.model.ids[row]))

    def removal_question(self, record_id: int, row: int) -> str:
        """The question before the record is removed: which, and what goes with it."""
        return self.tr("确定删除第 {row} 行记录吗？可用“撤销”恢复。").format(row=row + 1)


class BasesEditor(RecordsEditor):
    model_class = BasesModel
    widest = 100
    wrapping = ("name", "region", "verdict")  # a base's name and place, and why it does not count: read whole

    def __init__(self, context: EditorContext, page: Page, unit_id: int):
        super().__init__(context, page, unit_id)
        from ui.source_question import roster_source_confirmed  # its message box classes: not at start-up
        cast(BasesModel, self.model).ask_roster_source = lambda base_id: roster_source_confirmed(
            self, self.session, self.unit_id, [base_id])

    def add_text(self) -> str:
        return self.tr("添加基地")

    def remove_button_text(self) -> str:
        return self.tr("删除所选基地")

    def add(self) -> Edit:
        return self.session.add_base(self.tr("添加基地"), self.unit_id, "", "labour", None)

    def remove(self, record_id: int) -> Edit:
        return self.session.remove_base(self.tr("删除基地"), self.unit_id, record_id)

    def removal_question(self, record_id: int, row: int) -> str:
        ids = self.session.base_ids(self.unit_id)
        if record_id not in ids:
            return super().removal_question(record_id, row)
        base = self.session.unit(self.unit_id).bases[ids.index(record_id)]
        seen = sum(1 for ticked in base.evidence.values() if ticked)
        return self.tr("确定删除第 {row} 行的基地“{name}”吗？{seen}可用“撤销”恢复。").format(
            row=row + 1, name=base.name or self.tr("未填写"),
            seen=self.tr("已勾选查验的依据 {n} 项一并删除。").format(n=seen) if seen else "")


class TripsEditor(RecordsEditor):
    model_class = TripsModel
    widest = 110
    wrapping = ("place", "verdict")  # a place and a reason it does not count, read whole at 1366 px

    def add_text(self) -> str:
        return self.tr("添加赴外招聘")

    def remove_button_text(self) -> str:
        return self.tr("删除所选活动")

    def add(self) -> Edit:
        return self.session.add_trip(self.tr("添加赴外招聘"), self.unit_id, None, "", "offline", 0)

    def remove(self, record_id: int) -> Edit:
        return self.session.remove_trip(self.tr("删除赴外招聘"), self.unit_id, record_id)

    def removal_question(self, record_id: int, row: int) -> str:
        ids = self.session.trip_ids(self.unit_id)
        if record_id not in ids:
            return super().removal_question(record_id, row)
        trip = self.session.unit(self.unit_id).trips[ids.index(record_id)]
        what = f"{trip.date.isoformat() if trip.date else ''} {trip.place}".strip() or self.tr("未填写")
        seen = sum(1 for ticked in trip.evidence.values() if ticked)
        going = [self.tr("企业评价表 {n} 份").format(n=len(trip.evaluations))] if trip.evaluations else []
        going += [self.tr("已勾选查验的依据 {n} 项").format(n=seen)] if seen else []
        going_words = self.tr("其{items}一并删除。").format(items="、".join(going)) if going else ""
        return self.tr("确定删除第 {row} 行的赴外招聘“{what}”吗？{going}可用“撤销”恢复。").format(
            row=row + 1, what=what, going=going_words)

    def build_above_table(self, layout: QVBoxLayout) -> None:
        """The four counts of 企业评价表（附件6） verdicts (好 / 较好 / 一般 / 差) of the trip chosen in the table, as
        number boxes in one line just above it: in view with the table when the page opens at 1366×728 (below
        it they were under the fold, with nothing saying they were there). The table keeps date, place, mode,
        enterprises, the evidence and the verdict, and needs no sideways scrolling at 1366 px."""
        self.count_columns = [c for c in self.model.columns if c.startswith("verdict_count:")]
        row = FlowLayout(spacing=10)  # on one line, or wrapped in a narrow window
        title = QLabel(self.tr("所选活动的评价表（附件6）份数："))
        row.addWidget(title)
        spins: dict[str, QSpinBox] = {}
        for column in self.count_columns:
            spin = QSpinBox()
            spin.setRange(0, 1000)
            spin.setEnabled(False)
            pair = QWidget()
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            label = QLabel(column.split(":", 1)[1])  # the verdict's own word, as the rules name it
            label.setBuddy(spin)
            pair_layout.addWidget(label)
            pair_layout.addWidget(spin)
            row.addWidget(pair)
            spins[column] = spin
        layout.addLayout(row)
        note = wrapped(self.tr("先在下表点选一次活动；每出现 1 份总评为“差”的评价表扣 1 分，每次最多扣 5 分。"))
        note.setStyleSheet("color: #555;")
        layout.addWidget(note)
        self.evaluation_spins = spins

    def build_below_table(self, layout: QVBoxLayout) -> None:
        """The counts' boxes above follow the trip chosen in the table and save what is typed into them; the
        counts' own columns are hidden."""
        view, model, spins = self.view, self.model, self.evaluation_spins
        for column in self.count_columns:
            view.setColumnHidden(model.columns.index(column), True)

        def show(*_args) -> None:
            current = view.currentIndex()
            valid = current.isValid() and current.row() < model.rowCount()
            editable = valid and self.session.editable(self.unit_id)
            for column, spin in spins.items():
                spin.blockSignals(True)
                spin.setEnabled(editable)
                cell = model.index(current.row(), model.columns.index(column))
                spin.setValue(int(cell.data(Qt.ItemDataRole.EditRole) or 0) if valid else 0)
                spin.blockSignals(False)

        def save(column: str, value: int) -> None:
            current = view.currentIndex()
            if current.isValid() and not model.setData(model.index(current.row(), model.columns.index(column)), value,
                                                       Qt.ItemDataRole.EditRole):
                show()  # refused (the page says why): the boxes show what is stored

        for column, spin in spins.items():
            spin.valueChanged.connect(lambda value, column=column: save(column, value))
        view.selectionModel().currentRowChanged.connect(show)
        model.dataChanged.connect(show)
        model.modelReset.connect(show)
        show()


class DeliveriesEditor(RecordsEditor):
    model_class = DeliveriesModel

    def add_text(self) -> str:
        return self.tr("添加输送记录")

    def remove_button_text(self) -> str:
        return self.tr("删除所选记录")

    def add(self) -> Edit:
        return self.session.add_delivery(self.tr("添加输送记录"), self.unit_id, None, "", None)

    def remove(self, record_id: int) -> Edit:
        return self.session.remove_delivery(self.tr("删除输送记录"), self.unit_id, record_id)


def one_line_widths(view: QTableView, columns: Sequence[int]) -> dict[int, int]:
    """Each column's width with every text of it on one line (Qt measures only the rows in view), a few pixels
    over: a text wrapped exactly at its width may still break its last word."""
    header, model = view.horizontalHeader(), view.model()
    return {column: 4 + max([header.sectionSizeFromContents(column).width()]
                            + [view.sizeHintForIndex(model.index(row, column)).width()
                               for row in range(model.rowCount())]) for column in columns}


def fit_columns(view: QTableView, widest: int = 150, keep: Sequence[int] = ()) -> None:
    """Columns fit their contents (headers wrap onto two lines) but none wider than `widest`, so the
    evidence checkboxes and the verdict stay in view; a drop-down column is never narrower than its
    longest choice where it is edited. The columns `keep` (which wrap their texts) are left for the caller
    to share the room among them."""
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    model = view.model()
    rows = range(min(model.rowCount(), 50))
    for column in range(header.count() - 1):
        if column in keep:
            continue
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)
        # A cell still 未填写 (grey) is sized for what will be typed into it: the columns are fitted when
        # rows come and go, not at every edit, and a date or name would otherwise end in "…".
        grey = [row for row in rows if model.index(row, column).data(Qt.ItemDataRole.ForegroundRole) is not None]
        if grey:
            is_date = isinstance(model.index(0, column).data(Qt.ItemDataRole.EditRole), QDate)
            # a count not typed yet (其中见习人数 未区分) is typed as a few digits
            is_count = isinstance(model.index(grey[0], column).data(Qt.ItemDataRole.EditRole), int)
            needed = view.fontMetrics().horizontalAdvance("2022-10-15") + 16 if is_date else \
                view.fontMetrics().horizontalAdvance("未区分") + 16 if is_count else widest
            header.resizeSection(column, max(header.sectionSize(column), needed))
        choices = model.index(0, column).data(CHOICES_ROLE) if model.rowCount() else None
        # a drop-down only where the column is edited (2.1 shows the type it does not edit)
        if choices and model.flags(model.index(0, column)) & Qt.ItemFlag.ItemIsEditable:
            needed = max(view.fontMetrics().horizontalAdvance(label) for _, label in choices) + 36
            header.resizeSection(column, max(header.sectionSize(column), needed))
    # The last column (the verdict) takes what is left and ends in "…" (whole on hover) rather
    # than pushing the table sideways.
    # The header spans the viewport (QTableView lays it out so); asking for the viewport itself would
    # have Qt for Python make every widget class of QtWidgets to type it (10 ms, once, at start-up).
    last, shown = header.count() - 1, header.width()
    if last > 0 and last not in keep and 0 < shown < header.length():
        rest = shown - sum(header.sectionSize(c) for c in range(last))
        header.resizeSection(last, max(80, rest))
