"""descend.minimize: scipy's interface, the C++ fast path and the Python path, stopping rules,
divergence, callbacks, and the tutorial's two traps (a local minimum, a saddle point)."""

import contextlib
import io
import math
import os
import signal
import sys
import threading

import numpy as np
import pytest

import descend
from descend import functions as F
from descend.optim import _NAMED
from descend.schedules import Exponential, InverseTime

SCIPY_FIELDS = {"x", "fun", "jac", "nit", "nfev", "njev", "success", "status", "message"}


def python_rosenbrock(x):
    """Rosenbrock's function and gradient written in NumPy (no descend involved)."""
    d = x[1] - x[0] ** 2
    f = 100 * d**2 + (1 - x[0]) ** 2
    return f, np.array([-400 * x[0] * d - 2 * (1 - x[0]), 200 * d])


# ---------------------------------------------------------------------- the result


def test_result_has_scipys_fields_plus_history_and_attribute_access():
    res = descend.minimize(F.booth, [0.0, 0.0], method="momentum", options=dict(lr=0.01))
    assert SCIPY_FIELDS | {"history", "nonfinite_steps"} == set(res)
    assert isinstance(res, dict) and isinstance(res, descend.OptimizeResult)
    assert res.x is res["x"] and res.status == res["status"] == 0 and res.success is True
    assert isinstance(res.nit, int) and isinstance(res.nfev, int) and isinstance(res.njev, int)
    assert isinstance(res.message, str) and "Converged" in res.message
    with pytest.raises(AttributeError, match="hess_inv"):
        res.hess_inv  # noqa: B018
    res.extra = 1
    assert res["extra"] == 1
    assert "history" in dir(res) and "keys" in dir(res)
    assert repr(res).splitlines()[0].strip().startswith("x: array(")


def test_result_fields_describe_the_same_point():
    x0 = np.array([-1.5, 2.0])
    res = descend.minimize(
        F.rosenbrock, x0, method="adam", options=dict(lr=0.01, max_iter=300, record_path=True)
    )
    assert res.fun == F.rosenbrock(res.x)
    np.testing.assert_array_equal(res.jac, F.rosenbrock.grad(res.x))
    assert len(res.history) == res.nit + 1 == len(res.path)
    assert res.history[-1] == res.fun
    np.testing.assert_array_equal(res.path[0], x0)
    np.testing.assert_array_equal(res.path[-1], res.x)
    np.testing.assert_array_equal(res.history, F.rosenbrock(res.path))
    assert res.status == 1 and res.nfev == res.njev == res.nit + 1  # no probe after max_iter
    np.testing.assert_array_equal(x0, [-1.5, 2.0])  # x0 is never written


def test_scipy_minimize_result_has_the_same_fields():
    scipy_optimize = pytest.importorskip("scipy.optimize")
    theirs = scipy_optimize.minimize(python_rosenbrock, [-1.5, 2.0], jac=True, method="BFGS")
    ours = descend.minimize(python_rosenbrock, [-1.5, 2.0], jac=True, options=dict(lr=0.01))
    assert SCIPY_FIELDS <= set(theirs) and SCIPY_FIELDS <= set(ours)
    for field in SCIPY_FIELDS:
        assert type(ours[field]) is type(theirs[field]) or field in ("fun",), field


# ---------------------------------------------------------------------- every rule on Rosenbrock

# The settings table of minimize's docstring: each rule from (-1.5, 2) to (1, 1) within 1e-4.
ROSENBROCK_SETTINGS = {
    "gd": dict(lr=1e-3, gtol=1e-6, max_iter=100_000),
    "sgd": dict(lr=1e-3, gtol=1e-6, max_iter=100_000),
    "momentum": dict(lr=1e-3, gtol=1e-6, max_iter=100_000),
    "nesterov": dict(lr=1e-3, gtol=1e-6, max_iter=100_000),
    "adam": dict(lr=1e-3, gtol=1e-6, max_iter=100_000),
    "adamw": dict(lr=1e-3, weight_decay=0.0, gtol=1e-6, max_iter=100_000),
    "nadam": dict(lr=3e-4, gtol=1e-6, max_iter=100_000),
    "radam": dict(lr=1e-3, gtol=1e-6, max_iter=100_000),
    "adamax": dict(lr=1e-3, gtol=1e-6, max_iter=100_000),
    "adagrad": dict(lr=0.1, gtol=1e-6, max_iter=100_000),
    "rmsprop": dict(schedule=Exponential(1e-2, 0.9997), gtol=1e-6, max_iter=100_000),
}


