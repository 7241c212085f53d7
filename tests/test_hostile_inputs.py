"""Hostile inputs to every public entry point of optim, kernels, clipping, functions,
check_grad, minimize, schedules and the estimators: each is refused with the documented
exception, a message naming the argument, and nothing changed.

Each case is a row of a table: a function making the call (on fresh arrays), the exception
type, a fragment of its message, and the arrays (and optimizer) that must be bit-identical
afterwards (for an estimator: its attributes, so a refused fit leaves no partial fit).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

import descend
from descend import clipping, functions, kernels, optim, schedules
from descend._checks import MAX_STEP

from .conftest import OPTIMIZER_CLASSES, with_every_state


@dataclass
class Call:
    """What a case does: `run()` must raise; `arrays` and `optimizer` must not change."""

    run: Callable[[], object]
    arrays: list[np.ndarray] = field(default_factory=list)
    optimizer: optim.Optimizer | None = None
    estimator: object = None


@dataclass
class Case:
    id: str
    make: Callable[[], Call]
    error: type[BaseException]
    fragment: str


def _array_state(arrays):
    return [(a.dtype.str, a.shape, a.tobytes()) for a in arrays]


def _optimizer_state(opt):
    if opt is None:
        return None
    groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    saved = opt.state_dict()
    entries = {
        i: {k: (v.tobytes() if isinstance(v, np.ndarray) else v) for k, v in e.items()}
        for i, e in saved["state"].items()
    }
    steps = [g["step"] for g in saved["param_groups"]]
    return repr(groups), entries, steps, opt._count


def _estimator_state(estimator):
    if estimator is None:
        return None
    return {
        key: (value.tobytes() if isinstance(value, np.ndarray) else repr(value))
        for key, value in vars(estimator).items()
    }


def check(case: Case) -> None:
    call = case.make()
    arrays_before = _array_state(call.arrays)
    optimizer_before = _optimizer_state(call.optimizer)
    estimator_before = _estimator_state(call.estimator)
    with pytest.raises(case.error) as caught:
        call.run()
    assert case.fragment in str(caught.value), str(caught.value)
    assert type(caught.value) is case.error
    assert _array_state(call.arrays) == arrays_before
    assert _optimizer_state(call.optimizer) == optimizer_before
    assert _estimator_state(call.estimator) == estimator_before


# ---------------------------------------------------------------------- kernels

_KERNELS = {
    # name: (function, number of positional state arrays, hyperparameters that need them all)
    "sgd": (kernels.sgd_step, 1, {"momentum": 0.9}),
    "adagrad": (kernels.adagrad_step, 1, {}),
    "rmsprop": (kernels.rmsprop_step, 1, {}),
    "adam": (kernels.adam_step, 2, {}),
    "adamw": (kernels.adamw_step, 2, {}),
    "nadam": (kernels.nadam_step, 2, {}),
    "radam": (kernels.radam_step, 2, {}),
    "adamax": (kernels.adamax_step, 2, {}),
}


def _kernel_call(name, edit):
    """A Call of kernel `name` on fresh arrays after edit(args) changes some of them: args is
    a dict with param, grad, states (list), step, hyper (dict)."""

    def make():
        function, slots, hyper = _KERNELS[name]
        rng = np.random.default_rng(0)
        args = {
            "param": rng.standard_normal(3),
            "grad": rng.standard_normal(3),
            "states": [np.abs(rng.standard_normal(3)) for _ in range(slots)],
            "step": 2,
            "hyper": dict(hyper),
        }
        edit(args)
        arrays = [
            a for a in (args["param"], args["grad"], *args["states"]) if isinstance(a, np.ndarray)
        ]
        return Call(
            lambda: function(
                args["param"], args["grad"], *args["states"], args["step"], **args["hyper"]
            ),
            arrays,
        )

    return make


def _set(**changes):
    def edit(args):
        for key, value in changes.items():
            if key in ("param", "grad", "step"):
                args[key] = value(args) if callable(value) else value
            else:
                args["hyper"][key] = value

    return edit


def _state(k, value):
    def edit(args):
        args["states"][k] = value(args)

    return edit


def _big_endian(a):
    return a.astype(a.dtype.newbyteorder(">" if np.little_endian else "<"))


def _read_only(a):
    a.flags.writeable = False
    return a


def _overlapping_state(args):
    buffer = np.zeros(6)
    args["param"] = buffer[:3]
    args["states"][0] = buffer[2:5]


def _nan_grad(args):
    args["grad"][1] = np.nan
    args["hyper"]["check_finite"] = True


def _inf_grad(args):
    args["grad"][0] = -np.inf
    args["hyper"]["check_finite"] = True


_KERNEL_CASES = [
    ("param-list", _set(param=[1.0, 2.0, 3.0]), TypeError, "param: expected a numpy.ndarray"),
    ("param-big-endian", _set(param=lambda a: _big_endian(a["param"])), TypeError, "byte order"),
    ("grad-big-endian", _set(grad=lambda a: _big_endian(a["grad"])), TypeError, "byte order"),
    ("state-big-endian", _state(0, lambda a: _big_endian(a["states"][0])), TypeError, "byte order"),
    ("param-int", _set(param=lambda a: np.arange(3)), TypeError, "float32 or float64"),
    ("param-complex", _set(param=lambda a: a["param"] + 0j), TypeError, "float32 or float64"),
    (
        "grad-float32",
        _set(grad=lambda a: a["grad"].astype(np.float32)),
        TypeError,
        "the dtype of param",
    ),
    ("grad-shape", _set(grad=lambda a: np.ones(4)), ValueError, "expected shape (3,)"),
    ("grad-0d", _set(grad=lambda a: np.array(1.0)), ValueError, "expected shape (3,)"),
    ("grad-2d", _set(grad=lambda a: np.ones((3, 1))), ValueError, "expected shape (3,)"),
    ("state-shape", _state(0, lambda a: np.zeros(2)), ValueError, "expected shape (3,)"),
    ("param-strided", _set(param=lambda a: np.ones(6)[::2]), ValueError, "C-contiguous"),
    ("param-read-only", _set(param=lambda a: _read_only(a["param"])), ValueError, "writeable"),
    ("state-read-only", _state(0, lambda a: _read_only(a["states"][0])), ValueError, "writeable"),
    (
        "param-masked",
        _set(param=lambda a: np.ma.array(a["param"], mask=[0, 1, 0])),
        TypeError,
        "MaskedArray",
    ),
    (
        "grad-masked",
        _set(grad=lambda a: np.ma.array(a["grad"], mask=[0, 1, 0])),
        TypeError,
        "MaskedArray",
    ),
    ("state-is-param", _state(0, lambda a: a["param"]), ValueError, "share memory"),
    ("grad-is-param", _set(grad=lambda a: a["param"]), ValueError, "share memory"),
    ("state-view-of-param", _state(0, lambda a: a["param"][:]), ValueError, "share memory"),
    ("state-overlaps-param", _overlapping_state, ValueError, "share memory"),
    ("step-0", _set(step=0), ValueError, "step must be an int in [1, "),
    ("step-negative", _set(step=-5), ValueError, "step must be an int in [1, "),
    ("step-beyond-2**53", _set(step=MAX_STEP + 1), ValueError, "step must be an int in [1, "),
    ("step-2**63", _set(step=2**63), ValueError, "step must be an int in [1, "),
    ("step-2**64", _set(step=2**64), ValueError, "step must be an int in [1, "),
    ("step-True", _set(step=True), TypeError, "step must be an int, got bool"),
    ("step-1.5", _set(step=1.5), TypeError, "step must be an int, got float"),
    ("step-2.0", _set(step=2.0), TypeError, "step must be an int, got float"),
    ("step-str", _set(step="2"), TypeError, "step must be an int, got str"),
    ("step-None", _set(step=None), TypeError, "step must be an int, got NoneType"),
    ("lr-str", _set(lr="0.1"), TypeError, "lr must be a real number, got str"),
    ("lr-None", _set(lr=None), TypeError, "lr must be a real number, got NoneType"),
    ("lr-list", _set(lr=[0.1]), TypeError, "lr must be a real number, got list"),
    ("lr-complex", _set(lr=0.1j), TypeError, "lr must be a real number"),
    ("lr-nan", _set(lr=math.nan), ValueError, "lr must be a finite number >= 0"),
    ("lr-inf", _set(lr=math.inf), ValueError, "lr must be a finite number >= 0"),
    ("lr-negative", _set(lr=-1.0), ValueError, "lr must be a finite number >= 0, got -1.0"),
    ("lr-huge-int", _set(lr=10**400), ValueError, "lr must be a number that fits a float64"),
    ("weight_decay-negative", _set(weight_decay=-1.0), ValueError, "weight_decay must be"),
    ("maximize-str", _set(maximize="no"), TypeError, "maximize must be True or False"),
    ("maximize-int", _set(maximize=1), TypeError, "maximize must be True or False"),
    ("check_finite-str", _set(check_finite="yes"), TypeError, "check_finite must be True or False"),
    ("grad-nan", _nan_grad, FloatingPointError, "grad contains NaN or infinity"),
    ("grad-inf", _inf_grad, FloatingPointError, "grad contains NaN or infinity"),
    ("unknown-keyword", _set(foo=1), TypeError, "foo"),
]

_ADAM_FAMILY_CASES = [
    ("beta1-1", _set(beta1=1.0), ValueError, "beta1 must be in [0, 1), got 1.0"),
    ("beta2-nan", _set(beta2=math.nan), ValueError, "beta2 must be in [0, 1), got nan"),
    ("beta1-str", _set(beta1="0.9"), TypeError, "beta1 must be a real number"),
    ("eps-0", _set(eps=0.0), ValueError, "eps must be a finite number > 0"),
]

KERNEL_CASES = [
    Case(f"{name}-{label}", _kernel_call(name, edit), error, fragment)
    for name in _KERNELS
    for label, edit, error, fragment in _KERNEL_CASES
    + (_ADAM_FAMILY_CASES if name.startswith(("adam", "nadam", "radam")) else [])
]


# ---------------------------------------------------------------------- optim

_CLASSES = OPTIMIZER_CLASSES


def _stepped(cls, **hyper):
    """An optimizer of class cls over two arrays, after two steps; with its params."""
    rng = np.random.default_rng(1)
    params = [rng.standard_normal(3), rng.standard_normal((2, 2))]
    opt = cls(params, **{**with_every_state(cls), **hyper})
    for seed in range(2):
        opt.step([np.random.default_rng(seed).standard_normal(p.shape) for p in params])
    return opt, params


def _grads(params, edit=None):
    grads = [np.ones_like(p) for p in params]
    if edit is not None:
        edit(grads)
    return grads


def _step_call(cls, edit_grads, **hyper):
    def make():
        opt, params = _stepped(cls, **hyper)
        grads = _grads(params, edit_grads)
        arrays = params + [g for g in grads if isinstance(g, np.ndarray)]
        return Call(lambda: opt.step(grads), arrays, opt)

    return make


def _group_change(cls, key, value):
    def make():
        opt, params = _stepped(cls)
        opt.param_groups[0][key] = value
        grads = _grads(params)
        return Call(lambda: opt.step(grads), params + grads, opt)

    return make


def _group_deleted(cls, key):
    def make():
        opt, params = _stepped(cls)
        del opt.param_groups[0][key]
        grads = _grads(params)
        # (without "params", the optimizer is not compared: its state_dict() refuses too)
        return Call(lambda: opt.step(grads), params + grads, opt if key != "params" else None)

    return make


def _group_params_replaced(cls, value):
    def make():
        opt, params = _stepped(cls)
        opt.param_groups[0]["params"] = value
        # (the optimizer is not compared: its state_dict() would refuse the same "params")
        return Call(lambda: opt.step([np.ones(3), np.ones((2, 2))]), params)

    return make


class _LyingList(list):
    """A list whose len() says 2, whatever it holds."""

    def __len__(self):
        return 2


def _special_step_cases(cls):
    """step() calls that need the optimizer's parameters or state to build the hostile input."""

    def grad_is(choose):
        def make():
            opt, params = _stepped(cls)
            grads = [choose(params), np.ones((2, 2))]
            return Call(lambda: opt.step(grads), params + grads[1:], opt)

        return make

    def lying(count):
        def make():
            opt, params = _stepped(cls)
            grads = _LyingList(np.ones(3) for _ in range(count))
            return Call(lambda: opt.step(grads), params + list(grads), opt)

        return make

    def changed_groups(change):
        def make():
            opt, params = _stepped(cls)
            return Call(lambda: change(opt), params, opt)

        return make

    def at_most_steps():
        opt, params = _stepped(cls)
        saved = opt.state_dict()
        saved["param_groups"][0]["step"] = MAX_STEP
        opt.load_state_dict(saved)
        grads = _grads(params)
        return Call(lambda: opt.step(grads), params + grads, opt)

    name = cls.__name__
    return [
        Case(
            f"{name}-step-grad-is-param",
            grad_is(lambda p: p[0]),
            ValueError,
            "params[0] and grads[0]: expected separate arrays",
        ),
        Case(
            f"{name}-step-grad-view-of-other-param",
            grad_is(lambda p: p[1].reshape(-1)[:3]),
            ValueError,
            "grads[0] and params[1]: expected separate arrays",
        ),
        Case(
            f"{name}-step-grads-lie-about-their-length-1",
            lying(1),
            ValueError,
            "grads: expected 2 gradients (one per parameter, None to skip one), got 1",
        ),
        Case(
            f"{name}-step-grads-lie-about-their-length-3",
            lying(3),
            ValueError,
            "grads: expected 2 gradients (one per parameter, None to skip one), got 3",
        ),
        Case(
            f"{name}-param_groups-item-replaced",
            changed_groups(lambda opt: opt.param_groups.__setitem__(0, dict(opt.param_groups[0]))),
            TypeError,
            "param_groups cannot be changed as a list",
        ),
        Case(
            f"{name}-param_groups-appended",
            changed_groups(lambda opt: opt.param_groups.append({"params": [np.ones(2)]})),
            TypeError,
            "param_groups cannot be changed as a list",
        ),
        Case(
            f"{name}-param_groups-reassigned",
            changed_groups(lambda opt: setattr(opt, "param_groups", [])),
            TypeError,
            "param_groups cannot be changed as a list",
        ),
        Case(
            f"{name}-step-group-at-2**53-steps",
            at_most_steps,
            ValueError,
            f"param_groups[0]: {MAX_STEP} steps taken, the most a group counts (2**53)",
        ),
    ]


