"""learning_rate="auto" (descend._scaling and its _core kernels): column moments, the smoothness
estimate, the map between internal and caller coordinates, the step-size rules, and gradient
descent at the auto step converging on raw data as fast as on standardized data.

References are plain float64 NumPy written from the formulas (numpy.linalg.eigvalsh for the top
eigenvalue); the gradient descent loops use the existing loss kernels and the mapping.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize

import descend
from descend import _core
from descend._scaling import (
    ADAPTIVE_STEP_FRACTION,
    AutoSettings,
    auto_settings,
    expected_smoothness,
    to_caller_units,
    to_internal_units,
)

datasets = pytest.importorskip("sklearn.datasets")


def raw_matrix(rng: np.random.Generator, m: int = 40) -> np.ndarray:
    """Columns on very different scales, one far from zero, one constant."""
    X = rng.standard_normal((m, 5)) * [1.0, 1000.0, 1e-3, 5.0, 0.0] + [0.0, 1e4, 3.0, 0.0, 7.0]
    X[:, :4][rng.random((m, 4)) < 0.3] = 0.0
    return X


def reference_moments(X: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    mean = np.average(X, axis=0, weights=w)
    return mean, np.sqrt(np.average((X - mean) ** 2, axis=0, weights=w))


# auto_settings' arguments in most tests: full batch, squared error, an intercept, the step of
# plain gradient descent; a test passes only what it changes.
FULL_BATCH = dict(
    loss="squared_error", n_classes=1, fit_intercept=True, batch_size=None, adaptive=False
)


def settings_for(X, w: np.ndarray | None = None, **changes) -> AutoSettings:
    """auto_settings(X, w) with FULL_BATCH's arguments, updated by `changes`."""
    return auto_settings(X, w, **(FULL_BATCH | changes))


def scaled_rows(X, settings: AutoSettings, fit_intercept: bool = True) -> np.ndarray:
    """x~_i = (1, (x_i - mu) / sigma) as a dense float64 matrix."""
    dense = np.asarray(X.todense() if sp.issparse(X) else X, dtype=np.float64)
    mu = 0.0 if settings.feature_offset is None else settings.feature_offset
    Z = (dense - mu) / settings.feature_scale
    return np.c_[np.ones(len(Z)), Z] if fit_intercept else Z


# ---------------------------------------------------------------- column moments


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", ["dense64", "dense32", "csr32", "csr64"])
def test_column_moments_match_numpy_float64(rng, kind, weighted):
    X = raw_matrix(rng)
    dtype = np.float32 if kind == "dense32" else np.float64
    X = X.astype(dtype)
    w = None
    if weighted:
        w = rng.random(len(X)).astype(dtype)
        w[3] = 0.0
    given = X
    if kind.startswith("csr"):
        given = sp.csr_matrix(X)
        if kind == "csr64":
            given.indices = given.indices.astype(np.int64)
            given.indptr = given.indptr.astype(np.int64)
    mean, std = _core.column_moments(given, sample_weight=w)
    ref_mean, ref_std = reference_moments(X.astype(np.float64), w)
    assert mean.dtype == np.float64 and std.dtype == np.float64
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(std, ref_std, rtol=1e-9, atol=1e-12)


def test_column_moments_stay_accurate_when_the_mean_dwarfs_the_spread(rng):
    X = 1e8 + rng.standard_normal((1000, 2))
    _, std = _core.column_moments(X)
    np.testing.assert_allclose(std, X.std(axis=0), rtol=1e-6)  # E[x^2] - mean^2 would be 0


