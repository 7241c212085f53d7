"""Learning-rate schedules: the step size as a function of t, the number of steps taken so far.

Each schedule is a small object: call it with ``t`` to get the learning rate of step ``t``
(``t = 0`` for the first step). Each holds its compiled ``descend._core`` schedule and
delegates to it: the formulas and ReduceOnPlateau's rule are written once, in C++
(``cpp/include/descend/schedules/``), so a fit run by the C++ solver evaluates the same code
and never calls back into Python between steps. A wrapper (LinearWarmup, ReduceOnPlateau)
holds a copy of the schedule it is given; its ``schedule`` attribute shows that copy.

The schedule protocol
---------------------
Code that drives a schedule (``descend.optim``'s ``schedule=`` keyword, the estimators) relies
on these methods, which every schedule here has:

``schedule(t) -> float``
    The learning rate of step ``t`` (steps taken so far, 0 for the first). Calling it never
    changes the schedule, so it may be called any number of times for the same ``t``.
``schedule.step(loss) -> None``
    Reports the loss of a finished epoch (or of whatever period the caller chooses to
    monitor). Only :class:`ReduceOnPlateau`, alone or wrapped, uses it; the other schedules
    ignore it. Unlike torch's ``scheduler.step()`` it does not advance time: time is the ``t``
    passed to the call.
``schedule.state_dict() -> dict`` and ``schedule.load_state_dict(state) -> None``
    The schedule's state as a plain dict of numbers (empty for schedules without state), and
    its restoration, so that a restored schedule continues identically.

A plain callable ``t -> lr`` also satisfies the first point; code that drives schedules should
call ``step``, ``state_dict`` and ``load_state_dict`` only when they are present. The C++
solver behind the estimators calls the equivalent of ``step(loss)`` itself after every epoch,
with that epoch's training loss.

Examples
--------
>>> from descend.schedules import Cosine, LinearWarmup
>>> schedule = LinearWarmup(Cosine(lr=0.1, T_max=1000), warmup_steps=100)
>>> [round(schedule(t), 4) for t in (0, 49, 99, 100, 600, 1100)]
[0.001, 0.05, 0.1, 0.1, 0.05, 0.0]
"""

from __future__ import annotations

import math
import numbers
import typing
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import _core
from ._checks import check_int as _check_int
from ._checks import check_real as _check_real

__all__ = [
    "Constant",
    "Cosine",
    "Exponential",
    "InvScaling",
    "InverseTime",
    "LinearWarmup",
    "ReduceOnPlateau",
    "Schedule",
    "StepDecay",
]

#: The decays an estimator's ``schedule`` may name instead of giving a schedule object: they
#: shape the step size learning_rate gives (or "auto" picks, in its internal coordinates) over
#: the fit's max_iter epochs (descend.linear_model; the command line offers the same names).
_NAMED_SCHEDULES = ("cosine",)


# ---------------------------------------------------------------------- argument checks
# Only the kind of each value is checked here; its range is checked once, by the C++
# validate() behind the compiled object.
def _check_step(t: int) -> None:
    if not isinstance(t, numbers.Integral) or isinstance(t, (bool, np.bool_)):
        raise TypeError(f"t must be a step count (an int >= 0), got {type(t).__name__} {t!r}")
    if not 0 <= t < 2**63:
        raise ValueError(f"t must be a step count >= 0 (and < 2**63), got {t!r}")


def _real(name: str, value: object) -> float:
    return _check_real(name, value, finite=False)


def _count(name: str, value: object) -> int:
    """An int for a count field; its range is the compiled schedule's check (this one only
    keeps the value within the 64 bits the field holds)."""
    number = _check_int(name, value, -(2**63))
    if number >= 2**63:
        raise ValueError(f"{name} must be an int below 2**63, got {number}")
    return number


