"""Learning-rate schedules: formulas, torch/scikit-learn semantics, validation,
ReduceOnPlateau's state (through descend.schedules, in C++, inside the solver), pickling, and
fits. The formulas live in C++ only; descend.schedules' objects show the compiled ones."""

from __future__ import annotations

import copy
import math
import pickle
import warnings

import numpy as np
import pytest

import descend
from descend import _core
from descend.cli import tutorial_data
from descend.schedules import (
    Constant,
    Cosine,
    Exponential,
    InverseTime,
    InvScaling,
    LinearWarmup,
    ReduceOnPlateau,
    StepDecay,
)

from .conftest import fit_in_slices

STEPS = np.arange(0, 5000)


def values(schedule, steps=STEPS) -> np.ndarray:
    return np.array([schedule(int(t)) for t in steps])


# ---------------------------------------------------------------------- closed forms
def test_constant_is_lr_at_every_step():
    np.testing.assert_array_equal(values(Constant(0.03)), np.full(STEPS.size, 0.03))


def test_inverse_time_is_t0_over_t_plus_t1():
    t = STEPS.astype(float)
    np.testing.assert_allclose(values(InverseTime(5, 50)), 5 / (t + 50), rtol=1e-15)


@pytest.mark.parametrize(("eta0", "power_t"), [(0.01, 0.25), (0.1, 0.5), (1.0, 1.0), (0.3, 0.0)])
def test_inv_scaling_is_sklearn_formula_with_its_counter_starting_at_one(eta0, power_t):
    # scikit-learn documents eta = eta0 / pow(t, power_t), with t = 1 for the first update.
    sklearn_t = STEPS + 1.0
    np.testing.assert_allclose(
        values(InvScaling(eta0, power_t)), eta0 / np.power(sklearn_t, power_t), rtol=1e-15
    )


def test_inv_scaling_reproduces_sklearn_sgd_regressor_updates():
    # One epoch of SGDRegressor(learning_rate="invscaling") without penalty or shuffling is
    # w <- w - eta * (x.w + b - y) * x, b <- b - eta * (x.w + b - y), with sklearn's eta; the
    # same loop with InvScaling(t) for the t-th update (t from 0) must give the same weights.
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDRegressor

    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    rate = dict(eta0=0.05, power_t=0.4)
    plain = dict(loss="squared_error", penalty=None, tol=None, shuffle=False, average=False)
    sgd = SGDRegressor(learning_rate="invscaling", max_iter=1, **rate, **plain)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sgd.fit(X, y)
    schedule = InvScaling(**rate)
    w, b = np.zeros(3), 0.0
    for t, (x_row, y_row) in enumerate(zip(X, y, strict=True)):
        eta = schedule(t)
        residual = x_row @ w + b - y_row
        w, b = w - eta * residual * x_row, b - eta * residual
    np.testing.assert_allclose(sgd.coef_, w, rtol=1e-10)
    np.testing.assert_allclose(sgd.intercept_[0], b, rtol=1e-10)


