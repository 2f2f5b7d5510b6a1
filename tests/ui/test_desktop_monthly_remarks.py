"""A monthly report's 备注 on the desktop (pytest-qt, offscreen): the import wizard lists the 备注 column it reads
from each month's sheet, and 人员核对 shows each person's remarks of the unit's monthly reports beside the
roster's, each after its month (on one line, whole in the tooltip, an ID number in it masked until
显示完整身份证号 is ticked)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.common.identifiers import mask_id_number  # noqa: E402
from tests.core.people.test_monthly_remarks import report_rows  # noqa: E402
from tests.import_support import roster_file  # noqa: E402
from tests.ui.test_desktop import shot  # noqa: E402
from tests.ui.test_desktop_excel import import_through_wizard, uid_of, year  # noqa: E402, F401
from tests.ui.test_desktop_roster_remarks import rows_by_id  # noqa: E402
from tests.xlsx_builders import arrival, person_id, write_workbook  # noqa: E402

OTHER = "320509198001010013"  # an ID number a clerk typed into a remark
REPORTED = 10  # the people view's column of the monthly reports' 备注


@pytest.mark.usefixtures("year")  # the year open in the window
def test_the_people_view_shows_each_person_s_monthly_report_remarks(qtbot, window, tmp_path):
    people = [arrival(i) for i in range(4)]
    import_through_wizard(window, roster_file(tmp_path, people), "arrivals").close()
    months = {"2022年3月": report_rows(people[:3], ["已离职，待补离职证明", "", f"与{OTHER}为同一家庭\n住宿已安排"]),
              "2022年9月": report_rows(people[:3], ["", "", "已返岗"])}
    dialog = import_through_wizard(window, write_workbook(tmp_path / "送工信息.xlsx", months), "monthly_reports")
    table = dialog.columns_table  # the wizard says which column of each month's sheet the remarks are read from
    columns = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert ["2022年3月", "备注", "H", "备注"] in columns and ["2022年9月", "备注", "H", "备注"] in columns
    table.scrollToBottom()
    shot(dialog, "import-wizard-monthly-remarks")
    dialog.close()

    window.workspace.select_unit(uid_of(window, 0))
    window.excel_actions.people_action.trigger()
    view = window.excel_actions.people_view()
    assert view is not None and view.isVisible()
    proxy = view.people_proxy
    assert [proxy.headerData(c, Qt.Orientation.Horizontal) for c in (9, 10, 11)] == [
        "花名册备注", "送工信息备注", "原因或说明"]
    ids = rows_by_id(proxy)
    row = {i: ids[mask_id_number(person_id(i))] for i in range(4)}
    assert proxy.data(proxy.index(row[0], REPORTED)) == "2022年3月：已离职，待补离职证明"
    assert proxy.data(proxy.index(row[1], REPORTED)) == ""
    assert proxy.data(proxy.index(row[3], REPORTED)) == ""  # not reported at all
    masked = mask_id_number(OTHER)
    assert proxy.data(proxy.index(row[2], REPORTED)) == f"2022年3月：与{masked}为同一家庭 住宿已安排；2022年9月：已返岗"
    assert proxy.data(proxy.index(row[2], REPORTED), Qt.ItemDataRole.ToolTipRole) == \
        f"2022年3月：与{masked}为同一家庭\n住宿已安排；2022年9月：已返岗"
    assert proxy.data(proxy.index(row[0], 9)) == ""  # the roster's own 备注 stays apart
    assert not view.people_view.isColumnHidden(REPORTED)
    view.resize(1500, 600)
    shot(view, "people-view-monthly-remarks")

    qtbot.mouseClick(view.full_ids, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert view.full_ids.isChecked()
    ids = rows_by_id(proxy)
    assert proxy.data(proxy.index(ids[person_id(2)], REPORTED)) == \
        f"2022年3月：与{OTHER}为同一家庭 住宿已安排；2022年9月：已返岗"
    shot(view, "people-view-monthly-remarks-full")

    assert window.session.undo("撤销")[1].ok  # the report taken out again: its remarks go with it
    QApplication.processEvents()
    ids = rows_by_id(proxy)
    assert proxy.data(proxy.index(ids[person_id(2)], REPORTED)) == ""
    assert view.people_view.isColumnHidden(REPORTED)  # no report of the unit has a 备注: the reasons keep the room
    shot(view, "people-view-monthly-remarks-undone")
