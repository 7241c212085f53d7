"""The solver loop's binding, ``_core.fit_linear``, against the least-squares-only loop it replaces.

Seconds per call (median of several runs, both measured side by side in one run) of one epoch
of least squares on dense 100,000 x 50 float64 X: full batch, and stochastic (plain SGD,
batch_size 1, shuffle) and mini-batch (Adam, batch_size 256). The old binding,
``_core.fit_least_squares``, is timed while it exists.

    python benchmarks/bench_fit_linear.py [--repeat 5] [--rows 100000] [--cols 50]
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import median_seconds, print_table

from descend import _core


def epoch(binding: str, X, y, optimizer, batch_size: int):
    """One epoch of `binding` from theta = 0, as a callable."""
    theta = np.zeros(X.shape[1] + 1, dtype=X.dtype)
    state = np.zeros((optimizer.state_slots, theta.size), dtype=X.dtype)
    options = _core.SolverOptions(batch_size=batch_size, max_iter=10**9, tol=-1.0)
    schedule = _core.Constant(1e-4)

    if binding == "fit_linear":
        def run():
            _core.fit_linear(X, y, None, theta, state, None, optimizer, schedule, options,
                             _core.SolverState(0), 1, loss="squared_error")
    else:
        def run():
            getattr(_core, binding)(X, y, None, theta, state, optimizer, schedule, options,
                                    _core.SolverState(0), 1, True)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.rows, args.cols))
    y = X @ rng.standard_normal(args.cols) + rng.standard_normal(args.rows)
    bindings = ["fit_linear"]
    if hasattr(_core, "fit_least_squares"):
        bindings.append("fit_least_squares")
    rows = []
    for name, optimizer, batch_size in [("full batch, SGD", _core.SGD(), 0),
                                        ("batch 1, SGD", _core.SGD(), 1),
                                        ("batch 256, Adam", _core.Adam(), 256)]:
        seconds = [median_seconds(epoch(b, X, y, optimizer, batch_size), args.repeat)
                   for b in bindings]
        ratio = f"{seconds[1] / seconds[0]:.2f}" if len(seconds) == 2 else "-"
        rows.append([name, *(f"{s * 1e3:.2f}" for s in seconds), ratio])
    print(f"one epoch, {args.rows} x {args.cols} float64, ms (median of {args.repeat})")
    print_table(["epoch", *(f"{b} ms" for b in bindings), "old / new"], rows)


if __name__ == "__main__":
    main()
