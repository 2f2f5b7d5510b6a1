"""Where the people counts of clauses 2.1, 2.2 and 4.2 come from, on those clause pages: 名单核对
(matched from the imported rosters: read-only in the bases table) or 手工录入 (typed from paper),
switched for the whole unit here (per base in the table's 人数来源 column), with a way to import the
rosters and to see each person's result in 人员核对.

The actions that open the import wizard and the people view belong to the window's Excel actions
(ui/excel_actions.py), found when a button is clicked; a page without them hides those buttons."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from core.assessment import Page
from core.facts import COUNTS_BY_HAND, COUNTS_FROM_ROSTERS
from core.session import Session
from ui.models import problems_text

Report = Callable[[list[str]], None]


class CountSourcePanel(QFrame):
    def __init__(self, session: Session, unit_id: int, page: Page, report: Report, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.unit_id, self.page, self.report = session, unit_id, page, report
        self.setObjectName("countSource")
        self.setStyleSheet("#countSource { background: #eef4fb; border: 1px solid #9db9d8; border-radius: 4px; }")
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
        row = QHBoxLayout()
        self.roster_button = QPushButton(self.tr("全部按名单核对"))
        self.roster_button.clicked.connect(lambda: self.switch(COUNTS_FROM_ROSTERS))
        self.hand_button = QPushButton(self.tr("全部改为手工录入"))
        self.hand_button.clicked.connect(lambda: self.switch(COUNTS_BY_HAND))
        self.import_button = QPushButton(self.tr("导入 Excel…"))
        self.import_button.clicked.connect(self._import)
        self.people_link = QLabel(self.tr('<a href="people">查看每人核对结果（人员核对）→</a>'))
        self.people_link.linkActivated.connect(lambda _: self._people())
        for widget in (self.roster_button, self.hand_button, self.import_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.people_link)  # a line of its own: the page's column may be narrow
        self.refresh()

    def _actions(self):
        return getattr(self.window(), "excel_actions", None)

    def refresh(self) -> None:
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
        imported = [s for s in self.session.imports(self.unit_id) if s.kind in ("arrivals", "placements")]
        parts = []
        if rosters:
            parts.append(self.tr("按名单核对的基地，人数由导入的花名册与每月送工信息、全区见习名单核对得出，"
                                 "表中只读，不能手工修改。"))
        if rosters < len(sources):
            parts.append(self.tr("手工录入的人数仅在只有纸质材料时使用。"))
        parts.append(self.tr("本单位已导入花名册 {n} 份。").format(n=len(imported)) if imported
                     else self.tr("本单位尚未导入花名册。"))
        if self.page.base_columns:
            parts.append(self.tr("也可在下表“人数来源”列逐个基地切换。"))
        self.detail_label.setText("".join(parts))
        editable = not self.session.locked(self.unit_id)  # a signed sheet locked the unit
        self.roster_button.setEnabled(editable and bool(sources) and rosters < len(sources))
        self.hand_button.setEnabled(editable and bool(sources) and rosters > 0)
        self.import_button.setEnabled(editable)
        has_actions = self._actions() is not None
        self.import_button.setVisible(has_actions)
        self.people_link.setVisible(has_actions)
        # the text may have grown a line: lay out now, so the page's fit (ClausePage._fit_body) sees it
        self.layout().activate()
        self.updateGeometry()

    def switch(self, source: str) -> bool:
        label = self.tr("人数来源改为名单核对") if source == COUNTS_FROM_ROSTERS else self.tr("人数来源改为手工录入")
        edit = self.session.set_count_source(label, self.unit_id, source)
        if not edit.ok:
            self.report(problems_text(edit))
        return edit.ok

    def _import(self) -> None:
        actions = self._actions()
        if actions is not None:
            actions.import_excel()

    def _people(self) -> None:
        actions = self._actions()
        if actions is not None:
            actions.show_people()
