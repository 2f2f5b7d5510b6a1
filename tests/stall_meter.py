"""How long the window's thread stops while something runs: a timer on that thread ticks every 10 ms,
and the longest gap between two ticks (or between the start and the first tick, or the last tick and
the end) is the longest stall, which a person sees as a window that does not answer.

    with StallMeter() as meter:
        dialog.import_(confirm=False)        # work on the window's thread: one long gap
        meter.wait_for(lambda: worker.finished_flag)   # or: the window's events flow while a worker runs
    print(meter.longest_ms, meter.ticks)

For the benchmarks (bench/bench_stalls.py) and for tests that report a figure; tests never assert
on it, since a shared machine's timing is not the program's.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer


class StallMeter:
    def __init__(self, interval_ms: int = 10):
        self.interval_ms = interval_ms
        self.longest_ms = 0.0
        self.ticks = 0
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000)
        self._last = now
        self.ticks += 1

    def __enter__(self) -> StallMeter:
        self.longest_ms, self.ticks = 0.0, 0
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._tick()  # work done on the window's thread after the last tick counts too
        self.ticks -= 1
        self._timer.stop()

    def wait_for(self, done: Callable[[], bool], timeout_s: float = 600.0) -> bool:
        """Let the window's events (and the ticks) flow until `done()` or the timeout; whether it came."""
        end = time.monotonic() + timeout_s
        while not done():
            if time.monotonic() > end:
                return False
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)
        return True

    def wait_ms(self, ms: int) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)
