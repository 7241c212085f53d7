"""descend.dask: fits on a Dask LocalCluster equal the single-machine fits; bad input, and a
worker killed mid-fit, never give a silently wrong model."""

import os
import pickle
import signal
import threading
import time

import numpy as np
import pytest

import descend
from descend import _core

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
descend_dask = pytest.importorskip("descend.dask")

RULES = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "nadam", "radam",
         "adamax"]
# uneven row chunks, so that the workers hold different numbers of rows
CHUNKS = (70, 100, 30, 100)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        host="127.0.0.1",
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _data(classes=None, m=300, n=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n)) * np.array([1.0, 3.0, 0.5, 2.0, 1.0])[:n]
    z = X @ rng.standard_normal(n) + 0.5
    if classes is None:
        y = z + 0.1 * rng.standard_normal(m)
    else:
        edges = np.quantile(z, np.linspace(0, 1, len(classes) + 1)[1:-1])
        y = np.asarray(classes)[np.digitize(z, edges)]
    weight = rng.uniform(0.0, 2.0, m)
    return X, y, weight


def _dask(*arrays):
    return [da.from_array(a, chunks=(CHUNKS,) + a.shape[1:]) for a in arrays]


def _assert_same_fit(distributed_model, local_model):
    for name in ("coef_", "intercept_"):
        got, want = getattr(distributed_model, name), getattr(local_model, name)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(distributed_model.loss_curve_, local_model.loss_curve_,
                               rtol=1e-10)
    assert distributed_model.n_iter_ == local_model.n_iter_
    assert distributed_model.t_ == local_model.t_


@pytest.mark.parametrize("rule", RULES)
def test_full_batch_fit_on_a_dask_array_equals_the_single_machine_fit_for_every_rule(client, rule):
    X, y, weight = _data()
    params = dict(optimizer=rule, learning_rate=0.05, penalty="l2", alpha=0.01, max_iter=25,
                  tol=None)
    local = descend.LinearRegression(**params).fit(X, y, sample_weight=weight)
    model = descend_dask.fit(descend.LinearRegression(**params), *_dask(X, y), *_dask(weight),
                             client=client)
    _assert_same_fit(model, local)


@pytest.mark.parametrize(
    "params",
    [
        dict(loss="huber", epsilon=0.5, penalty="elasticnet", alpha=0.05, l1_ratio=0.5,
             optimizer="sgd", learning_rate=0.05, average=5),
        dict(penalty="l1", alpha=0.05, optimizer="sgd", learning_rate=0.02,
             schedule=descend.schedules.ReduceOnPlateau(descend.schedules.Constant(0.02))),
    ],
)
def test_regression_losses_penalties_averaging_and_schedules_equal_the_single_machine_fit(
    client, params
):
    X, y, _ = _data()
    local = descend.LinearRegression(max_iter=40, tol=None, **params).fit(X, y)
    model = descend_dask.fit(descend.LinearRegression(max_iter=40, tol=None, **params),
                             *_dask(X, y), client=client)
    _assert_same_fit(model, local)
    if params["penalty"] in ("l1", "elasticnet"):
        assert np.array_equal(model.coef_ == 0, local.coef_ == 0)


def test_stopping_on_tol_stops_at_the_same_epoch(client):
    X, y, _ = _data()
    params = dict(learning_rate=0.05, tol=1e-4, n_iter_no_change=3, max_iter=500)
    local = descend.LinearRegression(**params).fit(X, y)
    model = descend_dask.fit(descend.LinearRegression(**params), *_dask(X, y), client=client)
    assert local.converged_ and model.converged_
    _assert_same_fit(model, local)


@pytest.mark.parametrize(
    "classes, class_weight",
    [(["no", "yes"], None), (["no", "yes"], "balanced"), ([3, 5, 7], {5: 2.0}),
     ([3, 5, 7], "balanced")],
)
def test_logistic_regression_binary_and_multiclass_equals_the_single_machine_fit(
    client, classes, class_weight
):
    X, y, weight = _data(classes)
    # not Adam: balanced weights zero the intercept gradient at the start, and Adam turns its
    # rounding noise into steps of size lr
    params = dict(optimizer="momentum", learning_rate=0.05, class_weight=class_weight, max_iter=30,
                  tol=None)
    local = descend.LogisticRegression(**params).fit(X, y, sample_weight=weight)
    model = descend_dask.fit(descend.LogisticRegression(**params), *_dask(X, y, weight),
                             client=client)
    assert model.classes_.tolist() == sorted(classes)
    _assert_same_fit(model, local)
    assert np.array_equal(model.predict(X), local.predict(X))


