"""The import wizard's preview on the office laptop (1366×768, the window maximised under the taskbar at 1366×728,
the dialog as tall as that leaves): a roster with notes, rows to check before importing and many problems shows
at least five problems whole without scrolling, with every other part of the preview on screen, nothing cut; a month
in a note ("2022年4月") is never broken across lines. Screenshots go to artifacts/screenshots/laptop-import-*.png."""

from __future__ import annotations

import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QRect, Qt  # noqa: E402
from PySide6.QtGui import QTextLayout, QTextOption  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QStyleOptionViewItem,
    QWidget,
)

from tests.desktop_support import shot_over  # noqa: E402
from tests.import_support import roster_file  # noqa: E402
from tests.ui import test_desktop_excel  # noqa: E402
from tests.ui.test_desktop_excel import uid_of  # noqa: E402
from tests.ui.test_desktop_laptop_fit import LAPTOP, at_laptop_size, settle  # noqa: E402
from tests.xlsx_builders import MONTHLY_HEADERS, arrival, person_id, write_workbook  # noqa: E402
from ui.screen_fit import TITLE_BAR  # noqa: E402

year = test_desktop_excel.year  # the fixture: three units with bases, open in the window
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def wrong_check_digit(i: int) -> str:
    number = person_id(i)
    return number[:17] + ("0" if number[17] != "0" else "1")


def busy_roster(folder):
    """A unit's roster as the assessor meets it: three notes (a sex the ID number contradicts, a telephone number
    of ten digits, an ID number in full-width digits), two rows naming bases the unit has not registered, and
    eight problems, some of them long sentences."""
    people = [arrival(i) for i in range(24)]
    people[1]["性别"] = "女"  # the ID number says a man
    people[2]["联系电话"] = "1391234567"
    people[3]["身份证号码"] = person_id(3).translate(FULL_WIDTH)
    people[4]["劳务基地"] = "陇西基地"
    people[5]["劳务基地"] = "甘肃陇西劳务协作基地（定西）"
    people[6]["身份证号码"] = float(person_id(6)[:15] + "000")  # stored as a number by Excel: digits lost
    people[7]["身份证号码"] = float(person_id(7)[:15] + "000")
    people[9]["身份证号码"] = person_id(8)  # the same person twice
    people[10]["身份证号码"] = wrong_check_digit(10)
    people[11]["首次参保日期"] = people[11]["入职日期"] = "2022.2.30"
    people[12]["参保月数"] = "六个月"
    people[13]["身份证号码"] = person_id(13)[:17]
    return roster_file(folder, people, "附件2花名册-待核对.xlsx")


def whole_rows(view) -> int:
    """The rows of the table read whole in its viewport as it stands."""
    room = view.viewport().height()
    return sum(1 for row in range(view.model().rowCount())
               if view.rowViewportPosition(row) >= 0 and view.rowViewportPosition(row) + view.rowHeight(row) <= room)


def cut_widgets(dialog) -> list[str]:
    """The parts of the dialog drawn smaller than they need, or outside it: a label's wrapped text taller than the
    label, a button, box, list or table lower than its smallest height, or reaching past the dialog's edge."""
    found = []
    inside = dialog.rect()
    kinds = (QLabel, QAbstractButton, QComboBox, QGroupBox, QAbstractItemView)
    for widget in dialog.findChildren(QWidget):
        if (not isinstance(widget, kinds) or isinstance(widget, QHeaderView) or not widget.isVisible()
                or widget.window() is not dialog):
            continue
        place = QRect(widget.mapTo(dialog, QPoint(0, 0)), widget.size())
        if not inside.contains(place):
            found.append(f"{type(widget).__name__} {place} outside {inside}")
        if isinstance(widget, QLabel) and widget.wordWrap() and widget.text():
            needed = widget.heightForWidth(widget.width())
        else:
            needed = widget.minimumSizeHint().height()
        if widget.height() < needed:
            found.append(f"{type(widget).__name__} {widget.height()} < {needed}: {getattr(widget, 'text', str)()}")
    return found


