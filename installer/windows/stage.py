"""Lays out the installed program's folder tree for the Windows installer (run by installer/build-windows.sh).

    python stage.py EMBED_DATA_ZIP WHEEL_DIR PROGRAM_DIR FONT_DIR STAGE

STAGE/runtime/   the embeddable CPython 3.13 with Lib/site-packages holding the unpacked wheels
STAGE/app/       main.py, core/, ui/, cli/, resources/ (with the CJK font and its licence in resources/fonts/)
STAGE/*.cmd      the command-line launchers

Wheels are zip files: unpacking them is all an install of a wheel does that the program needs
(no entry-point scripts, no pip on the target). What the program never loads is left out (see
STRIP_* below); check_pe_imports() then proves that every DLL a kept DLL or extension imports is
either shipped or part of Windows.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import struct
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

PTH = """python313.zip
.
Lib\\site-packages
..\\app

# ..\\app: the program (with a ._pth file the script's folder is not put on sys.path)
# site: Lib\\site-packages is searched and *.pth files in it are read
import site
"""

# ---------------------------------------------------------------- what is left out
# Paths relative to site-packages, shell patterns. The program uses QtCore, QtGui, QtWidgets and
# QtPrintSupport (grep "PySide6\\." in core/ ui/ main.py), nothing of Qt Quick/QML, Designer, networking,
# SQL or OpenGL.
STRIP_PYSIDE = [
    "PySide6/*.exe",                       # designer, linguist, uic, rcc, qml tools
    "PySide6/qml/*", "PySide6/include/*", "PySide6/typesystems/*", "PySide6/glue/*",
    "PySide6/metatypes/*", "PySide6/scripts/*", "PySide6/*.pyi",
    "PySide6/resources/*",                 # icudtl.dat: Qt WebEngine's ICU data (no WebEngine here)
    "PySide6/opengl32sw.dll",              # software OpenGL for Qt Quick; widgets paint with GDI
    "PySide6/Qt6Quick*.dll", "PySide6/Qt6Qml*.dll", "PySide6/Qt6Labs*.dll", "PySide6/Qt6Designer*.dll",
    "PySide6/Qt6Help.dll", "PySide6/Qt6UiTools.dll", "PySide6/Qt6Test.dll", "PySide6/Qt6Sql.dll",
    "PySide6/Qt6OpenGL*.dll", "PySide6/Qt6Network.dll", "PySide6/Qt6DBus.dll", "PySide6/Qt6Concurrent.dll",
    "PySide6/Qt6Xml.dll",
    "PySide6/QtQuick*.pyd", "PySide6/QtQml.pyd", "PySide6/QtDesigner.pyd", "PySide6/QtHelp.pyd",
    "PySide6/QtUiTools.pyd", "PySide6/QtTest.pyd", "PySide6/QtSql.pyd", "PySide6/QtOpenGL*.pyd",
    "PySide6/QtNetwork.pyd", "PySide6/QtDBus.pyd", "PySide6/QtConcurrent.pyd", "PySide6/QtXml.pyd",
    "PySide6/QtExampleIcons.pyd", "PySide6/pyside6qml.abi3.dll",
    "PySide6/QtQml/*", "PySide6/QtQuick*/*",
    "PySide6/plugins/designer/*", "PySide6/plugins/qmltooling/*", "PySide6/plugins/sqldrivers/*",
    "PySide6/plugins/tls/*", "PySide6/plugins/networkinformation/*", "PySide6/plugins/generic/*",
    "PySide6/plugins/platforminputcontexts/*", "PySide6/plugins/platforms/qdirect2d.dll",
    "PySide6/plugins/imageformats/qpdf.dll",
    "PySide6/vcamp140.dll", "PySide6/vccorlib140.dll", "PySide6/vcomp140.dll", "PySide6/concrt140.dll",
    "shiboken6/vcamp140.dll", "shiboken6/vccorlib140.dll", "shiboken6/vcomp140.dll", "shiboken6/concrt140.dll",
]
# Qt's translations: only Qt's own standard texts (qtbase_*, qt_*) are ever loaded (ui/app.py).
KEEP_TRANSLATIONS = ["qtbase_*.qm", "qt_*.qm"]
DROP_TRANSLATIONS = ["qt_help_*.qm"]
# Every package: tests, C sources and headers, type stubs.
STRIP_ANY = ["*/tests/*", "*/test/*", "*.pyi", "*.pyx", "*.pxd", "*.pxi", "*.h", "*.c", "*.cpp", "*.lib",
             "lxml/includes/*", "*/__pycache__/*"]

# DLLs that Windows 10/11 itself provides (the loader finds them in System32). Names not listed
# here must be shipped. api-ms-win-* / ext-ms-* are API sets, resolved by the loader.
WINDOWS_DLLS = {
    "advapi32.dll", "authz.dll", "bcrypt.dll", "bcryptprimitives.dll", "cfgmgr32.dll", "comctl32.dll",
    "comdlg32.dll", "crypt32.dll", "d2d1.dll", "d3d11.dll", "d3d12.dll", "d3d9.dll", "dcomp.dll",
    "dwmapi.dll", "dwrite.dll", "dxgi.dll", "dxva2.dll", "gdi32.dll", "gdiplus.dll", "imm32.dll",
    "iphlpapi.dll", "kernel32.dll", "mpr.dll", "msimg32.dll", "msvcrt.dll", "ncrypt.dll", "netapi32.dll",
    "ntdll.dll", "ole32.dll", "oleacc.dll", "oleaut32.dll", "opengl32.dll", "propsys.dll", "rpcrt4.dll",
    "secur32.dll", "setupapi.dll", "shcore.dll", "shell32.dll", "shlwapi.dll", "user32.dll",
    "userenv.dll", "uxtheme.dll", "version.dll", "winmm.dll", "ws2_32.dll", "wtsapi32.dll",
    "wininet.dll", "winhttp.dll", "dnsapi.dll", "d3dcompiler_47.dll", "mswsock.dll", "normaliz.dll",
    "cabinet.dll", "wintrust.dll", "powrprof.dll", "dbghelp.dll", "psapi.dll", "winspool.drv",
    "icu.dll", "icuuc.dll", "icuin.dll",  # Windows 10 1903+ ships ICU (Qt6Core imports icuuc.dll)
    "wldap32.dll", "usp10.dll", "oledlg.dll", "hid.dll", "dwmcore.dll", "uiautomationcore.dll",
    "wevtapi.dll", "kernelbase.dll", "combase.dll", "msctf.dll", "windowscodecs.dll", "msvcp_win.dll",
    "ucrtbase.dll", "netutils.dll", "srvcli.dll", "wkscli.dll", "sspicli.dll", "credui.dll",
    "comppkgsup.dll", "cryptnet.dll", "cryptui.dll", "wlanapi.dll", "ntdsapi.dll", "rasapi32.dll",
    "fwpuclnt.dll", "coremessaging.dll", "twinapi.appcore.dll", "wer.dll", "wsock32.dll",
}


def matches(rel: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(rel, p) for p in patterns)


def unpack_embed(data_zip: Path, runtime: Path) -> None:
    with zipfile.ZipFile(data_zip) as zf:
        for info in zf.infolist():
            if not info.filename.startswith("cp313/") or info.is_dir():
                continue
            target = runtime / info.filename[len("cp313/"):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
    pth = runtime / "python313._pth"
    if not pth.exists():
        raise SystemExit("stage: the embeddable distribution has no python313._pth")
    pth.write_text(PTH.replace("\n", "\r\n"), encoding="ascii", newline="")


def unpack_wheels(wheel_dir: Path, site: Path) -> int:
    count = 0
    for wheel in sorted(wheel_dir.glob("*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            for info in zf.infolist():
                name = info.filename
                if info.is_dir():
                    continue
                parts = name.split("/")
                if parts[0].endswith(".data"):
                    if len(parts) > 2 and parts[1] in ("purelib", "platlib"):
                        name = "/".join(parts[2:])
                    else:
                        continue  # scripts, headers, data: nothing the program loads
                target = site / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))
        count += 1
    return count


def strip(site: Path) -> tuple[int, int]:
    removed = size = 0
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        drop = matches(rel, STRIP_ANY) or matches(rel, STRIP_PYSIDE)
        if rel.startswith("PySide6/translations/"):
            leaf = rel.rsplit("/", 1)[1]
            drop = not matches(leaf, KEEP_TRANSLATIONS) or matches(leaf, DROP_TRANSLATIONS)
        if drop:
            size += path.stat().st_size
            path.unlink()
            removed += 1
    for path in sorted(site.rglob("*"), key=lambda p: -len(p.parts)):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed, size


def pe_imports(path: Path) -> list[str]:
    """The DLL names a PE file imports (import table and delay-load table)."""
    data = path.read_bytes()
    if data[:2] != b"MZ":
        return []
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        return []
    nsections = struct.unpack_from("<H", data, pe + 6)[0]
    opt_size = struct.unpack_from("<H", data, pe + 20)[0]
    opt = pe + 24
    magic = struct.unpack_from("<H", data, opt)[0]
    dirs = opt + (112 if magic == 0x20B else 96)
    sections = []
    for i in range(nsections):
        s = opt + opt_size + 40 * i
        vsize, vaddr, rsize, raw = struct.unpack_from("<IIII", data, s + 8)
        sections.append((vaddr, max(vsize, rsize), raw))

    def offset(rva: int) -> int | None:
        for vaddr, size, raw in sections:
            if vaddr <= rva < vaddr + size:
                return rva - vaddr + raw
        return None

    def cstr(off: int) -> str:
        end = data.index(b"\0", off)
        return data[off:end].decode("ascii", "replace")

    names = []
    for index, entry_size, name_field in ((1, 20, 12), (13, 32, 4)):  # imports, delay imports
        rva, _ = struct.unpack_from("<II", data, dirs + 8 * index)
        off = offset(rva) if rva else None
        while off is not None and off + entry_size <= len(data):
            name_rva = struct.unpack_from("<I", data, off + name_field)[0]
            if name_rva == 0:
                break
            name_off = offset(name_rva)
            if name_off is not None:
                names.append(cstr(name_off))
            off += entry_size
    return names


def check_pe_imports(stage: Path) -> list[str]:
    """Every DLL imported by a shipped .exe/.dll/.pyd: shipped beside it, in the runtime folder,
    in PySide6/ or shiboken6/ (PySide6 adds those to the DLL search path), or part of Windows."""
    runtime = stage / "runtime"
    site = runtime / "Lib" / "site-packages"
    search = [runtime, site / "PySide6", site / "shiboken6"]
    problems = []
    for path in sorted(stage.rglob("*")):
        if path.suffix.lower() not in (".dll", ".pyd", ".exe") or not path.is_file():
            continue
        for dll in pe_imports(path):
            low = dll.lower()
            if low.startswith(("api-ms-win-", "ext-ms-")) or low in WINDOWS_DLLS:
                continue
            folders = [path.parent, *search]
            if any((folder / dll).exists() or any(f.name.lower() == low for f in folder.iterdir())
                   for folder in folders if folder.is_dir()):
                continue
            problems.append(f"{path.relative_to(stage)} imports {dll}, which is neither shipped nor part of Windows")
    return problems


# The program as it is run: the entry point, its packages and its data (build-deb.sh ships the same list).
PROGRAM = ("main.py", "core", "ui", "cli", "resources")


def copy_program(program: Path, app: Path) -> None:
    for name in PROGRAM:
        src = program / name
        if src.is_dir():
            shutil.copytree(src, app / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, app / name)


def copy_font(font_dir: Path, fonts: Path) -> None:
    font = font_dir / "wqy-zenhei.ttc"
    if not font.exists():
        raise SystemExit(f"stage: {font} is missing (apt-get install fonts-wqy-zenhei)")
    shutil.copy2(font, fonts / "wqy-zenhei.ttc")
    copyright_file = Path("/usr/share/doc/fonts-wqy-zenhei/copyright")
    gpl = Path("/usr/share/common-licenses/GPL-2")
    text = ["WenQuanYi Zen Hei (文泉驿正黑), from Debian's fonts-wqy-zenhei package.",
            "Licence: GNU General Public License version 2 (or later), with the font embedding",
            "exception below: documents (such as the PDFs this program writes) that embed the font",
            "or a subset of it are not themselves covered by the GPL.", "",
            "=" * 72, "Debian copyright file of fonts-wqy-zenhei:", "=" * 72, ""]
    text.append(copyright_file.read_text(encoding="utf-8") if copyright_file.exists() else "(not found on the build machine)")
    if gpl.exists():
        text += ["", "=" * 72, "GNU General Public License version 2:", "=" * 72, "", gpl.read_text(encoding="utf-8")]
    (fonts / "wqy-zenhei-LICENSE.txt").write_text("\r\n".join("\n".join(text).splitlines()) + "\r\n", encoding="utf-8")


CONSOLE_INTRO = """乐业吴江考核 命令行。命令写出的文件默认保存在当前文件夹（从开始菜单打开时是“文档”）。
常用命令：
  wjkh score 年度文件.wjkh              查看考核结果（不写文件名时为演示年度）
  wjkh import-json 年度.json --to 年度文件.wjkh
  wjkh export-pdf sheet --dataset 年度文件.wjkh --unit 单位名称 --out 评分表.pdf --sign 密钥.p12
  wjkh verify 评分表.pdf                核对电子签名
  wjkh --help                           全部命令；在命令后加 --help 查看该命令的说明
