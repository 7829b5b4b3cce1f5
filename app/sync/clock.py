"""The hybrid logical clock that versions every synced row."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

COUNTER_BITS = 16
MAX_VERSION = (1 << 63) - 1


def wall_ms() -> int:
    """Unix time in milliseconds from the system clock."""
    return time.time_ns() // 1_000_000


def pack(ms: int, counter: int = 0) -> int:
    """A version from a millisecond timestamp and a counter."""
    return (ms << COUNTER_BITS) | counter


def unpack(version: int) -> tuple[int, int]:
    """(milliseconds, counter) of a version."""
    return version >> COUNTER_BITS, version & ((1 << COUNTER_BITS) - 1)


class HybridLogicalClock:
    """Versions that follow the wall clock but never go backwards.

    ``now()`` returns a value greater than every value it returned before and every value
    passed to ``observe()``; when the wall clock stalls or jumps back the counter (the low
    16 bits) advances instead. Thread-safe.
    """

    def __init__(self, wall: Callable[[], int] = wall_ms, last: int = 0) -> None:
        self._wall = wall
        self._last = last
        self._lock = threading.Lock()

    @property
    def last(self) -> int:
        return self._last

    def now(self) -> int:
        with self._lock:
            self._last = max(self._last + 1, pack(self._wall()))
            return self._last

    def observe(self, version: int) -> None:
        """Move past a version received from elsewhere."""
        if not 0 <= version <= MAX_VERSION:
            raise ValueError("version out of range")
        with self._lock:
            self._last = max(self._last, version)
