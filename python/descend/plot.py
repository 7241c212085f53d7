"""Figures of fits and optimization runs (needs matplotlib: ``pip install 'descend[plot]'``).

Each function draws into the Axes it is given, or into a new figure, and returns the Axes::

    descend.plot.loss_curves({"gd": model_gd, "adam": model_adam})
    descend.plot.paths({"adam": res}, descend.functions.rosenbrock)   # res from record_path
    descend.plot.fit_line(model, X, y)

New figures are made with pyplot when it is already imported (so they show in a notebook or
an interactive session), else as plain ``matplotlib.figure.Figure`` objects that need no
display: ``descend.plot.save(ax, "loss.png")`` writes them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ._checks import check_int
from .minimize import OptimizeResult

__all__ = ["demo_figures", "fit_line", "loss_curves", "paths", "save"]

_EXTRA = "descend.plot needs matplotlib: pip install 'descend[plot]'"
# The most grid points per axis that paths() takes: the contour grid has resolution**2 points,
# evaluated at once (4 million at 2000, 32 MB per array of them; more than a figure shows),
# and a resolution such as 10**6 would allocate terabytes before anything was drawn.
_MAX_RESOLUTION = 2000


try:
    import matplotlib  # noqa: F401
except ImportError:
    raise ImportError(_EXTRA) from None


def _axes(ax: Any, figsize: tuple[float, float] = (6.4, 4.4)) -> Any:
    """``ax``, or the Axes of a new figure."""
    if ax is not None:
        return ax
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=figsize, layout="constrained").add_subplot()
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained").add_subplot()


def _labelled(items: Any, kind: str) -> list[tuple[str | None, Any]]:
    """(label, item) pairs from a mapping, a sequence or a single item."""
    # (a minimize() result is a dict too: told apart by its class, not by a "history" key,
    # which a mapping of labelled runs has when one of them is labelled "history")
    if isinstance(items, OptimizeResult):
        return [(None, items)]
    if not isinstance(items, Iterable):
        return [(None, items)]
    pairs: list[tuple[str | None, Any]] = (
        [(str(label), item) for label, item in items.items()]
        if isinstance(items, Mapping)
        else [(None, item) for item in items]
    )
    if not pairs:
        raise ValueError(f"{kind}: nothing to plot")
    return pairs


def _curve(item: Any) -> tuple[np.ndarray, np.ndarray, str]:
    """(x, loss, x label) of a fitted estimator or a minimize() result."""
    if hasattr(item, "loss_curve_"):
        losses = np.asarray(item.loss_curve_, dtype=np.float64)
        return np.arange(1, len(losses) + 1), losses, "epoch"
    if isinstance(item, dict) and "history" in item:
        values = np.asarray(item["history"], dtype=np.float64)
        return np.arange(len(values)), values, "iteration"
    raise TypeError(
        f"expected a fitted estimator (with loss_curve_) or a minimize() result (with "
        f"history), got {type(item).__name__}"
    )


def loss_curves(
    runs: Any, ax: Any = None, *, log: bool | None = None, title: str | None = None
) -> Any:
    """The loss of each run against its epoch (estimators) or iteration (minimize results).

    Parameters
    ----------
    runs : estimator, OptimizeResult, a sequence of them, or a mapping label -> one of them
        Fitted estimators contribute ``loss_curve_``; minimize() results their ``history``.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    log : bool, optional
        A logarithmic loss axis; default: when every loss is positive and they span more than
        a factor of 10.
    title : str, optional
        Default: "Loss curves".

    Returns
    -------
    matplotlib Axes
    """
    pairs = _labelled(runs, "loss_curves")
    ax = _axes(ax)
    xlabels = set()
    everything = []
    for label, item in pairs:
        x, losses, xlabel = _curve(item)
        xlabels.add(xlabel)
        everything.append(losses[np.isfinite(losses)])
        ax.plot(x, losses, label=label, linewidth=1.5)
    values = np.concatenate(everything) if everything else np.empty(0)
    if log is None:
        log = bool(values.size and values.min() > 0 and values.max() > 10 * values.min())
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(" / ".join(sorted(xlabels)))
    ax.set_ylabel("loss" + (" (log scale)" if log else ""))
    ax.set_title(title or "Loss curves")
    if any(label is not None for label, _ in pairs):
        ax.legend()
    ax.grid(True, alpha=0.3)
    return ax


def _grid_values(landscape: Any, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = landscape.bounds
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    X, Y = np.meshgrid(xs, ys)
    return X, Y, np.asarray(landscape(np.stack([X, Y], axis=-1)))


def _levels(Z: np.ndarray, count: int = 25) -> np.ndarray:
    """Contour levels: geometric above the minimum for f >= 0 (valleys near 0 show), else
    at quantiles of f."""
    lo, hi = float(Z.min()), float(Z.max())
    if lo >= 0 and hi > 0:
        floor = max(lo, hi * 1e-6)
        return np.unique(np.r_[lo, np.geomspace(floor, hi, count)])
    return np.unique(np.quantile(Z, np.linspace(0, 1, count)))


def paths(
    results: Any,
    landscape: Any,
    ax: Any = None,
    *,
    title: str | None = None,
    resolution: int = 300,
    mark_every: int | None = None,
) -> Any:
    """The iterates of minimize() runs over a 1-D or 2-D landscape of descend.functions.

    Two variables: filled contours of f over ``landscape.bounds`` (levels spaced
    geometrically for f >= 0, at quantiles of f where it takes negative values, so both the
    valleys and the walls show), each run's path from its start (circle) to its
    end (square), the known minima (stars) and saddle points (crosses). One variable: the
    curve f(x) with each run's iterates on it.

    Parameters
    ----------
    results : OptimizeResult, a sequence of them, or a mapping label -> OptimizeResult
        Runs of ``descend.minimize(..., options={"record_path": True})``.
    landscape : descend.functions.Landscape
        The function they minimized (its ``dim`` must be 1 or 2).
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    title : str, optional
        Default: the landscape's class name.
    resolution : int, default=300
        Grid points per axis for the contours, from 2 to 2000 (the grid has resolution**2
        points).
    mark_every : int, optional
        Put a dot on each path every this many iterations (two variables; at least 1), so
        that the speeds of the runs can be compared.

    Returns
    -------
    matplotlib Axes
    """
    resolution = check_int("paths: resolution", resolution, 2, _MAX_RESOLUTION)
    if mark_every is not None:
        mark_every = check_int("paths: mark_every", mark_every, 1)
    pairs = _labelled(results, "paths")
    for label, result in pairs:
        if not isinstance(result, dict) or "path" not in result:
            raise ValueError(
                f"paths: run {label or ''} has no path; call minimize(..., "
                "options={'record_path': True})".replace("run  ", "run ")
            )
    if landscape.dim not in (1, 2):
        raise ValueError(f"paths: can draw landscapes of 1 or 2 variables, not {landscape.dim}")
    for label, result in pairs:
        width = np.shape(result["path"])[-1]
        if width != landscape.dim:
            raise ValueError(
                f"paths: run {label or ''} has a path of {width} variables, the landscape "
                f"{type(landscape).__name__} has {landscape.dim}".replace("run  ", "run ")
            )
    ax = _axes(ax, (6.4, 5.2) if landscape.dim == 2 else (6.4, 4.4))
    colors = [f"C{i}" for i in range(10)]
    if landscape.dim == 1:
        lo, hi = landscape.bounds[0]
        xs = np.linspace(lo, hi, 400)
        ax.plot(xs, landscape(xs[:, None]), color="0.3", linewidth=2, label="f(x)")
        for i, (label, result) in enumerate(pairs):
            x = np.asarray(result["path"])[:, 0]
            color = colors[i % len(colors)]
            ax.plot(
                x, landscape(x[:, None]), "o-", color=color, markersize=3, alpha=0.8, label=label
            )
            ax.plot(x[0], landscape(x[:1]), "o", color=color, markersize=9, mfc="white")
            ax.plot(x[-1], landscape(x[-1:]), "s", color=color, markersize=9)
        for minimum in landscape.minima:
            kind = "global" if minimum.is_global else "local"
            ax.plot(minimum.x[0], minimum.fun, "*", color="k", markersize=12)
            ax.annotate(
                f"{kind} minimum",
                (minimum.x[0], minimum.fun),
                textcoords="offset points",
                xytext=(0, -16),
                ha="center",
            )
        ax.margins(y=0.12)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
    else:
        X, Y, Z = _grid_values(landscape, resolution)
        levels = _levels(Z)
        ax.contourf(X, Y, Z, levels=levels, cmap="viridis", alpha=0.85)
        ax.contour(X, Y, Z, levels=levels, colors="white", linewidths=0.4, alpha=0.6)
        for i, (label, result) in enumerate(pairs):
            path = np.asarray(result["path"])
            color = colors[(i + 1) % len(colors)]
            # the first run on top, the others wider beneath it, so overlapping paths show
            ax.plot(
                path[:, 0],
                path[:, 1],
                "-",
                color=color,
                label=label,
                linewidth=2 + 1.5 * i,
                zorder=10 - i,
                alpha=0.9,
                marker="o" if mark_every else None,
                markevery=mark_every,
                markersize=3,
            )
            ax.plot(*path[0], "o", color=color, markersize=8, mfc="white", zorder=20)
            ax.plot(*path[-1], "s", color=color, markersize=8, mec="black", zorder=20)
        for minimum in landscape.minima:
            ax.plot(*minimum.x, "*", color="white", mec="black", markersize=15, zorder=21)
        for point in landscape.saddle_points:
            ax.plot(*point, "X", color="white", mec="black", markersize=11, zorder=21)
        (x0, x1), (y0, y1) = landscape.bounds
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    ax.set_title(title or type(landscape).__name__)
    if any(label is not None for label, _ in pairs):
        ax.legend(loc="best", framealpha=0.9)
    return ax


def fit_line(model: Any, X: Any, y: Any, ax: Any = None, *, title: str | None = None) -> Any:
    """The data (x, y) as points and the fitted line(s) of one-feature regression models.

    Parameters
    ----------
    model : fitted estimator, or a mapping label -> fitted estimator
        Models of one feature with ``predict``.
    X : array-like of shape (n_samples, 1)
    y : array-like of shape (n_samples,)
    ax : matplotlib Axes, optional
    title : str, optional
        Default: "Fitted line".

    Returns
    -------
    matplotlib Axes
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != 1:
        raise ValueError(f"fit_line: X must have one feature, got shape {X.shape}")
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if len(X) == 0 or len(y) != len(X):
        raise ValueError(
            f"fit_line: X and y must have the same number of rows, at least 1, got {len(X)} "
            f"and {len(y)}"
        )
    pairs = _labelled(model, "fit_line") if isinstance(model, Mapping) else [(None, model)]
    for label, item in pairs:
        if not hasattr(item, "predict"):
            name = "model" if label is None else f"model[{label!r}]"
            raise TypeError(
                f"fit_line: {name} must be a fitted estimator (with predict) or a mapping "
                f"label -> fitted estimator, got {type(item).__name__}"
            )
    grid = np.linspace(X[:, 0].min(), X[:, 0].max(), 2)[:, None]
    # (predicted before anything is drawn: an unfitted model leaves the Axes untouched)
    lines = [(label, item, item.predict(grid)) for label, item in pairs]
    ax = _axes(ax)
    ax.scatter(X[:, 0], y, s=14, color="0.55", label="data")
    styles = ["-", "--", ":", "-."]
    for i, (label, item, predicted) in enumerate(lines):
        ax.plot(
            grid[:, 0],
            predicted,
            styles[i % len(styles)],
            linewidth=2,
            color=f"C{i}",
            label=label or type(item).__name__,
        )
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title or "Fitted line")
    ax.legend()
    ax.grid(True, alpha=0.3)
    return ax


