"""人员核对: for the current unit, every person its rosters name, confirmed or not and why, filterable,
with the counts per base; the people its monthly reports name who are on none of its rosters; the people
two units claim, both claims shown, where the assessor assigns a person to one unit with a required reason
(audited, undoable); and the imported files, one of which
can be taken out again (confirmed, undoable). Everything shown comes from core.people.matching through the
session; every change is an edit of the session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common.identifiers import mask_id_like, mask_id_number
from core.common.messages import Msg, render
from core.common.search import search_key
from core.editing.session import Session
from core.people.matching import Conflict, PersonVerdict
from core.people.records import on_one_line, report_remarks_words
from core.store.left_out import LeftOut
from ui.excel_mapping import kind_label
from ui.import_left_out import LeftOutPane
from ui.models import NOT_COUNTED_BRUSH, ListModel, count_source_labels, local_time, problems_text, translate
from ui.people_reported import ReportedOnlyModel
from ui.views import table_view
from ui.wrapped_rows import wrap_rows
from ui.writing import write_now

Report = Callable[[list[str]], None]
ALL, UNCONFIRMED, CONFIRMED, RETAINED, NOTED = "all", "unconfirmed", "confirmed", "retained", "noted"
REMARKS = 9  # the people's column of the roster's 备注
REPORT_REMARKS = 10  # the monthly reports' 备注 for the person (then the reasons, taking the rest of the width)
ASSIGNED_BRUSH = QBrush(QColor(226, 240, 226))


def shown_id(number: str, full: bool) -> str:
    return number if full else mask_id_number(number)


# ------------------------------------------------------------------ models

class PeopleModel(ListModel):
    """One unit's people: the verdict, who, where they came from, months, still there, the roster's own
    备注 for the person and the monthly reports' (each on one line; whole in the tooltip), why not."""

    id_columns = (2, -1)  # the ID number, and the reasons and remarks that may quote one

    def __init__(self, parent=None):
        super().__init__(parent)
        self.reported: dict[str, str] = {}  # ID number -> the monthly reports' 备注 for the person, as one text
        self.headers = [translate("PeopleView", "结果"), translate("PeopleView", "姓名"),
                        translate("PeopleView", "身份证号码"), translate("PeopleView", "类别"),
                        translate("PeopleView", "基地"), translate("PeopleView", "用工单位"),
                        translate("PeopleView", "名单中的位置"), translate("PeopleView", "月数"),
                        translate("PeopleView", "满六个月"), translate("PeopleView", "花名册备注"),
                        translate("PeopleView", "送工信息备注"), translate("PeopleView", "原因或说明")]

    @property
    def people(self) -> list[PersonVerdict]:
        return self.items

    def set_people(self, people, reported: dict[str, list[tuple[str, str]]]) -> None:
        """The people, with the monthly reports' 备注 of the unit by ID number (Session.report_remarks)."""
        self.reported = {id_number: "；".join(render(m) for m in report_remarks_words(remarks))
                         for id_number, remarks in reported.items()}
        self.set_items(people)

    @staticmethod
    def why(p: PersonVerdict) -> str:
        texts = [render(m) for m in (p.retention_reasons if p.confirmed else p.reasons)]
        texts += [render(m) for m in p.notes]
        return "；".join(texts)

    def text(self, p: PersonVerdict, col: int) -> str:
        if col == 0:
            return translate("PeopleView", "确认") if p.confirmed else translate("PeopleView", "未确认")
        if col == 1:
            return p.name
        if col == 2:
            return shown_id(p.id_number, self.full_ids)
        if col == 3:
            return render(Msg.of(f"match.kind_{p.kind}"))
        if col == 4:
            return p.base or p.record.base or "—"
        if col == 5:
            return p.employer
        if col == 6:
            return render(p.where)
        if col == 7:
            return "" if p.months is None else str(p.months)
        if col == 8:
            return "" if not p.confirmed else translate("PeopleView", "是") if p.retained else translate("PeopleView", "否")
        if col == REMARKS:
            return self.remarks(p)
        if col == REPORT_REMARKS:
            return self.remarks(p, source=self.reported.get(p.id_number, ""))
        return self.why(p)

    def remarks(self, p: PersonVerdict, whole: bool = False, source: str | None = None) -> str:
        """The roster's 备注 as written, or `source` (the monthly reports'), an ID number in it masked unless the
        full numbers are shown; its lines joined on one line unless `whole`."""
        text = p.record.remarks if source is None else source
        text = text if self.full_ids else mask_id_like(text)
        return text if whole else on_one_line(text)

    def sort_key(self, p: PersonVerdict, column: int) -> Any:
        if column == 0:
            return p.confirmed
        if column == 2:
            return p.id_number
        if column == 6:
            return (p.record.file, p.record.sheet, p.record.row)
        if column == 7:
            return -1 if p.months is None else p.months
        if column == 8:
            return (p.confirmed, p.retained)
        return self.text(p, column)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p, col = self.items[index.row()], index.column()
        if role == Qt.ItemDataRole.ToolTipRole and col == REMARKS:
            return self.remarks(p, whole=True)
        if role == Qt.ItemDataRole.ToolTipRole and col == REPORT_REMARKS:
            return self.remarks(p, whole=True, source=self.reported.get(p.id_number, ""))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(p, col)
        if role == Qt.ItemDataRole.BackgroundRole and not p.confirmed:
            return NOT_COUNTED_BRUSH
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 7:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SourceSorted(QSortFilterProxyModel):
    """A proxy over a ListModel that leaves sorting to the list itself (keys computed once per sort)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)


class PeopleFilter(SourceSorted):
    """All / not confirmed / confirmed / still there after six months / with a note to check (another name,
    employer, base or date in the monthly reports, …), and a name or ID search."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mode = ALL
        self.text = ""

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.invalidateRowsFilter()

    def set_text(self, text: str) -> None:
        self.text = search_key(text)  # full-width digits typed by an input method find the ID number
        self.invalidateRowsFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        p = self.sourceModel().items[row]
        if self.mode == UNCONFIRMED and p.confirmed or self.mode == CONFIRMED and not p.confirmed:
            return False
        if self.mode == RETAINED and not p.retained or self.mode == NOTED and not p.notes:
            return False
        return not self.text or self.text in search_key(p.name) or self.text in search_key(p.id_number)


