"""Which field copy a document (a score sheet) was made from, when its audit head is not one of the year
file's: told by the copy's mark the document carries (core/pdf/anchors.py), else by the year's trail of its
merges, which names each merged copy's mark, its head when merged and the copy rows it took."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.common.messages import Msg
from core.store import replay_edit
from core.store.dataset import Dataset
from core.teamwork.facts import MERGE, MERGED
from core.teamwork.field_copy import local_time

# A document made in a field copy carries, beside its audit head, this word and the copy's mark as JSON
# (in its keywords, inside the bytes a signature covers: core/pdf/layout.py writes, core/pdf/anchors.py reads).
COPY_KEYWORD = "leye-field-copy"

@dataclass(frozen=True)
class CarriedCopy:
    """The field copy's mark as a document made in it carries it: the mark row's hash, the copy's file name
    and the assessor it was handed to."""
    mark: str
    file_name: str
    assessor: str


@dataclass(frozen=True)
class CopyOrigin:
    """A field copy a document came from: its file name, its assessor, and when it was merged here ('' not)."""
    file_name: str
    assessor: str
    merged_at: str = ""

    def message(self, document: str, year_file: str) -> Msg:
        """The one sentence: made from this copy, so not to be checked against the year's trail."""
        if self.merged_at:
            return Msg.of("audit.against_field_copy_merged", file=document, copy=self.file_name,
                          assessor=self.assessor, merged=self.merged_at, year=year_file)
        return Msg.of("audit.against_field_copy", file=document, copy=self.file_name, assessor=self.assessor,
                      year=year_file)


def document_trail(ds: Dataset, seq: int, digest: str, carried: CarriedCopy | None = None,
                   document: str = "") -> tuple[bool | None, Msg]:
    """Does the year's trail hold the head (seq, digest) a document (named `document`) was made at? (yes or no, the
    sentence saying so); None: the document was made in a field copy (`carried`: the mark it carries), whose trail
    is not the year's. What the desktop's verify card and `verify --dataset` say alike."""
    made_in = copy_origin(ds, seq, digest, carried)
    if made_in is not None:
        return None, made_in.message(document, Path(ds.path).name)
    return ds.anchor_verdict(seq, digest)


def copy_origin(ds: Dataset, seq: int, digest: str, carried: CarriedCopy | None = None) -> CopyOrigin | None:
    """The field copy a document made at audit head (seq, digest) came from, or None: the year's own trail
    holds that head, or nothing tells the head as a field copy's."""
    conn = replay_edit.connection(ds)
    if conn.execute("SELECT 1 FROM audit WHERE seq = ? AND hash = ?", (seq, digest)).fetchone() is not None:
        return None  # the year's own head: checked against the trail as any document of the year
    merges = [(json.loads(value or "{}"), at) for value, at in conn.execute(
        "SELECT new_value, at FROM audit WHERE table_name = 'meta' AND action = ? ORDER BY seq", (MERGE,))]
    if carried is not None:
        merged = [at for data, at in merges if data.get("mark") == carried.mark]
        return CopyOrigin(carried.file_name, carried.assessor, local_time(merged[-1]) if merged else "")
    for data, at in merges:  # a document of before its copy's mark was carried: the head the merge saw
        if data.get("mark") == digest or list(data.get("copy_head") or ()) == [seq, digest]:
            return CopyOrigin(str(data.get("copy", "")), str(data.get("assessor", "")), local_time(at))
    row = conn.execute("SELECT new_value FROM audit WHERE action = ? AND instr(new_value, ?) > 0 ORDER BY seq LIMIT 1",
                       (MERGED, digest)).fetchone()
    if row is not None:  # a copy row a merge took: the merge of that copy names it
        copy = str((json.loads(row[0] or "{}")).get("copy", ""))
        for data, at in reversed(merges):
            if data.get("copy") == copy:
                return CopyOrigin(copy, str(data.get("assessor", "")), local_time(at))
    return None
