"""Several PDF documents in one run, each written atomically, for work that must not use the dataset's
own connection while it renders (the desktop's export worker runs in another thread).

    requests = [Request("sheet", "苏州…有限公司", Path("out/苏州…有限公司-考核评分表.pdf")), …]
    outcome = export_batch(requests, copy=ds.scratch_copy, signer=signer, assessor="张三",
                           record_signed=apply_to_the_real_dataset, progress=…, cancelled=…)

Documents are built from scratch copies of the dataset (core.store.dataset.Dataset.scratch_copy): one copy
serves every unsigned document; each signed document gets a fresh copy, so it shows the dataset as
the documents signed before it left it (their units finalized, the audit head after them). The score
sheet of a unit a signed sheet locked already is not signed again: it is written as an unsigned copy of
that version (core/pdf/export.py), so signing a whole year twice adds no versions. A signed
document is written first and then `record_signed` applies it to the real dataset (a score sheet
finalizes and locks its unit); if that is refused, the file is removed again. `cancelled()` is asked
before each document: a run stops between documents, never inside one (a file is written under a
temporary name and renamed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from core.common import os_errors
from core.common.atomic import write_atomically
from core.common.messages import Msg
from core.common.problems import Problem
from core.pdf.export import Exported, Exporter
from core.pdf.fonts import Fonts
from core.pdf.sheets import Visit
from core.pdf.signing import KeySigner, SigningError
from core.store.dataset import Dataset
from core.store.files import DatasetError


@dataclass(frozen=True)
class Request:
    kind: str  # record | sheet | summary
    unit: str | None  # the unit's name; None for the summary
    target: Path


@dataclass(frozen=True)
class Written:
    request: Request
    exported: Exported


@dataclass
class Outcome:
    written: list[Written] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cancelled: bool = False


def _problem(target: Path, code: str, **params) -> Problem:
    return Problem(target.name, "", "", Msg.of(code, **params))


def export_batch(requests: Sequence[Request], *, copy: Callable[[], Dataset], signer: KeySigner | None = None,
                 assessor: str | None = None, visit: Visit | None = None,
                 record_signed: Callable[[Exported], list[Problem]] | None = None,
                 progress: Callable[[int, int, str], None] | None = None,
                 cancelled: Callable[[], bool] = lambda: False,
                 written: Callable[[Written], None] | None = None) -> Outcome:
    """Export `requests` in order; stops at the first problem or when cancelled (see the module's text)."""
    outcome = Outcome()
    fonts: Fonts | None = None
    shared: Dataset | None = None
    total = len(requests)
    try:
        for index, request in enumerate(requests):
            if cancelled():
                outcome.cancelled = True
                break
            if progress is not None:
                progress(index, total, request.unit or "")
            if signer is not None or shared is None:
                if shared is not None:
                    shared.close()
                shared = copy()
            exporter = Exporter(shared, fonts=fonts)
            try:
                done, problems = exporter.export(request.kind, request.unit, assessor=assessor, visit=visit,
                                                 signer=signer)
            except (DatasetError, SigningError) as exc:
                done, problems = None, [Problem(request.target.name, "", "", exc.msg)]
            if problems or done is None:
                outcome.problems += problems
                break
            fonts = exporter.fonts()[0]
            try:
                write_atomically(request.target, done.pdf)
            except OSError as exc:
                outcome.problems.append(_problem(request.target, "pdf.write_failed", file=str(request.target),
                                                 detail=os_errors.reason(exc)))
                break
            if done.signed and record_signed is not None:
                refused = record_signed(done)
                if refused:
                    request.target.unlink(missing_ok=True)
                    outcome.problems += refused
                    break
            item = Written(request, done)
            outcome.written.append(item)
            if written is not None:
                written(item)
        else:
            if progress is not None:
                progress(total, total, "")
    finally:
        if shared is not None:
            shared.close()
    return outcome
