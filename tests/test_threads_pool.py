"""The worker pool behind n_threads: the same bits for a given n_threads whichever Python
threads call at once (a call that finds the pool busy runs its blocks alone, with the same
partition), threaded updates from several Python threads, and a process forked after the pool
started runs threaded work on a pool of its own instead of waiting for its parent's threads."""

from __future__ import annotations

import multiprocessing
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from descend import _core


def least_squares(n_threads: int, m: int = 4_000, n: int = 50) -> tuple[float, np.ndarray]:
    rng = np.random.default_rng(7)
    X = rng.standard_normal((m, n))
    y = rng.standard_normal(m)
    theta = rng.standard_normal(n + 1)
    grad = np.empty_like(theta)
    loss = _core.squared_error_loss_and_gradient(X, y, theta, grad, n_threads=n_threads)
    return loss, grad


@pytest.mark.parametrize("n_threads", [2, 3])
def test_calls_from_several_python_threads_at_once_give_the_same_bits(n_threads):
    expected_loss, expected_grad = least_squares(n_threads)
    with ThreadPoolExecutor(4) as callers:
        results = list(callers.map(lambda _: least_squares(n_threads), range(40)))
    for loss, grad in results:
        assert loss == expected_loss
        np.testing.assert_array_equal(grad, expected_grad)


def test_threaded_adam_steps_from_several_python_threads_match_one_thread():
    n = 300_000  # several chunks of a threaded update
    rng = np.random.default_rng(8)
    start = rng.standard_normal(n).astype(np.float32)
    grads = [rng.standard_normal(n).astype(np.float32) for _ in range(3)]
    rule = _core.Adam(lr=1e-3)

    def run(n_threads: int) -> np.ndarray:
        param = start.copy()
        state = [np.zeros(n, np.float32), np.zeros(n, np.float32)]
        for step, grad in enumerate(grads, start=1):
            _core.adam_step(param, grad, state, step, rule, n_threads=n_threads)
        return param

    expected = run(1)
    with ThreadPoolExecutor(3) as callers:
        for param in callers.map(run, [2, 2, 3, 2, 3, 2]):
            np.testing.assert_array_equal(param, expected)


def _gradient_in_child(queue: multiprocessing.Queue) -> None:
    loss, grad = least_squares(2)
    queue.put((loss, grad))


def test_a_forked_child_runs_threaded_work_and_returns():
    expected_loss, expected_grad = least_squares(2)  # the parent's pool is started
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    with warnings.catch_warnings():
        # Python >= 3.12 warns that forking a process with threads may deadlock: the pool's
        # workers are the threads, and this test shows the child does not wait for them.
        warnings.simplefilter("ignore", DeprecationWarning)
        child = context.Process(target=_gradient_in_child, args=(queue,))
        child.start()
    loss, grad = queue.get(timeout=120)
    child.join(timeout=120)
    assert child.exitcode == 0
    assert loss == expected_loss
    np.testing.assert_array_equal(grad, expected_grad)
