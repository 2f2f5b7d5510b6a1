"""人员核对 on the desktop (pytest-qt, offscreen) for a unit whose rosters and monthly reports disagree: each
difference a note on the person, the people reported on no roster under 仅在送工信息中 (IDs masked until asked;
the other units whose rosters name them),
a unit without a roster said to have none (not that nobody is unconfirmed), and the summary workbook the export
dialog writes read back."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import openpyxl  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.common.identifiers import mask_id_number  # noqa: E402
from tests.import_support import REPORTED_ONLY, UNITS, disagreeing_files, monthly_file  # noqa: E402
from tests.ui.test_desktop import shot  # noqa: E402
from tests.ui.test_desktop_excel import import_through_wizard, uid_of, year  # noqa: E402, F401
from tests.ui.test_desktop_roster_remarks import rows_by_id  # noqa: E402
from tests.xlsx_builders import arrival, person_id, person_name  # noqa: E402

PLACE = 6  # the people view's column of where the person's row is (名单中的位置)
WHY = 11  # the people view's column of the reasons and notes


def click_tab(qtbot, tabs, starts: str) -> None:
    bar = tabs.tabBar()
    at = next(i for i in range(tabs.count()) if tabs.tabText(i).startswith(starts))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(at).center())
    assert tabs.currentIndex() == at


def choose_unit(qtbot, view, name: str) -> None:
    """Pick the unit in the view's own unit box, as a user does: the box opened, the unit chosen by keys."""
    box = view.unit_combo
    box.setFocus()
    for _ in range(box.count()):
        if box.currentText() == name:
            break
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.currentText() == name
    QApplication.processEvents()


