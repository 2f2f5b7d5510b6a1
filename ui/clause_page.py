"""One clause of one unit: the official text, the readings that apply, the facts to enter, a
checkbox per evidence item, a note, attachments, and the clause's points with the explanation,
updated as the assessor types. What the page edits comes from core.scoring.assessment, each kind of facts
in its own editor (ui/editors/); the points and the explanation from the engine, through the session."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.common.messages import format_number, render
from core.editing.session import Session
from core.scoring.assessment import NEGATIVE, TRIPS, Page, page_practice, page_readings, section_text
from ui import faults
from ui.count_source import CountSourcePanel, PlatformSourcePanel, SourcePanel
from ui.editors import EDITORS
from ui.editors.base import EditorContext, FactsEditor, Pending, WrappingCheckBox, group, wrapped
from ui.editors.flow import FlowLayout
from ui.editors.records import RecordsEditor, TripsEditor
from ui.fitting_label import FittingLabel
from ui.models import PROGRESS_COLOURS, RecordModel, local_time, problems_text, progress_text
from ui.rule_banner import NewerRulesBanner
from ui.year_models import verdict_texts

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}



def focusable(holder: QWidget) -> list[QWidget]:
    """The widgets inside `holder` that Tab stops at, in the order they were made (a box's own line edit,
    which stands in for it, the insides of tables, and a drop-down's list, a window of its own, are left
    to their box)."""
    found: list[QWidget] = []
    window = holder.window()
    for widget in cast(list[QWidget], holder.findChildren(QWidget)):
        parent = widget.parentWidget()
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or (parent is not None and parent.focusProxy() is widget):
            continue
        if widget.window() is not window:
            continue
        if any(isinstance(a, QAbstractItemView) for a in ancestors(widget, holder)):
            continue
        found.append(widget)
    return found


def ancestors(widget: QWidget, up_to: QWidget) -> list[QWidget]:
    out: list[QWidget] = []
    widget = widget.parentWidget()
    while widget is not None and widget is not up_to:
        out.append(widget)
        widget = widget.parentWidget()
    return out

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
        self.by_kind: dict[str, FactsEditor] = {}  # in the page's order
        self.evidence_boxes: dict[str, QCheckBox] = {}
        self.source_panel: SourcePanel | None = None
        self.editable_as: tuple[bool, bool] | None = None  # (locked, from the platform) last applied

    def add(self, kind: str, editor: FactsEditor) -> None:
        self.by_kind[kind] = editor
        self.facts_layout.addWidget(editor)

    @property
    def value_widgets(self) -> dict[str, QWidget]:
        return {key: widget for editor in self.by_kind.values() for key, widget in editor.value_widgets.items()}

    @property
    def records(self) -> dict[str, RecordsEditor]:
        return {kind: editor for kind, editor in self.by_kind.items() if isinstance(editor, RecordsEditor)}


class ClausePage(QWidget):
    previous_requested = Signal()
    next_requested = Signal()
    to_do_requested = Signal()
    changes_requested = Signal(int, str)  # 本条修改记录…: the unit's changes on this page
    problems = Signal(list, str)  # texts of problems, and the box's title ("": 未保存, an edit was refused)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.unit_id: int | None = None
        self.page: Page | None = None
        self.pending = Pending(self, self.finish_editing)
        # Thumbnails by content hash: a page with a few phone photos would otherwise read and scale
        # megabytes of image data at every switch between units or clauses.
        self._thumbnails: dict[str, QIcon] = {}
        self.context = EditorContext(session, self.pending, self._commit, self.report)
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
        # 定稿 told on the unit's own line: its text comes and goes without moving the page (a banner shown
        # and hidden laid the whole page out again at the first change of a 定稿 unit)
        self.final_label = FittingLabel()  # on a narrow screen a shorter wording, never a cut one
        self.final_label.setTextFormat(Qt.TextFormat.PlainText)
        self.final_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.final_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        unit_row = QHBoxLayout()
        unit_row.setSpacing(24)
        unit_row.addWidget(self.unit_label)
        unit_row.addWidget(self.final_label, 1)
        outer.addLayout(unit_row)
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
        # a field copy's unit not handed over: looked at only, until the assessor chooses to change it
        self.outside_button = QPushButton(self.tr("仍要修改本单位…"))
        self.outside_button.clicked.connect(self._change_outside)
        banner.addWidget(self.lock_label, 1)
        banner.addWidget(self.reopen_button)
        banner.addWidget(self.outside_button)
        self.lock_banner.hide()
        outer.addWidget(self.lock_banner)
        self.rules_banner = NewerRulesBanner(self.session)  # a reading the year's rule set predates
        self.rules_banner.problems.connect(self.problems.emit)
        outer.addWidget(self.rules_banner)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("clauseSplitter")
        self.splitter.setChildrenCollapsible(False)
        self._body = scroll = QScrollArea()
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
        self.note_edit.setTabChangesFocus(True)  # Tab goes on to the next box, as everywhere else on the page
        self.note_edit.textChanged.connect(self._note_changed)
        layout.addWidget(self.note_edit)
        self.body_layout.addWidget(box)

        box, layout = group(self.tr("附件（照片、扫描件）"))
        self.attachments = QListWidget()
        self._attachments_listed: tuple | None = None
        self.attachments.setViewMode(QListWidget.ViewMode.IconMode)
        self.attachments.setIconSize(QSize(96, 96))
        self.attachments.setGridSize(QSize(128, 132))
        self.attachments.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.attachments.setMovement(QListWidget.Movement.Static)
        self.attachments.setWordWrap(True)
        self.attachments.setFixedHeight(150)
        self.attachments.itemDoubleClicked.connect(lambda item: self.open_attachment(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.attachments)
        buttons = FlowLayout()  # wraps in a narrow window
        self.add_attachment_button = QPushButton(self.tr("添加照片或扫描件…"))
        self.add_attachment_button.clicked.connect(self._choose_attachment)
        open_button = QPushButton(self.tr("打开"))
        open_button.clicked.connect(self._open_selected_attachment)
        self.remove_attachment_button = QPushButton(self.tr("删除"))
        self.remove_attachment_button.clicked.connect(self._remove_selected_attachment)
        self._attachment_widgets = [self.attachments, self.add_attachment_button, open_button,
                                    self.remove_attachment_button]
        for b in (self.add_attachment_button, open_button, self.remove_attachment_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.body_layout.addWidget(box)
        self.body_layout.addStretch(1)
        scroll.setWidget(body)
        self.splitter.addWidget(scroll)

        self._side = side = QWidget()
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
        em = side.fontMetrics().horizontalAdvance("分")
        side.setMinimumWidth(14 * em)  # the explanation a few words a line, not one, in a 1024-pixel window
        self.explanation.document().setIndentWidth(1.5 * em)  # its lists' bullets, not 40 pixels in
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
        self.changes_button = QPushButton(self.tr("本条修改记录…"))
        self.changes_button.setToolTip(self.tr("谁在何时改了本单位本条的哪一项，原值、新值和理由"))
        self.changes_button.clicked.connect(self._show_changes)
        nav.addWidget(self.changes_button)
        nav.addWidget(self.to_do_button)
        nav.addWidget(self.next_button)
        outer.addLayout(nav)

    def _show_changes(self, _checked: bool = False) -> None:
        if self.unit_id is not None and self.page is not None:
            self.changes_requested.emit(self.unit_id, self.page.id)

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
        practice = page_practice(page)
        if practice:
            readings.append(f"• {practice}")
        self.readings_label.setText("\n".join(readings))
        self.readings_box.setVisible(bool(readings))
        self._show_editors()
        self._fit_body()
        self.previous_button.setEnabled(self.session.pages.index(page) > 0)
        self.next_button.setEnabled(self.session.pages.index(page) < len(self.session.pages) - 1)
        self.refresh()
        if changed_page:  # another clause starts at its rules' text; another unit keeps the place on the same one
            self._body.verticalScrollBar().setValue(0)

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

    def _editors_key(self, page: Page) -> tuple:
        """Pages look the same for every unit, but for 五, which has a row per licence kind of the unit."""
        kinds = tuple(self.session.unit(self.unit_id).kinds) if NEGATIVE in page.editors else ()
        return page.id, kinds

    def _show_editors(self) -> None:
        """The page's editors for this unit: the kept ones shown again (set to this unit), or built."""
        key = self._editors_key(self.page)
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
            editors = self._build_editors(self.page, key)
        else:
            for editor in editors.by_kind.values():
                editor.set_unit(self.unit_id)
            if editors.source_panel is not None:
                editors.source_panel.unit_id = self.unit_id
        self.editors = editors
        moved_in = editors.facts.parentWidget() is not self.facts_box
        if moved_in:
            self.facts_layout_outer.addWidget(editors.facts)
            self.evidence_layout_outer.addWidget(editors.evidence)
        editors.facts.show()
        editors.evidence.show()
        self.evidence_group.setVisible(bool(self.page.clause_evidence or self.page.record_evidence))
        if moved_in:  # the same editors kept for another unit keep their place in the order
            self._order_tabs(editors)

    def _order_tabs(self, editors: Editors) -> None:
        """Tab goes down the page as it reads: the facts, the evidence, the note, the attachments, then the
        score beside them. (The editors are built elsewhere and moved in, which would put them last.)"""
        chain = ([self._body] + focusable(editors.facts) + focusable(editors.evidence) + [self.note_edit]
                 + self._attachment_widgets + focusable(self._side))
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _build_editors(self, page: Page, key: tuple) -> Editors:
        """The editors of `page` for self.unit_id's shape, built in the stash (the caller shows them)."""
        editors = self._editors[key] = Editors(page, self._stash)
        if page.count_source or page.platform_source:
            panel = CountSourcePanel if page.count_source else PlatformSourcePanel
            editors.source_panel = panel(self.session, self.unit_id, page, self.report)
            editors.facts_layout.addWidget(editors.source_panel)
        if not page.editors:
            note = wrapped(self.tr("本条无需录入数量，按下方依据勾选计分。"), selectable=False)
            editors.facts_layout.addWidget(note)
        for kind in page.editors:
            editors.add(kind, EDITORS[kind](self.context, page, self.unit_id))
        self._build_evidence(editors)
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
        for page in self.session.pages:
            key = self._editors_key(page)
            if key not in self._editors:
                self._build_editors(page, key)
                return True
        return False

    # the editors on screen, by what they edit
    @property
    def value_widgets(self) -> dict[str, QWidget]:
        return self.editors.value_widgets if self.editors is not None else {}

    @property
    def record_models(self) -> dict[str, RecordModel]:
        return {kind: e.model for kind, e in self.editors.records.items()} if self.editors is not None else {}

    @property
    def record_views(self) -> dict[str, QTableView]:
        return {kind: e.view for kind, e in self.editors.records.items()} if self.editors is not None else {}

    @property
    def trip_evaluation_spins(self) -> dict[str, QSpinBox]:
        trips = self.editors.by_kind.get(TRIPS) if self.editors is not None else None
        return trips.evaluation_spins if isinstance(trips, TripsEditor) else {}

    @property
    def evidence_boxes(self) -> dict[str, QCheckBox]:
        return self.editors.evidence_boxes if self.editors is not None else {}

    @property
    def source_panel(self) -> SourcePanel | None:
        """2.1, 2.2, 4.2: rosters or typed; 3.1, 3.2: the platform or typed."""
        return self.editors.source_panel if self.editors is not None else None

    def _build_evidence(self, editors: Editors) -> None:
        page = editors.page
        for item in page.clause_evidence:
            box = WrappingCheckBox(item.label)
            box.toggled.connect(lambda on, item=item.id: self._commit(self.session.tick(
                self.tr("勾选依据"), self.unit_id, self.page.clause.id, item, on)))
            editors.evidence_boxes[item.id] = box
            editors.evidence_layout.addWidget(box)
        if page.record_evidence:
            labels = "、".join(e.label for e in page.record_evidence)
            editors.evidence_layout.addWidget(wrapped(self.tr("逐条记录查验：{items}（在上表每一行勾选）").format(items=labels),
                                                      selectable=False))

    # ---------------------------------------------------------------- commits

    def report(self, texts: list[str], title: str = "") -> None:
        """Problems for the window's box, titled `title` (left out: 未保存, an edit was refused)."""
        self.problems.emit(texts, title)

    def _commit(self, edit) -> bool:
        if not edit.ok:
            self.problems.emit(problems_text(edit), "")
            self.refresh()
            return False
        return True

    def _note_changed(self) -> None:
        if self.unit_id is None or self.page is None or self.note_edit.signalsBlocked():
            return
        text = self.note_edit.toPlainText()
        uid, page_id = self.unit_id, self.page.id
        self.pending.put("note", lambda: self._commit(self.session.set_note(self.tr("修改备注"), uid, page_id, text)))

    # ---------------------------------------------------------------- typing and records

    def finish_editing(self) -> None:
        """A value still open for typing in an editor is saved and closed (it would otherwise write into
        whatever the editor shows next, or into a closed year)."""
        if self.editors is not None:
            for editor in self.editors.by_kind.values():
                editor.finish_editing()

    def add_record(self, kind: str) -> None:
        self.editors.records[kind].add_record()

    def remove_selected_record(self, kind: str, confirm: bool = True) -> None:
        self.editors.records[kind].remove_selected_record(confirm)

    # ---------------------------------------------------------------- attachments

    def _choose_attachment(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # the dialogs and the desktop services: when first used
        path, _ = QFileDialog.getOpenFileName(self, self.tr("添加照片或扫描件"), "",
                                              self.tr("图片或扫描件 (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.pdf);;所有文件 (*)"))
        if path:
            self.add_attachment_file(Path(path))

    def add_attachment_file(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problems.emit([self.tr("无法读取文件 {name}：{detail}").format(
                name=path.name, detail=faults.describe(exc))], self.tr("未能添加附件"))
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
        import tempfile
        folder = Path(tempfile.gettempdir()) / "leye-wujiang-attachments" / str(attachment_id)
        folder.mkdir(parents=True, exist_ok=True)
        return self.session.save_attachment_as(attachment_id, folder)

    def open_attachment(self, attachment_id: int) -> None:
        try:
            path = self.attachment_file(attachment_id)
        except Exception as exc:  # a damaged attachment or a full disk: say so, do not crash
            self.problems.emit([self.tr("无法打开附件：{detail}").format(detail=faults.describe(exc))],
                               self.tr("未能打开附件"))
            return
        from PySide6.QtGui import QDesktopServices
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _remove_selected_attachment(self) -> None:
        aid = self._selected_attachment()
        if aid is None:
            return
        from PySide6.QtWidgets import QMessageBox
        answer = QMessageBox.question(self, self.tr("删除附件"), self.tr("确定删除所选附件吗？可用“撤销”恢复。"))
        if answer == QMessageBox.StandardButton.Yes:
            self._commit(self.session.remove_attachment(self.tr("删除附件"), self.unit_id, aid))

    def _load_attachments(self) -> None:
        found = self.session.attachments(self.unit_id, self.page.id)
        listed = tuple((a.id, a.name, a.size, a.sha256) for a in found)
        if listed == self._attachments_listed:  # as shown: not emptied and filled again at every edit
            return
        self._attachments_listed = listed
        self.attachments.clear()
        for a in found:
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
                from PySide6.QtWidgets import QStyle  # its hundreds of names take 10 ms to make
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
        for editor in self.editors.by_kind.values():
            editor.show_values(unit)
        for item_id, box in self.evidence_boxes.items():
            box.blockSignals(True)
            box.setChecked(unit.ticked(page.clause.id, item_id))
            box.blockSignals(False)
        note = self.session.note(self.unit_id, page.id)
        if note != self.note_edit.toPlainText() and "note" not in self.pending:
            self.note_edit.blockSignals(True)
            self.note_edit.setPlainText(note)
            self.note_edit.blockSignals(False)
        self._load_attachments()
        self._show_lock()
        # after the lock: it knows which of its buttons apply; a text that grew a line is fitted
        if self.source_panel is not None and self.source_panel.refresh():
            self._fit_body()
        if page.clause is None:
            self._show_negative()
        else:
            self._show_points()

    def _show_lock(self) -> None:
        """Locked by a signed score sheet: a banner, and nothing on the page can be changed (core refuses
        the edits anyway; the page does not invite them). Marked 定稿: a banner saying a change withdraws it."""
        lock = self.session.lock(self.unit_id)
        if self.session.read_only:
            self.lock_label.setText(self.tr("本年度以只读方式打开：可以查看和导出，不能修改。"))
        elif lock is not None:
            stale = self.session.signed_sheet_change(self.unit_id) if self.unit_id is not None else None
            self.lock_label.setText(self.tr("已签章定稿（第 {version} 版，{time}），本单位数据只读；修改须先解锁。").format(
                version=lock.version, time=local_time(lock.locked_at)) + ("\n" + render(stale) if stale else ""))
        elif self.session.outside_copy(self.unit_id):
            self.lock_label.setText(self.tr("本单位不在交给{assessor}的外业副本中，只供查看；"
                                            "如确需修改，点“仍要修改本单位…”。").format(
                assessor=self.session.field_copy.assessor if self.session.field_copy else ""))
        out = self.session.copy_out_with(self.unit_id) if lock is None and not self.session.read_only else None
        if out is not None:  # told, not refused: the office may go on; the merge asks where both changed one thing
            self.lock_label.setText(self.tr("本单位在交给{assessor}的外业副本中（{time} 制作），尚未合并回来；"
                                            "在此修改的内容，若外业副本也改了同一项，合并时须逐项选择保留哪一方。").format(
                assessor=out.assessor, time=local_time(out.made_at)))
        read_only = not self.session.editable(self.unit_id)
        final = not read_only and self.unit_id is not None and self.session.unit(self.unit_id).facts_final
        # told before the first change, not asked at it: the change itself is the answer (undo takes it back)
        wordings = (self.tr("已定稿：修改事实或依据查验将同时取消定稿（撤销即恢复）"),
                    # never only 修改: a note or attachment leaves 定稿 as it is (the tip says so)
                    self.tr("已定稿：修改事实或依据将取消定稿（撤销即恢复）"),
                    self.tr("已定稿：修改事实或依据将取消定稿"),
                    self.tr("已定稿")) if final else ("",)
        if self.final_label.wordings != wordings:
            self.final_label.set_wordings(wordings)
            self.final_label.setToolTip(self.tr("本单位数据已定稿。修改事实或依据查验会同时取消定稿（撤销修改即恢复定稿）；"
                                                "备注和附件不影响定稿。") if final else "")
        self.lock_banner.setVisible(read_only or out is not None)
        self.reopen_button.setVisible(lock is not None and not self.session.read_only)
        self.outside_button.setVisible(lock is None and not self.session.read_only
                                       and self.session.outside_copy(self.unit_id))
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
        from ui.reopen import reopen_unit  # loaded when first asked: the page opens without it
        if self.unit_id is not None:
            reopen_unit(self, self.session, self.unit_id,
                        lambda texts: self.problems.emit(texts, self.tr("未解锁")))

    def _change_outside(self) -> None:
        """Asked once per unit: a change here comes back to the office for the lead to confirm."""
        from ui.field_copy_banner import ask_change_outside  # only a field copy needs it
        if self.unit_id is not None:
            ask_change_outside(self.window(), self.session, self.unit_id)

    def _show_points(self) -> None:
        clause = self.page.clause
        result = self.session.clause_result(self.unit_id, clause.id)
        state = self.session.progress(self.unit_id)[clause.id]
        self.progress_label.setText(progress_text(state))
        style = f"color: {PROGRESS_COLOURS[state].name()}; font-weight: bold;"
        if self.progress_label.styleSheet() != style:  # setting it again lays out and repaints the whole window
            self.progress_label.setStyleSheet(style)
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
        warnings = []
        if e.missing:
            warnings.append(self.tr("以下依据未勾选，相应事实不计分：\n") + "\n".join(f"• {render(m)}" for m in e.missing))
        if e.notes:  # each says itself what it does to the score
            warnings.append(self.tr("请注意：\n") + "\n".join(f"• {render(m)}" for m in e.notes))
        if warnings:
            self.warning_label.setText("\n".join(warnings))
            self.warning_label.show()
        else:
            self.warning_label.hide()
        sections = [(self.tr("计分过程"), [render(m) for m in e.steps], ""),
                    (self.tr("事实"), [render(m) for m in e.facts], ""),
                    (self.tr("缺少的依据（相应事实不计分）"), [render(m) for m in e.missing], "#b00020"),
                    (self.tr("请注意"), [render(m) for m in e.notes], "#b00020")]
        self.explanation.setHtml(_html(sections))

    def _show_negative(self) -> None:
        assert self.unit_id is not None  # a page is shown for a unit
        result = self.session.unit_result(self.unit_id)
        self.progress_label.setText("")
        total = result.deductions_total
        self.points_label.setText(self.tr("扣 {points} 分").format(points=format_number(total)))
        # as the unit list and 年度总表 say it: 合格（暂定） while it may change
        status = verdict_texts(result, self.session.standing(self.unit_id))[1]
        self.breakdown_label.setText(self.tr("总分 {total}　考核结果：{status}").format(
            total=format_number(result.total), status=status))
        off_scale = self.session.credit_off_scale(self.unit_id) if self.unit_id is not None else []
        self.warning_label.setText("\n".join(render(m) for m in off_scale))
        self.warning_label.setVisible(bool(off_scale))
        deductions = [self.tr("{text}（{count} 件/次）：扣 {points} 分").format(text=d.text, count=d.count,
                                                                        points=format_number(d.points))
                      for d in result.deductions if d.points]
        reasons = [r.text for r in result.status_reasons]
        self.explanation.setHtml(_html([(self.tr("扣分"), deductions or [self.tr("无")], ""),
                                        (self.tr("不合格或取消资格的原因"), reasons or [self.tr("无")], "#b00020")]))


def _escaped(text: str) -> str:
    """Text for an HTML element (what html.escape does there; the html package, with its table of
    2,000 entity names, is not worth loading at start-up for this)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html(sections: list[tuple[str, list[str], str]]) -> str:
    parts = []
    for title, lines, colour in sections:
        if not lines:
            continue
        style = f' style="color:{colour}"' if colour else ""
        parts.append(f"<p{style}><b>{_escaped(title)}</b></p><ul{style}>")
        parts += [f"<li>{_escaped(line)}</li>" for line in lines]
        parts.append("</ul>")
    return "".join(parts)
