"""The words of the demo year's 考核评分表 as the desktop says them, read back from the real PDFs with pdftotext: no
space printed inside Chinese where the text has none, and a formula's minus sign the true one (U+2212)."""

import re
import subprocess
from pathlib import Path

import pytest

from core.common.messages import Msg, render
from core.pdf import fonts
from core.pdf.export import Exporter
from core.store.dataset import Dataset
from tests.core.pdf.test_pdf import demo_dataset, render_pages

BASHE = "苏州八坼新程人力资源有限公司"  # a trip's 备案表 not seen (1.2)
BEISHE = "苏州北厍恒源人力资源有限公司"  # a base's agreement not seen (1.1, 2.1, 2.2)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sheets")
    made = {}
    with Dataset.open(demo_dataset(folder), read_only=True) as ds:
        exporter = Exporter(ds)
        for unit in (BASHE, BEISHE, "苏州松陵众信人力资源有限公司"):
            done, problems = exporter.sheet(unit)
            assert done is not None and not problems
            made[unit] = folder / f"{unit}.pdf"
            made[unit].write_bytes(done.pdf)
    return made


def running_text(pdf: Path) -> str:
    """The sheet's text with its line ends taken out (a paragraph's lines joined as they were before it wrapped)."""
    raw = subprocess.run(["pdftotext", "-nodiag", "-raw", str(pdf), "-"], check=True, capture_output=True,
                         text=True, encoding="utf-8").stdout
    return raw.replace("\n", "")


def test_a_name_and_the_words_after_it_are_printed_without_a_space(sheets):
    """'…凯里市人力资源市场 的赴外招聘备案表', '四川西充劳务协作基地 的基地协议': the catalogue set a space between a
    name and its 的; and the readings joined their chosen and other reading with one ('…本数）。 另一读法')."""
    bashe, beishe = running_text(sheets[BASHE]), running_text(sheets[BEISHE])
    assert "2022-08-13 贵州省黔东南州凯里市人力资源市场的赴外招聘备案表" in bashe
    assert beishe.count("四川西充劳务协作基地的基地协议") == 3  # 1.1's missing evidence, and the notes of 2.1, 2.2
    for text in (bashe, beishe):
        assert not re.search(r"[\u4e00-\u9fff] 的", text)
        assert "“以下”包括本数）。另一读法（未采用）：综合评分达到4分" in text
    render_pages(sheets[BASHE], "sheet-words-bashe")


def test_the_explanations_naming_a_base_or_a_trip_set_no_space_before_its_的():
    """A value is set off by spaces when it is a number or Latin (稳定 82 人); a name binds to its 的."""
    for code, name in (("missing.record", "record"), ("trips.forms_unseen", "record"),
                       ("trips.forms_unseen_poor", "record"), ("people.agreement_unseen", "name")):
        text = render(Msg.of(code, **{name: "四川西充劳务协作基地", "item": "基地协议", "poor": 2, "clause": "1.1",
                                      "people": 12}))
        assert "四川西充劳务协作基地的基地协议" in text, text


def test_a_formula_prints_its_true_minus_sign_in_a_face_that_has_it(sheets):
    """WenQuanYi Zen Hei has no U+2212: the sheet printed the ranking's 25 − 1.5 × (2 − 1) as 25 - 1.5 × (2 - 1);
    the minus is now set in a symbol face (embedded, as the Chinese one) and reads back as U+2212."""
    pdf = sheets["苏州松陵众信人力资源有限公司"]
    text = running_text(pdf)
    assert "25 \u2212 1.5 × (2 \u2212 1)，最低 5，得 23.5 分" in text
    assert "15 \u2212 1 × (3 \u2212 1)" in text and "10 \u2212 1 × (2 \u2212 1)" in text
    assert not re.search(r"\d -", text)
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert all(row[-5] == "yes" and row[-4] == "yes" for row in rows), rows  # every face embedded, as a subset
    render_pages(pdf, "sheet-words-minus-core")


def test_a_sign_no_face_on_the_machine_has_is_printed_as_its_plain_equivalent(monkeypatch):
    found, problems = fonts.cjk_fonts()
    assert found is not None, problems
    assert fonts.glyph_fallback("25 \u2212 1.5 × (2 \u2212 1)", found.body).count("<font face=") == 2
    monkeypatch.setattr(fonts, "_FALLBACK", {})
    monkeypatch.setattr(fonts, "_symbol_files", lambda environ=None: [])
    monkeypatch.setattr(fonts, "_fontconfig_symbol_file", lambda ch: None)
    assert fonts.glyph_fallback("25 \u2212 1.5 × (2 \u2212 1)", found.body) == "25 - 1.5 × (2 - 1)"
    assert fonts.glyph_fallback("稳定 82 人", found.body) == "稳定 82 人"  # what the face has stays as it is
