"""Each unit's results across the year files the program knows, read where they are now.

The year a file was continued from is looked for where it was, and — when it is not there, or
another file stands there — among the year files the program knows (the recent files), by its
audit head: the file whose trail still holds the row the new year recorded is that year's file,
edited further or not. From there the chain goes on back through each year's own origin. Other
known year files holding the unit add their years. A file that is missing, moved, replaced or
cannot be read is said in one sentence (a Msg), never raised.

Reading a year file takes a private copy and scores it (milliseconds for a usual year); the results
are kept while the file stays as it was.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from core.common.messages import Msg, format_number
from core.scoring.engine import score_year
from core.scoring.report import e_settled_note
from core.store.dataset import Dataset
from core.store.files import DatasetError
from core.years.continuation import Origin, origin_of
from core.years.standing import FINAL, NOT_STARTED, standing

MAX_CHAIN = 50  # years back through the origins (a loop of files stops at the first repeat anyway)


@dataclass(frozen=True)
class UnitRecord:
    """A unit's result in one year."""
    name: str
    credit_code: str
    total: Fraction
    grade: str
    status: str
    rank: int
    stage: str = FINAL  # how far the unit's assessment had got (core/years/standing.py)
    provisional: bool = False  # its total, status and grade could still change
    e_settled: bool = False  # provisional, but its E cannot change: final and 不合格 whatever the others do

    @property
    def grade_provisional(self) -> bool:
        """Could its grade still change?"""
        return self.provisional and not self.e_settled


@dataclass(frozen=True)
class YearFile:
    """A year file's results as read now, by credit code, and what names it: its first and last audit rows."""
    path: Path
    year: int
    title: str
    assessed: int  # units assessed that year
    records: Mapping[str, UnitRecord]
    origin: Origin | None
    trail: tuple[str, ...]  # the audit rows' hashes in order

    @property
    def lineage(self) -> tuple[int, str]:
        """(year, the first audit row's hash): the same for a file and its copies and backups, edited or not."""
        return self.year, self.trail[0] if self.trail else ""

    def continues(self, origin: Origin) -> bool:
        """Is this the file `origin` recorded — its trail still holding the head it had then?"""
        return (self.year == origin.year and 0 < origin.audit_seq <= len(self.trail)
                and self.trail[origin.audit_seq - 1] == origin.audit_hash)


@dataclass(frozen=True)
class Found:
    """The year a file came from, as found now: its file, or None; and what to say about it."""
    origin: Origin
    file: YearFile | None
    notice: Msg | None


@dataclass(frozen=True)
class History:
    """A unit's results in the other years (newest first, one file a year: the file this year was continued
    from for its year, else the first known), the files of the same years in other places, and what could
    not be read."""
    entries: tuple[tuple[YearFile, UnitRecord], ...]
    notices: tuple[Msg, ...]
    continued_from: Path | None = None  # the file the open year was continued from, when found
    elsewhere: Mapping[int, tuple[tuple[YearFile, UnitRecord], ...]] = field(default_factory=dict)  # by year


@dataclass(frozen=True)
class YearsContext:
    """An open year among the year files: its file, the file it was continued from, its own lineage."""
    path: Path
    origin: Origin | None
    lineage: tuple[int, str]

    def history(self, credit_code: str, known: Sequence[Path]) -> History:
        return unit_history(credit_code, self.path, self.origin, self.others(known), self.lineage)

    def previous(self, known: Sequence[Path]) -> Found | None:
        return None if self.origin is None else find_origin(self.origin, self.others(known))

    def others(self, known: Sequence[Path]) -> list[Path]:
        """The known files but this year's own (it is open here: it is read from its session, not again)."""
        own = self.path.resolve()
        return [p for p in map(Path, known) if p.resolve() != own]


_lock = threading.Lock()
_cache: dict[Path, tuple[tuple, YearFile]] = {}


def _state(path: Path) -> tuple:
    parts: list[tuple[int, int, int] | None] = []
    for file in (path, Path(f"{path}-wal")):
        try:
            st = os.stat(file)
            parts.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            parts.append(None)
    return tuple(parts)


