"""Faults the program did not expect (a bug): their details kept in a log in the user's data folder for
whoever maintains the program, and one Chinese sentence for the user that names that file instead of
showing an English exception; and core's messages about a file as the desktop words them."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from core.common.messages import Msg

LOG_NAME = "故障记录.txt"
LOG_LIMIT = 1_000_000  # bytes: the oldest half goes when the log grows past it


def record(exc: BaseException) -> Path | None:
    """Append the fault with its traceback to the log; None when even that cannot be written."""
    from ui.app import data_folder
    try:
        log = data_folder() / LOG_NAME
        text = "".join(traceback.format_exception(exc))
        if log.exists() and log.stat().st_size > LOG_LIMIT:
            kept = log.read_bytes()[-LOG_LIMIT // 2:]
            log.write_bytes(kept[kept.find(b"\n") + 1:])
        with log.open("a", encoding="utf-8") as out:
            out.write(f"==== {dt.datetime.now().isoformat(timespec='seconds')}\n{text}\n")
        return log
    except OSError:
        return None


def sentence(exc: BaseException, failing: str = "") -> str:
    """程序内部错误 …, naming the log that holds the details; `failing` (导出失败 …) leads when given."""
    log = record(exc)
    where = (QCoreApplication.translate("Faults", "详情已记入 {log}，请把该文件交给程序维护人员").format(log=log)
             if log is not None else QCoreApplication.translate("Faults", "请记下刚才的操作并报告程序维护人员"))
    text = QCoreApplication.translate("Faults", "程序内部错误，已保存的数据不受影响；{where}。").format(where=where)
    return f"{failing}：{text}" if failing else text


def describe(exc: BaseException) -> str:
    """What went wrong, for the end of a sentence: core's own message, why the system refused a file,
    or an internal error (its details logged)."""
    from core.common import os_errors
    from core.common.messages import Msg, render
    msg = getattr(exc, "msg", None)
    if isinstance(msg, Msg):
        return said(msg)
    if isinstance(exc, OSError):
        return render(os_errors.reason(exc))
    return sentence(exc).rstrip("。")


def said(msg: Msg) -> str:
    """Core's message as the desktop says it: a damaged file's advice names the desktop's way to restore its
    backup (文件 → 恢复备份…), never the command line's."""
    from core.common.messages import Msg, render
    advice = dict(msg.params).get("advice") if msg.code == "dataset.corrupt" else None
    if isinstance(advice, Msg) and advice.code == "dataset.advice_backup":
        desktop = Msg.of("dataset.advice_backup_desktop", **dict(advice.params))
        msg = Msg(msg.code, tuple((name, desktop if name == "advice" else value) for name, value in msg.params))
    return render(msg)