def test_column_moments_count_repeated_csr_columns_once(rng):
    X = raw_matrix(rng)
    csr = sp.csr_matrix(X)
    # every stored value split into two entries of the same column, the second half first
    counts = np.diff(csr.indptr)
    data, indices = [], []
    for i in range(X.shape[0]):
        row = slice(csr.indptr[i], csr.indptr[i + 1])
        data += [0.75 * csr.data[row][::-1], 0.25 * csr.data[row]]
        indices += [csr.indices[row][::-1], csr.indices[row]]
    indptr = np.r_[0, np.cumsum(2 * counts)]
    repeated = sp.csr_matrix((np.concatenate(data), np.concatenate(indices), indptr), shape=X.shape)
    assert repeated.nnz == 2 * csr.nnz  # scipy keeps the repeats
    mean, std = _core.column_moments(repeated)
    ref_mean, ref_std = reference_moments(X, None)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(std, ref_std, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- smoothness


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_smoothness_matches_eigvalsh_and_the_largest_row_norm(rng, sparse, fit_intercept):
    X = raw_matrix(rng)
    w = rng.random(len(X))
    given = sp.csr_matrix(X) if sparse else X
    settings = settings_for(given, w, fit_intercept=fit_intercept)
    Z = scaled_rows(X, settings, fit_intercept)
    H = (Z * w[:, None]).T @ Z / w.sum()
    top = np.linalg.eigvalsh(H)[-1]
    norms = (w / w.mean()) * (Z * Z).sum(axis=1)
    kwargs = dict(
        sample_weight=w,
        feature_offset=settings.feature_offset,
        feature_scale=settings.feature_scale,
        fit_intercept=fit_intercept,
    )
    lam, row_norm2 = _core.smoothness(given, iterations=500, **kwargs)
    np.testing.assert_allclose(lam, top, rtol=1e-9)
    np.testing.assert_allclose(row_norm2, norms.max(), rtol=1e-12)
    quick, _ = _core.smoothness(given, **kwargs)  # the default iteration count
    assert 0.5 * top < quick <= top * (1 + 1e-12)


def test_smoothness_of_centered_csr_rows_counts_implicit_zeros(rng):
    X = raw_matrix(rng)
    mu, sigma = X.mean(axis=0), np.full(5, 2.0)
    dense = _core.smoothness(X, feature_offset=mu, feature_scale=sigma, iterations=300)
    sparse = _core.smoothness(
        sp.csr_matrix(X), feature_offset=mu, feature_scale=sigma, iterations=300
    )
    np.testing.assert_allclose(sparse, dense, rtol=1e-10)


def test_loss_curvatures_bound_the_second_derivatives():
    z = np.linspace(-30, 30, 20001)
    sigmoid = 1 / (1 + np.exp(-z))
    assert _core.loss_curvature("log_loss") == pytest.approx((sigmoid * (1 - sigmoid)).max())
    assert _core.loss_curvature("squared_error") == 2.0  # (z - y)^2
    assert _core.loss_curvature("huber") == 1.0  # (z - y)^2 / 2 near y
    p = np.random.default_rng(0).dirichlet(np.ones(4), size=2000)
    top = max(np.linalg.eigvalsh(np.diag(q) - np.outer(q, q))[-1] for q in p)
    assert top <= _core.loss_curvature("softmax") == 0.5


# ---------------------------------------------------------------- the coordinate maps


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(6,), (6, 3)])
@pytest.mark.parametrize("centered", [False, True])
def test_to_caller_units_then_back_is_the_identity(rng, dtype, shape, centered):
    settings = AutoSettings(
        rng.standard_normal(5) * 100 if centered else None, 10.0 ** rng.uniform(-3, 3, 5), 1.0
    )
    theta = rng.standard_normal(shape).astype(dtype)
    back = to_internal_units(to_caller_units(theta, settings), settings)
    assert back.dtype == dtype and back.shape == shape
    np.testing.assert_allclose(
        back,
        theta,
        rtol=1e-5 if dtype == np.float32 else 1e-12,
        atol=1e-3 if dtype == np.float32 else 1e-9,
    )


