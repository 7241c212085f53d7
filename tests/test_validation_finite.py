"""_core.all_finite, the estimators' NaN/Inf check of X, against np.isfinite(X).all()."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import descend
from descend import _core

BLOCK = 4096  # the values all_finite tests per block (solver.hpp)
DTYPES = (np.float64, np.float32)
SIZES = (1, 7, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5)


def positions(n: int) -> list[int]:
    """The first and last value, and those on either side of each block boundary."""
    near = {0, n - 1, n // 2}
    for boundary in range(BLOCK, n, BLOCK):
        near |= {boundary - 1, boundary}
    return sorted(p for p in near if 0 <= p < n)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, -np.nan])
def test_all_finite_finds_one_nonfinite_value_anywhere(dtype, n, bad):
    values = np.random.default_rng(n).standard_normal(n).astype(dtype)
    assert _core.all_finite(values) is True
    for p in positions(n):
        spoiled = values.copy()
        spoiled[p] = bad
        assert _core.all_finite(spoiled) is bool(np.isfinite(spoiled).all()) is False, p


@pytest.mark.parametrize("dtype", DTYPES)
def test_all_finite_accepts_every_kind_of_finite_value(dtype):
    info = np.finfo(dtype)
    special = [
        0.0,
        -0.0,
        info.max,
        -info.max,
        info.tiny,
        -info.tiny,
        info.smallest_subnormal,
        -info.smallest_subnormal,
        info.tiny / 3,
        info.eps,
        1.0,
        -1.0,
    ]
    for n in SIZES:
        values = np.resize(np.array(special, dtype=dtype), n)
        assert _core.all_finite(values) is bool(np.isfinite(values).all()) is True
        for p in positions(n):  # a finite value next to a NaN exponent's neighbour bits
            spoiled = values.copy()
            spoiled[p] = np.inf
            assert _core.all_finite(spoiled) is False, p


@pytest.mark.parametrize("dtype", DTYPES)
def test_all_finite_matches_isfinite_on_random_bit_patterns(dtype):
    """Random bits: NaNs with any payload, infinities, subnormals, both zeros."""
    rng = np.random.default_rng(0)
    width = np.uint64 if dtype == np.float64 else np.uint32
    for _ in range(200):
        n = int(rng.integers(1, 3 * BLOCK))
        values = np.zeros(n, dtype=dtype) + dtype(1.5)
        k = int(rng.integers(0, 4))
        where = rng.integers(0, n, size=k)
        bits = rng.integers(0, np.iinfo(width).max, size=k, dtype=width, endpoint=True)
        values[where] = bits.view(dtype)
        assert _core.all_finite(values) is bool(np.isfinite(values).all())


def test_all_finite_of_a_matrix_is_that_of_all_its_entries():
    X = np.ones((300, 41), dtype=np.float32)
    assert _core.all_finite(X) is True
    X[299, 40] = np.nan
    assert _core.all_finite(X) is False
    assert _core.all_finite(np.empty((0, 3))) is True


def test_all_finite_refuses_what_it_cannot_read():
    with pytest.raises(TypeError, match="array"):
        _core.all_finite(np.ones(3, dtype=np.int64))
    with pytest.raises(ValueError, match="array"):
        _core.all_finite(np.ones((4, 4))[:, ::2])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_estimators_refuse_a_nonfinite_value_in_the_last_entry_of_X(dtype, bad):
    X = np.random.default_rng(1).standard_normal((BLOCK + 3, 2)).astype(dtype)
    y = (X[:, 0] > 0).astype(float)
    X[-1, -1] = bad
    for model in (descend.LinearRegression(max_iter=1), descend.LogisticRegression(max_iter=1)):
        with pytest.raises(ValueError, match="X contains NaN or infinity"):
            model.fit(X, y)
        with pytest.raises(ValueError, match="X contains NaN or infinity"):
            model.fit(sp.csr_matrix(X), y)
