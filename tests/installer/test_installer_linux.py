"""The Linux package's parts that can be checked without root, chroots or a build: the menu entry,
the MIME type, the launcher, the control file, the build script's checks of ELF files (on ELF files
made here), and the lists the build reads. A built package in dist/ is inspected when present."""

from __future__ import annotations

import configparser
import email.parser
import fnmatch
import importlib.util
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "installer" / "linux"
BUILD = ROOT / "installer" / "build-deb.sh"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
MIME_TYPE = "application/x-leye-wujiang-year"


def load_elfcheck():
    spec = importlib.util.spec_from_file_location("elfcheck", LINUX / "elfcheck.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["elfcheck"] = module
    spec.loader.exec_module(module)
    return module


elfcheck = load_elfcheck()


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(LINUX / "leye-wujiang.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


# ------------------------------------------------------------------ menu entry and MIME type

def test_menu_entry_is_chinese_and_opens_year_files():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "乐业吴江考核" and entry["Name[zh_CN]"] == "乐业吴江考核"
    assert entry["Exec"].split() == ["leye-wujiang", "%f"]  # the launcher on PATH, one file at most
    assert entry["Icon"] == "leye-wujiang"
    assert entry["Terminal"] == "false"
    assert MIME_TYPE in entry["MimeType"].split(";")
    assert "sqlite" not in entry["MimeType"].lower()
    assert re.search(r"[\u4e00-\u9fff]", entry["Comment"])


def test_menu_entry_is_named_as_the_program_names_itself():
    # Wayland and the task bar find the icon through QGuiApplication.setDesktopFileName
    assert 'setDesktopFileName("leye-wujiang")' in (ROOT / "ui" / "app.py").read_text(encoding="utf-8")
    assert (LINUX / "leye-wujiang.desktop").exists()
    assert desktop_entry()["StartupWMClass"] == "leye-wujiang"


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-validate is not installed")
def test_menu_entry_validates():
    result = subprocess.run(["desktop-file-validate", str(LINUX / "leye-wujiang.desktop")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout.lower(), result.stdout


def test_mime_type_names_wjkh_only():
    tree = ET.parse(LINUX / "leye-wujiang-mime.xml")
    types = tree.getroot().findall(f"{MIME_NS}mime-type")
    assert [t.get("type") for t in types] == [MIME_TYPE]
    globs = [g.get("pattern") for g in types[0].findall(f"{MIME_NS}glob")]
    assert globs == ["*.wjkh"]
    assert not types[0].findall(f"{MIME_NS}magic")  # SQLite's magic would claim every .sqlite file
    comments = {c.get("{http://www.w3.org/XML/1998/namespace}lang"): c.text for c in types[0].findall(f"{MIME_NS}comment")}
    assert comments["zh_CN"] == "乐业吴江考核年度文件"
    assert types[0].find(f"{MIME_NS}icon").get("name") == desktop_entry()["Icon"]


def test_year_extension_is_the_programs():
    main = (ROOT / "main.py").read_text(encoding="utf-8")
    assert '".wjkh"' in main


# ------------------------------------------------------------------ launcher and fonts

def test_launcher_runs_the_bundled_python_isolated():
    text = (LINUX / "leye-wujiang").read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    exec_line = [line for line in text.splitlines() if line.startswith("exec ")]
    assert exec_line == ['exec /opt/leye-wujiang/python/bin/python3.11 -E -s -B /opt/leye-wujiang/app/main.py "$@"']
    subprocess.run(["sh", "-n", str(LINUX / "leye-wujiang")], check=True)


def test_font_configuration_points_at_the_bundled_font():
    launcher = (LINUX / "leye-wujiang").read_text(encoding="utf-8")
    assert "FONTCONFIG_FILE=/opt/leye-wujiang/fonts.conf" in launcher
    root = ET.parse(LINUX / "fonts.conf").getroot()
    assert [d.text for d in root.findall("dir")] == ["/opt/leye-wujiang/app/resources/fonts"]
    assert root.find("include").text == "/etc/fonts/fonts.conf"
    build = BUILD.read_text(encoding="utf-8")
    assert 'cp "$here/fonts.conf" "$opt/fonts.conf"' in build
    assert 'wqy-zenhei.ttc" "$opt/app/resources/fonts/"' in build
    # core/pdf/fonts.py looks in resources/fonts/ of the program first
    assert '/ "resources" / "fonts"' in (ROOT / "core" / "pdf" / "fonts.py").read_text(encoding="utf-8")


def test_removal_keeps_users_files():
    text = (LINUX / "postrm").read_text(encoding="utf-8")
    subprocess.run(["sh", "-n", str(LINUX / "postrm")], check=True)
    removed = re.findall(r"rm -rf (\S+)", text)
    assert removed == ["/opt/leye-wujiang"]
    assert "/home" not in text and "~" not in text and "$HOME" not in text


# ------------------------------------------------------------------ control file and build script

def control(version="0.1.0", arch="amd64", depends="libc6 (>= 2.28), libgl1", size="1000", glibc="2.28"):
    text = (LINUX / "control.in").read_text(encoding="utf-8")
    for key, value in {"VERSION": version, "ARCH": arch, "DEPENDS": depends, "SIZE": size, "GLIBC": glibc}.items():
        text = text.replace(f"@{key}@", value)
    return text


def test_control_file_fields():
    text = control()
    assert "@" not in text.replace("@localhost", "")  # every placeholder filled
    fields = email.parser.Parser().parsestr(text)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert fields["Package"] == pyproject["project"]["name"] == "leye-wujiang-assessment"
    assert 'name=leye-wujiang-assessment' in BUILD.read_text(encoding="utf-8")
    for key in ("Version", "Architecture", "Maintainer", "Installed-Size", "Depends", "Description"):
        assert fields[key], key
    assert re.fullmatch(r"[^<>]+ <[^<>@]+@[^<>]+>", fields["Maintainer"])
    # the long description's lines start with a space; an empty one is " ."
    description = text.split("Description:", 1)[1].splitlines()[1:]
    assert description and all(line.startswith(" ") for line in description if line)
    assert "2.28" in fields["Description"] or "2.28" in text


@pytest.mark.skipif(not shutil.which("dpkg-deb"), reason="dpkg-deb is not installed")
def test_control_file_builds_a_package(tmp_path):
    tree = tmp_path / "pkg"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "DEBIAN" / "control").write_text(control(), encoding="utf-8")
    deb = tmp_path / "x.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", str(tree), str(deb)], check=True, capture_output=True)
    info = subprocess.run(["dpkg-deb", "--field", str(deb), "Package", "Depends"], check=True,
                          capture_output=True, text=True).stdout
    assert "leye-wujiang-assessment" in info and "libc6 (>= 2.28)" in info


def test_build_script_refuses_an_unknown_architecture():
    subprocess.run(["bash", "-n", str(BUILD)], check=True)
    subprocess.run(["bash", "-n", str(LINUX / "build-python.sh")], check=True)
    result = subprocess.run(["bash", str(BUILD), "i386"], capture_output=True, text=True)
    assert result.returncode == 2 and "amd64|arm64" in result.stderr


def test_build_script_floors_are_the_wheels():
    text = BUILD.read_text(encoding="utf-8")
    amd64 = text[text.index("amd64)"):text.index("arm64)")]
    arm64 = text[text.index("arm64)"):text.index("*)")]
    assert "glibc=2.28" in amd64 and "manylinux=28" in amd64 and "GLIBC_2.28" in amd64
    assert "glibc=2.31" in arm64 and "manylinux=31" in arm64 and "GLIBC_2.31" in arm64
    # PySide6-Essentials pinned to the release that has wheels for both floors
    assert re.search(r"^pyside6-essentials==6\.8\.0\.2 ", (ROOT / "requirements.lock").read_text(), re.M)


def test_sources_are_pinned_by_sha256():
    lines = [line.split() for line in (LINUX / "sources.lock").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert lines
    for kind, package, file, sha in lines:
        assert kind in ("src", "deb") and "=" in package and re.fullmatch(r"[0-9a-f]{64}", sha), file
    packages = {package.split("=")[0] for _, package, _, _ in lines}
    assert {"python3.11", "openssl", "sqlite3", "libffi", "zlib", "bzip2", "xz-utils", "expat",
            "fonts-wqy-zenhei"} <= packages
    patches = [p for p in (LINUX / "python-patches.txt").read_text().splitlines() if p and not p.startswith("#")]
    assert patches and all(re.fullmatch(r"[\w.+-]+\.(diff|patch)", p) for p in patches)


def test_qt_trim_keeps_what_the_program_imports():
    imported = set()
    for path in [ROOT / "main.py", *(path for face in ("core", "ui", "cli") for path in (ROOT / face).rglob("*.py"))]:
        imported |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert {"QtCore", "QtGui", "QtWidgets"} <= imported
    trimmed = [line.split()[1] for line in (LINUX / "qt-trim.txt").read_text().splitlines()
               if line.startswith("module ")]
    for module in imported | {"QtDBus", "QtXcbQpa", "QtOpenGL", "QtSvg"}:
        assert not any(fnmatch.fnmatch(module, pattern) for pattern in trimmed), module
    # printing goes through Qt's CUPS plugin, which Qt loads when the print dialog asks for printers
    assert "QtPrintSupport" in imported
    paths = [line.split()[1] for line in (LINUX / "qt-trim.txt").read_text().splitlines() if line.startswith("path ")]
    assert not any(fnmatch.fnmatch("Qt/plugins/printsupport/libcupsprintersupport.so", p) for p in paths)


def test_system_library_map_is_readable():
    libs, optional = elfcheck.read_map(LINUX / "system-libs.txt")
    assert libs["libc.so.6"] == "-" and libs["libxkbcommon-x11.so.0"] == "libxkbcommon-x11-0"
    for package in libs.values():
        for alternative in package.split("|"):
            assert alternative == "-" or re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", alternative), package
    # the libraries the package brings itself must not become dependencies
    assert "libxcb-cursor.so.0" not in libs and "libxcb-util.so.1" not in libs
    assert optional


# ------------------------------------------------------------------ the ELF checks, on ELF files made here

def make_elf(path: Path, needed: list[str], runpath: str | None, versions: dict[str, list[str]]) -> Path:
    """A minimal little-endian ELF64 shared object with .dynstr, .dynamic and .gnu.version_r."""
    strtab = bytearray(b"\0")

    def add(s: str) -> int:
        offset = len(strtab)
        strtab.extend(s.encode() + b"\0")
        return offset

    dyn = bytearray()
    for name in needed:
        dyn += struct.pack("<qQ", 1, add(name))
    if runpath:
        dyn += struct.pack("<qQ", 29, add(runpath))
    dyn += struct.pack("<qQ", 0, 0)
    verneed = bytearray()
    files = list(versions.items())
    for i, (lib, names) in enumerate(files):
        file_off = add(lib)
        entry_size = 16 + 16 * len(names)
        verneed += struct.pack("<HHIII", 1, len(names), file_off, 16, entry_size if i < len(files) - 1 else 0)
        for j, name in enumerate(names):
            verneed += struct.pack("<IHHII", 0, 0, 2 + j, add(name), 16 if j < len(names) - 1 else 0)
    body = bytearray(64)
    offsets = {}
    for label, blob in (("strtab", strtab), ("dynamic", dyn), ("verneed", verneed)):
        offsets[label] = len(body)
        body += blob
        body += b"\0" * (-len(body) % 8)
    shoff = len(body)
    sections = [struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                struct.pack("<IIQQQQIIQQ", 0, 3, 0, 0, offsets["strtab"], len(strtab), 0, 0, 1, 0),
                struct.pack("<IIQQQQIIQQ", 0, 6, 0, 0, offsets["dynamic"], len(dyn), 1, 0, 8, 16),
                struct.pack("<IIQQQQIIQQ", 0, 0x6FFFFFFE, 0, 0, offsets["verneed"], len(verneed), 1, len(files), 4, 0)]
    body += b"".join(sections)
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    header += struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, len(sections), 0)
    body[:64] = header
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(body))
    return path