@pytest.mark.parametrize("method", sorted(ROSENBROCK_SETTINGS))
def test_each_rule_takes_rosenbrock_from_the_bend_to_the_minimum(method):
    res = descend.minimize(
        F.rosenbrock, [-1.5, 2.0], method=method, tol=None, options=ROSENBROCK_SETTINGS[method]
    )
    assert res.success, res.message
    assert res.status == 0 and "gtol" in res.message
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-4)


# ---------------------------------------------------------------------- fast path = Python path


@pytest.mark.parametrize("method", ["gd", "nesterov", "adam"])
@pytest.mark.parametrize("clip_norm", [None, 50.0])
def test_fast_path_and_python_path_give_the_same_numbers(method, clip_norm):
    options = dict(lr=1e-3, max_iter=400, record_path=True, clip_norm=clip_norm)
    fast = descend.minimize(F.rosenbrock, [-1.5, 2.0], method=method, options=options)
    slow = descend.minimize(
        lambda x: F.rosenbrock.value_and_grad(x), [-1.5, 2.0], method=method, jac=True,
        options=options,
    )  # fmt: skip
    # The same C++ arithmetic on the same values: identical, not merely close.
    np.testing.assert_array_equal(fast.path, slow.path)
    np.testing.assert_array_equal(fast.history, slow.history)
    for field in ("x", "jac"):
        np.testing.assert_array_equal(fast[field], slow[field])
    for field in ("fun", "nit", "nfev", "njev", "status", "message"):
        assert fast[field] == slow[field], field


def test_landscape_with_its_own_grad_as_jac_takes_the_fast_path_with_the_same_numbers():
    a = descend.minimize(F.himmelblau, [0.0, 0.0], jac=F.himmelblau.grad)
    b = descend.minimize(F.himmelblau, [0.0, 0.0])
    np.testing.assert_array_equal(a.history, b.history)


def test_python_function_with_numpy_gradient_reaches_the_same_minimum():
    res = descend.minimize(
        python_rosenbrock, [-1.5, 2.0], jac=True, tol=None, options=ROSENBROCK_SETTINGS["adam"]
    )
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-4)


def test_finite_differences_when_jac_is_none():
    def f(x):
        return F.rosenbrock(x)

    res = descend.minimize(f, [-1.5, 2.0], options=dict(lr=0.01, max_iter=200))
    exact = descend.minimize(F.rosenbrock, [-1.5, 2.0], options=dict(lr=0.01, max_iter=200))
    np.testing.assert_allclose(res.history, exact.history, rtol=1e-6)
    # each gradient costs f(x) and 2 n more calls; the probe is not run (max_iter)
    assert res.njev == res.nit + 1 and res.nfev == 5 * res.njev


def test_jac_callable_and_args_reach_fun_and_jac():
    center = np.array([2.0, -1.0, 0.5])

    def fun(x, c, scale):
        return scale * float(np.sum((x - c) ** 2))

    def jac(x, c, scale):
        return 2 * scale * (x - c)

    res = descend.minimize(
        fun, np.zeros(3), args=(center, 3.0), method="gd", jac=jac, tol=None,
        options=dict(lr=0.1, gtol=1e-10),
    )  # fmt: skip
    np.testing.assert_allclose(res.x, center, atol=1e-10)
    assert res.nfev == res.njev + 6  # the curvature probe along 3 axes


def test_sgd_with_momentum_option_is_the_momentum_method():
    a = descend.minimize(F.beale, [1.0, 1.0], method="sgd", options=dict(lr=1e-3, momentum=0.9))
    b = descend.minimize(F.beale, [1.0, 1.0], method="momentum", options=dict(lr=1e-3))
    np.testing.assert_array_equal(a.history, b.history)


# ---------------------------------------------------------------------- the tutorial's traps


def test_gradient_descent_on_the_wrong_side_ends_in_the_local_minimum():
    options = dict(lr=0.1, gtol=1e-10)
    right = descend.minimize(F.double_well, [2.0], method="gd", tol=None, options=options)
    left = descend.minimize(F.double_well, [-0.5], method="gd", tol=None, options=options)
    best, local = F.double_well.minima
    # started at x > 0 it settles, successfully, in the local minimum, and says where
    assert right.success
    np.testing.assert_allclose(right.x, local.x, atol=1e-10)
    assert right.fun == pytest.approx(local.fun, rel=1e-12) and not local.is_global
    # started at x < 0 it finds the global one, lower by 9/4
    np.testing.assert_allclose(left.x, best.x, atol=1e-10)
    assert left.fun - right.fun == pytest.approx(-9 / 4, rel=1e-9)


