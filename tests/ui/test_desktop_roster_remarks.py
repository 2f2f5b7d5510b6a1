"""人员核对 shows each person's 备注 from the unit's roster (pytest-qt, offscreen): a roster with a 备注 column
imported through the wizard, the view opened from the 数据 menu, the remark on the person's row (on one line,
whole in the tooltip, an ID number in it masked until 显示完整身份证号 is ticked)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.common.identifiers import mask_id_number  # noqa: E402
from tests.ui.test_desktop import shot  # noqa: E402
from tests.ui.test_desktop_excel import import_through_wizard, uid_of, year  # noqa: E402, F401
from tests.xlsx_builders import ARRIVAL_HEADERS, arrival, arrivals_rows, person_id, write_workbook  # noqa: E402

OTHER = "320509198001010013"  # an ID number a clerk typed into a remark



def rows_by_id(proxy) -> dict[str, int]:
    """The people view's rows by the ID number each shows (masked, or whole once 显示完整身份证号 is ticked)."""
    return {proxy.data(proxy.index(r, 2)): r for r in range(proxy.rowCount())}

@pytest.mark.usefixtures("year")  # the year open in the window
def test_the_people_view_shows_each_person_s_roster_remark(qtbot, window, tmp_path):
    remarks = {0: "已离职，待补离职证明", 1: "", 2: f"与{OTHER}为同一家庭\n住宿已安排"}
    people = [arrival(i, 备注=remarks.get(i, "")) for i in range(4)]
    path = write_workbook(tmp_path / "附件2花名册.xlsx", {"花名册": arrivals_rows(people, (*ARRIVAL_HEADERS, "备注"))},
                          title="组织进吴人员花名册", title_rows=1)
    dialog = import_through_wizard(window, path, "arrivals")
    table = dialog.columns_table  # the wizard says which column the remarks are read from
    columns = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert ["花名册", "备注", "K", "备注"] in columns
    shot(dialog, "import-wizard-remarks")
    dialog.close()
    window.workspace.select_unit(uid_of(window, 0))
    window.excel_actions.people_action.trigger()
    view = window.excel_actions.people_view()
    assert view is not None and view.isVisible()
    proxy = view.people_proxy
    assert proxy.headerData(9, Qt.Orientation.Horizontal) == "花名册备注"
    ids = rows_by_id(proxy)
    row = {i: ids[mask_id_number(person_id(i))] for i in range(4)}
    assert proxy.data(proxy.index(row[0], 9)) == "已离职，待补离职证明"
    assert proxy.data(proxy.index(row[1], 9)) == ""
    assert proxy.data(proxy.index(row[2], 9)) == f"与{mask_id_number(OTHER)}为同一家庭 住宿已安排"
    assert proxy.data(proxy.index(row[2], 9), Qt.ItemDataRole.ToolTipRole) == \
        f"与{mask_id_number(OTHER)}为同一家庭\n住宿已安排"
    shot(window, "people-view-remarks")

    qtbot.mouseClick(view.full_ids, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert view.full_ids.isChecked()
    ids = rows_by_id(proxy)
    assert proxy.data(proxy.index(ids[person_id(2)], 9)) == f"与{OTHER}为同一家庭 住宿已安排"
    view.people_view.sortByColumn(9, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(proxy.rowCount() - 1, 9)) == ""
    shot(view, "people-view-remarks-full")
