"""descend on a Dask cluster: the same fits, with the data staying on the workers.

``fit(estimator, X, y)`` fits a :class:`descend.LinearRegression` or
:class:`descend.LogisticRegression` on a Dask array or DataFrame. Each worker keeps its row
chunks in one long-lived actor for the whole fit; every epoch the driver sends theta (a few KB)
to the actors, which return, in one round trip, the weighted loss and gradient sums of each of
their chunks computed by the C++ kernels (GIL released). The driver adds them up in chunk order,
divides by the global weight and hands them to ``descend._core.fit_linear_from_sums``, which
runs one full-batch epoch of the very loop of a single-machine fit (update rule, penalty and its
l1 prox, schedule, averaging, stopping rules, divergence). With ``batch_size`` set, the loop
(``descend._core.fit_linear_remote``) picks each step's rows as ``estimator.fit`` does and asks
the actors for the sums over the rows of the batch they hold (theta and the row numbers out,
one round trip per step). A distributed fit therefore equals the single-machine fit on the
same rows up to the rounding of the chunk sums, whatever the chunks' placement.
``learning_rate="auto"`` computes its scaling and step from the chunks' moments
(``_moments_data``) and, for mini-batches, their largest scaled row norm. The user guide's
page "Beyond one machine: Dask" says what travels and what a lost worker does.

Needs the optional extra ``descend[dask]`` (``dask[array,dataframe]`` and ``distributed``)::

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")      # or Client() for a local cluster
    model = descend.dask.fit(descend.LinearRegression(), X, y)
    model.predict(X_small)                        # an ordinary fitted descend estimator
"""

from __future__ import annotations

import copy
import time
from typing import Any

import numpy as np

from . import _core, optim
from ._progress import Progress
from ._scaling import to_internal_units
from ._validation import (
    as_float_matrix,
    as_vector_like,
    check_label_types,
    check_sample_weight,
    class_weight_per_class,
    encode_labels,
    feature_names_of,
    is_sparse,
    seed_from_random_state,
)
from .linear_model import (
    LinearRegression,
    LogisticRegression,
    _bar_wanted,
    _FitState,
    _rule_optimizer,
    _run_schedule,
    _runs_lbfgs,
)

try:
    import dask.array as da
    import dask.dataframe as dd
    from distributed import Client, default_client, wait
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "descend.dask needs Dask's distributed scheduler: pip install 'descend[dask]'"
    ) from error

__all__ = ["fit"]

# The C++ loss kernel of each solver loss, by name (descend._core).
_KERNELS = {
    "squared_error": "squared_error_loss_and_gradient",
    "huber": "huber_loss_and_gradient",
    "log_loss": "logistic_loss_and_gradient",
    "softmax": "softmax_loss_and_gradient",
}


# How many times a fit reloads the chunks of lost workers before it gives up, and how long it
# waits for the scheduler to notice that a worker it cannot reach is gone.
_RELOADS = 3
_LOST_SECONDS = 30.0
# Rows per block when a worker forms the scatter matrix of its chunk (a float64 copy of one
# block at a time, never of the chunk).
_BLOCK_ROWS = 4096


def _worker_lost(error: Exception) -> bool:
    """Whether an actor call failed because its worker is gone: the connection closed
    (OSError), or distributed's "Worker holding Actor was lost" (a ValueError or RuntimeError,
    depending on the release and on when the loss is noticed)."""
    return isinstance(error, OSError) or (
        isinstance(error, (ValueError, RuntimeError))
        and "Worker holding Actor was lost" in str(error)
    )


class WorkerLostError(RuntimeError):
    """A worker holding row chunks was lost during a fit and its chunks could not be reloaded."""


