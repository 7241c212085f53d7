"""descend.dask on a 2-worker LocalCluster beside single-process descend and NumPy.

Milliseconds per full-batch iteration (epoch) of least squares with plain gradient descent,
on float64 data of 2,000,000 x 50 and 10,000 x 50: descend.dask.fit (2 worker processes, 1
thread each, loopback, each pinned to its own CPU), descend.LinearRegression.fit in this
process pinned to one CPU (descend's kernels use as many threads as the process may run on),
and the NumPy formula ``g = 2 X^T (X theta + b - y) / m`` (BLAS limited to 1 thread).
Per-iteration times are the difference of two fits of k1 and k2 epochs divided by k2 - k1, so
that the one-off setup (loading the chunks into the actors) is left out; each is the median
of several runs. The fixed overhead of a distributed iteration is its time minus the time the
two workers need for their halves of the data (single-process descend time / 2); beside it,
the distributed time minus that of descend in one process on the same two CPUs (two threads),
which also charges the cluster for the memory bandwidth the two CPUs share.

    python benchmarks/bench_dask.py [--repeat 3] [--sizes 2000000x50 10000x50]
"""

from __future__ import annotations

import argparse
import os
import time

import dask.array as da
import numpy as np
from _timing import median_seconds, print_table
from distributed import Client, LocalCluster
from threadpoolctl import threadpool_limits

import descend
import descend.dask as descend_dask

K1, K2 = 5, 25


def per_iteration(fit_epochs, repeat: int) -> float:
    """Seconds per epoch: (time of K2 epochs - time of K1 epochs) / (K2 - K1), medians."""
    short = median_seconds(lambda: fit_epochs(K1), repeat)
    long = median_seconds(lambda: fit_epochs(K2), repeat)
    return (long - short) / (K2 - K1)


def numpy_epoch(X: np.ndarray, y: np.ndarray, theta: np.ndarray) -> None:
    r = X @ theta[1:] + theta[0] - y
    grad = np.empty_like(theta)
    grad[0] = 2.0 * r.mean()
    grad[1:] = (2.0 / X.shape[0]) * (X.T @ r)
    theta -= 1e-3 * grad


def measure(client: Client, m: int, n: int, repeat: int) -> list[str]:
    """The table row of one size: ms per iteration of each way, overhead, setup seconds."""
    params = dict(learning_rate=1e-3, tol=None)
    state = da.random.RandomState(0)
    rows_per_chunk = max(1, m // 8)
    dX = state.standard_normal((m, n), chunks=(rows_per_chunk, n))
    noise = state.standard_normal(m, chunks=(rows_per_chunk,))
    dy = dX @ da.from_array(np.linspace(-1, 1, n), chunks=n) + noise
    dX, dy = client.persist([dX, dy])
    X, y = client.compute([dX, dy], sync=True)

    started = time.perf_counter()
    descend_dask.fit(descend.LinearRegression(max_iter=1, **params), dX, dy, client=client)
    setup = time.perf_counter() - started

    def on_cluster(k: int) -> None:
        descend_dask.fit(descend.LinearRegression(max_iter=k, **params), dX, dy, client=client)

    def in_process(k: int) -> None:
        descend.LinearRegression(max_iter=k, **params).fit(X, y)

    def with_numpy(k: int) -> None:
        theta = np.zeros(n + 1)
        for _ in range(k):
            numpy_epoch(X, y, theta)

    t_dask = per_iteration(on_cluster, repeat)
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, set(sorted(cpus)[:2]))  # the workers' two CPUs: two threads
    try:
        t_descend_both = per_iteration(in_process, repeat)
    finally:
        os.sched_setaffinity(0, cpus)
    try:
        os.sched_setaffinity(0, {min(cpus)})  # one CPU: one thread, as each worker
        with threadpool_limits(1):
            t_descend = per_iteration(in_process, repeat)
            t_numpy = per_iteration(with_numpy, repeat)
    finally:
        os.sched_setaffinity(0, cpus)
    overhead = t_dask - t_descend / 2
    return [
        f"{m}x{n}",
        f"{t_dask * 1e3:.2f}",
        f"{t_descend * 1e3:.2f}",
        f"{t_descend_both * 1e3:.2f}",
        f"{t_numpy * 1e3:.2f}",
        f"{overhead * 1e3:.2f}",
        f"{(t_dask - t_descend_both) * 1e3:.2f}",
        f"{setup:.2f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", nargs="+", default=["2000000x50", "10000x50"])
    args = parser.parse_args()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,
    ):
        cpus = sorted(os.sched_getaffinity(0))
        for k, worker in enumerate(sorted(client.scheduler_info()["workers"])):
            # each worker on a CPU of its own (with one, its kernels run one thread)
            client.run(os.sched_setaffinity, 0, {cpus[k % len(cpus)]}, workers=[worker])
        rows = [measure(client, *map(int, size.split("x")), args.repeat) for size in args.sizes]
    print(f"ms per full-batch iteration (median of {args.repeat}; epochs {K1} vs {K2})")
    print_table(
        [
            "rows x cols",
            "dask (2 workers)",
            "descend (1 CPU)",
            "descend (2 CPUs)",
            "NumPy",
            "dask fixed overhead",
            "dask - descend (2 CPUs)",
            "dask setup s",
        ],
        rows,
    )
    print("fixed overhead = dask - descend (1 CPU) / 2 (the goal: <= 10 ms)")
    print(
        "dask - descend (2 CPUs): what the cluster costs beside one process using the same two "
        "CPUs (with the memory bandwidth they share)"
    )


if __name__ == "__main__":
    main()
