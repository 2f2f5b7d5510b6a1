"""What the window shows while no year is open: 新建年度, 打开 and the recently opened files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget


class StartPage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel(self.tr("“乐业吴江”就业协作联盟运营单位绩效考核"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        hint = QLabel(self.tr("没有打开的年度。新建一个年度，或打开已有的年度数据文件。"))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        self.new_button = QPushButton(self.tr("新建年度…"))
        self.open_button = QPushButton(self.tr("打开…"))
        for b in (self.new_button, self.open_button):
            b.setMinimumSize(QSize(160, 44))
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        recent_title = QLabel(self.tr("最近打开的文件（双击打开）"))
        recent_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(recent_title)
        self.recent = QListWidget()
        self.recent.setMaximumWidth(720)
        self.recent.setMaximumHeight(220)
        self.recent.itemActivated.connect(lambda item: self.recent_chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        holder = QHBoxLayout()
        holder.addStretch(1)
        holder.addWidget(self.recent, 4)
        holder.addStretch(1)
        layout.addLayout(holder)
        layout.addStretch(2)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{Path(path).name}　—　{Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.recent.addItem(item)
