"""The desktop's texts go through Qt's translation mechanism, so another language is a catalogue, not
a code change: every text is found by pyside6-lupdate under the context the program asks for at run
time, and a compiled catalogue really replaces the Chinese on screen."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SOURCES = [ROOT / "main.py", *sorted((ROOT / "ui").rglob("*.py"))]


def extract(ts: Path) -> str:
    done = subprocess.run([str(BIN / "pyside6-lupdate"), *map(str, SOURCES), "-ts", str(ts)],
                          capture_output=True, text=True, check=True)
    assert "error" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    return ts.read_text(encoding="utf-8")


def runtime_contexts() -> set[str]:
    """The contexts the program translates under: its QObject classes (self.tr) and the literal first
    argument of every translate(...) call."""
    found: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                found.add(node.name)
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "translate"
                  and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> tuple[Path, str]:
    ts = tmp_path_factory.mktemp("i18n") / "leye_en.ts"
    return ts, extract(ts)


def test_every_text_is_found_under_the_context_asked_for_at_run_time(catalogue):
    _, text = catalogue
    contexts = re.findall(r"<name>(.*?)</name>", text)
    assert len(re.findall(r"<message", text)) > 200
    # a text under a context the program never asks for (a wrapper function, another object's tr)
    # would stay Chinese in every translation
    assert set(contexts) <= runtime_contexts(), set(contexts) - runtime_contexts()


def test_a_compiled_catalogue_replaces_the_chinese_on_screen(catalogue, qtbot, tmp_path):
    from PySide6.QtCore import QLocale, QStandardPaths
    from PySide6.QtWidgets import QApplication

    from ui.app import create_app, install_translators
    from ui.main_window import MainWindow
    from ui.models import status_text

    ts, text = catalogue
    # a stand-in translation: every text prefixed, so the test sees which texts went through Qt
    filled = re.sub(r"<source>(.*?)</source>(\s*)<translation type=\"unfinished\"></translation>",
                    lambda m: f"<source>{m[1]}</source>{m[2]}<translation>EN {m[1]}</translation>", text, flags=re.S)
    ts.write_text(filled, encoding="utf-8")
    subprocess.run([str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
                   capture_output=True, check=True)
    QStandardPaths.setTestModeEnabled(True)
    app = create_app()
    installed = install_translators(app, QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom), ts.parent)
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        assert window.windowTitle().startswith("EN ")
        assert all(a.text().startswith("EN ") for a in window.menuBar().actions())
        assert window.start.new_button.text().startswith("EN ")
        assert status_text("qualified").startswith("EN ")
    finally:
        for translator in installed:
            QApplication.removeTranslator(translator)


def test_qt_own_dialogs_speak_chinese(qtbot):
    """Qt's file dialog (the one used where the system has no native dialog) and its standard buttons
    come in Chinese: the program installs Qt's own Chinese catalogue."""
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

    from ui.app import create_app
    create_app()
    dialog = QFileDialog(None, "打开年度数据文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"查找范围：", "文件类型："} <= labels, labels
    assert not {"Look in:", "Files of type:", "File name:"} & labels
    buttons = {b.text() for box in dialog.findChildren(QDialogButtonBox) for b in box.buttons()}
    assert "取消" in buttons and "Cancel" not in buttons, buttons
    dialog.close()


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "C.UTF-8"}, {"LANG": "C.UTF-8", "LC_TIME": "zh_CN.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}),
    ({}, {"LC_TIME": "zh_CN.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}),
    ({"LC_ALL": "POSIX"}, {"LC_CTYPE": "POSIX", "LC_TIME": "zh_CN.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}),
    ({"LANG": "zh_CN.UTF-8", "LC_TIME": "C"}, {"LANG": "zh_CN.UTF-8", "LC_TIME": "zh_CN.UTF-8"}),
    ({"LANG": "zh_CN.UTF-8"}, {"LANG": "zh_CN.UTF-8"}),
    ({"LANG": "en_GB.UTF-8"}, {"LANG": "en_GB.UTF-8"}),
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "C"}, {"LC_ALL": "en_GB.UTF-8", "LANG": "C"}),
])
def test_a_machine_left_at_c_gets_chinese_dates_and_sizes_and_no_other(environ, expected):
    from ui.app import prefer_chinese_formats
    prefer_chinese_formats(environ)
    assert environ == expected


FILE_DIALOG_COLUMNS = """
import sys
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QFileSystemModel
from ui.app import create_app
app = create_app(["test"])
model = QFileSystemModel()
root = model.setRootPath(sys.argv[1])
while model.rowCount(root) < 2 or not model.data(model.index(1, 2, root)):
    app.processEvents()
for row in range(model.rowCount(root)):
    print("|".join(model.data(model.index(row, column, root)) for column in range(4)))
"""


def test_the_file_dialog_names_types_sizes_and_dates_in_chinese_on_a_machine_left_at_c(tmp_path):
    """Its 类型 column said "Folder" (a text Qt's Chinese catalogue lacks), its 体积 "0 bytes" and its
    修改日期 "7 Dec 2026" on a machine whose locale is C, as a bare install's is."""
    folder = tmp_path / "年度"
    (folder / "子文件夹").mkdir(parents=True)
    (folder / "2022年度.wjkh").write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))} | {"LANG": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-c", FILE_DIALOG_COLUMNS, str(folder)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    rows = sorted(line.split("|") for line in done.stdout.splitlines())
    assert len(rows) == 2, done.stdout + done.stderr
    (file_name, size, _, date), (folder_name, _, folder_type, _) = rows
    assert (file_name, folder_name, folder_type) == ("2022年度.wjkh", "子文件夹", "文件夹"), rows
    assert size == "0 字节", rows  # a file's type comes from the system's MIME database, in its languages
    assert re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2} \d{2}:\d{2}", date), rows


def test_the_catalogue_of_qt_texts_is_compiled_from_its_source(tmp_path):
    source = ROOT / "resources" / "i18n" / "qt_extra_zh_CN.ts"
    subprocess.run([str(BIN / "pyside6-lrelease"), str(source), "-qm", str(tmp_path / "made.qm")],
                   capture_output=True, check=True)
    assert (tmp_path / "made.qm").read_bytes() == source.with_suffix(".qm").read_bytes()
