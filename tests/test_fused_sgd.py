"""The private fused one-row SGD kernel _core._fused_sgd_epoch against the step formula in NumPy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from descend import _core


def eager_steps(X, y, theta, rows, step, eta, loss, l1, l2, weight=None, average=None, start=1):
    """The generic per-step formula, one row at a time, in float64 NumPy."""
    X = np.asarray(X.todense() if sp.issparse(X) else X, dtype=np.float64)
    mean_weight = 1.0 if weight is None else float(np.mean(weight))
    total = 0.0
    for i in rows:
        z = theta[0] + X[i] @ theta[1:]
        r = z - y[i]
        if loss == "squared_error":
            value, slope = r * r, 2 * r
        else:
            value, slope = np.logaddexp(0.0, z) - y[i] * z, 1 / (1 + np.exp(-z)) - y[i]
        s = 1.0 if weight is None else weight[i]
        total += s / mean_weight * value
        c = s / mean_weight * slope
        lr = eta(step)
        step += 1
        theta[0] -= lr * c
        w = theta[1:] - lr * (c * X[i] + l2 * theta[1:])
        theta[1:] = np.sign(w) * np.maximum(np.abs(w) - lr * l1, 0.0)
        if average is not None and step >= start:
            average += (theta - average) / (step - start + 1)
    return total, step


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 6)) * (rng.random((40, 6)) < 0.4)
    X[5] = 0.0
    return X, rng.standard_normal(40), (rng.random(40) < 0.5).astype(float), rng.random(40) + 0.5


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
@pytest.mark.parametrize("kind", [None, "l2", "l1", "elasticnet"])
def test_fused_epoch_equals_the_step_formula(data, sparse, loss, kind):
    X, y, label, weight = data
    target = y if loss == "squared_error" else label
    rows = np.random.default_rng(4).integers(0, 40, size=100)
    penalty = _core.Penalty(kind, alpha=0.05, l1_ratio=0.3)
    theta = np.linspace(-0.5, 0.5, 7)
    expected = theta.copy()
    average = None if sparse and penalty.l1_strength else np.zeros(7)
    expected_average = None if average is None else average.copy()
    expected_loss, expected_step = eager_steps(
        X,
        target,
        expected,
        rows,
        3,
        lambda t: 0.05 / (t + 1) ** 0.25,
        loss,
        penalty.l1_strength,
        penalty.l2_strength,
        weight,
        expected_average,
        start=10,
    )
    total, step = _core._fused_sgd_epoch(
        sp.csr_matrix(X) if sparse else X,
        target,
        theta,
        rows,
        3,
        _core.InvScaling(eta0=0.05, power_t=0.25),
        penalty,
        loss=loss,
        sample_weight=weight,
        average=average,
        average_start=10,
    )
    assert step == expected_step == 103
    np.testing.assert_allclose(total, expected_loss, rtol=1e-12)
    np.testing.assert_allclose(theta, expected, rtol=1e-12, atol=1e-14)
    if average is not None:
        np.testing.assert_allclose(average, expected_average, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
@pytest.mark.parametrize(
    "shape",
    [(50, 1), (50, 3), (50, 15), (50, 16), (50, 37), (2000, 21)],
    ids=["1 column", "3 columns", "15 columns", "16 columns", "37 columns", "336 KB of X"],
)
def test_fused_epoch_equals_the_step_formula_at_every_width(shape, loss):
    """Narrow rows (a plain dot product, w on the stack), rows of 16 lanes and more, and an X
    past 256 KiB (whose rows are requested ahead) all take the same steps."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal(shape)
    y = X @ rng.standard_normal(shape[1]) + rng.standard_normal(shape[0])
    target = y if loss == "squared_error" else (y > 0).astype(float)
    rows = rng.integers(0, shape[0], size=300)
    penalty = _core.Penalty("l2", alpha=0.01)
    theta = rng.standard_normal(shape[1] + 1) * 0.1
    expected = theta.copy()
    expected_loss, expected_step = eager_steps(
        X,
        target,
        expected,
        rows,
        0,
        lambda t: 0.02 / (t + 1) ** 0.25,
        loss,
        0.0,
        penalty.l2_strength,
    )
    total, step = _core._fused_sgd_epoch(
        X, target, theta, rows, 0, _core.InvScaling(eta0=0.02, power_t=0.25), penalty, loss=loss
    )
    assert step == expected_step == 300
    np.testing.assert_allclose(total, expected_loss, rtol=1e-12)
    np.testing.assert_allclose(theta, expected, rtol=1e-12, atol=1e-14)


