"""The objective kernels: descend.kernels' least squares, Huber, logistic and softmax losses
and gradients on dense and CSR X, and descend._core's l2 / l1 / elasticnet penalty kernels.

Every kernel is checked against a plain float64 NumPy implementation of its formula and its
gradient against central finite differences of its own loss.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from descend import _core, kernels

LINEAR_LOSSES = ("squared_error", "huber", "logistic")
ALL_LOSSES = (*LINEAR_LOSSES, "softmax")
N_ROWS, N_FEATURES, N_CLASSES = 61, 5, 3  # 61 rows: blocks of four plus a remainder
EPSILON = 0.8  # Huber threshold: about half of the residuals fall on each side of it

KERNELS = {
    "squared_error": kernels.squared_error_loss_and_gradient,
    "huber": kernels.huber_loss_and_gradient,
    "logistic": kernels.logistic_loss_and_gradient,
    "softmax": kernels.softmax_loss_and_gradient,
}


# ---------------------------------------------------------------- problems and references


def make_problem(loss: str, dtype=np.float64, seed: int = 0, density: float = 1.0):
    """(X, y, theta) for `loss`: X (61, 5) with about `density` of its entries nonzero."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_ROWS, N_FEATURES))
    if density < 1.0:
        X[rng.random(X.shape) >= density] = 0.0
    if loss == "softmax":
        y = rng.integers(0, N_CLASSES, N_ROWS).astype(np.int64)
        theta = 0.5 * rng.standard_normal((N_FEATURES + 1, N_CLASSES))
    else:
        theta = 0.5 * rng.standard_normal(N_FEATURES + 1)
        if loss == "logistic":
            y = (rng.random(N_ROWS) < 0.5).astype(np.float64)
        else:
            y = X @ rng.standard_normal(N_FEATURES) + 1.5 * rng.standard_normal(N_ROWS)
    y = y if loss == "softmax" else y.astype(dtype)
    return X.astype(dtype), y, theta.astype(dtype)


def reference(loss, X, y, theta, sample_weight=None, rows=None, fit_intercept=True, epsilon=0.1):
    """Loss and gradient in float64 NumPy, straight from the formulas in the docstrings."""
    X = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    m = X.shape[0]
    s = np.ones(m) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    batch = np.arange(m) if rows is None else np.asarray(rows)
    normalizer = len(batch) * s.mean()  # |B| * mean of all the weights
    Xb, yb, sb = X[batch], y[batch], s[batch]
    if loss == "softmax":
        b = theta[0] if fit_intercept else np.zeros(theta.shape[1])
        Z = b + Xb @ theta[1:]
        top = Z.max(axis=1, keepdims=True)
        lse = top[:, 0] + np.log(np.exp(Z - top).sum(axis=1))
        losses = lse - Z[np.arange(len(batch)), yb]
        onehot = np.eye(theta.shape[1])[yb]
        C = sb[:, None] * (np.exp(Z - lse[:, None]) - onehot)
        intercept = C.sum(axis=0) if fit_intercept else np.zeros(theta.shape[1])
        grad = np.vstack([intercept, Xb.T @ C]) / normalizer
        return float((sb * losses).sum() / normalizer), grad
    z = (theta[0] if fit_intercept else 0.0) + Xb @ theta[1:]
    yb = yb.astype(np.float64)
    if loss == "squared_error":
        r = z - yb
        losses, slopes = r**2, 2.0 * r
    elif loss == "huber":
        r = z - yb
        quadratic = np.abs(r) <= epsilon
        losses = np.where(quadratic, 0.5 * r**2, epsilon * (np.abs(r) - 0.5 * epsilon))
        slopes = np.clip(r, -epsilon, epsilon)
    else:
        losses = np.log1p(np.exp(z)) - yb * z
        slopes = 1.0 / (1.0 + np.exp(-z)) - yb
    c = sb * slopes
    intercept = c.sum() if fit_intercept else 0.0
    grad = np.concatenate([[intercept], Xb.T @ c]) / normalizer
    return float((sb * losses).sum() / normalizer), grad


