"""Helpers the desktop tests share: a dialog drawn over the window for a screenshot as the assessor
sees it, answering a modal dialog without blocking the test (a modal exec() waits for a user), ticking a
table's check box, a record added to a new unit, and a field copy merged through the menu."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from tests.builders import credit_code
from tests.ui.test_desktop import SHOTS
from tests.ui.test_desktop_input_guard import open_demo_page


def shot_over(window, dialog, name: str) -> Path:
    """The window at 1366×768 with the dialog drawn over its middle, as the assessor sees it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    canvas = window.grab()
    picture = dialog.grab()
    bar = 28  # a title bar like the system draws (offscreen windows have none)
    x = (canvas.width() - picture.width()) // 2
    y = max(bar, (canvas.height() - picture.height() + bar) // 2)
    painter = QPainter(canvas)
    painter.fillRect(canvas.rect(), QColor(0, 0, 0, 70))  # the window behind a modal dialog
    painter.fillRect(x - 1, y - bar - 1, picture.width() + 2, picture.height() + bar + 2, QColor(90, 90, 90))
    painter.fillRect(x, y - bar, picture.width(), bar, QColor(232, 232, 236))
    painter.setPen(QColor(30, 30, 30))
    painter.drawText(x + 10, y - bar, picture.width() - 20, bar, Qt.AlignmentFlag.AlignVCenter, dialog.windowTitle())
    painter.drawPixmap(x, y, picture)
    painter.end()
    path = SHOTS / f"{name}.png"
    assert canvas.save(str(path))
    return path


# Every poll a test starts, stopped when the test ends (tests/conftest.py): one left running acted on the next
# tests' dialogs, and at its timeout rejected whatever dialog was open then, e.g. a later test's box.
_running_polls: list[dict] = []


def stop_all_answering() -> None:
    """Stop every poll started so far (the end of a test)."""
    for state in _running_polls:
        stop_answering(state)
    _running_polls.clear()


def answer_modal(kind: type, act: Callable[[QWidget], None], timeout: float = 10.0) -> dict:
    """Call act(dialog) once a modal dialog of this type is open (poll the event loop until then).
    Any other modal dialog still open at the timeout is rejected, so a test fails instead of hanging.
    Returns a record: {"seen": bool, "timed_out": bool, and "error" when act raised}; check_answered
    raises that error in the test."""
    state = {"seen": False, "timed_out": False}
    _running_polls.append(state)
    deadline = time.monotonic() + timeout

    def poll() -> None:
        if state.get("stop"):  # the test no longer expects the dialog (see stop_answering)
            return
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            state["seen"] = True
            try:
                act(widget)
            except BaseException as exc:  # a failed check inside a modal: close it, fail the test after
                state["error"] = exc
                widget.reject() if hasattr(widget, "reject") else widget.close()
            return
        if time.monotonic() < deadline:
            QTimer.singleShot(20, poll)
            return
        state["timed_out"] = True
        if widget is not None:  # named in the failure: the dialog that sat where this one was expected
            state["on_top"] = f"{type(widget).__name__} “{widget.windowTitle()}”"
            widget.reject() if hasattr(widget, "reject") else widget.close()

    QTimer.singleShot(0, poll)
    return state


def keep_answering(kind: type, act: Callable[[QWidget], None], timeout: float = 60.0) -> dict:
    """answer_modal for every modal dialog of this type that opens until stop_answering(state) or the
    timeout (a question that may be followed by another, e.g. before signing); state["seen"] counts them."""
    state: dict = {"seen": 0, "timed_out": False}
    _running_polls.append(state)
    deadline = time.monotonic() + timeout
    answered: list[QWidget] = []

    def poll() -> None:
        if state.get("stop") or time.monotonic() > deadline:
            return
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible() and widget not in answered:
            answered.append(widget)
            state["seen"] += 1
            try:
                act(widget)
            except BaseException as exc:  # a failed check inside a modal: close it, fail the test after
                state["error"] = exc
                widget.reject() if hasattr(widget, "reject") else widget.close()
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return state


def stop_answering(state: dict) -> None:
    """A dialog that may or may not have been asked: stop waiting for it, so the poll cannot close a
    later dialog when its time is up."""
    state["stop"] = True


def check_answered(state: dict) -> None:
    """The dialog was answered, and the checks made inside it passed."""
    if "error" in state:
        raise state["error"]
    assert state["seen"] and not state["timed_out"], state


def tick_cell(qtbot, view, row: int, column: int) -> None:
    """Click a cell's check box, on its indicator, as a person does."""
    rect = view.visualRect(view.model().index(row, column))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y()))
    QApplication.processEvents()


NEW_UNIT = "吴江新录入人力资源有限公司"


def new_unit_record(qtbot, window, tmp_path, page_id: str, add: str, table: str):
    """On the page of clause `page_id`, for a unit NEW_UNIT just added to the demonstration year, a record
    added with the page's button `add`, nothing of it typed: the page, the unit's id, and the model and
    view of the record table `table`."""
    from tests.ui.test_desktop_day import button  # that module imports this one
    page = open_demo_page(window, tmp_path, page_id)
    assert window.add_unit({"name": NEW_UNIT, "credit_code": credit_code("new-records"), "kinds": ["hr_service"],
                            "new_member": False, "contact_person": "王芳", "licence_numbers": {}})
    uid = window.session.unit_id(NEW_UNIT)
    window.workspace.select_unit(uid)
    window.workspace.go_page(next(i for i, p in enumerate(window.session.pages) if p.id == page_id))
    QApplication.processEvents()
    qtbot.mouseClick(button(page, add), Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    return page, uid, page.record_models[table], page.record_views[table]


def merge_through_menu(window, copy: Path, box: Callable[..., None] | None,
                       dialog: Callable[..., None] | None = None, timeout: float = 60.0) -> None:
    """文件 → 合并外业副本… on the field copy `copy`: the file chosen, the merge dialog answered by `dialog`
    (None: no merge dialog is expected), then the box with the outcome answered by `box` (None: none is
    expected) within `timeout` seconds."""
    from tests.ui.test_desktop_day import action, choose_file  # that module imports this one
    from ui.field_copies import MergeDialog
    states = [answer_modal(QFileDialog, choose_file(copy))]
    if dialog is not None:
        states.append(answer_modal(MergeDialog, dialog))
    if box is not None:
        states.append(answer_modal(QMessageBox, box, timeout=timeout))
    action(window, "合并外业副本…").trigger()
    for state in states:
        check_answered(state)


def assert_trail_proves(session) -> None:
    """The open year's audit trail proves every fact in it, checked on a copy as 核对数据文件… checks it."""
    copy, anchors = session.check_material()
    try:
        assert copy.check_audit(anchors=anchors).ok
    finally:
        copy.close()
