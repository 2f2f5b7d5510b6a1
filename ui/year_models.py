"""Qt item models of the open year: the unit list, the year table, a unit's overview and the grade allocation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from core.common.messages import Msg, render
from core.editing.session import Session
from core.scoring.assessment import DONE
from core.scoring.engine import PROMOTION_NOTES, QUALIFIED
from core.scoring.report import e_settled_note, full_marks_cell
from core.years.standing import FINAL, NOT_STARTED, Standing
from ui.models import (
    ID_ROLE,
    PROGRESS_COLOURS,
    PROVISIONAL_BRUSH,
    SORT_ROLE,
    STALE_BRUSH,
    TIE_BRUSH,
    number,
    progress_text,
    status_text,
    translate,
)

if TYPE_CHECKING:
    from core.years.history import UnitRecord

NO_PARENT = QModelIndex()  # the default parent of a flat model's rows (made once, as a default argument is)
NO_VERDICT = "—"  # a unit not assessed yet has no place, status or grade to show


def stage_text(stage: str) -> str:
    """未开始考核 / 考核进行中 / 已定稿: the words the pages, the tables and the history share."""
    return render(Msg.of(f"standing.{stage}"))


def provisional(text: str, known: Standing) -> str:
    """`text` marked 暂定 while the unit's own data is not final. (A final unit's result that waits only on
    other units' data through the ranking clauses carries the tables' * and their note instead.)"""
    return f"{text}（{render(Msg.of('standing.provisional'))}）" if known.stage != FINAL else text


def verdict_texts(result: Any, known: Standing) -> tuple[str, str, str]:
    """The unit's place, status and grade as a table shows them: none before its assessment starts,
    marked 暂定 while they may change."""
    if not known.started:
        return NO_VERDICT, stage_text(NOT_STARTED), NO_VERDICT
    return str(result.rank), provisional(status_text(result.status), known), provisional(result.grade, known)


def provisional_reason(known: Standing, status: str) -> str:
    """Why a result is marked 暂定: the unit's own data, or only the other units' (through the ranking clauses);
    for a unit whose E is certain all the same, why its grade is not (core/years/standing.py e_settled)."""
    if known.stage != FINAL:
        return translate("Models", "暂定：本单位数据尚未定稿，总分、名次、考核结果和等级可能变动")
    if known.e_settled:
        return render(e_settled_note(status))
    return translate("Models", "暂定：尚有其他运营单位数据未定稿，排名类条款得分及等级可能变动")


# ------------------------------------------------------------------ units

class UnitListModel(QAbstractListModel):
    """The year's units, each with its total and how far its assessment has got."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self._progress: dict[int, dict[str, str]] = {}
        self._texts: dict[int, str] = {}  # what each unit's entry says, until an edit changes it
        self._shown: dict[int, Any] = self._results()

    def _results(self) -> dict[int, Any]:
        return dict(zip(self.session.unit_ids, self.session.unit_results(), strict=True))

    def reload(self, units: frozenset[int] | None = None) -> None:
        """After an edit of `units` (None: of the whole year), the entries that changed: the edited
        units', and those whose total, grade or status the edit moved. Only they are announced, so the
        list (and its sorting and filtering proxy) does not go over 1,000 units for one edit."""
        if units is None:
            self.beginResetModel()
            self._texts.clear()
            self._progress.clear()
            self._shown = self._results()
            self.endResetModel()
            return
        for uid in units:
            self._progress.pop(uid, None)
        results, shown = self._results(), self._shown
        # the scoring keeps the result of a unit an edit left alone: the same object, so no comparison for most
        rows = [row for row, uid in enumerate(self.session.unit_ids)
                if uid in units or (results[uid] is not shown.get(uid) and _moved(shown.get(uid), results[uid]))]
        self._shown = results
        for row in rows:
            self._texts.pop(self.session.unit_ids[row], None)
        runs = _runs(rows)
        if len(runs) > 2:  # one range: the list repaints once, not entry by entry (ui/workspace.SteadyListView)
            runs = [(runs[0][0], runs[-1][1])]
        for first, last in runs:
            self.dataChanged.emit(self.index(first), self.index(last))

    def progress(self, uid: int) -> dict[str, str]:
        if uid not in self._progress:
            self._progress[uid] = self.session.progress(uid)
        return self._progress[uid]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.session.unit_ids)

    def unit_id(self, row: int) -> int:
        return self.session.unit_ids[row]

    def row_of(self, uid: int) -> int:
        return self.session.unit_ids.index(uid)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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
            return self._tooltip(uid)
        handed = self.session.field_copy
        if handed is not None and handed.units is not None:  # a field copy: its units bold, the others grey
            if role == Qt.ItemDataRole.FontRole and handed.handed_over(uid):
                return _bold()
            if role == Qt.ItemDataRole.ForegroundRole and not handed.handed_over(uid):
                return QColor("#7a7a7a")
        return None

    def _text(self, uid: int) -> str:
        unit = self.session.unit(uid)
        result = self.session.unit_result(uid)
        known = self.session.standing(uid)
        done = sum(1 for s in self.progress(uid).values() if s == DONE)
        count = len(self.session.rules.clauses)
        if not known.started:
            return translate("Models", "{name}\n{stage} · {done}/{count} 条").format(
                name=unit.name, stage=stage_text(NOT_STARTED), done=done, count=count)
        final = (translate("Models", "已签章") if self.session.locked(uid) else
                 translate("Models", "已定稿") if unit.facts_final else "")
        # a final unit with every clause done needs no count (its tooltip has it): room for why it is E
        parts = [translate("Models", "{total} 分").format(total=number(result.total)), self._grade(result, known)]
        if done < count or not final:
            parts.append(translate("Models", "{done}/{count} 条").format(done=done, count=count))
        return unit.name + "\n" + " · ".join(parts + ([final] if final else []))

    @staticmethod
    def _grade(result: Any, known: Standing) -> str:
        """E级（不合格）, B级（暂定）, E级（取消资格，暂定）: the grade with why it is E, and 暂定 while the
        unit's data is not final (a final unit's entry says 已定稿 instead)."""
        marks = [status_text(result.status)] if result.status != QUALIFIED else []
        if known.stage != FINAL:
            marks.append(render(Msg.of("standing.provisional")))
        grade = translate("Models", "{grade}级").format(grade=result.grade)
        return grade + (f"（{'，'.join(marks)}）" if marks else "")

    def _tooltip(self, uid: int) -> str:
        """The unit's name, and the full reasons behind what its entry says in brief."""
        result = self.session.unit_result(uid)
        known = self.session.standing(uid)
        lines = [self.session.unit(uid).name]
        handed = self.session.field_copy
        if handed is not None and self.session.outside_copy(uid):
            lines.append(render(Msg.of("teamwork.not_handed", assessor=handed.assessor)))
        if not known.started:
            lines.append(translate("Models", "未开始考核：尚未录入本年度的任何考核情况，暂不评定名次、考核结果和等级"))
            return "\n".join(lines)
        done = sum(1 for s in self.progress(uid).values() if s == DONE)
        lines.append(translate("Models", "考核进度：{stage}，{done}/{count} 条已完成").format(
            stage=stage_text(known.stage), done=done, count=len(self.session.rules.clauses)))
        lines.append(translate("Models", "考核结果：{status}").format(status=status_text(result.status)))
        lines += [reason.text for reason in result.status_reasons]
        lines += [render(note) for note in result.grade_notes]
        if known.provisional:
            lines.append(provisional_reason(known, result.status))
        return "\n".join(lines)


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def _moved(shown: Any, now: Any) -> bool:
    """Whether a unit's entry shows or is sorted and filtered by other figures now (results kept by the
    scoring for units an edit left alone are the same objects: no comparison for most)."""
    return now is not shown and (shown is None or (now.total, now.grade, now.status)
                                 != (shown.total, shown.grade, shown.status))


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


