"""文件 → 制作外业副本… and 文件 → 合并外业文件…: a field copy of the open year for an assessor (the units
he takes), and a field copy brought back into the year, each conflict shown side by side for the lead to
choose, with the reason. The copy, the comparison and the merge run on another thread with progress
(core/editing/field_work.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.common.messages import Msg, render
from core.editing import field_work
from core.editing.writes import Write
from core.store.dataset import DatasetError, Edit
from core.teamwork.plan import Conflict, MergePlan, local_time
from ui.worker import Job, Worker, progress_dialog
from ui.writing import kept_from_collector

if TYPE_CHECKING:
    from ui.main_window import MainWindow

SHOWN_CHANGES = 2000  # a longer list says how many more there are


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
                               "“文件 → 合并外业文件…”合并回来，两边都改过的同一项会列出来由您选择。"))
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


class MergeDialog(QDialog):
    """What a field copy brings in; each conflict with both sides and a choice; the reason."""

    def __init__(self, parent: QWidget, plan: MergePlan):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(self.tr("合并外业文件"))
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        mark = plan.mark
        assert mark is not None
        head = QLabel(render(Msg.of("teamwork.plan_head", copy=plan.copy_name, assessor=mark.assessor,
                                    made_at=local_time(mark.made_at), changes=len(plan.changes),
                                    conflicts=len(plan.conflicts))))
        head.setWordWrap(True)
        layout.addWidget(head)
        self.changes = QTableWidget(min(len(plan.changes), SHOWN_CHANGES), 5)
        self.changes.setHorizontalHeaderLabels([self.tr("内容"), self.tr("原来"), self.tr("外业副本改为"),
                                                self.tr("考核人员"), self.tr("时间")])
        for row, (what, field, old, new, by) in enumerate(plan.changes[:SHOWN_CHANGES]):
            words = render(what) + (render(Msg.of("teamwork.field_of", field=field)) if field is not None else "")
            for column, text in enumerate((words, _text(old), _text(new), by.who, local_time(by.when))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.changes.setItem(row, column, item)
        self._tidy(self.changes)
        layout.addWidget(QLabel(self.tr("只在外业副本中修改、将直接带入的内容：")))
        layout.addWidget(self.changes, 2)
        self.groups: dict[int, QButtonGroup] = {}
        self.conflicts = QTableWidget(len(plan.conflicts), 4)
        self.conflicts.setHorizontalHeaderLabels([self.tr("冲突"), self.tr("年度文件中"), self.tr("外业副本中"),
                                                  self.tr("保留")])
        for row, conflict in enumerate(plan.conflicts):
            self._conflict_row(row, conflict)
        self._tidy(self.conflicts)
        self.conflicts.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if plan.conflicts:
            layout.addWidget(QLabel(self.tr("两边都改过的同一项（请逐项选择保留哪一方）：")))
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

    @staticmethod
    def _tidy(table: QTableWidget) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column), 300))

    def _conflict_row(self, row: int, conflict: Conflict) -> None:
        what = render(conflict.what) + (render(Msg.of("teamwork.field_of", field=conflict.field))
                                        if conflict.field is not None else "")
        self.conflicts.setItem(row, 0, QTableWidgetItem(f"{conflict.number}. {what}"))
        for column, side in ((1, conflict.mine), (2, conflict.theirs)):
            text = f"{_text(side.value)}\n{side.who or render(Msg.of('teamwork.someone'))}  {local_time(side.when)}"
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.conflicts.setItem(row, column, item)
        cell = QWidget()
        box = QHBoxLayout(cell)
        box.setContentsMargins(4, 0, 4, 0)
        group = QButtonGroup(cell)
        mine = QRadioButton(self.tr("年度文件的"))
        theirs = QRadioButton(self.tr("外业副本的"))
        mine.setObjectName(f"mine-{conflict.number}")
        theirs.setObjectName(f"theirs-{conflict.number}")
        group.addButton(mine)
        group.addButton(theirs)
        if not conflict.can_take_theirs:
            theirs.setEnabled(False)
            theirs.setToolTip(_text(conflict.why) if conflict.why is not None else "")
            self.conflicts.item(row, 2).setToolTip(_text(conflict.why) if conflict.why is not None else "")
        group.buttonClicked.connect(lambda _button: self._update())
        box.addWidget(mine)
        box.addWidget(theirs)
        self.conflicts.setCellWidget(row, 3, cell)
        self.groups[conflict.number] = group

    def _choose_all(self, side: str) -> None:
        for group in self.groups.values():
            mine, theirs = group.buttons()
            button = theirs if side == "theirs" and theirs.isEnabled() else mine
            button.setChecked(True)
        self._update()

    def choices(self) -> dict[int, str]:
        chosen = {}
        for number, group in self.groups.items():
            button = group.checkedButton()
            if button is not None:
                chosen[number] = "theirs" if button.objectName().startswith("theirs") else "mine"
        return chosen

    def _update(self) -> None:
        complete = len(self.choices()) == len(self.plan.conflicts)
        reasoned = not self.plan.conflicts or bool(self.reason.text().strip())
        self.merge_button.setEnabled(complete and reasoned)


def _wait(worker: Worker) -> dict[str, Any]:
    """Run the worker to its end while the window's events flow; its outcome."""
    outcome: dict[str, Any] = {}
    worker.done.connect(lambda result: outcome.setdefault("done", result))
    worker.cancelled.connect(lambda result: outcome.setdefault("cancelled", result))
    worker.failed.connect(lambda exc: outcome.setdefault("error", exc))
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    worker.start()
    loop.exec()
    worker.deleteLater()
    return outcome


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


