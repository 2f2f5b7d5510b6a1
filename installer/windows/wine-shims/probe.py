"""Test aid for Wine (never shipped): what the installer left in this Windows user's profile.

    python.exe probe.py installed VERSION     exit 0 when the shortcuts, the .wjkh association and
                                              the Add/Remove Programs entry are there as expected
    python.exe probe.py removed               exit 0 when all of them are gone again
"""

import os
import sys
import winreg

APP = "乐业吴江考核"
UNINST = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\LeyeWujiang"
PROGID = "LeyeWujiang.YearFile"


def value(path: str, name: str = ""):
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, path) as key:
            return winreg.QueryValueEx(key, name)[0]
    except OSError:
        return None


def shortcuts() -> dict[str, bool]:
    appdata, profile = os.environ["APPDATA"], os.environ["USERPROFILE"]
    start = os.path.join(appdata, r"Microsoft\Windows\Start Menu\Programs", APP)
    return {os.path.join(start, f"{APP}.lnk"): False, os.path.join(start, f"{APP} 命令行.lnk"): False,
            os.path.join(profile, "Desktop", f"{APP}.lnk"): False}


def main(argv: list[str]) -> int:
    links = {path: os.path.exists(path) for path in shortcuts()}
    reg = {
        "DisplayName": value(UNINST, "DisplayName"),
        "DisplayVersion": value(UNINST, "DisplayVersion"),
        "InstallLocation": value(UNINST, "InstallLocation"),
        "UninstallString": value(UNINST, "UninstallString"),
        ".wjkh": value(r"Software\Classes\.wjkh"),
        "open command": value(rf"Software\Classes\{PROGID}\shell\open\command"),
        ".sqlite": value(r"Software\Classes\.sqlite"),
    }
    for path, there in links.items():
        print(f"  shortcut {'present' if there else 'absent '}: {path}")
    for name, got in reg.items():
        print(f"  HKCU {name}: {got!r}")
    if argv[:1] == ["installed"] and len(argv) == 2:
        ok = (all(links.values()) and reg["DisplayName"] == APP and reg["DisplayVersion"] == argv[1]
              and reg[".wjkh"] == PROGID and reg["open command"] and "pythonw.exe" in reg["open command"]
              and reg[".sqlite"] is None)
    elif argv[:1] == ["removed"]:
        ok = not any(links.values()) and all(reg[k] is None for k in ("DisplayName", ".wjkh", "open command"))
    else:
        print(__doc__)
        return 2
    print("  probe: " + ("as expected" if ok else "NOT as expected"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