@pytest.mark.usefixtures("year")  # the year open in the window
def test_the_people_view_notes_differences_and_lists_who_is_on_no_roster(qtbot, window, tmp_path):
    roster, reports = disagreeing_files(tmp_path)
    import_through_wizard(window, roster, "arrivals").close()
    done = import_through_wizard(window, reports, "monthly_reports")
    assert "每月送工信息中有 2 人不在该单位的花名册中" in done.status.text()
    done.close()
    # the third unit reports person 13, whom the first unit's roster names
    only = import_through_wizard(window, monthly_file(tmp_path, [arrival(13)], "丙送工.xlsx"), "monthly_reports",
                                 unit=2)
    assert f"{UNITS[2]}：尚未导入花名册（附件2、附件4），无法逐人核对" in only.status.text()
    assert "未确认 0 人" not in only.status.text()
    only.close()

    window.workspace.select_unit(uid_of(window, 0))
    window.excel_actions.people_action.trigger()
    view = window.excel_actions.people_view()
    assert view is not None and view.isVisible()
    proxy = view.people_proxy
    ids = rows_by_id(proxy)
    why = {i: proxy.data(proxy.index(ids[mask_id_number(person_id(i))], WHY)) for i in (1, 2, 12, 5, 13)}
    assert "用工单位为“吴江另一家电子有限公司”（2022年3月 第 2 行），与花名册的“盛泽纺织科技有限公司”不同，请核对" \
        in why[1]
    assert "基地为“铜仁劳务基地”（2022年3月 第 3 行），与花名册的“周口劳务基地”不同，请核对" in why[2]
    assert "入职日期为 2022-01-20（2022年3月 第 4 行），与花名册的 2022-01-13 不同，请核对" in why[12]
    assert "只在2022年3月报送此人，早于花名册的入职日期 2022-06-06，请核对" in why[5]
    assert "请核对" not in why[13]
    assert all(proxy.data(proxy.index(row, 0)) == "确认" for row in range(proxy.rowCount()))  # notes only
    assert "另有 2 人只在每月送工信息中、不在花名册中（见“仅在送工信息中”）" in view.counts.text()
    view.resize(1500, 600)
    box = view.filter  # 显示: those with a note to check, chosen by keys as a user does
    box.setFocus()
    for _ in range(box.count()):
        if box.currentText() == "有说明需核对的":
            break
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.currentText() == "有说明需核对的"
    QApplication.processEvents()
    assert sorted(proxy.data(proxy.index(r, 2)) for r in range(proxy.rowCount())) == sorted(
        mask_id_number(person_id(i)) for i in (1, 2, 12, 5))
    assert view.shown_label.text() == "显示 4 / 5 人"
    assert view.person_detail.text() == "选中一人查看完整的原因或说明。"
    at = view.people_view.visualRect(proxy.index(rows_by_id(proxy)[mask_id_number(person_id(5))], 1))
    qtbot.mouseClick(view.people_view.viewport(), Qt.MouseButton.LeftButton, pos=at.center())
    assert view.person_detail.text() == (f"{person_name(5)}（{mask_id_number(person_id(5))}）："
                                         "每月送工信息只在2022年3月报送此人，早于花名册的入职日期 2022-06-06，请核对")
    shot(view, "people-view-report-differences")

    click_tab(qtbot, view.tabs, "仅在送工信息中（2）")
    reported = view.reported_view.model()
    assert reported.rowCount() == 2
    rows = [[reported.data(reported.index(r, c)) for c in range(7)] for r in range(2)]
    assert rows == [[person_name(i), mask_id_number(person_id(i)), "2022年3月", arrival(i)["劳务基地"],
                     arrival(i)["用工单位"], f"2022年3月 第 {row} 行", "—"]
                    for i, row in zip(REPORTED_ONLY, (7, 8), strict=True)]
    shot(view, "people-view-reported-only")
    qtbot.mouseClick(view.full_ids, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert [reported.data(reported.index(r, 1)) for r in range(2)] == [person_id(i) for i in REPORTED_ONLY]
    qtbot.mouseClick(view.full_ids, Qt.MouseButton.LeftButton)
    QApplication.processEvents()

    choose_unit(qtbot, view, UNITS[1])
    assert view.counts.text() == "本单位尚未导入花名册（附件2、附件4），无法逐人核对，不能说明谁确认、谁未确认"
    assert view.reported_model.rowCount() == 0 and view.tabs.tabText(view.tabs.currentIndex()) == "仅在送工信息中（0）"
    choose_unit(qtbot, view, UNITS[2])
    assert view.counts.text().startswith("本单位尚未导入花名册") and "另有 1 人只在每月送工信息中" in view.counts.text()
    assert view.reported_model.rowCount() == 1
    assert view.reported_model.data(view.reported_model.index(0, 1)) == mask_id_number(person_id(13))
    assert view.reported_model.data(view.reported_model.index(0, 6)) == UNITS[0]  # whose roster names them
    shot(view, "people-view-reports-without-roster")


@pytest.mark.usefixtures("year")
def test_the_summary_the_desktop_writes_lists_the_reported_only_and_says_when_no_roster_was_imported(
        qtbot, window, tmp_path):
    roster, reports = disagreeing_files(tmp_path)
    import_through_wizard(window, roster, "arrivals").close()
    import_through_wizard(window, reports, "monthly_reports").close()
    dialog = window.excel_actions.export_dialog("summary")
    dialog.show()
    dialog.path.setText(str(tmp_path / "汇总.xlsx"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    book = openpyxl.load_workbook(dialog.written)

    def text(unit: str) -> list[str]:
        return [str(v) for row in book[f"未确认-{unit}"].iter_rows(values_only=True) for v in row if v is not None]

    first = text(UNITS[0])
    assert any(v.startswith("每月送工信息中有、花名册中没有的人员 2 人") for v in first)
    for i in REPORTED_ONLY:
        assert mask_id_number(person_id(i)) in first and person_id(i) not in first
    for unit in UNITS[1:]:
        assert "未导入该单位的花名册（附件2、附件4），无法逐人核对，此处不列人员；这不表示人员均已确认" in text(unit)
        assert "无未确认人员" not in text(unit)


@pytest.mark.usefixtures("year")
def test_the_people_view_names_the_file_of_a_row_when_a_corrected_roster_is_kept_beside_the_first(
        qtbot, window, tmp_path):
    """The unit's corrected roster imported beside its first (一并保留并导入): 名单中的位置 (and its tooltip) names
    the file of each person's row, as 花名册 第 3 行 is one person in the one file and another in the other; sorted
    by it, the rows of one file stay together."""
    from PySide6.QtWidgets import QMessageBox

    from tests.desktop_support import answer_modal
    from tests.import_support import roster_file
    import_through_wizard(window, roster_file(tmp_path, [arrival(i) for i in range(3)]), "arrivals").close()
    dialog = window.excel_actions.import_dialog("arrivals")
    dialog.show()
    corrected = roster_file(tmp_path, [arrival(5), arrival(6)], "花名册-更正后.xlsx")
    dialog.set_file(corrected, "arrivals", uid_of(window, 0))
    assert dialog.check().wait(60)
    answer_modal(QMessageBox, lambda box: next(b for b in box.buttons() if b.text() == "一并保留并导入").click())
    assert dialog.import_()
    dialog.close()

    window.workspace.select_unit(uid_of(window, 0))
    window.excel_actions.people_action.trigger()
    view = window.excel_actions.people_view()
    assert view is not None and view.isVisible()
    view.resize(1500, 600)
    proxy = view.people_proxy
    ids = rows_by_id(proxy)
    where = {i: proxy.data(proxy.index(ids[mask_id_number(person_id(i))], PLACE)) for i in (0, 2, 5, 6)}
    assert where == {0: "附件2花名册.xlsx 花名册 第 3 行", 2: "附件2花名册.xlsx 花名册 第 5 行",
                     5: "花名册-更正后.xlsx 花名册 第 3 行", 6: "花名册-更正后.xlsx 花名册 第 4 行"}
    tip = proxy.data(proxy.index(ids[mask_id_number(person_id(5))], PLACE), Qt.ItemDataRole.ToolTipRole)
    assert tip == "花名册-更正后.xlsx 花名册 第 3 行"
    header = view.people_view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(PLACE) + 5, header.height() // 2))
    QApplication.processEvents()
    ordered = [f"花名册-更正后.xlsx 花名册 第 {row} 行" for row in (3, 4)] + [f"附件2花名册.xlsx 花名册 第 {row} 行"
                                                                     for row in (3, 4, 5)]
    assert [proxy.data(proxy.index(r, PLACE)) for r in range(proxy.rowCount())] in (ordered, ordered[::-1])
    shot(view, "people-view-two-rosters")