@pytest.mark.parametrize("shape", [(6,), (6, 3)])
def test_caller_model_at_mapped_theta_predicts_as_the_internal_model(rng, shape):
    X = raw_matrix(rng)[:, :5]
    settings = settings_for(X)
    internal = rng.standard_normal(shape)
    caller = to_caller_units(internal, settings)
    Z = scaled_rows(X, settings)
    np.testing.assert_allclose(X @ caller[1:] + caller[0], Z @ internal, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(caller[1:].T, (internal[1:].T / settings.feature_scale))


def test_map_in_place_equals_the_map_into_a_new_array(rng):
    settings = AutoSettings(rng.standard_normal(4), rng.uniform(0.5, 2, 4), 1.0)
    theta = rng.standard_normal((5, 2))
    expected = to_caller_units(theta, settings)
    _core.scaled_to_caller(
        theta, theta, feature_offset=settings.feature_offset, feature_scale=settings.feature_scale
    )
    np.testing.assert_array_equal(theta, expected)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            dict(feature_scale=np.array([1.0, 0.0, 1.0])),
            ValueError,
            "feature_scale: expected finite values > 0",
        ),
        (dict(feature_scale=np.array([1.0, np.nan, 1.0])), ValueError, "feature_scale"),
        (
            dict(feature_offset=np.array([1.0, np.inf, 1.0])),
            ValueError,
            "feature_offset: expected finite",
        ),
        (dict(feature_scale=np.ones(2)), ValueError, r"feature_scale: expected shape \(3,\)"),
        (
            dict(feature_scale=np.ones(3, dtype=np.float32)),
            TypeError,
            "feature_scale: expected dtype float64",
        ),
    ],
)
def test_map_refuses_bad_scalings_and_writes_nothing(kwargs, error, match):
    theta = np.arange(4.0)
    out = np.full(4, -1.0)
    args = dict(feature_offset=None, feature_scale=np.ones(3)) | kwargs
    with pytest.raises(error, match=match):
        _core.scaled_to_caller(theta, out, **args)
    np.testing.assert_array_equal(out, -1.0)


def test_map_refuses_partly_overlapping_and_read_only_outputs():
    buffer = np.arange(6.0)
    with pytest.raises(ValueError, match="overlap"):
        _core.caller_to_scaled(
            buffer[:4], buffer[1:5], feature_offset=None, feature_scale=np.ones(3)
        )
    read_only = np.zeros(4)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="out: expected a writeable array"):
        _core.caller_to_scaled(np.ones(4), read_only, feature_offset=None, feature_scale=np.ones(3))


def test_kernels_refuse_bad_arguments():
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="iterations: expected at least 1"):
        _core.smoothness(X, iterations=0)
    with pytest.raises(ValueError, match="sample_weight"):
        _core.column_moments(X, sample_weight=np.zeros(3))
    with pytest.raises(TypeError, match="X: expected"):
        _core.column_moments(X.astype(np.int64))
    with pytest.raises(ValueError, match="loss: expected"):
        _core.loss_curvature("hinge")


# ---------------------------------------------------------------- auto_settings


def test_auto_settings_center_dense_and_scale_by_std_constant_columns_get_1(rng):
    X = raw_matrix(rng)
    s = settings_for(X)
    mean, std = reference_moments(X, None)
    np.testing.assert_allclose(s.feature_offset, mean, rtol=1e-12)
    np.testing.assert_allclose(s.feature_scale[:4], std[:4], rtol=1e-9)
    assert s.feature_scale[4] == 1.0  # the constant column


@pytest.mark.parametrize("seed", [20261127, 0, 1, 4])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_column_constant_up_to_rounding_is_constant_for_the_scaling(seed, dtype):
    # 0.1 + 0.2 beside 0.3: a spread of one unit in the last place. Scaled by that spread the
    # default fit diverged (coefficients ~1e169); now it is the exact constant column's fit.
    # (The default optimizer runs "sgd" here, not L-BFGS, whose curvature pairs fitted the
    # rounding: coefficients of 3.9e3, -2.2e5 and -3.7e3 for float32 with seeds 0, 1 and 4.)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((200, 3))
    X[:, 2] = 0.3
    y = 2 * X[:, 0] - X[:, 1] + 1 + 0.1 * rng.standard_normal(200)
    X = X.astype(dtype)
    exact = descend.LinearRegression().fit(X, y)
    X[::2, 2] = np.nextafter(X[0, 2], dtype(1))
    assert X[:, 2].std() > 0
    s = settings_for(X)
    assert s.feature_scale[2] == 1.0
    model = descend.LinearRegression().fit(X, y)
    assert model.status_ == "converged"
    # (float32: two L-BFGS fits stopped by tol agree to a few float32 ulps, 2.4e-6 relative
    # when the extension is built for the sanitizers)
    rtol = 1e-6 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(model.coef_[:2], exact.coef_[:2], rtol=rtol)
    assert abs(model.coef_[2]) < 1e-6


