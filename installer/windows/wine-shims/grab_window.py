"""Test aid for Wine (never shipped): opens the installed program's desktop exactly as
`pythonw main.py` does, then saves a picture of its main window and quits.

    python.exe grab_window.py OUT.png [SECONDS]      (run from the installed app folder's parent)
"""

import sys
from pathlib import Path

out = sys.argv[1]
delay_ms = int(float(sys.argv[2]) * 1000) if len(sys.argv) > 2 else 8000
sys.argv[1:] = []

import main  # noqa: E402  (the installed app folder is on sys.path through python313._pth)
import ui.app as app_module  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

create_app = app_module.create_app


def grab() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            ok = widget.grab().save(out)
            print(f"saved {out}: {ok}, {widget.width()}x{widget.height()}, title {widget.windowTitle()!r}", flush=True)
            break
    else:
        print("no main window shown", flush=True)
    QApplication.quit()


def create_app_then_grab(argv=None):
    app = create_app(argv)
    QTimer.singleShot(delay_ms, grab)
    return app


app_module.create_app = create_app_then_grab
sys.exit(main.main([]))
