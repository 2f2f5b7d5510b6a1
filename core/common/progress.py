"""How long work in core reports its progress: a callback given (done, total) that returns False to stop."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], bool]
