"""Loss-and-gradient kernels on 200,000 x 100 rows: descend's one pass against NumPy/SciPy.

For each loss, seconds per full-batch call (median of several runs) of descend's kernel and
of the same loss and gradient written in NumPy (two BLAS passes, X @ w and X.T @ c) measured
in the same run, on dense float64 and float32 X and on 1%-dense CSR X (scipy.sparse products
as the alternative). For least squares also one epoch of the solver's batched path (SGD with
batch_size 1 and 256). NumPy and SciPy are limited to one thread (threadpoolctl) so that both
sides use one core.

    python benchmarks/bench_objectives.py [--repeat 5] [--losses squared_error,huber,...]
"""

from __future__ import annotations

import argparse

import numpy as np
import scipy.sparse as sp
from _timing import median_seconds
from bench_fit_linear import least_squares_fit
from threadpoolctl import threadpool_limits

from descend import _core

ROWS, COLS, CLASSES = 200_000, 100, 5
LOSSES = ("squared_error", "huber", "logistic", "softmax")


def numpy_loss_and_gradient(loss, X, y, theta):
    """The alternative: the loss and gradient in NumPy / scipy.sparse, two passes over X."""
    m = X.shape[0]
    if loss == "softmax":
        Z = theta[0] + X @ theta[1:]
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        total = P.sum(axis=1, keepdims=True)
        value = float(np.mean(np.log(total[:, 0]) - Z[np.arange(m), y]))
        P /= total
        P[np.arange(m), y] -= 1.0
        return value, np.vstack([P.sum(axis=0), X.T @ P]) / m
    z = theta[0] + X @ theta[1:]
    if loss == "squared_error":
        c = z - y
        value, c = float(c @ c) / m, 2.0 * c
    elif loss == "huber":
        r = z - y
        a = np.minimum(np.abs(r), 0.1)
        value, c = float(np.mean(a * (np.abs(r) - 0.5 * a))), np.clip(r, -0.1, 0.1)
    else:
        value = float(np.mean(np.logaddexp(0.0, z) - y * z))
        c = 1.0 / (1.0 + np.exp(-z)) - y
    return value, np.concatenate([[c.sum()], X.T @ c]) / m


def descend_kernel(loss, X, y, theta):
    grad = np.empty_like(theta)
    kernel = getattr(_core, f"{loss}_loss_and_gradient")
    return lambda: kernel(X, y, theta, grad)


def problem(loss, X, rng):
    """Targets and parameters for `loss` on X, in X's dtype."""
    dtype = X.dtype
    if loss == "softmax":
        return (
            rng.integers(0, CLASSES, X.shape[0]).astype(np.int64),
            (0.01 * rng.standard_normal((COLS + 1, CLASSES))).astype(dtype),
        )
    z = X @ rng.standard_normal(COLS) + rng.standard_normal(X.shape[0])
    y = (z > 0).astype(dtype) if loss == "logistic" else z.astype(dtype)
    return y, (0.1 * rng.standard_normal(COLS + 1)).astype(dtype)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--losses", default=",".join(LOSSES))
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X64 = rng.standard_normal((ROWS, COLS))
    sparse64 = sp.random(
        ROWS, COLS, density=0.01, format="csr", random_state=0, data_rvs=rng.standard_normal
    )
    table = []
    with threadpool_limits(1):
        for loss in args.losses.split(","):
            for label, X in (
                ("dense float64", X64),
                ("dense float32", X64.astype(np.float32)),
                ("CSR 1% float64", sparse64),
            ):
                y, theta = problem(loss, X, rng)
                ours = median_seconds(descend_kernel(loss, X, y, theta), args.repeat)
                alternative = median_seconds(
                    lambda loss=loss, X=X, y=y, theta=theta: numpy_loss_and_gradient(
                        loss, X, y, theta
                    ),
                    args.repeat,
                )
                table.append((f"{loss}, full batch, {label}", ours, alternative))
                if loss == "squared_error" and not sp.issparse(X):
                    for batch_size in (1, 256):
                        epoch = median_seconds(
                            least_squares_fit(X, y, _core.SGD(), 1e-4, batch_size), args.repeat
                        )
                        table.append(
                            (f"{loss}, SGD epoch, batch {batch_size}, {label}", epoch, None)
                        )
    print(
        f"{ROWS} x {COLS} ({CLASSES} classes for softmax), median of {args.repeat}, "
        "NumPy/SciPy with 1 thread"
    )
    print(f"{'kernel':<48} {'descend ms':>11} {'NumPy ms':>10} {'NumPy/descend':>14}")
    for name, ours, alternative in table:
        other = (
            f"{1e3 * alternative:10.2f} {alternative / ours:14.2f}"
            if alternative
            else f"{'':>10} {'':>14}"
        )
        print(f"{name:<48} {1e3 * ours:11.2f} {other}")


if __name__ == "__main__":
    main()
