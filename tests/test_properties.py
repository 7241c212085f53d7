"""Properties that hold for any input, checked with hypothesis on random ones: gradient descent
on a convex quadratic with lr < 2/L never increases the loss; a state_dict round trip
continues bit-identically; float32 agrees with float64 to float32 precision; a tampered
state_dict is either loaded or refused with nothing changed.

(Each update rule against its NumPy reference on random shapes, dtypes and hyperparameters is
in test_kernels.py, beside the references.)
"""

from __future__ import annotations

import copy

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from descend import functions, optim

from .conftest import OPTIMIZER_CLASSES, with_every_state

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


@SETTINGS
@given(
    dim=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    condition=st.floats(1.0, 1e3),
    fraction=st.floats(0.01, 0.99),
    steps=st.integers(1, 60),
)
def test_gradient_descent_on_a_convex_quadratic_never_increases_the_loss(
    dim, seed, condition, fraction, steps
):
    # f(w) = 1/2 w^T A w, A symmetric positive definite with eigenvalues in [1, condition]:
    # L = the largest eigenvalue, and any lr < 2 / L contracts every eigencomponent, so f
    # decreases at every step. The allowance is rounding only: 1e-12 of f, far below any
    # real increase (an lr above 2 / L grows f geometrically).
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    eigenvalues = np.linspace(1.0, condition, dim)
    a = (q * eigenvalues) @ q.T
    lipschitz = float(eigenvalues.max())
    w = rng.standard_normal(dim)
    opt = optim.SGD([w], lr=fraction * 2.0 / lipschitz)
    loss = 0.5 * w @ a @ w
    for _ in range(steps):
        opt.step([a @ w])
        new = 0.5 * w @ a @ w
        assert new <= loss + 1e-12 * loss
        loss = new


@SETTINGS
@given(
    cls=st.sampled_from(OPTIMIZER_CLASSES),
    dtype=st.sampled_from([np.float64, np.float32]),
    shapes=st.lists(
        hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=4), min_size=1, max_size=3
    ),
    lr=st.floats(1e-4, 0.1),
    before=st.integers(0, 6),
    after=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_state_dict_round_trip_continues_bit_identically(
    cls, dtype, shapes, lr, before, after, seed
):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(shape).astype(dtype) for shape in shapes]
    grads = [
        [rng.standard_normal(shape).astype(dtype) for shape in shapes]
        for _ in range(before + after)
    ]
    opt = cls(params, lr=lr, **with_every_state(cls))
    for g in grads[:before]:
        opt.step(g)
    twin_params = [p.copy() for p in params]
    twin = cls(twin_params, lr=lr, **with_every_state(cls))
    twin.load_state_dict(opt.state_dict())
    for g in grads[before:]:
        opt.step(g)
        twin.step([x.copy() for x in g])
    for p, q in zip(params, twin_params, strict=True):
        assert p.tobytes() == q.tobytes()


@SETTINGS
@given(
    landscape=st.sampled_from(
        [
            functions.sphere,
            functions.rosenbrock,
            functions.booth,
            functions.beale,
            functions.himmelblau,
            functions.rastrigin,
            functions.ackley,
            functions.ill_conditioned,
        ]
    ),
    points=hnp.arrays(
        np.float64, st.tuples(st.integers(1, 5), st.just(2)), elements=st.floats(-3.0, 3.0)
    ),
)
def test_float32_landscapes_agree_with_float64_to_float32_precision(landscape, points):
    # The float32 evaluation of the float32-rounded points against the float64 evaluation of
    # the same points: each term is of order |f| or |grad f| and rounds by about 6e-8 of
    # itself, so 1e-4 of the scale of the terms bounds float32's error with a wide margin and
    # still catches a term computed wrongly in float32 (or evaluated at a different point).
    single = points.astype(np.float32)
    exact_points = single.astype(np.float64)
    f64, g64 = landscape.value_and_grad(exact_points)
    f32, g32 = landscape.value_and_grad(single)
    assert f32.dtype == np.float32 and g32.dtype == np.float32
    scale = 1.0 + np.abs(f64).max() + 100.0 * np.abs(exact_points).max() ** 4
    np.testing.assert_allclose(f32, f64, rtol=1e-4, atol=1e-4 * scale)
    np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-4 * scale)


def _tampered(state, draw):
    """The state_dict with one random part deleted or replaced by a random value."""
    state = copy.deepcopy(state)
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append(path + [key])
                walk(value, path + [key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                paths.append(path + [i])
                walk(value, path + [i])

    walk(state, [])
    path = draw(st.sampled_from(paths))
    parent = state
    for key in path[:-1]:
        parent = parent[key]
    junk = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True),
        st.text(max_size=3),
        st.just([]),
        st.just({}),
        st.just(np.full(3, np.nan)),
        st.just(np.zeros(2)),
        st.just(-np.ones(3)),
        st.just(np.array(["a", "b", "c"])),
    )
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(junk)
    return state


@SETTINGS
@given(cls=st.sampled_from(OPTIMIZER_CLASSES), data=st.data())
def test_a_tampered_state_dict_is_loaded_or_refused_with_nothing_changed(cls, data):
    rng = np.random.default_rng(0)
    params = [rng.standard_normal(3), rng.standard_normal((2, 2))]
    source = cls(params, **with_every_state(cls))
    for _ in range(2):
        source.step([rng.standard_normal(p.shape) for p in params])
    tampered = _tampered(source.state_dict(), data.draw)
    target_params = [p.copy() for p in params]
    target = cls(target_params, **with_every_state(cls))
    target.step([np.ones_like(p) for p in target_params])
    before = _snapshot(target)
    try:
        target.load_state_dict(tampered)
    except (TypeError, ValueError):
        assert _snapshot(target) == before
        return
    # Loaded: then it is a consistent state, one the optimizer steps from (and saves again).
    count = target._count
    target.step([np.ones_like(p) for p in target_params])
    assert target._count == count + 1
    assert target.state_dict()["format_version"] == 1


def _snapshot(opt):
    saved = opt.state_dict()
    groups = repr([{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups])
    state = {
        i: {k: (v.tobytes() if isinstance(v, np.ndarray) else v) for k, v in e.items()}
        for i, e in saved["state"].items()
    }
    return groups, state, [g["step"] for g in saved["param_groups"]], opt._count
