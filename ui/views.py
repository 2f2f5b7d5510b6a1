"""The year's other screens: a unit's overview, the year table, and the grades."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.common.messages import Msg, format_number, render
from core.editing.session import Session
from core.scoring.engine import QUALIFIED
from core.scoring.report import e_settled_note, tie_text
from core.years.standing import NOT_STARTED, UNDER_WAY
from ui.models import ID_ROLE, SORT_ROLE, problems_text
from ui.other_years import YearsReader
from ui.year_models import GradeTableModel, OverviewModel, YearTableModel, stage_text, verdict_texts

if TYPE_CHECKING:
    from core.scoring.engine import YearResult
    from core.years.history import Found


class Report(Protocol):
    """Says problems in a box titled `title`; left out, 未保存 (an edit was refused): anything else names itself."""

    def __call__(self, texts: list[str], title: str = "") -> None: ...


def table_view() -> QTableView:
    view = QTableView()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    # Columns sized to their contents measure only the rows in view: measuring all of them (Qt's default,
    # up to 1,000) stopped the window for a second at every refresh of a 200-unit year.
    view.horizontalHeader().setResizeContentsPrecision(0)
    return view


class OverviewView(QWidget):
    """One unit: every clause's points, bonus, deductions, total, status with reasons, provisional marks."""

    def __init__(self, session: Session, years: YearsReader | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.years = years
        self.unit_id: int | None = None
        layout = QVBoxLayout(self)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.model = OverviewModel(session, self)
        self.view = table_view()
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.history)
        if years is not None:
            years.history_read.connect(lambda _code: self.show_history())

    def set_unit(self, uid: int | None) -> None:
        self.unit_id = uid
        self.refresh()

    def refresh(self) -> None:
        uid = self.unit_id if self.unit_id in self.session.unit_ids else None
        self.model.set_unit(uid)
        if uid is None:
            self.title.setText(self.tr("未选择运营单位"))
            self.summary.setText("")
            return
        r = self.session.unit_result(uid)
        self.title.setText(r.name)
        lines = ["　".join(self.tr("{id}、{title} {net} 分").format(id=s.id, title=s.title, net=format_number(s.net))
                          for s in r.sections)]
        for d in r.deductions:
            if d.points:
                lines.append(self.tr("负面影响扣 {points} 分（{count} 件/次）：{text}").format(
                    points=format_number(d.points), count=d.count, text=d.text))
        known = self.session.standing(uid)
        if not known.started:
            figures = self.tr("总分 {total}　考核进度：{stage}").format(total=format_number(r.total),
                                                                 stage=stage_text(NOT_STARTED))
            lines.append(figures + self.tr("（尚未录入本年度的任何考核情况），暂不评定名次、考核结果和等级。"))
        else:
            rank, status, grade = verdict_texts(r, known)
            figures = self.tr("总分 {total}　名次 {rank}/{count}　考核结果：{status}　等级：{grade}").format(
                total=format_number(r.total), rank=rank, count=len(self.session.result.units), status=status,
                grade=grade)
            lines.append(figures + self.tr("　考核进度：{stage}").format(stage=stage_text(known.stage)))
            lines += [self.tr("原因：{text}").format(text=reason.text) for reason in r.status_reasons]
            lines += [render(n) for n in r.grade_notes]
        stale = self.session.signed_sheet_change(uid)
        if stale is not None:
            lines.append(render(stale))
        if known.stage == UNDER_WAY:
            lines.append(self.tr("暂定：本单位数据尚未定稿，总分、名次、考核结果和等级可能变动。"))
        if known.e_settled:
            lines.append(self.tr("* 暂定：尚有运营单位数据未定稿，排名类条款得分及总分、名次可能变动。"))
            lines.append(render(e_settled_note(r.status)))
        elif any(c.provisional for c in r.clauses):
            lines.append(self.tr("* 暂定：尚有运营单位数据未定稿，排名类条款得分及等级可能变动。"))
        self.summary.setText("\n".join(lines))
        self.show_history()

    def show_history(self) -> None:
        """The unit's results in the other year files the program knows (read in the background)."""
        uid = self.unit_id if self.unit_id in self.session.unit_ids else None
        if self.years is None or uid is None:
            self.history.setText("")
            return
        history = self.years.history(self.session.unit(uid).credit_code)
        if history is None:
            self.history.setText(self.tr("历年考核：正在读取…"))
            return
        from core.years.history import history_lines
        lines = [render(line) for line in history_lines(history)]
        self.history.setText(self.tr("历年考核：") + ("\n" + "\n".join(lines) if lines
                                                   else self.tr("程序所知的其他年度数据文件中没有该单位。")))


