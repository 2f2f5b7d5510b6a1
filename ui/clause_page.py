"""One clause of one unit: the official text, the readings that apply, the facts to enter, a
checkbox per evidence item, a note, attachments, and the clause's points with the explanation,
updated as the assessor types. What the page edits comes from core.scoring.assessment; the points and the
explanation from the engine, through the session."""

from __future__ import annotations

import html
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QDate, QModelIndex, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon, QImage, QPixmap, QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.common.dates import parse_date
from core.common.messages import format_number, render
from core.editing.session import Session
from core.scoring.assessment import (
    BASES,
    DELIVERIES,
    INSURED_WORKERS,
    MANAGEMENT,
    NEGATIVE,
    PLATFORM_RATING,
    TRIPS,
    Page,
    page_readings,
    section_text,
)
from ui.count_source import CountSourcePanel, PlatformSourcePanel, SourcePanel
from ui.models import (
    CHOICES_ROLE,
    PROGRESS_COLOURS,
    BasesModel,
    DeliveriesModel,
    RecordModel,
    TripsModel,
    local_time,
    problems_text,
    progress_text,
)
from ui.rule_update import NewerRulesBanner

COMMIT_DELAY_MS = 400  # typing pauses this long before the value is saved and scored
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


class DateValidator(QValidator):
    """Any way a person writes a date (core/common/dates.py) is accepted; half-typed text is allowed."""

    def validate(self, text: str, pos: int):
        if parse_date(text) is not None:
            return QValidator.State.Acceptable, text, pos
        if len(text) <= 12 and all(c.isdigit() or c in " -/.年月日" for c in text):
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Invalid, text, pos