def kernel_kwargs(loss: str, **kwargs):
    if loss == "huber":
        kwargs["epsilon"] = EPSILON
    return kwargs


def run(loss, X, y, theta, **kwargs):
    """The C++ kernel's (loss, grad)."""
    grad = np.full_like(theta, np.nan)
    value = KERNELS[loss](X, y, theta, grad, **kernel_kwargs(loss, **kwargs))
    return value, grad


def relative_error(actual, expected) -> float:
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    return float(np.linalg.norm(actual - expected) / max(np.linalg.norm(expected), 1e-300))


def as_csr(X, container=sp.csr_matrix, index_dtype=np.int32):
    csr = container(X)
    csr.indices = csr.indices.astype(index_dtype)
    csr.indptr = csr.indptr.astype(index_dtype)
    return csr


# ---------------------------------------------------------------- losses and gradients


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_loss_and_gradient_match_numpy_formula(loss, weighted, fit_intercept):
    X, y, theta = make_problem(loss)
    weights = np.random.default_rng(1).uniform(0.2, 3.0, N_ROWS) if weighted else None
    value, grad = run(loss, X, y, theta, sample_weight=weights, fit_intercept=fit_intercept)
    expected_value, expected_grad = reference(
        loss, X, y, theta, weights, fit_intercept=fit_intercept, epsilon=EPSILON
    )
    assert value == pytest.approx(expected_value, rel=1e-13)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_gradient_matches_central_differences(loss, weighted):
    X, y, theta = make_problem(loss, seed=2)
    weights = np.random.default_rng(3).uniform(0.2, 3.0, N_ROWS) if weighted else None
    if loss == "huber":  # keep every residual away from the kinks at +-epsilon
        r = theta[0] + X @ theta[1:] - y
        assert np.min(np.abs(np.abs(r) - EPSILON)) > 1e-3
    _, grad = run(loss, X, y, theta, sample_weight=weights)
    numeric = np.empty_like(theta)
    h = 1e-6
    for j in np.ndindex(theta.shape):
        plus, minus = theta.copy(), theta.copy()
        plus[j] += h
        minus[j] -= h
        numeric[j] = (
            run(loss, X, y, plus, sample_weight=weights)[0]
            - run(loss, X, y, minus, sample_weight=weights)[0]
        ) / (2 * h)
    assert relative_error(grad, numeric) < 1e-7


def test_squared_error_is_the_tutorial_mse():
    X, y, theta = make_problem("squared_error")
    value, grad = run("squared_error", X, y, theta)
    r = theta[0] + X @ theta[1:] - y
    assert value == pytest.approx(np.mean(r**2), rel=1e-13)
    Xb = np.hstack([np.ones((N_ROWS, 1)), X])
    np.testing.assert_allclose(grad, (2.0 / N_ROWS) * Xb.T @ r, rtol=1e-12)


def test_huber_is_half_squared_error_below_epsilon_and_linear_beyond():
    X = np.ones((4, 1))
    theta = np.zeros(2)
    y = np.array([0.05, -0.05, 3.0, -3.0])  # residuals -0.05, 0.05, -3, 3 with epsilon 0.1
    grad = np.empty(2)
    value = kernels.huber_loss_and_gradient(X, y, theta, grad, epsilon=0.1)
    expected = [0.5 * 0.05**2, 0.5 * 0.05**2, 0.1 * (3.0 - 0.05), 0.1 * (3.0 - 0.05)]
    assert value == pytest.approx(np.mean(expected), rel=1e-14)
    np.testing.assert_allclose(grad, [0.0, 0.0], atol=1e-16)  # slopes -0.05, 0.05, -0.1, 0.1


