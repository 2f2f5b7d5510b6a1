"""Open the demo year in a window of the given logical size, visit every page of one unit and every
tab, and report as JSON whatever scrolls sideways or is cut; screenshots go to the given folder.
Run in its own process, because Qt's scale factor is fixed when the application starts."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QAbstractScrollArea, QTabWidget  # noqa: E402


def main(width: int, height: int, shots: Path) -> dict:
    QStandardPaths.setTestModeEnabled(True)
    home = Path(tempfile.mkdtemp())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "settings"))
    from core.store.demo import ensure_demo
    from ui.app import create_app
    from ui.main_window import MainWindow
    app = create_app()
    window = MainWindow()
    window.quiet_problems = True
    window.ask_assessor = lambda names, suggestion: (suggestion or "演示考核人员", "")
    window.resize(width, height)
    window.show()
    assert window.open_dataset(ensure_demo(home, "演示考核人员"))
    app.processEvents()
    shots.mkdir(parents=True, exist_ok=True)
    sideways: list[str] = []
    ws = window.workspace
    for index, page in enumerate(window.session.pages):
        ws.go_page(index)
        app.processEvents()
        for kind, view in ws.clause_page.record_views.items():
            if view.isVisible() and view.horizontalScrollBar().maximum() > 0:
                sideways.append(f"{page.id} {kind}")
        if ws.clause_page._body.horizontalScrollBar().maximum() > 0:  # the page itself wider than its room
            sideways.append(f"{page.id} page")
        window.grab().save(str(shots / f"page-{index:02d}.png"))
    main_tabs = next(t for t in window.findChildren(QTabWidget) if t.count() and t.tabText(0) == "逐条考核")
    for i in range(main_tabs.count()):
        main_tabs.setCurrentIndex(i)
        app.processEvents()
        window.grab().save(str(shots / f"tab-{i}.png"))
        for area in main_tabs.currentWidget().findChildren(QAbstractScrollArea):
            if area.isVisible() and area.horizontalScrollBar().maximum() > 0 and area.objectName() != "allows_sideways":
                sideways.append(f"tab {main_tabs.tabText(i)} {type(area).__name__}")
    frame = window.frameGeometry()
    result = {"sideways": sideways, "ratio": window.devicePixelRatioF(), "size": [window.width(), window.height()],
              "fits": frame.width() <= width + 20 and frame.height() <= height + 40,
              "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()]}
    window.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))))
