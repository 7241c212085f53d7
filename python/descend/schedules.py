"""Learning-rate schedules: the step size as a function of t, the number of steps taken so far.

Each schedule is a small object: call it with ``t`` to get the learning rate of step ``t``
(``t = 0`` for the first step). The same schedules exist in C++ (``_to_core()`` gives the
equivalent ``descend._core`` object), so a fit run by the C++ solver evaluates them itself and
never calls back into Python between steps.

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
from dataclasses import KW_ONLY, dataclass, field
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


# ---------------------------------------------------------------------- argument checks
def _check_step(t: int) -> None:
    if not isinstance(t, numbers.Integral) or isinstance(t, (bool, np.bool_)):
        raise TypeError(f"t must be a step count (an int >= 0), got {type(t).__name__} {t!r}")
    if t < 0:
        raise ValueError(f"t must be a step count >= 0, got {t!r}")


def _as_schedule(value: object) -> Schedule:
    """A descend schedule as it is, or a positive number as Constant(value)."""
    if isinstance(value, _SCHEDULES):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return Constant(_check_real("schedule", value, 0.0, low_open=True))
    raise TypeError(
        f"schedule must be a descend.schedules object or a learning rate > 0, got {value!r}"
    )


class _Stateless:
    """The schedule protocol's state methods for schedules that have no state."""

    def step(self, loss: float) -> None:
        """Ignored: this schedule does not depend on the loss."""

    def state_dict(self) -> dict[str, Any]:
        """The schedule's state: none, an empty dict."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Accepts the empty state of :meth:`state_dict`."""
        if state:
            raise ValueError(
                f"{type(self).__name__} has no state, got a state with keys {sorted(state)}"
            )


# ---------------------------------------------------------------------- closed forms
@dataclass(frozen=True)
class Constant(_Stateless):
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

    lr: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_real("lr", self.lr, 0.0))

    def __call__(self, t: int) -> float:
        _check_step(t)
        return self.lr

    def _to_core(self) -> _core.Constant:
        return _core.Constant(self.lr)


@dataclass(frozen=True)
class InverseTime(_Stateless):
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

    t0: float = 5.0
    t1: float = 50.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "t0", _check_real("t0", self.t0, 0.0, low_open=True))
        object.__setattr__(self, "t1", _check_real("t1", self.t1, 0.0, low_open=True))

    def __call__(self, t: int) -> float:
        _check_step(t)
        return self.t0 / (t + self.t1)

    def _to_core(self) -> _core.InverseTime:
        return _core.InverseTime(self.t0, self.t1)


@dataclass(frozen=True)
class InvScaling(_Stateless):
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

    eta0: float = 0.01
    power_t: float = 0.25

    def __post_init__(self) -> None:
        object.__setattr__(self, "eta0", _check_real("eta0", self.eta0, 0.0, low_open=True))
        object.__setattr__(self, "power_t", _check_real("power_t", self.power_t, 0.0))

    def __call__(self, t: int) -> float:
        _check_step(t)
        return self.eta0 / (t + 1.0) ** self.power_t

    def _to_core(self) -> _core.InvScaling:
        return _core.InvScaling(self.eta0, self.power_t)


