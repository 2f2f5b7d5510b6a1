"""An import, its undo and its redo written on another thread (core/editing/writes.py), without the
desktop: the dataset's connection works from the writing thread, the session refuses every other edit
until the write is settled, a cancel before the commit leaves the year exactly as it was (audit trail
included), and the audit trail proves the year afterwards."""

from __future__ import annotations

import threading

from core.common.messages import render
from core.editing.session import Session
from core.excel.check import check_workbook
from core.people.tables import file_sha256
from tests.import_support import UNITS, contents, roster_file
from tests.xlsx_builders import arrival


def import_write(session: Session, path, unit: str = UNITS[0]):
    checked = check_workbook(path, "arrivals", session.rules)
    assert checked.ok, [p.text() for p in checked.problems]
    return session.import_people_write(f"导入 {path.name}", checked, file_sha256(path), session.unit_id(unit))


def on_another_thread(write, cancelled=lambda: False):
    """begin() here, run() on a thread of its own, finish() here: as the desktop does."""
    assert write.begin() is None
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("edit", write.run(cancelled)))
    thread.start()
    thread.join()
    return write.finish(outcome["edit"])


def proved(ds) -> None:
    assert ds.verify_audit() is None
    report = ds.check_audit()
    assert not report.problems, [p.message for p in report.problems]


def test_an_import_and_its_undo_and_redo_written_on_another_thread_are_proved_by_the_audit_trail(ds, tmp_path):
    session = Session(ds, 1)
    write = import_write(session, roster_file(tmp_path, [arrival(i) for i in range(300)]))
    assert write.slow
    edit = on_another_thread(write)
    assert edit.ok and not write.cancelled and session.busy is None
    assert [s.rows for s in ds.imports()] == [300] and session.history.can_undo
    imported = contents(ds)
    proved(ds)

    undo = session.undo_write("撤销")
    assert undo is not None and undo.slow
    assert on_another_thread(undo).ok
    assert ds.imports() == [] and session.history.can_redo and not session.history.can_undo
    redo = session.redo_write("重做")
    assert redo is not None and on_another_thread(redo).ok
    again = contents(ds)
    assert {t: r for t, r in again.items() if t != "audit"} == {t: r for t, r in imported.items() if t != "audit"}
    proved(ds)


def test_while_a_write_runs_every_other_edit_and_undo_is_refused_in_one_sentence(ds, tmp_path):
    session = Session(ds, 1)
    assert session.set_insured_workers("修改参保人数", session.unit_ids[0], 77).ok
    write = import_write(session, roster_file(tmp_path, [arrival(i) for i in range(20)]))
    assert write.begin() is None
    assert session.busy == write.label
    before = contents(ds)
    for refused in (session.set_insured_workers("修改参保人数", session.unit_ids[0], 78), session.undo("撤销")[1],
                    session.reopen(session.unit_ids[0], "复核"),
                    import_write(session, tmp_path / "附件2花名册.xlsx").now()):
        assert [p.message.code for p in refused.problems] == ["session.busy"]
        assert render(refused.problems[0].message) == f"正在写入“{write.label}”，请等它完成后再修改。"
    assert write.begin() is not None  # one write at a time
    assert contents(ds) == before and session.unit(session.unit_ids[0]).insured_workers == 77
    edit = write.finish(write.run())
    assert edit.ok and session.busy is None
    assert session.set_insured_workers("修改参保人数", session.unit_ids[0], 78).ok


def test_a_write_cancelled_before_its_commit_leaves_the_year_exactly_as_it_was(ds, tmp_path):
    session = Session(ds, 1)
    first = import_write(session, roster_file(tmp_path, [arrival(i) for i in range(3000)], "甲.xlsx")).now()
    assert first.ok
    before, history = contents(ds), (len(session.history.steps), session.history.position)
    asked = []

    def cancelled() -> bool:  # asked while the statements run; yes once the writing is well under way
        asked.append(True)
        return len(asked) > 3

    # a roster replacing the first: its rows deleted, the new ones written, then cancelled
    write = import_write(session, roster_file(tmp_path, [arrival(i) for i in range(2000)], "乙.xlsx"))
    edit = on_another_thread(write, cancelled)
    assert write.cancelled and len(asked) > 3
    assert [p.message.code for p in edit.problems] == ["session.write_cancelled"]
    assert contents(ds) == before  # every table, the audit trail too
    assert (len(session.history.steps), session.history.position) == history and session.busy is None
    proved(ds)

    # its undo cancelled likewise: the import stays, undo can be asked again
    undo = session.undo_write("撤销")
    assert on_another_thread(undo, lambda: True).problems[0].message.code == "session.write_cancelled"
    assert contents(ds) == before and session.history.can_undo
    assert session.undo("撤销")[1].ok and ds.imports() == []
    proved(ds)


def test_a_cancel_that_comes_once_the_commit_started_comes_too_late_and_the_edit_stands_whole(ds, tmp_path):
    session = Session(ds, 1)
    write = import_write(session, roster_file(tmp_path, [arrival(i) for i in range(10)]))
    commits = []
    real_edit = ds._edit

    def edit_then_cancel(*args):  # the cancel arrives right after the transaction asked to commit
        outcome = real_edit(*args)
        commits.append(True)
        return outcome
    ds._edit = edit_then_cancel
    edit = on_another_thread(write, lambda: bool(commits))
    assert edit.ok and not write.cancelled and [s.rows for s in ds.imports()] == [10]
    assert session.history.can_undo
    proved(ds)