def save(ax: Any, path: str | Path, dpi: int = 110) -> Path:
    """Write the figure of ``ax`` to ``path`` (the format from its suffix, e.g. .png)."""
    path = Path(path)
    ax.figure.savefig(path, dpi=dpi)
    return path


# The runs of the demo figures: (label, method, start, options). One place for their settings.
_LOCAL_MINIMUM_RUNS = [
    ("GD from x = 2: the local minimum", "gd", [2.0], {"lr": 0.05, "max_iter": 200}),
    ("GD from x = -0.5: the global minimum", "gd", [-0.5], {"lr": 0.05, "max_iter": 200}),
]
_SADDLE_START = [1.8, 1e-3]
_SADDLE_RUNS = [
    ("GD (stalls at the saddle)", "gd", _SADDLE_START, {"lr": 0.01, "max_iter": 250}),
    ("momentum", "momentum", _SADDLE_START, {"lr": 0.01, "max_iter": 250}),
    ("Adam", "adam", _SADDLE_START, {"lr": 0.05, "max_iter": 250}),
]
_ROSENBROCK_START = [-1.5, 2.0]
_ROSENBROCK_STEPS = 3000
_ROSENBROCK_RUNS = [
    ("GD", "gd", _ROSENBROCK_START, {"lr": 1e-3, "max_iter": _ROSENBROCK_STEPS}),
    ("momentum", "momentum", _ROSENBROCK_START, {"lr": 1e-3, "max_iter": _ROSENBROCK_STEPS}),
    ("Adam", "adam", _ROSENBROCK_START, {"lr": 1e-2, "max_iter": _ROSENBROCK_STEPS}),
    ("RMSprop", "rmsprop", _ROSENBROCK_START, {"lr": 1e-3, "max_iter": _ROSENBROCK_STEPS}),
]
_ROSENBROCK_MARK_EVERY = 250


