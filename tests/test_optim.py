"""descend.optim: torch-style optimizers over lists of NumPy arrays.

The update rules themselves are checked against NumPy references in test_kernels.py; here
every optimizer class is checked to take exactly the steps of those kernels (bit for bit),
and the machinery around them: parameter groups, hyperparameter changes, schedules,
state_dict round trips, refusals that change nothing, and the estimators.
"""

from __future__ import annotations

import copy
import math
import pickle
import warnings

import numpy as np
import pytest

import descend
from descend import kernels, optim
from descend.schedules import Exponential, InverseTime, ReduceOnPlateau

from .conftest import OPTIMIZER_CLASSES

# ---------------------------------------------------------------- the same step, by kernels

STATE_NAMES = {
    "SGD": ["momentum_buffer"],
    "Adagrad": ["sum"],
    "RMSprop": ["square_avg", "momentum_buffer", "grad_avg"],
    "Adam": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    "AdamW": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    "NAdam": ["exp_avg", "exp_avg_sq"],
    "RAdam": ["exp_avg", "exp_avg_sq"],
    "Adamax": ["exp_avg", "exp_inf"],
    "Lion": ["exp_avg"],
}


def kernel_step(cls: type, p, g, s, t, hyper):
    """One step of the class's rule through descend.kernels, with the class's hyperparameter
    names (betas is split into beta1, beta2)."""
    h = dict(hyper)
    if "betas" in h:
        h["beta1"], h["beta2"] = h.pop("betas")
    name = cls.__name__
    if name == "SGD":
        kernels.sgd_step(p, g, s["momentum_buffer"], t, **h)
    elif name == "Adagrad":
        kernels.adagrad_step(p, g, s["sum"], t, **h)
    elif name == "RMSprop":
        kernels.rmsprop_step(
            p,
            g,
            s["square_avg"],
            t,
            momentum_buffer=s["momentum_buffer"],
            grad_avg=s["grad_avg"],
            **h,
        )
    elif name in ("Adam", "AdamW"):
        step = kernels.adam_step if name == "Adam" else kernels.adamw_step
        step(p, g, s["exp_avg"], s["exp_avg_sq"], t, max_exp_avg_sq=s["max_exp_avg_sq"], **h)
    elif name == "NAdam":
        kernels.nadam_step(p, g, s["exp_avg"], s["exp_avg_sq"], t, **h)
    elif name == "RAdam":
        kernels.radam_step(p, g, s["exp_avg"], s["exp_avg_sq"], t, **h)
    elif name == "Lion":
        kernels.lion_step(p, g, s["exp_avg"], t, **h)
    else:
        kernels.adamax_step(p, g, s["exp_avg"], s["exp_inf"], t, **h)


def new_state(cls: type, p: np.ndarray) -> dict[str, np.ndarray]:
    return {name: np.zeros_like(p) for name in STATE_NAMES[cls.__name__]}


CASES = [
    (optim.SGD, dict(lr=0.05)),
    (optim.SGD, dict(lr=0.02, momentum=0.9, dampening=0.2, weight_decay=0.1)),
    (optim.SGD, dict(lr=0.02, momentum=0.9, nesterov=True, maximize=True)),
    (optim.Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.3)),
    (optim.Adagrad, dict(lr=0.1, weight_decay=0.1, maximize=True)),
    (optim.RMSprop, dict(lr=0.01)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
    (optim.Adam, dict(lr=0.05)),
    (optim.Adam, dict(lr=0.05, betas=(0.8, 0.99), amsgrad=True, weight_decay=0.1)),
    (optim.Adam, dict(lr=0.05, maximize=True, decoupled_weight_decay=True, weight_decay=0.1)),
    (optim.AdamW, dict(lr=0.05)),
    (optim.AdamW, dict(lr=0.05, amsgrad=True, weight_decay=0.3)),
    (optim.NAdam, dict(lr=0.05, weight_decay=0.1)),
    (optim.NAdam, dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    (optim.RAdam, dict(lr=0.05, weight_decay=0.1)),
    (optim.RAdam, dict(lr=0.05, betas=(0.5, 0.8), decoupled_weight_decay=True, weight_decay=0.1)),
    (optim.Adamax, dict(lr=0.05)),
    (optim.Adamax, dict(lr=0.05, weight_decay=0.1, maximize=True)),
    (optim.Lion, dict(lr=0.01)),
    (optim.Lion, dict(lr=0.01, betas=(0.5, 0.9), weight_decay=0.3, maximize=True)),
]
CASE_IDS = [f"{cls.__name__}-{i}" for i, (cls, _) in enumerate(CASES)]
# A setting of each class that uses every state array it has.
FULL_STATE = {
    optim.SGD: dict(lr=0.02, momentum=0.9),
    optim.Adagrad: dict(lr=0.1, initial_accumulator_value=0.1),
    optim.RMSprop: dict(lr=0.01, momentum=0.5, centered=True),
    optim.Adam: dict(lr=0.05, amsgrad=True),
    optim.AdamW: dict(lr=0.05, amsgrad=True),
    optim.NAdam: dict(lr=0.05),
    optim.RAdam: dict(lr=0.05),
    optim.Adamax: dict(lr=0.05),
    optim.Lion: dict(lr=0.01),
}

SHAPES = [(4, 3), (7,), (), (0,), (2, 1, 3)]


def random_params(dtype=np.float64, shapes=SHAPES, seed=0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.asarray(rng.standard_normal(shape), dtype=dtype) for shape in shapes]


def random_grads(params, seed) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.asarray(rng.standard_normal(p.shape) + 0.5, dtype=p.dtype) for p in params]


def assert_step_alike(a, b, seeds):
    """Steps the optimizers a and b with the same gradients, one set per seed; their
    parameters must stay bit-identical."""
    a_params, b_params = ([p for g in o.param_groups for p in g["params"]] for o in (a, b))
    for seed in seeds:
        grads = random_grads(a_params, seed)
        a.step(grads)
        b.step(grads)
    for p, q in zip(a_params, b_params, strict=True):
        assert np.array_equal(p, q)


