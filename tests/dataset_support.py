"""Years for the dataset tests: a rich hand-made year touching every fact of the exchange format,
the demo year when it exists, and a hypothesis strategy for generated years."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

from hypothesis import strategies as st

from core.scoring.facts import (
    Base,
    Delivery,
    Management,
    Negative,
    Promotion,
    Trip,
    Unit,
    Year,
    parse_year,
    year_to_json,
)
from tests import cli_support
from tests.builders import CLAUSE_EVIDENCE, RULES, credit_code

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
BASE_EVIDENCE = tuple(e.id for e in RULES.clause("1.1").record_evidence)
TRIP_EVIDENCE = tuple(e.id for e in RULES.clause("1.2").record_evidence)
KINDS = tuple(RULES.unit_kinds)


def run(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The command line, in this process (tests/cli_support.py)."""
    return cli_support.run(*args, stdin=stdin, cwd=cwd)


HOLD = ("import sys; sys.path.insert(0, sys.argv[2]); from core.store.dataset import Dataset\n"
        "ds = Dataset.open(sys.argv[1], holder_name=sys.argv[3]); print('ready', flush=True)\n"
        "sys.stdin.readline(); ds.close()\n")


@contextlib.contextmanager
def hold(path: Path, name: str) -> Iterator[subprocess.Popen]:
    """Another program that opened the year for editing as `name`, until released or killed."""
    with subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(ROOT), name], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True, encoding="utf-8") as child:
        try:
            assert child.stdout.readline().strip() == "ready"
            yield child
        finally:
            child.kill()


def release(child: subprocess.Popen) -> None:
    child.stdin.write("\n")
    child.stdin.flush()
    assert child.wait(timeout=30) == 0


def rich_year(units: int = 6) -> Year:
    """Every kind of fact at least once: fractions, false ticks, regions, cancelled licences, quotas …"""
    built = []
    for i in range(units):
        kinds = KINDS if i % 2 else KINDS[:1]
        built.append(Unit(
            name=f"吴江第{i + 1}人力资源有限公司", credit_code=credit_code(f"rich{i}"), kinds=kinds,
            new_member=i % 3 == 0, facts_final=i % 4 != 1,
            bases=(Base("贵州铜仁劳务基地", "labour", dt.date(2022, 3, 1 + i), {"agreement": True}, 60 + i, 40,
                        "贵州省铜仁市"),
                   Base("云南职业技术学院", "school", dt.date(2021, 12, 20), {"agreement": i % 2 == 0}, 12, 0)),
            trips=(Trip(dt.date(2022, 4, 10), "贵阳", "offline", 6, {"filing": True, "photos": i % 2 == 0},
                        ("好", "较好", "差")),
                   Trip(dt.date(2022, 9, 2), "线上招聘会", "online", 5, {"filing": False})),
            evidence={c: {item: (k + i) % 3 != 0 for k, item in enumerate(items)}
                      for c, items in CLAUSE_EVIDENCE.items() if items},
            deliveries=tuple(Delivery(dt.date(2022, 5, 1 + d), f"缺工企业{d}", (d + i) % 6) for d in range(4)),
            platform_rating=None if i == 2 else Fraction(435 - i, 100),
            management=Management(Fraction(15, 2), "会议纪要不全") if i % 2 else Management(),
            insured_workers=50 + i,
            negative=Negative(major_incident=i == 5, licences_cancelled=kinds[:1] if i == 4 else (),
                              credit_grades={kinds[0]: "B"} if i % 2 else {},
                              collective_disputes_lost=i % 2, individual_disputes_lost=i % 3, complaints=i),
            licence_numbers={k: f"{k[:2].upper()}-32050{i}" for k in kinds},
            contact_person="王芳" if i % 2 else ""))
    quotas = {"A": 0, "B": min(1, RULES.quota_caps(units)["B"])}
    promotions = (Promotion(built[1].name, "B", "与上一名并列，材料更完整"),) if units > 1 else ()
    return Year(RULES.year, RULES.id, tuple(built), quotas, promotions)