def _check_state_keys(schedule: object, state: object, expected: set[str]) -> None:
    """TypeError unless `state` is a dict, ValueError unless its keys are `expected` (those of
    the schedule's state_dict())."""
    name = type(schedule).__name__
    if not isinstance(state, Mapping):
        raise TypeError(f"state: expected the dict of a {name} state_dict(), got {state!r:.80}")
    if not expected and state:
        raise ValueError(f"{name} has no state, got a state with keys {sorted(map(str, state))}")
    if set(state) != expected:
        raise ValueError(
            f"state: expected the keys {sorted(expected)} of a {name} state_dict(), got "
            f"{sorted(map(str, state))}"
        )


def _as_schedule(value: object) -> _Schedule:
    """A descend schedule as it is, or a positive number as Constant(value)."""
    if isinstance(value, _Schedule):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return Constant(_check_real("schedule", value, 0.0, low_open=True))
    raise TypeError(
        f"schedule must be a descend.schedules object or a learning rate > 0, got {value!r}"
    )


# ---------------------------------------------------------------------- the common part
class _Schedule:
    """A schedule: a view of a compiled ``descend._core`` schedule, configuration read-only.

    Subclasses build their compiled object in ``__init__``; everything else delegates to it.
    The compiled type's field table names the configuration (``_fields``, in constructor
    order) and the state (``_state``), and gives repr, equality and pickling.
    """

    __slots__ = ("_core",)
    _core: Any

    def __init__(self, core: Any) -> None:
        object.__setattr__(self, "_core", core)

    @staticmethod
    def _view(core: Any) -> _Schedule:
        """The schedule object showing `core` (no copy: changes of state reach `core`)."""
        view = object.__new__(_PYTHON_TYPES[type(core)])
        _Schedule.__init__(view, core)
        return view

    def __call__(self, t: int) -> float:
        _check_step(t)
        return float(self._core(t))

    def __getattr__(self, name: str) -> Any:
        core = object.__getattribute__(self, "_core")  # AttributeError while not built
        if name in core._fields or name in core._state:
            return getattr(core, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(
            f"{type(self).__name__} is immutable: make a new one to change {name!r}"
        )

    def _configuration(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._core._fields)

    def _settings(self) -> tuple[Any, ...]:
        """The type and settings, nested schedules' included, without any state: equal for
        schedules that make the same steps from the same state (== also compares states)."""
        return (
            type(self),
            tuple(
                value._settings() if isinstance(value, _Schedule) else value
                for value in self._configuration()
            ),
        )

    def __repr__(self) -> str:
        return repr(self._core)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self._core == other._core)

    def __hash__(self) -> int:
        return hash(self._settings())

    def __copy__(self) -> _Schedule:
        return self._view(self._to_core())

    def __deepcopy__(self, memo: dict[int, Any]) -> _Schedule:
        return self.__copy__()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Schedule._view, (self._core,))

    def _to_core(self) -> Any:
        """An independent copy of the compiled schedule, state included (for the solver)."""
        return self._core.__copy__()

    def step(self, loss: float) -> None:
        """Reports the loss of a finished epoch (only ReduceOnPlateau, alone or wrapped,
        changes)."""
        epoch_end = getattr(self._core, "epoch_end", None)
        if epoch_end is not None:
            if not isinstance(loss, numbers.Real) or isinstance(loss, (bool, np.bool_)):
                raise TypeError(f"loss must be a real number, got {type(loss).__name__} {loss!r}")
            try:
                value = float(loss)
            except OverflowError:  # (an int beyond float64)
                raise ValueError(
                    f"loss must be a number that fits a float64, got {loss!r:.40}"
                ) from None
            if math.isnan(value):
                raise ValueError(
                    "loss must be a number, got NaN (a diverged epoch: stop, or report the "
                    "loss of the last finite epoch)"
                )
            epoch_end(value)

    def state_dict(self) -> dict[str, Any]:
        """The schedule's state: none, an empty dict."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Accepts the empty state of :meth:`state_dict`."""
        _check_state_keys(self, state, set())


