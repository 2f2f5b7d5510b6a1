"""Handwritten signatures: a pad to sign on with the mouse, a pen or a finger, the dialog that stores
a signature (signer's name, role and title) in the dataset, and the dialog that lists, shows and
removes a unit's signatures. The stored PNG (transparent background) is drawn on the signature line
of the PDF documents by core/pdf/export.py."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QEvent, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.editing.session import Session
from ui.dialogs import error_label
from ui.models import local_time, problems_text

INK = QColor(20, 30, 110)
BASE_WIDTH = 2.6  # px on screen at the pad's scale; a pen's pressure makes it 0.5×–1.5×
MOUSE_PRESSURE = 0.5
EXPORT_SCALE = 2.0  # the stored picture has twice the pad's resolution (sharp when printed)
DOCUMENTS = ("record", "sheet", "summary")
ROLES = {"record": ("assessor", "representative"), "sheet": ("assessor", "reviewer"),
         "summary": ("assessor", "reviewer")}


def document_text(document: str) -> str:
    return {"record": QCoreApplication.translate("SignaturePad", "现场核查记录"),
            "sheet": QCoreApplication.translate("SignaturePad", "考核评分表"),
            "summary": QCoreApplication.translate("SignaturePad", "考核结果汇总表")}.get(document, document)


def role_text(role: str) -> str:
    return {"assessor": QCoreApplication.translate("SignaturePad", "考核人员"),
            "representative": QCoreApplication.translate("SignaturePad", "运营单位代表"),
            "reviewer": QCoreApplication.translate("SignaturePad", "复核人")}.get(role, role)


@dataclass
class Stroke:
    points: list[QPointF]
    pressures: list[float]


def paint_strokes(painter: QPainter, strokes: list[Stroke]) -> None:
    """Each stroke as quadratic curves through the midpoints of its samples (smooth, no corners), the
    width following the pen's pressure."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for stroke in strokes:
        points, pressures = stroke.points, stroke.pressures
        if len(points) == 1:
            width = BASE_WIDTH * (0.5 + pressures[0])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(INK)
            painter.drawEllipse(points[0], width / 2, width / 2)
            continue
        start = points[0]
        for i in range(1, len(points)):
            end = points[i] if i == len(points) - 1 else (points[i] + points[i + 1]) / 2
            path = QPainterPath(start)
            if i == len(points) - 1:
                path.lineTo(end)
            else:
                path.quadTo(points[i], end)
            pen = QPen(INK, BASE_WIDTH * (0.5 + pressures[i]), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            start = end


class SignaturePad(QWidget):
    """Sign here: mouse, pen (pressure-sensitive) or touch. `to_png()` gives the signature cropped to
    its ink on a transparent background."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.strokes: list[Stroke] = []
        self._drawing = False
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(QSize(480, 180))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(self.tr("用鼠标、手写笔或手指在框内签名"))

    # ---------------------------------------------------------------- state

    def is_empty(self) -> bool:
        return not self.strokes

    def clear(self) -> None:
        self.strokes.clear()
        self._drawing = False
        self.update()
        self.changed.emit()

    def undo_stroke(self) -> None:
        if self.strokes:
            self.strokes.pop()
            self._drawing = False
            self.update()
            self.changed.emit()

    def _begin(self, point: QPointF, pressure: float) -> None:
        self.strokes.append(Stroke([QPointF(point)], [pressure]))
        self._drawing = True
        self.update()

    def _extend(self, point: QPointF, pressure: float) -> None:
        if not self._drawing or not self.strokes:
            return
        stroke = self.strokes[-1]
        last = stroke.points[-1]
        if abs(point.x() - last.x()) + abs(point.y() - last.y()) < 1.0:  # jitter: no new sample
            return
        stroke.points.append(QPointF(point))
        stroke.pressures.append(pressure)
        self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    # ---------------------------------------------------------------- input

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), MOUSE_PRESSURE)
            event.accept()

    def mouseMoveEvent(self, event) -> None:
        self._extend(event.position(), MOUSE_PRESSURE)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position(), MOUSE_PRESSURE)
            self._end()
            event.accept()

    def tabletEvent(self, event) -> None:
        # accepted, so Qt does not also send the same movement as mouse events
        kind = event.type()
        pressure = max(0.05, min(1.0, event.pressure()))
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), pressure)
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        event.accept()

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            points = event.points()
            if points:
                position = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(position, MOUSE_PRESSURE)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(position, MOUSE_PRESSURE)
            if kind in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
                self._end()
            event.accept()
            return True
        return super().event(event)

    # ---------------------------------------------------------------- drawing and the stored picture

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor(170, 170, 170), 1, Qt.PenStyle.DashLine))
        baseline = self.height() * 0.72
        painter.drawLine(QPointF(24, baseline), QPointF(self.width() - 24, baseline))
        painter.setPen(QColor(150, 150, 150))
        painter.drawText(QPointF(24, baseline - 8), "×")
        if self.is_empty():
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("请在此处签名"))
        paint_strokes(painter, self.strokes)
        painter.setPen(QPen(QColor(120, 120, 120), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    def ink_rect(self) -> QRectF:
        xs = [p.x() for s in self.strokes for p in s.points]
        ys = [p.y() for s in self.strokes for p in s.points]
        margin = BASE_WIDTH * 1.5 + 6
        return QRectF(min(xs) - margin, min(ys) - margin, max(xs) - min(xs) + 2 * margin,
                      max(ys) - min(ys) + 2 * margin)

    def to_image(self) -> QImage:
        """The ink only, cropped, at EXPORT_SCALE, on a transparent background."""
        rect = self.ink_rect()
        image = QImage(max(1, round(rect.width() * EXPORT_SCALE)), max(1, round(rect.height() * EXPORT_SCALE)),
                       QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.scale(EXPORT_SCALE, EXPORT_SCALE)
        painter.translate(-rect.topLeft())
        paint_strokes(painter, self.strokes)
        painter.end()
        return image

    def to_png(self) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.to_image().save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())


class SignatureDialog(QDialog):
    """Sign one line of a document: which document and role, the signer's name and title, the pad.
    Saving stores the signature in the dataset (audited, undoable)."""

    def __init__(self, session: Session, unit_id: int | None, document: str = "sheet", parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.unit_id = unit_id
        self.saved_id: int | None = None
        self.setWindowTitle(self.tr("手写签名"))
        layout = QVBoxLayout(self)
        unit = session.unit(unit_id).name if unit_id is not None else self.tr("（未选择运营单位）")
        form = QFormLayout()
        form.addRow(self.tr("运营单位"), QLabel(unit))
        self.document = QComboBox()
        for kind in DOCUMENTS:
            if kind != "summary" and unit_id is None:
                continue
            self.document.addItem(document_text(kind), kind)
        self.document.setCurrentIndex(max(0, self.document.findData(document)))
        self.role = QComboBox()
        self.name = QLineEdit()
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("如：考核组长（可不填）"))
        form.addRow(self.tr("签署的文件"), self.document)
        form.addRow(self.tr("签名角色"), self.role)
        form.addRow(self.tr("签名人姓名"), self.name)
        form.addRow(self.tr("职务"), self.title)
        layout.addLayout(form)
        hint = QLabel(self.tr("请在下框内签名（鼠标、手写笔或手指均可）："))
        layout.addWidget(hint)
        self.pad = SignaturePad()
        layout.addWidget(self.pad, 1)
        row = QHBoxLayout()
        self.undo_button = QPushButton(self.tr("撤销一笔"))
        self.clear_button = QPushButton(self.tr("清除重签"))
        self.save_button = QPushButton(self.tr("保存签名"))
        self.save_button.setDefault(True)
        cancel = QPushButton(self.tr("取消"))
        for b in (self.undo_button, self.clear_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(cancel)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.undo_button.clicked.connect(self.pad.undo_stroke)
        self.clear_button.clicked.connect(self.pad.clear)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        self.document.currentIndexChanged.connect(self._document_changed)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.pad.changed.connect(self._check)
        self.name.textChanged.connect(self._check)
        self.name.textEdited.connect(self._name_typed)
        self._filled_title = ""  # the title this dialog filled in for the name it filled in (none typed)
        self._document_changed()
        self.resize(720, 520)

    def _document_changed(self) -> None:
        role = self.role.currentData()
        self.role.blockSignals(True)
        self.role.clear()
        for r in ROLES[self.document.currentData()]:
            self.role.addItem(role_text(r), r)
        self.role.setCurrentIndex(max(0, self.role.findData(role)))
        self.role.blockSignals(False)
        self._role_changed()

    def assessor_name(self) -> str:
        return self.session.assessor.name if self.session.assessor else ""

    def _role_changed(self) -> None:
        role = self.role.currentData()
        if role == "assessor":
            self.name.setText(self.assessor_name())
            self._filled_title = self.session.assessor.role if self.session.assessor else ""
        elif role == "representative" and self.unit_id is not None:
            self.name.setText(self.session.unit(self.unit_id).contact_person)
            self._filled_title = ""
        else:
            self.name.clear()
            self._filled_title = ""
        self.title.setText(self._filled_title)
        self._check()

    def _name_typed(self, text: str) -> None:
        """A title filled in belongs to the name filled in with it: another name typed takes the title the year
        records for that assessor, else none (a title typed by the assessor stays)."""
        if self.title.text() != self._filled_title:
            return
        recorded = {a.name: a.role for a in self.session.assessors()} if self.role.currentData() == "assessor" else {}
        self._filled_title = recorded.get(text.strip(), "")
        self.title.setText(self._filled_title)

    def _check(self) -> None:
        problem = ""
        if self.pad.is_empty():
            problem = self.tr("请先在框内签名。")
        elif not self.name.text().strip():
            problem = self.tr("请填写签名人姓名。")
        self.error.setText(problem)
        self.save_button.setEnabled(not problem)

    def save(self) -> bool:
        self._check()
        if not self.save_button.isEnabled():
            return False
        document = self.document.currentData()
        edit = self.session.add_signature(
            self.tr("手写签名"), None if document == "summary" else self.unit_id, document, self.role.currentData(),
            self.name.text().strip(), self.pad.to_png(), self.title.text().strip())
        if not edit.ok:
            self.error.setText("\n".join(problems_text(edit)))
            return False
        self.saved_id = edit.id
        self.accept()
        return True


def signature_pixmap(png: bytes, size: QSize) -> QPixmap:
    image = QImage.fromData(png)
    if image.isNull():
        return QPixmap()
    return QPixmap.fromImage(image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))


class SignaturesDialog(QDialog):
    """A unit's handwritten signatures (and the year summary's): who signed which document in which
    role and when; the selected one is shown; signing anew and removing (after confirmation)."""

    COLUMNS = 5

    def __init__(self, session: Session, unit_id: int | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.unit_id = unit_id
        self.ids: list[int] = []
        self.setWindowTitle(self.tr("手写签名管理"))
        layout = QVBoxLayout(self)
        unit = session.unit(unit_id).name if unit_id is not None else ""
        heading = QLabel(self.tr("运营单位：{unit}").format(unit=unit) if unit else self.tr("考核结果汇总表的签名"))
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels([self.tr("文件"), self.tr("角色"), self.tr("姓名"), self.tr("职务"),
                                              self.tr("签名时间")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_selected)
        layout.addWidget(self.table, 1)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(150)
        self.preview.setFrameShape(QFrame.Shape.Box)
        self.preview.setStyleSheet("background: white; color: #777;")
        layout.addWidget(self.preview)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("签名…"))
        self.remove_button = QPushButton(self.tr("删除所选签名…"))
        close = QPushButton(self.tr("关闭"))
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.sign)
        self.add_button.setEnabled(not self.session.read_only)
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        close.clicked.connect(self.accept)
        self.reload()
        self.resize(760, 520)

    def signatures(self):
        found = self.session.signatures(self.unit_id) if self.unit_id is not None else []
        return found + self.session.signatures(None)

    def reload(self) -> None:
        signatures = self.signatures()
        self.ids = [s.id for s in signatures]
        self.table.setRowCount(len(signatures))
        for row, s in enumerate(signatures):
            for column, text in enumerate((document_text(s.document), role_text(s.role), s.name, s.title,
                                           local_time(s.signed_at))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if signatures:
            self.table.selectRow(len(signatures) - 1)
        self._show_selected()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        sid = self.ids[rows[0].row()]
        return next((s for s in self.signatures() if s.id == sid), None)

    def _show_selected(self) -> None:
        s = self.selected()
        self.remove_button.setEnabled(s is not None and not self.session.read_only)
        if s is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self.tr("尚无签名。点“签名…”在签名板上签名。") if not self.ids else "")
            return
        self.preview.setText("")
        self.preview.setPixmap(signature_pixmap(s.png, QSize(560, 140)))

    def sign(self) -> None:
        dialog = SignatureDialog(self.session, self.unit_id, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def remove_selected(self, confirm: bool = True) -> bool:
        s = self.selected()
        if s is None:
            return False
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("删除签名"),
                              self.tr("确定删除{name}在{document}上的签名（{role}）吗？\n删除会记入审计记录，可用“撤销”恢复。")
                              .format(name=s.name, document=document_text(s.document), role=role_text(s.role)),
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.button(QMessageBox.StandardButton.Yes).setText(self.tr("删除"))
            box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
            if box.exec() != QMessageBox.StandardButton.Yes:
                return False
        edit = self.session.remove_signature(self.tr("删除签名"), s.id)
        if not edit.ok:
            QMessageBox.warning(self, self.tr("未删除"), "\n".join(problems_text(edit)))
            return False
        self.reload()
        return True