# ---------------------------------------------------------------------- on the workers
class _Chunks:
    """The row chunks one worker holds for a whole fit (a Dask actor).

    Built with ``(index, X, y, sample_weight)`` for each chunk; ``labels`` then ``prepare``
    turn them into what the kernel takes, ``sums`` evaluates the kernel at theta.
    """

    def __init__(self, indices: list[int], *arrays: Any) -> None:
        n = len(indices)
        self.indices = list(indices)
        for X in arrays[:n]:
            if is_sparse(X):
                raise TypeError(
                    "X: descend.dask fits take dense chunks, got a sparse "
                    f"{type(X).__name__} chunk; densify the chunks (X.map_blocks(lambda b: "
                    "b.toarray())) or fit the estimator on the CSR matrix directly"
                )
        self.X = [as_float_matrix(X) for X in arrays[:n]]
        self.y_raw = list(arrays[n : 2 * n])
        weights = arrays[2 * n :] or (None,) * n
        self.weights_raw = list(weights)
        self.targets: list[np.ndarray] = []
        self.weights: list[np.ndarray | None] = []
        self.totals: list[float] = []

    def labels(self) -> list[tuple[int, np.ndarray]]:
        """(chunk index, its distinct labels) of each chunk (y checked as class labels)."""
        return [
            (index, encode_labels(y, None, X.shape[0])[0])
            for index, X, y in zip(self.indices, self.X, self.y_raw, strict=True)
        ]

    def prepare(
        self,
        model: Any,
        dtype: str,
        classes: np.ndarray | None,
        class_weight: dict[Any, float] | None,
    ) -> list[tuple[int, int, float, np.ndarray | None]]:
        """Encode y and fold the class weights into the sample weights, chunk by chunk, as
        ``model`` (an unfitted copy of the estimator) does for one chunk of partial_fit.

        Returns (index, rows, weight sum, weighted class counts or None) for each chunk."""
        out = []
        self.targets, self.weights, self.totals = [], [], []
        model = copy.copy(model)
        if classes is not None:
            model.class_weight = class_weight
        for index, X, y, w in zip(self.indices, self.X, self.y_raw, self.weights_raw, strict=True):
            X = X.astype(dtype, copy=False)
            target, codes, _, labels = model._targets(y, X, partial=True, classes=classes)
            weight = None
            if w is not None:
                weight = as_vector_like(w, "sample_weight", X.shape[0], X.dtype)
                if weight.any():  # a chunk may weigh nothing; the total is checked globally
                    weight = check_sample_weight(weight, X.shape[0], X.dtype)
            counts = None
            if codes is not None:
                counts = np.bincount(codes, weights=weight, minlength=len(labels))
                weight = model._weights(weight, codes, labels, X.dtype, partial=True, chunk=True)
            total = float(X.shape[0]) if weight is None else float(weight.sum(dtype=np.float64))
            self.targets.append(target)
            self.weights.append(weight)
            self.totals.append(total)
            out.append((index, X.shape[0], total, None if counts is None else counts.tolist()))
        self.X = [X.astype(dtype, copy=False) for X in self.X]
        return out

    def moments(self) -> list[tuple[int, float, np.ndarray, np.ndarray, float]]:
        """(chunk index, weight sum W, weighted column means, sum_i s_i (x_i - mean)(x_i -
        mean)^T, weighted sum of y^2) of each chunk with a positive weight, float64."""
        out = []
        chunks = zip(self.indices, self.X, self.targets, self.weights, self.totals, strict=True)
        for index, X, y, w, total in chunks:
            if total == 0.0:
                continue
            mean, _ = _core.column_moments(X, sample_weight=w)
            scatter = np.zeros((X.shape[1], X.shape[1]))
            for begin in range(0, X.shape[0], _BLOCK_ROWS):
                block = X[begin : begin + _BLOCK_ROWS] - mean  # float64, one block of rows
                s = 1.0 if w is None else w[begin : begin + _BLOCK_ROWS, None].astype(np.float64)
                scatter += block.T @ (s * block)
            square = 0.0
            if y.ndim == 1:  # regression targets (and binary labels, unused)
                target = y.astype(np.float64)
                square = float(target @ (target if w is None else target * w))
            out.append((index, total, mean, scatter, square))
        return out

    def largest_row_norms(
        self, feature_offset: np.ndarray | None, feature_scale: np.ndarray, fit_intercept: bool
    ) -> list[tuple[int, float]]:
        """(chunk index, max_i s_i ||x~_i||^2) of each chunk with a positive weight: x~_i the
        scaled row with its leading 1 (``_core.smoothness``, whose value is relative to the
        chunk's mean weight, multiplied back by it)."""
        out = []
        chunks = zip(self.indices, self.X, self.weights, self.totals, strict=True)
        for index, X, w, total in chunks:
            if total == 0.0:
                continue
            _, largest = _core.smoothness(
                X,
                sample_weight=w,
                feature_offset=feature_offset,
                feature_scale=feature_scale,
                fit_intercept=fit_intercept,
                iterations=1,
            )
            out.append((index, largest * total / X.shape[0]))
        return out

    def sums(
        self,
        theta: np.ndarray,
        loss: str,
        epsilon: float,
        fit_intercept: bool,
        n_threads: int | None,
        rows: np.ndarray | None = None,
        starts: np.ndarray | None = None,
    ) -> list[tuple[int, np.ndarray]]:
        """(chunk index, [weighted loss sum, weighted gradient sums...]) of each chunk at
        theta, float64: over all its rows, or over those of the global row numbers `rows` (a
        batch, repeats counted) that fall in it (chunk k holds rows starts[k] .. starts[k+1]-1).
        Each chunk's pass runs on n_threads threads of the worker (the estimator's n_threads).
        """
        kernel = getattr(_core, _KERNELS[loss])
        options: dict[str, Any] = {"fit_intercept": fit_intercept, "n_threads": n_threads}
        if loss == "huber":
            options["epsilon"] = epsilon
        out = np.zeros((len(self.X), 1 + theta.size))
        grad = np.empty_like(theta)
        chunks = zip(self.indices, self.X, self.targets, self.weights, self.totals, strict=True)
        for k, (index, X, y, w, total) in enumerate(chunks):
            if rows is not None and starts is not None:  # the batch's rows in this chunk
                mine = rows[(rows >= starts[index]) & (rows < starts[index + 1])] - starts[index]
                X, y = X[mine], y[mine]
                w = None if w is None else w[mine]
                total = float(X.shape[0]) if w is None else float(w.sum(dtype=np.float64))
            if total == 0.0:  # no rows, or no weight: nothing to add
                continue
            mean = kernel(X, y, theta, grad, sample_weight=w, **options)
            out[k, 0] = mean * total
            out[k, 1:] = grad.ravel() * total
        return list(zip(self.indices, out, strict=True))


