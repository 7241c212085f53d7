"""The tutorial's own NumPy loops beside the same runs through descend.LinearRegression.fit.

Gradient descent: 1000 iterations on the 100 x 2 design matrix,
    theta <- theta - eta * (2/m) * X_b^T (X_b theta - y),   eta = 0.1.
SGD: 1000 epochs x 100 single-row steps, rows drawn with replacement, eta_t = 5 / (t + 50).
descend's time is the whole fit() call (input checks included), same data, same step counts.
These are the two tutorial rows of ``descend bench`` (descend._bench holds the loops, the
timing in alternating rounds and the goals), here at the tutorial's full sizes.

Run: python benchmarks/bench_tutorial.py [--rounds 5]
"""

from __future__ import annotations

import argparse

from descend._bench import _print_table, _tutorial_gd, _tutorial_sgd

GD_ITERATIONS = 1000
SGD_EPOCHS = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = [_tutorial_gd(GD_ITERATIONS, args.rounds), _tutorial_sgd(SGD_EPOCHS, args.rounds)]
    _print_table(rows, None, __doc__.split("\n\n")[0])


if __name__ == "__main__":
    main()
