"""Why a year file cannot be edited where it lies: a read-only disk or share, a read-only file, a
folder that takes no new files (editing keeps a log beside the file), or a full disk."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from core.common.messages import Msg

MIN_FREE_BYTES = 1 << 20  # less free space than this: the disk is full for editing (a backup alone needs more)


def _mounted_read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):  # Windows: a read-only share shows as an unwritable folder
        return False


def _folder_writable(folder: Path) -> bool:
    if os.name != "nt":
        return os.access(folder, os.W_OK | os.X_OK)
    try:  # Windows' access() ignores folder permissions: try
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def why_not_writable(path: Path) -> Msg | None:
    """Why the year file cannot be edited where it is (read-only mount, file, folder, full disk), or
    None. Editing writes the file and a log beside it, so the folder must take new files too. Not
    for a file this process holds open: closing any descriptor of it would drop the process's lock."""
    path = Path(path).absolute()
    folder = path.parent
    if _mounted_read_only(folder):
        return Msg.of("dataset.mount_read_only", file=path.name)
    try:  # SQLite would quietly open a read-only file read-only; ask the system
        os.close(os.open(path, os.O_RDWR))
    except OSError as exc:
        if getattr(exc, "errno", None) == errno.EROFS:
            return Msg.of("dataset.mount_read_only", file=path.name)
        return Msg.of("dataset.file_read_only", file=path.name)
    if not _folder_writable(folder):
        return Msg.of("dataset.folder_read_only", file=path.name, folder=str(folder))
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free < MIN_FREE_BYTES:
        return Msg.of("dataset.disk_full_open", file=path.name, free=_size_text(free))
    return None


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    return f"{size // 1024} KB"
