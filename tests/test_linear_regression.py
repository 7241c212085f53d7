"""descend.LinearRegression: optima against NumPy/SciPy references, losses, penalties, sparse
input, averaging, partial_fit, warm_start, pickling, seeds, dtypes, divergence, input checks."""

import contextlib
import copy
import doctest
import io
import os
import pickle
import tracemalloc
import warnings

import numpy as np
import pytest

import descend
from descend import _core
from descend._validation import seed_from_random_state
from descend.cli import tutorial_data
from descend.schedules import Constant, InverseTime, InvScaling, ReduceOnPlateau

from .conftest import fit_in_slices, with_intercept

scipy_optimize = pytest.importorskip("scipy.optimize")
sparse = pytest.importorskip("scipy.sparse")


def lstsq(X, y):
    return np.linalg.lstsq(with_intercept(X), y, rcond=None)[0]


def well_conditioned(rng, m=200, n=5):
    X = rng.standard_normal((m, n))
    y = 1.5 + X @ rng.standard_normal(n) + 0.1 * rng.standard_normal(m)
    return X, y


def theta_of(model):
    return np.r_[model.intercept_, model.coef_]


# ---------------------------------------------------------------------- NumPy references
def objective(
    theta,
    X,
    y,
    *,
    loss="squared_error",
    epsilon=0.1,
    penalty=None,
    alpha=1e-4,
    l1_ratio=0.15,
    weight=None,
):
    """The estimator's objective written from its docstring, in float64."""
    r = with_intercept(X) @ theta - y
    if loss == "squared_error":
        point = r**2
    else:
        a = np.minimum(np.abs(r), epsilon)
        point = a * (np.abs(r) - a / 2)
    weight = np.ones_like(y) if weight is None else weight
    w = theta[1:]
    l1 = {None: 0.0, "l2": 0.0, "l1": 1.0, "elasticnet": l1_ratio}[penalty]
    l2 = {None: 0.0, "l2": 1.0, "l1": 0.0, "elasticnet": 1 - l1_ratio}[penalty]
    return np.sum(weight * point) / np.sum(weight) + alpha * (l1 * np.abs(w).sum() + l2 * w @ w / 2)


def smooth_optimum(X, y, **kw):
    """The minimum of a smooth objective by SciPy's L-BFGS, with its gradient from the same
    formula (squared error: 2r; Huber: r clipped to ±epsilon; l2: alpha w)."""
    Xb = with_intercept(X)
    epsilon, alpha = kw.get("epsilon", 0.1), kw.get("alpha", 1e-4)
    l2 = alpha if kw.get("penalty") == "l2" else 0.0

    def gradient(theta):
        r = Xb @ theta - y
        slope = (
            2 * r
            if kw.get("loss", "squared_error") == "squared_error"
            else np.clip(r, -epsilon, epsilon)
        )
        return Xb.T @ slope / len(y) + l2 * np.r_[0.0, theta[1:]]

    result = scipy_optimize.minimize(
        lambda theta: objective(theta, X, y, **kw),
        np.zeros(X.shape[1] + 1),
        jac=gradient,
        method="L-BFGS-B",
        options=dict(maxiter=10_000, ftol=1e-15, gtol=1e-12),
    )
    return result.fun


# ---------------------------------------------------------------------- optima
@pytest.mark.parametrize("seed", range(3))
def test_gradient_descent_reaches_the_lstsq_solution(seed):
    X, y = well_conditioned(np.random.default_rng(seed))
    model = descend.LinearRegression(learning_rate=0.2, max_iter=5000, tol=1e-15).fit(X, y)
    np.testing.assert_allclose(theta_of(model), lstsq(X, y), atol=1e-6)
    assert model.converged_ and model.n_iter_ < 5000
    assert model.n_iter_ == len(model.loss_curve_)


def test_default_settings_converge_without_tuning_on_standardized_data(rng):
    # learning_rate="auto": no step size given, the fit converges, without a warning
    X, y = well_conditioned(rng)
    model = descend.LinearRegression(tol=1e-12).fit(X, y)
    np.testing.assert_allclose(theta_of(model), lstsq(X, y), atol=1e-5)
    assert model.converged_


def test_default_settings_converge_on_raw_diabetes_in_any_units_of_y():
    # the tolerance is relative once the loss exceeds 1: the default fit stops at the same
    # epoch for y and 100 y (an absolute 1e-6 ran 2698 and 4862 epochs, past max_iter=1000,
    # with a ConvergenceWarning), at the optimum's R^2 to 4 digits
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_diabetes(return_X_y=True)
    X = np.ascontiguousarray(X * 1000.0)  # as shipped its columns have unit norm
    best = np.linalg.lstsq(np.c_[np.ones(len(X)), X], y, rcond=None)[0]
    best_r2 = 1 - np.mean((np.c_[np.ones(len(X)), X] @ best - y) ** 2) / np.var(y)
    stops = []
    for units in (1.0, 100.0):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model = descend.LinearRegression().fit(X, y * units)
        assert model.status_ == "converged"
        assert model.score(X, y * units) == pytest.approx(best_r2, abs=1e-3)
        stops.append(model.n_iter_)
    assert stops[0] == stops[1] < 1000


@pytest.mark.parametrize("sparse_x", [False, True])
@pytest.mark.parametrize("batch_size", [None, 1])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov"])
def test_default_settings_converge_on_a_one_row_data_set(rng, optimizer, batch_size, sparse_x):
    # one row: its one-row steps are full batches, and learning_rate="auto" gives them the full
    # batch's step 1 / L (it once took the step of one-row steps on more rows, from a one-pass
    # estimate of lambda_max, several times too large: the fit diverged); the fit then
    # interpolates the row
    X, y = rng.standard_normal((1, 3)), np.array([7.0])
    X = sparse.csr_matrix(X) if sparse_x else X
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = descend.LinearRegression(
            optimizer=optimizer, batch_size=batch_size, tol=1e-12, random_state=0
        ).fit(X, y)
    assert model.status_ == "converged"
    np.testing.assert_allclose(model.predict(X), y, rtol=1e-5)


def test_adam_full_batch_reaches_the_lstsq_solution(rng):
    X, y = well_conditioned(rng)
    model = descend.LinearRegression(
        optimizer="adam", learning_rate=0.05, max_iter=5000, tol=1e-15
    ).fit(X, y)
    np.testing.assert_allclose(theta_of(model), lstsq(X, y), atol=1e-6)


