"""Qt item models over the session (core/editing/session.py): the unit list, the year table, a unit's
overview, the grade allocation, and the editable record tables of a clause page. They only adapt:
every number comes from the engine, every edit goes through the session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Callable

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QCoreApplication, QDate, QDateTime, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from core.common.messages import Msg, format_number, render
from core.editing.session import Session
from core.scoring.assessment import DONE, INCOMPLETE, NOT_STARTED, Page, counted, record_verdicts
from core.scoring.engine import QUALIFIED, REVOKED, UNQUALIFIED
from core.scoring.facts import COUNT_SOURCES, COUNTS_BY_HAND, COUNTS_FROM_ROSTERS, FIGURES_FROM_PLATFORM
from core.years.history import UnitRecord

SORT_ROLE = Qt.ItemDataRole.UserRole
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 1  # [(key, label)] for a combo-box editor
ID_ROLE = Qt.ItemDataRole.UserRole + 2

NOT_COUNTED_BRUSH = QBrush(QColor(253, 226, 226))
PROVISIONAL_BRUSH = QBrush(QColor(255, 244, 214))
TIE_BRUSH = QBrush(QColor(255, 236, 204))
PROGRESS_COLOURS = {NOT_STARTED: QColor(160, 160, 160), INCOMPLETE: QColor(230, 140, 20), DONE: QColor(40, 160, 70)}

Report = Callable[[list[str]], None]


# Module functions and models share one translation context; the literal context on each call is
# what pyside6-lupdate reads (a wrapper function would hide it and the texts would go untranslated).
translate = QCoreApplication.translate


def status_text(status: str) -> str:
    return {QUALIFIED: translate("Models", "合格"), UNQUALIFIED: translate("Models", "不合格"), REVOKED: translate("Models", "取消资格")}[status]


def progress_text(state: str) -> str:
    return {NOT_STARTED: translate("Models", "未开始"), INCOMPLETE: translate("Models", "依据不全"), DONE: translate("Models", "已完成")}[state]


def number(value: Any, decimals: int = 2) -> str:
    return format_number(value, decimals)


def count_source_labels() -> dict[str, str]:
    """Where a base's counts come from, as the pages name it."""
    return {COUNTS_FROM_ROSTERS: translate("Models", "名单核对"), COUNTS_BY_HAND: translate("Models", "手工录入")}


def local_time(iso: str) -> str:
    """A stored ISO timestamp (UTC) as the assessor's local time, to the minute."""
    moment = QDateTime.fromString(iso, Qt.DateFormat.ISODateWithMs)
    return moment.toLocalTime().toString("yyyy-MM-dd HH:mm") if moment.isValid() else iso


def problems_text(edit) -> list[str]:
    return [render(p.message) for p in edit.problems]


# ------------------------------------------------------------------ units

