"""descend.kernels: every update rule against a float64 NumPy reference written from the
algorithm box of its torch.optim documentation, and every refusal leaving the arrays as they
were."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from descend import _core, kernels

# ---------------------------------------------------------------- references (float64, plain)
# Each takes the parameter, the gradient, a dict of state arrays by the kernel's argument names
# (created on first use, as torch does), t (1 for the first step) and h, the compiled rule
# (its hyperparameters, with the C++ defaults), and returns the new parameter.


def ref_sgd(p, g, s, t, h):
    g = (-g if h.maximize else g) + h.weight_decay * p
    if h.momentum != 0:
        b = g.copy() if t == 1 else h.momentum * s["momentum_buffer"] + (1 - h.dampening) * g
        s["momentum_buffer"] = b
        g = g + h.momentum * b if h.nesterov else b
    return p - h.lr * g


def ref_adagrad(p, g, s, t, h):
    g = (-g if h.maximize else g) + h.weight_decay * p
    clr = h.lr / (1 + (t - 1) * h.lr_decay)
    s["state_sum"] = s.get("state_sum", np.full_like(p, h.initial_accumulator_value)) + g * g
    return p - clr * g / (np.sqrt(s["state_sum"]) + h.eps)


def ref_rmsprop(p, g, s, t, h):
    g = (-g if h.maximize else g) + h.weight_decay * p
    s["square_avg"] = h.alpha * s.get("square_avg", 0.0) + (1 - h.alpha) * g * g
    v = s["square_avg"]
    if h.centered:
        s["grad_avg"] = h.alpha * s.get("grad_avg", 0.0) + (1 - h.alpha) * g
        v = v - s["grad_avg"] ** 2
    d = np.sqrt(v) + h.eps
    if h.momentum > 0:
        s["momentum_buffer"] = h.momentum * s.get("momentum_buffer", 0.0) + g / d
        return p - h.lr * s["momentum_buffer"]
    return p - h.lr * g / d


def moments(p, g, s, h, decoupled):
    """The Adam family's start: g with maximize and L2 decay (or p decayed, when decoupled),
    then the moments m and v (stored); returns p and g."""
    g = -g if h.maximize else g
    if decoupled:
        p = p - h.lr * h.weight_decay * p
    else:
        g = g + h.weight_decay * p
    s["exp_avg"] = h.beta1 * s.get("exp_avg", 0.0) + (1 - h.beta1) * g
    s["exp_avg_sq"] = h.beta2 * s.get("exp_avg_sq", 0.0) + (1 - h.beta2) * g * g
    return p, g


def ref_adam(p, g, s, t, h, decoupled=None):
    p, g = moments(p, g, s, h, h.decoupled_weight_decay if decoupled is None else decoupled)
    v = s["exp_avg_sq"]
    if h.amsgrad:
        s["max_exp_avg_sq"] = v = np.maximum(s.get("max_exp_avg_sq", 0.0), v)
    m_hat, v_hat = s["exp_avg"] / (1 - h.beta1**t), v / (1 - h.beta2**t)
    return p - h.lr * m_hat / (np.sqrt(v_hat) + h.eps)


def ref_adamw(p, g, s, t, h):
    return ref_adam(p, g, s, t, h, decoupled=True)


def ref_nadam(p, g, s, t, h):
    p, g = moments(p, g, s, h, h.decoupled_weight_decay)
    mu = h.beta1 * (1 - 0.5 * 0.96 ** (t * h.momentum_decay))
    mu_next = h.beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * h.momentum_decay))
    s["mu_product"] = s.get("mu_product", 1.0) * mu  # a scalar, as torch keeps it
    m_hat = mu_next * s["exp_avg"] / (1 - s["mu_product"] * mu_next) + (1 - mu) * g / (
        1 - s["mu_product"]
    )
    v_hat = s["exp_avg_sq"] / (1 - h.beta2**t)
    return p - h.lr * m_hat / (np.sqrt(v_hat) + h.eps)


def ref_radam(p, g, s, t, h):
    p, g = moments(p, g, s, h, h.decoupled_weight_decay)
    m_hat = s["exp_avg"] / (1 - h.beta1**t)
    rho_inf = 2 / (1 - h.beta2) - 1
    rho_t = rho_inf - 2 * t * h.beta2**t / (1 - h.beta2**t)
    if rho_t > 5:
        adaptive = math.sqrt(1 - h.beta2**t) / (np.sqrt(s["exp_avg_sq"]) + h.eps)
        rect = math.sqrt(
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        )
        return p - h.lr * m_hat * rect * adaptive
    return p - h.lr * m_hat


def ref_adamax(p, g, s, t, h):
    g = (-g if h.maximize else g) + h.weight_decay * p
    s["exp_avg"] = h.beta1 * s.get("exp_avg", 0.0) + (1 - h.beta1) * g
    s["exp_inf"] = np.maximum(h.beta2 * s.get("exp_inf", 0.0), np.abs(g) + h.eps)
    return p - h.lr / (1 - h.beta1**t) * s["exp_avg"] / s["exp_inf"]


def ref_lion(p, g, s, t, h):
    g = -g if h.maximize else g
    m = s.get("exp_avg", np.zeros_like(p))
    p = (1 - h.lr * h.weight_decay) * p - h.lr * np.sign(h.beta1 * m + (1 - h.beta1) * g)
    s["exp_avg"] = h.beta2 * m + (1 - h.beta2) * g
    return p


# ---------------------------------------------------------------- the rules, from descend
# Every rule with a step kernel: its compiled class, its reference above, and the kernel's
# state arrays (each argument that takes an array, besides param and grad).
STEP_KERNELS = [name.removesuffix("_step") for name in kernels.__all__ if name.endswith("_step")]


def rule_class(name: str) -> type:
    return next(
        c for c in vars(_core).values() if isinstance(c, type) and c.__name__.lower() == name
    )


def state_arguments(name: str) -> list[str]:
    parameters = inspect.signature(getattr(kernels, f"{name}_step")).parameters
    return [
        key
        for key, parameter in parameters.items()
        if key not in ("param", "grad") and "ndarray" in str(parameter.annotation)
    ]


def step_both(name, param, expected, g, state, expected_state, t, hyper):
    """One step of the kernel on (param, state) and of the reference; the reference's result."""
    getattr(kernels, f"{name}_step")(param, g, step=t, **state, **hyper)
    ref = globals()[f"ref_{name}"]
    return ref(expected, g.astype(np.float64), expected_state, t, rule_class(name)(**hyper))


