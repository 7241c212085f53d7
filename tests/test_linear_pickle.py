"""Unpickling an estimator checks what it restores: a tampered or damaged state is refused
with a ValueError/TypeError naming what is wrong, before the estimator is used."""

import copy
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import descend
from descend.linear_model import _FitState

_RNG = np.random.default_rng(0)
_X = _RNG.standard_normal((60, 3))
_Y = _X @ np.array([1.0, -2.0, 0.5]) + 0.3


def _fitted(kind):
    if kind == "regressor":
        return descend.LinearRegression(
            optimizer="adam", average=True, batch_size=8, max_iter=5, tol=None, random_state=0
        ).fit(_X, _Y)
    if kind == "binary":
        return descend.LogisticRegression(max_iter=5, tol=None).fit(_X, _Y > 0)
    return descend.LogisticRegression(max_iter=5, tol=None).fit(_X, np.digitize(_Y, [-1, 1]))


def _loaded(model, edit):
    """model's pickled state, changed by `edit(state, fit_state)`, loaded into a new estimator
    (each object's __setstate__, as pickle.loads calls them)."""
    state = copy.deepcopy(model.__getstate__())
    run_state = state["_fit_state"].__getstate__()
    edit(state, run_state)
    if isinstance(state.get("_fit_state"), _FitState):  # (not replaced by the edit)
        run = object.__new__(_FitState)
        run.__setstate__(run_state)
        state["_fit_state"] = run
    blank = object.__new__(type(model))
    blank.__setstate__(state)
    return blank


@pytest.mark.parametrize("kind", ["regressor", "binary", "multiclass"])
def test_an_untouched_pickle_loads_and_predicts_the_same(kind):
    model = _fitted(kind)
    copy_ = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy_.predict(_X), model.predict(_X))
    assert _loaded(model, lambda state, run: None).n_iter_ == model.n_iter_


def _set(key, value):
    return lambda state, run: state.__setitem__(key, value)


def _set_run(key, value):
    return lambda state, run: run.__setitem__(key, value)


def _delete_run(key):
    return lambda state, run: run.pop(key)


TAMPERED = {
    "a hyperparameter missing": (lambda state, run: state.pop("alpha"), "hyperparameters"),
    "coef_ missing": (lambda state, run: state.pop("coef_"), "fitted attributes missing"),
    "coef_ of another length": (
        lambda state, run: state.__setitem__("coef_", np.append(state["coef_"], 1.0)),
        "coef_",
    ),
    "coef_ changed": (
        lambda state, run: state.__setitem__("coef_", state["coef_"] + 1),
        "coef_ and intercept_",
    ),
    "n_iter_ changed": (lambda state, run: state.__setitem__("n_iter_", 99), "n_iter_"),
    "n_features_in_ a string": (_set("n_features_in_", "3"), "n_features_in_"),
    "a fit state of another type": (_set("_fit_state", {"theta": 1}), "_fit_state"),
    "theta with NaN": (lambda state, run: run["theta"].__setitem__(0, np.nan), "theta"),
    "theta of another dtype": (
        lambda state, run: run.__setitem__("theta", run["theta"].astype(np.float32)),
        "optimizer state",
    ),
    "optimizer state of another shape": (
        lambda state, run: run.__setitem__("state", run["state"][..., :-1]),
        "optimizer state",
    ),
    "averaging_from missing": (_delete_run("averaging_from"), "fit state fields"),
    "rule_key not a rule": (_set_run("rule_key", ("print", ())), "rule_key"),
    "step_sizes not a pair": (_set_run("step_sizes", 0.1), "step_sizes"),
    "step_sizes with a schedule that is not one": (
        _set_run("step_sizes", ("auto", print)),
        "step_sizes",
    ),
    "rule_key of another rule's hyperparameters": (
        _set_run("rule_key", ("Adam", (("momentum", 0.9),))),
        "rule_key",
    ),
    "rule_key of an impossible hyperparameter": (
        lambda state, run: run.__setitem__(
            "rule_key", (run["rule_key"][0], tuple((k, -1.0) for k, _ in run["rule_key"][1]))
        ),
        "rule_key",
    ),
    "rule_key of a rule with other state": (
        _set_run("rule_key", descend.optim._estimator_rule_key("momentum")),
        "optimizer state",
    ),
    "averaging_from negative": (_set_run("averaging_from", -1), "averaging_from"),
    "average without averaging": (_set_run("averaging_from", 0), "average"),
    "solver not a SolverState": (_set_run("solver", None), "solver"),
    "schedule not a schedule": (_set_run("schedule", 0.1), "schedule"),
    "lr not positive": (_set_run("lr", -1.0), "lr"),
    "losses not floats": (_set_run("losses", ["a"]), "losses"),
    "status_ unknown": (_set("status_", "done"), "status_"),
    "status_ missing": (lambda state, run: state.pop("status_"), "fitted attributes missing"),
    "converged_ disagreeing with status_": (_set("converged_", True), "converged_"),
    "validation_scores_ not the fit's": (_set("validation_scores_", [1.0]), "validation_scores_"),
}