def test_classes_are_found_across_all_chunks(client):
    # the last chunk alone holds the third class
    X, _, _ = _data()
    y = np.where(np.arange(300) < 150, 0, 1)
    y[-10:] = 2
    model = descend_dask.fit(descend.LogisticRegression(learning_rate=0.1, max_iter=5, tol=None),
                             *_dask(X, y), client=client)
    assert model.classes_.tolist() == [0, 1, 2]
    assert model.coef_.shape == (3, 5)


def test_dask_dataframes_keep_feature_names_and_the_result_is_an_ordinary_estimator(client):
    X, y, _ = _data()
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(5)])
    ddf = dd.from_pandas(frame, npartitions=3)
    target = dd.from_pandas(pd.Series(y), npartitions=3)
    params = dict(learning_rate=0.05, max_iter=20, tol=None)
    model = descend_dask.fit(descend.LinearRegression(**params), ddf, target, client=client)
    local = descend.LinearRegression(**params).fit(frame, y)
    assert model.feature_names_in_.tolist() == [f"f{j}" for j in range(5)]
    _assert_same_fit(model, local)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(frame), model.predict(frame))
    np.testing.assert_allclose(model.predict(frame), local.predict(frame), rtol=1e-10)


def test_misaligned_chunks_and_bad_input_are_refused_with_clear_errors(client):
    X, y, weight = _data()
    dX, dy = _dask(X, y)
    model = descend.LinearRegression(learning_rate=0.1)
    with pytest.raises(ValueError, match="y: expected the row chunks of X"):
        descend_dask.fit(model, dX, da.from_array(y, chunks=150), client=client)
    with pytest.raises(ValueError, match="sample_weight: expected the row chunks of X"):
        descend_dask.fit(model, dX, dy, da.from_array(weight, chunks=100), client=client)
    with pytest.raises(TypeError, match="X: expected a dask.array.Array"):
        descend_dask.fit(model, X, dy, client=client)
    with pytest.raises(TypeError, match="estimator: expected a descend.LinearRegression"):
        descend_dask.fit(object(), dX, dy, client=client)
    for optimizer in ("sgd", "adam"):  # auto's internal scaling is not computed on workers
        with pytest.raises(ValueError, match="learning_rate: descend.dask.fit needs a number"):
            descend_dask.fit(descend.LinearRegression(optimizer=optimizer), dX, dy,
                             client=client)
    with pytest.raises(ValueError, match="penalty: 'l1' .* needs the plain 'sgd' optimizer"):
        descend_dask.fit(descend.LinearRegression(learning_rate=0.1, penalty="l1",
                                                  optimizer="momentum"), dX, dy, client=client)
    with pytest.raises(ValueError, match="batch_size: descend.dask.fit runs full-batch"):
        descend_dask.fit(descend.LinearRegression(learning_rate=0.1, batch_size=10), dX, dy,
                         client=client)
    bad = X.copy()
    bad[250, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        descend_dask.fit(model, *_dask(bad), dy, client=client)
    with pytest.raises(ValueError, match="sample_weight must not be all zero"):
        descend_dask.fit(model, dX, dy, *_dask(np.zeros(300)), client=client)
    with pytest.raises(ValueError, match="negative"):
        descend_dask.fit(model, dX, dy, *_dask(-weight), client=client)
    assert not hasattr(model, "coef_")


def test_solver_refuses_sums_computed_at_another_theta():
    theta = np.zeros(3)
    state = np.zeros((0, 3))
    with pytest.raises(ValueError, match="computed at another theta"):
        _core.fit_linear_from_sums(
            1.0, np.ones(3), np.full(3, 0.5), theta, state, None, _core.SGD(lr=0.1),
            _core.Constant(lr=0.1), _core.SolverOptions(), _core.SolverState(0), n_samples=10,
        )
    assert not theta.any()


def test_a_worker_killed_mid_fit_gives_the_correct_model_or_a_clear_error(client):
    X, y, _ = _data()
    params = dict(learning_rate=0.02, max_iter=300, tol=None)
    local = descend.LinearRegression(**params).fit(X, y)
    outcome = {}

    def run():
        try:
            outcome["model"] = descend_dask.fit(descend.LinearRegression(**params),
                                                *_dask(X, y), client=client)
        except Exception as error:  # noqa: BLE001 - the test looks at what it was
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    killed = thread.is_alive()
    pids = client.run(os.getpid)
    os.kill(sorted(pids.values())[0], signal.SIGKILL)
    thread.join(60)
    assert not thread.is_alive()
    client.wait_for_workers(2, timeout=30)
    assert killed, "the fit ended before the worker was killed"
    if "model" in outcome:
        _assert_same_fit(outcome["model"], local)
    else:
        error = outcome["error"]
        assert isinstance(error, descend_dask.WorkerLostError), repr(error)
        assert "lost" in str(error)