def test_elf_reader_finds_needs_runpath_and_versions(tmp_path):
    path = make_elf(tmp_path / "libx.so", ["libc.so.6", "libfoo.so.1"], "$ORIGIN/../lib",
                    {"libc.so.6": ["GLIBC_2.17", "GLIBC_2.29", "GLIBC_PRIVATE"], "libstdc++.so.6": ["GLIBCXX_3.4.21"]})
    elf = elfcheck.read_elf(path)
    assert elf.needed == ["libc.so.6", "libfoo.so.1"]
    assert elf.runpath == ["$ORIGIN/../lib"]
    assert elf.versions == {"libc.so.6": {"GLIBC_2.17", "GLIBC_2.29", "GLIBC_PRIVATE"}, "libstdc++.so.6": {"GLIBCXX_3.4.21"}}
    assert elfcheck.highest(elf) == {"GLIBC": "GLIBC_2.29", "GLIBCXX": "GLIBCXX_3.4.21"}
    (tmp_path / "text.txt").write_text("not an ELF file")
    assert elfcheck.read_elf(tmp_path / "text.txt") is None


def test_glibc_floor_fails_above_the_target(tmp_path, capsys):
    make_elf(tmp_path / "ok" / "a.so", ["libc.so.6"], None, {"libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.28"]})
    assert elfcheck.floor(tmp_path / "ok", ["GLIBC_2.28"]) == 0
    make_elf(tmp_path / "bad" / "b.so", ["libc.so.6"], None, {"libc.so.6": ["GLIBC_2.3", "GLIBC_2.29"]})
    assert elfcheck.floor(tmp_path / "bad", ["GLIBC_2.28"]) == 1
    out = capsys.readouterr().out
    assert "TOO NEW: b.so: needs GLIBC_2.29" in out
    # 2.3 < 2.28 compares as numbers, not as text
    make_elf(tmp_path / "old" / "c.so", ["libc.so.6"], None, {"libc.so.6": ["GLIBC_2.3.4"]})
    assert elfcheck.floor(tmp_path / "old", ["GLIBC_2.28"]) == 0
    assert elfcheck.main(["floor", str(tmp_path / "bad"), "--max", "GLIBC_2.31"]) == 0


