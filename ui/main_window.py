"""The main window: a start page (新建年度 / 打开 / recent files) and, with a year open, the guided
assessment, a unit's overview, the year table and the grades. Every edit is saved at once, so there
is no Save button and closing never asks."""

from __future__ import annotations

import gc
import hashlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QProgressDialog, QStackedWidget

from core.common import os_errors
from core.common.messages import Msg, render
from core.editing.session import Session
from core.store.backup import found_backup
from core.store.dataset import Dataset, ReadOnlyCopy, read_only_copy
from core.store.files import Checked, DatasetError, check_ahead, open_here
from core.store.rule_updates import rule_set_named
from core.teamwork.handed import handed_of
from ui import faults
from ui.app import PaintWatch
from ui.audit_actions import AuditActions
from ui.backups import Backups
from ui.excel_actions import ExcelActions
from ui.field_copy_actions import FieldCopyActions
from ui.models import problems_text
from ui.pdf_actions import PdfActions
from ui.screen_fit import resize_within_screen
from ui.undo import UndoActions
from ui.workspace import Workspace

if TYPE_CHECKING:
    from core.years.continuation import Previous
    from ui.start_page import StartPage

# The dialogs, the start page, the worker and Qt's message boxes and file dialogs are imported where
# first used: opening a year on the first screen needs none of them (bench/bench_startup.py).

MAX_RECENT = 8
# A year file this large is checked on another thread before it is opened (its integrity check took about
# 0.1 s for 11 MB and 0.3 s for 37 MB on the window's thread); a smaller one as it opens.
CHECK_ASIDE_BYTES = 8 * 1024 * 1024

DEMO_ASSESSOR = "演示考核人员"  # the demo year's only assessor; main.py passes the translated name