# ---------------------------------------------------------------------- on the driver
def _as_dask_array(value: Any, name: str, ndim: int) -> da.Array:
    """A Dask array with known row chunk sizes from a Dask array, DataFrame or Series."""
    if isinstance(value, dd.DataFrame | dd.Series):
        value = value.to_dask_array(lengths=True)
    if not isinstance(value, da.Array):
        raise TypeError(
            f"{name}: expected a dask.array.Array or a dask DataFrame/Series, got "
            f"{type(value).__name__} (wrap NumPy data with dask.array.from_array, or fit the "
            "estimator directly)"
        )
    if value.ndim != ndim:
        raise ValueError(
            f"{name}: expected a {ndim}-D array, got {value.ndim}-D with shape {value.shape}"
        )
    if any(np.isnan(c) for c in value.chunks[0]):
        sized: da.Array = value.compute_chunk_sizes()
        return sized
    return value


class _Cluster:
    """The actors holding the chunks of (X, y, sample_weight) on the workers, and the sums."""

    def __init__(self, client: Client, X: da.Array, y: da.Array, w: da.Array | None) -> None:
        self.client = client
        # futures of the chunks: they stay referenced, so that Dask recomputes a lost one
        self.parts = [
            client.compute(list(a.to_delayed().ravel())) for a in (X, y, w) if a is not None
        ]
        self.actors: list[tuple[str, Any]] = []
        self.preparation: tuple[Any, ...] = ()
        self.prepared: list[Any] = []

    def start(self) -> None:
        """One actor per worker holding the chunks that live there. A worker lost meanwhile
        (its chunks are then recomputed elsewhere) makes it start over, at most _RELOADS
        times; then WorkerLostError."""
        for attempt in range(_RELOADS + 1):
            try:
                self._place()
                return
            except (OSError, ValueError, RuntimeError) as error:
                # a worker gone (connection closed, left the cluster, or died holding the
                # actor being created); anything else is not ours to retry
                if not _worker_lost(error):
                    raise
                if attempt == _RELOADS:
                    raise WorkerLostError(
                        f"descend.dask.fit: workers were lost {_RELOADS + 1} times while the "
                        f"chunks were being loaded ({error!r}); the fit was abandoned"
                    ) from error
                time.sleep(0.1)

    def _place(self) -> None:
        wait([f for part in self.parts for f in part])
        who_has = self.client.who_has(self.parts[0])
        by_worker: dict[str, list[int]] = {}
        for i, future in enumerate(self.parts[0]):
            holders = sorted(who_has[future.key])
            if not holders:
                raise ConnectionError(f"chunk {i} was lost with its worker")
            by_worker.setdefault(holders[0], []).append(i)
        self.actors = []
        for worker, chunks in sorted(by_worker.items()):
            arrays = [part[i] for part in self.parts for i in chunks]
            actor = self.client.submit(
                _Chunks, chunks, *arrays, workers=[worker], actor=True, pure=False
            )
            self.actors.append((worker, self._result_on(actor, worker)))

    def _result_on(self, future: Any, worker: str) -> Any:
        """The result of a task bound to `worker`; ConnectionError once the worker has left
        the cluster (the task would wait for it forever) or the task was cancelled (its worker
        lost). Polled, not waited for with ``future.result(timeout)``: distributed's sync()
        turns a future cancelled meanwhile into an UnboundLocalError (its CancelledError is
        not an Exception)."""
        while not future.done():
            if worker not in self.client.scheduler_info()["workers"]:
                self.client.cancel(future)
                raise ConnectionError(f"worker {worker} left the cluster")
            time.sleep(0.02)
        if future.status in ("cancelled", "lost"):
            raise ConnectionError(f"the task on worker {worker} was {future.status}")
        return future.result()

    def _ask(self, method: str, *args: Any) -> tuple[list[Any], list[tuple[str, Exception]]]:
        """The method's result on every actor (called concurrently), and (worker, error) for
        each worker found lost: when the call is made (its actor's task has failed) or while
        it runs (connection closed). Any other error is raised."""
        pending: list[tuple[str, Any]] = []
        failed: list[tuple[str, Exception]] = []
        for worker, actor in self.actors:
            try:
                pending.append((worker, getattr(actor, method)(*args)))
            except (OSError, ValueError, RuntimeError) as error:
                if not _worker_lost(error):
                    raise
                failed.append((worker, error))
        results = []
        for worker, call in pending:
            try:
                results.append(call.result())
            except (OSError, ValueError, RuntimeError) as error:
                if not _worker_lost(error):
                    raise
                failed.append((worker, error))
        return results, failed

    def call(self, method: str, *args: Any) -> list[Any]:
        """The per-chunk results of the method on every actor, in chunk order. When workers
        holding chunks are lost, the scheduler is waited for to notice it, the chunks are
        reloaded into new actors (Dask recomputes the lost ones), prepared again, and the
        method asked again, at most _RELOADS times; then WorkerLostError."""
        for attempt in range(_RELOADS + 1):
            results, failed = self._ask(method, *args)
            if not failed:
                return _chunk_order(results)
            lost = [worker for worker, _ in failed]
            if attempt == _RELOADS:
                raise WorkerLostError(
                    f"descend.dask.fit: worker(s) {lost} holding row chunks were lost "
                    f"{_RELOADS + 1} times; the fit was abandoned ({failed[0][1]!r})"
                )
            self._reload(lost, failed[0][1])
        raise AssertionError("unreachable")  # pragma: no cover

    def prepare(self, *args: Any) -> list[Any]:
        """The actors' prepare(*args), remembered so that a reload can repeat it."""
        self.preparation = ()  # a reload during this call loads the chunks unprepared
        self.prepared = self.call("prepare", *args)
        self.preparation = args
        return self.prepared

    def sums(self, *args: Any) -> list[Any]:
        """The actors' sums(*args) (see call for lost workers)."""
        return self.call("sums", *args)

    def _reload(self, lost: list[str], error: Exception) -> None:
        """New actors for every chunk once the scheduler has dropped the `lost` workers, with
        the last preparation repeated; WorkerLostError if that does not happen within
        _LOST_SECONDS, the reload fails, or the recomputed chunks differ from the lost ones."""
        deadline = time.monotonic() + _LOST_SECONDS
        while set(lost) & set(self.client.scheduler_info()["workers"]):
            if time.monotonic() > deadline:
                raise WorkerLostError(
                    f"descend.dask.fit: could not reach the actors on worker(s) {lost} "
                    f"({error!r}), which the scheduler still lists; the fit was abandoned"
                )
            time.sleep(0.05)
        try:
            self.start()
            if self.preparation:
                prepared, failed = self._ask("prepare", *self.preparation)
                if failed:
                    raise failed[0][1]
        except Exception as reload_error:
            raise WorkerLostError(
                f"descend.dask.fit: worker(s) {lost} holding row chunks were lost ({error!r}) "
                f"and the chunks could not be reloaded ({reload_error!r}); the fit was abandoned"
            ) from reload_error
        if self.preparation and not _same_entries(_chunk_order(prepared), self.prepared):
            raise WorkerLostError(
                f"descend.dask.fit: worker(s) {lost} holding row chunks were lost and the "
                "recomputed chunks differ from the lost ones; the fit was abandoned"
            )

    def close(self) -> None:
        """Drop the actors and the chunk futures (never cancel them: other futures, such as
        the caller's persisted arrays, may share their keys)."""
        self.actors = []
        self.parts = []