def test_rows_of_negligible_weight_leave_the_other_columns_constant():
    # 49 rows weighted 1e-40 beside one of weight 1: every column's weighted spread is
    # rounding; the fit (of the one row that counts) interpolates it
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    y = X @ [1.0, 2.0, 3.0] + 1 + rng.standard_normal(50)
    weight = np.r_[np.full(49, 1e-40), 1.0]
    assert np.all(settings_for(X, weight).feature_scale == 1.0)
    model = descend.LinearRegression().fit(X, y, sample_weight=weight)
    assert model.status_ == "converged"
    assert model.predict(X[-1:])[0] == pytest.approx(y[-1], rel=1e-6)


def test_values_whose_squares_underflow_float64_are_refused_naming_x(rng):
    # their spread read as 0: the fit reported "converged" with R^2 = 0, a column left out
    X = rng.standard_normal((100, 2)) * 1e-170
    y = X @ [1e170, -1e170] + 0.5
    with pytest.raises(ValueError, match="X: the values of column 0 .* are too small"):
        descend.LinearRegression().fit(X, y)
    model = descend.LinearRegression().fit(X * 1e20, y)  # 1e-150: squares of 1e-300 are fine
    assert model.score(X * 1e20, y) > 0.999


def test_a_spread_overflowing_float64_is_refused_naming_x(rng):
    X = rng.standard_normal((20, 2)) * 1e160
    with pytest.raises(ValueError, match="X: the spread of column 0 overflows float64"):
        descend.LinearRegression().fit(X, rng.standard_normal(20))


@pytest.mark.parametrize("sparse", [False, True])
def test_auto_settings_without_centering_scale_by_root_mean_square(rng, sparse):
    X = raw_matrix(rng)
    X[:, 4] = 0.0
    given = sp.csr_matrix(X) if sparse else X
    s = settings_for(given, loss="log_loss", fit_intercept=sparse)
    assert s.feature_offset is None
    rms = np.sqrt((X * X).mean(axis=0))
    np.testing.assert_allclose(s.feature_scale[:4], rms[:4], rtol=1e-9)
    assert s.feature_scale[4] == 1.0  # the all-zero column


@pytest.mark.parametrize("loss", ["squared_error", "huber", "log_loss", "softmax"])
def test_full_batch_step_is_one_over_curvature_times_lambda_max(rng, loss):
    X = raw_matrix(rng)
    s = settings_for(X, loss=loss, n_classes=3)
    Z = scaled_rows(X, s)
    L = _core.loss_curvature(loss) * np.linalg.eigvalsh(Z.T @ Z / len(Z))[-1]
    assert 1 / L <= s.learning_rate < 2 / L  # the estimate never exceeds L; GD is stable below 2/L
    for momentum in (0.0, 0.9):  # full batch: momentum keeps the step
        full = settings_for(X, loss=loss, n_classes=3, batch_size=0, momentum=momentum)
        assert full.learning_rate == s.learning_rate


def test_mini_batch_step_is_one_over_expected_smoothness(rng):
    X = raw_matrix(rng)
    m = len(X)
    full = settings_for(X)
    Z = scaled_rows(X, full)
    L, L_max = 1 / full.learning_rate, 2 * (Z * Z).sum(axis=1).max()
    for b in (1, 7, m - 1):
        s = settings_for(X, batch_size=b, momentum=0.5)
        L_b = m * (b - 1) / (b * (m - 1)) * L + (m - b) / (b * (m - 1)) * L_max
        assert s.learning_rate == pytest.approx(0.5 / L_b, rel=1e-12)
    assert expected_smoothness(L, L_max, 1, m) == pytest.approx(L_max)
    assert expected_smoothness(L, L_max, m, m) == L


