"""Linear models fitted by first-order optimization, with the loop in C++.

``LinearRegression`` (squared error or Huber loss) and ``LogisticRegression`` (binary
logistic, or multinomial softmax for three or more classes) share one base class,
:class:`_LinearModel`: its ``fit`` / ``partial_fit`` check everything, then run
``descend._core.fit_linear`` — the whole epoch loop in C++, the GIL released — in time slices
of about 0.1 s: between slices it draws the progress bar (descend._progress) and notices
Ctrl-C (the parameters of the last finished slice are kept, ``status_`` says "interrupted",
then the KeyboardInterrupt goes on).
"""

from __future__ import annotations

import copy
import inspect
import math
import operator
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar, cast

import numpy as np

from . import _core, optim
from ._estimator import BaseEstimator, ClassifierMixin, NotFittedError, RegressorMixin
from ._progress import Progress
from ._scaling import (
    AutoSettings,
    auto_settings,
    expected_smoothness,
    to_caller_units,
    to_internal_units,
)
from ._validation import (
    as_float_matrix,
    as_vector_like,
    binary_target,
    check_choice,
    check_feature_names,
    check_finite_matrix,
    check_int,
    check_real,
    check_sample_weight,
    class_totals,
    class_weight_per_class,
    encode_labels,
    feature_names_of,
    same_labels,
    seed_from_random_state,
    validation_split,
)
from .exceptions import ConvergenceWarning
from .minimize import _ON_NONFINITE
from .schedules import (
    _NAMED_SCHEDULES,
    _SCHEDULES,
    Cosine,
    LinearWarmup,
    ReduceOnPlateau,
    Schedule,
    _Schedule,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack  # (typing.Unpack from Python 3.11 on)

    from ._signatures import _SharedParameters  # the keywords of _LinearModel.__init__

__all__ = ["LinearRegression", "LogisticRegression"]

_PENALTIES = (None, "l2", "l1", "elasticnet")
_SAMPLINGS = ("shuffle", "replacement")
_Init = TypeVar("_Init", bound=Callable[..., None])
_Model = TypeVar("_Model", bound="_LinearModel")
# A fit calls the C++ loop in slices of about this many seconds, so that Ctrl-C is noticed
# between them.
_SLICE_SECONDS = 0.1
# partial_fit runs one epoch per call and never stops on max_iter: the solver's epoch limit.
_UNLIMITED_EPOCHS = 2**62
# learning_rate="auto" for the adaptive rules, whose steps are already scaled per coordinate.
_AUTO_ADAPTIVE_LR = 0.01


# ---------------------------------------------------------------------- learning_rate="auto"
def _auto_learning_rate(
    X: Any,
    sample_weight: np.ndarray | None,
    *,
    loss: str,
    fit_intercept: bool,
    batch_size: int | None,
    rule: Any,
    penalty: Any,
) -> float:
    """The step size of ``learning_rate="auto"`` without internal scaling, for descend.dask
    (the estimators use ``descend._scaling.auto_settings``: scaling and step).

    Non-adaptive rules ("sgd", "momentum", "nesterov"): 1 / L for the full batch and
    (1 - momentum) / L_b for batches of b rows, with L = c λ_max(X̃ᵀSX̃ / Σs) + l2 the
    smoothness of the objective (c the loss's curvature bound, ``_core.loss_curvature``;
    λ_max by power iterations in C++, ``_core.smoothness``) and L_b the expected smoothness
    of a batch (``descend._scaling.expected_smoothness``). Adaptive rules: 0.01.
    """
    if not isinstance(rule, _core.SGD):
        return _AUTO_ADAPTIVE_LR
    curvature = _core.loss_curvature(loss)
    lambda_max, max_row_norm2 = _core.smoothness(
        X, sample_weight=sample_weight, fit_intercept=fit_intercept
    )
    l2 = penalty.l2_strength
    smooth, worst = curvature * lambda_max + l2, curvature * max_row_norm2 + l2
    if not smooth > 0:  # nothing to fit (all-zero X without intercept): any step is safe
        return 1.0
    m = X.shape[0]
    b = m if batch_size is None else min(batch_size, m)
    if b >= m:
        return float(1.0 / smooth)
    return float((1.0 - rule.momentum) / expected_smoothness(smooth, worst, b, m))


# ---------------------------------------------------------------------- verbose
def _bar_wanted(verbose: bool | int | None) -> bool | None:
    """descend._progress.Progress's ``verbose`` for an estimator's: None (a bar when stderr is
    a terminal), 0/False (none), 1/True (a bar); 2 and more print lines instead of a bar."""
    if verbose is None:
        return None
    return bool(verbose) and not _prints_epochs(verbose)


def _prints_epochs(verbose: bool | int | None) -> bool:
    """Whether an estimator's ``verbose`` asks for a line per epoch (2 and more)."""
    return verbose is not None and not isinstance(verbose, bool) and verbose >= 2


# ---------------------------------------------------------------------- the update rule
# The compiled rules of the optimizers named by a string, made once per thread: making one
# through descend.optim checks every hyperparameter in Python (tens of microseconds, a
# third of a small fit's cost). A fit sets the rule's lr and passes it to the C++ loop, which
# copies it; rules are per thread, so fits in other threads never see that lr.
_NAMED_RULES = threading.local()


#: The estimators' full-batch quasi-Newton method (SolverOptions.lbfgs), named as an optimizer.
#: Its fits run the loop with plain SGD's rule, which it never steps (and which keeps no
#: state): so its rule, and the rule key partial_fit and pickles compare, are "sgd"'s.
LBFGS = "lbfgs"
#: The default optimizer: "lbfgs" for the fits it can run with learning_rate="auto" (full
#: batches of a smooth objective, no schedule, no averaging, not on_nonfinite="skip"; fit and
#: descend.dask.fit, not partial_fit), plain "sgd" for the others (see _runs_lbfgs).
AUTO = "auto"
#: Every optimizer name the estimators take.
OPTIMIZER_CHOICES: tuple[str, ...] = (AUTO, *optim.OPTIMIZER_NAMES, LBFGS)


def _runs_lbfgs(settings: _Settings, optimizer: object, scaling: AutoSettings | None) -> bool:
    """Whether a fit runs L-BFGS: settings.lbfgs, except that "auto" leaves a fit to "sgd" when
    a column's values differ by rounding only (AutoSettings.rounding_only). The scaling takes
    such a column for a constant, whose coefficient stays near 0 under gradient descent; L-BFGS's
    curvature pairs would find its rounding a direction to fit (on float32 data with a column
    0.3 but for its last bit in half the rows: coefficients of 1e3 to 1e6, offset by the
    intercept)."""
    rounding_only = scaling is not None and scaling.rounding_only
    return settings.lbfgs and not (
        rounding_only and isinstance(optimizer, str) and optimizer == AUTO
    )


def _rule_optimizer(optimizer: object) -> object:
    """The optimizer whose rule a fit with `optimizer` carries: "sgd" for "lbfgs" and "auto",
    else itself."""
    return "sgd" if isinstance(optimizer, str) and optimizer in (LBFGS, AUTO) else optimizer


def _compiled_rule(optimizer: object) -> Any:
    """The C++ rule of ``optimizer`` (a name of OPTIMIZER_CHOICES, or an optim instance, whose
    hyperparameters are read afresh at every call); its lr is the caller's to set before each
    use."""
    optimizer = _rule_optimizer(optimizer)
    if isinstance(optimizer, optim.Optimizer):
        return optim._estimator_rule(optimizer, 1.0)
    rules = _NAMED_RULES.__dict__.setdefault("rules", {})
    rule = rules.get(optimizer) if isinstance(optimizer, str) else None
    if rule is None:
        if not (isinstance(optimizer, str) and optimizer in optim.OPTIMIZER_NAMES):
            names = ", ".join(map(repr, OPTIMIZER_CHOICES))
            raise ValueError(
                f"optimizer must be one of {names} or a descend.optim optimizer (e.g. "
                f"descend.optim.Adam(betas=(0.8, 0.99))), got {optimizer!r}"
            )
        rule = rules[optimizer] = optim._estimator_rule(optimizer, 1.0)
    return rule


# ---------------------------------------------------------------------- the loop's settings
# The hyperparameter names of each estimator class, read once (from __init__'s signature).
_PARAMETER_NAMES: dict[type, operator.attrgetter[Any]] = {}
# The hyperparameter values and checked settings of the last fit of each estimator class (of
# any instance: a fresh estimator with the same values, a clone, skips the checks too).
_REMEMBERED_SETTINGS: dict[type, tuple[tuple[Any, ...], _Settings]] = {}
# The SolverOptions made so far, by their values: they are read-only, and making one costs
# more than an epoch of a small fit.
_OPTIONS: dict[tuple[Any, ...], Any] = {}
_OPTION_NAMES = (
    "batch_size",
    "sampling",
    "max_iter",
    "tol",
    "n_iter_no_change",
    "slice_seconds",
    "average",
    "early_stopping",
    "on_nonfinite",
    "lbfgs",
)


def _solver_options(*values: Any) -> Any:
    """The _core.SolverOptions of these values (in the order of _OPTION_NAMES, each of a fixed
    type: ints, floats, strs, bools), made once."""
    options = _OPTIONS.get(values)
    if options is None:
        if len(_OPTIONS) >= 256:
            _OPTIONS.clear()
        options = _OPTIONS[values] = _core.SolverOptions(
            **dict(zip(_OPTION_NAMES, values, strict=True))
        )
    return options


# The Constant(lr) schedules of the fits without a schedule, by lr: a Constant has no state,
# so the runs of one lr share it (making one costs more than an epoch of a small fit).
_CONSTANTS: dict[float, Schedule] = {}


def _constant_schedule(lr: float) -> Schedule:
    """Constant(lr), made once (from its compiled type: lr is checked already)."""
    schedule = _CONSTANTS.get(lr)
    if schedule is None:
        if len(_CONSTANTS) >= 256:
            _CONSTANTS.clear()
        schedule = _CONSTANTS[lr] = cast(Schedule, _Schedule._view(_core.Constant(lr)))
    return schedule


_NAMED_SCHEDULE_LIST = ", ".join(map(repr, _NAMED_SCHEDULES))


def _run_schedule(
    schedule: Schedule | str | None, lr: float, batch_size: int | None, max_iter: int, rows: int
) -> Schedule:
    """The schedule a fit runs on the step size lr: Constant(lr) without a schedule; for
    "cosine", Cosine(lr, T_max=the steps of max_iter epochs over `rows` training rows), which
    falls to 0 at the end of the fit; else a copy of the caller's (the run steps its own)."""
    if schedule is None:
        return _constant_schedule(lr)
    if isinstance(schedule, str):  # "cosine" (_settings checked it)
        steps = _core.SolverOptions(batch_size=batch_size or 0).steps_per_epoch(rows)
        return Cosine(lr, T_max=min(max_iter * steps, 2**63 - 1))
    return copy.deepcopy(schedule)


# ---------------------------------------------------------------------- the carried state
# The losses of a run before its first epoch (read-only: a run's losses are replaced, never
# written in place).
_NO_LOSSES = np.empty(0)
_NO_LOSSES.flags.writeable = False


def _read_schedule_state(core: Any, schedule: object) -> None:
    """Copy the state the C++ solver keeps in `core` into the Python schedule it was made from
    (only ReduceOnPlateau has state; wrappers are followed)."""
    if isinstance(schedule, ReduceOnPlateau):
        schedule._set_state(core.scale, core.best, core.num_bad_epochs, core.cooldown_counter)
    if isinstance(schedule, ReduceOnPlateau | LinearWarmup):
        _read_schedule_state(core.schedule, schedule.schedule)


def _carried_hyperparameters(
    estimator: _LinearModel, run_schedule: Schedule
) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], tuple[object, Schedule | str | None]]:
    """The hyperparameters a fit's state belongs to, as values to compare: the update rule
    (optim._estimator_rule_key), and learning_rate with the schedule as given: None or a
    name as it is, a schedule object by the run's own copy of it (run_schedule, made by
    _run_schedule), whose settings (_settings_of, all that is compared) are the caller's
    whatever state the run steps it to."""
    schedule = estimator.schedule
    if not (schedule is None or isinstance(schedule, str)):
        schedule = run_schedule
    return optim._estimator_rule_key(_rule_optimizer(estimator.optimizer)), (
        estimator.learning_rate,
        schedule,
    )