@pytest.mark.parametrize(
    ("params", "dataset"),
    [
        (dict(loss="huber", epsilon=0.5), "diabetes"),
        (dict(penalty="l2", alpha=0.05), "diabetes"),
        (dict(loss="huber", epsilon=1.0, penalty="l2", alpha=1e-3), "synthetic"),
    ],
)
def test_full_batch_fit_reaches_the_scipy_optimum_of_the_same_objective(rng, params, dataset):
    # Issue 9 item 6: full batch within 1e-6 (relative) of the L-BFGS optimum.
    if dataset == "diabetes":
        datasets = pytest.importorskip("sklearn.datasets")
        X, y = datasets.load_diabetes(return_X_y=True)
        X = (X - X.mean(0)) / X.std(0)
        y = (y - y.mean()) / y.std()
    else:
        X, y = well_conditioned(rng)
        y[:10] += 20  # outliers, where Huber is linear
    model = descend.LinearRegression(max_iter=20_000, tol=1e-13, **params).fit(X, y)
    best = smooth_optimum(X, y, **params)
    reached = objective(theta_of(model), X, y, **params)
    assert reached == pytest.approx(best, rel=1e-6)
    assert reached >= best * (1 - 1e-9)  # L-BFGS found the minimum, we did not go below it


@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
def test_l1_fits_satisfy_the_optimality_conditions_with_exact_zeros(rng, penalty):
    # Sparse truth: the l1 part must give exact zeros where the subgradient condition
    # |∂_j mean loss| <= alpha * l1_ratio holds, and stationarity elsewhere.
    X = rng.standard_normal((300, 8))
    y = X[:, :3] @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.standard_normal(300)
    alpha, l1_ratio = 0.2, (1.0 if penalty == "l1" else 0.5)
    model = descend.LinearRegression(
        penalty=penalty, alpha=alpha, l1_ratio=l1_ratio, max_iter=20_000, tol=1e-14
    ).fit(X, y)
    theta = theta_of(model)
    residual = with_intercept(X) @ theta - y
    gradient = 2 * with_intercept(X).T @ residual / len(y)
    w, g = theta[1:], gradient[1:] + alpha * (1 - l1_ratio) * theta[1:]
    zero = w == 0.0
    assert zero[3:].all()  # the irrelevant features are exactly zero
    assert not zero[:3].any()
    np.testing.assert_array_less(np.abs(g[zero]), alpha * l1_ratio + 1e-8)
    np.testing.assert_allclose(g[~zero], -alpha * l1_ratio * np.sign(w[~zero]), atol=1e-7)
    assert abs(gradient[0]) < 1e-7


# ---------------------------------------------------------------------- sampling and seeds
@pytest.mark.parametrize("sampling", ["shuffle", "replacement"])
@pytest.mark.parametrize("batch_size", [1, 16])
def test_both_sampling_modes_converge(rng, sampling, batch_size):
    X, y = well_conditioned(rng)
    model = sgd(X, y, 3, sampling, batch_size=batch_size, max_iter=200)
    np.testing.assert_allclose(theta_of(model), lstsq(X, y), atol=2e-2)
    assert model.n_iter_ == 200


def sgd(X, y, seed, sampling="replacement", batch_size=1, max_iter=50):
    """LinearRegression fitted by the tutorial's SGD: rate InverseTime(5, 50), every epoch run."""
    settings = dict(batch_size=batch_size, sampling=sampling, max_iter=max_iter, random_state=seed)
    return descend.LinearRegression(schedule=InverseTime(5, 50), tol=None, **settings).fit(X, y)


@pytest.mark.parametrize("sampling", ["shuffle", "replacement"])
def test_sgd_is_identical_for_the_same_seed_and_differs_for_another(sampling):
    X, y = tutorial_data()
    first, again, other = (sgd(X, y, seed, sampling) for seed in (7, 7, 8))
    assert first.coef_.tobytes() == again.coef_.tobytes()
    assert first.loss_curve_ == again.loss_curve_
    assert first.coef_[0] != other.coef_[0]
    assert first.t_ == 50 * 100


def test_random_state_none_gives_each_fit_a_fresh_seed():
    X, y = tutorial_data()
    first, second = (sgd(X, y, None) for _ in range(2))
    assert first.coef_[0] != second.coef_[0]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_random_state_none_seeds_of_a_forked_child_differ_from_its_parents():
    # the seeds come from a generator of the process: a forked child reseeds it, else parent
    # and child would draw the same seeds (and sample the same rows)
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # (Python >= 3.12: forking a process with threads)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: send its next seed, then leave at once
        os.write(write_end, seed_from_random_state(None).to_bytes(8, "big"))
        os._exit(0)
    os.close(write_end)
    parents = seed_from_random_state(None)
    childs = int.from_bytes(os.read(read_end, 8), "big")
    os.close(read_end)
    assert os.waitpid(pid, 0)[1] == 0
    assert childs != parents


def test_tutorial_sgd_lands_near_the_exact_answer():
    X, y = tutorial_data()
    model = sgd(X, y, 42, max_iter=1000)
    np.testing.assert_allclose(theta_of(model), lstsq(X, y), atol=5e-2)


def test_averaging_settles_a_constant_rate_sgd_near_the_optimum(rng):
    # Constant-rate SGD wanders around the optimum; the Polyak average of the iterates
    # sits much closer to it (issue 9 item 2).
    X, y = well_conditioned(rng, m=500)
    exact = lstsq(X, y)

    def fit(average):
        return descend.LinearRegression(
            batch_size=1,
            learning_rate=0.02,
            average=average,
            max_iter=30,
            tol=None,
            random_state=1,
        ).fit(X, y)

    plain, averaged = fit(False), fit(True)
    plain_error = np.abs(theta_of(plain) - exact).max()
    averaged_error = np.abs(theta_of(averaged) - exact).max()
    assert averaged_error < plain_error / 3
    assert averaged_error < 5e-3


