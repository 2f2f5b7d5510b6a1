"""A window's first height, no more than the screen it opens on leaves free: on a 1366×768 laptop with its
taskbar a tall dialog's buttons stay on screen. (The widths asked for fit a 1366-pixel screen.)"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

TITLE_BAR = 48  # room for the window's own frame and title bar, which the height given does not include


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """Resize to width × height, no taller than the screen's free area holds."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        height = min(height, screen.availableGeometry().height() - TITLE_BAR)
    window.resize(width, height)
