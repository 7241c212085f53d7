"""minimize(): first-order minimization of any differentiable function, with scipy's interface.

The iteration itself (stopping rules, divergence check, gradient clipping, the update rule's
step) is one C++ object, ``_core.Minimizer``. For a landscape of :mod:`descend.functions` the
whole loop runs in C++ with the GIL released; for a Python function, Python evaluates f and
its gradient and hands them to the same C++ object, so both paths give the same numbers.
"""

from __future__ import annotations

import inspect
import math
import numbers
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _core, _progress
from ._checks import MAX_STEP, check_flag, check_int, core_rule
from .functions import Landscape, _central_difference, _point, _scalar, _vector
from .optim import _NAMED, Optimizer

__all__ = ["OptimizeResult", "minimize"]

# The update rules minimize() accepts: descend.optim's named rules, and "gd" for "sgd"; each
# an optimizer class and presets that the user's options override.
_METHODS: dict[str, tuple[type[Optimizer], dict[str, Any]]] = {"gd": _NAMED["sgd"], **_NAMED}

# What a step to NaN or infinity does (options["on_nonfinite"]); the first is the default.
_ON_NONFINITE = ("stop", "skip", "raise")

# Status codes of the result (scipy's convention: 0 is success).
_CONVERGED, _MAX_ITER, _NOT_A_MINIMUM, _DIVERGED, _INTERRUPTED, _CALLBACK = 0, 1, 2, 3, 4, 99

# Without a callback, the C++ loop runs in slices so that Ctrl-C is noticed and the progress
# bar drawn between them; a slice starts at this many steps and doubles while it takes less
# than _SLICE_SECONDS.
_FIRST_SLICE = 16_384
_SLICE_SECONDS = 0.1

# The curvature probe at the end of a converged run looks along the coordinate axes when
# there are at most this many variables, along as many random directions otherwise.
_PROBE_DIRECTIONS = 8


class OptimizeResult(dict[str, Any]):
    """The result of :func:`minimize`: a dict whose keys are also attributes, like
    ``scipy.optimize.OptimizeResult``.

    Attributes
    ----------
    x : ndarray
        The solution (on divergence: the last iterate at which f and its gradient were finite).
    fun : float
        f(x).
    jac : ndarray
        The gradient at x.
    nit : int
        Number of iterations (steps of the update rule, skipped ones included).
    nfev, njev : int
        Number of evaluations of f and of its gradient (finite-difference evaluations
        included in nfev).
    success : bool
        Whether the run converged to a point that is not known to be a saddle or maximum
        (False when interrupted by Ctrl-C).
    nonfinite_steps : int
        Steps undone because they led to a NaN or infinite f, gradient or x: with
        ``on_nonfinite="skip"`` each skipped step, otherwise the step that ended the run.
    status : int
        0 converged, 1 max_iter reached, 2 converged to a point that is not a minimum
        (negative curvature found), 3 diverged, 4 interrupted by Ctrl-C, 99 the callback
        raised StopIteration.
    message : str
        Why the run stopped, with the final gradient norm.
    history : ndarray
        f at every iterate x_0, x_1, … (nit + 1 values; nit on divergence; after a skipped
        step the iterate, and f, are the previous ones).
    path : ndarray of shape (len(history), n)
        Every iterate; present only with ``options={"record_path": True}``.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(name) from error

    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.keys()))

    def __repr__(self) -> str:
        if not self:
            return f"{type(self).__name__}()"
        width = max(len(key) for key in self) + 1
        lines = []
        for key, value in self.items():
            text = repr(value).replace("\n", "\n" + " " * (width + 2))
            lines.append(f"{key:>{width}}: {text}")
        return "\n".join(lines)


def _rule(method: object, options: dict[str, Any]) -> Any:
    """The compiled update rule for `method`, with the rule's hyperparameters from options."""
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, _METHODS))}, got {method!r}")
    if "maximize" in options:
        raise ValueError("options: 'maximize' is not supported by minimize(); minimize -f")
    optimizer_class, presets = _METHODS[method.lower()]
    try:
        return core_rule(optimizer_class._rule_class, "options: ", **{**presets, **options})
    except TypeError as error:
        raise TypeError(
            f"{error} (method={method!r}); besides the update rule's hyperparameters, "
            "minimize() takes lr, schedule, max_iter, gtol, clip_norm, record_path, "
            "on_nonfinite and disp."
        ) from None