# Several settings of each rule: momentum on/off, nesterov, amsgrad, centered, weight decay,
# maximize, decoupled weight decay, bias-correction regimes.
CASES = [
    ("sgd", dict(lr=0.05)),
    ("sgd", dict(lr=0.05, momentum=0.9)),
    ("sgd", dict(lr=0.02, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    ("sgd", dict(lr=0.02, momentum=0.8, nesterov=True)),
    ("sgd", dict(lr=0.05, weight_decay=0.2, maximize=True)),
    ("sgd", dict(lr=0.02, momentum=0.5, nesterov=True, weight_decay=0.1, maximize=True)),
    ("adagrad", dict(lr=0.1)),
    ("adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1)),
    ("adagrad", dict(lr=0.2, initial_accumulator_value=0.5, eps=1e-3, maximize=True)),
    ("rmsprop", dict(lr=0.01)),
    ("rmsprop", dict(lr=0.01, momentum=0.9)),
    ("rmsprop", dict(lr=0.01, centered=True, alpha=0.9)),
    ("rmsprop", dict(lr=0.005, centered=True, momentum=0.5, weight_decay=0.1)),
    ("rmsprop", dict(lr=0.01, weight_decay=0.05, maximize=True, eps=1e-4)),
    ("adam", dict(lr=0.05)),
    ("adam", dict(lr=0.05, amsgrad=True)),
    ("adam", dict(lr=0.05, beta1=0.5, beta2=0.9, weight_decay=0.1)),
    ("adam", dict(lr=0.05, maximize=True, eps=1e-3)),
    ("adam", dict(lr=0.05, weight_decay=0.2, decoupled_weight_decay=True, amsgrad=True)),
    ("adamw", dict(lr=0.05)),
    ("adamw", dict(lr=0.05, weight_decay=0.5, amsgrad=True, maximize=True)),
    ("nadam", dict(lr=0.05)),
    ("nadam", dict(lr=0.05, weight_decay=0.1)),
    ("nadam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, beta1=0.99)),
    ("nadam", dict(lr=0.05, momentum_decay=0.1, maximize=True, beta2=0.9)),
    ("radam", dict(lr=0.05)),
    ("radam", dict(lr=0.05, weight_decay=0.1)),
    ("radam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("radam", dict(lr=0.05, beta1=0.5, beta2=0.8)),
    ("adamax", dict(lr=0.05)),
    ("adamax", dict(lr=0.05, weight_decay=0.1, beta2=0.9)),
    ("adamax", dict(lr=0.05, maximize=True, eps=1e-3)),
    ("lion", dict(lr=0.01, weight_decay=0.1)),
    ("lion", dict(lr=0.01, beta1=0.5, beta2=0.9, weight_decay=0.5, maximize=True)),
]

CASE_IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]
SHAPE = (6, 5)
STEPS = 200


def gradients(seed: int, n: int = STEPS, shape: tuple[int, ...] = SHAPE) -> np.ndarray:
    """A fixed sequence of gradients: a drift plus noise, so moments do not cancel."""
    rng = np.random.default_rng(seed)
    drift = rng.standard_normal(shape)
    return drift + rng.standard_normal((n, *shape))


def run_both(name: str, hyper: dict, dtype: type, seed: int = 0):
    """200 steps of the kernel (in `dtype`) and of the float64 reference from the same start."""
    rng = np.random.default_rng(seed + 1)
    start = rng.standard_normal(SHAPE).astype(dtype)
    grads = gradients(seed).astype(dtype)
    param = start.copy()
    state = {key: np.zeros(SHAPE, dtype) for key in state_arguments(name)}
    expected, expected_state = start.astype(np.float64), {}
    for t in range(1, STEPS + 1):
        expected = step_both(name, param, expected, grads[t - 1], state, expected_state, t, hyper)
    return start, param, state, expected, expected_state


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_rule_matches_reference_float64_for_200_steps(name, hyper):
    start, param, state, expected, expected_state = run_both(name, hyper, np.float64)
    assert np.abs(param - start).min() > 1e-3, "every parameter must move"
    np.testing.assert_allclose(param, expected, rtol=1e-12, atol=1e-12)
    for key, value in expected_state.items():
        if key != "mu_product":
            np.testing.assert_allclose(state[key], value, rtol=1e-12, atol=1e-12, err_msg=key)


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_rule_matches_reference_float32_for_200_steps(name, hyper):
    _, param, state, expected, expected_state = run_both(name, hyper, np.float32)
    assert param.dtype == np.float32
    assert all(value.dtype == np.float32 for value in state.values())
    np.testing.assert_allclose(param, expected, rtol=1e-5, atol=1e-5)
    for key, value in expected_state.items():
        if key != "mu_product":
            np.testing.assert_allclose(state[key], value, rtol=1e-5, atol=1e-5, err_msg=key)


def test_parameters_move_by_the_expected_amount_in_the_first_adam_step():
    # Adam's first step is lr * sign(g) (m_hat / sqrt(v_hat) = g / |g|) up to eps.
    w = np.array([1.0, -2.0, 3.0])
    m, v = np.zeros(3), np.zeros(3)
    kernels.adam_step(w, np.array([0.5, -4.0, 2.0]), m, v, 1, lr=0.1, eps=1e-12)
    np.testing.assert_allclose(w, [0.9, -1.9, 2.9], rtol=1e-12)


def test_nadam_mu_product_is_the_running_product_of_the_momentum_coefficients():
    for beta1, psi in [(0.9, 4e-3), (0.99, 0.5), (0.0, 4e-3)]:
        rule = _core.NAdam(beta1=beta1, momentum_decay=psi)
        product = 1.0
        for t in range(1, 300):
            product *= beta1 * (1 - 0.5 * 0.96 ** (t * psi))
            # equal while it matters; once below 2**-54, 1 - product is 1.0 either way
            assert rule.mu_product(t) == pytest.approx(product, rel=1e-13, abs=2.0**-54)
            assert 1 - rule.mu_product(t) == pytest.approx(1 - product, rel=1e-15)


def test_radam_switches_to_the_adaptive_step_once_rho_exceeds_5():
    # beta2 = 0.999: rho_t <= 5 for t <= 5, then > 5; the first steps are momentum SGD.
    w, m, v = np.array([1.0]), np.zeros(1), np.zeros(1)
    for t in range(1, 6):
        before = w.copy()
        kernels.radam_step(w, np.array([2.0]), m, v, t, lr=0.1)
        np.testing.assert_allclose(before - w, 0.1 * m / (1 - 0.9**t), rtol=1e-14)


def test_zero_size_arrays_are_stepped_without_error():
    for shape in [(0,), (3, 0)]:
        w, g = np.zeros(shape), np.zeros(shape)
        m, v = np.zeros(shape), np.zeros(shape)
        kernels.adam_step(w, g, m, v, 1)
        assert w.shape == shape


def test_zero_dimensional_arrays_are_stepped():
    w, g, m, v = np.array(1.0), np.array(2.0), np.array(0.0), np.array(0.0)
    kernels.adam_step(w, g, m, v, 1, lr=0.1)
    assert w == pytest.approx(0.9)


# ---------------------------------------------------------------- refusals


def adam_arrays(dtype=np.float64, shape=(4, 3)):
    rng = np.random.default_rng(5)
    p, g, m, v = (rng.standard_normal(shape).astype(dtype) for _ in range(4))
    return [p, g, m, np.abs(v)]


def assert_refused(error, match, param, grad, exp_avg, exp_avg_sq, **kwargs):
    before = [a.copy() for a in (param, grad, exp_avg, exp_avg_sq)]
    with pytest.raises(error, match=match):
        kernels.adam_step(param, grad, exp_avg, exp_avg_sq, kwargs.pop("step", 3), **kwargs)
    for a, b in zip((param, grad, exp_avg, exp_avg_sq), before, strict=True):
        assert np.array_equal(a, b, equal_nan=True)


def test_dtype_mismatch_between_param_and_grad_is_refused():
    p, g, m, v = adam_arrays()
    assert_refused(
        TypeError,
        r"grad: expected dtype float64 \(the dtype of param\), got float32",
        p,
        g.astype(np.float32),
        m,
        v,
    )


def test_dtype_mismatch_of_a_state_array_is_refused():
    p, g, m, v = adam_arrays(np.float32)
    assert_refused(TypeError, "exp_avg_sq: expected dtype float32", p, g, m, v.astype(np.float64))


def test_unsupported_dtype_is_refused():
    p, g, m, v = adam_arrays()
    assert_refused(
        TypeError,
        "param: expected dtype float32 or float64, got int64",
        p.astype(np.int64),
        g,
        m,
        v,
    )


def test_non_array_is_refused():
    p, g, m, v = adam_arrays()
    with pytest.raises(TypeError, match="grad: expected a numpy.ndarray, got list"):
        kernels.adam_step(p, g.tolist(), m, v, 1)


def test_shape_mismatch_is_refused():
    p, g, m, v = adam_arrays()
    assert_refused(ValueError, r"grad: expected shape \(4, 3\)", p, g.reshape(3, 4), m, v)
    assert_refused(ValueError, r"exp_avg: expected shape \(4, 3\)", p, g, m[:2], v)


def test_non_contiguous_arrays_are_refused():
    p, g, m, v = adam_arrays(shape=(4, 4))
    assert_refused(ValueError, "param: expected a C-contiguous array", p.T, g, m, v)
    assert_refused(ValueError, "grad: expected a C-contiguous array", p, g.T, m, v)
    assert_refused(ValueError, "exp_avg_sq: expected a C-contiguous array", p, g, m, v.T)


def test_read_only_arrays_are_refused():
    p, g, m, v = adam_arrays()
    p.flags.writeable = False
    assert_refused(ValueError, "param: expected a writeable array", p, g, m, v)
    p.flags.writeable = True
    m.flags.writeable = False
    assert_refused(ValueError, "exp_avg: expected a writeable array", p, g, m, v)


def test_a_read_only_gradient_is_accepted_and_steps_like_a_writeable_one():
    p, g, m, v = adam_arrays()
    expected = [a.copy() for a in (p, g, m, v)]
    kernels.adam_step(*expected, 1)
    g.flags.writeable = False
    kernels.adam_step(p, g, m, v, 1)
    for a, b in zip((p, m, v), (expected[0], expected[2], expected[3]), strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize(
    ("hyper", "match"),
    [
        (dict(lr=-0.1), "lr must be a finite number >= 0"),
        (dict(lr=math.nan), "lr must be a finite number >= 0"),
        (dict(beta1=1.0), r"beta1 must be in \[0, 1\)"),
        (dict(beta1=-0.1), r"beta1 must be in \[0, 1\)"),
        (dict(beta2=1.5), r"beta2 must be in \[0, 1\)"),
        (dict(eps=0.0), "eps must be a finite number > 0"),
        (dict(eps=-1e-8), "eps must be a finite number > 0"),
        (dict(weight_decay=-1.0), "weight_decay must be a finite number >= 0"),
        (dict(step=0), r"step must be an int in \[1, 9007199254740992\], got 0"),
        (dict(step=2**53 + 1), r"step must be an int in \[1, 9007199254740992\]"),
    ],
)
def test_impossible_hyperparameters_are_refused(hyper, match):
    p, g, m, v = adam_arrays()
    assert_refused(ValueError, match, p, g, m, v, **hyper)


@pytest.mark.parametrize(
    ("rule", "hyper", "match"),
    [
        (_core.SGD, dict(lr=-1.0), "lr must be"),
        (_core.SGD, dict(momentum=-0.5), "momentum must be"),
        (_core.SGD, dict(nesterov=True), "nesterov requires momentum > 0"),
        (_core.SGD, dict(dampening=2.0), "dampening must be"),
        (_core.Adagrad, dict(eps=0.0), "eps must be"),
        (_core.Adagrad, dict(lr_decay=-1.0), "lr_decay must be"),
        (_core.Adagrad, dict(initial_accumulator_value=-1.0), "initial_accumulator_value must be"),
        (_core.RMSprop, dict(alpha=1.5), "alpha must be"),
        (_core.RMSprop, dict(eps=0.0), "eps must be"),
        (_core.AdamW, dict(beta2=1.0), "beta2 must be"),
        (_core.NAdam, dict(momentum_decay=-1.0), "momentum_decay must be"),
        (_core.RAdam, dict(beta1=1.0), "beta1 must be"),
        (_core.Adamax, dict(eps=0.0), "eps must be"),
    ],
)
def test_every_rule_validates_its_hyperparameters(rule, hyper, match):
    with pytest.raises(ValueError, match=match):
        rule(**hyper)


def test_a_rule_changed_after_construction_is_validated_before_use():
    p, g, m, v = adam_arrays()
    before = p.copy()
    rule = _core.Adam()
    rule.beta1 = 1.0
    with pytest.raises(ValueError, match="beta1 must be"):
        _core.adam_step(p, g, [m, v], 1, rule)
    assert np.array_equal(p, before)


@pytest.mark.parametrize("name", STEP_KERNELS)
def test_each_step_kernel_takes_its_rules_fields_with_the_c_defaults(name):
    parameters = inspect.signature(getattr(kernels, f"{name}_step")).parameters
    default = rule_class(name)()
    for field in default._fields:
        assert parameters[field].kind is inspect.Parameter.KEYWORD_ONLY
        assert parameters[field].default == getattr(default, field), field


def test_missing_state_arrays_are_refused():
    p, g, m, v = adam_arrays()
    with pytest.raises(ValueError, match="max_exp_avg_sq: an array is required: .*amsgrad=True"):
        kernels.adam_step(p, g, m, v, 1, amsgrad=True)
    with pytest.raises(ValueError, match="grad_avg: an array is required: .*centered=True"):
        kernels.rmsprop_step(p, g, v, 1, centered=True)
    with pytest.raises(ValueError, match="momentum_buffer: an array is required"):
        kernels.sgd_step(p, g, None, 1, momentum=0.9)
    with pytest.raises(ValueError, match=r"expected 2 arrays \(exp_avg, exp_avg_sq\), got 1"):
        _core.adam_step(p, g, [m], 1, _core.Adam())


def _read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


@pytest.mark.parametrize(
    ("spoil", "error", "match"),
    [
        (lambda a: a.astype(np.float32), TypeError, "expected dtype float64"),
        (lambda a: a[:2], ValueError, r"expected shape \(4, 3\)"),
        (lambda a: np.zeros((4, 6))[:, ::2], ValueError, "expected a C-contiguous array"),
        (_read_only, ValueError, "expected a writeable array"),
    ],
)
def test_a_state_array_the_rule_does_not_keep_is_still_checked(spoil, error, match):
    """An SGD momentum_buffer given while momentum is 0, and Adam's max_exp_avg_sq without
    amsgrad, go unused; a wrong one is refused as a used one would be (naming it), before any
    array changes; a right one is accepted and left as it was."""
    p, g, m, v = adam_arrays()
    buffer = spoil(np.zeros((4, 3)))
    before = [a.copy() for a in (p, g, m, v)]
    with pytest.raises(error, match=f"momentum_buffer: {match}"):
        kernels.sgd_step(p, g, buffer, 1)
    with pytest.raises(error, match=f"max_exp_avg_sq: {match}"):
        kernels.adam_step(p, g, m, v, 1, max_exp_avg_sq=buffer)
    for a, b in zip((p, g, m, v), before, strict=True):
        assert np.array_equal(a, b)


def test_an_unused_state_array_sharing_memory_is_refused_and_a_good_one_left_alone():
    p, g, m, v = adam_arrays()
    with pytest.raises(ValueError, match="momentum_buffer.*param|param.*momentum_buffer"):
        kernels.sgd_step(p, g, p, 1)  # the buffer is the parameter itself
    buffer = np.full((4, 3), 7.0)
    expected = p - 0.01 * g
    kernels.sgd_step(p, g, buffer, 1, lr=0.01)
    np.testing.assert_array_equal(p, expected)
    assert np.all(buffer == 7.0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [0, 500, 1032])
def test_check_finite_refuses_a_non_finite_gradient_before_any_write(bad, where):
    for dtype in (np.float32, np.float64):
        p, g, m, v = adam_arrays(dtype, shape=(1033,))
        g[where] = bad
        assert_refused(
            FloatingPointError, "grad contains NaN or infinity", p, g, m, v, check_finite=True
        )


def test_check_finite_accepts_finite_extremes():
    for dtype in (np.float32, np.float64):
        info = np.finfo(dtype)
        p, g, m, v = adam_arrays(dtype, shape=(6,))
        g[:] = [info.max, -info.max, info.tiny, -info.smallest_subnormal, 0.0, -0.0]
        before = p.copy()
        checked = [a.copy() for a in (p, g, m, v)]
        kernels.adam_step(*checked, 1, check_finite=True)
        kernels.adam_step(p, g, m, v, 1)
        assert not np.array_equal(p, before)
        for a, b in zip(checked, (p, g, m, v), strict=True):  # the unchecked step's result
            assert np.array_equal(a, b)


def test_without_check_finite_a_nan_gradient_propagates_as_in_torch():
    p, g, m, v = adam_arrays()
    g[0, 0] = np.nan
    kernels.adam_step(p, g, m, v, 1)
    assert np.isnan(p[0, 0]) and np.isfinite(np.delete(p.ravel(), 0)).all()


def test_nadam_at_the_largest_step_count_takes_bounded_work():
    # beta1 near 1 and a large momentum_decay: mu_product used to loop once per step (an
    # uninterruptible hang at such step counts); now the product is beta1**t in closed form.
    p, g, m, v = np.ones(3), np.ones(3), np.zeros(3), np.zeros(3)
    kernels.nadam_step(p, g, m, v, 2**53, beta1=1 - 2**-52, momentum_decay=1e6)
    assert np.isfinite(p).all()
    rule = _core.NAdam(beta1=1 - 2**-52, momentum_decay=1e6)
    assert rule.mu_product(2**53) == pytest.approx((1 - 2**-52) ** 2**53, rel=1e-12)


def test_a_state_array_that_is_the_parameter_is_refused():
    p, g, m, v = adam_arrays()
    before = [a.copy() for a in (p, g, m, v)]
    with pytest.raises(ValueError, match="param and exp_avg: expected separate arrays"):
        kernels.adam_step(p, g, p, v, 1)
    with pytest.raises(ValueError, match="param and grad: expected separate arrays"):
        kernels.adam_step(p, p, m, v, 1)
    for a, b in zip((p, g, m, v), before, strict=True):
        assert np.array_equal(a, b)
    kernels.adam_step(p, g, m, v, 1)  # a gradient read twice is fine: two reads never clash


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_every_step_kernel_gives_the_same_bits_on_any_number_of_threads(name, hyper):
    # 10,007 elements: blocks of unequal sizes on 3 threads; None uses one thread below
    # parallel_min_elements and every processor above it.
    rng = np.random.default_rng(3)
    start, *grads = rng.standard_normal((4, 10_007))
    runs = []
    for n_threads in (1, 2, 3, None):
        param = start.copy()
        state = {key: np.zeros_like(start) for key in state_arguments(name)}
        for t, grad in enumerate(grads, start=1):
            step = getattr(kernels, f"{name}_step")
            step(param, grad, step=t, n_threads=n_threads, **state, **hyper)
        runs.append([param, *state.values()])
    assert not np.array_equal(runs[0][0], start)
    for run in runs[1:]:
        for got, expected in zip(run, runs[0], strict=True):
            assert got.tobytes() == expected.tobytes()


@pytest.mark.parametrize(
    ("n_threads", "error", "match"),
    [
        (0, ValueError, "n_threads: expected None or an int >= 1, got 0"),
        (5000, ValueError, "n_threads: expected at most 4096 threads, got 5000"),
        (1.5, TypeError, "n_threads: expected None or an int >= 1, got float"),
        (True, TypeError, "n_threads: expected None or an int >= 1, got bool"),
    ],
)
def test_a_bad_n_threads_is_refused_before_any_write(n_threads, error, match):
    assert_refused(error, match, *adam_arrays(), n_threads=n_threads)


# ---------------------------------------------------------------- property: any shape, any rule

# The range drawn for each number hyperparameter of any rule, within its valid range (the
# flags are drawn True or False): keyed by name, so a rule with a hyperparameter not listed
# here fails the test below instead of going untested.
_HYPER_RANGES = dict(
    lr=(1e-4, 0.1),
    momentum=(0.0, 0.9),
    dampening=(0.0, 1.0),
    weight_decay=(0.0, 0.5),
    lr_decay=(0.0, 0.1),
    initial_accumulator_value=(0.0, 1.0),
    eps=(1e-8, 1e-3),
    alpha=(0.5, 0.999),
    beta1=(0.0, 0.99),
    beta2=(0.5, 0.9999),
    momentum_decay=(0.0, 0.1),
)


def _hyperparameters(draw, name):
    default = rule_class(name)()
    hyper = {}
    for key in default._fields:
        flag = isinstance(getattr(default, key), bool)
        hyper[key] = draw(st.booleans()) if flag else draw(st.floats(*_HYPER_RANGES[key]))
    if hyper.get("nesterov"):  # Nesterov needs momentum > 0 and no dampening
        hyper["momentum"], hyper["dampening"] = max(hyper["momentum"], 0.1), 0.0
    return hyper


@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.data())
def test_every_rule_matches_its_reference_on_random_shapes_dtypes_and_hyperparameters(data):
    # Random shapes (empty and 0-d included), both dtypes, hyperparameters anywhere in their
    # valid ranges, values in [-2, 2]: after 5 steps the kernel equals the float64 reference
    # to the precision of its dtype (1e-10 in float64, where only the order of operations
    # differs; 2e-4 in float32, a few float32 roundings per step of terms of order 1, which
    # a wrong coefficient, sign or bias correction exceeds by orders of magnitude).
    # (Lion only in float64: the sign of a momentum that underflows to 0 in float32 but not
    # in float64 moves a float32 parameter by lr more; its cases above pin float32 down.)
    name = data.draw(st.sampled_from(STEP_KERNELS))
    dtype = data.draw(st.sampled_from([np.float64] if name == "lion" else [np.float64, np.float32]))
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    hyper = _hyperparameters(data.draw, name)
    values = st.floats(-2.0, 2.0, width=32)
    start = data.draw(hnp.arrays(dtype, shape, elements=values))
    grads = [data.draw(hnp.arrays(dtype, shape, elements=values)) for _ in range(5)]
    param = start.copy()
    state = {key: np.zeros(shape, dtype) for key in state_arguments(name)}
    expected, expected_state = start.astype(np.float64), {}
    for t, g in enumerate(grads, start=1):
        expected = step_both(name, param, expected, g, state, expected_state, t, hyper)
    tolerance = 1e-10 if dtype == np.float64 else 2e-4
    np.testing.assert_allclose(param, expected, rtol=tolerance, atol=tolerance)


# ---------------------------------------------------------------- loss-and-gradient kernels
# Their values against NumPy formulas and finite differences: tests/test_objectives.py.
LOSS_KERNELS = [
    kernels.squared_error_loss_and_gradient,
    kernels.huber_loss_and_gradient,
    kernels.logistic_loss_and_gradient,
]


def linear_problem(dtype=np.float64):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((20, 3)).astype(dtype)
    y = (rng.random(20) < 0.5).astype(dtype)  # labels 0/1 serve every linear loss
    return X, y, rng.standard_normal(4).astype(dtype), np.zeros(4, dtype)


def test_the_module_example_runs_as_a_doctest():
    import doctest

    result = doctest.testmod(kernels, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_a_hand_written_loop_of_gradient_and_update_kernels_equals_linear_regression_fit():
    from descend import LinearRegression

    rng = np.random.default_rng(0)
    X = 2 * rng.random((100, 1))
    y = 4 + 3 * X[:, 0] + rng.standard_normal(100)
    theta, grad, m, v = np.zeros(2), np.empty(2), np.zeros(2), np.zeros(2)
    losses = []
    for t in range(1, 201):
        losses.append(kernels.squared_error_loss_and_gradient(X, y, theta, grad))
        kernels.adam_step(theta, grad, m, v, t, lr=0.1)
    model = LinearRegression(optimizer="adam", learning_rate=0.1, max_iter=200, tol=None)
    model.fit(X, y)
    np.testing.assert_allclose(theta, [model.intercept_, *model.coef_], rtol=1e-12)
    np.testing.assert_allclose(losses, model.loss_curve_, rtol=1e-12)


def test_each_objective_is_bound_once():
    assert not hasattr(_core, "least_squares_loss_and_gradient")


@pytest.mark.parametrize("kernel", LOSS_KERNELS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("alias", ["theta", "X", "y", "sample_weight"])
def test_a_grad_sharing_memory_with_an_input_is_refused_before_any_write(kernel, alias):
    X, y, theta, _ = linear_problem()
    weight = np.ones(20)
    grad = {"theta": theta, "X": X.ravel()[:4], "y": y[:4], "sample_weight": weight[:4]}[alias]
    before = [a.copy() for a in (X, y, theta, weight)]
    with pytest.raises(ValueError, match=f"grad and {alias}|{alias} and grad"):
        kernel(X, y, theta, grad, sample_weight=weight)
    for a, b in zip((X, y, theta, weight), before, strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("kernel", LOSS_KERNELS, ids=lambda k: k.__name__)
@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        (dict(fit_intercept=1), TypeError, "fit_intercept: expected True or False, got int"),
        (dict(fit_intercept="no"), TypeError, "fit_intercept: expected True or False, got str"),
        (dict(n_threads=0), ValueError, "n_threads: expected None or an int >= 1"),
        (dict(n_threads=1.0), TypeError, "n_threads: expected None or an int >= 1"),
    ],
)
def test_scalar_options_are_checked_before_any_write(kernel, options, error, match):
    X, y, theta, grad = linear_problem()
    with pytest.raises(error, match=match):
        kernel(X, y, theta, grad, **options)
    assert not grad.any()


def test_huber_epsilon_is_checked():
    X, y, theta, grad = linear_problem()
    with pytest.raises(TypeError, match="epsilon: expected a real number, got str"):
        kernels.huber_loss_and_gradient(X, y, theta, grad, epsilon="0.1")
    with pytest.raises(ValueError, match="epsilon"):
        kernels.huber_loss_and_gradient(X, y, theta, grad, epsilon=-1.0)
    assert not grad.any()


def test_a_numpy_bool_fit_intercept_is_accepted():
    X, y, theta, grad = linear_problem()
    expected = np.zeros_like(grad)
    loss = kernels.squared_error_loss_and_gradient(X, y, theta, expected, fit_intercept=False)
    assert (
        kernels.squared_error_loss_and_gradient(X, y, theta, grad, fit_intercept=np.bool_(False))
        == loss
    )
    assert np.array_equal(grad, expected) and grad[0] == 0.0


def test_lion_moves_every_coordinate_by_lr_in_the_direction_of_the_gradient_sign():
    w = np.array([1.0, -2.0, 3.0, 0.5])
    m = np.zeros(4)
    kernels.lion_step(w, np.array([0.5, -4.0, 1e-30, 0.0]), m, 1, lr=0.1)
    np.testing.assert_array_equal(w, [0.9, -1.9, 2.9, 0.5])
    np.testing.assert_allclose(m, [0.005, -0.04, 1e-32, 0.0], rtol=1e-15)


def test_lion_propagates_a_nan_gradient_as_torch_sign_does():
    w, m = np.ones(2), np.zeros(2)
    kernels.lion_step(w, np.array([np.nan, 1.0]), m, 1, lr=0.1)
    assert np.isnan(w[0]) and w[1] == 0.9


RULE_TYPES = [
    _core.SGD,
    _core.Adam,
    _core.Adagrad,
    _core.RMSprop,
    _core.AdamW,
    _core.NAdam,
    _core.RAdam,
    _core.Adamax,
    _core.Lion,
]


@pytest.mark.parametrize("rule_type", RULE_TYPES, ids=lambda t: t.__name__)
def test_every_rule_type_is_made_from_its_field_table(rule_type):
    rule = rule_type()
    text = repr(rule)
    rebuilt = eval(text, vars(_core))  # keyword arguments with the struct's defaults
    assert repr(rebuilt) == text and text.startswith(f"{rule_type.__name__}(lr=")
    with pytest.raises(TypeError):
        rule_type(0.1)  # keyword-only
    assert rule_type.lr.__doc__ == "step size gamma"
    with pytest.raises(ValueError, match="lr must be"):
        rule_type(lr=-1.0)  # validated on construction


# ---------------------------------------------------------------------- loss kernels' messages
@pytest.mark.parametrize(
    ("call", "shown"),
    [
        # the value as Python writes it (shortest digits that read back), not "%f"'s 6 decimals
        (
            lambda X, th, g: kernels.logistic_loss_and_gradient(
                X, np.array([1 + 1e-9, 0, 1]), th, g
            ),
            "got 1.000000001 at index 0",
        ),
        (
            lambda X, th, g: kernels.logistic_loss_and_gradient(X, np.array([0, 1e-7, 1]), th, g),
            "got 1e-07 at index 1",
        ),
        (
            lambda X, th, g: kernels.logistic_loss_and_gradient(
                X.astype(np.float32),
                np.array([0, 1, 0.3], dtype=np.float32),
                th.astype(np.float32),
                g.astype(np.float32),
            ),
            "got 0.3 at index 2",
        ),
        (
            lambda X, th, g: kernels.squared_error_loss_and_gradient(
                X, np.zeros(3), th, g, sample_weight=np.array([1.0, -1e-9, 1.0])
            ),
            "got -1e-09 at index 1",
        ),
    ],
)
def test_a_refused_label_or_weight_is_shown_as_given(call, shown):
    X, theta, grad = np.ones((3, 1)), np.zeros(2), np.zeros(2)
    with pytest.raises(ValueError, match=shown.replace("+", r"\+")):
        call(X, theta, grad)
    assert not grad.any()


def test_a_one_dimensional_X_is_told_apart_from_a_square_one():
    with pytest.raises(ValueError, match=r"X: expected shape \(m, n\), got \(4,\)"):
        kernels.squared_error_loss_and_gradient(np.ones(4), np.ones(4), np.zeros(2), np.empty(2))


def test_loss_kernel_rows_may_repeat_and_count_each_time():
    rng = np.random.default_rng(0)
    X, y, theta = rng.standard_normal((5, 2)), rng.standard_normal(5), rng.standard_normal(3)
    grad_repeated, grad_listed = np.empty(3), np.empty(3)
    repeated = kernels.squared_error_loss_and_gradient(
        X, y, theta, grad_repeated, rows=np.array([3, 3, 1], dtype=np.int64)
    )
    X3, y3 = X[[3, 3, 1]], y[[3, 3, 1]]
    listed = kernels.squared_error_loss_and_gradient(X3, y3, theta, grad_listed)
    assert repeated == pytest.approx(listed, rel=1e-14)
    np.testing.assert_allclose(grad_repeated, grad_listed, rtol=1e-14)


@pytest.mark.parametrize(
    "name",
    [
        "squared_error_loss_and_gradient",
        "huber_loss_and_gradient",
        "logistic_loss_and_gradient",
        "softmax_loss_and_gradient",
    ],
)
def test_a_loss_kernel_called_wrongly_gets_pythons_own_type_error(name):
    # (not pybind11's list of C++ signatures with every array of the call printed)
    kernel = getattr(kernels, name)
    X, y, theta, grad = np.ones((4, 1)), np.zeros(4), np.zeros(2), np.zeros(2)
    with pytest.raises(TypeError, match=r"takes 4 positional arguments but 5 were given"):
        kernel(X, y, theta, grad, np.ones(4))
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'weights'.*sample_weight"):
        kernel(X, y, theta, grad, weights=np.ones(4))
    assert not grad.any()
    assert kernel.__name__ == name and kernel.__doc__.startswith(
        f"{name}(X, y, theta, grad, *, sample_weight=None, rows=None, fit_intercept=True, "
    )


def test_the_loss_kernels_pass_their_keywords_on():
    X, y, theta = np.array([[1.0], [2.0], [3.0]]), np.array([0.0, 0.0, 3.0]), np.zeros(2)
    grad = np.empty(2)
    loss = kernels.huber_loss_and_gradient(X, y, theta, grad, epsilon=1.0, rows=np.array([2]))
    assert loss == pytest.approx(2.5)  # |r| = 3 > epsilon: epsilon (|r| - epsilon / 2)
    np.testing.assert_allclose(grad, [-1.0, -3.0])
    assert kernels.squared_error_loss_and_gradient(X, y, theta, grad, fit_intercept=False) == 3.0
    assert grad[0] == 0.0