class UnitListModel(QAbstractListModel):
    """The year's units, each with its total and how far its assessment has got."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self._progress: dict[int, dict[str, str]] = {}
        self._texts: dict[int, str] = {}  # what each unit's entry says, until an edit changes it

    def reload(self, units: frozenset[int] | None = None) -> None:
        self._texts.clear()  # an edit of one unit can move every unit's grade
        if units is None:
            self.beginResetModel()
            self._progress.clear()
            self.endResetModel()
            return
        for uid in units:
            self._progress.pop(uid, None)
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    def progress(self, uid: int) -> dict[str, str]:
        if uid not in self._progress:
            self._progress[uid] = self.session.progress(uid)
        return self._progress[uid]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.session.unit_ids)

    def unit_id(self, row: int) -> int:
        return self.session.unit_ids[row]

    def row_of(self, uid: int) -> int:
        return self.session.unit_ids.index(uid)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        uid = self.session.unit_ids[index.row()]
        if role == ID_ROLE:
            return uid
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._texts.get(uid)
            if text is None:
                text = self._texts[uid] = self._text(uid)
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.session.unit(uid).name
        return None

    def _text(self, uid: int) -> str:
        unit = self.session.unit(uid)
        result = self.session.unit_result(uid)
        done = sum(1 for s in self.progress(uid).values() if s == DONE)
        final = (translate("Models", " · 已签章") if self.session.locked(uid) else
                 translate("Models", " · 已定稿") if unit.facts_final else "")
        return translate("Models", "{name}\n{total} 分 · {grade}级 · {done}/{count} 条{final}").format(
            name=unit.name, total=number(result.total), grade=result.grade, done=done,
            count=len(self.session.rules.clauses), final=final)


# ------------------------------------------------------------------ the year

class YearTableModel(QAbstractTableModel):
    """All units × clauses with totals, ranks, status and grade (sortable through a proxy); for a year
    continued from the last, that year's grade and total beside this year's (by credit code)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.previous: Mapping[str, UnitRecord] | None = None
        self._ids: dict[str, int] = {}
        self._build_columns()

    def _build_columns(self) -> None:
        rules = self.session.rules
        self.clause_ids = [c.id for c in rules.clauses]
        self.tail = ["deductions", "total", "status", "grade"] + (["previous_grade", "previous_total"]
                                                                  if self.previous is not None else []) + ["final", "flags"]
        words = {"deductions": translate("Models", "扣分"), "total": translate("Models", "总分"),
                 "status": translate("Models", "状态"), "grade": translate("Models", "等级"),
                 "previous_grade": translate("Models", "上年等级"), "previous_total": translate("Models", "上年总分"),
                 "final": translate("Models", "数据"), "flags": translate("Models", "提示")}
        self.headers = ([translate("Models", "名次"), translate("Models", "运营单位")] + self.clause_ids
                        + [words[key] for key in self.tail])

    def _unit_id(self, name: str) -> int | None:
        """The unit's id by name through a map made once per change of the units (the session's own
        lookup walks every unit: a 200-unit table asked it 150,000 times, four seconds of sizing)."""
        uid = self._ids.get(name)
        try:
            known = uid is not None and self.session.unit(uid).name == name
        except KeyError:  # removed since
            known = False
        if not known:
            self._ids = {self.session.unit(i).name: i for i in self.session.unit_ids}
            uid = self._ids.get(name)
        return uid

    def set_previous(self, records: Mapping[str, UnitRecord] | None) -> None:
        """The last year's results by credit code: two columns after the grade (None: none)."""
        first = 2 + len(self.clause_ids) + self.tail.index("grade") + 1
        if (records is None) == (self.previous is None):
            self.previous = records
            if records is not None and self.rowCount():
                self.dataChanged.emit(self.index(0, first), self.index(self.rowCount() - 1, first + 1))
            return
        if records is not None:
            self.beginInsertColumns(QModelIndex(), first, first + 1)
        else:
            self.beginRemoveColumns(QModelIndex(), first, first + 1)
        self.previous = records
        self._build_columns()
        if records is not None:
            self.endInsertColumns()
        else:
            self.endRemoveColumns()

    def reload(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.session.result.units)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if 2 <= section < 2 + len(self.clause_ids):
                return self.session.rules.clause(self.clause_ids[section - 2]).title
        return None

    def unit_name(self, row: int) -> str:
        return self.session.result.units[row].name

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        result = self.session.result
        u = result.units[index.row()]
        col = index.column()
        n_clauses = len(self.clause_ids)
        tied = any(u.name in t.units for t in result.ties)
        if role == ID_ROLE:
            return self._unit_id(u.name)
        if 2 <= col < 2 + n_clauses:
            c = u.clauses[col - 2]
            if role == Qt.ItemDataRole.DisplayRole:
                return number(c.net) + ("*" if c.provisional else "")
            if role == SORT_ROLE:
                return float(c.net)
            if role == Qt.ItemDataRole.BackgroundRole and c.provisional:
                return PROVISIONAL_BRUSH
            if role == Qt.ItemDataRole.ToolTipRole and c.provisional:
                return translate("Models", "暂定：尚有运营单位数据未定稿，排名类条款得分可能变动")
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        key = self.tail[col - 2 - n_clauses] if col >= 2 else ""
        unit = self.session.unit(self._unit_id(u.name))
        before = self.previous.get(unit.credit_code) if self.previous is not None else None
        values = {
            0: (str(u.rank), u.rank),
            1: (u.name, u.name),
        } if col < 2 else {col: {
            "deductions": (number(u.deductions_total), float(u.deductions_total)),
            "total": (number(u.total), float(u.total)),
            "status": (status_text(u.status), u.status),
            "grade": (u.grade, u.grade),
            # a unit the last year did not assess sorts after every grade and total
            "previous_grade": (before.grade, before.grade) if before else ("—", "~"),
            "previous_total": (number(before.total), float(before.total)) if before else ("—", -1.0),
            "final": (translate("Models", "已定稿") if unit.facts_final else translate("Models", "未定稿"),
                      int(unit.facts_final)),
            "flags": (self._flags(u, tied), self._flags(u, tied)),
        }[key]}
        if role == Qt.ItemDataRole.ToolTipRole and key.startswith("previous_") and not before:
            return translate("Models", "上一年度没有统一社会信用代码相同的运营单位")
        if role == Qt.ItemDataRole.DisplayRole:
            return values[col][0]
        if role == SORT_ROLE:
            return values[col][1]
        if role == Qt.ItemDataRole.BackgroundRole and tied and key == "grade":
            return TIE_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and key == "status" and u.status_reasons:
            return "\n".join(r.text for r in u.status_reasons)
        if role == Qt.ItemDataRole.TextAlignmentRole and (col == 0 or key in ("deductions", "total", "previous_total")):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _flags(u, tied: bool) -> str:
        flags = []
        if tied:
            flags.append(translate("Models", "并列待定"))
        if any(n.code == "grade.promoted" for n in u.grade_notes):
            flags.append(translate("Models", "已上调"))
        return " ".join(flags)


