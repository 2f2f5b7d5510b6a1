"""The QApplication: names (for settings and the data folder), translations, fonts, high DPI."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QStandardPaths,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parent.parent
I18N_DIR = ROOT / "resources" / "i18n"
ICONS_DIR = ROOT / "resources" / "icons"
APP_NAME = "leye-wujiang"  # folder and settings name; never shown
# Families tried in order: Windows' YaHei, then the WenQuanYi font the installer brings on Linux.
FONT_FAMILIES = ["Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Zen Hei", "Noto Sans CJK SC",
                 "Source Han Sans SC", "SimHei", "sans-serif"]


def spare_the_feature_scan() -> None:
    """PySide6 reads the source of every module an import statement names after Qt is loaded, looking
    for `from __feature__ import …` (snake_case, true_property) to decide how lookups from that module
    behave: some 70 files read at start-up (~13 ms). The program uses no such feature (a test checks
    it), so each module is entered as that reading would enter it: those loaded before Qt as not using
    Qt, the program's own ui modules as using it without a feature. Another PySide6 reads as before."""
    table = getattr(sys.modules.get("shibokensupport.feature"), "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    for name in list(sys.modules):  # -1: "ignore this module", what the reading finds in a module without Qt
        table.setdefault(name, 0 if name == "__main__" else -1)
    for path in Path(__file__).resolve().parent.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        table[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = 0  # 0: uses Qt, no feature


spare_the_feature_scan()


def prefer_chinese_formats(environ: dict[str, str] | None = None) -> None:
    """On Linux Qt writes the dates and sizes of its dialogs in the locale the environment names (LC_ALL,
    LC_TIME, LC_MESSAGES, LANG). A machine left at C or POSIX, as a bare install is, would show
    "7 Dec 2026" and "0 bytes" beside the Chinese words; such a machine is given Chinese for those two
    (Qt reads the names; the C library's own locale is not changed when zh_CN is not installed).
    Called before the QApplication is made: Qt reads the environment once."""
    env = os.environ if environ is None else environ
    if sys.platform in ("win32", "darwin"):  # Qt asks the system there, not the environment
        return

    def unset(value: str) -> bool:
        return value.split(".")[0] in ("", "C", "POSIX")
    if env.get("LC_ALL"):
        if not unset(env["LC_ALL"]):
            return
        env.setdefault("LC_CTYPE", env.pop("LC_ALL"))  # keeps its character set
    for name in ("LC_TIME", "LC_MESSAGES"):
        if unset(env.get(name) or env.get("LANG", "")):
            env[name] = "zh_CN.UTF-8"


def install_translators(app: QApplication, locale: QLocale | None = None, folder: Path = I18N_DIR) -> list[QTranslator]:
    """The program's texts are written in Simplified Chinese. When resources/i18n/ holds a catalogue
    for the system's language (leye_en.qm …) it is installed with Qt's own texts for that language;
    otherwise Qt's Chinese texts are installed so its standard buttons and dialogs speak Chinese too."""
    locale = locale or QLocale.system()
    installed = []
    own = QTranslator(app)
    chinese = locale.language() == QLocale.Language.Chinese
    qt_locale = locale
    if not chinese and own.load(locale, "leye", "_", str(folder)):
        app.installTranslator(own)
        installed.append(own)
    else:
        qt_locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        # Qt's dialogs write sizes, dates and file types in the default locale, which on a machine
        # set to C or English would be English beside the Chinese of the translated words
        QLocale.setDefault(qt_locale)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qt"):
        translator = QTranslator(app)
        if translator.load(qt_locale, name, "_", qt_dir):
            app.installTranslator(translator)
            installed.append(translator)
            break
    extra = QTranslator(app)  # what Qt's own catalogue leaves in English (resources/i18n/qt_extra_*.ts)
    if extra.load(qt_locale, "qt_extra", "_", str(folder)):
        app.installTranslator(extra)
        installed.append(extra)
    return installed


def create_app(argv: list[str] | None = None, input_guard: bool = True) -> QApplication:
    """The application, made once. `input_guard=False` leaves the input guard to `guard_input`: the
    desktop installs it once the first screen is painted, so that the events of the start-up never
    cross into Python."""
    app = QApplication.instance()
    if app is None:
        prefer_chinese_formats()
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        QCoreApplication.setOrganizationName(APP_NAME)
        QCoreApplication.setApplicationName(APP_NAME)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    else:
        QCoreApplication.setOrganizationName(APP_NAME)
        QCoreApplication.setApplicationName(APP_NAME)
    if not getattr(app, "_leye_ready", False):
        app._leye_translators = install_translators(app)  # kept alive with the app
        QGuiApplication.setApplicationDisplayName(QCoreApplication.translate("App", "乐业吴江运营单位绩效考核"))
        icon = QIcon()
        for size in (16, 32, 48, 64, 128, 256):
            icon.addFile(str(ICONS_DIR / f"app-{size}.png"))
        app.setWindowIcon(icon)
        app._leye_input_guard = None
        from ui.file_dialogs import fit_file_dialogs
        fit_file_dialogs()
        if input_guard:
            guard_input(app)
        QGuiApplication.setDesktopFileName("leye-wujiang")  # the menu entry the Linux package installs
        if sys.platform == "win32":  # the taskbar groups and pins the program as itself, not as Python
            import ctypes
            try:
                ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID("LeyeWujiang.Assessment")
            except (AttributeError, OSError):
                pass
        for bundled in sorted((ROOT / "resources" / "fonts").glob("*.tt[fc]")):  # the installers' CJK font
            QFontDatabase.addApplicationFont(str(bundled))
        font = QFont(app.font())
        font.setFamilies(FONT_FAMILIES)
        if font.pointSizeF() < 10:
            font.setPointSizeF(10)
        app.setFont(font)
        # Rule sets and messages are parsed once per user, not at every start (core/common/tomlcache.py).
        from core.common import tomlcache  # here: named after Qt, the module would be read (spare_the_feature_scan)
        tomlcache.set_folder(Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation))
                             / "parsed")
        app._leye_ready = True
    return app


