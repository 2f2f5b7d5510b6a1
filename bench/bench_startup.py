"""Start-up and switching speed of the desktop (offscreen).

1. Time from process start to the main window painted with the demo year open (`python main.py`
   with LEYE_EXIT_WHEN_SHOWN: it reports and quits once the unit list and the first clause page have
   been painted), against a bare PySide6 script that shows an empty QMainWindow and quits after its
   first paint, measured alternately in one run; median of several. Target: at most 1.5 × the bare
   window. Both processes report the moment of their first paint on the system's monotonic clock, so
   the figure is start → shown; the whole process (including its exit) is printed beside it. The
   first run of main.py creates the demo dataset, compiles the bytecode and fills the parse cache
   of the rule set and the messages (core/common/tomlcache.py), as a user's first start does; it is not
   measured.
   Both report their phases too, and the bench prints where main.py's extra time goes: the
   imports (core, PySide6 and ui against PySide6 alone), the application, and the window with the
   year against the empty window. For scale it also times the bare window with Qt's namespace
   touched and one line of Chinese text painted: the least any window showing a year must do.
2. Switching between units and between clauses with a 200-unit year open. Target: under 20 ms.

    .venv/bin/python bench/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = """
import time
STARTED = time.monotonic()
MARKS = [STARTED]
import json
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
MARKS.append(time.monotonic())


class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, shown)
        return False


def shown():
    MARKS.append(time.monotonic())
    phases = {label: (MARKS[i + 1] - MARKS[i]) * 1000 for i, label in enumerate(("qt", "app", "window", "painted"))}
    print(json.dumps({"started": STARTED, "painted": MARKS[-1], "cpu_ms": time.process_time() * 1000,
                      "phases": phases}), flush=True)
    app.quit()


app = QApplication(sys.argv)
MARKS.append(time.monotonic())
window = QMainWindow()
window.resize(1366, 768)
# LABEL
watch = Painted()
window.installEventFilter(watch)
window.show()
MARKS.append(time.monotonic())
app.exec()
"""
# The least any window showing a year must do beyond the bare one: Qt's namespace (PySide6 makes all
# of its ~130 enums on first use) and one line of Chinese text laid out and painted.
LABEL = """from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
label = QLabel("苏州松陵众信人力资源有限公司　116.5 分 · A级 · 10/10 条 · 已定稿")
label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
window.setCentralWidget(label)"""
LABELLED = BARE.replace("# LABEL", LABEL)
PHASES = ("main", "core", "qt", "ui", "app", "window", "open", "painted")
BARE_PHASES = ("main", "qt", "app", "window", "painted")


def timed(args: list[str], env: dict) -> dict:
    """Start → painted (ms), the whole process (ms), and the child's own report."""
    start = time.monotonic()
    done = subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True, encoding="utf-8")
    end = time.monotonic()
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["phases"] = {"main": (report["started"] - start) * 1000, **report.get("phases", {})}
    return {"shown": (report["painted"] - start) * 1000, "process": (end - start) * 1000, "report": report}


