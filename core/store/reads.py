"""Reading an open year file: its facts (as entered, and as scored), its units' records, assessors and
evidence ticks, and its audit trail with the checks that prove it (a part of core.store.dataset.Dataset)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from core.common.messages import Msg
from core.common.problems import Problem
from core.common.progress import Progress
from core.scoring import rule_library
from core.scoring.facts import Base, Delivery, Management, Negative, Promotion, Trip, Unit, Year
from core.scoring.rules import RuleSet
from core.store import audit, backup
from core.store.schema import reference_schema

if TYPE_CHECKING:
    from core.store.audit_check import Anchor
    from core.store.audit_check import Report as AuditReport
    from core.store.dataset import DatasetCore as _Core
else:
    _Core = object  # a plain mixin at run time; to the type checker each part builds on the core


@dataclass(frozen=True)
class Assessor:
    """An assessor recorded in the year file."""
    id: int
    name: str
    role: str


def program_rule_set(rule_set_id: str) -> RuleSet | None:
    """The program's own (bundled) rule set with this id, if any."""
    return rule_library.find(rule_set_id, bundled_only=True)

_TICK_COLUMNS = "unit_id, clause_id, base_id, trip_id, item, seen, id"
_FEW_UNITS = 200  # read through the indexes up to so many units (5 parameters each, well under SQLite's limit)


def _ticks_of(units: int) -> str:
    """The evidence ticks of `units` units, in the order they were made, through the three partial indexes
    (a unit's, its bases', its trips'): no index has unit_id alone, and a plain `WHERE unit_id IN` reads
    the whole table (1.7 ms a unit in a 1,000-unit year, on every edit). Its parameters: the unit ids 5 times."""
    units_in = f"unit_id IN ({','.join('?' * units)})"
    return (f"SELECT {_TICK_COLUMNS} FROM evidence_ticks WHERE {units_in} AND base_id IS NULL AND trip_id IS NULL "
            f"UNION ALL SELECT {_TICK_COLUMNS} FROM evidence_ticks "
            f"WHERE base_id IN (SELECT id FROM bases WHERE {units_in}) AND {units_in} "
            f"UNION ALL SELECT {_TICK_COLUMNS} FROM evidence_ticks "
            f"WHERE trip_id IN (SELECT id FROM trips WHERE {units_in}) AND {units_in} ORDER BY id")


