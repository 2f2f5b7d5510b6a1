"""Why the system refused a file, said in the catalogue's words on every system: the English reason
Linux gives (strerror) never reaches a user."""

import errno
import re

import pytest

from core.common import os_errors
from core.common.messages import render

CHINESE_ONLY = re.compile(r"^[^A-Za-z]+$")


@pytest.mark.parametrize("number", [errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM,
                                    errno.EEXIST, errno.ENOSPC, errno.EROFS, errno.ENAMETOOLONG, errno.EBUSY,
                                    errno.EIO, errno.ENODEV, errno.EINVAL, errno.EMFILE, 250])
def test_every_refusal_is_a_chinese_sentence(number):
    text = render(os_errors.reason(OSError(number, "English words from the system")))
    assert CHINESE_ONLY.match(text.replace("U盘", "")), text  # U盘: the word an office uses


def test_windows_sharing_violation_says_another_program_has_the_file():
    exc = OSError(errno.EACCES, "另一个程序正在使用此文件，进程无法访问。")
    exc.winerror = 32  # type: ignore[attr-defined]
    assert render(os_errors.reason(exc)) == "文件正被其他程序使用，请先关闭该程序"


def test_an_error_that_is_not_the_systems_is_not_explained_by_it():
    assert render(os_errors.reason(ValueError("x"))) == "系统拒绝了这次读写"