def test_minibatch_epoch_loss_is_the_mean_of_step_losses():
    # With lr = 0 the parameters stay at zero, so every step loss is the batch mean of y^2 and
    # the epoch loss must be the mean of y^2 over the data, whatever the batches.
    X, y = tutorial_data()
    model = descend.LinearRegression(
        batch_size=7, schedule=Constant(0.0), max_iter=3, tol=None, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(model.loss_curve_, np.mean(y**2), rtol=1e-12)


# ---------------------------------------------------------------------- dtypes and sparse X
def test_float32_data_is_fitted_in_float32():
    X, y = tutorial_data()
    model = descend.LinearRegression(learning_rate=0.1, tol=None).fit(X.astype(np.float32), y)
    assert model.coef_.dtype == np.float32
    assert model.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(theta_of(model), lstsq(X, y), atol=1e-4)


def sparse_problem(rng, m=400, n=30, density=0.1):
    X = sparse.random(m, n, density=density, format="csr", random_state=np.random.RandomState(0))
    y = X @ rng.standard_normal(n) + 0.5
    return X, y


@pytest.mark.parametrize("batch_size", [None, 1, 8])
def test_csr_fits_equal_dense_fits(rng, batch_size):
    X, y = sparse_problem(rng)
    params = dict(penalty="elasticnet", learning_rate=0.05, max_iter=30, tol=None, random_state=0)
    on_csr = descend.LinearRegression(batch_size=batch_size, **params).fit(X, y)
    on_dense = descend.LinearRegression(batch_size=batch_size, **params).fit(X.toarray(), y)
    # same steps; only the order of the additions may differ (zeros skipped)
    np.testing.assert_allclose(theta_of(on_csr), theta_of(on_dense), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(on_csr.predict(X), on_dense.predict(X.toarray()), rtol=1e-10)


def test_other_sparse_formats_and_csr_arrays_give_the_csr_fit(rng):
    X, y = sparse_problem(rng)
    params = dict(learning_rate=0.05, max_iter=20, tol=None)
    reference = descend.LinearRegression(**params).fit(X, y)
    for other in (X.tocsc(), X.tocoo(), sparse.csr_array(X)):
        model = descend.LinearRegression(**params).fit(other, y)
        np.testing.assert_array_equal(model.coef_, reference.coef_)


@pytest.mark.parametrize("wider", ["indptr", "indices"])
def test_a_csr_with_int32_and_int64_index_arrays_gives_the_csr_fit(rng, wider):
    # (one of them int64 passed the checks, and the kernels refused X.indptr's dtype)
    X, y = sparse_problem(rng)
    params = dict(learning_rate=0.05, max_iter=20, tol=None)
    reference = descend.LinearRegression(**params).fit(X, y)
    mixed = X.copy()
    setattr(mixed, wider, getattr(mixed, wider).astype(np.int64))
    assert mixed.indices.dtype != mixed.indptr.dtype
    model = descend.LinearRegression(**params).fit(mixed, y)
    np.testing.assert_array_equal(model.coef_, reference.coef_)
    assert mixed.indices.dtype != mixed.indptr.dtype  # the caller's matrix is left as it was


def test_sparse_x_is_never_densified(rng):
    # 4000 x 2000 at 0.5%: 64 MB dense, 0.5 MB as CSR; the fit allocates far less than dense
    X = sparse.random(
        4000, 2000, density=0.005, format="csr", random_state=np.random.RandomState(1)
    )
    y = np.asarray(X.sum(axis=1)).ravel()
    tracemalloc.start()
    try:
        descend.LinearRegression(max_iter=3, tol=None).fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8e6


def test_fit_leaves_x_uncopied_and_unchanged():
    X, y = tutorial_data()
    before = X.copy()
    descend.LinearRegression(learning_rate=0.1, tol=None, max_iter=5).fit(X, y)
    np.testing.assert_array_equal(X, before)


# ---------------------------------------------------------------------- partial_fit, warm_start
def test_k_partial_fit_calls_equal_a_fit_of_k_epochs_bit_for_bit(rng):
    # optimizer state (Adam's moments), schedule position and generator carry over
    X, y = well_conditioned(rng)
    params = dict(optimizer="adam", schedule=InvScaling(0.05), batch_size=16, random_state=4)
    fitted = descend.LinearRegression(max_iter=7, tol=None, **params).fit(X, y)
    partial = descend.LinearRegression(**params)
    for _ in range(7):
        partial.partial_fit(X, y)
    assert theta_of(partial).tobytes() == theta_of(fitted).tobytes()
    assert partial.loss_curve_ == fitted.loss_curve_
    assert partial.n_iter_ == 7 and partial.t_ == fitted.t_


def test_partial_fit_over_chunks_takes_one_step_per_chunk_in_order(rng):
    # Full batch: each call is one gradient step on its chunk, at the schedule's next rate.
    X, y = well_conditioned(rng, m=90, n=3)
    schedule = InverseTime(1.0, 4.0)
    model = descend.LinearRegression(schedule=schedule)
    theta = np.zeros(4)
    for t, rows in enumerate(np.array_split(np.arange(90), 3)):
        model.partial_fit(X[rows], y[rows])
        Xb = with_intercept(X[rows])
        theta = theta - schedule(t) * 2 * Xb.T @ (Xb @ theta - y[rows]) / len(rows)
    np.testing.assert_allclose(theta_of(model), theta, rtol=1e-12)
    assert model.t_ == 3


def test_partial_fit_refuses_another_update_rule_and_changes_nothing(rng):
    # (the state of one rule read as another's: momentum's velocity taken for Adagrad's sum
    # of squares diverged)
    X, y = well_conditioned(rng)
    model = descend.LinearRegression(optimizer="momentum", learning_rate=0.01, random_state=0)
    model.partial_fit(X, y)
    before = theta_of(model).copy(), model._fit_state.state.copy(), model.t_
    for other in (
        "adagrad",  # another rule
        "sgd",  # the same rule, other hyperparameters (momentum 0) and the same state slots
        descend.optim.SGD(None, momentum=0.5),
    ):
        model.optimizer = other
        with pytest.raises(ValueError, match=r"not the update rule of the earlier.*SGD\("):
            model.partial_fit(X, y)
        np.testing.assert_array_equal(theta_of(model), before[0])
        np.testing.assert_array_equal(model._fit_state.state, before[1])
        assert model.t_ == before[2]
    model.set_params(optimizer="adagrad", max_iter=3, tol=None)
    assert model.fit(X, y).n_iter_ == 3  # fit starts over with the new rule
    model.partial_fit(X, y)  # and partial_fit then carries on with it
    assert model.n_iter_ == 4


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ({"learning_rate": 0.01}, {"learning_rate": 0.001}),
        ({}, {"learning_rate": 0.01}),  # from "auto", whose step and scaling are the data's
        ({"schedule": InvScaling(0.05)}, {"schedule": InvScaling(0.05, power_t=0.5)}),
        ({"schedule": InvScaling(0.05)}, {"schedule": None}),
    ],
)
def test_partial_fit_refuses_other_step_sizes_and_changes_nothing(rng, first, then):
    X, y = well_conditioned(rng)
    model = descend.LinearRegression(**first).partial_fit(X, y)
    model.partial_fit(X, y)  # the same values, or equal copies of them: carried on
    model.set_params(**{k: copy.deepcopy(v) for k, v in first.items()}).partial_fit(X, y)
    before = theta_of(model).copy(), model.t_
    model.set_params(**then)
    with pytest.raises(ValueError, match="are not the step sizes of the earlier"):
        model.partial_fit(X, y)
    np.testing.assert_array_equal(theta_of(model), before[0])
    assert model.t_ == before[1]
    model.set_params(warm_start=True, max_iter=2, tol=None).fit(X, y)  # fit starts over
    assert model.n_iter_ == 2
    model.partial_fit(X, y)
    assert model.n_iter_ == 3


