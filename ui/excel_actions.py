"""The 数据 menu of the main window and the 人员核对 tab: importing Excel (the check and preview), the
people's match per unit with the conflicts and the imports, and Excel out (the annex forms, the
year's summary workbook). The main window only creates it:

    self.excel_actions = ExcelActions(self, self.menuBar())

It adds the 人员核对 tab to each year's workspace when the workspace is shown, and reads the window's
open session and current unit when an action runs (window.session, window.workspace,
window.current_unit_id(), window.show_problems). The clause pages 2.1, 2.2 and 4.2 reach it through
the window (ui/count_source.py)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenuBar

from ui.lazy_tab import LazyTab

# The dialogs and the people view are imported when first used: they bring the Excel reader and
# writer and the matching, which the program's start does not need.


class ExcelActions(QObject):
    def __init__(self, window: QMainWindow, bar: QMenuBar):
        super().__init__(window)
        self.window = window
        self.menu = bar.addMenu(self.tr("数据(&D)"))
        self.menu.aboutToShow.connect(self.update)
        self.import_action = self._add(self.tr("导入 Excel…"), self.import_excel, QKeySequence("Ctrl+I"))
        self.people_action = self._add(self.tr("人员核对"), self.show_people)
        self.menu.addSeparator()
        self.annex_action = self._add(self.tr("导出附件表格（Excel）…"), lambda: self.export("annex"))
        self.summary_action = self._add(self.tr("导出年度汇总表（Excel）…"), lambda: self.export("summary"))
        self.workspace = None
        self.people_tab: LazyTab | None = None
        window.stack.currentChanged.connect(lambda _: self._attach())
        self.update()

    def _add(self, text: str, slot, shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _=False: slot())
        self.menu.addAction(action)
        return action

    def update(self) -> None:
        open_ = self.window.session is not None
        for action in (self.people_action, self.summary_action):
            action.setEnabled(open_)
        self.import_action.setEnabled(open_ and not self.window.session.read_only)
        self.annex_action.setEnabled(open_ and bool(self.window.session.unit_ids))

    # ---------------------------------------------------------------- the 人员核对 tab

    def _attach(self) -> None:
        workspace = self.window.workspace
        self.update()
        if workspace is None:  # the year closed: nothing of it kept alive from here
            self.workspace = self.people_tab = None
        if workspace is None or workspace is self.workspace:
            return
        self.workspace = workspace
        self.people_tab = LazyTab(lambda: self._people_view(workspace))
        workspace.tabs.addTab(self.people_tab, self.tr("人员核对"))
        workspace.unit_list.selectionModel().currentChanged.connect(lambda *_: self._follow(workspace))

    def _people_view(self, workspace):
        from ui.people_view import PeopleView
        view = PeopleView(workspace.session, self.window.show_problems, workspace.select_unit, self.import_excel)
        view.set_unit(workspace.unit_id)
        return view

    def _follow(self, workspace) -> None:
        if workspace is self.workspace and self.people_tab is not None and self.people_tab.is_built():
            self.people_tab.view().set_unit(workspace.unit_id)

    def people_view(self):
        """The 人员核对 view of the open year (built when first asked for), or None."""
        self._attach()
        return None if self.people_tab is None or self.window.workspace is None else self.people_tab.view()

    def show_people(self) -> None:
        view = self.people_view()
        if view is not None:
            self.window.workspace.clause_page.pending.flush()
            self.window.workspace.tabs.setCurrentWidget(self.people_tab)

    # ---------------------------------------------------------------- import and export

    def import_dialog(self, kind: str | None = None):
        from ui.excel_import import ImportDialog
        if self.window.session is None:
            return None
        self.window.workspace.clause_page.pending.flush()
        return ImportDialog(self.window.session, self.window.current_unit_id(), kind, self.window)

    def import_excel(self, kind: str | None = None) -> None:
        dialog = self.import_dialog(kind)
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()  # with every row it read and checked (the window's child until deleted)

    def export_dialog(self, kind: str):
        from ui.excel_export import ExcelExportDialog
        if self.window.session is None:
            return None
        return ExcelExportDialog(self.window.session, self.window.current_unit_id(), kind, self.window)

    def export(self, kind: str) -> None:
        dialog = self.export_dialog(kind)
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()
