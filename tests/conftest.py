"""Every test process and the programs it starts keep the user's profile (keys, trusted
certificates, caches) in a folder of their own, never the developer's. And the fixtures many test
files share: `window` (the desktop) and `ds` (a dataset for the import tests)."""

import gc
import os
import sys
import tempfile
from pathlib import Path

import pytest

from tests.profile_support import cache_environ, profile_environ, use_profile

_profile = Path(tempfile.mkdtemp(prefix="leye-test-profile-"))
os.environ.update({**profile_environ(_profile / "config"), **cache_environ(_profile / "cache")})


@pytest.fixture(autouse=True)
def no_dialog_poll_outlives_its_test():
    """A test's waits for a dialog (tests/desktop_support.py) end with it, so none answers or rejects a
    later test's dialog."""
    yield
    support = sys.modules.get("tests.desktop_support")  # loaded only by the desktop tests: no Qt for the rest
    if support is not None:
        support.stop_all_answering()


@pytest.fixture(autouse=True)
def nothing_frozen_outlives_its_test():
    """The cyclic collector is the whole process's: what a test's window set aside from it (gc.freeze, once a year
    is set up or a bulk write is done) is given back at the test's end, as the program gives it back when a closed
    year's pages are deleted (an event loop turn a test's end does not reach). Left frozen, a later test's
    gc.collect() never reaches it: a face an earlier test's PDF export registered kept its glyph map tracked."""
    yield
    gc.unfreeze()


@pytest.fixture
def window(qtbot, tmp_path):
    """The main window on the start page, shown at 1366×768, its settings in the test's folder."""
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from ui.app import create_app
    from ui.main_window import MainWindow
    create_app()
    w = MainWindow()
    w.quiet_problems = True  # problems go to the status bar and w.last_problems, not a modal box
    # who is working: the first of the file's assessors (tests/ui/test_desktop_assessor.py asks for real)
    w.ask_assessor = lambda names, suggestion: (suggestion or (names[0] if names else "测试考核人员"), "")
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
    close_stray_dialogs()


def close_stray_dialogs() -> None:
    """Dialogs a test left open are closed: one left modal would sit over the next test's window, whose
    expected question then never becomes the active modal dialog (a wait of minutes, then a failure
    elsewhere)."""
    from PySide6.QtWidgets import QApplication, QDialog
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()


@pytest.fixture
def ds(tmp_path):
    """A dataset holding year_with_bases() (tests/import_support.py), open for editing."""
    from core.store.dataset import Dataset
    from tests.builders import RULES
    from tests.import_support import year_with_bases

    with Dataset.create(tmp_path / "2022.sqlite", RULES, "张三", backups=False) as opened:
        assert opened.import_year(1, year_with_bases()).ok
        yield opened


@pytest.fixture
def demo_year_file(tmp_path, monkeypatch):
    """The demonstration year in a year file of the test's own (张三 its assessor), and the user's profile
    the test's own too: the rule sets it imports or adopts stay there."""
    from core.scoring.facts import load_year
    from core.scoring.rules import load_rule_set
    from core.store.dataset import create_file
    from tests.dataset_support import DEMO
    use_profile(monkeypatch, tmp_path / "profile")
    rules = load_rule_set()
    year, problems = load_year(DEMO, rules)
    assert not problems
    path = tmp_path / "2022年度考核.wjkh"
    assert not create_file(path, rules, "张三", year=year)
    return path


@pytest.fixture
def example_2023_imported(tmp_path, monkeypatch):
    """The example 2023 rule set (tests/example_rules.py) imported as a user imports a bureau's issued rules
    (考核细则管理 → 导入细则文件), into a profile folder of the test's own: the program itself brings none."""
    from core.scoring import rule_library
    from tests.example_rules import EXAMPLE_2023
    use_profile(monkeypatch, tmp_path / "profile-config")
    added, problems = rule_library.import_file(EXAMPLE_2023)
    assert problems == [] and added is not None
    return added.rules