def test_partial_fit_compares_the_schedules_settings_not_the_callers_objects_state(rng):
    # the caller's schedule, stepped elsewhere, has another state: the run steps its own copy
    X, y = well_conditioned(rng)
    schedule = ReduceOnPlateau(0.05, patience=0)
    model = descend.LinearRegression(schedule=schedule, max_iter=5, tol=None).partial_fit(X, y)
    schedule.step(3.0)
    steps = model.t_
    model.partial_fit(X, y)
    assert model.t_ > steps
    model.set_params(schedule=ReduceOnPlateau(0.05, patience=1))
    with pytest.raises(ValueError, match="are not the step sizes of the earlier"):
        model.partial_fit(X, y)


def test_partial_fit_takes_the_same_rule_by_name_or_as_an_optim_instance(rng):
    X, y = well_conditioned(rng)
    params = dict(learning_rate=0.01, batch_size=4, random_state=3)
    by_name = descend.LinearRegression(optimizer="momentum", **params)
    by_instance = descend.LinearRegression(optimizer="momentum", **params)
    for model in (by_name, by_instance):
        model.partial_fit(X, y)
    by_instance.optimizer = descend.optim.SGD(None, lr=0.5, momentum=0.9)  # (lr is not used)
    for model in (by_name, by_instance):
        model.partial_fit(X, y)
    assert theta_of(by_instance).tobytes() == theta_of(by_name).tobytes()


def test_partial_fit_keeps_the_feature_names_of_its_first_call(rng):
    pd = pytest.importorskip("pandas")
    X, y = well_conditioned(rng, n=3)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = descend.LinearRegression().partial_fit(frame, y)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        model.partial_fit(X, y)
    assert model.feature_names_in_.tolist() == ["a", "b", "c"]
    steps = model.t_
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        model.partial_fit(frame[["c", "b", "a"]], y)
    assert model.t_ == steps and model.feature_names_in_.tolist() == ["a", "b", "c"]
    unnamed = descend.LinearRegression().partial_fit(X, y)
    with pytest.warns(UserWarning, match="X has feature names, but LinearRegression"):
        unnamed.partial_fit(frame, y)
    assert not hasattr(unnamed, "feature_names_in_")


def test_warm_start_continues_from_the_previous_parameters(rng):
    X, y = well_conditioned(rng)
    params = dict(learning_rate=0.01, tol=None)
    ten = descend.LinearRegression(max_iter=10, **params).fit(X, y)
    warm = descend.LinearRegression(max_iter=5, warm_start=True, **params).fit(X, y)
    warm.fit(X, y)
    np.testing.assert_allclose(theta_of(warm), theta_of(ten), rtol=1e-14)
    cold = descend.LinearRegression(max_iter=5, **params).fit(X, y).fit(X, y)
    assert not np.allclose(theta_of(cold), theta_of(ten))


@pytest.mark.parametrize("estimator", [descend.LinearRegression, descend.LogisticRegression])
def test_a_warm_start_without_intercept_starts_and_stays_at_a_zero_intercept(rng, estimator):
    X, y = well_conditioned(rng)
    y = y + 5.0 if estimator is descend.LinearRegression else (y > np.median(y) - 1.0)
    model = estimator(warm_start=True, max_iter=50, tol=None).fit(X, y)
    assert np.all(model.intercept_ != 0.0)
    model.set_params(fit_intercept=False).fit(X, y)
    cold = estimator(fit_intercept=False, max_iter=50, tol=None).fit(X, y)
    assert np.all(model.intercept_ == 0.0)
    assert model.predict(np.zeros((1, X.shape[1])))[0] == cold.predict(np.zeros((1, X.shape[1])))[0]


@pytest.mark.parametrize("learning_rate", ["auto", 0.01])
def test_partial_fit_refuses_another_fit_intercept_and_changes_nothing(rng, learning_rate):
    X, y = well_conditioned(rng)
    model = descend.LinearRegression(learning_rate=learning_rate).partial_fit(X, y + 5.0)
    before = theta_of(model).copy(), model.t_
    model.set_params(fit_intercept=False)
    with pytest.raises(ValueError, match=r"fit_intercept=False is not that of the earlier fit"):
        model.partial_fit(X, y + 5.0)
    np.testing.assert_array_equal(theta_of(model), before[0])
    assert model.t_ == before[1]
    restored = pickle.loads(pickle.dumps(model.set_params(fit_intercept=True)))
    restored.partial_fit(X, y + 5.0)  # the same fit_intercept, through a pickle: carried on
    assert restored.t_ > before[1]


