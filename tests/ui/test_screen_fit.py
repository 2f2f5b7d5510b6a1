"""A tall dialog opens no taller than the screen leaves free: its buttons stay on a 768-pixel screen."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from ui.screen_fit import TITLE_BAR, resize_within_screen


def test_a_dialog_taller_than_the_free_screen_is_made_to_fit(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    free = dialog.screen().availableGeometry().height()
    resize_within_screen(dialog, 900, free + 200)
    assert dialog.height() == free - TITLE_BAR and dialog.width() == 900
    resize_within_screen(dialog, 600, 300)
    assert (dialog.width(), dialog.height()) == (600, 300)