def _same_entries(first: list[Any], second: list[Any]) -> bool:
    """Whether two lists of per-chunk tuples (numbers, arrays or None) hold equal values."""
    return len(first) == len(second) and all(
        len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
        for a, b in zip(first, second, strict=True)
    )


def _chunk_order(results: list[Any]) -> list[Any]:
    """The per-chunk entries (index first) of every actor's result, in chunk order."""
    return sorted((entry for part in results for entry in part), key=lambda entry: entry[0])


def _moments_data(
    parts: list[tuple[int, float, np.ndarray, np.ndarray, float]],
) -> tuple[np.ndarray, np.ndarray]:
    """A small data set (Z, y_Z), unweighted, with the weighted column means and covariance of
    all of X and the weighted mean square of y, from the chunks' moments (``_Chunks.moments``).

    For a full batch, ``descend._scaling.auto_settings`` depends on the data only through
    these: the scaling through the column means and deviations, the smoothness through
    H = E[x~ x~^T] (x~ the scaled row with its leading 1), the adaptive step through the mean
    square of y. Called on (Z, y_Z) it therefore gives the settings it gives on the whole data
    set, up to rounding, with its own code (the same 16 power iterations from the same start).

    The chunks are merged in chunk order with Chan et al.'s pairwise update
    (W = W_a + W_b, mean = mean_a + (W_b / W) d, M2 = M2_a + M2_b + (W_a W_b / W) d d^T,
    d = mean_b - mean_a). With C = M2 / W = D R D (D the deviations, R the correlations,
    R = Q diag(lambda) Q^T) and r the features of nonzero deviation, Z has the 2r rows
    mean +- sqrt(r) D q_j sqrt(lambda_j): their mean is the mean and their covariance
    sum_j D q_j lambda_j q_j^T D = C (R, not C, is factored, so that each column keeps its own
    relative precision). A constant column stays exactly constant; y_Z = sqrt(sum s y^2 / W).
    """
    weight, mean, scatter, square = 0.0, np.zeros(0), np.zeros((0, 0)), 0.0
    for _, total, chunk_mean, chunk_scatter, chunk_square in parts:
        if weight == 0.0:
            weight, mean, scatter = total, chunk_mean.copy(), chunk_scatter.copy()
        else:
            delta, merged = chunk_mean - mean, weight + total
            scatter += chunk_scatter + np.outer(delta, delta) * (weight * total / merged)
            mean += delta * (total / merged)
            weight = merged
        square += chunk_square
    covariance = scatter / weight
    spread = np.sqrt(np.diag(covariance))
    live = np.flatnonzero(spread > 0.0)
    Z = mean[None, :].copy()
    if live.size:
        d = spread[live]
        values, vectors = np.linalg.eigh(covariance[np.ix_(live, live)] / np.outer(d, d))
        factor = np.zeros((live.size, mean.size))
        factor[:, live] = (d[:, None] * vectors * np.sqrt(np.clip(values, 0.0, None))).T
        factor *= np.sqrt(live.size)
        Z = np.concatenate([mean + factor, mean - factor])
    return Z, np.full(Z.shape[0], np.sqrt(square / weight))