def test_pickle_mid_partial_fit_keeps_optimizer_and_schedule_state(rng):
    X, y = well_conditioned(rng)
    model = descend.LinearRegression(
        optimizer="adam",
        batch_size=8,
        schedule=ReduceOnPlateau(0.05, factor=0.5, patience=0, threshold=0.5),
        random_state=2,
    )
    for _ in range(4):
        model.partial_fit(X, y)
    copy = pickle.loads(pickle.dumps(model))
    for _ in range(4):
        model.partial_fit(X, y)
        copy.partial_fit(X, y)
    assert theta_of(copy).tobytes() == theta_of(model).tobytes()
    assert copy.loss_curve_ == model.loss_curve_


def test_fitted_model_pickles():
    X, y = tutorial_data()
    model = descend.LinearRegression(learning_rate=0.1, tol=1e-10).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_loss_curve_is_a_list_of_floats_also_unread_before_pickling_and_after_partial_fit():
    X, y = tutorial_data()
    model = descend.LinearRegression(learning_rate=0.1, max_iter=5, tol=None)
    assert not hasattr(model, "loss_curve_")
    model.fit(X, y)
    again = pickle.loads(pickle.dumps(model))  # (pickled before loss_curve_ was ever read)
    curve = model.loss_curve_
    assert type(curve) is list and len(curve) == 5 and all(type(v) is float for v in curve)
    assert again.loss_curve_ == curve and model.loss_curve_ is curve
    model.partial_fit(X, y)
    assert len(model.loss_curve_) == 6 and model.loss_curve_[:5] == curve


# ---------------------------------------------------------------------- sample weights
def test_sample_weights_match_repeating_rows(rng):
    X, y = well_conditioned(rng, m=30, n=2)
    weight = rng.integers(1, 4, size=30)
    repeated = descend.LinearRegression(learning_rate=0.2, tol=1e-15, max_iter=5000).fit(
        np.repeat(X, weight, axis=0), np.repeat(y, weight)
    )
    weighted = descend.LinearRegression(learning_rate=0.2, tol=1e-15, max_iter=5000).fit(
        X, y, sample_weight=weight
    )
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-8)


def test_zero_weights_equal_removing_the_rows(rng):
    X, y = well_conditioned(rng, m=40, n=3)
    weight = np.ones(40)
    weight[::4] = 0
    kept = weight > 0
    zeroed = descend.LinearRegression(tol=1e-14, max_iter=5000).fit(X, y, sample_weight=weight)
    removed = descend.LinearRegression(tol=1e-14, max_iter=5000).fit(X[kept], y[kept])
    np.testing.assert_allclose(theta_of(zeroed), theta_of(removed), atol=1e-9)


# ---------------------------------------------------------------------- stopping and warnings
def test_divergence_is_reported_with_its_epoch_and_restored_parameters():
    X, y = tutorial_data()
    with pytest.warns(descend.ConvergenceWarning, match=r"diverged at epoch \d+"):
        model = descend.LinearRegression(learning_rate=10).fit(X, y)
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_)
    assert not model.converged_
    # the parameters are those of the same fit stopped just before the diverging epoch
    epoch = model._fit_state.solver.diverged_epoch
    earlier = descend.LinearRegression(learning_rate=10, max_iter=epoch - 1, tol=None).fit(X, y)
    assert theta_of(model).tobytes() == theta_of(earlier).tobytes()


def test_running_out_of_epochs_warns():
    X, y = tutorial_data()
    with pytest.warns(descend.ConvergenceWarning, match="max_iter=3.*Increase max_iter"):
        descend.LinearRegression(learning_rate=0.01, max_iter=3).fit(X, y)


def test_running_out_of_epochs_with_a_rising_loss_advises_a_smaller_learning_rate():
    # (it advised a larger one: the loss had grown from 12 to 1e35, short of overflow)
    X, y = well_conditioned(np.random.default_rng(0), m=50, n=3)
    with pytest.warns(descend.ConvergenceWarning) as caught:
        model = descend.LinearRegression(learning_rate=1.2, max_iter=50).fit(X, y)
    assert model.status_ == "max_iter" and model.loss_curve_[-1] > 1e6 * model.loss_curve_[0]
    message = str(caught[0].message)
    assert f"The loss rose, from {model.loss_curve_[0]:.6g} in epoch 1" in message
    assert "in epoch 50: try a smaller learning_rate" in message
    assert "Increase" not in message


def test_tol_none_runs_exactly_max_iter_epochs_without_warning():
    X, y = tutorial_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = descend.LinearRegression(learning_rate=0.1, max_iter=37, tol=None).fit(X, y)
    assert model.n_iter_ == 37 and len(model.loss_curve_) == 37


def test_n_iter_no_change_needs_that_many_quiet_epochs_in_a_row():
    X, y = tutorial_data()
    one = descend.LinearRegression(learning_rate=0.1, tol=1e-4, n_iter_no_change=1).fit(X, y)
    five = descend.LinearRegression(learning_rate=0.1, tol=1e-4, n_iter_no_change=5).fit(X, y)
    assert five.n_iter_ == one.n_iter_ + 4
    assert abs(one.loss_curve_[-1] - one.loss_curve_[-2]) < 1e-4
    assert descend.LinearRegression().n_iter_no_change == 5  # the documented default


def test_verbose_2_prints_every_epoch():
    X, y = tutorial_data()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        descend.LinearRegression(learning_rate=0.1, max_iter=3, tol=None, verbose=2).fit(X, y)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["-- Epoch 1", "-- Epoch 2", "-- Epoch 3"]


# ---------------------------------------------------------------------- predict, score, names
def test_fit_intercept_false_keeps_the_intercept_at_zero(rng):
    X = rng.standard_normal((100, 2))
    y = X @ np.array([2.0, -1.0])
    model = descend.LinearRegression(
        learning_rate=0.2, fit_intercept=False, tol=1e-14, max_iter=3000
    ).fit(X, y)
    assert model.intercept_ == 0.0
    np.testing.assert_allclose(model.coef_, [2.0, -1.0], atol=1e-6)


