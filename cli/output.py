"""The files the command line writes where the user names them: refused before any work when the name is a
folder or its folder is missing, and a write the system refuses said in one Chinese sentence naming the
file (exit code 2), never a traceback or the system's English."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from core.common import os_errors
from core.common.messages import Msg


@dataclass(frozen=True)
class Output:
    """The argument (its dest) naming what a command writes; `folder`: a folder it writes into;
    `makes_folder`: a missing folder is made (the key folder), not refused."""
    dest: str
    folder: bool = False
    makes_folder: bool = False


# Every command that writes a file the user names. tests/cli/test_cli_output.py walks the parser: an
# argument named out, to or left_out of a command not listed here fails it.
OUTPUTS = {
    "import-json": Output("to"),
    "export-json": Output("out"),
    "export-annex": Output("out"),
    "import-xlsx": Output("left_out"),
    "export-summary": Output("out"),
    "export-pdf": Output("out"),
    "make-key": Output("out", makes_folder=True),
    "import-key": Output("to", folder=True),
    "field-copy": Output("to"),
    "new-year": Output("to"),
    "audit-log": Output("out"),
}
OUTPUT_DESTS = ("out", "to", "left_out")


def target(args: argparse.Namespace) -> tuple[Path, Output] | None:
    """The file (or folder) this command line writes, when it names one."""
    output = OUTPUTS.get(getattr(args, "command", "") or "")
    named = getattr(args, output.dest, None) if output is not None else None
    return (Path(named), output) if output is not None and named else None


def refusal(args: argparse.Namespace) -> Msg | None:
    """Why the named output cannot be written, seen before any work: it is a folder (a file where a folder
    is meant), or its folder is missing."""
    found = target(args)
    if found is None:
        return None
    path, output = found
    if output.makes_folder and not path.is_dir() and not path.parent.exists():
        return None
    return os_errors.write_refusal(path, folder=output.folder)


def write_failed(args: argparse.Namespace, exc: OSError) -> Msg:
    """A refusal of the system while the command ran: the named output when it is the file refused (or
    names none), else the file the system named."""
    found = target(args)
    named = [Path(str(name)) for name in (exc.filename, exc.filename2) if name]
    if found is not None and (not named or any(_is_output(name, found[0]) for name in named)):
        return os_errors.write_refusal(found[0], exc, folder=found[1].folder) or Msg.of("os.unknown")
    if named:
        return Msg.of("os.file_refused", file=str(named[0]), reason=os_errors.reason(exc))
    return Msg.of("os.refused", reason=os_errors.reason(exc))


def _is_output(named: Path, output: Path) -> bool:
    """The output itself, a file in it (a folder output), or the hidden part file written beside it."""
    if named == output or named.parent == output:
        return True
    return named.parent == output.parent and named.name.startswith(f".{output.name}.")