def _load_call(cls, edit):
    def make():
        opt, params = _stepped(cls)
        saved = opt.state_dict()
        fresh_params = [p.copy() for p in params]
        fresh = cls(fresh_params, **with_every_state(cls))
        fresh.step(_grads(fresh_params))
        saved = edit(saved)
        return Call(lambda: fresh.load_state_dict(saved), fresh_params, fresh)

    return make


def _construct_call(cls, params_factory, **hyper):
    def make():
        params = params_factory()
        arrays = (
            [p for p in params if isinstance(p, np.ndarray)] if isinstance(params, list) else []
        )
        return Call(lambda: cls(params, **hyper), arrays)

    return make


def _replace(grads, k, value):
    grads[k] = value(grads) if callable(value) else value


def _first_state_name(saved):
    return next(name for name in saved["state"][0] if name != "step")


def _with(path, value):
    """A state_dict edit setting saved[path...] = value (value(saved) if callable)."""

    def edit(saved):
        target = saved
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(saved) if callable(value) else value
        return saved

    return edit


def _set_state_array(transform):
    def edit(saved):
        name = _first_state_name(saved)
        saved["state"][0][name] = transform(saved["state"][0][name])
        return saved

    return edit


def _set_second_moment(value):
    def edit(saved):
        for name in ("exp_avg_sq", "sum", "square_avg", "exp_inf"):
            if name in saved["state"][0]:
                saved["state"][0][name][0] = value
        return saved

    return edit


