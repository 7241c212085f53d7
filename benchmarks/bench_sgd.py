"""One-row SGD epochs against scikit-learn's SGDRegressor / SGDClassifier (issue 9, item 7).

batch_size=1, a fresh shuffle every epoch, the invscaling schedule eta0 / t^power_t
(eta0=0.01, power_t=0.25: SGDRegressor's defaults; SGDClassifier's default is "optimal", so
both sides use invscaling for a like-for-like comparison), penalty l2 with alpha=1e-4, on
200,000 x 100 rows, float64 and float32, dense and 1%-dense CSR, the same number of epochs
(tol=None). Per row of the table, measured side by side in one run (median of several):

- CPU seconds per epoch (time.process_time: on a machine shared with other work, wall time
  mostly measures the neighbours; every contender here runs on one thread, and so does
  NumPy's BLAS for the whole run, through threadpoolctl: the objective's `X @ w` between two
  timed fits would otherwise leave OpenBLAS's idle workers spinning on another core for the
  next fit's first ~0.1 s, and process_time counts their CPU time, as it counts every thread
  of the process, against that fit) of scikit-learn
  (fit with max_iter=epochs, divided by epochs) and of descend: the fused one-row path
  (fused_sgd.hpp through the private _core._fused_sgd_epoch, each epoch's rows a fresh
  permutation, as the fit loop draws them), the fit loop `_core.fit_linear` with SGD and
  batch_size=1, and the estimator (`descend.LinearRegression` / `descend.LogisticRegression`
  with batch_size=1, InvScaling, tol=None) when it accepts those parameters;
- the final objective of each, computed the same way from each model's coefficients in
  float64 NumPy: scikit-learn's own objective (mean r^2 / 2 or mean log-loss, plus
  alpha ||w||^2 / 2). descend's squared loss is mean r^2 (twice scikit-learn's), so for the
  regressor descend runs alpha' = 2 alpha and eta0' = eta0 / 2: the same steps on the same
  objective. For sparse X scikit-learn damps the intercept's steps by 0.01, and descend does
  not: CSR fits equal dense fits. On the 1%-dense rows, where the intercept is the only
  parameter every step moves, the damping hides most of its SGD noise at the last step sizes.
  Measured with seeds 0-8 on the CSR float64 regressor: scikit-learn's median objective was
  0.129074 with the damping and 0.129083 without it (SPARSE_INTERCEPT_DECAY set to 1). The fit
  loop's median was 0.129089 over seeds 0-14, so that row's loss reads "higher";
- each round fits with its own seed (random_state 0, 1, ...: another shuffle of the rows), so
  the objectives are reported as the median over the rounds' seeds, and the loss verdict
  compares descend's median with scikit-learn's: "lower" (at most scikit-learn's median),
  "within seeds" (above it but inside the range of scikit-learn's own objectives over the same
  seeds: a difference the choice of seed alone makes), or "higher";
- ratio: scikit-learn's seconds per epoch over the estimator's (the fit loop's when the
  estimator is missing); the goal (4x at equal or lower loss) is met when the ratio reaches
  4 and the verdict is "lower" or "within seeds";
- peak extra memory of a fit beyond the loaded data (tracemalloc peak and peak RSS growth,
  each side in a fresh process: scikit-learn and the estimator), against the size of X.

A last table: Adam with mini-batches of 256 through `_core.fit_linear` (float64 regression,
dense and CSR): the time until its objective reaches SGDRegressor's after 10 epochs. Adam runs
under invscaling eta0=0.03, power_t=0.5: at a constant rate its normalized per-coordinate
steps keep the 1%-dense columns (about 2.5 nonzeros per column in a batch) noisy, and it
stalled above the target (0.1300 against 0.1290 after 200 epochs at lr=0.01).

    python benchmarks/bench_sgd.py [--quick] [--epochs 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import inspect
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from _timing import print_table
from threadpoolctl import threadpool_limits

import descend
from descend import _core
from descend._bench import peak_rss, reset_peak_rss

ROWS, COLS, DENSITY = 200_000, 100, 0.01
ALPHA, ETA0, POWER_T = 1e-4, 0.01, 0.25
GOAL = 4.0
ADAM_ETA0, ADAM_POWER_T = 0.03, 0.5
TASKS = ("regressor", "classifier")


# ------------------------------------------------------------------ data


def make_data(rows: int, folder: Path) -> None:
    """Writes X (dense and CSR), y and labels for each dtype to `folder` (.npy / .npz)."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal(COLS)
    dense = rng.standard_normal((rows, COLS))
    sparse = sp.random(
        rows, COLS, density=DENSITY, format="csr", random_state=1, data_rvs=rng.standard_normal
    )
    for layout, X in (("dense", dense), ("csr", sparse)):
        signal = np.asarray(X @ w).ravel()
        y = signal + 0.5 * rng.standard_normal(rows)
        label = (signal + 0.5 * rng.standard_normal(rows) > 0).astype(np.float64)
        for dtype in ("float64", "float32"):
            stem = folder / f"{layout}_{dtype}"
            if layout == "dense":
                np.save(f"{stem}_X.npy", X.astype(dtype))
            else:
                sp.save_npz(f"{stem}_X.npz", X.astype(dtype), compressed=False)
            np.save(f"{stem}_y.npy", y.astype(dtype))
            np.save(f"{stem}_label.npy", label.astype(dtype))


