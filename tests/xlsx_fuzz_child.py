"""Child process of tests/core/excel/test_xlsx_fuzz.py: under a memory ceiling, imports each named fuzz case
through the command line (main.main, as `main.py import-xlsx … --yes` runs it) and through the core
API (core.store.people_edits.import_workbook) into fresh copies of a real year file, and prints what happened:
`start NAME` before a case and `done {json}` after it (flushed), so the parent knows which case a
crash or a hang belongs to.

    python tests/xlsx_fuzz_child.py YEAR_TEMPLATE WORK_FOLDER CEILING_BYTES < names.json
"""

import contextlib
import hashlib
import io
import json
import os
import resource
import shutil
import sqlite3
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_reset() -> None:
    """Start measuring the peak resident memory afresh (Linux: write 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def trim() -> None:
    """Give the memory freed after making a bomb back to the system, so it is not counted as the import's."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def peak_bytes() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def imports_state(path: Path) -> dict:
    """The imports the year file holds and the rows each wrote, its audit rows, its integrity."""
    from core.people.records import KIND_TABLE
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        state = {"integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
                 "audit": conn.execute("SELECT count(*) FROM audit").fetchone()[0],
                 "imports": [list(r) for r in conn.execute("SELECT id, kind, rows FROM imports ORDER BY id")]}
        state["stored"] = {str(i): conn.execute(f"SELECT count(*) FROM {KIND_TABLE[kind]} WHERE import_id = ?",
                                                (i,)).fetchone()[0] for i, kind, _ in state["imports"]}
        return state
    finally:
        conn.close()


def sqlite_text(path: Path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield from conn.iterdump()
    finally:
        conn.close()


def run_cli(argv: list[str]) -> dict:
    import main
    out, err = io.StringIO(), io.StringIO()
    code, fault = None, ""
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main.main(argv)
        except SystemExit as exit_:
            code = exit_.code
        except BaseException:  # noqa: BLE001 - the real program would print this traceback
            fault = traceback.format_exc()
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue(), "fault": fault}


def run_case(case, workbook: Path, folder: Path, template: Path) -> dict:
    from core.common.messages import render
    from core.excel.kinds import import_spec
    from core.store.dataset import Dataset
    from core.store.people_edits import import_workbook
    from tests.import_support import UNITS

    result = {"name": case.name, "size": workbook.stat().st_size}
    scope = import_spec().kind(case.kind).scope

    year = folder / "year-cli.wjkh"
    shutil.copyfile(template, year)
    before, before_state = sha256(year), imports_state(year)
    def argv(year: Path) -> list[str]:
        return ["import-xlsx", case.kind, str(workbook), "--dataset", str(year), "--yes"] + (
            ["--unit", UNITS[0]] if scope != "year" else [])
    started = time.monotonic()
    result["cli"] = run_cli(argv(year))
    result["cli"]["seconds"] = round(time.monotonic() - started, 3)
    result["cli"]["unchanged"] = sha256(year) == before
    result["cli"]["before"], result["cli"]["after"] = before_state, imports_state(year)

    # The same, importing the rows without problems alone and saving the others for the unit.
    year = folder / "year-partial.wjkh"
    shutil.copyfile(template, year)
    before, before_state = sha256(year), imports_state(year)
    started = time.monotonic()
    result["partial"] = run_cli(argv(year) + ["--skip-bad-rows", "--left-out", str(folder / "未导入的行.xlsx")])
    result["partial"]["seconds"] = round(time.monotonic() - started, 3)
    result["partial"]["unchanged"] = sha256(year) == before
    result["partial"]["before"], result["partial"]["after"] = before_state, imports_state(year)
    left_out = folder / "未导入的行.xlsx"
    result["partial"]["left_out"] = left_out.exists()
    left_out.unlink(missing_ok=True)

    year = folder / "year-api.wjkh"
    shutil.copyfile(template, year)
    before_state = imports_state(year)
    api = {"fault": "", "problems": [], "ok": None, "records": None}
    started = time.monotonic()
    try:
        with Dataset.open(year, backups=False) as ds:
            unit_id = None if scope == "year" else ds.unit_id(UNITS[0])
            checked, edit = import_workbook(ds, 1, case.kind, workbook, unit_id=unit_id)
            api["problems"] = [p.text() for p in checked.problems]
            api["notes"] = [p.text() for p in checked.notes]
            api["records"] = len(checked.records)
            api["ok"] = edit is not None and edit.ok
            if edit is not None and not edit.ok:
                api["problems"] += [render(p.message) for p in edit.problems]
    except BaseException:  # noqa: BLE001
        api["fault"] = traceback.format_exc()
    api["seconds"] = round(time.monotonic() - started, 3)
    # A file of this computer named by an external entity must never be read into the year.
    api["foreign_file_read"] = "entity" in case.name and any("root:x:0:0" in line for line in sqlite_text(year))
    api["before"], api["after"] = before_state, imports_state(year)
    result["api"] = api
    workbook.unlink()
    for leftover in folder.iterdir():
        if leftover.is_dir():
            shutil.rmtree(leftover)
    return result


def main() -> None:
    template, folder, ceiling = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    names = json.loads(sys.stdin.read())
    import cli  # noqa: F401
    import main as _  # noqa: F401  (the program's modules loaded before the ceiling is measured against)
    from tests.xlsx_fuzz import all_cases
    cases = all_cases()
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    print(json.dumps({"ceiling": resource.getrlimit(resource.RLIMIT_AS)[0]}), flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        print(f"start {name}", flush=True)
        workbook = folder / f"{name}.xlsx"
        cases[name].make(workbook)
        trim()
        peak_reset()  # the peak of the import alone, not of making the workbook
        started = time.monotonic()
        result = run_case(cases[name], workbook, folder, template)
        result["seconds"] = round(time.monotonic() - started, 3)
        result["peak"] = peak_bytes()
        print("done " + json.dumps(result, ensure_ascii=False), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
