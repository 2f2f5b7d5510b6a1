"""Benchmark: export the score sheets (考核评分表) of a 200-unit year, unsigned and signed.

    .venv/bin/python bench/bench_pdf.py [--units N] [--seed S] [--profile]

Builds a synthetic year (bench/bench_score.py's generator) into a dataset in a temporary folder,
makes a signing key there, then times core.pdf.export.Exporter.sheet for every unit: first
unsigned (read-only dataset), then signed (each one is also finalized: the version and the lock
are written to the dataset). Prints the median per sheet against the targets (100 ms unsigned,
300 ms signed) beside baselines measured in the same run: a one-paragraph PDF in the same
embedded font through the same platypus path (the floor of any document), and pyHanko signing
that one-paragraph PDF with the same stamp (the floor of any signature).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import datetime as dt  # noqa: E402
import io  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bench_score import synthetic_year  # noqa: E402

from core.pdf.export import Exporter  # noqa: E402
from core.pdf.fonts import cjk_fonts  # noqa: E402
from core.pdf.layout import PageFacts, SignatureField, build, p, styles  # noqa: E402
from core.pdf.signing import create_key, load_signer  # noqa: E402
from core.scoring.rules import load_rule_set  # noqa: E402
from core.store.dataset import Dataset, create_file  # noqa: E402

UNSIGNED_TARGET_MS = 100.0
SIGNED_TARGET_MS = 300.0
PASSWORD = "bench-password"


def ms(seconds: float) -> float:
    return seconds * 1000


def baseline_pdf(fonts):
    s = styles(fonts)
    page = PageFacts("考核评分表", "基准单位", 2022, dt.datetime.now().astimezone(), "0" * 12, "0" * 12)
    return build([p("考核评分表基准：一段中文。", s.body), SignatureField(s)], page, fonts)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20220901)
    parser.add_argument("--profile", action="store_true", help="profile ten unsigned and ten signed sheets")
    args = parser.parse_args(argv)

    fonts, problems = cjk_fonts()
    if fonts is None:
        print(problems[0].message)
        return 2
    rules = load_rule_set()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        start = time.perf_counter()
        year = synthetic_year(rules, args.units, args.seed)
        path = folder / "bench-2022.sqlite"
        assert create_file(path, rules, "基准", "考核组长", year) == []
        key = create_key(folder / "bench.p12", "基准", PASSWORD, organisation="吴江区人社局")
        signer = load_signer(key.path, PASSWORD)
        print(f"Python {platform.python_version()} on {platform.machine()} ({platform.system()}); "
              f"font {fonts.body_file.path.name}; setup {ms(time.perf_counter() - start):.0f} ms")
        names = [u.name for u in year.units]

        # Baselines: the floor of any PDF in this font, and of any signature with this stamp.
        baseline_pdf(fonts)
        base_times, sign_base_times = [], []
        for _ in range(30):
            t0 = time.perf_counter()
            built = baseline_pdf(fonts)
            t1 = time.perf_counter()
            signer.sign(built.pdf, built.signature_box, fonts=fonts, reason="基准")
            t2 = time.perf_counter()
            base_times.append(ms(t1 - t0))
            sign_base_times.append(ms(t2 - t1))

        with Dataset.open(path, read_only=True) as ds:
            exporter = Exporter(ds, fonts=fonts)
            t0 = time.perf_counter()
            exporter.sheet(names[0])  # the first one reads and scores the year
            first_ms = ms(time.perf_counter() - t0)
            unsigned, pages, sizes = [], [], []
            for name in names:
                t0 = time.perf_counter()
                done, problems = exporter.sheet(name)
                unsigned.append(ms(time.perf_counter() - t0))
                assert done is not None, problems
                pages.append(done.pages)
                sizes.append(len(done.pdf))
            if args.profile:
                profile(lambda: [exporter.sheet(n) for n in names[:10]], "unsigned, 10 sheets")

        with Dataset.open(path, backups=False) as ds:
            exporter = Exporter(ds, fonts=fonts)
            signed, signed_sizes = [], []
            for name in names:
                t0 = time.perf_counter()
                done, problems = exporter.sheet(name, signer=signer, assessor="基准")
                signed.append(ms(time.perf_counter() - t0))
                assert done is not None and done.locked, problems
                signed_sizes.append(len(done.pdf))
            locked = sum(1 for uid in ds.unit_ids() if ds.unit_lock(uid) is not None)
            if args.profile:
                profile(lambda: [exporter.sheet(n, signer=signer, assessor="基准") for n in names[:10]],
                        "signed, 10 sheets")

    base, sign_base = statistics.median(base_times), statistics.median(sign_base_times)
    u_med, s_med = statistics.median(unsigned), statistics.median(signed)
    print(f"{len(names)} units; sheets of {min(pages)}–{max(pages)} pages, "
          f"{statistics.median(sizes) / 1024:.0f} KB unsigned / {statistics.median(signed_sizes) / 1024:.0f} KB signed "
          f"(median); first sheet incl. reading and scoring the year {first_ms:.0f} ms")
    print()
    print(f"baseline: one-paragraph PDF, same font and page template: median {base:.1f} ms")
    print(f"baseline: signing that PDF with the same key and stamp:    median {sign_base:.1f} ms")
    print(f"unsigned score sheet: median {u_med:.1f} ms (min {min(unsigned):.1f}, max {max(unsigned):.1f}); "
          f"{u_med / base:.1f}× the one-paragraph PDF; target {UNSIGNED_TARGET_MS:.0f} ms: "
          f"{'within' if u_med <= UNSIGNED_TARGET_MS else 'OVER'}")
    print(f"signed score sheet (build + sign + finalize in the dataset): median {s_med:.1f} ms "
          f"(min {min(signed):.1f}, max {max(signed):.1f}); {s_med / (base + sign_base):.1f}× the two baselines; "
          f"target {SIGNED_TARGET_MS:.0f} ms: {'within' if s_med <= SIGNED_TARGET_MS else 'OVER'}")
    print(f"units locked after signing: {locked}/{len(names)}")
    return 0 if u_med <= UNSIGNED_TARGET_MS and s_med <= SIGNED_TARGET_MS else 1


def profile(work, title: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"--- profile: {title}")
    print(out.getvalue())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
