"""on_nonfinite="stop" | "skip" | "raise" of the estimators (the C++ loop's policy, as in
descend.minimize): stop keeps the parameters of the start of the diverging epoch and warns
naming it; raise leaves the same estimator and raises FloatingPointError naming it; skip undoes
each failing step, counts it in nonfinite_steps_ and goes on."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import descend
from descend.schedules import Constant, ReduceOnPlateau

_RNG = np.random.default_rng(0)
_X = 2 * _RNG.random((60, 2))
_Y = 4 + _X @ np.array([3.0, -1.0]) + 0.3 * _RNG.standard_normal(60)
_LABELS = np.where(_X[:, 0] - _X[:, 1] + 0.2 * _RNG.standard_normal(60) > 0, "yes", "no")

# Step sizes that make each estimator's fits overflow within a few hundred epochs.
_DIVERGING = {"regressor": 10.0, "classifier": 1e306}
_BATCHES = [None, 1, 8]


def _estimator(kind, **params):
    model = descend.LinearRegression if kind == "regressor" else descend.LogisticRegression
    params = {"learning_rate": _DIVERGING[kind], "max_iter": 1000, "random_state": 3, **params}
    return model(**params)


def _data(kind, sparse):
    X = sp.csr_matrix(_X) if sparse else _X
    return X, (_Y if kind == "regressor" else _LABELS)


def _parameters(model):
    return np.append(np.ravel(model.intercept_), np.ravel(model.coef_))


@pytest.mark.parametrize("value", ["ignore", "STOP", None, 1, True])
@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_an_unknown_on_nonfinite_is_refused_before_any_work(kind, value):
    model = _estimator(kind, on_nonfinite=value)
    with pytest.raises(ValueError, match=r"on_nonfinite must be one of 'stop', 'skip', 'raise'"):
        model.fit(*_data(kind, False))
    assert not hasattr(model, "coef_")


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize("batch_size", _BATCHES)
@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_stop_and_raise_keep_the_parameters_of_the_start_of_the_diverging_epoch(
    kind, batch_size, sparse
):
    X, y = _data(kind, sparse)
    with pytest.warns(descend.ConvergenceWarning, match=r"diverged at epoch (\d+)") as caught:
        stopped = _estimator(kind, batch_size=batch_size).fit(X, y)
    epoch = stopped._fit_state.solver.diverged_epoch
    assert f"diverged at epoch {epoch}:" in str(caught[0].message)
    assert stopped.status_ == "diverged" and not stopped.converged_
    assert np.isfinite(_parameters(stopped)).all()
    # the parameters of the same fit stopped one epoch earlier
    earlier = _estimator(kind, batch_size=batch_size, max_iter=epoch - 1, tol=None)
    if epoch > 1:
        earlier.fit(X, y)
        assert _parameters(stopped).tobytes() == _parameters(earlier).tobytes()
        # n_iter_ counts the diverged epoch, loss_curve_ ends with the last finite one
        assert stopped.n_iter_ == epoch and stopped.loss_curve_ == earlier.loss_curve_
    else:
        assert not np.any(_parameters(stopped))

    raising = _estimator(kind, batch_size=batch_size, on_nonfinite="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FloatingPointError, match=rf"diverged at epoch {epoch}: .*'raise'"):
            raising.fit(X, y)
    # the estimator is left as "stop" leaves it
    assert raising.status_ == "diverged" and raising.n_iter_ == stopped.n_iter_
    assert _parameters(raising).tobytes() == _parameters(stopped).tobytes()
    assert raising.loss_curve_ == stopped.loss_curve_
    assert raising.nonfinite_steps_ == stopped.nonfinite_steps_ == 0


def _poisoned(sparse, y_last):
    """_X with a last row of zeros whose target is y_last: with y_last = 1e200 its squared
    error (1e400) overflows at every theta, and without an intercept its gradient is zero
    otherwise (y_last = 0)."""
    X = np.vstack([_X, np.zeros((1, 2))])
    y = np.append(_Y, y_last)
    return (sp.csr_matrix(X) if sparse else X), y


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
def test_skip_steps_over_a_row_whose_loss_overflows_as_over_a_row_without_gradient(sparse):
    params = dict(
        batch_size=1, learning_rate=0.01, fit_intercept=False, max_iter=7, tol=None,
        random_state=5, on_nonfinite="skip",
    )  # fmt: skip
    with pytest.warns(descend.ConvergenceWarning, match=r"7 step\(s\) .* skipped"):
        skipping = descend.LinearRegression(**params).fit(*_poisoned(sparse, 1e200))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reference = descend.LinearRegression(**params).fit(*_poisoned(sparse, 0.0))
    assert skipping.coef_.tobytes() == reference.coef_.tobytes()
    assert skipping.nonfinite_steps_ == 7 and reference.nonfinite_steps_ == 0  # one an epoch
    assert skipping.t_ == reference.t_ == 7 * 61  # the schedule counts the skipped steps
    assert skipping.status_ == "max_iter"
    # each epoch's loss is the mean over the 60 steps with a finite loss (the reference's
    # mean has the zero row's loss 0 among 61)
    np.testing.assert_allclose(
        np.array(skipping.loss_curve_) * 60, np.array(reference.loss_curve_) * 61, rtol=1e-12
    )


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
def test_skip_never_takes_a_stuck_full_batch_fit_for_converged(sparse):
    model = descend.LinearRegression(learning_rate=0.01, max_iter=12, on_nonfinite="skip")
    with pytest.warns(descend.ConvergenceWarning, match=r"12 step\(s\)"):
        model.fit(*_poisoned(sparse, 1e200))
    assert model.status_ == "max_iter" and not model.converged_
    assert model.n_iter_ == model.t_ == model.nonfinite_steps_ == 12
    assert not np.any(model.coef_) and model.intercept_ == 0.0
    assert len(model.loss_curve_) == 12 and np.isnan(model.loss_curve_).all()  # no finite loss


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_skip_judges_a_full_batch_step_by_its_result_and_goes_on(kind, optimizer, sparse):
    X, y = _data(kind, sparse)
    # The steps at 1e300 reach finite parameters whose loss overflows: both are undone (the
    # loss repeats), the plateau rule then cuts the rate to 0.1 once and for all (cooldown).
    schedule = ReduceOnPlateau(Constant(1e300), factor=1e-301, patience=0, cooldown=10**6)
    params = dict(optimizer=optimizer, max_iter=42, tol=None)
    with pytest.warns(descend.ConvergenceWarning, match=r"2 step\(s\) .* skipped"):
        skipping = _estimator(kind, schedule=schedule, on_nonfinite="skip", **params).fit(X, y)
    # the same as a fit at that rate from the start, two epochs shorter, the update rule's
    # own step count (Adam's bias corrections) leaving out the skipped steps
    after = Constant(1e300 * 1e-301)
    reference = _estimator(kind, schedule=after, **{**params, "max_iter": 40}).fit(X, y)
    assert skipping.nonfinite_steps_ == 2 and skipping.t_ == 42
    assert _parameters(skipping).tobytes() == _parameters(reference).tobytes()
    assert skipping.loss_curve_ == reference.loss_curve_[:1] * 2 + reference.loss_curve_
    # stop: the first step's parameters are finite, the loss of the next epoch is not
    with pytest.warns(descend.ConvergenceWarning, match="diverged at epoch 2:"):
        stopped = _estimator(kind, schedule=schedule, **params).fit(X, y)
    assert stopped.status_ == "diverged" and np.isfinite(_parameters(stopped)).all()


def test_skip_counts_carry_over_partial_fit_and_pickle():
    X, y = _poisoned(False, 1e200)
    model = descend.LinearRegression(
        batch_size=1, learning_rate=0.01, fit_intercept=False, on_nonfinite="skip"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", descend.ConvergenceWarning)
        for _ in range(3):
            model.partial_fit(X, y)
    assert model.nonfinite_steps_ == 3 and model.t_ == 3 * 61
    copy = pickle.loads(pickle.dumps(model))
    assert copy.nonfinite_steps_ == 3 and copy._fit_state.solver.nonfinite_steps == 3


def test_each_partial_fit_warns_of_the_steps_it_skipped_itself():
    X, y = _poisoned(False, 1e200)
    model = descend.LinearRegression(
        batch_size=1, learning_rate=0.01, fit_intercept=False, on_nonfinite="skip"
    )
    for calls in (1, 2, 3):
        with pytest.warns(descend.ConvergenceWarning, match=r"^LinearRegression: 1 step\(s\) "):
            model.partial_fit(X, y)
        assert model.nonfinite_steps_ == calls