def test_gradient_descent_on_the_saddles_stable_axis_stops_at_the_saddle():
    res = descend.minimize(
        F.saddle, [1.0, 0.0], method="gd", tol=None, options=dict(lr=0.1, gtol=1e-8)
    )
    assert res.x[1] == 0.0 and abs(res.x[0]) < 1e-8
    assert np.max(np.abs(res.jac)) < 1e-8
    assert not res.success and res.status == 2
    assert "||g||_inf = " in res.message
    assert "not a minimum" in res.message and "x[1]" in res.message


@pytest.mark.parametrize("method", ["momentum", "adam"])
def test_on_the_axis_every_rule_is_trapped(method):
    res = descend.minimize(F.saddle, [1.0, 0.0], method=method, options=dict(lr=0.05))
    assert res.x[1] == 0.0 and res.status == 2


@pytest.mark.parametrize("method", ["momentum", "adam"])
def test_a_small_perturbation_and_momentum_or_adam_escape_the_saddle(method):
    escaped = descend.minimize(
        F.saddle, [1.0, 1e-6], method=method, options=dict(lr=0.1, max_iter=500)
    )
    assert escaped.fun < -1 and abs(escaped.x[1]) > 1 and escaped.status == 1
    # plain gradient descent from the same point stalls near the saddle (and is told so)
    stalled = descend.minimize(F.saddle, [1.0, 1e-6], method="gd", options=dict(lr=0.1))
    assert stalled.status == 2 and abs(stalled.x[1]) < 1e-3


def test_curvature_probe_flags_the_monkey_saddle():
    res = descend.minimize(F.monkey_saddle, [1.0, 0.0], method="gd", options=dict(lr=0.1))
    assert res.status == 2 and "x[1]" in res.message


def test_curvature_probe_uses_random_directions_in_many_variables():
    quadratic = F.IllConditionedQuadratic(12, condition=10.0)
    res = descend.minimize(quadratic, np.ones(12), method="momentum", options=dict(lr=0.05))
    assert res.status == 0 and res.nfev == res.njev + 16

    def saddle12(x):
        return float(np.sum(x[:6] ** 2) - np.sum(x[6:] ** 2))

    x0 = np.r_[np.ones(6), np.zeros(6)]
    res = descend.minimize(
        saddle12, x0, method="gd", jac=lambda x: 2 * np.r_[x[:6], -x[6:]], options=dict(lr=0.1)
    )
    assert res.status == 2 and "a random direction" in res.message


# ---------------------------------------------------------------------- stopping rules


def test_max_iter_stops_without_success():
    res = descend.minimize(F.rosenbrock, [-1.5, 2.0], options=dict(max_iter=25))
    assert (res.nit, res.status, res.success) == (25, 1, False)
    assert "max_iter = 25" in res.message


def test_max_iter_zero_only_evaluates_x0():
    res = descend.minimize(F.rosenbrock, [-1.5, 2.0], options=dict(max_iter=0))
    assert res.nit == 0 and res.fun == 12.5 and res.status == 1


def test_tol_is_a_relative_change_of_f():
    res = descend.minimize(F.sphere, [3.0, 4.0], method="gd", tol=1e-3, options=dict(lr=0.01))
    f = res.history
    scale = np.maximum(np.maximum(np.abs(f[1:]), np.abs(f[:-1])), 1.0)
    changes = np.abs(np.diff(f)) / scale
    assert res.status == 0 and "tol" in res.message
    assert changes[-1] < 1e-3 and np.all(changes[:-1] >= 1e-3)


def test_gtol_is_the_largest_gradient_component():
    res = descend.minimize(F.sphere, [3.0, 4.0], method="gd", tol=None, options=dict(lr=0.01))
    norms = [np.max(np.abs(F.sphere.grad(p))) for p in (res.x,)]
    assert norms[0] < 1e-5 and "gtol = 1e-05" in res.message


def test_gtol_none_and_tol_none_run_to_max_iter():
    res = descend.minimize(
        F.sphere, [1.0, 1.0], method="gd", tol=None, options=dict(gtol=None, max_iter=3000)
    )
    assert res.nit == 3000 and res.status == 1