def load(folder: Path, layout: str, dtype: str):
    stem = folder / f"{layout}_{dtype}"
    X = np.load(f"{stem}_X.npy") if layout == "dense" else sp.load_npz(f"{stem}_X.npz")
    return X, np.load(f"{stem}_y.npy"), np.load(f"{stem}_label.npy")


def nbytes(X) -> int:
    if sp.issparse(X):
        return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    return X.nbytes


# ------------------------------------------------------------------ the objective


def objective(task: str, X, y, intercept: float, coef: np.ndarray) -> float:
    """scikit-learn's objective in float64: mean r^2 / 2 or mean log-loss, + alpha ||w||^2 / 2."""
    coef = np.asarray(coef, dtype=np.float64).ravel()
    z = np.asarray(X @ coef, dtype=np.float64).ravel() + float(intercept)
    y = np.asarray(y, dtype=np.float64)
    if task == "regressor":
        data = np.mean((z - y) ** 2) / 2
    else:
        data = np.mean(np.logaddexp(0.0, z) - y * z)
    return float(data + ALPHA * (coef @ coef) / 2)


# ------------------------------------------------------------------ the contenders


def descend_settings(task: str) -> tuple[str, float, float]:
    """descend's loss, alpha and eta0 for the same steps on the same objective (see above)."""
    if task == "regressor":
        return "squared_error", 2 * ALPHA, ETA0 / 2
    return "log_loss", ALPHA, ETA0


def both_sides(alpha: float, epochs: int, seed: int) -> dict:
    """The settings scikit-learn's and descend's estimators take alike."""
    return dict(penalty="l2", alpha=alpha, max_iter=epochs, tol=None, random_state=seed)


