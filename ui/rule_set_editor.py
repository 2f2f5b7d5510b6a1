"""制定新年度细则: a form over a RuleSetDraft (core/scoring/rule_draft.py) — identity, each section and
clause (points, official text, parameters, evidence items), negative impact, grade quotas and readings —
checked as it is typed (every problem listed by item and reason, its field marked), saved as a
rule-set file to hand to colleagues and kept among this computer's rule sets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.common import os_errors
from core.common.atomic import write_atomically
from core.common.messages import render
from core.scoring import rule_library
from core.scoring.kinds import CURVES, KINDS
from core.scoring.rule_draft import ItemPath, RuleSetDraft
from core.scoring.rule_library import KnownRuleSet
from core.scoring.rule_problems import RuleProblem, word
from core.scoring.rules import GRADE_READINGS, RuleSet
from ui.screen_fit import resize_within_screen

TESTS = (">=", ">", "<=", "<")
BAD = "background: #fde7ea; border: 1px solid #b00020;"


def typed_number(text: str) -> Any:
    """A number as typed (12, 0.08); anything else stays text, for the check to name."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def typed_date(text: str) -> Any:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return text.strip()


def typed_ids(text: str) -> list[str]:
    """Evidence ids as typed, separated by 、 or commas."""
    return [t.strip() for t in text.replace(",", "、").replace("，", "、").split("、") if t.strip()]


def shown(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def reading_values(name: str) -> tuple[Any, ...] | None:
    """The values a reading's formula understands, when they are a fixed few."""
    for table in (*(kind.readings for kind in KINDS.values()), GRADE_READINGS):
        accepted = table.get(name)
        if isinstance(accepted, tuple):
            return accepted
    return None


class ChosenItems(QWidget):
    """Items chosen by their names, one box each: evidence items a parameter or reading lists by id, or the
    credit grades a kind of unit has. An id written that no item has is a box of its own, ticked, for the check
    to name and the user to untick."""

    def __init__(self, changed: Callable[[list[str]], None]):
        super().__init__()
        self._changed = changed
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}

    def show_items(self, pool: list[tuple[str, str]], chosen: list[str]) -> None:
        for box in self.boxes.values():
            self._layout.removeWidget(box)
            box.deleteLater()
        self.boxes = {}
        known = [key for key, _ in pool]
        unknown = [(key, self.tr("（本条款没有的依据，请取消勾选）")) for key in chosen if key not in known]
        for key, name in pool + unknown:
            box = QCheckBox(name or self.tr("（未填写名称的依据）"))
            box.setChecked(key in chosen)
            box.toggled.connect(lambda _checked: self._changed(self.chosen()))
            self._layout.addWidget(box)
            self.boxes[key] = box

    def chosen(self) -> list[str]:
        return [key for key, box in self.boxes.items() if box.isChecked()]


