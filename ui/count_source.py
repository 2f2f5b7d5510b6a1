"""Where a clause's figures come from, on the clause pages that can take them from an import:

- 2.1, 2.2, 4.2: the bases' people counts, 名单核对 (matched from the imported rosters: read-only in
  the bases table) or 手工录入 (typed from paper), switched for the whole unit here (per base in the
  table's 人数来源 column), with a link to each person's result in 人员核对;
- 3.1, 3.2: the deliveries and the composite rating, 用工速递系统导出 (the imported platform exports:
  read-only on the page) or 手工录入.

Each panel also opens the import wizard. The actions that open the wizard and the people view belong
to the window's Excel actions (ui/excel_actions.py), found when a button is clicked; a page without
them hides those buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from core.common.messages import Msg, format_number, render
from core.editing.session import Session
from core.scoring.assessment import Page
from core.scoring.facts import COUNTS_BY_HAND, COUNTS_FROM_ROSTERS, FIGURES_BY_HAND, FIGURES_FROM_PLATFORM
from core.scoring.kinds import DELIVERIES
from ui.editors.flow import FlowLayout
from ui.models import problems_text

Report = Callable[[list[str]], None]


class SourcePanel(QFrame):
    """The frame, the two texts and the buttons both panels show."""

    import_kind = "arrivals"

    def __init__(self, session: Session, unit_id: int, page: Page, report: Report, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.unit_id, self.page, self.report = session, unit_id, page, report
        self._shown: tuple = ()  # its texts and what is visible, as last laid out
        self.setObjectName("sourcePanel")
        self.setStyleSheet("#sourcePanel { background: #eef4fb; border: 1px solid #9db9d8; border-radius: 4px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.source_label = QLabel()
        font = self.source_label.font()
        font.setBold(True)
        self.source_label.setFont(font)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        # as the page's other wrapped texts: tall enough for every line at the column's width
        self.detail_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.source_label)
        layout.addWidget(self.detail_label)
        self.buttons = FlowLayout()  # wraps in a narrow window
        layout.addLayout(self.buttons)

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _=False: slot())
        self.buttons.addWidget(button)
        return button

    def _actions(self):
        return getattr(self.window(), "excel_actions", None)

    def _import(self) -> None:
        actions = self._actions()
        if actions is not None:
            actions.import_excel(self.import_kind)

    def _laid_out(self) -> bool:
        """When what the panel shows changed (a text may have grown a line): lay out now, so the page's
        fit (ClausePage._fit_body) sees it, and say so. Unchanged, nothing is laid out again: that goes
        up to the window and repaints all of it, after every edit."""
        shown = tuple((w.text() if isinstance(w, QLabel) else "", w.isVisibleTo(self))
                      for w in cast("list[QWidget]", self.findChildren(QWidget)))
        if shown == self._shown:
            return False
        self._shown = shown
        self.layout().activate()
        self.updateGeometry()
        return True

    def editable(self) -> bool:
        return self.session.editable(self.unit_id)  # not read-only, not locked by a signed sheet

    def refresh(self) -> bool:
        """Show the unit's source as it stands; True when the panel's layout changed."""
        raise NotImplementedError


class CountSourcePanel(SourcePanel):
    """2.1, 2.2, 4.2: the bases' counts from the rosters or typed."""

    def __init__(self, session: Session, unit_id: int, page: Page, report: Report, parent: QWidget | None = None):
        super().__init__(session, unit_id, page, report, parent)
        self.roster_button = self._button(self.tr("全部按名单核对"), lambda: self.switch(COUNTS_FROM_ROSTERS))
        self.hand_button = self._button(self.tr("全部改为手工录入"), lambda: self.switch(COUNTS_BY_HAND))
        self.import_button = self._button(self.tr("导入 Excel…"), self._import)
        self.people_link = QLabel(self.tr('<a href="people">查看每人核对结果（人员核对）→</a>'))
        self.people_link.linkActivated.connect(lambda _: self._people())
        self.layout().addWidget(self.people_link)  # a line of its own: the page's column may be narrow
        self.refresh()

    def refresh(self) -> bool:
        sources = list(self.session.count_sources(self.unit_id).values())
        rosters = sources.count(COUNTS_FROM_ROSTERS)
        if not sources:
            self.source_label.setText(self.tr("人数来源：本单位尚未登记基地"))
        elif rosters == len(sources):
            self.source_label.setText(self.tr("人数来源：名单核对（全部 {n} 个基地）").format(n=len(sources)))
        elif rosters:
            self.source_label.setText(self.tr("人数来源：{roster} 个基地名单核对，{hand} 个基地手工录入").format(
                roster=rosters, hand=len(sources) - rosters))
        else:
            self.source_label.setText(self.tr("人数来源：手工录入"))
        imported = [s for s in self.session.imports(self.unit_id) if s.roster]
        parts = []
        if rosters:
            parts.append(self.tr("按名单核对的基地，人数由导入的花名册与每月送工信息、全区见习名单核对得出，"
                                 "表中只读，不能手工修改。"))
        if rosters < len(sources):
            parts.append(self.tr("手工录入的人数仅在只有纸质材料时使用。"))
        parts.append(self.tr("本单位已导入花名册 {n} 份。").format(n=len(imported)) if imported
                     else self.tr("本单位尚未导入花名册。"))
        if rosters and not imported:
            parts.append(self.tr("按名单核对的基地因此都按 0 人计，本条“依据不全”："
                                 "请先导入本单位的花名册，或改回手工录入。"))
        if self.page.base_columns:
            parts.append(self.tr("也可在下表“人数来源”列逐个基地切换。"))
        self.detail_label.setText("".join(parts))
        editable = self.editable()
        self.roster_button.setEnabled(editable and bool(sources) and rosters < len(sources))
        self.hand_button.setEnabled(editable and bool(sources) and rosters > 0)
        self.import_button.setEnabled(editable)
        has_actions = self._actions() is not None
        self.import_button.setVisible(has_actions)
        self.people_link.setVisible(has_actions)
        return self._laid_out()

    def switch(self, source: str) -> bool:
        from ui.source_question import roster_source_confirmed  # only when switching: not at start-up
        if source == COUNTS_FROM_ROSTERS and not roster_source_confirmed(self, self.session, self.unit_id):
            return False
        label = self.tr("人数来源改为名单核对") if source == COUNTS_FROM_ROSTERS else self.tr("人数来源改为手工录入")
        edit = self.session.set_count_source(label, self.unit_id, source)
        if not edit.ok:
            self.report(problems_text(edit))
        return edit.ok

    def _people(self) -> None:
        actions = self._actions()
        if actions is not None:
            actions.show_people()


