"""The estimators' NaN/Inf check of X, deferred to the first epoch (linear_model.py,
_defers_finite_check) when that epoch reads every row: wherever the bad value sits, whatever
path the loop takes, the fit is refused with the same error as the up-front check, the
estimator keeps its previous fit and X is left as it was; finite data that diverges is not
refused; and a clean fit of that kind makes no separate pass over X."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import descend
from descend import _core
from descend.exceptions import ConvergenceWarning

ROWS, COLS = 40, 3

# Settings whose first epoch visits every row (each takes its own path through the loop):
# the fused one-row SGD, with averaging and with l1; one-row Adam; shuffled mini-batches;
# the full batch.
DEFERRING = {
    "fused": dict(batch_size=1, schedule=descend.schedules.InvScaling(eta0=0.01)),
    "fused averaged": dict(batch_size=1, learning_rate=0.01, average=True),
    "fused l1": dict(batch_size=1, learning_rate=0.01, penalty="l1"),
    "adam rows": dict(batch_size=1, learning_rate=0.01, optimizer="adam"),
    "mini-batches": dict(batch_size=7, learning_rate=0.01),
    "full batch": dict(batch_size=None, learning_rate=0.1),
}
MODELS = {
    "squared_error": (descend.LinearRegression, dict(), "regression"),
    "huber": (descend.LinearRegression, dict(loss="huber"), "regression"),
    "log_loss": (descend.LogisticRegression, dict(), "binary"),
    "softmax": (descend.LogisticRegression, dict(), "three classes"),
}


def make_data(kind: str, dtype) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((ROWS, COLS)).astype(dtype)
    if kind == "regression":
        return X, X @ np.arange(1.0, COLS + 1)
    return X, np.arange(ROWS) % (2 if kind == "binary" else 3)


def fitted_state(model) -> dict:
    return {
        name: np.copy(getattr(model, name))
        for name in ("coef_", "intercept_", "n_iter_", "t_", "loss_curve_")
    }


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("settings_name", DEFERRING)
@pytest.mark.parametrize("layout", ["dense", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_nonfinite_value_anywhere_is_refused_and_the_previous_fit_kept(
    model_name, settings_name, layout, dtype
):
    cls, extra, kind = MODELS[model_name]
    X, y = make_data(kind, dtype)
    model = cls(max_iter=2, tol=None, random_state=0, **extra, **DEFERRING[settings_name])
    model.fit(X, y)
    before = fitted_state(model)
    rng = np.random.default_rng(1)
    for row, column in ((0, 0), (ROWS // 2, 1), (ROWS - 1, COLS - 1)):
        bad = X.copy()
        bad[row, column] = rng.choice([np.nan, np.inf, -np.inf])
        data = bad if layout == "dense" else sp.csr_matrix(bad)
        given = data.copy()
        for warm_start in (False, True):
            model.set_params(warm_start=warm_start)
            with pytest.raises(ValueError, match="X contains NaN or infinity"):
                model.fit(data, y)
            after = fitted_state(model)
            assert all(np.array_equal(after[k], before[k]) for k in before), (row, column)
        if layout == "dense":
            np.testing.assert_array_equal(data, given)
        else:
            np.testing.assert_array_equal(data.toarray(), given.toarray())


@pytest.mark.parametrize("settings_name", DEFERRING)
def test_finite_data_that_diverges_is_not_refused(settings_name):
    X, y = make_data("regression", np.float64)
    settings = dict(DEFERRING[settings_name], schedule=None, learning_rate=1e6)
    model = descend.LinearRegression(max_iter=3, tol=None, **settings)
    with pytest.warns(ConvergenceWarning):
        model.fit(1e150 * X, y)
    assert model.status_ == "diverged"


@pytest.fixture
def checked_sizes(monkeypatch) -> list[int]:
    """The sizes of the arrays _core.all_finite (the NaN/Inf check of X) is called on."""
    checked: list[int] = []
    all_finite = _core.all_finite

    def counted(array):
        checked.append(np.asarray(array).size)
        return all_finite(array)

    monkeypatch.setattr(_core, "all_finite", counted)
    return checked


def test_a_clean_fit_that_defers_makes_no_pass_over_X_of_its_own(checked_sizes):
    X, y = make_data("regression", np.float64)
    descend.LinearRegression(max_iter=2, tol=None, **DEFERRING["fused"]).fit(X, y)
    assert X.size not in checked_sizes
    descend.LinearRegression(max_iter=2, tol=None, batch_size=1).fit(X, y)  # "auto": checked
    assert X.size in checked_sizes


def test_whether_a_fit_defers_follows_the_hyperparameters_changed_since_the_last_fit(
    checked_sizes,
):
    # (_settings works it out once for a set of values, which the next fits reuse while they
    # are the same objects)
    X, y = make_data("regression", np.float64)
    model = descend.LinearRegression(max_iter=2, tol=None, **DEFERRING["adam rows"])
    for changes, defers in (
        ({}, True),
        ({"sampling": "replacement"}, False),  # the first epoch may miss rows
        ({"sampling": "shuffle"}, True),
        ({"learning_rate": "auto"}, False),  # the scaling reads X first
        ({"schedule": descend.schedules.Constant(0.01)}, True),
        ({"on_nonfinite": "skip"}, False),
        ({"on_nonfinite": "stop", "early_stopping": True}, False),
    ):
        checked_sizes.clear()
        model.set_params(**changes).fit(X, y)
        assert (X.size not in checked_sizes) is defers, changes
