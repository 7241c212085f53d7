"""10,000 Adam steps on 2-D Rosenbrock from (-1.5, 2): descend's C++ fast path, descend with a
Python function, a plain NumPy Adam loop, and scipy's L-BFGS-B (to convergence) for reference.

Every time counts the whole call (argument checks, result object, curvature probe included).
Prints the median of several runs and the ratio to the NumPy loop measured in the same run.

    python benchmarks/bench_minimize.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import descend

STEPS = 10_000
LR = 1e-3
X0 = (-1.5, 2.0)
OPTIONS = dict(lr=LR, gtol=None, max_iter=STEPS)  # exactly STEPS steps


def rosenbrock_numpy(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f and its gradient, written in NumPy as a user would."""
    d = x[1] - x[0] ** 2
    f = 100.0 * d**2 + (1.0 - x[0]) ** 2
    g = np.array([-400.0 * x[0] * d - 2.0 * (1.0 - x[0]), 200.0 * d])
    return f, g


def adam_numpy(steps: int) -> np.ndarray:
    """A plain NumPy Adam loop (torch.optim.Adam's formula, its default betas and eps)."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    x = np.array(X0)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    for t in range(1, steps + 1):
        _, g = rosenbrock_numpy(x)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        x = x - LR * m_hat / (np.sqrt(v_hat) + eps)
    return x


def fast_path() -> np.ndarray:
    res = descend.minimize(descend.functions.rosenbrock, X0, method="adam", tol=None,
                           options=OPTIONS)  # fmt: skip
    assert res.nit == STEPS
    return res.x


def python_fun() -> np.ndarray:
    res = descend.minimize(rosenbrock_numpy, X0, method="adam", jac=True, tol=None,
                           options=OPTIONS)  # fmt: skip
    assert res.nit == STEPS
    return res.x


def median_seconds(run, repeat: int) -> tuple[float, object]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of the slow variants")
    repeat = parser.parse_args().repeat

    rows = []
    numpy_seconds, numpy_x = median_seconds(lambda: adam_numpy(STEPS), repeat)
    fast_path()  # warm up
    rows.append(("descend.minimize, C++ fast path", *median_seconds(fast_path, 10 * repeat), STEPS))
    rows.append(("descend.minimize, Python fun", *median_seconds(python_fun, repeat), STEPS))
    rows.append(("plain NumPy Adam loop", numpy_seconds, numpy_x, STEPS))
    try:
        from scipy.optimize import minimize as scipy_minimize
        from scipy.optimize import rosen, rosen_der
    except ImportError:
        scipy_minimize = None
    if scipy_minimize is not None:
        nit = []

        def lbfgs() -> np.ndarray:
            res = scipy_minimize(rosen, X0, jac=rosen_der, method="L-BFGS-B")
            nit.append(res.nit)
            return res.x

        seconds, x = median_seconds(lbfgs, 10 * repeat)
        rows.append(("scipy L-BFGS-B (to convergence)", seconds, x, nit[-1]))

    print(f"Adam on 2-D Rosenbrock from {X0}, lr={LR}: {STEPS:,} steps "
          f"(median of {repeat} runs; 10x as many for the fast ones)\n")  # fmt: skip
    header = f"{'variant':34} {'total':>10} {'per step':>10} {'steps':>7} {'vs NumPy':>9}  |x - 1|"
    print(header)
    print("-" * len(header))
    for name, seconds, x, steps in rows:
        per_step = f"{seconds / steps * 1e6:8.3f}us"
        error = np.max(np.abs(np.asarray(x) - 1))
        print(f"{name:34} {seconds * 1e3:8.3f}ms {per_step:>10} {steps:>7} "
              f"{numpy_seconds / seconds:8.1f}x  {error:.1e}")  # fmt: skip
    fast = rows[0][1]
    print(f"\nC++ fast path vs the NumPy loop: {numpy_seconds / fast:.0f}x (goal: >= 1000x); "
          f"{fast / STEPS * 1e9:.0f} ns per step, whole call.")  # fmt: skip


if __name__ == "__main__":
    main()