def _nonnegative(name: str, value: object, *, none_is: float) -> float:
    if value is None:
        return none_is
    if type(value) is float and value >= 0 and math.isfinite(value):  # (no ABC look-up)
        return value
    if not isinstance(value, numbers.Real) or isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be None or a finite number >= 0, got {value!r}")
    if not (float(value) >= 0 and math.isfinite(value)):
        raise ValueError(f"{name} must be None or a finite number >= 0, got {value!r}")
    return float(value)


def _settings(
    method: object, tol: object, options: object
) -> tuple[Any, Any, dict[str, Any], bool | None]:
    """(update rule, schedule, Minimizer keyword arguments, disp) from minimize's arguments."""
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise TypeError(f"options must be a dict or None, got {type(options).__name__}")
    options = dict(options)
    lr = options.pop("lr", None)
    schedule = options.pop("schedule", None)
    max_iter = options.pop("max_iter", 1000)
    gtol = options.pop("gtol", 1e-5)
    clip_norm = options.pop("clip_norm", None)
    record_path = options.pop("record_path", False)
    disp = options.pop("disp", None)
    if not (disp is None or isinstance(disp, (bool, numbers.Integral))):
        raise TypeError(f"options['disp'] must be None, True or False, got {disp!r}")
    on_nonfinite = options.pop("on_nonfinite", _ON_NONFINITE[0])
    if not (isinstance(on_nonfinite, str) and on_nonfinite in _ON_NONFINITE):
        raise ValueError(
            f"options['on_nonfinite'] must be one of {', '.join(map(repr, _ON_NONFINITE))}, "
            f"got {on_nonfinite!r}"
        )
    if lr is not None and schedule is not None:
        raise ValueError("options: give lr or schedule, not both")
    if lr is not None:
        options["lr"] = lr
    rule = _rule(method, options)
    if schedule is None:
        core_schedule = _core.Constant(rule.lr)
    elif hasattr(schedule, "_to_core"):
        core_schedule = schedule._to_core()
    else:
        raise TypeError(f"options['schedule'] must be a descend.schedules object, got {schedule!r}")
    max_iter = check_int("options['max_iter']", max_iter, 0, MAX_STEP)
    if clip_norm is not None and (
        not isinstance(clip_norm, numbers.Real) or isinstance(clip_norm, bool | np.bool_)
    ):
        raise TypeError(
            f"options['clip_norm'] must be None or a finite number > 0, got {clip_norm!r}"
        )
    if clip_norm is not None and not (float(clip_norm) > 0 and math.isfinite(clip_norm)):
        raise ValueError(
            f"options['clip_norm'] must be None or a finite number > 0, got {clip_norm!r}"
        )
    loop = {
        "max_iter": int(max_iter),
        "gtol": _nonnegative("options['gtol']", gtol, none_is=0.0),
        "tol": _nonnegative("tol", tol, none_is=0.0),
        "clip_norm": 0.0 if clip_norm is None else float(clip_norm),
        "record_path": check_flag("options['record_path']", record_path),
        "on_nonfinite": on_nonfinite,
    }
    return rule, core_schedule, loop, None if disp is None else bool(disp)


class _Counts:
    """Evaluations of f and of its gradient by the Python path."""

    def __init__(self) -> None:
        self.nfev = 0
        self.njev = 0


def _evaluator(
    fun: Callable[..., Any], jac: object, args: tuple[Any, ...], n: int, counts: _Counts
) -> tuple[Callable[[np.ndarray], tuple[float, np.ndarray]], Callable[[np.ndarray], float]]:
    """(evaluate: x -> (f, g), value: x -> f) for a Python function; both count."""

    def value(x: np.ndarray) -> float:
        counts.nfev += 1
        out = fun(x.copy(), *args)
        return _scalar(out[0] if jac is True else out)

    if jac is True:

        def evaluate(x: np.ndarray) -> tuple[float, np.ndarray]:
            counts.nfev += 1
            counts.njev += 1
            out = fun(x.copy(), *args)
            if not (isinstance(out, tuple) and len(out) == 2):
                raise ValueError("with jac=True, fun must return a tuple (f, grad)")
            return _scalar(out[0]), _vector(out[1], n, "fun (its grad, with jac=True)")

    elif callable(jac):

        def evaluate(x: np.ndarray) -> tuple[float, np.ndarray]:
            counts.nfev += 1
            counts.njev += 1
            return _scalar(fun(x.copy(), *args)), _vector(jac(x.copy(), *args), n)

    elif jac is None or jac is False:

        def evaluate(x: np.ndarray) -> tuple[float, np.ndarray]:
            counts.nfev += 1 + 2 * n
            counts.njev += 1
            return _scalar(fun(x.copy(), *args)), _central_difference(fun, x, args)

    else:
        raise TypeError(
            f"jac must be a callable, True (fun returns (f, grad)) or None (finite "
            f"differences), got {jac!r}"
        )
    return evaluate, value


