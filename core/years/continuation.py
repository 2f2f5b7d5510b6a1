"""A new year continued from the last year's file: the units come across as existing members.

Every year the same units are assessed again. Continuing a year brings each unit's identity —
name, credit code, kinds, licence numbers, contact person — and its bases with their agreement
dates (an existing member may use bases signed in earlier years, 二 of the rules), and marks every
unit an existing member. Nothing of what the last year found comes across: no counts, trips,
deliveries, ratings, evidence ticks, notes, scores, grades, signatures, attachments or people. A
unit whose membership the last year revoked (取消资格) is no longer a member and stays behind.

The new file records where it came from (table `continued_from`, audited): the last year's file
as it was then — its path, the SHA-256 of its bytes and its audit head (row number and hash, which
still names that year's file after it is edited further or moved) — its year, its rule set and how
many units came across. The new file appears whole or not at all.

    previous = read_previous(Path("2022年度考核.wjkh"))     # what would come across (raises DatasetError)
    problems = continue_year(previous, Path("2023年度考核.wjkh"), rules_2023, "张三")
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from core.common.messages import Msg, render
from core.common.problems import Problem
from core.scoring.engine import REVOKED, score_year
from core.scoring.facts import Base, Unit
from core.scoring.rules import RuleSet
from core.store import backup, holder, replay_edit
from core.store.dataset import Dataset, create_file
from core.store.files import DatasetError
from core.teamwork.field_copy import CopyOut, copies_out, local_time
from core.years.standing import FINAL, unit_stage

ORIGIN_TABLE = "continued_from"
NAMES_SHOWN = 5  # units named in the warning about a year not final; the count says how many more


@dataclass(frozen=True)
class Origin:
    """The year file a year was continued from, as it was when the year was continued."""
    year: int
    rule_set_id: str
    path: str  # absolute
    file_sha256: str
    audit_seq: int
    audit_hash: str
    units: int
    continued_at: str

    @property
    def file_name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class LeftOut:
    name: str
    reason: Msg


@dataclass(frozen=True)
class Previous:
    """What continuing from a year's file brings: its units as they come across, those that stay behind
    and why, and the origin the new year will record."""
    path: Path
    units: tuple[Unit, ...]
    left_out: tuple[LeftOut, ...]
    origin: Origin
    not_final: tuple[str, ...] = ()  # its units whose data is not final: that year's results are still 暂定
    copies_out: tuple[CopyOut, ...] = ()  # field copies made from it not merged back: their changes are not in it

    @property
    def year(self) -> int:
        return self.origin.year

    def not_final_warning(self) -> Msg | None:
        """What continuing from a year not final means for the new year's history, or None when it is final."""
        if not self.not_final:
            return None
        shown = "、".join(self.not_final[:NAMES_SHOWN])
        units = shown if len(self.not_final) <= NAMES_SHOWN else render(Msg.of("years.names_and_more", names=shown))
        return Msg.of("years.previous_not_final", year=self.year, count=len(self.not_final), units=units)


    def copies_out_warning(self) -> Msg | None:
        """What continuing from a year whose field copies have not come back means, or None when none is out."""
        if not self.copies_out:
            return None
        copies = "、".join(render(Msg.of("teamwork.copy_out_named", assessor=c.assessor, copy=c.file_name,
                                         made_at=local_time(c.made_at))) for c in self.copies_out)
        return Msg.of("years.previous_copies_out", year=self.year, count=len(self.copies_out), copies=copies,
                      file=self.path.name)

    def warnings(self) -> list[Msg]:
        """What the new year's maker is told of the year continued from: its data not final, its copies out."""
        return [w for w in (self.not_final_warning(), self.copies_out_warning()) if w is not None]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def carried_unit(unit: Unit) -> Unit:
    """A unit as it comes into the next year: its identity and its bases, an existing member, nothing found."""
    bases = tuple(Base(name=b.name, type=b.type, agreement_date=b.agreement_date, region=b.region) for b in unit.bases)
    return Unit(name=unit.name, credit_code=unit.credit_code, kinds=unit.kinds, new_member=False, bases=bases,
                licence_numbers=dict(unit.licence_numbers), contact_person=unit.contact_person)