@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_fit_intercept_false_ignores_and_freezes_the_intercept(loss):
    X, y, theta = make_problem(loss)
    value, grad = run(loss, X, y, theta, fit_intercept=False)
    shifted = theta.copy()
    shifted[0] += 10.0
    assert run(loss, X, y, shifted, fit_intercept=False)[0] == value
    assert np.all(grad[0] == 0.0)
    assert np.any(grad[1:] != 0.0)


# ---------------------------------------------------------------- sparse X


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csr_array])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_csr_gives_the_dense_result(loss, dtype, container, index_dtype):
    X, y, theta = make_problem(loss, dtype, density=0.3)
    X[5] = 0.0  # an empty row
    X_csr = as_csr(X, container, index_dtype)
    assert X_csr.indices.dtype == index_dtype
    weights = np.random.default_rng(1).uniform(0.2, 3.0, N_ROWS).astype(dtype)
    rows = np.array([7, 5, 5, 60, 0, 13], dtype=np.int64)
    for kwargs in ({}, {"sample_weight": weights, "rows": rows}):
        dense_value, dense_grad = run(loss, X, y, theta, **kwargs)
        sparse_value, sparse_grad = run(loss, X_csr, y, theta, **kwargs)
        tolerance = 1e-13 if dtype == np.float64 else 1e-6
        assert sparse_value == pytest.approx(dense_value, rel=tolerance)
        np.testing.assert_allclose(sparse_grad, dense_grad, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_csr_with_unsorted_and_repeated_columns_sums_them_like_scipy(loss):
    _, y, theta = make_problem(loss)
    rng = np.random.default_rng(4)
    counts = rng.integers(0, 6, N_ROWS)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    indices = rng.integers(0, N_FEATURES, indptr[-1]).astype(np.int32)  # repeats, any order
    data = rng.standard_normal(indptr[-1])
    X_csr = sp.csr_matrix((data, indices, indptr), shape=(N_ROWS, N_FEATURES))
    assert not X_csr.has_canonical_format
    value, grad = run(loss, X_csr, y, theta)
    expected_value, expected_grad = reference(loss, X_csr.toarray(), y, theta, epsilon=EPSILON)
    assert value == pytest.approx(expected_value, rel=1e-13)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- weights, batches, float32


@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_integer_sample_weights_equal_repeated_rows(loss):
    X, y, theta = make_problem(loss)
    counts = np.random.default_rng(5).integers(1, 4, N_ROWS)
    value, grad = run(loss, X, y, theta, sample_weight=counts.astype(np.float64))
    repeated = np.repeat(np.arange(N_ROWS), counts)
    expected_value, expected_grad = run(loss, X[repeated], y[repeated], theta)
    assert value == pytest.approx(expected_value, rel=1e-13)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_batch_rows_are_normalized_by_batch_size_times_mean_weight(loss, weighted):
    X, y, theta = make_problem(loss)
    weights = np.random.default_rng(1).uniform(0.2, 3.0, N_ROWS) if weighted else None
    for rows in (
        np.array([3]),
        np.array([9, 2, 2, 40, 17, 60, 0]),
        np.random.default_rng(6).permutation(N_ROWS)[:32],
    ):
        value, grad = run(loss, X, y, theta, sample_weight=weights, rows=rows)
        expected_value, expected_grad = reference(loss, X, y, theta, weights, rows, epsilon=EPSILON)
        assert value == pytest.approx(expected_value, rel=1e-13)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_all_rows_in_order_equal_no_rows(loss):
    X, y, theta = make_problem(loss)
    full = run(loss, X, y, theta)
    listed = run(loss, X, y, theta, rows=np.arange(N_ROWS, dtype=np.int64))
    assert listed[0] == full[0]
    np.testing.assert_array_equal(listed[1], full[1])


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_float32_stays_float32_within_1e_5_of_float64(loss, sparse):
    X, y, theta = make_problem(loss, np.float32, density=0.5)
    weights = np.random.default_rng(1).uniform(0.2, 3.0, N_ROWS).astype(np.float32)
    value, grad = run(loss, as_csr(X) if sparse else X, y, theta, sample_weight=weights)
    assert grad.dtype == np.float32
    # the reference sees the same float32 inputs, computed in float64
    expected_value, expected_grad = reference(loss, X, y, theta, weights, epsilon=EPSILON)
    assert value == pytest.approx(expected_value, rel=1e-5)
    assert relative_error(grad, expected_grad) < 1e-5


# ---------------------------------------------------------------- numerical stability


def test_logistic_is_finite_with_the_right_limits_at_margins_of_1e300():
    X = np.array([[1.0], [1.0], [-1.0], [-1.0]])
    theta = np.array([0.0, 1e300])  # margins +1e300, +1e300, -1e300, -1e300
    y = np.array([1.0, 0.0, 0.0, 1.0])  # right, wrong, right, wrong
    grad = np.empty(2)
    value = kernels.logistic_loss_and_gradient(X, y, theta, grad)
    # per row: 0, 1e300, 0, 1e300; slopes sigmoid(z) - y: 0, 1, 0, -1
    assert np.isfinite(value) and value == pytest.approx(0.5e300, rel=1e-15)
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, [0.0, 0.5], atol=1e-300)
    right = np.array([0, 2])
    assert kernels.logistic_loss_and_gradient(X, y, theta, grad, rows=right) == 0.0
    np.testing.assert_array_equal(grad, [0.0, 0.0])