def _wrap_callback(callback: object) -> Callable[[Any, np.ndarray], bool] | None:
    """A function (run, x) -> stop? calling the user's callback as scipy does: with the
    intermediate OptimizeResult if its only parameter is named ``intermediate_result``, else
    with a copy of x. Stop is True when the callback raised StopIteration."""
    if callback is None:
        return None
    if not callable(callback):
        raise TypeError(f"callback must be callable or None, got {callback!r}")
    try:
        keyword = set(inspect.signature(callback).parameters) == {"intermediate_result"}
    except (TypeError, ValueError):  # builtins without a signature
        keyword = False

    def notify(run: Any, x: np.ndarray) -> bool:
        try:
            if keyword:
                callback(
                    intermediate_result=OptimizeResult(
                        x=x.copy(), fun=run.fun, jac=run.jac, nit=run.nit
                    )
                )
            else:
                callback(x.copy())
        except StopIteration:
            return True
        return False

    return notify


def _report(progress: _progress.Progress, run: Any) -> bool:
    """Moves the bar to the run's iteration count, showing f; True if Ctrl-C was pressed."""
    progress.update(int(run.nit) - progress.n, f=run.fun)
    return progress.interrupted


def _run_landscape(
    landscape: Landscape,
    x: np.ndarray,
    run: Any,
    notify: Callable[[Any, np.ndarray], bool] | None,
    progress: _progress.Progress,
) -> bool:
    """The C++ loop over a landscape; True if the callback stopped it. Without a callback it
    runs in growing slices (most runs end in the first, before the bar is set up); with one,
    one iteration per call, the callback after each. Stops early, at the end of a slice or
    iteration, once Ctrl-C was pressed."""
    minimize_steps = landscape._core.minimize_steps
    if notify is None:
        steps = _FIRST_SLICE
        with progress:
            if minimize_steps(x, run, steps) != "running":
                return False
            while not _report(progress, run):
                started = time.perf_counter()
                if minimize_steps(x, run, steps) != "running":
                    return False
                if time.perf_counter() - started < _SLICE_SECONDS:
                    steps *= 2
        return False
    with progress:
        status = minimize_steps(x, run, 0)
        while status == "running":
            status = minimize_steps(x, run, 1)
            if status != "diverged" and notify(run, x):
                return True
            if _report(progress, run):
                return False
    return False


def _run_python(
    evaluate: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x: np.ndarray,
    run: Any,
    notify: Callable[[Any, np.ndarray], bool] | None,
    progress: _progress.Progress,
) -> bool:
    """The Python loop: f and g from Python, the rest in C++; True if the callback stopped it.
    Stops early, after an iteration, once Ctrl-C was pressed."""
    with progress:
        status = run.observe(x, *evaluate(x))
        while status == "running" and not _report(progress, run):
            run.step(x)
            status = run.observe(x, *evaluate(x))
            if notify is not None and status != "diverged" and notify(run, x):
                return True
    return False


def _negative_curvature(
    values: Callable[[np.ndarray], np.ndarray], x: np.ndarray, fx: float
) -> tuple[str, float] | None:
    """A cheap test that x is not a minimum: second differences of f along a few directions,

        c_d = (f(x + h d) − 2 f(x) + f(x − h d)) / h²,   h = ε^(1/4) max(1, ‖x‖∞)

    (the coordinate axes, or random unit directions when there are many variables). Returns
    (direction, c_d) for the most negative c_d that rounding cannot explain, else None.
    """
    n = x.size
    if n <= _PROBE_DIRECTIONS:
        directions = np.eye(n)
        labels = [f"x[{i}]" for i in range(n)]
    else:
        directions = np.random.default_rng(0).standard_normal((_PROBE_DIRECTIONS, n))
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        labels = ["a random direction"] * _PROBE_DIRECTIONS
    h = np.finfo(np.float64).eps ** 0.25 * max(1.0, float(np.max(np.abs(x))))
    forward = values(x + h * directions)
    backward = values(x - h * directions)
    second = forward - 2.0 * fx + backward
    noise = (
        16
        * np.finfo(np.float64).eps
        * np.maximum(abs(fx), np.maximum(np.abs(forward), np.abs(backward)))
    )
    negative = np.isfinite(second) & (second < -noise)
    if not negative.any():
        return None
    worst = int(np.argmin(np.where(negative, second, np.inf)))
    return labels[worst], float(second[worst] / h**2)