def read_previous(path: Path) -> Previous:
    """The last year's file read (a private copy: it may be open elsewhere) and what of it comes across.
    Raises DatasetError (one sentence naming the file) when it is not a year file that can be read."""
    path = Path(path).resolve()
    with Dataset.open(path, read_only=True) as ds:
        rules = ds.rule_set()
        year = ds.year()
        entered = ds.year(as_entered=True).units
        seq, digest = ds.audit_head()
        noted = ds.noted_unit_names()
        out = tuple(copies_out(replay_edit.connection(ds)))
    result = score_year(rules, year)
    not_final = tuple(u.name for u in year.units if unit_stage(rules, u, u.name in noted) != FINAL)
    revoked = {u.name for u in result.units if u.status == REVOKED}
    units, left_out = [], []
    for unit in entered:
        if unit.name in revoked:
            left_out.append(LeftOut(unit.name, Msg.of("years.left_out_revoked")))
        else:
            units.append(carried_unit(unit))
    origin = Origin(year=year.year, rule_set_id=rules.id, path=str(path), file_sha256=file_sha256(path),
                    audit_seq=seq, audit_hash=digest, units=len(units), continued_at="")
    return Previous(path, tuple(units), tuple(left_out), origin, not_final, out)


def origin_of(ds: Dataset) -> Origin | None:
    """The file this year was continued from, as recorded; None for a year begun empty or imported."""
    if ds.schema_version < 7:
        return None
    row = ds._conn.execute(f"SELECT year, rule_set_id, path, file_sha256, audit_seq, audit_hash, units, continued_at "
                           f"FROM {ORIGIN_TABLE} WHERE id = 1").fetchone()
    return None if row is None else Origin(*row)


def continue_year(previous: Previous, target: Path, rules: RuleSet, assessor: str, role: str = "") -> list[Problem]:
    """Make the new year's file at `target` under `rules` with the last year's units (see the module's
    docstring), recorded with where they came from, as one audited edit. Returns the problems that
    stopped it (nothing is made then); raises DatasetError for a fault (the target exists, a full disk …)."""
    target = Path(target)
    if target.exists():  # the last year's own file among them
        raise DatasetError(Msg.of("dataset.exists", file=target.name))
    staging = target.with_name(f".{target.name}.{os.getpid()}.continuing")
    _remove_dead_stagings(target)
    try:
        problems = create_file(staging, rules, assessor, role)
        if problems:
            return problems
        with Dataset.open(staging, backups=False) as ds:
            edit = _fill(ds, previous, rules)
        if not edit.ok:
            return list(edit.problems)
        backup.fsync_path(staging)
        try:
            os.link(staging, target)  # no-clobber, atomic
        except FileExistsError:
            raise DatasetError(Msg.of("dataset.exists", file=target.name)) from None
        except OSError:
            if target.exists():
                raise DatasetError(Msg.of("dataset.exists", file=target.name)) from None
            os.replace(staging, target)  # a file system without hard links
        backup.fsync_path(target.parent)
        return []
    finally:
        for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm"), Path(f"{staging}-journal")):
            leftover.unlink(missing_ok=True)
        holder.remove(staging)


def _fill(ds: Dataset, previous: Previous, rules: RuleSet):
    """The one edit of a continued year: its units and the record of where they came from."""
    units = [_for_rules(unit, rules) for unit in previous.units]
    origin = previous.origin
    reason = render(Msg.of("years.continued_reason", year=origin.year, file=origin.file_name))

    def change(tx) -> None:
        for position, unit in enumerate(units):
            tx.insert_unit(position, unit)
        tx.insert(ORIGIN_TABLE, {"id": 1, "year": origin.year, "rule_set_id": origin.rule_set_id,
                                 "path": origin.path, "file_sha256": origin.file_sha256,
                                 "audit_seq": origin.audit_seq, "audit_hash": origin.audit_hash,
                                 "units": len(units), "continued_at": tx.at})
        tx.year_level = True
    return ds._edit(1, reason, change)


def _for_rules(unit: Unit, rules: RuleSet) -> Unit:
    """Only the kinds (and their licences) and base types the new year's rule set knows come across."""
    kinds = tuple(k for k in unit.kinds if k in rules.unit_kinds)
    return replace(unit, kinds=kinds, licence_numbers={k: n for k, n in unit.licence_numbers.items() if k in kinds},
                   bases=tuple(b for b in unit.bases if b.type in rules.base_types))


def _remove_dead_stagings(target: Path) -> None:
    """Half-made new years left by a continuation that was killed (ours, or of a process that is gone)."""
    from glob import escape
    for leftover in target.parent.glob(f".{escape(target.name)}.*.continuing*"):
        pid = leftover.name[len(target.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and (int(pid) == os.getpid() or not holder.process_alive(int(pid))):
            leftover.unlink(missing_ok=True)