@dataclass(frozen=True)
class StepDecay(_Stateless):
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

    lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_real("lr", self.lr, 0.0))
        object.__setattr__(self, "step_size", _check_int("step_size", self.step_size, 1))
        object.__setattr__(self, "gamma", _check_real("gamma", self.gamma, 0.0, 1.0, low_open=True))

    def __call__(self, t: int) -> float:
        _check_step(t)
        return self.lr * self.gamma ** (t // self.step_size)

    def _to_core(self) -> _core.StepDecay:
        return _core.StepDecay(self.lr, self.step_size, self.gamma)


@dataclass(frozen=True)
class Exponential(_Stateless):
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
    >>> s(0), s(3)
    (0.1, 0.0125)
    """

    lr: float
    gamma: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_real("lr", self.lr, 0.0))
        object.__setattr__(self, "gamma", _check_real("gamma", self.gamma, 0.0, 1.0, low_open=True))

    def __call__(self, t: int) -> float:
        _check_step(t)
        return self.lr * self.gamma**t

    def _to_core(self) -> _core.Exponential:
        return _core.Exponential(self.lr, self.gamma)


@dataclass(frozen=True)
class Cosine(_Stateless):
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

    lr: float
    T_max: int
    eta_min: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_real("lr", self.lr, 0.0))
        object.__setattr__(self, "T_max", _check_int("T_max", self.T_max, 1))
        object.__setattr__(self, "eta_min", _check_real("eta_min", self.eta_min, 0.0))

    def __call__(self, t: int) -> float:
        _check_step(t)
        return (
            self.eta_min
            + (self.lr - self.eta_min) * (1.0 + math.cos(math.pi * t / self.T_max)) / 2.0
        )

    def _to_core(self) -> _core.Cosine:
        return _core.Cosine(self.lr, self.T_max, self.eta_min)


# ---------------------------------------------------------------------- wrappers
@dataclass(frozen=True)
class LinearWarmup:
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
        included); a number ``lr`` stands for ``Constant(lr)``.
    warmup_steps : int
        The length of the ramp in steps, >= 0.

    Examples
    --------
    >>> from descend.schedules import LinearWarmup
    >>> s = LinearWarmup(0.1, warmup_steps=4)
    >>> [round(s(t), 3) for t in range(6)]
    [0.025, 0.05, 0.075, 0.1, 0.1, 0.1]
    """

    schedule: Schedule | float
    warmup_steps: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "schedule", _as_schedule(self.schedule))
        object.__setattr__(self, "warmup_steps", _check_int("warmup_steps", self.warmup_steps, 0))

    def __call__(self, t: int) -> float:
        _check_step(t)
        if t >= self.warmup_steps:
            return self.schedule(t - self.warmup_steps)
        return self.schedule(0) * (t + 1) / self.warmup_steps

    def step(self, loss: float) -> None:
        """Passes the loss on to the wrapped schedule."""
        self.schedule.step(loss)

    def state_dict(self) -> dict[str, Any]:
        """The wrapped schedule's state, under ``"schedule"``."""
        return {"schedule": self.schedule.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restores the state of :meth:`state_dict`."""
        self.schedule.load_state_dict(state["schedule"])

    def _to_core(self) -> _core.LinearWarmup:
        return _core.LinearWarmup(self.schedule._to_core(), self.warmup_steps)


@dataclass(frozen=True, eq=False)
class ReduceOnPlateau:
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
        The base schedule (any of this module's); a number ``lr`` stands for ``Constant(lr)``.
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

    schedule: Schedule | float
    _: KW_ONLY
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    cooldown: int = 0
    min_lr: float = 0.0
    # The state (see above); frozen like the rest, changed only through object.__setattr__.
    scale: float = field(default=1.0, init=False, repr=False)
    best: float = field(default=math.inf, init=False, repr=False)
    num_bad_epochs: int = field(default=0, init=False, repr=False)
    cooldown_counter: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "schedule", _as_schedule(self.schedule))
        checked = {
            "factor": _check_real("factor", self.factor, 0.0, 1.0, low_open=True, high_open=True),
            "patience": _check_int("patience", self.patience, 0),
            "threshold": _check_real("threshold", self.threshold, 0.0, 1.0, high_open=True),
            "cooldown": _check_int("cooldown", self.cooldown, 0),
            "min_lr": _check_real("min_lr", self.min_lr, 0.0),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def __call__(self, t: int) -> float:
        # max(scale * base, min(base, min_lr)), spelled as the C++ std::max / std::min
        base = self.schedule(t)
        floor = self.min_lr if self.min_lr < base else base
        scaled = self.scale * base
        return floor if scaled < floor else scaled

    def step(self, loss: float) -> None:
        """Records the loss of a finished epoch; may reduce the rate (see above)."""
        loss = float(loss)
        improved = loss < self.best * (1.0 - self.threshold)
        best = loss if improved else self.best
        num_bad_epochs = 0 if improved else self.num_bad_epochs + 1
        cooldown_counter = self.cooldown_counter
        scale = self.scale
        if cooldown_counter > 0:
            cooldown_counter -= 1
            num_bad_epochs = 0
        if num_bad_epochs > self.patience:
            scale *= self.factor
            cooldown_counter = self.cooldown
            num_bad_epochs = 0
        self._set_state(scale, best, num_bad_epochs, cooldown_counter)
        self.schedule.step(loss)

    def state_dict(self) -> dict[str, Any]:
        """The state as a plain dict: scale, best, num_bad_epochs, cooldown_counter, and the
        base schedule's state under ``"schedule"``."""
        return {
            "scale": self.scale,
            "best": self.best,
            "num_bad_epochs": self.num_bad_epochs,
            "cooldown_counter": self.cooldown_counter,
            "schedule": self.schedule.state_dict(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restores the state of :meth:`state_dict` (checked before anything changes)."""
        scale = _check_real("scale", state["scale"], 0.0, 1.0)
        best = state["best"]
        if not isinstance(best, numbers.Real) or isinstance(best, bool) or math.isnan(best):
            raise ValueError(f"best must be a number (inf included), got {best!r}")
        num_bad_epochs = _check_int("num_bad_epochs", state["num_bad_epochs"], 0)
        cooldown_counter = _check_int("cooldown_counter", state["cooldown_counter"], 0)
        self.schedule.load_state_dict(state["schedule"])
        self._set_state(scale, float(best), num_bad_epochs, cooldown_counter)

    def _set_state(
        self, scale: float, best: float, num_bad_epochs: int, cooldown_counter: int
    ) -> None:
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "best", best)
        object.__setattr__(self, "num_bad_epochs", num_bad_epochs)
        object.__setattr__(self, "cooldown_counter", cooldown_counter)

    def _to_core(self) -> _core.ReduceOnPlateau:
        core = _core.ReduceOnPlateau(
            self.schedule._to_core(),
            factor=self.factor,
            patience=self.patience,
            threshold=self.threshold,
            cooldown=self.cooldown,
            min_lr=self.min_lr,
        )
        core.scale = self.scale
        core.best = self.best
        core.num_bad_epochs = self.num_bad_epochs
        core.cooldown_counter = self.cooldown_counter
        core.validate()
        return core


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

_SCHEDULES = (
    Constant,
    InverseTime,
    InvScaling,
    StepDecay,
    Exponential,
    Cosine,
    LinearWarmup,
    ReduceOnPlateau,
)