class MainWindow(QMainWindow):
    def __init__(self, parent=None, opening: bool = False):
        """`opening`: a year is opened at once, so the start page is built only when first needed."""
        super().__init__(parent)
        self.settings = QSettings()
        self.session: Session | None = None
        self.workspace: Workspace | None = None
        self.setWindowTitle(self.tr("乐业吴江运营单位绩效考核"))
        self.setMinimumSize(1024, 640)
        self.stack = QStackedWidget()
        self._start: StartPage | None = None
        self.setCentralWidget(self.stack)
        self.undo = UndoActions(self, self.show_problems, self._flush)
        self._build_menus()
        self.status_file = QLabel()
        self.statusBar().addPermanentWidget(self.status_file)
        self._refresh_recent()
        if not opening:
            self.stack.setCurrentWidget(self.start)
        # Edits are backed up as they happen once the interval has passed; this timer copies the last
        # edits of a quiet spell too (core skips the copy when nothing changed since the last one).
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(60_000)
        self.backup_timer.timeout.connect(self.backup_if_due)
        # every backup is copied on another thread: the window and its edits go on meanwhile
        self.backups = Backups(self, self._backed_up,
                               lambda problem: self.show_problems([render(problem)], self.tr("备份未完成")))
        # The backup of opening is taken once the year is on screen (core takes it before any write
        # anyway): after the first paint, or after this timer when nothing gets painted.
        self.finish_timer = QTimer(self)
        self.finish_timer.setSingleShot(True)
        self.finish_timer.setInterval(1000)
        self.finish_timer.timeout.connect(self._finish_opening)
        # Then, while the window is idle, the other clause pages' editors are built one at a time, so
        # that going to a page the first time only shows it.
        self.collect_timer = QTimer(self)  # what a closed year leaves, collected after its pages are deleted
        self.collect_timer.setSingleShot(True)
        self.collect_timer.setInterval(0)
        self.collect_timer.timeout.connect(self._collect_closed)
        self.prepare_timer = QTimer(self)
        self.prepare_timer.setInterval(0)
        self.prepare_timer.timeout.connect(self._prepare_next_page)
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            resize_within_screen(self, 1366, 768)
        self._update_actions()
        # quitting without closing the window (the system ending the session) ends the year as closing does
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._end)

    @property
    def start(self) -> StartPage:
        if self._start is None:
            from ui.start_page import StartPage
            self._start = StartPage()
            self._start.new_requested.connect(self.new_year)
            self._start.open_requested.connect(self.choose_and_open)
            self._start.recent_chosen.connect(lambda path: self.open_dataset(Path(path)))
            self._start.set_recent(self.recent_files())
            self.stack.insertWidget(0, self._start)
        return self._start

    # ---------------------------------------------------------------- menus

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        action.triggered.connect(lambda _checked=False: slot())  # never triggered's bool as an argument
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        self._action(file_menu, self.tr("新建年度…"), self.new_year, QKeySequence.StandardKey.New)
        self._action(file_menu, self.tr("打开…"), self.choose_and_open, QKeySequence.StandardKey.Open)
        # a past year, or one only to be looked at: nothing in it can be changed by a slip, nor is it taken from others
        self._action(file_menu, self.tr("只读打开…"), lambda: self.choose_and_open(read_only=True))
        self.recent_menu = file_menu.addMenu(self.tr("最近打开"))
        self.assessor_action = self._action(file_menu, self.tr("切换考核人员…"), self.change_assessor)
        self.close_action = self._action(file_menu, self.tr("关闭年度"), self.close_dataset)
        self.audit_actions = AuditActions(self, file_menu)  # 核对数据文件…: changes made outside the program
        self._action(file_menu, self.tr("考核细则管理…"), self.manage_rule_sets)
        file_menu.addSeparator()
        self.field_copies = FieldCopyActions(self, file_menu)  # 制作外业副本… and 合并外业副本…
        self.undo.way_back = self.field_copies.way_back  # 编辑 → 撤销 a merge, while nothing was edited since
        file_menu.addSeparator()
        # ui/printing.py (Qt's print support and PDFium) is imported when first used
        self.print_actions = [
            self._action(file_menu, self.tr("打印…"), lambda: self._print(False), QKeySequence.StandardKey.Print),
            self._action(file_menu, self.tr("打印预览…"), lambda: self._print(True)),
        ]
        file_menu.addSeparator()
        self._action(file_menu, self.tr("退出"), self.close, QKeySequence("Ctrl+Q"))
        edit_menu = bar.addMenu(self.tr("编辑(&E)"))
        edit_menu.addAction(self.undo.undo_action)
        edit_menu.addAction(self.undo.redo_action)
        edit_menu.addSeparator()
        self.changes_action = self._action(edit_menu, self.tr("修改记录…"), self.show_changes)
        unit_menu = bar.addMenu(self.tr("单位(&U)"))
        self.unit_actions = [
            self._action(unit_menu, self.tr("添加运营单位…"), self.add_unit, QKeySequence("Ctrl+Shift+N")),
            self._action(unit_menu, self.tr("编辑运营单位…"), self.edit_unit),
            self._action(unit_menu, self.tr("删除运营单位…"), self.remove_unit),
            self._action(unit_menu, self.tr("标记本单位数据已定稿"), lambda: self.mark_current_final(True)),
            self._action(unit_menu, self.tr("取消本单位定稿"), lambda: self.mark_current_final(False)),
        ]
        self.unit_changes_action = self._action(unit_menu, self.tr("本单位修改记录…"),
                                                lambda: self.show_changes(self.current_unit_id()))
        nav_menu = bar.addMenu(self.tr("考核(&A)"))
        self.nav_actions = [
            self._action(nav_menu, self.tr("上一条"), lambda: self._go(-1), QKeySequence("Alt+Left")),
            self._action(nav_menu, self.tr("下一条"), lambda: self._go(1), QKeySequence("Alt+Right")),
            self._action(nav_menu, self.tr("上一家单位"), lambda: self._go_unit(-1), QKeySequence("Alt+Up")),
            self._action(nav_menu, self.tr("下一家单位"), lambda: self._go_unit(1), QKeySequence("Alt+Down")),
            self._action(nav_menu, self.tr("下一个待办"), self._next_to_do, QKeySequence("Ctrl+J")),
        ]
        for action in self.nav_actions:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.excel_actions = ExcelActions(self, bar)  # 数据: Excel import, 人员核对, annex forms, summary
        self.pdf_actions = PdfActions(self, bar)  # 签章: signatures, PDF export, unlock, verify, keys

    def _print(self, preview: bool) -> None:
        from ui.printing import open_print
        open_print(self, preview)

    def show_changes(self, unit: int | None = None, page: str | None = None) -> None:
        """编辑 → 修改记录… (every change of the year), or a clause page's 本条修改记录… (its unit's, on it)."""
        if self.session is None:
            return
        if self.workspace is not None:
            self.workspace.clause_page.pending.flush()  # what is still being typed is a change too
        from ui.audit_log import open_changes
        open_changes(self, self.session, unit=unit, page=page)

    def _go(self, step: int) -> None:
        if self.workspace:
            self.workspace.clause_page.pending.flush()
            self.workspace.go_page(self.workspace.page_index + step)

    def _next_to_do(self) -> None:
        if self.workspace is not None and not self.workspace.next_to_do():
            self.statusBar().showMessage(self.tr("列表中所有单位的全部条款均已完成。"), 8000)

    def _go_unit(self, step: int) -> None:
        if self.workspace:
            self.workspace.go_unit(step)

    def _update_actions(self) -> None:
        open_ = self.session is not None
        readable = [self.close_action, self.changes_action, self.unit_changes_action]  # a year read only too
        for action in self.nav_actions + self.print_actions + readable:
            action.setEnabled(open_)
        for action in self.unit_actions + [self.assessor_action]:
            action.setEnabled(open_ and not self.session.read_only)
        self.undo.set_session(self.session)
        self.audit_actions.update()
        self.field_copies.update()
        self.excel_actions.update()  # their shortcuts and triggers work before their menu was first opened
        self.pdf_actions.update()

    # ---------------------------------------------------------------- recent files

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [p for p in (value or []) if Path(p).exists()]

    def _remember(self, path: Path) -> None:
        paths = [str(path.resolve())] + [p for p in self.recent_files() if p != str(path.resolve())]
        self.settings.setValue("recent", paths[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        paths = self.recent_files()
        if self._start is not None:
            self._start.set_recent(paths)
        self.recent_menu.clear()
        self.recent_menu.setToolTipsVisible(True)
        names = [Path(path).name for path in paths]
        for path, name in zip(paths, names, strict=True):
            # years of one name in several folders (each year's demo, a copy for the field) told apart
            action = self.recent_menu.addAction(f"{name}　—　{Path(path).parent}" if names.count(name) > 1 else name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_dataset(Path(p)))
        self.recent_menu.setEnabled(bool(paths))

    # ---------------------------------------------------------------- opening and closing

    def manage_rule_sets(self) -> None:
        from ui.rule_sets_dialog import RuleSetsDialog  # built only when asked for
        dialog = RuleSetsDialog(None, self, self.session)
        changed: list[bool] = []
        dialog.adopted.connect(lambda: changed.append(True))
        dialog.exec()
        if changed:  # the year is opened again under its new rules once the dialog is closed
            self.reopen_after_rule_set_change()

    def new_year(self) -> None:
        from ui.dialogs import NewYearDialog
        folder = Path(self.settings.value("folder", "") or Path.home())
        dialog = NewYearDialog(folder, str(self.settings.value("assessor", "") or ""), self,
                               self.session.file if self.session is not None else None)
        if dialog.exec() != NewYearDialog.DialogCode.Accepted:
            return
        rules, assessor, role, path = dialog.values()
        self.create_year(path, rules, assessor, role, dialog.continued_from())

    def create_year(self, path: Path, rules, assessor: str, role: str = "", previous: Previous | None = None) -> bool:
        """Make the year's file, empty or continued from the last year's (its units as existing members);
        open it."""
        from core.store.dataset import create_file
        try:
            problems = (self._continue_year(previous, path, rules, assessor, role) if previous is not None
                        else create_file(path, rules, assessor, role))
        except DatasetError as exc:
            self.show_problems([faults.said(exc.msg)], self.tr("未能新建年度"))
            return False
        if problems:
            self.show_problems([p.text() for p in problems], self.tr("未能新建年度"))
            return False
        self.settings.setValue("assessor", assessor)
        self.settings.setValue(self._assessor_key_of(path), assessor)
        self.settings.setValue("folder", str(path.parent))
        return self.open_dataset(path)

    def _continue_year(self, previous: Previous, path: Path, rules, assessor: str, role: str) -> list:
        """continue_year off the window's thread (a 200-unit year takes about half a second), the window
        answering meanwhile; its problems, or its fault raised here."""
        from core.years.continuation import continue_year
        from ui.worker import Worker, progress_dialog
        worker = Worker(lambda _job: continue_year(previous, path, rules, assessor, role), parent=self)
        outcome: dict = {}
        worker.done.connect(lambda problems: outcome.update(problems=problems))
        worker.failed.connect(lambda exc: outcome.update(fault=exc))
        progress = progress_dialog(self, self.tr("正在新建 {year} 年度…").format(year=rules.year), worker)
        progress.setCancelButtonText("")  # no 取消: the new file appears whole or not at all, in one step
        worker.start()
        worker.wait(timeout=3600)
        if "fault" in outcome:
            raise outcome["fault"]
        return outcome.get("problems", [])

    def choose_and_open(self, read_only: bool = False) -> None:
        from PySide6.QtWidgets import QFileDialog
        folder = str(self.settings.value("folder", "") or Path.home())
        title = self.tr("只读打开年度数据文件") if read_only else self.tr("打开年度数据文件")
        path, _ = QFileDialog.getOpenFileName(self, title, folder, self.tr("年度数据文件 (*.wjkh *.sqlite)"))
        if path:
            self.open_dataset(Path(path), read_only=read_only)

    def open_dataset(self, path: Path, assessor: str | None = None, read_only: bool = False) -> bool:
        """Open a year for editing; when it cannot be edited here and now (held by someone else, a
        read-only file, folder or disk, a full disk) say why and offer to open it read-only. A backup of a year
        is never edited: it is viewed read-only, or the year restored from it."""
        if not read_only and (found := found_backup(path)) is not None:  # in its backups folder, or marked
            answer = self.audit_actions.opened_backup(path, found)
            if answer == "restore":
                year = found.year_file or self.audit_actions.year_to_restore(found)
                if year is not None:
                    return self.audit_actions.restore_from_backup(year, path)
            read_only = answer == "view"
            if not read_only:  # 取消
                if self.session is None:
                    self.stack.setCurrentWidget(self.start)
                return False
        if self._open_dataset(path, assessor, read_only):
            return True
        if self.session is None:  # nothing open: the start page, with the recent files
            self.stack.setCurrentWidget(self.start)
        return False

    def _open_dataset(self, path: Path, assessor: str | None, read_only: bool) -> bool:
        """Open `path` in place of the year open now, which stays open (its undo history too) until the new
        one is opened and its assessor chosen: a file that is no year, or a question answered 取消, changes
        nothing. The same file is closed first (it is held while open)."""
        reopening = self.session is not None and self.session.file.resolve() == path.resolve()
        if reopening:
            self.close_dataset()
        try:
            # the year just open was checked as it opened, and held since: not checked aside again (a 取消
            # there would leave it closed)
            going_on, ahead = (True, None) if reopening else self._check_aside(path, read_only)
            if not going_on:  # 取消 while it was checked
                self.statusBar().showMessage(self.tr("已取消打开 {file}。").format(file=path.name), 8000)
                return False
            if read_only:
                ds = Dataset.open(path, read_only=True, copy=ahead if isinstance(ahead, ReadOnlyCopy) else None)
            else:
                ds = Dataset.open(path, defer_backup=True, checked=ahead if isinstance(ahead, Checked) else None)
        except DatasetError as exc:
            if not read_only and exc.read_only_possible:
                return self.offer_read_only(faults.said(exc.msg)) and self.open_dataset(path, read_only=True)
            if exc.code == "dataset.corrupt":  # the newest good backup offered, restored from here
                chosen = self.audit_actions.damaged(path, exc)
                if chosen is None:
                    return False
                self.close_dataset()  # the year open until now, backed up as any year closed
                return self.audit_actions.restore_and_reopen(path, chosen.backup, chosen.at, tell=True,
                                                             read_only=read_only)
            self.show_problems([faults.said(exc.msg)], self.tr("未能打开"))  # nothing was edited: not 未保存
            return False
        if ds.audit_problems:  # changed outside the program: said at once, the newest good backup offered
            chosen = self.audit_actions.changed_outside(ds)
            if chosen is not None:
                ds.close()
                self.close_dataset()  # the year open until now, backed up as any year closed
                return self.audit_actions.restore_and_reopen(path, chosen.backup, chosen.at, tell=True,
                                                             read_only=read_only)
        assessor_id = self._viewer(ds) if read_only else self._choose_assessor(ds, assessor)
        if assessor_id is None:
            ds.close()
            return False
        self.close_dataset()  # the year open until now
        self.session = Session(ds, assessor_id)
        self.workspace = Workspace(self, self.session)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        state = self.settings.value("window/assessmentSplitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.workspace.splitter.restoreState(state)
        state = self.settings.value("window/clauseSplitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.workspace.clause_page.splitter.restoreState(state)
        self._restore_position(path)
        self._remember(path)
        self.settings.setValue("folder", str(path.parent))
        name = next(a.name for a in ds.assessors() if a.id == assessor_id)
        if read_only and (found := found_backup(path)) is not None:  # a backup: said whose, and when it was taken
            year_file = found.year_name or self.tr("{year}年度数据文件").format(year=ds.year_number)
            self.setWindowTitle(self.tr("{file}（{year_file} 的备份，只读）— 乐业吴江运营单位绩效考核").format(
                file=path.name, year_file=year_file))
            said = self.tr("{year}年度　这是 {year_file} 的备份（{time}）：只读查看，不能修改")
            self.status_file.setText(said.format(year=ds.year_number, year_file=year_file,
                                                 time=found.info.taken_at.strftime("%Y-%m-%d %H:%M")))
        elif read_only:
            self.setWindowTitle(self.tr("{file}（只读）— 乐业吴江运营单位绩效考核").format(file=path.name))
            self.status_file.setText(self.tr("{year}年度　{file}　只读：{time} 打开时的内容，不能修改").format(
                year=ds.year_number, file=path.name, time=time.strftime("%H:%M")))
        else:
            ds.set_holder_name(name)  # others who try to open the year are told who has it
            self.setWindowTitle(self.tr("{file} — 乐业吴江运营单位绩效考核").format(file=path.name))
            self.status_file.setText(self.tr("{year}年度　{file}　考核人员：{name}").format(
                year=ds.year_number, file=path.name, name=name))
        for notice in ds.notices:
            self.statusBar().showMessage(render(notice), 15000)
        self.backup_timer.start()
        self._update_actions()
        self._opening_watch = PaintWatch(self.workspace.year_widgets(), self._finish_opening)
        self.finish_timer.start()
        return True

    def offer_read_only(self, reason: str) -> bool:
        """Say why the year cannot be edited; True when the user chooses to open it read-only."""
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("不能修改该年度"), reason, QMessageBox.StandardButton.NoButton,
                          self)
        box.setInformativeText(self.tr("以只读方式打开后，可以查看、打印和导出，不能修改；看到的是打开那一刻的内容。"))
        read_only = box.addButton(self.tr("只读打开"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(read_only)
        box.exec()
        return box.clickedButton() is read_only

    def _viewer(self, ds: Dataset) -> int | None:
        """Read-only: nobody is asked who is working (nothing will be recorded); the pages show the
        file's remembered assessor, or its first."""
        assessors = ds.assessors()
        remembered = str(self.settings.value(self._assessor_key(ds), "") or "")
        return next((a.id for a in assessors if a.name == remembered), assessors[0].id if assessors else None)

    def _finish_opening(self) -> None:
        self.finish_timer.stop()
        if self.session is not None and self.session.busy is not None:  # the year is being written: later
            self.finish_timer.start()
            return
        if self.session is not None:
            # The opened year lives until it is closed: set aside from the cyclic collector now, as the
            # start of the program does, or a full pass over it stops the window 30–90 ms while the
            # other pages are still being built (it is frozen again once they are).
            gc.freeze()
            self.backups.start(self.session, opening=True)
            self.prepare_timer.start()
            if self.workspace is not None:  # the year it came from, ready before the year table is first shown
                self.workspace.years.read_previous()

    def _prepare_next_page(self) -> None:
        if self.session is not None and self.session.busy is not None:  # pages read the year: after the write
            self.prepare_timer.stop()
            self.finish_timer.start()
            return
        if self.session is None or self.workspace is None or not self.workspace.clause_page.prepare_editors():
            self.prepare_timer.stop()
            if self.session is not None:
                # The year is set up: its facts, scores and pages live until it is closed. Out of the cyclic
                # collector's reach, they are not gone over again by its full passes (30–70 ms for a
                # 1,000-unit year: a dropped frame every hundred or so edits).
                gc.freeze()

    def backup_if_due(self) -> None:
        if self.session is None or self.session.busy is not None:  # the next tick, once the write is done
            return
        try:
            self.backups.start(self.session)
        except DatasetError as exc:  # a removed file: the data itself is safe, say so
            self.show_problems([faults.said(exc.msg)], self.tr("备份未完成"))

    def _backed_up(self, path: Path) -> None:
        self.statusBar().showMessage(self.tr("已备份到 {name}").format(name=path.name), 5000)

    def _assessor_key(self, ds: Dataset) -> str:
        return self._assessor_key_of(Path(ds.path))

    @staticmethod
    def _assessor_key_of(path: Path) -> str:
        """Who works on a year file is remembered per file (and per user: QSettings is the user's)."""
        digest = hashlib.sha1(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]
        return f"assessorByFile/{digest}"

    @staticmethod
    def tr_app(text: str) -> str:
        return QCoreApplication.translate("App", text)

    def ask_assessor(self, names: list[str], suggestion: str) -> tuple[str, str] | None:
        """(name, role) of who is working, asked in a dialog; None when cancelled. The desktop tests
        replace this to answer at once."""
        from ui.dialogs import AssessorDialog
        dialog = AssessorDialog(names, suggestion, self)
        if dialog.exec() != AssessorDialog.DialogCode.Accepted:
            return None
        return dialog.value(), dialog.role()

    def _check_aside(self, path: Path, read_only: bool = False) -> tuple[bool, Checked | ReadOnlyCopy | None]:
        """A large year's checks (its integrity check: a few tenths of a second for tens of megabytes) run on
        another thread while the window answers, behind a progress dialog that keeps the year's pages from
        input; a small one's are left to the opening. Returns (go_on, ahead): go_on False after 取消; ahead
        for Dataset.open, a Checked (read-write), a ReadOnlyCopy (read-only) or None (left to the opening).
        Raises the DatasetError the checks found."""
        try:
            large = path.stat().st_size >= CHECK_ASIDE_BYTES
        except OSError:
            return True, None  # the opening says why
        # a year open in another of the program's windows is copied from its connection, on this thread
        if not large or (read_only and open_here(path)):
            return True, None
        from ui.worker import Job, Worker, progress_dialog, run_to_end

        def check(job: Job) -> Checked | ReadOnlyCopy | None:
            job.progress(0, 0, "")  # the dialog shows at once (a busy bar): the year's pages take no input meanwhile
            return read_only_copy(path, elsewhere=True) if read_only else check_ahead(path)
        worker = Worker(check, parent=self)
        label = self.tr("正在打开 {file}，检查文件是否完好…").format(file=path.name)
        progress_dialog(self, label, worker, minimum_duration_ms=0)
        outcome = run_to_end(worker)
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]  # a DatasetError is told as the opening tells it
        if "cancelled" in outcome or "done" not in outcome:  # 取消, or the loop ended by the program quitting
            if isinstance(outcome.get("cancelled"), ReadOnlyCopy):
                outcome["cancelled"].close()  # made all the same
            return False, None
        return True, outcome["done"]

    def _choose_assessor(self, ds: Dataset, wanted: str | None) -> int | None:
        """Who is working is asked once per year file, never taken from the computer's login: a
        file's only assessor may be whoever made it. The demo year is opened as its demo assessor."""
        assessors = ds.assessors()
        names = [a.name for a in assessors]
        remembered = str(self.settings.value(self._assessor_key(ds), "") or "")
        name, role = wanted or "", ""
        if not name and remembered in names:
            name = remembered
        elif not name and len(names) == 1 and names[0] in (DEMO_ASSESSOR, self.tr_app(DEMO_ASSESSOR)):
            name = names[0]
        elif not name:
            # a field copy suggests the assessor it was handed to, not whoever used this computer last
            copy = handed_of(ds)
            last = str(self.settings.value("assessor", "") or "")
            answer = self.ask_assessor(names, copy.assessor if copy is not None and copy.assessor in names else last)
            if answer is None:
                return None
            name, role = answer
        return self._take_assessor(ds, name, role, by=assessors[0].id)

    def _take_assessor(self, ds: Dataset, name: str, role: str, by: int) -> int | None:
        """The assessor's id (added to the file, audited under `by`, when new), remembered for this
        file and as the user's last; None when the file refused the name (the user is told)."""
        if ds.assessor_id(name) is None:
            edit = ds.add_assessor(by, name, role)
            if not edit.ok:  # the year is not opened under a name the file refuses
                self.show_problems(problems_text(edit), self.tr("未能打开"))
                return None
        self._remember_assessor(Path(ds.path), name)
        return ds.assessor_id(name)

    def _remember_assessor(self, path: Path, name: str) -> None:
        """Remembered for this file and as the user's last."""
        self.settings.setValue("assessor", name)
        self.settings.setValue(self._assessor_key_of(path), name)

    def change_assessor(self) -> None:
        if self.session is None:
            return
        session = self.session
        answer = self.ask_assessor([a.name for a in session.assessors()], "")
        if answer is None:
            return
        name, role = answer
        edit = session.change_assessor(name, role)
        if not edit.ok:
            self.show_problems(problems_text(edit), self.tr("未能更换考核人员"))
            return
        self._remember_assessor(session.file, name)
        self.status_file.setText(self.tr("{year}年度　{file}　考核人员：{name}").format(
            year=session.year_number, file=session.file.name, name=name))

    def _flush(self) -> None:
        if self.workspace is not None:
            self.workspace.clause_page.pending.flush()

    def reopen_after_rule_set_change(self) -> None:
        """The year's rule set was changed (audited): every page and score is built again under it, on
        the same unit and clause."""
        if self.session is None:
            return
        path, unit_id, page_id = self.session.file, self.workspace.unit_id, self.workspace.current_page().id
        name = self.session.assessor.name if self.session.assessor else None
        if not self.open_dataset(path, name):
            return
        if unit_id in self.session.unit_ids:
            self.workspace.select_unit(unit_id)
        index = next((i for i, page in enumerate(self.session.pages) if page.id == page_id), 0)
        self.workspace.go_page(index)
        self.statusBar().showMessage(self.tr("本年度已改按{rules}计分，更换已记入审计记录。").format(
            rules=render(rule_set_named(self.session.rules))), 15000)

    def close_dataset(self, back_up: bool = True) -> None:
        """Close the year, its last edits backed up (unless `back_up` is False: a restore keeps the file whole
        before replacing it)."""
        if self.session is None:
            return
        self._flush()
        self._save_layout()
        self.backup_timer.stop()
        self.finish_timer.stop()
        self.prepare_timer.stop()
        if self.workspace is not None:
            self.workspace.years.stop()  # reading other year files: not into a workspace that is gone
        closed, self.workspace = self.workspace, None  # gone before the page changes: what follows it lets go
        # The dialogs opened on the year and closed again stay the window's children until deleted, and held
        # it (the PDF export's, the signatures'): deleted with its pages. Not a progress dialog: hidden for its
        # first moments, its work (a full check) still running and reporting to it.
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        for dialog in cast("list[QDialog]", self.findChildren(QDialog, options=direct)):
            if not dialog.isVisible() and not isinstance(dialog, QProgressDialog):
                dialog.deleteLater()
        if closed is not None:
            self.stack.removeWidget(closed)
            # the closed year collected once its pages are deleted (a nested event loop after closing, e.g. a
            # restore's, runs timers but puts deletions off: a timer alone collected too early)
            closed.destroyed.connect(self.collect_timer.start)
            closed.deleteLater()
        self.backups.finish()
        self.session.close(back_up)  # the last edits backed up: the next opening finds the year as the newest
        # backup notes it and tells a change made outside the program meanwhile
        self.session = None
        # The closed year's objects are the collector's again once its pages are deleted (collect_timer): not
        # now, when its pages still held it and the next opening froze it again, kept until another year closed.
        self.stack.setCurrentWidget(self.start)
        self.setWindowTitle(self.tr("乐业吴江运营单位绩效考核"))
        self.status_file.setText("")
        self.statusBar().clearMessage()  # said of the year closed (撤销这次修改… could no longer be followed)
        self._refresh_recent()
        self._update_actions()

    @staticmethod
    def _collect_closed() -> None:
        gc.unfreeze()
        gc.collect()

    @staticmethod
    def _position_key(path: Path) -> str:
        return "position/" + hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:16]

    def _restore_position(self, path: Path) -> None:
        """Back at the unit and clause the assessor left the file at (per file, per user)."""
        unit, _, page = str(self.settings.value(self._position_key(path), "") or "").partition("|")
        pages = [p.id for p in self.session.pages]
        if unit.isdigit() and int(unit) in self.session.unit_ids and page in pages:
            self.workspace.select_unit(int(unit))
            self.workspace.go_page(pages.index(page))

    def _save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self.workspace is not None and self.session is not None and self.workspace.unit_id is not None:
            self.settings.setValue(self._position_key(self.session.file),
                                   f"{self.workspace.unit_id}|{self.workspace.current_page().id}")
        if self.workspace is not None:
            self.settings.setValue("window/assessmentSplitter", self.workspace.splitter.saveState())
            self.settings.setValue("window/clauseSplitter", self.workspace.clause_page.splitter.saveState())

    def closeEvent(self, event) -> None:
        if self.session is not None and self.session.busy is not None:  # its progress dialog ends it or cancels it
            event.ignore()
            return
        self._end()
        event.accept()

    def _end(self) -> None:
        """The program ends (the window closed, 退出, or the application told to quit): the last edits
        saved and backed up, the year closed."""
        self.prepare_timer.stop()
        self.backup_timer.stop()  # no new backup while the one being copied is waited for
        self.finish_timer.stop()
        if self.session is not None and self.session.busy is not None:
            return  # a write still runs on another thread: the year cannot be closed under it
        self._flush()
        self._save_layout()
        self.backups.finish()
        if self.session is not None:
            self.session.close()  # its last edits backed up, as 关闭年度 does
            self.session = None
        self.settings.sync()

    # ---------------------------------------------------------------- units

    def current_unit_id(self) -> int | None:
        return None if self.workspace is None else self.workspace.unit_id

    def add_unit(self, values: dict | None = None) -> bool:
        from ui.dialogs import UnitDialog
        if self.session is None:
            return False
        dialog = UnitDialog(self.session.rules, None, self)
        while True:
            if values is None:
                if dialog.exec() != UnitDialog.DialogCode.Accepted:
                    return False
                chosen = dialog.values()
            else:
                chosen = values
            edit = self.session.add_unit(self.tr("添加运营单位"), **chosen)
            if edit.ok:
                self.workspace.select_unit(edit.id)
                return True
            if values is not None:
                self.show_problems(problems_text(edit))
                return False
            dialog.show_problems(problems_text(edit))

    def may_change(self, uid: int) -> bool:
        """A unit of a field copy not handed over with it is changed only if the assessor says so (once)."""
        if self.session is None or not self.session.outside_copy(uid):
            return True
        from ui.field_copy_banner import ask_change_outside  # only a field copy needs it
        return ask_change_outside(self, self.session, uid)

    def edit_unit(self) -> None:
        from ui.dialogs import UnitDialog
        uid = self.current_unit_id()
        if uid is None or not self.may_change(uid):
            return
        unit = self.session.unit(uid)
        dialog = UnitDialog(self.session.rules, unit, self)
        while dialog.exec() == UnitDialog.DialogCode.Accepted:
            values = dialog.values()
            changes = {k: v for k, v in values.items()
                       if v != {"kinds": list(unit.kinds), "licence_numbers": dict(unit.licence_numbers)}.get(k, getattr(unit, k))}
            if not changes:
                return
            edit = self.session.update_unit(self.tr("编辑运营单位"), uid, **changes)
            if edit.ok:
                return
            dialog.show_problems(problems_text(edit))

    def remove_unit(self, confirm: bool = True) -> bool:
        from PySide6.QtWidgets import QMessageBox
        uid = self.current_unit_id()
        if uid is None or not self.may_change(uid):
            return False
        name = self.session.unit(uid).name
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("删除运营单位"),
                              self.tr("确定删除“{name}”及其全部考核数据吗？\n删除会记入审计记录，可用“撤销”（Ctrl+Z）恢复。")
                              .format(name=name), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.button(QMessageBox.StandardButton.Yes).setText(self.tr("删除"))
            box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
            if box.exec() != QMessageBox.StandardButton.Yes:
                return False
        edit = self.session.remove_unit(self.tr("删除运营单位“{name}”").format(name=name), uid)
        if not edit.ok:
            self.show_problems(problems_text(edit))
        return edit.ok

    def mark_current_final(self, final: bool) -> None:
        uid, session = self.current_unit_id(), self.session
        if uid is not None and session is not None and self.may_change(uid):
            from ui.final_question import final_confirmed  # asked only when marking
            if final and not final_confirmed(self, session, [uid]):
                return
            edit = session.mark_final(self.tr("标记数据已定稿") if final else self.tr("取消定稿"), [uid], final)
            if not edit.ok:
                self.show_problems(problems_text(edit))

    # ---------------------------------------------------------------- feedback

    def edited(self) -> None:
        self.undo.update()
        saved = self.tr("已自动保存 {time}").format(time=time.strftime("%H:%M:%S"))
        withdrawn = self.session.take_final_withdrawn() if self.session is not None else None
        if withdrawn is not None:  # said longer: the year's ranking is 暂定 again
            self.statusBar().showMessage(self.tr("{saved}。{withdrawn}撤销这次修改即恢复定稿。").format(
                saved=saved, withdrawn=render(withdrawn)), 15000)
            return
        self.statusBar().showMessage(saved, 5000)

    def handle_fault(self, exc: BaseException, title: str = "") -> None:
        """An edit that failed with a fault (disk full, file removed or turned read-only …) left the
        file as it was: say so, then show the file's state again so the screen does not keep the
        value that was not saved. Work that edits nothing (a check, a copy) gives its own `title`."""
        if isinstance(exc, DatasetError):
            texts = [faults.said(exc.msg)]
        else:
            texts = [render(Msg.of("os.edit_not_saved", reason=render(os_errors.reason(exc))))
                     if isinstance(exc, OSError) else faults.sentence(exc)]
        if self.session is not None:
            try:
                self.session.refresh(None)
            except Exception as again:  # the file itself is gone or unreadable: say that too
                texts.append(faults.said(again.msg) if isinstance(again, DatasetError) else str(again))
        self.show_problems(texts, title)

    def show_problems(self, texts: list[str], title: str = "") -> None:
        """Say what went wrong in a box titled `title`. Left out, it is 未保存, which only fits an edit that was
        refused or failed: anything else (opening, a check, a copy, a hint about the selection) names itself
        (tests/ui/test_desktop_box_titles.py holds every caller to that)."""
        from PySide6.QtWidgets import QMessageBox
        if not texts:
            return
        self.last_problems = list(texts)
        self.last_problems_title = title or self.tr("未保存")
        self.statusBar().showMessage(texts[0], 15000)
        if not getattr(self, "quiet_problems", False):
            box = QMessageBox(QMessageBox.Icon.Warning, self.last_problems_title, "\n".join(texts),
                              QMessageBox.StandardButton.Ok, self)
            box.button(QMessageBox.StandardButton.Ok).setText(self.tr("确定"))
            box.exec()
