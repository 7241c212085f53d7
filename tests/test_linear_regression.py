"""descend.LinearRegression: convergence, sampling, seeds, dtypes, divergence, input checks."""

import pickle
import warnings

import numpy as np
import pytest

import descend
from descend import _core
from descend.cli import tutorial_data
from descend.schedules import Constant, InverseTime

from .conftest import with_intercept


def lstsq(X, y):
    return np.linalg.lstsq(with_intercept(X), y, rcond=None)[0]


def well_conditioned(rng, m=200, n=5):
    X = rng.standard_normal((m, n))
    y = 1.5 + X @ rng.standard_normal(n) + 0.1 * rng.standard_normal(m)
    return X, y


@pytest.mark.parametrize("seed", range(5))
def test_gradient_descent_reaches_the_lstsq_solution(seed):
    X, y = well_conditioned(np.random.default_rng(seed))
    model = descend.LinearRegression(learning_rate=0.2, max_iter=5000, tol=1e-15).fit(X, y)
    theta = np.r_[model.intercept_, model.coef_]
    np.testing.assert_allclose(theta, lstsq(X, y), atol=1e-6)
    assert model.converged_
    assert model.n_iter_ == len(model.loss_curve_)


def test_adam_full_batch_reaches_the_lstsq_solution(rng):
    X, y = well_conditioned(rng)
    model = descend.LinearRegression(
        optimizer="adam", learning_rate=0.05, max_iter=5000, tol=1e-15
    ).fit(X, y)
    np.testing.assert_allclose(np.r_[model.intercept_, model.coef_], lstsq(X, y), atol=1e-6)


@pytest.mark.parametrize("sampling", ["shuffle", "replacement"])
@pytest.mark.parametrize("batch_size", [1, 16])
def test_both_sampling_modes_converge(rng, sampling, batch_size):
    X, y = well_conditioned(rng)
    model = descend.LinearRegression(
        batch_size=batch_size,
        sampling=sampling,
        schedule=InverseTime(5, 50),
        max_iter=200,
        tol=None,
        random_state=3,
    ).fit(X, y)
    np.testing.assert_allclose(np.r_[model.intercept_, model.coef_], lstsq(X, y), atol=2e-2)
    assert model.n_iter_ == 200


def sgd(seed, sampling="replacement"):
    X, y = tutorial_data()
    return descend.LinearRegression(
        batch_size=1,
        sampling=sampling,
        schedule=InverseTime(5, 50),
        max_iter=50,
        tol=None,
        random_state=seed,
    ).fit(X, y)


@pytest.mark.parametrize("sampling", ["shuffle", "replacement"])
def test_sgd_is_identical_for_the_same_seed_and_differs_for_another(sampling):
    first, again, other = sgd(7, sampling), sgd(7, sampling), sgd(8, sampling)
    assert first.coef_.tobytes() == again.coef_.tobytes()
    assert first.loss_curve_ == again.loss_curve_
    assert first.coef_[0] != other.coef_[0]


def test_tutorial_sgd_lands_near_the_exact_answer():
    X, y = tutorial_data()
    model = descend.LinearRegression(
        batch_size=1,
        sampling="replacement",
        schedule=InverseTime(5, 50),
        max_iter=1000,
        tol=None,
        random_state=42,
    ).fit(X, y)
    np.testing.assert_allclose(np.r_[model.intercept_, model.coef_], lstsq(X, y), atol=5e-2)


def test_minibatch_epoch_loss_is_the_mean_of_step_losses():
    # With lr = 0 the parameters stay at zero, so every step loss is the batch mean of y^2 and
    # the epoch loss must be the mean of y^2 over the data, whatever the batches.
    X, y = tutorial_data()
    model = descend.LinearRegression(
        batch_size=7, schedule=Constant(0.0), max_iter=3, tol=None, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(model.loss_curve_, np.mean(y**2), rtol=1e-12)


def test_float32_data_is_fitted_in_float32():
    X, y = tutorial_data()
    model = descend.LinearRegression(learning_rate=0.1, tol=None).fit(X.astype(np.float32), y)
    assert model.coef_.dtype == np.float32
    assert model.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(np.r_[model.intercept_, model.coef_], lstsq(X, y), atol=1e-4)


def test_divergence_is_reported_with_its_epoch_and_finite_parameters():
    X, y = tutorial_data()
    with pytest.warns(descend.ConvergenceWarning, match=r"diverged at epoch \d+"):
        model = descend.LinearRegression(learning_rate=10).fit(X, y)
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_)
    assert not model.converged_
    assert issubclass(descend.ConvergenceWarning, UserWarning)