def read_year_file(path: Path) -> YearFile:
    """A year file's results (kept while the file stays as it was). Raises DatasetError when it cannot be read."""
    path = Path(path).resolve()
    state = _state(path)
    with _lock:
        kept = _cache.get(path)
    if kept is not None and kept[0] == state:
        return kept[1]
    with Dataset.open(path, read_only=True) as ds:
        rules = ds.rule_set()
        year = ds.year()
        origin = origin_of(ds)
        trail = tuple(row[0] for row in ds._conn.execute("SELECT hash FROM audit ORDER BY seq"))
        noted = ds.noted_unit_names()
    result = score_year(rules, year)
    units = {unit.name: unit for unit in year.units}
    records = {}
    for u in result.units:
        unit = units[u.name]
        known = standing(rules, unit, u, u.name in noted)
        records[unit.credit_code] = UnitRecord(u.name, unit.credit_code, u.total, u.grade, u.status, u.rank,
                                               known.stage, known.provisional, known.e_settled)
    found = YearFile(path, year.year, rules.title, len(result.units), records, origin, trail)
    with _lock:
        _cache[path] = (state, found)
    return found


def _readable(paths: Iterable[Path]) -> Iterable[YearFile]:
    seen: set[Path] = set()
    for path in paths:
        try:
            resolved = Path(path).resolve()
            if resolved in seen or not resolved.is_file():
                continue
            seen.add(resolved)
            yield read_year_file(resolved)
        except (DatasetError, OSError):
            continue


def find_origin(origin: Origin, known: Sequence[Path]) -> Found:
    """The file `origin` names: where it was, else among the known files (then it moved)."""
    recorded = Path(origin.path)
    problem = None
    if recorded.is_file():
        try:
            file = read_year_file(recorded)
        except DatasetError as exc:
            problem = Msg.of("years.origin_unreadable", year=origin.year, path=origin.path, problem=exc.msg)
        else:
            if file.continues(origin):
                return Found(origin, file, None)
            problem = Msg.of("years.origin_replaced", year=origin.year, path=origin.path)
    for file in _readable(p for p in known if Path(p).resolve() != recorded.resolve()):
        if file.continues(origin):
            return Found(origin, file, Msg.of("years.origin_moved", year=origin.year, old=origin.path,
                                              new=str(file.path)))
    return Found(origin, None, problem or Msg.of("years.origin_missing", year=origin.year, path=origin.path))


def origins(origin: Origin | None, known: Sequence[Path]) -> tuple[list[YearFile], list[Msg]]:
    """The chain of years back from `origin`: each year's file found, and what could not be found."""
    files: list[YearFile] = []
    notices: list[Msg] = []
    seen: set[Path] = set()
    while origin is not None and len(files) < MAX_CHAIN:
        found = find_origin(origin, known)
        if found.notice is not None:
            notices.append(found.notice)
        if found.file is None or found.file.path in seen:
            break
        files.append(found.file)
        seen.add(found.file.path)
        origin = found.file.origin
    return files, notices


def unit_history(credit_code: str, current: Path, origin: Origin | None, known: Sequence[Path],
                 lineage: tuple[int, str] | None = None) -> History:
    """The unit's results in the years before `current` (the chain of origins) and in the known year files
    of other years holding it; copies of one year's file count once, the chain's first. `lineage`: the
    current year's own (year, first audit hash), so that its copies and other files of its year are left out."""
    chain, notices = origins(origin, known)
    current = Path(current).resolve()
    lineages = {f.lineage for f in chain} | ({lineage} if lineage else set())
    others = []
    this_year = lineage[0] if lineage else None
    for file in _readable(p for p in known if Path(p).resolve() != current):
        if file.lineage not in lineages and file.year != this_year:  # another file of this year is no history
            lineages.add(file.lineage)
            others.append(file)
    # one file a year: the chain's, else the first known (the most recently opened); the others of that
    # year are files of the same year made elsewhere, not years of their own
    shown: dict[int, tuple[YearFile, UnitRecord]] = {}
    elsewhere: dict[int, list[tuple[YearFile, UnitRecord]]] = {}
    for file in (*chain, *others):
        if credit_code not in file.records:
            continue
        if file.year in shown:
            elsewhere.setdefault(file.year, []).append((file, file.records[credit_code]))
        else:
            shown[file.year] = (file, file.records[credit_code])
    entries = sorted(shown.values(), key=lambda entry: -entry[0].year)
    return History(tuple(entries), tuple(notices), chain[0].path if chain else None,
                   {year: tuple(files) for year, files in elsewhere.items()})


