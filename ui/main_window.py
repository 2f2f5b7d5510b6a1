"""The main window: a start page (新建年度 / 打开 / recent files) and, with a year open, the guided
assessment, a unit's overview, the year table and the grades. Every edit is saved at once, so there
is no Save button and closing never asks."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QCollator,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QSettings,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common import os_errors
from core.common.messages import Msg, format_number, render
from core.editing.session import Session
from core.scoring.assessment import DONE, INCOMPLETE, NOT_STARTED, Page
from core.scoring.engine import QUALIFIED
from core.scoring.facts import load_year
from core.store.dataset import Dataset, create_file
from core.store.files import DatasetError
from core.years.continuation import Previous, continue_year
from ui import faults
from ui.app import PaintWatch
from ui.audit_actions import AuditActions
from ui.clause_page import ClausePage
from ui.dialogs import AssessorDialog, NewYearDialog, UnitDialog
from ui.excel_actions import ExcelActions
from ui.field_copies import FieldCopyActions
from ui.models import ID_ROLE, PROGRESS_COLOURS, UnitListModel, problems_text, progress_text
from ui.other_years import YearsReader
from ui.pdf_actions import PdfActions
from ui.undo import UndoActions
from ui.views import GradeView, LazyTab, OverviewView, YearView
from ui.worker import Worker, progress_dialog

ROOT = Path(__file__).resolve().parent.parent
DEMO_JSON = ROOT / "resources" / "demo" / "demo-2022.json"
MAX_RECENT = 8


_DOTS: dict[tuple[int, int], QIcon] = {}


def dot(colour: QColor, size: int = 12) -> QIcon:
    """A round mark of the colour (made once per colour: the navigator shows one per clause)."""
    key = (colour.rgba(), size)
    if key not in _DOTS:
        _DOTS[key] = _paint_dot(colour, size)
    return _DOTS[key]


def _paint_dot(colour: QColor, size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


DEMO_ASSESSOR = "演示考核人员"  # the demo year's only assessor; main.py passes the translated name


def ensure_demo(folder: Path, assessor: str) -> Path:
    """The demo year in the user's data folder, made from resources/demo on first use."""
    target = folder / "2022年度考核（演示）.wjkh"
    if not target.exists():
        from core.scoring.rule_library import rule_set_for
        rules = rule_set_for(DEMO_JSON, None)
        year, problems = load_year(DEMO_JSON, rules)
        if problems:
            raise RuntimeError(problems[0].text())
        create_file(target, rules, assessor, year=year)
    return target


