"""The solver loop behind every linear estimator, through its binding ``_core.fit_linear``.

These tests pin the loop's rules (stopping, divergence, sampling, averaging, penalties,
slicing, early stopping) and its argument checks, independently of the estimators.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from descend import _core

sparse = pytest.importorskip("scipy.sparse")

LINEAR_LOSSES = ["squared_error", "huber", "log_loss"]
LOSSES = [*LINEAR_LOSSES, "softmax"]


def make_data(loss: str, m: int = 40, n: int = 5, seed: int = 3, dtype=np.float64):
    """X with about a third of its entries zero, and targets / labels for `loss`."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    X[rng.random((m, n)) < 0.3] = 0.0
    w = rng.standard_normal(n)
    z = X @ w + 0.5
    if loss == "softmax":
        y = np.argmax(np.c_[z, -z, 0.3 * z] + rng.standard_normal((m, 3)), axis=1).astype(np.int64)
    elif loss == "log_loss":
        y = (z + 0.5 * rng.standard_normal(m) > 0).astype(dtype)
    else:
        y = (z + 0.1 * rng.standard_normal(m)).astype(dtype)
    return X.astype(dtype), y


def theta_shape(loss: str, n: int) -> tuple[int, ...]:
    return (n + 1, 3) if loss == "softmax" else (n + 1,)


class Fit:
    """The arrays and carried state of one fit, and a method running more epochs of it."""

    def __init__(
        self,
        X,
        y,
        *,
        loss="squared_error",
        optimizer=None,
        schedule=None,
        seed=0,
        averaging=False,
        **options,
    ):
        self.X, self.y, self.loss = X, y, loss
        dtype = X.dtype
        n = X.shape[1]
        self.optimizer = optimizer if optimizer is not None else _core.SGD(lr=0.1)
        self.schedule = schedule if schedule is not None else _core.Constant(0.1)
        options.setdefault("tol", -1.0)
        self.options = _core.SolverOptions(**options)
        self.solver_state = _core.SolverState(seed)
        self.theta = np.zeros(theta_shape(loss, n), dtype=dtype)
        self.state = np.zeros((self.optimizer.state_slots, *self.theta.shape), dtype=dtype)
        self.average = np.zeros_like(self.theta) if averaging else None
        self.losses: list[float] = []
        self.validation_losses: list[float] = []
        self.status = "running"

    def run(self, epochs: int, /, **changes) -> str:
        """Runs `epochs` more epochs; `changes` replace or add arguments of _core.fit_linear."""
        arrays = dict(X=self.X, y=self.y, theta=self.theta, state=self.state, average=self.average)
        rule = dict(optimizer=self.optimizer, schedule=self.schedule, loss=self.loss)
        loop = dict(options=self.options, solver_state=self.solver_state, epochs=epochs)
        arguments = arrays | rule | loop | dict(sample_weight=None) | changes
        self.status, losses, validation = _core.fit_linear(**arguments)
        self.losses += losses.tolist()
        self.validation_losses += validation.tolist()
        return self.status

    def arrays(self) -> list[np.ndarray]:
        return [a.copy() for a in (self.theta, self.state, self.average) if a is not None]


def objective(
    X, y, theta, *, loss, penalty="none", alpha=1e-4, l1_ratio=0.15, epsilon=0.1, sample_weight=None
):
    """The penalized objective, written from the formulas in NumPy (float64)."""
    X = np.asarray(X.todense()) if sparse.issparse(X) else X
    s = np.ones(len(X)) if sample_weight is None else sample_weight
    if loss == "softmax":
        z = theta[0] + X @ theta[1:]
        zmax = z.max(axis=1, keepdims=True)
        lse = zmax[:, 0] + np.log(np.exp(z - zmax).sum(axis=1))
        point = lse - z[np.arange(len(y)), y]
    else:
        z = theta[0] + X @ theta[1:]
        if loss == "squared_error":
            point = (z - y) ** 2
        elif loss == "huber":
            r = np.abs(z - y)
            a = np.minimum(r, epsilon)
            point = a * (r - a / 2)
        else:
            point = np.logaddexp(0, z) - y * z
    w = theta[1:].ravel()
    l1 = {"l1": alpha, "elasticnet": alpha * l1_ratio}.get(penalty, 0.0)
    l2 = {"l2": alpha, "elasticnet": alpha * (1 - l1_ratio)}.get(penalty, 0.0)
    return (s @ point) / s.sum() + l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w)


