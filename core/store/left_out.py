"""The rows an import of only the rows without problems left out, read back from the import's audit row, where
core.excel.partial.left_out_audit wrote them: which sheet and row, which column, and the problem (ID numbers
masked)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.common.identifiers import mask_id_like
from core.common.messages import Msg
from core.common.problems import place_words


@dataclass(frozen=True)
class LeftOutProblem:
    """One problem of a row left out: the sheet, the Excel row, the column's header as the file wrote it ("" for
    the row as a whole) and the problem in words, ID numbers masked."""
    sheet: str
    row: int
    field: str
    text: str

    @property
    def place(self) -> str:
        """花名册 第 5 行“身份证号码” (or 花名册 第 5 行)."""
        return place_words(f"{self.sheet}!{self.row}", self.field) or self.sheet

    def words(self) -> Msg:
        """The problem as one line of the trail's words: 花名册 第 5 行“身份证号码”：身份证号码校验位错误：…"""
        return Msg.of("auditlog.left_out_problem", place=self.place, problem=self.text)


@dataclass(frozen=True)
class LeftOut:
    """The rows one import left out: how many, and each one's problems in file order."""
    rows: int
    problems: tuple[LeftOutProblem, ...]


def left_out_of(summary: Mapping[str, Any]) -> LeftOut | None:
    """What an import's summary audit row says it left out; None when it left out nothing."""
    count = summary.get("left_out_rows")
    listed = summary.get("left_out")
    if not isinstance(count, int) or count <= 0:
        return None
    problems = []
    for row in listed if isinstance(listed, list) else ():
        if not isinstance(row, Mapping):
            continue
        sheet, number = str(row.get("sheet", "")), row.get("row")
        for p in row.get("problems") or ():
            if isinstance(p, Mapping) and isinstance(number, int):
                problems.append(LeftOutProblem(sheet, number, str(p.get("field") or ""),
                                               mask_id_like(str(p.get("text") or ""))))
    return LeftOut(count, tuple(problems))