@pytest.mark.parametrize("margin", [30.0, 800.0, 1e5, 1e300])
def test_logistic_loss_matches_the_asymptote_where_exp_overflows(margin):
    X = np.array([[1.0], [-1.0]])
    theta = np.array([0.0, margin])
    y = np.array([0.0, 1.0])  # both on the wrong side: l = log(1 + e^|z|)
    grad = np.empty(2)
    value = kernels.logistic_loss_and_gradient(X, y, theta, grad)
    assert value == pytest.approx(np.logaddexp(0.0, margin), rel=1e-15)
    expected_slope = 1.0 / (1.0 + np.exp(-margin))
    np.testing.assert_allclose(grad, [0.0, expected_slope], rtol=1e-15, atol=1e-15)


def test_softmax_is_finite_with_the_right_limits_at_logits_of_1e300():
    X = np.array([[1.0], [1.0], [-1.0]])
    theta = np.array([[0.0, 0.0, 0.0], [1e300, -1e300, 0.0]])
    y = np.array([0, 1, 2], dtype=np.int64)
    # logits: (1e300, -1e300, 0) twice, then (-1e300, 1e300, 0); softmax: one-hot of the max
    grad = np.empty_like(theta)
    value = kernels.softmax_loss_and_gradient(X, y, theta, grad)
    # per row: 0, 2e300, 1e300
    assert np.isfinite(value) and value == pytest.approx(1e300, rel=1e-15)
    assert np.all(np.isfinite(grad))
    # p - onehot per row: (0,0,0), (1,-1,0), (0,1,-1)
    expected_c = np.array([[0.0, 0.0, 0.0], [1.0, -1.0, 0.0], [0.0, 1.0, -1.0]])
    expected = np.vstack([expected_c.sum(axis=0), X.T @ expected_c]) / 3
    np.testing.assert_allclose(grad, expected, atol=1e-300)
    assert kernels.softmax_loss_and_gradient(X, y, theta, grad, rows=np.array([0])) == 0.0


def test_softmax_with_equal_huge_logits_is_uniform():
    X = np.zeros((2, 1))
    theta = np.array([[1e300, 1e300, 1e300, 1e300], [0.0, 0.0, 0.0, 0.0]])
    y = np.array([0, 3], dtype=np.int64)
    grad = np.empty_like(theta)
    value = kernels.softmax_loss_and_gradient(X, y, theta, grad)
    assert value == pytest.approx(np.log(4.0), rel=1e-15)
    np.testing.assert_allclose(grad[0], [-0.25, 0.25, 0.25, -0.25], atol=1e-16)