# ---------------------------------------------------------------------- schedules and clipping


def test_schedule_sets_the_step_size_of_each_iteration():
    schedule = InverseTime(t0=5, t1=50)
    res = descend.minimize(
        F.sphere, [1.0, -2.0], method="gd",
        options=dict(schedule=schedule, max_iter=3, record_path=True),
    )  # fmt: skip
    path = res.path
    for t in range(3):
        np.testing.assert_allclose(path[t + 1], path[t] - schedule(t) * 2 * path[t], rtol=1e-15)


def test_clip_norm_scales_the_gradient_down_to_that_norm():
    res = descend.minimize(
        F.sphere, [30.0, 40.0], method="gd",
        options=dict(lr=0.5, clip_norm=1.0, max_iter=1, record_path=True),
    )  # fmt: skip
    # g = (60, 80), |g| = 100 -> g' = g / (100 + 1e-6) (torch's clip_grad_norm_ rule)
    expected = np.array([30.0, 40.0]) - 0.5 * np.array([60.0, 80.0]) / 100.000001
    np.testing.assert_allclose(res.path[1], expected, rtol=1e-15)
    # a gradient shorter than clip_norm is left as it is: g = (0.6, 0.8), |g| = 1
    options = dict(lr=0.5, clip_norm=2.0, max_iter=1, record_path=True)
    res = descend.minimize(F.sphere, [0.3, 0.4], method="gd", options=options)
    np.testing.assert_array_equal(res.path[1], [0.0, 0.0])


# ---------------------------------------------------------------------- divergence


def test_divergence_stops_with_the_last_finite_iterate():
    # x_k = (-2)^k: f = 2 * 4^k overflows at k = 512
    res = descend.minimize(F.sphere, [1.0, 1.0], method="gd", options=dict(lr=1.5, max_iter=10_000))
    assert (res.status, res.success, res.nit) == (3, False, 512)
    assert "Diverged at iteration 512" in res.message and "iteration 511" in res.message
    np.testing.assert_array_equal(res.x, [-(2.0**511), -(2.0**511)])
    assert res.fun == F.sphere(res.x) and math.isfinite(res.fun)
    assert len(res.history) == 512


def test_divergence_of_a_python_function_at_a_known_iteration():
    def fun(x):
        return math.nan if x[0] > 3.0 else float(-x[0])

    res = descend.minimize(fun, [0.0], method="gd", jac=lambda x: np.array([-1.0]),
                           options=dict(lr=1.0))  # fmt: skip
    # x_k = k; f(4) is NaN
    assert res.status == 3 and res.nit == 4 and res.x[0] == 3.0 and res.fun == -3.0


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_a_non_finite_start_is_refused(bad):
    x0 = np.array([bad, 0.0])
    with pytest.raises(ValueError, match="x0: expected finite numbers"):
        descend.minimize(F.sphere, x0)
    assert x0[1] == 0.0 and not np.isfinite(x0[0])


def test_a_start_where_f_is_not_finite_diverges_at_iteration_zero():
    res = descend.minimize(interval, [3.0], jac=True)  # f = NaN outside |x| <= 2
    assert res.status == 3 and res.nit == 0 and "iteration 0" in res.message
    assert math.isnan(res.fun) and np.isnan(res.jac).all() and res.x[0] == 3.0


# ---------------------------------------------------------------------- on_nonfinite


def interval(x):
    """f(x) = x^2 on |x| <= 2, NaN outside, with its gradient 2x."""
    return (float(x[0] ** 2) if abs(x[0]) <= 2.0 else math.nan), 2.0 * x


def test_on_nonfinite_stop_is_the_default_and_ends_the_run():
    # gd from 1.5 (g = 3) with lr 1.2: x_1 = -2.1, where f is NaN
    for options in (dict(lr=1.2), dict(lr=1.2, on_nonfinite="stop")):
        res = descend.minimize(interval, [1.5], method="gd", jac=True, options=options)
        assert (res.status, res.nit, res.nonfinite_steps, res.x[0]) == (3, 1, 1, 1.5)