# ---------------------------------------------------------------------- closed forms
class Constant(_Schedule):
    """A constant learning rate: ``eta_t = lr``.

    Parameters
    ----------
    lr : float
        The step size, finite and >= 0.

    Examples
    --------
    >>> from descend.schedules import Constant
    >>> Constant(0.01)(1000)
    0.01
    """

    __slots__ = ()

    def __init__(self, lr: float) -> None:
        super().__init__(_core.Constant(_real("lr", lr)))


class InverseTime(_Schedule):
    """Inverse-time decay: ``eta_t = t0 / (t + t1)``.

    The schedule of the tutorial's stochastic gradient descent, where ``t = epoch * m + i``
    counts the steps taken so far, with ``t0 = 5`` and ``t1 = 50``: it starts at
    ``t0 / t1 = 0.1`` and decays like ``1 / t``.

    Parameters
    ----------
    t0 : float
        Numerator, > 0.
    t1 : float
        Offset of the step count, > 0.

    Examples
    --------
    >>> from descend.schedules import InverseTime
    >>> InverseTime(5, 50)(0)
    0.1
    """

    __slots__ = ()

    def __init__(self, t0: float = 5.0, t1: float = 50.0) -> None:
        super().__init__(_core.InverseTime(_real("t0", t0), _real("t1", t1)))


class InvScaling(_Schedule):
    """scikit-learn's "invscaling" learning rate: ``eta_t = eta0 / (t + 1) ** power_t``.

    scikit-learn's SGD writes ``eta = eta0 / pow(t, power_t)`` with its own counter ``t``
    starting at 1 for the first update (``t_`` starts at 1.0 and grows by one per sample);
    here ``t`` starts at 0, hence ``t + 1``: step ``t`` gets the rate scikit-learn gives its
    update number ``t + 1``. The defaults are ``SGDRegressor``'s.

    Parameters
    ----------
    eta0 : float, default=0.01
        The learning rate of the first step, > 0.
    power_t : float, default=0.25
        The exponent of the decay, >= 0.

    Examples
    --------
    >>> from descend.schedules import InvScaling
    >>> s = InvScaling(eta0=0.1, power_t=0.5)
    >>> s(0), s(3)
    (0.1, 0.05)
    """

    __slots__ = ()

    def __init__(self, eta0: float = 0.01, power_t: float = 0.25) -> None:
        super().__init__(_core.InvScaling(_real("eta0", eta0), _real("power_t", power_t)))


class StepDecay(_Schedule):
    """Step decay: ``eta_t = lr * gamma ** floor(t / step_size)``.

    torch.optim.lr_scheduler.StepLR's closed form, with ``t`` counting optimizer steps (StepLR
    counts calls of ``scheduler.step()``, usually epochs).

    Parameters
    ----------
    lr : float
        The learning rate of the first ``step_size`` steps, >= 0.
    step_size : int
        Steps between two drops, >= 1.
    gamma : float, default=0.1
        The factor of each drop, in (0, 1].

    Examples
    --------
    >>> from descend.schedules import StepDecay
    >>> s = StepDecay(lr=0.1, step_size=100, gamma=0.5)
    >>> s(99), s(100), s(250)
    (0.1, 0.05, 0.025)
    """

    __slots__ = ()

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(
            _core.StepDecay(_real("lr", lr), _count("step_size", step_size), _real("gamma", gamma))
        )


class Exponential(_Schedule):
    """Exponential decay: ``eta_t = lr * gamma ** t``.

    torch.optim.lr_scheduler.ExponentialLR's closed form, with ``t`` counting optimizer steps.

    Parameters
    ----------
    lr : float
        The learning rate of the first step, >= 0.
    gamma : float
        The factor applied at every step, in (0, 1].

    Examples
    --------
    >>> from descend.schedules import Exponential
    >>> s = Exponential(lr=0.1, gamma=0.5)
    >>> [s(t) for t in range(4)]
    [0.1, 0.05, 0.025, 0.0125]
    """

    __slots__ = ()

    def __init__(self, lr: float, gamma: float) -> None:
        super().__init__(_core.Exponential(_real("lr", lr), _real("gamma", gamma)))