def startup(runs: int) -> tuple[list[dict], list[dict], list[dict]]:
    home = Path(tempfile.mkdtemp(prefix="leye-bench-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache"), "LEYE_EXIT_WHEN_SHOWN": "1"}
    # An installed program runs from compiled bytecode (Python writes it on the first run, an
    # installer at install time); a shell that forbids writing it would time the compiler instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bare_script = home / "bare.py"
    bare_script.write_text(BARE, encoding="utf-8")
    labelled_script = home / "labelled.py"
    labelled_script.write_text(LABELLED, encoding="utf-8")
    ours = [sys.executable, str(ROOT / "main.py")]
    bare = [sys.executable, str(bare_script)]
    labelled = [sys.executable, str(labelled_script)]
    timed(ours, env)  # the first run creates the demo dataset in the data folder; not measured
    timed(bare, env)
    timed(labelled, env)
    bare_runs, our_runs, labelled_runs = [], [], []
    for _ in range(runs):
        bare_runs.append(timed(bare, env))
        our_runs.append(timed(ours, env))
        labelled_runs.append(timed(labelled, env))
    return bare_runs, our_runs, labelled_runs


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def switching(units: int = 200, rounds: int = 30) -> tuple[float, float]:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, str(ROOT))
    from dataclasses import replace

    from PySide6.QtCore import QStandardPaths

    from core.common.credit_codes import USCC_ALPHABET, with_check_chars
    from core.scoring.facts import Year, load_year
    from core.scoring.rules import load_rule_set
    from core.store.dataset import create_file
    from core.store.demo import DEMO_JSON
    from ui.app import create_app
    from ui.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    rules = load_rule_set()
    demo, _ = load_year(DEMO_JSON, rules)
    made = []
    for i in range(units):
        body = "91320509" + "".join(USCC_ALPHABET[(i * 7 + k * 3) % 31] for k in range(4)) + f"{i:04d}"
        source = demo.units[i % len(demo.units)]
        made.append(replace(source, name=f"{source.name}（{i + 1}）", credit_code=with_check_chars(body)))
    year = Year(demo.year, demo.rule_set, tuple(made))
    path = Path(tempfile.mkdtemp(prefix="leye-bench-")) / "200.sqlite"
    assert create_file(path, rules, "基准", year=year) == []
    app = create_app()
    window = MainWindow()
    window.resize(1366, 768)
    window.show()
    window.open_dataset(path, "基准")
    settled = time.monotonic() + 3  # as a person starts working: the year painted, the idle work done
    while time.monotonic() < settled and (window.finish_timer.isActive() or window.prepare_timer.isActive()
                                          or time.monotonic() < settled - 2.5):
        app.processEvents()
    ws = window.workspace
    ids = window.session.unit_ids
    unit_times, clause_times = [], []
    for r in range(rounds):
        start = time.perf_counter()
        ws.select_unit(ids[(r * 37) % len(ids)])
        app.processEvents()
        unit_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        ws.go_page((r * 3) % len(window.session.pages))
        app.processEvents()
        clause_times.append(time.perf_counter() - start)
    window.close()
    return statistics.median(unit_times), statistics.median(clause_times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bare_runs, our_runs, labelled_runs = startup(args.runs)
    bare, ours = median(bare_runs, "shown"), median(our_runs, "shown")
    labelled = median(labelled_runs, "shown")
    bare_all, ours_all = median(bare_runs, "process"), median(our_runs, "process")
    print(f"start-up to the first paint, median of {args.runs}: bare QMainWindow {bare:.0f} ms, "
          f"main.py with the demo year {ours:.0f} ms: {ours / bare:.2f}× (target ≤ 1.5×)")
    print(f"  for scale: the bare window with Qt's namespace and one line of Chinese text painted "
          f"{labelled:.0f} ms: {labelled / bare:.2f}×, leaving {1.5 * bare - labelled:.0f} ms of the target "
          f"for opening and showing a year")
    print(f"whole process including its exit: bare {bare_all:.0f} ms, main.py {ours_all:.0f} ms: "
          f"{ours_all / bare_all:.2f}×")
    def spread(runs: list[dict]) -> str:
        return f"{min(r['shown'] for r in runs):.0f}–{max(r['shown'] for r in runs):.0f}"
    print(f"  spread (min–max): bare {spread(bare_runs)} ms, main.py {spread(our_runs)} ms")
    bare_cpu = statistics.median(r["report"]["cpu_ms"] for r in bare_runs)
    ours_cpu = statistics.median(r["report"]["cpu_ms"] for r in our_runs)
    print(f"processor time to the first paint (steadier on a busy machine), median: bare {bare_cpu:.0f} ms, "
          f"main.py {ours_cpu:.0f} ms: {ours_cpu / bare_cpu:.2f}×")
    phases = {p: statistics.median(r["report"]["phases"][p] for r in our_runs) for p in PHASES}
    print("main.py phases (median ms): " + ", ".join(f"{p} {v:.0f}" for p, v in phases.items())
          + "   [main = interpreter start-up; core = core modules; qt = PySide6 and ui.app; ui = the other ui "
          "modules; app = QApplication; window = MainWindow; open = dataset, session and workspace; "
          "painted = until the year is on screen]")
    bare_phases = {p: statistics.median(r["report"]["phases"][p] for r in bare_runs) for p in BARE_PHASES}
    print("bare phases (median ms): " + ", ".join(f"{p} {v:.0f}" for p, v in bare_phases.items())
          + "   [qt = importing PySide6; window = QMainWindow shown]")
    # Side by side: the interpreter, the imports (core, PySide6 and ui against PySide6 alone), the
    # application, and the window with its year against an empty window.
    compared = {"interpreter": (phases["main"], bare_phases["main"]),
                "imports": (phases["core"] + phases["qt"] + phases["ui"], bare_phases["qt"]),
                "application": (phases["app"], bare_phases["app"]),
                "window, year and paint": (phases["window"] + phases["open"] + phases["painted"],
                                           bare_phases["window"] + bare_phases["painted"])}
    print("main.py − bare by part (median ms): " + ", ".join(
        f"{part} {ours_part:.0f} − {bare_part:.0f} = {ours_part - bare_part:+.0f}"
        for part, (ours_part, bare_part) in compared.items()))
    print(f"shown: {json.dumps(our_runs[-1]['report']['shown'], ensure_ascii=False)}")
    unit, clause = switching()
    print(f"switching with 200 units, median: unit {unit * 1000:.1f} ms, clause {clause * 1000:.1f} ms "
          f"(target < 20 ms)")
    print(json.dumps({"bare_ms": round(bare), "ours_ms": round(ours), "labelled_ms": round(labelled),
                      "ratio": round(ours / bare, 2), "bare_cpu_ms": round(bare_cpu), "ours_cpu_ms": round(ours_cpu),
                      "cpu_ratio": round(ours_cpu / bare_cpu, 2),
                      "bare_process_ms": round(bare_all), "ours_process_ms": round(ours_all),
                      "phases_ms": {p: round(v, 1) for p, v in phases.items()},
                      "bare_phases_ms": {p: round(v, 1) for p, v in bare_phases.items()},
                      "unit_switch_ms": round(unit * 1000, 1), "clause_switch_ms": round(clause * 1000, 1)}))


if __name__ == "__main__":
    main()
