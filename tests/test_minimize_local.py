"""minimize()'s loop for landscapes of one or two variables (minimize.hpp's run_local, which
keeps x, the gradient and the rule's state in local variables): the same numbers as the
general loop, bit for bit, whatever the rule, schedule and policy; bad input still refused."""

from __future__ import annotations

import numpy as np
import pytest

import descend
from descend import functions as F
from descend.schedules import Exponential, InverseTime

# Every landscape of 1 or 2 variables (run_local), and one of 3 (the general loop).
LANDSCAPES = [
    (F.double_well, [0.5]),
    (F.sphere, [1.0, -0.5]),
    (F.ill_conditioned, [1.0, 1.0]),
    (F.booth, [0.0, 0.0]),
    (F.rosenbrock, [-1.5, 2.0]),
    (F.beale, [1.0, 1.0]),
    (F.saddle, [0.5, 0.1]),
    (F.monkey_saddle, [0.5, 0.1]),
    (F.himmelblau, [0.0, 0.0]),
    (F.rastrigin, [0.3, -0.2]),
    (F.ackley, [0.3, -0.2]),
    (F.Rosenbrock(3), [-1.5, 2.0, 1.0]),
]
METHODS = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "nadam",
           "radam", "adamax"]  # fmt: skip


def _python_twin(landscape):
    """The landscape as a plain Python function: minimize takes the general (Python) loop."""
    return lambda x: landscape.value_and_grad(x)


def _same(fast, slow):
    np.testing.assert_array_equal(fast.history, slow.history)
    np.testing.assert_array_equal(fast.x, slow.x)
    np.testing.assert_array_equal(fast.jac, slow.jac)
    for field in ("fun", "nit", "nonfinite_steps", "status", "message"):
        assert fast[field] == slow[field], field


@pytest.mark.parametrize("landscape, x0", LANDSCAPES, ids=lambda v: repr(v)[:20])
@pytest.mark.parametrize("method", METHODS)
def test_the_local_loop_gives_the_numbers_of_the_general_loop(landscape, x0, method):
    options = dict(lr=1e-2, max_iter=300, gtol=None, record_path=True)
    fast = descend.minimize(landscape, x0, method=method, tol=None, options=options)
    slow = descend.minimize(_python_twin(landscape), x0, method=method, jac=True, tol=None,
                            options=options)  # fmt: skip
    _same(fast, slow)
    np.testing.assert_array_equal(fast.path, slow.path)


@pytest.mark.parametrize("landscape, x0", LANDSCAPES[:5], ids=lambda v: repr(v)[:20])
@pytest.mark.parametrize(
    "options",
    [
        dict(schedule=InverseTime(0.05, 10.0), max_iter=500),
        dict(lr=0.01, amsgrad=True, max_iter=500),
        dict(lr=0.05, clip_norm=1.0, max_iter=500),
        dict(lr=0.01, max_iter=20_000, gtol=1e-7),
    ],
    ids=["schedule", "amsgrad", "clip_norm", "to_gtol"],
)
def test_schedules_clipping_and_stopping_rules_agree(landscape, x0, options):
    fast = descend.minimize(landscape, x0, method="adam", options=options)
    slow = descend.minimize(_python_twin(landscape), x0, method="adam", jac=True,
                            options=options)  # fmt: skip
    _same(fast, slow)


@pytest.mark.parametrize("policy", ["stop", "skip"])
@pytest.mark.parametrize("landscape, x0", [(F.double_well, [3.0]), (F.rosenbrock, [-1.5, 2.0])])
def test_nonfinite_steps_agree(landscape, x0, policy):
    # gradient descent with a huge, decaying lr overflows first, then takes finite steps
    options = dict(schedule=Exponential(50.0, 0.05), max_iter=60, on_nonfinite=policy)
    fast = descend.minimize(landscape, x0, method="gd", tol=None, options=options)
    slow = descend.minimize(_python_twin(landscape), x0, method="gd", jac=True, tol=None,
                            options=options)  # fmt: skip
    assert fast.nonfinite_steps >= 1
    _same(fast, slow)


def test_a_run_in_one_step_slices_gives_the_numbers_of_one_long_slice():
    # a callback makes the C++ loop run one iteration per call (the general loop)
    seen = []
    sliced = descend.minimize(F.rosenbrock, [-1.5, 2.0], method="adam", tol=None,
                              callback=lambda xk: seen.append(xk),
                              options=dict(lr=1e-3, max_iter=2000, gtol=None))  # fmt: skip
    whole = descend.minimize(F.rosenbrock, [-1.5, 2.0], method="adam", tol=None,
                             options=dict(lr=1e-3, max_iter=2000, gtol=None))  # fmt: skip
    assert len(seen) == 2000
    _same(whole, sliced)


@pytest.mark.parametrize(
    "x0, error",
    [([np.nan, 1.0], ValueError), ([[1.0, 2.0]], ValueError), ("ab", TypeError),
     ([1.0, [2.0, 3.0]], ValueError), ([1.0, 2.0, 3.0], ValueError)],
)  # fmt: skip
def test_bad_starts_are_still_refused_on_the_local_loop(x0, error):
    with pytest.raises(error):
        descend.minimize(F.rosenbrock, x0, method="adam")


def test_bad_options_are_still_refused_on_the_local_loop():
    for options, error in (
        (dict(lr=-1.0), ValueError),
        (dict(lr="0.1"), TypeError),
        (dict(amsgrad="yes"), TypeError),
        (dict(max_iter=1.5), TypeError),
        (dict(gtol=-1.0), ValueError),
        (dict(state_slots=3), TypeError),
    ):
        with pytest.raises(error):
            descend.minimize(F.rosenbrock, [-1.5, 2.0], method="adam", options=options)