@pytest.mark.parametrize("sparse_x", [False, True])
def test_one_row_steps_on_a_one_row_data_set_take_the_full_batch_step(rng, sparse_x):
    # a one-row data set: its one-row steps are full batches, so batch_size=1 gets 1 / L, L
    # from the 16 power iterations of a full batch (not from one, as one-row steps on more rows)
    X = rng.standard_normal((1, 4)) * [1.0, 1000.0, 1e-3, 5.0]
    X = sp.csr_matrix(X) if sparse_x else X
    full = settings_for(X)
    Z = scaled_rows(X, full)
    L = 2 * np.linalg.eigvalsh(Z.T @ Z)[-1]
    assert full.learning_rate == pytest.approx(1 / L, rel=1e-12)
    for momentum in (0.0, 0.9):
        one_row = settings_for(X, batch_size=1, momentum=momentum)
        assert one_row.learning_rate == full.learning_rate


def test_l2_penalty_balances_the_scales_and_adds_its_curvature(rng):
    X = raw_matrix(rng)
    penalty = _core.Penalty("elasticnet", alpha=0.1, l1_ratio=0.25)
    s = settings_for(X, loss="log_loss", penalty=penalty)
    l2, c = 0.1 * 0.75, 0.25
    _, std = reference_moments(X, None)
    np.testing.assert_allclose(s.feature_scale, np.sqrt(std**2 + l2 / c), rtol=1e-9)
    # the whole Hessian's diagonal c sigma_j^2 / scale_j^2 + l2 / scale_j^2 is c for every j
    np.testing.assert_allclose((c * std**2 + l2) / s.feature_scale**2, c, rtol=1e-9)
    lam, _ = _core.smoothness(X, feature_offset=s.feature_offset, feature_scale=s.feature_scale)
    assert 1 / s.learning_rate == pytest.approx(c * lam + l2 / s.feature_scale.min() ** 2)
    l1_only = settings_for(X, loss="log_loss", penalty=_core.Penalty("l1", alpha=0.1))
    np.testing.assert_array_equal(
        l1_only.feature_scale, settings_for(X, loss="log_loss").feature_scale
    )


def test_adaptive_step_follows_the_target_scale_and_the_batch(rng):
    X = raw_matrix(rng)
    y = 300.0 + 50.0 * rng.standard_normal(len(X))
    rms = np.sqrt(np.mean(y * y))
    s = settings_for(X, adaptive=True, y=y)
    assert s.learning_rate == pytest.approx(ADAPTIVE_STEP_FRACTION * rms)
    b = settings_for(X, adaptive=True, y=y, loss="huber", batch_size=10)
    assert b.learning_rate == pytest.approx(ADAPTIVE_STEP_FRACTION * rms * np.sqrt(10 / len(X)))
    c = settings_for(X, adaptive=True, y=y, loss="log_loss")
    assert c.learning_rate == ADAPTIVE_STEP_FRACTION  # logits: scale 1, y is ignored


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(loss="hinge"), ValueError, "loss: expected"),
        (dict(loss="softmax", n_classes=1), ValueError, "n_classes: expected an int >= 2"),
        (dict(batch_size=-1), ValueError, "batch_size"),
        (dict(batch_size=2.5), TypeError, "batch_size"),
        (dict(momentum=1.0), ValueError, r"momentum: expected a value in \[0, 1\)"),
    ],
)
def test_auto_settings_refuse_impossible_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        settings_for(np.ones((4, 2)), **kwargs)


# ---------------------------------------------------------------- gradient descent at the auto step


KERNELS = {
    "squared_error": _core.squared_error_loss_and_gradient,
    "log_loss": _core.logistic_loss_and_gradient,
    "softmax": _core.softmax_loss_and_gradient,
}


def internal_objective(X, y, loss, settings, alpha=0.0):
    """theta' -> (F, dF/dtheta') with F = mean loss + alpha/2 ||w||^2 at the caller's theta,
    the gradient mapped back by the chain rule: g'_0 = g_0, g'_j = (g_j - mu_j g_0) / sigma_j."""
    mu = 0.0 if settings.feature_offset is None else settings.feature_offset
    sigma = settings.feature_scale

    def f(internal):
        theta = to_caller_units(internal, settings)
        grad = np.empty_like(theta)
        value = KERNELS[loss](X, y, theta, grad)
        value += 0.5 * alpha * np.sum(theta[1:] ** 2)
        grad[1:] += alpha * theta[1:]
        mapped = grad.copy()
        mapped[1:] = ((grad[1:].T - np.multiply.outer(grad[0], mu)) / sigma).T
        return value, mapped

    return f