def _drop(key):
    def edit(saved):
        del saved[key]
        return saved

    return edit


def _foreign(cls):
    other = optim.Adam if cls is not optim.Adam else optim.SGD

    def edit(saved):
        opt, _ = _stepped(other)
        return opt.state_dict()

    return edit


def _foreign_unlabelled(cls):
    def edit(saved):
        saved = _foreign(cls)(saved)
        del saved["optimizer"]
        return saved

    return edit


_STEP_CASES = [
    ("grad-count", lambda g: g.pop(), ValueError, "grads: expected 2 gradients"),
    ("grads-not-a-list", None, TypeError, "grads: expected a list or tuple"),
    (
        "grad-big-endian",
        lambda g: _replace(g, 1, lambda g: _big_endian(g[1])),
        TypeError,
        "byte order",
    ),
    (
        "grad-float32",
        lambda g: _replace(g, 0, lambda g: g[0].astype(np.float32)),
        TypeError,
        "grads[0]: expected dtype float64 (the dtype of params[0])",
    ),
    (
        "grad-shape",
        lambda g: _replace(g, 1, np.ones(4)),
        ValueError,
        "grads[1]: expected shape (2, 2)",
    ),
    (
        "grad-masked",
        lambda g: _replace(g, 0, lambda g: np.ma.array(g[0])),
        TypeError,
        "MaskedArray",
    ),
    (
        "grad-list",
        lambda g: _replace(g, 0, [1.0, 1.0, 1.0]),
        TypeError,
        "grads[0]: expected a numpy.ndarray",
    ),
    ("grad-strided", lambda g: _replace(g, 0, np.ones(6)[::2]), ValueError, "C-contiguous"),
]


def _step_case(cls, label, edit, error, fragment):
    if label == "grads-not-a-list":

        def make():
            opt, params = _stepped(cls)
            return Call(lambda: opt.step(np.ones(3)), params, opt)

        return Case(f"{cls.__name__}-step-{label}", make, error, fragment)
    return Case(f"{cls.__name__}-step-{label}", _step_call(cls, edit), error, fragment)


def _nan_grad_with_check(cls):
    def make():
        opt, params = _stepped(cls, check_finite=True)
        grads = _grads(params)
        grads[1][0, 1] = np.nan
        return Call(lambda: opt.step(grads), params + grads, opt)

    return Case(
        f"{cls.__name__}-step-nan-grad",
        make,
        FloatingPointError,
        "grads[1] contains NaN or infinity",
    )


def _param_made_overlapping(cls):
    def make():
        opt, params = _stepped(cls)
        opt.param_groups[0]["params"] = [params[0], params[0][:]]
        # (the optimizer is not compared: its state_dict() would refuse the same overlap)
        return Call(lambda: opt.step([np.ones(3), np.ones(3)]), params)

    return Case(f"{cls.__name__}-params-reassigned-overlapping", make, ValueError, "share memory")


def _bad_schedule_value(cls, value, error, fragment, label):
    def make():
        opt, params = _stepped(cls)
        opt.param_groups[0]["schedule"] = lambda t: value
        grads = _grads(params)
        return Call(lambda: opt.step(grads), params + grads, opt)

    return Case(f"{cls.__name__}-schedule-returns-{label}", make, error, fragment)


_LOAD_CASES = [
    ("empty", lambda s: {}, ValueError, "state_dict: expected the keys"),
    ("not-a-dict", lambda s: [s], TypeError, "state_dict: expected a dict"),
    ("unknown-top-key", _with(["extra"], 1), ValueError, "state_dict: expected the keys"),
    ("format-2", _with(["format_version"], 2), ValueError, "format_version 2"),
    ("param_groups-not-a-list", _with(["param_groups"], "x"), TypeError, "expected a list"),
    ("state-not-a-dict", _with(["state"], [1]), TypeError, "expected a dict"),
    (
        "group-count",
        lambda s: {**s, "param_groups": s["param_groups"] * 2},
        ValueError,
        "2 parameter groups",
    ),
    ("unknown-group-key", _with(["param_groups", 0, "foo"], 1), ValueError, "unknown keys ['foo']"),
    (
        "params-missing",
        lambda s: {
            **s,
            "param_groups": [{k: v for k, v in s["param_groups"][0].items() if k != "params"}],
        },
        ValueError,
        "'params' entry is missing",
    ),
    (
        "params-count",
        _with(["param_groups", 0, "params"], [0]),
        ValueError,
        "has 2 parameters, the state_dict's has 1",
    ),
    (
        "params-repeated",
        _with(["param_groups", 0, "params"], [0, 0]),
        ValueError,
        "index 0 appears twice",
    ),
    (
        "params-not-ints",
        _with(["param_groups", 0, "params"], ["a", "b"]),
        TypeError,
        "must be an int",
    ),
    (
        "lr-negative",
        _with(["param_groups", 0, "lr"], -1.0),
        ValueError,
        "lr must be a finite number >= 0",
    ),
    ("lr-str", _with(["param_groups", 0, "lr"], "fast"), TypeError, "lr must be a real number"),
    (
        "group-step-negative",
        _with(["param_groups", 0, "step"], -1),
        ValueError,
        "['step'] must be an int in [0, ",
    ),
    (
        "group-step-missing",
        lambda s: {
            **s,
            "param_groups": [{k: v for k, v in s["param_groups"][0].items() if k != "step"}],
        },
        ValueError,
        "state_dict['param_groups'][0]: the 'step' count is missing",
    ),
    (
        "group-step-float",
        _with(["param_groups", 0, "step"], 2.0),
        TypeError,
        "['step'] must be an int",
    ),
    (
        "state-key-str",
        lambda s: {**s, "state": {"zero": s["state"][0]}},
        ValueError,
        "keys are parameter indices, got 'zero'",
    ),
    (
        "state-key-unused",
        _with(["state", 7], {"step": 1}),
        ValueError,
        "indices [7] belong to no parameter",
    ),
    ("state-entry-not-a-dict", _with(["state", 0], 3), TypeError, "expected a dict"),
    ("count-negative", _with(["state", 0, "step"], -1), ValueError, "must be an int in [0, "),
    (
        "count-beyond-2**53",
        _with(["state", 0, "step"], MAX_STEP + 1),
        ValueError,
        "must be an int in [0, ",
    ),
    ("count-bool", _with(["state", 0, "step"], True), TypeError, "must be an int, got bool"),
    (
        "count-missing",
        lambda s: {
            **s,
            "state": {**s["state"], 0: {k: v for k, v in s["state"][0].items() if k != "step"}},
        },
        ValueError,
        "state_dict['state'][0]: the 'step' count is missing",
    ),
    (
        "unknown-state-name",
        _with(["state", 0, "velocity"], np.zeros(3)),
        ValueError,
        "expected the state arrays",
    ),
    (
        "stepped-entry-without-state",
        lambda s: {**s, "state": {**s["state"], 0: {"step": s["state"][0]["step"]}}},
        ValueError,
        "expected the state arrays",
    ),
    ("state-shape", _set_state_array(lambda a: np.zeros(5)), ValueError, "has shape (5,)"),
    (
        "state-strings",
        _set_state_array(lambda a: np.array(["a", "b", "c"])),
        TypeError,
        "expected real numbers",
    ),
    (
        "state-overflows-float32",
        None,
        ValueError,
        "expected values that float32 can hold, got 1e+300, which becomes infinity",
    ),
    ("second-moment-negative", _set_second_moment(-1.0), ValueError, "expected values >= 0"),
    (
        "state-masked",
        _set_state_array(lambda a: np.ma.array(a, mask=np.ones(a.shape, bool))),
        TypeError,
        "got a numpy.ma.MaskedArray (its mask would be ignored)",
    ),
    (
        "state-ragged",
        _set_state_array(lambda a: [[1.0, 2.0], [3.0]]),
        ValueError,
        "state_dict['state'][0]['",
    ),
    (
        "param-step-beyond-its-group",
        _with(["state", 0, "step"], lambda s: s["param_groups"][0]["step"] + 1),
        ValueError,
        "a parameter takes at most its group's steps",
    ),
    (
        "schedule_state-without-a-schedule",
        _with(["param_groups", 0, "schedule_state"], {"scale": 1.0}),
        ValueError,
        "['schedule_state']: this group's schedule (None) keeps no state",
    ),
]