class OverviewModel(QAbstractTableModel):
    """One unit: every clause's points, bonus, deduction, net, progress and remarks."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.unit_id: int | None = None
        self.headers = [translate("Models", "条款"), translate("Models", "考核内容"), translate("Models", "满分"), translate("Models", "得分"), translate("Models", "加分"), translate("Models", "扣分"), translate("Models", "小计"),
                        translate("Models", "进度"), translate("Models", "说明")]

    def set_unit(self, uid: int | None) -> None:
        self.beginResetModel()
        self.unit_id = uid if uid in self.session.unit_ids else None
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.unit_id is None else len(self.session.rules.clauses)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.unit_id is None:
            return None
        clause = self.session.rules.clauses[index.row()]
        c = self.session.clause_result(self.unit_id, clause.id)
        state = self.session.progress(self.unit_id)[clause.id]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            remark = []
            if c.rank is not None:
                remark.append(translate("Models", "第 {rank} 名（共 {among} 家达标）").format(rank=c.rank, among=c.ranked_among))
            if c.provisional:
                remark.append(translate("Models", "暂定"))
            return [clause.id, clause.title, number(clause.points), number(c.points), number(c.bonus),
                    number(c.deduction), number(c.net) + ("*" if c.provisional else ""), progress_text(state),
                    "，".join(remark)][col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 7:
            return QBrush(PROGRESS_COLOURS[state])
        if role == Qt.ItemDataRole.BackgroundRole and c.provisional and col == 6:
            return PROVISIONAL_BRUSH
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= col <= 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class GradeTableModel(QAbstractTableModel):
    """The grade allocation: units by total, with status, grade and the notes (ties, promotions)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.headers = [translate("Models", "名次"), translate("Models", "运营单位"), translate("Models", "总分"), translate("Models", "状态"), translate("Models", "等级"), translate("Models", "说明")]

    def reload(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.session.result.units)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def tied(self, row: int) -> bool:
        name = self.session.result.units[row].name
        return any(name in t.units for t in self.session.result.ties)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        u = self.session.result.units[index.row()]
        if role == ID_ROLE:
            return self.session.unit_id(u.name)
        if role == Qt.ItemDataRole.DisplayRole:
            notes = "；".join(render(n) for n in u.grade_notes)
            return [str(u.rank), u.name, number(u.total), status_text(u.status), u.grade, notes][index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and self.tied(index.row()):
            return TIE_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return "\n".join(render(n) for n in u.grade_notes) or None
        return None


# ------------------------------------------------------------------ long lists

class ListModel(QAbstractTableModel):
    """A read-only table over a Python list (people, problems) that sorts the list itself when a header
    is clicked, each row's key computed once: a QSortFilterProxyModel's sort asks data() n·log n times
    through Python, seconds for 50,000 rows. Subclasses give the headers, the cells and the keys."""

    headers: list[str] = []

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list = []

    def set_items(self, items) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def sort_key(self, item: Any, column: int) -> Any:
        raise NotImplementedError

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0 or not self.items:
            return
        self.layoutAboutToBeChanged.emit()
        keys = [self.sort_key(item, column) for item in self.items]
        ranks = sorted(range(len(keys)), key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        self.items = [self.items[i] for i in ranks]
        self.layoutChanged.emit()


# ------------------------------------------------------------------ record tables of a clause page

class RecordModel(QAbstractTableModel):
    """Base of the editable record tables (bases, trips, deliveries) of one unit on one page."""

    def __init__(self, session: Session, report: Report, parent=None):
        super().__init__(parent)
        self.session = session
        self.report = report
        self.unit_id: int | None = None
        self.page: Page | None = None
        self.columns: list[str] = []
        self.ids: list[int] = []
        self._verdicts: list[Msg] | None = None

    def set_context(self, uid: int | None, page: Page | None) -> None:
        self.beginResetModel()
        self.unit_id, self.page = uid, page
        self.columns = self.make_columns() if page is not None else []
        self.ids = self.record_ids() if uid is not None else []
        self._verdicts = None
        self.endResetModel()

    def reload(self) -> None:
        """After an edit: the same rows and columns are refreshed in place, so the view keeps its
        current cell, scroll position and open editor (a reset sent Tab back to row 1's first cell,
        whose editor then took the next keys); rows added or removed reset the table."""
        if self.unit_id is None or self.page is None:
            return self.set_context(self.unit_id, self.page)
        ids, columns = self.record_ids(), self.make_columns()
        if ids != self.ids or columns != self.columns:
            return self.set_context(self.unit_id, self.page)
        self._verdicts = None
        if ids and columns:
            self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(columns) - 1))

    # subclasses
    def make_columns(self) -> list[str]:
        raise NotImplementedError

    def record_ids(self) -> list[int]:
        raise NotImplementedError

    def records(self) -> tuple:
        raise NotImplementedError

    def header(self, column: str) -> str:
        raise NotImplementedError

    @staticmethod
    def evidence_data(record: Any, column: str, role: int) -> Any:
        """The cell of an evidence column ("evidence:ITEM"): a checkbox, 已查验 / 未查验."""
        seen = bool(record.evidence.get(column.split(":", 1)[1], False))
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if seen else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return translate("Models", "已查验") if seen else translate("Models", "未查验")
        return None

    def verdicts(self) -> list[Msg]:
        if self._verdicts is None:
            clause = self.page.clause
            self._verdicts = record_verdicts(self.session.clause_result(self.unit_id, clause.id)) if clause else []
        return self._verdicts

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.header(self.columns[section])
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            column = self.columns[section]
            if column.startswith("evidence:"):
                return translate("Models", "{item}：勾选表示已查验原件").format(item=self.evidence_label(column))
        return None

    def evidence_label(self, column: str) -> str:
        item = column.split(":", 1)[1]
        return next((e.label for e in self.page.record_evidence if e.id == item), item)

    def verdict_of(self, row: int) -> Msg | None:
        verdicts = self.verdicts()
        return verdicts[row] if row < len(verdicts) else None

    def common_data(self, row: int, column: str, role: int) -> Any:
        verdict = self.verdict_of(row)
        if role == Qt.ItemDataRole.BackgroundRole and verdict is not None and not counted(verdict):
            return NOT_COUNTED_BRUSH
        if column == "verdict" and verdict is not None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return render(verdict)
        if role == ID_ROLE:
            return self.ids[row]
        if role == Qt.ItemDataRole.ToolTipRole and column in ("name", "place", "region", "enterprise"):
            shown = self.data(self.index(row, self.columns.index(column)), Qt.ItemDataRole.DisplayRole)
            return shown if isinstance(shown, str) and shown else None  # the whole text of a cell cut with "…"
        return None

    def editable(self, column: str) -> bool:
        return False

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = self.columns[index.column()]
        if self.editable(column) and self.session.editable(self.unit_id):  # not read-only, no signed sheet
            if column.startswith("evidence:"):
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            else:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def finish(self, edit) -> bool:
        if not edit.ok:
            self.report(problems_text(edit))
            return False
        return True


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: Any) -> dt.date | None:
    if isinstance(value, QDate):
        return dt.date(value.year(), value.month(), value.day()) if value.isValid() else None
    if isinstance(value, dt.date):
        return value
    return None


