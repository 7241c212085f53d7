"""Where threads pay: one thread against all, by size, for the one-pass gradient and for an
update rule's step.

``n_threads=None`` uses every processor from a size on (parallel.hpp: parallel_min_entries
entries of X for a gradient pass, parallel_min_elements elements for an update step), one
thread below it, where waking the pool's workers costs more than it saves. This measures
both sides of those thresholds: the least-squares loss and gradient on X of m x 100 (float64
and float32) and Adam's step (float32 and float64), each with n_threads=1 and n_threads=all,
timed in turn in every round; the speedup column is the median (min-max) of the per-round
ratios. The smallest size from which every larger one has a median speedup of at least 1.1 is
printed under each table.

``--big`` times instead the pass over X of 1e6 x 100 float64 (800 MB), 1 thread and all, each
alone and each right after a NumPy matrix-vector product on X (as `descend bench` runs them,
taking turns with NumPy's gradient): OpenBLAS's threads keep spinning for a while after a
call, on the cores our threads need. The speed of a plain sum of X split over as many Python
threads (NumPy releases the GIL) is the bound.

Run: python benchmarks/bench_threads.py [--rounds N] [--threads N] [--big]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from _timing import print_table, ratio, rounds_of

from descend import _core

PAYS = 1.1  # a median speedup from which threads are said to pay


def gradient_case(entries: int, dtype: type) -> Callable[[int], object]:
    """The least-squares pass over `entries` entries of X (100 columns), by n_threads."""
    rng = np.random.default_rng(1)
    m = max(entries // 100, 1)
    X = rng.standard_normal((m, 100)).astype(dtype)
    y = rng.standard_normal(m).astype(dtype)
    theta = rng.standard_normal(101).astype(dtype)
    grad = np.empty_like(theta)
    return lambda k: _core.squared_error_loss_and_gradient(X, y, theta, grad, n_threads=k)


def adam_case(elements: int, dtype: type) -> Callable[[int], object]:
    """One Adam step on `elements` parameters (the step count held fixed), by n_threads."""
    rng = np.random.default_rng(2)
    param = rng.standard_normal(elements).astype(dtype)
    grad = (rng.standard_normal(elements) * 1e-3).astype(dtype)
    state = [np.zeros(elements, dtype), np.zeros(elements, dtype)]
    rule = _core.Adam(lr=1e-6)
    return lambda k: _core.adam_step(param, grad, state, 10, rule, n_threads=k)


def threshold_table(
    title: str,
    unit: str,
    sizes: list[int],
    case: Callable[[int, type], Callable[[int], object]],
    dtypes: tuple[type, ...],
    rounds: int,
    threads: int,
) -> None:
    table = []
    for dtype in dtypes:
        pays_from = None
        for size in sizes:
            run = case(size, dtype)
            times = rounds_of({str(k): (lambda k=k, run=run: run(k)) for k in (1, threads)}, rounds)
            speedups = [a / b for a, b in zip(times["1"], times[str(threads)], strict=True)]
            if statistics.median(speedups) >= PAYS:
                pays_from = pays_from or size
            else:
                pays_from = None
            table.append(
                [
                    np.dtype(dtype).name,
                    f"{size:,}",
                    f"{statistics.median(times['1']) * 1e6:.0f} us",
                    f"{statistics.median(times[str(threads)]) * 1e6:.0f} us",
                    ratio(times, "1", str(threads)),
                ]
            )
        table.append(
            [np.dtype(dtype).name, "pays from", f"{pays_from:,}" if pays_from else "never", "", ""]
        )
    print(f"\n{title}: {rounds} rounds; speedup of {threads} threads over 1")
    print_table(["dtype", unit, "1 thread", f"{threads} threads", "speedup"], table)


def big_gradient(rounds: int, threads: int) -> None:
    """The 800 MB pass: 1 thread and `threads`, alone and right after NumPy's X @ w."""
    rng = np.random.default_rng(3)
    m, n = 1_000_000, 100
    X = rng.standard_normal((m, n))
    y = rng.standard_normal(m)
    theta = rng.standard_normal(n + 1)
    grad = np.empty_like(theta)
    blocks = np.array_split(X, threads)
    sums = ThreadPoolExecutor(threads)

    def ours(k: int) -> object:
        return _core.squared_error_loss_and_gradient(X, y, theta, grad, n_threads=k)

    def after_blas(k: int) -> float:
        X @ theta[1:]  # untimed below: only its threads' spinning afterwards matters
        started = time.perf_counter()
        ours(k)
        return time.perf_counter() - started

    candidates: dict[str, Callable[[], object]] = {
        "plain sum, 1 thread": X.sum,
        f"plain sum, {threads} threads": lambda: list(sums.map(np.sum, blocks)),
        "ours, 1 thread": lambda: ours(1),
        f"ours, {threads} threads": lambda: ours(threads),
    }
    times = rounds_of(candidates, rounds)
    for k in (1, threads):
        label = f"ours after X @ w, {k} thread{'s' if k > 1 else ''}"
        times[label] = [after_blas(k) for _ in range(rounds)]
    sums.shutdown()
    table = [
        [
            name,
            f"{statistics.median(t) * 1e3:.1f} ms",
            f"{X.nbytes / 1e9 / statistics.median(t):.1f} GB/s",
        ]
        for name, t in times.items()
    ]
    print(f"\nLS loss and gradient on X of {m:,} x {n} float64: {rounds} rounds, medians")
    print_table(["pass", "time", "X read at"], table)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--big", action="store_true", help="the 800 MB pass only")
    args = parser.parse_args()
    config = _core.build_config()
    print(
        f"thresholds now: parallel_min_entries {config['parallel_min_entries']:,}, "
        f"parallel_min_elements {config['parallel_min_elements']:,}; "
        f"{config['code_path']}; load average {os.getloadavg()[0]:.1f}"
    )
    if args.big:
        big_gradient(args.rounds, args.threads)
        return
    sizes = [25_000 * 2**k for k in range(8)]  # 25k to 3.2M
    threshold_table(
        "least-squares loss and gradient, X of m x 100",
        "entries of X",
        sizes,
        gradient_case,
        (np.float64, np.float32),
        args.rounds,
        args.threads,
    )
    threshold_table(
        "Adam step",
        "elements",
        [10_000 * 2**k for k in range(9)],  # 10k to 2.56M
        adam_case,
        (np.float32, np.float64),
        args.rounds,
        args.threads,
    )


if __name__ == "__main__":
    main()