def _load_case(cls, label, edit, error, fragment):
    if label == "state-overflows-float32":

        def make():
            params = [np.ones(3, np.float32)]
            opt = cls(params, **with_every_state(cls))
            opt.step([np.ones(3, np.float32)])
            saved = opt.state_dict()
            name = _first_state_name(saved)
            saved["state"][0][name] = np.full(3, 1e300)  # finite, but not as float32
            return Call(lambda: opt.load_state_dict(saved), params, opt)

        return Case(f"{cls.__name__}-load-{label}", make, error, fragment)
    return Case(f"{cls.__name__}-load-{label}", _load_call(cls, edit), error, fragment)


_CONSTRUCT_CASES = [
    ("params-int", lambda: 5, {}, TypeError, "params: expected a list"),
    ("params-str", lambda: "w", {}, TypeError, "params: expected a list"),
    ("params-array", lambda: np.ones(3), {}, TypeError, "wrap it in a list"),
    ("params-empty", lambda: [], {}, ValueError, "params is an empty list"),
    ("params-mixed", lambda: [np.ones(2), {"params": [np.ones(2)]}], {}, TypeError, "a mix"),
    ("param-list", lambda: [[1.0, 2.0]], {}, TypeError, "params[0]: expected a numpy.ndarray"),
    ("param-int", lambda: [np.arange(3)], {}, TypeError, "expected dtype float32 or float64"),
    ("param-big-endian", lambda: [_big_endian(np.ones(3))], {}, TypeError, "byte order"),
    ("param-masked", lambda: [np.ma.array([1.0, 2.0], mask=[0, 1])], {}, TypeError, "MaskedArray"),
    ("param-read-only", lambda: [_read_only(np.ones(3))], {}, ValueError, "writeable"),
    ("param-strided", lambda: [np.ones(6)[::2]], {}, ValueError, "C-contiguous"),
    ("param-twice", None, {}, ValueError, "params[0] and params[1]: expected separate arrays"),
    ("param-and-view", None, {}, ValueError, "share memory"),
    ("param-overlapping-views", None, {}, ValueError, "share memory"),
    ("lr-str", lambda: [np.ones(2)], {"lr": "0.1"}, TypeError, "lr must be a real number"),
    (
        "lr-negative",
        lambda: [np.ones(2)],
        {"lr": -0.1},
        ValueError,
        "lr must be a finite number >= 0",
    ),
    (
        "lr-nan",
        lambda: [np.ones(2)],
        {"lr": math.nan},
        ValueError,
        "lr must be a finite number >= 0",
    ),
    (
        "weight_decay-str",
        lambda: [np.ones(2)],
        {"weight_decay": "0"},
        TypeError,
        "weight_decay must be a real number",
    ),
    (
        "maximize-str",
        lambda: [np.ones(2)],
        {"maximize": "no"},
        TypeError,
        "maximize must be True or False",
    ),
    (
        "schedule-int",
        lambda: [np.ones(2)],
        {"schedule": 5},
        TypeError,
        "schedule: expected None or a callable",
    ),
    (
        "check_finite-str",
        lambda: [np.ones(2)],
        {"check_finite": "yes"},
        TypeError,
        "check_finite must be True or False",
    ),
    (
        "group-unknown-key",
        lambda: [{"params": [np.ones(2)], "foo": 1}],
        {},
        ValueError,
        "unknown keys ['foo']",
    ),
    ("group-params-int", lambda: [{"params": 3}], {}, TypeError, 'param_group["params"]'),
    (
        "group-schedule-str",
        lambda: [{"params": [np.ones(2)], "schedule": "cosine"}],
        {},
        TypeError,
        'param_group["schedule"]',
    ),
]


def _construct_case(cls, label, params, hyper, error, fragment):
    if label == "param-twice":

        def params():
            w = np.ones(3)
            return [w, w]
    elif label == "param-and-view":

        def params():
            w = np.ones(3)
            return [w, w[:]]
    elif label == "param-overlapping-views":

        def params():
            w = np.ones(6)
            return [w[:4], w[3:]]

    return Case(
        f"{cls.__name__}-init-{label}", _construct_call(cls, params, **hyper), error, fragment
    )


_BETAS_CASES = [
    ("betas-str", {"betas": "ab"}, TypeError, "betas: expected a pair"),
    ("betas-one", {"betas": (0.9,)}, TypeError, "betas: expected a pair"),
    ("betas-strs", {"betas": ("a", "b")}, TypeError, "betas[0] must be a real number"),
    ("betas-1", {"betas": (0.9, 1.0)}, ValueError, "beta2 must be in [0, 1)"),
]

OPTIM_CASES = (
    [_construct_case(cls, *row) for cls in _CLASSES for row in _CONSTRUCT_CASES]
    + [
        Case(
            f"{cls.__name__}-init-{label}",
            _construct_call(cls, lambda: [np.ones(2)], **hyper),
            error,
            fragment,
        )
        for cls in _CLASSES
        if "betas" in cls._hyperparameters
        for label, hyper, error, fragment in _BETAS_CASES
        if not (cls is optim.Lion and label == "betas-1")  # Lion's beta2 may be 1
    ]
    + [_step_case(cls, *row) for cls in _CLASSES for row in _STEP_CASES]
    + [_nan_grad_with_check(cls) for cls in _CLASSES]
    + [_param_made_overlapping(cls) for cls in _CLASSES]
    + [
        _bad_schedule_value(cls, value, error, fragment, label)
        for cls in _CLASSES
        for label, value, error, fragment in [
            ("negative", -1.0, ValueError, "param_groups[0]: schedule(2) must be a finite"),
            ("nan", math.nan, ValueError, "param_groups[0]: schedule(2) must be a finite"),
            ("str", "0.1", TypeError, "param_groups[0]: schedule(2) must be a real number"),
        ]
    ]
    + [
        Case(
            f"{cls.__name__}-group-{key}-{value!r}", _group_change(cls, key, value), error, fragment
        )
        for cls in _CLASSES
        for key, value, error, fragment in [
            ("lr", -1.0, ValueError, "param_groups[0]: lr must be a finite number >= 0"),
            ("lr", "0.1", TypeError, "param_groups[0]: lr must be a real number"),
            ("maximize", "yes", TypeError, "maximize must be True or False"),
            ("lr", True, TypeError, "param_groups[0]: lr must be a real number, got bool"),
            ("weight_decay", math.nan, ValueError, "weight_decay must be a finite number >= 0"),
            ("foo", 1, ValueError, "param_groups[0]: unknown keys ['foo']"),
            (
                "schedule",
                5,
                TypeError,
                'param_groups[0]["schedule"]: expected None or a callable',
            ),
        ]
    ]
    + [
        Case(f"{cls.__name__}-group-{key}-deleted", _group_deleted(cls, key), error, fragment)
        for cls in _CLASSES
        for key, error, fragment in [
            ("lr", ValueError, "param_groups[0]: the entries ['lr'] are missing"),
            ("schedule", ValueError, "param_groups[0]: the entries ['schedule'] are missing"),
            ("params", ValueError, "param_groups[0]: the entries ['params'] are missing"),
        ]
    ]
    + [
        Case(
            f"{cls.__name__}-group-params-{label}",
            _group_params_replaced(cls, value),
            error,
            fragment,
        )
        for cls in _CLASSES
        for label, value, error, fragment in [
            (
                "None",
                None,
                TypeError,
                'param_groups[0]["params"]: expected an array or a list of arrays, got NoneType',
            ),
            ("int", 3, TypeError, 'param_groups[0]["params"]: expected an array or a list'),
        ]
    ]
    + [case for cls in _CLASSES for case in _special_step_cases(cls)]
    + [
        _load_case(cls, *row)
        for cls in _CLASSES
        for row in _LOAD_CASES
        if not (cls in (optim.SGD, optim.Lion) and row[0] == "second-moment-negative")
    ]
    + [
        Case(
            f"{cls.__name__}-load-foreign",
            _load_call(cls, _foreign(cls)),
            ValueError,
            "cannot be loaded into",
        )
        for cls in _CLASSES
    ]
    + [
        Case(
            f"{cls.__name__}-load-foreign-unlabelled",
            _load_call(cls, _foreign_unlabelled(cls)),
            ValueError,
            "unknown keys",
        )
        for cls in _CLASSES
    ]
)