def demo_or_rich() -> tuple[str, dict]:
    """The demo year's JSON when it is there (and valid), else the rich year's."""
    if DEMO.exists():
        data = json.loads(DEMO.read_text(encoding="utf-8"))
        year, problems = parse_year(data, RULES)
        if not problems:
            return "demo", data
    return "rich", year_to_json(rich_year())


# ------------------------------------------------------------------ hypothesis

dates = st.dates(dt.date(2021, 6, 1), dt.date(2023, 6, 30))
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
maybe_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
counts = st.integers(0, 500)
# A record's required facts may be not typed yet (None, ""): such a record never counts.
record_dates = dates | st.none()
record_text = text | st.just("")
stars = st.none() | st.integers(0, 5)
exact = st.builds(lambda n: Fraction(n, 100), st.integers(0, 500))  # two decimals: exact through JSON floats


def ticks(items: tuple[str, ...]):
    return st.dictionaries(st.sampled_from(items), st.booleans()) if items else st.just({})


@st.composite
def units(draw, index: int) -> Unit:
    kinds = tuple(draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=2, unique=True)))
    bases = []
    for _ in range(draw(st.integers(0, 3))):
        people = draw(counts)
        bases.append(Base(draw(record_text), draw(st.sampled_from(("labour", "school"))), draw(record_dates),
                          draw(ticks(BASE_EVIDENCE)), people, draw(st.integers(0, people)), draw(maybe_text)))
    trips = []
    for _ in range(draw(st.integers(0, 3))):
        enterprises = draw(st.integers(0, 8))
        trips.append(Trip(draw(record_dates), draw(record_text), draw(st.sampled_from(("offline", "online"))),
                          enterprises,
                          draw(ticks(TRIP_EVIDENCE)),
                          tuple(draw(st.lists(st.sampled_from(RULES.evaluation_verdicts), max_size=enterprises)))))
    evidence = {}
    for clause, items in CLAUSE_EVIDENCE.items():
        chosen = draw(ticks(items))
        if items and chosen:  # an empty clause entry is not a fact (see tests/core/store/test_dataset.py)
            evidence[clause] = chosen
    return Unit(
        name=f"{draw(text)}#{index}", credit_code=credit_code(f"gen{index}-{draw(st.integers(0, 10**6))}"),
        kinds=kinds, new_member=draw(st.booleans()), facts_final=draw(st.booleans()), bases=tuple(bases),
        trips=tuple(trips), evidence=evidence,
        deliveries=tuple(Delivery(draw(record_dates), draw(record_text), draw(stars))
                         for _ in range(draw(st.integers(0, 3)))),
        platform_rating=draw(st.none() | exact),
        management=Management(draw(st.none() | st.builds(lambda n: Fraction(n, 2), st.integers(0, 20))),
                              draw(maybe_text)),
        insured_workers=draw(counts),
        negative=Negative(draw(st.booleans()), tuple(draw(st.lists(st.sampled_from(kinds), unique=True))),
                          {k: draw(st.sampled_from(RULES.credit_scale(k)))  # each kind's own scale
                           for k in draw(st.lists(st.sampled_from(kinds), unique=True))},
                          draw(st.integers(0, 3)), draw(st.integers(0, 3)), draw(st.integers(0, 9))),
        licence_numbers=draw(st.dictionaries(st.sampled_from(kinds), text)),
        contact_person=draw(maybe_text))


@st.composite
def years(draw) -> Year:
    n = draw(st.integers(0, 5))
    built = tuple(draw(units(i)) for i in range(n))
    caps = RULES.quota_caps(n)
    quotas = {g: draw(st.integers(0, cap)) for g, cap in caps.items() if draw(st.booleans())}
    promotions = tuple(Promotion(u.name, draw(st.sampled_from(RULES.grades.order)), draw(text))
                       for u in built if draw(st.booleans()))
    return Year(RULES.year, RULES.id, built, quotas, promotions)