def sklearn_fit(task: str, X, y, epochs: int, seed: int):
    from sklearn.linear_model import SGDClassifier, SGDRegressor

    settings = dict(
        both_sides(ALPHA, epochs, seed), learning_rate="invscaling", eta0=ETA0, power_t=POWER_T
    )
    model = (
        SGDRegressor(shuffle=True, **settings)
        if task == "regressor"
        else SGDClassifier(loss="log_loss", shuffle=True, **settings)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return float(np.ravel(model.intercept_)[0]), model.coef_.ravel()


def fused_fit(task: str, X, y, epochs: int, seed: int):
    """The fused path, one call per epoch over a fresh permutation of the rows."""
    loss, alpha, eta0 = descend_settings(task)
    rng = np.random.default_rng(seed)
    theta = np.zeros(X.shape[1] + 1, dtype=X.dtype)
    schedule = _core.InvScaling(eta0=eta0, power_t=POWER_T)
    penalty = _core.Penalty("l2", alpha=alpha)
    step = 0
    for _ in range(epochs):
        rows = rng.permutation(X.shape[0])
        _, step = _core._fused_sgd_epoch(X, y, theta, rows, step, schedule, penalty, loss=loss)
    return float(theta[0]), theta[1:]


def fit_linear_epochs(task: str, X, y, theta, state, optimizer, schedule, options, run, epochs):
    """`epochs` epochs of `_core.fit_linear`, continuing theta, state and `run`."""
    loss, alpha, _ = descend_settings(task)
    _core.fit_linear(
        X,
        y,
        None,
        theta,
        state,
        None,
        optimizer,
        schedule,
        options,
        run,
        epochs,
        loss=loss,
        penalty="l2",
        alpha=alpha,
    )


def loop_fit(
    task: str, X, y, epochs: int, seed: int, optimizer=None, batch_size: int = 1, schedule=None
):
    """The fit loop `_core.fit_linear` (SGD with batch_size 1 unless told otherwise)."""
    loss, alpha, eta0 = descend_settings(task)
    theta = np.zeros(X.shape[1] + 1, dtype=X.dtype)
    optimizer = optimizer or _core.SGD(lr=eta0)
    state = np.zeros((optimizer.state_slots, theta.size), dtype=X.dtype)
    schedule = schedule or _core.InvScaling(eta0=eta0, power_t=POWER_T)
    options = _core.SolverOptions(batch_size=batch_size, max_iter=10**9, tol=-1.0)
    run = _core.SolverState(seed)
    fit_linear_epochs(task, X, y, theta, state, optimizer, schedule, options, run, epochs)
    return float(theta[0]), theta[1:]


def estimator_class(task: str):
    """descend's estimator for the task if it takes this benchmark's parameters, else None."""
    name = "LinearRegression" if task == "regressor" else "LogisticRegression"
    cls = getattr(descend, name, None)
    if cls is None:
        return None
    wanted = {"penalty", "alpha", "batch_size", "schedule", "tol", "max_iter", "random_state"}
    wanted |= {"loss"} if task == "regressor" else set()
    return cls if wanted <= set(inspect.signature(cls).parameters) else None


def estimator_fit(task: str, X, y, epochs: int, seed: int):
    loss, alpha, eta0 = descend_settings(task)
    schedule = descend.schedules.InvScaling(eta0=eta0, power_t=POWER_T)
    settings = dict(both_sides(alpha, epochs, seed), batch_size=1, schedule=schedule)
    if task == "regressor":
        settings["loss"] = loss
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = estimator_class(task)(**settings).fit(X, y)
    return float(np.ravel(model.intercept_)[0]), np.asarray(model.coef_).ravel()


FITS = {"sklearn": sklearn_fit, "fused": fused_fit, "loop": loop_fit, "estimator": estimator_fit}


# ------------------------------------------------------------------ memory (fresh process)


def measure_memory(
    folder: Path, task: str, layout: str, dtype: str, side: str, epochs: int
) -> dict:
    """Peak extra memory of one fit, in this (fresh) process: tracemalloc and the growth of the
    peak RSS (reset first: ru_maxrss would start at the parent's peak, see descend._bench)."""
    X, y, label = load(folder, layout, dtype)
    targets = y if task == "regressor" else label
    FITS[side](task, X[:1000], targets[:1000], 1, 0)  # import and warm up outside the window
    reset_peak_rss()
    before = peak_rss()
    tracemalloc.start()
    FITS[side](task, X, targets, epochs, 0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"tracemalloc": peak, "maxrss": max(0, peak_rss() - before), "X": nbytes(X)}


def memory_in_subprocess(
    folder: Path, task: str, layout: str, dtype: str, side: str, epochs: int
) -> dict:
    command = [
        sys.executable,
        __file__,
        "--memory",
        str(folder),
        task,
        layout,
        dtype,
        side,
        str(epochs),
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# ------------------------------------------------------------------ timing


def time_sides(sides, task, X, y, epochs, repeat):
    """Median seconds per epoch of each side, the sides alternating in every round, and each
    side's final objectives, one per round (round r fits with seed r)."""
    times = {side: [] for side in sides}
    objectives = {side: [] for side in sides}
    for side in sides:  # warm-up (imports, first-touch of X)
        FITS[side](task, X[:1000], y[:1000], 1, 0)
    for r in range(repeat):
        for side in sides:
            started = time.process_time()
            fitted = FITS[side](task, X, y, epochs, r)
            times[side].append((time.process_time() - started) / epochs)
            objectives[side].append(objective(task, X, y, *fitted))
    return {side: statistics.median(t) for side, t in times.items()}, objectives


def loss_verdict(ours: list[float], theirs: list[float]) -> str:
    """descend's objectives over the seeds against scikit-learn's (see the module docstring)."""
    mine = statistics.median(ours)
    if mine <= statistics.median(theirs):
        return "lower"
    return "within seeds" if mine <= max(theirs) else "higher"


def megabytes(n: float) -> str:
    return f"{n / 2**20:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 rows, 2 epochs, 2 repeats")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory columns")
    parser.add_argument("--memory", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    with threadpool_limits(limits=1):  # (see the module docstring: one thread for BLAS too)
        run(args)


def run(args: argparse.Namespace) -> None:
    """The tables (or, with --memory, one fresh-process memory measurement)."""
    if args.memory:
        folder, task, layout, dtype, side, epochs = args.memory
        print(json.dumps(measure_memory(Path(folder), task, layout, dtype, side, int(epochs))))
        return
    rows = 20_000 if args.quick else ROWS
    epochs, repeat = (2, 2) if args.quick else (args.epochs, args.repeat)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_data(rows, folder)
        print(
            f"{rows:,} x {COLS} rows, {epochs} epochs, median of {repeat} (seeds 0-{repeat - 1}); "
            f"l2 alpha={ALPHA}, invscaling eta0={ETA0} power_t={POWER_T}, batch_size=1, shuffle"
        )
        header = [
            "task",
            "X",
            "dtype",
            "sklearn s/epoch",
            "fused s/epoch",
            "loop s/epoch",
            "estimator s/epoch",
            "ratio",
            "loss",
            "goal",
            "sklearn objective",
            "estimator objective",
        ]
        if not args.no_memory:
            header += ["X MiB", "sklearn extra MiB (tracemalloc/rss)", "estimator extra MiB"]
        table = []
        for task in TASKS:
            sides = ["sklearn", "fused", "loop"] + (["estimator"] if estimator_class(task) else [])
            for layout in ("dense", "csr"):
                for dtype in ("float64", "float32"):
                    X, y, label = load(folder, layout, dtype)
                    targets = y if task == "regressor" else label
                    seconds, objectives = time_sides(sides, task, X, targets, epochs, repeat)
                    ours = sides[-1]  # the estimator (what users call), else the fit loop
                    ratio = seconds["sklearn"] / seconds[ours]
                    verdict = loss_verdict(objectives[ours], objectives["sklearn"])
                    met = ratio >= GOAL and verdict != "higher"
                    row = [
                        task,
                        layout,
                        dtype,
                        f"{seconds['sklearn']:.4f}",
                        f"{seconds['fused']:.4f}",
                        f"{seconds['loop']:.4f}",
                        f"{seconds['estimator']:.4f}" if "estimator" in seconds else "n/a",
                        f"{ratio:.2f}x",
                        verdict,
                        "met" if met else "NOT met",
                        f"{statistics.median(objectives['sklearn']):.6f}",
                        f"{statistics.median(objectives[ours]):.6f}",
                    ]
                    if not args.no_memory:
                        memory = {
                            side: memory_in_subprocess(folder, task, layout, dtype, side, 1)
                            for side in ("sklearn", ours)
                        }
                        row.append(megabytes(nbytes(X)))
                        for side in ("sklearn", ours):
                            row.append(
                                f"{megabytes(memory[side]['tracemalloc'])}/"
                                f"{megabytes(memory[side]['maxrss'])}"
                            )
                    table.append(row)
                    print(" ", *row, flush=True)
        print()
        print_table(header, table)
        adam_table(folder, epochs_quick=args.quick)


def adam_table(folder: Path, epochs_quick: bool) -> None:
    """Adam, batch 256, through the fit loop: time to reach SGDRegressor's 10-epoch objective."""
    print(
        "\nAdam with mini-batches of 256 (fit loop, invscaling eta0="
        f"{ADAM_ETA0} power_t={ADAM_POWER_T}) against SGDRegressor after 10 epochs"
    )
    rows = []
    for layout in ("dense", "csr"):
        X, y, _ = load(folder, layout, "float64")
        started = time.process_time()
        fitted = sklearn_fit("regressor", X, y, 10, 0)
        sklearn_seconds = time.process_time() - started
        target = objective("regressor", X, y, *fitted)
        theta = np.zeros(X.shape[1] + 1)
        optimizer = _core.Adam(lr=ADAM_ETA0)
        state = np.zeros((optimizer.state_slots, theta.size))
        schedule = _core.InvScaling(eta0=ADAM_ETA0, power_t=ADAM_POWER_T)
        options = _core.SolverOptions(batch_size=256, max_iter=10**9, tol=-1.0)
        run = _core.SolverState(0)
        reached, epochs, elapsed = float("inf"), 0, 0.0
        while reached > target and epochs < (20 if epochs_quick else 200):
            started = time.process_time()
            fit_linear_epochs("regressor", X, y, theta, state, optimizer, schedule, options, run, 1)
            elapsed += time.process_time() - started
            epochs += 1
            reached = objective("regressor", X, y, theta[0], theta[1:])
        rows.append(
            [
                layout,
                f"{target:.6f}",
                f"{sklearn_seconds:.3f}",
                f"{reached:.6f}",
                epochs,
                f"{elapsed:.3f}",
                f"{sklearn_seconds / elapsed:.2f}x",
            ]
        )
    print_table(
        [
            "X",
            "sklearn 10-epoch objective",
            "sklearn s",
            "Adam objective",
            "Adam epochs",
            "Adam s",
            "ratio",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
