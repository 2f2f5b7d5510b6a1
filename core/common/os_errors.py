"""Why the system refused to read or write a file, in the catalogue's words: the system's own reason
is English on most Linux desktops (UOS, Kylin) and must not reach a user's screen."""

from __future__ import annotations

import errno

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
