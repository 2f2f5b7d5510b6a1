"""Start-up of the desktop: `main.py` with LEYE_EXIT_WHEN_SHOWN quits only once the open year has
been painted (what bench/bench_startup.py times), and starting the desktop on a year imports none
of the heavy packages the first screen does not need."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from core.scoring.facts import load_year
from core.scoring.rules import load_rule_set
from core.store.dataset import create_file

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
# Needed only by the command line, the Excel import and export, PDFs, signing or the tests.
HEAVY = ("jsonschema", "openpyxl", "reportlab", "pyhanko", "python_calamine", "sqlite_utils", "hypothesis",
         "cryptography", "fontTools", "PIL", "cli", "core.excel.read", "core.excel.check", "core.excel.cells",
         "core.excel.kinds", "core.excel.readers", "core.excel.layout", "core.excel.write", "core.pdf.export",
         "core.pdf.layout", "core.pdf.sheets", "core.pdf.signing", "core.people.matching")
# The parts of the desktop the first screen does not need, imported when first used.
DEFERRED = ("ui.dialogs", "ui.views", "ui.field_copies", "ui.start_page", "ui.rule_update", "core.teamwork.plan",
            "core.people.records", "core.scoring.rule_problems", "socket", "core.years.history",
            "core.years.continuation", "core.pdf.provisional")


def desktop_env(home: Path) -> dict:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache"), "LEYE_EXIT_WHEN_SHOWN": "1"}


def report(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_main_quits_once_the_demo_year_is_painted(tmp_path):
    demo, problems = load_year(DEMO, load_rule_set())
    assert not problems
    for run in ("first run: creates the demo year", "second run: opens it"):
        done = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=desktop_env(tmp_path), capture_output=True,
                              text=True, encoding="utf-8", timeout=120)
        shown = report(done)
        assert shown["painted"] > shown["started"], run
        assert set(shown["phases"]) == {"core", "qt", "ui", "app", "window", "open", "painted"}, run
        assert shown["shown"]["units"] == len(demo.units), run
        assert shown["shown"]["unit"].startswith(demo.units[0].name), run
        assert shown["shown"]["clause"].startswith("1.1"), run
        assert shown["shown"]["points"].endswith("分"), run
        assert shown["gc"], run  # the garbage collector, off during start-up, is back on
        assert shown["input_guard"], run  # installed once the year is on screen
    # the rule set, the messages and the credit codes' registration table were parsed once, then read
    # from the user's cache
    assert len(list((tmp_path / "cache").glob("**/parsed/*.marshal"))) == 3


def test_opening_a_year_in_the_desktop_imports_nothing_heavy(tmp_path):
    rules = load_rule_set()
    year, problems = load_year(DEMO, rules)
    assert not problems
    path = tmp_path / "year.sqlite"
    assert create_file(path, rules, "张三", year=year) == []
    # 张三 opened this file before: the desktop remembers who works on it and does not ask again
    from ui.main_window import MainWindow
    group, key = MainWindow._assessor_key_of(path).split("/")
    settings = tmp_path / "config" / "leye-wujiang" / "leye-wujiang.conf"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(f"[{group}]\n{key}=\\x5f20\\x4e09\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        sys.argv = ["main.py"]
        import main
        code = main.main([{str(path)!r}])
        print("LOADED", [name for name in {HEAVY + DEFERRED!r} if name in sys.modules])
        sys.exit(code)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=desktop_env(tmp_path), capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert json.loads(lines[0])["shown"]["units"] == len(year.units)  # the year really was on screen
    assert lines[-1] == "LOADED []"


def test_a_rule_set_text_is_parsed_once_and_a_bad_one_names_each_source():
    from core.scoring.rules import DEFAULT_RULE_SET, RuleSetError, parse_rule_set
    text = DEFAULT_RULE_SET.read_text(encoding="utf-8")
    assert parse_rule_set(text, "a") is parse_rule_set(text, "b") is load_rule_set()
    broken = text.replace("format = 2", "format = 99", 1)
    for source in ("first.toml", "second.toml"):
        try:
            parse_rule_set(broken, source)
        except RuleSetError as exc:
            assert exc.source == source and exc.problems[0][0] == "format"
        else:
            raise AssertionError("a wrong format must be refused")


def test_the_tables_written_out_for_the_quick_check_of_opening_are_the_people_tables():
    from core.people.records import PEOPLE_TABLES
    from core.store.audit_check import NOT_REPLAYED
    assert frozenset(PEOPLE_TABLES) | {"audit"} == NOT_REPLAYED


def test_backup_names_are_read_without_strptime(tmp_path):
    import datetime as dt

    from core.store import backup
    folder = backup.backup_dir(tmp_path / "year.sqlite")
    folder.mkdir()
    for name in ("year-20221231-235959.sqlite", "year-20240229-000001-2.sqlite", "year-20230101-080000-damaged.sqlite"):
        (folder / name).write_bytes(b"x")
    assert [(b.taken_at, b.label) for b in backup.list_backups(tmp_path / "year.sqlite")] == [
        (dt.datetime(2024, 2, 29, 0, 0, 1), ""), (dt.datetime(2023, 1, 1, 8, 0), "damaged"),
        (dt.datetime(2022, 12, 31, 23, 59, 59), "")]


def test_the_other_tabs_are_built_when_first_shown(qtbot, tmp_path):
    from PySide6.QtCore import QSettings, QStandardPaths

    from core.store.demo import ensure_demo
    from ui.app import create_app
    from ui.main_window import MainWindow
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    create_app()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    ws = window.workspace
    tabs = (ws.overview_tab, ws.year_tab, ws.grade_tab)
    assert not any(tab.is_built() for tab in tabs)  # opening the year builds only the clause page
    uid = ws.unit_id
    assert window.session.mark_final("标记数据已定稿", [uid], False).ok  # an edit before the tabs exist
    ws.tabs.setCurrentIndex(2)
    assert ws.year_tab.is_built() and not ws.grade_tab.is_built()
    name = window.session.unit(uid).name
    row = next(r for r in range(ws.year_view.model.rowCount())
               if ws.year_view.model.data(ws.year_view.model.index(r, 1)) == name)
    assert ws.year_view.model.data(ws.year_view.model.index(row, ws.year_view.model.headers.index("数据"))) == "未定稿"
    assert "共 13 家运营单位" in ws.year_view.note.text()  # refreshed when first shown
    ws.tabs.setCurrentIndex(1)
    assert ws.overview.title.text() == name
    ws.tabs.setCurrentIndex(3)
    assert ws.grade_view.model.rowCount() == 13
    window.close()


# ------------------------------------------------------------------ the backup of opening, after the first paint

def demo_file(tmp_path: Path, name: str = "year.sqlite") -> Path:
    rules = load_rule_set()
    year, problems = load_year(DEMO, rules)
    assert not problems
    path = tmp_path / name
    assert create_file(path, rules, "张三", year=year) == []
    return path


def test_a_deferred_backup_is_taken_by_finish_opening_once(tmp_path):
    from core.store import backup
    from core.store.dataset import Dataset
    path = demo_file(tmp_path)
    ds = Dataset.open(path, defer_backup=True)
    assert backup.list_backups(path) == []
    assert ds.finish_opening() == [] and ds.finish_opening() == []
    assert len(backup.list_backups(path)) == 1
    assert ds.set_insured_workers(1, ds.unit_ids()[0], 77).ok  # no second copy for the first write
    assert len(backup.list_backups(path)) == 1
    ds.close()


def test_the_first_write_takes_the_deferred_backup_first(tmp_path):
    from core.store import backup
    from core.store.dataset import Dataset
    path = demo_file(tmp_path)
    ds = Dataset.open(path, defer_backup=True)
    uid = ds.unit_ids()[0]
    before = ds.unit(uid).insured_workers
    assert ds.set_insured_workers(1, uid, before + 1).ok
    ds.close()
    closed, taken = backup.list_backups(path)
    with Dataset.open(taken.path, read_only=True) as copy:  # the year as it was opened
        assert copy.unit(uid).insured_workers == before
    with Dataset.open(closed.path, read_only=True) as copy:  # and as it was closed
        assert copy.unit(uid).insured_workers == before + 1


def test_a_deferred_backup_that_fails_is_told_and_the_year_stays_usable(tmp_path):
    from core.store import backup
    from core.store.dataset import Dataset
    path = demo_file(tmp_path)
    backup.backup_dir(path).write_text("a file where the backup folder belongs")
    ds = Dataset.open(path, defer_backup=True)
    [notice] = ds.finish_opening()
    assert notice.code == "dataset.backup_failed" and notice in ds.notices
    assert ds.set_insured_workers(1, ds.unit_ids()[0], 5).ok
    ds.close()


def test_the_desktop_backs_up_once_the_year_is_painted(qtbot, tmp_path):
    from PySide6.QtCore import QSettings, QStandardPaths

    from core.store import backup
    from ui.app import create_app
    from ui.main_window import MainWindow
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    create_app()
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    path = demo_file(tmp_path)
    assert window.open_dataset(path, "张三")
    assert backup.list_backups(path) == []  # not before the year is on screen
    qtbot.waitUntil(lambda: len(backup.list_backups(path)) == 1, timeout=900)  # before the 1 s fallback
    assert not window.finish_timer.isActive()
    window.close()


def test_a_year_opened_in_the_desktop_is_set_aside_from_the_collector_once_painted(window, qtbot, tmp_path):
    """Opened from the start page, not only at the program's start: once painted, and while the other
    pages are still being built, the year's objects are frozen out of the cyclic collector's passes (a
    full pass over a large year stopped the window 60–90 ms there); closing gives them back to it once the
    closed pages are deleted (the event loop's next turn)."""
    import gc
    assert window.open_dataset(demo_file(tmp_path), "张三")
    session = window.session
    assert not window.prepare_timer.isActive()
    qtbot.waitUntil(lambda: window.prepare_timer.isActive(), timeout=900)  # painted: the pages being built
    assert gc.get_freeze_count() > 0
    assert not any(o is session for o in gc.get_objects())  # in the permanent generation
    window.close_dataset()
    qtbot.waitUntil(lambda: gc.get_freeze_count() == 0, timeout=5000)


def test_main_knows_the_year_files_extensions_as_core_does():
    import main
    from core.store.dataset import YEAR_FILE_SUFFIXES
    assert main.YEAR_FILE_SUFFIXES == YEAR_FILE_SUFFIXES


# ------------------------------------------------------------------ what the first screen does not need

def test_a_window_opening_a_year_builds_the_start_page_only_when_nothing_is_open(qtbot, tmp_path):
    from PySide6.QtCore import QSettings, QStandardPaths

    from ui.app import create_app
    from ui.main_window import MainWindow
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    create_app()
    path = demo_file(tmp_path)
    window = MainWindow(opening=True)
    qtbot.addWidget(window)
    window.show()
    assert window.open_dataset(path, "张三")
    assert window._start is None and window.stack.count() == 1
    window.close_dataset()  # closed: the start page, listing the year just closed
    assert window.stack.currentWidget() is window.start
    assert [window.start.recent.item(i).data(256) for i in range(window.start.recent.count())] == [str(path.resolve())]

    failing = MainWindow(opening=True)  # the year cannot be opened: the start page says what can be done
    qtbot.addWidget(failing)
    failing.quiet_problems = True
    failing.show()
    assert not failing.open_dataset(tmp_path / "missing.wjkh", "张三")
    assert failing.stack.currentWidget() is failing.start and failing.start.new_button.isVisible()
    window.close()
    failing.close()


def test_no_module_of_the_program_asks_pyside_for_a_feature():
    # ui/app.py enters every module into PySide6's feature table unread, as not selecting a feature:
    # true only while no module says `from __feature__ import …`
    sources = [p for folder in ("core", "ui", "cli") for p in (ROOT / folder).rglob("*.py")] + [ROOT / "main.py"]
    asking = re.compile(r"^\s*(from __feature__ import|import __feature__)", re.MULTILINE)
    assert [p for p in sources if asking.search(p.read_text(encoding="utf-8"))] == []


def test_the_desktop_modules_are_imported_without_pyside_reading_their_sources():
    script = textwrap.dedent("""
        import sys
        import core.editing.session
        from PySide6.QtCore import QTimer
        import shibokensupport.feature as feature
        read = []
        original = feature._mod_uses_pyside
        feature._mod_uses_pyside = lambda module: read.append(module.__name__) or original(module)
        from ui.app import create_app
        before = set(sys.modules)
        read.clear()
        from ui.main_window import MainWindow
        print(sorted(name for name in read if name in before or name.startswith("ui")), len(read))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    ours, everything = done.stdout.split("] ")
    assert ours == "["  # none loaded before, and none of the desktop's, was read
    assert int(everything) <= 15  # only modules first imported by the desktop (before: 69)
