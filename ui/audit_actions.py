"""What the window says about changes made to a year file outside the program (core/store/audit_check.py):
when opening finds one, or finds the file damaged, one plain sentence and the newest good backup offered for
restoring; 文件 → 核对数据文件…, the full proof of the open year in the background, with the same offer; and
文件 → 恢复备份…. Every restore says first which of the year's own edits it undoes and where the current file
is kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject

from core.common.messages import Msg, render
from core.common.problems import Problem
from core.store.files import DatasetError
from ui import faults

if TYPE_CHECKING:
    from core.editing.session import Session
    from core.store import backup
    from core.store.audit_check import Anchor, Report
    from core.store.dataset import Dataset
    from ui.main_window import MainWindow
    from ui.worker import Job, Worker

# The check, the restore, the worker and Qt's message box are imported when first used: a year that
# opens unchanged (nearly always) needs none of them.

SHOWN_PROBLEMS = 12  # a longer list ends with "另有 N 处"


def full_check(job: Job, copy: Dataset, anchors: Sequence[Anchor], path: Path) -> tuple[Report, backup.BackupInfo | None]:
    """The full check of a private copy of the year (Dataset.scratch_copy), in the worker's thread;
    when it finds a change, the newest backup that passes the full check too."""
    from core.store.dataset import newest_proved_backup
    def progress(done: int, total: int) -> bool:
        job.progress(done, total)
        return not job.cancelled
    try:
        report = copy.check_audit(progress, anchors=anchors)
    finally:
        copy.close()
    if report.ok or job.cancelled:
        return report, None
    job.progress(0, 0, QCoreApplication.translate("AuditActions", "正在查找完好的备份…"))
    return report, newest_proved_backup(path, lambda: job.cancelled)


@dataclass(frozen=True)
class Restore:
    """A backup chosen for restoring, and the time the question named the replaced file's copy by."""
    backup: Path
    at: dt.datetime


def restore_lines(year: Dataset | Session, path: Path, chosen: Restore) -> list[str]:
    """What restoring `chosen` over the open year undoes and where the current file is kept, as lines."""
    from core.store import recovery
    return [render(m) for m in year.restore_notice(chosen.backup, recovery.kept_name(path, chosen.at))]


