"""Loss-and-gradient kernels on 200,000 x 100 rows: descend's one pass against NumPy.

Prints seconds per call (median of several runs) of descend's least-squares kernel on dense
float64 and float32 X, full batch and through the solver's batched path (one epoch of SGD
with batch_size 1 and 256), and NumPy's two BLAS passes (X @ w, X.T @ r) in the same run.
NumPy is limited to one thread (threadpoolctl) so that both sides use one core.

    python benchmarks/bench_objectives.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from descend import _core

ROWS, COLS = 200_000, 100


def median_seconds(run, repeat: int) -> float:
    run()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def numpy_least_squares(X, y, theta, grad):
    r = theta[0] + X @ theta[1:] - y
    grad[0] = 2.0 * r.sum() / len(y)
    grad[1:] = (2.0 / len(y)) * (X.T @ r)
    return float(r @ r) / len(y)


def sgd_epoch(X, y, batch_size):
    theta = np.zeros(X.shape[1] + 1, dtype=X.dtype)
    state = np.zeros((0, theta.size), dtype=X.dtype)
    options = _core.SolverOptions(batch_size=batch_size, max_iter=10**9, tol=-1.0)

    def run():
        _core.fit_least_squares(X, y, None, theta, state, _core.SGD(lr=1e-4),
                                _core.Constant(1e-4), options, _core.SolverState(0), 1, True)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X64 = rng.standard_normal((ROWS, COLS))
    y64 = X64 @ rng.standard_normal(COLS) + rng.standard_normal(ROWS)
    rows = []
    with threadpool_limits(1):
        for dtype in (np.float64, np.float32):
            X, y = X64.astype(dtype), y64.astype(dtype)
            theta = (0.1 * rng.standard_normal(COLS + 1)).astype(dtype)
            grad = np.empty_like(theta)
            ours = median_seconds(
                lambda: _core.least_squares_loss_and_gradient(X, y, theta, grad), args.repeat)
            numpy = median_seconds(lambda: numpy_least_squares(X, y, theta, grad), args.repeat)
            name = np.dtype(dtype).name
            rows.append((f"least squares, full batch, {name}", ours, numpy))
            for batch_size in (1, 256):
                epoch = median_seconds(sgd_epoch(X, y, batch_size), args.repeat)
                rows.append((f"least squares, SGD epoch batch {batch_size}, {name}", epoch, None))
    print(f"{ROWS} x {COLS}, median of {args.repeat}, NumPy with 1 thread")
    print(f"{'kernel':<44} {'descend ms':>11} {'NumPy ms':>10} {'NumPy/descend':>14}")
    for name, ours, numpy in rows:
        numpy_text = f"{1e3 * numpy:10.2f} {numpy / ours:14.2f}" if numpy else f"{'':>10} {'':>14}"
        print(f"{name:<44} {1e3 * ours:11.2f} {numpy_text}")


if __name__ == "__main__":
    main()