def test_softmax_handles_more_classes_than_fit_on_the_stack():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((20, 3))
    theta = rng.standard_normal((4, 70))
    y = rng.integers(0, 70, 20).astype(np.int64)
    value, grad = run("softmax", X, y, theta)
    expected_value, expected_grad = reference("softmax", X, y, theta)
    assert value == pytest.approx(expected_value, rel=1e-13)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- penalties


def penalty_reference(kind, alpha, l1_ratio, w):
    l1 = {"l1": alpha, "elasticnet": alpha * l1_ratio}.get(kind, 0.0)
    l2 = {"l2": alpha, "elasticnet": alpha * (1.0 - l1_ratio)}.get(kind, 0.0)
    return l1 * np.abs(w).sum() + 0.5 * l2 * (w**2).sum(), l2 * w, l1


@pytest.mark.parametrize("shape", [(7,), (5, 3)])
@pytest.mark.parametrize("kind", [None, "l2", "l1", "elasticnet"])
def test_penalty_value_and_gradient_match_formula_without_the_intercepts(kind, shape):
    rng = np.random.default_rng(8)
    theta = rng.standard_normal(shape)
    penalty = _core.Penalty(kind, alpha=0.3, l1_ratio=0.25)
    value, grad_w, _ = penalty_reference(kind, 0.3, 0.25, theta[1:])
    assert _core.penalty_value(penalty, theta) == pytest.approx(value, rel=1e-14)
    grad = rng.standard_normal(shape)
    start = grad.copy()
    _core.add_penalty_gradient(penalty, theta, grad)
    np.testing.assert_array_equal(grad[0], start[0])  # intercepts: untouched
    np.testing.assert_allclose(grad[1:], start[1:] + grad_w, rtol=1e-15)


def test_sklearn_elasticnet_conventions():
    w = np.array([0.0, 2.0, -1.0])  # theta[0] = 0 is the intercept
    assert _core.penalty_value(_core.Penalty("l2", alpha=0.1), w) == pytest.approx(0.1 * 2.5)
    assert _core.penalty_value(_core.Penalty("l1", alpha=0.1), w) == pytest.approx(0.1 * 3.0)
    enet = _core.Penalty("elasticnet", alpha=0.1, l1_ratio=0.15)
    assert enet.l1_strength == pytest.approx(0.015) and enet.l2_strength == pytest.approx(0.085)
    assert _core.penalty_value(enet, w) == pytest.approx(0.1 * (0.15 * 3.0 + 0.85 * 2.5))
    assert _core.Penalty(None).l1_strength == 0.0 and _core.Penalty(None).l2_strength == 0.0
    assert _core.Penalty("elasticnet").alpha == 1e-4  # scikit-learn's defaults
    assert _core.Penalty("elasticnet").l1_ratio == 0.15


@pytest.mark.parametrize("kind", ["l2", "elasticnet"])
def test_penalty_gradient_matches_central_differences_of_its_smooth_part(kind):
    rng = np.random.default_rng(9)
    theta = rng.standard_normal(6)
    penalty = _core.Penalty(kind, alpha=0.7, l1_ratio=0.4)
    smooth = _core.Penalty("l2", alpha=penalty.l2_strength)
    grad = np.zeros(6)
    _core.add_penalty_gradient(penalty, theta, grad)
    numeric = np.empty(6)
    for j in range(6):
        plus, minus = theta.copy(), theta.copy()
        plus[j] += 1e-6
        minus[j] -= 1e-6
        numeric[j] = (_core.penalty_value(smooth, plus) - _core.penalty_value(smooth, minus)) / 2e-6
    assert relative_error(grad, numeric) < 1e-7


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["l1", "elasticnet"])
def test_proximal_step_soft_thresholds_to_exact_zeros(kind, dtype):
    theta = np.array([0.01, 0.5, -0.5, 0.03, -0.03, 0.2, -0.2, 0.0, 0.07, -0.07], dtype=dtype)
    penalty = _core.Penalty(kind, alpha=0.2, l1_ratio=0.5)
    lr = 0.5
    t = lr * penalty.l1_strength  # 0.1 (l1) or 0.05 (elasticnet)
    expected = theta.astype(np.float64)
    w = expected[1:].copy()
    expected[1:] = np.sign(w) * np.maximum(np.abs(w) - t, 0.0)
    _core.proximal_step(penalty, theta, lr)
    assert theta[0] == dtype(0.01)  # the intercept is never penalized, even when small
    np.testing.assert_allclose(theta, expected, rtol=1e-6 if dtype == np.float32 else 1e-15)
    zeros = np.abs(w) <= t
    assert zeros.sum() >= 3
    assert np.all(theta[1:][zeros] == 0.0) and not np.any(np.signbit(theta[1:][zeros]))


