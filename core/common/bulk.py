"""Building bulk data (a year's people: hundreds of thousands of records) without the cyclic garbage
collector walking it again and again, and with the threads sharing the work handing the interpreter to
each other without long waits."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while bulk data is built (restoring its state after).

    Reading, checking and matching a 100,000-row roster allocates a few hundred thousand lists,
    dicts and records, none of them in reference cycles; every such allocation burst triggers
    full collections that walk all of them again, about a third of the time. Reference counting
    still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


LET_GO_STEP = 2000


def let_go(items: list) -> None:
    """Empty a large list a slice at a time, from the end. Freeing a few hundred thousand objects at once
    (the rows and records of a roster whose reading failed) is one call that holds the interpreter, and
    with it the window's thread, for a tenth of a second or more; between slices another thread may run."""
    while items:
        del items[-LET_GO_STEP:]


HANDOFF_SECONDS = 0.0005
_handoffs_lock = threading.Lock()
_handoffs = {"running": 0, "interval_before": 0.0}  # the blocks running now; the interval before the first


@contextmanager
def quick_handoffs() -> Iterator[None]:
    """Let a thread waiting for the interpreter have it within HANDOFF_SECONDS rather than the
    interpreter's 5 ms, while bulk work runs on several threads (the interval set back when the last
    such block ends).

    An import's threads let go of the interpreter in C (the cell reader parsing, SQLite writing) and
    need it back in between (each row converted, each statement's rows bound), while another thread
    checks rows in Python and holds it: each taking back would wait out the whole interval, which
    adds up to a tenth of a 100,000-row import. A thread alone is never asked to switch."""
    with _handoffs_lock:
        if _handoffs["running"] == 0:
            _handoffs["interval_before"] = sys.getswitchinterval()
            sys.setswitchinterval(min(HANDOFF_SECONDS, _handoffs["interval_before"]))
        _handoffs["running"] += 1
    try:
        yield
    finally:
        with _handoffs_lock:
            _handoffs["running"] -= 1
            if _handoffs["running"] == 0:
                sys.setswitchinterval(_handoffs["interval_before"])
