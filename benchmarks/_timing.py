"""Shared timing helpers for the benchmarks: median of several runs, simple tables."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

__all__ = ["median_seconds", "print_table", "ratio", "rounds_of"]


def median_seconds(run: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of `run()` over `repeats` calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows under a header, columns right-aligned to their widest cell."""
    cells = [list(map(str, header))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for k, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * width for width in widths))


def rounds_of(candidates: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Wall times of each candidate over `rounds` rounds, the candidates run in turn (so that a
    change in the machine's load hits all of them alike), after one warm-up call each."""
    for run in candidates.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, run in candidates.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return times


def ratio(times: dict[str, list[float]], slow: str, fast: str) -> str:
    """'2.10x (1.9-2.3)': the median of the per-round ratios slow/fast and their range."""
    ratios = [a / b for a, b in zip(times[slow], times[fast], strict=True)]
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