def fit(
    estimator: LinearRegression | LogisticRegression,
    X: Any,
    y: Any,
    sample_weight: Any = None,
    *,
    client: Client | None = None,
) -> LinearRegression | LogisticRegression:
    """Fit a descend linear model on a Dask array or DataFrame, the data staying on the workers.

    Parameters
    ----------
    estimator : descend.LinearRegression or descend.LogisticRegression
        The model and its settings (every loss and penalty, any update rule and schedule,
        averaging, tol, max_iter, class_weight, warm_start, batch_size, sampling and
        on_nonfinite); no early stopping, nor on_nonfinite="skip" without batch_size.
        ``n_threads`` is the threads of each worker's pass over one of its chunks (None: as
        in ``estimator.fit``, every processor of the worker's machine once a chunk is large
        enough); give each worker's share when several workers share a machine.
        ``learning_rate="auto"`` (the default) does what it does in ``estimator.fit``: the
        feature scaling and step of ``descend._scaling`` from the column means and
        covariance of X, which the workers compute chunk by chunk (one extra round trip;
        O(n_features^2) floats per chunk) and, with ``batch_size``, the largest scaled row
        norm (one more), and the fit in those internal coordinates. ``verbose`` as in
        ``estimator.fit`` (a progress bar, or a line per epoch). Fitted in place.
    X : dask.array.Array or dask.dataframe.DataFrame of shape (n_samples, n_features)
        Training data; a DataFrame's column names become ``feature_names_in_``.
    y : dask.array.Array or dask.dataframe.Series of shape (n_samples,)
        Targets or class labels, with the same row chunks as X.
    sample_weight : dask.array.Array or dask.dataframe.Series, optional
        Non-negative weights, not all zero, with the same row chunks as X.
    client : distributed.Client, optional
        The cluster; the default client when None.

    Returns
    -------
    estimator
        The fitted estimator: predict on NumPy data, pickle it, as after ``estimator.fit``.

    Raises
    ------
    WorkerLostError
        Workers holding row chunks were lost and the chunks could not be reloaded (see the
        user guide's page on Dask).
    KeyboardInterrupt
        Ctrl-C: the fit stops at the end of the epoch under way and the estimator keeps the
        parameters reached, with ``status_ == "interrupted"`` (as ``estimator.fit``); at a
        second Ctrl-C, at once, and the estimator is left as it was.
    """
    if not isinstance(estimator, LinearRegression | LogisticRegression):
        raise TypeError(
            "estimator: expected a descend.LinearRegression or descend.LogisticRegression, got "
            f"{type(estimator).__name__}"
        )
    settings = estimator._settings()
    if settings.validation_fraction is not None:
        raise ValueError("early_stopping: descend.dask.fit does not hold out rows; got True")
    if settings.on_nonfinite == "skip" and settings.batch_size is None:
        raise ValueError(
            "on_nonfinite: descend.dask.fit takes 'skip' with batch_size only (a skipped "
            "full-batch step is judged by the loss at the new parameters, which the workers "
            "would compute in a round trip of their own); use 'stop' or 'raise', got 'skip'"
        )
    client = default_client() if client is None else client
    names = feature_names_of(X)
    X = _as_dask_array(X, "X", 2)
    y = _as_dask_array(y, "y", 1)
    w = None if sample_weight is None else _as_dask_array(sample_weight, "sample_weight", 1)
    for other, name in ((y, "y"), (w, "sample_weight")):
        if other is not None and other.chunks[0] != X.chunks[0]:
            raise ValueError(
                f"{name}: expected the row chunks of X, {X.chunks[0]}, got {other.chunks[0]} "
                "(rechunk one to the other's chunks)"
            )
    if X.shape[0] == 0:
        raise ValueError("X: expected at least one row, got 0")
    if 0 in X.chunks[0]:  # (a filtered DataFrame's empty partitions): the same rows without
        rows = tuple(size for size in X.chunks[0] if size > 0)  # them, moving no data
        X, y = X.rechunk({0: rows}), y.rechunk({0: rows})
        w = None if w is None else w.rechunk({0: rows})
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})  # each chunk holds whole rows
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.dtype(np.float64)

    cluster = _Cluster(client, X, y, w)
    try:
        cluster.start()
        fitted: LinearRegression | LogisticRegression = _fit_on(
            estimator, settings, cluster, names, int(X.shape[1]), dtype
        )
        return fitted
    finally:
        cluster.close()


