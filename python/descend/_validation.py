"""Input checks shared by the estimators: refuse bad data before any work starts."""

from __future__ import annotations

import numbers
import secrets

import numpy as np

from . import _core

__all__ = ["as_float_matrix", "as_vector_like", "check_finite", "seed_from_random_state"]

_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise ValueError if the C-contiguous float array holds NaN or infinity."""
    if not _core.all_finite(array):
        raise ValueError(f"{name} contains NaN or infinity")


def as_float_matrix(X: object, name: str = "X") -> np.ndarray:
    """X as a C-contiguous 2-D float32 or float64 array, finite.

    float32 and float64 keep their dtype; other numeric dtypes become float64. A copy is made
    only when X is not already C-contiguous with one of those dtypes.
    """
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), "
            f"got {array.ndim}-D with shape {array.shape}"
        )
    if array.dtype not in _FLOAT_DTYPES:
        if array.dtype.kind not in "biuf":
            raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}")
        array = array.astype(np.float64)
    array = np.ascontiguousarray(array)
    if array.shape[0] == 0:
        raise ValueError(f"{name} has 0 samples; at least 1 is required")
    if array.shape[1] == 0:
        raise ValueError(f"{name} has 0 features; at least 1 is required")
    check_finite(name, array)
    return array


def as_vector_like(values: object, name: str, n_samples: int, dtype: np.dtype) -> np.ndarray:
    """A 1-D C-contiguous finite array of length n_samples and the given dtype."""
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if array.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {array.shape[0]} entries but X has {n_samples} samples; "
            "they must match"
        )
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}")
    array = np.ascontiguousarray(array, dtype=dtype)
    check_finite(name, array)
    return array


def seed_from_random_state(random_state: object) -> int:
    """A 64-bit seed for the C++ generator from None, an int, or a NumPy generator."""
    if random_state is None:
        return secrets.randbits(63)
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0 or random_state >= 2**64:
            raise ValueError(f"random_state must be in [0, 2**64), got {random_state}")
        return int(random_state)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**63, dtype=np.int64))
    raise ValueError(
        "random_state must be None, an int, numpy.random.Generator or numpy.random.RandomState, "
        f"got {random_state!r}"
    )
