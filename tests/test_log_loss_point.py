"""The log-loss at one margin (objectives/logistic.hpp's LogisticPoint, with the inline e^-|z|
of objectives/exp_nonpositive.hpp), reached through descend.kernels.logistic_loss_and_gradient
on one row whose margin is the intercept: the loss and the slope against a float64 NumPy
reference written from the formula, and the slope against the exact sigmoid (Python's decimal)
in ulps, over margins from -745 to 745 and at +-inf and NaN.
"""

from __future__ import annotations

import decimal
import math

import numpy as np
import pytest

from descend import kernels

# margins: a grid over the whole range where e^-|z| is not 0, random ones, small ones, and the
# edges (e^-|z| subnormal from |z| = 708.4, 0 from 745.2)
_RNG = np.random.default_rng(9)
_SMALL = np.logspace(-300, 1.5, 200)
MARGINS = np.concatenate(
    [
        np.linspace(-745.0, 745.0, 2981),
        _RNG.uniform(-746.0, 746.0, 2000),
        _SMALL,
        -_SMALL,
        [0.0, -0.0, 708.3, -708.3, 708.5, -708.5, 745.1, -745.1, 745.2, -745.2, 746.0, -746.0],
        [1e300, -1e300],
    ]
)
NONFINITE = np.array([np.inf, -np.inf, np.nan])


def point(z: float, y: float) -> tuple[float, float]:
    """(l(z, y), dl/dz) from the kernel: one row with x = 0, theta = (z, 0)."""
    grad = np.empty(2)
    loss = kernels.logistic_loss_and_gradient(
        np.zeros((1, 1)), np.array([y]), np.array([z, 0.0]), grad
    )
    return loss, float(grad[0])


def points(margins: np.ndarray, y: float) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's losses and slopes at each margin, label y."""
    pairs = [point(float(z), y) for z in margins]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def reference(z: np.ndarray, y: float) -> tuple[np.ndarray, np.ndarray]:
    """logistic.hpp's formula in float64 NumPy, e from the C library's exp (math.exp):
    l = (1 - y) max(z, 0) + y max(-z, 0) + log1p(e),  e = e^-|z|
    dl/dz = (1 if z >= 0 else e) / (1 + e) - y"""
    e = np.array([math.exp(-abs(v)) for v in z])
    with np.errstate(invalid="ignore"):  # 0 * inf at z = +-inf, as in C++
        sigmoid = np.where(z >= 0.0, 1.0, e) / (1.0 + e)
        linear = (1.0 - y) * np.maximum(z, 0.0) + y * np.maximum(-z, 0.0)
        return linear + np.log1p(e), sigmoid - y


def ulps_from_exact(value: float, exact: decimal.Decimal) -> float:
    """|value - exact| in ulps of the double nearest `exact` (subnormal ulps below 2^-1022)."""
    return float(abs(decimal.Decimal(value) - exact) / decimal.Decimal(math.ulp(float(exact))))


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_log_loss_point_matches_its_float64_formula_within_two_ulps(y):
    loss, slope = points(MARGINS, y)
    expected_loss, expected_slope = reference(MARGINS, y)
    # e differs by at most 1 ulp (both within 1 ulp of e^-|z|); the loss then by 2 ulps, the
    # slope sigmoid - y by 2 ulps of sigmoid or of the slope, the larger (the slope near 0
    # with y = 1 is the difference of two numbers near 1: its own ulps would say nothing)
    assert np.all(np.abs(loss - expected_loss) <= 2 * np.spacing(expected_loss))
    sigmoid = expected_slope + y
    ulp = np.maximum(np.spacing(np.abs(sigmoid)), np.spacing(np.abs(expected_slope)))
    assert np.all(np.abs(slope - expected_slope) <= 2 * ulp)


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_log_loss_point_at_infinite_and_nan_margins_is_its_float64_formula(y):
    loss, slope = points(NONFINITE, y)
    expected_loss, expected_slope = reference(NONFINITE, y)
    # +-inf: the wrong side's loss is inf, the right side's NaN (0 * inf), slopes 0 or +-1;
    # NaN in, NaN out
    np.testing.assert_array_equal(loss, expected_loss)
    np.testing.assert_array_equal(slope, expected_slope)


def test_log_loss_slope_is_the_exact_sigmoid_within_three_ulps_and_e_within_0_55_ulp():
    # y = 0, z <= 0: the slope is sigmoid(z) = e / (1 + e), e = e^z; below z = -37, 1 + e
    # rounds to 1 and the slope is e itself: exp_nonpositive's value, subnormal below -708.4
    # (measured on 6e7 points in C++: at most 0.518 ulp when normal, 0.754 when subnormal;
    # the polynomial without a table before it: 0.574 here). Above, the roundings of 1 + e and
    # of the quotient add up to 2.5 ulps (as much with glibc's exp: the formula's own error)
    margins = np.concatenate(
        [
            np.linspace(-745.2, 0.0, 7453),
            -_SMALL,
            np.random.default_rng(10).uniform(-40.0, 0.0, 1000),
        ]
    )
    _, slope = points(margins, 0.0)
    errors_e, errors_subnormal_e, errors_sigmoid = [], [], []
    with decimal.localcontext() as context:
        context.prec = 40
        for z, value in zip(margins, slope, strict=True):
            e = decimal.Decimal(float(z)).exp()
            if z < -37.0:
                subnormal = abs(value) < np.finfo(np.float64).tiny
                (errors_subnormal_e if subnormal else errors_e).append(ulps_from_exact(value, e))
            else:
                errors_sigmoid.append(ulps_from_exact(value, e / (1 + e)))
    assert max(errors_e) <= 0.55
    assert max(errors_subnormal_e) <= 0.8
    assert max(errors_sigmoid) <= 3.0
