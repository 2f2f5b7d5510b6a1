"""Qt item models of a clause page's editable record tables, a long list that sorts itself, and the roles,
colours and words that every model of the desktop shares (the open year's tables are in
ui/year_models.py). Models only adapt: every number comes from the engine, every edit goes through
the session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from core.common.dates import parse_date
from core.common.messages import Msg, format_number, render
from core.editing.session import Session
from core.scoring.assessment import DONE, INCOMPLETE, NOT_STARTED, Page, counted, record_verdicts
from core.scoring.engine import QUALIFIED, REVOKED, UNQUALIFIED
from core.scoring.facts import COUNT_SOURCES, COUNTS_BY_HAND, COUNTS_FROM_ROSTERS, FIGURES_FROM_PLATFORM

SORT_ROLE = Qt.ItemDataRole.UserRole
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 1  # [(key, label)] for a combo-box editor
ID_ROLE = Qt.ItemDataRole.UserRole + 2
# what a view asks of every cell it sizes or paints, and the record tables never answer
UNANSWERED_ROLES = frozenset({Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.SizeHintRole})
_UNKNOWN = object()

NOT_COUNTED_BRUSH = QBrush(QColor(253, 226, 226))
UNFILLED_BRUSH = QBrush(QColor(150, 150, 150))
PROVISIONAL_BRUSH = QBrush(QColor(255, 244, 214))
TIE_BRUSH = QBrush(QColor(255, 236, 204))
STALE_BRUSH = QBrush(QColor(176, 0, 32))  # the text of a signed sheet no longer the unit's figures
PROGRESS_COLOURS = {NOT_STARTED: QColor(160, 160, 160), INCOMPLETE: QColor(230, 140, 20), DONE: QColor(40, 160, 70)}

Report = Callable[..., None]  # (texts, title=""): the window's problem box, 未保存 by default


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


# ------------------------------------------------------------------ long lists

class ListModel(QAbstractTableModel):
    """A read-only table over a Python list (people, problems) that sorts the list itself when a header
    is clicked, each row's key computed once: a QSortFilterProxyModel's sort asks data() n·log n times
    through Python, seconds for 50,000 rows. Subclasses give the headers, the cells and the keys."""

    headers: list[str] = []
    # the columns (first, last; -1 the last of all) whose text shows ID numbers whole or masked (set_full_ids)
    id_columns: tuple[int, int] | None = None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list = []
        self.full_ids = False

    def set_full_ids(self, full: bool) -> None:
        """Show ID numbers whole or masked (first 6, last 4): the id_columns are drawn again."""
        self.full_ids = full
        if self.items and self.id_columns is not None:
            first, last = self.id_columns
            self.dataChanged.emit(self.index(0, first), self.index(len(self.items) - 1, last % len(self.headers)))

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

    def cell(self, item: Any, column: int) -> str:
        """A cell's text, shown and in its tooltip (a subclass with its own data() need not give it)."""
        raise NotImplementedError

    def styled(self, item: Any, column: int, role: int) -> Any:
        """A cell's other roles (alignment, background), None by default."""
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self.items[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(item, column)
        return self.styled(item, column, role)

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
        self._cells: dict[tuple[int, int, int], Any] = {}

    def set_context(self, uid: int | None, page: Page | None) -> None:
        self.beginResetModel()
        self.unit_id, self.page = uid, page
        self.columns = self.make_columns() if page is not None else []
        self.ids = self.record_ids() if uid is not None else []
        self._verdicts = None
        self._cells = {}
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
        self._cells = {}
        if ids and columns:
            self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(columns) - 1))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's data for a role, remembered until the rows are set or reloaded (set_context, reload: the
        only ways they change). A view asks every cell for some eight roles each time it fits its columns,
        and again as it paints them; three of them the tables never answer."""
        if role in UNANSWERED_ROLES or not index.isValid():
            return None
        key = (index.row(), index.column(), role)
        found = self._cells.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._cells[key] = self.cell_data(index, role)
        return found

    # subclasses
    def cell_data(self, index: QModelIndex, role: int) -> Any:
        raise NotImplementedError

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

    def refuse(self, index: QModelIndex, sentence: str, value: str) -> None:
        """A typed value that is not saved: one sentence naming the row, the column and the value (the
        cell keeps what is stored)."""
        field = self.header(self.columns[index.column()]).replace("\n", "")
        self.report([sentence.replace("{row}", str(index.row() + 1)).replace("{field}", field)
                     .replace("{value}", value)], translate("Models", "未保存"))

    def typed_date(self, index: QModelIndex, value: Any) -> tuple[bool, dt.date | None]:
        """(valid, date) of a value typed into a date cell: a date, the text a person writes one in, or
        nothing (the date is not typed yet); other text is refused, saying how a date is written."""
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return True, None
            day = parse_date(text)
            if day is None:
                self.refuse(index, translate("Models", "第 {row} 行的{field}“{value}”不是有效日期，")
                            + translate("Models", "可写作 2022-03-15、2022/3/15 或 2022年3月15日。"), text)
                return False, None
            return True, day
        day = pydate(value)
        return day is not None, day

    @staticmethod
    def unfilled_data(role: int, is_date: bool) -> Any:
        """A required fact not typed yet: an empty editor, and 未填写 in grey in the cell."""
        if role == Qt.ItemDataRole.EditRole:
            return QDate() if is_date else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return translate("Models", "未填写")
        if role == Qt.ItemDataRole.ForegroundRole:
            return UNFILLED_BRUSH
        return None


def qdate(day: dt.date | None) -> QDate:
    return QDate() if day is None else QDate(day.year, day.month, day.day)


def pydate(value: Any) -> dt.date | None:
    if isinstance(value, QDate):
        return dt.date(value.year(), value.month(), value.day()) if value.isValid() else None
    if isinstance(value, dt.date):
        return value
    return None


# A base's people columns (read-only when matched from the rosters), and the trainees among them (a school base's)
SPLIT_COLUMNS = ("trainees", "trainees_retained")
COUNT_COLUMNS = ("people", "retained", *SPLIT_COLUMNS)


class BasesModel(RecordModel):
    # asked before a base's count source becomes 名单核对 (the editor asks the assessor); False: not switched
    ask_roster_source: Callable[[int], bool] | None = None

    def make_columns(self) -> list[str]:
        return list(self.page.base_columns) + ["verdict"]

    def count_source_chosen(self, index: QModelIndex, base_id: int, value: Any) -> bool:
        """A known source, and 名单核对 for a base not already so only when ask_roster_source agrees."""
        if value not in COUNT_SOURCES:
            return False
        switching = value == COUNTS_FROM_ROSTERS and self.records()[index.row()].count_source != COUNTS_FROM_ROSTERS
        return not switching or self.ask_roster_source is None or self.ask_roster_source(base_id)

    def record_ids(self) -> list[int]:
        return self.session.base_ids(self.unit_id)

    def records(self) -> tuple:
        return self.session.unit(self.unit_id).bases

    def header(self, column: str) -> str:
        if column.startswith("evidence:"):
            return self.evidence_label(column).split("（")[0] + translate("Models", "\n（已查验）")
        return {"name": translate("Models", "基地名称"), "type": translate("Models", "类型"), "region": translate("Models", "地区"), "agreement_date": translate("Models", "协议签订\n日期"),
                "people": translate("Models", "确认进吴人数"), "retained": translate("Models", "满六个月人数"), "verdict": translate("Models", "计分情况"),
                "count_source": translate("Models", "人数来源"),
                "trainees": translate("Models", "其中见习\n人数"),
                "trainees_retained": translate("Models", "其中见习\n满六个月")}[column]

    def editable(self, column: str) -> bool:
        return column in self.page.base_editable

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        column, base = self.columns[index.column()], self.records()[index.row()]
        # Counts matched from the rosters are the program's, not typed: read-only in the table; only a school
        # base has trainees (见习) and interns (实习) among its people.
        if column in COUNT_COLUMNS and base.count_source == COUNTS_FROM_ROSTERS \
                or column in SPLIT_COLUMNS and base.type != "school":
            flags &= ~Qt.ItemFlag.ItemIsEditable
        return flags

    @staticmethod
    def split_value(base, column: str) -> int:
        """A school base's trainees (or retained trainees) as scored: when not told apart, all of them."""
        trainees, retained = base.effective_trainees()
        return trainees if column == "trainees" else retained

    def split_data(self, base, column: str, role: int) -> Any:
        """The cell of 其中见习人数 / 其中见习满六个月人数: blank for a labour base; 未区分 in grey while a school
        base's split is not typed (all its people are then checked as trainees)."""
        if base.type != "school":
            return None
        if getattr(base, column) is None and base.count_source != COUNTS_FROM_ROSTERS:
            unsplit = base.trainees is None  # the retained trainees not typed of a split base: as many as can be
            if role == Qt.ItemDataRole.DisplayRole and unsplit:
                return translate("Models", "未区分")
            if role == Qt.ItemDataRole.ForegroundRole:
                return UNFILLED_BRUSH
            if role == Qt.ItemDataRole.ToolTipRole and unsplit:
                return translate("Models", "未填写其中见习人数：全部按就业见习核对（须与区人资中心"
                                           "核准的全区就业见习名单核对一致）。填写后，其余岗位实习"
                                           "学员只须附件3、附件4即可计入。")
            if role == Qt.ItemDataRole.ToolTipRole:
                return translate("Models", "未填写：按满六个月人数与其中见习人数中较小者计")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.split_value(base, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def cell_data(self, index: QModelIndex, role: int) -> Any:
        row, column = index.row(), self.columns[index.column()]
        common = self.common_data(row, column, role)
        if common is not None:
            return common
        base = self.records()[row]
        rules = self.session.rules
        if column.startswith("evidence:"):
            return self.evidence_data(base, column, role)
        if column in ("name", "agreement_date") and getattr(base, column) in (None, ""):
            return self.unfilled_data(role, column == "agreement_date")
        if role == CHOICES_ROLE and column == "type":
            return list(rules.base_types.items())
        if role == CHOICES_ROLE and column == "count_source":
            return list(count_source_labels().items())
        if role == Qt.ItemDataRole.ToolTipRole and column in (*COUNT_COLUMNS, "count_source") \
                and base.count_source == COUNTS_FROM_ROSTERS:
            return translate("Models", "按导入的名单核对得出，不能手工修改；每人的核对结果见“人员核对”")
        if column in SPLIT_COLUMNS:
            return self.split_data(base, column, role)
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
            valid, value = self.typed_date(index, value)
            if not valid:
                return False
        elif column in ("people", "retained"):
            value = int(value)
        elif column in SPLIT_COLUMNS:
            value = int(value)
            base = self.records()[index.row()]
            if getattr(base, column) is None and value == self.split_value(base, column):
                return False  # the editor left as it opened: the split stays not typed
            total = base.people if column == "trainees" else base.retained
            if value > total:
                sentence = (translate("Models", "第 {row} 行的{field}“{value}”不对：不能多于该基地的人数 "
                                                "{total}。") if column == "trainees" else
                            translate("Models", "第 {row} 行的{field}“{value}”不对：不能多于该基地满六个月的"
                                                "人数 {total}。"))
                self.refuse(index, sentence.replace("{total}", str(total)), str(value))
                return False
        elif column in ("name", "region"):
            value = str(value).strip()  # a name cleared is not typed yet: the base does not count
        elif column == "count_source" and not self.count_source_chosen(index, base_id, value):
            return False
        label = {"name": translate("Models", "修改基地名称"), "type": translate("Models", "修改基地类型"), "region": translate("Models", "修改基地地区"),
                 "count_source": translate("Models", "修改人数来源"),
                 "agreement_date": translate("Models", "修改协议日期"), "people": translate("Models", "修改进吴人数"),
                 "retained": translate("Models", "修改满六个月人数"),
                 "trainees": translate("Models", "修改其中见习人数"),
                 "trainees_retained": translate("Models", "修改其中见习满六个月人数")}[column]
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

    def cell_data(self, index: QModelIndex, role: int) -> Any:
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
        if column in ("date", "place") and getattr(trip, column) in (None, ""):
            return self.unfilled_data(role, column == "date")
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
            valid, value = self.typed_date(index, value)
            if not valid:
                return False
        elif column == "enterprises":
            value = int(value)
        elif column == "place":
            value = str(value).strip()  # cleared: not typed yet, the trip does not count
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

    def cell_data(self, index: QModelIndex, role: int) -> Any:
        row, column = index.row(), self.columns[index.column()]
        common = self.common_data(row, column, role)
        if common is not None:
            return common
        d = self.records()[row]
        if column in ("date", "enterprise", "stars") and getattr(d, column) in (None, ""):
            return self.unfilled_data(role, column == "date")
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "date":
                return d.date.isoformat()
            return getattr(d, column) if column != "verdict" else ""
        if role == Qt.ItemDataRole.EditRole:
            return qdate(d.date) if column == "date" else getattr(d, column)
        return None

    def typed_stars(self, index: QModelIndex, value: Any) -> tuple[bool, int | None]:
        """(valid, stars) of a value typed into the stars cell: 0 to 5, or nothing (not typed yet);
        anything else is refused with the reason."""
        text = str(value).strip()
        if not text:
            return True, None
        if text.isdigit() and int(text) <= 5:
            return True, int(text)
        self.refuse(index, translate("Models", "第 {row} 行的{field}“{value}”不对：企业评分是 0 至 5 的整数星数。"),
                    text)
        return False, None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.unit_id is None or role != Qt.ItemDataRole.EditRole:
            return False
        column, did = self.columns[index.column()], self.ids[index.row()]
        if column == "date":
            valid, value = self.typed_date(index, value)
            if not valid:
                return False
        elif column == "stars":
            valid, value = self.typed_stars(index, value)
            if not valid:
                return False
        else:
            value = str(value).strip()  # cleared: not typed yet, the delivery does not count
        label = {"date": translate("Models", "修改输送日期"), "enterprise": translate("Models", "修改缺工企业"), "stars": translate("Models", "修改企业评分")}[column]
        return self.finish(self.session.update_delivery(label, self.unit_id, did, **{column: value}))
