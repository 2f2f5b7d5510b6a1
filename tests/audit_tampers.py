"""Changes made to a year file outside the program, as someone with a SQLite editor would make them
(plain sqlite3: no foreign keys, the program's triggers dropped where they stand in the way), and
the year they are made on: the demo year with an attachment, an imported roster, a signed unit,
sixty edits and a backup at the end (its anchor).

    path = build_year(folder)            # once; copy it (with its backups folder) for each change
    TAMPERS["insured_workers"].apply(copy)

TAMPERS holds the sixteen changes of issue 13 (the eleven the trail once accepted and the five it
caught), then the ones added since. Each names where the check must point: table, record, field.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.scoring.facts import parse_year
from core.store import audit
from core.store.dataset import Dataset, create_file
from core.store.people_edits import import_workbook
from tests.builders import RULES
from tests.dataset_support import demo_or_rich
from tests.import_support import roster_file
from tests.xlsx_builders import arrival

EDITS_AT_THE_END = 60


def png(seed: int) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (seed % 256, 40, 90)).save(out, "PNG")
    return out.getvalue()


def build_year(folder: Path) -> Path:
    """The demo year made into a year file and worked on through the program."""
    path = folder / "demo.wjkh"
    _, data = demo_or_rich()
    year, problems = parse_year(data, RULES)
    assert not problems
    assert create_file(path, RULES, "张三", "考核组长", year) == []
    with Dataset.open(path) as ds:
        first, third = ds.unit_ids()[0], ds.unit_ids()[2]
        assert ds.add_attachment(1, png(1), "协议照片.png", unit_id=first, clause_id="1.1").ok
        _, edit = import_workbook(ds, 1, "arrivals", roster_file(folder, [arrival(i) for i in range(5)]),
                                  unit_id=first)
        assert edit is not None and edit.ok
        assert ds.finalize_unit(1, third, 1, "ab" * 32, "张三", "cd" * 32).ok
        for n in range(EDITS_AT_THE_END):
            assert ds.update_unit(1, first, insured_workers=200 + n, reason=f"第{n}次核对").ok
        assert ds.mark_final(1, first, reason="核对完毕").ok  # the changes withdrew its 定稿
        ds.backup()
    return path


def copy_year(path: Path, folder: Path) -> Path:
    """The year file and its backups folder, copied into `folder`."""
    target = folder / path.name
    shutil.copyfile(path, target)
    backups = path.with_name(path.stem + ".backups")
    if backups.is_dir():
        shutil.copytree(backups, target.with_name(target.stem + ".backups"))
    return target


# ------------------------------------------------------------------ how the changes are made

def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def execute(path: Path, *statements: str | tuple) -> None:
    conn = connect(path)
    for statement in statements:
        sql, params = (statement, ()) if isinstance(statement, str) else (statement[0], statement[1:])
        conn.execute(sql, params)
    conn.close()


def unguarded(path: Path, *statements: str) -> None:
    """Drop the append-only triggers, change the trail, and put the triggers back as they were."""
    conn = connect(path)
    conn.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    for statement in statements:
        conn.execute(statement)
    conn.executescript(trigger_sql())
    conn.close()


def rechain(conn: sqlite3.Connection, start: int) -> None:
    """Recompute every hash from row `start` on, as a forger who knows the (unkeyed) chain would."""
    previous = conn.execute("SELECT hash FROM audit WHERE seq = ?", (start - 1,)).fetchone()
    previous = previous[0] if previous else audit.GENESIS
    rows = conn.execute(f"SELECT {', '.join(audit.COLUMNS)} FROM audit WHERE seq >= ? ORDER BY seq", (start,)).fetchall()
    for values in rows:
        row = dict(zip(audit.COLUMNS, values))
        previous = audit.chain_hash(previous, row)
        conn.execute("UPDATE audit SET hash = ? WHERE seq = ?", (previous, row["seq"]))


def last_insured_row(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT max(seq) FROM audit WHERE table_name = 'units' AND field = 'insured_workers'").fetchone()[0]


def rewrite_middle_row(path: Path) -> None:
    """An update row in the middle of the trail says another value; every hash after it recomputed."""
    conn = connect(path)
    conn.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    seq = last_insured_row(conn) - 30
    conn.execute("UPDATE audit SET new_value = '999' WHERE seq = ?", (seq,))
    rechain(conn, seq)
    conn.executescript(trigger_sql())
    conn.close()


def rewrite_consistently(path: Path) -> None:
    """The fact and the trail changed together, every hash after recomputed: only an anchor sees it."""
    conn = connect(path)
    conn.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    seq = last_insured_row(conn)
    unit = conn.execute("SELECT record_id FROM audit WHERE seq = ?", (seq,)).fetchone()[0]
    conn.execute("UPDATE audit SET new_value = '99999' WHERE seq = ?", (seq,))
    conn.execute("UPDATE units SET insured_workers = 99999 WHERE id = ?", (int(unit),))
    rechain(conn, seq)
    conn.executescript(trigger_sql())
    conn.close()


def cut_last_rows(path: Path, rows: int = 50) -> None:
    conn = connect(path)
    conn.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    conn.execute("DELETE FROM audit WHERE seq > (SELECT max(seq) FROM audit) - ?", (rows,))
    conn.executescript(trigger_sql())
    conn.close()


def append_forged_row(path: Path) -> None:
    """A row that links to the head, claiming an edit the tables do not show."""
    conn = connect(path)
    seq, edit, digest = audit.head(conn)
    unit = conn.execute("SELECT id FROM units ORDER BY id LIMIT 1").fetchone()[0]
    row = {"seq": seq + 1, "edit": edit + 1, "at": "2023-01-05T02:00:00.000+00:00", "assessor_id": 1,
           "action": "update", "table_name": "units", "record_id": str(unit), "field": "insured_workers",
           "old_value": "259", "new_value": "7", "reason": None}
    conn.execute(f"INSERT INTO audit ({', '.join(audit.COLUMNS)}, hash) VALUES ({', '.join('?' * 12)})",
                 [row[c] for c in audit.COLUMNS] + [audit.chain_hash(digest, row)])
    conn.close()


def trigger_sql() -> str:
    return "CREATE TRIGGER" + audit.CREATE_SQL.split("CREATE TRIGGER", 1)[1]


def replace_rule_set(path: Path) -> None:
    conn = connect(path)
    rule_set_id, text = conn.execute("SELECT id, text FROM rule_sets").fetchone()
    changed = text.replace(RULES.title, RULES.title + "（修订）", 1)
    assert changed != text
    conn.execute("UPDATE rule_sets SET text = ?, sha256 = ? WHERE id = ?",
                 (changed, hashlib.sha256(changed.encode("utf-8")).hexdigest(), rule_set_id))
    conn.close()


def swap_attachment(path: Path) -> None:
    data = png(99)
    execute(path, ("UPDATE attachments SET data = ?, sha256 = ?, size = ?", data, hashlib.sha256(data).hexdigest(),
                   len(data)))


def edit_rule_set_text(path: Path) -> None:
    execute(path, "UPDATE rule_sets SET text = text || ' '")


def change_person(path: Path) -> None:
    execute(path, "UPDATE roster_entries SET months_enrolled = 12 WHERE id = (SELECT min(id) FROM roster_entries)")


def add_person(path: Path) -> None:
    execute(path, "INSERT INTO roster_entries (unit_id, import_id, kind, name, id_number, base_name, sheet, sheet_row) "
                  "SELECT unit_id, import_id, kind, '王某', '320509199505170011', base_name, sheet, 99 "
                  "FROM roster_entries LIMIT 1")


def add_person_of_no_import(path: Path) -> None:
    execute(path, "INSERT INTO roster_entries (unit_id, kind, name, id_number, base_name) "
                  "SELECT id, 'arrival', '王某', '320509199505170011', '' FROM units LIMIT 1")


def add_trigger(path: Path) -> None:
    execute(path, "CREATE TRIGGER quietly AFTER UPDATE ON units BEGIN "
                  "UPDATE units SET insured_workers = insured_workers + 1 WHERE id = NEW.id; END")


@dataclass(frozen=True)
class Tamper:
    apply: Callable[[Path], None]
    table: str  # where the check must point
    record: str | None = None  # None: any record of the table
    field: str = ""
    since: str = "issue"  # "issue": one of the sixteen; "added": beyond them
    caught_before: bool = False  # the old chain check caught it


TAMPERS: dict[str, Tamper] = {
    # the eleven the trail accepted
    "insured_workers": Tamper(lambda p: execute(p, "UPDATE units SET insured_workers = 99999 WHERE id = 1"),
                              "units", "1", "insured_workers"),
    "unit_deleted": Tamper(lambda p: execute(p, "DELETE FROM units WHERE id = 2"), "units", "2"),
    "veto_cleared": Tamper(lambda p: execute(p, "UPDATE negatives SET major_incident = 0"), "negatives", None,
                           "major_incident"),
    "deductions_cleared": Tamper(lambda p: execute(p, "UPDATE negatives SET collective_disputes_lost = 0, "
                                                      "individual_disputes_lost = 0, complaints = 0"),
                                 "negatives", None, "complaints"),
    "promotion_inserted": Tamper(lambda p: execute(p, "INSERT INTO grade_promotions (position, unit_id, grade, reason) "
                                                      "VALUES (9, 4, 'A', '材料更完整')"), "grade_promotions"),
    "rule_set_replaced": Tamper(replace_rule_set, "rule_sets", RULES.id, "sha256"),
    "attachment_swapped": Tamper(swap_attachment, "attachments", "1", "sha256"),
    "triggers_dropped": Tamper(lambda p: execute(p, "DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"),
                               "audit", None, "audit_no_update"),
    "middle_row_rechained": Tamper(rewrite_middle_row, "audit"),  # superseded later: only the anchor sees it
    "last_50_rows_cut": Tamper(cut_last_rows, "audit"),
    "forged_row_appended": Tamper(append_forged_row, "units", "1", "insured_workers"),
    # the five the chain caught
    "audit_value_edited": Tamper(lambda p: unguarded(p, "UPDATE audit SET new_value = '999' WHERE seq = 40"),
                                 "audit", "40", caught_before=True),
    "audit_row_deleted": Tamper(lambda p: unguarded(p, "DELETE FROM audit WHERE seq = 25"), "audit", "26",
                                caught_before=True),
    "audit_hash_overwritten": Tamper(lambda p: unguarded(p, f"UPDATE audit SET hash = '{'0' * 64}' WHERE seq = 7"),
                                     "audit", "7", caught_before=True),
    "audit_assessor_changed": Tamper(lambda p: unguarded(p, "UPDATE audit SET assessor_id = NULL WHERE seq = 800"),
                                     "audit", "800", caught_before=True),
    "rule_set_text_edited": Tamper(edit_rule_set_text, "rule_sets", caught_before=True),
    # added since
    "evidence_untick": Tamper(lambda p: execute(p, "DELETE FROM evidence_ticks WHERE id = 3"), "evidence_ticks", "3",
                              since="added"),
    "evidence_ticked": Tamper(lambda p: execute(p, "UPDATE evidence_ticks SET seen = 1 WHERE seen = 0"),
                              "evidence_ticks", None, "seen", since="added"),
    "person_changed": Tamper(change_person, "roster_entries", since="added"),
    "person_added": Tamper(add_person, "roster_entries", since="added"),
    "person_of_no_import": Tamper(add_person_of_no_import, "roster_entries", since="added"),
    "unit_unlocked": Tamper(lambda p: execute(p, "DELETE FROM unit_locks"), "unit_locks", since="added"),
    "trigger_added": Tamper(add_trigger, "audit", None, "quietly", since="added"),
    "fact_and_trail_rechained": Tamper(rewrite_consistently, "audit", since="added"),
    "quota_added": Tamper(lambda p: execute(p, "INSERT OR REPLACE INTO grade_quotas (grade, count) VALUES ('A', 9)"),
                          "grade_quotas", "A", since="added"),
    "assessor_renamed": Tamper(lambda p: execute(p, "UPDATE assessors SET name = '李四' WHERE id = 1"), "assessors", "1",
                               "name", since="added"),
}
ISSUE_TAMPERS = [name for name, t in TAMPERS.items() if t.since == "issue"]
assert len(ISSUE_TAMPERS) == 16
