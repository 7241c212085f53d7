"""The ``descend`` command."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import numpy as np

__all__ = ["main", "tutorial_data"]

DEMO_SEED = 42


def tutorial_data(seed: int = DEMO_SEED, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's regression data: x = 2·U(0, 1), y = 4 + 3x + N(0, 1), as (X, y)."""
    rng = np.random.default_rng(seed)
    X = 2 * rng.random((n, 1))
    y = 4 + 3 * X[:, 0] + rng.standard_normal(n)
    return X, y


def _demo(out=sys.stdout) -> int:
    from . import LinearRegression
    from .schedules import InverseTime

    X, y = tutorial_data()
    X_b = np.c_[np.ones(len(X)), X]
    exact = np.linalg.lstsq(X_b, y, rcond=None)[0]
    exact_mse = float(np.mean((X_b @ exact - y) ** 2))

    runs = [
        ("gradient descent", LinearRegression(optimizer="sgd", learning_rate=0.1, max_iter=1000,
                                              tol=1e-12)),
        ("SGD", LinearRegression(optimizer="sgd", batch_size=1, sampling="replacement",
                                 schedule=InverseTime(5, 50), max_iter=1000, tol=None,
                                 random_state=DEMO_SEED)),
        ("Adam", LinearRegression(optimizer="adam", learning_rate=0.1, max_iter=1000,
                                  tol=1e-12)),
    ]
    print("descend demo: the tutorial's linear regression, y = 4 + 3x + noise, 100 points",
          file=out)
    print(file=out)
    header = (f"{'method':<18} {'epochs':>7} {'final MSE':>10} {'intercept':>10} {'slope':>8}"
              f" {'|θ - lstsq|∞':>13} {'time':>9}")
    print(header, file=out)
    print("-" * len(header), file=out)
    for name, model in runs:
        started = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - started
        theta = np.r_[model.intercept_, model.coef_]
        mse = float(np.mean((X_b @ theta - y) ** 2))
        error = float(np.max(np.abs(theta - exact)))
        print(f"{name:<18} {model.n_iter_:>7} {mse:>10.6f} {model.intercept_:>10.6f}"
              f" {model.coef_[0]:>8.5f} {error:>13.2e} {seconds * 1e3:>7.2f}ms", file=out)
    print(f"{'lstsq (exact)':<18} {'':>7} {exact_mse:>10.6f} {exact[0]:>10.6f}"
          f" {exact[1]:>8.5f} {0.0:>13.2e} {'':>9}", file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``descend`` command; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="descend", description="Fast first-order optimization for Python and C++."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo", help="the tutorial reproduced: gradient descent, SGD and Adam beside lstsq"
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        return _demo()
    parser.print_help()
    return 2
