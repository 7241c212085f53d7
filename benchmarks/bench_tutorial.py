"""The tutorial's own NumPy loops beside the same runs through descend.LinearRegression.fit.

Gradient descent: 1000 iterations on the 100 x 2 design matrix,
    theta <- theta - eta * (2/m) * X_b^T (X_b theta - y),   eta = 0.1.
SGD: 1000 epochs x 100 single-row steps, rows drawn with replacement, eta_t = 5 / (t + 50).
descend's time is the whole fit() call (input checks included), same data, same step counts.

Run: python benchmarks/bench_tutorial.py
"""

from __future__ import annotations

import numpy as np
from _timing import median_seconds, print_table

import descend
from descend.cli import tutorial_data
from descend.schedules import InverseTime

GD_ITERATIONS = 1000
SGD_EPOCHS = 1000
ETA = 0.1
GOALS = {"gradient descent": 50, "SGD": 500}


def numpy_gd(X_b: np.ndarray, y: np.ndarray) -> np.ndarray:
    m = len(X_b)
    theta = np.zeros((2, 1))
    for _ in range(GD_ITERATIONS):
        gradients = 2 / m * X_b.T.dot(X_b.dot(theta) - y)
        theta = theta - ETA * gradients
    return theta


def numpy_sgd(X_b: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    m = len(X_b)
    theta = np.zeros((2, 1))
    for epoch in range(SGD_EPOCHS):
        for i in range(m):
            index = rng.integers(m)
            xi = X_b[index : index + 1]  # the tutorial's slice, fixed (it wrote i:i:+1)
            yi = y[index : index + 1]
            gradients = 2 * xi.T.dot(xi.dot(theta) - yi)
            eta = 5 / (epoch * m + i + 50)
            theta = theta - eta * gradients
    return theta


def main() -> None:
    X, y = tutorial_data()
    X_b = np.c_[np.ones(len(X)), X]
    y_col = y[:, None]

    gd = descend.LinearRegression(learning_rate=ETA, max_iter=GD_ITERATIONS, tol=None)
    sgd = descend.LinearRegression(
        batch_size=1,
        sampling="replacement",
        schedule=InverseTime(5, 50),
        max_iter=SGD_EPOCHS,
        tol=None,
        random_state=0,
    )
    rows = []
    for name, steps, numpy_run, descend_run, repeats in [
        ("gradient descent", GD_ITERATIONS, lambda: numpy_gd(X_b, y_col), lambda: gd.fit(X, y), 7),
        (
            "SGD",
            SGD_EPOCHS * len(X),
            lambda: numpy_sgd(X_b, y_col, np.random.default_rng(0)),
            lambda: sgd.fit(X, y),
            3,
        ),
    ]:
        t_numpy = median_seconds(numpy_run, repeats=repeats)
        t_descend = median_seconds(descend_run, repeats=max(repeats, 15))
        ratio = t_numpy / t_descend
        rows.append(
            [
                name,
                steps,
                f"{t_numpy * 1e3:.1f} ms",
                f"{t_numpy / steps * 1e6:.2f} us",
                f"{t_descend * 1e3:.3f} ms",
                f"{t_descend / steps * 1e9:.1f} ns",
                f"{ratio:.0f}x",
                f">= {GOALS[name]}x",
                "met" if ratio >= GOALS[name] else "NOT met",
            ]
        )
    print(__doc__.split("\n\n")[0])
    print_table(
        ["run", "steps", "NumPy", "per step", "descend fit", "per step", "speedup", "goal", ""],
        rows,
    )


if __name__ == "__main__":
    main()