def test_needs_maps_system_libraries_to_packages(tmp_path, capsys):
    root = tmp_path / "root"
    make_elf(root / "opt" / "lib" / "libinside.so.1", ["libc.so.6"], None, {})
    make_elf(root / "opt" / "bin" / "prog", ["libinside.so.1", "libGL.so.1", "libc.so.6"], "$ORIGIN/../lib", {})
    make_elf(root / "opt" / "plugins" / "theme.so", ["libgtk-3.so.0"], None, {})
    mapping = tmp_path / "map.txt"
    mapping.write_text("libc.so.6 -\nlibGL.so.1 libgl1\nlibgcc_s.so.1 libgcc-s1|libgcc1\noptional */plugins/*\n")
    depends = tmp_path / "depends.txt"
    assert elfcheck.needs(root, mapping, depends) == 0
    assert depends.read_text() == "libgl1\n"
    # a library found neither in the package (through RUNPATH) nor in the map fails the build
    make_elf(root / "opt" / "bin" / "other", ["libinside.so.1"], None, {})
    assert elfcheck.needs(root, mapping, depends) == 1
    assert "UNKNOWN libinside.so.1 (it is in the package, but not on this file's RUNPATH)" in capsys.readouterr().out


@pytest.mark.skipif(not shutil.which("objdump"), reason="objdump is not installed")
def test_elf_reader_agrees_with_objdump_on_this_python():
    exe = Path(sys.executable).resolve()
    elf = elfcheck.read_elf(exe)
    if elf is None or not elf.versions:
        pytest.skip("this Python is not a dynamically linked ELF file")
    dump = subprocess.run(["objdump", "-p", str(exe)], capture_output=True, text=True).stdout
    from_objdump = set(re.findall(r"\b(GLIBC_\d+(?:\.\d+)*)\b", dump.split("Version References:", 1)[-1]))
    ours = {v for names in elf.versions.values() for v in names if v.startswith("GLIBC_2")}
    assert ours == from_objdump


