"""Benchmark: a full recompute of a 1,000-unit year.

    .venv/bin/python bench/bench_score.py [--units N] [--runs R] [--seed S] [--profile]

Builds a synthetic year directly as core.scoring.facts records (deterministic seed; realistic mixes of
bases, trips, deliveries, ratings, evidence ticks and negative facts), then times
core.scoring.engine.score_year(rules, year) R times and prints the median against the 50 ms target,
beside a baseline measured in the same run: one plain pass over the same records that reads
every fact the engine reads (summing people, enterprises, stars and ticks), so the ratio says
how many "walks over the data" a recompute costs on this machine; and the median again with
the garbage collector disabled, to show its share. When the median is over the target (or with
--profile) it adds a cProfile run of one recompute with the top functions by own time and by
cumulative time.

Then the per-edit figure: a seeded sequence of single-unit edits of every kind the desktop makes
(a count, a rating, a base's people, an evidence tick, a complaint, a delivery added), each re-scored
by core.scoring.engine.YearScorer.rescore, timed in wall and CPU time, with its median and spread against
the full recompute measured above and the 16 ms target (one frame); the last result is checked
against a full score_year of the same facts. Last, the same in the desktop's own path: the year
written to a dataset file, opened in a core.editing.session.Session, and single-unit edits made through it
(saved in their transaction, the unit read back, re-scored), timed whole and in their re-scoring part;
and in the desktop itself (offscreen): the year open in the main window on clause 4.2, a figure typed
into its box for a unit after unit, each saved as the typing pause would save it, and the time until
the window has repainted with the new scores (unit list, page, explanation), split into the saving and
updating of the widgets (again into checking the unit against the exchange format, writing it, re-scoring
and updating the widgets) and the painting.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import dataclasses  # noqa: E402
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from fractions import Fraction  # noqa: E402

from core.common.credit_codes import with_check_chars  # noqa: E402
from core.scoring.engine import YearScorer, score_year  # noqa: E402
from core.scoring.facts import Base, Delivery, Management, Negative, Trip, Unit, Year  # noqa: E402
from core.scoring.rules import RuleSet, load_rule_set  # noqa: E402

TARGET_MS = 50.0
EDIT_TARGET_MS = 16.0  # one frame
REGIONS = ["贵州省铜仁市", "云南省昭通市", "河南省周口市", "安徽省阜阳市", "四川省广安市", "甘肃省定西市", "江西省赣州市"]
PLACES = ["铜仁", "遵义", "昭通", "周口", "阜阳", "广安", "定西", "赣州", "线上招聘会"]


def day_in(rng: random.Random, year: int, out_of_period: float) -> dt.date:
    """A date in `year`, or (with probability out_of_period) in the year before."""
    y = year - 1 if rng.random() < out_of_period else year
    return dt.date(y, 1, 1) + dt.timedelta(days=rng.randrange(365))


def ticks(rng: random.Random, ids, p_seen: float) -> dict[str, bool]:
    return {item: rng.random() < p_seen for item in ids}


def synthetic_unit(rng: random.Random, rules: RuleSet, n: int) -> Unit:
    y = rules.year
    kinds = rng.choices([("hr_service",), ("labour_dispatch",), ("hr_service", "labour_dispatch")], [5, 2, 3])[0]
    diligence = rng.random()  # some units keep their papers in order, some do not
    p_seen = 0.6 + 0.38 * diligence

    bases = []
    for i in range(rng.choices(range(7), [8, 12, 18, 25, 18, 12, 7])[0]):
        kind = rng.choices(["labour", "school"], [3, 1])[0]
        people = int(rng.lognormvariate(2.6, 0.9)) if rng.random() < 0.9 else 0
        retained = int(people * rng.uniform(0.2, 0.95))
        bases.append(Base(f"{REGIONS[i % len(REGIONS)]}{'劳务基地' if kind == 'labour' else '职业学院'}{n}-{i}", kind,
                          day_in(rng, y, 0.25), {"agreement": rng.random() < p_seen}, people, retained,
                          REGIONS[i % len(REGIONS)]))

    verdicts = rules.evaluation_verdicts
    trips = []
    for i in range(rng.choices(range(7), [10, 15, 30, 20, 12, 8, 5])[0]):
        enterprises = rng.randint(2, 12)
        evaluations = tuple(rng.choices(verdicts, [45, 30, 18, 7])[0] for _ in range(rng.randint(0, enterprises)))
        trips.append(Trip(day_in(rng, y, 0.03), rng.choice(PLACES), rng.choices(["offline", "online"], [3, 1])[0],
                          enterprises, ticks(rng, ("filing", "photos"), p_seen), evaluations))

    deliveries = tuple(Delivery(day_in(rng, y, 0.05), f"吴江企业{rng.randrange(400):03d}",
                                rng.choices(range(6), [1, 2, 3, 10, 40, 44])[0])
                       for _ in range(rng.choices(range(13), [6, 4, 5, 6, 10, 12, 12, 10, 9, 8, 7, 6, 5])[0]))

    evidence = {c.id: ticks(rng, c.evidence_ids, p_seen) for c in rules.clauses if c.evidence}
    rating = None if rng.random() < 0.12 else Fraction(rng.randint(30, 50), 10)
    if rng.random() < 0.1:
        management = Management(Fraction(rng.randint(0, 20), 2), "现场检查后评定")
    else:
        management = Management()
    arrivals = sum(b.people for b in bases if b.type == "labour")
    insured = int(arrivals * rng.uniform(0.2, 1.0))

    credit = {}
    if rng.random() < 0.05:
        kind = rng.choice(kinds)
        credit[kind] = rng.choice(rules.credit_scale(kind))  # the grades the kind's scale has
    negative = Negative(
        major_incident=rng.random() < 0.005,
        licences_cancelled=(rng.choice(kinds),) if rng.random() < 0.005 else (),
        credit_grades=credit,
        collective_disputes_lost=rng.choices(range(3), [97, 2, 1])[0],
        individual_disputes_lost=rng.choices(range(4), [85, 10, 4, 1])[0],
        complaints=rng.choices(range(9), [40, 20, 12, 8, 6, 5, 4, 3, 2])[0])

    return Unit(name=f"吴江第{n:04d}人力资源有限公司", credit_code=with_check_chars(f"91320509MA{n:06d}"), kinds=kinds,
                new_member=rng.random() < 0.2, facts_final=rng.random() < 0.97, bases=tuple(bases), trips=tuple(trips),
                evidence=evidence, deliveries=deliveries, platform_rating=rating, management=management,
                insured_workers=insured, negative=negative, contact_person="联系人")


def synthetic_year(rules: RuleSet, units: int, seed: int) -> Year:
    rng = random.Random(seed)
    return Year(rules.year, rules.id, tuple(synthetic_unit(rng, rules, n + 1) for n in range(units)))


def baseline_pass(year: Year) -> int:
    """One plain walk over every fact the engine reads."""
    total = 0
    for unit in year.units:
        for base in unit.bases:
            total += base.people + base.retained + base.evidence.get("agreement", False)
        for trip in unit.trips:
            total += trip.enterprises + len(trip.evaluations) + trip.evidence.get("filing", False)
        for delivery in unit.deliveries:
            total += delivery.stars
        for clause_ticks in unit.evidence.values():
            total += sum(clause_ticks.values())
        total += unit.insured_workers + unit.negative.complaints
    return total


def edited_unit(rng: random.Random, rules: RuleSet, unit: Unit) -> tuple[str, Unit]:
    """One edit an assessor makes on a unit: (kind, the unit's new facts)."""
    kind = rng.choice(["insured", "rating", "people", "tick", "complaints", "delivery"])
    if kind == "insured":
        return kind, dataclasses.replace(unit, insured_workers=rng.randint(0, 200))
    if kind == "rating":
        return kind, dataclasses.replace(unit, platform_rating=Fraction(rng.randint(30, 50), 10))
    if kind == "people" and unit.bases:
        i = rng.randrange(len(unit.bases))
        people = rng.randint(0, 80)
        changed = dataclasses.replace(unit.bases[i], people=people, retained=rng.randint(0, people))
        return kind, dataclasses.replace(unit, bases=unit.bases[:i] + (changed,) + unit.bases[i + 1:])
    if kind == "tick" or kind == "people":
        clause = rng.choice([c for c in rules.clauses if c.evidence])
        item = rng.choice(clause.evidence_ids)
        ticks = dict(unit.evidence.get(clause.id, {}))
        ticks[item] = not ticks.get(item, False)
        return "tick", dataclasses.replace(unit, evidence={**unit.evidence, clause.id: ticks})
    if kind == "complaints":
        negative = dataclasses.replace(unit.negative, complaints=rng.randint(0, 8))
        return kind, dataclasses.replace(unit, negative=negative)
    delivery = Delivery(day_in(rng, rules.year, 0.05), "吴江企业新增", rng.randint(3, 5))
    return kind, dataclasses.replace(unit, deliveries=unit.deliveries + (delivery,))


def timed_edits(rules: RuleSet, year: Year, edits: int, seed: int):
    """Re-score a seeded sequence of single-unit edits; returns (wall ms, cpu ms, kinds, last year, scorer)."""
    rng = random.Random(seed)
    scorer = YearScorer(rules)
    scorer.score(year)
    walls, cpus, kinds = [], [], []
    units = list(year.units)
    for _ in range(edits):
        i = rng.randrange(len(units))
        kind, units[i] = edited_unit(rng, rules, units[i])
        year = dataclasses.replace(year, units=tuple(units))
        wall, cpu = time.perf_counter(), time.process_time()
        scorer.rescore(year)
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
        kinds.append(kind)
    return walls, cpus, kinds, year, scorer


def timed_session_edits(rules: RuleSet, year: Year, edits: int, seed: int):
    """Edits through the desktop's session on a dataset file of `year`; returns (wall ms per edit,
    CPU ms per edit, re-scoring wall ms per edit, seconds to write the file)."""
    from core.editing.session import Session
    from core.store.dataset import Dataset, create_file
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.wjkh"
        start = time.perf_counter()
        problems = create_file(path, rules, "基准", year=year)
        if problems:
            raise SystemExit(f"the synthetic year does not load: {problems[:3]}")
        written = time.perf_counter() - start
        ds = Dataset.open(path, backups=False)
        try:
            session = Session(ds, 1)
            scoring: list[float] = []
            score = session._score

            def timed_score(whole: bool = False) -> None:
                begin = time.perf_counter()
                score(whole)
                scoring.append((time.perf_counter() - begin) * 1000)
            session._score = timed_score  # type: ignore[method-assign]
            clause = next(c for c in rules.clauses if c.evidence)
            walls, cpus = [], []
            for k in range(edits):
                uid = rng.choice(session.unit_ids)
                wall, cpu = time.perf_counter(), time.process_time()
                if k % 3 == 0:
                    session.set_insured_workers("投保人数", uid, rng.randint(0, 200))
                elif k % 3 == 1:
                    session.set_platform_rating("平台评分", uid, Fraction(rng.randint(30, 50), 10))
                else:
                    session.tick("勾选", uid, clause.id, rng.choice(clause.evidence_ids), rng.random() < 0.5)
                cpus.append((time.process_time() - cpu) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
        finally:
            ds.close()
    return walls, cpus, scoring[-len(walls):], written


def timed_desktop_edits(rules: RuleSet, year: Year, edits: int):
    """Edits typed into 4.2's box in the main window (offscreen) with a dataset file of the year open:
    (edit to repainted ms, saving and updating ms, painting ms, {part: ms} of the saving and updating) per edit."""
    from core.store.dataset import create_file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.wjkh"
        if create_file(path, rules, "基准", year=year):
            raise SystemExit("the synthetic year does not load")
        return _typed_edits(path, edits)


def _typed_edits(year_path: Path, edits: int):
    import os
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QSpinBox

    from ui.app import create_app
    from ui.main_window import MainWindow
    QStandardPaths.setTestModeEnabled(True)
    app = create_app()
    window = MainWindow()
    window.resize(1366, 768)
    window.show()
    assert window.open_dataset(year_path, "基准")
    settled = time.monotonic() + 3  # as a person starts working: the year painted, the idle work done
    while time.monotonic() < settled:
        app.processEvents()
    workspace, session = window.workspace, window.session
    workspace.go_page(next(i for i, page in enumerate(session.pages) if page.id == "4.2"))
    app.processEvents()
    page = workspace.clause_page
    whole, saving, painting = [], [], []
    parts: dict[str, list[float]] = {"checking the unit (exchange format)": [], "writing (SQL, commit)": [],
                                      "re-scoring": [], "updating the widgets": []}
    spent: dict[str, float] = {}

    def timed_part(name: str, function):
        def timed_call(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + (time.perf_counter() - begin) * 1000
        return timed_call
    ds = session.ds
    ds._validate = timed_part("validate", ds._validate)  # type: ignore[method-assign]
    ds._edit = timed_part("edit", ds._edit)  # type: ignore[method-assign]
    session._score = timed_part("score", session._score)  # type: ignore[method-assign]
    session.listeners[:] = [timed_part("widgets", listener) for listener in session.listeners]
    for n in range(edits):
        uid = session.unit_ids[(n * 37) % len(session.unit_ids)]
        workspace.select_unit(uid)
        app.processEvents()
        box = next(b for b in page.findChildren(QSpinBox) if b.isVisible() and b.suffix().strip() == "人")
        box.setValue(box.value() + 1)  # typed: saved after the typing pause, as below
        spent.clear()
        start = time.perf_counter()
        page.pending.flush()
        saved = time.perf_counter()
        app.processEvents()
        end = time.perf_counter()
        assert session.unit(uid).insured_workers == box.value()
        whole.append((end - start) * 1000)
        saving.append((saved - start) * 1000)
        painting.append((end - saved) * 1000)
        for name, key in zip(parts, ("validate", "edit", "score", "widgets"), strict=True):
            parts[name].append(spent.get(key, 0.0) - (spent.get("validate", 0.0) if key == "edit" else 0.0))
    window.close()
    return whole, saving, painting, parts


def spread(times: list[float]) -> str:
    q = statistics.quantiles(times, n=10)
    return f"median {statistics.median(times):.2f} ms (p10 {q[0]:.2f}, p90 {q[-1]:.2f}, max {max(times):.2f})"


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20220901)
    parser.add_argument("--edits", type=int, default=300, help="single-unit edits re-scored incrementally")
    parser.add_argument("--session-edits", type=int, default=60,
                        help="single-unit edits through the session on a dataset file (0: none)")
    parser.add_argument("--desktop-edits", type=int, default=40,
                        help="edits typed into the desktop's 4.2 box with the year open (0: none)")
    parser.add_argument("--profile", action="store_true", help="also profile one recompute with cProfile")
    args = parser.parse_args(argv)

    rules = load_rule_set()
    start = time.perf_counter()
    year = synthetic_year(rules, args.units, args.seed)
    build_ms = (time.perf_counter() - start) * 1000
    units = year.units
    print(f"Python {platform.python_version()} on {platform.machine()} ({platform.system()})")
    print(f"synthetic year: {len(units)} units, {sum(len(u.bases) for u in units)} bases, "
          f"{sum(len(u.trips) for u in units)} trips, {sum(len(u.deliveries) for u in units)} deliveries, "
          f"seed {args.seed}; built in {build_ms:.1f} ms")

    score_year(rules, year)  # warm-up (imports, caches)
    cpu_start = time.process_time()
    score_times = timed(lambda: score_year(rules, year), args.runs)
    score_cpu_ms = (time.process_time() - cpu_start) * 1000 / args.runs
    base_times = timed(lambda: baseline_pass(year), args.runs)
    score_ms, base_ms = statistics.median(score_times), statistics.median(base_times)
    before = [s["collections"] for s in gc.get_stats()]
    score_year(rules, year)
    collections = [a - b for a, b in zip((s["collections"] for s in gc.get_stats()), before)]
    gc.disable()
    try:
        nogc_ms = statistics.median(timed(lambda: score_year(rules, year), args.runs))
    finally:
        gc.enable()

    result = score_year(rules, year)
    grades = {}
    for u in result.units:
        grades[u.grade] = grades.get(u.grade, 0) + 1
    print(f"result: {len(result.units)} units scored, grades {dict(sorted(grades.items()))}, "
          f"top total {float(result.units[0].total):.2f}, provisional {result.provisional}")
    print()
    print(f"score_year, {args.runs} runs: median {score_ms:.1f} ms "
          f"(min {min(score_times):.1f}, max {max(score_times):.1f})")
    print(f"  CPU time per recompute (mean): {score_cpu_ms:.1f} ms")
    print(f"baseline (one plain pass over the same facts), {args.runs} runs: median {base_ms:.2f} ms")
    print(f"ratio score_year / baseline: {score_ms / base_ms:.0f}×")
    print(f"garbage collector: {collections} collections (generations 0, 1, 2) per recompute; "
          f"median with gc disabled {nogc_ms:.1f} ms, so gc costs {score_ms - nogc_ms:.0f} ms "
          f"({(score_ms - nogc_ms) / score_ms:.0%})")
    verdict = "within" if score_ms <= TARGET_MS else "OVER"
    print(f"target {TARGET_MS:.0f} ms for {args.units} units: {verdict} "
          f"({score_ms / TARGET_MS:.2f}× the target)")

    walls, cpus, kinds, edited_year, scorer = timed_edits(rules, year, args.edits, args.seed + 1)
    full = score_year(rules, edited_year)
    agree = scorer.result == full and all(a.clauses == b.clauses
                                          for a, b in zip(scorer.result.units, full.units, strict=True))
    edit_ms = statistics.median(walls)
    print()
    print(f"one edit re-scored (YearScorer.rescore), {len(walls)} edits of one unit each: wall {spread(walls)}")
    print(f"  CPU time: {spread(cpus)}")
    for kind in sorted(set(kinds)):
        of_kind = [w for w, k in zip(walls, kinds, strict=True) if k == kind]
        print(f"  {kind:<10} {len(of_kind):>4} edits: median {statistics.median(of_kind):.2f} ms, "
              f"max {max(of_kind):.2f} ms")
    print(f"ratio one edit / full recompute (same run): {edit_ms / score_ms:.3f} "
          f"({score_ms / edit_ms:.0f}× faster); ratio one edit / baseline pass: {edit_ms / base_ms:.2f}×")
    print(f"incremental result after {len(walls)} edits equals a full recompute: {'yes' if agree else 'NO'}")
    verdict = "within" if edit_ms <= EDIT_TARGET_MS else "OVER"
    print(f"target {EDIT_TARGET_MS:.0f} ms (one frame) per edit for {args.units} units: {verdict} "
          f"({edit_ms / EDIT_TARGET_MS:.2f}× the target)")

    if args.session_edits:
        walls, cpus, scoring, written = timed_session_edits(rules, year, args.session_edits, args.seed + 2)
        session_ms = statistics.median(walls)
        print()
        print(f"one edit through the session (saved, read back, re-scored) on a dataset file of {args.units} units "
              f"(written in {written:.1f} s), {len(walls)} edits: wall {spread(walls)}")
        print(f"  CPU time: {spread(cpus)}")
        print(f"  of which re-scoring: {spread(scoring)}")
        whole = session_ms - statistics.median(scoring) + score_ms
        print(f"ratio session edit / full recompute (same run): {session_ms / score_ms:.2f}; "
              f"re-scoring the whole year instead would make it about {whole:.0f} ms")
        verdict = "within" if session_ms <= EDIT_TARGET_MS else "OVER"
        print(f"target {EDIT_TARGET_MS:.0f} ms (one frame) per edit through the session: {verdict} "
              f"({session_ms / EDIT_TARGET_MS:.2f}× the target)")

    if args.desktop_edits:
        whole, saving, painting, parts = timed_desktop_edits(rules, year, args.desktop_edits)
        desktop_ms = statistics.median(whole)
        print()
        print(f"one edit in the desktop (typed into 4.2's box, saved, re-scored, the window repainted), "
              f"{len(whole)} edits: {spread(whole)}")
        print(f"  of which saving, re-scoring and updating the widgets: {spread(saving)}")
        for name, times in parts.items():
            print(f"    {name}: {spread(times)}")
        print(f"  of which painting: {spread(painting)}")
        print(f"ratio desktop edit / full recompute (same run): {desktop_ms / score_ms:.2f}")
        verdict = "within" if desktop_ms <= EDIT_TARGET_MS else "OVER"
        print(f"target {EDIT_TARGET_MS:.0f} ms (one frame) per edit in the desktop: {verdict} "
              f"({desktop_ms / EDIT_TARGET_MS:.2f}× the target)")

    if args.profile or score_ms > TARGET_MS:
        # gc is off while profiling: collections would otherwise be billed to whichever function
        # happened to allocate when they ran (isinstance, Fraction.__new__ …), hiding the real costs.
        profiler = cProfile.Profile()
        gc.disable()
        try:
            profiler.enable()
            score_year(rules, year)
            profiler.disable()
        finally:
            gc.enable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(15)
            print(f"\n---- cProfile of one recompute (gc disabled), top 15 by {order}")
            print("\n".join(line for line in out.getvalue().splitlines()
                            if line.strip() and not line.startswith(("   Ordered by", "   List reduced"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