def gd_iterations(f, theta, lr, f_star, gap, max_iter):
    """Steps of theta -= lr * grad until F is within `gap` (relative) of f_star; also checks
    that no step increases F (the descent lemma at a step <= 1/L)."""
    value, grad = f(theta)
    for k in range(max_iter):
        if value - f_star <= gap * abs(f_star):
            return k
        theta = theta - lr * grad
        new_value, grad = f(theta)
        assert new_value <= value * (1 + 1e-12)
        value = new_value
    return max_iter


def optimum(f, shape):
    """min F by scipy's L-BFGS in the same coordinates."""

    def flat(t):
        value, grad = f(t.reshape(shape))
        return value, grad.ravel()

    result = minimize(
        flat,
        np.zeros(int(np.prod(shape))),
        jac=True,
        method="L-BFGS-B",
        options=dict(maxiter=20000, maxcor=30, gtol=1e-12, ftol=1e-16),
    )
    return result.fun


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Raw data: diabetes with X * 1000 (features in the thousands, targets in the hundreds),
    or noisy labels from a linear model on columns of very different scales (so that the
    unpenalized optimum is finite)."""
    if name == "diabetes":
        X, y = datasets.load_diabetes(return_X_y=True)
        return X * 1000.0, y
    rng = np.random.default_rng(7)
    Z = rng.standard_normal((300, 6))
    X = Z * [1e3, 1e-3, 1.0, 50.0, 1e-2, 7.0] + [5e3, 0.0, -2.0, 100.0, 1.0, 0.0]
    logits = Z @ rng.standard_normal((6, 3)) + rng.standard_normal((300, 3))
    y = np.argmax(logits + rng.gumbel(size=(300, 3)), axis=1)
    return X, (y == 0).astype(np.float64) if name == "binary" else y.astype(np.int64)


@pytest.mark.parametrize(
    ("name", "loss", "n_classes"),
    [("diabetes", "squared_error", 1), ("binary", "log_loss", 1), ("classes", "softmax", 3)],
)
@pytest.mark.parametrize("alpha", [0.0, 1e-2])
def test_gradient_descent_at_the_auto_step_converges_on_raw_data_as_on_standardized(
    name, loss, n_classes, alpha
):
    X, y = load(name)
    shape = (X.shape[1] + 1, n_classes) if loss == "softmax" else (X.shape[1] + 1,)
    max_iter = 5000
    iterations = []
    for data in (np.ascontiguousarray(X), (X - X.mean(axis=0)) / X.std(axis=0)):
        settings = settings_for(
            data, loss=loss, n_classes=n_classes, penalty=_core.Penalty("l2", alpha=alpha)
        )
        f = internal_objective(data, y, loss, settings, alpha)
        iterations.append(
            gd_iterations(
                f, np.zeros(shape), settings.learning_rate, optimum(f, shape), 1e-6, max_iter
            )
        )
    raw, standardized = iterations
    assert raw < max_iter
    if alpha == 0.0:  # the same problem in internal coordinates
        assert abs(raw - standardized) <= 0.02 * standardized + 2, iterations
    # with a penalty in the caller's units the raw problem is another one: only convergence


def test_gradient_descent_with_a_fixed_step_fails_on_raw_data():
    """What "auto" is for: a step that suits standardized diabetes diverges on the raw data."""
    X, y = datasets.load_diabetes(return_X_y=True)
    X = np.ascontiguousarray(X * 1000.0)
    theta, grad = np.zeros(X.shape[1] + 1), np.empty(X.shape[1] + 1)
    start = _core.squared_error_loss_and_gradient(X, y, theta, grad)
    for _ in range(5):
        theta -= 0.1 * grad
        loss = _core.squared_error_loss_and_gradient(X, y, theta, grad)
    assert loss > 1e6 * start