class FieldCopyActions(QObject):
    """The two actions of the 文件 menu; `window` is the main window."""

    def __init__(self, window: MainWindow, menu: Any) -> None:
        super().__init__(window)
        self.window = window
        self.copy_action = window._action(menu, self.tr("制作外业副本…"), self.make_copy)
        self.merge_action = window._action(menu, self.tr("合并外业文件…"), self.merge)

    def update(self) -> None:
        session = self.window.session
        self.copy_action.setEnabled(session is not None)
        self.merge_action.setEnabled(session is not None and not session.read_only)

    def _folder(self) -> str:
        session = self.window.session
        return str(session.file.parent) if session is not None else ""

    # ---------------------------------------------------------------- 制作外业副本…

    def make_copy(self) -> None:
        session = self.window.session
        if session is None:
            return
        dialog = FieldCopyDialog(self.window, [a.name for a in session.assessors()],
                                 [session.unit(uid).name for uid in session.unit_ids])
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        assessor, units = dialog.values()
        suggested = Path(self._folder()) / f"{session.file.stem}-外业-{assessor}.wjkh"
        target, _ = QFileDialog.getSaveFileName(self.window, self.tr("保存外业副本"), str(suggested),
                                                self.tr("年度数据文件 (*.wjkh)"))
        if not target:
            return
        path = Path(target) if target.endswith(".wjkh") else Path(target + ".wjkh")
        try:
            year = field_work.material(session)
        except DatasetError as exc:
            self.window.show_problems([render(exc.msg)])
            return
        worker = Worker(lambda job: field_work.make_copy(year, path, assessor, session.by, units), parent=self.window)
        progress_dialog(self.window, self.tr("正在制作外业副本…"), worker)
        outcome = _wait(worker)
        if "error" in outcome:
            self._fault(outcome["error"])
            return
        mark = outcome.get("done")
        if mark is None:
            return
        scope = Msg.of("teamwork.whole_year") if mark.units is None else Msg.of("teamwork.some_units", units=mark.units)
        self._inform(self.tr("外业副本已制作"), render(Msg.of(
            "teamwork.copy_made", copy=path.name, assessor=mark.assessor, units=scope, seq=mark.base_seq)))

    def _inform(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("确定"))
        box.exec()

    def _fault(self, exc: BaseException) -> None:
        if isinstance(exc, DatasetError):
            self.window.show_problems([render(exc.msg)])
        else:
            self.window.handle_fault(exc)

    # ---------------------------------------------------------------- 合并外业文件…

    def merge(self) -> None:
        session = self.window.session
        if session is None or session.read_only:
            return
        chosen, _ = QFileDialog.getOpenFileName(self.window, self.tr("选择外业副本"), self._folder(),
                                                self.tr("年度数据文件 (*.wjkh)"))
        if not chosen:
            return
        path = Path(chosen)
        try:
            year = field_work.material(session)
        except DatasetError as exc:
            self.window.show_problems([render(exc.msg)])
            return
        worker = Worker(lambda job: field_work.plan(year, path), parent=self.window)
        progress_dialog(self.window, self.tr("正在比较外业副本与年度文件…"), worker)
        outcome = _wait(worker)
        if "error" in outcome:
            self._fault(outcome["error"])
            return
        plan: MergePlan | None = outcome.get("done")
        if plan is None:
            return
        if not plan.ok:
            self.window.show_problems([render(plan.problems[0].message)])
            return
        if not plan.rows:
            self._inform(self.tr("合并外业文件"), render(Msg.of(
                "teamwork.nothing_new", copy=path.name, file=session.file.name)))
            return
        dialog = MergeDialog(self.window, plan)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.write_merge(path, dialog.choices(), dialog.reason.text().strip(), plan)

    def write_merge(self, path: Path, choices: dict[int, str], reason: str, plan: MergePlan) -> Edit | None:
        session = self.window.session
        assert session is not None
        relay = _Relay()
        write = field_work.merge_write(session, path, choices, reason, relay)
        refusal = write.begin()
        if refusal is not None:
            self.window.show_problems([render(p.message) for p in refusal.problems])
            return refusal
        worker = Worker(_run_merge, write, relay, parent=self.window)
        progress_dialog(self.window, self.tr("正在合并外业副本…"), worker, minimum_duration_ms=0)
        outcome = _wait(worker)
        if "error" in outcome:
            write.abandon()
            self._fault(outcome["error"])
            return None
        edit = write.finish(outcome.get("done") or outcome.get("cancelled") or Edit())
        if not edit.ok:
            self.window.show_problems([render(p.message) for p in edit.problems])
            return edit
        self._inform(self.tr("合并外业文件"), render(Msg.of(
            "teamwork.merged", copy=path.name, file=session.file.name, changes=len(plan.changes),
            conflicts=len(plan.conflicts))))
        return edit