def minimize(
    fun: Callable[..., Any],
    x0: object,
    args: tuple[Any, ...] = (),
    method: str = "adam",
    jac: Callable[..., Any] | bool | None = None,
    tol: float | None = 1e-6,
    callback: Callable[..., Any] | None = None,
    options: dict[str, Any] | None = None,
) -> OptimizeResult:
    """Minimize a scalar function of one or more variables with a first-order update rule.

    Each iteration takes one step of the update rule along the gradient and evaluates f and
    its gradient at the new point::

        x_{k+1} = update(x_k, g_k, lr_k),   g_k = ∇f(x_k)     (gd: x_{k+1} = x_k − lr g_k)

    until ‖g_k‖∞ < gtol, or f changes by less than ``tol`` (relative), or ``max_iter`` steps.
    A step to a NaN or infinite f, gradient or x is undone (x back at the last finite
    iterate) and ``options["on_nonfinite"]`` says what follows: ``"stop"`` (the default) ends
    the run (``success=False``, status 3) with the last finite iterate in ``res.x``;
    ``"skip"`` undoes the update rule's state too and goes on from there with the next lr of
    the schedule (the skipped step counts in ``nit``, ``max_iter`` and
    ``res.nonfinite_steps``; a decaying schedule or ReduceOnPlateau, which hears f, then
    tries smaller steps); ``"raise"`` raises FloatingPointError. A NaN or infinite f or
    gradient at x0 always ends the run (FloatingPointError under ``"raise"``). When the run
    converges, a cheap curvature probe (second differences of f along the coordinate axes)
    checks that x is not a saddle point or a maximum; if it is, ``success=False`` and
    status 2.

    When ``fun`` is one of the landscapes of :mod:`descend.functions` (and ``args`` is empty,
    ``jac`` None or the landscape's own ``grad``), the whole loop runs in C++ with no Python
    call per step. Otherwise Python evaluates f and the gradient each iteration and C++ does
    the rest; both paths give the same numbers on the same function.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``, x a float64 array of shape (n,); or with ``jac=True``
        ``fun(x, *args) -> (float, ndarray of shape (n,))``. Or a descend.functions landscape.
    x0 : array-like of shape (n,)
        The starting point (copied, as float64; never modified).
    args : tuple, optional
        Extra arguments to fun and jac.
    method : str, default="adam"
        The update rule: "gd" (plain gradient descent, x ← x − lr g), "sgd" (torch.optim.SGD:
        momentum, dampening, nesterov, weight_decay through options), "momentum" (SGD with
        momentum 0.9), "nesterov" (SGD with Nesterov momentum 0.9), "adam".
    jac : callable, True or None, default=None
        The gradient: ``jac(x, *args) -> ndarray (n,)``; True if fun returns (f, grad); None
        for central finite differences with steps ``h_i = ε^(1/3) max(1, |x_i|)`` (2n extra
        calls of fun per iteration). A landscape uses its exact gradient.
    tol : float or None, default=1e-6
        Stop when ``|f_k − f_{k−1}| < tol · max(|f_k|, |f_{k−1}|, 1)`` (scipy L-BFGS-B's ftol
        rule; the tutorial's "until the loss barely changes"). None or 0 disables it.
    callback : callable, optional
        Called after every iteration as in scipy: ``callback(intermediate_result)`` (an
        OptimizeResult with x, fun, jac, nit) if its one parameter has that name, else
        ``callback(xk)``. Raising StopIteration ends the run with status 99 and the current x.
        On a landscape the C++ loop then runs one iteration per call (slower, same numbers).
    options : dict, optional
        ``lr`` (default: the rule's own, as in ``descend.optim``: 1e-3 for adam, 1e-2 for
        adagrad) or ``schedule`` (a descend.schedules object of the step count),
        ``max_iter`` (default 1000), ``gtol`` (default 1e-5; None or 0 disables),
        ``clip_norm`` (before each step g ← c g with c = clip_norm / (‖g‖₂ + 1e-6)
        when c < 1, torch's clip_grad_norm_ rule), ``record_path`` (keep every iterate in
        ``res.path``), ``on_nonfinite`` ("stop", "skip" or "raise", see above), ``disp``
        (the progress bar, see Notes: None, the default, when stderr is a terminal; True
        always; False never), and the rule's hyperparameters (``momentum``, ``nesterov``,
        ``dampening``, ``weight_decay``, ``beta1``, ``beta2``, ``eps``, ``amsgrad``).

    Returns
    -------
    OptimizeResult
        scipy's fields ``x, fun, jac, nit, nfev, njev, success, status, message``, plus
        ``history`` (f per iteration) and, with ``record_path``, ``path``.

    Notes
    -----
    **Progress and Ctrl-C.** A run that lasts more than about a second draws a tqdm bar on
    stderr (iterations, f) when ``options["disp"]`` asks for it (default: only when stderr is
    a terminal; no bar without tqdm). Ctrl-C stops the run cleanly at the end of the current
    slice of the C++ loop (at most a few tenths of a second) or iteration: minimize returns
    the result reached so far, with ``status=4``, ``success=False`` and a message saying it
    was interrupted; x, fun, jac, nit and history are those of the last iterate (as if
    max_iter had stopped the run there). It does not re-raise KeyboardInterrupt: the result
    is the only place the iterate lives. A Ctrl-C in the slice or iteration where the run
    ends anyway (converges, reaches max_iter, diverges, or the callback stops it) raises
    KeyboardInterrupt after it, so that it is never lost. A second Ctrl-C raises
    KeyboardInterrupt at once.

    **Bias corrections.** In this loop the Adam family (adam, adamw, radam, adamax) keeps
    beta1^t and beta2^t as running products in double-double arithmetic instead of two
    ``pow`` per step: within 1 ulp of ``pow`` over 10^6 steps (measured; at most 855 of the
    10^6 values differ at all), so results can differ in the last bits from the same steps
    taken with :mod:`descend.optim`, which keeps torch's formula.

    Settings with which each rule takes Rosenbrock's function from (−1.5, 2) to (1, 1)
    within 1e-4 (tests/test_minimize.py checks them)::

        method          options                               tol    steps taken
        --------------  ------------------------------------  -----  -----------
        gd, sgd         lr=1e-3, gtol=1e-6, max_iter=100_000  None   32,411
        momentum        lr=1e-3, gtol=1e-6, max_iter=100_000  None    3,091
        nesterov        lr=1e-3, gtol=1e-6, max_iter=100_000  None    2,992
        adam            lr=1e-3, gtol=1e-6, max_iter=100_000  None   11,614
        adamw           as adam, with weight_decay=0.0        None   11,614
        nadam           lr=3e-4, gtol=1e-6, max_iter=100_000  None   20,988
        radam           lr=1e-3, gtol=1e-6, max_iter=100_000  None   12,120
        adamax          lr=1e-3, gtol=1e-6, max_iter=100_000  None    8,551
        adagrad         lr=0.1, gtol=1e-6, max_iter=100_000   None   31,282
        rmsprop         schedule=Exponential(1e-2, 0.9997),   None   51,877
                        gtol=1e-6, max_iter=100_000

    (With a constant lr, RMSprop circles the minimum at a distance set by lr; a decaying
    schedule lets it settle.)

    (gtol=1e-6 leaves x about 2.5e-6 from (1, 1): along the valley floor the curvature is
    about 0.4.) The default tol=1e-6 stops much earlier on this landscape, where f keeps
    changing by tiny amounts along the flat valley floor.

    Examples
    --------
    >>> import descend
    >>> res = descend.minimize(descend.functions.rosenbrock, [-1.5, 2.0], method="adam",
    ...                        tol=None, options=dict(lr=1e-3, gtol=1e-6, max_iter=100_000))
    >>> res.success, bool(abs(res.x - 1).max() < 1e-4)
    (True, True)
    >>> res = descend.minimize(lambda x: (x[0] - 3) ** 2, [0.0], method="gd",
    ...                        options=dict(lr=0.1))
    >>> round(float(res.x[0]), 2), res.status
    (3.0, 0)
    """
    x = _point(x0, finite=True)
    n = x.size
    rule, schedule, loop, disp = _settings(method, tol, options)
    run = _core.Minimizer(rule, schedule, n, **loop)
    notify = _wrap_callback(callback)
    counts = _Counts()
    if not isinstance(args, tuple):
        args = (args,)

    own_grad = getattr(jac, "__self__", None) is fun and getattr(jac, "__name__", "") == "grad"
    whole_loop_in_cpp = not args and (jac is None or jac is False or own_grad)
    landscape = fun if isinstance(fun, Landscape) and whole_loop_in_cpp else None
    fast = landscape is not None
    if landscape is not None:
        if landscape.dim != n:
            raise ValueError(f"x0: expected {landscape.dim} values for {landscape!r}, got {n}")

        def values(points: np.ndarray) -> np.ndarray:
            counts.nfev += points.shape[0]
            return np.asarray(landscape(points))

    else:
        if not callable(fun):
            raise TypeError(f"fun must be callable, got {fun!r}")
        evaluate, value = _evaluator(fun, jac, args, n, counts)

        def values(points: np.ndarray) -> np.ndarray:
            return np.array([value(p) for p in points])

    # entered by the loops before their first step: the Ctrl-C flag, and from the first report
    # on a bar (after a second, if disp asks for it)
    progress = _progress.Progress(total=loop["max_iter"], desc=f"minimize ({method})",
                                  verbose=disp, lazy=True)  # fmt: skip
    if landscape is not None:
        stopped = _run_landscape(landscape, x, run, notify, progress)
    else:
        stopped = _run_python(evaluate, x, run, notify, progress)
    interrupted = progress.interrupted and run.status == "running" and not stopped
    if progress.interrupted and not interrupted:  # the run ended anyway: the Ctrl-C goes on
        raise KeyboardInterrupt(
            f"minimize ({method}): Ctrl-C came as the run ended at iteration {run.nit}"
        )

    status_name = run.status
    history = run.history  # (a copy: read once)
    observed = len(history) > 0
    jac_at_x = run.jac if observed else np.full(n, np.nan)
    gnorm = float(np.abs(jac_at_x).max())
    if stopped:
        status, message = _CALLBACK, "`callback` raised `StopIteration`."
    elif interrupted:
        status = _INTERRUPTED
        message = (
            f"Interrupted (Ctrl-C) at iteration {run.nit}: x is the iterate reached there; "
            f"||g||_inf = {gnorm:.3g}."
        )
    elif status_name == "diverged":
        status = _DIVERGED
        if run.nit == 0:
            message = "Diverged at iteration 0: f or its gradient is not finite at x0."
        else:
            message = (
                f"Diverged at iteration {run.nit}: f, its gradient or x became NaN or infinite. "
                f"x is the last finite iterate (iteration {run.nit - 1}). Try a smaller lr, a "
                "decaying schedule or clip_norm."
            )
    elif status_name == "max_iter":
        status = _MAX_ITER
        message = (
            f"Stopped after max_iter = {loop['max_iter']} iterations without converging; "
            f"||g||_inf = {gnorm:.3g}."
        )
    else:
        status = _CONVERGED
        if status_name == "gtol":
            message = f"Converged: ||g||_inf = {gnorm:.3g} is below gtol = {loop['gtol']:g}."
        else:
            message = (
                f"Converged: f changed by less than tol = {loop['tol']:g} (relative) in the "
                f"last iteration; ||g||_inf = {gnorm:.3g}."
            )
        found = _negative_curvature(values, x, run.fun)
        if found is not None:
            status = _NOT_A_MINIMUM
            message += (
                f" But x is not a minimum: f curves downward along {found[0]} (second "
                f"derivative about {found[1]:.3g}), so x is a saddle point or a maximum. A "
                "small perturbation of x0, momentum or Adam can escape it."
            )

    if run.nonfinite_steps and status_name != "diverged":
        message += (
            f" {run.nonfinite_steps} step(s) led to NaN or infinity and were skipped "
            "(on_nonfinite='skip')."
        )

    result = OptimizeResult(
        x=x,
        fun=run.fun,
        jac=jac_at_x,
        nit=int(run.nit),
        nonfinite_steps=int(run.nonfinite_steps),
        nfev=int(run.evaluations) + counts.nfev if fast else counts.nfev,
        njev=int(run.evaluations) if fast else counts.njev,
        success=status == _CONVERGED,
        status=status,
        message=message,
        history=history,
    )
    if loop["record_path"]:
        result["path"] = run.path
    return result