# ------------------------------------------------------------------ a built package, when there is one

def built_packages():
    return sorted((ROOT / "dist").glob("leye-wujiang-assessment_*.deb"))


@pytest.mark.skipif(not built_packages() or not shutil.which("dpkg-deb"), reason="no package built in dist/")
@pytest.mark.parametrize("deb", built_packages(), ids=lambda p: p.name)
def test_built_package_contents(deb):
    files = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    paths = {line.split()[5].lstrip(".") for line in files.splitlines()}
    for required in ("/usr/bin/leye-wujiang", "/usr/share/applications/leye-wujiang.desktop",
                     "/usr/share/mime/packages/leye-wujiang.xml", "/usr/share/icons/hicolor/48x48/apps/leye-wujiang.png",
                     "/opt/leye-wujiang/python/bin/python3.11", "/opt/leye-wujiang/app/main.py",
                     "/opt/leye-wujiang/app/resources/fonts/wqy-zenhei.ttc", "/opt/leye-wujiang/fonts.conf",
                     "/usr/share/doc/leye-wujiang-assessment/third-party/fonts-wqy-zenhei.copyright"):
        assert required in paths, required
    assert not [p for p in paths if p.startswith(("/home", "/root", "/etc/skel"))]
    fields = subprocess.run(["dpkg-deb", "-f", str(deb), "Architecture", "Depends"], capture_output=True,
                            text=True, check=True).stdout
    arch = deb.stem.rsplit("_", 1)[1]
    assert f"Architecture: {arch}" in fields
    assert ("libc6 (>= 2.28)" if arch == "amd64" else "libc6 (>= 2.31)") in fields
    assert "libxcb-cursor0" not in fields  # brought inside the package
