"""The office laptop's window (1366×768, maximised under the taskbar: 1366×728): the clause list's titles, the
base table's names, places and verdicts (1.1), the trip table's places and verdicts (1.2) and 修改记录's values are
read whole, and clause 1.2's evaluation form boxes are in view when the page opens. Screenshots go to
artifacts/screenshots/laptop-*.png."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication  # noqa: E402

from tests.desktop_support import answer_modal, check_answered, new_unit_record, shot_over, tick_cell  # noqa: E402
from tests.ui.test_desktop import shot  # noqa: E402
from tests.ui.test_desktop_changes import rows  # noqa: E402
from tests.ui.test_desktop_day import button, type_into_cell  # noqa: E402
from tests.ui.test_desktop_input_guard import open_demo_page  # noqa: E402
from ui.audit_log import ChangesDialog  # noqa: E402

LAPTOP = (1366, 728)


def at_laptop_size(qtbot, window) -> None:
    window.resize(*LAPTOP)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == LAPTOP)
    QApplication.processEvents()


def cut(view: QAbstractItemView, index: QModelIndex) -> str | None:
    """The text of the cell or entry when the view cannot show it whole where it is drawn, else None: wider than
    its cell on one line, and (wrapped at the cell's width) taller than the cell."""
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if not isinstance(text, str) or not text:
        return None
    rect = view.visualRect(index)
    rect.setRight(min(rect.right(), view.viewport().width() - 1))  # what a scroll sideways would show is not seen
    metrics = view.fontMetrics()
    lines = text.split("\n")
    needed = view.sizeHintForIndex(index)  # one line each: what the view would need unwrapped
    if needed.width() <= rect.width() and needed.height() <= rect.height():
        return None
    if not view.wordWrap():
        return text
    room = rect.width() - (needed.width() - max(metrics.horizontalAdvance(line) for line in lines))  # less margins
    if room <= 0:
        return text
    height = sum(metrics.boundingRect(QRect(0, 0, room, 100000), Qt.TextFlag.TextWordWrap, line).height()
                 for line in lines)
    return None if height <= rect.height() else text


def settle() -> None:
    """The events at hand handled, and those they queue (the rows on screen are measured once laid out)."""
    for _ in range(3):
        QApplication.processEvents()


def shown_rows(view: QAbstractItemView) -> range:
    """The rows on screen, the one cut at the bottom included."""
    top = view.rowAt(0)
    if top < 0:
        return range(0)
    bottom = view.rowAt(view.viewport().height() - 1)
    return range(top, (bottom if bottom >= 0 else view.model().rowCount() - 1) + 1)


def cut_while_scrolled(view) -> list[str]:
    """The texts cut in the rows on screen as the table is scrolled from its top to its end a row at a time (as
    its wheel moves it); every row is seen on the way, and the table is left at its top."""
    model, bar = view.model(), view.verticalScrollBar()
    bar.setValue(0)
    settle()
    found: list[str] = []
    seen: set[int] = set()
    while True:
        for row in shown_rows(view):
            seen.add(row)
            found += [text for column in range(model.columnCount()) if not view.isColumnHidden(column)
                      if (text := cut(view, model.index(row, column)))]
        if bar.value() >= bar.maximum():
            break
        bar.setValue(bar.value() + 1)
        settle()
    assert seen == set(range(model.rowCount()))
    bar.setValue(0)
    settle()
    return found


def test_the_clause_list_shows_every_clause_title_whole(qtbot, window, tmp_path):
    """The list beside the units cut four titles at 1366 pixels ("1.1 建立劳务基地或政校合作…"): each entry now
    wraps onto as many lines as its title needs."""
    open_demo_page(window, tmp_path, "1.1")
    at_laptop_size(qtbot, window)
    navigator = window.workspace.navigator
    shot(window, "laptop-clause-list")
    entries = [navigator.model().index(row, 0) for row in range(navigator.count())]
    assert len(entries) == len(window.session.pages)
    assert [text for index in entries if (text := cut(navigator, index))] == []
    assert all(navigator.visualRect(index).width() <= navigator.viewport().width() for index in entries)


def test_the_trip_table_shows_every_place_and_verdict_whole(qtbot, window, tmp_path):
    """On 1.2 the 地点 and 计分情况 columns ended in "…" at 1366 pixels (a place in 110 pixels, a reason why a trip
    does not count in 84): they wrap, each row as tall as its text, and nothing scrolls sideways."""
    page = open_demo_page(window, tmp_path, "1.2")
    at_laptop_size(qtbot, window)
    workspace = window.workspace
    seen = 0
    for uid in window.session.unit_ids:
        workspace.select_unit(uid)
        QApplication.processEvents()
        view = page.record_views["trips"]
        assert view.horizontalScrollBar().maximum() == 0
        assert cut_while_scrolled(view) == [], window.session.unit(uid).name
        seen += view.model().rowCount()
    assert seen
    workspace.select_unit(window.session.unit_ids[0])
    shot(window, "laptop-trips")


def test_the_base_table_shows_every_name_place_and_verdict_whole(qtbot, window, tmp_path):
    """On 1.1, the first page the window opens on, 基地名称 and 地区 ended in "…" at 1366 pixels for every unit of
    the demonstration year (a base's name in 100 pixels: "云南镇雄劳务…"), and so did a reason why a base does not
    count: they wrap, the rows on screen as tall as their texts, and nothing scrolls sideways."""
    page = open_demo_page(window, tmp_path, "1.1")
    at_laptop_size(qtbot, window)
    workspace = window.workspace
    for uid in window.session.unit_ids:
        workspace.select_unit(uid)
        settle()
        view = page.record_views["bases"]
        assert view.model().rowCount()
        assert view.horizontalScrollBar().maximum() == 0
        assert cut_while_scrolled(view) == [], window.session.unit(uid).name
    workspace.select_unit(window.session.unit_ids[1])  # six bases, two of them 政校合作基地 with long names
    settle()
    shot(window, "laptop-bases")


def test_a_long_base_name_and_verdict_typed_on_1_1_are_read_whole(qtbot, window, tmp_path):
    """A new unit's bases, one typed with a long name and place, one whose agreement is not ticked (its 计分情况 a
    sentence): their rows grow as they are typed and read whole at 1366×728, and so does every row scrolled to;
    the name column widens to its share of the room as the name is typed."""
    page, uid, model, view = new_unit_record(qtbot, window, tmp_path, "1.1", "添加基地", "bases")
    at_laptop_size(qtbot, window)
    for _ in range(7):
        qtbot.mouseClick(button(page, "添加基地"), Qt.MouseButton.LeftButton)
        settle()
    assert model.rowCount() == 8
    name, region = model.columns.index("name"), model.columns.index("region")
    evidence = next(c for c, column in enumerate(model.columns) if column.startswith("evidence:"))
    long_name = "贵州省黔东南苗族侗族自治州凯里市中等职业技术学校政校合作基地（第二期）"
    narrow = view.columnWidth(name)  # as wide as 未填写 needs
    type_into_cell(qtbot, view, 0, name, long_name, chinese=True)
    type_into_cell(qtbot, view, 0, region, "贵州省黔东南苗族侗族自治州凯里市经济开发区", chinese=True)
    view.scrollToTop()
    tick_cell(qtbot, view, 1, evidence)  # ticked, then not: the agreement not checked against its original
    tick_cell(qtbot, view, 1, evidence)
    settle()
    assert model.index(0, name).data() == long_name
    assert view.columnWidth(name) > narrow  # the typed name's share of the room, not a few characters a line
    verdict = model.index(1, model.columns.index("verdict")).data()
    assert verdict.startswith("不计入") and len(verdict) > 12, verdict
    assert view.rowHeight(0) > view.verticalHeader().defaultSectionSize()
    shown = shown_rows(view)
    assert 0 < len(shown) < model.rowCount()
    assert [text for row in shown for column in range(model.columnCount())
            if (text := cut(view, model.index(row, column)))] == []
    shot(window, "laptop-bases-typed")
    assert view.horizontalScrollBar().maximum() == 0
    assert cut_while_scrolled(view) == []


def test_the_evaluation_form_boxes_are_in_view_when_1_2_opens(qtbot, window, tmp_path):
    """The boxes of a trip's counts of 企业评价表 (好 / 较好 / 一般 / 差) sat below the fold at 1366×728, with nothing
    saying they were there: on opening the page they are in view, whole, with the trips' table."""
    open_demo_page(window, tmp_path, "1.1")
    at_laptop_size(qtbot, window)
    workspace = window.workspace
    navigator = workspace.navigator
    row = next(i for i, p in enumerate(window.session.pages) if p.id == "1.2")
    qtbot.mouseClick(navigator.viewport(), Qt.MouseButton.LeftButton,
                     pos=navigator.visualItemRect(navigator.item(row)).center())
    qtbot.wait(100)  # the wrapped texts settle into their heights
    page = workspace.clause_page
    assert page.page.id == "1.2"
    viewport = page._body.viewport()
    room = viewport.rect()
    spins = list(page.trip_evaluation_spins.values())
    assert len(spins) == 4
    for spin in spins:
        assert spin.isVisible()
        place = QRect(spin.mapTo(viewport, QPoint(0, 0)), spin.size())
        assert room.contains(place), (place, room)
    table = page.record_views["trips"]
    top = table.mapTo(viewport, QPoint(0, 0)).y()
    assert top + table.horizontalHeader().height() + table.rowHeight(0) <= room.height()  # a trip to choose
    shot(window, "laptop-trips-opened")


def test_the_change_log_shows_the_evaluation_counts_whole(qtbot, window, tmp_path):
    """修改记录 cut a trip's counts of evaluation forms ("好 4 份、较好…") in 原值 and 新值, 65 and 104 pixels wide:
    the rows on screen wrap their texts and are as tall as they need."""
    page = open_demo_page(window, tmp_path, "1.2")
    at_laptop_size(qtbot, window)
    view = page.record_views["trips"]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.model().index(0, 1)).center())
    spins = list(page.trip_evaluation_spins.values())
    for spin in spins[:2]:  # one fewer 好 and one fewer 较好, by the keyboard
        spin.setFocus()
        qtbot.keyClick(spin, Qt.Key.Key_Down)
    page.pending.flush()
    seen: dict = {}

    def look(dialog: ChangesDialog) -> None:
        seen["rows"] = rows(dialog)
        qtbot.wait(50)
        model = dialog.view.model()
        shown = [model.index(row, column) for row in range(model.rowCount()) for column in range(model.columnCount())
                 if dialog.view.visualRect(model.index(row, column)).intersects(dialog.view.viewport().rect())]
        seen["cut"] = [text for index in shown if (text := cut(dialog.view, index))]
        seen["shot"] = shot_over(window, dialog, "laptop-changes")
        dialog.reject()

    state = answer_modal(ChangesDialog, look)
    qtbot.mouseClick(page.changes_button, Qt.MouseButton.LeftButton)
    check_answered(state)
    assert any(r[5].startswith("好 ") and "较好" in r[5] for r in seen["rows"]), seen["rows"]
    assert seen["cut"] == []