# ---------------------------------------------------------------- what a call returns


def test_the_losses_of_a_call_come_back_as_float64_arrays_one_value_per_epoch():
    X, y = make_data("squared_error")
    theta = np.zeros(6)
    arguments = (X, y, None, theta, np.zeros((0, 6)), None, _core.SGD(), _core.Constant(0.01))
    options = _core.SolverOptions(max_iter=10, tol=-1.0)
    status, losses, validation = _core.fit_linear(
        *arguments, options, _core.SolverState(0), 4, loss="squared_error"
    )
    assert status == "running"
    assert isinstance(losses, np.ndarray) and losses.dtype == np.float64 and losses.shape == (4,)
    assert isinstance(validation, np.ndarray) and validation.shape == (0,)
    assert losses[0] == pytest.approx(np.mean(y**2), rel=1e-12)  # the loss at theta = 0


# ---------------------------------------------------------------- stopping rules


def test_tol_zero_runs_exactly_max_iter_epochs_even_when_the_loss_stops_changing():
    X, y = make_data("squared_error")
    fit = Fit(X, y, schedule=_core.Constant(0.0), max_iter=7, tol=0.0)
    assert fit.run(100) == "max_iter"
    assert len(fit.losses) == 7 and fit.solver_state.epoch == 7
    assert len(set(fit.losses)) == 1  # lr 0: every change is exactly 0 == tol


def tol_at_the_boundary(change: float, scale: float) -> float:
    """A tol with tol * scale == change exactly, as the loop computes it (tolerance.hpp)."""
    tol = change / scale
    while tol * scale < change:
        tol = float(np.nextafter(tol, np.inf))
    while tol * scale > change:
        tol = float(np.nextafter(tol, 0.0))
    assert tol * scale == change
    return tol


@pytest.mark.parametrize("target_scale", [0.1, 30.0])  # losses below 1, then far above
def test_a_loss_change_equal_to_the_tolerance_is_not_quiet(target_scale):
    # quiet iff |L[k-1] - L[k]| < tol max(1, |L[k-1]|, |L[k]|): absolute below 1, relative above
    X, y = make_data("squared_error")
    y = y * target_scale
    reference = Fit(X, y, max_iter=30, schedule=_core.Constant(0.1 / 4))
    reference.run(30)
    L = reference.losses
    scales = [max(1.0, abs(a), abs(b)) for a, b in zip(L[:-1], L[1:], strict=True)]
    assert (max(scales[:3]) == 1.0) == (target_scale < 1)
    tol = tol_at_the_boundary(abs(L[0] - L[1]), scales[0])  # epoch 2's change, exactly at it
    assert abs(L[1] - L[2]) < tol * scales[1]
    fit = Fit(X, y, max_iter=30, tol=tol, schedule=_core.Constant(0.1 / 4))
    assert fit.run(30) == "converged"
    assert fit.losses == L[:3]  # epoch 2 (change == the tolerance) is not quiet; epoch 3 is


def test_the_epoch_a_fit_stops_at_does_not_depend_on_the_units_of_y():
    X, y = make_data("squared_error")
    y = 100.0 * y  # losses above 100 to the end: the relative part of the rule
    stops = []
    for units in (1.0, 2.0**10):  # a power of 2: every loss scales exactly, by 2**20
        fit = Fit(X, y * units, max_iter=1000, tol=1e-6, schedule=_core.Constant(0.1 / 4))
        assert fit.run(1000) == "converged"
        stops.append(len(fit.losses))
    assert stops[0] == stops[1]
    assert 10 < stops[0] < 1000


