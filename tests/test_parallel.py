"""The objective kernels on several threads (n_threads): a fixed partition of the rows and a
fixed-order reduction, so each n_threads gives the same bits on every call and stays within
1e-12 relative of the one-thread result; bad n_threads values are refused before any write."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from descend import _core

from .test_objectives import ALL_LOSSES, KERNELS, as_csr, kernel_kwargs, make_problem

THREADS = (1, 2, 3, 5)


def run(loss, X, y, theta, **kwargs):
    grad = np.full_like(theta, np.nan)
    value = KERNELS[loss](X, y, theta, grad, **kernel_kwargs(loss, **kwargs))
    return value, grad


def relative_error(actual, expected) -> float:
    return float(np.linalg.norm(actual - expected) / np.linalg.norm(expected))


@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_each_thread_count_repeats_bit_for_bit_and_matches_one_thread(loss, sparse, batch):
    X, y, theta = make_problem(loss, density=0.6 if sparse else 1.0)
    X = as_csr(X) if sparse else X
    weights = np.random.default_rng(3).uniform(0.2, 3.0, X.shape[0])
    rows = np.random.default_rng(4).integers(0, X.shape[0], 40) if batch else None
    one_value, one_grad = run(loss, X, y, theta, sample_weight=weights, rows=rows, n_threads=1)
    for n_threads in THREADS:
        first = run(loss, X, y, theta, sample_weight=weights, rows=rows, n_threads=n_threads)
        for _ in range(3):
            again = run(loss, X, y, theta, sample_weight=weights, rows=rows, n_threads=n_threads)
            assert again[0] == first[0]
            np.testing.assert_array_equal(again[1], first[1])
        assert first[0] == pytest.approx(one_value, rel=1e-12)
        assert relative_error(first[1], one_grad) < 1e-12


def test_one_thread_is_the_unthreaded_pass_and_more_threads_than_rows_still_add_up():
    X, y, theta = make_problem("squared_error")
    one = run("squared_error", X, y, theta, n_threads=1)
    default = run("squared_error", X, y, theta)  # 61 x 5 is far below the threshold
    assert default[0] == one[0]
    np.testing.assert_array_equal(default[1], one[1])
    many = run("squared_error", X, y, theta, n_threads=100)  # one row per thread
    assert many[0] == pytest.approx(one[0], rel=1e-12)
    assert relative_error(many[1], one[1]) < 1e-12


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_default_uses_every_processor_above_the_threshold(dtype):
    config = _core.build_config()
    n = 100
    m = config["parallel_min_entries"] // n + 1
    rng = np.random.default_rng(5)
    X = rng.standard_normal((m, n)).astype(dtype)
    y = rng.standard_normal(m).astype(dtype)
    theta = rng.standard_normal(n + 1).astype(dtype)
    default = run("squared_error", X, y, theta)
    every = run("squared_error", X, y, theta, n_threads=config["threads"])
    assert default[0] == every[0]
    np.testing.assert_array_equal(default[1], every[1])


def test_numpy_integers_are_accepted_as_thread_counts():
    X, y, theta = make_problem("squared_error")
    expected = run("squared_error", X, y, theta, n_threads=2)
    given = run("squared_error", X, y, theta, n_threads=np.int64(2))
    np.testing.assert_array_equal(given[1], expected[1])


@pytest.mark.parametrize(
    ("n_threads", "exception", "message"),
    [
        (0, ValueError, "n_threads: expected None or an int >= 1, got 0"),
        (-2, ValueError, "n_threads: expected None or an int >= 1, got -2"),
        (-(2**70), ValueError, "n_threads: expected None or an int >= 1"),
        (2**70, ValueError, "n_threads: expected at most 4096 threads"),
        (True, TypeError, "n_threads: expected None or an int >= 1, got bool"),
        (2.0, TypeError, "n_threads: expected None or an int >= 1, got float"),
        ("2", TypeError, "n_threads: expected None or an int >= 1, got str"),
    ],
)
@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_refused_thread_counts_name_the_argument_and_write_nothing(
    loss, n_threads, exception, message
):
    X, y, theta = make_problem(loss)
    if loss == "logistic":
        y = (y > 0).astype(y.dtype)
    grad = np.full_like(theta, 7.0)
    with pytest.raises(exception) as info:
        KERNELS[loss](X, y, theta, grad, n_threads=n_threads)
    assert message in str(info.value)
    assert np.all(grad == 7.0)


def test_csr_blocks_start_at_their_own_rows():
    # rows of very different lengths, so blocks of equal row counts hold unequal entries
    rng = np.random.default_rng(6)
    X = rng.standard_normal((50, 8))
    X[::3, 2:] = 0.0
    X[1::7] = 0.0
    y = rng.standard_normal(50)
    theta = rng.standard_normal(9)
    dense = run("squared_error", X, y, theta, n_threads=4)
    sparse = run("squared_error", sp.csr_array(X), y, theta, n_threads=4)
    assert sparse[0] == pytest.approx(dense[0], rel=1e-13)
    np.testing.assert_allclose(sparse[1], dense[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_float32_threads_repeat_and_stay_within_the_float32_pass_accuracy(loss):
    # dense float32 sums 16 rows' gradient terms in float32, and blocks cut those groups
    # elsewhere: the threads differ from one thread at that precision, not at double's
    X, y, theta = make_problem(loss, np.float32)
    one = run(loss, X, y, theta, n_threads=1)
    first = run(loss, X, y, theta, n_threads=3)
    again = run(loss, X, y, theta, n_threads=3)
    assert first[0] == again[0]
    np.testing.assert_array_equal(first[1], again[1])
    assert first[0] == pytest.approx(one[0], rel=1e-12)  # the loss is summed in double
    assert relative_error(first[1].astype(np.float64), one[1].astype(np.float64)) < 1e-6