def test_a_long_trail_measures_only_the_rows_on_screen(qtbot):
    """A year's trail holds tens of thousands of changes: the rows on screen are as tall as their wrapped texts,
    the others are not measured (one line each) until scrolled to, and then they are."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from ui.wrapped_rows import ShownRowsFitter
    long_value = "好 3 份、较好 1 份、一般 1 份、差 1 份；" * 3
    model = QStandardItemModel(5000, 2)
    for row in range(model.rowCount()):
        model.setItem(row, 0, QStandardItem(f"第 {row + 1} 条"))
        model.setItem(row, 1, QStandardItem(long_value))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.horizontalHeader().setStretchLastSection(True)
    ShownRowsFitter(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    line = view.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: view.rowHeight(0) > line)
    shown = range(view.rowAt(0), view.rowAt(view.viewport().height() - 1) + 1)
    assert all(cut(view, model.index(row, 1)) is None for row in shown)
    assert all(view.rowHeight(row) == line for row in range(shown[-1] + 2, model.rowCount()))  # not measured
    view.verticalScrollBar().setValue(3000)
    qtbot.waitUntil(lambda: view.rowHeight(3000) > line)
    shown = range(view.rowAt(0), view.rowAt(view.viewport().height() - 1) + 1)
    assert 3000 in shown and all(cut(view, model.index(row, 1)) is None for row in shown)
    assert view.rowHeight(4999) == line


def test_a_unit_with_many_bases_measures_only_the_rows_on_screen(qtbot, window, tmp_path):
    """1.1 is built at start-up: of a unit's thirty bases with long names, only the rows on screen are measured
    (as tall as their texts); the others are measured when scrolled to, and read whole then."""
    import datetime as dt

    from tests.builders import credit_code
    from tests.desktop_support import NEW_UNIT
    page = open_demo_page(window, tmp_path, "1.1")
    at_laptop_size(qtbot, window)
    session = window.session
    assert window.add_unit({"name": NEW_UNIT, "credit_code": credit_code("many-bases"), "kinds": ["hr_service"],
                            "new_member": False, "contact_person": "王芳", "licence_numbers": {}})
    uid = session.unit_id(NEW_UNIT)
    for n in range(1, 31):
        assert session.add_base("添加基地", uid, f"贵州省黔东南苗族侗族自治州第{n}职业技术学院政校合作基地", "school",
                                dt.date(2022, 3, n % 28 + 1), region="贵州省黔东南苗族侗族自治州凯里市").ok
    window.workspace.select_unit(uid)
    settle()
    view = page.record_views["bases"]
    model = view.model()
    assert model.rowCount() == 30
    shown, line = shown_rows(view), view.verticalHeader().defaultSectionSize()
    assert 0 < len(shown) < 10 and all(view.rowHeight(row) > line for row in shown)
    assert all(view.rowHeight(row) == line for row in range(shown[-1] + 1, 30))  # not measured
    assert view.horizontalScrollBar().maximum() == 0
    assert cut_while_scrolled(view) == []
