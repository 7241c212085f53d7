"""optimizer="lbfgs": the estimators' full-batch quasi-Newton method (SolverOptions.lbfgs,
cpp/include/descend/quasi_newton.hpp).

Its accuracy against scipy's optimum of the same objective is in test_linear_correctness.py;
here: what it refuses (naming the argument, before any work), that the classifiers which
gradient descent leaves at max_iter converge with it in far fewer epochs, and that it keeps
the estimators' contracts (float32, CSR, sample weights, warm_start, pickling, scikit-learn's
clone and search).
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import descend
from descend.exceptions import ConvergenceWarning

datasets = pytest.importorskip("sklearn.datasets")


def _wine() -> tuple[np.ndarray, np.ndarray]:
    return datasets.load_wine(return_X_y=True)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (dict(batch_size=16), "batch_size=16"),
        (dict(schedule="cosine"), "schedule='cosine'"),
        (dict(schedule=descend.schedules.InverseTime(0.1, 1.0)), "schedule=InverseTime"),
        (dict(average=True), "average=True"),
        (dict(on_nonfinite="skip"), "on_nonfinite='skip'"),
        (dict(penalty="l1"), "penalty='l1'"),
        (dict(penalty="elasticnet", l1_ratio=0.5), "penalty='elasticnet'"),
    ],
)
def test_lbfgs_refuses_what_it_cannot_run_naming_the_argument(settings, named):
    X, y = _wine()
    model = descend.LogisticRegression(optimizer="lbfgs", **settings)
    with pytest.raises(ValueError, match="optimizer='lbfgs' needs") as refused:
        model.fit(X, y)
    assert named in str(refused.value)
    assert not hasattr(model, "coef_")


@pytest.mark.parametrize("learning_rate", [0.01, 10.0])
def test_lbfgs_with_a_numeric_learning_rate_runs_lbfgs_from_that_first_trial_step(learning_rate):
    # (it once ran plain SGD at that step size: slow at 0.01, diverging at 10)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 3.0
    model = descend.LinearRegression(
        optimizer="lbfgs", learning_rate=learning_rate, tol=None, max_iter=50
    ).fit(X, y)
    assert model.status_ == "converged" and model.n_iter_ < 50
    assert np.all(np.diff(model.loss_curve_) <= 0)  # an iteration never raises the objective
    np.testing.assert_allclose(model.coef_, [1.0, -2.0, 0.5], atol=1e-6)
    np.testing.assert_allclose(model.intercept_, 3.0, atol=1e-6)
    first = descend.LinearRegression(
        optimizer="lbfgs", learning_rate=learning_rate, tol=None, max_iter=1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first.fit(X, y)
    sgd = descend.LinearRegression(
        optimizer="sgd", learning_rate=learning_rate, tol=None, max_iter=1
    ).fit(X, y)
    # the first iteration tries the step -learning_rate g: taken as is when it lowers the
    # objective (0.01), halved until it does (10)
    if learning_rate == 0.01:
        np.testing.assert_array_equal(first.coef_, sgd.coef_)
    else:
        assert first.loss_curve_[0] == sgd.loss_curve_[0]
        assert np.linalg.norm(first.coef_) < np.linalg.norm(sgd.coef_)


def test_lbfgs_takes_elasticnet_without_an_l1_part_as_l2():
    X, y = _wine()
    ridge = descend.LogisticRegression(optimizer="lbfgs", penalty="l2", alpha=1e-3).fit(X, y)
    mixed = descend.LogisticRegression(
        optimizer="lbfgs", penalty="elasticnet", l1_ratio=0.0, alpha=1e-3
    ).fit(X, y)
    np.testing.assert_array_equal(mixed.coef_, ridge.coef_)


def test_lbfgs_partial_fit_is_refused_and_changes_nothing():
    X, y = _wine()
    model = descend.LogisticRegression(optimizer="lbfgs")
    with pytest.raises(ValueError, match="optimizer='lbfgs' runs full-batch iterations"):
        model.partial_fit(X, y, classes=np.unique(y))
    assert not hasattr(model, "coef_")


def test_unknown_optimizer_message_lists_lbfgs():
    with pytest.raises(ValueError, match="'lion', 'lbfgs' or a descend.optim optimizer"):
        descend.LinearRegression(optimizer="bfgs").fit(np.ones((3, 1)), np.ones(3))


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer"])
@pytest.mark.parametrize("standardized", [False, True])
def test_lbfgs_converges_where_gradient_descent_stops_at_max_iter(name, standardized):
    """The default classifier (alpha=1e-4 on nearly separable classes: condition numbers in the
    tens of thousands) is still moving after 1000 gradient-descent epochs; L-BFGS stops by tol
    in under 200 iterations, at a lower objective."""
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    if standardized:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        quasi_newton = descend.LogisticRegression(optimizer="lbfgs").fit(X, y)
    with pytest.warns(ConvergenceWarning, match="did not converge in max_iter=1000"):
        gradient_descent = descend.LogisticRegression(optimizer="sgd").fit(X, y)
    assert quasi_newton.status_ == "converged"
    assert quasi_newton.n_iter_ < 200
    assert quasi_newton.loss_curve_[-1] < gradient_descent.loss_curve_[-1]
    # an iteration never raises the objective (its line search accepts only a decrease)
    assert np.all(np.diff(quasi_newton.loss_curve_) <= 0)


def test_lbfgs_float32_fit_matches_the_float64_fit():
    X, y = _wine()
    settings = dict(optimizer="lbfgs", tol=1e-10)
    wide = descend.LogisticRegression(**settings).fit(X, y)
    narrow = descend.LogisticRegression(**settings).fit(X.astype(np.float32), y)
    assert narrow.coef_.dtype == np.float32
    np.testing.assert_allclose(
        narrow.predict_proba(X.astype(np.float32)), wide.predict_proba(X), atol=1e-4
    )


def test_lbfgs_csr_fit_matches_the_dense_fit():
    X, y = _wine()
    X = np.where(np.abs(X - X.mean(axis=0)) < 0.3 * X.std(axis=0), 0.0, X)  # some zeros
    settings = dict(optimizer="lbfgs", tol=1e-12, fit_intercept=True)
    dense = descend.LogisticRegression(**settings).fit(X, y)
    sparse = descend.LogisticRegression(**settings).fit(sp.csr_matrix(X), y)
    # (not bit for bit: "auto" centers dense X only, so the two run in other coordinates)
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X), atol=1e-5)


def test_lbfgs_sample_weights_equal_repeated_rows():
    X, y = datasets.load_diabetes(return_X_y=True)
    X, y = X[:80] * 100.0, y[:80]
    counts = np.arange(80) % 3 + 1
    settings = dict(optimizer="lbfgs", tol=1e-14, penalty="l2", alpha=1e-3)
    weighted = descend.LinearRegression(**settings).fit(X, y, sample_weight=counts)
    repeated = descend.LinearRegression(**settings).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-8)


def test_lbfgs_warm_start_from_its_optimum_stops_at_once():
    X, y = _wine()
    model = descend.LogisticRegression(optimizer="lbfgs", tol=1e-12, warm_start=True).fit(X, y)
    first, loss = model.n_iter_, model.loss_curve_[-1]
    probabilities = model.predict_proba(X)
    model.fit(X, y)
    assert model.status_ == "converged"
    assert model.n_iter_ < first / 4
    assert model.loss_curve_[0] == pytest.approx(loss, rel=1e-12)
    assert model.loss_curve_[-1] <= model.loss_curve_[0]
    np.testing.assert_allclose(model.predict_proba(X), probabilities, atol=1e-6)


def test_lbfgs_model_pickles_and_refits_the_same():
    X, y = _wine()
    model = descend.LogisticRegression(optimizer="lbfgs").fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(restored.fit(X, y).coef_, model.coef_)


def test_lbfgs_works_under_clone_and_grid_search():
    model_selection = pytest.importorskip("sklearn.model_selection")
    base = pytest.importorskip("sklearn.base")
    X, y = _wine()
    model = descend.LogisticRegression(optimizer="lbfgs")
    assert base.clone(model).get_params()["optimizer"] == "lbfgs"
    search = model_selection.GridSearchCV(model, {"alpha": [1e-4, 1e-2]}, cv=3).fit(X, y)
    assert search.best_score_ > 0.9


@pytest.mark.parametrize(
    ("settings", "runs"),
    [
        ({}, "lbfgs"),
        (dict(penalty=None), "lbfgs"),
        (dict(penalty="elasticnet", l1_ratio=0.0), "lbfgs"),
        (dict(early_stopping=True), "lbfgs"),
        (dict(batch_size=32), "sgd"),
        (dict(learning_rate=1e-7), "sgd"),
        (dict(penalty="l1"), "sgd"),
        (dict(schedule="cosine"), "sgd"),
        (dict(average=True), "sgd"),
        (dict(on_nonfinite="skip"), "sgd"),
    ],
)
def test_the_default_optimizer_runs_lbfgs_where_it_applies_and_sgd_elsewhere(settings, runs):
    X, y = _wine()
    settings = dict(max_iter=20, tol=None, random_state=0, **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        default = descend.LogisticRegression(**settings).fit(X, y)
        named = descend.LogisticRegression(optimizer=runs, **settings).fit(X, y)
    assert descend.LogisticRegression().get_params()["optimizer"] == "auto"
    np.testing.assert_array_equal(default.coef_, named.coef_)
    np.testing.assert_array_equal(default.loss_curve_, named.loss_curve_)


def test_the_default_optimizer_partial_fit_runs_sgd_and_continues_a_default_fit():
    X, y = _wine()
    classes = np.unique(y)
    default = descend.LogisticRegression().partial_fit(X, y, classes=classes)
    plain = descend.LogisticRegression(optimizer="sgd").partial_fit(X, y, classes=classes)
    np.testing.assert_array_equal(default.coef_, plain.coef_)
    fitted = descend.LogisticRegression().fit(X, y)  # L-BFGS
    loss = fitted.loss_curve_[-1]
    fitted.partial_fit(X, y)  # an epoch of gradient descent from where L-BFGS stopped
    assert fitted.n_iter_ == len(fitted.loss_curve_)
    assert fitted.loss_curve_[-1] <= loss
    assert fitted.loss_curve_[-1] == pytest.approx(loss, rel=1e-4)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    rows=st.integers(5, 60),
    columns=st.integers(1, 8),
    log_scales=st.lists(st.floats(-3.0, 3.0), min_size=8, max_size=8),
    log_alpha=st.floats(-6.0, 0.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_lbfgs_ridge_fit_equals_the_closed_form_solution(
    rows, columns, log_scales, log_alpha, seed
):
    """On columns scaled from 1e-3 to 1e3: mean r² + alpha |w|²/2, intercept unpenalized,
    is minimized by w = (2/m Xcᵀ Xc + alpha I)⁻¹ 2/m Xcᵀ yc (X and y centered), b = ȳ - x̄ · w."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, columns)) * 10.0 ** np.array(log_scales[:columns])
    y = X @ rng.standard_normal(columns) + rng.standard_normal(rows)
    alpha = 10.0**log_alpha
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    coef = np.linalg.solve(2.0 / rows * Xc.T @ Xc + alpha * np.eye(columns), 2.0 / rows * Xc.T @ yc)
    intercept = y.mean() - X.mean(axis=0) @ coef
    model = descend.LinearRegression(
        optimizer="lbfgs", penalty="l2", alpha=alpha, tol=1e-15, max_iter=2000
    ).fit(X, y)
    assert model.status_ == "converged"
    np.testing.assert_allclose(model.predict(X), X @ coef + intercept, rtol=1e-6, atol=1e-6)