def test_on_nonfinite_skip_undoes_the_step_and_goes_on_with_the_next_lr():
    # lr_k = 1.2 * 0.5^k: step 0 (to -2.1) is skipped, step 1 goes to 1.5 - 0.6 * 3 = -0.3,
    # then x_k shrinks toward the minimum at 0.
    res = descend.minimize(interval, [1.5], method="gd", jac=True, tol=None,
                           options=dict(schedule=Exponential(1.2, 0.5), max_iter=2,
                                        on_nonfinite="skip"))  # fmt: skip
    assert (res.status, res.nit, res.nonfinite_steps) == (1, 2, 1)
    assert res.x[0] == pytest.approx(-0.3, abs=1e-15)
    np.testing.assert_array_equal(res.history[:2], [2.25, 2.25])  # the skipped step: x_0 again
    assert "1 step(s) led to NaN or infinity and were skipped" in res.message
    longer = descend.minimize(interval, [1.5], method="gd", jac=True,
                              options=dict(schedule=Exponential(1.2, 0.9), max_iter=1000,
                                           on_nonfinite="skip"))  # fmt: skip
    assert longer.success and abs(longer.x[0]) < 1e-4 and longer.nonfinite_steps >= 1


def test_on_nonfinite_skip_with_a_constant_lr_skips_until_max_iter():
    res = descend.minimize(interval, [1.5], method="adam", jac=True,
                           options=dict(lr=4.0, max_iter=50, on_nonfinite="skip"))  # fmt: skip
    assert (res.status, res.nit, res.nonfinite_steps, res.x[0]) == (1, 50, 50, 1.5)
    assert len(res.history) == 51 and (res.history == 2.25).all()


@pytest.mark.parametrize("policy", ["stop", "skip", "raise"])
def test_on_nonfinite_gives_the_same_run_on_the_fast_and_the_python_path(policy):
    # Gradient descent on Rosenbrock with lr 1 overflows within a few steps; with a fast
    # decaying lr, the skipped steps are followed by finite ones.
    options = dict(schedule=Exponential(1.0, 0.1), max_iter=40, on_nonfinite=policy)
    runs = []
    for fun, jac in ((F.rosenbrock, None), (lambda x: F.rosenbrock(x), F.rosenbrock.grad)):
        if policy == "raise":
            with pytest.raises(FloatingPointError, match="led to a NaN or infinite f"):
                descend.minimize(fun, [-1.5, 2.0], method="gd", jac=jac, tol=None,
                                 options=options)  # fmt: skip
            continue
        runs.append(descend.minimize(fun, [-1.5, 2.0], method="gd", jac=jac, tol=None,
                                     options=options))  # fmt: skip
    if policy == "raise":
        return
    fast, slow = runs
    assert fast.nonfinite_steps >= 1
    assert (fast.status, fast.nit, fast.nonfinite_steps) == (
        slow.status,
        slow.nit,
        slow.nonfinite_steps,
    )
    np.testing.assert_array_equal(fast.x, slow.x)
    np.testing.assert_array_equal(fast.history, slow.history)


def test_on_nonfinite_raise_at_x0_and_the_caller_x0_is_untouched():
    x0 = np.array([3.0])
    with pytest.raises(FloatingPointError, match="NaN or infinite at x0"):
        descend.minimize(interval, x0, jac=True, options=dict(on_nonfinite="raise"))
    np.testing.assert_array_equal(x0, [3.0])
    skipped = descend.minimize(interval, x0, jac=True, options=dict(on_nonfinite="skip"))
    assert (skipped.status, skipped.nit, skipped.nonfinite_steps) == (3, 0, 0)


# ---------------------------------------------------------------------- callbacks


@pytest.mark.parametrize("path", ["fast", "python"])
def test_callback_stop_iteration_ends_the_run_with_a_proper_result(path):
    fun = F.rosenbrock if path == "fast" else (lambda x: F.rosenbrock.value_and_grad(x))
    seen = []

    def callback(intermediate_result):
        seen.append(intermediate_result)
        if intermediate_result.nit == 5:
            raise StopIteration

    res = descend.minimize(fun, [-1.5, 2.0], jac=path == "python", callback=callback)
    assert (res.status, res.success, res.nit) == (99, False, 5)
    assert res.message == "`callback` raised `StopIteration`."
    assert [r.nit for r in seen] == [1, 2, 3, 4, 5]
    assert all(isinstance(r, descend.OptimizeResult) for r in seen)
    np.testing.assert_array_equal(seen[-1].x, res.x)
    assert seen[-1].fun == res.fun == F.rosenbrock(res.x)


