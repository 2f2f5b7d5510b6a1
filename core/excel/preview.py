"""The check of a workbook before it is imported: read it, find its columns (a mapping given, or one
remembered for the same layout), apply the cells the assessor corrected, check every row, and list the
problems and the rows a partial import would leave out. Nothing is written: the result is a Preview
that any face shows (the desktop runs this in a worker)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from core.common.messages import Msg, render
from core.excel.check import CheckResult, check_read, read_and_check
from core.excel.layout import SheetLayout
from core.excel.mapping import MappingQuestion, mapping_question, question_for
from core.excel.partial import (
    Correction,
    LeftOutRow,
    LeftOutSheet,
    corrected,
    file_changed_problem,
    left_out_rows,
    partial_refusal,
    rows_left_out,
)
from core.excel.problems import ProblemRow, problem_rows
from core.excel.read import read_workbook
from core.excel.readers import ReadCancelled
from core.people.tables import file_sha256


class Job(Protocol):
    """What runs the check: told the progress, asked whether to stop."""
    @property
    def cancelled(self) -> bool: ...

    def progress(self, done: int, total: int, text: str = "") -> Any: ...


@dataclass
class Preview:
    path: Path
    kind: str
    unit_id: int | None
    sha256: str | None  # of the bytes checked; None when the file could not be read
    layouts: tuple[SheetLayout, ...]  # the sheets recognised (their cells are not kept: a big file is big)
    checked: CheckResult
    problems: list[ProblemRow]
    mapping: dict[str, Any] | None  # the column mapping used, if any
    remembered: bool  # that mapping was remembered from an earlier import of the same layout
    question: MappingQuestion | None  # the layout needs a mapping: what to ask
    remap: MappingQuestion | None  # for 修改列对应 on a recognised layout
    seconds: float
    corrections: tuple[Correction, ...] = ()  # the cells corrected before this check
    left_out_sheets: tuple[LeftOutSheet, ...] = ()  # the rows with problems as the file holds them
    left_out: tuple[LeftOutRow, ...] = ()
    partly_importable: bool = False  # some rows have problems, the others can be imported alone
    rows_left_out: int = 0  # the rows a partial import leaves out

    @property
    def importable(self) -> bool:
        return self.checked.ok and self.sha256 is not None and bool(self.checked.records)

    @property
    def corrections_lost(self) -> bool:
        """The file changed after the check the corrections were typed for."""
        return any(p.message.code == "excel.file_changed" for p in self.checked.problems)


def check_workbook(job: Job, path: Path, kind: str, unit_id: int | None, rules, mapping: dict | None,
                   remembered: Mapping[str, dict], corrections: tuple[Correction, ...] = (),
                   checked_sha256: str | None = None) -> Preview | None:
    """Read and check a workbook (no dataset involved), with the cells the assessor corrected; None
    when cancelled. Cancel is honoured between the steps (reading, checking, listing the problems) and,
    while reading, between sheets and pieces of a large sheet.
    checked_sha256: the file checked before (the corrections were typed for those bytes)."""
    started = time.perf_counter()
    reading = render(Msg.of("excel.progress_reading"))
    job.progress(0, 3, reading)

    def read_so_far(done: int, total: int) -> None:  # reading is the first of three steps
        job.progress(done, 3 * total, reading)
    sha256 = file_sha256(path)  # before reading: the bytes checked are the bytes recorded
    if checked_sha256 is not None and sha256 != checked_sha256:
        changed = CheckResult(path.name, kind, (), (file_changed_problem(path.name),), (), 0, 0)
        return Preview(path, kind, unit_id, sha256, (), changed, problem_rows(changed), mapping, False, None, None,
                       time.perf_counter() - started)
    early: CheckResult | None = None  # each sheet checked as soon as it is read, when nothing was corrected
    try:
        if corrections:
            read = read_workbook(path, kind, mapping=mapping, cancelled=lambda: job.cancelled, progress=read_so_far)
        else:
            read, early = read_and_check(path, kind, rules, mapping=mapping, cancelled=lambda: job.cancelled,
                                         progress=read_so_far)
    except ReadCancelled:
        return None
    if job.cancelled:
        return None
    question = mapping_question(path, read) if read.needs_mapping else None
    used_remembered = False
    if question is not None and not mapping and question.key in remembered:
        try:
            again = read_workbook(path, kind, mapping=remembered[question.key], cancelled=lambda: job.cancelled)
        except ReadCancelled:
            return None
        if not again.needs_mapping:
            read, mapping, question, used_remembered = again, dict(remembered[question.key]), None, True
            early = None
    if job.cancelled:
        return None
    job.progress(1, 3, render(Msg.of("excel.progress_checking")))
    fixed = corrected(read, corrections)
    checked = early if early is not None and fixed is read else check_read(fixed, rules)
    if job.cancelled:
        return None
    job.progress(2, 3, render(Msg.of("excel.progress_listing")))
    problems = problem_rows(checked, fixed)
    as_read = check_read(read, rules) if fixed is not read and checked.problems else None
    sheets, left_out = left_out_rows(checked, read, as_read)  # as the unit's file holds them
    remap = question_for(read.tables[0].layout, read.tables[0].grid, kind) if read.tables else None
    return Preview(path, kind, unit_id, sha256, tuple(t.layout for t in read.tables), checked, problems, mapping,
                   used_remembered, question, remap, time.perf_counter() - started, tuple(corrections), sheets,
                   left_out, bool(checked.problems) and sha256 is not None and not partial_refusal(checked),
                   len(rows_left_out(checked)))
