"""The page's wrapped texts remember their height at each width (ui/editors/base.py): what they answer
is always what Qt itself would lay out now, after their text, font, style or margins change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QLabel

from ui.app import create_app
from ui.editors.base import WrappingCheckBox, wrapped

LONG = ("运营单位建立劳务基地或政校合作基地，签订合作协议，当年度通过基地促成进吴就业、实习、见习人员，"
        "经确认进吴参保的，按人数计分。") * 3
WIDTHS = (120, 260, 400, 120, 640, 260)


def fresh_qt_label(label: QLabel) -> QLabel:
    """A plain QLabel set up as `label` is now: Qt's own answer, nothing remembered."""
    plain = QLabel("原")
    plain.setText(label.text())  # (a label never given a text is not a text label: -1 for any width)
    plain.setWordWrap(True)
    plain.setTextFormat(Qt.TextFormat.PlainText)
    plain.setTextInteractionFlags(label.textInteractionFlags())
    plain.setFont(label.font())
    plain.setStyleSheet(label.styleSheet())
    plain.setContentsMargins(label.contentsMargins())
    return plain


def test_a_wrapped_label_answers_as_qt_would_after_every_change(qtbot):
    create_app()
    label = wrapped(LONG)
    qtbot.addWidget(label)
    changes = [
        lambda: None,
        lambda: label.setText(LONG[:20]),
        lambda: label.setText(LONG + LONG),
        lambda: label.clear(),
        lambda: label.setText(LONG),
        lambda: label.setFont(QFont(label.font().family(), 18)),
        lambda: label.setStyleSheet("font-size: 9pt;"),
        lambda: label.setContentsMargins(30, 0, 30, 0),
    ]
    for change in changes:
        change()
        plain = fresh_qt_label(label)
        qtbot.addWidget(plain)
        for width in WIDTHS:
            assert label.heightForWidth(width) == plain.heightForWidth(width), (label.text()[:10], width)
    assert label.heightForWidth(120) > label.heightForWidth(640)


def test_a_wrapping_check_box_grows_with_its_text_and_font(qtbot):
    create_app()
    box = WrappingCheckBox(LONG)
    qtbot.addWidget(box)
    tall = [box.heightForWidth(w) for w in WIDTHS]
    assert tall == sorted(tall, reverse=True) or tall[0] > tall[2] > tall[4]
    box.setText("附件3")
    assert box.heightForWidth(120) < tall[0]  # laid out again for the new text
    one_line = box.heightForWidth(400)
    box.setFont(QFont(box.font().family(), 30))
    assert box.heightForWidth(400) > one_line  # and for the new font
    assert isinstance(box, QCheckBox)


def test_a_flowing_row_remembers_its_height_only_until_qt_lays_it_out_again(qtbot):
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

    from ui.editors.flow import FlowLayout
    create_app()
    page = QWidget()
    qtbot.addWidget(page)
    column = QVBoxLayout(page)
    row = FlowLayout()
    buttons = [QPushButton(text) for text in ("全部按名单核对", "全部改为手工录入", "导入 Excel…", "查看核对结果")]
    for button in buttons:
        row.addWidget(button)
    column.addLayout(row)
    page.resize(260, 300)
    page.show()
    QApplication.processEvents()

    def fresh(width: int) -> int:  # worked out anew, nothing remembered
        return row._place(QRect(0, 0, width, 0), move=False)

    tall = row.heightForWidth(200)
    assert tall == fresh(200) and tall > row.heightForWidth(2000) == fresh(2000)
    for button in buttons[1:]:
        button.hide()
    page.layout().activate()
    assert row.heightForWidth(200) == fresh(200) < tall  # one button left: one line
    buttons[0].setText("全部按名单核对" * 6)
    page.layout().activate()
    QApplication.processEvents()
    assert row.heightForWidth(200) == fresh(200)
    row.addWidget(QPushButton("新的按钮"))
    assert row.heightForWidth(200) == fresh(200)