@pytest.mark.parametrize(
    ("lr", "step_size", "gamma"), [(0.1, 100, 0.5), (1.0, 1, 0.9), (0.2, 777, 1.0)]
)
def test_step_decay_is_lr_times_gamma_to_the_number_of_drops(lr, step_size, gamma):
    np.testing.assert_allclose(
        values(StepDecay(lr, step_size, gamma)), lr * gamma ** (STEPS // step_size), rtol=1e-14
    )


@pytest.mark.parametrize(("lr", "gamma"), [(0.1, 0.999), (1.0, 0.5), (0.02, 1.0)])
def test_exponential_is_lr_times_gamma_to_the_t(lr, gamma):
    np.testing.assert_allclose(
        values(Exponential(lr, gamma)), lr * gamma ** STEPS.astype(float), rtol=1e-12
    )


@pytest.mark.parametrize(
    ("lr", "T_max", "eta_min"), [(0.1, 1000, 0.0), (1.0, 7, 0.1), (0.5, 1, 0.5)]
)
def test_cosine_is_torch_closed_form(lr, T_max, eta_min):
    t = STEPS.astype(float)
    expected = eta_min + (lr - eta_min) * (1 + np.cos(np.pi * t / T_max)) / 2
    # Near t = T_max, 1 + cos loses its relative precision: an ulp of difference between NumPy's
    # cos and the C++ one (they differ across NumPy versions) is an absolute (lr - eta_min) * eps
    # there, which atol allows 4 times over. A step off by one near the end moves the rate by
    # (lr - eta_min) * (1 - cos(pi / T_max)) / 2, over 1e-6 * (lr - eta_min) here: still caught.
    atol = 4 * np.finfo(float).eps * (lr - eta_min)
    np.testing.assert_allclose(values(Cosine(lr, T_max, eta_min)), expected, rtol=1e-12, atol=atol)


# ---------------------------------------------------------------------- torch semantics
# torch.optim.lr_scheduler's schedulers, written from their documented recursive ("chainable")
# forms: each step derives the new rate from the previous one. t counts scheduler steps.
def torch_step_lr(lr, step_size, gamma, n):
    rates = [lr]
    for t in range(1, n):
        rates.append(rates[-1] * gamma if t % step_size == 0 else rates[-1])
    return np.array(rates)


def torch_exponential_lr(lr, gamma, n):
    rates = [lr]
    for _ in range(1, n):
        rates.append(rates[-1] * gamma)
    return np.array(rates)


def torch_cosine_annealing_lr(lr, T_max, eta_min, n):
    rates = [lr]
    for t in range(1, n):
        previous = rates[-1]
        if (t - 1 - T_max) % (2 * T_max) == 0:
            rates.append(previous + (lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2)
        else:
            rates.append(
                (1 + math.cos(math.pi * t / T_max))
                / (1 + math.cos(math.pi * (t - 1) / T_max))
                * (previous - eta_min)
                + eta_min
            )
    return np.array(rates)


def test_step_decay_follows_torch_step_lr():
    np.testing.assert_allclose(
        values(StepDecay(0.1, 30, 0.3), range(400)), torch_step_lr(0.1, 30, 0.3, 400), rtol=1e-13
    )


def test_exponential_follows_torch_exponential_lr():
    np.testing.assert_allclose(
        values(Exponential(0.1, 0.97), range(400)), torch_exponential_lr(0.1, 0.97, 400), rtol=1e-12
    )


@pytest.mark.parametrize("T_max", [1, 10, 37])
def test_cosine_follows_torch_cosine_annealing_lr_past_t_max(T_max):
    # After T_max torch's rate climbs back to lr (at 2 T_max) and oscillates; so does ours.
    n = 6 * T_max + 3
    ours = values(Cosine(0.1, T_max, 0.01), range(n))
    np.testing.assert_allclose(ours, torch_cosine_annealing_lr(0.1, T_max, 0.01, n), rtol=1e-9)
    assert ours[2 * T_max] == pytest.approx(0.1) and ours[3 * T_max] == pytest.approx(0.01)


class TorchReduceLROnPlateau:
    """torch.optim.lr_scheduler.ReduceLROnPlateau (mode="min", threshold_mode="rel") on one
    learning rate, from its documentation and algorithm."""

    def __init__(self, lr, factor, patience, threshold, cooldown, min_lr, eps=1e-8):
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.cooldown, self.min_lr, self.eps = threshold, cooldown, min_lr, eps
        self.best, self.num_bad_epochs, self.cooldown_counter = math.inf, 0, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0


PLATEAU_LOSSES = [
    1.0,
    0.95,
    0.95,
    0.95,
    0.95,
    0.8,
    0.79,
    0.8,
    0.8,
    0.8,
    0.5,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
]


@pytest.mark.parametrize(
    ("factor", "patience", "threshold", "cooldown", "min_lr"),
    [(0.5, 2, 0.1, 1, 0.02), (0.1, 3, 1e-4, 0, 0.0), (0.3, 1, 0.0, 3, 1e-3)],
)
def test_reduce_on_plateau_follows_torch_reduce_lr_on_plateau(
    factor, patience, threshold, cooldown, min_lr
):
    kwargs = dict(
        factor=factor, patience=patience, threshold=threshold, cooldown=cooldown, min_lr=min_lr
    )
    ours = ReduceOnPlateau(0.1, **kwargs)
    torch = TorchReduceLROnPlateau(0.1, **kwargs)
    for loss in PLATEAU_LOSSES:
        ours.step(loss)
        torch.step(loss)
        assert ours(0) == pytest.approx(torch.lr, rel=1e-15)
        assert (ours.best, ours.num_bad_epochs, ours.cooldown_counter) == (
            torch.best,
            torch.num_bad_epochs,
            torch.cooldown_counter,
        )


def test_reduce_on_plateau_does_not_model_torch_eps():
    # torch skips reductions smaller than eps = 1e-8; ours go on (documented difference).
    ours = ReduceOnPlateau(0.1, patience=0)
    torch = TorchReduceLROnPlateau(0.1, 0.1, 0, 1e-4, 0, 0.0)
    for _ in range(12):
        ours.step(1.0)
        torch.step(1.0)
    assert torch.lr == pytest.approx(1e-8) and ours(0) == pytest.approx(1e-13)


def test_reduce_on_plateau_scripted_sequence():
    s = ReduceOnPlateau(0.1, factor=0.5, patience=2, threshold=0.1, cooldown=1, min_lr=0.02)
    rates = []
    for loss in [1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]:
        s.step(loss)
        rates.append(s(0))
    # 0.95 is not 10 % below 1.0: bad epochs 1, 2, 3 -> halve; one cooldown epoch; then
    # bad 1, 2, 3 -> halve again; 0.5 improves; bad 1, 2, 3 -> halve, floored at min_lr.
    assert rates == [
        0.1,
        0.1,
        0.1,
        0.05,
        0.05,
        0.05,
        0.05,
        0.025,
        0.025,
        0.025,
        0.025,
        0.02,
        0.02,
        0.02,
    ]


def test_reduce_on_plateau_scales_a_decaying_base_and_never_raises_it_to_min_lr():
    s = ReduceOnPlateau(Cosine(0.1, 100), factor=0.5, patience=0, min_lr=0.02)
    s.step(1.0)
    s.step(1.0)  # one reduction: scale 0.5
    assert s.scale == 0.5
    assert s(0) == 0.05
    assert s(50) == pytest.approx(0.025)
    assert s(70) == 0.02  # 0.5 * base is below min_lr, the base (0.0206) is not
    assert s(80) == Cosine(0.1, 100)(80) < 0.02  # the base itself is below min_lr: left as it is


# ---------------------------------------------------------------------- warm-up
@pytest.mark.parametrize("warmup_steps", [1, 10, 250])
def test_linear_warmup_ramps_to_first_rate_then_runs_shifted_schedule(warmup_steps):
    inner = Cosine(0.2, 1000, 0.01)
    s = LinearWarmup(inner, warmup_steps)
    t = np.arange(warmup_steps)
    np.testing.assert_allclose(values(s, t), inner(0) * (t + 1) / warmup_steps, rtol=1e-15)
    after = np.arange(warmup_steps, warmup_steps + 3000)
    np.testing.assert_array_equal(values(s, after), values(inner, after - warmup_steps))


def test_linear_warmup_of_zero_steps_is_the_wrapped_schedule():
    np.testing.assert_array_equal(values(LinearWarmup(InverseTime(), 0)), values(InverseTime()))


def test_linear_warmup_accepts_a_number_as_constant():
    assert LinearWarmup(0.1, 4) == LinearWarmup(Constant(0.1), 4)
    assert [LinearWarmup(0.1, 4)(t) for t in range(5)] == pytest.approx(
        [0.025, 0.05, 0.075, 0.1, 0.1]
    )


def test_linear_warmup_passes_losses_to_a_wrapped_plateau():
    s = LinearWarmup(ReduceOnPlateau(0.1, factor=0.5, patience=0), 10)
    for loss in [1.0, 1.0]:
        s.step(loss)
    assert s.schedule.scale == 0.5
    assert s(9) == 0.05 and s(0) == 0.005
    core = s._to_core()
    assert core.schedule.scale == 0.5 and core(9) == s(9)


# ---------------------------------------------------------------------- the compiled objects
SCHEDULES = [
    Constant(0.05),
    InverseTime(5, 50),
    InverseTime(0.3, 2.5),
    InvScaling(),
    InvScaling(0.2, 0.7),
    StepDecay(0.1, 64, 0.5),
    Exponential(0.1, 0.999),
    Cosine(0.1, 1000),
    Cosine(0.3, 33, 0.05),
    LinearWarmup(Cosine(0.1, 1000, 0.001), 100),
    LinearWarmup(StepDecay(0.5, 10, 0.9), 7),
    ReduceOnPlateau(Exponential(0.1, 0.9999), factor=0.5, patience=3, min_lr=1e-3),
    LinearWarmup(ReduceOnPlateau(InvScaling(0.1, 0.5), factor=0.2, patience=1), 20),
    ReduceOnPlateau(LinearWarmup(Cosine(0.2, 500), 50), factor=0.3, patience=0, min_lr=0.01),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
def test_to_core_is_an_independent_copy_of_the_compiled_schedule(schedule):
    schedule = copy.deepcopy(schedule)
    for loss in [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]:  # moves every ReduceOnPlateau off scale 1
        schedule.step(loss)
    core = schedule._to_core()
    assert type(core) is getattr(_core, type(schedule).__name__)
    assert [core(t) for t in (0, 7, 10**6 + 3, 2**40 + 1)] == [
        schedule(t) for t in (0, 7, 10**6 + 3, 2**40 + 1)
    ]
    before = schedule.state_dict()
    if hasattr(core, "epoch_end"):
        for loss in [2.0] * 5:
            core.epoch_end(loss)
    assert schedule.state_dict() == before


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
def test_repr_rebuilds_an_equal_schedule(schedule):
    rebuilt = eval(repr(schedule), vars(descend.schedules))
    assert rebuilt == schedule and hash(rebuilt) == hash(schedule)
    assert repr(rebuilt) == repr(schedule)


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
def test_the_compiled_schedule_pickles_and_compares_by_its_fields_and_state(schedule):
    core = copy.deepcopy(schedule)._core
    for loss in [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]:
        if hasattr(core, "epoch_end"):
            core.epoch_end(loss)
    restored = pickle.loads(pickle.dumps(core))
    assert type(restored) is type(core) and restored == core and restored is not core
    assert repr(restored) == repr(core)
    assert (core == "a string") is False
    first = next(name for name in core._fields if name != "schedule")
    changed = core.__copy__()
    setattr(changed, first, getattr(changed, first) + 1)
    assert changed != core
    if "ReduceOnPlateau" in repr(core):  # the state counts too, wrapped state included
        later = core.__copy__()
        later.epoch_end(1e9)
        assert later != core and pickle.loads(pickle.dumps(later)) == later


def test_the_compiled_schedules_take_their_fields_from_the_c_table():
    assert _core.ReduceOnPlateau._fields == (
        "schedule",
        "factor",
        "patience",
        "threshold",
        "cooldown",
        "min_lr",
    )
    assert _core.ReduceOnPlateau._state == ("scale", "best", "num_bad_epochs", "cooldown_counter")
    assert _core.InverseTime() == _core.InverseTime(5.0, 50.0)  # the struct's initializers
    with pytest.raises(TypeError):
        _core.Constant()  # lr is required
    with pytest.raises(TypeError):
        _core.ReduceOnPlateau(_core.Constant(0.1), 0.5)  # factor is keyword-only
    with pytest.raises(ValueError, match="factor must be in"):
        _core.ReduceOnPlateau(_core.Constant(0.1), factor=2.0)
    with pytest.raises(ValueError, match="expected a pickled state of 10 values"):
        _core.ReduceOnPlateau.__new__(_core.ReduceOnPlateau).__setstate__((1.0,))


@pytest.mark.parametrize("cls", descend.schedules._SCHEDULES, ids=lambda c: c.__name__)
def test_each_schedule_signature_matches_its_c_table(cls):
    import inspect

    core = getattr(_core, cls.__name__)
    parameters = inspect.signature(cls).parameters
    assert tuple(parameters) == core._fields
    required = {
        name: (Constant(0.1) if name == "schedule" else 1)
        for name, p in parameters.items()
        if p.default is inspect.Parameter.empty
    }
    made = cls(**required)
    defaults = core(**{k: v._core if k == "schedule" else v for k, v in required.items()})
    for name, p in parameters.items():
        if p.default is not inspect.Parameter.empty:
            assert p.default == getattr(defaults, name) == getattr(made, name), name


def test_a_schedule_whose_constructor_failed_has_no_attributes_rather_than_recursing():
    half_built = object.__new__(Exponential)  # what a refused __init__ leaves
    with pytest.raises(AttributeError, match="_core"):
        _ = half_built.lr


def test_a_wrapper_holds_a_copy_of_the_schedule_it_is_given():
    inner = ReduceOnPlateau(0.1, factor=0.5, patience=0)
    outer = LinearWarmup(inner, 2)
    outer.step(1.0)
    outer.step(1.0)
    assert outer.schedule.scale == 0.5 and inner.scale == 1.0


# ---------------------------------------------------------------------- validation
BAD_ARGUMENTS = [
    (Constant, dict(lr=-0.1), "lr must be"),
    (Constant, dict(lr=math.inf), "lr must be"),
    (Constant, dict(lr=math.nan), "lr must be"),
    (InverseTime, dict(t0=0.0, t1=1.0), "t0 must be"),
    (InverseTime, dict(t0=1.0, t1=-1.0), "t1 must be"),
    (InvScaling, dict(eta0=0.0, power_t=0.5), "eta0 must be"),
    (InvScaling, dict(eta0=0.1, power_t=-0.5), "power_t must be"),
    (StepDecay, dict(lr=-1.0, step_size=10, gamma=0.5), "lr must be"),
    (StepDecay, dict(lr=0.1, step_size=0, gamma=0.5), "step_size must be"),
    (StepDecay, dict(lr=0.1, step_size=10, gamma=0.0), "gamma must be"),
    (StepDecay, dict(lr=0.1, step_size=10, gamma=1.5), "gamma must be"),
    (Exponential, dict(lr=0.1, gamma=0.0), "gamma must be"),
    (Exponential, dict(lr=0.1, gamma=1.01), "gamma must be"),
    (Exponential, dict(lr=math.inf, gamma=0.5), "lr must be"),
    (Cosine, dict(lr=0.1, T_max=0, eta_min=0.0), "T_max must be"),
    (Cosine, dict(lr=-0.1, T_max=10, eta_min=0.0), "lr must be"),
    (Cosine, dict(lr=0.1, T_max=10, eta_min=-0.1), "eta_min must be"),
]


@pytest.mark.parametrize(("cls", "kwargs", "message"), BAD_ARGUMENTS)
def test_python_schedule_refuses_bad_parameter(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


BAD_PLATEAU = [
    (dict(factor=1.0), "factor must be"),
    (dict(factor=0.0), "factor must be"),
    (dict(patience=-1), "patience must be"),
    (dict(threshold=-1e-4), "threshold must be"),
    (dict(threshold=1.0), "threshold must be"),
    (dict(cooldown=-1), "cooldown must be"),
    (dict(min_lr=-1.0), "min_lr must be"),
    (dict(min_lr=math.nan), "min_lr must be"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_PLATEAU)
def test_reduce_on_plateau_refuses_bad_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReduceOnPlateau(0.1, **kwargs)


def test_wrappers_refuse_bad_arguments():
    with pytest.raises(ValueError, match="warmup_steps must be"):
        LinearWarmup(0.1, -1)
    with pytest.raises(ValueError, match="warmup_steps must be"):
        _core.LinearWarmup(_core.Constant(0.1), -1)
    with pytest.raises(TypeError, match="warmup_steps must be an int, got float 2.5"):
        LinearWarmup(0.1, 2.5)
    with pytest.raises(TypeError, match="schedule must be"):
        LinearWarmup(lambda t: 0.1, 10)
    with pytest.raises(ValueError, match="schedule must be"):
        ReduceOnPlateau(0.0)
    with pytest.raises(TypeError, match="schedule: expected a descend._core schedule"):
        _core.ReduceOnPlateau(0.1)
    with pytest.raises(TypeError):
        ReduceOnPlateau(0.1, 0.5)  # factor and the rest are keyword-only


def test_negative_step_is_refused():
    for schedule in SCHEDULES:
        with pytest.raises(ValueError, match="t must be"):
            schedule(-1)
        with pytest.raises(ValueError, match="t: expected"):
            schedule._to_core()(-1)


def test_integral_floats_are_not_step_counts():
    with pytest.raises(TypeError, match="step_size must be an int, got float 10.0"):
        StepDecay(0.1, 10.0)
    with pytest.raises(TypeError, match="lr must be a real number, got bool True"):
        Constant(True)


# ---------------------------------------------------------------------- state
def test_schedule_configuration_is_immutable():
    s = ReduceOnPlateau(0.1)
    with pytest.raises(AttributeError):
        s.factor = 0.5
    with pytest.raises(AttributeError):
        s.scale = 0.5
    with pytest.raises(AttributeError):
        Cosine(0.1, 10).lr = 0.2


def test_stateless_schedules_have_empty_state():
    for schedule in SCHEDULES[:9]:
        assert schedule.state_dict() == {}
        schedule.step(1.0)
        schedule.load_state_dict({})
        with pytest.raises(ValueError, match="has no state"):
            schedule.load_state_dict({"scale": 0.5})


def run_losses(schedule, losses):
    rates = []
    for loss in losses:
        schedule.step(loss)
        rates.append(schedule(10))
    return rates


@pytest.mark.parametrize("restore", ["state_dict", "pickle", "deepcopy", "copy"])
def test_restored_reduce_on_plateau_continues_identically(restore):
    original = LinearWarmup(
        ReduceOnPlateau(Exponential(0.1, 0.99), factor=0.5, patience=1, cooldown=2), 5
    )
    run_losses(original, [1.0, 0.9, 0.9, 0.9, 0.9])
    if restore == "state_dict":
        restored = LinearWarmup(
            ReduceOnPlateau(Exponential(0.1, 0.99), factor=0.5, patience=1, cooldown=2), 5
        )
        restored.load_state_dict(original.state_dict())
    elif restore == "pickle":
        restored = pickle.loads(pickle.dumps(original))
    elif restore == "deepcopy":
        restored = copy.deepcopy(original)
    else:
        restored = LinearWarmup(copy.copy(original.schedule), 5)
    assert restored.state_dict() == original.state_dict()
    assert restored.schedule.scale < 1.0
    more = [0.9, 0.9, 0.9, 0.8, 0.95, 0.95, 0.95, 0.95]
    assert run_losses(restored, more) == run_losses(original, more)


def test_copy_of_reduce_on_plateau_has_its_own_state():
    original = ReduceOnPlateau(0.1, patience=0)
    duplicate = copy.copy(original)
    original.step(1.0)
    original.step(1.0)
    assert original.scale == pytest.approx(0.1) and duplicate.scale == 1.0


def test_load_state_dict_checks_before_changing_anything():
    s = ReduceOnPlateau(0.1, patience=0)
    s.step(1.0)
    before = s.state_dict()
    for bad in [
        dict(before, scale=2.0),
        dict(before, best=math.nan),
        dict(before, num_bad_epochs=-1),
        dict(before, schedule={"x": 1}),
    ]:
        with pytest.raises(ValueError):
            s.load_state_dict(bad)
        assert s.state_dict() == before


def test_to_core_carries_the_state():
    s = ReduceOnPlateau(0.1, factor=0.5, patience=0, cooldown=2)
    run_losses(s, [1.0, 1.0, 1.0])
    core = s._to_core()
    assert (core.scale, core.best, core.num_bad_epochs, core.cooldown_counter) == (
        s.scale,
        s.best,
        s.num_bad_epochs,
        s.cooldown_counter,
    )
    assert core(0) == s(0) == 0.05


# ---------------------------------------------------------------------- inside the solver
def test_solver_reports_every_epoch_loss_to_the_schedule_and_uses_its_rates():
    # Full-batch gradient descent with a plateau rule strict enough (threshold 0.3) to fire:
    # replayed in NumPy with the Python schedule, step by step.
    X, y = tutorial_data(seed=0)
    options = _core.SolverOptions(max_iter=60, tol=-1.0)
    python = ReduceOnPlateau(0.3, factor=0.5, patience=1, threshold=0.3)
    core = python._to_core()
    theta, losses = fit_in_slices(X, y, _core.SGD(lr=1.0), core, options, [60], seed=7)

    replay = ReduceOnPlateau(0.3, factor=0.5, patience=1, threshold=0.3)
    Xt = np.column_stack([np.ones(len(y)), X])
    w = np.zeros(2)
    expected_losses = []
    for epoch in range(60):
        residual = Xt @ w - y
        loss = residual @ residual / len(y)
        w = w - replay(epoch) * (2 / len(y)) * (Xt.T @ residual)
        expected_losses.append(loss)
        replay.step(loss)
    assert replay.scale < 0.1  # the rule did fire, several times
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-11)
    np.testing.assert_allclose(theta, w, rtol=1e-11)
    assert core.scale == replay.scale and core.best == pytest.approx(replay.best, rel=1e-12)
    assert python.scale == 1.0  # _to_core made a copy; the Python object is untouched


def test_solver_carries_plateau_state_between_calls():
    X, y = tutorial_data(seed=0)
    options = _core.SolverOptions(batch_size=10, max_iter=80, tol=-1.0)

    def plateau():
        return LinearWarmup(
            ReduceOnPlateau(0.05, factor=0.5, patience=2, threshold=0.05), 30
        )._to_core()

    whole = plateau()
    theta_whole, losses_whole = fit_in_slices(X, y, _core.SGD(lr=1.0), whole, options, [80], seed=7)
    sliced = plateau()
    theta_sliced, losses_sliced = fit_in_slices(
        X, y, _core.SGD(lr=1.0), sliced, options, [1, 4, 10, 25, 40], seed=7
    )
    assert whole.schedule.scale < 1.0
    np.testing.assert_array_equal(theta_sliced, theta_whole)
    assert losses_sliced == losses_whole
    assert (sliced.schedule.scale, sliced.schedule.best, sliced.schedule.num_bad_epochs) == (
        whole.schedule.scale,
        whole.schedule.best,
        whole.schedule.num_bad_epochs,
    )


def test_solver_refuses_a_non_schedule():
    X, y = tutorial_data(seed=0)
    with pytest.raises(TypeError, match="schedule: expected a descend._core schedule"):
        fit_in_slices(X, y, _core.SGD(lr=1.0), 0.1, _core.SolverOptions(), [1], seed=7)


# ---------------------------------------------------------------------- estimator
FIT_SCHEDULES = [
    Constant(0.1),
    InverseTime(50, 250),
    InvScaling(0.2, 0.1),
    StepDecay(0.2, 500, 0.5),
    Exponential(0.2, 0.999),
    Cosine(0.2, 3000, 0.0),
    LinearWarmup(Cosine(0.2, 3000), 100),
    # threshold=0: gradient descent improves every epoch, so the rate is cut only at the end
    ReduceOnPlateau(0.2, factor=0.5, patience=5, threshold=0.0),
    LinearWarmup(ReduceOnPlateau(Exponential(0.2, 0.9995), factor=0.5, threshold=0.0), 10),
]


@pytest.mark.parametrize("schedule", FIT_SCHEDULES, ids=repr)
def test_linear_regression_converges_with_every_schedule(schedule):
    X, y = tutorial_data(seed=0)
    exact = np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0]
    before = schedule.state_dict()
    model = descend.LinearRegression(schedule=schedule, max_iter=3000, tol=None).fit(X, y)
    assert model.intercept_ == pytest.approx(exact[0], abs=2e-3)
    assert model.coef_[0] == pytest.approx(exact[1], abs=2e-3)
    assert schedule.state_dict() == before  # fit never changes the user's schedule
    again = descend.LinearRegression(schedule=schedule, max_iter=3000, tol=None).fit(X, y)
    np.testing.assert_array_equal(again.coef_, model.coef_)


def test_linear_regression_stochastic_fit_with_plateau_schedule():
    X, y = tutorial_data(seed=0)
    exact = np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0]
    model = descend.LinearRegression(
        batch_size=1,
        schedule=ReduceOnPlateau(0.05, factor=0.5, patience=2, threshold=1e-3),
        max_iter=200,
        tol=None,
        random_state=0,
    ).fit(X, y)
    assert model.intercept_ == pytest.approx(exact[0], abs=0.05)
    assert model.coef_[0] == pytest.approx(exact[1], abs=0.05)


def test_linear_regression_refuses_other_schedules():
    X, y = tutorial_data(seed=0)
    with pytest.raises(
        ValueError, match="schedule must be None, .cosine. or a descend.schedules object"
    ):
        descend.LinearRegression(schedule=lambda t: 0.1).fit(X, y)


def test_a_reported_loss_beyond_float64_is_refused_naming_loss():
    schedule = ReduceOnPlateau(0.1)
    with pytest.raises(ValueError, match="loss must be a number that fits a float64"):
        schedule.step(10**400)
    assert schedule.state_dict() == ReduceOnPlateau(0.1).state_dict()