@pytest.mark.parametrize(("cls", "hyper"), CASES, ids=CASE_IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_optimizer_takes_exactly_the_kernel_steps_on_arrays_of_several_shapes(cls, hyper, dtype):
    params = random_params(dtype)
    expected = [p.copy() for p in params]
    states = [new_state(cls, p) for p in expected]
    opt = cls(params, **hyper)
    for t in range(1, 31):
        grads = random_grads(params, seed=t)
        opt.step(grads)
        for p, g, s in zip(expected, grads, states, strict=True):
            kernel_step(cls, p, g, s, t, hyper)
    for p, e in zip(params, expected, strict=True):
        assert p.dtype == dtype
        assert np.array_equal(p, e)
    saved = opt.state_dict()["state"]
    for i, s in enumerate(states):
        assert saved[i]["step"] == 30
        for name, value in saved[i].items():
            if name == "step":
                continue
            if value is None:  # a lazy array not started: SGD's buffer without momentum
                assert name in cls._lazy_state and not hyper.get("momentum")
            else:
                assert np.array_equal(value, s[name]), name


def test_defaults_are_torchs():
    assert optim.SGD().defaults == dict(
        lr=1e-3,
        momentum=0.0,
        dampening=0.0,
        weight_decay=0.0,
        nesterov=False,
        maximize=False,
        schedule=None,
    )
    assert optim.Adam().defaults == dict(
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        amsgrad=False,
        maximize=False,
        decoupled_weight_decay=False,
        schedule=None,
    )
    assert optim.AdamW().defaults["weight_decay"] == 1e-2
    assert optim.Adagrad().defaults["eps"] == 1e-10 and optim.Adagrad().defaults["lr"] == 1e-2
    assert optim.RMSprop().defaults["alpha"] == 0.99 and optim.RMSprop().defaults["lr"] == 1e-2
    assert optim.NAdam().defaults["lr"] == 2e-3
    assert optim.NAdam().defaults["momentum_decay"] == 4e-3
    assert optim.RAdam().defaults["lr"] == 1e-3
    assert optim.Adamax().defaults["lr"] == 2e-3


def test_state_arrays_are_named_as_in_torch():
    w = np.zeros(3)
    expected = {
        optim.SGD: {"step", "momentum_buffer"},
        optim.Adagrad: {"step", "sum"},
        optim.RMSprop: {"step", "square_avg", "momentum_buffer", "grad_avg"},
        optim.Adam: {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"},
        optim.AdamW: {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"},
        optim.NAdam: {"step", "exp_avg", "exp_avg_sq"},
        optim.RAdam: {"step", "exp_avg", "exp_avg_sq"},
        optim.Adamax: {"step", "exp_avg", "exp_inf"},
    }
    for cls, names in expected.items():
        assert set(cls([w.copy()], **FULL_STATE[cls]).state_dict()["state"][0]) == names


def test_adagrad_state_starts_at_initial_accumulator_value():
    opt = optim.Adagrad([np.zeros(3)], initial_accumulator_value=0.25)
    assert np.array_equal(opt.state_dict()["state"][0]["sum"], np.full(3, 0.25))


# ---------------------------------------------------------------- groups and hyperparameters


def test_param_groups_have_their_own_hyperparameters():
    a, b = random_params(shapes=[(5,), (3, 2)])
    opt = optim.Adam([{"params": [a]}, {"params": b, "lr": 0.5, "amsgrad": True}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    ea, eb = a.copy(), b.copy()
    sa, sb = new_state(optim.Adam, ea), new_state(optim.Adam, eb)
    for t in range(1, 11):
        ga, gb = random_grads([a, b], seed=t)
        opt.step([ga, gb])
        kernel_step(optim.Adam, ea, ga, sa, t, dict(lr=0.1))
        kernel_step(optim.Adam, eb, gb, sb, t, dict(lr=0.5, amsgrad=True))
    assert np.array_equal(a, ea) and np.array_equal(b, eb)


def test_hyperparameters_changed_between_steps_take_effect_at_the_next_step():
    (w,) = random_params(shapes=[(6,)])
    expected, state = w.copy(), new_state(optim.Adam, w)
    opt = optim.Adam([w], lr=0.1)
    hyper = dict(lr=0.1)
    for t in range(1, 31):
        if t == 10:
            opt.param_groups[0]["lr"] = hyper["lr"] = 0.01
        if t == 15:
            opt.param_groups[0]["betas"] = hyper["betas"] = (0.5, 0.9)
        if t == 20:  # a new state array (max_exp_avg_sq) appears, starting at zero
            opt.param_groups[0]["amsgrad"] = hyper["amsgrad"] = True
        if t == 25:
            opt.param_groups[0]["weight_decay"] = hyper["weight_decay"] = 0.5
        (g,) = random_grads([w], seed=t)
        opt.step([g])
        kernel_step(optim.Adam, expected, g, state, t, hyper)
    assert np.array_equal(w, expected)


def test_every_way_of_changing_a_group_dict_is_seen():
    (w,) = random_params(shapes=[(4,)])
    expected, state = w.copy(), new_state(optim.Adam, w)
    opt = optim.Adam([w], lr=0.1)
    group, hyper = opt.param_groups[0], dict(lr=0.1)
    changes = {
        2: lambda: group.update(lr=0.05),
        3: lambda: group.__ior__({"betas": (0.5, 0.9)}),
        # (dict's own deletion is not seen: only setdefault's insertion tells the step)
        4: lambda: (dict.__delitem__(group, "eps"), group.setdefault("eps", 1e-4)),
        5: lambda: group.update({"eps": 1e-3}),
    }
    effects = {2: dict(lr=0.05), 3: dict(betas=(0.5, 0.9)), 4: dict(eps=1e-4), 5: dict(eps=1e-3)}
    for t in range(1, 7):
        if t in changes:
            changes[t]()
            hyper.update(effects[t])
        (g,) = random_grads([w], seed=t)
        opt.step([g])
        kernel_step(optim.Adam, expected, g, state, t, hyper)
        assert np.array_equal(w, expected), t


def test_a_key_added_to_a_group_that_is_not_a_hyperparameter_is_refused_at_the_next_step():
    w = np.ones(4)
    opt = optim.Adam([w], lr=0.1)
    opt.param_groups[0]["learning_rate"] = 0.5  # a typo would otherwise be ignored silently
    with pytest.raises(ValueError, match=r"param_groups\[0\]: unknown keys \['learning_rate'\]"):
        opt.step([np.ones(4)])
    assert np.array_equal(w, np.ones(4))
    del opt.param_groups[0]["learning_rate"]
    opt.step([np.ones(4)])
    assert not np.array_equal(w, np.ones(4))


def test_momentum_turned_on_later_creates_its_buffer():
    w = np.ones(4)
    opt = optim.SGD([w], lr=0.1)
    opt.step([np.ones(4)])
    assert opt.state_dict()["state"][0]["momentum_buffer"] is None  # not started yet
    opt.param_groups[0]["momentum"] = 0.9
    opt.step([np.ones(4)])
    assert np.array_equal(opt.state_dict()["state"][0]["momentum_buffer"], np.ones(4))


def sgd_momentum_reference(steps, momenta, hyper):
    """The parameters after SGD steps as torch.optim.SGD takes them: steps[t] holds one
    gradient (or None) per parameter, momenta[t] the momentum of step t; a parameter's momentum
    buffer starts at its gradient on its first step with momentum (kernels' step 1), however
    many steps it took before, and is kept, unused, while momentum is 0."""
    params, *_ = steps
    params = [p.copy() for p in params]
    buffers: list[np.ndarray | None] = [None] * len(params)
    for grads, momentum in zip(steps[1:], momenta, strict=True):
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            if g is None:
                continue
            if momentum == 0:
                kernels.sgd_step(p, g, None, 1, **hyper)
                continue
            first = buffers[i] is None
            if first:
                buffers[i] = np.zeros_like(p)
            kernels.sgd_step(p, g, buffers[i], 1 if first else 2, momentum=momentum, **hyper)
    return params


SGD_HYPER = dict(lr=0.05, dampening=0.5, weight_decay=0.1)


def test_momentum_turned_on_later_starts_its_buffer_at_the_gradient_as_torch():
    a, b = params = random_params(shapes=[(5,), (2, 3)])
    initial = [a.copy(), b.copy()]
    opt = optim.SGD(params, **SGD_HYPER)
    momenta = [0.0] * 3 + [0.9] * 8
    steps = [initial]
    for t, momentum in enumerate(momenta):
        opt.param_groups[0]["momentum"] = momentum
        grads: list[np.ndarray | None] = list(random_grads(params, seed=t))
        if t in (3, 4):
            grads[1] = None  # b's buffer waits for b's first step with momentum
        opt.step(grads)
        steps.append(grads)
    expected = sgd_momentum_reference(steps, momenta, SGD_HYPER)
    assert np.array_equal(a, expected[0]) and np.array_equal(b, expected[1])
    state = opt.state_dict()["state"]
    assert state[0]["step"] == 11 and state[1]["step"] == 9  # counts are not restarted


@pytest.mark.parametrize(
    "momenta",
    [
        # made with momentum, set to 0 before the first step, then on: the buffer starts there
        [0.0] * 2 + [0.9] * 3,
        # the buffer kept while momentum is off is used again, as torch's
        [0.9] * 2 + [0.0] * 2 + [0.9] * 2,
    ],
    ids=["off-first-then-on", "on-off-on"],
)
def test_momentum_switched_off_and_on_follows_torchs_buffer(momenta):
    (w,) = params = random_params(shapes=[(4,)])
    steps = [[w.copy()]]
    opt = optim.SGD(params, momentum=0.9, **SGD_HYPER)
    for t, momentum in enumerate(momenta):
        opt.param_groups[0]["momentum"] = momentum
        grads = random_grads(params, seed=t)
        opt.step(grads)
        steps.append(grads)
    assert np.array_equal(w, sgd_momentum_reference(steps, momenta, SGD_HYPER)[0])


@pytest.mark.parametrize(
    ("momenta", "restored_at"),
    [
        ([0.0, 0.0, 0.9, 0.9, 0.9], 2),  # saved with momentum just turned on, before its step
        ([0.0, 0.0, 0.9, 0.9, 0.9], 3),  # b's buffer still waits (its gradient was None)
        ([0.9, 0.9, 0.0, 0.0, 0.9, 0.9], 3),  # saved with momentum off: the buffer is kept
        ([0.0, 0.0, 0.9, 0.9], 0),  # turned off before the first step: no buffer yet
        ([0.0, 0.0, 0.9, 0.9], 1),
    ],
)
@pytest.mark.parametrize("how", ["state_dict", "pickle"])
def test_sgd_momentum_buffer_survives_a_round_trip_at_any_point(momenta, restored_at, how):
    params = random_params(shapes=[(5,), (3,)])
    steps = [[p.copy() for p in params]]
    opt = optim.SGD(params, momentum=0.9, **SGD_HYPER)
    for t, momentum in enumerate(momenta):
        opt.param_groups[0]["momentum"] = momentum
        if t == restored_at:
            if how == "pickle":
                opt = pickle.loads(pickle.dumps(opt))
                params = [p for group in opt.param_groups for p in group["params"]]
            else:
                params = [p.copy() for p in params]
                restored = optim.SGD(params)
                restored.load_state_dict(opt.state_dict())
                opt = restored
        grads: list[np.ndarray | None] = list(random_grads(params, seed=t))
        if t == 2:
            grads[1] = None
        opt.step(grads)
        steps.append(grads)
    expected = sgd_momentum_reference(steps, momenta, SGD_HYPER)
    assert all(np.array_equal(p, e) for p, e in zip(params, expected, strict=True))


def test_sgd_with_momentum_turned_on_later_matches_torch():
    torch = pytest.importorskip("torch")
    (w,) = random_params(shapes=[(6,)])
    tw = torch.tensor(w.copy(), requires_grad=True)
    opt = optim.SGD([w], **SGD_HYPER)
    topt = torch.optim.SGD([tw], **SGD_HYPER)
    for t, momentum in enumerate([0.0, 0.0, 0.9, 0.9, 0.0, 0.9, 0.9]):
        opt.param_groups[0]["momentum"] = topt.param_groups[0]["momentum"] = momentum
        (g,) = random_grads([w], seed=t)
        opt.step([g])
        tw.grad = torch.tensor(g)
        topt.step()
    np.testing.assert_allclose(w, tw.detach().numpy(), rtol=1e-14, atol=1e-15)


def test_a_schedule_sets_each_steps_learning_rate_from_the_group_step_count():
    (w,) = random_params(shapes=[(5,)])
    expected, state = w.copy(), new_state(optim.SGD, w)
    schedule = InverseTime(t0=1.0, t1=10.0)
    opt = optim.SGD([w], lr=123.0, momentum=0.9, schedule=schedule)
    for t in range(1, 21):
        (g,) = random_grads([w], seed=t)
        opt.step([g])
        kernel_step(optim.SGD, expected, g, state, t, dict(lr=schedule(t - 1), momentum=0.9))
        assert opt.param_groups[0]["lr"] == schedule(t - 1)
    assert np.array_equal(w, expected)


def test_a_plain_callable_works_as_a_schedule():
    w = np.ones(2)
    opt = optim.SGD([w], schedule=lambda t: 0.5**t)
    for _ in range(3):
        opt.step([np.ones(2)])
    np.testing.assert_allclose(w, 1 - (1 + 0.5 + 0.25))


def test_none_gradients_leave_a_parameter_and_its_state_untouched():
    a, b = random_params(shapes=[(3,), (4,)])
    opt = optim.Adam([a, b], lr=0.1)
    before = b.copy()
    opt.step([np.ones(3), None])
    opt.step([np.ones(3), None])
    assert np.array_equal(b, before)
    state = opt.state_dict()["state"]
    assert state[0]["step"] == 2 and state[1]["step"] == 0
    assert not state[1]["exp_avg"].any()
    opt.step([None, np.ones(4)])  # b's first step: bias correction of step 1
    expected, s = before.copy(), new_state(optim.Adam, before)
    kernel_step(optim.Adam, expected, np.ones(4), s, 1, dict(lr=0.1))
    assert np.array_equal(b, expected)


def test_zero_size_parameters_are_stepped():
    w, e = np.zeros(0, np.float32), np.zeros((2, 0))
    opt = optim.RMSprop([w, e], momentum=0.9, centered=True)
    opt.step([np.zeros(0, np.float32), np.zeros((2, 0))])
    assert opt.state_dict()["state"][1]["step"] == 1


def test_an_optimizer_without_params_holds_its_hyperparameters():
    for opt in (optim.Adam(lr=0.01, betas=(0.8, 0.9)), optim.Adam(None, lr=0.01, betas=(0.8, 0.9))):
        assert opt.param_groups == []
        assert opt.defaults["lr"] == 0.01 and opt.defaults["betas"] == (0.8, 0.9)
        opt.step([])  # nothing to do
        w = np.ones(2)
        opt.add_param_group({"params": [w]})
        opt.step([np.ones(2)])
        assert w[0] < 1
    assert repr(optim.SGD(lr=0.5)).startswith("SGD(lr=0.5, momentum=0.0")


def test_a_params_list_replaced_by_the_user_keeps_the_state_of_arrays_still_in_it():
    a, b, c = random_params(shapes=[(3,), (3,), (2,)])
    opt = optim.Adam([a, b], lr=0.1)
    opt.step([np.ones(3), np.ones(3)])
    opt.param_groups[0]["params"] = [b, c]
    opt.step([np.ones(3), np.ones(2)])
    state = opt.state_dict()["state"]
    assert state[0]["step"] == 2 and state[1]["step"] == 1


# ---------------------------------------------------------------- state_dict


def is_plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and is_plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(is_plain(v) for v in value)
    return isinstance(value, (np.ndarray, bool, int, float, str, type(None)))


@pytest.mark.parametrize("cls", OPTIMIZER_CLASSES)
def test_state_dict_round_trip_continues_bit_identically(cls):
    params = random_params(shapes=[(4, 3), (5,), (0,)])
    opt = cls(params, **FULL_STATE[cls], schedule=InverseTime(t0=0.1, t1=5.0))
    for t in range(25):
        opt.step(random_grads(params, seed=t))
    saved = opt.state_dict()
    assert is_plain(saved)
    assert saved["param_groups"][0]["step"] == 25
    restored = cls(
        [p.copy() for p in params], **FULL_STATE[cls], schedule=InverseTime(t0=0.1, t1=5.0)
    )
    restored.load_state_dict(saved)
    assert_step_alike(opt, restored, range(25, 50))
    assert opt.param_groups[0]["lr"] == restored.param_groups[0]["lr"]


def test_state_dict_holds_copies():
    w = np.ones(3)
    opt = optim.Adam([w])
    opt.step([np.ones(3)])
    saved = opt.state_dict()
    exp_avg = saved["state"][0]["exp_avg"].copy()
    opt.step([np.ones(3)])
    assert np.array_equal(saved["state"][0]["exp_avg"], exp_avg)


def test_load_state_dict_restores_hyperparameters_and_casts_to_the_parameters_dtype():
    opt = optim.Adam([np.ones(3)], lr=0.5, amsgrad=True)
    opt.step([np.ones(3)])
    saved = opt.state_dict()
    w32 = np.ones(3, np.float32)
    other = optim.Adam([w32])
    other.load_state_dict(saved)
    assert other.param_groups[0]["lr"] == 0.5 and other.param_groups[0]["amsgrad"] is True
    state = other.state_dict()["state"][0]
    assert state["exp_avg"].dtype == np.float32 and state["step"] == 1
    other.step([np.ones(3, np.float32)])


class Halving:
    """A schedule with its own state: the learning rate halves at each call of step()."""

    def __init__(self, lr: float) -> None:
        self.lr = lr

    def __call__(self, t: int) -> float:
        return self.lr

    def step(self, loss: float) -> None:
        self.lr /= 2

    def state_dict(self) -> dict:
        return {"lr": self.lr}

    def load_state_dict(self, state: dict) -> None:
        self.lr = state["lr"]


def test_a_schedules_own_state_travels_in_the_state_dict():
    schedule = Halving(0.4)
    opt = optim.SGD([np.ones(2)], schedule=schedule)
    schedule.step(1.0)
    saved = opt.state_dict()
    assert saved["param_groups"][0]["schedule_state"] == {"lr": 0.2}
    other_schedule = Halving(0.4)
    other = optim.SGD([np.ones(2)], schedule=other_schedule)
    other.load_state_dict(saved)
    assert other_schedule.lr == 0.2


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d["param_groups"].append(dict(d["param_groups"][0])), "parameter groups"),
        (lambda d: d["param_groups"][0]["params"].pop(), "has 2 parameters"),
        (lambda d: d["state"][1].update(exp_avg=np.zeros(7)), "shape"),
        (lambda d: d["param_groups"][0].update(lr=-1.0), "lr must be"),
        (lambda d: d["param_groups"][0].update(betas=(0.9, 1.0)), "beta2 must be"),
        (lambda d: d["state"][0].update(step=-1), "step"),
    ],
)
def test_a_bad_state_dict_is_refused_and_changes_nothing(change, match):
    params = random_params(shapes=[(3,), (2,)])
    opt = optim.Adam(params, lr=0.1)
    opt.step(random_grads(params, seed=1))
    saved = opt.state_dict()
    bad = copy.deepcopy(saved)
    change(bad)
    with pytest.raises(ValueError, match=match):
        opt.load_state_dict(bad)
    after = opt.state_dict()
    assert after["param_groups"] == saved["param_groups"]
    for i in saved["state"]:
        for name, value in saved["state"][i].items():
            assert np.array_equal(after["state"][i][name], value)


@pytest.mark.parametrize("cls", OPTIMIZER_CLASSES)
def test_pickled_and_deep_copied_optimizers_continue_identically(cls):
    params = random_params(shapes=[(4,), (2, 2)])
    opt = cls(params, **FULL_STATE[cls])
    opt.step(random_grads(params, seed=0))
    for twin in (pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        assert_step_alike(twin, copy.deepcopy(opt), range(1, 4))


# ---------------------------------------------------------------- refusals change nothing


def snapshot(opt, params):
    return [p.copy() for p in params], opt.state_dict()


def assert_unchanged(opt, params, before):
    arrays, saved = before
    for p, q in zip(params, arrays, strict=True):
        assert np.array_equal(p, q)
    after = opt.state_dict()
    for i, entry in saved["state"].items():
        for name, value in entry.items():
            assert np.array_equal(after["state"][i][name], value), name


def two_group_adam():
    params = random_params(shapes=[(3, 2), (4,), (5,)])
    opt = optim.Adam(
        [{"params": params[:2]}, {"params": params[2:], "lr": 0.5}], lr=0.1, check_finite=True
    )
    opt.step(random_grads(params, seed=0))
    return opt, params


@pytest.mark.parametrize(
    ("make_grads", "error", "match"),
    [
        (
            lambda g: [g[0].astype(np.float32), g[1], g[2]],
            TypeError,
            r"grads\[0\]: expected dtype float64 \(the dtype of params\[0\]\), got float32",
        ),
        (lambda g: [g[0], g[1], g[2].astype(np.float32)], TypeError, r"grads\[2\]"),
        (
            lambda g: [g[0], g[1], np.zeros(4)],
            ValueError,
            r"grads\[2\]: expected shape \(5,\) \(the shape of params\[2\]\), got \(4,\)",
        ),
        (lambda g: [g[0].reshape(2, 3), g[1], g[2]], ValueError, r"grads\[0\]: expected shape"),
        (
            lambda g: [np.asfortranarray(np.ones((3, 2))), g[1], g[2]],
            ValueError,
            r"grads\[0\]: expected a C-contiguous array",
        ),
        (lambda g: [g[0], np.ones(8)[::2], g[2]], ValueError, r"grads\[1\]: expected a C-contig"),
        (lambda g: [g[0], g[1]], ValueError, "grads: expected 3 gradients"),
        (lambda g: g + [g[0]], ValueError, "grads: expected 3 gradients"),
        (lambda g: g[0], TypeError, "grads: expected a list or tuple"),
        (lambda g: [g[0], g[1].tolist(), g[2]], TypeError, r"grads\[1\]: expected a numpy.ndarray"),
        (
            lambda g: [g[0], g[1], np.full(5, np.nan)],
            FloatingPointError,
            r"grads\[2\] contains NaN or infinity",
        ),
        (
            lambda g: [g[0], np.array([0, 1, np.inf, 0]), g[2]],
            FloatingPointError,
            r"grads\[1\] contains NaN or infinity",
        ),
    ],
)
def test_a_refused_step_changes_no_array_in_any_group(make_grads, error, match):
    opt, params = two_group_adam()
    before = snapshot(opt, params)
    with pytest.raises(error, match=match):
        opt.step(make_grads(random_grads(params, seed=1)))
    assert_unchanged(opt, params, before)
    opt.step(random_grads(params, seed=1))  # and the optimizer still works


def test_a_gradient_sharing_memory_with_an_array_the_step_writes_is_refused():
    opt, params = two_group_adam()  # stepped once: the step is prepared
    state = opt._records[1].arrays[0]  # the state arrays of params[2]
    before = snapshot(opt, params)
    aliases = [
        (lambda g: [g[0], g[1], params[2]], r"params\[2\]", r"grads\[2\]"),
        (lambda g: [g[0], g[1], state["exp_avg"]], r"state\[2\]\.exp_avg", r"grads\[2\]"),
        (lambda g: [params[0], g[1], g[2]], r"params\[0\]", r"grads\[0\]"),
        (lambda g: [g[0], params[2][1:], g[2]], r"params\[2\]", r"grads\[1\]"),
    ]
    for make_grads, written, read in aliases:
        with pytest.raises(ValueError, match=f"(?=.*{written})(?=.*{read}).*share memory"):
            opt.step(make_grads(random_grads(params, seed=1)))
        assert_unchanged(opt, params, before)
    shared = np.full(5, 0.5)
    for _ in range(2):  # gradients that share memory are only read: fine on either path
        opt.step([np.ones((3, 2)), shared[:4], shared])


def test_a_parameter_changed_in_place_after_a_step_is_checked_again():
    opt, params = two_group_adam()
    before = snapshot(opt, params)
    params[1].shape = (2, 2)  # the same memory, another shape: the gradient's no longer fits
    with pytest.raises(ValueError, match=r"grads\[1\]: expected shape \(2, 2\)"):
        opt.step(random_grads(params[:1], seed=1) + [np.ones(4), np.ones(5)])
    params[1].shape = (4,)
    assert_unchanged(opt, params, before)
    params[1].dtype = np.float32  # 8 float32 in the bytes of 4 float64
    with pytest.raises(TypeError, match=r"grads\[1\]: expected dtype float32"):
        opt.step([np.ones((3, 2)), np.ones(4), np.ones(5)])
    params[1].dtype = np.float64
    assert_unchanged(opt, params, before)
    opt.step(random_grads(params, seed=1))  # as it was: the step goes on


def test_a_parameter_replaced_in_the_params_list_in_place_is_stepped_with_the_old_state():
    w, v = np.ones(3), np.ones(3)
    opt, reference = optim.Adam([w], lr=0.1), optim.Adam([v.copy()], lr=0.1)
    for _ in range(2):  # prepared after the first
        opt.step([np.ones(3)])
        reference.step([np.ones(3)])
    u, first = w.copy(), w.copy()
    opt.param_groups[0]["params"][0] = u  # not a change the group dict sees
    opt.step([np.ones(3)])
    reference.step([np.ones(3)])
    assert np.array_equal(u, reference.param_groups[0]["params"][0])
    assert np.array_equal(w, first)  # left where it was


@pytest.mark.parametrize("prepared", [False, True])
def test_a_parameter_appended_or_removed_in_place_is_adopted_with_a_fresh_state(prepared):
    # (the step refused it, naming state arrays, while state_dict() adopted it)
    w, v = np.ones(3), np.ones(2)
    opt = optim.Adam([w], lr=0.1)
    for _ in range(2 if prepared else 1):  # the fast path is prepared after the first
        opt.step([np.ones(3)])
    opt.param_groups[0]["params"].append(v)
    opt.step([np.ones(3), np.ones(2)])
    fresh = np.ones(2)
    optim.Adam([fresh], lr=0.1).step([np.ones(2)])
    np.testing.assert_array_equal(v, fresh)
    assert [entry["step"] for entry in opt.state_dict()["state"].values()] == [
        3 if prepared else 2,
        1,
    ]
    opt.param_groups[0]["params"].pop(0)
    opt.step([np.ones(2)])
    assert opt.state_dict()["state"][0]["step"] == 2


def test_a_step_under_way_refuses_another_one_on_either_path():
    w = np.ones(3)
    opt = optim.Adam([w], lr=0.1)
    opt.step([np.ones(3)])  # prepared: the next step takes the fast path
    assert opt._plan.enter()  # as another thread inside step()
    try:
        with pytest.raises(descend.exceptions.ConcurrentStepError, match="another thread"):
            opt.step([np.ones(3)])
    finally:
        opt._plan.leave()
    assert opt.state_dict()["state"][0]["step"] == 1
    opt.step([np.ones(3)])
    assert opt.state_dict()["state"][0]["step"] == 2


def test_the_instances_step_is_the_methods_step_with_its_arguments_and_errors():
    w = np.ones(3)
    opt = optim.Adam([w], lr=0.1)
    assert opt.step([np.ones(3)]) is None  # prepares the fast path
    assert opt.step(grads=(np.ones(3),)) is None  # a keyword: through the method
    assert opt.step([np.ones(3)]) is None  # the fast path
    assert opt.state_dict()["state"][0]["step"] == 3
    with pytest.raises(TypeError, match=r"step\(\) missing 1 required positional argument"):
        opt.step()
    with pytest.raises(TypeError, match=r"step\(\) takes 2 positional arguments but 3"):
        opt.step([np.ones(3)], None)
    with pytest.raises(ValueError, match=r"grads\[0\]: expected shape \(3,\)"):
        opt.step([np.ones(4)])
    assert opt.state_dict()["state"][0]["step"] == 3


def test_a_subclass_defining_step_has_its_own_step_called():
    class Counting(optim.SGD):
        def step(self, grads):
            self.calls = getattr(self, "calls", 0) + 1
            super().step(grads)

    w = np.ones(2)
    opt = Counting([w], lr=0.5)
    for _ in range(3):
        opt.step([np.ones(2)])
    assert opt.calls == 3
    assert np.array_equal(w, [-0.5, -0.5])


def test_an_unpickled_or_copied_optimizers_step_acts_on_itself():
    w = np.ones(2)
    opt = optim.SGD([w], lr=0.5, on_nonfinite="skip")
    opt.step([np.ones(2)])
    for twin in (pickle.loads(pickle.dumps(opt)), copy.copy(opt), copy.deepcopy(opt)):
        twin.step([np.array([np.nan, 0.0])])
        assert twin.nonfinite_steps == 1
    assert opt.nonfinite_steps == 0


def test_an_optimizer_that_has_stepped_is_freed_by_the_garbage_collector():
    import gc
    import weakref

    w = np.ones(2)
    opt = optim.Adam([w], lr=0.1)
    opt.step([np.ones(2)])
    opt.step([np.ones(2)])
    ref = weakref.ref(opt)
    del opt
    gc.collect()
    assert ref() is None


def test_settings_changed_after_a_step_apply_to_the_next_one():
    w = np.ones(3)
    opt = optim.SGD([w], lr=0.1, on_nonfinite="skip")
    opt.step([np.ones(3)])
    opt.step([np.full(3, np.nan)])  # skipped
    assert opt.nonfinite_steps == 1 and np.allclose(w, 0.9)
    opt.on_nonfinite = None  # no check: torch's behaviour
    opt.step([np.full(3, np.nan)])
    assert np.isnan(w).all()
    w[:] = 1.0
    opt.stopped = True
    opt.step([np.ones(3)])
    assert np.array_equal(w, np.ones(3))
    opt.stopped = False
    opt.n_threads = 2
    opt.param_groups[0]["lr"] = 0.5
    opt.step([np.ones(3)])
    assert np.allclose(w, 0.5)


@pytest.mark.parametrize(
    ("name", "value", "error", "match"),
    [
        ("on_nonfinite", "rasie", ValueError, r"on_nonfinite must be one of .* got 'rasie'"),
        ("on_nonfinite", True, ValueError, "on_nonfinite must be one of .* got True"),
        ("check_finite", "yes", TypeError, "check_finite must be True or False, got str"),
        ("stopped", "no", TypeError, "stopped must be True or False, got str 'no'"),
        ("stopped", 0, TypeError, "stopped must be True or False, got int"),
        ("n_threads", 0, ValueError, "n_threads must be an int >= 1, got 0"),
        ("n_threads", 1.5, TypeError, "n_threads must be an int, got float"),
    ],
)
def test_a_setting_assigned_between_steps_is_checked_when_assigned(name, value, error, match):
    w = np.ones(3)
    opt = optim.Adam([w], lr=0.1, on_nonfinite="skip")
    opt.step([np.ones(3)])
    before = (opt.on_nonfinite, opt.check_finite, opt.stopped, opt.n_threads)
    with pytest.raises(error, match=match):
        setattr(opt, name, value)
    assert (opt.on_nonfinite, opt.check_finite, opt.stopped, opt.n_threads) == before
    opt.step([np.full(3, np.nan)])  # still skipped: the refused value was not kept
    assert opt.nonfinite_steps == 1 and not opt.stopped and np.isfinite(w).all()


def test_a_schedule_returning_an_array_is_refused_naming_it():
    w = np.ones(2)
    opt = optim.SGD([w], lr=0.1, schedule=lambda t: np.array([0.1, 0.2]))
    with pytest.raises(TypeError, match=r"param_groups\[0\]: schedule\(0\) must be a real"):
        opt.step([np.ones(2)])
    assert np.array_equal(w, np.ones(2)) and opt.param_groups[0]["lr"] == 0.1


def test_check_finite_set_between_steps_is_on_nonfinite_raise():
    w = np.ones(3)
    opt = optim.SGD([w], lr=0.1)
    opt.step([np.ones(3)])  # the fast path is prepared without the check
    opt.check_finite = True
    assert opt.on_nonfinite == "raise"
    with pytest.raises(FloatingPointError):
        opt.step([np.full(3, np.nan)])
    assert np.allclose(w, 0.9)
    opt.check_finite = False
    assert opt.on_nonfinite is None and not opt.check_finite
    opt.on_nonfinite = "stop"
    opt.check_finite = False  # leaves a policy other than "raise" alone
    assert opt.on_nonfinite == "stop"
    assert optim.SGD([w], on_nonfinite="raise").check_finite


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("lr", -0.1, "lr must be a finite number >= 0"),
        ("lr", math.inf, "lr must be a finite number >= 0"),
        ("betas", (1.0, 0.999), r"beta1 must be in \[0, 1\)"),
        ("betas", (0.9, -0.1), r"beta2 must be in \[0, 1\)"),
        ("eps", 0.0, "eps must be a finite number > 0"),
        ("weight_decay", -1.0, "weight_decay must be"),
    ],
)
def test_an_impossible_hyperparameter_set_between_steps_is_refused_and_changes_nothing(
    key, value, match
):
    opt, params = two_group_adam()
    before = snapshot(opt, params)
    opt.param_groups[1][key] = value
    with pytest.raises(ValueError, match=r"^param_groups\[1\]: " + match):  # names the group
        opt.step(random_grads(params, seed=1))
    assert_unchanged(opt, params, before)


def test_an_impossible_hyperparameter_of_a_group_is_refused_naming_the_group():
    with pytest.raises(ValueError, match=r"^param_groups\[1\]: beta2 must be in \[0, 1\)"):
        optim.Adam([{"params": [np.ones(2)]}, {"params": [np.ones(2)], "betas": (0.9, 1.5)}])
    with pytest.raises(ValueError, match=r"^beta2 must be in \[0, 1\)"):  # an argument
        optim.Adam([np.ones(2)], betas=(0.9, 1.5))
    opt = optim.Adam([np.ones(2)])
    with pytest.raises(ValueError, match=r"^param_groups\[1\]: eps must be a finite number > 0"):
        opt.add_param_group({"params": [np.ones(1)], "eps": -1.0})
    assert len(opt.param_groups) == 1


def test_a_parameter_made_read_only_later_is_refused():
    opt, params = two_group_adam()
    before = snapshot(opt, params)
    params[2].flags.writeable = False
    with pytest.raises(ValueError, match=r"params\[2\]: expected a writeable array"):
        opt.step(random_grads(params, seed=1))
    assert_unchanged(opt, params, before)


@pytest.mark.parametrize(
    ("params", "hyper", "error", "match"),
    [
        (lambda: [np.ones((3, 3)).T], {}, ValueError, r"params\[0\]: expected a C-contiguous"),
        (lambda: [np.ones(3, dtype=np.int64)], {}, TypeError, "expected dtype float32 or float64"),
        (lambda: [[1.0, 2.0]], {}, TypeError, r"params\[0\]: expected a numpy.ndarray"),
        (lambda: np.ones(3), {}, TypeError, "wrap it in a list"),
        (lambda: [], {}, ValueError, "empty list"),
        (lambda: [np.ones(3)], dict(lr=-1.0), ValueError, "lr must be"),
        (lambda: [np.ones(3)], dict(betas=(0.9, 1.0)), ValueError, "beta2 must be"),
        (lambda: [np.ones(3)], dict(eps=0.0), ValueError, "eps must be"),
    ],
)
def test_impossible_arguments_are_refused_at_construction(params, hyper, error, match):
    with pytest.raises(error, match=match):
        optim.Adam(params(), **hyper)


@pytest.mark.parametrize(
    ("n_threads", "error", "match"),
    [
        (0, ValueError, "n_threads must be an int >= 1, got 0"),
        (-2, ValueError, "n_threads must be an int >= 1, got -2"),
        (2.0, TypeError, "n_threads must be an int, got float"),
        (True, TypeError, "n_threads must be an int, got bool"),
        ("2", TypeError, "n_threads must be an int, got str"),
    ],
)
def test_a_bad_n_threads_is_refused_at_construction(n_threads, error, match):
    with pytest.raises(error, match=match):
        optim.Adam([np.ones(3)], n_threads=n_threads)


def test_too_many_n_threads_set_later_is_refused_by_the_step_and_changes_nothing():
    # the kernels hold the most threads they start; the assignment checks only the type and >= 1
    w = np.ones(3)
    opt = optim.Adam([w], lr=0.1)
    opt.n_threads = 5000
    with pytest.raises(ValueError, match="n_threads: expected at most 4096 threads, got 5000"):
        opt.step([np.ones(3)])
    assert np.array_equal(w, np.ones(3))
    assert opt.state_dict()["param_groups"][0]["step"] == 0


def test_read_only_and_repeated_parameters_are_refused_at_construction():
    w = np.ones(3)
    with pytest.raises(ValueError, match=r"params\[0\] and params\[1\]: expected separate"):
        optim.SGD([w, w])
    with pytest.raises(ValueError, match=r"params\[0\] and params\[1\]: expected separate"):
        optim.SGD([{"params": [w]}, {"params": [w]}])
    w.flags.writeable = False
    with pytest.raises(ValueError, match="expected a writeable array"):
        optim.SGD([w])


# ---------------------------------------------------------------- the estimators

RNG = np.random.default_rng(0)
X = RNG.standard_normal((200, 3))
Y = 4 + X @ np.array([3.0, -2.0, 0.5]) + 0.1 * RNG.standard_normal(200)
EXACT = np.linalg.lstsq(np.c_[np.ones(200), X], Y, rcond=None)[0]


# learning rates under which each rule's full-batch fit settles (tol=1e-10)
FIT_LR = dict(
    sgd=0.1,
    momentum=0.1,
    nesterov=0.1,
    adagrad=0.3,
    rmsprop=0.1,
    adam=0.1,
    nadam=0.03,
    radam=0.1,
    adamax=0.1,
)


@pytest.mark.parametrize("name", optim.OPTIMIZER_NAMES)
def test_every_rule_fits_a_linear_regression(name):
    if name == "lion":
        # every coordinate moves by lr: only a decaying rate settles
        model = descend.LinearRegression(
            optimizer=name, schedule=Exponential(0.05, 0.998), max_iter=5000, tol=None
        ).fit(X, Y)
        atol = 1e-3
    elif name == "adamw":
        # its decoupled weight decay (1e-2) moves the fixed point a little toward zero
        model = descend.LinearRegression(
            optimizer=name, learning_rate=0.1, max_iter=3000, tol=None
        ).fit(X, Y)
        atol = 2e-2
    else:
        model = descend.LinearRegression(
            optimizer=name, learning_rate=FIT_LR[name], max_iter=5000, tol=1e-10
        ).fit(X, Y)
        assert model.converged_
        atol = 1e-3
    np.testing.assert_allclose(np.r_[model.intercept_, model.coef_], EXACT, atol=atol)


def test_an_optimizer_instance_gives_its_hyperparameters_to_the_estimator():
    model = descend.LinearRegression(
        optimizer=optim.AdamW(weight_decay=0.0), learning_rate=0.1, max_iter=5000, tol=1e-10
    ).fit(X, Y)
    np.testing.assert_allclose(np.r_[model.intercept_, model.coef_], EXACT, atol=1e-3)
    # betas differ from the default: a different path
    a = descend.LinearRegression(optimizer="adam", learning_rate=0.1, max_iter=20, tol=None)
    b = descend.LinearRegression(
        optimizer=optim.Adam(betas=(0.5, 0.9)), learning_rate=0.1, max_iter=20, tol=None
    )
    assert not np.array_equal(a.fit(X, Y).coef_, b.fit(X, Y).coef_)


def test_the_estimators_learning_rate_overrides_the_instances_lr():
    instance = optim.Adam(lr=123.0, betas=(0.5, 0.9))
    fitted = descend.LinearRegression(
        optimizer=instance, learning_rate=0.05, max_iter=50, tol=None
    ).fit(X, Y)
    same = descend.LinearRegression(
        optimizer=optim.Adam(betas=(0.5, 0.9)), learning_rate=0.05, max_iter=50, tol=None
    ).fit(X, Y)
    assert np.array_equal(fitted.coef_, same.coef_)
    assert instance.defaults["lr"] == 123.0 and instance.param_groups == []


def test_named_momentum_and_nesterov_are_sgd_with_momentum_0_9():
    def fit(optimizer):
        return (
            descend.LinearRegression(optimizer=optimizer, learning_rate=0.05, max_iter=30, tol=None)
            .fit(X, Y)
            .coef_
        )

    assert np.array_equal(fit("momentum"), fit(optim.SGD(momentum=0.9)))
    assert np.array_equal(fit("nesterov"), fit(optim.SGD(momentum=0.9, nesterov=True)))


RULE_CLASSES = [
    descend._core.SGD,
    descend._core.Adagrad,
    descend._core.RMSprop,
    descend._core.Adam,
    descend._core.AdamW,
    descend._core.NAdam,
    descend._core.RAdam,
    descend._core.Adamax,
    descend._core.Lion,
]


@pytest.mark.parametrize("rule_class", RULE_CLASSES, ids=lambda c: c.__name__)
def test_a_compiled_rule_pickles_copies_and_compares_by_its_fields(rule_class):
    rule = rule_class(lr=0.125, maximize=True)
    for restored in (pickle.loads(pickle.dumps(rule)), copy.copy(rule), copy.deepcopy(rule)):
        assert type(restored) is rule_class and restored == rule and restored is not rule
        assert repr(restored) == repr(rule)
    assert rule != rule_class(lr=0.125) and rule != rule_class(lr=0.25, maximize=True)
    assert (rule == "a string") is False
    with pytest.raises(TypeError, match="unhashable"):
        hash(rule)
    with pytest.raises(ValueError, match="lr must be"):
        rule_class.__new__(rule_class).__setstate__((-1.0,) + rule.__getstate__()[1:])
    # the keyword-only constructor's defaults are the struct's initializers
    assert rule_class() == rule_class(
        **{name: getattr(rule_class(), name) for name in rule_class._fields}
    )


def test_each_optimizer_signature_comes_from_its_rule_table_with_torchs_keywords():
    import inspect

    params = "params: 'Iterable[np.ndarray] | Iterable[dict[str, Any]] | None' = None"
    options = (
        "schedule: 'Callable[[int], float] | None' = None, check_finite: 'bool' = False, "
        "on_nonfinite: 'str | None' = None, n_threads: 'int | None' = None) -> 'None'"
    )
    assert str(inspect.signature(optim.Adam)) == (
        f"({params}, lr: 'float' = 0.001, betas: 'tuple[float, float]' = (0.9, 0.999), "
        "eps: 'float' = 1e-08, weight_decay: 'float' = 0.0, amsgrad: 'bool' = False, *, "
        f"maximize: 'bool' = False, decoupled_weight_decay: 'bool' = False, {options}"
    )
    assert str(inspect.signature(optim.SGD)) == (
        f"({params}, lr: 'float' = 0.001, momentum: 'float' = 0.0, dampening: 'float' = 0.0, "
        "weight_decay: 'float' = 0.0, nesterov: 'bool' = False, *, maximize: 'bool' = False, "
        f"{options}"
    )
    for cls in OPTIMIZER_CLASSES:
        signature = inspect.signature(cls)
        rule = cls._rule_class()
        for name in cls._hyperparameters:
            default = signature.parameters[name].default
            expected = (rule.beta1, rule.beta2) if name == "betas" else getattr(rule, name)
            assert default == expected and cls().defaults[name] == expected, (cls, name)
        assert signature.parameters["maximize"].kind is inspect.Parameter.KEYWORD_ONLY
    # positional hyperparameters in torch's order; unknown keywords refused
    assert optim.Adam(None, 0.5, (0.8, 0.9)).defaults["betas"] == (0.8, 0.9)
    with pytest.raises(TypeError, match="unexpected keyword argument 'beta1'"):
        optim.Adam(beta1=0.5)
    with pytest.raises(TypeError):
        optim.Adam(None, 0.5, (0.8, 0.9), 1e-8, 0.0, False, True)  # maximize is keyword-only


def test_lion_is_named_by_the_estimators_and_by_minimize():
    assert "lion" in optim.OPTIMIZER_NAMES
    by_name = (
        descend.LinearRegression(optimizer="lion", learning_rate=0.01, max_iter=30, tol=None)
        .fit(X, Y)
        .coef_
    )
    by_instance = (
        descend.LinearRegression(optimizer=optim.Lion(), learning_rate=0.01, max_iter=30, tol=None)
        .fit(X, Y)
        .coef_
    )
    assert np.array_equal(by_name, by_instance)
    res = descend.minimize(
        lambda x: float(np.sum((x - 1.0) ** 2)),
        np.zeros(3),
        method="lion",
        jac=lambda x: 2 * (x - 1.0),
        tol=None,
        options=dict(schedule=Exponential(0.1, 0.99), max_iter=3000),
    )
    assert res.success
    np.testing.assert_allclose(res.x, 1.0, atol=1e-5)


def test_an_unknown_optimizer_name_is_refused_with_the_list_of_names():
    with pytest.raises(ValueError, match="'sgd', 'momentum', 'nesterov', 'adagrad'"):
        descend.LinearRegression(optimizer="bfgs").fit(X, Y)


def test_estimator_fit_in_float32_with_every_rule():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in optim.OPTIMIZER_NAMES:
            model = descend.LinearRegression(
                optimizer=name, learning_rate=0.1, max_iter=50, tol=None
            ).fit(X.astype(np.float32), Y)
            assert model.coef_.dtype == np.float32 and np.isfinite(model.coef_).all()


# ---------------------------------------------------------------- trust: state, threads, Ctrl-C


def test_a_state_dict_that_went_through_json_loads_and_continues_bit_identically():
    import json

    params = random_params(shapes=[(3,), (2,)])
    opt = optim.Adam(params, lr=0.1, amsgrad=True)
    for t in range(5):
        opt.step(random_grads(params, seed=t))
    text = json.dumps(opt.state_dict(), default=lambda a: a.tolist())
    twin_params = [p.copy() for p in params]
    twin = optim.Adam(twin_params, lr=0.1, amsgrad=True)
    twin.load_state_dict(json.loads(text))  # string keys, lists for arrays and betas
    for t in range(5, 8):
        opt.step(random_grads(params, seed=t))
        twin.step(random_grads(twin_params, seed=t))
    for p, q in zip(params, twin_params, strict=True):
        assert np.array_equal(p, q)


def test_an_interrupted_step_leaves_lr_and_counts_unchanged():
    # A schedule that raises in the second group: the first group's lr was already set from
    # its schedule when the step was abandoned, and must be set back.
    params = random_params(shapes=[(3,), (2,)])
    calls = []

    def interrupting(t):
        calls.append(t)
        if t == 1:
            raise KeyboardInterrupt
        return 0.5

    opt = optim.SGD(
        [
            {"params": params[:1], "schedule": lambda t: 0.1 / (t + 1)},
            {"params": params[1:], "schedule": interrupting},
        ],
        lr=0.3,
    )
    opt.step(random_grads(params, seed=0))
    before = [dict(g) for g in opt.param_groups], opt.state_dict(), [p.copy() for p in params]
    with pytest.raises(KeyboardInterrupt):
        opt.step(random_grads(params, seed=1))
    assert [dict(g) for g in opt.param_groups] == before[0]
    after = opt.state_dict()
    assert [g["step"] for g in after["param_groups"]] == [1, 1]
    assert [e["step"] for e in after["state"].values()] == [1, 1]
    for p, q in zip(params, before[2], strict=True):
        assert np.array_equal(p, q)


def test_a_schedule_returning_an_impossible_lr_is_refused_naming_the_group():
    w = np.ones(2)
    opt = optim.SGD([w], lr=0.1, schedule=lambda t: -1.0)
    with pytest.raises(
        ValueError,
        match=r"param_groups\[0\]: schedule\(0\) must be a finite "
        r"number >= 0, got -1.0",
    ):
        opt.step([np.ones(2)])
    assert opt.param_groups[0]["lr"] == 0.1
    assert np.array_equal(w, np.ones(2))


def test_an_optimizer_stepped_from_two_threads_at_once_refuses_the_second_step():
    import threading

    inside, release = threading.Event(), threading.Event()

    def slow_schedule(t):
        inside.set()
        release.wait(10)
        return 0.1

    w = np.zeros(3)
    opt = optim.SGD([w], lr=0.1, schedule=slow_schedule)
    worker = threading.Thread(target=opt.step, args=([np.ones(3)],))
    worker.start()
    try:
        assert inside.wait(10)
        with pytest.raises(descend.exceptions.ConcurrentStepError, match="another thread"):
            opt.step([np.ones(3)])
    finally:
        release.set()
        worker.join()
    assert opt.state_dict()["state"][0]["step"] == 1  # the first step alone happened
    assert np.allclose(w, -0.1)
    opt.step([np.ones(3)])  # and the optimizer works afterwards


def test_the_step_count_never_wraps_around():
    MAX_STEP = descend._checks.MAX_STEP
    w = np.ones(2)
    opt = optim.Adam([w])
    saved = opt.state_dict()
    saved["state"][0]["step"] = MAX_STEP + 1
    with pytest.raises(ValueError, match=r"state_dict\['state'\]\[0\]\['step'\] must be an int"):
        opt.load_state_dict(saved)
    saved["state"][0]["step"] = MAX_STEP - 1
    with pytest.raises(ValueError, match="a parameter takes at most its group's steps"):
        opt.load_state_dict(saved)
    saved["param_groups"][0]["step"] = MAX_STEP - 1
    opt.load_state_dict(saved)
    opt.step([np.ones(2)])  # step 2**53: the last one
    with pytest.raises(ValueError, match=r"2\*\*53\); a step beyond is refused"):
        opt.step([np.ones(2)])
    assert np.isfinite(w).all()
    at_the_end = opt.state_dict()  # the parameter's count is 2**53 too, and loads back
    assert at_the_end["state"][0]["step"] == at_the_end["param_groups"][0]["step"] == MAX_STEP
    again = optim.Adam([w.copy()])
    again.load_state_dict(at_the_end)
    assert again.state_dict()["state"][0]["step"] == MAX_STEP


@pytest.mark.parametrize(
    ("name", "grad"),
    [("nan-gradient-unchecked", np.nan), ("float32-second-moment-overflow", 3e38)],
)
def test_every_state_the_optimizer_reaches_loads_back(name, grad):
    # on_nonfinite=None steps on a NaN gradient, as torch; a finite float32 gradient of 3e38
    # squares to infinity in exp_avg_sq, even with on_nonfinite="raise"
    policy = None if np.isnan(grad) else "raise"
    w = np.ones(3, np.float32)
    opt = optim.Adam([w], lr=0.1, on_nonfinite=policy)
    opt.step([np.array([grad, 1.0, 1.0], np.float32)])
    saved = opt.state_dict()
    assert not np.isfinite(saved["state"][0]["exp_avg_sq"]).all()
    again = optim.Adam([w.copy()], lr=0.1, on_nonfinite=policy)
    again.load_state_dict(saved)
    reloaded = again.state_dict()["state"][0]
    for key in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_array_equal(reloaded[key], saved["state"][0][key])
    unpickled = pickle.loads(pickle.dumps(opt))
    np.testing.assert_array_equal(
        unpickled.state_dict()["state"][0]["exp_avg_sq"], saved["state"][0]["exp_avg_sq"]
    )


@pytest.mark.parametrize("policy", ["skip", "stop", "raise"])
def test_on_nonfinite_skips_stops_or_raises_and_changes_nothing(policy):
    params = random_params(shapes=[(3,), (2,)])
    opt = optim.Adam(params, lr=0.1, on_nonfinite=policy)
    opt.step(random_grads(params, seed=0))
    before = [p.copy() for p in params], opt.state_dict()
    bad = random_grads(params, seed=1)
    bad[1][0] = np.inf
    if policy == "raise":
        with pytest.raises(FloatingPointError, match=r"grads\[1\] contains NaN or infinity"):
            opt.step(bad)
    else:
        opt.step(bad)
        assert opt.nonfinite_steps == 1
    assert all(np.array_equal(p, q) for p, q in zip(params, before[0], strict=True))
    assert opt.state_dict()["state"][0]["step"] == 1
    opt.step(random_grads(params, seed=2))
    moved = not np.array_equal(params[0], before[0][0])
    assert moved == (policy != "stop")  # a stopped optimizer stays at the last finite point
    assert opt.stopped == (policy == "stop")


def test_on_nonfinite_is_checked():
    with pytest.raises(ValueError, match="on_nonfinite must be one of"):
        optim.SGD([np.ones(2)], on_nonfinite="ignore")
    with pytest.raises(ValueError, match="check_finite=True means on_nonfinite='raise'"):
        optim.SGD([np.ones(2)], check_finite=True, on_nonfinite="skip")


def test_a_pickle_is_loaded_through_the_state_dict_checks():
    w = np.ones(3)
    opt = optim.Adam([w], lr=0.1)
    opt.step([np.ones(3)])
    saved = opt.__getstate__()
    saved["state_dict"]["state"][0]["exp_avg_sq"][0] = -1.0
    restored = optim.Adam.__new__(optim.Adam)
    with pytest.raises(ValueError, match=r"\['exp_avg_sq'\]: expected values >= 0"):
        restored.__setstate__(saved)
    with pytest.raises(ValueError, match="not one written by this version of descend"):
        restored.__setstate__({"param_groups": []})
    assert not hasattr(restored, "param_groups")  # refused: nothing half loaded


def test_a_pickle_of_parameters_with_their_optimizer_keeps_them_together():
    w = np.arange(3.0)
    opt = optim.Adam([w], lr=0.1, schedule=ReduceOnPlateau(0.1))
    opt.step([np.ones(3)])
    w_loaded, opt_loaded = pickle.loads(pickle.dumps((w, opt)))
    assert opt_loaded.param_groups[0]["params"][0] is w_loaded
    for _ in range(3):
        opt.step([w.copy()])
        opt_loaded.step([w_loaded.copy()])
    np.testing.assert_array_equal(w_loaded, w)
    assert opt_loaded.state_dict()["param_groups"] == opt.state_dict()["param_groups"]


@pytest.mark.parametrize(("cls", "hyper"), CASES, ids=CASE_IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_threaded_steps_give_the_one_thread_bits_for_any_thread_count(cls, hyper, dtype):
    # past three chunks of 2**16 elements (each taken by whichever thread is free), sizes
    # around the SIMD widths, and sizes below one chunk
    shapes = [(3 * 2**16 + 1_003,), (4, 257), (2,), ()]
    runs = {}
    for n_threads in (1, 2, 3, 7, None):
        params = random_params(dtype, shapes, seed=3)
        opt = cls(params, n_threads=n_threads, **hyper)
        for seed in range(1, 6):
            opt.step(random_grads(params, seed))
        runs[n_threads] = params, opt.state_dict()["state"]
    one_params, one_state = runs.pop(1)
    for params, state in runs.values():
        for p, q in zip(one_params, params, strict=True):
            assert np.array_equal(p, q)
        for i, entry in one_state.items():
            for name, value in entry.items():
                assert np.array_equal(value, state[i][name]), name


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_core_step_kernel_on_an_array_past_the_threshold_gives_the_same_bits(dtype):
    from descend import _core

    n = _core.build_config()["parallel_min_elements"] + 5
    rng = np.random.default_rng(0)
    start = rng.standard_normal(n).astype(dtype)
    grad = rng.standard_normal(n).astype(dtype)
    rule = _core.Adam(lr=0.01, amsgrad=True, weight_decay=0.1)
    results = []
    for n_threads in (1, None, 2, 5):
        param, state = start.copy(), [np.full(n, 0.5, dtype) for _ in range(3)]
        for t in (1, 2):
            _core.adam_step(param, grad, state, t, rule, n_threads=n_threads)
        results.append([param, *state])
    for other in results[1:]:
        for a, b in zip(results[0], other, strict=True):
            assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="n_threads: expected None or an int >= 1, got 0"):
        _core.adam_step(param, grad, state, 3, rule, n_threads=0)
    assert np.array_equal(param, results[-1][0])


def test_n_threads_travels_with_a_pickle():
    opt = optim.Adam([np.ones(3)], n_threads=3)
    assert pickle.loads(pickle.dumps(opt)).n_threads == 3


def test_param_groups_change_only_in_place():
    w = np.ones(3)
    opt = optim.SGD([w], lr=0.1)
    opt.param_groups[0]["lr"] = 0.5  # the supported way
    opt.step([np.ones(3)])
    np.testing.assert_array_equal(w, np.full(3, 0.5))
    with pytest.raises(TypeError, match="param_groups cannot be changed as a list"):
        opt.param_groups[0] = {"params": [w], "lr": 1.0}
    with pytest.raises(TypeError, match="add_param_group"):
        opt.param_groups = []
    assert len(opt.param_groups) == 1 and opt.param_groups[0]["lr"] == 0.5
