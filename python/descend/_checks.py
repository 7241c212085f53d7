"""Checks of scalar arguments, made in Python before a value reaches a compiled binding.

pybind11 answers a value it cannot convert with an "incompatible function arguments" dump of
every signature; these checks answer instead with a TypeError or ValueError that names the
argument, what was expected and what was given. Ranges that depend on the update rule or the
schedule (``lr >= 0``, ``beta1 in [0, 1)``) are checked once, by the C++ ``validate()`` behind
each compiled object; here only the kind of value is.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, TypeGuard

import numpy as np

from . import _core

__all__ = [
    "MAX_STEP",
    "as_array",
    "check_flag",
    "check_int",
    "check_real",
    "core_rule",
    "step_number",
]

#: The largest step count an update rule takes (2**53: beyond it t is no longer exact as the
#: double the rules raise betas to). Defined in C++ (optimizers/optimizer.hpp).
MAX_STEP: int = int(_core.MAX_STEP)


# NumPy 1.23 only warns about ragged nested sequences (and then makes an object array); 1.24
# and later raise ValueError. The warning's class moved to numpy.exceptions in 1.25.
_RaggedWarning: type[Warning] = getattr(np, "exceptions", np).VisibleDeprecationWarning
_RAGGED_RAISES = int(np.__version__.split(".")[0]) >= 2 or int(np.__version__.split(".")[1]) >= 24


def as_array(value: object) -> np.ndarray:
    """``np.asarray(value)``, ragged nested sequences refused with ValueError on every
    supported NumPy (from 1.24 on NumPy raises it itself: no warnings filter to set up)."""
    if _RAGGED_RAISES:
        return np.asarray(value)
    with warnings.catch_warnings():
        warnings.simplefilter("error", _RaggedWarning)
        try:
            return np.asarray(value)
        except _RaggedWarning as warning:
            raise ValueError(str(warning)) from None


def _is_real(value: object) -> TypeGuard[numbers.Real]:
    # (float and int first: the numbers.Real check is an ABC look-up, slow on small calls)
    kind = type(value)
    if kind is float or kind is int:
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_int(value: object) -> TypeGuard[numbers.Integral]:
    if type(value) is int:
        return True
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _given(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def check_real(
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
) -> float:
    """value as a float in the interval (low or [low, high] or high), finite unless
    ``finite=False``. TypeError for what is not a real number (bools and strings included),
    ValueError for a number out of range."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {_given(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a number that fits a float64, got {value!r}") from None
    if not finite and low == -math.inf and high == math.inf:
        return number  # any float, NaN included: the range is checked elsewhere
    above = number > low if low_open else number >= low
    below = number < high if high_open else number <= high
    if (math.isfinite(number) or not finite) and above and below:
        return number
    if high == math.inf:
        bound = f"{'>' if low_open else '>='} {low:g}" if low > -math.inf else ""
    else:
        bound = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    what = " ".join(part for part in ("a finite" if finite else "a", "number", bound) if part)
    raise ValueError(f"{name} must be {what}, got {value!r}")


def check_int(name: str, value: object, minimum: int, maximum: int | None = None) -> int:
    """value as an int in [minimum, maximum]: TypeError for a non-integer (a bool, a float such
    as 1.5 or 1.0), ValueError out of range."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an int, got {_given(value)}")
    number = int(value)
    if number < minimum or (maximum is not None and number > maximum):
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be an int {bound}, got {number}")
    return number


def check_flag(name: str, value: object) -> bool:
    """value as a bool: True/False (NumPy's included); TypeError for anything else, such as
    the string 'no' (which Python would take as true)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {_given(value)}")


def step_number(value: object, name: str = "step") -> int:
    """The number of an update step, 1 for the first, at most MAX_STEP."""
    return check_int(name, value, 1, MAX_STEP)


# Each compiled rule class's hyperparameters, read once from its defaults: name -> whether
# it is a flag (its default is a bool).
_FLAGS: dict[type, dict[str, bool]] = {}


def _flags(rule_class: type) -> dict[str, bool]:
    flags = _FLAGS.get(rule_class)
    if flags is None:
        default = rule_class()
        flags = {
            name: isinstance(getattr(default, name), bool)
            for name in dir(default)
            if not name.startswith("_") and isinstance(getattr(default, name), (bool, float))
        }
        _FLAGS[rule_class] = flags
    return flags


def core_rule(rule_class: type, owner: str = "", **values: object) -> Any:
    """``rule_class(**values)`` (a compiled update rule), each value checked first: a flag
    (the field's default is a bool) must be True or False, anything else a real number.
    `owner` prefixes the names in messages ("param_groups[1]: lr: ...")."""
    flags = _flags(rule_class)
    checked: dict[str, object] = {}
    for key, value in values.items():
        flag = flags.get(key)
        if flag is None:
            raise TypeError(f"{owner}{key} is not a hyperparameter of {rule_class.__name__}")
        name = f"{owner}{key}"
        checked[key] = check_flag(name, value) if flag else check_real(name, value, finite=False)
    try:
        return rule_class(**checked)
    except ValueError as error:
        raise ValueError(f"{owner}{error}") from None