class RuleSetEditor(QDialog):
    def __init__(self, base: RuleSet, taken: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("制定新年度细则"))
        self.draft = RuleSetDraft.next_year(base, taken)
        self.saved: KnownRuleSet | None = None
        self.saved_path: Path | None = None
        self.fields: dict[ItemPath, QWidget] = {}  # every field by the item it edits
        self.evidence_tables: dict[tuple[int, str], QTableWidget] = {}
        # fields choosing evidence items by name, by the clause whose items they offer, and what they edit
        self.evidence_choices: list[tuple[int, ItemPath, QWidget]] = []
        self.problems: list[RuleProblem] = []
        self.notes: list[RuleProblem] = []
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("以《{title}》为底稿，修改数字、条款原文、依据、解读和等级名额；"
                               "每处修改立即校验。").format(title=base.title))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        splitter = QSplitter()
        self.parts = QListWidget()
        self.pages = QStackedWidget()
        splitter.addWidget(self.parts)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([330, 770])
        layout.addWidget(splitter, 1)
        self._build_pages()
        self.parts.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.parts.setCurrentRow(0)
        self.problem_list = QListWidget()
        self.problem_list.setMaximumHeight(120)
        self.problem_list.itemActivated.connect(lambda _item: self._go_to_problem())
        layout.addWidget(self.problem_list)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton(self.tr("保存为细则文件…"))
        cancel = QPushButton(self.tr("取消"))
        row.addWidget(self.save_button)
        row.addWidget(cancel)
        layout.addLayout(row)
        self.save_button.clicked.connect(lambda _checked=False: self.choose_and_save())
        cancel.clicked.connect(self.reject)
        self.recheck()
        resize_within_screen(self, 1100, 760)

    # ------------------------------------------------------------------ the pages

    def _page(self, title: str) -> QFormLayout:
        inner = QWidget()
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.pages.addWidget(scroll)
        self.parts.addItem(title)
        return form

    def _build_pages(self) -> None:
        data = self.draft.data
        form = self._page(self.tr("基本信息"))
        for key, kind in (("id", "text"), ("title", "text"), ("document", "text"), ("issued", "date"),
                          ("year", "number"), ("period_start", "date"), ("period_end", "date")):
            self._field(form, (key,), kind)
        for i, section in enumerate(data.get("sections", [])):
            form = self._page(self.tr("{id}、{title}").format(id=section.get("id"), title=section.get("title")))
            self._field(form, ("sections", i, "title"), "text")
            self._field(form, ("sections", i, "points"), "number")
            if "text" in section:
                self._field(form, ("sections", i, "text"), "long")
        for i, clause in enumerate(data.get("clauses", [])):
            form = self._page(self.tr("{id} {title}").format(id=clause.get("id"), title=clause.get("title")))
            self._field(form, ("clauses", i, "title"), "text")
            self._field(form, ("clauses", i, "points"), "number")
            self._field(form, ("clauses", i, "text"), "long")
            for name, value in clause.get("params", {}).items():
                path: ItemPath = ("clauses", i, "params", name)
                label = word(f"ruleset.param.{name}", name)
                if isinstance(value, dict):
                    self._field(form, (*path, "value"), "number", label)
                    if "test" in value:
                        self._field(form, (*path, "test"), "test", self.tr("{name}的比较方式").format(name=label))
                elif isinstance(value, bool):
                    self._field(form, path, "bool", label)
                elif isinstance(value, (int, float)):
                    self._field(form, path, "number", label)
                elif name == "curve":
                    self._field(form, path, "curve", label)
                elif isinstance(value, list) or value in dict(self._evidence_pool(i)):  # evidence items, by name
                    self._evidence_choice(form, i, path, label)
                elif isinstance(value, str):  # the 差 verdict
                    self._field(form, path, "text", label)
            for key in ("evidence", "record_evidence"):
                if key in clause:
                    self._evidence(form, i, key)
        negative = data.get("negative", {})
        form = self._page(self.tr("负面影响"))
        self._field(form, ("negative", "text"), "long")
        for kind in ("deductions", "vetoes"):
            for i, entry in enumerate(negative.get(kind, [])):
                self._field(form, ("negative", kind, i, "text"), "text")
                for key in ("per_case", "once"):
                    if key in entry:
                        self._field(form, ("negative", kind, i, key), "number")
                if isinstance(entry.get("threshold"), dict):
                    self._field(form, ("negative", kind, i, "threshold", "value"), "number")
        form = self._page(self.tr("等级名额"))
        self._field(form, ("grades", "text"), "long")
        for grade in data.get("grades", {}).get("quota_share", {}):
            self._field(form, ("grades", "quota_share", grade), "number")
        form = self._page(self.tr("解读"))
        for name, entry in data.get("readings", {}).items():
            self._reading(form, name, entry)

    def _label(self, path: ItemPath, label: str | None) -> str:
        return label or self.draft.where(path).split(" › ")[-1]

    def _field(self, form: QFormLayout, path: ItemPath, kind: str, label: str | None = None) -> QWidget:
        value = self.draft.get(path)
        widget: QWidget
        if kind == "long":
            edit = QPlainTextEdit(shown(value))
            edit.setMinimumHeight(110)
            edit.textChanged.connect(lambda p=path, e=edit: self.edit(p, e.toPlainText()))
            widget = edit
        elif kind in ("test", "curve"):
            combo = QComboBox()
            options = TESTS if kind == "test" else tuple(CURVES)
            for option in options:
                combo.addItem(word(f"ruleset.{kind}.{option}", option), option)
            combo.setCurrentIndex(options.index(value) if value in options else 0)
            combo.currentIndexChanged.connect(lambda _i, p=path, c=combo: self.edit(p, c.currentData()))
            widget = combo
        elif kind == "bool":
            box = QCheckBox(self.tr("是"))
            box.setChecked(bool(value))
            box.toggled.connect(lambda checked, p=path: self.edit(p, checked))
            widget = box
        else:
            line = QLineEdit(shown(value))
            convert = {"number": typed_number, "date": typed_date, "ids": typed_ids}.get(kind, lambda t: t)
            line.textChanged.connect(lambda text, p=path, f=convert: self.edit(p, f(text)))
            widget = line
        form.addRow(self._label(path, label), widget)
        self.fields[path] = widget
        return widget

    def _evidence(self, form: QFormLayout, clause: int, key: str) -> None:
        table = QTableWidget(0, 1)  # an item's id is made when it is added (RuleSetDraft.add_evidence): never shown
        table.setHorizontalHeaderLabels([self.tr("名称")])
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setVisible(False)
        table.setMinimumHeight(150)
        self.evidence_tables[(clause, key)] = table
        self._fill_evidence(clause, key)
        table.itemChanged.connect(lambda item, c=clause, k=key: self._evidence_edited(c, k, item))
        add = QPushButton(self.tr("添加依据"))
        remove = QPushButton(self.tr("删除所选依据"))
        add.clicked.connect(lambda _checked=False, c=clause, k=key: self.add_evidence(c, k))
        remove.clicked.connect(lambda _checked=False, c=clause, k=key: self.remove_evidence(c, k))
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(table)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        box_layout.addLayout(buttons)
        form.addRow(word(f"ruleset.key.clauses.{key}", key), box)
        self.fields[("clauses", clause, key)] = table

    def _fill_evidence(self, clause: int, key: str) -> None:
        table = self.evidence_tables[(clause, key)]
        table.blockSignals(True)
        items = self.draft.get(("clauses", clause, key))
        table.setRowCount(len(items))
        for row, entry in enumerate(items):
            table.setItem(row, 0, QTableWidgetItem(str(entry.get("label", ""))))
        table.blockSignals(False)
        self._refresh_choices(clause)

    def _evidence_edited(self, clause: int, key: str, item: QTableWidgetItem) -> None:
        self.edit(("clauses", clause, key, item.row(), "label"), item.text().strip())
        self._refresh_choices(clause)

    def _evidence_pool(self, clause: int) -> list[tuple[str, str]]:
        """A clause's evidence items (its own, then those checked per record), as (id, name)."""
        entry = self.draft.data["clauses"][clause]
        return [(str(item.get("id", "")), str(item.get("label", ""))) for key in ("evidence", "record_evidence")
                for item in entry.get(key, []) if isinstance(item, dict)]

    def _evidence_choice(self, form: QFormLayout, clause: int, path: ItemPath, label: str) -> None:
        """A field naming evidence items of the clause: boxes to tick (a list) or a list to choose one from."""
        widget: QWidget
        if isinstance(self.draft.get(path), list):
            widget = ChosenItems(lambda chosen: self.edit(path, chosen))
        else:
            combo = QComboBox()
            combo.currentIndexChanged.connect(lambda _i: self._chosen_one(path, combo))
            widget = combo
        form.addRow(label, widget)
        self.fields[path] = widget
        self.evidence_choices.append((clause, path, widget))
        self._refresh_choices(clause)

    def _chosen_one(self, path: ItemPath, combo: QComboBox) -> None:
        if combo.currentData() is not None:  # not the line saying the item is missing
            self.edit(path, combo.currentData())

    def _refresh_choices(self, clause: int) -> None:
        """The evidence items offered where they are chosen by name, after the clause's items changed."""
        pool = self._evidence_pool(clause)
        for owner, path, widget in self.evidence_choices:
            if owner != clause:
                continue
            value = self.draft.get(path)
            if isinstance(widget, ChosenItems):
                widget.show_items(pool, list(value) if isinstance(value, list) else [])
            elif isinstance(widget, QComboBox):
                widget.blockSignals(True)
                widget.clear()
                for key, name in pool:
                    widget.addItem(name or self.tr("（未填写名称的依据）"), key)
                found = widget.findData(value)
                if found < 0:  # an id no item has: shown as missing, for the check to name
                    widget.addItem(self.tr("（没有这项依据）"), None)
                    found = widget.count() - 1
                widget.setCurrentIndex(found)
                widget.blockSignals(False)

    def add_evidence(self, clause: int, key: str) -> None:
        row = self.draft.add_evidence(clause, key)
        self._fill_evidence(clause, key)
        table = self.evidence_tables[(clause, key)]
        table.setCurrentCell(row, 1)
        self.recheck()

    def remove_evidence(self, clause: int, key: str) -> None:
        table = self.evidence_tables[(clause, key)]
        row = table.currentRow()
        if row < 0:
            return
        self.draft.remove_evidence(clause, key, row)
        self._fill_evidence(clause, key)
        self.recheck()

    def _reading(self, form: QFormLayout, name: str, entry: dict[str, Any]) -> None:
        path: ItemPath = ("readings", name, "value")
        value = entry.get("value")
        title = word(f"ruleset.reading.{name}", name)
        widget: QWidget
        choices = entry.get("choices")
        fixed = reading_values(name)
        if isinstance(value, bool):
            box = QCheckBox(self.tr("适用"))
            box.setChecked(value)
            box.toggled.connect(lambda checked, p=path: self.edit(p, checked))
            widget = box
        elif isinstance(choices, dict) or fixed is not None or name in ("unqualified_grade", "grade_below_quotas"):
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)  # a choice's long description never widens the page
            options = (list(choices) if isinstance(choices, dict) else list(fixed) if fixed is not None
                       else list(self.draft.data.get("grades", {}).get("order", [])))
            for option in options:
                said = (choices[option].get("description", option) if isinstance(choices, dict)
                        else word(f"ruleset.value.{name}.{option}", str(option)))
                combo.addItem(said, option)
            combo.setCurrentIndex(max(0, options.index(value) if value in options else 0))
            combo.currentIndexChanged.connect(lambda _i, p=path, c=combo: self.edit(p, c.currentData()))
            widget = combo
        elif isinstance(value, int):
            line = QLineEdit(str(value))
            line.textChanged.connect(lambda text, p=path: self.edit(p, typed_number(text)))
            widget = line
        elif isinstance(value, list) and (clause := self._clause_offering(value)) is not None:
            # evidence items (which per-trip items a trip needs), of the clause that has them
            self._evidence_choice(form, clause, path, title)
            self._reading_notes(form, name, entry, choices)
            return
        elif isinstance(value, dict) and all(isinstance(v, list) for v in value.values()):
            # the credit grades each kind of unit has
            widget = QWidget()
            rows = QFormLayout(widget)
            rows.setContentsMargins(0, 0, 0, 0)
            grades = [str(g) for g in self.draft.data.get("credit_grades", [])]
            kinds = self.draft.data.get("unit_kinds", {})
            for kind, chosen in value.items():
                boxes = ChosenItems(self._edits((*path, kind)))
                boxes.show_items([(g, self.tr("{grade}级").format(grade=g)) for g in grades], [str(c) for c in chosen])
                rows.addRow(str(kinds.get(kind, kind)), boxes)
                self.fields[(*path, kind)] = boxes
        else:
            line = QLineEdit(shown(value))
            line.textChanged.connect(lambda text, p=path: self.edit(p, typed_ids(text)))
            widget = line
        form.addRow(title, widget)
        self.fields[path] = widget
        self._reading_notes(form, name, entry, choices)

    def _reading_notes(self, form: QFormLayout, name: str, entry: dict[str, Any], choices: Any) -> None:
        if "description" in entry:
            self._field(form, ("readings", name, "description"), "long", self.tr("说明"))
        for n, choice in enumerate(entry.get("choices", {}) if isinstance(choices, dict) else (), start=1):
            # a choice by the name the bureau knows it by; one the program does not know, by its place
            named = word(f"ruleset.choice.{name}.{choice}", "")
            label = (self.tr("读法“{choice}”的说明").format(choice=named) if named
                     else self.tr("第 {n} 种读法的说明").format(n=n))
            self._field(form, ("readings", name, "choices", choice, "description"), "long", label)

    def _edits(self, path: ItemPath) -> Callable[[list[str]], None]:
        return lambda chosen: self.edit(path, chosen)

    def _clause_offering(self, ids: list[Any]) -> int | None:
        """The clause whose evidence items include every one of these ids (or the first that has any)."""
        clauses = range(len(self.draft.data.get("clauses", [])))
        pools = [(i, dict(self._evidence_pool(i))) for i in clauses]
        return next((i for i, pool in pools if ids and all(x in pool for x in ids)),
                    next((i for i, pool in pools if any(x in pool for x in ids)), None))

    # ------------------------------------------------------------------ checking and saving

    def edit(self, path: ItemPath, value: Any) -> None:
        self.draft.set(path, value)
        self.recheck()

    def recheck(self) -> None:
        rules, self.problems = self.draft.check()
        self.notes = self.draft.old_numbers()  # told, never in the way of saving
        self.problem_list.clear()
        for problem in self.problems:
            self.problem_list.addItem(problem.text())
        for note in self.notes:
            self.problem_list.addItem(self.tr("请核对：{note}").format(note=note.text()))
        bad = {p.path for p in self.problems}
        for path, widget in self.fields.items():
            loader = self.draft.loader_path(path)
            wrong = any(b == loader or b.startswith(loader + ".") or loader.startswith(b + ".") for b in bad)
            if wrong != bool(widget.styleSheet()):  # restyling ~100 fields at every keystroke would be slow
                widget.setStyleSheet(BAD if wrong else "")
            widget.setToolTip("\n".join(p.reason for p in self.problems if p.path == loader))
        self.save_button.setEnabled(rules is not None)
        if rules is None:
            self.status.setText(self.tr("有 {n} 处问题，改正后才能保存。").format(n=len(self.problems)))
        else:
            notes = (self.tr("。另有 {n} 处文字请核对（见上表），不影响保存。").format(n=len(self.notes))
                     if self.notes else "")
            self.status.setText(self.tr("校验通过。保存后的细则校验值（SHA-256，用它建立的年度数据文件都存有此值）：{sha}").format(
                sha=rules.sha256) + notes)

    def _go_to_problem(self) -> None:
        row = self.problem_list.currentRow()
        told = self.problems + self.notes
        if not 0 <= row < len(told):
            return
        target = told[row].path
        for path, widget in self.fields.items():
            loader = self.draft.loader_path(path)
            # the item itself, the field it is in, or the first field of it (等级 › 名额比例: the A级 share)
            if loader == target or target.startswith(loader + ".") or loader.startswith(target + "."):
                page = self.pages.indexOf(self._page_of(widget))
                if page >= 0:
                    self.parts.setCurrentRow(page)
                widget.setFocus()
                return

    def _page_of(self, widget: QWidget) -> QWidget:
        while widget.parentWidget() is not None and widget.parentWidget() is not self.pages:
            widget = widget.parentWidget()
        return widget

    def choose_and_save(self) -> None:
        folder = Path.home()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存考核细则文件"),
                                              str(folder / f"{self.draft.data.get('id')}.toml"),
                                              self.tr("考核细则文件 (*.toml)"))
        if path:
            self.save(Path(path if path.lower().endswith(".toml") else path + ".toml"))

    def save(self, path: Path) -> bool:
        """Write the rule-set file and keep it among this computer's rule sets."""
        rules, _ = self.draft.check()
        if rules is None:
            return False
        try:
            write_atomically(path, rules.source_text.encode("utf-8"))
        except OSError as exc:
            self.status.setText(self.tr("保存到 {path} 失败（{detail}），未作任何改动。").format(
                path=str(path), detail=render(os_errors.reason(exc))))
            return False
        kept, refused = rule_library.add(rules)
        if kept is None:
            self.status.setText("\n".join(refused))
            return False
        self.saved, self.saved_path = kept, path
        self.accept()
        return True
