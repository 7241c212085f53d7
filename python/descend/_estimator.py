"""Base classes of descend's estimators: scikit-learn's when it is installed, else our own.

With scikit-learn installed the estimators derive from ``sklearn.base.BaseEstimator`` and its
mixins, so ``clone``, ``Pipeline``, ``GridSearchCV`` and the estimator checks see ordinary
scikit-learn estimators, and unfitted use raises ``sklearn.exceptions.NotFittedError``.
Without it they derive from the small classes below, which give the same ``get_params`` /
``set_params`` / ``score`` behaviour: descend needs NumPy only.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import numpy as np

__all__ = [
    "HAVE_SKLEARN",
    "BaseEstimator",
    "ClassifierMixin",
    "DataConversionWarning",
    "NotFittedError",
    "RegressorMixin",
]

try:
    from sklearn.exceptions import DataConversionWarning, NotFittedError

    HAVE_SKLEARN = True
except ImportError:  # pragma: no cover - exercised by the no-scikit-learn test in a subprocess
    HAVE_SKLEARN = False

    class NotFittedError(ValueError, AttributeError):  # type: ignore[no-redef]
        """The estimator is used before it was fitted."""

    class DataConversionWarning(UserWarning):  # type: ignore[no-redef]
        """Input data was converted (e.g. a column vector y to 1-D)."""


# The base classes without scikit-learn (and for mypy, which has no types of scikit-learn's).
class _BaseEstimator:
    """get_params / set_params over the keyword arguments of ``__init__``."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The estimator's hyperparameters, by name."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> _BaseEstimator:
        """Set hyperparameters by name; unknown names raise ValueError."""
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {valid}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = inspect.signature(type(self).__init__).parameters
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if not _same(defaults[name].default, value)
        ]
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(default: Any, value: Any) -> bool:
    if default is value:
        return True
    try:
        return bool(default == value)
    except (TypeError, ValueError):
        return False


class _RegressorMixin:
    """Marks a regressor; score is the coefficient of determination R²."""

    _estimator_type = "regressor"

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """R² = 1 - Σ s_i (y_i - ŷ_i)² / Σ s_i (y_i - ȳ)² of ``self.predict(X)``."""
        prediction = np.asarray(self.predict(X), dtype=np.float64)  # type: ignore[attr-defined]
        y = np.asarray(y, dtype=np.float64).reshape(prediction.shape)
        weight = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, float)
        residual = np.sum(weight * (y - prediction) ** 2)
        total = np.sum(weight * (y - np.average(y, weights=weight)) ** 2)
        if total == 0:
            return 1.0 if residual == 0 else 0.0
        return float(1.0 - residual / total)


class _ClassifierMixin:
    """Marks a classifier; score is the (weighted) accuracy."""

    _estimator_type = "classifier"

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The (sample-weighted) fraction of ``self.predict(X)`` equal to y."""
        correct = np.asarray(self.predict(X)) == np.asarray(y)  # type: ignore[attr-defined]
        return float(np.average(correct, weights=sample_weight))


if TYPE_CHECKING or not HAVE_SKLEARN:
    BaseEstimator = _BaseEstimator
    RegressorMixin = _RegressorMixin
    ClassifierMixin = _ClassifierMixin
else:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