def test_fused_epoch_refuses_bad_arguments_before_any_write(data):
    X, y, label, _ = data
    theta = np.ones(7)
    schedule, l2 = _core.InvScaling(eta0=0.01, power_t=0.25), _core.Penalty("l2")
    rows = np.arange(40)
    with pytest.raises(TypeError, match="theta"):
        _core._fused_sgd_epoch(X, y, theta.astype(np.float32), rows, 0, schedule, l2)
    with pytest.raises(ValueError, match="loss"):
        _core._fused_sgd_epoch(X, y, theta, rows, 0, schedule, l2, loss="hinge")
    with pytest.raises(ValueError, match="y: expected labels 0 or 1"):
        _core._fused_sgd_epoch(X, y, theta, rows, 0, schedule, l2, loss="log_loss")
    with pytest.raises(ValueError, match="rows"):
        _core._fused_sgd_epoch(X, y, theta, np.array([0, 40]), 0, schedule, l2)
    with pytest.raises(ValueError, match="average"):
        _core._fused_sgd_epoch(
            sp.csr_matrix(X), y, theta, rows, 0, schedule, _core.Penalty("l1"), average=np.zeros(7)
        )
    with pytest.raises(ValueError, match="average"):
        _core._fused_sgd_epoch(X, y, theta, rows, 0, schedule, l2, average=theta)
    read_only = theta.copy()
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        _core._fused_sgd_epoch(X, y, read_only, rows, 0, schedule, l2)
    np.testing.assert_array_equal(theta, np.ones(7))


def short_rows_matrix(dtype, index_dtype, trailing_empty):
    """A CSR matrix whose rows hold 0, 1, 2 or 3 entries, the last stored entry alone in its
    row (which starts at the last stored entry), and optionally two empty rows after it."""
    rng = np.random.default_rng(11)
    lengths = [1, 0, 2, 3, 1, 2, 0, 0, 2, 1, 3, 2, 1, 0, 2, 1] * 2 + [1]
    lengths += [0, 0] if trailing_empty else []
    columns = [np.sort(rng.choice(5, size=n, replace=False)) for n in lengths]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(index_dtype)
    indices = np.concatenate(columns).astype(index_dtype)
    values = rng.standard_normal(len(indices)).astype(dtype)
    return sp.csr_matrix((values, indices, indptr), shape=(len(lengths), 5))


@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("trailing_empty", [False, True])
def test_short_csr_rows_step_as_the_formula_with_and_without_averaging(
    loss, dtype, index_dtype, trailing_empty
):
    """CSR rows of 0 to 3 entries (the rows of a very sparse X), the last stored entry alone
    in its row, and empty rows after it: the steps of a plain fit equal the formula, and bit
    for bit those of an averaged fit (averaging keeps its sums beside theta and leaves theta's
    arithmetic as it is)."""
    X = short_rows_matrix(dtype, index_dtype, trailing_empty)
    m = X.shape[0]
    rng = np.random.default_rng(12)
    y = rng.standard_normal(m).astype(dtype)
    target = y if loss == "squared_error" else (y > 0).astype(dtype)
    rows = np.concatenate([np.arange(m), rng.integers(0, m, size=200), [m - 1, m - 1]])
    if trailing_empty:
        rows = np.concatenate([rows, [m - 3, m - 1]])
    penalty = _core.Penalty("l2", alpha=0.01)
    start = rng.standard_normal(6).astype(dtype) * 0.1
    schedule = _core.InvScaling(eta0=0.05, power_t=0.25)
    plain, averaged = start.copy(), start.copy()
    total, step = _core._fused_sgd_epoch(X, target, plain, rows, 0, schedule, penalty, loss=loss)
    total_averaged, _ = _core._fused_sgd_epoch(
        X,
        target,
        averaged,
        rows,
        0,
        schedule,
        penalty,
        loss=loss,
        average=np.zeros_like(start),
        average_start=1,
    )
    assert plain.tobytes() == averaged.tobytes()
    assert total == total_averaged
    expected = start.astype(np.float64)
    expected_loss, expected_step = eager_steps(
        X, target, expected, rows, 0, lambda t: 0.05 / (t + 1) ** 0.25, loss, 0.0, 0.01
    )
    assert step == expected_step == len(rows)
    tolerance = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(total, expected_loss, rtol=tolerance)
    np.testing.assert_allclose(plain, expected, rtol=tolerance, atol=tolerance)