# ---------------------------------------------------------------------- clipping


def _clip_call(make_grads, function="norm", **kwargs):
    def make():
        grads = make_grads()
        arrays = (
            grads if isinstance(grads, list) else [grads] if isinstance(grads, np.ndarray) else []
        )
        arrays = [a for a in arrays if isinstance(a, np.ndarray)]
        if function == "norm":
            kwargs.setdefault("max_norm", 1.0)
            return Call(lambda: clipping.clip_grad_norm(grads, **kwargs), arrays)
        kwargs.setdefault("clip_value", 0.5)
        return Call(lambda: clipping.clip_grad_value(grads, **kwargs), arrays)

    return make


def _same_twice():
    g = np.array([3.0, 4.0])
    return [g, g]


def _overlapping_views():
    g = np.arange(6.0)
    return [g[:4], g[2:]]


_CLIP_ARRAY_CASES = [
    (
        "big-endian",
        lambda: [np.array([3.0, 4.0], ">f8" if np.little_endian else "<f8")],
        TypeError,
        "byte order",
    ),
    ("same-twice", _same_twice, ValueError, "grads[0] and grads[1]: expected separate arrays"),
    ("overlapping-views", _overlapping_views, ValueError, "share memory"),
    ("masked", lambda: [np.ma.array([3.0, 4.0], mask=[1, 0])], TypeError, "MaskedArray"),
    ("read-only", lambda: [_read_only(np.array([3.0, 4.0]))], ValueError, "writeable"),
    ("int", lambda: [np.array([3, 4])], TypeError, "float64 or float32"),
    ("strided", lambda: [np.arange(6.0)[::2]], ValueError, "C-contiguous"),
    ("not-a-list", lambda: 5, TypeError, "grads must be a numpy.ndarray or a list"),
    ("list-of-lists", lambda: [[3.0, 4.0]], TypeError, "grads[0]: expected a numpy.ndarray"),
]

CLIP_CASES = (
    [
        Case(f"clip_grad_{function}-{label}", _clip_call(make, function), error, fragment)
        for function in ("norm", "value")
        for label, make, error, fragment in _CLIP_ARRAY_CASES
    ]
    + [
        Case(
            f"clip_grad_norm-{label}",
            _clip_call(lambda: [np.array([3.0, 4.0])], **kw),
            error,
            fragment,
        )
        for label, kw, error, fragment in [
            ("max_norm-str", {"max_norm": "1"}, TypeError, "max_norm must be a real number"),
            ("max_norm-negative", {"max_norm": -1.0}, ValueError, "max_norm"),
            ("max_norm-nan", {"max_norm": math.nan}, ValueError, "max_norm"),
            ("norm_type-str", {"norm_type": "two"}, ValueError, "norm_type must be"),
            ("norm_type-0", {"norm_type": 0.0}, ValueError, "norm_type"),
            ("norm_type-None", {"norm_type": None}, TypeError, "norm_type must be a real"),
            (
                "error_if_nonfinite-str",
                {"error_if_nonfinite": "yes"},
                TypeError,
                "error_if_nonfinite must be True or False",
            ),
        ]
    ]
    + [
        Case(
            "clip_grad_norm-nonfinite",
            _clip_call(lambda: [np.array([np.inf, 1.0])], error_if_nonfinite=True),
            FloatingPointError,
            "cannot be clipped",
        )
    ]
    + [
        Case(
            f"clip_grad_value-{label}",
            _clip_call(lambda: [np.array([3.0, 4.0])], "value", clip_value=value),
            error,
            fragment,
        )
        for label, value, error, fragment in [
            ("str", "1", TypeError, "clip_value must be a real number"),
            ("negative", -1.0, ValueError, "clip_value"),
            ("nan", math.nan, ValueError, "clip_value"),
            ("None", None, TypeError, "clip_value must be a real number"),
        ]
    ]
)


# ---------------------------------------------------------------------- functions, check_grad


def _plain(run, *arrays):
    return lambda: Call(run, list(arrays))


def _x_call(landscape, x, method="__call__"):
    def make():
        value = x() if callable(x) else x
        arrays = [value] if isinstance(value, np.ndarray) else []
        return Call(lambda: getattr(landscape, method)(value), arrays)

    return make


def _check_grad_call(fun, jac, x0, **kw):
    def make():
        point = x0() if callable(x0) else x0
        arrays = [point] if isinstance(point, np.ndarray) else []
        return Call(lambda: functions.check_grad(fun, jac, point, **kw), arrays)

    return make


_sphere = functions.sphere

FUNCTION_CASES = (
    [
        Case(
            f"{cls.__name__}-dim-{label}",
            _plain(lambda cls=cls, value=value: cls(value)),
            error,
            fragment,
        )
        for cls in (functions.Sphere, functions.Rosenbrock, functions.Rastrigin, functions.Ackley)
        for label, value, error, fragment in [
            ("negative", -1, ValueError, "dim must be an int in [0, "),
            ("float", 1.5, TypeError, "dim must be an int, got float"),
            ("str", "2", TypeError, "dim must be an int, got str"),
            ("bool", True, TypeError, "dim must be an int, got bool"),
            ("huge", 2**64, ValueError, "dim must be an int in [0, "),
            ("zero", 0, ValueError, "dim must be >= "),
        ]
    ]
    + [
        Case(
            "IllConditionedQuadratic-condition-str",
            _plain(lambda: functions.IllConditionedQuadratic(2, "x")),
            TypeError,
            "condition must be a real number",
        ),
        Case(
            "IllConditionedQuadratic-condition-small",
            _plain(lambda: functions.IllConditionedQuadratic(2, 0.5)),
            ValueError,
            "condition must be",
        ),
    ]
    + [
        Case(f"landscape-{method}-{label}", _x_call(_sphere, x, method), error, fragment)
        for method in ("__call__", "grad", "value_and_grad")
        for label, x, error, fragment in [
            ("masked", lambda: np.ma.array([1.0, 2.0], mask=[0, 1]), TypeError, "MaskedArray"),
            ("strings", lambda: np.array(["a", "b"]), TypeError, "expected real numbers"),
            ("wrong-length", lambda: np.ones(3), ValueError, "expected shape (2,)"),
            ("scalar", 1.0, ValueError, "expected shape (2,)"),
            ("empty", lambda: np.ones((0,)), ValueError, "expected shape (2,)"),
        ]
    ]
    + [
        Case(f"check_grad-{label}", _check_grad_call(*args, **kw), error, fragment)
        for label, args, kw, error, fragment in [
            (
                "nan-jac",
                (_sphere, lambda x: np.full(2, np.nan), lambda: np.array([1.0, 2.0])),
                {},
                ValueError,
                "jac(x0) holds NaN or infinity",
            ),
            (
                "nan-fun",
                (lambda x: np.nan, _sphere.grad, lambda: np.array([1.0, 2.0])),
                {},
                ValueError,
                "the finite differences of fun hold",
            ),
            ("x0-None", (_sphere, _sphere.grad, None), {}, TypeError, "x0: expected an array"),
            (
                "x0-empty",
                (_sphere, _sphere.grad, []),
                {},
                ValueError,
                "x0 must have at least one element",
            ),
            (
                "x0-2d",
                (_sphere, _sphere.grad, lambda: np.ones((2, 2))),
                {},
                ValueError,
                "x0 must be 1-D",
            ),
            ("x0-str", (_sphere, _sphere.grad, "12"), {}, TypeError, "x0: expected an array"),
            (
                "x0-strings",
                (_sphere, _sphere.grad, ["a", "b"]),
                {},
                TypeError,
                "x0: expected real numbers",
            ),
            (
                "x0-ragged",
                (_sphere, _sphere.grad, [[1.0], [1.0, 2.0]]),
                {},
                ValueError,
                "x0: expected an array-like",
            ),
            (
                "x0-nan",
                (_sphere, _sphere.grad, lambda: np.array([np.nan, 1.0])),
                {},
                ValueError,
                "x0: expected finite numbers",
            ),
            (
                "x0-masked",
                (_sphere, _sphere.grad, lambda: np.ma.array([1.0, 2.0])),
                {},
                TypeError,
                "MaskedArray",
            ),
            (
                "eps-negative",
                (_sphere, _sphere.grad, lambda: np.ones(2)),
                {"eps": -1.0},
                ValueError,
                "eps must be a finite number > 0",
            ),
            (
                "eps-str",
                (_sphere, _sphere.grad, lambda: np.ones(2)),
                {"eps": "1e-6"},
                TypeError,
                "eps must be a real number",
            ),
            (
                "jac-shape",
                (_sphere, lambda x: np.ones(3), lambda: np.ones(2)),
                {},
                ValueError,
                "jac must return an array of shape (2,)",
            ),
            (
                "fun-not-callable",
                (3, _sphere.grad, lambda: np.ones(2)),
                {},
                TypeError,
                "must be callable",
            ),
        ]
    ]
)