def history_entry(file: YearFile, record: UnitRecord, where: str | None = None) -> Msg:
    """One year of a unit's history: the year, then its result (history_result)."""
    return Msg.of("years.history_entry", year=file.year, result=history_result(file, record, where))


def history_result(file: YearFile, record: UnitRecord, where: str | None = None) -> Msg:
    """A unit's result in a year file: its grade and total, marked 暂定 while they may change; none before its
    assessment started. `where`: how the file is named (its name unless told: a full path tells it apart)."""
    where = file.path.name if where is None else where
    if record.stage == NOT_STARTED:
        return Msg.of("years.history_result_not_started", file=where)
    params = {"grade": record.grade, "total": format_number(record.total), "status": Msg.of(f"status.{record.status}"),
              "rank": record.rank, "count": file.assessed, "file": where}
    if not record.provisional:
        return Msg.of("years.history_result", **params)
    if record.e_settled:
        return Msg.of("years.history_result_e_settled", **params)
    stage = Msg.of("standing.others_open" if record.stage == FINAL else f"standing.{record.stage}")
    return Msg.of("years.history_result_provisional", stage=stage, **params)


def previous_result(record: UnitRecord | None, *, total: bool = True) -> Msg:
    """A unit's grade (with its total unless told not to) in the year before, as the year's table and `score`
    show it: none for a unit that year did not have, 未开始考核 before its assessment started, and marked 暂定
    while it may still change for any reason, as its history says — but an E that cannot change (a final unit
    不合格 whatever the others do) is plain, its total still 暂定."""
    if record is None:
        return Msg.of("years.previous_none")
    if record.stage == NOT_STARTED:
        return Msg.of("standing.not_started")
    if not total:
        return Msg.of("years.previous_grade_provisional" if record.grade_provisional else "years.previous_grade",
                      grade=record.grade)
    code = ("years.previous_value_e_settled" if record.e_settled else
            "years.previous_value_provisional" if record.provisional else "years.previous_value")
    return Msg.of(code, grade=record.grade, total=format_number(record.total))


def previous_grade_note(record: UnitRecord | None) -> Msg | None:
    """Why the year before's grade is marked 暂定, or why it is not though that year's results are; None when
    there is nothing to say (no grade, or a final one)."""
    if record is None or record.stage == NOT_STARTED or not record.provisional:
        return None
    if record.e_settled:
        return Msg.of("years.previous_e_settled", settled=e_settled_note(record.status))
    return Msg.of("years.previous_grade_why", stage=Msg.of(
        "standing.others_open" if record.stage == FINAL else f"standing.{record.stage}"))


def history_lines(history: History) -> list[Msg]:
    """The unit's history as lines: each year once, the year this one was continued from said so, the files of
    the same year in other places under it with their folders (all of that year's files then named by path)."""
    lines = []
    for file, record in history.entries:
        others = history.elsewhere.get(file.year, ())
        entry = history_entry(file, record, str(file.path) if others else None)
        lines.append(Msg.of("years.history_continued_from", entry=entry) if file.path == history.continued_from
                     else entry)
        if others:
            lines.append(Msg.of("years.history_elsewhere", year=file.year, count=len(others)))
            lines += [Msg.of("years.history_elsewhere_entry", entry=history_result(f, r, str(f.path)))
                      for f, r in others]
    return lines + list(history.notices)


def first_audit_hash(ds: Dataset) -> str:
    row = ds._conn.execute("SELECT hash FROM audit WHERE seq = 1").fetchone()
    return "" if row is None else row[0]
