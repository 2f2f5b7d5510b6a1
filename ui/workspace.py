"""Everything shown while a year is open: the unit list, the clause navigator and clause page, and the
tabs of a unit's overview, the year table and the grades."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common.messages import Msg, format_number
from core.editing.session import Session
from core.scoring.assessment import DONE, Page
from ui.clause_page import ClausePage
from ui.lazy_tab import LazyTab
from ui.models import ID_ROLE, PROGRESS_COLOURS, progress_text
from ui.other_years import YearsReader
from ui.unit_filter import (
    SHOW_ALL,
    SHOW_DONE,
    SHOW_FAILED,
    SHOW_FINAL,
    SHOW_INCOMPLETE,
    SHOW_NOT_STARTED,
    SORT_FILE,
    SORT_GRADE,
    SORT_NAME,
    SORT_PROGRESS,
    SORT_TOTAL,
    UnitFilter,
)
from ui.year_models import UnitListModel

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.moved_banner import MovedVerdictsBanner
    from ui.views import GradeView, OverviewView, YearView

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



class SteadyTabWidget(QTabWidget):
    """A QTabWidget that repaints itself whole only when its layout moved. Qt's lays out its tab bar and pages
    again, and repaints all of itself (nearly the whole window), on every layout request from any widget
    inside it: after every edit, since a label on the clause page shows new points. When neither its size
    nor its tab bar's changed, that would put everything back where it was: the request is only passed on
    (a page's new minimum size still reaches the window), and the widgets that changed repaint themselves."""

    _laid_out: tuple[QSize, QSize] | None = None

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.LayoutRequest and self.isVisible():
            shape = (self.size(), self.tabBar().sizeHint())
            if shape == self._laid_out:
                self.updateGeometry()
                return True
            self._laid_out = shape
        return super().event(e)


# The unit list and the clause list: a changed entry repaints only itself, for each entry keeps its number
# of lines when its text changes (a unit's points, a clause's progress). QListView itself forgets every
# entry's size on any change of data, and lays out and repaints the whole list: 2–6 ms for one edit, yet
# quicker than repainting entry by entry when every entry changes (another unit chosen).
Index = QModelIndex | QPersistentModelIndex


class SteadyListView(QListView):
    """The unit list: every entry is two lines (the model announces many changed entries as one range)."""

    def dataChanged(self, topLeft: Index, bottomRight: Index, roles: Sequence[int] = ()) -> None:
        QAbstractItemView.dataChanged(self, topLeft, bottomRight, roles)


class SteadyListWidget(QListWidget):
    """The clause list: a clause's entry is its title, then a line of the unit's points once a unit is chosen (五's
    is one line). A title wider than the list wraps (at 1366 pixels four did, cut with "…" before). `steady`
    while one entry changes with its number of lines kept (Workspace._update_navigator): a unit's points and
    progress never need a second line."""

    steady = False

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)

    def dataChanged(self, topLeft: Index, bottomRight: Index, roles: Sequence[int] = ()) -> None:
        (QAbstractItemView if self.steady else QListView).dataChanged(self, topLeft, bottomRight, roles)


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
        self.copy_banner: QWidget | None = None
        if session.field_copy is not None:  # a field copy: to whom, which units (only a copy needs the module)
            from ui.field_copy_banner import FieldCopyBanner
            self.copy_banner = FieldCopyBanner(session, self)
            layout.addWidget(self.copy_banner)
        self.moved_banner: MovedVerdictsBanner | None = None  # made when an edit first moves others' verdicts
        self.tabs = SteadyTabWidget()
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
        self.unit_list = SteadyListView()
        self.unit_list.setModel(self.unit_proxy)
        self.unit_list.setAlternatingRowColors(True)
        self.unit_list.setSpacing(1)
        self.unit_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unit_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.unit_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.unit_list.setUniformItemSizes(True)  # every entry is two lines: no size asked of each of 200 units
        self.unit_list.selectionModel().currentChanged.connect(self._unit_clicked)
        self.filter.textChanged.connect(self.unit_proxy.set_text)
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
        for combo in (self.show_combo, self.order_combo):  # narrower than their longest choice in a small window
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(4)
            worklist.addWidget(combo, 1)
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
        self.navigator = SteadyListWidget()
        self._navigator_with_unit = False  # the entries are titles until a unit is chosen
        self.navigator.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.navigator.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.navigator.currentRowChanged.connect(self._page_clicked)
        nav_layout.addWidget(self.navigator, 1)
        legend = QLabel("<br>".join(
            f'<span style="color:{PROGRESS_COLOURS[state].name()}">●</span> {progress_text(state)}'
            for state in PROGRESS_COLOURS))
        legend.setTextFormat(Qt.TextFormat.RichText)
        nav_layout.addWidget(legend)
        self.splitter.addWidget(nav_panel)

        self.clause_page = ClausePage(session)
        self.clause_page.previous_requested.connect(lambda: self.go_page(self.page_index - 1))
        self.clause_page.next_requested.connect(lambda: self.go_page(self.page_index + 1))
        self.clause_page.to_do_requested.connect(window._next_to_do)
        self.clause_page.changes_requested.connect(lambda unit, page: window.show_changes(unit, page))
        self.clause_page.problems.connect(window.show_problems)
        self.clause_page.rules_banner.adopted.connect(window.reopen_after_rule_set_change)
        self.splitter.addWidget(self.clause_page)
        self.splitter.setStretchFactor(0, 1)  # a narrower window narrows the unit list a little too
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([270, 210, 880])  # a unit's second line (分 · 等级（不合格） · 9/10 条 · 已定稿) whole
        self.tabs.addTab(self.splitter, self.tr("逐条考核"))

        self.years = YearsReader(session.years, window.recent_files, self)  # the other year files
        self.overview_tab = LazyTab(self._make_overview)
        self.tabs.addTab(self.overview_tab, self.tr("单位概览"))
        self.year_tab = LazyTab(self._make_year_view)
        self.tabs.addTab(self.year_tab, self.tr("年度总表"))
        self.grade_tab = LazyTab(self._make_grade_view)
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
        return cast("OverviewView", self.overview_tab.view())

    @property
    def year_view(self) -> YearView:
        return cast("YearView", self.year_tab.view())

    @property
    def grade_view(self) -> GradeView:
        return cast("GradeView", self.grade_tab.view())

    # The other tabs' views (ui/views.py) are imported when first shown: the year opens on the guided
    # assessment.
    def _make_overview(self) -> OverviewView:
        from ui.views import OverviewView
        return OverviewView(self.session, self.years)

    def _make_grade_view(self) -> GradeView:
        from ui.views import GradeView
        return GradeView(self.session, self.window_.show_problems)

    def _make_year_view(self) -> YearView:
        from ui.views import YearView
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
        order = [self.unit_proxy.mapToSource(self.unit_proxy.index(r, 0)).row()
                 for r in range(self.unit_proxy.rowCount())]
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
            item = QListWidgetItem(self._page_title(page))
            item.setToolTip(page.title)
            self.navigator.addItem(item)
        self.navigator.setCurrentRow(self.page_index)
        self.navigator.blockSignals(False)
        self._navigator_with_unit = False  # the entries are titles again
        self._update_navigator()

    def _page_title(self, page: Page) -> str:
        """A page's entry before a unit is chosen: its number and title (the points and progress are a unit's)."""
        if page.clause is None:
            return self.tr("{id}、{title}").format(id=page.id, title=page.title)
        return self.tr("{id} {title}").format(id=page.id, title=page.title)

    def _update_navigator(self) -> None:
        with_unit = self.unit_id is not None and self.unit_id in self.session.unit_ids
        if self.unit_id is not None and with_unit:
            entries = self._navigator_entries(self.unit_id)
        else:
            entries = [(self._page_title(page), None) for page in self.session.pages]
        changed = [(self.navigator.item(row), entry) for row, entry in enumerate(entries)
                   if self.navigator.item(row).text() != entry[0]]
        # an entry is set only when it changed: setting it again relays out the list (after every edit)
        self.navigator.steady = len(changed) == 1 and with_unit == self._navigator_with_unit
        try:
            for item, (text, state) in changed:
                item.setText(text)
                item.setIcon(QIcon() if state is None else dot(PROGRESS_COLOURS[state]))
        finally:
            self.navigator.steady = False
        if with_unit != self._navigator_with_unit:  # a clause's entry is one line, or two with a unit's points
            self._navigator_with_unit = with_unit
            self.navigator.doItemsLayout()

    def _navigator_entries(self, uid: int) -> list[tuple[str, str | None]]:
        """Each page's entry for the unit: its text, and its clause's progress (五 has none)."""
        progress = self.session.progress(uid)
        result = self.session.unit_result(uid)
        entries: list[tuple[str, str | None]] = []
        for page in self.session.pages:
            if page.clause is None:
                entries.append((self.tr("{id}、{title}　扣 {points}").format(
                    id=page.id, title=page.title, points=format_number(result.deductions_total)), None))
                continue
            c = result.clause(page.id)
            state = progress[page.id]
            entries.append((self.tr("{id} {title}\n{net} 分{mark} · {state}").format(
                id=page.id, title=page.title, net=format_number(c.net), mark="*" if c.provisional else "",
                state=progress_text(state)), state))
        return entries

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
        if self.session.verdicts_moved is not None:
            self._tell_moved(self.session.verdicts_moved, self.session.verdicts_moved_by)
        self.window_.edited()

    def _tell_moved(self, moved: Msg, by: Msg | None) -> None:
        if self.moved_banner is None:  # only an edit that moves others needs the module
            from ui.moved_banner import MovedVerdictsBanner
            self.moved_banner = MovedVerdictsBanner(self)
            layout = cast(QVBoxLayout, self.layout())
            layout.insertWidget(layout.indexOf(self.tabs), self.moved_banner)
        self.moved_banner.say(moved, by)

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