# ---------------------------------------------------------------------- minimize


def _minimize_call(x0=lambda: np.array([1.0, 2.0]), fun=_sphere, **kw):
    def make():
        point = x0() if callable(x0) else x0
        arrays = [point] if isinstance(point, np.ndarray) else []
        return Call(lambda: descend.minimize(fun, point, **kw), arrays)

    return make


MINIMIZE_CASES = [
    Case(f"minimize-{label}", _minimize_call(**kw), error, fragment)
    for label, kw, error, fragment in [
        (
            "option-unknown",
            {"options": {"foo": 1}},
            TypeError,
            "options: foo is not a hyperparameter of Adam",
        ),
        (
            "max_iter-2**64",
            {"options": {"max_iter": 2**64}},
            ValueError,
            "options['max_iter'] must be an int in [0, ",
        ),
        (
            "max_iter-negative",
            {"options": {"max_iter": -1}},
            ValueError,
            "options['max_iter'] must be an int",
        ),
        (
            "max_iter-float",
            {"options": {"max_iter": 10.0}},
            TypeError,
            "options['max_iter'] must be an int, got float",
        ),
        (
            "max_iter-bool",
            {"options": {"max_iter": True}},
            TypeError,
            "options['max_iter'] must be an int, got bool",
        ),
        ("lr-str", {"options": {"lr": "0.1"}}, TypeError, "options: lr must be a real number"),
        ("lr-negative", {"options": {"lr": -0.1}}, ValueError, "lr must be a finite number >= 0"),
        (
            "beta1-str",
            {"options": {"beta1": "x"}},
            TypeError,
            "options: beta1 must be a real number",
        ),
        (
            "amsgrad-str",
            {"options": {"amsgrad": "yes"}},
            TypeError,
            "options: amsgrad must be True or False",
        ),
        (
            "record_path-str",
            {"options": {"record_path": "yes"}},
            TypeError,
            "options['record_path'] must be True or False",
        ),
        ("options-list", {"options": [("lr", 0.1)]}, TypeError, "options must be a dict"),
        (
            "on_nonfinite-unknown",
            {"options": {"on_nonfinite": "ignore"}},
            ValueError,
            "options['on_nonfinite'] must be one of 'stop', 'skip', 'raise', got 'ignore'",
        ),
        (
            "on_nonfinite-None",
            {"options": {"on_nonfinite": None}},
            ValueError,
            "options['on_nonfinite'] must be one of",
        ),
        (
            "on_nonfinite-list",
            {"options": {"on_nonfinite": ["skip"]}},
            ValueError,
            "options['on_nonfinite'] must be one of",
        ),
        ("method-unknown", {"method": "lbfgs"}, ValueError, "method must be one of"),
        ("method-int", {"method": 3}, ValueError, "method must be one of"),
        ("tol-negative", {"tol": -1.0}, ValueError, "tol must be None or a finite number"),
        ("gtol-str", {"options": {"gtol": "small"}}, TypeError, "options['gtol'] must be None"),
        ("gtol-bool", {"options": {"gtol": True}}, TypeError, "options['gtol'] must be None"),
        ("tol-bool", {"tol": True}, TypeError, "tol must be None or a finite number"),
        (
            "clip_norm-0",
            {"options": {"clip_norm": 0.0}},
            ValueError,
            "options['clip_norm'] must be",
        ),
        ("clip_norm-bool", {"options": {"clip_norm": True}}, TypeError, "options['clip_norm']"),
        (
            "schedule-callable",
            {"options": {"schedule": lambda t: 0.1}},
            TypeError,
            "options['schedule'] must be a descend.schedules object",
        ),
        (
            "lr-and-schedule",
            {"options": {"lr": 0.1, "schedule": schedules.Constant(0.1)}},
            ValueError,
            "give lr or schedule, not both",
        ),
        ("callback-int", {"callback": 3}, TypeError, "callback must be callable"),
        ("jac-str", {"jac": "2-point", "fun": lambda x: float(x @ x)}, TypeError, "jac must be"),
        ("fun-not-callable", {"fun": 3}, TypeError, "fun must be callable"),
        ("maximize", {"options": {"maximize": True}}, ValueError, "'maximize' is not supported"),
        ("x0-None", {"x0": None}, TypeError, "x0: expected an array-like"),
        ("x0-empty", {"x0": []}, ValueError, "x0 must have at least one element"),
        ("x0-2d", {"x0": lambda: np.ones((2, 2))}, ValueError, "x0 must be 1-D"),
        ("x0-strings", {"x0": ["a", "b"]}, TypeError, "x0: expected real numbers"),
        (
            "x0-masked",
            {"x0": lambda: np.ma.array([1.0, 2.0], mask=[0, 1])},
            TypeError,
            "MaskedArray",
        ),
        ("x0-wrong-length", {"x0": lambda: np.ones(3)}, ValueError, "x0: expected 2 values"),
        ("x0-inf", {"x0": lambda: np.array([np.inf, 1.0])}, ValueError, "x0: expected finite"),
        ("x0-nan", {"x0": lambda: np.array([1.0, np.nan])}, ValueError, "x0: expected finite"),
        (
            "fun-returns-str",
            {"fun": lambda x: "1.0", "jac": lambda x: 2 * x},
            TypeError,
            "fun must return a real number, got str '1.0'",
        ),
        (
            "fun-returns-complex",
            {"fun": lambda x: complex(x @ x), "jac": lambda x: 2 * x},
            TypeError,
            "fun must return a real number, got complex",
        ),
        (
            "fun-returns-None",
            {"fun": lambda x: None, "jac": lambda x: 2 * x},
            TypeError,
            "fun must return a real number, got NoneType",
        ),
        (
            "jac-returns-str",
            {"fun": lambda x: float(x @ x), "jac": lambda x: "ab"},
            TypeError,
            "jac must return an array of 2 real numbers, got str",
        ),
    ]
]


# ---------------------------------------------------------------------- schedules

_SCHEDULE_INSTANCES = [
    schedules.Constant(0.1),
    schedules.InverseTime(5.0, 50.0),
    schedules.InvScaling(0.01, 0.25),
    schedules.StepDecay(0.1, 10, 0.5),
    schedules.Exponential(0.1, 0.99),
    schedules.Cosine(0.1, 100, 0.0),
    schedules.LinearWarmup(schedules.Cosine(0.1, 100, 0.0), 10),
    schedules.ReduceOnPlateau(0.1),
]

