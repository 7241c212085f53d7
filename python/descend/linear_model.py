"""Linear models fitted by first-order optimization, with the loop in C++."""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from . import _core, optim
from ._estimator import BaseEstimator, RegressorMixin
from ._validation import as_float_matrix, as_vector_like, check_finite, seed_from_random_state
from .exceptions import ConvergenceWarning
from .schedules import Constant, InverseTime, Schedule

__all__ = ["LinearRegression"]

_OPTIMIZERS = optim.OPTIMIZER_NAMES
_SAMPLINGS = ("shuffle", "replacement")
# A fit calls the C++ loop in slices of about this many seconds, so that Ctrl-C is noticed
# between them.
_SLICE_SECONDS = 0.1


def _make_optimizer(name: object, lr: float) -> object:
    # A name from _OPTIMIZERS or a descend.optim instance; lr always comes from the estimator.
    return optim._estimator_rule(name, lr)


class LinearRegression(RegressorMixin, BaseEstimator):
    """Linear least squares fitted by gradient descent, SGD, mini-batch SGD or Adam.

    Minimizes the mean squared error of ``y ≈ intercept + X @ coef``::

        L(θ) = (1/m) Σ_i s_i (θ_0 + x_i · w - y_i)²,   θ = (intercept, coef)

    (``s_i`` the sample weights, divided by their mean; all ones by default) with gradient
    ``(2/m) X̃ᵀ(X̃θ - y)``, computed in one pass over the rows of X by the C++ kernel. The
    parameters start at zero.

    Parameters
    ----------
    optimizer : {"sgd", "adam"}, default="sgd"
        The update rule: "sgd" takes θ ← θ - η·g; "adam" is torch.optim.Adam with its
        defaults (betas=(0.9, 0.999), eps=1e-8).
    learning_rate : float, default=0.01
        The step size η, used when ``schedule`` is None.
    schedule : descend.schedules.Constant or InverseTime, optional
        The step size as a function of the number of steps taken so far; overrides
        ``learning_rate``.
    batch_size : int or None, default=None
        Rows per step: None for the full batch (gradient descent), 1 for stochastic gradient
        descent, k for mini-batches of k rows.
    sampling : {"shuffle", "replacement"}, default="shuffle"
        How steps pick rows: "shuffle" cuts a fresh permutation of the rows into batches every
        epoch; "replacement" draws each batch's rows at random with replacement (as the
        tutorial's SGD). Ignored for full-batch fits.
    max_iter : int, default=1000
        Maximum number of epochs (passes over the data; one step each for the full batch).
    tol : float or None, default=1e-6
        The fit has converged when the epoch loss changes by less than ``tol`` for
        ``n_iter_no_change`` epochs in a row. None disables the check: exactly ``max_iter``
        epochs are run.
    n_iter_no_change : int, default=1
        See ``tol``.
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False it is held at zero.
    random_state : int, numpy Generator or None, default=None
        Seeds the sampling of rows. The same seed gives the same fit on every platform.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The coefficients, in the dtype of X (float32 data is fitted in float32).
    intercept_ : float
        The intercept.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        The loss of every epoch: the full-batch loss at the start of the epoch, or for
        stochastic and mini-batch fits the mean of the step losses over the epoch.
    converged_ : bool
        Whether the ``tol`` rule stopped the fit.
    n_features_in_ : int
        Number of features seen in fit.

    Examples
    --------
    >>> import numpy as np, descend
    >>> rng = np.random.default_rng(0)
    >>> X = 2 * rng.random((100, 1)); y = 4 + 3 * X[:, 0] + rng.standard_normal(100)
    >>> model = descend.LinearRegression(learning_rate=0.1, tol=1e-12).fit(X, y)
    >>> round(model.intercept_, 2), np.round(model.coef_, 2)
    (4.14, array([2.9]))
    """

    def __init__(
        self,
        optimizer: str = "sgd",
        learning_rate: float = 0.01,
        schedule: Constant | InverseTime | None = None,
        batch_size: int | None = None,
        sampling: str = "shuffle",
        max_iter: int = 1000,
        tol: float | None = 1e-6,
        n_iter_no_change: int = 1,
        fit_intercept: bool = True,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.schedule = schedule
        self.batch_size = batch_size
        self.sampling = sampling
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.fit_intercept = fit_intercept
        self.random_state = random_state

    # ------------------------------------------------------------------ checks
    def _solver_options(self) -> _core.SolverOptions:
        def positive_int(name: str, value: object) -> int:
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")
            return int(value)

        batch = 0 if self.batch_size is None else positive_int("batch_size", self.batch_size)
        if self.sampling not in _SAMPLINGS:
            raise ValueError(
                f"sampling must be one of {', '.join(map(repr, _SAMPLINGS))}, got {self.sampling!r}"
            )
        if self.tol is None:
            tol = -1.0
        else:
            tol = float(self.tol)
            if not (tol >= 0 and math.isfinite(tol)):
                raise ValueError(f"tol must be None or a finite number >= 0, got {self.tol!r}")
        return _core.SolverOptions(
            batch_size=batch,
            sampling=self.sampling,
            max_iter=positive_int("max_iter", self.max_iter),
            tol=tol,
            n_iter_no_change=positive_int("n_iter_no_change", self.n_iter_no_change),
            slice_seconds=_SLICE_SECONDS,
        )

    def _core_schedule(self) -> object:
        # A fresh _core object per fit: the solver keeps a ReduceOnPlateau's state in it from
        # one slice to the next, and self.schedule itself is never changed by fit.
        if self.schedule is None:
            lr = self.learning_rate
            if not isinstance(lr, numbers.Real) or not (lr > 0 and math.isfinite(lr)):
                raise ValueError(f"learning_rate must be a finite number > 0, got {lr!r}")
            return _core.Constant(float(lr))
        if isinstance(self.schedule, Schedule):
            return self.schedule._to_core()
        raise ValueError(
            "schedule must be None or a descend.schedules object (Constant, InverseTime, "
            "InvScaling, StepDecay, Exponential, Cosine, LinearWarmup, ReduceOnPlateau), "
            f"got {self.schedule!r}"
        )

    # ------------------------------------------------------------------ fitting
    def fit(self, X: object, y: object, sample_weight: object = None) -> LinearRegression:
        """Fit the model to (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data. float32 and float64 arrays are used as they are (no copy when
            C-contiguous); other numeric types are converted to float64.
        y : array-like of shape (n_samples,)
            Targets, converted to the dtype of X.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights of the samples.

        Returns
        -------
        self
        """
        options = self._solver_options()
        schedule = self._core_schedule()
        lr = float(self.learning_rate) if self.schedule is None else 1.0
        optimizer = _make_optimizer(self.optimizer, lr)
        X = as_float_matrix(X)
        y = as_vector_like(y, "y", X.shape[0], X.dtype)
        if sample_weight is not None:
            sample_weight = as_vector_like(sample_weight, "sample_weight", X.shape[0], X.dtype)
            if (sample_weight < 0).any():
                raise ValueError("sample_weight must be non-negative")
            if not sample_weight.any():
                raise ValueError("sample_weight must not be all zero")
        seed = seed_from_random_state(self.random_state)

        n_params = X.shape[1] + 1
        theta = np.zeros(n_params, dtype=X.dtype)
        state = np.zeros((optimizer.state_slots, n_params), dtype=X.dtype)
        run = _core.SolverState(seed)
        losses: list[float] = []
        status = "running"
        while status == "running":
            status, chunk = _core.fit_least_squares(
                X, y, sample_weight, theta, state, optimizer, schedule, options, run,
                options.max_iter, bool(self.fit_intercept),
            )
            losses.extend(chunk)

        self.intercept_ = float(theta[0])
        self.coef_ = theta[1:].copy()
        self.n_iter_ = int(run.epoch)
        self.loss_curve_ = losses
        self.converged_ = status == "converged"
        self.n_features_in_ = X.shape[1]
        if status == "diverged":
            warnings.warn(
                f"LinearRegression diverged at epoch {run.diverged_epoch}: the loss or the "
                "parameters became NaN or infinite. The parameters are those at the start of "
                "that epoch. Try a smaller learning_rate.",
                ConvergenceWarning,
                stacklevel=2,
            )
        elif status == "max_iter" and self.tol is not None:
            warnings.warn(
                f"LinearRegression did not converge in max_iter={self.max_iter} epochs "
                f"(tol={self.tol}). Increase max_iter or the learning rate.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    # ------------------------------------------------------------------ using the fit
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise AttributeError(
                "This LinearRegression instance is not fitted yet; call fit(X, y) first."
            )

    def predict(self, X: object) -> np.ndarray:
        """Predicted targets ``X @ coef_ + intercept_``, in the dtype of the fit."""
        self._check_fitted()
        X = as_float_matrix(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but the model was fitted with "
                f"{self.n_features_in_}"
            )
        return X @ self.coef_ + self.coef_.dtype.type(self.intercept_)

    def score(self, X: object, y: object, sample_weight: object = None) -> float:
        """The coefficient of determination R² of the prediction."""
        prediction = self.predict(X).astype(np.float64)
        y = np.asarray(y, dtype=np.float64).reshape(prediction.shape)
        check_finite("y", np.ascontiguousarray(y))
        weight = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, float)
        residual = np.sum(weight * (y - prediction) ** 2)
        total = np.sum(weight * (y - np.average(y, weights=weight)) ** 2)
        if total == 0:
            return 1.0 if residual == 0 else 0.0
        return float(1.0 - residual / total)