def _settings_of(schedule: Schedule | str | None) -> object:
    """A schedule's settings without its state (partial_fit compares these: the caller's
    object may have been stepped elsewhere; the run steps its own copy); a name or None as
    it is."""
    if schedule is None or isinstance(schedule, str):
        return schedule
    return cast(_Schedule, schedule)._settings()


class _FitState:
    """Everything a fit carries from one call of the C++ loop to the next (and from one
    partial_fit to the next): theta, the optimizer state, the Polyak average, the solver's
    counters and generator, the schedule's position and state, the losses so far.

    ``schedule`` is the run's own (a copy, never the caller's object: the C++ loop updates
    the state of its compiled schedule in place), or a Constant, which has no state to update.
    """

    def __init__(
        self,
        theta: np.ndarray,
        rule: Any,
        average: int,
        seed: int,
        schedule: Schedule,
        lr: float,
        classes: np.ndarray | None,
        scaling: AutoSettings | None = None,
        *,
        estimator: _LinearModel,
    ) -> None:
        self.theta = theta
        # the estimator's hyperparameters the state belongs to (partial_fit refuses others):
        # its update rule, and its learning_rate and schedule as given
        self.rule_key, self.step_sizes = _carried_hyperparameters(estimator, schedule)
        self.fit_intercept = bool(estimator.fit_intercept)  # (checked before a run starts)
        # learning_rate="auto": theta, the state and the average are in the internal
        # coordinates of descend._scaling (fixed at the first fit, kept for partial_fit)
        self.scaling = scaling
        self.classes = classes
        slots = rule.state_slots
        self.state = np.zeros((slots, *theta.shape), dtype=theta.dtype)
        if slots:  # Adagrad's sum starts at initial_accumulator_value (as descend.optim.Adagrad's)
            self.state.fill(getattr(rule, "initial_accumulator_value", 0.0))
        self.average = np.zeros_like(theta) if average else None
        self.averaging_from = average
        self.solver = _core.SolverState(seed)
        self.schedule = schedule
        self.schedule_core = schedule._core  # (the run's own: no copy)
        self.lr = lr
        # the loss of every epoch (a float64 array: no Python float per epoch; the estimator's
        # loss_curve_ is made from it when read) and the validation loss of every epoch
        self.losses = _NO_LOSSES
        self.validation_losses: list[float] = []

    def parameters(self) -> np.ndarray:
        """The Polyak average once averaging has started, else the last iterate (in the
        caller's units)."""
        if self.average is not None and self.solver.step >= self.averaging_from:
            return self.in_caller_units(self.average)
        return self.in_caller_units(self.theta)

    def warm_start_theta(self, fit_intercept: bool) -> np.ndarray:
        """A new array: the parameters reached, in the caller's units, for a warm start of a
        fit with or without intercepts (without: they start, and stay, at zero)."""
        theta = np.array(self.in_caller_units(self.theta))
        if not fit_intercept:
            theta[0] = 0.0
        return theta

    def in_caller_units(self, theta: np.ndarray) -> np.ndarray:
        """theta (of this run's coordinates) in the caller's units."""
        return theta if self.scaling is None else to_caller_units(theta, self.scaling)

    def scaling_arguments(self) -> dict[str, np.ndarray | None]:
        """fit_linear's feature_offset / feature_scale for this run."""
        if self.scaling is None:
            return {"feature_offset": None, "feature_scale": None}
        return {
            "feature_offset": self.scaling.feature_offset,
            "feature_scale": self.scaling.feature_scale,
        }

    def __getstate__(self) -> dict[str, Any]:
        # The C++ schedule is not picklable: its state goes into a Python copy instead. The
        # losses are pickled as a list of floats.
        state = dict(self.__dict__)
        schedule = copy.deepcopy(self.schedule)
        _read_schedule_state(state.pop("schedule_core"), schedule)
        state["schedule"] = schedule
        state["losses"] = self.losses.tolist()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        _check_fit_state(state)
        self.__dict__.update(state)
        self.losses = np.array(self.losses, dtype=np.float64)
        self.schedule_core = self.schedule._to_core()


# ---------------------------------------------------------------------- unpickling checks
_FIT_STATE_KEYS = frozenset(
    {
        "theta",
        "scaling",
        "classes",
        "state",
        "average",
        "averaging_from",
        "solver",
        "schedule",
        "lr",
        "losses",
        "validation_losses",
        "rule_key",
        "step_sizes",
        "fit_intercept",
    }
)


def _refuse(what: str, expected: str, got: object) -> ValueError:
    return ValueError(f"unpickled estimator: {what}: expected {expected}, got {got}")


def _check_array(name: str, value: object, shape: tuple[int, ...], dtype: np.dtype) -> None:
    """value a finite C-contiguous ndarray of that shape and dtype (or raise)."""
    if not isinstance(value, np.ndarray):
        raise _refuse(name, "an ndarray", type(value).__name__)
    if value.shape != shape or value.dtype != dtype or not value.flags.c_contiguous:
        raise _refuse(
            name,
            f"a C-contiguous {dtype} array of shape {shape}",
            f"{value.dtype} of shape {value.shape}",
        )
    if not np.isfinite(value).all():
        raise _refuse(name, "finite values", "NaN or infinity")


def _check_rule_key(rule_key: object, slots: int) -> None:
    """rule_key as optim._estimator_rule_key makes it, of a rule keeping `slots` state
    arrays (or raise)."""
    expected = "(the name of a descend.optim optimizer, its hyperparameters but lr)"
    if not (isinstance(rule_key, tuple) and len(rule_key) == 2):
        raise _refuse("rule_key", expected, repr(rule_key)[:80])
    name, hyperparameters = rule_key
    cls = getattr(optim, name, None) if isinstance(name, str) else None
    if not (isinstance(cls, type) and issubclass(cls, optim.Optimizer)):
        raise _refuse("rule_key", expected, repr(rule_key)[:80])
    names = tuple(key for key in cls._hyperparameters if key != "lr")
    if not (
        isinstance(hyperparameters, tuple)
        and all(isinstance(pair, tuple) and len(pair) == 2 for pair in hyperparameters)
        and tuple(pair[0] for pair in hyperparameters) == names
    ):
        raise _refuse("rule_key", f"{name}'s hyperparameters {names}", repr(rule_key)[:80])
    try:
        rule = optim._estimator_rule(cls(None, **dict(hyperparameters)), 1.0)
    except (TypeError, ValueError) as error:
        raise _refuse("rule_key", f"possible hyperparameters of {name}", str(error)) from None
    if rule.state_slots != slots:
        raise _refuse(
            "optimizer state", f"{rule.state_slots} state arrays of {name}", f"{slots} arrays"
        )


def _check_fit_state(state: object) -> None:
    """Refuse a pickled _FitState whose fields are missing, of the wrong type, or disagree
    with one another (shapes, dtypes, classes, the optimizer state, the scaling)."""
    if not isinstance(state, dict):
        raise TypeError(
            f"unpickled estimator: fit state: expected a dict, got {type(state).__name__}"
        )
    keys = set(state)
    if keys != _FIT_STATE_KEYS:
        raise _refuse(
            "fit state fields",
            str(sorted(_FIT_STATE_KEYS)),
            f"missing {sorted(_FIT_STATE_KEYS - keys)}, unknown "
            f"{sorted(map(str, keys - _FIT_STATE_KEYS))}",
        )
    theta = state["theta"]
    if (
        not isinstance(theta, np.ndarray)
        or theta.dtype not in (np.float32, np.float64)
        or (theta.ndim not in (1, 2) or theta.shape[0] < 2)
    ):
        raise _refuse(
            "theta",
            "a float32/float64 array of shape (n_features + 1,) or (n_features + 1, n_classes)",
            repr(theta)[:80],
        )
    _check_array("theta", theta, theta.shape, theta.dtype)
    state_array = state["state"]
    if not isinstance(state_array, np.ndarray) or state_array.ndim != theta.ndim + 1:
        raise _refuse(
            "optimizer state",
            f"an array of shape (slots, *{theta.shape})",
            getattr(state_array, "shape", type(state_array).__name__),
        )
    _check_array("optimizer state", state_array, (state_array.shape[0], *theta.shape), theta.dtype)
    averaging_from = state["averaging_from"]
    if (
        not isinstance(averaging_from, int)
        or isinstance(averaging_from, bool)
        or (averaging_from < 0)
    ):
        raise _refuse("averaging_from", "an int >= 0", repr(averaging_from))
    if (state["average"] is None) != (averaging_from == 0):
        raise _refuse(
            "average",
            "an array exactly when averaging_from > 0",
            f"{type(state['average']).__name__} with averaging_from={averaging_from}",
        )
    if state["average"] is not None:
        _check_array("average", state["average"], theta.shape, theta.dtype)
    classes = state["classes"]
    if classes is not None:
        if not isinstance(classes, np.ndarray) or classes.ndim != 1:
            raise _refuse("classes", "a 1-D array", repr(classes)[:80])
        needed = 2 if theta.ndim == 1 else theta.shape[1]
        if len(classes) != needed or needed < 2 or len(np.unique(classes)) != needed:
            raise _refuse(
                "classes",
                f"{needed} distinct labels for theta of shape {theta.shape}",
                classes.tolist(),
            )
    elif theta.ndim != 1:
        raise _refuse("classes", f"labels for theta of shape {theta.shape}", None)
    _check_rule_key(state["rule_key"], state_array.shape[0])
    step_sizes = state["step_sizes"]
    if not (
        isinstance(step_sizes, tuple)
        and len(step_sizes) == 2
        and (
            step_sizes[1] is None
            or (isinstance(step_sizes[1], str) and step_sizes[1] in _NAMED_SCHEDULES)
            or isinstance(step_sizes[1], _SCHEDULES)
        )
    ):
        raise _refuse(
            "step_sizes",
            f"(learning_rate, None, {_NAMED_SCHEDULE_LIST} or a descend.schedules object)",
            repr(step_sizes),
        )
    if not isinstance(state["fit_intercept"], bool):
        raise _refuse("fit_intercept", "True or False", repr(state["fit_intercept"]))
    solver = state["solver"]
    if not isinstance(solver, _core.SolverState):
        raise _refuse("solver", "a descend._core.SolverState", type(solver).__name__)
    for name, held in (("best_theta", solver.best_theta), ("best_average", solver.best_average)):
        if len(held) not in (0, theta.size):  # (SolverState's pickle checks their values)
            raise _refuse(f"solver.{name}", f"0 or {theta.size} values", len(held))
    if not isinstance(state["schedule"], _SCHEDULES):
        raise _refuse("schedule", "a descend.schedules object", type(state["schedule"]).__name__)
    lr = state["lr"]
    if not isinstance(lr, float) or not (math.isfinite(lr) and lr > 0):
        raise _refuse("lr", "a finite float > 0", repr(lr))
    for name in ("losses", "validation_losses"):
        values = state[name]
        if not isinstance(values, list) or not all(isinstance(v, float) for v in values):
            raise _refuse(name, "a list of floats", type(values).__name__)
    scaling = state["scaling"]
    if scaling is not None:
        n_features = theta.shape[0] - 1
        if not isinstance(scaling, AutoSettings):
            raise _refuse(
                "scaling", "None or descend._scaling.AutoSettings", type(scaling).__name__
            )
        _check_array("feature_scale", scaling.feature_scale, (n_features,), np.dtype(np.float64))
        if not (scaling.feature_scale > 0).all():
            raise _refuse("feature_scale", "values > 0", "a value <= 0")
        if scaling.feature_offset is not None:
            _check_array(
                "feature_offset", scaling.feature_offset, (n_features,), np.dtype(np.float64)
            )


