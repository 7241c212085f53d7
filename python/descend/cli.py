"""The ``descend`` command: demo, fit, predict, compare, bench.

Exit status: 0 on success, 1 when ``fit`` diverged (nothing is saved) or a run of ``compare``
did (after the whole table; stderr names each such run), 2 for a usage error or unusable input
(the message names the file, line and column; no traceback), 130 when Ctrl-C stopped it (after
printing what was done; ``compare`` also names each run that had diverged before it).
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ._checks import MAX_STEP
from .schedules import _NAMED_SCHEDULES

__all__ = ["main", "tutorial_data"]

DEMO_SEED = 42
EXIT_DIVERGED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
# Command-line option -> estimator parameter. The one place the CLI names the estimators'
# parameters: an option is passed only when the user gives it, and only if the installed
# estimator takes that parameter, so its defaults (e.g. learning_rate) stay the estimator's.
_ESTIMATOR_PARAMETERS = {
    "optimizer": "optimizer",
    "lr": "learning_rate",
    "batch_size": "batch_size",
    "schedule": "schedule",
    "max_iter": "max_iter",
    "tol": "tol",
    "penalty": "penalty",
    "alpha": "alpha",
    "random_state": "random_state",
}
_MODELS = {"linear": "LinearRegression", "logistic": "LogisticRegression"}
DEFAULT_COMPARE = "sgd,momentum,rmsprop,adam,nadam"


class UsageError(Exception):
    """An error of the user's input: printed without a traceback, exit status 2."""


