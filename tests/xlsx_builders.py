"""Builders of real .xlsx (written with openpyxl) and .ods files for the Excel tests and the Excel benchmark.

    from tests.xlsx_builders import valid_id, write_workbook, arrivals_rows, generate_roster
"""

from __future__ import annotations

import datetime as dt
import html
import random
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import openpyxl

from core.common.dates import months_between
from core.common.identifiers import id_check_char

REGIONS = ("520601", "530602", "411602", "341202", "511602", "621102", "360702", "320509")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
EMPLOYERS = ("吴江精密电子有限公司", "盛泽纺织科技有限公司", "汾湖智能制造有限公司", "震泽丝绸有限公司",
             "松陵光电有限公司", "黎里新材料有限公司")
LABOUR_BASES = ("铜仁劳务基地", "昭通劳务基地", "周口劳务基地")
SCHOOL_BASES = ("铜仁职业技术学院", "周口职业技术学院")

ARRIVAL_HEADERS = ("序号", "姓名", "性别", "身份证号码", "劳务基地", "用工单位", "入职日期", "首次参保日期", "参保月数",
                   "联系电话")
MONTHLY_HEADERS = ("序号", "姓名", "身份证号码", "用工单位", "劳务基地", "入职日期", "联系电话")


def valid_id(n: int, birth: dt.date = dt.date(1995, 5, 17), region: str = "320509") -> str:
    """A valid 18-digit ID number, distinct for each n below 1000 per birth date and region."""
    body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return body + id_check_char(body)


def person_id(i: int) -> str:
    """A valid, distinct ID number for person i (i < 1,000 × 365 × 8 × 30)."""
    day = dt.date(1975, 1, 1) + dt.timedelta(days=(i // 1000) % 10950)
    region = REGIONS[(i // (1000 * 10950)) % len(REGIONS)]
    return valid_id(i, day, region)


def person_name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 131) % len(GIVEN)]


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *, title: str | None = None,
                   title_rows: int = 0, merge_title: bool = True) -> Path:
    """A workbook with the given sheets (rows from row 1, or below `title_rows` rows whose first
    holds `title`, merged across the width of the table)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        width = max((len(r) for r in rows), default=1)
        if title_rows:
            ws.cell(row=1, column=1, value=title)
            if merge_title and width > 1:
                ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        for r, row in enumerate(rows, start=title_rows + 1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def arrivals_rows(people: Iterable[dict], headers: Sequence[str] = ARRIVAL_HEADERS) -> list[list]:
    """Header plus one row per person dict (keys: the header texts; 序号 filled in)."""
    rows = [list(headers)]
    for i, person in enumerate(people, start=1):
        rows.append([i if h == "序号" else person.get(h, "") for h in headers])
    return rows


YEAR_END = dt.date(2022, 12, 31)


def arrival(i: int, **overrides: Any) -> dict:
    """A person of an arrivals roster, valid for the 2022 rule set: its 参保月数 are at most the months its first
    insured day leaves to the year's end."""
    day = dt.date(2022, 1 + i % 12, 1 + i % 28)
    person = {"姓名": person_name(i), "性别": "男" if i % 2 else "女", "身份证号码": person_id(i),
              "劳务基地": LABOUR_BASES[i % len(LABOUR_BASES)], "用工单位": EMPLOYERS[i % len(EMPLOYERS)],
              "入职日期": day, "首次参保日期": day,
              "参保月数": min(6 + i % 7, months_between(day, YEAR_END)), "联系电话": f"139{i:08d}"}
    person.update(overrides)
    return person


# ------------------------------------------------------------------ large files (write-only mode)

def started(i: int, year: int = 2022) -> dt.date:
    """Person i's 入职日期 and 首次参保日期 in the large generated files: a day of the year, the same in the roster and
    in the monthly reports (as a unit's files agree, each person's months reported from then on)."""
    return dt.date(year, 1, 1) + dt.timedelta(days=(i * 7919) % 365)


def generate_roster(path: Path, n: int, *, seed: int = 1, first: int = 0) -> Path:
    """An arrivals roster of n people (persons first … first + n - 1) under a merged title, as a
    unit hands it in: dates as date cells, ID numbers as text."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["“乐业吴江”就业协作联盟组织进吴人员花名册"])
    ws.append(["运营单位（盖章）：吴江人力资源服务有限公司", None, None, None, None, "年度：2022"])
    ws.append(list(ARRIVAL_HEADERS))
    for k in range(n):
        i = first + k
        day = started(i)
        months = min(rng.randrange(1, 13), months_between(day, YEAR_END))  # no more than the year allows
        ws.append([k + 1, person_name(i), "男" if i % 2 else "女", person_id(i), LABOUR_BASES[i % 3],
                   EMPLOYERS[i % len(EMPLOYERS)], day, day, months, f"139{i:08d}"])
    wb.save(path)
    return path


def generate_monthly(path: Path, n: int, *, seed: int = 2, first: int = 0, year: int = 2022) -> Path:
    """Monthly delivery reports of n people spread over one sheet per month ("2022年3月")."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    per_month: dict[int, list[int]] = {m: [] for m in range(1, 13)}
    for k in range(n):
        i = first + k
        start = started(i, year).month  # reported in a month of their work, as generate_roster's roster has it
        per_month[start + rng.randrange(13 - start)].append(i)
    for month, people in per_month.items():
        ws = wb.create_sheet(f"{year}年{month}月")
        ws.append(list(MONTHLY_HEADERS))
        for k, i in enumerate(people):
            ws.append([k + 1, person_name(i), person_id(i), EMPLOYERS[i % len(EMPLOYERS)], LABOUR_BASES[i % 3],
                       started(i, year), f"139{i:08d}"])
    wb.save(path)
    return path


def cached_roster(n: int, *, seed: int = 1) -> Path:
    """generate_roster's n-person roster, written once per machine into the temp directory (openpyxl
    needs about half a minute per 100,000 rows) and reused by later runs."""
    import os
    import tempfile
    path = Path(tempfile.gettempdir()) / f"leye-test-roster-v3-{n}-{seed}.xlsx"
    if not path.exists():
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        generate_roster(part, n, seed=seed)
        os.replace(part, path)  # whole or not at all, also with two test runs at once
    return path



def with_shared_strings(source: Path, target: Path) -> Path:
    """A copy of the workbook openpyxl wrote at `source` (each text inside its cell, its characters as
    numeric references) with its texts in one shared-strings table in UTF-8, each cell naming its entry,
    as Excel and WPS save a workbook. The cells are the same."""
    table: dict[str, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        index = table.setdefault(html.unescape(match[3].decode("utf-8")), len(table))
        return b'<c %st="s"%s><v>%d</v></c>' % (match[1], match[2], index)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t[^>]*>(.*?)</t></is></c>', shared, data)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" '
                                    b'Id="rIdStrings"/></Relationships>')
            new.writestr(info.filename, data)
        new.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     + "".join(f"<si><t>{xml_escape(text)}</t></si>" for text in table) + "</sst>")
    return target
