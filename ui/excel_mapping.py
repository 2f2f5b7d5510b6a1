"""The column-mapping dialog of the Excel import: a layout the reader cannot recognise is mapped by
the assessor (each field of the kind ↔ one of the file's header cells), and the mapping chosen is
remembered (QSettings, by kind and header cells) and used by itself the next time the same layout
comes in."""

from __future__ import annotations

import json
from typing import Any, Mapping

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.common.messages import Msg, render
from core.excel.kinds import import_spec
from core.excel.mapping import MappingQuestion

MAPPINGS_SETTING = "excel/mappings"  # + "/<kind>/<hash of the header cells>": JSON {field: header}
BAD = "#b00020"


def kind_label(kind: str) -> str:
    return render(Msg.of(f"kind.{kind}"))


def field_label(field: str) -> str:
    return render(Msg.of(f"field.{field}"))



# ------------------------------------------------------------------ the remembered mappings

def remembered_mappings(settings: QSettings, kind: str) -> dict[str, dict[str, str]]:
    """Mapping key -> mapping, of every layout of this kind mapped before."""
    found = {}
    settings.beginGroup(f"{MAPPINGS_SETTING}/{kind}")
    try:
        for name in settings.childKeys():
            try:
                value = json.loads(str(settings.value(name)))
            except ValueError:
                continue
            if isinstance(value, dict):
                found[f"{kind}/{name}"] = {str(k): v for k, v in value.items() if isinstance(v, (str, int))}
    finally:
        settings.endGroup()
    return found


def remember_mapping(settings: QSettings, key: str, mapping: Mapping[str, Any]) -> None:
    settings.setValue(f"{MAPPINGS_SETTING}/{key}", json.dumps(dict(mapping), ensure_ascii=False))


# ------------------------------------------------------------------ the column mapping dialog

class MappingDialog(QDialog):
    """Each field of the kind ↔ one of the file's header cells, with a sample value of that column.
    Required fields (marked *) must have a column, and no column serves two fields."""

    def __init__(self, question: MappingQuestion, preset: Mapping[str, Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.question = question
        self.setWindowTitle(self.tr("指定列的对应关系"))
        kind = import_spec().kind(question.kind)
        intro = QLabel(self.tr("无法自动识别“{kind}”的表头（工作表“{sheet}”）。请为每一项选择文件中对应的列，带 * 的必须选择。"
                               "选择会被记住：以后导入表头相同的文件时自动使用。").format(
            kind=kind_label(question.kind), sheet=question.sheet))
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self._bold(self.tr("项目")), 0, 0)
        grid.addWidget(self._bold(self.tr("文件中的列")), 0, 1)
        grid.addWidget(self._bold(self.tr("该列第一个值")), 0, 2)
        chosen = {**question.found, **dict(preset or {})}
        self.combos: dict[str, QComboBox] = {}
        self.samples: dict[str, QLabel] = {}
        for row, field_id in enumerate(kind.fields, start=1):
            required = field_id in kind.required
            label = QLabel(field_label(field_id) + (" *" if required else ""))
            combo = QComboBox()
            combo.addItem(self.tr("（请选择）") if required else self.tr("（不导入）"), None)
            for choice in question.choices:
                combo.addItem(self.tr("{letter} 列　{header}").format(letter=choice.letter, header=choice.header),
                              choice.index)
            wanted = chosen.get(field_id)
            if isinstance(wanted, str):
                match = next((c.index for c in question.choices if c.header == wanted), None)
                combo.setCurrentIndex(max(0, combo.findData(match)) if match is not None else 0)
            elif isinstance(wanted, int):
                combo.setCurrentIndex(max(0, combo.findData(wanted - 1)))
            sample = QLabel()
            sample.setStyleSheet("color: #555;")
            sample.setMinimumWidth(220)
            combo.currentIndexChanged.connect(self._update)
            self.combos[field_id] = combo
            self.samples[field_id] = sample
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(sample, row, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(kind.fields) + 1, 1)  # spare height below the rows, not between them
        holder = QWidget()
        holder.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {BAD};")
        self.error.setWordWrap(True)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("按此对应检查"))
        self.box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.box)
        self._update()
        self.resize(760, min(640, 200 + 38 * len(kind.fields)))

    @staticmethod
    def _bold(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def choose(self, field_id: str, header: str | None) -> None:
        """Pick a field's column by its header text (None: no column)."""
        combo = self.combos[field_id]
        index = next((c.index for c in self.question.choices if c.header == header), None)
        combo.setCurrentIndex(0 if index is None else combo.findData(index))

    def _update(self) -> None:
        by_index = {c.index: c for c in self.question.choices}
        used: dict[int, list[str]] = {}
        for field_id, combo in self.combos.items():
            index = combo.currentData()
            self.samples[field_id].setText(
                "" if index is None else (by_index[index].sample or self.tr("（该列下方无数据）")))
            if index is not None:
                used.setdefault(index, []).append(field_id)
        kind = import_spec().kind(self.question.kind)
        missing = [field_label(f) for f in kind.required if self.combos[f].currentData() is None]
        twice = [(by_index[i], fields) for i, fields in used.items() if len(fields) > 1]
        problems = []
        if missing:
            problems.append(self.tr("尚未选择：{fields}").format(fields="、".join(missing)))
        for choice, fields in twice:
            problems.append(self.tr("{letter} 列同时对应了 {fields}").format(
                letter=choice.letter, fields="、".join(field_label(f) for f in fields)))
        self.error.setText("\n".join(problems))
        self.ok.setEnabled(not problems)

    def mapping(self) -> dict[str, str]:
        """Field id -> the header text as written (what core.excel.read takes, and finds the header row by)."""
        by_index = {c.index: c for c in self.question.choices}
        return {f: by_index[combo.currentData()].header for f, combo in self.combos.items()
                if combo.currentData() is not None}