def test_proximal_step_leaves_the_intercept_row_of_a_softmax_block():
    theta = np.array([[0.01, -0.02, 0.0], [0.3, -0.01, 0.02], [-0.4, 0.5, 0.001]])
    start = theta.copy()
    _core.proximal_step(_core.Penalty("l1", alpha=0.1), theta, 1.0)
    np.testing.assert_array_equal(theta[0], start[0])
    np.testing.assert_allclose(theta[1:], [[0.2, 0.0, 0.0], [-0.3, 0.4, 0.0]], rtol=1e-15)


@pytest.mark.parametrize("kind", [None, "l2"])
def test_proximal_step_without_l1_changes_nothing(kind):
    theta = np.array([0.3, 1e-9, -0.2])
    start = theta.copy()
    _core.proximal_step(_core.Penalty(kind, alpha=10.0), theta, 1.0)
    np.testing.assert_array_equal(theta, start)


def test_intercept_is_never_penalized():
    theta = np.array([[5.0, -7.0], [1.0, 2.0]])
    flat = np.array([5.0, 1.0, 2.0])
    for kind in ("l2", "l1", "elasticnet"):
        penalty = _core.Penalty(kind, alpha=1.0, l1_ratio=0.5)
        for t in (theta, flat):
            moved = t.copy()
            moved[0] = -100.0
            assert _core.penalty_value(penalty, moved) == _core.penalty_value(penalty, t)


# ---------------------------------------------------------------- refusals