class Reads(_Core):
    """Reading the year: its facts as entered and as scored, the records of its units, its assessors and
    evidence ticks, and its audit trail (the checks of core/store/audit_check.py on this year)."""

    def rule_set(self) -> RuleSet:
        """The rule set stored in the dataset: the one its year is assessed under."""
        return self._rules

    def rule_set_ids(self) -> list[str]:
        """The ids of the rule sets the year was scored by: its own now, and any it replaced."""
        return [row[0] for row in self._conn.execute("SELECT id FROM rule_sets ORDER BY rowid")]

    def program_rule_set(self) -> RuleSet | None:
        """The program's own rule set of the same id (to show beside the stored one when they differ)."""
        return program_rule_set(self.rule_set_id)

    def year(self, *, as_entered: bool = False) -> Year:
        """The year's facts as scored: a base whose count source is the rosters has the matched counts
        (see counted()), a unit whose platform source is the platform has the platform's deliveries and
        rating (see with_platform()). as_entered: every figure as typed by hand, as stored."""
        conn = self._conn
        units = tuple(unit for _, unit in self._read_units(None))
        if not as_entered:
            units = self.with_platform(self.counted(units))
        quotas = dict(conn.execute("SELECT grade, count FROM grade_quotas ORDER BY rowid"))
        promotions = tuple(Promotion(name, grade, reason) for name, grade, reason in conn.execute(
            "SELECT u.name, p.grade, p.reason FROM grade_promotions p JOIN units u ON u.id = p.unit_id "
            "ORDER BY p.position, p.id"))
        return Year(self.year_number, self.rule_set_id, units, MappingProxyType(quotas), promotions)

    def unit_ids(self) -> list[int]:
        return [row[0] for row in self._conn.execute("SELECT id FROM units ORDER BY position, id")]

    def unit_id(self, name: str) -> int | None:
        row = self._conn.execute("SELECT id FROM units WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def unit(self, unit_id: int, *, as_entered: bool = False) -> Unit | None:
        """One unit's facts as scored (as year() has them), or as entered."""
        changes, units = self._entered_after_edit
        entered = units.get(unit_id) if changes == self._conn.total_changes else None
        if entered is None:  # read it: the desktop reads a unit just edited (to score it) without the queries
            found = self._read_units([unit_id])
            if not found:
                return None
            entered = found[0][1]
        return entered if as_entered else self.with_platform(self.counted((entered,)))[0]

    def base_ids(self, unit_id: int) -> list[int]:
        return self._child_ids("bases", unit_id)

    def trip_ids(self, unit_id: int) -> list[int]:
        return self._child_ids("trips", unit_id)

    def delivery_ids(self, unit_id: int) -> list[int]:
        return self._child_ids("deliveries", unit_id)

    def _child_ids(self, table: str, unit_id: int) -> list[int]:
        return [r[0] for r in self._conn.execute(f"SELECT id FROM {table} WHERE unit_id = ? ORDER BY position, id",
                                                 (unit_id,))]

    def evidence_tick(self, unit_id: int, clause_id: str, item: str, *, base_id: int | None = None,
                      trip_id: int | None = None) -> dict[str, Any] | None:
        """Who ticked an evidence item, when, with what note: {seen, ticked_by, ticked_at, note}."""
        row = self._conn.execute(
            "SELECT seen, ticked_by, ticked_at, note FROM evidence_ticks WHERE unit_id = ? AND clause_id = ? "
            "AND item = ? AND base_id IS ? AND trip_id IS ?", (unit_id, clause_id, item, base_id, trip_id)).fetchone()
        return None if row is None else {"seen": bool(row[0]), "ticked_by": row[1], "ticked_at": row[2], "note": row[3]}

    def assessors(self) -> list[Assessor]:
        return [Assessor(*row) for row in self._conn.execute("SELECT id, name, role FROM assessors ORDER BY id")]

    def assessor_id(self, name: str) -> int | None:
        row = self._conn.execute("SELECT id FROM assessors WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def audit_entries(self, table_name: str | None = None, record_id: str | None = None) -> list[audit.Entry]:
        return list(audit.entries(self._conn, table_name, record_id))

    def verify_audit(self) -> int | None:
        """The seq of the first broken audit row, or None when the trail is intact."""
        return audit.verify(self._conn)

    def check_audit(self, progress: Progress | None = None,
                    anchors: Sequence[Anchor] | None = None) -> AuditReport:
        """The full proof (core/store/audit_check.py): the chain, the schema, the trail replayed against
        every table, the people and blobs against their recorded hashes, and the trail against the
        anchors given (by default the newest backup's)."""
        from core.store.audit_check import check_anchor, first_difference_with, full_check, namer_for
        report = full_check(self._conn, reference_schema(self.schema_version), namer_for(self._rules), self.path.name,
                            progress, backup.people_from_backups(self.path))
        for anchor in (self.newest_anchors() if anchors is None else anchors):
            result = check_anchor(self._conn, anchor, self.path.name)
            if result.problem is not None and anchor.trail is not None:
                result = replace(result, first_difference=first_difference_with(self._conn, Path(anchor.trail),
                                                                                 anchor.seq))
            report.anchors.append(result)
            if result.problem is not None:
                report.problems.append(result.problem)
        return report

    def anchor_verdict(self, seq: int, digest: str) -> tuple[bool, Msg]:
        """Does the trail still hold row `seq` with hash `digest` (the head a document was made at)?
        (yes or no, the sentence saying so)."""
        from core.store.audit_check import Anchor, check_anchor
        source = Msg.of("audit.source.this_document")
        result = check_anchor(self._conn, Anchor(seq, digest, source), self.path.name)
        if result.problem is not None:
            # unlike a backup, which is this file's, a document may come from another year file or a copy of this
            # one that went its own way: both are said, and the full check tells which
            said = result.problem.message
            return False, (Msg.of("audit.document_beyond", seq=seq, count=said.param("count"))
                           if said.code == "audit.anchor_cut" else Msg.of("audit.document_other", seq=seq))
        return True, Msg.of("audit.document_ok" if result.later else "audit.document_same", seq=seq, later=result.later)

    def quick_audit_check(self) -> list[Problem]:
        """What opening checks (milliseconds whatever the year's size): the append-only triggers, the
        last audit row's link and the row count, the newest backup's anchor and every table no edit
        since that backup touched against the digest it noted."""
        from core.store.audit_check import quick_check
        anchors = self.newest_anchors()
        problems = quick_check(self._conn, self.path.name, anchors[0] if anchors else None)
        # the newest backup is still there and holds the year exactly (its trail head and every table's
        # digest): opening needs no copy of its own, which would only push older backups out
        self.as_newest_backup = (not problems and bool(anchors) and anchors[0].trail is not None
                                 and bool(anchors[0].facts) and (anchors[0].seq, anchors[0].hash) == self.audit_head())
        return problems

    def newest_anchors(self) -> list[Anchor]:
        """The newest backup's audit head, as an anchor (none when the year has no backup)."""
        from core.store.audit_check import Anchor
        if self.scratch:
            return []
        line = backup.newest_anchor(self.path)
        if line is None:
            return []
        trail = backup.backup_dir(self.path) / line.name
        return [Anchor(line.seq, line.hash, Msg.of("audit.source.backup", name=line.name, time=line.taken_at),
                       trail=trail if trail.is_file() else None, facts=line.facts)]

    def restore_notice(self, chosen: Path, kept: Path) -> list[Msg]:
        """What restoring the backup `chosen` over this year would undo, and that the current file is kept
        as `kept` (core/store/backup_story.py)."""
        from core.store.backup_story import restore_notice
        return restore_notice(self._conn, chosen, self.rule_set(), kept, year=self.path)

    def audit_head(self) -> tuple[int, str]:
        seq, _, digest = audit.head(self._conn)
        return seq, digest

    def _read_units(self, unit_ids: Sequence[int] | None) -> list[tuple[int, Unit]]:
        """(id, Unit) in the year's order; all units, or those given. One query per table."""
        conn = self._conn
        params: tuple[int, ...] = ()
        if unit_ids is None:
            where = ""
        else:
            where, params = f" WHERE unit_id IN ({','.join('?' * len(unit_ids))})", tuple(unit_ids)
        unit_where = where.replace("unit_id", "id")

        def grouped(sql: str, args: tuple = params) -> dict[Any, list[tuple]]:
            groups: dict[Any, list[tuple]] = {}
            for row in conn.execute(sql, args):
                groups.setdefault(row[0], []).append(row)
            return groups

        kinds = grouped(f"SELECT unit_id, kind FROM unit_kinds{where} ORDER BY unit_id, position")
        licences = grouped(f"SELECT unit_id, kind, number FROM licences{where} ORDER BY rowid")
        # count_source came with schema 4; create_file writes older test files through this object too
        source = "count_source" if self.schema_version >= 4 else "'hand'"
        split = "trainees, trainees_retained" if self.schema_version >= 9 else "NULL, NULL"  # schema 9: the split
        base_rows = grouped(f"SELECT unit_id, id, name, type, agreement_date, people, retained, region, {source}, "
                            f"{split} FROM bases{where} ORDER BY unit_id, position, id")
        trip_rows = grouped(f"SELECT unit_id, id, date, place, mode, enterprises FROM trips{where} "
                            "ORDER BY unit_id, position, id")
        delivery_rows = grouped(f"SELECT unit_id, date, enterprise, stars FROM deliveries{where} "
                                "ORDER BY unit_id, position, id")
        if unit_ids is None or len(unit_ids) > _FEW_UNITS:  # a scan of the table: cheaper than many lookups
            ticks = grouped(f"SELECT {_TICK_COLUMNS} FROM evidence_ticks{where} ORDER BY id")
        else:
            ticks = grouped(_ticks_of(len(unit_ids)), params * 5)
        evaluations = grouped(f"SELECT e.trip_id, e.verdict FROM trip_evaluations e JOIN trips t ON t.id = e.trip_id"
                              f"{where.replace('unit_id', 't.unit_id')} ORDER BY e.trip_id, e.position")
        management = {r[0]: r for r in conn.execute(f"SELECT unit_id, awarded, reason FROM management{where}", params)}
        negatives = {r[0]: r for r in conn.execute(
            f"SELECT unit_id, major_incident, collective_disputes_lost, individual_disputes_lost, complaints "
            f"FROM negatives{where}", params)}
        grades = grouped(f"SELECT unit_id, kind, grade FROM credit_grades{where} ORDER BY rowid")
        cancelled = grouped(f"SELECT unit_id, kind FROM cancelled_licences{where} ORDER BY unit_id, position")

        base_ticks: dict[int, dict[str, bool]] = {}
        trip_ticks: dict[int, dict[str, bool]] = {}
        unit_ticks: dict[int, dict[str, dict[str, bool]]] = {}
        for unit_id, rows in ticks.items():
            for _, clause_id, base_id, trip_id, item, seen, _ in rows:
                if base_id is not None:
                    base_ticks.setdefault(base_id, {})[item] = bool(seen)
                elif trip_id is not None:
                    trip_ticks.setdefault(trip_id, {})[item] = bool(seen)
                else:
                    unit_ticks.setdefault(unit_id, {}).setdefault(clause_id, {})[item] = bool(seen)
        verdicts = {trip_id: tuple(r[1] for r in rows) for trip_id, rows in evaluations.items()}
        def date(text: str | None) -> dt.date | None:  # NULL: not typed yet
            return None if text is None else dt.date.fromisoformat(text)

        result = []
        platform_source = "platform_source" if self.schema_version >= 5 else "'hand'"  # as count_source above
        for row in conn.execute(
                f"SELECT id, name, credit_code, new_member, facts_final, contact_person, platform_rating, "
                f"insured_workers, {platform_source} FROM units{unit_where} ORDER BY position, id", params):
            uid, name, code, new_member, final, contact, rating, insured, figures_from = row
            m = management.get(uid)
            n = negatives.get(uid)
            result.append((uid, Unit(
                name=name, credit_code=code, kinds=tuple(r[1] for r in kinds.get(uid, ())),
                new_member=bool(new_member), facts_final=bool(final),
                bases=tuple(Base(b[2], b[3], date(b[4]), MappingProxyType(base_ticks.get(b[1], {})), b[5], b[6], b[7],
                                 b[8], b[9], b[10]) for b in base_rows.get(uid, ())),
                trips=tuple(Trip(date(t[2]), t[3], t[4], t[5], MappingProxyType(trip_ticks.get(t[1], {})),
                                 verdicts.get(t[1], ())) for t in trip_rows.get(uid, ())),
                evidence=MappingProxyType({c: MappingProxyType(items) for c, items in unit_ticks.get(uid, {}).items()}),
                deliveries=tuple(Delivery(date(d[1]), d[2], d[3]) for d in delivery_rows.get(uid, ())),
                platform_rating=None if rating is None else Fraction(rating),
                management=Management(None if m is None or m[1] is None else Fraction(m[1]), "" if m is None else m[2]),
                insured_workers=insured,
                negative=Negative() if n is None else Negative(
                    major_incident=bool(n[1]), licences_cancelled=tuple(r[1] for r in cancelled.get(uid, ())),
                    credit_grades=MappingProxyType({r[1]: r[2] for r in grades.get(uid, ())}),
                    collective_disputes_lost=n[2], individual_disputes_lost=n[3], complaints=n[4]),
                licence_numbers=MappingProxyType({r[1]: r[2] for r in licences.get(uid, ())}),
                contact_person=contact, platform_source=figures_from)))
        return result