class BasesModel(RecordModel):
    def make_columns(self) -> list[str]:
        return list(self.page.base_columns) + ["verdict"]

    def record_ids(self) -> list[int]:
        return self.session.base_ids(self.unit_id)

    def records(self) -> tuple:
        return self.session.unit(self.unit_id).bases

    def header(self, column: str) -> str:
        if column.startswith("evidence:"):
            return self.evidence_label(column).split("（")[0] + translate("Models", "\n（已查验）")
        return {"name": translate("Models", "基地名称"), "type": translate("Models", "类型"), "region": translate("Models", "地区"), "agreement_date": translate("Models", "协议签订\n日期"),
                "people": translate("Models", "确认进吴人数"), "retained": translate("Models", "满六个月人数"), "verdict": translate("Models", "计分情况"),
                "count_source": translate("Models", "人数来源")}[column]

    def editable(self, column: str) -> bool:
        return column in self.page.base_editable

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        # Counts matched from the rosters are the program's, not typed: read-only in the table.
        if self.columns[index.column()] in ("people", "retained") and self.records()[index.row()].count_source == COUNTS_FROM_ROSTERS:
            flags &= ~Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), self.columns[index.column()]
        common = self.common_data(row, column, role)
        if common is not None:
            return common
        base = self.records()[row]
        rules = self.session.rules
        if column.startswith("evidence:"):
            return self.evidence_data(base, column, role)
        if role == CHOICES_ROLE and column == "type":
            return list(rules.base_types.items())
        if role == CHOICES_ROLE and column == "count_source":
            return list(count_source_labels().items())
        if role == Qt.ItemDataRole.ToolTipRole and column in ("people", "retained", "count_source") \
                and base.count_source == COUNTS_FROM_ROSTERS:
            return translate("Models", "按导入的名单核对得出，不能手工修改；每人的核对结果见“人员核对”")
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "type":
                return rules.base_types.get(base.type, base.type)
            if column == "count_source":
                return count_source_labels()[base.count_source]
            if column == "agreement_date":
                return base.agreement_date.isoformat()
            return getattr(base, column) if column != "verdict" else ""
        if role == Qt.ItemDataRole.EditRole:
            if column == "agreement_date":
                return qdate(base.agreement_date)
            return getattr(base, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("people", "retained"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.unit_id is None:
            return False
        column, base_id = self.columns[index.column()], self.ids[index.row()]
        if column.startswith("evidence:") and role == Qt.ItemDataRole.CheckStateRole:
            seen = Qt.CheckState(value) == Qt.CheckState.Checked
            return self.finish(self.session.tick_base(translate("Models", "勾选基地协议"), self.unit_id, base_id,
                                                      column.split(":", 1)[1], seen))
        if role != Qt.ItemDataRole.EditRole:
            return False
        if column == "agreement_date":
            value = pydate(value)
            if value is None:
                return False
        elif column in ("people", "retained"):
            value = int(value)
        elif column in ("name", "region"):
            value = str(value).strip()
            if column == "name" and not value:
                return False
        elif column == "count_source" and value not in COUNT_SOURCES:
            return False
        label = {"name": translate("Models", "修改基地名称"), "type": translate("Models", "修改基地类型"), "region": translate("Models", "修改基地地区"),
                 "count_source": translate("Models", "修改人数来源"),
                 "agreement_date": translate("Models", "修改协议日期"), "people": translate("Models", "修改进吴人数"),
                 "retained": translate("Models", "修改满六个月人数")}[column]
        return self.finish(self.session.update_base(label, self.unit_id, base_id, **{column: value}))


class TripsModel(RecordModel):
    def make_columns(self) -> list[str]:
        rules = self.session.rules
        return (["date", "place", "mode", "enterprises"] + [f"verdict_count:{v}" for v in rules.evaluation_verdicts]
                + [f"evidence:{e.id}" for e in self.page.record_evidence] + ["verdict"])

    def record_ids(self) -> list[int]:
        return self.session.trip_ids(self.unit_id)

    def records(self) -> tuple:
        return self.session.unit(self.unit_id).trips

    def header(self, column: str) -> str:
        if column.startswith("verdict_count:"):
            return translate("Models", "评价“{verdict}”份数").format(verdict=column.split(":", 1)[1])
        if column.startswith("evidence:"):
            # two short lines: the trip table must fit 1366 px (the cells say 已查验 / 未查验)
            label = self.evidence_label(column)
            return label.replace("（", "\n（", 1) if "（" in label else label[:4] + "\n" + label[4:]
        return {"date": translate("Models", "日期"), "place": translate("Models", "地点"), "mode": translate("Models", "方式"), "enterprises": translate("Models", "带吴江\n企业数"),
                "verdict": translate("Models", "计分情况")}[column]

    def editable(self, column: str) -> bool:
        return column != "verdict"

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), self.columns[index.column()]
        common = self.common_data(row, column, role)
        if common is not None:
            return common
        trip = self.records()[row]
        rules = self.session.rules
        if column.startswith("evidence:"):
            return self.evidence_data(trip, column, role)
        if column.startswith("verdict_count:"):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return trip.evaluations.count(column.split(":", 1)[1])
            return None
        if role == CHOICES_ROLE and column == "mode":
            return list(rules.trip_modes.items())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "mode":
                return rules.trip_modes.get(trip.mode, trip.mode)
            if column == "date":
                return trip.date.isoformat()
            return getattr(trip, column) if column != "verdict" else ""
        if role == Qt.ItemDataRole.EditRole:
            return qdate(trip.date) if column == "date" else getattr(trip, column)
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.unit_id is None:
            return False
        column, trip_id = self.columns[index.column()], self.ids[index.row()]
        if column.startswith("evidence:") and role == Qt.ItemDataRole.CheckStateRole:
            seen = Qt.CheckState(value) == Qt.CheckState.Checked
            return self.finish(self.session.tick_trip(translate("Models", "勾选赴外招聘依据"), self.unit_id, trip_id,
                                                      column.split(":", 1)[1], seen))
        if role != Qt.ItemDataRole.EditRole:
            return False
        if column.startswith("verdict_count:"):
            trip = self.records()[index.row()]
            wanted = column.split(":", 1)[1]
            counts = {v: trip.evaluations.count(v) for v in self.session.rules.evaluation_verdicts}
            counts[wanted] = max(0, int(value))
            verdicts = [v for v in self.session.rules.evaluation_verdicts for _ in range(counts[v])]
            return self.finish(self.session.set_trip_evaluations(translate("Models", "修改企业评价表"), self.unit_id, trip_id, verdicts))
        if column == "date":
            value = pydate(value)
            if value is None:
                return False
        elif column == "enterprises":
            value = int(value)
        elif column == "place":
            value = str(value).strip()
            if not value:
                return False
        label = {"date": translate("Models", "修改活动日期"), "place": translate("Models", "修改活动地点"), "mode": translate("Models", "修改活动方式"),
                 "enterprises": translate("Models", "修改带企业数")}[column]
        return self.finish(self.session.update_trip(label, self.unit_id, trip_id, **{column: value}))


class DeliveriesModel(RecordModel):
    def make_columns(self) -> list[str]:
        return ["date", "enterprise", "stars", "verdict"]

    def from_platform(self) -> bool:
        return self.session.unit(self.unit_id).platform_source == FIGURES_FROM_PLATFORM

    def record_ids(self) -> list[int]:
        if self.from_platform():  # the platform export's records: shown by position, edited nowhere
            return list(range(len(self.records())))
        return self.session.delivery_ids(self.unit_id)

    def records(self) -> tuple:
        return self.session.unit(self.unit_id).deliveries

    def header(self, column: str) -> str:
        return {"date": translate("Models", "输送日期"), "enterprise": translate("Models", "缺工企业"), "stars": translate("Models", "企业评分（星）"),
                "verdict": translate("Models", "计分情况")}[column]

    def editable(self, column: str) -> bool:
        return column != "verdict" and not self.from_platform()

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), self.columns[index.column()]
        common = self.common_data(row, column, role)
        if common is not None:
            return common
        d = self.records()[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "date":
                return d.date.isoformat()
            return getattr(d, column) if column != "verdict" else ""
        if role == Qt.ItemDataRole.EditRole:
            return qdate(d.date) if column == "date" else getattr(d, column)
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.unit_id is None or role != Qt.ItemDataRole.EditRole:
            return False
        column, did = self.columns[index.column()], self.ids[index.row()]
        if column == "date":
            value = pydate(value)
            if value is None:
                return False
        elif column == "stars":
            value = int(value)
        else:
            value = str(value).strip()
            if not value:
                return False
        label = {"date": translate("Models", "修改输送日期"), "enterprise": translate("Models", "修改缺工企业"), "stars": translate("Models", "修改企业评分")}[column]
        return self.finish(self.session.update_delivery(label, self.unit_id, did, **{column: value}))
