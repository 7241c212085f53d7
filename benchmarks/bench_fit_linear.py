"""One epoch of the solver loop's binding, ``_core.fit_linear``, against the same epoch elsewhere.

Milliseconds per epoch (median of several runs, measured side by side in one run) of least
squares on dense 100,000 x 50 float64 X:
- full batch (one gradient step): against the same step in NumPy (X @ w, then X.T @ r);
- batch_size 1, plain SGD, constant learning rate (the fused path): against scikit-learn's
  SGDRegressor.partial_fit (one epoch, penalty None, learning_rate "constant"), when
  scikit-learn is installed.
NumPy is limited to one thread when threadpoolctl is installed, so both sides use one core.

A second table times the fits' NaN/Inf check of X, ``_core.all_finite`` (no temporaries,
stops at the first block holding a bad value), on finite 1,000,000 x 40 float32 and float64
X against ``np.isfinite(X).all()`` (a boolean copy of X) and against ``X.sum()`` (one plain
pass over the same memory: the speed to match).

    python benchmarks/bench_fit_linear.py [--repeat 5] [--rows 100000] [--cols 50]
        [--check-rows 1000000] [--check-cols 40]
"""

from __future__ import annotations

import argparse
import contextlib

import numpy as np
from _timing import median_seconds, print_table

from descend import _core

LR = 1e-4
# the command line: --name value, each an int (--check-rows for check_rows)
SIZES = dict(repeat=5, rows=100_000, cols=50, check_rows=1_000_000, check_cols=40)


def least_squares_fit(X, y, rule, lr: float, batch_size: int = 0, epochs: int = 1, **keywords):
    """A callable running `epochs` epochs of fit_linear on least squares with `rule` at the
    constant rate `lr`, from theta = 0 on the first call and from where it stopped on the next
    (every call with a new SolverState(0)); it returns theta. `keywords` go to fit_linear."""
    theta = np.zeros(X.shape[1] + 1, dtype=X.dtype)
    state = np.zeros((rule.state_slots, theta.size), dtype=X.dtype)
    options = _core.SolverOptions(batch_size=batch_size, max_iter=10**9, tol=-1.0)
    arguments = (X, y, None, theta, state, None, rule, _core.Constant(lr), options)

    def run() -> np.ndarray:
        solver_state = _core.SolverState(0)
        _core.fit_linear(*arguments, solver_state, epochs, loss="squared_error", **keywords)
        return theta

    return run


def descend_epoch(X, y, batch_size: int):
    """One epoch of fit_linear with plain SGD from theta = 0, as a callable."""
    return least_squares_fit(X, y, _core.SGD(), LR, batch_size)


def numpy_step(X, y):
    """One full-batch gradient step of the mean squared error in NumPy."""
    theta = np.zeros(X.shape[1] + 1)

    def run():
        r = theta[0] + X @ theta[1:] - y
        theta[0] -= LR * 2 * r.mean()
        theta[1:] -= LR * 2 * (X.T @ r) / len(y)

    return run


def sklearn_epoch(X, y):
    """One epoch of SGDRegressor with a constant rate, or None without scikit-learn."""
    try:
        from sklearn.linear_model import SGDRegressor
    except ImportError:
        return None
    model = SGDRegressor(
        penalty=None, learning_rate="constant", eta0=LR, shuffle=True, random_state=0
    )
    return lambda: model.partial_fit(X, y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in SIZES.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.rows, args.cols))
    y = X @ rng.standard_normal(args.cols) + rng.standard_normal(args.rows)
    try:
        from threadpoolctl import threadpool_limits

        one_thread = threadpool_limits(1)
    except ImportError:
        one_thread = contextlib.nullcontext()
    rows = []
    with one_thread:
        for name, batch_size, alternative, other in [
            ("full batch", 0, "NumPy", numpy_step(X, y)),
            ("batch 1, plain SGD", 1, "SGDRegressor", sklearn_epoch(X, y)),
        ]:
            ours = median_seconds(descend_epoch(X, y, batch_size), args.repeat)
            theirs = median_seconds(other, args.repeat) if other is not None else float("nan")
            rows.append(
                [
                    name,
                    f"{ours * 1e3:.2f}",
                    alternative,
                    f"{theirs * 1e3:.2f}",
                    f"{theirs / ours:.2f}",
                ]
            )
    print(
        f"one epoch of least squares, {args.rows} x {args.cols} float64, ms "
        f"(median of {args.repeat})"
    )
    print_table(["epoch", "fit_linear", "alternative", "alternative ms", "speedup"], rows)
    print()
    finite_check_table(args.check_rows, args.check_cols, args.repeat)


def finite_check_table(n_rows: int, n_cols: int, repeat: int) -> None:
    """_core.all_finite(X) against np.isfinite(X).all() and X.sum(), side by side."""
    rows = []
    for dtype in (np.float32, np.float64):
        X = np.random.default_rng(0).standard_normal((n_rows, n_cols)).astype(dtype)
        seconds = {
            name: median_seconds(run, repeat)
            for name, run in [
                ("all_finite", lambda X=X: _core.all_finite(X)),
                ("isfinite", lambda X=X: np.isfinite(X).all()),
                ("sum", lambda X=X: X.sum()),
            ]
        }
        rows.append(
            [
                np.dtype(dtype).name,
                f"{seconds['all_finite'] * 1e3:.1f}",
                f"{seconds['isfinite'] * 1e3:.1f}",
                f"{seconds['sum'] * 1e3:.1f}",
                f"{seconds['isfinite'] / seconds['all_finite']:.2f}",
                f"{seconds['sum'] / seconds['all_finite']:.2f}",
            ]
        )
    print(f"NaN/Inf check of a finite {n_rows} x {n_cols} X, ms (median of {repeat})")
    print_table(
        [
            "dtype",
            "all_finite",
            "np.isfinite(X).all()",
            "X.sum()",
            "isfinite / all_finite",
            "sum / all_finite",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