def test_callback_is_called_after_every_iteration_with_xk():
    xs = []
    res = descend.minimize(F.booth, [0.0, 0.0], callback=xs.append, options=dict(lr=0.1))
    assert len(xs) == res.nit
    np.testing.assert_array_equal(xs[-1], res.x)
    assert xs[0] is not xs[1]  # copies, not the working array
    plain = descend.minimize(F.booth, [0.0, 0.0], options=dict(lr=0.1))
    np.testing.assert_array_equal(plain.history, res.history)


# ---------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(method="lbfgs"), ValueError, "method must be one of 'gd', 'sgd'"),
        (dict(options=dict(lr=0.1, schedule=InverseTime())), ValueError, "lr or schedule"),
        (
            dict(options=dict(betas=(0.9, 0.99))),
            TypeError,
            r"options: betas is not a hyperparameter of Adam \(method='adam'\)",
        ),
        (dict(options=dict(maximize=True)), ValueError, "maximize"),
        (dict(options=dict(lr=-1.0)), ValueError, "lr must be a finite number >= 0"),
        (dict(options=dict(max_iter=-1)), ValueError, r"options\['max_iter'\] must be an int"),
        (dict(options=dict(gtol=-1.0)), ValueError, r"options\['gtol'\] must be"),
        (dict(tol=math.nan), ValueError, "tol must be"),
        (dict(options=dict(clip_norm=0.0)), ValueError, r"options\['clip_norm'\] must be"),
        (dict(options=dict(schedule=0.1)), TypeError, "descend.schedules"),
        (dict(options=[("lr", 0.1)]), TypeError, "options must be a dict"),
        (dict(jac="2-point"), TypeError, "jac must be"),
        (dict(callback=3), TypeError, "callback must be callable"),
    ],
)
def test_bad_arguments_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        descend.minimize(python_rosenbrock, [-1.5, 2.0], **{"jac": True, **kwargs})


def test_bad_points_and_function_outputs_are_refused():
    with pytest.raises(ValueError, match="x0 must be 1-D"):
        descend.minimize(F.sphere, [[1.0, 2.0]])
    with pytest.raises(ValueError, match="x0: expected 2 values"):
        descend.minimize(F.sphere, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="fun must return a scalar"):
        descend.minimize(lambda x: x, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"jac must return an array of shape \(2,\)"):
        descend.minimize(lambda x: 0.0, [1.0, 2.0], jac=lambda x: np.zeros(3))
    with pytest.raises(ValueError, match="fun must return a tuple"):
        descend.minimize(lambda x: 0.0, [1.0, 2.0], jac=True)
    with pytest.raises(
        ValueError, match=r"^fun \(its grad, with jac=True\) must return an array of shape \(2,\)"
    ):
        descend.minimize(lambda x: (0.0, np.zeros(3)), [1.0, 2.0], jac=True)
    with pytest.raises(TypeError, match=r"^fun \(its grad, with jac=True\) must return an array"):
        descend.minimize(lambda x: (0.0, "no"), [1.0, 2.0], jac=True)
    for x0 in ([1.0], [1.0, 2.0]):  # (f, gradient) without jac=True: a ragged pair, or not
        with pytest.raises((TypeError, ValueError), match=r"\(f, gradient\) needs jac=True"):
            descend.minimize(lambda x: (float(x @ x), 2 * x), x0)


def test_a_non_finite_start_is_named_by_its_index_not_printed_whole():
    x0 = np.zeros(100_001)
    x0[-1] = np.nan
    with pytest.raises(ValueError, match=r"^x0: expected finite numbers, got nan at index 100000$"):
        descend.minimize(lambda x: 0.0, x0)


# ------------------------------------------------- the C++ loop's running bias corrections


@pytest.mark.parametrize("method", ["adam", "adamw", "radam", "adamax"])
def test_running_bias_corrections_follow_the_pow_formula_of_descend_optim(method):
    # minimize keeps beta1^t, beta2^t as running products (within 1 ulp of pow, see
    # cpp/include/descend/optimizers/bias_powers.hpp); descend.optim keeps torch's pow. The
    # two paths agree to rounding over 3000 steps, and minimize's paths agree exactly.
    steps, lr = 3000, 1e-3
    res = descend.minimize(F.rosenbrock, [-1.5, 2.0], method=method, tol=None,
                           options=dict(lr=lr, gtol=None, max_iter=steps))  # fmt: skip
    python = descend.minimize(lambda x: F.rosenbrock.value_and_grad(x), [-1.5, 2.0],
                              method=method, jac=True, tol=None,
                              options=dict(lr=lr, gtol=None, max_iter=steps))  # fmt: skip
    np.testing.assert_array_equal(res.history, python.history)
    optimizer_class, presets = _NAMED[method]
    x = np.array([-1.5, 2.0])
    optimizer = optimizer_class([x], **{**presets, "lr": lr})
    for _ in range(steps):
        optimizer.step([F.rosenbrock.grad(x)])
    np.testing.assert_allclose(res.x, x, rtol=1e-11, atol=0)


