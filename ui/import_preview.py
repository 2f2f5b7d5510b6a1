"""The import wizard's step 2 (ui/excel_import.py): the preview of a checked workbook and the assessor's work
on its problems — the columns recognised, the notes, the rows to heed, corrections typed or withdrawn, base
names corrected, and the choice for a file some of whose rows have problems."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.common.identifiers import mask_id_like
from core.common.messages import Msg, render
from core.common.problems import Problem, place_words
from core.excel.partial import renamed_base
from core.excel.preview import Preview
from core.people.import_notes import YearNotes
from ui.excel_fix import ProblemsModel, ProblemsView, RowsChoice, cell_key
from ui.excel_mapping import field_label, kind_label
from ui.models import local_time
from ui.wrapped_rows import WrappedList, wrap_rows

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QStackedWidget

    from core.editing.session import Session
    from ui.worker import Worker

    _Dialog = QDialog
else:
    _Dialog = object  # a plain mixin at run time; to the type checker a part of the dialog

GOOD, BAD, NEUTRAL, HEED = "#1b7f3b", "#b00020", "#555", "#a35200"
BOX_MARGINS = (8, 4, 8, 6)  # inside each part's frame: the height is the problems' at 1366×768

# the texts of the wizard's parts are the wizard's (its class's name is what Qt asks for at run time)
translate = QCoreApplication.translate


class SideNote(QLabel):
    """A note wrapped in a column of fixed width, as tall as its text there; it asks no height for a width, which
    would fix the height of the whole row it stands in (the problems below would give way, not the notes beside)."""

    def hasHeightForWidth(self) -> bool:
        return False

    def sizeHint(self) -> QSize:
        return QSize(self.width(), self.heightForWidth(self.width()))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


class ColumnsTable(QTableWidget):
    """The columns recognised: four rows under the header where there is room, down to one when the problems
    need it (the rest scrolled to), and as tall as the notes beside it when they are taller."""

    def _rows_height(self, rows: int) -> int:
        shown = min(rows, max(1, self.rowCount()))
        return (shown * self.verticalHeader().defaultSectionSize() + self.horizontalHeader().sizeHint().height()
                + 2 * self.frameWidth())

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._rows_height(4))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._rows_height(1))


class ImportPreview(_Dialog):
    """Step 2 of ui.excel_import.ImportDialog: the preview of the file checked, and the work on its problems."""

    if TYPE_CHECKING:  # what the preview asks of the rest of the dialog (ui/excel_import.py, ui/import_outcome.py)
        session: Session
        preview: Preview | None
        year_notes: YearNotes
        imported_id: int | None
        worker: Worker | None
        stack: QStackedWidget

        def change_mapping(self) -> None: ...

        def recheck(self) -> Worker | None: ...

        def export_problems(self, path: Path | None = None) -> Worker | None: ...

        def import_(self, confirm: bool = True) -> bool: ...

        def import_good_rows(self, path: Path | None = None, confirm: bool = True) -> bool: ...

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        columns_box = QGroupBox(translate("ImportDialog", "识别的列"))
        self.columns_table = ColumnsTable(0, 4)
        self.columns_table.setHorizontalHeaderLabels([
            translate("ImportDialog", "工作表"), translate("ImportDialog", "项目"), translate("ImportDialog", "列"),
            translate("ImportDialog", "表头")])
        self.columns_table.verticalHeader().setVisible(False)
        self.columns_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.columns_table.horizontalHeader().setStretchLastSection(True)
        self.columns_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.mapping_note = SideNote()
        self.mapping_note.setWordWrap(True)
        self.mapping_note.setStyleSheet(f"color: {NEUTRAL};")
        self.mapping_button = QPushButton(translate("ImportDialog", "修改列对应…"))
        self.mapping_button.clicked.connect(self.change_mapping)
        # the note and the button beside the table, not under it: the table's rows scroll in the height the notes
        # beside it take (one row at least when the room is short), and the problems below keep the room
        box = QHBoxLayout(columns_box)
        box.setContentsMargins(*BOX_MARGINS)
        box.addWidget(self.columns_table, 1)
        side = QVBoxLayout()
        side.addWidget(self.mapping_note)
        side.addStretch(1)
        side.addWidget(self.mapping_button)
        box.addLayout(side)
        usual = self.fontMetrics().horizontalAdvance(translate("ImportDialog", "按表头自动识别。")) + 4  # one line
        self.mapping_note.setFixedWidth(max(self.mapping_button.sizeHint().width(), usual))
        # shown only when there is something to say: the problems below need the room more
        self.notes_box = QGroupBox(translate("ImportDialog", "已自动转换或提示（不影响导入）"))
        self.notes = WrappedList(fewest=3)
        self.notes.setAlternatingRowColors(True)  # one note from the next, each wrapped on several lines
        self.notes.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        notes_layout = QVBoxLayout(self.notes_box)
        notes_layout.setContentsMargins(*BOX_MARGINS)
        notes_layout.addWidget(self.notes)
        # a correction chosen by mistake (a base name corrected to the wrong base) is taken back alone
        self.withdraw_button = QPushButton(translate("ImportDialog", "撤回所选更正"))
        self.withdraw_button.setToolTip(translate("ImportDialog", "在上面选中一条或几条“已由……更正为……”，"
                                                                  "撤回后按原文件内容重新检查"))
        self.withdraw_button.clicked.connect(lambda: self.withdraw_corrections())
        self.notes.itemSelectionChanged.connect(self._withdrawable)
        notes_layout.addWidget(self.withdraw_button, 0, Qt.AlignmentFlag.AlignRight)
        top = QHBoxLayout()
        top.addWidget(columns_box, 2)
        top.addWidget(self.notes_box, 3)  # the wider, the fewer lines its sentences take
        # rows that import without a problem but would count for nothing: read before importing
        self.heed_box = QGroupBox(translate("ImportDialog", "导入前请核对（这些行可以导入，但导入后不计分）"))
        self.heed_box.setStyleSheet(f"QGroupBox {{ color: {HEED}; font-weight: bold; }}")
        self.heed = WrappedList(fewest=2)
        self.heed.setStyleSheet("font-weight: normal;")
        heed_layout = QVBoxLayout(self.heed_box)
        heed_layout.setContentsMargins(*BOX_MARGINS)
        heed_layout.addWidget(self.heed)
        # a base written otherwise than the unit registered it: corrected here for all its rows at once
        self.rename_row = QWidget()
        self.rename_row.setStyleSheet("font-weight: normal;")
        rename = QHBoxLayout(self.rename_row)
        rename.setContentsMargins(0, 0, 0, 0)
        self.rename_written = QComboBox()
        self.rename_written.currentIndexChanged.connect(lambda _: self._fill_registered())
        self.rename_to = QComboBox()
        self.rename_to.setPlaceholderText(translate("ImportDialog", "请选择该单位登记的基地"))
        self.rename_to.currentIndexChanged.connect(lambda _: self._rename_chosen())
        self.rename_button = QPushButton(translate("ImportDialog", "更正并重新检查"))
        self.rename_button.clicked.connect(lambda: self.rename_base())
        rename.addWidget(QLabel(translate("ImportDialog", "更正基地名称：")))
        rename.addWidget(self.rename_written, 1)
        rename.addWidget(QLabel(translate("ImportDialog", "改为")))
        rename.addWidget(self.rename_to, 1)
        rename.addWidget(self.rename_button)
        heed_layout.addWidget(self.rename_row)
        problems_box = QGroupBox(translate("ImportDialog", "问题（点击表头排序）"))
        self.problems_model = ProblemsModel(self)
        self.problems_view = ProblemsView()
        self.problems_view.setModel(self.problems_model)  # file order until a header is clicked
        self.problems_view.setSortingEnabled(True)
        self.problems_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.problems_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.problems_view.setWordWrap(False)
        self.problems_view.setAlternatingRowColors(True)
        self.problems_view.verticalHeader().setVisible(False)
        self.problems_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.problems_view.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((110, 60, 170, 190)):
            header.resizeSection(column, width)
        problems_layout = QVBoxLayout(problems_box)
        problems_layout.setContentsMargins(*BOX_MARGINS)
        problems_layout.addWidget(self.problems_view)
        self.problems_model.corrected.connect(self._corrections_changed)
        self.choice = RowsChoice()
        self.choice.partial_button.clicked.connect(lambda: self.import_good_rows())
        self.choice.correct_button.clicked.connect(self.correct_first)
        self.choice.recheck_button.clicked.connect(lambda: self.recheck())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.full_ids = QCheckBox(translate("ImportDialog", "问题清单显示完整身份证号"))
        self.full_ids.setToolTip(translate("ImportDialog", "身份证号码属于个人敏感信息。"
                                                           "默认在上表和导出的问题清单中只显示前6位和后4位，"
                                                           "已足以凭行号找到有问题的单元格"
                                                           "（在“单元格内容”列更正时按文件原样显示完整内容）；"
                                                           "仅当运营单位必须核对完整号码时才勾选。"))
        self.full_ids.toggled.connect(self._full_ids_toggled)
        self.export_button = QPushButton(translate("ImportDialog", "导出问题清单…"))
        self.export_button.clicked.connect(lambda: self.export_problems())
        self.back_button = QPushButton(translate("ImportDialog", "◀ 换一个文件"))
        self.back_button.clicked.connect(self.back)
        self.import_button = QPushButton(translate("ImportDialog", "导入"))
        self.import_button.clicked.connect(lambda: self.import_())
        self.close_button = QPushButton(translate("ImportDialog", "关闭"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.full_ids)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        # each part above the problems as tall as its content, giving way (its list scrolled) down to a few lines
        # when the room is short; the problems never less than their five tallest rows, and all the room left
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)  # the dialog's own margins are enough
        layout.addWidget(self.summary)
        layout.addLayout(top)
        layout.addWidget(self.heed_box)
        layout.addWidget(problems_box, 1)
        layout.addWidget(self.choice)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        return page

    def back(self) -> None:
        self.stack.setCurrentIndex(0)

    def _add_correction_notes(self, p: Preview, full: bool) -> None:
        """The cells corrected before this check, under the notes: ID numbers masked as in the problems table
        unless 问题清单显示完整身份证号 is ticked."""
        shown = (lambda text: text) if full else mask_id_like
        for c in p.corrections:
            self.notes.addItem(translate("ImportDialog", "{cell}：已由“{old}”更正为“{new}”（导入时记入审计）").format(
                cell=c.cell, old=shown(c.old) or translate("ImportDialog", "（空）"),
                new=shown(c.new) or translate("ImportDialog", "（空）")))
            added = self.notes.item(self.notes.count() - 1)
            added.setData(Qt.ItemDataRole.UserRole, cell_key(c.sheet, c.row, c.letter))
        self._withdrawable()

    def _withdrawable(self) -> None:
        p = self.preview
        has = p is not None and bool(p.corrections) and self.imported_id is None
        self.withdraw_button.setVisible(has)
        self.withdraw_button.setEnabled(has and any(item.data(Qt.ItemDataRole.UserRole) is not None
                                                    for item in self.notes.selectedItems()))

    def withdraw_corrections(self) -> Worker | None:
        """The corrections selected among the notes are taken back (the cells read as the file has them), the
        others kept; then checked again."""
        keys = [item.data(Qt.ItemDataRole.UserRole) for item in self.notes.selectedItems()]
        keys = [tuple(k) for k in keys if k is not None]
        if not keys or (self.worker is not None and self.worker.running):  # a check under way: nothing taken back
            return None
        for key in keys:
            self.problems_model.corrections.pop(key, None)
        return self.recheck()

    def _full_ids_toggled(self, full: bool) -> None:
        self.problems_model.set_full_ids(full)
        p = self.preview
        if p is not None and p.corrections:
            for _ in p.corrections:  # the corrections' lines are the last ones
                self.notes.takeItem(self.notes.count() - 1)
            self._add_correction_notes(p, full)
        header = self.problems_view.horizontalHeader()
        if header.sortIndicatorSection() == 4:  # sorted by the problem's words: by the words now shown
            self.problems_model.sort(4, header.sortIndicatorOrder())

    def _note_text(self, note: Problem) -> str:
        where = place_words(note.location, note.field) or note.location
        return f"{where}：{render(note.message)}" if where else render(note.message)

    def show_preview(self, p: Preview, year_notes: YearNotes | None = None) -> None:
        self.preview = p
        self.year_notes = year_notes or YearNotes()
        self.imported_id = None
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.EditKeyPressed)
        checked = p.checked
        unit = "" if p.unit_id is None else translate("ImportDialog", "　运营单位：{unit}").format(
            unit=self.session.unit(p.unit_id).name)
        lines = [translate("ImportDialog", "文件：{file}　类型：{kind}{unit}").format(
            file=p.path.name, kind=kind_label(p.kind), unit=unit)]
        if p.layouts:
            lines.append(translate("ImportDialog", "读取 {rows} 行：无问题 {good} 行，有问题 {bad} 行"
                                                   "（检查用时 {seconds:.2f} 秒）").format(
                rows=checked.rows_checked, good=len(checked.records), bad=checked.rows_with_problems,
                seconds=p.seconds))
        self.summary.setText("\n".join(lines))
        self._fill_columns(p)
        self.notes.clear()
        for note in checked.notes:
            self.notes.addItem(self._note_text(note))
        self.heed.clear()
        for note in self.year_notes.all:
            self.heed.addItem(self._note_text(note))
        self.heed_box.setTitle(translate("ImportDialog", "导入前请核对")
                               if self.year_notes.other_unit or self.year_notes.other_names
                               else translate("ImportDialog", "导入前请核对（这些行可以导入，但导入后不计分）"))
        self.heed_box.setVisible(bool(self.year_notes.all))
        self._fill_renamable(p)
        self._add_correction_notes(p, full=False)
        self.notes_box.setVisible(bool(checked.notes or p.corrections))
        # a sheet hidden in Excel is not read: said on the status line too, not only among the notes
        hidden = checked.hidden_sheets
        self.notes_box.setTitle(render(Msg.of("import_wizard.notes_hidden")) if hidden else
                                # the assessor's own corrections are no automatic conversion: said as such
                                translate("ImportDialog", "提示和您的更正（选中更正可撤回）") if p.corrections else
                                translate("ImportDialog", "已自动转换或提示（不影响导入）"))
        unread = "" if not hidden or not p.layouts else "\n" + render(
            Msg.of("import_wizard.sheets_hidden", count=len(hidden), sheets=tuple(f"“{h}”" for h in hidden)))
        self.problems_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.full_ids.setChecked(False)  # every preview starts masked
        self.problems_model.set_rows(p.problems, p.corrections)
        wrap_rows(self.problems_view, len(p.problems))  # each problem's sentence read whole at 1366×768
        self.export_button.setEnabled(bool(p.problems))
        self.full_ids.setEnabled(bool(p.problems))
        self.mapping_button.setEnabled(p.question is not None or p.remap is not None)
        self.mapping_button.setText(translate("ImportDialog", "指定列对应…") if p.question is not None
                                    else translate("ImportDialog", "修改列对应…"))
        if p.question is not None:
            self._status(translate("ImportDialog", "无法识别表头，未写入任何数据。"
                                                   "请点“指定列对应…”为各项选择文件中的列。"), BAD)
        elif p.problems and not p.layouts and not p.corrections_lost:  # the file: wrong type, encrypted, damaged, empty
            self._status(translate("ImportDialog", "无法读取，未写入任何数据：{problem}").format(
                problem=p.problems[0].text), BAD)
        elif p.corrections_lost:  # changed since the check the corrections were typed for
            self._status(translate("ImportDialog", "未写入任何数据：{problem}（点“◀ 换一个文件”再“检查文件”；"
                                                   "此前在预览中所作的更正未保留）。")
                         .format(problem=p.problems[0].text), BAD)
        elif p.partly_importable:
            self._status(translate("ImportDialog", "发现 {count} 处问题（{rows} 行），尚未写入任何数据。"
                                                   "可只导入无误的 {good} 行，有问题的行"
                                                   "另存为问题清单交运营单位更正；或在上表中更正后重新检查，"
                                                   "全部无误后导入。").format(
                count=len(p.problems), rows=p.rows_left_out, good=len(checked.records)) + unread, BAD)
        elif p.problems:
            self._status(translate("ImportDialog", "发现 {count} 处问题（{rows} 行），未写入任何数据。"
                                                   "请导出问题清单交运营单位更正后重新报送，"
                                                   "再导入更正后的文件。").format(
                count=len(p.problems), rows=checked.rows_with_problems) + unread, BAD)
        elif not p.importable:
            self._status(translate("ImportDialog", "文件中没有可导入的行，未写入任何数据。") + unread, BAD)
        else:
            text = translate("ImportDialog", "检查通过：{rows} 行均无问题，可以导入。").format(
                rows=len(checked.records)) if not hidden \
                else render(Msg.of("import_wizard.read_rows_pass", rows=len(checked.records)))
            heed = self.year_notes.summary
            if heed is not None:
                text = translate("ImportDialog", "检查未发现错误，{rows} 行均可导入；{heed}。").format(
                    rows=len(checked.records), heed=render(heed))
            other = self.year_notes.other_unit
            if other:
                chosen = other[0].message.param("chosen")
                text = translate("ImportDialog", "检查未发现错误，但表中写明的运营单位不是所选的“{unit}”"
                                                 "（见上方“导入前请核对”）；点“导入”时会请您确认。").format(unit=chosen)
                text += "" if heed is None else "\n" + render(heed) + "。"
                heed = heed or other[0].message
            replaced = self.session.replaced_sources(p.kind, p.unit_id, checked.source, p.sha256)
            if replaced:
                text += "\n" + translate("ImportDialog", "再次导入：将替换已导入的 {rows} 行（{sources}）。").format(
                    rows=sum(s.rows for s in replaced), sources="；".join(
                        translate("ImportDialog", "{file}，{time} 导入").format(
                            file=s.file_name, time=local_time(s.imported_at))
                        for s in replaced))
            self._status(text + unread, GOOD if heed is None and not hidden else HEED)
        self.import_button.setEnabled(p.importable)
        self.import_button.setText(translate("ImportDialog", "导入"))
        self.close_button.setText(translate("ImportDialog", "关闭"))
        self._show_choice()
        self.stack.setCurrentIndex(1)

    # ---------------------------------------------------------------- base names: 更正基地名称

    def _fill_renamable(self, p: Preview) -> None:
        """The base names (or none) on rows that would count under no base, each with the unit's registered
        bases of its type to choose from; rows in a sheet with a base column only (else nothing to correct)."""
        self.rename_written.blockSignals(True)
        self.rename_written.clear()
        # the notes count the rows: a pass over a large file's records here would stop the window
        correctable = any(layout.column("base") is not None for layout in p.layouts)
        for note, written, base_type in self.year_notes.renamable:
            rows = note.message.param("count")
            if correctable and rows and self._registered(base_type):
                label = translate("ImportDialog", "“{base}”（{rows} 行）").format(base=written, rows=rows) \
                    if written else translate("ImportDialog", "未填写基地（{rows} 行）").format(rows=rows)
                self.rename_written.addItem(label, (written, base_type))
        self.rename_written.blockSignals(False)
        self.rename_row.setVisible(self.rename_written.count() > 0)
        self._fill_registered()

    def _registered(self, base_type: str) -> list[str]:
        p = self.preview
        if p is None or p.unit_id is None:
            return []
        return [b.name for b in self.session.unit(p.unit_id).bases if b.type == base_type and b.name]

    def _fill_registered(self) -> None:
        """The unit's registered bases of the type chosen; the one whose name holds what the rows wrote is
        chosen first when there is exactly one, else none (the assessor picks: a wrong base is worse than none)."""
        self.rename_to.clear()
        chosen = self.rename_written.currentData()
        names = self._registered(chosen[1]) if chosen is not None else []
        self.rename_to.addItems(names)
        written = chosen[0] if chosen is not None else ""
        holding = [i for i, name in enumerate(names) if written and written in name]
        self.rename_to.setCurrentIndex(holding[0] if len(holding) == 1 else -1)
        self._rename_chosen()

    def _rename_chosen(self) -> None:
        self.rename_button.setEnabled(self.rename_to.currentIndex() >= 0)

    def rename_base(self) -> Worker | None:
        """The rows naming the chosen base name (or none) get the registered base chosen, as corrections of
        their cells (shown among the notes, recorded in the audit trail at import); then checked again."""
        p, chosen, name = self.preview, self.rename_written.currentData(), self.rename_to.currentText()
        if p is None or chosen is None or not name:
            return None
        for fix in renamed_base(p.checked.records, p.layouts, chosen[0], chosen[1], name):
            self.problems_model.corrections[cell_key(fix.sheet, fix.row, fix.letter)] = fix
        return self.recheck()

    # ---------------------------------------------------------------- rows with problems: the choice

    def corrections_pending(self) -> bool:
        """The corrections in the table differ from those the preview was checked with."""
        p = self.preview
        return p is not None and set(self.problems_model.corrections.values()) != set(p.corrections)

    def _show_choice(self) -> None:
        p = self.preview
        rows_with_problems = p is not None and bool(p.problems) and bool(p.layouts) and self.imported_id is None
        self.choice.setVisible(rows_with_problems)
        if not rows_with_problems:
            return
        self.choice.show_choice(len(p.checked.records), p.rows_left_out, p.partly_importable,
                                self.corrections_pending(),
                                self.problems_model.first_correctable().isValid())

    def _corrections_changed(self) -> None:
        p = self.preview
        pending = self.corrections_pending()
        self.import_button.setEnabled(p is not None and p.importable and not pending and self.imported_id is None)
        if pending:
            self._status(translate("ImportDialog", "更正尚未检查，未写入任何数据。"
                                                   "请点“重新检查”按更正后的内容检查。"), NEUTRAL)
        self._show_choice()

    def correct_first(self) -> None:
        """全部更正后再导入: nothing is imported now; the first cell with a problem is opened for typing."""
        index = self.problems_model.first_correctable()
        self._status(translate("ImportDialog", "未写入任何数据。请在上表“单元格内容”列中逐个更正"
                                               "（双击或按 F2，回车确认），改完点“重新检查”，"
                                               "全部无误后点“导入”；也可点“导出问题清单…”交运营单位更正后"
                                               "重新报送整个文件。"), NEUTRAL)
        if index.isValid():
            self.problems_view.setFocus()
            self.problems_view.setCurrentIndex(index)
            self.problems_view.scrollTo(index)
            self.problems_view.edit(index)

    def _fill_columns(self, p: Preview) -> None:
        rows = [(t.sheet, field_label(c.field), c.letter, c.header) for t in p.layouts for c in t.columns]
        self.columns_table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.columns_table.setItem(r, c, QTableWidgetItem(value))
        self.columns_table.resizeColumnsToContents()
        header = self.columns_table.horizontalHeader()  # the last column fills the width again when checked again
        header.setStretchLastSection(False)
        header.setStretchLastSection(True)
        if p.question is not None:
            note = translate("ImportDialog", "无法识别表头，请指定各列的对应关系。")
        elif p.remembered:
            note = translate("ImportDialog", "已自动使用上次为相同表头保存的列对应。")
        elif p.mapping:
            note = translate("ImportDialog", "按指定的列对应读取。")
        else:
            note = translate("ImportDialog", "按表头自动识别。")
        self.mapping_note.setText(note)

    def _status(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour}; font-weight: bold;")
