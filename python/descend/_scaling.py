"""What ``learning_rate="auto"`` does: an internal scaling of the features and a step size.

Gradient methods converge at a speed set by the conditioning of the problem. On raw features
(one column in the thousands, another in thousandths) no single step size suits every
coefficient, so a fit that works on standardized data stalls or diverges on the same data
unscaled. ``learning_rate="auto"`` removes both problems without touching X:

1. **Internal coordinates.** The fit runs on theta' in which feature j is centered by
   ``feature_offset[j]`` (mu_j) and divided by ``feature_scale[j]`` (sigma_j): the model
   sees ``(x_j - mu_j) / sigma_j``. X is never copied or modified; the map to the caller's
   coefficients costs O(n_params) per step (C++ ``descend::Scaled``, see
   ``cpp/include/descend/objectives/scaled.hpp``)::

       coef[j, k]   = theta'[j + 1, k] / sigma_j
       intercept[k] = theta'[0, k] - sum_j mu_j theta'[j + 1, k] / sigma_j

   Dense X with an intercept: mu = weighted column mean, sigma = weighted column standard
   deviation. CSR X, or no intercept: mu = None (no centering: a centered sparse step would
   update every coefficient, not only the row's nonzeros; and centering moves the intercept)
   and sigma = the weighted root mean square of the column, sqrt(mean(x_j^2)). With an l2
   penalty lambda_2 ||w||^2 / 2 (in the caller's units, as the fit defines it), sigma_j is
   sqrt(d_j^2 + lambda_2 / c) instead, d_j the spread just defined and c the loss's curvature
   below: in internal coordinates the penalty's Hessian is lambda_2 / sigma_j^2, which with
   sigma_j = d_j tiny would dwarf the data's curvature (about c) and force a tiny step on every
   coordinate; with this sigma_j the diagonal of the whole Hessian, about
   (c d_j^2 + lambda_2) / sigma_j^2, is c for every feature. A column that is constant and
   unpenalized (sigma = 0, or a centered spread of at most 16 units in the last place of mu,
   which is rounding, not spread) gets sigma = 1. The moments come from one pass over X in C++
   (``_core.column_moments``), with no temporary copy.

2. **Step size from the data.** In internal coordinates the mean loss has smoothness

       L     = c * lambda_max(sum_i s_i x~_i x~_i^T / sum_i s_i) + lambda_2 / min_j sigma_j^2
       L_max = c * max_i (s_i / mean(s)) ||x~_i||^2          + lambda_2 / min_j sigma_j^2

   with x~_i = (1, (x_i - mu) / sigma) the scaled row (the 1 only with an intercept), c the
   curvature bound of the point loss (``_core.loss_curvature``: squared error 2, Huber 1,
   log-loss 1/4, softmax 1/2) and lambda_2 the l2 strength of the penalty (its Hessian
   lambda_2 / sigma_j^2 <= c in internal coordinates). lambda_max comes from 16 power iterations
   (``_core.smoothness``, one pass over X each, deterministic; the Rayleigh quotient, never
   above the true value). For a mini-batch of b of the m rows drawn without replacement the
   expected smoothness (Gower et al., "SGD: general analysis and improved rates", 2019) is

       L_b = m (b - 1) / (b (m - 1)) * L + (m - b) / (b (m - 1)) * L_max

   (L_1 = L_max for one row, L_m = L for the full batch).

   * Plain gradient steps (``adaptive=False``: sgd, momentum, nesterov):
     full batch ``1 / L``; stochastic and mini-batch ``(1 - momentum) / L_b``.
     Full-batch gradient descent with step 1/L decreases the objective at every step
     (the descent lemma; any step below 2/L converges). Heavy-ball momentum beta is stable for
     steps below 2 (1 + beta) / L and torch's Nesterov form below 2 (1 + beta) / ((1 + 2 beta) L),
     both above 1/L, so the full-batch step stays 1/L and momentum only speeds up the slow
     directions. With sampled gradients the momentum buffer sums past gradients with weights
     adding up to 1 / (1 - beta): the step (1 - beta) / L_b keeps the effective step of the
     averaged update at SGD's 1 / L_b, so the gradient noise is not amplified.
   * Adaptive rules (``adaptive=True``: adagrad, rmsprop, adam and its family) normalize each
     coordinate's gradient, so their steps move each coordinate by about the learning rate
     whatever the gradient's size: the step must be set by the size of the solution, not by L.
     In internal coordinates the coefficients are on the scale of the target (regression) or of
     the logits (classification), so the step is

         0.1 * target_scale * sqrt(b / m)

     with target_scale the weighted root mean square of y for regression losses (1 when y is
     not given) and 1 for log-loss and softmax. Full batch (b = m): ten steps cross the
     distance from zero to the solution's scale. Sampled gradients make the iterates fluctuate
     by about the step, and an epoch has m / b steps: the factor sqrt(b / m) trades the two
     (an epoch still covers 10 sqrt(m / b) step lengths). Measured with Adam, full batch, on
     diabetes (X * 1000, squared error) to a relative objective error of 1e-6: 1591, 711, 349
     and 219 steps with the fractions 0.003, 0.01, 0.03 and 0.1; with batch 1, 30 epochs and
     averaging, the average's relative error was 6e-3, 1e-3 and 2e-4 at the fractions 0.003,
     0.01 and 0.03 (the rule gives 0.1 sqrt(1 / 442) = 0.005).

``to_caller_units`` and ``to_internal_units`` map parameter blocks between the two coordinate
systems (through ``_core``), for coefficients reported to the caller and for warm starts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import _core

__all__ = [
    "ADAPTIVE_STEP_FRACTION",
    "CONSTANT_SPREAD_ULPS",
    "AutoSettings",
    "auto_settings",
    "expected_smoothness",
    "to_caller_units",
    "to_internal_units",
]

#: The adaptive rules' full-batch step as a fraction of the solution's scale (module docstring).
ADAPTIVE_STEP_FRACTION = 0.1
#: The smallest magnitude whose square is a normal float64 (about 1.5e-154).
_SMALLEST_SQUARABLE = math.sqrt(float(np.finfo(np.float64).tiny))
#: A centered column whose spread is at most this many units in the last place of its mean
#: is constant for the scaling (its values differ by rounding only).
CONSTANT_SPREAD_ULPS = 16

_REGRESSION_LOSSES = ("squared_error", "huber")


@dataclass(frozen=True)
class AutoSettings:
    """The result of :func:`auto_settings`.

    Attributes
    ----------
    feature_offset : ndarray of float64, shape (n_features,), or None
        mu: the centering of each feature in internal coordinates (None: no centering).
    feature_scale : ndarray of float64, shape (n_features,)
        sigma > 0: the scale of each feature in internal coordinates.
    learning_rate : float
        The step size in internal coordinates for the given rule and batch size.
    rounding_only : bool
        Whether a column's values differ by rounding only (a spread within rounding of its
        mean, taken as none): such a column is constant for the scaling.
    """

    feature_offset: np.ndarray | None
    feature_scale: np.ndarray
    learning_rate: float
    rounding_only: bool = False


def _is_sparse(X: object) -> bool:
    return hasattr(X, "format") and hasattr(X, "indptr")


def _dtype(X: object) -> np.dtype:
    """X's values' dtype (float32 or float64), dense or CSR."""
    return np.dtype(X.data.dtype if _is_sparse(X) else X.dtype)  # type: ignore[attr-defined]


def _check_fraction(name: str, value: float) -> float:
    if not isinstance(value, (int, float, np.floating, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__}")
    if not (0.0 <= float(value) < 1.0):
        raise ValueError(f"{name}: expected a value in [0, 1), got {value!r}")
    return float(value)


def _batch_rows(batch_size: int | None, n_samples: int) -> int:
    """The rows per step: n_samples for a full batch (None, 0 or >= n_samples)."""
    if batch_size is None:
        return n_samples
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size: expected None or an int, got {type(batch_size).__name__}")
    if batch_size < 0:
        raise ValueError(f"batch_size: expected None, 0 (full batch) or >= 1, got {batch_size}")
    return n_samples if batch_size == 0 or batch_size >= n_samples else int(batch_size)


def _target_scale(y: np.ndarray | None, sample_weight: np.ndarray | None) -> float:
    """Weighted root mean square of y (1 for None or all-zero y)."""
    if y is None:
        return 1.0
    values = np.asarray(y, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"y: expected a 1-D array, got shape {values.shape}")
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    rms = math.sqrt(float(np.average(values * values, weights=weights)))
    if not math.isfinite(rms):
        raise ValueError("y: expected finite values")
    return rms if rms > 0.0 else 1.0


def expected_smoothness(L: float, L_max: float, batch: int, n_samples: int) -> float:
    """L_b = m (b - 1) / (b (m - 1)) L + (m - b) / (b (m - 1)) L_max; L for b = m."""
    if batch >= n_samples:
        return L
    m, b = n_samples, batch
    return (m * (b - 1) * L + (m - b) * L_max) / (b * (m - 1))


def auto_settings(
    X: object,
    sample_weight: np.ndarray | None,
    *,
    loss: str,
    n_classes: int,
    fit_intercept: bool,
    batch_size: int | None,
    adaptive: bool,
    momentum: float = 0.0,
    penalty: _core.Penalty | None = None,
    y: np.ndarray | None = None,
    n_samples: int | None = None,
    max_row_norm2: Callable[[np.ndarray | None, np.ndarray], float] | None = None,
) -> AutoSettings:
    """The feature scaling and step size of ``learning_rate="auto"`` for a fit on X.

    See the module docstring for the formulas. Reads X 18 times (column moments, row norms,
    16 power iterations; 3 times for batch_size=1 on two rows or more, whose step needs no
    lambda_max; once for adaptive rules); never copies it.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features) or scipy.sparse CSR matrix/array
        The training data as the fit will see it: float32 or float64, C-contiguous if dense.
    sample_weight : ndarray of shape (n_samples,) or None
        X's dtype, finite, >= 0, positive sum.
    loss : {"squared_error", "huber", "log_loss", "softmax"}
        The point loss; sets the curvature bound c.
    n_classes : int
        Number of classes for softmax (>= 2); 1 for the other losses.
    fit_intercept : bool
        Whether the model has intercepts (centering needs them).
    batch_size : int or None
        Rows per step: None or 0 (or >= n_samples) for full batch, 1 stochastic, b mini-batch.
    adaptive : bool
        True for rules that normalize the gradient per coordinate (adagrad, rmsprop, adam,
        adamw, nadam, radam, adamax); False for sgd with or without (Nesterov) momentum.
    momentum : float, default 0.0
        The sgd rule's momentum in [0, 1) (stochastic steps are scaled by 1 - momentum).
    penalty : _core.Penalty or None, default None
        The fit's penalty; its l2 part enters the scales and the smoothness (module docstring).
    y : ndarray of shape (n_samples,) or None, default None
        Regression targets: their weighted root mean square sets the adaptive rules' step
        (ignored for log_loss and softmax).
    n_samples : int or None, default None
        The number of rows of the data set that X stands for: ``descend.dask`` passes a small
        X with the column moments of the rows held on its workers, and their count here.
        None: ``X.shape[0]``.
    max_row_norm2 : callable or None, default None
        ``max_row_norm2(feature_offset, feature_scale)`` -> max_i (s_i / mean(s)) ||x~_i||^2
        over the data set that X stands for (see ``n_samples``). None: computed from X.

    Returns
    -------
    AutoSettings
        feature_offset, feature_scale (float64) and learning_rate, to pass to
        ``_core.fit_linear(..., feature_offset=, feature_scale=)`` with the rule's lr.
    """
    curvature = _core.loss_curvature(loss)
    integral = isinstance(n_classes, (int, np.integer)) and not isinstance(n_classes, bool)
    if loss == "softmax" and not (integral and n_classes >= 2):
        raise ValueError(f"n_classes: expected an int >= 2 for softmax, got {n_classes!r}")
    momentum = _check_fraction("momentum", momentum)
    if n_samples is None:
        n_samples = int(X.shape[0])  # type: ignore[attr-defined]
    batch = _batch_rows(batch_size, n_samples)

    mean, std = _core.column_moments(X, sample_weight=sample_weight)
    # Values below ~1.5e-154 have squares below float64's smallest normal number: their
    # spread underflows to 0 and would read as a constant column, whose coefficient stays 0.
    underflowed = (std == 0.0) & (mean != 0.0) & (np.abs(mean) < _SMALLEST_SQUARABLE)
    if underflowed.any():
        column = int(np.flatnonzero(underflowed)[0])
        raise ValueError(
            f"X: the values of column {column} (mean {mean[column]:.3g}) are too small for "
            "float64 to hold their squares (below about 1e-154); multiply X by a power of 10 "
            "before fitting"
        )
    center = fit_intercept and not _is_sparse(X)
    if center:
        # A spread within rounding of the mean is none: a constant column whose values differ
        # in their last bits (0.1 + 0.2 beside 0.3) divided by its spread of ~1e-17 would turn
        # that rounding into a feature of unit spread, and the centering of the kernels
        # (x . u - mu . u, with u = theta / sigma) would cancel catastrophically.
        rounding = CONSTANT_SPREAD_ULPS * np.finfo(_dtype(X)).eps * np.abs(mean)
        rounding_only = bool(((std > 0.0) & (std <= rounding)).any())
        std = np.where(std > rounding, std, 0.0)
    else:
        rounding_only = False
    scale = std if center else np.sqrt(std * std + mean * mean)
    if not np.isfinite(scale).all():
        column = int(np.flatnonzero(~np.isfinite(scale))[0])
        raise ValueError(
            f"X: the spread of column {column} overflows float64 (its squares pass 1.8e308: "
            "values beyond about 1e154); divide X by a power of 10 before fitting"
        )
    l2 = 0.0 if penalty is None else penalty.l2_strength
    if l2 > 0.0:
        scale = np.sqrt(scale * scale + l2 / curvature)
    scale[~(scale > 0.0)] = 1.0
    offset = mean if center else None

    if adaptive:
        target = _target_scale(y, sample_weight) if loss in _REGRESSION_LOSSES else 1.0
        step = ADAPTIVE_STEP_FRACTION * target * math.sqrt(batch / n_samples)
        return AutoSettings(offset, scale, step, rounding_only)

    # One-row steps: L_1 = L_max, lambda_max does not enter (one power iteration, not 16).
    # Not for a one-row data set, whose one-row steps are full batches: their step is 1 / L.
    fewer = {"iterations": 1} if batch == 1 < n_samples else {}
    lambda_max, largest_row = _core.smoothness(
        X,
        sample_weight=sample_weight,
        feature_offset=offset,
        feature_scale=scale,
        fit_intercept=fit_intercept,
        **fewer,
    )
    if max_row_norm2 is not None:  # X stands for a larger data set
        largest_row = max_row_norm2(offset, scale)
    stiffest = l2 / float(np.min(scale)) ** 2  # the l2 part's largest Hessian entry, <= c
    L = curvature * lambda_max + stiffest
    L_max = curvature * largest_row + stiffest
    if not (L > 0.0):  # X~ = 0 (no intercept, all-zero X): nothing to fit, any step is safe
        return AutoSettings(offset, scale, 1.0, rounding_only)
    if batch >= n_samples:
        return AutoSettings(offset, scale, 1.0 / L, rounding_only)
    return AutoSettings(
        offset,
        scale,
        (1.0 - momentum) / expected_smoothness(L, L_max, batch, n_samples),
        rounding_only,
    )


def _mapped(theta: np.ndarray, settings: AutoSettings, to_caller: bool) -> np.ndarray:
    out = np.empty_like(theta)
    mapping = _core.scaled_to_caller if to_caller else _core.caller_to_scaled
    mapping(
        theta, out, feature_offset=settings.feature_offset, feature_scale=settings.feature_scale
    )
    return out


def to_caller_units(theta: np.ndarray, settings: AutoSettings) -> np.ndarray:
    """A new array: theta (internal coordinates) in the caller's coordinates.

    theta is (n_features + 1,) (theta[0] the intercept) or (n_features + 1, n_classes) (row 0
    the intercepts), float32 or float64, C-contiguous.
    """
    return _mapped(theta, settings, True)


def to_internal_units(theta: np.ndarray, settings: AutoSettings) -> np.ndarray:
    """A new array: theta (caller's coordinates) in internal coordinates (for warm starts)."""
    return _mapped(theta, settings, False)