def test_a_roster_with_notes_and_rows_to_check_shows_five_problems_whole_at_1366x728(qtbot, year, tmp_path):
    """The problems table was about one and a half rows high at 1366×728 when the file also had notes and rows to
    check before importing (the assessor scrolled a small box to read seven problems): now at least five problems
    are read whole wherever the table is scrolled to, and the notes, the rows to check with 更正基地名称, the
    choice for the rows with problems and the buttons are all on screen, none of them cut."""
    window = year
    at_laptop_size(qtbot, window)
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.resize(dialog.width(), LAPTOP[1] - TITLE_BAR)  # as tall as the laptop's free height leaves
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.set_file(busy_roster(tmp_path), "arrivals", uid_of(window, 0))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None and dialog.worker.wait(60)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.stack.currentIndex() == 1, timeout=10_000)
    qtbot.wait(50)  # the wrapped rows measured, the parts laid out again
    settle()
    assert dialog.height() <= LAPTOP[1] - TITLE_BAR and dialog.width() <= LAPTOP[0]
    assert dialog.notes.count() >= 3 and dialog.notes_box.isVisible()
    assert dialog.heed.count() == 2 and dialog.heed_box.isVisible() and dialog.rename_row.isVisible()
    assert dialog.choice.isVisible()
    view, model = dialog.problems_view, dialog.problems_model
    assert model.rowCount() >= 8
    shot_over(window, dialog, "laptop-import-preview")
    bar = view.verticalScrollBar()
    seen = []
    for value in range(bar.minimum(), bar.maximum() + 1):  # wherever it is scrolled to
        bar.setValue(value)
        settle()
        seen.append(whole_rows(view))
    assert min(seen) >= 5, seen
    bar.setValue(0)
    heed = dialog.heed
    assert all(heed.visualItemRect(heed.item(i)).bottom() < heed.viewport().height() for i in range(heed.count()))
    notes = dialog.notes  # the first notes read whole, the others scrolled to
    assert notes.visualItemRect(notes.item(1)).bottom() < notes.viewport().height()
    assert cut_widgets(dialog) == []
    dialog.close()


def test_a_month_in_a_note_is_never_broken_across_lines(qtbot, year, tmp_path):
    """Chinese breaks between any two characters, and the notes broke a month read from a number after its year
    ("…已按2022年" / "4月读取"): at every width of the list the month stays on one line, as a number with its unit
    does ("第 3 行"); the note's text itself is unchanged."""
    window = year
    people = [arrival(i) for i in range(3)]
    rows = [list(MONTHLY_HEADERS) + ["月份"]] + [
        [k + 1, p["姓名"], p["身份证号码"], p["用工单位"], p["劳务基地"], p["入职日期"], p["联系电话"], 2022.4]
        for k, p in enumerate(people)]
    path = write_workbook(tmp_path / "送工信息.xlsx", {"汇总": rows})
    dialog = window.excel_actions.import_dialog("monthly_reports")
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.set_file(path, "monthly_reports", uid_of(window, 0))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None and dialog.worker.wait(60)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.stack.currentIndex() == 1, timeout=10_000)
    notes = dialog.notes
    texts = [notes.item(i).text() for i in range(notes.count())]
    note = "汇总 第 3 行“月份”：月份“2022.4”被 Excel 存成了数字，已按2022年4月读取"
    assert note in texts, texts
    index = notes.model().index(texts.index(note), 0)
    option = QStyleOptionViewItem()
    notes.itemDelegate().initStyleOption(option, index)  # the text as the list draws it
    drawn = option.text
    assert drawn.replace("\u2060", "") == notes.item(index.row()).text()
    month = re.search("\u2060?".join("2022年4月"), drawn)
    row = re.search("\u2060?".join("第 3 行"), drawn)
    assert month and row
    broken = []
    for width in range(150, 700):
        layout = QTextLayout(drawn, option.font)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.WordWrap)  # as the list wraps (QCommonStyle)
        layout.setTextOption(text_option)
        layout.beginLayout()
        starts = []
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            starts.append(line.textStart())
        layout.endLayout()
        broken += [(width, drawn[start:start + 6]) for start in starts
                   for run in (month, row) if run.start() < start < run.end()]
    assert broken == []
    dialog.close()