def test_predict_and_score():
    X, y = tutorial_data()
    model = descend.LinearRegression(learning_rate=0.1, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(model.predict(X), model.intercept_ + X @ model.coef_)
    prediction = with_intercept(X) @ lstsq(X, y)
    r2 = 1 - np.sum((y - prediction) ** 2) / np.sum((y - y.mean()) ** 2)
    assert model.score(X, y) == pytest.approx(r2, rel=1e-8)


def test_dataframe_columns_become_feature_names_and_are_checked(rng):
    pd = pytest.importorskip("pandas")
    X, y = well_conditioned(rng, n=3)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = descend.LinearRegression(tol=1e-10).fit(frame, y)
    assert model.feature_names_in_.tolist() == ["a", "b", "c"]
    np.testing.assert_allclose(model.predict(frame), model.intercept_ + X @ model.coef_)
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        model.predict(frame[["c", "b", "a"]])
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        model.predict(X)


def test_a_column_vector_y_is_used_with_a_warning(rng):
    X, y = well_conditioned(rng)
    with pytest.warns(UserWarning, match="A column-vector y was passed"):
        model = descend.LinearRegression(max_iter=3, tol=None).fit(X, y[:, None])
    assert model.coef_.shape == (5,)


# ---------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.array([[1.0], [np.nan]]), np.array([1.0, 2.0]), "X contains NaN"),
        (np.array([[1.0], [np.inf]]), np.array([1.0, 2.0]), "X contains NaN or infinity"),
        (np.array([[1.0], [2.0]]), np.array([1.0, np.nan]), "y contains NaN"),
        (np.array([[1.0], [2.0]]), np.array([1.0, 2.0, 3.0]), "y has 3 entries but X has 2"),
        (np.array([1.0, 2.0]), np.array([1.0, 2.0]), "X must be a 2-D array"),
        (np.ones((2, 1, 1)), np.array([1.0, 2.0]), "X must be a 2-D array"),
        (np.empty((0, 1)), np.empty(0), "0 samples"),
        (np.empty((3, 0)), np.ones(3), "0 features"),
        (np.array([["a"], ["b"]]), np.array([1.0, 2.0]), "must hold real numbers"),
        (np.array([[1j], [2]]), np.array([1.0, 2.0]), "Complex data not supported"),
        (np.array([[1.0], [2.0]]), None, "requires y to be passed"),
    ],
)
def test_bad_data_is_refused_before_any_work(X, y, message):
    model = descend.LinearRegression()
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)
    assert not hasattr(model, "coef_")


def test_unsorted_csr_indices_are_refused_and_left_alone():
    X = sparse.csr_matrix((np.array([1.0, 2.0]), np.array([1, 0]), np.array([0, 2])), shape=(1, 2))
    X.has_sorted_indices = False
    before = X.indices.copy()
    with pytest.raises(ValueError, match="sorted"):
        descend.LinearRegression().fit(X, np.ones(1))
    np.testing.assert_array_equal(X.indices, before)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"optimizer": "bfgs"}, "optimizer must be one of"),
        ({"learning_rate": -1.0}, "learning_rate must be"),
        ({"learning_rate": float("nan")}, "learning_rate must be"),
        ({"learning_rate": "fast"}, "learning_rate must be"),
        ({"batch_size": 0}, "batch_size must be an int >= 1"),
        ({"sampling": "bootstrap"}, "sampling must be one of"),
        ({"max_iter": 0}, "max_iter must be an int >= 1"),
        # beyond any count a fit reaches (2**53); it reached the binding as a pybind11 dump
        ({"max_iter": 10**26}, "max_iter must be an int <= 9007199254740992, got 10{26}"),
        ({"batch_size": 2**64}, "batch_size must be an int <= 9007199254740992"),
        ({"n_iter_no_change": 2**70}, "n_iter_no_change must be an int <= 9007199254740992"),
        ({"average": 2**64}, "average must be an int <= 9007199254740992"),
        ({"tol": -1.0}, "tol must be a finite number >= 0"),
        ({"n_iter_no_change": 0}, "n_iter_no_change must be"),
        ({"schedule": 0.1}, "schedule must be None, .cosine. or"),
        ({"random_state": -3}, "random_state must be"),
        ({"loss": "absolute_error"}, "loss must be one of 'squared_error', 'huber'"),
        ({"epsilon": -0.1}, "epsilon must be a finite number >= 0"),
        ({"penalty": "l3"}, "penalty must be one of None, 'l2', 'l1', 'elasticnet'"),
        ({"alpha": -1.0}, "alpha must be a finite number >= 0"),
        ({"l1_ratio": 1.5}, r"l1_ratio must be a finite number in \[0, 1\], got 1.5"),
        ({"average": -2}, "average must be"),
        (
            {"early_stopping": True, "validation_fraction": 1.0},
            r"validation_fraction must be a finite number in \(0, 1\), got 1.0",
        ),
        (
            {"early_stopping": True, "validation_fraction": 0},
            r"validation_fraction must be a finite number in \(0, 1\), got 0",
        ),
        ({"fit_intercept": "yes"}, "fit_intercept must be one of False, True"),
    ],
)
def test_bad_hyperparameters_are_refused_naming_the_parameter(params, message):
    X, y = tutorial_data()
    with pytest.raises(ValueError, match=message):
        descend.LinearRegression(**params).fit(X, y)


def test_numpy_bools_are_taken_as_the_bools_they_hold():
    # (GridSearchCV over np.array([True, False]) hands over NumPy bools)
    X, y = tutorial_data()
    flags = ("fit_intercept", "warm_start", "average", "early_stopping")
    params = dict(learning_rate=0.1, max_iter=20, tol=None, random_state=0)
    as_numpy = descend.LinearRegression(**params, **{k: np.True_ for k in flags}).fit(X, y)
    as_python = descend.LinearRegression(**params, **{k: True for k in flags}).fit(X, y)
    assert theta_of(as_numpy).tobytes() == theta_of(as_python).tobytes()
    off = descend.LinearRegression(**params, fit_intercept=np.False_).fit(X, y)
    assert off.intercept_ == 0.0


def test_hyperparameters_changed_after_a_fit_are_checked_again_at_the_next():
    X, y = tutorial_data()
    model = descend.LinearRegression(learning_rate=0.1, max_iter=5, tol=None).fit(X, y)
    model.alpha = -1.0
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        model.fit(X, y)
    model.alpha = 1e-4
    model.max_iter = True  # (== 1, but a bool: refused)
    with pytest.raises(ValueError, match="max_iter must be an int >= 1, got True"):
        model.fit(X, y)
    model.set_params(max_iter=3, optimizer="adam")
    assert model.fit(X, y).n_iter_ == 3 and model._fit_state.state.shape[0] == 2


