"""The one-pass least-squares kernel: values, gradient, dtypes, and every refusal."""

import numpy as np
import pytest

from descend import _core


def reference(X, y, theta, weight=None, fit_intercept=True):
    """Weighted mean squared error and its gradient, written from the formula in float64."""
    X = X.astype(np.float64)
    Xb = np.c_[np.ones(len(X)), X]
    w = np.ones(len(X)) if weight is None else weight.astype(np.float64)
    t = theta.astype(np.float64).copy()
    if not fit_intercept:
        t[0] = 0.0
    r = Xb @ t - y
    loss = np.sum(w * r**2) / np.sum(w)
    grad = 2 * Xb.T @ (w * r) / np.sum(w)
    if not fit_intercept:
        grad[0] = 0.0
    return loss, grad


def problem(rng, m=57, n=9, dtype=np.float64):
    X = rng.standard_normal((m, n)).astype(dtype)
    y = rng.standard_normal(m).astype(dtype)
    theta = rng.standard_normal(n + 1).astype(dtype)
    return X, y, theta


@pytest.mark.parametrize("m", [1, 3, 4, 5, 57])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_loss_and_gradient_match_the_formula(rng, m, weighted, fit_intercept):
    X, y, theta = problem(rng, m=m)
    weight = rng.random(m) + 0.1 if weighted else None
    grad = np.empty_like(theta)
    loss = _core.least_squares_loss_and_gradient(
        X, y, theta, grad, sample_weight=weight, fit_intercept=fit_intercept
    )
    ref_loss, ref_grad = reference(X, y, theta, weight, fit_intercept)
    assert loss == pytest.approx(ref_loss, rel=1e-13)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-12, atol=1e-14)


def test_gradient_matches_central_finite_differences(rng):
    X, y, theta = problem(rng)
    weight = rng.random(len(y)) + 0.5
    grad = np.empty_like(theta)
    _core.least_squares_loss_and_gradient(X, y, theta, grad, sample_weight=weight)
    h = 1e-6
    numeric = np.empty_like(theta)
    scratch = np.empty_like(theta)
    for j in range(len(theta)):
        step = np.zeros_like(theta)
        step[j] = h
        up = _core.least_squares_loss_and_gradient(
            X, y, theta + step, scratch, sample_weight=weight
        )
        down = _core.least_squares_loss_and_gradient(
            X, y, theta - step, scratch, sample_weight=weight
        )
        numeric[j] = (up - down) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-7)


def test_float32_data_gives_float32_gradient_close_to_float64(rng):
    X, y, theta = problem(rng, dtype=np.float32)
    grad = np.empty_like(theta)
    loss = _core.least_squares_loss_and_gradient(X, y, theta, grad)
    ref_loss, ref_grad = reference(X, y.astype(np.float64), theta)
    assert grad.dtype == np.float32
    assert loss == pytest.approx(ref_loss, rel=1e-6)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-5, atol=1e-6)


def test_read_only_inputs_are_accepted(rng):
    X, y, theta = problem(rng)
    for a in (X, y, theta):
        a.flags.writeable = False
    grad = np.empty_like(theta)
    _core.least_squares_loss_and_gradient(X, y, theta, grad)
    np.testing.assert_allclose(grad, reference(X, y, theta)[1], rtol=1e-12)


def _bad_calls(X, y, theta, grad):
    """(description, call arguments, expected exception, words the message must contain)."""
    fortran = np.asfortranarray(X)
    read_only = grad.copy()
    read_only.flags.writeable = False
    strided = np.empty(2 * len(grad))[::2]
    return [
        (
            "float32 grad",
            (X, y, theta, grad.astype(np.float32)),
            TypeError,
            ["grad", "float64", "float32"],
        ),
        (
            "int X",
            (X.astype(np.int64), y, theta, grad),
            TypeError,
            ["X", "float64 or float32", "int64"],
        ),
        ("float32 theta", (X, y, theta.astype(np.float32), grad), TypeError, ["theta", "float64"]),
        ("list grad", (X, y, theta, list(grad)), TypeError, ["grad", "numpy.ndarray", "list"]),
        ("short grad", (X, y, theta, grad[:-1].copy()), ValueError, ["grad", "shape"]),
        ("short y", (X, y[:-1].copy(), theta, grad), ValueError, ["y", "shape"]),
        ("2-D y", (X, y[:, None].copy(), theta, grad), ValueError, ["y", "shape"]),
        ("1-D X", (X[:, 0].copy(), y, theta, grad), ValueError, ["X", "shape"]),
        ("Fortran X", (fortran, y, theta, grad), ValueError, ["X", "C-contiguous"]),
        ("strided grad", (X, y, theta, strided), ValueError, ["grad", "C-contiguous"]),
        ("read-only grad", (X, y, theta, read_only), ValueError, ["grad", "read-only"]),
    ]


@pytest.mark.parametrize("index", range(11))
def test_every_refusal_names_the_argument_and_leaves_arrays_untouched(rng, index):
    X, y, theta = problem(rng, m=12, n=3)
    grad = rng.standard_normal(theta.shape)
    description, args, error, words = _bad_calls(X, y, theta, grad)[index]
    before = [np.array(a, copy=True) if isinstance(a, np.ndarray) else list(a) for a in args]
    with pytest.raises(error) as raised:
        _core.least_squares_loss_and_gradient(*args)
    for word in words:
        assert word in str(raised.value), (description, str(raised.value))
    for old, new in zip(before, args, strict=True):
        np.testing.assert_array_equal(np.asarray(old), np.asarray(new))


def test_sample_weight_is_checked_like_the_other_arrays(rng):
    X, y, theta = problem(rng, m=12, n=3)
    grad = np.zeros_like(theta)
    with pytest.raises(ValueError, match="sample_weight"):
        _core.least_squares_loss_and_gradient(X, y, theta, grad, sample_weight=np.ones(11))
    with pytest.raises(TypeError, match="sample_weight"):
        _core.least_squares_loss_and_gradient(
            X, y, theta, grad, sample_weight=np.ones(12, dtype=np.float32)
        )
    np.testing.assert_array_equal(grad, 0.0)
