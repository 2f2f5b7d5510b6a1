"""The command a user types to run this program's command line, named in the hints the commands print and in
--help: `wjkh` where the Windows installer put the program (wjkh.cmd beside app\\, installer/windows/stage.py),
`leye-wujiang` where the Debian package did (/usr/bin/leye-wujiang runs /opt/leye-wujiang/app/main.py with the
Python beside it, installer/build-deb.sh), `./run.sh` in a source checkout."""

from __future__ import annotations

import sys
from pathlib import Path

WINDOWS_COMMAND = "wjkh"
LINUX_COMMAND = "leye-wujiang"
PROGRAM_FOLDER = Path(__file__).resolve().parents[1]  # the folder main.py is in


def command_name(program: Path | None = None, platform: str = sys.platform) -> str:
    """How the user starts the command line of the program in `program` (the folder holding main.py; this one's
    unless given)."""
    program = PROGRAM_FOLDER if program is None else program
    if (program.parent / f"{WINDOWS_COMMAND}.cmd").is_file():
        return WINDOWS_COMMAND
    if program.parent.name == LINUX_COMMAND and (program.parent / "python").is_dir():
        return LINUX_COMMAND
    if platform != "win32" and (program / "run.sh").is_file():
        return "./run.sh"
    return "python main.py"