@pytest.mark.parametrize("n_iter_no_change", [1, 2, 3, 5])
def test_the_fit_stops_at_exactly_the_n_iter_no_change_th_quiet_epoch(n_iter_no_change):
    X, y = make_data("squared_error")
    reference = Fit(X, y, batch_size=4, max_iter=60, seed=9)  # noisy: quiet epochs come and go
    reference.run(60)
    L = np.array(reference.losses)
    tol = float(np.quantile(np.abs(np.diff(L))[20:], 0.75))
    in_a_row, expected = 0, None
    for epoch in range(1, len(L)):
        scale = max(1.0, abs(L[epoch - 1]), abs(L[epoch]))
        in_a_row = in_a_row + 1 if abs(L[epoch - 1] - L[epoch]) < tol * scale else 0
        if in_a_row == n_iter_no_change:
            expected = epoch + 1
            break
    assert expected is not None
    fit = Fit(X, y, batch_size=4, max_iter=60, seed=9, tol=tol, n_iter_no_change=n_iter_no_change)
    assert fit.run(60) == "converged"
    assert len(fit.losses) == expected == fit.solver_state.epoch
    assert fit.losses == list(L[:expected])


def test_divergence_leaves_the_parameters_of_the_same_fit_stopped_one_epoch_earlier():
    X, y = make_data("squared_error")
    X *= 3.0
    kwargs = dict(
        optimizer=_core.SGD(momentum=0.5),
        schedule=_core.Constant(0.3),
        batch_size=5,
        average=3,
        seed=4,
        averaging=True,
        max_iter=200,
    )
    diverging = Fit(X, y, **kwargs)
    assert diverging.run(200) == "diverged"
    k = diverging.solver_state.diverged_epoch
    assert k == diverging.solver_state.epoch and k >= 2
    stopped = Fit(X, y, **{**kwargs, "max_iter": k - 1})
    assert stopped.run(200) == "max_iter"
    for a, b in zip(diverging.arrays(), stopped.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert np.isfinite(diverging.theta).all()
    assert diverging.losses == stopped.losses
    assert diverging.solver_state.step == stopped.solver_state.step


# ---------------------------------------------------------------- sampling


def test_train_rows_restrict_training_to_those_rows():
    X, y = make_data("squared_error", m=30)
    train = np.array([2, 3, 5, 7, 11, 13, 17, 19, 23, 29], dtype=np.int64)
    y_poisoned = y.copy()
    y_poisoned[np.setdiff1d(np.arange(30), train)] = np.nan  # never read
    full = Fit(X, y_poisoned, max_iter=20)
    full.run(20, train_rows=train)
    subset = Fit(np.ascontiguousarray(X[train]), y[train], max_iter=20)
    subset.run(20)
    np.testing.assert_array_equal(full.theta, subset.theta)
    assert full.losses == subset.losses
    for sampling in ("shuffle", "replacement"):
        stochastic = Fit(X, y_poisoned, batch_size=3, sampling=sampling, max_iter=20)
        assert stochastic.run(20, train_rows=train) == "max_iter"
        assert np.isfinite(stochastic.theta).all()


def test_a_shuffled_epoch_visits_every_row_once_also_when_the_batch_size_does_not_divide():
    # lr 0: theta stays 0, so the epoch loss is sum over visited rows of y_i^2 / visits
    m = 23
    y = 2.0 ** np.arange(m)  # any dropped or repeated row changes the sum
    X = np.zeros((m, 1))
    for batch_size in (1, 4, 5, 22):
        fit = Fit(X, y, schedule=_core.Constant(0.0), batch_size=batch_size, max_iter=3)
        fit.run(3)
        np.testing.assert_allclose(fit.losses, np.mean(y**2), rtol=1e-15)


def test_a_shuffled_epoch_of_the_fused_path_visits_every_row_once_across_its_chunks():
    # more rows than the fused path takes per call (4096): the epoch spans two calls
    m = 5000
    y = np.random.default_rng(1).standard_normal(m)  # a dropped or repeated row moves the mean
    X = np.zeros((m, 1))
    fit = Fit(X, y, schedule=_core.Constant(0.0), batch_size=1, max_iter=2)
    fit.run(2)
    np.testing.assert_allclose(fit.losses, np.mean(y**2), rtol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 3])  # 1: the fused path
def test_replacement_sampling_draws_every_row_including_the_last(batch_size):
    # one-hot rows, no intercept: coefficient i moves iff row i was drawn
    m = 10
    X, y = np.eye(m), np.arange(1.0, m + 1.0)
    fit = Fit(X, y, batch_size=batch_size, sampling="replacement", max_iter=30, seed=4)
    fit.run(30, fit_intercept=False)
    assert np.all(fit.theta[1:] != 0.0)
    assert fit.theta[0] == 0.0


