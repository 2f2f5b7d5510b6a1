"""The 文件 menu's 制作外业副本… and 合并外业副本… (the dialogs, the copy and the merge are ui/field_copies.py
and core/editing/field_work.py, imported when one of them is first used: the start does not need them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from core.common.messages import Msg, render
from core.store.files import DatasetError
from ui import faults

if TYPE_CHECKING:
    from core.editing.field_work import WayBack
    from core.editing.session import Session
    from core.store.dataset import Edit
    from core.teamwork.plan import MergePlan
    from ui.main_window import MainWindow


class FieldCopyActions(QObject):
    """The two actions of the 文件 menu; `window` is the main window."""

    def __init__(self, window: MainWindow, menu: Any) -> None:
        super().__init__(window)
        self.window = window
        self.copy_action = window._action(menu, self.tr("制作外业副本…"), self.make_copy)
        self.merge_action = window._action(menu, self.tr("合并外业副本…"), self.merge)
        self.out_action = window._action(menu, self.tr("尚未合并的外业副本…"), self.show_out)
        self.last_merge: tuple[Session, Path, WayBack] | None = None  # the session's last merge: its way back

    def update(self) -> None:
        session = self.window.session
        if self.last_merge is not None and self.last_merge[0] is not session:  # its year closed: let go of it
            self.last_merge = None
        self.copy_action.setEnabled(session is not None)
        self.merge_action.setEnabled(session is not None and not session.read_only)
        self.out_action.setEnabled(session is not None)

    def _folder(self) -> str:
        session = self.window.session
        return str(session.file.parent) if session is not None else ""

    # ---------------------------------------------------------------- 制作外业副本…

    def make_copy(self) -> None:
        session = self.window.session
        if session is None:
            return
        from PySide6.QtWidgets import QDialog, QFileDialog

        from core.common.file_names import with_extension
        from core.editing import field_work
        from core.store.dataset import YEAR_FILE_SUFFIX
        from ui.field_copies import FieldCopyDialog
        from ui.worker import Worker, progress_dialog, run_to_end
        dialog = FieldCopyDialog(self.window, [a.name for a in session.assessors()],
                                 [session.unit(uid).name for uid in session.unit_ids])
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        assessor, units = dialog.values()
        suggested = Path(self._folder()) / f"{session.file.stem}-外业-{assessor}.wjkh"
        target, _ = QFileDialog.getSaveFileName(self.window, self.tr("保存外业副本"), str(suggested),
                                                self.tr("年度数据文件 (*.wjkh)"))
        if not target:
            return
        path = with_extension(Path(target), YEAR_FILE_SUFFIX)
        try:
            year = field_work.material(session)
        except DatasetError as exc:
            self.window.show_problems([faults.said(exc.msg)], self.tr("未能制作外业副本"))
            return
        worker = Worker(lambda job: field_work.make_copy(year, path, assessor, session.by, units), parent=self.window)
        progress_dialog(self.window, self.tr("正在制作外业副本…"), worker)
        outcome = run_to_end(worker)
        if "error" in outcome:
            self._fault(outcome["error"], self.tr("未能制作外业副本"))
            return
        mark = outcome.get("done")
        if mark is None:
            return
        said = [Msg.of("teamwork.copy_made", copy=path.name, assessor=mark.assessor, units=Msg.of(
            "teamwork.whole_year") if mark.units is None else Msg.of("teamwork.some_units", units=mark.units))]
        if session.read_only:  # the year cannot keep it: said, the copy stays (it was asked for)
            said.append(Msg.of("teamwork.copy_not_recorded", file=session.file.name,
                               problem=Msg.of("teamwork.read_only_year")))
        else:
            kept = session.record_field_copy(mark)
            if not kept.ok:  # a copy the year does not know of is not handed out: taken back
                path.unlink(missing_ok=True)
                self.window.show_problems([render(p.message) for p in kept.problems], self.tr("未能制作外业副本"))
                return
        self._inform(self.tr("外业副本已制作"), "\n".join(render(m) for m in said))

    def _inform(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("确定"))
        box.exec()

    def _fault(self, exc: BaseException, title: str) -> None:
        if isinstance(exc, DatasetError):
            self.window.show_problems([faults.said(exc.msg)], title)
        else:
            self.window.handle_fault(exc, title)

    # ---------------------------------------------------------------- 尚未合并的外业副本…

    def show_out(self) -> None:
        """The field copies made from the year that have not been merged back: whose, which file, when, which units."""
        session = self.window.session
        if session is None:
            return
        from core.teamwork.field_copy import copy_out_words
        out = session.copies_out()
        if not out:
            said = Msg.of("teamwork.no_copies_out", file=session.file.name)
            self._inform(self.tr("尚未合并的外业副本"), render(said))
            return
        lines = [render(Msg.of("teamwork.copies_out_head", file=session.file.name, count=len(out)))]
        lines += [render(copy_out_words(c)) for c in out]
        lines.append(render(Msg.of("teamwork.copies_out_how")))
        self._inform(self.tr("尚未合并的外业副本"), "\n".join(lines))

    # ---------------------------------------------------------------- 合并外业副本…

    def merge(self) -> None:
        session = self.window.session
        if session is None or session.read_only:
            return
        from PySide6.QtWidgets import QDialog, QFileDialog

        from core.editing import field_work
        from ui.field_copies import MergeDialog
        from ui.worker import Worker, progress_dialog, run_to_end
        chosen, _ = QFileDialog.getOpenFileName(self.window, self.tr("选择外业副本"), self._folder(),
                                                self.tr("年度数据文件 (*.wjkh)"))
        if not chosen:
            return
        path = Path(chosen)
        try:
            year = field_work.material(session)
        except DatasetError as exc:
            self.window.show_problems([faults.said(exc.msg)], self.tr("不能合并"))
            return
        worker = Worker(lambda job: field_work.plan(year, path), parent=self.window)
        progress_dialog(self.window, self.tr("正在比较外业副本与年度文件…"), worker)
        outcome = run_to_end(worker)
        if "error" in outcome:
            self._fault(outcome["error"], self.tr("不能合并"))
            return
        plan: MergePlan | None = outcome.get("done")
        if plan is None:
            return
        if not plan.ok:
            self.window.show_problems([render(plan.problems[0].message)], self.tr("不能合并"))
            return
        if not plan.rows:
            if field_work.copy_still_out(session, plan):  # handed back unchanged: recorded merged back, not asked
                self.write_merge(path, {}, "", plan)
                return
            self._inform(self.tr("合并外业副本"), render(Msg.of(
                "teamwork.nothing_new", copy=path.name, file=session.file.name)))
            return
        dialog = MergeDialog(self.window, plan)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.write_merge(path, dialog.choices(), dialog.reason.text().strip(), plan)

    def write_merge(self, path: Path, choices: dict[int, str], reason: str, plan: MergePlan) -> Edit | None:
        session = self.window.session
        assert session is not None
        from core.editing import field_work
        from core.store.dataset import Edit
        from ui.field_copies import _Relay, _run_merge
        from ui.worker import Worker, progress_dialog, run_to_end
        relay = _Relay()
        way_back = field_work.WayBack()
        write = field_work.merge_write(session, path, choices, reason, relay, way_back)
        refusal = write.begin()
        if refusal is not None:
            self.window.show_problems([render(p.message) for p in refusal.problems], self.tr("不能合并"))
            return refusal
        worker = Worker(_run_merge, write, relay, parent=self.window)
        progress_dialog(self.window, self.tr("正在合并外业副本…"), worker, minimum_duration_ms=0)
        outcome = run_to_end(worker)
        if "error" in outcome:
            write.abandon()
            self._fault(outcome["error"], self.tr("未能合并"))
            return None
        edit = write.finish(outcome.get("done") or outcome.get("cancelled") or Edit())
        if not edit.ok:
            self.window.show_problems([render(p.message) for p in edit.problems], self.tr("未能合并"))
            return edit
        said = render(plan.merged_words(path.name, session.file.name, choices) if plan.rows else Msg.of(
            "teamwork.nothing_new_dealt", copy=path.name, file=session.file.name))
        if plan.held:
            said += "\n" + render(Msg.of("teamwork.held", count=len(plan.held), how=Msg.of("teamwork.held_how_menu")))
        for told in field_work.merge_finals(session, edit):
            said += "\n" + render(told)
        self.last_merge = (session, path, way_back)
        self.window.undo.update()
        if not way_back.exact(session):  # nothing was written (only held changes): nothing to undo
            self._inform(self.tr("合并外业副本"), said)
            return edit
        assert way_back.backup is not None
        said += "\n" + render(Msg.of("teamwork.merged_backup", backup=way_back.backup.name))
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("合并外业副本"), said, QMessageBox.StandardButton.Ok,
                          self.window)
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("确定"))
        undo = box.addButton(self.tr("撤销这次合并"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Ok)
        box.exec()
        if box.clickedButton() is undo:
            self.undo_merge(confirm=False)
        return edit

    # ---------------------------------------------------------------- 编辑 → 撤销 合并外业副本

    def way_back(self) -> tuple[str, Any] | None:
        """The undo of the open year's last merge, while nothing was edited since: its label and action."""
        if self.last_merge is None or self.last_merge[0] is not self.window.session:
            return None
        session, _, way_back = self.last_merge
        if session.busy is not None or not way_back.exact(session):
            return None
        return render(Msg.of("teamwork.undo_label")), self.undo_merge

    def undo_merge(self, confirm: bool = True) -> bool:
        """Put the backup taken just before the last merge in the year's place (the merged file is kept
        beside the backups) and open the year again: exactly the year before the merge."""
        found = self.way_back()
        if found is None or self.last_merge is None:
            return False
        session, copy, way_back = self.last_merge
        assert way_back.backup is not None
        backup, year = way_back.backup, session.file
        if confirm:
            from PySide6.QtWidgets import QMessageBox
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("撤销合并外业副本"), render(Msg.of(
                "teamwork.confirm_undo_merge", copy=copy.name, backup=backup.name, file=year.name)),
                QMessageBox.StandardButton.NoButton, self.window)
            go = box.addButton(self.tr("撤销合并"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not go:
                return False
        self.last_merge = None
        if not self.window.audit_actions.restore_and_reopen(year, backup):
            return False
        self._inform(self.tr("撤销合并外业副本"), render(Msg.of(
            "teamwork.merge_undone", copy=copy.name, file=year.name, backup=backup.name)))
        return True
