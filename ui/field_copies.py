"""文件 → 制作外业副本… and 文件 → 合并外业副本…: a field copy of the open year for an assessor (the units
he takes), and a field copy brought back into the year, each conflict shown side by side for the lead to
choose, with the reason. The copy, the comparison and the merge run on another thread with progress
(core/editing/field_work.py). The menu's two actions are ui/field_copy_actions.py, which imports this
module when one is first used."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.common.messages import Msg, render
from core.editing.writes import Write
from core.store.dataset import Edit
from core.teamwork.field_copy import edit_time, local_time
from core.teamwork.plan import MergePlan, kept_words, side_by, withdrawal_words
from ui.screen_fit import resize_within_screen
from ui.worker import Job
from ui.writing import kept_from_collector


def _text(value: Any) -> str:
    return render(value) if isinstance(value, Msg) else str(value)


class FieldCopyDialog(QDialog):
    """Who takes the copy, and which units (all by default)."""

    def __init__(self, parent: QWidget, assessors: Sequence[str], units: Sequence[str]):
        super().__init__(parent)
        self.setWindowTitle(self.tr("制作外业副本"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("外业副本是本年度数据的一份完整副本，交给考核人员带到现场修改；回到办公室后用"
                               "“文件 → 合并外业副本…”合并回来，两边都改过的同一项会列出来由您选择。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.assessor = QComboBox()
        self.assessor.setEditable(True)
        self.assessor.addItems(list(assessors))
        self.assessor.setCurrentText("")
        self.assessor.lineEdit().setPlaceholderText(self.tr("领取副本的考核人员姓名"))
        form.addRow(self.tr("交给："), self.assessor)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("带去的单位：")))
        self.units = QListWidget()
        for name in units:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.units.addItem(item)
        layout.addWidget(self.units)
        row = QHBoxLayout()
        self.all_button = QPushButton(self.tr("全选"))
        self.none_button = QPushButton(self.tr("全不选"))
        self.all_button.clicked.connect(lambda: self._check_all(True))
        self.none_button.clicked.connect(lambda: self._check_all(False))
        row.addWidget(self.all_button)
        row.addWidget(self.none_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("保存副本…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.assessor.editTextChanged.connect(self._update)
        self.units.itemChanged.connect(self._update)
        self._update()

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for i in range(self.units.count()):
            self.units.item(i).setCheckState(state)

    def chosen_units(self) -> list[str]:
        return [self.units.item(i).text() for i in range(self.units.count())
                if self.units.item(i).checkState() == Qt.CheckState.Checked]

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.assessor.currentText().strip()) and bool(self.chosen_units()))

    def values(self) -> tuple[str, list[str] | None]:
        """The assessor, and the units he takes (None: the whole year)."""
        chosen = self.chosen_units()
        return self.assessor.currentText().strip(), None if len(chosen) == self.units.count() else chosen


class ChangesModel(QAbstractTableModel):
    """The changes a merge brings in (or, `held`, those of units locked here that it cannot bring in now,
    with why), each row's words made when it is first shown (a copy brings thousands)."""

    def __init__(self, plan: MergePlan, parent: QObject, *, held: bool = False):
        super().__init__(parent)
        self.plan = plan
        self.listed = plan.held if held else plan.changes
        self.headers = [self.tr("内容"), self.tr("年度文件中") if held else self.tr("原来"), self.tr("外业副本改为"),
                        self.tr("考核人员"), self.tr("时间")]
        self.why = render(Msg.of("teamwork.why.locked_here")) if held else None
        if self.why is not None:
            self.headers.append(self.tr("不能带入的原因"))
        self.rows: dict[int, tuple[str, ...]] = {}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.listed)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def _row(self, row: int) -> tuple[str, ...]:
        if row not in self.rows:
            what, field, old, new, by, told = self.listed[row]
            words = render(what) + (render(Msg.of("teamwork.field_of", field=field)) if field is not None else "")
            values = (_text(old), _text(new))
            if told is not None and self.why is None:  # said whole, across the value columns (MergeDialog)
                words, values = render(told), ("", "")
            self.rows[row] = (words, *values, by.who, edit_time(by.when)) + (
                (self.why,) if self.why is not None else ())
        return self.rows[row]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._row(index.row())[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class ConflictsModel(QAbstractTableModel):
    """The conflicts side by side; the last two columns are the choice (one of them ticked per row)."""

    MINE, THEIRS = 3, 4

    def __init__(self, plan: MergePlan, parent: QObject):
        super().__init__(parent)
        self.plan = plan
        self.headers = [self.tr("冲突"), self.tr("年度文件中"), self.tr("外业副本中"), self.tr("保留年度文件的"),
                        self.tr("采用外业副本的")]
        self.chosen: dict[int, str] = {}
        self.rows: dict[int, tuple[str, ...]] = {}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.plan.conflicts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def _row(self, row: int) -> tuple[str, ...]:
        if row not in self.rows:
            conflict = self.plan.conflicts[row]
            what = render(conflict.what) + (render(Msg.of("teamwork.field_of", field=conflict.field))
                                            if conflict.field is not None else "")
            sides = tuple(f"{_text(side.value)}\n{_text(side_by(side))}  {edit_time(side.when) if side.when else ''}"
                          .rstrip() for side in (conflict.mine, conflict.theirs))
            why = _text(conflict.why) if conflict.why is not None else ""
            # why only the year file's side can be kept, or why a one-sided change still asks: under it, in full
            note = "".join(f"\n{_text(said)}" for said in (conflict.why, conflict.note, conflict.final, conflict.along)
                           if said is not None)
            self.rows[row] = (f"{conflict.number}. {what}{note}", *sides, why)
        return self.rows[row]

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.MINE:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == self.THEIRS:
            if not self.plan.conflicts[index.row()].can_take_theirs:
                return Qt.ItemFlag.ItemIsSelectable
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:  # a conflict's row may be tall: its sides and choice at its top
            across = Qt.AlignmentFlag.AlignLeft if column < self.MINE else Qt.AlignmentFlag.AlignHCenter
            return int(Qt.AlignmentFlag.AlignTop | across)
        words = self._row(row)
        if column < self.MINE:
            return words[column] if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) else None
        side = "mine" if column == self.MINE else "theirs"
        if role == Qt.ItemDataRole.CheckStateRole:
            number = self.plan.conflicts[row].number
            return Qt.CheckState.Checked if self.chosen.get(number) == side else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and side == "theirs":
            return words[3] or None
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() < self.MINE:
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsUserCheckable:
            return False
        number = self.plan.conflicts[index.row()].number
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.chosen[number] = "mine" if index.column() == self.MINE else "theirs"
        else:
            self.chosen.pop(number, None)
        self.dataChanged.emit(self.index(index.row(), self.MINE), self.index(index.row(), self.THEIRS))
        return True

    def choose_all(self, side: str) -> None:
        for conflict in self.plan.conflicts:
            self.chosen[conflict.number] = side if side == "mine" or conflict.can_take_theirs else "mine"
        if self.plan.conflicts:
            self.dataChanged.emit(self.index(0, self.MINE), self.index(len(self.plan.conflicts) - 1, self.THEIRS))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class MergeDialog(QDialog):
    """What a field copy brings in; each conflict with both sides and a choice; the reason."""

    def __init__(self, parent: QWidget, plan: MergePlan):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(self.tr("合并外业副本"))
        resize_within_screen(self, 980, 620)
        layout = QVBoxLayout(self)
        mark = plan.mark
        assert mark is not None
        said = render(Msg.of("teamwork.plan_head", copy=plan.copy_name, assessor=mark.assessor,
                             made_at=local_time(mark.made_at), changes=len(plan.changes),
                             conflicts=len(plan.conflicts)))
        if plan.held:
            said += render(Msg.of("teamwork.plan_held", count=len(plan.held)))
        head = QLabel(said)
        head.setWordWrap(True)
        layout.addWidget(head)
        # the values take the room left; who and when are as wide as their words
        stretch, fit = QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents
        self.changes = self._table(ChangesModel(plan, self), 330, (stretch, stretch, fit, fit))
        if plan.changes:
            layout.addWidget(QLabel(self.tr("只在外业副本中修改、将直接带入的内容：")))
            layout.addWidget(self.changes, 2)
        else:  # an empty table would take a third of the dialog from the conflicts
            layout.addWidget(QLabel(self.tr("只在外业副本中修改、将直接带入的内容：无")))
            self.changes.hide()
        for row, change in enumerate(plan.changes):  # a 定稿 withdrawn or marked: one sentence, not a value's change
            if change.told is not None:
                self.changes.setSpan(row, 0, 1, 3)
        # what changed, in full: a line too long for its column (a long unit and base name, then the field) is
        # wrapped onto a second rather than cut before the field it names
        self.changes.setWordWrap(True)
        room = self.changes.columnWidth(0) - 2 * self.changes.style().pixelMetric(
            QStyle.PixelMetric.PM_FocusFrameHMargin) - 8
        metrics, changes_model = self.changes.fontMetrics(), self.changes.model()
        spanned = room + self.changes.columnWidth(1) + self.changes.columnWidth(2)  # a sentence across the values
        for row, change in enumerate(plan.changes):
            if metrics.horizontalAdvance(str(changes_model.index(row, 0).data())) > (
                    room if change.told is None else spanned):
                self.changes.resizeRowToContents(row)
        # a 定稿 marked here that merging withdraws (the copy changed the unit's data): said before merging, whole
        # (many units: their sentences scroll, at most six lines high, rather than push the dialog off the screen)
        # and a 定稿 that stays though the copy imported the unit's list again (the same people), in an import's words
        # and a record the copy adds that the year file holds alike (one activity entered in two copies)
        self.withdrawals = QLabel("\n".join([*(render(withdrawal_words(w)) for w in plan.withdrawals),
                                             *(render(kept_words(k)) for k in plan.finals_kept),
                                             *(render(twin) for twin in plan.twins)]))
        self.withdrawals.setWordWrap(True)
        self.withdrawals.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.withdrawals_area = QScrollArea()
        self.withdrawals_area.setWidget(self.withdrawals)
        self.withdrawals_area.setWidgetResizable(True)
        self.withdrawals_area.setFrameShape(QFrame.Shape.NoFrame)
        self.withdrawals_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.withdrawals_area.setMaximumHeight(6 * self.fontMetrics().lineSpacing() + 4)
        layout.addWidget(self.withdrawals_area)
        self.withdrawals_area.setVisible(bool(plan.withdrawals or plan.finals_kept or plan.twins))
        self.held = self._table(ChangesModel(plan, self, held=True), 300, (fit, fit, fit, fit, stretch),
                                two_lines=True)  # the reason in full
        if plan.held:  # a unit signed here meanwhile: its changes wait in the copy for it to be reopened
            layout.addWidget(QLabel(self.tr("所属单位已签章锁定、暂不能带入的修改（仍留在外业副本中，解锁后再次合并即可带入）：")))
            layout.addWidget(self.held, 1)
        else:
            self.held.hide()
        self.choice_model = ConflictsModel(plan, self)
        self.choice_model.dataChanged.connect(lambda *_: self._update())
        self.conflicts = self._table(self.choice_model, 300, (stretch, stretch, fit, fit), select_rows=False,
                                     two_lines=True)
        for row, conflict in enumerate(plan.conflicts):  # a note under it (a unit not handed over …): in full
            if any(said is not None for said in (conflict.note, conflict.why, conflict.final, conflict.along)):
                self.conflicts.resizeRowToContents(row)
        if plan.conflicts:
            layout.addWidget(QLabel(self.tr("需要选择的冲突：两边都改过的同一项，或不能直接带入的修改（请逐项选择保留哪一方）：")))
            layout.addWidget(self.conflicts, 3)
            row_buttons = QHBoxLayout()
            self.all_mine = QPushButton(self.tr("全部保留年度文件的"))
            self.all_theirs = QPushButton(self.tr("全部采用外业副本的"))
            self.all_mine.clicked.connect(lambda: self._choose_all("mine"))
            self.all_theirs.clicked.connect(lambda: self._choose_all("theirs"))
            row_buttons.addWidget(self.all_mine)
            row_buttons.addWidget(self.all_theirs)
            row_buttons.addStretch(1)
            layout.addLayout(row_buttons)
            self.reason = QLineEdit()
            self.reason.setPlaceholderText(self.tr("处理冲突的理由（必填，记入审计记录）"))
            self.reason.textChanged.connect(self._update)
            form = QFormLayout()
            form.addRow(self.tr("理由："), self.reason)
            layout.addLayout(form)
        else:
            self.conflicts.hide()
            self.reason = QLineEdit()
        self.buttons = QDialogButtonBox()
        self.merge_button = self.buttons.addButton(self.tr("合并"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def _table(self, model: QAbstractItemModel, first_width: int, modes: Sequence[QHeaderView.ResizeMode], *,
               select_rows: bool = True, two_lines: bool = False) -> QTableView:
        """A table of the plan nothing is typed into: its first column `first_width` wide, the next ones
        sized by `modes`; two_lines: rows two lines high, their text wrapped."""
        table = QTableView()
        table.setModel(model)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        if select_rows:
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)  # a row taller than the view is read
        if two_lines:
            table.setWordWrap(True)
            table.verticalHeader().setDefaultSectionSize(2 * self.fontMetrics().height() + 10)
        table.setColumnWidth(0, first_width)
        for column, mode in enumerate(modes, start=1):
            table.horizontalHeader().setSectionResizeMode(column, mode)
        return table

    def _choose_all(self, side: str) -> None:
        self.choice_model.choose_all(side)

    def choices(self) -> dict[int, str]:
        return dict(self.choice_model.chosen)

    def _update(self) -> None:
        complete = len(self.choices()) == len(self.plan.conflicts)
        reasoned = not self.plan.conflicts or bool(self.reason.text().strip())
        self.merge_button.setEnabled(complete and reasoned)


class _Relay:
    """The merge's progress, passed on to the job of the thread it runs on."""
    job: Job | None = None

    def __call__(self, done: int, total: int) -> bool:
        if self.job is None:
            return True
        self.job.progress(done, total)
        return not self.job.cancelled


def _run_merge(job: Job, write: Write, relay: _Relay) -> Edit:
    relay.job = job
    with kept_from_collector():
        return write.run(lambda: job.cancelled)
