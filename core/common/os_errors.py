"""Why the system refused to read or write a file, in the catalogue's words: the system's own reason
is English on most Linux desktops (UOS, Kylin) and must not reach a user's screen."""

from __future__ import annotations

import errno
from pathlib import Path

from core.common.messages import Msg

# errno -> message code; Windows' own error numbers (winerror) where errno says too little.
_REASONS = {
    errno.ENOENT: "os.not_found", errno.ENOTDIR: "os.not_a_folder", errno.EISDIR: "os.is_a_folder",
    errno.EACCES: "os.no_permission", errno.EPERM: "os.no_permission", errno.EEXIST: "os.exists",
    errno.ENOSPC: "os.disk_full", getattr(errno, "EDQUOT", errno.ENOSPC): "os.disk_full",
    errno.EROFS: "os.read_only", errno.ENAMETOOLONG: "os.name_too_long", errno.EBUSY: "os.in_use",
    errno.ETXTBSY: "os.in_use", errno.EIO: "os.io_error", errno.ENODEV: "os.device_gone",
    errno.ENXIO: "os.device_gone", errno.EINVAL: "os.bad_name", errno.EMFILE: "os.too_many_open",
    errno.ENFILE: "os.too_many_open",
}
_WINDOWS_REASONS = {32: "os.in_use", 33: "os.in_use", 5: "os.no_permission", 112: "os.disk_full",
                    123: "os.bad_name", 206: "os.name_too_long", 21: "os.device_gone", 53: "os.device_gone",
                    64: "os.device_gone", 1224: "os.in_use"}


def reason(exc: BaseException) -> Msg:
    """The reason of a failed file operation, e.g. 磁盘已满 or 文件正被其他程序使用."""
    if isinstance(exc, OSError):
        code = _WINDOWS_REASONS.get(getattr(exc, "winerror", None) or 0) or _REASONS.get(exc.errno or 0)
        if code:
            return Msg.of(code)
        if exc.errno:
            return Msg.of("os.other", number=exc.errno)
    return Msg.of("os.unknown")


def write_refusal(target: Path, exc: BaseException | None = None, *, folder: bool = False) -> Msg | None:
    """Why a file (a folder when `folder`) cannot be written at `target`, one sentence naming it. Before
    trying (no `exc`): what can be seen, that the name is a folder (a file), or its folder is missing;
    None when nothing is seen. After the system refused (`exc`): always a sentence, never its English."""
    seen = _seen(target, folder)
    if seen is None and exc is None:
        return None
    return Msg.of("os.write_refused", file=str(target), reason=seen or _write_reason(exc))


def _seen(target: Path, folder: bool) -> Msg | None:
    if folder:
        return Msg.of("os.is_a_file") if target.exists() and not target.is_dir() else None
    if target.is_dir():
        return Msg.of("os.is_a_folder")
    parent = target.parent
    if not parent.exists():
        return Msg.of("os.folder_missing", folder=str(parent))
    if not parent.is_dir():
        return Msg.of("os.folder_is_file", folder=str(parent))
    return None


def _write_reason(exc: BaseException | None) -> Msg:
    if isinstance(exc, OSError) and not getattr(exc, "winerror", None):
        if exc.errno == errno.ENOENT:  # the folder is there but takes no new file (e.g. a system folder)
            return Msg.of("os.cannot_create")
        if exc.errno in (errno.EACCES, errno.EPERM):
            return Msg.of("os.no_write_permission")
    return reason(exc or OSError())
