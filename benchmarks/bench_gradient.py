"""Least-squares loss and gradient on X of 1,000,000 x 100: one pass beside NumPy's two.

NumPy computes r = X theta - y, then X^T r: two passes over X (BLAS gemv). descend's kernel
reads each row once. The floor for any method is reading X once: a plain sum over X
(np.add.reduce, split over the same number of threads) shows that speed in the same run.

Each round times every candidate once, in turn, so that a change in the machine's load hits all
of them alike; the table gives the medians over the rounds, and for each ratio its median and
its range over the rounds (the noise).

Run: python benchmarks/bench_gradient.py [--rows N] [--features N] [--rounds N]
(where threads start to pay, by size: benchmarks/bench_threads.py)
"""

from __future__ import annotations

import argparse
import os
import statistics
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from _timing import print_table, ratio, rounds_of
from threadpoolctl import threadpool_info, threadpool_limits

from descend import _core


def plain_sum(X: np.ndarray, pool: ThreadPoolExecutor, threads: int) -> None:
    """Sum of X's entries, its rows split into `threads` contiguous blocks (the GIL is released
    inside np.add.reduce)."""
    flat = X.reshape(-1)
    parts = np.array_split(flat, threads)
    list(pool.map(np.add.reduce, parts))


def gradient_table(m: int, n: int, rounds: int, threads: int) -> None:
    rng = np.random.default_rng(0)
    table = []
    pool = ThreadPoolExecutor(threads)
    for dtype in (np.float64, np.float32):
        X = rng.standard_normal((m, n)).astype(dtype)
        y = rng.standard_normal(m).astype(dtype)
        theta = rng.standard_normal(n + 1).astype(dtype)
        grad = np.empty_like(theta)

        def numpy_gradient(X=X, y=y, theta=theta):
            r = X @ theta[1:] + theta[0] - y
            return np.mean(r * r), 2 / m * np.r_[r.sum(), X.T @ r]

        def descend_gradient(n_threads, X=X, y=y, theta=theta, grad=grad):
            return _core.squared_error_loss_and_gradient(X, y, theta, grad, n_threads=n_threads)

        loss, reference = numpy_gradient()
        assert np.isclose(descend_gradient(1), loss, rtol=1e-4)
        np.testing.assert_allclose(grad, reference, rtol=1e-3, atol=1e-6)
        gb = X.nbytes / 1e9
        for k in sorted({1, threads}):
            with threadpool_limits(limits=k):
                times = rounds_of(
                    {
                        "numpy": numpy_gradient,
                        "descend": lambda k=k: descend_gradient(k),
                        "sum": lambda X=X, k=k: plain_sum(X, pool, k),
                    },
                    rounds,
                )
            med = {name: statistics.median(t) for name, t in times.items()}
            table.append(
                [
                    np.dtype(dtype).name,
                    k,
                    f"{med['numpy'] * 1e3:.1f} ms",
                    f"{med['descend'] * 1e3:.1f} ms",
                    ratio(times, "numpy", "descend"),
                    f"{gb / med['descend']:.1f}",
                    f"{gb / med['sum']:.1f}",
                    ratio(times, "sum", "descend"),
                ]
            )
        del X
    blas = ", ".join(f"{p['internal_api']} {p.get('architecture', '')}" for p in threadpool_info())
    print(f"X: {m} x {n}; BLAS: {blas}; {rounds} rounds; ratios: median (min-max) over rounds")
    print_table(
        [
            "dtype",
            "threads",
            "NumPy X^T(X theta - y)",
            "descend one pass",
            "speedup",
            "descend GB/s",
            "plain sum GB/s",
            "descend / sum speed",
        ],
        table,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    gradient_table(args.rows, args.features, args.rounds, args.threads)


if __name__ == "__main__":
    main()