class Cosine(_Schedule):
    """Cosine annealing: ``eta_t = eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``.

    The closed form of torch.optim.lr_scheduler.CosineAnnealingLR, with ``t`` counting
    optimizer steps: the rate falls from ``lr`` at ``t = 0`` to ``eta_min`` at ``t = T_max``.
    After ``T_max`` the same formula goes on, as in torch: the rate climbs back to ``lr`` at
    ``t = 2 * T_max`` and keeps oscillating with period ``2 * T_max``. To stay at ``eta_min``,
    make ``T_max`` at least the number of steps of the run.

    Parameters
    ----------
    lr : float
        The learning rate of the first step (torch's base lr), >= 0.
    T_max : int
        Steps from ``lr`` down to ``eta_min`` (half a period), >= 1.
    eta_min : float, default=0.0
        The learning rate at ``t = T_max``, >= 0.

    Examples
    --------
    >>> from descend.schedules import Cosine
    >>> s = Cosine(lr=0.1, T_max=100, eta_min=0.01)
    >>> round(s(0), 6), round(s(50), 6), round(s(100), 6), round(s(200), 6)
    (0.1, 0.055, 0.01, 0.1)
    """

    __slots__ = ()

    def __init__(self, lr: float, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803
        super().__init__(
            _core.Cosine(_real("lr", lr), _count("T_max", T_max), _real("eta_min", eta_min))
        )


# ---------------------------------------------------------------------- wrappers
class _Wrapper(_Schedule):
    """A schedule around another one, held (as a copy) by the compiled object."""

    __slots__ = ()

    @property
    def schedule(self) -> _Schedule:
        """The wrapped schedule (the copy this one holds; its state is this one's)."""
        return self._view(self._core.schedule)

    def state_dict(self) -> dict[str, Any]:
        """The wrapped schedule's state, under ``"schedule"``."""
        return {"schedule": self.schedule.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restores the state of :meth:`state_dict`."""
        _check_state_keys(self, state, {"schedule"})
        self.schedule.load_state_dict(state["schedule"])


class LinearWarmup(_Wrapper):
    """A linear warm-up before another schedule ``s``, which then starts afresh.

    ::

        eta_t = s(0) * (t + 1) / warmup_steps     for t < warmup_steps
        eta_t = s(t - warmup_steps)               for t >= warmup_steps

    The rate ramps linearly up to the wrapped schedule's first rate (the first step gets
    ``s(0) / warmup_steps``, the last warm-up step ``s(0)``), then the wrapped schedule runs
    with its own ``t`` shifted by ``warmup_steps``: a ``Cosine(T_max=1000)`` after 100 warm-up
    steps still takes 1000 steps to decay. ``warmup_steps=0`` is the wrapped schedule itself.

    Parameters
    ----------
    schedule : schedule or float
        The schedule that follows the warm-up (any of this module's, :class:`ReduceOnPlateau`
        included; a copy is kept); a number ``lr`` stands for ``Constant(lr)``.
    warmup_steps : int
        The length of the ramp in steps, >= 0.

    Examples
    --------
    >>> from descend.schedules import LinearWarmup
    >>> s = LinearWarmup(0.1, warmup_steps=4)
    >>> [round(s(t), 3) for t in range(6)]
    [0.025, 0.05, 0.075, 0.1, 0.1, 0.1]
    """

    __slots__ = ()

    def __init__(self, schedule: Schedule | float, warmup_steps: int) -> None:
        super().__init__(
            _core.LinearWarmup(_as_schedule(schedule)._core, _count("warmup_steps", warmup_steps))
        )


class ReduceOnPlateau(_Wrapper):
    """Cuts the rate of a base schedule ``s`` when the monitored loss stops improving.

    ::

        eta_t = max(scale * s(t), min(s(t), min_lr))

    ``scale`` starts at 1 and is multiplied by ``factor`` by :meth:`step` when the loss has
    not improved for more than ``patience`` epochs. Per call ``step(loss)``::

        improved = loss < best * (1 - threshold);  best = loss if improved
        num_bad_epochs = 0 if improved else num_bad_epochs + 1
        if cooldown_counter > 0:  cooldown_counter -= 1;  num_bad_epochs = 0
        if num_bad_epochs > patience:
            scale *= factor;  cooldown_counter = cooldown;  num_bad_epochs = 0

    With a constant base this is torch.optim.lr_scheduler.ReduceLROnPlateau with
    ``mode="min"`` and ``threshold_mode="rel"`` (its defaults), except that torch's ``eps``
    (skip reductions smaller than 1e-8) is not modelled. Reductions never take the rate below
    ``min_lr``, and a base rate already below ``min_lr`` is left as it is. The estimators' C++
    solver calls ``step`` itself after every epoch with the epoch's training loss; with
    ``descend.optim``, call ``schedule.step(loss)`` yourself.

    The configuration is fixed at construction. The state, the read-only attributes ``scale``,
    ``best``, ``num_bad_epochs`` and ``cooldown_counter``, changes only through :meth:`step`
    and :meth:`load_state_dict`, and is kept by ``pickle`` and ``copy``.

    Parameters
    ----------
    schedule : schedule or float
        The base schedule (any of this module's; a copy is kept); a number ``lr`` stands for
        ``Constant(lr)``.
    factor : float, default=0.1
        The multiplier of each reduction, in (0, 1).
    patience : int, default=10
        Epochs without improvement that are tolerated; the next one reduces the rate.
    threshold : float, default=1e-4
        The relative improvement over the best loss that counts as better, in [0, 1).
    cooldown : int, default=0
        Epochs after a reduction during which bad epochs are not counted.
    min_lr : float, default=0.0
        The floor of the reductions, >= 0.

    Examples
    --------
    >>> from descend.schedules import ReduceOnPlateau
    >>> s = ReduceOnPlateau(0.1, factor=0.5, patience=1)
    >>> for loss in [1.0, 0.5, 0.5, 0.5, 0.5]:
    ...     s.step(loss)
    >>> s(0), s.num_bad_epochs
    (0.05, 1)
    """

    __slots__ = ()

    def __init__(
        self,
        schedule: Schedule | float,
        *,
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        super().__init__(
            _core.ReduceOnPlateau(
                _as_schedule(schedule)._core,
                factor=_real("factor", factor),
                patience=_count("patience", patience),
                threshold=_real("threshold", threshold),
                cooldown=_count("cooldown", cooldown),
                min_lr=_real("min_lr", min_lr),
            )
        )

    def state_dict(self) -> dict[str, Any]:
        """The state as a plain dict: scale, best, num_bad_epochs, cooldown_counter, and the
        base schedule's state under ``"schedule"``."""
        return {
            **{name: getattr(self._core, name) for name in self._core._state},
            **super().state_dict(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restores the state of :meth:`state_dict` (checked before anything changes)."""
        _check_state_keys(self, state, {*self._core._state, "schedule"})
        values = {
            name: (_real if isinstance(getattr(self._core, name), float) else _count)(
                name, state[name]
            )
            for name in self._core._state
        }
        trial = self._to_core()
        for name, value in values.items():
            setattr(trial, name, value)
        trial.validate()
        self.schedule.load_state_dict(state["schedule"])
        for name, value in values.items():
            setattr(self._core, name, value)

    def _set_state(
        self, scale: float, best: float, num_bad_epochs: int, cooldown_counter: int
    ) -> None:
        core = self._core
        core.scale, core.best = scale, best
        core.num_bad_epochs, core.cooldown_counter = num_bad_epochs, cooldown_counter


Schedule = (
    Constant
    | InverseTime
    | InvScaling
    | StepDecay
    | Exponential
    | Cosine
    | LinearWarmup
    | ReduceOnPlateau
)
"""Any of the schedules above."""

# The schedule classes, as a tuple (for isinstance).
_SCHEDULES: tuple[type[_Schedule], ...] = typing.get_args(Schedule)

# The schedule class showing each compiled type (same names).
_PYTHON_TYPES: dict[type, type[_Schedule]] = {
    getattr(_core, cls.__name__): cls for cls in _SCHEDULES
}
