"""The estimators' schedule="cosine": the step that learning_rate gives (or "auto" picks, in its
internal coordinates) annealed to 0 over the max_iter epochs of fit."""

import pickle

import numpy as np
import pytest

import descend
from descend.exceptions import ConvergenceWarning
from descend.schedules import Cosine


def raw_data(m=90, seed=0):
    """Features on very different scales (what "auto"'s internal scaling is for)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, 3)) * np.array([1000.0, 1.0, 0.001]) + np.array([50.0, 0.0, 1.0])
    y = X @ np.array([0.002, -1.0, 300.0]) + 4.0 + 0.1 * rng.standard_normal(m)
    return X, y


@pytest.mark.parametrize(("batch_size", "steps_per_epoch"), [(None, 1), (7, 13), (90, 1)])
def test_cosine_with_a_float_learning_rate_is_cosine_annealing_over_the_steps_of_the_fit(
    batch_size, steps_per_epoch
):
    X, y = raw_data()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    common = dict(learning_rate=0.01, batch_size=batch_size, max_iter=6, tol=None, random_state=1)
    named = descend.LinearRegression(schedule="cosine", **common).fit(X, y)
    given = descend.LinearRegression(
        schedule=Cosine(0.01, T_max=6 * steps_per_epoch), **common
    ).fit(X, y)
    np.testing.assert_array_equal(named.coef_, given.coef_)
    assert named.intercept_ == given.intercept_
    assert named.t_ == 6 * steps_per_epoch


def test_cosine_with_auto_keeps_auto_scaling_and_step():
    # its first step is "auto"'s: a one-epoch full-batch fit equals the constant-step fit
    X, y = raw_data()
    one_epoch = dict(max_iter=1, tol=None)
    named = descend.LinearRegression(schedule="cosine", **one_epoch).fit(X, y)
    constant = descend.LinearRegression(**one_epoch).fit(X, y)
    np.testing.assert_array_equal(named.coef_, constant.coef_)
    assert named.intercept_ == constant.intercept_


def test_cosine_with_auto_converges_on_raw_data_where_a_constant_step_wanders():
    # one-row Adam steps on raw data, 1000 epochs: the largest error of the predictions against
    # the least-squares optimum's (y is about 300)
    X, y = raw_data()
    A = np.c_[np.ones(len(X)), X]
    best = A @ np.linalg.lstsq(A, y, rcond=None)[0]
    common = dict(penalty=None, optimizer="adam", batch_size=1, max_iter=1000, tol=None)
    errors = {}
    for schedule, average in ((None, False), (None, True), ("cosine", False)):
        model = descend.LinearRegression(
            schedule=schedule, average=average, random_state=0, **common
        ).fit(X, y)
        errors[schedule, average] = np.abs(model.predict(X) - best).max()
    assert errors["cosine", False] < 1e-3 < min(errors[None, False], errors[None, True]), errors


def test_cosine_counts_the_training_rows_when_early_stopping_holds_some_out():
    X, y = raw_data(m=100)
    model = descend.LogisticRegression(
        schedule="cosine",
        batch_size=10,
        early_stopping=True,
        validation_fraction=0.2,
        max_iter=3,
        tol=None,
        n_iter_no_change=10,
    ).fit(X, y > np.median(y))
    assert model._fit_state.schedule == Cosine(model._fit_state.lr, T_max=3 * 8)


def test_partial_fit_refuses_cosine_and_keeps_nothing():
    X, y = raw_data()
    model = descend.LinearRegression(schedule="cosine")
    with pytest.raises(ValueError, match=r"schedule='cosine' anneals the step over the max_iter"):
        model.partial_fit(X, y)
    assert not hasattr(model, "coef_")
    # and says what a schedule object given instead would change
    with pytest.raises(ValueError, match=r"whose steps are in your units \(learning_rate='auto'"):
        model.partial_fit(X, y)


@pytest.mark.parametrize("schedule", ["linear", "Cosine", 0.1])
def test_a_schedule_neither_none_cosine_nor_a_schedule_object_is_refused(schedule):
    X, y = raw_data()
    with pytest.raises(ValueError, match=r"schedule must be None, 'cosine' or a descend.sched"):
        descend.LinearRegression(schedule=schedule).fit(X, y)


def test_a_cosine_fit_pickles_and_warm_starts():
    X, y = raw_data()
    model = descend.LogisticRegression(schedule="cosine", batch_size=5, max_iter=4, tol=None)
    model.fit(X, y > np.median(y))
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    restored.set_params(warm_start=True).fit(X, y > np.median(y))
    assert restored.n_iter_ == 4


def test_a_cosine_fit_that_runs_out_of_epochs_advises_a_longer_anneal_not_a_larger_rate():
    X, y = raw_data()
    model = descend.LinearRegression(schedule="cosine", batch_size=1, max_iter=3)
    with pytest.warns(ConvergenceWarning, match=r"did not converge in max_iter=3 epochs") as got:
        model.fit(X, y)
    (message,) = [str(w.message) for w in got]
    assert message.endswith(
        "Increase max_iter: schedule='cosine' anneals the step over all of them."
    )
