"""A test's wait for a dialog ends with the test: the next test's dialog is its own (tests/conftest.py).
The two tests run in this order; the second fails if the first one's wait outlives it."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QMainWindow, QMessageBox  # noqa: E402

from tests.desktop_support import answer_modal  # noqa: E402

acted_on: list[str] = []
left_waiting: list[dict] = []


def test_a_wait_for_a_box_that_never_comes(qtbot):
    left_waiting.append(answer_modal(QMessageBox, lambda box: acted_on.append(box.text()) or box.reject(),
                                     timeout=0.3))
    # the test ends without the box; its wait would go on polling, and at its timeout reject what is open


def test_the_next_test_s_box_is_left_to_the_next_test(qtbot):
    if not left_waiting:
        pytest.skip("runs after the test above, whose wait it is about")
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    box = QMessageBox(QMessageBox.Icon.Information, "核对数据文件", "下一项测试的对话框",
                      QMessageBox.StandardButton.Ok, window)
    QTimer.singleShot(600, box.accept)  # open past the earlier wait's timeout
    box.exec()
    assert acted_on == [] and box.result() == QMessageBox.DialogCode.Accepted
