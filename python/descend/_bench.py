"""The engine of ``descend bench``: descend beside NumPy, scikit-learn and PyTorch, here.

Each row times descend and its alternative on the same data, in turn, for several rounds (so
a change in the machine's load hits both alike; a short workload is timed over enough
back-to-back calls to last a few hundredths of a second), and reports the median time of each, the
median of the per-round ratios (alternative time / descend time: above 1 means descend is
faster) with its range over the rounds, and the goal of issue 11 for that row. Rows whose
alternative is not installed (scikit-learn, PyTorch) say so instead of a time.

    python -m descend._bench [--quick] [--json]

The full run also measures the peak memory of a full-batch fit on a large X, in a fresh
process (tracemalloc's peak of Python-side allocations and the growth of the peak resident
set size), against the size of X.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from . import _core

__all__ = ["main"]


@dataclass
class Row:
    """One line of the table: a workload timed against its alternative."""

    name: str
    alternative: str
    goal: float | None = None  # the speedup the row should reach (alternative / descend)
    descend_seconds: float | None = None
    alternative_seconds: float | None = None
    speedup: float | None = None  # median over rounds of alternative / descend
    speedup_min: float | None = None
    speedup_max: float | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.speedup is None:
            return None
        return self.speedup >= self.goal


def _calls_for(run: Callable[[], object], min_seconds: float) -> int:
    """How many back-to-back calls of `run` take at least `min_seconds` (after one call to
    warm up): short workloads are timed over many calls, so that one preemption of this process
    by the scheduler does not decide a round."""
    run()
    calls = 1
    while True:
        started = time.perf_counter()
        for _ in range(calls):
            run()
        if time.perf_counter() - started >= min_seconds or calls >= 1 << 20:
            return calls
        calls *= 2


def _rounds(
    descend: Callable[[], object],
    alternative: Callable[[], object],
    rounds: int,
    row: Row,
    min_seconds: float = 0.02,
    settle: float = 0.0,
) -> Row:
    """Times both, in turn, for `rounds` rounds (each time over enough calls to last
    `min_seconds`); fills `row` with the medians per call and the per-round ratios.

    `settle` seconds of sleep before each timing let the idle threads of the side timed just
    before go to sleep: a multi-threaded row needs it, since OpenBLAS's workers spin for 2**28
    clock cycles (~0.1 s here) after each call and would hold a core the other side needs.
    """
    plan: list[tuple[Callable[[], object], int, list[float]]] = [
        (descend, _calls_for(descend, min_seconds), []),
        (alternative, _calls_for(alternative, min_seconds), []),
    ]
    for _ in range(rounds):
        for run, calls, times in plan:
            if settle:
                time.sleep(settle)
            started = time.perf_counter()
            for _ in range(calls):
                run()
            times.append((time.perf_counter() - started) / calls)
    ours, theirs = plan[0][2], plan[1][2]
    ratios = [a / b for a, b in zip(theirs, ours, strict=True)]
    row.descend_seconds = statistics.median(ours)
    row.alternative_seconds = statistics.median(theirs)
    row.speedup = statistics.median(ratios)
    row.speedup_min, row.speedup_max = min(ratios), max(ratios)
    return row


def _settle(threads: int | None) -> float:
    """Seconds to wait before each timing of a row run on `threads` threads (see _rounds):
    0.2 s, twice OpenBLAS's spin, when more than one thread runs."""
    return 0.2 if threads != 1 and (os.cpu_count() or 1) > 1 else 0.0


