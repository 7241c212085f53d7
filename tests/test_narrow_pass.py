"""The narrow pass (linear_pass.hpp's narrow_lanes: dense X with 1 to 4 columns, eight rows at
a time in eight lanes for 1 or 2 columns, four in four for 3 or 4): a batch given by row
numbers is summed exactly as the same rows stored in that order, so a minibatch's gradient
does not depend on whether its rows were gathered first.
"""

from __future__ import annotations

import numpy as np
import pytest

from descend import kernels

KERNELS = {
    "squared_error": kernels.squared_error_loss_and_gradient,
    "huber": kernels.huber_loss_and_gradient,
    "logistic": kernels.logistic_loss_and_gradient,
}
N_ROWS = 63  # 7 blocks of eight rows and 7 left over; 15 blocks of four and 3 left over


def run(loss, X, y, theta, **kwargs):
    """The C++ kernel's (loss, grad)."""
    if loss == "huber":
        kwargs["epsilon"] = 0.8
    grad = np.full_like(theta, np.nan)
    return KERNELS[loss](X, y, theta, grad, **kwargs), grad


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("cols", [1, 2, 3, 4])
@pytest.mark.parametrize("loss", sorted(KERNELS))
def test_listed_rows_give_the_bits_of_the_same_rows_stored_in_that_order(
    loss, cols, weighted, dtype
):
    rng = np.random.default_rng(cols)
    X = rng.standard_normal((N_ROWS, cols)).astype(dtype)
    y = (rng.random(N_ROWS) < 0.5) if loss == "logistic" else rng.standard_normal(N_ROWS)
    y = y.astype(dtype)
    theta = rng.standard_normal(cols + 1).astype(dtype)
    # small integer weights: their sums (the normalization) are exact in any order
    weights = rng.integers(1, 4, N_ROWS).astype(dtype) if weighted else None
    rows = rng.permutation(N_ROWS)

    listed = run(loss, X, y, theta, sample_weight=weights, rows=rows)
    stored = run(
        loss, X[rows], y[rows], theta, sample_weight=None if weights is None else weights[rows]
    )
    assert listed[0] == stored[0]
    np.testing.assert_array_equal(listed[1], stored[1])