@pytest.mark.parametrize("case", sorted(TAMPERED))
@pytest.mark.parametrize("kind", ["regressor", "binary", "multiclass"])
def test_a_tampered_pickle_is_refused_naming_what_is_wrong(kind, case):
    edit, named = TAMPERED[case]
    model = _fitted(kind)
    if kind != "regressor" and case in ("average without averaging", "averaging_from negative"):
        edit = _set_run("averaging_from", 1)  # the classifiers do not average: average is None
        named = "average"
    with pytest.raises((ValueError, TypeError), match=named):
        _loaded(model, edit)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_a_pickle_with_other_classes_is_refused(kind):
    model = _fitted(kind)
    with pytest.raises(ValueError, match="classes"):
        _loaded(model, lambda state, run: state.__setitem__("classes_", state["classes_"][:1]))
    with pytest.raises(ValueError, match="classes"):
        _loaded(model, lambda state, run: run.__setitem__("classes", run["classes"][::-1]))


def test_a_fit_that_lbfgs_ends_at_a_stationary_point_pickles():
    # The default optimizer runs L-BFGS on a full batch; on exactly linear data its line search
    # soon finds no lower loss, which ends the fit before n_iter_no_change quiet epochs. The
    # solver's count of quiet epochs stays one a pickle accepts (at most the epochs run).
    X = np.arange(10.0)[:, None]
    y = 2.0 * X[:, 0] + 1.0
    model = descend.LinearRegression().fit(X, y)
    assert model.status_ == "converged" and model.n_iter_ < model.n_iter_no_change
    assert model._fit_state.solver.no_change <= model.n_iter_
    copy_ = pickle.loads(pickle.dumps(model))
    assert copy_.n_iter_ == model.n_iter_ and copy_.status_ == "converged"
    np.testing.assert_array_equal(copy_.predict(X), model.predict(X))


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("kind", ["regressor", "binary", "multiclass"])
def test_every_pickle_protocol_round_trips_a_fitted_estimator(kind, protocol):
    # (below protocol 2 the compiled objects inside once ended the process)
    model = _fitted(kind)
    copy_ = pickle.loads(pickle.dumps(model, protocol=protocol))
    np.testing.assert_array_equal(copy_.predict(_X), model.predict(_X))
    assert copy_._fit_state.solver.step == model._fit_state.solver.step


@pytest.mark.parametrize("protocol", [0, 1, 2])
def test_every_pickle_protocol_round_trips_schedules_and_an_unfitted_estimator(protocol):
    schedules = descend.schedules
    for schedule in (
        schedules.Cosine(0.1, T_max=100),
        schedules.InverseTime(5.0, 50.0),
        schedules.LinearWarmup(schedules.StepDecay(0.1, step_size=10), warmup_steps=5),
        schedules.ReduceOnPlateau(schedules.Constant(0.1)),
    ):
        again = pickle.loads(pickle.dumps(schedule, protocol=protocol))
        assert type(again) is type(schedule) and again(7) == schedule(7)
    unfitted = descend.LinearRegression(schedule=schedules.Cosine(0.1, T_max=100))
    again = pickle.loads(pickle.dumps(unfitted, protocol=protocol))
    assert again.schedule(50) == unfitted.schedule(50)


