"""Benchmark: two field copies of a 200-unit year, 1,000 edits each, merged back into the year file.

    .venv/bin/python bench/bench_merge.py [--units N] [--edits N] [--seed S]

Builds (untimed) a year of 200 units (bench/bench_score.py's generator), makes two field copies
(张三, 李四) and makes 1,000 random edits on each through the program — insured workers, a base's
people, evidence ticks, clause notes, contact persons, deliveries added and their stars changed, on
random units, so that some facts are edited on both copies (conflicts). Then, timed:

  plan A   what merging copy A would bring in (merge --dry-run);
  merge A  copy A merged (one transaction, validated, audited);
  merge B  copy B merged, every conflict taken from the copy (--take-all theirs, with a reason);
  again    copy B merged a second time (nothing new: changes nothing);
  check    verify-audit of the merged year.

Printed beside a baseline from the same run: the same 1,000 edits of copy A made one by one through
the program in a plain copy of the year (what typing them again in the office would cost the program).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bench_score import synthetic_year  # noqa: E402

from core.scoring.rules import load_rule_set  # noqa: E402
from core.store.dataset import Dataset, create_file  # noqa: E402
from core.teamwork.field_copy import make_field_copy  # noqa: E402
from core.teamwork.merge import merge_copy  # noqa: E402
from core.teamwork.plan import plan_merge  # noqa: E402

RULES = ROOT / "resources" / "rules" / "wujiang-2022.toml"
ITEMS = (("4.1", "documents"), ("4.1", "minutes"), ("4.3", "monthly_reports"), ("1.3", "annual_plan"),
         ("2.2", "six_months_proof"), ("4.2", "insurer_documents"))


def random_edits(rng: random.Random, units: int, count: int) -> list[tuple]:
    edits: list[tuple] = []
    for n in range(count):
        unit = rng.randrange(units)
        kind = rng.randrange(7)
        if kind == 0:
            edits.append(("insured", unit, rng.randint(0, 400)))
        elif kind == 1:
            edits.append(("people", unit, rng.randint(200, 400)))
        elif kind == 2:
            edits.append(("tick", unit, rng.randrange(len(ITEMS)), rng.random() < 0.7))
        elif kind == 3:
            edits.append(("note", unit, rng.choice(("1.1", "2.1", "4.3")), f"现场记录{n}"))
        elif kind == 4:
            edits.append(("contact", unit, rng.choice(("王芳", "周敏", "赵六"))))
        elif kind == 5:
            edits.append(("delivery", unit, n, rng.randint(3, 5)))
        else:
            edits.append(("stars", unit, rng.randint(0, 5)))
    return edits


def apply(ds: Dataset, who: int, edit: tuple, unit_ids: list[int]) -> None:
    kind, unit = edit[0], unit_ids[edit[1]]
    if kind == "insured":
        result = ds.set_insured_workers(who, unit, edit[2])
    elif kind == "people":
        bases = ds.base_ids(unit)
        if not bases:
            return
        result = ds.update_base(who, bases[0], people=edit[2])
    elif kind == "tick":
        clause, item = ITEMS[edit[2]]
        result = ds.tick_evidence(who, unit, clause, item, edit[3])
    elif kind == "note":
        result = ds.set_clause_note(who, unit, edit[2], edit[3])
    elif kind == "contact":
        result = ds.update_unit(who, unit, contact_person=edit[2])
    elif kind == "delivery":
        result = ds.add_delivery(who, unit, dt.date(2022, 7, 1), f"现场企业{edit[2]}", edit[3])
    else:
        deliveries = ds.delivery_ids(unit)
        if not deliveries:
            return
        result = ds.update_delivery(who, deliveries[0], stars=edit[2])
    assert result.ok, result.problems


def edited_copy(year: Path, target: Path, assessor: str, edits: list[tuple]) -> float:
    with Dataset.open(year, backups=False) as ds:
        make_field_copy(ds, target, assessor, 1)
    return apply_all(target, assessor, edits)


def apply_all(path: Path, assessor: str, edits: list[tuple]) -> float:
    with Dataset.open(path, backups=False) as ds:
        who = ds.assessor_id(assessor) or 1
        unit_ids = ds.unit_ids()
        started = time.perf_counter()
        for edit in edits:
            apply(ds, who, edit, unit_ids)
        return time.perf_counter() - started


def rows(path: Path) -> int:
    with Dataset.open(path, read_only=True) as ds:
        return ds.audit_head()[0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    rules = load_rule_set(RULES)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        year = Path(folder) / "2022.wjkh"
        assert not create_file(year, rules, "组长", year=synthetic_year(rules, args.units, args.seed))
        plain = Path(folder) / "plain.wjkh"
        shutil.copy(year, plain)
        edits_a, edits_b = random_edits(rng, args.units, args.edits), random_edits(rng, args.units, args.edits)
        edited_copy(year, Path(folder) / "a.wjkh", "张三", edits_a)
        edited_copy(year, Path(folder) / "b.wjkh", "李四", edits_b)
        baseline = apply_all(plain, "组长", edits_a)
        start_rows = rows(year)
        print(f"year: {args.units} units, {start_rows:,} audit rows; copies: {args.edits:,} edits each "
              f"(copy A {rows(Path(folder) / 'a.wjkh') - start_rows:,} audit rows, "
              f"copy B {rows(Path(folder) / 'b.wjkh') - start_rows:,})")
        print(f"baseline: copy A's edits made one by one in the office  {baseline * 1000:9.1f} ms")
        with Dataset.open(year, backups=False) as ds:
            with Dataset.open(Path(folder) / "a.wjkh", read_only=True) as a:
                started = time.perf_counter()
                plan = plan_merge(ds, a, "a.wjkh")
                planned = time.perf_counter() - started
                print(f"plan A (merge --dry-run): {len(plan.changes):,} changes, {len(plan.conflicts)} conflicts"
                      f"   {planned * 1000:9.1f} ms  ({planned / baseline:.2f}× baseline)")
                started = time.perf_counter()
                plan, edit = merge_copy(ds, a, "a.wjkh", 1)
                merged = time.perf_counter() - started
                assert edit.ok, edit.problems
                print(f"merge A: {len(plan.changes):,} changes                          {merged * 1000:9.1f} ms  "
                      f"({merged / baseline:.2f}× baseline)")
            after_a = ds.audit_head()[0]
            with Dataset.open(Path(folder) / "b.wjkh", read_only=True) as b:
                conflicts = plan_merge(ds, b, "b.wjkh").conflicts  # the lead's choices, made beforehand
                choices = {c.number: "theirs" if c.can_take_theirs else "mine" for c in conflicts}
                started = time.perf_counter()
                plan, edit = merge_copy(ds, b, "b.wjkh", 1, choices=choices, reason="以现场核对为准")
                merged_b = time.perf_counter() - started
                assert edit.ok, edit.problems
                taken = sum(c == "theirs" for c in choices.values())
                print(f"merge B: {len(plan.changes):,} changes, {len(plan.conflicts)} conflicts ({taken} taken from "
                      f"the copy)  {merged_b * 1000:9.1f} ms  ({merged_b / baseline:.2f}× baseline)")
                after_b = ds.audit_head()[0]
                started = time.perf_counter()
                plan, edit = merge_copy(ds, b, "b.wjkh", 1)
                again = time.perf_counter() - started
                assert edit.ok and plan.rows == 0 and ds.audit_head()[0] == after_b
                print(f"merge B again: nothing new, nothing written       {again * 1000:9.1f} ms")
            started = time.perf_counter()
            report = ds.check_audit()
            checked = time.perf_counter() - started
            assert report.ok, report.problems
            print(f"verify-audit of the merged year: passes             {checked * 1000:9.1f} ms")
            print(f"audit rows: {start_rows:,} before; merge A added {after_a - start_rows:,}, "
                  f"merge B {after_b - after_a:,}; {ds.audit_head()[0]:,} in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