class _Settings(NamedTuple):
    """The hyperparameters of one call, checked (a NamedTuple: made at every fit, and a frozen
    dataclass takes several times as long to build)."""

    penalty: str
    alpha: float
    l1_ratio: float
    batch_size: int | None
    max_iter: int
    tol: float
    n_iter_no_change: int
    average: int
    validation_fraction: float | None
    on_nonfinite: str
    fit_intercept: bool
    rule: Any  # the compiled update rule (_compiled_rule; lr still to be set)
    # fit runs full-batch L-BFGS iterations, not rule steps: optimizer="lbfgs", or "auto" where
    # lbfgs applies (partial_fit runs "auto" as "sgd"; _runs_lbfgs has the last word)
    lbfgs: bool = False
    n_threads: int | None = None
    # What the fit derives from the checked values (worked out once with them):
    learning_rate: float | None = None  # the step size given; None for "auto"
    auto_step_size: bool = False  # "auto" without a schedule object: the fit picks the step
    defers_finite_check: bool = False  # see _LinearModel._defers_finite_check


# ---------------------------------------------------------------------- the shared base
class _LinearModel(BaseEstimator):
    """What LinearRegression and LogisticRegression share: checks, the fit loop, pickling."""

    # The hyperparameters: the shared ones stored by __init__ below, the others by the
    # subclasses' __init__, all as given (scikit-learn's rule; _settings checks them); then the
    # fitted attributes (_commit, _publish).
    penalty: str | None
    coef_: np.ndarray
    intercept_: Any  # a float (regressor) or an array (classifier)
    n_features_in_: int
    _fit_state: _FitState

    def __init__(
        self,
        *,
        alpha: float = 1e-4,
        l1_ratio: float = 0.15,
        optimizer: Any = AUTO,
        learning_rate: str | float = "auto",
        schedule: Schedule | Literal["cosine"] | None = None,
        batch_size: int | None = None,
        sampling: str = "shuffle",
        average: bool | int = False,
        max_iter: int = 1000,
        tol: float | None = 1e-6,
        n_iter_no_change: int = 5,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        on_nonfinite: str = "stop",
        fit_intercept: bool = True,
        warm_start: bool = False,
        random_state: int | np.random.Generator | None = None,
        verbose: bool | int | None = None,
        n_threads: int | None = None,
    ) -> None:
        """The hyperparameters both estimators share, declared once (see _shares_parameters)."""
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.schedule = schedule
        self.batch_size = batch_size
        self.sampling = sampling
        self.average = average
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.on_nonfinite = on_nonfinite
        self.fit_intercept = fit_intercept
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.n_threads = n_threads

    def fit(self: _Model, X: Any, y: Any, sample_weight: Any = None) -> _Model:
        """Fit the model to (X, y), from zero (or from the previous fit with warm_start).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training data (see the class notes for what is accepted without a copy).
        y : array-like of shape (n_samples,)
            Targets, converted to the dtype of X; for the classifier, class labels (at least
            two distinct ones).
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights, not all zero; for the classifier, multiplied by the class
            weights.

        Returns
        -------
        self
        """
        self._fit(X, y, sample_weight, partial=False, classes=None)
        return self

    # ------------------------------------------------------------------ hyperparameters
    def _settings(self) -> _Settings:
        """Every hyperparameter checked, before any work (a ValueError names the first bad
        one, what was expected and what was given): first those the loop does not take, then
        each of _Settings' fields as it is checked."""
        lr = self.learning_rate
        auto = isinstance(lr, str) and lr == "auto"
        learning_rate = None if auto else check_real("learning_rate", lr, 0.0, low_open=True)
        named = isinstance(self.schedule, str) and self.schedule in _NAMED_SCHEDULES
        if not (self.schedule is None or named or isinstance(self.schedule, _SCHEDULES)):
            raise ValueError(
                f"schedule must be None, {_NAMED_SCHEDULE_LIST} or a descend.schedules object "
                "(Constant, InverseTime, InvScaling, StepDecay, Exponential, Cosine, "
                f"LinearWarmup, ReduceOnPlateau), got {self.schedule!r}"
            )
        check_choice("sampling", self.sampling, _SAMPLINGS)
        check_choice("early_stopping", self.early_stopping, (False, True))
        check_choice("warm_start", self.warm_start, (False, True))
        if self.verbose is not None and not isinstance(self.verbose, bool):
            check_int("verbose", self.verbose, 0)
        penalty = check_choice("penalty", self.penalty, _PENALTIES)
        average = self.average
        checked = _Settings(
            penalty="none" if penalty is None else penalty,
            alpha=check_real("alpha", self.alpha, 0.0),
            l1_ratio=check_real("l1_ratio", self.l1_ratio, 0.0, 1.0),
            rule=_compiled_rule(self.optimizer),  # refuses an unknown optimizer by name
            batch_size=_optional_int("batch_size", self.batch_size),
            average=(
                int(average)
                if isinstance(average, bool | np.bool_)
                else check_int("average", average, 0)
            ),
            max_iter=check_int("max_iter", self.max_iter, 1),
            tol=-1.0 if self.tol is None else check_real("tol", self.tol, 0.0),
            n_iter_no_change=check_int("n_iter_no_change", self.n_iter_no_change, 1),
            validation_fraction=self._validation_fraction(),
            on_nonfinite=check_choice("on_nonfinite", self.on_nonfinite, _ON_NONFINITE),
            fit_intercept=bool(check_choice("fit_intercept", self.fit_intercept, (False, True))),
            n_threads=_optional_int("n_threads", self.n_threads),
            learning_rate=learning_rate,
            auto_step_size=auto and (self.schedule is None or named),
        )
        if isinstance(self.optimizer, str) and self.optimizer in (LBFGS, AUTO):
            conflicts = self._lbfgs_conflicts(checked)
            if conflicts and self.optimizer == LBFGS:
                name, expected, given = conflicts[0]
                raise ValueError(
                    f"optimizer={LBFGS!r} needs {name}={expected}, got {name}={given!r}"
                )
            # "lbfgs" runs whatever the learning_rate (a number is its first trial step);
            # "auto" with a numeric learning_rate: a step size asked for, so a step-size rule
            checked = checked._replace(
                lbfgs=self.optimizer == LBFGS or (not conflicts and checked.learning_rate is None)
            )
        return checked._replace(defers_finite_check=self._defers_finite_check(checked))

    def _lbfgs_conflicts(self, settings: _Settings) -> list[tuple[str, str, object]]:
        """The settings optimizer="lbfgs" cannot run, as (name, what it needs, value given):
        its iterations are full-batch, its line search sets every step (the first trial step
        aside: learning_rate) and never accepts a NaN/Inf, and it needs the objective's
        gradient everywhere (no l1 part). "lbfgs" refuses the first; "auto" runs "sgd" if any."""
        conditions = (
            (settings.batch_size is not None, "batch_size", "None (full batches)", self.batch_size),
            (
                self.schedule is not None,
                "schedule",
                "None (its line search sets every step)",
                self.schedule,
            ),
            (
                settings.average > 0,
                "average",
                "False (it averages stochastic iterates)",
                self.average,
            ),
            (
                settings.on_nonfinite == "skip",
                "on_nonfinite",
                "'stop' or 'raise' (its line search never accepts a NaN or infinite loss)",
                self.on_nonfinite,
            ),
            (
                settings.l1_ratio > 0 and settings.penalty in ("l1", "elasticnet"),
                "penalty",
                "None or 'l2' (or 'elasticnet' with l1_ratio=0): it needs the gradient of the "
                "whole objective, which the l1 part lacks at 0; the update rules such as 'sgd' "
                "handle it by a proximal step",
                self.penalty,
            ),
        )
        return [(name, expected, given) for refused, name, expected, given in conditions if refused]

    def _checked_settings(self) -> tuple[_Settings, tuple[Any, ...]]:
        """_settings() and the hyperparameter values it checked. Those of the last committed
        fit of this class (which _fit remembers in _REMEMBERED_SETTINGS: a refused call
        changes nothing) stand while every hyperparameter is the very object it was then: the
        checks depend on the values only, which are immutable or (a schedule) checked by their
        type. The rule is looked up afresh: it is per thread, and an optim instance's
        hyperparameters are read at every call."""
        cls = type(self)
        hyperparameters = _PARAMETER_NAMES.get(cls)
        if hyperparameters is None:
            hyperparameters = _PARAMETER_NAMES[cls] = operator.attrgetter(*self._get_param_names())
        values = hyperparameters(self)
        remembered = _REMEMBERED_SETTINGS.get(cls)
        if remembered is not None and all(map(operator.is_, remembered[0], values)):
            settings: _Settings = remembered[1]
            rule = _compiled_rule(self.optimizer)
            return (settings if rule is settings.rule else settings._replace(rule=rule)), values
        return self._settings(), values

    def _validation_fraction(self) -> float | None:
        """The checked validation_fraction in (0, 1) with early stopping, else None."""
        if not self.early_stopping:
            return None
        return check_real(
            "validation_fraction", self.validation_fraction, 0.0, 1.0, low_open=True, high_open=True
        )

    def _auto_settings(
        self,
        X: Any,
        target: np.ndarray,
        weight: np.ndarray | None,
        loss: str,
        n_outputs: int,
        settings: _Settings,
        **data_set: Any,
    ) -> AutoSettings:
        """learning_rate="auto" without a schedule object: descend._scaling.auto_settings for this
        fit (the internal feature scaling and the step in those coordinates). data_set:
        auto_settings' n_samples and max_row_norm2, when X stands for a larger data set."""
        probe = settings.rule
        plain = isinstance(probe, _core.SGD)
        return auto_settings(
            X,
            weight,
            loss=loss,
            n_classes=n_outputs,
            fit_intercept=settings.fit_intercept,
            batch_size=settings.batch_size,
            adaptive=not plain,
            momentum=probe.momentum if plain else 0.0,
            penalty=self._core_penalty(settings),
            y=target if loss in ("squared_error", "huber") else None,
            **data_set,
        )

    def _core_penalty(self, settings: _Settings) -> Any:
        return _core.Penalty(
            None if settings.penalty == "none" else settings.penalty,
            alpha=settings.alpha,
            l1_ratio=settings.l1_ratio,
        )

    # ------------------------------------------------------------------ what subclasses say
    def _loss_name(self, n_classes: int) -> str:
        raise NotImplementedError

    def _targets(
        self, y: object, X: Any, *, partial: bool, classes: object
    ) -> tuple[np.ndarray, np.ndarray | None, int, np.ndarray | None]:
        """(y as the solver takes it, class codes, number of outputs K, class labels); the
        last two are None for a regressor."""
        raise NotImplementedError

    def _weights(
        self,
        sample_weight: np.ndarray | None,
        codes: np.ndarray | None,
        labels: np.ndarray | None,
        dtype: np.dtype,
        *,
        partial: bool,
        chunk: bool = False,
    ) -> np.ndarray | None:
        """The sample weights the solver takes (a classifier folds class_weight in). partial:
        for one call of partial_fit, or (chunk) for one chunk of a descend.dask fit, which
        may weigh nothing as long as the whole data set weighs something."""
        return sample_weight

    def _publish(self, run: _FitState) -> None:
        """Set coef_ and intercept_ (and classes_) from the run, in caller units."""
        raise NotImplementedError

    # ------------------------------------------------------------------ fitting
    def _is_fitted(self) -> bool:
        return hasattr(self, "_fit_state")

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "coef_")

    def _check_n_features(self, X: Any) -> None:
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input"
            )

    def _fit(
        self, X: Any, y: object, sample_weight: object, *, partial: bool, classes: object
    ) -> None:
        """fit (partial=False) and partial_fit (partial=True): check everything, then run."""
        settings, hyperparameters = self._checked_settings()
        if partial and isinstance(self.optimizer, str) and self.optimizer == LBFGS:
            raise ValueError(
                f"optimizer={LBFGS!r} runs full-batch iterations over the whole data set, which "
                "partial_fit does not see; call fit, or use partial_fit with an update rule "
                "such as 'sgd' or 'adam'"
            )
        if partial and isinstance(self.schedule, str):
            raise ValueError(
                f"schedule={self.schedule!r} anneals the step over the max_iter epochs of fit, "
                "which partial_fit does not have; call fit (warm_start=True starts from the "
                "coefficients reached), or start partial_fit with a descend.schedules object "
                "such as Cosine(lr, T_max=the steps you will take), whose steps are in your "
                "units (learning_rate='auto' and its internal scaling do not apply then)"
            )
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None"
            )
        continuing = partial and self._is_fitted()
        if continuing:  # the names stay those of the first call (as scikit-learn's)
            names = getattr(self, "feature_names_in_", None)
            check_feature_names(names, X, type(self).__name__)
        else:
            names = feature_names_of(X)
        deferred = settings.defers_finite_check and not partial
        X = as_float_matrix(X, finite=not deferred)
        if continuing:
            self._check_n_features(X)
            dtype = self._fit_state.theta.dtype
            if X.dtype != dtype:
                X = X.astype(dtype)  # a copy of this chunk: the model keeps its fit's dtype
        target, codes, n_outputs, labels = self._targets(y, X, partial=partial, classes=classes)
        weight = None
        if sample_weight is not None:
            weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        weight = self._weights(weight, codes, labels, X.dtype, partial=partial)
        loss = self._loss_name(n_outputs)

        train_rows = validation_rows = None
        seed = 0 if continuing else seed_from_random_state(self.random_state)
        if settings.validation_fraction is not None and not partial:
            train_rows, validation_rows = validation_split(
                X.shape[0], settings.validation_fraction, seed, codes
            )
            for rows, which in ((validation_rows, "validation"), (train_rows, "training")):
                if weight is not None and not weight[rows].any():
                    raise ValueError(
                        f"The sample weights of the {which} set are all zero; use another "
                        "random_state or another validation_fraction"
                    )

        if continuing:
            run = self._fit_state
            rule = settings.rule
            self._check_carried(run)
        else:
            shape = (X.shape[1] + 1,) if n_outputs == 1 else (X.shape[1] + 1, n_outputs)
            theta = np.zeros(shape, dtype=X.dtype)
            if self.warm_start and not partial and self._is_fitted():
                theta[...] = self._warm_start_theta(shape, labels, settings.fit_intercept)
            scaling = None
            if settings.auto_step_size:
                scaling = self._auto_settings(X, target, weight, loss, n_outputs, settings)
                lr = scaling.learning_rate
                theta = to_internal_units(theta, scaling)
            elif settings.learning_rate is None:  # "auto" with a schedule: it sets every step
                lr = float(cast(Schedule, self.schedule)(0))
            else:
                lr = settings.learning_rate
            rule = settings.rule
            schedule = _run_schedule(
                self.schedule,
                lr,
                settings.batch_size,
                settings.max_iter,
                X.shape[0] if train_rows is None else len(train_rows),
            )
            run = _FitState(
                theta,
                rule,
                settings.average,
                seed,
                schedule,
                lr,
                labels,
                scaling,
                estimator=self,
            )

        lbfgs = not partial and _runs_lbfgs(settings, self.optimizer, run.scaling)
        options = _solver_options(
            0 if settings.batch_size is None else settings.batch_size,
            self.sampling,
            _UNLIMITED_EPOCHS if partial else settings.max_iter,
            -1.0 if partial else settings.tol,
            settings.n_iter_no_change,
            _SLICE_SECONDS,
            run.averaging_from,
            validation_rows is not None,
            settings.on_nonfinite,
            lbfgs,
        )
        solver = run.solver
        skipped_before = solver.nonfinite_steps
        if partial and solver.status != "running":
            solver.status = "running"  # partial_fit after fit: the fit's stop does not apply
        last_epoch = solver.epoch + 1 if partial else settings.max_iter
        status = "running"
        early_stopping = validation_rows is not None
        called = False  # whether the C++ loop has run (and changed run's arrays)
        # fit_linear's keywords, only those whose value is not its default: a call that names
        # any argument pays pybind11's matching of every parameter name (~2 us; loss goes by
        # position, so the commonest fits name none)
        keywords: dict[str, Any] = {}
        if settings.penalty != "none":
            keywords.update(
                penalty=settings.penalty, alpha=settings.alpha, l1_ratio=settings.l1_ratio
            )
        if loss == "huber":
            keywords["epsilon"] = float(cast(LinearRegression, self).epsilon)  # (its loss)
        if not settings.fit_intercept:
            keywords["fit_intercept"] = False
        if early_stopping:
            keywords.update(train_rows=train_rows, validation_rows=validation_rows)
        if settings.n_threads is not None:
            keywords["n_threads"] = settings.n_threads
        if run.scaling is not None:
            keywords.update(run.scaling_arguments())

        def check_deferred() -> None:
            """X's NaN/Inf check, deferred (see _defers_finite_check): due unless the first
            epoch's loss, a sum over every row, came out finite."""
            if deferred and not (len(run.losses) and math.isfinite(run.losses[0])):
                check_finite_matrix("X", X)

        try:
            with Progress(
                total=last_epoch - solver.epoch,
                desc=type(self).__name__,
                unit="epoch",
                verbose=_bar_wanted(self.verbose),
                lazy=True,
            ) as progress:
                while status == "running" and solver.epoch < last_epoch:
                    rule.lr = run.lr  # (set at each call: the rule may serve other fits)
                    called = True
                    status, losses, validation_losses = _core.fit_linear(
                        X,
                        target,
                        weight,
                        run.theta,
                        run.state,
                        run.average,
                        rule,
                        run.schedule_core,
                        options,
                        solver,
                        last_epoch - solver.epoch,
                        loss,
                        **keywords,
                    )
                    self._report(run, losses, validation_losses)
                    # (a fit done in one slice never sets up the bar)
                    if len(losses) and (progress.started or status == "running"):
                        progress.update(len(losses), loss=losses[-1])
                    if progress.interrupted:
                        break
        except KeyboardInterrupt:
            # Ctrl-C outside the Progress flag (another SIGINT handler; a second Ctrl-C; a fit
            # in a thread): keep what the finished slices reached (the epochs the solver
            # counts), then stop.
            if called:
                check_deferred()
                self._stop_interrupted(run, names, X.shape[1], early_stopping)
            raise
        check_deferred()
        if progress.interrupted:
            if status == "running" and solver.epoch < last_epoch:
                self._stop_interrupted(run, names, X.shape[1], early_stopping)
            else:  # the run had finished anyway: its result stands, the Ctrl-C goes on
                self._commit(run, names, X.shape[1], early_stopping, status)
            progress.raise_if_interrupted(
                f"{type(self).__name__}.{'partial_fit' if partial else 'fit'} interrupted "
                f"(Ctrl-C) after {self.n_iter_} epochs: the estimator keeps the parameters "
                f"they reached (status_={self.status_!r})"
            )
        self._commit(run, names, X.shape[1], early_stopping, status)
        _REMEMBERED_SETTINGS[type(self)] = (hyperparameters, settings)
        self._warn(status, settings, partial, solver.nonfinite_steps - skipped_before, lbfgs=lbfgs)

    def _check_carried(self, run: _FitState) -> None:
        """Refuse to carry `run` on (partial_fit) under another update rule, other step sizes
        or another fit_intercept than those it was started with: the optimizer state is that
        rule's, the step sizes (from "auto": the scaling) are fixed at the first call, and so
        is whether there are intercepts (the scaling centers only with them)."""
        learning_rate, schedule = self.learning_rate, self.schedule  # (compared, not copied)
        if optim._estimator_rule_key(_rule_optimizer(self.optimizer)) != run.rule_key:
            name, hyperparameters = run.rule_key
            earlier = ", ".join(f"{key}={value!r}" for key, value in hyperparameters)
            raise ValueError(
                f"optimizer={self.optimizer!r} is not the update rule of the earlier fit and "
                f"partial_fit calls, {name}({earlier}), whose state partial_fit carries on; "
                "call fit to start over with another optimizer"
            )
        carried_rate, carried_schedule = run.step_sizes
        if learning_rate != carried_rate or _settings_of(schedule) != _settings_of(
            carried_schedule
        ):
            raise ValueError(
                f"learning_rate={learning_rate!r} and schedule={schedule!r} are not the step "
                "sizes of the earlier fit and partial_fit calls, learning_rate="
                f"{run.step_sizes[0]!r} and schedule={run.step_sizes[1]!r}, which partial_fit "
                "keeps; call fit to start over (warm_start=True starts from the parameters "
                "reached)"
            )
        if bool(self.fit_intercept) != run.fit_intercept:
            raise ValueError(
                f"fit_intercept={self.fit_intercept!r} is not that of the earlier fit and "
                f"partial_fit calls ({run.fit_intercept}), whose parameters partial_fit carries "
                "on; call fit to start over (warm_start=True starts from the parameters reached)"
            )

    def _warm_start_theta(
        self, shape: tuple[int, ...], labels: np.ndarray | None, fit_intercept: bool
    ) -> np.ndarray:
        """The parameters of the previous fit, for fit with warm_start=True to start from.

        Parameters
        ----------
        shape : tuple of int
            The shape of the parameters this data needs.
        labels : ndarray or None
            The classes of this data (None for a regressor).
        fit_intercept : bool
            Whether this fit has an intercept (without one, the previous intercept is 0).

        Raises
        ------
        ValueError
            When the previous fit had other features (another shape) or other classes.
        """
        previous = self._fit_state
        if previous.theta.shape != shape:
            raise ValueError(
                f"warm_start=True: the previous fit has parameters of shape "
                f"{previous.theta.shape}, this data needs {shape} (other features or "
                "classes); fit with warm_start=False"
            )
        if labels is not None and not same_labels(previous.classes, labels):
            assert previous.classes is not None
            raise ValueError(
                f"warm_start=True: the previous fit has classes "
                f"{previous.classes.tolist()}, this data has {labels.tolist()}; fit "
                "with warm_start=False"
            )
        return previous.warm_start_theta(fit_intercept)

    def _defers_finite_check(self, settings: _Settings) -> bool:
        """Whether fit (never partial_fit) may skip its pass over X for NaN/Inf, for these
        checked settings (_settings stores the answer in them): when the first epoch reads every
        row of X and nothing else reads X before it. Its loss is then a sum of s_i l(z_i, y_i)
        over all rows, z_i = b + x_i . w, and a NaN or infinity in x_i makes z_i, hence the
        loss, NaN or infinite (x_ij w_j is NaN or infinite whatever w_j is; every loss here
        stays non-finite at such z). So a finite first-epoch loss proves X finite, and
        otherwise X is checked before anything is kept: a fresh fit (not partial_fit, nothing
        of it committed before the check), on_nonfinite "stop" (no step skipped), every row
        visited in the first epoch (shuffled rows or the full batch; no validation rows held
        out), and no "auto" step size (whose scaling statistics read X first)."""
        every_row = self.sampling == "shuffle" or settings.batch_size is None
        return (
            not settings.auto_step_size
            and every_row
            and settings.validation_fraction is None
            and settings.on_nonfinite == "stop"
        )

    def _stop_interrupted(
        self, run: _FitState, names: np.ndarray | None, n_features: int, early_stopping: bool
    ) -> None:
        """Commit a run cut short by Ctrl-C at a slice boundary (whole epochs done), with the
        parameters of its best validation epoch when early stopping, and status_
        "interrupted". Epochs whose losses the interruption lost (it came as the C++ loop
        returned them) get NaN in loss_curve_, so that it keeps one entry per epoch."""
        missing = int(run.solver.epoch) - len(run.losses)
        if missing > 0:
            run.losses = np.concatenate((run.losses, np.full(missing, math.nan)))
        if early_stopping:
            run.validation_losses.extend([math.nan] * missing)
        best = run.solver.best_theta
        if early_stopping and len(best) == run.theta.size:
            run.theta[...] = np.asarray(best).reshape(run.theta.shape)
            if run.average is not None and len(run.solver.best_average) == run.theta.size:
                run.average[...] = np.asarray(run.solver.best_average).reshape(run.theta.shape)
        self._commit(run, names, n_features, early_stopping, "interrupted")

    def _report(
        self,
        run: _FitState,
        losses: np.ndarray | list[float],
        validation_losses: np.ndarray | list[float],
    ) -> None:
        """Append the losses of a call of the loop (arrays from _core.fit_linear, lists from
        descend.dask's loops) to the run's, and print them with verbose >= 2."""
        first = len(run.losses) + 1
        if len(run.losses):
            run.losses = np.concatenate((run.losses, losses))
        else:  # (the loop's fresh array: no copy)
            run.losses = np.asarray(losses, dtype=np.float64)
        if len(validation_losses):
            run.validation_losses.extend(np.asarray(validation_losses, dtype=np.float64).tolist())
        if _prints_epochs(self.verbose):
            validating = len(validation_losses) > 0
            for k, value in enumerate(losses):
                held = f", validation loss {validation_losses[k]:.6g}" if validating else ""
                print(f"-- Epoch {first + k}: loss {value:.6g}{held}")

    def _commit(
        self,
        run: _FitState,
        names: np.ndarray | None,
        n_features: int,
        early_stopping: bool,
        status: str,
    ) -> None:
        """Make the run the estimator's fit and set the public attributes."""
        self._fit_state = run
        self._publish(run)
        self.n_features_in_ = n_features
        if names is not None:
            self.feature_names_in_ = names
        else:
            self.__dict__.pop("feature_names_in_", None)
        self.n_iter_ = int(run.solver.epoch)
        self.t_ = int(run.solver.step)
        self.nonfinite_steps_ = int(run.solver.nonfinite_steps)
        self.converged_ = status in ("converged", "early_stopped")
        self.status_ = status
        self.__dict__.pop("_loss_curve", None)  # loss_curve_ is made afresh from run.losses
        if early_stopping:
            self.validation_scores_ = list(run.validation_losses)
        else:
            self.__dict__.pop("validation_scores_", None)

    def _warn(
        self, status: str, settings: _Settings, partial: bool, skipped: int = 0, *, lbfgs: bool
    ) -> None:
        """Tell what the caller should know about the fit that ended with `status`: a
        ConvergenceWarning, or under on_nonfinite="raise" a FloatingPointError for a divergence
        (the estimator already keeps the parameters the warning would name). lbfgs: whether
        the fit ran L-BFGS (settings.lbfgs, unless _runs_lbfgs left "auto" to "sgd")."""
        name = type(self).__name__
        if status == "diverged":
            message = (
                f"{name} diverged at epoch {self._fit_state.solver.diverged_epoch}: the loss or "
                "the parameters became NaN or infinite. The parameters are those at the start "
                "of that epoch (status_='diverged'). Try a smaller learning_rate (or "
                "learning_rate='auto')."
            )
            if settings.on_nonfinite == "raise":
                raise FloatingPointError(f"{message} (on_nonfinite='raise')")
            warnings.warn(message, ConvergenceWarning, stacklevel=4)
        elif skipped:
            warnings.warn(
                f"{name}: {skipped} step(s) led to a NaN or infinite loss, gradient or "
                "parameters and were skipped (on_nonfinite='skip'; nonfinite_steps_ counts "
                "them). Try a smaller learning_rate (or learning_rate='auto').",
                ConvergenceWarning,
                stacklevel=4,
            )
        elif status == "max_iter" and not partial and settings.tol >= 0:
            losses = self._fit_state.losses
            if len(losses) >= 2 and losses[-1] > losses[0]:  # (an epoch's mean, for batches)
                advice = (
                    f"The loss rose, from {losses[0]:.6g} in epoch 1 to {losses[-1]:.6g} in "
                    f"epoch {len(losses)}: try a smaller learning_rate (or learning_rate='auto')."
                )
            elif lbfgs:  # (its line search sets the steps)
                advice = "Increase max_iter."
            elif isinstance(self.schedule, str):  # "cosine": the step fell to 0 by max_iter
                advice = (
                    f"Increase max_iter: schedule={self.schedule!r} anneals the step over all "
                    "of them."
                )
            else:
                advice = "Increase max_iter or the learning rate."
            warnings.warn(
                f"{name} did not converge in max_iter={settings.max_iter} epochs "
                f"(tol={self.tol}). {advice}",
                ConvergenceWarning,
                stacklevel=4,
            )

    # ------------------------------------------------------------------ pickling
    _FITTED = ("coef_", "intercept_", "n_features_in_")
    _FITTED_BY_SOLVER = (
        "n_iter_",
        "t_",
        "nonfinite_steps_",
        "converged_",
        "status_",
        "loss_curve_",
        "_fit_state",
    )
    # status_ of a fit: the solver's reasons to stop, and Ctrl-C's.
    _STATUSES = ("running", "converged", "early_stopped", "max_iter", "diverged", "interrupted")

    @property
    def loss_curve_(self) -> list[float]:
        """The loss of every epoch of the fit (and of the partial_fit calls since), a list made
        from the fit's losses when first read."""
        curve: list[float] | None = self.__dict__.get("_loss_curve")
        if curve is None:
            run = self.__dict__.get("_fit_state")
            if run is None:
                raise AttributeError(
                    f"{type(self).__name__!r} object has no attribute 'loss_curve_'",
                    name="loss_curve_",
                    obj=self,
                )
            curve = self._loss_curve = run.losses.tolist()
        return curve

    def __getstate__(self) -> dict[str, Any]:
        """The attributes to pickle, loss_curve_ among them once fitted."""
        getstate = getattr(super(), "__getstate__", None)  # (object's from Python 3.11 on)
        state: dict[str, Any] = dict((getstate() if getstate is not None else None) or vars(self))
        curve = state.pop("_loss_curve", None)
        if "_fit_state" in state:
            state["loss_curve_"] = self.loss_curve_ if curve is None else curve
        return state

    def __copy__(self: _Model) -> _Model:
        """A shallow copy whose fit state is its own: partial_fit changes the fit state in
        place, so a shared one would move the other estimator's too (its coef_, n_iter_ and
        pickle then disagreeing with it)."""
        twin = type(self).__new__(type(self))
        twin.__dict__.update(self.__dict__)
        run = self.__dict__.get("_fit_state")
        if run is not None:
            twin.__dict__["_fit_state"] = copy.deepcopy(run)
        return twin

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickle, after checking the state: every hyperparameter present, and the fitted
        attributes complete, of the right types and shapes, and consistent with one another and
        with the fit's parameters (a damaged or tampered pickle raises ValueError/TypeError
        naming what is wrong)."""
        self._check_pickled(state)
        if "loss_curve_" in state:  # (the property's list: checked equal to the fit's losses)
            state = dict(state)
            state["_loss_curve"] = state.pop("loss_curve_")
        super_setstate = getattr(super(), "__setstate__", None)
        if super_setstate is not None:
            super_setstate(state)
        else:  # pragma: no cover - object.__setstate__ exists from Python 3.11 on
            self.__dict__.update(state)

    def _check_pickled(self, state: object) -> None:
        name = type(self).__name__
        if not isinstance(state, dict):
            raise TypeError(
                f"unpickled {name}: expected a dict of attributes, got {type(state).__name__}"
            )
        params = set(self._get_param_names())
        fitted = set(self._FITTED) | set(self._FITTED_BY_SOLVER) | set(self._fitted_extra())
        missing = params - set(state)
        if missing:
            raise ValueError(f"unpickled {name}: hyperparameters missing {sorted(missing)}")
        present = fitted & set(state)
        if not present:
            return
        needed = set(self._FITTED) | set(self._fitted_extra())
        if "_fit_state" in state or present - needed:
            needed = fitted
        if needed - present:
            raise ValueError(
                f"unpickled {name}: fitted attributes missing {sorted(needed - present)}"
            )
        n_features = state["n_features_in_"]
        if not isinstance(n_features, int) or isinstance(n_features, bool) or n_features < 1:
            raise _refuse("n_features_in_", "an int >= 1", repr(n_features))
        run = state.get("_fit_state")
        if run is not None and not isinstance(run, _FitState):
            raise _refuse("_fit_state", "a _FitState", type(run).__name__)
        self._check_pickled_parameters(state, run)
        for key in ("n_iter_", "t_", "nonfinite_steps_"):
            if key in state and (not isinstance(state[key], int) or state[key] < 0):
                raise _refuse(key, "an int >= 0", repr(state[key]))
        if run is not None:
            if run.theta.shape[0] != n_features + 1:
                raise _refuse(
                    "n_features_in_", f"{run.theta.shape[0] - 1} (theta's rows - 1)", n_features
                )
            counts = (state["n_iter_"], state["t_"], state["nonfinite_steps_"])
            solver = run.solver
            if counts != (solver.epoch, solver.step, solver.nonfinite_steps):
                raise _refuse(
                    "n_iter_, t_ and nonfinite_steps_",
                    f"the solver's epoch {solver.epoch}, step {solver.step} and "
                    f"nonfinite_steps {solver.nonfinite_steps}",
                    counts,
                )
            curve = state["loss_curve_"]
            if (
                not isinstance(curve, list)
                or len(curve) != len(run.losses)
                or not all(
                    a == b or (a != a and b != b) for a, b in zip(curve, run.losses, strict=True)
                )
            ):  # (NaN: an epoch whose loss a Ctrl-C lost)
                raise _refuse("loss_curve_", "the fit's losses", "other values")
            status = state["status_"]
            if not isinstance(status, str) or status not in self._STATUSES:
                raise _refuse("status_", f"one of {self._STATUSES}", repr(status)[:80])
            converged = status in ("converged", "early_stopped")
            if state["converged_"] is not converged:
                got = repr(state["converged_"])[:80]
                raise _refuse("converged_", f"{converged} (status_={status!r})", got)
            scores = state.get("validation_scores_")
            if scores is not None and scores != run.validation_losses:
                raise _refuse("validation_scores_", "the fit's validation losses", "other values")
        names = state.get("feature_names_in_")
        if names is not None and (
            not isinstance(names, np.ndarray) or names.shape != (n_features,)
        ):
            raise _refuse("feature_names_in_", f"an array of {n_features} names", repr(names)[:80])

    def _fitted_extra(self) -> tuple[str, ...]:
        """Fitted attributes a subclass adds (the classifier's classes_)."""
        return ()

    def _check_pickled_parameters(self, state: dict[str, Any], run: _FitState | None) -> None:
        """coef_ and intercept_ of the right types and shapes (those of run's parameters)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ using the fit
    def _decision(self, X: object) -> np.ndarray:
        """X @ coef_ᵀ + intercept_ after checking X against the fit."""
        if not hasattr(self, "coef_"):  # (coef_ alone, as a model read from a file, will do)
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet; call fit(X, y) first."
            )
        check_feature_names(getattr(self, "feature_names_in_", None), X, type(self).__name__)
        X = as_float_matrix(X)
        self._check_n_features(X)
        scores: np.ndarray = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()  # type: ignore[misc]
        tags.input_tags.sparse = True
        return tags


# ---------------------------------------------------------------------- documentation
_SOLVER_PARAMETERS = """\
alpha : float, default=1e-4
    Strength of the penalty, >= 0.
l1_ratio : float, default=0.15
    The elastic-net mixing, in [0, 1]: R(w) = l1_ratio |w|₁ + (1 - l1_ratio) |w|²/2.
    Used only with penalty="elasticnet".
optimizer : str or descend.optim.Optimizer, default="auto"
    "auto" runs "lbfgs" (below) where it can: ``fit`` and ``descend.dask.fit`` with
    learning_rate="auto", full batches, penalty None or "l2", no schedule, no averaging and
    on_nonfinite not "skip"; and "sgd" everywhere else (mini-batches, an l1 part, a schedule, a
    numeric learning_rate, ``partial_fit``, and a column whose values differ by rounding only,
    which the scaling takes for a constant and L-BFGS would fit). The update rules, by name:
    "sgd" (θ ← θ - η g), "momentum" (SGD with momentum 0.9), "nesterov" (with Nesterov momentum
    0.9), "adagrad", "rmsprop", "adam", "adamw", "nadam", "radam", "adamax", "lion" (each with
    torch.optim's defaults; the list is ``descend.optim.OPTIMIZER_NAMES``), or a
    ``descend.optim`` instance such as ``descend.optim.Adam(betas=(0.8, 0.99))``, of which only
    the hyperparameters are used (its lr is replaced by the estimator's step size; its
    parameters and state are left alone). "lbfgs" is not an update rule but a full-batch
    quasi-Newton method: each epoch is one L-BFGS iteration (the last 10 curvature pairs, then a
    backtracking line search whose first trial step along -g is η, later ones 1), from
    first-order information only. On ill-conditioned full-batch problems it needs tens to
    hundreds of epochs where gradient descent needs thousands: the default classifier
    (alpha=1e-4) on raw breast cancer, wine and iris stops by ``tol`` after 181, 51 and 45
    epochs, 4-8x sooner in time, where "sgd" is still moving at max_iter=1000; with tol=1e-12 it
    comes within 1e-8 (relative) of the optimal objective on every case of the correctness
    tests. It takes full batches only, no schedule, no averaging, no l1 part, not
    on_nonfinite="skip" and not partial_fit (each refused by name); an iteration never raises
    the objective, and the fit stops (converged, even with tol=None) where no lower objective
    exists to the precision of the loss. ``descend.dask.fit`` runs its line search with a round
    trip to the workers per trial point. For the update rules on an ill-conditioned full-batch
    problem, Nesterov momentum near 1 pays: on raw breast cancer
    (``LogisticRegression(alpha=1e-2, batch_size=None, tol=1e-15)``) "nesterov" is still 4e-5
    (relative) above the optimal objective after 20000 epochs, while
    ``descend.optim.SGD(momentum=0.99, nesterov=True)`` stops within 2e-12 of it after 6526.
learning_rate : "auto" or float, default="auto"
    The step size η when ``schedule`` is None or "cosine". "auto"
    (``descend._scaling.auto_settings``) fits in internal coordinates in which every feature is
    centered (dense X with an intercept) and scaled to unit spread, X itself never copied or
    changed: the weighted column moments come from one pass over X in C++, and coef_ and
    intercept_ are reported in your units. In those coordinates it picks η from the data: for
    "sgd", "momentum", "nesterov" (and "lbfgs"'s first trial step) η = 1/L for the full batch
    and (1 - momentum)/L_b for
    batches of ``batch_size`` rows, L the smoothness of the objective (power iterations in C++)
    and L_b its expected smoothness for such batches; for the adaptive rules η = 0.1 · rms(y) ·
    sqrt(batch_size / n_samples) (rms(y) = 1 for classifiers). So raw data (features in the
    thousands, targets in the hundreds) converges about as fast as standardized data, without
    tuning. The scaling is fixed at the first fit and kept by partial_fit, warm_start and
    pickling. With a schedule object "auto" does nothing: the schedule sets every step, in your
    units.
schedule : None, "cosine" or descend.schedules object, default=None
    None: every step is η. "cosine": η annealed to 0 over the fit,
    η_t = η (1 + cos(π t / T)) / 2 with T the steps of ``max_iter`` epochs, keeping "auto"'s
    internal scaling and step; a stochastic fit's iterates then settle at the optimum
    instead of wandering around it at a constant step's distance (raw wine, softmax,
    batch_size=1, "adam", 3000 epochs: 1.1e-4 above the optimal objective, where the
    constant step averaged over the last half stalls at 9.4e-3; raw Huber on diabetes, 1000
    epochs: 2.1e-5 against 1.8e-3). fit only: partial_fit has no horizon to anneal over, and
    refuses it. A schedule object sets the step as a
    function of the number of steps taken: ``Constant``, ``InverseTime``, ``InvScaling``,
    ``StepDecay``, ``Exponential``, ``Cosine``, ``LinearWarmup`` or ``ReduceOnPlateau``
    (which hears every epoch's training loss); it overrides ``learning_rate`` and works in
    your units. The estimator uses a copy: the object passed is never changed.
batch_size : int or None, default=None
    Rows per step: None for the full batch (one step per epoch: L-BFGS under the default
    optimizer="auto", gradient descent under "sgd"), 1 for
    stochastic gradient descent, k for mini-batches of k rows. At a constant step (a float
    learning_rate, or "auto") stochastic and mini-batch fits do not settle at the optimum
    but wander around it, and their epoch loss may keep changing by more than ``tol`` until
    ``max_iter``: give them ``average=True`` to come close to it (on scikit-learn's diabetes
    data, batch_size=1 at "auto" ends at R² 0.41-0.49, with average=True at the optimum's
    0.5177), or ``schedule="cosine"``, which anneals the step to 0 over the fit. On
    ill-conditioned data try both: averaging can stall where annealing settles, and the other
    way round (Adam, one-row steps, relative distance to the optimal objective, averaged over
    the last half / annealed: raw wine 9.4e-3 / 1.1e-4 after 3000 epochs, raw breast cancer
    9.1e-5 / 2.7e-4 after 4000).
sampling : {"shuffle", "replacement"}, default="shuffle"
    How steps pick rows: "shuffle" cuts a fresh permutation of the rows into batches every
    epoch (every row once per epoch; the last batch may be smaller); "replacement" draws each
    batch uniformly with replacement. Ignored for full-batch fits.
average : bool or int, default=False
    Polyak–Ruppert averaging: coef_ and intercept_ are the mean of the iterates since step
    ``average`` (True means 1; False or 0 is off), as scikit-learn's SGD ``average``;
    stochastic fits then settle near the optimum instead of wandering around it.
max_iter : int, default=1000
    Maximum number of epochs (passes over the data).
tol : float or None, default=1e-6
    An epoch is quiet when the epoch loss changed from the previous one by less than
    ``tol · max(1, |previous loss|, |loss|)`` (strictly) — with early stopping, when the
    validation loss did not beat the best by at least ``tol · max(1, |best|, |loss|)``. The
    tolerance is thus relative once the loss exceeds 1 (as ``descend.minimize``'s): a fit
    stops at the same epoch whatever the units of y (on diabetes, y as given or y × 100: 829
    epochs with optimizer="sgd", 26 at the defaults' L-BFGS; with an absolute tolerance "sgd"
    took 2698 and 4862, beyond max_iter), and absolute below 1, so a loss going to zero still
    stops. None disables the rule: exactly ``max_iter`` epochs are run (L-BFGS stops sooner
    where no step lowers the loss any more).
n_iter_no_change : int, default=5
    The fit stops at the ``n_iter_no_change``-th quiet epoch in a row.
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the rows (drawn with ``random_state``%(stratified)s;
    selected by index, X is not copied), stop when the validation loss stops improving, and
    restore the parameters of the epoch with the best validation loss.
validation_fraction : float, default=0.1
    The held-out fraction for early stopping, in (0, 1).
on_nonfinite : {"stop", "skip", "raise"}, default="stop"
    What a NaN or infinity (in a loss, a gradient or the parameters: a learning rate too
    large) does, as in ``descend.minimize``: "stop" ends the fit with the parameters of the
    start of that epoch, the last finite ones (``status_`` "diverged"; a ConvergenceWarning
    names the epoch); "raise" does the same, then raises FloatingPointError; "skip" undoes
    each step that meets one (for full batches also a step whose result has a NaN or
    infinite loss, as ``descend.minimize`` judges a step; the update rule's state too),
    counts it in ``nonfinite_steps_`` and goes on with the next batch. The schedule counts
    skipped steps, the update rule (its bias corrections) does not; an epoch whose every
    step was skipped never counts as converged; a ConvergenceWarning says how many were
    skipped. "skip" checks every step, so one-row plain-SGD fits leave their fused fast
    path for it.
fit_intercept : bool, default=True
    Whether to fit an intercept; if False it is held at zero.
warm_start : bool, default=False
    If True, ``fit`` starts from the parameters of the previous fit (the optimizer state,
    schedule position and counters start afresh, as scikit-learn's SGD).
random_state : int, numpy Generator or None, default=None
    Seeds the row sampling and the validation split. The same seed gives the same fit on
    every platform.
verbose : bool, int or None, default=None
    What a fit shows while it runs: None, a progress bar on stderr (epochs done, last epoch
    loss; tqdm, when installed) for fits that run longer than about a second, only when
    stderr is a terminal; 0 or False, nothing; 1 or True, that bar also when stderr is not a
    terminal (a log file, a notebook); 2 or more, one line per epoch on stdout instead of the
    bar (``-- Epoch 3: loss 0.25``).
n_threads : int or None, default=None
    Threads of each full-batch pass over the rows (loss and gradient), cut into fixed
    blocks of consecutive rows whose sums are combined in block order, so a fit gives the
    same numbers, bit for bit, for a given n_threads (not across different ones). None uses
    every processor once a pass reads at least ``descend._core.build_config()``'s
    ``parallel_min_entries`` entries of X, else one thread. Stochastic and mini-batch steps
    run on one thread."""

_SOLVER_NOTES = """\
Every hyperparameter and the data are checked before any work: a bad value raises a
ValueError naming the parameter, what was expected and what was given, and NaN or infinity
in X, y or sample_weight, lengths that disagree, negative or all-zero sample weights, 3-D X
are refused. X may be a NumPy array (float32 and float64 are used as they are, without a
copy when C-contiguous: float32 data is fitted in float32; other real dtypes are converted
once to float64), a pandas DataFrame (its column names become ``feature_names_in_``), or a
scipy.sparse CSR matrix or array, which is used as it is and never densified (other sparse
formats, such as CSC or COO, are converted once to CSR).

The objective is ``mean loss + alpha R(w)`` with R as scikit-learn's SGD
(l2: |w|²/2, l1: |w|₁, elasticnet: the mix of ``l1_ratio``); the intercept is never
penalized; means are sample-weighted (Σ s_i l_i / Σ s_i). The l1 part is applied by a
proximal (soft-threshold) step after each update, so coefficients reach exact zeros; it is
exact only for plain gradient steps, so penalty="l1" or "elasticnet" (l1_ratio > 0) with
optimizer "momentum", "nesterov" or an adaptive rule raises a ValueError naming both.

``partial_fit`` runs one epoch over the rows it is given, carrying the optimizer state, the
schedule's position and the random generator from call to call (``max_iter``, ``tol`` and
early stopping do not apply to it): k calls on the same rows equal ``fit`` with
``max_iter=k, tol=None``, bit for bit (for an update rule: with the default
optimizer="auto", a full-batch ``fit`` runs L-BFGS where ``partial_fit`` runs "sgd"). The
optimizer, ``learning_rate`` and ``schedule`` stay those of the first call (another value of
any of them is refused with a ValueError: the optimizer state is that rule's, and the step
sizes are fixed at the first call; ``fit`` starts over, with ``warm_start=True`` from the
parameters reached); the feature names too. A pickled estimator keeps all of it.

Ctrl-C during ``fit`` or ``partial_fit`` stops the C++ loop at the end of its current time
slice (about 0.1 s, whole epochs): the estimator is left fitted with the epochs finished so
far (with early stopping, the parameters of its best validation epoch), ``status_`` is
"interrupted", and the KeyboardInterrupt then goes on to the caller, so a script still stops
but the partial fit can be used or continued. A second Ctrl-C raises at once."""

_SOLVER_ATTRIBUTES = """\
n_iter_ : int
    Epochs run (for partial_fit: since its first call).
converged_ : bool
    Whether the ``tol`` rule (or early stopping) stopped the last fit.
status_ : str
    Why the last fit stopped: "converged" (the ``tol`` rule), "early_stopped", "max_iter",
    "diverged", "interrupted" (Ctrl-C; see the notes), or "running" after a partial_fit call
    (the run goes on with the next call).
t_ : int
    Update steps taken, the schedule's position (scikit-learn's SGD counts t_ from 1; with
    on_nonfinite="skip", skipped steps included).
nonfinite_steps_ : int
    Steps skipped by on_nonfinite="skip" because they led to NaN or infinity (0 otherwise).
loss_curve_ : list of float
    The training objective of every epoch: for the full batch its value at the start of the
    epoch; for stochastic and mini-batch fits the weighted mean of the step losses over the
    epoch plus the penalty at its end. After a divergence it ends with the last finite
    epoch: n_iter_ counts the diverged epoch too, whose loss is not kept.
validation_scores_ : list of float
    With early stopping only: the mean loss on the held-out rows after every epoch (a loss:
    lower is better, unlike scikit-learn's validation scores).
n_features_in_ : int
    Number of features seen in fit.
feature_names_in_ : ndarray of str
    The column names of a DataFrame X (only when X had string column names)."""


def _optional_int(name: str, value: object) -> int | None:
    """None, or an int of at least 1 (batch_size, n_threads)."""
    return None if value is None else check_int(name, value, 1)


def _shares_parameters(init: _Init) -> _Init:
    """Give a subclass's ``__init__(self, own..., **shared)`` the signature of every parameter
    it takes: its own, then the shared ones of _LinearModel.__init__ (keyword-only), which
    get_params, clone, repr, help() and scikit-learn's checks read."""
    own = [p for p in inspect.signature(init).parameters.values() if p.kind != p.VAR_KEYWORD]
    shared = list(inspect.signature(_LinearModel.__init__).parameters.values())[1:]
    init.__signature__ = inspect.Signature(own + shared)  # type: ignore[attr-defined]
    return init


def _document(template: str, stratified: str) -> str:
    return (
        template.replace("%(parameters)s", _SOLVER_PARAMETERS % {"stratified": stratified})
        .replace("%(notes)s", _SOLVER_NOTES)
        .replace("%(attributes)s", _SOLVER_ATTRIBUTES)
    )


# ---------------------------------------------------------------------- the estimators
class LinearRegression(RegressorMixin, _LinearModel):
    __doc__ = _document(
        """Linear regression (least squares or Huber) fitted by full-batch L-BFGS (the default
where it applies), gradient descent, SGD, mini-batches or any update rule of descend, with
the loop in C++.

Minimizes, over θ = (b, w) with predictions ``z_i = b + x_i · w``::

    L(θ) = Σ_i s_i l(z_i, y_i) / Σ_i s_i  +  alpha R(w)

with ``l = (z - y)²`` for loss="squared_error" (gradient 2 (z - y) x̃_i) and for loss="huber"
``l = r²/2`` when ``|r| <= epsilon``, ``epsilon (|r| - epsilon/2)`` beyond (r = z - y, the
gradient clipped to ±epsilon): robust to outliers.

Parameters
----------
loss : {"squared_error", "huber"}, default="squared_error"
    The point loss.
epsilon : float, default=0.1
    Where the Huber loss turns linear, >= 0. Used only with loss="huber".
penalty : {None, "l2", "l1", "elasticnet"}, default=None
    The regularizer R (none by default, as ordinary least squares).
%(parameters)s

Attributes
----------
coef_ : ndarray of shape (n_features,)
    The coefficients, in the dtype of X.
intercept_ : float
    The intercept.
%(attributes)s

Notes
-----
%(notes)s

Examples
--------
>>> import numpy as np, descend
>>> rng = np.random.default_rng(0)
>>> X = 2 * rng.random((100, 1)); y = 4 + 3 * X[:, 0] + rng.standard_normal(100)
>>> model = descend.LinearRegression(tol=1e-12).fit(X, y)
>>> round(model.intercept_, 2), np.round(model.coef_, 2)
(3.99, array([2.93]))
""",
        "",
    )

    @_shares_parameters
    def __init__(
        self,
        loss: str = "squared_error",
        *,
        epsilon: float = 0.1,
        penalty: str | None = None,
        **shared: Unpack[_SharedParameters],
    ) -> None:
        super().__init__(**shared)
        self.loss = loss
        self.epsilon = epsilon
        self.penalty = penalty

    def _settings(self) -> _Settings:
        check_choice("loss", self.loss, ("squared_error", "huber"))
        check_real("epsilon", self.epsilon, 0.0)
        return super()._settings()

    def _loss_name(self, n_classes: int) -> str:
        return self.loss

    def _targets(
        self, y: object, X: Any, *, partial: bool, classes: object
    ) -> tuple[np.ndarray, None, int, None]:
        return as_vector_like(y, "y", X.shape[0], X.dtype), None, 1, None

    def _publish(self, run: _FitState) -> None:
        theta = run.parameters()
        self.coef_ = theta[1:].copy()
        self.intercept_ = float(theta[0])

    def _check_pickled_parameters(self, state: dict[str, Any], run: _FitState | None) -> None:
        coef, intercept = state["coef_"], state["intercept_"]
        n_features = state["n_features_in_"]
        dtype = coef.dtype if isinstance(coef, np.ndarray) else np.dtype(np.float64)
        _check_array("coef_", coef, (n_features,), dtype)
        if dtype not in (np.float32, np.float64):
            raise _refuse("coef_", "float32 or float64", dtype)
        if not isinstance(intercept, float) or not math.isfinite(intercept):
            raise _refuse("intercept_", "a finite float", repr(intercept))
        if run is not None:
            if run.classes is not None or run.theta.dtype != dtype:
                raise _refuse(
                    "_fit_state",
                    f"a regression fit in {dtype}",
                    f"{run.theta.dtype} with classes {run.classes}",
                )
            theta = run.parameters()
            if (
                theta.shape != (n_features + 1,)
                or not np.array_equal(theta[1:], coef)
                or (float(theta[0]) != intercept)
            ):
                raise _refuse("coef_ and intercept_", "the fit's parameters", "other values")

    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> LinearRegression:
        """One epoch over (X, y), continuing the previous partial_fit calls.

        The optimizer state, schedule position and generator carry over; see the class notes.
        Parameters and return as :meth:`fit`.
        """
        self._fit(X, y, sample_weight, partial=True, classes=None)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets ``X @ coef_ + intercept_`` (X dense or sparse)."""
        return self._decision(X)


class LogisticRegression(ClassifierMixin, _LinearModel):
    classes_: np.ndarray  # (fitted)
    __doc__ = _document(
        """Logistic regression — binary, or multinomial (softmax) for three or more classes,
never one-vs-rest — fitted by full-batch L-BFGS (the default where it applies), gradient
descent, SGD, mini-batches or any update rule of descend, with the loop in C++.

Binary (classes_[1] is the positive class, t_i ∈ {0, 1}, z_i = b + x_i · w)::

    L(θ) = Σ_i s_i [log(1 + exp(z_i)) - t_i z_i] / Σ_i s_i  +  alpha R(w)

K >= 3 classes: θ is a (n_features + 1) × K block, z_ik = b_k + x_i · w_k, and::

    L(θ) = Σ_i s_i [log Σ_k exp(z_ik) - z_i,y_i] / Σ_i s_i  +  alpha Σ_k R(w_k)

predict_proba is σ(z) (binary) or softmax(z). ``class_weight`` multiplies each sample's
weight by its class's weight.

Parameters
----------
penalty : {None, "l2", "l1", "elasticnet"}, default="l2"
    The regularizer R.
class_weight : None, "balanced" or dict, default=None
    Per-class weights folded into the sample weights: a dict {label: weight} (classes it
    does not name weigh 1; labels it names that are not classes of y are ignored, as
    scikit-learn does, since a cross-validation fold may lack a class), or "balanced":
    ``n_samples / (n_classes * n_k)``, with n_k the (sample-weighted) count of class k, as
    scikit-learn. partial_fit refuses "balanced".
%(parameters)s

Attributes
----------
classes_ : ndarray of shape (n_classes,)
    The class labels, sorted (any labels: strings, ints, bools).
coef_ : ndarray of shape (1, n_features) for two classes, else (n_classes, n_features)
    The coefficients, in the dtype of X.
intercept_ : ndarray of shape (1,) or (n_classes,)
    The intercepts.
%(attributes)s

Notes
-----
%(notes)s The first partial_fit call needs ``classes=`` (all labels that will ever occur).

Examples
--------
>>> import numpy as np, descend
>>> X = np.array([[0.0], [1.0], [1.5], [2.0], [3.0]])
>>> y = np.array(["no", "no", "yes", "no", "yes"])
>>> clf = descend.LogisticRegression().fit(X, y)
>>> clf.predict([[0.5], [2.5]]).tolist(), clf.classes_.tolist()
(['no', 'yes'], ['no', 'yes'])
""",
        ", stratified by class",
    )

    @_shares_parameters
    def __init__(
        self,
        penalty: str | None = "l2",
        *,
        class_weight: dict[Any, float] | str | None = None,
        **shared: Unpack[_SharedParameters],
    ) -> None:
        super().__init__(**shared)
        self.penalty = penalty
        self.class_weight = class_weight

    def _loss_name(self, n_classes: int) -> str:
        return "log_loss" if n_classes == 1 else "softmax"

    def _targets(
        self, y: object, X: Any, *, partial: bool, classes: object
    ) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
        name = type(self).__name__
        known = None
        if partial and self._is_fitted():
            known = self.classes_
            if classes is not None and not same_labels(np.unique(np.asarray(classes)), known):
                raise ValueError(
                    f"classes={np.asarray(classes).tolist()} differs from the classes of the "
                    f"first partial_fit call, {known.tolist()}"
                )
        elif partial:
            if classes is None:
                raise ValueError(
                    f"the first call of {name}.partial_fit needs classes= (all labels that "
                    "will occur)"
                )
            known = np.unique(np.asarray(classes))
        labels, codes, values = encode_labels(y, known, X.shape[0])
        if len(labels) < 2:
            raise ValueError(
                f"{name} needs samples of at least 2 classes; y has 1 class: {labels.tolist()}"
            )
        if len(labels) == 2:  # 0/1 in X's dtype: y itself when it already is that
            return binary_target(values, codes, labels, X.dtype), codes, 1, labels
        return codes.astype(np.int64), codes, len(labels), labels

    def _weights(
        self,
        sample_weight: np.ndarray | None,
        codes: np.ndarray | None,
        labels: np.ndarray | None,
        dtype: np.dtype,
        *,
        partial: bool,
        chunk: bool = False,
    ) -> np.ndarray | None:
        assert codes is not None and labels is not None
        if partial and isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit (each chunk would get "
                "other weights); pass a dict of class weights, e.g. computed on all labels"
            )
        per_class = class_weight_per_class(self.class_weight, labels, codes, sample_weight)
        if per_class is not None:
            folded = per_class[codes]
            if partial and not chunk and not np.any(folded):  # (the solver's: sample_weight)
                present = labels[np.unique(codes)].tolist()
                raise ValueError(
                    f"class_weight gives every row of this call weight 0 (its classes "
                    f"{present} weigh 0), so there is nothing to fit: leave such calls out"
                )
            if sample_weight is not None:
                folded = folded * sample_weight
            sample_weight = np.ascontiguousarray(folded, dtype=dtype)
        if not partial:
            per_label = class_totals(codes, len(labels), sample_weight)
            left = np.count_nonzero(per_label)
            if left < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes with positive sample "
                    f"weight; the weights leave {left} class{'es' if left != 1 else ''}: "
                    f"{labels[np.flatnonzero(per_label)].tolist()}"
                )
        return sample_weight

    def _publish(self, run: _FitState) -> None:
        theta = run.parameters()
        assert run.classes is not None  # (a classifier's run)
        self.classes_ = run.classes
        if theta.ndim == 1:
            self.coef_ = theta[None, 1:].copy()
            self.intercept_ = theta[:1].copy()
        else:
            self.coef_ = np.ascontiguousarray(theta[1:].T)
            self.intercept_ = theta[0].copy()

    def _fitted_extra(self) -> tuple[str, ...]:
        return ("classes_",)

    def _check_pickled_parameters(self, state: dict[str, Any], run: _FitState | None) -> None:
        coef, intercept, classes = state["coef_"], state["intercept_"], state["classes_"]
        n_features = state["n_features_in_"]
        if (
            not isinstance(classes, np.ndarray)
            or classes.ndim != 1
            or len(classes) < 2
            or (len(np.unique(classes)) != len(classes))
        ):
            raise _refuse(
                "classes_", "a 1-D array of at least 2 distinct labels", repr(classes)[:80]
            )
        outputs = 1 if len(classes) == 2 else len(classes)
        dtype = coef.dtype if isinstance(coef, np.ndarray) else np.dtype(np.float64)
        if dtype not in (np.float32, np.float64):
            raise _refuse("coef_", "float32 or float64", dtype)
        _check_array("coef_", coef, (outputs, n_features), dtype)
        _check_array("intercept_", intercept, (outputs,), dtype)
        if run is not None:
            if (
                run.classes is None
                or not same_labels(run.classes, classes)
                or (run.theta.dtype != dtype)
            ):
                raise _refuse(
                    "_fit_state",
                    f"a fit of classes {classes.tolist()} in {dtype}",
                    f"{run.theta.dtype} with classes {run.classes}",
                )
            theta = run.parameters()
            theta = theta[:, None] if theta.ndim == 1 else theta
            if (
                theta.shape != (n_features + 1, outputs)
                or not np.array_equal(theta[1:].T, coef)
                or not np.array_equal(theta[0], intercept)
            ):
                raise _refuse("coef_ and intercept_", "the fit's parameters", "other values")

    def partial_fit(
        self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None
    ) -> LogisticRegression:
        """One epoch over (X, y), continuing the previous partial_fit calls.

        ``classes`` (every label that will occur) is required on the first call; later calls
        may pass the same labels or None. See the class notes for what carries over.
        """
        self._fit(X, y, sample_weight, partial=True, classes=classes)
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """The scores z = X @ coef_ᵀ + intercept_: shape (n_samples,) for two classes (> 0
        means classes_[1]), else (n_samples, n_classes)."""
        scores = self._decision(X)
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each sample, as a label of classes_."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        labels: np.ndarray = self.classes_[index]
        return labels

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """log P(class | x), shape (n_samples, n_classes), computed without overflow."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            # log σ(z) = -log(1 + exp(-z)), log(1 - σ(z)) = -log(1 + exp(z))
            log_proba: np.ndarray = -np.logaddexp(0, np.stack([scores, -scores], axis=1))
            return log_proba
        top = scores.max(axis=1, keepdims=True)
        log_proba = scores - top - np.log(np.exp(scores - top).sum(axis=1, keepdims=True))
        return log_proba

    def predict_proba(self, X: Any) -> np.ndarray:
        """P(class | x), shape (n_samples, n_classes): σ(z) for two classes, else softmax."""
        proba: np.ndarray = np.exp(self.predict_log_proba(X))
        return proba