def test_running_out_of_epochs_warns():
    X, y = tutorial_data()
    with pytest.warns(descend.ConvergenceWarning, match="max_iter=3"):
        descend.LinearRegression(learning_rate=0.01, max_iter=3).fit(X, y)


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


def test_fit_intercept_false_keeps_the_intercept_at_zero(rng):
    X = rng.standard_normal((100, 2))
    y = X @ np.array([2.0, -1.0])
    model = descend.LinearRegression(
        learning_rate=0.2, fit_intercept=False, tol=1e-14, max_iter=3000
    ).fit(X, y)
    assert model.intercept_ == 0.0
    np.testing.assert_allclose(model.coef_, [2.0, -1.0], atol=1e-6)


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


def test_predict_and_score():
    X, y = tutorial_data()
    model = descend.LinearRegression(learning_rate=0.1, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(model.predict(X), model.intercept_ + X @ model.coef_)
    theta = lstsq(X, y)
    prediction = with_intercept(X) @ theta
    r2 = 1 - np.sum((y - prediction) ** 2) / np.sum((y - y.mean()) ** 2)
    assert model.score(X, y) == pytest.approx(r2, rel=1e-8)


def test_fit_leaves_x_uncopied_and_unchanged():
    X, y = tutorial_data()
    before = X.copy()
    descend.LinearRegression(learning_rate=0.1, tol=None, max_iter=5).fit(X, y)
    np.testing.assert_array_equal(X, before)


def test_fitted_model_pickles(rng):
    X, y = tutorial_data()
    model = descend.LinearRegression(learning_rate=0.1, tol=1e-10).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


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
        (np.array([["a"], ["b"]]), np.array([1.0, 2.0]), "must hold numbers"),
    ],
)
def test_bad_data_is_refused_before_any_work(X, y, message):
    with pytest.raises(ValueError, match=message):
        descend.LinearRegression().fit(X, y)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"optimizer": "lbfgs"}, "optimizer must be one of"),
        ({"learning_rate": -1.0}, "learning_rate must be"),
        ({"learning_rate": float("nan")}, "learning_rate must be"),
        ({"batch_size": 0}, "batch_size must be an int >= 1"),
        ({"sampling": "bootstrap"}, "sampling must be one of"),
        ({"max_iter": 0}, "max_iter must be an int >= 1"),
        ({"tol": -1.0}, "tol must be None or"),
        ({"n_iter_no_change": 0}, "n_iter_no_change must be"),
        ({"schedule": 0.1}, "schedule must be None or"),
        ({"random_state": -3}, "random_state must be"),
    ],
)
def test_bad_hyperparameters_are_refused_naming_the_parameter(params, message):
    X, y = tutorial_data()
    with pytest.raises(ValueError, match=message):
        descend.LinearRegression(**params).fit(X, y)


def test_bad_sample_weight_is_refused():
    X, y = tutorial_data()
    with pytest.raises(ValueError, match="non-negative"):
        descend.LinearRegression().fit(X, y, sample_weight=-np.ones(100))
    with pytest.raises(ValueError, match="all zero"):
        descend.LinearRegression().fit(X, y, sample_weight=np.zeros(100))


def test_predict_before_fit_says_so():
    with pytest.raises(AttributeError, match="not fitted"):
        descend.LinearRegression().predict(np.ones((2, 1)))


def test_solver_in_slices_equals_one_run():
    X, y = tutorial_data()

    def run(slices):
        theta = np.zeros(2)
        state = np.zeros((2, 2))
        solver = _core.SolverState(5)
        options = _core.SolverOptions(batch_size=3, sampling="shuffle", max_iter=60, tol=-1.0)
        losses = []
        for epochs in slices:
            _, chunk = _core.fit_least_squares(
                X,
                y,
                None,
                theta,
                state,
                _core.Adam(lr=0.05),
                _core.Constant(0.05),
                options,
                solver,
                epochs,
                True,
            )
            losses += chunk
        return theta, losses

    one_theta, one_losses = run([60])
    sliced_theta, sliced_losses = run([1, 7, 13, 39])
    assert one_theta.tobytes() == sliced_theta.tobytes()
    assert one_losses == sliced_losses


def test_solver_state_pickles_with_its_generator():
    state = _core.SolverState(11)
    state.next_below(10)
    copy = pickle.loads(pickle.dumps(state))
    assert [copy.next_below(1000) for _ in range(5)] == [state.next_below(1000) for _ in range(5)]
