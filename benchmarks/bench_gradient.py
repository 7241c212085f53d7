"""Least-squares loss and gradient on X of 1,000,000 x 100: one pass beside NumPy's two.

NumPy computes r = X theta - y, then X^T r: two passes over X (BLAS gemv, one thread via
threadpoolctl). descend's kernel reads each row once. The floor for any method is reading X
once at memory bandwidth; a plain copy of X, measured in the same run, shows that bandwidth
(its GB/s counts the bytes read plus the bytes written).

Run: python benchmarks/bench_gradient.py [--rows N] [--features N]
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import median_seconds, print_table
from threadpoolctl import threadpool_info, threadpool_limits

from descend import _core


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    m, n = args.rows, args.features

    rng = np.random.default_rng(0)
    rows = []
    with threadpool_limits(limits=1):
        blas = ", ".join(
            f"{p['internal_api']} {p.get('architecture', '')}" for p in threadpool_info()
        )
        for dtype in (np.float64, np.float32):
            X = rng.standard_normal((m, n)).astype(dtype)
            y = rng.standard_normal(m).astype(dtype)
            theta = rng.standard_normal(n + 1).astype(dtype)
            grad = np.empty_like(theta)
            copy = np.empty_like(X)

            def numpy_gradient(X=X, y=y, theta=theta):
                r = X @ theta[1:] + theta[0] - y
                return np.mean(r * r), 2 / m * np.r_[r.sum(), X.T @ r]

            def descend_gradient(X=X, y=y, theta=theta, grad=grad):
                return _core.least_squares_loss_and_gradient(X, y, theta, grad)

            loss, reference = numpy_gradient()
            assert np.isclose(descend_gradient(), loss, rtol=1e-4)
            np.testing.assert_allclose(grad, reference, rtol=1e-3, atol=1e-6)

            t_copy = median_seconds(lambda X=X, copy=copy: np.copyto(copy, X), args.repeats)
            t_numpy = median_seconds(numpy_gradient, args.repeats)
            t_descend = median_seconds(descend_gradient, args.repeats)
            gb = X.nbytes / 1e9
            rows.append([
                np.dtype(dtype).name,
                f"{t_numpy * 1e3:.1f} ms",
                f"{t_descend * 1e3:.1f} ms",
                f"{t_numpy / t_descend:.2f}x",
                f"{gb / t_descend:.1f}",
                f"{2 * gb / t_copy:.1f}",
                f"{t_copy * 1e3:.1f} ms",
            ])
            del X, copy
    print(f"X: {m} x {n}, one thread ({blas})")
    print_table(
        ["dtype", "NumPy X^T(X theta - y)", "descend one pass", "speedup",
         "descend GB/s (X once)", "copy GB/s (read+write)", "copy time"],
        rows,
    )


if __name__ == "__main__":
    main()
