"""Entry point: wires the command line and the desktop together.

    python main.py                 the desktop, on the demo year (made in the user's data folder on first run)
    python main.py YEAR.sqlite     the desktop, on that year
    python main.py COMMAND …       the command line (cli/): score, import-json, export-json, …
"""

import gc
import os
import sys
import time
import warnings
from pathlib import Path

STARTED = time.monotonic()  # CLOCK_MONOTONIC: comparable with the clock of the process that started us
STARTED_CPU = time.process_time()  # the processor time spent so far: the interpreter's own start-up
# core.store.dataset.YEAR_FILE_SUFFIXES, written out: importing core here, before the desktop pauses the
# garbage collector, would slow the start (tests/ui/test_startup.py checks the two agree)
YEAR_FILE_SUFFIXES = (".wjkh", ".sqlite")


def no_display() -> bool:
    """On Linux without a graphical session Qt would abort with a message about xcb plugins."""
    return (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


def desktop(argv: list[str]) -> int:
    if no_display():
        from core.common.messages import Msg, render
        print(render(Msg.of("cli.no_display")), file=sys.stderr)
        return 2
    # Start-up makes some hundred thousand objects that all stay alive: the cyclic garbage collector
    # would scan them over and over for nothing. It is back on once the window has been painted.
    gc.disable()
    marks = [("main", STARTED, STARTED_CPU)]  # start-up phases, reported with LEYE_EXIT_WHEN_SHOWN

    def mark(label: str) -> None:
        marks.append((label, time.monotonic(), time.process_time()))
    # core before Qt: PySide6 reads the source of each module an import statement names after it is
    # loaded (to look for `from __feature__`); the modules only core uses are spared that. The audit
    # check's module is the quick check of opening.
    import core.editing.session  # noqa: F401
    import core.store.audit_check  # noqa: F401
    from core.store.demo import ensure_demo
    mark("core")
    from PySide6.QtCore import QTimer  # Qt only when the desktop is wanted

    from ui.app import PaintWatch, create_app, data_folder, guard_input, install_fault_hook
    mark("qt")
    from ui.main_window import MainWindow
    mark("ui")

    app = create_app(sys.argv[:1], input_guard=False)
    mark("app")
    problem = None
    if argv:
        path = Path(argv[0])
    else:
        try:
            path = ensure_demo(data_folder(), app.translate("App", "演示考核人员"))
        except Exception as exc:  # the desktop still opens, on the start page, and says why
            path, problem = None, str(exc)
    window = MainWindow(opening=path is not None)
    install_fault_hook(window.handle_fault)
    mark("window")
    if problem is not None:
        window.show_problems([problem])
    window.show()
    if path is not None:
        window.open_dataset(path)
    mark("open")

    def settle() -> None:  # what start-up put off until the year is on screen
        # What start-up made stays alive (modules, the window, the year): set aside from the collector
        # for good, or its first pass would go over all of it at once and stop the window ~20–40 ms.
        gc.freeze()
        gc.enable()
        guard_input(app, window)

    def shown() -> None:
        mark("painted")
        settle()
        if os.environ.get("LEYE_EXIT_WHEN_SHOWN"):  # bench/bench_startup.py: stop once the year is painted
            print(startup_report(window, marks), flush=True)
            app.quit()
    shown_watch = PaintWatch(window.workspace.year_widgets() if window.workspace else [window], shown)  # noqa: F841
    QTimer.singleShot(3000, settle)  # also when nothing gets painted (a minimised window)
    return app.exec()


def startup_report(window, marks: list[tuple[str, float, float]]) -> str:
    """One JSON line: when the window was painted (monotonic clock), each phase's milliseconds (and
    the processor time it took: the steadier figure on a busy machine), and what the window showed then."""
    import json
    phases = {label: round((t - marks[i - 1][1]) * 1000, 1) for i, (label, t, _) in enumerate(marks) if i}
    cpu_phases = {label: round((c - marks[i - 1][2]) * 1000, 1) for i, (label, _, c) in enumerate(marks) if i}
    shown = {}
    if window.workspace is not None:
        ws = window.workspace
        shown = {"units": ws.unit_list.model().rowCount(), "unit": ws.unit_list.currentIndex().data(),
                 "clause": ws.clause_page.title_label.text(), "points": ws.clause_page.points_label.text()}
    from PySide6.QtWidgets import QApplication
    return json.dumps({"started": STARTED, "painted": marks[-1][1], "phases": phases, "cpu_phases": cpu_phases,
                       "cpu_ms": round(marks[-1][2] * 1000, 1), "shown": shown,
                       "input_guard": getattr(QApplication.instance(), "_leye_input_guard", None) is not None,
                       "gc": gc.isenabled()}, ensure_ascii=False)


def quiet_warnings() -> None:
    """Libraries' warnings (deprecations and the like) are for the program's developers: none may
    reach a user's screen or the command line's output. `python -W default main.py …` (or
    PYTHONWARNINGS) shows them again; the tests turn them into errors (pyproject.toml)."""
    if not sys.warnoptions:
        warnings.simplefilter("ignore")


def main(argv: list[str]) -> int:
    quiet_warnings()
    # No command names end in a year file's extension, so the desktop starts without importing the
    # command line (it pulls in openpyxl, pyHanko and the rest: a third of a second).
    if not argv or (len(argv) == 1 and argv[0].lower().endswith(YEAR_FILE_SUFFIXES)):
        return desktop(argv)
    import cli

    if len(argv) == 1 and argv[0] not in cli.COMMANDS and not argv[0].startswith("-") and Path(argv[0]).exists():
        return desktop(argv)  # a file of another name: the desktop says whether it is a year file
    return cli.main(argv)  # a mistyped command is named as such


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stdout = None
        sys.exit(0)