def _thread_limit(n: int | None) -> AbstractContextManager[object]:
    """Limits BLAS to n threads (None: leave it) when threadpoolctl is installed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return nullcontext()
    limits: AbstractContextManager[object] = threadpool_limits(limits=n)
    return limits


# ---------------------------------------------------------------- the workloads


def _tutorial_data(m: int = 100) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(42)
    X = 2 * rng.random((m, 1))
    return X, 4 + 3 * X[:, 0] + rng.standard_normal(m)


def _tutorial_gd(iterations: int, rounds: int) -> Row:
    from . import LinearRegression

    X, y = _tutorial_data()
    X_b, y_col = np.c_[np.ones(len(X)), X], y[:, None]

    def numpy_gd() -> np.ndarray:  # the tutorial's loop
        theta = np.zeros((2, 1))
        for _ in range(iterations):
            theta = theta - 0.1 * (2 / len(X_b) * X_b.T.dot(X_b.dot(theta) - y_col))
        return theta

    model = LinearRegression(learning_rate=0.1, max_iter=iterations, tol=None)
    row = Row(f"tutorial GD, 100x1, {iterations} iterations, whole fit", "NumPy loop", 50.0)
    return _rounds(lambda: model.fit(X, y), numpy_gd, rounds, row)


def _tutorial_sgd(epochs: int, rounds: int) -> Row:
    from . import LinearRegression
    from .schedules import InverseTime

    X, y = _tutorial_data()
    X_b, y_col = np.c_[np.ones(len(X)), X], y[:, None]
    m = len(X_b)

    # the tutorial's loop: one random row per step, eta_t = 5 / (t + 50)
    def numpy_sgd() -> np.ndarray:
        rng = np.random.default_rng(0)
        theta = np.zeros((2, 1))
        for epoch in range(epochs):
            for i in range(m):
                k = rng.integers(m)
                xi, yi = X_b[k : k + 1], y_col[k : k + 1]
                theta = theta - 5 / (epoch * m + i + 50) * 2 * xi.T.dot(xi.dot(theta) - yi)
        return theta

    model = LinearRegression(
        batch_size=1,
        sampling="replacement",
        schedule=InverseTime(5, 50),
        max_iter=epochs,
        tol=None,
        random_state=0,
    )
    row = Row(f"tutorial SGD, {epochs * m:,} one-row steps, whole fit", "NumPy loop", 500.0)
    return _rounds(lambda: model.fit(X, y), numpy_sgd, rounds, row)


def _gradient(m: int, n: int, dtype: type, threads: int | None, rounds: int) -> Row:
    rng = np.random.default_rng(0)
    X: np.ndarray = rng.standard_normal((m, n)).astype(dtype)
    y: np.ndarray = rng.standard_normal(m).astype(dtype)
    theta: np.ndarray = rng.standard_normal(n + 1).astype(dtype)
    grad = np.empty_like(theta)

    def numpy_gradient() -> tuple[float, np.ndarray]:
        r = X @ theta[1:] + theta[0] - y
        return np.mean(r * r), 2 / m * np.r_[r.sum(), X.T @ r]

    def ours() -> float:
        return _core.squared_error_loss_and_gradient(X, y, theta, grad, n_threads=threads)

    label = "1 thread" if threads == 1 else "all threads"
    goal = 2.0 if threads == 1 and dtype == np.float32 else 3.0 if threads is None else None
    row = Row(
        f"LS gradient {m:,}x{n} {np.dtype(dtype).name}, {label}",
        f"NumPy X.T @ (X @ w - y), {label}",
        goal,
    )
    with _thread_limit(threads):
        _rounds(ours, numpy_gradient, rounds, row, settle=_settle(threads))
    assert row.descend_seconds is not None
    workers = 1 if threads == 1 else os.cpu_count() or 1
    floor = _plain_sum_seconds(X, workers, rounds)
    row.note = (
        f"X read once at {X.nbytes / 1e9 / row.descend_seconds:.1f} GB/s, "
        f"{100 * floor / row.descend_seconds:.0f}% of a plain sum's speed (X.sum() on "
        f"{workers} thread{'s' if workers > 1 else ''}: {X.nbytes / 1e9 / floor:.1f} GB/s)"
    )
    return row


def _plain_sum_seconds(X: np.ndarray, workers: int, rounds: int) -> float:
    """Median time of the fastest way NumPy reads X once: X.sum() over `workers` blocks of
    rows at once (NumPy's reductions release the GIL), the read-bandwidth floor of any pass
    over X."""
    from concurrent.futures import ThreadPoolExecutor

    blocks = np.array_split(X, workers)
    times = []
    with ThreadPoolExecutor(workers) as pool:
        for _ in range(rounds + 1):  # the first round warms up
            started = time.perf_counter()
            list(pool.map(np.sum, blocks))
            times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def _adam_vs_torch(n: int, threads: int | None, rounds: int) -> Row:
    from .optim import Adam

    label = "1 thread" if threads == 1 else "all threads"
    row = Row(f"Adam step, {n:,} float32, {label}", "torch.optim.Adam(fused=True)", 1.0)
    try:
        import torch
    except ImportError:
        row.note = "PyTorch not installed"
        return row
    rng = np.random.default_rng(0)
    w = np.zeros(n, dtype=np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    ours = Adam([w], lr=1e-3, n_threads=threads)
    param = torch.nn.Parameter(torch.zeros(n, dtype=torch.float32))
    param.grad = torch.from_numpy(g.copy())
    theirs = torch.optim.Adam([param], lr=1e-3, fused=True)
    before = torch.get_num_threads()
    torch.set_num_threads(1 if threads == 1 else os.cpu_count() or 1)
    try:
        return _rounds(lambda: ours.step([g]), theirs.step, rounds, row, settle=_settle(threads))
    finally:
        torch.set_num_threads(before)


def _adam_vs_add(rounds: int) -> Row:
    from .optim import Adam

    n = 1000
    w = np.zeros(n, dtype=np.float32)
    g = np.ones(n, dtype=np.float32)
    a, b = np.zeros(n, dtype=np.float32), np.ones(n, dtype=np.float32)
    opt = Adam([w], lr=1e-3)

    def steps() -> None:
        opt.step([g])

    def adds() -> None:
        np.add(a, b, out=a)

    row = Row("optim.Adam.step, 1,000 float32", "np.add(a, b, out=a) on the same size", 1.0)
    return _rounds(steps, adds, rounds, row)


def _minimize(steps: int, rounds: int) -> Row:
    from . import functions, minimize

    x0, lr = (-1.5, 2.0), 1e-3

    def numpy_adam() -> np.ndarray:  # torch.optim.Adam's formula, written in NumPy
        x, m, v = np.array(x0), np.zeros(2), np.zeros(2)
        for t in range(1, steps + 1):
            d = x[1] - x[0] ** 2
            g = np.array([-400.0 * x[0] * d - 2.0 * (1.0 - x[0]), 200.0 * d])
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            x = x - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        return x

    def ours() -> object:
        return minimize(
            functions.rosenbrock,
            x0,
            method="adam",
            tol=None,
            options=dict(lr=lr, gtol=None, max_iter=steps),
        )

    row = Row(f"minimize, {steps:,} Adam steps, 2-D Rosenbrock", "NumPy Adam loop", 1000.0)
    return _rounds(ours, numpy_adam, rounds, row)


def _sgd_epoch(m: int, n: int, rounds: int) -> Row:
    from . import LinearRegression

    row = Row(f"SGD epoch, {m:,}x{n}, one row per step", "scikit-learn SGDRegressor")
    try:
        from sklearn.linear_model import SGDRegressor
    except ImportError:
        row.note = "scikit-learn not installed"
        return row
    rng = np.random.default_rng(0)
    X = rng.standard_normal((m, n))
    y = X @ rng.standard_normal(n) + 0.1 * rng.standard_normal(m)
    ours = LinearRegression(
        optimizer="sgd", learning_rate=1e-3, batch_size=1, max_iter=1, tol=None, random_state=0
    )
    theirs = SGDRegressor(
        penalty=None,
        learning_rate="constant",
        eta0=1e-3,
        max_iter=1,
        tol=None,
        shuffle=True,
        random_state=0,
    )

    def quiet(fit: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # both warn that one epoch did not converge
                return fit()

        return run

    return _rounds(quiet(lambda: ours.fit(X, y)), quiet(lambda: theirs.fit(X, y)), rounds, row)


def peak_rss() -> int:
    """This process's peak resident set size in bytes.

    Linux: ``VmHWM`` of ``/proc/self/status``, which :func:`reset_peak_rss` resets. Not
    ``ru_maxrss`` there: Linux carries a parent's peak over to its child across fork and exec,
    so a child started from a big process would count the parent's peak as its own.
    Elsewhere: ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024
    except (OSError, StopIteration):
        import resource

        scale = 1 if sys.platform == "darwin" else 1024  # macOS counts bytes, others KiB
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def reset_peak_rss() -> None:
    """Set the peak that :func:`peak_rss` reports to the current resident set size (Linux).

    Where the peak cannot be reset, it keeps everything before: a growth measured from it can
    then only be understated.
    """
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # "5": reset the peak resident set size
    except OSError:
        pass


_MEMORY_SCRIPT = """
import json, sys, tracemalloc
import numpy as np
import descend
from descend._bench import peak_rss, reset_peak_rss
m, n = int(sys.argv[1]), int(sys.argv[2])
X = np.random.default_rng(0).standard_normal((m, n)); y = X[:, 0].copy()
model = descend.LinearRegression(learning_rate=0.01, max_iter=2, tol=None)
model.fit(X[:10], y[:10])  # the first call's imports and caches, before measuring
reset_peak_rss()
before = peak_rss()
tracemalloc.start()
model.fit(X, y)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({"X_bytes": X.nbytes, "tracemalloc_peak_bytes": peak,
                  "rss_growth_bytes": max(0, peak_rss() - before)}))
"""


def _memory(m: int, n: int) -> dict[str, Any]:
    """Peak memory of a full-batch fit on m x n float64, in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, str(m), str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    extra = max(result["tracemalloc_peak_bytes"], result["rss_growth_bytes"])
    result["extra_fraction_of_X"] = extra / result["X_bytes"]
    result["goal_extra_fraction"] = 0.05
    result["met"] = result["extra_fraction_of_X"] <= 0.05
    result["shape"] = [m, n]
    return result


# ---------------------------------------------------------------- running and reporting


def _plan(quick: bool, scale: float) -> list[tuple[str, Callable[[], Row]]]:
    """(progress label, workload) for every row, sized for the mode."""

    def size(full: int, fast: int) -> int:
        return max(1, int((fast if quick else full) * scale))

    rounds = 5 if quick else 9
    slow = 3 if quick else 5
    m = size(1_000_000, 200_000)
    return [
        ("tutorial GD", lambda: _tutorial_gd(size(1000, 1000), rounds)),
        ("tutorial SGD", lambda: _tutorial_sgd(size(1000, 200), slow)),
        ("gradient float32, 1 thread", lambda: _gradient(m, 100, np.float32, 1, rounds)),
        ("gradient float64, 1 thread", lambda: _gradient(m, 100, np.float64, 1, rounds)),
        ("gradient float64, all threads", lambda: _gradient(m, 100, np.float64, None, rounds)),
        (
            "Adam vs PyTorch, 1 thread",
            lambda: _adam_vs_torch(size(10_000_000, 1_000_000), 1, rounds),
        ),
        (
            "Adam vs PyTorch, all threads",
            lambda: _adam_vs_torch(size(10_000_000, 1_000_000), None, rounds),
        ),
        ("Adam step vs np.add", lambda: _adam_vs_add(rounds)),
        ("minimize vs NumPy", lambda: _minimize(size(10_000, 2_000), slow)),
        ("SGD epoch vs scikit-learn", lambda: _sgd_epoch(size(100_000, 20_000), 20, slow)),
    ]


def _cell(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} us"
    return f"{seconds * 1e3:.3f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _print_table(rows: Sequence[Row], memory: dict[str, Any] | None, header: str) -> None:
    cells = [["workload", "descend", "alternative", "time", "speedup (range)", "goal", ""]]
    for r in rows:
        speedup = (
            "-"
            if r.speedup is None
            else (f"{r.speedup:.2f}x ({r.speedup_min:.2f}-{r.speedup_max:.2f})")
        )
        met = {True: "met", False: "NOT met", None: ""}[r.met]
        cells.append(
            [
                r.name,
                _cell(r.descend_seconds),
                r.alternative,
                _cell(r.alternative_seconds),
                speedup,
                "" if r.goal is None else f">= {r.goal:g}x",
                met + (f"  {r.note}" if r.note else ""),
            ]
        )
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]) - 1)]
    print(header)
    for k, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1])
        if k == 0:
            print("  ".join("-" * w for w in widths))
    if memory is not None:
        m, n = memory["shape"]
        print(
            f"\nmemory, full-batch fit on {m:,}x{n} float64 (X = {memory['X_bytes'] / 1e6:.0f}"
            f" MB): tracemalloc peak {memory['tracemalloc_peak_bytes'] / 1e6:.1f} MB, peak "
            f"RSS growth {memory['rss_growth_bytes'] / 1e6:.1f} MB: "
            f"{100 * memory['extra_fraction_of_X']:.1f}% of X (goal <= 5%: "
            f"{'met' if memory['met'] else 'NOT met'})"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table (or JSON with --json); returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="descend bench",
        description=("descend beside NumPy, scikit-learn and PyTorch on this machine"),
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and fewer rounds (about 30 s)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.scale > 0:
        parser.error(f"--scale: expected a number > 0, got {args.scale}")

    config = dict(_core.build_config())
    config["cpu_features"] = dict(config["cpu_features"])
    started = time.perf_counter()
    plan = _plan(args.quick, args.scale)
    rows = []
    for k, (label, workload) in enumerate(plan, 1):
        print(f"\r[{k}/{len(plan)}] {label} ...".ljust(60), end="", file=sys.stderr, flush=True)
        rows.append(workload())
    memory = None
    if not args.quick:
        print(
            "\r[memory] full-batch fit in a fresh process ...".ljust(60),
            end="",
            file=sys.stderr,
            flush=True,
        )
        memory = _memory(max(1, int(1_000_000 * args.scale)), 100)
    print("\r".ljust(61) + "\r", end="", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started

    if args.json:
        print(
            json.dumps(
                {
                    "descend": config["version"],
                    "quick": args.quick,
                    "seconds": seconds,
                    "machine": platform.machine(),
                    "config": config,
                    "rows": [dict(asdict(r), met=r.met) for r in rows],
                    "memory": memory,
                },
                indent=2,
            )
        )
    else:
        _print_table(
            rows,
            memory,
            (
                f"descend {config['version']} on {config['threads']} threads, "
                f"{config['code_path']}; speedup = alternative time / descend time, median "
                f"(min-max) over rounds; {seconds:.0f} s"
            ),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