def _fit_on(
    estimator: Any, settings: Any, cluster: _Cluster, names: Any, n_features: int, dtype: Any
) -> Any:
    model = type(estimator)(**estimator.get_params())
    classes: np.ndarray | None = None
    class_weight: dict[Any, float] | None = None
    if isinstance(estimator, LogisticRegression):
        parts = [labels for _, labels in cluster.call("labels")]
        # labels of one kind in every chunk (as encode_labels checks within a chunk)
        check_label_types(np.concatenate([part.astype(object) for part in parts]))
        classes = np.unique(np.concatenate(parts))
    prepared = cluster.prepare(model, dtype.name, classes, None)
    if classes is not None and estimator.class_weight is not None:
        # the per-class weights from the global (weighted) class counts, then once more
        counts = np.sum([entry[3] for entry in prepared], axis=0)
        per_class = class_weight_per_class(
            estimator.class_weight, classes, np.arange(len(classes)), counts
        )
        assert per_class is not None  # class_weight is not None
        class_weight = dict(zip(classes.tolist(), per_class.tolist(), strict=True))
        prepared = cluster.prepare(model, dtype.name, classes, class_weight)
    total = float(np.sum([entry[2] for entry in prepared]))
    n_samples = int(np.sum([entry[1] for entry in prepared]))
    if not total > 0.0:
        raise ValueError("sample_weight must not be all zero: at least one weight must be > 0")
    if classes is not None:
        counts = np.sum([entry[3] for entry in prepared], axis=0)
        estimator._weights(
            counts, np.arange(len(classes)), classes, np.dtype(np.float64), partial=False
        )  # refuses weights leaving fewer than 2 classes

    n_outputs = 1 if classes is None or len(classes) == 2 else len(classes)
    loss = estimator._loss_name(n_outputs)
    shape = (n_features + 1,) if n_outputs == 1 else (n_features + 1, n_outputs)
    theta = np.zeros(shape, dtype=dtype)
    if estimator.warm_start and estimator._is_fitted():
        theta[...] = estimator._warm_start_theta(shape, classes, settings.fit_intercept)
    # learning_rate as estimator.fit reads it: "auto" fits in the internal coordinates of
    # descend._scaling, computed from the moments of the data gathered from the workers
    scaling = None
    if settings.auto_step_size:
        Z, target = _moments_data(cluster.call("moments"))

        def max_row_norm2(offset: np.ndarray | None, scale: np.ndarray) -> float:
            """max_i (s_i / mean(s)) ||x~_i||^2 over all rows, from the chunks' maxima."""
            norms = cluster.call("largest_row_norms", offset, scale, settings.fit_intercept)
            return float(max(value for _, value in norms)) * n_samples / total

        scaling = estimator._auto_settings(
            Z,
            target,
            None,
            loss,
            n_outputs,
            settings,
            n_samples=n_samples,
            max_row_norm2=max_row_norm2,
        )
        lr = scaling.learning_rate
        theta = to_internal_units(theta, scaling)
    elif isinstance(estimator.learning_rate, str):  # the schedule sets every step
        lr = float(estimator.schedule(0))
    else:
        lr = float(estimator.learning_rate)
    rule = optim._estimator_rule(_rule_optimizer(estimator.optimizer), lr)  # "auto": "sgd"
    schedule = _run_schedule(
        estimator.schedule, lr, settings.batch_size, settings.max_iter, n_samples
    )
    seed = seed_from_random_state(estimator.random_state)
    run = _FitState(
        theta,
        rule,
        settings.average,
        seed,
        schedule,
        lr,
        classes,
        scaling,
        estimator=estimator,
    )
    lbfgs = _runs_lbfgs(settings, estimator.optimizer, run.scaling)
    options = _core.SolverOptions(
        batch_size=0 if settings.batch_size is None else settings.batch_size,
        sampling=estimator.sampling,
        max_iter=settings.max_iter,
        tol=settings.tol,
        n_iter_no_change=settings.n_iter_no_change,
        average=run.averaging_from,
        # "raise" ends the loop as "stop" does; estimator._warn then raises, as after fit
        on_nonfinite="skip" if settings.on_nonfinite == "skip" else "stop",
        lbfgs=lbfgs,
    )
    kernel = (
        loss,
        float(getattr(estimator, "epsilon", 0.1)),
        settings.fit_intercept,
        settings.n_threads,
    )
    with Progress(
        total=settings.max_iter,
        desc=f"descend.dask.fit {type(estimator).__name__}",
        unit="epoch",
        verbose=_bar_wanted(estimator.verbose),
        lazy=True,
    ) as progress:
        _run_epochs(
            estimator, run, rule, settings, cluster, options, kernel, total, n_samples, progress
        )
    status = run.solver.status
    if progress.interrupted and status == "running":
        estimator._stop_interrupted(run, names, n_features, False)
        progress.raise_if_interrupted(
            f"descend.dask.fit interrupted (Ctrl-C) after {estimator.n_iter_} epochs: the "
            "estimator keeps the parameters they reached (status_='interrupted')"
        )
    estimator._commit(run, names, n_features, False, status)
    progress.raise_if_interrupted()  # the fit had finished anyway: its result stands
    estimator._warn(status, settings, False, run.solver.nonfinite_steps, lbfgs=lbfgs)
    return estimator