def is_date_editor(editor: QWidget) -> bool:
    return isinstance(editor, QLineEdit) and isinstance(editor.validator(), DateValidator)


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for cells whose model offers choices (CHOICES_ROLE: [(key, label)]); a text box
    for dates that reads 2022-10-15, 2022/10/15, 2022.10.15, 20221015 and 2022年10月15日 alike
    (Qt's date box put the typed digits into whichever section the cursor was in)."""

    def createEditor(self, parent, option, index):
        if isinstance(index.data(Qt.ItemDataRole.EditRole), QDate):
            editor = QLineEdit(parent)
            editor.setValidator(DateValidator(editor))
            editor.setPlaceholderText(self.tr("如 2022-10-15"))
            return editor
        choices = index.data(CHOICES_ROLE)
        if not choices:
            editor = super().createEditor(parent, option, index)
            if isinstance(editor, QSpinBox):
                editor.setRange(0, 1_000_000)
            return editor
        combo = QComboBox(parent)
        for key, label in choices:
            combo.addItem(label, key)
        return combo

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        elif is_date_editor(editor):
            editor.setText(index.data(Qt.ItemDataRole.EditRole).toString("yyyy-MM-dd"))
            editor.selectAll()
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif is_date_editor(editor):
            day = parse_date(editor.text())
            if day is not None:  # half-typed text leaves the stored date as it was
                model.setData(index, QDate(day.year, day.month, day.day), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class Pending:
    """Values typed into spin boxes and text fields are saved after a short pause (or at once when
    the page is left), so typing 105 makes one edit, not three."""

    def __init__(self, parent: QWidget, finish_editing: Callable[[], None] = lambda: None):
        self._jobs: dict[str, Callable[[], None]] = {}
        self._finish_editing = finish_editing  # a table cell still being typed in, when the page is left
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COMMIT_DELAY_MS)
        self._timer.timeout.connect(self._save_typed)

    def put(self, key: str, job: Callable[[], None]) -> None:
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

    def __bool__(self) -> bool:
        return bool(self._jobs)


def group(title: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(8, 6, 8, 8)
    return box, layout


def wrapped(text: str = "", selectable: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class Editors:
    """The facts and evidence editors of one page for units of one shape, built once and kept: switching
    unit or clause shows them again with the other unit's values instead of building them anew."""

    def __init__(self, page: Page, stash: QWidget):
        self.page = page
        self.facts = QWidget(stash)
        self.facts_layout = QVBoxLayout(self.facts)
        self.facts_layout.setContentsMargins(0, 0, 0, 0)
        self.evidence = QWidget(stash)
        self.evidence_layout = QVBoxLayout(self.evidence)
        self.evidence_layout.setContentsMargins(0, 0, 0, 0)
        self.value_widgets: dict[str, QWidget] = {}
        self.record_models: dict[str, RecordModel] = {}
        self.record_views: dict[str, QTableView] = {}
        self.evidence_boxes: dict[str, QCheckBox] = {}
        self.source_panel: SourcePanel | None = None
        self.trip_evaluation_spins: dict[str, QSpinBox] = {}
        self.editable_as: tuple[bool, bool] | None = None  # (locked, from the platform) last applied


class ClausePage(QWidget):
    previous_requested = Signal()
    next_requested = Signal()
    to_do_requested = Signal()
    problems = Signal(list)  # texts of problems that stopped an edit

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.unit_id: int | None = None
        self.page: Page | None = None
        self.pending = Pending(self, self.finish_editing)
        # Thumbnails by content hash: a page with a few phone photos would otherwise read and scale
        # megabytes of image data at every switch between units or clauses.
        self._thumbnails: dict[str, QIcon] = {}
        self.evidence_boxes: dict[str, QCheckBox] = {}
        self.value_widgets: dict[str, QWidget] = {}
        self.record_models: dict[str, RecordModel] = {}
        self.record_views: dict[str, QTableView] = {}
        self.source_panel: SourcePanel | None = None  # 2.1, 2.2, 4.2: rosters or typed; 3.1, 3.2: platform or typed
        self.editors: Editors | None = None  # the page's editors on screen
        self._editors: dict[tuple, Editors] = {}  # by page and unit shape (_editors_key)
        self._stash = QWidget(self)  # holds the editors not on screen, out of the page's boxes
        self._stash.hide()
        self._build()

    # ---------------------------------------------------------------- layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.unit_label = QLabel()  # which unit the page shows: never left to the list's selection
        self.unit_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unit_label.setStyleSheet("color: #1f4e79; font-weight: bold;")
        outer.addWidget(self.unit_label)
        head = QHBoxLayout()
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.progress_label = QLabel()
        head.addWidget(self.title_label, 1)
        head.addWidget(self.progress_label)
        outer.addLayout(head)

        # A signed score sheet locks the unit: the page turns read-only and says how to unlock.
        self.lock_banner = QFrame()
        self.lock_banner.setObjectName("lockBanner")
        self.lock_banner.setStyleSheet("#lockBanner { background: #fff3d4; border: 1px solid #d9a93f; border-radius: 4px; }")
        banner = QHBoxLayout(self.lock_banner)
        banner.setContentsMargins(10, 4, 4, 4)
        self.lock_label = QLabel()
        self.lock_label.setWordWrap(True)
        self.lock_label.setStyleSheet("color: #6b4a00; font-weight: bold;")
        self.reopen_button = QPushButton(self.tr("解锁（重新开放）…"))
        self.reopen_button.clicked.connect(self._reopen)
        banner.addWidget(self.lock_label, 1)
        banner.addWidget(self.reopen_button)
        self.lock_banner.hide()
        outer.addWidget(self.lock_banner)
        self.rules_banner = NewerRulesBanner(self.session)  # a reading the year's rule set predates
        self.rules_banner.problems.connect(self.problems.emit)
        outer.addWidget(self.rules_banner)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("clauseSplitter")
        self.splitter.setChildrenCollapsible(False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(0, 0, 6, 0)

        box, layout = group(self.tr("细则原文"))
        self.text_label = wrapped()
        layout.addWidget(self.text_label)
        self.body_layout.addWidget(box)

        self.readings_box, layout = group(self.tr("适用的解读"))
        self.readings_label = wrapped()
        layout.addWidget(self.readings_label)
        self.body_layout.addWidget(self.readings_box)

        self.facts_box, self.facts_layout_outer = group(self.tr("事实录入"))
        self.body_layout.addWidget(self.facts_box)

        self.evidence_group, self.evidence_layout_outer = group(self.tr("依据查验（勾选表示已查验原件）"))
        self.body_layout.addWidget(self.evidence_group)

        box, layout = group(self.tr("备注"))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText(self.tr("现场核查情况、需补交的材料等（自动保存）"))
        self.note_edit.setFixedHeight(64)
        self.note_edit.textChanged.connect(self._note_changed)
        layout.addWidget(self.note_edit)
        self.body_layout.addWidget(box)

        box, layout = group(self.tr("附件（照片、扫描件）"))
        self.attachments = QListWidget()
        self.attachments.setViewMode(QListWidget.ViewMode.IconMode)
        self.attachments.setIconSize(QSize(96, 96))
        self.attachments.setGridSize(QSize(128, 132))
        self.attachments.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.attachments.setMovement(QListWidget.Movement.Static)
        self.attachments.setWordWrap(True)
        self.attachments.setFixedHeight(150)
        self.attachments.itemDoubleClicked.connect(lambda item: self.open_attachment(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.attachments)
        buttons = QHBoxLayout()
        self.add_attachment_button = QPushButton(self.tr("添加照片或扫描件…"))
        self.add_attachment_button.clicked.connect(self._choose_attachment)
        open_button = QPushButton(self.tr("打开"))
        open_button.clicked.connect(self._open_selected_attachment)
        self.remove_attachment_button = QPushButton(self.tr("删除"))
        self.remove_attachment_button.clicked.connect(self._remove_selected_attachment)
        for b in (self.add_attachment_button, open_button, self.remove_attachment_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.body_layout.addWidget(box)
        self.body_layout.addStretch(1)
        scroll.setWidget(body)
        self.splitter.addWidget(scroll)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        self.points_label = QLabel()
        font = self.points_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.points_label.setFont(font)
        self.breakdown_label = wrapped()
        self.warning_label = wrapped()
        self.warning_label.setStyleSheet("color: #b00020;")
        self.explanation = QTextBrowser()
        self.explanation.setOpenLinks(False)
        side_layout.addWidget(QLabel(self.tr("本条得分")))
        side_layout.addWidget(self.points_label)
        side_layout.addWidget(self.breakdown_label)
        side_layout.addWidget(self.warning_label)
        side_layout.addWidget(QLabel(self.tr("计分说明")))
        side_layout.addWidget(self.explanation, 1)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 7)  # the facts get the room; the explanation wraps
        self.splitter.setStretchFactor(1, 3)
        outer.addWidget(self.splitter, 1)

        nav = QHBoxLayout()
        self.previous_button = QPushButton(self.tr("◀ 上一条"))
        self.previous_button.setToolTip(self.tr("上一条（Alt+←）"))
        self.previous_button.clicked.connect(self._go_previous)
        self.next_button = QPushButton(self.tr("下一条 ▶"))
        self.next_button.setToolTip(self.tr("下一条（Alt+→）"))
        self.next_button.clicked.connect(self._go_next)
        nav.addWidget(self.previous_button)
        nav.addStretch(1)
        self.to_do_button = QPushButton(self.tr("下一个待办"))
        self.to_do_button.setToolTip(self.tr("跳到下一个未完成的条款，本单位之后依次是列表中的其他单位（Ctrl+J）"))
        self.to_do_button.clicked.connect(lambda _checked=False: self.to_do_requested.emit())
        nav.addWidget(self.to_do_button)
        nav.addWidget(self.next_button)
        outer.addLayout(nav)

    def _go_previous(self) -> None:
        self.pending.flush()
        self.previous_requested.emit()

    def _go_next(self) -> None:
        self.pending.flush()
        self.next_requested.emit()

    # ---------------------------------------------------------------- context

    def set_context(self, unit_id: int | None, page: Page | None) -> None:
        """Show one clause of one unit (saving whatever is still being typed first)."""
        self.pending.flush()
        changed_page = page is not self.page
        self.unit_id, self.page = unit_id, page
        if page is None or unit_id is None or unit_id not in self.session.unit_ids:
            self.unit_id = None
            self.unit_label.setText("")
            self.title_label.setText(self.tr("请先在左侧选择或添加运营单位"))
            self.lock_banner.hide()
            self.rules_banner.hide()
            self.setEnabled(unit_id is not None)
            return
        self.setEnabled(True)
        clause = page.clause
        rules = self.session.rules
        if clause is not None:
            bonus = not clause.points and clause.params.get("top")  # 3.2: points only as a bonus
            self.title_label.setText(
                self.tr("{id}　{title}（加分项，最高加 {points} 分）").format(
                    id=clause.id, title=clause.title, points=format_number(clause.params["top"])) if bonus else
                self.tr("{id}　{title}（满分 {points} 分）").format(
                    id=clause.id, title=clause.title, points=format_number(clause.points)))
            self.text_label.setText(clause.text)
        else:
            self.title_label.setText(self.tr("{id}、{title}").format(id=page.id, title=page.title))
            self.text_label.setText(rules.negative.text)
        self.rules_banner.show_for(clause.id if clause is not None else None)
        readings = [f"• {text}" for _, text in page_readings(rules, page)]
        section = section_text(rules, page)
        if section:
            readings.insert(0, f"• {section}")
        self.readings_label.setText("\n".join(readings))
        self.readings_box.setVisible(bool(readings))
        self._show_editors()
        self._fit_body()
        self.previous_button.setEnabled(self.session.pages.index(page) > 0)
        self.next_button.setEnabled(self.session.pages.index(page) < len(self.session.pages) - 1)
        self.refresh()

    def _fit_body(self) -> None:
        """The scroll area's content is at least as tall as its rebuilt layout needs (QScrollArea
        does not notice a grown minimum by itself), so nothing is squeezed over anything else."""
        for box in (self.facts_box, self.evidence_group):
            # Widgets added to a shown parent appear only at the next event loop turn; show them now
            # so the layout counts them (the removed ones were hidden explicitly and stay hidden).
            for child in box.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
                if not child.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                    child.show()
            box.layout().activate()
        self.body_layout.invalidate()
        body = self.body_layout.parentWidget()
        needed = self.body_layout.minimumSize().height()
        if self.body_layout.hasHeightForWidth():  # wrapped texts: their height depends on the width
            needed = max(needed, self.body_layout.minimumHeightForWidth(body.width()))
        body.setMinimumHeight(needed)
        self.body_layout.activate()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.page is not None:
            self._fit_body()

    # ---------------------------------------------------------------- facts editors

    def _editors_key(self) -> tuple:
        """Pages look the same for every unit, but for 五, which has a row per licence kind of the unit."""
        page = self.page
        kinds = tuple(self.session.unit(self.unit_id).kinds) if NEGATIVE in page.editors else ()
        return page.id, kinds

    def _show_editors(self) -> None:
        """The page's editors for this unit: the kept ones shown again (set to this unit), or built."""
        key = self._editors_key()
        editors = self._editors.get(key)
        if editors is not None and editors.page is not self.page:  # the year's pages were made anew
            self._put_away(editors)
            editors.facts.deleteLater()
            editors.evidence.deleteLater()
            if editors is self.editors:
                self.editors = None
            editors = None
        if editors is not self.editors and self.editors is not None:
            self._put_away(self.editors)
        if editors is None:
            editors = self._build_editors(key)
        else:
            self._use(editors)
            for model in editors.record_models.values():
                if model.unit_id != self.unit_id:
                    model.set_context(self.unit_id, self.page)
            if editors.source_panel is not None:
                editors.source_panel.unit_id = self.unit_id
        self.trip_evaluation_spins = editors.trip_evaluation_spins
        if editors.facts.parentWidget() is not self.facts_box:
            self.facts_layout_outer.addWidget(editors.facts)
            self.evidence_layout_outer.addWidget(editors.evidence)
        editors.facts.show()
        editors.evidence.show()
        self.evidence_group.setVisible(bool(self.page.clause_evidence or self.page.record_evidence))

    def _build_editors(self, key: tuple) -> Editors:
        """The editors of self.page for self.unit_id's shape, built in the stash (the caller shows them)."""
        editors = self._editors[key] = Editors(self.page, self._stash)
        self._use(editors)
        self.trip_evaluation_spins = {}
        self._build_facts()
        self._build_evidence()
        editors.trip_evaluation_spins = self.trip_evaluation_spins
        return editors

    def _put_away(self, editors: Editors) -> None:
        """Off the page (into the stash): the page's boxes hold only the editors on screen."""
        for holder, layout in ((editors.facts, self.facts_layout_outer), (editors.evidence, self.evidence_layout_outer)):
            layout.removeWidget(holder)
            holder.hide()
            holder.setParent(self._stash)

    def prepare_editors(self) -> bool:
        """Builds the editors of one more page for the unit shown, hidden, so that going there later
        only shows them (the window calls this while idle, once the year is on screen); False when
        every page has them."""
        if self.unit_id is None or self.page is None or self.unit_id not in self.session.unit_ids:
            return False
        shown_page, shown = self.page, self.editors
        try:
            for page in self.session.pages:
                self.page = page
                key = self._editors_key()
                if key not in self._editors:
                    self._build_editors(key)
                    return True
            return False
        finally:
            self.page = shown_page
            if shown is not None:
                self._use(shown)
                self.trip_evaluation_spins = shown.trip_evaluation_spins

    def _use(self, editors: Editors) -> None:
        self.editors = editors
        self.facts_layout, self.evidence_layout = editors.facts_layout, editors.evidence_layout
        self.value_widgets, self.record_models, self.record_views = (
            editors.value_widgets, editors.record_models, editors.record_views)
        self.evidence_boxes, self.source_panel = editors.evidence_boxes, editors.source_panel

    def _build_facts(self) -> None:
        page = self.page
        if page.count_source or page.platform_source:
            panel = CountSourcePanel if page.count_source else PlatformSourcePanel
            self.source_panel = self.editors.source_panel = panel(self.session, self.unit_id, page, self.problems.emit)
            self.facts_layout.addWidget(self.source_panel)
        if not page.editors:
            note = wrapped(self.tr("本条无需录入数量，按下方依据勾选计分。"), selectable=False)
            self.facts_layout.addWidget(note)
        for editor in page.editors:
            if editor in (BASES, TRIPS, DELIVERIES):
                self._record_editor(editor)
            elif editor == INSURED_WORKERS:
                form = QFormLayout()
                spin = QSpinBox()
                spin.setRange(0, 1_000_000)
                spin.setSuffix(self.tr(" 人"))
                spin.valueChanged.connect(lambda v: self.pending.put(
                    "insured", lambda: self._commit(self.session.set_insured_workers(
                        self.tr("修改投保人数"), self.unit_id, int(v)))))
                self.value_widgets["insured_workers"] = spin
                form.addRow(self.tr("购买商业意外保险的务工人员"), spin)
                self.facts_layout.addLayout(form)
            elif editor == PLATFORM_RATING:
                form = QFormLayout()
                has = QCheckBox(self.tr("有平台综合评分"))
                spin = QDoubleSpinBox()
                spin.setRange(0, 5)
                spin.setDecimals(2)
                spin.setSingleStep(0.1)
                has.toggled.connect(lambda on, spin=spin: (spin.setEnabled(on), self._commit_rating()))
                spin.valueChanged.connect(lambda _: self.pending.put("rating", self._commit_rating))
                self.value_widgets["has_rating"] = has
                self.value_widgets["platform_rating"] = spin
                form.addRow(has)
                form.addRow(self.tr("平台综合评分"), spin)
                self.facts_layout.addLayout(form)
            elif editor == MANAGEMENT:
                form = QFormLayout()
                use = QCheckBox(self.tr("采用建议分（按依据勾选情况）"))
                spin = QDoubleSpinBox()
                spin.setRange(0, float(page.clause.points))
                spin.setDecimals(1)
                spin.setSingleStep(0.5)
                reason = QLineEdit()
                reason.setPlaceholderText(self.tr("评分与建议分不同时须填写理由"))
                use.toggled.connect(lambda on, spin=spin: (spin.setEnabled(not on), self._commit_management()))
                spin.valueChanged.connect(lambda _: self.pending.put("management", self._commit_management))
                reason.textEdited.connect(lambda _: self.pending.put("management", self._commit_management))
                self.value_widgets.update(use_suggestion=use, awarded=spin, award_reason=reason)
                form.addRow(use)
                form.addRow(self.tr("考核人员评定分"), spin)
                form.addRow(self.tr("理由"), reason)
                self.facts_layout.addLayout(form)
            elif editor == NEGATIVE:
                self._negative_editor()

    def _record_editor(self, editor: str) -> None:
        model_class = {BASES: BasesModel, TRIPS: TripsModel, DELIVERIES: DeliveriesModel}[editor]
        model = model_class(self.session, self.problems.emit, self)
        model.set_context(self.unit_id, self.page)
        view = QTableView()
        view.setModel(model)
        view.setItemDelegate(ChoiceDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        view.setWordWrap(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        row_height = view.verticalHeader().defaultSectionSize()
        view.setFixedHeight(row_height * 6 + view.horizontalHeader().sizeHint().height() + 24)
        self.record_models[editor] = model
        self.record_views[editor] = view
        widest = {TRIPS: 110, BASES: 100}.get(editor, 150)  # names and places end in "…"; the whole row stays in view
        model.modelReset.connect(lambda view=view, widest=widest: self._fit_columns(view, widest))
        self._fit_columns(view, widest)
        self.facts_layout.addWidget(view)
        if editor == TRIPS:  # the evaluation counts of the chosen trip below the table: it fits 1366 px
            self._trip_evaluations(view, model)
        if self.page.records_added_here:
            row = QHBoxLayout()
            add_text = {BASES: self.tr("添加基地"), TRIPS: self.tr("添加赴外招聘"), DELIVERIES: self.tr("添加输送记录")}[editor]
            remove_text = {BASES: self.tr("删除所选基地"), TRIPS: self.tr("删除所选活动"),
                           DELIVERIES: self.tr("删除所选记录")}[editor]
            add = QPushButton(add_text)
            add.clicked.connect(lambda: self.add_record(editor))
            remove = QPushButton(remove_text)
            remove.clicked.connect(lambda: self.remove_selected_record(editor))
            row.addWidget(add)
            row.addWidget(remove)
            row.addStretch(1)
            self.facts_layout.addLayout(row)
        hint = QLabel(self.tr("双击单元格修改；红底的记录不计分，原因见“计分情况”列。"))
        hint.setToolTip(self.tr("勾选框表示该记录的依据已查验原件；未查验的记录不计分。"))
        hint.setStyleSheet("color: #555;")
        self.facts_layout.addWidget(hint)

    def _trip_evaluations(self, view: QTableView, model: RecordModel) -> None:
        """The four counts of 企业评价表（附件6） verdicts (好 / 较好 / 一般 / 差) of the trip selected in the
        table, as number boxes in one row under it; the table keeps date, place, mode, enterprises,
        the evidence and the verdict, and needs no sideways scrolling at 1366 px."""
        columns = [c for c in model.columns if c.startswith("verdict_count:")]
        for column in columns:
            view.setColumnHidden(model.columns.index(column), True)
        box, layout = group(self.tr("所选活动的企业评价表（附件6）份数"))
        row = QHBoxLayout()
        spins: dict[str, QSpinBox] = {}
        for column in columns:
            spin = QSpinBox()
            spin.setRange(0, 1000)
            spin.setEnabled(False)
            row.addWidget(QLabel(self.tr("评价“{verdict}”").format(verdict=column.split(":", 1)[1])))
            row.addWidget(spin)
            spins[column] = spin
        row.addStretch(1)
        layout.addLayout(row)
        note = wrapped(self.tr("先在上表点选一次活动；每出现 1 份总评为“差”的评价表扣 1 分，每次最多扣 5 分。"))
        note.setStyleSheet("color: #555;")
        layout.addWidget(note)
        self.facts_layout.addWidget(box)
        self.trip_evaluation_spins = spins

        def show(*_args) -> None:
            current = view.currentIndex()
            valid = current.isValid() and current.row() < model.rowCount()
            editable = valid and self.session.editable(self.unit_id)
            for column, spin in spins.items():
                spin.blockSignals(True)
                spin.setEnabled(editable)
                spin.setValue(int(model.index(current.row(), model.columns.index(column)).data(Qt.ItemDataRole.EditRole) or 0)
                              if valid else 0)
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

    @staticmethod
    def _fit_columns(view: QTableView, widest: int = 150) -> None:
        """Columns fit their contents (headers wrap onto two lines) but none wider than `widest`, so the
        evidence checkboxes and the verdict stay in view; a drop-down column is never narrower than its
        longest choice."""
        view.resizeColumnsToContents()
        header = view.horizontalHeader()
        model = view.model()
        for column in range(header.count() - 1):
            if header.sectionSize(column) > widest:
                header.resizeSection(column, widest)
            choices = model.index(0, column).data(CHOICES_ROLE) if model.rowCount() else None
            if choices:
                needed = max(view.fontMetrics().horizontalAdvance(label) for _, label in choices) + 36
                header.resizeSection(column, max(header.sectionSize(column), needed))
        # The last column (the verdict) takes what is left and ends in "…" (whole on hover) rather
        # than pushing the table sideways.
        last = header.count() - 1
        if last > 0 and 0 < view.viewport().width() < header.length():
            rest = view.viewport().width() - sum(header.sectionSize(c) for c in range(last))
            header.resizeSection(last, max(80, rest))

    def _negative_editor(self) -> None:
        rules = self.session.rules
        unit = self.session.unit(self.unit_id)
        form = QFormLayout()
        incident = QCheckBox(self.tr("发生群体性、突发性等重大社会影响事件"))
        incident.toggled.connect(lambda on: self._commit(self.session.set_negatives(
            self.tr("修改重大社会影响事件"), self.unit_id, major_incident=on)))
        self.value_widgets["major_incident"] = incident
        form.addRow(incident)
        for kind in unit.kinds:
            label = rules.unit_kinds.get(kind, kind)
            cancelled = QCheckBox(self.tr("{kind}许可证被注销、撤销或吊销").format(kind=label))
            cancelled.toggled.connect(lambda _=False: self._commit_licences())
            self.value_widgets[f"cancelled:{kind}"] = cancelled
            form.addRow(cancelled)
            grade = QComboBox()
            grade.addItem(self.tr("未评定"), "")
            for g in rules.credit_grades:
                grade.addItem(self.tr("{grade}级").format(grade=g), g)
            grade.currentIndexChanged.connect(lambda _=0: self._commit_credit_grades())
            self.value_widgets[f"credit:{kind}"] = grade
            form.addRow(self.tr("{kind}信用等级").format(kind=label), grade)
        for key, text in (("collective_disputes_lost", self.tr("集体劳动争议案件败诉（件）")),
                          ("individual_disputes_lost", self.tr("非集体劳动争议案件败诉（件）")),
                          ("complaints", self.tr("评价周期内被投诉（次）"))):
            spin = QSpinBox()
            spin.setRange(0, 10_000)
            spin.valueChanged.connect(lambda v, key=key: self.pending.put(key, lambda: self._commit(
                self.session.set_negatives(self.tr("修改负面影响"), self.unit_id, **{key: int(v)}))))
            self.value_widgets[key] = spin
            form.addRow(text, spin)
        self.facts_layout.addLayout(form)

    def _build_evidence(self) -> None:
        page = self.page
        for item in page.clause_evidence:
            box = QCheckBox(item.label)
            box.toggled.connect(lambda on, item=item.id: self._commit(self.session.tick(
                self.tr("勾选依据"), self.unit_id, self.page.clause.id, item, on)))
            self.evidence_boxes[item.id] = box
            self.evidence_layout.addWidget(box)
        if page.record_evidence:
            labels = "、".join(e.label for e in page.record_evidence)
            self.evidence_layout.addWidget(wrapped(self.tr("逐条记录查验：{items}（在上表每一行勾选）").format(items=labels),
                                                   selectable=False))

    # ---------------------------------------------------------------- commits

    def _commit(self, edit) -> bool:
        if not edit.ok:
            self.problems.emit(problems_text(edit))
            self.refresh()
            return False
        return True

    def _commit_rating(self) -> None:
        has = self.value_widgets["has_rating"].isChecked()
        value = self.value_widgets["platform_rating"].value()
        rating = Fraction(f"{value:.2f}") if has else None
        self._commit(self.session.set_platform_rating(self.tr("修改平台综合评分"), self.unit_id, rating))

    def _commit_management(self) -> None:
        use = self.value_widgets["use_suggestion"].isChecked()
        awarded = None if use else Fraction(f"{self.value_widgets['awarded'].value():.1f}")
        reason = self.value_widgets["award_reason"].text().strip()
        m = self.session.unit(self.unit_id).management
        if m.awarded == awarded and m.reason == reason:
            return
        self._commit(self.session.set_management(self.tr("修改组织管理评定分"), self.unit_id, awarded, reason))

    def _commit_licences(self) -> None:
        unit = self.session.unit(self.unit_id)
        kinds = [k for k in unit.kinds if self.value_widgets[f"cancelled:{k}"].isChecked()]
        self._commit(self.session.set_negatives(self.tr("修改许可证情况"), self.unit_id, licences_cancelled=kinds))

    def _commit_credit_grades(self) -> None:
        unit = self.session.unit(self.unit_id)
        grades = {k: self.value_widgets[f"credit:{k}"].currentData() for k in unit.kinds}
        self._commit(self.session.set_negatives(self.tr("修改信用等级"), self.unit_id,
                                                credit_grades={k: g for k, g in grades.items() if g}))

    def _note_changed(self) -> None:
        if self.unit_id is None or self.page is None or self.note_edit.signalsBlocked():
            return
        text = self.note_edit.toPlainText()
        uid, page_id = self.unit_id, self.page.id
        self.pending.put("note", lambda: self._commit(self.session.set_note(self.tr("修改备注"), uid, page_id, text)))

    # ---------------------------------------------------------------- records

    def finish_editing(self) -> None:
        """A table cell's open editor is saved and closed (it would otherwise write into whatever
        the table shows next, or into a closed year)."""
        for view in self.record_views.values():
            editor = view.indexWidget(view.currentIndex()) if view.currentIndex().isValid() else None
            if editor is not None and view.state() == QAbstractItemView.State.EditingState:
                delegate = view.itemDelegateForIndex(view.currentIndex())
                delegate.commitData.emit(editor)
                delegate.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def add_record(self, editor: str) -> None:
        rules = self.session.rules
        uid = self.unit_id
        start = rules.period_start
        if editor == BASES:
            n = len(self.session.unit(uid).bases) + 1
            edit = self.session.add_base(self.tr("添加基地"), uid, self.tr("新基地{n}").format(n=n), "labour", start)
        elif editor == TRIPS:
            edit = self.session.add_trip(self.tr("添加赴外招聘"), uid, start, self.tr("待填写地点"), "offline", 0)
        else:
            edit = self.session.add_delivery(self.tr("添加输送记录"), uid, start, self.tr("待填写企业"), 5)
        if self._commit(edit):
            view = self.record_views.get(editor)
            if view is not None and view.model().rowCount():
                index = view.model().index(view.model().rowCount() - 1, 0)
                view.setCurrentIndex(index)
                view.edit(index)

    def remove_selected_record(self, editor: str, confirm: bool = True) -> None:
        view = self.record_views.get(editor)
        if view is None or not view.selectionModel().selectedRows():
            return
        row = view.selectionModel().selectedRows()[0].row()
        model = self.record_models[editor]
        record_id = model.ids[row]
        if confirm:
            answer = QMessageBox.question(self, self.tr("删除记录"), self.tr("确定删除第 {row} 行记录吗？可用“撤销”恢复。")
                                          .format(row=row + 1))
            if answer != QMessageBox.StandardButton.Yes:
                return
        remove = {BASES: self.session.remove_base, TRIPS: self.session.remove_trip,
                  DELIVERIES: self.session.remove_delivery}[editor]
        label = {BASES: self.tr("删除基地"), TRIPS: self.tr("删除赴外招聘"), DELIVERIES: self.tr("删除输送记录")}[editor]
        self._commit(remove(label, self.unit_id, record_id))

    # ---------------------------------------------------------------- attachments

    def _choose_attachment(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("添加照片或扫描件"), "",
                                              self.tr("图片或扫描件 (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.pdf);;所有文件 (*)"))
        if path:
            self.add_attachment_file(Path(path))

    def add_attachment_file(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problems.emit([self.tr("无法读取文件 {name}：{detail}").format(name=path.name, detail=exc.strerror or exc)])
            return False
        return self._commit(self.session.add_attachment(self.tr("添加附件"), self.unit_id, self.page.id, data, path.name))

    def _selected_attachment(self) -> int | None:
        item = self.attachments.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _open_selected_attachment(self) -> None:
        aid = self._selected_attachment()
        if aid is not None:
            self.open_attachment(aid)

    def attachment_file(self, attachment_id: int) -> Path:
        folder = Path(tempfile.gettempdir()) / "leye-wujiang-attachments" / str(attachment_id)
        folder.mkdir(parents=True, exist_ok=True)
        return self.session.save_attachment_as(attachment_id, folder)

    def open_attachment(self, attachment_id: int) -> None:
        try:
            path = self.attachment_file(attachment_id)
        except Exception as exc:  # a damaged attachment or a full disk: say so, do not crash
            self.problems.emit([str(exc)])
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _remove_selected_attachment(self) -> None:
        aid = self._selected_attachment()
        if aid is None:
            return
        answer = QMessageBox.question(self, self.tr("删除附件"), self.tr("确定删除所选附件吗？可用“撤销”恢复。"))
        if answer == QMessageBox.StandardButton.Yes:
            self._commit(self.session.remove_attachment(self.tr("删除附件"), self.unit_id, aid))

    def _load_attachments(self) -> None:
        self.attachments.clear()
        for a in self.session.attachments(self.unit_id, self.page.id):
            item = QListWidgetItem(a.name)
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setToolTip(self.tr("{name}（{size} KB）").format(name=a.name, size=max(1, round(a.size / 1024))))
            icon = self._thumbnails.get(a.sha256)
            if icon is None and (Path(a.name).suffix.lower() in IMAGE_SUFFIXES or a.mime.startswith("image/")):
                try:
                    image = QImage.fromData(self.session.attachment_data(a.id))
                except Exception:
                    image = QImage()
                if not image.isNull():
                    icon = QIcon(QPixmap.fromImage(image.scaled(96, 96, Qt.AspectRatioMode.KeepAspectRatio,
                                                                Qt.TransformationMode.SmoothTransformation)))
                    self._thumbnails[a.sha256] = icon
            if icon is None:
                icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
            item.setIcon(icon)
            self.attachments.addItem(item)

    # ---------------------------------------------------------------- showing the state

    def refresh(self) -> None:
        """Show the current facts, ticks, points and explanation (after any change)."""
        if self.unit_id is None or self.page is None or self.unit_id not in self.session.unit_ids:
            return
        unit = self.session.unit(self.unit_id)
        page = self.page
        self.unit_label.setText(self.tr("运营单位：{name}").format(name=unit.name))
        for model in self.record_models.values():
            model.reload()
        for item_id, box in self.evidence_boxes.items():
            box.blockSignals(True)
            box.setChecked(unit.ticked(page.clause.id, item_id))
            box.blockSignals(False)
        self._show_values(unit)
        note = self.session.note(self.unit_id, page.id)
        if note != self.note_edit.toPlainText() and "note" not in self.pending._jobs:
            self.note_edit.blockSignals(True)
            self.note_edit.setPlainText(note)
            self.note_edit.blockSignals(False)
        self._load_attachments()
        self._show_lock()
        if self.source_panel is not None:  # after the lock: it knows which of its buttons apply
            self.source_panel.refresh()
            self._fit_body()  # its text may have grown a line
        if page.clause is None:
            self._show_negative()
        else:
            self._show_points()

    def _show_lock(self) -> None:
        """Locked by a signed score sheet: a banner, and nothing on the page can be changed (core refuses
        the edits anyway; the page does not invite them)."""
        lock = self.session.lock(self.unit_id)
        if self.session.read_only:
            self.lock_label.setText(self.tr("本年度以只读方式打开：可以查看和导出，不能修改。"))
        elif lock is not None:
            self.lock_label.setText(self.tr("已签章定稿（第 {version} 版，{time}），本单位数据只读；修改须先解锁。").format(
                version=lock.version, time=local_time(lock.locked_at)))
        read_only = not self.session.editable(self.unit_id)
        self.lock_banner.setVisible(read_only)
        self.reopen_button.setVisible(not self.session.read_only)
        # 3.1/3.2 scored from the platform's exports: the page shows the platform's figures, read-only
        # (the typed ones stay stored underneath, unused); the source panel's own buttons stay its own.
        panel = self.source_panel
        platform = isinstance(panel, PlatformSourcePanel) and panel.from_platform()
        editors = self.editors
        if editors is not None and editors.editable_as != (read_only, platform):
            editors.editable_as = (read_only, platform)
            for holder, forced in ((editors.facts, platform), (editors.evidence, False)):
                for widget in holder.findChildren(QWidget):
                    off = read_only or (forced and not panel.isAncestorOf(widget))
                    if isinstance(widget, (QAbstractSpinBox, QLineEdit)):
                        widget.setReadOnly(off)
                    elif isinstance(widget, (QCheckBox, QComboBox, QPushButton)):
                        widget.setEnabled(not off)
        self.note_edit.setReadOnly(read_only)
        self.add_attachment_button.setEnabled(not read_only)
        self.remove_attachment_button.setEnabled(not read_only)

    def _reopen(self) -> None:
        from ui.pdf_dialogs import reopen_unit  # the PDF dialogs load pyHanko's helpers lazily; only when asked
        if self.unit_id is not None:
            reopen_unit(self, self.session, self.unit_id, self.problems.emit)

    def _set(self, key: str, setter: str, value: Any) -> None:
        widget = self.value_widgets.get(key)
        if widget is None or (widget.hasFocus() and self.pending):
            return
        widget.blockSignals(True)
        getattr(widget, setter)(value)
        widget.blockSignals(False)

    def _show_values(self, unit) -> None:
        self._set("insured_workers", "setValue", unit.insured_workers)
        if "has_rating" in self.value_widgets:
            self._set("has_rating", "setChecked", unit.platform_rating is not None)
            self._set("platform_rating", "setValue", float(unit.platform_rating or 0))
            self.value_widgets["platform_rating"].setEnabled(unit.platform_rating is not None)
        if "use_suggestion" in self.value_widgets:
            m = unit.management
            self._set("use_suggestion", "setChecked", m.awarded is None)
            self._set("awarded", "setValue", float(m.awarded) if m.awarded is not None else 0.0)
            self.value_widgets["awarded"].setEnabled(m.awarded is not None)
            if self.value_widgets["award_reason"].text() != m.reason and "management" not in self.pending._jobs:
                self._set("award_reason", "setText", m.reason)
        n = unit.negative
        self._set("major_incident", "setChecked", n.major_incident)
        for key in ("collective_disputes_lost", "individual_disputes_lost", "complaints"):
            self._set(key, "setValue", getattr(n, key))
        for kind in unit.kinds:
            self._set(f"cancelled:{kind}", "setChecked", kind in n.licences_cancelled)
            combo = self.value_widgets.get(f"credit:{kind}")
            if combo is not None:
                self._set(f"credit:{kind}", "setCurrentIndex", max(0, combo.findData(n.credit_grades.get(kind, ""))))

    def _show_points(self) -> None:
        clause = self.page.clause
        result = self.session.clause_result(self.unit_id, clause.id)
        state = self.session.progress(self.unit_id)[clause.id]
        self.progress_label.setText(progress_text(state))
        self.progress_label.setStyleSheet(f"color: {PROGRESS_COLOURS[state].name()}; font-weight: bold;")
        mark = self.tr("（暂定）") if result.provisional else ""
        self.points_label.setText(self.tr("{net} 分{mark}").format(net=format_number(result.net), mark=mark))
        parts = [self.tr("基础分 {points}").format(points=format_number(result.points))]
        if result.bonus:
            parts.append(self.tr("加分 {bonus}").format(bonus=format_number(result.bonus)))
        if result.deduction:
            parts.append(self.tr("扣分 {deduction}").format(deduction=format_number(result.deduction)))
        if result.rank is not None:
            parts.append(self.tr("第 {rank} 名（共 {among} 家达标）").format(rank=result.rank, among=result.ranked_among))
        self.breakdown_label.setText("　".join(parts))
        e = result.explanation  # built here: only for the page on screen
        if e.missing:
            self.warning_label.setText(self.tr("以下依据未勾选，相应事实不计分：\n") + "\n".join(f"• {render(m)}" for m in e.missing))
            self.warning_label.show()
        else:
            self.warning_label.hide()
        sections = [(self.tr("计分过程"), [render(m) for m in e.steps], ""),
                    (self.tr("事实"), [render(m) for m in e.facts], ""),
                    (self.tr("缺少的依据（相应事实不计分）"), [render(m) for m in e.missing], "#b00020")]
        self.explanation.setHtml(_html(sections))

    def _show_negative(self) -> None:
        result = self.session.unit_result(self.unit_id)
        self.progress_label.setText("")
        total = result.deductions_total
        self.points_label.setText(self.tr("扣 {points} 分").format(points=format_number(total)))
        status = {"qualified": self.tr("合格"), "unqualified": self.tr("不合格"), "revoked": self.tr("取消资格")}[result.status]
        self.breakdown_label.setText(self.tr("总分 {total}　考核结果：{status}").format(
            total=format_number(result.total), status=status))
        self.warning_label.hide()
        deductions = [self.tr("{text}（{count} 件/次）：扣 {points} 分").format(text=d.text, count=d.count,
                                                                        points=format_number(d.points))
                      for d in result.deductions if d.points]
        reasons = [r.text for r in result.status_reasons]
        self.explanation.setHtml(_html([(self.tr("扣分"), deductions or [self.tr("无")], ""),
                                        (self.tr("不合格或取消资格的原因"), reasons or [self.tr("无")], "#b00020")]))


def _html(sections: list[tuple[str, list[str], str]]) -> str:
    parts = []
    for title, lines, colour in sections:
        if not lines:
            continue
        style = f' style="color:{colour}"' if colour else ""
        parts.append(f"<p{style}><b>{html.escape(title)}</b></p><ul{style}>")
        parts += [f"<li>{html.escape(line)}</li>" for line in lines]
        parts.append("</ul>")
    return "".join(parts)
