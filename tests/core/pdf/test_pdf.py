"""The PDF documents as a user gets them: real files from the command line, rendered with
pdftoppm and read back with pdftotext; the fonts embedded; long tables and long names."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.common.messages import format_number
from core.pdf import fonts as pdf_fonts
from core.pdf.export import Exporter
from core.scoring.engine import score_year
from core.scoring.facts import load_year
from core.scoring.rules import load_rule_set
from core.store.dataset import Dataset, create_file
from tests import cli_support
from tests.builders import credit_code
from tests.dataset_support import ROOT

DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
ARTIFACTS = ROOT / "artifacts" / "pdf"
UNIT = "苏州芦墟远帆人力资源服务有限公司"
RULES = load_rule_set()
CLAUSES = [c.id for c in RULES.clauses]

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftoppm, pdftotext) are needed: ./test.sh installs them")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python main.py ARGS` (in this process, tests/cli_support.py) with no terminal: a password can only
    come from the environment."""
    return cli_support.run(*args, env=env, drop_env=("LEYE_SIGN_PASSWORD",))


def demo_dataset(folder: Path, name: str = "demo-2022.sqlite") -> Path:
    year, problems = load_year(DEMO, RULES)
    assert not problems
    path = folder / name
    assert create_file(path, RULES, "张三", "考核组长", year) == []
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_dataset(tmp_path_factory.mktemp("demo"))


