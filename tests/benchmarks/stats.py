"""Figures from repeated runs: a median with its min and max."""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    median: float
    low: float
    high: float
    unit: str  # "ms", "s", "MB" or "×"

    def fmt(self, value: float) -> str:
        if self.unit == "×":
            return f"{value:.2f}×"
        if self.unit == "MB":
            return f"{value:.0f} MB"
        if self.unit == "s":
            return f"{value:.2f} s"
        return f"{value:.1f} ms"


def figure(samples: list[float], unit: str) -> Figure:
    return Figure(statistics.median(samples), min(samples), max(samples), unit)


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile, ``p`` in 0..100."""
    ordered = sorted(samples)
    rank = max(1, round(p / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


@contextmanager
def stopwatch(into: list[float], scale: float = 1000.0):
    """Append the elapsed time of the block to ``into`` (milliseconds by default)."""
    start = time.perf_counter()
    yield
    into.append((time.perf_counter() - start) * scale)


def timed(fn, scale: float = 1000.0) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * scale, result
