"""Benchmark: import, check and match a 100,000-row arrivals roster against 100,000 monthly-report rows.

    .venv/bin/python bench/bench_excel.py [--rows N] [--runs R] [--fresh] [--profile] [--style both|openpyxl|excel]

First (untimed) it writes the two workbooks with openpyxl, as a unit would hand them in: the
roster (附件2 layout: merged title, unit line, header on row 3, ten columns, dates as date cells,
ID numbers as text) and the monthly delivery reports (one sheet per month, seven columns); the
reports cover all but the first 1% of the roster's people, each reported from the month of their 入职日期 on with
the roster's employer, base and 入职日期 (the two files agree, as a unit's do: a person whose reports differ gets
notes, which cost more). openpyxl writes each text inside its cell;
Excel and WPS, which units use, keep the texts in one shared-strings table instead, so each pair is
measured twice: as openpyxl wrote it and rewritten as Excel saves it (tests/xlsx_builders.py:
with_shared_strings). They are kept in the temp directory and reused (--fresh writes them again):
openpyxl needs about a minute for them.

Then, in the same run and R times each (best time reported):
  bare      python-calamine (the reader the import uses) opening both files and turning every
            sheet into Python lists, nothing else; once as a caller would run it and once with
            the garbage collector paused, as the import runs it;
  pipeline  core.excel.check.check_workbook on both files (file-type check, header recognition,
            every cell converted and checked, duplicates, typed records) and core.people.matching.match
            of the roster against the reports (per-person verdicts with reasons, counts per base);
  import    the same into a year's dataset as the import-xlsx command does it: both files read,
            checked and written into the people tables (core.store.people_edits.import_workbook: two edits,
            each one transaction with its summary audit row, synced to disk; each sheet's rows, or each
            part of a large sheet, written while the next are read), then the people
            matched from what the dataset holds (Dataset.match: the records an import wrote are kept
            by the import's id, SHA-256 and time, and only imports not kept are read back from
            SQLite). Each run imports into a new, empty dataset (made untimed).
It prints rows per second and the ratio of the pipeline and of the import to each bare parse,
against the targets (at most 1.5 x bare parsing, and under 3 s). Wall-clock times; CPU times beside
them, since a busy machine slows both alike. Then, from one more import, the time of each of its parts
(reading, checking, writing the rows with the audit's hash of them — on a thread of their own,
while the next sheets are read — and matching). The reading parses on two
threads, so a machine whose second core is busy with other work reads slower than one whose core is
free: run it a few times. --profile adds a cProfile of one import run.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from importlib import metadata  # noqa: E402

import python_calamine  # noqa: E402

from core.excel.check import check_workbook  # noqa: E402
from core.people.matching import UnitSubmission, match  # noqa: E402
from core.scoring.facts import Base, Unit, Year  # noqa: E402
from core.scoring.rules import load_rule_set  # noqa: E402
from core.store.dataset import Dataset  # noqa: E402
from core.store.people_edits import import_workbook  # noqa: E402
from tests.xlsx_builders import LABOUR_BASES, generate_monthly, generate_roster, with_shared_strings  # noqa: E402

UNIT = "吴江人力资源服务有限公司"

TARGET_RATIO = 1.5
TARGET_MB = 500
TARGET_SECONDS = 3.0
FILES_VERSION = 2  # bump when the generators change
STYLES = {"openpyxl": "written as openpyxl writes (each text inside its cell)",
          "excel": "saved as Excel and WPS save (texts in a shared-strings table)"}


def files(rows: int, fresh: bool) -> dict[str, tuple[Path, Path]]:
    """The roster and the monthly reports in each style of writing them: as openpyxl's write-only mode
    does (each text inside its cell) and as Excel and WPS save them (the texts in a shared-strings table)."""
    folder = Path(tempfile.gettempdir()) / f"leye-bench-excel-v{FILES_VERSION}-{rows}"
    folder.mkdir(exist_ok=True)
    roster, monthly = folder / "roster.xlsx", folder / "monthly.xlsx"
    offset = rows // 100  # the first 1% of the roster is missing from the reports
    if fresh or not roster.exists():
        print(f"writing {roster} ({rows:,} rows) …", flush=True)
        generate_roster(roster, rows)
    if fresh or not monthly.exists():
        print(f"writing {monthly} ({rows:,} rows) …", flush=True)
        generate_monthly(monthly, rows, first=offset)
    saved = {}
    for path in (roster, monthly):
        saved[path] = folder / f"{path.stem}-shared-strings.xlsx"
        if fresh or not saved[path].exists():
            with_shared_strings(path, saved[path])
    return {"openpyxl": (roster, monthly), "excel": (saved[roster], saved[monthly])}


def bare_parse(paths: tuple[Path, ...]) -> int:
    rows = 0
    for path in paths:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
            for name in workbook.sheet_names:
                rows += len(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return rows


def bare_parse_gc_paused(paths: tuple[Path, ...]) -> int:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return bare_parse(paths)
    finally:
        if enabled:
            gc.enable()


def pipeline(rules, roster: Path, monthly: Path):
    arrivals = check_workbook(roster, "arrivals", rules)
    reports = check_workbook(monthly, "monthly_reports", rules)
    result = match(rules, [UnitSubmission(UNIT, arrivals.records, (), reports.records)])
    return arrivals, reports, result


def empty_dataset(rules, folder: Path, run: int) -> Dataset:
    """A new dataset with the one unit and its three labour bases (what the roster's people name)."""
    from tests.builders import credit_code
    path = folder / f"bench-{run}.sqlite"
    ds = Dataset.create(path, rules, "基准测试", backups=False)
    bases = tuple(Base(name, "labour", rules.period_start) for name in LABOUR_BASES)
    edit = ds.import_year(1, Year(rules.year, rules.id, (Unit(UNIT, credit_code("bench"), ("hr_service",),
                                                               bases=bases),)))
    assert edit.ok, edit.problems
    return ds


def import_into(ds: Dataset, roster: Path, monthly: Path):
    unit_id = ds.unit_id(UNIT)
    arrivals, edit = import_workbook(ds, 1, "arrivals", roster, unit_id=unit_id)
    assert edit is not None and edit.ok, (arrivals.problems[:3], edit)
    reports, edit = import_workbook(ds, 1, "monthly_reports", monthly, unit_id=unit_id)
    assert edit is not None and edit.ok, (reports.problems[:3], edit)
    return arrivals, reports, ds.match()


# Run in a process of its own: the peak resident memory of the import alone (or of the bare parse, the
# baseline), read from the kernel at the end (VmHWM), as a user's desktop would hold it.
PEAK_OF = """
import sys, tempfile
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/bench"]
import bench_excel as bench
from core.scoring.rules import load_rule_set
roster, monthly = Path(sys.argv[2]), Path(sys.argv[3])
if sys.argv[4] == "bare":
    bench.bare_parse((roster, monthly))
else:
    with tempfile.TemporaryDirectory() as folder, bench.empty_dataset(load_rule_set(), Path(folder), 0) as ds:
        bench.import_into(ds, roster, monthly)
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def peak_rss_mb(what: str, roster: Path, monthly: Path) -> float:
    done = subprocess.run([sys.executable, "-c", PEAK_OF, str(ROOT), str(roster), str(monthly), what],
                          capture_output=True, text=True, timeout=900)
    lines = done.stdout.strip().splitlines()
    assert lines and lines[-1].isdigit(), done.stderr
    return int(lines[-1]) / 1024


# The import's parts, timed in one more run by wrapping the functions that do them (wall time in the
# thread that waits for each): what the import spends beyond parsing, part by part.
PHASES = (("core.excel.limits", "_check_sheet", "read: limits checked (in the reading thread)"),
          ("core.excel.pieces", "read_cut", "read: a large sheet cut into pieces (and handed over)"),
          ("core.excel.check", "_Checker._part", "check: cells converted and checked, records made"),
          ("core.store.people_writer", "SheetRowsWriter._write", "write: rows inserted, hashed (writing thread)"),
          ("core.excel.check", "read_and_check", "read and check (the parts above overlap the parsing)"),
          ("core.store.people_writer", "SheetRowsWriter.close", "write: the rows left when the reading ends"),
          ("core.store.people_writer", "SheetRowsWriter.finish", "write: indexes made again"),
          ("core.people.tables", "match_stored", "match: from the records kept"))
WHOLE_PHASES = ("read and check", "write: the rows left", "write: indexes", "match")  # what the rest is the rest of


def print_phases(rules, roster: Path, monthly: Path) -> None:
    import functools
    import importlib
    spent: dict[str, float] = {}
    originals = []
    for module_name, name, label in PHASES:
        owner = importlib.import_module(module_name)
        *path, attribute = name.split(".")
        for step in path:
            owner = getattr(owner, step)
        original = getattr(owner, attribute)
        originals.append((owner, attribute, original))

        def wrapped(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - started
        setattr(owner, attribute, functools.wraps(original)(wrapped))
    try:
        with tempfile.TemporaryDirectory() as folder, empty_dataset(rules, Path(folder), 0) as ds:
            wall = timed(import_into, ds, roster, monthly)[0]
    finally:
        for owner, attribute, original in originals:
            setattr(owner, attribute, original)
    print(f"the import's parts (one more run, {wall:.2f} s):")
    for _, _, label in PHASES:
        print(f"  {label:<58}{spent.get(label, 0.0):>6.2f} s")
    named = sum(v for k, v in spent.items() if k.startswith(WHOLE_PHASES))
    print(f"  {'the rest (file hashes, edits, audit rows, commits)':<58}{wall - named:>6.2f} s")


def timed(fn, *args):
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--style", choices=("both", *STYLES), default="both",
                        help="the workbooks as openpyxl writes them, as Excel saves them, or both")
    args = parser.parse_args()
    rules = load_rule_set()
    styles = files(args.rows, args.fresh)
    print(f"python {platform.python_version()} · python-calamine {metadata.version('python-calamine')} · "
          f"openpyxl {metadata.version('openpyxl')} · {platform.machine()} · best of {args.runs}")
    for style, (roster, monthly) in styles.items():
        if args.style in ("both", style):
            print()
            print(f"== the workbooks {STYLES[style]} ==")
            measure(rules, roster, monthly, args.runs, args.profile)
    return 0


def measure(rules, roster: Path, monthly: Path, runs: int, profile: bool) -> None:
    """The bare parse, the pipeline and the import of these two workbooks, `runs` times each, interleaved;
    the ratios against the targets, the peak memory, the import's parts."""
    paths = (roster, monthly)
    bare, bare_paused, piped, imported = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):  # interleaved, so a busy spell hurts all alike
            bare.append(timed(bare_parse, paths)[:2])
            bare_paused.append(timed(bare_parse_gc_paused, paths)[:2])
            wall, cpu, (arrivals, reports, result) = timed(pipeline, rules, roster, monthly)
            piped.append((wall, cpu))
            with empty_dataset(rules, Path(folder), run) as ds:
                wall, cpu, (_, _, stored) = timed(import_into, ds, roster, monthly)
                imported.append((wall, cpu))
                size = ds.path.stat().st_size
    assert arrivals.ok and reports.ok, (arrivals.problems[:3], reports.problems[:3])
    unit = result.units[0]
    from_dataset = stored.unit(UNIT)
    assert (from_dataset.arrivals, from_dataset.arrivals_retained, len(from_dataset.unconfirmed())) == (
        unit.arrivals, unit.arrivals_retained, len(unit.unconfirmed())), "the dataset matched differently"
    rows = arrivals.rows_checked + reports.rows_checked
    best = {name: min(runs) for name, runs in (("bare", bare), ("bare_paused", bare_paused), ("pipeline", piped),
                                               ("import", imported))}

    print(f"files: roster {roster.stat().st_size / 1e6:.1f} MB ({arrivals.rows_checked:,} people), "
          f"monthly reports {monthly.stat().st_size / 1e6:.1f} MB ({reports.rows_checked:,} rows in "
          f"{len({r.sheet for r in reports.records})} sheets)")
    print(f"matched: {unit.arrivals:,} confirmed, {unit.arrivals_retained:,} retained, "
          f"{len(unit.unconfirmed()):,} not confirmed (not in the monthly reports); the same from the dataset "
          f"({size / 1e6:.1f} MB after the import)")
    print()
    print(f"{'step':<34}{'wall s':>8}{'cpu s':>8}{'rows/s':>11}")
    for label, key in (("bare parse (calamine)", "bare"), ("bare parse, gc paused", "bare_paused"),
                       ("pipeline: read+check+match", "pipeline"),
                       ("import: read+check+insert+match", "import")):
        wall, cpu = best[key]
        print(f"{label:<34}{wall:>8.2f}{cpu:>8.2f}{rows / wall:>11,.0f}")
    print()
    ok = True
    for measured in ("pipeline", "import"):
        for label, key in (("bare parse", "bare"), ("bare parse with gc paused", "bare_paused")):
            ratio = best[measured][0] / best[key][0]
            ratio_cpu = best[measured][1] / best[key][1]
            verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
            ok &= ratio <= TARGET_RATIO
            print(f"{measured} / {label}: {ratio:.2f}x wall, {ratio_cpu:.2f}x cpu (target <= {TARGET_RATIO:g}x): "
                  f"{verdict}")
        seconds = best[measured][0]
        print(f"{measured}: {seconds:.2f} s (target < {TARGET_SECONDS:g} s): "
              f"{'ok' if seconds < TARGET_SECONDS else 'OVER TARGET'}")
        ok &= seconds < TARGET_SECONDS
    imported_mb, bare_mb = peak_rss_mb("import", roster, monthly), peak_rss_mb("bare", roster, monthly)
    print(f"peak resident memory of the import in a process of its own: {imported_mb:.0f} MB (the bare parse: "
          f"{bare_mb:.0f} MB; {imported_mb / bare_mb:.1f}x)  target < {TARGET_MB} MB: "
          f"{'ok' if imported_mb < TARGET_MB else 'OVER TARGET'}")
    print()
    print_phases(rules, roster, monthly)
    if profile or not ok:
        with tempfile.TemporaryDirectory() as folder, empty_dataset(rules, Path(folder), 0) as ds:
            profiler = cProfile.Profile()
            profiler.enable()
            import_into(ds, roster, monthly)
            profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
        print(out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