def refusal_cases():
    """(name, kernel, arguments, keyword arguments, exception, message fragment)."""
    X, y, theta = make_problem("squared_error")
    grad = np.full_like(theta, 7.0)
    Xc, yc, thetac = make_problem("softmax")
    gradc = np.full_like(thetac, 7.0)
    yb = (y > 0).astype(np.float64)
    read_only = grad.copy()
    read_only.flags.writeable = False
    bad_indices = sp.csr_matrix(X)
    bad_indices.indices = bad_indices.indices.copy()
    bad_indices.indices[3] = N_FEATURES
    bad_indptr = sp.csr_matrix(X)
    bad_indptr.indptr = bad_indptr.indptr.copy()
    bad_indptr.indptr[4] = bad_indptr.indptr[3] - 1
    mixed_index = sp.csr_matrix(X)
    mixed_index.indptr = mixed_index.indptr.astype(np.int64)
    w = np.ones(N_ROWS)
    negative_w, nan_w = w.copy(), w.copy()
    negative_w[4] = -1.0
    nan_w[2] = np.nan

    def ls(name, args, exception, fragment, **kwargs):
        return (name, "squared_error", args, kwargs, exception, fragment)

    return [
        ls("X list", (X.tolist(), y, theta, grad), TypeError, "X: expected"),
        ls("X int", (X.astype(np.int64), y, theta, grad), TypeError, "X: expected dtype"),
        ls("X 3-D", (X[None], y, theta, grad), ValueError, "X: expected shape"),
        ls("X no rows", (X[:0], y[:0], theta, grad), ValueError, "at least one row"),
        ls("X csc", (sp.csc_matrix(X), y, theta, grad), TypeError, "csc"),
        ls("X Fortran", (np.asfortranarray(X), y, theta, grad), ValueError, "C-contiguous"),
        ls(
            "y float32",
            (X, y.astype(np.float32), theta, grad),
            TypeError,
            "y: expected dtype float64",
        ),
        ls("y short", (X, y[:-1], theta, grad), ValueError, "y: expected shape (61,)"),
        ls("theta short", (X, y, theta[:-1], grad), ValueError, "theta: expected shape (6,)"),
        ls("grad float32", (X, y, theta, grad.astype(np.float32)), TypeError, "grad"),
        ls("grad read-only", (X, y, theta, read_only), ValueError, "grad: expected a writeable"),
        ls(
            "grad strided",
            (X, y, theta, np.full(12, 7.0)[::2]),
            ValueError,
            "grad: expected a C-contiguous",
        ),
        ls(
            "weight negative",
            (X, y, theta, grad),
            ValueError,
            "sample_weight",
            sample_weight=negative_w,
        ),
        ls("weight nan", (X, y, theta, grad), ValueError, "sample_weight", sample_weight=nan_w),
        ls("weight zero sum", (X, y, theta, grad), ValueError, "positive sum", sample_weight=0 * w),
        ls(
            "weight float32",
            (X, y, theta, grad),
            TypeError,
            "sample_weight",
            sample_weight=w.astype(np.float32),
        ),
        ls(
            "rows out of range",
            (X, y, theta, grad),
            ValueError,
            "rows: expected row numbers in [0, 61)",
            rows=np.array([0, N_ROWS]),
        ),
        ls("rows negative", (X, y, theta, grad), ValueError, "rows", rows=np.array([-1])),
        ls(
            "rows empty", (X, y, theta, grad), ValueError, "rows", rows=np.array([], dtype=np.int64)
        ),
        ls(
            "rows int32",
            (X, y, theta, grad),
            TypeError,
            "rows: expected dtype int64",
            rows=np.array([1], dtype=np.int32),
        ),
        ls("rows float", (X, y, theta, grad), TypeError, "rows", rows=np.array([1.0])),
        ls("csr column out of range", (bad_indices, y, theta, grad), ValueError, "X.indices"),
        ls("csr indptr decreasing", (bad_indptr, y, theta, grad), ValueError, "X.indptr"),
        ls(
            "csr index dtypes differ",
            (mixed_index, y, theta, grad),
            TypeError,
            "X.indptr: expected dtype int32",
        ),
        ls(
            "csr data int", (sp.csr_matrix(X.astype(np.int64)), y, theta, grad), TypeError, "X.data"
        ),
        ("huber epsilon", "huber", (X, y, theta, grad), {"epsilon": -1.0}, ValueError, "epsilon"),
        (
            "logistic labels",
            "logistic",
            (X, y, theta, grad),
            {},
            ValueError,
            "y: expected labels 0 or 1",
        ),
        (
            "logistic weights",
            "logistic",
            (X, yb, theta, grad),
            {"sample_weight": negative_w},
            ValueError,
            "sample_weight",
        ),
        (
            "softmax class",
            "softmax",
            (Xc, np.full(N_ROWS, N_CLASSES), thetac, gradc),
            {},
            ValueError,
            "y: expected class indices in [0, 3)",
        ),
        (
            "softmax y float",
            "softmax",
            (Xc, yc.astype(np.float64), thetac, gradc),
            {},
            TypeError,
            "y: expected dtype int64",
        ),
        (
            "softmax theta 1-D",
            "softmax",
            (Xc, yc, thetac.ravel(), gradc),
            {},
            ValueError,
            "theta: expected shape (6, n)",
        ),
        (
            "softmax grad shape",
            "softmax",
            (Xc, yc, thetac, gradc[:, :2]),
            {},
            ValueError,
            "grad: expected shape (6, 3)",
        ),
        (
            "softmax no classes",
            "softmax",
            (Xc, yc, thetac[:, :0], gradc[:, :0]),
            {},
            ValueError,
            "at least one class",
        ),
    ]