class StartPage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel(self.tr("“乐业吴江”就业协作联盟运营单位绩效考核"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        hint = QLabel(self.tr("没有打开的年度。新建一个年度，或打开已有的年度数据文件。"))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        self.new_button = QPushButton(self.tr("新建年度…"))
        self.open_button = QPushButton(self.tr("打开…"))
        for b in (self.new_button, self.open_button):
            b.setMinimumSize(QSize(160, 44))
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        recent_title = QLabel(self.tr("最近打开的文件（双击打开）"))
        recent_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(recent_title)
        self.recent = QListWidget()
        self.recent.setMaximumWidth(720)
        self.recent.setMaximumHeight(220)
        self.recent.itemActivated.connect(lambda item: self.recent_chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        holder = QHBoxLayout()
        holder.addStretch(1)
        holder.addWidget(self.recent, 4)
        holder.addStretch(1)
        layout.addLayout(holder)
        layout.addStretch(2)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{Path(path).name}　—　{Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.recent.addItem(item)


# The unit list as a worklist: what it shows (显示) and in which order (排序).
SHOW_ALL, SHOW_NOT_STARTED, SHOW_INCOMPLETE, SHOW_DONE, SHOW_FINAL, SHOW_FAILED = (
    "all", "not_started", "incomplete", "done", "final", "failed")
SORT_FILE, SORT_NAME, SORT_TOTAL, SORT_GRADE, SORT_PROGRESS = "file", "name", "total", "grade", "progress"


class UnitFilter(QSortFilterProxyModel):
    """The unit list filtered by name and by where each unit's assessment stands, in the order chosen."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show = SHOW_ALL
        self.order = SORT_FILE
        self.collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))  # 拼音 order

    def set_show(self, show: str) -> None:
        self.show = show
        self.invalidateRowsFilter()

    def set_order(self, order: str) -> None:
        self.order = order
        self.invalidate()
        self.sort(0)

    def _unit(self, row: int):
        model = self.sourceModel()
        uid = model.unit_id(row)
        return uid, model.session, model.progress(uid)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        text = self.filterRegularExpression().pattern()
        if self.show == SHOW_ALL and not text:
            return True
        uid, session, progress = self._unit(row)
        if text and text.lower() not in session.unit(uid).name.lower():
            return False
        states = set(progress.values())
        return {SHOW_ALL: True,
                SHOW_NOT_STARTED: NOT_STARTED in states,
                SHOW_INCOMPLETE: INCOMPLETE in states,
                SHOW_DONE: states == {DONE},
                SHOW_FINAL: session.unit(uid).facts_final or session.locked(uid),
                SHOW_FAILED: session.unit_result(uid).status != QUALIFIED}[self.show]

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:
        if self.order == SORT_FILE:
            return left.row() < right.row()
        (a, session, pa), (b, _, pb) = self._unit(left.row()), self._unit(right.row())
        if self.order == SORT_NAME:
            return self.collator.compare(session.unit(a).name, session.unit(b).name) < 0
        if self.order == SORT_TOTAL:  # the best first
            return (-session.unit_result(a).total, left.row()) < (-session.unit_result(b).total, right.row())
        if self.order == SORT_GRADE:
            return ((session.unit_result(a).grade, -session.unit_result(a).total, left.row())
                    < (session.unit_result(b).grade, -session.unit_result(b).total, right.row()))
        done_a = sum(1 for v in pa.values() if v == DONE)  # SORT_PROGRESS: the least done first
        done_b = sum(1 for v in pb.values() if v == DONE)
        return (done_a, left.row()) < (done_b, right.row())


class Workspace(QWidget):
    """Everything shown while a year is open."""

    def __init__(self, window: MainWindow, session: Session):
        super().__init__(window)
        self.window_ = window
        self.session = session
        self.unit_id: int | None = session.unit_ids[0] if session.unit_ids else None
        self.page_index = 0
        self._dirty: set[int] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)

        # the guided assessment: units | clause navigator | clause page
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("assessmentSplitter")
        self.splitter.setChildrenCollapsible(False)
        units_panel = QWidget()
        units_layout = QVBoxLayout(units_panel)
        units_layout.setContentsMargins(0, 0, 0, 0)
        units_layout.addWidget(QLabel(self.tr("运营单位")))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("按名称筛选"))
        self.filter.setClearButtonEnabled(True)
        units_layout.addWidget(self.filter)
        self.unit_model = UnitListModel(session, self)
        self.unit_proxy = UnitFilter(self)
        self.unit_proxy.setSourceModel(self.unit_model)
        self.unit_list = QListView()
        self.unit_list.setModel(self.unit_proxy)
        self.unit_list.setAlternatingRowColors(True)
        self.unit_list.setSpacing(1)
        self.unit_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unit_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.unit_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.unit_list.setUniformItemSizes(True)  # every entry is two lines: no size asked of each of 200 units
        self.unit_list.selectionModel().currentChanged.connect(self._unit_clicked)
        self.filter.textChanged.connect(self.unit_proxy.setFilterFixedString)
        worklist = QHBoxLayout()
        self.show_combo = QComboBox()
        for key, label in ((SHOW_ALL, self.tr("全部单位")), (SHOW_NOT_STARTED, self.tr("有未开始条款")),
                           (SHOW_INCOMPLETE, self.tr("有依据不全条款")), (SHOW_DONE, self.tr("已完成")),
                           (SHOW_FINAL, self.tr("已定稿")), (SHOW_FAILED, self.tr("不合格"))):
            self.show_combo.addItem(label, key)
        self.show_combo.setToolTip(self.tr("只显示这些单位"))
        self.show_combo.currentIndexChanged.connect(
            lambda _=0: self._keep_selection(lambda: self.unit_proxy.set_show(self.show_combo.currentData())))
        self.order_combo = QComboBox()
        for key, label in ((SORT_FILE, self.tr("按录入顺序")), (SORT_NAME, self.tr("按名称")),
                           (SORT_TOTAL, self.tr("按总分")), (SORT_GRADE, self.tr("按等级")),
                           (SORT_PROGRESS, self.tr("按进度（少的在前）"))):
            self.order_combo.addItem(label, key)
        self.order_combo.setToolTip(self.tr("单位列表的排序"))
        self.order_combo.currentIndexChanged.connect(
            lambda _=0: self._keep_selection(lambda: self.unit_proxy.set_order(self.order_combo.currentData())))
        worklist.addWidget(self.show_combo, 1)
        worklist.addWidget(self.order_combo, 1)
        units_layout.addLayout(worklist)
        self.unit_proxy.sort(0)
        units_layout.addWidget(self.unit_list, 1)
        buttons = QHBoxLayout()
        for text, slot in ((self.tr("添加"), window.add_unit), (self.tr("编辑"), window.edit_unit),
                           (self.tr("删除"), window.remove_unit)):
            b = QPushButton(text)
            b.clicked.connect(lambda _checked=False, slot=slot: slot())  # never clicked's bool as an argument
            b.setEnabled(not session.read_only)
            buttons.addWidget(b)
        units_layout.addLayout(buttons)
        self.splitter.addWidget(units_panel)

        nav_panel = QWidget()
        nav_layout = QVBoxLayout(nav_panel)
        nav_layout.setContentsMargins(0, 0, 0, 0)
        nav_layout.addWidget(QLabel(self.tr("条款")))
        self.navigator = QListWidget()
        self.navigator.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.navigator.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.navigator.currentRowChanged.connect(self._page_clicked)
        nav_layout.addWidget(self.navigator, 1)
        legend = QLabel("<br>".join(f'<span style="color:{PROGRESS_COLOURS[state].name()}">●</span> {progress_text(state)}'
                                    for state in PROGRESS_COLOURS))
        legend.setTextFormat(Qt.TextFormat.RichText)
        nav_layout.addWidget(legend)
        self.splitter.addWidget(nav_panel)

        self.clause_page = ClausePage(session)
        self.clause_page.previous_requested.connect(lambda: self.go_page(self.page_index - 1))
        self.clause_page.next_requested.connect(lambda: self.go_page(self.page_index + 1))
        self.clause_page.to_do_requested.connect(window._next_to_do)
        self.clause_page.problems.connect(window.show_problems)
        self.clause_page.rules_banner.adopted.connect(window.reopen_after_rule_set_change)
        self.splitter.addWidget(self.clause_page)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([230, 210, 920])
        self.tabs.addTab(self.splitter, self.tr("逐条考核"))

        self.years = YearsReader(session.years(), window.recent_files, self)  # the other year files
        self.overview_tab = LazyTab(lambda: OverviewView(session, self.years))
        self.tabs.addTab(self.overview_tab, self.tr("单位概览"))
        self.year_tab = LazyTab(self._make_year_view)
        self.tabs.addTab(self.year_tab, self.tr("年度总表"))
        self.grade_tab = LazyTab(lambda: GradeView(session, window.show_problems))
        self.tabs.addTab(self.grade_tab, self.tr("等级评定"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._dirty = {1, 2, 3}

        self._fill_navigator()
        session.listeners.append(self.on_changed)
        if self.unit_id is not None:
            self.select_unit(self.unit_id)
        else:
            self.clause_page.set_context(None, None)

    # ---------------------------------------------------------------- selection

    @property
    def overview(self) -> OverviewView:
        return self.overview_tab.view()

    @property
    def year_view(self) -> YearView:
        return self.year_tab.view()

    @property
    def grade_view(self) -> GradeView:
        return self.grade_tab.view()

    def _make_year_view(self) -> YearView:
        view = YearView(self.session, self.window_.show_problems, self.years)
        view.open_unit.connect(self.show_unit)
        return view

    def year_widgets(self) -> list[QWidget]:
        """What shows the open year at first sight: the unit list and the clause page's text and points.
        (The list, not its viewport: both are painted in the same pass, and PySide's first wrapping of a
        widget Qt made by itself, like the viewport, costs about 10 ms of type discovery.)"""
        return [self.unit_list, self.clause_page.text_label, self.clause_page.points_label]

    def current_page(self) -> Page:
        return self.session.pages[self.page_index]

    def select_unit(self, uid: int) -> None:
        source = self.unit_model.index(self.unit_model.row_of(uid))
        index = self.unit_proxy.mapFromSource(source)
        if index.isValid():
            self.unit_list.setCurrentIndex(index)
        self._set_unit(uid)

    def _unit_clicked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._set_unit(current.data(ID_ROLE))

    def _set_unit(self, uid: int) -> None:
        if uid == self.unit_id and self.clause_page.unit_id == uid:
            return
        self.unit_id = uid
        self.clause_page.set_context(uid, self.current_page())
        self._update_navigator()
        self._dirty.add(1)
        if self.tabs.currentIndex() == 1:
            self._refresh_tab(1)

    def show_unit(self, uid: int) -> None:
        self.select_unit(uid)
        self.tabs.setCurrentIndex(0)

    def go_page(self, index: int) -> None:
        if 0 <= index < len(self.session.pages):
            self.navigator.setCurrentRow(index)

    def _page_clicked(self, row: int) -> None:
        if row < 0 or row == self.page_index and self.clause_page.page is self.current_page():
            return
        self.page_index = row
        self.clause_page.set_context(self.unit_id, self.current_page())

    def _keep_selection(self, change: Callable[[], None]) -> None:
        """Refilter or resort the list and show the page's unit selected again (when still listed)."""
        change()
        if self.unit_id is not None:
            index = self.unit_proxy.mapFromSource(self.unit_model.index(self.unit_model.row_of(self.unit_id)))
            if index.isValid():
                self.unit_list.blockSignals(True)
                self.unit_list.setCurrentIndex(index)
                self.unit_list.blockSignals(False)

    def next_to_do(self) -> bool:
        """The next clause, after the one shown, that is not 已完成: on through this unit's pages, then
        the following units in the list's order. False when every listed unit is done."""
        self.clause_page.pending.flush()
        order = [self.unit_proxy.mapToSource(self.unit_proxy.index(r, 0)).row() for r in range(self.unit_proxy.rowCount())]
        units = [self.unit_model.unit_id(row) for row in order]
        if not units:
            return False
        pages = [p.id for p in self.session.pages]
        start_unit = units.index(self.unit_id) if self.unit_id in units else 0
        here = self.page_index if self.unit_id in units else -1
        for step in range(len(units) + 1):
            uid = units[(start_unit + step) % len(units)]
            progress = self.unit_model.progress(uid)  # the list's own, kept until the unit changes
            first = here + 1 if step == 0 else 0
            last = len(pages) if step < len(units) else here + 1  # back round to the start: the pages before
            for index in range(first, last):
                if progress.get(pages[index], DONE) != DONE:
                    self.select_unit(uid)
                    self.go_page(index)
                    return True
        return False

    def go_unit(self, step: int) -> None:
        row = self.unit_list.currentIndex().row()
        target = self.unit_proxy.index(row + step, 0)
        if target.isValid():
            self.unit_list.setCurrentIndex(target)

    def _fill_navigator(self) -> None:
        self.navigator.blockSignals(True)
        self.navigator.clear()
        for page in self.session.pages:
            self.navigator.addItem(QListWidgetItem(page.id))
        self.navigator.setCurrentRow(self.page_index)
        self.navigator.blockSignals(False)
        self._update_navigator()

    def _update_navigator(self) -> None:
        if self.unit_id is None or self.unit_id not in self.session.unit_ids:
            return
        progress = self.session.progress(self.unit_id)
        result = self.session.unit_result(self.unit_id)
        for row, page in enumerate(self.session.pages):
            item = self.navigator.item(row)
            if page.clause is None:
                item.setText(self.tr("{id}、{title}　扣 {points}").format(
                    id=page.id, title=page.title, points=format_number(result.deductions_total)))
                item.setIcon(QIcon())
                continue
            c = result.clause(page.id)
            state = progress[page.id]
            item.setText(self.tr("{id} {title}\n{net} 分{mark} · {state}").format(
                id=page.id, title=page.title, net=format_number(c.net), mark="*" if c.provisional else "",
                state=progress_text(state)))
            item.setIcon(dot(PROGRESS_COLOURS[state]))
            item.setToolTip(page.title)

    # ---------------------------------------------------------------- changes

    def on_changed(self, units: frozenset[int] | None) -> None:
        self.unit_model.reload(units)
        if units is None:
            if self.unit_id not in self.session.unit_ids:
                self.unit_id = None
                if self.session.unit_ids:
                    self.select_unit(self.session.unit_ids[0])
                else:
                    self.clause_page.set_context(None, None)
            else:  # the list was rebuilt: it shows the page's unit as selected again
                self.select_unit(self.unit_id)
                self.clause_page.refresh()
        elif self.unit_id is not None:
            self.clause_page.refresh()
        self._update_navigator()
        self._dirty |= {1, 2, 3}
        self._refresh_tab(self.tabs.currentIndex())
        self.window_.edited()

    def _tab_changed(self, index: int) -> None:
        self.clause_page.pending.flush()
        self._refresh_tab(index)

    def _refresh_tab(self, index: int) -> None:
        if index not in self._dirty:
            return
        self._dirty.discard(index)
        if index == 1:
            self.overview.set_unit(self.unit_id)
        elif index == 2:
            self.year_view.refresh()
        elif index == 3:
            self.grade_view.refresh()


class MainWindow(QMainWindow):
    def __init__(self, parent=None, opening: bool = False):
        """`opening`: a year is opened at once, so the start page is built only when first needed."""
        super().__init__(parent)
        self.settings = QSettings()
        self.session: Session | None = None
        self.workspace: Workspace | None = None
        self.setWindowTitle(self.tr("乐业吴江运营单位绩效考核"))
        self.setMinimumSize(1024, 640)
        self.stack = QStackedWidget()
        self._start: StartPage | None = None
        self.setCentralWidget(self.stack)
        self.undo = UndoActions(self, self.show_problems, self._flush)
        self._build_menus()
        self.status_file = QLabel()
        self.statusBar().addPermanentWidget(self.status_file)
        self._refresh_recent()
        if not opening:
            self.stack.setCurrentWidget(self.start)
        # Edits are backed up as they happen once the interval has passed; this timer copies the last
        # edits of a quiet spell too (core skips the copy when nothing changed since the last one).
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(60_000)
        self.backup_timer.timeout.connect(self.backup_if_due)
        # The backup of opening is taken once the year is on screen (core takes it before any write
        # anyway): after the first paint, or after this timer when nothing gets painted.
        self.finish_timer = QTimer(self)
        self.finish_timer.setSingleShot(True)
        self.finish_timer.setInterval(1000)
        self.finish_timer.timeout.connect(self._finish_opening)
        # Then, while the window is idle, the other clause pages' editors are built one at a time, so
        # that going to a page the first time only shows it.
        self.prepare_timer = QTimer(self)
        self.prepare_timer.setInterval(0)
        self.prepare_timer.timeout.connect(self._prepare_next_page)
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1366, 768)
        self._update_actions()

    @property
    def start(self) -> StartPage:
        if self._start is None:
            self._start = StartPage()
            self._start.new_requested.connect(self.new_year)
            self._start.open_requested.connect(self.choose_and_open)
            self._start.recent_chosen.connect(lambda path: self.open_dataset(Path(path)))
            self._start.set_recent(self.recent_files())
            self.stack.insertWidget(0, self._start)
        return self._start

    # ---------------------------------------------------------------- menus

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        action.triggered.connect(lambda _checked=False: slot())  # never triggered's bool as an argument
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        self._action(file_menu, self.tr("新建年度…"), self.new_year, QKeySequence.StandardKey.New)
        self._action(file_menu, self.tr("打开…"), self.choose_and_open, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu(self.tr("最近打开"))
        self.assessor_action = self._action(file_menu, self.tr("切换考核人员…"), self.change_assessor)
        self.close_action = self._action(file_menu, self.tr("关闭年度"), self.close_dataset)
        self.audit_actions = AuditActions(self, file_menu)  # 核对数据文件…: changes made outside the program
        file_menu.addSeparator()
        self.field_copies = FieldCopyActions(self, file_menu)  # 制作外业副本… and 合并外业文件…
        file_menu.addSeparator()
        # ui/printing.py (Qt's print support and PDFium) is imported when first used
        self.print_actions = [
            self._action(file_menu, self.tr("打印…"), lambda: self._print(False), QKeySequence.StandardKey.Print),
            self._action(file_menu, self.tr("打印预览…"), lambda: self._print(True)),
        ]
        file_menu.addSeparator()
        self._action(file_menu, self.tr("退出"), self.close, QKeySequence("Ctrl+Q"))
        edit_menu = bar.addMenu(self.tr("编辑(&E)"))
        edit_menu.addAction(self.undo.undo_action)
        edit_menu.addAction(self.undo.redo_action)
        unit_menu = bar.addMenu(self.tr("单位(&U)"))
        self.unit_actions = [
            self._action(unit_menu, self.tr("添加运营单位…"), self.add_unit, QKeySequence("Ctrl+Shift+N")),
            self._action(unit_menu, self.tr("编辑运营单位…"), self.edit_unit),
            self._action(unit_menu, self.tr("删除运营单位…"), self.remove_unit),
            self._action(unit_menu, self.tr("标记本单位数据已定稿"), lambda: self.mark_current_final(True)),
            self._action(unit_menu, self.tr("取消本单位定稿"), lambda: self.mark_current_final(False)),
        ]
        nav_menu = bar.addMenu(self.tr("考核(&A)"))
        self.nav_actions = [
            self._action(nav_menu, self.tr("上一条"), lambda: self._go(-1), QKeySequence("Alt+Left")),
            self._action(nav_menu, self.tr("下一条"), lambda: self._go(1), QKeySequence("Alt+Right")),
            self._action(nav_menu, self.tr("上一家单位"), lambda: self._go_unit(-1), QKeySequence("Alt+Up")),
            self._action(nav_menu, self.tr("下一家单位"), lambda: self._go_unit(1), QKeySequence("Alt+Down")),
            self._action(nav_menu, self.tr("下一个待办"), self._next_to_do, QKeySequence("Ctrl+J")),
        ]
        for action in self.nav_actions:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.excel_actions = ExcelActions(self, bar)  # 数据: Excel import, 人员核对, annex forms, summary
        self.pdf_actions = PdfActions(self, bar)  # 签章: signatures, PDF export, unlock, verify, keys

    def _print(self, preview: bool) -> None:
        from ui.printing import open_print
        open_print(self, preview)

    def _go(self, step: int) -> None:
        if self.workspace:
            self.workspace.clause_page.pending.flush()
            self.workspace.go_page(self.workspace.page_index + step)

    def _next_to_do(self) -> None:
        if self.workspace is not None and not self.workspace.next_to_do():
            self.statusBar().showMessage(self.tr("列表中所有单位的全部条款均已完成。"), 8000)

    def _go_unit(self, step: int) -> None:
        if self.workspace:
            self.workspace.go_unit(step)

    def _update_actions(self) -> None:
        open_ = self.session is not None
        for action in self.nav_actions + self.print_actions + [self.close_action]:
            action.setEnabled(open_)
        for action in self.unit_actions + [self.assessor_action]:
            action.setEnabled(open_ and not self.session.read_only)
        self.undo.set_session(self.session)
        self.audit_actions.update()
        self.field_copies.update()
        self.excel_actions.update()  # their shortcuts and triggers work before their menu was first opened
        self.pdf_actions.update()

    # ---------------------------------------------------------------- recent files

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [p for p in (value or []) if Path(p).exists()]

    def _remember(self, path: Path) -> None:
        paths = [str(path.resolve())] + [p for p in self.recent_files() if p != str(path.resolve())]
        self.settings.setValue("recent", paths[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        paths = self.recent_files()
        if self._start is not None:
            self._start.set_recent(paths)
        self.recent_menu.clear()
        for path in paths:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_dataset(Path(p)))
        self.recent_menu.setEnabled(bool(paths))

    # ---------------------------------------------------------------- opening and closing

    def new_year(self) -> None:
        folder = Path(self.settings.value("folder", "") or Path.home())
        dialog = NewYearDialog(folder, str(self.settings.value("assessor", "") or ""), self,
                               self.session.file if self.session is not None else None)
        if dialog.exec() != NewYearDialog.DialogCode.Accepted:
            return
        rules, assessor, role, path = dialog.values()
        self.create_year(path, rules, assessor, role, dialog.continued_from())

    def create_year(self, path: Path, rules, assessor: str, role: str = "", previous: Previous | None = None) -> bool:
        """Make the year's file, empty or continued from the last year's (its units as existing members);
        open it."""
        try:
            problems = (self._continue_year(previous, path, rules, assessor, role) if previous is not None
                        else create_file(path, rules, assessor, role))
        except DatasetError as exc:
            self.show_problems([render(exc.msg)])
            return False
        if problems:
            self.show_problems([p.text() for p in problems])
            return False
        self.settings.setValue("assessor", assessor)
        self.settings.setValue(self._assessor_key_of(path), assessor)
        self.settings.setValue("folder", str(path.parent))
        return self.open_dataset(path)

    def _continue_year(self, previous: Previous, path: Path, rules, assessor: str, role: str) -> list:
        """continue_year off the window's thread (a 200-unit year takes about half a second), the window
        answering meanwhile; its problems, or its fault raised here."""
        worker = Worker(lambda _job: continue_year(previous, path, rules, assessor, role), parent=self)
        outcome: dict = {}
        worker.done.connect(lambda problems: outcome.update(problems=problems))
        worker.failed.connect(lambda exc: outcome.update(fault=exc))
        progress = progress_dialog(self, self.tr("正在新建 {year} 年度…").format(year=rules.year), worker)
        progress.setCancelButtonText("")  # no 取消: the new file appears whole or not at all, in one step
        worker.start()
        worker.wait(timeout=3600)
        if "fault" in outcome:
            raise outcome["fault"]
        return outcome.get("problems", [])

    def choose_and_open(self) -> None:
        folder = str(self.settings.value("folder", "") or Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("打开年度数据文件"), folder, self.tr("年度数据文件 (*.wjkh *.sqlite)"))
        if path:
            self.open_dataset(Path(path))

    def open_dataset(self, path: Path, assessor: str | None = None, read_only: bool = False) -> bool:
        """Open a year for editing; when it cannot be edited here and now (held by someone else, a
        read-only file, folder or disk, a full disk) say why and offer to open it read-only."""
        if self._open_dataset(path, assessor, read_only):
            return True
        if self.session is None:  # nothing open: the start page, with the recent files
            self.stack.setCurrentWidget(self.start)
        return False

    def _open_dataset(self, path: Path, assessor: str | None, read_only: bool) -> bool:
        self.close_dataset()
        try:
            ds = Dataset.open(path, defer_backup=True, read_only=read_only)
        except DatasetError as exc:
            if not read_only and exc.read_only_possible:
                return self.offer_read_only(render(exc.msg)) and self.open_dataset(path, read_only=True)
            self.show_problems([render(exc.msg)])
            return False
        if ds.audit_problems:  # changed outside the program: said at once, the newest good backup offered
            chosen = self.audit_actions.changed_outside(ds)
            if chosen is not None:
                ds.close()
                return self.audit_actions.restore_and_reopen(path, chosen)
        assessor_id = self._viewer(ds) if read_only else self._choose_assessor(ds, assessor)
        if assessor_id is None:
            ds.close()
            return False
        self.session = Session(ds, assessor_id)
        self.workspace = Workspace(self, self.session)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        state = self.settings.value("window/assessmentSplitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.workspace.splitter.restoreState(state)
        state = self.settings.value("window/clauseSplitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.workspace.clause_page.splitter.restoreState(state)
        self._restore_position(path)
        self._remember(path)
        self.settings.setValue("folder", str(path.parent))
        name = next(a.name for a in ds.assessors() if a.id == assessor_id)
        if read_only:
            self.setWindowTitle(self.tr("{file}（只读）— 乐业吴江运营单位绩效考核").format(file=path.name))
            self.status_file.setText(self.tr("{year}年度　{file}　只读：{time} 打开时的内容，不能修改").format(
                year=ds.year_number, file=path.name, time=time.strftime("%H:%M")))
        else:
            ds.set_holder_name(name)  # others who try to open the year are told who has it
            self.setWindowTitle(self.tr("{file} — 乐业吴江运营单位绩效考核").format(file=path.name))
            self.status_file.setText(self.tr("{year}年度　{file}　考核人员：{name}").format(
                year=ds.year_number, file=path.name, name=name))
        for notice in ds.notices:
            self.statusBar().showMessage(render(notice), 15000)
        self.backup_timer.start()
        self._update_actions()
        self._opening_watch = PaintWatch(self.workspace.year_widgets(), self._finish_opening)
        self.finish_timer.start()
        return True

    def offer_read_only(self, reason: str) -> bool:
        """Say why the year cannot be edited; True when the user chooses to open it read-only."""
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("不能修改该年度"), reason, QMessageBox.StandardButton.NoButton,
                          self)
        box.setInformativeText(self.tr("以只读方式打开后，可以查看、打印和导出，不能修改；看到的是打开那一刻的内容。"))
        read_only = box.addButton(self.tr("只读打开"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(read_only)
        box.exec()
        return box.clickedButton() is read_only

    def _viewer(self, ds: Dataset) -> int | None:
        """Read-only: nobody is asked who is working (nothing will be recorded); the pages show the
        file's remembered assessor, or its first."""
        assessors = ds.assessors()
        remembered = str(self.settings.value(self._assessor_key(ds), "") or "")
        return next((a.id for a in assessors if a.name == remembered), assessors[0].id if assessors else None)

    def _finish_opening(self) -> None:
        self.finish_timer.stop()
        if self.session is not None and self.session.busy is not None:  # the year is being written: later
            self.finish_timer.start()
            return
        if self.session is not None:
            for notice in self.session.finish_opening():
                self.statusBar().showMessage(render(notice), 15000)
            self.prepare_timer.start()
            if self.workspace is not None:  # the year it came from, ready before the year table is first shown
                self.workspace.years.read_previous()

    def _prepare_next_page(self) -> None:
        if self.session is not None and self.session.busy is not None:  # pages read the year: after the write
            self.prepare_timer.stop()
            self.finish_timer.start()
            return
        if self.session is None or self.workspace is None or not self.workspace.clause_page.prepare_editors():
            self.prepare_timer.stop()

    def backup_if_due(self) -> None:
        if self.session is None or self.session.busy is not None:  # the next tick, once the write is done
            return
        try:
            made = self.session.backup_if_due()
        except DatasetError as exc:  # a full disk or a removed folder: the data itself is safe, say so
            self.show_problems([render(exc.msg)])
            return
        if made is not None:
            self.statusBar().showMessage(self.tr("已备份到 {name}").format(name=made.name), 5000)

    def _assessor_key(self, ds: Dataset) -> str:
        return self._assessor_key_of(Path(ds.path))

    @staticmethod
    def _assessor_key_of(path: Path) -> str:
        """Who works on a year file is remembered per file (and per user: QSettings is the user's)."""
        digest = hashlib.sha1(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]
        return f"assessorByFile/{digest}"

    @staticmethod
    def tr_app(text: str) -> str:
        return QCoreApplication.translate("App", text)

    def ask_assessor(self, names: list[str], suggestion: str) -> tuple[str, str] | None:
        """(name, role) of who is working, asked in a dialog; None when cancelled. The desktop tests
        replace this to answer at once."""
        dialog = AssessorDialog(names, suggestion, self)
        if dialog.exec() != AssessorDialog.DialogCode.Accepted:
            return None
        return dialog.value(), dialog.role()

    def _choose_assessor(self, ds: Dataset, wanted: str | None) -> int | None:
        """Who is working is asked once per year file, never taken from the computer's login: a
        file's only assessor may be whoever made it. The demo year is opened as its demo assessor."""
        assessors = ds.assessors()
        names = [a.name for a in assessors]
        remembered = str(self.settings.value(self._assessor_key(ds), "") or "")
        name, role = wanted or "", ""
        if not name and remembered in names:
            name = remembered
        elif not name and len(names) == 1 and names[0] in (DEMO_ASSESSOR, self.tr_app(DEMO_ASSESSOR)):
            name = names[0]
        elif not name:
            answer = self.ask_assessor(names, str(self.settings.value("assessor", "") or ""))
            if answer is None:
                return None
            name, role = answer
        return self._take_assessor(ds, name, role, by=assessors[0].id)

    def _take_assessor(self, ds: Dataset, name: str, role: str, by: int) -> int | None:
        """The assessor's id (added to the file, audited under `by`, when new), remembered for this
        file and as the user's last; None when the file refused the name (the user is told)."""
        if ds.assessor_id(name) is None:
            edit = ds.add_assessor(by, name, role)
            if not edit.ok:
                self.show_problems(problems_text(edit))
                return None
        self._remember_assessor(Path(ds.path), name)
        return ds.assessor_id(name)

    def _remember_assessor(self, path: Path, name: str) -> None:
        """Remembered for this file and as the user's last."""
        self.settings.setValue("assessor", name)
        self.settings.setValue(self._assessor_key_of(path), name)

    def change_assessor(self) -> None:
        if self.session is None:
            return
        session = self.session
        answer = self.ask_assessor([a.name for a in session.assessors()], "")
        if answer is None:
            return
        name, role = answer
        edit = session.change_assessor(name, role)
        if not edit.ok:
            self.show_problems(problems_text(edit))
            return
        self._remember_assessor(session.file, name)
        self.status_file.setText(self.tr("{year}年度　{file}　考核人员：{name}").format(
            year=session.year_number, file=session.file.name, name=name))

    def _flush(self) -> None:
        if self.workspace is not None:
            self.workspace.clause_page.pending.flush()

    def reopen_after_rule_set_change(self) -> None:
        """The year's rule set was changed (audited): every page and score is built again under it, on
        the same unit and clause."""
        if self.session is None:
            return
        path, unit_id, page_id = self.session.file, self.workspace.unit_id, self.workspace.current_page().id
        name = self.session.assessor.name if self.session.assessor else None
        if not self.open_dataset(path, name):
            return
        if unit_id in self.session.unit_ids:
            self.workspace.select_unit(unit_id)
        index = next((i for i, page in enumerate(self.session.pages) if page.id == page_id), 0)
        self.workspace.go_page(index)
        self.statusBar().showMessage(self.tr("本年度已改按新版细则计分，更换已记入审计记录。"), 15000)

    def close_dataset(self) -> None:
        if self.session is None:
            return
        self._flush()
        self._save_layout()
        self.backup_timer.stop()
        self.finish_timer.stop()
        self.prepare_timer.stop()
        if self.workspace is not None:
            self.workspace.years.stop()  # reading other year files: not into a workspace that is gone
        self.stack.removeWidget(self.workspace)
        self.workspace.deleteLater()
        self.workspace = None
        try:  # the last edits backed up: the next opening finds the year as the newest backup notes it
            self.session.backup_if_edited()
        except DatasetError:
            pass  # the edits are saved in the year file; only the extra copy is missing
        self.session.close()
        self.session = None
        self.stack.setCurrentWidget(self.start)
        self.setWindowTitle(self.tr("乐业吴江运营单位绩效考核"))
        self.status_file.setText("")
        self._refresh_recent()
        self._update_actions()

    @staticmethod
    def _position_key(path: Path) -> str:
        return "position/" + hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:16]

    def _restore_position(self, path: Path) -> None:
        """Back at the unit and clause the assessor left the file at (per file, per user)."""
        unit, _, page = str(self.settings.value(self._position_key(path), "") or "").partition("|")
        pages = [p.id for p in self.session.pages]
        if unit.isdigit() and int(unit) in self.session.unit_ids and page in pages:
            self.workspace.select_unit(int(unit))
            self.workspace.go_page(pages.index(page))

    def _save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self.workspace is not None and self.session is not None and self.workspace.unit_id is not None:
            self.settings.setValue(self._position_key(self.session.file),
                                   f"{self.workspace.unit_id}|{self.workspace.current_page().id}")
        if self.workspace is not None:
            self.settings.setValue("window/assessmentSplitter", self.workspace.splitter.saveState())
            self.settings.setValue("window/clauseSplitter", self.workspace.clause_page.splitter.saveState())

    def closeEvent(self, event) -> None:
        if self.session is not None and self.session.busy is not None:  # its progress dialog ends it or cancels it
            event.ignore()
            return
        self.prepare_timer.stop()
        self._flush()
        self._save_layout()
        if self.session is not None:
            self.session.close()
            self.session = None
        self.settings.sync()
        event.accept()

    # ---------------------------------------------------------------- units

    def current_unit_id(self) -> int | None:
        return None if self.workspace is None else self.workspace.unit_id

    def add_unit(self, values: dict | None = None) -> bool:
        if self.session is None:
            return False
        dialog = UnitDialog(self.session.rules, None, self)
        while True:
            if values is None:
                if dialog.exec() != UnitDialog.DialogCode.Accepted:
                    return False
                chosen = dialog.values()
            else:
                chosen = values
            edit = self.session.add_unit(self.tr("添加运营单位"), **chosen)
            if edit.ok:
                self.workspace.select_unit(edit.id)
                return True
            if values is not None:
                self.show_problems(problems_text(edit))
                return False
            dialog.show_problems(problems_text(edit))

    def edit_unit(self) -> None:
        uid = self.current_unit_id()
        if uid is None:
            return
        unit = self.session.unit(uid)
        dialog = UnitDialog(self.session.rules, unit, self)
        while dialog.exec() == UnitDialog.DialogCode.Accepted:
            values = dialog.values()
            changes = {k: v for k, v in values.items()
                       if v != {"kinds": list(unit.kinds), "licence_numbers": dict(unit.licence_numbers)}.get(k, getattr(unit, k))}
            if not changes:
                return
            edit = self.session.update_unit(self.tr("编辑运营单位"), uid, **changes)
            if edit.ok:
                return
            dialog.show_problems(problems_text(edit))

    def remove_unit(self, confirm: bool = True) -> bool:
        uid = self.current_unit_id()
        if uid is None:
            return False
        name = self.session.unit(uid).name
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("删除运营单位"),
                              self.tr("确定删除“{name}”及其全部考核数据吗？\n删除会记入审计记录，可用“撤销”（Ctrl+Z）恢复。")
                              .format(name=name), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.button(QMessageBox.StandardButton.Yes).setText(self.tr("删除"))
            box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
            if box.exec() != QMessageBox.StandardButton.Yes:
                return False
        edit = self.session.remove_unit(self.tr("删除运营单位“{name}”").format(name=name), uid)
        if not edit.ok:
            self.show_problems(problems_text(edit))
        return edit.ok

    def mark_current_final(self, final: bool) -> None:
        uid = self.current_unit_id()
        if uid is not None:
            edit = self.session.mark_final(self.tr("标记数据已定稿") if final else self.tr("取消定稿"), [uid], final)
            if not edit.ok:
                self.show_problems(problems_text(edit))

    # ---------------------------------------------------------------- feedback

    def edited(self) -> None:
        self.undo.update()
        self.statusBar().showMessage(self.tr("已自动保存 {time}").format(time=time.strftime("%H:%M:%S")), 5000)

    def handle_fault(self, exc: BaseException) -> None:
        """An edit that failed with a fault (disk full, file removed or turned read-only …) left the
        file as it was: say so, then show the file's state again so the screen does not keep the
        value that was not saved."""
        if isinstance(exc, DatasetError):
            texts = [render(exc.msg)]
        else:
            texts = [render(Msg.of("os.edit_not_saved", reason=render(os_errors.reason(exc))))
                     if isinstance(exc, OSError) else faults.sentence(exc)]
        if self.session is not None:
            try:
                self.session.refresh(None)
            except Exception as again:  # the file itself is gone or unreadable: say that too
                texts.append(render(again.msg) if isinstance(again, DatasetError) else str(again))
        self.show_problems(texts)

    def show_problems(self, texts: list[str]) -> None:
        if not texts:
            return
        self.last_problems = list(texts)
        self.statusBar().showMessage(texts[0], 15000)
        if not getattr(self, "quiet_problems", False):
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("未保存"), "\n".join(texts),
                              QMessageBox.StandardButton.Ok, self)
            box.button(QMessageBox.StandardButton.Ok).setText(self.tr("确定"))
            box.exec()
