"""文件 → 恢复备份…: a year's backups (the open year's, or those of a year file chosen while none is open, a
damaged one among them), newest first, each with its time and what was done just before it (from its audit
trail; a file kept aside by a restore, or a backup of a year found changed, marked when it holds a change made
outside the program), and for the one chosen what restoring it would undo and where the current file would be kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.common.messages import Msg, render
from core.store import backup, recovery
from core.store.backup_story import last_edit
from ui.editors.base import wrapped

CHANGED_COLOUR = QColor("#a0281e")  # a backup holding a change made outside the program
Notice = Callable[[Path, Path], list[Msg]]  # (backup chosen, where the current file is kept) -> what to say


class RestoreDialog(QDialog):
    """Lists the backups of the year file `path`; accepted, `chosen` is the backup to restore and `at` the time
    the replaced file's copy is named by (the text said that name). `rules` name what was done before each
    backup (None: not named); `notice` says what restoring one undoes; `damaged`: the year file cannot be
    read (it is kept as a damaged file)."""

    def __init__(self, path: Path, rules: Any, notice: Notice, damaged: bool = False, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("恢复备份"))
        self.path, self.notice_of, self.damaged = path, notice, damaged
        self.backups = backup.list_backups(path)
        self.chosen: Path | None = None
        self.at = dt.datetime.now()
        layout = QVBoxLayout(self)
        if damaged:
            heading = self.tr("{file} 已损坏，不能打开。以下是它的备份（最新的在前），选择一份用来恢复。")
        else:
            heading = self.tr("{file} 的备份（最新的在前）。选择一份，下方说明恢复它会撤销哪些修改。")
        title = QLabel(heading.format(file=path.name))
        title.setWordWrap(True)
        layout.addWidget(title)
        self.table = QTableWidget(len(self.backups), 3)
        self.table.setHorizontalHeaderLabels([self.tr("备份时间"), self.tr("备份前最后的操作"), self.tr("备份文件")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        changed = recovery.outside_changes(path, self.backups)  # the files kept aside, the unnoted backups
        for row, info in enumerate(self.backups):
            done = last_edit(info.path, rules) if rules is not None else None
            what = render(done) if done is not None else self.tr("（无法读取）")
            kind = self.tr("恢复前另存的文件") if info.label == backup.LABEL_BEFORE_RESTORE else \
                self.tr("恢复前另存的损坏文件") if info.label else ""
            found = changed.get(info.path)
            if found:
                mark = render(Msg.of("backup.outside_mark"))
                kind = self.tr("{kind}（{mark}）").format(kind=kind, mark=mark) if kind else mark
            if kind:
                what = self.tr("{kind}　{what}").format(kind=kind, what=what)
            for column, text in enumerate((info.taken_at.strftime("%Y-%m-%d %H:%M:%S"), what, info.name)):
                item = QTableWidgetItem(text)
                item.setToolTip("\n".join([text, *(render(p.message) for p in found or ())]))
                if found:
                    item.setForeground(CHANGED_COLOUR)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.notice = wrapped()
        layout.addWidget(self.notice)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(self.tr("恢复所选备份…"), QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)  # Enter closes: a restore undoes edits, it must be chosen
        self.restore_button.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._selected)
        self.restore_button.setEnabled(False)
        self.notice.setText(self.tr("没有备份。") if not self.backups else self.tr("请选择一份备份。"))
        self.resize(900, 520)

    def lines(self) -> list[str]:
        """What restoring the selected backup undoes and where the current file is kept."""
        assert self.chosen is not None  # as ui.audit_actions.restore_lines, which imports this module
        kept = recovery.kept_name(self.path, self.at, damaged=self.damaged)
        return [render(m) for m in self.notice_of(self.chosen, kept)]

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.chosen = self.backups[rows[0].row()].path if rows else None
        self.restore_button.setEnabled(self.chosen is not None)
        if self.chosen is not None:
            self.at = dt.datetime.now()
            *undone, kept = self.lines()
            self.notice.setText("\n".join([*undone, "", kept]))