def test_the_step_size_follows_learning_rate_and_schedule_changed_after_a_fit():
    # (the fit reads the step size from the checked settings, remembered for the same values)
    X, y = tutorial_data()
    model = descend.LinearRegression(learning_rate=0.1, max_iter=5, tol=None)
    for changes, step in (
        ({}, 0.1),
        ({"learning_rate": 0.05}, 0.05),
        ({"learning_rate": "auto", "schedule": descend.schedules.Constant(0.02)}, 0.02),
        ({"learning_rate": 0.1, "schedule": None}, 0.1),
    ):
        model.set_params(**changes).fit(X, y)
        fresh = descend.LinearRegression(schedule=descend.schedules.Constant(step), max_iter=5)
        fresh.set_params(tol=None).fit(X, y)
        np.testing.assert_array_equal(model.coef_, fresh.coef_, err_msg=str(changes))
        assert model.intercept_ == fresh.intercept_


def test_a_new_estimator_is_checked_whatever_the_last_fit_of_its_class_was():
    # (the checked settings of a class's last fit are reused only for the very same values)
    X, y = tutorial_data()
    descend.LinearRegression(max_iter=1, tol=None).fit(X, y)
    with pytest.raises(ValueError, match="max_iter must be an int >= 1, got True"):
        descend.LinearRegression(max_iter=True, tol=None).fit(X, y)
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        descend.LinearRegression(max_iter=1, tol=None, alpha=-1.0).fit(X, y)
    assert descend.LinearRegression(max_iter=1, tol=None).fit(X, y).n_iter_ == 1


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        (-np.ones(100), "non-negative"),
        (np.zeros(100), "all zero"),
        (np.ones(99), "sample_weight has 99 entries but X has 100"),
        (np.r_[np.ones(99), np.nan], "sample_weight contains NaN"),
    ],
)
def test_bad_sample_weight_is_refused(weight, message):
    X, y = tutorial_data()
    with pytest.raises(ValueError, match=message):
        descend.LinearRegression().fit(X, y, sample_weight=weight)


def test_predict_before_fit_says_so():
    with pytest.raises(AttributeError, match="not fitted"):
        descend.LinearRegression().predict(np.ones((2, 1)))


def test_predict_with_other_feature_count_is_refused():
    X, y = tutorial_data()
    model = descend.LinearRegression(max_iter=2, tol=None).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but LinearRegression is expecting 1"):
        model.predict(np.ones((3, 2)))


# ---------------------------------------------------------------------- the C++ loop
def test_solver_in_slices_equals_one_run():
    X, y = tutorial_data()

    def run(slices):
        options = _core.SolverOptions(batch_size=3, sampling="shuffle", max_iter=60, tol=-1.0)
        return fit_in_slices(X, y, _core.Adam(lr=0.05), _core.Constant(0.05), options, slices, 5)

    one_theta, one_losses = run([60])
    sliced_theta, sliced_losses = run([1, 7, 13, 39])
    assert one_theta.tobytes() == sliced_theta.tobytes()
    assert one_losses == sliced_losses


def test_solver_state_pickles_with_its_generator():
    state = _core.SolverState(11)
    state.next_below(10)
    copy = pickle.loads(pickle.dumps(state))
    assert [copy.next_below(1000) for _ in range(5)] == [state.next_below(1000) for _ in range(5)]