# ------------------------------------------------------------- progress bar and Ctrl-C


@contextlib.contextmanager
def _ctrl_c_into_the_run(seconds):
    """A thread that sends this process SIGINT (as Ctrl-C does) `seconds` after the run has
    set up its Ctrl-C handler (evidence that it is under way; a delay from the start of the
    test raced a loaded machine)."""
    done = threading.Event()

    def send():
        while signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            if done.wait(0.001):
                return
        if not done.wait(seconds):
            os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


LONG_RUN = dict(lr=1e-6, gtol=None, max_iter=10**9)  # minutes of steps: only Ctrl-C ends it


@pytest.mark.parametrize("path", ["landscape", "python function", "landscape with callback"])
def test_ctrl_c_stops_a_run_cleanly_and_returns_the_iterate_reached(path):
    kwargs = {}
    fun = F.rosenbrock
    if path == "python function":
        fun, kwargs = python_rosenbrock, dict(jac=True)
    elif path == "landscape with callback":
        kwargs = dict(callback=lambda xk: None)
    with _ctrl_c_into_the_run(0.2):
        res = descend.minimize(fun, [-1.5, 2.0], tol=None, options=LONG_RUN, **kwargs)
    assert res.status == 4 and res.success is False
    assert res.message.startswith(f"Interrupted (Ctrl-C) at iteration {res.nit}")
    assert 0 < res.nit < LONG_RUN["max_iter"] and len(res.history) == res.nit + 1
    f, g = python_rosenbrock(res.x)
    assert res.fun == res.history[-1] == pytest.approx(f, rel=1e-15)
    np.testing.assert_allclose(res.jac, g, rtol=1e-14)
    assert res.fun < python_rosenbrock(np.array([-1.5, 2.0]))[0]  # it did make progress
    # the handler is back: a later Ctrl-C raises as usual
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_as_the_run_ends_anyway_raises_keyboard_interrupt_after_it():
    # The Ctrl-C comes with the last evaluation of f, as the run reaches max_iter: no result
    # can say both, so the KeyboardInterrupt goes on rather than being lost.
    evaluations = []

    def fun(x):
        evaluations.append(1)
        if len(evaluations) == 6:  # x0 and 5 steps: the last evaluation
            signal.raise_signal(signal.SIGINT)
        return python_rosenbrock(x)

    with pytest.raises(KeyboardInterrupt, match="Ctrl-C came as the run ended at iteration 5"):
        descend.minimize(fun, [-1.5, 2.0], jac=True, tol=None, options=dict(max_iter=5))
    assert len(evaluations) == 6
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize(("disp", "shown"), [(True, True), (False, False), (None, False)])
def test_a_long_run_draws_a_bar_on_stderr_only_when_asked(disp, shown, monkeypatch):
    pytest.importorskip("tqdm")
    stream = io.StringIO()  # not a terminal: disp=None draws nothing
    monkeypatch.setattr(sys, "stderr", stream)
    with _ctrl_c_into_the_run(1.6):  # the bar appears after a second
        res = descend.minimize(F.rosenbrock, [-1.5, 2.0], tol=None,
                               options=dict(LONG_RUN, disp=disp))  # fmt: skip
    assert res.status == 4
    drawn = stream.getvalue()
    assert ("minimize (adam)" in drawn and "f=" in drawn) is shown
    assert (drawn == "") is not shown


def test_a_short_run_draws_no_bar_even_when_asked(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    res = descend.minimize(F.rosenbrock, [-1.5, 2.0], options=dict(disp=True, max_iter=2000))
    assert res.nit == 2000 and stream.getvalue() == ""


def test_disp_must_be_none_or_a_flag():
    with pytest.raises(TypeError, match=r"options\['disp'\] must be None, True or False"):
        descend.minimize(F.rosenbrock, [-1.5, 2.0], options=dict(disp="yes"))
