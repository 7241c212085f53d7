"""A full-batch fit on 1 and on all threads: `_core.fit_linear(..., n_threads=k)`, least squares,
X of 1,000,000 x 100 float64 (800 MB), a few epochs of Adam (each epoch one pass over X).

Each round times every thread count once, in turn, so a change in the machine's load hits all
alike; the table gives the median seconds per epoch over the rounds and the median speedup.
The fits must give the same coefficients up to rounding (checked).

Run: python benchmarks/bench_fit_threads.py [--rows N] [--features N] [--epochs N] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
from _timing import print_table
from bench_fit_linear import least_squares_fit

from descend import _core


def fit_seconds(
    X: np.ndarray, y: np.ndarray, epochs: int, n_threads: int
) -> tuple[float, np.ndarray]:
    """Seconds per epoch of a full-batch Adam fit, and its coefficients."""
    fit = least_squares_fit(X, y, _core.Adam(), 0.01, epochs=epochs, n_threads=n_threads)
    started = time.perf_counter()
    theta = fit()
    return (time.perf_counter() - started) / epochs, theta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.rows, args.features))
    y = X @ rng.standard_normal(args.features) + 0.1 * rng.standard_normal(args.rows)
    counts = sorted({1, args.threads})
    times: dict[int, list[float]] = {k: [] for k in counts}
    thetas = {}
    for _ in range(args.rounds):
        for k in counts:
            seconds, thetas[k] = fit_seconds(X, y, args.epochs, k)
            times[k].append(seconds)
    for k in counts:
        np.testing.assert_allclose(thetas[k], thetas[1], rtol=1e-10, atol=1e-12)
    table = []
    for k in counts:
        speedups = [a / b for a, b in zip(times[1], times[k], strict=True)]
        spread = f"({min(speedups):.2f}-{max(speedups):.2f})"
        table.append(
            [
                k,
                f"{statistics.median(times[k]) * 1e3:.1f} ms",
                f"{statistics.median(speedups):.2f}x {spread}",
            ]
        )
    print(
        f"full-batch Adam fit, X {args.rows} x {args.features} float64, {args.epochs} epochs, "
        f"{args.rounds} rounds; per epoch, median (min-max of the speedup over rounds)"
    )
    print_table(["n_threads", "per epoch", "speedup over 1"], table)


if __name__ == "__main__":
    main()