@pytest.mark.parametrize("case", refusal_cases(), ids=lambda case: case[0])
def test_refused_kernel_call_names_the_problem_and_leaves_arrays_untouched(case):
    _, loss, args, kwargs, exception, fragment = case
    arrays = [a for a in (*args, *kwargs.values()) if isinstance(a, np.ndarray)]
    before = [a.copy() for a in arrays]
    with pytest.raises(exception) as info:
        KERNELS[loss](*args, **kwargs)
    assert fragment in str(info.value)
    for array, copy in zip(arrays, before, strict=True):
        np.testing.assert_array_equal(array, copy)


def test_refused_penalty_calls_leave_arrays_untouched():
    theta = np.array([0.5, 0.01, -2.0])
    grad = np.full(3, 7.0)
    l1 = _core.Penalty("l1", alpha=0.1)
    with pytest.raises(ValueError, match="penalty: expected None, 'l2', 'l1' or 'elasticnet'"):
        _core.Penalty("lasso")
    with pytest.raises(ValueError, match="alpha must be"):
        _core.Penalty("l2", alpha=-1.0)
    with pytest.raises(ValueError, match=r"l1_ratio must be in \[0, 1\]"):
        _core.Penalty("elasticnet", l1_ratio=1.5)
    broken = _core.Penalty("l1", alpha=0.1)
    broken.alpha = float("nan")
    read_only = theta.copy()
    read_only.flags.writeable = False
    calls = [
        (lambda: _core.proximal_step(l1, theta, -0.1), ValueError, "lr"),
        (lambda: _core.proximal_step(l1, theta, float("inf")), ValueError, "lr"),
        (lambda: _core.proximal_step(broken, theta, 0.1), ValueError, "alpha"),
        (lambda: _core.proximal_step(l1, read_only, 0.1), ValueError, "theta: expected a write"),
        (lambda: _core.proximal_step(l1, theta.astype(np.int64), 0.1), TypeError, "theta"),
        (lambda: _core.proximal_step(l1, theta[None, None], 0.1), ValueError, "3-D"),
        (lambda: _core.add_penalty_gradient(l1, theta, grad[:2]), ValueError, "grad: expected"),
        (
            lambda: _core.add_penalty_gradient(l1, theta, grad.astype(np.float32)),
            TypeError,
            "grad: expected dtype float64",
        ),
        (lambda: _core.penalty_value(l1, theta[:0]), ValueError, "at least one"),
    ]
    for call, exception, fragment in calls:
        with pytest.raises(exception) as info:
            call()
        assert fragment in str(info.value)
        np.testing.assert_array_equal(theta, [0.5, 0.01, -2.0])
        np.testing.assert_array_equal(grad, np.full(3, 7.0))


@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("loss", ["squared_error", "huber"])
def test_float32_pass_is_within_1e_5_of_float64_on_random_data(loss, n_threads):
    # The float32 pass sums each row's dot product and 16 rows' gradient terms in float32.
    # Condition: standard normal X (2003 x 37, so 16-row blocks, four-row groups and a
    # remainder all run), y = X w + noise, theta away from the optimum (the gradient is not a
    # cancellation of much larger terms).
    rng = np.random.default_rng(7)
    X = rng.standard_normal((2003, 37)).astype(np.float32)
    w = rng.standard_normal(37)
    y = (X @ w + rng.standard_normal(2003)).astype(np.float32)
    theta = (np.r_[0.3, w] + 0.5 * rng.standard_normal(38)).astype(np.float32)
    value, grad = run(loss, X, y, theta, n_threads=n_threads)
    expected_value, expected_grad = reference(loss, X, y, theta, epsilon=EPSILON)
    assert value == pytest.approx(expected_value, rel=1e-5)
    assert relative_error(grad, expected_grad) < 1e-5