def render_pages(pdf: Path, stem: str, dpi: int = 60) -> list[Path]:
    """Every page as a PNG (kept under artifacts/pdf/ for a person to look at)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(ARTIFACTS / stem)], check=True)
    return sorted(ARTIFACTS.glob(f"{stem}-*.png"))


def ink(png: Path) -> float:
    """The share of the page that is not white."""
    from PIL import Image
    image = Image.open(png).convert("L")
    histogram = image.histogram()
    return sum(histogram[:200]) / (image.width * image.height)


def text_of(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-raw"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True, encoding="utf-8").stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fonts_of(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


# ------------------------------------------------------------------ fonts

def test_a_cjk_truetype_font_is_found_and_registered():
    fonts, problems = pdf_fonts.cjk_fonts()
    assert fonts is not None, problems
    assert fonts.body_file.path.suffix.lower() in (".ttf", ".ttc")
    assert fonts.heading_file.style == pdf_fonts.HEI  # WenQuanYi Zen Hei is a hei face


def test_a_registered_face_leaves_the_collector_nothing_to_go_over_in_its_glyph_map():
    """A Chinese face, registered once for the program's life, maps some 40,000 glyphs to their characters; the
    cyclic collector's full passes (a year's closing makes one) would go over every entry were each a list."""
    import gc

    from reportlab.pdfbase import pdfmetrics
    fonts, problems = pdf_fonts.cjk_fonts()
    assert fonts is not None, problems
    face = pdfmetrics.getFont(pdf_fonts.register(fonts.body_file)).face
    gc.collect()  # tuples of numbers are set aside at a collection
    assert len(face.glyphToChar) > 20_000
    assert not any(gc.is_tracked(chars) for chars in face.glyphToChar.values())
    assert not gc.is_tracked(face.glyphToChar)
    assert face.glyphToChar[face.charToGlyph[ord("考")]] == (ord("考"),)


def test_no_font_is_a_problem_naming_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_fonts, "LINUX_FONTS", ())
    monkeypatch.setattr(pdf_fonts, "RESOURCES_FONTS", tmp_path / "fonts")
    monkeypatch.setattr(pdf_fonts, "system_font_dirs", lambda environ=None: [])
    monkeypatch.setattr(pdf_fonts, "_fontconfig_fonts", lambda: [])
    monkeypatch.setattr(pdf_fonts, "_CACHE", {})
    fonts, problems = pdf_fonts.cjk_fonts(environ={})
    assert fonts is None
    assert [p.message.code for p in problems] == ["pdf.no_font"]
    assert "fonts-wqy-zenhei" in problems[0].text() and pdf_fonts.ENV_FONT in problems[0].text()


def test_a_configured_font_that_cannot_be_embedded_is_reported_and_another_used(tmp_path, monkeypatch):
    bad = tmp_path / "NotoSansCJK.ttc"
    bad.write_bytes(b"OTTO" + bytes(200))  # not a TrueType font reportlab can embed
    monkeypatch.setattr(pdf_fonts, "_CACHE", {})
    fonts, problems = pdf_fonts.cjk_fonts(bad)
    assert fonts is not None and fonts.body_file.path != bad
    assert [p.message.code for p in problems] == ["pdf.font_unusable"]
    fonts, problems = pdf_fonts.cjk_fonts(environ={pdf_fonts.ENV_FONT: str(tmp_path / "missing.ttf")})
    assert fonts is not None and [p.message.code for p in problems] == ["pdf.font_configured_missing"]


# ------------------------------------------------------------------ the three documents from the command line

@pytest.mark.parametrize("kind", ["record", "sheet", "summary"])
def test_each_document_renders_with_chinese_text(demo, tmp_path, kind):
    out = tmp_path / f"{kind}.pdf"
    done = run("export-pdf", kind, "--dataset", str(demo), "--unit", UNIT, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and done.stderr == ""
    pages = render_pages(out, f"test-{kind}")
    assert pages, "no page rendered"
    for png in pages:
        assert ink(png) > 0.005, f"{png.name} is blank"
    text = text_of(out)
    whole = flat(text)
    with Dataset.open(demo, read_only=True) as ds:
        result = score_year(ds.rule_set(), ds.year())
    assert flat(UNIT) in whole
    for clause in CLAUSES:
        assert clause in text, f"clause {clause} missing from the {kind}"
    title = {"record": "现场核查记录", "sheet": "考核评分表", "summary": "考核结果汇总表"}[kind]
    assert title in whole
    assert f"共{len(pages)}页" in whole and f"第{len(pages)}页" in whole  # the footer, on every page
    for page in range(1, len(pages) + 1):
        page_text = flat(text_of(out, page))
        assert f"第{page}页共{len(pages)}页" in page_text and "2022年度" in page_text and "生成时间" in page_text
        assert RULES.sha256[:12] in page_text  # the rule set's short hash in every footer
    if kind == "sheet":
        assert format_number(result.unit(UNIT).total, 2) in text
        assert "第1版（草稿，未签名）" in whole
    if kind == "summary":
        for unit in result.units:
            assert format_number(unit.total, 2) in text
    # Chinese is embedded as a subset; no font is left to the viewer.
    fonts = fonts_of(out)
    assert fonts and all(row[-5] == "yes" and row[-4] == "yes" for row in fonts), fonts


def test_export_failures_are_one_line_and_non_zero(demo, tmp_path):
    for args in (["sheet", "--unit", "没有这家公司"], ["record"], ["sheet", "--unit", UNIT, "--sign", str(tmp_path / "none.p12")]):
        done = run("export-pdf", *args, "--dataset", str(demo), "--out", str(tmp_path / "x.pdf"),
                   env={"LEYE_SIGN_PASSWORD": "x"})
        assert done.returncode == 2, done
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    done = run("export-pdf", "sheet", "--dataset", str(tmp_path / "missing.sqlite"), "--unit", UNIT,
               "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


# ------------------------------------------------------------------ long tables and long names

LONG = "苏州市吴江区汾湖高新技术产业开发区第{:02d}号人力资源服务外包有限责任公司"


def long_year_dataset(folder: Path, units: int = 70) -> Path:
    year, _ = load_year(DEMO, RULES)
    demo_units = year.units
    built = tuple(dataclasses.replace(demo_units[i % len(demo_units)], name=LONG.format(i),
                                      credit_code=credit_code(f"long{i}"), contact_person="欧阳")
                  for i in range(units))
    year = dataclasses.replace(year, units=built, grade_promotions=())
    path = folder / "long-2022.sqlite"
    assert create_file(path, RULES, "张三", "考核组长", year) == []
    return path


def words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                         capture_output=True, text=True, encoding="utf-8").stdout
    return [(float(a), float(b), w) for a, b, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)]


def test_long_tables_split_with_the_header_repeated_and_long_names_wrap(tmp_path):
    path = long_year_dataset(tmp_path)
    out = tmp_path / "long-summary.pdf"
    with Dataset.open(path, read_only=True) as ds:
        done, problems = Exporter(ds).summary()
    assert not problems
    out.write_bytes(done.pdf)
    pages = render_pages(out, "test-long-summary")
    assert len(pages) >= 3 and all(ink(png) > 0.005 for png in pages)
    for page in (1, 2):  # the ranking table runs over the first pages; its header row is on each
        found = words(out, page)
        header = [w for w in found if w[2] in ("1.1", "4.3", "排名", "总分")]
        assert {w[2] for w in header} == {"1.1", "4.3", "排名", "总分"}, (page, header)
        # Long names wrap inside their column: every fragment ends left of the 1.1 column.
        column_end = min(x0 for x0, _, w in found if w == "1.1")
        fragments = [w for w in found if "汾湖" in w[2] or "有限责任公司" in w[2] or "服务外包" in w[2]]
        assert fragments
        assert all(x1 <= column_end + 0.5 for _, x1, _ in fragments), fragments
    text = flat(text_of(out))
    for i in range(70):
        assert flat(LONG.format(i)) in text or f"第{i:02d}号" in text

    with Dataset.open(path, read_only=True) as ds:
        done, problems = Exporter(ds).sheet(LONG.format(3))
    out = tmp_path / "long-sheet.pdf"
    out.write_bytes(done.pdf)
    pages = render_pages(out, "test-long-sheet")
    assert all(ink(png) > 0.005 for png in pages)
    width = 595.27
    for page in range(1, len(pages) + 1):
        assert all(x1 <= width - 40 for _, x1, _ in words(out, page)), "text runs into the right margin"


def test_a_record_lists_evidence_states_notes_and_attachments(demo, tmp_path):
    path = demo_dataset(tmp_path, "notes.sqlite")
    with Dataset.open(path) as ds:
        unit_id = ds.unit_id(UNIT)
        assert ds.tick_evidence(1, unit_id, "4.3", "bases_clear", False, note="基地台账缺3月").ok
        data = b"scan of the agreement"
        assert ds.add_attachment(1, data, "基地协议扫描件.pdf", unit_id=unit_id, clause_id="1.1",
                                 description="太和基地协议").ok
    out = tmp_path / "record.pdf"
    done = run("export-pdf", "record", "--dataset", str(path), "--unit", UNIT, "--out", str(out),
               "--date", "2023-01-06", "--place", "吴江区人社局三楼会议室", "--representative", "张丽娟")
    assert done.returncode == 0, done.stderr
    text = flat(text_of(out))
    import hashlib
    digest = hashlib.sha256(data).hexdigest()
    assert "未查验" in text and "基地台账缺3月" in text
    assert "基地协议扫描件.pdf" in text and digest[:32] in text and digest[32:] in text
    assert "2023-01-06" in text and "吴江区人社局三楼会议室" in text and "张丽娟" in text
    render_pages(out, "test-record-notes")


def test_a_score_sheet_asks_for_more_insured_than_arrivals_to_be_checked(tmp_path):
    """4.2 keeps its 3 points for 5,000 insured against the unit's confirmed arrivals, and the sheet to be
    signed says beside them that the figure is to be checked."""
    path = demo_dataset(tmp_path, "insured.sqlite")
    with Dataset.open(path) as ds:
        assert ds.set_insured_workers(1, ds.unit_id(UNIT), 5000).ok
    out = tmp_path / "sheet.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", UNIT, "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = flat(text_of(out))
    assert re.search(r"请核对：投保人数5000人多于确认的进吴务工人员\d+人", text), text
    render_pages(out, "test-sheet-more-insured")


def test_a_score_sheet_says_how_many_trainees_and_interns_of_a_school_base_count(tmp_path):
    """平望运河's school base waits for the district traineeship list; its 7 trainees typed apart, the sheet counts
    the 5 interns and says the trainees wait."""
    path = demo_dataset(tmp_path, "interns.sqlite")
    unit = "吴江平望运河人才服务有限公司"
    with Dataset.open(path) as ds:
        uid = ds.unit_id(unit)
        school = next(bid for bid, b in zip(ds.base_ids(uid), ds.unit(uid).bases, strict=True) if b.type == "school")
        assert ds.update_base(1, school, trainees=7).ok
    out = tmp_path / "sheet.pdf"
    done = run("export-pdf", "sheet", "--dataset", str(path), "--unit", unit, "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = flat(text_of(out))
    assert "确认进吴参保100人+见习（实习）5人（见习0人、实习5人）=105人" in text  # the interns
    assert "政校合作基地的见习7人未确认：缺少与区人资中心核准的全区就业见习名单核对一致" in text
    render_pages(out, "test-sheet-interns")
