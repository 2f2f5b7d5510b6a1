"""Start-up and switching speed of the desktop (offscreen).

1. Time from process start to the main window shown with the demo year open (`python main.py`),
   against a bare PySide6 script that shows an empty QMainWindow, measured alternately in one run;
   median of several. Target: at most 1.5 × the bare window.
2. Switching between units and between clauses with a 200-unit year open. Target: under 50 ms.

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
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1366, 768)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup(runs: int) -> tuple[float, float]:
    home = Path(tempfile.mkdtemp(prefix="leye-bench-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "LEYE_EXIT_WHEN_SHOWN": "1"}
    bare_script = home / "bare.py"
    bare_script.write_text(BARE, encoding="utf-8")
    ours = [sys.executable, str(ROOT / "main.py")]
    bare = [sys.executable, str(bare_script)]
    timed(ours, env)  # the first run creates the demo dataset in the data folder; not measured
    timed(bare, env)
    bare_times, our_times = [], []
    for _ in range(runs):
        bare_times.append(timed(bare, env))
        our_times.append(timed(ours, env))
    return statistics.median(bare_times), statistics.median(our_times)


def switching(units: int = 200, rounds: int = 30) -> tuple[float, float]:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, str(ROOT))
    from dataclasses import replace

    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication

    from core.dataset import create_file
    from core.facts import Year, load_year
    from core.identifiers import USCC_ALPHABET, uscc_check_char
    from core.rules import load_rule_set
    from ui.app import create_app
    from ui.main_window import DEMO_JSON, MainWindow

    QStandardPaths.setTestModeEnabled(True)
    rules = load_rule_set()
    demo, _ = load_year(DEMO_JSON, rules)
    made = []
    for i in range(units):
        body = "91320509" + "".join(USCC_ALPHABET[(i * 7 + k * 3) % 31] for k in range(4)) + f"{i:05d}"
        source = demo.units[i % len(demo.units)]
        made.append(replace(source, name=f"{source.name}（{i + 1}）", credit_code=body + uscc_check_char(body)))
    year = Year(demo.year, demo.rule_set, tuple(made))
    path = Path(tempfile.mkdtemp(prefix="leye-bench-")) / "200.sqlite"
    assert create_file(path, rules, "基准", year=year) == []
    app = create_app()
    window = MainWindow()
    window.resize(1366, 768)
    window.show()
    window.open_dataset(path)
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
    bare, ours = startup(args.runs)
    print(f"start-up, median of {args.runs}: bare QMainWindow {bare * 1000:.0f} ms, "
          f"main.py with the demo year {ours * 1000:.0f} ms: {ours / bare:.2f}× (target ≤ 1.5×)")
    unit, clause = switching()
    print(f"switching with 200 units, median: unit {unit * 1000:.1f} ms, clause {clause * 1000:.1f} ms "
          f"(target < 50 ms)")
    print(json.dumps({"bare_ms": round(bare * 1000), "ours_ms": round(ours * 1000), "ratio": round(ours / bare, 2),
                      "unit_switch_ms": round(unit * 1000, 1), "clause_switch_ms": round(clause * 1000, 1)}))


if __name__ == "__main__":
    main()