# ------------------------------------------------------------------ the year

class _Row(NamedTuple):
    result: Any  # the unit's result (core.scoring.engine.UnitResult)
    unit_id: int | None
    tied: bool  # its grade ties across a quota boundary
    assessed_before: bool  # the last year has a unit of the same credit code
    before_note: str | None  # why the last year's grade is 暂定, or is not though that year's results are
    known: Standing  # how far its assessment has got
    cells: list[tuple[str, Any]]  # each column's text and sort key


class YearTableModel(QAbstractTableModel):
    """All units × clauses with totals, ranks, status and grade (sortable through a proxy); for a year
    continued from the last, that year's grade and total beside this year's (by credit code)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.previous: Mapping[str, UnitRecord] | None = None
        self._ids: dict[str, int] = {}
        self._rows: dict[int, _Row] = {}  # by row, until the year or the columns change
        self._rows_of: Any = None  # the year's result they were made from
        self._build_columns()

    def _build_columns(self) -> None:
        rules = self.session.rules
        self.clause_ids = [c.id for c in rules.clauses]
        previous = ["previous_grade", "previous_total"] if self.previous is not None else []
        self.tail = ["deductions", "total", "status", "grade"] + previous + ["final", "flags"]
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
        self._rows.clear()
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
        self._rows.clear()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.session.result.units)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole
                and 2 <= section < 2 + len(self.clause_ids)):
            return self.session.rules.clause(self.clause_ids[section - 2]).title
        return None

    def unit_name(self, row: int) -> str:
        return self.session.result.units[row].name

    def _row(self, row: int) -> _Row:
        """A row's cells (text and sort key each), worked out once per change of the year: a sort and a
        paint ask a 200-unit table for its cells thousands of times."""
        result = self.session.result
        if result is not self._rows_of:  # the year was scored again since
            self._rows, self._rows_of = {}, result
        cached = self._rows.get(row)
        if cached is not None:
            return cached
        u = result.units[row]
        tied = any(u.name in t.units for t in result.ties)
        uid = self._unit_id(u.name)
        unit = self.session.unit(cast(int, uid))  # every listed unit is in the year
        before = self.previous.get(unit.credit_code) if self.previous is not None else None
        known = self.session.standing(cast(int, uid))
        rank, status, grade = verdict_texts(u, known)
        # a unit not assessed yet sorts after every place, status and grade
        unranked = len(result.units) + 1
        tail = {
            "deductions": (number(u.deductions_total), float(u.deductions_total)),
            "total": (number(u.total), float(u.total)),
            "status": (status, u.status if known.started else "~"),
            "grade": (grade, u.grade if known.started else "~"),
            # a unit the last year did not assess sorts after every grade and total
            "previous_grade": self._previous_grade(before),
            "previous_total": (number(before.total), float(before.total)) if before else ("—", -1.0),
            # a signed sheet's lock said as the unit list says it
            "final": (translate("Models", "已签章") if self.session.locked(cast(int, uid)) else
                      translate("Models", "已定稿") if unit.facts_final else translate("Models", "未定稿"),
                      int(unit.facts_final) + int(self.session.locked(cast(int, uid)))),
            "flags": (self._flags(u, tied, cast(int, uid)),) * 2,
        }
        cells = ([(rank, u.rank if known.started else unranked), (u.name, u.name)]
                 + [(number(c.net) + ("*" if c.provisional else ""), float(c.net)) for c in u.clauses]
                 + [tail[key] for key in self.tail])
        made = self._rows[row] = _Row(u, uid, tied, before is not None, self._previous_note(before), known, cells)
        return made

    @staticmethod
    def _previous_grade(before: UnitRecord | None) -> tuple[str, str]:
        """The last year's grade as its file has it now: none for a unit it did not assess (or has not yet)."""
        if before is None:
            return "—", "~"
        from core.years.history import previous_result  # with last year's records: none at start-up
        return render(previous_result(before, total=False)), "~" if before.stage == NOT_STARTED else before.grade

    @staticmethod
    def _previous_note(before: UnitRecord | None) -> str | None:
        if before is None:
            return None
        from core.years.history import previous_grade_note  # with last year's records: none at start-up
        note = previous_grade_note(before)
        return None if note is None else render(note)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._row(index.row())
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return r.cells[col][0]
        if role == SORT_ROLE:
            return r.cells[col][1]
        if role == ID_ROLE:
            return r.unit_id
        n_clauses = len(self.clause_ids)
        if 2 <= col < 2 + n_clauses:
            provisional = r.result.clauses[col - 2].provisional
            if role == Qt.ItemDataRole.BackgroundRole and provisional:
                return PROVISIONAL_BRUSH
            if role == Qt.ItemDataRole.ToolTipRole and provisional:
                return translate("Models", "暂定：尚有运营单位数据未定稿，排名类条款得分可能变动")
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        key = self.tail[col - 2 - n_clauses] if col >= 2 else ""
        if role == Qt.ItemDataRole.ToolTipRole and key.startswith("previous_") and not r.assessed_before:
            return translate("Models", "上一年度没有统一社会信用代码相同的运营单位")
        if role == Qt.ItemDataRole.ToolTipRole and key == "previous_grade":
            return r.before_note
        if role == Qt.ItemDataRole.BackgroundRole and r.tied and key == "grade":
            return TIE_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and key in ("status", "grade"):
            return self._verdict_tip(r)
        if key == "flags" and role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole):
            stale = self.session.signed_sheet_change(cast(int, r.unit_id))
            if stale is not None:
                return render(stale) if role == Qt.ItemDataRole.ToolTipRole else STALE_BRUSH
        if role == Qt.ItemDataRole.TextAlignmentRole and (col == 0 or key in ("deductions", "total", "previous_total")):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _verdict_tip(r: _Row) -> str | None:
        if not r.known.started:
            return translate("Models", "未开始考核：尚未录入本年度的任何考核情况，暂不评定名次、考核结果和等级")
        lines = [reason.text for reason in r.result.status_reasons]
        if r.known.provisional:
            lines.append(provisional_reason(r.known, r.result.status))
        return "\n".join(lines) or None

    def _flags(self, u, tied: bool, unit_id: int) -> str:
        flags = []
        if tied:
            settled = any(t.settled for t in self.session.result.ties if u.name in t.units)
            flags.append(translate("Models", "并列已定") if settled else translate("Models", "并列待定"))
        if any(n.code in PROMOTION_NOTES for n in u.grade_notes):
            flags.append(translate("Models", "已上调"))
        stale = self.session.signed_sheet_change(unit_id)
        if stale is not None:
            flags.append(translate("Models", "签名后得分已变动（第 {version} 版签名时 {old}，现为 {new}），"
                                             "须解锁后签署第 {next} 版").format(
                version=stale.param("version"), old=stale.param("old"), new=stale.param("new"),
                next=stale.param("next")))
        return " ".join(flags)


