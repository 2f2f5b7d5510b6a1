"""The desktop and a field copy's documents: 签章 → 导出考核评分表 in a field copy offers no signing and says,
in one sentence, to merge the copy back and sign in the year file (a record still signs there); and 签章 →
校验 PDF 签名… on a document signed in the copy, with the merged year open, says it comes from that copy, in
amber, not that the year's trail was rewritten."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.pdf.export import Exporter  # noqa: E402
from core.pdf.sheets import RECORD, SHEET  # noqa: E402
from core.pdf.signing import create_key, load_signer  # noqa: E402
from core.pdf.trust import trust_own_key
from core.store.dataset import Dataset, create_file  # noqa: E402
from core.teamwork.field_copy import make_field_copy  # noqa: E402
from core.teamwork.merge import merge_copy  # noqa: E402
from tests.builders import RULES  # noqa: E402
from tests.dataset_support import rich_year  # noqa: E402
from tests.desktop_support import answer_modal, check_answered, shot_over  # noqa: E402
from tests.profile_support import use_profile  # noqa: E402
from tests.ui.test_desktop_pdf import drop  # noqa: E402
from ui.pdf_export import ExportDialog  # noqa: E402
from ui.pdf_verify import NEUTRAL, VerifyDialog  # noqa: E402


def year_and_copy(tmp_path: Path) -> tuple[Path, Path, str]:
    """A year (its lead 组长) and a field copy of its second unit for 王芳; the unit's name."""
    path = tmp_path / "2022.wjkh"
    rich = rich_year(4)
    rich = replace(rich, units=tuple(replace(u, facts_final=False) for u in rich.units))
    assert not create_file(path, RULES, "组长", role="考核组长", year=rich)
    copy = tmp_path / "外业-王芳.wjkh"
    with Dataset.open(path, backups=False) as ds:
        unit = ds.unit(ds.unit_ids()[1]).name
        make_field_copy(ds, copy, "王芳", 1, [unit])
    return path, copy, unit


def test_a_field_copy_offers_no_signing_of_a_score_sheet_and_says_why(window, qtbot, tmp_path):
    _, copy, unit = year_and_copy(tmp_path)
    assert window.open_dataset(copy)
    window.workspace.select_unit(window.session.unit_id(unit))
    seen = {}

    def look(dialog: ExportDialog) -> None:
        seen["sheet"] = (dialog.sign.isEnabled(), dialog.sign.isChecked(), dialog.sign_note.text())
        shot_over(window, dialog, "field-copy-export-sheet")
        dialog.kind_buttons[RECORD].click()  # the on-site record is the assessor's: signed here as before
        seen["record"] = dialog.sign.isEnabled()
        dialog.sign.click()
        dialog.kind_buttons[SHEET].click()  # back to the sheet: the tick goes
        seen["again"] = (dialog.sign.isEnabled(), dialog.sign.isChecked())
        dialog.reject()

    state = answer_modal(ExportDialog, look)
    window.pdf_actions.sheet_action.trigger()
    check_answered(state)
    enabled, checked, note = seen["sheet"]
    assert not enabled and not checked
    assert note == ("外业-王芳.wjkh 是外业副本，考核评分表不能在外业副本中签名定稿："
                    "请先把外业副本合并回年度文件 2022.wjkh，再在年度文件中签名。这里导出的是未签名的草稿。")
    assert seen["record"] and seen["again"] == (False, False)


def test_the_verify_card_says_a_document_signed_in_a_field_copy_comes_from_it(window, qtbot, tmp_path, monkeypatch):
    use_profile(monkeypatch, tmp_path / "config")
    path, copy, unit = year_and_copy(tmp_path)
    key = tmp_path / "王芳.p12"
    create_key(key, "王芳", "密码-2022")
    trust_own_key(key, "密码-2022")  # her key, trusted here: the card doubts nothing of the signer
    sheet = tmp_path / "现场核查记录.pdf"  # signed on site, in the copy
    with Dataset.open(copy, backups=False) as ds:
        done, problems = Exporter(ds).record(unit, signer=load_signer(key, "密码-2022"))
        assert done is not None and not problems
        sheet.write_bytes(done.pdf)
        assert ds.set_insured_workers(ds.assessor_id("王芳"), ds.unit_id(unit), 321).ok
    with Dataset.open(path, backups=False) as ds, Dataset.open(copy, read_only=True) as field:
        assert merge_copy(ds, field, copy.name, 1)[1].ok
    assert window.open_dataset(path)
    seen = {}

    def look(dialog: VerifyDialog) -> None:
        assert drop(dialog, [sheet]) and dialog.worker.wait(60)
        seen["trail"] = [(label.text(), label.styleSheet())
                         for label in dialog.cards_widget.findChildren(type(dialog.drop), "trail")]
        shot_over(window, dialog, "verify-dialog-field-copy")
        dialog.accept()

    state = answer_modal(VerifyDialog, look, timeout=90)
    next(a for a in window.pdf_actions.menu.actions() if a.text() == "校验 PDF 签名…").trigger()
    check_answered(state)
    ((text, style),) = seen["trail"]
    assert text.startswith("现场核查记录.pdf 是在外业副本 外业-王芳.wjkh（交给王芳，")
    assert "已合并回年度文件）中生成的" in text
    assert text.endswith("不能与年度文件 2022.wjkh 的审计记录核对。") and NEUTRAL in style and "被改写" not in text