class YearView(QWidget):
    """All units × clauses, sortable, with totals, ranks, status and grade; mark units' facts final."""
    open_unit = Signal(int)

    def __init__(self, session: Session, report: Report, years: YearsReader | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.report = report
        self.years = years
        layout = QVBoxLayout(self)
        self.model = YearTableModel(session, self)
        if years is not None and years.previous is not None and years.previous.file is not None:
            self.model.set_previous(years.previous.file.records)  # read already: columns before the view sizes them
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = table_view()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.view.horizontalHeader()
        # the units' names whole (in a narrow window "苏州…" on every row told no unit from another: the
        # table scrolls sideways instead); the last column takes what room is left
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda index: self.open_unit.emit(index.data(ID_ROLE)))
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.note = QLabel()
        self.note.setWordWrap(True)
        row.addWidget(self.note, 1)
        self.final_button = QPushButton(self.tr("标记所选单位数据已定稿"))
        self.final_button.clicked.connect(lambda: self.mark_selected(True))
        self.unfinal_button = QPushButton(self.tr("取消定稿"))
        self.unfinal_button.clicked.connect(lambda: self.mark_selected(False))
        row.addWidget(self.final_button)
        row.addWidget(self.unfinal_button)
        layout.addLayout(row)
        for button in (self.final_button, self.unfinal_button):
            button.setEnabled(not session.read_only)
        if years is not None and years.continued:
            years.previous_read.connect(self._previous_read)
            years.read_previous()

    def _previous_read(self, found: Found) -> None:
        self.model.set_previous(found.file.records if found.file is not None else None)
        self.show_notes()

    def selected_ids(self) -> list[int]:
        return [index.data(ID_ROLE) for index in self.view.selectionModel().selectedRows()]

    def mark_selected(self, final: bool) -> None:
        ids = self.selected_ids()
        if not ids:
            self.report([self.tr("请先在表中选择运营单位（可按住 Ctrl 多选）。")], self.tr("未选择运营单位"))
            return
        from ui.final_question import final_confirmed  # asked only when marking
        if final and not final_confirmed(self, self.session, ids):
            return
        label = self.tr("标记数据已定稿") if final else self.tr("取消定稿")
        edit = self.session.mark_final(label, ids, final)
        if not edit.ok:
            self.report(problems_text(edit))

    def refresh(self) -> None:
        self.model.reload()
        self.show_notes()

    def show_notes(self) -> None:
        result = self.session.result
        notes = [self.tr("共 {count} 家运营单位。双击一行进入该单位的逐条考核。").format(count=len(result.units))]
        if result.provisional:
            notes.append(self.tr("标 * 的得分为暂定：尚有运营单位数据未定稿，排名类条款（{ids}）得分及等级可能变动。").format(
                ids="、".join(c.id for c in self.session.rules.ranking_clauses)))
        if self.years is not None and self.years.continued:
            found = self.years.previous
            if found is None:
                notes.append(self.tr("正在读取上一年度的等级和总分…"))
            elif found.notice is not None:
                notes.append(render(found.notice))
            if found is not None and found.file is not None:
                notes.append(render(Msg.of("years.previous_summary", year=found.file.year, file=str(found.file.path))))
        self.note.setText("\n".join(notes))