class OverviewModel(QAbstractTableModel):
    """One unit: every clause's points, bonus, deduction, net, progress and remarks."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.unit_id: int | None = None
        self.headers = [translate("Models", "条款"), translate("Models", "考核内容"), translate("Models", "满分"),
                        translate("Models", "得分"), translate("Models", "加分"), translate("Models", "扣分"),
                        translate("Models", "小计"), translate("Models", "进度"), translate("Models", "说明")]

    def set_unit(self, uid: int | None) -> None:
        self.beginResetModel()
        self.unit_id = uid if uid in self.session.unit_ids else None
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() or self.unit_id is None else len(self.session.rules.clauses)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.unit_id is None:
            return None
        clause = self.session.rules.clauses[index.row()]
        c = self.session.clause_result(self.unit_id, clause.id)
        state = self.session.progress(self.unit_id)[clause.id]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            remark = []
            if c.rank is not None:
                remark.append(translate("Models", "第 {rank} 名（共 {among} 家达标）").format(
                    rank=c.rank, among=c.ranked_among))
            if c.provisional:
                remark.append(translate("Models", "暂定"))
            return [clause.id, clause.title, full_marks_cell(clause), number(c.points), number(c.bonus),
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
        self.headers = [translate("Models", "名次"), translate("Models", "运营单位"), translate("Models", "总分"),
                        translate("Models", "状态"), translate("Models", "等级"), translate("Models", "说明")]
        self._verdicts: list[tuple[str, str, str]] = []
        self._settled: list[bool] = []  # by row: its E is certain though its total and place are 暂定
        self._verdicts_of: Any = None  # the year's result they were made from

    def reload(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.session.result.units)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def _verdict(self, row: int) -> tuple[str, str, str]:
        """A row's place, status and grade texts, worked out once per change of the year."""
        result = self.session.result
        if result is not self._verdicts_of:
            ids = {self.session.unit(uid).name: uid for uid in self.session.unit_ids}
            known = [self.session.standing(ids[u.name]) for u in result.units]
            self._verdicts = [verdict_texts(u, k) for u, k in zip(result.units, known, strict=True)]
            self._settled = [k.e_settled for k in known]
            self._verdicts_of = result
        return self._verdicts[row]

    def tied(self, row: int) -> bool:
        name = self.session.result.units[row].name
        return any(name in t.units for t in self.session.result.ties)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        u = self.session.result.units[index.row()]
        if role == ID_ROLE:
            return self.session.unit_id(u.name)
        if role == Qt.ItemDataRole.DisplayRole:
            rank, status, grade = self._verdict(index.row())
            notes = "；".join(render(n) for n in u.grade_notes) if rank != NO_VERDICT else ""
            return [rank, u.name, number(u.total), status, grade, notes][index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and self.tied(index.row()):
            return TIE_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5 and self._verdict(index.row())[0] != NO_VERDICT:
            return "\n".join(render(n) for n in u.grade_notes) or None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (3, 4):
            self._verdict(index.row())
            return render(e_settled_note(u.status)) if self._settled[index.row()] else None
        return None