def test_no_compiled_class_ends_the_process_when_pickled_at_any_protocol():
    # Every class of descend._core that makes an instance without arguments, pickled at every
    # protocol: a round trip to an equal object, or a TypeError for a class that does not
    # pickle (in a child process: the failure this pins down was the end of the process).
    script = textwrap.dedent(
        """
        import pickle
        from descend import _core

        tried = 0
        for name, cls in sorted(vars(_core).items()):
            if not isinstance(cls, type):
                continue
            try:
                instance = cls()
            except TypeError:
                continue
            tried += 1
            for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
                try:
                    data = pickle.dumps(instance, protocol=protocol)
                except TypeError as error:
                    assert "pickle" in str(error), (name, protocol, error)
                    continue
                again = pickle.loads(data)
                assert type(again) is cls, (name, protocol)
                assert cls.__eq__ is object.__eq__ or again == instance, (name, protocol)
        assert tried >= 20, tried
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_a_shallow_copy_has_a_fit_state_of_its_own():
    model = descend.LinearRegression(optimizer="sgd").partial_fit(_X, _Y)
    coef = model.coef_.copy()
    twin = copy.copy(model)
    twin.partial_fit(_X, _Y)
    assert (model.n_iter_, model._fit_state.solver.epoch, twin.n_iter_) == (1, 1, 2)
    np.testing.assert_array_equal(model.coef_, coef)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).coef_, coef)
    model.partial_fit(_X, _Y)  # from its own state: the same as the twin's second call
    np.testing.assert_array_equal(model.coef_, twin.coef_)


def test_an_unfitted_estimator_and_a_model_read_from_a_file_still_pickle(tmp_path):
    unfitted = pickle.loads(pickle.dumps(descend.LinearRegression(alpha=0.5)))
    assert unfitted.alpha == 0.5 and not hasattr(unfitted, "coef_")
    from descend._model_io import load_model, save_model

    path = tmp_path / "model.json"
    save_model(path, _fitted("multiclass"), ["a", "b", "c"], "y")
    loaded = load_model(path)[0]
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(loaded)).predict(_X), loaded.predict(_X)
    )


def _solver_fields(**changes):
    """A fitted estimator's pickled SolverState fields (the tuple of its __getstate__), with
    the fields at the given positions replaced."""
    fields = list(_fitted("regressor")._fit_state.solver.__getstate__())
    for position, value in changes.items():
        fields[int(position.lstrip("_"))] = value
    return tuple(fields)


@pytest.mark.parametrize(
    ("fields", "error", "named"),
    [
        (_solver_fields()[:-1], ValueError, "14 fields"),
        (_solver_fields(_13=10**9), ValueError, "nonfinite_steps"),
        (_solver_fields(_0="1"), TypeError, "random_state"),
        (_solver_fields(_1=-1), ValueError, "random_state"),
        (_solver_fields(_2=2**64), ValueError, "random_state"),
        (_solver_fields(_0=0, _1=0, _2=0, _3=0), ValueError, "not all zero"),
        (_solver_fields(_4=1.5), TypeError, "step"),
        (_solver_fields(_4=True), TypeError, "step"),
        (_solver_fields(_5=2**63), ValueError, "epoch"),
        (_solver_fields(_6=1), TypeError, "previous_loss"),
        (_solver_fields(_7=10**6), ValueError, "no_change"),
        (_solver_fields(_8=3), TypeError, "status"),
        (_solver_fields(_8="done"), ValueError, "status"),
        (_solver_fields(_9=10**6), ValueError, "diverged_epoch"),
        (_solver_fields(_10="inf"), TypeError, "best_validation_loss"),
        (_solver_fields(_11=(1.0,)), TypeError, "best_theta"),
        (_solver_fields(_12=[float("nan")]), ValueError, "best_average"),
    ],
)
def test_a_damaged_solver_state_pickle_is_refused_naming_the_field(fields, error, named):
    blank = descend._core.SolverState.__new__(descend._core.SolverState)
    with pytest.raises(error, match=named):
        blank.__setstate__(fields)


def test_a_solver_state_with_best_parameters_of_another_size_is_refused():
    fields = _solver_fields(_11=[0.0] * 3)
    solver = descend._core.SolverState.__new__(descend._core.SolverState)
    solver.__setstate__(fields)
    with pytest.raises(ValueError, match="best_theta"):
        _loaded(_fitted("regressor"), _set_run("solver", solver))
