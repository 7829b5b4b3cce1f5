"""The benchmark table: every row is a measurement, the limit it is compared with, and the bounds.

A benchmark module is ``bench/bench_<topic>.py`` with ``def run(scratch: Path) -> list[BenchRow]``.
It measures its figure and its limit in the same run (the limit is what the hardware allows:
a raw sqlcipher3 commit, raw executemany, one KDF run, an empty Qt window) and reports both.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BenchRow:
    """One line of the table; ``max_ratio`` and ``max_seconds`` are the bounds (None: none)."""

    name: str
    seconds: float
    limit_name: str
    limit_seconds: float | None
    max_ratio: float | None = None
    max_seconds: float | None = None
    note: str = ""
    unit: str = "s"  # "s" for times; anything else (e.g. "MiB") is printed as a plain number

    @property
    def ratio(self) -> float | None:
        if self.limit_seconds is None or self.limit_seconds <= 0:
            return None
        return self.seconds / self.limit_seconds

    @property
    def passed(self) -> bool:
        ratio = self.ratio
        if self.max_ratio is not None and (ratio is None or ratio > self.max_ratio):
            return False
        return not (self.max_seconds is not None and self.seconds > self.max_seconds)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def percentile(samples: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (0.95 for p95) of ``samples``."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(fraction * 100) - 1]


def format_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def format_value(value: float | None, unit: str) -> str:
    if unit == "s" or value is None:
        return format_seconds(value)
    return f"{value:.1f} {unit}"


def render(rows: list[BenchRow]) -> str:
    header = ("benchmark", "measured", "limit (same run)", "limit", "ratio", "bound", "ok")
    lines = [header]
    for row in rows:
        bounds = []
        if row.max_ratio is not None:
            bounds.append(f"≤{row.max_ratio:g}×")
        if row.max_seconds is not None:
            bounds.append(f"≤{format_value(row.max_seconds, row.unit)}")
        ratio = row.ratio
        lines.append(
            (
                row.name,
                format_value(row.seconds, row.unit),
                row.limit_name,
                format_value(row.limit_seconds, row.unit),
                "-" if ratio is None else f"{ratio:.2f}×",
                ", ".join(bounds) or "-",
                "yes" if row.passed else "NO",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        out.append(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)))
        if index == 0:
            out.append("-+-".join("-" * w for w in widths))
    notes = [f"- {row.name}: {row.note}" for row in rows if row.note]
    return "\n".join(out + (["", *notes] if notes else []))
