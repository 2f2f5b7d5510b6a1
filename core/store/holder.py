"""Who holds a year file open for writing: a small note beside it, written at opening, removed at closing.

SQLite's exclusive lock says only that the file is taken; the note says by whom, so that a second
window or program can name the assessor, the computer and the time. A note is believed only while
the file is really locked (the caller checks) and, on the same computer, while its process lives:
a program that was killed leaves a note that the next writer simply replaces.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from core.common.atomic import process_alive, write_atomically

NOTE_SUFFIX = "-holder"


@dataclass(frozen=True)
class Holder:
    """Who holds a year file open for writing: the assessor, the computer, since when, the process."""
    name: str  # the assessor working in the program ("" until the program knows)
    machine: str
    since: dt.datetime  # local time, with its offset
    pid: int

    def since_text(self, today: dt.date | None = None) -> str:
        """10:32 today, 12月4日 10:32 another day of the year, 2025年12月4日 10:32 another year."""
        local = self.since.astimezone()
        today = today or dt.date.today()
        if local.date() == today:
            return local.strftime("%H:%M")
        if local.year == today.year:
            return f"{local.month}月{local.day}日 {local:%H:%M}"
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def note_path(path: Path) -> Path:
    return Path(f"{path}{NOTE_SUFFIX}")


def machine_name() -> str:
    """The computer's name. os.uname where there is one: the socket module (a few milliseconds to
    import) only for this would slow every opening of a year."""
    if hasattr(os, "uname"):
        return os.uname().nodename or "?"
    import socket
    return socket.gethostname() or "?"


def write(path: Path, name: str) -> None:
    """Record this process as the holder (replacing any stale note). Best effort: a folder that
    refuses the note still lets the year be edited; others are then told without a name."""
    _store(path, Holder(name, machine_name(), dt.datetime.now().astimezone().replace(microsecond=0), os.getpid()))


def rename(path: Path, name: str) -> None:
    """The assessor chosen after opening (the desktop asks once the file is open); since stays."""
    note = _read_note(path)
    if note is None or (note.pid, note.machine) != (os.getpid(), machine_name()):
        write(path, name)
    else:
        _store(path, Holder(name, note.machine, note.since, note.pid))


def _store(path: Path, note: Holder) -> None:
    text = json.dumps({"name": note.name, "machine": note.machine, "since": note.since.isoformat(), "pid": note.pid},
                      ensure_ascii=False)
    try:
        write_atomically(note_path(path), text.encode("utf-8"), durable=False)  # a note: lost, nobody is named
    except OSError:
        pass


def remove(path: Path) -> None:
    """Remove the note if it is this process's (a later writer's note stays)."""
    current = _read_note(path)
    if current is not None and (current.pid, current.machine) != (os.getpid(), machine_name()):
        return
    try:
        note_path(path).unlink()
    except OSError:
        pass


def _read_note(path: Path) -> Holder | None:
    try:
        data = json.loads(note_path(path).read_text(encoding="utf-8"))
        since = dt.datetime.fromisoformat(data["since"])
        if since.tzinfo is None:
            since = since.astimezone()
        return Holder(str(data.get("name") or ""), str(data["machine"]), since, int(data["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def current(path: Path) -> Holder | None:
    """The holder named by the note, or None when there is none or it is stale (its process is gone)."""
    note = _read_note(path)
    if note is None:
        return None
    if note.machine == machine_name() and not process_alive(note.pid):
        return None
    return note