class ConflictsModel(ListModel):
    """People two or more units claim: the claims and the assessor's decision."""

    id_columns = (1, 1)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.reasons: dict[str, str] = {}
        self.headers = [translate("PeopleView", "姓名"), translate("PeopleView", "身份证号码"),
                        translate("PeopleView", "申报单位"), translate("PeopleView", "归属")]

    @property
    def conflicts(self) -> list[Conflict]:
        return self.items

    def set_conflicts(self, conflicts, reasons: dict[str, str]) -> None:
        self.reasons = reasons
        self.set_items(conflicts)

    def decision(self, c: Conflict) -> str:
        if c.assigned_to is None:
            return translate("PeopleView", "待确认（均不计入）")
        return translate("PeopleView", "归属 {unit}（{reason}）").format(unit=c.assigned_to,
                                                                     reason=self.reasons.get(c.id_number, ""))

    def text(self, c: Conflict, col: int, separator: str = "；") -> str:
        return [c.name, shown_id(c.id_number, self.full_ids), separator.join(c.units), self.decision(c)][col]

    def sort_key(self, c: Conflict, column: int) -> Any:
        return c.id_number if column == 1 else self.text(c, column)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c, col = self.items[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(c, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.text(c, col, "\n")
        if role == Qt.ItemDataRole.BackgroundRole:
            return NOT_COUNTED_BRUSH if c.assigned_to is None else ASSIGNED_BRUSH
        return None


class ImportsModel(ListModel):
    """The files imported for one unit, and the year's lists (row counts and times sort as such)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.assessors: dict[int, str] = {}
        self.units: dict[int, str] = {}
        self.corrected: dict[int, list[tuple[str, str, str]]] = {}  # by import: (where, the file's, imported)
        self.left_out: dict[int, LeftOut] = {}  # by import: the rows it left out (只导入无误的行)
        self.headers = [translate("PeopleView", "文件"), translate("PeopleView", "类型"), translate("PeopleView", "属于"),
                        translate("PeopleView", "行数"), translate("PeopleView", "替换的行数"),
                        translate("PeopleView", "导入时间"), translate("PeopleView", "导入人"),
                        translate("PeopleView", "预览中更正"), translate("PeopleView", "未导入的行")]

    @property
    def sources(self) -> list:
        return self.items

    def set_sources(self, sources, assessors: dict[int, str], units: dict[int, str],
                    corrected: dict[int, list[tuple[str, str, str]]] | None = None,
                    left_out: dict[int, LeftOut] | None = None) -> None:
        self.assessors, self.units, self.corrected, self.left_out = assessors, units, corrected or {}, left_out or {}
        self.set_items(sources)

    def text(self, s, col: int) -> str:
        cells = len(self.corrected.get(s.id, ()))
        left = self.left_out.get(s.id)
        return [s.file_name, kind_label(s.kind),
                translate("PeopleView", "全年度名单") if s.unit_id is None else self.units.get(s.unit_id, ""),
                str(s.rows), str(s.replaced_rows), local_time(s.imported_at),
                self.assessors.get(s.imported_by, ""),
                translate("PeopleView", "{n} 个单元格").format(n=cells) if cells else "",
                translate("PeopleView", "{n} 行").format(n=left.rows) if left is not None else ""][col]

    def left_out_text(self, s) -> str:
        """Each problem of the rows the import left out, as the audit trail keeps it (ID numbers masked)."""
        left = self.left_out.get(s.id)
        return "\n".join(render(p.words()) for p in left.problems) if left is not None else ""

    def corrections_text(self, s) -> str:
        """Each cell corrected before the import, as the audit trail keeps it (ID numbers masked)."""
        empty = translate("PeopleView", "（空）")
        return "\n".join(translate("PeopleView", "{cell}：“{old}”→“{new}”").format(
            cell=cell, old=mask_id_like(old) or empty, new=mask_id_like(new) or empty)
            for cell, old, new in self.corrected.get(s.id, ()))

    def sort_key(self, s, column: int) -> Any:
        left = self.left_out.get(s.id)
        numbers = {3: s.rows, 4: s.replaced_rows, 5: s.imported_at, 7: len(self.corrected.get(s.id, ())),
                   8: left.rows if left is not None else 0}
        return numbers[column] if column in numbers else self.text(s, column)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s, col = self.items[index.row()], index.column()
        if role == Qt.ItemDataRole.ToolTipRole and col == 7:
            return self.corrections_text(s) or None
        if role == Qt.ItemDataRole.ToolTipRole and col == 8:
            return self.left_out_text(s) or None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(s, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4, 7, 8):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


# ------------------------------------------------------------------ the assignment dialog

class AssignDialog(QDialog):
    """Which unit a person two units claim counts for, and why (required). When a decision exists it
    can also be withdrawn (the person then counts for none again)."""

    def __init__(self, conflict: Conflict, unit_ids: dict[str, int], full_ids: bool = False, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("确认人员归属"))
        self.conflict = conflict
        intro = QLabel(self.tr("{name}（{id}）被 {count} 家运营单位申报。确认归属前此人不计入任何一家；"
                               "确认后只计入所选单位。").format(name=conflict.name, id=shown_id(conflict.id_number, full_ids),
                                                      count=len(conflict.units)))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self.group = QButtonGroup(self)
        self.choices: dict[int, QRadioButton] = {}
        for unit in conflict.units:
            claims = "；".join(render(c.text) for c in conflict.claims if c.unit == unit)
            button = QRadioButton(self.tr("归属 {unit}").format(unit=unit))
            button.setToolTip(claims)
            detail = QLabel(self.tr("申报：{claims}").format(claims=claims))
            detail.setWordWrap(True)
            detail.setStyleSheet("color: #555; margin-left: 22px;")
            uid = unit_ids.get(unit)
            self.group.addButton(button)
            self.choices[uid] = button
            button.setChecked(conflict.assigned_to == unit)
            layout.addWidget(button)
            layout.addWidget(detail)
        self.withdraw = None
        if conflict.assigned_to is not None:
            self.withdraw = QRadioButton(self.tr("撤销已作的确认（此人重新不计入任何一家）"))
            self.group.addButton(self.withdraw)
            layout.addWidget(self.withdraw)
        layout.addWidget(QLabel(self.tr("理由（必填，记入审计）")))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：社保缴费记录显示由该单位输送"))
        layout.addWidget(self.reason)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("确认"))
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.group.buttonToggled.connect(lambda *_: self._update())
        self.reason.textChanged.connect(self._update)
        self._update()
        self.resize(620, self.sizeHint().height())

    def _update(self) -> None:
        self.ok.setEnabled(self.group.checkedButton() is not None and bool(self.reason.text().strip()))

    def choose(self, unit_id: int | None) -> None:
        (self.withdraw if unit_id is None else self.choices[unit_id]).setChecked(True)

    def value(self) -> tuple[int | None, str]:
        checked = self.group.checkedButton()
        unit_id = next((uid for uid, b in self.choices.items() if b is checked), None)
        return unit_id, self.reason.text().strip()


# ------------------------------------------------------------------ the view

def _table(model, proxy: QSortFilterProxyModel | None = None) -> QTableView:
    """A sortable table: a ListModel sorts itself (the proxy only passes the click on), a small model
    through the proxy by the text shown."""
    view = table_view()
    if proxy is None:
        proxy = SourceSorted(view) if isinstance(model, ListModel) else QSortFilterProxyModel(view)
    proxy.setSourceModel(model)
    view.setModel(proxy)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the order given, until a click
    view.setSortingEnabled(True)
    view.horizontalHeader().setStretchLastSection(True)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    return view


class PeopleView(QWidget):
    """The 人员核对 tab. `select_unit` follows the window's current unit; `import_excel` opens the wizard."""

    def __init__(self, session: Session, report: Report, select_unit: Callable[[int], None],
                 import_excel: Callable[[], None], parent=None):
        super().__init__(parent)
        self.session, self.report = session, report
        self.select_unit, self.import_excel = select_unit, import_excel
        self.unit_id: int | None = None
        self.dirty = True
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("运营单位")))
        self.unit_combo = QComboBox()
        self.unit_combo.setMinimumWidth(300)
        self.unit_combo.activated.connect(lambda _: self._unit_chosen())
        top.addWidget(self.unit_combo)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        top.addWidget(self.counts, 1)
        self.full_ids = QCheckBox(self.tr("显示完整身份证号"))
        self.full_ids.setToolTip(self.tr("身份证号码属于个人敏感信息，默认只显示前6位和后4位；仅在需要逐人核对时勾选，不会被记住。"))
        self.full_ids.toggled.connect(self._full_ids)
        top.addWidget(self.full_ids)
        self.import_button = QPushButton(self.tr("导入 Excel…"))
        self.import_button.clicked.connect(lambda: self.import_excel())
        top.addWidget(self.import_button)
        layout.addLayout(top)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        # people of the unit, and the counts per base
        people_page = QWidget()
        people_layout = QVBoxLayout(people_page)
        people_layout.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("显示")))
        self.filter = QComboBox()
        for key, text in ((ALL, self.tr("全部")), (UNCONFIRMED, self.tr("未确认的")), (CONFIRMED, self.tr("确认的")),
                          (RETAINED, self.tr("满六个月的")), (NOTED, self.tr("有说明需核对的"))):
            self.filter.addItem(text, key)
        self.filter.currentIndexChanged.connect(lambda _: self._filter_changed())
        row.addWidget(self.filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按姓名或身份证号查找"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: (self.people_proxy.set_text(text), self._shown_count()))
        row.addWidget(self.search, 1)
        self.shown_label = QLabel()
        row.addWidget(self.shown_label)
        people_layout.addLayout(row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.people_model = PeopleModel(self)
        self.people_proxy = PeopleFilter(self)
        self.people_view = _table(self.people_model, self.people_proxy)
        header = self.people_view.horizontalHeader()
        for column, width in enumerate((50, 64, 164, 92, 96, 116, 96, 40, 64, 90, 120)):  # the reason takes the rest
            header.resizeSection(column, width)
        splitter.addWidget(self.people_view)
        bases_panel = QWidget()
        bases_layout = QVBoxLayout(bases_panel)
        bases_layout.setContentsMargins(0, 0, 0, 0)
        bases_layout.addWidget(QLabel(self.tr("各基地确认人数")))
        self.bases_table = table_view()
        bases_layout.addWidget(self.bases_table, 1)
        self.bases_note = QLabel()
        self.bases_note.setWordWrap(True)
        self.bases_note.setStyleSheet("color: #555;")
        bases_layout.addWidget(self.bases_note)
        # room for a base's name (six characters) beside its three counts, at the smallest window too
        metrics = self.fontMetrics()
        bases_panel.setMinimumWidth(metrics.horizontalAdvance("贵州黄平劳务确认满六个月048/025（手工录入）") + 40)
        splitter.addWidget(bases_panel)
        splitter.setCollapsible(1, False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1040, 300])
        people_layout.addWidget(splitter, 1)
        # the chosen person's reasons and notes whole: the column shows only their start
        self.person_detail = QLabel()
        self.person_detail.setWordWrap(True)
        self.person_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        people_layout.addWidget(self.person_detail)
        self.people_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_person())
        self.tabs.addTab(people_page, self.tr("本单位人员"))

        # in the monthly reports, on no roster
        reported_page = QWidget()
        reported_layout = QVBoxLayout(reported_page)
        reported_layout.setContentsMargins(4, 4, 4, 4)
        hint = QLabel(self.tr("本单位每月送工信息中有、花名册（附件2、附件4）中没有的人员：未列入花名册，不计入人数。"
                              "如确由本单位输送，请运营单位补报花名册；已在其他单位花名册中的人员（见“其他单位的花名册”列）"
                              "补报后即为两家单位申报同一人，须由考核人员确认归属。"))
        hint.setWordWrap(True)
        reported_layout.addWidget(hint)
        self.reported_model = ReportedOnlyModel(self)
        self.reported_view = _table(self.reported_model)
        header = self.reported_view.horizontalHeader()
        for column, width in enumerate((90, 170, 160, 150, 220, 190)):
            header.resizeSection(column, width)
        reported_layout.addWidget(self.reported_view, 1)
        self.reported_page = reported_page
        self.tabs.addTab(reported_page, self.tr("仅在送工信息中"))

        # conflicts
        conflicts_page = QWidget()
        conflicts_layout = QVBoxLayout(conflicts_page)
        conflicts_layout.setContentsMargins(4, 4, 4, 4)
        hint = QLabel(self.tr("同一人员被多家运营单位申报时，确认归属前均不计入。选中一行，点“确认归属…”，选择单位并填写理由。"))
        hint.setWordWrap(True)
        conflicts_layout.addWidget(hint)
        self.only_this_unit = QCheckBox(self.tr("只看涉及本单位的"))
        self.only_this_unit.setChecked(True)
        self.only_this_unit.toggled.connect(lambda _: self.refresh())
        conflicts_layout.addWidget(self.only_this_unit)
        self.conflicts_model = ConflictsModel(self)
        self.conflicts_view = _table(self.conflicts_model)
        header = self.conflicts_view.horizontalHeader()
        for column, width in enumerate((90, 170, 460)):
            header.resizeSection(column, width)
        self.conflicts_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_claims())
        self.conflicts_view.doubleClicked.connect(lambda _: self.assign_selected())
        conflicts_layout.addWidget(self.conflicts_view, 1)
        self.claims = QLabel()
        self.claims.setWordWrap(True)
        self.claims.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        conflicts_layout.addWidget(self.claims)
        row = QHBoxLayout()
        row.addStretch(1)
        self.assign_button = QPushButton(self.tr("确认归属…"))
        self.assign_button.clicked.connect(lambda: self.assign_selected())
        row.addWidget(self.assign_button)
        conflicts_layout.addLayout(row)
        self.conflicts_page = conflicts_page
        self.tabs.addTab(conflicts_page, self.tr("多家单位申报"))

        # imports
        imports_page = QWidget()
        imports_layout = QVBoxLayout(imports_page)
        imports_layout.setContentsMargins(4, 4, 4, 4)
        self.imports_model = ImportsModel(self)
        self.imports_view = _table(self.imports_model)
        header = self.imports_view.horizontalHeader()
        for column, width in enumerate((260, 220, 220, 60, 80, 130)):
            header.resizeSection(column, width)
        self.imports_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_left_out())
        self.left_out_pane = LeftOutPane()
        imports_split = QSplitter(Qt.Orientation.Vertical)
        imports_split.addWidget(self.imports_view)
        imports_split.addWidget(self.left_out_pane)
        imports_split.setCollapsible(0, False)
        imports_split.setStretchFactor(0, 3)
        imports_split.setStretchFactor(1, 2)
        imports_split.setSizes([420, 220])
        imports_layout.addWidget(imports_split, 1)
        row = QHBoxLayout()
        note = QLabel(self.tr("列出本单位导入的花名册、每月送工信息，以及全年度名单；"
                              "选中一次导入，下方列出其未导入的行及原因。删除后可用“撤销”恢复。"))
        note.setWordWrap(True)
        row.addWidget(note, 1)
        self.remove_button = QPushButton(self.tr("删除本次导入…"))
        self.remove_button.clicked.connect(lambda: self.remove_selected_import())
        row.addWidget(self.remove_button)
        imports_layout.addLayout(row)
        self.imports_page = imports_page
        self.tabs.addTab(imports_page, self.tr("导入记录"))

        session.listeners.append(self._changed)

    # ---------------------------------------------------------------- following the session

    def _changed(self, _units) -> None:
        self.dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.dirty:
            self.refresh()

    def set_unit(self, unit_id: int | None) -> None:
        if unit_id != self.unit_id:
            self.unit_id = unit_id
            self.dirty = True
            if self.isVisible():
                self.refresh()

    def _unit_chosen(self) -> None:
        uid = self.unit_combo.currentData()
        if uid is not None and uid != self.unit_id:
            self.select_unit(uid)  # the window follows, and tells this view (set_unit)
            self.set_unit(uid)

    def _full_ids(self, full: bool) -> None:
        self.people_model.set_full_ids(full)
        self._show_person()
        self.reported_model.set_full_ids(full)
        self.conflicts_model.set_full_ids(full)
        self._show_claims()

    def _filter_changed(self) -> None:
        self.people_proxy.set_mode(self.filter.currentData())
        self._shown_count()

    def _shown_count(self) -> None:
        self.shown_label.setText(self.tr("显示 {shown} / {all} 人").format(shown=self.people_proxy.rowCount(),
                                                                       all=self.people_model.rowCount()))
        self._show_person()

    def _show_person(self) -> None:
        """The chosen person's reasons (or why not retained) and notes, whole, under the table."""
        index = self.people_view.currentIndex()
        if not index.isValid():
            self.person_detail.setText(self.tr("选中一人查看完整的原因或说明。"))
            return
        p = self.people_model.people[self.people_proxy.mapToSource(index).row()]
        why = PeopleModel.why(p)
        if not self.full_ids.isChecked():
            why = mask_id_like(why)
        self.person_detail.setText(self.tr("{name}（{id}）：{why}").format(
            name=p.name, id=shown_id(p.id_number, self.full_ids.isChecked()), why=why or self.tr("无")))

    def refresh(self) -> None:
        self.dirty = False
        session = self.session
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        for uid in session.unit_ids:
            self.unit_combo.addItem(session.unit(uid).name, uid)
        if self.unit_id not in session.unit_ids:
            self.unit_id = session.unit_ids[0] if session.unit_ids else None
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(self.unit_id)))
        self.unit_combo.blockSignals(False)
        result = session.match()
        name = session.unit(self.unit_id).name if self.unit_id is not None else None
        found = next((u for u in result.units if u.unit == name), None)
        reported = session.report_remarks(self.unit_id) if found is not None and self.unit_id is not None else {}
        self.people_model.set_people(found.people if found is not None else (), reported)
        wrap_rows(self.people_view, self.people_model.rowCount())  # a reason read whole at 1366×768
        # shown when a monthly report of the unit has a 备注 for someone: the reasons keep their room otherwise
        self.people_view.setColumnHidden(REPORT_REMARKS, not self.people_model.reported)
        self._shown_count()
        self._fill_bases(found)
        reported_only = found.reported_only if found is not None else ()
        self.reported_model.set_items(reported_only)
        self.tabs.setTabText(self.tabs.indexOf(self.reported_page),
                             self.tr("仅在送工信息中（{n}）").format(n=len(reported_only)))
        conflicts = [c for c in result.conflicts if not self.only_this_unit.isChecked() or name in c.units]
        reasons = {a.id_number: a.reason for a in session.assignments()}
        self.conflicts_model.set_conflicts(conflicts, reasons)
        open_ = sum(1 for c in conflicts if c.assigned_to is None)
        self.tabs.setTabText(self.tabs.indexOf(self.conflicts_page),
                             self.tr("多家单位申报（{open} 待确认 / 共 {all}）").format(open=open_, all=len(conflicts)))
        self._show_claims()
        assessors = {a.id: a.name for a in session.assessors()}
        units = {uid: session.unit(uid).name for uid in session.unit_ids}
        sources = [s for s in session.imports() if s.unit_id is None or s.unit_id == self.unit_id]
        chosen = self.selected_import()
        ids = [s.id for s in sources]
        self.imports_model.set_sources(sources, assessors, units, session.corrected_cells(ids), session.left_out(ids))
        self._select_import(chosen.id if chosen is not None else None)
        self.tabs.setTabText(self.tabs.indexOf(self.imports_page), self.tr("导入记录（{n}）").format(n=len(sources)))
        if found is None or not found.has_roster:
            counts = self.tr("本单位尚未导入花名册（附件2、附件4），无法逐人核对，不能说明谁确认、谁未确认")
        else:
            trainees = sum(b.trainees for b in found.bases)
            counts = self.tr("确认进吴 {a} 人（满六个月 {ar}）；见习 {t} 人、实习 {i} 人（满六个月 {pr}）；"
                             "未确认 {u} 人；待确认归属 {c} 人").format(
                a=found.arrivals, ar=found.arrivals_retained, t=trainees, i=found.placements - trainees,
                pr=found.placements_retained,
                u=len(found.unconfirmed()),
                c=sum(1 for c in result.conflicts if name in c.units and c.assigned_to is None))
        if reported_only:
            counts += self.tr("；另有 {n} 人只在每月送工信息中、不在花名册中（见“仅在送工信息中”）").format(
                n=len(reported_only))
        self.counts.setText(counts)
        self.import_button.setEnabled(bool(session.unit_ids) and not session.read_only)
        self.remove_button.setEnabled(session.editable(self.unit_id))

    def _fill_bases(self, found) -> None:
        from PySide6.QtGui import QStandardItem, QStandardItemModel
        model = QStandardItemModel(self.bases_table)
        model.setHorizontalHeaderLabels([self.tr("基地"), self.tr("确认"), self.tr("满六个月"), self.tr("计分所用人数")])
        rows: list[tuple[list[str], str]] = []  # the cells, and the tooltip of the counts

        def split(m) -> str:  # a school base's matched trainees and interns (the pane is narrow: a tooltip)
            if m is None or m.type != "school" or not m.people:
                return ""
            return self.tr("其中见习 {t} 人、实习 {i} 人；满六个月见习 {tr} 人、实习 {ir} 人").format(
                t=m.trainees, i=m.people - m.trainees, tr=m.trainees_retained, ir=m.retained - m.trainees_retained)

        if self.unit_id is not None:
            unit = self.session.unit(self.unit_id)
            matched = {(b.base, b.type): b for b in (found.bases if found is not None else ())}
            labels = count_source_labels()
            for base in unit.bases:
                m = matched.pop((base.name, base.type), None)
                rows.append(([base.name, "" if m is None else str(m.people), "" if m is None else str(m.retained),
                              self.tr("{people}/{retained}（{source}）").format(
                                  people=base.people, retained=base.retained, source=labels[base.count_source])],
                             split(m)))
            for m in matched.values():  # names on the rosters that are no base of the unit's
                if m.people:
                    rows.append(([m.base or self.tr("（未填写）"), str(m.people), str(m.retained),
                                  self.tr("不是本单位登记的基地")], split(m)))
        for values, tip in rows:
            items = [QStandardItem(v) for v in values]
            items[0].setToolTip(values[0])  # a long name is cut in the column
            for item in items[1:3]:
                item.setToolTip(tip)
            model.appendRow(items)
        self.bases_table.setModel(model)
        header = self.bases_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.bases_note.setText(self.tr("“计分所用人数”为确认人数/满六个月人数及其来源；人数来源在 2.1 页切换。"))

    # ---------------------------------------------------------------- conflicts

    def selected_conflict(self) -> Conflict | None:
        index = self.conflicts_view.currentIndex()
        if not index.isValid():
            return None
        return self.conflicts_model.conflicts[self.conflicts_view.model().mapToSource(index).row()]

    def _show_claims(self) -> None:
        c = self.selected_conflict()
        if c is None:
            self.claims.setText(self.tr("选中一行查看各单位的申报。"))
            self.assign_button.setEnabled(False)
            return
        lines = [self.tr("{name}（{id}）的申报：").format(name=c.name, id=shown_id(c.id_number, self.full_ids.isChecked()))]
        lines += [self.tr("　{n}. {claim}").format(n=n, claim=render(claim.text)) for n, claim in enumerate(c.claims, 1)]
        lines.append(self.tr("　归属：{decision}").format(decision=self.conflicts_model.decision(c)))
        self.claims.setText("\n".join(lines))
        self.assign_button.setEnabled(not self.session.read_only)

    def select_conflict(self, id_number: str) -> bool:
        model = self.conflicts_view.model()
        for row in range(model.rowCount()):
            source = model.mapToSource(model.index(row, 0)).row()
            if self.conflicts_model.conflicts[source].id_number == id_number:
                self.conflicts_view.setCurrentIndex(model.index(row, 0))
                return True
        return False

    def assign_dialog(self) -> AssignDialog | None:
        c = self.selected_conflict()
        if c is None:
            return None
        ids = {self.session.unit(uid).name: uid for uid in self.session.unit_ids}
        return AssignDialog(c, ids, self.full_ids.isChecked(), self)

    def assign_selected(self) -> bool:
        dialog = self.assign_dialog()
        if dialog is None or dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.assign(dialog.conflict, *dialog.value())

    def assign(self, conflict: Conflict, unit_id: int | None, reason: str) -> bool:
        label = (self.tr("撤销人员归属") if unit_id is None else
                 self.tr("确认{name}归属{unit}").format(name=conflict.name, unit=self.session.unit(unit_id).name))
        edit = self.session.assign_person(label, conflict.id_number, unit_id, reason)
        if not edit.ok:
            self.report(problems_text(edit))
        else:
            self.select_conflict(conflict.id_number)
        return edit.ok

    # ---------------------------------------------------------------- imports

    def selected_import(self):
        index = self.imports_view.currentIndex()
        if not index.isValid():
            return None
        return self.imports_model.sources[self.imports_view.model().mapToSource(index).row()]

    def _select_import(self, import_id: int | None) -> None:
        """The import with this id chosen again in the list (after a refresh), or none; its rows left out shown."""
        model = cast(QSortFilterProxyModel, self.imports_view.model())
        for row in range(model.rowCount()):
            if self.imports_model.sources[model.mapToSource(model.index(row, 0)).row()].id == import_id:
                self.imports_view.setCurrentIndex(model.index(row, 0))
                break
        self._show_left_out()

    def _show_left_out(self) -> None:
        source = self.selected_import()
        self.left_out_pane.show_import(source.file_name if source is not None else None,
                                       self.imports_model.left_out.get(source.id) if source is not None else None)

    def remove_selected_import(self, confirm: bool = True) -> bool:
        source = self.selected_import()
        if source is None:
            return False
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("删除本次导入"),
                              self.tr("确定删除导入的“{file}”（{kind}，{rows} 行）吗？其中的人员将不再参与核对。\n"
                                      "删除会记入审计记录，可用“撤销”（Ctrl+Z）恢复。").format(
                                  file=source.file_name, kind=kind_label(source.kind), rows=source.rows),
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.button(QMessageBox.StandardButton.Yes).setText(self.tr("删除"))
            box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
            self.remove_box = box
            if box.exec() != QMessageBox.StandardButton.Yes:
                return False
        write = self.session.remove_import_write(self.tr("删除导入的“{file}”").format(file=source.file_name), source.id)
        edit = write_now(self, write, self.tr("正在删除导入的“{file}”（{rows} 行）…").format(file=source.file_name,
                                                                                rows=source.rows))
        if not edit.ok and not write.cancelled:
            self.report(problems_text(edit))
        return edit.ok