def guard_input(app: QApplication, *shown: QWidget) -> None:
    """The wheel and Ctrl+Z never change a fact by accident (ui/input_guard.py), from now on and for the
    widgets of `shown`, already on screen, too; once per application."""
    if getattr(app, "_leye_input_guard", None) is None:
        from ui.input_guard import install_input_guard  # the desktop: once the year is on screen
        app._leye_input_guard = install_input_guard(app, shown)


def data_folder() -> Path:
    """The user's data folder (QStandardPaths AppDataLocation), created when missing."""
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class PaintWatch(QObject):
    """Calls `done` once, right after every one of `widgets` has been painted: how the start-up
    benchmark and its test know the year is on screen (not merely built)."""

    def __init__(self, widgets, done):
        super().__init__()
        self._waiting = list(widgets)
        self._done = done
        for widget in self._waiting:
            widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and watched in self._waiting:
            self._waiting.remove(watched)
            watched.removeEventFilter(self)
            if not self._waiting:  # queued: runs once this paint pass (the whole window) is finished
                QTimer.singleShot(0, self._done)
        return False


def install_fault_hook(handle: Callable[[BaseException], None]) -> None:
    """Exceptions that escape a slot (a full disk or a removed file during an edit, or a bug) are
    handed to `handle`, which tells the user, instead of only being printed on a console nobody
    sees. The traceback is still printed for whoever runs the program from a terminal."""
    def hook(kind, value, traceback) -> None:
        sys.__excepthook__(kind, value, traceback)
        if not isinstance(value, Exception):  # KeyboardInterrupt and the like: default behaviour only
            return
        try:
            handle(value)
        except Exception:  # telling must never raise inside the hook
            sys.__excepthook__(*sys.exc_info())
    sys.excepthook = hook