"""


def write_launchers(stage: Path) -> None:
    # wjkh.cmd: the command line (`wjkh score`, `wjkh export-pdf …`) from any console.
    (stage / "wjkh.cmd").write_bytes(
        b'@"%~dp0runtime\\python.exe" "%~dp0app\\main.py" %*\r\n')
    # The console the Start menu opens: wjkh on the PATH, a Chinese intro. The shortcut starts it in
    # the user's Documents (NSIS resolves the real folder, redirected or not); opened from the
    # program folder itself it moves to the user's profile, so nothing is written among the program.
    # cmd.exe reads a batch file in the OEM code page, so the file is ASCII and Python prints the
    # intro from \\u escapes (through the console's Unicode interface).
    intro = CONSOLE_INTRO.encode("unicode_escape").decode("ascii").replace("'", "\\'")
    if "%" in intro or '"' in intro:
        raise SystemExit("stage: the console intro must not contain % or double quotes")
    (stage / "乐业吴江考核-命令行.cmd").write_bytes(
        b"@echo off\r\n"
        b'set "PATH=%~dp0;%PATH%"\r\n'
        b'if /i "%CD%\\"=="%~dp0" cd /d "%USERPROFILE%"\r\n'
        + f"\"%~dp0runtime\\python.exe\" -c \"print('{intro}')\"\r\n".encode("ascii")
        + b"cmd /k\r\n")


def tree_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    data_zip, wheel_dir, program, font_dir, stage = map(Path, argv)
    if stage.exists():
        shutil.rmtree(stage)
    runtime, app = stage / "runtime", stage / "app"
    site = runtime / "Lib" / "site-packages"
    site.mkdir(parents=True)
    unpack_embed(data_zip, runtime)
    print("  python313._pth: " + " | ".join(l for l in PTH.splitlines() if l and not l.startswith("#")))
    n = unpack_wheels(wheel_dir, site)
    before = tree_size(site)
    removed, size = strip(site)
    print(f"  site-packages: {n} wheels unpacked, {before[0]} files {before[1] / 1e6:.1f} MB; "
          f"left out {removed} files {size / 1e6:.1f} MB (Qt Quick/QML, Designer, tools, tests, stubs, headers)")
    app.mkdir()
    copy_program(program, app)
    fonts = app / "resources" / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    copy_font(font_dir, fonts)
    write_launchers(stage)
    problems = check_pe_imports(stage)
    if problems:
        print("stage: DLL dependencies not satisfied:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    files, total = tree_size(stage)
    print(f"  DLL imports of every .exe/.dll/.pyd: satisfied (shipped or part of Windows)")
    print(f"  staged: {files} files, {total / 1e6:.1f} MB")
    (stage.parent / "stage-size-kb").write_text(str(total // 1024 + 1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