SCHEDULE_CASES = [
    Case(f"{type(s).__name__}-call-{label}", _plain(lambda s=s, t=t: s(t)), error, fragment)
    for s in _SCHEDULE_INSTANCES
    for label, t, error, fragment in [
        ("negative", -1, ValueError, "t must be a step count >= 0"),
        ("float", 1.5, TypeError, "t must be a step count (an int >= 0), got float"),
        ("str", "1", TypeError, "t must be a step count (an int >= 0), got str"),
        ("bool", True, TypeError, "t must be a step count (an int >= 0), got bool"),
        ("None", None, TypeError, "t must be a step count (an int >= 0), got NoneType"),
    ]
] + [
    Case(f"schedule-init-{label}", _plain(make), error, fragment)
    for label, make, error, fragment in [
        ("Constant-str", lambda: schedules.Constant("0.1"), TypeError, "lr must be a real number"),
        (
            "Constant-negative",
            lambda: schedules.Constant(-1.0),
            ValueError,
            "lr must be a finite number >= 0",
        ),
        ("Constant-nan", lambda: schedules.Constant(math.nan), ValueError, "lr must be"),
        ("Constant-bool", lambda: schedules.Constant(True), TypeError, "lr must be a real number"),
        ("InverseTime-zero", lambda: schedules.InverseTime(0.0, 1.0), ValueError, "got 0.0"),
        (
            "StepDecay-float-size",
            lambda: schedules.StepDecay(0.1, 1.5, 0.5),
            TypeError,
            "step_size must be an int",
        ),
        (
            "Cosine-T_max-0",
            lambda: schedules.Cosine(0.1, 0, 0.0),
            ValueError,
            "T_max must be >= 1, got 0",
        ),
        (
            "Exponential-gamma-2",
            lambda: schedules.Exponential(0.1, 2.0),
            ValueError,
            "gamma must be",
        ),
        (
            "LinearWarmup-negative",
            lambda: schedules.LinearWarmup(0.1, -1),
            ValueError,
            "warmup_steps must be",
        ),
        (
            "LinearWarmup-callable",
            lambda: schedules.LinearWarmup(lambda t: 0.1, 10),
            TypeError,
            "schedule must be",
        ),
        (
            "ReduceOnPlateau-factor-1",
            lambda: schedules.ReduceOnPlateau(0.1, factor=1.0),
            ValueError,
            "factor must be",
        ),
        (
            "ReduceOnPlateau-patience-float",
            lambda: schedules.ReduceOnPlateau(0.1, patience=1.5),
            TypeError,
            "patience must be an int",
        ),
        (
            "Constant-load-state",
            lambda: schedules.Constant(0.1).load_state_dict({"x": 1}),
            ValueError,
            "has no state",
        ),
    ]
]


def _plateau_call(change, schedule=lambda: schedules.ReduceOnPlateau(0.1, patience=0)):
    """change(s) on the schedule of a stepped optimizer (whose state_dict holds the schedule's
    state: it must not change)."""

    def make():
        w = np.ones(2)
        opt = optim.Adam([w], schedule=schedule())
        opt.step([np.ones(2)])
        opt.param_groups[0]["schedule"].step(1.0)
        return Call(lambda: change(opt.param_groups[0]["schedule"]), [w], opt)

    return make


_WARMED_PLATEAU = lambda: schedules.LinearWarmup(schedules.ReduceOnPlateau(0.1), 2)  # noqa: E731

SCHEDULE_CASES += [
    Case(f"schedule-state-{label}", _plateau_call(change, *schedule), error, fragment)
    for label, change, schedule, error, fragment in [
        ("plateau-nan-loss", lambda s: s.step(math.nan), (), ValueError, "got NaN"),
        ("plateau-str-loss", lambda s: s.step("1"), (), TypeError, "loss must be a real number"),
        ("plateau-None-loss", lambda s: s.step(None), (), TypeError, "got NoneType"),
        ("plateau-bool-loss", lambda s: s.step(True), (), TypeError, "got bool"),
        (
            "plateau-load-unknown-key",
            lambda s: s.load_state_dict({"x": 1}),
            (),
            ValueError,
            "state: expected the keys ['best', 'cooldown_counter', 'num_bad_epochs', 'scale',",
        ),
        (
            "plateau-load-empty",
            lambda s: s.load_state_dict({}),
            (),
            ValueError,
            "of a ReduceOnPlateau state_dict(), got []",
        ),
        (
            "plateau-load-not-a-dict",
            lambda s: s.load_state_dict([1]),
            (),
            TypeError,
            "state: expected the dict of a ReduceOnPlateau state_dict()",
        ),
        (
            "plateau-load-nested-unknown-key",
            lambda s: s.load_state_dict({**s.state_dict(), "schedule": {"x": 1}}),
            (),
            ValueError,
            "Constant has no state",
        ),
        (
            "warmup-load-unknown-key",
            lambda s: s.load_state_dict({"x": 1}),
            (_WARMED_PLATEAU,),
            ValueError,
            "of a LinearWarmup state_dict(), got ['x']",
        ),
        (
            "warmup-nan-loss",
            lambda s: s.step(math.nan),
            (_WARMED_PLATEAU,),
            ValueError,
            "got NaN",
        ),
    ]
] + [
    Case(f"schedule-init-{label}", _plain(make), ValueError, "below 2**63")
    for label, make in [
        ("StepDecay-step_size-2**70", lambda: schedules.StepDecay(0.1, 2**70, 0.5)),
        ("Cosine-T_max-2**63", lambda: schedules.Cosine(0.1, 2**63, 0.0)),
        ("ReduceOnPlateau-patience-2**64", lambda: schedules.ReduceOnPlateau(0.1, patience=2**64)),
    ]
]

# ---------------------------------------------------------------------- estimators


def _estimator_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 2))
    return {
        "X": X,
        "y": X @ np.array([1.0, 2.0]),
        "labels": np.array([0, 1, 0, 1, 0, 1]),
        "sample_weight": None,
    }


def _csr(edit):
    def make(data):
        sparse = pytest.importorskip("scipy.sparse")
        X = sparse.csr_matrix(
            np.array([[1.0, 2.0], [3.0, 0.0], [0.0, 4.0], [1.0, 1.0], [2.0, 0.0], [0.0, 3.0]])
        )
        edit(X)
        return X

    return make


def _swap_first_two_columns(X):
    X.indices[0], X.indices[1] = X.indices[1], X.indices[0]
    X.has_sorted_indices = False


def _column_out_of_range(X):
    X.indices[1] = 5


def _fit_call(cls, params=None, target="y", **changes):
    """A Call of cls(**params).fit(X, y[, sample_weight]) on fresh data after `changes`
    (name -> value, or a function of the data dict)."""

    def make():
        data = _estimator_data()
        for key, value in changes.items():
            data[key] = value(data) if callable(value) else value
        estimator = cls(**(params or {}))
        y = data[target]
        arrays = [a for a in (data["X"], y, data["sample_weight"]) if isinstance(a, np.ndarray)]
        if hasattr(data["X"], "indices"):
            arrays += [data["X"].data, data["X"].indices, data["X"].indptr]

        def run():
            if data["sample_weight"] is None:
                return estimator.fit(data["X"], y)
            return estimator.fit(data["X"], y, sample_weight=data["sample_weight"])

        return Call(run, arrays, estimator=estimator)

    return make


def _with_nan(key, index):
    def edit(data):
        values = data[key].astype(np.float64)
        values[index] = np.nan
        return values

    return edit


# Refused alike by both estimators.
_SHARED_CASES = [
    ("sample_weight-negative", {}, {"sample_weight": lambda d: -np.ones(6)}, ValueError,
     "sample_weight must be non-negative"),
    ("sample_weight-all-zero", {}, {"sample_weight": lambda d: np.zeros(6)}, ValueError,
     "sample_weight must not be all zero"),
    ("X-csr-unsorted", {}, {"X": _csr(_swap_first_two_columns)}, ValueError,
     "X.indices: expected column indices sorted within each row"),
    ("X-csr-out-of-range", {}, {"X": _csr(_column_out_of_range)}, ValueError,
     "X.indices: expected column indices in [0, 2), got 5"),
]  # fmt: skip