class PlatformSourcePanel(SourcePanel):
    """3.1, 3.2: the deliveries and the composite rating from the platform's exports or typed."""

    def __init__(self, session: Session, unit_id: int, page: Page, report: Report, parent: QWidget | None = None):
        super().__init__(session, unit_id, page, report, parent)
        self.deliveries_page = DELIVERIES in page.editors
        self.import_kind = "platform_deliveries" if self.deliveries_page else "platform_ratings"
        self.platform_button = self._button(self.tr("按用工速递系统导出计分"), lambda: self.switch(FIGURES_FROM_PLATFORM))
        self.hand_button = self._button(self.tr("改为手工录入"), lambda: self.switch(FIGURES_BY_HAND))
        self.import_button = self._button(self.tr("导入 Excel…"), self._import)
        self.refresh()

    def _platform_absent(self) -> str:
        """What the platform's exports lack of the unit ("" when both hold something of it)."""
        from core.people.platform import DELIVERIES_KIND  # here only, as closest_unit below
        lacking = []
        for kind, export in self.session.platform().lacking(self.session.unit(self.unit_id).name):
            deliveries = kind == DELIVERIES_KIND
            if export is None:
                lacking.append(self.tr("尚未导入用工速递系统的输送记录导出（3.1 按 0 条计）") if deliveries else
                               self.tr("尚未导入用工速递系统的综合评分导出（3.2 无评分）"))
            elif deliveries:
                lacking.append(self.tr("已导入的输送记录导出 {file} 中没有本单位的记录（3.1 按 0 条计）").format(
                    file=export.file_name))
            else:
                lacking.append(self.tr("已导入的综合评分导出 {file} 中没有本单位的评分（3.2 无评分）").format(
                    file=export.file_name))
        return "；".join(lacking) + "。" if lacking else ""

    def from_platform(self) -> bool:
        return self.session.platform_source(self.unit_id) == FIGURES_FROM_PLATFORM

    def refresh(self) -> bool:
        platform = self.from_platform()
        self.source_label.setText(self.tr("数据来源：{source}").format(
            source=render(Msg.of(f"platform.source_{FIGURES_FROM_PLATFORM if platform else FIGURES_BY_HAND}"))))
        found = self.session.platform()
        export = found.deliveries_export if self.deliveries_page else found.ratings_export
        mine = found.unit(self.session.unit(self.unit_id).name)
        if export is None:
            what = self.tr("尚未导入用工速递系统的{kind}导出。").format(
                kind=self.tr("输送记录") if self.deliveries_page else self.tr("综合评分"))
        elif self.deliveries_page:
            what = self.tr("已导入 {file}（{at}）：本单位输送记录 {n} 条。").format(
                file=export.file_name, at=export.local_time, n=len(mine.deliveries))
        else:
            rating = self.tr("无") if mine.rating is None else format_number(mine.rating)  # as the explanation has it
            what = self.tr("已导入 {file}（{at}）：本单位综合评分 {rating}。").format(
                file=export.file_name, at=export.local_time, rating=rating)
        unmatched = found.unmatched_deliveries if self.deliveries_page else found.unmatched_ratings
        if export is not None and unmatched:
            what += self.tr("该导出另有 {n} 条记录的运营单位名称不是本年度的运营单位，不计入任何单位。").format(
                n=unmatched)
            from core.people.platform import closest_unit  # here only: its name matching is not needed to start
            unit_names = [self.session.unit(uid).name for uid in self.session.unit_ids]
            mine_maybe = [f"“{name}”（{count} 条）" for name, count in found.names_of_no_unit(self.import_kind)
                          if closest_unit(name, unit_names) == mine.unit]
            if mine_maybe:
                what += self.tr("其中{names}可能是本单位，请核对名称，改正平台导出后重新导入。").format(
                    names="、".join(mine_maybe))
        how = (self.tr("本条按平台导出计分，页面上的数据只读；手工录入的数据保留未用。") if platform else
               self.tr("本条按手工录入计分。"))
        has_figures = bool(mine.deliveries) if self.deliveries_page else mine.rating is not None
        if platform and not has_figures:
            what += self.tr("平台导出中没有本单位的{kind}，本条“依据不全”："
                            "请导入含本单位数据的导出，或改回手工录入。").format(
                kind=self.tr("输送记录") if self.deliveries_page else self.tr("综合评分"))
        self.detail_label.setText(how + what)
        editable = self.editable()
        self.platform_button.setEnabled(editable and not platform)
        self.hand_button.setEnabled(editable and platform)
        self.import_button.setEnabled(editable)
        self.import_button.setVisible(self._actions() is not None)
        return self._laid_out()

    def switch(self, source: str) -> bool:
        if source == FIGURES_FROM_PLATFORM:
            absent = self._platform_absent()
            from ui.source_question import source_change_confirmed  # only when switching
            if absent and not source_change_confirmed(
                    self, self.session, self.unit_id, absent,
                    self.session.result_with_source(self.unit_id, platform_source=FIGURES_FROM_PLATFORM),
                    [p.id for p in self.session.pages if p.platform_source], self.tr("仍改为按平台导出计分")):
                return False
        label = self.tr("3.1、3.2 改为按平台导出计分") if source == FIGURES_FROM_PLATFORM else self.tr("3.1、3.2 改为手工录入")
        edit = self.session.set_platform_source(label, self.unit_id, source)
        if not edit.ok:
            self.report(problems_text(edit))
        return edit.ok