def _minimize_runs(
    landscape: Any, runs: list[tuple[str, str, Any, dict[str, Any]]]
) -> dict[str, Any]:
    from .minimize import minimize

    return {
        label: minimize(
            landscape, x0, method=method, tol=None, options={**options, "record_path": True}
        )
        for label, method, x0, options in runs
    }


def demo_figures(
    directory: str | Path,
    fitted: list[tuple[str, Any]] | None = None,
    data: tuple[Any, Any] | None = None,
) -> list[Path]:
    """Draw the tutorial's figures into ``directory`` (created if needed); returns the files.

    ``regression_loss.png`` and ``regression_fit.png``: the tutorial's linear regression by
    gradient descent, SGD and Adam (loss curves; fitted lines over the data).
    ``local_minimum.png``: gradient descent on the double well from two starts, one caught in
    the local minimum. ``saddle.png``: x² − y² from near the saddle's stable axis: plain
    gradient descent stalls at the saddle, momentum and Adam escape. ``rosenbrock.png``:
    every optimizer's path through Rosenbrock's valley.

    ``fitted`` (the demo's (name, fitted estimator) pairs) and ``data`` ((X, y)) are reused
    when given; otherwise the tutorial's fits are run here.
    """
    from . import functions
    from .cli import tutorial_data, tutorial_runs

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    X, y = data if data is not None else tutorial_data()
    if fitted is None:
        fitted = [(name, model.fit(X, y)) for name, model in tutorial_runs()]
    models = dict(fitted)
    written = [
        save(
            loss_curves(models, log=True, title="Linear regression: loss per epoch"),
            directory / "regression_loss.png",
        ),
        save(
            fit_line(models, X, y, title="Linear regression: y = 4 + 3x + noise"),
            directory / "regression_fit.png",
        ),
    ]
    landscapes: list[tuple[str, Any, Any, dict[str, Any]]] = [
        (
            "local_minimum.png",
            functions.double_well,
            _LOCAL_MINIMUM_RUNS,
            {"title": "A non-convex curve: where gradient descent ends depends on the start"},
        ),
        (
            "saddle.png",
            functions.saddle,
            _SADDLE_RUNS,
            {"title": "The saddle x² − y²: plain GD stalls, momentum and Adam escape"},
        ),
        (
            "rosenbrock.png",
            functions.rosenbrock,
            _ROSENBROCK_RUNS,
            {
                "mark_every": _ROSENBROCK_MARK_EVERY,
                "title": f"Rosenbrock's valley: {_ROSENBROCK_STEPS} steps from (−1.5, 2), "
                f"a dot every {_ROSENBROCK_MARK_EVERY}",
            },
        ),
    ]
    written += [
        save(paths(_minimize_runs(landscape, runs), landscape, **labels), directory / name)
        for name, landscape, runs, labels in landscapes
    ]
    return written
