"""Gradient clipping in place on NumPy arrays, as torch.nn.utils.clip_grad_norm_ and
clip_grad_value_ do on tensors.

Both functions take a list of gradient arrays (or one array), each float32 or float64,
C-contiguous and writeable, of any shapes; their dtypes may differ. Every array is checked
before any is written, so a refused call leaves them all as they were. The loops run in C++
with the GIL released; the norm accumulates in double.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import _core
from ._checks import check_flag, check_real

__all__ = ["clip_grad_norm", "clip_grad_value"]


def _as_list(grads: np.ndarray | Sequence[np.ndarray]) -> list[np.ndarray]:
    if isinstance(grads, np.ndarray):
        return [grads]
    if isinstance(grads, (list, tuple)):
        return list(grads)
    raise TypeError(f"grads must be a numpy.ndarray or a list of them, got {type(grads).__name__}")


def clip_grad_norm(
    grads: np.ndarray | Sequence[np.ndarray],
    max_norm: float,
    norm_type: float | str = 2.0,
    *,
    error_if_nonfinite: bool = False,
) -> float:
    """Rescale the gradients in place so that their global norm is at most ``max_norm``.

    The norm is taken over all the arrays together, as if they were one concatenated vector::

        total = (sum_k sum_i |g_k[i]|^p)^(1/p)       (max_k,i |g_k[i]| for p = inf)
        coef  = max_norm / (total + 1e-6)
        g_k  *= coef   for every k, when coef < 1

    as torch.nn.utils.clip_grad_norm_. With ``error_if_nonfinite=False`` (the default, as in
    torch) a NaN total turns every gradient into NaN and an infinite total scales them by 0;
    with True such a call raises instead and leaves the arrays untouched.

    Parameters
    ----------
    grads : ndarray or list of ndarray
        The gradients: float32 or float64, C-contiguous, writeable, any shapes.
    max_norm : float
        The largest global norm let through unchanged, >= 0. ``inf`` measures the norm
        without clipping.
    norm_type : float or "inf", default=2.0
        The order p of the norm, > 0, or ``inf`` (also written ``"inf"``) for the max-norm.
    error_if_nonfinite : bool, default=False
        Raise ``FloatingPointError`` when the total norm is NaN or infinite.

    Returns
    -------
    float
        The total norm of the gradients before clipping (0.0 for no elements).

    Examples
    --------
    >>> import numpy as np
    >>> from descend.clipping import clip_grad_norm
    >>> g1, g2 = np.array([3.0, 0.0]), np.array([[4.0]])
    >>> clip_grad_norm([g1, g2], max_norm=1.0)
    5.0
    >>> np.round(g1, 6), np.round(g2, 6)
    (array([0.6, 0. ]), array([[0.8]]))
    """
    if isinstance(norm_type, str):
        if norm_type != "inf":
            raise ValueError(f"norm_type must be a number > 0, inf or 'inf', got {norm_type!r}")
        norm_type = math.inf
    return _core.clip_grad_norm(
        _as_list(grads),
        check_real("max_norm", max_norm, finite=False),
        norm_type=check_real("norm_type", norm_type, finite=False),
        error_if_nonfinite=check_flag("error_if_nonfinite", error_if_nonfinite),
    )


def clip_grad_value(grads: np.ndarray | Sequence[np.ndarray], clip_value: float) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``, in place.

    ``g_k[i] = min(max(g_k[i], -clip_value), clip_value)`` for every array k and element i,
    as torch.nn.utils.clip_grad_value_. NaN elements stay NaN.

    Parameters
    ----------
    grads : ndarray or list of ndarray
        The gradients: float32 or float64, C-contiguous, writeable, any shapes.
    clip_value : float
        The bound, >= 0 (``inf`` leaves the values as they are).

    Examples
    --------
    >>> import numpy as np
    >>> from descend.clipping import clip_grad_value
    >>> g = np.array([-3.0, 0.5, 2.0])
    >>> clip_grad_value([g], 1.0)
    >>> g
    array([-1. ,  0.5,  1. ])
    """
    _core.clip_grad_value(_as_list(grads), check_real("clip_value", clip_value, finite=False))
