"""Qt's own file dialog (where the system lends none) made readable: wide enough for its columns, sizes in KB
and MB, the program's own files called 年度数据文件."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QIdentityProxyModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QHeaderView, QTreeView, QWidget

SIZE_COLUMN, TYPE_COLUMN, DATE_COLUMN = 1, 2, 3
# the program's own files by the bureau's name for them, not the system's (SQLite3 数据库)
OWN_TYPES = {".wjkh": "年度数据文件", ".sqlite": "年度数据文件"}
# the widest a column's cells say, in the words the dialog uses (its header beside them is measured too)
SAMPLES = {SIZE_COLUMN: "999.9 MB", TYPE_COLUMN: "Microsoft Excel 工作表", DATE_COLUMN: "2026/12/31 23:59"}
LEAST_SIZE = (980, 560)  # the dialog's own default, about 520 pixels wide, cut every column but the name


def file_size_text(size: int) -> str:
    """A file's size as Chinese programs show it: 字节 under a kilobyte, then KB, MB, GB (of 1,024)."""
    if size < 1024:
        return f"{size} 字节"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "KB" else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


class BureauColumns(QIdentityProxyModel):
    """The file system model as it is, but sizes in KB and MB (Qt says KiB and MiB) and the program's own
    files' type as 年度数据文件."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.column() in (SIZE_COLUMN, TYPE_COLUMN) and role == Qt.ItemDataRole.DisplayRole:
            source = self.sourceModel()
            found = self.mapToSource(index)
            if isinstance(source, QFileSystemModel) and not source.isDir(found):
                if index.column() == SIZE_COLUMN:
                    return file_size_text(source.size(found))
                own = OWN_TYPES.get("." + source.fileInfo(found).suffix().lower())
                if own is not None:
                    return own
        return super().data(index, role)


def fit(dialog: QFileDialog) -> None:
    """Once per dialog: its size and columns, and its sizes' unit. A system's own dialog is left to the system."""
    if dialog.property("leyeFitted") or dialog.findChild(QTreeView) is None:  # done, or the system's own
        return
    dialog.setProperty("leyeFitted", True)
    if dialog.proxyModel() is None:
        dialog.setProxyModel(BureauColumns(dialog))
    screen = dialog.screen().availableGeometry()
    width = min(max(dialog.width(), LEAST_SIZE[0]), int(screen.width() * 0.9))
    height = min(max(dialog.height(), LEAST_SIZE[1]), int(screen.height() * 0.9))
    if (width, height) != (dialog.width(), dialog.height()):
        dialog.resize(width, height)
        dialog.move(screen.center() - dialog.rect().center())
    tree: Any = dialog.findChild(QTreeView)
    header = tree.header()
    metrics = tree.fontMetrics()
    room = 0
    for column, sample in SAMPLES.items():
        title = str(tree.model().headerData(column, Qt.Orientation.Horizontal) or "")
        wide = max(metrics.horizontalAdvance(sample), header.fontMetrics().horizontalAdvance(title)) + 24
        header.resizeSection(column, wide)
        room += wide
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(0, max(200, tree.viewport().width() - room))


class FileDialogFitter(QObject):
    """Fits each of Qt's file dialogs as it first takes the focus: the program opens them in some twenty places,
    mostly through QFileDialog's static functions, which give no chance to fit them before they are shown."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        app.focusChanged.connect(self._focus_moved)

    def _focus_moved(self, _old: QWidget | None, now: QWidget | None) -> None:
        window = now.window() if now is not None else None
        if isinstance(window, QFileDialog):
            fit(window)


def fit_file_dialogs() -> None:
    """From now on each of Qt's file dialogs is fitted as it opens (kept alive by the application, its parent)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        FileDialogFitter(app)