def tutorial_data(seed: int = DEMO_SEED, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's regression data: x = 2·U(0, 1), y = 4 + 3x + N(0, 1), as (X, y)."""
    rng = np.random.default_rng(seed)
    X = 2 * rng.random((n, 1))
    y = 4 + 3 * X[:, 0] + rng.standard_normal(n)
    return X, y


def tutorial_runs() -> list[tuple[str, Any]]:
    """The tutorial's three fits, unfitted: (name, estimator) for gradient descent (η = 0.1),
    SGD (one row per step, η_t = 5 / (t + 50)) and Adam (η = 0.1)."""
    from . import LinearRegression
    from .schedules import InverseTime

    return [
        (
            "gradient descent",
            LinearRegression(optimizer="sgd", learning_rate=0.1, max_iter=1000, tol=1e-12),
        ),
        (
            "SGD",
            LinearRegression(
                optimizer="sgd",
                batch_size=1,
                sampling="replacement",
                schedule=InverseTime(5, 50),
                max_iter=1000,
                tol=None,
                random_state=DEMO_SEED,
            ),
        ),
        ("Adam", LinearRegression(optimizer="adam", learning_rate=0.1, max_iter=1000, tol=1e-12)),
    ]


def _demo(out: TextIO = sys.stdout, plot_dir: str | None = None) -> int:
    X, y = tutorial_data()
    X_b = np.c_[np.ones(len(X)), X]
    exact = np.linalg.lstsq(X_b, y, rcond=None)[0]
    exact_mse = float(np.mean((X_b @ exact - y) ** 2))

    runs = tutorial_runs()
    print(
        "descend demo: the tutorial's linear regression, y = 4 + 3x + noise, 100 points", file=out
    )
    print(file=out)
    header = (
        f"{'method':<18} {'epochs':>7} {'final MSE':>10} {'intercept':>10} {'slope':>8}"
        f" {'|θ - lstsq|∞':>13} {'time':>9}"
    )
    print(header, file=out)
    print("-" * len(header), file=out)
    for name, model in runs:
        started = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - started
        theta = np.r_[model.intercept_, model.coef_]
        mse = float(np.mean((X_b @ theta - y) ** 2))
        error = float(np.max(np.abs(theta - exact)))
        print(
            f"{name:<18} {model.n_iter_:>7} {mse:>10.6f} {model.intercept_:>10.6f}"
            f" {model.coef_[0]:>8.5f} {error:>13.2e} {seconds * 1e3:>7.2f}ms",
            file=out,
        )
    print(
        f"{'lstsq (exact)':<18} {'':>7} {exact_mse:>10.6f} {exact[0]:>10.6f}"
        f" {exact[1]:>8.5f} {0.0:>13.2e} {'':>9}",
        file=out,
    )
    if plot_dir is not None:
        from . import plot

        print(file=out)
        for path in plot.demo_figures(plot_dir, fitted=runs, data=(X, y)):
            print(f"wrote {path}", file=out)
    return 0


# ---------------------------------------------------------------------- estimators
def _estimator_class(kind: str) -> type:
    import descend

    name = _MODELS[kind]
    cls: type | None = getattr(descend, name, None)
    if cls is None:
        raise UsageError(
            f"--model {kind}: descend.{name} is not available in descend {descend.__version__}"
        )
    return cls


def make_estimator(kind: str, options: dict[str, Any]) -> Any:
    """An unfitted estimator of kind "linear" or "logistic" with the options the user gave
    (command-line names; None means not given). ``quiet`` turns off the estimator's progress
    bar where it has one (``verbose=0``)."""
    cls = _estimator_class(kind)
    accepted = inspect.signature(cls).parameters
    params: dict[str, Any] = {}
    for option, value in options.items():
        if option == "quiet":
            if value and "verbose" in accepted:
                params["verbose"] = 0
            continue
        if value is None:
            continue
        parameter = _ESTIMATOR_PARAMETERS[option]
        if parameter not in accepted:
            flag = "--" + option.replace("_", "-")
            raise UsageError(
                f"{flag}: {cls.__name__} has no parameter {parameter!r} in this version of descend"
            )
        params[parameter] = value
    try:
        return cls(**params)
    except (TypeError, ValueError) as error:
        raise UsageError(f"{cls.__name__}: {error}") from None


def _fit(model: Any, X: np.ndarray, y: np.ndarray) -> tuple[float, str, str]:
    """Fit; (seconds, the estimator's status_ such as "converged", "max_iter" or "diverged",
    why it stopped in words). Refused hyperparameters or data become a UsageError."""
    from .exceptions import ConvergenceWarning

    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        try:
            model.fit(X, y)
        except (TypeError, ValueError) as error:
            raise UsageError(f"{type(model).__name__}: {error}") from None
    seconds = time.perf_counter() - started
    message = None
    for warning in caught:
        if issubclass(warning.category, ConvergenceWarning):
            message = str(warning.message)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    if getattr(model, "converged_", False):
        return (
            seconds,
            "converged",
            f"converged: the loss changed by less than tol = {model.tol} (relative above 1)",
        )
    status = getattr(model, "status_", None)
    if status is None:  # (an estimator without status_: a guess from the epochs run)
        status = "max_iter" if model.n_iter_ >= model.max_iter else "diverged"
    return seconds, status, message or f"ran max_iter = {model.max_iter} epochs"


def _report_divergence(command: str, what: str, epoch: int, consequence: str = "") -> None:
    """Say on stderr that ``what`` (an estimator, or a compared run) diverged at ``epoch``;
    ``consequence`` (such as "; not saving it to ...") goes before the advice."""
    print(
        f"descend {command}: error: {what} diverged at epoch {epoch} (the loss or the "
        f"parameters became NaN or infinite){consequence}; try a smaller --lr",
        file=sys.stderr,
    )


def _duration(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


# ---------------------------------------------------------------------- metrics
def _is_classifier(model: Any) -> bool:
    return hasattr(model, "predict_proba")


def metrics(model: Any, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """R² and RMSE for a regressor; accuracy and log-loss for a classifier. The parameters of
    a diverged fit give infinite values, without overflow warnings."""
    with np.errstate(over="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (scikit-learn's score, as ours)
        return _metrics(model, X, y)


def _metrics(model: Any, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    if _is_classifier(model):
        proba = np.asarray(model.predict_proba(X), dtype=np.float64)
        index = np.searchsorted(model.classes_, y)
        index = np.minimum(index, len(model.classes_) - 1)
        known = model.classes_[index] == y
        p = np.where(known, proba[np.arange(len(y)), index], 0.0)
        eps = np.finfo(np.float64).eps
        return {
            "accuracy": float(np.mean(model.predict(X) == y)),
            "log-loss": float(-np.mean(np.log(np.clip(p, eps, 1.0)))),
        }
    prediction = np.asarray(model.predict(X), dtype=np.float64)
    return {
        # (R² is undefined on one row, where scikit-learn's score warns and gives NaN)
        "R²": float(model.score(X, y)) if len(y) >= 2 else math.nan,
        "RMSE": float(np.sqrt(np.mean((prediction - y) ** 2))),
    }


def _split(n: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and held-out row indices: a random ``test_size`` fraction held out."""
    if not (0 <= test_size < 1):
        raise UsageError(f"--test-size must be in [0, 1), got {test_size}")
    n_test = int(math.floor(test_size * n))
    if n - n_test < 1:
        raise UsageError(f"--test-size {test_size} leaves no training rows of {n}")
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def _check_output(flag: str, path: str) -> None:
    """Refuse an output file that cannot be written, before the data is read and fitted: its
    directory must exist and be writable, and the path must not be a directory."""
    target = Path(path)
    directory = target.parent
    if target.is_dir():
        raise UsageError(f"{flag} {path}: is a directory; expected a file name")
    if not directory.is_dir():
        raise UsageError(f"{flag} {path}: expected an existing directory, no directory {directory}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} {path}: expected a writable directory, {directory} is not")
    if target.exists() and not os.access(target, os.W_OK):
        raise UsageError(f"{flag} {path}: expected a writable file, it is read-only")


def _check_plot(path: str) -> None:
    """Refuse a --plot file that cannot be written, or of a format matplotlib cannot draw
    (ImportError without matplotlib), before the long work."""
    from . import plot  # noqa: F401  (first: its ImportError says how to install matplotlib)

    # isort: split
    from matplotlib.backend_bases import FigureCanvasBase

    _check_output("--plot", path)
    suffix = Path(path).suffix[1:].lower()
    formats = FigureCanvasBase.get_supported_filetypes()
    if suffix and suffix not in formats:
        raise UsageError(
            f"--plot {path}: expected a file name ending in one of "
            f"{', '.join('.' + name for name in sorted(formats))}, got .{suffix}"
        )


def _save_plot(models: dict[str, Any], path: str, out: TextIO) -> None:
    """Draw the loss curves of the fitted models into ``path`` (checked by _check_plot)."""
    from . import plot

    axes = plot.loss_curves(models)
    try:
        plot.save(axes, path)
    except OSError as error:  # (a disk full, or a directory changed since the check)
        raise UsageError(f"--plot {path}: {error.strerror or error}") from None
    print(f"\nwrote {path}", file=out)


def _check_optimizer(flag: str, name: str) -> None:
    from .linear_model import OPTIMIZER_CHOICES

    if name not in OPTIMIZER_CHOICES:
        raise UsageError(
            f"{flag}: unknown optimizer {name!r}; optimizer must be one of "
            f"{', '.join(OPTIMIZER_CHOICES)}"
        )


def _read(args: argparse.Namespace) -> Any:
    from ._table import DataError, read_table

    features = None
    if args.features is not None:
        features = [name.strip() for name in args.features.split(",") if name.strip()]
    try:
        return read_table(args.data, args.target, features, labels=args.model == "logistic")
    except DataError as error:
        raise UsageError(str(error)) from None


def _estimator_options(args: argparse.Namespace) -> dict[str, Any]:
    options = {option: getattr(args, option, None) for option in _ESTIMATOR_PARAMETERS}
    return {**options, "quiet": args.quiet}


def _coefficient_rows(model: Any, names: list[str]) -> list[tuple[str, str]]:
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))
    rows = [("intercept", "  ".join(f"{v:>12.6g}" for v in intercept))]
    rows += [(name, "  ".join(f"{v:>12.6g}" for v in coef[:, j])) for j, name in enumerate(names)]
    return rows


def _print_fit(
    out: TextIO,
    model: Any,
    table: Any,
    train: np.ndarray,
    test: np.ndarray,
    seconds: float | None,
    reason: str,
) -> None:
    epochs = getattr(model, "n_iter_", None)
    took = "" if seconds is None else f" in {_duration(seconds)}"
    print(f"stopped after {epochs} epochs{took}: {reason}", file=out)
    scores = [("training", metrics(model, table.X[train], table.y[train]))]
    if len(test):
        scores.append(("held-out", metrics(model, table.X[test], table.y[test])))
    # (a space before every column: a value wider than its column stays apart from the next)
    print(f"\n{'':<10}" + "".join(f" {name:>11}" for name, _ in scores), file=out)
    for key in scores[0][1]:
        print(f"{key:<10}" + "".join(f" {s[key]:>11.6g}" for _, s in scores), file=out)
    if (
        getattr(model, "classes_", None) is not None
        and np.ndim(model.coef_) == 2
        and len(model.coef_) > 1
    ):
        print(
            f"\ncoefficients (one column per class: {', '.join(map(str, model.classes_))})",
            file=out,
        )
    else:
        print("\ncoefficients", file=out)
    width = max(len(name) for name in ["intercept", *table.feature_names])
    for name, values in _coefficient_rows(model, table.feature_names):
        print(f"  {name:<{width}}  {values}", file=out)


def _fit_command(args: argparse.Namespace, out: TextIO) -> int:
    if args.optimizer is not None:
        _check_optimizer("--optimizer", args.optimizer)
    if args.plot:
        _check_plot(args.plot)
    if args.save:
        _check_output("--save", args.save)
    table = _read(args)
    model = make_estimator(args.model, _estimator_options(args))
    train, test = _split(len(table.X), args.test_size, args.random_state or 0)
    try:  # (from the first line on, a Ctrl-C is reported on `out` after it)
        print(
            f"{type(model).__name__} on {table.path}: {len(train)} training rows, "
            f"{len(test)} held out; {len(table.feature_names)} features; target "
            f"{table.target!r}",
            file=out,
            flush=True,
        )
        seconds, status, reason = _fit(model, table.X[train], table.y[train])
    except KeyboardInterrupt:
        if not hasattr(model, "coef_"):
            print("interrupted (Ctrl-C) before the fit had a result", file=out)
            return EXIT_INTERRUPTED
        _print_fit(
            out,
            model,
            table,
            train,
            test,
            None,
            "interrupted (Ctrl-C); the parameters reached so far",
        )
        return EXIT_INTERRUPTED
    _print_fit(out, model, table, train, test, seconds, reason)
    if args.plot:
        _save_plot({type(model).__name__: model}, args.plot, out)
    if status == "diverged":
        not_saved = f"; not saving it to {args.save}" if args.save else ""
        _report_divergence("fit", type(model).__name__, model.n_iter_, not_saved)
        return EXIT_DIVERGED
    if args.save:
        from ._model_io import save_model

        try:
            save_model(args.save, model, table.feature_names, table.target)
        except (TypeError, ValueError, OSError) as error:
            raise UsageError(f"--save {args.save}: {error}") from None
        print(f"saved {args.save}", file=out)
    return 0


def _predict_command(args: argparse.Namespace, out: TextIO) -> int:
    from ._model_io import ModelFileError, load_model
    from ._table import DataError, read_table

    try:
        model, features, _ = load_model(args.model_file)
    except ModelFileError as error:
        raise UsageError(str(error)) from None
    try:
        table = read_table(args.data, None, features)
    except DataError as error:
        raise UsageError(str(error)) from None
    prediction = model.predict(table.X)
    columns = {"prediction": prediction}
    if _is_classifier(model):
        proba = np.asarray(model.predict_proba(table.X))
        for j, label in enumerate(model.classes_):
            columns[f"probability_{label}"] = proba[:, j]
    import csv

    def write(stream: TextIO) -> None:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in zip(*columns.values(), strict=True):
            writer.writerow([v.item() if isinstance(v, np.generic) else v for v in row])

    if args.output is None:
        write(out)
        return 0
    try:
        with open(args.output, "w", newline="") as stream:
            write(stream)
    except OSError as error:
        raise UsageError(f"--output {args.output}: {error.strerror}") from None
    print(f"wrote {len(prediction)} predictions to {args.output}", file=out)
    return 0


def _compare_command(args: argparse.Namespace, out: TextIO) -> int:
    from ._progress import Progress

    names = [name.strip() for name in args.optimizers.split(",") if name.strip()]
    if not names:
        raise UsageError("--optimizers: give at least one optimizer name")
    for name in names:
        _check_optimizer("--optimizers", name)
    if args.plot:
        _check_plot(args.plot)
    table = _read(args)
    train, test = _split(len(table.X), args.test_size, args.random_state or 0)
    options = _estimator_options(args)
    models = {name: make_estimator(args.model, {**options, "optimizer": name}) for name in names}
    held_out = len(test) > 0
    X_eval, y_eval = (
        (table.X[test], table.y[test]) if held_out else (table.X[train], table.y[train])
    )
    metric_name = "accuracy" if args.model == "logistic" else "R²"
    header = (
        f"{'optimizer':<12} {'final loss':>12} {'epochs':>7} {'time':>9} "
        f"{(('held-out ' if held_out else 'training ') + metric_name):>18}  stopped"
    )
    done: dict[str, Any] = {}
    diverged: list[str] = []
    interrupted = False
    with Progress(
        len(names),
        "compare",
        unit="fit",
        verbose=False if args.quiet else None,
        catch_interrupt=False,
    ) as progress:
        try:  # (from the header on, a Ctrl-C is reported on `out` after the rows done)
            print(header, file=out)
            print("-" * len(header), file=out, flush=True)
            for name, model in models.items():
                seconds, status, _ = _fit(model, table.X[train], table.y[train])
                score = metrics(model, X_eval, y_eval)[metric_name]
                final = model.loss_curve_[-1] if model.loss_curve_ else float("nan")
                print(
                    f"{name:<12} {final:>12.6g} {model.n_iter_:>7} {_duration(seconds):>9} "
                    f"{score:>18.6g}  {status}",
                    file=out,
                )
                done[name] = model
                if status == "diverged":
                    diverged.append(name)
                progress.update(1)
        except KeyboardInterrupt:
            interrupted = True
    if args.plot and done:
        _save_plot(done, args.plot, out)
    if interrupted:
        print(f"interrupted (Ctrl-C) after {len(done)} of {len(names)} optimizers", file=out)
    # (also after a Ctrl-C: a run that diverged before it is named, not left to its row)
    for name in diverged:
        model = models[name]
        _report_divergence("compare", f"{type(model).__name__} with {name}", model.n_iter_)
    if interrupted:  # (Ctrl-C wins over a divergence: the command did not finish)
        return EXIT_INTERRUPTED
    return EXIT_DIVERGED if diverged else 0


# ---------------------------------------------------------------------- the parser


def _positive_int(text: str) -> int:
    """A count for --max-iter or --batch-size: a whole number in [1, 2**53], the estimators'
    bound for both (descend._checks.MAX_STEP: the most steps a fit counts)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    if value > MAX_STEP:
        raise argparse.ArgumentTypeError(f"expected a number <= 2**53, got {value}")
    return value


def _seed(text: str) -> int:
    """A seed for --random-state: a whole number in [0, 2**64), as the estimators take."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"expected a whole number in [0, 2**64), got {value}")
    return value


def _learning_rate(text: str) -> float | None:
    if text == "auto":
        return None  # the estimator's own default
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def _fit_options(parser: argparse.ArgumentParser, optimizer: bool = True) -> None:
    parser.add_argument("data", type=Path, help="CSV file with a header row")
    parser.add_argument("--target", required=True, help="the column to predict")
    parser.add_argument(
        "--features", help="comma-separated feature columns (default: all but the target)"
    )
    parser.add_argument(
        "--model",
        choices=list(_MODELS),
        default="linear",
        help="linear regression or logistic regression (default: linear)",
    )
    if optimizer:
        parser.add_argument(
            "--optimizer",
            help="update rule, e.g. sgd, momentum, adam, or lbfgs (default: auto, the estimator's)",
        )
    parser.add_argument(
        "--lr",
        type=_learning_rate,
        default=None,
        help="learning rate: 'auto' (the estimator's default) or a number",
    )
    parser.add_argument(
        "--batch-size",
        type=_positive_int,
        help="rows per step (default: all rows, gradient descent)",
    )
    parser.add_argument(
        "--schedule",
        choices=_NAMED_SCHEDULES,
        help="cosine: anneal the learning rate to 0 over --max-iter epochs, so that a "
        "stochastic fit (--batch-size) settles at the optimum (default: a constant rate)",
    )
    parser.add_argument("--max-iter", type=_positive_int, help="maximum number of epochs")
    parser.add_argument(
        "--tol",
        type=float,
        help="stop when the loss changes by less (relative to the loss once it exceeds 1)",
    )
    parser.add_argument("--penalty", help="regularization: l2, l1, elasticnet")
    parser.add_argument("--alpha", type=float, help="regularization strength")
    parser.add_argument(
        "--test-size",
        type=float,
        default=0.2,
        help="fraction of rows held out for evaluation (default 0.2)",
    )
    parser.add_argument(
        "--random-state",
        type=_seed,
        default=None,
        help="seed for the split and the sampling (the split uses 0 without)",
    )
    parser.add_argument("--plot", metavar="PNG", help="save the loss curve(s) to this file")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="descend", description="Fast first-order optimization for Python and C++."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo", help="the tutorial reproduced: gradient descent, SGD and Adam beside lstsq"
    )
    demo.add_argument(
        "--plot",
        metavar="DIR",
        help="also draw the tutorial's figures into DIR "
        "(needs matplotlib: pip install 'descend[plot]')",
    )
    fit = commands.add_parser("fit", help="fit a model to a CSV file")
    _fit_options(fit)
    fit.add_argument("--save", metavar="JSON", help="save the fitted model to this file")
    predict = commands.add_parser("predict", help="predict with a saved model")
    predict.add_argument("model_file", type=Path, help="a model saved by descend fit --save")
    predict.add_argument("data", type=Path, help="CSV file with the model's feature columns")
    predict.add_argument("--output", help="write the predictions here (default: stdout)")
    compare = commands.add_parser("compare", help="fit with several optimizers side by side")
    _fit_options(compare, optimizer=False)
    compare.add_argument(
        "--optimizers",
        default=DEFAULT_COMPARE,
        help=f"comma-separated update rules (default: {DEFAULT_COMPARE})",
    )
    # its options belong to descend._bench's own parser (descend bench --help)
    commands.add_parser(
        "bench",
        add_help=False,
        help="descend beside NumPy, scikit-learn and PyTorch on this machine (--quick, --json)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``descend`` command; returns the exit status."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "bench":
        from . import _bench

        return _bench.main(extra)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    commands = {"fit": _fit_command, "predict": _predict_command, "compare": _compare_command}
    try:
        if args.command == "demo":
            return _demo(plot_dir=args.plot)
        if args.command in commands:
            return commands[args.command](args, sys.stdout)
    except UsageError as error:
        print(f"descend {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ImportError as error:
        if "descend[" not in str(error):
            raise
        print(f"descend {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"descend {args.command}: interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader of our output went away (e.g. `descend predict ... | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    parser.print_help()
    return EXIT_USAGE