def test_the_estimators_docstring_examples_run():
    from descend import linear_model

    result = doctest.testmod(linear_model, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8 and result.failed == 0


# ---------------------------------------------------------------------- early stopping
def overfitting_problem(rng):
    # more features than the training rows can pin down: the held-out loss turns up
    X = rng.standard_normal((60, 40))
    y = X[:, 0] + 0.5 * rng.standard_normal(60)
    return X, y


def test_early_stopping_restores_the_epoch_with_the_best_validation_loss(rng):
    from descend._validation import validation_split

    X, y = overfitting_problem(rng)
    model = descend.LinearRegression(
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=4,
        learning_rate=0.05,
        random_state=5,
    ).fit(X, y)
    scores = model.validation_scores_
    assert len(scores) == model.n_iter_ == len(model.loss_curve_)
    best = int(np.argmin(scores))
    assert best == model.n_iter_ - 1 - 4  # stopped at the 4th epoch in a row without a gain
    assert model.converged_
    train, held = validation_split(60, 0.25, 5)
    assert len(held) == 15 and len(np.intersect1d(train, held)) == 0
    held_loss = np.mean((model.predict(X[held]) - y[held]) ** 2)
    assert held_loss == pytest.approx(scores[best], rel=1e-12)
    # the training rows alone, run for as many epochs as the best one: the same parameters
    same = descend.LinearRegression(learning_rate=0.05, max_iter=best + 1, tol=None).fit(
        X[train], y[train]
    )
    np.testing.assert_allclose(theta_of(model), theta_of(same), rtol=1e-12, atol=1e-15)


def test_early_stopping_is_refused_without_room_for_both_sets():
    with pytest.raises(ValueError, match="at least 1 validation and 1 training sample"):
        descend.LinearRegression(early_stopping=True, validation_fraction=0.01).fit(
            np.ones((1, 1)), np.ones(1)
        )


def test_a_fit_without_early_stopping_has_no_validation_scores(rng):
    X, y = overfitting_problem(rng)
    model = descend.LinearRegression(early_stopping=True, max_iter=5, tol=None).fit(X, y)
    assert len(model.validation_scores_) == 5
    model.set_params(early_stopping=False).fit(X, y)
    assert not hasattr(model, "validation_scores_")
    model.set_params(early_stopping=True).partial_fit(X, y)  # partial_fit never holds out
    assert not hasattr(model, "validation_scores_")


def test_ctrl_c_between_slices_keeps_the_epochs_done_and_goes_on(rng):
    # A KeyboardInterrupt raised between two slices of the C++ loop (here by the verbose
    # printout, at the 3rd line) leaves the model fitted with every finished epoch.
    class Interrupting(io.StringIO):
        def write(self, text):
            written = super().write(text)
            if self.getvalue().count("\n") >= 3:
                raise KeyboardInterrupt
            return written

    X, y = well_conditioned(rng)
    model = descend.LinearRegression(learning_rate=0.01, max_iter=10**9, tol=None, verbose=2)
    with contextlib.redirect_stdout(Interrupting()), pytest.raises(KeyboardInterrupt):
        model.fit(X, y)
    assert 3 <= model.n_iter_ == len(model.loss_curve_) < 10**9
    assert model.status_ == "interrupted" and not model.converged_
    same = descend.LinearRegression(learning_rate=0.01, max_iter=model.n_iter_, tol=None)
    assert theta_of(same.fit(X, y)).tobytes() == theta_of(model).tobytes()


def _raw_data(rng):
    """Features in the thousands and in thousandths, targets in the hundreds."""
    X = rng.standard_normal((300, 3)) * np.array([2000.0, 0.002, 1.0]) + np.array([5000.0, 0, 3])
    y = 300.0 + X @ np.array([0.05, 40000.0, 20.0]) + rng.standard_normal(300)
    return X, y


def test_auto_fits_raw_data_in_internal_coordinates_and_reports_caller_units(rng):
    X, y = _raw_data(rng)
    model = descend.LinearRegression(tol=1e-12, max_iter=5000).fit(X, y)
    scaling = model._fit_state.scaling
    assert scaling is not None and scaling.feature_scale[0] > 1000.0
    design = np.column_stack([np.ones(len(X)), X])
    exact = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(model.intercept_, exact[0], rtol=1e-6)
    np.testing.assert_allclose(model.coef_, exact[1:], rtol=1e-6)
    assert model.n_iter_ < 1000


def test_auto_scaling_is_fixed_at_the_first_partial_fit_and_pickled(rng):
    X, y = _raw_data(rng)
    model = descend.LinearRegression(batch_size=10, random_state=0).partial_fit(X[:150], y[:150])
    scaling = model._fit_state.scaling
    copy = pickle.loads(pickle.dumps(model))
    model.partial_fit(X[150:], y[150:])
    copy.partial_fit(X[150:], y[150:])
    assert model._fit_state.scaling is scaling
    np.testing.assert_array_equal(copy._fit_state.scaling.feature_scale, scaling.feature_scale)
    np.testing.assert_array_equal(copy.coef_, model.coef_)
    assert copy.intercept_ == model.intercept_


def test_schedule_makes_auto_a_no_op_in_caller_units(rng):
    X, y = _raw_data(rng)
    schedule = InvScaling(eta0=1e-9, power_t=0.25)
    model = descend.LinearRegression(
        schedule=schedule, batch_size=1, max_iter=2, tol=None, random_state=0
    ).fit(X, y)
    explicit = descend.LinearRegression(
        schedule=schedule, learning_rate=0.5, batch_size=1, max_iter=2, tol=None, random_state=0
    ).fit(X, y)
    assert model._fit_state.scaling is None
    np.testing.assert_array_equal(model.coef_, explicit.coef_)


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov", "adam", "adagrad"])
@pytest.mark.parametrize(("penalty", "l1_ratio"), [("l1", 0.15), ("elasticnet", 0.5)])
def test_l1_part_with_a_rule_other_than_plain_sgd_is_refused(rng, optimizer, penalty, l1_ratio):
    X, y = rng.standard_normal((20, 2)), rng.standard_normal(20)
    model = descend.LinearRegression(penalty=penalty, l1_ratio=l1_ratio, optimizer=optimizer)
    with pytest.raises(ValueError, match=f"penalty: '{penalty}'.*optimizer"):
        model.fit(X, y)
    assert not hasattr(model, "coef_")


def test_elasticnet_without_l1_part_takes_any_rule(rng):
    X, y = rng.standard_normal((20, 2)), rng.standard_normal(20)
    descend.LinearRegression(
        penalty="elasticnet", l1_ratio=0.0, optimizer="adam", max_iter=3, tol=None
    ).fit(X, y)


def test_float32_x_with_targets_beyond_float32_names_the_range_not_nan(rng):
    X = rng.standard_normal((20, 2)).astype(np.float32)
    y = np.full(20, 1e300)
    with pytest.raises(ValueError, match="y: expected values within the range of float32"):
        descend.LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="sample_weight: expected values within the range"):
        descend.LinearRegression().fit(X, np.ones(20), sample_weight=np.full(20, 1e300))
    y[3] = np.nan
    with pytest.raises(ValueError, match="y contains NaN or infinity"):
        descend.LinearRegression().fit(X, y)


@pytest.mark.parametrize("cls", [descend.LinearRegression, descend.LogisticRegression])
@pytest.mark.parametrize(("optimizer", "rtol"), [("sgd", 1e-9), ("lbfgs", 1e-5)])
def test_n_threads_gives_the_same_bits_for_the_same_count(cls, optimizer, rtol):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((3000, 20))
    y = X @ rng.standard_normal(20) + 0.1 * rng.standard_normal(3000)
    if cls is descend.LogisticRegression:
        y = (y > 0).astype(int)
    settings = dict(optimizer=optimizer, batch_size=None, max_iter=30, tol=None, random_state=0)
    fits = {n: [cls(n_threads=n, **settings).fit(X, y) for _ in range(2)] for n in (1, 2, 3)}
    for n, (first, again) in fits.items():
        assert first.get_params()["n_threads"] == n
        np.testing.assert_array_equal(first.coef_, again.coef_)
        np.testing.assert_array_equal(first.intercept_, again.intercept_)
        # other thread counts sum in other blocks: the same fit up to rounding (which L-BFGS's
        # curvature pairs carry further, mid-run on separable classes: 3e-7)
        np.testing.assert_allclose(first.coef_, fits[1][0].coef_, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_n_threads_other_than_none_or_a_positive_int_is_refused(bad):
    X, y = np.ones((10, 2)), np.arange(10.0)
    with pytest.raises(ValueError, match="n_threads"):
        descend.LinearRegression(n_threads=bad).fit(X, y)


def test_n_threads_reaches_the_loop_which_refuses_too_many():
    X, y = np.ones((10, 2)), np.arange(10.0)
    model = descend.LinearRegression(max_iter=3, tol=None).fit(X, y)
    coef = model.coef_.copy()
    with pytest.raises(ValueError, match="n_threads: expected at most 4096 threads"):
        model.set_params(n_threads=5000).fit(X, y)
    np.testing.assert_array_equal(model.coef_, coef)