def problem_lines(problems: Sequence[Problem]) -> list[str]:
    lines = [render(p.message) for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(render(Msg.of("audit.open_changed_more", count=len(problems) - SHOWN_PROBLEMS)))
    return lines


class AuditActions(QObject):
    """文件 → 核对数据文件… and the offer to restore; `window` is the main window."""

    def __init__(self, window: "MainWindow", menu) -> None:
        super().__init__(window)
        self.window = window
        self.check_action = window._action(menu, self.tr("核对数据文件…"), self.check_now)
        self.restore_action = window._action(menu, self.tr("恢复备份…"), self.choose_backup)
        self.worker: Worker | None = None
        self.last_report: Report | None = None

    def update(self) -> None:
        self.check_action.setEnabled(self.window.session is not None)
        # with no year open, a year file is chosen first (one too damaged to open among them)
        self.restore_action.setEnabled(self.window.session is None or not self.window.session.read_only)

    # ---------------------------------------------------------------- when a year opens

    def changed_outside(self, ds: Dataset) -> Restore | None:
        """Opening found the year changed outside the program: say so, offer the newest good backup.
        Returns the backup the assessor chose to restore, or None to go on with the file as it is."""
        from core.store import recovery
        good = recovery.newest_trusted(ds.path)
        return self.offer_restore(ds, ds.path, ds.audit_problems, good)

    def damaged(self, path: Path, exc: DatasetError) -> Restore | None:
        """Opening found the year file damaged (it cannot be opened at all): say so and offer its newest good
        backup, the damaged file kept beside the backups; cancelling is the default. Returns the backup the
        assessor chose to restore, or None (nothing was changed)."""
        from PySide6.QtWidgets import QMessageBox

        from core.store import backup, recovery
        from core.store.backup_story import damaged_restore_notice
        text = render(Msg.of("audit.open_damaged", file=path.name, detail=exc.msg.param("detail")))
        good = recovery.newest_trusted(path) or next(
            (b for b in backup.list_backups(path) if b.path == exc.good_backup), None)
        if good is None:
            self.window.show_problems([text, render(Msg.of("audit.open_no_backup"))], self.tr("未能打开"))
            return None
        chosen = Restore(good.path, dt.datetime.now())
        *undone, kept = (render(m) for m in damaged_restore_notice(path, good.path,
                                                                   recovery.kept_name(path, chosen.at, damaged=True)))
        advice = "\n".join([render(Msg.of("audit.open_restore", backup=good.name,
                                           time=good.taken_at.strftime("%Y-%m-%d %H:%M"))), *undone, "", kept])
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("数据文件已损坏"), text,
                          QMessageBox.StandardButton.NoButton, self.window)
        box.setInformativeText(advice)
        restore = box.addButton(self.tr("恢复该备份"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)  # Enter changes nothing: a restore must be chosen
        box.setEscapeButton(cancel)
        self.window.last_problems = [text, advice]
        self.window.statusBar().showMessage(text, 15000)
        box.exec()
        return chosen if box.clickedButton() is restore else None

    def offer_restore(self, year: Dataset | Session, path: Path, problems: Sequence[Problem],
                      good: backup.BackupInfo | None) -> Restore | None:
        """Say what changed outside the program and offer the good backup, saying which of the year's own
        edits restoring it would undo and where the current file is kept; going on is the default."""
        from PySide6.QtWidgets import QMessageBox
        text = render(Msg.of("audit.open_changed", file=path.name))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("数据文件在程序外被改动"), text,
                          QMessageBox.StandardButton.NoButton,
                          self.window)
        lines = problem_lines(problems)
        first = lines[0] + ("\n" + render(Msg.of("audit.open_see_details", count=len(problems) - 1))
                            if len(problems) > 1 else "")
        if good is not None:
            chosen = Restore(good.path, dt.datetime.now())
            *undone, kept = restore_lines(year, path, chosen)
            advice = "\n".join([render(Msg.of("audit.open_restore", backup=good.name,
                                               time=good.taken_at.strftime("%Y-%m-%d %H:%M"))),
                                *undone, "", kept])
        else:
            advice = render(Msg.of("audit.open_no_backup"))
        box.setInformativeText(f"{first}\n\n{advice}")
        box.setDetailedText("\n".join(lines))
        restore = box.addButton(self.tr("恢复该备份"), QMessageBox.ButtonRole.AcceptRole) if good else None
        keep = box.addButton(self.tr("仍然打开") if good else self.tr("确定"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter keeps the file as it is: restoring undoes edits, it must be chosen
        box.setEscapeButton(keep)
        self.window.last_problems = [text, *problem_lines(problems)]
        box.exec()
        return chosen if good is not None and box.clickedButton() is restore else None

    def restore_and_reopen(self, path: Path, chosen: Path, at: dt.datetime | None = None, *,
                           tell: bool = False, read_only: bool = False) -> bool:
        """Close the year, put the backup in its place (the replaced file is kept beside the backups)
        and open it again (`read_only`: as it was asked to be opened); with `tell`, then say where the
        replaced file was kept."""
        from core.store import recovery
        self.window.close_dataset(back_up=False)  # the file it replaces is kept whole instead
        try:
            kept = recovery.restore(path, chosen, at)
        except DatasetError as exc:
            self.window.show_problems([faults.said(exc.msg)], self.tr("未能恢复备份"))
            return False
        opened = self.window.open_dataset(path, read_only=read_only)
        if tell:
            self.said_restored(path, chosen, kept)
        return opened

    def said_restored(self, path: Path, chosen: Path, kept: Path | None) -> None:
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("已恢复备份"),
                          render(Msg.of("backup.restored", backup=chosen.name, file=path.name)),
                          QMessageBox.StandardButton.Ok, self.window)
        if kept is not None:
            from core.store import backup
            words = "backup.restored_kept_damaged" if kept.stem.endswith("-" + backup.LABEL_DAMAGED) else \
                "backup.restored_kept"
            box.setInformativeText(render(Msg.of(words, kept=kept.name, folder=kept.parent.name)))
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("确定"))
        self.window.statusBar().showMessage(box.text(), 30000)
        box.exec()

    # ---------------------------------------------------------------- 文件 → 恢复备份…

    def choose_backup(self) -> None:
        """The year's backups listed; the one chosen restored once the assessor has read what it undoes
        and where the current file is kept, and confirmed (going back is the default). With no year open,
        the year file is chosen first: one that cannot be opened, damaged, is restored from here."""
        from ui.restore_dialog import RestoreDialog
        session = self.window.session
        if session is None:
            self.choose_year_and_backup()
            return
        if session.read_only:
            return
        if session.busy is not None:
            self.window.show_problems([render(session.busy_edit().problems[0].message)], self.tr("未能恢复备份"))
            return
        self.window._flush()  # what was just typed is saved: it is among the edits a restore undoes
        path = session.file
        chosen = self._ask(RestoreDialog(path, session.rules, session.restore_notice, parent=self.window), path)
        if chosen is not None:
            self.restore_and_reopen(path, chosen.backup, chosen.at, tell=True)

    def choose_year_and_backup(self) -> None:
        """No year open: which year file (a damaged one too), then which of its backups."""
        from PySide6.QtWidgets import QFileDialog

        from core.store import recovery
        from core.store.backup_story import damaged_restore_notice
        from core.store.dataset import Dataset
        from core.store.files import is_locked, locked_error
        from ui.restore_dialog import RestoreDialog
        folder = str(self.window.settings.value("folder", "") or Path.home())
        name, _ = QFileDialog.getOpenFileName(self.window, self.tr("选择要恢复的年度数据文件"), folder,
                                              self.tr("年度数据文件 (*.wjkh *.sqlite)"))
        if not name:
            return
        path = Path(name)
        if path.exists() and is_locked(path):  # said at once, before its backups and what a restore undoes
            self.window.show_problems([faults.said(locked_error(path).msg)], self.tr("未能恢复备份"))
            return
        try:
            year = Dataset.open(path, read_only=True)  # a private copy: the file itself is not held
        except DatasetError as exc:
            if exc.code != "dataset.corrupt":
                self.window.show_problems([faults.said(exc.msg)], self.tr("未能恢复备份"))
                return
            dialog = RestoreDialog(path, recovery.backup_rules(path),
                                   lambda chosen, kept: damaged_restore_notice(path, chosen, kept),
                                   damaged=True, parent=self.window)
            chosen = self._ask(dialog, path)
        else:
            try:
                chosen = self._ask(RestoreDialog(path, year.rule_set(), year.restore_notice, parent=self.window), path)
            finally:
                year.close()
        if chosen is not None:
            self.restore_and_reopen(path, chosen.backup, chosen.at, tell=True)

    def _ask(self, dialog, path: Path) -> Restore | None:
        """The backup chosen in the RestoreDialog `dialog`, once restoring it over `path` is confirmed."""
        from PySide6.QtWidgets import QDialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return None
        chosen = dialog.chosen
        return Restore(chosen, dialog.at) if self.confirm(path, chosen, dialog.lines()) else None

    def confirm(self, path: Path, chosen: Path, lines: list[str]) -> bool:
        """Ask before restoring `chosen` over `path`, saying `lines` (what it undoes, then where the current
        file is kept); going back is the default."""
        from PySide6.QtWidgets import QMessageBox
        question = self.tr("用备份 {backup} 替换年度数据文件 {file}？").format(backup=chosen.name, file=path.name)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("恢复备份"), question, QMessageBox.StandardButton.NoButton,
                          self.window)
        if lines:
            *undone, kept = lines
            box.setInformativeText("\n".join([*undone, "", kept]) if undone else kept)
        restore = box.addButton(self.tr("恢复"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is restore

    # ---------------------------------------------------------------- a backup chosen with 打开…

    def opened_backup(self, path: Path, found: backup.FoundBackup) -> str | None:
        """文件 → 打开… found `path` to be a backup of a year file (in its backups folder, or elsewhere by its own
        mark): say so, and offer to view it read-only (the default) or to restore the year from it. Returns "view",
        "restore", or None (取消)."""
        from PySide6.QtWidgets import QMessageBox

        from core.store.recovery import whose
        time = found.info.taken_at.strftime("%Y-%m-%d %H:%M")
        if found.year_file is not None:
            year = found.year_file.name
            text = render(Msg.of("backup.is_backup", file=path.name, year=year, time=time))
            choices = render(Msg.of("backup.is_backup_choices", year=year))
            restore_words = self.tr("用它恢复 {year}…").format(year=year)
        else:
            text = render(Msg.of("backup.is_backup_elsewhere", file=path.name, whose=whose(found), time=time))
            choices = render(Msg.of("backup.is_backup_elsewhere_choices"))
            restore_words = self.tr("用它恢复…")
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("这是备份"), text, QMessageBox.StandardButton.NoButton,
                          self.window)
        box.setInformativeText(choices)
        view = box.addButton(self.tr("只读查看"), QMessageBox.ButtonRole.AcceptRole)
        restore = box.addButton(restore_words, QMessageBox.ButtonRole.ActionRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(view)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return "view" if clicked is view else "restore" if clicked is restore else None

    def year_to_restore(self, found: backup.FoundBackup) -> Path | None:
        """The year file to restore from a backup found outside its backups folder, chosen by the assessor (it may
        be gone: the restore puts it back), offered by the name the backup gives it in the last folder used; a year
        file of another year is refused, said why. None when none is chosen."""
        from PySide6.QtWidgets import QFileDialog

        from core.store.recovery import other_year
        folder = Path(str(self.window.settings.value("folder", "") or Path.home()))
        year = found.year if found.year is not None else ""
        title = render(Msg.of("backup.choose_year_to_restore", backup=found.info.name, year=year))
        dialog = QFileDialog(self.window, title, str(folder / found.year_name) if found.year_name else str(folder),
                             self.tr("年度数据文件 (*.wjkh *.sqlite)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)  # the year file may be gone: the restore puts it back
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)  # the restore's own question says what it replaces
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, self.tr("选择"))
        dialog.setDefaultSuffix("wjkh")
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        path = Path(dialog.selectedFiles()[0])
        refusal = other_year(path, found.info.path)
        if refusal is not None:
            self.window.show_problems([render(refusal)], self.tr("未能恢复备份"))
            return None
        return path

    def restore_from_backup(self, year: Path, chosen: Path) -> bool:
        """Restore the year file `year` from its backup `chosen` once the assessor has read what it undoes and
        confirmed; the year is open afterwards. True when restored and open."""
        at = dt.datetime.now()
        session = self.window.session
        open_now = session is not None and session.file.resolve() == year.resolve()
        if session is not None and open_now:
            if session.busy is not None:
                self.window.show_problems([render(session.busy_edit().problems[0].message)], self.tr("未能恢复备份"))
                return False
            self.window._flush()  # what was just typed is saved: it is among the edits a restore undoes
            lines = restore_lines(session, year, Restore(chosen, at))
        else:
            from core.store.files import is_locked, locked_error
            if year.exists() and is_locked(year):  # held elsewhere: said before what a restore would undo
                self.window.show_problems([faults.said(locked_error(year).msg)], self.tr("未能恢复备份"))
                return False
            lines = self._closed_year_notice(year, chosen, at)
        if not self.confirm(year, chosen, lines):
            return False
        if not open_now:
            self.window.close_dataset()  # the year open until now, backed up as any year closed
        return self.restore_and_reopen(year, chosen, at, tell=True)

    @staticmethod
    def _closed_year_notice(year: Path, chosen: Path, at: dt.datetime) -> list[str]:
        """What restoring `chosen` over the year file `year`, not open here, undoes and where the file is kept."""
        from core.store import recovery
        from core.store.backup_story import damaged_restore_notice
        from core.store.dataset import Dataset
        try:
            with Dataset.open(year, read_only=True) as ds:
                return [render(m) for m in ds.restore_notice(chosen, recovery.kept_name(year, at))]
        except DatasetError as exc:
            if exc.code == "dataset.corrupt":
                kept = recovery.kept_name(year, at, damaged=True)
                return [render(m) for m in damaged_restore_notice(year, chosen, kept)]
            return []  # no year file there (the restore puts it back), or one the restore says it cannot replace

    # ---------------------------------------------------------------- 文件 → 核对数据文件…

    def check_now(self) -> None:
        from ui.worker import Worker, progress_dialog
        session = self.window.session
        if session is None or self.worker is not None:
            return
        try:
            copy, anchors = session.check_material()
        except DatasetError as exc:
            self.window.show_problems([faults.said(exc.msg)], self.tr("未能核对"))
            return
        self.worker = Worker(full_check, copy, anchors, session.file, parent=self.window)
        self.worker.done.connect(self._checked)
        self.worker.failed.connect(lambda exc: self.window.handle_fault(exc, self.tr("未能核对")))
        self.worker.finished.connect(self._finished)
        progress_dialog(self.window, self.tr("正在核对数据文件…"), self.worker)
        self.worker.start()

    def _finished(self) -> None:
        self.worker = None

    def _checked(self, outcome: tuple[Report, backup.BackupInfo | None]) -> None:
        report, good = outcome
        self.last_report = report
        session = self.window.session
        if session is None:
            return
        path = session.file
        problems = list(report.problems)
        if report.broken is not None:
            problems.insert(0, Problem(path.name, "audit", "", Msg.of("dataset.audit_broken", file=path.name,
                                                                      seq=report.broken)))
        if not problems:
            from PySide6.QtWidgets import QMessageBox
            lines = [render(Msg.of("dataset.audit_intact", file=path.name, count=report.count, hash=report.head[:16]))]
            lines += [render(Msg.of("audit.anchor_ok" if r.later else "audit.anchor_same", source=r.anchor.source, seq=r.anchor.seq,
                                 later=r.later))
                      for r in report.anchors]
            lines += [render(m) for uid in session.unit_ids for m in session.credit_off_scale(uid)]
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("核对数据文件"), lines[0],
                              QMessageBox.StandardButton.Ok,
                              self.window)
            box.setInformativeText("\n".join(lines[1:]))
            box.button(QMessageBox.StandardButton.Ok).setText(self.tr("确定"))
            box.exec()
            return
        chosen = self.offer_restore(session, path, problems, good)
        if chosen is not None:
            self.restore_and_reopen(path, chosen.backup, chosen.at, tell=True)
