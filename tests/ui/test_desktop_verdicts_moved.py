"""An edit of one unit that moves other units' 考核结果 or 等级 says which, and how: a tester counted a unit's people
from its roster, another final unit fell from 合格 to 不合格 in the ranking, and nothing said so. The demo year: 八坼
(not final) given 210 people on 2.1 rises to first place; the units ranked below it lose points and the grades'
places move: 同里英桥 D → C, 平望运河 C → D. A banner over the year says so until 知道了; an edit that moves nothing
leaves it; the undo says it back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.core.pdf.test_pdf import demo_dataset
from tests.ui.test_desktop import shot
from tests.ui.test_desktop_signed_figures import raise_waiting_units_people

TONGLI, PINGWANG = "苏州同里英桥人力资源有限公司", "吴江平望运河人才服务有限公司"


def test_an_edit_that_moves_another_units_verdict_says_which_and_its_undo_says_it_back(qtbot, window, tmp_path):
    assert window.open_dataset(demo_dataset(tmp_path))
    session = window.session
    tongli = session.unit_id(TONGLI)
    assert tongli is not None and session.unit_result(tongli).grade == "D"

    raise_waiting_units_people(qtbot, window)
    assert session.unit_result(tongli).grade == "C"
    banner = window.workspace.moved_banner
    assert banner is not None and banner.isVisible()
    said = banner.label.text()
    assert said.endswith(" “修改进吴人数”后：另有 2 家运营单位的考核结果或等级随之变动"
                         "（排名类条款得分或等级名额变动）："
                         f"{TONGLI}（D级 → C级）、{PINGWANG}（C级 → D级）。"), said
    assert "苏州八坼新程人力资源有限公司（" not in said  # the unit edited: its page shows it
    assert window.statusBar().currentMessage().startswith("已自动保存 ")
    shot(window, "verdicts-moved-01-banner")

    # an edit that moves no one's verdict leaves the banner as it is
    assert session.set_note("备注", session.unit_id("苏州八坼新程人力资源有限公司"), "2.1", "人数待复核").ok
    assert banner.isVisible() and banner.label.text() == said

    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # 编辑 → 撤销: the note
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # and the people
    qtbot.waitUntil(lambda: session.unit_result(tongli).grade == "D", timeout=5000)
    said = banner.label.text()  # in the year's order (平望运河 C again ahead of 同里英桥 D)
    assert " 撤销“修改进吴人数”后：另有 2 家" in said, said
    assert said.endswith(f"：{PINGWANG}（D级 → C级）、{TONGLI}（C级 → D级）。"), said
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
