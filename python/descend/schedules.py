"""Learning-rate schedules: the step size as a function of t, the number of steps taken so far.

Each schedule is a small value object: call it with ``t`` to get the learning rate of step
``t`` (``t = 0`` for the first step). The C++ solver evaluates the same formula itself, so a
fit never calls back into Python between steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _core

__all__ = ["Constant", "InverseTime", "Schedule"]


def _check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    value = float(value)
    ok = value >= 0 if allow_zero else value > 0
    if not (ok and math.isfinite(value)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return value


@dataclass(frozen=True)
class Constant:
    """A constant learning rate: ``eta_t = lr``.

    Parameters
    ----------
    lr : float
        The step size, finite and >= 0.
    """

    lr: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_positive("lr", self.lr, allow_zero=True))

    def __call__(self, t: int) -> float:
        return self.lr

    def _to_core(self) -> _core.Constant:
        return _core.Constant(self.lr)


@dataclass(frozen=True)
class InverseTime:
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
        object.__setattr__(self, "t0", _check_positive("t0", self.t0))
        object.__setattr__(self, "t1", _check_positive("t1", self.t1))

    def __call__(self, t: int) -> float:
        return self.t0 / (t + self.t1)

    def _to_core(self) -> _core.InverseTime:
        return _core.InverseTime(self.t0, self.t1)


Schedule = Constant | InverseTime