class GradeView(QWidget):
    """Quota counts (defaults from the rule set, never above the caps), the allocation, ties across a
    quota boundary, and the assessor's promotions with reasons."""

    def __init__(self, session: Session, report: Report, parent=None):
        super().__init__(parent)
        self.session = session
        self.report = report
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        quota_box = QGroupBox(self.tr("等级名额"))
        self.quota_form = QFormLayout(quota_box)
        self.quota_spins: dict[str, QSpinBox] = {}
        for grade in session.rules.grades.quota_share:
            spin = QSpinBox()
            spin.setSuffix(self.tr(" 家"))
            spin.valueChanged.connect(self._quota_changed)
            self.quota_spins[grade] = spin
            self.quota_form.addRow(self.tr("{grade}级").format(grade=grade), spin)
        self.quota_note = QLabel()
        self.quota_note.setWordWrap(True)
        self.quota_form.addRow(self.quota_note)
        top.addWidget(quota_box, 1)
        tie_box = QGroupBox(self.tr("并列、上调与空余名额"))
        tie_layout = QVBoxLayout(tie_box)
        self.ties = QLabel()
        self.ties.setWordWrap(True)
        tie_layout.addWidget(self.ties)
        self.promotions = QListWidget()
        self.promotions.setMaximumHeight(90)
        self.promotions.setWordWrap(True)
        self.promotions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tie_layout.addWidget(self.promotions)
        buttons = QHBoxLayout()
        self.promote_button = QPushButton(self.tr("上调所选单位…"))
        self.promote_button.clicked.connect(lambda _checked=False: self.promote_selected())
        remove = QPushButton(self.tr("撤回所选上调"))
        remove.clicked.connect(self.remove_selected_promotion)
        buttons.addWidget(self.promote_button)
        buttons.addWidget(remove)
        for widget in (self.promote_button, remove, *self.quota_spins.values()):
            widget.setEnabled(not session.read_only)
        buttons.addStretch(1)
        tie_layout.addLayout(buttons)
        top.addWidget(tie_box, 2)
        layout.addLayout(top)
        self.model = GradeTableModel(session, self)
        self.view = table_view()
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)

    def refresh(self) -> None:
        result = self.session.result
        caps = self.session.quota_caps()
        for quota in result.quotas:
            spin = self.quota_spins[quota.grade]
            spin.blockSignals(True)
            spin.setRange(0, caps[quota.grade])
            spin.setValue(quota.count)
            spin.blockSignals(False)
        moved = [(u, note) for u in result.units for note in u.grade_notes
                 if note.code == "grade.moved_into_free_place"]
        self.quota_note.setText("\n".join(
            self.tr("{grade}级：上限 {cap} 家（参评 {assessed} 家 × {share}%），已用 {used} 家").format(
                grade=q.grade, cap=q.cap, assessed=len(result.units),
                share=format_number(self.session.rules.grades.quota_share[q.grade] * 100), used=q.used)
            + "".join(self.tr("（其中 {units} 由考核人员调入）").format(units="、".join(names))
                      for names in [[u.name for u, note in moved if u.grade == q.grade]] if names)
            + (self.tr("，尚余 {free} 个名额未用（不自动递补；可选中合格单位，点“上调所选单位…”调入）").format(
                free=q.count - q.used) if q.used < q.count else "")
            for q in result.quotas))
        lines = [tie_text(t) for t in result.ties]  # pending, or what was decided: as every output says it
        lines += [self.tr("{unit}（总分 {total}）由考核人员调入 {grade} 级空余名额，理由：{reason}").format(
                  unit=u.name, total=format_number(u.total), grade=u.grade, reason=note.param("reason"))
                  for u, note in moved]
        lines += [render(m) for m in result.rejected_promotions]
        self.ties.setText("\n".join(lines) or self.tr("没有跨越名额边界的并列。"))
        self.promotions.clear()
        names = {uid: self.session.unit(uid).name for uid in self.session.unit_ids}
        for pid, uid, grade, reason in self.session.promotions():
            item = QListWidgetItem(self.tr("{unit} 上调为 {grade} 级：{reason}").format(
                unit=names.get(uid, "?"), grade=grade, reason=reason))
            item.setData(Qt.ItemDataRole.UserRole, pid)
            self.promotions.addItem(item)
        self.model.reload()

    def _quota_changed(self) -> None:
        quotas = {g: s.value() for g, s in self.quota_spins.items()}
        edit = self.session.set_grade_quotas(self.tr("修改等级名额"), quotas)
        if not edit.ok:
            self.report(problems_text(edit))

    def promote_selected(self, grade: str | None = None, reason: str | None = None) -> bool:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.report([self.tr("请先在表中选择一家运营单位。")], self.tr("不能上调"))
            return False
        result = self.session.result
        u = result.units[rows[0].row()]
        if u.status != QUALIFIED:
            self.report([self.tr("{unit} 考核不合格，定为 {grade} 级，不能上调。").format(unit=u.name, grade=u.grade)],
                        self.tr("不能上调"))
            return False
        choices = promotion_choices(self.session.rules.grades.order, result, u.name)
        if u.grade == self.session.rules.grades.order[0]:
            self.report([self.tr("{unit} 已为 {grade} 级，无需上调。").format(unit=u.name, grade=u.grade)],
                        self.tr("不能上调"))
            return False
        if not choices:
            self.report([self.tr("{unit} 为 {grade} 级，其上各级名额均已用满，没有可调入的空余名额，不能上调。").format(
                unit=u.name, grade=u.grade)], self.tr("不能上调"))
            return False
        if grade is None or reason is None:
            from ui.dialogs import PromoteDialog  # the dialogs: imported when first used
            passed_over = {g: [o.name for o in result.units if o.status == QUALIFIED and o.total > u.total
                               and self.session.rules.grades.order.index(o.grade)
                               > self.session.rules.grades.order.index(g)] for g in choices}
            dialog = PromoteDialog(u.name, choices, self, passed_over)
            if dialog.exec() != PromoteDialog.DialogCode.Accepted:
                return False
            grade, reason = dialog.values()
        edit = self.session.add_promotion(self.tr("上调等级"), self.session.unit_id(u.name), grade, reason)
        if not edit.ok:
            self.report(problems_text(edit))
            return False
        rejected = [render(m) for m in self.session.result.rejected_promotions]
        if rejected:
            from PySide6.QtWidgets import QMessageBox
            QMessageBox.information(self, self.tr("上调未生效"), "\n".join(rejected))
        return True

    def remove_selected_promotion(self) -> None:
        item = self.promotions.currentItem()
        if item is None:
            return
        edit = self.session.remove_promotion(self.tr("撤回上调"), item.data(Qt.ItemDataRole.UserRole))
        if not edit.ok:
            self.report(problems_text(edit))


def promotion_choices(order: Sequence[str], result: YearResult, unit: str) -> list[str]:
    """The grades a qualified unit may be raised to: within its tie at a quota boundary, and any better
    grade with a free place (rules-2022.md 六: the administrator moves a unit; nothing is filled by itself)."""
    current = result.unit(unit).grade
    tie = next((t for t in result.ties if unit in t.units), None)
    free = {q.grade for q in result.quotas if q.used < q.count}
    return [g for g in order[:order.index(current)]
            if g in free or (tie is not None and order.index(tie.upper) <= order.index(g))]