# ---------------------------------------------------------------- averaging


@pytest.mark.parametrize("start", [1, 4])
def test_the_average_is_the_mean_of_the_iterates_from_step_start_on(start):
    X, y = make_data("log_loss")
    fit = Fit(X, y, loss="log_loss", averaging=True, average=start, max_iter=12)
    iterates = []
    while fit.run(1) == "running" or len(iterates) < 12:
        iterates.append(fit.theta.copy())  # full batch: one step per epoch
        if fit.status != "running":
            break
    assert len(iterates) == 12
    np.testing.assert_allclose(fit.average, np.mean(iterates[start - 1 :], axis=0), rtol=1e-13)


def test_averaging_stochastic_steps_settles_closer_to_the_optimum():
    X, y = make_data("squared_error", m=200)
    plain = Fit(X, y, batch_size=1, max_iter=30, schedule=_core.Constant(0.05))
    plain.run(30)
    averaged = Fit(
        X, y, batch_size=1, max_iter=30, schedule=_core.Constant(0.05), averaging=True, average=200
    )
    averaged.run(30)
    np.testing.assert_array_equal(averaged.theta, plain.theta)  # averaging only reads theta
    best = np.linalg.lstsq(np.c_[np.ones(200), X], y, rcond=None)[0]
    assert np.linalg.norm(averaged.average - best) < 0.5 * np.linalg.norm(plain.theta - best)


# ---------------------------------------------------------------- penalties


def test_l1_sets_irrelevant_coefficients_to_exact_zeros():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 6))
    y = 2.0 * X[:, 0] - X[:, 1] + 0.01 * rng.standard_normal(100)
    fit = Fit(X, y, max_iter=500, schedule=_core.Constant(0.1))
    fit.run(500, penalty="l1", alpha=0.05)
    assert np.all(fit.theta[3:] == 0.0)
    assert np.all(fit.theta[1:3] != 0.0)
    ridge = Fit(X, y, max_iter=500, schedule=_core.Constant(0.1))
    ridge.run(500, penalty="l2", alpha=0.05)
    assert np.all(ridge.theta != 0.0)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("penalty", ["none", "l2", "elasticnet"])