def _run_epochs(
    estimator: Any,
    run: _FitState,
    rule: Any,
    settings: Any,
    cluster: _Cluster,
    options: Any,
    kernel: tuple[str, float, bool, int | None],
    total: float,
    n_samples: int,
    progress: Progress,
) -> None:
    """The fit's epochs, until the solver stops or Ctrl-C is caught by progress (checked at
    the end of each epoch).

    Full batch: each epoch, the sums of all rows at theta (one round trip), then the epoch's
    step in C++ (``_core.fit_linear_from_sums``); for L-BFGS (options.lbfgs), the remote loop
    below over full batches, whose line search asks for the sums at each trial point (a round
    trip each). Mini-batches: the C++ loop
    (``_core.fit_linear_remote``) picks each step's rows as ``estimator.fit`` does (its
    shuffled permutation or draws with replacement, from the run's seeded generator), and each
    step sends theta and the batch's row numbers to every actor, which return the sums of the
    rows they hold (one round trip per step); the batch mean is divided by
    |B| * mean(sample_weight), the global weighting of the library's objectives. kernel is
    (loss, epsilon, fit_intercept, n_threads) as ``_Chunks.sums`` takes them."""
    scaling = run.scaling_arguments()
    common = dict(
        n_samples=n_samples,
        penalty=settings.penalty,
        alpha=settings.alpha,
        l1_ratio=settings.l1_ratio,
        feature_offset=scaling["feature_offset"],
        feature_scale=scaling["feature_scale"],
    )
    starts = np.concatenate([[0], np.cumsum([entry[1] for entry in cluster.prepared])])
    mean_weight = total / n_samples

    def batch_sums(rows: np.ndarray | None, theta: np.ndarray) -> tuple[float, np.ndarray]:
        sums = _added(cluster.sums(theta, *kernel, rows, starts))
        sums /= total if rows is None else rows.size * mean_weight
        return float(sums[0]), sums[1:]

    def full_batch_epoch() -> Any:
        at = np.array(run.in_caller_units(run.theta))  # a copy: the loop updates run.theta
        sums = _added(cluster.sums(at, *kernel)) / total
        gradient = sums[1:].reshape(run.theta.shape)
        return _core.fit_linear_from_sums(float(sums[0]), gradient, at, **loop(), **common)

    def mini_batch_epoch() -> Any:
        return _core.fit_linear_remote(batch_sums, **loop(), epochs=1, **common)

    def loop() -> dict[str, Any]:
        """What both C++ loops take besides their data: the run's state, rule and options."""
        return dict(
            theta=run.theta, state=run.state, average=run.average, optimizer=rule,
            schedule=run.schedule_core, options=options, solver_state=run.solver,
        )  # fmt: skip

    # (L-BFGS's line search asks for the sums at its trial points: the remote loop's callable)
    epoch = (
        full_batch_epoch if settings.batch_size is None and not options.lbfgs else mini_batch_epoch
    )
    while True:
        losses = epoch()
        estimator._report(run, losses, [])
        if losses:
            progress.update(len(losses), loss=losses[-1])
        if run.solver.status != "running" or progress.interrupted:
            break


def _added(parts: list[tuple[int, np.ndarray]]) -> np.ndarray:
    """The chunks' sums added in chunk order (whatever the placement: same rounding)."""
    sums = np.zeros_like(parts[0][1])
    for _, part in parts:
        sums += part
    return sums