_REGRESSION_CASES = [
    ("X-nan", {}, {"X": _with_nan("X", (1, 1))}, ValueError, "X contains NaN or infinity"),
    (
        "X-inf",
        {},
        {"X": lambda d: np.where(d["X"] > 1, np.inf, d["X"])},
        ValueError,
        "X contains NaN or infinity",
    ),
    ("y-nan", {}, {"y": _with_nan("y", 2)}, ValueError, "y contains NaN or infinity"),
    ("y-short", {}, {"y": lambda d: d["y"][:5]}, ValueError, "y has 5 entries but X has 6 samples"),
    ("y-2d", {}, {"y": lambda d: np.ones((6, 2))}, ValueError, "y must be 1-D"),
    (
        "sample_weight-short",
        {},
        {"sample_weight": lambda d: np.ones(5)},
        ValueError,
        "sample_weight has 5 entries but X has 6 samples",
    ),
    (
        "sample_weight-nan",
        {},
        {"sample_weight": lambda d: np.full(6, np.nan)},
        ValueError,
        "sample_weight contains NaN or infinity",
    ),
    (
        "loss-unknown",
        {"loss": "hinge"},
        {},
        ValueError,
        "loss must be one of 'squared_error', 'huber', got 'hinge'",
    ),
    (
        "penalty-unknown",
        {"penalty": "l3"},
        {},
        ValueError,
        "penalty must be one of None, 'l2', 'l1', 'elasticnet', got 'l3'",
    ),
    ("optimizer-unknown", {"optimizer": "bfgs"}, {}, ValueError, "optimizer must be one of"),
    (
        "X-3d",
        {},
        {"X": lambda d: d["X"].reshape(6, 2, 1)},
        ValueError,
        "X must be a 2-D array of shape (n_samples, n_features), got 3-D",
    ),
    ("X-1d", {}, {"X": lambda d: d["X"][:, 0]}, ValueError, "got 1-D with shape (6,)"),
    (
        "X-strings",
        {},
        {"X": lambda d: np.full((6, 2), "a")},
        ValueError,
        "X must hold real numbers",
    ),
    (
        "X-complex",
        {},
        {"X": lambda d: d["X"].astype(complex)},
        ValueError,
        "Complex data not supported",
    ),
    (
        "X-no-rows",
        {},
        {"X": lambda d: np.zeros((0, 2)), "y": lambda d: np.zeros(0)},
        ValueError,
        "X has 0 samples",
    ),
]

_CLASSIFICATION_CASES = [
    ("X-nan", {}, {"X": _with_nan("X", (0, 0))}, ValueError, "X contains NaN or infinity"),
    ("y-nan", {}, {"labels": _with_nan("labels", 3)}, ValueError, "y contains NaN or infinity"),
    (
        "y-one-class",
        {},
        {"labels": lambda d: np.zeros(6)},
        ValueError,
        "needs samples of at least 2 classes; y has 1 class",
    ),
    (
        "y-short",
        {},
        {"labels": lambda d: d["labels"][:5]},
        ValueError,
        "y has 5 entries but X has 6 samples",
    ),
    (
        "y-continuous",
        {},
        {"labels": lambda d: d["y"]},
        ValueError,
        "Unknown label type: continuous",
    ),
    (
        "penalty-unknown",
        {"penalty": "none"},
        {},
        ValueError,
        "penalty must be one of None, 'l2', 'l1', 'elasticnet', got 'none'",
    ),
    ("X-3d", {}, {"X": lambda d: d["X"].reshape(6, 1, 2)}, ValueError, "got 3-D"),
]

ESTIMATOR_CASES = [
    Case(
        f"LinearRegression-{label}",
        _fit_call(descend.LinearRegression, params, **changes),
        error,
        fragment,
    )
    for label, params, changes, error, fragment in _REGRESSION_CASES + _SHARED_CASES
] + [
    Case(
        f"LogisticRegression-{label}",
        _fit_call(descend.LogisticRegression, params, target="labels", **changes),
        error,
        fragment,
    )
    for label, params, changes, error, fragment in _CLASSIFICATION_CASES + _SHARED_CASES
]

ALL_CASES = (
    KERNEL_CASES
    + OPTIM_CASES
    + CLIP_CASES
    + FUNCTION_CASES
    + MINIMIZE_CASES
    + SCHEDULE_CASES
    + ESTIMATOR_CASES
)


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.id for case in ALL_CASES])
def test_hostile_input_is_refused_and_changes_nothing(case):
    check(case)


def test_the_case_ids_are_unique():
    ids = [case.id for case in ALL_CASES]
    assert len(ids) == len(set(ids))


def test_a_finite_y_that_overflows_float32_is_refused_by_name():
    X = np.ones((6, 2), dtype=np.float32)
    y = np.full(6, 1e300)
    with pytest.raises(ValueError, match="y: .*float32"):
        descend.LinearRegression().fit(X, y)


# ---------------------------------------------------------------------- the estimators' messages
_RNG_MESSAGES = np.random.default_rng(0)
_X_MESSAGES = _RNG_MESSAGES.standard_normal((20, 2))
_Y_MESSAGES = (_X_MESSAGES[:, 0] > 0).astype(int)


def test_class_weights_that_leave_no_class_say_none_is_left():
    model = descend.LogisticRegression(class_weight={0: 0, 1: 0})
    with pytest.raises(ValueError, match=r"the weights leave 0 classes: \[\]"):
        model.fit(_X_MESSAGES, _Y_MESSAGES)


def test_warm_start_with_other_classes_names_the_classes():
    model = descend.LogisticRegression(warm_start=True).fit(_X_MESSAGES, _Y_MESSAGES)
    with pytest.raises(ValueError, match=r"has classes \[0, 1\], this data has \['a', 'b'\]"):
        model.fit(_X_MESSAGES, np.where(_Y_MESSAGES, "b", "a"))


@pytest.mark.parametrize("optimizer", [None, 3, ["adam"]])
def test_an_optimizer_of_another_type_gets_the_estimators_list_of_choices(optimizer):
    with pytest.raises(ValueError, match=r"optimizer must be one of 'auto', .*'lbfgs'"):
        descend.LinearRegression(optimizer=optimizer).fit(_X_MESSAGES, _Y_MESSAGES)


def test_a_numpy_float_nan_among_object_labels_is_called_nan():
    y = np.array([np.float32("nan")] + [0, 1] * 9 + [1], dtype=object)
    with pytest.raises(ValueError, match="y contains NaN"):
        descend.LogisticRegression().fit(_X_MESSAGES, y)


def test_sample_weights_that_underflow_float32_are_told_so():
    with pytest.raises(ValueError, match=r"every weight is 0 in float32.*1e-50"):
        descend.LinearRegression().fit(
            _X_MESSAGES.astype(np.float32), _Y_MESSAGES, sample_weight=np.full(20, 1e-50)
        )
    with pytest.raises(ValueError, match="must not be all zero"):
        descend.LinearRegression().fit(_X_MESSAGES, _Y_MESSAGES, sample_weight=np.zeros(20))


def test_labels_of_text_and_of_numbers_are_told_apart_without_comparing_them(monkeypatch):
    # NumPy < 1.25 compares int and str arrays elementwise with a FutureWarning
    from descend import _validation

    def compared(*args: object) -> bool:
        raise AssertionError("text and numbers were compared")

    monkeypatch.setattr(_validation.np, "array_equal", compared)
    assert not _validation.same_labels(np.array([0, 1]), np.array(["a", "b"]))
    assert not _validation.same_labels(np.array(["0", "1"]), np.array([0.0, 1.0]))
    monkeypatch.undo()
    assert _validation.same_labels(np.array(["a", "b"]), np.array(["a", "b"]))
    assert not _validation.same_labels(np.array([0, 1]), np.array([0, 2]))