def test_the_full_batch_step_follows_the_gradient_of_the_penalized_objective(loss, penalty):
    X, y = make_data(loss)
    rng = np.random.default_rng(1)
    theta0 = 0.3 * rng.standard_normal(theta_shape(loss, X.shape[1]))
    # elasticnet with l1_ratio 0: its l2 part alone (the l1 part is a prox, not a gradient)
    hyper = dict(loss=loss, penalty=penalty, alpha=0.05, l1_ratio=0.0, epsilon=0.5)
    lr = 1e-3

    def start_loss(theta):
        fit = Fit(X, y, loss=loss, schedule=_core.Constant(lr), max_iter=1)
        fit.theta[...] = theta
        fit.run(1, **hyper)
        return fit.losses[0], fit.theta

    F0, theta1 = start_loss(theta0)
    assert F0 == pytest.approx(objective(X, y, theta0, **hyper), rel=1e-13)
    gradient = (theta0 - theta1) / lr
    h = 1e-6
    differences = np.zeros_like(theta0)
    for j in np.ndindex(theta0.shape):
        up, down = theta0.copy(), theta0.copy()
        up[j] += h
        down[j] -= h
        differences[j] = (start_loss(up)[0] - start_loss(down)[0]) / (2 * h)
    np.testing.assert_allclose(gradient, differences, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- slices, CSR, float32


def run_pieces(pieces, **kwargs):
    X, y = make_data("softmax", m=31)
    fit = Fit(
        X,
        y,
        loss="softmax",
        optimizer=_core.Adam(amsgrad=True),
        averaging=True,
        schedule=_core.InvScaling(eta0=0.05, power_t=0.3),
        batch_size=4,
        average=10,
        seed=17,
        max_iter=40,
        early_stopping=True,
        tol=1e-3,
        n_iter_no_change=4,
    )
    validation = np.arange(0, 31, 3, dtype=np.int64)
    train = np.setdiff1d(np.arange(31), validation).astype(np.int64)
    for epochs in pieces:
        if (
            fit.run(
                epochs,
                train_rows=train,
                validation_rows=validation,
                penalty="l2",
                alpha=1e-3,
                **kwargs,
            )
            != "running"
        ):
            break
    return fit


def test_slices_give_one_run_bit_for_bit():
    whole = run_pieces([40])
    sliced = run_pieces([1, 2, 3, 1, 5, 8, 13, 40])
    assert whole.status == sliced.status
    for a, b in zip(whole.arrays(), sliced.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert whole.losses == sliced.losses
    assert whole.validation_losses == sliced.validation_losses
    assert pickle.dumps(whole.solver_state) == pickle.dumps(sliced.solver_state)


def test_a_pickled_solver_state_continues_the_same_run():
    X, y = make_data("huber")
    settings = dict(loss="huber", batch_size=3, max_iter=20, averaging=True, average=5)
    a, b = (Fit(X, y, optimizer=_core.Adam(), seed=seed, **settings) for seed in (2, 99))
    a.run(6)
    b.theta[...], b.state[...], b.average[...] = a.theta, a.state, a.average
    b.solver_state = pickle.loads(pickle.dumps(a.solver_state))
    a.run(20)
    b.run(20)
    for u, v in zip(a.arrays(), b.arrays(), strict=True):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("batch_size", [0, 1, 7])
# sgd with batch 1: the fused path; an l1 part only with plain sgd
@pytest.mark.parametrize(
    ("rule", "penalty"), [("adam", "l2"), ("sgd", "l2"), ("sgd", "elasticnet")]
)
def test_a_csr_fit_equals_the_dense_fit(loss, index_dtype, batch_size, rule, penalty):
    X, y = make_data(loss)
    A = sparse.csr_matrix(X)
    A.indices = A.indices.astype(index_dtype)
    A.indptr = A.indptr.astype(index_dtype)
    optimizer = _core.Adam() if rule == "adam" else _core.SGD()
    kwargs = dict(
        loss=loss,
        batch_size=batch_size,
        max_iter=15,
        seed=5,
        averaging=True,
        average=3,
        optimizer=optimizer,
        schedule=_core.Constant(0.01),
    )
    dense, csr = Fit(X, y, **kwargs), Fit(A, y, **kwargs)
    dense.run(15, penalty=penalty, alpha=0.01)
    csr.run(15, penalty=penalty, alpha=0.01)
    for a, b in zip(dense.arrays(), csr.arrays(), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(csr.losses, dense.losses, rtol=1e-12)


@pytest.mark.parametrize("loss", LOSSES)
def test_a_float32_fit_stays_float32_and_follows_the_float64_fit(loss):
    X, y = make_data(loss)
    y32 = y if loss == "softmax" else y.astype(np.float32)
    f64 = Fit(X, y, loss=loss, max_iter=30, averaging=True, average=2)
    f32 = Fit(X.astype(np.float32), y32, loss=loss, max_iter=30, averaging=True, average=2)
    f64.run(30, penalty="l2", alpha=0.01)
    f32.run(30, penalty="l2", alpha=0.01)
    assert f32.theta.dtype == np.float32
    np.testing.assert_allclose(f32.theta, f64.theta, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(f32.average, f64.average, rtol=1e-4, atol=1e-5)


def test_sample_weights_weight_the_mean_over_the_training_rows():
    X, y = make_data("squared_error")
    w = np.random.default_rng(0).uniform(0.0, 2.0, len(y))
    fit = Fit(X, y, max_iter=1)
    fit.theta[...] = 0.1
    fit.run(1, sample_weight=w, train_rows=np.arange(10, 40, dtype=np.int64))
    rows = slice(10, 40)
    assert fit.losses[0] == pytest.approx(
        objective(X[rows], y[rows], np.full(6, 0.1), loss="squared_error", sample_weight=w[rows]),
        rel=1e-13,
    )


# ---------------------------------------------------------------- internal coordinates


def test_a_scaled_fit_mapped_to_caller_units_reaches_the_unscaled_optimum():
    X, y = make_data("squared_error", m=60, n=3)
    X = X * np.array([100.0, 1.0, 0.01]) + np.array([50.0, -1.0, 0.003])
    mu, sigma = X.mean(axis=0), X.std(axis=0)
    alpha = 1e-6  # in caller units: its internal curvature alpha / sigma^2 must stay small
    fit = Fit(X, y, schedule=_core.Constant(0.3), max_iter=3000)
    fit.run(3000, penalty="l2", alpha=alpha, feature_offset=mu, feature_scale=sigma)
    w = fit.theta[1:] / sigma
    b = fit.theta[0] - mu @ w
    # the optimum of mean r^2 + alpha/2 |w|^2: (2/m) Xb^T (Xb theta - y) + alpha (0, w) = 0
    Xb = np.c_[np.ones(len(y)), X]
    A = 2 * Xb.T @ Xb / len(y) + alpha * np.diag([0.0, 1.0, 1.0, 1.0])
    best = np.linalg.solve(A, 2 * Xb.T @ y / len(y))
    np.testing.assert_allclose(np.r_[b, w], best, rtol=1e-8)
    unscaled = Fit(X, y, schedule=_core.Constant(0.3), max_iter=3000)
    assert unscaled.run(3000, penalty="l2", alpha=alpha) == "diverged"  # why scaling exists


# ---------------------------------------------------------------- early stopping


def test_early_stopping_stops_on_the_validation_loss_and_restores_the_best_epoch():
    X, y = make_data("log_loss", m=60)
    validation = np.arange(40, 60, dtype=np.int64)
    train = np.arange(40, dtype=np.int64)
    kwargs = dict(
        loss="log_loss",
        batch_size=2,
        seed=8,
        schedule=_core.Constant(1.0),
        max_iter=80,
        averaging=True,
        average=1,
    )
    free = Fit(X, y, **kwargs)  # the same run without stopping, epoch by epoch
    thetas, averages = [], []
    for _ in range(80):
        free.run(1, train_rows=train, validation_rows=validation)
        thetas.append(free.theta.copy())
        averages.append(free.average.copy())
    V = free.validation_losses
    tol, patience = 1e-4, 3
    best, quiet, stop = np.inf, 0, None
    for epoch, v in enumerate(V):
        quiet = quiet + 1 if v > best - tol else 0
        best = min(best, v)
        if quiet == patience:
            stop = epoch
            break
    assert stop is not None and stop < 79
    fit = Fit(X, y, **kwargs, early_stopping=True, tol=tol, n_iter_no_change=patience)
    assert fit.run(80, train_rows=train, validation_rows=validation) == "early_stopped"
    assert fit.validation_losses == V[: stop + 1]
    assert fit.losses == free.losses[: stop + 1]
    best_epoch = int(np.argmin(V[: stop + 1]))
    np.testing.assert_array_equal(fit.theta, thetas[best_epoch])
    np.testing.assert_array_equal(fit.average, averages[best_epoch])
    assert fit.solver_state.best_validation_loss == V[best_epoch]


def test_validation_losses_are_the_mean_data_loss_on_the_held_out_rows():
    X, y = make_data("softmax")
    w = np.random.default_rng(2).uniform(0.5, 1.5, len(y))
    validation = np.arange(30, 40, dtype=np.int64)
    fit = Fit(X, y, loss="softmax", max_iter=3)
    fit.run(
        3,
        sample_weight=w,
        train_rows=np.arange(30, dtype=np.int64),
        validation_rows=validation,
        penalty="l2",
        alpha=0.1,
    )
    expected = objective(X[30:], y[30:], fit.theta, loss="softmax", sample_weight=w[30:])
    assert fit.validation_losses[-1] == pytest.approx(expected, rel=1e-13)


# ---------------------------------------------------------------- refusals


def bad_calls():
    """(what to change, exception, message) for calls that must be refused."""
    csr_unsorted = sparse.csr_matrix(make_data("squared_error")[0])
    csr_unsorted.indices[[0, 1]] = csr_unsorted.indices[[1, 0]]
    yield dict(loss="hinge"), ValueError, "loss: expected one of 'squared_error'"
    yield dict(loss=3), TypeError, "loss: expected a str"
    yield dict(penalty="l3"), ValueError, "penalty: expected None, 'l2'"
    yield dict(alpha=-1.0), ValueError, "alpha"
    yield dict(alpha="big"), TypeError, "alpha: expected a real number"
    yield dict(l1_ratio=1.5), ValueError, "l1_ratio"
    yield dict(epsilon=-0.1), ValueError, "epsilon"
    yield dict(epochs=0), ValueError, "epochs: expected an int >= 1"
    yield dict(epochs=2.0), TypeError, "epochs: expected an int"
    yield dict(fit_intercept="yes"), TypeError, "fit_intercept: expected a bool"
    yield dict(X=csr_unsorted), ValueError, "X.indices: expected column indices sorted"
    yield dict(X=np.zeros((40, 5), dtype=np.float32)), TypeError, "y: expected dtype float32"
    yield dict(X=np.zeros((40, 5, 1))), ValueError, "X: expected shape"
    yield dict(loss="log_loss"), ValueError, "y: expected labels 0 or 1"
    yield dict(y=np.ones(39)), ValueError, "y: expected shape"
    yield dict(sample_weight=-np.ones(40)), ValueError, "sample_weight: expected finite weights"
    yield dict(theta=np.zeros(5)), ValueError, "theta: expected shape"
    yield dict(theta=np.zeros(6, dtype=np.float32)), TypeError, "theta: expected dtype float64"
    yield dict(state=np.zeros((2, 6))), ValueError, "state: expected shape"
    yield dict(average=np.zeros(7)), ValueError, "average: expected shape"
    yield (
        dict(options=_core.SolverOptions(average=2), average=None),
        ValueError,
        "average: expected an array",
    )
    yield (
        dict(options=_core.SolverOptions(early_stopping=True)),
        ValueError,
        "validation_rows: expected",
    )
    yield dict(options=None), TypeError, "options: expected a descend._core.SolverOptions"
    yield dict(solver_state=3), TypeError, "solver_state: expected a descend._core.SolverState"
    yield dict(optimizer="sgd"), TypeError, "optimizer: expected a descend._core update rule"
    yield dict(schedule=0.1), TypeError, "schedule: expected a descend._core schedule"
    yield dict(train_rows=np.array([0, 1, 1])), ValueError, "train_rows: expected distinct"
    yield dict(train_rows=np.array([0, 40])), ValueError, "train_rows: expected row numbers in"
    yield (
        dict(train_rows=np.array([0, 1], dtype=np.int32)),
        TypeError,
        "train_rows: expected dtype int64",
    )
    yield (
        dict(train_rows=np.arange(5), validation_rows=np.array([3, 7])),
        ValueError,
        "validation_rows: expected rows disjoint from train_rows",
    )
    yield (
        dict(sample_weight=np.r_[np.zeros(10), np.ones(30)], train_rows=np.arange(10)),
        ValueError,
        "sample_weight: the weights of the training rows",
    )
    yield dict(feature_scale=np.zeros(5)), ValueError, "feature_scale: expected finite values > 0"
    yield (
        dict(feature_scale=np.ones(5, dtype=np.float32)),
        TypeError,
        "feature_scale: expected dtype",
    )
    yield dict(feature_offset=np.ones(4)), ValueError, "feature_offset: expected shape"
    yield (
        dict(feature_offset=np.ones(5), fit_intercept=False),
        ValueError,
        "feature_offset: expected None when fit_intercept is False",
    )


@pytest.mark.parametrize("change, error, message", list(bad_calls()))
def test_a_refused_call_names_the_problem_and_leaves_every_array_untouched(change, error, message):
    X, y = make_data("squared_error")
    fit = Fit(X, y, optimizer=_core.SGD(momentum=0.9), averaging=True)
    rng = np.random.default_rng(0)
    for a in (fit.theta, fit.state, fit.average):
        a[...] = rng.standard_normal(a.shape)
    before = [a.copy() for a in (fit.theta, fit.state, fit.average, X, y)]
    with pytest.raises(error, match=message):
        fit.run(3, **change)
    for a, b in zip(before, (fit.theta, fit.state, fit.average, X, y), strict=True):
        np.testing.assert_array_equal(a, b)


def test_arrays_the_loop_writes_must_not_share_memory():
    X, y = make_data("squared_error")
    block = np.zeros((2, 6))
    shared = "theta: expected an array of its own, got one sharing memory with state"
    with pytest.raises(ValueError, match=shared):
        _core.fit_linear(
            X,
            y,
            None,
            block[0],
            block[None, 0],
            None,
            _core.SGD(momentum=0.9),
            _core.Constant(0.1),
            _core.SolverOptions(),
            _core.SolverState(0),
            1,
            loss="squared_error",
        )
    theta = np.zeros(6)
    theta.flags.writeable = False
    with pytest.raises(ValueError, match="theta: expected a writeable array"):
        _core.fit_linear(
            X,
            y,
            None,
            theta,
            np.zeros((0, 6)),
            None,
            _core.SGD(),
            _core.Constant(0.1),
            _core.SolverOptions(),
            _core.SolverState(0),
            1,
            loss="squared_error",
        )


@pytest.mark.parametrize("optimizer", [_core.Adam(), _core.SGD(momentum=0.9), _core.Adagrad()])
@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
def test_an_l1_part_with_a_rule_other_than_plain_sgd_is_refused_before_any_write(
    optimizer, penalty
):
    X, y = make_data("squared_error")
    fit = Fit(X, y, optimizer=optimizer, max_iter=5)
    before = [a.copy() for a in fit.arrays()]
    with pytest.raises(ValueError, match=f"penalty: '{penalty}'.*plain 'sgd'.*got optimizer"):
        fit.run(5, penalty=penalty, alpha=0.01)
    for a, b in zip(fit.arrays(), before, strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- threads (speed's tests)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("kind", ["dense", "csr", "train_rows", "scaled"])
def test_a_threaded_full_batch_fit_is_bit_identical_for_a_given_n_threads(loss, kind):
    X, y = make_data(loss, m=61)
    args = {}
    if kind == "csr":
        X = sparse.csr_matrix(X)
    elif kind == "train_rows":
        args["train_rows"] = np.arange(3, 58, dtype=np.int64)
    elif kind == "scaled":
        args["feature_offset"], args["feature_scale"] = X.mean(axis=0), X.std(axis=0) + 0.5

    def fitted(n_threads):
        fit = Fit(X, y, loss=loss, optimizer=_core.Adam(), max_iter=30)
        fit.run(30, n_threads=n_threads, **args)
        return fit

    one = fitted(1)
    # small data: None (automatic) runs on one thread, exactly the one-thread fit
    np.testing.assert_array_equal(fitted(None).theta, one.theta)
    for n_threads in (2, 3, 7):
        first, second = fitted(n_threads), fitted(n_threads)
        for a, b in zip(first.arrays(), second.arrays(), strict=True):
            np.testing.assert_array_equal(a, b)
        assert first.losses == second.losses
        # blocks summed in another order than one pass: equal up to rounding
        np.testing.assert_allclose(first.theta, one.theta, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(first.losses, one.losses, rtol=1e-12)


@pytest.mark.parametrize(
    ("n_threads", "error", "message"),
    [
        (0, ValueError, "n_threads: expected None or an int >= 1, got 0"),
        (-2, ValueError, "n_threads: expected None or an int >= 1, got -2"),
        (True, TypeError, "n_threads: expected None or an int >= 1, got bool"),
        (2.0, TypeError, "n_threads: expected None or an int >= 1, got float"),
    ],
)
def test_a_bad_n_threads_is_refused_before_any_write(n_threads, error, message):
    X, y = make_data("squared_error")
    fit = Fit(X, y, max_iter=5)
    before = fit.arrays()
    with pytest.raises(error, match=message):
        fit.run(5, n_threads=n_threads)
    for a, b in zip(before, fit.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_an_unknown_optimizer_is_refused_naming_every_compiled_rule():
    X, y = make_data("squared_error")
    fit = Fit(X, y, max_iter=5)
    fit.optimizer = "adam"
    with pytest.raises(TypeError) as refused:
        fit.run(1)
    # the names come from the rule types themselves: every rule of _core, Lion included
    listed = str(refused.value).split("(")[1].split(")")[0].split(", ")
    rules = [name for name in dir(_core) if hasattr(getattr(_core, name), "state_slots")]
    assert "Lion" in listed and sorted(listed) == sorted(rules)
