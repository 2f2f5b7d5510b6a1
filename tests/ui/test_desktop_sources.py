"""Where a clause's figures come from, as the assessor meets it in the desktop (pytest-qt, offscreen): rows of
a platform export or a roster that would count for nothing are named in the import preview before importing,
and the 3.1 page says how many platform rows name no unit. Every workbook is a real .xlsx written and read
back; screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.common.messages import render  # noqa: E402
from core.scoring.facts import Delivery  # noqa: E402
from tests.core.people.test_platform import deliveries_file  # noqa: E402
from tests.desktop_support import shot_over  # noqa: E402
from tests.import_support import UNITS  # noqa: E402
from tests.ui import test_desktop_excel  # noqa: E402
from tests.ui.test_desktop import shot  # noqa: E402
from tests.ui.test_desktop_excel import go_page, uid_of  # noqa: E402

year = test_desktop_excel.year  # the fixture: three units with bases, open in the window


def checked_dialog(window, path, kind, unit=None):
    """The import wizard with the file checked: the preview on screen, nothing imported yet."""
    dialog = window.excel_actions.import_dialog(kind)
    dialog.show()
    dialog.set_file(path, kind, None if unit is None else uid_of(window, unit))
    worker = dialog.check()
    assert worker is not None and worker.wait(60)
    assert dialog.preview is not None
    return dialog


# ------------------------------------------------------------------ platform rows naming no unit

def test_platform_rows_naming_no_unit_are_listed_before_importing_and_counted_on_the_3_1_page(qtbot, year, tmp_path):
    window = year
    session = window.session
    own = [(UNITS[0], Delivery(dt.date(2022, 3, d), f"缺工企业{d}", 5)) for d in range(1, 4)]
    odd = [("吴江甲人力资源有限公司（原甲劳务）", Delivery(dt.date(2022, 4, 1), "缺工企业4", 5)),
           ("吴江某某人力资源有限公司", Delivery(dt.date(2022, 4, 2), "缺工企业5", 5))]
    dialog = checked_dialog(window, deliveries_file(tmp_path, own + odd), "platform_deliveries")
    assert dialog.preview.importable and not dialog.preview.problems  # nothing wrong with the rows themselves
    assert dialog.heed_box.isVisible()
    notes = [dialog.heed.item(i).text() for i in range(dialog.heed.count())]
    assert len(notes) == 2, notes
    assert notes[0].startswith("输送记录 第 6 行 运营单位：“吴江甲人力资源有限公司（原甲劳务）”不是本年度的运营单位")
    assert "可能是“吴江甲人力资源有限公司”" in notes[0]
    assert notes[1].startswith("输送记录 第 7 行 运营单位：“吴江某某人力资源有限公司”") and "可能是" not in notes[1]
    status = dialog.status.text()
    assert "5 行均可导入" in status and "其中 2 行的运营单位名称不是本年度的运营单位，导入后不计入任何单位" in status
    assert "检查通过" not in status
    shot_over(window, dialog, "import-preview-platform-rows-naming-no-unit")
    assert dialog.import_(confirm=False)
    assert "“导入前请核对”所列的 2 行已导入，但不计分" in dialog.status.text()
    dialog.close()

    page = go_page(window, 0, "3.1")
    page.source_panel.platform_button.click()
    page = window.workspace.clause_page
    detail = page.source_panel.detail_label.text()
    assert "本单位输送记录 3 条" in detail
    assert "该导出另有 2 条记录的运营单位名称不是本年度的运营单位，不计入任何单位" in detail
    assert "其中“吴江甲人力资源有限公司（原甲劳务）”（1 条）可能是本单位" in detail
    explained = [render(m) for m in session.clause_result(uid_of(window, 0), "3.1").explanation.facts]
    assert any("该导出另有 2 条记录的运营单位名称不是本年度的运营单位" in text for text in explained), explained
    shot(window, "clause-page-3-1-platform-rows-naming-no-unit")
    go_page(window, 1, "3.1")  # another unit: the count, but no name like its own
    detail = window.workspace.clause_page.source_panel.detail_label.text()
    assert "另有 2 条记录" in detail and "可能是本单位" not in detail
