"""Gradient clipping by global norm and by value, against NumPy references written from
torch.nn.utils.clip_grad_norm_ / clip_grad_value_'s definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest

import descend
from descend.clipping import clip_grad_norm, clip_grad_value

SHAPES = [(7,), (3, 4), (0,), (2, 1, 5), (1,)]


def make_grads(dtypes, scale=3.0, seed=0):
    rng = np.random.default_rng(seed)
    return [
        (scale * rng.standard_normal(shape)).astype(dtype)
        for shape, dtype in zip(SHAPES, dtypes, strict=False)
    ]


def reference_norm(grads, norm_type):
    flat = np.concatenate([g.astype(np.float64).ravel() for g in grads] + [np.zeros(0)])
    if math.isinf(norm_type):
        return float(np.max(np.abs(flat), initial=0.0))
    return float(np.sum(np.abs(flat) ** norm_type) ** (1.0 / norm_type))


def reference_clip(grads, max_norm, norm_type):
    """(total norm, clipped float64 copies) as torch.nn.utils.clip_grad_norm_ defines them."""
    total = reference_norm(grads, norm_type)
    coef = max_norm / (total + 1e-6)
    factor = coef if coef < 1 else 1.0
    return total, [g.astype(np.float64) * factor for g in grads]


def snapshot(grads):
    return [g.copy() for g in grads]


def assert_untouched(grads, before):
    for g, b in zip(grads, before, strict=True):
        assert g.dtype == b.dtype and g.tobytes() == b.tobytes()


DTYPE_SETS = {
    "float64": [np.float64] * 5,
    "float32": [np.float32] * 5,
    "mixed": [np.float32, np.float64, np.float32, np.float64, np.float64],
}


# ---------------------------------------------------------------------- by norm
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, 0.5, math.inf])
@pytest.mark.parametrize("dtypes", list(DTYPE_SETS), ids=str)
def test_clip_grad_norm_matches_reference(norm_type, dtypes):
    grads = make_grads(DTYPE_SETS[dtypes])
    total_ref, clipped_ref = reference_clip(grads, 1.5, norm_type)
    assert total_ref > 1.5  # the clip happens
    total = clip_grad_norm(grads, 1.5, norm_type)
    assert total == pytest.approx(total_ref, rel=1e-12)
    for g, ref in zip(grads, clipped_ref, strict=True):
        rtol = 1e-12 if g.dtype == np.float64 else 2e-7
        np.testing.assert_allclose(g, ref, rtol=rtol, atol=0)
    assert reference_norm(grads, norm_type) == pytest.approx(1.5, rel=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm_below_max_norm_leaves_arrays_unchanged(dtype):
    grads = make_grads([dtype] * 5, scale=0.01)
    before = snapshot(grads)
    total = clip_grad_norm(grads, 10.0)
    assert total == pytest.approx(reference_norm(before, 2.0), rel=1e-12)
    assert_untouched(grads, before)


def test_clip_grad_norm_with_infinite_max_norm_only_measures():
    grads = make_grads([np.float64] * 5, scale=1e3)
    before = snapshot(grads)
    assert clip_grad_norm(grads, math.inf) == pytest.approx(reference_norm(before, 2.0))
    assert_untouched(grads, before)


def test_clip_grad_norm_accepts_inf_as_a_string_and_one_array():
    g = np.array([3.0, -4.0, 1.0])
    assert clip_grad_norm(g, 2.0, "inf") == 4.0
    np.testing.assert_allclose(g, np.array([3.0, -4.0, 1.0]) * 2.0 / (4.0 + 1e-6), rtol=1e-15)


def test_clip_grad_norm_float32_accumulates_in_double():
    # Squares of 1e4 first, then 10**6 ones: float32 partial sums (>= 1e8, ulp 8) would drop
    # every one of the ones.
    g = np.ones(64 + 10**6, dtype=np.float32)
    g[:64] = 1e4
    assert clip_grad_norm([g], math.inf) == pytest.approx(math.sqrt(64e8 + 1e6), rel=1e-12)


def test_clip_grad_norm_of_nothing_is_zero():
    assert clip_grad_norm([], 1.0) == 0.0
    empty = [np.zeros(0), np.zeros((3, 0), dtype=np.float32)]
    assert clip_grad_norm(empty, 1.0) == 0.0
    assert clip_grad_norm(empty, 1.0, math.inf) == 0.0


def test_clip_grad_norm_max_norm_zero_zeroes_the_gradients():
    grads = make_grads([np.float64] * 3)
    clip_grad_norm(grads, 0.0)
    for g in grads:
        assert not g.any()


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm_nan_gradient_makes_everything_nan_as_torch(norm_type):
    grads = make_grads([np.float64, np.float32])
    grads[1][2, 1] = np.nan
    total = clip_grad_norm(grads, 1.0, norm_type)
    assert math.isnan(total)
    assert all(np.isnan(g).all() for g in grads)


def test_clip_grad_norm_infinite_gradient_scales_by_zero_as_torch():
    grads = [np.array([1.0, -2.0, np.inf]), np.array([5.0], dtype=np.float32)]
    assert clip_grad_norm(grads, 1.0) == math.inf
    np.testing.assert_array_equal(grads[0], [0.0, -0.0, np.nan])
    np.testing.assert_array_equal(grads[1], [0.0])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_clip_grad_norm_error_if_nonfinite_raises_and_leaves_arrays(bad):
    grads = make_grads([np.float64, np.float32])
    grads[0][3] = bad
    before = snapshot(grads)
    with pytest.raises(FloatingPointError, match="total norm"):
        clip_grad_norm(grads, 1.0, error_if_nonfinite=True)
    assert_untouched(grads, before)


# ---------------------------------------------------------------------- by value
@pytest.mark.parametrize("dtypes", list(DTYPE_SETS), ids=str)
@pytest.mark.parametrize("clip_value", [0.5, 2.0, 0.1])
def test_clip_grad_value_matches_numpy_clip(dtypes, clip_value):
    grads = make_grads(DTYPE_SETS[dtypes])
    expected = [np.clip(g, -g.dtype.type(clip_value), g.dtype.type(clip_value)) for g in grads]
    assert clip_grad_value(grads, clip_value) is None
    for g, ref in zip(grads, expected, strict=True):
        np.testing.assert_array_equal(g, ref)


def test_clip_grad_value_keeps_nan_and_clamps_infinities():
    g = np.array([np.nan, np.inf, -np.inf, 0.3, -5.0], dtype=np.float32)
    clip_grad_value(g, 1.0)
    np.testing.assert_array_equal(g, np.array([np.nan, 1.0, -1.0, 0.3, -1.0], dtype=np.float32))


def test_clip_grad_value_zero_and_infinite_bounds():
    g = np.array([-2.0, 0.5, 3.0])
    clip_grad_value([g], math.inf)
    np.testing.assert_array_equal(g, [-2.0, 0.5, 3.0])
    clip_grad_value([g], 0.0)
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0])


def test_clip_grad_value_zero_size():
    grads = [np.zeros(0), np.zeros((0, 4), dtype=np.float32)]
    clip_grad_value(grads, 1.0)
    assert [g.shape for g in grads] == [(0,), (0, 4)]


# ---------------------------------------------------------------------- refusals
def bad_last_arrays():
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    readonly = np.ones(3)
    readonly.flags.writeable = False
    return [
        (np.arange(3), TypeError, r"grads\[2\]: expected dtype float64 or float32, got int64"),
        (np.ones(3, dtype=np.float16), TypeError, r"grads\[2\]: expected dtype"),
        (np.ones(3, dtype=np.complex128), TypeError, r"grads\[2\]: expected dtype"),
        (base[:, ::2], ValueError, r"grads\[2\]: expected a C-contiguous array"),
        (base.T, ValueError, r"grads\[2\]: expected a C-contiguous array"),
        (readonly, ValueError, r"grads\[2\]: expected a writeable array"),
        ([1.0, 2.0], TypeError, r"grads\[2\]: expected a numpy.ndarray, got list"),
    ]


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    bad_last_arrays(),
    ids=["int", "float16", "complex", "strided", "transposed", "readonly", "list"],
)
def test_refused_array_leaves_every_array_untouched(bad, error, message):
    for call in (lambda g: clip_grad_norm(g, 0.1), lambda g: clip_grad_value(g, 0.1)):
        grads = [*make_grads([np.float64, np.float32], scale=10.0), bad]
        before = snapshot(grads[:2])
        with pytest.raises(error, match=message):
            call(grads)
        assert_untouched(grads[:2], before)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(max_norm=-1.0), "max_norm must be >= 0"),
        (dict(max_norm=math.nan), "max_norm must be >= 0"),
        (dict(max_norm=1.0, norm_type=0.0), "norm_type must be > 0"),
        (dict(max_norm=1.0, norm_type=-2.0), "norm_type must be > 0"),
        (dict(max_norm=1.0, norm_type=math.nan), "norm_type must be > 0"),
        (dict(max_norm=1.0, norm_type=-math.inf), "norm_type must be > 0"),
        (dict(max_norm=1.0, norm_type="fro"), "norm_type must be"),
    ],
)
def test_clip_grad_norm_refuses_bad_parameters_before_touching_arrays(kwargs, message):
    grads = make_grads([np.float64, np.float32], scale=10.0)
    before = snapshot(grads)
    with pytest.raises(ValueError, match=message):
        clip_grad_norm(grads, **kwargs)
    assert_untouched(grads, before)


@pytest.mark.parametrize("clip_value", [-0.1, math.nan])
def test_clip_grad_value_refuses_bad_bound(clip_value):
    grads = make_grads([np.float64])
    before = snapshot(grads)
    with pytest.raises(ValueError, match="clip_value must be >= 0"):
        clip_grad_value(grads, clip_value)
    assert_untouched(grads, before)


def test_grads_must_be_an_array_or_a_list_or_tuple():
    with pytest.raises(TypeError, match="grads must be"):
        clip_grad_norm((g for g in [np.ones(2)]), 1.0)
    with pytest.raises(TypeError, match="grads: expected a list or tuple"):
        descend._core.clip_grad_norm(np.ones(2), 1.0)
    g = np.full(4, 2.0)
    clip_grad_value((g,), 1.0)
    np.testing.assert_array_equal(g, np.ones(4))


def test_clipping_is_reachable_from_the_package():
    assert descend.clipping.clip_grad_norm is clip_grad_norm
    assert "clipping" in descend.__all__
