"""Files written whole or not at all: the bytes go to a hidden part file beside the target, are flushed
to disk and the part is renamed over the target, so a crash, a full disk or a cancel at any moment
leaves the old file or the new one, never a mix; the part files a killed writer left go at the next
write of the same file."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from glob import escape as glob_escape
from pathlib import Path

PART_SUFFIX = ".part"


def write_atomically(target: str | Path, data: bytes | Callable[[Path], object], *,
                     cancelled: Callable[[], bool] | None = None, durable: bool = True) -> bool:
    """Put `data` at `target`: bytes, or a function that writes the file at the path it is given.
    False when `cancelled()` said so before the file was put in place: then the target is untouched
    and nothing is left behind. durable=False (caches, notes) skips flushing to disk, which a power
    cut may then cost them, never a half-written file in their place."""
    target = Path(target)
    remove_dead_parts(target)
    part = target.with_name(f".{target.name}.{os.getpid()}{PART_SUFFIX}")
    try:
        if isinstance(data, bytes):
            with open(part, "wb") as f:
                f.write(data)
                if durable:
                    f.flush()
                    os.fsync(f.fileno())
        else:
            data(part)
            if durable:
                fsync_path(part)
        if cancelled is not None and cancelled():
            return False
        os.replace(part, target)
        if durable:
            fsync_path(target.parent)
        return True
    finally:
        part.unlink(missing_ok=True)


def remove_dead_parts(target: Path) -> None:
    """The part files of `target` whose writers are gone (killed or crashed); a part another process
    is writing now stays."""
    prefix = f".{target.name}."
    for leftover in target.parent.glob(f"{glob_escape(prefix)}*{PART_SUFFIX}"):
        pid = leftover.name[len(prefix):-len(PART_SUFFIX)]
        if pid.isdigit() and not process_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def fsync_path(path: Path) -> None:
    """Flush a file (or a directory entry list) to disk; directories cannot be opened on Windows. A file
    is opened for writing: Windows flushes (FlushFileBuffers) only through a handle that may write."""
    modes = [os.O_RDONLY] if os.path.isdir(path) else [os.O_RDWR | getattr(os, "O_BINARY", 0), os.O_RDONLY]
    for mode in modes:  # a file we may not write is still flushed where the system allows it
        try:
            fd = os.open(path, mode)
            break
        except OSError:
            continue
    else:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def process_alive(pid: int) -> bool:
    """Is a process of this id running (on this machine)?"""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would end the process on Windows
        import ctypes
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
